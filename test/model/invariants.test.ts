// Invariants checked on every month of a small run of the real baseline (scale 0.005, 2014-01 to
// 2031-12: every policy switch of the baseline timeline happens inside the run, and the first ESD
// trainees, who enter from 2027-07, reach the end of their training and the retake year).

import { describe, expect, it } from "vitest";
import { initSimulation, advanceMonth } from "../../src/engine/simulate.js";
import {
  ENTRY_STATUSES, EventCode, FIRST_EXIT_STATUS, Family, MANUAL_SECTOR_COUNT, NATIONALITY_COUNT, NO_STATUS, REENTRY_TRANSITIONS,
  SECTOR_COUNT, STATUS_COUNT, Sector, Status, TRANSITIONS, eventForMove, isExit, isWithoutEmployer,
  GROUP_COUNT, WORKPLACE_COUNT,
} from "../../src/model/codes.js";
import { countLive } from "../../src/model/population.js";
import { type SimState } from "../../src/model/state.js";
import { TI_AWAITING_SSW1 } from "../../src/model/transitions/intern.js";
import { ESD_BASIC_PASSED, ESD_FROM_OUTSIDE, ESD_TRAINEE, ESD_TRANSFEREE, isEsd } from "../../src/model/esd.js";
import { timeCounts } from "../helpers/state.js";
import { loadScenario } from "../../src/scenario/load.js";
import { buildInputs } from "../../src/scenario/resolve.js";
import { describeEvent, loggedEvents, wageThisMonth } from "./support.js";
import { FLOW_CELLS, STOCK_CELLS, countStocks, createObservers, flowIndex } from "../../src/model/observers.js";
import { DESIGNATED_SPECIAL_STAY } from "../../src/model/transitions/irregular.js";

/** Exits so far plus the agents in Japan now, by status x nationality (counted afresh from the rows). */
function stocksWithExits(s: SimState, out: Float64Array): void {
  const obs = createObservers(1, false);
  countStocks(obs, s.pop, s.ctx.month);
  for (let k = 0; k < STOCK_CELLS; k++) out[k] = s.obs.exits[k]! + obs.stocks[k]!;
}

const sum = (a: ArrayLike<number>): number => {
  let n = 0;
  for (let k = 0; k < a.length; k++) n += a[k]!;
  return n;
};

/** Statuses whose holders change employer (PR job changes are not tracked). */
const JOB_CHANGE_STATUSES: readonly number[] = [Status.TI, Status.SSW1, Status.SSW2, Status.SIE];
const MONEY_FIELDS = ["debtHomeYen", "savingsYen", "remittedYen", "promisedWageYenPerMonth"] as const;

/**
 * Row of each agent id. A returnee who came back (entry from RETURNED) has a new row with its old
 * id, so until compaction the id also names its leaver's row: the row in Japan is the agent's.
 */
function rowsById(s: SimState): Map<number, number> {
  const rows = new Map<number, number>();
  for (let i = 0; i < s.pop.size; i++) {
    const id = s.pop.id[i]!;
    const other = rows.get(id);
    if (other === undefined || isExit(s.pop.status[other]!)) rows.set(id, i);
  }
  return rows;
}

/** Statuses a returnee who may come back left (returnees.ts, mayComeBack). */
const MAY_COME_BACK_FROM: readonly number[] = [Status.TI, Status.SSW1];

/** Problems with the agents' rows, as readable strings (empty when all is well). */
function agentViolations(s: SimState, t: number, cameBack: ReadonlySet<number> = new Set()): string[] {
  const out: string[] = [];
  const pop = s.pop;
  const emp = s.employers;
  const bad = (i: number, what: string): void => {
    if (out.length < 20) out.push(`month ${t}, agent ${pop.id[i]} (${pop.status[i]}): ${what}`);
  };
  // Ids are unique among agents in Japan (a returnee who came back shares its id only with its own leaver's row).
  const liveIds = new Set<number>();
  for (let i = 0; i < pop.size; i++) {
    const id = pop.id[i]!;
    if (id < 0 || id >= pop.nextId) bad(i, `id ${id} outside [0, nextId ${pop.nextId})`);
    const st = pop.status[i]!;
    if (st < FIRST_EXIT_STATUS) {
      if (liveIds.has(id)) bad(i, `id ${id} held by two agents in Japan`);
      liveIds.add(id);
    }
    if (st >= STATUS_COUNT) { bad(i, `invalid status ${st}`); continue; }
    if (pop.nationality[i]! >= NATIONALITY_COUNT) bad(i, `invalid nationality ${pop.nationality[i]}`);
    const e = pop.employer[i]!;
    if (isExit(st)) {
      // A leaver's row awaiting compaction: no employer, no family in Japan.
      if (e !== -1) bad(i, `leaver with employer ${e}`);
      if ((pop.family[i]! & (Family.partnerInJapan | Family.childrenInJapan)) !== 0) bad(i, "leaver with family in Japan");
      continue;
    }
    const stage = pop.tiStage[i]!;
    // TI: a stage; DESIGNATED: 0, or DESIGNATED_SPECIAL_STAY for the pandemic's special stay; else 0.
    const stageOk = st === Status.TI ? stage >= 1 && stage <= TI_AWAITING_SSW1 : stage === 0 || (st === Status.DESIGNATED && stage === DESIGNATED_SPECIAL_STAY);
    if (!stageOk) bad(i, `tiStage ${stage}`);
    // Sponsored interns wait only while changes of status to SSW1 are not processed in number.
    // ESD trainees are never sponsored, so never wait.
    if (stage === TI_AWAITING_SSW1 && (isEsd(pop, i) || s.ctx.ssw1Processing || !s.ctx.ssw1Open)) bad(i, "waiting for SSW1 while it is processed or closed");
    // Without a registered employer: IRREGULAR, ASYLUM, DETAINED, PROVISIONAL, DESIGNATED.
    const unregistered = isWithoutEmployer(st);
    if (unregistered ? e !== -1 : e < 0 || e >= emp.count) bad(i, `employer ${e}`);
    if (!unregistered && emp.sector[e] !== pop.sector[i]) bad(i, `employer ${e} of sector ${emp.sector[e]} but agent in sector ${pop.sector[i]}`);
    if (pop.sector[i]! >= SECTOR_COUNT) bad(i, `invalid sector ${pop.sector[i]}`);
    if ((st === Status.TI || st === Status.SSW1 || st === Status.SSW2) && pop.sector[i]! >= MANUAL_SECTOR_COUNT) bad(i, "TI/SSW in the professional sector");
    if (st === Status.SIE && pop.sector[i] !== Sector.professional) bad(i, `SIE in sector ${pop.sector[i]}`);
    // Non-negative and finite (NaN fails the comparison too).
    const wage = wageThisMonth(s, i);
    if (!(pop.debtHomeYen[i]! >= 0 && pop.savingsYen[i]! >= 0 && pop.remittedYen[i]! >= 0 && wage >= 0 && pop.promisedWageYenPerMonth[i]! >= 0) ||
      !Number.isFinite(pop.debtHomeYen[i]! + pop.savingsYen[i]! + pop.remittedYen[i]! + wage + pop.promisedWageYenPerMonth[i]!)) {
      for (const f of MONEY_FIELDS) bad(i, `${f} = ${pop[f][i]}`);
      bad(i, `pay this month = ${wage}`);
    }
    const sk = pop.skill[i]!;
    if (!(sk >= 0 && sk <= 1)) bad(i, `skill ${sk}`);
    if (pop.japaneseLevel[i]! > 5) bad(i, `japaneseLevel ${pop.japaneseLevel[i]}`);
    if (pop.networkTies[i]! > 20) bad(i, `networkTies ${pop.networkTies[i]}`);
    const t = timeCounts(s, i);
    // The special stay ends on schedule: no holder is left once its months are over.
    if (st === Status.DESIGNATED && stage === DESIGNATED_SPECIAL_STAY && t.monthsInStatus >= s.params.pandemicSpecialStayMonths) bad(i, "special stay past its end");
    // A former SSW1 holder who came back carries the months of its earlier SSW1 stay (the 5-year cap
    // counts them all, returnees.ts), never reaching the cap on arrival.
    const carried = cameBack.has(pop.id[i]!) && pop.status[i] === Status.SSW1 ? s.params.ssw1CapMonths - 1 : 0;
    if (t.monthsInStatus > t.monthsInJapan + carried) bad(i, `monthsInStatus ${t.monthsInStatus} > monthsInJapan ${t.monthsInJapan}`);
    if (t.monthsWithEmployer > t.monthsInJapan) bad(i, `monthsWithEmployer > monthsInJapan`);
    if (t.monthsOnWorkStatus > t.monthsInJapan) bad(i, `monthsOnWorkStatus > monthsInJapan`);
    if (t.monthsInStatus < 0 || t.monthsWithEmployer < 0 || t.monthsOnWorkStatus < 0) bad(i, `negative time count ${JSON.stringify(t)}`);
    if (t.ageMonths < 18 * 12) bad(i, `age ${t.ageMonths} months`);
    // TI-3 ends at 60 months; a sponsored intern may then wait up to sswProcessingStartMonths.
    const tiMaxMonths = 60 + (stage === TI_AWAITING_SSW1 ? Math.ceil(s.params.sswProcessingStartMonths) : 0);
    if (st === Status.TI && !isEsd(pop, i) && t.monthsInStatus > tiMaxMonths) bad(i, `TITP intern past 5 years (and the wait for SSW1)`);
    // ESD: 3 years of training, and a year to retake the SSW(i) tests (esd-rules.md rules 0b, 5b).
    if (st === Status.TI && isEsd(pop, i) && t.monthsInStatus > 36 + s.params.esdSsw1RetakeMonths) bad(i, `ESD intern past 3 years and the retake year`);
    if (st === Status.TI && isEsd(pop, i) && pop.tiStage[i]! > 3) bad(i, `ESD intern on stage ${pop.tiStage[i]}`);
    // Only the four flags of esd.ts; transferee flags only on ESD trainees, from outside only on transferees.
    const f = pop.esd[i]!;
    if ((f & ~(ESD_TRAINEE | ESD_BASIC_PASSED | ESD_TRANSFEREE | ESD_FROM_OUTSIDE)) !== 0 || (f !== 0 && (f & ESD_TRAINEE) === 0) ||
      ((f & ESD_FROM_OUTSIDE) !== 0 && (f & ESD_TRANSFEREE) === 0)) bad(i, `esd flags ${f}`);
    if (st === Status.SSW1 && t.monthsInStatus > s.params.ssw1CapMonths) bad(i, `SSW1 past the cap`);
  }
  return out;
}

describe("invariants of a small baseline run", () => {
  it("hold on every month", () => {
    const inputs = buildInputs(loadScenario("scenarios/baseline.yaml"), { scale: 0.005, until: "2031-12" });
    expect(inputs.months).toBe(216); // 2014-01 to 2031-12
    const s = initSimulation(inputs, 1, true);
    const log = s.obs.log!;
    expect(log.length).toBe(0); // the initial population is not recorded as entries
    expect(agentViolations(s, -1)).toEqual([]);

    const stocks = new Float64Array(STOCK_CELLS);
    const before = new Float64Array(STOCK_CELLS);
    stocksWithExits(s, before);
    const seen = { entries: 0, reentries: 0, moves: 0, jobChanges: 0, exits: 0 };
    const eventsSeen = new Set<string>();
    /** Agents who went home (to RETURNED) from a status they may come back from, by id: the month they left. */
    const away = new Map<number, number>();
    /** Ids of agents who came back (an entry from RETURNED). */
    const cameBack = new Set<number>();
    /** ESD was exercised: trainees in the retake year, own-will transferees (esd.ts flags), seen in some month. */
    const esdSeen = { retake: 0, transferees: 0 };
    let seenTi3 = false;

    for (let t = 0; t < inputs.months; t++) {
      const prevTotal = countLive(s.pop) + sum(s.obs.exits);
      const prevExits = sum(s.obs.exits);
      const nextIdBefore = s.pop.nextId;
      const logStart = log.length;
      s.obs.flows.fill(0); // simulate() clears the flows each month; here we step by hand
      advanceMonth(s, t);

      const events = loggedEvents(s, logStart);
      // Flows and the event log agree cell by cell.
      const fromLog = new Float64Array(FLOW_CELLS);
      for (const e of events) fromLog[flowIndex(e.event, e.from, e.to, e.nat)]! += 1;
      const mismatched: number[] = [];
      for (let k = 0; k < FLOW_CELLS; k++) if (fromLog[k] !== s.obs.flows[k]) mismatched.push(k);
      expect(mismatched, `month ${t}: flow cells differing from the log`).toEqual([]);

      // Entries this month from the flows: newcomers (from NO_STATUS) and returnees coming back
      // (REENTRY_TRANSITIONS, e.g. RETURNED -> SSW1).
      let newcomers = 0;
      let entries = 0;
      for (let nat = 0; nat < NATIONALITY_COUNT; nat++) {
        for (const to of ENTRY_STATUSES) newcomers += s.obs.flows[flowIndex(EventCode.entry, NO_STATUS, to, nat)]!;
        for (const [from, tos] of Object.entries(REENTRY_TRANSITIONS)) for (const to of tos) entries += s.obs.flows[flowIndex(EventCode.entry, Number(from), to, nat)]!;
      }
      entries += newcomers;
      expect(entries).toBe(events.filter((e) => e.event === EventCode.entry).length);
      // Every newcomer gets a new id; a returnee keeps its own (its row may take and drop a new one).
      const created = s.pop.nextId - nextIdBefore;
      expect(created, `month ${t}: agents created vs entries`).toBeGreaterThanOrEqual(newcomers);
      expect(created, `month ${t}: agents created vs entries`).toBeLessThanOrEqual(entries);
      const newIds = events.filter((e) => e.event === EventCode.entry && e.from === NO_STATUS).map((e) => e.id);
      expect(new Set(newIds).size, `month ${t}: newcomers' ids distinct`).toBe(newIds.length);

      // Conservation: agents in Japan + all exits = previous total + entries.
      const total = countLive(s.pop) + sum(s.obs.exits);
      expect(total, `month ${t}`).toBe(prevTotal + entries);

      // Every event is legal and dated this month.
      const wrong = events.filter((e) => {
        if (e.month !== t) return true;
        if (e.event === EventCode.entry) {
          if (e.from === NO_STATUS) return !ENTRY_STATUSES.includes(e.to as Status) || e.id < nextIdBefore;
          // A re-entry: a legal one, by an agent who went home (from a status it may come back
          // from) in an earlier month, within the re-entry window, and has not come back since.
          const left = away.get(e.id);
          return !(REENTRY_TRANSITIONS[e.from as Status] ?? []).includes(e.to as Status) || e.id >= nextIdBefore ||
            left === undefined || left >= t || t - left >= s.params.returneeReentryWindowMonths;
        }
        if (e.id >= nextIdBefore && e.from === NO_STATUS) return true;
        if (e.event === EventCode.job_change) return e.from !== e.to || !JOB_CHANGE_STATUSES.includes(e.from);
        if (e.from === NO_STATUS || e.from >= FIRST_EXIT_STATUS) return true;
        return !TRANSITIONS[e.from as Status].includes(e.to as Status) || e.event !== eventForMove(e.from as Status, e.to as Status);
      });
      expect(wrong.map((e) => `${describeEvent(e)} (month ${e.month}, agent ${e.id})`), `month ${t}: illegal events`).toEqual([]);

      // At most one move (status change or job change) per agent per month.
      const movesById = new Map<number, number>();
      for (const e of events) if (e.event !== EventCode.entry) movesById.set(e.id, (movesById.get(e.id) ?? 0) + 1);
      expect([...movesById].filter(([, n]) => n > 1), `month ${t}: agents moving twice`).toEqual([]);

      // Stocks change exactly by the recorded moves: no unrecorded status change. Exits count every
      // exit so far, so a returnee coming back adds to its new status and leaves RETURNED's count.
      const expected = new Float64Array(before);
      for (const e of events) {
        if (e.from === e.to) continue;
        if (e.event !== EventCode.entry) expected[e.from * NATIONALITY_COUNT + e.nat]! -= 1;
        expected[e.to * NATIONALITY_COUNT + e.nat]! += 1;
      }
      stocksWithExits(s, stocks);
      expect(Array.from(stocks), `month ${t}: stocks vs recorded moves`).toEqual(Array.from(expected));

      // The running count of TITP interns in TI-3 (the ti3_stock targets) is the rows' count; ESD
      // trainees in their retake year (also stage 3) are not among them.
      let ti3 = 0;
      for (let i = 0; i < s.pop.size; i++) if (s.pop.status[i] === Status.TI && s.pop.tiStage[i] === 3 && !isEsd(s.pop, i)) ti3++;
      expect(s.obs.ti3Interns, `month ${t}: TI-3 count`).toBe(ti3);
      if (ti3 > 0) seenTi3 = true;
      before.set(stocks);

      // Each agent that moved ends the month in the status of its last event.
      const lastTo = new Map<number, number>();
      for (const e of events) lastTo.set(e.id, e.to);
      const rows = rowsById(s);
      const stale = [...lastTo].filter(([id, to]) => {
        const r = rows.get(id) ?? -1;
        // A leaver's row may already be reclaimed; everybody else must still have a row.
        return r < 0 ? to < FIRST_EXIT_STATUS : s.pop.status[r] !== to;
      });
      expect(stale, `month ${t}: status differs from the last event`).toEqual([]);

      // Exits only grow, and by the exit events of the month.
      const exitEvents = events.filter((e) => e.to >= FIRST_EXIT_STATUS).length;
      expect(sum(s.obs.exits) - prevExits).toBe(exitEvents);
      expect(s.obs.exits.every((v) => v >= 0 && Number.isInteger(v))).toBe(true);

      // Every agent's breakdown group is its sector x its employer's workplace (none: 0), as
      // setEmployer keeps it; the breakdown stocks sum to the stocks.
      const badGroup: number[] = [];
      for (let i = 0; i < s.pop.size; i++) {
        const e = s.pop.employer[i]!;
        if (s.pop.group[i] !== s.pop.sector[i]! * WORKPLACE_COUNT + (e < 0 ? 0 : s.employers.workplace[e]!)) badGroup.push(i);
      }
      expect(badGroup, `month ${t}: rows whose group is not sector x workplace`).toEqual([]);
      for (let k = 0; k < STOCK_CELLS; k++) {
        let n = 0;
        for (let g = 0; g < GROUP_COUNT; g++) n += s.obs.stocksByGroup[k * GROUP_COUNT + g]!;
        if (n !== s.obs.stocks[k]) throw new Error(`month ${t}: stock cell ${k}: groups sum to ${n}, stocks ${s.obs.stocks[k]}`);
      }

      for (const e of events) if (e.event === EventCode.entry && e.from !== NO_STATUS) cameBack.add(e.id);
      expect(agentViolations(s, t, cameBack)).toEqual([]);
      for (let i = 0; i < s.pop.size; i++) {
        if (s.pop.status[i] !== Status.TI || !isEsd(s.pop, i)) continue;
        if (s.pop.tiStage[i] === 3) esdSeen.retake++;
        if ((s.pop.esd[i]! & ESD_TRANSFEREE) !== 0) esdSeen.transferees++;
      }

      for (const e of events) {
        eventsSeen.add(describeEvent(e));
        if (e.event === EventCode.entry && e.from !== NO_STATUS) {
          seen.reentries++;
          away.delete(e.id);
        }
        if (e.to === Status.RETURNED && MAY_COME_BACK_FROM.includes(e.from)) away.set(e.id, t);
        if (e.event === EventCode.entry) seen.entries++;
        else if (e.event === EventCode.job_change) seen.jobChanges++;
        else seen.moves++;
        if (e.to >= FIRST_EXIT_STATUS) seen.exits++;
      }
    }
    // ESD (from 2027-07 for new interns, after the transitional TITP entries) was exercised too:
    // trainees in Japan, some past the year-1 basic test.
    let esdTrainees = 0;
    let esdPassed = 0;
    for (let i = 0; i < s.pop.size; i++) {
      if (s.pop.status[i] !== Status.TI || !isEsd(s.pop, i)) continue;
      esdTrainees++;
      if ((s.pop.esd[i]! & ESD_BASIC_PASSED) !== 0) esdPassed++;
    }
    expect(esdTrainees).toBeGreaterThan(100);
    expect(esdPassed).toBeGreaterThan(10);
    expect(esdSeen.retake).toBeGreaterThan(0);
    expect(esdSeen.transferees).toBeGreaterThan(0);
    expect(seenTi3, "some TITP intern reached TI-3").toBe(true);
    // The run is not trivially quiet: the invariants were exercised by many kinds of event.
    expect(seen.entries).toBeGreaterThan(1000);
    expect(seen.moves).toBeGreaterThan(1000);
    expect(seen.jobChanges).toBeGreaterThan(10);
    expect(seen.reentries).toBeGreaterThan(10);
    for (const kind of [
      "entry:-->TI", "entry:-->SSW1", "entry:-->SIE", "entry:RETURNED->SSW1", "transfer:TI->SSW1", "abscond:TI->IRREGULAR", "return:TI->RETURNED",
      "asylum:IRREGULAR->ASYLUM", "job_change:SSW1->SSW1", "detain:IRREGULAR->DETAINED", "deport:DETAINED->DEPORTED",
      // The pandemic's special stay and both of its ends, so its invariant is not checked on nobody.
      "permit:TI->DESIGNATED", "transfer:DESIGNATED->SSW1", "return:DESIGNATED->RETURNED",
    ]) {
      expect(eventsSeen.has(kind), kind).toBe(true);
    }
  });
});
