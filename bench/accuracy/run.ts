/**
 * bench/accuracy: every senti-mlops model kind against four npm lexicon libraries, on four data
 * sets, accuracy and texts/s for each.
 *
 *   npm run bench:accuracy                               # every set, every model; prints the table
 *   npm run bench:accuracy -- --write                    # … and writes it into docs/benchmarks.md
 *   npm run bench:accuracy -- --sets sst2,rt --models seed,sentiment
 *   npm run bench:accuracy -- --models best,web --write  # fill in rows, keeping the others' cells
 *   npx tsx bench/accuracy/run.ts --render-only --write   # rewrite the section from its kept cells
 *
 * Sets (`--sets`): sst2 (SST-2 train → dev), imdb (IMDB train → test), rt (rt-polarity train →
 * test), yelp (Yelp, Shen et al. 2017: no train split is shipped, so the models train on dev.csv
 * and are tested on test.csv). Models (`--models`): seed, strong, best, web (bench/accuracy/kinds.ts),
 * bert-tiny-sst2 (or `bert`), sentiment, wink-sentiment (`wink`), vader-sentiment (`vader`), natural.
 *
 * Every TF-IDF kind trains on the set's training split with fixed options and `threads: 1` (the
 * training is deterministic: no random component, nothing to seed), timed apart. bert-tiny-sst2 is
 * one model for every set. texts/s = test rows / seconds of one prediction pass over the whole test
 * split, data in memory, one thread, after an untimed warm-up over its first texts; the median of
 * up to 15 passes (no further pass once they add up to 2 s). TF-IDF and BERT predict through
 * `predict(model, batch)` on consecutive batches of 256 texts; a lexicon library is called once
 * per text. Accuracy = rows whose predicted label equals the gold label / rows.
 *
 * With --write, the cells measured are merged into those already in docs/benchmarks.md (kept in
 * the section as a JSON comment), so a run on some sets or models updates only those cells.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse } from "csv-parse/sync";
import { gzipSync } from "node:zlib";
import { predict, trainTfidf } from "senti-mlops";
import { encodeTfidfModel } from "senti-mlops/tfidf";
import { loadBert } from "senti-mlops/bert";
import { PROJECT_ROOT } from "../../test/peers/python-env.js";
import { dataFile, SHARED } from "../../test/peers/sklearn.js";
import { writeBenchmarkSection } from "../docs.js";
import { BERT_KIND, OUR_MODEL_NAMES, TFIDF_KINDS, type TfidfKind } from "./kinds.js";
import { createLexicon, LEXICON_NAMES, labelFromScore, type LexiconName } from "./lexicons.js";
import { accuracy, classOfLabel, seededSubset, timePredictions } from "./measure.js";
import { renderSection, type BenchData, type Cell, type RunInfo, type SetKey, SETS } from "./report.js";

// Nothing may be downloaded: the lexicons ship their word lists, the BERT folder is local.
globalThis.fetch = ((url: unknown) => {
  throw new Error(`bench/accuracy tried to fetch ${String(url)}: nothing may be downloaded`);
}) as typeof fetch;

const { values } = parseArgs({
  options: {
    sets: { type: "string", default: Object.keys(SETS).join(",") },
    models: { type: "string", default: [...OUR_MODEL_NAMES, ...LEXICON_NAMES].join(",") },
    write: { type: "boolean", default: false },
    // Measure nothing: render the section again from the cells kept in docs/benchmarks.md.
    "render-only": { type: "boolean", default: false },
    // bert-tiny-sst2 on one thread reads ~30 long IMDB reviews/s on this shared 2-core machine under
    // load (25,000 would take ~14 min): by default it is scored on a fixed seeded subset of IMDB test.
    "bert-imdb-rows": { type: "string", default: "5000" },
  },
});
const BERT_SUBSET_SEED = 14;

const ALIASES: Record<string, string> = {
  bert: BERT_KIND.name,
  wink: "wink-sentiment",
  vader: "vader-sentiment",
  "rt-polarity": "rt",
  "yelp-shen2017": "yelp",
};
const list = (s: string): string[] => s.split(",").map((x) => x.trim()).filter(Boolean).map((x) => ALIASES[x] ?? x);
const sets = list(values.sets!) as SetKey[];
const models = list(values.models!);
for (const s of sets) if (!(s in SETS)) throw new Error(`unknown set ${s} (known: ${Object.keys(SETS).join(", ")})`);
const ALL_MODELS: readonly string[] = [...OUR_MODEL_NAMES, ...LEXICON_NAMES];
for (const m of models) if (!ALL_MODELS.includes(m)) throw new Error(`unknown model ${m} (known: ${ALL_MODELS.join(", ")})`);
if (!existsSync(join(PROJECT_ROOT, "dist", "index.js"))) throw new Error("run `npm run build` first");

const BATCH = 256;
const log = (line: string) => process.stderr.write(`${line}\n`);
const git = (...args: string[]) => execFileSync("git", args, { cwd: PROJECT_ROOT }).toString().trim();

interface Row {
  text: string;
  label: number;
}
function readRows(relative: string): Row[] {
  const rows = parse(readFileSync(dataFile(relative)), { columns: true }) as { text: string; label: string }[];
  return rows.map((r) => {
    const label = Number(r.label);
    if (label !== 0 && label !== 1) throw new Error(`${relative}: label ${r.label}`);
    return { text: r.text, label };
  });
}

const started = new Date();
const runId = started.toISOString().replace(/\.\d+Z$/, "Z");
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(" / ");
const run: RunInfo = {
  id: runId,
  commit: git("rev-parse", "--short", "HEAD"),
  // dist/ is what runs: say whether the sources it may have been built from differ from the commit.
  srcChanged: git("status", "--porcelain", "--", "src").length > 0,
  node: process.version,
  cpu: `${os.availableParallelism()} × ${os.cpus()[0]?.model.trim() ?? "unknown CPU"}`,
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  loadStart: load(),
  loadEnd: "",
  minutes: 0,
  command: `npm run bench:accuracy -- ${process.argv.slice(2).join(" ")}`.trim(),
  versions: Object.fromEntries(LEXICON_NAMES.filter((m) => models.includes(m)).map((m) => [m, createLexicon(m).version])),
};
log(`bench:accuracy ${runId} at ${run.commit}${run.srcChanged ? " (src/ has uncommitted changes)" : ""}, load ${run.loadStart}`);

const cells: Cell[] = [];
function record(cell: Omit<Cell, "run">): void {
  cells.push({ ...cell, run: runId });
  const what =
    cell.status === "ok"
      ? `${(cell.accuracy! * 100).toFixed(2)}% (${cell.correct}/${cell.total}), ${Math.round(cell.textsPerSecond!)} texts/s` +
        (cell.trainSeconds !== undefined ? `, trained in ${cell.trainSeconds.toFixed(1)} s` : "")
      : `not run: ${cell.reason}`;
  log(`  ${cell.set} ${cell.model}: ${what}`);
}

type TrainOptions = Parameters<typeof trainTfidf>[1];

/** Why the built trainTfidf cannot train presets, or null when it can: an unknown preset must be refused. */
async function presetSupport(): Promise<string | null> {
  const tiny = ["good fun", "bad dull", "great fun", "awful dull"].flatMap((text, i) => Array.from({ length: 5 }, () => ({ text, label: i % 2 === 0 ? 1 : 0 })));
  try {
    await trainTfidf(tiny, { preset: "no-such-preset-bench-accuracy", threads: 1 } as unknown as TrainOptions);
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    return /preset/i.test(message) ? null : `a probe of trainTfidf's presets failed for another reason: ${message}`;
  }
  return "this build's trainTfidf does not know the `preset` option (it trained with an unknown preset instead of refusing it)";
}

const presetProblem = TFIDF_KINDS.some((k) => models.includes(k.name)) ? await presetSupport() : null;
if (presetProblem) log(`presets: ${presetProblem}`);

async function runTfidf(set: SetKey, kind: TfidfKind, train: Row[], test: Row[]): Promise<void> {
  if (presetProblem && !kind.fallback) {
    record({ set, model: kind.name, status: "skipped", reason: presetProblem });
    return;
  }
  const options = presetProblem ? kind.fallback! : { preset: kind.preset };
  let model: Awaited<ReturnType<typeof trainTfidf>>["model"];
  let trainSeconds: number;
  try {
    const t0 = performance.now();
    ({ model } = await trainTfidf(train, { ...options, threads: 1 } as unknown as TrainOptions));
    trainSeconds = (performance.now() - t0) / 1000;
  } catch (error) {
    const e = error as { code?: string; message?: string };
    record({ set, model: kind.name, status: "skipped", reason: `trainTfidf(rows, ${JSON.stringify(options)}) failed: ${e.code ?? ""} ${e.message ?? String(error)}`.trim() });
    return;
  }
  const ids = new Map(model.labels.map((l) => [l, classOfLabel(l)]));
  const texts = test.map((r) => r.text);
  const t = await timePredictions(texts, async (xs) => {
    const out = new Uint8Array(xs.length);
    for (let i = 0; i < xs.length; i += BATCH) {
      const preds = await predict(model, xs.slice(i, i + BATCH));
      for (let j = 0; j < preds.length; j++) out[i + j] = ids.get(preds[j]!.label)!;
    }
    return out;
  });
  const acc = accuracy(t.predicted, test.map((r) => r.label));
  record({
    set,
    model: kind.name,
    status: "ok",
    accuracy: acc.value,
    correct: acc.correct,
    total: acc.total,
    textsPerSecond: t.textsPerSecond,
    passes: t.passes,
    trainSeconds,
    features: model.vectorizer.size,
    // What a page downloads: the model file, gzipped as a web server sends it.
    modelGzipBytes: gzipSync(encodeTfidfModel(model), { level: 9 }).length,
    trainedWith: presetProblem ? `options ${JSON.stringify(kind.fallback)} (this build has no presets)` : `preset "${kind.preset}"`,
  });
}

/** How many of `texts` are also texts of the file `relative` (compared lower-cased, letters and digits only). */
function seenIn(relative: string, texts: readonly string[]): number {
  const key = (t: string) => t.toLowerCase().replace(/[^a-z0-9]+/g, "");
  const known = new Set(readRows(relative).map((r) => key(r.text)));
  return texts.filter((t) => known.has(key(t))).length;
}

type Bert = Awaited<ReturnType<typeof loadBert>>;
let bert: { model: Bert; loadSeconds: number } | undefined;
async function runBert(set: SetKey, allTest: Row[]): Promise<void> {
  let test = allTest;
  let subset: Cell["subset"];
  if (set === "imdb" && values["bert-imdb-rows"] !== "all") {
    const n = Number(values["bert-imdb-rows"]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--bert-imdb-rows: a positive integer or "all", not ${values["bert-imdb-rows"]}`);
    if (n < allTest.length) {
      test = seededSubset(allTest.length, n, BERT_SUBSET_SEED).map((i) => allTest[i]!);
      subset = { rows: n, of: allTest.length, seed: BERT_SUBSET_SEED, positive: test.filter((r) => r.label === 1).length };
    }
  }
  if (!bert) {
    const t0 = performance.now();
    const model = await loadBert(join(SHARED, BERT_KIND.folder), { threads: 1 });
    bert = { model, loadSeconds: (performance.now() - t0) / 1000 };
    log(`  ${BERT_KIND.name}: loaded in ${bert.loadSeconds.toFixed(2)} s, labels ${model.labels.join("/")}, max length ${model.tokenizer.maxLength}`);
  }
  const { model } = bert;
  const ids = new Map(model.labels.map((l) => [l, classOfLabel(l)]));
  const texts = test.map((r) => r.text);
  const t = await timePredictions(
    texts,
    async (xs) => {
      const out = new Uint8Array(xs.length);
      for (let i = 0; i < xs.length; i += BATCH) {
        const preds = await predict(model, xs.slice(i, i + BATCH));
        for (let j = 0; j < preds.length; j++) out[i + j] = ids.get(preds[j]!.label)!;
      }
      return out;
    },
    { warmupTexts: BATCH },
  );
  const acc = accuracy(t.predicted, test.map((r) => r.label));
  record({
    set,
    model: BERT_KIND.name,
    status: "ok",
    accuracy: acc.value,
    correct: acc.correct,
    total: acc.total,
    textsPerSecond: t.textsPerSecond,
    passes: t.passes,
    loadSeconds: bert.loadSeconds,
    ...(set === "rt" ? { seenInSst2Train: seenIn("sst2/train.csv", texts) } : {}),
    ...(subset ? { subset } : {}),
  });
}

async function runLexicon(set: SetKey, name: LexiconName, test: Row[]): Promise<void> {
  const lexicon = createLexicon(name);
  let zeros = 0;
  const t = await timePredictions(
    test.map((r) => r.text),
    (xs) => {
      const out = new Uint8Array(xs.length);
      let z = 0;
      for (let i = 0; i < xs.length; i++) {
        const score = lexicon.score(xs[i]!);
        if (score === 0) z++;
        out[i] = labelFromScore(score);
      }
      zeros = z;
      return out;
    },
  );
  const acc = accuracy(t.predicted, test.map((r) => r.label));
  record({
    set,
    model: name,
    status: "ok",
    accuracy: acc.value,
    correct: acc.correct,
    total: acc.total,
    textsPerSecond: t.textsPerSecond,
    passes: t.passes,
    zeroScores: zeros,
  });
}

const t0 = performance.now();
for (const set of values["render-only"] ? [] : sets) {
  const spec = SETS[set];
  log(`${spec.title}: train ${spec.train}, test ${spec.test}`);
  const test = readRows(spec.test);
  for (const name of LEXICON_NAMES) if (models.includes(name)) await runLexicon(set, name, test);
  const kinds = TFIDF_KINDS.filter((k) => models.includes(k.name));
  if (kinds.length > 0) {
    const train = readRows(spec.train);
    for (const kind of kinds) await runTfidf(set, kind, train, test);
  }
  if (models.includes(BERT_KIND.name)) await runBert(set, test);
}
await bert?.model.dispose();
run.loadEnd = load();
run.minutes = (performance.now() - t0) / 60_000;
log(`done in ${run.minutes.toFixed(1)} min, load ${run.loadEnd}`);

const DOC = join(PROJECT_ROOT, "docs", "benchmarks.md");
const DATA_RE = /<!-- bench:accuracy:data (.*?) -->/s;
function previous(): BenchData {
  const m = DATA_RE.exec(readFileSync(DOC, "utf8"));
  return m ? (JSON.parse(m[1]!) as BenchData) : { runs: [], cells: [] };
}
const before = previous();
const replaced = (c: Cell) => cells.some((n) => n.set === c.set && n.model === c.model);
const keptCells = before.cells.filter((c) => !replaced(c));
const merged: BenchData = values["render-only"]
  ? before
  : { cells: [...keptCells, ...cells], runs: [...before.runs.filter((r) => keptCells.some((c) => c.run === r.id)), run] };
if (merged.cells.length === 0) throw new Error("nothing measured and no cells in docs/benchmarks.md");
const section = renderSection(merged);
process.stdout.write(`${section}\n`);
if (values.write) {
  writeBenchmarkSection("accuracy", section, {
    heading: "Accuracy: senti-mlops models vs npm lexicon libraries",
    intro: "Written by `npm run bench:accuracy -- --write` (`bench/accuracy/run.ts`).",
  });
}
