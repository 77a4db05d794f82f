/**
 * bench/bert: `loadBert` + `predict` (senti-mlops) vs @huggingface/transformers' text-classification
 * pipeline (transformers.js), same machine, same run, same model folder, same thread count.
 *
 *   npm run bench:bert                          # prints the tables
 *   npm run bench:bert -- --write               # and writes them into docs/benchmarks.md
 *   npm run bench:bert -- --models tiny --repeat 1 --sst2 64 --imdb 16   # a quick development run
 *   npm run bench:bert -- --profile tiny        # adds where the time goes (session.run vs the rest)
 *   npm run bench:bert -- --only-thread-check --write   # redoes only the thread check (its own section)
 *
 * Models: shared/models/bert-tiny-sst2 (trained, 4 × 128) and a BERT-base-size (12 × 768, 110 M
 * parameters) random-weight model that bench/bert/make-bert-base.py builds with the `onnx` Python
 * package on first use (into .cache/bench-bert/, keyed by a hash of that script and its
 * requirements; a bench-only venv in .cache/bench-bert/venv holds onnx + numpy). Data: SST-2 dev
 * (short sentences) and the first IMDB test reviews (long; truncated to 512 tokens).
 *
 * Each side runs in its own child process (bench/bert/ours.mjs, bench/bert/peer.mjs), one after the
 * other and never concurrently, alternating which goes first. A process loads the model (timed:
 * load), runs one untimed warm-up pass over the texts, then `--passes` timed passes; throughput is
 * texts / pass time, and every figure is the median over `--repeat` processes per side. Both sides
 * use fp32 onnx/model.onnx on onnxruntime-node with `--threads` intra-op threads (1 inter-op
 * thread), checked by counting the threads ONNX Runtime adds and by timing 1 vs 2 threads. Both get
 * the same batch size: transformers.js in consecutive chunks of that size in input order (its
 * pipeline runs whatever array it is given as one batch padded to its longest text), senti-mlops as
 * one predict call that buckets by length itself (maxBatchSize, maxTokensPerBatch).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../../test/peers/python-env.js";
import { SHARED } from "../../test/peers/sklearn.js";
import { writeBenchmarkSection } from "../docs.js";

const { values } = parseArgs({
  options: {
    write: { type: "boolean", default: false },
    models: { type: "string", default: "tiny,base" },
    repeat: { type: "string", default: "3" },
    passes: { type: "string", default: "1" },
    threads: { type: "string", default: "2" },
    "batch-size": { type: "string", default: "16" },
    "max-tokens": { type: "string" },
    sst2: { type: "string", default: "872" },
    imdb: { type: "string", default: "512" },
    "base-sst2": { type: "string", default: "256" },
    "base-imdb": { type: "string", default: "128" },
    "skip-thread-check": { type: "boolean", default: false },
    // Only the thread check (its own section of docs/benchmarks.md), e.g. to redo it on a quieter machine.
    "only-thread-check": { type: "boolean", default: false },
    "thread-repeat": { type: "string", default: "3" },
    // "tiny", "base" or "tiny,base": which models' cases also get a profile process per side.
    profile: { type: "string", default: "" },
  },
});
const REPEAT = Number(values.repeat);
const PASSES = Number(values.passes);
const THREADS = Number(values.threads);
const BATCH = Number(values["batch-size"]);
const MAX_LENGTH = 512;
const MAX_TOKENS = Number(values["max-tokens"] ?? BATCH * MAX_LENGTH);
const MODELS = new Set(values.models!.split(","));
if (!existsSync(join(PROJECT_ROOT, "dist", "index.js"))) throw new Error("run `npm run build` first");

const OURS = join(PROJECT_ROOT, "bench/bert/ours.mjs");
const PROFILE = join(PROJECT_ROOT, "bench/bert/profile.mjs");
const PEER = join(PROJECT_ROOT, "bench/bert/peer.mjs");
const TINY = join(SHARED, "models", "bert-tiny-sst2");
const SST2 = join(SHARED, "data", "sst2", "dev.csv");
const IMDB = join(SHARED, "data", "imdb", "test.csv");
const CACHE = join(PROJECT_ROOT, ".cache", "bench-bert");
const GENERATOR = join(PROJECT_ROOT, "bench/bert/make-bert-base.py");
const REQUIREMENTS = join(PROJECT_ROOT, "bench/bert/requirements.txt");
const log = (s: string) => process.stderr.write(s);
const loadAtStart = loadavg();

// ---------------------------------------------------------------- the BERT-base-size model

interface Generated {
  parameters: number;
  bytes: number;
  nodes: number;
  generate_s: number;
  venv_s: number | null;
  key: string;
}

/** A venv with only onnx + numpy (bench/bert/requirements.txt), reused while that file is unchanged. */
function ensureBenchVenv(): { python: string; seconds: number | null } {
  const venv = join(CACHE, "venv");
  const python = join(venv, "bin", "python");
  const marker = join(venv, ".senti-requirements");
  const wanted = createHash("sha256").update(readFileSync(REQUIREMENTS)).digest("hex");
  if (existsSync(python) && existsSync(marker) && readFileSync(marker, "utf8").trim() === wanted) return { python, seconds: null };
  const t0 = performance.now();
  log(`[bert-base] creating ${venv} (onnx + numpy from PyPI)\n`);
  mkdirSync(CACHE, { recursive: true });
  if (!existsSync(python)) execFileSync(process.env.PYTHON ?? "python3", ["-m", "venv", venv], { stdio: "inherit" });
  execFileSync(python, ["-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", REQUIREMENTS], { stdio: "inherit" });
  writeFileSync(marker, `${wanted}\n`);
  return { python, seconds: (performance.now() - t0) / 1000 };
}

/** Generates the random BERT-base folder once per version of the generator, then reuses it. */
function ensureBertBase(): { folder: string; info: Generated } {
  const key = createHash("sha256").update(readFileSync(GENERATOR)).update(readFileSync(REQUIREMENTS)).digest("hex").slice(0, 12);
  const folder = join(CACHE, `bert-base-random-${key}`);
  const marker = join(folder, ".generated.json");
  if (existsSync(marker)) return { folder, info: JSON.parse(readFileSync(marker, "utf8")) };
  mkdirSync(CACHE, { recursive: true });
  for (const entry of readdirSync(CACHE)) {
    // An older generator's output is ~440 MB: drop it.
    if (entry.startsWith("bert-base-random-") && entry !== basename(folder)) rmSync(join(CACHE, entry), { recursive: true, force: true });
  }
  const venv = ensureBenchVenv();
  const tmp = `${folder}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  log(`[bert-base] generating ${folder}… `);
  const t0 = performance.now();
  const out = execFileSync(venv.python, [GENERATOR, tmp, TINY], { stdio: ["ignore", "pipe", "inherit"] }).toString();
  const info: Generated = { ...JSON.parse(out), generate_s: (performance.now() - t0) / 1000, venv_s: venv.seconds, key };
  writeFileSync(join(tmp, ".generated.json"), `${JSON.stringify(info)}\n`);
  renameSync(tmp, folder);
  log(`${info.generate_s.toFixed(1)} s, ${(info.bytes / 1e6).toFixed(0)} MB\n`);
  return { folder, info };
}

// ---------------------------------------------------------------- running the sides

interface SideResult {
  side: string;
  texts: number;
  load_s: number;
  warmup_s: number;
  pass_s: number[];
  threads: { before: number; afterLoad: number; afterRun: number };
  peak_rss_mb: number;
  labels: string[];
  p_positive: number[];
  token_lengths?: number[];
  full_lengths?: number[];
}

interface Spec {
  folder: string;
  data: string;
  n: number;
  threads: number;
  batchSize: number;
  maxTokensPerBatch: number;
  passes: number;
}

function runSide(script: string, spec: Spec, extraArgs: string[] = []): SideResult {
  const out = execFileSync(process.execPath, [script, ...extraArgs, JSON.stringify(spec)], {
    cwd: PROJECT_ROOT,
    maxBuffer: 1 << 28,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return JSON.parse(out.toString());
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Case {
  model: "tiny" | "base";
  modelName: string;
  folder: string;
  set: "sst2" | "imdb";
  setName: string;
  n: number;
  target: string;
}

interface Profile {
  side: string;
  texts: number;
  total_ms: number;
  session_run_ms: number;
  other_ms: number;
  runs: number;
  padded_tokens: number;
  tokenize_only_ms: number;
}

interface CaseResult extends Case {
  ours: SideResult[];
  peer: SideResult[];
  profile?: { ours: Profile; peer: Profile };
}

function runCase(c: Case): CaseResult {
  const spec: Spec = { folder: c.folder, data: c.set === "sst2" ? SST2 : IMDB, n: c.n, threads: THREADS, batchSize: BATCH, maxTokensPerBatch: MAX_TOKENS, passes: PASSES };
  const ours: SideResult[] = [];
  const peer: SideResult[] = [];
  for (let r = 0; r < REPEAT; r++) {
    log(`${c.modelName} / ${c.setName}: round ${r + 1}/${REPEAT}: `);
    const order = r % 2 === 0 ? (["peer", "ours"] as const) : (["ours", "peer"] as const);
    for (const side of order) {
      const res = runSide(side === "ours" ? OURS : PEER, spec);
      (side === "ours" ? ours : peer).push(res);
      log(`${side} ${(c.n / median(res.pass_s)).toFixed(1)} texts/s (load ${res.load_s.toFixed(2)} s); `);
    }
    log("\n");
  }
  if (!values.profile!.split(",").includes(c.model)) return { ...c, ours, peer };
  // One more process per side: a warm pass split into session.run and the rest (bench/bert/profile.mjs).
  const profileOf = (side: "ours" | "peer") => runSide(PROFILE, spec, [side]) as unknown as Profile;
  const profile = { peer: profileOf("peer"), ours: profileOf("ours") };
  log(`${c.modelName} / ${c.setName}: profile ${JSON.stringify(profile)}\n`);
  return { ...c, ours, peer, profile };
}

const throughput = (rs: SideResult[]) => median(rs.flatMap((r) => r.pass_s.map((s) => r.texts / s)));
const loadTime = (rs: SideResult[]) => median(rs.map((r) => r.load_s));

/**
 * Labels equal, and the largest |P(POSITIVE) difference| over texts that fit in MAX_LENGTH tokens
 * and over those truncated (where the two tokenizers cut differently: see the note in the table).
 */
function agreement(ours: SideResult, peer: SideResult): { equal: number; maxDiff: number; maxDiffTruncated: number; truncated: number } {
  let equal = 0;
  let maxDiff = 0;
  let maxDiffTruncated = 0;
  let truncated = 0;
  for (let i = 0; i < ours.labels.length; i++) {
    if (ours.labels[i] === peer.labels[i]) equal++;
    const diff = Math.abs(ours.p_positive[i]! - peer.p_positive[i]!);
    if (peer.full_lengths![i]! > MAX_LENGTH) {
      truncated++;
      maxDiffTruncated = Math.max(maxDiffTruncated, diff);
    } else maxDiff = Math.max(maxDiff, diff);
  }
  return { equal: equal / ours.labels.length, maxDiff, maxDiffTruncated, truncated };
}

/** Padded tokens the model runs: transformers.js's input-order chunks vs sorted length buckets. */
function padding(lengths: number[]): { real: number; chunks: number; buckets: number } {
  const real = lengths.reduce((a, b) => a + b, 0);
  let chunks = 0;
  for (let i = 0; i < lengths.length; i += BATCH) {
    const chunk = lengths.slice(i, i + BATCH);
    chunks += chunk.length * Math.max(...chunk);
  }
  // Sorted ascending, a batch closes at BATCH texts or when one more text would pass MAX_TOKENS
  // padded tokens: the plan loadBert's bucketing is meant to follow (an estimate, not its own count).
  const sorted = [...lengths].sort((a, b) => a - b);
  let buckets = 0;
  let count = 0;
  let longest = 0;
  for (const len of sorted) {
    if (count > 0 && (count === BATCH || (count + 1) * Math.max(longest, len) > MAX_TOKENS)) {
      buckets += count * longest;
      count = 0;
      longest = 0;
    }
    count++;
    longest = Math.max(longest, len);
  }
  buckets += count * longest;
  return { real, chunks, buckets };
}

// ---------------------------------------------------------------- thread check

interface ThreadCheck {
  side: string;
  added: Record<number, number>;
  seconds: Record<number, number>;
}

const THREAD_REPEAT = Number(values["thread-repeat"]);

/**
 * Each side at 1 and at THREADS threads on a compute-bound slice (median pass time over
 * THREAD_REPEAT processes per setting, settings alternating), and the OS threads that loading adds
 * at 1, THREADS and 4 intra-op threads: ONNX Runtime's pool adds threads - 1.
 */
function threadCheck(folder: string): ThreadCheck[] {
  const checks: ThreadCheck[] = [];
  for (const [side, script] of [["transformers.js", PEER], ["senti-mlops", OURS]] as const) {
    const check: ThreadCheck = { side, added: {}, seconds: {} };
    const times: Record<number, number[]> = { 1: [], [THREADS]: [] };
    for (let r = 0; r < THREAD_REPEAT; r++) {
      for (const threads of r % 2 === 0 ? [1, THREADS] : [THREADS, 1]) {
        const res = runSide(script, { folder, data: SST2, n: 64, threads, batchSize: BATCH, maxTokensPerBatch: MAX_TOKENS, passes: 1 });
        check.added[threads] = res.threads.afterLoad - res.threads.before;
        times[threads]!.push(res.pass_s[0]!);
      }
    }
    for (const threads of [1, THREADS]) check.seconds[threads] = median(times[threads]!);
    // Thread count only: the small model, a few texts.
    const r4 = runSide(script, { folder: TINY, data: SST2, n: 16, threads: 4, batchSize: BATCH, maxTokensPerBatch: MAX_TOKENS, passes: 0 });
    check.added[4] = r4.threads.afterLoad - r4.threads.before;
    log(`thread check ${side}: ${JSON.stringify(check)}\n`);
    checks.push(check);
  }
  return checks;
}

// ---------------------------------------------------------------- main

const cases: Case[] = [];
let base: { folder: string; info: Generated } | undefined;
if (MODELS.has("tiny")) {
  cases.push({ model: "tiny", modelName: "bert-tiny-sst2", folder: TINY, set: "sst2", setName: "SST-2 dev", n: Number(values.sst2), target: "≥ 1.0×" });
  cases.push({ model: "tiny", modelName: "bert-tiny-sst2", folder: TINY, set: "imdb", setName: "IMDB test", n: Number(values.imdb), target: "≥ 1.5×" });
}
if (MODELS.has("base")) {
  base = ensureBertBase();
  cases.push({ model: "base", modelName: "BERT-base random", folder: base.folder, set: "sst2", setName: "SST-2 dev", n: Number(values["base-sst2"]), target: "≥ 1.0×" });
  cases.push({ model: "base", modelName: "BERT-base random", folder: base.folder, set: "imdb", setName: "IMDB test", n: Number(values["base-imdb"]), target: "≥ 1.5×" });
}
const started = performance.now();
const threadChecks = values["skip-thread-check"] ? [] : threadCheck(base?.folder ?? TINY);
const results = values["only-thread-check"] ? [] : cases.map(runCase);
const minutes = (performance.now() - started) / 60000;
mkdirSync(CACHE, { recursive: true });
writeFileSync(join(CACHE, "last-run.json"), JSON.stringify({ results, threadChecks, loadAtStart }));

const fmt = (n: number, d = 1) => n.toFixed(d);
const int = (n: number) => Math.round(n).toLocaleString("en-US");
const peerVersion = JSON.parse(readFileSync(join(PROJECT_ROOT, "node_modules/@huggingface/transformers/package.json"), "utf8")).version;
const ortVersion = JSON.parse(readFileSync(join(PROJECT_ROOT, "node_modules/onnxruntime-node/package.json"), "utf8")).version;
const modelBytes = (folder: string) => statSync(join(folder, "onnx", "model.onnx")).size;
// The commit measured: git's HEAD, or SENTI_BENCH_COMMIT when run from an exported copy of a commit.
let commit = process.env.SENTI_BENCH_COMMIT ?? "";
try {
  commit ||= execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
} catch {
  // not a git checkout
}

const lines: string[] = [
  `### BERT: \`loadBert\` + \`predict\` vs transformers.js ${peerVersion} \`pipeline('text-classification')\``,
  "",
  `Measured on ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB${commit ? `, senti-mlops at ${commit}` : ""} ` +
    `(load average ${loadAtStart.map((l) => l.toFixed(2)).join(" / ")} over 1 / 5 / 15 min at the start; ${fmt(minutes)} min in all). ` +
    `Same run, same model folder, fp32 \`onnx/model.onnx\` on onnxruntime-node ${ortVersion} with ${THREADS} intra-op threads (1 inter-op) on both sides. ` +
    `Each side in its own process, one after the other, alternating which goes first; a process loads the model, runs one untimed warm-up pass ` +
    `over the texts, then ${PASSES} timed pass(es). Figures are medians over ${REPEAT} processes per side. Batch size ${BATCH} for both: ` +
    `transformers.js gets consecutive chunks of ${BATCH} texts in input order (its pipeline has no batching of its own: one call is one batch ` +
    `padded to its longest text); senti-mlops gets all texts in one \`predict\` call with \`maxBatchSize: ${BATCH}, maxTokensPerBatch: ${MAX_TOKENS}\` ` +
    `and buckets them by length itself. Both truncate at ${MAX_LENGTH} tokens.`,
  "",
  "| model | texts | tokens / text, mean (max) | senti-mlops (texts/s) | transformers.js (texts/s) | ratio (ours / peer) | target |",
  "|---|---|---:|---:|---:|---:|---:|",
];
for (const r of results) {
  const lengths = r.peer[0]!.token_lengths!;
  const mean = lengths.reduce((a, b) => a + b, 0) / lengths.length;
  const ours = throughput(r.ours);
  const peer = throughput(r.peer);
  lines.push(
    `| ${r.modelName} | ${r.setName}, ${r.set === "sst2" && r.n === 872 ? "all 872" : `first ${r.n}`} | ${fmt(mean)} (${Math.max(...lengths)}) | ${fmt(ours)} | ${fmt(peer)} | **${fmt(ours / peer, 2)}×** | ${r.target} |`,
  );
}
lines.push("", "| model | ONNX file | senti-mlops load (s) | transformers.js load (s) | ratio | peak RSS, ours / peer (MB) |", "|---|---:|---:|---:|---:|---:|");
for (const model of ["tiny", "base"] as const) {
  const rs = results.filter((r) => r.model === model);
  if (rs.length === 0) continue;
  const ours = loadTime(rs.flatMap((r) => r.ours));
  const peer = loadTime(rs.flatMap((r) => r.peer));
  const rss = (side: "ours" | "peer") => Math.max(...rs.flatMap((r) => r[side].map((x) => x.peak_rss_mb)));
  lines.push(
    `| ${rs[0]!.modelName} | ${fmt(modelBytes(rs[0]!.folder) / 1e6)} MB | ${fmt(ours, 2)} | ${fmt(peer, 2)} | ${fmt(ours / peer, 2)}× | ${int(rss("ours"))} / ${int(rss("peer"))} |`,
  );
}
lines.push(
  "",
  "Same results on both sides (last process of each side; the random model's probabilities are near-constant, so there only the difference says something). " +
    `Texts over ${MAX_LENGTH} tokens are compared apart: transformers.js ${peerVersion} truncates after adding the special tokens, so it keeps ` +
    `[CLS] + ${MAX_LENGTH - 1} tokens and drops the final [SEP]; senti-mlops truncates the text to ${MAX_LENGTH - 2} tokens and then adds [CLS] … [SEP], ` +
    "as Python transformers does. Both run the same number of tokens.",
  "",
  `| model | texts | labels equal | max abs difference of P(POSITIVE), texts ≤ ${MAX_LENGTH} tokens | same, truncated texts (how many) |`,
  "|---|---|---:|---:|---:|",
);
const sci = (n: number) => (n === 0 ? "0" : n.toExponential(1));
for (const r of results) {
  const a = agreement(r.ours.at(-1)!, r.peer.at(-1)!);
  lines.push(
    `| ${r.modelName} | ${r.setName} (${r.n}) | ${fmt(a.equal * 100, 2)}% | ${sci(a.maxDiff)} | ${a.truncated > 0 ? `${sci(a.maxDiffTruncated)} (${a.truncated})` : "none truncated"} |`,
  );
}
lines.push(
  "",
  `Padded tokens each side runs (tokens counted with transformers.js's tokenizer; "sorted buckets" is what sorting by length into batches of ≤ ${BATCH} texts and ≤ ${MAX_TOKENS} padded tokens gives, an estimate of loadBert's plan):`,
  "",
  "| texts | real tokens | transformers.js, input-order chunks | sorted buckets |",
  "|---|---:|---:|---:|",
);
const seen = new Set<string>();
for (const r of results) {
  if (seen.has(`${r.set}:${r.n}`)) continue; // same tokenizer for both models
  seen.add(`${r.set}:${r.n}`);
  const p = padding(r.peer[0]!.token_lengths!);
  lines.push(`| ${r.setName} (${r.n}) | ${int(p.real)} | ${int(p.chunks)} (${fmt(p.chunks / p.real, 2)}×) | ${int(p.buckets)} (${fmt(p.buckets / p.real, 2)}×) |`);
}
const threadLines: string[] = [];
if (threadChecks.length > 0) {
  threadLines.push(
    `Measured on ${cpus().length} cores${commit ? `, senti-mlops at ${commit}` : ""} (load average ${loadAtStart.map((l) => l.toFixed(2)).join(" / ")} at the start). ` +
      `Thread check: OS threads that loading adds to the process at 1 / ${THREADS} / 4 intra-op threads (ONNX Runtime's pool adds threads − 1; ` +
      "senti-mlops's process shows one more thread at every setting: the first ONNX Runtime session adds it in any process that has not imported " +
      "transformers.js, bare onnxruntime-node included, and it does not grow with the thread count), and one warm pass over the first 64 SST-2 dev sentences " +
      `(${base ? "BERT-base random" : "bert-tiny-sst2"}, batch ${BATCH}) at 1 and ${THREADS} threads, median of ${THREAD_REPEAT} processes per setting:`,
    "",
    `| side | threads added at 1 / ${THREADS} / 4 | pass at 1 thread (s) | pass at ${THREADS} threads (s) | speed-up |`,
    "|---|---:|---:|---:|---:|",
  );
  for (const c of threadChecks) {
    threadLines.push(
      `| ${c.side} | ${c.added[1]} / ${c.added[THREADS]} / ${c.added[4]} | ${fmt(c.seconds[1]!, 2)} | ${fmt(c.seconds[THREADS]!, 2)} | ${fmt(c.seconds[1]! / c.seconds[THREADS]!, 2)}× |`,
    );
  }
}
const profiled = results.filter((r) => r.profile);
if (profiled.length > 0) {
  lines.push(
    "",
    "Where the time goes (`--profile`: one more process per side, one warm pass, ONNX Runtime's `session.run` timed by wrapping the session; " +
      "\"other\" is everything else in the pass: tokenization, padding and tensor building, post-processing; \"tokenize only\" times the tokenizer alone over the same texts: " +
      "@huggingface/tokenizers' `encode` for senti-mlops, the pipeline's tokenizer on each chunk with padding and truncation for transformers.js):",
    "",
    "| model | texts | side | pass (ms) | session.run (ms) | other (ms) | tokenize only (ms) | runs | padded tokens |",
    "|---|---|---|---:|---:|---:|---:|---:|---:|",
  );
  for (const r of profiled) {
    for (const [name, p] of [["senti-mlops", r.profile!.ours], ["transformers.js", r.profile!.peer]] as const) {
      lines.push(
        `| ${r.modelName} | ${r.setName} (${r.n}) | ${name} | ${int(p.total_ms)} | ${int(p.session_run_ms)} | ${int(p.other_ms)} | ${int(p.tokenize_only_ms)} | ${p.runs} | ${int(p.padded_tokens)} |`,
      );
    }
  }
}
if (base) {
  const g = base.info;
  lines.push(
    "",
    `BERT-base random: 12 layers, hidden 768, 12 heads, intermediate 3072, vocab 30,522, 512 positions, 2 labels; ${int(g.parameters)} parameters, ` +
      `${fmt(g.bytes / 1e6)} MB fp32 ONNX (opset 14, ${g.nodes} nodes), N(0, 0.02) weights from a fixed seed, tokenizer files copied from bert-tiny-sst2. ` +
      `Built by \`bench/bert/make-bert-base.py\` with the \`onnx\` Python package (no torch) in ${fmt(g.generate_s)} s` +
      `${g.venv_s ? ` (plus ${fmt(g.venv_s)} s to install onnx + numpy into .cache/bench-bert/venv)` : ""}, on the first run, into .cache/bench-bert/bert-base-random-${g.key}/ (key: hash of the generator and its requirements).`,
  );
}
lines.push("");
threadLines.push("");
const table = results.length > 0 ? lines.join("\n") : "";
const threadTable = threadChecks.length > 0 ? `### BERT: same thread count on both sides\n\n${threadLines.join("\n")}` : "";
process.stdout.write(`${table}\n${threadTable}\n`);
if (table) writeFileSync(join(CACHE, "last-table.md"), `${table}\n`);
if (threadTable) writeFileSync(join(CACHE, "last-thread-table.md"), `${threadTable}\n`);

if (values.write) {
  if (table) {
    writeBenchmarkSection("bert", table, {
      heading: "BERT inference vs transformers.js",
      intro: "Written by `npm run bench:bert -- --write` (`bench/bert/run.ts`).",
    });
  }
  if (threadTable) {
    writeBenchmarkSection("bert:threads", threadTable, {
      heading: "BERT inference: thread check",
      intro: "Written by `npm run bench:bert -- --write` (or `-- --only-thread-check --write`), `bench/bert/run.ts`.",
    });
  }
}
