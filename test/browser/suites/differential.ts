/**
 * The frame of the differential tests in Chromium (tracking-differential.test.ts,
 * registry-differential.test.ts): the script runs on a fresh store of every subject in the page
 * while a browser command runs it on the oracle in Node; then the checks compare, call by call.
 *
 * @example
 * ```ts
 * describeInPage("…", () => commands.registryDifferentialOracle(), [{ name: "memory", open, run: runRegistryScript }], (results) =>
 *   describeRegistryChecks(results, [{ name: "memory" }]),
 * );
 * ```
 */
import { afterAll, beforeAll, describe } from "vitest";
import { decodeOutcomes, type Outcome } from "../../conformance/differential.js";

/** A store to run the script on in the page. */
export interface PageSubject<S> {
  name: string;
  /** Opens the store, fresh and empty. */
  open(): Promise<S>;
  /** Runs the script on it. */
  run(store: S): Promise<Outcome[]>;
}

/**
 * Registers `title`: its `beforeAll` runs `oracle()` (a browser command returning the oracle's
 * outcomes in their wire form) and the script on every subject at the same time, and `checks`
 * registers the tests on the results (each subject's under its name, the oracle's under "mlflow").
 */
export function describeInPage<S extends { close(): Promise<void> }>(
  title: string,
  oracle: () => Promise<string>,
  subjects: readonly PageSubject<S>[],
  checks: (results: () => Readonly<Record<string, readonly Outcome[]>>) => void,
): void {
  describe(title, () => {
    const results: Record<string, Outcome[]> = {};
    const opened: S[] = [];

    beforeAll(async () => {
      const wire = oracle();
      wire.catch(() => {}); // awaited below; not unhandled if a subject fails first
      await Promise.all(
        subjects.map(async (subject) => {
          const store = await subject.open();
          opened.push(store);
          results[subject.name] = await subject.run(store);
        }),
      );
      results.mlflow = decodeOutcomes(await wire);
    });

    afterAll(async () => {
      for (const store of opened) await store.close();
    });

    checks(() => results);
  });
}
