/**
 * The digest MLflow gives a pandas DataFrame (`mlflow.data.from_pandas(df).digest`,
 * `mlflow/data/digest_utils.py: compute_pandas_digest`), computed here without pandas, so that a
 * dataset logged by senti-mlops and the same file logged from Python carry the same digest in the
 * MLflow UI's Datasets column.
 *
 * MLflow hashes the first 10,000 rows with `pandas.util.hash_pandas_object` (its columns of strings
 * and numbers, and the row index), then feeds the row hashes, the row count and the column names to
 * MD5 and keeps 8 hex digits. pandas hashes a string with SipHash-2-4 under the key
 * `"0123456789123456"` and an integer by its 64 bits, each then mixed by splitmix64's finalizer; a
 * row combines its columns' hashes as CPython's tuple hash does.
 *
 * @module
 */
import { md5 } from "@noble/hashes/legacy.js";
import { SentiMlopsError } from "../errors.js";

/**
 * One column of a table: its name and its values, all strings or all integers (as `pandas.read_csv`
 * reads a text column and a 0/1 label column).
 *
 * @example
 * ```ts
 * const column: DigestColumn = { name: "label", values: [1, 0, 1] };
 * ```
 */
export interface DigestColumn {
  /** The column's name (MLflow hashes the names too). */
  readonly name: string;
  /** One value per row: all strings, or all integers. */
  readonly values: readonly (string | number)[];
}

/** MLflow hashes at most this many rows (`digest_utils.MAX_ROWS`). */
const MAX_ROWS = 10_000;
const M64 = (1n << 64n) - 1n;
const u64 = (x: bigint): bigint => x & M64;
const rotl = (x: bigint, b: bigint): bigint => u64((x << b) | (x >> (64n - b)));

/** pandas' `_default_hash_key`, "0123456789123456", as SipHash's two 64-bit key words. */
const KEY = new TextEncoder().encode("0123456789123456");
const readLe64 = (bytes: Uint8Array, at: number): bigint => {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i]!);
  return v;
};
const K0 = readLe64(KEY, 0);
const K1 = readLe64(KEY, 8);

/** SipHash-2-4 of `bytes` under pandas' key (pandas/_libs/hashing.pyx). */
function siphash(bytes: Uint8Array): bigint {
  let v0 = K0 ^ 0x736f6d6570736575n;
  let v1 = K1 ^ 0x646f72616e646f6dn;
  let v2 = K0 ^ 0x6c7967656e657261n;
  let v3 = K1 ^ 0x7465646279746573n;
  const round = (): void => {
    v0 = u64(v0 + v1);
    v1 = rotl(v1, 13n) ^ v0;
    v0 = rotl(v0, 32n);
    v2 = u64(v2 + v3);
    v3 = rotl(v3, 16n) ^ v2;
    v0 = u64(v0 + v3);
    v3 = rotl(v3, 21n) ^ v0;
    v2 = u64(v2 + v1);
    v1 = rotl(v1, 17n) ^ v2;
    v2 = rotl(v2, 32n);
  };
  const n = bytes.length;
  const whole = n - (n % 8);
  for (let at = 0; at < whole; at += 8) {
    const m = readLe64(bytes, at);
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
  let last = BigInt(n & 0xff) << 56n;
  for (let i = n - 1; i >= whole; i--) last |= BigInt(bytes[i]!) << BigInt(8 * (i - whole));
  v3 ^= last;
  round();
  round();
  v0 ^= last;
  v2 ^= 0xffn;
  round();
  round();
  round();
  round();
  return v0 ^ v1 ^ v2 ^ v3;
}

/** The finalizer pandas applies to every element hash (`_hash_ndarray`). */
function mix(x: bigint): bigint {
  x ^= x >> 30n;
  x = u64(x * 0xbf58476d1ce4e5b9n);
  x ^= x >> 27n;
  x = u64(x * 0x94d049bb133111ebn);
  return x ^ (x >> 31n);
}

const encoder = new TextEncoder();
const hashValue = (v: string | number): bigint => mix(typeof v === "string" ? siphash(encoder.encode(v)) : BigInt.asUintN(64, BigInt(v)));

/** Row hashes of `columns` plus the index, combined as `pandas.core.util.hashing.combine_hash_arrays`. */
function rowHashes(columns: readonly DigestColumn[], rows: number): BigUint64Array {
  const out = new BigUint64Array(rows);
  const items = columns.length + 1;
  for (let r = 0; r < rows; r++) {
    let h = 0x345678n;
    let mult = 1000003n;
    for (let i = 0; i < items; i++) {
      // The index (a RangeIndex 0, 1, …) is hashed last, as an int64 column.
      const a = i < columns.length ? hashValue(columns[i]!.values[r]!) : mix(BigInt(r));
      h = u64((h ^ a) * mult);
      const inverse = BigInt(items - i);
      mult = u64(mult + 82520n + inverse + inverse);
    }
    out[r] = u64(h + 97531n);
  }
  return out;
}

/** The order pandas' `Index.union` gives the hashed columns: sorted when both kinds are present. */
function hashedColumns(columns: readonly DigestColumn[]): DigestColumn[] {
  const strings = columns.filter((c) => c.values.every((v) => typeof v === "string"));
  const numbers = columns.filter((c) => c.values.length > 0 && c.values.every((v) => typeof v === "number"));
  if (strings.length === 0) return numbers;
  if (numbers.length === 0) return strings;
  return [...strings, ...numbers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * MLflow's digest of a pandas DataFrame with these columns (in this order), as
 * `mlflow.data.from_pandas(df).digest` computes it: 8 hex digits.
 *
 * Integers are hashed as pandas' int64; a column is hashed only when all its values are strings
 * or all are numbers (as MLflow keeps string and numeric columns only).
 *
 * MLflow hashes only the first 10,000 rows (and the row count), so a long table can be given by its
 * head: `totalRows` is then the table's row count, and the columns hold its first
 * `min(totalRows, 10000)` rows or more.
 *
 * @param totalRows - the table's row count when the columns hold only its first rows (default:
 * the columns' length)
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` when the columns differ in length, a
 * number is not a safe integer, or `totalRows` does not fit the columns.
 *
 * @example
 * ```ts
 * pandasDigest([{ name: "text", values: ["great", "dull"] }, { name: "label", values: [1, 0] }]); // 8 hex digits
 * // Python: mlflow.data.from_pandas(pd.DataFrame({"text": ["great", "dull"], "label": [1, 0]})).digest — the same
 * pandasDigest([{ name: "text", values: first10k.map((r) => r.text) }, { name: "label", values: first10k.map((r) => r.label) }], 25_000);
 * // the digest of all 25,000 rows, from their first 10,000
 * ```
 */
export function pandasDigest(columns: readonly DigestColumn[], totalRows?: number): string {
  const given = columns[0]?.values.length ?? 0;
  for (const c of columns) {
    if (c.values.length !== given) {
      throw SentiMlopsError.invalidParameterValue(`column ${JSON.stringify(c.name)} has ${c.values.length} values, column ${JSON.stringify(columns[0]!.name)} ${given}`, { component: "tracking" });
    }
    const bad = c.values.find((v) => typeof v === "number" && !Number.isSafeInteger(v));
    if (bad !== undefined) {
      throw SentiMlopsError.invalidParameterValue(`column ${JSON.stringify(c.name)}: ${bad} is not an integer (the digest hashes integer columns only)`, { component: "tracking" });
    }
  }
  if (totalRows !== undefined && (!Number.isSafeInteger(totalRows) || given > totalRows || (columns.length > 0 && given < Math.min(totalRows, MAX_ROWS)))) {
    throw SentiMlopsError.invalidParameterValue(
      `totalRows must be the table's row count, at least the columns' length, with the columns holding its first min(totalRows, ${MAX_ROWS}) rows or more; got ${totalRows} for columns of ${given} values`,
      { component: "tracking" },
    );
  }
  const rows = totalRows ?? given;
  const hashed = hashedColumns(columns);
  const h = md5.create();
  // With no column kept, the row index alone is hashed.
  const trimmed = hashed.map((c) => ({ name: c.name, values: c.values.slice(0, MAX_ROWS) }));
  const hashes = rowHashes(trimmed, Math.min(rows, MAX_ROWS));
  h.update(new Uint8Array(hashes.buffer, hashes.byteOffset, hashes.byteLength));
  const count = new BigInt64Array([BigInt(rows)]);
  h.update(new Uint8Array(count.buffer));
  for (const c of columns) h.update(encoder.encode(c.name));
  return Array.from(h.digest(), (b) => b.toString(16).padStart(2, "0")).join("").slice(0, 8);
}
