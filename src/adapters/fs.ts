/**
 * A {@link ByteStore} over a directory (Node only): each key is a file under `root`, written
 * atomically (temporary file beside it, then rename), so readers see the old bytes or the whole new
 * ones, never a torn file.
 *
 * @module
 */
import type { Dirent } from "node:fs";
import { lstat, mkdir, readdir, realpath, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { SentiMlopsError } from "../errors.js";
import { DEFAULT_MAX_DOWNLOAD_BYTES, resolveMaxBytes } from "../mlflow/read-limited.js";
import { writeFileAtomic } from "./atomic-write.js";
import { readFileLimited } from "./read-file-limited.js";
import { withGuards, type ByteStore } from "./byte-store.js";

/**
 * Options of {@link createFsByteStore}.
 *
 * @example
 * ```ts
 * const bytes = createFsByteStore({ root: "./mlruns" });
 * ```
 */
export interface FsByteStoreOptions {
  /**
   * The directory holding the files; created on the first `put`. A relative path is resolved
   * against the current working directory once, when the store is created. Keys never reach
   * outside it.
   */
  root: string;
  /**
   * The most bytes `get` reads from one file; a larger file fails with `RESOURCE_EXHAUSTED`, checked
   * while reading (a file growing during the read is caught too). 2 GiB fits the largest model
   * senti-mlops handles (BERT base in fp32, about 440 MB). @default 2147483648 (2 GiB,
   * {@link DEFAULT_MAX_DOWNLOAD_BYTES})
   */
  maxBytes?: number;
}

/** The name {@link writeFileAtomic} gives its temporary files: `<target>.<12 hex>.tmp`. */
const TEMP_FILE = /\.[0-9a-f]{12}\.tmp$/;

/**
 * Name limits of the filesystems the store runs on (Linux ext4/xfs/tmpfs, APFS, NTFS): a file or
 * folder name holds at most 255 UTF-8 bytes (`NAME_MAX`), a whole path at most 4095 (`PATH_MAX`
 * less the terminating NUL). A file is first written as `<name>.<12 hex>.tmp`, so a key's last
 * segment has 17 bytes less.
 */
const NAME_MAX = 255;
const TEMP_SUFFIX = ".0123456789ab.tmp".length;
const PATH_MAX = 4095;

const utf8Length = (text: string): number => Buffer.byteLength(text, "utf8");

const hasCode = (e: unknown, ...codes: string[]): boolean =>
  typeof e === "object" && e !== null && codes.includes((e as { code?: string }).code ?? "");

/**
 * Creates a byte store keeping each key as a file under `root` (`"a/b.json"` → `<root>/a/b.json`).
 * Writes are atomic and create parent directories; a missing file reads as `null`; deleting a
 * missing key is a no-op; `list` walks the directory recursively, skipping symbolic links and
 * in-flight temporary files. Keys whose last segment looks like such a temporary file
 * (`*.<12 hex>.tmp`) are refused with `INVALID_PARAMETER_VALUE`, and so are keys the filesystem
 * cannot hold: a folder name over 255 bytes of UTF-8, a file name over 238 (255 less the
 * temporary file's 17-byte suffix), or a whole path over 4095 bytes. `get` reads regular files
 * only (a device such as `/dev/zero`, a FIFO or a socket placed in `root` is refused with
 * `INVALID_PARAMETER_VALUE`) and at most `maxBytes` (default 2 GiB) of them, failing with
 * `RESOURCE_EXHAUSTED` past that. Keys are checked to stay under
 * `root` lexically and then on disk: before every read, write, delete and list, the deepest
 * existing part of the key's path is resolved (`realpath`, following symbolic links placed inside
 * `root` by someone else), and a path that resolves outside the resolved root, or through a
 * dangling symbolic link, is refused with `PERMISSION_DENIED` (the check and the access are two
 * system calls: a link swapped in between them is not caught).
 *
 * @example
 * ```ts
 * const store = createFsByteStore({ root: "./mlruns-artifacts" });
 * await store.put("1/abc/artifacts/model.json", new TextEncoder().encode("{}"));
 * await store.list("1/abc"); // ["1/abc/artifacts/model.json"]
 * await store.get("1/abc/artifacts/missing.bin"); // null
 * ```
 */
export function createFsByteStore(options: FsByteStoreOptions): ByteStore {
  if (typeof options?.root !== "string" || options.root === "") {
    throw SentiMlopsError.invalidParameterValue("createFsByteStore: option 'root' must be a non-empty directory path", { component: "adapters" });
  }
  const root = resolve(options.root);
  const maxBytes = resolveMaxBytes(options.maxBytes, "maxBytes");

  /** The file for an already-normalized key, refusing anything that would land outside root. */
  const pathOf = (key: string): string => {
    if (TEMP_FILE.test(key)) {
      throw SentiMlopsError.invalidParameterValue(
        `Invalid byte-store key ${JSON.stringify(key)}: names ending in '.<12 hex>.tmp' are reserved for temporary files`,
        { component: "adapters" },
      );
    }
    const segments = key.split("/");
    segments.forEach((segment, i) => {
      const last = i === segments.length - 1;
      const limit = last ? NAME_MAX - TEMP_SUFFIX : NAME_MAX;
      if (utf8Length(segment) > limit) {
        throw SentiMlopsError.invalidParameterValue(
          `Invalid byte-store key ${JSON.stringify(key)}: a ${last ? "file" : "folder"} name holds at most ${limit} bytes of UTF-8 ` +
            `in the filesystem store, got ${utf8Length(segment)}`,
          { component: "adapters", details: { key } },
        );
      }
    });
    const path = join(root, ...segments);
    if (utf8Length(path) + TEMP_SUFFIX > PATH_MAX) {
      throw SentiMlopsError.invalidParameterValue(
        `Invalid byte-store key ${JSON.stringify(key)}: the file's path (${utf8Length(path)} bytes under root ${JSON.stringify(root)}) ` +
          `exceeds the filesystem store's limit of ${PATH_MAX} bytes, including ${TEMP_SUFFIX} for the temporary file name`,
        { component: "adapters", details: { key } },
      );
    }
    const rel = relative(root, path);
    if (rel === "" || rel.startsWith(`..${sep}`) || rel === ".." || resolve(root, rel) !== path) {
      throw SentiMlopsError.invalidParameterValue(`Invalid byte-store key ${JSON.stringify(key)}: resolves outside the store root`, { component: "adapters" });
    }
    return path;
  };

  /**
   * The real path of `path`: the `realpath` of its deepest existing ancestor joined with the rest.
   * A dangling symbolic link on the way gives `undefined` (where it leads cannot be checked).
   */
  async function realPathOf(path: string): Promise<string | undefined> {
    const rest: string[] = [];
    for (let current = path; ; ) {
      try {
        return join(await realpath(current), ...rest.reverse());
      } catch (e) {
        if (!hasCode(e, "ENOENT", "ENOTDIR")) throw e;
        if (await lstat(current).then((s) => s.isSymbolicLink(), () => false)) return undefined;
        const parent = dirname(current);
        if (parent === current) return path;
        rest.push(basename(current));
        current = parent;
      }
    }
  }

  /** {@link pathOf}, then refuses a path that symbolic links inside root lead outside it. */
  async function containedPathOf(key: string): Promise<string> {
    const path = pathOf(key);
    const [realRoot, real] = await Promise.all([realPathOf(root), realPathOf(path)]);
    if (realRoot === undefined || real === undefined || !real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) {
      throw new SentiMlopsError(
        "PERMISSION_DENIED",
        `Byte-store key ${JSON.stringify(key)} resolves outside the store root ${JSON.stringify(root)} through a symbolic link`,
        { component: "adapters", details: { key } },
      );
    }
    return path;
  }

  async function walk(dir: string, keyPrefix: string, out: string[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (hasCode(e, "ENOENT", "ENOTDIR")) return;
      throw e;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) await walk(join(dir, entry.name), `${keyPrefix}${entry.name}/`, out);
      else if (entry.isFile() && !TEMP_FILE.test(entry.name)) out.push(`${keyPrefix}${entry.name}`);
    }
  }

  return withGuards({
    async get(key) {
      try {
        const path = await containedPathOf(key);
        return await readFileLimited(path, { maxBytes, what: `byte-store key ${JSON.stringify(key)} (${path})`, option: "the maxBytes option of createFsByteStore" });
      } catch (e) {
        if (hasCode(e, "ENOENT", "ENOTDIR", "EISDIR")) return null;
        throw e;
      }
    },
    async put(key, bytes) {
      const path = await containedPathOf(key);
      await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, bytes);
    },
    async has(key) {
      try {
        return (await stat(await containedPathOf(key))).isFile();
      } catch (e) {
        if (hasCode(e, "ENOENT", "ENOTDIR")) return false;
        throw e;
      }
    },
    async delete(key) {
      const path = await containedPathOf(key);
      try {
        await unlink(path);
      } catch (e) {
        // A missing file, or a directory (no value of its own; macOS answers EPERM): nothing to delete.
        if (hasCode(e, "ENOENT", "ENOTDIR", "EISDIR")) return;
        if (hasCode(e, "EPERM") && (await stat(path).then((s) => s.isDirectory(), () => false))) return;
        throw e;
      }
    },
    async list(prefix = "") {
      const out: string[] = [];
      const dir = prefix === "" ? root : await containedPathOf(prefix.slice(0, -1));
      await walk(dir, prefix, out);
      return out;
    },
    async listSizes(prefix = "") {
      const keys: string[] = [];
      const dir = prefix === "" ? root : await containedPathOf(prefix.slice(0, -1));
      await walk(dir, prefix, keys);
      const entries = await Promise.all(
        keys.map(async (key) => {
          try {
            return { key, size: (await stat(pathOf(key))).size };
          } catch (e) {
            if (hasCode(e, "ENOENT", "ENOTDIR")) return undefined; // deleted while listing
            throw e;
          }
        }),
      );
      return entries.filter((e): e is { key: string; size: number } => e !== undefined);
    },
    async dispose() {},
  });
}
