/**
 * The SQL registry store and the real MLflow (test/peers/requirements.txt) on the same SQLite
 * files, through Python's `MlflowClient(tracking_uri="sqlite:///…", registry_uri=same)`:
 * (a) a file written here reads back identically through search_registered_models,
 *     get_registered_model, get_latest_versions, search_model_versions, get_model_version,
 *     get_model_version_download_uri and get_model_version_by_alias (tags, aliases, stages,
 *     soft-deleted versions, renames, latest-versions order), and the same searches return the same
 *     models and versions in the same order (or fail with the same code);
 * (b) a file written by MlflowClient reads back identically here, and both can keep writing to it.
 * Needs the .venv that the global setup installs; never skipped.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openSqliteDatabase } from "../../src/adapters/sqlite.js";
import { isSentiMlopsError } from "../../src/errors.js";
import type { RegistryStore } from "../../src/mlflow/registry-store.js";
import { createSqlRegistryStore } from "../../src/registry/stores/sql-store.js";
import type { ModelVersion, RegisteredModel } from "../../src/mlflow/registry-entities.js";
import { MLFLOW_VERSION } from "../../src/mlflow/sql/mlflow-schema.js";
import type { SqlDatabase } from "../../src/mlflow/sql/sql-database.js";
import { MLFLOW_QUIET_ENV } from "../peers/mlflow-server.js";
import { PROJECT_ROOT } from "../peers/python-env.js";

const execFileAsync = promisify(execFile);
const PEER = join(PROJECT_ROOT, "test", "peers", "mlflow_registry_interop.py");
const dir = mkdtempSync(join(tmpdir(), "senti-registry-interop-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the MLflow registry peer; returns its one JSON line. */
async function mlflow<T>(args: string[], stdin?: unknown): Promise<T> {
  const child = execFileAsync(inject("python"), [PEER, ...args], {
    cwd: dir,
    env: { ...process.env, ...MLFLOW_QUIET_ENV },
    maxBuffer: 64 * 1024 * 1024,
  });
  child.child.stdin!.end(stdin === undefined ? undefined : JSON.stringify(stdin));
  const { stdout } = await child;
  const { mlflow: version, ...result } = JSON.parse(stdout.trim().split("\n").pop()!) as T & { mlflow: string };
  expect(version).toBe(MLFLOW_VERSION);
  return result as T;
}

// ------------------------------------------------------------------------------------------------
// Both sides in the peer's shape (snake_case).

const versionJson = (v: ModelVersion) => ({
  name: v.name,
  version: v.version,
  creation_timestamp: v.creationTimestamp,
  last_updated_timestamp: v.lastUpdatedTimestamp,
  user_id: v.userId,
  current_stage: v.currentStage,
  description: v.description,
  source: v.source,
  run_id: v.runId,
  status: v.status,
  status_message: v.statusMessage,
  run_link: v.runLink,
  tags: { ...v.tags },
  aliases: [...v.aliases],
});
type VersionJson = ReturnType<typeof versionJson>;

const modelJson = (m: RegisteredModel) => ({
  name: m.name,
  creation_timestamp: m.creationTimestamp,
  last_updated_timestamp: m.lastUpdatedTimestamp,
  description: m.description,
  latest_versions: m.latestVersions.map(versionJson),
  tags: { ...m.tags },
  aliases: m.aliases.map((a) => ({ alias: a.alias, version: a.version })),
});

interface ModelDump {
  searched: ReturnType<typeof modelJson>;
  model: ReturnType<typeof modelJson>;
  latest: VersionJson[];
  latest_production_none: VersionJson[];
  searched_versions: VersionJson[];
  versions: VersionJson[];
  download_uris: Record<string, string>;
  by_alias: Record<string, VersionJson>;
  latest_alias: VersionJson | null;
}
interface Dump {
  models: ModelDump[];
}

/** What the peer's `dump` reads, read through the registry store. */
async function dumpStore(store: RegistryStore): Promise<Dump> {
  const models: ModelDump[] = [];
  for (const m of (await store.searchRegisteredModels({ maxResults: 1000 })).items) {
    const got = await store.getRegisteredModel(m.name);
    const versions = (await store.searchModelVersions({ filter: `name = '${m.name}'` })).items;
    const byAlias: Record<string, VersionJson> = {};
    for (const a of got.aliases) byAlias[a.alias] = versionJson(await store.getModelVersionByAlias(m.name, a.alias));
    const downloadUris: Record<string, string> = {};
    for (const v of versions) downloadUris[v.version] = await store.getModelVersionDownloadUri(m.name, v.version);
    models.push({
      searched: modelJson(m),
      model: modelJson(got),
      latest: (await store.getLatestVersions(m.name)).map(versionJson),
      latest_production_none: (await store.getLatestVersions(m.name, ["production", "None"])).map(versionJson),
      searched_versions: versions.map(versionJson),
      versions: await Promise.all(versions.map(async (v) => versionJson(await store.getModelVersion(m.name, v.version)))),
      download_uris: downloadUris,
      by_alias: byAlias,
      latest_alias: versions.length > 0 ? versionJson(await store.getModelVersionByAlias(m.name, "latest")) : null,
    });
  }
  return { models };
}

// ------------------------------------------------------------------------------------------------
// Searches run on both sides.

interface SearchSpec {
  filter?: string;
  order_by?: string[];
  max_results?: number;
}
type SearchResult = string[] | { error: string };

const REGISTERED_MODEL_SEARCHES: SearchSpec[] = [
  {},
  { filter: "name LIKE '%tfidf%'" },
  { filter: "name ILIKE '%BERT%'" },
  { filter: "name != 'ts-bert' AND name != 'py-bert'" },
  { filter: "name IN ('ts-bert', 'py-renamed', 'nope')" },
  { filter: "tags.team = 'nlp'" },
  { filter: "tags.team LIKE 'n%' AND tags.owner = 'ana'" },
  { filter: "tags.`mlflow.prompt.is_prompt` = 'true'" },
  { filter: "tags.`mlflow.prompt.is_prompt` = 'false'" },
  { order_by: ["timestamp DESC"] },
  { order_by: ["last_updated_timestamp ASC", "name DESC"] },
  { order_by: ["name DESC"], max_results: 2 },
  { order_by: ["name", "name DESC"] },
  { order_by: ["creation_timestamp"] },
  { filter: "name > 'a'" },
  { filter: "run_id = 'x'" },
  { max_results: 1001 },
];

const MODEL_VERSION_SEARCHES: SearchSpec[] = [
  {},
  { filter: "name = 'ts-tfidf'" },
  { filter: "name LIKE '%tfidf' AND version_number >= 3" },
  { filter: "version_number = '2'" },
  { filter: "run_id = 'fedcba9876543210fedcba9876543210'" },
  { filter: "run_id IN ('0123456789abcdef0123456789abcdef', 'fedcba9876543210fedcba9876543210')" },
  { filter: "source_path LIKE 's3://%'" },
  { filter: "tags.flavor = 'tfidf'" },
  { filter: "tags.flavor != 'tfidf'" },
  { filter: "tags.validated ILIKE 'YES'" },
  { filter: "tags.`mlflow.prompt.is_prompt` = 'true'" },
  { order_by: ["version_number ASC"] },
  { order_by: ["creation_timestamp DESC", "name ASC"] },
  { order_by: ["name DESC", "version_number ASC"], max_results: 3 },
  { order_by: ["version_number", "version_number DESC"] },
  { filter: "version_number = 1.5" },
  { filter: "current_stage = 'None'" },
  { max_results: 0 },
];

async function ourSearches(store: RegistryStore): Promise<{ registered_models: SearchResult[]; model_versions: SearchResult[] }> {
  const attempt = async (fn: () => Promise<string[]>): Promise<SearchResult> => {
    try {
      return await fn();
    } catch (e) {
      if (isSentiMlopsError(e)) return { error: e.code };
      throw e;
    }
  };
  const rms: SearchResult[] = [];
  for (const s of REGISTERED_MODEL_SEARCHES) {
    rms.push(
      await attempt(async () =>
        (await store.searchRegisteredModels({ filter: s.filter, orderBy: s.order_by, maxResults: s.max_results })).items.map((m) => m.name),
      ),
    );
  }
  const mvs: SearchResult[] = [];
  for (const s of MODEL_VERSION_SEARCHES) {
    mvs.push(
      await attempt(async () =>
        (await store.searchModelVersions({ filter: s.filter, orderBy: s.order_by, maxResults: s.max_results })).items.map(
          (v) => `${v.name}@${v.version}`,
        ),
      ),
    );
  }
  return { registered_models: rms, model_versions: mvs };
}

async function expectSameSearches(store: RegistryStore, uri: string): Promise<void> {
  const theirs = await mlflow<{ registered_models: SearchResult[]; model_versions: SearchResult[] }>(["search", uri], {
    registered_models: REGISTERED_MODEL_SEARCHES,
    model_versions: MODEL_VERSION_SEARCHES,
  });
  const ours = await ourSearches(store);
  REGISTERED_MODEL_SEARCHES.forEach((s, i) => expect(ours.registered_models[i], `search_registered_models ${JSON.stringify(s)}`).toEqual(theirs.registered_models[i]));
  MODEL_VERSION_SEARCHES.forEach((s, i) => expect(ours.model_versions[i], `search_model_versions ${JSON.stringify(s)}`).toEqual(theirs.model_versions[i]));
  // Not all empty, not all failing.
  expect(theirs.registered_models.filter((r) => Array.isArray(r) && r.length > 1).length).toBeGreaterThan(5);
  expect(theirs.model_versions.filter((r) => Array.isArray(r) && r.length > 1).length).toBeGreaterThan(5);
  expect(theirs.model_versions.some((r) => !Array.isArray(r))).toBe(true);
}

const RUN_A = "0123456789abcdef0123456789abcdef";
const RUN_B = "fedcba9876543210fedcba9876543210";

// ------------------------------------------------------------------------------------------------

describe("a registry written by the SQL registry store, read by MLflow", () => {
  const file = join(dir, "ours.db");
  const uri = `sqlite:///${file}`;
  let db: SqlDatabase;
  let store: RegistryStore;

  beforeAll(async () => {
    db = await openSqliteDatabase(file);
    // A clock that moves 1 s per write, so that orders by time never depend on ties.
    let time = 1_700_000_000_000;
    store = await createSqlRegistryStore(db, { uri, closeDatabase: true, now: () => (time += 1000) });
    // The scenario the peer's `write` runs, with ts- names, plus a prompt (left out of searches).
    await store.createRegisteredModel("ts-tfidf", { tags: [{ key: "team", value: "nlp" }, { key: "framework", value: "senti" }], description: "TF-IDF sentiment" });
    await store.createRegisteredModel("ts-bert");
    await store.createRegisteredModel("ts-before-rename", { tags: [{ key: "x", value: "1" }] });
    await store.createRegisteredModel("ts-deleted");
    await store.createModelVersion({ name: "ts-deleted", source: "s3://bucket/deleted" });
    await store.deleteRegisteredModel("ts-deleted");
    await store.createRegisteredModel("ts-prompt", { tags: [{ key: "mlflow.prompt.is_prompt", value: "true" }] });

    const v1 = await store.createModelVersion({ name: "ts-tfidf", source: `runs:/${RUN_A}/model`, runId: RUN_A, tags: [{ key: "flavor", value: "tfidf" }], description: "first" });
    const v2 = await store.createModelVersion({ name: "ts-tfidf", source: "s3://bucket/tfidf/2", runLink: "http://ui/run/2" });
    const v3 = await store.createModelVersion({ name: "ts-tfidf", source: `runs:/${RUN_B}/model`, runId: RUN_B });
    await store.createModelVersion({ name: "ts-tfidf", source: "s3://bucket/tfidf/4" });
    await store.transitionModelVersionStage("ts-tfidf", v1.version, "production", false);
    await store.transitionModelVersionStage("ts-tfidf", v3.version, "Production", true);
    await store.transitionModelVersionStage("ts-tfidf", v2.version, "STAGING", false);
    await store.setRegisteredModelAlias("ts-tfidf", "champion", v3.version);
    await store.setRegisteredModelAlias("ts-tfidf", "Challenger", v2.version);
    await store.setRegisteredModelAlias("ts-tfidf", "old", v1.version);
    await store.setModelVersionTag("ts-tfidf", v2.version, "validated", "yes");
    await store.updateModelVersion("ts-tfidf", v2.version, { description: "second" });
    await store.setRegisteredModelTag("ts-tfidf", "owner", "ana");
    await store.deleteRegisteredModelTag("ts-tfidf", "framework");
    await store.deleteModelVersion("ts-tfidf", v1.version);

    await store.createModelVersion({ name: "ts-bert", source: "s3://bucket/bert/1", tags: [{ key: "flavor", value: "bert" }] });
    await store.createModelVersion({ name: "ts-bert", source: "models:/ts-tfidf/3" });
    await store.updateRegisteredModel("ts-bert", { description: "BERT" });

    await store.createModelVersion({ name: "ts-before-rename", source: "s3://bucket/r/1" });
    await store.setRegisteredModelAlias("ts-before-rename", "prod", "1");
    await store.renameRegisteredModel("ts-before-rename", "ts-renamed");
  });
  afterAll(async () => {
    await store?.close();
  });

  it("MlflowClient reads the same models, versions, stages, tags, aliases and download URIs", async () => {
    const theirs = await mlflow<Dump>(["dump", uri]);
    const ours = await dumpStore(store);
    expect(ours).toEqual(theirs);

    // And the values are the ones written (so that both sides are not wrong the same way).
    expect(theirs.models.map((m) => m.model.name)).toEqual(["ts-bert", "ts-renamed", "ts-tfidf"]);
    const tfidf = theirs.models.find((m) => m.model.name === "ts-tfidf")!;
    expect(tfidf.model.tags).toEqual({ team: "nlp", owner: "ana" });
    expect(tfidf.model.aliases).toEqual([
      { alias: "Challenger", version: "2" },
      { alias: "champion", version: "3" },
    ]);
    expect(tfidf.model.latest_versions.map((v) => [v.version, v.current_stage])).toEqual([
      ["2", "Staging"],
      ["3", "Production"],
      ["4", "None"],
    ]);
    expect(tfidf.searched.latest_versions.map((v) => v.current_stage)).toEqual(["None", "Production", "Staging"]);
    expect(tfidf.versions.map((v) => [v.version, v.current_stage, v.description, v.aliases])).toEqual([
      // Default order: last_updated_timestamp DESC (v2's description came last, then v3's transition).
      ["2", "Staging", "second", ["Challenger"]],
      ["3", "Production", "", ["champion"]],
      ["4", "None", "", []],
    ]);
    expect(tfidf.latest_alias!.version).toBe("4");
    const bert = theirs.models.find((m) => m.model.name === "ts-bert")!;
    expect(bert.model.description).toBe("BERT");
    expect(bert.download_uris).toEqual({ "1": "s3://bucket/bert/1", "2": `runs:/${RUN_B}/model` });
    const renamed = theirs.models.find((m) => m.model.name === "ts-renamed")!;
    expect(renamed.by_alias.prod!.name).toBe("ts-renamed");
  });

  it("search_registered_models and search_model_versions give the same names and versions in the same order, or the same error", async () => {
    await expectSameSearches(store, uri);
  });

  it("MLflow can keep writing to it, and its writes read back here as MlflowClient reads them", async () => {
    const wrote = await mlflow<{ name: string; version: string }>(["more", uri]);
    expect(wrote).toMatchObject({ name: "ts-bert", version: "3" });
    expect(await dumpStore(store)).toEqual(await mlflow<Dump>(["dump", uri]));
    expect((await store.getModelVersionByAlias("ts-bert", "from-python")).tags).toEqual({ by: "python" });
  });
});

describe("a registry written by MLflow, read by the SQL registry store", () => {
  const file = join(dir, "py.db");
  const uri = `sqlite:///${file}`;
  let store: RegistryStore;

  beforeAll(async () => {
    await mlflow(["write", uri]);
    store = await createSqlRegistryStore(await openSqliteDatabase(file), { uri, closeDatabase: true });
  });
  afterAll(async () => {
    await store?.close();
  });

  it("reads the same models, versions, stages, tags, aliases and download URIs as MlflowClient", async () => {
    const theirs = await mlflow<Dump>(["dump", uri]);
    const ours = await dumpStore(store);
    expect(ours).toEqual(theirs);
    expect(ours.models.map((m) => m.model.name)).toEqual(["py-bert", "py-renamed", "py-tfidf"]);
    const tfidf = ours.models.find((m) => m.model.name === "py-tfidf")!;
    expect(tfidf.model.latest_versions.map((v) => [v.version, v.current_stage])).toEqual([
      ["2", "Staging"],
      ["3", "Production"],
      ["4", "None"],
    ]);
    // The version MLflow deleted is gone from every read, its number is not reused.
    await expect(store.getModelVersion("py-tfidf", "1")).rejects.toMatchObject({ code: "RESOURCE_DOES_NOT_EXIST" });
    expect((await store.createModelVersion({ name: "py-tfidf", source: "s3://bucket/tfidf/5" })).version).toBe("5");
  });

  it("search_registered_models and search_model_versions give the same results", async () => {
    await expectSameSearches(store, uri);
  });

  it("the SQL registry store can write to MLflow's file, and MlflowClient reads the result", async () => {
    await store.setRegisteredModelAlias("py-tfidf", "from-ts", "5");
    await store.transitionModelVersionStage("py-tfidf", "5", "production", true);
    await store.setModelVersionTag("py-tfidf", "5", "by", "ts");
    await store.renameRegisteredModel("py-bert", "py-bert-ts");
    const theirs = await mlflow<Dump>(["dump", uri]);
    expect(await dumpStore(store)).toEqual(theirs);
    const tfidf = theirs.models.find((m) => m.model.name === "py-tfidf")!;
    expect(tfidf.by_alias["from-ts"]).toMatchObject({ version: "5", current_stage: "Production", tags: { by: "ts" } });
    expect(tfidf.versions.find((v) => v.version === "3")!.current_stage).toBe("Archived");
    expect(theirs.models.map((m) => m.model.name)).toContain("py-bert-ts");
  });
});
