// The monthly decision of one agent in Japan, by status: the rules of each status are in its
// own module (intern.ts, ssw.ts, skilled.ts, irregular.ts).

import { Status } from "../codes.js";
import type { SimState } from "../state.js";
import { decideIntern } from "./intern.js";
import { decideAsylum, decideIrregular } from "./irregular.js";
import { decidePr, decideSie } from "./skilled.js";
import { decideSsw1, decideSsw2 } from "./ssw.js";

/** Agent i (status st, in Japan) takes this month's decision with its decision draw u. */
export function decideAgent(s: SimState, i: number, st: number, u: number): void {
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
