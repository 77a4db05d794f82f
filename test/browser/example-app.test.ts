/**
 * The browser example (examples/browser) end to end, as a person uses it, in Debian's Chromium
 * (playwright-core, no browser download). The app is built with Vite from the built package
 * (./example-site.ts) and served from 127.0.0.1 with the shared BERT model beside it; two real
 * `mlflow server`s are started for the push.
 *
 * 1. On open: the offline cache installs, BERT loads from the URL given in `?bert=`, and TF-IDF says
 *    there is no model yet. Typed reference sentences get BERT probabilities equal to
 *    softmax(reference.jsonl's logits) within 1e-5.
 * 2. A CSV of 4,000 SST-2 rows dropped on the page trains in the Web Worker: the progress bar
 *    moves, the loss curve grows one point per optimizer iteration; the run is logged in the
 *    IndexedDB store, the model registered and given the alias `champion`.
 * 3. The runs table shows the run with its metrics and registered version; its confusion matrix and
 *    ROC curve are shown from its artifacts. Typed text now gets TF-IDF predictions, equal to a
 *    model trained in Node on the same split.
 * 4. Push: a real MLflow server that refuses the page (started with another `--allowed-hosts`)
 *    gives a message naming the server flags that allow it; the server that accepts it gets the
 *    run, its metrics, artifacts and the registered model with its alias, which Python MLflow reads
 *    back; a second push sends nothing new. The downloaded database opens in Python MLflow.
 * 5. Reloaded with the network cut (context.setOffline), the app loads from its service worker and
 *    both models predict again (TF-IDF from the IndexedDB store, BERT from loadBert's IndexedDB cache).
 * 6. The app type-checks, and `npm start` in examples/browser (the documented one command) builds
 *    it and serves it, the service worker and the shared model included.
 *
 * Screenshots of each screen: .cache/browser-screenshots/example-*.png.
 */
import { execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "csv-parse/sync";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT, distFile } from "../helpers/dist.js";
import { cleanEnv, describeResult, runProcess } from "../helpers/run-process.js";
import { freePort, MLFLOW_QUIET_ENV, startMlflowServer, type MlflowServer } from "../peers/mlflow-server.js";
import { killGroup, sleep, trackGroup, untrackGroup, waitGroupGone } from "../peers/process-group.js";
import { VENV_PYTHON } from "../peers/python-env.js";
import { SHARED } from "../peers/sklearn.js";
import { splitForValidation } from "../../examples/browser/src/csv.js";
import { launchChromium, type LaunchedChromium } from "./chromium.js";
import { BERT_DIR, BERT_PATH, buildExampleSite, EXAMPLE_DIR } from "./example-site.js";
import { startPageServer, type PageServer } from "./page-server.js";

type Pkg = typeof import("../../src/index.js");

/** The options the app's form starts with (examples/browser/index.html) and the worker adds. */
const APP_OPTIONS = { ngramRange: [1, 2] as [number, number], minDf: 2, sublinearTf: true, C: 4, threads: 1 };

const SCREENSHOTS = join(PROJECT_ROOT, ".cache", "browser-screenshots");
const execFileAsync = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "senti-example-test-"));

interface ReferenceRow {
  text: string;
  label: number;
  logits: number[];
}
const REFERENCE = readFileSync(join(BERT_DIR, "reference.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line) as ReferenceRow);
const softmax = (logits: number[]): number[] => {
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
};
/** One positive and one negative sentence of reference.jsonl. */
const REFERENCE_TEXTS = [REFERENCE.find((r) => r.label === 1)!, REFERENCE.find((r) => r.label === 0)!];

/** 4,000 SST-2 training rows as the CSV a user would drop (quoted as needed, with a header). */
const CSV_ROWS = (parse(readFileSync(join(SHARED, "data", "sst2", "train.csv")), { columns: true }) as { text: string; label: string }[]).slice(0, 4000);
const CSV_TEXT = ["text,label", ...CSV_ROWS.map((r) => `"${r.text.replace(/"/g, '""')}",${r.label}`)].join("\r\n") + "\r\n";

async function python<T>(script: string, args: string[]): Promise<T> {
  const { stdout } = await execFileAsync(VENV_PYTHON, [join(PROJECT_ROOT, "test", "peers", script), ...args], {
    cwd: work,
    env: { ...process.env, ...MLFLOW_QUIET_ENV },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split("\n").pop()!) as T;
}

interface DumpRun {
  info: { run_id: string; run_name: string; status: string };
  data: { metrics: Record<string, number>; params: Record<string, string>; tags: Record<string, string> };
  history: Record<string, { step: number; value: number }[]>;
}
interface RegistryDump {
  models: { model: { name: string; aliases: { alias: string; version: string }[] }; versions: { version: string; run_id: string }[] }[];
}

let chromium: LaunchedChromium;
let site: PageServer;
let mlflow: MlflowServer;
/** A real MLflow server that refuses the page: it answers only the Host header `mlflow.example.org`. */
let refusing: MlflowServer;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SCREENSHOTS, `example-${name}.png`), fullPage: true });

/** Types `text` and waits until both cards show results for it; returns what they carry. */
async function typeAndScore(text: string): Promise<Record<"tfidf" | "bert", { label: string; probabilities: number[] } | null>> {
  await page.fill("#review", text);
  await page.waitForFunction((t) => (document.getElementById("review") as HTMLTextAreaElement).dataset.scored === t, text);
  return page.evaluate(() => {
    const read = (id: string) => {
      const card = document.getElementById(id)!;
      return card.dataset.probabilities ? { label: card.dataset.label!, probabilities: JSON.parse(card.dataset.probabilities) as number[] } : null;
    };
    return { tfidf: read("tfidf-result"), bert: read("bert-result") };
  });
}

/**
 * Pushes from the page to `url` and returns the status line once the push has ended in `state`
 * (the click sets the status to "running" before it returns, so an earlier result cannot match).
 */
async function pushFromPage(url: string, state: "done" | "failed"): Promise<string> {
  await page.fill("#mlflow-url", url);
  await page.click("#push");
  await page.waitForSelector(`#push-status[data-state="${state}"]`, { timeout: 120_000 });
  return (await page.textContent("#push-status"))!;
}

/** BERT's probabilities in the page for the reference sentences, against softmax(logits). */
async function expectBertMatchesReference(): Promise<void> {
  for (const row of REFERENCE_TEXTS) {
    const { bert } = await typeAndScore(row.text);
    const expected = softmax(row.logits);
    expect(bert, row.text).not.toBeNull();
    // The reference model's label (config.json: 0 NEGATIVE, 1 POSITIVE), not the gold one.
    expect(bert!.label).toBe(expected[1]! > expected[0]! ? "POSITIVE" : "NEGATIVE");
    bert!.probabilities.forEach((p, i) => expect(Math.abs(p - expected[i]!), `${row.text} [${i}]`).toBeLessThanOrEqual(1e-5));
  }
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // The MLflow servers start while Vite builds the app.
  const [files, server, refuser] = await Promise.all([buildExampleSite(), startMlflowServer(), startMlflowServer({ allowedHosts: ["mlflow.example.org"] })]);
  mlflow = server;
  refusing = refuser;
  site = await startPageServer(Object.fromEntries(files));
  chromium = await launchChromium();
  context = await chromium.browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 } });
  page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(String(error)));
}, 300_000);

afterAll(async () => {
  await context?.close();
  await chromium?.close();
  await site?.close();
  await mlflow?.stop();
  await refusing?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("examples/browser in Chromium", () => {
  it("opens: offline cache installed, BERT loaded from ?bert=, no TF-IDF model yet", async () => {
    const bertUrl = `${site.origin}${BERT_PATH}`;
    await page.goto(`${site.origin}/?bert=${encodeURIComponent(bertUrl)}&mlflow=${encodeURIComponent(mlflow.url)}`);
    await page.waitForSelector('#offline-status[data-state="ready"]', { timeout: 60_000 });
    await page.waitForSelector('#bert-result[data-state="ready"]', { timeout: 60_000 });
    await page.waitForSelector('#tfidf-result[data-state="empty"]');
    expect(await page.inputValue("#bert-url")).toBe(bertUrl);
    expect(await page.inputValue("#mlflow-url")).toBe(mlflow.url);
    expect(await page.textContent("#tfidf-status")).toMatch(/No model yet/);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it("predicts typed text with BERT: probabilities equal softmax(reference logits) within 1e-5", async () => {
    await expectBertMatchesReference();
    await shot("predict");
  }, 60_000);

  let iterations = 0;

  it("trains a dropped CSV in the Web Worker: progress, loss curve, run logged, model registered as champion", async () => {
    // Picked with the file input, the file is named and training can start…
    await page.setInputFiles("#csv-input", { name: "picked.csv", mimeType: "text/csv", buffer: Buffer.from("text,label\ngood,1\nbad,0\n") });
    expect(await page.textContent("#csv-name")).toBe("picked.csv (1 kB)");
    expect(await page.isEnabled("#train")).toBe(true);
    // …and one dropped replaces it, as a person drops a file: a DataTransfer holding a File, on the drop zone.
    const dataTransfer = await page.evaluateHandle((csv) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([csv], "sst2-4000.csv", { type: "text/csv" }));
      return transfer;
    }, CSV_TEXT);
    await page.dispatchEvent("#drop-zone", "drop", { dataTransfer });
    expect(await page.textContent("#csv-name")).toMatch(/^sst2-4000\.csv/);

    // What the page shows while it trains, recorded in the page at every change.
    await page.evaluate(() => {
      const seen = { progress: [] as number[], points: [] as number[] };
      (window as unknown as { trainingSeen: typeof seen }).trainingSeen = seen;
      const progress = document.getElementById("train-progress") as HTMLProgressElement;
      const record = () => {
        seen.progress.push(progress.value);
        seen.points.push(document.querySelector("#loss-chart polyline")?.getAttribute("points")?.split(" ").filter(Boolean).length ?? 0);
      };
      new MutationObserver(record).observe(document.getElementById("train-section")!, { subtree: true, attributes: true, childList: true, characterData: true });
    });
    await page.click("#train");
    await page.waitForSelector('#train-result[data-state="done"]', { timeout: 120_000 });
    const result = await page.textContent("#train-result");
    expect(result).toMatch(/^Trained on 3200 examples, validation accuracy \d+\.\d%\. Registered as version 1 and made champion\.$/);

    const seen = await page.evaluate(() => (window as unknown as { trainingSeen: { progress: number[]; points: number[] } }).trainingSeen);
    // The bar moved through intermediate values, never backwards, and ended full.
    expect(seen.progress.some((v) => v > 0 && v < 1)).toBe(true);
    expect(seen.progress.every((v, i) => i === 0 || v >= seen.progress[i - 1]!)).toBe(true);
    expect(seen.progress.at(-1)).toBe(1);
    // The curve was drawn while training (it grew point by point), one point per optimizer iteration.
    const pointCounts = [...new Set(seen.points)].filter((n) => n > 0);
    expect(pointCounts.length).toBeGreaterThan(5);
    // And it goes down: the last point is lower on the chart (a larger y) than the first.
    const ys = await page.evaluate(() =>
      document.querySelector("#loss-chart polyline")!.getAttribute("points")!.split(" ").map((p) => Number(p.split(",")[1])),
    );
    expect(ys.at(-1)!).toBeGreaterThan(ys[0]!);
    iterations = pointCounts.at(-1)!;
    expect(iterations).toBeGreaterThan(5);
    await shot("train");
  }, 180_000);

  let runId = "";
  let accuracyShown = 0;

  it("lists the run with its metrics, version and alias, and shows its confusion matrix and ROC curve", async () => {
    const row = page.locator("#runs-body tr[data-run-id]");
    await expect.poll(() => row.count()).toBe(1);
    runId = (await row.getAttribute("data-run-id"))!;
    expect(await row.locator('td[data-status]').textContent()).toBe("FINISHED");
    accuracyShown = Number(await row.locator('td[data-metric="val_accuracy"]').textContent());
    expect(accuracyShown).toBeGreaterThan(0.6);
    expect(accuracyShown).toBeLessThanOrEqual(1);
    expect(Number(await row.locator('td[data-metric="train_examples"]').textContent())).toBe(3200);
    expect(await row.locator('td[data-column="model"]').textContent()).toBe("v1 @champion");
    for (const artifact of ["plots/confusion_matrix.svg", "plots/roc_curve.svg"]) {
      const image = page.locator(`#run-plots img[data-artifact="${artifact}"]`);
      await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    }
    await shot("runs");
  }, 60_000);

  it("predicts with the champion TF-IDF model as Node's model trained on the same split does", async () => {
    await page.waitForSelector('#tfidf-result[data-state="ready"]', { timeout: 30_000 });
    expect(await page.textContent("#tfidf-status")).toBe("sentiment-tfidf version 1 (@champion)");
    const pkg = (await import(distFile("index.js"))) as Pkg;
    const examples = CSV_ROWS.map((r) => ({ text: r.text, label: Number(r.label) }));
    const { model } = await pkg.trainTfidf(splitForValidation(examples).train, APP_OPTIONS);
    for (const text of ["A charming and often affecting journey.", "Dull, lifeless and far too long."]) {
      const { tfidf } = await typeAndScore(text);
      const [expected] = await pkg.predictProba(model, [text]);
      expect(tfidf, text).not.toBeNull();
      expect(tfidf!.label).toBe(model.labels[expected!.indexOf(Math.max(...expected!))]);
      // Bit-equal: TF-IDF's exp/log are engine-independent (src/evaluation/deterministic-math.ts).
      expect(tfidf!.probabilities, text).toEqual(expected);
    }
    await shot("predict-tfidf");
  }, 60_000);

  it("reports an MLflow server that refuses the page with the server flags that allow it", async () => {
    // Its 403 for the Host header carries no CORS headers, so the page sees a CORS refusal (a
    // TypeError); the message names both flags, with this page's origin and the server's host.
    const message = await pushFromPage(refusing.url, "failed");
    expect(message).toMatch(/^Push failed: /);
    expect(message).toContain(`--cors-allowed-origins ${site.origin}`);
    expect(message).toContain(`--allowed-hosts ${new URL(refusing.url).host}`);
    await shot("push-error");
  }, 90_000);

  it("pushes the run and the registered model to a real MLflow server, which Python MLflow reads back", async () => {
    // The progress bar's values as the push goes, recorded in the page.
    await page.evaluate(() => {
      const bar = document.getElementById("push-progress") as HTMLProgressElement;
      const seen: number[] = [];
      (window as unknown as { pushSeen: number[] }).pushSeen = seen;
      new MutationObserver(() => seen.push(bar.value)).observe(document.getElementById("share")!, { subtree: true, attributes: true, childList: true, characterData: true });
    });
    expect(await pushFromPage(mlflow.url, "done")).toMatch(/^Pushed to .*: 1 new run\(s\) \(0 already there\), \d+ metric point\(s\), \d+ artifact file\(s\), 1 new model version\(s\), 1 alias\(es\)\.$/);
    // One step per run and per model version: half-way after the run, full after the version.
    const seen = await page.evaluate(() => (window as unknown as { pushSeen: number[] }).pushSeen);
    expect([...new Set(seen)]).toEqual([0, 0.5, 1]);
    await shot("push");

    const tracking = await python<{ experiments: { experiment_id: string; name: string }[]; runs: (DumpRun & { info: { experiment_id: string } })[] }>("mlflow_interop.py", ["dump", mlflow.url]);
    const experiment = tracking.experiments.find((e) => e.name === "browser-example")!;
    const runs = tracking.runs.filter((r) => r.info.experiment_id === experiment.experiment_id);
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run.info.status).toBe("FINISHED");
    expect(run.info.run_name).toBe("tfidf-C4-sst2-4000.csv");
    expect(run.data.tags["senti-mlops.source_run_id"]).toBe(runId);
    expect(run.data.params).toMatchObject({ C: "4", ngramRange: "1,2", minDf: "2", sublinearTf: "true" });
    expect(run.data.metrics.val_accuracy!.toFixed(3)).toBe(accuracyShown.toFixed(3));
    expect(run.data.metrics.train_examples).toBe(3200);
    // The loss history, one point per iteration drawn in the page, going down.
    const loss = run.history.train_loss!;
    expect(loss.map((m) => m.step)).toEqual(Array.from({ length: iterations }, (_, i) => i + 1));
    expect(loss.at(-1)!.value).toBeLessThan(loss[0]!.value);

    const files = await python<Record<string, [number, number]>>("mlflow_read_artifacts.py", [mlflow.url, run.info.run_id]);
    expect(Object.keys(files)).toEqual(expect.arrayContaining(["model/MLmodel", "plots/confusion_matrix.svg", "plots/roc_curve.svg"]));

    const registry = await python<RegistryDump>("mlflow_registry_interop.py", ["dump", mlflow.url]);
    const model = registry.models.find((m) => m.model.name === "sentiment-tfidf")!;
    expect(model.model.aliases).toEqual([{ alias: "champion", version: "1" }]);
    expect(model.versions.map((v) => [v.version, v.run_id])).toEqual([["1", run.info.run_id]]);
  }, 180_000);

  it("pushing again sends nothing new", async () => {
    expect(await pushFromPage(mlflow.url, "done")).toMatch(/: 0 new run\(s\) \(1 already there\), 0 metric point\(s\), 0 artifact file\(s\), 0 new model version\(s\), 0 alias\(es\)\.$/);
  }, 120_000);

  it("downloads the store as an SQLite file that Python MLflow opens", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
    expect(download.suggestedFilename()).toBe("senti-mlops-example.db");
    const path = join(work, "downloaded.db");
    await download.saveAs(path);
    const dumped = await python<{ runs: DumpRun[] }>("mlflow_interop.py", ["dump", `sqlite:///${path}`]);
    expect(dumped.runs.map((r) => r.info.run_id)).toEqual([runId]);
    expect(dumped.runs[0]!.history.train_loss).toHaveLength(iterations);
    const registry = await python<RegistryDump>("mlflow_registry_interop.py", ["dump", `sqlite:///${path}`]);
    expect(registry.models.map((m) => [m.model.name, m.model.aliases])).toEqual([["sentiment-tfidf", [{ alias: "champion", version: "1" }]]]);
    await shot("export");
  }, 120_000);

  it("reloads with the network cut and still predicts with both models", async () => {
    await context.setOffline(true);
    try {
      await page.reload();
      await page.waitForSelector('#offline-status[data-state="ready"]', { timeout: 30_000 });
      await page.waitForSelector('#bert-result[data-state="ready"]', { timeout: 60_000 });
      await page.waitForSelector('#tfidf-result[data-state="ready"]', { timeout: 30_000 });
      // The page really is offline: a request the service worker does not answer fails.
      expect(await page.evaluate((url) => fetch(url).then(() => "online", () => "offline"), `${mlflow.url}/health`)).toBe("offline");
      await expectBertMatchesReference();
      const { tfidf } = await typeAndScore("A charming and often affecting journey.");
      expect(tfidf?.label).toBe("Positive");
      await shot("offline");
    } finally {
      await context.setOffline(false);
    }
    expect(pageErrors).toEqual([]);
  }, 120_000);
});

describe("npm start in examples/browser", () => {
  it("type-checks: the page, the worker, the service worker and the build tooling (npm run typecheck)", async () => {
    const result = await runProcess("npm", ["run", "typecheck"], { cwd: EXAMPLE_DIR, env: cleanEnv() });
    expect(result.code, describeResult(result)).toBe(0);
  }, 120_000);

  it("builds the app and serves it with its service worker and the shared BERT model", async () => {
    const port = await freePort();
    // Its own process group: `npm start` ends in `vite preview`, which serves until it is stopped.
    const child = spawn("npm", ["start", "--", "--port", String(port), "--strictPort"], {
      cwd: EXAMPLE_DIR,
      env: cleanEnv({ NODE_ENV: undefined }),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    trackGroup(child.pid!);
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const origin = `http://127.0.0.1:${port}`;
    try {
      const deadline = Date.now() + 120_000;
      while (!output.includes(`${origin}/`)) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not serve ${origin}:\n${output}`);
        await sleep(250);
      }
      // Installed and built already (npm ci, npm test): it only builds the app and serves it.
      expect(output).not.toMatch(/> npm (install|run build)/);
      const page = await fetch(`${origin}/?bert=x`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("<title>senti-mlops in the browser</title>");
      const worker = await (await fetch(`${origin}/sw.js`)).text();
      expect(worker).toMatch(/"assets\/ort-wasm-simd-threaded[^"]*\.wasm"/);
      expect(worker).toMatch(/"assets\/sqlite3-[^"]*\.wasm"/);
      const config = await fetch(`${origin}${BERT_PATH}/config.json`);
      expect(config.status).toBe(200);
      expect(await config.json()).toEqual(JSON.parse(readFileSync(join(BERT_DIR, "config.json"), "utf8")));
    } finally {
      killGroup(child.pid!, "SIGTERM");
      if (!(await waitGroupGone(child.pid!, 10_000))) killGroup(child.pid!, "SIGKILL");
      untrackGroup(child.pid!);
    }
  }, 180_000);
});
