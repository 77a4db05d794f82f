/**
 * The IndexedDB store (`indexeddb://<name>`) in Node: the SQL stores on SQLite compiled to
 * WebAssembly (@sqlite.org/sqlite-wasm's Node build), the file kept in fake-indexeddb. The same
 * suites run in real Chromium in test/browser/suites/. Here: both conformance suites, persistence
 * across close and reopen, two stores on one database (two tabs) taking turns without losing a
 * write, only changed pages rewritten, and the export opened by better-sqlite3 as an MLflow file.
 */
import "fake-indexeddb/auto";
import Database from "better-sqlite3";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createIndexedDbSqliteFile } from "../../src/adapters/indexeddb-sqlite-file.js";
import { hasErrorCode } from "../../src/errors.js";
import { ALEMBIC_HEAD } from "../../src/mlflow/sql/mlflow-schema.js";
import { openIndexedDbStores, parseIndexedDbUri } from "../../src/tracking/stores/indexeddb-store.js";
import { describeRegistryStore } from "../conformance/registry-store.suite.js";
import { describeTrackingStore, SHARED_SEARCH_DEVIATIONS } from "../conformance/tracking-store.suite.js";

let counter = 0;
const freshUri = (label: string): string => `indexeddb://senti-test-${label}-${Date.now()}-${++counter}`;

const deviations = SHARED_SEARCH_DEVIATIONS;

describeTrackingStore("indexeddb (sqlite-wasm, fake-indexeddb)", async () => (await openIndexedDbStores(freshUri("tracking"))).store, { deviations });

const registryStores = openIndexedDbStores(freshUri("registry"), { artifactRoot: "mlflow-artifacts:/" });
describeRegistryStore("indexeddb (sqlite-wasm, fake-indexeddb)", async () => (await registryStores).registry, {
  newRun: async () => {
    const run = await (await registryStores).store.createRun({ experimentId: "0" });
    return { runId: run.info.runId, artifactUri: run.info.artifactUri };
  },
});

describe("indexeddb store: persistence", () => {
  const dir = mkdtempSync(join(tmpdir(), "senti-idb-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("parses indexeddb://<name> and refuses other shapes", () => {
    expect(parseIndexedDbUri("indexeddb://sentiment")).toBe("sentiment");
    expect(parseIndexedDbUri("indexeddb://my%20runs/")).toBe("my runs");
    for (const bad of ["indexeddb://", "indexeddb://a/b", "memory:", "indexeddb:name"]) {
      expect(() => parseIndexedDbUri(bad), bad).toThrow(/indexeddb:\/\/<name>/);
    }
  });

  it("keeps runs, metrics, models and aliases across close and reopen", async () => {
    const uri = freshUri("reopen");
    const first = await openIndexedDbStores(uri);
    const experimentId = await first.store.createExperiment("reviews");
    const run = await first.store.createRun({ experimentId, runName: "tfidf", startTime: 1_700_000_000_000 });
    await first.store.logBatch(run.info.runId, {
      metrics: [0.9, 0.5, 0.3].map((value, step) => ({ key: "loss", value, step, timestamp: 1_700_000_000_000 + step })),
      params: [{ key: "C", value: "4" }],
    });
    await first.registry.createRegisteredModel("sentiment");
    await first.registry.createModelVersion({ name: "sentiment", source: `${run.info.artifactUri}/model`, runId: run.info.runId });
    await first.registry.setRegisteredModelAlias("sentiment", "champion", "1");
    await first.store.close();
    await expect(first.store.getRun(run.info.runId)).rejects.toSatisfy((e) => hasErrorCode(e, "INVALID_STATE"));

    const second = await openIndexedDbStores(uri);
    const back = await second.store.getRun(run.info.runId);
    expect(back.info.runName).toBe("tfidf");
    expect(back.info.artifactUri).toBe(`indexeddb://${parseIndexedDbUri(uri)}-artifacts/${experimentId}/${run.info.runId}/artifacts`);
    expect(back.data.params).toEqual({ C: "4" });
    expect((await second.store.getMetricHistory(run.info.runId, "loss")).items.map((m) => m.value)).toEqual([0.9, 0.5, 0.3]);
    expect((await second.registry.getModelVersionByAlias("sentiment", "champion")).version).toBe("1");
    await second.store.close();
  });

  it("two stores on one database (two tabs) see each other's writes and lose none", async () => {
    const uri = freshUri("tabs");
    const [a, b] = [await openIndexedDbStores(uri), await openIndexedDbStores(uri)];
    const experimentId = await a.store.createExperiment("shared");
    expect((await b.store.getExperimentByName("shared"))?.experimentId).toBe(experimentId);
    const run = await b.store.createRun({ experimentId });
    // Interleaved writes from both: every one is kept.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).store.logBatch(run.info.runId, { metrics: [{ key: "m", value: i, step: i, timestamp: 1_700_000_000_000 + i }] })),
    );
    const history = (await a.store.getMetricHistory(run.info.runId, "m")).items.map((m) => m.value).sort((x, y) => x - y);
    expect(history).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await a.store.close();
    await b.store.close();
  });

  it("rewrites only the pages a call changed, in one version step per call", async () => {
    const uri = freshUri("pages");
    const stores = await openIndexedDbStores(uri);
    const file = createIndexedDbSqliteFile({ dbName: parseIndexedDbUri(uri) });
    const run = await stores.store.createRun({ experimentId: "0" });
    const before = await file.read();
    await stores.store.logBatch(run.info.runId, { metrics: [{ key: "loss", value: 0.5, step: 1, timestamp: 1_700_000_000_000 }] });
    const after = await file.read();
    expect(after!.version).toBe(before!.version + 1);
    const pageSize = (after!.image[16]! << 8) | after!.image[17]!;
    let changed = 0;
    for (let p = 0; p * pageSize < after!.image.length; p++) {
      const a = after!.image.subarray(p * pageSize, (p + 1) * pageSize);
      const b = before!.image.subarray(p * pageSize, (p + 1) * pageSize);
      if (a.length !== b.length || a.some((x, i) => x !== b[i])) changed++;
    }
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThan(after!.image.length / pageSize / 4);
    // A call that changes nothing (a read, a failed write) writes no version.
    await stores.store.getRun(run.info.runId);
    await expect(stores.store.logBatch(run.info.runId, { metrics: [{ key: "", value: 1, step: 0, timestamp: 0 }] })).rejects.toSatisfy((e) => hasErrorCode(e, "INVALID_PARAMETER_VALUE"));
    expect((await file.read())!.version).toBe(after!.version);
    await stores.store.close();
    await file.close();
  });

  it("exports an SQLite file in MLflow's schema that better-sqlite3 opens", async () => {
    const stores = await openIndexedDbStores(freshUri("export"));
    const experimentId = await stores.store.createExperiment("exported");
    const run = await stores.store.createRun({ experimentId, runName: "r1" });
    await stores.store.logBatch(run.info.runId, { metrics: [{ key: "accuracy", value: 0.91, step: 0, timestamp: 1_700_000_000_000 }] });
    const path = join(dir, "export.db");
    writeFileSync(path, await stores.exportDatabase());
    await stores.store.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT version_num FROM alembic_version").get()).toEqual({ version_num: ALEMBIC_HEAD });
    expect(db.prepare("SELECT name FROM runs WHERE run_uuid = ?").get(run.info.runId)).toEqual({ name: "r1" });
    expect(db.prepare("SELECT value FROM latest_metrics WHERE run_uuid = ? AND key = 'accuracy'").get(run.info.runId)).toEqual({ value: 0.91 });
    db.close();
  });
});
