/**
 * Registry behaviour checks shared by the memory and SQL registry store tests, with the answers a
 * real MLflow 3.17.2 server gave to the same calls (observed through its REST API while writing
 * these stores: codes, messages, orders, soft-delete redactions). Two expectations are not
 * MLflow's: `INVALID_STATE` after `close()` (senti-mlops' own), and a registered model deleted and
 * created again starting at version 1 (read from `sqlalchemy_store.py` create_model_version: the
 * hard delete leaves no version to count). The shared conformance suite
 * (test/conformance/registry-store.suite.ts) checks the same stores by error code.
 */
import { describe, expect, it } from "vitest";
import { type ErrorCode, isSentiMlopsError } from "../../../src/errors.js";
import type { RegistryStore } from "../../../src/mlflow/registry-store.js";

/** A store and a clock the test moves. */
export interface RegistryFixture {
  store: RegistryStore;
  clock: { now: number };
}

async function failure(promise: Promise<unknown>): Promise<{ code: ErrorCode; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isSentiMlopsError(error)) throw new Error(`expected a SentiMlopsError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

/** Registers the behaviour tests for one registry store. */
export function describeRegistryBehaviour(label: string, open: () => Promise<RegistryFixture>): void {
  describe(`${label}: registry behaviour observed on MLflow 3.17.2`, () => {
    const fresh = async (): Promise<RegistryFixture> => open();

    it("creates, gets, updates and renames registered models (versions follow the rename)", async () => {
      const { store, clock } = await fresh();
      clock.now = 1000;
      const created = await store.createRegisteredModel("m1", { tags: [{ key: "t", value: "v" }], description: "d" });
      expect(created).toEqual({
        name: "m1",
        creationTimestamp: 1000,
        lastUpdatedTimestamp: 1000,
        userId: "",
        description: "d",
        latestVersions: [],
        tags: { t: "v" },
        aliases: [],
      });
      clock.now = 2000;
      await store.createModelVersion({ name: "m1", source: "s3://b/1", runId: "abc" });
      expect((await store.getRegisteredModel("m1")).lastUpdatedTimestamp).toBe(2000);
      clock.now = 3000;
      const updated = await store.updateRegisteredModel("m1", { description: "new" });
      expect(updated).toMatchObject({ description: "new", lastUpdatedTimestamp: 3000 });
      await store.setRegisteredModelAlias("m1", "champion", "1");
      clock.now = 4000;
      const renamed = await store.renameRegisteredModel("m1", "m2");
      expect(renamed).toMatchObject({ name: "m2", lastUpdatedTimestamp: 4000, tags: { t: "v" }, aliases: [{ alias: "champion", version: "1" }] });
      expect(renamed.latestVersions.map((v) => [v.name, v.version, v.lastUpdatedTimestamp])).toEqual([["m2", "1", 4000]]);
      expect(await failure(store.getRegisteredModel("m1"))).toEqual({ code: "RESOURCE_DOES_NOT_EXIST", message: "Registered Model with name=m1 not found" });
      expect((await store.getModelVersionByAlias("m2", "champion")).name).toBe("m2");
      // Renaming to its own name works and touches the times; to a taken name does not.
      clock.now = 5000;
      expect((await store.renameRegisteredModel("m2", "m2")).lastUpdatedTimestamp).toBe(5000);
      await store.createRegisteredModel("other");
      expect((await failure(store.renameRegisteredModel("m2", "other"))).code).toBe("RESOURCE_ALREADY_EXISTS");
      expect(await failure(store.renameRegisteredModel("m2", ""))).toEqual({
        code: "INVALID_PARAMETER_VALUE",
        message: "Missing value for required parameter 'new_name'.",
      });
      expect((await failure(store.renameRegisteredModel("nope", "zz"))).code).toBe("RESOURCE_DOES_NOT_EXIST");
      await store.close();
    });

    it("validates names, tags and aliases with MLflow's messages", async () => {
      const { store } = await fresh();
      const cases: [Promise<unknown>, string][] = [
        [store.createRegisteredModel(""), "Missing value for required parameter 'name'."],
        [store.createRegisteredModel("  "), "Missing value for required parameter 'name'."],
        [store.createRegisteredModel("a/b"), "Invalid model name 'a/b'. Names cannot contain '/' or ':'."],
        [store.createRegisteredModel("a:b"), "Invalid model name 'a:b'. Names cannot contain '/' or ':'."],
        [
          store.createRegisteredModel(".."),
          `Invalid value ".." for parameter 'name' supplied: Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '..'`,
        ],
        [
          store.createRegisteredModel("x", { tags: [{ key: "a//b", value: "v" }] }),
          `Invalid value "a//b" for parameter 'key' supplied: Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to 'a/b'`,
        ],
        [store.getRegisteredModel("a:b"), "Invalid model name 'a:b'. Names cannot contain '/' or ':'."],
      ];
      for (const [p, message] of cases) expect(await failure(p)).toEqual({ code: "INVALID_PARAMETER_VALUE", message });
      expect((await store.createRegisteredModel(" lead")).name).toBe(" lead");
      await store.createRegisteredModel("m");
      expect(await failure(store.createRegisteredModel("m"))).toEqual({ code: "RESOURCE_ALREADY_EXISTS", message: "Registered Model (name=m) already exists." });
      await store.createModelVersion({ name: "m", source: "s3://b/1" });
      const aliasCases: [string, string][] = [
        ["latest", "'latest' alias name (case insensitive) is reserved."],
        ["LaTeSt", "'latest' alias name (case insensitive) is reserved."],
        ["v1", "Version alias name 'v1' is reserved."],
        ["V12", "Version alias name 'V12' is reserved."],
        ["a.b", "Invalid alias name: 'a.b'. Names may only contain alphanumerics, underscores (_), and dashes (-)."],
        ["", "Registered model alias name cannot be empty."],
      ];
      for (const [alias, message] of aliasCases) {
        expect(await failure(store.setRegisteredModelAlias("m", alias, "1"))).toEqual({ code: "INVALID_PARAMETER_VALUE", message });
      }
      expect((await failure(store.setRegisteredModelAlias("m", "a".repeat(256), "1"))).code).toBe("INVALID_PARAMETER_VALUE");
      await store.setRegisteredModelAlias("m", "v1x", "1");
      await store.setRegisteredModelAlias("m", "a".repeat(255), "1");
      expect(await failure(store.setRegisteredModelTag("m", "k", "x".repeat(100_001)))).toEqual({
        code: "INVALID_PARAMETER_VALUE",
        message: "'value' exceeds the maximum length of 100000 characters",
      });
      await store.setRegisteredModelTag("m", "k", "x".repeat(100_000));
      expect(await failure(store.createModelVersion({ name: "m", source: "" }))).toEqual({
        code: "INVALID_PARAMETER_VALUE",
        message: "Missing value for required parameter 'source'.",
      });
      await store.close();
    });

    it("parses versions as Python's int(): 'abc' is invalid, '0' and '99' are not found, ' 1', '+1', '01' are version 1", async () => {
      const { store } = await fresh();
      await store.createRegisteredModel("m");
      await store.createModelVersion({ name: "m", source: "s3://b/1" });
      expect(await failure(store.getModelVersion("m", "abc"))).toEqual({ code: "INVALID_PARAMETER_VALUE", message: "Parameter 'version' must be an integer, got 'abc'." });
      expect(await failure(store.getModelVersion("m", "1.0"))).toEqual({ code: "INVALID_PARAMETER_VALUE", message: "Parameter 'version' must be an integer, got '1.0'." });
      expect(await failure(store.getModelVersion("m", "0"))).toEqual({ code: "RESOURCE_DOES_NOT_EXIST", message: "Model Version (name=m, version=0) not found" });
      expect(await failure(store.getModelVersion("m", "-1"))).toEqual({ code: "RESOURCE_DOES_NOT_EXIST", message: "Model Version (name=m, version=-1) not found" });
      expect(await failure(store.getModelVersion("nope", "1"))).toEqual({ code: "RESOURCE_DOES_NOT_EXIST", message: "Model Version (name=nope, version=1) not found" });
      for (const v of [" 1", "+1", "01"]) expect((await store.getModelVersion("m", v)).version).toBe("1");
      expect(await failure(store.setRegisteredModelAlias("m", "champion", "abc"))).toEqual({
        code: "INVALID_PARAMETER_VALUE",
        message: "Parameter 'version' must be an integer, got 'abc'.",
      });
      expect(await failure(store.setRegisteredModelAlias("nope", "champion", "1"))).toEqual({
        code: "RESOURCE_DOES_NOT_EXIST",
        message: "Model Version (name=nope, version=1) not found",
      });
      await store.close();
    });

    it("numbers versions max + 1 (deleted ones included), soft-deletes with redactions, drops the version's aliases", async () => {
      const { store, clock } = await fresh();
      clock.now = 10;
      await store.createRegisteredModel("m");
      const v1 = await store.createModelVersion({ name: "m", source: "s3://b/1", runId: "abc", tags: [{ key: "k", value: "v" }], description: "first", runLink: "http://x" });
      expect(v1).toEqual({
        name: "m",
        version: "1",
        creationTimestamp: 10,
        lastUpdatedTimestamp: 10,
        userId: "",
        currentStage: "None",
        description: "first",
        source: "s3://b/1",
        runId: "abc",
        status: "READY",
        statusMessage: "",
        runLink: "http://x",
        tags: { k: "v" },
        aliases: [],
      });
      await store.createModelVersion({ name: "m", source: "s3://b/2" });
      await store.setRegisteredModelAlias("m", "champ", "2");
      await store.setRegisteredModelAlias("m", "keep", "1");
      clock.now = 20;
      await store.deleteModelVersion("m", "2");
      expect((await store.getRegisteredModel("m")).aliases).toEqual([{ alias: "keep", version: "1" }]);
      expect((await store.getRegisteredModel("m")).lastUpdatedTimestamp).toBe(20);
      expect(await failure(store.getModelVersionByAlias("m", "champ"))).toEqual({ code: "INVALID_PARAMETER_VALUE", message: "Registered model alias champ not found." });
      for (const p of [
        store.getModelVersion("m", "2"),
        store.deleteModelVersion("m", "2"),
        store.setModelVersionTag("m", "2", "k", "v"),
        store.updateModelVersion("m", "2", { description: "x" }),
        store.getModelVersionDownloadUri("m", "2"),
        store.transitionModelVersionStage("m", "2", "Production", false),
      ]) {
        expect(await failure(p)).toEqual({ code: "RESOURCE_DOES_NOT_EXIST", message: "Model Version (name=m, version=2) not found" });
      }
      expect((await failure(store.deleteModelVersion("m", "abc"))).code).toBe("INVALID_PARAMETER_VALUE");
      expect((await store.createModelVersion({ name: "m", source: "s3://b/3" })).version).toBe("3");
      expect((await store.searchModelVersions({ filter: "name = 'm'" })).items.map((v) => v.version)).toEqual(["3", "1"]);
      await store.close();
    });

    it("transitions stages (case-insensitive), archives others only for Staging/Production, and orders latest versions as MLflow", async () => {
      const { store, clock } = await fresh();
      await store.createRegisteredModel("m");
      for (let i = 1; i <= 4; i++) {
        clock.now = 100 + i;
        await store.createModelVersion({ name: "m", source: `s3://b/${i}` });
      }
      expect(await failure(store.transitionModelVersionStage("m", "1", "bogus", true))).toEqual({
        code: "INVALID_PARAMETER_VALUE",
        message: "Invalid Model Version stage: bogus. Value must be one of None, Staging, Production, Archived.",
      });
      expect(await failure(store.transitionModelVersionStage("m", "1", "archived", true))).toEqual({
        code: "INTERNAL_ERROR",
        message: "Model version transition cannot archive existing model versions because 'archived' is not an Active stage. Valid stages are ['Staging', 'Production']",
      });
      clock.now = 200;
      expect((await store.transitionModelVersionStage("m", "1", "production", false)).currentStage).toBe("Production");
      clock.now = 300;
      const v2 = await store.transitionModelVersionStage("m", "2", "PRODUCTION", true);
      expect(v2).toMatchObject({ currentStage: "Production", lastUpdatedTimestamp: 300 });
      expect(await store.getModelVersion("m", "1")).toMatchObject({ currentStage: "Archived", lastUpdatedTimestamp: 300 });
      expect((await store.getRegisteredModel("m")).lastUpdatedTimestamp).toBe(300);
      await store.transitionModelVersionStage("m", "3", "staging", false);
      await store.setRegisteredModelAlias("m", "b", "4");
      // get: a stage comes where its oldest version comes (v1 Archived, v2 Production, v3 Staging, v4 None).
      const got = await store.getRegisteredModel("m");
      expect(got.latestVersions.map((v) => [v.version, v.currentStage, v.aliases])).toEqual([
        ["1", "Archived", []],
        ["2", "Production", []],
        ["3", "Staging", []],
        ["4", "None", []],
      ]);
      // search: by stage name.
      const [searched] = (await store.searchRegisteredModels()).items;
      expect(searched!.latestVersions.map((v) => v.currentStage)).toEqual(["Archived", "None", "Production", "Staging"]);
      expect((await store.getLatestVersions("m")).map((v) => [v.version, v.aliases])).toEqual([
        ["1", []],
        ["2", []],
        ["3", []],
        ["4", ["b"]],
      ]);
      expect((await store.getLatestVersions("m", ["production", "NONE"])).map((v) => v.version)).toEqual(["2", "4"]);
      expect((await failure(store.getLatestVersions("m", ["bogus"]))).code).toBe("INVALID_PARAMETER_VALUE");
      expect((await failure(store.getLatestVersions("nope"))).code).toBe("RESOURCE_DOES_NOT_EXIST");
      // "latest" (any case) is the newest version of all stages.
      expect((await store.getModelVersionByAlias("m", "LATEST")).version).toBe("4");
      await store.close();
    });

    it("tags and aliases: upsert, delete (missing ones quietly), aliases sorted, moved when set again", async () => {
      const { store } = await fresh();
      await store.createRegisteredModel("q");
      await store.createModelVersion({ name: "q", source: "s3://b/1" });
      await store.createModelVersion({ name: "q", source: "s3://b/2" });
      await store.setRegisteredModelAlias("q", "zed", "2");
      await store.setRegisteredModelAlias("q", "Abc", "2");
      await store.setRegisteredModelAlias("q", "b", "1");
      expect((await store.getModelVersionByAlias("q", "Abc")).aliases).toEqual(["Abc", "zed"]);
      expect((await failure(store.getModelVersionByAlias("q", "abc"))).code).toBe("INVALID_PARAMETER_VALUE");
      expect((await store.getRegisteredModel("q")).aliases).toEqual([
        { alias: "Abc", version: "2" },
        { alias: "b", version: "1" },
        { alias: "zed", version: "2" },
      ]);
      await store.setRegisteredModelAlias("q", "zed", "1");
      expect((await store.getModelVersion("q", "1")).aliases).toEqual(["b", "zed"]);
      await store.deleteRegisteredModelAlias("q", "nope");
      await store.deleteRegisteredModelAlias("q", "b");
      expect((await failure(store.deleteRegisteredModelAlias("nope", "x"))).code).toBe("RESOURCE_DOES_NOT_EXIST");
      expect((await failure(store.getModelVersionByAlias("nope", "x"))).code).toBe("RESOURCE_DOES_NOT_EXIST");
      await store.setModelVersionTag("q", "1", "k", "v");
      await store.setModelVersionTag("q", "1", "k", "w");
      await store.setModelVersionTag("q", "1", "e", "");
      await store.deleteModelVersionTag("q", "1", "zz");
      expect((await store.getModelVersion("q", "1")).tags).toEqual({ k: "w", e: "" });
      await store.deleteModelVersionTag("q", "1", "k");
      expect((await store.getModelVersion("q", "1")).tags).toEqual({ e: "" });
      expect((await failure(store.deleteModelVersionTag("q", "1", "a//b"))).code).toBe("INVALID_PARAMETER_VALUE");
      await store.setRegisteredModelTag("q", "t1", "v");
      await store.deleteRegisteredModelTag("q", "zz");
      expect((await store.getRegisteredModel("q")).tags).toEqual({ t1: "v" });
      expect((await failure(store.setRegisteredModelTag("nope", "t", "x"))).code).toBe("RESOURCE_DOES_NOT_EXIST");
      // Version descriptions: set, then cleared when none is given.
      expect((await store.updateModelVersion("q", "1", { description: "hello" })).description).toBe("hello");
      expect((await store.updateModelVersion("q", "1", {})).description).toBe("");
      await store.close();
    });

    it("models:/ sources: resolved to a version, run id inherited, download URI of the version named", async () => {
      const { store } = await fresh();
      await store.createRegisteredModel("q");
      await store.createRegisteredModel("a");
      await store.createModelVersion({ name: "q", source: "s3://b/1", runId: "r1" });
      await store.createModelVersion({ name: "q", source: "s3://b/2" });
      await store.transitionModelVersionStage("q", "2", "Staging", false);
      await store.setRegisteredModelAlias("q", "zed", "1");
      const byVersion = await store.createModelVersion({ name: "a", source: "models:/q/1" });
      expect(byVersion).toMatchObject({ source: "models:/q/1", runId: "r1" });
      expect(await store.getModelVersionDownloadUri("a", byVersion.version)).toBe("s3://b/1");
      expect((await store.createModelVersion({ name: "a", source: "models:/q@zed" })).source).toBe("models:/q/1");
      expect((await store.createModelVersion({ name: "a", source: "models:/q/Staging" })).source).toBe("models:/q/2");
      expect((await store.createModelVersion({ name: "a", source: "models:/q/latest" })).source).toBe("models:/q/2");
      expect(await failure(store.createModelVersion({ name: "a", source: "models:/q/1", runId: "xyz" }))).toEqual({
        code: "INVALID_PARAMETER_VALUE",
        message: "Invalid model version source: 'models:/q/1'. The run_id and model_id request parameters must match the referenced model version.",
      });
      expect(await failure(store.createModelVersion({ name: "a", source: "models:/q/Production" }))).toEqual({
        code: "INTERNAL_ERROR",
        message: "No versions of model with name 'q' and stage 'Production' found",
      });
      await store.close();
    });

    it("searches: filters, order, prompts excluded, max_results bounds, pages, duplicate order_by", async () => {
      const { store, clock } = await fresh();
      for (const [i, name] of ["beta", "alpha", "gamma"].entries()) {
        clock.now = 1000 + i;
        await store.createRegisteredModel(name, { tags: [{ key: "team", value: i === 1 ? "cv" : "nlp" }] });
      }
      await store.createRegisteredModel("prompt", { tags: [{ key: "mlflow.prompt.is_prompt", value: "true" }] });
      expect((await store.searchRegisteredModels()).items.map((m) => m.name)).toEqual(["alpha", "beta", "gamma"]);
      expect((await store.searchRegisteredModels({ filter: "tags.team = 'nlp'", orderBy: ["timestamp DESC"] })).items.map((m) => m.name)).toEqual(["gamma", "beta"]);
      expect((await store.searchRegisteredModels({ filter: "tags.`mlflow.prompt.is_prompt` = 'true'" })).items.map((m) => m.name)).toEqual(["prompt"]);
      expect((await store.searchRegisteredModels({ filter: "name LIKE 'a%'" })).items.map((m) => m.name)).toEqual(["alpha"]);
      const first = await store.searchRegisteredModels({ maxResults: 2 });
      expect(first.items.map((m) => m.name)).toEqual(["alpha", "beta"]);
      const second = await store.searchRegisteredModels({ maxResults: 2, pageToken: first.nextPageToken });
      expect(second).toEqual({ items: [expect.objectContaining({ name: "gamma" })] });
      const zero = await store.searchRegisteredModels({ maxResults: 0 });
      expect(zero.items).toEqual([]);
      expect(zero.nextPageToken).toBeDefined();
      expect(await failure(store.searchRegisteredModels({ maxResults: 1001 }))).toEqual({
        code: "INVALID_PARAMETER_VALUE",
        message: "Invalid value for request parameter max_results. It must be at most 1000, but got value 1001",
      });
      expect(await failure(store.searchRegisteredModels({ orderBy: ["name", "name DESC"] }))).toEqual({
        code: "INTERNAL_ERROR",
        message: "`order_by` contains duplicate fields: ['name', 'name DESC']",
      });
      expect((await failure(store.searchRegisteredModels({ orderBy: ["creation_timestamp"] }))).code).toBe("INVALID_PARAMETER_VALUE");

      clock.now = 5000;
      await store.createModelVersion({ name: "alpha", source: "s3://a/1", runId: "r1" });
      clock.now = 5001;
      await store.createModelVersion({ name: "beta", source: "s3://b/1", tags: [{ key: "flavor", value: "tfidf" }] });
      clock.now = 5002;
      await store.createModelVersion({ name: "alpha", source: "s3://a/2" });
      await store.setRegisteredModelAlias("alpha", "champ", "2");
      expect((await store.searchModelVersions()).items.map((v) => `${v.name}/${v.version}`)).toEqual(["alpha/2", "beta/1", "alpha/1"]);
      // Searches return versions without aliases, as MLflow's does.
      expect((await store.searchModelVersions({ filter: "name = 'alpha'" })).items.map((v) => v.aliases)).toEqual([[], []]);
      expect((await store.searchModelVersions({ filter: "run_id = 'r1'" })).items.map((v) => v.version)).toEqual(["1"]);
      expect((await store.searchModelVersions({ filter: "tags.flavor = 'tfidf'" })).items.map((v) => v.name)).toEqual(["beta"]);
      expect((await store.searchModelVersions({ filter: "version_number > 1" })).items.map((v) => v.name)).toEqual(["alpha"]);
      expect((await store.searchModelVersions({ filter: "source_path LIKE 's3://a/%'", orderBy: ["version_number ASC"] })).items.map((v) => v.version)).toEqual(["1", "2"]);
      expect(await failure(store.searchModelVersions({ maxResults: 0 }))).toEqual({
        code: "INVALID_PARAMETER_VALUE",
        message: "Invalid value for max_results. It must be a positive integer, but got 0",
      });
      expect((await failure(store.searchModelVersions({ maxResults: 200_001 }))).code).toBe("INVALID_PARAMETER_VALUE");
      expect(await failure(store.searchModelVersions({ orderBy: ["version_number ASC", "version_number DESC"] }))).toEqual({
        code: "INTERNAL_ERROR",
        message: "`order_by` contains duplicate fields: ['version_number ASC', 'version_number DESC']",
      });
      const page1 = await store.searchModelVersions({ maxResults: 1 });
      const page2 = await store.searchModelVersions({ maxResults: 1, pageToken: page1.nextPageToken });
      expect([...page1.items, ...page2.items].map((v) => v.version)).toEqual(["2", "1"]);
      expect((await failure(store.searchRegisteredModels({ pageToken: "garbage" }))).code).toBe("INVALID_PARAMETER_VALUE");
      await store.close();
    });

    it("deletes a registered model with its versions, tags and aliases; the name can be used again", async () => {
      const { store } = await fresh();
      await store.createRegisteredModel("m", { tags: [{ key: "t", value: "1" }] });
      await store.createModelVersion({ name: "m", source: "s3://b/1", tags: [{ key: "k", value: "v" }] });
      await store.setRegisteredModelAlias("m", "champ", "1");
      await store.deleteRegisteredModel("m");
      expect((await failure(store.deleteRegisteredModel("m"))).code).toBe("RESOURCE_DOES_NOT_EXIST");
      expect((await store.searchModelVersions({ filter: "name = 'm'" })).items).toEqual([]);
      await store.createRegisteredModel("m");
      expect(await store.getRegisteredModel("m")).toMatchObject({ tags: {}, aliases: [], latestVersions: [] });
      expect((await store.createModelVersion({ name: "m", source: "s3://b/2" })).version).toBe("1");
      await store.close();
      expect((await failure(store.getRegisteredModel("m"))).code).toBe("INVALID_STATE");
    });
  });
}
