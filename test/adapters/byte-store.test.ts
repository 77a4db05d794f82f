import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, rm, symlink, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeKey, normalizePrefix, scopeByteStore } from "../../src/adapters/byte-store.js";
import { createFsByteStore } from "../../src/adapters/fs.js";
import { createMemoryByteStore } from "../../src/adapters/memory.js";
import { hasErrorCode } from "../../src/errors.js";
import { describeByteStore } from "../conformance/byte-store.suite.js";

let tempRoot: string;
let counter = 0;
beforeAll(async () => {
  tempRoot = await mkdtemp(join(tmpdir(), "senti-byte-store-"));
});
afterAll(async () => {
  await rm(tempRoot, { recursive: true, force: true });
});

describeByteStore("memory", () => createMemoryByteStore(), { hasListSizes: true });
describeByteStore("fs", () => createFsByteStore({ root: join(tempRoot, `store-${counter++}`) }), { hasListSizes: true });
describeByteStore("scoped view of memory", () => scopeByteStore(createMemoryByteStore(), "runs/1/artifacts"), { hasListSizes: true });
describeByteStore("scoped view of fs", () => scopeByteStore(createFsByteStore({ root: join(tempRoot, `scoped-${counter++}`) }), "x"), { hasListSizes: true });

describe("scopeByteStore", () => {
  it("maps keys under the prefix, lists relative keys, and leaves the parent open on dispose", async () => {
    const root = createMemoryByteStore();
    await root.put("runs/1/outside", new Uint8Array([9]));
    const view = scopeByteStore(root, "runs/1/artifacts/");
    await view.put("model/MLmodel", new Uint8Array([1]));
    expect(await root.list()).toEqual(["runs/1/artifacts/model/MLmodel", "runs/1/outside"]);
    expect(await view.list()).toEqual(["model/MLmodel"]);
    expect(await view.listSizes!()).toEqual([{ key: "model/MLmodel", size: 1 }]);
    await view.dispose();
    expect(await root.get("runs/1/artifacts/model/MLmodel")).toEqual(new Uint8Array([1]));
    await root.dispose();
  });

  it("cannot reach outside its prefix", async () => {
    const view = scopeByteStore(createMemoryByteStore(), "a");
    let error: unknown;
    await view.get("../b").catch((e) => (error = e));
    expect(hasErrorCode(error, "INVALID_PARAMETER_VALUE")).toBe(true);
  });
});

describe("normalizeKey / normalizePrefix", () => {
  it("returns valid keys unchanged and folders with one trailing '/'", () => {
    expect(normalizeKey("a/b c/é.json")).toBe("a/b c/é.json");
    expect(normalizeKey("..a/b..")).toBe("..a/b..");
    expect(normalizePrefix(undefined)).toBe("");
    expect(normalizePrefix("")).toBe("");
    expect(normalizePrefix("a")).toBe("a/");
    expect(normalizePrefix("a/b/")).toBe("a/b/");
  });

  it("throws INVALID_PARAMETER_VALUE for a non-string key", () => {
    let error: unknown;
    try {
      normalizeKey(undefined as unknown as string);
    } catch (e) {
      error = e;
    }
    expect(hasErrorCode(error, "INVALID_PARAMETER_VALUE")).toBe(true);
  });
});

describe("createFsByteStore specifics", () => {
  it("requires a root", () => {
    expect(() => createFsByteStore({ root: "" })).toThrowError(/root/);
  });

  it("stores each key as a file under root, leaving no temporary file behind", async () => {
    const root = join(tempRoot, "layout");
    const store = createFsByteStore({ root });
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.put("x/y.bin", new Uint8Array(1000).fill(i))));
    expect(await readdir(join(root, "x"))).toEqual(["y.bin"]);
    await store.dispose();
  });

  it("refuses keys shaped like its temporary files and skips them when listing", async () => {
    const root = join(tempRoot, "temps");
    const store = createFsByteStore({ root });
    let error: unknown;
    await store.put("k.0123456789ab.tmp", new Uint8Array(1)).catch((e) => (error = e));
    expect(hasErrorCode(error, "INVALID_PARAMETER_VALUE")).toBe(true);
    await mkdir(root, { recursive: true });
    await writeFile(join(root, "stray.0123456789ab.tmp"), "partial");
    await store.put("real", new Uint8Array(1));
    expect(await store.list()).toEqual(["real"]);
    await store.dispose();
  });

  it("does not follow symbolic links when listing", async () => {
    const root = join(tempRoot, "links");
    const outside = join(tempRoot, "outside");
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, "secret"), "s");
    const store = createFsByteStore({ root });
    await store.put("inside", new Uint8Array(1));
    await symlink(outside, join(root, "link"));
    expect(await store.list()).toEqual(["inside"]);
    await store.dispose();
  });

  it("a directory is not a key: get null, has false, delete a no-op", async () => {
    const store = createFsByteStore({ root: join(tempRoot, "dirs") });
    await store.put("folder/file", new Uint8Array(1));
    expect(await store.get("folder")).toBeNull();
    expect(await store.has("folder")).toBe(false);
    await store.delete("folder");
    expect(await store.list()).toEqual(["folder/file"]);
    await store.dispose();
  });
});

describe("createFsByteStore and symbolic links inside its root", () => {
  it("refuses to write, read, delete or list through a link that leads outside the root, writing nothing outside", async () => {
    const root = join(tempRoot, "escape-root");
    const outside = await mkdtemp(join(tmpdir(), "senti-outside-"));
    try {
      await writeFile(join(outside, "secret"), "s");
      const store = createFsByteStore({ root });
      await store.put("inside", new Uint8Array(1));
      await symlink(outside, join(root, "link"));
      await symlink(join(outside, "secret"), join(root, "file-link"));
      const codeOf = (p: Promise<unknown>): Promise<unknown> => p.then(() => "resolved", (e: unknown) => (hasErrorCode(e, "PERMISSION_DENIED") ? "PERMISSION_DENIED" : e));
      expect(await codeOf(store.put("link/planted", new Uint8Array([1])))).toBe("PERMISSION_DENIED");
      expect(await codeOf(store.put("link/new/deeper", new Uint8Array([1])))).toBe("PERMISSION_DENIED");
      expect(await codeOf(store.get("link/secret"))).toBe("PERMISSION_DENIED");
      expect(await codeOf(store.get("file-link"))).toBe("PERMISSION_DENIED");
      expect(await codeOf(store.has("link/secret"))).toBe("PERMISSION_DENIED");
      expect(await codeOf(store.delete("link/secret"))).toBe("PERMISSION_DENIED");
      expect(await codeOf(store.list("link"))).toBe("PERMISSION_DENIED");
      expect((await readdir(outside)).sort()).toEqual(["secret"]);
      expect(await store.get("inside")).toEqual(new Uint8Array(1));
      await store.dispose();
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});

describe("createFsByteStore and names the filesystem cannot hold", () => {
  it("refuses a key with a segment or a path longer than the limits with INVALID_PARAMETER_VALUE naming the limit (not ENAMETOOLONG as INTERNAL_ERROR)", async () => {
    const store = createFsByteStore({ root: join(tempRoot, "long-names") });
    const codeAndMessage = (p: Promise<unknown>): Promise<string> => p.then(() => "resolved", (e: { code?: string; message?: string }) => `${e.code}: ${e.message}`);
    const longFile = `a/${"x".repeat(300)}`;
    expect(await codeAndMessage(store.put(longFile, new Uint8Array(1)))).toMatch(/^INVALID_PARAMETER_VALUE: .*238 bytes/);
    expect(await codeAndMessage(store.get(longFile))).toMatch(/^INVALID_PARAMETER_VALUE: .*238 bytes/);
    expect(await codeAndMessage(store.put(`${"d".repeat(256)}/f`, new Uint8Array(1)))).toMatch(/^INVALID_PARAMETER_VALUE: .*255 bytes/);
    const deep = Array.from({ length: 50 }, () => "y".repeat(100)).join("/");
    expect(await codeAndMessage(store.put(deep, new Uint8Array(1)))).toMatch(/^INVALID_PARAMETER_VALUE: .*4095 bytes/);
    // Multi-byte characters count in UTF-8 bytes: 100 × "é" is 200 bytes, fine; 120 × "é" is 240, refused.
    await store.put(`a/${"é".repeat(100)}`, new Uint8Array(1));
    expect(await codeAndMessage(store.put(`a/${"é".repeat(120)}`, new Uint8Array(1)))).toMatch(/^INVALID_PARAMETER_VALUE/);
    expect(await store.list()).toEqual([`a/${"é".repeat(100)}`]);
    await store.dispose();
  });
});

describe("createFsByteStore reads regular files only, and at most maxBytes of them", () => {
  it("refuses a device (/dev/zero) and a FIFO inside the root with INVALID_PARAMETER_VALUE, and a file over maxBytes with RESOURCE_EXHAUSTED", async () => {
    const root = join(tempRoot, "devices");
    const store = createFsByteStore({ root, maxBytes: 1024 });
    await store.put("small", new Uint8Array(1024));
    await store.put("big", new Uint8Array(1025));
    // A device node cannot be made without privileges, and a link to /dev/zero would be refused as
    // leading outside the root: read the device through a store rooted at /dev itself.
    const devStore = createFsByteStore({ root: "/dev", maxBytes: 1024 });
    const codeOf = (p: Promise<unknown>): Promise<unknown> => p.then(() => "resolved", (e: { code?: string }) => e.code);
    expect(await codeOf(devStore.get("zero"))).toBe("INVALID_PARAMETER_VALUE");
    execFileSync("mkfifo", [join(root, "fifo")]);
    expect(await codeOf(store.get("fifo"))).toBe("INVALID_PARAMETER_VALUE");
    expect((await store.get("small"))?.byteLength).toBe(1024);
    const error = await store.get("big").catch((e: { code?: string; message?: string }) => e);
    expect((error as { code?: string }).code).toBe("RESOURCE_EXHAUSTED");
    expect((error as { message?: string }).message).toMatch(/big.*1024 bytes.*maxBytes/);
    await store.dispose();
    await devStore.dispose();
  });
});
