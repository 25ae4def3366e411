// The monthly decision of one agent in Japan, by status: the rules of each status are in its
// own module (intern.ts, ssw.ts, skilled.ts, irregular.ts).

import { Status } from "../codes.js";
import type { SimState } from "../state.js";
import { decideIntern } from "./intern.js";
import { decideAsylum, decideIrregular } from "./irregular.js";
import { decidePr, decideSie } from "./skilled.js";
import { decideSsw1, decideSsw2 } from "./ssw.js";

type Decide = (s: SimState, i: number, u: number) => void;

/**
 * Each status's decision, by status code. Called through this table rather than a switch so that
 * V8 does not inline the decisions into the monthly sweep (a call site with more than four targets
 * is not inlined): a decision path first taken late in a run (SSW from 2019, say) then deoptimises
 * only its own small function instead of the whole sweep, which was deoptimised about ten times a
 * run that way and ran unoptimised until V8 had compiled it again.
 */
const DECIDE_BY_STATUS: (Decide | undefined)[] = new Array<Decide | undefined>(Status.RETURNED).fill(undefined);
DECIDE_BY_STATUS[Status.TI] = decideIntern;
DECIDE_BY_STATUS[Status.SSW1] = decideSsw1;
DECIDE_BY_STATUS[Status.SSW2] = decideSsw2;
DECIDE_BY_STATUS[Status.SIE] = decideSie;
DECIDE_BY_STATUS[Status.IRREGULAR] = decideIrregular;
DECIDE_BY_STATUS[Status.ASYLUM] = decideAsylum;
DECIDE_BY_STATUS[Status.PR] = decidePr;

/** Agent i (status st, in Japan) takes this month's decision with its decision draw u. */
export function decideAgent(s: SimState, i: number, st: number, u: number): void {
  const decide = DECIDE_BY_STATUS[st];
  if (decide !== undefined) decide(s, i, u);
}
