// A performance cache with one owner: employers' pay traits as one byte each (the pay code), and
// each agent's copy of its employer's code (Population.employerPayCode), so that accrual reads
// the traits of an agent's employer in row order. Nothing else writes either; the codes are
// brought up to date once a month (updatePayCodes) and a copy is set with every employer
// (setEmployer). docs/performance.md says what the cache buys. setEmployer also keeps the agent's
// breakdown group (Population.group: sector x the employer's workplace), which the outputs count.

import { WORKPLACE_COUNT } from "./codes.js";
import type { Employers } from "./employers.js";
import type { Population } from "./population.js";

/** Bits of an employer's pay code (EmployerPayCodes). */
export const PAY_OVERTIME = 1;
export const PAY_PROMOTER = 2;
/** The rest of the code, code >> PAY_UNDERPAY_SHIFT, indexes the distinct underpayment shares. */
export const PAY_UNDERPAY_SHIFT = 2;
const MAX_UNDERPAY_VALUES = 256 >> PAY_UNDERPAY_SHIFT;

/**
 * What accrual needs of an agent's employer, one byte per employer: overtime, promoter and which
 * of the (few) distinct underpayment shares it has. Code 0 is no underpayment (+0), overtime or
 * promotion, which is also the code of an agent without an employer.
 */
export interface EmployerPayCodes {
  code: Uint8Array;
  /** The distinct values of underpayShare (Float32, so each reads back as the same number). */
  underpay: Float32Array;
  /** Rebuilds so far: agents' copies (Population.employerPayCode) are of build `pop.payCodesBuild`. */
  builds: number;
  /** Each employer's workplace code (Employers.workplace), for the agents' breakdown group (setEmployer). */
  workplace: Uint8Array;
  /** The traits the codes were built from (shares as Float32 bits), to rebuild only on a change. */
  builtFrom: { employers: Employers | null; underpayBits: Uint32Array; offersOvertime: Uint8Array; promoter: Uint8Array };
}

export function createEmployerPayCodes(workplace: Uint8Array = new Uint8Array(0)): EmployerPayCodes {
  return {
    code: new Uint8Array(0), underpay: new Float32Array(MAX_UNDERPAY_VALUES), builds: 0, workplace,
    builtFrom: { employers: null, underpayBits: new Uint32Array(0), offersOvertime: new Uint8Array(0), promoter: new Uint8Array(0) },
  };
}

/** 0 when employers' pay traits are what the codes were built from, else not 0 (docs/performance.md, 'JIT notes'). */
function payTraitsDiff(e: Employers, out: EmployerPayCodes): number {
  const from = out.builtFrom;
  if (from.employers !== e || from.underpayBits.length !== e.count) return 1;
  const n = e.count;
  const shareBits = new Uint32Array(e.underpayShare.buffer, e.underpayShare.byteOffset, n);
  let diff = bytesDiff(e.offersOvertime, from.offersOvertime, n) | bytesDiff(e.promoter, from.promoter, n);
  for (let k = 0; k < n; k++) diff |= shareBits[k]! ^ from.underpayBits[k]!;
  return diff;
}

/**
 * The XORs of a[k] and b[k] for k < n OR-ed together: 0 when the first n bytes are equal. Four
 * bytes at a time where both start on a word (as arrays with buffers of their own do): this
 * check runs every month over every employer.
 */
function bytesDiff(a: Uint8Array, b: Uint8Array, n: number): number {
  let diff = 0;
  let k = 0;
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const words = n >>> 2;
    const a32 = new Uint32Array(a.buffer, a.byteOffset, words);
    const b32 = new Uint32Array(b.buffer, b.byteOffset, words);
    for (let w = 0; w < words; w++) diff |= a32[w]! ^ b32[w]!;
    k = 4 * words;
  }
  for (; k < n; k++) diff |= a[k]! ^ b[k]!;
  return diff;
}

/**
 * Brings the codes up to date with the employers' traits (policies change them; checked once a
 * month, rebuilt only when they changed). Returns whether they were rebuilt. Throws if employers
 * have more distinct underpayment shares than a code can index (63 besides +0); the model's
 * employers have at most two (refreshEmployerTraits: the share or 0).
 */
export function updateEmployerPayCodes(e: Employers, out: EmployerPayCodes): boolean {
  if (payTraitsDiff(e, out) === 0) return false;
  const n = e.count;
  const { offersOvertime, promoter, underpayShare } = e;
  // Shares are compared bit for bit (as Float32 words): NaN, 0 and -0 each get their own code.
  const shareBits = new Uint32Array(underpayShare.buffer, underpayShare.byteOffset, n);
  const valueBits = new Uint32Array(out.underpay.buffer);
  // Value 0 is always a share of +0 (bits 0), so code 0 means no underpayment, overtime or
  // promotion: the code of an agent without an employer, whose pay the factors of code 0 leave
  // unchanged (x (1 - 0) x 1), so accrual needs no test of whether the agent has an employer.
  valueBits[0] = 0;
  let distinct = 1;
  const code = out.code.length < n ? new Uint8Array(n) : out.code;
  for (let k = 0; k < n; k++) {
    const bits = shareBits[k]!;
    let v = 0;
    while (v < distinct && valueBits[v] !== bits) v++;
    if (v === distinct) {
      if (distinct === MAX_UNDERPAY_VALUES) {
        throw new Error(`employers have more than ${MAX_UNDERPAY_VALUES - 1} distinct underpayment shares besides 0: a pay code cannot index them`);
      }
      valueBits[distinct++] = bits;
    }
    code[k] = (v << PAY_UNDERPAY_SHIFT) | (offersOvertime[k] === 1 ? PAY_OVERTIME : 0) | (promoter[k] === 1 ? PAY_PROMOTER : 0);
  }
  out.code = code;
  out.builtFrom = { employers: e, underpayBits: shareBits.slice(), offersOvertime: offersOvertime.slice(0, n), promoter: promoter.slice(0, n) };
  out.builds++;
  return true;
}

/** The pay code of employer row e (0 without an employer). */
export function employerPayCode(codes: EmployerPayCodes, e: number): number {
  return e >= 0 && e < codes.code.length ? codes.code[e]! : 0;
}

/**
 * Agent i's employer becomes row e (-1: none), with the copy of its pay code and its breakdown
 * group (its sector, set before, x the employer's workplace code; an employer without a code in
 * `codes.workplace`, as in tests that build codes bare, counts as none).
 */
export function setEmployer(pop: Population, codes: EmployerPayCodes, i: number, e: number): void {
  pop.employer[i] = e;
  pop.employerPayCode[i] = employerPayCode(codes, e);
  pop.group[i] = pop.sector[i]! * WORKPLACE_COUNT + (e >= 0 && e < codes.workplace.length ? codes.workplace[e]! : 0);
}

/** Copies every agent's employer's pay code after the codes were rebuilt (a pass over the rows; policies change traits rarely). */
function refreshAgentPayCodes(pop: Population, codes: EmployerPayCodes): void {
  const { employer, employerPayCode: copy } = pop;
  for (let i = 0, n = pop.size; i < n; i++) copy[i] = employerPayCode(codes, employer[i]!);
  pop.payCodesBuild = codes.builds;
}

/** The month's pay codes: rebuilt if employers' traits changed, and every agent's copy current. */
export function updatePayCodes(codes: EmployerPayCodes, e: Employers, pop: Population): void {
  updateEmployerPayCodes(e, codes);
  if (pop.payCodesBuild !== codes.builds) refreshAgentPayCodes(pop, codes);
}
