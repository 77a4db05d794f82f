/**
 * TF-IDF in a REAL browser: Debian's Chromium (installed by ./global-setup.ts when missing), driven
 * by playwright-core. The page imports the built package by name (bundled by ./bundle.ts with the
 * browser conditions) and is served from 127.0.0.1 by ./page-server.ts.
 *
 * a. A model trained in Node and encoded with encodeTfidfModel is fetched, decoded and run in the
 *    page: the same labels and probabilities as Node's on 500 SST-2 dev texts.
 * b. Trained in the page on the same rows and options as in Node (threads: 1): the same labels, and
 *    probabilities within 1e-11 (the engines' Math.exp/log differ in the last bit; see the test).
 * c. createIndexedDbByteStore persists across a page reload in the real IndexedDB.
 *
 * Data: 3000 rows of SST-2 train and 500 of dev from the shared data folder (../shared beside the
 * checkout, or $SENTI_SHARED_DIR).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT, distFile } from "../helpers/dist.js";
import { bundlePage } from "./bundle.js";
import { launchChromium, type LaunchedChromium } from "./chromium.js";
import { startPageServer, type PageServer } from "./page-server.js";

type Pkg = typeof import("../../src/index.js");
type TfidfEntry = typeof import("../../src/entries/tfidf.js");

const SHARED = resolve(process.env.SENTI_SHARED_DIR ?? join(PROJECT_ROOT, "..", "shared"));
const readRows = (file: string, n: number) =>
  (parse(readFileSync(join(SHARED, "data", file)), { columns: true }) as { text: string; label: string }[])
    .slice(0, n)
    .map((r) => ({ text: r.text, label: Number(r.label) }));

const TRAIN = readRows("sst2/train.csv", 3000);
const TEXTS = readRows("sst2/dev.csv", 500).map((r) => r.text);
const OPTIONS = { ngramRange: [1, 2] as [number, number], minDf: 2, sublinearTf: true, C: 4, threads: 1 };

interface PageResult {
  probabilities: number[][];
  labels: string[];
  modelLabels: string[];
}

/** Largest |Δp| over every text and class; also checks the shapes match. */
function maxAbsDiff(a: number[][], b: number[][]): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  a.forEach((row, i) => {
    expect(row.length).toBe(b[i].length);
    row.forEach((p, j) => {
      max = Math.max(max, Math.abs(p - b[i][j]));
    });
  });
  return max;
}

let chromium: LaunchedChromium;
let server: PageServer;
let context: BrowserContext;
let page: Page;
let pkg: Pkg;
let tfidf: TfidfEntry;
const pageErrors: string[] = [];

beforeAll(async () => {
  pkg = (await import(distFile("index.js"))) as Pkg;
  tfidf = (await import(distFile("tfidf.js"))) as TfidfEntry;
  const bundle = await bundlePage(fileURLToPath(new URL("./tfidf-page.js", import.meta.url)));
  server = await startPageServer({
    "/index.html": `<!doctype html><html><head><meta charset="utf-8"><title>senti-mlops tfidf</title></head><body><h1>senti-mlops TF-IDF in Chromium</h1><pre id="out">loading…</pre><script type="module" src="/page.js"></script></body></html>`,
    "/page.js": bundle,
    "/texts.json": JSON.stringify(TEXTS),
  });
  chromium = await launchChromium();
  context = await chromium.browser.newContext();
  page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  await page.goto(`${server.origin}/`);
  await page.waitForFunction(() => (window as unknown as { pageReady?: boolean }).pageReady === true);
});

afterAll(async () => {
  await context?.close();
  await chromium?.close();
  await server?.close();
});

describe("TF-IDF in Chromium", () => {
  it("runs the page in a real Chromium, with the package bundled for browsers", async () => {
    const ua = await page.evaluate(() => navigator.userAgent);
    expect(ua).toMatch(/Chrome\/\d+/);
    // The browser build: no Node globals reached the page.
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe("undefined");
    expect(pageErrors).toEqual([]);
  });

  it("a. predicts with a model trained in Node and served as bytes: same labels, |Δp| ≤ 1e-12", async () => {
    const { model } = await pkg.trainTfidf(TRAIN, OPTIONS);
    server.files.set("/model.bin", tfidf.encodeTfidfModel(model as InstanceType<TfidfEntry["TfidfModel"]>));
    const expected = await pkg.predictProba(model, TEXTS);
    const expectedLabels = (await pkg.predict(model, TEXTS)).map((p) => p.label);

    const got = await page.evaluate(
      ([m, t]) => (window as unknown as { predictServed(m: string, t: string): Promise<PageResult> }).predictServed(m, t),
      ["/model.bin", "/texts.json"] as const,
    );
    expect(got.modelLabels).toEqual([...model.labels]);
    expect(got.labels).toEqual(expectedLabels);
    const delta = maxAbsDiff(got.probabilities, expected);
    console.log(`[browser] a. served model: max |Δp| = ${delta}`);
    expect(delta).toBeLessThanOrEqual(1e-12);
    expect(new Set(expectedLabels).size).toBe(2); // a real model, not a constant
  });

  // Why not 1e-12 (or bit-equality) here: both sides are single-threaded and run the same code, but Node 20's V8
  // (11.3) and Chromium 156's V8 round Math.exp/Math.log/Math.pow differently in the last bit for ~10% of
  // arguments (measured; Math.sqrt agrees). Prediction alone shows it at 1 ulp (test a, 2.2e-16); training
  // feeds it through the tf weights (log), the loss and the L-BFGS iterations, which amplify it: measured
  // max |Δp| = 1.78e-12 on these 3000 rows. 1e-11 is the tightest round bound above that.
  const TRAIN_IN_PAGE_TOLERANCE = 1e-11;

  it("b. trains in the page like Node with threads: 1: same labels, |Δp| ≤ 1e-11", async () => {
    server.files.set("/train.json", JSON.stringify({ train: TRAIN, texts: TEXTS, options: OPTIONS }));
    const { model } = await pkg.trainTfidf(TRAIN, OPTIONS);
    const expected = await pkg.predictProba(model, TEXTS);
    const expectedLabels = (await pkg.predict(model, TEXTS)).map((p) => p.label);

    const got = await page.evaluate(
      (u) => (window as unknown as { trainInPage(u: string): Promise<PageResult> }).trainInPage(u),
      "/train.json",
    );
    expect(got.modelLabels).toEqual([...model.labels]);
    expect(got.labels).toEqual(expectedLabels);
    const delta = maxAbsDiff(got.probabilities, expected);
    console.log(`[browser] b. trained in the page: max |Δp| = ${delta}`);
    expect(delta).toBeLessThanOrEqual(TRAIN_IN_PAGE_TOLERANCE);

    mkdirSync(join(PROJECT_ROOT, ".cache", "browser-screenshots"), { recursive: true });
    await page.screenshot({ path: join(PROJECT_ROOT, ".cache", "browser-screenshots", "tfidf.png") });
  });

  it("c. persists an IndexedDB byte store across a page reload", async () => {
    const dbName = `senti-mlops-browser-test-${Date.now()}`;
    const entries: Record<string, string> = {
      "1/run/artifacts/model.bin": Buffer.from(Uint8Array.from({ length: 300 }, (_, i) => (i * 37) % 256)).toString("base64"),
      "1/run/artifacts/MLmodel": Buffer.from("flavors:\n  tfidf: {}\n").toString("base64"),
      "empty.txt": "",
    };
    const keys = Object.keys(entries).sort();
    await page.evaluate(
      ([db, e]) => (window as unknown as { idbWrite(d: string, e: Record<string, string>): Promise<void> }).idbWrite(db, e),
      [dbName, entries] as const,
    );

    await page.reload();
    await page.waitForFunction(() => (window as unknown as { pageReady?: boolean }).pageReady === true);
    const read = (k: string[]) =>
      page.evaluate(
        ([db, ks]) =>
          (window as unknown as { idbRead(d: string, k: string[]): Promise<{ list: string[]; values: Record<string, string | null> }> }).idbRead(db, ks),
        [dbName, [...k, "missing/key"]] as [string, string[]],
      );
    const after = await read(keys);
    expect(after.list).toEqual(keys);
    expect(after.values).toEqual({ ...entries, "missing/key": null });

    // Another database of the same origin is empty: the values came from dbName's store.
    const other = await page.evaluate(
      (ks) =>
        (window as unknown as { idbRead(d: string, k: string[]): Promise<{ list: string[] }> }).idbRead("senti-mlops-browser-test-other", ks),
      keys,
    );
    expect(other.list).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
