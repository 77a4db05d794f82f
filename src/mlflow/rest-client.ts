/**
 * HTTP for MLflow's REST API: JSON requests, MLflow error bodies mapped to `SentiMlopsError`,
 * authentication, timeouts and bounded retries with exponential backoff and jitter.
 *
 * @module
 */
import { ERROR_HTTP_STATUS, SentiMlopsError, type Component, type ErrorCode } from "../errors.js";
import type { DownloadLimit } from "./download-limit.js";

/**
 * Options of {@link createRestClient}: credentials, timeouts and retries.
 *
 * @example
 * ```ts
 * const options: RestClientOptions = { token: process.env.MLFLOW_TRACKING_TOKEN, timeoutMs: 10_000, retries: 3 };
 * ```
 */
export interface RestClientOptions {
  /** Sent as `Authorization: Bearer <token>` (MLflow's MLFLOW_TRACKING_TOKEN). */
  token?: string;
  /** With `password`: HTTP basic auth (MLflow's MLFLOW_TRACKING_USERNAME / _PASSWORD). */
  username?: string;
  password?: string;
  /** Extra headers on every request. */
  headers?: Readonly<Record<string, string>>;
  /** The `fetch` to use. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Per-request timeout. @default 120_000 (MLflow's client default) */
  timeoutMs?: number;
  /** Retries after a 429, 503, 502, 504, 408 or network error. @default 5 */
  retries?: number;
  /** First backoff delay; doubles each retry, with jitter. @default 250 */
  backoffMs?: number;
}

/**
 * A JSON client for one MLflow server.
 *
 * @example
 * ```ts
 * const client: RestClient = createRestClient("http://127.0.0.1:5000");
 * ```
 */
export interface RestClient {
  readonly baseUrl: string;
  /** GET with query parameters (arrays become repeated keys). */
  get<T>(path: string, query?: Record<string, string | number | boolean | readonly string[] | undefined>): Promise<T>;
  /** A JSON-body request (POST, PATCH or DELETE). */
  send<T>(method: "POST" | "PATCH" | "DELETE", path: string, body: unknown): Promise<T>;
  /** PUT raw bytes (artifact uploads through the server's proxy). */
  put(path: string, bytes: Uint8Array, contentType?: string): Promise<void>;
  /**
   * GET a raw body (artifact downloads through the server's proxy): the bytes, or `null` when the
   * server answers one of the `absent` statuses. Other failures throw as for JSON calls. With
   * `limit`, a body over `limit.maxBytes` fails with `RESOURCE_EXHAUSTED` as soon as it passes the
   * limit (see {@link readLimited}).
   */
  getBytes(path: string, absent?: readonly number[], limit?: DownloadLimit): Promise<Uint8Array | null>;
  /** HEAD: `true` on success, `false` when the server answers one of the `absent` statuses. */
  head(path: string, absent?: readonly number[]): Promise<boolean>;
  /** DELETE without a body; the response body, if any, is ignored. */
  delete(path: string): Promise<void>;
}

const RETRY_STATUSES = /* @__PURE__ */ new Set([408, 429, 502, 503, 504]);

function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return "BAD_REQUEST";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "ENDPOINT_NOT_FOUND";
    case 409:
      return "RESOURCE_CONFLICT";
    case 429:
      return "REQUEST_LIMIT_EXCEEDED";
    case 501:
      return "NOT_IMPLEMENTED";
    case 503:
      return "TEMPORARILY_UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
    default:
      return "INTERNAL_ERROR";
  }
}

/**
 * When this runs in a page or worker and `url` is on another origin, the page's origin (or `"null"`
 * when it is unknown); else `undefined`. There a `fetch` that throws a `TypeError` is most often
 * the browser refusing the response (CORS), which retrying cannot change.
 */
function crossOriginPage(url: string): string | undefined {
  const g = globalThis as { document?: unknown; location?: { origin?: unknown } };
  if (g.document === undefined && g.location === undefined) return undefined;
  const origin = typeof g.location?.origin === "string" ? g.location.origin : "null";
  let target: string;
  try {
    target = new URL(url).origin;
  } catch {
    return undefined;
  }
  return target === origin ? undefined : origin;
}

/** MLflow's answer to a request whose Host header its --allowed-hosts check refuses (security_utils.INVALID_HOST_MSG). */
const INVALID_HOST = /invalid host header/i;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Splits `user:password@` off an http(s) URL (percent-decoded), leaving the URL without it. */
function splitUserinfo(url: string): { url: string; username?: string; password?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url };
  }
  if (!parsed.username && !parsed.password) return { url };
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = "";
  parsed.password = "";
  return { url: parsed.href, username, password };
}

/**
 * Creates a client for the MLflow server at `baseUrl` (e.g. `http://127.0.0.1:5000`).
 *
 * @example
 * ```ts
 * const client = createRestClient("http://127.0.0.1:5000", { token: process.env.MLFLOW_TRACKING_TOKEN });
 * const { experiment_id } = await client.send<{ experiment_id: string }>("POST", "/api/2.0/mlflow/experiments/create", { name: "x" });
 * ```
 *
 * `component` is what its errors report as {@link SentiMlopsError.component}: the part of the
 * library making the calls (`"tracking"`, `"registry"`, `"adapters"`), `"mlflow"` by default.
 * Errors answered by the server keep the server's message.
 */
export function createRestClient(baseUrl: string, options: RestClientOptions = {}, component: Component = "mlflow"): RestClient {
  // Credentials in the URL (`http://user:password@host`, as Python MLflow's requests accepts them)
  // become basic auth: fetch refuses URLs that carry them. Explicit options win.
  const { url: bare, username, password } = splitUserinfo(baseUrl);
  const root = bare.replace(/\/+$/, "");
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const retries = options.retries ?? 5;
  const backoffMs = options.backoffMs ?? 250;
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  else if ((options.username ?? username) !== undefined && (options.password ?? password) !== undefined) {
    const bytes = new TextEncoder().encode(`${options.username ?? username}:${options.password ?? password}`);
    headers.Authorization = `Basic ${btoa(String.fromCharCode(...bytes))}`;
  }

  /**
   * Sends one request with retries; resolves with the response when it is OK or its status is in
   * `absent`, else throws the mapped error.
   */
  async function exchange(
    method: string,
    url: string,
    body?: unknown,
    raw?: { bytes: Uint8Array; contentType: string },
    absent: readonly number[] = [],
  ): Promise<Response> {
    let lastError: unknown;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await doFetch(url, {
          method,
          headers: raw
            ? { ...headers, "Content-Type": raw.contentType }
            : body === undefined
              ? headers
              : { ...headers, "Content-Type": "application/json" },
          body: raw ? (raw.bytes as BodyInit) : body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        lastError = e;
        const pageOrigin = (e as Error)?.name === "TypeError" ? crossOriginPage(url) : undefined;
        if (pageOrigin !== undefined) {
          // Browsers report a CORS refusal and an unreachable server alike (a TypeError, "Failed to
          // fetch"), so the code stays TEMPORARILY_UNAVAILABLE; the refusal is the likely cause, so
          // it is reported at once rather than after retries that cannot change it.
          const host = new URL(url).host;
          throw new SentiMlopsError(
            "TEMPORARILY_UNAVAILABLE",
            `${method} ${url} failed: ${(e as Error).message}. The page (origin ${pageOrigin}) is not allowed to call the MLflow server at ${new URL(url).origin}, ` +
              `or the server is unreachable: the server may be refusing this origin. Start it with --cors-allowed-origins ${pageOrigin}` +
              ` and, if it restricts Host headers, --allowed-hosts ${host}; or serve the page from the server's origin through a proxy`,
            { cause: e, component, details: { corsOrigin: pageOrigin } },
          );
        }
        const timedOut = (e as Error).name === "TimeoutError";
        if (attempt < retries && !timedOut) {
          await sleep(backoffMs * 2 ** attempt * (0.5 + Math.random()));
          continue;
        }
        throw new SentiMlopsError(
          timedOut ? "DEADLINE_EXCEEDED" : "TEMPORARILY_UNAVAILABLE",
          `${method} ${url} failed: ${(e as Error).message}`,
          { cause: e, component },
        );
      }
      if (RETRY_STATUSES.has(response.status) && attempt < retries) {
        await response.body?.cancel();
        const retryAfter = Number(response.headers.get("retry-after"));
        await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : backoffMs * 2 ** attempt * (0.5 + Math.random()));
        continue;
      }
      if (response.ok || absent.includes(response.status)) return response;
      const text = await response.text();
      let json: unknown;
      try {
        json = text === "" ? {} : JSON.parse(text);
      } catch {
        json = undefined;
      }
      if (response.status === 403 && INVALID_HOST.test(text)) {
        const host = new URL(url).host;
        throw new SentiMlopsError(
          "PERMISSION_DENIED",
          `${method} ${url} failed with HTTP 403: ${text.slice(0, 200)}. The MLflow server refuses the Host header ${host}: ` +
            `start it with --allowed-hosts ${host} (or set MLFLOW_SERVER_ALLOWED_HOSTS)`,
          { details: { httpStatus: 403 }, cause: lastError, component },
        );
      }
      const err = json as { error_code?: string; message?: string } | undefined;
      const code = err?.error_code && err.error_code in ERROR_HTTP_STATUS ? (err.error_code as ErrorCode) : codeForStatus(response.status);
      throw new SentiMlopsError(code, err?.message ?? `${method} ${url} failed with HTTP ${response.status}: ${text.slice(0, 200)}`, {
        details: { httpStatus: response.status },
        cause: lastError,
        component,
      });
    }
  }

  async function request<T>(method: string, url: string, body?: unknown, raw?: { bytes: Uint8Array; contentType: string }): Promise<T> {
    const response = await exchange(method, url, body, raw);
    const text = await response.text();
    let json: unknown;
    try {
      json = text === "" ? {} : JSON.parse(text);
    } catch {
      throw new SentiMlopsError("INTERNAL_ERROR", `${method} ${url} answered non-JSON: ${text.slice(0, 200)}`, { component });
    }
    return json as T;
  }

  return {
    baseUrl: root,
    get(path, query = {}) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) {
        if (v === undefined) continue;
        if (Array.isArray(v)) for (const item of v) params.append(k, item);
        else params.append(k, String(v));
      }
      const qs = params.toString();
      return request("GET", `${root}${path}${qs ? `?${qs}` : ""}`);
    },
    send(method, path, body) {
      return request(method, `${root}${path}`, body);
    },
    async put(path, bytes, contentType = "application/octet-stream") {
      await request("PUT", `${root}${path}`, undefined, { bytes, contentType });
    },
    async getBytes(path, absent = [404], limit) {
      const response = await exchange("GET", `${root}${path}`, undefined, undefined, absent);
      if (!response.ok) {
        await response.body?.cancel();
        return null;
      }
      if (!limit) return new Uint8Array(await response.arrayBuffer());
      const length = response.headers.get("content-length");
      // Imported when a limited download happens: tracking calls alone do not carry it (the
      // browser bundle of createTracking(http://) stays within its size budget).
      const { readLimited } = await import("./read-limited.js");
      return readLimited(response.body, limit, length === null ? undefined : Number(length));
    },
    async head(path, absent = [404]) {
      const response = await exchange("HEAD", `${root}${path}`, undefined, undefined, absent);
      await response.body?.cancel();
      return response.ok;
    },
    async delete(path) {
      const response = await exchange("DELETE", `${root}${path}`);
      await response.body?.cancel();
    },
  };
}
