// Employers are agents too: size, sector, region, wage level, contract compliance, overtime,
// and whether they promote foreign workers (seed 001). Stored as typed arrays, grouped by
// sector so a random employer of a sector is one draw.

import { SECTOR_COUNT } from "./codes.js";
import type { Params } from "./params.js";
import type { Population } from "./population.js";
import type { Uniform } from "./state.js";

export interface Employers {
  count: number;
  /** Rows of sector s are [sectorStart[s], sectorStart[s + 1]). */
  sectorStart: Int32Array;
  sector: Uint8Array;
  isSme: Uint8Array;
  rural: Uint8Array;
  /** Rows [sectorStart[s], ruralSmeEnd[s]) are the rural SMEs of sector s. */
  ruralSmeEnd: Int32Array;
  /** Multiplier on the status wage. */
  wageLevel: Float32Array;
  /** Share of the contract wage withheld (0 = pays as promised). @see seed 003 */
  underpayShare: Float32Array;
  offersOvertime: Uint8Array;
  /** 1 = recognises and cultivates foreign workers' skills and sponsors them (seed 001). */
  promoter: Uint8Array;
  /**
   * Each employer's fixed uniforms for the traits a policy may change. Traits are re-derived
   * from them when parameters change (refreshEmployerTraits), so a policy that raises the share
   * of promoting SMEs turns the same employers into promoters in every scenario (common random
   * numbers) and takes effect from the policy's month.
   */
  underpayDraw: Float32Array;
  overtimeDraw: Float32Array;
  promoterDraw: Float32Array;
}

/**
 * Draws employers for the expected number of workers per sector.
 * @param workersBySector expected simulated workers per sector (already scaled)
 */
export function createEmployers(p: Params, workersBySector: Float64Array, u: Uniform): Employers {
  const sectorStart = new Int32Array(SECTOR_COUNT + 1);
  for (let s = 0; s < SECTOR_COUNT; s++) {
    const n = Math.max(1, Math.ceil((workersBySector[s] ?? 0) / p.workersPerEmployer));
    sectorStart[s + 1] = sectorStart[s]! + n;
  }
  const count = sectorStart[SECTOR_COUNT]!;
  const e: Employers = {
    count,
    sectorStart,
    ruralSmeEnd: new Int32Array(SECTOR_COUNT),
    sector: new Uint8Array(count),
    isSme: new Uint8Array(count),
    rural: new Uint8Array(count),
    wageLevel: new Float32Array(count),
    underpayShare: new Float32Array(count),
    offersOvertime: new Uint8Array(count),
    promoter: new Uint8Array(count),
    underpayDraw: new Float32Array(count),
    overtimeDraw: new Float32Array(count),
    promoterDraw: new Float32Array(count),
  };
  // Uniform spread with the stated coefficient of variation: sd of U(-a, a) is a / sqrt(3).
  const halfWidth = p.sameStatusWageSpreadCv * Math.sqrt(3);
  for (let s = 0; s < SECTOR_COUNT; s++) {
    const start = sectorStart[s]!;
    const end = sectorStart[s + 1]!;
    // Structural traits first; rural SMEs are then placed at the front of the sector's block.
    const sme = new Uint8Array(end - start);
    const rural = new Uint8Array(end - start);
    let ruralSmes = 0;
    for (let k = 0; k < end - start; k++) {
      sme[k] = u() < p.smeShare ? 1 : 0;
      rural[k] = u() < p.ruralShare ? 1 : 0;
      if (sme[k] === 1 && rural[k] === 1) ruralSmes++;
    }
    let front = start;
    let back = start + ruralSmes;
    for (let k = 0; k < end - start; k++) {
      const row = sme[k] === 1 && rural[k] === 1 ? front++ : back++;
      e.sector[row] = s;
      e.isSme[row] = sme[k]!;
      e.rural[row] = rural[k]!;
    }
    e.ruralSmeEnd[s] = start + ruralSmes;
    for (let k = start; k < end; k++) {
      e.wageLevel[k] = 1 + halfWidth * (2 * u() - 1);
      e.underpayDraw[k] = u();
      e.overtimeDraw[k] = u();
      e.promoterDraw[k] = u();
    }
  }
  refreshEmployerTraits(e, p);
  return e;
}

/** Re-derives the policy-sensitive traits from each employer's fixed draws and the parameters. */
export function refreshEmployerTraits(e: Employers, p: Params): void {
  for (let k = 0; k < e.count; k++) {
    e.underpayShare[k] = e.underpayDraw[k]! < p.underpayingEmployerShare ? p.underpayShare : 0;
    e.offersOvertime[k] = e.overtimeDraw[k]! < p.overtimeOfferedShare ? 1 : 0;
    e.promoter[k] = e.promoterDraw[k]! < (e.isSme[k] === 1 ? p.promoterShareSme : p.promoterShareLarge) ? 1 : 0;
  }
}

/** A uniformly chosen employer of `sector`. */
export function pickEmployer(e: Employers, sector: number, u: number): number {
  const start = e.sectorStart[sector]!;
  const n = e.sectorStart[sector + 1]! - start;
  return start + Math.min(n - 1, Math.floor(u * n));
}

/** A uniformly chosen rural SME of `sector`, or any employer of it if it has none. */
export function pickRuralSme(e: Employers, sector: number, u: number): number {
  const start = e.sectorStart[sector]!;
  const n = e.ruralSmeEnd[sector]! - start;
  return n > 0 ? start + Math.min(n - 1, Math.floor(u * n)) : pickEmployer(e, sector, u);
}

/** Bits of an employer's pay code (EmployerPayCodes). */
export const PAY_OVERTIME = 1;
export const PAY_PROMOTER = 2;
/** The rest of the code, code >> PAY_UNDERPAY_SHIFT, indexes the distinct underpayment shares. */
export const PAY_UNDERPAY_SHIFT = 2;
const MAX_UNDERPAY_VALUES = 256 >> PAY_UNDERPAY_SHIFT;

/**
 * What the monthly sweep needs of an agent's employer, one byte per employer: overtime, promoter
 * and which of the (few) distinct underpayment shares it has. Code 0 is no underpayment (+0),
 * overtime or promotion, which is also the code of an agent without an employer. Each agent keeps
 * a copy of its employer's code (Population.employerPayCode), which the sweep reads in row order.
 */
export interface EmployerPayCodes {
  code: Uint8Array;
  /** The distinct values of underpayShare (Float32, so each reads back as the same number). */
  underpay: Float32Array;
  /**
   * False when employers have more distinct underpayment shares than a code can index: 64 values,
   * of which the first is always +0 (so 63 others). The sweep is then not used (step.ts).
   */
  usable: boolean;
  /** Rebuilds so far: agents' copies (Population.employerPayCode) are of build `pop.payCodesBuild`. */
  builds: number;
  /** The traits the codes were built from (shares as Float32 bits), to rebuild only on a change. */
  builtFrom: { employers: Employers | null; underpayBits: Uint32Array; offersOvertime: Uint8Array; promoter: Uint8Array };
}

export function createEmployerPayCodes(): EmployerPayCodes {
  return {
    code: new Uint8Array(0), underpay: new Float32Array(MAX_UNDERPAY_VALUES), usable: false, builds: 0,
    builtFrom: { employers: null, underpayBits: new Uint32Array(0), offersOvertime: new Uint8Array(0), promoter: new Uint8Array(0) },
  };
}

/**
 * 0 when employers' pay traits are what the codes were built from, else not 0 (a pass with no
 * branch per employer). Returns the number rather than `diff === 0`: V8 compiles this function
 * on stack (OSR) in its first long loop, before the compare after the loop has ever run, and the
 * compare then deoptimised it again and again (up to 70 times a run); the caller's compare has
 * its type feedback from the first month on.
 */
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
 * month, rebuilt only when they changed). Returns out.usable.
 */
export function updateEmployerPayCodes(e: Employers, out: EmployerPayCodes): boolean {
  if (payTraitsDiff(e, out) === 0) return out.usable;
  out.builds++;
  const n = e.count;
  if (out.code.length < n) out.code = new Uint8Array(n);
  const { code } = out;
  const { offersOvertime, promoter, underpayShare } = e;
  // Shares are compared bit for bit (as Float32 words): NaN, 0 and -0 each get their own code.
  const shareBits = new Uint32Array(underpayShare.buffer, underpayShare.byteOffset, n);
  out.builtFrom = { employers: e, underpayBits: shareBits.slice(), offersOvertime: offersOvertime.slice(0, n), promoter: promoter.slice(0, n) };
  const valueBits = new Uint32Array(out.underpay.buffer);
  // Value 0 is always a share of +0 (bits 0), so code 0 means no underpayment, overtime or
  // promotion: the code of an agent without an employer, whose pay the factors of code 0 leave
  // unchanged (x (1 - 0) x 1), so the sweep needs no test of whether the agent has an employer.
  valueBits[0] = 0;
  let distinct = 1;
  for (let k = 0; k < n; k++) {
    const bits = shareBits[k]!;
    let v = 0;
    while (v < distinct && valueBits[v] !== bits) v++;
    if (v === distinct) {
      if (distinct === MAX_UNDERPAY_VALUES) return (out.usable = false);
      valueBits[distinct++] = bits;
    }
    code[k] = (v << PAY_UNDERPAY_SHIFT) | (offersOvertime[k] === 1 ? PAY_OVERTIME : 0) | (promoter[k] === 1 ? PAY_PROMOTER : 0);
  }
  return (out.usable = true);
}

/** The pay code an agent of employer row e copies (Population.employerPayCode): 0 without an employer. */
export function employerPayCode(codes: EmployerPayCodes, e: number): number {
  return e >= 0 && e < codes.code.length ? codes.code[e]! : 0;
}

/** Copies every agent's employer's pay code after the codes were rebuilt (a pass over the rows; policies change traits rarely). */
export function refreshAgentPayCodes(pop: Population, codes: EmployerPayCodes): void {
  const { employer, employerPayCode: copy } = pop;
  for (let i = 0, n = pop.size; i < n; i++) copy[i] = employerPayCode(codes, employer[i]!);
  pop.payCodesBuild = codes.builds;
}
