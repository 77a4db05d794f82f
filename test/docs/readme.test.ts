/**
 * The README cannot drift: every fenced code block in it is either run here against the built
 * package (dist/, through the package's own `exports`) or listed below as not executable, with
 * the reason; and every benchmark figure its prose quotes is in docs/benchmarks.md.
 *
 * - ```ts blocks are written into a temp folder (cwd of the run) whose node_modules/senti-mlops
 *   links to this checkout, and run with tsx as ES modules. A value a line shows in a comment
 *   (`console.log(x); // 0.904`, or `expr;` then `// → [...]`) is compared with what it prints:
 *   labels, keys and lengths exactly, numbers within the precision shown.
 * - ```ts blocks marked `runtime=browser` run in a page instead, in Debian's Chromium: bundled with
 *   esbuild from the built package (test/browser/bundle.ts), served from 127.0.0.1 with SQLite's
 *   `sqlite3.wasm` beside the bundle (where a bundler such as Vite puts it), onnxruntime-web's
 *   runtime files at `/ort/` (copied there as an esbuild site would, for `wasmPaths`) and the marker's
 *   `serve=<path>:<path under the shared folder>` files at page-relative paths; what they print
 *   is read from the page's console. A block marked `mlflow` talks to the test run's real MLflow
 *   server where it says `http://127.0.0.1:5000`.
 * - ```python blocks marked `fixture=…` run with the peers' Python (see PYTHON_FIXTURES).
 * - ```sh blocks marked `fixture=…` are run with sh (the `senti-mlops` command is bin/senti-mlops.js);
 *   a `# {…}` line under a command is compared with its output the same way.
 * - A `<!-- readme-test: … -->` comment right above a block (invisible on GitHub) gives it its
 *   context: `link=<name>:<path under the shared folder>` puts a shared dataset or model at
 *   <name> in the cwd, `prelude=<name>` runs one of PRELUDES first, `fixture=<name>` picks how a
 *   shell block runs.
 *
 * Needs `npm run build` (npm test does it) and the shared data (SENTI_SHARED_DIR, default ../shared).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { bundlePage } from "../browser/bundle.js";
import { launchChromium, type LaunchedChromium } from "../browser/chromium.js";
import { startPageServer } from "../browser/page-server.js";
import { distFile, PROJECT_ROOT } from "../helpers/dist.js";
import { cleanEnv, describeResult, runProcess } from "../helpers/run-process.js";
import { SHARED } from "../peers/sklearn.js";
import { MLFLOW_QUIET_ENV } from "../peers/mlflow-server.js";
import { VENV_PYTHON } from "../peers/python-env.js";
import {
  benchmarksHave,
  compareToExpected,
  extractCodeBlocks,
  extractFigures,
  instrumentTs,
  markerValues,
  readShown,
  shellCommands,
  SHOW_PRELUDE,
  type CodeBlock,
} from "./readme-blocks.js";

const README = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
const BENCHMARKS = readFileSync(join(PROJECT_ROOT, "docs", "benchmarks.md"), "utf8");
const TSX = join(PROJECT_ROOT, "node_modules", ".bin", "tsx");
const BLOCKS = extractCodeBlocks(README);

/**
 * Shell blocks that are NOT run, with the reason: the test checks that this is exactly the set of
 * README shell blocks without a fixture, so a new block is either run or added here.
 */
const NOT_EXECUTED: ReadonlyArray<{ commands: readonly string[]; reason: string }> = [
  {
    commands: ["npm ci && npm start", "npm ci && npm test"],
    reason:
      "`npm ci` would reinstall the checkout under test while it runs, `npm start` serves until it is stopped and `npm test` is " +
      "this suite. What `npm start` runs after its build, scripts/start.sh, is run here for the curl block below (on the real " +
      "IMDB data) and by test/server/start-script.test.ts (both starts)",
  },
  {
    commands: ["npm ci && npm run build && npm pack", "npm install /path/to/senti-mlops-0.1.0.tgz"],
    reason:
      "installs into another project from the npm registry; test/package/pack.test.ts does exactly this (npm pack, npm install " +
      "of the tarball in a scratch project, every entry imported as ESM and CommonJS, the bin run, the types checked)",
  },
  {
    commands: ["ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node @huggingface/tokenizers"],
    reason: "installs into another project from the npm registry; test/package/pack.test.ts installs the package's peers the same way",
  },
  {
    commands: [
      "docker build -f examples/express-server/Dockerfile -t senti-mlops-service .",
      "export API_TOKEN=$(openssl rand -hex 24)",
      "docker run -d --name senti -p 127.0.0.1:5001:5001 -v senti-data:/data  -v \"$PWD/../shared/data/imdb/train.csv:/data/train.csv:ro\"  -e TRAIN_DATA=/data/train.csv -e API_TOKEN senti-mlops-service",
      "curl -X POST 127.0.0.1:5001/train_model -H \"Authorization: Bearer $API_TOKEN\"",
      "docker stop senti && docker rm senti",
      "cd examples/express-server && API_TOKEN=$(openssl rand -hex 24) docker compose up --build",
    ],
    reason:
      "needs a container engine and builds for minutes: `npm run test:image` (scripts/image/test-image.mjs, run by .ci/run) " +
      "builds this Dockerfile and runs the image as these commands do (127.0.0.1, a volume on /data, TRAIN_DATA mounted " +
      "read-only, API_TOKEN, training through POST /train_model), then runs test/deploy/stack.test.ts on compose.yaml with it",
  },
  {
    commands: ["npm run build", "npm run typecheck", "npx vitest run test/tfidf", "npm run bench:tfidf -- --repeat 3 --write"],
    reason:
      "development commands on this checkout: npm test has just built it, `npx vitest run` is this suite, and the benchmark " +
      "takes minutes and rewrites docs/benchmarks.md (whose figures the README figures test below checks); the packed types are " +
      "type-checked by test/package/pack.test.ts",
  },
];

/**
 * Figures (number + unit) in the README's prose that are not benchmark results, with the reason;
 * `context` is a piece of the README line they are on.
 */
const NOT_BENCHMARK_FIGURES: ReadonlyArray<{ text: string; context: string; reason: string }> = [
  { text: "282 MB", context: "the image measures 282 MB", reason: "the service image's size as npm run test:image measured it (it checks ≤ 300 MB)" },
  { text: "300 MB", context: "(at most 300 MB)", reason: "the bound npm run test:image checks the image's size against" },
  { text: "100%", context: "`maxDf: 1` means 100%", reason: "the meaning of an option value" },
  { text: "0.2 points", context: "within 0.2 points", reason: "the parity tests' threshold (test/tfidf), not a measurement" },
  { text: "99%", context: "≥ 99% of predictions are equal", reason: "the parity tests' threshold (test/tfidf), not a measurement" },
  { text: "3 s", context: "≤ 3 s", reason: "the bound of test/server/load.test.ts's autocannon run" },
];

/**
 * Bundle-size figures (kB, KiB) are not benchmark results: they belong to the size report that
 * scripts/size-report.mjs writes into docs/benchmarks.md and test/package/size-budget.test.ts
 * checks. The README quotes none now (it points to that report); one added later is listed here.
 */
const SIZE_FIGURES: ReadonlyArray<{ text: string; context: string }> = [];

/** Code run before a TypeScript block marked `prelude=<name>`. */
const PRELUDES: Record<string, string> = {
  // `train` and `test` as in the first example, from the smaller rt-polarity split (9,596 / 1,066
  // sentences) so that logging every option, iteration and plot stays fast.
  "train-test": [
    'import { readCsv as __readCsv, collect as __collect } from "senti-mlops/data";',
    `const train = await __collect(__readCsv(${JSON.stringify(join(SHARED, "data", "rt-polarity", "train.csv"))}));`,
    `const test = await __collect(__readCsv(${JSON.stringify(join(SHARED, "data", "rt-polarity", "test.csv"))}));`,
    "",
  ].join("\n"),
};

const work = mkdtempSync(join(tmpdir(), "senti-readme-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fresh cwd for one block: node_modules/senti-mlops → this checkout, the marker's shared links. */
function blockDir(block: CodeBlock): string {
  const dir = join(work, `line-${block.line}`);
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(PROJECT_ROOT, join(dir, "node_modules", "senti-mlops"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "readme-block", private: true, type: "module" }));
  for (const link of markerValues(block.marker, "link")) {
    const [name, target] = link.split(":");
    const source = join(SHARED, target);
    if (!existsSync(source)) throw new Error(`README.md:${block.line}: link ${link}: ${source} does not exist (SENTI_SHARED_DIR?)`);
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    symlinkSync(source, join(dir, name));
  }
  return dir;
}

function where(block: CodeBlock): string {
  return `README.md:${block.line} (${block.heading})`;
}

/** A shell command as the NOT_EXECUTED list spells it: without its trailing `# comment`. */
function bare(command: string): string {
  return command.replace(/\s+#\s.*$/, "").trim();
}

const runtimeOf = (b: CodeBlock) => markerValues(b.marker, "runtime")[0] ?? "node";
const tsBlocks = BLOCKS.filter((b) => b.lang === "ts");
const shBlocks = BLOCKS.filter((b) => b.lang === "sh");
const pythonBlocks = BLOCKS.filter((b) => b.lang === "python");
const fixtureOf = (b: CodeBlock) => markerValues(b.marker, "fixture")[0];

describe("README.md code blocks", () => {
  it("are all ts, sh or python blocks, and the sh blocks not run are exactly the NOT_EXECUTED list", () => {
    expect(BLOCKS.length).toBeGreaterThan(0);
    const other = BLOCKS.filter((b) => b.lang !== "ts" && b.lang !== "sh" && b.lang !== "python").map(where);
    expect(other, "blocks in another language (this test runs ts, sh and python)").toEqual([]);
    for (const b of pythonBlocks) expect(Object.keys(PYTHON_FIXTURES), `${where(b)}: fixture=${fixtureOf(b)}`).toContain(fixtureOf(b));
    const notRun = shBlocks.filter((b) => fixtureOf(b) === undefined).map((b) => shellCommands(b.code).map((c) => bare(c.command)));
    expect(notRun).toEqual(NOT_EXECUTED.map((e) => e.commands));
    for (const b of shBlocks) {
      const fixture = fixtureOf(b);
      if (fixture !== undefined) expect(Object.keys(SHELL_FIXTURES), `${where(b)}: fixture=${fixture}`).toContain(fixture);
    }
    for (const b of tsBlocks) {
      for (const name of markerValues(b.marker, "prelude")) expect(Object.keys(PRELUDES), `${where(b)}: prelude=${name}`).toContain(name);
      expect(["node", "browser"], `${where(b)}: runtime=${runtimeOf(b)}`).toContain(runtimeOf(b));
    }
  });

  it.each(tsBlocks.map((block) => ({ block, name: where(block) })))(
    "ts block at $name runs against dist/ and prints what it shows",
    async ({ block }) => {
      distFile("."); // fails at once, with a message that says so, when dist/ has not been built
      const dir = blockDir(block);
      const instrumented = instrumentTs(block.code);
      const { checks } = instrumented;
      // `mlflow`: the README's server address is the test run's real MLflow server.
      const source = markerValues(block.marker, "mlflow").length > 0 ? instrumented.source.replaceAll("http://127.0.0.1:5000", inject("mlflowUrl")) : instrumented.source;
      const preludes = markerValues(block.marker, "prelude").map((name) => PRELUDES[name]);
      let stdout: string;
      if (runtimeOf(block) === "browser") {
        writeFileSync(join(dir, "block.ts"), [BROWSER_SHOW_PRELUDE, ...preludes, source, ""].join("\n"));
        const result = await runInChromium(block, dir);
        expect(result.error, `${where(block)}\n${source}\n${result.stdout}`).toBeUndefined();
        stdout = result.stdout;
      } else {
        writeFileSync(join(dir, "block.ts"), [SHOW_PRELUDE, ...preludes, source, ""].join("\n"));
        const result = await runProcess(TSX, ["block.ts"], { cwd: dir, env: cleanEnv({ SENTI_SHARED_DIR: SHARED }), timeoutMs: 300_000 });
        expect(result.code, `${where(block)}\n${source}\n${describeResult(result)}`).toBe(0);
        stdout = result.stdout;
      }
      const shown = readShown(stdout);
      for (const check of checks) {
        expect(shown.has(check.id), `${where(block)}: \`${check.line}\` printed nothing`).toBe(true);
        expect(compareToExpected(shown.get(check.id), check.expected), `${where(block)}: \`${check.line}\``).toEqual([]);
      }
    },
    300_000,
  );

  it.each(shBlocks.filter((b) => fixtureOf(b) !== undefined).map((block) => ({ block, name: where(block) })))(
    "sh block at $name runs",
    async ({ block }) => {
      distFile(".");
      await SHELL_FIXTURES[fixtureOf(block)!](block);
    },
    600_000,
  );
  it.each(pythonBlocks.map((block) => ({ block, name: where(block) })))(
    "python block at $name runs with the peers' MLflow",
    async ({ block }) => {
      distFile(".");
      await PYTHON_FIXTURES[fixtureOf(block)!]!(block);
    },
    300_000,
  );
});

// ------------------------------------------------------------------------------------------------
// Browser blocks

/** What a block shows, reported on the page's console (read back by readShown). */
const BROWSER_SHOW_PRELUDE =
  "function __readmeShow(id: number, value: unknown): unknown {\n" +
  "  console.log(`@@readme-show ${id} ${JSON.stringify(value)}`);\n" +
  "  return value;\n" +
  "}\n";

const SQLITE_WASM = join(PROJECT_ROOT, "node_modules", "@sqlite.org", "sqlite-wasm", "dist", "sqlite3.wasm");
/** onnxruntime-web's runtime files, served at /ort/ for BERT blocks (`loadBert(…, { wasmPaths: "/ort/" })`). */
const ORT_DIST = join(PROJECT_ROOT, "node_modules", "onnxruntime-web", "dist");
const ORT_FILES = ["ort-wasm-simd-threaded.wasm", "ort-wasm-simd-threaded.mjs"];

let chromium: Promise<LaunchedChromium> | undefined;
afterAll(async () => {
  await (await chromium?.catch(() => undefined))?.close();
});

/** The files under `path` (a file or a folder), keyed by their URL path under `at`. */
function servedFiles(at: string, path: string): Record<string, Uint8Array> {
  if (!existsSync(path)) throw new Error(`serve ${at}: ${path} does not exist (SENTI_SHARED_DIR?)`);
  if (!statSync(path).isDirectory()) return { [`/${at}`]: readFileSync(path) };
  const files: Record<string, Uint8Array> = {};
  for (const name of readdirSync(path)) Object.assign(files, servedFiles(`${at}/${name}`, join(path, name)));
  return files;
}

/** Runs `dir`/block.ts in a fresh page (its own IndexedDB); its console is the block's stdout. */
async function runInChromium(block: CodeBlock, dir: string): Promise<{ stdout: string; error?: string }> {
  writeFileSync(
    join(dir, "entry.ts"),
    'import("./block.ts").then(() => console.log("@@readme-done"), (e: unknown) => console.log(`@@readme-error ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));\n',
  );
  const files: Record<string, string | Uint8Array> = {
    "/index.html": '<!doctype html><meta charset="utf-8"><title>README block</title><script type="module" src="/entry.js"></script>',
    "/entry.js": await bundlePage(join(dir, "entry.ts")),
    "/sqlite3.wasm": readFileSync(SQLITE_WASM),
    ...Object.fromEntries(ORT_FILES.map((name) => [`/ort/${name}`, readFileSync(join(ORT_DIST, name))])),
  };
  for (const serve of markerValues(block.marker, "serve")) {
    const [at, target] = serve.split(":");
    Object.assign(files, servedFiles(at, join(SHARED, target)));
  }
  const server = await startPageServer(files);
  const { browser } = await (chromium ??= launchChromium());
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const lines: string[] = [];
    let error: string | undefined;
    const finished = new Promise<void>((resolve) => {
      page.on("console", (message) => {
        const text = message.text();
        if (text === "@@readme-done") resolve();
        else if (text.startsWith("@@readme-error ")) {
          error = text.slice("@@readme-error ".length);
          resolve();
        } else lines.push(text);
      });
      page.on("pageerror", (e) => {
        error = e.stack ?? e.message;
        resolve();
      });
    });
    await page.goto(`${server.origin}/`);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      finished,
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          error = "the block did not finish within 240 s";
          resolve();
        }, 240_000);
      }),
    ]);
    clearTimeout(timer);
    return { stdout: lines.join("\n"), ...(error !== undefined ? { error } : {}) };
  } finally {
    await context.close();
    await server.close();
  }
}

// ------------------------------------------------------------------------------------------------
// Shell fixtures

/** Runs one README command with sh in `cwd`, `senti-mlops` on the PATH as bin/senti-mlops.js. */
async function sh(command: string, cwd: string) {
  const bin = join(work, "bin");
  if (!existsSync(bin)) {
    mkdirSync(bin);
    symlinkSync(join(PROJECT_ROOT, "bin", "senti-mlops.js"), join(bin, "senti-mlops"));
  }
  return runProcess("sh", ["-c", command], { cwd, env: cleanEnv({ PATH: `${bin}:${process.env.PATH}` }), timeoutMs: 300_000 });
}

/**
 * How a python block runs: with the peers' Python (.venv, MLflow 3.17.2), `mlflow` and `pandas as pd`
 * imported, `MLFLOW_TRACKING_URI` set, and the block's `model` printed (`repr`) at the end.
 */
const PYTHON_FIXTURES: Record<string, (block: CodeBlock) => Promise<void>> = {
  /** The registered `sentiment-tfidf@champion` the block loads: trained and logged by the package, from dist/. */
  async pyfunc(block) {
    const dir = blockDir(block);
    writeFileSync(
      join(dir, "setup.ts"),
      [
        'import { trainTfidf } from "senti-mlops/tfidf";',
        'import { createTracking } from "senti-mlops/tracking";',
        'const rows = [["Great movie!", 1], ["A joy to watch", 1], ["Awful film", 0], ["A dull, tedious mess", 0]].map(([text, label]) => ({ text, label }));',
        'const tracking = await createTracking("sqlite:///mlflow.db", { artifactRoot: "mlruns" });',
        'const run = await tracking.startRun({ experimentName: "readme" });',
        "const { model } = await trainTfidf(rows);",
        'const logged = await run.logModel(model, "model", { registeredModelName: "sentiment-tfidf", inputExample: ["Great!"] });',
        "await run.end();",
        'await tracking.registry.setRegisteredModelAlias("sentiment-tfidf", "champion", logged.version!.version);',
        "await tracking.close();",
        "",
      ].join("\n"),
    );
    const setup = await runProcess(TSX, ["setup.ts"], { cwd: dir, env: cleanEnv(), timeoutMs: 120_000 });
    expect(setup.code, describeResult(setup)).toBe(0);
    // A block inside a list item is indented with it.
    const indent = Math.min(...block.code.split("\n").filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
    const code = block.code.split("\n").map((l) => l.slice(indent)).join("\n");
    writeFileSync(join(dir, "block.py"), ["import mlflow", "import pandas as pd", code, "print(repr(model))", ""].join("\n"));
    const r = await runProcess(VENV_PYTHON, ["block.py"], { cwd: dir, env: cleanEnv({ ...MLFLOW_QUIET_ENV, MLFLOW_TRACKING_URI: "sqlite:///mlflow.db" }), timeoutMs: 120_000 });
    expect(r.code, `${where(block)}\n${describeResult(r)}`).toBe(0);
    expect(r.stdout, where(block)).toContain("flavor: senti_mlops_pyfunc");
  },
};

const SHELL_FIXTURES: Record<string, (block: CodeBlock) => Promise<void>> = {
  /** The CLI block, in a cwd with the marker's train.csv/test.csv; each command's output checked loosely. */
  async cli(block) {
    const dir = blockDir(block);
    const commands = shellCommands(block.code);
    expect(commands.length).toBeGreaterThan(0);
    for (const { command } of commands) {
      const r = await sh(command, dir);
      const what = `${where(block)}: ${command}\n${describeResult(r)}`;
      expect(r.code, what).toBe(0);
      if (/^senti-mlops train /.test(command)) {
        expect(r.stdout, what).toMatch(/^accuracy 0\.\d{4} +precision 0\.\d{4}/m);
        expect(r.stdout, what).toMatch(/^roc_auc +0\.\d{4}/m);
        const out = /--out (\S+)/.exec(command)![1];
        expect(existsSync(join(dir, out)), what).toBe(true);
      } else if (/^senti-mlops eval /.test(command)) {
        expect(r.stdout, what).toMatch(/^accuracy( +0\.\d{4})+$/m);
        expect(r.stdout, what).toMatch(/^confusion matrix of /m);
        const out = /--out (\S+)/.exec(command)?.[1];
        if (out !== undefined) expect(readdirSync(join(dir, out)).filter((f) => f.endsWith(".svg")), what).toHaveLength(3);
      } else if (/--json/.test(command)) {
        const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { text: string; label: string; score: number });
        expect(rows, what).toHaveLength(1);
        expect(rows[0], what).toMatchObject({ text: "one review per line", label: expect.stringMatching(/^(Positive|Negative)$/) });
      } else if (/^senti-mlops predict /.test(command)) {
        const texts = [...command.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
        const lines = r.stdout.trim().split("\n");
        expect(lines.map((l) => l.split("\t")[2]), what).toEqual(texts);
        // A TF-IDF model's labels, or a BERT folder's (bert-tiny-sst2: NEGATIVE, POSITIVE).
        for (const l of lines) expect(l, what).toMatch(/^(Positive|Negative|POSITIVE|NEGATIVE)\t0\.\d{4}\t/);
      } else {
        throw new Error(`${what}\nno check for this command: add one in test/docs/readme.test.ts`);
      }
    }
  },

  /**
   * The curl block: `npm start`'s script (scripts/start.sh) on the shared IMDB data with a temp
   * store and a free port: the CLI trains and registers the champion, the service serves it; the
   * curl command (its port swapped in) must answer what the README shows under it.
   */
  async service(block) {
    const dir = blockDir(block);
    const child = spawn("sh", ["scripts/start.sh"], {
      cwd: PROJECT_ROOT,
      env: cleanEnv({
        SENTI_SHARED_DIR: SHARED,
        PORT: "0",
        MLFLOW_TRACKING_URI: `sqlite:///${join(dir, "mlflow.db")}`,
        MLFLOW_ARTIFACT_ROOT: join(dir, "mlruns"),
      }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const m = /"port":(\d+).*"msg":"listening"/.exec(output);
          if (m) resolve(Number(m[1]));
        };
        child.stdout!.on("data", onData);
        child.stderr!.on("data", onData);
        void exited.then((code) => reject(new Error(`scripts/start.sh exited ${code}:\n${output}`)));
      });
      const commands = shellCommands(block.code);
      expect(commands.length).toBeGreaterThan(0);
      for (const { command, output: shown } of commands) {
        expect(command, `${where(block)}: the service runs on port 5001 in the README`).toContain("localhost:5001");
        const r = await sh(command.replace("localhost:5001", `127.0.0.1:${port}`), dir);
        const what = `${where(block)}: ${command}\n${describeResult(r)}\n--- service ---\n${output}`;
        expect(r.code, what).toBe(0);
        expect(shown, `${where(block)}: a # {…} line under the command shows its answer`).toBeDefined();
        expect(compareToExpected(JSON.parse(r.stdout), shown!), what).toEqual([]);
      }
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  },
};

// ------------------------------------------------------------------------------------------------
// Figures

describe("README.md figures", () => {
  const figures = extractFigures(README);
  const lines = README.split("\n");
  const excused = (text: string, line: number) =>
    [...NOT_BENCHMARK_FIGURES, ...SIZE_FIGURES].some((e) => e.text === text.replace(/^~/, "") && lines[line - 1].includes(e.context));

  it("finds the benchmark figures it should check", () => {
    // A sanity check of the extractor on figures the README is known to quote.
    expect(figures.map((f) => f.text)).toEqual(expect.arrayContaining(["8.9×", "1.73×"]));
  });

  it("are each in docs/benchmarks.md (or listed as not benchmark results, or as size figures)", () => {
    const missing = figures
      .filter((f) => !excused(f.text, f.line))
      .filter((f) => !f.numbers.every((n) => benchmarksHave(BENCHMARKS, n, f.unit)))
      .map((f) => `README.md:${f.line}: ${f.text}`);
    expect(missing, "figures the README quotes that docs/benchmarks.md does not have").toEqual([]);
  });

  it("size figures (kB, KiB) are only the listed ones, checked by test/package/size-budget.test.ts", () => {
    const sizes = figures.filter((f) => f.unit === "kB" || f.unit === "KiB").map((f) => f.text.replace(/^~/, ""));
    expect(sizes).toEqual(SIZE_FIGURES.map((s) => s.text));
  });

  it("every excused figure is still in the README (the lists cannot go stale)", () => {
    for (const e of [...NOT_BENCHMARK_FIGURES, ...SIZE_FIGURES]) {
      expect(
        figures.some((f) => f.text.replace(/^~/, "") === e.text && lines[f.line - 1].includes(e.context)),
        `${e.text} (${e.context})`,
      ).toBe(true);
    }
  });
});
