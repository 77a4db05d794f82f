/**
 * A {@link ByteStore} over an MLflow server's artifact proxy (`mlflow server` with artifact serving,
 * the default): `/api/2.0/mlflow-artifacts/artifacts/<basePath>/<key>`. Universal: only `fetch`.
 *
 * @module
 */
import { isSentiMlopsError, SentiMlopsError } from "../errors.js";
import { resolveMaxBytes, type DownloadLimit } from "../mlflow/download-limit.js";
import { createRestClient, type RestClientOptions } from "../mlflow/rest-client.js";
import { normalizeKey, withGuards, type ByteStore, type ByteStoreEntry } from "./byte-store.js";

/**
 * Options of {@link createMlflowArtifactsByteStore}: the server, the folder, and the HTTP client's options.
 *
 * @example
 * ```ts
 * const bytes = createMlflowArtifactsByteStore({ trackingUri: "http://127.0.0.1:5000", basePath: "1/0123abcd/artifacts" });
 * ```
 */
export interface MlflowArtifactsByteStoreOptions extends RestClientOptions {
  /** The MLflow server's base URL, `http(s)://host[:port][/prefix]`. */
  trackingUri: string;
  /**
   * The folder below the server's artifact root that holds the keys, e.g. `"1/<runId>/artifacts"`
   * (a run's `artifact_uri` without `mlflow-artifacts:/`; see {@link parseMlflowArtifactsUri}).
   * `""` puts keys at the root. @default ""
   */
  basePath?: string;
  /** How many folder listings `list` runs at once. @default 8 */
  listConcurrency?: number;
  /**
   * The most folder listings one `list` (or `listSizes`, and so `downloadArtifacts`) may request;
   * past it the call fails with `RESOURCE_EXHAUSTED`. Listings are also at most
   * {@link MLFLOW_ARTIFACTS_MAX_LIST_DEPTH} folders deep, so a server that lists a folder inside
   * itself forever cannot keep the call going. @default 10000
   */
  maxListRequests?: number;
  /**
   * The most bytes `get` downloads for one key; a larger body fails with `RESOURCE_EXHAUSTED` as
   * soon as the running total passes it (the response is cancelled, nothing more is read). 2 GiB
   * fits the largest model senti-mlops handles (BERT base in fp32, about 440 MB).
   * @default 2147483648 (2 GiB, DEFAULT_MAX_DOWNLOAD_BYTES)
   */
  maxBytes?: number;
}

/**
 * How deep `list` follows the server's folder listings below the listed prefix: 64 folders. A
 * deeper tree fails with `RESOURCE_EXHAUSTED` (a server listing a folder inside itself forever
 * would otherwise be listed forever).
 *
 * @example
 * ```ts
 * MLFLOW_ARTIFACTS_MAX_LIST_DEPTH; // 64
 * ```
 */
export const MLFLOW_ARTIFACTS_MAX_LIST_DEPTH = 64;

/** The proxy's route below the server's base URL. */
const ARTIFACTS_ROUTE = "/api/2.0/mlflow-artifacts/artifacts";
/** The prefix MLflow's local artifact repository gives its in-flight uploads (and refuses in names). */
const UPLOAD_TEMP_PREFIX = ".artifact.uploading.";
/** A URI scheme at the start of a path, which the server's `urlparse` would take apart. */
const SCHEME_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:/;
// The server decodes a path until it stops changing and passes it through urlparse/urlunparse
// (mlflow/utils/uri.py validate_path_is_safe, _decode): these would not round-trip.
const CONTROL = /[\u0000-\u001f\u007f]/;
const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/;

/**
 * Why the server would refuse or silently change `path` (the full path below its artifact root),
 * or `undefined` when it stores it as written.
 */
function serverPathProblem(path: string): string | undefined {
  if (path.includes("#")) return "the MLflow server refuses '#' in artifact paths";
  if (PERCENT_ESCAPE.test(path)) return "the MLflow server decodes '%' escapes in artifact paths, so '%' followed by two hex digits would change the name";
  if (CONTROL.test(path)) return "the MLflow server rewrites control characters in artifact paths";
  if (/[?;]$/.test(path)) return "the MLflow server drops a trailing '?' or ';' from artifact paths";
  if (/^\s/.test(path)) return "the MLflow server strips leading whitespace from artifact paths";
  if (SCHEME_LIKE.test(path)) return "the MLflow server reads a leading 'name:' as a URI scheme";
  if (path.split("/").some((segment) => segment.startsWith(UPLOAD_TEMP_PREFIX))) {
    return `names starting with '${UPLOAD_TEMP_PREFIX}' are reserved by the MLflow server`;
  }
  return undefined;
}

const encodePath = (path: string): string => path.split("/").map(encodeURIComponent).join("/");

/**
 * Where a `mlflow-artifacts:` URI lives: the server to talk to and the folder below its artifact root.
 *
 * @example
 * ```ts
 * const where: MlflowArtifactsLocation = { baseUrl: "http://127.0.0.1:5000", basePath: "1/abc/artifacts" };
 * ```
 */
export interface MlflowArtifactsLocation {
  /** The server's base URL (scheme, host, port and any path prefix of the tracking URI). */
  readonly baseUrl: string;
  /** The folder below the server's artifact root, without leading or trailing `/`, percent-decoded. */
  readonly basePath: string;
}

/**
 * Resolves a `mlflow-artifacts:` URI as MLflow's `MlflowArtifactsRepository.resolve_uri` does: the
 * tracking URI must be `http(s)`; its scheme and path prefix are kept; a host inside the URI
 * (`mlflow-artifacts://host:port/p`) replaces the tracking URI's host. Anything else (another
 * scheme, a port without a host, a `..` segment) throws `INVALID_PARAMETER_VALUE`.
 *
 * @example
 * ```ts
 * parseMlflowArtifactsUri("mlflow-artifacts:/1/abc/artifacts", "http://mlflow:5000");
 * // { baseUrl: "http://mlflow:5000", basePath: "1/abc/artifacts" }
 * parseMlflowArtifactsUri("mlflow-artifacts://other:6000/1/abc/artifacts", "https://mlflow.example.com/prefix");
 * // { baseUrl: "https://other:6000/prefix", basePath: "1/abc/artifacts" }
 * ```
 */
export function parseMlflowArtifactsUri(artifactUri: string, trackingUri: string): MlflowArtifactsLocation {
  const refuse = (why: string): never => {
    throw SentiMlopsError.invalidParameterValue(
      `Cannot resolve artifact URI ${JSON.stringify(artifactUri)} against tracking URI ${JSON.stringify(trackingUri)}: ${why}`,
      { component: "adapters" },
    );
  };
  if (typeof artifactUri !== "string") refuse("the artifact URI must be a string");
  const match = /^mlflow-artifacts:(?:\/\/([^/?#]*))?([^?#]*)$/i.exec(artifactUri);
  if (!match) refuse("expected mlflow-artifacts:/<path> or mlflow-artifacts://<host>[:<port>]/<path>, without query or fragment");
  const [, authority = "", rawPath = ""] = match!;
  // urlparse would take a bare number for a host name: MLflow refuses a port without a host.
  if (/^\d+(\.\d+)?$/.test(authority) || authority.startsWith(":")) {
    refuse(`the URI names port ${JSON.stringify(authority.replace(/^:/, ""))} but no host`);
  }
  const tracking = parseHttpUrl(typeof trackingUri === "string" ? trackingUri : "");
  if (!tracking) {
    refuse("the tracking URI must be an http or https URL of the MLflow server (mlflow-artifacts URIs are served by it)");
  }
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return refuse("the path has a malformed '%' escape");
  }
  const basePath = checkBasePath(path, refuse);
  return { baseUrl: `${tracking!.origin(authority)}${tracking!.prefix}`, basePath };
}

/** An http(s) URL split into what {@link parseMlflowArtifactsUri} needs, or `undefined`. */
function parseHttpUrl(url: string): { origin: (host: string) => string; prefix: string } | undefined {
  const match = /^(https?):\/\/([^/?#]+)([^?#]*)$/i.exec(url.trim());
  if (!match) return undefined;
  const [, scheme, host, path] = match;
  const prefix = path.replace(/\/+/g, "/").replace(/\/$/, "");
  return { origin: (override) => `${scheme.toLowerCase()}://${override || host}`, prefix };
}

/** `path` without leading/trailing `/`, checked as a byte-store key and as a server path. */
function checkBasePath(path: string, refuse: (why: string) => never): string {
  const trimmed = path.replace(/^\/+|\/+$/g, "");
  if (trimmed === "") return "";
  try {
    normalizeKey(trimmed);
  } catch (e) {
    refuse(`base path ${JSON.stringify(trimmed)} ${(e as Error).message.replace(/^.*?: /, "")}`);
  }
  const problem = serverPathProblem(trimmed);
  if (problem) refuse(`base path ${JSON.stringify(trimmed)}: ${problem}`);
  return trimmed;
}

/**
 * Creates a byte store whose keys are files below `basePath` on an MLflow server's artifact proxy:
 * `put` PUTs the bytes (the server writes them atomically), `get` GETs them (`null` when missing),
 * `has` is a HEAD, `delete` removes a file (a missing key, or a folder, is left alone: the server
 * itself would delete a whole folder), and `list` walks the server's folder listings. Auth,
 * `fetch`, timeout and retries are those of the REST tracking store.
 *
 * Deviations from a plain byte store, imposed by the server: keys are refused with
 * `INVALID_PARAMETER_VALUE` when the server would refuse or rename them (`#`, a `%` followed by
 * two hex digits, control characters, a trailing `?` or `;`, a name starting with
 * `.artifact.uploading.`); and a key cannot also be a folder (`"a"` and `"a/b"`), which the server
 * answers with HTTP 500. With a remote artifact destination (S3, …) behind the server, `has` makes
 * the server fetch the object.
 *
 * @example
 * ```ts
 * const { baseUrl, basePath } = parseMlflowArtifactsUri(run.info.artifactUri, "http://127.0.0.1:5000");
 * const store = createMlflowArtifactsByteStore({ trackingUri: baseUrl, basePath, token: process.env.MLFLOW_TRACKING_TOKEN });
 * await store.put("model/MLmodel", mlmodelBytes);
 * await store.list("model"); // ["model/MLmodel"]
 * ```
 */
export function createMlflowArtifactsByteStore(options: MlflowArtifactsByteStoreOptions): ByteStore {
  const {
    trackingUri,
    basePath: rawBasePath = "",
    listConcurrency = 8,
    maxListRequests = 10_000,
    maxBytes: rawMaxBytes,
    ...clientOptions
  } = options ?? ({} as MlflowArtifactsByteStoreOptions);
  const refuse = (why: string): never => {
    throw SentiMlopsError.invalidParameterValue(`createMlflowArtifactsByteStore: ${why}`, { component: "adapters" });
  };
  if (typeof trackingUri !== "string" || !parseHttpUrl(trackingUri)) {
    refuse(`option 'trackingUri' must be the MLflow server's http(s) URL, got ${JSON.stringify(trackingUri)}`);
  }
  if (typeof rawBasePath !== "string") refuse("option 'basePath' must be a string");
  const basePath = checkBasePath(rawBasePath, (why) => refuse(`option 'basePath': ${why}`));
  if (!Number.isInteger(listConcurrency) || listConcurrency < 1) refuse("option 'listConcurrency' must be a positive integer");
  if (!Number.isSafeInteger(maxListRequests) || maxListRequests < 1) refuse("option 'maxListRequests' must be a positive integer");
  const maxBytes = resolveMaxBytes(rawMaxBytes, "maxBytes");
  const client = createRestClient(trackingUri.trim(), clientOptions, "adapters");

  /** The full server path of a key (or a folder without its trailing "/"), refused if the server would alter it. */
  const serverPath = (key: string): string => {
    const full = basePath === "" ? key : `${basePath}/${key}`;
    const problem = serverPathProblem(full);
    if (problem) throw SentiMlopsError.invalidParameterValue(`Invalid byte-store key ${JSON.stringify(key)}: ${problem}`, { component: "adapters" });
    return full;
  };
  const urlOf = (key: string): string => `${ARTIFACTS_ROUTE}/${encodePath(serverPath(key))}`;
  const limitOf = (key: string): DownloadLimit => ({
    maxBytes,
    what: `artifact ${JSON.stringify(key)} (${trackingUri.trim()}${urlOf(key)})`,
    option: "the maxBytes option of createMlflowArtifactsByteStore",
  });
  // 404: no such file. 400: the path is a folder ("Artifact path refers to a directory"): keys
  // reaching the server are already checked against every other reason it answers 400.
  const ABSENT = [404, 400] as const;

  interface ListResponse {
    files?: { path: string; is_dir?: boolean; file_size?: string | number }[];
  }

  // With a remote artifact destination, the server answers a missing file with HTTP 500 carrying
  // the object store's not-found error (S3: "An error occurred (404) when calling the HeadObject
  // operation: Not Found"); that is absence too.
  const absentOnRemote = <T>(absent: T) => (e: unknown): T => {
    if (isSentiMlopsError(e) && e.code === "INTERNAL_ERROR" && /\(404\) when calling the \w+ operation|NoSuchKey/.test(e.message)) return absent;
    throw e;
  };

  return withGuards({
    get: (key) => client.getBytes(urlOf(key), ABSENT, limitOf(key)).catch(absentOnRemote(null)),
    // A HEAD's 500 has no body to tell why: ask again with a GET, whose error says it.
    has: (key) =>
      client.head(urlOf(key), ABSENT).catch(async (e: unknown) => {
        if (!(isSentiMlopsError(e) && e.code === "INTERNAL_ERROR")) throw e;
        return (await client.getBytes(urlOf(key), ABSENT, limitOf(key)).catch(absentOnRemote(null))) !== null;
      }),
    async put(key, bytes) {
      try {
        await client.put(urlOf(key), bytes, "application/octet-stream");
      } catch (e) {
        if (isSentiMlopsError(e) && e.code === "INTERNAL_ERROR") {
          throw new SentiMlopsError(
            "INTERNAL_ERROR",
            `MLflow artifact proxy failed to store ${JSON.stringify(key)} (a key that is also a folder, or under a key, fails this way): ${e.message}`,
            { cause: e, details: e.details, component: "adapters" },
          );
        }
        throw e;
      }
    },
    async delete(key) {
      // DELETE on a folder removes the whole tree: only delete what is a file.
      if (await client.head(urlOf(key), ABSENT)) await client.delete(urlOf(key));
    },
    list: async (prefix = "") => (await listEntries(prefix)).map((e) => e.key),
    listSizes: (prefix = "") => listEntries(prefix),
    async dispose() {},
  });

  /**
   * Walks the server's folder listings under `prefix`; each file comes with its `file_size`. The
   * server lists basenames: an entry that is not one plain name (empty, `.`, `..`, with `/`, `\`
   * or NUL) would name a key outside the listed folder, or the folder itself, and is refused. The
   * walk is bounded by {@link MLFLOW_ARTIFACTS_MAX_LIST_DEPTH} and `maxListRequests`.
   */
  async function listEntries(prefix: string): Promise<ByteStoreEntry[]> {
    const keys: ByteStoreEntry[] = [];
    // Folders still to list, as key prefixes ("" or ending in "/"), with their depth below prefix.
    const queue: { folder: string; depth: number }[] = [{ folder: prefix, depth: 0 }];
    const seen = new Set<string>([prefix]);
    let requests = 0;
    const badListing = (folder: string, name: unknown, why: string): SentiMlopsError =>
      new SentiMlopsError(
        "INTERNAL_ERROR",
        `The MLflow artifact server at ${trackingUri.trim()} listed ${JSON.stringify(name)} in folder ${JSON.stringify(folder || "/")}: ${why}; ` +
          "the listing is refused",
        { component: "adapters", details: { entry: String(name) } },
      );
    const listOne = async ({ folder, depth }: { folder: string; depth: number }): Promise<void> => {
      const dir = folder === "" ? basePath : serverPath(folder.slice(0, -1));
      const response = await client.get<ListResponse>(ARTIFACTS_ROUTE, dir === "" ? {} : { path: dir });
      // A file or a missing folder lists as {} (no "files").
      for (const entry of response.files ?? []) {
        const name = entry?.path;
        if (typeof name !== "string") throw badListing(folder, name, "an entry's path must be a string");
        if (name === "" || name === "." || name === "..") throw badListing(folder, name, "an entry must name a file or folder inside the listed folder, not the folder itself or its parent");
        if (/[/\\\u0000]/.test(name)) throw badListing(folder, name, "an entry must be a single name (no '/', '\\' or NUL), as the server lists basenames");
        const key = `${folder}${name}`;
        try {
          normalizeKey(key);
        } catch (e) {
          throw badListing(folder, name, (e as Error).message);
        }
        if (!key.startsWith(prefix)) throw badListing(folder, name, `the key ${JSON.stringify(key)} is not under the listed prefix ${JSON.stringify(prefix)}`);
        if (entry.is_dir) {
          const child = `${key}/`;
          if (seen.has(child)) throw badListing(folder, name, "the folder was listed twice (the listing has a cycle)");
          if (depth + 1 > MLFLOW_ARTIFACTS_MAX_LIST_DEPTH) {
            throw new SentiMlopsError(
              "RESOURCE_EXHAUSTED",
              `Listing ${JSON.stringify(prefix || "/")} on the MLflow artifact server at ${trackingUri.trim()} goes deeper than ` +
                `${MLFLOW_ARTIFACTS_MAX_LIST_DEPTH} folders (at ${JSON.stringify(child)}): a server listing a folder inside itself, or a tree too deep to list`,
              { component: "adapters", details: { max_depth: MLFLOW_ARTIFACTS_MAX_LIST_DEPTH } },
            );
          }
          seen.add(child);
          queue.push({ folder: child, depth: depth + 1 });
        }
        // The server leaves file_size out for empty files.
        else keys.push({ key, size: Number(entry.file_size ?? 0) });
      }
    };
    const take = (): { folder: string; depth: number } => {
      if (++requests > maxListRequests) {
        throw new SentiMlopsError(
          "RESOURCE_EXHAUSTED",
          `Listing ${JSON.stringify(prefix || "/")} on the MLflow artifact server at ${trackingUri.trim()} needs more than ${maxListRequests} ` +
            "folder listings; raise the maxListRequests option of createMlflowArtifactsByteStore if the tree is expected to be this large",
          { component: "adapters", details: { max_list_requests: maxListRequests } },
        );
      }
      return queue.shift()!;
    };
    // Breadth-first, up to listConcurrency listings in flight; the first failure stops new ones
    // and is thrown once those in flight have settled.
    let failure: { error: unknown } | undefined;
    const workers = new Set<Promise<void>>();
    while (queue.length > 0 || workers.size > 0) {
      while (!failure && queue.length > 0 && workers.size < listConcurrency) {
        let next: { folder: string; depth: number };
        try {
          next = take();
        } catch (error) {
          failure ??= { error };
          break;
        }
        const worker: Promise<void> = listOne(next)
          .catch((error: unknown) => {
            failure ??= { error };
          })
          .finally(() => workers.delete(worker));
        workers.add(worker);
      }
      if (failure) queue.length = 0;
      if (workers.size > 0) await Promise.race(workers);
    }
    if (failure) throw failure.error;
    return keys;
  }
}
