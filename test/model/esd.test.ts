// Employment for Skill Development (ESD, ikusei shuro), which replaces TITP from 2027-04: one
// describe per rule, each showing its mechanism at work on a hand-built population (src/model/esd.ts
// and its callers: transitions/intern.ts, moves.ts, entries.ts, month.ts, employers.ts). Rules:
// data/rules.md, section 'Employment for Skill Development', numbered as ../shared/data/esd-rules.md;
// the comments cite those numbers ("rule 1f").

import { describe, expect, it } from "vitest";
import { EventCode, NATIONALITY_COUNT, NO_STATUS, Nationality, SECTOR_COUNT, Sector, Status } from "../../src/model/codes.js";
import { updateMonthContext } from "../../src/model/context.js";
import { refreshEmployerTraits } from "../../src/model/employers.js";
import {
  ESD_BASIC_PASSED, ESD_FROM_OUTSIDE, ESD_TRAINEE, ESD_TRANSFEREE, countEsd, esdAcceptProb, esdCompensationYen, esdFeeFactor,
  esdHasRoom, esdOwnWillOpen, esdSsw1PassProb, esdWaitMonths, isEsd,
} from "../../src/model/esd.js";
import { ENTRY_KINDS } from "../../src/model/inputs.js";
import { stepMonth } from "../../src/model/month.js";
import { type Params, defaultParams } from "../../src/model/params.js";
import { getAgent } from "../../src/model/population.js";
import type { Uniform } from "../../src/model/agent-rng.js";
import { EntryKind, addEntries, createEntrant, seedInitialPopulation } from "../../src/model/transitions/entries.js";
import { abscondHazard } from "../../src/model/transitions/hazards.js";
import { decideIntern, internHazards, legalTransferShare } from "../../src/model/transitions/intern.js";
import { changeEmployerEsd } from "../../src/model/transitions/moves.js";
import { type AgentInit, type EmployerInit, makeEmployers, makeState, scripted, seeded, timeCounts } from "../helpers/state.js";
import { CERTAIN, NO_HAZARDS, counting, describeEvent, flow, loggedEvents } from "./support.js";

const D = defaultParams();
/** An ESD trainee who passed the basic test (an own-will transfer needs it, rule 1d). */
const OWN_WILL = ESD_TRAINEE | ESD_BASIC_PASSED;
/** makeEmployers: employer k of sector s is row (employers per sector) x s + k; manufacturing is sector 0. */
const M = Sector.manufacturing;

/** Employers (`init` per sector), each with `trainees` ESD trainees and no transferees: room for a transferee under the 1/3 cap unless a test says otherwise. */
function employers(init: EmployerInit[] = [{}, {}], trainees = 10) {
  const e = makeEmployers(init);
  e.esdTrainees.fill(trainees);
  return e;
}

/**
 * One ESD trainee in Japan while ESD is in force (default: TI stage 1, manufacturing, employer
 * row 0, N5 Japanese), every hazard off unless given, and the jobs stream scripted if given.
 */
function trainee(agent: AgentInit, params: Partial<Params> = {}, emp = employers(), jobs?: Uniform) {
  return makeState({
    params: { ...NO_HAZARDS, subsidiaryHireProbAtPromoter: 0, esdActive: true, ...params },
    agents: [{ esd: ESD_TRAINEE, sector: M, employer: 0, japaneseLevel: 1, ...agent }],
    employers: emp,
    ...(jobs && { streams: { jobs } }),
  });
}

const events = (s: ReturnType<typeof makeState>): string[] => loggedEvents(s).map(describeEvent);

/** An own-will candidate: past the 2-year wait of manufacturing, basic test passed, N5 (stage 2, so no milestone this month). */
const PAST_WAIT = { esd: OWN_WILL, tiStage: 2, monthsInStatus: 30, monthsWithEmployer: 30 };
/** Receivers accept whatever the compensation owed (rule 1h has its own describe). */
const ACCEPT = { esdCompensationRefusalPerMillionYen: 0 };

describe("fee cap (rule 3a): the trainee pays at most esdFeeCapWageMonths of the wage, the employer the rest", () => {
  const capYen = D.esdFeeCapWageMonths * D.tiWageYenPerMonth; // 2 x 181,700

  it("esdFeeFactor: cap / fee when the cap holds, 1 when unenforced, in between with partial compliance; 1 for a fee at or below the cap", () => {
    expect(esdFeeFactor(D, 600000, 1)).toBeCloseTo(capYen / 600000, 12);
    expect(esdFeeFactor({ ...D, esdFeeCapComplianceShare: 0 }, 600000, 1)).toBe(1);
    expect(esdFeeFactor({ ...D, esdFeeCapComplianceShare: 0.5 }, 600000, 1)).toBeCloseTo(1 - 0.5 * (1 - capYen / 600000), 12);
    expect(esdFeeFactor({ ...D, esdFeeCapWageMonths: 3 }, 600000, 1)).toBeCloseTo((3 * D.tiWageYenPerMonth) / 600000, 12);
    // The cap is months of this month's wage: the 2023 wage x the wage index.
    expect(esdFeeFactor(D, 600000, 1.1)).toBeCloseTo((1.1 * capYen) / 600000, 12);
    for (const compliance of [0, 0.5, 1]) {
      expect(esdFeeFactor({ ...D, esdFeeCapComplianceShare: compliance }, 300000, 1)).toBe(1);
      expect(esdFeeFactor({ ...D, esdFeeCapComplianceShare: compliance }, capYen, 1)).toBe(1);
    }
  });

  /** The debt of one entrant of `kind` from `nat` (everyone borrows; the same draws whatever the params). */
  const debt = (params: Partial<Params>, nat: number = Nationality.KH, kind: number = EntryKind.TI, feeYen?: number) => {
    const s = makeState({ params, streams: { entries: seeded("esd debt"), matching: seeded("esd match") } });
    s.inputs.borrowedShareByNationality.fill(1);
    if (feeYen !== undefined) s.inputs.feeYenByNationality[nat] = feeYen;
    const i = createEntrant(s, kind, nat);
    return { debt: s.pop.debtHomeYen[i]!, esd: s.pop.esd[i]! };
  };

  it("scales an ESD entrant's debt by the factor (flatInputs: fee 600,000 yen), at compliance 1 and not at 0", () => {
    const titp = debt({ esdActive: false });
    expect(titp.debt).toBeGreaterThan(0);
    expect(titp.esd).toBe(0);
    const esd = debt({ esdActive: true });
    expect(esd.esd).toBe(ESD_TRAINEE);
    expect(esd.debt / titp.debt).toBeCloseTo(capYen / 600000, 6);
    expect(debt({ esdActive: true, esdFeeCapComplianceShare: 0 }).debt).toBe(titp.debt);
    expect(debt({ esdActive: true, esdFeeCapComplianceShare: 0.5 }).debt / titp.debt).toBeCloseTo(1 - 0.5 * (1 - capYen / 600000), 6);
  });

  it("leaves a fee below the cap untouched", () => {
    const fee = 250000; // e.g. Myanmar's 287,405 yen is close; the Philippines' 94,821 yen far below
    expect(debt({ esdActive: true }, Nationality.PH, EntryKind.TI, fee).debt).toBe(debt({ esdActive: false }, Nationality.PH, EntryKind.TI, fee).debt);
  });

  it("applies to ESD trainees only: not to TITP's transitional entrants (rule 8) nor to SSW1 entrants", () => {
    const titp = debt({ esdActive: false });
    const transitional = debt({ esdActive: true, titpTransitionalEntries: true });
    expect(transitional.esd).toBe(0);
    expect(transitional.debt).toBe(titp.debt);
    expect(debt({ esdActive: true }, Nationality.KH, EntryKind.SSW1).debt).toBe(debt({ esdActive: false }, Nationality.KH, EntryKind.SSW1).debt);
  });

  // The ESD cap bounds what the trainee pays after the other fee rules (drawDebt, entries.ts), so
  // two caps take the tighter rather than compounding.
  it("does not compound with Vietnam's enforced cap: the trainee pays the lower of the two caps", () => {
    // scenarios/fee-cap-enforced.yaml (feeCapYen 447,400) runs on top of the baseline's ESD: a
    // Vietnamese ESD trainee pays min(447,400, 363,400) = 363,400 of the 688,143-yen fee.
    const fee = 688143;
    const none = debt({ esdActive: false }, Nationality.VN, EntryKind.TI, fee).debt;
    const both = debt({ esdActive: true, feeCapEnforced: true, feeCapYen: 447400 }, Nationality.VN, EntryKind.TI, fee).debt;
    expect(both / none).toBeCloseTo(Math.min(447400, capYen) / fee, 3);
  });

  // Fails with drawDebt as written: esdFeeFactor is given the fee left after Vietnam's cap but not
  // after feeShareBorneByWorker, so under 'employer pays' the ESD cap cuts a fee the trainee no
  // longer pays (factor 363,400 / 600,000 on a 60,000-yen share).
  it("does not cut a fee the trainee no longer pays: under 'employer pays' (feeShareBorneByWorker 0.1) the trainee's share is below the cap", () => {
    // scenarios/employer-pays.yaml (from 2027-04, with ESD): the trainee pays 10% of 600,000 = 60,000 yen, far below 363,400.
    const titp = debt({ esdActive: false, feeShareBorneByWorker: 0.1 }).debt;
    const esd = debt({ esdActive: true, feeShareBorneByWorker: 0.1 }).debt;
    expect(esd).toBe(titp);
  });
});

describe("waiting period before an own-will transfer, by field (rules 1a-1c)", () => {
  const ONE_YEAR = { esdWaitMonthsLongFields: 12 }; // scenarios/esd-2027/esd-1-year.yaml
  const TWO_YEARS = { esdWaitMonthsShortFields: 24 }; // scenarios/esd-2027/esd-2-year.yaml

  it("is 12 months in agriculture and services and 24 in the other fields; the variants make it 1 or 2 years everywhere", () => {
    const short = [Sector.agriculture, Sector.services];
    const long = [Sector.manufacturing, Sector.construction, Sector.care, Sector.food];
    for (const s of short) expect(esdWaitMonths(D, s)).toBe(12);
    for (const s of long) expect(esdWaitMonths(D, s)).toBe(24);
    for (const s of [...short, ...long]) {
      expect(esdWaitMonths({ ...D, ...ONE_YEAR }, s)).toBe(12);
      expect(esdWaitMonths({ ...D, ...TWO_YEARS }, s)).toBe(24);
    }
  });

  it("opens the own-will transfer at the field's wait, and not a month before, in each variant", () => {
    const variants: [string, Partial<Params>, Record<number, number>][] = [
      ["as drafted", {}, { [Sector.agriculture]: 12, [M]: 24 }],
      ["1 year everywhere", ONE_YEAR, { [Sector.agriculture]: 12, [M]: 12 }],
      ["2 years everywhere", TWO_YEARS, { [Sector.agriculture]: 24, [M]: 24 }],
    ];
    for (const [name, params, wait] of variants) {
      for (const sector of [Sector.agriculture, M]) {
        for (const months of [11, 12, 23, 24]) {
          const s = trainee({ ...PAST_WAIT, sector, employer: 2 * sector, monthsWithEmployer: months }, { ...params, ...ACCEPT, esdJobChangeHazardPerMonth: CERTAIN });
          const open = months >= wait[sector]!;
          const what = `${name}, sector ${sector}, ${months} months`;
          expect(esdOwnWillOpen(s.params, s.pop, 0, months), what).toBe(open);
          decideIntern(s, 0, 0.5);
          expect(s.pop.employer[0], what).toBe(open ? 2 * sector + 1 : 2 * sector);
          expect(events(s), what).toEqual(open ? ["job_change:TI->TI"] : []);
        }
      }
    }
  });
});

describe("before the wait: only 'unavoidable' transfers, at an employer who breaks the contract (rule 2)", () => {
  // Employer 0 of each sector underpays (the model's breach of contract), employer 1 pays in full.
  const emp = (trainees = 10) => employers([{ underpayShare: 0.15 }, {}], trainees);
  const early = { esd: OWN_WILL, japaneseLevel: 2, tiStage: 1, monthsInStatus: 10, monthsWithEmployer: 10 };

  it("has the unavoidable-transfer hazard (h[3]) at an underpaying employer and none at a fair one, and no asked-for transfer whatever esdJobChangeHazardPerMonth", () => {
    const params = { tiUnavoidableTransferHazardPerMonth: 0.004, esdJobChangeHazardPerMonth: 0.05 };
    const h = new Float64Array(8);
    const under = trainee({ ...early, employer: 0 }, params, emp());
    internHazards(under, 0, h);
    expect([h[2], h[3]]).toEqual([0, 0.004]);
    const fair = trainee({ ...early, employer: 1 }, params, emp());
    internHazards(fair, 0, h);
    expect([h[2], h[3]]).toEqual([0, 0]);
  });

  it("moves a trainee from an underpaying employer, outside the transferee caps, who stays no transferee", () => {
    // The receiver has no ESD trainee: no room for an own-will transferee (1 of 1 > 1/3), yet an unavoidable transfer goes ahead.
    const s = trainee({ ...early, employer: 0 }, { tiUnavoidableTransferHazardPerMonth: CERTAIN, esdJobChangeHazardPerMonth: CERTAIN }, emp(0));
    expect(esdHasRoom(s.params, s.employers, 1, false)).toBe(false);
    decideIntern(s, 0, 0.5);
    expect(s.pop.employer[0]).toBe(1);
    expect(events(s)).toEqual(["job_change:TI->TI"]);
    expect(s.pop.esd[0]).toBe(OWN_WILL);
    expect(s.employers.esdTransferees[1]).toBe(0);
  });

  it("stay open past the wait ('at any time'): at an underpaying employer an unavoidable move is still outside the caps", () => {
    const s = trainee({ ...early, monthsInStatus: 30, tiStage: 2, monthsWithEmployer: 30, employer: 0 }, { tiUnavoidableTransferHazardPerMonth: CERTAIN }, emp(0));
    expect(esdOwnWillOpen(s.params, s.pop, 0, 30)).toBe(true);
    decideIntern(s, 0, 0.5);
    expect(s.pop.employer[0]).toBe(1);
    expect(s.pop.esd[0]).toBe(OWN_WILL);
  });

  it("never moves a trainee from a fair employer, even with certain hazards", () => {
    const s = trainee({ ...early, employer: 1 }, { tiUnavoidableTransferHazardPerMonth: CERTAIN, esdJobChangeHazardPerMonth: CERTAIN }, emp());
    decideIntern(s, 0, 0);
    expect(s.pop.employer[0]).toBe(1);
    expect(events(s)).toEqual([]);
  });

  it("drops a former own-will transferee's transferee flags on an unavoidable move, keeping the basic test", () => {
    const s = trainee({ ...early, esd: OWN_WILL | ESD_TRANSFEREE | ESD_FROM_OUTSIDE, employer: 0 }, { tiUnavoidableTransferHazardPerMonth: CERTAIN }, emp());
    decideIntern(s, 0, 0.5);
    expect(s.pop.employer[0]).toBe(1);
    expect(s.pop.esd[0]).toBe(OWN_WILL);
  });
});

describe("basic skills test at the end of year 1 (rules 4c, 1d)", () => {
  it("sets ESD_BASIC_PASSED when u < esdBasicTestPassProb; stage 2 follows either way and nobody leaves", () => {
    const pass = trainee({ monthsInStatus: 12 });
    decideIntern(pass, 0, D.esdBasicTestPassProb - 1e-9);
    expect(pass.pop.esd[0]).toBe(ESD_TRAINEE | ESD_BASIC_PASSED);
    expect(pass.pop.tiStage[0]).toBe(2);
    expect(events(pass)).toEqual([]);
    const fail = trainee({ monthsInStatus: 12 });
    decideIntern(fail, 0, D.esdBasicTestPassProb);
    expect(fail.pop.esd[0]).toBe(ESD_TRAINEE);
    expect(fail.pop.tiStage[0]).toBe(2);
    expect(fail.pop.status[0]).toBe(Status.TI);
    const before = trainee({ monthsInStatus: 11 });
    decideIntern(before, 0, 0);
    expect(before.pop.esd[0]).toBe(ESD_TRAINEE);
    expect(before.pop.tiStage[0]).toBe(1);
  });

  it("is needed for an own-will transfer: past the wait without it, a trainee at a fair employer stays", () => {
    const agri = { ...PAST_WAIT, sector: Sector.agriculture, employer: 2 * Sector.agriculture + 1, monthsInStatus: 13, monthsWithEmployer: 13 };
    const params = { ...ACCEPT, esdJobChangeHazardPerMonth: CERTAIN, abscondBaseHazardPerMonth: 0.01 };
    const untested = trainee({ ...agri, esd: ESD_TRAINEE }, params);
    const h = new Float64Array(8);
    internHazards(untested, 0, h);
    expect(h[2]).toBe(0);
    expect(h[0]).toBeCloseTo(abscondHazard(untested, 0), 15); // everyone who wants out absconds
    decideIntern(untested, 0, 0.999);
    expect(untested.pop.employer[0]).toBe(2 * Sector.agriculture + 1);
    const passed = trainee(agri, params);
    decideIntern(passed, 0, 0.5);
    expect(passed.pop.employer[0]).toBe(2 * Sector.agriculture);
  });
});

describe("Japanese level for an own-will transfer (rule 1d)", () => {
  const moves = (japaneseLevel: number, params: Partial<Params>): boolean => {
    const s = trainee({ ...PAST_WAIT, japaneseLevel }, { ...params, ...ACCEPT, esdJobChangeHazardPerMonth: CERTAIN });
    decideIntern(s, 0, 0.5);
    return s.pop.employer[0] !== 0;
  };

  it("A2 (esd-stricter-japanese.yaml) blocks an N5 trainee and lets an N4 one", () => {
    expect(moves(1, { esdTransferJapaneseLevel: 2 })).toBe(false);
    expect(moves(2, { esdTransferJapaneseLevel: 2 })).toBe(true);
  });

  it("A1 (the default) lets an N5 trainee, not one without N5", () => {
    expect(D.esdTransferJapaneseLevel).toBe(1);
    expect(moves(1, {})).toBe(true);
    expect(moves(0, {})).toBe(false);
  });
});

describe("public matching of own-will transfers (rule 1g): esdTransferMatchProb", () => {
  // h = [abscond, go home early, a transfer asked for, an 'unavoidable' one]. W = abscondHazard
  // (wanting out), P = legalTransferShare (ask for a legal move instead).
  const hazards = (agent: AgentInit, params: Partial<Params>) => {
    const s = trainee(agent, { abscondBaseHazardPerMonth: 0.01, legalTransferLogOdds: 0.5, ...params }, employers([{ underpayShare: 0.15 }, {}]));
    const h = new Float64Array(8);
    internHazards(s, 0, h);
    return { h0: h[0]!, h2: h[2]!, h3: h[3]!, want: abscondHazard(s, 0), p: legalTransferShare(s.params) };
  };

  it("scales the asked-for transfer hazard past the wait ((ordinary + W x P) x match); the rest of W still absconds", () => {
    for (const ordinary of [0, 0.003]) {
      const rows = [0.2, 0.5, 1].map((match) => ({ match, ...hazards({ ...PAST_WAIT, employer: 1 }, { esdTransferMatchProb: match, esdJobChangeHazardPerMonth: ordinary }) }));
      for (const r of rows) {
        expect(r.want).toBeGreaterThan(0);
        // At reference tightness and a fair employer the ordinary hazard is esdJobChangeHazardPerMonth itself.
        expect(r.h2).toBeCloseTo((ordinary + r.want * r.p) * r.match, 15);
        expect(r.h0).toBeCloseTo(r.want * (1 - r.p), 15);
      }
      expect(rows[2]!.h2 / rows[0]!.h2).toBeCloseTo(5, 12);
    }
  });

  it("does not touch TITP's route before the wait: a grievance transfer is granted with 1 - legalTransferRefusalProb", () => {
    const before = { ...PAST_WAIT, monthsWithEmployer: 10, employer: 0 };
    const params = { titpGrievanceTransfer: true, legalTransferRefusalProb: 0.25, tiUnavoidableTransferHazardPerMonth: 0.002 };
    const low = hazards(before, { ...params, esdTransferMatchProb: 0.2 });
    const high = hazards(before, { ...params, esdTransferMatchProb: 1 });
    expect(low.h2).toBeCloseTo(low.want * low.p * 0.75, 15);
    expect(low.h3).toBe(0.002);
    expect([high.h2, high.h3]).toEqual([low.h2, low.h3]);
  });
});

describe("transferee caps of the receiving employer (rule 1f)", () => {
  /**
   * Trainee in manufacturing at employer 0 past the wait, asking for an own-will transfer with
   * both offers drawn at employer 1 (pickEmployer(manufacturing, 0.9) with two employers) and an
   * acceptance draw of 0; the receiver's counts as given.
   */
  const transfer = (init: EmployerInit[], receiver: { trainees: number; transferees: number; fromOutside?: number }) => {
    const emp = employers(init, 0);
    emp.esdTrainees[0] = 5;
    emp.esdTrainees[1] = receiver.trainees;
    emp.esdTransferees[1] = receiver.transferees;
    emp.esdFromOutside[1] = receiver.fromOutside ?? 0;
    const jobs = counting([0, 0.9, 0.9]); // the acceptance draw comes first (moves.ts), then the offers
    const s = trainee(PAST_WAIT, {}, emp, jobs);
    changeEmployerEsd(s, 0);
    return { s, e: emp, jobs, moved: s.pop.employer[0] === 1 };
  };

  it("a receiver at its 1/3 cap takes no transferee (the acceptance is drawn all the same, so later draws do not depend on room); one below it does, and the counts follow", () => {
    // 9 trainees + the newcomer = 10: at most 3.33 transferees, so 3 with the newcomer.
    const full = transfer([{}, {}], { trainees: 9, transferees: 3 });
    expect(full.moved).toBe(false);
    expect(events(full.s)).toEqual([]);
    expect(full.jobs.calls).toBe(D.jobOffersConsidered + 1);
    expect(full.s.pop.esd[0]).toBe(OWN_WILL);

    const room = transfer([{}, {}], { trainees: 9, transferees: 2 });
    expect(room.moved).toBe(true);
    expect(events(room.s)).toEqual(["job_change:TI->TI"]);
    expect(room.s.pop.esd[0]).toBe(OWN_WILL | ESD_TRANSFEREE);
    expect([room.e.esdTrainees[1], room.e.esdTransferees[1], room.e.esdFromOutside[1]]).toEqual([10, 3, 0]);
    expect(room.e.esdTrainees[0]).toBe(4); // left the first employer's count
    expect(timeCounts(room.s, 0).monthsWithEmployer).toBe(0);
  });

  it("an urban receiver at its 1/6 cap takes no one from a rural employer, but may take one from an urban employer", () => {
    // 11 trainees + the newcomer = 12: at most 4 transferees in all (3 with the newcomer fit), at most 2 from outside.
    const atCap = { trainees: 11, transferees: 2, fromOutside: 2 };
    const fromRural = transfer([{ rural: 1 }, { rural: 0 }], atCap);
    expect(fromRural.moved).toBe(false);
    const fromUrban = transfer([{ rural: 0 }, { rural: 0 }], atCap);
    expect(fromUrban.moved).toBe(true);
    expect(fromUrban.s.pop.esd[0]).toBe(OWN_WILL | ESD_TRANSFEREE);
    expect(fromUrban.e.esdFromOutside[1]).toBe(2);
    // A rural receiver is outside the designated area: only the 1/3 cap applies.
    expect(transfer([{ rural: 1 }, { rural: 1 }], atCap).moved).toBe(true);
    // Below the 1/6 cap, the move from outside is counted as one.
    const below = transfer([{ rural: 1 }, { rural: 0 }], { trainees: 11, transferees: 2, fromOutside: 1 });
    expect(below.moved).toBe(true);
    expect(below.s.pop.esd[0]).toBe(OWN_WILL | ESD_TRANSFEREE | ESD_FROM_OUTSIDE);
    expect([below.e.esdTransferees[1], below.e.esdFromOutside[1]]).toEqual([3, 2]);
  });

  it("goes to the best-paying of the drawn employers that has room", () => {
    // Manufacturing rows 0-2: 0 current; 1 pays with overtime (the better offer); 2 without.
    const move = (roomAt1: boolean): number => {
      const emp = employers([{}, { offersOvertime: 1 }, { offersOvertime: 0 }], 9);
      emp.esdTransferees[1] = roomAt1 ? 0 : 4;
      const s = trainee(PAST_WAIT, {}, emp, scripted([0.5, 0.9, 0])); // draws employers 1 then 2
      changeEmployerEsd(s, 0);
      return s.pop.employer[0]!;
    };
    expect(move(true)).toBe(1);
    expect(move(false)).toBe(2);
  });

  it("esdHasRoom counts the newcomer in both the transferees and the trainees", () => {
    const e = employers([{}, {}], 0);
    const at = (trainees: number, transferees: number, fromOutside = 0, outside = false, p: Params = D): boolean => {
      e.esdTrainees[1] = trainees;
      e.esdTransferees[1] = transferees;
      e.esdFromOutside[1] = fromOutside;
      return esdHasRoom(p, e, 1, outside);
    };
    expect(at(0, 0)).toBe(false); // 1 of 1
    expect(at(9, 2)).toBe(true); // 3 of 10
    expect(at(9, 3)).toBe(false); // 4 of 10
    // (Counts clear of exact thirds and sixths: see the next test.)
    expect(at(23, 6, 3, true)).toBe(true); // 7 of 24 <= 8; 4 of 24 from outside <= 4
    expect(at(23, 6, 4, true)).toBe(false); // 5 of 24 from outside > 4
    expect(at(23, 6, 4, false)).toBe(true); // not from outside: only the 1/3 cap
    expect(at(23, 8, 0, false)).toBe(false); // 9 of 24 > 8
    expect(at(0, 0, 0, false, { ...D, esdTransfereeShareCap: 1 })).toBe(true);
  });

  // Fails with the default esdTransfereeShareCap of 0.3333 (params.ts): 0.3333 x 3 = 0.9999 < 1,
  // so a receiver whose transferees would be exactly a third is refused (2 trainees taking a
  // first transferee, 5 taking a second, ...). The rule is "at most 1/3".
  it("admits a transferee who makes exactly a third of the receiver's ESD trainees", () => {
    const e = employers([{}, {}], 0);
    e.esdTrainees[1] = 2;
    expect(esdHasRoom(D, e, 1, false)).toBe(true); // 1 of 3
    e.esdTrainees[1] = 5;
    e.esdTransferees[1] = 1;
    expect(esdHasRoom(D, e, 1, false)).toBe(true); // 2 of 6
  });
});

describe("compensation of the first employer (rule 1h)", () => {
  it("owes the initial costs apportioned by the months left of the 3-year training", () => {
    expect(esdCompensationYen(D, 0)).toBe(D.esdInitialCostYen);
    expect(esdCompensationYen(D, 12)).toBeCloseTo((D.esdInitialCostYen * 2) / 3, 6);
    expect(esdCompensationYen(D, 24)).toBeCloseTo(D.esdInitialCostYen / 3, 6);
    expect(esdCompensationYen(D, 36)).toBe(0);
    expect(esdCompensationYen(D, 50)).toBe(0);
    for (let m = 1; m <= 36; m++) expect(esdCompensationYen(D, m)).toBeLessThan(esdCompensationYen(D, m - 1));
    // Acceptance: exp(-refusal x yen / 1e6), so it rises as the yen owed fall; 1 once nothing is owed.
    expect(esdAcceptProb(D, esdCompensationYen(D, 0))).toBeCloseTo(Math.exp(-D.esdCompensationRefusalPerMillionYen * 0.6), 12);
    expect(esdAcceptProb(D, 0)).toBe(1);
    expect(esdAcceptProb(D, esdCompensationYen(D, 30))).toBeGreaterThan(esdAcceptProb(D, esdCompensationYen(D, 12)));
  });

  /** Trainee at employer 0 after `months` with it, both offers at employer 1 (with room), acceptance draw `u`. */
  const ask = (months: number, u: number) => {
    const jobs = counting([u, 0.9, 0.9]);
    const s = trainee({ ...PAST_WAIT, monthsWithEmployer: months }, {}, employers(), jobs);
    changeEmployerEsd(s, 0);
    return { s, jobs };
  };

  it("moves the trainee when the draw is below the acceptance probability; a draw at or above it leaves the trainee where it is", () => {
    const accept = esdAcceptProb(D, esdCompensationYen(D, 24));
    const yes = ask(24, accept - 1e-9);
    expect(yes.s.pop.employer[0]).toBe(1);
    expect(yes.s.pop.jobChanges[0]).toBe(1);
    const no = ask(24, accept);
    expect(no.jobs.calls).toBe(D.jobOffersConsidered + 1); // the acceptance was drawn
    expect(no.s.pop.employer[0]).toBe(0);
    expect(events(no.s)).toEqual([]);
    expect(no.s.pop.jobChanges[0]).toBe(0);
    expect(timeCounts(no.s, 0).monthsWithEmployer).toBe(24);
    expect(no.s.pop.esd[0]).toBe(OWN_WILL);
    expect([no.s.employers.esdTrainees[0], no.s.employers.esdTrainees[1], no.s.employers.esdTransferees[1]]).toEqual([10, 10, 0]);
  });

  it("makes a trainee who stayed longer easier to place: one draw refused at 12 months is accepted at 30", () => {
    const u = (esdAcceptProb(D, esdCompensationYen(D, 12)) + esdAcceptProb(D, esdCompensationYen(D, 30))) / 2;
    expect(ask(12, u).s.pop.employer[0]).toBe(0);
    expect(ask(30, u).s.pop.employer[0]).toBe(1);
  });
});

describe("pay rise after year 1 in the fields keeping the 2-year restriction (rule 1i)", () => {
  const wageAfterYear1 = (sector: number, params: Partial<Params> = {}): number => {
    const s = trainee({ sector, employer: 2 * sector, monthsInStatus: 12, promisedWageYenPerMonth: 200000 }, params);
    decideIntern(s, 0, 0.5);
    expect(s.pop.tiStage[0]).toBe(2);
    return s.pop.promisedWageYenPerMonth[0]!;
  };

  it("raises the contract wage by esdYear2PayRiseShare in 2-year fields, not in 1-year ones", () => {
    for (const sector of [Sector.manufacturing, Sector.construction, Sector.care, Sector.food]) {
      expect(wageAfterYear1(sector)).toBeCloseTo(200000 * (1 + D.esdYear2PayRiseShare), 0);
    }
    for (const sector of [Sector.agriculture, Sector.services]) expect(wageAfterYear1(sector)).toBe(200000);
  });

  it("follows the wait, not the field's name: none with 1 year everywhere, in every field with 2 years everywhere", () => {
    expect(wageAfterYear1(M, { esdWaitMonthsLongFields: 12 })).toBe(200000);
    expect(wageAfterYear1(Sector.agriculture, { esdWaitMonthsShortFields: 24 })).toBeCloseTo(200000 * (1 + D.esdYear2PayRiseShare), 0);
  });

  it("is given once, at the end of year 1", () => {
    const s = trainee({ tiStage: 2, monthsInStatus: 13, promisedWageYenPerMonth: 200000 });
    decideIntern(s, 0, 0.5);
    expect(s.pop.promisedWageYenPerMonth[0]).toBe(200000);
  });
});

describe("SSW1 at the end of the training: A2 Japanese and the skills test, no waiver (rules 4d, 5a)", () => {
  const at36 = { tiStage: 2, monthsInStatus: 36 };

  it("esdSsw1PassProb is 0 below A2 (N4) and esdSsw1SkillTestPassProb from it", () => {
    expect(esdSsw1PassProb(D, 0)).toBe(0);
    expect(esdSsw1PassProb(D, 1)).toBe(0);
    for (const level of [2, 3, 5]) expect(esdSsw1PassProb(D, level)).toBe(D.esdSsw1SkillTestPassProb);
  });

  it("moves an N4 trainee to SSW1 when u < the skills test's pass probability, at once (no wait for processing)", () => {
    const s = trainee({ ...at36, japaneseLevel: 2 }, { sswAvailable: true, sswProcessingStartMonths: 100 }, employers([{ wageLevel: 1.2 }, {}]));
    expect(s.ctx.ssw1Processing).toBe(false);
    decideIntern(s, 0, D.esdSsw1SkillTestPassProb - 1e-9);
    expect(s.pop.status[0]).toBe(Status.SSW1);
    expect(s.pop.employer[0]).toBe(0);
    expect(s.pop.promisedWageYenPerMonth[0]).toBeCloseTo(D.ssw1WageYenPerMonth * Math.fround(1.2), 0);
    expect(events(s)).toEqual(["transfer:TI->SSW1"]);
  });

  it("keeps in TI, for the retake year, an N5 trainee whatever the draw and a sponsoring employer, and an N4 one who fails the test or finds SSW1 closed", () => {
    const sponsor = { sswAvailable: true, promoterSponsorProb: 1, otherSponsorProb: 1 };
    const n5 = trainee({ ...at36, japaneseLevel: 1 }, sponsor, employers([{ promoter: 1 }, {}]));
    decideIntern(n5, 0, 0);
    expect([n5.pop.status[0], n5.pop.tiStage[0]]).toEqual([Status.TI, 3]);
    const fails = trainee({ ...at36, japaneseLevel: 2 }, { sswAvailable: true });
    decideIntern(fails, 0, D.esdSsw1SkillTestPassProb);
    expect([fails.pop.status[0], fails.pop.tiStage[0]]).toEqual([Status.TI, 3]);
    const closed = trainee({ ...at36, japaneseLevel: 2 }, { sswAvailable: true });
    closed.ctx.ssw1Open = false; // e.g. the SSW (i) cap reached
    decideIntern(closed, 0, 0);
    expect([closed.pop.status[0], closed.pop.tiStage[0]]).toEqual([Status.TI, 3]);
    for (const s of [n5, fails, closed]) expect(events(s)).toEqual([]);
  });
});

describe("the year to retake the SSW(i) tests, then home (rule 5b)", () => {
  const retakeEnd = { tiStage: 3, monthsInStatus: 36 + D.esdSsw1RetakeMonths };

  it("ends 36 + esdSsw1RetakeMonths months in: SSW1 on a pass, else home (kept as a returnee who may come back)", () => {
    const pass = trainee({ ...retakeEnd, japaneseLevel: 2 }, { sswAvailable: true });
    decideIntern(pass, 0, D.esdSsw1SkillTestPassProb - 1e-9);
    expect(pass.pop.status[0]).toBe(Status.SSW1);
    const fail = trainee({ ...retakeEnd, japaneseLevel: 2, nationality: Nationality.VN }, { sswAvailable: true });
    decideIntern(fail, 0, D.esdSsw1SkillTestPassProb);
    expect(fail.pop.status[0]).toBe(Status.RETURNED);
    expect(events(fail)).toEqual(["return:TI->RETURNED"]);
    expect(flow(fail, EventCode.return, Status.TI, Status.RETURNED, Nationality.VN)).toBe(1);
    expect(fail.returnees[Nationality.VN]!.size).toBe(1);
    const n5 = trainee({ ...retakeEnd, japaneseLevel: 1 }, { sswAvailable: true });
    decideIntern(n5, 0, 0);
    expect(n5.pop.status[0]).toBe(Status.RETURNED);
  });

  it("counts the Japanese learnt in the retake year: an N5 completer who reaches N4 passes at its end", () => {
    const s = trainee({ tiStage: 2, monthsInStatus: 36, japaneseLevel: 1 }, { sswAvailable: true });
    decideIntern(s, 0, 0);
    expect(s.pop.tiStage[0]).toBe(3);
    s.pop.japaneseLevel[0] = 2;
    s.pop.statusSinceMonth[0] = -(36 + D.esdSsw1RetakeMonths); // a year on
    decideIntern(s, 0, 0);
    expect(s.pop.status[0]).toBe(Status.SSW1);
  });

  it("is no milestone before its end; a shorter retake period ends sooner; none sends a failed completer home at 36 months", () => {
    const during = trainee({ ...retakeEnd, monthsInStatus: 36 + D.esdSsw1RetakeMonths - 1, japaneseLevel: 2 }, { sswAvailable: true });
    decideIntern(during, 0, 0);
    expect([during.pop.status[0], during.pop.tiStage[0]]).toEqual([Status.TI, 3]);
    const six = trainee({ tiStage: 3, monthsInStatus: 42, japaneseLevel: 1 }, { esdSsw1RetakeMonths: 6 });
    decideIntern(six, 0, 0.5);
    expect(six.pop.status[0]).toBe(Status.RETURNED);
    const none = trainee({ tiStage: 2, monthsInStatus: 36, japaneseLevel: 1 }, { esdSsw1RetakeMonths: 0 });
    decideIntern(none, 0, 0.5);
    expect(none.pop.status[0]).toBe(Status.RETURNED);
  });
});

describe("field caps (rules 6b, 6c): counted monthly, entrants beyond the room turned away", () => {
  it("countEsd counts ESD trainees in TI per employer (transferees, from outside) and each field's room", () => {
    const s = makeState({
      agents: [
        { esd: ESD_TRAINEE, sector: M, employer: 0 },
        { esd: OWN_WILL | ESD_TRANSFEREE | ESD_FROM_OUTSIDE, sector: M, employer: 0 },
        { esd: OWN_WILL | ESD_TRANSFEREE, sector: M, employer: 1 },
        { esd: ESD_TRAINEE, sector: Sector.care, employer: 2 * Sector.care },
        { esd: 0, sector: M, employer: 0 }, // a TITP intern: not counted
        { esd: ESD_TRAINEE, status: Status.SSW1, tiStage: 0, sector: M, employer: 1 }, // a former trainee, now SSW1
        { esd: ESD_TRAINEE, status: Status.RETURNED, tiStage: 0, sector: M, employer: -1 }, // gone home
      ],
    });
    const e = s.employers;
    e.esdTrainees.fill(7); // last month's counts: replaced
    e.esdTransferees.fill(3);
    e.esdFromOutside.fill(1);
    const room = new Float64Array(SECTOR_COUNT).fill(-1);
    const p = { ...s.params, esdFieldCapScale: 0.5 };
    countEsd(p, s.pop, e, 0.01, room);
    const expected = new Int32Array(e.count);
    expected[0] = 2;
    expected[1] = 1;
    expected[2 * Sector.care] = 1;
    expect(Array.from(e.esdTrainees)).toEqual(Array.from(expected));
    expect([e.esdTransferees[0], e.esdTransferees[1], e.esdFromOutside[0], e.esdFromOutside[1]]).toEqual([1, 1, 1, 0]);
    expect(e.esdTransferees.reduce((a, b) => a + b, 0)).toBe(2);
    expect(e.esdFromOutside.reduce((a, b) => a + b, 0)).toBe(1);
    const scaled = 0.5 * 0.01;
    expect(room[M]).toBeCloseTo(D.esdFieldCapManufacturing * scaled - 3, 9);
    expect(room[Sector.care]).toBeCloseTo(D.esdFieldCapCare * scaled - 1, 9);
    expect(room[Sector.construction]).toBeCloseTo(D.esdFieldCapConstruction * scaled, 9);
    expect(room[Sector.agriculture]).toBeCloseTo(D.esdFieldCapAgriculture * scaled, 9);
    expect(room[Sector.food]).toBeCloseTo(D.esdFieldCapFood * scaled, 9);
    expect(room[Sector.services]).toBeCloseTo(D.esdFieldCapServices * scaled, 9);
    expect(room[Sector.professional]).toBe(0);
  });

  it("is counted at the start of each month only while ESD is in force", () => {
    const noKernel = (): void => {};
    const off = makeState({ params: { esdActive: false }, agents: [{ esd: ESD_TRAINEE }], months: 3 });
    stepMonth(off, 1, noKernel);
    expect(Array.from(off.ctx.esdFieldRoom).every((r) => r === Infinity)).toBe(true);
    expect(off.employers.esdTrainees[0]).toBe(0);
    const on = makeState({ params: { esdActive: true }, agents: [{ esd: ESD_TRAINEE }], months: 3 });
    stepMonth(on, 1, noKernel);
    expect(on.ctx.esdFieldRoom[M]).toBeCloseTo(D.esdFieldCapManufacturing * D.esdFieldCapScale * on.inputs.scale - 1, 9);
    expect(on.employers.esdTrainees[0]).toBe(1);
  });

  it("is still counted once ESD has been switched off, while trainees of its years remain", () => {
    // A scenario that ends ESD leaves its trainees in Japan with their rules (own-will transfers
    // read the counts), so the counts must follow them; a stale count would drift, even below 0.
    const noKernel = (): void => {};
    const s = makeState({ params: { esdActive: true }, agents: [{ esd: ESD_TRAINEE }, { esd: ESD_TRAINEE }], months: 4 });
    stepMonth(s, 1, noKernel);
    expect(s.employers.esdTrainees[0]).toBe(2);
    s.params.esdActive = false;
    s.pop.status[1] = Status.RETURNED; // one trainee leaves after ESD ends
    stepMonth(s, 2, noKernel);
    expect(s.employers.esdTrainees[0]).toBe(1);
  });

  /** A month's entrants: 5 interns (and 2 SSW1 entrants) into care from Viet Nam, with `room` in care. */
  const entries = (room: number, params: Partial<Params> = {}) => {
    const s = makeState({ params: { esdActive: true, sswAvailable: true, ...params } });
    s.inputs.entryNationalityShare.fill(0);
    s.inputs.entrySectorShare.fill(0);
    for (let k = 0; k < ENTRY_KINDS; k++) {
      s.inputs.entryNationalityShare[k * NATIONALITY_COUNT + Nationality.VN] = 1;
      s.inputs.entrySectorShare[k * SECTOR_COUNT + (k === EntryKind.TI || k === EntryKind.SSW1 ? Sector.care : Sector.professional)] = 1;
    }
    s.inputs.series.tiEntriesPerYear[0] = 12 * 5;
    s.inputs.series.ssw1EntriesPerYear[0] = 12 * 2;
    s.ctx.esdFieldRoom[Sector.care] = room;
    addEntries(s);
    return s;
  };
  const tiEntries = (s: ReturnType<typeof makeState>): number => flow(s, EventCode.entry, NO_STATUS, Status.TI, Nationality.VN);

  it("turns away the ESD entrants beyond the room: no entry event, the row and id taken back; SSW1 entrants still come", () => {
    const open = entries(Infinity);
    expect(tiEntries(open)).toBe(5);
    const capped = entries(2.5);
    expect(tiEntries(capped)).toBe(2);
    expect(capped.ctx.esdFieldRoom[Sector.care]).toBeCloseTo(0.5, 12);
    expect(flow(capped, EventCode.entry, NO_STATUS, Status.SSW1, Nationality.VN)).toBe(2);
    expect(loggedEvents(capped).map(describeEvent)).toEqual(["entry:-->TI", "entry:-->TI", "entry:-->SSW1", "entry:-->SSW1"]);
    expect(capped.pop.size).toBe(4);
    expect(capped.pop.nextId).toBe(4); // ids count people: the 3 turned away took none
    expect(Array.from(capped.pop.id.subarray(0, 4))).toEqual([0, 1, 2, 3]);
    // The interns who came are those who come without the cap (drawn alike); no row beyond size is left written.
    expect(getAgent(capped.pop, 0)).toEqual(getAgent(open.pop, 0));
    expect(getAgent(capped.pop, 1)).toEqual(getAgent(open.pop, 1));
    // Without SSW1 entrants after them, the row the last intern turned away had is left as rows beyond size must be: zero.
    const tiOnly = entries(2, { sswAvailable: false });
    expect(tiOnly.pop.size).toBe(2);
    for (const [field, v] of Object.entries(getAgent(tiOnly.pop, 2))) expect(v, field).toBe(0);
    const none = entries(0.9);
    expect(tiEntries(none)).toBe(0);
  });

  it("leaves the shared streams in step: the entries and matching streams draw alike with and without room", () => {
    const open = entries(Infinity);
    const capped = entries(0);
    expect(capped.rng.entries()).toBe(open.rng.entries());
    expect(capped.rng.matching()).toBe(open.rng.matching());
    expect(capped.rng.policy()).toBe(open.rng.policy());
  });

  it("turns away no TITP entrant: the transitional entries (rule 8) come whatever the room", () => {
    const s = entries(0, { titpTransitionalEntries: true });
    expect(tiEntries(s)).toBe(5);
    expect(Array.from(s.pop.esd.subarray(0, 5))).toEqual([0, 0, 0, 0, 0]);
  });
});

describe("TI-3 for TITP interns after ESD starts: only with a year in TI-2 on ESD's first day (rule 8)", () => {
  it("counts the months ESD has been in force, this month included", () => {
    const s = makeState({ params: { esdActive: true } });
    expect(s.esdOpenMonths).toBe(1); // makeState computed month 0's context
    for (let t = 1; t <= 3; t++) updateMonthContext(s, t);
    expect(s.esdOpenMonths).toBe(4);
    expect(makeState({ params: { esdActive: false } }).esdOpenMonths).toBe(0);
  });

  /** A TITP intern finishing TI-2 (36 months in status) in ESD's `esdMonth`-th month (SSW closed: no sponsorship). */
  const finish = (esdMonth: number, esdActive = true): number[] => {
    const s = makeState({ params: { ...NO_HAZARDS, subsidiaryHireProbAtPromoter: 0, esdActive, ti3Available: true, sswAvailable: false }, agents: [{ tiStage: 2, monthsInStatus: 36 }] });
    s.esdOpenMonths = esdMonth;
    decideIntern(s, 0, 0);
    return [s.pop.status[0]!, s.pop.tiStage[0]!, s.pop.esd[0]!];
  };

  it("lets an intern with 24 months in status on ESD's first day go on to TI-3, not one with 23", () => {
    expect(finish(1)).toEqual([Status.TI, 3, 0]); // 36 months on the first day
    expect(finish(13)).toEqual([Status.TI, 3, 0]); // 24 months: a year in TI-2
    expect(finish(14)).toEqual([Status.RETURNED, 0, 0]); // 23 months
    expect(finish(14, false)).toEqual([Status.TI, 3, 0]); // before ESD, TI-3 is open
  });
});

describe("TITP interns already in Japan keep TITP's rules after ESD starts (rule 8)", () => {
  const titp = (agent: AgentInit, params: Partial<Params> = {}, emp = employers()) =>
    makeState({ params: { ...NO_HAZARDS, subsidiaryHireProbAtPromoter: 0, esdActive: true, ...params }, agents: [{ esd: 0, japaneseLevel: 1, ...agent }], employers: emp });

  it("the initial population's interns are TITP interns even in a run that starts with ESD in force, and their debt is not capped", () => {
    const seed = (esdActive: boolean) => {
      const s = makeState({ params: { esdActive }, streams: { entries: seeded("esd seed"), matching: seeded("esd seed match") } });
      s.inputs.initialStock[Status.TI * NATIONALITY_COUNT + Nationality.VN] = 30;
      s.inputs.borrowedShareByNationality.fill(1);
      seedInitialPopulation(s);
      return s;
    };
    const on = seed(true);
    const off = seed(false);
    expect(on.pop.size).toBe(30);
    for (let i = 0; i < on.pop.size; i++) expect(on.pop.esd[i], `row ${i}`).toBe(0);
    expect(Array.from(on.pop.debtHomeYen.subarray(0, 30))).toEqual(Array.from(off.pop.debtHomeYen.subarray(0, 30)));
  });

  it("keep TITP's end of TI-1: home when u >= the nationality's chance of going on, and no basic test flag", () => {
    const home = titp({ monthsInStatus: 12 });
    decideIntern(home, 0, home.ctx.ti2ContinuationProbByNationality[home.pop.nationality[0]!]!);
    expect(home.pop.status[0]).toBe(Status.RETURNED);
    const on = titp({ monthsInStatus: 12 });
    decideIntern(on, 0, 0);
    expect(on.pop.tiStage[0]).toBe(2);
    expect(on.pop.esd[0]).toBe(0);
    expect(isEsd(on.pop, 0)).toBe(false);
  });

  it("keep the waiver at TI-2's end: sponsored into SSW1 with N5 Japanese", () => {
    const s = titp({ tiStage: 2, monthsInStatus: 36 }, { sswAvailable: true, promoterSponsorProb: 1 }, employers([{ promoter: 1 }, {}]));
    decideIntern(s, 0, 0.5);
    expect(s.pop.status[0]).toBe(Status.SSW1);
  });

  it("have no own-will transfer past ESD's wait, Japanese level or not", () => {
    const s = titp({ tiStage: 2, monthsInStatus: 30, monthsWithEmployer: 30, japaneseLevel: 2 }, { ...ACCEPT, esdJobChangeHazardPerMonth: CERTAIN });
    decideIntern(s, 0, 0.5);
    expect(s.pop.employer[0]).toBe(0);
    expect(events(s)).toEqual([]);
  });

  it("are not counted against the caps, and never get an ESD flag", () => {
    const s = titp({ tiStage: 2, monthsInStatus: 30 });
    const room = new Float64Array(SECTOR_COUNT);
    countEsd(s.params, s.pop, s.employers, 1, room);
    expect(s.employers.esdTrainees[0]).toBe(0);
    expect(room[M]).toBe(D.esdFieldCapManufacturing * D.esdFieldCapScale);
    expect(s.pop.esd[0]).toBe(0);
  });
});

describe("oversight by the supervising and support organisations (rule 7a)", () => {
  // Employer draws: 0.1 underpays under both regimes; 0.17 only without ESD (0.2 x (1 - 0.25) = 0.15); 0.3 never.
  const shares = (params: Partial<Params>): number[] => {
    const e = makeEmployers([{}, {}, {}]);
    for (let k = 0; k < e.count; k++) e.underpayDraw[k] = [0.1, 0.17, 0.3][k % 3]!;
    refreshEmployerTraits(e, { ...D, ...params });
    return Array.from(e.underpayShare.subarray(0, 3));
  };
  const u = Math.fround(D.underpayShare);

  it("lowers the underpaying share by esdOversightUnderpayReduction only while esdActive", () => {
    expect(D.underpayingEmployerShare * (1 - D.esdOversightUnderpayReduction)).toBeCloseTo(0.15, 12);
    expect(shares({ esdActive: false })).toEqual([u, u, 0]);
    expect(shares({ esdActive: true })).toEqual([u, 0, 0]);
    expect(shares({ esdActive: true, esdOversightUnderpayReduction: 0 })).toEqual([u, u, 0]);
    // Switched off again (as no-reform does to the baseline's step), the employers underpay as before.
    expect(shares({ esdActive: false, esdOversightUnderpayReduction: 1 })).toEqual([u, u, 0]);
  });
});
