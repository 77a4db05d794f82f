/**
 * Starting onnxruntime-web in a page: its WebAssembly files, its threads, and errors that say what
 * went wrong before any model file is read.
 *
 * onnxruntime-web reads its settings (`env.wasm.numThreads`, `env.wasm.wasmPaths`) once, when its
 * first session in the page is created, and never again. So senti-mlops sets them from the options
 * of the first `loadBert` (only those given), then creates a session of a tiny built-in model to
 * start the runtime: fetching and compiling its `.wasm`, and starting its worker threads. A failure
 * there is the runtime's, never the model's.
 *
 * Threads: with `numThreads` > 1, onnxruntime-web starts `numThreads - 1` workers, each running the
 * script that contains onnxruntime-web (`new Worker(import.meta.url, { type: "module" })`). With
 * onnxruntime-web in a chunk of its own (senti-mlops imports it lazily, so Vite and webpack split
 * it out) that script is onnxruntime-web; bundled into the page's main script (esbuild without
 * splitting, or a page that imports onnxruntime-web statically) it is the page, which does not
 * start a thread, and onnxruntime-web waits for its workers forever (it has no timeout by
 * default). The same happens when a bundler's chunk of onnxruntime-web imports the page's entry
 * chunk (Vite puts shared helpers there when the page bundles CommonJS-style code). So the start is
 * watched: workers that have not answered {@link WORKER_START_TIMEOUT_MS} after the `.wasm` file
 * arrived end it with `DEADLINE_EXCEEDED`.
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
 * What a load asks of onnxruntime-web: its thread count and where its files are.
 *
 * @example
 * ```ts
 * const request: OrtWebRequest = { threads: 2, wasmPaths: "/ort/" };
 * ```
 */
export interface OrtWebRequest {
  /** `env.wasm.numThreads`; unset, onnxruntime-web's default. */
  readonly threads?: number;
  /** The folder URL of `ort-wasm-simd-threaded.{wasm,mjs}`; unset, where the bundler put them. */
  readonly wasmPaths?: string | URL;
}

/**
 * onnxruntime-web once started: the thread count it runs every session of the page on.
 *
 * @example
 * ```ts
 * const { threads } = await startOnnxruntimeWeb(ort, { threads: 2 }); // 2
 * ```
 */
export interface OrtWebStart {
  readonly threads: number;
}

/**
 * How long a start waits for onnxruntime-web's worker threads once its `.wasm` file has arrived
 * (workers then need only to run their script and instantiate the compiled module); where the
 * page cannot report when the file arrived, the wait counts from the start and is
 * {@link WORKER_START_TIMEOUT_NO_TIMING_MS}.
 *
 * @example
 * ```ts
 * WORKER_START_TIMEOUT_MS; // 20000
 * ```
 */
export const WORKER_START_TIMEOUT_MS = 20_000;

/**
 * The wait for worker threads, from the start, where resource timing is unavailable.
 *
 * @example
 * ```ts
 * WORKER_START_TIMEOUT_NO_TIMING_MS; // 60000
 * ```
 */
export const WORKER_START_TIMEOUT_NO_TIMING_MS = 60_000;

/**
 * An ONNX model of one `Identity` node (int64 `x` → `y`, shape [1]): what a start runs to make
 * onnxruntime-web fetch its files and start its threads.
 */
const PROBE_MODEL_BASE64 = "CAgSEHNlbnRpLW1sb3BzLXRlc3Q6OwoUCgF4EgF5GgJuMCIISWRlbnRpdHkSAWdaDwoBeBIKCggIBxIECgIIAWIPCgF5EgoKCAgHEgQKAggBQgQKABAO";

/** The start of each onnxruntime-web module (one per copy of it in the page). */
const starts = /* @__PURE__ */ new WeakMap<object, Promise<OrtWebStart>>();

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

/** True in a browser page or worker that is not cross-origin isolated (Node has no such flag). */
function notIsolated(): boolean {
  const flag = (globalThis as { crossOriginIsolated?: unknown }).crossOriginIsolated;
  return typeof flag === "boolean" && !flag;
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
async function startFailure(error: unknown, request: OrtWebRequest, wasmPaths: string | undefined, version: string | undefined, since: number): Promise<SentiMlopsError> {
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
  const threads = request.threads !== undefined && request.threads > 1 ? ` with threads: ${request.threads}` : "";
  return new SentiMlopsError(
    "INTERNAL_ERROR",
    `onnxruntime-web failed to start${threads} before any model file was read: ${message}. If its .wasm file was not found: ${where}. ${reload}`,
    { cause: error, component: "bert" },
  );
}

/**
 * Watches a start with worker threads: rejects when the workers have not started
 * {@link WORKER_START_TIMEOUT_MS} after the `.wasm` file arrived. (A failing worker cannot be seen
 * sooner reliably: its error usually comes before onnxruntime-web listens to it.) `stop()` removes
 * the observer and the timer.
 */
function watchWorkers(threads: number, since: number, wasmPaths: string | undefined, version: string | undefined): { failed: Promise<never>; stop: () => void } {
  const g = globalThis as {
    PerformanceObserver?: new (callback: (list: { getEntries(): { name: string; startTime: number }[] }) => void) => { observe(options: object): void; disconnect(): void };
  };
  const stops: (() => void)[] = [];
  const fix = wasmPaths
    ? `check that ${wasmPaths} (${ONE_OPTION}) serves ort-wasm-simd-threaded.mjs`
    : `pass loadBert(url, { ${ONE_OPTION} }) so that the workers run onnxruntime-web's own ort-wasm-simd-threaded.mjs (${wasmPathsHint(version)})`;
  const explain = (what: string): string =>
    `onnxruntime-web could not start its ${threads - 1} worker thread${threads > 2 ? "s" : ""} (threads: ${threads}): ${what}. ` +
    `Its workers run the script that contains onnxruntime-web, which does not start a thread when onnxruntime-web is bundled into the page's own script ` +
    `(esbuild or another single-file bundle, a page that imports onnxruntime-web statically) or its chunk imports the page's entry chunk (Vite, when the page bundles CommonJS-style code). ` +
    `Load with threads: 1, or ${fix}. ` +
    `onnxruntime-web cannot start again in this page: reload it after the fix.`;
  const failed = new Promise<never>((_, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (ms: number, why: string): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => reject(new SentiMlopsError("DEADLINE_EXCEEDED", explain(`no worker answered within ${ms / 1000} s ${why}`), { component: "bert" })), ms);
    };
    stops.push(() => {
      if (timer !== undefined) clearTimeout(timer);
    });
    // The wait for the workers counts from the arrival of the .wasm file (a slow download is not a hang).
    if (g.PerformanceObserver) {
      const observer = new g.PerformanceObserver((list) => {
        if (list.getEntries().some((e) => e.startTime >= since && /\.wasm([?#]|$)/i.test(e.name))) {
          arm(WORKER_START_TIMEOUT_MS, "after its .wasm file arrived");
        }
      });
      try {
        observer.observe({ type: "resource", buffered: true });
        stops.push(() => observer.disconnect());
      } catch {
        arm(WORKER_START_TIMEOUT_NO_TIMING_MS, "of the start");
      }
    } else {
      arm(WORKER_START_TIMEOUT_NO_TIMING_MS, "of the start");
    }
  });
  failed.catch(() => {});
  return { failed, stop: () => stops.forEach((s) => s()) };
}

/** The thread count onnxruntime-web will use when none is set (its own default). */
function defaultThreads(): number {
  if (notIsolated()) return 1;
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Math.min(4, Math.ceil((cores || 1) / 2));
}

async function start(ort: OrtWebLike, request: OrtWebRequest): Promise<OrtWebStart> {
  const wasm = ort.env.wasm;
  const version = ort.env.versions?.web;
  const wasmPaths = request.wasmPaths !== undefined ? folderUrl(request.wasmPaths) : undefined;
  if (wasmPaths !== undefined) wasm.wasmPaths = wasmPaths;
  if (request.threads !== undefined) wasm.numThreads = request.threads;
  // Outside pages and workers (no `self`: Node, in tests), the WebAssembly build cannot compute its
  // default thread count (it would require node:os), so it gets one thread unless `threads` says more.
  else if (typeof (globalThis as { self?: unknown }).self === "undefined" && !(typeof wasm.numThreads === "number" && wasm.numThreads > 0)) wasm.numThreads = 1;
  const threads = typeof wasm.numThreads === "number" && wasm.numThreads > 0 ? wasm.numThreads : defaultThreads();
  const since = (globalThis as { performance?: { now(): number } }).performance?.now() ?? 0;
  const watch = threads > 1 ? watchWorkers(threads, since, wasmPaths, version) : undefined;
  try {
    const probe = Uint8Array.from(atob(PROBE_MODEL_BASE64), (c) => c.charCodeAt(0));
    const creating = ort.InferenceSession.create(probe, { executionProviders: ["wasm"] });
    const session = await (watch ? Promise.race([creating, watch.failed]) : creating);
    await session.release();
  } catch (e) {
    if (e instanceof SentiMlopsError) throw e;
    throw await startFailure(e, request, wasmPaths, version, since);
  } finally {
    watch?.stop();
  }
  return Object.freeze({ threads: typeof wasm.numThreads === "number" && wasm.numThreads > 0 ? wasm.numThreads : threads });
}

/**
 * Starts onnxruntime-web (once per copy of it in the page) with the thread count and file folder
 * of the first request, and checks later requests against what it started with.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` for `threads` > 1 in a page that is not
 * cross-origin isolated, or a `threads` other than the one onnxruntime-web already runs with;
 * `RESOURCE_DOES_NOT_EXIST` naming the runtime file that could not be fetched and the
 * `wasmPaths` option; `DEADLINE_EXCEEDED` when its worker threads do not start. A failed start fails every later request in the page the same way.
 *
 * @example
 * ```ts
 * const ort = await import("onnxruntime-web/wasm");
 * await startOnnxruntimeWeb(ort, { threads: 2, wasmPaths: "/ort/" }); // { threads: 2 }
 * ```
 */
export async function startOnnxruntimeWeb(ort: OrtWebLike, request: OrtWebRequest = {}): Promise<OrtWebStart> {
  if (request.threads !== undefined && request.threads > 1 && notIsolated()) {
    throw SentiMlopsError.invalidParameterValue(
      `threads: ${request.threads} needs a cross-origin isolated page (WebAssembly threads share memory), and this one is not: ` +
        `serve it with the headers "Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp", or load with threads: 1`,
      { component: "bert" },
    );
  }
  let started = starts.get(ort);
  if (!started) {
    started = start(ort, request);
    starts.set(ort, started);
  }
  const { threads } = await started;
  if (request.threads !== undefined && request.threads !== threads) {
    throw SentiMlopsError.invalidParameterValue(
      `threads: ${request.threads} cannot apply: onnxruntime-web already runs with ${threads} thread${threads === 1 ? "" : "s"} in this page ` +
        `(it reads its thread count once, at its first model), so every model of the page shares it: pass threads: ${threads} or none`,
      { component: "bert" },
    );
  }
  return { threads };
}
