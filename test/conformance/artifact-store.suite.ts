/**
 * The artifact-store conformance suite: MLflow's artifact semantics (log, list one level with
 * `{ path, isDir, fileSize }`, download a file or a folder, delete) checked on top of every byte
 * store, so each adapter is exercised through the layer the tracking client uses.
 *
 * @example
 * ```ts
 * describeArtifactStore("memory", () => createMemoryByteStore());
 * ```
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createArtifactStore, type ArtifactStore } from "../../src/adapters/artifact-store.js";
import type { ByteStore } from "../../src/adapters/byte-store.js";
import { hasErrorCode } from "../../src/errors.js";

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

async function codeOf(fn: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

/**
 * Registers the artifact-store tests for one byte-store implementation.
 *
 * @example
 * ```ts
 * describeArtifactStore("fs", () => createFsByteStore({ root: freshDir() }));
 * ```
 */
export function describeArtifactStore(name: string, factory: () => ByteStore | Promise<ByteStore>): void {
  describe(`ArtifactStore conformance: ${name}`, () => {
    let store: ArtifactStore;
    beforeEach(async () => {
      store = createArtifactStore(await factory(), { uri: `test://${name}` });
    });
    afterEach(async () => {
      await store.dispose();
    });

    it("lists one level: folders first-class with null size, files with their size, sorted", async () => {
      await store.logArtifacts(
        [
          { path: "MLmodel", bytes: text("flavors: {}\n") },
          { path: "model.senti", bytes: new Uint8Array(1234) },
          { path: "extra/notes.txt", bytes: text("hello") },
        ],
        "model",
      );
      await store.writeArtifact("plots/roc curve.svg", text("<svg/>"));
      await store.writeArtifact("metrics.json", text("{}"));
      expect(await store.listArtifacts()).toEqual([
        { path: "metrics.json", isDir: false, fileSize: 2 },
        { path: "model", isDir: true, fileSize: null },
        { path: "plots", isDir: true, fileSize: null },
      ]);
      expect(await store.listArtifacts("model")).toEqual([
        { path: "model/MLmodel", isDir: false, fileSize: 12 },
        { path: "model/extra", isDir: true, fileSize: null },
        { path: "model/model.senti", isDir: false, fileSize: 1234 },
      ]);
      expect(await store.listArtifacts("model/")).toEqual(await store.listArtifacts("model"));
      expect(await store.listArtifacts("plots")).toEqual([{ path: "plots/roc curve.svg", isDir: false, fileSize: 6 }]);
    });

    it("a file path or a missing path lists nothing; a sibling with a common prefix does not leak", async () => {
      await store.writeArtifact("model/a", text("1"));
      await store.writeArtifact("model2/b", text("2"));
      expect(await store.listArtifacts("model/a")).toEqual([]);
      expect(await store.listArtifacts("nothing")).toEqual([]);
      expect((await store.listArtifacts("model")).map((e) => e.path)).toEqual(["model/a"]);
    });

    it("downloads a single file, or a folder recursively with root-relative paths", async () => {
      await store.logArtifacts([{ path: "a.txt", bytes: text("A") }, { path: "sub/b.txt", bytes: text("B") }], "dir");
      const one = await store.downloadArtifacts("dir/a.txt");
      expect(one.map((f) => [f.path, new TextDecoder().decode(f.bytes)])).toEqual([["dir/a.txt", "A"]]);
      const all = await store.downloadArtifacts("dir");
      expect(all.map((f) => [f.path, new TextDecoder().decode(f.bytes)])).toEqual([
        ["dir/a.txt", "A"],
        ["dir/sub/b.txt", "B"],
      ]);
      expect((await store.downloadArtifacts()).map((f) => f.path)).toEqual(["dir/a.txt", "dir/sub/b.txt"]);
      expect(await codeOf(() => store.downloadArtifacts("missing"))).toBe("RESOURCE_DOES_NOT_EXIST");
    });

    it("reads a file back, and null for a missing one", async () => {
      await store.writeArtifact("x/y.bin", new Uint8Array([0, 255, 7]));
      expect(await store.readArtifact("x/y.bin")).toEqual(new Uint8Array([0, 255, 7]));
      expect(await store.readArtifact("x/missing.bin")).toBeNull();
    });

    it("deletes a file, a folder, or everything; a missing path is a no-op", async () => {
      await store.logArtifacts([{ path: "a", bytes: text("1") }, { path: "d/b", bytes: text("2") }, { path: "d/c/e", bytes: text("3") }, { path: "dd", bytes: text("4") }]);
      await store.deleteArtifacts("a");
      await store.deleteArtifacts("nothing/here");
      expect((await store.listArtifacts()).map((e) => e.path)).toEqual(["d", "dd"]);
      await store.deleteArtifacts("d");
      expect((await store.listArtifacts()).map((e) => e.path)).toEqual(["dd"]);
      await store.deleteArtifacts();
      expect(await store.listArtifacts()).toEqual([]);
    });

    it("refuses '..', absolute and empty file paths with INVALID_PARAMETER_VALUE, writing nothing", async () => {
      for (const bad of ["../x", "/etc/passwd", "a/../../b", ""]) {
        expect(await codeOf(() => store.writeArtifact(bad, text("x"))), bad).toBe("INVALID_PARAMETER_VALUE");
      }
      expect(await codeOf(() => store.listArtifacts("../up"))).toBe("INVALID_PARAMETER_VALUE");
      const error = await store
        .logArtifacts([{ path: "fine", bytes: text("1") }, { path: "../bad", bytes: text("2") }])
        .catch((e: unknown) => e);
      expect(hasErrorCode(error, "INVALID_PARAMETER_VALUE")).toBe(true);
      expect(await store.listArtifacts()).toEqual([]);
    });
  });
}
