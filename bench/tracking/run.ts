/**
 * bench/tracking: the SQL tracking store (senti-mlops) vs MLflow's Python client, both on SQLite
 * files, same machine, same run.
 *
 *   npm run bench:tracking              # prints the table
 *   npm run bench:tracking -- --write   # and writes it into docs/benchmarks.md
 *
 * Each side runs in its own child process, one after the other (never concurrently), and logs into
 * its own fresh SQLite file in a temp dir:
 *  1. per-call logging: N single-metric calls — `store.logBatch(runId, { metrics: [point] })` vs
 *     `MlflowClient.log_metric(run_id, key, value, timestamp, step)`;
 *  2. batch logging: batches of 1000 metric points — `logBatch` vs `MlflowClient.log_batch`;
 *  3. `searchRuns` with `metrics.acc > 0.9`, maxResults 1000, over 10 000 runs in one experiment:
 *     the runs are created once (untimed) with our store, and each side searches its own copy of
 *     that file; median of 10 calls after one warm-up. Both sides must return the same run ids.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ensurePythonEnv, PROJECT_ROOT } from "../../test/peers/python-env.js";
import { writeBenchmarkSection } from "../docs.js";

const { values } = parseArgs({
  options: {
    write: { type: "boolean", default: false },
    "ours-calls": { type: "string", default: "2000" },
    "mlflow-calls": { type: "string", default: "500" },
    batches: { type: "string", default: "20" },
    runs: { type: "string", default: "10000" },
  },
});
const python = ensurePythonEnv((l) => process.stderr.write(`[peers] ${l}\n`));
if (!existsSync(join(PROJECT_ROOT, "dist", "tracking.js"))) throw new Error("run `npm run build` first");

interface Side {
  mlflow?: string;
  single_calls: number;
  single_s: number;
  batch_points: number;
  batch_s: number;
  search_ms: number;
  search_times_ms: number[];
  search_results: number;
  search_has_next: boolean;
  search_ids: string[];
}

const OURS = join(PROJECT_ROOT, "bench/tracking/ours.mjs");
const PEER = join(PROJECT_ROOT, "bench/tracking/mlflow_peer.py");
const FILTER = "metrics.acc > 0.9";
const MAX_RESULTS = 1000;
const BATCH_SIZE = 1000;
const RUNS = Number(values.runs);
const spec = (single: number) =>
  JSON.stringify({ single, batches: Number(values.batches), batchSize: BATCH_SIZE, searchRepeat: 10, filter: FILTER, maxResults: MAX_RESULTS });
const exec = (cmd: string, args: string[]): string =>
  execFileSync(cmd, args, { maxBuffer: 1 << 28, cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "inherit"] }).toString();

const dir = mkdtempSync(join(tmpdir(), "senti-bench-tracking-"));
let ours: Side;
let peer: Side;
let seedSeconds: number;
try {
  process.stderr.write(`seeding ${RUNS} runs… `);
  const seed = JSON.parse(exec(process.execPath, [OURS, "seed", join(dir, "seed.db"), String(RUNS)]));
  seedSeconds = seed.seed_s;
  copyFileSync(join(dir, "seed.db"), join(dir, "search-ours.db"));
  copyFileSync(join(dir, "seed.db"), join(dir, "search-mlflow.db"));
  process.stderr.write(`${seedSeconds.toFixed(1)} s; senti-mlops… `);
  ours = JSON.parse(exec(process.execPath, [OURS, "bench", join(dir, "log-ours.db"), join(dir, "search-ours.db"), spec(Number(values["ours-calls"]))]));
  process.stderr.write(`MLflow… `);
  peer = JSON.parse(exec(python, [PEER, join(dir, "log-mlflow.db"), join(dir, "search-mlflow.db"), spec(Number(values["mlflow-calls"]))]));
  process.stderr.write(`done\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (ours.search_results !== peer.search_results || ours.search_ids.join() !== peer.search_ids.join()) {
  throw new Error(`searchRuns results differ: ${ours.search_results} runs (ours) vs ${peer.search_results} (MLflow)`);
}

const callsPerSecond = (s: Side) => s.single_calls / s.single_s;
const pointsPerSecond = (s: Side) => s.batch_points / s.batch_s;
const result = {
  mlflow: peer.mlflow,
  single: { ours: callsPerSecond(ours), mlflow: callsPerSecond(peer), oursCalls: ours.single_calls, mlflowCalls: peer.single_calls },
  batch: { ours: pointsPerSecond(ours), mlflow: pointsPerSecond(peer), points: ours.batch_points },
  search: { ours: ours.search_ms, mlflow: peer.search_ms, results: ours.search_results, runs: RUNS },
  seedSeconds: seedSeconds!,
};
const int = (n: number) => Math.round(n).toLocaleString("en-US");
const fmt = (n: number, d = 1) => n.toFixed(d);
const table = [
  `### SQLite tracking store: senti-mlops vs MLflow ${result.mlflow} \`MlflowClient\``,
  "",
  `Measured on ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB. Each side in its own process, one after the other, ` +
    "each logging into its own fresh SQLite file; store, experiment and run are created before the clock starts.",
  "",
  "| | senti-mlops | MLflow | ratio (ours / MLflow) | target |",
  "|---|---:|---:|---:|---:|",
  `| per-call logging, one metric per call (calls/s) | ${int(result.single.ours)} | ${int(result.single.mlflow)} | **${fmt(result.single.ours / result.single.mlflow)}×** | ≥ 20× |`,
  `| batch logging, ${BATCH_SIZE} metric points per call (points/s) | ${int(result.batch.ours)} | ${int(result.batch.mlflow)} | **${fmt(result.batch.ours / result.batch.mlflow)}×** | |`,
  `| \`searchRuns\` \`${FILTER}\`, maxResults ${MAX_RESULTS}, over ${int(RUNS)} runs (ms) | ${fmt(result.search.ours)} | ${fmt(result.search.mlflow)} | **${fmt(result.search.ours / result.search.mlflow, 2)}×** (${fmt(result.search.mlflow / result.search.ours)}× faster) | ours ≤ 50 ms |`,
  "",
  `- Per-call: ${int(result.single.oursCalls)} calls of \`store.logBatch(runId, { metrics: [point] })\` (opened with \`openSqlStores\`) vs ` +
    `${int(result.single.mlflowCalls)} calls of \`MlflowClient(tracking_uri="sqlite:///…").log_metric(run_id, key, value, timestamp, step)\`.`,
  `- Batch: ${Number(values.batches)} batches of ${BATCH_SIZE} points (10 keys × 100 steps each) into one run, \`logBatch\` vs \`MlflowClient.log_batch(…, synchronous=True)\`.`,
  `- Search: ${int(RUNS)} runs in one experiment, each with metrics \`acc\`, \`loss\` and params \`C\`, \`ngram\` ` +
    `(\`acc\` > 0.9 on 20% of them), created once with our store (${fmt(result.seedSeconds)} s, not timed); each side searches its own copy ` +
    `of that file. Median of 10 calls after one warm-up; both sides returned the same ${result.search.results} run ids in the same order.`,
  "- Our store opens SQLite files with WAL journaling and `synchronous = NORMAL`; MLflow's fresh files use SQLite's defaults " +
    "(rollback journal, `synchronous = FULL`). The search copies are WAL files for both sides.",
  "",
].join("\n");
process.stdout.write(`${table}\n`);
process.stdout.write(`${JSON.stringify({ ...result, searchTimesMs: { ours: ours.search_times_ms, mlflow: peer.search_times_ms } })}\n`);

if (values.write) writeBenchmarkSection("tracking", table);
