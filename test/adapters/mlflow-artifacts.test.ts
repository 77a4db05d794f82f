/**
 * The MLflow artifact-proxy byte store against the real `mlflow server` the global setup starts
 * (`inject("mlflowUrl")`): the shared conformance suite on a fresh folder per test, the server's own
 * view of what the adapter wrote, the keys the server cannot hold, and parseMlflowArtifactsUri.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import type { ByteStore } from "../../src/adapters/byte-store.js";
import { createMlflowArtifactsByteStore, parseMlflowArtifactsUri } from "../../src/adapters/mlflow-artifacts.js";
import { hasErrorCode, type ErrorCode } from "../../src/errors.js";
import { createRestStore } from "../../src/tracking/stores/rest-store.js";
import { describeByteStore } from "../conformance/byte-store.suite.js";
import { describeArtifactStore } from "../conformance/artifact-store.suite.js";

const url = inject("mlflowUrl");
const PROXY = `${url}/api/2.0/mlflow-artifacts/artifacts`;
const freshBasePath = (): string => `byte-store-tests/${randomUUID()}`;
const storeAt = (basePath: string): ByteStore => createMlflowArtifactsByteStore({ trackingUri: url, basePath });

async function errorOf(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected an error");
}

async function expectCode(fn: () => unknown, code: ErrorCode, mention?: string): Promise<void> {
  const error = await errorOf(fn);
  expect(hasErrorCode(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
  if (mention !== undefined) expect((error as Error).message).toContain(mention);
}

describeByteStore("mlflow-artifacts (real MLflow server)", () => storeAt(freshBasePath()), {
  hasListSizes: true,
  // werkzeug's send_file stats the file, then opens it: an overwrite published in between is served
  // with the old Content-Length (mlflow/server/handlers.py _create_artifact_file_response).
  tornReadsDuringOverwrite: "the MLflow server's GET can serve a file replaced between its stat and its open",
});
describeArtifactStore("mlflow-artifacts (real MLflow server)", () => storeAt(freshBasePath()));

describe("createMlflowArtifactsByteStore against the real server", () => {
  it("what it writes into a run's artifact folder is what the server lists for the run", async () => {
    const tracking = createRestStore(url);
    const experimentId = await tracking.createExperiment(`byte-store-${randomUUID()}`);
    const run = await tracking.createRun({ experimentId, runName: "artifacts" });
    expect(run.info.artifactUri).toMatch(/^mlflow-artifacts:\//);
    const { baseUrl, basePath } = parseMlflowArtifactsUri(run.info.artifactUri, url);
    expect(basePath).toBe(`${experimentId}/${run.info.runId}/artifacts`);
    const store = createMlflowArtifactsByteStore({ trackingUri: baseUrl, basePath });
    await store.put("model/MLmodel", new TextEncoder().encode("flavors: {}\n"));
    await store.put("metrics é.json", new Uint8Array(3));

    const list = async (path?: string) => {
      const qs = new URLSearchParams({ run_id: run.info.runId, ...(path ? { path } : {}) });
      const response = await fetch(`${url}/api/2.0/mlflow/artifacts/list?${qs}`);
      expect(response.status).toBe(200);
      return (await response.json()) as { root_uri: string; files?: { path: string; is_dir: boolean; file_size?: number }[] };
    };
    const root = await list();
    expect(root.root_uri).toBe(run.info.artifactUri);
    expect(root.files).toEqual([
      { path: "metrics é.json", is_dir: false, file_size: 3 },
      { path: "model", is_dir: true },
    ]);
    expect((await list("model")).files).toEqual([{ path: "model/MLmodel", is_dir: false, file_size: 12 }]);
    expect(await store.list()).toEqual(["metrics é.json", "model/MLmodel"]);
    await store.dispose();
    await tracking.close();
  });

  it("keeps keys under basePath, and reads what the server holds there", async () => {
    const basePath = freshBasePath();
    const store = storeAt(basePath);
    await store.put("a/b.txt", new TextEncoder().encode("hi"));
    const direct = await fetch(`${PROXY}/${basePath}/a/b.txt`);
    expect(await direct.text()).toBe("hi");
    await fetch(`${PROXY}/${basePath}/a/c.txt`, { method: "PUT", body: "put by curl" });
    expect(new TextDecoder().decode((await store.get("a/c.txt"))!)).toBe("put by curl");
    expect(await store.list("a")).toEqual(["a/b.txt", "a/c.txt"]);
    const sibling = storeAt(freshBasePath());
    expect(await sibling.list()).toEqual([]);
    await Promise.all([store.dispose(), sibling.dispose()]);
  });

  it("a folder is not a key: get null, has false, and delete leaves its files alone", async () => {
    const store = storeAt(freshBasePath());
    await store.put("folder/file", new Uint8Array([1]));
    expect(await store.get("folder")).toBeNull();
    expect(await store.has("folder")).toBe(false);
    await store.delete("folder"); // the server's DELETE would remove the whole tree
    expect(await store.list()).toEqual(["folder/file"]);
    await store.dispose();
  });

  it("a key cannot also be a folder on the server: the put fails with INTERNAL_ERROR naming the key", async () => {
    const store = storeAt(freshBasePath());
    await store.put("k", new Uint8Array([1]));
    await expectCode(() => store.put("k/child", new Uint8Array([2])), "INTERNAL_ERROR", '"k/child"');
    await store.put("d/child", new Uint8Array([2]));
    await expectCode(() => store.put("d", new Uint8Array([3])), "INTERNAL_ERROR", '"d"');
    expect(await store.list()).toEqual(["d/child", "k"]);
    await store.dispose();
  });

  it("round-trips '?', '+', ';', '&', '=', quotes and '%' not followed by two hex digits", async () => {
    const store = storeAt(freshBasePath());
    const keys = ["q?x=1&y=2", "plus+sign", "a;b/c", "it's \"quoted\"", "100%", "50%off", "tilde~/(x)*!"];
    for (const [i, key] of keys.entries()) await store.put(key, new Uint8Array([i]));
    for (const [i, key] of keys.entries()) expect(Array.from((await store.get(key))!)).toEqual([i]);
    expect(await store.list()).toEqual([...keys].sort());
    await store.dispose();
  });

  it.each([
    ["'#'", "a#b"],
    ["a percent escape", "a%41"],
    ["a control character", "a\u0001b"],
    ["a trailing '?'", "ab?"],
    ["a trailing ';'", "ab;"],
    ["MLflow's upload prefix", "x/.artifact.uploading.y"],
  ])("refuses a key with %s, which the server would refuse or rename, with INVALID_PARAMETER_VALUE", async (_title, key) => {
    const store = storeAt(freshBasePath());
    await expectCode(() => store.put(key, new Uint8Array([1])), "INVALID_PARAMETER_VALUE", JSON.stringify(key));
    await expectCode(() => store.get(key), "INVALID_PARAMETER_VALUE", JSON.stringify(key));
    await expectCode(() => store.has(key), "INVALID_PARAMETER_VALUE", JSON.stringify(key));
    await expectCode(() => store.delete(key), "INVALID_PARAMETER_VALUE", JSON.stringify(key));
    expect(await store.list()).toEqual([]);
    await store.dispose();
  });

  it("refuses a leading 'scheme:' or whitespace only where it reaches the start of the server path", async () => {
    const root = storeAt("");
    await expectCode(() => root.get("s3:x"), "INVALID_PARAMETER_VALUE", '"s3:x"');
    await expectCode(() => root.get(" lead"), "INVALID_PARAMETER_VALUE", '" lead"');
    await root.dispose();
    const nested = storeAt(freshBasePath());
    await nested.put("s3:x", new Uint8Array([1]));
    expect(await nested.list()).toEqual(["s3:x"]);
    await nested.dispose();
  });

  it("maps server failures: a wrong host fails TEMPORARILY_UNAVAILABLE after its retries", async () => {
    const store = createMlflowArtifactsByteStore({ trackingUri: "http://127.0.0.1:9", basePath: "x", retries: 1, backoffMs: 1 });
    await expectCode(() => store.get("k"), "TEMPORARILY_UNAVAILABLE");
    await store.dispose();
  });

  it("validates its options", () => {
    for (const options of [
      { trackingUri: "file:///tmp/mlruns" },
      { trackingUri: "127.0.0.1:5000" },
      { trackingUri: url, basePath: "../up" },
      { trackingUri: url, basePath: "a#b" },
      { trackingUri: url, listConcurrency: 0 },
    ]) {
      expect(() => createMlflowArtifactsByteStore(options), JSON.stringify(options)).toThrowError(/createMlflowArtifactsByteStore/);
    }
    expect(() => createMlflowArtifactsByteStore({ trackingUri: `${url}/`, basePath: "/a/b/" })).not.toThrow();
  });
});

describe("parseMlflowArtifactsUri", () => {
  it("resolves against the tracking server, keeping its scheme and path prefix", () => {
    expect(parseMlflowArtifactsUri("mlflow-artifacts:/1/abc/artifacts", "http://127.0.0.1:5000")).toEqual({
      baseUrl: "http://127.0.0.1:5000",
      basePath: "1/abc/artifacts",
    });
    expect(parseMlflowArtifactsUri("mlflow-artifacts:/1/abc/artifacts/", "https://mlflow.example.com/prefix/")).toEqual({
      baseUrl: "https://mlflow.example.com/prefix",
      basePath: "1/abc/artifacts",
    });
    expect(parseMlflowArtifactsUri("mlflow-artifacts:/", "http://h:1")).toEqual({ baseUrl: "http://h:1", basePath: "" });
    expect(parseMlflowArtifactsUri("mlflow-artifacts:", "http://h:1")).toEqual({ baseUrl: "http://h:1", basePath: "" });
    expect(parseMlflowArtifactsUri("mlflow-artifacts:///1/abc", "http://h:1")).toEqual({ baseUrl: "http://h:1", basePath: "1/abc" });
  });

  it("lets a host inside the URI override the tracking host, as MLflow does", () => {
    expect(parseMlflowArtifactsUri("mlflow-artifacts://other:6000/1/abc/artifacts", "https://mlflow.example.com/prefix")).toEqual({
      baseUrl: "https://other:6000/prefix",
      basePath: "1/abc/artifacts",
    });
    expect(parseMlflowArtifactsUri("mlflow-artifacts://artifacts.internal/0/r/artifacts", "http://localhost:5000")).toEqual({
      baseUrl: "http://artifacts.internal",
      basePath: "0/r/artifacts",
    });
  });

  it("percent-decodes the path (the adapter encodes it again per segment)", () => {
    expect(parseMlflowArtifactsUri("mlflow-artifacts:/1/my%20run/%C3%A9t%C3%A9", "http://h").basePath).toBe("1/my run/été");
  });

  it.each([
    ["another scheme", "s3://bucket/1/abc", "http://h:5000", "mlflow-artifacts:/"],
    ["a port without a host", "mlflow-artifacts://5000/1/abc", "http://h:5000", "port \"5000\" but no host"],
    ["a tracking URI that is not http(s)", "mlflow-artifacts:/1/abc", "sqlite:///mlflow.db", "http or https"],
    ["a file tracking URI", "mlflow-artifacts:/1/abc", "file:///tmp/mlruns", "http or https"],
    ["a '..' segment", "mlflow-artifacts:/1/../../etc", "http://h", "'..'"],
    ["a fragment", "mlflow-artifacts:/1/abc#x", "http://h", "without query or fragment"],
    ["a malformed escape", "mlflow-artifacts:/1/%zz%", "http://h", "malformed"],
    ["an escaped '#'", "mlflow-artifacts:/1/a%23b", "http://h", "'#'"],
  ])("refuses %s with INVALID_PARAMETER_VALUE", async (_title, uri, tracking, mention) => {
    await expectCode(() => parseMlflowArtifactsUri(uri, tracking), "INVALID_PARAMETER_VALUE", mention);
  });
});
