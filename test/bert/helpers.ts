/**
 * Shared by the BERT tests: the shared model folder and its reference outputs, SST-2 dev, the
 * onnxruntime-web binding set up for Node, a local hub server, folder copies, and tiny ONNX graphs
 * written byte by byte (for models whose inputs or outputs do not fit).
 */
import { existsSync, readFileSync } from "node:fs";
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "csv-parse/sync";
import { PROJECT_ROOT } from "../peers/python-env.js";
import { SHARED, dataFile } from "../peers/sklearn.js";
import type { OrtLike } from "../../src/entries/bert.js";

/** The test model (read-only). */
export const BERT_DIR = join(SHARED, "models", "bert-tiny-sst2");
if (!existsSync(join(BERT_DIR, "config.json"))) throw new Error(`shared model folder missing: ${BERT_DIR}`);

/** One line of reference.jsonl: torch's ids and logits for an SST-2 dev sentence. */
export interface ReferenceRow {
  readonly text: string;
  readonly label: number;
  readonly input_ids: number[];
  readonly logits: number[];
}

export const reference: readonly ReferenceRow[] = readFileSync(join(BERT_DIR, "reference.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line) as ReferenceRow);

/** SST-2 dev: 872 sentences with 0/1 labels. */
export function readSst2Dev(): { text: string; label: number }[] {
  const rows = parse(readFileSync(dataFile("sst2/dev.csv"), "utf8"), { columns: true }) as { text: string; label: string }[];
  return rows.map((r) => ({ text: r.text, label: Number(r.label) }));
}

/** The dev accuracy the model's README states, e.g. `{ correct: 703, total: 872 }`. */
export function readmeAccuracy(): { correct: number; total: number } {
  const readme = readFileSync(join(BERT_DIR, "README.md"), "utf8");
  const match = /SST-2 dev accuracy: [\d.]+%\*\* \((\d+)\/(\d+)\)/.exec(readme);
  if (!match) throw new Error("README.md of the test model states no SST-2 dev accuracy");
  return { correct: Number(match[1]), total: Number(match[2]) };
}

/** onnxruntime-web in Node: WASM files from node_modules (no network), one thread. */
export async function onnxruntimeWeb(): Promise<OrtLike> {
  const ort = await import("onnxruntime-web");
  ort.env.wasm.wasmPaths = pathToFileURL(join(PROJECT_ROOT, "node_modules", "onnxruntime-web", "dist") + "/").href;
  ort.env.wasm.numThreads = 1;
  return ort;
}

/** A temporary copy of the model folder; `change` edits it (delete, rewrite files). */
export async function copyModel(change?: (dir: string) => Promise<void>): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "senti-bert-"));
  await cp(BERT_DIR, dir, { recursive: true });
  // The shared folder is read-only; copies keep the mode bits, so make the copy writable.
  const walk = async (d: string): Promise<void> => {
    await chmod(d, 0o755);
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else await chmod(join(d, e.name), 0o644);
    }
  };
  await walk(dir);
  if (change) await change(dir);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Rewrites `config.json` of a copied folder. */
export async function editConfig(dir: string, edit: (config: Record<string, unknown>) => void): Promise<void> {
  const path = join(dir, "config.json");
  const config = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
  edit(config);
  await writeFile(path, JSON.stringify(config));
}

/**
 * A static file server on 127.0.0.1: `GET <prefix>/<file>` serves `<folder>/<file>`, 404
 * otherwise. Every request path is recorded.
 */
export async function startFolder(
  folder: string,
  prefix: string,
): Promise<{ origin: string; base: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    requests.push(path);
    const file = path.startsWith(`${prefix}/`) ? path.slice(prefix.length + 1) : undefined;
    if (file === undefined || file.includes("..")) {
      res.writeHead(404).end();
      return;
    }
    try {
      const bytes = await readFile(join(folder, file));
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes.byteLength }).end(bytes);
    } catch {
      res.writeHead(404).end("Entry not found");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  const origin = `http://127.0.0.1:${address.port}`;
  return { origin, base: `${origin}${prefix}`, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * A local hub on 127.0.0.1: `GET /<repo>/resolve/<revision>/<file>` serves `<folder>/<file>` for
 * the given repo and revision, 404 otherwise. Every request path is recorded.
 */
export async function startHub(folder: string, repo: string, revision = "main"): Promise<{ base: string; requests: string[]; close: () => Promise<void> }> {
  const served = await startFolder(folder, `/${repo}/resolve/${revision}`);
  return { base: `${served.origin}/${repo}`, requests: served.requests, close: served.close };
}

// ---- A minimal ONNX writer (protobuf wire format), for graphs that do not fit a classifier ----

const varint = (value: number): number[] => {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
};
const field = (number: number, wire: 0 | 2, payload: number[]): number[] =>
  wire === 0 ? [...varint((number << 3) | 0), ...payload] : [...varint((number << 3) | 2), ...varint(payload.length), ...payload];
const str = (number: number, s: string): number[] => field(number, 2, [...new TextEncoder().encode(s)]);
const int = (number: number, n: number): number[] => field(number, 0, varint(n));
const msg = (number: number, parts: number[][]): number[] => field(number, 2, parts.flat());

/** ONNX element types. */
export const ONNX_INT64 = 7;
export const ONNX_FLOAT = 1;

/** A value's name, element type and shape (numbers are fixed dimensions, strings symbolic). */
export interface OnnxValue {
  name: string;
  type: number;
  shape: (number | string)[];
}

const valueInfo = (number: number, v: OnnxValue): number[] =>
  msg(number, [
    str(1, v.name),
    msg(2, [msg(1, [int(1, v.type), msg(2, v.shape.map((d) => msg(1, [typeof d === "number" ? int(1, d) : str(2, d)])))])]),
  ]);

/**
 * An ONNX model (opset 14) of one node: `Identity`, or `Cast` to float, from `input` to `output`.
 *
 * @example
 * ```ts
 * onnxModel({ op: "Identity", input: { name: "x", type: ONNX_INT64, shape: ["b", "s"] }, output: { name: "y", type: ONNX_INT64, shape: ["b", "s"] } });
 * ```
 */
export function onnxModel(spec: { op: "Identity" | "Cast"; input: OnnxValue; output: OnnxValue }): Uint8Array {
  const attributes = spec.op === "Cast" ? [msg(5, [str(1, "to"), int(3, ONNX_FLOAT), int(20, 2)])] : [];
  const node = msg(1, [str(1, spec.input.name), str(2, spec.output.name), str(3, "n0"), str(4, spec.op), ...attributes]);
  const graph = msg(7, [node, str(2, "g"), valueInfo(11, spec.input), valueInfo(12, spec.output)]);
  return new Uint8Array([...int(1, 8), ...str(2, "senti-mlops-test"), ...graph, ...msg(8, [str(1, ""), int(2, 14)])]);
}

/** Writes `bytes` at `dir/path`, creating folders. */
export async function writeInto(dir: string, path: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), bytes);
}

/** The largest absolute difference between two equally shaped matrices. */
export function maxAbsDiff(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number {
  let max = 0;
  a.forEach((row, i) => row.forEach((v, j) => (max = Math.max(max, Math.abs(v - b[i]![j]!)))));
  return max;
}
