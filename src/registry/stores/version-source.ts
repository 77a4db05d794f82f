/**
 * A new model version's `source`, checked and resolved as MLflow's server does before its store
 * writes the version (`mlflow/server/handlers.py` `_create_model_version`): host-addressed schemes
 * refused, `models:/` sources resolved to `models:/<name>/<version>`, then `_validate_source_run`
 * (a `runs:/` source must name the given run, no `..` segments, local paths and run-less
 * `mlflow-artifacts:` sources only inside the given run's artifact directory). The memory and SQL
 * stores stand in for the server, so they check what it checks.
 *
 * @module
 */
import { SentiMlopsError, isSentiMlopsError } from "../../errors.js";
import { posixNormpath } from "../../mlflow/validation.js";
import type { ModelVersion, RegisteredModel } from "../../mlflow/registry-entities.js";
import { isModelsUri, parseModelsUri, type ParsedModelsUri } from "../../mlflow/model-uri.js";

/**
 * The reads {@link resolveVersionSource} needs: the store's own methods, and runs when it has them.
 *
 * @example
 * ```ts
 * const lookup: SourceLookup = { ...store, runArtifactUri: async (runId) => (await tracking.getRun(runId)).info.artifactUri };
 * ```
 */
export interface SourceLookup {
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  getModelVersion(name: string, version: string): Promise<ModelVersion>;
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion>;
  getLatestVersions(name: string, stages?: readonly string[]): Promise<ModelVersion[]>;
  getModelVersionDownloadUri(name: string, version: string): Promise<string>;
  /**
   * A run's artifact URI, or null when there is no such run (or no tracking store to ask): MLflow
   * looks the run up for local and `mlflow-artifacts:` sources.
   */
  runArtifactUri(runId: string): Promise<string | null>;
}

/**
 * Where a new version's files are, and the run it comes from.
 *
 * @example
 * ```ts
 * const r: ResolvedSource = { source: "models:/sentiment/3", runId: "0123456789abcdef0123456789abcdef", storageLocation: "s3://bucket/model" };
 * ```
 */
export interface ResolvedSource {
  /** The `source` to store. */
  readonly source: string;
  /** The run id to store. */
  readonly runId: string;
  /** MLflow's `storage_location`: the source, or for `models:/` sources the files of the version named. */
  readonly storageLocation: string;
}

const invalid = (message: string): SentiMlopsError => SentiMlopsError.invalidParameterValue(message, { component: "registry" });

const invalidSource = (source: string, idName: "run_id" | "model_id"): SentiMlopsError =>
  invalid(`Invalid model version source: '${source}'. The ${idName} request parameter must identify the resource that contains the source.`);

/**
 * A `models:` source parsed, or null for other schemes. A malformed one is refused as MLflow's
 * server refuses it: `_parse_model_uri`'s "Not a proper models:/ URI" becomes an invalid source
 * (`handlers.py` `_parse_model_version_source`), and an authority (`models://profile/…`) names
 * another registry.
 */
function parseModelsSource(source: string): ParsedModelsUri | null {
  if (!isModelsUri(source)) return null;
  try {
    return parseModelsUri(source);
  } catch (e) {
    if (isSentiMlopsError(e) && e.details?.reason === "authority") {
      throw invalid(`Invalid model version source: '${source}'. Registered model sources must use the active model registry.`);
    }
    throw invalid(`Invalid model version source: '${source}'. The model_id request parameter must identify the resource that contains the source.`);
  }
}

/** Python's `urllib.parse.urlparse`, for the parts used here. */
interface UrlParts {
  scheme: string;
  netloc: string;
  path: string;
}

function urlparse(uri: string): UrlParts {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri);
  let rest = m ? uri.slice(m[0].length) : uri;
  const scheme = m ? m[1]!.toLowerCase() : "";
  let netloc = "";
  if (rest.startsWith("//")) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end);
    rest = end < 0 ? "" : rest.slice(2 + end);
  }
  const cut = rest.search(/[?#]/);
  return { scheme, netloc, path: cut < 0 ? rest : rest.slice(0, cut) };
}

/** The host of a netloc, lower-cased, without user info and port. */
function hostname(netloc: string): string {
  const host = netloc.slice(netloc.lastIndexOf("@") + 1);
  return (host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0]!).toLowerCase();
}

// store/artifact/host_policy.py:34-45: schemes whose artifact repositories connect to the host in the URI.
const HOST_ADDRESSED = /* @__PURE__ */ new Set(["ftp", "sftp", "hdfs", "viewfs", "http", "https", "mlflow-artifacts", "r2", "b2", "abfss"]);

/** `mlflow/utils/uri.py:28` `is_local_uri` on POSIX: no scheme, or `file:` on this host. */
function isLocalUri(parts: UrlParts): boolean {
  if (parts.scheme === "") return true;
  if (parts.scheme !== "file") return false;
  const host = hostname(parts.netloc);
  if (host !== "" && host !== "." && !host.startsWith("localhost") && !host.startsWith("127.0.0.1")) {
    throw new SentiMlopsError("INTERNAL_ERROR", `${parts.scheme}://${parts.netloc}${parts.path} is not a valid remote uri.`, { component: "registry" });
  }
  return true;
}

/** Iterated `urllib.parse.unquote_plus`. */
function unquoteAll(value: string): string {
  let current = value;
  for (;;) {
    let next: string;
    try {
      next = decodeURIComponent(current.replace(/\+/g, " "));
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
}

/**
 * `handlers.py` `_validate_non_local_source_contains_relative_paths`: after unquoting, the path may
 * hold no NUL and no `..` segment, and must already be absolute and normalised (MLflow compares it
 * with `Path(path).resolve()`, so an empty or relative path fails too).
 */
function checkNoRelativePaths(original: string): void {
  const source = unquoteAll(original);
  const path = urlparse(source).path.replace(/\/+$/, "").replace(/\/+/g, "/");
  const fail = (): SentiMlopsError =>
    invalid(
      `Invalid model version source: '${source}'. If supplying a source as an http, https, local file path, ftp, objectstore, ` +
        "or mlflow-artifacts uri, an absolute path must be provided without relative path references present. Please provide an absolute path.",
    );
  if (path.includes("\u0000") || source.split("/").some((p) => p === "..")) throw fail();
  if (!path.startsWith("/") || posixNormpath(path) !== path) throw fail();
}

/** `handlers.py` `_normalized_uri_parts` / `_is_uri_within_root`. */
function isUriWithinRoot(source: string, root: string): boolean {
  const parts = (uri: string): { scheme: string; netloc: string; path: string[] } => {
    const p = urlparse(uri);
    const path = p.path
      .split("/")
      .filter((x) => x !== "")
      .map((x) => {
        try {
          return decodeURIComponent(x);
        } catch {
          return x;
        }
      });
    return { scheme: p.scheme, netloc: p.netloc.toLowerCase(), path };
  };
  const s = parts(source);
  const r = parts(root);
  return s.scheme === r.scheme && s.netloc === r.netloc && r.path.length > 0 && r.path.every((x, i) => s.path[i] === x);
}

/** `handlers.py` `_is_mlflow_artifact_source`. */
function isMlflowArtifactSource(parts: UrlParts): boolean {
  if (parts.scheme === "mlflow-artifacts") return true;
  const segs = parts.path.split("/").filter((x) => x !== "");
  const route = ["api", "2.0", "mlflow-artifacts", "artifacts"];
  return (
    (parts.scheme === "http" || parts.scheme === "https") && segs.some((_, i) => route.every((r, j) => segs[i + j] === r))
  );
}

/** A local path or `file:` URI as a normalised absolute POSIX path, or null when it is relative. */
function localPath(uri: string): string | null {
  const p = urlparse(uri);
  const path = p.scheme === "file" ? decodeURIComponent(p.path) : uri;
  return path.startsWith("/") ? posixNormpath(path) : null;
}

/** `handlers.py:3158` `_validate_source_run`. */
async function validateSourceRun(source: string, runId: string, lookup: SourceLookup): Promise<void> {
  const parts = urlparse(source);
  if (isLocalUri(parts)) {
    if (runId) {
      const artifactUri = await lookup.runArtifactUri(runId);
      if (artifactUri === null) throw invalidSource(source, "run_id");
      const sourcePath = localPath(source);
      const runDir = isLocalUri(urlparse(artifactUri)) ? localPath(artifactUri) : null;
      // MLflow resolves relative paths against the server's working directory; a store has none to
      // share with its caller, so a relative local source never lies inside a run's directory here.
      if (sourcePath !== null && runDir !== null && (sourcePath === runDir || sourcePath.startsWith(runDir === "/" ? "/" : `${runDir}/`))) return;
    }
    throw invalid(
      `Invalid model version source: '${source}'. To use a local path as a model version source, the run_id request parameter has to be ` +
        "specified and the local path has to be contained within the artifact directory of the run specified by the run_id.",
    );
  }
  checkNoRelativePaths(source);
  if (parts.scheme === "runs") {
    if (parts.netloc) throw invalidSource(source, "run_id");
    const path = parts.path;
    const sourceRunId = path.startsWith("/") ? path.slice(1).split("/")[0]! : "";
    if (sourceRunId === "") {
      throw new SentiMlopsError(
        "INTERNAL_ERROR",
        `Not a proper runs:/ URI: ${source}. Runs URIs must be of the form 'runs:/<run_id>/run-relative/path/to/artifact'`,
        { component: "registry" },
      );
    }
    if (runId && sourceRunId === runId) return;
    throw invalidSource(source, "run_id");
  }
  if (parts.scheme === "models") {
    if (parts.netloc) throw invalidSource(source, "model_id");
    if (parseModelsSource(source)?.kind === "modelId") throw invalidSource(source, "model_id");
  }
  if (isMlflowArtifactSource(parts)) {
    if (runId) {
      const artifactUri = await lookup.runArtifactUri(runId);
      if (artifactUri === null) throw invalidSource(source, "run_id");
      if (isUriWithinRoot(source, artifactUri)) return;
    }
    throw invalidSource(source, "run_id");
  }
}

/**
 * Checks and resolves a new version's source as MLflow's server does (`handlers.py:3363-3410`):
 * 1. a host-addressed scheme (`http(s)://host`, `mlflow-artifacts://host`, `ftp`, `sftp`, `hdfs`, …)
 *    is refused — a store has no server artifact root whose host it could trust
 *    (`store/artifact/host_policy.py`);
 * 2. a `models:/name/<version|stage|latest>` or `models:/name@alias` source becomes
 *    `models:/name/<version>`, inherits that version's run id unless one is given (a different one
 *    is refused) and its storage location is that version's download URI
 *    (`_resolve_registered_model_source_lineage`; `sqlalchemy_store.py:960-975`);
 * 3. `_validate_source_run`: `runs:/<id>/…` needs `runId === id`; no `..` segments or relative
 *    paths; a local path or a run-less `mlflow-artifacts:` source must lie inside the given run's
 *    artifact directory.
 *
 * @example
 * ```ts
 * await resolveVersionSource("models:/sentiment@champion", undefined, lookup);
 * // { source: "models:/sentiment/3", runId: "0123…", storageLocation: "runs:/0123…/model" }
 * await resolveVersionSource("runs:/0123…/model", undefined, lookup); // throws INVALID_PARAMETER_VALUE
 * ```
 */
export async function resolveVersionSource(source: string, runId: string | undefined, lookup: SourceLookup): Promise<ResolvedSource> {
  const first = urlparse(source);
  if (HOST_ADDRESSED.has(first.scheme) && !(first.scheme === "mlflow-artifacts" && first.netloc === "")) {
    throw invalid(
      `'source' cannot use the '${first.scheme}' scheme: the '${first.scheme}' scheme addresses a host other than the tracking server's ` +
        "configured artifact storage, so the server would connect to the host named in the URI.",
    );
  }
  let resolved: ResolvedSource = { source, runId: runId ?? "", storageLocation: source };
  const parsed = parseModelsSource(source);
  if (parsed !== null && parsed.kind !== "modelId") resolved = await resolveModelsSource(source, parsed, runId, lookup);
  await validateSourceRun(resolved.source, resolved.runId, lookup);
  return resolved;
}

async function resolveModelsSource(
  source: string,
  parsed: Exclude<ParsedModelsUri, { kind: "modelId" }>,
  runId: string | undefined,
  lookup: SourceLookup,
): Promise<ResolvedSource> {
  const { name } = parsed;
  await lookup.getRegisteredModel(name);
  let version: string;
  switch (parsed.kind) {
    case "version":
      version = parsed.version;
      break;
    case "alias":
      version = (await lookup.getModelVersionByAlias(name, parsed.alias)).version;
      break;
    default: {
      // store/artifact/utils/models.py:39-48 `_get_latest_model_version`: raised without a code.
      const stage = parsed.kind === "stage" ? parsed.stage : undefined;
      const latest = await lookup.getLatestVersions(name, stage === undefined ? undefined : [stage]);
      if (latest.length === 0) {
        throw new SentiMlopsError("INTERNAL_ERROR", `No versions of model with name '${name}'${stage === undefined ? "" : ` and stage '${stage}'`} found`, { component: "registry" });
      }
      version = String(Math.max(...latest.map((v) => Number(v.version))));
    }
  }
  const target = await lookup.getModelVersion(name, version);
  if (runId !== undefined && runId !== target.runId) {
    throw invalid(`Invalid model version source: '${source}'. The run_id and model_id request parameters must match the referenced model version.`);
  }
  return {
    source: `models:/${name}/${target.version}`,
    runId: runId ?? target.runId,
    storageLocation: await lookup.getModelVersionDownloadUri(name, target.version),
  };
}
