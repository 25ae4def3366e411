// One simulated month, as a list (docs/model.md, "Process overview and scheduling"): the month's
// context, its tables, entrants, the agent-months of everyone in Japan, and compaction of
// leavers' rows.

import { updateMonthContext } from "./context.js";
import { countEsd } from "./esd.js";
import { agentMonths } from "./kernel.generated.js";
import { finishStockCount } from "./observers.js";
import { updatePayCodes } from "./pay-codes.js";
import { removeExited } from "./population.js";
import type { SimState } from "./state.js";
import { updateDecisionBounds } from "./transitions/decide.js";
import { updateAccrualRates } from "./transitions/earnings.js";
import { addEntries } from "./transitions/entries.js";
import { updateFamilyTable } from "./transitions/family.js";

/** Compaction runs once leavers fill this share of the rows (amortised O(1) per leaver). */
const COMPACT_WHEN_EXITED_SHARE = 0.25;

/** The month's tables: employers' pay codes, accrual rates, family rules, the decision screen. */
export function updateMonthTables(s: SimState): void {
  const { tables, params: p, ctx } = s;
  updatePayCodes(s.payCodes, s.employers, s.pop);
  updateAccrualRates(tables.accrual, p, ctx.month, ctx.wageIndex, ctx.yenValueByNationality, s.payCodes);
  updateFamilyTable(tables.family, p);
  updateDecisionBounds(s, tables.bounds);
}

/** The agent-months of a month (kernel.ts): the generated kernel, or its source in tests of the generator. */
export type AgentMonths = (s: SimState, firstEntrant: number) => void;

/**
 * Month t. Entrants need nothing from the month's accrual (they arrive after it), so they are
 * added before the agent-months, which then take everyone in Japan in one pass.
 */
export function stepMonth(s: SimState, t: number, kernel: AgentMonths = agentMonths): void {
  updateMonthContext(s, t);
  // ESD's caps (per employer and per field) count trainees at the start of the month, for as long
  // as there may be trainees: a scenario that ends ESD leaves those in Japan with their rules.
  if (s.params.esdActive || s.esdOpenMonths > 0) countEsd(s.params, s.pop, s.employers, s.inputs.scale, s.ctx.esdFieldRoom);
  updateMonthTables(s);
  const firstEntrant = s.pop.size;
  addEntries(s);
  kernel(s, firstEntrant);
  finishStockCount(s.obs);
  if (s.pop.exitedRows > s.pop.size * COMPACT_WHEN_EXITED_SHARE) removeExited(s.pop);
}
