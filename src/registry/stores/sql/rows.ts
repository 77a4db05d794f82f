/**
 * Rows of the SQL registry store read back as MLflow entities: registered models with their tags,
 * aliases and latest versions, model versions with their tags (and aliases where MLflow fills them).
 *
 * @module
 */
import type { ModelVersion, RegisteredModel } from "../../../mlflow/registry-entities.js";
import { latestVersionStages } from "../../../mlflow/registry-validation.js";
import { STAGE_DELETED_INTERNAL } from "../../../mlflow/search/index.js";
import { latestVersionsOf, toModelVersion, toRegisteredModel, type VersionFields } from "../registry-semantics.js";
import { type ModelRow, type SqlRegistryContext, type VersionRow, WORKSPACE } from "./context.js";

interface TagRow {
  name: string;
  version?: number;
  key: string;
  value: string | null;
}

interface AliasRow {
  name: string;
  alias: string;
  version: number;
}

const versionFields = (r: VersionRow): VersionFields => ({
  name: r.name,
  version: Number(r.version),
  creationTime: r.creation_time,
  lastUpdatedTime: r.last_updated_time,
  description: r.description,
  userId: r.user_id,
  currentStage: r.current_stage ?? "None",
  source: r.source,
  runId: r.run_id,
  status: r.status,
  statusMessage: r.status_message,
  runLink: r.run_link,
});

function groupTags(rows: readonly TagRow[], keyOf: (r: TagRow) => string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const r of rows) {
    const k = keyOf(r);
    let record = out.get(k);
    if (record === undefined) out.set(k, (record = {}));
    record[r.key] = r.value ?? "";
  }
  return out;
}

const versionKey = (name: string, version: number): string => `${name}\u0000${version}`;

/** Version rows with their stage, as `latestVersionsOf` takes them. */
const staged = (rows: readonly VersionRow[]): { row: VersionRow; version: number; currentStage: string }[] =>
  rows.map((row) => ({ row, version: Number(row.version), currentStage: row.current_stage ?? "None" }));

/**
 * Versions as MLflow returns them; aliases only where MLflow fills them (`withAliases`).
 *
 * @example
 * ```ts
 * const [version] = loadVersions(ctx, [ctx.liveVersionRow("sentiment-tfidf", "1")], true);
 * ```
 */
export function loadVersions(ctx: SqlRegistryContext, rows: readonly VersionRow[], withAliases: boolean): ModelVersion[] {
  if (rows.length === 0) return [];
  const keys = JSON.stringify(rows.map((r) => [r.name, Number(r.version)]));
  const tags = groupTags(ctx.s.versionTags.all(WORKSPACE, keys) as TagRow[], (r) => versionKey(r.name, Number(r.version)));
  const aliases = new Map<string, string[]>();
  if (withAliases) {
    const names = JSON.stringify([...new Set(rows.map((r) => r.name))]);
    for (const a of ctx.s.modelAliases.all(WORKSPACE, names) as AliasRow[]) {
      const k = versionKey(a.name, Number(a.version));
      aliases.set(k, [...(aliases.get(k) ?? []), a.alias]);
    }
  }
  return rows.map((r) => {
    const k = versionKey(r.name, Number(r.version));
    return toModelVersion(versionFields(r), tags.get(k) ?? {}, aliases.get(k) ?? []);
  });
}

/**
 * Registered models with their tags, aliases and latest versions (a few bulk queries).
 *
 * @example
 * ```ts
 * const models = loadModels(ctx, stmt.all(...params) as ModelRow[], "search");
 * ```
 */
export function loadModels(ctx: SqlRegistryContext, rows: readonly ModelRow[], order: "get" | "search"): RegisteredModel[] {
  if (rows.length === 0) return [];
  const names = JSON.stringify(rows.map((r) => r.name));
  const tags = groupTags(ctx.s.modelTags.all(WORKSPACE, names) as TagRow[], (r) => r.name);
  const aliases = new Map<string, { alias: string; version: string }[]>();
  for (const a of ctx.s.modelAliases.all(WORKSPACE, names) as AliasRow[]) {
    aliases.set(a.name, [...(aliases.get(a.name) ?? []), { alias: a.alias, version: String(a.version) }]);
  }
  const versions = new Map<string, VersionRow[]>();
  for (const v of ctx.s.versionsOf.all(WORKSPACE, names, STAGE_DELETED_INTERNAL) as VersionRow[]) {
    versions.set(v.name, [...(versions.get(v.name) ?? []), v]);
  }
  return rows.map((r) => {
    const latest = loadVersions(
      ctx,
      latestVersionsOf(staged(versions.get(r.name) ?? []), order).map((x) => x.row),
      false,
    );
    return toRegisteredModel(
      { name: r.name, creationTime: r.creation_time, lastUpdatedTime: r.last_updated_time, description: r.description },
      latest,
      tags.get(r.name) ?? {},
      aliases.get(r.name) ?? [],
    );
  });
}

/**
 * A registered model by name, else MLflow's not-found error.
 *
 * @example
 * ```ts
 * const model = ctx.read(() => loadModel(ctx, "sentiment-tfidf"));
 * ```
 */
export function loadModel(ctx: SqlRegistryContext, name: string): RegisteredModel {
  return loadModels(ctx, [ctx.modelRow(name)], "get")[0]!;
}

/**
 * A live model version with its tags and aliases, else MLflow's not-found error.
 *
 * @example
 * ```ts
 * const version = ctx.read(() => loadVersion(ctx, "sentiment-tfidf", "1"));
 * ```
 */
export function loadVersion(ctx: SqlRegistryContext, name: string, version: unknown): ModelVersion {
  return loadVersions(ctx, [ctx.liveVersionRow(name, version)], true)[0]!;
}

/**
 * The latest version of each stage in `stages` (every stage when none is given), as MLflow's
 * `get_latest_versions`.
 *
 * @example
 * ```ts
 * const [production] = ctx.read(() => loadLatestVersions(ctx, "sentiment-tfidf", ["Production"]));
 * ```
 */
export function loadLatestVersions(ctx: SqlRegistryContext, name: string, stages?: readonly string[]): ModelVersion[] {
  ctx.modelRow(name);
  const wanted: Set<string> = latestVersionStages(stages);
  const rows = staged(ctx.s.versionsOf.all(WORKSPACE, JSON.stringify([name]), STAGE_DELETED_INTERNAL) as VersionRow[]);
  return loadVersions(
    ctx,
    latestVersionsOf(rows, "get")
      .filter((x) => wanted.has(x.currentStage))
      .map((x) => x.row),
    true,
  );
}
