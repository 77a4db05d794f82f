import { describe, expect, it } from "vitest";
import { hasErrorCode } from "../../../src/errors.js";
import { type SearchKind, parseOrderBy } from "../../../src/mlflow/search/index.js";

const clauses = (orderBy: readonly string[] | undefined, kind: SearchKind = "runs") =>
  parseOrderBy(orderBy, kind).clauses.map((c) => [c.entity, c.key, c.ascending]);
const effective = (orderBy: readonly string[] | undefined, kind: SearchKind) =>
  parseOrderBy(orderBy, kind).effective.map((c) => `${c.entity === "attribute" ? "" : `${c.entity}.`}${c.key} ${c.ascending ? "ASC" : "DESC"}`);

function errorOf(orderBy: readonly string[], kind: SearchKind = "runs"): string {
  try {
    parseOrderBy(orderBy, kind);
  } catch (e) {
    expect(hasErrorCode(e, "INVALID_PARAMETER_VALUE")).toBe(true);
    return (e as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(orderBy)} to be refused`);
}

describe("parseOrderBy", () => {
  it.each([
    [["metrics.acc DESC"], [["metric", "acc", false]]],
    [["metrics.acc desc", "params.a"], [["metric", "acc", false], ["param", "a", true]]],
    [["metrics.`val loss` ASC"], [["metric", "val loss", true]]],
    [['metrics."val loss"   Desc'], [["metric", "val loss", false]]],
    [["tags.mlflow.runName"], [["tag", "mlflow.runName", true]]],
    [["attributes.start_time"], [["attribute", "start_time", true]]],
    [["created DESC"], [["attribute", "start_time", false]]],
    [["Created"], [["attribute", "start_time", true]]],
    [["run_name", "status", "end_time", "user_id", "artifact_uri", "run_id"], [
      ["attribute", "run_name", true],
      ["attribute", "status", true],
      ["attribute", "end_time", true],
      ["attribute", "user_id", true],
      ["attribute", "artifact_uri", true],
      ["attribute", "run_id", true],
    ]],
  ] as const)("runs %j", (orderBy, want) => {
    expect(clauses(orderBy)).toEqual(want);
  });

  it("parses the other kinds", () => {
    expect(clauses(["name DESC", "attribute.creation_time"], "experiments")).toEqual([["attribute", "name", false], ["attribute", "creation_time", true]]);
    expect(clauses(["timestamp DESC"], "registeredModels")).toEqual([["attribute", "last_updated_timestamp", false]]);
    expect(clauses(["last_updated_timestamp"], "registeredModels")).toEqual([["attribute", "last_updated_timestamp", true]]);
    expect(clauses(["attribute.version_number DESC", "creation_timestamp"], "modelVersions")).toEqual([
      ["attribute", "version_number", false],
      ["attribute", "creation_timestamp", true],
    ]);
  });

  it("adds MLflow's defaults and tie-breakers", () => {
    expect(effective(undefined, "runs")).toEqual(["start_time DESC", "run_id ASC"]);
    expect(effective(["metrics.acc"], "runs")).toEqual(["metric.acc ASC", "start_time DESC", "run_id ASC"]);
    expect(effective(["created"], "runs")).toEqual(["start_time ASC", "run_id ASC"]);
    expect(effective([], "experiments")).toEqual(["creation_time DESC", "experiment_id ASC"]);
    expect(effective(["name"], "experiments")).toEqual(["name ASC", "experiment_id DESC"]);
    expect(effective(["experiment_id"], "experiments")).toEqual(["experiment_id ASC"]);
    expect(effective([], "registeredModels")).toEqual(["name ASC"]);
    expect(effective(["timestamp"], "registeredModels")).toEqual(["last_updated_timestamp ASC", "name ASC"]);
    expect(effective([], "modelVersions")).toEqual(["last_updated_timestamp DESC", "name ASC", "version_number DESC"]);
    expect(effective(["version_number"], "modelVersions")).toEqual(["version_number ASC", "name ASC"]);
    expect(effective(["name DESC"], "modelVersions")).toEqual(["name DESC", "version_number DESC"]);
  });

  it("allows the same experiment key twice, as MLflow's store does", () => {
    expect(clauses(["name", "name DESC"], "experiments")).toHaveLength(2);
  });
});

describe("parseOrderBy: errors", () => {
  it.each([
    [["tags.a", "tags.a DESC"], "runs", "order_by contains the same key twice: 'tags.a DESC' repeats tags.a in ['tags.a', 'tags.a DESC']"],
    [["start_time", "created"], "runs", "order_by contains the same key twice: 'created' repeats start_time in ['start_time', 'created']"],
    [["timestamp", "last_updated_timestamp"], "registeredModels", "order_by contains the same key twice: 'last_updated_timestamp' repeats last_updated_timestamp in ['timestamp', 'last_updated_timestamp']"],
    [["name", "name DESC"], "modelVersions", "order_by contains the same key twice: 'name DESC' repeats name in ['name', 'name DESC']"],
    [[""], "runs", 'Invalid order_by clause at position 0 at the end: expected a key, e.g. \'metrics.acc DESC\''],
    [["'acc'"], "runs", "Invalid order_by clause at position 0 near \"'acc'\": expected a key"],
    [["metrics.acc DESCENDING"], "runs", 'Invalid order_by clause at position 12 near "DESCENDING": expected ASC or DESC'],
    [["metrics.acc DESC NULLS LAST"], "runs", 'Invalid order_by clause at position 17 near "NULLS LAST": expected nothing after ASC/DESC'],
    [["lifecycle_stage"], "runs", "Invalid order_by key 'lifecycle_stage' in 'lifecycle_stage'; valid attribute keys are 'run_id', 'run_name', 'user_id', 'status', 'start_time', 'end_time', 'artifact_uri'"],
    [["`Run name`"], "runs", "Invalid order_by key 'Run name' in '`Run name`'; valid attribute keys are 'run_id', 'run_name', 'user_id', 'status', 'start_time', 'end_time', 'artifact_uri'"],
    [["datasets.name"], "runs", "Invalid order_by 'datasets.name': datasets cannot be ordered by in this search; valid keys are 'run_id', 'run_name', 'user_id', 'status', 'start_time', 'end_time', 'artifact_uri'"],
    [["tags.team"], "experiments", "Invalid order_by 'tags.team': tags cannot be ordered by in this search; valid keys are 'name', 'experiment_id', 'creation_time', 'last_update_time'"],
    [["creation_timestamp"], "registeredModels", "Invalid order_by key 'creation_timestamp'; valid keys are 'name', 'timestamp', 'last_updated_timestamp'"],
    [["attribute.name"], "registeredModels", "Invalid order_by key 'attribute.name'; valid keys are 'name', 'timestamp', 'last_updated_timestamp'"],
    [["timestamp"], "modelVersions", "Invalid order_by key 'timestamp' in 'timestamp'; valid attribute keys are 'name', 'version_number', 'creation_timestamp', 'last_updated_timestamp'"],
  ] as const)("%j (%s)", (orderBy, kind, message) => {
    expect(errorOf(orderBy, kind)).toBe(message);
  });

  it("refuses a non-list and non-string clauses", () => {
    expect(() => parseOrderBy("name" as unknown as string[], "runs")).toThrow("order_by must be a list of strings, got string");
    expect(() => parseOrderBy([1] as unknown as string[], "runs")).toThrow("order_by clauses must be strings, got number");
  });
});
