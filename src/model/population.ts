// The agents: one typed array per attribute (struct of arrays); an agent is a row index.
// Rows [0, size) are in use. An agent who leaves Japan keeps its row, with an exit status, until
// the next compaction (removeExited), which runs once leavers are a set share of the rows; every
// per-agent loop skips exit rows, so leavers cost next to nothing.

import { isExit, isWorkStatus } from "./codes.js";

export interface Population {
  /** Live rows; arrays are sized to `capacity`. */
  size: number;
  capacity: number;
  /** Next agent id to hand out; ids are unique within a run and never reused. */
  nextId: number;
  /** Rows holding leavers since the last compaction (removeExited). */
  exitedRows: number;
  id: Int32Array;
  status: Uint8Array;
  /**
   * Technical-intern stage 1-3 while status is TI (4: awaiting SSW1); on DESIGNATED,
   * DESIGNATED_SPECIAL_STAY for the pandemic's special stay (irregular.ts); else 0.
   */
  tiStage: Uint8Array;
  /** Employment for Skill Development flags (esd.ts: ESD_TRAINEE, ESD_BASIC_PASSED, ESD_TRANSFEREE, ESD_FROM_OUTSIDE); 0 for TITP interns and everyone else. */
  esd: Uint8Array;
  nationality: Uint8Array;
  sector: Uint8Array;
  /**
   * The outputs' breakdown group (codes.ts: sector x the employer's workplace, 0 without one), a
   * copy kept by setEmployer (pay-codes.ts) so the stock count reads one byte per agent-month.
   */
  group: Uint8Array;
  /** Row in Employers, -1 when not employed by a registered employer (IRREGULAR, ASYLUM). */
  employer: Int32Array;
  /**
   * A copy of the employer's pay code (pay-codes.ts; 0 without an employer), which accrual reads
   * in row order. Written only by pay-codes.ts: with the employer (setEmployer) and for every row
   * when the codes are rebuilt.
   */
  employerPayCode: Uint8Array;
  /** The build of the employers' pay codes (EmployerPayCodes.builds) that employerPayCode matches. */
  payCodesBuild: number;
  // Time is kept as the month each span began (a month stamp), not as counters: a count is the
  // month now minus the stamp (ageMonths, monthsInJapan & co. below), so no month has to add 1
  // to every agent's counters (five read-modify-writes per agent-month in the kernel). Months are
  // on the run's clock (month 0 is the first simulated month; the initial population is stamped as
  // at the end of month -1), and a count read in month t is the count after month t's accrual,
  // which is what the monthly counters held.
  /** Month of birth: age in months = month - birthMonth. */
  birthMonth: Int16Array;
  /** Month the agent arrived in Japan: months in Japan (all statuses) = month - inJapanSinceMonth. */
  inJapanSinceMonth: Int16Array;
  /** Month of the last status change (not of a TI stage change or a job change). */
  statusSinceMonth: Int16Array;
  /** Month the agent started with its employer, or lost it (IRREGULAR, ASYLUM, exit). */
  employerSinceMonth: Int16Array;
  /**
   * Months on a status that counts as work status for permanent residency (SSW2, SIE) are
   * `workStatusMonthsBanked` (those of work statuses left) plus, while on a work status,
   * month - workStatusSinceMonth (see monthsOnWorkStatus).
   */
  workStatusMonthsBanked: Uint16Array;
  workStatusSinceMonth: Int16Array;
  /** Contract wage, yen per month at 2023 prices: status pay x the hiring employer's wage level, raised by job changes; before the wage index, underpayment and overtime. */
  promisedWageYenPerMonth: Float32Array;
  debtHomeYen: Float32Array;
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
  /**
   * State of the agent's own Alea generator (agent-rng.ts), RNG_WORDS per row: row i's carry c at
   * [4i], then its words s0, s1, s2. One record rather than four arrays: the four words are always
   * read and written together, and every separate array is one more stream for the kernel to keep
   * in cache.
   */
  rng: Uint32Array;
  /** Scratch row list for compaction. */
  keep: Int32Array;
}

export function createPopulation(capacity: number): Population {
  const n = Math.max(16, Math.ceil(capacity));
  // One literal with every field (docs/performance.md, 'JIT notes').
  return {
    size: 0,
    capacity: n,
    nextId: 0,
    exitedRows: 0,
    id: newField(Int32Array, "id", n),
    status: newField(Uint8Array, "status", n),
    tiStage: newField(Uint8Array, "tiStage", n),
    esd: newField(Uint8Array, "esd", n),
    nationality: newField(Uint8Array, "nationality", n),
    sector: newField(Uint8Array, "sector", n),
    employer: newField(Int32Array, "employer", n),
    employerPayCode: newField(Uint8Array, "employerPayCode", n),
    payCodesBuild: -1,
    birthMonth: newField(Int16Array, "birthMonth", n),
    inJapanSinceMonth: newField(Int16Array, "inJapanSinceMonth", n),
    statusSinceMonth: newField(Int16Array, "statusSinceMonth", n),
    employerSinceMonth: newField(Int16Array, "employerSinceMonth", n),
    workStatusMonthsBanked: newField(Uint16Array, "workStatusMonthsBanked", n),
    workStatusSinceMonth: newField(Int16Array, "workStatusSinceMonth", n),
    promisedWageYenPerMonth: newField(Float32Array, "promisedWageYenPerMonth", n),
    debtHomeYen: newField(Float32Array, "debtHomeYen", n),
    savingsYen: newField(Float32Array, "savingsYen", n),
    remittedYen: newField(Float32Array, "remittedYen", n),
    family: newField(Uint8Array, "family", n),
    skill: newField(Float32Array, "skill", n),
    japaneseLevel: newField(Uint8Array, "japaneseLevel", n),
    jobChanges: newField(Uint8Array, "jobChanges", n),
    brokerTie: newField(Uint8Array, "brokerTie", n),
    networkTies: newField(Uint8Array, "networkTies", n),
    group: newField(Uint8Array, "group", n),
    rng: newField(Uint32Array, "rng", RNG_WORDS * n),
    keep: new Int32Array(n),
  };
}

type TypedArrayType<T> = { new (buffer: ArrayBuffer, byteOffset: number, length: number): T; readonly BYTES_PER_ELEMENT: number };

/** Bytes between the starts of consecutive fields' arrays within a 4 KiB page: two cache lines. */
const FIELD_STAGGER_BYTES = 128;
const PAGE_BYTES = 4096;

/**
 * A zeroed array of n elements for a field, starting 128 bytes x the field's place in
 * AGENT_FIELDS into a page. Large
 * arrays are page-aligned, so without the stagger row i of every 4-byte field would fall in the
 * same L1 cache set, and a loop over more fields than the cache has ways (eight) would evict its
 * own lines at every row; staggered, the fields' rows fall in different sets.
 */
function newField<T>(type: TypedArrayType<T>, field: ArrayField, n: number): T {
  const offset = (AGENT_FIELDS.indexOf(field) * FIELD_STAGGER_BYTES) % PAGE_BYTES;
  return new type(new ArrayBuffer(offset + n * type.BYTES_PER_ELEMENT), offset, n);
}

type ArrayField = {
  [K in keyof Population]: Population[K] extends ArrayLike<number> ? K : never;
}[Exclude<keyof Population, "keep">];

/** Every per-agent array, for growing and compacting in one place. */
export const AGENT_FIELDS: readonly ArrayField[] = [
  "id", "status", "tiStage", "esd", "nationality", "sector", "employer", "employerPayCode", "birthMonth",
  "inJapanSinceMonth", "statusSinceMonth", "employerSinceMonth", "workStatusMonthsBanked", "workStatusSinceMonth",
  "promisedWageYenPerMonth", "debtHomeYen", "savingsYen", "remittedYen",
  "family", "skill", "japaneseLevel", "jobChanges", "brokerTie", "networkTies", "group",
  "rng",
];

/** Words of generator state per agent (Population.rng). */
export const RNG_WORDS = 4;

/** Array elements per row of a field: RNG_WORDS for the generator state, 1 for the others. */
export const fieldWidth = (f: ArrayField): number => (f === "rng" ? RNG_WORDS : 1);

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
    const width = fieldWidth(f);
    const grown = newField(old.constructor as unknown as TypedArrayType<typeof old>, f, cap * width);
    grown.set(old.subarray(0, pop.size * width) as never);
    (pop as unknown as Record<string, unknown>)[f] = grown;
  }
  pop.capacity = cap;
}

/**
 * Appends one zeroed row for an agent arriving in month `month` and returns its index; the caller
 * sets its attributes. Rows beyond `size` are always zero (new arrays are, and compaction clears
 * the rows it frees), so only the non-zero defaults are written here: no employer, and time in
 * Japan, in status, with the employer and on a work status all starting now (counts 0).
 */
export function addAgent(pop: Population, month: number): number {
  const i = pop.size++;
  pop.id[i] = pop.nextId++;
  pop.employer[i] = -1;
  pop.birthMonth[i] = month;
  pop.inJapanSinceMonth[i] = month;
  pop.statusSinceMonth[i] = month;
  pop.employerSinceMonth[i] = month;
  pop.workStatusSinceMonth[i] = month;
  return i;
}

/**
 * Takes back the row addAgent just handed out (an entrant turned away, e.g. by ESD's field cap),
 * with its id: the row is zeroed again, as rows beyond `size` must be.
 */
export function dropLastAgent(pop: Population): void {
  const i = --pop.size;
  pop.nextId--;
  for (const f of AGENT_FIELDS) {
    const width = fieldWidth(f);
    pop[f].fill(0, i * width, (i + 1) * width);
  }
}

/**
 * Removes agents whose status is an exit, keeping the order of the others: rows stay in entry
 * order, so agents are visited (and their events logged) in the same order whenever compaction
 * runs. Their exits were already counted when they left (moveStatus), so this only reclaims
 * rows; the monthly step calls it once enough have left.
 */
export function removeExited(pop: Population): void {
  const { status } = pop;
  pop.exitedRows = 0;
  if (pop.keep.length < pop.capacity) pop.keep = new Int32Array(pop.capacity);
  const keep = pop.keep;
  let w = 0;
  for (let r = 0; r < pop.size; r++) if (!isExit(status[r]!)) keep[w++] = r;
  if (w === pop.size) return;
  // One tight loop per field, specialised by array type so each loop is monomorphic.
  for (const f of AGENT_FIELDS) {
    const a = pop[f];
    if (f === "rng") compactRng(pop.rng, keep, w);
    else if (a instanceof Uint8Array) compactU8(a, keep, w);
    else if (a instanceof Uint16Array) compactU16(a, keep, w);
    else if (a instanceof Int16Array) compactI16(a, keep, w);
    else if (a instanceof Uint32Array) compactU32(a, keep, w);
    else if (a instanceof Int32Array) compactI32(a, keep, w);
    else compactF32(a, keep, w);
    const width = fieldWidth(f);
    a.fill(0, w * width, pop.size * width); // freed rows are zero again (addAgent relies on it)
  }
  pop.size = w;
}

function compactU8(a: Uint8Array, keep: Int32Array, n: number): void {
  for (let k = 0; k < n; k++) a[k] = a[keep[k]!]!;
}
function compactU16(a: Uint16Array, keep: Int32Array, n: number): void {
  for (let k = 0; k < n; k++) a[k] = a[keep[k]!]!;
}
function compactI16(a: Int16Array, keep: Int32Array, n: number): void {
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
function compactRng(a: Uint32Array, keep: Int32Array, n: number): void {
  for (let k = 0; k < n; k++) {
    const from = RNG_WORDS * keep[k]!;
    const to = RNG_WORDS * k;
    a[to] = a[from]!;
    a[to + 1] = a[from + 1]!;
    a[to + 2] = a[from + 2]!;
    a[to + 3] = a[from + 3]!;
  }
}

// Time counts of agent i in month `month` (s.ctx.month), from its month stamps.

export const ageMonths = (pop: Population, i: number, month: number): number => month - pop.birthMonth[i]!;
/** @inline */
export const monthsInJapan = (pop: Population, i: number, month: number): number => month - pop.inJapanSinceMonth[i]!;
export const monthsInStatus = (pop: Population, i: number, month: number): number => month - pop.statusSinceMonth[i]!;
export const monthsWithEmployer = (pop: Population, i: number, month: number): number => month - pop.employerSinceMonth[i]!;
/** Months spent on a work status (SSW2, SIE), counting the current one if it is. */
export function monthsOnWorkStatus(pop: Population, i: number, month: number): number {
  const banked = pop.workStatusMonthsBanked[i]!;
  return isWorkStatus(pop.status[i]!) ? banked + (month - pop.workStatusSinceMonth[i]!) : banked;
}

/** Agents in Japan (rows whose status is not an exit). */
export function countLive(pop: Population): number {
  let n = 0;
  for (let i = 0; i < pop.size; i++) if (!isExit(pop.status[i]!)) n++;
  return n;
}

/**
 * One agent as a plain object: for tests and debugging only, never in the monthly loop. The
 * generator state appears as rng0 .. rng3.
 */
export function getAgent(pop: Population, i: number): Record<string, number> {
  const o: Record<string, number> = {};
  for (const f of AGENT_FIELDS) {
    const width = fieldWidth(f);
    if (width === 1) o[f] = pop[f][i]!;
    else for (let k = 0; k < width; k++) o[`${f}${k}`] = pop[f][width * i + k]!;
  }
  return o;
}
