/**
 * Creating or accepting an MLflow SQLite database.
 *
 * A new (empty) database gets the schema of the pinned MLflow version, statement for statement as
 * MLflow creates it, so that `mlflow server`, `mlflow ui` and Python's `mlflow.search_runs()` open
 * it as their own. An existing database is used only when its `alembic_version` is one whose schema
 * senti-mlops knows; anything else is refused before a single row is read or written.
 *
 * @module
 */
import { isSentiMlopsError, SentiMlopsError } from "../../errors.js";
import { ALEMBIC_HEAD, MLFLOW_VERSION, SCHEMA_STATEMENTS, SEED_STATEMENTS, SUPPORTED_ALEMBIC_VERSIONS } from "./mlflow-schema.js";
import type { SqlDatabase } from "./sql-database.js";

/**
 * What {@link ensureMlflowSchema} found or did.
 *
 * @example
 * ```ts
 * const { created, alembicVersion }: EnsureSchemaResult = ensureMlflowSchema(db);
 * if (created) console.log(`new MLflow database at revision ${alembicVersion}`);
 * ```
 */
export interface EnsureSchemaResult {
  /** True when the database was empty and the schema was created. */
  created: boolean;
  /** The database's `alembic_version` (one of `SUPPORTED_ALEMBIC_VERSIONS`). */
  alembicVersion: string;
}

function userObjectCount(db: SqlDatabase): number {
  const row = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").get() as {
    n: number;
  };
  return Number(row.n);
}

function hasTable(db: SqlDatabase, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

function unsupported(found: string, why: string): SentiMlopsError {
  const supported = SUPPORTED_ALEMBIC_VERSIONS.join(", ");
  return new SentiMlopsError(
    "INVALID_STATE",
    `Unsupported MLflow database: ${why}; senti-mlops supports alembic_version ${supported} (the schema of MLflow ${MLFLOW_VERSION}). ` +
      `If the database comes from an older MLflow, back it up and upgrade it with MLflow ${MLFLOW_VERSION}: ` +
      `\`mlflow db upgrade <database_uri>\`. A database from a newer MLflow cannot be opened by this version of senti-mlops.`,
    { details: { found_alembic_version: found, supported_alembic_versions: [...SUPPORTED_ALEMBIC_VERSIONS], mlflow_version: MLFLOW_VERSION }, component: "mlflow" },
  );
}

function checkExisting(db: SqlDatabase): EnsureSchemaResult {
  if (!hasTable(db, "alembic_version")) {
    throw unsupported("none", "the database has tables but no alembic_version table (it was not created by MLflow, or not completely)");
  }
  const versions = (db.prepare("SELECT version_num FROM alembic_version").all() as { version_num: unknown }[]).map((r) =>
    String(r.version_num),
  );
  if (versions.length !== 1) {
    const found = versions.length === 0 ? "none" : versions.join(", ");
    throw unsupported(found, `alembic_version holds ${versions.length === 0 ? "no row" : `${versions.length} rows (${found})`}`);
  }
  const [version] = versions as [string];
  if (!SUPPORTED_ALEMBIC_VERSIONS.includes(version)) {
    throw unsupported(version, `its alembic_version is '${version}'`);
  }
  return { created: false, alembicVersion: version };
}

function rollbackQuietly(db: SqlDatabase): void {
  try {
    db.exec("ROLLBACK");
  } catch {
    // SQLite already rolled back (some errors end the transaction themselves)
  }
}

/**
 * Makes sure `db` holds MLflow's schema. On an empty database it creates every table, index and
 * trigger of the pinned MLflow version, the `alembic_version` row and MLflow's seed rows, all in one
 * transaction (taken with `BEGIN IMMEDIATE`, so two processes creating the same file don't race).
 * On a database stamped with a supported alembic revision it changes nothing. Anything else
 * (another revision, several or no `alembic_version` rows, tables without `alembic_version`) throws
 * `INVALID_STATE` naming what was found, what is supported and `mlflow db upgrade`.
 *
 * The Default experiment (id 0) is not created here: like MLflow's store, the tracking store adds
 * it with its own artifact root when it is missing.
 *
 * @example
 * ```ts
 * const db = await openSqliteDatabase("./mlflow.db");
 * const { created, alembicVersion } = ensureMlflowSchema(db);
 * // created: true on a new file; alembicVersion === ALEMBIC_HEAD
 * ```
 */
export function ensureMlflowSchema(db: SqlDatabase): EnsureSchemaResult {
  if (userObjectCount(db) > 0) return checkExisting(db);
  db.exec("BEGIN IMMEDIATE");
  try {
    // Another connection may have created the schema while this one waited for the write lock.
    if (userObjectCount(db) > 0) {
      const result = checkExisting(db);
      db.exec("COMMIT");
      return result;
    }
    for (const sql of SCHEMA_STATEMENTS) db.exec(sql);
    db.prepare("INSERT INTO alembic_version (version_num) VALUES (?)").run(ALEMBIC_HEAD);
    for (const sql of SEED_STATEMENTS) db.exec(sql);
    db.exec("COMMIT");
  } catch (cause) {
    rollbackQuietly(db);
    if (isSentiMlopsError(cause)) throw cause;
    throw new SentiMlopsError("INTERNAL_ERROR", `Could not create the MLflow ${MLFLOW_VERSION} schema: ${String((cause as Error)?.message ?? cause)}`, {
      cause,
      component: "mlflow",
    });
  }
  return { created: true, alembicVersion: ALEMBIC_HEAD };
}
