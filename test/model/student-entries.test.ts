// The SIE_STUDENT entry kind (src/model/transitions/entries.ts): international students who change
// status to SIE in Japan. They are driven by the student stock x the year's share changing status
// (not by the inflow series of SIE from abroad), arrive with the months and contacts of their study
// years and N2 Japanese, owe no recruitment debt, and are kept out of the SIE retention cohorts
// (s.obs.sieCohorts), which follow entrants from abroad only (the OECD retention figure is of
// entrants to Japan). Every draw comes from a fixed seed, so the tests are deterministic; the
// statistical tolerance is 4 binomial standard deviations, as in statistics.test.ts.

import { describe, expect, it } from "vitest";
import { EventCode, NATIONALITY_COUNT, NO_STATUS, Nationality, Status } from "../../src/model/codes.js";
import { updateMonthContext } from "../../src/model/context.js";
import { ensureCapacity, monthsInJapan, monthsInStatus } from "../../src/model/population.js";
import { EntryKind, addEntries, createEntrant } from "../../src/model/transitions/entries.js";
import { moveStatus } from "../../src/model/transitions/moves.js";
import { makeState, seeded } from "../helpers/state.js";
import { flow } from "./support.js";

const Z = 4;

/** Every entrant of every kind of nationality `nat`. */
function onlyNationality(s: ReturnType<typeof makeState>, nat: number): void {
  const shares = s.inputs.entryNationalityShare; // the state's mix is this same array
  shares.fill(0);
  for (let k = 0; k < shares.length / NATIONALITY_COUNT; k++) shares[k * NATIONALITY_COUNT + nat] = 1;
}

/** The odd entries of sieCohorts: exits within 60 months credited to each arrival month. */
function creditedExits(s: ReturnType<typeof makeState>): number {
  let n = 0;
  for (let t = 0; 2 * t + 1 < s.obs.sieCohorts.length; t++) n += s.obs.sieCohorts[2 * t + 1]!;
  return n;
}

describe("SIE_STUDENT entrants per month", () => {
  it("number studentStock x studentToSieSharePerYear / 12 x scale in expectation (4 binomial sd)", () => {
    const months = 2000;
    const s = makeState({ months: 1, streams: { entries: seeded("student entries") } });
    onlyNationality(s, Nationality.VN);
    s.inputs.scale = 0.001;
    s.inputs.series.studentStock[0] = 312000;
    s.inputs.series.studentToSieSharePerYear[0] = 0.1;
    // x = 312,000 x 0.1 / 12 x 0.001 = 2.6 entrants a month. Each month adds floor(x) plus one with
    // probability frac(x) (stochasticRound), so the total over the months is months x floor(x) +
    // Binomial(months, frac(x)): mean months x x = 5,200, sd sqrt(2000 x 0.6 x 0.4) = 21.9, and a
    // correct model is within 4 sd (88 entrants) with probability ~0.99994 for any seed. A missing
    // / 12, scale or share would be off by thousands; a count from the wrong series would be 0.
    const x = (312000 * 0.1) / 12 * 0.001;
    ensureCapacity(s.pop, months * 4);
    for (let t = 0; t < months; t++) addEntries(s);
    const entrants = s.pop.size;
    const f = x - Math.floor(x);
    const sd = Math.sqrt(months * f * (1 - f));
    expect(Math.abs(entrants - months * x), `${entrants} vs ${months * x} (sd ${sd.toFixed(1)})`).toBeLessThanOrEqual(Z * sd);
    // All of them are former students (SIE with their study months), each recorded as an entry.
    for (let i = 0; i < entrants; i++) {
      expect(s.pop.status[i]).toBe(Status.SIE);
      expect(monthsInJapan(s.pop, i, 0)).toBe(s.params.studentStudyMonths);
    }
    expect(flow(s, EventCode.entry, NO_STATUS, Status.SIE, Nationality.VN)).toBe(entrants);
  });

  it("are none without students, whatever the share, and scale with the stock", () => {
    const count = (stock: number): number => {
      const s = makeState({ months: 1, streams: { entries: seeded("stock") } });
      onlyNationality(s, Nationality.ID);
      s.inputs.series.studentStock[0] = stock;
      s.inputs.series.studentToSieSharePerYear[0] = 0.25;
      addEntries(s);
      return s.pop.size;
    };
    expect(count(0)).toBe(0);
    // 4,800 x 0.25 / 12 = 100 a month, all of one nationality: a whole number, no rounding draw.
    expect(count(4800)).toBe(100);
    expect(count(9600)).toBe(200);
  });
});

describe("createEntrant(SIE_STUDENT)", () => {
  it("is an SIE with its study months in Japan, their contacts, N2 Japanese, no debt and no broker", () => {
    // Borrowing and broker ties certain, so a debt or tie drawn for students would show.
    const s = makeState({ params: { brokerTieProb: 1 } });
    s.inputs.borrowedShareByNationality.fill(1);
    const p = s.params;
    const i = createEntrant(s, EntryKind.SIE_STUDENT, Nationality.CN);
    expect(s.pop.status[i]).toBe(Status.SIE);
    expect(s.pop.tiStage[i]).toBe(0);
    expect(s.pop.nationality[i]).toBe(Nationality.CN);
    expect(monthsInJapan(s.pop, i, s.ctx.month)).toBe(p.studentStudyMonths);
    expect(monthsInStatus(s.pop, i, s.ctx.month)).toBe(0); // the change of status is now
    expect(s.pop.networkTies[i]).toBe(Math.min(20, Math.floor((p.studentStudyMonths * p.networkTiesPerYear) / 12)));
    expect(s.pop.networkTies[i]).toBeGreaterThan(0); // defaults 36 months x 2 a year: 6
    expect(s.pop.japaneseLevel[i]).toBe(4);
    expect(s.pop.debtHomeYen[i]).toBe(0);
    expect(s.pop.brokerTie[i]).toBe(0);
    // An SIE from abroad, for contrast: arrives now, without contacts, with N3.
    const a = createEntrant(s, EntryKind.SIE, Nationality.CN);
    expect(monthsInJapan(s.pop, a, s.ctx.month)).toBe(0);
    expect(s.pop.networkTies[a]).toBe(0);
    expect(s.pop.japaneseLevel[a]).toBe(3);
  });

  it.each([
    [13, 2, 2], // 26 / 12 rounds down
    [24, 3, 6],
    [60, 6, 20], // 30, capped at 20
  ])("studentStudyMonths %i, networkTiesPerYear %i: %i ties", (studyMonths, tiesPerYear, ties) => {
    const s = makeState({ params: { studentStudyMonths: studyMonths, networkTiesPerYear: tiesPerYear } });
    const i = createEntrant(s, EntryKind.SIE_STUDENT, Nationality.PH);
    expect(s.pop.networkTies[i]).toBe(ties);
    expect(monthsInJapan(s.pop, i, s.ctx.month)).toBe(studyMonths);
  });
});

describe("SIE retention cohorts", () => {
  // Months: students enter in month 40 (>= studentStudyMonths 36, so their arrival in Japan falls
  // inside the run: if exits were credited by the month of arrival in Japan, month 4 would be).
  const T = 40;

  function stateAt(t: number) {
    const s = makeState({ months: 60, streams: { entries: seeded("cohorts") } });
    onlyNationality(s, Nationality.MM); // whole numbers of entrants: no rounding draw
    updateMonthContext(s, t);
    return s;
  }

  it("count SIE entrants from abroad but not former students", () => {
    const s = stateAt(T);
    s.inputs.series.studentStock[T] = 4800;
    s.inputs.series.studentToSieSharePerYear[T] = 0.25; // 100 students this month
    addEntries(s);
    expect(s.pop.size).toBe(100);
    expect(s.obs.sieCohorts[2 * T]).toBe(0);
    // The next month, 7 SIEs from abroad and another 100 students: only the 7 are counted.
    updateMonthContext(s, T + 1);
    s.inputs.series.studentStock[T + 1] = 4800;
    s.inputs.series.studentToSieSharePerYear[T + 1] = 0.25;
    s.inputs.series.sieEntriesPerYear[T + 1] = 84;
    addEntries(s);
    expect(s.pop.size).toBe(207);
    expect(s.obs.sieCohorts[2 * (T + 1)]).toBe(7);
  });

  it("do not credit a former student's exit within 60 months to any cohort; an SIE from abroad's they do", () => {
    const s = stateAt(T);
    ensureCapacity(s.pop, 2);
    const student = createEntrant(s, EntryKind.SIE_STUDENT, Nationality.VN);
    const abroad = createEntrant(s, EntryKind.SIE, Nationality.VN);
    updateMonthContext(s, T + 12);
    // 36 study months + 12 as an SIE: 48 months in Japan, within the 60 of the cohorts.
    expect(monthsInJapan(s.pop, student, s.ctx.month)).toBe(s.params.studentStudyMonths + 12);
    expect(monthsInJapan(s.pop, student, s.ctx.month)).toBeLessThan(60);
    moveStatus(s, student, Status.RETURNED);
    expect(s.pop.status[student]).toBe(Status.RETURNED);
    expect(creditedExits(s)).toBe(0);
    expect(flow(s, EventCode.return, Status.SIE, Status.RETURNED, Nationality.VN)).toBe(1); // still an exit
    moveStatus(s, abroad, Status.RETURNED);
    expect(s.obs.sieCohorts[2 * T + 1]).toBe(1);
    expect(creditedExits(s)).toBe(1);
  });
});
