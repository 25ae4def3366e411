// `migsim run --posterior FILE [--draws K]`: replicate r of every scenario runs with posterior
// draw r. The K draws are particle indices resampled by weight, multinomially: each is an
// independent draw from the weighted particles, by inverse CDF on one Alea stream seeded from the
// run's root seed and a fixed purpose (engine/rng.ts posteriorSeed). So:
// - the draws depend on the seed and the file alone, not on threads, shards, --resume or the scenarios;
// - the replicates are independent draws from the posterior predictive, which summary.csv's
//   mean, sd and CI across replicates assume (systematic resampling would make them dependent,
//   and would hand the low-numbered particles to the first replicates unless shuffled);
// - K draws are the first K of K + 1, so adding replicates keeps the earlier ones.
// The same draw serves replicate r of every scenario (and sweep point), so comparisons between
// scenarios stay paired under common random numbers: same task seed, same parameters.
//
// Where the draw goes: it replaces the parameters' defaults, the layer under the scenario files.
// The spec holds scenarios already resolved over the defaults (scenario/load.ts), so the draw is
// applied to the resolved parameters, but only to those the scenario's files do not set in
// `params:` (recorded per scenario in the spec's posterior.ownParams when the files are read, so
// reproduce and --resume need no files). That is the same as resolving the files over the draw.
// A policy step that sets a drawn parameter applies from its month over the drawn value, as over a
// default; a swept parameter takes the sweep point's value.

import { uniformFromSeed, posteriorSeed } from "../engine/rng.js";
import type { ModelInputs } from "../model/inputs.js";
import type { ExperimentSpec } from "../output/manifest.js";
import type { ParamName, Params } from "../model/params.js";
import { type Posterior, type PosteriorDraws, readPosterior } from "../scenario/posterior.js";

/**
 * `k` row indices (from 0) of `weights` drawn with replacement in proportion to the weights
 * (multinomial resampling, inverse CDF), from the stream seeded by posteriorSeed(rootSeed).
 */
export function drawIndices(weights: readonly number[], k: number, rootSeed: number): number[] {
  const cum: number[] = [];
  let total = 0;
  for (const w of weights) cum.push((total += w));
  const u = uniformFromSeed(posteriorSeed(rootSeed));
  const out: number[] = [];
  for (let r = 0; r < k; r++) {
    const x = u() * total;
    // The first row whose cumulative weight exceeds x (binary search; weights are positive).
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    out.push(lo);
  }
  return out;
}

/**
 * The spec's record of a run over `posterior`: `k` draws from `rootSeed`, each for `perDraw`
 * replicates in a row (k x perDraw replicates), and each scenario's own parameters among the
 * posterior's. The k draws are the same whatever perDraw is.
 */
export function posteriorDraws(posterior: Posterior, k: number, rootSeed: number, paramsSetByScenario: readonly (readonly ParamName[])[], perDraw = 1): PosteriorDraws {
  const rows = drawIndices(posterior.particles.map((p) => p.weight), k, rootSeed).flatMap((i) => Array<number>(perDraw).fill(i));
  const drawn = [...new Set(rows)].map((i) => posterior.particles[i]!).sort((a, b) => a.particle - b.particle);
  return {
    file: posterior.file,
    sha256: posterior.sha256,
    draws: rows.map((i) => posterior.particles[i]!.particle),
    params: posterior.params,
    particles: drawn.map((p) => ({ particle: p.particle, values: p.values })),
    ownParams: paramsSetByScenario.map((set) => posterior.params.filter((n) => set.includes(n))),
    // Absent for 1, so the spec of a run without --per-draw is as before.
    ...(perDraw > 1 && { perDraw }),
  };
}

/** Reads `file` and draws `k` particles from `rootSeed`, each for `perDraw` replicates (see posteriorDraws). */
export function drawPosterior(file: string, k: number, rootSeed: number, paramsSetByScenario: readonly (readonly ParamName[])[], perDraw = 1): PosteriorDraws {
  return posteriorDraws(readPosterior(file), k, rootSeed, paramsSetByScenario, perDraw);
}

/**
 * The inputs of replicate `replicate` of scenario `scenarioIndex`: `base` (the scenario's inputs
 * at its sweep point) with the replicate's draw for every posterior parameter the scenario's files
 * do not set and its sweep does not sweep. Series, tables and policy are shared with `base`.
 */
export function withDraw(base: ModelInputs, p: PosteriorDraws, scenarioIndex: number, replicate: number, swept: readonly string[]): ModelInputs {
  const particle = p.particles.find((x) => x.particle === p.draws[replicate - 1]);
  if (!particle) throw new Error(`posterior: no particle recorded for replicate ${replicate}`);
  const own = p.ownParams[scenarioIndex] ?? [];
  const params = { ...base.params } as Record<string, number | boolean>;
  p.params.forEach((n, j) => {
    if (!own.includes(n) && !swept.includes(n)) params[n] = particle.values[j]!;
  });
  return { ...base, params: params as Params };
}

/**
 * What a run over a posterior does not do that a user may expect: a scenario whose files set every
 * drawn parameter gets no draws (so its comparisons with the others are not paired over the
 * posterior), and a policy step that sets a drawn parameter replaces the draw from its month with
 * one value instead of scaling it.
 */
export function posteriorWarnings(spec: ExperimentSpec): string[] {
  const p = spec.posterior;
  if (!p) return [];
  const out: string[] = [];
  spec.scenarios.forEach((sc, k) => {
    const own = p.ownParams[k] ?? [];
    if (p.params.length > 0 && p.params.every((n) => own.includes(n))) {
      out.push(`${sc.name} sets every parameter of ${p.file} in its own files, so its replicates take no posterior draws; its differences from scenarios that do are not paired over the posterior.`);
    }
    for (const step of sc.policy) {
      const drawn = Object.keys(step.set).filter((n) => p.params.includes(n as ParamName) && !own.includes(n as ParamName));
      if (drawn.length > 0) out.push(`${sc.name}'s policy step from ${step.from} sets ${drawn.join(", ")}, which the posterior draws: from then on each replicate runs with the step's value, not a value relative to its draw.`);
    }
  });
  return out;
}
