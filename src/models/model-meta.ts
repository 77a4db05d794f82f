/**
 * The small facts every model folder carries, kept apart from the YAML code of `mlmodel.ts` (which
 * is imported only when an `MLmodel` file is read or written): versions, checksums, timestamps.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

/**
 * The version of MLflow's model format these files follow (the pinned MLflow they are tested with).
 *
 * @example
 * ```ts
 * mlmodel.mlflow_version === MLMODEL_MLFLOW_VERSION; // true for folders this version wrote ("3.17.2")
 * ```
 */
export const MLMODEL_MLFLOW_VERSION = "3.17.2";

/**
 * This package's version, recorded in the flavor.
 *
 * @example
 * ```ts
 * const flavor = { format_version: 1, senti_mlops_version: SENTI_MLOPS_VERSION };
 * ```
 */
export const SENTI_MLOPS_VERSION = "0.1.0";




/**
 * The SHA-256 of `bytes`, as lower-case hex.
 *
 * @example
 * ```ts
 * sha256Hex(new TextEncoder().encode("abc")); // "ba7816bf…"
 * ```
 */
export function sha256Hex(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes));
}

/**
 * A timestamp as MLflow writes `utc_time_created`: `YYYY-MM-DD HH:MM:SS.ffffff` in UTC.
 *
 * @example
 * ```ts
 * mlflowUtcTime(Date.UTC(2026, 10, 30, 2, 40, 5, 123)); // "2026-11-30 02:40:05.123000"
 * ```
 */
export function mlflowUtcTime(epochMs: number): string {
  const iso = new Date(epochMs).toISOString(); // 2026-11-30T02:40:05.123Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

