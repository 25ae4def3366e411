import { describe, expect, it } from "vitest";
import { EventCode, NATIONALITY_COUNT, NO_STATUS, Nationality, Sector, Status } from "../../src/model/codes.js";
import { type Params, defaultParams } from "../../src/model/params.js";
import { abscondHazard } from "../../src/model/transitions/hazards.js";
import { updateMonthContext } from "../../src/model/context.js";
import { TI_AWAITING_SSW1, decideIntern, internAtMilestone, internHazards, legalTransferShare } from "../../src/model/transitions/intern.js";
import { DESIGNATED_SPECIAL_STAY } from "../../src/model/transitions/irregular.js";
import { ESD_BASIC_PASSED, ESD_TRAINEE, esdWaitMonths } from "../../src/model/esd.js";
import { probFromHazard } from "../../src/model/transitions/competing.js";
import { type AgentInit, type EmployerInit, makeEmployers, makeState, scripted, timeCounts } from "../helpers/state.js";
import { CERTAIN, NO_HAZARDS, decideEach, describeEvent, flow, loggedEvents, totalFlows } from "./support.js";

const D = defaultParams();
const PROMOTER = makeEmployers([{ promoter: 1, wageLevel: 1.1 }, { promoter: 0, wageLevel: 0.9 }]);

/**
 * One intern (default TI-1, VN, manufacturing, employer 0) with every hazard off unless given.
 * Employer 0 promotes, so a completer who goes home could be hired by its subsidiary:
 * subsidiaryHireProbAtPromoter is 0 unless a test sets it (the subsidiary's own tests below do),
 * so that 'goes home' reads RETURNED in the tests of the other completion outcomes.
 */
function intern(agent: AgentInit, params: Partial<Params> = {}, employers = PROMOTER) {
  return makeState({ params: { ...NO_HAZARDS, subsidiaryHireProbAtPromoter: 0, ...params }, agents: [agent], employers });
}

const events = (s: ReturnType<typeof makeState>): string[] => loggedEvents(s).map(describeEvent);

describe("decideIntern: TI-1 -> TI-2 at 12 months", () => {
  // A Filipino intern: its nationality has no shift of the chance (ti2ContinuationLogOdds*).
  it("continues to stage 2 when u < ti2ContinuationProb, without recording an event", () => {
    const s = intern({ monthsInStatus: 12, nationality: Nationality.PH });
    expect(s.ctx.ti2ContinuationProbByNationality[Nationality.PH]).toBeCloseTo(D.ti2ContinuationProb, 12);
    decideIntern(s, 0, s.ctx.ti2ContinuationProbByNationality[Nationality.PH]! - 1e-9);
    expect(s.pop.status[0]).toBe(Status.TI);
    expect(s.pop.tiStage[0]).toBe(2);
    expect(s.obs.log!.length).toBe(0);
    expect(totalFlows(s)).toBe(0);
  });

  it("returns home when u >= ti2ContinuationProb, recording a return event", () => {
    const s = intern({ monthsInStatus: 12, nationality: Nationality.PH });
    decideIntern(s, 0, s.ctx.ti2ContinuationProbByNationality[Nationality.PH]!);
    expect(s.pop.status[0]).toBe(Status.RETURNED);
    expect(s.pop.tiStage[0]).toBe(0);
    expect(s.pop.employer[0]).toBe(-1);
    expect(events(s)).toEqual(["return:TI->RETURNED"]);
    expect(flow(s, EventCode.return, Status.TI, Status.RETURNED, Nationality.PH)).toBe(1);
  });

  it("shifts the chance by nationality on the log odds: c = logistic(logit(ti2ContinuationProb) + shift)", () => {
    const params = { ti2ContinuationProb: 0.8, ti2ContinuationLogOddsVN: 1, ti2ContinuationLogOddsCN: -1 };
    const logit = Math.log(0.8 / 0.2);
    const chance = (shift: number): number => 1 / (1 + Math.exp(-(logit + shift)));
    for (const [nat, shift] of [[Nationality.VN, 1], [Nationality.CN, -1], [Nationality.PH, 0]] as const) {
      const c = chance(shift);
      const stays = intern({ monthsInStatus: 12, nationality: nat }, params);
      decideIntern(stays, 0, c - 1e-9);
      expect(stays.pop.tiStage[0], `nationality ${nat}`).toBe(2);
      const leaves = intern({ monthsInStatus: 12, nationality: nat }, params);
      decideIntern(leaves, 0, c + 1e-9);
      expect(leaves.pop.status[0], `nationality ${nat}`).toBe(Status.RETURNED);
    }
  });

  it("takes no milestone before 12 months", () => {
    const s = intern({ monthsInStatus: 11 });
    decideIntern(s, 0, 0.999);
    expect(s.pop.status[0]).toBe(Status.TI);
    expect(s.pop.tiStage[0]).toBe(1);
    expect(s.obs.log!.length).toBe(0);
  });

  it("replaces the month's hazards: at the milestone a certain abscond hazard is not applied", () => {
    const s = intern({ monthsInStatus: 12 }, { abscondBaseHazardPerMonth: CERTAIN });
    decideIntern(s, 0, 0);
    expect(s.pop.status[0]).toBe(Status.TI);
    expect(s.pop.tiStage[0]).toBe(2);
  });
});

describe("decideIntern: completion of TI-2 at 36 months", () => {
  const ti2 = { monthsInStatus: 36, tiStage: 2, skill: 0.4 };

  it("is sponsored into SSW1 by a promoting employer when u < promoterSponsorProb and SSW exists", () => {
    const s = intern(ti2, { sswAvailable: true, ti3Available: false });
    decideIntern(s, 0, D.promoterSponsorProb - 1e-9);
    expect(s.pop.status[0]).toBe(Status.SSW1);
    expect(s.pop.tiStage[0]).toBe(0);
    expect(timeCounts(s, 0).monthsInStatus).toBe(0);
    // Same employer, SSW pay at that employer's wage level.
    expect(s.pop.employer[0]).toBe(0);
    expect(s.pop.promisedWageYenPerMonth[0]).toBeCloseTo(D.ssw1WageYenPerMonth * Math.fround(1.1), 0);
    expect(events(s)).toEqual(["transfer:TI->SSW1"]);
    expect(flow(s, EventCode.transfer, Status.TI, Status.SSW1, 0)).toBe(1);
  });

  it("is sponsored by another employer only with otherSponsorProb", () => {
    // Stated values (the calibrated defaults do not order the two probabilities).
    const probs = { promoterSponsorProb: 0.6, otherSponsorProb: 0.2 };
    const at = (u: number): number => {
      const s = intern({ ...ti2, employer: 1 }, { sswAvailable: true, ...probs });
      decideIntern(s, 0, u);
      return s.pop.status[0]!;
    };
    expect(at(probs.otherSponsorProb - 1e-9)).toBe(Status.SSW1);
    expect(at(probs.otherSponsorProb)).toBe(Status.RETURNED);
    expect(at(probs.promoterSponsorProb - 1e-9)).toBe(Status.RETURNED);
  });

  it("is never sponsored before SSW exists", () => {
    const s = intern(ti2, { sswAvailable: false, ti3Available: false });
    decideIntern(s, 0, 0);
    expect(s.pop.status[0]).toBe(Status.RETURNED);
    expect(events(s)).toEqual(["return:TI->RETURNED"]);
  });

  it("goes to TI-3 only when ti3Available, with ti3UptakeProb", () => {
    const closed = intern(ti2, { sswAvailable: false, ti3Available: false });
    decideIntern(closed, 0, 0);
    expect(closed.pop.status[0]).toBe(Status.RETURNED);

    const open = intern(ti2, { sswAvailable: false, ti3Available: true });
    decideIntern(open, 0, D.ti3UptakeProb - 1e-9);
    expect(open.pop.status[0]).toBe(Status.TI);
    expect(open.pop.tiStage[0]).toBe(3);
    expect(open.obs.log!.length).toBe(0);

    const declined = intern(ti2, { sswAvailable: false, ti3Available: true });
    decideIntern(declined, 0, D.ti3UptakeProb);
    expect(declined.pop.status[0]).toBe(Status.RETURNED);
  });

  it("splits [0, 1) into sponsorship, TI-3 ((1 - pSponsor) x uptake) and return when both exist", () => {
    const pS = D.promoterSponsorProb;
    const pT = (1 - pS) * D.ti3UptakeProb;
    const at = (u: number): [number, number] => {
      const s = intern(ti2, { sswAvailable: true, ti3Available: true });
      decideIntern(s, 0, u);
      return [s.pop.status[0]!, s.pop.tiStage[0]!];
    };
    expect(at(0)).toEqual([Status.SSW1, 0]);
    expect(at(pS - 1e-9)).toEqual([Status.SSW1, 0]);
    expect(at(pS)).toEqual([Status.TI, 3]);
    expect(at(pS + pT - 1e-9)).toEqual([Status.TI, 3]);
    expect(at(pS + pT)).toEqual([Status.RETURNED, 0]);
  });

  it("takes no milestone at 35 months", () => {
    const s = intern({ ...ti2, monthsInStatus: 35 }, { sswAvailable: true, ti3Available: true });
    decideIntern(s, 0, 0);
    expect(s.pop.status[0]).toBe(Status.TI);
    expect(s.pop.tiStage[0]).toBe(2);
  });
});

describe("decideIntern: completion of TI-3 at 60 months", () => {
  const ti3 = { monthsInStatus: 60, tiStage: 3 };

  it("is sponsored into SSW1 when u < sponsorProb and SSW exists, else returns", () => {
    const yes = intern(ti3, { sswAvailable: true });
    decideIntern(yes, 0, D.promoterSponsorProb - 1e-9);
    expect(yes.pop.status[0]).toBe(Status.SSW1);
    expect(events(yes)).toEqual(["transfer:TI->SSW1"]);

    const no = intern(ti3, { sswAvailable: true });
    decideIntern(no, 0, D.promoterSponsorProb);
    expect(no.pop.status[0]).toBe(Status.RETURNED);
    expect(events(no)).toEqual(["return:TI->RETURNED"]);
  });

  it("returns when SSW does not exist, whatever the draw", () => {
    const s = intern(ti3, { sswAvailable: false });
    decideIntern(s, 0, 0);
    expect(s.pop.status[0]).toBe(Status.RETURNED);
  });

  it("stays in TI-3 at 59 months", () => {
    const s = intern({ ...ti3, monthsInStatus: 59 }, { sswAvailable: true });
    decideIntern(s, 0, 0);
    expect(s.pop.status[0]).toBe(Status.TI);
    expect(s.pop.tiStage[0]).toBe(3);
  });
});

describe("decideIntern: waiting for the change of status to SSW1 (sswProcessingStartMonths)", () => {
  // SSW opens in month 0 of these states (sswOpenMonths 1); processing starts after 3 months.
  const backlog = { sswAvailable: true, ti3Available: false, sswProcessingStartMonths: 3, sswEarlyProcessingProbPerMonth: 0.1 };
  const ti2 = { monthsInStatus: 36, tiStage: 2 };

  it("a sponsored intern finishing TI-2 before processing starts waits on TI stage 4: still TI, no event", () => {
    const s = intern(ti2, backlog);
    expect(s.ctx.ssw1Processing).toBe(false);
    decideIntern(s, 0, D.promoterSponsorProb - 1e-9);
    expect(s.pop.status[0]).toBe(Status.TI);
    expect(s.pop.tiStage[0]).toBe(TI_AWAITING_SSW1);
    expect(s.pop.employer[0]).toBe(0);
    expect(s.obs.log!.length).toBe(0);
    expect(totalFlows(s)).toBe(0);
  });

  it("an unsponsored one still goes home, and a TI-3 completer waits like a TI-2 one", () => {
    const home = intern(ti2, backlog);
    decideIntern(home, 0, D.promoterSponsorProb);
    expect(home.pop.status[0]).toBe(Status.RETURNED);
    const ti3 = intern({ monthsInStatus: 60, tiStage: 3 }, backlog);
    decideIntern(ti3, 0, 0);
    expect(ti3.pop.tiStage[0]).toBe(TI_AWAITING_SSW1);
  });

  it("before processing starts, a waiting intern moves with sswEarlyProcessingProbPerMonth and otherwise waits, hazards off", () => {
    const early = intern({ tiStage: TI_AWAITING_SSW1, monthsInStatus: 37 }, backlog);
    decideIntern(early, 0, 0.1 - 1e-9);
    expect(early.pop.status[0]).toBe(Status.SSW1);
    expect(events(early)).toEqual(["transfer:TI->SSW1"]);
    expect(flow(early, EventCode.transfer, Status.TI, Status.SSW1, 0)).toBe(1);

    // Waiting replaces the month's hazards: a certain abscond hazard is not applied.
    const waits = intern({ tiStage: TI_AWAITING_SSW1, monthsInStatus: 37 }, { ...backlog, abscondBaseHazardPerMonth: CERTAIN });
    decideIntern(waits, 0, 0.1);
    expect(waits.pop.status[0]).toBe(Status.TI);
    expect(waits.pop.tiStage[0]).toBe(TI_AWAITING_SSW1);
    expect(waits.obs.log!.length).toBe(0);
  });

  it("moves whatever the draw once processing runs (the 4th month of SSW)", () => {
    const s = intern({ tiStage: TI_AWAITING_SSW1, monthsInStatus: 37 }, backlog);
    for (let t = 1; t <= 2; t++) updateMonthContext(s, t);
    expect(s.ctx.ssw1Processing).toBe(false); // 3 months since SSW opened
    updateMonthContext(s, 3);
    expect(s.ctx.ssw1Processing).toBe(true); // 4 months
    decideIntern(s, 0, 0.999);
    expect(s.pop.status[0]).toBe(Status.SSW1);
    expect(s.pop.promisedWageYenPerMonth[0]).toBeCloseTo(D.ssw1WageYenPerMonth * Math.fround(1.1), 0);
  });

  it("goes home if SSW1 closes while they wait", () => {
    const s = intern({ tiStage: TI_AWAITING_SSW1, monthsInStatus: 37 }, backlog);
    s.ctx.ssw1Open = false; // e.g. the SSW (i) cap reached
    decideIntern(s, 0, 0);
    expect(s.pop.status[0]).toBe(Status.RETURNED);
    expect(events(s)).toEqual(["return:TI->RETURNED"]);
  });

  it("waiting is a milestone, so the decision screen never skips a waiting intern", () => {
    expect(internAtMilestone(D, false, TI_AWAITING_SSW1, 0)).toBe(true);
    expect(internAtMilestone(D, false, 2, 35)).toBe(false);
  });

  it("milestones fall where the rules put them, for every stage and month", () => {
    // rules.md: TI-1 ends at 12 months in status, TI-2 at 36, TI-3 at 60; stage 0 (not an
    // intern) never; a waiting intern (stage 4) every month. ESD (esd-rules.md rules 4c, 0b, 5b):
    // the end of year 1 (stage 1) at 12, of the training (stage 2) at 36, of the retake year
    // (stage 3) at 36 + esdSsw1RetakeMonths; ESD trainees never wait on stage 4 (no sponsorship).
    const endByStage = [Infinity, 12, 36, 60, -Infinity];
    for (const retake of [12, 6]) {
      const p = { ...D, esdSsw1RetakeMonths: retake };
      const esdEndByStage = [Infinity, 12, 36, 36 + retake];
      for (let months = -2; months <= 70; months++) {
        for (let stage = 0; stage <= 4; stage++) {
          expect(internAtMilestone(p, false, stage, months), `stage ${stage}, month ${months}`).toBe(months >= endByStage[stage]!);
          if (stage <= 3) expect(internAtMilestone(p, true, stage, months), `ESD stage ${stage}, month ${months}, retake ${retake}`).toBe(months >= esdEndByStage[stage]!);
        }
      }
    }
  });

  it("sponsorship starts at sswUptakeInitialShare of the full level and ramps to it over sswUptakeRampMonths", () => {
    const params = { ...backlog, sswUptakeInitialShare: 0.2, sswUptakeRampMonths: 4, sswUptakeRampShape: 2 };
    const s = intern(ti2, params);
    const factors = [s.ctx.sswSponsorFactor];
    for (let t = 1; t <= 5; t++) {
      updateMonthContext(s, t);
      factors.push(s.ctx.sswSponsorFactor);
    }
    // 0.2 + 0.8 (m / 4)^2 for m = 1..6 months since opening, at most 1.
    [1, 2, 3, 4, 5, 6].forEach((m, k) => expect(factors[k]).toBeCloseTo(0.2 + 0.8 * Math.min(1, m / 4) ** 2, 12));
  });
});

describe("decideIntern: Employment for Skill Development interns", () => {
  // esd.ts; the rules in data/rules.md (ESD) and esd-rules.md (rule numbers below). test/model/esd.test.ts
  // takes each rule in turn; these are the intern's decision at each ESD step.
  /** An ESD trainee who passed the basic test: an own-will transfer needs it (rule 1d). */
  const OWN_WILL = ESD_TRAINEE | ESD_BASIC_PASSED;
  /** Employers (two per sector, as PROMOTER) with ESD trainees enough that each has room for a transferee under the 1/3 cap (rule 1f). */
  const withRoom = (init: EmployerInit[] = [{ promoter: 1, wageLevel: 1.1 }, { promoter: 0, wageLevel: 0.9 }]) => {
    const e = makeEmployers(init);
    e.esdTrainees.fill(10);
    return e;
  };
  /** Receivers accept whatever the compensation owed (rule 1h is esd.test.ts's). */
  const ACCEPT = { esdCompensationRefusalPerMillionYen: 0 };

  it("move to SSW1 at the end of the training (36 months) when u < esdSsw1SkillTestPassProb, with A2 Japanese and SSW open", () => {
    const s = intern({ esd: ESD_TRAINEE, tiStage: 2, monthsInStatus: 36, japaneseLevel: 2 }, { sswAvailable: true });
    decideIntern(s, 0, D.esdSsw1SkillTestPassProb - 1e-9);
    expect(s.pop.status[0]).toBe(Status.SSW1);
    expect(s.pop.tiStage[0]).toBe(0);
    expect(events(s)).toEqual(["transfer:TI->SSW1"]);
  });

  it("stay a year to retake the tests when u >= the pass probability or SSW does not exist; without a retake year, go home", () => {
    const at36 = { esd: ESD_TRAINEE, tiStage: 2, monthsInStatus: 36, japaneseLevel: 2 };
    const fail = intern(at36, { sswAvailable: true });
    decideIntern(fail, 0, D.esdSsw1SkillTestPassProb);
    expect(fail.pop.status[0]).toBe(Status.TI);
    expect(fail.pop.tiStage[0]).toBe(3);
    expect(fail.obs.log!.length).toBe(0);
    const noSsw = intern(at36, { sswAvailable: false });
    decideIntern(noSsw, 0, 0);
    expect(noSsw.pop.tiStage[0]).toBe(3);

    const noRetake = intern(at36, { sswAvailable: true, esdSsw1RetakeMonths: 0 });
    decideIntern(noRetake, 0, D.esdSsw1SkillTestPassProb);
    expect(noRetake.pop.status[0]).toBe(Status.RETURNED);
    const noSswNoRetake = intern(at36, { sswAvailable: false, esdSsw1RetakeMonths: 0 });
    decideIntern(noSswNoRetake, 0, 0);
    expect(noSswNoRetake.pop.status[0]).toBe(Status.RETURNED);
    expect(events(noSswNoRetake)).toEqual(["return:TI->RETURNED"]);
  });

  it("have a year-1 milestone at 12 months: on to stage 2 whatever the draw, never home (no TI-1 -> TI-2 exit)", () => {
    for (const u of [0, 0.5, 0.999]) {
      const s = intern({ esd: ESD_TRAINEE, monthsInStatus: 12 }, { sswAvailable: true, abscondBaseHazardPerMonth: CERTAIN });
      decideIntern(s, 0, u);
      expect(s.pop.status[0], `u ${u}`).toBe(Status.TI);
      expect(s.pop.tiStage[0], `u ${u}`).toBe(2);
      expect(s.obs.log!.length).toBe(0);
    }
    const before = intern({ esd: ESD_TRAINEE, monthsInStatus: 11 }, { sswAvailable: true });
    decideIntern(before, 0, 0.999);
    expect(before.pop.tiStage[0]).toBe(1);
  });

  it("have a waiting period of 12 months in agriculture and services, 24 elsewhere", () => {
    expect(esdWaitMonths(D, Sector.agriculture)).toBe(12);
    expect(esdWaitMonths(D, Sector.services)).toBe(12);
    for (const sec of [Sector.manufacturing, Sector.construction, Sector.care, Sector.food]) expect(esdWaitMonths(D, sec)).toBe(24);
  });

  it("change employer at their own will only after esdWaitMonths(sector) months with the employer", () => {
    const cases: [number, number, boolean][] = [
      [Sector.agriculture, 11, false], [Sector.agriculture, 12, true],
      [Sector.services, 11, false], [Sector.services, 12, true],
      [Sector.manufacturing, 23, false], [Sector.manufacturing, 24, true],
      [Sector.construction, 12, false], [Sector.care, 24, true],
    ];
    for (const [sector, months, moves] of cases) {
      const first = 2 * sector; // makeEmployers: employer k of sector s is row 2s + k
      const s = intern(
        { esd: OWN_WILL, japaneseLevel: 1, tiStage: 2, sector, employer: first, monthsInStatus: 30, monthsWithEmployer: months },
        { ...ACCEPT, esdJobChangeHazardPerMonth: CERTAIN },
        withRoom(),
      );
      decideIntern(s, 0, 0.5);
      expect(s.pop.status[0], `sector ${sector}, ${months} months`).toBe(Status.TI);
      expect(s.pop.employer[0], `sector ${sector}, ${months} months`).toBe(moves ? first + 1 : first);
      expect(events(s)).toEqual(moves ? ["job_change:TI->TI"] : []);
      if (moves) {
        expect(timeCounts(s, 0).monthsWithEmployer).toBe(0);
        expect(s.pop.jobChanges[0]).toBe(1);
        expect(s.employers.sector[s.pop.employer[0]!]).toBe(sector);
      }
    }
  });

  it("change employer more often at an underpaying employer (exp(esdJobChangeShortfallLogHrPerShare x shortfall))", () => {
    const emp = () => withRoom([{ underpayShare: 0.2 }, {}]);
    const h = 0.01;
    const pFair = probFromHazard(h);
    const pUnder = probFromHazard(h * Math.exp(D.esdJobChangeShortfallLogHrPerShare * Math.fround(0.2)));
    const u = (pFair + pUnder) / 2;
    const trainee = { esd: OWN_WILL, japaneseLevel: 1, tiStage: 2, monthsWithEmployer: 30, monthsInStatus: 30 };
    const fair = intern({ ...trainee, employer: 1 }, { ...ACCEPT, esdJobChangeHazardPerMonth: h }, emp());
    decideIntern(fair, 0, u);
    expect(fair.pop.employer[0]).toBe(1);
    const under = intern({ ...trainee, employer: 0 }, { ...ACCEPT, esdJobChangeHazardPerMonth: h }, emp());
    decideIntern(under, 0, u);
    expect(under.pop.employer[0]).toBe(1);
    expect(events(under)).toEqual(["job_change:TI->TI"]);
  });
});

describe("decideIntern: hired by the employer's subsidiary at home (subsidiaryHireProbAtPromoter)", () => {
  // A completer who goes home has a draw u in [lo, 1), lo the mass of the other completion
  // outcomes; at a promoting employer the first subsidiaryHireProbAtPromoter of that part goes to
  // SUBSIDIARY (an exit, recorded as a return), the rest to RETURNED. Employer 0 promotes, 1 does not.
  const HIRE = 0.5;
  const ti2 = { monthsInStatus: 36, tiStage: 2 };
  const at = (agent: AgentInit, params: Partial<Params>, u: number) => {
    const s = intern(agent, { subsidiaryHireProbAtPromoter: HIRE, ...params });
    decideIntern(s, 0, u);
    return s;
  };

  it("at TI-2 completion (no TI-3, no SSW): u just below lo + (1 - lo) x hire goes to SUBSIDIARY, just above to RETURNED", () => {
    const closed = { sswAvailable: false, ti3Available: false }; // lo = 0
    const sub = at(ti2, closed, HIRE - 1e-9);
    expect(sub.pop.status[0]).toBe(Status.SUBSIDIARY);
    expect(sub.pop.employer[0]).toBe(-1);
    expect(sub.pop.tiStage[0]).toBe(0);
    expect(events(sub)).toEqual(["return:TI->SUBSIDIARY"]);
    expect(flow(sub, EventCode.return, Status.TI, Status.SUBSIDIARY, Nationality.VN)).toBe(1);
    expect(sub.obs.exits[Status.SUBSIDIARY * NATIONALITY_COUNT + Nationality.VN]).toBe(1);
    expect(sub.pop.exitedRows).toBe(1);

    const home = at(ti2, closed, HIRE + 1e-9);
    expect(home.pop.status[0]).toBe(Status.RETURNED);
    expect(events(home)).toEqual(["return:TI->RETURNED"]);
    expect(at(ti2, closed, 0).pop.status[0]).toBe(Status.SUBSIDIARY);
    expect(at(ti2, closed, 0.999).pop.status[0]).toBe(Status.RETURNED);
  });

  it("scales the hire into what sponsorship and TI-3 leave of [0, 1) (lo = pSponsor + pTi3)", () => {
    const open = { sswAvailable: true, ti3Available: true };
    const lo = D.promoterSponsorProb + (1 - D.promoterSponsorProb) * D.ti3UptakeProb;
    const cut = lo + (1 - lo) * HIRE;
    expect(at(ti2, open, lo - 1e-9).pop.tiStage[0]).toBe(3); // still TI-3
    expect(at(ti2, open, lo).pop.status[0]).toBe(Status.SUBSIDIARY);
    expect(at(ti2, open, cut - 1e-9).pop.status[0]).toBe(Status.SUBSIDIARY);
    expect(at(ti2, open, cut + 1e-9).pop.status[0]).toBe(Status.RETURNED);
  });

  it("applies at TI-3 completion (lo = pSponsor) and at ESD completion after the retake year (lo = esdSsw1SkillTestPassProb)", () => {
    const ti3 = { monthsInStatus: 60, tiStage: 3 };
    const lo3 = D.promoterSponsorProb;
    expect(at(ti3, { sswAvailable: true }, lo3 + (1 - lo3) * HIRE - 1e-9).pop.status[0]).toBe(Status.SUBSIDIARY);
    expect(at(ti3, { sswAvailable: true }, lo3 + (1 - lo3) * HIRE + 1e-9).pop.status[0]).toBe(Status.RETURNED);
    expect(at(ti3, { sswAvailable: false }, HIRE - 1e-9).pop.status[0]).toBe(Status.SUBSIDIARY);

    // The retake year's end (rule 5b), with A2 Japanese: pass = esdSsw1SkillTestPassProb (rule 5a).
    const esd = { esd: ESD_TRAINEE, tiStage: 3, monthsInStatus: 36 + D.esdSsw1RetakeMonths, japaneseLevel: 2 };
    const loE = D.esdSsw1SkillTestPassProb;
    expect(at(esd, { sswAvailable: true }, loE - 1e-9).pop.status[0]).toBe(Status.SSW1);
    expect(at(esd, { sswAvailable: true }, loE + (1 - loE) * HIRE - 1e-9).pop.status[0]).toBe(Status.SUBSIDIARY);
    expect(at(esd, { sswAvailable: true }, loE + (1 - loE) * HIRE + 1e-9).pop.status[0]).toBe(Status.RETURNED);
    expect(at(esd, { sswAvailable: false }, HIRE - 1e-9).pop.status[0]).toBe(Status.SUBSIDIARY);
  });

  it("never happens at a non-promoting employer, whatever the draw", () => {
    for (const params of [{ sswAvailable: false, ti3Available: false, subsidiaryHireProbAtPromoter: 1 }, { sswAvailable: true, ti3Available: true, subsidiaryHireProbAtPromoter: 1 }]) {
      for (const u of [0, 0.3, 0.6, 0.999]) {
        const s = at({ ...ti2, employer: 1 }, params, u);
        expect(s.pop.status[0], `u ${u}`).not.toBe(Status.SUBSIDIARY);
      }
    }
    expect(at({ ...ti2, employer: 1 }, { sswAvailable: false, ti3Available: false }, 0).pop.status[0]).toBe(Status.RETURNED);
  });

  it("never happens outside a completion: not on leaving at TI-1's end, nor on early return", () => {
    const all = { subsidiaryHireProbAtPromoter: 1 };
    expect(at({ monthsInStatus: 12 }, all, 0.9999).pop.status[0]).toBe(Status.RETURNED); // does not continue to TI-2
    const early = at({ monthsInStatus: 5 }, { ...all, tiEarlyReturnHazardPerMonth: CERTAIN }, 0.5);
    expect(events(early)).toEqual(["return:TI->RETURNED"]);
  });
});

describe("decideIntern: TITP 'unavoidable' transfers", () => {
  const emp = makeEmployers([{ underpayShare: 0.15 }, { underpayShare: 0 }]);

  it("happen at an underpaying employer", () => {
    const s = intern({ monthsInStatus: 5, employer: 0 }, { tiUnavoidableTransferHazardPerMonth: CERTAIN }, emp);
    decideIntern(s, 0, 0.5);
    expect(s.pop.status[0]).toBe(Status.TI);
    expect(s.pop.employer[0]).toBe(1);
    expect(events(s)).toEqual(["job_change:TI->TI"]);
    expect(flow(s, EventCode.job_change, Status.TI, Status.TI, 0)).toBe(1);
  });

  it("never happen at an employer who pays as promised", () => {
    const s = intern({ monthsInStatus: 5, employer: 1 }, { tiUnavoidableTransferHazardPerMonth: CERTAIN }, emp);
    decideIntern(s, 0, 0);
    expect(s.pop.employer[0]).toBe(1);
    expect(s.obs.log!.length).toBe(0);
  });

  it("do not follow the ESD own-will rule for TITP interns", () => {
    const s = intern({ tiStage: 2, monthsInStatus: 30, monthsWithEmployer: 30, employer: 1, japaneseLevel: 2 }, { esdActive: true, esdJobChangeHazardPerMonth: CERTAIN }, emp);
    decideIntern(s, 0, 0);
    expect(s.pop.employer[0]).toBe(1);
  });
});

describe("decideIntern: monthly competing options", () => {
  it("moves no one when every hazard is 0", () => {
    const agents: AgentInit[] = [];
    for (let k = 0; k < 10; k++) agents.push({ monthsInStatus: k, debtHomeYen: 1e6, brokerTie: 1, networkTies: 20 });
    const s = makeState({ params: NO_HAZARDS, agents });
    decideEach(s, scripted([0]));
    for (let i = 0; i < 10; i++) {
      expect(s.pop.status[i]).toBe(Status.TI);
      expect(s.pop.employer[i]).toBe(0);
    }
    expect(s.obs.log!.length).toBe(0);
    expect(totalFlows(s)).toBe(0);
  });

  it("absconds to IRREGULAR with an abscond event, losing employer and stage", () => {
    const s = intern({ monthsInStatus: 5, tiStage: 1 }, { abscondBaseHazardPerMonth: CERTAIN });
    decideIntern(s, 0, 0.5);
    expect(s.pop.status[0]).toBe(Status.IRREGULAR);
    expect(s.pop.employer[0]).toBe(-1);
    expect(s.pop.tiStage[0]).toBe(0);
    expect(timeCounts(s, 0).monthsInStatus).toBe(0);
    expect(events(s)).toEqual(["abscond:TI->IRREGULAR"]);
    expect(flow(s, EventCode.abscond, Status.TI, Status.IRREGULAR, 0)).toBe(1);
  });

  it("goes home early with the early-return hazard", () => {
    const s = intern({ monthsInStatus: 5 }, { tiEarlyReturnHazardPerMonth: CERTAIN });
    decideIntern(s, 0, 0.5);
    expect(s.pop.status[0]).toBe(Status.RETURNED);
    expect(events(s)).toEqual(["return:TI->RETURNED"]);
  });

  it("orders the options abscond, early return, transfer within the leaving mass", () => {
    const emp = makeEmployers([{ underpayShare: 0.1 }, {}]);
    const params = { abscondBaseHazardPerMonth: 0.01, asylumWorkPermitted: false, tiEarlyReturnHazardPerMonth: 0.02, tiUnavoidableTransferHazardPerMonth: 0.03 };
    const probe = intern({ monthsInStatus: 5 }, params, emp);
    const h = [abscondHazard(probe, 0), 0.02, 0.03];
    const total = h[0]! + h[1]! + h[2]!;
    const pAny = probFromHazard(total);
    const at = (u: number): string[] => {
      const s = intern({ monthsInStatus: 5 }, params, emp);
      decideIntern(s, 0, u);
      return events(s);
    };
    expect(at(pAny * (h[0]! / total) * 0.5)).toEqual(["abscond:TI->IRREGULAR"]);
    expect(at(pAny * ((h[0]! + h[1]! / 2) / total))).toEqual(["return:TI->RETURNED"]);
    expect(at(pAny * ((h[0]! + h[1]! + h[2]! / 2) / total))).toEqual(["job_change:TI->TI"]);
    expect(at(pAny + 1e-9)).toEqual([]);
  });

  it("records events with the agent's id, nationality and the month", () => {
    const s = makeState({ params: { ...NO_HAZARDS, abscondBaseHazardPerMonth: CERTAIN }, agents: [{ nationality: 3 }, { nationality: 4 }] });
    s.ctx.month = 7;
    decideIntern(s, 1, 0.5);
    const [e] = loggedEvents(s);
    expect(e).toEqual({ month: 7, id: s.pop.id[1], nat: 4, event: EventCode.abscond, from: Status.TI, to: Status.IRREGULAR });
    expect(e!.from).not.toBe(NO_STATUS);
    expect(flow(s, EventCode.abscond, Status.TI, Status.IRREGULAR, 4)).toBe(1);
  });
});

describe("internHazards: leaving the employer as one choice", () => {
  // h = [abscond, go home early, a transfer the intern asks for, an 'unavoidable' transfer, the
  // pandemic's special stay].
  // W = abscondHazard, the hazard of wanting out; where a legal transfer is open, a share
  // P = legalTransferShare asks for it, of whom (1 - legalTransferRefusalProb) move (TITP's
  // grievance route) or esdTransferMatchProb find a receiver (ESD own-will); the rest abscond.
  const emp = makeEmployers([{ underpayShare: 0.15 }, { underpayShare: 0 }]);
  const on = { abscondBaseHazardPerMonth: 0.002, legalTransferLogOdds: 0.7, legalTransferRefusalProb: 0.25, tiUnavoidableTransferHazardPerMonth: 0.0005 };
  const hazards = (agent: AgentInit, params: Partial<Params>) => {
    const s = intern(agent, params, emp);
    const h = new Float64Array(8);
    const n = internHazards(s, 0, h);
    expect(n).toBe(5);
    return { h, want: abscondHazard(s, 0), p: legalTransferShare(s.params) };
  };

  it("legalTransferShare is the logistic of legalTransferLogOdds", () => {
    expect(legalTransferShare({ ...D, legalTransferLogOdds: 0 })).toBeCloseTo(0.5, 15);
    expect(legalTransferShare({ ...D, legalTransferLogOdds: Math.log(3) })).toBeCloseTo(0.75, 15);
  });

  it("TITP before titpGrievanceTransfer: every intern who wants out absconds; unavoidable transfers at underpayers only", () => {
    const under = hazards({ monthsInStatus: 5, employer: 0 }, on);
    expect(under.h[0]).toBeCloseTo(under.want, 15);
    expect(under.h[2]).toBe(0);
    expect(under.h[3]).toBeCloseTo(0.0005, 15);
    const fair = hazards({ monthsInStatus: 5, employer: 1 }, on);
    expect(fair.h[0]).toBeCloseTo(fair.want, 15);
    expect(fair.h[2]).toBe(0);
    expect(fair.h[3]).toBe(0);
  });

  it("TITP with titpGrievanceTransfer: at an underpaying employer a share asks for a transfer instead; at a fair one nothing changes", () => {
    const p = { ...on, titpGrievanceTransfer: true };
    const under = hazards({ monthsInStatus: 5, employer: 0 }, p);
    expect(under.p).toBeGreaterThan(0.5);
    expect(under.h[0]).toBeCloseTo(under.want * (1 - under.p), 15);
    expect(under.h[2]).toBeCloseTo(under.want * under.p * 0.75, 15);
    expect(under.h[3]).toBeCloseTo(0.0005, 15);
    const fair = hazards({ monthsInStatus: 5, employer: 1 }, p);
    expect(fair.h[0]).toBeCloseTo(fair.want, 15);
    expect(fair.h[2]).toBe(0);
    expect(fair.h[3]).toBe(0);
  });

  it("TITP under pandemicSpecialStay: the special stay diverts openShare x P of those who want out, at any employer", () => {
    // ISA's special measure (2020-04 to 2022-05 in the baseline): open to a share of those who
    // want out (the dismissed or stranded), of whom P ask for it and (1 - refusal) get it.
    const p = { ...on, pandemicSpecialStay: true, pandemicSpecialStayOpenShare: 0.4 };
    for (const employer of [0, 1]) {
      const r = hazards({ monthsInStatus: 5, employer }, p);
      expect(r.h[0]).toBeCloseTo(r.want * (1 - 0.4 * r.p), 15);
      expect(r.h[2]).toBe(0);
      expect(r.h[4]).toBeCloseTo(r.want * 0.4 * r.p * 0.75, 15);
    }
    // Closed: nobody is diverted, whatever the open share.
    const closed = hazards({ monthsInStatus: 5, employer: 1 }, { ...on, pandemicSpecialStayOpenShare: 1 });
    expect(closed.h[0]).toBeCloseTo(closed.want, 15);
    expect(closed.h[4]).toBe(0);
  });

  it("TITP with both routes open: an underpaid intern takes the grievance route, not the special stay", () => {
    const p = { ...on, titpGrievanceTransfer: true, pandemicSpecialStay: true, pandemicSpecialStayOpenShare: 0.4 };
    const under = hazards({ monthsInStatus: 5, employer: 0 }, p);
    expect(under.h[0]).toBeCloseTo(under.want * (1 - under.p), 15);
    expect(under.h[2]).toBeCloseTo(under.want * under.p * 0.75, 15);
    expect(under.h[4]).toBe(0);
    const fair = hazards({ monthsInStatus: 5, employer: 1 }, p);
    expect(fair.h[2]).toBe(0);
    expect(fair.h[4]).toBeCloseTo(fair.want * 0.4 * fair.p * 0.75, 15);
  });

  it("ESD trainees have no special stay (the measure ended before ESD)", () => {
    const p = { ...on, pandemicSpecialStay: true, pandemicSpecialStayOpenShare: 1 };
    const r = hazards({ esd: ESD_TRAINEE, tiStage: 1, sector: Sector.manufacturing, employer: 1, monthsInStatus: 5, monthsWithEmployer: 5 }, p);
    expect(r.h[0]).toBeCloseTo(r.want, 15);
    expect(r.h[4]).toBe(0);
  });

  it("the special stay moves the intern to DESIGNATED with a permit event, losing its employer, marked as on the special stay", () => {
    const s = intern({ monthsInStatus: 5, tiStage: 2, employer: 1 }, { ...NO_HAZARDS, abscondBaseHazardPerMonth: CERTAIN, pandemicSpecialStay: true, pandemicSpecialStayOpenShare: 1, legalTransferLogOdds: 30, legalTransferRefusalProb: 0 }, emp);
    decideIntern(s, 0, 0.5);
    expect(s.pop.status[0]).toBe(Status.DESIGNATED);
    expect(s.pop.employer[0]).toBe(-1);
    expect(s.pop.tiStage[0]).toBe(DESIGNATED_SPECIAL_STAY); // its end is scheduled (irregular.test.ts)
    expect(events(s)).toEqual(["permit:TI->DESIGNATED"]);
  });

  it("ESD: no legal way out before the wait (at a fair employer), a share diverted after it; unmatched requests stay", () => {
    // Own-will transfers past the wait, with the basic test and the Japanese level (esd-rules.md
    // rule 1d), arranged by the public bodies: esdTransferMatchProb of requests find a receiver (rule 1g).
    const esd = { ...on, esdJobChangeHazardPerMonth: 0.003, esdTransferMatchProb: 0.6 };
    const trainee = { esd: ESD_TRAINEE | ESD_BASIC_PASSED, japaneseLevel: 1, tiStage: 2, sector: Sector.manufacturing, employer: 2 * Sector.manufacturing + 1 };
    const before = hazards({ ...trainee, monthsInStatus: 23, monthsWithEmployer: 23 }, esd);
    expect(before.h[0]).toBeCloseTo(before.want, 15);
    expect(before.h[2]).toBe(0);
    expect(before.h[3]).toBe(0);
    const after = hazards({ ...trainee, monthsInStatus: 24, monthsWithEmployer: 24 }, esd);
    expect(after.h[0]).toBeCloseTo(after.want * (1 - after.p), 15);
    // Ordinary mobility (at reference tightness, a fair employer) and the diverted requests, of which a share find a receiver.
    expect(after.h[2]).toBeCloseTo((0.003 + after.want * after.p) * 0.6, 15);
    expect(after.h[3]).toBe(0);
    // What leaves the employer out of wanting out: W (1 - P x (1 - match)) <= W.
    expect(after.h[0]! + after.h[2]! - 0.003 * 0.6).toBeCloseTo(after.want * (1 - after.p * 0.4), 15);
    // Past the wait without the basic test: still no legal way out at a fair employer.
    const untested = hazards({ ...trainee, esd: ESD_TRAINEE, monthsInStatus: 24, monthsWithEmployer: 24 }, esd);
    expect(untested.h[0]).toBeCloseTo(untested.want, 15);
    expect(untested.h[2]).toBe(0);
    // At an underpaying employer the 'unavoidable' transfers stay open past the wait (rule 2: at any time).
    const under = hazards({ ...trainee, employer: 2 * Sector.manufacturing, monthsInStatus: 24, monthsWithEmployer: 24 }, esd);
    expect(under.h[3]).toBeCloseTo(0.0005, 15);
  });
});
