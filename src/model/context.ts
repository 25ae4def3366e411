// This month's context: series values and the factors every agent shares, computed once per
// month so the per-agent loops only multiply by them.

import { NATIONALITY_COUNT, Nationality, Status } from "./codes.js";
import type { Params } from "./params.js";
import { countStocks, stockOfStatus } from "./observers.js";
import type { SimState } from "./state.js";

/** Fills s.ctx for month t from the series and the parameters in force. */
export function updateMonthContext(s: SimState, t: number): void {
  const { ctx, params: p, inputs } = s;
  const series = inputs.series;
  ctx.month = t;
  ctx.absMonth = inputs.startMonthAbs + t;
  ctx.wageIndex = series.wageIndex[t]!;
  ctx.jobOpeningsRatio = series.jobOpeningsRatio[t]!;
  ctx.yenValueIndex = series.yenValueIndex[t]!;
  for (let nat = 0; nat < NATIONALITY_COUNT; nat++) {
    const yen = inputs.yenValueByNationality[t * NATIONALITY_COUNT + nat]! * ctx.yenValueIndex;
    ctx.yenValueByNationality[nat] = yen;
    ctx.returnYenFactorByNationality[nat] = yen ** p.returnYenElasticity;
  }
  const tightness = ctx.jobOpeningsRatio / p.referenceJobOpeningsRatio;
  // Sano (2012), seed 003: escapes rise with labour-market tightness. The yen reaches absconding
  // through the intern's projected shortfall (hazards.ts); abscondYenElasticity (0 in the
  // baseline) is left for a direct effect, Sano's hypothesis, should data support one.
  ctx.abscondBaseHazard =
    p.abscondBaseHazardPerMonth *
    tightness ** p.abscondTightnessElasticity *
    ctx.yenValueIndex ** p.abscondYenElasticity *
    (p.asylumWorkPermitted ? Math.exp(p.abscondAsylumPermitLogHr) : 1);
  ctx.jobChangeTightness = tightness ** p.jobChangeTightnessElasticity;
  abscondOriginTerms(ctx.abscondOriginLogHr, p);
  ti2Continuation(ctx.ti2ContinuationProbByNationality, p);
  ctx.ssw2AllSectors = p.ssw2AllSectors;
  // SSW uptake starts at sswUptakeInitialShare and rises over sswUptakeRampMonths after the
  // status opens (calibrated to the SSW1 stock 2019-2021); while the SSW (i) cap is reached,
  // nobody enters SSW1 (rules.md).
  if (p.sswAvailable) s.sswOpenMonths++;
  if (p.esdActive) s.esdOpenMonths++;
  ctx.ssw1Open = p.sswAvailable && !(p.ssw1StockCapOn && ssw1Stock(s) >= series.ssw1StockCap[t]! * inputs.scale);
  const ramp = Math.min(1, s.sswOpenMonths / p.sswUptakeRampMonths) ** p.sswUptakeRampShape;
  ctx.sswSponsorFactor = ctx.ssw1Open ? p.sswUptakeInitialShare + (1 - p.sswUptakeInitialShare) * ramp : 0;
  // Changes of status from TI to SSW1 were processed in number only once the procedures were
  // set up (ssw_stock.csv: a step from 219 holders at 2019-09 to 1,621 at 2019-12).
  ctx.ssw1Processing = ctx.ssw1Open && s.sswOpenMonths > p.sswProcessingStartMonths;
}

/**
 * The origin term of absconding by nationality: what the nationality x year shares of the missing
 * (ti_missing_by_nationality.csv) ask of Chinese, Cambodian and Myanmar interns beyond their
 * debts, fees and pay (calibrated residuals, not mechanisms: docs/model.md 7.8), plus the dated
 * origin shock of Myanmar's 2021 coup while Japan's designated-activities measure holds.
 */
function abscondOriginTerms(out: Float64Array, p: Params): void {
  out.fill(0);
  out[Nationality.CN] = p.abscondResidualLogHrCN;
  out[Nationality.KH] = p.abscondResidualLogHrKH;
  out[Nationality.MM] = p.abscondResidualLogHrMM + (p.myanmarDesignatedActivities ? p.abscondMyanmarLogHr : 0);
}

/**
 * The chance a TITP intern goes on from TI-1 to TI-2, by nationality: ti2ContinuationProb with the
 * nationality's shift of its log odds. e-Stat's stocks by stage show Chinese interns (and the
 * smaller nationalities) leaving between TI-1 and TI-2 far more often than Vietnamese or
 * Indonesian ones (docs/model.md 7.6); the shifts are derived from those stocks
 * (scripts/ti-survival.mjs).
 */
function ti2Continuation(out: Float64Array, p: Params): void {
  const base = Math.log(p.ti2ContinuationProb / (1 - p.ti2ContinuationProb));
  for (let nat = 0; nat < NATIONALITY_COUNT; nat++) out[nat] = base;
  out[Nationality.VN] = base + p.ti2ContinuationLogOddsVN;
  out[Nationality.CN] = base + p.ti2ContinuationLogOddsCN;
  out[Nationality.ID] = base + p.ti2ContinuationLogOddsID;
  out[Nationality.OTHER] = base + p.ti2ContinuationLogOddsOTHER;
  for (let nat = 0; nat < NATIONALITY_COUNT; nat++) out[nat] = 1 / (1 + Math.exp(-out[nat]!));
}

/**
 * SSW1 holders in Japan now (before this month's entrants): the count at the end of last month,
 * made by last month's agent-months, or by counting the rows now when there was none (month 0).
 */
function ssw1Stock(s: SimState): number {
  if (s.obs.stocksMonth !== s.ctx.month - 1) countStocks(s.obs, s.pop, s.ctx.month - 1);
  return stockOfStatus(s.obs, Status.SSW1);
}
