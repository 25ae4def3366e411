// Seeding: task seeds from (root seed, replicate) by SHA-256, one stream per purpose, Alea.
import { createHash } from "node:crypto";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { STREAM_PURPOSES, createStreams, streamSeed, taskSeed, uniformFromSeed } from "../../src/engine/rng.js";

describe("taskSeed", () => {
  it("is the first 32 bits of SHA-256 of the root seed and replicate", () => {
    const expected = Number.parseInt(createHash("sha256").update("migsim/task/1/1").digest("hex").slice(0, 8), 16);
    expect(taskSeed(1, 1)).toBe(expected);
  });
  it("differs between replicates and between root seeds, and is a 32-bit unsigned integer", () => {
    const seeds = new Set<number>();
    for (let root = 0; root < 20; root++) for (let r = 1; r <= 50; r++) seeds.add(taskSeed(root, r));
    expect(seeds.size).toBe(1000); // no collisions among 1,000 (chance about 1e-4 for random 32-bit values)
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
  });
});

describe("streams", () => {
  it("have one seed per purpose, so purposes never share draws", () => {
    const seeds = STREAM_PURPOSES.map((p) => streamSeed(123, p));
    expect(new Set(seeds).size).toBe(STREAM_PURPOSES.length);
    const s = createStreams(123);
    const first = STREAM_PURPOSES.map((p) => s[p]());
    expect(new Set(first).size).toBe(STREAM_PURPOSES.length);
  });
  it("are seedrandom's Alea (not the slower default ARC4)", () => {
    const u = uniformFromSeed("abc");
    const alea = seedrandom.alea("abc");
    for (let k = 0; k < 100; k++) expect(u()).toBe(alea());
  });
  it("repeat exactly from the same seed", () => {
    const a = createStreams(7);
    const b = createStreams(7);
    for (let k = 0; k < 100; k++) expect([a.entries(), a.matching(), a.policy()]).toEqual([b.entries(), b.matching(), b.policy()]);
  });
});
