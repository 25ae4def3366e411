import { describe, expect, it } from "vitest";
import { chooseCompeting, probFromHazard } from "../../src/model/transitions/competing.js";
import { seeded } from "../helpers/state.js";

/** The largest double below x (x > 0). */
function previousDouble(x: number): number {
  const f = new Float64Array([x]);
  const i = new BigInt64Array(f.buffer);
  i[0] = i[0]! - 1n;
  return f[0]!;
}

describe("chooseCompeting", () => {
  it("stays when every hazard is 0", () => {
    expect(chooseCompeting(new Float64Array([0, 0, 0]), 3, 0)).toBe(-1);
  });
  it("leaves with probability 1 - exp(-sum h) and splits in proportion to the hazards", () => {
    const h = new Float64Array([0.1, 0.3]);
    const pAny = 1 - Math.exp(-0.4);
    expect(chooseCompeting(h, 2, pAny + 1e-9)).toBe(-1);
    expect(chooseCompeting(h, 2, pAny * 0.24)).toBe(0); // first quarter of the leaving mass
    expect(chooseCompeting(h, 2, pAny * 0.26)).toBe(1);
  });
  it("never chooses an option whose hazard is 0, whatever the draw", () => {
    const h = new Float64Array([0, 0.2, 0, 0.1, 0]);
    const u = seeded("zero options");
    const chosen = new Set<number>();
    for (let k = 0; k < 20000; k++) chosen.add(chooseCompeting(h, 5, u()));
    expect([...chosen].sort()).toEqual([-1, 1, 3]);
    expect(chooseCompeting(h, 5, 0)).toBe(1);
  });
  it("never chooses a zero-hazard option even for the largest draw below 1 - exp(-sum h) (rounding edge)", () => {
    // With u one ulp below pAny, (u / pAny) * total can round to total, the walk then never goes
    // below 0 and the fallback returns the last option, here one whose hazard is 0 (as for a TITP
    // intern at an employer who pays in full: h = [abscond, early return, transfer = 0]).
    const h = new Float64Array([0.00025, 0.002, 0]);
    const pAny = -Math.expm1(-(0.00025 + 0.002));
    const u = previousDouble(pAny);
    expect(u).toBeLessThan(pAny);
    expect(chooseCompeting(h, 3, u)).toBe(1);
  });
  it("uses only the first n hazards of the scratch array", () => {
    const h = new Float64Array([0, 0, 50]);
    expect(chooseCompeting(h, 2, 0)).toBe(-1);
  });
  it("is monotone in u: the options come in order along [0, 1 - exp(-sum h))", () => {
    const h = new Float64Array([0.05, 0.02, 0.08, 0.01]);
    const ranks: number[] = [];
    for (let k = 0; k < 1000; k++) {
      const c = chooseCompeting(h, 4, k / 1000);
      ranks.push(c === -1 ? 4 : c);
    }
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(ranks).size).toBe(5);
  });
});

describe("probFromHazard", () => {
  it("is 1 - exp(-h), exact for small hazards", () => {
    expect(probFromHazard(0)).toBe(0);
    expect(probFromHazard(1e-12) / 1e-12).toBeCloseTo(1, 10); // 1 - Math.exp(-h) would be off by 1e-4 here
    expect(probFromHazard(0.1)).toBeCloseTo(1 - Math.exp(-0.1), 15);
    expect(probFromHazard(50)).toBeCloseTo(1, 15);
  });
});
