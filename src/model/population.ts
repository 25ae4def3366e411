// The agents: one typed array per attribute (struct of arrays); an agent is a row index.
// Rows [0, size) are in use. An agent who leaves Japan keeps its row, with an exit status, until
// the next compaction (removeExited), which runs once leavers are a set share of the rows; every
// per-agent loop skips exit rows, so leavers cost next to nothing.

import { NATIONALITY_COUNT, STATUS_COUNT, isExit } from "./codes.js";

export interface Population {
  /** Live rows; arrays are sized to `capacity`. */
  size: number;
  capacity: number;
  /** Next agent id to hand out; ids are unique within a run and never reused. */
  nextId: number;
  id: Int32Array;
  status: Uint8Array;
  /** Technical-intern stage 1-3 while status is TI, else 0. */
  tiStage: Uint8Array;
  /** 1 if the agent entered TI under Employment for Skill Development rules (from 2027-04). */
  esd: Uint8Array;
  nationality: Uint8Array;
  sector: Uint8Array;
  /** Row in Employers, -1 when not employed by a registered employer (IRREGULAR, ASYLUM). */
  employer: Int32Array;
  ageMonths: Uint16Array;
  monthsInJapan: Uint16Array;
  monthsInStatus: Uint16Array;
  monthsWithEmployer: Uint16Array;
  /** Months on a status that counts as work status for permanent residency (SSW2, SIE). */
  monthsOnWorkStatus: Uint16Array;
  /** Contract wage, yen per month at 2023 prices: status pay x the hiring employer's wage level, raised by job changes; before the wage index, underpayment and overtime. */
  promisedWageYenPerMonth: Float32Array;
  /** Pay actually received this month, yen. */
  wageYenPerMonth: Float32Array;
  debtYen: Float32Array;
  savingsYen: Float32Array;
  remittedYen: Float32Array;
  /** Bit field of Family flags. */
  family: Uint8Array;
  /** 0..1 */
  skill: Float32Array;
  /** 0 = none, 1 = JLPT N5 ... 5 = N1. */
  japaneseLevel: Uint8Array;
  jobChanges: Uint8Array;
  /** 1 if the agent is in touch with a broker who places absconders (seed 003). */
  brokerTie: Uint8Array;
  /** Co-national contacts in Japan (grow to at most 20, earnings.ts). */
  networkTies: Uint8Array;
  /** State of the agent's own Alea generator (agent-rng.ts): carry and three 32-bit words. */
  rngC: Uint32Array;
  rngS0: Uint32Array;
  rngS1: Uint32Array;
  rngS2: Uint32Array;
  /** Scratch row list for compaction. */
  keep: Int32Array;
}

/** Exits so far, counted by status x nationality when they happen. */
export type ExitCounts = Float64Array;

export function createPopulation(capacity: number): Population {
  const n = Math.max(16, Math.ceil(capacity));
  return {
    size: 0,
    capacity: n,
    nextId: 0,
    id: new Int32Array(n),
    status: new Uint8Array(n),
    tiStage: new Uint8Array(n),
    esd: new Uint8Array(n),
    nationality: new Uint8Array(n),
    sector: new Uint8Array(n),
    employer: new Int32Array(n),
    ageMonths: new Uint16Array(n),
    monthsInJapan: new Uint16Array(n),
    monthsInStatus: new Uint16Array(n),
    monthsWithEmployer: new Uint16Array(n),
    monthsOnWorkStatus: new Uint16Array(n),
    promisedWageYenPerMonth: new Float32Array(n),
    wageYenPerMonth: new Float32Array(n),
    debtYen: new Float32Array(n),
    savingsYen: new Float32Array(n),
    remittedYen: new Float32Array(n),
    family: new Uint8Array(n),
    skill: new Float32Array(n),
    japaneseLevel: new Uint8Array(n),
    jobChanges: new Uint8Array(n),
    brokerTie: new Uint8Array(n),
    networkTies: new Uint8Array(n),
    rngC: new Uint32Array(n),
    rngS0: new Uint32Array(n),
    rngS1: new Uint32Array(n),
    rngS2: new Uint32Array(n),
    keep: new Int32Array(n),
  };
}

type ArrayField = {
  [K in keyof Population]: Population[K] extends ArrayLike<number> ? K : never;
}[Exclude<keyof Population, "keep">];

/** Every per-agent array, for growing and compacting in one place. */
export const AGENT_FIELDS: readonly ArrayField[] = [
  "id", "status", "tiStage", "esd", "nationality", "sector", "employer", "ageMonths",
  "monthsInJapan", "monthsInStatus", "monthsWithEmployer", "monthsOnWorkStatus",
  "promisedWageYenPerMonth", "wageYenPerMonth", "debtYen", "savingsYen", "remittedYen",
  "family", "skill", "japaneseLevel", "jobChanges", "brokerTie", "networkTies",
  "rngC", "rngS0", "rngS1", "rngS2",
];

/**
 * Makes room for `extra` more rows, doubling capacity when needed. Called before a month's
 * entries are added, never inside a per-agent loop.
 */
export function ensureCapacity(pop: Population, extra: number): void {
  const needed = pop.size + extra;
  if (needed <= pop.capacity) return;
  let cap = pop.capacity;
  while (cap < needed) cap *= 2;
  for (const f of AGENT_FIELDS) {
    const old = pop[f];
    const grown = new (old.constructor as new (n: number) => typeof old)(cap);
    grown.set(old.subarray(0, pop.size) as never);
    (pop as unknown as Record<string, unknown>)[f] = grown;
  }
  pop.capacity = cap;
}

/**
 * Appends one zeroed row and returns its index; the caller sets its attributes. Rows beyond
 * `size` are always zero (new arrays are, and compaction clears the rows it frees), so only the
 * non-zero defaults are written here.
 */
export function addAgent(pop: Population): number {
  const i = pop.size++;
  pop.id[i] = pop.nextId++;
  pop.employer[i] = -1;
  return i;
}

/**
 * Removes agents whose status is an exit, keeping the order of the others: rows stay in entry
 * order, so agents are visited (and their events logged) in the same order whenever compaction
 * runs. Their exits were already counted when they left (moveStatus), so this only reclaims
 * rows; the monthly step calls it once enough have left.
 */
export function removeExited(pop: Population): void {
  const { status } = pop;
  if (pop.keep.length < pop.capacity) pop.keep = new Int32Array(pop.capacity);
  const keep = pop.keep;
  let w = 0;
  for (let r = 0; r < pop.size; r++) if (!isExit(status[r]!)) keep[w++] = r;
  if (w === pop.size) return;
  // One tight loop per field, specialised by array type so each loop is monomorphic.
  for (const f of AGENT_FIELDS) {
    const a = pop[f];
    if (a instanceof Uint8Array) compactU8(a, keep, w);
    else if (a instanceof Uint16Array) compactU16(a, keep, w);
    else if (a instanceof Uint32Array) compactU32(a, keep, w);
    else if (a instanceof Int32Array) compactI32(a, keep, w);
    else compactF32(a, keep, w);
    a.fill(0, w, pop.size); // freed rows are zero again (addAgent relies on it)
  }
  pop.size = w;
}

function compactU8(a: Uint8Array, keep: Int32Array, n: number): void {
  for (let k = 0; k < n; k++) a[k] = a[keep[k]!]!;
}
function compactU16(a: Uint16Array, keep: Int32Array, n: number): void {
  for (let k = 0; k < n; k++) a[k] = a[keep[k]!]!;
}
function compactU32(a: Uint32Array, keep: Int32Array, n: number): void {
  for (let k = 0; k < n; k++) a[k] = a[keep[k]!]!;
}
function compactI32(a: Int32Array, keep: Int32Array, n: number): void {
  for (let k = 0; k < n; k++) a[k] = a[keep[k]!]!;
}
function compactF32(a: Float32Array, keep: Int32Array, n: number): void {
  for (let k = 0; k < n; k++) a[k] = a[keep[k]!]!;
}

/** Agents in Japan by status x nationality, plus the exits so far (`exits`). Fills `out`. */
export function countStocks(pop: Population, exits: ExitCounts, out: Float64Array): void {
  out.set(exits);
  const { status, nationality } = pop;
  for (let i = 0; i < pop.size; i++) {
    const st = status[i]!;
    if (!isExit(st)) out[st * NATIONALITY_COUNT + nationality[i]!]! += 1;
  }
}

/** Agents in Japan (rows whose status is not an exit). */
export function countLive(pop: Population): number {
  let n = 0;
  for (let i = 0; i < pop.size; i++) if (!isExit(pop.status[i]!)) n++;
  return n;
}

export const STOCK_CELLS = STATUS_COUNT * NATIONALITY_COUNT;

/** One agent as a plain object: for tests and debugging only, never in the monthly loop. */
export function getAgent(pop: Population, i: number): Record<ArrayField, number> {
  const o = {} as Record<ArrayField, number>;
  for (const f of AGENT_FIELDS) o[f] = pop[f][i]!;
  return o;
}
