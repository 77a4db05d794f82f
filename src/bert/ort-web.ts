/**
 * Starting onnxruntime-web in a page: its WebAssembly files, and errors that say what went wrong
 * before any model file is read.
 *
 * onnxruntime-web reads its settings (`env.wasm.wasmPaths`, …) once, when its first session in the
 * page is created, and never again. So senti-mlops sets `wasmPaths` from the options of the first
 * `loadBert` (only when given), then creates a session of a tiny built-in model to start the
 * runtime: fetching and compiling its `.wasm`. A failure there is the runtime's, never the model's.
 *
 * @module
 */
import { SentiMlopsError, describeType } from "../errors.js";
import { resolveAgainstDocument } from "../adapters/document-url.js";
import type { OrtLike } from "./ort-like.js";

/**
 * The parts of onnxruntime-web's module that its start touches: `env.wasm` and its version.
 *
 * @example
 * ```ts
 * const ort: OrtWebLike = await import("onnxruntime-web/wasm");
 * ```
 */
export interface OrtWebLike extends OrtLike {
  readonly env: {
    readonly wasm: { numThreads?: number; wasmPaths?: unknown };
    readonly versions?: { readonly web?: string };
  };
}

/**
 * What a load asks of onnxruntime-web: where its files are.
 *
 * @example
 * ```ts
 * const request: OrtWebRequest = { wasmPaths: "/ort/" };
 * ```
 */
export interface OrtWebRequest {
  /** The folder URL of `ort-wasm-simd-threaded.{wasm,mjs}`; unset, where the bundler put them. */
  readonly wasmPaths?: string | URL;
}

/**
 * An ONNX model of one `Identity` node (int64 `x` → `y`, shape [1]): what a start runs to make
 * onnxruntime-web fetch its files and start its threads.
 */
const PROBE_MODEL_BASE64 = "CAgSEHNlbnRpLW1sb3BzLXRlc3Q6OwoUCgF4EgF5GgJuMCIISWRlbnRpdHkSAWdaDwoBeBIKCggIBxIECgIIAWIPCgF5EgoKCAgHEgQKAggBQgQKABAO";

/** The start of each onnxruntime-web module (one per copy of it in the page). */
const starts = /* @__PURE__ */ new WeakMap<object, Promise<void>>();

const ONE_OPTION = "wasmPaths";
const FILES = "ort-wasm-simd-threaded.wasm and ort-wasm-simd-threaded.mjs";

/** The one option, with the files to copy and a CDN folder of this version. */
function wasmPathsHint(version: string | undefined): string {
  const cdn = `https://cdn.jsdelivr.net/npm/onnxruntime-web@${version ?? "<version>"}/dist/`;
  return (
    `Vite and webpack 5 emit these files with the bundle; other setups (esbuild, Rollup without a plugin, a page without a bundler) do not: ` +
    `copy ${FILES} from node_modules/onnxruntime-web/dist/ to your site and pass their folder as loadBert(url, { ${ONE_OPTION}: "/ort/" }), ` +
    `or load them from a CDN: { ${ONE_OPTION}: "${cdn}" }`
  );
}

/** `wasmPaths` as onnxruntime-web reads it: an absolute folder URL ending in `/`. */
function folderUrl(value: string | URL): string {
  const text = value instanceof URL ? value.href : value;
  if (typeof text !== "string" || text.trim() === "") {
    throw SentiMlopsError.invalidParameterValue(`${ONE_OPTION} must be the URL of a folder (a string or URL), got ${describeType(value)}`, { component: "bert" });
  }
  const absolute = /^[a-z][a-z\d+.-]*:/i.test(text) ? text : (resolveAgainstDocument(text) ?? text);
  return absolute.endsWith("/") ? absolute : `${absolute}/`;
}

interface FailedRequest {
  readonly url: string;
  readonly status?: number;
}

/** Requests for `.wasm` / `.mjs` files since `since` (ms, performance time) that failed, per resource timing. */
function failedRuntimeRequests(since: number): FailedRequest[] {
  const performance = (globalThis as { performance?: { getEntriesByType?: (type: string) => unknown[] } }).performance;
  const entries = (performance?.getEntriesByType?.("resource") ?? []) as { name: string; startTime: number; responseStatus?: number; transferSize?: number; responseEnd?: number }[];
  return entries
    .filter((e) => e.startTime >= since && /\.(wasm|mjs)([?#]|$)/i.test(e.name))
    .filter((e) => (typeof e.responseStatus === "number" ? e.responseStatus >= 400 || e.responseStatus === 0 : false))
    .map((e) => ({ url: e.name, status: e.responseStatus === 0 ? undefined : e.responseStatus }));
}

/**
 * The failed runtime requests since `since`; a browser records a request's timing a moment after
 * its response, so this waits up to half a second for one to appear.
 */
async function awaitFailedRuntimeRequests(since: number): Promise<FailedRequest[]> {
  const hasTiming = typeof (globalThis as { performance?: { getEntriesByType?: unknown } }).performance?.getEntriesByType === "function";
  for (let waited = 0; hasTiming; waited += 50) {
    const failed = failedRuntimeRequests(since);
    if (failed.length > 0 || waited >= 500) return failed;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return [];
}

/** The error of a start that failed (the probe model is valid, so the failure is the runtime's). */
async function startFailure(error: unknown, wasmPaths: string | undefined, version: string | undefined, since: number): Promise<SentiMlopsError> {
  const message = String((error as Error)?.message ?? error);
  const failed = await awaitFailedRuntimeRequests(since);
  const imported = /dynamically imported module:?\s*(\S+)/i.exec(message)?.[1];
  const where = wasmPaths
    ? `Check that ${wasmPaths} (${ONE_OPTION}) serves ${FILES} from node_modules/onnxruntime-web/dist/ of version ${version ?? "in use"}.`
    : wasmPathsHint(version);
  const reload = "onnxruntime-web cannot start again in this page: reload it after the fix.";
  if (failed.length > 0 || imported) {
    const what = failed.length > 0 ? failed.map((f) => `${f.url}${f.status !== undefined ? ` (HTTP ${f.status})` : " (no response)"}`).join(", ") : imported!;
    return new SentiMlopsError(
      "RESOURCE_DOES_NOT_EXIST",
      `onnxruntime-web could not fetch its WebAssembly runtime: ${what}. No model file was read yet; the runtime is missing. ${where}. ${reload}`,
      { cause: error, component: "bert" },
    );
  }
  return new SentiMlopsError(
    "INTERNAL_ERROR",
    `onnxruntime-web failed to start before any model file was read: ${message}. If its .wasm file was not found: ${where}. ${reload}`,
    { cause: error, component: "bert" },
  );
}

async function start(ort: OrtWebLike, request: OrtWebRequest): Promise<void> {
  const wasm = ort.env.wasm;
  const version = ort.env.versions?.web;
  const wasmPaths = request.wasmPaths !== undefined ? folderUrl(request.wasmPaths) : undefined;
  if (wasmPaths !== undefined) wasm.wasmPaths = wasmPaths;
  // Outside pages and workers (no `self`: Node, in tests), the WebAssembly build cannot compute its
  // default thread count (it would require node:os), so it gets one thread.
  if (typeof (globalThis as { self?: unknown }).self === "undefined" && !(typeof wasm.numThreads === "number" && wasm.numThreads > 0)) wasm.numThreads = 1;
  const since = (globalThis as { performance?: { now(): number } }).performance?.now() ?? 0;
  try {
    const probe = Uint8Array.from(atob(PROBE_MODEL_BASE64), (c) => c.charCodeAt(0));
    const session = await ort.InferenceSession.create(probe, { executionProviders: ["wasm"] });
    await session.release();
  } catch (e) {
    throw await startFailure(e, wasmPaths, version, since);
  }
}

/**
 * Starts onnxruntime-web (once per copy of it in the page) with the file folder of the first
 * request.
 *
 * @throws {SentiMlopsError} `RESOURCE_DOES_NOT_EXIST` naming the runtime file that could not be
 * fetched and the `wasmPaths` option. A failed start fails every later request in the page the
 * same way.
 *
 * @example
 * ```ts
 * const ort = await import("onnxruntime-web/wasm");
 * await startOnnxruntimeWeb(ort, { wasmPaths: "/ort/" });
 * ```
 */
export async function startOnnxruntimeWeb(ort: OrtWebLike, request: OrtWebRequest = {}): Promise<void> {
  let started = starts.get(ort);
  if (!started) {
    started = start(ort, request);
    starts.set(ort, started);
  }
  await started;
}
