// The choice rule: competing hazards in discrete time. Each option k of an agent's status has a
// monthly hazard h_k; the agent leaves its current state with probability 1 - exp(-sum h) and,
// if it does, takes option k with probability h_k / sum h. One uniform decides both, so each
// agent uses exactly one decision draw per month (common random numbers across scenarios).

/**
 * @param h hazards per month (scratch array, first n used)
 * @param u uniform draw in [0, 1)
 * @returns the chosen option, or -1 to stay
 */
export function chooseCompeting(h: Float64Array, n: number, u: number): number {
  let total = 0;
  for (let k = 0; k < n; k++) total += h[k]!;
  if (total <= 0) return -1;
  // 1 - exp(-total) <= total, so u >= total means staying: most agent-months skip expm1.
  if (u >= total) return -1;
  const pAny = -Math.expm1(-total);
  if (u >= pAny) return -1;
  // Rescale u within [0, pAny) to [0, total) and walk the cumulative hazards.
  let x = (u / pAny) * total;
  let last = -1;
  for (let k = 0; k < n; k++) {
    const hk = h[k]!;
    if (hk <= 0) continue;
    x -= hk;
    if (x < 0) return k;
    last = k;
  }
  // Rounding can leave x at 0 for u just below pAny: take the last option with a hazard.
  return last;
}

/** Monthly probability from a constant hazard per month. */
export const probFromHazard = (h: number): number => -Math.expm1(-h);
