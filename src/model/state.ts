// The whole simulation state of one run, in three parts with their owners: the model's state
// (agents, employers, parameters, this month's context), what observers count (observers.ts) and
// the month's tables and caches, which only speed the month up (each module that fills one owns
// it). Nothing here touches I/O, and this module imports no mechanism.

import { NATIONALITY_COUNT, SECTOR_COUNT } from "./codes.js";
import { type AgentUniform, type Uniform, agentDraw } from "./agent-rng.js";
import type { Employers } from "./employers.js";
import type { ModelInputs } from "./inputs.js";
import { type Observers, createObservers } from "./observers.js";
import type { Params } from "./params.js";
import { type EmployerPayCodes, createEmployerPayCodes } from "./pay-codes.js";
import { type Population, createPopulation } from "./population.js";
import { type ReturneePool, createReturneePool } from "./returnees.js";
import { type DecisionBounds, createDecisionBounds } from "./transitions/bounds.js";
import { type AccrualRates, createAccrualRates } from "./transitions/earnings.js";
import { type FamilyTable, createFamilyTable } from "./transitions/family.js";

/**
 * Random streams. Shared streams serve the run as a whole, one per purpose so a change in one
 * mechanism does not shift the draws of another. An agent's monthly decision and family draws
 * come from its own generator (agent-rng.ts); so, in a run, do the further draws a decision may
 * take (`life`, `jobs`), which tests may script.
 */
export interface Streams {
  /** Shared: the initial population and monthly entrants, and each new agent's generator seed. */
  entries: Uniform;
  /** Shared: the employer pool and the employer an entrant starts with. */
  matching: Uniform;
  /** Shared: mechanisms only some scenarios switch on (interns hired for a local subsidy). */
  policy: Uniform;
  /** Per agent: the outcome of an asylum decision. */
  life: AgentUniform;
  /** Per agent: the new employer on a job change. */
  jobs: AgentUniform;
}

export type SharedStreams = Pick<Streams, "entries" | "matching" | "policy">;

/** Per-month values derived once from the series and parameters, read by every agent (context.ts). */
export interface MonthContext {
  month: number;
  absMonth: number;
  wageIndex: number;
  jobOpeningsRatio: number;
  /** The scenario's shift of the yen (series yenValueIndex; 1 in the baseline). */
  yenValueIndex: number;
  /**
   * The yen's value in each nationality's home currency this month (inputs.yenValueByNationality
   * x yenValueIndex): home currency per yen over its 2017-2021 mean. Money held in the home
   * currency (debts, the savings goal) is kept in yen at that reference rate ('home yen'); yen
   * earned now are worth this many home yen.
   */
  yenValueByNationality: Float64Array;
  /** abscondBase x tightness^e x yen^e x asylum-permit factor. */
  abscondBaseHazard: number;
  /** Log hazard ratio of absconding by nationality: the residual origin terms and origin shocks (context.ts). */
  abscondOriginLogHr: Float64Array;
  /** Chance a TITP intern goes on from TI-1 to TI-2, by nationality (context.ts). */
  ti2ContinuationProbByNationality: Float64Array;
  /** (ratio / reference)^elasticity for job changes. */
  jobChangeTightness: number;
  /** (yen value)^returnYenElasticity for return hazards, by nationality. */
  returnYenFactorByNationality: Float64Array;
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
  /**
   * By sector: how many more ESD trainees the field's cap admits this month (simulated agents;
   * esd.ts countEsd, less this month's entrants). Filled only while ESD is in force.
   */
  esdFieldRoom: Float64Array;
}

/** The month's lookup tables (filled at the start of each month) and scratch space. */
export interface MonthTables {
  /** Accrual rates (earnings.ts). */
  accrual: AccrualRates;
  /** Family rules and chances (family.ts). */
  family: FamilyTable;
  /** Bounds of each status's total hazard: the decision screen (decide.ts). */
  bounds: DecisionBounds;
  /** Scratch for competing hazards (no allocation in the loop). */
  hazards: Float64Array;
}

export interface SimState {
  // The model's state.
  inputs: ModelInputs;
  /** Parameters in force this month (the policy timeline changes them). */
  params: Params;
  pop: Population;
  /** Returnees who may come back as SSW1 (returnees.ts); not in `pop`. */
  returnees: ReturneePool;
  employers: Employers;
  rng: Streams;
  ctx: MonthContext;
  /** Months so far in which SSW existed (drives the uptake ramp, sswUptakeRampMonths). */
  sswOpenMonths: number;
  /** Months so far in which ESD was in force (the TI-3 transitional rule, intern.ts). */
  esdOpenMonths: number;
  /** Nationality mix of this month's entrants (inputs.entryNationalityShare, then each later mix in turn). */
  entryNationalityShare: Float64Array;
  // What the run observes.
  obs: Observers;
  // Tables and caches: they change no result.
  tables: MonthTables;
  /** Employers' pay codes and their copies on agents (pay-codes.ts). */
  payCodes: EmployerPayCodes;
}

/** A state with an empty population; `life` and `jobs` default to each agent's own generator. */
export function createState(
  inputs: ModelInputs, employers: Employers, shared: SharedStreams, capacity: number, collectEvents: boolean,
  agentStreams: Partial<Pick<Streams, "life" | "jobs">> = {},
): SimState {
  const pop = createPopulation(capacity);
  const own: AgentUniform = (i) => agentDraw(s.pop.rng, i);
  const s: SimState = {
    inputs,
    params: { ...inputs.params },
    pop,
    returnees: createReturneePool(),
    employers,
    rng: { ...shared, life: agentStreams.life ?? own, jobs: agentStreams.jobs ?? own },
    ctx: {
      month: 0, absMonth: inputs.startMonthAbs, wageIndex: 1, jobOpeningsRatio: 1, yenValueIndex: 1,
      yenValueByNationality: new Float64Array(NATIONALITY_COUNT).fill(1),
      abscondBaseHazard: 0, abscondOriginLogHr: new Float64Array(NATIONALITY_COUNT), ti2ContinuationProbByNationality: new Float64Array(NATIONALITY_COUNT).fill(NaN), jobChangeTightness: 1, returnYenFactorByNationality: new Float64Array(NATIONALITY_COUNT).fill(1), ssw2AllSectors: false,
      // NaN, not 0, until the month's context is set: docs/performance.md, 'Fields that hold fractions'.
      ssw1Open: false, sswSponsorFactor: NaN, ssw1Processing: false,
      // No cap until the first count (a state built by hand in a test admits every entrant).
      esdFieldRoom: new Float64Array(SECTOR_COUNT).fill(Infinity),
    },
    sswOpenMonths: 0,
    esdOpenMonths: 0,
    entryNationalityShare: inputs.entryNationalityShare,
    obs: createObservers(inputs.months, collectEvents),
    tables: { accrual: createAccrualRates(), family: createFamilyTable(), bounds: createDecisionBounds(), hazards: new Float64Array(8) },
    payCodes: createEmployerPayCodes(employers.workplace),
  };
  return s;
}
