/**
 * MLflow's page tokens: base64 of `{"offset": N}`, opaque to clients.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";

/**
 * The token for the page starting at `offset`.
 *
 * @example
 * ```ts
 * encodePageToken(100); // "eyJvZmZzZXQiOjEwMH0="
 * ```
 */
export function encodePageToken(offset: number): string {
  return btoa(JSON.stringify({ offset }));
}

/**
 * The offset a token stands for (0 without a token).
 *
 * @example
 * ```ts
 * decodePageToken("eyJvZmZzZXQiOjEwMH0="); // 100
 * decodePageToken(undefined); // 0
 * ```
 */
export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === "") return 0;
  let offset: unknown;
  try {
    offset = (JSON.parse(atob(token)) as { offset?: unknown }).offset;
  } catch (e) {
    throw SentiMlopsError.invalidParameterValue(`Invalid page token, could not base64-decode: ${token}`, { cause: e, component: "mlflow" });
  }
  if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0) {
    throw SentiMlopsError.invalidParameterValue(`Invalid page token, offset must be a non-negative integer: ${token}`, { component: "mlflow" });
  }
  return offset;
}

/**
 * Cuts one page out of a sorted list.
 *
 * @example
 * ```ts
 * paginate([1, 2, 3, 4, 5], 2); // { items: [1, 2], nextPageToken: "eyJvZmZzZXQiOjJ9" }
 * ```
 */
export function paginate<T>(items: readonly T[], maxResults: number, pageToken?: string): { items: T[]; nextPageToken?: string } {
  const offset = decodePageToken(pageToken);
  const page = items.slice(offset, offset + maxResults);
  return offset + maxResults < items.length ? { items: page, nextPageToken: encodePageToken(offset + maxResults) } : { items: page };
}
