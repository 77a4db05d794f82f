/**
 * The models being served, each in a slot that is swapped atomically: a request takes the slot's
 * current model once, at its start, and uses that object until it answers, so a swap never shows a
 * request a half-loaded model and in-flight requests finish on the model they started with.
 *
 * @module
 */
import type { SentimentModel } from "senti-mlops";

/** Model kinds the service serves. */
export type ModelKind = "tfidf" | "bert";

/** A loaded model and where it came from. */
export interface ServedModel {
  readonly kind: ModelKind;
  readonly model: SentimentModel & { dispose?(): Promise<void> };
  /** What was loaded: `models:/name@alias`, a path, a hub URL. */
  readonly uri: string;
  /** The registered model and version, when it came from the registry. */
  readonly registeredModel: { readonly name: string; readonly version: string } | null;
  readonly runId: string | null;
  /** ISO time it started serving. */
  readonly loadedAt: string;
  /** Accuracy on the validation split of the training job that promoted it, when known. */
  readonly validationAccuracy: number | null;
}

/** One swappable model. */
export interface ModelSlot {
  /** The model to use for a request that starts now, or null. */
  current(): ServedModel | null;
  /** Serves `next` from now on; returns the model it replaces. */
  swap(next: ServedModel): ServedModel | null;
  /** Why there is no model (e.g. a failed load), shown by /model_info and 503 answers. */
  readonly problem: string | null;
  /** The error code of that failure (`NOT_IMPLEMENTED` when a runtime or entry is missing). */
  readonly problemCode: string | null;
  /**
   * True when the problem is a model that exists but cannot be read (an alias whose files are
   * missing or corrupt): the service is then degraded, not merely waiting for a first model.
   */
  readonly unreadable: boolean;
  setProblem(problem: string | null, code?: string, options?: { unreadable?: boolean }): void;
}

/**
 * Creates an empty slot.
 *
 * @example
 * ```ts
 * const slot = createModelSlot();
 * slot.swap({ kind: "tfidf", model, uri: "models:/sentiment-tfidf@champion", registeredModel: null, runId: null, loadedAt: new Date().toISOString(), validationAccuracy: null });
 * const served = slot.current(); // take it once per request
 * ```
 */
export function createModelSlot(): ModelSlot {
  let served: ServedModel | null = null;
  let problem: string | null = null;
  let problemCode: string | null = null;
  let unreadable = false;
  return {
    current: () => served,
    swap(next) {
      const previous = served;
      served = Object.freeze({ ...next });
      problem = null;
      problemCode = null;
      unreadable = false;
      return previous;
    },
    get problem() {
      return problem;
    },
    get problemCode() {
      return problemCode;
    },
    get unreadable() {
      return unreadable;
    },
    setProblem(p, code, options = {}) {
      problem = p;
      problemCode = p === null ? null : (code ?? null);
      unreadable = p !== null && options.unreadable === true;
    },
  };
}

/** The service's two slots. */
export interface ServedModels {
  readonly tfidf: ModelSlot;
  readonly bert: ModelSlot;
}

/**
 * Creates the TF-IDF and BERT slots, both empty.
 *
 * @example
 * ```ts
 * const models = createServedModels();
 * models.tfidf.current(); // null until a model is loaded or trained
 * ```
 */
export function createServedModels(): ServedModels {
  return Object.freeze({ tfidf: createModelSlot(), bert: createModelSlot() });
}
