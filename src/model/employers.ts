// Employers are agents too: size, sector, region, wage level, contract compliance, overtime,
// and whether they promote foreign workers (seed 001). Stored as typed arrays, grouped by
// sector so a random employer of a sector is one draw.

import { SECTOR_COUNT } from "./codes.js";
import type { Params } from "./params.js";
import type { Uniform } from "./state.js";

export interface Employers {
  count: number;
  /** Rows of sector s are [sectorStart[s], sectorStart[s + 1]). */
  sectorStart: Int32Array;
  sector: Uint8Array;
  isSme: Uint8Array;
  rural: Uint8Array;
  /** Multiplier on the status wage. */
  wageLevel: Float32Array;
  /** Share of the contract wage withheld (0 = pays as promised). @see seed 003 */
  underpayShare: Float32Array;
  offersOvertime: Uint8Array;
  /** 1 = recognises and cultivates foreign workers' skills and sponsors them (seed 001). */
  promoter: Uint8Array;
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
    sector: new Uint8Array(count),
    isSme: new Uint8Array(count),
    rural: new Uint8Array(count),
    wageLevel: new Float32Array(count),
    underpayShare: new Float32Array(count),
    offersOvertime: new Uint8Array(count),
    promoter: new Uint8Array(count),
  };
  // Uniform spread with the stated coefficient of variation: sd of U(-a, a) is a / sqrt(3).
  const halfWidth = p.sameStatusWageSpreadCv * Math.sqrt(3);
  for (let s = 0; s < SECTOR_COUNT; s++) {
    for (let k = sectorStart[s]!; k < sectorStart[s + 1]!; k++) {
      const sme = u() < p.smeShare;
      e.sector[k] = s;
      e.isSme[k] = sme ? 1 : 0;
      e.rural[k] = u() < p.ruralShare ? 1 : 0;
      e.wageLevel[k] = 1 + halfWidth * (2 * u() - 1);
      e.underpayShare[k] = u() < p.underpayingEmployerShare ? p.underpayShare : 0;
      e.offersOvertime[k] = u() < p.overtimeOfferedShare ? 1 : 0;
      e.promoter[k] = u() < (sme ? p.promoterShareSme : p.promoterShareLarge) ? 1 : 0;
    }
  }
  return e;
}

/** A uniformly chosen employer of `sector`. */
export function pickEmployer(e: Employers, sector: number, u: number): number {
  const start = e.sectorStart[sector]!;
  const n = e.sectorStart[sector + 1]! - start;
  return start + Math.min(n - 1, Math.floor(u * n));
}
