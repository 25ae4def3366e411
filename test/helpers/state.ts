// Hand-built populations for unit tests: a SimState with chosen parameters, a tiny employer
// pool and agents given field by field, plus a scripted random stream.

import { NATIONALITY_COUNT, SECTOR_COUNT, STATUS_COUNT, Status, workplaceCode } from "../../src/model/codes.js";
import type { Employers } from "../../src/model/employers.js";
import { ENTRY_KINDS, type ModelInputs } from "../../src/model/inputs.js";
import { type Params, defaultParams } from "../../src/model/params.js";
import {
  AGENT_FIELDS, addAgent, ageMonths, monthsInJapan, monthsInStatus, monthsOnWorkStatus, monthsWithEmployer,
} from "../../src/model/population.js";
import { type SimState, type Streams, createState } from "../../src/model/state.js";
import { updateMonthContext } from "../../src/model/context.js";
import { updateMonthTables } from "../../src/model/month.js";
import { uniformFromSeed } from "../../src/engine/rng.js";
import { seedAgentStream } from "../../src/model/agent-rng.js";
import { type Uniform } from "../../src/model/agent-rng.js";

/**
 * Time counts a test may give an agent instead of month stamps: they are the counts in month 0,
 * the month makeState's state is in (stamp = 0 - count), as the monthly counters were.
 */
export const TIME_COUNTS = ["ageMonths", "monthsInJapan", "monthsInStatus", "monthsWithEmployer", "monthsOnWorkStatus"] as const;
export type TimeCount = (typeof TIME_COUNTS)[number];
export type AgentInit = Partial<Record<(typeof AGENT_FIELDS)[number] | TimeCount, number>>;

/** Agent i's time counts in the state's month (or in month `m`), from its month stamps. */
export function timeCounts(s: SimState, i: number, m = s.ctx.month): Record<TimeCount, number> {
  return {
    ageMonths: ageMonths(s.pop, i, m),
    monthsInJapan: monthsInJapan(s.pop, i, m),
    monthsInStatus: monthsInStatus(s.pop, i, m),
    monthsWithEmployer: monthsWithEmployer(s.pop, i, m),
    monthsOnWorkStatus: monthsOnWorkStatus(s.pop, i, m),
  };
}

/** Sets agent i's time counts as of month `month` (each given count's stamp is month - count). */
export function setTimeCounts(s: SimState, i: number, month: number, c: Partial<Record<TimeCount, number>>): void {
  const pop = s.pop;
  if (c.ageMonths !== undefined) pop.birthMonth[i] = month - c.ageMonths;
  if (c.monthsInJapan !== undefined) pop.inJapanSinceMonth[i] = month - c.monthsInJapan;
  if (c.monthsInStatus !== undefined) pop.statusSinceMonth[i] = month - c.monthsInStatus;
  if (c.monthsWithEmployer !== undefined) pop.employerSinceMonth[i] = month - c.monthsWithEmployer;
  if (c.monthsOnWorkStatus !== undefined) {
    // All banked; a current work status counts on from now.
    pop.workStatusMonthsBanked[i] = c.monthsOnWorkStatus;
    pop.workStatusSinceMonth[i] = month;
  }
}
export type EmployerInit = Partial<{ isSme: number; rural: number; wageLevel: number; underpayShare: number; offersOvertime: number; promoter: number }>;

/** A generator that returns the given values in turn, then repeats the last. */
export function scripted(values: number[]): Uniform {
  let k = 0;
  return () => values[Math.min(k++, values.length - 1)]!;
}

export function seeded(seed: string): Uniform {
  return uniformFromSeed(seed);
}

/** Inputs with flat series (ratio = reference, yen and wage index 1) and no entries. */
export function flatInputs(params: Params, months = 12): ModelInputs {
  const flat = (v: number): Float64Array => new Float64Array(months).fill(v);
  const uniformShares = (kinds: number, n: number): Float64Array => new Float64Array(kinds * n).fill(1 / n);
  return {
    startMonthAbs: 2020 * 12,
    months,
    scale: 1,
    params,
    policy: [],
    series: {
      jobOpeningsRatio: flat(params.referenceJobOpeningsRatio),
      yenValueIndex: flat(1),
      wageIndex: flat(1),
      tiEntriesPerYear: flat(0),
      ssw1EntriesPerYear: flat(0),
      sieEntriesPerYear: flat(0),
      studentStock: flat(0),
      studentToSieSharePerYear: flat(0),
      ssw1StockCap: flat(Infinity),
      underpayingEmployerIndex: flat(1),
    },
    initialStock: new Float64Array(STATUS_COUNT * NATIONALITY_COUNT),
    entryNationalityShare: uniformShares(ENTRY_KINDS, NATIONALITY_COUNT),
    entryNationalityShareFrom: [],
    entrySectorShare: uniformShares(ENTRY_KINDS, SECTOR_COUNT),
    debtYenByNationality: new Float64Array(NATIONALITY_COUNT).fill(600000),
    borrowedShareByNationality: new Float64Array(NATIONALITY_COUNT).fill(0.5),
    feeYenByNationality: new Float64Array(NATIONALITY_COUNT).fill(600000),
    yenValueByNationality: new Float64Array(months * NATIONALITY_COUNT).fill(1),
  };
}

/** Two employers per sector unless given; employer k of sector s is row 2s + k. */
export function makeEmployers(perSector: EmployerInit[] = [{}, {}]): Employers {
  const n = perSector.length * SECTOR_COUNT;
  const e: Employers = {
    count: n,
    sectorStart: new Int32Array(SECTOR_COUNT + 1).map((_, s) => s * perSector.length),
    // No rural SMEs unless a test sets them; traits are set directly, so the draws are unused.
    ruralSmeEnd: new Int32Array(SECTOR_COUNT).map((_, s) => s * perSector.length),
    underpayDraw: new Float32Array(n).fill(1),
    overtimeDraw: new Float32Array(n).fill(1),
    promoterDraw: new Float32Array(n).fill(1),
    sector: new Uint8Array(n),
    isSme: new Uint8Array(n),
    rural: new Uint8Array(n),
    workplace: new Uint8Array(n),
    wageLevel: new Float32Array(n).fill(1),
    underpayShare: new Float32Array(n),
    offersOvertime: new Uint8Array(n).fill(1),
    promoter: new Uint8Array(n),
    esdTrainees: new Int32Array(n),
    esdTransferees: new Int32Array(n),
    esdFromOutside: new Int32Array(n),
  };
  for (let s = 0; s < SECTOR_COUNT; s++) {
    perSector.forEach((init, k) => {
      const r = s * perSector.length + k;
      e.sector[r] = s;
      if (init.isSme !== undefined) e.isSme[r] = init.isSme;
      if (init.rural !== undefined) e.rural[r] = init.rural;
      if (init.wageLevel !== undefined) e.wageLevel[r] = init.wageLevel;
      if (init.underpayShare !== undefined) e.underpayShare[r] = init.underpayShare;
      if (init.offersOvertime !== undefined) e.offersOvertime[r] = init.offersOvertime;
      if (init.promoter !== undefined) e.promoter[r] = init.promoter;
      e.workplace[r] = workplaceCode(e.rural[r]!, e.isSme[r]!);
    });
  }
  return e;
}

export interface TestStateOptions {
  params?: Partial<Params>;
  agents?: AgentInit[];
  employers?: Employers;
  streams?: Partial<Streams>;
  collectEvents?: boolean;
  months?: number;
}

/**
 * A state at month 0 with the month's context and tables computed (as at the start of a month's
 * agent-months). Agents default to a TI-1 intern of nationality VN in manufacturing at employer 0,
 * contract pay = tiWageYenPerMonth. Streams not given are seeded; `life` and `jobs` default to each
 * agent's own generator.
 */
export function makeState(o: TestStateOptions = {}): SimState {
  // Full SSW uptake and processing from the first month (sswUptakeRampMonths 1,
  // sswProcessingStartMonths 0) unless a test sets them.
  const params = { ...defaultParams(), sswUptakeRampMonths: 1, sswProcessingStartMonths: 0, ...o.params } as Params;
  const inputs = flatInputs(params, o.months ?? 12);
  const shared = {
    entries: o.streams?.entries ?? seeded("entries"),
    matching: o.streams?.matching ?? seeded("matching"),
    policy: o.streams?.policy ?? seeded("policy"),
  };
  const perAgent: Partial<Pick<Streams, "life" | "jobs">> = {};
  if (o.streams?.life) perAgent.life = o.streams.life;
  if (o.streams?.jobs) perAgent.jobs = o.streams.jobs;
  const s = createState(inputs, o.employers ?? makeEmployers(), shared, Math.max(16, (o.agents ?? []).length), o.collectEvents ?? true, perAgent);
  // Hand-built agents get their own generators seeded as entrants' are (unless a test scripts them).
  const agentSeeds = seeded("agents");
  for (const a of o.agents ?? []) {
    const i = addAgent(s.pop, 0);
    seedAgentStream(s.pop, i, agentSeeds);
    s.pop.status[i] = Status.TI;
    s.pop.tiStage[i] = 1;
    s.pop.employer[i] = 0;
    s.pop.promisedWageYenPerMonth[i] = params.tiWageYenPerMonth;
    for (const [k, v] of Object.entries(a)) {
      if (!(TIME_COUNTS as readonly string[]).includes(k)) (s.pop as unknown as Record<string, Int32Array>)[k]![i] = v as number;
    }
    setTimeCounts(s, i, 0, a);
  }
  updateMonthContext(s, 0);
  updateMonthTables(s);
  return s;
}
