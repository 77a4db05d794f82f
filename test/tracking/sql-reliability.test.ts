/**
 * Issue 3, reliability of the SQL tracking store on a SQLite file shared between processes:
 *
 * 1. four processes logging 10,000 metric points each into one file at once lose none (every write
 *    waits for the others' locks within the busy timeout instead of failing with SQLITE_BUSY);
 * 2. a process killed with SIGKILL in the middle of its logBatch calls leaves a consistent database:
 *    every batch (metrics, params and tags) is there whole or not at all, `latest_metrics` agrees
 *    with `metrics`, and the file can still be written. Three kills at random moments, each followed
 *    by a check of every run logged so far.
 *
 * The writers are child Node processes running test/tracking/helpers/sql-writer.ts through tsx.
 */
import Database from "better-sqlite3";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { openSqlStores } from "../../src/tracking/stores/sql-store.node.js";
import { cleanEnv } from "../helpers/run-process.js";
import {
  CONCURRENT_KEYS,
  CONCURRENT_POINTS,
  CRASH_KEYS,
  CRASH_METRICS,
  CRASH_NEW_TAGS,
  CRASH_PARAMS,
  CRASH_STEPS,
  concurrentPoint,
  crashBatch,
} from "./helpers/sql-writer.js";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const WRITER = join(ROOT, "test/tracking/helpers/sql-writer.ts");

const dir = mkdtempSync(join(tmpdir(), "senti-sql-reliability-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A writer process, its stdout as lines, its stderr as text, and its end. */
interface Child {
  process: ChildProcessWithoutNullStreams;
  lines: string[];
  stderr: () => string;
  /** Resolves when the process has exited and its output is fully read. */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the `count`-th line of stdout (1-based). */
  line: (count: number) => Promise<string>;
}

function startWriter(args: readonly string[], timeoutMs: number): Child {
  const child = spawn(process.execPath, ["--import", "tsx", WRITER, ...args], {
    cwd: ROOT,
    env: cleanEnv(),
    stdio: ["pipe", "pipe", "pipe"],
    timeout: timeoutMs, // SIGTERM after that: never a hung test
  });
  const lines: string[] = [];
  const waiting: { count: number; resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    for (const w of waiting.filter((w) => w.count <= lines.length)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve(lines[w.count - 1]!);
    }
  });
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done, fail) => {
    child.on("error", fail);
    child.on("close", (code, signal) => {
      for (const w of waiting.splice(0)) w.reject(new Error(`writer ended (${code ?? signal}) before line ${w.count}:\n${stderr}`));
      done({ code, signal });
    });
  });
  child.stdin.on("error", () => {}); // the child may be gone
  return {
    process: child,
    lines,
    stderr: () => stderr,
    closed,
    line: (count) =>
      count <= lines.length ? Promise.resolve(lines[count - 1]!) : new Promise((res, rej) => waiting.push({ count, resolve: res, reject: rej })),
  };
}

async function createExperiment(file: string, name: string): Promise<string> {
  const store = (await openSqlStores(file)).store;
  try {
    return await store.createExperiment(name);
  } finally {
    await store.close();
  }
}

type Row = Record<string, unknown>;

/** Reads the file with a plain connection (no store code). */
function inspect<T>(file: string, fn: (rows: (sql: string, ...params: unknown[]) => Row[]) => T): T {
  const db = new Database(file);
  try {
    return fn((sql, ...params) => db.prepare(sql).all(...params) as Row[]);
  } finally {
    db.close();
  }
}

/**
 * For every metric key of the run: `latest_metrics` holds the point that is greatest by
 * (step, timestamp, value) among the run's `metrics` rows, and it has no other keys.
 */
function expectLatestMetricsAgree(rows: (sql: string, ...params: unknown[]) => Row[], runId: string): void {
  const expected = rows(
    `SELECT key, value, timestamp, step, is_nan FROM (
       SELECT key, value, timestamp, step, is_nan,
              row_number() OVER (PARTITION BY key ORDER BY step DESC, timestamp DESC, value DESC) AS rank
       FROM metrics WHERE run_uuid = ?) WHERE rank = 1 ORDER BY key`,
    runId,
  );
  const actual = rows("SELECT key, value, timestamp, step, is_nan FROM latest_metrics WHERE run_uuid = ? ORDER BY key", runId);
  expect(actual).toEqual(expected);
}

// ------------------------------------------------------------------------------------------------
describe("sql store reliability: four processes on one SQLite file", () => {
  it("4 processes × 10,000 metric points logged at once: 40,000 rows, none lost, latest metrics right", async () => {
    const file = join(dir, "concurrent.db");
    const experimentId = await createExperiment(file, "reliability-concurrent");
    const writers = [0, 1, 2, 3].map((w) => startWriter(["concurrent", file, experimentId, String(w)], 100_000));

    // Start all four together once each has loaded (tsx start-up takes a while).
    await Promise.all(writers.map((w) => w.line(1)));
    const start = performance.now();
    for (const w of writers) w.process.stdin.end("go\n");
    const ends = await Promise.all(writers.map((w) => w.closed));
    const wallMs = performance.now() - start;

    ends.forEach((end, w) => {
      expect(end, `writer ${w}: ${writers[w]!.stderr()}`).toEqual({ code: 0, signal: null });
    });
    const reports = writers.map((w) => JSON.parse(w.lines.find((l) => l.startsWith("done "))!.slice(5)) as Record<string, number | string>);
    console.log(
      `[sql-reliability] 4 writers × ${CONCURRENT_POINTS} points in ${wallMs.toFixed(0)} ms wall; per writer ` +
        reports
          .map((r) => `#${r.writer}: ${r.calls} calls in ${Number(r.elapsedMs).toFixed(0)} ms, slowest call ${Number(r.slowestCallMs).toFixed(0)} ms`)
          .join("; "),
    );

    inspect(file, (rows) => {
      expect(rows("PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
      expect(rows("SELECT count(*) AS n FROM metrics")).toEqual([{ n: 4 * CONCURRENT_POINTS }]);
      const perRun = rows("SELECT run_uuid, count(*) AS n FROM metrics GROUP BY run_uuid ORDER BY run_uuid");
      expect(perRun.map((r) => r.n)).toEqual([CONCURRENT_POINTS, CONCURRENT_POINTS, CONCURRENT_POINTS, CONCURRENT_POINTS]);
      expect(perRun.map((r) => r.run_uuid).sort()).toEqual(reports.map((r) => r.runId).sort());
    });

    // Through the store: each run's full history, and its latest metrics.
    const store = (await openSqlStores(file)).store;
    try {
      for (const report of reports) {
        const writer = Number(report.writer);
        const runId = String(report.runId);
        let points = 0;
        for (let k = 0; k < CONCURRENT_KEYS; k++) {
          const history = await store.getMetricHistory(runId, `m${k}`);
          const expected = Array.from({ length: CONCURRENT_POINTS / CONCURRENT_KEYS }, (_, step) =>
            concurrentPoint(writer, step * CONCURRENT_KEYS + k),
          );
          expect(history.items, `writer ${writer} key m${k}`).toEqual(expected);
          points += history.items.length;
        }
        expect(points).toBe(CONCURRENT_POINTS);
        const run = await store.getRun(runId);
        const lastStep = CONCURRENT_POINTS / CONCURRENT_KEYS - 1;
        const latest = Object.fromEntries(
          Array.from({ length: CONCURRENT_KEYS }, (_, k) => [`m${k}`, concurrentPoint(writer, lastStep * CONCURRENT_KEYS + k).value]),
        );
        expect(run.data.metrics).toEqual(latest);
      }
    } finally {
      await store.close();
    }
    inspect(file, (rows) => {
      for (const r of reports) expectLatestMetricsAgree(rows, String(r.runId));
    });
  }, 120_000);
});

// ------------------------------------------------------------------------------------------------
describe("sql store reliability: SIGKILL in the middle of logBatch", () => {
  const file = join(dir, "crash.db");
  /** Runs logged so far (one per kill) and the metric batches each must hold. */
  const runs: { runId: string; batches: number }[] = [];
  let experimentId = "";

  /** Every run so far: whole batches only, the expected count, latest_metrics = max of metrics. */
  function checkAll(): void {
    inspect(file, (rows) => {
      expect(rows("PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
      for (const { runId, batches } of runs) {
        const perBatch = rows(
          `SELECT step / ${CRASH_STEPS} AS batch, count(*) AS n FROM metrics WHERE run_uuid = ? GROUP BY batch ORDER BY batch`,
          runId,
        );
        expect(perBatch, `run ${runId}`).toEqual(Array.from({ length: batches }, (_, batch) => ({ batch, n: CRASH_METRICS })));
        expect(rows("SELECT count(*) AS n FROM params WHERE run_uuid = ?", runId)).toEqual([{ n: CRASH_PARAMS * batches }]);
        expect(rows("SELECT count(*) AS n FROM tags WHERE run_uuid = ? AND key GLOB 'b*.t*'", runId)).toEqual([
          { n: CRASH_NEW_TAGS * batches },
        ]);
        expect(rows("SELECT value FROM tags WHERE run_uuid = ? AND key = 'batch'", runId)).toEqual([{ value: String(batches - 1) }]);
        expectLatestMetricsAgree(rows, runId);
        expect(rows("SELECT count(*) AS n FROM latest_metrics WHERE run_uuid = ?", runId)).toEqual([{ n: CRASH_KEYS }]);
      }
    });
  }

  it.each([1, 2, 3])("kill %i: the killed process's batches are whole, and the file can still be written", async (round) => {
    if (round === 1) experimentId = await createExperiment(file, "reliability-crash");
    // A different moment each time: after 2–7 reported batches, then 0–15 ms more (a batch takes several ms).
    const afterLines = 2 + Math.floor(Math.random() * 6);
    const delayMs = Math.random() * 15;
    const child = startWriter(["crash", file, experimentId], 90_000);
    const runId = (await child.line(1)).replace(/^run /, "");
    await child.line(1 + afterLines);
    await new Promise((done) => setTimeout(done, delayMs));
    child.process.kill("SIGKILL");
    const end = await child.closed;
    expect(end, child.stderr()).toEqual({ code: null, signal: "SIGKILL" });

    // Every line the child wrote before it died has been read now.
    const reported = child.lines.filter((l) => l.startsWith("batch ")).length;
    const last = child.lines.at(-1)!.split(" ");
    const metrics = inspect(file, (rows) => rows("SELECT count(*) AS n FROM metrics WHERE run_uuid = ?", runId)[0]!.n as number);
    console.log(
      `[sql-reliability] kill ${round}: after ${afterLines} lines + ${delayMs.toFixed(1)} ms; child reported ${reported} batches ` +
        `(${last[2]} ms of ${last[3]} ms inside logBatch); ${metrics} metric rows on disk`,
    );
    expect(metrics % CRASH_METRICS, `${metrics} metric rows`).toBe(0);
    const batches = metrics / CRASH_METRICS;
    expect([reported, reported + 1]).toContain(batches);
    runs.push({ runId, batches });
    checkAll();

    // The store can still write, to the killed run (its next batch) and to a new run.
    const store = (await openSqlStores(file)).store;
    try {
      await store.logBatch(runId, crashBatch(batches));
      runs.at(-1)!.batches++;
      const fresh = await store.createRun({ experimentId, runName: `after-kill-${round}` });
      await store.logBatch(fresh.info.runId, crashBatch(0));
      runs.push({ runId: fresh.info.runId, batches: 1 });
      expect(Object.keys((await store.getRun(runId)).data.metrics)).toHaveLength(CRASH_KEYS);
    } finally {
      await store.close();
    }
    checkAll();
  }, 100_000);
});
