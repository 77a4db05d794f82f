/**
 * The stores that the browser project (vitest.config.ts) checks in Chromium, in one place. Each
 * suite file beside this one runs a shared suite of test/conformance on every entry of its list:
 *
 * - `TRACKING_STORES`: the tracking-store conformance suite (tracking-store.test.ts) and the
 *   tracking differential script against a fresh `mlflow server` (tracking-differential.test.ts);
 * - `REGISTRY_STORES`: the registry-store conformance suite (registry-store.test.ts) and the
 *   registry differential script (registry-differential.test.ts);
 * - `BYTE_STORES`: the byte-store and artifact-store conformance suites (byte-store.test.ts).
 *
 * An entry opens its store on a {@link Backend}: a fresh IndexedDB database name that no other
 * suite, test file or earlier run uses. A suite gets one backend and may open its store on it more
 * than once (the suite's store, then the `close()` test's); a store that persists sees its data
 * again on the second open, a memory store starts empty each time. The byte-store suites open every
 * test's store on a backend of its own, since they expect an empty store each time; each
 * differential script runs on a store of its own backend, fresh and empty, as the script requires.
 *
 * To check a new store in Chromium, add one entry to the list of its kind, e.g. an IndexedDB
 * tracking store:
 *
 * ```ts
 * {
 *   name: "indexeddb",
 *   open: async (backend) => createIndexedDbStore({ dbName: backend.dbName }),
 *   artifactRoot: (backend) => `indexeddb://${backend.dbName}/artifacts`,
 *   deviations: SHARED_SEARCH_DEVIATIONS,
 * },
 * ```
 */
import { createIndexedDbByteStore } from "../../../src/adapters/indexeddb.js";
import type { ByteStore } from "../../../src/adapters/byte-store.js";
import type { RegistryStore } from "../../../src/mlflow/registry-store.js";
import type { TrackingStore } from "../../../src/mlflow/tracking-store.js";
import { createMemoryRegistryStore } from "../../../src/registry/stores/memory-store.js";
import { createMemoryStore } from "../../../src/tracking/stores/memory-store.js";
import { openIndexedDbStores } from "../../../src/tracking/stores/indexeddb-store.js";
import type { ByteStoreDeviations } from "../../conformance/byte-store.suite.js";
import type { SuiteRun } from "../../conformance/registry-store.suite.js";
import { SHARED_SEARCH_DEVIATIONS, type ConformanceDeviation } from "../../conformance/tracking-store.suite.js";

/** Where a store keeps its data: for IndexedDB stores, the database (fresh: no other suite uses it). */
export interface Backend {
  /** An IndexedDB database name no other suite, file or run uses (`senti-test-<label>-<uuid>`). */
  readonly dbName: string;
}

/** A backend of its own for one suite (or one test); `label` only makes the name readable. */
export function freshBackend(label: string): Backend {
  return { dbName: `senti-test-${label.replace(/[^A-Za-z0-9]+/g, "-")}-${crypto.randomUUID()}` };
}

/** One tracking store to check. */
export interface TrackingStoreEntry {
  /** Shown in the suite's title. */
  name: string;
  /** Opens the store on `backend` (empty the first time). */
  open(backend: Backend): Promise<TrackingStore>;
  /** The default artifact root of the store opened on `backend` (the differential script writes it as "<root>"). */
  artifactRoot(backend: Backend): string;
  /** Conformance tests it is known to fail (run with `it.fails`, with the reason). */
  deviations?: readonly ConformanceDeviation[];
  /** Calls of the differential script (by title) where it differs from MLflow, with the reason (run with `it.fails`). */
  knownDifferences?: Readonly<Record<string, string>>;
}

/** One registry store to check. */
export interface RegistryStoreEntry {
  name: string;
  /** Opens the store on `backend` (empty the first time). */
  open(backend: Backend): Promise<RegistryStore>;
  /**
   * Creates a run in the tracking store that shares `backend` with the registry, for the tests of
   * sources inside a run's artifact directory (the conformance suite's `newRun`).
   */
  newRun(backend: Backend): Promise<SuiteRun>;
  deviations?: readonly ConformanceDeviation[];
  /** Calls of the differential script (by title) where it differs from MLflow, with the reason (run with `it.fails`). */
  knownDifferences?: Readonly<Record<string, string>>;
}

/** One byte store to check (with the artifact semantics on top of it). */
export interface ByteStoreEntry {
  name: string;
  /** Opens the store on `backend`, which is fresh for every test. */
  open(backend: Backend): ByteStore | Promise<ByteStore>;
  /** Whether it has the optional `listSizes` (the byte-store suite checks the claim). */
  hasListSizes: boolean;
  deviations?: ByteStoreDeviations;
}

/** `f(backend)`, made once per backend. */
function perBackend<T>(make: (backend: Backend) => T): (backend: Backend) => T {
  const made = new Map<string, T>();
  return (backend) => {
    if (!made.has(backend.dbName)) made.set(backend.dbName, make(backend));
    return made.get(backend.dbName)!;
  };
}

/** The registry suites' runs keep their artifacts where MLflow's own server would, a root the registry accepts sources under. */
const RUNS_ROOT = "mlflow-artifacts:/";

/** A run in `tracking`, in the registry suite's shape. */
async function suiteRun(tracking: TrackingStore): Promise<SuiteRun> {
  const run = await tracking.createRun({ experimentId: "0" });
  return { runId: run.info.runId, artifactUri: run.info.artifactUri };
}

/** The memory tracking store that a memory registry store of `backend` looks its runs up in. */
const memoryTrackingOf = perBackend(() => createMemoryStore({ artifactRoot: RUNS_ROOT }));

/** The IndexedDB stores of `backend`: tracking and registry in one SQLite file, kept in IndexedDB database `backend.dbName`. */
const indexedDbStores = (backend: Backend, artifactRoot?: string) =>
  openIndexedDbStores(`indexeddb://${backend.dbName}`, artifactRoot === undefined ? {} : { artifactRoot });

/** The IndexedDB tracking store beside the IndexedDB registry store of `backend` (its own connection to the same database). */
const indexedDbTrackingOf = perBackend(async (backend) => (await indexedDbStores(backend, RUNS_ROOT)).store);

const MEMORY_ROOT = "memory://artifacts";

export const TRACKING_STORES: readonly TrackingStoreEntry[] = [
  {
    name: "memory",
    open: async () => createMemoryStore({ artifactRoot: MEMORY_ROOT }),
    artifactRoot: () => MEMORY_ROOT,
    deviations: SHARED_SEARCH_DEVIATIONS,
  },
  {
    name: "indexeddb (sqlite-wasm)",
    open: async (backend) => (await indexedDbStores(backend)).store,
    artifactRoot: (backend) => `indexeddb://${backend.dbName}-artifacts`,
    deviations: SHARED_SEARCH_DEVIATIONS,
  },
];

export const REGISTRY_STORES: readonly RegistryStoreEntry[] = [
  {
    name: "memory, with a memory tracking store",
    open: async (backend) => createMemoryRegistryStore({ tracking: memoryTrackingOf(backend) }),
    newRun: (backend) => suiteRun(memoryTrackingOf(backend)),
  },
  {
    name: "indexeddb (sqlite-wasm)",
    open: async (backend) => (await indexedDbStores(backend, RUNS_ROOT)).registry,
    newRun: async (backend) => suiteRun(await indexedDbTrackingOf(backend)),
  },
];

export const BYTE_STORES: readonly ByteStoreEntry[] = [
  // The browser's own IndexedDB (globalThis.indexedDB); no cheap way to learn a value's size without reading it.
  { name: "indexeddb", open: (backend) => createIndexedDbByteStore({ dbName: backend.dbName }), hasListSizes: false },
];
