/**
 * `runs:/` and `models:/` URIs resolved as MLflow resolves them
 * (`mlflow/store/artifact/utils/models.py`, `runs_artifact_repo.py`); the parsers are MLflow's core
 * ones (`../mlflow/model-uri.ts`).
 *
 * @module
 */
import { SentiMlopsError, describeType } from "../errors.js";
import { joinArtifactUri } from "../adapters/artifact-resolver.js";
import type { RegistryStore } from "../mlflow/registry-store.js";
import type { ModelVersion } from "../mlflow/registry-entities.js";
import { parseModelsUri, parseRunsUri } from "../mlflow/model-uri.js";
import type { ModelStoreContext } from "../tracking/model-logging.js";

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
        `${uri} names an MLflow 3 logged model (models:/<model_id>); senti-mlops resolves registered versions: models:/<name>/<version>, models:/<name>@<alias>, models:/<name>/<stage>`,
        { component: "models" },
      );
    case "version":
      return registry.getModelVersion(parsed.name, parsed.version);
    case "alias":
      return registry.getModelVersionByAlias(parsed.name, parsed.alias);
  }
  const candidates = await registry.getLatestVersions(parsed.name, parsed.kind === "stage" ? [parsed.stage] : []);
  if (candidates.length === 0) {
    const what = parsed.kind === "stage" ? `in stage ${JSON.stringify(parsed.stage)}` : "at all";
    throw new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `No versions of model with name '${parsed.name}' ${what}`, { component: "models" });
  }
  return candidates.reduce((best, v) => (Number(v.version) > Number(best.version) ? v : best));
}

/**
 * The artifact URI a model URI points at: `runs:/id/path` joins the run's `artifact_uri` and the
 * path; `models:/…` resolves the version and then, as MLflow does, its download URI (the version's
 * `storage_location`, else its source; it may itself be `runs:/…`). So versions that Python's
 * MLflow 3 registered from a logged model (source `models:/m-…`) resolve to that model's files.
 * Any other URI is returned unchanged.
 *
 * @example
 * ```ts
 * await resolveArtifactUri(tracking, "models:/sentiment@champion"); // "mlflow-artifacts:/1/0123…/artifacts/model"
 * ```
 */
export async function resolveArtifactUri(context: Pick<ModelStoreContext, "store" | "registry">, uri: string): Promise<string> {
  if (typeof uri !== "string") throw SentiMlopsError.invalidParameterValue(`model URI must be a string, got ${describeType(uri)}`, { component: "models" });
  let current = uri;
  // A version's source may be another models:/ or runs:/ URI; a chain longer than this is a loop.
  for (let hop = 0; hop < 8; hop++) {
    if (current.startsWith("runs:")) {
      const { runId, path } = parseRunsUri(current);
      const run = await context.store.getRun(runId);
      return joinArtifactUri(run.info.artifactUri, path);
    }
    if (!current.startsWith("models:")) return current;
    // As MLflow's ModelsArtifactRepository: the version's download URI (its storage_location), not
    // its source, which for a model logged by MLflow 3 is the logged model (models:/m-…).
    const version = await resolveModelVersion(context.registry, current);
    current = await context.registry.getModelVersionDownloadUri(version.name, version.version);
  }
  throw SentiMlopsError.invalidParameterValue(`${uri}: model sources refer to each other in a loop`, { component: "models" });
}
