// This month's context: series values and the factors every agent shares, computed once per
// month so the per-agent loops only multiply by them.

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
  const tightness = ctx.jobOpeningsRatio / p.referenceJobOpeningsRatio;
  // Sano (2012), seed 003: escapes rise with labour-market tightness and with the yen's value.
  ctx.abscondBaseHazard =
    p.abscondBaseHazardPerMonth *
    tightness ** p.abscondTightnessElasticity *
    ctx.yenValueIndex ** p.abscondYenElasticity *
    (p.asylumWorkPermitted ? Math.exp(p.abscondAsylumPermitLogHr) : 1);
  ctx.jobChangeTightness = tightness ** p.jobChangeTightnessElasticity;
  ctx.returnYenFactor = ctx.yenValueIndex ** p.returnYenElasticity;
  ctx.ssw2AllSectors = p.ssw2AllSectors;
}
