// The monthly kernel: the month of every agent in Japan, agent by agent, in one pass over the
// rows. It composes the mechanisms and holds no formula of its own: accrual (earnings.ts), the
// decision draw (agent-rng.ts), the screen and the decision (decide.ts), family life (family.ts)
// and the stock count by breakdown group (observers.ts).
//
// Why one pass per month, agent by agent: each agent's draws all come from its own generator, and
// no agent's month depends on another agent's, so the order agent-then-mechanism gives the same
// results as mechanism-then-agent while reading each row once. One exception, from 2027: an ESD
// trainee's own-will transfer reads the receivers' transferee counts, which earlier rows'
// transfers this month have changed; rows are in entry order, so the outcome is the same in every
// run, but not independent of the order.
//
// This file is the kernel's source; the run executes kernel.generated.ts, made from it by
// `npm run gen:kernel` (scripts/gen-kernel.mjs): the calls to functions marked @inline written
// out, and the arrays and rates they read copied to locals before the loop (docs/performance.md,
// 'The generated kernel'). test/model/kernel.test.ts fails when the generated file is stale.

import { Status } from "./codes.js";
import { agentDraw } from "./agent-rng.js";
import { countInJapan, startStockCount } from "./observers.js";
import type { SimState } from "./state.js";
import { decideAgent, hazardBound } from "./transitions/decide.js";
import { accrueAgent } from "./transitions/earnings.js";
import { familyAfterDraw, familyDrawDueThisMonth } from "./transitions/family.js";

/**
 * Month s.ctx.month of every agent in Japan, with the month's tables filled. Rows from
 * `firstEntrant` on arrived this month, after accrual: they decide and live but do not accrue.
 * It counts the agents in Japan into `obs.stocksByGroup`; the caller ends the count (stepMonth).
 * @kernel hoist pop accrual familyTable obs
 */
export function agentMonths(s: SimState, firstEntrant: number): void {
  const { pop, obs } = s;
  const { accrual, bounds, family: familyTable } = s.tables;
  const { status, nationality, family, group, rng } = pop;
  startStockCount(obs, s.ctx.month);

  for (let i = 0, n = pop.size; i < n; i++) {
    let st = status[i]!;
    if (st >= Status.RETURNED) continue; // left Japan

    if (i < firstEntrant) accrueAgent(pop, accrual, i, st);

    // Exactly one decision draw per agent-month. Most draws clear the bound of the agent's
    // hazards: it stays, and its hazards need not be computed.
    const u = agentDraw(rng, i);
    if (!(u >= hazardBound(s, bounds, i, st))) {
      decideAgent(s, i, st, u);
      st = status[i]!;
      if (st >= Status.RETURNED) continue; // left this month
    }

    const f = family[i]!;
    if (familyDrawDueThisMonth(familyTable, st, f)) {
      const familyU = agentDraw(rng, i);
      family[i] = familyAfterDraw(familyTable, f, familyU);
    }

    countInJapan(obs, st, nationality[i]!, group[i]!);
  }
  // Nothing follows the loop: stepMonth ends the count (finishStockCount). docs/performance.md, 'Warm-up'.
}
