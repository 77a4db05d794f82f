/**
 * Model files the page already holds: a folder picked with `<input type="file" webkitdirectory>`
 * (a `FileList` whose files know their `webkitRelativePath`), files picked or dropped one by one,
 * or a record of paths to bytes. Each is a {@link BertFiles}.
 *
 * @module
 */
import { SentiMlopsError, describeType } from "../errors.js";
import type { BertFiles } from "./bert-files.js";

/**
 * A model folder's files held in memory: a list of `File`s (a `FileList` from a file input, or an
 * array; each file's `webkitRelativePath`, else its `name`, places it in the folder), or a record
 * of folder paths (`"onnx/model.onnx"`) to a `Blob`, `ArrayBuffer` or `Uint8Array`.
 *
 * @example
 * ```ts
 * const picked: BertFileSource = input.files!; // <input type="file" webkitdirectory>
 * const fetched: BertFileSource = { "config.json": configBlob, "tokenizer.json": tokenizerBlob, "tokenizer_config.json": tcBlob, "onnx/model.onnx": onnxBytes };
 * ```
 */
export type BertFileSource = ArrayLike<Blob> | Readonly<Record<string, Blob | ArrayBuffer | Uint8Array>>;

type Bytes = Blob | ArrayBuffer | Uint8Array;

const isBlob = (value: unknown): value is Blob => typeof Blob !== "undefined" && value instanceof Blob;
const isBytes = (value: unknown): value is Bytes => isBlob(value) || value instanceof ArrayBuffer || value instanceof Uint8Array;

/**
 * True when `value` is a {@link BertFileSource}: a non-empty list of `Blob`s, or a plain object
 * whose values are all `Blob`s, `ArrayBuffer`s or `Uint8Array`s.
 *
 * @example
 * ```ts
 * isBertFileSource(input.files); // true for a FileList with files
 * isBertFileSource("https://example.org/model"); // false
 * ```
 */
export function isBertFileSource(value: unknown): value is BertFileSource {
  if (value === null || typeof value !== "object" || isBlob(value)) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const values = Object.values(value);
    return values.length > 0 && values.every(isBytes);
  }
  const list = value as ArrayLike<unknown>;
  return typeof list.length === "number" && list.length > 0 && Array.from(list).every(isBlob);
}

/** The path of a picked file in its folder: `webkitRelativePath` (`picked/onnx/model.onnx`), else its name. */
function pathOf(file: Blob, index: number): string {
  const f = file as Blob & { webkitRelativePath?: unknown; name?: unknown };
  if (typeof f.webkitRelativePath === "string" && f.webkitRelativePath !== "") return f.webkitRelativePath;
  if (typeof f.name === "string" && f.name !== "") return f.name;
  throw SentiMlopsError.invalidParameterValue(`file ${index} of the list has no name: pass File objects, or a record of paths to Blobs`, { component: "bert" });
}

const basename = (path: string): string => path.slice(path.lastIndexOf("/") + 1);
const dirname = (path: string): string => (path.includes("/") ? path.slice(0, path.lastIndexOf("/") + 1) : "");

/**
 * Reads a model folder from files held in memory. A picked folder may be the model folder or one
 * above it: paths are taken relative to the folder of the shallowest `config.json`. A file asked
 * for by its folder path (`onnx/model.onnx`) that is not there is found by its name alone when
 * exactly one file has that name, so files picked one by one (no folders) work too.
 *
 * @throws {SentiMlopsError} `INVALID_PARAMETER_VALUE` for a file without a name.
 *
 * @example
 * ```ts
 * const files = bertFilesFromBlobs(input.files!);
 * await files.read("onnx/model.onnx"); // the picked model.onnx, as bytes
 * ```
 */
export function bertFilesFromBlobs(source: BertFileSource): BertFiles {
  const proto = Object.getPrototypeOf(source);
  const entries: [string, Bytes][] =
    proto !== Object.prototype && proto !== null
      ? Array.from(source as ArrayLike<Blob>, (file, i) => [pathOf(file, i), file] as [string, Bytes])
      : Object.entries(source as Record<string, Bytes>);
  if (entries.length === 0) throw SentiMlopsError.invalidParameterValue(`no files given (${describeType(source)})`, { component: "bert" });
  const normalized = entries.map(([path, bytes]) => [path.replace(/\\/g, "/").replace(/^\.?\//, ""), bytes] as [string, Bytes]);
  const configs = normalized.map(([p]) => p).filter((p) => basename(p) === "config.json").sort((a, b) => a.split("/").length - b.split("/").length);
  const root = configs.length > 0 ? dirname(configs[0]!) : "";
  const byPath = new Map<string, Bytes>();
  const byName = new Map<string, Bytes[]>();
  for (const [path, bytes] of normalized) {
    const relative = path.startsWith(root) ? path.slice(root.length) : path;
    byPath.set(relative, bytes);
    byName.set(basename(relative), [...(byName.get(basename(relative)) ?? []), bytes]);
  }
  const folder = root.replace(/\/$/, "");
  const sourceName = `the ${entries.length} files given${folder ? ` (folder ${folder})` : ""}: ${[...byPath.keys()].slice(0, 8).join(", ")}${byPath.size > 8 ? ", …" : ""}`;
  const find = (path: string): Bytes | undefined => {
    const exact = byPath.get(path);
    if (exact !== undefined) return exact;
    const named = byName.get(basename(path));
    return named?.length === 1 ? named[0] : undefined;
  };
  return {
    source: sourceName,
    async read(path) {
      const bytes = find(path);
      if (bytes === undefined) return null;
      if (bytes instanceof Uint8Array) return bytes;
      if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
      return new Uint8Array(await bytes.arrayBuffer());
    },
    has: async (path) => find(path) !== undefined,
    whyMissing: (path) => (find(path) !== undefined ? undefined : basename(path) === path ? "no such file among them" : `no file ${path}, nor exactly one named ${basename(path)}, among them`),
    dispose: async () => {},
  };
}
