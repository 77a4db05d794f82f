/**
 * Random and compared bytes for the conformance suites, with the Web Crypto API and plain loops, so
 * that the suites run in Node and in a browser alike (no `node:crypto`, no `Buffer`).
 *
 * @example
 * ```ts
 * const value = randomBytes(5 * 1024 * 1024);
 * expect(sameBytes(await store.get("k"), value)).toBe(true);
 * randomHex(16); // 32 lowercase hex digits
 * ```
 */

/** `getRandomValues` fills at most 65,536 bytes per call. */
const RANDOM_CHUNK = 65_536;

/** `n` cryptographically random bytes. */
export function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  for (let offset = 0; offset < n; offset += RANDOM_CHUNK) {
    globalThis.crypto.getRandomValues(bytes.subarray(offset, Math.min(n, offset + RANDOM_CHUNK)));
  }
  return bytes;
}

/** `n` random bytes as 2n lowercase hex digits. */
export function randomHex(n: number): string {
  return Array.from(randomBytes(n), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Whether `a` holds exactly the bytes of `b` (same length, same values). */
export function sameBytes(a: Uint8Array | null, b: Uint8Array): boolean {
  if (a === null || a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
