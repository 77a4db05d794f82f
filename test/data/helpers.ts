import { expect } from "vitest";
import { isSentiMlopsError, type ErrorCode, type SentiMlopsError } from "../../src/errors.js";

/** Awaits `promise`, expects it to reject with a SentiMlopsError of `code` whose message matches every pattern. */
export async function expectError(promise: Promise<unknown>, code: ErrorCode, ...patterns: (RegExp | string)[]): Promise<SentiMlopsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "expected a rejection").toBeDefined();
  if (!isSentiMlopsError(error)) throw error;
  expect(error.code).toBe(code);
  for (const pattern of patterns) expect(error.message).toMatch(pattern);
  return error;
}

/** Splits `bytes` at the given offsets. */
export function splitAt(bytes: Uint8Array, ...offsets: number[]): Uint8Array[] {
  const cuts = [0, ...offsets, bytes.length];
  return cuts.slice(1).map((end, i) => bytes.subarray(cuts[i], end));
}

/** An async iterable over `chunks`, yielding to the event loop between them. */
export async function* asyncChunks<T>(chunks: Iterable<T>): AsyncGenerator<T> {
  for (const chunk of chunks) {
    await new Promise((resolve) => setImmediate(resolve));
    yield chunk;
  }
}
