/**
 * The SQL tracking store: the shared conformance suite on an in-memory SQLite database and on a
 * file, the rows it writes (MLflow's conventions, read back with plain SQL), its differences from a
 * plain driver (busy database, closed store, foreign schemas), and a differential test against the
 * memory store (the same calls give the same runs, histories, latest metrics and search results).
 */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { openSqliteDatabase } from "../../src/adapters/sqlite.js";
import { hasErrorCode, isSentiMlopsError, type ErrorCode } from "../../src/errors.js";
import { ALEMBIC_HEAD } from "../../src/mlflow/sql/mlflow-schema.js";
import type { SqlDatabase } from "../../src/mlflow/sql/sql-database.js";
import type { TrackingStore } from "../../src/mlflow/tracking-store.js";
import { createMemoryStore } from "../../src/tracking/stores/memory-store.js";
import { createSqlStore } from "../../src/tracking/stores/sql-store.js";
import { openSqlStores } from "../../src/tracking/stores/sql-store.node.js";
import type { Metric, Run } from "../../src/mlflow/tracking-entities.js";
import { describeTrackingStore, SHARED_SEARCH_DEVIATIONS } from "../conformance/tracking-store.suite.js";
import { RUN_CASES } from "./search/search-cases.js";

// Run ids are random; the differential test below pins them (one id per call) so that ties in
// search order (run_id ASC) are broken the same way in both stores. Every other caller gets a
// random id, as without the mock.
const pinnedRunIds = vi.hoisted(() => ({ next: [] as string[] }));
vi.mock("../../src/mlflow/run-name.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/mlflow/run-name.js")>();
  return { ...original, newRunId: () => pinnedRunIds.next.shift() ?? original.newRunId() };
});

const dir = mkdtempSync(join(tmpdir(), "senti-sql-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCounter = 0;
const tempFile = (label: string): string => join(dir, `${label}-${++fileCounter}.db`);

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(hasErrorCode(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
}

// ------------------------------------------------------------------------------------------------
// The one deviation lives in the shared search module (every store lists it).
const deviations = SHARED_SEARCH_DEVIATIONS;
describeTrackingStore(
  "sql (:memory:)",
  async () => createSqlStore(await openSqliteDatabase(":memory:"), { artifactRoot: "/tmp/senti-artifacts" }),
  { deviations },
);

const conformanceFile = tempFile("conformance");
describeTrackingStore("sql (file)", async () => (await openSqlStores(`sqlite:///${conformanceFile}`)).store, { deviations });

// ------------------------------------------------------------------------------------------------
type Row = Record<string, unknown>;

describe("sql store: MLflow's rows", () => {
  let db: SqlDatabase;
  let store: TrackingStore;
  let clock = 1_700_000_000_000;
  const rows = (sql: string, ...params: unknown[]): Row[] => db.prepare(sql).all(...params) as Row[];

  beforeEach(async () => {
    db = await openSqliteDatabase(":memory:");
    clock = 1_700_000_000_000;
    store = await createSqlStore(db, { artifactRoot: "s3://bucket/root/", now: () => clock, closeDatabase: false });
  });

  it("creates the schema and the Default experiment as MLflow does (id 0, <root>/0, active, workspace 'default')", async () => {
    expect(rows("SELECT version_num FROM alembic_version")).toEqual([{ version_num: ALEMBIC_HEAD }]);
    expect(rows("SELECT * FROM experiments")).toEqual([
      {
        experiment_id: 0,
        name: "Default",
        artifact_location: "s3://bucket/root/0",
        lifecycle_stage: "active",
        creation_time: clock,
        last_update_time: clock,
        workspace: "default",
      },
    ]);
  });

  it("experiments get rowid ids and <root>/<id>; tags go to experiment_tags", async () => {
    clock += 5;
    const id = await store.createExperiment("sentiment", { tags: [{ key: "team", value: "nlp" }] });
    expect(id).toBe("1");
    const located = await store.createExperiment("elsewhere", { artifactLocation: "/data/x" });
    expect(located).toBe("2");
    expect(rows("SELECT experiment_id, name, artifact_location, lifecycle_stage, creation_time, workspace FROM experiments WHERE experiment_id > 0")).toEqual([
      { experiment_id: 1, name: "sentiment", artifact_location: "s3://bucket/root/1", lifecycle_stage: "active", creation_time: clock, workspace: "default" },
      { experiment_id: 2, name: "elsewhere", artifact_location: "/data/x", lifecycle_stage: "active", creation_time: clock, workspace: "default" },
    ]);
    expect(rows("SELECT * FROM experiment_tags")).toEqual([{ key: "team", value: "nlp", experiment_id: 1 }]);
  });

  it("a run row has MLflow's columns (source_type 'UNKNOWN', empty source fields, artifact_uri) and an mlflow.runName tag", async () => {
    const run = await store.createRun({ experimentId: "0", runName: "r", userId: "ana", startTime: 123 });
    expect(run.info.runId).toMatch(/^[0-9a-f]{32}$/);
    expect(rows("SELECT * FROM runs")).toEqual([
      {
        run_uuid: run.info.runId,
        name: "r",
        source_type: "UNKNOWN",
        source_name: "",
        entry_point_name: "",
        user_id: "ana",
        status: "RUNNING",
        start_time: 123,
        end_time: null,
        source_version: "",
        lifecycle_stage: "active",
        artifact_uri: `s3://bucket/root/0/${run.info.runId}/artifacts`,
        experiment_id: 0,
        deleted_time: null,
      },
    ]);
    expect(rows("SELECT key, value FROM tags")).toEqual([{ key: "mlflow.runName", value: "r" }]);
  });

  it("metrics: NaN as value 0 / is_nan 1, ±Infinity clamped, exact duplicates once; latest_metrics by (step, timestamp, value)", async () => {
    const { runId } = (await store.createRun({ experimentId: "0" })).info;
    const m = (key: string, value: number, step: number, timestamp: number): Metric => ({ key, value, step, timestamp });
    await store.logBatch(runId, {
      metrics: [m("a", NaN, 0, 10), m("a", NaN, 0, 10), m("b", Infinity, 1, 10), m("b", -Infinity, 2, 10), m("c", 1, 5, 10), m("c", 2, 4, 99)],
    });
    await store.logBatch(runId, { metrics: [m("c", 0.5, 5, 10), m("c", 1, 5, 10)] }); // 0.5 < 1 at the same (step, ts); 1 is a duplicate
    expect(rows("SELECT key, value, timestamp, step, is_nan FROM metrics ORDER BY key, step, value")).toEqual([
      { key: "a", value: 0, timestamp: 10, step: 0, is_nan: 1 },
      { key: "b", value: Number.MAX_VALUE, timestamp: 10, step: 1, is_nan: 0 },
      { key: "b", value: -Number.MAX_VALUE, timestamp: 10, step: 2, is_nan: 0 },
      { key: "c", value: 2, timestamp: 99, step: 4, is_nan: 0 },
      { key: "c", value: 0.5, timestamp: 10, step: 5, is_nan: 0 },
      { key: "c", value: 1, timestamp: 10, step: 5, is_nan: 0 },
    ]);
    expect(rows("SELECT key, value, timestamp, step, is_nan, run_uuid FROM latest_metrics ORDER BY key")).toEqual([
      { key: "a", value: 0, timestamp: 10, step: 0, is_nan: 1, run_uuid: runId },
      { key: "b", value: -Number.MAX_VALUE, timestamp: 10, step: 2, is_nan: 0, run_uuid: runId },
      { key: "c", value: 1, timestamp: 10, step: 5, is_nan: 0, run_uuid: runId },
    ]);
    expect((await store.getRun(runId)).data.metrics).toEqual({ a: NaN, b: -Number.MAX_VALUE, c: 1 });
  });

  it("logBatch is one transaction: a changed param value leaves no metric, param or tag of that batch behind", async () => {
    const { runId } = (await store.createRun({ experimentId: "0" })).info;
    await store.logBatch(runId, { params: [{ key: "C", value: "4" }] });
    const count = () => rows("SELECT (SELECT count(*) FROM metrics) AS m, (SELECT count(*) FROM latest_metrics) AS l, (SELECT count(*) FROM params) AS p, (SELECT count(*) FROM tags) AS t")[0];
    const before = count();
    await expectCode(
      store.logBatch(runId, {
        metrics: [{ key: "acc", value: 1, step: 0, timestamp: 1 }],
        params: [{ key: "new", value: "x" }, { key: "C", value: "5" }],
        tags: [{ key: "t", value: "v" }, { key: "mlflow.runName", value: "renamed" }],
      }),
      "INVALID_PARAMETER_VALUE",
    );
    expect(count()).toEqual(before);
    expect((await store.getRun(runId)).info.runName).not.toBe("renamed");
  });

  it("the mlflow.runName tag also sets runs.name; updateRunInfo rewrites both", async () => {
    const { runId } = (await store.createRun({ experimentId: "0", runName: "first" })).info;
    await store.logBatch(runId, { tags: [{ key: "mlflow.runName", value: "second" }] });
    expect(rows("SELECT name FROM runs")).toEqual([{ name: "second" }]);
    await store.updateRunInfo(runId, { runName: "third", status: "FINISHED", endTime: 77 });
    expect(rows("SELECT name, status, end_time FROM runs")).toEqual([{ name: "third", status: "FINISHED", end_time: 77 }]);
    expect(rows("SELECT value FROM tags WHERE key = 'mlflow.runName'")).toEqual([{ value: "third" }]);
  });

  it("an empty mlflow.runName in logBatch changes neither runs.name nor the tag (MLflow's update_run_info skips it)", async () => {
    const { runId } = (await store.createRun({ experimentId: "0", runName: "kept" })).info;
    await store.logBatch(runId, { tags: [{ key: "mlflow.runName", value: "" }, { key: "other", value: "" }] });
    expect(rows("SELECT name FROM runs")).toEqual([{ name: "kept" }]);
    expect(rows("SELECT key, value FROM tags ORDER BY key")).toEqual([
      { key: "mlflow.runName", value: "kept" },
      { key: "other", value: "" },
    ]);
  });

  it("soft deletes: deleted_time set on delete and cleared on restore, for runs and with their experiment", async () => {
    const exp = await store.createExperiment("e");
    const { runId } = (await store.createRun({ experimentId: exp })).info;
    clock = 2000;
    await store.deleteRun(runId);
    expect(rows("SELECT lifecycle_stage, deleted_time FROM runs")).toEqual([{ lifecycle_stage: "deleted", deleted_time: 2000 }]);
    await store.restoreRun(runId);
    expect(rows("SELECT lifecycle_stage, deleted_time FROM runs")).toEqual([{ lifecycle_stage: "active", deleted_time: null }]);
    clock = 3000;
    await store.deleteExperiment(exp);
    expect(rows("SELECT lifecycle_stage, last_update_time FROM experiments WHERE experiment_id = ?", Number(exp))).toEqual([
      { lifecycle_stage: "deleted", last_update_time: 3000 },
    ]);
    expect(rows("SELECT lifecycle_stage, deleted_time FROM runs")).toEqual([{ lifecycle_stage: "deleted", deleted_time: 3000 }]);
    await store.restoreExperiment(exp);
    expect(rows("SELECT lifecycle_stage, deleted_time FROM runs")).toEqual([{ lifecycle_stage: "active", deleted_time: null }]);
  });

  it("dataset inputs: one datasets row per (experiment, name, digest), one inputs row per (dataset, run), input_tags; uuid4 hex ids", async () => {
    const exp = await store.createExperiment("d");
    const a = (await store.createRun({ experimentId: exp })).info.runId;
    const b = (await store.createRun({ experimentId: exp })).info.runId;
    const train = { dataset: { name: "imdb", digest: "abc", sourceType: "local", source: '{"uri": "x"}', schema: '{"mlflow_colspec": []}' }, tags: [{ key: "mlflow.data.context", value: "train" }] };
    await store.logInputs(a, [train, train]);
    await store.logInputs(a, [train]);
    await store.logInputs(b, [{ dataset: { ...train.dataset, source: "other" }, tags: [] }]);
    const datasets = rows("SELECT * FROM datasets");
    expect(datasets).toEqual([
      {
        dataset_uuid: expect.stringMatching(/^[0-9a-f]{32}$/),
        experiment_id: Number(exp),
        name: "imdb",
        digest: "abc",
        dataset_source_type: "local",
        dataset_source: '{"uri": "x"}',
        dataset_schema: '{"mlflow_colspec": []}',
        dataset_profile: null,
      },
    ]);
    const inputs = rows("SELECT * FROM inputs ORDER BY rowid");
    expect(inputs).toEqual([
      { input_uuid: expect.stringMatching(/^[0-9a-f]{32}$/), source_type: "DATASET", source_id: datasets[0]!.dataset_uuid, destination_type: "RUN", destination_id: a, step: 0 },
      { input_uuid: expect.stringMatching(/^[0-9a-f]{32}$/), source_type: "DATASET", source_id: datasets[0]!.dataset_uuid, destination_type: "RUN", destination_id: b, step: 0 },
    ]);
    expect(rows("SELECT * FROM input_tags")).toEqual([{ input_uuid: inputs[0]!.input_uuid, name: "mlflow.data.context", value: "train" }]);
    // Run b links to the experiment's dataset as first logged (source "{"uri": "x"}"), as in MLflow.
    expect((await store.getRun(b)).inputs.datasetInputs).toEqual([{ dataset: train.dataset, tags: [] }]);
  });

  it("renaming to a taken name fails with BAD_REQUEST from the UNIQUE constraint, as in MLflow", async () => {
    await store.createExperiment("one");
    const two = await store.createExperiment("two");
    await expectCode(store.renameExperiment(two, "one"), "BAD_REQUEST");
    expect(rows("SELECT name FROM experiments ORDER BY experiment_id")).toEqual([{ name: "Default" }, { name: "one" }, { name: "two" }]);
  });

  it("an existing Default experiment is kept; a second store on the same database adds nothing", async () => {
    await store.renameExperiment("0", "Renamed default");
    const again = await createSqlStore(db, { artifactRoot: "/elsewhere", closeDatabase: false });
    expect((await again.getExperiment("0")).name).toBe("Renamed default");
    expect(rows("SELECT count(*) AS n FROM experiments")).toEqual([{ n: 1 }]);
  });

  it("close(): further calls fail with INVALID_STATE; with closeDatabase (the default) the connection is closed", async () => {
    await store.close();
    await expectCode(store.getExperiment("0"), "INVALID_STATE");
    await expectCode(store.logBatch("a".repeat(32), {}), "INVALID_STATE");
    expect(rows("SELECT count(*) AS n FROM experiments")).toEqual([{ n: 1 }]); // closeDatabase: false
    const owned = await createSqlStore(await openSqliteDatabase(":memory:"));
    await owned.close();
    await owned.close();
  });
});

// ------------------------------------------------------------------------------------------------
describe("sql store: files, URIs, foreign databases, locks", () => {
  it("openSqlStores defaults the artifact root to ./mlruns made absolute, as MLflow's client does", async () => {
    const file = tempFile("default-root");
    const store = (await openSqlStores(file)).store;
    try {
      expect(store.uri).toBe(`sqlite:///${file}`);
      expect((await store.getExperiment("0")).artifactLocation).toBe(`${resolve("mlruns")}/0`);
      const id = await store.createExperiment("relative", { artifactLocation: "./some/where" });
      expect((await store.getExperiment(id)).artifactLocation).toBe(resolve("some/where"));
      const s3 = await store.createExperiment("s3", { artifactLocation: "s3://b/p" });
      expect((await store.getExperiment(s3)).artifactLocation).toBe("s3://b/p");
    } finally {
      await store.close();
    }
  });

  it("openSqlStores takes sqlite: URIs (relative, absolute, :memory:) and plain paths; data survives reopening", async () => {
    const file = tempFile("uri");
    const first = (await openSqlStores(`sqlite:///${file}`, { artifactRoot: "/art" })).store;
    const id = await first.createExperiment("persisted");
    await first.close();
    const second = (await openSqlStores(file)).store;
    expect((await second.getExperimentByName("persisted"))?.experimentId).toBe(id);
    expect((await second.getExperiment("0")).artifactLocation).toBe("/art/0"); // created by the first opening
    await second.close();
    const memory = (await openSqlStores("sqlite:///:memory:")).store;
    expect(memory.uri).toBe("sqlite:///:memory:");
    expect((await memory.searchExperiments()).items.map((e) => e.name)).toEqual(["Default"]);
    await memory.close();
  });

  it("a read-only connection to an existing database reads, and refuses writes with TEMPORARILY_UNAVAILABLE (SQLITE_READONLY, an OperationalError in MLflow)", async () => {
    const file = tempFile("readonly");
    const writer = (await openSqlStores(file)).store;
    const id = await writer.createExperiment("ro");
    await writer.close();
    const store = await createSqlStore(await openSqliteDatabase(file, { readonly: true }));
    expect((await store.getExperiment(id)).name).toBe("ro");
    await expectCode(store.createExperiment("nope"), "TEMPORARILY_UNAVAILABLE");
    await store.close();
  });

  it("a database of another MLflow version is refused with INVALID_STATE, and left as it was", async () => {
    const file = tempFile("foreign");
    const raw = new Database(file);
    raw.exec("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL); INSERT INTO alembic_version VALUES ('0584bdc529eb')");
    raw.close();
    await expectCode(openSqlStores(file), "INVALID_STATE");
    const check = new Database(file, { readonly: true });
    expect(check.prepare("SELECT name FROM sqlite_master").all()).toEqual([{ name: "alembic_version" }]);
    check.close();
  });

  it("a write lock held past the busy timeout gives TEMPORARILY_UNAVAILABLE; the store works once it is released", async () => {
    const file = tempFile("busy");
    const store = (await openSqlStores(file, { busyTimeoutMs: 50 })).store;
    const { runId } = (await store.createRun({ experimentId: "0" })).info;
    const other = new Database(file, { timeout: 50 });
    other.exec("BEGIN IMMEDIATE");
    try {
      await expectCode(store.logBatch(runId, { params: [{ key: "p", value: "1" }] }), "TEMPORARILY_UNAVAILABLE");
      await expectCode(store.createExperiment("blocked"), "TEMPORARILY_UNAVAILABLE");
      // WAL: readers are not blocked by the writer.
      expect((await store.getRun(runId)).data.params).toEqual({});
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    await store.logBatch(runId, { params: [{ key: "p", value: "1" }] });
    expect((await store.getRun(runId)).data.params).toEqual({ p: "1" });
    await store.close();
  });

  it("two stores on one file see each other's writes", async () => {
    const file = tempFile("two");
    const a = (await openSqlStores(file)).store;
    const b = (await openSqlStores(file)).store;
    const { runId } = (await a.createRun({ experimentId: "0" })).info;
    await b.logBatch(runId, { metrics: [{ key: "m", value: 1, step: 0, timestamp: 1 }] });
    await a.logBatch(runId, { metrics: [{ key: "m", value: 2, step: 1, timestamp: 1 }] });
    expect((await b.getRun(runId)).data.metrics).toEqual({ m: 2 });
    expect((await a.getMetricHistory(runId, "m")).items.map((p) => p.value)).toEqual([1, 2]);
    await a.close();
    await b.close();
  });
});

// ------------------------------------------------------------------------------------------------
/** A deterministic pseudo-random generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Values as JSON, NaN spelled out: -0 and 0 compare equal (SQLite keeps a REAL -0.0 as 0, so the SQL
 * store — like MLflow's — gives 0 where the memory store keeps -0).
 */
const canonical = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v)));

/** Applies the same calls to both stores, pinning the same run id in each. */
async function both<T>(stores: readonly TrackingStore[], call: (s: TrackingStore) => Promise<T>, runId?: string): Promise<T[]> {
  const out: T[] = [];
  for (const s of stores) {
    if (runId) pinnedRunIds.next.push(runId);
    out.push(await call(s));
    pinnedRunIds.next.length = 0;
  }
  return out;
}

describe("sql store vs memory store (differential)", () => {
  const make = async (): Promise<TrackingStore[]> => {
    // One clock each, ticking on every read: both stores read it the same number of times.
    const clock = () => {
      let t = 1_700_000_000_000;
      return () => t++;
    };
    return [
      createMemoryStore({ artifactRoot: "s3://b", now: clock() }),
      await createSqlStore(await openSqliteDatabase(":memory:"), { artifactRoot: "s3://b", now: clock() }),
    ];
  };

  it("random metric streams give the same history and latest metrics (ties, NaN, ±Infinity, duplicates)", async () => {
    const stores = await make();
    const random = rng(42);
    const runIds: string[] = [];
    for (let r = 0; r < 4; r++) {
      const id = r.toString(16).padStart(32, "0");
      await both(stores, (s) => s.createRun({ experimentId: "0", runName: `r${r}`, startTime: 1000 + r }), id);
      runIds.push(id);
    }
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const values = [0, 1, -1, 0.5, NaN, Infinity, -Infinity, Number.MAX_VALUE, 2, -0];
    for (let batch = 0; batch < 60; batch++) {
      const metrics: Metric[] = Array.from({ length: 1 + Math.floor(random() * 40) }, () => ({
        key: pick(["a", "b", "c"]),
        value: pick(values),
        step: Math.floor(random() * 4),
        timestamp: Math.floor(random() * 4),
      }));
      const runId = pick(runIds);
      await both(stores, (s) => s.logBatch(runId, { metrics }));
    }
    for (const runId of runIds) {
      const [m, q] = await both(stores, (s) => s.getRun(runId));
      expect(canonical(q!.data)).toEqual(canonical(m!.data));
      for (const key of ["a", "b", "c"]) {
        const [hm, hq] = await both(stores, (s) => s.getMetricHistory(runId, key));
        // Points equal in (timestamp, step, stored value) but not in is_nan (NaN vs 0) have no defined order.
        const canon = (h: { items: Metric[] }) => h.items.map((p) => `${p.timestamp}/${p.step}/${Object.is(p.value, NaN) ? "NaN" : p.value}`);
        expect(canon(hq!).sort()).toEqual(canon(hm!).sort());
        expect(hq!.items.map((p) => [p.timestamp, p.step])).toEqual(hm!.items.map((p) => [p.timestamp, p.step]));
      }
    }
  });

  it("the search fixture logged through the API gives the same searchRuns results for every search case", async () => {
    const stores = await make();
    const { makeRuns } = await import("./search/fixture.js");
    const [expId] = await both(stores, (s) => s.createExperiment("fixture"));
    const other = (await both(stores, (s) => s.createExperiment("other")))[0]!;
    for (const run of makeRuns()) {
      const { info, data, inputs } = run as Run;
      const tags = Object.entries(data.tags).map(([key, value]) => ({ key, value }));
      await both(
        stores,
        (s) => s.createRun({ experimentId: expId!, userId: info.userId, startTime: info.startTime, runName: info.runName, tags }),
        info.runId,
      );
      await both(stores, async (s) => {
        await s.logBatch(info.runId, {
          metrics: Object.entries(data.metrics).map(([key, value]) => ({ key, value, step: 0, timestamp: 5 })),
          params: Object.entries(data.params).map(([key, value]) => ({ key, value })),
        });
        if (inputs.datasetInputs.length > 0) await s.logInputs(info.runId, inputs.datasetInputs);
        await s.updateRunInfo(info.runId, { status: info.status, ...(info.endTime !== null ? { endTime: info.endTime } : {}) });
      });
    }
    const orders: (readonly string[] | undefined)[] = [
      undefined,
      ["metrics.acc DESC"],
      ["metrics.acc"],
      ["params.model"],
      ["tags.team DESC", "attributes.end_time"],
      ["attributes.run_name"],
      ["attributes.status DESC", "metrics.loss ASC"],
    ];
    let compared = 0;
    for (const { filter } of RUN_CASES) {
      for (const orderBy of orders) {
        const results = await Promise.all(
          stores.map((s) =>
            s.searchRuns({ experimentIds: [expId!, other], filter, orderBy, viewType: "ALL" }).then(
              (page) => page.items,
              (e: unknown) => (isSentiMlopsError(e) ? `error ${e.code}` : `unexpected ${String(e)}`),
            ),
          ),
        );
        expect(canonical(results[1]), `filter ${JSON.stringify(filter)} order ${JSON.stringify(orderBy)}`).toEqual(canonical(results[0]));
        compared++;
      }
    }
    expect(compared).toBe(RUN_CASES.length * orders.length);
    // Paging: the same pages in both.
    let token: string | undefined;
    const seen: string[][] = [[], []];
    do {
      const pages = await both(stores, (s) => s.searchRuns({ experimentIds: [expId!], maxResults: 3, pageToken: token, orderBy: ["metrics.acc DESC"] }));
      expect(canonical(pages[1]!.items)).toEqual(canonical(pages[0]!.items));
      expect(pages[1]!.nextPageToken).toEqual(pages[0]!.nextPageToken);
      pages.forEach((p, i) => seen[i]!.push(...p.items.map((r) => r.info.runId)));
      token = pages[0]!.nextPageToken;
    } while (token);
    expect(seen[0]!.length).toBe(20);
  });

  it("the same experiment calls give the same experiments and searches", async () => {
    const stores = await make();
    for (const name of ["b-exp", "a-exp", "c-exp", "A-exp"]) {
      await both(stores, (s) => s.createExperiment(name, { tags: [{ key: "first", value: name[0]! }] }));
    }
    await both(stores, (s) => s.setExperimentTag("2", "team", "nlp"));
    await both(stores, (s) => s.deleteExperiment("3"));
    await both(stores, (s) => s.renameExperiment("4", "d-exp"));
    for (const viewType of ["ACTIVE_ONLY", "DELETED_ONLY", "ALL"] as const) {
      for (const [filter, orderBy] of [
        [undefined, undefined],
        ["name LIKE '%-exp'", ["name DESC"]],
        ["name ILIKE 'a%'", ["experiment_id"]],
        ["tags.team = 'nlp'", undefined],
        ["tags.first != 'b'", ["last_update_time DESC"]],
        ["creation_time > 0", ["creation_time"]],
      ] as const) {
        const pages = await both(stores, (s) => s.searchExperiments({ viewType, filter, orderBy }));
        const strip = (items: { artifactLocation: string }[]) => items.map((e) => ({ ...e, artifactLocation: e.artifactLocation.replace(/^s3:\/\/b/, "") }));
        expect(strip(pages[1]!.items)).toEqual(strip(pages[0]!.items));
      }
    }
  });
});
