/**
 * bench/tfidf/browser.ts: TF-IDF training and prediction in a page (Debian's Chromium, headless)
 * against the same calls in Node, in the same run: SST-2 train (67,349 sentences) with the
 * README's options on one thread (a page trains on its calling thread; Node is given `threads: 1`
 * so that both run the same code path), then predictProba on the same 67,349 texts. Rounds
 * alternate Node and page; figures are medians. The page's probabilities must equal Node's bit for
 * bit (TF-IDF's exp/log are engine-independent), which the script checks.
 *
 *   npm run bench:tfidf:browser              # prints the table
 *   npm run bench:tfidf:browser -- --write   # and writes it into docs/benchmarks.md
 */
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse } from "csv-parse/sync";
import { bundlePage } from "../../test/browser/bundle.js";
import { launchChromium } from "../../test/browser/chromium.js";
import { startPageServer } from "../../test/browser/page-server.js";
import { distFile } from "../../test/helpers/dist.js";
import { PROJECT_ROOT } from "../../test/peers/python-env.js";
import { SHARED } from "../../test/peers/sklearn.js";
import { writeBenchmarkSection } from "../docs.js";

const { values } = parseArgs({ options: { write: { type: "boolean", default: false }, rounds: { type: "string", default: "3" } } });
const rounds = Number(values.rounds);
const OPTIONS = { ngramRange: [1, 2] as [number, number], minDf: 2, sublinearTf: true, C: 4, threads: 1 };
const rows = (parse(readFileSync(join(SHARED, "data", "sst2", "train.csv")), { columns: true }) as { text: string; label: string }[]).map((r) => ({
  text: r.text,
  label: Number(r.label),
}));
const texts = rows.map((r) => r.text);
type Pkg = typeof import("../../src/index.js");
const pkg = (await import(distFile("index.js"))) as Pkg;

interface Timing {
  trainMs: number;
  predictMs: number;
  first: number[];
  last: number[];
}
async function inNode(): Promise<Timing> {
  let start = performance.now();
  const { model } = await pkg.trainTfidf(rows, OPTIONS);
  const trainMs = performance.now() - start;
  start = performance.now();
  const proba = await pkg.predictProba(model, texts);
  return { trainMs, predictMs: performance.now() - start, first: proba[0]!, last: proba.at(-1)! };
}

const server = await startPageServer({
  "/index.html": '<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>',
  "/page.js": await bundlePage(join(PROJECT_ROOT, "bench/tfidf/browser-page.js")),
  "/data.json": JSON.stringify({ train: rows, texts }),
});
const chromium = await launchChromium();
const chromiumVersion = chromium.browser.version();
const node: Timing[] = [];
const page: Timing[] = [];
try {
  const tab = await (await chromium.browser.newContext()).newPage();
  await tab.goto(`${server.origin}/`);
  await tab.waitForFunction(() => (window as unknown as { pageReady?: boolean }).pageReady === true);
  const inPage = () => tab.evaluate((o) => (window as unknown as { runBench(o: unknown): Promise<Timing> }).runBench(o), OPTIONS);
  await inNode(); // warm-up, both sides
  await inPage();
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      node.push(await inNode());
      page.push(await inPage());
    } else {
      page.push(await inPage());
      node.push(await inNode());
    }
  }
} finally {
  await chromium.close();
  await server.close();
}
for (const p of page) {
  if (JSON.stringify([p.first, p.last]) !== JSON.stringify([node[0]!.first, node[0]!.last])) throw new Error("the page's probabilities differ from Node's");
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const nodeTrain = median(node.map((t) => t.trainMs));
const pageTrain = median(page.map((t) => t.trainMs));
const nodePredict = texts.length / (median(node.map((t) => t.predictMs)) / 1000);
const pagePredict = texts.length / (median(page.map((t) => t.predictMs)) / 1000);
const f = (x: number) => Math.round(x).toLocaleString("en-US");
const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench:tfidf:browser\` on ${cpus().length} cores: Node ${process.version} and Chromium ${chromiumVersion} (headless), SST-2 train (${f(rows.length)} sentences), ngramRange [1, 2], minDf 2, sublinearTf, C 4, one thread on both sides; median of ${rounds} alternating rounds after a warm-up. The page's probabilities equal Node's bit for bit.`,
  "",
  "| | Node | page (Chromium) | page / Node |",
  "|---|---:|---:|---:|",
  `| training, s | ${(nodeTrain / 1000).toFixed(2)} | ${(pageTrain / 1000).toFixed(2)} | ${(pageTrain / nodeTrain).toFixed(2)}× the time |`,
  `| predictProba, texts/s | ${f(nodePredict)} | ${f(pagePredict)} | ${(pagePredict / nodePredict).toFixed(2)}× the rate |`,
].join("\n");
process.stdout.write(`${table}\n`);
if (values.write) {
  writeBenchmarkSection("tfidf:browser", table, {
    heading: "TF-IDF in the page vs Node",
    intro: "The same training and prediction in a Chromium page and in Node, same data, same options, one thread each (`bench/tfidf/browser.ts`).",
  });
}
