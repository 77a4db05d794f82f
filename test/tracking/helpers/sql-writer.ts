/**
 * The child process of test/tracking/sql-reliability.test.ts: one writer on a shared MLflow SQLite
 * file through {@link openSqlStores}. Run from the project root:
 *
 *     node --import tsx test/tracking/helpers/sql-writer.ts concurrent <db file> <experiment id> <writer index>
 *     node --import tsx test/tracking/helpers/sql-writer.ts crash <db file> <experiment id>
 *
 * - `concurrent` prints `ready`, waits for one line on stdin (so that every writer starts at once),
 *   then opens the store, creates a run and logs {@link CONCURRENT_POINTS} metric points, one
 *   `logBatch` per point for a fifth of them and batches of {@link CONCURRENT_BATCH} for the rest,
 *   prints `done <json timings>` and exits 0 (1 with the error on stderr).
 * - `crash` creates a run, prints `run <id>`, then logs {@link crashBatch}es (metrics, params and
 *   tags in one `logBatch`) in a loop, printing `batch <n> <ms in logBatch> <ms since start>` after
 *   each committed batch, until it is killed (it stops by itself after 60 s or 5000 batches).
 *
 * The points are pure functions of their indices, exported for the test to recompute.
 */
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { openSqlStores } from "../../../src/tracking/stores/sql-store.node.js";
import type { LogBatch } from "../../../src/mlflow/tracking-store.js";
import type { Metric } from "../../../src/mlflow/tracking-entities.js";

/** Points each concurrent writer logs: 10 keys × 1000 steps, every (key, step) once. */
export const CONCURRENT_POINTS = 10_000;
export const CONCURRENT_KEYS = 10;
export const CONCURRENT_BATCH = 100;
const T0 = 1_700_000_000_000;

/** Point `i` of concurrent writer `writer`: key `m<i mod 10>`, step `⌊i / 10⌋`. */
export function concurrentPoint(writer: number, i: number): Metric {
  return {
    key: `m${i % CONCURRENT_KEYS}`,
    step: Math.floor(i / CONCURRENT_KEYS),
    timestamp: T0 + i,
    value: writer * 1_000_000 + Math.sin(i) * 1000,
  };
}

/** What one crash batch holds: 980 metrics + 10 params + 10 tags = MLflow's 1000 entities per batch. */
export const CRASH_METRICS = 980;
export const CRASH_PARAMS = 10;
/** 9 tags with keys new in each batch, plus the `batch` tag overwritten by every batch. */
export const CRASH_NEW_TAGS = 9;
export const CRASH_KEYS = 10;
/** Steps per key per batch: 98 points per key, two per step. */
export const CRASH_STEPS = CRASH_METRICS / CRASH_KEYS / 2;

/**
 * Batch `n` of the crash writer. Steps of batch n are `n·49 … n·49+48` (so a row's batch is
 * ⌊step / 49⌋); each step has two points per key, at the same timestamp for odd steps and at two
 * timestamps for even ones, with values from `random`, so that `latest_metrics` depends on the step,
 * the timestamp and the value. Timestamps fall as steps rise: the latest point is not the newest.
 */
export function crashBatch(n: number, random: () => number = Math.random): LogBatch {
  const metrics: Metric[] = [];
  for (let k = 0; k < CRASH_KEYS; k++) {
    for (let s = 0; s < CRASH_STEPS; s++) {
      const step = n * CRASH_STEPS + s;
      const timestamp = T0 + 10_000_000 - step * 10;
      const value = Math.round(random() * 1000) / 8;
      // Two points that differ (never an exact duplicate, which the metrics table would drop).
      const other = value + (random() < 0.5 ? 0.125 : -0.125);
      metrics.push({ key: `k${k}`, step, timestamp, value });
      metrics.push({ key: `k${k}`, step, timestamp: step % 2 === 0 ? timestamp - 1 : timestamp, value: other });
    }
  }
  const params = Array.from({ length: CRASH_PARAMS }, (_, i) => ({ key: `p${n}.${i}`, value: String(n * 100 + i) }));
  const tags = [
    ...Array.from({ length: CRASH_NEW_TAGS }, (_, i) => ({ key: `b${n}.t${i}`, value: String(n) })),
    { key: "batch", value: String(n) },
  ];
  return { metrics, params, tags };
}

async function concurrent(file: string, experimentId: string, writer: number): Promise<void> {
  process.stdout.write("ready\n");
  await new Promise<void>((done) => createInterface({ input: process.stdin }).once("line", () => done()));
  const start = performance.now();
  const store = (await openSqlStores(file)).store;
  const run = await store.createRun({ experimentId, runName: `writer-${writer}` });
  const runId = run.info.runId;
  let calls = 0;
  let slowestCallMs = 0;
  const log = async (batch: LogBatch): Promise<void> => {
    const t = performance.now();
    await store.logBatch(runId, batch);
    slowestCallMs = Math.max(slowestCallMs, performance.now() - t);
    calls++;
  };
  // 100 chunks of 100 points: every fifth chunk point by point, the others in one call.
  for (let chunk = 0; chunk < CONCURRENT_POINTS / CONCURRENT_BATCH; chunk++) {
    const points = Array.from({ length: CONCURRENT_BATCH }, (_, j) => concurrentPoint(writer, chunk * CONCURRENT_BATCH + j));
    if (chunk % 5 === 0) for (const p of points) await log({ metrics: [p] });
    else await log({ metrics: points });
  }
  await store.close();
  const elapsedMs = performance.now() - start;
  process.stdout.write(`done ${JSON.stringify({ writer, runId, calls, elapsedMs, slowestCallMs })}\n`);
}

async function crash(file: string, experimentId: string): Promise<void> {
  const store = (await openSqlStores(file)).store;
  const run = await store.createRun({ experimentId, runName: "crash" });
  const runId = run.info.runId;
  process.stdout.write(`run ${runId}\n`);
  const start = performance.now();
  let inLogBatchMs = 0;
  for (let n = 0; n < 5000 && performance.now() - start < 60_000; n++) {
    const batch = crashBatch(n);
    const t = performance.now();
    await store.logBatch(runId, batch);
    inLogBatchMs += performance.now() - t;
    // A pipe is written synchronously on Linux: the line is in the pipe before the next batch starts.
    process.stdout.write(`batch ${n} ${inLogBatchMs.toFixed(1)} ${(performance.now() - start).toFixed(1)}\n`);
  }
  await store.close();
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const [mode, file, experimentId, writer] = process.argv.slice(2);
  const main =
    mode === "concurrent" ? concurrent(file!, experimentId!, Number(writer)) : mode === "crash" ? crash(file!, experimentId!) : undefined;
  if (main === undefined) {
    process.stderr.write(`unknown mode ${mode}\n`);
    process.exit(2);
  }
  main.then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      if (e instanceof Error && e.cause) process.stderr.write(`cause: ${String(e.cause)}\n`);
      process.exit(1);
    },
  );
}
