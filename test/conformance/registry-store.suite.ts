/**
 * The registry-store conformance suite: MLflow's model-registry semantics, written once, run
 * against every RegistryStore implementation (memory, SQL, REST). The REST store runs it against a
 * real `mlflow server` with no deviations (test/registry/rest-store.test.ts), so every expectation
 * here is MLflow's observed behaviour (mlflow 3.17.2, SQL store; `sqlalchemy_store.py:N` means
 * mlflow/store/model_registry/sqlalchemy_store.py, `handlers.py:N` mlflow/server/handlers.py, in
 * the installed package under .venv/lib/python3.11/site-packages/mlflow).
 *
 * Some of it is the server's, not the store's: `handlers.py` checks model-version sources
 * (`runs:/` needs the matching run id, no `..`, no local paths without a run, no host-addressed
 * schemes, `models:/` sources resolved to `models:/<name>/<version>`). A store that stands in for
 * the server has to do the same.
 *
 * The suite never assumes an empty store: it may run against a long-lived shared server holding
 * other tests' data. Every model it creates has a unique name, and searches are confined to the
 * suite's own models by a unique name prefix.
 *
 * Errors are checked by code (`hasErrorCode`), never by message text, but every message must be
 * non-empty. Timestamps are checked by relation (creation ≤ last update, an update moves it), never
 * by value.
 *
 * @example
 * ```ts
 * describeRegistryStore("memory", async () => createMemoryRegistryStore({ tracking }), { newRun: async () => … });
 * describeRegistryStore("rest", async () => createRestRegistryStore(url), { newRun: async () => … });
 * ```
 */
import { afterAll, assert, beforeAll, describe, expect, it } from "vitest";
import { hasErrorCode, isSentiMlopsError, type ErrorCode, type SentiMlopsError } from "../../src/errors.js";
import type { CreateModelVersionRequest, RegistryStore } from "../../src/mlflow/registry-store.js";
import type { ModelVersion, RegisteredModel } from "../../src/mlflow/registry-entities.js";
import type { Tag } from "../../src/mlflow/tracking-entities.js";
import type { ConformanceDeviation } from "./tracking-store.suite.js";
import { randomHex as hex } from "./bytes.js";

export type { ConformanceDeviation };

/** A tracking run on the same backend as the registry (for sources inside its artifact dir). */
export interface SuiteRun {
  runId: string;
  /** The run's artifact URI, e.g. `mlflow-artifacts:/1/<runId>/artifacts`. */
  artifactUri: string;
}

export interface RegistryStoreSuiteOptions {
  /** Tests this implementation is known to fail; they run with `it.fails` and carry the reason. */
  deviations?: readonly ConformanceDeviation[];
  /**
   * Creates a run in the tracking store that shares the registry's backend, for the tests of
   * run-bound sources (MLflow looks the run up for a source inside a run's artifact directory).
   * Required, so those tests are always registered: a registry that cannot see the runs (e.g. a
   * memory store without a tracking store) still passes a factory (its runs live elsewhere) and
   * lists the test it then fails under `deviations`, with the reason.
   */
  newRun: () => Promise<SuiteRun>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A pause long enough for a millisecond clock to move on. */
const tick = () => sleep(5);
const tag = (key: string, value: string): Tag => ({ key, value });

/** Awaits `promise`, requires it to fail with a senti-mlops error of `code` and a non-empty message. */
async function expectError(promise: Promise<unknown>, code: ErrorCode): Promise<SentiMlopsError> {
  let error: unknown;
  let failed = false;
  try {
    await promise;
  } catch (e) {
    error = e;
    failed = true;
  }
  if (!failed) assert.fail(`expected an error with code ${code}, but the call succeeded`);
  if (!hasErrorCode(error, code)) {
    const got = isSentiMlopsError(error) ? `${error.code}: ${error.message}` : String(error);
    assert.fail(`expected an error with code ${code}, got ${got}`);
  }
  expect(typeof error.message).toBe("string");
  expect(error.message.trim()).not.toBe("");
  return error;
}

/**
 * Registers the conformance suite for one RegistryStore implementation.
 *
 * @param name     shown in the test titles, e.g. "memory"
 * @param factory  makes a store; called once for the suite (shared by its tests) and once more for
 *                 the `close()` test
 * @param options  `newRun` (required): a run factory on the same backend, for run-bound sources;
 *                 `deviations`: tests this implementation is known to fail (run with `it.fails`)
 *
 * @example
 * ```ts
 * describeRegistryStore("memory", async () => createMemoryRegistryStore({ tracking }), {
 *   newRun: async () => { const r = await tracking.createRun({ experimentId: "0" }); return { runId: r.info.runId, artifactUri: r.info.artifactUri }; },
 *   deviations: [{ test: "…exact title…", reason: "…" }],
 * });
 * ```
 */
export function describeRegistryStore(
  name: string,
  factory: () => Promise<RegistryStore>,
  options: RegistryStoreSuiteOptions,
): void {
  const deviations = new Map((options.deviations ?? []).map((d) => [d.test, d.reason]));
  const titles = new Set<string>();

  /** `it`, or `it.fails` for a listed deviation. Titles are unique across the suite. */
  const test = (title: string, fn: () => Promise<void>): void => {
    if (titles.has(title)) throw new Error(`duplicate conformance test title: ${title}`);
    titles.add(title);
    const reason = deviations.get(title);
    if (reason === undefined) it(title, fn);
    else it.fails(`${title} [known deviation: ${reason}]`, fn);
  };

  describe(`RegistryStore conformance: ${name}`, () => {
    let store: RegistryStore;
    const prefix = `regconf-${hex(5)}`;
    const unique = (label: string): string => `${prefix}-${label}-${hex(4)}`;

    beforeAll(async () => {
      store = await factory();
    });
    afterAll(async () => {
      await store?.close();
    });

    /** An S3 source: MLflow checks nothing but relative path parts for it. */
    const s3 = (label = "m"): string => `s3://conformance-bucket/${prefix}/${label}-${hex(3)}`;
    /** A `runs:/` source and the run id MLflow requires with it (the run need not exist). */
    const runSource = (path = "model"): { source: string; runId: string } => {
      const runId = hex(16);
      return { source: `runs:/${runId}/${path}`, runId };
    };
    const newModel = async (label: string, opts?: Parameters<RegistryStore["createRegisteredModel"]>[1]): Promise<string> => {
      const n = unique(label);
      await store.createRegisteredModel(n, opts);
      return n;
    };
    const newVersion = (model: string, extra: Partial<CreateModelVersionRequest> = {}): Promise<ModelVersion> =>
      store.createModelVersion({ name: model, source: s3(), ...extra });
    /** A fresh model with `n` versions. */
    const modelWithVersions = async (label: string, n: number): Promise<{ model: string; versions: ModelVersion[] }> => {
      const model = await newModel(label);
      const versions: ModelVersion[] = [];
      for (let i = 0; i < n; i++) versions.push(await newVersion(model));
      return { model, versions };
    };
    const stageOf = async (model: string, version: string) => (await store.getModelVersion(model, version)).currentStage;

    // ------------------------------------------------------------------------------------------
    describe("registered models", () => {
      test("createRegisteredModel returns the model with its tags and description; getRegisteredModel reads it back", async () => {
        const n = unique("create");
        const before = Date.now();
        const created = await store.createRegisteredModel(n, { tags: [tag("team", "nlp"), tag("a/b c-d_e.f:g", "")], description: "TF-IDF" });
        expect(created.name).toBe(n);
        expect(created.description).toBe("TF-IDF");
        expect(created.tags).toEqual({ team: "nlp", "a/b c-d_e.f:g": "" });
        expect(created.latestVersions).toEqual([]);
        expect(created.aliases).toEqual([]);
        expect(created.userId).toBe("");
        expect(created.creationTimestamp).toBeGreaterThanOrEqual(before - 60_000);
        expect(created.lastUpdatedTimestamp).toBe(created.creationTimestamp);
        expect(await store.getRegisteredModel(n)).toEqual(created);
      });

      test("createRegisteredModel without options: empty description, no tags", async () => {
        const n = unique("bare");
        const m = await store.createRegisteredModel(n);
        expect(m).toMatchObject({ name: n, description: "", tags: {}, aliases: [], latestVersions: [], userId: "" });
      });

      test("createRegisteredModel with a repeated tag key keeps the last value", async () => {
        // sqlalchemy_store.py create_registered_model builds a dict of the tags.
        const n = await newModel("tagdup", { tags: [tag("k", "1"), tag("k", "2")] });
        expect((await store.getRegisteredModel(n)).tags).toEqual({ k: "2" });
      });

      test("createRegisteredModel with a taken name fails with RESOURCE_ALREADY_EXISTS; names are case-sensitive", async () => {
        const n = await newModel("dup");
        await expectError(store.createRegisteredModel(n), "RESOURCE_ALREADY_EXISTS");
        const upper = n.toUpperCase();
        expect((await store.createRegisteredModel(upper)).name).toBe(upper);
        expect((await store.getRegisteredModel(n)).name).toBe(n);
      });

      test("createRegisteredModel rejects names with '/' or ':', blank names, '.' and '..' with INVALID_PARAMETER_VALUE", async () => {
        // validation.py _validate_model_name (and the handler's required-field check for "").
        for (const bad of [`${prefix}/a`, `${prefix}:a`, "", "   ", ".", ".."]) {
          await expectError(store.createRegisteredModel(bad), "INVALID_PARAMETER_VALUE");
        }
        await expectError(store.getRegisteredModel(`${prefix}/a`), "INVALID_PARAMETER_VALUE");
      });

      test("createRegisteredModel accepts spaces, dots, backslashes, non-ASCII and names over 256 characters", async () => {
        for (const ok of [`${unique("sp")} with space`, `${unique("dots")}..x`, `${unique("bs")}\\b`, `${unique("u")}-é`, ` ${unique("lead")}`, `${unique("long")}-${"n".repeat(280)}`]) {
          expect((await store.createRegisteredModel(ok)).name).toBe(ok);
          expect((await store.getRegisteredModel(ok)).name).toBe(ok);
        }
      });

      test("createRegisteredModel with a bad tag key fails with INVALID_PARAMETER_VALUE and creates nothing", async () => {
        const n = unique("badtag");
        await expectError(store.createRegisteredModel(n, { tags: [tag("ok", "v"), tag("../x", "v")] }), "INVALID_PARAMETER_VALUE");
        await expectError(store.getRegisteredModel(n), "RESOURCE_DOES_NOT_EXIST");
      });

      test("getRegisteredModel of an unknown name fails with RESOURCE_DOES_NOT_EXIST", async () => {
        await expectError(store.getRegisteredModel(unique("absent")), "RESOURCE_DOES_NOT_EXIST");
        const n = await newModel("case");
        await expectError(store.getRegisteredModel(n.toUpperCase()), "RESOURCE_DOES_NOT_EXIST");
      });

      test("renameRegisteredModel moves the versions, tags and aliases and bumps the model's and versions' last update", async () => {
        const { model, versions } = await modelWithVersions("rename", 2);
        await store.setRegisteredModelTag(model, "team", "nlp");
        await store.setRegisteredModelAlias(model, "champion", "2");
        const before = await store.getRegisteredModel(model);
        await tick();
        const target = unique("renamed");
        const renamed = await store.renameRegisteredModel(model, target);
        expect(renamed.name).toBe(target);
        expect(renamed.creationTimestamp).toBe(before.creationTimestamp);
        expect(renamed.lastUpdatedTimestamp).toBeGreaterThan(before.lastUpdatedTimestamp);
        expect(renamed.tags).toEqual({ team: "nlp" });
        expect(renamed.aliases).toEqual([{ alias: "champion", version: "2" }]);
        expect(await store.getRegisteredModel(target)).toEqual(renamed);
        await expectError(store.getRegisteredModel(model), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.getModelVersion(model, "1"), "RESOURCE_DOES_NOT_EXIST");
        const v1 = await store.getModelVersion(target, "1");
        expect(v1.name).toBe(target);
        expect(v1.source).toBe(versions[0]!.source);
        expect(v1.lastUpdatedTimestamp).toBe(renamed.lastUpdatedTimestamp);
        expect((await store.getModelVersionByAlias(target, "champion")).version).toBe("2");
        expect((await newVersion(target)).version).toBe("3");
      });

      test("renameRegisteredModel to a taken name fails with RESOURCE_ALREADY_EXISTS and changes nothing", async () => {
        const { model: a } = await modelWithVersions("taken-a", 1);
        const b = await newModel("taken-b");
        await expectError(store.renameRegisteredModel(a, b), "RESOURCE_ALREADY_EXISTS");
        expect((await store.getModelVersion(a, "1")).name).toBe(a);
        expect((await store.getRegisteredModel(b)).latestVersions).toEqual([]);
      });

      test("renameRegisteredModel: unknown → RESOURCE_DOES_NOT_EXIST, bad or empty new name → INVALID_PARAMETER_VALUE, own name → fine", async () => {
        await expectError(store.renameRegisteredModel(unique("absent"), unique("x")), "RESOURCE_DOES_NOT_EXIST");
        const n = await newModel("rename-bad");
        await expectError(store.renameRegisteredModel(n, `${n}/x`), "INVALID_PARAMETER_VALUE");
        await expectError(store.renameRegisteredModel(n, `${n}:x`), "INVALID_PARAMETER_VALUE");
        await expectError(store.renameRegisteredModel(n, ""), "INVALID_PARAMETER_VALUE");
        expect((await store.renameRegisteredModel(n, n)).name).toBe(n);
      });

      test("updateRegisteredModel sets the description and bumps the last update only", async () => {
        const n = await newModel("update", { description: "old", tags: [tag("k", "v")] });
        const before = await store.getRegisteredModel(n);
        await tick();
        const updated = await store.updateRegisteredModel(n, { description: "new" });
        expect(updated.description).toBe("new");
        expect(updated.tags).toEqual({ k: "v" });
        expect(updated.creationTimestamp).toBe(before.creationTimestamp);
        expect(updated.lastUpdatedTimestamp).toBeGreaterThan(before.lastUpdatedTimestamp);
        expect(await store.getRegisteredModel(n)).toEqual(updated);
      });

      test("updateRegisteredModel without a description clears it, as MLflow does", async () => {
        // handlers.py _update_registered_model passes request_message.description, "" when absent.
        const n = await newModel("update-clear", { description: "something" });
        expect((await store.updateRegisteredModel(n, {})).description).toBe("");
        expect((await store.getRegisteredModel(n)).description).toBe("");
      });

      test("updateRegisteredModel of an unknown model fails with RESOURCE_DOES_NOT_EXIST", async () => {
        await expectError(store.updateRegisteredModel(unique("absent"), { description: "x" }), "RESOURCE_DOES_NOT_EXIST");
      });

      test("deleteRegisteredModel removes the model, its versions, tags and aliases; the name can be reused from version 1", async () => {
        const { model } = await modelWithVersions("delete", 2);
        await store.setRegisteredModelTag(model, "k", "v");
        await store.setModelVersionTag(model, "1", "vk", "vv");
        await store.setRegisteredModelAlias(model, "champion", "1");
        await store.deleteRegisteredModel(model);
        await expectError(store.getRegisteredModel(model), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.getModelVersion(model, "1"), "RESOURCE_DOES_NOT_EXIST");
        expect((await store.searchModelVersions({ filter: `name = '${model}'` })).items).toEqual([]);
        const again = await store.createRegisteredModel(model);
        expect(again).toMatchObject({ tags: {}, aliases: [], latestVersions: [] });
        const v = await newVersion(model);
        expect(v.version).toBe("1");
        expect(v.tags).toEqual({});
        await expectError(store.getModelVersionByAlias(model, "champion"), "INVALID_PARAMETER_VALUE");
      });

      test("deleteRegisteredModel of an unknown or already deleted model fails with RESOURCE_DOES_NOT_EXIST", async () => {
        const n = await newModel("delete-twice");
        await store.deleteRegisteredModel(n);
        await expectError(store.deleteRegisteredModel(n), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.deleteRegisteredModel(unique("absent")), "RESOURCE_DOES_NOT_EXIST");
      });
    });

    // ------------------------------------------------------------------------------------------
    describe("registered model tags", () => {
      test("setRegisteredModelTag adds and overwrites, deleteRegisteredModelTag removes; neither moves the last update", async () => {
        const n = await newModel("tags", { tags: [tag("team", "nlp")] });
        const before = await store.getRegisteredModel(n);
        await tick();
        await store.setRegisteredModelTag(n, "team", "vision");
        await store.setRegisteredModelTag(n, "owner", "ana");
        await store.setRegisteredModelTag(n, "empty", "");
        let m = await store.getRegisteredModel(n);
        expect(m.tags).toEqual({ team: "vision", owner: "ana", empty: "" });
        await store.deleteRegisteredModelTag(n, "team");
        m = await store.getRegisteredModel(n);
        expect(m.tags).toEqual({ owner: "ana", empty: "" });
        // sqlalchemy_store.py set_registered_model_tag / delete_registered_model_tag touch no timestamp.
        expect(m.lastUpdatedTimestamp).toBe(before.lastUpdatedTimestamp);
      });

      test("deleteRegisteredModelTag of a missing key succeeds and changes nothing", async () => {
        // sqlalchemy_store.py delete_registered_model_tag deletes only an existing tag, no error.
        const n = await newModel("deltag-missing", { tags: [tag("k", "v")] });
        await store.deleteRegisteredModelTag(n, "missing");
        expect((await store.getRegisteredModel(n)).tags).toEqual({ k: "v" });
      });

      test("registered model tag limits: key ≤ 250 characters, value ≤ 100000, key charset and path rules", async () => {
        const n = await newModel("tag-limits");
        await store.setRegisteredModelTag(n, "k".repeat(250), "x");
        await store.setRegisteredModelTag(n, "big", "v".repeat(100_000));
        await expectError(store.setRegisteredModelTag(n, "k".repeat(251), "x"), "INVALID_PARAMETER_VALUE");
        await expectError(store.setRegisteredModelTag(n, "bigger", "v".repeat(100_001)), "INVALID_PARAMETER_VALUE");
        for (const bad of ["a//b", "bad*key", "/abs", "../up", ""]) {
          await expectError(store.setRegisteredModelTag(n, bad, "x"), "INVALID_PARAMETER_VALUE");
        }
        await expectError(store.deleteRegisteredModelTag(n, "a//b"), "INVALID_PARAMETER_VALUE");
        const tags = (await store.getRegisteredModel(n)).tags;
        expect(Object.keys(tags).sort()).toEqual(["big", "k".repeat(250)]);
        expect(tags.big).toHaveLength(100_000);
      });

      test("registered model tags on an unknown model fail with RESOURCE_DOES_NOT_EXIST", async () => {
        await expectError(store.setRegisteredModelTag(unique("absent"), "k", "v"), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.deleteRegisteredModelTag(unique("absent"), "k"), "RESOURCE_DOES_NOT_EXIST");
      });
    });

    // ------------------------------------------------------------------------------------------
    describe("model versions", () => {
      test("createModelVersion: version '1', READY, stage None, the given fields; creating bumps the model's last update", async () => {
        const n = await newModel("mv-create");
        const before = await store.getRegisteredModel(n);
        await tick();
        const { source, runId } = runSource();
        const v = await store.createModelVersion({
          name: n,
          source,
          runId,
          runLink: "http://example.org/run/1",
          description: "first",
          tags: [tag("flavor", "tfidf"), tag("flavor", "bert"), tag("x", "")],
        });
        expect(v).toEqual({
          name: n,
          version: "1",
          creationTimestamp: v.creationTimestamp,
          lastUpdatedTimestamp: v.creationTimestamp,
          userId: "",
          currentStage: "None",
          description: "first",
          source,
          runId,
          status: "READY",
          statusMessage: "",
          runLink: "http://example.org/run/1",
          tags: { flavor: "bert", x: "" },
          aliases: [],
        });
        expect(v.creationTimestamp).toBeGreaterThan(before.lastUpdatedTimestamp);
        expect(await store.getModelVersion(n, "1")).toEqual(v);
        const m = await store.getRegisteredModel(n);
        expect(m.lastUpdatedTimestamp).toBe(v.creationTimestamp);
        expect(m.creationTimestamp).toBe(before.creationTimestamp);
      });

      test("createModelVersion numbers versions 1, 2, 3 per model, with empty optional fields", async () => {
        const a = await newModel("mv-count-a");
        const b = await newModel("mv-count-b");
        expect((await newVersion(a)).version).toBe("1");
        expect((await newVersion(a)).version).toBe("2");
        expect((await newVersion(b)).version).toBe("1");
        const v3 = await newVersion(a);
        expect(v3).toMatchObject({ version: "3", runId: "", runLink: "", description: "", tags: {}, aliases: [], status: "READY", currentStage: "None" });
      });

      test("version numbers are never reused: deleting the newest version does not free its number", async () => {
        const { model } = await modelWithVersions("mv-noreuse", 2);
        await store.deleteModelVersion(model, "2");
        expect((await newVersion(model)).version).toBe("3");
        await store.deleteModelVersion(model, "3");
        await store.deleteModelVersion(model, "1");
        expect((await newVersion(model)).version).toBe("4");
      });

      test("createModelVersion for an unknown model fails with RESOURCE_DOES_NOT_EXIST", async () => {
        await expectError(store.createModelVersion({ name: unique("absent"), source: s3() }), "RESOURCE_DOES_NOT_EXIST");
      });

      test("createModelVersion with a bad tag key or an empty source fails with INVALID_PARAMETER_VALUE and creates nothing", async () => {
        const n = await newModel("mv-bad");
        await expectError(store.createModelVersion({ name: n, source: s3(), tags: [tag("ok", "v"), tag("a//b", "v")] }), "INVALID_PARAMETER_VALUE");
        await expectError(store.createModelVersion({ name: n, source: s3(), tags: [tag("k".repeat(251), "v")] }), "INVALID_PARAMETER_VALUE");
        await expectError(store.createModelVersion({ name: n, source: "" }), "INVALID_PARAMETER_VALUE");
        expect((await newVersion(n)).version).toBe("1");
      });

      test("getModelVersion: unknown version or model → RESOURCE_DOES_NOT_EXIST, non-integer version → INVALID_PARAMETER_VALUE", async () => {
        const { model } = await modelWithVersions("mv-get", 1);
        await expectError(store.getModelVersion(model, "2"), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.getModelVersion(model, "0"), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.getModelVersion(model, "-1"), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.getModelVersion(unique("absent"), "1"), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.getModelVersion(model, "abc"), "INVALID_PARAMETER_VALUE");
        await expectError(store.getModelVersion(model, "1.0"), "INVALID_PARAMETER_VALUE");
      });

      test("getModelVersion parses the version as an integer: '01' is version '1'", async () => {
        // sqlalchemy_store.py _get_sql_model_version → validation.py _validate_model_version: int(version).
        const { model } = await modelWithVersions("mv-int", 1);
        expect((await store.getModelVersion(model, "01")).version).toBe("1");
      });

      test("updateModelVersion sets the description and bumps the version's last update, not the model's", async () => {
        const { model } = await modelWithVersions("mv-update", 1);
        const before = await store.getModelVersion(model, "1");
        const modelBefore = await store.getRegisteredModel(model);
        await tick();
        const updated = await store.updateModelVersion(model, "1", { description: "better" });
        expect(updated.description).toBe("better");
        expect(updated.creationTimestamp).toBe(before.creationTimestamp);
        expect(updated.lastUpdatedTimestamp).toBeGreaterThan(before.lastUpdatedTimestamp);
        expect(await store.getModelVersion(model, "1")).toEqual(updated);
        // sqlalchemy_store.py update_model_version leaves the registered model alone.
        expect((await store.getRegisteredModel(model)).lastUpdatedTimestamp).toBe(modelBefore.lastUpdatedTimestamp);
      });

      test("updateModelVersion without a description clears it, as MLflow does", async () => {
        const n = await newModel("mv-update-clear");
        await newVersion(n, { description: "something" });
        expect((await store.updateModelVersion(n, "1", {})).description).toBe("");
        expect((await store.getModelVersion(n, "1")).description).toBe("");
      });

      test("updateModelVersion of an unknown version fails with RESOURCE_DOES_NOT_EXIST", async () => {
        const { model } = await modelWithVersions("mv-update-unknown", 1);
        await expectError(store.updateModelVersion(model, "7", { description: "x" }), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.updateModelVersion(unique("absent"), "1", { description: "x" }), "RESOURCE_DOES_NOT_EXIST");
      });

      test("getModelVersionDownloadUri is the source, unresolved; unknown versions fail with RESOURCE_DOES_NOT_EXIST", async () => {
        const n = await newModel("mv-download");
        const { source, runId } = runSource("model/sub");
        await store.createModelVersion({ name: n, source, runId });
        const plain = s3("plain");
        await store.createModelVersion({ name: n, source: plain });
        expect(await store.getModelVersionDownloadUri(n, "1")).toBe(source);
        expect(await store.getModelVersionDownloadUri(n, "2")).toBe(plain);
        await expectError(store.getModelVersionDownloadUri(n, "3"), "RESOURCE_DOES_NOT_EXIST");
      });
    });

    // ------------------------------------------------------------------------------------------
    describe("model version sources (checked by the MLflow server, handlers.py _create_model_version)", () => {
      test("a runs:/ source needs the run id it names: without it or with another one → INVALID_PARAMETER_VALUE", async () => {
        // handlers.py _validate_source_run: the runs:/ URI's run id must equal run_id; the run itself is not looked up.
        const n = await newModel("src-runs");
        const { source, runId } = runSource();
        await expectError(store.createModelVersion({ name: n, source }), "INVALID_PARAMETER_VALUE");
        await expectError(store.createModelVersion({ name: n, source, runId: hex(16) }), "INVALID_PARAMETER_VALUE");
        await expectError(store.createModelVersion({ name: n, source: `runs://host/${runId}/model`, runId }), "INVALID_PARAMETER_VALUE");
        expect((await store.createModelVersion({ name: n, source, runId })).version).toBe("1");
      });

      test("object-store sources are accepted with or without a run id, which is stored as given", async () => {
        const n = await newModel("src-s3");
        const other = hex(16);
        expect(await store.createModelVersion({ name: n, source: s3() })).toMatchObject({ version: "1", runId: "" });
        expect(await store.createModelVersion({ name: n, source: s3(), runId: other })).toMatchObject({ version: "2", runId: other });
        expect(await store.createModelVersion({ name: n, source: "gs://bucket/model" })).toMatchObject({ version: "3", source: "gs://bucket/model" });
      });

      test("sources with '..' segments, local paths without a run, host-addressed schemes and run-less mlflow-artifacts:/ fail with INVALID_PARAMETER_VALUE", async () => {
        const n = await newModel("src-bad");
        const { runId } = runSource();
        const bad = [
          "s3://bucket/a/../b",
          `runs:/${runId}/a/../b`,
          "/tmp/model",
          "relative/model",
          "file:///tmp/model",
          "https://example.org/model",
          "mlflow-artifacts://elsewhere:80/model",
          "mlflow-artifacts:/0/model",
          "models://host/m/1",
        ];
        for (const source of bad) await expectError(store.createModelVersion({ name: n, source, runId }), "INVALID_PARAMETER_VALUE");
        expect((await newVersion(n)).version).toBe("1");
      });

      test("a models:/<name>/<version> source inherits the run id and the download URI of the version it names", async () => {
        // handlers.py _resolve_registered_model_source_lineage; sqlalchemy_store.py create_model_version storage_location.
        const base = await newModel("src-models-base");
        const { source, runId } = runSource();
        await store.createModelVersion({ name: base, source, runId });
        const n = await newModel("src-models");
        const v = await store.createModelVersion({ name: n, source: `models:/${base}/1` });
        expect(v).toMatchObject({ version: "1", source: `models:/${base}/1`, runId });
        expect(await store.getModelVersionDownloadUri(n, "1")).toBe(source);
        expect((await store.createModelVersion({ name: n, source: `models:/${base}/1`, runId })).version).toBe("2");
        await expectError(store.createModelVersion({ name: n, source: `models:/${base}/1`, runId: hex(16) }), "INVALID_PARAMETER_VALUE");
        await expectError(store.createModelVersion({ name: n, source: `models:/${base}/9` }), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.createModelVersion({ name: n, source: `models:/${unique("absent")}/1` }), "RESOURCE_DOES_NOT_EXIST");
      });

      test("models:/ sources by alias, 'latest' or stage are stored as models:/<name>/<version>", async () => {
        const base = await newModel("src-alias-base");
        await newVersion(base);
        await newVersion(base);
        await store.setRegisteredModelAlias(base, "champion", "1");
        await store.transitionModelVersionStage(base, "1", "Staging", false);
        const n = await newModel("src-alias");
        expect((await store.createModelVersion({ name: n, source: `models:/${base}@champion` })).source).toBe(`models:/${base}/1`);
        expect((await store.createModelVersion({ name: n, source: `models:/${base}/latest` })).source).toBe(`models:/${base}/2`);
        expect((await store.createModelVersion({ name: n, source: `models:/${base}/Staging` })).source).toBe(`models:/${base}/1`);
      });

      const newRun = options.newRun;
      test("a source inside the run's artifact directory is accepted with that run's id, not with another run's", async () => {
        // handlers.py _validate_source_run: mlflow-artifacts sources must lie under run.info.artifact_uri.
        const run = await newRun();
        const other = await newRun();
        const n = await newModel("src-artifacts");
        const source = `${run.artifactUri}/model`;
        await expectError(store.createModelVersion({ name: n, source, runId: other.runId }), "INVALID_PARAMETER_VALUE");
        await expectError(store.createModelVersion({ name: n, source }), "INVALID_PARAMETER_VALUE");
        const v = await store.createModelVersion({ name: n, source, runId: run.runId });
        expect(v).toMatchObject({ version: "1", source, runId: run.runId });
        expect(await store.getModelVersionDownloadUri(n, "1")).toBe(source);
      });

      test("a runs:/ source of an existing run registers with its id", async () => {
        const run = await newRun();
        const n = await newModel("src-real-run");
        const v = await store.createModelVersion({ name: n, source: `runs:/${run.runId}/model`, runId: run.runId });
        expect(v).toMatchObject({ version: "1", runId: run.runId, source: `runs:/${run.runId}/model` });
      });
    });

    // ------------------------------------------------------------------------------------------
    describe("deleting model versions", () => {
      test("deleteModelVersion is soft: gets, updates, tags, stages and download URIs of the version fail with RESOURCE_DOES_NOT_EXIST", async () => {
        const { model } = await modelWithVersions("mvdel", 2);
        await store.deleteModelVersion(model, "1");
        await expectError(store.getModelVersion(model, "1"), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.getModelVersionDownloadUri(model, "1"), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.updateModelVersion(model, "1", { description: "x" }), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.setModelVersionTag(model, "1", "k", "v"), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.deleteModelVersionTag(model, "1", "k"), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.transitionModelVersionStage(model, "1", "Staging", false), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.setRegisteredModelAlias(model, "a", "1"), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.deleteModelVersion(model, "1"), "RESOURCE_DOES_NOT_EXIST");
        expect((await store.getModelVersion(model, "2")).version).toBe("2");
      });

      test("deleteModelVersion of an unknown version or model fails with RESOURCE_DOES_NOT_EXIST, a non-integer one with INVALID_PARAMETER_VALUE", async () => {
        const { model } = await modelWithVersions("mvdel-unknown", 1);
        await expectError(store.deleteModelVersion(model, "5"), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.deleteModelVersion(unique("absent"), "1"), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.deleteModelVersion(model, "x"), "INVALID_PARAMETER_VALUE");
      });

      test("a deleted version leaves searches and latest versions; the newest remaining version of its stage takes its place", async () => {
        const { model } = await modelWithVersions("mvdel-latest", 3);
        await store.transitionModelVersionStage(model, "1", "Production", false);
        await store.transitionModelVersionStage(model, "2", "Production", false);
        await store.deleteModelVersion(model, "2");
        await store.deleteModelVersion(model, "3");
        const m = await store.getRegisteredModel(model);
        expect(m.latestVersions.map((v) => [v.version, v.currentStage])).toEqual([["1", "Production"]]);
        expect((await store.getLatestVersions(model)).map((v) => v.version)).toEqual(["1"]);
        expect((await store.searchModelVersions({ filter: `name = '${model}'` })).items.map((v) => v.version)).toEqual(["1"]);
      });

      test("deleting a version removes the aliases pointing to it, keeps the others, and bumps the model's last update", async () => {
        const { model } = await modelWithVersions("mvdel-alias", 2);
        await store.setRegisteredModelAlias(model, "champion", "1");
        await store.setRegisteredModelAlias(model, "old", "1");
        await store.setRegisteredModelAlias(model, "challenger", "2");
        const before = await store.getRegisteredModel(model);
        await tick();
        await store.deleteModelVersion(model, "1");
        const m = await store.getRegisteredModel(model);
        expect(m.aliases).toEqual([{ alias: "challenger", version: "2" }]);
        expect(m.lastUpdatedTimestamp).toBeGreaterThan(before.lastUpdatedTimestamp);
        await expectError(store.getModelVersionByAlias(model, "champion"), "INVALID_PARAMETER_VALUE");
        expect((await store.getModelVersionByAlias(model, "challenger")).aliases).toEqual(["challenger"]);
      });
    });

    // ------------------------------------------------------------------------------------------
    describe("stages", () => {
      test("transitionModelVersionStage takes stage names in any case and stores MLflow's spelling", async () => {
        const { model } = await modelWithVersions("stage-case", 1);
        const cases: [string, string][] = [
          ["staging", "Staging"],
          ["PRODUCTION", "Production"],
          ["archived", "Archived"],
          ["nOnE", "None"],
          ["Production", "Production"],
        ];
        for (const [given, canonical] of cases) {
          expect((await store.transitionModelVersionStage(model, "1", given, false)).currentStage).toBe(canonical);
          expect(await stageOf(model, "1")).toBe(canonical);
        }
      });

      test("transitionModelVersionStage bumps the version's and the model's last update", async () => {
        const { model } = await modelWithVersions("stage-time", 1);
        const v = await store.getModelVersion(model, "1");
        await tick();
        const moved = await store.transitionModelVersionStage(model, "1", "Staging", false);
        expect(moved.lastUpdatedTimestamp).toBeGreaterThan(v.lastUpdatedTimestamp);
        expect(moved.creationTimestamp).toBe(v.creationTimestamp);
        expect((await store.getRegisteredModel(model)).lastUpdatedTimestamp).toBe(moved.lastUpdatedTimestamp);
      });

      test("transitionModelVersionStage to an unknown stage fails with INVALID_PARAMETER_VALUE", async () => {
        const { model } = await modelWithVersions("stage-bad", 1);
        for (const bad of ["bogus", "Deleted_Internal", ""]) {
          await expectError(store.transitionModelVersionStage(model, "1", bad, false), "INVALID_PARAMETER_VALUE");
          await expectError(store.transitionModelVersionStage(model, "1", bad, true), "INVALID_PARAMETER_VALUE");
        }
        expect(await stageOf(model, "1")).toBe("None");
      });

      test("transitionModelVersionStage of an unknown version fails with RESOURCE_DOES_NOT_EXIST", async () => {
        const { model } = await modelWithVersions("stage-unknown", 1);
        await expectError(store.transitionModelVersionStage(model, "9", "Production", false), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.transitionModelVersionStage(model, "9", "Production", true), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.transitionModelVersionStage(unique("absent"), "1", "Staging", false), "RESOURCE_DOES_NOT_EXIST");
      });

      test("archiveExistingVersions moves the other versions of the target stage (only) to Archived at the same time", async () => {
        const { model } = await modelWithVersions("stage-archive", 5);
        await store.transitionModelVersionStage(model, "1", "Production", false);
        await store.transitionModelVersionStage(model, "2", "Production", false);
        await store.transitionModelVersionStage(model, "3", "Staging", false);
        await tick();
        const moved = await store.transitionModelVersionStage(model, "4", "production", true);
        expect(moved.currentStage).toBe("Production");
        expect(await stageOf(model, "1")).toBe("Archived");
        expect(await stageOf(model, "2")).toBe("Archived");
        expect(await stageOf(model, "3")).toBe("Staging");
        expect(await stageOf(model, "5")).toBe("None");
        expect((await store.getModelVersion(model, "1")).lastUpdatedTimestamp).toBe(moved.lastUpdatedTimestamp);
        // Archiving into the stage a version is already in keeps it there.
        expect((await store.transitionModelVersionStage(model, "4", "Production", true)).currentStage).toBe("Production");
        await store.transitionModelVersionStage(model, "5", "Staging", true);
        expect(await stageOf(model, "3")).toBe("Archived");
      });

      test("archiveExistingVersions into None or Archived fails with INTERNAL_ERROR (MLflow raises it without a code)", async () => {
        // sqlalchemy_store.py transition_model_version_stage: MlflowException(msg) with the default INTERNAL_ERROR.
        const { model } = await modelWithVersions("stage-archive-bad", 2);
        await expectError(store.transitionModelVersionStage(model, "1", "Archived", true), "INTERNAL_ERROR");
        await expectError(store.transitionModelVersionStage(model, "1", "none", true), "INTERNAL_ERROR");
        expect(await stageOf(model, "1")).toBe("None");
      });

      test("latestVersions: the newest version of each stage; a stage comes where its oldest version comes on reads, in stage-name order in searches", async () => {
        // Reads: dbmodels/models.py SqlRegisteredModel.to_mlflow_entity walks the versions in
        // ascending order into a dict keyed by stage. Searches: sqlalchemy_store.py
        // _get_latest_versions_for_models (a window query partitioned by stage; SQLite answers the
        // partitions in stage-name order).
        const { model } = await modelWithVersions("stage-latest", 6);
        await store.transitionModelVersionStage(model, "1", "Archived", false);
        await store.transitionModelVersionStage(model, "2", "Production", false);
        await store.transitionModelVersionStage(model, "3", "Production", false);
        await store.transitionModelVersionStage(model, "4", "Staging", false);
        const m = await store.getRegisteredModel(model);
        expect(m.latestVersions.map((v) => [v.currentStage, v.version])).toEqual([
          ["Archived", "1"],
          ["Production", "3"],
          ["Staging", "4"],
          ["None", "6"],
        ]);
        for (const v of m.latestVersions) expect(v).toEqual({ ...(await store.getModelVersion(model, v.version)), aliases: [] });
        const [found] = (await store.searchRegisteredModels({ filter: `name = '${model}'` })).items;
        expect(found!.latestVersions.map((v) => [v.currentStage, v.version])).toEqual([
          ["Archived", "1"],
          ["None", "6"],
          ["Production", "3"],
          ["Staging", "4"],
        ]);
      });

      test("latestVersions carry their tags but no aliases (MLflow fills aliases only when reading single versions)", async () => {
        // store/model_registry/dbmodels/models.py SqlModelVersion.to_mlflow_entity passes aliases=[].
        const { model } = await modelWithVersions("stage-latest-alias", 1);
        await store.setModelVersionTag(model, "1", "k", "v");
        await store.setRegisteredModelAlias(model, "champion", "1");
        const [latest] = (await store.getRegisteredModel(model)).latestVersions;
        expect(latest).toMatchObject({ version: "1", tags: { k: "v" }, aliases: [] });
        expect((await store.getModelVersion(model, "1")).aliases).toEqual(["champion"]);
      });

      test("getLatestVersions: all stages when none are given, the given stages in any case otherwise, with aliases", async () => {
        const { model } = await modelWithVersions("getlatest", 4);
        await store.transitionModelVersionStage(model, "1", "Production", false);
        await store.transitionModelVersionStage(model, "2", "Staging", false);
        await store.setRegisteredModelAlias(model, "champion", "1");
        const all = await store.getLatestVersions(model);
        expect(all.map((v) => [v.currentStage, v.version])).toEqual([
          ["Production", "1"],
          ["Staging", "2"],
          ["None", "4"],
        ]);
        expect(all[0]!.aliases).toEqual(["champion"]);
        expect(await store.getLatestVersions(model, [])).toEqual(all);
        expect((await store.getLatestVersions(model, ["production"])).map((v) => v.version)).toEqual(["1"]);
        expect((await store.getLatestVersions(model, ["none", "PRODUCTION"])).map((v) => v.version)).toEqual(["1", "4"]);
        expect(await store.getLatestVersions(model, ["Archived"])).toEqual([]);
        expect(await store.getLatestVersions(model, ["Production"])).toEqual([await store.getModelVersion(model, "1")]);
      });

      test("getLatestVersions: an unknown stage → INVALID_PARAMETER_VALUE, an unknown model → RESOURCE_DOES_NOT_EXIST, a model without versions → []", async () => {
        const { model } = await modelWithVersions("getlatest-bad", 1);
        await expectError(store.getLatestVersions(model, ["Production", "bogus"]), "INVALID_PARAMETER_VALUE");
        await expectError(store.getLatestVersions(unique("absent")), "RESOURCE_DOES_NOT_EXIST");
        expect(await store.getLatestVersions(await newModel("getlatest-empty"))).toEqual([]);
      });
    });

    // ------------------------------------------------------------------------------------------
    describe("model version tags", () => {
      test("setModelVersionTag adds and overwrites, deleteModelVersionTag removes; neither moves a last update", async () => {
        const { model } = await modelWithVersions("mvtags", 2);
        const before = await store.getModelVersion(model, "1");
        const modelBefore = await store.getRegisteredModel(model);
        await tick();
        await store.setModelVersionTag(model, "1", "flavor", "tfidf");
        await store.setModelVersionTag(model, "1", "flavor", "bert");
        await store.setModelVersionTag(model, "1", "note", "");
        await store.setModelVersionTag(model, "2", "other", "x");
        let v = await store.getModelVersion(model, "1");
        expect(v.tags).toEqual({ flavor: "bert", note: "" });
        await store.deleteModelVersionTag(model, "1", "flavor");
        await store.deleteModelVersionTag(model, "1", "missing"); // no error, as MLflow
        v = await store.getModelVersion(model, "1");
        expect(v.tags).toEqual({ note: "" });
        expect((await store.getModelVersion(model, "2")).tags).toEqual({ other: "x" });
        expect(v.lastUpdatedTimestamp).toBe(before.lastUpdatedTimestamp);
        expect((await store.getRegisteredModel(model)).lastUpdatedTimestamp).toBe(modelBefore.lastUpdatedTimestamp);
      });

      test("model version tag limits and keys: INVALID_PARAMETER_VALUE; unknown versions: RESOURCE_DOES_NOT_EXIST", async () => {
        const { model } = await modelWithVersions("mvtag-bad", 1);
        await store.setModelVersionTag(model, "1", "big", "v".repeat(100_000));
        await expectError(store.setModelVersionTag(model, "1", "bigger", "v".repeat(100_001)), "INVALID_PARAMETER_VALUE");
        await expectError(store.setModelVersionTag(model, "1", "k".repeat(251), "v"), "INVALID_PARAMETER_VALUE");
        for (const bad of ["/abs", "a//b", "bad*key", ""]) await expectError(store.setModelVersionTag(model, "1", bad, "v"), "INVALID_PARAMETER_VALUE");
        await expectError(store.deleteModelVersionTag(model, "1", "../x"), "INVALID_PARAMETER_VALUE");
        await expectError(store.setModelVersionTag(model, "x", "k", "v"), "INVALID_PARAMETER_VALUE");
        await expectError(store.setModelVersionTag(model, "9", "k", "v"), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.deleteModelVersionTag(model, "9", "k"), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.setModelVersionTag(unique("absent"), "1", "k", "v"), "RESOURCE_DOES_NOT_EXIST");
        expect(Object.keys((await store.getModelVersion(model, "1")).tags)).toEqual(["big"]);
      });
    });

    // ------------------------------------------------------------------------------------------
    describe("aliases", () => {
      test("setRegisteredModelAlias points an alias at a version; the model lists it, the version carries it, getModelVersionByAlias finds it", async () => {
        const { model } = await modelWithVersions("alias", 2);
        await store.setRegisteredModelAlias(model, "champion", "1");
        await store.setRegisteredModelAlias(model, "baseline", "1");
        await store.setRegisteredModelAlias(model, "challenger", "2");
        const m = await store.getRegisteredModel(model);
        expect(m.aliases).toEqual([
          { alias: "baseline", version: "1" },
          { alias: "challenger", version: "2" },
          { alias: "champion", version: "1" },
        ]);
        const byAlias = await store.getModelVersionByAlias(model, "champion");
        expect(byAlias).toEqual(await store.getModelVersion(model, "1"));
        expect(byAlias.aliases).toEqual(["baseline", "champion"]);
        expect((await store.getModelVersion(model, "2")).aliases).toEqual(["challenger"]);
      });

      test("setRegisteredModelAlias moves an existing alias; aliases are case-sensitive and sorted by code point", async () => {
        const { model } = await modelWithVersions("alias-move", 2);
        await store.setRegisteredModelAlias(model, "champ", "1");
        await store.setRegisteredModelAlias(model, "champ", "2");
        await store.setRegisteredModelAlias(model, "Champ", "1");
        expect((await store.getRegisteredModel(model)).aliases).toEqual([
          { alias: "Champ", version: "1" },
          { alias: "champ", version: "2" },
        ]);
        expect((await store.getModelVersion(model, "1")).aliases).toEqual(["Champ"]);
        expect((await store.getModelVersionByAlias(model, "champ")).version).toBe("2");
      });

      test("alias changes do not move any last update", async () => {
        const { model } = await modelWithVersions("alias-time", 1);
        const m = await store.getRegisteredModel(model);
        const v = await store.getModelVersion(model, "1");
        await tick();
        await store.setRegisteredModelAlias(model, "a", "1");
        await store.deleteRegisteredModelAlias(model, "a");
        expect((await store.getRegisteredModel(model)).lastUpdatedTimestamp).toBe(m.lastUpdatedTimestamp);
        expect((await store.getModelVersion(model, "1")).lastUpdatedTimestamp).toBe(v.lastUpdatedTimestamp);
      });

      test("deleteRegisteredModelAlias removes the alias; deleting a missing alias succeeds", async () => {
        const { model } = await modelWithVersions("alias-del", 1);
        await store.setRegisteredModelAlias(model, "champion", "1");
        await store.deleteRegisteredModelAlias(model, "champion");
        await store.deleteRegisteredModelAlias(model, "champion");
        await store.deleteRegisteredModelAlias(model, "latest");
        expect((await store.getRegisteredModel(model)).aliases).toEqual([]);
        expect((await store.getModelVersion(model, "1")).aliases).toEqual([]);
        await expectError(store.getModelVersionByAlias(model, "champion"), "INVALID_PARAMETER_VALUE");
      });

      test("alias names: 'latest' in any case, v<digits>, characters outside [A-Za-z0-9_-], empty or over 255 characters fail with INVALID_PARAMETER_VALUE", async () => {
        // validation.py _validate_model_alias_name and _validate_model_alias_name_reserved.
        const { model } = await modelWithVersions("alias-names", 1);
        for (const bad of ["latest", "LATEST", "Latest", "v1", "V12", "v007", "a.b", "a b", "a/b", "", "a".repeat(256)]) {
          await expectError(store.setRegisteredModelAlias(model, bad, "1"), "INVALID_PARAMETER_VALUE");
        }
        for (const ok of ["a".repeat(255), "v1a", "version1", "va", "x-y_z", "é"]) await store.setRegisteredModelAlias(model, ok, "1");
        expect((await store.getRegisteredModel(model)).aliases.map((a) => a.alias)).toEqual(["a".repeat(255), "v1a", "va", "version1", "x-y_z", "é"]);
      });

      test("setRegisteredModelAlias: an unknown version or model → RESOURCE_DOES_NOT_EXIST, a non-integer version → INVALID_PARAMETER_VALUE, a bad name is refused first", async () => {
        const { model } = await modelWithVersions("alias-unknown", 1);
        await expectError(store.setRegisteredModelAlias(model, "a", "2"), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.setRegisteredModelAlias(unique("absent"), "a", "1"), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.setRegisteredModelAlias(model, "a", "one"), "INVALID_PARAMETER_VALUE");
        await expectError(store.setRegisteredModelAlias(unique("absent"), "latest", "1"), "INVALID_PARAMETER_VALUE");
      });

      test("getModelVersionByAlias: an unknown alias fails with INVALID_PARAMETER_VALUE (not RESOURCE_DOES_NOT_EXIST), an unknown model with RESOURCE_DOES_NOT_EXIST", async () => {
        // sqlalchemy_store.py get_model_version_by_alias: "Registered model alias … not found." is INVALID_PARAMETER_VALUE.
        const { model } = await modelWithVersions("alias-get", 1);
        await expectError(store.getModelVersionByAlias(model, "nope"), "INVALID_PARAMETER_VALUE");
        await expectError(store.getModelVersionByAlias(model, "v1"), "INVALID_PARAMETER_VALUE");
        await expectError(store.getModelVersionByAlias(model, "a.b"), "INVALID_PARAMETER_VALUE");
        await expectError(store.getModelVersionByAlias(unique("absent"), "x"), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.deleteRegisteredModelAlias(unique("absent"), "x"), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.deleteRegisteredModelAlias(model, "a.b"), "INVALID_PARAMETER_VALUE");
      });

      test("getModelVersionByAlias 'latest' (any case) is the highest remaining version, whatever its stage", async () => {
        const { model } = await modelWithVersions("alias-latest", 3);
        await store.transitionModelVersionStage(model, "3", "Archived", false);
        await store.transitionModelVersionStage(model, "1", "Production", false);
        expect((await store.getModelVersionByAlias(model, "latest")).version).toBe("3");
        await store.deleteModelVersion(model, "3");
        expect((await store.getModelVersionByAlias(model, "LATEST")).version).toBe("2");
        const empty = await newModel("alias-latest-empty");
        await expectError(store.getModelVersionByAlias(empty, "latest"), "RESOURCE_DOES_NOT_EXIST");
      });
    });

    // ------------------------------------------------------------------------------------------
    describe("searchRegisteredModels", () => {
      // Five models under one unique prefix: Alpha (team=nlp), alpha2, Beta (team=vision, env=prod), Gamma, and a prompt.
      const p = `${prefix}-srm-${hex(3)}`;
      const scoped = `name LIKE '${p}-%'`;
      const names = (ms: readonly RegisteredModel[]): string[] => ms.map((m) => m.name.slice(p.length + 1));
      const search = async (filter: string, orderBy?: string[]) =>
        names((await store.searchRegisteredModels({ filter: `${scoped} AND ${filter}`, ...(orderBy ? { orderBy } : {}) })).items);

      beforeAll(async () => {
        await store.createRegisteredModel(`${p}-Alpha`, { tags: [tag("team", "nlp")] });
        await store.createRegisteredModel(`${p}-alpha2`);
        await store.createRegisteredModel(`${p}-Beta`, { tags: [tag("team", "vision"), tag("env", "prod")] });
        await store.createRegisteredModel(`${p}-Gamma`);
        await store.createRegisteredModel(`${p}-prompt`, { tags: [tag("mlflow.prompt.is_prompt", "true"), tag("team", "nlp")] });
        // Distinct last updates, in the order Gamma, Alpha, Beta, alpha2.
        for (const n of ["Gamma", "Alpha", "Beta", "alpha2"]) {
          await tick();
          await store.updateRegisteredModel(`${p}-${n}`, { description: n });
        }
      });

      test("searchRegisteredModels on the name: =, !=, LIKE (case-sensitive), ILIKE, IN, NOT IN, double quotes", async () => {
        expect(names((await store.searchRegisteredModels({ filter: scoped })).items)).toEqual(["Alpha", "Beta", "Gamma", "alpha2"]);
        expect(await search(`name = '${p}-Beta'`)).toEqual(["Beta"]);
        expect(await search(`name = "${p}-Beta"`)).toEqual(["Beta"]);
        expect(await search(`name != '${p}-Beta'`)).toEqual(["Alpha", "Gamma", "alpha2"]);
        expect(await search(`name LIKE '${p}-alpha%'`)).toEqual(["alpha2"]);
        expect(await search(`name ILIKE '${p}-ALPHA%'`)).toEqual(["Alpha", "alpha2"]);
        expect(await search(`name LIKE '%-_eta'`)).toEqual(["Beta"]);
        expect(await search(`name IN ('${p}-Beta', '${p}-Gamma', '${p}-absent')`)).toEqual(["Beta", "Gamma"]);
        expect(await search(`name NOT IN ('${p}-Beta', '${p}-Gamma')`)).toEqual(["Alpha", "alpha2"]);
      });

      test("searchRegisteredModels on tags: =, != (only models having the tag), LIKE, ILIKE, tag. prefix, several tags", async () => {
        expect(await search("tags.team = 'nlp'")).toEqual(["Alpha"]);
        expect(await search("tag.team = 'nlp'")).toEqual(["Alpha"]);
        expect(await search("tags.team != 'nlp'")).toEqual(["Beta"]);
        expect(await search("tags.team LIKE '%i%'")).toEqual(["Beta"]);
        expect(await search("tags.team LIKE '%I%'")).toEqual([]);
        expect(await search("tags.team ILIKE '%I%'")).toEqual(["Beta"]);
        expect(await search("tags.team = 'vision' AND tags.env = 'prod'")).toEqual(["Beta"]);
        expect(await search("tags.team = 'nlp' AND tags.env = 'prod'")).toEqual([]);
        expect(await search("tags.`team` = 'vision' AND name LIKE '%Beta'")).toEqual(["Beta"]);
      });

      test("searchRegisteredModels leaves prompts out unless the filter asks for tags.`mlflow.prompt.is_prompt` = 'true'", async () => {
        expect(await search("tags.team = 'nlp'")).toEqual(["Alpha"]);
        expect(await search("tags.`mlflow.prompt.is_prompt` = 'true'")).toEqual(["prompt"]);
        expect(await search("tags.`mlflow.prompt.is_prompt` != 'false'")).toEqual(["prompt"]);
        expect((await store.getRegisteredModel(`${p}-prompt`)).tags).toEqual({ "mlflow.prompt.is_prompt": "true", team: "nlp" });
      });

      test("searchRegisteredModels orders by name ASC by default, and by name DESC", async () => {
        expect(names((await store.searchRegisteredModels({ filter: scoped, orderBy: ["name ASC"] })).items)).toEqual(["Alpha", "Beta", "Gamma", "alpha2"]);
        expect(names((await store.searchRegisteredModels({ filter: scoped, orderBy: ["name"] })).items)).toEqual(["Alpha", "Beta", "Gamma", "alpha2"]);
        expect(names((await store.searchRegisteredModels({ filter: scoped, orderBy: ["name DESC"] })).items)).toEqual(["alpha2", "Gamma", "Beta", "Alpha"]);
      });

      test("searchRegisteredModels orders by timestamp and last_updated_timestamp (both the last update), ASC and DESC", async () => {
        const order = async (orderBy: string[]) => names((await store.searchRegisteredModels({ filter: scoped, orderBy })).items);
        expect(await order(["last_updated_timestamp ASC"])).toEqual(["Gamma", "Alpha", "Beta", "alpha2"]);
        expect(await order(["last_updated_timestamp DESC"])).toEqual(["alpha2", "Beta", "Alpha", "Gamma"]);
        expect(await order(["timestamp DESC"])).toEqual(["alpha2", "Beta", "Alpha", "Gamma"]);
        expect(await order(["timestamp"])).toEqual(["Gamma", "Alpha", "Beta", "alpha2"]);
        expect(await order(["timestamp DESC", "name DESC"])).toEqual(["alpha2", "Beta", "Alpha", "Gamma"]);
      });

      test("searchRegisteredModels fills latestVersions and aliases as getRegisteredModel does", async () => {
        const n = `${p}-zeta`;
        await store.createRegisteredModel(n);
        await store.createModelVersion({ name: n, source: s3() });
        await store.createModelVersion({ name: n, source: s3() });
        await store.transitionModelVersionStage(n, "1", "Staging", false);
        await store.setRegisteredModelAlias(n, "champion", "2");
        await store.setModelVersionTag(n, "2", "k", "v");
        const { items } = await store.searchRegisteredModels({ filter: `name = '${n}'` });
        const got = await store.getRegisteredModel(n);
        // The same versions, in another order (see the latestVersions test under "stages").
        expect(items[0]!.latestVersions.map((v) => v.version)).toEqual(["2", "1"]);
        expect(got.latestVersions.map((v) => v.version)).toEqual(["1", "2"]);
        expect(items).toEqual([{ ...got, latestVersions: [...got.latestVersions].reverse() }]);
        await store.deleteRegisteredModel(n);
      });

      test("searchRegisteredModels pages with maxResults and page tokens; the last page has no nextPageToken", async () => {
        const all = names((await store.searchRegisteredModels({ filter: scoped })).items);
        const seen: string[] = [];
        const sizes: number[] = [];
        let pageToken: string | undefined;
        for (let i = 0; i < 10; i++) {
          const page = await store.searchRegisteredModels({ filter: scoped, maxResults: 3, pageToken });
          seen.push(...names(page.items));
          sizes.push(page.items.length);
          pageToken = page.nextPageToken;
          if (pageToken === undefined) break;
          expect(typeof pageToken).toBe("string");
          expect(pageToken).not.toBe("");
        }
        expect(sizes).toEqual([3, 1]);
        expect(seen).toEqual(all);
        const exact = await store.searchRegisteredModels({ filter: scoped, maxResults: 4 });
        expect(exact.items).toHaveLength(4);
        expect(exact.nextPageToken).toBeUndefined();
        const desc = await store.searchRegisteredModels({ filter: scoped, maxResults: 2, orderBy: ["name DESC"] });
        const rest = await store.searchRegisteredModels({ filter: scoped, maxResults: 2, orderBy: ["name DESC"], pageToken: desc.nextPageToken });
        expect([...names(desc.items), ...names(rest.items)]).toEqual(["alpha2", "Gamma", "Beta", "Alpha"]);
        expect(rest.nextPageToken).toBeUndefined();
      });

      test("searchRegisteredModels maxResults: up to 1000; over → INVALID_PARAMETER_VALUE; 0 gives an empty page", async () => {
        expect((await store.searchRegisteredModels({ filter: scoped, maxResults: 1000 })).items).toHaveLength(4);
        await expectError(store.searchRegisteredModels({ filter: scoped, maxResults: 1001 }), "INVALID_PARAMETER_VALUE");
        // handlers.py _search_registered_models checks only the upper bound; the SQL store then
        // fetches max_results + 1 = 1 row and answers an empty page with a token (sqlalchemy_store.py _compute_next_token).
        const zero = await store.searchRegisteredModels({ filter: scoped, maxResults: 0 });
        expect(zero.items).toEqual([]);
        expect(zero.nextPageToken).toBeDefined();
      });

      test("searchRegisteredModels rejects bad order_by keys and directions with INVALID_PARAMETER_VALUE", async () => {
        // creation_timestamp is rejected by the SQL store (sqlalchemy_store.py _parse_search_registered_models_order_by).
        for (const orderBy of [["creation_timestamp"], ["bogus"], ["NAME"], ["name SIDEWAYS"], ["tags.team"]]) {
          await expectError(store.searchRegisteredModels({ filter: scoped, orderBy }), "INVALID_PARAMETER_VALUE");
        }
      });

      test("searchRegisteredModels with a repeated order_by key fails with INTERNAL_ERROR (MLflow raises it without a code)", async () => {
        // sqlalchemy_store.py _parse_search_registered_models_order_by: MlflowException("`order_by` contains duplicate fields").
        await expectError(store.searchRegisteredModels({ filter: scoped, orderBy: ["name", "name DESC"] }), "INTERNAL_ERROR");
        await expectError(store.searchRegisteredModels({ filter: scoped, orderBy: ["timestamp", "last_updated_timestamp DESC"] }), "INTERNAL_ERROR");
      });

      test("searchRegisteredModels rejects bad filters and page tokens with INVALID_PARAMETER_VALUE", async () => {
        const bad = [
          `name = '${p}-Beta' OR name = '${p}-Gamma'`,
          "name = ",
          "name = unquoted",
          "name > 'a'",
          "name == 'a'",
          "run_id = 'x'",
          "creation_timestamp > 0",
          "attributes.name = 'x'",
          "metrics.acc > 1",
          "tags.team > 'a'",
        ];
        for (const filter of bad) await expectError(store.searchRegisteredModels({ filter }), "INVALID_PARAMETER_VALUE");
        await expectError(store.searchRegisteredModels({ filter: scoped, pageToken: "not-a-token" }), "INVALID_PARAMETER_VALUE");
      });
    });

    // ------------------------------------------------------------------------------------------
    describe("searchModelVersions", () => {
      // Two models under one prefix: X with v1 (run R1, flavor=tfidf), v2 (run R2), v3 (s3, flavor=bert);
      // Y with v1 (run R1), v2 (s3, deleted).
      const p = `${prefix}-smv-${hex(3)}`;
      const X = `${p}-X`;
      const Y = `${p}-Y`;
      const scoped = `name LIKE '${p}-%'`;
      const R1 = hex(16);
      const R2 = hex(16);
      const S3 = `s3://conformance-bucket/${p}/x3`;
      const ids = (vs: readonly ModelVersion[]): string[] => vs.map((v) => `${v.name.slice(p.length + 1)}/${v.version}`);
      const search = async (filter: string, orderBy?: string[]) =>
        ids((await store.searchModelVersions({ filter: `${scoped} AND ${filter}`, ...(orderBy ? { orderBy } : {}) })).items);

      beforeAll(async () => {
        await store.createRegisteredModel(X);
        await store.createRegisteredModel(Y);
        await store.createModelVersion({ name: X, source: `runs:/${R1}/model`, runId: R1, tags: [tag("flavor", "tfidf")] });
        await tick();
        await store.createModelVersion({ name: X, source: `runs:/${R2}/model`, runId: R2 });
        await tick();
        await store.createModelVersion({ name: X, source: S3, tags: [tag("flavor", "bert")] });
        await tick();
        await store.createModelVersion({ name: Y, source: `runs:/${R1}/other`, runId: R1 });
        await tick();
        await store.createModelVersion({ name: Y, source: `s3://conformance-bucket/${p}/y2` });
        await store.deleteModelVersion(Y, "2");
        await store.setRegisteredModelAlias(X, "champion", "1");
      });

      test("searchModelVersions default order: last update DESC, then name ASC, version DESC; deleted versions left out", async () => {
        const { items, nextPageToken } = await store.searchModelVersions({ filter: scoped });
        expect(ids(items)).toEqual(["Y/1", "X/3", "X/2", "X/1"]);
        expect(nextPageToken).toBeUndefined();
      });

      test("searchModelVersions results carry tags but no aliases (MLflow fills aliases only when reading single versions)", async () => {
        // sqlalchemy_store.py search_model_versions returns mv.to_mlflow_entity() (aliases=[]).
        const { items } = await store.searchModelVersions({ filter: `name = '${X}' AND version_number = 1` });
        expect(items).toEqual([{ ...(await store.getModelVersion(X, "1")), aliases: [] }]);
        expect(items[0]!.tags).toEqual({ flavor: "tfidf" });
      });

      test("searchModelVersions on name: =, !=, LIKE, ILIKE, IN", async () => {
        expect(await search(`name = '${X}'`)).toEqual(["X/3", "X/2", "X/1"]);
        expect(await search(`name != '${X}'`)).toEqual(["Y/1"]);
        expect(await search(`name ILIKE '${p}-y'`)).toEqual(["Y/1"]);
        expect(await search(`name LIKE '${p}-y'`)).toEqual([]);
        expect(await search(`name IN ('${Y}')`)).toEqual(["Y/1"]);
      });

      test("searchModelVersions on run_id: =, !=, IN, NOT IN", async () => {
        expect(await search(`run_id = '${R1}'`)).toEqual(["Y/1", "X/1"]);
        expect(await search(`run_id IN ('${R1}', '${R2}')`)).toEqual(["Y/1", "X/2", "X/1"]);
        expect(await search(`run_id NOT IN ('${R1}')`)).toEqual(["X/3", "X/2"]);
        expect(await search(`run_id != '${R2}'`)).toEqual(["Y/1", "X/3", "X/1"]);
      });

      test("searchModelVersions on source_path: =, LIKE (deleted versions' sources are gone)", async () => {
        expect(await search(`source_path = '${S3}'`)).toEqual(["X/3"]);
        expect(await search(`source_path LIKE 's3://conformance-bucket/${p}/%'`)).toEqual(["X/3"]);
        expect(await search("source_path LIKE 'runs:/%/model'")).toEqual(["X/2", "X/1"]);
      });

      test("searchModelVersions on version_number: =, !=, <, <=, >, >=, quoted integers too", async () => {
        expect(await search(`name = '${X}' AND version_number > 1`)).toEqual(["X/3", "X/2"]);
        expect(await search(`name = '${X}' AND version_number >= 2 AND version_number != 3`)).toEqual(["X/2"]);
        expect(await search("version_number < 2")).toEqual(["Y/1", "X/1"]);
        expect(await search("version_number <= 1")).toEqual(["Y/1", "X/1"]);
        expect(await search("version_number = 3")).toEqual(["X/3"]);
        expect(await search("version_number = '2'")).toEqual(["X/2"]);
      });

      test("searchModelVersions on tags: =, !=, LIKE, ILIKE", async () => {
        expect(await search("tags.flavor = 'bert'")).toEqual(["X/3"]);
        expect(await search("tags.flavor != 'bert'")).toEqual(["X/1"]);
        expect(await search("tags.flavor LIKE '%t%'")).toEqual(["X/3", "X/1"]);
        expect(await search("tag.flavor ILIKE 'TF%'")).toEqual(["X/1"]);
        expect(await search("tags.flavor = 'bert' AND tags.other = 'x'")).toEqual([]);
      });

      test("searchModelVersions order_by name, version_number, creation_timestamp, last_updated_timestamp", async () => {
        expect(await search("version_number > 0", ["version_number ASC"])).toEqual(["X/1", "Y/1", "X/2", "X/3"]);
        expect(await search("version_number > 0", ["version_number DESC"])).toEqual(["X/3", "X/2", "X/1", "Y/1"]);
        expect(await search("version_number > 0", ["creation_timestamp ASC"])).toEqual(["X/1", "X/2", "X/3", "Y/1"]);
        expect(await search("version_number > 0", ["last_updated_timestamp"])).toEqual(["X/1", "X/2", "X/3", "Y/1"]);
        expect(await search("version_number > 0", ["name DESC"])).toEqual(["Y/1", "X/3", "X/2", "X/1"]);
        expect(await search("version_number > 0", ["name ASC", "version_number ASC"])).toEqual(["X/1", "X/2", "X/3", "Y/1"]);
      });

      test("searchModelVersions rejects bad order_by keys with INVALID_PARAMETER_VALUE and repeated ones with INTERNAL_ERROR", async () => {
        for (const orderBy of [["timestamp"], ["run_id"], ["source_path"], ["version_number SIDEWAYS"]]) {
          await expectError(store.searchModelVersions({ filter: scoped, orderBy }), "INVALID_PARAMETER_VALUE");
        }
        // sqlalchemy_store.py _parse_search_model_versions_order_by raises without an error code.
        await expectError(store.searchModelVersions({ filter: scoped, orderBy: ["version_number", "version_number DESC"] }), "INTERNAL_ERROR");
      });

      test("searchModelVersions rejects bad filters with INVALID_PARAMETER_VALUE", async () => {
        const bad = [
          "status = 'READY'",
          "current_stage = 'None'",
          "description = 'x'",
          "creation_timestamp > 0",
          "run_id > 'a'",
          "source_path IN ('x')",
          "version_number = 2.0",
          "version_number > 'abc'",
          "version_number LIKE '2'",
          `name = '${X}' OR name = '${Y}'`,
          "name = ",
        ];
        for (const filter of bad) await expectError(store.searchModelVersions({ filter }), "INVALID_PARAMETER_VALUE");
      });

      test("searchModelVersions pages with maxResults and page tokens", async () => {
        const first = await store.searchModelVersions({ filter: scoped, maxResults: 3 });
        expect(ids(first.items)).toEqual(["Y/1", "X/3", "X/2"]);
        expect(first.nextPageToken).toBeDefined();
        const second = await store.searchModelVersions({ filter: scoped, maxResults: 3, pageToken: first.nextPageToken });
        expect(ids(second.items)).toEqual(["X/1"]);
        expect(second.nextPageToken).toBeUndefined();
        const exact = await store.searchModelVersions({ filter: scoped, maxResults: 4 });
        expect(exact.items).toHaveLength(4);
        expect(exact.nextPageToken).toBeUndefined();
      });

      test("searchModelVersions maxResults must be 1 … 200000; a garbage page token fails with INVALID_PARAMETER_VALUE", async () => {
        expect((await store.searchModelVersions({ filter: scoped, maxResults: 200_000 })).items).toHaveLength(4);
        await expectError(store.searchModelVersions({ filter: scoped, maxResults: 0 }), "INVALID_PARAMETER_VALUE");
        await expectError(store.searchModelVersions({ filter: scoped, maxResults: 200_001 }), "INVALID_PARAMETER_VALUE");
        await expectError(store.searchModelVersions({ filter: scoped, pageToken: "not-a-token" }), "INVALID_PARAMETER_VALUE");
      });
    });

    // ------------------------------------------------------------------------------------------
    // Not MLflow's behaviour: senti-mlops refuses strings that are not well-formed UTF-16 in every
    // store, the REST store before sending the request.
    describe("strings that are not well-formed UTF-16", () => {
      test("a lone surrogate in a registered model name, tag, description or alias fails with INVALID_PARAMETER_VALUE, storing nothing", async () => {
        const lone = unique("bad\uD800name");
        const e = await expectError(store.createRegisteredModel(lone), "INVALID_PARAMETER_VALUE");
        expect(e.message.length).toBeGreaterThan(0);
        await expectError(store.getRegisteredModel(lone), "INVALID_PARAMETER_VALUE");
        const model = await newModel("surrogate");
        await expectError(store.setRegisteredModelTag(model, "k", "\uDC00"), "INVALID_PARAMETER_VALUE");
        await expectError(store.updateRegisteredModel(model, { description: "desc \uD800" }), "INVALID_PARAMETER_VALUE");
        await expectError(store.createRegisteredModel(unique("tagged"), { tags: [tag("k", "\uD800")] }), "INVALID_PARAMETER_VALUE");
        const registered = await store.getRegisteredModel(model);
        expect(registered.tags).toEqual({});
        expect(registered.description ?? "").toBe("");
      });
    });

    // ------------------------------------------------------------------------------------------
    describe("close", () => {
      test("close() is idempotent", async () => {
        const own = await factory();
        expect(typeof own.uri).toBe("string");
        expect(own.uri).not.toBe("");
        await own.close();
        await own.close();
      });
    });

    it("every listed deviation names a test of this suite", () => {
      const unknown = [...deviations.keys()].filter((t) => !titles.has(t));
      expect(unknown).toEqual([]);
    });
  });
}
