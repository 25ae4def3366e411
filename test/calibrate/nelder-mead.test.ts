// Nelder-Mead in the unit box (src/calibrate/nelder-mead.ts) on problems whose minimum is known,
// run in-process. Every objective here is a plain deterministic function, so each test is exact;
// the tolerances on the found minimum are stated beside each assertion with the reason for them.

import { describe, expect, it } from "vitest";
import { type NelderMeadOptions, type NelderMeadResult, nelderMead } from "../../src/calibrate/nelder-mead.js";

type Objective = (u: Float64Array) => number;

/** Runs the search with `objective`, recording every evaluated point (a copy) and value, in order. */
async function search(objective: Objective, start: number[], o: Partial<NelderMeadOptions> = {}): Promise<{ r: NelderMeadResult; points: number[][]; values: number[] }> {
  const points: number[][] = [];
  const values: number[] = [];
  const r = await nelderMead(
    async (u) => {
      points.push(Array.from(u));
      const v = objective(u);
      values.push(v);
      return v;
    },
    start,
    { maxEvaluations: 10_000, step: 0.1, valueTolerance: 1e-12, pointTolerance: 1e-7, ...o },
  );
  return { r, points, values };
}

/** A convex quadratic sum_i w_i (u_i - c_i)^2; its minimum over the box is c clipped into it. */
const quadratic = (c: number[], w: number[] = c.map(() => 1)): Objective => (u) => c.reduce((a, ci, i) => a + w[i]! * (u[i]! - ci) ** 2, 0);

/** Rosenbrock's function on [-2, 2]^2 mapped onto the unit box: x = 4u - 2. Minimum 0 at x = (1, 1), u = (0.75, 0.75). */
const rosenbrock: Objective = (u) => {
  const x = 4 * u[0]! - 2;
  const y = 4 * u[1]! - 2;
  return 100 * (y - x * x) ** 2 + (1 - x) ** 2;
};

const C5 = [0.2, 0.35, 0.5, 0.65, 0.8];
const W5 = [1, 2, 3, 4, 5];
const START5 = [0.9, 0.1, 0.9, 0.1, 0.5];

describe("nelderMead finds known minima", () => {
  it("a convex quadratic in 5 dimensions with its minimum inside the box", async () => {
    const { r } = await search(quadratic(C5, W5), START5);
    expect(r.stop).toBe("converged");
    // Stopping needs every vertex within 1e-7 of the best in each coordinate and values spanning
    // 1e-12 (which, with weights >= 1, means the vertices differ by ~1e-6 at most). 1e-4 leaves two
    // orders of magnitude for a simplex that converges a little off the minimum, yet is 3000 times
    // smaller than the start's distance from it (>= 0.3) and 1000 times the initial step (0.1),
    // so a search that stalled or drifted fails.
    for (let i = 0; i < 5; i++) expect(Math.abs(r.best[i]! - C5[i]!), `coordinate ${i}: ${r.best[i]}`).toBeLessThan(1e-4);
    // The value at a point within 1e-4 of c is at most sum(w) * 1e-8 = 1.5e-7.
    expect(r.value).toBeLessThan(1.5e-7);
    expect(r.value).toBe(quadratic(C5, W5)(r.best));
  });

  it("Rosenbrock's valley in 2 dimensions (mapped into the box) converges to (0.75, 0.75) with a generous budget", async () => {
    // From x = (-1, 1), the classic start on the far side of the curved valley.
    const { r } = await search(rosenbrock, [0.25, 0.75], { valueTolerance: 1e-14, pointTolerance: 1e-8 });
    expect(r.stop).toBe("converged");
    expect(r.evaluations).toBeLessThan(10_000);
    // 1e-4 in u (4e-4 in x). Near (1, 1), f ~ (x - 1)^2 along the valley's floor, so values
    // spanning 1e-14 at the stop put the best within ~1e-7 of it in x; 1e-4 is a wide margin for
    // a simplex stopping slightly off the minimum, yet 5000 times smaller than the start's
    // distance from it (0.5 in u), so a search stuck in the valley fails.
    expect(Math.abs(r.best[0]! - 0.75)).toBeLessThan(1e-4);
    expect(Math.abs(r.best[1]! - 0.75)).toBeLessThan(1e-4);
    expect(r.value).toBeLessThan(1e-8);
  });

  it("one dimension (shrink coefficient 0) converges too", async () => {
    const { r } = await search(quadratic([0.3]), [0.9]);
    expect(r.stop).toBe("converged");
    // Values span <= 1e-12 at the stop, so the best is within ~1e-6 of 0.3; 1e-5 allows for that.
    expect(Math.abs(r.best[0]! - 0.3)).toBeLessThan(1e-5);
  });

  it("a minimum outside the box ends on its bound: the coordinate is clipped to exactly 0 or 1", async () => {
    // Unconstrained minimum (1.3, -0.4, 0.5): over the box, (1, 0, 0.5) with value 0.3^2 + 0.4^2 = 0.25.
    const { r, points } = await search(quadratic([1.3, -0.4, 0.5]), [0.5, 0.5, 0.5]);
    expect(r.stop).toBe("converged");
    expect(r.best[0]).toBe(1);
    expect(r.best[1]).toBe(0);
    // The free coordinate: as the quadratic above, within 1e-4.
    expect(Math.abs(r.best[2]! - 0.5)).toBeLessThan(1e-4);
    expect(r.value).toBeCloseTo(0.25, 7);
    expect(points.length).toBe(r.evaluations);
  });

  it("a minimum beyond a corner ends on the corner", async () => {
    const { r } = await search(quadratic([-0.5, 1.7]), [0.9, 0.1]);
    expect(Array.from(r.best)).toEqual([0, 1]);
    expect(r.value).toBeCloseTo(0.5 ** 2 + 0.7 ** 2, 12);
  });
});

describe("nelderMead's moves use the adaptive coefficients of Gao and Han (2012), n = 4", () => {
  // The objective returns scripted values in call order, which steers the search into each move;
  // the points it evaluates then pin the move's coefficient. n = 4: reflection 1, expansion
  // 1 + 2/n = 1.5, contraction 0.75 - 1/(2n) = 0.625, shrink 1 - 1/n = 0.75 (the standard
  // coefficients are 2, 0.5 and 0.5, so each would fail). Start x0 = 0.5 in every coordinate,
  // step 0.1: vertices x0 + 0.1 e_i, all inside the box, as is every move below.
  const n = 4;
  const x0 = [0.5, 0.5, 0.5, 0.5];
  const vertex = (i: number) => x0.map((v, d) => (d === i ? v + 0.1 : v));
  // Initial values 0 (x0), 1, 1, 1, 2: the worst is vertex 4; the centroid of the others is x0 + 0.025 (1, 1, 1, 0).
  const INITIAL = [0, 1, 1, 1, 2];
  const worst = vertex(3);
  const centroid = [0, 1, 2, 3].map((d) => (x0[d]! + vertex(0)[d]! + vertex(1)[d]! + vertex(2)[d]!) / n);
  const along = (t: number) => centroid.map((c, d) => c + t * (worst[d]! - c));
  const scripted = async (values: number[]) => {
    let k = 0;
    return search(() => values[k++] ?? 100, x0, { maxEvaluations: values.length, step: 0.1, valueTolerance: 0, pointTolerance: 0 });
  };
  const expectPoint = (got: number[] | undefined, want: number[]) => {
    expect(got).toHaveLength(n);
    got!.forEach((v, d) => expect(v, `coordinate ${d}: ${got} vs ${want}`).toBeCloseTo(want[d]!, 12));
  };

  it("the initial simplex, then reflection through the centroid of the others (coefficient 1)", async () => {
    const { points } = await scripted([...INITIAL, 1.5]);
    expect(points.slice(0, 5)).toEqual([x0, vertex(0), vertex(1), vertex(2), vertex(3)]);
    expectPoint(points[5], along(-1));
  });

  it("expansion when the reflected point beats the best: coefficient 1 + 2/n", async () => {
    const { points } = await scripted([...INITIAL, -1, -2]);
    expectPoint(points[6], along(-(1 + 2 / n)));
  });

  it("outside contraction when the reflected point is between the second worst and the worst: coefficient 0.75 - 1/(2n)", async () => {
    const { points } = await scripted([...INITIAL, 1.5, 0.5]);
    expectPoint(points[6], along(-(0.75 - 1 / (2 * n))));
  });

  it("inside contraction when the reflected point is no better than the worst: coefficient 0.75 - 1/(2n)", async () => {
    const { points } = await scripted([...INITIAL, 3, 0.5]);
    expectPoint(points[6], along(0.75 - 1 / (2 * n)));
  });

  it("shrink towards the best when the contraction fails too: coefficient 1 - 1/n, every other vertex in order of value", async () => {
    const { points, r } = await scripted([...INITIAL, 3, 4, 5, 5, 5, 5]);
    expect(points).toHaveLength(11);
    for (let i = 0; i < n; i++) expectPoint(points[7 + i], x0.map((v, d) => v + (1 - 1 / n) * (vertex(i)[d]! - v)));
    // The best is still the start, value 0.
    expect(Array.from(r.best)).toEqual(x0);
    expect(r.value).toBe(0);
  });
});

describe("nelderMead stays in the box", () => {
  const PROBLEMS: { name: string; f: Objective; start: number[] }[] = [
    { name: "minimum outside the box", f: quadratic([1.3, -0.4, 0.5]), start: [0.5, 0.5, 0.5] },
    { name: "minimum beyond a corner", f: quadratic([-0.5, 1.7]), start: [0.9, 0.1] },
    { name: "minimum beyond a corner, starting on the far corner", f: quadratic([2, 2, -1]), start: [0, 0, 1] },
    { name: "Rosenbrock", f: rosenbrock, start: [0.25, 0.75] },
    { name: "5-D quadratic", f: quadratic(C5, W5), start: START5 },
    { name: "start outside the box", f: quadratic([1.3, 0.2]), start: [1.5, -0.2] },
  ];

  it.each(PROBLEMS)("$name: never evaluates a point outside [0, 1]^n", async ({ f, start }) => {
    const { r, points } = await search(f, start, { step: 0.5 }); // a large step reaches the bounds sooner
    expect(points.length).toBeGreaterThan(20);
    for (const p of points) {
      expect(p).toHaveLength(start.length);
      for (const v of p) {
        expect(Number.isFinite(v), `${p}`).toBe(true);
        expect(v, `${p}`).toBeGreaterThanOrEqual(0);
        expect(v, `${p}`).toBeLessThanOrEqual(1);
      }
    }
    for (const v of r.best) expect(v >= 0 && v <= 1).toBe(true);
  });

  it("a start outside the box is clipped onto it: the first evaluation is the clipped start", async () => {
    const { points } = await search(quadratic([0.5, 0.5, 0.5]), [1.5, -0.2, 0.4], { maxEvaluations: 1 });
    expect(points).toEqual([[1, 0, 0.4]]);
  });

  it("the initial simplex is the start and one vertex per coordinate moved by step, inwards at an upper bound", async () => {
    const { points } = await search(quadratic([0.5, 0.5, 0.5]), [0.5, 0.95, 1], { maxEvaluations: 4, step: 0.1 });
    expect(points).toEqual([
      [0.5, 0.95, 1],
      [0.5 + 0.1, 0.95, 1],
      [0.5, 0.95 - 0.1, 1], // 0.95 + 0.1 > 1: moved down instead
      [0.5, 0.95, 1 - 0.1],
    ]);
  });
});

describe("nelderMead stops", () => {
  it("at exactly maxEvaluations evaluations when not converged, for every budget from 1 to 60 (n = 5)", async () => {
    // Tolerances 0: the 5-D quadratic cannot converge within 60 evaluations (it takes hundreds).
    for (let budget = 1; budget <= 60; budget++) {
      const { r, points } = await search(quadratic(C5, W5), START5, { maxEvaluations: budget, valueTolerance: 0, pointTolerance: 0 });
      expect(points.length, `budget ${budget}`).toBe(budget);
      expect(r.evaluations, `budget ${budget}`).toBe(budget);
      expect(r.stop, `budget ${budget}`).toBe("evaluations");
    }
  });

  it("at exactly maxEvaluations on Rosenbrock with a budget too small to converge", async () => {
    // With the tolerances of the convergence test above it needs far more than 50 evaluations.
    const { r, points } = await search(rosenbrock, [0.25, 0.75], { maxEvaluations: 50, valueTolerance: 1e-14, pointTolerance: 1e-8 });
    expect(points.length).toBe(50);
    expect(r.evaluations).toBe(50);
    expect(r.stop).toBe("evaluations");
  });

  it("with 'converged' on an easy problem with a generous budget, before the budget runs out", async () => {
    const { r, points } = await search(quadratic([0.4, 0.6]), [0.1, 0.1], { maxEvaluations: 10_000, valueTolerance: 1e-8, pointTolerance: 1e-4 });
    expect(r.stop).toBe("converged");
    expect(r.evaluations).toBe(points.length);
    expect(r.evaluations).toBeLessThan(10_000);
  });
});

describe("nelderMead's result and calls", () => {
  const RUNS: { name: string; f: Objective; start: number[]; o: Partial<NelderMeadOptions> }[] = [
    { name: "5-D quadratic, converged", f: quadratic(C5, W5), start: START5, o: {} },
    { name: "5-D quadratic, budget 3 (part of the initial simplex)", f: quadratic(C5, W5), start: START5, o: { maxEvaluations: 3 } },
    { name: "5-D quadratic, budget 37", f: quadratic(C5, W5), start: START5, o: { maxEvaluations: 37 } },
    { name: "Rosenbrock, budget 23", f: rosenbrock, start: [0.25, 0.75], o: { maxEvaluations: 23 } },
    { name: "Rosenbrock, converged", f: rosenbrock, start: [0.25, 0.75], o: {} },
    { name: "minimum outside the box", f: quadratic([1.3, -0.4, 0.5]), start: [0.5, 0.5, 0.5], o: { step: 0.5 } },
  ];

  it.each(RUNS)("$name: the value returned is the least of every value evaluated, at the point it was evaluated", async ({ f, start, o }) => {
    const { r, points, values } = await search(f, start, o);
    expect(values.length).toBe(r.evaluations);
    const least = Math.min(...values);
    expect(r.value).toBe(least);
    expect(r.value).toBe(f(r.best));
    // best is one of the evaluated points with that value (not a point never evaluated).
    const at = points.filter((_, k) => values[k] === least);
    expect(at).toContainEqual(Array.from(r.best));
  });

  it("is deterministic: the same calls twice evaluate the same points in the same order and return the same result", async () => {
    for (const { f, start, o } of RUNS) {
      const a = await search(f, start, o);
      const b = await search(f, start, o);
      expect(b.points).toEqual(a.points);
      expect(b.values).toEqual(a.values);
      expect(b.r).toEqual(a.r);
    }
  });

  it("calls evaluate in sequence, never two at once, even when each evaluation takes time", async () => {
    let inFlight = 0;
    let most = 0;
    let calls = 0;
    const r = await nelderMead(
      async (u) => {
        calls++;
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((done) => setTimeout(done, 1));
        inFlight--;
        return rosenbrock(u);
      },
      [0.25, 0.75],
      { maxEvaluations: 30, step: 0.1, valueTolerance: 1e-14, pointTolerance: 1e-8 },
    );
    expect(most).toBe(1);
    expect(calls).toBe(30);
    expect(r.evaluations).toBe(30);
  });

  it("does not change the start it is given", async () => {
    const start = [0.9, 0.1, 0.9, 0.1, 0.5];
    await search(quadratic(C5, W5), start, { maxEvaluations: 40 });
    expect(start).toEqual(START5);
  });
});
