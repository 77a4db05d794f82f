/**
 * Search results parity with the real MLflow: the 20-run fixture is written through MLflow's own
 * SQL tracking store (test/peers/mlflow_search.py), every run search case runs through its
 * `search_runs`, and the run order must equal our in-memory evaluator's (which compile-sql.test.ts
 * ties to our SQL). This checks the semantics, not just the grammar: NaN/±Inf metrics, `!=` on
 * missing keys, run_name read from the tag, dataset contexts, LIKE/ILIKE, and MLflow's ordering.
 * Experiments, registered models and model versions are written as rows into MLflow's tables and
 * searched through its stores the same way (prompts, deleted versions, NULL ordering, tie-breakers).
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, inject, it } from "vitest";
import {
  type SearchKind,
  compareRuns,
  matchesRun,
  parseFilter,
  parseOrderBy,
} from "../../../src/mlflow/search/index.js";
import type { Run } from "../../../src/mlflow/tracking-entities.js";
import { PROJECT_ROOT } from "../../peers/python-env.js";
import { type TestDb, evaluatorIds, loadFixture, makeRuns } from "./fixture.js";
import {
  EXPERIMENT_CASES,
  EXPERIMENT_ORDERS,
  MODEL_VERSION_CASES,
  MODEL_VERSION_ORDERS,
  REGISTERED_MODEL_CASES,
  REGISTERED_MODEL_ORDERS,
  RUN_CASES,
  RUN_ORDERS,
} from "./search-cases.js";

const run = promisify(execFile);
const SCRIPT = join(PROJECT_ROOT, "test", "peers", "mlflow_search.py");

const runs = makeRuns();
const number = (r: Run): number => Number(r.info.runId.slice(0, 2));
const searches = [
  ...RUN_CASES.flatMap((c) => [[c.filter, []] as const, [c.filter, ["metrics.acc DESC"]] as const]),
  ...RUN_ORDERS.map((o) => ["", o] as const),
  ...RUN_ORDERS.map((o) => ["params.model LIKE '%'", o] as const),
];

/** Where MLflow's SQL store and we knowingly return different runs (none so far). */
const DEVIATIONS: Readonly<Record<string, string>> = {};

let mlflowVersion = "";

function versionAtLeast(version: string, min: string): boolean {
  const a = version.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0);
  const b = min.split(".").map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}
let results: (number[] | { error: string })[] = [];

const metricValue = (v: number): number | string => (Number.isNaN(v) ? "NaN" : v === Infinity ? "Infinity" : v === -Infinity ? "-Infinity" : v);

beforeAll(async () => {
  const specs = runs.map((r) => {
    const { "mlflow.runName": name, ...tags } = r.data.tags;
    return {
      n: number(r),
      run_id: r.info.runId,
      name: name ?? null,
      info_name: r.info.runName,
      status: r.info.status,
      start: r.info.startTime,
      end: r.info.endTime,
      user: r.info.userId,
      artifact_uri: r.info.artifactUri,
      metrics: Object.fromEntries(Object.entries(r.data.metrics).map(([k, v]) => [k, metricValue(v)])),
      params: r.data.params,
      tags,
      datasets: r.inputs.datasetInputs.map((d) => ({
        name: d.dataset.name,
        digest: d.dataset.digest,
        context: d.tags.find((t) => t.key === "mlflow.data.context")?.value ?? null,
      })),
    };
  });
  const child = run(inject("python"), [SCRIPT], { maxBuffer: 64 * 1024 * 1024 });
  child.child.stdin!.end(JSON.stringify({ runs: specs, searches: searches.map(([filter, order_by]) => ({ filter, order_by })) }));
  const { stdout } = await child;
  const out = JSON.parse(stdout.trim().split("\n").pop()!) as { mlflow: string; results: typeof results };
  mlflowVersion = out.mlflow;
  results = out.results;
});

describe("run search results parity with MLflow's SQL store", () => {
  it("MLflow answered every search", () => {
    expect(results).toHaveLength(searches.length);
  });

  it.each(searches.map(([filter, orderBy], i) => [filter, orderBy, i] as const))("%s ORDER BY %j", (filter, orderBy, i) => {
    const f = parseFilter(filter, "runs");
    const o = parseOrderBy(orderBy, "runs");
    const ours = runs
      .filter((r) => matchesRun(r, f))
      .sort((a, b) => compareRuns(a, b, o))
      .map(number);
    const theirs = results[i];
    const id = `${filter} ORDER BY ${JSON.stringify(orderBy)}`;
    if (DEVIATIONS[id] !== undefined) {
      expect(theirs, `MLflow ${mlflowVersion}`).not.toEqual(ours);
      return;
    }
    expect(ours, `MLflow ${mlflowVersion}: ${JSON.stringify(theirs)}`).toEqual(theirs);
  });
});

// ---------------------------------------------------------------------------------------------
// Experiments and the registry, written as rows.

const PY_KINDS = { experiments: "experiments", registeredModels: "registered_models", modelVersions: "model_versions" } as const;
type OtherKind = keyof typeof PY_KINDS;
const otherSearches: (readonly [OtherKind, string, readonly string[]])[] = [
  ...EXPERIMENT_CASES.flatMap((c) => EXPERIMENT_ORDERS.map((o) => ["experiments", c.filter, o] as const)),
  ...REGISTERED_MODEL_CASES.flatMap((c) => REGISTERED_MODEL_ORDERS.map((o) => ["registeredModels", c.filter, o] as const)),
  ...MODEL_VERSION_CASES.flatMap((c) => MODEL_VERSION_ORDERS.map((o) => ["modelVersions", c.filter, o] as const)),
];
let otherResults: (string[] | { error: string })[] = [];

/** The fixture's experiment and registry INSERTs, recorded from loadFixture. */
function fixtureRows(): { sql: string; params: unknown[] }[] {
  const rows: { sql: string; params: unknown[] }[] = [];
  const recorder: TestDb = {
    exec: () => undefined,
    prepare: (sql) => ({
      run: (...params) => {
        if (/^INSERT INTO (experiments|experiment_tags|registered_models|registered_model_tags|model_versions|model_version_tags) /.test(sql)) {
          rows.push({ sql, params });
        }
      },
      all: () => [],
    }),
  };
  loadFixture(recorder);
  return rows;
}

describe("experiment and registry search results parity with MLflow's SQL stores", () => {
  beforeAll(async () => {
    const child = run(inject("python"), [SCRIPT], { maxBuffer: 64 * 1024 * 1024 });
    child.child.stdin!.end(
      JSON.stringify({
        rows: fixtureRows(),
        searches: otherSearches.map(([kind, filter, order_by]) => ({ kind: PY_KINDS[kind], filter, order_by })),
      }),
    );
    const { stdout } = await child;
    otherResults = (JSON.parse(stdout.trim().split("\n").pop()!) as { results: typeof otherResults }).results;
  });

  it("MLflow answered every search", () => {
    expect(otherResults).toHaveLength(otherSearches.length);
  });

  it.each(otherSearches.map(([kind, filter, orderBy], i) => [kind as SearchKind, filter, orderBy, i] as const))(
    "%s: %s ORDER BY %j",
    (kind, filter, orderBy, i) => {
      const ours = evaluatorIds(kind as OtherKind, filter, orderBy);
      if (kind === "experiments" && / like /.test(filter) && !versionAtLeast(mlflowVersion, "3.18.0")) {
        // Listed in parity-corpus.ts: MLflow < 3.18 refuses lower-case like/ilike in experiment filters.
        expect(otherResults[i]).toHaveProperty("error");
        return;
      }
      expect(ours, `MLflow ${mlflowVersion}: ${JSON.stringify(otherResults[i])}`).toEqual(otherResults[i]);
    },
  );
});
