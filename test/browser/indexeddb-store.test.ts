/**
 * The IndexedDB store (`indexeddb://`) in REAL Chromium (Debian's, via playwright-core), bundled from
 * the built package as a web app would: the data survives a page reload and a browser restart (a
 * persistent profile, closed and launched again); two tabs logging into one run at once lose no
 * point (Web Locks order them); a worker's write is read by its page as soon as the worker answers;
 * the export is an SQLite file that better-sqlite3 opens as an MLflow database. The conformance
 * suites run on the same store in Chromium in test/browser/suites/.
 */
import Database from "better-sqlite3";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../helpers/dist.js";
import { bundlePage } from "./bundle.js";
import { ensureChromium } from "./chromium.js";
import { startPageServer, type PageServer } from "./page-server.js";

type StoreWindow = Window & {
  pageReady?: boolean;
  storeWrite(name: string): Promise<string>;
  storeRead(name: string): Promise<null | { runId: string; runName: string; params: Record<string, string>; loss: number[]; notes: string; champion: string }>;
  storeCreateRun(name: string): Promise<string>;
  storeLogMany(name: string, runId: string, from: number, count: number): Promise<void>;
  storeHistory(name: string, runId: string): Promise<number[]>;
  storeWorkerThenRead(name: string): Promise<{ runName: string; status: string; accuracy: number }>;
  storeExport(name: string): Promise<string>;
};

const dir = mkdtempSync(join(tmpdir(), "senti-idb-browser-"));
const profile = join(dir, "profile");
let server: PageServer;
let context: BrowserContext | undefined;
const NAME = `persist-${Date.now()}`;

/** A persistent profile (its IndexedDB on disk in `profile`), so that a relaunch is a browser restart. */
async function launch(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, { executablePath: ensureChromium(), headless: true, args: ["--no-sandbox"] });
}

async function openPage(c: BrowserContext): Promise<Page> {
  const page = await c.newPage();
  await page.goto(`${server.origin}/`);
  await page.waitForFunction(() => (window as unknown as StoreWindow).pageReady === true);
  return page;
}

beforeAll(async () => {
  server = await startPageServer({
    "/index.html": '<!doctype html><meta charset="utf-8"><title>indexeddb store</title><script type="module" src="/page.js"></script>',
    "/page.js": await bundlePage(join(PROJECT_ROOT, "test/browser/indexeddb-store-page.js")),
    "/worker.js": await bundlePage(join(PROJECT_ROOT, "test/browser/indexeddb-store-worker.js")),
    // Where a bundler puts SQLite's module: beside the code that references it.
    "/sqlite3.wasm": readFileSync(join(PROJECT_ROOT, "node_modules/@sqlite.org/sqlite-wasm/dist/sqlite3.wasm")),
  });
  context = await launch();
}, 120_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("indexeddb:// in Chromium", () => {
  let written: string;

  it("keeps runs, metrics, artifacts and aliases across a reload", async () => {
    const page = await openPage(context!);
    written = await page.evaluate((n) => (window as unknown as StoreWindow).storeWrite(n), NAME);
    await page.reload();
    await page.waitForFunction(() => (window as unknown as StoreWindow).pageReady === true);
    const read = await page.evaluate((n) => (window as unknown as StoreWindow).storeRead(n), NAME);
    expect(read).toEqual({ runId: written, runName: "kept", params: { C: "4" }, loss: [0.7, 0.4, 0.2], notes: "kept across restarts", champion: "1" });
    await page.close();
  });

  it("and across a browser restart", async () => {
    await context!.close();
    context = await launch();
    const page = await openPage(context);
    const read = await page.evaluate((n) => (window as unknown as StoreWindow).storeRead(n), NAME);
    expect(read?.runId).toBe(written);
    expect(read?.loss).toEqual([0.7, 0.4, 0.2]);
    expect(read?.champion).toBe("1");
    await page.close();
  }, 60_000);

  it("two tabs logging into one run at once lose no point", async () => {
    const [a, b] = [await openPage(context!), await openPage(context!)];
    const name = `${NAME}-tabs`;
    const runId = await a.evaluate((n) => (window as unknown as StoreWindow).storeCreateRun(n), name);
    await Promise.all([
      a.evaluate(([n, r]) => (window as unknown as StoreWindow).storeLogMany(n, r, 0, 60), [name, runId] as const),
      b.evaluate(([n, r]) => (window as unknown as StoreWindow).storeLogMany(n, r, 60, 60), [name, runId] as const),
    ]);
    const fromA = await a.evaluate(([n, r]) => (window as unknown as StoreWindow).storeHistory(n, r), [name, runId] as const);
    const fromB = await b.evaluate(([n, r]) => (window as unknown as StoreWindow).storeHistory(n, r), [name, runId] as const);
    expect(fromA).toEqual(Array.from({ length: 120 }, (_, i) => i));
    expect(fromB).toEqual(fromA);
    await a.close();
    await b.close();
  }, 120_000);

  it("a page reads what its worker wrote as soon as the worker answers", async () => {
    const page = await openPage(context!);
    const got = await page.evaluate((n) => (window as unknown as StoreWindow).storeWorkerThenRead(n), `${NAME}-worker`);
    expect(got).toEqual({ runName: "worker-run", status: "FINISHED", accuracy: 0.875 });
    await page.close();
  }, 60_000);

  it("exports an SQLite file in MLflow's schema", async () => {
    const page = await openPage(context!);
    const base64 = await page.evaluate((n) => (window as unknown as StoreWindow).storeExport(n), NAME);
    const path = join(dir, "exported.db");
    writeFileSync(path, Buffer.from(base64, "base64"));
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT name, status FROM runs WHERE run_uuid = ?").get(written)).toEqual({ name: "kept", status: "RUNNING" });
    expect(db.prepare("SELECT alias, version FROM registered_model_aliases WHERE name = 'kept-model'").all()).toEqual([{ alias: "champion", version: 1 }]);
    db.close();
    await page.close();
  });
});
