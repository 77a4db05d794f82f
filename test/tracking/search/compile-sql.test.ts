/**
 * The SQL compiler against a real SQLite (better-sqlite3, a devDependency: if it does not load, this
 * file fails rather than dropping the SQLite block): the fixture is
 * written into MLflow's tables with MLflow's row conventions, every search case is compiled and
 * executed, and the ids (in order) must equal the in-memory evaluator's. The fragment-shape tests
 * run without SQLite.
 */
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import {
  SQLITE_SEARCH_PRAGMA,
  type SearchKind,
  compileFilterSql,
  compileOrderBySql,
  compileSearchSql,
  parseFilter,
  parseOrderBy,
} from "../../../src/mlflow/search/index.js";
import { type TestDb, evaluatorIds, loadFixture } from "./fixture.js";
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


describe("compiled SQL fragments", () => {
  it("binds every key and value; nothing from the filter is spliced into the SQL", () => {
    const nasty = "x' OR 1=1 --";
    const { where, params } = compileFilterSql(
      parseFilter(`params.\`${"k'ey"}\` = '${nasty.replace(/'/g, "''")}' AND tags."t""ag" LIKE 'a%' AND run_id IN ('a', 'b')`, "runs"),
    );
    expect(where).not.toContain("OR 1=1");
    expect(where).not.toContain("k'ey");
    expect(where).not.toContain("t\"\"ag");
    expect(params).toEqual(["k'ey", "x'' OR 1=1 --", 't""ag', "a%", "a", "b"]);
    expect(where.match(/\?/g)).toHaveLength(params.length);
  });

  it("compiles a param comparison to an EXISTS subquery", () => {
    expect(compileFilterSql(parseFilter("params.model = 'tfidf'", "runs"))).toEqual({
      where: "EXISTS (SELECT 1 FROM params p WHERE p.run_uuid = runs.run_uuid AND p.key = ? AND p.value = ?)",
      params: ["model", "tfidf"],
    });
  });

  it("compiles ILIKE to LOWER(x) LIKE LOWER(?) and IS NULL to NOT EXISTS", () => {
    expect(compileFilterSql(parseFilter("tags.team ILIKE 'NLP' AND params.C IS NULL", "runs")).where).toBe(
      "EXISTS (SELECT 1 FROM tags t WHERE t.run_uuid = runs.run_uuid AND t.key = ? AND LOWER(t.value) LIKE LOWER(?)) AND " +
        "NOT EXISTS (SELECT 1 FROM params p WHERE p.run_uuid = runs.run_uuid AND p.key = ?)",
    );
  });

  it("keeps NaN metrics out of every comparison except !=", () => {
    expect(compileFilterSql(parseFilter("metrics.acc > 0.5", "runs")).where).toContain("m.value > ? AND m.is_nan = 0");
    expect(compileFilterSql(parseFilter("metrics.acc != 0.5", "runs")).where).toContain("(m.value != ? OR m.is_nan = 1)");
  });

  it("an empty filter compiles to 1 and the default run order to start_time DESC, run_uuid ASC", () => {
    const sql = compileSearchSql(parseFilter("", "runs"), parseOrderBy([], "runs"));
    expect(sql).toEqual({
      where: "1",
      params: [],
      orderBy: "runs.start_time IS NULL ASC, runs.start_time DESC, runs.run_uuid IS NULL ASC, runs.run_uuid ASC",
      orderByParams: [],
    });
  });

  it("orders by a metric with numbers, then NaN, then missing", () => {
    const { orderBy, params } = compileOrderBySql(parseOrderBy(["metrics.acc DESC"], "runs"));
    expect(orderBy.startsWith("COALESCE((SELECT m.is_nan FROM latest_metrics m WHERE m.run_uuid = runs.run_uuid AND m.key = ?), 2) ASC, ")).toBe(true);
    expect(params).toEqual(["acc", "acc"]);
  });

  it("registry filters leave out prompts and deleted versions", () => {
    const mv = compileFilterSql(parseFilter("name = 'm'", "modelVersions"));
    // Three or more parts are ANDed as a balanced tree of parenthesised halves (SQLite's depth limit).
    expect(mv.where.startsWith("(model_versions.current_stage != ?) AND (NOT EXISTS (SELECT 1 FROM model_version_tags pt")).toBe(true);
    expect(mv.params).toEqual(["Deleted_Internal", "mlflow.prompt.is_prompt", "true", "m"]);
    const prompts = compileFilterSql(parseFilter("tags.`mlflow.prompt.is_prompt` = 'true'", "registeredModels"));
    expect(prompts.where).not.toContain("NOT EXISTS");
  });

  it("refuses a filter and an order_by of different kinds", () => {
    expect(() => compileSearchSql(parseFilter("", "runs") as never, parseOrderBy([], "experiments") as never)).toThrow(TypeError);
  });
});

describe("compiled SQL on SQLite agrees with the evaluator", () => {
  let db: TestDb & { close(): void };

  beforeAll(() => {
    db = new Database(":memory:");
    db.exec(SQLITE_SEARCH_PRAGMA);
    loadFixture(db);
    return () => db.close();
  });

  function sqlIds(kind: SearchKind, filter: string, orderBy: readonly string[]): string[] {
    const sql = compileSearchSql(parseFilter(filter, kind), parseOrderBy(orderBy, kind));
    const [table, id] = {
      runs: ["runs", "runs.run_uuid"],
      experiments: ["experiments", "CAST(experiments.experiment_id AS TEXT)"],
      registeredModels: ["registered_models", "registered_models.name"],
      modelVersions: ["model_versions", "model_versions.name || '/' || model_versions.version"],
    }[kind];
    const rows = db.prepare(`SELECT ${id} AS id FROM ${table} WHERE ${sql.where} ORDER BY ${sql.orderBy}`).all(...sql.params, ...sql.orderByParams);
    return (rows as { id: string }[]).map((r) => r.id);
  }

  const grid = (kind: SearchKind, cases: readonly { filter: string }[], orders: readonly (readonly string[])[]) =>
    cases.flatMap((c) => orders.map((o) => [kind, c.filter, o] as const));

  it("the connection's LIKE is case-sensitive (PRAGMA case_sensitive_like)", () => {
    expect(db.prepare("SELECT 'A' LIKE 'a' AS x").all()).toEqual([{ x: 0 }]);
  });

  it.each([
    ...grid("runs", RUN_CASES, RUN_ORDERS.slice(0, 3)),
    ...grid("runs", RUN_CASES.slice(0, 1), RUN_ORDERS),
    ...grid("runs", RUN_CASES.filter((c) => c.filter.startsWith("metrics.acc >")), RUN_ORDERS),
    ...grid("experiments", EXPERIMENT_CASES, EXPERIMENT_ORDERS),
    ...grid("registeredModels", REGISTERED_MODEL_CASES, REGISTERED_MODEL_ORDERS),
    ...grid("modelVersions", MODEL_VERSION_CASES, MODEL_VERSION_ORDERS),
  ])("%s: %s ORDER BY %j", (kind, filter, orderBy) => {
    expect(sqlIds(kind, filter, orderBy)).toEqual(evaluatorIds(kind, filter, orderBy));
  });
});
