// The only places where an agent's status or employer changes, so every move is recorded
// as an event and the bookkeeping (the month stamps of status, employer and work status, stage,
// employer) stays consistent.

import { EventCode, Family, NATIONALITY_COUNT, Status, eventForMove, isExit, isWorkStatus } from "../codes.js";
import { employerPayCode, pickEmployer } from "../employers.js";
import { monthsInJapan } from "../population.js";
import { EXIT_HIST_MONTHS, SIE_RETENTION_MONTHS, type SimState, recordEvent } from "../state.js";

/** Moves agent i to status `to`, recording the event that move implies. */
export function moveStatus(s: SimState, i: number, to: Status): void {
  const pop = s.pop;
  const from = pop.status[i]! as Status;
  const now = s.ctx.month;
  recordEvent(s, i, eventForMove(from, to), from, to);
  // Months on a work status: bank those of the work status left; start counting a new one now.
  if (isWorkStatus(from)) pop.workStatusMonthsBanked[i] = pop.workStatusMonthsBanked[i]! + (now - pop.workStatusSinceMonth[i]!);
  if (isWorkStatus(to)) pop.workStatusSinceMonth[i] = now;
  pop.status[i] = to;
  pop.statusSinceMonth[i] = now;
  pop.tiStage[i] = 0;
  if (isExit(to) || to === Status.IRREGULAR || to === Status.ASYLUM) {
    // Leaving the registered labour market: no employer. Family in Japan stays with the agent.
    pop.employer[i] = -1;
    pop.employerPayCode[i] = 0;
    pop.employerSinceMonth[i] = now;
  }
  if (isExit(to)) {
    pop.family[i] = pop.family[i]! & ~(Family.partnerInJapan | Family.childrenInJapan);
    s.exits[to * NATIONALITY_COUNT + pop.nationality[i]!]! += 1;
    s.exitedRows++;
    const m = monthsInJapan(pop, i, now);
    s.exitMonthsHist[m < EXIT_HIST_MONTHS ? m : EXIT_HIST_MONTHS]! += 1;
    if (pop.jobChanges[i]! > 0) s.exitedWithJobChange++;
    // SIEs only leave SIE by exit or PR (TRANSITIONS), so an SIE leaving within five years is an
    // SIE entrant of month (now - months in Japan); arrivals before the start are not counted.
    const entryMonth = pop.inJapanSinceMonth[i]!;
    if (from === Status.SIE && m < SIE_RETENTION_MONTHS && entryMonth >= 0) s.sieCohorts[2 * entryMonth + 1]! += 1;
  }
}

/**
 * Agent i changes employer within its sector (a `job_change` event). Before the career
 * plateau a move brings a pay rise (seed 000); after it, none.
 */
export function changeEmployer(s: SimState, i: number): void {
  const pop = s.pop;
  const p = s.params;
  const st = pop.status[i]!;
  recordEvent(s, i, EventCode.job_change, st, st);
  const old = pop.employer[i]!;
  let next = pickEmployer(s.employers, pop.sector[i]!, s.rng.jobs(i));
  // Never "move" to the same employer when the sector has another one.
  if (next === old) {
    const start = s.employers.sectorStart[pop.sector[i]!]!;
    const end = s.employers.sectorStart[pop.sector[i]! + 1]!;
    if (end - start > 1) next = next + 1 < end ? next + 1 : start;
  }
  pop.employer[i] = next;
  pop.employerPayCode[i] = employerPayCode(s.payCodes, next);
  pop.employerSinceMonth[i] = s.ctx.month;
  if (pop.jobChanges[i]! < p.careerPlateauJobChanges) {
    pop.promisedWageYenPerMonth[i] = pop.promisedWageYenPerMonth[i]! * (1 + p.jobChangeWageGainShare);
  }
  if (pop.jobChanges[i]! < 255) pop.jobChanges[i] = pop.jobChanges[i]! + 1;
}
