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

/** Every agent takes this month's decision, with exactly one draw from the decision stream each. */
export function decideAll(s: SimState): void {
  const pop = s.pop;
  const draw = s.rng.decisions;
  const n = pop.size; // agents moved this month are not visited twice: moves keep rows in place
  for (let i = 0; i < n; i++) {
    const u = draw();
    switch (pop.status[i]) {
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

/** Month t: context, accrual, entrants, decisions, family life, then leavers are compacted away. */
export function stepMonth(s: SimState, t: number): void {
  updateMonthContext(s, t);
  accrueMonth(s);
  addEntries(s);
  decideAll(s);
  applyFamilyLife(s);
  removeExited(s.pop, s.exits);
}
