/**
 * TF-IDF in a REAL browser: Debian's Chromium (installed by ./global-setup.ts when missing), driven
 * by playwright-core. The page imports the built package by name (bundled by ./bundle.ts with the
 * browser conditions) and is served from 127.0.0.1 by ./page-server.ts.
 *
 * a. A model trained in Node and encoded with encodeTfidfModel is fetched, decoded and run in the
 *    page: the same labels and bit-for-bit the same probabilities as Node's on 500 SST-2 dev texts.
 * b. Trained in the page on the same rows and options as in Node (threads: 1): the same labels, and
 *    bit-for-bit the same probabilities, losses and logged log-loss (TF-IDF's exp/log are
 *    engine-independent; see the test). b2: the same for a four-class (softmax) model.
 * c. createIndexedDbByteStore persists across a page reload in the real IndexedDB.
 *
 * Data: 3000 rows of SST-2 train and 500 of dev, 1500 IMDB train and 300 test reviews (b2) from
 * the shared data folder (../shared beside the checkout, or $SENTI_SHARED_DIR).
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
const DEV = readRows("sst2/dev.csv", 500);
const TEXTS = DEV.map((r) => r.text);
const OPTIONS = { ngramRange: [1, 2] as [number, number], minDf: 2, sublinearTf: true, C: 4, threads: 1 };

/** IMDB reviews in four classes by rating (1–2, 3–4, 7–8, 9–10): a multinomial (softmax) problem. */
function imdbRatingBuckets(split: "train" | "test", n: number): { text: string; label: number }[] {
  const index = parse(readFileSync(join(SHARED, "data", "imdb", `${split}_index.csv`)), { columns: true }) as { rating: string }[];
  const bucket = (rating: number): number => (rating <= 2 ? 0 : rating <= 4 ? 1 : rating <= 8 ? 2 : 3);
  return readRows(`imdb/${split}.csv`, n).map((r, i) => ({ text: r.text, label: bucket(Number(index[i]!.rating)) }));
}

interface PageResult {
  probabilities: number[][];
  labels: string[];
  modelLabels: string[];
}

interface TrainedInPage extends PageResult {
  losses: number[];
  fit: { iterations: number; evaluations: number; loss: number };
  metrics: { logLoss: number; accuracy: number; rocAuc: number } | null;
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

  it("a. predicts with a model trained in Node and served as bytes: same labels, same probabilities (|Δp| = 0)", async () => {
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
    expect(delta).toBe(0);
    expect(new Set(expectedLabels).size).toBe(2); // a real model, not a constant
  });

  // Why bit-equality holds: both sides are single-threaded and run the same code, and every transcendental
  // function of TF-IDF (idf and sublinear-tf logs, the logistic loss and its gradient, sigmoid/softmax, the
  // log-loss metric) comes from src/evaluation/deterministic-math.ts, made of IEEE-754 basic operations that
  // every engine rounds alike (Math.sqrt too). With Math.exp/Math.log, which Node 20's V8 (11.3) and Chromium
  // 156's V8 round differently in the last bit for up to ~10% of arguments, test a measured max |Δp| = 2.2e-16
  // and this test 1.78e-12 (the tf weights, the loss and the L-BFGS iterations amplify the last bit).
  /** Trains in Node and in the page on the same rows; checks that everything trained is the same bits. */
  async function trainBoth(
    name: string,
    train: { text: string; label: number }[],
    validation: { text: string; label: number }[],
    options: Record<string, unknown>,
  ): Promise<void> {
    const path = `/train-${name.split(".")[0]}.json`;
    const texts = validation.map((r) => r.text);
    server.files.set(path, JSON.stringify({ train, texts, options, validation }));
    const losses: number[] = [];
    const { model, fit, metrics } = await pkg.trainTfidf(train, {
      ...options,
      validation,
      onProgress: (e) => {
        if (e.phase === "optimizing" && e.loss !== undefined) losses.push(e.loss);
      },
    });
    const expected = await pkg.predictProba(model, texts);
    const expectedLabels = (await pkg.predict(model, texts)).map((p) => p.label);

    const got = await page.evaluate(
      (u) => (window as unknown as { trainInPage(u: string): Promise<TrainedInPage> }).trainInPage(u),
      path,
    );
    expect(got.modelLabels).toEqual([...model.labels]);
    expect(got.labels).toEqual(expectedLabels);
    const delta = maxAbsDiff(got.probabilities, expected);
    console.log(`[browser] ${name}: trained in the page: max |Δp| = ${delta}, ${fit.iterations} iterations`);
    expect(delta).toBe(0);
    // The optimizer took the same path: the same loss at every iteration, the same final loss, the
    // same logged log-loss on the validation rows.
    expect(losses.length).toBeGreaterThan(5);
    expect(got.losses).toEqual(losses);
    expect({ iterations: got.fit.iterations, evaluations: got.fit.evaluations, loss: got.fit.loss }).toEqual({
      iterations: fit.iterations,
      evaluations: fit.evaluations,
      loss: fit.loss,
    });
    expect(got.metrics!.logLoss).toBe(metrics!.logLoss);
    expect(got.metrics!.accuracy).toBe(metrics!.accuracy);
    expect(new Set(expectedLabels).size).toBe(model.labels.length); // a real model, not a constant
  }

  it("b. trains in the page like Node with threads: 1: same labels, same probabilities (|Δp| = 0), same losses", async () => {
    await trainBoth("b. SST-2 (binomial)", TRAIN, DEV, OPTIONS);

    mkdirSync(join(PROJECT_ROOT, ".cache", "browser-screenshots"), { recursive: true });
    await page.screenshot({ path: join(PROJECT_ROOT, ".cache", "browser-screenshots", "tfidf.png") });
  });

  it("b2. trains a four-class (softmax) model in the page like Node: same bits", async () => {
    await trainBoth("b2. IMDB ratings in four classes (multinomial)", imdbRatingBuckets("train", 1500), imdbRatingBuckets("test", 300), {
      minDf: 2,
      sublinearTf: true,
      C: 2,
      threads: 1,
    });
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
