import { describe, expect, it } from "vitest";
import {
  compareExperiments,
  compareModelVersions,
  compareRegisteredModels,
  compareRuns,
  matchesExperiment,
  matchesModelVersion,
  matchesRegisteredModel,
  matchesRun,
  parseFilter,
  parseOrderBy,
  queriesPrompts,
  sqlLike,
} from "../../../src/mlflow/search/index.js";
import type { Run } from "../../../src/mlflow/tracking-entities.js";
import { makeExperiments, makeModelVersions, makeRegisteredModels, makeRuns, rid } from "./fixture.js";
import {
  EXPERIMENT_CASES,
  EXPERIMENT_ORDER_EXPECT,
  MODEL_VERSION_CASES,
  REGISTERED_MODEL_CASES,
  REGISTERED_MODEL_ORDER_EXPECT,
  RUN_CASES,
  RUN_ORDER_EXPECT,
} from "./search-cases.js";

const runs = makeRuns();
const runNumber = (run: Run): number => Number(run.info.runId.slice(0, 2));

function searchRuns(filter: string, orderBy: readonly string[] = []): number[] {
  const f = parseFilter(filter, "runs");
  const o = parseOrderBy(orderBy, "runs");
  return runs
    .filter((r) => matchesRun(r, f))
    .sort((a, b) => compareRuns(a, b, o))
    .map(runNumber);
}

function searchExperiments(filter: string, orderBy: readonly string[] = []): string[] {
  const f = parseFilter(filter, "experiments");
  const o = parseOrderBy(orderBy, "experiments");
  return makeExperiments()
    .filter((e) => matchesExperiment(e, f))
    .sort((a, b) => compareExperiments(a, b, o))
    .map((e) => e.experimentId);
}

function searchRegisteredModels(filter: string, orderBy: readonly string[] = []): string[] {
  const f = parseFilter(filter, "registeredModels");
  const o = parseOrderBy(orderBy, "registeredModels");
  return makeRegisteredModels()
    .filter((m) => matchesRegisteredModel(m, f))
    .sort((a, b) => compareRegisteredModels(a, b, o))
    .map((m) => m.name);
}

function searchModelVersions(filter: string, orderBy: readonly string[] = []): string[] {
  const f = parseFilter(filter, "modelVersions");
  const o = parseOrderBy(orderBy, "modelVersions");
  return makeModelVersions()
    .filter((v) => matchesModelVersion(v, f))
    .sort((a, b) => compareModelVersions(a, b, o))
    .map((v) => `${v.name}/${v.version}`);
}

describe("sqlLike", () => {
  it.each([
    ["abc", "abc", false, true],
    ["abc", "ABC", false, false],
    ["abc", "ABC", true, true],
    ["abc", "a%", false, true],
    ["abc", "%c", false, true],
    ["abc", "%b%", false, true],
    ["abc", "a_c", false, true],
    ["abc", "a_", false, false],
    ["", "%", false, true],
    ["", "_", false, false],
    ["a%c", "a\\%c", false, false],
    ["aXbXc", "a%b%c", false, true],
    ["aaa", "%a%a%a%", false, true],
    ["aa", "%a%a%a%", false, false],
    ["line\nbreak", "line%break", false, true],
    ["😀x", "_x", false, true],
    ["É", "é", true, false],
    ["mississippi", "%iss%ppi", false, true],
  ] as const)("%j LIKE %j (ilike %s) is %s", (value, pattern, ilike, want) => {
    expect(sqlLike(value, pattern, ilike)).toBe(want);
  });
});

describe("matchesRun", () => {
  it.each(RUN_CASES.filter((c) => c.expect !== undefined).map((c) => [c.filter, c.expect!] as const))("%s", (filter, want) => {
    expect(searchRuns(filter)).toEqual(want);
  });

  it("an empty filter matches every run", () => {
    expect(searchRuns("")).toHaveLength(20);
  });

  it("a NaN metric satisfies != and nothing else", () => {
    const nan = runs.find((r) => r.info.runId === rid(3))!;
    for (const op of ["=", "<", "<=", ">", ">="]) expect(matchesRun(nan, parseFilter(`metrics.acc ${op} 0`, "runs"))).toBe(false);
    expect(matchesRun(nan, parseFilter("metrics.acc != 0", "runs"))).toBe(true);
  });

  it("run_name filters read the mlflow.runName tag, not info.runName", () => {
    const legacy = runs.find((r) => r.info.runId === rid(12))!;
    expect(legacy.info.runName).toBe("legacy-12");
    expect(matchesRun(legacy, parseFilter("run_name = 'legacy-12'", "runs"))).toBe(false);
    const renamed: Run = { ...legacy, data: { ...legacy.data, tags: { "mlflow.runName": "from-tag" } } };
    expect(matchesRun(renamed, parseFilter("run_name = 'from-tag'", "runs"))).toBe(true);
  });

  it("every run case evaluates to distinct fixture runs in the default order, a conjunction to the intersection of its comparisons", () => {
    const all = searchRuns("");
    expect(new Set(all).size).toBe(runs.length);
    let conjunctions = 0;
    for (const c of RUN_CASES) {
      const f = parseFilter(c.filter, "runs");
      const ids = searchRuns(c.filter);
      // A subsequence of the default order: fixture runs only, none twice, none reordered.
      expect(all.filter((n) => ids.includes(n)), c.filter).toEqual(ids);
      // Each comparison on its own, then intersected in the default order.
      const each = f.comparisons.map((comparison) => new Set(runs.filter((r) => matchesRun(r, { ...f, comparisons: [comparison] })).map(runNumber)));
      expect(ids, c.filter).toEqual(all.filter((n) => each.every((matched) => matched.has(n))));
      if (f.comparisons.length > 1) conjunctions++;
    }
    expect(conjunctions).toBeGreaterThan(0);
  });
});

describe("compareRuns", () => {
  it.each(RUN_ORDER_EXPECT.map(([o, want]) => [JSON.stringify(o), o, want] as const))("order_by %s", (_name, orderBy, want) => {
    expect(searchRuns("", orderBy)).toEqual(want);
  });

  it("missing keys sort last in both directions; NaN after numbers and before missing", () => {
    const asc = searchRuns("", ["metrics.loss"]);
    const desc = searchRuns("", ["metrics.loss DESC"]);
    // loss: r1 .3, r2 .35, r3 .5, r11 1e308, r5 NaN; the other 15 runs have none.
    expect(asc.slice(0, 5)).toEqual([1, 2, 3, 11, 5]);
    expect(desc.slice(0, 5)).toEqual([11, 3, 2, 1, 5]);
    expect(asc.slice(5)).toEqual(desc.slice(5));
  });

  it("params and tags sort by code point, missing ones last", () => {
    const byTeam = searchRuns("", ["tags.team"]);
    // Code points: "NLP" < "Nlp" < "ml" < "nlp" (runs 8, 2, 1 by start_time DESC) < "nlp " < "😀".
    expect(byTeam.slice(0, 8)).toEqual([3, 9, 5, 8, 2, 1, 17, 20]);
    expect(searchRuns("", ["tags.team DESC"]).slice(0, 8)).toEqual([20, 17, 8, 2, 1, 5, 9, 3]);
  });

  it("text sorts by code point as SQLite's BINARY collation does (U+FFFD before U+1F600)", () => {
    expect(searchRuns("params.model LIKE '_'", ["params.model"])).toEqual([20, 19]);
    expect(searchRuns("params.model LIKE '_'", ["params.model DESC"])).toEqual([19, 20]);
  });

  it("end_time null sorts last", () => {
    expect(searchRuns("", ["end_time"]).at(-1)).toBe(3);
    expect(searchRuns("", ["end_time DESC"]).at(-1)).toBe(3);
  });
});

describe("matchesExperiment / compareExperiments", () => {
  it.each(EXPERIMENT_CASES.filter((c) => c.expect !== undefined).map((c) => [c.filter, c.expect!] as const))("%s", (filter, want) => {
    expect(searchExperiments(filter)).toEqual(want);
  });

  it.each(EXPERIMENT_ORDER_EXPECT.map(([o, want]) => [JSON.stringify(o), o, want] as const))("order_by %s", (_name, orderBy, want) => {
    expect(searchExperiments("", orderBy)).toEqual(want);
  });
});

describe("registry searches", () => {
  it.each(REGISTERED_MODEL_CASES.filter((c) => c.expect !== undefined).map((c) => [c.filter, c.expect!] as const))(
    "registered models: %s",
    (filter, want) => {
      expect(searchRegisteredModels(filter)).toEqual(want);
    },
  );

  it.each(REGISTERED_MODEL_ORDER_EXPECT.map(([o, want]) => [JSON.stringify(o), o, want] as const))(
    "registered models order_by %s",
    (_name, orderBy, want) => {
      expect(searchRegisteredModels("", orderBy)).toEqual(want);
    },
  );

  it.each(MODEL_VERSION_CASES.filter((c) => c.expect !== undefined).map((c) => [c.filter, c.expect!] as const))(
    "model versions: %s",
    (filter, want) => {
      expect(searchModelVersions(filter)).toEqual(want);
    },
  );

  it("model versions order by version number numerically", () => {
    expect(searchModelVersions("name = 'sentiment-bert'", ["version_number DESC"])).toEqual(["sentiment-bert/10", "sentiment-bert/1"]);
  });

  it("queriesPrompts follows MLflow: = 'true' or != 'false', any case", () => {
    const q = (f: string): boolean => queriesPrompts(parseFilter(f, "registeredModels"));
    expect(q("tags.`mlflow.prompt.is_prompt` = 'True'")).toBe(true);
    expect(q("tags.`mlflow.prompt.is_prompt` != 'FALSE'")).toBe(true);
    expect(q("tags.`mlflow.prompt.is_prompt` = 'false'")).toBe(false);
    expect(q("tags.`mlflow.prompt.is_prompt` LIKE 'true'")).toBe(false);
    expect(q("name = 'x'")).toBe(false);
  });
});
