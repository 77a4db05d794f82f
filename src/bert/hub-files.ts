/**
 * Model files from an http(s) model hub laid out as Hugging Face's:
 * `{base}/resolve/{revision}/{file}`. Each file is downloaded once and kept in a cache byte store,
 * so a second load reads the cache and makes no request.
 *
 * @module
 */
import { SentiMlopsError } from "../errors.js";
import type { ByteStore } from "../adapters/byte-store.js";
import type { BertFiles } from "./bert-files.js";

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
  /** The branch, tag or commit. @default "main" */
  revision?: string;
  /** Where downloaded files are kept; without one every read downloads. */
  cache?: ByteStore;
  /** Whether {@link BertFiles.dispose} disposes the cache. @default false */
  ownsCache?: boolean;
  /** @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
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
 * Reads model files from a hub. A cached file is returned without a request; otherwise it is
 * fetched from `{base}/resolve/{revision}/{file}` and cached. A 404 reads as a missing file
 * (`null`). A cache that fails to store a file (a full disk or quota) does not fail the read.
 *
 * A revision is cached as first downloaded: a branch such as `main` is not checked again for
 * updates. Pin a commit, or use a new cache, to pick up changes.
 *
 * @throws {SentiMlopsError} from `read`: `TEMPORARILY_UNAVAILABLE` when the request fails or the hub
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
  const revision = options.revision ?? "main";
  if (typeof revision !== "string" || revision.trim() === "" || revision === "." || revision === "..") {
    throw SentiMlopsError.invalidParameterValue(`revision must be a branch, tag or commit, got ${JSON.stringify(revision)}`, { component: "bert" });
  }
  const { cache } = options;
  const doFetch = options.fetch ?? globalThis.fetch;

  return {
    source: base,
    async read(file) {
      const key = hubCacheKey(base, revision, file);
      const cached = cache ? await cache.get(key) : null;
      if (cached) return cached;
      const url = `${base}/resolve/${encodeURIComponent(revision)}/${file}`;
      let response: Response;
      try {
        response = await doFetch(url);
      } catch (e) {
        throw new SentiMlopsError("TEMPORARILY_UNAVAILABLE", `could not fetch ${url}: ${(e as Error)?.message ?? e}`, { cause: e, component: "bert" });
      }
      if (response.status === 404) {
        await response.body?.cancel().catch(() => {});
        return null;
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => {});
        const code = response.status === 401 ? "UNAUTHENTICATED" : response.status === 403 ? "PERMISSION_DENIED" : "TEMPORARILY_UNAVAILABLE";
        throw new SentiMlopsError(code, `fetching ${url} failed with HTTP ${response.status}`, { component: "bert" });
      }
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (cache) await cache.put(key, bytes).catch(() => {});
      return bytes;
    },
    async dispose() {
      if (cache && options.ownsCache) await cache.dispose();
    },
  };
}
