// Statistical checks on large hand-built populations. Every draw comes from a fixed seed, so the
// tests are deterministic; the tolerances are what a correct model passes with high probability
// for any seed: 4 binomial standard deviations (two-sided, about 6 in 100,000).

import { describe, expect, it } from "vitest";
import { EventCode, Family, NATIONALITY_COUNT, NO_STATUS, Nationality, Status } from "../../src/model/codes.js";
import { ensureCapacity } from "../../src/model/population.js";
import { probFromHazard } from "../../src/model/transitions/competing.js";
import { EntryKind, addEntries, createEntrant, stochasticRound } from "../../src/model/transitions/entries.js";
import { abscondHazard } from "../../src/model/transitions/hazards.js";
import { type AgentInit, makeEmployers, makeState, seeded } from "../helpers/state.js";
import { NO_HAZARDS, decideEach, familyEach, flow } from "./support.js";

const N = 20000;
const Z = 4;

/** sd of a binomial count: sqrt(n p (1 - p)). */
const binomialSd = (n: number, p: number): number => Math.sqrt(n * p * (1 - p));

/** |observed - n p| <= Z sd, with sd = sqrt(n p (1 - p)). */
function expectBinomial(observed: number, n: number, p: number, what: string): void {
  const sd = binomialSd(n, p);
  expect(Math.abs(observed - n * p), `${what}: ${observed} vs n p = ${(n * p).toFixed(1)} (sd ${sd.toFixed(1)})`).toBeLessThanOrEqual(Z * sd);
}

function countStatus(s: ReturnType<typeof makeState>, st: number): number {
  let n = 0;
  for (let i = 0; i < s.pop.size; i++) if (s.pop.status[i] === st) n++;
  return n;
}

const many = (a: AgentInit, n = N): AgentInit[] => Array.from({ length: n }, () => a);

describe("absconding in one month", () => {
  it("takes n p interns, p = 1 - exp(-h), within 4 sd = 4 sqrt(n p (1 - p))", () => {
    const s = makeState({
      // The tenure and goal-shortfall terms off: this checks the broker term and the draw.
      params: { ...NO_HAZARDS, abscondBaseHazardPerMonth: 0.01, asylumWorkPermitted: false, abscondFirstYearLogHr: 0, abscondSecondYearLogHr: 0, abscondGoalShortfallLogHr: 0 },
      agents: many({ monthsInStatus: 5, brokerTie: 1 })
    });
    const h = abscondHazard(s, 0);
    expect(h).toBeCloseTo(0.01 * Math.exp(s.params.abscondBrokerLogHr), 12);
    decideEach(s, seeded("abscond one month"));
    const absconded = countStatus(s, Status.IRREGULAR);
    expect(absconded + countStatus(s, Status.TI)).toBe(N); // nothing else can happen
    expect(flow(s, EventCode.abscond, Status.TI, Status.IRREGULAR, Nationality.VN)).toBe(absconded);
    expectBinomial(absconded, N, probFromHazard(h), "absconders");
  });

  it("is more frequent with debt, by the hazard ratio exp(debt log HR x months of pay owed)", () => {
    // Two groups of N / 2 interns; each group's count is checked against its own p.
    const debt = 6 * 181700;
    const agents = [...many({ monthsInStatus: 5, debtHomeYen: 0 }, N / 2), ...many({ monthsInStatus: 5, debtHomeYen: debt }, N / 2)];
    // The goal-shortfall term (which also reads the debt) off: this checks the debt term alone.
    const s = makeState({ params: { ...NO_HAZARDS, abscondBaseHazardPerMonth: 0.01, asylumWorkPermitted: false, abscondGoalShortfallLogHr: 0, abscondFirstYearLogHr: 0, abscondSecondYearLogHr: 0 }, agents });
    const h0 = abscondHazard(s, 0);
    const h1 = abscondHazard(s, N / 2);
    expect(h1 / h0).toBeCloseTo(Math.exp(6 * s.params.abscondDebtLogHrPerWageMonth), 5);
    decideEach(s, seeded("debt hr"));
    let a0 = 0;
    let a1 = 0;
    for (let i = 0; i < N; i++) if (s.pop.status[i] === Status.IRREGULAR) (i < N / 2 ? a0++ : a1++);
    expectBinomial(a0, N / 2, probFromHazard(h0), "absconders without debt");
    expectBinomial(a1, N / 2, probFromHazard(h1), "absconders with debt");
    expect(a1).toBeGreaterThan(a0);
  });
});

describe("competing options", () => {
  it("IRREGULAR (Myanmar, while designated activities are open): leavers ~ n (1 - exp(-H)); each option ~ leavers x h_k / H (each within 4 sd)", () => {
    // asylum (work permission off), apprehension (to DETAINED), return, designated activities (Myanmar)
    const h = [0.02, 0.05, 0.03, 0.04];
    const H = h[0]! + h[1]! + h[2]! + h[3]!;
    const s = makeState({
      params: {
        ...NO_HAZARDS, irregularAsylumHazardPerMonth: h[0], asylumWorkPermitted: false, apprehensionHazardPerMonth: h[1], irregularReturnHazardPerMonth: h[2],
        myanmarDesignatedActivities: true, myanmarDesignatedHazardPerMonth: h[3],
      },
      agents: many({ status: Status.IRREGULAR, tiStage: 0, employer: -1, nationality: Nationality.MM })
    });
    decideEach(s, seeded("irregular split"));
    const counts = [countStatus(s, Status.ASYLUM), countStatus(s, Status.DETAINED), countStatus(s, Status.RETURNED), countStatus(s, Status.DESIGNATED)];
    const left = counts[0]! + counts[1]! + counts[2]! + counts[3]!;
    expect(left + countStatus(s, Status.IRREGULAR)).toBe(N);
    expectBinomial(left, N, probFromHazard(H), "leavers");
    // Given the number who left, the count taking option k is Binomial(left, h_k / H).
    counts.forEach((c, k) => expectBinomial(c, left, h[k]! / H, `option ${k}`));
  });

  it("DETAINED: leavers ~ n (1 - exp(-H)); deportation, provisional release, special permission ~ leavers x h_k / H (each within 4 sd)", () => {
    const h = [0.3, 0.06, 0.02];
    const H = h[0]! + h[1]! + h[2]!;
    const s = makeState({
      params: { ...NO_HAZARDS, detainedDeportHazardPerMonth: h[0], provisionalReleaseHazardPerMonth: h[1], specialPermissionHazardPerMonth: h[2] },
      agents: many({ status: Status.DETAINED, tiStage: 0, employer: -1 })
    });
    decideEach(s, seeded("detained split"));
    const counts = [countStatus(s, Status.DEPORTED), countStatus(s, Status.PROVISIONAL), countStatus(s, Status.DESIGNATED)];
    const left = counts[0]! + counts[1]! + counts[2]!;
    expect(left + countStatus(s, Status.DETAINED)).toBe(N);
    expectBinomial(left, N, probFromHazard(H), "leavers");
    counts.forEach((c, k) => expectBinomial(c, left, h[k]! / H, `option ${k}`));
  });

  it("TI: abscond, early return and unavoidable transfer split in proportion to their hazards", () => {
    const emp = makeEmployers([{ underpayShare: 0.1 }, {}]);
    const s = makeState({
      params: { ...NO_HAZARDS, abscondBaseHazardPerMonth: 0.02, asylumWorkPermitted: false, tiEarlyReturnHazardPerMonth: 0.03, tiUnavoidableTransferHazardPerMonth: 0.05 },
      agents: many({ monthsInStatus: 5, employer: 0 }),
      employers: emp
    });
    const h = [abscondHazard(s, 0), 0.03, 0.05];
    const H = h[0]! + h[1]! + h[2]!;
    decideEach(s, seeded("ti split"));
    let transfers = 0;
    for (let i = 0; i < N; i++) if (s.pop.status[i] === Status.TI && s.pop.employer[i] === 1) transfers++;
    const counts = [countStatus(s, Status.IRREGULAR), countStatus(s, Status.RETURNED), transfers];
    const left = counts[0]! + counts[1]! + counts[2]!;
    expectBinomial(left, N, probFromHazard(H), "leavers");
    counts.forEach((c, k) => expectBinomial(c, left, h[k]! / H, `option ${k}`));
    expect(flow(s, EventCode.job_change, Status.TI, Status.TI, Nationality.VN)).toBe(transfers);
  });

  it("SSW1: job change, SSW2, return and onward split in proportion to their hazards", () => {
    const h = [0.01, 0.02, 0.03, 0.04];
    const H = h.reduce((a, b) => a + b, 0);
    const s = makeState({
      params: { ...NO_HAZARDS, sswJobChangeHazardPerMonth: h[0], ssw2HazardPerMonth: h[1], ssw2AllSectors: true, sswReturnHazardPerMonth: h[2], onwardHazardPerMonth: h[3] },
      agents: many({ status: Status.SSW1, tiStage: 0, monthsInStatus: 30, skill: 0.5 })
    });
    decideEach(s, seeded("ssw1 split"));
    let changes = 0;
    for (let i = 0; i < N; i++) if (s.pop.status[i] === Status.SSW1 && s.pop.employer[i] !== 0) changes++;
    const counts = [changes, countStatus(s, Status.SSW2), countStatus(s, Status.RETURNED), countStatus(s, Status.ONWARD)];
    const left = counts.reduce((a, b) => a + b, 0);
    expectBinomial(left, N, probFromHazard(H), "leavers");
    counts.forEach((c, k) => expectBinomial(c, left, h[k]! / H, `option ${k}`));
  });
});

describe("entries", () => {
  it("stochasticRound is unbiased: the sum of n roundings of x is n x within 4 sqrt(n f (1 - f))", () => {
    const u = seeded("round");
    const x = 2.3;
    let total = 0;
    for (let k = 0; k < N; k++) total += stochasticRound(x, u());
    const f = x - Math.floor(x);
    // total = n floor(x) + Binomial(n, f)
    expectBinomial(total - N * Math.floor(x), N, f, "round-ups");
  });

  it("monthly entries at scale 0.01 match the expected count per nationality (sd from the rounding)", () => {
    const months = 3000;
    const s = makeState({ months: 1 });
    const shares = [0.5, 0.2, 0.1, 0.1, 0.05, 0.03, 0.02];
    s.inputs.entryNationalityShare.set(shares, 0);
    s.inputs.scale = 0.01;
    s.inputs.series.tiEntriesPerYear[0] = 1234; // 102.8 a month at 1:1, 1.03 simulated
    ensureCapacity(s.pop, months * 2);
    for (let t = 0; t < months; t++) addEntries(s);
    let total = 0;
    let expectedTotal = 0;
    let varTotal = 0;
    for (let nat = 0; nat < NATIONALITY_COUNT; nat++) {
      const x = (1234 / 12) * 0.01 * shares[nat]!;
      const f = x - Math.floor(x);
      const observed = flow(s, EventCode.entry, NO_STATUS, Status.TI, nat);
      // Each month's count is floor(x) + Bernoulli(f): over the months, floor part + Binomial(months, f).
      expectBinomial(observed - months * Math.floor(x), months, f, `entrants of nationality ${nat}`);
      total += observed;
      expectedTotal += months * x;
      varTotal += months * f * (1 - f);
    }
    expect(s.pop.size).toBe(total);
    expect(Math.abs(total - expectedTotal)).toBeLessThanOrEqual(Z * Math.sqrt(varTotal));
  });
});

describe("recruitment debt", () => {
  it("share of entrants who borrowed ~ borrowedShare (4 binomial sd); mean debt ~ the nationality mean with the wait's interest (4 sd of the mean)", () => {
    const s = makeState({ streams: { entries: seeded("debt draws") } });
    const share = 0.8;
    s.inputs.borrowedShareByNationality[Nationality.VN] = share;
    ensureCapacity(s.pop, N);
    for (let k = 0; k < N; k++) createEntrant(s, EntryKind.TI, Nationality.VN);
    let borrowers = 0;
    let sumDebt = 0;
    let sumSq = 0;
    for (let i = 0; i < N; i++) {
      const d = s.pop.debtHomeYen[i]!;
      if (d > 0) {
        borrowers++;
        sumDebt += d;
        sumSq += d * d;
      }
    }
    expectBinomial(borrowers, N, share, "borrowers");
    // Lognormal factor with mean 1 and cv debtCv: the sample mean's sd is mean x cv / sqrt(borrowers).
    const mean = s.inputs.debtYenByNationality[Nationality.VN]! * (1 + s.params.debtInterestPerMonth) ** s.params.predepartureWaitMonths;
    const sdOfMean = (mean * s.params.debtCv) / Math.sqrt(borrowers);
    expect(Math.abs(sumDebt / borrowers - mean)).toBeLessThanOrEqual(Z * sdOfMean);
    // The spread: sample cv within 0.05 of debtCv (its sd is about 0.006 at this n; a loose bound).
    const m = sumDebt / borrowers;
    const cv = Math.sqrt(sumSq / borrowers - m * m) / m;
    expect(Math.abs(cv - s.params.debtCv)).toBeLessThan(0.05);
  });

  it("broker ties ~ brokerTieProb among interns (4 binomial sd)", () => {
    const s = makeState({ streams: { entries: seeded("broker draws") } });
    ensureCapacity(s.pop, N);
    for (let k = 0; k < N; k++) createEntrant(s, EntryKind.TI, Nationality.ID);
    let ties = 0;
    for (let i = 0; i < N; i++) ties += s.pop.brokerTie[i]!;
    expectBinomial(ties, N, s.params.brokerTieProb, "broker ties");
  });
});

describe("family life", () => {
  it("family joins ~ n (1 - exp(-familyJoinHazardPerMonth)) among eligible agents (4 binomial sd)", () => {
    const s = makeState({
      agents: many({ status: Status.SIE, tiStage: 0, family: Family.partner | Family.children })
    });
    familyEach(s, seeded("family join"));
    let joined = 0;
    for (let i = 0; i < N; i++) if ((s.pop.family[i]! & Family.partnerInJapan) !== 0) joined++;
    expectBinomial(joined, N, probFromHazard(s.params.familyJoinHazardPerMonth), "families joining");
  });

  it("partnerships form ~ n (1 - exp(-partnerFormationHazardPerMonth)) among single agents (4 binomial sd)", () => {
    const s = makeState({ params: { partnerFormationHazardPerMonth: 0.01 }, agents: many({ family: 0 }) });
    familyEach(s, seeded("partners"));
    let formed = 0;
    for (let i = 0; i < N; i++) if ((s.pop.family[i]! & Family.partner) !== 0) formed++;
    expectBinomial(formed, N, probFromHazard(0.01), "partnerships");
  });
});
