/**
 * Model files over http(s): from a model hub laid out as Hugging Face's,
 * `{base}/resolve/{revision}/{file}`, or from a plain folder URL, `{base}/{file}`. Each file is
 * downloaded once and kept in a cache byte store, so a second load reads the cache and makes no
 * request.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";
import { readLimited, resolveMaxBytes } from "../mlflow/read-limited.js";
import type { ByteStore } from "../adapters/byte-store.js";
import type { BertFiles } from "./bert-files.js";

/**
 * How files sit under an http(s) base URL: `"hub"` is Hugging Face's
 * `{base}/resolve/{revision}/{file}`, `"folder"` a plain folder, `{base}/{file}` (a static server,
 * a CDN, the page's own site).
 *
 * @example
 * ```ts
 * const layout: UrlLayout = "folder";
 * ```
 */
export type UrlLayout = "hub" | "folder";

/**
 * The layout of `baseUrl` when none is given: `"hub"` when its host is `huggingface.co` or `hf.co`
 * (or one of their subdomains) or when a `revision` is given, `"folder"` otherwise.
 *
 * @example
 * ```ts
 * defaultUrlLayout("https://huggingface.co/org/model"); // "hub"
 * defaultUrlLayout("https://cdn.example.org/models/bert"); // "folder"
 * defaultUrlLayout("https://mirror.example.org/org/model", "main"); // "hub"
 * ```
 */
export function defaultUrlLayout(baseUrl: string, revision?: string): UrlLayout {
  if (revision !== undefined) return "hub";
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return "folder";
  }
  return /(^|\.)(huggingface\.co|hf\.co)$/.test(host) ? "hub" : "folder";
}

/**
 * Options of {@link createHubFiles}.
 *
 * @example
 * ```ts
 * const options: HubFilesOptions = { baseUrl: "https://huggingface.co/org/model", revision: "v1.0", cache: createMemoryByteStore() };
 * ```
 */
export interface HubFilesOptions {
  /** The model's base URL, e.g. `https://huggingface.co/org/model`. */
  baseUrl: string;
  /** The branch, tag or commit of a `"hub"` layout. @default "main" */
  revision?: string;
  /** How files sit under `baseUrl`. @default {@link defaultUrlLayout}: `"hub"` for huggingface.co and hf.co or with a `revision`, else `"folder"` */
  layout?: UrlLayout;
  /** Where downloaded files are kept; without one every read downloads. */
  cache?: ByteStore;
  /** Whether {@link BertFiles.dispose} disposes the cache. @default false */
  ownsCache?: boolean;
  /** @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /**
   * The most bytes downloaded for one file; a larger body fails with `RESOURCE_EXHAUSTED` as soon
   * as the running total passes it (the response is cancelled).
   * @default 2147483648 (2 GiB: BERT base in fp32 is about 440 MB)
   */
  maxBytes?: number;
}

/**
 * The cache key of a hub file: `hub/<scheme>/<host>/<path…>/<revision>/<file>`, every segment
 * percent-encoded, so different hosts, models and revisions never share a key.
 *
 * @example
 * ```ts
 * hubCacheKey("https://huggingface.co/org/model", "main", "onnx/model.onnx");
 * // "hub/https/huggingface.co/org/model/main/onnx/model.onnx"
 * ```
 */
export function hubCacheKey(baseUrl: string, revision: string, file: string): string {
  const url = new URL(baseUrl);
  const segments = [url.protocol.replace(/:$/, ""), url.host, ...url.pathname.split("/").filter((s) => s !== "")].map((s) =>
    encodeURIComponent(decodeURIComponent(s)),
  );
  return ["hub", ...segments, encodeURIComponent(revision), file].join("/");
}

/**
 * The cache key of a file under a plain folder URL: `url/<scheme>/<host>/<path…>/<file>`, every
 * segment percent-encoded. The `url/` prefix keeps it apart from every {@link hubCacheKey}.
 *
 * @example
 * ```ts
 * folderCacheKey("https://cdn.example.org/models/bert", "config.json");
 * // "url/https/cdn.example.org/models/bert/config.json"
 * ```
 */
export function folderCacheKey(baseUrl: string, file: string): string {
  const url = new URL(baseUrl);
  const segments = [url.protocol.replace(/:$/, ""), url.host, ...url.pathname.split("/").filter((s) => s !== "")].map((s) =>
    encodeURIComponent(decodeURIComponent(s)),
  );
  return ["url", ...segments, file].join("/");
}

/**
 * Reads model files from a hub or a folder URL. A cached file is returned without a request;
 * otherwise it is fetched from `{base}/resolve/{revision}/{file}` (`"hub"` layout) or
 * `{base}/{file}` (`"folder"`) and cached. A 404 (or 410) reads as a missing file (`null`), and
 * {@link BertFiles.whyMissing} then names the URL and the status. A cache that fails to store a
 * file (a full disk or quota) does not fail the read.
 *
 * A revision is cached as first downloaded: a branch such as `main` is not checked again for
 * updates. Pin a commit, or use a new cache, to pick up changes.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` for a `revision` with the `"folder"` layout;
 * from `read`: `TEMPORARILY_UNAVAILABLE` when the request fails or the hub
 * answers an error status; `UNAUTHENTICATED`/`PERMISSION_DENIED` on 401/403 (a private, gated or
 * misspelled model on the Hugging Face hub).
 *
 * @example
 * ```ts
 * const files = createHubFiles({ baseUrl: "https://huggingface.co/org/model", cache: createMemoryByteStore() });
 * await files.read("config.json"); // fetched once, then served from the cache
 * ```
 */
export function createHubFiles(options: HubFilesOptions): BertFiles {
  const base = options.baseUrl.replace(/\/+$/, "");
  const layout = options.layout ?? defaultUrlLayout(base, options.revision);
  if (layout !== "hub" && layout !== "folder") {
    throw SentiMlopsError.invalidParameterValue(`layout must be "hub" or "folder", got ${JSON.stringify(layout)}`, { component: "bert" });
  }
  if (layout === "folder" && options.revision !== undefined) {
    throw SentiMlopsError.invalidParameterValue(
      `revision ${JSON.stringify(options.revision)} needs the "hub" layout ({base}/resolve/{revision}/{file}); a "folder" URL has no revisions`,
      { component: "bert" },
    );
  }
  const revision = options.revision ?? "main";
  if (typeof revision !== "string" || revision.trim() === "" || revision === "." || revision === "..") {
    throw SentiMlopsError.invalidParameterValue(`revision must be a branch, tag or commit, got ${JSON.stringify(revision)}`, { component: "bert" });
  }
  const { cache } = options;
  const doFetch = options.fetch ?? globalThis.fetch;
  const maxBytes = resolveMaxBytes(options.maxBytes, "maxBytes", "bert");
  // Why a file read as missing: the request and its status, for the loader's message.
  const missing = new Map<string, string>();

  return {
    source: base,
    whyMissing: (file) => missing.get(file),
    async read(file) {
      const key = layout === "hub" ? hubCacheKey(base, revision, file) : folderCacheKey(base, file);
      const cached = cache ? await cache.get(key) : null;
      if (cached) return cached;
      const url = layout === "hub" ? `${base}/resolve/${encodeURIComponent(revision)}/${file}` : `${base}/${file}`;
      let response: Response;
      try {
        response = await doFetch(url);
      } catch (e) {
        throw new SentiMlopsError("TEMPORARILY_UNAVAILABLE", `could not fetch ${url}: ${(e as Error)?.message ?? e}`, { cause: e, component: "bert" });
      }
      if (response.status === 404 || response.status === 410) {
        await response.body?.cancel().catch(() => {});
        missing.set(file, `GET ${url} → ${response.status}`);
        return null;
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => {});
        const code = response.status === 401 ? "UNAUTHENTICATED" : response.status === 403 ? "PERMISSION_DENIED" : "TEMPORARILY_UNAVAILABLE";
        throw new SentiMlopsError(code, `${file}: GET ${url} → ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`, {
          details: { httpStatus: response.status },
          component: "bert",
        });
      }
      const length = response.headers.get("content-length");
      const limit = { maxBytes, what: `${file} (${url})`, option: "the maxBytes option of loadBert", component: "bert" } as const;
      const bytes = await readLimited(response.body, limit, length === null ? undefined : Number(length));
      if (cache) await cache.put(key, bytes).catch(() => {});
      return bytes;
    },
    async dispose() {
      if (cache && options.ownsCache) await cache.dispose();
    },
  };
}
