/**
 * Limited-memory BFGS for smooth unconstrained minimization, following the iterates of scipy's
 * L-BFGS-B (scipy ≥ 1.15, the C translation) without bounds, as scikit-learn's
 * `LogisticRegression(solver="lbfgs")` calls it.
 *
 * Written here because the JavaScript options are dense-only or fixed-step (ml-logistic-regression
 * runs plain gradient descent); this one takes any `f(x, grad)` over a Float64Array, so the
 * objective can stream over a sparse matrix.
 *
 * What is L-BFGS-B's, and why: the stopping tests (largest gradient component ≤ `gtol`, or
 * relative decrease of f ≤ `ftol`) stop wherever the iterates happen to cross them, and the
 * largest gradient component jumps up and down by 10× from one iteration to the next; with the
 * same tests on a different path, the solver stops at a different point near the optimum (SST-2 dev
 * moved by 0.35 points at tol 1e-4). So the path is L-BFGS-B's too:
 * - direction −H·g by the two-loop recursion, H₀ = (s·y / y·y)·I (L-BFGS-B's unconstrained subspace
 *   step is the same direction); −g while no pairs are stored;
 * - first trial step 1/‖g‖ on the first iteration only, 1 afterwards (also after a restart);
 * - line search: Moré–Thuente dcsrch/dcstep with sufficient decrease 1e-3, curvature 0.9,
 *   interval tolerance 0.1, steps in [0, 1e10]; its warnings end the search as convergence does;
 * - a pair is skipped unless s·y > ε·(−g·s), with s·y taken as (∇f(x+td)·d − ∇f(x)·d)·t;
 * - a failed line search (`maxLineSearch` evaluations, or no descent direction) drops all pairs
 *   and retries from −g, and ends the run only when there were no pairs to drop;
 * - after each iteration: `onIteration`, then the iteration limit, then the two stopping tests.
 * On SST-2 and IMDB (TF-IDF logistic regression) it takes the same number of function evaluations
 * per iteration as scipy; f agrees to about 1e-9 relative over the first 20 iterations, after which
 * rounding differences grow, so the final iteration counts agree closely but not always exactly.
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
  /** Most iterations; reaching it ends the run unconverged even when that iteration met a stopping test, as in scipy. @default 1000 */
  maxIter?: number;
  /**
   * Stop when max |∇f| ≤ gtol, tested at the start and after each iteration (scipy's `gtol`,
   * L-BFGS-B's `pgtol` on the projected gradient, which without bounds is the gradient). @default 1e-4
   */
  gtol?: number;
  /**
   * Stop when (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ ftol after an iteration (scipy's `ftol`;
   * scikit-learn passes 64 · 2^−52). @default 64 · 2^−52
   */
  ftol?: number;
  /** Number of correction pairs kept. @default 10 */
  memory?: number;
  /** Most function evaluations per line search (scipy's `maxls`; scikit-learn passes 50). @default 50 */
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

/**
 * One line search of L-BFGS-B: Moré and Thuente's dcsrch/dcstep (MINPACK-2) as scipy's L-BFGS-B
 * calls it — sufficient decrease 1e-3, curvature 0.9, interval tolerance 0.1, steps in [0, 1e10].
 * Each trial is accepted when dcsrch reports convergence *or* a warning (as lnsrlb does), so the
 * accepted point is always the last one evaluated.
 */
class MoreThuente {
  private brackt = false;
  private stage = 1;
  private readonly finit: number;
  private readonly ginit: number;
  private readonly gtest: number;
  private width: number;
  private width1: number;
  private stx = 0;
  private fx: number;
  private gx: number;
  private sty = 0;
  private fy: number;
  private gy: number;
  private stmin = 0;
  private stmax: number;
  /** The step to evaluate next. */
  stp: number;

  constructor(f0: number, g0: number, stp: number) {
    this.finit = this.fx = this.fy = f0;
    this.ginit = this.gx = this.gy = g0;
    this.gtest = LS_FTOL * g0;
    this.width = LS_STPMAX;
    this.width1 = LS_STPMAX / 0.5;
    this.stp = stp;
    this.stmax = stp + XTRAPU * stp;
  }

  /** Takes f and its directional derivative at `stp`; true when the search ends at `stp`. */
  next(f: number, g: number): boolean {
    let stp = this.stp;
    const ftest = this.finit + stp * this.gtest;
    if (this.stage === 1 && f <= ftest && g >= 0) this.stage = 2;
    let done = false;
    // Warnings (rounding, interval below xtol, step at a bound) end the search as convergence does.
    if (this.brackt && (stp <= this.stmin || stp >= this.stmax)) done = true;
    if (this.brackt && this.stmax - this.stmin <= LS_XTOL * this.stmax) done = true;
    if (stp === LS_STPMAX && f <= ftest && g <= this.gtest) done = true;
    if (stp === 0 && (f > ftest || g >= this.gtest)) done = true;
    if (f <= ftest && Math.abs(g) <= LS_GTOL * -this.ginit) done = true;
    if (done) return true;

    if (this.stage === 1 && f <= this.fx && f > ftest) {
      // The modified function ψ(t) = f(t) − t·gtest predicts the step while decrease is insufficient.
      const gt = this.gtest;
      const s = dcstep(this.stx, this.fx - this.stx * gt, this.gx - gt, this.sty, this.fy - this.sty * gt, this.gy - gt,
        stp, f - stp * gt, g - gt, this.brackt, this.stmin, this.stmax);
      [this.stx, this.sty, this.brackt, stp] = [s.stx, s.sty, s.brackt, s.stp];
      this.fx = s.fx + this.stx * gt;
      this.fy = s.fy + this.sty * gt;
      this.gx = s.dx + gt;
      this.gy = s.dy + gt;
    } else {
      const s = dcstep(this.stx, this.fx, this.gx, this.sty, this.fy, this.gy, stp, f, g, this.brackt, this.stmin, this.stmax);
      [this.stx, this.fx, this.gx, this.sty, this.fy, this.gy, this.brackt, stp] = [s.stx, s.fx, s.dx, s.sty, s.fy, s.dy, s.brackt, s.stp];
    }
    if (this.brackt) {
      // Bisect when the interval did not shrink enough over two trials.
      if (Math.abs(this.sty - this.stx) >= 0.66 * this.width1) stp = this.stx + 0.5 * (this.sty - this.stx);
      this.width1 = this.width;
      this.width = Math.abs(this.sty - this.stx);
      this.stmin = Math.min(this.stx, this.sty);
      this.stmax = Math.max(this.stx, this.sty);
    } else {
      this.stmin = stp + XTRAPL * (stp - this.stx);
      this.stmax = stp + XTRAPU * (stp - this.stx);
    }
    stp = Math.min(Math.max(stp, 0), LS_STPMAX);
    // No progress possible: go back to the best step so far.
    if (this.brackt && (stp <= this.stmin || stp >= this.stmax || this.stmax - this.stmin <= LS_XTOL * this.stmax)) stp = this.stx;
    this.stp = stp;
    return false;
  }
}

const LS_FTOL = 1e-3;
const LS_GTOL = 0.9;
const LS_XTOL = 0.1;
const LS_STPMAX = 1e10;
const XTRAPL = 1.1;
const XTRAPU = 4;

/** Moré–Thuente's safeguarded step (dcstep): updates the interval [stx, sty] and returns the next trial. */
function dcstep(
  stx: number, fx: number, dx: number,
  sty: number, fy: number, dy: number,
  stp: number, fp: number, dp: number,
  brackt: boolean, stpmin: number, stpmax: number,
): { stx: number; fx: number; dx: number; sty: number; fy: number; dy: number; stp: number; brackt: boolean } {
  const sgnd = dp * (dx / Math.abs(dx));
  let stpf: number;
  if (fp > fx) {
    // Higher function value: the minimum is bracketed; cubic if closer to stx, else cubic/quadratic average.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (dx / s) * (dp / s));
    if (stp < stx) gamma = -gamma;
    const p = gamma - dx + theta;
    const q = gamma - dx + gamma + dp;
    const stpc = stx + (p / q) * (stp - stx);
    const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
    stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
    brackt = true;
  } else if (sgnd < 0) {
    // Lower value, derivatives of opposite sign: bracketed; cubic if farther from stp, else secant.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (dx / s) * (dp / s));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dx;
    const stpc = stp + (p / q) * (stx - stp);
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
    brackt = true;
  } else if (Math.abs(dp) < Math.abs(dx)) {
    // Lower value, same sign, derivative shrinking.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt(Math.max(0, (theta / s) ** 2 - (dx / s) * (dp / s)));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma + (dx - dp) + gamma;
    const r = p / q;
    const stpc = r < 0 && gamma !== 0 ? stp + r * (stx - stp) : stp > stx ? stpmax : stpmin;
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (brackt) {
      stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
      stpf = stp > stx ? Math.min(stp + 0.66 * (sty - stp), stpf) : Math.max(stp + 0.66 * (sty - stp), stpf);
    } else {
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      stpf = Math.max(stpmin, Math.min(stpmax, stpf));
    }
  } else if (brackt) {
    // Lower value, same sign, derivative not shrinking, bracketed: cubic toward sty.
    const theta = (3 * (fp - fy)) / (sty - stp) + dy + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dy), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (dy / s) * (dp / s));
    if (stp > sty) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dy;
    stpf = stp + (p / q) * (sty - stp);
  } else {
    stpf = stp > stx ? stpmax : stpmin;
  }
  if (fp > fx) {
    [sty, fy, dy] = [stp, fp, dp];
  } else {
    if (sgnd < 0) [sty, fy, dy] = [stx, fx, dx];
    [stx, fx, dx] = [stp, fp, dp];
  }
  return { stx, fx, dx, sty, fy, dy, stp: stpf, brackt };
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

  let iter = 0;
  for (;;) {
    // Two-loop recursion, dir = −H·g, newest pair first and back; slot(k) is the k-th newest pair.
    // Without pairs, dir = −g (L-BFGS-B's Cauchy point with B = I).
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
      for (let k = stored - 1; k >= 0; k--) {
        const j = slot(k);
        const beta = rho[j]! * acc;
        // The last pass computes g · dir, the directional derivative the line search needs.
        acc = axpyDot(alpha[j]! - beta, s[j]!, dir, k > 0 ? y[slot(k - 1)]! : g);
      }
      d0 = acc;
    }
    let accepted = false;
    let fNew = f;
    let dNew = d0;
    let t = 0;
    if (d0 < 0) {
      // L-BFGS-B's first step is 1/‖d‖ (d = −g then), every later one starts at 1.
      const search = new MoreThuente(f, d0, iter === 0 ? Math.min(1 / Math.sqrt(dot(dir, dir)), LS_STPMAX) : 1);
      for (let ls = 0; ls < maxLs && !accepted; ls++) {
        t = search.stp;
        step(x, t, dir, xNew);
        fNew = objective(xNew, gNew);
        evaluations++;
        dNew = dot(gNew, dir);
        accepted = search.next(fNew, dNew);
      }
    }
    if (!accepted) {
      // No acceptable step (or not a descent direction): like L-BFGS-B, drop the correction pairs
      // and retry from steepest descent; without pairs there is nothing left to try.
      if (stored === 0) return { x, f, iterations: iter, evaluations, converged: false, reason: "line-search" };
      stored = 0;
      newest = -1;
      gamma = 1;
      continue;
    }
    iter++;
    // Correction pair s = xNew − x, y = gNew − g. As in L-BFGS-B, s·y is taken as (dNew − d0)·t
    // and the pair is skipped unless s·y > ε·(−d0·t).
    const next = (newest + 1) % m;
    const [, yy, gmax] = differences(xNew, x, gNew, g, s[next]!, y[next]!);
    const sy = (dNew - d0) * t;
    if (sy > Number.EPSILON * -d0 * t) {
      rho[next] = 1 / sy;
      gamma = sy / yy;
      newest = next;
      stored = Math.min(stored + 1, m);
    }
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    const fOld = f;
    f = fNew;
    // The order of scipy's driver: callback, then the iteration limit, then the convergence tests.
    if (options.onIteration?.(iter, f, gmax) === false) {
      return { x, f, iterations: iter, evaluations, converged: false, reason: "stopped" };
    }
    if (iter >= maxIter) return { x, f, iterations: iter, evaluations, converged: false, reason: "max-iter" };
    if (gmax <= gtol) return { x, f, iterations: iter, evaluations, converged: true, reason: "gtol" };
    if (fOld - f <= ftol * Math.max(Math.abs(fOld), Math.abs(f), 1)) {
      return { x, f, iterations: iter, evaluations, converged: true, reason: "ftol" };
    }
  }
}
