/**
 * minimizeLbfgs: its stopping tests, and that it walks scipy's L-BFGS-B path (the path decides where
 * the stopping tests fire, see src/tfidf/lbfgs.ts).
 */
import { describe, expect, it } from "vitest";
import { minimizeLbfgs, type Objective } from "../../src/entries/tfidf.js";

/** Rosenbrock's function in n dimensions. */
const rosenbrock = (n: number): Objective => (x, g) => {
  g.fill(0);
  let f = 0;
  for (let i = 0; i < n - 1; i++) {
    const a = x[i + 1]! - x[i]! ** 2;
    const b = 1 - x[i]!;
    f += 100 * a * a + b * b;
    g[i] = g[i]! - 400 * a * x[i]! - 2 * b;
    g[i + 1] = g[i + 1]! + 200 * a;
  }
  return f;
};
const rosenbrockStart = (n: number): Float64Array => Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -1.2 : 1));

/** A convex quadratic ½ Σ cᵢ (xᵢ − 1)², badly conditioned so that it takes a number of iterations. */
const quadratic = (n: number, offset = 0): Objective => (x, g) => {
  let f = offset;
  for (let i = 0; i < n; i++) {
    const c = 10 ** ((4 * i) / (n - 1));
    const d = x[i]! - 1;
    g[i] = c * d;
    f += 0.5 * c * d * d;
  }
  return f;
};

const gradMaxAt = (objective: Objective, x: Float64Array): number => {
  const g = new Float64Array(x.length);
  objective(x, g);
  return Math.max(...Array.from(g, Math.abs));
};

describe("minimizeLbfgs stopping tests", () => {
  it("stops at the first iteration whose largest gradient component is ≤ gtol", () => {
    const f = quadratic(30);
    const seen: number[] = [];
    // ftol 0: near its minimum 0 this f decreases by less than 64·ε per iteration before |∇f| gets to 1e-6.
    const r = minimizeLbfgs(f, new Float64Array(30), { gtol: 1e-6, ftol: 0, onIteration: (_, __, gradMax) => void seen.push(gradMax) });
    expect(r.reason).toBe("gtol");
    expect(r.converged).toBe(true);
    expect(seen).toHaveLength(r.iterations);
    // gradMax is max |∇f| at the iterate, and every earlier iterate was above gtol.
    expect(seen.at(-1)).toBe(gradMaxAt(f, r.x));
    expect(seen.at(-1)).toBeLessThanOrEqual(1e-6);
    for (const v of seen.slice(0, -1)) expect(v).toBeGreaterThan(1e-6);
  });

  it("does not iterate from a point that already meets gtol", () => {
    const r = minimizeLbfgs(quadratic(5), new Float64Array(5).fill(1), { gtol: 1e-6 });
    expect(r).toMatchObject({ iterations: 0, evaluations: 1, converged: true, reason: "gtol" });
  });

  it("stops on the relative decrease of f: (f_k − f_k+1) / max(|f_k|, |f_k+1|, 1) ≤ ftol", () => {
    // The same quadratic shifted by 1e9: the gradient is unchanged, the relative decrease is 1e9× smaller.
    const f = quadratic(30, 1e9);
    const values: number[] = [];
    const r = minimizeLbfgs(f, new Float64Array(30), { gtol: 1e-12, ftol: 1e-12, onIteration: (_, v) => void values.push(v) });
    expect(r.reason).toBe("ftol");
    const rel = (k: number): number => (values[k - 1]! - values[k]!) / Math.max(Math.abs(values[k - 1]!), Math.abs(values[k]!), 1);
    expect(rel(values.length - 1)).toBeLessThanOrEqual(1e-12);
    for (let k = 1; k < values.length - 1; k++) expect(rel(k)).toBeGreaterThan(1e-12);
    // Unshifted, the same run goes on to the gradient test.
    expect(minimizeLbfgs(quadratic(30), new Float64Array(30), { gtol: 1e-12, ftol: 1e-12 }).iterations).toBeGreaterThan(r.iterations);
  });

  it("checks the iteration limit before the convergence tests, as scipy's driver does", () => {
    const f = quadratic(30);
    const full = minimizeLbfgs(f, new Float64Array(30), { gtol: 1e-6, ftol: 0 });
    expect(full.reason).toBe("gtol");
    const capped = minimizeLbfgs(f, new Float64Array(30), { gtol: 1e-6, ftol: 0, maxIter: full.iterations });
    expect(capped).toMatchObject({ iterations: full.iterations, converged: false, reason: "max-iter" });
    expect(Array.from(capped.x)).toEqual(Array.from(full.x));
  });

  it("onIteration returning false stops the run", () => {
    const r = minimizeLbfgs(quadratic(30), new Float64Array(30), { gtol: 1e-9, onIteration: (i) => i < 3 });
    expect(r).toMatchObject({ iterations: 3, converged: false, reason: "stopped" });
  });

  it("tries 1/‖g‖ first, along −g", () => {
    const f: Objective = (x, g) => {
      g[0] = 2 * (x[0]! - 3);
      g[1] = 8 * (x[1]! + 1);
      return (x[0]! - 3) ** 2 + 4 * (x[1]! + 1) ** 2;
    };
    const points: number[][] = [];
    minimizeLbfgs((x, g) => (points.push(Array.from(x)), f(x, g)), new Float64Array(2));
    // ∇f(0) = (−6, 8), ‖∇f‖ = 10: the first trial is 0 − ∇f/10.
    expect(points[1]![0]).toBeCloseTo(0.6, 15);
    expect(points[1]![1]).toBeCloseTo(-0.8, 15);
  });
});

describe("minimizeLbfgs walks scipy's L-BFGS-B path", () => {
  // Reference: scipy 1.17.1, minimize(rosen, x0, jac=True, method="L-BFGS-B",
  //   options={"gtol": 1e-5, "ftol": 64 * eps, "maxls": 50}) with x0 = (−1.2, 1, −1.2, 1, …),
  // scikit-learn's settings; f after each of the first iterations from its callback.
  const cases = [
    { n: 2, nit: 37, nfev: 45, f: [4.225209187581896, 4.127275523932904, 4.120517097042244, 4.115574725748626, 4.087545016268825] },
    { n: 10, nit: 74, nfev: 92, f: [707.3707138309857, 295.3293968365443, 118.8696448463879, 39.44642412501242, 16.576547497337828] },
  ];
  for (const c of cases) {
    it(`Rosenbrock in ${c.n} dimensions: the same iterations, evaluations and values as scipy`, () => {
      const values: number[] = [];
      const r = minimizeLbfgs(rosenbrock(c.n), rosenbrockStart(c.n), { gtol: 1e-5, onIteration: (_, f) => void values.push(f) });
      expect(r.reason).toBe("gtol");
      expect(r.iterations).toBe(c.nit);
      expect(r.evaluations).toBe(c.nfev);
      for (let k = 0; k < c.f.length; k++) expect(values[k]! / c.f[k]! - 1).toBeCloseTo(0, 13);
      for (const v of r.x) expect(v).toBeCloseTo(1, 7);
    });
  }
});
