/**
 * An ONNX Runtime session of a sequence classifier: checks that the model's inputs and outputs fit,
 * turns a batch of encodings into padded integer tensors, and returns the logits rows.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";
import type { BertEncoding } from "./bert-tokenizer.js";
import type { OrtLike, OrtSessionLike, OrtSessionOptionsLike, OrtTensorLike, OrtValueMetadataLike } from "./ort-like.js";

/** The inputs a BERT-family classifier may take; each is filled from the encodings. */
const KNOWN_INPUTS = ["input_ids", "attention_mask", "token_type_ids", "position_ids"] as const;
type KnownInput = (typeof KNOWN_INPUTS)[number];

/**
 * A classifier session.
 *
 * @example
 * ```ts
 * const session = await createBertSession(ort, bytes, { file: "onnx/model.onnx", source: "./model", numLabels: 2 });
 * const rows = await session.run([tokenizer.encode("Great movie!")]); // [Float64Array [-2.4, 2.3]]
 * await session.release();
 * ```
 */
export interface BertSession {
  /** The model's input names, as ONNX Runtime reports them. */
  readonly inputNames: readonly string[];
  /** The output the logits are read from. */
  readonly outputName: string;
  /** Logits for each encoding of the batch (one row of `numLabels` per encoding), padded per batch. */
  run(batch: readonly BertEncoding[]): Promise<Float64Array[]>;
  release(): Promise<void>;
}

/**
 * Options of {@link createBertSession}.
 *
 * @example
 * ```ts
 * const options: BertSessionOptions = { file: "onnx/model.onnx", source: "./model", numLabels: 2, sessionOptions: { intraOpNumThreads: 2 } };
 * ```
 */
export interface BertSessionOptions {
  /** The model file, for messages (`onnx/model.onnx`). */
  file: string;
  /** Where it came from, for messages. */
  source: string;
  /** The number of labels `config.json` names; the logits must have as many columns. */
  numLabels: number;
  /** Passed to `InferenceSession.create`. */
  sessionOptions?: OrtSessionOptionsLike;
  /** Each batch is padded to a multiple of this many tokens. @default 1 */
  padToMultipleOf?: number;
}

/** Whether this host stores integers little-endian (every mainstream one does). */
const LITTLE_ENDIAN = /* @__PURE__ */ new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function metadataOf(list: readonly OrtValueMetadataLike[] | undefined, name: string): OrtValueMetadataLike | undefined {
  return list?.find((m) => m.name === name);
}

/**
 * Creates a session from ONNX bytes, or from the ONNX file's path (the runtime reads the file
 * itself: onnxruntime-node then never holds it in JavaScript memory), and checks the model fits a
 * sequence classifier: it takes `input_ids` (and any of `attention_mask`, `token_type_ids`,
 * `position_ids`, nothing else), as int64 or int32, and has a `logits` output (or a single output)
 * of `numLabels` columns.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` listing the inputs and outputs found when they
 * do not fit, or when ONNX Runtime cannot load the model.
 *
 * @example
 * ```ts
 * const session = await createBertSession(ort, bytes, { file: "onnx/model.onnx", source: "./model", numLabels: 2 });
 * session.inputNames; // ["input_ids", "attention_mask", "token_type_ids"]
 * ```
 */
export async function createBertSession(ort: OrtLike, model: Uint8Array | string, options: BertSessionOptions): Promise<BertSession> {
  const { file, source } = options;
  let session: OrtSessionLike;
  try {
    session = await ort.InferenceSession.create(model, options.sessionOptions);
  } catch (e) {
    throw SentiMlopsError.invalidParameterValue(
      `ONNX Runtime cannot load ${file} of ${source}: ${(e as Error)?.message ?? e}`,
      { cause: e, component: "bert" },
    );
  }
  try {
    return checkSession(ort, session, options);
  } catch (e) {
    await session.release().catch(() => {});
    throw e;
  }
}

/** Checks a created session's inputs and outputs and wraps it. */
function checkSession(ort: OrtLike, session: OrtSessionLike, options: BertSessionOptions): BertSession {
  const { file, source, numLabels } = options;
  const multiple = options.padToMultipleOf ?? 1;
  const inputs = [...session.inputNames];
  const outputs = [...session.outputNames];
  const found = `inputs: ${inputs.join(", ") || "none"}; outputs: ${outputs.join(", ") || "none"}`;
  const unfit = (why: string): SentiMlopsError =>
    SentiMlopsError.invalidParameterValue(`${file} of ${source} is not a sequence classifier senti-mlops can run: ${why} (${found})`, { component: "bert" });

  if (!inputs.includes("input_ids")) throw unfit("it has no input_ids input");
  const unknown = inputs.filter((name) => !(KNOWN_INPUTS as readonly string[]).includes(name));
  if (unknown.length > 0) throw unfit(`it takes inputs senti-mlops cannot fill: ${unknown.join(", ")} (known: ${KNOWN_INPUTS.join(", ")})`);
  const int32 = new Set<string>();
  for (const name of inputs) {
    const type = metadataOf(session.inputMetadata, name)?.type;
    if (type === "int32") int32.add(name);
    else if (type !== undefined && type !== "int64") throw unfit(`input ${name} is ${type}, expected int64 or int32`);
  }

  const outputName = outputs.includes("logits") ? "logits" : outputs.length === 1 ? outputs[0]! : undefined;
  if (outputName === undefined) throw unfit("it has no logits output, and more than one output to choose from");
  const outputMeta = metadataOf(session.outputMetadata, outputName);
  const shape = outputMeta?.shape;
  if (outputMeta?.type !== undefined && !["float32", "float64"].includes(outputMeta.type)) {
    throw unfit(`output ${outputName} is ${outputMeta.type}, expected floating-point logits`);
  }
  if (shape !== undefined && shape.length > 0) {
    if (shape.length !== 2) throw unfit(`output ${outputName} has shape [${shape.join(", ")}], expected [batch, labels]`);
    if (typeof shape[1] === "number" && shape[1] !== numLabels) {
      throw unfit(`output ${outputName} has ${shape[1]} columns but config.json id2label names ${numLabels} labels`);
    }
  }

  const feeds = (batch: readonly BertEncoding[]): Record<string, OrtTensorLike> => {
    const rows = batch.length;
    // At least one column, so a text that encodes to no tokens at all still gets a (masked) row.
    let longest = 1;
    for (const e of batch) if (e.ids.length > longest) longest = e.ids.length;
    const width = Math.ceil(longest / multiple) * multiple;
    const fill = (name: KnownInput): OrtTensorLike => {
      // int64 inputs are written as the low 32-bit words of a BigInt64Array (values are small and
      // non-negative), which spares a BigInt per token; big-endian hosts convert value by value.
      const wide = int32.has(name) ? undefined : new BigInt64Array(rows * width);
      const values = wide && LITTLE_ENDIAN ? new Int32Array(wide.buffer) : new Int32Array(rows * width);
      const step = wide && LITTLE_ENDIAN ? 2 : 1;
      for (let r = 0; r < rows; r++) {
        const e = batch[r]!;
        const n = e.ids.length;
        const base = r * width * step;
        if (name === "input_ids") for (let j = 0; j < n; j++) values[base + j * step] = e.ids[j]!;
        else if (name === "attention_mask") for (let j = 0; j < n; j++) values[base + j * step] = 1;
        else if (name === "token_type_ids") for (let j = 0; j < n; j++) values[base + j * step] = e.typeIds[j]!;
        else for (let j = 0; j < n; j++) values[base + j * step] = j;
      }
      if (!wide) return new ort.Tensor("int32", values, [rows, width]);
      if (!LITTLE_ENDIAN) for (let i = 0; i < values.length; i++) wide[i] = BigInt(values[i]!);
      return new ort.Tensor("int64", wide, [rows, width]);
    };
    const out: Record<string, OrtTensorLike> = {};
    for (const name of inputs) out[name] = fill(name as KnownInput);
    return out;
  };

  return {
    inputNames: Object.freeze(inputs),
    outputName,
    async run(batch) {
      if (batch.length === 0) return [];
      const input = feeds(batch);
      let result: Record<string, OrtTensorLike>;
      try {
        result = await session.run(input);
      } catch (e) {
        const [rows, width] = input.input_ids!.dims;
        throw new SentiMlopsError("INTERNAL_ERROR", `ONNX Runtime failed on a batch of ${rows} × ${width} tokens of ${file}: ${(e as Error)?.message ?? e}`, { cause: e, component: "bert" });
      }
      const logits = result[outputName];
      for (const [name, tensor] of Object.entries(result)) if (name !== outputName) tensor.dispose?.();
      if (!logits) throw unfit(`run() returned no ${outputName}`);
      const dims = logits.dims;
      if (dims.length !== 2 || dims[0] !== batch.length || dims[1] !== numLabels) {
        logits.dispose?.();
        throw unfit(`output ${outputName} came back as [${dims.join(", ")}], expected [${batch.length}, ${numLabels}] (config.json id2label names ${numLabels} labels)`);
      }
      const data = logits.data as ArrayLike<number>;
      const rows: Float64Array[] = [];
      for (let r = 0; r < batch.length; r++) rows.push(Float64Array.from({ length: numLabels }, (_, c) => Number(data[r * numLabels + c])));
      logits.dispose?.();
      return rows;
    },
    release: () => session.release(),
  };
}
