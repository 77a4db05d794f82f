/**
 * ONNX models saved with external data (`onnx.save_model(..., save_as_external_data=True)`, which
 * `mlflow.onnx.log_model` does by default): the tensors' bytes sit in files beside `model.onnx`,
 * which names them. ONNX Runtime for Node opens such a model only from its path, so a model read as
 * bytes (from an artifact store) gets its external tensors put back inline here — a rewrite of the
 * protobuf that copies every other byte as it is.
 *
 * Written by hand, not with a protobuf library (protobufjs and the onnx.proto schema): decoding
 * and re-encoding would materialize every tensor of the model as objects only to copy them back,
 * and would add a code generator or a schema loader to what browsers download. Only the few
 * fields on the path to a tensor are read here; everything else is copied byte for byte.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";

// The messages that hold tensors, as field number → the message type of that field (onnx.proto).
// TensorProto is the leaf: raw_data = 9, external_data = 13 (StringStringEntryProto: key = 1,
// value = 2), data_location = 14 (EXTERNAL = 1).
type Schema = { readonly [field: number]: Schema | "tensor" };
const SPARSE: Schema = { 1: "tensor", 2: "tensor" };
const GRAPH: { [field: number]: Schema | "tensor" } = { 5: "tensor", 15: SPARSE };
const ATTRIBUTE: Schema = { 5: "tensor", 6: GRAPH, 10: "tensor", 11: GRAPH, 22: SPARSE, 23: SPARSE };
const NODE: Schema = { 5: ATTRIBUTE };
GRAPH[1] = NODE;
const MODEL: Schema = { 7: GRAPH, 20: { 1: GRAPH, 2: GRAPH }, 25: { 7: NODE, 11: ATTRIBUTE } };

const RAW_DATA = 9;
const EXTERNAL_DATA = 13;
const DATA_LOCATION = 14;
const EXTERNAL = 1;

interface Field {
  readonly number: number;
  readonly wireType: number;
  /** The whole field (key included), in the message's bytes. */
  readonly start: number;
  readonly end: number;
  /** A length-delimited field's payload, or a varint's value. */
  readonly payloadStart: number;
  readonly value: number;
}

const malformed = (what: string, source: string): SentiMlopsError =>
  SentiMlopsError.invalidParameterValue(`${source} is not a valid ONNX model: ${what}`, { component: "models" });

function readVarint(bytes: Uint8Array, at: number, source: string): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length && i < at + 10; i++) {
    const b = bytes[i]!;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if (b < 0x80) return [value, i + 1];
  }
  throw malformed(`truncated varint at byte ${at}`, source);
}

function* fields(bytes: Uint8Array, start: number, end: number, source: string): Generator<Field> {
  let at = start;
  while (at < end) {
    const [key, afterKey] = readVarint(bytes, at, source);
    const number = Math.floor(key / 8);
    const wireType = key % 8;
    let next: number;
    let value = 0;
    let payloadStart = afterKey;
    if (wireType === 0) [value, next] = readVarint(bytes, afterKey, source);
    else if (wireType === 1) next = afterKey + 8;
    else if (wireType === 5) next = afterKey + 4;
    else if (wireType === 2) {
      [value, payloadStart] = readVarint(bytes, afterKey, source);
      next = payloadStart + value;
    } else throw malformed(`unsupported wire type ${wireType} at byte ${at}`, source);
    if (next > end) throw malformed(`field ${number} at byte ${at} runs past its message`, source);
    yield { number, wireType, start: at, end: next, payloadStart, value };
    at = next;
  }
}

function varintBytes(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 128) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** Where one external tensor's bytes are: a file beside the model, a byte range of it. */
interface ExternalRef {
  readonly location: string;
  readonly offset: number;
  readonly length: number | undefined;
}

function externalRef(bytes: Uint8Array, tensor: Field, source: string): ExternalRef | undefined {
  let external = false;
  const entries = new Map<string, string>();
  const decoder = new TextDecoder();
  for (const f of fields(bytes, tensor.payloadStart, tensor.end, source)) {
    if (f.number === DATA_LOCATION && f.wireType === 0) external = f.value === EXTERNAL;
    else if (f.number === EXTERNAL_DATA && f.wireType === 2) {
      let key = "";
      let value = "";
      for (const e of fields(bytes, f.payloadStart, f.end, source)) {
        if (e.wireType !== 2) continue;
        const text = decoder.decode(bytes.subarray(e.payloadStart, e.end));
        if (e.number === 1) key = text;
        else if (e.number === 2) value = text;
      }
      entries.set(key, value);
    }
  }
  if (!external) return undefined;
  const location = entries.get("location");
  if (!location) throw malformed(`a tensor at byte ${tensor.start} has external data without a location`, source);
  const number = (key: string): number | undefined => {
    const text = entries.get(key);
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text)) throw malformed(`a tensor's external data ${key} is ${JSON.stringify(text)}`, source);
    return Number(text);
  };
  return { location, offset: number("offset") ?? 0, length: number("length") };
}

/** Calls `onTensor` for every external tensor; returns the rewritten message, or `null` when nothing changed. */
function rewrite(
  bytes: Uint8Array,
  start: number,
  end: number,
  schema: Schema,
  source: string,
  onTensor: (ref: ExternalRef) => Uint8Array | undefined,
): Uint8Array[] | null {
  const parts: Uint8Array[] = [];
  let copied = start;
  let changed = false;
  for (const f of fields(bytes, start, end, source)) {
    const type = schema[f.number];
    if (type === undefined || f.wireType !== 2) continue;
    let inner: Uint8Array[] | null;
    if (type === "tensor") {
      const ref = externalRef(bytes, f, source);
      const data = ref ? onTensor(ref) : undefined;
      if (!data) continue;
      // The tensor without its external_data and data_location, with raw_data added.
      inner = [];
      let at = f.payloadStart;
      for (const t of fields(bytes, f.payloadStart, f.end, source)) {
        if (t.number === EXTERNAL_DATA || t.number === DATA_LOCATION || t.number === RAW_DATA) {
          inner.push(bytes.subarray(at, t.start));
          at = t.end;
        }
      }
      inner.push(bytes.subarray(at, f.end), varintBytes(RAW_DATA * 8 + 2), varintBytes(data.byteLength), data);
    } else {
      inner = rewrite(bytes, f.payloadStart, f.end, type, source, onTensor);
      if (!inner) continue;
    }
    const length = inner.reduce((n, p) => n + p.byteLength, 0);
    parts.push(bytes.subarray(copied, f.start), varintBytes(f.number * 8 + 2), varintBytes(length), ...inner);
    copied = f.end;
    changed = true;
  }
  if (!changed) return null;
  parts.push(bytes.subarray(copied, end));
  return parts;
}

/**
 * The files an ONNX model's external tensors are in (`location`s, relative to the model file's
 * folder), in order of first use; empty for a model that holds all its tensors.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` when the bytes are not an ONNX model's protobuf.
 *
 * @example
 * ```ts
 * externalDataFiles(await read("model.onnx"), "model.onnx"); // ["model.onnx.data"], or []
 * ```
 */
export function externalDataFiles(model: Uint8Array, source: string): string[] {
  const locations = new Set<string>();
  rewrite(model, 0, model.byteLength, MODEL, source, (ref) => {
    locations.add(ref.location);
    return undefined;
  });
  return [...locations];
}

/**
 * The ONNX model with every external tensor's bytes inline (`raw_data`), read from `files` (by
 * `location`); the model itself when it has none. The result must stay under protobuf's 2 GiB.
 *
 * @throws {SentiMlopsError} `DATA_LOSS` when a location is missing from `files` or a tensor's
 * offset and length run past its file; `INVALID_PARAMETER_VALUE` when the bytes are not an ONNX
 * model's protobuf, or the inlined model would pass 2 GiB.
 *
 * @example
 * ```ts
 * const model = await read("model.onnx");
 * const data = new Map(await Promise.all(externalDataFiles(model, "model.onnx").map(async (p) => [p, await read(p)] as const)));
 * const inline = inlineExternalData(model, data, "model.onnx");
 * ```
 */
export function inlineExternalData(model: Uint8Array, files: ReadonlyMap<string, Uint8Array>, source: string): Uint8Array {
  const parts = rewrite(model, 0, model.byteLength, MODEL, source, (ref) => {
    const file = files.get(ref.location);
    if (!file) throw new SentiMlopsError("DATA_LOSS", `${ref.location}, the external data of ${source}, was not read`, { component: "models" });
    const end = ref.length === undefined ? file.byteLength : ref.offset + ref.length;
    if (ref.offset > file.byteLength || end > file.byteLength) {
      throw new SentiMlopsError(
        "DATA_LOSS",
        `${ref.location} (${file.byteLength} bytes) is shorter than a tensor of ${source} needs (bytes ${ref.offset}–${end}): the external data is truncated or from another model`,
        { component: "models" },
      );
    }
    return file.subarray(ref.offset, end);
  });
  if (!parts) return model;
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  if (total >= 2 ** 31) {
    throw SentiMlopsError.invalidParameterValue(`${source} with its external data inline would be ${total} bytes, past protobuf's 2 GiB`, { component: "models" });
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
