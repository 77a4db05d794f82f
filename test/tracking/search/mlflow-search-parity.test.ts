/**
 * Search results parity with the real MLflow: the 20-run fixture is written through MLflow's own
 * SQL tracking store (test/peers/mlflow_search.py), every run search case runs through its
 * `search_runs`, and the run order must equal our in-memory evaluator's (which compile-sql.test.ts
 * ties to our SQL). This checks the semantics, not just the grammar: NaN/±Inf metrics, `!=` on
 * missing keys, run_name read from the tag, dataset contexts, LIKE/ILIKE, and MLflow's ordering.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { compareRuns, matchesRun, parseFilter, parseOrderBy } from "../../../src/tracking/search/index.js";
import type { Run } from "../../../src/tracking/types.js";
import { PROJECT_ROOT } from "../../peers/python-env.js";
import { makeRuns } from "./fixture.js";
import { RUN_CASES, RUN_ORDERS } from "./search-cases.js";

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
