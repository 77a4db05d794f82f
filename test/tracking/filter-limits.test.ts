/**
 * Search filters too large for a store: the grammar's explicit limit on the number of comparisons
 * (the same INVALID_PARAMETER_VALUE from every local store, before any SQL is built), filters at
 * the limit working on the SQL store, and SQLite driver errors surfacing from the SQL stores mapped
 * to the library's codes.
 */
import { describe, expect, it } from "vitest";
import { isSentiMlopsError, type SentiMlopsError } from "../../src/errors.js";
import { MAX_FILTER_COMPARISONS } from "../../src/mlflow/search/index.js";
import { toSqlStoreError } from "../../src/mlflow/sql/store-errors.js";
import type { RegistryStore } from "../../src/mlflow/registry-store.js";
import type { TrackingStore } from "../../src/mlflow/tracking-store.js";
import { createMemoryRegistryStore } from "../../src/registry/stores/memory-store.js";
import { createMemoryStore } from "../../src/tracking/stores/memory-store.js";
import { openSqlStores } from "../../src/tracking/stores/sql-store.node.js";

const anded = (n: number, term: (i: number) => string): string => Array.from({ length: n }, (_, i) => term(i)).join(" AND ");

async function failure(promise: Promise<unknown>): Promise<SentiMlopsError | unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  return undefined;
}

const stores: [string, () => Promise<{ store: TrackingStore; registry: RegistryStore }>][] = [
  ["memory", async () => ({ store: createMemoryStore(), registry: createMemoryRegistryStore() })],
  ["sql (:memory:)", () => openSqlStores(":memory:")],
];

describe("search filters with too many comparisons", () => {
  it("the limit is 1000 comparisons", () => {
    expect(MAX_FILTER_COMPARISONS).toBe(1000);
  });

  for (const [name, open] of stores) {
    it(`2,001 ANDed comparisons fail with the same INVALID_PARAMETER_VALUE on the ${name} store; 1,000 work`, async () => {
      const { store, registry } = await open();
      const experimentId = await store.createExperiment("limits");
      const run = await store.createRun({ experimentId, startTime: 1 });
      await store.logBatch(run.info.runId, { params: [{ key: "p0", value: "x" }], metrics: [{ key: "m0", value: 1, timestamp: 1, step: 0 }] });
      const messages: string[] = [];
      for (const call of [
        () => store.searchRuns({ experimentIds: [experimentId], filter: anded(2001, (i) => `params.p${i} = 'x'`) }),
        () => store.searchRuns({ experimentIds: [experimentId], filter: anded(2001, (i) => `metrics.m${i} > 0`) }),
        () => store.searchExperiments({ filter: anded(2001, (i) => `tags.t${i} = 'x'`) }),
        () => registry.searchRegisteredModels({ filter: anded(2001, (i) => `tags.t${i} = 'x'`) }),
        () => registry.searchModelVersions({ filter: anded(2001, (i) => `tags.t${i} = 'x'`) }),
      ]) {
        const error = await failure(call());
        expect(isSentiMlopsError(error), String(error)).toBe(true);
        expect((error as SentiMlopsError).code).toBe("INVALID_PARAMETER_VALUE");
        messages.push((error as SentiMlopsError).message);
      }
      for (const message of messages) expect(message).toMatch(/more than 1000 comparisons/);
      // At the limit, the SQL store answers (the ANDs are not one 1000-deep expression tree).
      const params = await store.searchRuns({ experimentIds: [experimentId], filter: anded(1000, () => "params.p0 = 'x'") });
      expect(params.items.map((r) => r.info.runId)).toEqual([run.info.runId]);
      const metrics = await store.searchRuns({ experimentIds: [experimentId], filter: anded(1000, () => "metrics.m0 > 0") });
      expect(metrics.items).toHaveLength(1);
      expect((await registry.searchModelVersions({ filter: anded(1000, (i) => `tags.t${i} != 'x'`) })).items).toEqual([]);
      await registry.close();
      await store.close();
    });
  }
});

describe("SQLite driver errors from the SQL stores", () => {
  const source = { component: "tracking", storeName: "SQL store" } as const;
  const driverError = (code: string, message: string): Error => Object.assign(new Error(message), { code, name: "SqliteError" });

  it("maps 'expression tree too large' and 'too many terms' to INVALID_PARAMETER_VALUE naming the limit", () => {
    for (const message of ["Expression tree is too large (maximum depth 1000)", "too many terms in compound SELECT", "too many SQL variables"]) {
      const mapped = toSqlStoreError(driverError("SQLITE_ERROR", message), source) as SentiMlopsError;
      expect(mapped.code, message).toBe("INVALID_PARAMETER_VALUE");
      expect(mapped.message).toMatch(/too many comparisons.*1000/);
      expect(mapped.cause).toBeInstanceOf(Error);
    }
    expect((toSqlStoreError(driverError("SQLITE_TOOBIG", "string or blob too big"), source) as SentiMlopsError).code).toBe("INVALID_PARAMETER_VALUE");
  });

  it("keeps busy/locked as TEMPORARILY_UNAVAILABLE, constraints as BAD_REQUEST, and anything else as INTERNAL_ERROR with the cause", () => {
    expect((toSqlStoreError(driverError("SQLITE_BUSY", "database is locked"), source) as SentiMlopsError).code).toBe("TEMPORARILY_UNAVAILABLE");
    expect((toSqlStoreError(driverError("SQLITE_LOCKED_SHAREDCACHE", "locked"), source) as SentiMlopsError).code).toBe("TEMPORARILY_UNAVAILABLE");
    expect((toSqlStoreError(driverError("SQLITE_CONSTRAINT_UNIQUE", "UNIQUE constraint failed"), source) as SentiMlopsError).code).toBe("BAD_REQUEST");
    const other = new TypeError("boom");
    const mapped = toSqlStoreError(other, source) as SentiMlopsError;
    expect(mapped.code).toBe("INTERNAL_ERROR");
    expect(mapped.cause).toBe(other);
  });
});
