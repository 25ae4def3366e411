import { describe, expect, it } from "vitest";
import { EventCode, Family, NATIONALITY_COUNT, STATUS_CODES, STATUS_COUNT, Sector, Status, TRANSITIONS, isWithoutEmployer } from "../../src/model/codes.js";
import { updateMonthContext } from "../../src/model/context.js";
import { pickEmployer } from "../../src/model/employers.js";
import { defaultParams } from "../../src/model/params.js";
import { changeEmployer, moveStatus } from "../../src/model/transitions/moves.js";
import { makeEmployers, makeState, scripted, timeCounts } from "../helpers/state.js";
import { describeEvent, flow, loggedEvents } from "./support.js";

const D = defaultParams();

describe("changeEmployer", () => {
  it("moves to a different employer of the same sector and records a job_change with from === to", () => {
    for (const sector of [Sector.manufacturing, Sector.care, Sector.services]) {
      for (const u of [0, 0.3, 0.6, 0.99]) {
        const emp = makeEmployers([{}, {}, {}, {}]);
        const first = 4 * sector;
        const s = makeState({
          agents: [{ status: Status.SSW1, tiStage: 0, sector, employer: first + 1, nationality: 2, monthsWithEmployer: 9 }],
          employers: emp,
          streams: { jobs: scripted([u]) },
        });
        changeEmployer(s, 0);
        const e = s.pop.employer[0]!;
        expect(e, `sector ${sector}, u ${u}`).not.toBe(first + 1);
        expect(emp.sector[e]).toBe(sector);
        expect(e).toBeGreaterThanOrEqual(first);
        expect(e).toBeLessThan(first + 4);
        expect(s.pop.status[0]).toBe(Status.SSW1);
        expect(timeCounts(s, 0).monthsWithEmployer).toBe(0);
        expect(loggedEvents(s).map(describeEvent)).toEqual(["job_change:SSW1->SSW1"]);
        expect(flow(s, EventCode.job_change, Status.SSW1, Status.SSW1, 2)).toBe(1);
      }
    }
  });

  it("steps to the next employer (wrapping to the sector's first) when the draw picks the current one", () => {
    const emp = makeEmployers([{}, {}, {}]);
    const last = 3 * Sector.food + 2;
    const drawLast = 0.99; // pickEmployer(food, 0.99) = last row of food
    expect(pickEmployer(emp, Sector.food, drawLast)).toBe(last);
    const s = makeState({ agents: [{ sector: Sector.food, employer: last }], employers: emp, streams: { jobs: scripted([drawLast]) } });
    changeEmployer(s, 0);
    expect(s.pop.employer[0]).toBe(3 * Sector.food);

    const mid = 3 * Sector.food + 1;
    const t = makeState({ agents: [{ sector: Sector.food, employer: mid }], employers: emp, streams: { jobs: scripted([0.5]) } });
    expect(pickEmployer(emp, Sector.food, 0.5)).toBe(mid);
    changeEmployer(t, 0);
    expect(t.pop.employer[0]).toBe(mid + 1);
  });

  it("takes the best-paying of jobOffersConsidered employers drawn (the first of equals); 1 = the first drawn", () => {
    // Manufacturing rows 0-3: 0 current; 1 underpays 20%; 2 pays in full without overtime; 3 pays
    // in full with overtime. Wage levels do not count: a job change keeps the contract wage.
    const emp = makeEmployers([{}, { underpayShare: 0.2, offersOvertime: 0 }, { offersOvertime: 0, wageLevel: 1.3 }, { offersOvertime: 1 }]);
    const draws = (k: number): number => (k + 0.5) / 4; // pickEmployer(manufacturing, draws(k)) = row k
    const move = (offers: number, picks: number[]): number => {
      const s = makeState({ params: { jobOffersConsidered: offers }, agents: [{ status: Status.SSW1, tiStage: 0, employer: 0 }], employers: emp, streams: { jobs: scripted(picks.map(draws)) } });
      changeEmployer(s, 0);
      return s.pop.employer[0]!;
    };
    expect(move(1, [1])).toBe(1); // a random one: the underpaying employer, if drawn
    expect(move(2, [1, 2])).toBe(2); // full pay beats 20% withheld
    expect(move(2, [2, 1])).toBe(2);
    expect(move(3, [1, 2, 3])).toBe(3); // overtime wins; employer 2's higher wage level does not count
    expect(move(2, [2, 2])).toBe(2);
  });

  it("stays with the only employer of a sector that has one", () => {
    const emp = makeEmployers([{}]);
    const s = makeState({ agents: [{ sector: Sector.care, employer: Sector.care }], employers: emp });
    changeEmployer(s, 0);
    expect(s.pop.employer[0]).toBe(Sector.care);
  });

  it("applies the wage gain only before the career plateau and counts every change", () => {
    const wage = 200000;
    const s = makeState({ agents: [{ status: Status.SSW1, tiStage: 0, promisedWageYenPerMonth: wage, jobChanges: 0 }] });
    let expected = wage;
    for (let k = 0; k < D.careerPlateauJobChanges + 2; k++) {
      changeEmployer(s, 0);
      if (k < D.careerPlateauJobChanges) expected *= 1 + D.jobChangeWageGainShare;
      expect(s.pop.jobChanges[0]).toBe(k + 1);
      expect(s.pop.promisedWageYenPerMonth[0]).toBeCloseTo(Math.fround(expected), -1);
    }
    expect(s.pop.promisedWageYenPerMonth[0]).toBeCloseTo(wage * (1 + D.jobChangeWageGainShare) ** D.careerPlateauJobChanges, -1);
  });

  it("keeps the job-change counter at 255", () => {
    const s = makeState({ agents: [{ jobChanges: 255 }] });
    changeEmployer(s, 0);
    expect(s.pop.jobChanges[0]).toBe(255);
  });

  it("draws its employer from the agent's job stream only", () => {
    const fail = (name: string) => () => { throw new Error(`${name} stream used`); };
    const s = makeState({ agents: [{}], streams: { life: fail("life"), matching: fail("matching"), entries: fail("entries") } });
    changeEmployer(s, 0);
    expect(s.pop.employer[0]).toBe(1);
  });
});

describe("moveStatus", () => {
  it("resets months in status and the TI stage and records the implied event", () => {
    const s = makeState({ agents: [{ tiStage: 2, monthsInStatus: 20, monthsWithEmployer: 20, employer: 1 }] });
    moveStatus(s, 0, Status.SSW1);
    expect(s.pop.status[0]).toBe(Status.SSW1);
    expect(s.pop.tiStage[0]).toBe(0);
    expect(timeCounts(s, 0).monthsInStatus).toBe(0);
    // Still registered with the same employer.
    expect(s.pop.employer[0]).toBe(1);
    expect(timeCounts(s, 0).monthsWithEmployer).toBe(20);
    expect(loggedEvents(s).map(describeEvent)).toEqual(["transfer:TI->SSW1"]);
  });

  it("records detain, release and permit for the moves of irregular life, transfer for DESIGNATED -> SSW1, return for SUBSIDIARY, deport for DEPORTED", () => {
    const want: [Status, Status, string][] = [
      [Status.IRREGULAR, Status.DETAINED, "detain"], [Status.ASYLUM, Status.DETAINED, "detain"],
      [Status.DETAINED, Status.PROVISIONAL, "release"], [Status.DETAINED, Status.DEPORTED, "deport"], [Status.DETAINED, Status.DESIGNATED, "permit"],
      [Status.PROVISIONAL, Status.DEPORTED, "deport"], [Status.PROVISIONAL, Status.RETURNED, "return"], [Status.PROVISIONAL, Status.DESIGNATED, "permit"],
      [Status.IRREGULAR, Status.DESIGNATED, "permit"], [Status.ASYLUM, Status.DESIGNATED, "permit"], [Status.DESIGNATED, Status.RETURNED, "return"],
      // The end of the pandemic's special stay, for those who go on to SSW1 (irregular.ts).
      [Status.DESIGNATED, Status.SSW1, "transfer"],
      [Status.TI, Status.SUBSIDIARY, "return"],
    ];
    for (const [from, to, event] of want) {
      expect(TRANSITIONS[from], `${STATUS_CODES[from]} -> ${STATUS_CODES[to]}`).toContain(to);
      const s = makeState({ agents: [{ status: from, tiStage: from === Status.TI ? 2 : 0, employer: isWithoutEmployer(from) ? -1 : 0 }] });
      moveStatus(s, 0, to);
      expect(loggedEvents(s).map(describeEvent)).toEqual([`${event}:${STATUS_CODES[from]}->${STATUS_CODES[to]}`]);
    }
    // Every legal move from the new statuses is in the list.
    for (const from of [Status.DETAINED, Status.PROVISIONAL, Status.DESIGNATED]) {
      expect([...TRANSITIONS[from]].sort()).toEqual(want.filter(([f]) => f === from).map(([, t]) => t).sort());
    }
  });

  it("keeps the months on a work status of a status left, and counts those of a new one from the move", () => {
    const s = makeState({ agents: [{ status: Status.SSW1, tiStage: 0, sector: Sector.construction, employer: 2, monthsOnWorkStatus: 0 }], months: 30 });
    updateMonthContext(s, 3);
    expect(timeCounts(s, 0).monthsOnWorkStatus).toBe(0); // SSW1 is not a work status
    moveStatus(s, 0, Status.SSW2);
    expect(timeCounts(s, 0).monthsOnWorkStatus).toBe(0);
    updateMonthContext(s, 10);
    expect(timeCounts(s, 0).monthsOnWorkStatus).toBe(7);
    moveStatus(s, 0, Status.PR);
    updateMonthContext(s, 25);
    expect(timeCounts(s, 0).monthsOnWorkStatus).toBe(7);
    expect(timeCounts(s, 0).monthsInStatus).toBe(15);
  });

  it("drops the employer on leaving the registered labour market", () => {
    const without: Status[] = [
      Status.IRREGULAR, Status.ASYLUM, Status.DETAINED, Status.PROVISIONAL, Status.DESIGNATED,
      Status.RETURNED, Status.ONWARD, Status.DEPORTED, Status.SUBSIDIARY,
    ];
    for (let st = 0; st < STATUS_COUNT; st++) expect(isWithoutEmployer(st), `status ${st}`).toBe(without.includes(st as Status));
    for (const to of without) {
      const s = makeState({ agents: [{ employer: 1, monthsWithEmployer: 7 }] });
      moveStatus(s, 0, to);
      expect(s.pop.employer[0], `to ${to}`).toBe(-1);
      expect(timeCounts(s, 0).monthsWithEmployer).toBe(0);
    }
  });

  it("clears family-in-Japan flags on exit but keeps them on a move within Japan", () => {
    const fam = Family.partner | Family.partnerInJapan | Family.children | Family.childrenInJapan;
    const exit = makeState({ agents: [{ status: Status.SIE, tiStage: 0, family: fam }] });
    moveStatus(exit, 0, Status.ONWARD);
    expect(exit.pop.family[0]).toBe(Family.partner | Family.children);
    const stay = makeState({ agents: [{ status: Status.SIE, tiStage: 0, family: fam }] });
    moveStatus(stay, 0, Status.PR);
    expect(stay.pop.family[0]).toBe(fam);
  });

  it("counts an exit in s.obs.exits (status x nationality) when it happens, and only exits", () => {
    const s = makeState({ agents: [{ nationality: 3 }, { nationality: 5 }, { nationality: 5 }] });
    moveStatus(s, 0, Status.IRREGULAR);
    expect(s.obs.exits.every((v) => v === 0)).toBe(true);
    moveStatus(s, 1, Status.RETURNED);
    moveStatus(s, 2, Status.RETURNED);
    moveStatus(s, 0, Status.DEPORTED);
    expect(s.obs.exits[Status.RETURNED * NATIONALITY_COUNT + 5]).toBe(2);
    expect(s.obs.exits[Status.DEPORTED * NATIONALITY_COUNT + 3]).toBe(1);
    expect(s.obs.exits.reduce((a, b) => a + b, 0)).toBe(3);
    expect(s.pop.exitedRows).toBe(3);
  });
});
