/**
 * The package as a user gets it: `npm pack`, then `npm install <tarball>` (dependencies from the
 * registry) into a scratch project in the OS temp folder, then every entry through ESM and
 * CommonJS, the bin, and the type declarations under TypeScript's NodeNext resolution.
 *
 * Needs `npm run build` first (npm test does it) and the npm registry (for the dependencies and
 * for typescript@5.9.3 through npx).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PROJECT_ROOT, distFile } from "../helpers/dist.js";
import { BERT_DIR as BERT_TINY } from "../bert/helpers.js";
import { cleanEnv, describeResult, runProcess, type ProcessResult } from "../helpers/run-process.js";

const TIMEOUT = 300_000;
const TYPESCRIPT = "typescript@5.9.3";
const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  exports: Record<string, unknown>;
  imports?: Record<string, unknown>;
  bin: Record<string, string>;
  main?: string;
  module?: string;
  types?: string;
};

interface PackResult {
  filename: string;
  files: { path: string }[];
}

let work = "";
let app = "";
let packed: PackResult;

/** Six tiny reviews: enough for a model that gets two obvious texts right. */
const ROWS = `[
  { text: "a wonderful, moving film", label: 1 },
  { text: "great acting and a great story", label: 1 },
  { text: "I loved it, wonderful", label: 1 },
  { text: "a dull, boring mess", label: 0 },
  { text: "terrible acting, awful story", label: 0 },
  { text: "boring and far too long", label: 0 },
]`;

const CSV = `text,label
"a wonderful, moving film",1
great acting and a great story,1
"I loved it, wonderful",1
"a dull, boring mess",0
"terrible acting, awful story",0
boring and far too long,0
`;

async function node(args: string[]): Promise<ProcessResult> {
  return runProcess(process.execPath, args, { cwd: app });
}

/** Runs `code` as an ES module in the scratch project; expects exit 0, empty stderr, JSON on stdout. */
async function esm<T = Record<string, unknown>>(code: string): Promise<T> {
  return parsed<T>(await node(["--input-type=module", "-e", code]));
}

/** Runs `body` (which may use await) as CommonJS in the scratch project. */
async function cjs<T = Record<string, unknown>>(body: string): Promise<T> {
  const code = `(async () => {\n${body}\n})().catch((e) => { console.error(e); process.exitCode = 1; });`;
  return parsed<T>(await node(["--input-type=commonjs", "-e", code]));
}

function parsed<T>(r: ProcessResult): T {
  expect(r.code, describeResult(r)).toBe(0);
  expect(r.stderr, describeResult(r)).toBe("");
  return JSON.parse(r.stdout) as T;
}

/** The feature modules of each runtime binding (src/runtime/<runtime>/<feature>.ts). */
const RUNTIME_FEATURES = readdirSync(join(PROJECT_ROOT, "src", "runtime", "node")).map((file) => file.replace(/\.ts$/, ""));

/**
 * Every file path named by the exports map, the imports map, bin, main, module and types. A
 * pattern of the imports map (`#runtime/*` → `./dist/runtime/node/*.js`) names one file per
 * feature of the runtime binding.
 */
function declaredFiles(): string[] {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === "string") {
      const path = v.replace(/^\.\//, "");
      for (const feature of path.includes("*") ? RUNTIME_FEATURES : [""]) out.add(path.replace("*", feature));
    } else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(pkg.exports);
  walk(pkg.imports);
  walk(pkg.bin);
  walk([pkg.main, pkg.module, pkg.types].filter(Boolean));
  return [...out];
}

beforeAll(async () => {
  distFile("index.js");
  distFile("runtime/node/threads.js");
  distFile("cli/main.js");
  work = await mkdtemp(join(tmpdir(), "senti-mlops-pack-"));
  const pack = await runProcess("npm", ["pack", "--json", "--pack-destination", work], { cwd: PROJECT_ROOT, timeoutMs: TIMEOUT });
  expect(pack.code, describeResult(pack)).toBe(0);
  packed = (JSON.parse(pack.stdout) as PackResult[])[0]!;

  app = join(work, "app");
  await mkdir(app);
  await writeFile(join(app, "package.json"), JSON.stringify({ name: "senti-consumer", version: "0.0.0", private: true }, null, 2));
  await writeFile(join(app, "reviews.csv"), CSV);
  const install = await runProcess("npm", ["install", "--no-audit", "--no-fund", "--offline=false", join(work, packed.filename)], {
    cwd: app,
    timeoutMs: TIMEOUT,
  });
  expect(install.code, describeResult(install)).toBe(0);
}, TIMEOUT);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe("npm pack", { timeout: TIMEOUT }, () => {
  test("the tarball holds dist/ and package.json, and no sources, tests or local environments", () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths).toContain("package.json");
    expect(paths.some((p) => p.startsWith("dist/"))).toBe(true);
    const unwanted = paths.filter((p) => /^(src|test|bench|scratch|scripts|examples|node_modules|\.venv)\//.test(p) || /(^|\/)\.venv\b/.test(p));
    expect(unwanted, "files that should not be published").toEqual([]);
  });

  test("the tarball holds README.md", () => {
    expect(packed.files.map((f) => f.path), "README.md is missing from the tarball (is there a README.md at the project root?)").toContain(
      "README.md",
    );
  });

  test("every file named by exports, imports, bin, main, module and types is in the tarball", () => {
    const paths = new Set(packed.files.map((f) => f.path));
    expect(declaredFiles().filter((f) => f !== "package.json" && !paths.has(f))).toEqual([]);
  });
});

describe("installed from the tarball", { timeout: TIMEOUT }, () => {
  const PREDICT_BODY = `
    const { model } = await trainTfidf(${ROWS}, { C: 10 });
    const predictions = await predict(model, ["wonderful story", "awful and boring"]);
    let error = null;
    try {
      await predict(model, [42]);
    } catch (e) {
      error = { instance: e instanceof SentiMlopsError, code: e.code, message: e.message };
    }
    console.log(JSON.stringify({ predictions, error, nodeBuild: typeof saveModel === "function" }));`;

  interface PredictOutput {
    predictions: { label: string; score: number }[];
    error: { instance: boolean; code: string; message: string } | null;
    nodeBuild: boolean;
  }

  function checkPredictOutput(out: PredictOutput): void {
    expect(out.predictions.map((p) => p.label)).toEqual(["Positive", "Negative"]);
    for (const p of out.predictions) expect(p.score).toBeGreaterThan(0.5);
    expect(out.error).toMatchObject({ instance: true, code: "INVALID_PARAMETER_VALUE" });
    expect(out.error!.message).toMatch(/texts\[0\]/);
    // Node resolves the "node" export condition: the build that can also save files.
    expect(out.nodeBuild).toBe(true);
  }

  test("senti-mlops through ESM: train, predict, SentiMlopsError", async () => {
    checkPredictOutput(await esm<PredictOutput>(`import { trainTfidf, predict, SentiMlopsError, saveModel } from "senti-mlops";\n${PREDICT_BODY}`));
  });

  test("senti-mlops through CommonJS: train, predict, SentiMlopsError", async () => {
    checkPredictOutput(await cjs<PredictOutput>(`const { trainTfidf, predict, SentiMlopsError, saveModel } = require("senti-mlops");\n${PREDICT_BODY}`));
  });

  const TFIDF_BODY = `
    const { model } = await trainTfidf(${ROWS}, { ngramRange: [1, 2], C: 10 });
    const back = decodeTfidfModel(encodeTfidfModel(model));
    const texts = ["wonderful story", "awful and boring"];
    const fromMain = (await main.trainTfidf(${ROWS})).model;
    console.log(JSON.stringify({
      instance: back instanceof TfidfModel,
      sameProba: JSON.stringify(back.predictProba(texts)) === JSON.stringify(model.predictProba(texts)),
      labels: back.labels,
      best: back.predictProba(texts).map((row) => back.labels[row.indexOf(Math.max(...row))]),
      sameClassAsMainEntry: fromMain instanceof TfidfModel,
    }));`;

  function checkTfidfOutput(out: Record<string, unknown>): void {
    expect(out).toEqual({
      instance: true,
      sameProba: true,
      labels: ["Negative", "Positive"],
      best: ["Positive", "Negative"],
      // A model from "senti-mlops" is a TfidfModel of "senti-mlops/tfidf" (one class, not two copies).
      sameClassAsMainEntry: true,
    });
  }

  test("senti-mlops/tfidf through ESM: train, encode, decode", async () => {
    checkTfidfOutput(
      await esm(
        `import { trainTfidf, encodeTfidfModel, decodeTfidfModel, TfidfModel } from "senti-mlops/tfidf";\nimport * as main from "senti-mlops";\n${TFIDF_BODY}`,
      ),
    );
  });

  test("senti-mlops/tfidf through CommonJS: train, encode, decode", async () => {
    checkTfidfOutput(
      await cjs(
        `const { trainTfidf, encodeTfidfModel, decodeTfidfModel, TfidfModel } = require("senti-mlops/tfidf");\nconst main = require("senti-mlops");\n${TFIDF_BODY}`,
      ),
    );
  });

  test("senti-mlops/data through ESM and CommonJS reads a CSV file", async () => {
    const body = `const rows = await collect(readDataset("reviews.csv"));\nconsole.log(JSON.stringify(rows));`;
    const expected = [
      { text: "a wonderful, moving film", label: 1 },
      { text: "great acting and a great story", label: 1 },
    ];
    const fromEsm = await esm<unknown[]>(`import { readDataset, collect } from "senti-mlops/data";\n${body}`);
    expect(fromEsm).toHaveLength(6);
    expect(fromEsm.slice(0, 2)).toEqual(expected);
    const fromCjs = await cjs<unknown[]>(`const { readDataset, collect } = require("senti-mlops/data");\n${body}`);
    expect(fromCjs).toEqual(fromEsm);
  });

  const REGISTRY_BODY = `
    const tracking = await createTracking("memory:");
    const run = await tracking.startRun({ experimentName: "pack" });
    const { model } = await trainTfidf(${ROWS}, { C: 10 });
    const logged = await run.logModel(model, "model", { registeredModelName: "packed" });
    await run.end();
    await tracking.registry.setRegisteredModelAlias("packed", "champion", logged.version.version);
    const champion = await loadModel("models:/packed@champion", { tracking });
    const listing = await (await tracking.runArtifacts(run.runId)).listArtifacts("model");
    console.log(JSON.stringify({
      labels: (await predict(champion, ["wonderful story", "awful and boring"])).map((p) => p.label),
      files: listing.map((f) => f.path),
      memoryStore: typeof createMemoryRegistryStore, artifactStore: typeof createArtifactStore, s3: typeof createS3ByteStore,
    }));
  `;
  const REGISTRY_EXPECTED = {
    labels: ["Positive", "Negative"],
    files: ["model/MLmodel", "model/code", "model/conda.yaml", "model/model.senti", "model/python_env.yaml", "model/requirements.txt"],
    memoryStore: "function",
    artifactStore: "function",
    s3: "function",
  };

  test("log, register, alias and load by models:/ through ESM (tracking, registry, adapters entries)", async () => {
    const out = await esm<unknown>(
      `import { trainTfidf, predict, loadModel } from "senti-mlops";\nimport { createTracking } from "senti-mlops/tracking";\n` +
        `import { createMemoryRegistryStore } from "senti-mlops/stores";\nimport { createArtifactStore } from "senti-mlops/adapters";\nimport { createS3ByteStore } from "senti-mlops/node";\n${REGISTRY_BODY}`,
    );
    expect(out).toEqual(REGISTRY_EXPECTED);
  });

  test("log, register, alias and load by models:/ through CommonJS", async () => {
    const out = await cjs<unknown>(
      `const { trainTfidf, predict, loadModel } = require("senti-mlops");\nconst { createTracking } = require("senti-mlops/tracking");\n` +
        `const { createMemoryRegistryStore } = require("senti-mlops/stores");\nconst { createArtifactStore } = require("senti-mlops/adapters");\nconst { createS3ByteStore } = require("senti-mlops/node");\n${REGISTRY_BODY}`,
    );
    expect(out).toEqual(REGISTRY_EXPECTED);
  });

  test("BERT from the tarball: with the optional peers installed, loadBert + predict through ESM and CommonJS", async () => {
    // The optional peers a BERT user installs beside senti-mlops (onnxruntime-node's downloading
    // postinstall is skipped, as the README says; its CPU binaries ship in the package).
    const install = await runProcess(
      "npm",
      ["install", "--no-audit", "--no-fund", "onnxruntime-node@1.30.0", "@huggingface/tokenizers@0.2.0"],
      { cwd: app, timeoutMs: TIMEOUT, env: cleanEnv({ ONNXRUNTIME_NODE_INSTALL: "skip" }) },
    );
    expect(install.code, describeResult(install)).toBe(0);
    const folder = JSON.stringify(BERT_TINY);
    const body = `
      const bert = await loadBert(${folder}, { threads: 1 });
      const out = await predict(bert, ["a gorgeous, witty, seductive movie.", "a dull, lifeless mess."]);
      await bert.dispose();
      console.log(JSON.stringify({ kind: bert.kind, labels: out.map((p) => p.label) }));
    `;
    const expected = { kind: "bert", labels: ["POSITIVE", "NEGATIVE"] };
    expect(await esm(`import { loadBert, predict } from "senti-mlops";\n${body}`)).toEqual(expected);
    expect(await cjs(`const { loadBert } = require("senti-mlops/bert");\nconst { predict } = require("senti-mlops");\n${body}`)).toEqual(expected);
  });

  test("the senti-mlops bin runs from node_modules/.bin", async () => {
    const bin = join(app, "node_modules", ".bin", "senti-mlops");
    const version = await runProcess(bin, ["--version"], { cwd: app });
    expect(version.code, describeResult(version)).toBe(0);
    expect(version.stderr).toBe("");
    expect(version.stdout).toBe(`${pkg.version}\n`);

    const train = await runProcess(bin, ["train", "--data", "reviews.csv", "--out", "m.bin", "-C", "10", "--quiet"], { cwd: app });
    expect(train.code, describeResult(train)).toBe(0);
    expect(train.stderr).toBe("");
    const predict = await runProcess(bin, ["predict", "--model", "m.bin", "wonderful story"], { cwd: app });
    expect(predict.code, describeResult(predict)).toBe(0);
    expect(predict.stdout).toMatch(/^Positive\t0\.\d{4}\twonderful story\n$/);
  });

  test(`the type declarations check under NodeNext with ${TYPESCRIPT} (ESM and CommonJS consumers)`, async () => {
    await writeFile(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          strict: true,
          noEmit: true,
          // Check the published .d.ts files too, and without @types/node.
          skipLibCheck: false,
          types: [],
        },
        files: ["check.mts", "check.cts"],
      }),
    );
    await writeFile(
      join(app, "check.mts"),
      `import { trainTfidf, predict, SentiMlopsError, isSentiMlopsError, type LabeledText, type Prediction } from "senti-mlops";
import { TfidfModel, encodeTfidfModel, decodeTfidfModel, type TfidfVectorizerOptions } from "senti-mlops/tfidf";

const rows: LabeledText[] = [{ text: "great", label: 1 }, { text: "awful", label: 0 }];
const { model, metrics } = await trainTfidf(rows, { ngramRange: [1, 2], minDf: 1, sublinearTf: true, C: 4 });
const predictions: Prediction[] = await predict(model, ["great"]);
const label: string = predictions[0]!.label;
// A model from "senti-mlops" is the TfidfModel of "senti-mlops/tfidf".
const bytes: Uint8Array = encodeTfidfModel(model);
const back: TfidfModel = decodeTfidfModel(bytes);
const options: TfidfVectorizerOptions = { stopWords: "english" };
const error = new SentiMlopsError("INVALID_PARAMETER_VALUE", "bad");
const ok: boolean = isSentiMlopsError(error) && error.code === "INVALID_PARAMETER_VALUE";
const accuracy: number | undefined = metrics?.accuracy;
// @ts-expect-error: a misspelled option is an error (proves the types are not any)
await trainTfidf(rows, { ngramRnge: [1, 2] });
export { label, back, options, ok, accuracy };
`,
    );
    await writeFile(
      join(app, "check.cts"),
      `import senti = require("senti-mlops");
import tfidf = require("senti-mlops/tfidf");

async function main(): Promise<string> {
  const { model } = await senti.trainTfidf([{ text: "great", label: 1 }, { text: "awful", label: 0 }]);
  const back: tfidf.TfidfModel = tfidf.decodeTfidfModel(tfidf.encodeTfidfModel(model));
  const [p] = await senti.predict(back, ["great"]);
  // @ts-expect-error: predict takes an array of strings
  await senti.predict(back, "great");
  return p!.label;
}
export = main;
`,
    );
    const tsc = await runProcess("npx", ["--yes", "-p", TYPESCRIPT, "tsc", "-p", "tsconfig.json"], { cwd: app, timeoutMs: TIMEOUT });
    expect(tsc.code, describeResult(tsc)).toBe(0);
    expect(tsc.stdout).toBe("");
  });
});
