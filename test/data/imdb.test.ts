/**
 * datasets.imdb() against a small aclImdb-shaped archive built here and served from 127.0.0.1.
 * Nothing reaches the internet.
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { buffer } from "node:stream/consumers";
import { createGzip } from "node:zlib";
import { pack } from "tar-stream";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { datasets, IMDB_SHA256, type ImdbProgress } from "../../src/entries/data.js";
import { expectError } from "./helpers.js";

/** `aclImdb/<split>/<polarity>/<id>_<rating>.txt` → review text (with surrounding whitespace to trim). */
const REVIEWS: Record<string, string> = {
  "train/pos/10_8.txt": "Ten, positive.",
  "train/pos/0_9.txt": "  Bromwell High is a cartoon comedy.<br /><br />Loved it.\n",
  "train/pos/2_7.txt": 'A "quoted", comma-laden\nreview.',
  "train/neg/1_1.txt": "One, negative.",
  "train/neg/10_2.txt": "Ten, negative.",
  "train/neg/0_3.txt": "Zero, negative.",
  "test/pos/0_10.txt": "Café crème — superb ✓<br />Truly.",
  "test/neg/5_4.txt": "Five, negative.",
  "test/neg/0_1.txt": "\tZero, dreadful.\r\n",
};

const EXPECTED = {
  train: [
    { text: "Bromwell High is a cartoon comedy.<br /><br />Loved it.", label: 1 },
    { text: "Zero, negative.", label: 0 },
    { text: "One, negative.", label: 0 },
    { text: 'A "quoted", comma-laden\nreview.', label: 1 },
    { text: "Ten, positive.", label: 1 },
    { text: "Ten, negative.", label: 0 },
  ],
  test: [
    { text: "Café crème — superb ✓<br />Truly.", label: 1 },
    { text: "Zero, dreadful.", label: 0 },
    { text: "Five, negative.", label: 0 },
  ],
};

/** Entries the loader must skip: the real archive also has READMEs, vocabularies, bag-of-words and unsup/. */
const EXTRA: Record<string, string> = {
  "README": "Large Movie Review Dataset v1.0",
  "imdb.vocab": "the\nand\n",
  "train/labeledBow.feat": "9 0:9 1:1\n",
  "train/unsup/0_0.txt": "Unlabelled review.",
  "train/urls_pos.txt": "http://www.imdb.com/title/tt0453418/usercomments\n",
};

async function buildArchive(): Promise<Buffer> {
  const tar = pack();
  for (const dir of ["", "train/", "train/pos/", "train/neg/", "test/", "test/pos/", "test/neg/"]) {
    tar.entry({ name: `aclImdb/${dir}`, type: "directory" });
  }
  for (const [name, text] of Object.entries({ ...EXTRA, ...REVIEWS })) tar.entry({ name: `aclImdb/${name}` }, text);
  tar.finalize();
  return buffer(tar.pipe(createGzip()));
}

async function writeFolder(root: string): Promise<void> {
  for (const [name, text] of Object.entries({ ...EXTRA, ...REVIEWS })) {
    const file = join(root, "aclImdb", name);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
  }
}

const noFetch = () => Promise.reject(new Error("no network in this test"));

let tmp: string;
let archive: Buffer;
let sha256: string;
let server: Server;
let url: string;
let hits = 0;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "senti-data-imdb-"));
  archive = await buildArchive();
  sha256 = createHash("sha256").update(archive).digest("hex");
  server = createServer((req, res) => {
    hits++;
    if (req.url !== "/aclImdb_v1.tar.gz") {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": "application/gzip", "content-length": archive.length }).end(archive);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/aclImdb_v1.tar.gz`;
});

afterAll(async () => {
  server?.close();
  await rm(tmp, { recursive: true, force: true });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

let caseNo = 0;
const freshDir = async (): Promise<string> => mkdtemp(join(tmp, `case-${++caseNo}-`));

describe("datasets.imdb download and cache", () => {
  it("downloads, verifies, extracts in order, caches, and then reads the cache without network", async () => {
    const cacheDir = join(await freshDir(), "imdb");
    const before = hits;
    const progress: ImdbProgress[] = [];
    const first = await datasets.imdb({ url, sha256, cacheDir, onProgress: (p) => progress.push(p) });
    expect(first).toEqual(EXPECTED);
    expect(hits - before).toBe(1);

    const download = progress.filter((p) => p.phase === "download");
    const extract = progress.filter((p) => p.phase === "extract");
    expect(download.at(-1)).toEqual({ phase: "download", bytes: archive.length, totalBytes: archive.length });
    expect(extract.at(-1)).toEqual({ phase: "extract", bytes: archive.length, totalBytes: archive.length });

    expect((await readdir(cacheDir)).sort()).toEqual(["aclImdb_v1.tar.gz", "manifest.json", "test.csv", "train.csv"]);
    expect(JSON.parse(await readFile(join(cacheDir, "manifest.json"), "utf8"))).toMatchObject({
      archiveSha256: sha256,
      url,
      counts: { train: { total: 6, positive: 3, negative: 3 }, test: { total: 3, positive: 1, negative: 2 } },
    });
    expect((await readFile(join(cacheDir, "test.csv"), "utf8")).split("\n")[0]).toBe("text,label");

    const second = await datasets.imdb({ url, sha256, cacheDir, fetch: noFetch });
    expect(second).toEqual(EXPECTED);
    expect(hits - before).toBe(1);
  });

  it("rebuilds the CSV cache from the kept archive without downloading again", async () => {
    const cacheDir = await freshDir();
    const before = hits;
    await datasets.imdb({ url, sha256, cacheDir });
    await rm(join(cacheDir, "train.csv"));
    expect(await datasets.imdb({ url, sha256, cacheDir, fetch: noFetch })).toEqual(EXPECTED);
    expect(hits - before).toBe(1);
  });

  it("rejects a SHA-256 mismatch with DATA_LOSS and leaves no file behind", async () => {
    const cacheDir = await freshDir();
    const wrong = "0".repeat(64);
    await expectError(datasets.imdb({ url, sha256: wrong, cacheDir }), "DATA_LOSS", `expected ${wrong}`, `actual ${sha256}`);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it("checks the real archive's checksum by default", async () => {
    const cacheDir = await freshDir();
    await expectError(datasets.imdb({ url, cacheDir }), "DATA_LOSS", `expected ${IMDB_SHA256}`);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it("uses $SENTI_MLOPS_CACHE/datasets/imdb when no cacheDir is given", async () => {
    const root = await freshDir();
    vi.stubEnv("SENTI_MLOPS_CACHE", root);
    vi.stubEnv("SENTI_MLOPS_IMDB_PATH", "");
    expect(await datasets.imdb({ url, sha256 })).toEqual(EXPECTED);
    expect(await readdir(join(root, "datasets", "imdb"))).toContain("manifest.json");
  });

  it("reports HTTP errors, network errors and aborts", async () => {
    const cacheDir = await freshDir();
    await expectError(datasets.imdb({ url: url.replace("aclImdb_v1", "missing"), sha256, cacheDir }), "RESOURCE_DOES_NOT_EXIST", "HTTP 404");
    await expectError(datasets.imdb({ url, sha256, cacheDir, fetch: noFetch }), "TEMPORARILY_UNAVAILABLE", "no network in this test");
    await expectError(datasets.imdb({ url, sha256, cacheDir, signal: AbortSignal.abort() }), "CANCELLED");
    await expectError(datasets.imdb({ url, sha256: "abc", cacheDir }), "INVALID_PARAMETER_VALUE", "sha256 must be 64 hexadecimal");
    expect(await readdir(cacheDir)).toEqual([]);
  });
});

describe("datasets.imdb from a local copy", () => {
  it("reads an extracted aclImdb folder, or the folder containing it", async () => {
    const root = await freshDir();
    await writeFolder(root);
    expect(await datasets.imdb({ path: join(root, "aclImdb"), fetch: noFetch })).toEqual(EXPECTED);
    expect(await datasets.imdb({ path: root, fetch: noFetch })).toEqual(EXPECTED);
  });

  it("reads an archive, checking its SHA-256 only when one is given", async () => {
    const file = join(await freshDir(), "aclImdb_v1.tar.gz");
    await writeFile(file, archive);
    expect(await datasets.imdb({ path: file, fetch: noFetch })).toEqual(EXPECTED);
    expect(await datasets.imdb({ path: file, sha256, fetch: noFetch })).toEqual(EXPECTED);
    await expectError(datasets.imdb({ path: file, sha256: "f".repeat(64) }), "DATA_LOSS", `expected ${"f".repeat(64)}`, `actual ${sha256}`);
  });

  it("takes the path from SENTI_MLOPS_IMDB_PATH", async () => {
    const file = join(await freshDir(), "archive.tgz");
    await writeFile(file, archive);
    vi.stubEnv("SENTI_MLOPS_IMDB_PATH", file);
    expect(await datasets.imdb({ fetch: noFetch })).toEqual(EXPECTED);
  });

  it("rejects missing paths, other folders and corrupt archives", async () => {
    const dir = await freshDir();
    const missing = join(dir, "nowhere");
    await expectError(datasets.imdb({ path: missing }), "RESOURCE_DOES_NOT_EXIST", missing);
    await expectError(datasets.imdb({ path: dir }), "INVALID_PARAMETER_VALUE", "is not an aclImdb folder");
    const corrupt = join(dir, "corrupt.tar.gz");
    await writeFile(corrupt, archive.subarray(0, archive.length - 40));
    await expectError(datasets.imdb({ path: corrupt }), "DATA_LOSS", "cannot read archive");
    const empty = join(dir, "empty.tar.gz");
    const tar = pack();
    tar.entry({ name: "other/readme.txt" }, "hello");
    tar.finalize();
    await writeFile(empty, await buffer(tar.pipe(createGzip())));
    await expectError(datasets.imdb({ path: empty }), "INVALID_PARAMETER_VALUE", "holds no aclImdb/train");
  });
});
