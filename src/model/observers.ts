// What a run observes, apart from the model's state: flows of events, the per-agent event log,
// exits and the stocks in Japan by status x nationality, leavers by months in Japan, and the SIE
// retention cohorts. Mechanisms report to these functions; each thing is counted here only.

import { EVENT_COUNT, GROUP_COUNT, NATIONALITY_COUNT, NO_STATUS, STATUS_COUNT, Status, WORKPLACE_COUNT, isExit } from "./codes.js";
import type { Population } from "./population.js";

/** Window of the SIE retention cohorts: five years (OECD 2024, data:other_figures). */
export const SIE_RETENTION_MONTHS = 60;

/** Months in Japan covered by the exit histogram (50 years). */
export const EXIT_HIST_MONTHS = 600;

/**
 * One row per event: month, agent id, nationality, event, from, to, then the agent's sector and
 * workplace (codes.ts) at the event, its age and its months in Japan. The employer is the one it
 * leaves or keeps, except for an entry: the one it joins. EVENT_FIELD names each field's offset.
 */
export const EVENT_LOG_WIDTH = 10;
export const EVENT_FIELD = {
  month: 0, agent: 1, nationality: 2, event: 3, from: 4, to: 5, sector: 6, workplace: 7, ageMonths: 8, monthsInJapan: 9,
} as const;
export interface EventLog {
  data: Int32Array;
  length: number;
}

/** Cells of a stock table: status x nationality. */
export const STOCK_CELLS = STATUS_COUNT * NATIONALITY_COUNT;
/** @inline */
export const stockCell = (status: number, nationality: number): number => status * NATIONALITY_COUNT + nationality;

/** Slots for `from`: every status plus NO_STATUS (entries). */
export const FROM_SLOTS = STATUS_COUNT + 1;
export const FLOW_CELLS = EVENT_COUNT * FROM_SLOTS * STATUS_COUNT * NATIONALITY_COUNT;
export const flowIndex = (event: number, from: number, to: number, nat: number): number =>
  ((event * FROM_SLOTS + (from === NO_STATUS ? STATUS_COUNT : from)) * STATUS_COUNT + to) * NATIONALITY_COUNT + nat;

/** Cells of the breakdown flows: flowIndex x GROUP_COUNT, the group innermost. */
export const FLOW_GROUP_CELLS = FLOW_CELLS * GROUP_COUNT;

/** A flow cell's parts, the inverse of flowIndex: `from` is NO_STATUS for an entry from abroad. */
export interface FlowCell {
  event: number;
  from: number;
  to: number;
  nationality: number;
}

/** Decodes flow cell `idx` into `out` (reused: no allocation per cell) and returns it. */
export function decodeFlowCell(idx: number, out: FlowCell): FlowCell {
  out.nationality = idx % NATIONALITY_COUNT;
  let rest = (idx - out.nationality) / NATIONALITY_COUNT;
  out.to = rest % STATUS_COUNT;
  rest = (rest - out.to) / STATUS_COUNT;
  const fromSlot = rest % FROM_SLOTS;
  out.event = (rest - fromSlot) / FROM_SLOTS;
  out.from = fromSlot === STATUS_COUNT ? NO_STATUS : fromSlot;
  return out;
}

export interface Observers {
  /** Events this month, by flowIndex; the engine reads and clears it. */
  flows: Float64Array;
  /**
   * Events this month by flowIndex * GROUP_COUNT + the agent's group (the breakdowns), and the cells
   * that became non-zero this month (`touchedLength` of them), so that the engine reads and clears
   * only those: the table has GROUP_COUNT times as many cells as `flows`.
   */
  flowsByGroup: Float64Array;
  touched: Int32Array;
  touchedLength: number;
  /** Per-agent event log, or null when events are not collected. */
  log: EventLog | null;
  /** Exits so far, by stockCell(exit status, nationality), counted when they happen. */
  exits: Float64Array;
  /** The same by stockCell * GROUP_COUNT + the agent's group (Population.group; no employer after an exit: the sector's group 0). */
  exitsByGroup: Float64Array;
  /** Leavers by months spent in Japan at exit (last bin: EXIT_HIST_MONTHS or more). */
  exitMonthsHist: Float64Array;
  /** Leavers who had changed employer at least once. */
  exitedWithJobChange: number;
  /**
   * SIE entry cohorts, [2 * entry month]: entrants from abroad, and [2 * entry month + 1]: those of
   * them who left Japan within SIE_RETENTION_MONTHS (the OECD five-year retention, data:other_figures).
   */
  sieCohorts: Float64Array;
  /** Agents in Japan by stockCell at the end of month stocksMonth (NaN: not counted yet). */
  stocks: Float64Array;
  /** The same by stockCell * GROUP_COUNT + the agent's group: the kernel counts these, finishStockCount sums them into `stocks`. */
  stocksByGroup: Float64Array;
  stocksMonth: number;
  /**
   * TITP interns in TI-3 now (not ESD trainees in their retake year, also stage 3): kept up to
   * date where an intern enters or leaves TI-3 (intern.ts, moves.ts), so that no month needs a
   * pass over the population. ISA counts them by status (the `ti3_stock` targets).
   */
  ti3Interns: number;
}

export function createObservers(months: number, collectEvents: boolean): Observers {
  return {
    flows: new Float64Array(FLOW_CELLS),
    flowsByGroup: new Float64Array(FLOW_GROUP_CELLS),
    touched: new Int32Array(1024),
    touchedLength: 0,
    log: collectEvents ? { data: new Int32Array(EVENT_LOG_WIDTH * 4096), length: 0 } : null,
    exits: new Float64Array(STOCK_CELLS),
    exitsByGroup: new Float64Array(STOCK_CELLS * GROUP_COUNT),
    exitMonthsHist: new Float64Array(EXIT_HIST_MONTHS + 1),
    exitedWithJobChange: 0,
    sieCohorts: new Float64Array(2 * months),
    stocks: new Float64Array(STOCK_CELLS),
    stocksByGroup: new Float64Array(STOCK_CELLS * GROUP_COUNT),
    stocksMonth: NaN,
    ti3Interns: 0,
  };
}

/** Counts agent i's event in month `month` in the flows and, if collected, in the per-agent log. */
export function recordEvent(o: Observers, pop: Population, month: number, i: number, event: number, from: number, to: number): void {
  const nat = pop.nationality[i]!;
  const cell = flowIndex(event, from, to, nat);
  o.flows[cell]! += 1;
  const group = pop.group[i]!;
  const byGroup = cell * GROUP_COUNT + group;
  if (o.flowsByGroup[byGroup] === 0) {
    if (o.touchedLength === o.touched.length) {
      const grown = new Int32Array(o.touched.length * 2);
      grown.set(o.touched);
      o.touched = grown;
    }
    o.touched[o.touchedLength++] = byGroup;
  }
  o.flowsByGroup[byGroup]! += 1;
  const log = o.log;
  if (log === null) return;
  if (log.length + EVENT_LOG_WIDTH > log.data.length) {
    // Amortised doubling: rare, and only when events are collected.
    const grown = new Int32Array(log.data.length * 2);
    grown.set(log.data.subarray(0, log.length));
    log.data = grown;
  }
  const d = log.data;
  let k = log.length;
  d[k++] = month;
  d[k++] = pop.id[i]!;
  d[k++] = nat;
  d[k++] = event;
  d[k++] = from;
  d[k++] = to;
  d[k++] = pop.sector[i]!;
  d[k++] = group - pop.sector[i]! * WORKPLACE_COUNT;
  d[k++] = month - pop.birthMonth[i]!;
  d[k++] = month - pop.inJapanSinceMonth[i]!;
  log.length = k;
}

/**
 * Counts agent i's exit to `to` from `from` after `monthsInJapan` months, having arrived on that
 * status in month `arrivedMonth` (negative: before the run, or not arrived on it: a former
 * student who changed status to SIE in Japan).
 */
export function recordExit(o: Observers, pop: Population, i: number, from: number, to: number, monthsInJapan: number, arrivedMonth: number): void {
  const cell = stockCell(to, pop.nationality[i]!);
  o.exits[cell]! += 1;
  o.exitsByGroup[cell * GROUP_COUNT + pop.group[i]!]! += 1;
  o.exitMonthsHist[monthsInJapan < EXIT_HIST_MONTHS ? monthsInJapan : EXIT_HIST_MONTHS]! += 1;
  if (pop.jobChanges[i]! > 0) o.exitedWithJobChange++;
  // SIEs only leave SIE by exit or PR (TRANSITIONS), so an SIE leaving within five years is an
  // SIE entrant of its arrival month; arrivals before the start are not counted.
  if (from === Status.SIE && monthsInJapan < SIE_RETENTION_MONTHS && arrivedMonth >= 0) o.sieCohorts[2 * arrivedMonth + 1]! += 1;
}

/** Counts `n` SIE entrants from abroad in month t (the retention cohorts). */
export function recordSieEntrants(o: Observers, t: number, n: number): void {
  o.sieCohorts[2 * t]! += n;
}

/** Starts the count of the stocks in Japan at the end of month t (countInJapan adds each agent). */
export function startStockCount(o: Observers, t: number): void {
  o.stocksByGroup.fill(0);
  o.stocksMonth = t;
}

/**
 * Adds one agent in Japan of status st, nationality nat and breakdown group `group` (Population.group)
 * to the count started by startStockCount.
 * @inline
 */
export function countInJapan(o: Observers, st: number, nat: number, group: number): void {
  o.stocksByGroup[stockCell(st, nat) * GROUP_COUNT + group]! += 1;
}

/** Ends the count: `stocks` = stocksByGroup summed over the groups. */
export function finishStockCount(o: Observers): void {
  const { stocks, stocksByGroup } = o;
  for (let k = 0; k < STOCK_CELLS; k++) {
    let n = 0;
    for (let g = 0; g < GROUP_COUNT; g++) n += stocksByGroup[k * GROUP_COUNT + g]!;
    stocks[k] = n;
  }
}

/** Counts every agent in Japan now, as of the end of month t (the initial population, month -1). */
export function countStocks(o: Observers, pop: Population, t: number): void {
  startStockCount(o, t);
  const { status, nationality } = pop;
  for (let i = 0; i < pop.size; i++) if (!isExit(status[i]!)) countInJapan(o, status[i]!, nationality[i]!, pop.group[i]!);
  finishStockCount(o);
}

/** Agents in Japan of status st at the end of month stocksMonth. */
export function stockOfStatus(o: Observers, st: number): number {
  let n = 0;
  for (let nat = 0; nat < NATIONALITY_COUNT; nat++) n += o.stocks[stockCell(st, nat)]!;
  return n;
}
