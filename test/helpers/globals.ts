/**
 * Page globals (`location`, `document`) stubbed in Node for a test and restored after it, so code
 * that behaves differently in pages can be tested without a browser.
 */
import { expect } from "vitest";

const restore: (() => void)[] = [];

/** Defines `globalThis[name]` until {@link restoreGlobals} runs. */
export function stubGlobal(name: "location" | "document", value: unknown): void {
  const had = Object.getOwnPropertyDescriptor(globalThis, name);
  Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  restore.push(() => {
    if (had) Object.defineProperty(globalThis, name, had);
    else delete (globalThis as Record<string, unknown>)[name];
  });
}

/** Undoes every {@link stubGlobal}, newest first, and checks that Node has no `location` again (use in afterEach). */
export function restoreGlobals(): void {
  while (restore.length > 0) restore.pop()!();
  expect((globalThis as { location?: unknown }).location).toBeUndefined();
}
