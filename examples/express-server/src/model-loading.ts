/**
 * Loading the models the service serves: TF-IDF from a `models:/` URI (pinned to the version the
 * alias names at load time), a `runs:/` URI or a path; BERT through `senti-mlops/bert`, imported
 * dynamically so that the service runs on a build of senti-mlops without it.
 *
 * @module
 */
import { loadModel, type SentimentModel } from "senti-mlops";
import { resolveModelVersion } from "senti-mlops/models";
import type { Tracking } from "senti-mlops/tracking";
import { ServiceError } from "./service-error.js";
import type { ServedModel } from "./served-models.js";

/**
 * Loads the TF-IDF model `uri` names. A `models:/name@alias` (or `/stage`, `/latest`) URI is
 * resolved to its version first, so the model served is exactly the version reported.
 *
 * @example
 * ```ts
 * const served = await loadTfidfModel(tracking, "models:/sentiment-tfidf@champion");
 * served.registeredModel; // { name: "sentiment-tfidf", version: "3" }
 * ```
 */
export async function loadTfidfModel(tracking: Tracking, uri: string): Promise<ServedModel> {
  let source = uri;
  let registeredModel: ServedModel["registeredModel"] = null;
  let runId: string | null = null;
  if (uri.startsWith("models:/")) {
    const version = await resolveModelVersion(tracking.registry, uri);
    registeredModel = { name: version.name, version: version.version };
    runId = version.runId || null;
    source = `models:/${version.name}/${version.version}`;
  } else if (uri.startsWith("runs:/")) {
    runId = uri.slice("runs:/".length).split("/")[0] || null;
  }
  const model = await loadModel(source, { tracking });
  if (model.kind !== "tfidf") {
    throw new ServiceError("INVALID_PARAMETER_VALUE", `MODEL_URI ${uri} is a ${model.kind} model; MODEL_URI serves TF-IDF models (use BERT_MODEL for BERT)`);
  }
  return { kind: "tfidf", model, uri, registeredModel, runId, loadedAt: new Date().toISOString(), validationAccuracy: null };
}

/** A BERT model as `senti-mlops/bert`'s `loadBert` returns it. */
export type BertModelLike = SentimentModel & { dispose?(): Promise<void> };

/** `loadBert(source, { tracking })`, as `senti-mlops/bert` exports it. */
export type BertLoader = (source: string, options: { tracking?: Tracking }) => Promise<BertModelLike>;

/**
 * Imports `loadBert` from `senti-mlops/bert`. The entry may be missing from the installed
 * senti-mlops (it was added after this service), so it is imported by a computed specifier at run
 * time, and a missing entry is a `NOT_IMPLEMENTED` error saying so.
 *
 * @example
 * ```ts
 * const loadBert = await importBertLoader();
 * const model = await loadBert("./models/bert-tiny-sst2", {});
 * ```
 */
export async function importBertLoader(): Promise<BertLoader> {
  const specifier = ["senti-mlops", "bert"].join("/");
  let entry: { loadBert?: BertLoader };
  try {
    entry = (await import(specifier)) as { loadBert?: BertLoader };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ERR_PACKAGE_PATH_NOT_EXPORTED" || code === "ERR_MODULE_NOT_FOUND") {
      throw new ServiceError(
        "NOT_IMPLEMENTED",
        "BERT is not available: the installed senti-mlops has no senti-mlops/bert entry (BERT_MODEL needs a senti-mlops build with BERT support)",
        { cause: e },
      );
    }
    throw e;
  }
  if (typeof entry.loadBert !== "function") throw new ServiceError("NOT_IMPLEMENTED", "BERT is not available: senti-mlops/bert exports no loadBert");
  return entry.loadBert;
}

/**
 * Loads the BERT model `source` names with `loader`.
 *
 * @example
 * ```ts
 * const served = await loadBertModel(await importBertLoader(), "../shared/models/bert-tiny-sst2", tracking);
 * ```
 */
export async function loadBertModel(loader: BertLoader, source: string, tracking: Tracking): Promise<ServedModel> {
  const model = await loader(source, { tracking });
  return { kind: "bert", model, uri: source, registeredModel: null, runId: null, loadedAt: new Date().toISOString(), validationAccuracy: null };
}
