/**
 * Reading a whole file into memory with a size limit (Node only), for the filesystem byte store
 * and local model files: only regular files are read (a device such as `/dev/zero`, a FIFO or a
 * socket is refused before a byte is read), and the limit holds while the bytes stream in, even
 * when the file grows after its size was checked.
 *
 * @module
 */
import { constants } from "node:fs";
import { open, stat } from "node:fs/promises";
import { SentiMlopsError } from "../errors.js";
import { readLimited, type DownloadLimit } from "../mlflow/read-limited.js";

const notRegular = (limit: DownloadLimit): SentiMlopsError =>
  SentiMlopsError.invalidParameterValue(`${limit.what} is not a regular file (a device, FIFO or socket); only regular files are read`, {
    component: limit.component ?? "adapters",
  });

/**
 * The bytes of the regular file at `path`, at most `limit.maxBytes` of them. Fails with
 * `INVALID_PARAMETER_VALUE` for anything but a regular file (checked before opening, and again on
 * the open file, which is opened non-blocking so that a FIFO cannot hang the call), and with
 * `RESOURCE_EXHAUSTED` when the file is or grows larger than the limit. A folder fails with an
 * `EISDIR` error, and other errors (`ENOENT`, …) are thrown as the filesystem raised them.
 *
 * @example
 * ```ts
 * const bytes = await readFileLimited("./model.senti", { maxBytes: DEFAULT_MAX_DOWNLOAD_BYTES, what: "./model.senti", option: "loadModel's maxBytes option" });
 * await readFileLimited("/dev/zero", limit); // throws INVALID_PARAMETER_VALUE
 * ```
 */
export async function readFileLimited(path: string, limit: DownloadLimit): Promise<Uint8Array> {
  const before = await stat(path);
  // A folder fails as reading it would (EISDIR), which callers already tell apart.
  if (before.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${path}'`), { code: "EISDIR", path });
  if (!before.isFile()) throw notRegular(limit);
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw notRegular(limit);
    return await readLimited(handle.createReadStream({ autoClose: false }), limit, info.size);
  } finally {
    await handle.close();
  }
}
