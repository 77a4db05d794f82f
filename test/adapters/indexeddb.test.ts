/**
 * The IndexedDB byte store on fake-indexeddb's factory (passed in, no globals touched): the shared
 * conformance suite, plus persistence across dispose, isolation between databases, copies, an
 * existing database without the object store, and a model-sized value.
 */
import { randomBytes } from "node:crypto";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { describe, expect, it } from "vitest";
import { createIndexedDbByteStore } from "../../src/adapters/indexeddb.js";
import { hasErrorCode } from "../../src/errors.js";
import { describeByteStore } from "../conformance/byte-store.suite.js";
import { describeArtifactStore } from "../conformance/artifact-store.suite.js";

let counter = 0;
const freshDbName = (): string => `senti-bs-${process.pid}-${counter++}`;
const storeIn = (dbName: string, storeName?: string) => createIndexedDbByteStore({ dbName, storeName, indexedDB, IDBKeyRange });

// IndexedDB has no cheap way to learn a value's size without reading it.
describeByteStore("indexeddb", () => storeIn(freshDbName()), { hasListSizes: false });
describeArtifactStore("indexeddb", () => storeIn(freshDbName()));

describe("createIndexedDbByteStore specifics", () => {
  it("keeps data across dispose and a new store on the same database", async () => {
    const dbName = freshDbName();
    const first = storeIn(dbName);
    await first.put("models/a.onnx", new Uint8Array([1, 2, 3]));
    await first.dispose();
    const second = storeIn(dbName);
    expect(Array.from((await second.get("models/a.onnx"))!)).toEqual([1, 2, 3]);
    expect(await second.list()).toEqual(["models/a.onnx"]);
    await second.dispose();
  });

  it("isolates two databases", async () => {
    const a = storeIn(freshDbName());
    const b = storeIn(freshDbName());
    await a.put("k", new Uint8Array([1]));
    expect(await b.get("k")).toBeNull();
    expect(await b.list()).toEqual([]);
    await b.put("k", new Uint8Array([2]));
    expect(Array.from((await a.get("k"))!)).toEqual([1]);
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it("isolates two object stores of one database, adding the second to the existing database", async () => {
    const dbName = freshDbName();
    const artifacts = storeIn(dbName);
    await artifacts.put("k", new Uint8Array([1]));
    await artifacts.dispose();
    const models = storeIn(dbName, "models");
    expect(await models.get("k")).toBeNull();
    await models.put("k", new Uint8Array([2]));
    await models.dispose();
    const again = storeIn(dbName);
    expect(Array.from((await again.get("k"))!)).toEqual([1]);
    await again.dispose();
  });

  it("two stores open at once on one database: adding the second object store closes and reopens the first", async () => {
    const dbName = freshDbName();
    const artifacts = storeIn(dbName);
    await artifacts.put("k", new Uint8Array([1]));
    const models = storeIn(dbName, "models"); // needs a version upgrade while `artifacts` is open
    await models.put("k", new Uint8Array([2]));
    expect(Array.from((await artifacts.get("k"))!)).toEqual([1]);
    expect(Array.from((await models.get("k"))!)).toEqual([2]);
    await Promise.all([artifacts.dispose(), models.dispose()]);
  });

  it("stores copies: the caller's buffer, a returned buffer and a view into a larger buffer", async () => {
    const store = storeIn(freshDbName());
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const view = backing.subarray(2, 5);
    await store.put("view", view);
    backing.fill(0);
    const got = (await store.get("view"))!;
    expect(Array.from(got)).toEqual([1, 2, 3]);
    expect(got.buffer.byteLength).toBe(3); // only the view was stored, not its whole buffer
    got[0] = 42;
    expect(Array.from((await store.get("view"))!)).toEqual([1, 2, 3]);
    expect(await store.get("view")).not.toBe(await store.get("view"));
    await store.dispose();
  });

  it("stores a 48 MB model-sized value", async () => {
    const store = storeIn(freshDbName());
    const value = new Uint8Array(randomBytes(48 * 1024 * 1024));
    await store.put("bert/model.onnx", value);
    const got = (await store.get("bert/model.onnx"))!;
    expect(got.byteLength).toBe(value.byteLength);
    expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(value)).toBe(true);
    await store.dispose();
  });

  it("lists only keys under the prefix, including ones with code units above '/' and astral characters", async () => {
    const store = storeIn(freshDbName());
    for (const key of ["a/\uffff", "a/😀", "a0", "a.b", "a/b/c", "a"]) await store.put(key, new Uint8Array(1));
    expect(await store.list("a")).toEqual(["a/b/c", "a/😀", "a/\uffff"]);
    await store.dispose();
  });

  it("fails clearly without an IndexedDB factory", () => {
    let error: unknown;
    try {
      createIndexedDbByteStore({ IDBKeyRange, indexedDB: undefined });
    } catch (e) {
      error = e;
    }
    // Node has no global indexedDB.
    expect(hasErrorCode(error, "INVALID_PARAMETER_VALUE")).toBe(true);
    expect((error as Error).message).toContain("indexedDB");
  });
});
