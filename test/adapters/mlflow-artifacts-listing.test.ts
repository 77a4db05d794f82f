/**
 * The MLflow artifact proxy store against a hostile or broken server: a fake MLflow artifact
 * server on 127.0.0.1 (a real HTTP server answering `/api/2.0/mlflow-artifacts/artifacts` list
 * requests) that lists a folder inside itself forever, lists a folder as its own child, lists keys
 * that climb out of the listed folder, or lists a tree too wide. `list` (and so `downloadArtifacts`)
 * must stop, within bounded requests, with a clear error naming the bad entry or the limit.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArtifactStore } from "../../src/adapters/artifact-store.js";
import { createMlflowArtifactsByteStore } from "../../src/adapters/mlflow-artifacts.js";

type Entry = { path: string; is_dir?: boolean; file_size?: number };
/** How the fake server answers a listing of `path` (`""` for the root). */
let answer: (path: string) => Entry[] = () => [];
let requests = 0;
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url!, "http://x");
    if (url.pathname !== "/api/2.0/mlflow-artifacts/artifacts") {
      response.writeHead(404).end();
      return;
    }
    requests++;
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ files: answer(url.searchParams.get("path") ?? "") }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const failure = async (promise: Promise<unknown>): Promise<{ code?: string; message?: string }> => {
  try {
    await promise;
  } catch (e) {
    return e as { code?: string; message?: string };
  }
  throw new Error("the call succeeded");
};

describe("MLflow artifact proxy listings are bounded and checked", () => {
  it("a folder that lists a folder inside itself forever stops at depth 64 with RESOURCE_EXHAUSTED", { timeout: 20_000 }, async () => {
    answer = () => [{ path: "again", is_dir: true }];
    requests = 0;
    const store = createMlflowArtifactsByteStore({ trackingUri: base, basePath: "1/abc/artifacts", retries: 0 });
    const error = await failure(store.list());
    expect(error.code).toBe("RESOURCE_EXHAUSTED");
    expect(error.message).toMatch(/64/);
    expect(requests).toBeLessThanOrEqual(66);
    // downloadArtifacts walks the same listings.
    const artifacts = createArtifactStore(store, { uri: "mlflow-artifacts:/1/abc/artifacts" });
    expect((await failure(artifacts.downloadArtifacts())).code).toBe("RESOURCE_EXHAUSTED");
    await store.dispose();
  });

  it("a folder listed as its own child ('', '.') is refused naming the entry", { timeout: 20_000 }, async () => {
    for (const self of ["", ".", "./"]) {
      answer = () => [{ path: self, is_dir: true }];
      requests = 0;
      const store = createMlflowArtifactsByteStore({ trackingUri: base, retries: 0 });
      const error = await failure(store.list("model"));
      expect(error.code, JSON.stringify(self)).toBe("INTERNAL_ERROR");
      expect(error.message).toContain(JSON.stringify(self));
      expect(requests).toBeLessThanOrEqual(2);
      await store.dispose();
    }
  });

  it("listed keys that leave the listed folder ('..', absolute, backslash, nested) are refused naming the key", { timeout: 20_000 }, async () => {
    for (const bad of ["../../etc/passwd", "..", "/etc/passwd", "a\\..\\..\\b", "x/../../y", "nul\u0000"]) {
      answer = () => [{ path: "ok.txt", file_size: 1 }, { path: bad, file_size: 1 }];
      const store = createMlflowArtifactsByteStore({ trackingUri: base, basePath: "1/abc/artifacts", retries: 0 });
      const error = await failure(store.list());
      expect(error.code, bad).toBe("INTERNAL_ERROR");
      expect(error.message).toContain(JSON.stringify(bad));
      expect((await failure(store.listSizes!("model"))).message).toContain(JSON.stringify(bad));
      await store.dispose();
    }
  });

  it("a tree needing more listings than maxListRequests stops with RESOURCE_EXHAUSTED naming the option", { timeout: 20_000 }, async () => {
    answer = (path) => (path.split("/").length > 6 ? [] : Array.from({ length: 20 }, (_, i) => ({ path: `d${i}`, is_dir: true })));
    requests = 0;
    const store = createMlflowArtifactsByteStore({ trackingUri: base, retries: 0, maxListRequests: 50 });
    const error = await failure(store.list());
    expect(error.code).toBe("RESOURCE_EXHAUSTED");
    expect(error.message).toMatch(/50.*maxListRequests|maxListRequests.*50/);
    expect(requests).toBeLessThanOrEqual(50);
    await store.dispose();
  });

  it("a well-formed listing still lists every file", async () => {
    answer = (path) => (path === "" ? [{ path: "model", is_dir: true }, { path: "a.txt", file_size: 3 }] : path === "model" ? [{ path: "MLmodel", file_size: 10 }] : []);
    const store = createMlflowArtifactsByteStore({ trackingUri: base, retries: 0 });
    expect(await store.listSizes!()).toEqual([
      { key: "a.txt", size: 3 },
      { key: "model/MLmodel", size: 10 },
    ]);
    await store.dispose();
  });
});
