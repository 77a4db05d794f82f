/**
 * Offline use: the service worker `sw.js` (written at build time by vite/precache-plugin.ts) keeps
 * the app shell — pages, scripts, ONNX Runtime's and SQLite's WebAssembly — in Cache Storage;
 * models need nothing more, as the TF-IDF models live in the IndexedDB store and loadBert caches
 * the BERT files it downloads in IndexedDB. `npm run dev` registers no worker (Vite serves modules
 * one by one there, and a cache would hide edits).
 */
import { byId } from "./dom.js";

export function registerOffline(): void {
  const badge = byId("offline-status");
  const show = (text: string, state: string): void => {
    badge.textContent = text;
    badge.dataset.state = state;
  };
  if (!import.meta.env.PROD) return show("dev server: no offline cache", "dev");
  if (!("serviceWorker" in navigator)) return show("offline use unavailable in this browser", "unsupported");
  show("preparing offline use…", "installing");
  navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`).then(
    // `ready` resolves once a worker is active, i.e. after its install step cached the whole shell.
    () => navigator.serviceWorker.ready.then(() => show("works offline", "ready")),
    (error: unknown) => show(`offline use unavailable: ${error instanceof Error ? error.message : String(error)}`, "failed"),
  );
}
