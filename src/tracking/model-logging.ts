/**
 * What a run needs to log models, declared here and implemented by `models/`: the stores a model
 * is written to and resolved from, the options of `run.logModel` and what it returns.
 *
 * @module
 */
import type { ArtifactStore } from "../adapters/artifact-store.js";
import type { ModelSignature, MlModel } from "../mlflow/model-entities.js";
import type { ModelVersion } from "../mlflow/registry-entities.js";
import type { RegistryStore } from "../mlflow/registry-store.js";
import type { TrackingStore } from "../mlflow/tracking-store.js";
import type { SentimentModel } from "../types.js";

/**
 * The stores that `runs:/` and `models:/` URIs are resolved in and artifacts are opened from — a
 * client from `createTracking` is one.
 *
 * @example
 * ```ts
 * const context: ModelStoreContext = await createTracking("sqlite:///mlflow.db");
 * ```
 */
export interface ModelStoreContext {
  readonly store: TrackingStore;
  readonly registry: RegistryStore;
  openArtifacts(uri: string): Promise<ArtifactStore>;
}

/**
 * Options of `run.logModel`.
 *
 * @example
 * ```ts
 * const options: LogModelOptions = { registeredModelName: "sentiment-tfidf", inputExample: ["Great movie!"] };
 * ```
 */
export interface LogModelOptions {
  /** @default the text-classifier signature (`text` in; `label` and `score` out); `false` records none */
  signature?: ModelSignature | false;
  /** A few texts saved as `input_example.json` (and `serving_input_example.json`), as MLflow saves examples. */
  inputExample?: readonly string[];
  /**
   * Add MLflow's `python_function` flavor (a Python loader and its environment files in the model
   * folder), so that `mlflow.pyfunc.load_model` and `mlflow models serve` can use the model.
   * @default true
   */
  pythonFunction?: boolean;
  /** Also register the model: creates the registered model when missing, then a new version. */
  registeredModelName?: string;
  /** Tags of the new version. */
  versionTags?: Readonly<Record<string, string>>;
  /** Description of the new version. */
  versionDescription?: string;
}

/**
 * What `run.logModel` did.
 *
 * @example
 * ```ts
 * const logged: LoggedModel = await run.logModel(model, "model", { registeredModelName: "sentiment" });
 * logged.modelUri; // "runs:/0123…/model"
 * logged.version?.version; // "1"
 * ```
 */
export interface LoggedModel {
  readonly runId: string;
  readonly artifactPath: string;
  /** `runs:/<run id>/<artifact path>`. */
  readonly modelUri: string;
  /** Where the files are, e.g. `mlflow-artifacts:/1/0123…/artifacts/model`. */
  readonly artifactUri: string;
  readonly mlmodel: MlModel;
  /** The registered version, when `registeredModelName` was given. */
  readonly version?: ModelVersion;
}

/**
 * Logs a model of a run: what the tracking client is given to implement `run.logModel` (the
 * package's entries pass the one in `models/`, with the codecs of their runtime).
 *
 * @example
 * ```ts
 * const logger: ModelLogger = (context, runId, model, path, options) => logModel(context, runId, model, path, { ...options, codecs });
 * ```
 */
export type ModelLogger = (
  context: ModelStoreContext,
  runId: string,
  model: SentimentModel,
  artifactPath: string,
  options?: LogModelOptions,
) => Promise<LoggedModel>;
