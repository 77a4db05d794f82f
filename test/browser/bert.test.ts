/**
 * BERT in a REAL browser: Debian's Chromium (installed by ./global-setup.ts when missing), driven by
 * playwright-core. The page (./bert-page.js) imports `senti-mlops/bert` by name and is bundled as an
 * app would bundle it, by Vite, webpack 5 and esbuild (./bert-bundlers.ts), from the built package.
 * The shared model folder (bert-tiny-sst2) is served in place from 127.0.0.1 (./bert-server.ts).
 *
 * a. onnxruntime-web's .wasm file: found without configuration with Vite and webpack (load +
 *    predict); with esbuild, a load without `wasmPaths` fails naming the .wasm URL and the option
 *    (and fetches no model file), and one with `wasmPaths` works.
 * b. Sources: a folder URL, a hub-layout URL, a URL relative to the page, and the folder's files in
 *    memory (a picked folder, files picked one by one, a record of Blobs): logits and probabilities
 *    within 1e-5 of reference.jsonl (torch's logits); identical logits however batches are cut.
 * c. Threads (cross-origin isolated pages): threads 2 loads, starts a worker, and predicts what
 *    threads 1 predicts (within 1e-5); when the workers cannot start — onnxruntime-web bundled into
 *    the page's own script (esbuild), or its Vite chunk importing the page's entry chunk — the load
 *    fails with a clear error after the watchdog's bound, and with `wasmPaths` the same page runs
 *    two threads. threads 2 in a page that is not isolated, and a second thread count
 *    in one page, are refused.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../helpers/dist.js";
import { bundleBertSite, onnxruntimeWebFiles, type Bundler, type BundledSite } from "./bert-bundlers.js";
import { startBertServer, type BertServer } from "./bert-server.js";
import { launchChromium, type LaunchedChromium } from "./chromium.js";

const SHARED = join(PROJECT_ROOT, "..", "shared");
const MODEL_DIR = join(process.env.SENTI_SHARED_DIR ?? SHARED, "models", "bert-tiny-sst2");
const MODEL_FILES = ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"];
const REFERENCE = readFileSync(join(MODEL_DIR, "reference.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line) as { text: string; logits: number[] });
const TEXTS = REFERENCE.map((r) => r.text);
const softmax = (row: number[]): number[] => {
  const max = Math.max(...row);
  const exps = row.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
};
const REFERENCE_LOGITS = REFERENCE.map((r) => r.logits);
const REFERENCE_PROBA = REFERENCE_LOGITS.map(softmax);
const TOLERANCE = 1e-5;
const PAGE = fileURLToPath(new URL("./bert-page.js", import.meta.url));
const CJS_PAGE = fileURLToPath(new URL("./bert-page-cjs.js", import.meta.url));

function maxAbsDiff(a: number[][], b: number[][]): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  a.forEach((row, i) => {
    expect(row.length).toBe(b[i]!.length);
    row.forEach((v, j) => (max = Math.max(max, Math.abs(v - b[i]![j]!))));
  });
  return max;
}

interface LoadResult {
  ok: boolean;
  id?: number;
  labels?: string[];
  source?: string;
  ms: number;
  error?: { name: string; code: string; component: string; message: string };
}
type Source = string | { files: string; paths: string[]; as: "folder" | "flat" | "record" | "single" };

/** A page of a bundled site: what the test calls on `globalThis.bertPage`, and the workers it started. */
interface BertPage {
  readonly page: Page;
  readonly workers: string[];
  readonly errors: string[];
  load(source: Source, options?: Record<string, unknown>): Promise<LoadResult>;
  logits(id: number, texts: string[]): Promise<number[][]>;
  proba(id: number, texts: string[]): Promise<number[][]>;
  close(): Promise<void>;
}

async function openPage(browser: Browser, url: string): Promise<BertPage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const workers: string[] = [];
  const errors: string[] = [];
  page.on("worker", (worker) => workers.push(worker.url()));
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as { pageReady?: boolean }).pageReady === true);
  const call = <T>(name: string, ...args: unknown[]): Promise<T> =>
    page.evaluate(([n, a]) => (globalThis as unknown as { bertPage: Record<string, (...x: unknown[]) => Promise<unknown>> }).bertPage[n as string]!(...(a as unknown[])), [name, args] as const) as Promise<T>;
  return {
    page,
    workers,
    errors,
    load: (source, options = {}) => call<LoadResult>("load", source, options),
    logits: (id, texts) => call<number[][]>("logits", id, texts),
    proba: (id, texts) => call<number[][]>("proba", id, texts),
    close: () => context.close(),
  };
}

let chromium: LaunchedChromium;
const sites = new Map<string, BundledSite>();
const servers: BertServer[] = [];
let ortFiles: Map<string, Uint8Array>;

interface ServeOptions {
  /** COOP/COEP headers. */
  isolated?: boolean;
  /** Where onnxruntime-web's runtime files are served (`/ort/`), as a site would copy them; none when unset. */
  ortAt?: string;
}

/** Serves `bundled` with the model folder (folder layout at /models/…, hub layout at /hub/org/…) and, optionally, onnxruntime-web's files. */
async function serve(bundled: BundledSite, options: ServeOptions = {}): Promise<BertServer> {
  const files = new Map<string, Uint8Array | string>(bundled.files);
  if (options.ortAt !== undefined) for (const [name, bytes] of ortFiles) files.set(`${options.ortAt}${name}`, bytes);
  const server = await startBertServer({
    files,
    folders: { "/models/bert-tiny-sst2": MODEL_DIR, "/hub/org/bert-tiny-sst2/resolve/main": MODEL_DIR },
    isolated: options.isolated,
  });
  servers.push(server);
  return server;
}

async function site(bundler: Bundler, entry = PAGE): Promise<BundledSite> {
  const key = `${bundler}:${entry}`;
  let bundled = sites.get(key);
  if (!bundled) {
    bundled = await bundleBertSite(bundler, entry);
    sites.set(key, bundled);
  }
  return bundled;
}

/** Serves `bundled` (see {@link serve}), opens a page of it, runs `use`, and closes the page. */
async function inPage<T>(bundled: BundledSite, options: ServeOptions, use: (page: BertPage, server: BertServer) => Promise<T>): Promise<T> {
  const server = await serve(bundled, options);
  const page = await openPage(chromium.browser, `${server.origin}/`);
  try {
    return await use(page, server);
  } finally {
    await page.close();
  }
}

/** A threaded load whose workers never start: it fails after the watchdog's bound, naming `cause` and wasmPaths. */
async function expectWorkersNeverStart(page: BertPage, cause: string): Promise<void> {
  const loaded = await page.load("/models/bert-tiny-sst2", { threads: 2, cache: false });
  expect(loaded.ok).toBe(false);
  expect(loaded.error).toMatchObject({ code: "DEADLINE_EXCEEDED", component: "bert" });
  expect(loaded.error!.message).toContain("no worker answered within 20 s after its .wasm file arrived");
  expect(loaded.error!.message).toContain(cause);
  expect(loaded.error!.message).toContain("wasmPaths");
  expect(loaded.ms).toBeLessThan(40_000);
}

/** Loads, predicts the reference texts, checks logits and probabilities against reference.jsonl; returns the logits. */
async function loadAndCheck(page: BertPage, source: Source, options: Record<string, unknown> = {}): Promise<number[][]> {
  const loaded = await page.load(source, options);
  expect(loaded.error, JSON.stringify(loaded.error)).toBeUndefined();
  expect(loaded.labels).toEqual(["NEGATIVE", "POSITIVE"]);
  const logits = await page.logits(loaded.id!, TEXTS);
  const proba = await page.proba(loaded.id!, TEXTS);
  expect(maxAbsDiff(logits, REFERENCE_LOGITS)).toBeLessThan(TOLERANCE);
  expect(maxAbsDiff(proba, REFERENCE_PROBA)).toBeLessThan(TOLERANCE);
  return logits;
}

beforeAll(async () => {
  ortFiles = await onnxruntimeWebFiles();
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await Promise.all(servers.map((s) => s.close()));
});

describe("onnxruntime-web's .wasm file, by bundler", () => {
  for (const bundler of ["vite", "webpack"] as const) {
    it(`${bundler}: found without configuration; load + predict match reference.jsonl`, async () => {
      await inPage(await site(bundler), {}, async (page, server) => {
        await loadAndCheck(page, "/models/bert-tiny-sst2", { cache: false });
        const wasm = server.requests.filter((r) => r.path.endsWith(".wasm"));
        expect(wasm.length).toBeGreaterThan(0);
        expect(wasm.every((r) => r.status === 200), JSON.stringify(wasm)).toBe(true);
      });
    });
  }

  it("esbuild without wasmPaths: the error names the .wasm URL that failed and the option, and no model file was fetched", async () => {
    await inPage(await site("esbuild"), {}, async (page, server) => {
      const loaded = await page.load("/models/bert-tiny-sst2", { cache: false });
      expect(loaded.ok).toBe(false);
      expect(loaded.error).toMatchObject({ code: "RESOURCE_DOES_NOT_EXIST", component: "bert" });
      const message = loaded.error!.message;
      expect(message).toContain(`${server.origin}/ort-wasm-simd-threaded.wasm (HTTP 404)`);
      expect(message).toContain("wasmPaths");
      expect(message).not.toContain("model.onnx");
      expect(server.requests.filter((r) => r.path.startsWith("/models/"))).toEqual([]);
      // A second load in the same page fails the same way (onnxruntime-web cannot start again).
      const again = await page.load("/models/bert-tiny-sst2", { cache: false });
      expect(again.error?.message).toBe(message);
    });
  });

  it("esbuild with wasmPaths (onnxruntime-web's files copied to /ort/): load + predict match reference.jsonl", async () => {
    await inPage(await site("esbuild"), { ortAt: "/ort/" }, async (page, server) => {
      await loadAndCheck(page, "/models/bert-tiny-sst2", { cache: false, wasmPaths: "/ort/" });
      expect(server.requests.filter((r) => r.path.startsWith("/ort/")).map((r) => `${r.status} ${r.path}`)).toEqual(
        expect.arrayContaining(["200 /ort/ort-wasm-simd-threaded.mjs", "200 /ort/ort-wasm-simd-threaded.wasm"]),
      );
    });
  });
});

describe("model sources in the page (Vite)", () => {
  let server: BertServer;
  let page: BertPage;

  beforeAll(async () => {
    server = await serve(await site("vite"));
    page = await openPage(chromium.browser, `${server.origin}/`);
  });
  afterAll(() => page?.close());

  it("a folder URL (absolute)", async () => {
    await loadAndCheck(page, `${server.origin}/models/bert-tiny-sst2`, { cache: false });
  });

  it("a hub-layout URL ({url}/resolve/main/{file}), cached in IndexedDB", async () => {
    await loadAndCheck(page, `${server.origin}/hub/org/bert-tiny-sst2`, { layout: "hub" });
    const before = server.requests.length;
    // The second load reads IndexedDB: no request at all.
    await loadAndCheck(page, `${server.origin}/hub/org/bert-tiny-sst2`, { layout: "hub" });
    expect(server.requests.slice(before)).toEqual([]);
  });

  it("a URL relative to the page", async () => {
    const before = server.requests.length;
    await loadAndCheck(page, "models/bert-tiny-sst2", { cache: false });
    expect(server.requests.slice(before).map((r) => r.path)).toContain("/models/bert-tiny-sst2/config.json");
  });

  for (const as of ["folder", "flat", "record"] as const) {
    it(`the folder's files in memory (${as === "folder" ? "a picked folder: Files with webkitRelativePath" : as === "flat" ? "Files picked one by one, names only" : "a record of paths to Blobs"})`, async () => {
      await loadAndCheck(page, { files: `${server.origin}/models/bert-tiny-sst2`, paths: MODEL_FILES, as });
    });
  }

  it("scores do not depend on how batches are cut: callCostTokens 0, the default and Infinity give identical logits", async () => {
    const results: number[][][] = [];
    for (const callCostTokens of [0, undefined, Infinity]) {
      const loaded = await page.load("/models/bert-tiny-sst2", { cache: false, ...(callCostTokens !== undefined ? { callCostTokens } : {}) });
      expect(loaded.error).toBeUndefined();
      results.push(await page.logits(loaded.id!, TEXTS));
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it("files that lack one: the error names it and the files given; one File alone is refused with what to pass instead", async () => {
    const base = `${server.origin}/models/bert-tiny-sst2`;
    const partial = await page.load({ files: base, paths: ["config.json", "tokenizer.json", "onnx/model.onnx"], as: "flat" });
    expect(partial.error).toMatchObject({ code: "RESOURCE_DOES_NOT_EXIST" });
    expect(partial.error!.message).toContain("tokenizer_config.json is missing from the 3 files given");
    const single = await page.load({ files: base, paths: ["onnx/model.onnx"], as: "single" });
    expect(single.error).toMatchObject({ code: "INVALID_PARAMETER_VALUE" });
    expect(single.error!.message).toContain("webkitdirectory");
  });
});

describe("threads (cross-origin isolated pages)", () => {
  it("Vite: threads 2 starts a worker and predicts what threads 1 predicts (within 1e-5)", async () => {
    const server = await serve(await site("vite"), { isolated: true });
    const one = await openPage(chromium.browser, `${server.origin}/`);
    const two = await openPage(chromium.browser, `${server.origin}/`);
    try {
      expect(await two.page.evaluate(() => crossOriginIsolated)).toBe(true);
      const logits1 = await loadAndCheck(one, "/models/bert-tiny-sst2", { threads: 1, cache: false });
      expect(one.workers).toEqual([]);
      const logits2 = await loadAndCheck(two, "/models/bert-tiny-sst2", { threads: 2, cache: false });
      expect(two.workers.length).toBe(1);
      expect(maxAbsDiff(logits2, logits1)).toBeLessThan(TOLERANCE);
      // onnxruntime-web fixes its thread count once per page.
      const other = await two.load("/models/bert-tiny-sst2", { threads: 1, cache: false });
      expect(other.error).toMatchObject({ code: "INVALID_PARAMETER_VALUE" });
      expect(other.error!.message).toContain("already runs with 2 threads");
    } finally {
      await one.close();
      await two.close();
    }
  });

  it("threads 2 in a page that is not cross-origin isolated is refused, naming the headers", async () => {
    await inPage(await site("vite"), {}, async (page) => {
      const loaded = await page.load("/models/bert-tiny-sst2", { threads: 2, cache: false });
      expect(loaded.error).toMatchObject({ code: "INVALID_PARAMETER_VALUE" });
      expect(loaded.error!.message).toContain("Cross-Origin-Embedder-Policy: require-corp");
    });
  });

  it("esbuild without wasmPaths (onnxruntime-web inside the page's own script): threads 2 fails after the watchdog's bound, naming wasmPaths", async () => {
    // The .wasm file is where the bundle looks for it, so only the workers can fail: they run the page's script.
    await inPage(await site("esbuild"), { isolated: true, ortAt: "/" }, (page) => expectWorkersNeverStart(page, "bundled into the page's own script"));
  });

  it("Vite, onnxruntime-web's chunk importing the page's entry chunk: threads 2 fails after the watchdog's bound, naming wasmPaths; with wasmPaths it works", async () => {
    const bundled = await bundleBertSite("vite", CJS_PAGE);
    const entry = [...bundled.files.keys()].find((path) => /^\/assets\/index-.*\.js$/.test(path))!;
    const ortChunk = [...bundled.files.entries()].find(([path]) => /ort\.wasm\.bundle/.test(path))!;
    expect(new TextDecoder().decode(ortChunk[1])).toContain(`from"./${entry.slice("/assets/".length)}"`);
    await inPage(bundled, { isolated: true }, (page) => expectWorkersNeverStart(page, "its chunk imports the page's entry chunk"));
    // The same site with wasmPaths: the workers run onnxruntime-web's own module.
    await inPage(bundled, { isolated: true, ortAt: "/ort/" }, async (page, server) => {
      await loadAndCheck(page, "/models/bert-tiny-sst2", { threads: 2, wasmPaths: "/ort/", cache: false });
      expect(page.workers).toEqual([`${server.origin}/ort/ort-wasm-simd-threaded.mjs`]);
    });
  });

  it("esbuild with wasmPaths: threads 2 starts onnxruntime-web's own worker script and matches reference.jsonl", async () => {
    await inPage(await site("esbuild"), { isolated: true, ortAt: "/ort/" }, async (page, server) => {
      await loadAndCheck(page, "/models/bert-tiny-sst2", { threads: 2, wasmPaths: "/ort/", cache: false });
      expect(page.workers).toEqual([`${server.origin}/ort/ort-wasm-simd-threaded.mjs`]);
    });
  });
});
