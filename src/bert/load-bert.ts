/**
 * `loadBert`: a Hugging Face ONNX sequence classifier (`config.json`, `tokenizer.json`,
 * `tokenizer_config.json`, `onnx/model.onnx` or `onnx/model_quantized.onnx`) from a folder, a
 * model hub, a logged or registered model, or an artifact store, ready for `predict`.
 *
 * @module
 */
import { SentiMlopsError, describeType, hasErrorCode } from "../errors.js";
import { artifactUriScheme } from "../adapters/artifact-resolver.js";
import type { ArtifactStore } from "../adapters/artifact-store.js";
import type { ByteStore } from "../adapters/byte-store.js";
import type { BatchLimits } from "./batch-plan.js";
import { parseBertConfig } from "./bert-config.js";
import { bertFilesFromArtifacts, bertFilesFromByteStore, type BertFiles } from "./bert-files.js";
import { bertFilesFromBlobs, isBertFileSource, type BertFileSource } from "./blob-files.js";
import { BERT_MODEL_FILES, createBertModel, type BertDtype, type BertModel } from "./bert-model.js";
import { createBertSession } from "./bert-session.js";
import { createBertTokenizer } from "./bert-tokenizer.js";
import { resolveAgainstDocument } from "../adapters/document-url.js";
import { createHubFiles, type UrlLayout } from "./hub-files.js";
import type { OrtLike, OrtSessionOptionsLike } from "./ort-like.js";

/**
 * How a BERT model is loaded and run (the options of `loadBert` other than `tracking`).
 *
 * @example
 * ```ts
 * const options: BertModelOptions = { threads: 2, dtype: "q8", maxLength: 256, maxBatchSize: 64 };
 * ```
 */
export interface BertModelOptions {
  /**
   * Threads a model runs on. Node: onnxruntime-node's intra-op threads (inter-op is 1), per model.
   * Browsers: onnxruntime-web's WebAssembly threads, which it sets once per page, at its first
   * model — the first `loadBert` with `threads` sets `env.wasm.numThreads`, and a later load asking
   * for another count is refused. More than 1 needs a cross-origin isolated page (served with
   * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`).
   * With `options.runtime`, the caller configures its runtime. @default ONNX Runtime's default
   * (Node: one per core; browsers: 1, or half the cores up to 4 when cross-origin isolated)
   */
  threads?: number;
  /** `"q8"` runs `onnx/model_quantized.onnx`. @default "fp32" (`onnx/model.onnx`) */
  dtype?: BertDtype;
  /**
   * Longest input in tokens, special tokens included; longer texts are truncated.
   * @default min(512, tokenizer_config.json model_max_length, config.json max_position_embeddings)
   */
  maxLength?: number;
  /** Texts per ONNX Runtime call at most. @default 32 */
  maxBatchSize?: number;
  /** Padded tokens (texts × longest text) per call at most. @default 8192 */
  maxTokensPerBatch?: number;
  /**
   * Batches are padded to a multiple of this many tokens. ONNX Runtime's vector kernels round
   * differently when the padded length changes its remainder modulo their width (onnxruntime-web's
   * WASM SIMD: 4 floats), so with the default a text's scores do not depend on which texts share
   * its batch (checked bit for bit on onnxruntime-web and on onnxruntime-node x64, which is exact at
   * any padding). 1 pads to the longest text only. @default 4
   */
  padToMultipleOf?: number;
  /**
   * What one ONNX Runtime call costs besides its padded tokens, counted in tokens. When finite,
   * texts sorted by length are cut into the batches that minimise padded tokens plus this per
   * batch (a long text runs apart rather than pad shorter ones when its own call costs less);
   * `Infinity` fills each batch up to the limits. Scores do not depend on it (see
   * `padToMultipleOf`). @default `Infinity` in Node; in browsers 4 (WebAssembly on one thread, where a
   * call costs little and every padded token costs the same), 16 with more threads
   */
  callCostTokens?: number;
  /**
   * Browsers: the URL of the folder that serves onnxruntime-web's `ort-wasm-simd-threaded.wasm`
   * and `ort-wasm-simd-threaded.mjs` (copied from `node_modules/onnxruntime-web/dist/`, or a CDN
   * folder such as `https://cdn.jsdelivr.net/npm/onnxruntime-web@1.30.0/dist/`), relative to the
   * page or absolute. Not needed with Vite or webpack 5, which emit these files with the bundle; needed
   * with esbuild, Rollup without a plugin, or no bundler. Sets onnxruntime-web's `env.wasm.wasmPaths`
   * before its first model in the page (later loads cannot change it). Ignored in Node.
   * @default where the bundler put them (next to onnxruntime-web's chunk)
   */
  wasmPaths?: string | URL;
  /** ONNX Runtime execution providers, e.g. `["cpu"]`, `["wasm"]`. @default the runtime's */
  executionProviders?: string[];
  /**
   * The ONNX Runtime binding. `senti-mlops/bert` supplies onnxruntime-node in Node and
   * onnxruntime-web elsewhere; required with the universal core.
   */
  runtime?: OrtLike;
  /** The hub revision (branch, tag or commit) of an http(s) source; implies `layout: "hub"`. @default "main" */
  revision?: string;
  /**
   * How the files of an http(s) source sit under its URL: `"hub"`, Hugging Face's
   * `{url}/resolve/{revision}/{file}`, or `"folder"`, `{url}/{file}` (a static server or CDN).
   * @default `"hub"` when the host is huggingface.co or hf.co (or a subdomain) or `revision` is given, else `"folder"`
   */
  layout?: UrlLayout;
  /**
   * Where files of an http(s) source are cached; `false` for none. @default in Node, a folder under
   * `$SENTI_MLOPS_CACHE` or `~/.cache/senti-mlops/models`; in browsers, IndexedDB database
   * `senti-mlops`, object store `models`
   */
  cache?: ByteStore | false;
  /** The `fetch` used for http(s) sources. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /**
   * The most bytes downloaded for one file of an http(s) source; a larger body fails with
   * `RESOURCE_EXHAUSTED` as soon as the running total passes it (the download is cancelled).
   * 2 GiB fits the largest model senti-mlops handles (BERT base in fp32, about 440 MB).
   * @default 2147483648 (2 GiB)
   */
  maxBytes?: number;
}

/**
 * Where a model can be loaded from: a local folder path or `file:` URL (Node), an http(s) URL (hub
 * or plain folder), in a page a URL relative to the document, a `runs:/`, `models:/` or artifact URI
 * (with `tracking`), an artifact store holding the folder, or the folder's files in memory (a
 * `FileList` from `<input type="file" webkitdirectory>`, `File`s, or a record of paths to bytes).
 *
 * @example
 * ```ts
 * const sources: BertSource[] = ["./bert-sst2", "https://huggingface.co/org/bert-sst2", "models:/sentiment-bert@champion", input.files!];
 * ```
 */
export type BertSource = string | URL | ArtifactStore | BertFileSource;

/**
 * What the environment's runtime is set up with: the load's `threads` and `wasmPaths`.
 *
 * @example
 * ```ts
 * const request: BertRuntimeRequest = { threads: 2, wasmPaths: "/ort/" };
 * ```
 */
export interface BertRuntimeRequest {
  /** The thread count the load asks for (see {@link BertModelOptions.threads}). */
  readonly threads?: number;
  /** Where onnxruntime-web's files are (see {@link BertModelOptions.wasmPaths}). */
  readonly wasmPaths?: string | URL;
}

/**
 * A local folder opened by {@link BertEnvironment.openLocalFolder}: its files as a byte store and,
 * where the runtime may open files by path (Node), the folder's path on this machine.
 *
 * @example
 * ```ts
 * const folder: LocalBertFolder = { store: createFsByteStore({ root }), root };
 * ```
 */
export interface LocalBertFolder {
  /** The folder's files, keyed by their paths in the folder. */
  readonly store: ByteStore;
  /** The folder's absolute path, when the ONNX model may be handed to the runtime by path. */
  readonly root?: string;
}

/**
 * What an entry point supplies to the universal loader: the default runtime, local folders, the
 * default cache.
 *
 * @example
 * ```ts
 * const environment: BertEnvironment = { runtime: () => import("onnxruntime-web") };
 * ```
 */
export interface BertEnvironment {
  /** The ONNX Runtime binding when `options.runtime` is not given, set up for the request. */
  runtime?: (request: BertRuntimeRequest) => Promise<OrtLike>;
  /** The default {@link BertModelOptions.callCostTokens} on `runtime`; `undefined` for `Infinity`. */
  callCostTokens?: (runtime: OrtLike) => number | undefined;
  /** Opens a local folder (its files, and its path for the runtime), or `null` when it is not a folder. */
  openLocalFolder?: (path: string) => Promise<LocalBertFolder | null>;
  /** The cache of http(s) sources when `options.cache` is not given; the model disposes it. */
  defaultCache?: () => ByteStore | undefined;
}

const DEFAULT_MAX_LENGTH = 512;
const DEFAULT_LIMITS: BatchLimits = /* @__PURE__ */ Object.freeze({ maxBatchSize: 32, maxTokensPerBatch: 8192 });
const DEFAULT_PAD_MULTIPLE = 4;

function positiveInteger(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw SentiMlopsError.invalidParameterValue(`${name} must be a positive integer, got ${typeof value === "number" ? value : describeType(value)}`, { component: "bert" });
  }
  return value;
}

function checkOptions(options: BertModelOptions): Readonly<BertModelOptions> {
  if (options === null || typeof options !== "object") {
    throw SentiMlopsError.invalidParameterValue(`options must be an object, got ${describeType(options)}`, { component: "bert" });
  }
  positiveInteger(options.threads, "threads");
  positiveInteger(options.maxLength, "maxLength");
  positiveInteger(options.maxBatchSize, "maxBatchSize");
  positiveInteger(options.maxTokensPerBatch, "maxTokensPerBatch");
  positiveInteger(options.padToMultipleOf, "padToMultipleOf");
  if (options.dtype !== undefined && !(options.dtype in BERT_MODEL_FILES)) {
    throw SentiMlopsError.invalidParameterValue(`dtype must be "fp32" or "q8", got ${JSON.stringify(options.dtype)}`, { component: "bert" });
  }
  if (options.executionProviders !== undefined && !(Array.isArray(options.executionProviders) && options.executionProviders.every((p) => typeof p === "string"))) {
    throw SentiMlopsError.invalidParameterValue(`executionProviders must be an array of strings, got ${describeType(options.executionProviders)}`, { component: "bert" });
  }
  if (options.revision !== undefined && typeof options.revision !== "string") {
    throw SentiMlopsError.invalidParameterValue(`revision must be a string, got ${describeType(options.revision)}`, { component: "bert" });
  }
  if (options.callCostTokens !== undefined && !(typeof options.callCostTokens === "number" && options.callCostTokens >= 0)) {
    throw SentiMlopsError.invalidParameterValue(`callCostTokens must be a number ≥ 0 (or Infinity), got ${describeType(options.callCostTokens)}`, { component: "bert" });
  }
  if (options.wasmPaths !== undefined && !(typeof options.wasmPaths === "string" || options.wasmPaths instanceof URL)) {
    throw SentiMlopsError.invalidParameterValue(`wasmPaths must be a folder URL (a string or URL), got ${describeType(options.wasmPaths)}`, { component: "bert" });
  }
  if (options.layout !== undefined && options.layout !== "hub" && options.layout !== "folder") {
    throw SentiMlopsError.invalidParameterValue(`layout must be "hub" or "folder", got ${JSON.stringify(options.layout)}`, { component: "bert" });
  }
  return Object.freeze({ ...options, executionProviders: options.executionProviders ? [...options.executionProviders] : undefined });
}

async function runtimeOf(options: Readonly<BertModelOptions>, environment: BertEnvironment): Promise<OrtLike> {
  const runtime = options.runtime ?? (await environment.runtime?.({ threads: options.threads, wasmPaths: options.wasmPaths }));
  if (!runtime || typeof runtime.InferenceSession?.create !== "function" || typeof runtime.Tensor !== "function") {
    throw SentiMlopsError.invalidParameterValue(
      `no ONNX Runtime: import loadBert from "senti-mlops/bert" (it binds onnxruntime-node or onnxruntime-web), or pass options.runtime (got ${describeType(runtime)})`,
      { component: "bert" },
    );
  }
  return runtime;
}

function isArtifactStore(value: unknown): value is ArtifactStore {
  return typeof value === "object" && value !== null && typeof (value as ArtifactStore).readArtifact === "function";
}

/** The files of `source`: a hub, a local folder, or artifacts found through `tracking`. */
async function openSource(source: BertSource, options: Readonly<BertModelOptions>, environment: BertEnvironment): Promise<BertFiles> {
  if (isArtifactStore(source)) return bertFilesFromArtifacts(source, { source: source.uri, owns: false });
  if (isBertFileSource(source)) return bertFilesFromBlobs(source);
  if (typeof Blob !== "undefined" && source instanceof Blob) {
    throw SentiMlopsError.invalidParameterValue(
      `one file cannot hold a BERT model (config.json, tokenizer.json, tokenizer_config.json and ${BERT_MODEL_FILES.fp32}): pass all the folder's files, e.g. input.files of <input type="file" webkitdirectory>, or a record of paths to Blobs`,
      { component: "bert" },
    );
  }
  const text = source instanceof URL ? source.href : source;
  if (typeof text !== "string" || text.trim() === "") {
    throw SentiMlopsError.invalidParameterValue(
      `source must be a folder path, an http(s) URL, a runs:/ or models:/ URI, an artifact store, or the folder's files (File objects or a record of paths to Blobs), got ${describeType(source)}`,
      { component: "bert" },
    );
  }
  const remote = (url: string): BertFiles => {
    let cache: ByteStore | undefined;
    let ownsCache = false;
    if (options.cache !== false) {
      cache = options.cache ?? environment.defaultCache?.();
      ownsCache = options.cache === undefined && cache !== undefined;
    }
    return createHubFiles({ baseUrl: url, revision: options.revision, layout: options.layout, cache, ownsCache, fetch: options.fetch, maxBytes: options.maxBytes });
  };
  if (/^https?:\/\//i.test(text)) return remote(text);
  if (!environment.openLocalFolder && artifactUriScheme(text) === "file" && !/^file:/i.test(text)) {
    // A page or worker (no local folders): a relative string is a URL relative to the document.
    const url = resolveAgainstDocument(text);
    if (url !== undefined) return remote(url);
  }
  const local = async (path: string): Promise<BertFiles> => {
    if (!environment.openLocalFolder) {
      throw new SentiMlopsError(
        "NOT_IMPLEMENTED",
        `cannot read the local folder ${path} here (folders need Node.js): pass an http(s) URL, a models:/ URI with tracking, or an artifact store`,
        { component: "bert" },
      );
    }
    const folder = await environment.openLocalFolder(path);
    if (!folder) throw new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `no model folder at ${path}`, { component: "bert" });
    return bertFilesFromByteStore(folder.store, { source: path, owns: true, localRoot: folder.root });
  };
  if (artifactUriScheme(text) === "file") return local(text);
  throw SentiMlopsError.invalidParameterValue(
    `${text} is not a folder path or an http(s) URL: runs:/, models:/ and artifact URIs are loaded by loadBert with { tracking }`,
    { component: "bert" },
  );
}

/**
 * Loads a model from an open {@link BertFiles}; {@link loadBert} and the BERT model codec call it.
 * On failure the files are disposed; on success the model owns them. When the files give the ONNX
 * model's {@link BertFiles.localPath} (a local folder in Node), the runtime gets that path and reads
 * the file itself instead of bytes read here.
 *
 * @example
 * ```ts
 * const model = await loadBertFromFiles(bertFilesFromByteStore(store, { source: "memory" }), { runtime: ort });
 * ```
 */
export async function loadBertFromFiles(files: BertFiles, options: BertModelOptions = {}, environment: BertEnvironment = {}): Promise<BertModel> {
  try {
    const checked = checkOptions(options);
    const runtime = await runtimeOf(checked, environment);
    const dtype = checked.dtype ?? "fp32";
    const modelFile = BERT_MODEL_FILES[dtype];
    const source = files.source;

    const missing = (path: string): SentiMlopsError => {
      const why = path === modelFile ? ` (dtype ${JSON.stringify(dtype)} runs ${modelFile})` : "";
      const request = files.whyMissing?.(path);
      return new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `${path} is missing from ${source}${why}${request ? `: ${request}` : ""}`, { component: "bert" });
    };
    const required = async (path: string): Promise<Uint8Array> => {
      const bytes = await files.read(path);
      if (bytes) return bytes;
      throw missing(path);
    };
    // The ONNX model by path where the runtime can open it (ONNX Runtime then never holds the whole
    // file in JavaScript memory), else its bytes.
    const model = async (): Promise<Uint8Array | string> => {
      const path = files.has ? files.localPath?.(modelFile) : undefined;
      if (path === undefined) return required(modelFile);
      if (await files.has!(modelFile)) return path;
      throw missing(modelFile);
    };
    const json = async (path: string): Promise<unknown> => {
      const bytes = await required(path);
      try {
        return JSON.parse(new TextDecoder().decode(bytes));
      } catch (e) {
        throw SentiMlopsError.invalidParameterValue(`${path} of ${source} is not valid JSON: ${(e as Error).message}`, { cause: e, component: "bert" });
      }
    };
    const [configJson, tokenizerJson, tokenizerConfig, modelInput] = await Promise.all([
      json("config.json"),
      json("tokenizer.json"),
      json("tokenizer_config.json"),
      model(),
    ]);

    const config = parseBertConfig(configJson, source);
    const tokenizerMax = (tokenizerConfig as { model_max_length?: unknown }).model_max_length;
    const maxLength =
      checked.maxLength ??
      Math.min(DEFAULT_MAX_LENGTH, typeof tokenizerMax === "number" && tokenizerMax > 0 ? tokenizerMax : Infinity, config.maxPositions ?? Infinity);
    if (config.maxPositions !== undefined && maxLength > config.maxPositions) {
      throw SentiMlopsError.invalidParameterValue(
        `maxLength ${maxLength} exceeds the model's max_position_embeddings (${config.maxPositions}) in config.json of ${source}`,
        { component: "bert" },
      );
    }
    const tokenizer = await createBertTokenizer({ tokenizerJson, tokenizerConfig, maxLength, source });

    const sessionOptions: OrtSessionOptionsLike = {
      interOpNumThreads: 1,
      graphOptimizationLevel: "all",
      ...(checked.threads !== undefined ? { intraOpNumThreads: checked.threads } : {}),
      ...(checked.executionProviders ? { executionProviders: checked.executionProviders } : {}),
    };
    const padToMultipleOf = checked.padToMultipleOf ?? DEFAULT_PAD_MULTIPLE;
    const session = await createBertSession(runtime, modelInput, { file: modelFile, source, numLabels: config.labels.length, sessionOptions, padToMultipleOf });
    try {
      // One short run checks what the session's metadata cannot: the logits' width at run time.
      await session.run([tokenizer.encode("")]);
    } catch (e) {
      await session.release().catch(() => {});
      if (hasErrorCode(e, "INVALID_PARAMETER_VALUE")) throw e;
      throw SentiMlopsError.invalidParameterValue(`${modelFile} of ${source} fails on a test input: ${(e as Error)?.message ?? e}`, { cause: e, component: "bert" });
    }
    const callCostTokens = checked.callCostTokens ?? environment.callCostTokens?.(runtime) ?? Infinity;
    const limits: BatchLimits = Object.freeze({
      maxBatchSize: checked.maxBatchSize ?? DEFAULT_LIMITS.maxBatchSize,
      maxTokensPerBatch: checked.maxTokensPerBatch ?? DEFAULT_LIMITS.maxTokensPerBatch,
      callCostTokens,
    });
    return createBertModel({ config, tokenizer, session, files, dtype, limits, padToMultipleOf });
  } catch (e) {
    await files.dispose().catch(() => {});
    throw e;
  }
}

/**
 * Loads a model from a local folder (where the environment can read one), an http(s) hub URL, or
 * an artifact store holding the folder — the core of `loadBert`, which binds the environment of
 * its runtime.
 *
 * @example
 * ```ts
 * const model = await loadBertWith({ runtime: async () => ort }, "https://huggingface.co/org/model", {});
 * ```
 */
export async function loadBertWith(environment: BertEnvironment, source: BertSource, options: BertModelOptions = {}): Promise<BertModel> {
  const checked = checkOptions(options);
  // Resolve the runtime first, so a missing one fails before anything is downloaded.
  const runtime = await runtimeOf(checked, environment);
  const files = await openSource(source, checked, environment);
  return loadBertFromFiles(files, { ...checked, runtime }, environment);
}
