// One simulated month: a fixed, documented order of mechanisms (docs/model.md, "Process
// overview and scheduling").

import { Status } from "./codes.js";
import { updateMonthContext } from "./context.js";
import { refreshAgentPayCodes, updateEmployerPayCodes } from "./employers.js";
import { removeExited } from "./population.js";
import type { SimState } from "./state.js";
import { sweepMonth } from "./sweep.js";
import { decideAgent } from "./transitions/decide.js";
import { accrueMonth } from "./transitions/earnings.js";
import { addEntries } from "./transitions/entries.js";
import { applyFamilyLife } from "./transitions/family.js";

/** Every agent in Japan takes this month's decision, with exactly one draw of its own generator each. */
export function decideAll(s: SimState): void {
  const pop = s.pop;
  const draw = s.rng.decisions;
  const n = pop.size; // agents moved this month are not visited twice: moves keep rows in place
  const status = pop.status;
  for (let i = 0; i < n; i++) {
    const st = status[i]!;
    if (st >= Status.RETURNED) continue; // left Japan: no decision, no draw
    decideAgent(s, i, st, draw(i));
  }
}

/** Compaction runs once leavers fill this share of the rows (amortised O(1) per leaver). */
const COMPACT_WHEN_EXITED_SHARE = 0.25;

/**
 * Month t: context, accrual, entrants, decisions, family life; then leavers' rows are reclaimed.
 * Entrants need nothing from the month's accrual, so they can be added first and the month of
 * everyone in Japan taken in one sweep (sweep.ts): the same results, one pass over the rows.
 */
export function stepMonth(s: SimState, t: number): void {
  updateMonthContext(s, t);
  // One sweep needs each agent's own generator and employers' traits in pay codes (employers.ts).
  if (s.agentStreamsOwn && updateEmployerPayCodes(s.employers, s.payCodes)) {
    if (s.pop.payCodesBuild !== s.payCodes.builds) refreshAgentPayCodes(s.pop, s.payCodes);
    const firstEntrant = s.pop.size;
    addEntries(s);
    sweepMonth(s, firstEntrant); // accrual (not entrants), decisions, family life, stocks
  } else {
    accrueMonth(s);
    addEntries(s);
    decideAll(s);
    applyFamilyLife(s);
  }
  if (s.exitedRows > s.pop.size * COMPACT_WHEN_EXITED_SHARE) {
    removeExited(s.pop);
    s.exitedRows = 0;
  }
}
