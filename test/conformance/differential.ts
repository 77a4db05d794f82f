/**
 * What the differential scripts (./tracking-differential.ts, ./registry-differential.ts) share: a
 * call's outcome, the check of the oracle's outcomes against the script, one test per call and
 * store, and the outcomes' wire form. Browser-safe (no `node:*`), so a script runs on a store in a
 * page as in Node.
 *
 * @example
 * ```ts
 * const outcomes = await runTrackingScript({ store, root: "memory://x" });   // in the page
 * const oracle = decodeOutcomes(await commands.trackingDifferentialOracle()); // from Node
 * ```
 */
import { describe, expect, it } from "vitest";
import { isSentiMlopsError, type ErrorCode } from "../../src/errors.js";

/** One call's observable result, normalized: its value, its error code, or a failure that is not a SentiMlopsError. */
export type Outcome = { ok: unknown } | { error: string } | { unexpected: string };

/** What the checks need of a script's step. */
export interface ScriptStep {
  title: string;
  /** The error code the call must fail with (checked on the oracle). Absent: it must succeed. */
  fails?: ErrorCode;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The outcome of a call that threw `e`. */
export function errorOutcome(e: unknown): Outcome {
  return isSentiMlopsError(e) ? { error: e.code } : { unexpected: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
}

/** The oracle's calls that did not succeed or fail as the script says, one line each (none when all did). */
export function oracleMismatches(steps: readonly ScriptStep[], oracle: readonly Outcome[]): string[] {
  return steps.flatMap((step, i) => {
    const got = oracle[i]!;
    const expected = step.fails ? { error: step.fails } : "ok";
    const actual = "ok" in got ? "ok" : got;
    return JSON.stringify(actual) === JSON.stringify(expected) ? [] : [`#${i + 1} ${step.title}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  });
}

/** A store whose outcomes are compared with the oracle's ("mlflow"). */
export interface ComparedStore {
  name: string;
  /**
   * Calls (by title) where this store is known to differ from the oracle: each runs with `it.fails`,
   * its title carrying `[<kind>: <reason>]`, so the test turns red once the store stops differing.
   */
  differences?: Readonly<Record<string, { kind: string; reason: string }>>;
}

/**
 * Registers one test per call and store, titled "#<n> <call>" / "<store> = mlflow", comparing the
 * store's outcome of the call with the oracle's (`results().mlflow`). Call it inside the describe
 * whose `beforeAll` fills the results.
 */
export function describeCalls(steps: readonly ScriptStep[], results: () => Readonly<Record<string, readonly Outcome[]>>, stores: readonly ComparedStore[]): void {
  describe.each(steps.map((step, i) => ({ n: i + 1, i, title: step.title })))("#$n $title", ({ n, i, title }) => {
    for (const s of stores) {
      const difference = s.differences?.[title];
      const check = difference === undefined ? it : it.fails;
      check(`${s.name} = mlflow${difference === undefined ? "" : ` [${difference.kind}: ${difference.reason}]`}`, () => {
        expect(results()[s.name]![i], `#${n} ${title}: ${s.name} vs mlflow`).toEqual(results().mlflow![i]);
      });
    }
  });
}

// ------------------------------------------------------------------------------------------------
// The wire form: outcomes cross from Node to the page (a browser command's result) as JSON, which
// would turn NaN and ±Infinity into null, -0 into 0 and drop undefined; these are tagged instead,
// so the page compares exactly what Node produced.

const TAG = "$differential";

function toWire(value: unknown): unknown {
  if (typeof value === "number") {
    if (Number.isNaN(value)) return { [TAG]: "NaN" };
    if (value === Infinity) return { [TAG]: "Infinity" };
    if (value === -Infinity) return { [TAG]: "-Infinity" };
    if (Object.is(value, -0)) return { [TAG]: "-0" };
    return value;
  }
  if (value === undefined) return { [TAG]: "undefined" };
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map(toWire);
  const proto = typeof value === "object" ? Object.getPrototypeOf(value) : undefined;
  if (proto !== Object.prototype && proto !== null) throw new Error(`encodeOutcomes: cannot send ${Object.prototype.toString.call(value)} as JSON`);
  if (TAG in (value as object)) throw new Error(`encodeOutcomes: an outcome has a key ${TAG}`);
  return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, toWire(v)]));
}

const TAGGED: Record<string, unknown> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity, "-0": -0, undefined };

function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (value === null || typeof value !== "object") return value;
  if (TAG in value) return TAGGED[(value as Record<string, string>)[TAG]!];
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromWire(v)]));
}

/** Outcomes as a JSON string that {@link decodeOutcomes} turns back into equal outcomes (NaN, ±Infinity, -0 and undefined kept). */
export function encodeOutcomes(outcomes: readonly Outcome[]): string {
  return JSON.stringify(toWire(outcomes));
}

/** The outcomes {@link encodeOutcomes} encoded. */
export function decodeOutcomes(wire: string): Outcome[] {
  return fromWire(JSON.parse(wire)) as Outcome[];
}
