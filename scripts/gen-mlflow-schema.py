"""Regenerates src/tracking/sql/mlflow-schema.ts from the MLflow installed in .venv.

Creates a fresh SQLite database exactly the way `mlflow server` does (the server calls
mlflow.server.handlers.initialize_backend_stores, which opens the tracking and the model-registry
SqlAlchemyStore: initial 1.0 tables + every alembic migration, then the Default experiment), and
reads back from sqlite_master every object that has SQL text (tables, indexes, triggers; SQLite's
own sqlite_* objects excluded) in creation order, the alembic_version row, and the rows MLflow
inserts into a new database, except experiment 0 (senti-mlops creates it with its own artifact
root, as MLflow does when it is missing).

MLflow's own output is not deterministic: alembic's batch migrations (copy-and-rename of a table on
SQLite) recreate a table's indexes, and re-emit some named CHECK constraints, in an order that
changes from one run to the next (it follows Python object ids, so PYTHONHASHSEED does not fix it).
Neither order means anything to SQLite, so the output is canonicalized: a run of consecutive
indexes on one table is sorted by name, and a run of consecutive `CONSTRAINT <name> CHECK (...)`
lines inside a CREATE TABLE is sorted. Everything else is sqlite_master's text and order, verbatim.

Run: .venv/bin/python scripts/gen-mlflow-schema.py
"""
import json
import os
import pathlib
import re
import sqlite3
import sys
import tempfile

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")

import mlflow  # noqa: E402
from mlflow.server.handlers import initialize_backend_stores  # noqa: E402
from mlflow.store.db.utils import _get_latest_schema_revision  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent.parent / "src" / "tracking" / "sql" / "mlflow-schema.ts"


CHECK_LINE = re.compile(r"^\tCONSTRAINT \w+ CHECK \(.*\), $")


def canonical_table_sql(sql):
    """Sorts each run of consecutive named CHECK constraint lines (their order is random)."""
    lines = sql.split("\n")
    out = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and CHECK_LINE.match(lines[j]):
            j += 1
        if j > i:
            out.extend(sorted(lines[i:j]))
            i = j
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)


def canonical_order(objects):
    """Sorts each run of consecutive indexes on the same table by name (their order is random)."""
    out = []
    i = 0
    while i < len(objects):
        kind, name, table, sql = objects[i]
        if kind == "index":
            j = i
            while j < len(objects) and objects[j][0] == "index" and objects[j][2] == table:
                j += 1
            out.extend(sorted(objects[i:j], key=lambda o: o[1]))
            i = j
        else:
            out.append((kind, name, table, canonical_table_sql(sql) if kind == "table" else sql))
            i += 1
    return out


def sql_literal(value):
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes):
        return "X'" + value.hex() + "'"
    return "'" + str(value).replace("'", "''") + "'"


def ts_string(text):
    """A TypeScript template literal holding `text` verbatim."""
    return "`" + text.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${") + "`"


def main():
    with tempfile.TemporaryDirectory() as tmp:
        db_path = os.path.join(tmp, "mlflow.db")
        uri = "sqlite:///" + db_path
        initialize_backend_stores(uri, uri, os.path.join(tmp, "artifacts"))

        con = sqlite3.connect(db_path)
        objects = con.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master "
            "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid"
        ).fetchall()
        objects = canonical_order(objects)
        created = set()
        for kind, name, table, _ in objects:
            if kind == "table":
                created.add(name)
            elif table not in created:
                sys.exit(f"{kind} {name} comes before its table {table} in sqlite_master")

        versions = [row[0] for row in con.execute("SELECT version_num FROM alembic_version")]
        head = _get_latest_schema_revision()
        if versions != [head]:
            sys.exit(f"alembic_version holds {versions}, expected [{head!r}]")

        seeds = []
        found = []
        for kind, name, _, _ in objects:
            if kind != "table" or name == "alembic_version":
                continue
            cursor = con.execute(f'SELECT * FROM "{name}" ORDER BY rowid')
            columns = [d[0] for d in cursor.description]
            for row in cursor.fetchall():
                record = dict(zip(columns, row))
                found.append(f"{name}: {record}")
                if name == "experiments":
                    if record["experiment_id"] != 0:
                        sys.exit(f"unexpected experiment in a new database: {record}")
                    continue  # the Default experiment: created by the store with its own artifact root
                cols = ", ".join(f'"{c}"' for c in columns)
                values = ", ".join(sql_literal(v) for v in row)
                seeds.append(f'INSERT INTO "{name}" ({cols}) VALUES ({values})')
        con.close()

    counts = {kind: sum(1 for o in objects if o[0] == kind) for kind in ("table", "index", "trigger")}
    version = mlflow.__version__
    statements = ",\n".join("  " + ts_string(o[3]) for o in objects)
    seed_lines = ",\n".join("  " + ts_string(s) for s in seeds)
    OUT.write_text(
        f"""/**
 * MLflow's SQLite schema, as `mlflow server` of MLflow {version} creates it (alembic head {head}).
 *
 * GENERATED by scripts/gen-mlflow-schema.py from mlflow=={version}. Do not edit: pin another MLflow
 * in test/peers/requirements.txt and run `.venv/bin/python scripts/gen-mlflow-schema.py`.
 *
 * {counts["table"]} tables (alembic_version included), {counts["index"]} named indexes, {counts["trigger"]} trigger(s), {len(seeds)} seed row(s).
 *
 * @module
 */

/**
 * The MLflow release whose schema this is.
 *
 * @example
 * ```ts
 * `senti-mlops writes databases for MLflow ${{MLFLOW_VERSION}}`;
 * ```
 */
export const MLFLOW_VERSION = {json.dumps(version)};

/**
 * The alembic revision MLflow {version} stamps into `alembic_version` (its migrations' head).
 *
 * @example
 * ```ts
 * db.prepare("INSERT INTO alembic_version (version_num) VALUES (?)").run(ALEMBIC_HEAD);
 * ```
 */
export const ALEMBIC_HEAD = {json.dumps(head)};

/**
 * Every table, index and trigger of the schema, verbatim from MLflow's `sqlite_master`, in creation
 * order (up to the order of a table's indexes and of named CHECK constraints, which changes from one
 * MLflow run to the next and is canonicalized): run them in order on an empty database.
 *
 * @example
 * ```ts
 * db.transaction(() => SCHEMA_STATEMENTS.forEach((sql) => db.exec(sql)))();
 * ```
 */
export const SCHEMA_STATEMENTS: readonly string[] = Object.freeze([
{statements},
]);

/**
 * The rows MLflow inserts into a new database besides `alembic_version` and the Default
 * experiment (which the tracking store creates itself, with its artifact root).
 *
 * @example
 * ```ts
 * for (const sql of SEED_STATEMENTS) db.exec(sql);
 * ```
 */
export const SEED_STATEMENTS: readonly string[] = Object.freeze([
{seed_lines},
]);

/**
 * `alembic_version` values whose schema equals {json.dumps(head)}'s, so a database stamped with one of
 * them is used as it is.
 *
 * @example
 * ```ts
 * SUPPORTED_ALEMBIC_VERSIONS.includes(found) || fail(found);
 * ```
 */
export const SUPPORTED_ALEMBIC_VERSIONS: readonly string[] = Object.freeze([ALEMBIC_HEAD]);
"""
    )
    print(f"wrote {OUT} (mlflow {version}, head {head}, {counts}, {len(seeds)} seed rows)", file=sys.stderr)
    print("rows MLflow inserted into the new database:", file=sys.stderr)
    for line in found:
        print("  " + line, file=sys.stderr)


if __name__ == "__main__":
    main()
