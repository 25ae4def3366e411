// Each agent's own random generator: seedrandom's Alea, with its state (c, s0, s1, s2) kept in
// the population's typed arrays instead of a closure per agent. Every draw an agent makes for
// itself (its monthly decision, family life, a new employer) comes from its own sequence, so two
// scenarios run with the same seed give an agent the same draws for as long as its own history
// is the same, whatever other agents do (common random numbers at the level of the agent).
//
// Alea's state values s0..s2 are multiples of 2^-32 (seedrandom's Mash and Alea only produce such
// values), stored here as their 32-bit numerators; the step below is seedrandom's
//   t = 2091639 * s0 + c * 2^-32; s0 = s1; s1 = s2; s2 = t - (c = t | 0)
// in integer form, exact in doubles (2091639 * 2^32 + 2^21 < 2^53), so the sequence is
// bit-identical to seedrandom.alea's from the same state (test/model/agent-rng.test.ts).

import { type Population, RNG_WORDS } from "./population.js";

/** A uniform draw in [0, 1). Injected: the model never creates its own randomness. */
export type Uniform = () => number;

/** A draw in [0, 1) for agent i (in a run, from the agent's own generator, agentDraw). */
export type AgentUniform = (i: number) => number;

/** Alea's multiplier, and 2^32 and 2^-32 as in seedrandom's alea.js. */
const ALEA_MULTIPLIER = 2091639;
const TWO_32 = 4294967296;
const INV_TWO_32 = 2.3283064365386963e-10;

/** MurmurHash3's 32-bit finaliser: a bijective mix of a 32-bit word. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Seeds agent i's generator from three draws of a shared seedrandom stream, with c = 1 as
 * Alea's own seeding leaves it. The draws are mixed (fmix32) before use: three consecutive Alea
 * outputs taken as a state would be the shared stream's own state, and the agent would replay
 * the shared stream's next draws (its attributes) as its first decisions.
 */
export function seedAgentStream(pop: Population, i: number, u: () => number): void {
  const j = RNG_WORDS * i;
  pop.rng[j + 1] = fmix32(u() * TWO_32);
  pop.rng[j + 2] = fmix32(u() * TWO_32);
  pop.rng[j + 3] = fmix32(u() * TWO_32);
  pop.rng[j] = 1;
}

/**
 * The next uniform in [0, 1) of agent i's own generator, whose state is `rng` (Population.rng).
 * @inline
 */
export function agentDraw(rng: Uint32Array, i: number): number {
  const j = RNG_WORDS * i; // [j] = c, [j + 1] = s0, [j + 2] = s1, [j + 3] = s2
  const x = ALEA_MULTIPLIER * rng[j + 1]! + rng[j]!;
  const c = Math.floor(x * INV_TWO_32); // x / 2^32 exactly (a power of two), without a divide
  const s2 = x - c * TWO_32;
  rng[j + 1] = rng[j + 2]!;
  rng[j + 2] = rng[j + 3]!;
  rng[j + 3] = s2;
  rng[j] = c;
  return s2 * INV_TWO_32;
}
