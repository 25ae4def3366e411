// Random streams. A task's seed derives from (root seed, replicate) by SHA-256; one shared stream
// per purpose derives from the task seed, and each agent's own generator is seeded from the
// entries stream when the agent is created (model/agent-rng.ts). Scenario and sweep point are deliberately NOT hashed in:
// two scenarios run with the same root seed and replicate then share their draws wherever their
// rules agree (common random numbers), so their difference is the policy's effect, not noise.
// Generators are seedrandom's Alea (fast; the default ARC4 is about 5x slower).

import { createHash } from "node:crypto";
import seedrandom from "seedrandom";
import type { SharedStreams } from "../model/state.js";

/** Shared streams; each agent's own generator is seeded from `entries` (model/agent-rng.ts). */
export const STREAM_PURPOSES = ["entries", "matching", "policy"] as const satisfies readonly (keyof SharedStreams)[];

function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** An unsigned 32-bit seed: the first 32 bits of the SHA-256 of `text`. */
function seed32(text: string): number {
  return Number.parseInt(sha256Hex(text).slice(0, 8), 16);
}

/** The seed of replicate `replicate` under `rootSeed`: an unsigned 32-bit integer. */
export function taskSeed(rootSeed: number, replicate: number): number {
  return seed32(`migsim/task/${rootSeed}/${replicate}`);
}

/** The seed string of one purpose's stream. */
export function streamSeed(seed: number, purpose: string): string {
  return sha256Hex(`migsim/stream/${seed}/${purpose}`).slice(0, 32);
}

/** A uniform generator on [0, 1) from a seed string (Alea). */
export function uniformFromSeed(seedString: string): () => number {
  return seedrandom.alea(seedString);
}

export function createStreams(seed: number): SharedStreams {
  return {
    entries: uniformFromSeed(streamSeed(seed, "entries")),
    matching: uniformFromSeed(streamSeed(seed, "matching")),
    policy: uniformFromSeed(streamSeed(seed, "policy")),
  };
}

/** The seed of candidate `index` of ABC generation `generation` under `rootSeed` (calibrate/). */
export function candidateSeed(rootSeed: number, generation: number, index: number): number {
  return seed32(`migsim/abc/${rootSeed}/${generation}/${index}`);
}

/**
 * The seed string of the stream that draws a run's posterior particles (`migsim run --posterior`,
 * run/posterior.ts): from the root seed and a fixed purpose alone, so the draws do not depend on
 * threads, shards, resuming, the scenarios or the number of draws (K draws are the first K of K + 1).
 */
export function posteriorSeed(rootSeed: number): string {
  return sha256Hex(`migsim/posterior/${rootSeed}`).slice(0, 32);
}
