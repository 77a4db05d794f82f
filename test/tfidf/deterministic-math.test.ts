/**
 * The deterministic exp/log/log1p of src/evaluation/deterministic-math.ts (fdlibm's algorithms in
 * IEEE-754 basic operations):
 *
 * - bit-for-bit equal to the `@stdlib/math-base-special-exp`/`-ln`/`-log1p` ports of FreeBSD's
 *   msun on millions of arguments, with two known exceptions of stdlib's exp: it rounds subnormal
 *   results (below 2^-1022) by another route (compared within one subnormal step), and it has no
 *   special case for exp(1), for which FreeBSD and V8 return the double nearest e;
 * - within 1 ulp of this engine's `Math` functions;
 * - the same bits as a fixed fingerprint, so a change to them (which would move every trained
 *   model) shows here; test/browser/tfidf.test.ts checks that Chromium gets the bits Node gets.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { exp, log, log1p } from "../../src/evaluation/deterministic-math.js";

const require = createRequire(import.meta.url);
const stdlib = {
  exp: require("@stdlib/math-base-special-exp") as (x: number) => number,
  log: require("@stdlib/math-base-special-ln") as (x: number) => number,
  log1p: require("@stdlib/math-base-special-log1p") as (x: number) => number,
};

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** A fixed stream of 32-bit integers (a linear congruential generator). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
}

/** Doubles from a fixed stream: uniform in [lo, hi), or any bit pattern when no range is given. */
function doubles(seed: number, n: number, range?: [number, number]): Float64Array {
  const next = lcg(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (range) {
      out[i] = range[0] + ((next() * 2 ** 21 + (next() >>> 11)) / 2 ** 53) * (range[1] - range[0]);
    } else {
      u32[0] = next();
      u32[1] = next();
      out[i] = f64[0]!;
    }
  }
  return out;
}

/** Distance in units in the last place (0 when both are the same NaN/infinity). */
function ulps(a: number, b: number): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const bits = (x: number) => {
    f64[0] = x;
    return BigInt(u32[1]!) * 2n ** 32n + BigInt(u32[0]!);
  };
  const signed = (x: number) => (x < 0 || Object.is(x, -0) ? -(bits(-x)) : bits(x));
  const d = signed(a) - signed(b);
  return Number(d < 0n ? -d : d);
}

const SPECIAL = [0, -0, 1, -1, 2, 0.5, Infinity, -Infinity, NaN, Number.MIN_VALUE, -Number.MIN_VALUE, 2 ** -1022, Number.MAX_VALUE, -Number.MAX_VALUE, Number.EPSILON, 1 - Number.EPSILON / 2, 1 + Number.EPSILON];

const CASES = {
  exp: [
    ["[-1, 1]", doubles(1, 400_000, [-1, 1])],
    ["[-40, 40] (logistic scores)", doubles(2, 400_000, [-40, 40])],
    ["[-746, 710] (to overflow and underflow)", doubles(3, 400_000, [-746, 710])],
    ["any bits", doubles(4, 400_000)],
  ],
  log: [
    ["(0, 2]", doubles(5, 400_000, [0, 2])],
    ["[1, 1e6] (counts, idf ratios)", doubles(6, 400_000, [1, 1e6])],
    ["1 ± 1e-6", doubles(7, 400_000, [1 - 1e-6, 1 + 1e-6])],
    ["any bits (subnormals, negatives, NaN)", doubles(8, 400_000)],
  ],
  log1p: [
    ["(-1, 1)", doubles(9, 400_000, [-1, 1])],
    ["[0, 1] (log1p(exp(−|z|)))", doubles(10, 400_000, [0, 1])],
    ["± 1e-8", doubles(11, 400_000, [-1e-8, 1e-8])],
    ["any bits", doubles(12, 400_000)],
  ],
} as const;

const FUNCTIONS = { exp, log, log1p };
const ENGINE = { exp: Math.exp, log: Math.log, log1p: Math.log1p };

describe("deterministic exp/log/log1p", () => {
  for (const name of ["exp", "log", "log1p"] as const) {
    const ours = FUNCTIONS[name];
    for (const [label, xs] of [...CASES[name], ["special values", Float64Array.from(SPECIAL)] as const]) {
      it(`${name} on ${label}: the bits of stdlib's msun port, within 1 ulp of Math.${name}`, () => {
        let differ = 0;
        let worst = 0;
        for (const x of xs) {
          const got = ours(x);
          const ref = stdlib[name](x);
          if (!Object.is(got, ref) && !(Number.isNaN(got) && Number.isNaN(ref))) {
            // stdlib's exp scales subnormal results with ldexp, which rounds them differently.
            const subnormal = name === "exp" && Math.abs(ref) < 2 ** -1022;
            const e = name === "exp" && x === 1 && got === Math.E;
            if (!e && (!subnormal || ulps(got, ref) > 1)) differ++;
          }
          worst = Math.max(worst, ulps(got, ENGINE[name](x)));
        }
        expect(differ).toBe(0);
        expect(worst).toBeLessThanOrEqual(1);
      });
    }
  }

  it("special values follow IEEE-754 / ECMAScript", () => {
    expect(exp(0)).toBe(1);
    expect(exp(1)).toBe(Math.E);
    expect(exp(-Infinity)).toBe(0);
    expect(exp(Infinity)).toBe(Infinity);
    expect(exp(710)).toBe(Infinity);
    expect(exp(-746)).toBe(0);
    expect(exp(NaN)).toBeNaN();
    expect(log(1)).toBe(0);
    expect(log(Math.E)).toBe(1);
    expect(log(0)).toBe(-Infinity);
    expect(log(-0)).toBe(-Infinity);
    expect(log(-1)).toBeNaN();
    expect(log(Infinity)).toBe(Infinity);
    expect(log(NaN)).toBeNaN();
    expect(log(Number.MIN_VALUE)).toBe(-744.4400719213812);
    expect(log1p(0)).toBe(0);
    expect(Object.is(log1p(-0), -0)).toBe(true);
    expect(log1p(-1)).toBe(-Infinity);
    expect(log1p(-2)).toBeNaN();
    expect(log1p(1e-300)).toBe(1e-300);
    expect(log1p(Infinity)).toBe(Infinity);
  });

  it("returns fixed bits: a fingerprint of 3 × 200,000 results", () => {
    const fingerprint = (f: (x: number) => number, xs: Float64Array) => {
      let h = 0x811c9dc5;
      for (const x of xs) {
        f64[0] = f(x);
        h = Math.imul(h ^ u32[0]!, 0x01000193);
        h = Math.imul(h ^ u32[1]!, 0x01000193);
      }
      return (h >>> 0).toString(16);
    };
    expect({
      exp: fingerprint(exp, doubles(21, 200_000, [-40, 40])),
      log: fingerprint(log, doubles(22, 200_000, [0, 1000])),
      log1p: fingerprint(log1p, doubles(23, 200_000, [0, 1])),
    }).toEqual({ exp: "8e5db416", log: "46eb260", log1p: "f15f7a66" });
  });
});
