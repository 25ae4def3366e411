// The whole simulation state of one run: agents, employers, random streams, this month's
// context and the tallies that observers read. Nothing here touches I/O.

import { EVENT_COUNT, NATIONALITY_COUNT, NO_STATUS, STATUS_COUNT } from "./codes.js";
import type { Employers } from "./employers.js";
import type { ModelInputs } from "./inputs.js";
import type { Params } from "./params.js";
import { type Population, STOCK_CELLS, createPopulation } from "./population.js";

/** A uniform draw in [0, 1). Injected: the model never creates its own randomness. */
export type Uniform = () => number;

/** One stream per purpose, so that a change in one mechanism does not shift the draws of another. */
export interface Streams {
  /** Initial population and monthly entrants. */
  entries: Uniform;
  /** One draw per agent per month for that month's decision. */
  decisions: Uniform;
  /** Employer assignment on entry and job change. */
  matching: Uniform;
  /** Family formation and reunion, and the outcome of asylum decisions. */
  life: Uniform;
  /**
   * Draws of mechanisms that only some scenarios switch on (interns hired because of a local
   * subsidy), so that switching them on does not shift the shared streams above.
   */
  policy: Uniform;
}

/** Per-month values derived once from the series and parameters, read by every agent. */
export interface MonthContext {
  month: number;
  absMonth: number;
  wageIndex: number;
  jobOpeningsRatio: number;
  yenValueIndex: number;
  /** abscondBase x tightness^e x yen^e x asylum-permit factor. */
  abscondBaseHazard: number;
  /** (ratio / reference)^elasticity for job changes. */
  jobChangeTightness: number;
  /** yen^elasticity for return hazards. */
  returnYenFactor: number;
  /** Whether the SSW2 test is open in every sector this month. */
  ssw2AllSectors: boolean;
}

/** Months in Japan covered by the exit histogram (50 years). */
export const EXIT_HIST_MONTHS = 600;

/** One row per event: month, agent id, nationality, event, from, to. */
export const EVENT_LOG_WIDTH = 6;
export interface EventLog {
  data: Int32Array;
  length: number;
}

/** Slots for `from`: every status plus NO_STATUS (entries). */
export const FROM_SLOTS = STATUS_COUNT + 1;
export const FLOW_CELLS = EVENT_COUNT * FROM_SLOTS * STATUS_COUNT * NATIONALITY_COUNT;
export const flowIndex = (event: number, from: number, to: number, nat: number): number =>
  ((event * FROM_SLOTS + (from === NO_STATUS ? STATUS_COUNT : from)) * STATUS_COUNT + to) * NATIONALITY_COUNT + nat;

export interface SimState {
  inputs: ModelInputs;
  /** Parameters in force this month (the policy timeline changes them). */
  params: Params;
  pop: Population;
  employers: Employers;
  rng: Streams;
  ctx: MonthContext;
  /** Exits so far, [status * NAT + nationality], counted when they happen. */
  exits: Float64Array;
  /** Rows holding leavers since the last compaction. */
  exitedRows: number;
  /** Leavers by months spent in Japan at exit (last bin: EXIT_HIST_MONTHS or more). */
  exitMonthsHist: Float64Array;
  /** Leavers who had changed employer at least once. */
  exitedWithJobChange: number;
  /** Events this month, by flowIndex; observers read and clear it. */
  flows: Float64Array;
  /** Per-agent event log, or null when events are not collected. */
  log: EventLog | null;
  /** Scratch for competing hazards (no allocation in the loop). */
  hazards: Float64Array;
}

export function createState(
  inputs: ModelInputs, employers: Employers, rng: Streams, capacity: number, collectEvents: boolean,
): SimState {
  return {
    inputs,
    params: { ...inputs.params },
    pop: createPopulation(capacity),
    employers,
    rng,
    ctx: {
      month: 0, absMonth: inputs.startMonthAbs, wageIndex: 1, jobOpeningsRatio: 1, yenValueIndex: 1,
      abscondBaseHazard: 0, jobChangeTightness: 1, returnYenFactor: 1, ssw2AllSectors: false,
    },
    exits: new Float64Array(STOCK_CELLS),
    exitedRows: 0,
    exitMonthsHist: new Float64Array(EXIT_HIST_MONTHS + 1),
    exitedWithJobChange: 0,
    flows: new Float64Array(FLOW_CELLS),
    log: collectEvents ? { data: new Int32Array(EVENT_LOG_WIDTH * 4096), length: 0 } : null,
    hazards: new Float64Array(8),
  };
}

/** Counts an event in this month's flows and, if collected, in the per-agent log. */
export function recordEvent(s: SimState, i: number, event: number, from: number, to: number): void {
  const nat = s.pop.nationality[i]!;
  s.flows[flowIndex(event, from, to, nat)]! += 1;
  const log = s.log;
  if (log === null) return;
  if (log.length + EVENT_LOG_WIDTH > log.data.length) {
    // Amortised doubling: rare, and only when events are collected.
    const grown = new Int32Array(log.data.length * 2);
    grown.set(log.data.subarray(0, log.length));
    log.data = grown;
  }
  const d = log.data;
  let k = log.length;
  d[k++] = s.ctx.month;
  d[k++] = s.pop.id[i]!;
  d[k++] = nat;
  d[k++] = event;
  d[k++] = from;
  d[k++] = to;
  log.length = k;
}
