// The only places where an agent's status or employer changes, so every move is recorded
// as an event and the bookkeeping (the month stamps of status, employer and work status, stage,
// employer) stays consistent.

import { EventCode, Status, eventForMove, isExit, isWithoutEmployer, isWorkStatus } from "../codes.js";
import { employerPayFactor, pickEmployer } from "../employers.js";
import { recordEvent, recordExit } from "../observers.js";
import { setEmployer } from "../pay-codes.js";
import { ESD_BASIC_PASSED, ESD_TRAINEE, esdAcceptProb, isEsd, esdCompensationYen, esdHasRoom, fromOutsideArea, joinEsdCounts, leaveEsdCounts } from "../esd.js";
import { monthsInJapan, monthsWithEmployer } from "../population.js";
import { keepReturnee, mayComeBack } from "../returnees.js";
import type { SimState } from "../state.js";
import { FAMILY_IN_JAPAN } from "./family.js";

/** Records agent i's event in this month's observers. */
export function recordAgentEvent(s: SimState, i: number, event: number, from: number, to: number): void {
  recordEvent(s.obs, s.pop, s.ctx.month, i, event, from, to);
}

/** Moves agent i to status `to`, recording the event that move implies. */
export function moveStatus(s: SimState, i: number, to: Status): void {
  const pop = s.pop;
  const from = pop.status[i]! as Status;
  const now = s.ctx.month;
  // Arrived in Japan on the status it leaves (not a former student or a change of status).
  const arrivedOnStatus = pop.statusSinceMonth[i] === pop.inJapanSinceMonth[i];
  recordAgentEvent(s, i, eventForMove(from, to), from, to);
  // Read before the stage and month stamps below change.
  if (to === Status.RETURNED && mayComeBack(pop, i, from, now, s.params.ssw1CapMonths)) keepReturnee(s.returnees, pop, i, now);
  // Months on a work status: bank those of the work status left; start counting a new one now.
  if (isWorkStatus(from)) pop.workStatusMonthsBanked[i] = pop.workStatusMonthsBanked[i]! + (now - pop.workStatusSinceMonth[i]!);
  if (isWorkStatus(to)) pop.workStatusSinceMonth[i] = now;
  pop.status[i] = to;
  pop.statusSinceMonth[i] = now;
  // Only an intern's stage counts: DESIGNATED holders carry a mark in the same field (irregular.ts).
  if (from === Status.TI && pop.tiStage[i] === 3 && !isEsd(pop, i)) s.obs.ti3Interns--;
  pop.tiStage[i] = 0;
  if (isWithoutEmployer(to)) {
    // Leaving the registered labour market: no employer. Family in Japan stays with the agent.
    setEmployer(pop, s.payCodes, i, -1);
    pop.employerSinceMonth[i] = now;
  }
  if (isExit(to)) {
    pop.family[i] = pop.family[i]! & ~FAMILY_IN_JAPAN;
    pop.exitedRows++;
    recordExit(s.obs, pop, i, from, to, monthsInJapan(pop, i, now), arrivedOnStatus ? pop.inJapanSinceMonth[i]! : -1);
  }
}

/**
 * Agent i, without an employer, is hired by an employer of its sector drawn with the jobs stream
 * (the status move that brings it there records the event). Returns the employer.
 */
export function hireInSector(s: SimState, i: number): number {
  const e = pickEmployer(s.employers, s.pop.sector[i]!, s.rng.jobs(i));
  setEmployer(s.pop, s.payCodes, i, e);
  s.pop.employerSinceMonth[i] = s.ctx.month;
  return e;
}

/** An employer of agent i's sector other than its own where the sector has another, drawn with the jobs stream. */
function drawOtherEmployer(s: SimState, i: number, old: number): number {
  const sector = s.pop.sector[i]!;
  let next = pickEmployer(s.employers, sector, s.rng.jobs(i));
  // Never "move" to the same employer when the sector has another one.
  if (next === old) {
    const start = s.employers.sectorStart[sector]!;
    const end = s.employers.sectorStart[sector + 1]!;
    if (end - start > 1) next = next + 1 < end ? next + 1 : start;
  }
  return next;
}

/**
 * Agent i changes employer within its sector (a `job_change` event), to the best-paying of
 * jobOffersConsidered employers drawn in its sector (the first of equals). Before the career
 * plateau a move brings a pay rise (seed 000); after it, none.
 */
export function changeEmployer(s: SimState, i: number): void {
  const old = s.pop.employer[i]!;
  const overtime = s.tables.accrual.overtimeFactor; // 1 + overtimePremiumShare, this month's
  let next = drawOtherEmployer(s, i, old);
  for (let k = 1; k < s.params.jobOffersConsidered; k++) {
    const other = drawOtherEmployer(s, i, old);
    if (employerPayFactor(s.employers, other, overtime) > employerPayFactor(s.employers, next, overtime)) next = other;
  }
  moveToEmployer(s, i, next);
}

/**
 * ESD trainee i's own-will transfer (esd.ts): to the best-paying of the jobOffersConsidered
 * employers drawn in its field that have room under the transferee caps (rule 1f), if that
 * employer accepts it, owing the first employer part of its initial costs (rule 1h; one draw of
 * the jobs stream, before the offers'). Otherwise the request fails and the trainee stays.
 */
export function changeEmployerEsd(s: SimState, i: number): void {
  const { pop, params: p, employers: emp } = s;
  const old = pop.employer[i]!;
  const overtime = s.tables.accrual.overtimeFactor;
  // The acceptance draw first and always: whether a receiver has room depends on other agents, so
  // a draw taken only then would shift this agent's later draws between scenarios.
  const acceptU = s.rng.jobs(i);
  let next = -1;
  for (let k = 0; k < p.jobOffersConsidered; k++) {
    const other = drawOtherEmployer(s, i, old);
    if (other === old || !esdHasRoom(p, emp, other, fromOutsideArea(emp, old, other))) continue;
    if (next < 0 || employerPayFactor(emp, other, overtime) > employerPayFactor(emp, next, overtime)) next = other;
  }
  if (next < 0) return;
  const owedYen = esdCompensationYen(p, monthsWithEmployer(pop, i, s.ctx.month));
  if (!(acceptU < esdAcceptProb(p, owedYen))) return;
  const outside = fromOutsideArea(emp, old, next);
  leaveEsdCounts(emp, pop, i, old);
  moveToEmployer(s, i, next);
  joinEsdCounts(emp, pop, i, next, outside);
}

/** The bookkeeping of agent i's move to employer `next`: the event, the employer, the pay rise before the plateau. */
function moveToEmployer(s: SimState, i: number, next: number): void {
  const pop = s.pop;
  const p = s.params;
  const st = pop.status[i]!;
  recordAgentEvent(s, i, EventCode.job_change, st, st);
  setEmployer(pop, s.payCodes, i, next);
  pop.employerSinceMonth[i] = s.ctx.month;
  // An ESD trainee counts as an own-will transferee only after changeEmployerEsd says so.
  pop.esd[i] = pop.esd[i]! & (ESD_TRAINEE | ESD_BASIC_PASSED);
  if (pop.jobChanges[i]! < p.careerPlateauJobChanges) {
    pop.promisedWageYenPerMonth[i] = pop.promisedWageYenPerMonth[i]! * (1 + p.jobChangeWageGainShare);
  }
  if (pop.jobChanges[i]! < 255) pop.jobChanges[i] = pop.jobChanges[i]! + 1;
}
