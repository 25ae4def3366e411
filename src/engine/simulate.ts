// Runs one task (scenario x replicate) from resolved inputs to aggregated results:
// initial population, then the monthly steps, with observers collecting stocks, flows and,
// optionally, per-agent events. No file I/O: results are typed arrays for the caller to write.

import { GROUP_COUNT, NATIONALITY_COUNT, SECTOR_COUNT, Sector, Status } from "../model/codes.js";
import { createEmployers, refreshEmployerTraits } from "../model/employers.js";
import type { ModelInputs } from "../model/inputs.js";
import { type AgentMonths, stepMonth } from "../model/month.js";
import { FLOW_CELLS, type Observers, STOCK_CELLS, stockCell } from "../model/observers.js";
import { type SimState, createState } from "../model/state.js";
import { seedInitialPopulation } from "../model/transitions/entries.js";
import { createStreams } from "./rng.js";

export interface RunResult {
  months: number;
  /** End-of-month stocks, [month * STOCK_CELLS + status * NAT + nationality], exits included. */
  stocks: Float64Array;
  /** Non-zero flow cells as triples (month, flow index, count). */
  flows: Float64Array;
  /**
   * The outputs' breakdowns (codes.ts GROUP_COUNT: sector x workplace). End-of-month stocks by
   * [(month * STOCK_CELLS + stock cell) * GROUP_COUNT + group], exits included; and the non-zero
   * flow cells as triples (month, flow index * GROUP_COUNT + group, count), in the order of
   * `flows` (so summed over the groups, they are `flows`).
   */
  stocksByGroup: Float64Array;
  flowsByGroup: Float64Array;
  /** Per-agent events (EVENT_LOG_WIDTH fields each: observers.ts EVENT_FIELD), or empty. */
  events: Int32Array;
  /** Sum over months of agents in Japan at the end of the month. */
  agentMonths: number;
  /** Agents ever created (in Japan at some point of the run). */
  agentsCreated: number;
  /** Agents ever created who changed employer at least once by the end of the run. */
  agentsWithJobChange: number;
  /** Leavers by months in Japan at exit (see EXIT_HIST_MONTHS). */
  exitMonthsHist: Float64Array;
  /** SIE entry cohorts by entry month: [2t] entrants, [2t + 1] of them left within five years (SimState.sieCohorts). */
  sieCohorts: Float64Array;
  /** TITP interns in TI-3 at the end of each month (Observers.ti3Interns). */
  ti3Stock: Float64Array;
}

export interface SimulateOptions {
  collectEvents: boolean;
  /** Called after each month, e.g. for progress. */
  onMonth?: (t: number, liveAgents: number) => void;
}

/** Applies the policy steps that take effect at month t (steps before the start apply at 0). */
function applyPolicy(s: SimState, t: number): void {
  let changed = false;
  for (const step of s.inputs.policy) {
    if (step.month === t && t > 0) {
      Object.assign(s.params, step.set);
      changed = true;
    }
  }
  // The prevalence of underpayment moves with labour inspections' findings (a yearly series).
  const underpaying = s.inputs.series.underpayingEmployerIndex;
  if (t > 0 && underpaying[t] !== underpaying[t - 1]) changed = true;
  if (changed) refreshEmployerTraits(s.employers, s.params, underpaying[t]);
  for (const mix of s.inputs.entryNationalityShareFrom) if (mix.month === t && t > 0) s.entryNationalityShare = mix.shares;
}

function maxOf(a: Float64Array): number {
  let m = 0;
  for (const v of a) if (v > m) m = v;
  return m;
}

/** Expected simulated workers per sector, to size the employer pool (only its granularity). */
function expectedWorkersBySector(inputs: ModelInputs): Float64Array {
  let manual = 0;
  let professional = 0;
  for (let nat = 0; nat < NATIONALITY_COUNT; nat++) {
    manual += inputs.initialStock[Status.TI * NATIONALITY_COUNT + nat]!;
    professional += inputs.initialStock[Status.SIE * NATIONALITY_COUNT + nat]!;
  }
  manual += 3 * (maxOf(inputs.series.tiEntriesPerYear) + maxOf(inputs.series.ssw1EntriesPerYear));
  professional += 3 * maxOf(inputs.series.sieEntriesPerYear);
  const out = new Float64Array(SECTOR_COUNT);
  for (let sec = 0; sec < SECTOR_COUNT; sec++) {
    out[sec] = sec === Sector.professional ? professional : manual * inputs.entrySectorShare[sec]!;
  }
  for (let sec = 0; sec < SECTOR_COUNT; sec++) out[sec] = out[sec]! * inputs.scale;
  return out;
}

/**
 * Months a flag had been on before the run's first month, when a policy step before the start set
 * it (a run starting after 2019-04 or 2027-04): SSW's uptake ramp and processing start, and ESD's
 * TI-3 transitional rule, count from the opening, not from the run's start.
 */
function monthsOnBeforeStart(inputs: ModelInputs, flag: "sswAvailable" | "esdActive"): number {
  // A status in force by the parameters alone (no dated step) counts from the run's start.
  let openedAt: number | null = null;
  for (const step of inputs.policy) {
    if (step.month > 0 || step.set[flag] === undefined) continue;
    if (!step.set[flag]) openedAt = null;
    else if (openedAt === null) openedAt = step.month;
  }
  return openedAt === null ? 0 : -openedAt;
}

/** Builds employers and the initial population; month 0 has not been stepped yet. */
export function initSimulation(inputs: ModelInputs, seed: number, collectEvents: boolean): SimState {
  const rng = createStreams(seed);
  const firstParams = { ...inputs.params };
  for (const step of inputs.policy) if (step.month <= 0) Object.assign(firstParams, step.set);
  const employers = createEmployers(firstParams, expectedWorkersBySector(inputs), rng.matching, inputs.series.underpayingEmployerIndex[0]);
  let initial = 0;
  for (const v of inputs.initialStock) initial += v;
  const s = createState(inputs, employers, rng, initial * inputs.scale * 1.5 + 1024, collectEvents);
  Object.assign(s.params, firstParams);
  s.sswOpenMonths = monthsOnBeforeStart(inputs, "sswAvailable");
  s.esdOpenMonths = monthsOnBeforeStart(inputs, "esdActive");
  for (const mix of inputs.entryNationalityShareFrom) if (mix.month <= 0) s.entryNationalityShare = mix.shares;
  seedInitialPopulation(s);
  return s;
}

/** Month t of a run: the policy changes due that month, then the model's monthly step (with `kernel`, for tests). */
export function advanceMonth(s: SimState, t: number, kernel?: AgentMonths): void {
  applyPolicy(s, t);
  stepMonth(s, t, kernel);
}

export function simulate(inputs: ModelInputs, seed: number, options: SimulateOptions): RunResult {
  const s = initSimulation(inputs, seed, options.collectEvents);
  const months = inputs.months;
  const stocks = new Float64Array(months * STOCK_CELLS);
  const stockRow = new Float64Array(STOCK_CELLS);
  const stocksByGroup = new Float64Array(months * STOCK_CELLS * GROUP_COUNT);
  const flowChunks: Float64Array[] = [];
  const groupChunks: Float64Array[] = [];
  const ti3Stock = new Float64Array(months);
  let agentMonths = 0;
  for (let t = 0; t < months; t++) {
    advanceMonth(s, t);
    ti3Stock[t] = s.obs.ti3Interns;
    // Agents in Japan as counted by the month's agent-months, plus the exits so far (other cells).
    const obs = s.obs;
    for (let k = 0; k < STOCK_CELLS; k++) stockRow[k] = obs.exits[k]! + obs.stocks[k]!;
    stocks.set(stockRow, t * STOCK_CELLS);
    const byGroup = stocksByGroup.subarray(t * STOCK_CELLS * GROUP_COUNT, (t + 1) * STOCK_CELLS * GROUP_COUNT);
    for (let k = 0; k < byGroup.length; k++) byGroup[k] = obs.exitsByGroup[k]! + obs.stocksByGroup[k]!;
    let live = 0;
    for (let st = 0; st < Status.RETURNED; st++) for (let nat = 0; nat < NATIONALITY_COUNT; nat++) live += stockRow[stockCell(st, nat)]!;
    agentMonths += live;
    flowChunks.push(collectFlows(s.obs.flows, t));
    groupChunks.push(collectGroupFlows(s.obs, t));
    options.onMonth?.(t, live);
  }
  const log = s.obs.log;
  let withJobChange = s.obs.exitedWithJobChange;
  for (let i = 0; i < s.pop.size; i++) if (s.pop.status[i]! < Status.RETURNED && s.pop.jobChanges[i]! > 0) withJobChange++;
  return {
    months,
    stocks,
    flows: concat(flowChunks),
    stocksByGroup,
    flowsByGroup: concat(groupChunks),
    events: log ? log.data.slice(0, log.length) : new Int32Array(0),
    agentMonths,
    agentsCreated: s.pop.nextId,
    agentsWithJobChange: withJobChange,
    exitMonthsHist: s.obs.exitMonthsHist,
    sieCohorts: s.obs.sieCohorts,
    ti3Stock,
  };
}

/** Takes this month's non-zero flow cells as (month, index, count) triples and clears them. */
function collectFlows(flows: Float64Array, t: number): Float64Array {
  let n = 0;
  for (let k = 0; k < FLOW_CELLS; k++) if (flows[k] !== 0) n++;
  const out = new Float64Array(n * 3);
  let w = 0;
  for (let k = 0; k < FLOW_CELLS; k++) {
    const c = flows[k]!;
    if (c === 0) continue;
    out[w++] = t;
    out[w++] = k;
    out[w++] = c;
    flows[k] = 0;
  }
  return out;
}

/** The same for the breakdown flows: only the cells touched this month are read (sorted, so in index order). */
function collectGroupFlows(o: Observers, t: number): Float64Array {
  const n = o.touchedLength;
  const cells = o.touched.subarray(0, n).sort();
  const out = new Float64Array(n * 3);
  for (let j = 0; j < n; j++) {
    const k = cells[j]!;
    out[3 * j] = t;
    out[3 * j + 1] = k;
    out[3 * j + 2] = o.flowsByGroup[k]!;
    o.flowsByGroup[k] = 0;
  }
  o.touchedLength = 0;
  return out;
}

function concat(chunks: Float64Array[]): Float64Array {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Float64Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
