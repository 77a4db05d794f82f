/**
 * A held-out split decided by each text alone, so that it stays the same when the data grows,
 * shrinks or is reordered: a text is held out when a seeded hash of it falls below the fraction.
 * Models trained with the same fraction and seed (the CLI's `--holdout`, the service's training
 * jobs) never see any held-out text, so comparing them on the held-out rows is fair.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";

/**
 * Options of {@link holdoutSplit}.
 *
 * @example
 * ```ts
 * const options: HoldoutOptions = { fraction: 0.2, seed: 42 };
 * ```
 */
export interface HoldoutOptions {
  /** The share of texts held out, in (0, 1). */
  readonly fraction: number;
  /** Different seeds hold out different texts. @default 0 */
  readonly seed?: number;
}

/**
 * A number in [0, 1) from `text` and `seed`: FNV-1a over the UTF-16 code units, finished with
 * MurmurHash3's 32-bit mixer. Written here because it must be synchronous and identical in Node and
 * browsers (Web Crypto's digests are asynchronous) and it is a dozen lines; it is not a
 * cryptographic hash and does not need to be.
 */
function unitHash(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/**
 * Whether `text` is held out under `options`.
 *
 * @example
 * ```ts
 * isHeldOut("A fine film.", { fraction: 0.2, seed: 42 }); // the same answer every time, anywhere
 * ```
 */
export function isHeldOut(text: string, options: HoldoutOptions): boolean {
  return unitHash(text, options.seed ?? 0) < options.fraction;
}

/**
 * Splits rows into the ones to train on and the held-out ones, by {@link isHeldOut} on each row's
 * text (duplicates of a text always land on the same side). Order is kept on both sides.
 *
 * @throws `INVALID_PARAMETER_VALUE` when `fraction` is not in (0, 1), or when either side would be
 * empty (too few rows for the fraction).
 *
 * @example
 * ```ts
 * const { train, heldOut } = holdoutSplit(rows, { fraction: 0.2, seed: 42 });
 * ```
 */
export function holdoutSplit<T extends { readonly text: string }>(rows: readonly T[], options: HoldoutOptions): { train: T[]; heldOut: T[] } {
  const { fraction } = options;
  if (!(typeof fraction === "number" && fraction > 0 && fraction < 1)) {
    throw SentiMlopsError.invalidParameterValue(`holdout fraction must be a number between 0 and 1 (exclusive), got ${String(fraction)}`, { component: "data" });
  }
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw SentiMlopsError.invalidParameterValue(`holdout seed must be an integer, got ${String(seed)}`, { component: "data" });
  const train: T[] = [];
  const heldOut: T[] = [];
  for (const row of rows) (isHeldOut(row.text, { fraction, seed }) ? heldOut : train).push(row);
  if (train.length === 0 || heldOut.length === 0) {
    throw SentiMlopsError.invalidParameterValue(
      `a holdout of ${fraction} over ${rows.length} rows leaves ${train.length} to train on and ${heldOut.length} held out; both need at least one (use more rows or another fraction)`,
      { component: "data" },
    );
  }
  return { train, heldOut };
}
