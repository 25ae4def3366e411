// Small helpers shared by the model tests (not a test file itself: vitest only runs *.test.ts).

import { expect } from "vitest";
import { EVENT_CODES, NO_STATUS, STATUS_CODES, Status } from "../../src/model/codes.js";
import { updateMonthTables } from "../../src/model/month.js";
import { type SimState } from "../../src/model/state.js";
import { decideAgent } from "../../src/model/transitions/decide.js";
import { accrueAgent, updateAccrualRates, wageOf } from "../../src/model/transitions/earnings.js";
import { familyAfterDraw, familyDrawDueThisMonth } from "../../src/model/transitions/family.js";
import { EVENT_LOG_WIDTH, flowIndex } from "../../src/model/observers.js";
import { type Uniform } from "../../src/model/agent-rng.js";

export interface LoggedEvent {
  month: number;
  id: number;
  nat: number;
  event: number;
  from: number;
  to: number;
}

/** Events in s.obs.log from row offset `fromLength` (in Int32 cells) on. */
export function loggedEvents(s: SimState, fromLength = 0): LoggedEvent[] {
  const log = s.obs.log;
  if (log === null) throw new Error("events are not collected in this state");
  const out: LoggedEvent[] = [];
  const d = log.data;
  for (let k = fromLength; k < log.length; k += EVENT_LOG_WIDTH) {
    out.push({ month: d[k]!, id: d[k + 1]!, nat: d[k + 2]!, event: d[k + 3]!, from: d[k + 4]!, to: d[k + 5]! });
  }
  return out;
}

/** A readable form of an event, for failure messages and compact expectations. */
export function describeEvent(e: Pick<LoggedEvent, "event" | "from" | "to">): string {
  const st = (c: number): string => (c === NO_STATUS ? "-" : STATUS_CODES[c] ?? `?${c}`);
  return `${EVENT_CODES[e.event] ?? `?${e.event}`}:${st(e.from)}->${st(e.to)}`;
}

/** Sum of all flow cells. */
export function totalFlows(s: SimState): number {
  let n = 0;
  for (const v of s.obs.flows) n += v;
  return n;
}

/** The flow count of one (event, from, to, nationality) cell. */
export function flow(s: SimState, event: number, from: number, to: number, nat: number): number {
  return s.obs.flows[flowIndex(event, from, to, nat)]!;
}

/** a is within a relative tolerance of b (the agent arrays are Float32). */
export function expectNear(a: number, b: number, rel = 1e-6): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)));
}

/** A stream that counts how many draws were taken from it. */
export function counting(values: number[]): Uniform & { calls: number } {
  let k = 0;
  const f = (() => {
    f.calls++;
    return values[Math.min(k++, values.length - 1)]!;
  }) as Uniform & { calls: number };
  f.calls = 0;
  return f;
}

/** Hazards of every mechanism set to 0 (a baseline where nothing happens unless a test turns it on). */
export const NO_HAZARDS = {
  abscondBaseHazardPerMonth: 0,
  tiEarlyReturnHazardPerMonth: 0,
  tiUnavoidableTransferHazardPerMonth: 0,
  esdJobChangeHazardPerMonth: 0,
  sswJobChangeHazardPerMonth: 0,
  ssw2HazardPerMonth: 0,
  sswReturnHazardPerMonth: 0,
  sieJobChangeHazardPerMonth: 0,
  sieReturnHazardPerMonth: 0,
  onwardHazardPerMonth: 0,
  prHazardPerMonth: 0,
  prExitHazardPerMonth: 0,
  irregularAsylumHazardPerMonth: 0,
  apprehensionHazardPerMonth: 0,
  irregularReturnHazardPerMonth: 0,
  asylumDecisionHazardPerMonth: 0,
  detainedDeportHazardPerMonth: 0,
  provisionalReleaseHazardPerMonth: 0,
  specialPermissionHazardPerMonth: 0,
  provisionalDeportHazardPerMonth: 0,
  myanmarDesignatedHazardPerMonth: 0,
  designatedReturnHazardPerMonth: 0,
  partnerFormationHazardPerMonth: 0,
  familyJoinHazardPerMonth: 0,
} as const;

/** A hazard so large that leaving is certain for any draw below 1 - exp(-50). */
export const CERTAIN = 50;

// The mechanisms applied to every agent in Japan, one mechanism at a time, with the draws a test
// gives: the kernel (model/kernel.ts) composes the same functions agent by agent.

/**
 * Agent i's pay this month (wageOf), with the month's accrual rates brought up to date with its
 * context first (employers' pay codes are as the month's tables left them).
 */
export function wageThisMonth(s: SimState, i: number): number {
  updateAccrualRates(s.tables.accrual, s.params, s.ctx.month, s.ctx.wageIndex, s.ctx.yenValueByNationality, s.payCodes);
  return wageOf(s.pop, s.tables.accrual, i, s.pop.status[i]!);
}

/** One month's accrual (accrueAgent) of every agent in Japan, with the month's tables brought up to date first. */
export function accrueEach(s: SimState): void {
  updateMonthTables(s);
  for (let i = 0; i < s.pop.size; i++) {
    const st = s.pop.status[i]!;
    if (st < Status.RETURNED) accrueAgent(s.pop, s.tables.accrual, i, st);
  }
}

/** Every agent in Japan at the start takes its decision (decideAgent) with the next draw of `draw`; movers are not visited twice. */
export function decideEach(s: SimState, draw: () => number): void {
  for (let i = 0, n = s.pop.size; i < n; i++) {
    const st = s.pop.status[i]!;
    if (st < Status.RETURNED) decideAgent(s, i, st, draw());
  }
}

/** Family life of every agent in Japan: a draw of `draw` for each whose family draw is due (familyAfterDraw). */
export function familyEach(s: SimState, draw: () => number): void {
  updateMonthTables(s);
  const t = s.tables.family;
  for (let i = 0; i < s.pop.size; i++) {
    const st = s.pop.status[i]!;
    const f = s.pop.family[i]!;
    if (st < Status.RETURNED && familyDrawDueThisMonth(t, st, f)) s.pop.family[i] = familyAfterDraw(t, f, draw());
  }
}
