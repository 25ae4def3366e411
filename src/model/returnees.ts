// Returnees who may come back (docs/model.md 7.15): finished interns and SSW1 holders with time
// left who went home, kept with what they take home and bring back, so that a returnee re-entering
// as SSW1 is the same agent (same id, same generator, age, family, skill and Japanese). Kept apart
// from the population, one bucket per nationality, so the monthly loop never sees them. A bucket
// grows by doubling (amortised, like the population); returnees past the re-entry window are
// dropped once a year and when drawn (entries.ts).

import { ESD_MONTHS, isEsd } from "./esd.js";
import { Family, NATIONALITY_COUNT, Status } from "./codes.js";
import { type Population, RNG_WORDS, monthsInStatus } from "./population.js";

/** Returnees of one nationality, a row each; rows [0, size) are in use. */
export interface ReturneeBucket {
  size: number;
  id: Int32Array;
  sector: Uint8Array;
  birthMonth: Int16Array;
  /** Month the agent went home. */
  returnedMonth: Int16Array;
  /** Months already spent on SSW1 (0 for a finished intern): SSW (i) allows five years in all (rules.md). */
  ssw1MonthsUsed: Int16Array;
  family: Uint8Array;
  skill: Float32Array;
  japaneseLevel: Uint8Array;
  networkTies: Uint8Array;
  /** The agent's generator state, RNG_WORDS per row (Population.rng). */
  rng: Uint32Array;
}

export type ReturneePool = ReturneeBucket[];

/** The bucket's fields of one value per row (rng has RNG_WORDS): grow and moveRow copy each of them. */
const ROW_FIELDS = ["id", "sector", "birthMonth", "returnedMonth", "ssw1MonthsUsed", "family", "skill", "japaneseLevel", "networkTies"] as const;

function createBucket(capacity: number): ReturneeBucket {
  return {
    size: 0,
    id: new Int32Array(capacity),
    sector: new Uint8Array(capacity),
    birthMonth: new Int16Array(capacity),
    returnedMonth: new Int16Array(capacity),
    ssw1MonthsUsed: new Int16Array(capacity),
    family: new Uint8Array(capacity),
    skill: new Float32Array(capacity),
    japaneseLevel: new Uint8Array(capacity),
    networkTies: new Uint8Array(capacity),
    rng: new Uint32Array(RNG_WORDS * capacity),
  };
}

export function createReturneePool(): ReturneePool {
  return Array.from({ length: NATIONALITY_COUNT }, () => createBucket(16));
}

function grow(b: ReturneeBucket): ReturneeBucket {
  const bigger = createBucket(2 * b.id.length);
  bigger.size = b.size;
  for (const f of ROW_FIELDS) bigger[f].set(b[f]);
  bigger.rng.set(b.rng);
  return bigger;
}

/**
 * Whether agent i, going home from status `from` this month, may come back as SSW1: an intern who
 * finished TI-2 (TITP; exempt from the SSW1 skills test in the field, rules.md) or ESD's three
 * years, and an SSW1 holder with time left of SSW (i)'s five years (`ssw1CapMonths`). Early
 * leavers and TI-1 leavers may not (assumption: they lack the exemption and seldom pass the tests
 * from abroad); deportees are barred from re-entry. SSW2 holders are not kept: they would come
 * back on SSW2, which the model's entries do not have (simplification).
 */
export function mayComeBack(pop: Population, i: number, from: number, month: number, ssw1CapMonths: number): boolean {
  if (from === Status.SSW1) return monthsInStatus(pop, i, month) < ssw1CapMonths;
  if (from !== Status.TI) return false;
  const stage = pop.tiStage[i]!;
  const m = monthsInStatus(pop, i, month);
  return isEsd(pop, i) ? m >= ESD_MONTHS : stage >= 3 || (stage === 2 && m >= 36);
}

/** Keeps agent i, who goes home this month, in its nationality's bucket. */
export function keepReturnee(pool: ReturneePool, pop: Population, i: number, month: number): void {
  const nat = pop.nationality[i]!;
  let b = pool[nat]!;
  if (b.size === b.id.length) b = pool[nat] = grow(b);
  const k = b.size++;
  b.id[k] = pop.id[i]!;
  b.sector[k] = pop.sector[i]!;
  b.birthMonth[k] = pop.birthMonth[i]!;
  b.returnedMonth[k] = month;
  b.ssw1MonthsUsed[k] = pop.status[i] === Status.SSW1 ? monthsInStatus(pop, i, month) : 0;
  // Family in Japan goes home with the agent (moveStatus clears the flags on an exit).
  b.family[k] = pop.family[i]! & ~(Family.partnerInJapan | Family.childrenInJapan);
  b.skill[k] = pop.skill[i]!;
  b.japaneseLevel[k] = pop.japaneseLevel[i]!;
  b.networkTies[k] = pop.networkTies[i]!;
  copyRngWords(pop.rng, RNG_WORDS * i, b.rng, RNG_WORDS * k);
}

/** Copies one generator state (RNG_WORDS words) word by word: a subarray per call would allocate. */
function copyRngWords(from: Uint32Array, fromAt: number, to: Uint32Array, toAt: number): void {
  for (let w = 0; w < RNG_WORDS; w++) to[toAt + w] = from[fromAt + w]!;
}

/** Moves bucket row `from` onto row `to` (the last row onto a removed one). */
function moveRow(b: ReturneeBucket, from: number, to: number): void {
  for (const f of ROW_FIELDS) b[f].copyWithin(to, from, from + 1);
  b.rng.copyWithin(RNG_WORDS * to, RNG_WORDS * from, RNG_WORDS * (from + 1));
}

/** Removes row k of a bucket (the last row takes its place). */
export function removeReturnee(b: ReturneeBucket, k: number): void {
  const last = b.size - 1;
  if (k !== last) moveRow(b, last, k);
  b.size = last;
}

/**
 * Drops returnees who went home `windowMonths` or more months before `month`. Rows are
 * visited in order and a dropped row takes the last row's place, so the result depends only on
 * the bucket's contents.
 */
export function dropExpiredReturnees(pool: ReturneePool, month: number, windowMonths: number): void {
  for (const b of pool) {
    let k = 0;
    while (k < b.size) {
      if (month - b.returnedMonth[k]! >= windowMonths) removeReturnee(b, k);
      else k++;
    }
  }
}

/**
 * Copies bucket row k's attributes onto population row i, an SSW1 entrant of this month (the agent
 * comes back); the caller removes row k. Its months on SSW1 continue from those already used.
 */
export function restoreReturnee(b: ReturneeBucket, k: number, pop: Population, i: number, month: number): void {
  pop.id[i] = b.id[k]!;
  pop.statusSinceMonth[i] = month - b.ssw1MonthsUsed[k]!;
  pop.sector[i] = b.sector[k]!;
  pop.birthMonth[i] = b.birthMonth[k]!;
  pop.family[i] = b.family[k]!;
  pop.skill[i] = b.skill[k]!;
  pop.japaneseLevel[i] = b.japaneseLevel[k]!;
  pop.networkTies[i] = b.networkTies[k]!;
  copyRngWords(b.rng, RNG_WORDS * k, pop.rng, RNG_WORDS * i);
}
