/**
 * Differential test of the TrackingStore implementations in Node (issue 3, requirement 2): the
 * script of test/conformance/tracking-differential.ts runs against
 *
 *   (a) the memory store,
 *   (b) the SQL store on a temporary SQLite file (openSqlStores),
 *   (c) the REST store against a FRESH private `mlflow server` (the oracle),
 *
 * and every call's normalized outcome in (a) and (b) must equal the oracle's (what is normalized,
 * and the one deliberate difference, are described there). The same script runs in Chromium on the
 * browser's stores (test/browser/suites/tracking-differential.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe } from "vitest";
import type { TrackingStore } from "../../src/mlflow/tracking-store.js";
import { createMemoryStore } from "../../src/tracking/stores/memory-store.js";
import { createRestStore } from "../../src/tracking/stores/rest-store.js";
import { openSqlStores } from "../../src/tracking/stores/sql-store.node.js";
import type { Outcome } from "../conformance/differential.js";
import { ORACLE_ROOT, TRACKING_STEPS, describeTrackingChecks, runTrackingScript, type TrackingSubject } from "../conformance/tracking-differential.js";
import { startMlflowServer, type MlflowServer } from "../peers/mlflow-server.js";

describe("TrackingStore differential: memory and SQL against a fresh mlflow server", () => {
  let server: MlflowServer | undefined;
  const dir = mkdtempSync(join(tmpdir(), "senti-differential-"));
  const sqlRoot = join(dir, "sql-artifacts");
  const stores: TrackingStore[] = [];
  let results: Record<"memory" | "sql" | "mlflow", Outcome[]>;

  beforeAll(async () => {
    server = await startMlflowServer();
    const subjects: TrackingSubject[] = [
      { store: createMemoryStore({ artifactRoot: "memory://differential" }), root: "memory://differential" },
      { store: (await openSqlStores(`sqlite:///${join(dir, "tracking.db")}`, { artifactRoot: sqlRoot })).store, root: sqlRoot },
      { store: createRestStore(server.url), root: ORACLE_ROOT },
    ];
    stores.push(...subjects.map((s) => s.store));
    const [memory, sql, mlflow] = await Promise.all(subjects.map(runTrackingScript));
    results = { memory: memory!, sql: sql!, mlflow: mlflow! };
    if (process.env.SENTI_DIFFERENTIAL_DUMP) {
      // For reading the outcomes side by side: SENTI_DIFFERENTIAL_DUMP=out.json npx vitest run …
      const rows = TRACKING_STEPS.map((step, i) => ({ n: i + 1, title: step.title, memory: memory![i], sql: sql![i], mlflow: mlflow![i] }));
      writeFileSync(process.env.SENTI_DIFFERENTIAL_DUMP, JSON.stringify(rows, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v), 2));
    }
  });

  afterAll(async () => {
    for (const store of stores) await store.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describeTrackingChecks(() => results, [{ name: "memory" }, { name: "sql" }]);
});
