/**
 * An in-memory {@link ByteStore}: universal (no Node or browser API), for tests, browsers and
 * short-lived processes.
 *
 * @module
 */
import { withGuards, type ByteStore } from "./byte-store.js";

/**
 * Creates an in-memory byte store. Bytes are copied on `put` and on `get`, so neither the caller's
 * buffer nor a returned one can change what is stored. `dispose` drops everything.
 *
 * @example
 * ```ts
 * const store = createMemoryByteStore();
 * await store.put("runs/1/model.json", new TextEncoder().encode("{}"));
 * await store.has("runs/1/model.json"); // true
 * await store.list("runs/"); // ["runs/1/model.json"]
 * ```
 */
export function createMemoryByteStore(): ByteStore {
  const data = new Map<string, Uint8Array>();
  return withGuards({
    async get(key) {
      const bytes = data.get(key);
      return bytes === undefined ? null : bytes.slice();
    },
    async put(key, bytes) {
      data.set(key, bytes.slice());
    },
    async has(key) {
      return data.has(key);
    },
    async delete(key) {
      data.delete(key);
    },
    async list(prefix = "") {
      return [...data.keys()].filter((key) => key.startsWith(prefix));
    },
    async listSizes(prefix = "") {
      return [...data].filter(([key]) => key.startsWith(prefix)).map(([key, bytes]) => ({ key, size: bytes.byteLength }));
    },
    async dispose() {
      data.clear();
    },
  });
}
