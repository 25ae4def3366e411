// Technical interns: stage progression, completion (SSW1 if an employer sponsors, TI-3, or
// return; under ESD, the SSW(i) tests), and each month's competing options: abscond, go home
// early, change employer where the rules allow (TITP 'unavoidable' transfers; ESD own-will
// transfers after 1-2 years, esd.ts).

import { Status } from "../codes.js";
import { ESD_BASIC_PASSED, ESD_YEAR1_MONTHS, esdMilestoneMonths, esdOwnWillOpen, esdSsw1PassProb, esdWaitMonths, isEsd } from "../esd.js";
import type { Params } from "../params.js";
import { monthsInStatus, monthsWithEmployer } from "../population.js";
import type { SimState } from "../state.js";
import { BOUND_SLACK, type DecisionBounds, TIES_VALUES, expUpperBound, pos } from "./bounds.js";
import { chooseCompeting } from "./competing.js";
import { ssw1ContractWageYen } from "./earnings.js";
import { abscondAgentLogHr, abscondHazard, abscondTenureLogHr, goalShortfallShare, jobChangeBaseHazard, updateAbscondBounds } from "./hazards.js";
import { DESIGNATED_SPECIAL_STAY } from "./irregular.js";
import { changeEmployer, changeEmployerEsd, moveStatus } from "./moves.js";

const TI1_MONTHS = 12; // rules.md: TI-1 up to 1 year
const TI2_END_MONTHS = 36; // TI-2: 2 more years
const TI3_END_MONTHS = 60; // TI-3: 2 more years, 5 years at most
/** TITP interns may go on to TI-3 after ESD starts only with this many months in status on its first day (rule 8: a year in TI-2). */
const TI3_TRANSITIONAL_MONTHS = 24;
/**
 * TITP stage of an intern whose employer has sponsored them into SSW1 before changes of status
 * were processed in number (sswProcessingStartMonths): they keep working, waiting for the change.
 */
export const TI_AWAITING_SSW1 = 4;

/**
 * Whether an intern (ESD or not, stage, months in status) has reached a scheduled milestone this
 * month: the end of a TITP stage or a month of waiting for the change to SSW1; under ESD the end
 * of year 1, of the training or of the retake year (esd.ts). Milestones replace the month's
 * hazards (decideIntern).
 */
export function internAtMilestone(p: Params, esd: boolean, stage: number, months: number): boolean {
  return months >= (esd ? esdMilestoneMonths(p, stage) : (MILESTONE_MONTHS_BY_STAGE[stage] ?? Infinity));
}

/**
 * Months in status at which each TITP stage reaches its milestone: none at stage 0 (not an
 * intern), every month while waiting for SSW1 (a table: docs/performance.md, 'No short cuts in the screen').
 */
const MILESTONE_MONTHS_BY_STAGE = [Infinity, TI1_MONTHS, TI2_END_MONTHS, TI3_END_MONTHS, -Infinity];

/**
 * Chance the intern's employer sponsors them into SSW1 at completion (seed 001), scaled by this
 * month's uptake (0 before SSW exists or while its cap is reached).
 */
function sponsorProb(s: SimState, i: number): number {
  const e = s.pop.employer[i]!;
  const p = s.params;
  return (e >= 0 && s.employers.promoter[e] === 1 ? p.promoterSponsorProb : p.otherSponsorProb) * s.ctx.sswSponsorFactor;
}

/**
 * A sponsored intern moves to SSW1 if changes of status are processed this month, and otherwise
 * waits on TI_AWAITING_SSW1.
 */
function sponsorIntoSsw1(s: SimState, i: number): void {
  if (s.ctx.ssw1Processing) toSsw1(s, i);
  else {
    // Only TITP interns are sponsored here. One waiting after TI-3 leaves the TI-3 count, though
    // ISA would still count it in TI-3 until the change: only the 2019 launch backlog waits.
    if (s.pop.tiStage[i] === 3) s.obs.ti3Interns--;
    s.pop.tiStage[i] = TI_AWAITING_SSW1;
  }
}

function toSsw1(s: SimState, i: number): void {
  const e = s.pop.employer[i]!;
  moveStatus(s, i, Status.SSW1);
  // Same employer, now on SSW pay.
  s.pop.promisedWageYenPerMonth[i] = ssw1ContractWageYen(s.params, s.employers, e);
}

/**
 * A finishing intern who is not staying goes home: its decision draw u lies in [lo, 1), the part
 * of the draw left after the other completion outcomes. The first subsidiaryHireProbAtPromoter of
 * that part, at a promoting employer, is hired by the employer's subsidiary at home (seed 001).
 */
function goHomeAtCompletion(s: SimState, i: number, u: number, lo: number): void {
  const e = s.pop.employer[i]!;
  const hire = e >= 0 && s.employers.promoter[e] === 1 ? s.params.subsidiaryHireProbAtPromoter : 0;
  moveStatus(s, i, u - lo < (1 - lo) * hire ? Status.SUBSIDIARY : Status.RETURNED);
}

/**
 * One month's decision of intern i, with its decision draw u. Reads this month's bounds
 * (s.tables.bounds, filled by updateDecisionBounds in stepMonth) for its second screen: a caller
 * that changes the parameters, the month's context or the employers' traits after the bounds were
 * filled must fill them again first (unfilled bounds are NaN and screen nothing).
 */
export function decideIntern(s: SimState, i: number, u: number): void {
  const pop = s.pop;
  const p = s.params;
  const m = monthsInStatus(pop, i, s.ctx.month);
  const stage = pop.tiStage[i]!;
  const esd = isEsd(pop, i);

  // Scheduled milestones replace this month's hazards.
  if (stage === TI_AWAITING_SSW1) {
    // Waiting for the change of status: granted once processing runs, or by chance before;
    // if SSW1 closes meanwhile (cap reached, status abolished), the intern goes home.
    if (!s.ctx.ssw1Open) moveStatus(s, i, Status.RETURNED);
    else if (s.ctx.ssw1Processing || u < p.sswEarlyProcessingProbPerMonth) toSsw1(s, i);
    return;
  }
  if (esd && internAtMilestone(p, true, stage, m)) {
    decideEsdMilestone(s, i, stage, u);
    return;
  }
  if (!esd && stage === 1 && m >= TI1_MONTHS) {
    if (u < s.ctx.ti2ContinuationProbByNationality[pop.nationality[i]!]!) pop.tiStage[i] = 2;
    else moveStatus(s, i, Status.RETURNED);
    return;
  }
  if (!esd && stage === 2 && m >= TI2_END_MONTHS) {
    const pSponsor = sponsorProb(s, i);
    const pTi3 = ti3Open(s, m) ? (1 - pSponsor) * ti3UptakeProb(p) : 0;
    if (u < pSponsor) sponsorIntoSsw1(s, i);
    else if (u < pSponsor + pTi3) {
      pop.tiStage[i] = 3;
      s.obs.ti3Interns++;
    } else goHomeAtCompletion(s, i, u, pSponsor + pTi3);
    return;
  }
  if (!esd && stage === 3 && m >= TI3_END_MONTHS) {
    const pSponsor = sponsorProb(s, i);
    if (u < pSponsor) sponsorIntoSsw1(s, i);
    else goHomeAtCompletion(s, i, u, pSponsor);
    return;
  }

  // The second screen: a draw at or above it would leave the intern where it is (bounds.ts).
  if (u >= internSecondBound(s, s.tables.bounds, i)) return;
  const h = s.tables.hazards;
  switch (chooseCompeting(h, internHazards(s, i, h), u)) {
    case 0: moveStatus(s, i, Status.IRREGULAR); break;
    case 1: moveStatus(s, i, Status.RETURNED); break;
    case 2:
      if (esd && esdOwnWillOpen(p, pop, i, monthsWithEmployer(pop, i, s.ctx.month))) changeEmployerEsd(s, i);
      else changeEmployer(s, i);
      break;
    case 3: changeEmployer(s, i); break;
    case 4:
      moveStatus(s, i, Status.DESIGNATED);
      pop.tiStage[i] = DESIGNATED_SPECIAL_STAY; // its end is scheduled (decideDesignated)
      break;
    default: break;
  }
}

/**
 * The chance a finishing TI-2 intern not sponsored into SSW1 goes on to TI-3: higher while the
 * pandemic kept interns from going home and TI-3 could start without its month at home
 * (pandemicTi3HomeLeaveWaived).
 */
function ti3UptakeProb(p: Params): number {
  return p.pandemicTi3HomeLeaveWaived ? p.pandemicTi3UptakeProb : p.ti3UptakeProb;
}

/**
 * Whether a TITP intern finishing TI-2 after `m` months in status may go on to TI-3: where TI-3
 * exists, and once ESD is in force only with a year in TI-2 on ESD's first day (rule 8).
 */
function ti3Open(s: SimState, m: number): boolean {
  const p = s.params;
  return p.ti3Available && (!p.esdActive || m - (s.esdOpenMonths - 1) >= TI3_TRANSITIONAL_MONTHS);
}

/**
 * An ESD trainee's scheduled step (esd.ts), with its decision draw u. End of year 1: the basic
 * skills test (rule 4c), and the pay rise owed in the fields keeping the 2-year restriction
 * (rule 1i). End of the training: SSW1 for those who pass the SSW(i) tests (rule 5a; while SSW1
 * is open), else a year to retake them (rule 5b; assumption: all who fail stay for it), after
 * which those who fail again go home.
 */
function decideEsdMilestone(s: SimState, i: number, stage: number, u: number): void {
  const pop = s.pop;
  const p = s.params;
  if (stage === 1) {
    if (u < p.esdBasicTestPassProb) pop.esd[i] = pop.esd[i]! | ESD_BASIC_PASSED;
    if (esdWaitMonths(p, pop.sector[i]!) > ESD_YEAR1_MONTHS) pop.promisedWageYenPerMonth[i] = pop.promisedWageYenPerMonth[i]! * (1 + p.esdYear2PayRiseShare);
    pop.tiStage[i] = 2;
    return;
  }
  const pass = s.ctx.ssw1Open ? esdSsw1PassProb(p, pop.japaneseLevel[i]!) : 0;
  if (u < pass) toSsw1(s, i);
  else if (stage === 2 && p.esdSsw1RetakeMonths > 0) pop.tiStage[i] = 3;
  else goHomeAtCompletion(s, i, u, pass);
}

/** The shortfall term of an ESD intern's own-will employer change, for an employer withholding `underpayShare`. */
function esdShortfallLogHr(p: Params, underpayShare: number): number {
  return p.esdJobChangeShortfallLogHrPerShare * underpayShare;
}

/** Of interns who want out and have a legal transfer open, the share who ask for it rather than abscond. */
export function legalTransferShare(p: Params): number {
  return 1 / (1 + Math.exp(-p.legalTransferLogOdds));
}

/**
 * The hazards of intern i this month (between milestones), in h: [0] abscond, [1] go home early,
 * [2] a transfer the intern asks for, [3] an 'unavoidable' transfer, [4] the pandemic's special
 * 'designated activities' stay. Returns how many.
 *
 * Leaving the employer is one choice: abscondHazard is the hazard of wanting out when absconding
 * is the only way out (what the 2014-2023 data measured, under TITP). Where a legal transfer is
 * open, a share legalTransferShare of those who want out ask for it instead, and the rest
 * abscond. Two legal routes:
 * - ESD past its field's wait, with the basic test and the Japanese level (esdOwnWillOpen): an
 *   own-will transfer. Trainees also ask for one for ordinary reasons (esdJobChangeHazardPerMonth,
 *   more at an underpaying employer). Requests are arranged by the public bodies, which find a
 *   receiver for esdTransferMatchProb of them (rule 1g); the receiver's cap and its cost act in
 *   changeEmployerEsd. A request that fails leaves the trainee where it is.
 * - Otherwise (TITP; ESD before the wait or without the tests), at an underpaying employer once
 *   titpGrievanceTransfer holds: the grievance route, of which legalTransferRefusalProb fail.
 * - TITP while pandemicSpecialStay holds (2020-04 to 2022-05), where no grievance route is open:
 *   for pandemicSpecialStayOpenShare of those who want out (the dismissed, or those whose training
 *   could not go on), a change to 'designated activities' with work (ISA's special measure), of
 *   which legalTransferRefusalProb fail. The rest abscond.
 * Besides, 'unavoidable' transfers stay possible at any time where the employer breaks the
 * contract (rules.md; ESD rule 2).
 */
export function internHazards(s: SimState, i: number, h: Float64Array): number {
  const pop = s.pop;
  const p = s.params;
  const wantOut = abscondHazard(s, i);
  h[1] = p.tiEarlyReturnHazardPerMonth;
  const e = pop.employer[i]!;
  const shortfall = e >= 0 ? s.employers.underpayShare[e]! : 0;
  h[3] = shortfall > 0 ? p.tiUnavoidableTransferHazardPerMonth : 0;
  if (isEsd(pop, i) && esdOwnWillOpen(p, pop, i, monthsWithEmployer(pop, i, s.ctx.month))) {
    const legal = legalTransferShare(p);
    h[0] = wantOut * (1 - legal);
    const ordinary = jobChangeBaseHazard(s, p.esdJobChangeHazardPerMonth) * Math.exp(esdShortfallLogHr(p, shortfall));
    h[2] = (ordinary + wantOut * legal) * p.esdTransferMatchProb;
    h[4] = 0;
  } else {
    // One legal way out at most: the grievance route where it is open, else (TITP interns only:
    // the measure ended before ESD) the pandemic's special stay.
    const grievance = p.titpGrievanceTransfer && shortfall > 0 ? legalTransferShare(p) : 0;
    const special = grievance === 0 && p.pandemicSpecialStay && !isEsd(pop, i) ? p.pandemicSpecialStayOpenShare * legalTransferShare(p) : 0;
    h[0] = wantOut * (1 - grievance - special);
    h[2] = wantOut * grievance * (1 - p.legalTransferRefusalProb);
    h[4] = wantOut * special * (1 - p.legalTransferRefusalProb);
  }
  return 5;
}

/** This month's parts of the interns' bound that hold for every intern (internHazardBound). */
export function updateInternBounds(s: SimState, b: DecisionBounds): void {
  const p = s.params;
  updateAbscondBounds(s, b);
  const earlyReturn = pos(p.tiEarlyReturnHazardPerMonth);
  b.tiOtherTitp = earlyReturn + pos(p.tiUnavoidableTransferHazardPerMonth);
  // The ESD employer change at the largest shortfall term of any employer, as if the wait were over.
  const esdShortfall = Math.max(esdShortfallLogHr(p, b.minUnderpayShare), esdShortfallLogHr(p, b.maxUnderpayShare));
  // The 'unavoidable' transfers, and the own-will requests at most (esdTransferMatchProb <= 1).
  b.tiOtherEsd = b.tiOtherTitp + pos(jobChangeBaseHazard(s, p.esdJobChangeHazardPerMonth)) * Math.exp(pos(esdShortfall)) * BOUND_SLACK;
}

/**
 * An upper bound of intern i's total hazard (internHazards) this month, or NaN at a milestone
 * (decideIntern then takes a scheduled step, not the hazards). The agent's own terms
 * (abscondAgentLogHr) and its tenure term exactly, the rest from the month's table. The tenure
 * term taken exactly rather than at its largest (the second year's, against the first year's
 * -1.4) costs one read and sends fewer interns to the full decision (docs/performance.md).
 */
export function internHazardBound(s: SimState, b: DecisionBounds, i: number): number {
  const pop = s.pop;
  const esd = isEsd(pop, i);
  if (internAtMilestone(s.params, esd, pop.tiStage[i]!, monthsInStatus(pop, i, s.ctx.month))) return NaN;
  return internBoundOf(s, b, i, esd, b.tiAbscondSharedTerms, 0);
}

/**
 * The interns' second screen: internHazardBound with the goal shortfall term taken exactly, for an
 * intern not at a milestone whose draw fell below the first. The first takes that term at its
 * largest (exp(abscondGoalShortfallLogHr), about 10 at the defaults), so about 3.7% of intern-months
 * failed it where 0.8% fail this one; computing the share for every intern in the first screen
 * costs more than the decisions it saves (docs/performance.md, 'The interns' second screen').
 */
export function internSecondBound(s: SimState, b: DecisionBounds, i: number): number {
  const goalLogHr = s.params.abscondGoalShortfallLogHr * goalShortfallShare(s, i);
  return internBoundOf(s, b, i, isEsd(s.pop, i), b.tiAbscondSharedTermsBeforeGoal, goalLogHr);
}

/**
 * The interns' bound from a table of shared absconding terms (by broker tie and ties) and the
 * terms taken exactly: the agent's own, its tenure term and `extraLogHr` (what the table leaves out).
 */
function internBoundOf(s: SimState, b: DecisionBounds, i: number, esd: boolean, sharedTerms: Float64Array, extraLogHr: number): number {
  const pop = s.pop;
  const own = abscondAgentLogHr(s, i) + abscondTenureLogHr(s.params, monthsWithEmployer(pop, i, s.ctx.month)) + extraLogHr;
  const abscond = sharedTerms[pop.brokerTie[i]! * TIES_VALUES + pop.networkTies[i]!]! * expUpperBound(own);
  return (abscond + (esd ? b.tiOtherEsd : b.tiOtherTitp)) * BOUND_SLACK;
}
