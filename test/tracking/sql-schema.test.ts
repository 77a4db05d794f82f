/**
 * The SQLite schema senti-mlops creates against the one the real MLflow (test/peers/requirements.txt)
 * creates, and what MLflow makes of it. Needs the .venv that the global setup installs; never skipped.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteDatabase } from "../../src/adapters/sqlite.js";
import { hasErrorCode, type SentiMlopsError } from "../../src/errors.js";
import {
  ALEMBIC_HEAD,
  MLFLOW_VERSION,
  SCHEMA_STATEMENTS,
  SEED_STATEMENTS,
  SUPPORTED_ALEMBIC_VERSIONS,
} from "../../src/mlflow/sql/mlflow-schema.js";
import { ensureMlflowSchema } from "../../src/mlflow/sql/schema.js";
import type { SqlDatabase } from "../../src/mlflow/sql/sql-database.js";
import { startMlflowServer } from "../peers/mlflow-server.js";
import { PROJECT_ROOT, VENV_PYTHON } from "../peers/python-env.js";

const run = promisify(execFile);
const PEER = join(PROJECT_ROOT, "test", "peers", "mlflow_db.py");
const dir = mkdtempSync(join(tmpdir(), "senti-sql-schema-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function mlflowDb<T>(...args: string[]): Promise<T> {
  const { stdout } = await run(VENV_PYTHON, [PEER, ...args], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split("\n").pop()!) as T;
}

let mlflowDbFile: string; // created by the real MLflow once, copied by the tests that change it
beforeAll(async () => {
  mlflowDbFile = join(dir, "by-mlflow.db");
  const created = await mlflowDb<{ mlflow: string }>("create", mlflowDbFile, join(dir, "mlflow-artifacts"));
  // The generated schema must come from the MLflow the tests run: regenerate it after a re-pin.
  expect(created.mlflow, "src/tracking/sql/mlflow-schema.ts is stale: run scripts/gen-mlflow-schema.py").toBe(MLFLOW_VERSION);
});

async function withDb<T>(file: string, fn: (db: SqlDatabase) => T, readonly = false): Promise<T> {
  const db = await openSqliteDatabase(file, { readonly });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

async function createOurs(name: string): Promise<string> {
  const file = join(dir, name);
  await withDb(file, (db) => expect(ensureMlflowSchema(db)).toEqual({ created: true, alembicVersion: ALEMBIC_HEAD }));
  return file;
}

type Row = Record<string, unknown>;
const all = (db: SqlDatabase, sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as Row[];
const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Finds `CHECK (...)` clauses (with an optional `CONSTRAINT name` before them) in CREATE TABLE text. */
function splitChecks(sql: string): { checks: string[]; rest: string } {
  const checks: string[] = [];
  let rest = "";
  let i = 0;
  const re = /(CONSTRAINT\s+("[^"]+"|\w+)\s+)?CHECK\s*\(/gi;
  for (let m = re.exec(sql); m; m = re.exec(sql)) {
    let depth = 1;
    let j = m.index + m[0].length;
    let quote: string | null = null;
    for (; j < sql.length && depth > 0; j++) {
      const c = sql[j];
      if (quote) {
        if (c === quote) quote = null;
      } else if (c === "'" || c === '"') quote = c;
      else if (c === "(") depth++;
      else if (c === ")") depth--;
    }
    checks.push(sql.slice(m.index, j).replace(/\s+/g, " "));
    rest += sql.slice(i, m.index) + "<CHECK>";
    i = j;
    re.lastIndex = j;
  }
  rest += sql.slice(i);
  return { checks: checks.sort(), rest: rest.replace(/\s+/g, " ").trim() };
}

/**
 * The schema as a sorted list of one-line facts, so that two databases compare as sets and a
 * difference reads as "only in ours" / "only in MLflow's".
 */
function describeSchema(db: SqlDatabase): string[] {
  const facts: string[] = [];
  const objects = all(db, "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'");
  for (const o of objects) {
    if (o.type === "table") {
      const t = String(o.name);
      facts.push(`table ${t}`);
      for (const c of all(db, `PRAGMA table_xinfo(${q(t)})`)) {
        facts.push(
          `table ${t} column ${c.cid} ${c.name}: type=${c.type} notnull=${c.notnull} default=${c.dflt_value} pk=${c.pk} hidden=${c.hidden}`,
        );
      }
      for (const i of all(db, `PRAGMA index_list(${q(t)})`)) {
        const cols = all(db, `PRAGMA index_xinfo(${q(String(i.name))})`)
          .filter((c) => c.key === 1)
          .map((c) => `${c.name ?? `<expr ${c.cid}>`}${c.desc ? " DESC" : ""} ${c.coll}`);
        facts.push(`table ${t} index ${i.name}: unique=${i.unique} origin=${i.origin} partial=${i.partial} columns=(${cols.join(", ")})`);
      }
      // Foreign keys: grouped per constraint id, listed without the id (its order is MLflow's random batch order).
      const fks = new Map<number, Row[]>();
      for (const f of all(db, `PRAGMA foreign_key_list(${q(t)})`)) {
        fks.set(Number(f.id), [...(fks.get(Number(f.id)) ?? []), f]);
      }
      for (const parts of fks.values()) {
        parts.sort((a, b) => Number(a.seq) - Number(b.seq));
        const f = parts[0]!;
        facts.push(
          `table ${t} foreign key (${parts.map((p) => p.from).join(", ")}) → ${f.table} (${parts.map((p) => p.to).join(", ")}) ` +
            `on_update=${f.on_update} on_delete=${f.on_delete} match=${f.match}`,
        );
      }
      const { checks, rest } = splitChecks(String(o.sql));
      for (const c of checks) facts.push(`table ${t} ${c}`);
      facts.push(`table ${t} sql: ${rest}`);
    } else if (o.type === "index") {
      facts.push(`index ${o.name} on ${o.tbl_name}: ${String(o.sql).replace(/\s+/g, " ")}`);
    } else {
      facts.push(`${o.type} ${o.name} on ${o.tbl_name}: ${String(o.sql).replace(/\s+/g, " ")}`);
    }
  }
  return facts.sort();
}

function diffFacts(ours: string[], theirs: string[]): string[] {
  const a = new Set(ours);
  const b = new Set(theirs);
  return [
    ...ours.filter((f) => !b.has(f)).map((f) => `only in ours:   ${f}`),
    ...theirs.filter((f) => !a.has(f)).map((f) => `only in MLflow: ${f}`),
  ];
}

function snapshot(db: SqlDatabase): Record<string, unknown> {
  const out: Record<string, unknown> = {
    sqlite_master: all(db, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"),
  };
  for (const { name } of all(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
    out[String(name)] = all(db, `SELECT * FROM ${q(String(name))} ORDER BY rowid`);
  }
  return out;
}

function thrown(fn: () => unknown): SentiMlopsError {
  try {
    fn();
  } catch (e) {
    return e as SentiMlopsError;
  }
  throw new Error("expected an error");
}

describe("(a) the schema ensureMlflowSchema creates equals the real MLflow's", () => {
  it(`table by table, column by column (MLflow ${MLFLOW_VERSION}, alembic ${ALEMBIC_HEAD})`, async () => {
    const oursFile = await createOurs("ours.db");
    const ours = await withDb(oursFile, describeSchema, true);
    const theirs = await withDb(mlflowDbFile, describeSchema, true);
    expect(theirs.filter((f) => /^table \w+$/.test(f)).length).toBeGreaterThan(40);
    expect(diffFacts(ours, theirs)).toEqual([]);
  });

  it("with the same alembic_version row and seed rows (experiment 0 is the store's job)", async () => {
    const oursFile = await createOurs("ours-rows.db");
    const rows = (db: SqlDatabase) => {
      const s = snapshot(db);
      delete s.sqlite_master;
      return s;
    };
    const ours = await withDb(oursFile, rows, true);
    const theirs = await withDb(mlflowDbFile, rows, true);
    expect(ours.alembic_version).toEqual([{ version_num: ALEMBIC_HEAD }]);
    // MLflow's store inserts the Default experiment itself; ensureMlflowSchema leaves it to ours.
    expect(theirs.experiments).toMatchObject([{ experiment_id: 0, name: "Default", lifecycle_stage: "active", workspace: "default" }]);
    expect(ours.experiments).toEqual([]);
    delete ours.experiments;
    delete theirs.experiments;
    expect(ours).toEqual(theirs);
    expect(SEED_STATEMENTS.length).toBeGreaterThan(0);
  });
});

describe("(b) MLflow opens a database created by ensureMlflowSchema", () => {
  it("mlflow server comes up healthy on it and answers experiments/search", async () => {
    const file = await createOurs("served.db");
    const server = await startMlflowServer({ backendStoreUri: `sqlite:///${file}` });
    try {
      const res = await fetch(`${server.url}/api/2.0/mlflow/experiments/search`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ max_results: 100 }),
      });
      const body = (await res.json()) as { experiments: { experiment_id: string; name: string }[] };
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(body.experiments.map((e) => [e.experiment_id, e.name])).toEqual([["0", "Default"]]);
    } finally {
      await server.stop();
    }
    // MLflow accepted the schema as its own: nothing but the Default experiment was written.
    await withDb(
      file,
      (db) => {
        expect(all(db, "SELECT version_num FROM alembic_version")).toEqual([{ version_num: ALEMBIC_HEAD }]);
        expect(all(db, "SELECT experiment_id, name FROM experiments")).toEqual([{ experiment_id: 0, name: "Default" }]);
      },
      true,
    );
  });

  it("Python mlflow.search_runs(search_all_experiments=True) runs on it", async () => {
    const file = await createOurs("python.db");
    const result = await mlflowDb<{ mlflow: string; runs: string[]; experiments: { id: string; name: string }[] }>(
      "search-runs",
      `sqlite:///${file}`,
    );
    expect(result).toEqual({ mlflow: MLFLOW_VERSION, runs: [], experiments: [{ id: "0", name: "Default" }] });
  });
});

describe("(c) ensureMlflowSchema on existing databases", () => {
  it("is a no-op on a database the real MLflow created", async () => {
    const file = join(dir, "mlflow-copy.db");
    copyFileSync(mlflowDbFile, file);
    // Read-only: any write would throw.
    await withDb(file, (db) => expect(ensureMlflowSchema(db)).toEqual({ created: false, alembicVersion: ALEMBIC_HEAD }), true);
    const before = await withDb(file, snapshot, true);
    await withDb(file, (db) => expect(ensureMlflowSchema(db)).toEqual({ created: false, alembicVersion: ALEMBIC_HEAD }));
    expect(await withDb(file, snapshot, true)).toEqual(before);
  });

  it("is a no-op the second time on a database it created", async () => {
    const file = await createOurs("twice.db");
    const before = await withDb(file, snapshot, true);
    await withDb(file, (db) => expect(ensureMlflowSchema(db).created).toBe(false));
    expect(await withDb(file, snapshot, true)).toEqual(before);
  });

  it("refuses another alembic_version with INVALID_STATE naming it, the supported head and mlflow db upgrade", async () => {
    const file = join(dir, "other-version.db");
    copyFileSync(mlflowDbFile, file);
    await withDb(file, (db) => db.prepare("UPDATE alembic_version SET version_num = 'abc123'").run());
    const before = await withDb(file, snapshot, true);
    const error = await withDb(file, (db) => thrown(() => ensureMlflowSchema(db)));
    expect(hasErrorCode(error, "INVALID_STATE")).toBe(true);
    expect(error.message).toContain("'abc123'");
    expect(error.message).toContain(ALEMBIC_HEAD);
    expect(error.message).toContain(`MLflow ${MLFLOW_VERSION}`);
    expect(error.message).toContain("mlflow db upgrade");
    expect(error.toJSON()).toMatchObject({
      error_code: "INVALID_STATE",
      found_alembic_version: "abc123",
      supported_alembic_versions: [...SUPPORTED_ALEMBIC_VERSIONS],
    });
    expect(await withDb(file, snapshot, true)).toEqual(before);
  });

  it("refuses a non-empty database without alembic_version", async () => {
    const plain = join(dir, "plain.db");
    await withDb(plain, (db) => db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)"));
    const error = await withDb(plain, (db) => thrown(() => ensureMlflowSchema(db)));
    expect(hasErrorCode(error, "INVALID_STATE")).toBe(true);
    expect(error.message).toMatch(/no alembic_version/);
    expect(error.message).toContain(ALEMBIC_HEAD);
    expect(await withDb(plain, (db) => all(db, "SELECT name FROM sqlite_master"), true)).toEqual([{ name: "notes" }]);

    const stripped = join(dir, "stripped.db");
    copyFileSync(mlflowDbFile, stripped);
    await withDb(stripped, (db) => db.exec("DROP TABLE alembic_version"));
    expect(hasErrorCode(await withDb(stripped, (db) => thrown(() => ensureMlflowSchema(db))), "INVALID_STATE")).toBe(true);
  });

  it("refuses an empty or doubled alembic_version", async () => {
    const file = join(dir, "empty-version.db");
    copyFileSync(mlflowDbFile, file);
    await withDb(file, (db) => db.exec("DELETE FROM alembic_version"));
    const error = await withDb(file, (db) => thrown(() => ensureMlflowSchema(db)));
    expect(hasErrorCode(error, "INVALID_STATE")).toBe(true);
    expect(error.message).toContain("no row");
  });

  it("creates all or nothing: a failure half-way leaves the database empty", async () => {
    const file = join(dir, "half.db");
    await withDb(file, (db) => {
      let n = 0;
      const failing: SqlDatabase = {
        prepare: (sql) => db.prepare(sql),
        exec: (sql) => {
          if (sql.startsWith("CREATE") && ++n === Math.floor(SCHEMA_STATEMENTS.length / 2)) throw new Error("disk full");
          db.exec(sql);
        },
        transaction: (fn) => db.transaction(fn),
        close: () => db.close(),
      };
      const error = thrown(() => ensureMlflowSchema(failing));
      expect(hasErrorCode(error, "INTERNAL_ERROR")).toBe(true);
      expect(error.message).toContain("disk full");
      expect(all(db, "SELECT name FROM sqlite_master")).toEqual([]);
      // and the next attempt starts from scratch
      expect(ensureMlflowSchema(db).created).toBe(true);
    });
  });
});
