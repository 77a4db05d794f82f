/**
 * The IMDB Large Movie Review Dataset v1.0 (Maas et al., ACL 2011): 25,000 training and 25,000
 * test reviews, half positive, half negative.
 *
 * @module
 */

import { createReadStream } from "node:fs";
import { mkdir, readFile, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { buffer } from "node:stream/consumers";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { createHash } from "node:crypto";
import { stringify } from "csv-stringify";
import { extract as tarExtract } from "tar-stream";
import { SentiMlopsError, describeType } from "../../errors.js";
import { defaultCacheDir, writeFileAtomic } from "../cache.js";
import { collect } from "../collect.js";
import { cancelledOr, downloadVerified, sha256File, type FetchLike } from "../download.js";
import { readCsv } from "../read-csv.js";
import type { LabeledText } from "../types.js";

/**
 * Where the archive is downloaded from by default: the Stanford AI Lab's page.
 *
 * @example
 * ```ts
 * await datasets.imdb({ url: IMDB_URL.replace("https://ai.stanford.edu", "https://mirror.example.org") });
 * ```
 */
export const IMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz";

/**
 * The SHA-256 of the official `aclImdb_v1.tar.gz` (84,125,825 bytes). A download that does not
 * match it (or the `sha256` option) is a `DATA_LOSS` error.
 *
 * @example
 * ```ts
 * await datasets.imdb({ url: mirrorUrl, sha256: IMDB_SHA256 });
 * ```
 */
export const IMDB_SHA256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe";

/**
 * Progress reported by {@link imdb}: bytes downloaded, or compressed bytes of the archive read
 * while extracting.
 *
 * @example
 * ```ts
 * const onProgress = (p: ImdbProgress) => bar.update(p.bytes / (p.totalBytes ?? p.bytes));
 * ```
 */
export interface ImdbProgress {
  phase: "download" | "extract";
  bytes: number;
  /** Known when the server sends `Content-Length`, and always while extracting. */
  totalBytes?: number;
}

/**
 * Options of {@link imdb}.
 *
 * @example
 * ```ts
 * const options: ImdbOptions = { cacheDir: "./.cache/imdb", onProgress: (p) => log(p) };
 * ```
 */
export interface ImdbOptions {
  /**
   * Where to download `aclImdb_v1.tar.gz` from.
   * @default IMDB_URL
   */
  url?: string | URL;
  /**
   * The archive's expected SHA-256 (hex). A download whose hash differs is deleted and rejected
   * with a `DATA_LOSS` error. With `path` pointing to an archive, the archive is checked only when
   * this option is given.
   * @default IMDB_SHA256
   */
  sha256?: string;
  /**
   * The `fetch` used to download.
   * @default globalThis.fetch
   */
  fetch?: FetchLike;
  /**
   * The cache folder, holding the archive, `train.csv`, `test.csv` and `manifest.json`.
   * @default `$SENTI_MLOPS_CACHE/datasets/imdb`, else `$XDG_CACHE_HOME/senti-mlops/datasets/imdb`,
   *   else `~/.cache/senti-mlops/datasets/imdb`
   */
  cacheDir?: string;
  /**
   * A local copy to read instead of downloading: an extracted `aclImdb` folder (or the folder
   * containing it), or an `aclImdb_v1.tar.gz` archive. It is read on every call; nothing is cached.
   * @default process.env.SENTI_MLOPS_IMDB_PATH
   */
  path?: string;
  /** Called as the download and the extraction progress. */
  onProgress?: (progress: ImdbProgress) => void;
  /** Cancels the download or extraction with a `CANCELLED` error. */
  signal?: AbortSignal;
}

/**
 * The two official splits of {@link imdb}.
 *
 * @example
 * ```ts
 * const { train, test }: ImdbSplits = await datasets.imdb();
 * ```
 */
export interface ImdbSplits {
  train: LabeledText[];
  test: LabeledText[];
}

interface Review {
  id: number;
  positive: boolean;
  text: string;
}

type Split = "train" | "test";
const SPLITS: readonly Split[] = ["train", "test"];
const ARCHIVE = "aclImdb_v1.tar.gz";
const MANIFEST = "manifest.json";
const ENTRY = /^(?:\.\/)?aclImdb\/(train|test)\/(pos|neg)\/(\d+)_\d+\.txt$/;
const FILE = /^(\d+)_\d+\.txt$/;

/**
 * Loads the IMDB Large Movie Review Dataset: `label` is `1` for positive and `0` for negative
 * reviews, `text` is the review with surrounding whitespace trimmed (HTML such as `<br />` is kept).
 *
 * The first call downloads the archive once (streamed to a temporary file in the cache folder while
 * hashing, then renamed), checks its SHA-256 (a mismatch is a `DATA_LOSS` error and leaves no file
 * behind), streams through it to pick out `aclImdb/{train,test}/{pos,neg}/*.txt`, and caches the
 * splits as `train.csv` and `test.csv` (columns `text,label`) plus `manifest.json`. Later calls read
 * the cache without touching the network. With `path` (or `SENTI_MLOPS_IMDB_PATH`) a local folder
 * or archive is read instead, without network.
 *
 * Row order is deterministic: by review id (`<id>_<rating>.txt`) ascending, the positive review
 * before the negative one for the same id — so row `2·id` is positive and row `2·id + 1` negative.
 *
 * @throws {SentiMlopsError} `DATA_LOSS` on a SHA-256 mismatch or a corrupt archive;
 *   `RESOURCE_DOES_NOT_EXIST` when `path` does not exist; `INVALID_PARAMETER_VALUE` for a `path`
 *   that is not an aclImdb folder or archive, or a malformed `sha256`; `TEMPORARILY_UNAVAILABLE` when
 *   the download fails; `CANCELLED` when `signal` aborts.
 *
 * @example
 * ```ts
 * import { datasets } from "senti-mlops/data";
 *
 * const { train, test } = await datasets.imdb();            // ~84 MB download the first time
 * train.length;                                            // 25000
 * train[0];                                                // { text: "Bromwell High is a cartoon comedy. …", label: 1 }
 * const local = await datasets.imdb({ path: "./aclImdb" }); // an extracted copy, no network
 * ```
 */
export async function imdb(options: ImdbOptions = {}): Promise<ImdbSplits> {
  try {
    return await load(options);
  } catch (e) {
    throw cancelledOr(e, options.signal, () => e);
  }
}

async function load(options: ImdbOptions): Promise<ImdbSplits> {
  const { signal } = options;
  const expected = options.sha256 === undefined ? undefined : checkSha256(options.sha256);
  const local = options.path ?? process.env.SENTI_MLOPS_IMDB_PATH;
  if (local) return readLocal(local, expected, options);

  const sha256 = expected ?? IMDB_SHA256;
  const url = String(options.url ?? IMDB_URL);
  const cacheDir = options.cacheDir ?? defaultCacheDir("datasets", "imdb");
  const cached = await readCache(cacheDir, sha256);
  if (cached) return cached;

  signal?.throwIfAborted();
  await mkdir(cacheDir, { recursive: true });
  const archive = join(cacheDir, ARCHIVE);
  if ((await sha256File(archive, signal)) !== sha256) {
    await downloadVerified(url, archive, {
      sha256,
      fetch: options.fetch,
      signal,
      onProgress: (bytes, totalBytes) => options.onProgress?.({ phase: "download", bytes, totalBytes }),
    });
  }
  const splits = await readArchive(archive, undefined, options);
  await writeCache(cacheDir, splits, { url, sha256 }, signal);
  return splits;
}

async function readLocal(path: string, sha256: string | undefined, options: ImdbOptions): Promise<ImdbSplits> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    throw new SentiMlopsError("RESOURCE_DOES_NOT_EXIST", `IMDB path not found: ${path}`, { cause: e, component: "data" });
  }
  return info.isDirectory() ? readFolder(path, options.signal) : readArchive(path, sha256, options);
}

/** Reads an extracted `aclImdb` folder (or a folder that contains one). */
async function readFolder(path: string, signal: AbortSignal | undefined): Promise<ImdbSplits> {
  const root = (await isDirectory(join(path, "train"))) ? path : join(path, "aclImdb");
  const reviews: Record<Split, Review[]> = { train: [], test: [] };
  for (const split of SPLITS) {
    for (const polarity of ["pos", "neg"] as const) {
      const dir = join(root, split, polarity);
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (e) {
        throw SentiMlopsError.invalidParameterValue(
          `${path} is not an aclImdb folder: cannot read ${dir} (expected train/ and test/, each with pos/ and neg/)`,
          { cause: e, component: "data" },
        );
      }
      const files = names.filter((name) => FILE.test(name));
      for (let i = 0; i < files.length; i += 64) {
        signal?.throwIfAborted();
        const batch = files.slice(i, i + 64);
        const texts = await Promise.all(batch.map((name) => readFile(join(dir, name), "utf8")));
        batch.forEach((name, j) => reviews[split].push({ id: Number(FILE.exec(name)![1]), positive: polarity === "pos", text: texts[j].trim() }));
      }
    }
  }
  return finish(reviews, path);
}

/**
 * Streams through a `.tar.gz`, keeping only `aclImdb/{train,test}/{pos,neg}/*.txt`, and checks the
 * archive's SHA-256 in the same pass when `sha256` is given.
 */
async function readArchive(path: string, sha256: string | undefined, options: ImdbOptions): Promise<ImdbSplits> {
  const { signal, onProgress } = options;
  const totalBytes = (await stat(path)).size;
  const hash = createHash("sha256");
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (sha256) hash.update(chunk);
      bytes += chunk.length;
      onProgress?.({ phase: "extract", bytes, totalBytes });
      callback(null, chunk);
    },
  });
  const extract = tarExtract();
  const done = pipeline(createReadStream(path), meter, createGunzip(), extract, { signal });
  done.catch(() => undefined);

  const reviews: Record<Split, Review[]> = { train: [], test: [] };
  try {
    for await (const entry of extract) {
      const match = ENTRY.exec(entry.header.name);
      if (!match || entry.header.type !== "file") {
        entry.resume();
        continue;
      }
      const text = (await buffer(entry)).toString("utf8").trim();
      reviews[match[1] as Split].push({ id: Number(match[3]), positive: match[2] === "pos", text });
    }
    await done;
  } catch (e) {
    throw cancelledOr(e, signal, () => new SentiMlopsError("DATA_LOSS", `cannot read archive ${path}: ${(e as Error).message}`, { cause: e, component: "data" }));
  }
  if (sha256) {
    const actual = hash.digest("hex");
    if (actual !== sha256) throw new SentiMlopsError("DATA_LOSS", `sha256 mismatch for ${path}: expected ${sha256}, actual ${actual}`, { component: "data" });
  }
  return finish(reviews, path);
}

/** Orders each split (id ascending, positive first) and turns reviews into labelled texts. */
function finish(reviews: Record<Split, Review[]>, from: string): ImdbSplits {
  const out = {} as ImdbSplits;
  for (const split of SPLITS) {
    if (reviews[split].length === 0) {
      throw SentiMlopsError.invalidParameterValue(`${from} holds no aclImdb/${split}/{pos,neg}/<id>_<rating>.txt reviews`, { component: "data" });
    }
    out[split] = reviews[split]
      .sort((a, b) => a.id - b.id || Number(b.positive) - Number(a.positive))
      .map(({ text, positive }) => ({ text, label: positive ? 1 : 0 }));
  }
  return out;
}

interface Manifest {
  version: 1;
  url: string;
  archiveSha256: string;
  counts: Record<Split, { total: number; positive: number; negative: number }>;
}

async function readCache(dir: string, sha256: string): Promise<ImdbSplits | null> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, MANIFEST), "utf8")) as Manifest;
    if (manifest.version !== 1 || manifest.archiveSha256 !== sha256) return null;
    const splits = {} as ImdbSplits;
    for (const split of SPLITS) {
      splits[split] = await collect(readCsv(join(dir, `${split}.csv`), { labels: "number" }));
      if (splits[split].length !== manifest.counts[split].total) return null;
    }
    return splits;
  } catch {
    return null; // missing or unreadable: rebuild it
  }
}

async function writeCache(dir: string, splits: ImdbSplits, source: { url: string; sha256: string }, signal?: AbortSignal): Promise<void> {
  await rm(join(dir, MANIFEST), { force: true }); // the manifest vouches for the CSVs: drop it while they change
  const counts = {} as Manifest["counts"];
  for (const split of SPLITS) {
    const rows = splits[split];
    await writeFileAtomic(join(dir, `${split}.csv`), Readable.from(rows).pipe(stringify({ header: true, columns: ["text", "label"] })), { signal });
    const positive = rows.filter((row) => row.label === 1).length;
    counts[split] = { total: rows.length, positive, negative: rows.length - positive };
  }
  const manifest: Manifest = { version: 1, url: source.url, archiveSha256: source.sha256, counts };
  await writeFileAtomic(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { signal });
}

function checkSha256(value: unknown): string {
  if (typeof value !== "string" || !/^[0-9a-fA-F]{64}$/.test(value)) {
    throw SentiMlopsError.invalidParameterValue(
      `sha256 must be 64 hexadecimal characters, got ${typeof value === "string" ? JSON.stringify(value) : describeType(value)}`,
      { component: "data" },
    );
  }
  return value.toLowerCase();
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}
