/**
 * `runs:/` and `models:/` URIs, parsed and resolved as MLflow resolves them
 * (`mlflow/store/artifact/utils/models.py`, `runs_artifact_repo.py`).
 *
 * @module
 */
import { SentiMlopsError, describeType } from "../errors.js";
import { joinArtifactUri } from "../adapters/artifact-resolver.js";
import type { RegistryStore } from "../mlflow/registry-store.js";
import type { ModelVersion } from "../mlflow/registry-entities.js";
import { parseModelsUri as parseRegistryModelsUri, type ParsedModelsUri } from "../mlflow/registry-validation.js";
import type { ModelStoreContext } from "../tracking/model-logging.js";


const improper = (uri: string): SentiMlopsError =>
  SentiMlopsError.invalidParameterValue(
    `Not a proper models:/ URI: ${JSON.stringify(uri)}. Models URIs must be of the form 'models:/model_name/suffix' or ` +
      `'models:/model_name@alias' where suffix is a model version, stage, or the string 'latest' and where alias is a registered model alias.`,
  );

/**
 * Parses `models:/name/<version>`, `models:/name/<stage>`, `models:/name/latest`,
 * `models:/name@alias` and `models:/<model id>` with MLflow's rules (the registry's parser, with a
 * loading error for anything else).
 *
 * @example
 * ```ts
 * parseModelsUri("models:/sentiment/3"); // { kind: "version", name: "sentiment", version: "3" }
 * parseModelsUri("models:/sentiment@champion"); // { kind: "alias", name: "sentiment", alias: "champion" }
 * ```
 */
export function parseModelsUri(uri: string): ParsedModelsUri {
  if (typeof uri !== "string") throw improper(String(uri));
  const parsed = parseRegistryModelsUri(uri, { improper });
  if (parsed === null) throw improper(uri);
  return parsed;
}

/**
 * Parses `runs:/<run id>/<path>` (the path may be empty: the run's artifact root).
 *
 * @example
 * ```ts
 * parseRunsUri("runs:/0123456789abcdef0123456789abcdef/model"); // { runId: "0123…", path: "model" }
 * ```
 */
export function parseRunsUri(uri: string): { readonly runId: string; readonly path: string } {
  const match = typeof uri === "string" ? /^runs:\/+([^/]+)\/?(.*)$/.exec(uri) : null;
  if (!match || match[1]!.trim() === "") {
    throw SentiMlopsError.invalidParameterValue(`Not a proper runs:/ URI: ${JSON.stringify(uri)}. Runs URIs are of the form 'runs:/<run_id>/<path>'`);
  }
  return { runId: match[1]!, path: match[2]!.replace(/\/+$/, "") };
}

/**
 * The registered version a `models:/` URI names: by version, alias, stage (the highest version in
 * that stage) or `latest` (the highest version of any stage).
 *
 * @example
 * ```ts
 * const version = await resolveModelVersion(registry, "models:/sentiment@champion");
 * version.source; // "runs:/0123…/model"
 * ```
 */
export async function resolveModelVersion(registry: RegistryStore, uri: string): Promise<ModelVersion> {
  const parsed = parseModelsUri(uri);
  switch (parsed.kind) {
    case "modelId":
      throw new SentiMlopsError(
        "NOT_IMPLEMENTED",
        `[senti-mlops] [models] ${uri} names an MLflow 3 logged model (models:/<model_id>); senti-mlops resolves registered versions: models:/<name>/<version>, models:/<name>@<alias>, models:/<name>/<stage>`,
      );
    case "version":
      return registry.getModelVersion(parsed.name, parsed.version);
    case "alias":
      return registry.getModelVersionByAlias(parsed.name, parsed.alias);
  }
  const candidates = await registry.getLatestVersions(parsed.name, parsed.kind === "stage" ? [parsed.stage] : []);
  if (candidates.length === 0) {
    const what = parsed.kind === "stage" ? `in stage ${JSON.stringify(parsed.stage)}` : "at all";
    throw new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `No versions of model with name '${parsed.name}' ${what}`);
  }
  return candidates.reduce((best, v) => (Number(v.version) > Number(best.version) ? v : best));
}

/**
 * The artifact URI a model URI points at: `runs:/id/path` joins the run's `artifact_uri` and the
 * path; `models:/…` resolves the version and then its source (which may itself be `runs:/…`).
 * Any other URI is returned unchanged.
 *
 * @example
 * ```ts
 * await resolveArtifactUri(tracking, "models:/sentiment@champion"); // "mlflow-artifacts:/1/0123…/artifacts/model"
 * ```
 */
export async function resolveArtifactUri(context: Pick<ModelStoreContext, "store" | "registry">, uri: string): Promise<string> {
  if (typeof uri !== "string") throw SentiMlopsError.invalidParameterValue(`model URI must be a string, got ${describeType(uri)}`);
  let current = uri;
  // A version's source may be another models:/ or runs:/ URI; a chain longer than this is a loop.
  for (let hop = 0; hop < 8; hop++) {
    if (current.startsWith("runs:")) {
      const { runId, path } = parseRunsUri(current);
      const run = await context.store.getRun(runId);
      return joinArtifactUri(run.info.artifactUri, path);
    }
    if (!current.startsWith("models:")) return current;
    current = (await resolveModelVersion(context.registry, current)).source;
  }
  throw SentiMlopsError.invalidParameterValue(`[senti-mlops] [models] ${uri}: model sources refer to each other in a loop`);
}

export type { ParsedModelsUri };
