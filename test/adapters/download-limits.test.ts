/**
 * Every download path stops at its `maxBytes` limit while the bytes stream in: loadModel of an
 * http(s) URL, BERT hub files, the MLflow artifact proxy, S3 — each against a real HTTP server on
 * 127.0.0.1 that streams a body far larger than the limit and counts what it managed to send —
 * and local model files, where devices and FIFOs are refused before a byte is read.
 */
import { execFileSync } from "node:child_process";
import { createServer, type Server, type ServerResponse } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMlflowArtifactsByteStore } from "../../src/adapters/mlflow-artifacts.js";
import { createS3ByteStore } from "../../src/adapters/s3.js";
import { createHubFiles } from "../../src/bert/hub-files.js";
import { loadModel } from "../../src/index.js";
import { DEFAULT_MAX_DOWNLOAD_BYTES } from "../../src/mlflow/read-limited.js";
import { readModelFile } from "../../src/models/node-files.js";

const MiB = 1024 * 1024;
/** What the server would send in all: far more than any limit below. */
const BODY = 256 * MiB;
const LIMIT = 1 * MiB;

let server: Server;
let base: string;
/** Bytes the server wrote for each request path, once its response ended or was cut. */
const sent = new Map<string, number>();
let tempDir: string;

/** Streams `BODY` bytes in 64 KiB chunks (with or without a Content-Length), stopping if the client goes away. */
function stream(response: ServerResponse, path: string, withLength: boolean): void {
  response.writeHead(200, { "content-type": "application/octet-stream", ...(withLength ? { "content-length": String(BODY) } : {}) });
  const chunk = Buffer.alloc(64 * 1024, 7);
  let written = 0;
  const pump = (): void => {
    while (written < BODY) {
      written += chunk.length;
      if (!response.write(chunk)) return void response.once("drain", pump);
    }
    response.end();
  };
  response.on("close", () => sent.set(path, written));
  pump();
}

beforeAll(async () => {
  tempDir = mkdtempSync(join(tmpdir(), "senti-download-limits-"));
  server = createServer((request, response) => {
    const url = new URL(request.url!, "http://x");
    stream(response, url.pathname, url.searchParams.has("length"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(tempDir, { recursive: true, force: true });
});

/** The settled error of `promise` (or "resolved"). */
const errorOf = (promise: Promise<unknown>): Promise<{ code?: string; message?: string } | "resolved"> =>
  promise.then(
    () => "resolved" as const,
    (e: { code?: string; message?: string }) => e,
  );

/** Waits until the server saw the response to `path` end, and returns what it sent. */
async function sentFor(path: string): Promise<number> {
  for (let i = 0; i < 200 && !sent.has(path); i++) await new Promise((r) => setTimeout(r, 25));
  return sent.get(path) ?? Infinity;
}

describe("download limits (maxBytes), enforced while streaming", () => {
  it("the default limit is 2 GiB", () => {
    expect(DEFAULT_MAX_DOWNLOAD_BYTES).toBe(2 * 1024 * MiB);
  });

  it("loadModel of an http URL fails with RESOURCE_EXHAUSTED naming the URL, the limit and the option, and stops reading", async () => {
    const error = await errorOf(loadModel(`${base}/model.bin`, { maxBytes: LIMIT }));
    expect(error).toMatchObject({ code: "RESOURCE_EXHAUSTED" });
    const message = (error as { message: string }).message;
    expect(message).toContain(`${base}/model.bin`);
    expect(message).toContain(String(LIMIT));
    expect(message).toContain("maxBytes");
    expect(await sentFor("/model.bin")).toBeLessThan(BODY / 4);
    // A Content-Length over the limit fails before the body is read.
    expect(await errorOf(loadModel(`${base}/declared.bin?length`, { maxBytes: LIMIT }))).toMatchObject({ code: "RESOURCE_EXHAUSTED" });
  });

  it("BERT hub files stop at the limit", async () => {
    const files = createHubFiles({ baseUrl: `${base}/org/model`, layout: "folder", maxBytes: LIMIT });
    expect(await errorOf(files.read("model.onnx"))).toMatchObject({ code: "RESOURCE_EXHAUSTED" });
    expect(await sentFor("/org/model/model.onnx")).toBeLessThan(BODY / 4);
    await files.dispose();
  });

  it("the MLflow artifact proxy store stops at the limit", async () => {
    const store = createMlflowArtifactsByteStore({ trackingUri: base, basePath: "1/abc/artifacts", maxBytes: LIMIT, retries: 0 });
    const error = await errorOf(store.get("model/model.onnx"));
    expect(error).toMatchObject({ code: "RESOURCE_EXHAUSTED" });
    expect((error as { message: string }).message).toContain("model/model.onnx");
    expect(await sentFor("/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/model/model.onnx")).toBeLessThan(BODY / 4);
    await store.dispose();
  });

  it("the S3 store stops at the limit", async () => {
    const store = createS3ByteStore({
      bucket: "bucket",
      endpoint: base,
      forcePathStyle: true,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxBytes: LIMIT,
    });
    const error = await errorOf(store.get("model.onnx"));
    expect(error).toMatchObject({ code: "RESOURCE_EXHAUSTED" });
    expect((error as { message: string }).message).toContain("s3://bucket/model.onnx");
    expect(await sentFor("/bucket/model.onnx")).toBeLessThan(BODY / 4);
    await store.dispose();
  });

  it("local model files: /dev/zero and a FIFO are refused before reading, a file over the limit is RESOURCE_EXHAUSTED", async () => {
    expect(await errorOf(readModelFile("/dev/zero"))).toMatchObject({ code: "INVALID_PARAMETER_VALUE" });
    expect(await errorOf(loadModel("/dev/zero"))).toMatchObject({ code: "INVALID_PARAMETER_VALUE" });
    const fifo = join(tempDir, "fifo");
    execFileSync("mkfifo", [fifo]);
    expect(await errorOf(loadModel(fifo))).toMatchObject({ code: "INVALID_PARAMETER_VALUE" });
    const big = join(tempDir, "big.bin");
    writeFileSync(big, Buffer.alloc(LIMIT + 1));
    const error = await errorOf(loadModel(big, { maxBytes: LIMIT }));
    expect(error).toMatchObject({ code: "RESOURCE_EXHAUSTED" });
    expect((error as { message: string }).message).toContain(big);
  });

  it("refuses a maxBytes that is not a positive integer", async () => {
    expect(await errorOf(loadModel(`${base}/x.bin`, { maxBytes: 0 }))).toMatchObject({ code: "INVALID_PARAMETER_VALUE" });
    expect(() => createMlflowArtifactsByteStore({ trackingUri: base, maxBytes: -1 })).toThrow(/maxBytes/);
  });
});
