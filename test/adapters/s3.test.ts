/**
 * The S3 byte store against a real S3-compatible server: moto's standalone server as a separate
 * process on loopback, over HTTP, path-style, with SigV4 signatures checked by the server.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createS3ByteStore, parseS3Uri, type S3ByteStoreOptions } from "../../src/adapters/s3.js";
import { hasErrorCode, isSentiMlopsError, type ErrorCode } from "../../src/errors.js";
import { describeByteStore } from "../conformance/byte-store.suite.js";
import { freePort } from "../peers/mlflow-server.js";
import { PROJECT_ROOT } from "../peers/python-env.js";
import { startS3Server, type S3Credentials, type S3Server } from "../peers/s3-server.js";
import { describeArtifactStore } from "../conformance/artifact-store.suite.js";

/**
 * Every S3Client built in this file, the store's own included (it loads the SDK with a dynamic
 * import, which this mock also serves): the SDK's class, subclassed only to record constructions
 * and destructions, so the tests below can tell whether a store built (and destroyed) a client.
 */
const clients = vi.hoisted(() => ({ built: [] as { destroyed: boolean }[] }));
vi.mock("@aws-sdk/client-s3", async (importOriginal) => {
  const sdk = await importOriginal<typeof import("@aws-sdk/client-s3")>();
  class RecordedS3Client extends sdk.S3Client {
    readonly #record = { destroyed: false };
    constructor(...args: ConstructorParameters<typeof sdk.S3Client>) {
      super(...args);
      clients.built.push(this.#record);
    }
    override destroy(): void {
      this.#record.destroyed = true;
      super.destroy();
    }
  }
  return { ...sdk, S3Client: RecordedS3Client };
});

const MiB = 1024 * 1024;
let server: S3Server;
let admin: S3Client;
let bucketCounter = 0;

const clientFor = (credentials: S3Credentials, extra: Partial<ConstructorParameters<typeof S3Client>[0]> = {}): S3Client =>
  new S3Client({ endpoint: server.endpoint, region: server.region, forcePathStyle: true, credentials, ...extra });

/** Options that make the store build its own client for the test server. */
const serverOptions = (credentials: S3Credentials = server): Omit<S3ByteStoreOptions, "bucket"> => ({
  endpoint: server.endpoint,
  region: server.region,
  forcePathStyle: true,
  credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
});

async function freshBucket(): Promise<string> {
  const bucket = `senti-test-${process.pid}-${bucketCounter++}`;
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

async function failure(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected the call to fail");
}

async function expectCode(fn: () => Promise<unknown>, code: ErrorCode, causeName?: string): Promise<void> {
  const error = await failure(fn);
  expect(isSentiMlopsError(error), `expected a SentiMlopsError, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code, String((error as Error).message)).toBe(code);
  if (causeName !== undefined) expect(((error as Error).cause as Error).name).toBe(causeName);
}

const objectBytes = async (bucket: string, key: string): Promise<Uint8Array> =>
  (await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray();

beforeAll(async () => {
  server = await startS3Server();
  admin = clientFor(server);
});
afterAll(async () => {
  admin?.destroy();
  await server?.stop();
});

describeByteStore(
  "s3 (fresh bucket per test, client built from options)",
  async () => createS3ByteStore({ bucket: await freshBucket(), ...serverOptions() }),
  { hasListSizes: true },
);
describeArtifactStore("s3", async () => createS3ByteStore({ bucket: await freshBucket(), ...serverOptions() }));

let sharedBucket: Promise<string> | undefined;
let prefixCounter = 0;
describeByteStore("s3 (fresh prefix per test in a shared bucket, injected client)", async () => {
  sharedBucket ??= freshBucket();
  const bucket = await sharedBucket;
  const prefix = `runs/${prefixCounter++}`;
  // A sibling folder of the store's prefix and an object beside it: neither may ever show up.
  await admin.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}x/sibling`, Body: "s" }));
  await admin.send(new PutObjectCommand({ Bucket: bucket, Key: `runs/outside`, Body: "o" }));
  return createS3ByteStore({ bucket, prefix, client: admin });
}, { hasListSizes: true });

describe("createS3ByteStore against moto", () => {
  it("the server refuses unsigned requests, so signatures below are really checked", async () => {
    const bucket = await freshBucket();
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: "secret", Body: "top-secret-value-42" }));
    const object = await fetch(`${server.endpoint}/${bucket}/secret`);
    expect(object.status).toBe(403);
    expect(await object.text()).not.toContain("top-secret-value-42");
    // moto 5.2.5 answers an unsigned bucket-level request with 500 (a KeyError on the missing
    // Authorization header) rather than 403: still refused, nothing listed.
    const listing = await fetch(`${server.endpoint}/${bucket}?list-type=2`);
    expect(listing.status).toBeGreaterThanOrEqual(400);
    expect(await listing.text()).not.toContain("secret");
  });

  it("uploads a 12 MiB value in parts above the threshold and reads it back byte for byte", async () => {
    const bucket = await freshBucket();
    const store = createS3ByteStore({ bucket, ...serverOptions(), multipartThreshold: 5 * MiB, partSize: 5 * MiB, queueSize: 2 });
    const value = new Uint8Array(randomBytes(12 * MiB));
    await store.put("models/model.onnx", value);
    // S3 gives a multipart object an ETag "<md5 of part md5s>-<part count>".
    const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: "models/model.onnx" }));
    expect(head.ETag).toMatch(/-3"$/);
    expect(head.ContentLength).toBe(12 * MiB);
    const got = (await store.get("models/model.onnx"))!;
    expect(got.byteLength).toBe(value.byteLength);
    expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(value)).toBe(true);

    // Replacing it with a small value goes through one PutObject and leaves no part behind.
    await store.put("models/model.onnx", new Uint8Array([1, 2, 3]));
    const small = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: "models/model.onnx" }));
    expect(small.ETag).not.toMatch(/-\d+"$/);
    expect(Array.from((await store.get("models/model.onnx"))!)).toEqual([1, 2, 3]);
    expect((await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? []).toEqual([]);
    await store.dispose();
  });

  it("a refused multipart upload maps its error too and leaves the previous value", async () => {
    const bucket = await freshBucket();
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: "big.bin", Body: "old" }));
    const store = createS3ByteStore({ bucket, ...serverOptions(server.readOnly), multipartThreshold: 5 * MiB, partSize: 5 * MiB });
    await expectCode(() => store.put("big.bin", new Uint8Array(6 * MiB)), "PERMISSION_DENIED", "AccessDenied");
    expect(new TextDecoder().decode(await objectBytes(bucket, "big.bin"))).toBe("old");
    expect((await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? []).toEqual([]);
    await store.dispose();
  });

  it("a value exactly at the threshold is one PutObject", async () => {
    const bucket = await freshBucket();
    const store = createS3ByteStore({ bucket, ...serverOptions(), multipartThreshold: 5 * MiB, partSize: 5 * MiB });
    await store.put("edge.bin", new Uint8Array(5 * MiB).fill(7));
    const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: "edge.bin" }));
    expect(head.ETag).not.toMatch(/-\d+"$/);
    expect(head.ContentLength).toBe(5 * MiB);
    await store.dispose();
  });

  it("lists more than 1000 keys by following continuation tokens", async () => {
    const bucket = await freshBucket();
    const client = clientFor(server);
    let listCalls = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "ListObjectsV2Command") listCalls++;
        return next(args);
      },
      { step: "initialize", name: "countListCalls" },
    );
    const store = createS3ByteStore({ bucket, prefix: "many", client });
    const keys = Array.from({ length: 1105 }, (_, i) => `k/${String(i).padStart(5, "0")}`);
    for (let i = 0; i < keys.length; i += 25) {
      await Promise.all(keys.slice(i, i + 25).map((key) => store.put(key, new Uint8Array([i & 0xff]))));
    }
    expect(await store.list()).toEqual(keys);
    expect(listCalls).toBe(2);
    expect(await store.list("k")).toEqual(keys);
    await store.dispose();
    client.destroy();
  });

  it("a store with a prefix sees only its folder, and writes land under it", async () => {
    const bucket = await freshBucket();
    for (const key of ["outside.txt", "team/other", "teamwork/a", "team/a/x", "team/a/y", "team/ab/z", "team/a/folder/"]) {
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    }
    const store = createS3ByteStore({ bucket, prefix: "team/a/", client: admin });
    expect(await store.list()).toEqual(["x", "y"]); // "folder/" placeholder: not a valid key, left out
    expect(new TextDecoder().decode((await store.get("x"))!)).toBe("team/a/x");
    expect(await store.get("team/other")).toBeNull();
    expect(await store.has("outside.txt")).toBe(false);

    await store.put("new/file.bin", new Uint8Array([9]));
    expect(Array.from(await objectBytes(bucket, "team/a/new/file.bin"))).toEqual([9]);
    await store.delete("x");
    const all = await admin.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(all.Contents!.map((o) => o.Key).sort()).toEqual(
      ["outside.txt", "team/a/folder/", "team/a/new/file.bin", "team/a/y", "team/ab/z", "team/other", "teamwork/a"].sort(),
    );
    await store.dispose();
  });

  it("keys with '+', '%', control and XML-special characters list as written", async () => {
    const bucket = await freshBucket();
    const store = createS3ByteStore({ bucket, prefix: "p+q %", client: admin });
    const keys = ["a+b c", "pct%20x", "ctl\u0001key", "tab\tkey", "amp&lt;<>\"'", "100%"];
    for (const [i, key] of keys.entries()) await store.put(key, new Uint8Array([i]));
    expect(await store.list()).toEqual([...keys].sort());
    for (const [i, key] of keys.entries()) expect(Array.from((await store.get(key))!)).toEqual([i]);
    expect(Array.from(await objectBytes(bucket, "p+q %/a+b c"))).toEqual([0]);
    await store.dispose();
  });

  it("a missing bucket gives RESOURCE_DOES_NOT_EXIST with the S3 error as cause", async () => {
    const store = createS3ByteStore({ bucket: "senti-no-such-bucket", ...serverOptions() });
    await expectCode(() => store.get("k"), "RESOURCE_DOES_NOT_EXIST", "NoSuchBucket");
    await expectCode(() => store.put("k", new Uint8Array([1])), "RESOURCE_DOES_NOT_EXIST", "NoSuchBucket");
    await expectCode(() => store.list(), "RESOURCE_DOES_NOT_EXIST", "NoSuchBucket");
    await expectCode(() => store.delete("k"), "RESOURCE_DOES_NOT_EXIST", "NoSuchBucket");
    // A HEAD response has no body, so a missing bucket looks like a missing key.
    expect(await store.has("k")).toBe(false);
    const error = (await failure(() => store.get("k"))) as Error;
    expect(error.message).toContain('"k"');
    expect(error.message).toContain("senti-no-such-bucket");
    await store.dispose();
  });

  it("a wrong secret key is refused by the server: PERMISSION_DENIED (403, SignatureDoesNotMatch)", async () => {
    const bucket = await freshBucket();
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "v" }));
    const store = createS3ByteStore({
      bucket,
      ...serverOptions({ accessKeyId: server.accessKeyId, secretAccessKey: `${server.secretAccessKey.slice(0, -1)}x` }),
    });
    await expectCode(() => store.get("k"), "PERMISSION_DENIED", "SignatureDoesNotMatch");
    await expectCode(() => store.put("k", new Uint8Array([1])), "PERMISSION_DENIED", "SignatureDoesNotMatch");
    await expectCode(() => store.list(), "PERMISSION_DENIED", "SignatureDoesNotMatch");
    await expectCode(() => store.delete("k"), "PERMISSION_DENIED", "SignatureDoesNotMatch");
    await expectCode(() => store.has("k"), "PERMISSION_DENIED");
    const error = (await failure(() => store.get("k"))) as { httpStatus: number };
    expect(error.httpStatus).toBe(403);
    expect(new TextDecoder().decode(await objectBytes(bucket, "k"))).toBe("v");
    await store.dispose();
  });

  it("an unknown access key is refused: PERMISSION_DENIED (InvalidAccessKeyId)", async () => {
    const bucket = await freshBucket();
    const store = createS3ByteStore({ bucket, ...serverOptions({ accessKeyId: "AKIAUNKNOWNKEY000000", secretAccessKey: "x" }) });
    await expectCode(() => store.get("k"), "PERMISSION_DENIED", "InvalidAccessKeyId");
    await store.dispose();
  });

  it("a read-only IAM user may read but not write: AccessDenied → PERMISSION_DENIED", async () => {
    const bucket = await freshBucket();
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: "shared/model.json", Body: "{}" }));
    const store = createS3ByteStore({ bucket, ...serverOptions(server.readOnly) });
    expect(new TextDecoder().decode((await store.get("shared/model.json"))!)).toBe("{}");
    expect(await store.list()).toEqual(["shared/model.json"]);
    await expectCode(() => store.put("shared/model.json", new Uint8Array([1])), "PERMISSION_DENIED", "AccessDenied");
    await expectCode(() => store.delete("shared/model.json"), "PERMISSION_DENIED", "AccessDenied");
    expect(new TextDecoder().decode(await objectBytes(bucket, "shared/model.json"))).toBe("{}");
    await store.dispose();
  });

  it("an unreachable endpoint gives TEMPORARILY_UNAVAILABLE", async () => {
    const port = await freePort();
    const client = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      region: "us-east-1",
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
    });
    const store = createS3ByteStore({ bucket: "any-bucket", client });
    await expectCode(() => store.get("k"), "TEMPORARILY_UNAVAILABLE");
    await store.dispose();
    client.destroy();
  });

  it("dispose leaves an injected client usable", async () => {
    const bucket = await freshBucket();
    const client = clientFor(server);
    const store = createS3ByteStore({ bucket, client });
    await store.put("k", new Uint8Array([1]));
    await store.dispose();
    await expectCode(() => store.get("k"), "INVALID_STATE");
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(listed.Contents!.map((o) => o.Key)).toEqual(["k"]);
    client.destroy();
  });

  it("dispose of a store that never made a call builds no client and succeeds", async () => {
    const before = clients.built.length;
    const store = createS3ByteStore({ bucket: "never-used", ...serverOptions() });
    await expect(store.dispose()).resolves.toBeUndefined();
    await expect(store.dispose()).resolves.toBeUndefined();
    expect(clients.built.length).toBe(before);
    await expectCode(() => store.get("k"), "INVALID_STATE");
    expect(clients.built.length).toBe(before);

    // The control: the same options with one call build exactly one client, which dispose destroys.
    const used = createS3ByteStore({ bucket: await freshBucket(), ...serverOptions() });
    expect(await used.list()).toEqual([]);
    expect(clients.built.length).toBe(before + 1);
    const built = clients.built[before];
    expect(built.destroyed).toBe(false);
    await used.dispose();
    expect(built.destroyed).toBe(true);
  });

  it("validates its options with INVALID_PARAMETER_VALUE naming the option", () => {
    const cases: [Partial<S3ByteStoreOptions>, string][] = [
      [{}, "bucket"],
      [{ bucket: "" }, "bucket"],
      [{ bucket: "a/b" }, "bucket"],
      [{ bucket: "b", prefix: "../up" }, "prefix"],
      [{ bucket: "b", prefix: "/abs" }, "prefix"],
      [{ bucket: "b", prefix: "a//b" }, "prefix"],
      [{ bucket: "b", partSize: 5 * MiB - 1 }, "partSize"],
      [{ bucket: "b", partSize: 5 * MiB + 0.5 }, "partSize"],
      [{ bucket: "b", queueSize: 0 }, "queueSize"],
      [{ bucket: "b", multipartThreshold: -1 }, "multipartThreshold"],
    ];
    for (const [options, name] of cases) {
      let error: unknown;
      try {
        createS3ByteStore(options as S3ByteStoreOptions);
      } catch (e) {
        error = e;
      }
      expect(hasErrorCode(error, "INVALID_PARAMETER_VALUE"), JSON.stringify(options)).toBe(true);
      expect((error as Error).message).toContain(`'${name}'`);
    }
  });
});

describe("parseS3Uri", () => {
  it.each([
    ["s3://mlflow/1/abc/artifacts", { bucket: "mlflow", prefix: "1/abc/artifacts" }],
    ["s3://mlflow/1/abc/artifacts/", { bucket: "mlflow", prefix: "1/abc/artifacts" }],
    ["s3://mlflow", { bucket: "mlflow", prefix: "" }],
    ["s3://mlflow/", { bucket: "mlflow", prefix: "" }],
    ["S3://My_Legacy.Bucket-1/x", { bucket: "My_Legacy.Bucket-1", prefix: "x" }],
    ["s3://bucket/dir with space/é", { bucket: "bucket", prefix: "dir with space/é" }],
    ["s3://bucket/a%20b", { bucket: "bucket", prefix: "a%20b" }],
  ])("parses %s", (uri, expected) => {
    expect(parseS3Uri(uri)).toEqual(expected);
  });

  it.each([
    ["", "s3://"],
    ["mlflow/1/abc", "s3://"],
    ["gs://bucket/x", "s3://"],
    ["s3:/bucket/x", "s3://"],
    ["s3://", "no bucket"],
    ["s3:///x", "no bucket"],
    ["s3://ab/x", "bucket name"],
    ["s3://user@bucket/x", "bucket name"],
    ["s3://bucket:9000/x", "bucket name"],
    ["s3://-bucket/x", "bucket name"],
    ["s3://bucket/a/../b", "path"],
    ["s3://bucket/a//b", "path"],
    ["s3://bucket//a", "path"],
    ["s3://bucket/x?versionId=1", "query"],
    ["s3://bucket/x#frag", "query"],
  ])("refuses %j with INVALID_PARAMETER_VALUE", (uri, mention) => {
    let error: unknown;
    try {
      parseS3Uri(uri);
    } catch (e) {
      error = e;
    }
    expect(hasErrorCode(error, "INVALID_PARAMETER_VALUE")).toBe(true);
    expect((error as Error).message).toContain(JSON.stringify(uri));
    expect((error as Error).message).toContain(mention);
  });

  it("refuses a non-string", () => {
    expect(() => parseS3Uri(42 as unknown as string)).toThrowError(/must be a string/);
  });

  it("round-trips into a working store", async () => {
    const bucket = await freshBucket();
    const store = createS3ByteStore({ ...parseS3Uri(`s3://${bucket}/1/abc/artifacts`), client: admin });
    await store.put("model/MLmodel", new TextEncoder().encode("flavors: {}"));
    expect(new TextDecoder().decode(await objectBytes(bucket, "1/abc/artifacts/model/MLmodel"))).toBe("flavors: {}");
    await store.dispose();
  });
});

describe("lazy loading of the AWS SDK", () => {
  let dir: string;
  beforeAll(async () => {
    // The adapter and its imports, copied where no node_modules can be found.
    dir = await mkdtemp(join(tmpdir(), "senti-s3-nosdk-"));
    await mkdir(join(dir, "src", "adapters"), { recursive: true });
    await mkdir(join(dir, "src", "mlflow"), { recursive: true });
    for (const file of ["errors.ts", "optional-peer.ts", "mlflow/download-limit.ts", "mlflow/read-limited.ts", "adapters/byte-store.ts", "adapters/s3.ts"]) {
      await copyFile(join(PROJECT_ROOT, "src", file), join(dir, "src", file));
    }
    await writeFile(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("importing costs nothing; the first call without @aws-sdk/client-s3 fails with NOT_IMPLEMENTED naming it", async () => {
    const script = `
      import { createS3ByteStore } from "./src/adapters/s3.ts";
      const store = createS3ByteStore({ bucket: "b", region: "us-east-1" });
      const results = [];
      for (const call of [() => store.get("k"), () => store.put("k", new Uint8Array(1))]) {
        try { await call(); results.push("resolved"); }
        catch (e) { results.push({ code: e.code, message: e.message, causeCode: e.cause?.code }); }
      }
      await store.dispose();
      process.stdout.write(JSON.stringify(results));
    `;
    await writeFile(join(dir, "probe.ts"), script);
    const { stdout } = await promisify(execFile)(join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), ["probe.ts"], {
      cwd: dir,
      env: { ...process.env, NODE_PATH: "" },
    });
    const results = JSON.parse(stdout) as { code: string; message: string; causeCode: string }[];
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(result.code).toBe("NOT_IMPLEMENTED");
      expect(result.message).toContain("npm install @aws-sdk/client-s3");
      expect(result.causeCode).toBe("ERR_MODULE_NOT_FOUND");
    }
  });
});
