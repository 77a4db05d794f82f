/**
 * The tracking-store conformance suite: MLflow's tracking semantics, written once, run against every
 * TrackingStore implementation (memory, SQL, REST, IndexedDB). The REST store runs it against a real
 * `mlflow server` with no deviations (test/tracking/rest-store.test.ts), so every expectation here is
 * MLflow's actual behaviour
 * (mlflow 3.17.2, SQL store; source lines cited as `sqlalchemy_store.py:N` etc. refer to the
 * installed package under .venv/lib/python3.11/site-packages/mlflow).
 *
 * The suite never assumes an empty store: it may run against a long-lived shared server holding
 * other tests' data. Every experiment it creates has a unique name, and searches are confined to the
 * suite's own experiments (by id or by a unique name prefix).
 *
 * Errors are checked by code (`hasErrorCode`), never by message text (messages differ between
 * stores), but every message must be non-empty.
 *
 * @example
 * ```ts
 * describeTrackingStore("memory", async () => createMemoryStore());
 * describeTrackingStore("sql", async () => createSqlStore(...), {
 *   deviations: [{ test: "logBatch: …", reason: "…" }],
 * });
 * ```
 */
import { afterAll, assert, beforeAll, describe, expect, it } from "vitest";
import { hasErrorCode, isSentiMlopsError, type ErrorCode, type SentiMlopsError } from "../../src/errors.js";
import type { CreateRunRequest, TrackingStore } from "../../src/mlflow/tracking-store.js";
import type { DatasetInput, Experiment, Metric, Run } from "../../src/mlflow/tracking-entities.js";
import { randomHex as hex } from "./bytes.js";

/** A test this implementation is known to fail, with the reason. It still runs (`it.fails`). */
export interface ConformanceDeviation {
  /** The exact title of the suite's test. */
  test: string;
  reason: string;
}

export interface TrackingStoreSuiteOptions {
  deviations?: readonly ConformanceDeviation[];
}

/**
 * The deviation of every store whose search is the shared search module (src/tracking/search): the
 * memory and SQL stores, and any store built on that module.
 */
export const SHARED_SEARCH_DEVIATIONS: readonly ConformanceDeviation[] = [
  {
    test: "searchRuns with the same order_by key twice fails with INTERNAL_ERROR",
    reason:
      "src/tracking/search/parse-order-by.ts throws INVALID_PARAMETER_VALUE; MLflow 3.17.2 raises MlflowException without a code " +
      "(sqlalchemy_store.py:10158 → exceptions.py:79 default INTERNAL_ERROR). The fix belongs to the shared search module",
  },
];

/** MLflow's SQL store clamps ±Infinity to ±max double (`sqlalchemy_store.py` sanitize_metric_value). */
const MAX_DOUBLE = 1.7976931348623157e308;
const T0 = 1_700_000_000_000;

const randomRunId = (): string => hex(16);
const metric = (key: string, value: number, step = 0, timestamp = T0): Metric => ({ key, value, step, timestamp });
const byName = <T extends { dataset: { name: string } }>(a: T, b: T): number => a.dataset.name.localeCompare(b.dataset.name);

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
 * Registers the conformance suite for one TrackingStore implementation.
 *
 * @param name     shown in the test titles, e.g. "memory"
 * @param factory  makes a store; called once for the suite (shared by its tests) and once more for
 *                 the `close()` test
 * @param options  `deviations`: tests this implementation is known to fail; they run with `it.fails`
 *                 and their titles carry the reason
 */
export function describeTrackingStore(
  name: string,
  factory: () => Promise<TrackingStore>,
  options: TrackingStoreSuiteOptions = {},
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

  describe(`TrackingStore conformance: ${name}`, () => {
    let store: TrackingStore;
    const prefix = `conformance-${hex(5)}`;
    const unique = (label: string): string => `${prefix}-${label}-${hex(4)}`;

    beforeAll(async () => {
      store = await factory();
    });
    afterAll(async () => {
      await store?.close();
    });

    const newExperiment = async (label: string, opts?: Parameters<TrackingStore["createExperiment"]>[1]): Promise<string> =>
      store.createExperiment(unique(label), opts);
    const newRun = async (experimentId: string, request: Omit<CreateRunRequest, "experimentId"> = {}): Promise<Run> =>
      store.createRun({ startTime: T0, ...request, experimentId });
    /** A fresh experiment with one run in it. */
    const freshRun = async (label: string, request: Omit<CreateRunRequest, "experimentId"> = {}): Promise<Run> =>
      newRun(await newExperiment(label), request);

    // ------------------------------------------------------------------------------------------
    describe("experiments", () => {
      test("createExperiment returns a decimal id that getExperiment reads back as active", async () => {
        const name = unique("create");
        const before = Date.now();
        const id = await store.createExperiment(name);
        expect(id).toMatch(/^\d+$/);
        const e = await store.getExperiment(id);
        expect(e.experimentId).toBe(id);
        expect(e.name).toBe(name);
        expect(e.lifecycleStage).toBe("active");
        expect(e.tags).toEqual({});
        expect(e.creationTime).toBeGreaterThanOrEqual(before - 60_000);
        expect(e.lastUpdateTime).toBe(e.creationTime);
        // Default artifact location: <default artifact root>/<id> (sqlalchemy_store.py _get_artifact_location).
        expect(e.artifactLocation.endsWith(`/${id}`)).toBe(true);
      });

      test("the default experiment '0' exists", async () => {
        const e = await store.getExperiment("0");
        expect(e.experimentId).toBe("0");
        expect(e.name).toBe("Default");
      });

      test("createExperiment keeps a given artifact location", async () => {
        const location = `s3://conformance-bucket/${hex(6)}`;
        const id = await newExperiment("location", { artifactLocation: location });
        expect((await store.getExperiment(id)).artifactLocation).toBe(location);
      });

      test("createExperiment with a taken name fails with RESOURCE_ALREADY_EXISTS, deleted experiments included", async () => {
        const name = unique("dup");
        const id = await store.createExperiment(name);
        await expectError(store.createExperiment(name), "RESOURCE_ALREADY_EXISTS");
        await store.deleteExperiment(id);
        await expectError(store.createExperiment(name), "RESOURCE_ALREADY_EXISTS");
      });

      test("createExperiment with an empty or over-long name fails with INVALID_PARAMETER_VALUE", async () => {
        await expectError(store.createExperiment(""), "INVALID_PARAMETER_VALUE");
        await expectError(store.createExperiment(`${prefix}-${"x".repeat(500)}`), "INVALID_PARAMETER_VALUE");
      });

      test("getExperiment of an unknown id fails with RESOURCE_DOES_NOT_EXIST", async () => {
        await expectError(store.getExperiment("987654321"), "RESOURCE_DOES_NOT_EXIST");
      });

      test("getExperiment of a non-integer id fails with INVALID_PARAMETER_VALUE", async () => {
        await expectError(store.getExperiment("abc"), "INVALID_PARAMETER_VALUE");
        await expectError(store.getExperiment("1.5"), "INVALID_PARAMETER_VALUE");
      });

      test("getExperimentByName finds active and deleted experiments and gives null when absent", async () => {
        const name = unique("byname");
        const id = await store.createExperiment(name);
        expect((await store.getExperimentByName(name))?.experimentId).toBe(id);
        expect(await store.getExperimentByName(unique("absent"))).toBeNull();
        await store.deleteExperiment(id);
        const deleted = await store.getExperimentByName(name);
        expect(deleted?.experimentId).toBe(id);
        expect(deleted?.lifecycleStage).toBe("deleted");
      });

      test("experiment tags: given at create, upserted by setExperimentTag, removed by deleteExperimentTag", async () => {
        const id = await newExperiment("tags", { tags: [{ key: "team", value: "nlp" }, { key: "a/b c-d_e.f:g", value: "" }] });
        expect((await store.getExperiment(id)).tags).toEqual({ team: "nlp", "a/b c-d_e.f:g": "" });
        await store.setExperimentTag(id, "team", "vision");
        await store.setExperimentTag(id, "owner", "ana");
        expect((await store.getExperiment(id)).tags).toEqual({ team: "vision", owner: "ana", "a/b c-d_e.f:g": "" });
        await store.deleteExperimentTag(id, "team");
        expect((await store.getExperiment(id)).tags).toEqual({ owner: "ana", "a/b c-d_e.f:g": "" });
      });

      test("experiment tag values over 20000 characters fail with INVALID_PARAMETER_VALUE (not truncated)", async () => {
        // validation.py MAX_EXPERIMENT_TAG_VAL_LENGTH = 20000 in MLflow 3.17.2; _validate_length_limit without truncate.
        const id = await newExperiment("tag-long");
        await store.setExperimentTag(id, "ok", "v".repeat(20000));
        await expectError(store.setExperimentTag(id, "long", "v".repeat(20001)), "INVALID_PARAMETER_VALUE");
        expect(Object.keys((await store.getExperiment(id)).tags)).toEqual(["ok"]);
      });

      test("deleteExperimentTag of a missing tag fails with RESOURCE_DOES_NOT_EXIST", async () => {
        const id = await newExperiment("deltag");
        await expectError(store.deleteExperimentTag(id, "nope"), "RESOURCE_DOES_NOT_EXIST");
      });

      test("experiment tags: bad keys fail with INVALID_PARAMETER_VALUE and nothing is created", async () => {
        const id = await newExperiment("badtag");
        await expectError(store.setExperimentTag(id, "a//b", "v"), "INVALID_PARAMETER_VALUE");
        await expectError(store.setExperimentTag(id, "bad*key", "v"), "INVALID_PARAMETER_VALUE");
        expect((await store.getExperiment(id)).tags).toEqual({});
        const name = unique("badtag-create");
        await expectError(store.createExperiment(name, { tags: [{ key: "/abs", value: "v" }] }), "INVALID_PARAMETER_VALUE");
        expect(await store.getExperimentByName(name)).toBeNull();
      });

      test("experiment tags on an unknown experiment fail with RESOURCE_DOES_NOT_EXIST, on a deleted one with INVALID_PARAMETER_VALUE", async () => {
        await expectError(store.setExperimentTag("987654321", "k", "v"), "RESOURCE_DOES_NOT_EXIST");
        const id = await newExperiment("tag-deleted", { tags: [{ key: "k", value: "v" }] });
        await store.deleteExperiment(id);
        await expectError(store.setExperimentTag(id, "k2", "v"), "INVALID_PARAMETER_VALUE");
        await expectError(store.deleteExperimentTag(id, "k"), "INVALID_PARAMETER_VALUE");
      });

      test("renameExperiment renames and bumps lastUpdateTime", async () => {
        const oldName = unique("rename-old");
        const newName = unique("rename-new");
        const id = await store.createExperiment(oldName);
        const before = await store.getExperiment(id);
        await store.renameExperiment(id, newName);
        const after = await store.getExperiment(id);
        expect(after.name).toBe(newName);
        expect(after.lastUpdateTime).toBeGreaterThanOrEqual(before.lastUpdateTime);
        expect(await store.getExperimentByName(oldName)).toBeNull();
        expect((await store.getExperimentByName(newName))?.experimentId).toBe(id);
      });

      test("renameExperiment to a taken name fails with BAD_REQUEST and keeps both names", async () => {
        // MLflow 3.17.2 checks nothing before the UPDATE (sqlalchemy_store.py rename_experiment); the
        // UNIQUE(workspace, name) constraint fails at commit and the session manager maps the
        // IntegrityError to BAD_REQUEST (store/db/utils.py, `except sqlalchemy.exc.SQLAlchemyError`).
        // Only createExperiment reports RESOURCE_ALREADY_EXISTS.
        const a = unique("taken-a");
        const b = unique("taken-b");
        const idA = await store.createExperiment(a);
        const idB = await store.createExperiment(b);
        await expectError(store.renameExperiment(idA, b), "BAD_REQUEST");
        expect((await store.getExperiment(idA)).name).toBe(a);
        expect((await store.getExperiment(idB)).name).toBe(b);
        await store.renameExperiment(idA, a); // renaming to its own name is fine
      });

      test("renameExperiment: deleted → INVALID_STATE, unknown → RESOURCE_DOES_NOT_EXIST, empty name → INVALID_PARAMETER_VALUE", async () => {
        const id = await newExperiment("rename-deleted");
        await expectError(store.renameExperiment(id, ""), "INVALID_PARAMETER_VALUE");
        await expectError(store.renameExperiment("987654321", unique("x")), "RESOURCE_DOES_NOT_EXIST");
        await store.deleteExperiment(id);
        await expectError(store.renameExperiment(id, unique("rename-deleted-new")), "INVALID_STATE");
      });

      test("deleteExperiment soft-deletes the experiment and all its runs; restoreExperiment restores them all", async () => {
        const id = await newExperiment("delete");
        const r1 = await newRun(id);
        const r2 = await newRun(id);
        await store.deleteRun(r2.info.runId); // deleted on its own before the experiment
        const before = await store.getExperiment(id);
        await store.deleteExperiment(id);
        const deleted = await store.getExperiment(id);
        expect(deleted.lifecycleStage).toBe("deleted");
        expect(deleted.lastUpdateTime).toBeGreaterThanOrEqual(before.lastUpdateTime);
        expect((await store.getRun(r1.info.runId)).info.lifecycleStage).toBe("deleted");
        expect((await store.getRun(r2.info.runId)).info.lifecycleStage).toBe("deleted");
        expect((await store.searchRuns({ experimentIds: [id] })).items).toEqual([]);
        expect((await store.searchRuns({ experimentIds: [id], viewType: "DELETED_ONLY" })).items).toHaveLength(2);

        await store.restoreExperiment(id);
        expect((await store.getExperiment(id)).lifecycleStage).toBe("active");
        // MLflow restores every run of the experiment (sqlalchemy_store.py restore_experiment → _mark_run_active).
        expect((await store.getRun(r1.info.runId)).info.lifecycleStage).toBe("active");
        expect((await store.getRun(r2.info.runId)).info.lifecycleStage).toBe("active");
      });

      test("deleteExperiment twice, restoreExperiment of an active one, and unknown ids fail with RESOURCE_DOES_NOT_EXIST", async () => {
        const id = await newExperiment("delete-twice");
        await expectError(store.restoreExperiment(id), "RESOURCE_DOES_NOT_EXIST");
        await store.deleteExperiment(id);
        await expectError(store.deleteExperiment(id), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.deleteExperiment("987654321"), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.restoreExperiment("987654321"), "RESOURCE_DOES_NOT_EXIST");
      });
    });

    // ------------------------------------------------------------------------------------------
    describe("searchExperiments", () => {
      // Six experiments under one unique prefix: A (tags team=nlp), a, B (team=vision), C, D deleted, E.
      const p = `${prefix}-se-${hex(3)}`;
      const ids: Record<string, string> = {};
      const scoped = `name LIKE '${p}-%'`;
      const names = (es: readonly Experiment[]): string[] => es.map((e) => e.name.slice(p.length + 1));

      beforeAll(async () => {
        ids.A = await store.createExperiment(`${p}-Alpha`, { tags: [{ key: "team", value: "nlp" }] });
        ids.a = await store.createExperiment(`${p}-alpha2`);
        ids.B = await store.createExperiment(`${p}-Beta`, { tags: [{ key: "team", value: "vision" }] });
        ids.C = await store.createExperiment(`${p}-Gamma`);
        ids.D = await store.createExperiment(`${p}-Delta`);
        ids.E = await store.createExperiment(`${p}-Epsilon`);
        await store.deleteExperiment(ids.D);
      });

      test("searchExperiments view types: ACTIVE_ONLY (the default), DELETED_ONLY, ALL", async () => {
        const sorted = (es: readonly Experiment[]) => names(es).sort();
        expect(sorted((await store.searchExperiments({ filter: scoped })).items)).toEqual(["Alpha", "Beta", "Epsilon", "Gamma", "alpha2"]);
        expect(sorted((await store.searchExperiments({ filter: scoped, viewType: "ACTIVE_ONLY" })).items)).toEqual([
          "Alpha",
          "Beta",
          "Epsilon",
          "Gamma",
          "alpha2",
        ]);
        expect(sorted((await store.searchExperiments({ filter: scoped, viewType: "DELETED_ONLY" })).items)).toEqual(["Delta"]);
        expect(sorted((await store.searchExperiments({ filter: scoped, viewType: "ALL" })).items)).toEqual([
          "Alpha",
          "Beta",
          "Delta",
          "Epsilon",
          "Gamma",
          "alpha2",
        ]);
      });

      test("searchExperiments filters: name =, LIKE (case-sensitive), ILIKE, tags, AND", async () => {
        const search = async (filter: string) =>
          names((await store.searchExperiments({ filter: `${scoped} AND ${filter}`, orderBy: ["name ASC"] })).items);
        expect(await search(`name = '${p}-Beta'`)).toEqual(["Beta"]);
        expect(await search(`name LIKE '${p}-Alpha%'`)).toEqual(["Alpha"]);
        expect(await search(`name ILIKE '${p}-alpha%'`)).toEqual(["Alpha", "alpha2"]);
        expect(await search(`name != '${p}-Beta'`)).toEqual(["Alpha", "Epsilon", "Gamma", "alpha2"]);
        expect(await search("tags.team = 'nlp'")).toEqual(["Alpha"]);
        expect(await search("tags.team LIKE '%i%'")).toEqual(["Beta"]);
        expect(await search("tags.team != 'nlp'")).toEqual(["Beta"]);
        expect(await search("creation_time > 0 AND last_update_time > 0")).toEqual(["Alpha", "Beta", "Epsilon", "Gamma", "alpha2"]);
      });

      test("searchExperiments orderBy name ASC/DESC and experiment_id", async () => {
        const order = async (orderBy: string[]) => names((await store.searchExperiments({ filter: scoped, orderBy })).items);
        expect(await order(["name ASC"])).toEqual(["Alpha", "Beta", "Epsilon", "Gamma", "alpha2"]);
        expect(await order(["name DESC"])).toEqual(["alpha2", "Gamma", "Epsilon", "Beta", "Alpha"]);
        expect(await order(["experiment_id DESC"])).toEqual(["Epsilon", "Gamma", "Beta", "alpha2", "Alpha"]);
      });

      test("searchExperiments default order is creation_time DESC, then experiment_id ASC", async () => {
        const { items } = await store.searchExperiments({ filter: scoped });
        const expected = [...items].sort((x, y) => y.creationTime - x.creationTime || Number(x.experimentId) - Number(y.experimentId));
        expect(items.map((e) => e.experimentId)).toEqual(expected.map((e) => e.experimentId));
        expect(items).toHaveLength(5);
      });

      test("searchExperiments pages with maxResults and page tokens; the last page has no nextPageToken", async () => {
        const all = (await store.searchExperiments({ filter: scoped, orderBy: ["name ASC"] })).items.map((e) => e.experimentId);
        expect(all).toHaveLength(5);
        const seen: string[] = [];
        const sizes: number[] = [];
        let pageToken: string | undefined;
        for (let i = 0; i < 10; i++) {
          const page = await store.searchExperiments({ filter: scoped, orderBy: ["name ASC"], maxResults: 2, pageToken });
          seen.push(...page.items.map((e) => e.experimentId));
          sizes.push(page.items.length);
          pageToken = page.nextPageToken;
          if (pageToken === undefined) break;
          expect(typeof pageToken).toBe("string");
          expect(pageToken).not.toBe("");
        }
        expect(sizes).toEqual([2, 2, 1]);
        expect(seen).toEqual(all);
        const exact = await store.searchExperiments({ filter: scoped, maxResults: 5 });
        expect(exact.items).toHaveLength(5);
        expect(exact.nextPageToken).toBeUndefined();
      });

      test("searchExperiments rejects a malformed filter, a bad order_by and maxResults out of 1…50000 with INVALID_PARAMETER_VALUE", async () => {
        await expectError(store.searchExperiments({ filter: "name = " }), "INVALID_PARAMETER_VALUE");
        await expectError(store.searchExperiments({ filter: "name LIKE 'x' OR name LIKE 'y'" }), "INVALID_PARAMETER_VALUE");
        await expectError(store.searchExperiments({ filter: "metrics.acc > 1" }), "INVALID_PARAMETER_VALUE");
        await expectError(store.searchExperiments({ orderBy: ["nonsense_key ASC"] }), "INVALID_PARAMETER_VALUE");
        await expectError(store.searchExperiments({ maxResults: 0 }), "INVALID_PARAMETER_VALUE");
        await expectError(store.searchExperiments({ maxResults: 50001 }), "INVALID_PARAMETER_VALUE");
      });
    });

    // ------------------------------------------------------------------------------------------
    describe("runs", () => {
      test("createRun: 32 lowercase hex id, RUNNING, given name, user, start time and tags; artifactUri under the experiment", async () => {
        const id = await newExperiment("createrun");
        const exp = await store.getExperiment(id);
        const run = await store.createRun({
          experimentId: id,
          runName: "my-run",
          userId: "ana",
          startTime: T0 + 5,
          tags: [{ key: "team", value: "nlp" }],
        });
        const { info } = run;
        expect(info.runId).toMatch(/^[0-9a-f]{32}$/);
        expect(info.experimentId).toBe(id);
        expect(info.status).toBe("RUNNING");
        expect(info.lifecycleStage).toBe("active");
        expect(info.runName).toBe("my-run");
        expect(info.userId).toBe("ana");
        expect(info.startTime).toBe(T0 + 5);
        expect(info.endTime).toBeNull();
        expect(info.artifactUri).toBe(`${exp.artifactLocation}/${info.runId}/artifacts`);
        expect(run.data).toEqual({ metrics: {}, params: {}, tags: { team: "nlp", "mlflow.runName": "my-run" } });
        expect(run.inputs.datasetInputs).toEqual([]);
        expect(await store.getRun(info.runId)).toEqual(run);
      });

      test("createRun takes the run name from the mlflow.runName tag", async () => {
        const run = await freshRun("name-from-tag", { tags: [{ key: "mlflow.runName", value: "from-tag" }] });
        expect(run.info.runName).toBe("from-tag");
        expect(run.data.tags["mlflow.runName"]).toBe("from-tag");
        const same = await freshRun("name-both", { runName: "same", tags: [{ key: "mlflow.runName", value: "same" }] });
        expect(same.info.runName).toBe("same");
      });

      test("createRun generates an adjective-noun-number name when none is given, and tags it", async () => {
        const run = await freshRun("name-generated");
        expect(run.info.runName).toMatch(/^[a-z]+-[a-z]+-\d+$/);
        expect(run.info.runName.length).toBeLessThanOrEqual(20);
        expect(run.data.tags["mlflow.runName"]).toBe(run.info.runName);
      });

      test("createRun with a run name that contradicts the mlflow.runName tag fails with INVALID_PARAMETER_VALUE", async () => {
        const id = await newExperiment("name-conflict");
        await expectError(
          store.createRun({ experimentId: id, runName: "a", tags: [{ key: "mlflow.runName", value: "b" }] }),
          "INVALID_PARAMETER_VALUE",
        );
        expect((await store.searchRuns({ experimentIds: [id], viewType: "ALL" })).items).toEqual([]);
      });

      test("createRun in a deleted experiment fails with INVALID_PARAMETER_VALUE, in an unknown one with RESOURCE_DOES_NOT_EXIST", async () => {
        const id = await newExperiment("run-in-deleted");
        await store.deleteExperiment(id);
        await expectError(store.createRun({ experimentId: id, startTime: T0 }), "INVALID_PARAMETER_VALUE");
        await expectError(store.createRun({ experimentId: "987654321", startTime: T0 }), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.createRun({ experimentId: "abc", startTime: T0 }), "INVALID_PARAMETER_VALUE");
      });

      test("getRun of an unknown run fails with RESOURCE_DOES_NOT_EXIST", async () => {
        await expectError(store.getRun(randomRunId()), "RESOURCE_DOES_NOT_EXIST");
      });

      test("updateRunInfo sets status and end time, and changes only the fields given", async () => {
        const run = await freshRun("update", { runName: "keep-me" });
        const info = await store.updateRunInfo(run.info.runId, { status: "FINISHED", endTime: T0 + 100 });
        expect(info).toEqual({ ...run.info, status: "FINISHED", endTime: T0 + 100 });
        expect((await store.getRun(run.info.runId)).info).toEqual(info);
        const again = await store.updateRunInfo(run.info.runId, { status: "FAILED" });
        expect(again).toEqual({ ...info, status: "FAILED" });
        expect(await store.updateRunInfo(run.info.runId, {})).toEqual(again);
      });

      test("updateRunInfo with a run name renames the run and rewrites the mlflow.runName tag", async () => {
        const run = await freshRun("update-name", { runName: "before" });
        const info = await store.updateRunInfo(run.info.runId, { runName: "after" });
        expect(info.runName).toBe("after");
        const got = await store.getRun(run.info.runId);
        expect(got.info.runName).toBe("after");
        expect(got.data.tags["mlflow.runName"]).toBe("after");
      });

      test("setting the mlflow.runName tag renames the run", async () => {
        const run = await freshRun("rename-by-tag", { runName: "before" });
        await store.logBatch(run.info.runId, { tags: [{ key: "mlflow.runName", value: "after-tag" }] });
        const got = await store.getRun(run.info.runId);
        expect(got.info.runName).toBe("after-tag");
        expect(got.data.tags["mlflow.runName"]).toBe("after-tag");
        const found = await store.searchRuns({ experimentIds: [run.info.experimentId], filter: "attributes.run_name = 'after-tag'" });
        expect(found.items.map((r) => r.info.runId)).toEqual([run.info.runId]);
      });

      test("deleteRun soft-deletes (getRun still works); restoreRun brings it back; deleting twice is allowed", async () => {
        const run = await freshRun("delete-run");
        await store.deleteRun(run.info.runId);
        const deleted = await store.getRun(run.info.runId);
        expect(deleted.info.lifecycleStage).toBe("deleted");
        expect(deleted.info.runName).toBe(run.info.runName);
        await store.deleteRun(run.info.runId);
        await store.restoreRun(run.info.runId);
        expect((await store.getRun(run.info.runId)).info.lifecycleStage).toBe("active");
        await store.logBatch(run.info.runId, { params: [{ key: "p", value: "1" }] });
        expect((await store.getRun(run.info.runId)).data.params).toEqual({ p: "1" });
      });

      test("writes to a deleted run fail with INVALID_PARAMETER_VALUE", async () => {
        const run = await freshRun("write-deleted");
        const runId = run.info.runId;
        await store.logBatch(runId, { tags: [{ key: "t", value: "v" }] });
        await store.deleteRun(runId);
        await expectError(store.logBatch(runId, { metrics: [metric("m", 1)] }), "INVALID_PARAMETER_VALUE");
        await expectError(store.logBatch(runId, { params: [{ key: "p", value: "v" }] }), "INVALID_PARAMETER_VALUE");
        await expectError(store.logBatch(runId, { tags: [{ key: "t", value: "w" }] }), "INVALID_PARAMETER_VALUE");
        await expectError(store.updateRunInfo(runId, { status: "FINISHED" }), "INVALID_PARAMETER_VALUE");
        await expectError(store.deleteTag(runId, "t"), "INVALID_PARAMETER_VALUE");
        await expectError(
          store.logInputs(runId, [{ dataset: { name: "d", digest: "1", sourceType: "local", source: "{}" }, tags: [] }]),
          "INVALID_PARAMETER_VALUE",
        );
        const got = await store.getRun(runId);
        expect(got.data).toEqual({ metrics: {}, params: {}, tags: { t: "v", "mlflow.runName": run.info.runName } });
        expect(got.info.status).toBe("RUNNING");
      });

      test("deleteRun, restoreRun and logBatch of an unknown run fail with RESOURCE_DOES_NOT_EXIST", async () => {
        await expectError(store.deleteRun(randomRunId()), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.restoreRun(randomRunId()), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.logBatch(randomRunId(), { params: [{ key: "p", value: "v" }] }), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.updateRunInfo(randomRunId(), { status: "FINISHED" }), "RESOURCE_DOES_NOT_EXIST");
      });
    });

    // ------------------------------------------------------------------------------------------
    describe("logBatch", () => {
      test("logBatch writes metrics, params and tags; tags are upserted, the last of a repeated key wins", async () => {
        const run = await freshRun("batch");
        const runId = run.info.runId;
        await store.logBatch(runId, {
          metrics: [metric("acc", 0.5), metric("loss", 1.25, 3, T0 + 7)],
          params: [{ key: "C", value: "4" }, { key: "a/b c-d_e.f:g", value: "" }],
          tags: [{ key: "team", value: "nlp" }, { key: "t2", value: "x" }, { key: "t2", value: "y" }],
        });
        await store.logBatch(runId, { tags: [{ key: "team", value: "vision" }] });
        await store.logBatch(runId, {});
        const got = await store.getRun(runId);
        expect(got.data.metrics).toEqual({ acc: 0.5, loss: 1.25 });
        expect(got.data.params).toEqual({ C: "4", "a/b c-d_e.f:g": "" });
        expect(got.data.tags).toEqual({ team: "vision", t2: "y", "mlflow.runName": run.info.runName });
        expect((await store.getMetricHistory(runId, "loss")).items).toEqual([metric("loss", 1.25, 3, T0 + 7)]);
      });

      test("params are immutable: the same value again is fine, a new value fails with INVALID_PARAMETER_VALUE and nothing of that batch is written", async () => {
        const run = await freshRun("param-immutable");
        const runId = run.info.runId;
        await store.logBatch(runId, { params: [{ key: "C", value: "4" }] });
        await store.logBatch(runId, { params: [{ key: "C", value: "4" }] });
        await expectError(
          store.logBatch(runId, {
            params: [{ key: "new", value: "1" }, { key: "C", value: "5" }],
            metrics: [metric("m", 1)],
            tags: [{ key: "t", value: "v" }],
          }),
          "INVALID_PARAMETER_VALUE",
        );
        const got = await store.getRun(runId);
        expect(got.data).toEqual({ metrics: {}, params: { C: "4" }, tags: { "mlflow.runName": run.info.runName } });
        expect((await store.getMetricHistory(runId, "m")).items).toEqual([]);
      });

      test("duplicate param keys in one batch fail with INVALID_PARAMETER_VALUE, even with equal values, and nothing is written", async () => {
        const run = await freshRun("param-dup");
        const runId = run.info.runId;
        for (const second of ["1", "2"]) {
          await expectError(
            store.logBatch(runId, {
              params: [{ key: "p", value: "1" }, { key: "p", value: second }],
              metrics: [metric("m", 1)],
              tags: [{ key: "t", value: "v" }],
            }),
            "INVALID_PARAMETER_VALUE",
          );
        }
        const got = await store.getRun(runId);
        expect(got.data).toEqual({ metrics: {}, params: {}, tags: { "mlflow.runName": run.info.runName } });
      });

      test("logBatch limits: 1000 metrics and 100 params/tags pass; 1001 metrics, 101 params, 101 tags or 1001 entities fail with INVALID_PARAMETER_VALUE", async () => {
        const run = await freshRun("limits");
        const runId = run.info.runId;
        const metrics = (n: number, k = "m") => Array.from({ length: n }, (_, i) => metric(k, i, i));
        const params = (n: number, k = "p") => Array.from({ length: n }, (_, i) => ({ key: `${k}${i}`, value: "v" }));
        const tags = (n: number, k = "t") => Array.from({ length: n }, (_, i) => ({ key: `${k}${i}`, value: "v" }));
        await expectError(store.logBatch(runId, { metrics: metrics(1001, "over") }), "INVALID_PARAMETER_VALUE");
        await expectError(store.logBatch(runId, { params: params(101, "over") }), "INVALID_PARAMETER_VALUE");
        await expectError(store.logBatch(runId, { tags: tags(101, "over") }), "INVALID_PARAMETER_VALUE");
        await expectError(store.logBatch(runId, { metrics: metrics(900, "over"), params: params(100, "over"), tags: tags(1, "over") }), "INVALID_PARAMETER_VALUE");
        let got = await store.getRun(runId);
        expect(got.data).toEqual({ metrics: {}, params: {}, tags: { "mlflow.runName": run.info.runName } });
        await store.logBatch(runId, { metrics: metrics(1000) });
        await store.logBatch(runId, { params: params(100), tags: tags(100) });
        got = await store.getRun(runId);
        expect(got.data.metrics).toEqual({ m: 999 });
        expect(Object.keys(got.data.params)).toHaveLength(100);
        expect(Object.keys(got.data.tags)).toHaveLength(101);
        expect((await store.getMetricHistory(runId, "m")).items).toHaveLength(1000);
      });

      test("logBatch rejects bad keys (a//b, /a, .., bad*key, a/, a/./b, over 250 chars) with INVALID_PARAMETER_VALUE", async () => {
        const run = await freshRun("bad-keys");
        const runId = run.info.runId;
        const bad = ["a//b", "/a", "..", "bad*key", "a/", "a/./b", "../x", "k".repeat(251)];
        for (const key of bad) {
          await expectError(store.logBatch(runId, { metrics: [metric(key, 1)] }), "INVALID_PARAMETER_VALUE");
          await expectError(store.logBatch(runId, { params: [{ key, value: "v" }] }), "INVALID_PARAMETER_VALUE");
          await expectError(store.logBatch(runId, { tags: [{ key, value: "v" }] }), "INVALID_PARAMETER_VALUE");
        }
        // One bad key anywhere rejects the whole batch.
        await expectError(
          store.logBatch(runId, { metrics: [metric("fine", 1)], params: [{ key: "fine", value: "v" }], tags: [{ key: "a//b", value: "v" }] }),
          "INVALID_PARAMETER_VALUE",
        );
        const got = await store.getRun(runId);
        expect(got.data).toEqual({ metrics: {}, params: {}, tags: { "mlflow.runName": run.info.runName } });
        await store.logBatch(runId, { metrics: [metric("k".repeat(250), 1)], params: [{ key: "ok/nested key:1", value: "v" }] });
      });

      test("logBatch rejects a negative metric timestamp with INVALID_PARAMETER_VALUE and a malformed run id likewise", async () => {
        const run = await freshRun("bad-metric");
        await expectError(store.logBatch(run.info.runId, { metrics: [metric("m", 1, 0, -1)] }), "INVALID_PARAMETER_VALUE");
        expect((await store.getMetricHistory(run.info.runId, "m")).items).toEqual([]);
        // sqlalchemy_store.py log_batch → validation.py _validate_run_id, before looking the run up.
        await expectError(store.logBatch("not a run id!", { params: [{ key: "p", value: "v" }] }), "INVALID_PARAMETER_VALUE");
      });

      test("over-long values are truncated: param values to 6000 characters, tag values to 8000", async () => {
        const run = await freshRun("truncate");
        const runId = run.info.runId;
        const long = "0123456789".repeat(1000) + "tail"; // 10004 characters
        await store.logBatch(runId, { params: [{ key: "p", value: long.slice(0, 6001) }], tags: [{ key: "t", value: long }] });
        const got = await store.getRun(runId);
        expect(got.data.params.p).toBe(long.slice(0, 6000));
        expect(got.data.tags.t).toBe(long.slice(0, 8000));
        // Re-logging the same over-long value compares the truncated form: no change, no error.
        await store.logBatch(runId, { params: [{ key: "p", value: long }] });
      });

      test("metric history is ordered by timestamp, then step, then value", async () => {
        const run = await freshRun("history-order");
        const runId = run.info.runId;
        await store.logBatch(runId, { metrics: [metric("h", 1, 0, T0 + 300), metric("h", 5, 2, T0 + 100)] });
        await store.logBatch(runId, { metrics: [metric("h", 9, 1, T0 + 100), metric("h", 3, 1, T0 + 100), metric("h", 7, 0, T0 + 200)] });
        await store.logBatch(runId, { metrics: [metric("other", 1)] });
        expect((await store.getMetricHistory(runId, "h")).items).toEqual([
          metric("h", 3, 1, T0 + 100),
          metric("h", 9, 1, T0 + 100),
          metric("h", 5, 2, T0 + 100),
          metric("h", 7, 0, T0 + 200),
          metric("h", 1, 0, T0 + 300),
        ]);
      });

      test("exact duplicate metric points are stored once; points differing in value, step or timestamp are kept", async () => {
        const run = await freshRun("history-dup");
        const runId = run.info.runId;
        await store.logBatch(runId, { metrics: [metric("d", 1, 1, T0), metric("d", 1, 1, T0)] });
        await store.logBatch(runId, { metrics: [metric("d", 1, 1, T0), metric("d", 2, 1, T0), metric("d", 1, 2, T0), metric("d", 1, 1, T0 + 1)] });
        await store.logBatch(runId, { metrics: [metric("d", NaN, 3, T0)] });
        await store.logBatch(runId, { metrics: [metric("d", NaN, 3, T0)] });
        expect((await store.getMetricHistory(runId, "d")).items).toEqual([
          metric("d", 1, 1, T0),
          metric("d", 2, 1, T0),
          metric("d", 1, 2, T0),
          metric("d", NaN, 3, T0),
          metric("d", 1, 1, T0 + 1),
        ]);
      });

      test("the latest metric is the greatest by (step, timestamp, value), ties included, within and across batches", async () => {
        const run = await freshRun("latest");
        const runId = run.info.runId;
        await store.logBatch(runId, {
          metrics: [
            // a higher step wins over a later timestamp
            metric("step", 5, 1, T0 + 100),
            metric("step", 1, 2, T0 + 50),
            // same step: the later timestamp wins
            metric("time", 1, 1, T0 + 200),
            metric("time", 9, 1, T0 + 100),
            // same step and timestamp: the greater value wins
            metric("value", 2, 1, T0),
            metric("value", 7, 1, T0),
            metric("value", 3, 1, T0),
          ],
        });
        // Logged later, but older by (step, timestamp, value): does not replace the latest.
        await store.logBatch(runId, { metrics: [metric("later", 1, 5, T0 + 100)] });
        await store.logBatch(runId, { metrics: [metric("later", 100, 4, T0 + 999)] });
        // Across batches, a tie on step and timestamp is decided by the value.
        await store.logBatch(runId, { metrics: [metric("tie", 7, 1, T0)] });
        await store.logBatch(runId, { metrics: [metric("tie", 2, 1, T0)] });
        await store.logBatch(runId, { metrics: [metric("tie", 8, 1, T0)] });
        expect((await store.getRun(runId)).data.metrics).toEqual({ step: 1, time: 1, value: 7, later: 1, tie: 8 });
      });

      test("NaN and ±Infinity round-trip as MLflow's SQL store returns them (NaN; ±1.7976931348623157e308)", async () => {
        const run = await freshRun("nan-inf");
        const runId = run.info.runId;
        await store.logBatch(runId, {
          metrics: [metric("nan", NaN), metric("inf", Infinity), metric("ninf", -Infinity), metric("big", MAX_DOUBLE, 0, T0 + 1)],
        });
        expect((await store.getRun(runId)).data.metrics).toEqual({ nan: NaN, inf: MAX_DOUBLE, ninf: -MAX_DOUBLE, big: MAX_DOUBLE });
        expect((await store.getMetricHistory(runId, "nan")).items).toEqual([metric("nan", NaN)]);
        expect((await store.getMetricHistory(runId, "inf")).items).toEqual([metric("inf", MAX_DOUBLE)]);
        expect((await store.getMetricHistory(runId, "ninf")).items).toEqual([metric("ninf", -MAX_DOUBLE)]);
        // +Infinity is stored as max double, so it equals an explicit max double: a duplicate point.
        await store.logBatch(runId, { metrics: [metric("inf", MAX_DOUBLE)] });
        expect((await store.getMetricHistory(runId, "inf")).items).toHaveLength(1);
      });

      test("a NaN point competes for latest as the value 0 (its stored placeholder)", async () => {
        const run = await freshRun("nan-latest");
        const runId = run.info.runId;
        await store.logBatch(runId, { metrics: [metric("neg", -1, 1, T0), metric("pos", 1, 1, T0)] });
        await store.logBatch(runId, { metrics: [metric("neg", NaN, 1, T0), metric("pos", NaN, 1, T0)] });
        await store.logBatch(runId, { metrics: [metric("ninf", -Infinity, 0, T0), metric("ninf", -5, 0, T0)] });
        expect((await store.getRun(runId)).data.metrics).toEqual({ neg: NaN, pos: 1, ninf: -5 });
      });

      test("getMetricHistory pages with maxResults and page tokens; unknown keys and unknown runs give an empty history", async () => {
        const run = await freshRun("history-pages");
        const runId = run.info.runId;
        const points = Array.from({ length: 5 }, (_, i) => metric("p", i * 1.5, i, T0 + i));
        await store.logBatch(runId, { metrics: points });
        const seen: Metric[] = [];
        const sizes: number[] = [];
        let pageToken: string | undefined;
        for (let i = 0; i < 10; i++) {
          const page = await store.getMetricHistory(runId, "p", { maxResults: 2, pageToken });
          seen.push(...page.items);
          sizes.push(page.items.length);
          pageToken = page.nextPageToken;
          if (pageToken === undefined) break;
        }
        expect(sizes).toEqual([2, 2, 1]);
        expect(seen).toEqual(points);
        const whole = await store.getMetricHistory(runId, "p");
        expect(whole.items).toEqual(points);
        expect(whole.nextPageToken).toBeUndefined();
        expect((await store.getMetricHistory(runId, "p", { maxResults: 5 })).nextPageToken).toBeUndefined();
        expect(await store.getMetricHistory(runId, "nope")).toEqual({ items: [] });
        // MLflow's SQL store does not look the run up (sqlalchemy_store.py get_metric_history).
        expect(await store.getMetricHistory(randomRunId(), "p")).toEqual({ items: [] });
      });

      test("deleteTag removes a run tag; a missing tag or an unknown run fails with RESOURCE_DOES_NOT_EXIST", async () => {
        const run = await freshRun("delete-tag");
        const runId = run.info.runId;
        await store.logBatch(runId, { tags: [{ key: "a", value: "1" }, { key: "b", value: "2" }] });
        await store.deleteTag(runId, "a");
        expect((await store.getRun(runId)).data.tags).toEqual({ b: "2", "mlflow.runName": run.info.runName });
        await expectError(store.deleteTag(runId, "a"), "RESOURCE_DOES_NOT_EXIST");
        await expectError(store.deleteTag(randomRunId(), "b"), "RESOURCE_DOES_NOT_EXIST");
      });
    });

    // ------------------------------------------------------------------------------------------
    describe("searchRuns", () => {
      // Fixture (one experiment of its own):
      //   r1 alpha-1  start T0+1 FINISHED  acc 0.9 loss 0.3  model=tfidf C=4   team=NLP
      //   r2 Alpha-2  start T0+2 RUNNING   acc 0.7           model=bert         team=nlp
      //   r3 beta-3   start T0+3 FAILED    acc 0.8 loss 0.5  model=tfidf C=10
      //   r4 gamma-4  start T0+4 FINISHED  (deleted)                             team=vision
      //   r5 delta-5  start T0+5 RUNNING   acc NaN           model=svm   C=2
      //   r6 eps-6    start T0+5 KILLED    (nothing logged)
      let experimentId: string;
      const r: Record<string, string> = {};
      const num = (runs: readonly Run[]): string[] =>
        runs.map((run) => Object.entries(r).find(([, id]) => id === run.info.runId)?.[0] ?? `?${run.info.runId}`);
      const search = async (filter: string, orderBy?: string[], viewType?: "ACTIVE_ONLY" | "DELETED_ONLY" | "ALL") =>
        num((await store.searchRuns({ experimentIds: [experimentId], filter, orderBy, viewType })).items);
      const sortedSearch = async (filter: string) => (await search(filter)).sort();

      beforeAll(async () => {
        experimentId = await newExperiment("search-runs");
        const make = async (
          key: string,
          runName: string,
          start: number,
          status: "FINISHED" | "RUNNING" | "FAILED" | "KILLED",
          batch: Parameters<TrackingStore["logBatch"]>[1],
        ) => {
          const run = await store.createRun({ experimentId, runName, startTime: T0 + start, userId: `user-${key}` });
          r[key] = run.info.runId;
          await store.logBatch(run.info.runId, batch);
          if (status !== "RUNNING") await store.updateRunInfo(run.info.runId, { status, endTime: T0 + start + 100 });
        };
        await make("r1", "alpha-1", 1, "FINISHED", {
          metrics: [metric("acc", 0.9), metric("loss", 0.3)],
          params: [{ key: "model", value: "tfidf" }, { key: "C", value: "4" }],
          tags: [{ key: "team", value: "NLP" }],
        });
        await make("r2", "Alpha-2", 2, "RUNNING", {
          metrics: [metric("acc", 0.7)],
          params: [{ key: "model", value: "bert" }],
          tags: [{ key: "team", value: "nlp" }],
        });
        await make("r3", "beta-3", 3, "FAILED", {
          metrics: [metric("acc", 0.8), metric("loss", 0.5)],
          params: [{ key: "model", value: "tfidf" }, { key: "C", value: "10" }],
        });
        await make("r4", "gamma-4", 4, "FINISHED", { tags: [{ key: "team", value: "vision" }] });
        await store.deleteRun(r.r4);
        await make("r5", "delta-5", 5, "RUNNING", {
          metrics: [metric("acc", NaN)],
          params: [{ key: "model", value: "svm" }, { key: "C", value: "2" }],
        });
        await make("r6", "eps-6", 5, "KILLED", {});
      });

      test("searchRuns returns whole runs (info, latest metrics, params, tags) in default order start_time DESC, then run_id ASC", async () => {
        const { items, nextPageToken } = await store.searchRuns({ experimentIds: [experimentId] });
        expect(nextPageToken).toBeUndefined();
        const [r5first, r6first] = [r.r5, r.r6].sort();
        expect(items.map((x) => x.info.runId)).toEqual([r5first, r6first, r.r3, r.r2, r.r1]);
        const one = items.find((x) => x.info.runId === r.r1)!;
        expect(one).toEqual(await store.getRun(r.r1));
        expect(one.info).toMatchObject({ runName: "alpha-1", status: "FINISHED", userId: "user-r1", startTime: T0 + 1, endTime: T0 + 101 });
        expect(one.data).toEqual({
          metrics: { acc: 0.9, loss: 0.3 },
          params: { model: "tfidf", C: "4" },
          tags: { team: "NLP", "mlflow.runName": "alpha-1" },
        });
      });

      test("searchRuns view types: ACTIVE_ONLY (the default), DELETED_ONLY, ALL", async () => {
        expect((await search("", undefined, "ACTIVE_ONLY")).sort()).toEqual(["r1", "r2", "r3", "r5", "r6"]);
        expect(await search("", undefined, "DELETED_ONLY")).toEqual(["r4"]);
        expect((await search("", undefined, "ALL")).sort()).toEqual(["r1", "r2", "r3", "r4", "r5", "r6"]);
      });

      test("searchRuns filters on metrics compare the latest value numerically; NaN never matches, except with !=", async () => {
        expect(await sortedSearch("metrics.acc > 0.75")).toEqual(["r1", "r3"]);
        expect(await sortedSearch("metrics.acc >= 0.8")).toEqual(["r1", "r3"]);
        expect(await sortedSearch("metrics.acc < 0.75")).toEqual(["r2"]);
        expect(await sortedSearch("metrics.acc = 0.7")).toEqual(["r2"]);
        expect(await sortedSearch("metrics.acc < 1")).toEqual(["r1", "r2", "r3"]);
        expect(await sortedSearch("metrics.acc != 0.9")).toEqual(["r2", "r3", "r5"]);
        expect(await sortedSearch("metrics.loss <= 0.3")).toEqual(["r1"]);
      });

      test("searchRuns filters on params and tags: =, != (only runs that have the key), LIKE (case-sensitive), ILIKE, IS NULL", async () => {
        expect(await sortedSearch("params.model = 'tfidf'")).toEqual(["r1", "r3"]);
        expect(await sortedSearch("params.C != '4'")).toEqual(["r3", "r5"]);
        expect(await sortedSearch("params.model LIKE 'tf%'")).toEqual(["r1", "r3"]);
        expect(await sortedSearch("params.model LIKE 'TF%'")).toEqual([]);
        expect(await sortedSearch("params.model ILIKE 'TF%'")).toEqual(["r1", "r3"]);
        expect(await sortedSearch("tags.team = 'nlp'")).toEqual(["r2"]);
        expect(await sortedSearch("tags.team != 'nlp'")).toEqual(["r1"]);
        expect(await sortedSearch("tags.team LIKE 'nl%'")).toEqual(["r2"]);
        expect(await sortedSearch("tags.team ILIKE 'nl%'")).toEqual(["r1", "r2"]);
        expect(await sortedSearch("tags.team IS NULL")).toEqual(["r3", "r5", "r6"]);
        expect(await sortedSearch("params.C IS NOT NULL")).toEqual(["r1", "r3", "r5"]);
        expect(await sortedSearch("tags.mlflow.runName = 'beta-3'")).toEqual(["r3"]);
      });

      test("searchRuns filters on attributes: status, run_name, start_time, run_id IN, user_id; AND combines", async () => {
        expect(await sortedSearch("attributes.status = 'FINISHED'")).toEqual(["r1"]);
        expect(await sortedSearch("attributes.status != 'RUNNING'")).toEqual(["r1", "r3", "r6"]);
        expect(await sortedSearch("attributes.run_name = 'alpha-1'")).toEqual(["r1"]);
        expect(await sortedSearch("attributes.run_name LIKE 'alpha%'")).toEqual(["r1"]);
        expect(await sortedSearch("attributes.run_name ILIKE 'alpha%'")).toEqual(["r1", "r2"]);
        expect(await sortedSearch(`attributes.start_time > ${T0 + 2}`)).toEqual(["r3", "r5", "r6"]);
        expect(await sortedSearch(`attributes.start_time <= ${T0 + 2}`)).toEqual(["r1", "r2"]);
        expect(await sortedSearch(`attributes.run_id IN ('${r.r1}', '${r.r3}', '${r.r4}')`)).toEqual(["r1", "r3"]);
        expect(await sortedSearch(`attributes.run_id NOT IN ('${r.r1}', '${r.r3}')`)).toEqual(["r2", "r5", "r6"]);
        expect(await sortedSearch("attributes.user_id = 'user-r2'")).toEqual(["r2"]);
        expect(await sortedSearch("metrics.acc > 0.75 AND params.model = 'tfidf' AND tags.team = 'NLP'")).toEqual(["r1"]);
        expect(await sortedSearch("metrics.acc > 0.75 and params.model = 'tfidf' and attributes.status = 'FAILED'")).toEqual(["r3"]);
      });

      test("searchRuns orderBy metrics: values in order, then NaN, then runs without the metric, in both directions", async () => {
        expect(await search("", ["metrics.acc DESC"])).toEqual(["r1", "r3", "r2", "r5", "r6"]);
        expect(await search("", ["metrics.acc ASC"])).toEqual(["r2", "r3", "r1", "r5", "r6"]);
        expect(await search("", ["metrics.acc"])).toEqual(["r2", "r3", "r1", "r5", "r6"]);
      });

      test("searchRuns orderBy params, tags and attributes: strings compare lexicographically, missing values last, ties by start_time DESC then run_id", async () => {
        const [r5first, r6first] = [r.r5, r.r6].sort().map((id) => (id === r.r5 ? "r5" : "r6"));
        expect(await search("", ["params.C ASC"])).toEqual(["r3", "r5", "r1", "r6", "r2"]);
        expect(await search("", ["params.C DESC"])).toEqual(["r1", "r5", "r3", "r6", "r2"]);
        expect(await search("", ["tags.team ASC"])).toEqual(["r1", "r2", r5first, r6first, "r3"]);
        expect(await search("", ["attributes.run_name ASC"])).toEqual(["r2", "r1", "r3", "r5", "r6"]);
        expect(await search("", ["attributes.start_time ASC"])).toEqual(["r1", "r2", "r3", r5first, r6first]);
        expect(await search("", ["attributes.status DESC", "attributes.start_time ASC"])).toEqual(["r2", "r5", "r6", "r1", "r3"]);
      });

      test("searchRuns pages with maxResults and page tokens; the last page has no nextPageToken", async () => {
        const all = (await store.searchRuns({ experimentIds: [experimentId] })).items.map((x) => x.info.runId);
        const seen: string[] = [];
        const sizes: number[] = [];
        let pageToken: string | undefined;
        for (let i = 0; i < 10; i++) {
          const page = await store.searchRuns({ experimentIds: [experimentId], maxResults: 2, pageToken });
          seen.push(...page.items.map((x) => x.info.runId));
          sizes.push(page.items.length);
          pageToken = page.nextPageToken;
          if (pageToken === undefined) break;
        }
        expect(sizes).toEqual([2, 2, 1]);
        expect(seen).toEqual(all);
        expect((await store.searchRuns({ experimentIds: [experimentId], maxResults: 5 })).nextPageToken).toBeUndefined();
      });

      test("searchRuns over several experiments, and over an experiment without runs", async () => {
        const other = await newExperiment("search-runs-other");
        const run = await newRun(other, { startTime: T0 + 50 });
        const both = await store.searchRuns({ experimentIds: [experimentId, other], filter: "attributes.start_time >= 1700000000005" });
        expect(both.items.map((x) => x.info.runId)).toEqual([run.info.runId, ...[r.r5, r.r6].sort()]);
        const empty = await newExperiment("search-runs-empty");
        expect(await store.searchRuns({ experimentIds: [empty] })).toEqual({ items: [] });
        // Unknown experiment ids are not an error: they just match nothing.
        expect(await store.searchRuns({ experimentIds: ["987654321"] })).toEqual({ items: [] });
      });

      test("searchRuns rejects a malformed filter or order_by and maxResults out of 1…50000 with INVALID_PARAMETER_VALUE", async () => {
        const bad = async (options: Omit<Parameters<TrackingStore["searchRuns"]>[0], "experimentIds">) =>
          expectError(store.searchRuns({ experimentIds: [experimentId], ...options }), "INVALID_PARAMETER_VALUE");
        await bad({ filter: "this is not a filter" });
        await bad({ filter: "metrics.acc >" });
        await bad({ filter: "metrics.acc > 0.5 OR params.model = 'x'" });
        await bad({ filter: "metrics.acc > 'high'" });
        await bad({ filter: "params.model > 'a'" });
        await bad({ filter: "attributes.nope = 'x'" });
        await bad({ orderBy: ["metrics.acc SIDEWAYS"] });
        await bad({ orderBy: ["nope.acc"] });
        await bad({ maxResults: 0 });
        await bad({ maxResults: 50001 });
        await expectError(store.searchRuns({ experimentIds: ["abc"] }), "INVALID_PARAMETER_VALUE");
      });

      test("searchRuns with the same order_by key twice fails with INTERNAL_ERROR", async () => {
        // sqlalchemy_store.py _get_orderby_clauses raises MlflowException("`order_by` contains duplicate
        // fields: …") without an error code, so the code is MlflowException's default, INTERNAL_ERROR.
        await expectError(
          store.searchRuns({ experimentIds: [experimentId], orderBy: ["metrics.acc", "metrics.acc DESC"] }),
          "INTERNAL_ERROR",
        );
      });
    });

    // ------------------------------------------------------------------------------------------
    describe("logInputs", () => {
      const train: DatasetInput = {
        dataset: { name: "imdb-train", digest: "abc123", sourceType: "local", source: '{"uri": "/data/train.csv"}', schema: '{"mlflow_colspec": []}', profile: '{"num_rows": 25000}' },
        tags: [{ key: "mlflow.data.context", value: "train" }],
      };
      const test_: DatasetInput = {
        dataset: { name: "imdb-test", digest: "def456", sourceType: "http", source: '{"url": "https://example.org/test.csv"}' },
        tags: [{ key: "mlflow.data.context", value: "eval" }, { key: "note", value: "held out" }],
      };

      test("logInputs: datasets with their input tags appear in getRun().inputs and in searchRuns", async () => {
        const run = await freshRun("inputs");
        const runId = run.info.runId;
        await store.logInputs(runId, [train, test_]);
        const got = (await store.getRun(runId)).inputs.datasetInputs;
        const norm = (ds: readonly DatasetInput[]) =>
          [...ds].sort(byName).map((d) => ({ ...d, tags: [...d.tags].sort((a, b) => a.key.localeCompare(b.key)) }));
        expect(norm(got)).toEqual(norm([train, test_]));
        const found = await store.searchRuns({ experimentIds: [run.info.experimentId] });
        expect(norm(found.items[0]!.inputs.datasetInputs)).toEqual(norm([train, test_]));
        const ids = async (filter: string) =>
          (await store.searchRuns({ experimentIds: [run.info.experimentId], filter })).items.map((x) => x.info.runId);
        expect(await ids("datasets.name = 'imdb-train'")).toEqual([runId]);
        expect(await ids("datasets.context = 'eval' AND datasets.digest = 'def456'")).toEqual([runId]);
        expect(await ids("datasets.name = 'other'")).toEqual([]);
      });

      test("logInputs rejects a digest over 36 characters with INVALID_PARAMETER_VALUE and logs nothing", async () => {
        const run = await freshRun("inputs-bad");
        const tooLong: DatasetInput = { dataset: { ...test_.dataset, digest: "d".repeat(37) }, tags: [] };
        await expectError(store.logInputs(run.info.runId, [train, tooLong]), "INVALID_PARAMETER_VALUE");
        expect((await store.getRun(run.info.runId)).inputs.datasetInputs).toEqual([]);
      });

      test("logInputs: the same (name, digest) logged twice appears once, with the first logging's tags", async () => {
        const run = await freshRun("inputs-dup");
        const runId = run.info.runId;
        await store.logInputs(runId, [train, train]);
        await store.logInputs(runId, [{ ...train, tags: [{ key: "mlflow.data.context", value: "again" }] }]);
        await store.logInputs(runId, []);
        const got = (await store.getRun(runId)).inputs.datasetInputs;
        expect(got).toEqual([train]);
      });

      test("logInputs: datasets are shared per experiment by (name, digest); the first one logged is kept", async () => {
        const experimentId = await newExperiment("inputs-shared");
        const a = await newRun(experimentId);
        const b = await newRun(experimentId);
        await store.logInputs(a.info.runId, [train]);
        const sameKey: DatasetInput = {
          dataset: { name: train.dataset.name, digest: train.dataset.digest, sourceType: "s3", source: "elsewhere" },
          tags: [{ key: "mlflow.data.context", value: "validation" }],
        };
        await store.logInputs(b.info.runId, [sameKey]);
        // Run b gets its own input tags but the experiment's existing dataset row (sqlalchemy_store.py _log_inputs_impl).
        expect((await store.getRun(b.info.runId)).inputs.datasetInputs).toEqual([{ dataset: train.dataset, tags: sameKey.tags }]);
        // Another experiment has its own datasets.
        const c = await freshRun("inputs-other-exp");
        await store.logInputs(c.info.runId, [sameKey]);
        expect((await store.getRun(c.info.runId)).inputs.datasetInputs).toEqual([sameKey]);
      });

      test("logInputs to an unknown run fails with RESOURCE_DOES_NOT_EXIST", async () => {
        await expectError(store.logInputs(randomRunId(), [train]), "RESOURCE_DOES_NOT_EXIST");
      });
    });

    // ------------------------------------------------------------------------------------------
    // Not MLflow's behaviour (its stores keep a lone surrogate and read it back as U+FFFD, or fail
    // inside the database driver): senti-mlops refuses strings that are not well-formed UTF-16 in
    // every store, the REST store before sending the request.
    describe("strings that are not well-formed UTF-16", () => {
      test("a lone surrogate in a param, tag, metric key, run name or experiment name fails with INVALID_PARAMETER_VALUE, storing nothing", async () => {
        const run = await freshRun("surrogate");
        const runId = run.info.runId;
        const lone = "bad\uD800value";
        const e = await expectError(store.logBatch(runId, { params: [{ key: "p", value: lone }] }), "INVALID_PARAMETER_VALUE");
        expect(e.message).toContain("params[0].value");
        await expectError(store.logBatch(runId, { tags: [{ key: "t", value: "\uDC00" }] }), "INVALID_PARAMETER_VALUE");
        await expectError(store.logBatch(runId, { params: [{ key: "p\uD800", value: "v" }] }), "INVALID_PARAMETER_VALUE");
        await expectError(store.logBatch(runId, { metrics: [metric("m\uDBFF", 1)] }), "INVALID_PARAMETER_VALUE");
        await expectError(store.updateRunInfo(runId, { runName: lone }), "INVALID_PARAMETER_VALUE");
        await expectError(store.createRun({ experimentId: run.info.experimentId, runName: lone }), "INVALID_PARAMETER_VALUE");
        await expectError(store.createExperiment(unique(lone)), "INVALID_PARAMETER_VALUE");
        await expectError(store.setExperimentTag(run.info.experimentId, "k", lone), "INVALID_PARAMETER_VALUE");
        const after = await store.getRun(runId);
        expect(after.data.params).toEqual({});
        expect(after.data.metrics).toEqual({});
        expect(after.data.tags.t).toBeUndefined();
        // A well-formed pair (an emoji) is kept as is.
        await store.logBatch(runId, { params: [{ key: "emoji", value: "ok \uD83D\uDE00" }] });
        expect((await store.getRun(runId)).data.params).toEqual({ emoji: "ok \uD83D\uDE00" });
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
