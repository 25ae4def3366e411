import { describe, expect, it } from "vitest";
import { advanceMonth, initSimulation } from "../../src/engine/simulate.js";
import { SECTOR_COUNT } from "../../src/model/codes.js";
import { type Employers, createEmployers, pickEmployer, pickRuralSme, refreshEmployerTraits } from "../../src/model/employers.js";
import { type Params, defaultParams } from "../../src/model/params.js";
import { flatInputs, makeEmployers, seeded } from "../helpers/state.js";

const D = defaultParams();
const Z = 4;
const binomialSd = (n: number, p: number): number => Math.sqrt(n * p * (1 - p));

/** About 3,000 employers per sector (21,000 in all). */
function bigPool(params: Partial<Params> = {}, seed = "employers"): { e: Employers; p: Params } {
  const p = { ...D, ...params };
  const workers = new Float64Array(SECTOR_COUNT).fill(3000 * p.workersPerEmployer);
  return { e: createEmployers(p, workers, seeded(seed)), p };
}

/** Every field equal, element by element (faster than a deep equality on typed arrays). */
function sameEmployers(a: Employers, b: Employers): boolean {
  if (a.count !== b.count) return false;
  for (const [key, va] of Object.entries(a)) {
    const vb = (b as unknown as Record<string, unknown>)[key];
    if (typeof va === "number") {
      if (va !== vb) return false;
      continue;
    }
    const x = va as ArrayLike<number>;
    const y = vb as ArrayLike<number>;
    if (x.length !== y.length) return false;
    for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return false;
  }
  return true;
}

describe("createEmployers", () => {
  it("sizes each sector's block as ceil(workers / workersPerEmployer), at least 1", () => {
    const workers = new Float64Array([13, 0, 6, 6.5, 0.1, 60, 1]);
    const e = createEmployers(D, workers, seeded("sizes"));
    const sizes = Array.from({ length: SECTOR_COUNT }, (_, s) => e.sectorStart[s + 1]! - e.sectorStart[s]!);
    expect(sizes).toEqual([3, 1, 1, 2, 1, 10, 1]);
    expect(e.sectorStart[0]).toBe(0);
    expect(e.count).toBe(19);
    for (let s = 0; s < SECTOR_COUNT; s++) {
      for (let k = e.sectorStart[s]!; k < e.sectorStart[s + 1]!; k++) expect(e.sector[k]).toBe(s);
    }
  });

  it("draws traits in the stated shares (each within 4 binomial sd)", () => {
    const { e, p } = bigPool();
    const n = e.count;
    let sme = 0, rural = 0, under = 0, overtime = 0, smePromoters = 0, largePromoters = 0;
    for (let k = 0; k < n; k++) {
      sme += e.isSme[k]!;
      rural += e.rural[k]!;
      under += e.underpayShare[k]! > 0 ? 1 : 0;
      overtime += e.offersOvertime[k]!;
      if (e.isSme[k] === 1) smePromoters += e.promoter[k]!;
      else largePromoters += e.promoter[k]!;
    }
    const check = (observed: number, m: number, q: number): void => {
      expect(Math.abs(observed - m * q)).toBeLessThanOrEqual(Z * binomialSd(m, q));
    };
    check(sme, n, p.smeShare);
    check(rural, n, p.ruralShare);
    check(under, n, p.underpayingEmployerShare);
    check(overtime, n, p.overtimeOfferedShare);
    check(smePromoters, sme, p.promoterShareSme);
    check(largePromoters, n - sme, p.promoterShareLarge);
  });

  it("gives underpayers exactly underpayShare and wage levels within 1 +- cv sqrt(3)", () => {
    const { e, p } = bigPool();
    const half = p.sameStatusWageSpreadCv * Math.sqrt(3);
    const bad: number[] = [];
    for (let k = 0; k < e.count; k++) {
      const u = e.underpayShare[k]!;
      const w = e.wageLevel[k]!;
      if ((u !== 0 && u !== Math.fround(p.underpayShare)) || w < Math.fround(1 - half) || w > Math.fround(1 + half)) bad.push(k);
    }
    expect(bad).toEqual([]);
  });

  it("puts each sector's rural SMEs at the front of its block", () => {
    const { e } = bigPool();
    for (let s = 0; s < SECTOR_COUNT; s++) {
      const end = e.ruralSmeEnd[s]!;
      expect(end).toBeGreaterThan(e.sectorStart[s]!);
      const misplaced: number[] = [];
      for (let k = e.sectorStart[s]!; k < e.sectorStart[s + 1]!; k++) {
        if ((e.isSme[k] === 1 && e.rural[k] === 1) !== k < end) misplaced.push(k);
      }
      expect(misplaced).toEqual([]);
    }
  });

  it("is deterministic for a given stream", () => {
    expect(sameEmployers(bigPool({}, "same").e, bigPool({}, "same").e)).toBe(true);
    expect(sameEmployers(bigPool({}, "same").e, bigPool({}, "other").e)).toBe(false);
  });
});

describe("refreshEmployerTraits", () => {
  it("turns the same employers into promoters as the share rises, keeping the earlier ones", () => {
    const { e, p } = bigPool();
    const before = Uint8Array.from(e.promoter);
    refreshEmployerTraits(e, { ...p, promoterShareSme: 0.5 });
    let gained = 0;
    let lost = 0;
    let largeGained = 0;
    for (let k = 0; k < e.count; k++) {
      if (before[k] === 1 && e.promoter[k] === 0) lost++;
      if (before[k] === 0 && e.promoter[k] === 1) {
        gained++;
        if (e.isSme[k] === 0) largeGained++;
      }
    }
    expect(lost).toBe(0);
    expect(largeGained).toBe(0);
    expect(gained).toBeGreaterThan(0);
  });

  it("re-derives underpayment and overtime from the parameters", () => {
    const { e, p } = bigPool();
    refreshEmployerTraits(e, { ...p, underpayingEmployerShare: 0, overtimeOfferedShare: 1 });
    expect(e.underpayShare.every((v) => v === 0)).toBe(true);
    expect(e.offersOvertime.every((v) => v === 1)).toBe(true);
    refreshEmployerTraits(e, { ...p, underpayingEmployerShare: 1, underpayShare: 0.3 });
    expect(e.underpayShare.every((v) => v === Math.fround(0.3))).toBe(true);
    // Back to the original parameters: the original traits.
    refreshEmployerTraits(e, p);
    expect(sameEmployers(e, bigPool().e)).toBe(true);
  });
});

describe("the prevalence of underpayment (series underpayingEmployerIndex)", () => {
  it("scales the share of underpaying employers, keeping the same employers as it falls", () => {
    const { e, p } = bigPool({ underpayingEmployerShare: 0.2 });
    const before = Float32Array.from(e.underpayShare);
    refreshEmployerTraits(e, p, 0.5);
    let kept = 0;
    let gained = 0;
    for (let k = 0; k < e.count; k++) {
      if (e.underpayShare[k]! > 0) (before[k]! > 0 ? kept++ : gained++);
    }
    expect(gained).toBe(0);
    // 21,000 employers: the share is 0.1 within Z binomial standard deviations.
    expect(Math.abs(kept - 0.1 * e.count)).toBeLessThan(Z * binomialSd(e.count, 0.1));
    refreshEmployerTraits(e, p, 1);
    expect(e.underpayShare).toEqual(before);
  });

  it("caps the share at 1, so that ESD's oversight still cuts it", () => {
    const { e, p } = bigPool({ underpayingEmployerShare: 0.6, esdActive: true, esdOversightUnderpayReduction: 0.5 });
    refreshEmployerTraits(e, p, 5); // 0.6 x 5 = 3: every employer, then half of them under ESD
    let underpaying = 0;
    for (let k = 0; k < e.count; k++) if (e.underpayShare[k]! > 0) underpaying++;
    expect(Math.abs(underpaying - 0.5 * e.count)).toBeLessThan(Z * binomialSd(e.count, 0.5));
  });

  it("is read by the engine from the month it changes, and at the start", () => {
    const params = { ...D, underpayingEmployerShare: 0.5 };
    const inputs = flatInputs(params, 6);
    inputs.series.underpayingEmployerIndex = Float64Array.from([0, 0, 0, 2, 2, 2]);
    const s = initSimulation(inputs, 7, false);
    expect(s.employers.underpayShare.every((v) => v === 0)).toBe(true);
    for (let t = 0; t < 3; t++) {
      advanceMonth(s, t);
      expect(s.employers.underpayShare.every((v) => v === 0)).toBe(true);
    }
    advanceMonth(s, 3);
    // 0.5 x 2: every employer underpays.
    expect(s.employers.underpayShare.every((v) => v === Math.fround(params.underpayShare))).toBe(true);
  });
});

describe("pickEmployer and pickRuralSme", () => {
  it("pick uniformly within the sector's block", () => {
    const { e } = bigPool();
    for (let s = 0; s < SECTOR_COUNT; s++) {
      const start = e.sectorStart[s]!;
      const end = e.sectorStart[s + 1]!;
      expect(pickEmployer(e, s, 0)).toBe(start);
      expect(pickEmployer(e, s, 1 - 1e-12)).toBe(end - 1);
      expect(pickEmployer(e, s, 0.5)).toBe(start + Math.floor(0.5 * (end - start)));
      expect(pickRuralSme(e, s, 0)).toBe(start);
      expect(pickRuralSme(e, s, 1 - 1e-12)).toBe(e.ruralSmeEnd[s]! - 1);
    }
  });

  it("pickRuralSme falls back to any employer of the sector when it has no rural SME", () => {
    const { e } = bigPool({ ruralShare: 0 });
    for (let s = 0; s < SECTOR_COUNT; s++) {
      expect(e.ruralSmeEnd[s]).toBe(e.sectorStart[s]);
      expect(pickRuralSme(e, s, 0.5)).toBe(pickEmployer(e, s, 0.5));
    }
  });
});

describe("policy steps in the engine", () => {
  it("change parameters and employer traits from their month on, and steps at or before month 0 apply from the start", () => {
    const params = { ...D, smeShare: 1, promoterShareSme: 0, underpayingEmployerShare: 1 };
    const inputs = flatInputs(params, 6);
    inputs.policy = [
      { month: -5, set: { underpayingEmployerShare: 0 } },
      { month: 3, set: { promoterShareSme: 1, ti3Available: true } },
    ];
    const s = initSimulation(inputs, 7, false);
    expect(s.params.underpayingEmployerShare).toBe(0);
    expect(s.employers.underpayShare.every((v) => v === 0)).toBe(true);
    expect(inputs.params.underpayingEmployerShare).toBe(1); // inputs untouched
    for (let t = 0; t < 3; t++) {
      advanceMonth(s, t);
      expect(s.params.ti3Available).toBe(false);
      expect(s.employers.promoter.every((v) => v === 0)).toBe(true);
    }
    advanceMonth(s, 3);
    expect(s.params.ti3Available).toBe(true);
    expect(s.employers.promoter.every((v) => v === 1)).toBe(true);
    expect(s.employers.underpayShare.every((v) => v === 0)).toBe(true);
  });
});
