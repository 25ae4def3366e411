// The whole simulation state of one run: agents, employers, random streams, this month's
// context and the tallies that observers read. Nothing here touches I/O.

import { EVENT_COUNT, NATIONALITY_COUNT, NO_STATUS, STATUS_COUNT } from "./codes.js";
import { type EmployerPayCodes, type Employers, createEmployerPayCodes } from "./employers.js";
import type { ModelInputs } from "./inputs.js";
import type { Params } from "./params.js";
import { agentDraw } from "./agent-rng.js";
import { type Population, STOCK_CELLS, createPopulation } from "./population.js";
import { type DecisionBounds, createDecisionBounds } from "./screen.js";
import { type AccrualRates, createAccrualRates } from "./transitions/earnings.js";

/** A uniform draw in [0, 1). Injected: the model never creates its own randomness. */
export type Uniform = () => number;

/** A draw in [0, 1) for agent i from the agent's own generator (agent-rng.ts). */
export type AgentUniform = (i: number) => number;

/**
 * Random streams. Shared streams serve the run as a whole, one per purpose so a change in one
 * mechanism does not shift the draws of another; the per-agent ones give each agent its own
 * sequence (common random numbers at the agent level). In a run, decisions, life and jobs are
 * all the agent's one generator; tests may script them separately.
 */
export interface Streams {
  /** Shared: the initial population and monthly entrants, and each new agent's generator seed. */
  entries: Uniform;
  /** Shared: the employer pool and the employer an entrant starts with. */
  matching: Uniform;
  /** Shared: mechanisms only some scenarios switch on (interns hired for a local subsidy). */
  policy: Uniform;
  /** Per agent: the monthly decision, exactly one draw per agent-month in Japan. */
  decisions: AgentUniform;
  /** Per agent: family formation and reunion, the outcome of an asylum decision. */
  life: AgentUniform;
  /** Per agent: the new employer on a job change. */
  jobs: AgentUniform;
}

export type SharedStreams = Pick<Streams, "entries" | "matching" | "policy">;

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
  /** SSW1 can be entered this month: the status exists and the SSW (i) cap is not reached. */
  ssw1Open: boolean;
  /** Multiplier of employers' sponsorship probabilities: the uptake ramp from its initial share, 0 while SSW1 is closed. */
  sswSponsorFactor: number;
  /**
   * Interns' changes of status to SSW1 are processed this month (sswProcessingStartMonths after
   * SSW opened); before, a sponsored intern waits on TI stage 4.
   */
  ssw1Processing: boolean;
}

/** Window of the SIE retention cohorts: five years (OECD 2024, data:other_figures). */
export const SIE_RETENTION_MONTHS = 60;

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
  /** Months so far in which SSW existed (drives the uptake ramp, sswUptakeRampMonths). */
  sswOpenMonths: number;
  /** Nationality mix of this month's entrants (inputs.entryNationalityShare, then each later mix in turn). */
  entryNationalityShare: Float64Array;
  /**
   * SIE entry cohorts, [2 * entry month]: entrants from abroad, and [2 * entry month + 1]: those of
   * them who left Japan within SIE_RETENTION_MONTHS (the OECD five-year retention, data:other_figures).
   */
  sieCohorts: Float64Array;
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
  /**
   * True when decisions, life and jobs are each agent's own generator (always, in a run): the
   * monthly step may then take each agent's whole month in one sweep (sweep.ts). Tests that
   * script these streams get the reference order, one pass per mechanism.
   */
  agentStreamsOwn: boolean;
  /** This month's accrual rates, decision bounds and employers' pay codes (sweep.ts). */
  accrual: AccrualRates;
  bounds: DecisionBounds;
  payCodes: EmployerPayCodes;
  /** Agents in Japan by [status * NAT + nationality] at the end of month liveStocksMonth (NaN: none yet). */
  liveStocks: Float64Array;
  liveStocksMonth: number;
}

/** A state with an empty population; per-agent streams default to each agent's own generator. */
export function createState(
  inputs: ModelInputs, employers: Employers, shared: SharedStreams, capacity: number, collectEvents: boolean,
  agentStreams: Partial<Pick<Streams, "decisions" | "life" | "jobs">> = {},
): SimState {
  const pop = createPopulation(capacity);
  const own: AgentUniform = (i) => agentDraw(s.pop, i);
  const s: SimState = {
    inputs,
    params: { ...inputs.params },
    pop,
    employers,
    rng: { ...shared, decisions: agentStreams.decisions ?? own, life: agentStreams.life ?? own, jobs: agentStreams.jobs ?? own },
    ctx: {
      month: 0, absMonth: inputs.startMonthAbs, wageIndex: 1, jobOpeningsRatio: 1, yenValueIndex: 1,
      abscondBaseHazard: 0, jobChangeTightness: 1, returnYenFactor: 1, ssw2AllSectors: false,
      // NaN until updateMonthContext sets it, not 0: V8 stores a field first given a small integer
      // as one, and the first fraction assigned to it (the SSW uptake, in 2019) changed the
      // object's layout and deoptimised every function that reads the context.
      ssw1Open: false, sswSponsorFactor: NaN, ssw1Processing: false,
    },
    sswOpenMonths: 0,
    entryNationalityShare: inputs.entryNationalityShare,
    sieCohorts: new Float64Array(2 * inputs.months),
    exits: new Float64Array(STOCK_CELLS),
    exitedRows: 0,
    exitMonthsHist: new Float64Array(EXIT_HIST_MONTHS + 1),
    exitedWithJobChange: 0,
    flows: new Float64Array(FLOW_CELLS),
    log: collectEvents ? { data: new Int32Array(EVENT_LOG_WIDTH * 4096), length: 0 } : null,
    hazards: new Float64Array(8),
    agentStreamsOwn: agentStreams.decisions === undefined && agentStreams.life === undefined && agentStreams.jobs === undefined,
    accrual: createAccrualRates(),
    bounds: createDecisionBounds(),
    payCodes: createEmployerPayCodes(),
    liveStocks: new Float64Array(STOCK_CELLS),
    liveStocksMonth: NaN,
  };
  return s;
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
