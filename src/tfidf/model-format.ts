/**
 * The TF-IDF model file: a versioned binary format.
 *
 * ```
 * offset 0   8 bytes   magic "SENTITF\0"
 *        8   u32 LE    format version (1)
 *       12   u32 LE    header length H
 *       16   H bytes   header: UTF-8 JSON (labels, options, shapes, info, section table)
 *            …         sections, each 8-byte aligned: vocabulary lengths (u32), vocabulary text
 *                      (UTF-8), idf (f64), coef (f64), intercept (f64), all little-endian
 *  end − 32  32 bytes  SHA-256 of every byte before it
 * ```
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { SentiMlopsError } from "../errors.js";
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
export const TFIDF_FORMAT_VERSION = 1;
const MAGIC = "SENTITF\0";
const DIGEST = 32;

interface Section {
  name: "vocabLengths" | "vocabText" | "idf" | "coef" | "intercept";
  offset: number;
  length: number;
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

/**
 * Serializes a model to bytes.
 *
 * @example
 * ```ts
 * const bytes = encodeTfidfModel(model);
 * const same = decodeTfidfModel(bytes);
 * ```
 */
export function encodeTfidfModel(model: TfidfModel): Uint8Array {
  const { vectorizer, classifier } = model;
  const encoder = new TextEncoder();
  const vocabText = encoder.encode(vectorizer.vocabulary.join(""));
  const vocabLengths = Uint32Array.from(vectorizer.vocabulary, (t) => t.length);
  const payloads: [Section["name"], Uint8Array][] = [
    ["vocabLengths", new Uint8Array(vocabLengths.buffer)],
    ["vocabText", vocabText],
    ["idf", vectorizer.idf ? new Uint8Array(vectorizer.idf.buffer, vectorizer.idf.byteOffset, vectorizer.idf.byteLength) : new Uint8Array(0)],
    ["coef", new Uint8Array(classifier.coef.buffer, classifier.coef.byteOffset, classifier.coef.byteLength)],
    ["intercept", new Uint8Array(classifier.intercept.buffer, classifier.intercept.byteOffset, classifier.intercept.byteLength)],
  ];
  let offset = 0;
  const sections: Section[] = payloads.map(([name, bytes]) => {
    const section = { name, offset, length: bytes.length };
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
  const headerBytes = encoder.encode(JSON.stringify(header));
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

/**
 * Reads a model from bytes written by {@link encodeTfidfModel}.
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
  const bodyStart = align8(16 + headerLength);
  const expectedLength =
    bodyStart + Math.max(0, ...(header.sections ?? []).map((s) => align8(s.offset + s.length))) + DIGEST;
  if (bytes.length < expectedLength) {
    throw corrupt(`truncated model file: expected ${expectedLength} bytes, got ${bytes.length}`);
  }
  if (bytes.length > expectedLength) throw corrupt(`model file has ${bytes.length - expectedLength} unexpected trailing bytes`);
  const digest = sha256(bytes.subarray(0, bytes.length - DIGEST));
  const stored = bytes.subarray(bytes.length - DIGEST);
  if (!digest.every((b, i) => b === stored[i])) throw corrupt("model file is corrupt: SHA-256 checksum mismatch");

  const section = (name: Section["name"]): Uint8Array => {
    const s = header.sections.find((x) => x.name === name);
    if (!s) throw corrupt(`model file lacks the ${name} section`);
    return bytes.slice(bodyStart + s.offset, bodyStart + s.offset + s.length);
  };
  const f64 = (name: Section["name"]): Float64Array => {
    const b = section(name);
    return new Float64Array(b.buffer, 0, b.length / 8);
  };
  const lengths = new Uint32Array(section("vocabLengths").buffer);
  const text = new TextDecoder().decode(section("vocabText"));
  const vocabulary = new Array<string>(lengths.length);
  let at = 0;
  for (let i = 0; i < lengths.length; i++) {
    vocabulary[i] = text.slice(at, at + lengths[i]!);
    at += lengths[i]!;
  }
  if (at !== text.length || vocabulary.length !== header.features) throw corrupt("vocabulary does not match the header");
  const idf = f64("idf");
  const vectorizer = new TfidfVectorizer({
    options: Object.freeze(header.vectorizer),
    vocabulary: Object.freeze(vocabulary),
    idf: header.vectorizer.useIdf ? idf : null,
  });
  const classifier = new LogisticRegression({
    options: Object.freeze(header.classifier),
    classes: header.classes,
    features: header.features,
    coef: f64("coef"),
    intercept: f64("intercept"),
  });
  return new TfidfModel({ labels: header.labels, vectorizer, classifier, info: header.info });
}
