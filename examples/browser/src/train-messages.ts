/** What the page and the training worker say to each other (structured-cloned, so plain data). */

export interface TrainSettings {
  /** Inverse regularization strength of the logistic regression. */
  readonly C: number;
  /** Longest n-gram: 1 (words) or 2 (words and word pairs). */
  readonly maxNgram: 1 | 2;
  /** Ignore terms in fewer documents than this. */
  readonly minDf: number;
}

export type ToWorker =
  | { readonly type: "train"; readonly file: File; readonly settings: TrainSettings }
  | { readonly type: "cancel" };

/** Training phases as shown: the library's, then the model being logged and registered. */
export type Phase = "reading" | "tokenizing" | "vocabulary" | "optimizing" | "evaluating" | "logging" | "done";

export type FromWorker =
  | { readonly type: "progress"; readonly phase: Phase; readonly fraction: number; readonly iteration?: number; readonly loss?: number }
  | { readonly type: "done"; readonly runId: string; readonly version: string; readonly accuracy: number | null; readonly examples: number }
  | { readonly type: "failed"; readonly message: string; readonly cancelled: boolean };
