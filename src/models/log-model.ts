/**
 * `logModel`: a model becomes an MLflow model folder under a run's artifacts, is recorded in the
 * run's `mlflow.log-model.history` tag (what MLflow's `runs/log-model` does), and optionally
 * becomes a registered model version.
 *
 * @module
 */
import { SentiMlopsError, describeType, hasErrorCode } from "../errors.js";
import type { SentimentModel } from "../types.js";
import type { ModelVersion } from "../mlflow/registry-entities.js";
import { LIMITS } from "../mlflow/validation.js";
import { validateModelName } from "../mlflow/registry-validation.js";
import { joinArtifactUri } from "../adapters/artifact-resolver.js";
import { normalizeKey } from "../adapters/byte-store.js";
import type { MlModel } from "../mlflow/model-entities.js";
import type { LoggedModel, LogModelOptions, ModelStoreContext } from "../tracking/model-logging.js";
import { packageModel } from "./model-folder.js";
import type { ModelCodec } from "./model-codec.js";

/**
 * The run tag MLflow's UI reads to list a run's logged models.
 *
 * @example
 * ```ts
 * const history = JSON.parse(run.data.tags[LOG_MODEL_HISTORY_TAG] ?? "[]"); // one entry per logged model
 * ```
 */
export const LOG_MODEL_HISTORY_TAG = "mlflow.log-model.history";

/** The entry MLflow's `Model.get_tags_dict` appends to the history tag (flavors without `config`). */
function historyEntry(mlmodel: MlModel): Record<string, unknown> {
  const flavors: Record<string, unknown> = {};
  for (const [name, config] of Object.entries(mlmodel.flavors)) {
    if (config !== null && typeof config === "object" && !Array.isArray(config)) {
      const { config: _dropped, ...rest } = config as Record<string, unknown>;
      flavors[name] = rest;
    } else flavors[name] = config;
  }
  return {
    ...(mlmodel.run_id !== undefined ? { run_id: mlmodel.run_id } : {}),
    ...(mlmodel.artifact_path !== undefined ? { artifact_path: mlmodel.artifact_path } : {}),
    utc_time_created: mlmodel.utc_time_created,
    model_uuid: mlmodel.model_uuid,
    flavors,
  };
}

/**
 * Logs `model` under `artifactPath` of run `runId`:
 * 1. packages it (data files, input example, `MLmodel` with checksums);
 * 2. writes the data files, then `MLmodel` last, so a reader never sees a half-written model;
 * 3. appends it to the run's `mlflow.log-model.history` tag, as MLflow's `runs/log-model` does;
 * 4. with `registeredModelName`, registers version N+1 with source `runs:/<runId>/<artifactPath>`.
 *
 * Logging twice to the same path is refused (`RESOURCE_ALREADY_EXISTS`): a published model folder
 * never changes.
 *
 * @example
 * ```ts
 * const logged = await logModel(tracking, run.info.runId, model, "model", { registeredModelName: "sentiment-tfidf" });
 * await tracking.registry.setRegisteredModelAlias("sentiment-tfidf", "champion", logged.version!.version);
 * ```
 */
export async function logModel(
  context: ModelStoreContext,
  runId: string,
  model: SentimentModel,
  artifactPath: string,
  options: LogModelOptions & { readonly codecs?: readonly ModelCodec[] } = {},
): Promise<LoggedModel> {
  if (typeof artifactPath !== "string" || artifactPath.replace(/\/+$/, "") === "") {
    throw SentiMlopsError.invalidParameterValue(`logModel: artifactPath must be a non-empty relative path, got ${describeType(artifactPath)}`, { component: "models" });
  }
  const path = (() => {
    try {
      return normalizeKey(artifactPath.replace(/\/+$/, ""));
    } catch (e) {
      throw SentiMlopsError.invalidParameterValue(`logModel: artifactPath must be a relative path without '..', got ${JSON.stringify(artifactPath)}`, { cause: e, component: "models" });
    }
  })();
  // Checked before anything is written, so a bad name leaves no orphan model files behind.
  const name = options.registeredModelName === undefined ? undefined : validateModelName(options.registeredModelName, "registeredModelName");

  const run = await context.store.getRun(runId);
  if (run.info.lifecycleStage !== "active") {
    throw new SentiMlopsError("INVALID_STATE", `logModel: run ${runId} is deleted; restore it first`, { component: "models" });
  }
  const packaged = await packageModel(model, { ...options, artifactPath: path, runId });

  // The history tag is computed before any write, so a too-long value fails with nothing written.
  const previous = run.data.tags[LOG_MODEL_HISTORY_TAG];
  let history: unknown[] = [];
  if (previous !== undefined) {
    try {
      const parsed: unknown = JSON.parse(previous);
      if (Array.isArray(parsed)) history = parsed;
    } catch {
      // MLflow may have truncated an over-long history (MLFLOW_TRUNCATE_LONG_VALUES): start afresh.
    }
  }
  const historyValue = JSON.stringify([...history, historyEntry(packaged.mlmodel)]);
  if (historyValue.length > LIMITS.runTagValue) {
    throw SentiMlopsError.invalidParameterValue(
      `logModel: run ${runId} already lists ${history.length} logged models; the ${LOG_MODEL_HISTORY_TAG} tag would exceed ${LIMITS.runTagValue} characters`,
      { component: "models" },
    );
  }

  const artifactUri = joinArtifactUri(run.info.artifactUri, path);
  const artifacts = await context.openArtifacts(run.info.artifactUri);
  try {
    if ((await artifacts.readArtifact(`${path}/MLmodel`)) !== null) {
      throw new SentiMlopsError("RESOURCE_ALREADY_EXISTS", `logModel: run ${runId} already has a model at ${JSON.stringify(path)}; log to another path`, { component: "models" });
    }
    // Data first, MLmodel last: the model is published by its MLmodel file.
    const files = packaged.files;
    await artifacts.logArtifacts(files.slice(0, -1), path);
    await artifacts.logArtifacts(files.slice(-1), path);
  } finally {
    await artifacts.dispose();
  }
  await context.store.logBatch(runId, { tags: [{ key: LOG_MODEL_HISTORY_TAG, value: historyValue }] });

  let version: ModelVersion | undefined;
  if (name !== undefined) {
    try {
      await context.registry.createRegisteredModel(name);
    } catch (e) {
      if (!hasErrorCode(e, "RESOURCE_ALREADY_EXISTS")) throw e;
    }
    version = await context.registry.createModelVersion({
      name,
      source: `runs:/${runId}/${path}`,
      runId,
      tags: Object.entries(options.versionTags ?? {}).map(([key, value]) => ({ key, value })),
      description: options.versionDescription,
    });
  }
  return {
    runId,
    artifactPath: path,
    modelUri: `runs:/${runId}/${path}`,
    artifactUri,
    mlmodel: packaged.mlmodel,
    ...(version ? { version } : {}),
  };
}

