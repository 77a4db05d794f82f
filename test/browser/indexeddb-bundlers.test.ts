/**
 * `indexeddb://` stores in pages bundled as apps bundle them (test/browser/bert-bundlers.ts: the
 * package installed as npm leaves it): with Vite and webpack 5, SQLite's `sqlite3.wasm` (referenced
 * by @sqlite.org/sqlite-wasm as `new URL("sqlite3.wasm", import.meta.url)`) is emitted and found
 * without configuration; with esbuild, which leaves that URL to the server, a missing file fails
 * with an error that names the `sqliteWasmUrl` option, and passing it works.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../helpers/dist.js";
import { bundleBertSite, type Bundler } from "./bert-bundlers.js";
import { launchChromium, type LaunchedChromium } from "./chromium.js";
import { startPageServer } from "./page-server.js";

interface PageResult {
  ok: boolean;
  accuracy?: number;
  status?: string;
  code?: string;
  message?: string;
}

const PAGE = join(PROJECT_ROOT, "test/browser/indexeddb-bundler-page.js");
let chromium: LaunchedChromium;
beforeAll(async () => {
  chromium = await launchChromium();
});
afterAll(async () => {
  await chromium?.close();
});

async function run(browser: Browser, files: Map<string, Uint8Array>, query = ""): Promise<PageResult> {
  const server = await startPageServer(Object.fromEntries(files));
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${server.origin}/${query}`);
    await page.waitForFunction(() => "__result" in window, undefined, { timeout: 60_000 });
    return await page.evaluate(() => (window as unknown as { __result: PageResult }).__result);
  } finally {
    await context.close();
    await server.close();
  }
}

describe("indexeddb:// in bundled apps", () => {
  for (const bundler of ["vite", "webpack"] as Bundler[]) {
    it(`${bundler}: sqlite3.wasm is emitted and found without configuration`, async () => {
      const site = await bundleBertSite(bundler, PAGE);
      expect([...site.files.keys()].some((path) => path.endsWith(".wasm"))).toBe(true);
      expect(await run(chromium.browser, site.files)).toEqual({ ok: true, accuracy: 0.5, status: "FINISHED" });
    }, 180_000);
  }

  it("esbuild: without the file, the error names sqliteWasmUrl; with it, the store works", async () => {
    const site = await bundleBertSite("esbuild", PAGE);
    const failed = await run(chromium.browser, site.files);
    expect(failed.ok).toBe(false);
    expect(failed.message).toMatch(/sqliteWasmUrl/);
    const files = new Map(site.files);
    files.set("/vendor/sqlite3.wasm", readFileSync(join(PROJECT_ROOT, "node_modules/@sqlite.org/sqlite-wasm/dist/sqlite3.wasm")));
    expect(await run(chromium.browser, files, "?sqliteWasmUrl=/vendor/sqlite3.wasm")).toEqual({ ok: true, accuracy: 0.5, status: "FINISHED" });
  }, 180_000);
});
