/**
 * Limited-memory BFGS with a strong-Wolfe line search, for smooth unconstrained minimization.
 *
 * Written here because the JavaScript options are dense-only or fixed-step (ml-logistic-regression
 * runs plain gradient descent); this one takes any `f(x, grad)` over a Float64Array, so the
 * objective can stream over a sparse matrix. Stopping rules follow scipy's L-BFGS-B as scikit-learn
 * calls it: largest gradient component ≤ `gtol`, or relative decrease of f ≤ `ftol`.
 *
 * @module
 */

/**
 * Computes f(x) and writes ∇f(x) into `grad`.
 *
 * @example
 * ```ts
 * const f: Objective = (x, grad) => { grad[0] = 2 * (x[0]! - 3); return (x[0]! - 3) ** 2; };
 * minimizeLbfgs(f, Float64Array.of(0)).x; // Float64Array [≈3]
 * ```
 */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/**
 * Options of {@link minimizeLbfgs}.
 *
 * @example
 * ```ts
 * const result = minimizeLbfgs(f, x0, { maxIter: 200, gtol: 1e-6, onIteration: (i) => i < 100 });
 * ```
 */
export interface LbfgsOptions {
  /** Most iterations. @default 1000 */
  maxIter?: number;
  /** Stop when max |∇f| ≤ gtol. @default 1e-4 */
  gtol?: number;
  /** Stop when (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ ftol. @default 64 · 2^−52 */
  ftol?: number;
  /** Number of correction pairs kept. @default 10 */
  memory?: number;
  /** Most function evaluations per line search. @default 50 */
  maxLineSearch?: number;
  /** Called after each iteration; return `false` to stop. */
  onIteration?: (iteration: number, f: number, gradMax: number) => boolean | void;
}

/**
 * Outcome of {@link minimizeLbfgs}.
 *
 * @example
 * ```ts
 * const { x, f: loss, converged, reason }: LbfgsResult = minimizeLbfgs(f, x0); // reason: "gtol" when converged on the gradient
 * ```
 */
export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  reason: "gtol" | "ftol" | "max-iter" | "line-search" | "stopped";
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

// The vector helpers below each make one pass over their arrays and fuse what the recursion
// needs next (a dot product) into it: with hundreds of thousands of weights the two-loop recursion
// is bound by memory traffic, so fewer passes is what makes it faster.

/** out = −g; returns w · out (0 without w). */
function negateDot(g: Float64Array, out: Float64Array, w: Float64Array | null): number {
  let acc = 0;
  for (let i = 0; i < out.length; i++) {
    const v = -g[i]!;
    out[i] = v;
    if (w) acc += w[i]! * v;
  }
  return acc;
}

/** v += a · x; returns w · v (0 without w). */
function axpyDot(a: number, x: Float64Array, v: Float64Array, w: Float64Array | null): number {
  let acc = 0;
  for (let i = 0; i < v.length; i++) {
    const r = v[i]! + a * x[i]!;
    v[i] = r;
    if (w) acc += w[i]! * r;
  }
  return acc;
}

/** v *= a; returns w · v. */
function scaleDot(a: number, v: Float64Array, w: Float64Array): number {
  let acc = 0;
  for (let i = 0; i < v.length; i++) {
    const r = v[i]! * a;
    v[i] = r;
    acc += w[i]! * r;
  }
  return acc;
}

/** out = x + t · d */
function step(x: Float64Array, t: number, d: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = x[i]! + t * d[i]!;
}

/** s = x1 − x0, y = g1 − g0; returns [s · y, y · y, max |g1|]. */
function differences(
  x1: Float64Array,
  x0: Float64Array,
  g1: Float64Array,
  g0: Float64Array,
  s: Float64Array,
  y: Float64Array,
): [number, number, number] {
  let sy = 0;
  let yy = 0;
  let gmax = 0;
  for (let i = 0; i < s.length; i++) {
    const si = x1[i]! - x0[i]!;
    const g = g1[i]!;
    const yi = g - g0[i]!;
    s[i] = si;
    y[i] = yi;
    sy += si * yi;
    yy += yi * yi;
    const a = g < 0 ? -g : g;
    if (a > gmax) gmax = a;
  }
  return [sy, yy, gmax];
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    if (v > m) m = v;
  }
  return m;
}

/** Minimizer of the cubic interpolating (a, fa, da) and (b, fb, db); NaN when it has none. */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (disc < 0) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - (b - a) * ((db + d2 - d1) / (db - da + 2 * d2));
}

/**
 * Minimizes `objective` from `x0` (which is not modified).
 *
 * @example
 * ```ts
 * // f(x) = (x0 − 3)² + (x1 + 1)²
 * const r = minimizeLbfgs((x, g) => { g[0] = 2 * (x[0] - 3); g[1] = 2 * (x[1] + 1); return (x[0] - 3) ** 2 + (x[1] + 1) ** 2; },
 *                         new Float64Array(2));
 * r.x; // Float64Array [3, -1] (to within gtol)
 * ```
 */
export function minimizeLbfgs(objective: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const n = x0.length;
  const maxIter = options.maxIter ?? 1000;
  const gtol = options.gtol ?? 1e-4;
  const ftol = options.ftol ?? 64 * Number.EPSILON;
  const m = options.memory ?? 10;
  const maxLs = options.maxLineSearch ?? 50;
  const c1 = 1e-4;
  const c2 = 0.9;

  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = objective(x, g);
  let evaluations = 1;
  const s = Array.from({ length: m }, () => new Float64Array(n));
  const y = Array.from({ length: m }, () => new Float64Array(n));
  const rho = new Float64Array(m);
  const alpha = new Float64Array(m);
  let gamma = 1;
  let stored = 0;
  let newest = -1;
  const dir = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);

  if (maxAbs(g) <= gtol) return { x, f, iterations: 0, evaluations, converged: true, reason: "gtol" };

  for (let iter = 1; iter <= maxIter; iter++) {
    // Two-loop recursion, dir = −H·g, newest pair first and back; slot(k) is the k-th newest pair.
    const slot = (k: number): number => (newest - k + m) % m;
    let d0: number;
    if (stored === 0) {
      d0 = negateDot(g, dir, g);
    } else {
      let acc = negateDot(g, dir, s[slot(0)]!);
      for (let k = 0; k < stored; k++) {
        const j = slot(k);
        alpha[j] = rho[j]! * acc;
        acc = axpyDot(-alpha[j]!, y[j]!, dir, k + 1 < stored ? s[slot(k + 1)]! : null);
      }
      acc = scaleDot(gamma, dir, y[slot(stored - 1)]!);
      d0 = 0;
      for (let k = stored - 1; k >= 0; k--) {
        const j = slot(k);
        const beta = rho[j]! * acc;
        // The last pass computes g · dir, the directional derivative the line search needs.
        acc = axpyDot(alpha[j]! - beta, s[j]!, dir, k > 0 ? y[slot(k - 1)]! : g);
      }
      d0 = acc;
    }
    if (!(d0 < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      stored = 0;
      d0 = negateDot(g, dir, g);
    }
    // Without curvature pairs the direction is −g: start at 1/‖g‖, as L-BFGS-B does.
    const step0 = stored === 0 ? 1 / Math.sqrt(-d0) : 1;

    // Strong-Wolfe line search (Nocedal & Wright, algorithms 3.5 and 3.6).
    // xNew/gNew always hold the last evaluated point, which is the one accepted.
    let fNew = f;
    const evalAt = (t: number): { f: number; d: number } => {
      step(x, t, dir, xNew);
      fNew = objective(xNew, gNew);
      evaluations++;
      return { f: fNew, d: dot(gNew, dir) };
    };
    let accepted = false;
    let tPrev = 0;
    let fPrev = f;
    let dPrev = d0;
    let t = step0;
    let lo = 0, flo = 0, dlo = 0, hi = 0, fhi = 0, dhi = 0;
    let zoom = false;
    const widths: number[] = [];
    for (let ls = 0; ls < maxLs; ls++) {
      if (!zoom) {
        const e = evalAt(t);
        if (e.f > f + c1 * t * d0 || (ls > 0 && e.f >= fPrev) || !Number.isFinite(e.f)) {
          [lo, flo, dlo, hi, fhi, dhi] = [tPrev, fPrev, dPrev, t, e.f, e.d];
          zoom = true;
        } else if (Math.abs(e.d) <= -c2 * d0) {
          accepted = true;
          break;
        } else if (e.d >= 0) {
          [lo, flo, dlo, hi, fhi, dhi] = [t, e.f, e.d, tPrev, fPrev, dPrev];
          zoom = true;
        } else {
          [tPrev, fPrev, dPrev] = [t, e.f, e.d];
          t *= 4; // L-BFGS-B's extrapolation bound
        }
        continue;
      }
      // Zoom between lo (satisfies sufficient decrease) and hi: interpolate (cubic, else quadratic
      // from lo's value and slope and hi's value), kept strictly inside the interval; bisect when
      // two trials in a row shrank the interval by less than a third.
      const left = Math.min(lo, hi);
      const width = Math.abs(hi - lo);
      let tz = Number.isFinite(fhi) ? cubicMin(lo, flo, dlo, hi, fhi, dhi) : NaN;
      if (!Number.isFinite(tz) && Number.isFinite(fhi)) {
        const h = hi - lo;
        tz = lo - (dlo * h * h) / (2 * (fhi - flo - dlo * h));
      }
      const slow = widths.length >= 2 && width > (2 / 3) * widths[widths.length - 2]!;
      widths.push(width);
      if (slow || !(tz > left + 1e-3 * width && tz < left + width * (1 - 1e-3))) tz = (lo + hi) / 2;
      const e = evalAt(tz);
      if (e.f > f + c1 * tz * d0 || e.f >= flo || !Number.isFinite(e.f)) {
        [hi, fhi, dhi] = [tz, e.f, e.d];
      } else {
        if (Math.abs(e.d) <= -c2 * d0) {
          accepted = true;
          break;
        }
        if (e.d * (hi - lo) >= 0) [hi, fhi, dhi] = [lo, flo, dlo];
        [lo, flo, dlo] = [tz, e.f, e.d];
      }
      if (width < 1e-16 * Math.max(1, Math.abs(lo))) break;
    }
    if (!accepted) {
      // Fall back to the best sufficient-decrease point seen, if any.
      if (zoom && lo > 0 && flo < f) {
        const e = evalAt(lo);
        if (!(e.f < f)) return { x, f, iterations: iter - 1, evaluations, converged: false, reason: "line-search" };
      } else {
        return { x, f, iterations: iter - 1, evaluations, converged: false, reason: "line-search" };
      }
    }
    // Update the correction pairs with s = xNew − x, y = gNew − g.
    const next = (newest + 1) % m;
    const [sy, yy, gmax] = differences(xNew, x, gNew, g, s[next]!, y[next]!);
    if (sy > 1e-10 * yy) {
      rho[next] = 1 / sy;
      gamma = sy / yy;
      newest = next;
      stored = Math.min(stored + 1, m);
    }
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    const fOld = f;
    f = fNew;
    if (options.onIteration?.(iter, f, gmax) === false) {
      return { x, f, iterations: iter, evaluations, converged: false, reason: "stopped" };
    }
    if (gmax <= gtol) return { x, f, iterations: iter, evaluations, converged: true, reason: "gtol" };
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= ftol) {
      return { x, f, iterations: iter, evaluations, converged: true, reason: "ftol" };
    }
  }
  return { x, f, iterations: maxIter, evaluations, converged: false, reason: "max-iter" };
}
