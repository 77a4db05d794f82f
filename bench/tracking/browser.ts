/**
 * bench/tracking/browser.ts: the IndexedDB store (`indexeddb://`, the SQL store on SQLite compiled
 * to WebAssembly, its file kept in IndexedDB) in a real page — Debian's Chromium, headless — against
 * what the alternative design would get: a store written for IndexedDB cannot do a durable call in
 * less than one IndexedDB write (measured as idb-keyval `set` of the metric row, the floor), and
 * would search by evaluating MLflow's filters over its records in JavaScript (measured as the
 * memory store's search, which does exactly that without even reading IndexedDB). Also the bundle
 * each design ships.
 *
 *   npm run bench:tracking:browser              # prints the tables
 *   npm run bench:tracking:browser -- --write   # and writes them into docs/benchmarks.md
 */
import { gzipSync } from "node:zlib";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bundlePage } from "../../test/browser/bundle.js";
import { launchChromium } from "../../test/browser/chromium.js";
import { startPageServer } from "../../test/browser/page-server.js";
import { PROJECT_ROOT } from "../../test/peers/python-env.js";
import { writeBenchmarkSection } from "../docs.js";

const { values } = parseArgs({
  options: {
    write: { type: "boolean", default: false },
    calls: { type: "string", default: "500" },
    batches: { type: "string", default: "10" },
    runs: { type: "string", default: "2000" },
  },
});
const spec = { calls: Number(values.calls), batches: Number(values.batches), batchSize: 1000, runs: Number(values.runs), searches: 10 };
const SQLITE_WASM = readFileSync(join(PROJECT_ROOT, "node_modules/@sqlite.org/sqlite-wasm/dist/sqlite3.wasm"));

// Bundle sizes (minified, gzip -9): the page code of each path, everything it loads included.
const tmp = mkdtempSync(join(tmpdir(), "senti-bench-idb-"));
const gz = (text: string | Uint8Array): number => gzipSync(text, { level: 9 }).length;
const sizeOf = async (code: string): Promise<number> => {
  const file = join(tmp, `entry-${Math.random().toString(36).slice(2)}.js`);
  writeFileSync(file, code);
  return gz(await bundlePage(file, { minify: true }));
};
const sizes = {
  // The stores alone (tracking + registry), everything they load included.
  indexeddb: await sizeOf('import { openIndexedDbStores } from "senti-mlops/stores"; await openIndexedDbStores("indexeddb://x");'),
  memory: await sizeOf('import { createMemoryStore, createMemoryRegistryStore } from "senti-mlops/stores"; createMemoryRegistryStore({ tracking: createMemoryStore() });'),
  wasm: gz(SQLITE_WASM),
};

const page = await bundlePage(join(PROJECT_ROOT, "bench/tracking/browser-page.js"));
rmSync(tmp, { recursive: true, force: true });
const server = await startPageServer({
  "/index.html": '<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>',
  "/page.js": page,
  "/sqlite3.wasm": SQLITE_WASM,
});
const chromium = await launchChromium();
interface Result {
  openFirstMs: number;
  perCall: { indexeddb: number; idbPutFloor: number; memory: number };
  batch: { indexeddb: number; memory: number };
  fillRunsPerS: number;
  search: { indexeddb: { ms: number; found: number }; memory: { ms: number; found: number } };
  databaseBytes: number;
  reopenMs: number;
  reopenedRuns: number;
}
let result: Result;
const chromiumVersion = chromium.browser.version();
try {
  const context = await chromium.browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${server.origin}/#${encodeURIComponent(JSON.stringify(spec))}`);
  await tab.waitForFunction(() => "__benchResult" in window || "__benchError" in window, undefined, { timeout: 600_000 });
  const error = await tab.evaluate(() => (window as { __benchError?: string }).__benchError);
  if (error) throw new Error(error);
  result = await tab.evaluate(() => (window as unknown as { __benchResult: Result }).__benchResult);
  await context.close();
} finally {
  await chromium.close();
  await server.close();
}
if (result.search.indexeddb.found !== result.search.memory.found) throw new Error(`the stores found ${result.search.indexeddb.found} and ${result.search.memory.found} runs`);

const f0 = (x: number) => Math.round(x).toLocaleString("en-US");
const f1 = (x: number) => x.toFixed(1);
const kb = (b: number) => `${(b / 1024).toFixed(1)} kB`;
const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} in Debian's Chromium ${chromiumVersion} (headless), ${cpus().length} cores; \`npm run bench:tracking:browser\`.`,
  "",
  "| | `indexeddb://` (SQL on SQLite/WASM, pages in IndexedDB) | the floor of a store written for IndexedDB | memory store (nothing durable) |",
  "|---|---:|---:|---:|",
  `| per-call logging (1 metric, durable when it resolves), calls/s | ${f0(result.perCall.indexeddb)} | ${f0(result.perCall.idbPutFloor)} (one IndexedDB put per call) | ${f0(result.perCall.memory)} |`,
  `| batches of 1000 points, points/s | ${f0(result.batch.indexeddb)} | | ${f0(result.batch.memory)} |`,
  `| \`searchRuns\` \`metrics.acc > 0.9\` over ${f0(spec.runs)} runs, median ms | ${f1(result.search.indexeddb.ms)} | ${f1(result.search.memory.ms)} (filters evaluated in JS, as the memory store) | ${f1(result.search.memory.ms)} |`,
  `| first open (WASM compile + MLflow schema), ms | ${f0(result.openFirstMs)} | | |`,
  `| reopen with ${f0(spec.runs)} runs (${kb(result.databaseBytes)} database), ms | ${f0(result.reopenMs)} | | |`,
  `| the stores' code (tracking + registry), min+gzip | ${kb(sizes.indexeddb)} JS + ${kb(sizes.wasm)} \`sqlite3.wasm\` | | ${kb(sizes.memory)} JS |`,
  "",
  `Per-call ratio to the floor: ${(result.perCall.indexeddb / result.perCall.idbPutFloor).toFixed(2)}×. Both searches found ${result.search.memory.found} runs.`,
].join("\n");
process.stdout.write(`${table}\n`);
if (result.reopenedRuns !== 1) throw new Error("the reopened store lost the runs");
if (values.write) {
  writeBenchmarkSection("tracking-browser", table, {
    heading: "The IndexedDB store in the page",
    intro:
      "The browser's embedded store (`indexeddb://`, see docs/architecture.md) against what a store written for IndexedDB could at best do, in the same page: per call at least one IndexedDB write, and searches evaluated in JavaScript.",
  });
}
