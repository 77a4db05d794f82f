/**
 * The page's tracking client on the IndexedDB store, opened once, and a "something changed"
 * signal: this tab's panels refresh when a training ends, and other tabs of the app hear it on a
 * BroadcastChannel (they share the store).
 */
import { createTracking, type Tracking } from "senti-mlops/tracking";
import { TRACKING_URI } from "./config.js";

let opening: Promise<Tracking> | undefined;

/** The client of {@link TRACKING_URI}, opened on first use. */
export function localTracking(): Promise<Tracking> {
  opening ??= createTracking(TRACKING_URI);
  return opening;
}

const channel = new BroadcastChannel("senti-mlops-example");
const listeners = new Set<() => void>();
channel.addEventListener("message", () => listeners.forEach((listener) => listener()));

/** Tells this tab's panels and the other tabs that runs or models changed. */
export function announceChange(): void {
  channel.postMessage("changed");
  listeners.forEach((listener) => listener());
}

/** Calls `listener` after every change. */
export function onChange(listener: () => void): void {
  listeners.add(listener);
}
