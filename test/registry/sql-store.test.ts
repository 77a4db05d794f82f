/**
 * The SQL registry store: the shared conformance suite (on an in-memory database, and on a file
 * shared with the SQL tracking store for run-bound sources), the registry behaviour observed on
 * MLflow 3.17.2 (shared with the memory store's test), the rows it writes (MLflow's conventions,
 * read back with plain SQL), and sharing one connection with the SQL tracking store.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, assert, describe, expect, it } from "vitest";
import { openSqliteDatabase } from "../../src/adapters/sqlite.js";
import { isSentiMlopsError } from "../../src/errors.js";
import { createSqlRegistryStore } from "../../src/registry/stores/sql-store.js";
import { ALEMBIC_HEAD } from "../../src/mlflow/sql/mlflow-schema.js";
import { createSqlStore } from "../../src/tracking/stores/sql-store.js";
import { describeRegistryStore } from "../conformance/registry-store.suite.js";
import { describeRegistryBehaviour } from "./helpers/registry-behaviour.js";

const dir = mkdtempSync(join(tmpdir(), "senti-sql-registry-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

/** The suite's in-memory database (the factory's first) with a SQL tracking store on it, for the suite's runs. */
let inMemory: Promise<{ db: Awaited<ReturnType<typeof openSqliteDatabase>>; tracking: Awaited<ReturnType<typeof createSqlStore>> }> | undefined;
describeRegistryStore(
  "sql (in-memory SQLite)",
  async () => {
    const opened = (async () => {
      const db = await openSqliteDatabase(":memory:");
      // The registry store owns (and closes) the connection; the tracking store is never closed.
      return { db, tracking: await createSqlStore(db, { artifactRoot: "mlflow-artifacts:/", closeDatabase: false }) };
    })();
    inMemory ??= opened;
    return createSqlRegistryStore((await opened).db, { closeDatabase: true });
  },
  {
    newRun: async () => {
      assert(inMemory, "the suite's store is made before its tests run");
      const run = await (await inMemory).tracking.createRun({ experimentId: "0" });
      return { runId: run.info.runId, artifactUri: run.info.artifactUri };
    },
  },
);

const shared = (async () => {
  const db = await openSqliteDatabase(join(dir, "conformance.db"));
  return { db, tracking: await createSqlStore(db, { artifactRoot: "mlflow-artifacts:/" }) };
})();
describeRegistryStore("sql (SQLite file shared with the SQL tracking store)", async () => createSqlRegistryStore((await shared).db), {
  newRun: async () => {
    const run = await (await shared).tracking.createRun({ experimentId: "0" });
    return { runId: run.info.runId, artifactUri: run.info.artifactUri };
  },
});

describeRegistryBehaviour("sql (in-memory SQLite)", async () => {
  const clock = { now: 1_700_000_000_000 };
  const db = await openSqliteDatabase(":memory:");
  return { store: await createSqlRegistryStore(db, { now: () => clock.now, closeDatabase: true }), clock };
});

describeRegistryBehaviour("sql (SQLite file)", async () => {
  const clock = { now: 1_700_000_000_000 };
  const db = await openSqliteDatabase(join(dir, `behaviour-${++counter}.db`));
  return { store: await createSqlRegistryStore(db, { now: () => clock.now, closeDatabase: true }), clock };
});

describe("sql registry store: rows as MLflow's SQLAlchemy registry store writes them", () => {
  it("creates MLflow's schema on a fresh database and writes MLflow's rows", async () => {
    const db = await openSqliteDatabase(join(dir, `rows-${++counter}.db`));
    let time = 1000;
    const store = await createSqlRegistryStore(db, { now: () => time });
    expect(db.prepare("SELECT version_num FROM alembic_version").all()).toEqual([{ version_num: ALEMBIC_HEAD }]);
    await store.createRegisteredModel("m", { tags: [{ key: "team", value: "nlp" }] });
    time = 2000;
    await store.createModelVersion({ name: "m", source: "s3://b/1", runId: "0123456789abcdef0123456789abcdef", tags: [{ key: "k", value: "v" }] });
    // A models:/ source: run id inherited, storage_location resolved (handlers.py lineage, sqlalchemy_store.py:960).
    time = 3000;
    await store.createModelVersion({ name: "m", source: "models:/m/1" });
    await store.setRegisteredModelAlias("m", "champion", "1");
    time = 4000;
    await store.deleteModelVersion("m", "1");

    expect(db.prepare("SELECT * FROM registered_models").all()).toEqual([
      // "" for an absent description, as MLflow's server stores it.
      { name: "m", creation_time: 1000, last_updated_time: 4000, description: "", workspace: "default" },
    ]);
    expect(db.prepare("SELECT * FROM model_versions ORDER BY version").all()).toEqual([
      {
        name: "m",
        version: 1,
        creation_time: 2000,
        last_updated_time: 4000,
        description: null,
        user_id: null,
        current_stage: "Deleted_Internal",
        source: "REDACTED-SOURCE-PATH",
        run_id: "REDACTED-RUN-ID",
        status: "READY",
        status_message: null,
        run_link: "REDACTED-RUN-LINK",
        storage_location: "s3://b/1",
        workspace: "default",
      },
      {
        name: "m",
        version: 2,
        creation_time: 3000,
        last_updated_time: 3000,
        description: "",
        user_id: null,
        current_stage: "None",
        source: "models:/m/1",
        run_id: "0123456789abcdef0123456789abcdef",
        status: "READY",
        status_message: null,
        run_link: "",
        storage_location: "s3://b/1",
        workspace: "default",
      },
    ]);
    // Deleting a version keeps its tags and drops its aliases.
    expect(db.prepare("SELECT * FROM model_version_tags").all()).toEqual([{ key: "k", value: "v", name: "m", version: 1, workspace: "default" }]);
    expect(db.prepare("SELECT count(*) AS n FROM registered_model_aliases").get()).toEqual({ n: 0 });

    await store.setRegisteredModelAlias("m", "champion", "2");
    await store.setModelVersionTag("m", "2", "k2", "v2");
    await store.renameRegisteredModel("m", "renamed");
    for (const table of ["model_versions", "registered_model_tags", "model_version_tags", "registered_model_aliases"]) {
      expect(db.prepare(`SELECT DISTINCT name FROM ${table}`).all(), table).toEqual([{ name: "renamed" }]);
    }
    await store.deleteRegisteredModel("renamed");
    for (const table of ["registered_models", "model_versions", "registered_model_tags", "model_version_tags", "registered_model_aliases"]) {
      expect(db.prepare(`SELECT count(*) AS n FROM ${table}`).get(), table).toEqual({ n: 0 });
    }
    await store.close();
    // The store does not own the connection by default.
    expect(db.prepare("SELECT 1 AS one").get()).toEqual({ one: 1 });
    db.close();
  });

  it("shares one connection with the SQL tracking store; a rejected call writes nothing", async () => {
    const db = await openSqliteDatabase(join(dir, `shared-${++counter}.db`));
    const tracking = await createSqlStore(db, { artifactRoot: join(dir, "mlruns") });
    const registry = await createSqlRegistryStore(db);
    const run = await tracking.createRun({ experimentId: "0", runName: "train" });
    await registry.createRegisteredModel("sentiment");
    const v = await registry.createModelVersion({ name: "sentiment", source: `runs:/${run.info.runId}/model`, runId: run.info.runId });
    expect(v.runId).toBe(run.info.runId);
    const failed = await registry.createModelVersion({ name: "sentiment", source: "s3://x", tags: [{ key: "bad//key", value: "v" }] }).catch((e: unknown) => e);
    expect(isSentiMlopsError(failed) && failed.code).toBe("INVALID_PARAMETER_VALUE");
    expect(db.prepare("SELECT count(*) AS n FROM model_versions").get()).toEqual({ n: 1 });
    await registry.close();
    expect((await tracking.getRun(run.info.runId)).info.runName).toBe("train");
    await tracking.close();
  });
});
