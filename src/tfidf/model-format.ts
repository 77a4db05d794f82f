/**
 * The TF-IDF model file: a versioned binary format.
 *
 * ```
 * offset 0   8 bytes   magic "SENTITF\0"
 *        8   u32 LE    format version (2; version 1 files are still read)
 *       12   u32 LE    header length H
 *       16   H bytes   header: UTF-8 JSON (labels, options, shapes, info, section table)
 *            …         sections, each 8-byte aligned, little-endian:
 *                        vocabShared   u8 per term: code units shared with the previous term (≤ 255)
 *                        vocabLengths  u8 | u16 | u32 per term: code units after the shared prefix
 *                        vocabText     UTF-8 of every term's unshared rest, concatenated
 *                        idf           f64 | f32 | f16 | i8, one per term (empty without useIdf)
 *                        coef          f64 | f32 | f16 | i8, feature-major (W[j·k + c])
 *                        intercept     f64 | f32 | f16 | i8, one per weight column
 *  end − 32  32 bytes  SHA-256 of every byte before it
 * ```
 *
 * Each section's entry in the header's table gives its `offset` (from the first section), its
 * `length` in bytes and its `dtype`; an `i8` section also has `scales`, and element i stands for
 * `int8[i] · scales[i % scales.length]` (one scale per weight column: symmetric quantization).
 *
 * The vocabulary is sorted, so neighbours share long prefixes: front coding makes it about 40%
 * smaller gzipped than version 1's whole terms with u32 lengths (IMDB bigrams, 438,654 terms:
 * 1.69 → 1.01 MB). Weights are written in the narrowest dtype that holds every value exactly —
 * float64 for a trained model, narrower for one rounded by {@link compactTfidfModel} — so encoding
 * never loses anything and decoding always gives Float64Array weights.
 *
 * Version 1 (still read): no vocabShared section, u32 vocabLengths of whole terms, f64 weights and
 * no dtypes in the section table.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { SentiMlopsError } from "../errors.js";
import { decodeWeights, encodeWeights, type StoredDtype } from "./compact-weights.js";
import { LogisticRegression } from "./logistic-regression.js";
import { TfidfModel, type TfidfModelInfo } from "./model.js";
import type { ResolvedClassifierOptions, ResolvedVectorizerOptions } from "./options.js";
import { TfidfVectorizer } from "./vectorizer.js";

/**
 * The format version this build writes and the newest it reads.
 *
 * @example
 * ```ts
 * new DataView(bytes.buffer).getUint32(8, true) <= TFIDF_FORMAT_VERSION; // readable by this build
 * ```
 */
export const TFIDF_FORMAT_VERSION = 2;
const MAGIC = "SENTITF\0";
const DIGEST = 32;
/** Longest shared prefix vocabShared can say (u8). */
const MAX_SHARED = 255;

type SectionName = "vocabShared" | "vocabLengths" | "vocabText" | "idf" | "coef" | "intercept";
type LengthDtype = "u8" | "u16" | "u32";

interface Section {
  name: SectionName;
  offset: number;
  length: number;
  /** Version 2: the element type (absent in version 1: u32 lengths, f64 weights). */
  dtype?: StoredDtype | LengthDtype | "utf8";
  /** Version 2, `i8` sections: element i is `int8[i] · scales[i % scales.length]`. */
  scales?: number[];
}

interface Header {
  kind: "tfidf";
  labels: string[];
  vectorizer: ResolvedVectorizerOptions;
  classifier: ResolvedClassifierOptions;
  classes: number;
  features: number;
  info: TfidfModelInfo;
  sections: Section[];
}

const align8 = (n: number): number => (n + 7) & ~7;
const LENGTH_ARRAYS = { u8: Uint8Array, u16: Uint16Array, u32: Uint32Array } as const;

/** Front coding of a sorted vocabulary: shared prefix lengths, rest lengths, rest text. */
function encodeVocabulary(vocabulary: readonly string[]): { shared: Uint8Array; lengths: Uint8Array; lengthDtype: LengthDtype; text: Uint8Array } {
  const shared = new Uint8Array(vocabulary.length);
  const rests = new Array<string>(vocabulary.length);
  let previous = "";
  let longest = 0;
  vocabulary.forEach((term, i) => {
    const limit = Math.min(term.length, previous.length, MAX_SHARED);
    let k = 0;
    while (k < limit && term.charCodeAt(k) === previous.charCodeAt(k)) k++;
    // Never split a surrogate pair: the rest must be well-formed to survive UTF-8.
    if (k > 0 && k < term.length && (term.charCodeAt(k - 1) & 0xfc00) === 0xd800) k--;
    shared[i] = k;
    rests[i] = term.slice(k);
    longest = Math.max(longest, term.length - k);
    previous = term;
  });
  const lengthDtype: LengthDtype = longest <= 0xff ? "u8" : longest <= 0xffff ? "u16" : "u32";
  const lengths = new LENGTH_ARRAYS[lengthDtype](rests.length);
  rests.forEach((r, i) => (lengths[i] = r.length));
  return { shared, lengths: littleEndianBytes(lengths), lengthDtype, text: new TextEncoder().encode(rests.join("")) };
}

function littleEndianBytes(array: Uint8Array | Uint16Array | Uint32Array): Uint8Array {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  if (array.BYTES_PER_ELEMENT > 1 && new Uint8Array(Uint16Array.of(1).buffer)[0] === 0) {
    for (let i = 0; i < bytes.length; i += array.BYTES_PER_ELEMENT) bytes.subarray(i, i + array.BYTES_PER_ELEMENT).reverse();
  }
  return bytes;
}

/**
 * Serializes a model to bytes (format version {@link TFIDF_FORMAT_VERSION}). Lossless: each weight
 * array is stored in the narrowest type that holds all its values exactly, so a model from
 * {@link compactTfidfModel} takes 1, 2 or 4 bytes per weight and a trained one 8.
 *
 * @example
 * ```ts
 * const bytes = encodeTfidfModel(model);
 * const same = decodeTfidfModel(bytes);
 * ```
 */
export function encodeTfidfModel(model: TfidfModel): Uint8Array {
  const { vectorizer, classifier } = model;
  const width = classifier.classes === 2 ? 1 : classifier.classes;
  const vocabulary = encodeVocabulary(vectorizer.vocabulary);
  const idf = encodeWeights(vectorizer.idf ?? new Float64Array(0));
  const coef = encodeWeights(classifier.coef, width);
  const intercept = encodeWeights(classifier.intercept, width);
  const payloads: [Omit<Section, "offset" | "length">, Uint8Array][] = [
    [{ name: "vocabShared", dtype: "u8" }, vocabulary.shared],
    [{ name: "vocabLengths", dtype: vocabulary.lengthDtype }, vocabulary.lengths],
    [{ name: "vocabText", dtype: "utf8" }, vocabulary.text],
    ...([
      ["idf", idf],
      ["coef", coef],
      ["intercept", intercept],
    ] as const).map(([name, w]): [Omit<Section, "offset" | "length">, Uint8Array] => [
      { name, dtype: w.dtype, ...(w.scales ? { scales: w.scales } : {}) },
      w.bytes,
    ]),
  ];
  let offset = 0;
  const sections: Section[] = payloads.map(([entry, bytes]) => {
    const section = { ...entry, offset, length: bytes.length };
    offset = align8(offset + bytes.length);
    return section;
  });
  const header: Header = {
    kind: "tfidf",
    labels: [...model.labels],
    vectorizer: vectorizer.options,
    classifier: classifier.options,
    classes: classifier.classes,
    features: classifier.features,
    info: model.info,
    sections,
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const bodyStart = align8(16 + headerBytes.length);
  const out = new Uint8Array(bodyStart + offset + DIGEST);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, TFIDF_FORMAT_VERSION, true);
  view.setUint32(12, headerBytes.length, true);
  out.set(headerBytes, 16);
  payloads.forEach(([, bytes], i) => out.set(bytes, bodyStart + sections[i]!.offset));
  out.set(sha256(out.subarray(0, out.length - DIGEST)), out.length - DIGEST);
  return out;
}

function corrupt(message: string, cause?: unknown): SentiMlopsError {
  return new SentiMlopsError("DATA_LOSS", `${message}`, { cause, component: "tfidf" });
}

/** Reads unsigned lengths of the given dtype (little-endian) into a plain array. */
function readLengths(bytes: Uint8Array, dtype: LengthDtype): Uint32Array {
  const size = LENGTH_ARRAYS[dtype].BYTES_PER_ELEMENT;
  if (bytes.length % size !== 0) throw corrupt(`model file's vocabLengths section (${bytes.length} bytes) does not hold ${dtype} values`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint32Array(bytes.length / size);
  for (let i = 0; i < out.length; i++) out[i] = size === 1 ? bytes[i]! : size === 2 ? view.getUint16(2 * i, true) : view.getUint32(4 * i, true);
  return out;
}

/**
 * Reads a model from bytes written by {@link encodeTfidfModel}: format version 2, or version 1
 * (files written before weights could be compacted).
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` when the bytes are not a TF-IDF model file or
 * were written by a newer format version; `DATA_LOSS` when the file is truncated or corrupt.
 *
 * @example
 * ```ts
 * const model = decodeTfidfModel(new Uint8Array(await (await fetch("/model.bin")).arrayBuffer()));
 * ```
 */
export function decodeTfidfModel(input: Uint8Array | ArrayBuffer): TfidfModel {
  // A plain Uint8Array view, so that slice() copies even when given a Node Buffer (whose slice is a view).
  const bytes = input instanceof Uint8Array ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(input);
  const magicOk = bytes.length >= 8 && Array.from(MAGIC).every((ch, i) => bytes[i] === ch.charCodeAt(0));
  if (!magicOk) {
    throw SentiMlopsError.invalidParameterValue("not a senti-mlops TF-IDF model file (bad magic bytes)", { component: "tfidf" });
  }
  if (bytes.length < 16 + DIGEST) throw corrupt(`truncated model file: ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version > TFIDF_FORMAT_VERSION || version === 0) {
    throw SentiMlopsError.invalidParameterValue(
      `model file format version ${version} is not supported (this build reads versions 1–${TFIDF_FORMAT_VERSION}); upgrade senti-mlops`,
      { component: "tfidf" },
    );
  }
  const headerLength = view.getUint32(12, true);
  if (16 + headerLength + DIGEST > bytes.length) {
    throw corrupt(`truncated model file: header needs ${16 + headerLength} bytes, file has ${bytes.length}`);
  }
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(16, 16 + headerLength)));
  } catch (e) {
    throw corrupt("model file header is not valid JSON", e);
  }
  if (!Array.isArray(header?.sections)) throw corrupt("model file header lacks its section table");
  const bodyStart = align8(16 + headerLength);
  const expectedLength = bodyStart + Math.max(0, ...header.sections.map((s) => align8(s.offset + s.length))) + DIGEST;
  if (!Number.isSafeInteger(expectedLength)) throw corrupt("model file's section table is invalid");
  if (bytes.length < expectedLength) {
    throw corrupt(`truncated model file: expected ${expectedLength} bytes, got ${bytes.length}`);
  }
  if (bytes.length > expectedLength) throw corrupt(`model file has ${bytes.length - expectedLength} unexpected trailing bytes`);
  const digest = sha256(bytes.subarray(0, bytes.length - DIGEST));
  const stored = bytes.subarray(bytes.length - DIGEST);
  if (!digest.every((b, i) => b === stored[i])) throw corrupt("model file is corrupt: SHA-256 checksum mismatch");

  const entry = (name: SectionName): Section => {
    const s = header.sections.find((x) => x.name === name);
    if (!s) throw corrupt(`model file lacks the ${name} section`);
    return s;
  };
  const section = (name: SectionName): Uint8Array => {
    const s = entry(name);
    return bytes.slice(bodyStart + s.offset, bodyStart + s.offset + s.length);
  };
  const weights = (name: "idf" | "coef" | "intercept", expected: number): Float64Array => {
    const { dtype, scales } = entry(name);
    const values = decodeWeights(section(name), version === 1 ? "f64" : (dtype as StoredDtype), scales, name);
    if (values.length !== expected) throw corrupt(`model file's ${name} section has ${values.length} values, expected ${expected}`);
    return values;
  };

  const v1 = version === 1;
  const lengthDtype = v1 ? "u32" : entry("vocabLengths").dtype;
  if (lengthDtype !== "u8" && lengthDtype !== "u16" && lengthDtype !== "u32") {
    throw corrupt(`model file's vocabLengths section has an unknown dtype ${JSON.stringify(lengthDtype)}`);
  }
  const lengths = readLengths(section("vocabLengths"), lengthDtype);
  const shared = v1 ? new Uint8Array(lengths.length) : section("vocabShared");
  if (shared.length !== lengths.length || lengths.length !== header.features) throw corrupt("vocabulary does not match the header");
  const text = new TextDecoder().decode(section("vocabText"));
  const vocabulary = new Array<string>(lengths.length);
  let at = 0;
  let previous = "";
  for (let i = 0; i < lengths.length; i++) {
    if (shared[i]! > previous.length) throw corrupt(`vocabulary term ${i} shares ${shared[i]} characters with a shorter term`);
    previous = vocabulary[i] = (shared[i] ? previous.slice(0, shared[i]) : "") + text.slice(at, at + lengths[i]!);
    at += lengths[i]!;
  }
  if (at !== text.length) throw corrupt("vocabulary does not match the header");
  const width = header.classes === 2 ? 1 : header.classes;
  const vectorizer = new TfidfVectorizer({
    options: Object.freeze(header.vectorizer),
    vocabulary: Object.freeze(vocabulary),
    idf: header.vectorizer.useIdf ? weights("idf", header.features) : null,
  });
  const classifier = new LogisticRegression({
    options: Object.freeze(header.classifier),
    classes: header.classes,
    features: header.features,
    coef: weights("coef", header.features * width),
    intercept: weights("intercept", width),
  });
  return new TfidfModel({ labels: header.labels, vectorizer, classifier, info: header.info });
}
