// Employers are agents too: size, sector, region, wage level, contract compliance, overtime,
// and whether they promote foreign workers (seed 001). Stored as typed arrays, grouped by
// sector so a random employer of a sector is one draw.

import { SECTOR_COUNT, workplaceCode } from "./codes.js";
import type { Params } from "./params.js";
import type { Uniform } from "./agent-rng.js";

export interface Employers {
  count: number;
  /** Rows of sector s are [sectorStart[s], sectorStart[s + 1]). */
  sectorStart: Int32Array;
  sector: Uint8Array;
  isSme: Uint8Array;
  rural: Uint8Array;
  /** workplaceCode(rural, isSme), for the outputs' breakdowns (codes.ts). */
  workplace: Uint8Array;
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
  /**
   * ESD trainees with the employer, those of them who came by an own-will transfer, and those
   * who came from outside the designated urban area (the caps of esd.ts, recounted monthly while
   * ESD is in force).
   */
  esdTrainees: Int32Array;
  esdTransferees: Int32Array;
  esdFromOutside: Int32Array;
}

/**
 * Draws employers for the expected number of workers per sector.
 * @param workersBySector expected simulated workers per sector (already scaled)
 */
export function createEmployers(p: Params, workersBySector: Float64Array, u: Uniform, underpayingIndex = 1): Employers {
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
    workplace: new Uint8Array(count),
    wageLevel: new Float32Array(count),
    underpayShare: new Float32Array(count),
    offersOvertime: new Uint8Array(count),
    promoter: new Uint8Array(count),
    underpayDraw: new Float32Array(count),
    overtimeDraw: new Float32Array(count),
    promoterDraw: new Float32Array(count),
    esdTrainees: new Int32Array(count),
    esdTransferees: new Int32Array(count),
    esdFromOutside: new Int32Array(count),
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
      e.workplace[row] = workplaceCode(rural[k]!, sme[k]!);
    }
    e.ruralSmeEnd[s] = start + ruralSmes;
    for (let k = start; k < end; k++) {
      e.wageLevel[k] = 1 + halfWidth * (2 * u() - 1);
      e.underpayDraw[k] = u();
      e.overtimeDraw[k] = u();
      e.promoterDraw[k] = u();
    }
  }
  refreshEmployerTraits(e, p, underpayingIndex);
  return e;
}

/**
 * Re-derives the policy-sensitive traits from each employer's fixed draws, the parameters and the
 * month's prevalence of underpayment relative to 2014 (series underpayingEmployerIndex).
 */
export function refreshEmployerTraits(e: Employers, p: Params, underpayingIndex = 1): void {
  // ESD's supervising and support organisations check employers more closely (esd.ts, rule 7a).
  // A share: a scenario's index may take share x index above 1 (every employer underpays).
  const prevalence = Math.min(1, p.underpayingEmployerShare * underpayingIndex);
  const underpaying = prevalence * (p.esdActive ? 1 - p.esdOversightUnderpayReduction : 1);
  for (let k = 0; k < e.count; k++) {
    e.underpayShare[k] = e.underpayDraw[k]! < underpaying ? p.underpayShare : 0;
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

/**
 * What employer k pays a worker who moves to it, against the worker's contract: the share it does
 * not withhold x the overtime premium where it offers overtime. (Its wage level is not in it: a
 * job change keeps the worker's contract wage, moves.ts.) For comparing employers.
 */
export function employerPayFactor(e: Employers, k: number, overtimeFactor: number): number {
  return (1 - e.underpayShare[k]!) * (e.offersOvertime[k] === 1 ? overtimeFactor : 1);
}

/** A uniformly chosen rural SME of `sector`, or any employer of it if it has none. */
export function pickRuralSme(e: Employers, sector: number, u: number): number {
  const start = e.sectorStart[sector]!;
  const n = e.ruralSmeEnd[sector]! - start;
  return n > 0 ? start + Math.min(n - 1, Math.floor(u * n)) : pickEmployer(e, sector, u);
}
