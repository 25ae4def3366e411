// One simulated month: a fixed, documented order of mechanisms (docs/model.md, "Process
// overview and scheduling").

import { Status } from "./codes.js";
import { updateMonthContext } from "./context.js";
import { removeExited } from "./population.js";
import type { SimState } from "./state.js";
import { accrueMonth } from "./transitions/earnings.js";
import { addEntries } from "./transitions/entries.js";
import { applyFamilyLife } from "./transitions/family.js";
import { decideIntern } from "./transitions/intern.js";
import { decideAsylum, decideIrregular } from "./transitions/irregular.js";
import { decidePr, decideSie } from "./transitions/skilled.js";
import { decideSsw1, decideSsw2 } from "./transitions/ssw.js";

/** Every agent in Japan takes this month's decision, with exactly one draw of its own generator each. */
export function decideAll(s: SimState): void {
  const pop = s.pop;
  const draw = s.rng.decisions;
  const n = pop.size; // agents moved this month are not visited twice: moves keep rows in place
  const status = pop.status;
  for (let i = 0; i < n; i++) {
    const st = status[i]!;
    if (st >= Status.RETURNED) continue; // left Japan: no decision, no draw
    const u = draw(i);
    switch (st) {
      case Status.TI: decideIntern(s, i, u); break;
      case Status.SSW1: decideSsw1(s, i, u); break;
      case Status.SSW2: decideSsw2(s, i, u); break;
      case Status.SIE: decideSie(s, i, u); break;
      case Status.IRREGULAR: decideIrregular(s, i, u); break;
      case Status.ASYLUM: decideAsylum(s, i, u); break;
      case Status.PR: decidePr(s, i, u); break;
      default: break;
    }
  }
}

/** Compaction runs once leavers fill this share of the rows (amortised O(1) per leaver). */
const COMPACT_WHEN_EXITED_SHARE = 0.25;

/** Month t: context, accrual, entrants, decisions, family life; then leavers' rows are reclaimed. */
export function stepMonth(s: SimState, t: number): void {
  updateMonthContext(s, t);
  accrueMonth(s);
  addEntries(s);
  decideAll(s);
  applyFamilyLife(s);
  if (s.exitedRows > s.pop.size * COMPACT_WHEN_EXITED_SHARE) {
    removeExited(s.pop);
    s.exitedRows = 0;
  }
}
