// New arrivals each month (TI, SSW1 from abroad, SIE) and the initial population, with the
// attributes they bring: debt from recruitment fees (seeds 002, 003), family, skill, ties.

import { EventCode, Family, NATIONALITY_COUNT, NO_STATUS, Nationality, SECTOR_COUNT, Status, isWithoutEmployer } from "../codes.js";
import { ENTRY_KINDS } from "../inputs.js";
import { pickEmployer, pickRuralSme } from "../employers.js";
import { type Uniform, seedAgentStream } from "../agent-rng.js";
import { recordSieEntrants } from "../observers.js";
import { setEmployer } from "../pay-codes.js";
import { ESD_TRAINEE, esdFeeFactor, isEsd } from "../esd.js";
import { addAgent, ageMonths, dropLastAgent, ensureCapacity } from "../population.js";
import { dropExpiredReturnees, removeReturnee, restoreReturnee } from "../returnees.js";
import type { SimState } from "../state.js";
import { ssw1ContractWageYen } from "./earnings.js";
import { recordAgentEvent } from "./moves.js";

/**
 * Entry kinds index entry tables: 0 TI, 1 SSW1, 2 SIE from abroad, 3 SIE_STUDENT (an international
 * student changing status to SIE in Japan).
 */
export const EntryKind = { TI: 0, SSW1: 1, SIE: 2, SIE_STUDENT: 3 } as const;
const KIND_STATUS = [Status.TI, Status.SSW1, Status.SIE, Status.SIE] as const;

/** floor(x), plus one with probability frac(x): unbiased integer counts at any scale. */
export function stochasticRound(x: number, u: number): number {
  const f = Math.floor(x);
  return u < x - f ? f + 1 : f;
}

/** A standard normal draw from two uniforms (Box-Muller). */
function normal(draw: Uniform): number {
  const u1 = draw();
  const u2 = draw();
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}

function drawFromShares(shares: Float64Array, offset: number, n: number, u: number): number {
  let acc = 0;
  let last = 0;
  for (let k = 0; k < n; k++) {
    const share = shares[offset + k]!;
    if (share <= 0) continue;
    acc += share;
    if (u < acc) return k;
    last = k;
  }
  // Rounding can leave the cumulative share just under 1: take the last category with a share.
  return last;
}

/**
 * Recruitment debt of a new intern or SSW1 entrant from `nat` on arrival, in home yen (the home
 * currency at its 2017-2021 rate against the yen): the survey's debt, with the interest of the
 * months between borrowing and departure.
 */
function drawDebt(s: SimState, nat: number, esd: boolean, draw: Uniform): number {
  const p = s.params;
  const inputs = s.inputs;
  if (draw() >= inputs.borrowedShareByNationality[nat]!) return 0;
  // Lognormal with mean 1 and the stated coefficient of variation.
  const sigma2 = Math.log(1 + p.debtCv * p.debtCv);
  const factor = Math.exp(Math.sqrt(sigma2) * normal(draw) - sigma2 / 2);
  let debt = inputs.debtYenByNationality[nat]! * factor * p.feeShareBorneByWorker;
  // Vietnam's Law 69/2020 caps the fee; debt (close to the fee in the ISA survey) shrinks with it.
  const feeYen = inputs.feeYenByNationality[nat]!;
  const vnCap = p.feeCapEnforced && nat === Nationality.VN ? Math.min(1, p.feeCapYen / feeYen) : 1;
  debt *= vnCap;
  // ESD caps the trainee's fee at esdFeeCapWageMonths of the wage (esd.ts, rule 3a): on the part
  // of the fee the worker still pays after any other rule, so two caps take the tighter, not
  // their product, and a fee the employer already pays is not cut again.
  if (esd) debt *= esdFeeFactor(p, feeYen * p.feeShareBorneByWorker * vnCap, s.ctx.wageIndex);
  return debt * (1 + p.debtInterestPerMonth) ** p.predepartureWaitMonths;
}

/**
 * Adds one agent of entry kind `kind` and nationality `nat`; returns its row. With
 * `ruralSme`, the employer is a rural SME and every draw comes from the policy stream (interns
 * hired because of a local subsidy, who must not shift the shared streams).
 */
export function createEntrant(s: SimState, kind: number, nat: number, ruralSme = false, initial = false): number {
  const p = s.params;
  const pop = s.pop;
  const draw = ruralSme ? s.rng.policy : s.rng.entries;
  const match = ruralSme ? s.rng.policy : s.rng.matching;
  const now = s.ctx.month;
  const i = addAgent(pop, now);
  seedAgentStream(pop, i, draw);
  const status = KIND_STATUS[kind]!;
  pop.status[i] = status;
  pop.nationality[i] = nat;
  const sector = drawFromShares(s.inputs.entrySectorShare, kind * SECTOR_COUNT, SECTOR_COUNT, draw());
  pop.sector[i] = sector;
  const e = ruralSme ? pickRuralSme(s.employers, sector, match()) : pickEmployer(s.employers, sector, match());
  setEmployer(pop, s.payCodes, i, e);
  // Read at once (docs/performance.md, 'Entrants').
  const wageLevel = s.employers.wageLevel[e]!;
  const ageYears = (kind === EntryKind.TI ? p.tiEntryAgeYears : kind === EntryKind.SSW1 ? p.ssw1EntryAgeYears : p.sieEntryAgeYears)
    + p.entryAgeSdYears * normal(draw);
  pop.birthMonth[i] = now - Math.max(18 * 12, Math.round(ageYears * 12));
  // A graduate of a Japanese school has lived in Japan while studying (counts towards residency)
  // and made the co-national contacts of those months (accrual adds one every 12 / networkTiesPerYear).
  if (kind === EntryKind.SIE_STUDENT) {
    pop.inJapanSinceMonth[i] = now - p.studentStudyMonths;
    pop.networkTies[i] = Math.min(20, Math.floor((p.studentStudyMonths * p.networkTiesPerYear) / 12));
  }
  const baseWage = kind === EntryKind.TI ? p.tiWageYenPerMonth : kind === EntryKind.SSW1 ? p.ssw1WageYenPerMonth : p.sieWageYenPerMonth;
  pop.promisedWageYenPerMonth[i] = baseWage * wageLevel;
  // ESD from 2027-04, except the TITP plans allowed to start until 2027-06 (rule 8). Interns of
  // the initial population are TITP's (the observed stocks are), whenever the run starts.
  const esd = kind === EntryKind.TI && p.esdActive && !p.titpTransitionalEntries && !initial;
  if (kind === EntryKind.TI) {
    pop.tiStage[i] = 1;
    pop.esd[i] = esd ? ESD_TRAINEE : 0;
  }
  // Assumption: SSW1 entrants from abroad are recruited through the same brokers as interns (seed 002).
  if (kind === EntryKind.TI || kind === EntryKind.SSW1) {
    pop.debtHomeYen[i] = drawDebt(s, nat, esd, draw);
    pop.brokerTie[i] = draw() < p.brokerTieProb ? 1 : 0;
  }
  if (draw() < p.partnerAtEntryProb) {
    pop.family[i] = Family.partner | (draw() < p.childrenGivenPartnerProb ? Family.children : 0);
  }
  pop.skill[i] = kind === EntryKind.TI ? p.entrySkillTi : kind === EntryKind.SSW1 ? p.entrySkillSsw1 : p.entrySkillSie;
  // JLPT levels at entry: interns N5 (ESD asks A1), SSW1 N4 (the SSW Japanese test, about A2),
  // SIE N3 (assumption: white-collar work in Japanese).
  // Graduates of Japanese schools N2 (assumption: study in Japanese).
  pop.japaneseLevel[i] = kind === EntryKind.TI ? 1 : kind === EntryKind.SSW1 ? 2 : kind === EntryKind.SIE ? 3 : 4;
  return i;
}

/**
 * One SSW1 entrant from abroad of nationality `nat`: a returnee of the model coming back (the same
 * agent: id, generator, age, family, skill, Japanese, field) with chance ssw1ReturneeEntryShare
 * while any of that nationality is waiting (returnees.ts), else a newcomer. Three draws are taken
 * either way, so the entries stream stays in step across scenarios (common random numbers).
 */
function addSsw1Entrant(s: SimState, nat: number): void {
  const draw = s.rng.entries;
  const uBack = draw();
  const uWho = draw();
  const uEmployer = draw();
  const i = createEntrant(s, EntryKind.SSW1, nat);
  const bucket = s.returnees[nat]!;
  const now = s.ctx.month;
  // Returnees past the re-entry window are dropped when drawn (and once a year, dropExpiredReturnees).
  let k = Math.floor(uWho * bucket.size);
  while (bucket.size > 0 && now - bucket.returnedMonth[k]! >= s.params.returneeReentryWindowMonths) {
    removeReturnee(bucket, k);
    k = Math.floor(uWho * bucket.size);
  }
  if (uBack < s.params.ssw1ReturneeEntryShare && bucket.size > 0) {
    // The id createEntrant just handed out goes back: the returnee keeps its own, and ids count people.
    s.pop.nextId--;
    restoreReturnee(bucket, k, s.pop, i, s.ctx.month);
    removeReturnee(bucket, k);
    // Back in the field of the finished training (the skills-test exemption is by field).
    const e = pickEmployer(s.employers, s.pop.sector[i]!, uEmployer);
    setEmployer(s.pop, s.payCodes, i, e);
    s.pop.promisedWageYenPerMonth[i] = ssw1ContractWageYen(s.params, s.employers, e);
    recordAgentEvent(s, i, EventCode.entry, Status.RETURNED, Status.SSW1);
    return;
  }
  recordAgentEvent(s, i, EventCode.entry, NO_STATUS, Status.SSW1);
}

/** This month's entrants, by the annual inflow series, the nationality mix and the scale. */
export function addEntries(s: SimState): void {
  const { inputs, ctx, params: p } = s;
  const t = ctx.month;
  // Once a year, so the buckets do not grow without bound; within the year, addSsw1Entrant drops
  // an expired returnee when it draws one (a monthly sweep cost about 2% of a run).
  if (t % 12 === 0) dropExpiredReturnees(s.returnees, t, p.returneeReentryWindowMonths);
  const perMonth = [
    inputs.series.tiEntriesPerYear[t]! / 12,
    ctx.ssw1Open ? inputs.series.ssw1EntriesPerYear[t]! / 12 : 0,
    inputs.series.sieEntriesPerYear[t]! / 12,
    // Graduates changing status: the student stock x the year's share who do (driven by the stock).
    (inputs.series.studentStock[t]! * inputs.series.studentToSieSharePerYear[t]!) / 12,
  ];
  // Room for the expected entrants plus a margin; ensureCapacity doubles if ever exceeded.
  ensureCapacity(s.pop, Math.ceil((perMonth[0]! + perMonth[1]! + perMonth[2]! + perMonth[3]!) * inputs.scale * 1.5) + 16);
  for (let kind = 0; kind < ENTRY_KINDS; kind++) {
    for (let nat = 0; nat < NATIONALITY_COUNT; nat++) {
      const expected = perMonth[kind]! * inputs.scale * s.entryNationalityShare[kind * NATIONALITY_COUNT + nat]!;
      const n = stochasticRound(expected, s.rng.entries());
      if (n > 0) ensureCapacity(s.pop, n);
      for (let k = 0; k < n; k++) {
        if (kind === EntryKind.SSW1) {
          addSsw1Entrant(s, nat);
          continue;
        }
        const i = createEntrant(s, kind, nat);
        if (turnedAwayByFieldCap(s, i)) continue;
        recordAgentEvent(s, i, EventCode.entry, NO_STATUS, s.pop.status[i]!);
      }
      // Retention follows entrants from abroad (the OECD figure is of entrants to Japan).
      if (kind === EntryKind.SIE) recordSieEntrants(s.obs, t, n);
    }
  }
  if (p.localSubsidyYenPerInternYear > 0) addSubsidisedInterns(s, perMonth[0]!);
}

/**
 * Whether entrant i, just created, is an ESD trainee whose field has reached its cap (rule 6c: new
 * acceptance stops at the cap): then it does not come, and its row and id are taken back. It was
 * drawn in full first, so the shared streams stay in step whatever the caps (common random numbers).
 */
function turnedAwayByFieldCap(s: SimState, i: number): boolean {
  if (!isEsd(s.pop, i)) return false;
  const room = s.ctx.esdFieldRoom;
  const sector = s.pop.sector[i]!;
  if (room[sector]! >= 1) {
    room[sector]!--;
    return false;
  }
  dropLastAgent(s.pop);
  return true;
}

/**
 * Seed 003 (local policies): municipal subsidies per intern raise rural SMEs' demand. The extra
 * interns are the subsidy's share of an intern's annual pay x elasticity, applied to the rural
 * SMEs' share of regular entries, and are hired by rural SMEs. All their draws come from the
 * policy stream, so the regular entrants match the baseline's (common random numbers).
 */
function addSubsidisedInterns(s: SimState, tiPerMonth: number): void {
  const { inputs, params: p } = s;
  const annualPay = 12 * p.tiWageYenPerMonth * s.ctx.wageIndex;
  const ruralSmeShare = p.ruralShare * p.smeShare;
  const extraPerMonth = tiPerMonth * ruralSmeShare * p.subsidyDemandElasticity * (p.localSubsidyYenPerInternYear / annualPay);
  for (let nat = 0; nat < NATIONALITY_COUNT; nat++) {
    const n = stochasticRound(extraPerMonth * inputs.scale * s.entryNationalityShare[nat]!, s.rng.policy());
    if (n > 0) ensureCapacity(s.pop, n);
    for (let k = 0; k < n; k++) {
      const i = createEntrant(s, EntryKind.TI, nat, true);
      if (turnedAwayByFieldCap(s, i)) continue;
      recordAgentEvent(s, i, EventCode.entry, NO_STATUS, Status.TI);
    }
  }
}

/**
 * The population at the start date from the observed stocks, with time already spent spread
 * uniformly so that completions and exits do not all fall in the same month. Not recorded as
 * entries: they arrived before the simulation.
 */
export function seedInitialPopulation(s: SimState): void {
  const { inputs, params: p, pop, rng } = s;
  // Month stamps are set as at the end of month -1: month 0's accrual is these agents' next month.
  const seededAt = -1;
  for (let st = 0; st < Status.RETURNED; st++) {
    for (let nat = 0; nat < NATIONALITY_COUNT; nat++) {
      const n = stochasticRound(inputs.initialStock[st * NATIONALITY_COUNT + nat]! * inputs.scale, rng.entries());
      ensureCapacity(pop, n);
      for (let k = 0; k < n; k++) {
        // Undocumented workers and applicants in 2017 were mostly former interns (seed 003).
        const kind = st === Status.SIE || st === Status.PR ? EntryKind.SIE : st === Status.SSW1 || st === Status.SSW2 ? EntryKind.SSW1 : EntryKind.TI;
        const i = createEntrant(s, kind, nat, false, true);
        pop.status[i] = st;
        pop.tiStage[i] = 0;
        // Months already spent: TI within the 3-year TITP course; others within 5 years (assumption).
        const span = st === Status.TI ? 36 : 60;
        const m = Math.floor(rng.entries() * span);
        const inJapan = st === Status.TI || st === Status.SIE ? m : m + 36;
        const entryAge = ageMonths(pop, i, s.ctx.month); // as createEntrant drew it
        pop.birthMonth[i] = seededAt - (entryAge + inJapan);
        pop.inJapanSinceMonth[i] = seededAt - inJapan;
        pop.statusSinceMonth[i] = seededAt - m;
        pop.employerSinceMonth[i] = seededAt - m;
        // SIEs have been on a work status all their months in status; SSW2s start counting now.
        pop.workStatusSinceMonth[i] = seededAt - (st === Status.SIE ? m : 0);
        if (st === Status.TI) pop.tiStage[i] = m < 12 ? 1 : 2;
        if (isWithoutEmployer(st)) setEmployer(pop, s.payCodes, i, -1);
        // The months spent, lived as accrual would have: net contract pay less living costs at the
        // start month's wage level (no underpayment or overtime), the debt with its interest
        // repaid first, the rest remitted and saved (at the reference exchange rate).
        const w0 = s.inputs.series.wageIndex[0]!;
        const surplus = Math.max(0, pop.promisedWageYenPerMonth[i]! * w0 * (1 - p.payrollDeductionShare) - p.livingCostYenPerMonth * w0);
        let debt = pop.debtHomeYen[i]!;
        let kept = 0;
        for (let k = 0; k < inJapan; k++) {
          debt *= 1 + p.debtInterestPerMonth;
          const repay = Math.min(debt, surplus * p.debtRepaymentShare);
          debt -= repay;
          kept += surplus - repay;
        }
        pop.debtHomeYen[i] = debt;
        pop.remittedYen[i] = kept * p.remittanceShare;
        pop.savingsYen[i] = kept * (1 - p.remittanceShare);
        pop.skill[i] = Math.min(1, pop.skill[i]! + (p.skillGrowthPerYear * inJapan) / 12);
      }
    }
  }
}
