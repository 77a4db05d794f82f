/**
 * Relative URLs as web pages read them: against the document's base URL (`document.baseURI`) or,
 * in a worker, its `location`. Node has neither, and there relative strings stay file paths.
 *
 * @module
 */

/**
 * The base URL relative URLs resolve against here: `document.baseURI`, else `location.href`, else
 * `undefined` (Node).
 *
 * @example
 * ```ts
 * documentBaseUrl(); // "https://example.org/app/" on a page, undefined in Node
 * ```
 */
export function documentBaseUrl(): string | undefined {
  const g = globalThis as { document?: { baseURI?: unknown }; location?: { href?: unknown } };
  const base = g.document?.baseURI ?? g.location?.href;
  return typeof base === "string" && base !== "" ? base : undefined;
}

/**
 * `text` resolved against {@link documentBaseUrl} when that gives an http(s) URL, else `undefined`
 * (no document, or a base such as `about:blank` or `file:` that cannot be fetched from).
 *
 * @example
 * ```ts
 * resolveAgainstDocument("models/model.bin"); // "https://example.org/app/models/model.bin" on a page
 * ```
 */
export function resolveAgainstDocument(text: string): string | undefined {
  const base = documentBaseUrl();
  if (base === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    return undefined;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
}
