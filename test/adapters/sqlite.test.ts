import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteDatabase, parseSqliteUri } from "../../src/adapters/sqlite.js";
import { hasErrorCode } from "../../src/errors.js";
import type { SqlDatabase } from "../../src/mlflow/sql/sql-database.js";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "senti-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("parseSqliteUri (SQLAlchemy's rules)", () => {
  it.each([
    ["sqlite:///foo.db", "foo.db", false],
    ["sqlite:///./rel/dir/foo.db", "./rel/dir/foo.db", false],
    ["sqlite:////abs/path/foo.db", "/abs/path/foo.db", false],
    ["sqlite:///:memory:", ":memory:", true],
    ["sqlite://", ":memory:", true],
    ["sqlite:///", ":memory:", true],
    ["sqlite:///my%20db.db", "my db.db", false],
    ["sqlite:////tmp/a b.db", "/tmp/a b.db", false],
    ["sqlite+pysqlite:///x.db", "x.db", false],
    ["SQLITE:///x.db", "x.db", false],
  ])("%s → %s", (uri, path, inMemory) => {
    const parsed = parseSqliteUri(uri);
    expect(parsed.path).toBe(path);
    expect(parsed.inMemory).toBe(inMemory);
    expect(parsed.query).toEqual({});
    expect(Object.isFrozen(parsed)).toBe(true);
  });

  it("keeps the query string's parameters", () => {
    expect(parseSqliteUri("sqlite:///a/b.db?mode=ro&uri=true")).toEqual({
      path: "a/b.db",
      inMemory: false,
      query: { mode: "ro", uri: "true" },
    });
  });

  it.each(["sqlite://host/x.db", "sqlite:x.db", "sqlite:/x.db", "postgresql://localhost/db", "mlflow.db", "", "sqlite:///bad%zz.db"])(
    "refuses %j with INVALID_PARAMETER_VALUE",
    (uri) => {
      let error: unknown;
      try {
        parseSqliteUri(uri);
      } catch (e) {
        error = e;
      }
      expect(hasErrorCode(error, "INVALID_PARAMETER_VALUE")).toBe(true);
      expect((error as Error).message).toContain(uri === "" ? "SQLite URI" : uri);
    },
  );
});

describe("openSqliteDatabase", () => {
  it("creates parent directories and applies MLflow's per-connection settings plus WAL", async () => {
    const file = join(dir, "nested", "deeper", "a.db");
    const db = await openSqliteDatabase(file);
    try {
      expect(existsSync(file)).toBe(true);
      const pragma = (name: string) => Object.values(db.prepare(`PRAGMA ${name}`).get() as object)[0];
      expect(pragma("foreign_keys")).toBe(1);
      expect(pragma("busy_timeout")).toBe(20000);
      expect(pragma("journal_mode")).toBe("wal");
      expect(pragma("synchronous")).toBe(1); // NORMAL
      // case_sensitive_like cannot be read back: check its effect.
      expect(db.prepare("SELECT 'ABC' LIKE 'abc' AS m").get()).toEqual({ m: 0 });
      expect(db.prepare("SELECT 'ABC' LIKE 'AB%' AS m").get()).toEqual({ m: 1 });
      // RLIKE support, as MLflow registers it (pattern first, search semantics).
      expect(db.prepare("SELECT 'bert-tiny' REGEXP '^bert' AS a, 'x' REGEXP '(' AS b, NULL REGEXP 'x' AS c").get()).toEqual({
        a: 1,
        b: 0,
        c: 0,
      });
    } finally {
      db.close();
    }
  });

  it("runs statements and transactions through the SqlDatabase shape", async () => {
    const db = await openSqliteDatabase(join(dir, "tx.db"), { busyTimeoutMs: 1234 });
    try {
      expect(Object.values(db.prepare("PRAGMA busy_timeout").get() as object)[0]).toBe(1234);
      db.exec("CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (id INTEGER, pid INTEGER REFERENCES parent (id))");
      const info = db.prepare("INSERT INTO parent (id) VALUES (?)").run(7);
      expect(info).toMatchObject({ changes: 1, lastInsertRowid: 7 });
      // foreign keys are enforced
      expect(() => db.prepare("INSERT INTO child VALUES (1, 99)").run()).toThrow(/FOREIGN KEY/);
      // a throwing transaction leaves nothing behind
      const insert = db.prepare("INSERT INTO parent (id) VALUES (?)");
      expect(() =>
        db.transaction(() => {
          insert.run(8);
          throw new Error("boom");
        })(),
      ).toThrow("boom");
      expect(db.prepare("SELECT id FROM parent ORDER BY id").all()).toEqual([{ id: 7 }]);
      expect(db.transaction(() => insert.run(9).changes)()).toBe(1);
    } finally {
      db.close();
    }
  });

  it("opens read-only without changing the journal mode, and refuses writes", async () => {
    const file = join(dir, "ro.db");
    const w = await openSqliteDatabase(file);
    w.exec("PRAGMA journal_mode = DELETE; CREATE TABLE t (x)");
    w.close();
    const db = await openSqliteDatabase(file, { readonly: true });
    try {
      expect(Object.values(db.prepare("PRAGMA journal_mode").get() as object)[0]).toBe("delete");
      expect(() => db.exec("INSERT INTO t VALUES (1)")).toThrow(/readonly/);
    } finally {
      db.close();
    }
  });

  it("gives RESOURCE_DOES_NOT_EXIST for a missing read-only database", async () => {
    const error = await openSqliteDatabase(join(dir, "missing", "x.db"), { readonly: true }).catch((e: unknown) => e);
    expect(hasErrorCode(error, "RESOURCE_DOES_NOT_EXIST")).toBe(true);
    expect(existsSync(join(dir, "missing"))).toBe(false);
  });

  it("opens :memory: and relative paths (against the working directory)", async () => {
    const mem = await openSqliteDatabase(":memory:");
    expect(Object.values(mem.prepare("PRAGMA journal_mode").get() as object)[0]).toBe("memory");
    mem.close();
    const rel = await openSqliteDatabase(join("node_modules", ".cache", "senti-sqlite-test", "rel.db"));
    rel.close();
    const abs = resolve("node_modules/.cache/senti-sqlite-test/rel.db");
    expect(existsSync(abs)).toBe(true);
    rmSync(resolve("node_modules/.cache/senti-sqlite-test"), { recursive: true, force: true });
  });

  it("better-sqlite3's Database satisfies SqlDatabase as is (checked by tsc)", async () => {
    const { default: Database } = await import("better-sqlite3");
    const db: SqlDatabase = new Database(":memory:");
    expect(db.prepare("SELECT 1 AS one").get()).toEqual({ one: 1 });
    db.close();
  });

  it("refuses a bad busy timeout", async () => {
    const error = await openSqliteDatabase(join(dir, "t.db"), { busyTimeoutMs: -1 }).catch((e: unknown) => e);
    expect(hasErrorCode(error, "INVALID_PARAMETER_VALUE")).toBe(true);
  });

  it("names `npm install better-sqlite3` when the package is missing (NOT_IMPLEMENTED)", async () => {
    // A child process whose module resolution cannot find better-sqlite3.
    const hook = join(dir, "hide-better-sqlite3.mjs");
    writeFileSync(
      hook,
      `export async function resolve(specifier, context, next) {
         if (specifier === "better-sqlite3") {
           const e = new Error("Cannot find package 'better-sqlite3'");
           e.code = "ERR_MODULE_NOT_FOUND";
           throw e;
         }
         return next(specifier, context);
       }`,
    );
    const register = join(dir, "register.mjs");
    writeFileSync(register, `import { register } from "node:module"; register(${JSON.stringify("file://" + hook)});`);
    const script = join(dir, "open.mts");
    writeFileSync(
      script,
      `import { openSqliteDatabase } from ${JSON.stringify(resolve("src/adapters/sqlite.ts"))};
       try { await openSqliteDatabase(${JSON.stringify(join(dir, "never.db"))}); console.log("opened"); }
       catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`,
    );
    const { stdout } = await run(process.execPath, ["--import", register, "--import", "tsx", script], { cwd: resolve(".") });
    const result = JSON.parse(stdout.trim()) as { code: string; message: string };
    expect(result.code).toBe("NOT_IMPLEMENTED");
    expect(result.message).toContain("npm install better-sqlite3");
    expect(existsSync(join(dir, "never.db"))).toBe(false);
  });
});

