// Employment for Skill Development (ESD, ikusei shuro), which replaces TITP from 2027-04-01: the
// rules that set it apart, each written once here and composed by the intern's decision
// (transitions/intern.ts), the job change (transitions/moves.ts) and entries (transitions/entries.ts).
// Every rule and its source: data/rules.md, 'Employment for Skill Development'; docs/model.md 7.16.

import { SECTOR_COUNT, Sector, Status } from "./codes.js";
import type { Employers } from "./employers.js";
import type { Params } from "./params.js";
import type { Population } from "./population.js";

// Population.esd is a set of flags, so ESD's per-trainee facts need no array of their own.
/** The agent entered as an ESD trainee (not a TITP intern). */
export const ESD_TRAINEE = 1;
/** Passed the Trade Skills Test Basic Grade (or ESD's equivalent), sat at the end of year 1. */
export const ESD_BASIC_PASSED = 2;
/** Came to its current employer by an own-will transfer (counts towards the receiver's cap). */
export const ESD_TRANSFEREE = 4;
/** ... and from outside the designated urban area into it (the tighter 1/6 cap). */
export const ESD_FROM_OUTSIDE = 8;

/** Whether agent i is an ESD trainee (or was one, once it has left TI). */
export const isEsd = (pop: Population, i: number): boolean => (pop.esd[i]! & ESD_TRAINEE) !== 0;

/** ESD's training: 3 years to SSW(i) level (esd-rules.md rule 0b). */
export const ESD_MONTHS = 36;
/** The end of year 1: the basic skills test, and the pay rise of fields keeping the 2-year restriction. */
export const ESD_YEAR1_MONTHS = 12;
/** The apportionment of the first employer's initial costs falls to 0 over the 3-year training (assumption: rule 1h gives no rates). */
const COMPENSATION_HORIZON_MONTHS = 36;

/**
 * Months an ESD trainee must stay with its first employer before an own-will transfer, by field
 * (esd-rules.md rules 1a-1c: 1 year in agriculture and services, 2 years in the other fields).
 */
export function esdWaitMonths(p: Params, sector: number): number {
  return sector === Sector.agriculture || sector === Sector.services ? p.esdWaitMonthsShortFields : p.esdWaitMonthsLongFields;
}

/**
 * Months in status at which an intern's next scheduled step falls: for ESD the end of year 1
 * (stage 1), of the training (stage 2) and of the year allowed to retake the SSW(i) tests
 * (stage 3); for TITP those of intern.ts. Also where the intern's legal stay ends (hazards.ts).
 */
export function esdMilestoneMonths(p: Params, stage: number): number {
  return stage === 1 ? ESD_YEAR1_MONTHS : stage === 2 ? ESD_MONTHS : stage === 3 ? ESD_MONTHS + p.esdSsw1RetakeMonths : Infinity;
}

/** Whether ESD trainee i may ask for an own-will transfer now: past its field's wait, basic test passed, Japanese level met (rule 1d). */
export function esdOwnWillOpen(p: Params, pop: Population, i: number, monthsWithEmployer: number): boolean {
  return monthsWithEmployer >= esdWaitMonths(p, pop.sector[i]!)
    && (pop.esd[i]! & ESD_BASIC_PASSED) !== 0
    && pop.japaneseLevel[i]! >= p.esdTransferJapaneseLevel;
}

/**
 * The share of a fee left to an ESD trainee under the cap (rule 3a): the fee is capped at
 * esdFeeCapWageMonths of the intern's wage this month (tiWageYenPerMonth at 2023 prices x the
 * wage index), the employer bears the rest, and the cap holds for
 * esdFeeCapComplianceShare of the excess. Debt, close to the fee in the ISA survey, scales with it.
 */
export function esdFeeFactor(p: Params, feeYen: number, wageIndex: number): number {
  const capYen = p.esdFeeCapWageMonths * p.tiWageYenPerMonth * wageIndex;
  const capped = feeYen > capYen ? capYen / feeYen : 1;
  return 1 - p.esdFeeCapComplianceShare * (1 - capped);
}

/** The SSW(i) tests for an ESD completer (no waiver, rule 5a): A2 (JLPT N4) Japanese and the skills test at one sitting. */
export function esdSsw1PassProb(p: Params, japaneseLevel: number): number {
  return japaneseLevel >= 2 ? p.esdSsw1SkillTestPassProb : 0;
}

/**
 * The compensation a receiving employer owes the first for an ESD trainee who transfers after
 * `monthsWithEmployer` months, yen (rule 1h): the initial costs, apportioned by the months left
 * of the training.
 */
export function esdCompensationYen(p: Params, monthsWithEmployer: number): number {
  const left = 1 - monthsWithEmployer / COMPENSATION_HORIZON_MONTHS;
  return left > 0 ? p.esdInitialCostYen * left : 0;
}

/** Chance a receiving employer accepts a transferee for whom it owes `compensationYen` (esdCompensationRefusalPerMillionYen). */
export function esdAcceptProb(p: Params, compensationYen: number): number {
  return Math.exp((-p.esdCompensationRefusalPerMillionYen * compensationYen) / 1e6);
}

/** "At most 1/3": exactly a third is allowed, so the product (1/3 x 3 = 0.999...) gets a tolerance. */
const CAP_TOLERANCE = 1e-9;

/**
 * Whether employer k may take one more own-will transferee (rule 1f): transferees at most
 * esdTransfereeShareCap of its ESD trainees, counting the newcomer; an urban employer taking one
 * from outside the area, those at most esdTransfereeShareCapUrbanFromOutside.
 */
export function esdHasRoom(p: Params, e: Employers, k: number, fromOutside: boolean): boolean {
  const trainees = e.esdTrainees[k]! + 1;
  if (e.esdTransferees[k]! + 1 > p.esdTransfereeShareCap * trainees + CAP_TOLERANCE) return false;
  return !fromOutside || e.esdFromOutside[k]! + 1 <= p.esdTransfereeShareCapUrbanFromOutside * trainees + CAP_TOLERANCE;
}

/** Whether a move from employer `from` to `to` brings a worker from outside the designated urban area into it. */
export function fromOutsideArea(e: Employers, from: number, to: number): boolean {
  return e.rural[to] === 0 && (from < 0 || e.rural[from] === 1);
}

/** ESD trainee i leaves employer k's counts (a transfer away; the monthly recount covers every other change). */
export function leaveEsdCounts(e: Employers, pop: Population, i: number, k: number): void {
  if (k < 0) return;
  const f = pop.esd[i]!;
  e.esdTrainees[k]!--;
  if ((f & ESD_TRANSFEREE) !== 0) e.esdTransferees[k]!--;
  if ((f & ESD_FROM_OUTSIDE) !== 0) e.esdFromOutside[k]!--;
}

/** ESD trainee i, just arrived at employer k by an own-will transfer, enters its counts. */
export function joinEsdCounts(e: Employers, pop: Population, i: number, k: number, fromOutside: boolean): void {
  pop.esd[i] = (pop.esd[i]! & (ESD_TRAINEE | ESD_BASIC_PASSED)) | ESD_TRANSFEREE | (fromOutside ? ESD_FROM_OUTSIDE : 0);
  e.esdTrainees[k]!++;
  e.esdTransferees[k]!++;
  if (fromOutside) e.esdFromOutside[k]!++;
}

/**
 * Recounts, at the start of a month while ESD is in force, each employer's ESD trainees and
 * transferees (the caps of rule 1f) and each field's room under its cap (rule 6c: residents at any
 * time; `out`, simulated trainees, so scaled). One pass over the rows, only from 2027-04.
 */
export function countEsd(p: Params, pop: Population, e: Employers, scale: number, out: Float64Array): void {
  e.esdTrainees.fill(0);
  e.esdTransferees.fill(0);
  e.esdFromOutside.fill(0);
  const capScaled = p.esdFieldCapScale * scale;
  out[Sector.manufacturing] = p.esdFieldCapManufacturing * capScaled;
  out[Sector.construction] = p.esdFieldCapConstruction * capScaled;
  out[Sector.agriculture] = p.esdFieldCapAgriculture * capScaled;
  out[Sector.care] = p.esdFieldCapCare * capScaled;
  out[Sector.food] = p.esdFieldCapFood * capScaled;
  out[Sector.services] = p.esdFieldCapServices * capScaled;
  for (let s = Sector.professional; s < SECTOR_COUNT; s++) out[s] = 0;
  for (let i = 0; i < pop.size; i++) {
    const f = pop.esd[i]!;
    if ((f & ESD_TRAINEE) === 0 || pop.status[i] !== Status.TI) continue;
    out[pop.sector[i]!]!--;
    const k = pop.employer[i]!;
    if (k < 0) continue;
    e.esdTrainees[k]!++;
    if ((f & ESD_TRANSFEREE) !== 0) e.esdTransferees[k]!++;
    if ((f & ESD_FROM_OUTSIDE) !== 0) e.esdFromOutside[k]!++;
  }
}
