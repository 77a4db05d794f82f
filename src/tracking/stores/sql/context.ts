/**
 * The shared context of the SQL tracking store's entity modules: the connection, its prepared
 * statements and search-statement cache, the transaction runner, the clock, the store's URI and
 * artifact root, and the row lookups every entity checks against.
 *
 * @module
 */
import type { SqlDatabase } from "../../../mlflow/sql/sql-database.js";
import { openSqlStoreSession, type SqlStoreSession } from "../../../mlflow/sql/store-session.js";
import type { ViewType } from "../../../mlflow/tracking-entities.js";
import { parseExperimentId } from "../../../mlflow/validation.js";
import { experimentNotActive, isInView, joinUri, notFound, runNotActive } from "../tracking-semantics.js";
import { TRACKING_SQL, type TrackingStatementName } from "./statements.js";

/**
 * Options of `createSqlStore`.
 *
 * @example
 * ```ts
 * const options: SqlStoreOptions = { artifactRoot: "s3://bucket/mlflow", uri: "sqlite:///mlflow.db" };
 * ```
 */
export interface SqlStoreOptions {
  /**
   * Where experiments' artifacts go when no location is given (`<root>/<experiment id>`), MLflow's
   * `--default-artifact-root`. `openSqlStores` defaults it to `./mlruns` made absolute, as MLflow's
   * Python client does for a `sqlite:///` tracking URI.
   * @default "mlflow-artifacts:/" (what `mlflow server` uses: artifacts served by the tracking server)
   */
  artifactRoot?: string;
  /** The clock, in epoch ms. @default Date.now */
  now?: () => number;
  /** What `TrackingStore.uri` says, e.g. `sqlite:///mlflow.db`. @default "sqlite:" */
  uri?: string;
  /**
   * Makes a relative local artifact location absolute, as MLflow's `resolve_uri_if_local` does
   * (applied to `artifactRoot` and to `createExperiment`'s `artifactLocation`). `openSqlStores`
   * passes one based on the working directory.
   * @default leaves locations as they are
   */
  resolveArtifactLocation?: (location: string) => string;
  /** Whether `TrackingStore.close` closes `db` too. @default true */
  closeDatabase?: boolean;
}

/**
 * A row of MLflow's `experiments` table.
 *
 * @example
 * ```ts
 * const row = ctx.s.experimentById.get(0) as ExperimentRow | undefined;
 * ```
 */
export interface ExperimentRow {
  experiment_id: number;
  name: string;
  artifact_location: string | null;
  lifecycle_stage: string | null;
  creation_time: number | null;
  last_update_time: number | null;
}

/**
 * A row of MLflow's `runs` table (the columns read here).
 *
 * @example
 * ```ts
 * const row = ctx.s.runById.get(runId) as RunRow | undefined;
 * ```
 */
export interface RunRow {
  run_uuid: string;
  name: string | null;
  user_id: string | null;
  status: string | null;
  start_time: number | null;
  end_time: number | null;
  lifecycle_stage: string | null;
  artifact_uri: string | null;
  experiment_id: number;
}

/**
 * A run's stage and experiment, what writes check before touching a run.
 *
 * @example
 * ```ts
 * const { experiment_id } = ctx.activeRun(runId);
 * ```
 */
export interface RunStageRow {
  lifecycle_stage: string;
  experiment_id: number;
}

/**
 * What the SQL tracking store's entity modules share.
 *
 * @example
 * ```ts
 * const ctx = createSqlTrackingContext(db, { uri: "sqlite:///mlflow.db" });
 * const ops = { ...createExperimentOps(ctx), ...createRunOps(ctx), ...createSearchOps(ctx) };
 * ```
 */
export interface SqlTrackingContext extends SqlStoreSession<TrackingStatementName> {
  readonly now: () => number;
  readonly uri: string;
  /** The default artifact root, resolved. */
  readonly artifactRoot: string;
  readonly resolveLocation: (location: string) => string;
  readonly closeDatabase: boolean;
  /** The experiment row visible under `view`, else MLflow's not-found error. */
  readonly experimentRow: (experimentId: string, view?: ViewType) => ExperimentRow;
  /** Throws MLflow's error unless the experiment is active. */
  readonly requireActiveExperiment: (row: ExperimentRow, experimentId: string) => void;
  /** The run's stage and experiment, else MLflow's not-found error. */
  readonly runStage: (runId: string) => RunStageRow;
  /** {@link SqlTrackingContext.runStage} of an active run, else MLflow's error. */
  readonly activeRun: (runId: string) => RunStageRow;
}

/**
 * Sets `db` up for the tracking store (MLflow's session settings and schema) and builds the
 * shared context; adds the Default experiment (id 0) when it is missing, as MLflow's store does.
 *
 * @example
 * ```ts
 * const ctx = createSqlTrackingContext(new Database("mlflow.db"), { artifactRoot: "s3://bucket/mlflow" });
 * ctx.read(() => ctx.experimentRow("0")).name; // "Default"
 * ```
 */
export function createSqlTrackingContext(db: SqlDatabase, options: SqlStoreOptions = {}): SqlTrackingContext {
  const session = openSqlStoreSession(db, TRACKING_SQL, { component: "tracking", storeName: "SQL store" });
  const { s } = session;
  const resolveLocation = options.resolveArtifactLocation ?? ((location: string) => location);

  const experimentRow = (experimentId: string, view: ViewType = "ALL"): ExperimentRow => {
    const row = s.experimentById.get(parseExperimentId(experimentId)) as ExperimentRow | undefined;
    if (!row || !isInView(row.lifecycle_stage, view)) throw notFound(`No Experiment with id=${experimentId} exists`);
    return row;
  };
  const runStage = (runId: string): RunStageRow => {
    const row = s.runStage.get(runId) as RunStageRow | undefined;
    if (!row) throw notFound(`Run with id=${runId} not found`);
    return row;
  };
  const ctx: SqlTrackingContext = {
    ...session,
    now: options.now ?? Date.now,
    uri: options.uri ?? "sqlite:",
    artifactRoot: resolveLocation(options.artifactRoot ?? "mlflow-artifacts:/"),
    resolveLocation,
    closeDatabase: options.closeDatabase ?? true,
    experimentRow,
    requireActiveExperiment: (row, experimentId) => {
      if (row.lifecycle_stage !== "active") throw experimentNotActive(experimentId, row.lifecycle_stage);
    },
    runStage,
    activeRun: (runId) => {
      const row = runStage(runId);
      if (row.lifecycle_stage !== "active") throw runNotActive(runId, row.lifecycle_stage);
      return row;
    },
  };
  ensureDefaultExperiment(ctx);
  return ctx;
}

/**
 * MLflow's store adds the Default experiment when it is missing (SqlAlchemyStore._initialize_store_state);
 * looked up first, so that a read-only connection to a complete database works.
 */
function ensureDefaultExperiment(ctx: SqlTrackingContext): void {
  if (ctx.read(() => ctx.s.experimentById.get(0)) !== undefined) return;
  ctx.write(() => {
    const time = ctx.now();
    ctx.s.insertDefaultExperiment.run(joinUri(ctx.artifactRoot, "0"), time, time); // OR IGNORE: another process may have added it
  });
}
