import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { agentDraw, seedAgentStream } from "../../src/model/agent-rng.js";
import { createPopulation, addAgent, removeExited } from "../../src/model/population.js";
import { Status } from "../../src/model/codes.js";

describe("agent generators", () => {
  it("are bit-identical to seedrandom's Alea from the same state", () => {
    const pop = createPopulation(4);
    const i = addAgent(pop, 0);
    seedAgentStream(pop, i, seedrandom.alea("seed of agent"));
    const j = 4 * i; // c, s0, s1, s2
    const state = { c: pop.rng[j]!, s0: pop.rng[j + 1]! / 2 ** 32, s1: pop.rng[j + 2]! / 2 ** 32, s2: pop.rng[j + 3]! / 2 ** 32 };
    const reference = seedrandom.alea("", { state });
    for (let k = 0; k < 10000; k++) expect(agentDraw(pop.rng, i)).toBe(reference());
  });

  it("give each agent its own sequence, unaffected by other agents' draws or by compaction", () => {
    const make = () => {
      const pop = createPopulation(4);
      const seeds = seedrandom.alea("seeds");
      for (let k = 0; k < 3; k++) seedAgentStream(pop, addAgent(pop, 0), seeds);
      return pop;
    };
    const a = make();
    const b = make();
    // In b, agent 0 draws many times and leaves; agent 2's sequence does not move.
    for (let k = 0; k < 50; k++) agentDraw(b.rng, 0);
    b.status[0] = Status.RETURNED;
    removeExited(b);
    expect(b.id[1]).toBe(2);
    for (let k = 0; k < 100; k++) expect(agentDraw(b.rng, 1)).toBe(agentDraw(a.rng, 2));
  });

  it("do not replay the shared stream they were seeded from", () => {
    // Seeding from three consecutive shared draws without mixing would make the agent's first
    // draws copies of the shared stream's next ones (the agent's own attributes).
    const shared = seedrandom.alea("shared");
    const pop = createPopulation(200);
    let close = 0;
    for (let a = 0; a < 200; a++) {
      const i = addAgent(pop, 0);
      seedAgentStream(pop, i, shared);
      const next: number[] = [];
      const copy = seedrandom.alea("shared"); // re-create the shared stream up to this point
      for (let k = 0; k < 3 * (a + 1); k++) copy();
      for (let k = 0; k < 10; k++) next.push(copy());
      for (let k = 0; k < 10; k++) if (Math.abs(agentDraw(pop.rng, i) - next[k]!) < 1e-6) close++;
    }
    // Independent uniforms land within 1e-6 of each other with probability 2e-6: expect none of 2,000.
    expect(close).toBe(0);
  });

  it("draw uniformly on [0, 1)", () => {
    const pop = createPopulation(1);
    seedAgentStream(pop, addAgent(pop, 0), seedrandom.alea("uniform"));
    const n = 100000;
    let sum = 0;
    let below = 0;
    for (let k = 0; k < n; k++) {
      const u = agentDraw(pop.rng, 0);
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      if (u < 0.1) below++;
    }
    // Mean of U(0,1): sd of the mean sqrt(1/12 / n) = 0.00091; 4 sd = 0.0037.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.0037);
    // Share below 0.1: binomial sd sqrt(0.1 * 0.9 / n) = 0.00095; 4 sd = 0.0038.
    expect(Math.abs(below / n - 0.1)).toBeLessThan(0.0038);
  });
});
