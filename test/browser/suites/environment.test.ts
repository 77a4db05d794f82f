/**
 * The browser project itself: its tests run in a real Chromium page (not Node, not jsdom) with the
 * browser's own IndexedDB (not fake-indexeddb), and modules resolve as in a browser bundle: the
 * sources' `#runtime/<feature>` to src/runtime/web (vitest.config.ts), and the package's own
 * conditional "imports" with the browser conditions (to dist/runtime/web, so `npm run build` first,
 * as `npm test` does). Which file the page loaded is read from its resource timing entries.
 */
import { describe, expect, it } from "vitest";

/** The paths of the modules this page fetched so far. */
const loaded = (): string[] => performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname);

describe("browser project", () => {
  it("runs in Chromium, with no Node globals", () => {
    expect(navigator.userAgent).toMatch(/Chrome\//);
    expect(typeof document).toBe("object");
    expect((globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node).toBeUndefined();
  });

  it("has the browser's IndexedDB", async () => {
    expect(Object.prototype.toString.call(indexedDB)).toBe("[object IDBFactory]");
    const name = `senti-env-${crypto.randomUUID()}`;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onupgradeneeded = () => request.result.createObjectStore("s");
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    expect(Array.from(db.objectStoreNames)).toEqual(["s"]);
    db.close();
    expect((await indexedDB.databases()).map((d) => d.name)).toContain(name);
    await new Promise((resolve, reject) => {
      const request = indexedDB.deleteDatabase(name);
      request.onsuccess = resolve;
      request.onerror = () => reject(request.error);
    });
  });

  it("a source's #runtime/<feature> is the web binding from src/runtime/web", async () => {
    const { trackingDefaults } = await import("../../../src/runtime/web/tracking.js");
    await import("../../../src/api/create-tracking.js");
    const paths = loaded();
    expect(paths.some((p) => p.endsWith("/src/runtime/web/tracking.ts"))).toBe(true);
    expect(paths.filter((p) => p.includes("/runtime/node/"))).toEqual([]);
    expect(trackingDefaults({})).toEqual({}); // the web binding adds nothing (Node's adds the OS user)
  });

  it("package imports resolve with the browser conditions: #runtime/<feature> from a test is dist/runtime/web", async () => {
    const binding = (await import("#runtime/tracking")) as typeof import("../../../src/runtime/web/tracking.js");
    expect(binding.trackingDefaults({})).toEqual({});
    const paths = loaded();
    expect(paths.some((p) => p.endsWith("/dist/runtime/web/tracking.js"))).toBe(true);
    expect(paths.filter((p) => p.includes("/runtime/node/"))).toEqual([]);
  });
});
