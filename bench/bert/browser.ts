/**
 * bench/bert/browser.ts: BERT in the page. senti-mlops (`loadBert` + `predictProba`) against
 * transformers.js 4.3.2 (`pipeline("text-classification")`) in the SAME Chromium page (Debian's
 * /usr/bin/chromium via playwright-core, headless), same model (shared bert-tiny-sst2, fp32
 * onnx/model.onnx, served by a local HTTP server), same texts (SST-2 dev, all 872).
 *
 *   npm run bench:bert:browser                       # prints the table
 *   npm run bench:bert:browser -- --write            # and writes it into docs/benchmarks.md
 *   npm run bench:bert:browser -- --rounds 3 --threads 1   # a quicker run
 *
 * The page (bench/bert/browser-page.js) is bundled with Vite as an app would bundle it, and served
 * cross-origin isolated (COOP/COEP) so that WebAssembly threads are available. For each thread
 * count (1, 2) a fresh page loads both sides with that many threads (onnxruntime-web fixes its
 * thread count once per page). Two settings: calls of 16 texts in input order (what an app that
 * classifies as texts arrive does; both sides pad a call to its longest text), and all 872 texts in
 * one call (senti-mlops sorts and buckets by length; transformers.js pads the whole call to its
 * longest text). After one untimed warm-up pass per side and setting, `--rounds` rounds each time
 * one pass per side (alternating which goes first); the figure is the median texts/s, and the ratio
 * is senti-mlops / transformers.js. Speed is only ever compared within one run.
 */
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { execFileSync } from "node:child_process";
import { parse } from "csv-parse/sync";
import { PROJECT_ROOT } from "../../test/peers/python-env.js";
import { SHARED } from "../../test/peers/sklearn.js";
import { bundleBertSite } from "../../test/browser/bert-bundlers.js";
import { startBertServer } from "../../test/browser/bert-server.js";
import { launchChromium } from "../../test/browser/chromium.js";
import { writeBenchmarkSection } from "../docs.js";

const { values } = parseArgs({
  options: {
    write: { type: "boolean", default: false },
    rounds: { type: "string", default: "5" },
    threads: { type: "string", default: "1,2" },
    batch: { type: "string", default: "16" },
    // Extra loadBert options for senti-mlops (JSON), for experiments; the documented figures use none.
    "ours-options": { type: "string", default: "{}" },
  },
});
const ROUNDS = Number(values.rounds);
const THREADS = values.threads!.split(",").map(Number);
const BATCH = Number(values.batch);
const MODEL_DIR = join(SHARED, "models", "bert-tiny-sst2");
const TEXTS = (parse(readFileSync(join(SHARED, "data", "sst2", "dev.csv")), { columns: true }) as { text: string }[]).map((r) => r.text);
const OUR_ORT = join(PROJECT_ROOT, "node_modules", "onnxruntime-web", "dist");
const TJS_ORT = join(PROJECT_ROOT, "node_modules", "@huggingface", "transformers", "node_modules", "onnxruntime-web", "dist");
const log = (s: string) => process.stderr.write(s);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Setting {
  threads: number;
  name: string;
  batch: number;
  ours: number[];
  peer: number[];
  load: { ours: number; peer: number };
  maxDiff: number;
  labelsEqual: number;
}

function packageVersion(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
}

async function main(): Promise<void> {
  const loadAtStart = loadavg();
  log("bundling the page with Vite… ");
  const site = await bundleBertSite("vite", join(PROJECT_ROOT, "bench", "bert", "browser-page.js"));
  log(`${site.files.size} files\n`);
  const server = await startBertServer({ files: site.files, folders: { [`/models/bert-tiny-sst2`]: MODEL_DIR, "/ort": OUR_ORT, "/tjs-ort": TJS_ORT }, isolated: true });
  const chromium = await launchChromium();
  const results: Setting[] = [];
  try {
    for (const threads of THREADS) {
      const context = await chromium.browser.newContext();
      const page = await context.newPage();
      page.on("pageerror", (e) => log(`[pageerror] ${e}\n`));
      await page.goto(`${server.origin}/`);
      await page.waitForFunction(() => (window as unknown as { pageReady?: boolean }).pageReady === true);
      if (!(await page.evaluate(() => (window as unknown as { bench: { isolated(): boolean } }).bench.isolated()))) throw new Error("the page is not cross-origin isolated");
      const call = <T>(fn: string, ...args: unknown[]): Promise<T> =>
        page.evaluate(([f, a]) => (window as unknown as { bench: Record<string, (...x: unknown[]) => Promise<unknown>> }).bench[f as string]!(...(a as unknown[])), [fn, args] as const) as Promise<T>;
      const load = { peer: await call<number>("load", "peer", threads), ours: await call<number>("load", "ours", threads, JSON.parse(values["ours-options"]!)) };
      log(`threads ${threads}: loaded (ours ${load.ours.toFixed(0)} ms, transformers.js ${load.peer.toFixed(0)} ms)\n`);
      for (const [name, batch] of [[`calls of ${BATCH}`, BATCH], [`all ${TEXTS.length} in one call`, TEXTS.length]] as const) {
        const setting: Setting = { threads, name, batch, ours: [], peer: [], load, maxDiff: 0, labelsEqual: 0 };
        const warm = { ours: await call<{ ms: number; positive: number[] }>("run", "ours", TEXTS, batch), peer: await call<{ ms: number; positive: number[] }>("run", "peer", TEXTS, batch) };
        let equal = 0;
        warm.ours.positive.forEach((p, i) => {
          setting.maxDiff = Math.max(setting.maxDiff, Math.abs(p - warm.peer.positive[i]!));
          if (p > 0.5 === warm.peer.positive[i]! > 0.5) equal++;
        });
        setting.labelsEqual = equal / TEXTS.length;
        for (let r = 0; r < ROUNDS; r++) {
          for (const side of r % 2 === 0 ? (["peer", "ours"] as const) : (["ours", "peer"] as const)) {
            const { ms } = await call<{ ms: number }>("run", side, TEXTS, batch);
            setting[side].push((TEXTS.length / ms) * 1000);
          }
        }
        const ours = median(setting.ours);
        const peer = median(setting.peer);
        log(`threads ${threads}, ${name}: senti-mlops ${ours.toFixed(0)} texts/s, transformers.js ${peer.toFixed(0)} texts/s, ${(ours / peer).toFixed(2)}×\n`);
        results.push(setting);
      }
      await context.close();
    }
  } finally {
    await chromium.close();
    await server.close();
  }

  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: PROJECT_ROOT }).toString().trim();
  const dirty = execFileSync("git", ["status", "--porcelain", "src"], { cwd: PROJECT_ROOT }).toString().trim() !== "";
  const chromiumVersion = chromium.browser.version();
  const lines = [
    `### BERT in the page: senti-mlops vs transformers.js ${packageVersion(join(PROJECT_ROOT, "node_modules", "@huggingface", "transformers"))}, same Chromium page`,
    "",
    `Measured by \`npm run bench:bert:browser\` on ${cpus().length} cores (${cpus()[0]?.model.trim()}), Chromium ${chromiumVersion} headless, senti-mlops at ${commit}${dirty ? " (with uncommitted changes under src/)" : ""}, load average ${loadAtStart.map((l) => l.toFixed(2)).join(" / ")} at the start. ` +
      `Model: bert-tiny-sst2, fp32 \`onnx/model.onnx\`; texts: SST-2 dev, all ${TEXTS.length}; page bundled with Vite and cross-origin isolated. ` +
      `senti-mlops on onnxruntime-web ${packageVersion(join(PROJECT_ROOT, "node_modules", "onnxruntime-web"))}, transformers.js on the onnxruntime-web it ships (${packageVersion(join(TJS_ORT, ".."))}). ` +
      `Median of ${ROUNDS} timed passes per side after a warm-up pass, sides alternating.`,
    "",
    "| threads | calls | senti-mlops texts/s | transformers.js texts/s | ratio | target | max \\|ΔP(positive)\\| | labels equal |",
    "|---|---|---|---|---|---|---|---|",
    ...results.map((s) => {
      const ours = median(s.ours);
      const peer = median(s.peer);
      return `| ${s.threads} | ${s.name} | ${ours.toFixed(0)} | ${peer.toFixed(0)} | **${(ours / peer).toFixed(2)}×** | ≥ 1.5× | ${s.maxDiff.toExponential(1)} | ${(s.labelsEqual * 100).toFixed(2)}% |`;
    }),
    "",
    `Load (ms, page already open, files from the local server): ${[...new Set(results.map((s) => s.threads))].map((t) => { const s = results.find((x) => x.threads === t)!; return `${t} thread${t > 1 ? "s" : ""}: senti-mlops ${s.load.ours.toFixed(0)}, transformers.js ${s.load.peer.toFixed(0)}`; }).join("; ")}.`,
  ];
  const table = lines.join("\n");
  process.stdout.write(`${table}\n`);
  if (values.write) {
    writeBenchmarkSection("bert:browser", table, {
      heading: "BERT in the page vs transformers.js",
      intro: "Written by `npm run bench:bert:browser -- --write` (`bench/bert/browser.ts`).",
    });
  }
}

await main();
