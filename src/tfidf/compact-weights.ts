/**
 * Narrow number types for model weights: float32, float16 and int8 with a scale, each as a
 * rounding function (what {@link compactTfidfModel} applies to a model's Float64Array weights) and
 * as a byte codec (what the model file stores). The two agree exactly: a value rounded to a type
 * is written in that type and read back as the same Float64 number, so the model file stays
 * lossless and a loaded model predicts exactly as the compacted one did.
 *
 * Float16 is coded by hand: `Float16Array` and `Math.f16round` are not in Node 20 (its V8, 11.3,
 * predates them; V8 shipped them in 2025), nor in every browser a page may meet.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";

/**
 * The precision of a weight array: `float64` (full), `float32`, `float16`, or `int8` — symmetric
 * linear quantization with one scale per class (per weight column), 127 steps each side of zero.
 *
 * @example
 * ```ts
 * const precision: WeightPrecision = "int8";
 * compactTfidfModel(model, { weights: precision });
 * ```
 */
export type WeightPrecision = "float64" | "float32" | "float16" | "int8";

/** The precisions, narrowest first. */
export const WEIGHT_PRECISIONS: readonly WeightPrecision[] = Object.freeze(["int8", "float16", "float32", "float64"]);

/** How a weight section is stored in a version-2 model file. */
export type StoredDtype = "i8" | "f16" | "f32" | "f64";

/** Bytes per element of each stored dtype. */
export const DTYPE_BYTES: Readonly<Record<StoredDtype, number>> = Object.freeze({ i8: 1, f16: 2, f32: 4, f64: 8 });

const DTYPE_OF: Readonly<Record<WeightPrecision, StoredDtype>> = Object.freeze({ int8: "i8", float16: "f16", float32: "f32", float64: "f64" });

// ---------------------------------------------------------------------------------------------
// float16

const MAX_FLOAT16 = 65504;

/** Rounds half to even (Math.round rounds half up). */
function roundHalfEven(q: number): number {
  const r = Math.round(q);
  return r - q === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The IEEE 754 binary16 bits of the float16 value nearest to `x` (ties to even; beyond the float16
 * range: ±Infinity).
 */
export function toFloat16Bits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | 0x7c00;
  if (a < 2 ** -14) {
    // Subnormal (or zero): multiples of 2^-24. A result of 1024 is the smallest normal, 0x0400.
    return sign | roundHalfEven(a * 2 ** 24);
  }
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  let m = roundHalfEven(a * 2 ** (10 - e)); // in [1024, 2048]; the scaling is exact
  if (m === 2048) {
    m = 1024;
    e++;
  }
  if (e > 15) return sign | 0x7c00;
  return sign | ((e + 15) << 10) | (m - 1024);
}

/** The number whose IEEE 754 binary16 bits are `h`. */
export function fromFloat16Bits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * (1024 + m) * 2 ** (e - 25);
}

/** `x` rounded to the nearest float16 value. */
export function roundFloat16(x: number): number {
  return fromFloat16Bits(toFloat16Bits(x));
}

// ---------------------------------------------------------------------------------------------
// int8

/**
 * The int8 scale of values whose largest magnitude is `max`: max/127, rounded to float32 so that
 * every q · scale (|q| ≤ 127) is exact in float64 and the scale is recovered exactly from the
 * rounded values (127 · scale / 127 === scale).
 */
function int8Scale(max: number): number {
  return Math.fround(max / 127);
}

/** One int8 scale per column of `values` (element i belongs to column i % width). */
function int8Scales(values: Float64Array, width: number): number[] {
  const max = new Array<number>(width).fill(0);
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (a > max[i % width]!) max[i % width] = a;
  }
  return max.map(int8Scale);
}

function quantize(x: number, scale: number): number {
  if (scale === 0) return 0;
  const q = Math.max(-127, Math.min(127, Math.round(x / scale)));
  return q === 0 ? 0 : q; // not −0: an int8 has no −0, and the file must give back exactly these values

}

// ---------------------------------------------------------------------------------------------
// rounding (compaction) and coding (the model file)

/**
 * A copy of `values` rounded to `precision`; `width` is the number of int8 scales (one per column
 * of a feature-major matrix, element i in column i % width).
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` for float16 when a value is beyond ±65504.
 */
export function roundWeights(values: Float64Array, precision: WeightPrecision, width = 1, what = "weights"): Float64Array {
  const out = new Float64Array(values.length);
  switch (precision) {
    case "float64":
      out.set(values);
      break;
    case "float32":
      for (let i = 0; i < values.length; i++) out[i] = Math.fround(values[i]!);
      break;
    case "float16":
      for (let i = 0; i < values.length; i++) {
        if (Math.abs(values[i]!) > MAX_FLOAT16) {
          throw SentiMlopsError.invalidParameterValue(`${what} value ${values[i]} at ${i} is beyond the float16 range (±65504)`, {
            component: "tfidf",
          });
        }
        out[i] = roundFloat16(values[i]!);
      }
      break;
    case "int8": {
      const scales = int8Scales(values, width);
      for (let i = 0; i < values.length; i++) {
        const scale = scales[i % width]!;
        out[i] = quantize(values[i]!, scale) * scale;
      }
      break;
    }
  }
  return out;
}

/** A weight section as stored: its dtype, its bytes, and for int8 its scales. */
export interface EncodedWeights {
  readonly dtype: StoredDtype;
  readonly bytes: Uint8Array;
  readonly scales?: number[];
}

function fitsInt8(values: Float64Array, width: number): number[] | null {
  if (values.some((v) => !Number.isFinite(v))) return null;
  const scales = int8Scales(values, width);
  for (let i = 0; i < values.length; i++) {
    const scale = scales[i % width]!;
    if (quantize(values[i]!, scale) * scale !== values[i]) return null;
  }
  return scales;
}

/**
 * Encodes `values` in the narrowest dtype that holds every one of them exactly (never lossy):
 * int8 with one scale per column, then float16, float32, float64.
 */
export function encodeWeights(values: Float64Array, width = 1): EncodedWeights {
  const n = values.length;
  const scales = n > 0 ? fitsInt8(values, width) : null;
  if (scales) {
    const q = new Int8Array(n);
    for (let i = 0; i < n; i++) q[i] = quantize(values[i]!, scales[i % width]!);
    return { dtype: "i8", bytes: new Uint8Array(q.buffer), scales };
  }
  if (values.every((v) => roundFloat16(v) === v || Number.isNaN(v))) {
    const h = Uint16Array.from(values, toFloat16Bits);
    return { dtype: "f16", bytes: littleEndian(new Uint8Array(h.buffer), 2) };
  }
  if (values.every((v) => Math.fround(v) === v || Number.isNaN(v))) {
    return { dtype: "f32", bytes: littleEndian(new Uint8Array(Float32Array.from(values).buffer), 4) };
  }
  return { dtype: "f64", bytes: littleEndian(new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice(), 8) };
}

/**
 * Decodes a weight section to Float64Array.
 *
 * @throws {SentiMlopsError} `DATA_LOSS` when the section's length or scales do not fit its dtype.
 */
export function decodeWeights(bytes: Uint8Array, dtype: StoredDtype, scales: readonly number[] | undefined, name: string): Float64Array {
  const size = DTYPE_BYTES[dtype];
  if (size === undefined || bytes.length % size !== 0) {
    throw new SentiMlopsError("DATA_LOSS", `model file's ${name} section (${bytes.length} bytes) does not hold ${String(dtype)} values`, {
      component: "tfidf",
    });
  }
  const n = bytes.length / size;
  const own = littleEndian(bytes.slice(), size); // a copy, aligned at 0
  switch (dtype) {
    case "f64":
      return new Float64Array(own.buffer, 0, n);
    case "f32":
      return Float64Array.from(new Float32Array(own.buffer, 0, n));
    case "f16":
      return Float64Array.from(new Uint16Array(own.buffer, 0, n), fromFloat16Bits);
    case "i8": {
      if (!Array.isArray(scales) || scales.length === 0 || !scales.every((s) => typeof s === "number" && Number.isFinite(s) && s >= 0)) {
        throw new SentiMlopsError("DATA_LOSS", `model file's ${name} section is int8 but its scales are missing or invalid`, { component: "tfidf" });
      }
      const q = new Int8Array(own.buffer, 0, n);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = q[i]! * scales[i % scales.length]!;
      return out;
    }
  }
}

/** The stored dtype of a precision. */
export function storedDtype(precision: WeightPrecision): StoredDtype {
  return DTYPE_OF[precision];
}

const BIG_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 0;

/** The bytes in little-endian order (swapped in place on a big-endian host, where typed arrays are big-endian). */
function littleEndian(bytes: Uint8Array, size: number): Uint8Array {
  if (BIG_ENDIAN && size > 1) {
    for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
  }
  return bytes;
}
