import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  artifactUriScheme,
  createArtifactResolver,
  createMemoryArtifactBackend,
  joinArtifactUri,
} from "../../src/adapters/artifact-resolver.js";
import { createFsByteStore } from "../../src/adapters/fs.js";
import { createMemoryByteStore } from "../../src/adapters/memory.js";
import { describeArtifactStore } from "../conformance/artifact-store.suite.js";

let tempRoot: string;
let counter = 0;
beforeAll(async () => {
  tempRoot = await mkdtemp(join(tmpdir(), "senti-artifacts-"));
});
afterAll(async () => {
  await rm(tempRoot, { recursive: true, force: true });
});

describeArtifactStore("memory", () => createMemoryByteStore());
describeArtifactStore("fs", () => createFsByteStore({ root: join(tempRoot, `fs-${counter++}`) }));
describeArtifactStore("memory without listSizes", () => {
  const { listSizes: _omitted, ...rest } = createMemoryByteStore();
  return rest;
});

describe("artifact URIs", () => {
  it("names the scheme, treating plain paths and drive letters as files", () => {
    expect(artifactUriScheme("mlflow-artifacts:/1/a/artifacts")).toBe("mlflow-artifacts");
    expect(artifactUriScheme("S3://bucket/p")).toBe("s3");
    expect(artifactUriScheme("file:///srv/mlruns")).toBe("file");
    expect(artifactUriScheme("/srv/mlruns/1")).toBe("file");
    expect(artifactUriScheme("C:\\mlruns")).toBe("file");
    expect(artifactUriScheme("./mlruns")).toBe("file");
    expect(artifactUriScheme("indexeddb://senti/1")).toBe("indexeddb");
  });

  it("joins with exactly one slash", () => {
    expect(joinArtifactUri("mlflow-artifacts:/1/a/artifacts/", "model")).toBe("mlflow-artifacts:/1/a/artifacts/model");
    expect(joinArtifactUri("s3://b/root", "")).toBe("s3://b/root");
    expect(joinArtifactUri("/srv", "/x/")).toBe("/srv/x");
  });
});

describe("createArtifactResolver", () => {
  it("opens stores by scheme; memory:// URIs share one store per resolver", async () => {
    const resolver = createArtifactResolver({ backends: { memory: createMemoryArtifactBackend() } });
    const run = await resolver.open("memory://1/abc/artifacts");
    await run.writeArtifact("model/MLmodel", new TextEncoder().encode("x"));
    const model = await resolver.open("memory://1/abc/artifacts/model");
    expect(await model.listArtifacts()).toEqual([{ path: "MLmodel", isDir: false, fileSize: 1 }]);
    await run.dispose();
    await model.dispose();
    await resolver.dispose();
  });

  it("names the served schemes when a URI has none", async () => {
    const resolver = createArtifactResolver({ backends: { memory: createMemoryArtifactBackend() } });
    const error = await resolver.open("gs://bucket/x").catch((e: Error & { code?: string }) => e);
    expect((error as { code?: string }).code).toBe("NOT_IMPLEMENTED");
    expect((error as Error).message).toMatch(/gs:\/\/bucket\/x.*memory/);
    await resolver.dispose();
    expect(await resolver.open("memory://x").catch((e: { code?: string }) => e.code)).toBe("INVALID_STATE");
  });
});
