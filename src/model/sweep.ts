// The month of everyone in Japan in one pass over the rows: accrual, the decision, family life
// and the count by status x nationality, agent by agent.
//
// Why one pass gives the same results as one pass per mechanism (the reference order, step.ts):
// each agent's draws all come from its own generator, and no agent's month depends on another
// agent's state, so taking all of one agent's month before the next agent's changes no draw and
// no value. Requires this month's employer pay codes, copied to the agents' rows
// (updateEmployerPayCodes, refreshAgentPayCodes). Entrants (rows from `firstEntrant` on, added
// this month) decide and live but do not accrue: they arrived after the month's accrual.
//
// Why it is written out in one loop: this loop is nearly all of a run's time, and one agent's row
// is then read once, its generator state stays in registers across its two draws, and the JIT
// does not have to inline a dozen helpers (it stops at a budget). The formulas are those of the
// reference functions, operation for operation (accrueAgent, agentDraw, familyAfterEvent & co.);
// test/model/sweep.test.ts checks that both orders give bit-identical populations.

import { Family, NATIONALITY_COUNT, Status } from "./codes.js";
import { PAY_OVERTIME, PAY_PROMOTER, PAY_UNDERPAY_SHIFT } from "./employers.js";
import { ALEA_MULTIPLIER, INV_TWO_32, TWO_32 } from "./agent-rng.js";
import { RNG_WORDS } from "./population.js";
import { hazardBound, updateDecisionBounds } from "./screen.js";
import type { SimState } from "./state.js";
import { decideAgent } from "./transitions/decide.js";
import { MONTH_LEVEL_DUE, MONTH_TIE_DUE, updateAccrualRates } from "./transitions/earnings.js";
import { FAMILY_DRAW_DUE, familyAfterEvent, familyEventProbs, mayBringFamily } from "./transitions/family.js";

export function sweepMonth(s: SimState, firstEntrant: number): void {
  const pop = s.pop;
  const bounds = s.bounds;
  const r = s.accrual;
  updateAccrualRates(s, r);
  updateDecisionBounds(s, bounds);
  const { formProb, joinProb } = familyEventProbs(s.params);
  const mayBring = bounds.mayBringFamily;
  for (let st = 0; st < Status.RETURNED; st++) mayBring[st] = mayBringFamily(st, s.params) ? 1 : 0;
  const live = s.liveStocks;
  live.fill(0);
  // Set before the loop, not after: V8 compiles this function on stack inside the loop, and code
  // after the loop that had not run yet deoptimised it at the end of month after month.
  s.liveStocksMonth = s.ctx.month;

  // This month's rates (accrueAgent's). Choices that differ from agent to agent at random are
  // looked up rather than branched on: a mispredicted branch costs more than the whole lookup.
  const { wageIndex, irregularWageYen, livingCostYen, repayShare, remitShare, saveShare, dueByMonthsInJapan, overtimeFactorByCode, skillGainByCode } = r;
  // The agent's employer's traits: its pay code, copied to the agent's row (updateEmployerPayCodes
  // and refreshAgentPayCodes, run by the caller, keep the copies current).
  const underpayByCode = s.payCodes.underpay;
  const month = r.month;
  const { status, nationality, family, employerPayCode, inJapanSinceMonth, promisedWageYenPerMonth, debtYen, savingsYen, remittedYen, skill,
    japaneseLevel, networkTies, rng } = pop;
  // Constants from other modules, copied once: an imported binding is read from its module cell
  // (and checked) at every use in the loop, and the JIT does not fold it into the code.
  const multiplier = ALEA_MULTIPLIER;
  const twoTo32 = TWO_32;
  const twoToMinus32 = INV_TWO_32;
  const payOvertime = PAY_OVERTIME;
  const payPromoter = PAY_PROMOTER;
  const underpayShift = PAY_UNDERPAY_SHIFT;
  const levelDue = MONTH_LEVEL_DUE;
  const tieDue = MONTH_TIE_DUE;
  const nationalities = NATIONALITY_COUNT;
  const returned = Status.RETURNED;
  const irregular = Status.IRREGULAR;
  const asylum = Status.ASYLUM;
  const partner = Family.partner;
  const familyDue = FAMILY_DRAW_DUE;

  for (let i = 0, n = pop.size; i < n; i++) {
    let st = status[i]!;
    if (st >= returned) continue; // left Japan

    if (i < firstEntrant) {
      // Accrual (accrueAgent): pay, debt, remittances and savings, skill, language, ties. Time
      // counts need nothing: they are the month minus the agent's month stamps.
      const mj = month - inJapanSinceMonth[i]!;
      // The employer's pay code, or 0 without an employer, whose factors (x (1 - 0) x 1) leave
      // the pay unchanged, as accrueAgent does by not applying them: the same number.
      const code = employerPayCode[i]!;
      let wage: number;
      if (st === irregular || st === asylum) {
        wage = irregularWageYen;
      } else {
        wage = promisedWageYenPerMonth[i]! * wageIndex;
        wage *= 1 - underpayByCode[code >> underpayShift]!;
        wage *= overtimeFactorByCode[code & payOvertime]!; // x 1 without overtime: the same number
      }
      const surplus = wage > livingCostYen ? wage - livingCostYen : 0;
      const debt = debtYen[i]!;
      let repay = surplus * repayShare;
      if (repay > debt) repay = debt;
      debtYen[i] = debt - repay;
      const rest = surplus - repay;
      remittedYen[i] = remittedYen[i]! + rest * remitShare;
      savingsYen[i] = savingsYen[i]! + rest * saveShare;
      const sk = skill[i]! + skillGainByCode[code & payPromoter]!;
      skill[i] = sk > 1 ? 1 : sk;
      const due = dueByMonthsInJapan[mj]!;
      if (due !== 0) {
        if ((due & levelDue) !== 0 && japaneseLevel[i]! < 5) japaneseLevel[i] = japaneseLevel[i]! + 1;
        if ((due & tieDue) !== 0 && networkTies[i]! < 20) networkTies[i] = networkTies[i]! + 1;
      }
    }

    // The decision draw (agentDraw), with the generator's state kept in registers. x * 2^-32 is
    // x / 2^32 exactly (a power of two: only the exponent changes), and a multiply is far quicker
    // than a divide.
    const j = RNG_WORDS * i;
    let c = rng[j]!;
    let s0 = rng[j + 1]!;
    let s1 = rng[j + 2]!;
    let s2 = rng[j + 3]!;
    let x = multiplier * s0 + c;
    c = Math.floor(x * twoToMinus32);
    s0 = s1;
    s1 = s2;
    s2 = x - c * twoTo32;
    const u = s2 * twoToMinus32;
    // Most agents' draws clear the bound of their hazards (screen.ts): they stay, nothing to do.
    if (!(u >= hazardBound(s, bounds, i, st))) {
      // The full decision, which may take more draws of the agent's generator (a new employer, an
      // asylum outcome): the state goes back to the arrays first and is read again after.
      rng[j] = c;
      rng[j + 1] = s0;
      rng[j + 2] = s1;
      rng[j + 3] = s2;
      decideAgent(s, i, st, u);
      c = rng[j]!;
      s0 = rng[j + 1]!;
      s1 = rng[j + 2]!;
      s2 = rng[j + 3]!;
      st = status[i]!;
      if (st >= returned) continue; // left this month
    }

    // Family life (applyFamilyLife): a partnership for a single agent, or family joining.
    const f = family[i]!;
    if (familyDue[(mayBring[st]! << 8) | f] === 1) { // familyDrawDue(f, mayBring[st] === 1)
      x = multiplier * s0 + c;
      c = Math.floor(x * twoToMinus32);
      s0 = s1;
      s1 = s2;
      s2 = x - c * twoTo32;
      if (s2 * twoToMinus32 < ((f & partner) === 0 ? formProb : joinProb)) family[i] = familyAfterEvent(f);
    }
    rng[j] = c;
    rng[j + 1] = s0;
    rng[j + 2] = s1;
    rng[j + 3] = s2;

    live[st * nationalities + nationality[i]!]! += 1;
  }
}
