/**
 * `exp`, `log` and `log1p` that return the same bits on every JavaScript engine, for TF-IDF
 * vectorizing, training and predicting and for the logged log-loss.
 *
 * Why: ECMAScript leaves the accuracy of `Math.exp`/`Math.log`/`Math.log1p` to the engine, and
 * engines differ in the last bit. Measured: Chromium 156's V8 and Node 20's V8 (11.3, fdlibm)
 * disagree on `Math.exp` for 9.7% of arguments in [−30, 30], on `Math.log` for 3.4% in (0, 100)
 * and on `Math.log1p` for 0.12% in (0, 1) (10^6 arguments each). With `Math`, a model trained in
 * Node predicted in Chromium 1 ulp off (max |Δp| 2.2e-16 on 500 texts), and the same training
 * done in Chromium ended max |Δp| = 1.78e-12 away from Node's, because the tf weights (log), the
 * loss and the L-BFGS iterations amplify the last bit (test/browser/tfidf.test.ts).
 *
 * How: the three functions below are fdlibm's algorithms (as in FreeBSD's msun and V8's
 * ieee754.cc), written with IEEE-754 basic operations only (+ − × ÷ and comparisons, which every
 * engine rounds correctly), exact reads of a double's high word through a typed array, exact
 * multiplications by powers of two, and no `Math` call but `Math.trunc` (exact). So they return
 * the same bits everywhere: Node 20's `Math.exp`/`Math.log`/`Math.log1p` bits (no difference on
 * 24 million arguments), which keeps every model trained in Node as it was. Error < 1 ulp.
 * test/tfidf/deterministic-math.test.ts checks them against the `@stdlib/math-base-special-*`
 * ports of msun, bit for bit.
 *
 * Why not those `@stdlib/math-base-special-exp`/`-ln`/`-log1p` packages themselves: they pull in
 * 140 packages, and `exp` alone adds about 9 kB gzipped to a browser bundle (28.9 kB minified,
 * mostly stdlib's error formatting and polyfills), which would take the TF-IDF decode + predict
 * page from 13.4 kB past its 16 kB budget; this module adds 1.0 kB. Speed: about Math.log's for
 * `log`, 1.2–2× `Math.log1p`'s and `Math.exp`'s when inlined (V8 11.3); TF-IDF training on SST-2
 * evaluates its loss about 10% slower, on IMDB no slower beyond noise.
 *
 * `Math.sqrt` needs no replacement: IEEE-754 requires it correctly rounded, and engines are.
 *
 * ====================================================
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *
 * Developed at SunPro, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * ====================================================
 *
 * @module
 */

// Exact reads of the high 32-bit word of a double (sign, exponent and the top 20 bits of the
// significand), in the platform's byte order.
const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);
const HI = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 1 : 0;

/** The high word of `x`, as a signed 32-bit integer. */
function highWord(x: number): number {
  F64[0] = x;
  return I32[HI]!;
}

// POW2[BIAS + j] = 2^j for j in [−1074, 1023], exactly (doubling and halving a power of two is
// exact). Multiplying a normal double by 2^−e sets its exponent field as fdlibm's SET_HIGH_WORD
// does, without writing words (which costs a store-forwarding stall on every call).
const BIAS = 1074;
const POW2 = new Float64Array(BIAS + 1024);
POW2[BIAS] = 1;
for (let j = 1; j <= 1023; j++) POW2[BIAS + j] = POW2[BIAS + j - 1]! * 2;
for (let j = 1; j <= 1074; j++) POW2[BIAS - j] = POW2[BIAS - j + 1]! * 0.5;

const LN2_HI = 6.93147180369123816490e-1; // 0x3FE62E42 FEE00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76
const TWO54 = 1.8014398509481984e16; // 0x43500000 00000000

const EXP_OVERFLOW = 7.09782712893383973096e2; // 0x40862E42 FEFA39EF
const EXP_UNDERFLOW = -7.45133219101941108420e2; // 0xC0874910 D52D3051
const INV_LN2 = 1.44269504088896338700; // 0x3FF71547 652B82FE
const P1 = 1.66666666666666019037e-1; // 0x3FC55555 5555553E
const P2 = -2.77777777770155933842e-3; // 0xBF66C16C 16BEBD93
const P3 = 6.61375632143793436117e-5; // 0x3F11566A AF25DE2C
const P4 = -1.65339022054652515390e-6; // 0xBEBBBD41 C5D26BF1
const P5 = 4.13813679705723846039e-8; // 0x3E663769 72BEA4D0
const E = 2.718281828459045; // 0x4005BF0A 8B145769
const TWO_M1000 = 9.33263618503218878990e-302; // 2^-1000

// log and log1p share their polynomial.
const L1 = 6.666666666666735130e-1; // 0x3FE55555 55555593
const L2 = 3.999999999940941908e-1; // 0x3FD99999 9997FA04
const L3 = 2.857142874366239149e-1; // 0x3FD24924 94229359
const L4 = 2.222219843214978396e-1; // 0x3FCC71C5 1D8E78AF
const L5 = 1.818357216161805012e-1; // 0x3FC74664 96CB03DE
const L6 = 1.531383769920937332e-1; // 0x3FC39A09 D078C69F
const L7 = 1.479819860511658591e-1; // 0x3FC2F112 DF3E5244

// Each function below is a short common path that V8 can inline into a hot loop (a call that is
// not inlined boxes its double argument and result), with the rare cases in a function of their own.

/**
 * e^x, the same bits on every engine (fdlibm's `exp`; error < 1 ulp).
 *
 * @example
 * ```ts
 * exp(0); // 1
 * exp(1); // 2.718281828459045
 * exp(-1000); // 0
 * ```
 */
export function exp(x: number): number {
  const hx = highWord(x) & 0x7fffffff; // high word of |x|
  if (hx <= 0x3fd62e42) {
    // |x| ≤ ln2/2: no reduction (k = 0)
    if (hx < 0x3e300000) return 1 + x; // |x| < 2^-28
    const t = x * x;
    const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
    return 1 - ((x * c) / (c - 2) - x);
  }
  if (hx >= 0x40800000) return expLarge(x); // |x| ≥ 512, ±Infinity, NaN
  if (x === 1) return E;
  // x = k·ln2 + r, |r| ≤ ln2/2; k = ±1 when |x| < 1.5·ln2
  const k = hx < 0x3ff0a2b2 ? (x > 0 ? 1 : -1) : Math.trunc(INV_LN2 * x + (x > 0 ? 0.5 : -0.5));
  return expReduced(x, k) * POW2[BIAS + k]!;
}

/** e^(x − k·ln2), with r = hi − lo for extra precision. */
function expReduced(x: number, k: number): number {
  const hi = x - k * LN2_HI; // exact
  const lo = k * LN2_LO;
  const r = hi - lo;
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  return 1 - (lo - (r * c) / (2 - c) - hi);
}

/** exp for |x| ≥ 512, ±Infinity and NaN. */
function expLarge(x: number): number {
  if (x !== x) return x;
  if (x > EXP_OVERFLOW) return Infinity;
  if (x < EXP_UNDERFLOW) return 0;
  const k = Math.trunc(INV_LN2 * x + (x > 0 ? 0.5 : -0.5));
  const y = expReduced(x, k);
  if (k >= -1021) return k === 1024 ? y * 2 * POW2[BIAS + 1023]! : y * POW2[BIAS + k]!;
  return y * POW2[BIAS + k + 1000]! * TWO_M1000; // a subnormal result, rounded once
}

/**
 * The natural logarithm, the same bits on every engine (fdlibm's `log`; error < 1 ulp).
 *
 * @example
 * ```ts
 * log(1); // 0
 * log(Math.E); // 1
 * log(0); // -Infinity
 * ```
 */
export function log(x: number): number {
  const hx = highWord(x);
  // Zero, negative, subnormal, NaN or +Infinity
  if (hx < 0x00100000 || hx >= 0x7ff00000) return logSpecial(x);
  return logNormal(x, hx, 0);
}

/** log for zero, negative, subnormal, NaN and +Infinity. */
function logSpecial(x: number): number {
  if (x === 0) return -Infinity;
  if (!(x > 0)) return NaN;
  if (x === Infinity) return x;
  const scaled = x * TWO54; // a subnormal scaled up
  return logNormal(scaled, highWord(scaled), -54);
}

/** log(x·2^k0) for a positive normal x whose high word is `hx`. */
function logNormal(x: number, hx: number, k0: number): number {
  const m = hx & 0x000fffff;
  const i = (m + 0x95f64) & 0x100000;
  const e = (hx >> 20) - 1023 + (i >> 20);
  const f = x * POW2[BIAS - e]! - 1; // x/2^e in [√2/2, √2)
  const k = k0 + e;
  if ((0x000fffff & (2 + m)) < 3) return logNearOne(f, k); // −2^-20 ≤ f < 2^-20
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (L2 + w * (L4 + w * L6));
  const t2 = z * (L1 + w * (L3 + w * (L5 + w * L7)));
  const r = t2 + t1;
  if (((m - 0x6147a) | (0x6b851 - m)) > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + r)) : k * LN2_HI - (hfsq - (s * (hfsq + r) + k * LN2_LO) - f);
  }
  return k === 0 ? f - s * (f - r) : k * LN2_HI - (s * (f - r) - k * LN2_LO - f);
}

/** k·ln2 + log(1 + f) for |f| < 2^-20. */
function logNearOne(f: number, k: number): number {
  if (f === 0) return k === 0 ? 0 : k * LN2_HI + k * LN2_LO;
  const r = f * f * (0.5 - 0.33333333333333333 * f);
  return k === 0 ? f - r : k * LN2_HI - (r - k * LN2_LO - f);
}

/**
 * log(1 + x), accurate for tiny x, the same bits on every engine (fdlibm's `log1p`; error < 1 ulp).
 *
 * @example
 * ```ts
 * log1p(0); // 0
 * log1p(1e-20); // 1e-20
 * log1p(-1); // -Infinity
 * ```
 */
export function log1p(x: number): number {
  const hx = highWord(x);
  if (hx < 0x3fda827a) {
    // 1 + x < √2
    const ax = hx & 0x7fffffff;
    if (ax >= 0x3ff00000) return x === -1 ? -Infinity : NaN; // x ≤ −1, or NaN with the sign bit
    if (ax < 0x3e200000) return ax < 0x3c900000 ? x : x - x * x * 0.5; // |x| < 2^-29
    // √2/2 ≤ 1 + x < √2: f = x exactly
    if (hx > 0 || hx <= (0xbfd2bec4 | 0)) return log1pReduced(x, 0, 0, 1);
  } else if (hx >= 0x7ff00000) {
    return x + x; // +Infinity or NaN
  }
  // 1 + x = 2^k·(1 + f), k ≠ 0; c corrects the rounding of u = 1 + x.
  const u = hx < 0x43400000 ? 1 + x : x;
  let hu = highWord(u);
  let k = (hu >> 20) - 1023;
  const c = hx < 0x43400000 ? (k > 0 ? 1 - (u - x) : x - (u - 1)) / u : 0;
  hu &= 0x000fffff;
  if (hu >= 0x6a09e) {
    // u ≳ √2·2^k: normalize u/2 instead
    k += 1;
    hu = (0x00100000 - hu) >> 2;
  }
  return log1pReduced(u * POW2[BIAS - k]! - 1, k, c, hu);
}

/** k·ln2 + log(1 + f) + c; `hu` is 0 when |f| < 2^-20. */
function log1pReduced(f: number, k: number, c: number, hu: number): number {
  if (hu === 0) return log1pNearOne(f, k, c);
  const hfsq = 0.5 * f * f;
  const s = f / (2 + f);
  const z = s * s;
  const r = z * (L1 + z * (L2 + z * (L3 + z * (L4 + z * (L5 + z * (L6 + z * L7))))));
  return k === 0 ? f - (hfsq - s * (hfsq + r)) : k * LN2_HI - (hfsq - (s * (hfsq + r) + (k * LN2_LO + c)) - f);
}

/** k·ln2 + log(1 + f) + c for |f| < 2^-20. */
function log1pNearOne(f: number, k: number, c: number): number {
  if (f === 0) return k === 0 ? 0 : k * LN2_HI + (c + k * LN2_LO);
  const r = 0.5 * f * f * (1 - 0.66666666666666666 * f);
  return k === 0 ? f - r : k * LN2_HI - (r - (k * LN2_LO + c) - f);
}
