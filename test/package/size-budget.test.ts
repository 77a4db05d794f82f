/**
 * Size budgets of the browser entries, from the project's issue, checked on the built package:
 *
 * - (a) `senti-mlops/tfidf` decode + predict (both from that entry): ≤ 16 kB gzipped
 * - (b) the root entry with only `predict` + `loadModel` imported: ≤ 30 kB gzipped (YAML and the
 *       other heavy parts loaded only when a model folder is actually read, i.e. behind import())
 * - (c) a REST-only tracking client (`createTracking("http://…")`): ≤ 15 kB gzipped
 * - (d) the BERT entry (loadBert + predict), onnxruntime-web and @huggingface/tokenizers
 *       external: ≤ 15 kB gzipped
 * - A TF-IDF-only page ((a)) never contains onnxruntime-web. The root entry's `loadModel` (b) also
 *   reads BERT model folders, so onnxruntime-web may be behind an import() there, never in the
 *   initial load.
 *
 * Units: 1 kB = 1000 bytes. The size is the INITIAL load — the scenario's entry output plus the
 * chunks it imports statically, each minified and gzipped at level 9 on its own, summed; chunks
 * behind import() are not counted (scripts/size-report.mjs reports them apart).
 *
 * scripts/size-report.mjs bundles each scenario of test/package/size/ with esbuild for the browser
 * (conditions browser/import/default, never "node"), resolving "senti-mlops" through the package's
 * own `exports` to dist/. `node scripts/size-report.mjs` prints the sizes and the modules that
 * dominate each bundle. Needs `npm run build` first (npm test does it).
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, test } from "vitest";
import { PROJECT_ROOT, distFile } from "../helpers/dist.js";

const KB = 1000;

/** The budgets of the issue, gzipped bytes of the initial load, by scenario id of the report. */
const BUDGETS: Record<string, number> = {
  a: 16 * KB,
  b: 30 * KB,
  c: 15 * KB,
  d: 15 * KB,
};

/** Scenarios of a page that uses TF-IDF models only: no onnxruntime-web anywhere in their graph. */
const TFIDF_ONLY = ["a", "a*"];

/** Scenarios that can read BERT models too: onnxruntime-web at most behind an import(). */
const BERT_CAPABLE_LAZY = ["b", "c"];

/** Scenarios where the page supplies onnxruntime-web and @huggingface/tokenizers (external). */
const BERT_PEERS_EXTERNAL = ["d", "d*"];

interface Entry {
  path: string;
  bytes: number;
}
interface Size {
  files: number;
  raw: number;
  gzip: number;
}
interface Scenario {
  id: string;
  name: string;
  file: string;
  budget: number | null;
  external: string[];
  initial: Size;
  lazy: Size;
  unreachable: Size & { topInputs: Entry[] };
  topInputs: Entry[];
  topSources: Entry[];
  topAreas: Entry[];
  lazyTopInputs: Entry[];
  onnxruntimeWeb: { initial: boolean; reachable: boolean; anyChunk: boolean; imported: boolean; chain: string[] | null };
  forbidden: string[];
  inputs: string[];
  warnings: string[];
}
interface Report {
  packageRoot: string;
  commit: string;
  scenarios: Scenario[];
}

let report: Report;
const scenario = (id: string): Scenario => {
  const s = report.scenarios.find((x) => x.id === id);
  if (!s) throw new Error(`scripts/size-report.mjs has no scenario (${id})`);
  return s;
};

const kb = (n: number): string => `${(n / KB).toFixed(1)} kB`;
const list = (entries: Entry[]): string => entries.map((e) => `  ${String(e.bytes).padStart(7)}  ${e.path}`).join("\n");
const explain = (s: Scenario): string =>
  [
    `(${s.id}) ${s.name}: ${kb(s.initial.gzip)} gzipped (${kb(s.initial.raw)} minified) in the initial load`,
    `by area (minified bytes, through dist/ source maps):\n${list(s.topAreas)}`,
    `largest modules:\n${list(s.topSources)}`,
  ].join("\n");

describe("browser bundle size budgets (1 kB = 1000 bytes, gzip level 9)", () => {
  beforeAll(async () => {
    distFile("index.js");
    const script = join(PROJECT_ROOT, "scripts", "size-report.mjs");
    const { stdout } = await promisify(execFile)(process.execPath, [script, PROJECT_ROOT, "--json"], {
      cwd: PROJECT_ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    report = JSON.parse(stdout) as Report;
    for (const s of report.scenarios) {
      console.log(`size (${s.id}) ${s.name}: ${kb(s.initial.raw)} minified, ${kb(s.initial.gzip)} gzipped${s.budget ? ` (budget ${kb(s.budget)})` : ""}`);
    }
  });

  test("the report measures every budgeted scenario, with the issue's budgets", () => {
    for (const [id, budget] of Object.entries(BUDGETS)) expect(scenario(id).budget, `(${id})`).toBe(budget);
  });

  describe.each(Object.keys(BUDGETS))("scenario (%s)", (id) => {
    test("initial load within its gzipped budget", async ({ annotate }) => {
      const s = scenario(id);
      await annotate(`${s.name}: ${kb(s.initial.gzip)} gzipped / budget ${kb(BUDGETS[id]!)}`);
      expect(s.initial.gzip, explain(s)).toBeLessThanOrEqual(BUDGETS[id]!);
    });
  });

  test("every scenario bundles from dist/ through the browser conditions of the exports", () => {
    for (const s of report.scenarios) {
      expect(s.inputs.some((f) => f.startsWith("dist/")), `(${s.id}) bundles dist/`).toBe(true);
      expect(s.inputs.filter((f) => f.startsWith("src/")), `(${s.id}) bundles src/`).toEqual([]);
      // The `node` condition was not taken: no Node build of an entry or of the runtime binding
      // (dist/runtime/node/*.js, dist/node.js).
      expect(s.inputs.filter((f) => /^dist\/(runtime\/node\/.*|node)\.js$/.test(f)), `(${s.id}) took a node condition`).toEqual([]);
    }
  });

  test("no browser bundle reaches node:*, a Node builtin, better-sqlite3, onnxruntime-node or @aws-sdk", () => {
    for (const s of report.scenarios) expect(s.forbidden, `(${s.id}) ${s.name}`).toEqual([]);
  });

  test.each(TFIDF_ONLY)("TF-IDF-only scenario (%s) contains no onnxruntime-web", (id) => {
    const s = scenario(id);
    const o = s.onnxruntimeWeb;
    const where = o.initial ? "in the initial load" : o.reachable ? "in a lazy chunk" : "in a chunk no code loads (an import() in tree-shaken code)";
    expect(
      s.inputs.filter((f) => f.startsWith("node_modules/onnxruntime-web/")),
      `(${id}) ${s.name}: onnxruntime-web is bundled ${where}, through ${o.chain?.join(" → ")}`,
    ).toEqual([]);
    expect(o.imported, `(${id}) imports onnxruntime-web through ${o.chain?.join(" → ")}`).toBe(false);
  });

  test.each(BERT_CAPABLE_LAZY)("scenario (%s) loads onnxruntime-web only when a BERT model is read (never initially)", (id) => {
    const s = scenario(id);
    expect(s.onnxruntimeWeb.initial, `(${id}) ${s.name}: onnxruntime-web in the initial load through ${s.onnxruntimeWeb.chain?.join(" → ")}`).toBe(false);
    expect(s.onnxruntimeWeb.reachable, `(${id}) ${s.name}: onnxruntime-web is loadable, behind an import()`).toBe(true);
  });

  test.each(BERT_PEERS_EXTERNAL)("BERT scenario (%s) leaves onnxruntime-web and @huggingface/tokenizers to the page", (id) => {
    const s = scenario(id);
    expect(s.external).toEqual(["onnxruntime-web", "@huggingface/tokenizers"]);
    expect(s.inputs.filter((f) => /^node_modules\/(onnxruntime-web|@huggingface\/tokenizers)\//.test(f))).toEqual([]);
    // …and the entry does use onnxruntime-web, so the external marking is what keeps it out.
    expect(s.onnxruntimeWeb.imported).toBe(true);
  });
});
