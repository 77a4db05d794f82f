/**
 * `OrtLike`: the part of ONNX Runtime's JavaScript API that `senti-mlops/bert` uses, as a
 * structural type. Both `onnxruntime-node` and `onnxruntime-web` fit it, so the core imports neither;
 * the `senti-mlops/bert` entries bind one, and a caller may inject any other binding.
 *
 * @module
 */

/**
 * A tensor as ONNX Runtime hands it back: a flat typed array and its dimensions.
 *
 * @example
 * ```ts
 * const logits: OrtTensorLike = outputs.logits; // { type: "float32", dims: [8, 2], data: Float32Array(16) }
 * ```
 */
export interface OrtTensorLike {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
  /** Frees the tensor's native memory where the runtime keeps any (onnxruntime-web GPU tensors). */
  dispose?(): void;
}

/**
 * The name, element type and shape of one model input or output (ONNX Runtime ≥ 1.21). Symbolic
 * dimensions are strings (`"batch_size"`).
 *
 * @example
 * ```ts
 * const meta: OrtValueMetadataLike = { name: "logits", isTensor: true, type: "float32", shape: ["batch_size", 2] };
 * ```
 */
export interface OrtValueMetadataLike {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  readonly shape?: ReadonlyArray<number | string>;
}

/**
 * The session options senti-mlops sets: threads, execution providers and graph optimization.
 *
 * @example
 * ```ts
 * const options: OrtSessionOptionsLike = { intraOpNumThreads: 2, interOpNumThreads: 1, executionProviders: ["cpu"] };
 * ```
 */
export interface OrtSessionOptionsLike {
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  executionProviders?: string[];
  graphOptimizationLevel?: "disabled" | "basic" | "extended" | "all";
}

/**
 * A loaded model: its input and output names (and, when the runtime reports it, their types and
 * shapes), `run`, and `release`.
 *
 * @example
 * ```ts
 * const session: OrtSessionLike = await ort.InferenceSession.create(bytes);
 * session.inputNames; // ["input_ids", "attention_mask", "token_type_ids"]
 * const { logits } = await session.run({ input_ids, attention_mask, token_type_ids });
 * await session.release();
 * ```
 */
export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata?: readonly OrtValueMetadataLike[];
  readonly outputMetadata?: readonly OrtValueMetadataLike[];
  run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>>;
  release(): Promise<void>;
}

/**
 * What `senti-mlops/bert` needs from an ONNX Runtime binding: `InferenceSession.create` from model
 * bytes or a model file's path (given only for local folders in Node, where onnxruntime-node reads
 * the file itself), and the `Tensor` constructor for integer inputs. `import * as ort from "onnxruntime-node"`
 * (or `"onnxruntime-web"`) is one.
 *
 * @example
 * ```ts
 * import * as ort from "onnxruntime-web";
 * import { loadBert } from "senti-mlops/bert";
 *
 * const runtime: OrtLike = ort;
 * const model = await loadBert("https://huggingface.co/org/model", { runtime });
 * ```
 */
export interface OrtLike {
  readonly InferenceSession: {
    /** A session of the ONNX model in `model`: its bytes, or the path of its file on this machine. */
    create(model: Uint8Array | string, options?: OrtSessionOptionsLike): Promise<OrtSessionLike>;
  };
  readonly Tensor: {
    new (type: "int64", data: BigInt64Array, dims: readonly number[]): OrtTensorLike;
    new (type: "int32", data: Int32Array, dims: readonly number[]): OrtTensorLike;
  };
}
