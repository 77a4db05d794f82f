/**
 * Browser commands: Node-side functions that tests running in Chromium (the browser project in
 * vitest.config.ts) call as `commands.<name>(…)` from `vitest/browser`. Arguments and results cross
 * a WebSocket as JSON.
 *
 * - `trackingDifferentialOracle()` / `registryDifferentialOracle()`: start a FRESH private
 *   `mlflow server` (test/peers/mlflow-server.ts), run the differential script
 *   (test/conformance/{tracking,registry}-differential.ts) through the REST store against it, stop
 *   it, and return the oracle's normalized outcomes in their wire form (`decodeOutcomes` in the page).
 *
 * @example
 * ```ts
 * import { commands } from "vitest/browser";
 * const oracle = decodeOutcomes(await commands.trackingDifferentialOracle());
 * ```
 */
import { isDeepStrictEqual } from "node:util";
import type { BrowserCommand } from "vitest/node";
import { createRestRegistryStore } from "../../src/registry/stores/rest-store.js";
import { createRestStore } from "../../src/tracking/stores/rest-store.js";
import { decodeOutcomes, encodeOutcomes, type Outcome } from "../conformance/differential.js";
import { runRegistryScript } from "../conformance/registry-differential.js";
import { ORACLE_ROOT, runTrackingScript } from "../conformance/tracking-differential.js";
import { startMlflowServer } from "../peers/mlflow-server.js";

/** Runs `script` against a fresh `mlflow server` at its URL, and returns its outcomes in their wire form. */
async function onFreshServer(script: (url: string) => Promise<Outcome[]>): Promise<string> {
  const server = await startMlflowServer();
  try {
    const outcomes = await script(server.url);
    const wire = encodeOutcomes(outcomes);
    // The page must compare what Node saw: the wire form loses nothing (NaN, ±Infinity, -0, undefined).
    if (!isDeepStrictEqual(decodeOutcomes(wire), outcomes)) throw new Error("the oracle's outcomes do not survive their wire form");
    return wire;
  } finally {
    await server.stop();
  }
}

export const browserCommands = {
  trackingDifferentialOracle: (async () =>
    onFreshServer(async (url) => {
      const store = createRestStore(url);
      try {
        return await runTrackingScript({ store, root: ORACLE_ROOT });
      } finally {
        await store.close();
      }
    })) satisfies BrowserCommand<[]>,
  registryDifferentialOracle: (async () =>
    onFreshServer(async (url) => {
      const store = createRestRegistryStore(url);
      try {
        return await runRegistryScript(store);
      } finally {
        await store.close();
      }
    })) satisfies BrowserCommand<[]>,
};

declare module "vitest/browser" {
  interface BrowserCommands {
    /** The tracking differential script's outcomes on a fresh `mlflow server`, for `decodeOutcomes`. */
    trackingDifferentialOracle: () => Promise<string>;
    /** The registry differential script's outcomes on a fresh `mlflow server`, for `decodeOutcomes`. */
    registryDifferentialOracle: () => Promise<string>;
  }
}
