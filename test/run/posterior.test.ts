// `migsim run --posterior FILE [--draws K]` (issue 18, first part): replicate r of every scenario
// runs with posterior draw r, resampled by weight from the run's seed (run/posterior.ts).
// - the draws: deterministic from the seed, in proportion to the weights (a chi-square bound);
// - where a draw goes: under the scenario's own params, under a sweep, the same for every scenario;
// - bad files and flags: exit 2, one paragraph naming the file, line and column, nothing written;
// - a tiny run (scale 0.002, 2014-01 to 2015-12, 3 draws) byte-identical with 1 and 2 threads,
//   sharded and merged, interrupted and resumed, and reproduced from its manifest without the file.
// The CLI runs in-process (runCli); its worker threads are the compiled ones in dist/, which only
// simulate the inputs this (source) main thread hands them.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { experimentSpec } from "../../src/cli/commands/run.js";
import { UserError } from "../../src/errors.js";
import { type Manifest, readManifest, specSha256 } from "../../src/output/manifest.js";
import { planExperiment } from "../../src/run/experiment.js";
import { drawIndices, posteriorWarnings } from "../../src/run/posterior.js";
import { readPosterior } from "../../src/scenario/posterior.js";
import { validateExperimentSpec } from "../../src/scenario/validate.js";
import { expectUserError, runCli, snapshot, runCliOk } from "../helpers/cli.js";
import { interruptedRun } from "../helpers/interrupted.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const BASELINE = join(ROOT, "scenarios/baseline.yaml");
const SHIPPED = join(ROOT, "data/calibration/posterior.csv");

/** The options that define the tiny run's bytes (threads, --out and the posterior are added per run). */
const TINY = ["--scale", "0.002", "--until", "2015-12", "--seed", "7", "--quiet"];
const CSVS = ["timeseries.csv", "flows.csv", "summary.csv", "effects.csv", "variance.csv"] as const;

let tmp: string;
/** A hand-made posterior of three particles, far apart, with weights 0.2, 0.3, 0.5. */
let tiny: string;
/** A scenario that sets a drawn parameter in params: and another in a policy step. */
let own: string;
/** A scenario that sweeps a drawn parameter. */
let swept: string;

const TINY_CSV = [
  "generation,particle,weight,distance,abscondBaseHazardPerMonth,tiEarlyReturnHazardPerMonth,apprehensionHazardPerMonth",
  "3,11,0.2,1.5,0.0003,0.001,0.01",
  "3,12,0.3,1.6,0.003,0.005,0.05",
  "3,13,0.5,1.7,0.008,0.009,0.09",
  "",
].join("\n");

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-posterior-"));
  if (!existsSync(join(ROOT, "dist/run/worker.js"))) throw new Error("dist/ is missing: run `npm run build` before these tests (npm test does it)");
  tiny = join(tmp, "tiny-posterior.csv");
  writeFileSync(tiny, TINY_CSV);
  own = join(tmp, "own.yaml");
  writeFileSync(own, [
    `extends: ${BASELINE}`,
    "name: own",
    "params: { abscondBaseHazardPerMonth: 0.001 }",
    "policy:",
    "  - from: 2015-06",
    "    set: { tiEarlyReturnHazardPerMonth: 0.004 }",
    "",
  ].join("\n"));
  swept = join(tmp, "swept.yaml");
  writeFileSync(swept, [`extends: ${BASELINE}`, "name: swept", "sweep:", "  grid: { apprehensionHazardPerMonth: [0.02, 0.03] }", ""].join("\n"));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const ok = runCliOk;
const manifestOf = (dir: string): Manifest => readManifest(join(dir, "manifest.json"));
const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
function expectSameBytes(a: string, b: string, files: readonly string[] = CSVS): void {
  for (const f of files) {
    const x = readFileSync(join(a, f));
    expect(x.length, `${f} is empty in ${a}`).toBeGreaterThan(0);
    expect(x.equals(readFileSync(join(b, f))), `${f} differs between ${a} and ${b}`).toBe(true);
  }
}
/** The spec `migsim run` would make of these arguments (flags as yargs passes them). */
function specOf(files: string[], o: { replicates?: number; draws?: number; posterior?: string; seed?: number } = {}) {
  return experimentSpec({ scenarios: files, seed: o.seed ?? 7, scale: 0.002, until: "2015-12", events: false, ciTarget: 0.05, ...o });
}

/** A CSV's rows as objects (csv-parse). */
function csvRows(path: string): Record<string, string>[] {
  return parse(readFileSync(path, "utf8"), { columns: true }) as Record<string, string>[];
}

describe("the draws", () => {
  it("are deterministic from the seed, and K draws are the first K of more", () => {
    const w = [0.1, 0.2, 0.3, 0.4];
    expect(drawIndices(w, 50, 1)).toEqual(drawIndices(w, 50, 1));
    expect(drawIndices(w, 50, 1)).not.toEqual(drawIndices(w, 50, 2));
    expect(drawIndices(w, 200, 1).slice(0, 50)).toEqual(drawIndices(w, 50, 1));
    // The same draws whatever the scenarios: the spec's draws depend on the seed and the file.
    const a = specOf([BASELINE], { posterior: tiny, draws: 5 }).posterior!;
    const b = specOf([own, BASELINE], { posterior: tiny, draws: 5 }).posterior!;
    expect(a.draws).toEqual(b.draws);
    expect(a.draws).toEqual(drawIndices([0.2, 0.3, 0.5], 5, 7).map((i) => [11, 12, 13][i]));
    // Without --draws, K is --replicates (1 by default).
    expect(specOf([BASELINE], { posterior: tiny, replicates: 4 }).posterior!.draws).toEqual(drawIndices([0.2, 0.3, 0.5], 4, 7).map((i) => [11, 12, 13][i]));
    expect(specOf([BASELINE], { posterior: tiny }).replicates).toBe(1);
  });

  it("are in proportion to the weights (chi-square, 3 df, 20,000 draws)", () => {
    // Expected counts n * w; the statistic of a correct sampler is chi-square with 3 degrees of
    // freedom, whose 0.999 quantile is 16.27 (standard tables): a correct sampler fails this for
    // a given seed with probability 0.001, and the seeds are fixed, so the test is deterministic.
    const w = [0.5, 0.3, 0.15, 0.05];
    const n = 20000;
    for (const seed of [1, 2, 3]) {
      const counts = [0, 0, 0, 0];
      for (const i of drawIndices(w, n, seed)) counts[i]!++;
      const chi2 = counts.reduce((s, c, i) => s + (c - n * w[i]!) ** 2 / (n * w[i]!), 0);
      expect(chi2, `seed ${seed}: counts ${counts.join(", ")}`).toBeLessThan(16.27);
    }
    // Weights need not sum to 1: only their proportions count.
    const counts = [0, 0];
    for (const i of drawIndices([3, 1], n, 4)) counts[i]!++;
    // Binomial: sd of the first count sqrt(n * 0.75 * 0.25) = 61; 4 sd.
    expect(Math.abs(counts[0]! - n * 0.75)).toBeLessThan(4 * Math.sqrt(n * 0.75 * 0.25));
  });

  it("of the shipped posterior are its particles, and the spec records their values", () => {
    const p = specOf([BASELINE], { posterior: SHIPPED, draws: 20 }).posterior!;
    const file = readPosterior(SHIPPED);
    expect(p.sha256).toBe(sha(readFileSync(SHIPPED)));
    expect(p.draws).toHaveLength(20);
    expect(p.params).toEqual(file.params);
    for (const d of p.draws) expect(p.particles.map((x) => x.particle)).toContain(d);
    for (const x of p.particles) expect(x.values).toEqual(file.particles.find((y) => y.particle === x.particle)!.values);
    // More than one particle among 20 draws (the largest weight is far below 1).
    expect(new Set(p.draws).size).toBeGreaterThan(1);
  });
});

describe("where a draw goes", () => {
  it("replicate r of every scenario takes draw r; a scenario's own params and its sweep keep their values", () => {
    const spec = specOf([BASELINE, own, swept], { posterior: tiny, draws: 3 });
    const p = spec.posterior!;
    expect(p.ownParams).toEqual([[], ["abscondBaseHazardPerMonth"], []]);
    const plan = planExperiment(spec);
    const valueOf = (particle: number, name: string): number => p.particles.find((x) => x.particle === particle)!.values[p.params.indexOf(name as never)]!;
    for (const t of plan.tasks) {
      const params = plan.inputsOf!(t).params;
      const d = p.draws[t.replicate - 1]!;
      expect(params.tiEarlyReturnHazardPerMonth).toBe(valueOf(d, "tiEarlyReturnHazardPerMonth"));
      if (t.scenario === "own") expect(params.abscondBaseHazardPerMonth).toBe(0.001);
      else expect(params.abscondBaseHazardPerMonth).toBe(valueOf(d, "abscondBaseHazardPerMonth"));
      if (t.scenario === "swept") expect(params.apprehensionHazardPerMonth).toBe([0.02, 0.03][t.point]);
      else expect(params.apprehensionHazardPerMonth).toBe(valueOf(d, "apprehensionHazardPerMonth"));
      // The policy step still sets its value from its month, over the draw.
      if (t.scenario === "own") expect(plan.inputsOf!(t).policy).toContainEqual({ month: 17, set: { tiEarlyReturnHazardPerMonth: 0.004 } });
      // Parameters the posterior does not hold keep the scenario's values.
      expect(params.debtCv).toBe(plan.inputs[t.inputsIndex]!.params.debtCv);
    }
  });

  it("without --posterior the spec and the plan are as before", () => {
    const spec = specOf([BASELINE], { replicates: 2 });
    expect("posterior" in spec).toBe(false);
    expect(planExperiment(spec).inputsOf).toBeUndefined();
    expect(specSha256(spec)).toBe(specSha256({ ...spec }));
  });

  it("a manifest's posterior is checked like the rest of its spec", () => {
    const spec = specOf([BASELINE, own], { posterior: tiny, draws: 3 });
    expect(() => validateExperimentSpec(spec, "Manifest m.json")).not.toThrow();
    const bad = (edit: (p: NonNullable<typeof spec.posterior>) => void): string => {
      const copy = structuredClone(spec);
      edit(copy.posterior!);
      try {
        validateExperimentSpec(copy, "Manifest m.json");
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return (e as Error).message;
      }
      throw new Error("accepted");
    };
    expect(bad((p) => p.draws.pop())).toMatch(/^Manifest m\.json does not hold a valid experiment: spec\.posterior\.draws: expected one particle per replicate \(3\), got 2\.$/);
    expect(bad((p) => (p.particles[0]!.values[0] = 5))).toMatch(/spec\.posterior\.particles\[0\]\.values\[0\]: abscondBaseHazardPerMonth: 5 is not a number in \[0\.0002, 0\.01\]/);
    expect(bad((p) => (p.draws[0] = 99))).toMatch(/spec\.posterior\.draws\[0\]: particle 99 is not among the recorded particles/);
    expect(bad((p) => p.ownParams.pop())).toMatch(/spec\.posterior\.ownParams: expected one list per scenario \(2\)/);
    expect(bad((p) => ((p as { params: string[] }).params[0] = "nope"))).toMatch(/spec\.posterior\.params\[0\]/);
    expect(bad((p) => (p.perDraw = 2))).toMatch(/spec\.posterior\.perDraw: expected a divisor of the replicates \(3\), got 2/);
    expect(bad((p) => (p.perDraw = 1))).toMatch(/spec\.posterior\.perDraw: expected 2 or more replicates per draw/);
    // Three draws of one replicate read as one draw of three: only if the particles agree.
    expect(bad((p) => { p.perDraw = 3; p.draws = [11, 12, 11]; })).toMatch(/spec\.posterior\.draws\[1\]: expected the 3 replicates of a draw to share its particle, got 12 after 11/);
  });
});

describe("warnings of a run over a posterior", () => {
  it("none for the baseline; a policy step setting a drawn parameter, and a scenario setting every drawn one, are named", () => {
    expect(posteriorWarnings(specOf([BASELINE], { posterior: SHIPPED, draws: 2 }))).toEqual([]);
    expect(posteriorWarnings(specOf([BASELINE]))).toEqual([]);
    const enforce = posteriorWarnings(specOf([BASELINE, join(ROOT, "scenarios/strict-enforcement.yaml")], { posterior: SHIPPED, draws: 2 }));
    expect(enforce).toHaveLength(1);
    expect(enforce[0]).toMatch(/strict-enforcement's policy step from 2026-04 sets apprehensionHazardPerMonth/);
    const pinned = posteriorWarnings(specOf([BASELINE, join(ROOT, "data/calibration/best-fit.yaml")], { posterior: SHIPPED, draws: 2 }));
    expect(pinned.some((w) => /sets every parameter of .* take no posterior draws/.test(w))).toBe(true);
  });
});

describe("bad files and flags: exit 2, one paragraph, nothing written", () => {
  const cases: { name: string; csv?: string; path?: string; argv?: string[]; says: RegExp }[] = [
    { name: "a missing file", path: "nope.csv", says: /Posterior .*nope\.csv does not exist/ },
    { name: "a folder", path: ".", says: /Posterior .* is a folder/ },
    { name: "an empty file", csv: "", says: /is empty/ },
    { name: "a header only", csv: "weight,abscondBaseHazardPerMonth\n", says: /has a header but no particles/ },
    { name: "ragged lines", csv: "weight,abscondBaseHazardPerMonth\n0.5,0.001\n0.5\n", says: /is not a valid CSV \(line 3\)/ },
    { name: "no weight column", csv: "particle,abscondBaseHazardPerMonth\n1,0.001\n", says: /no "weight" column in the header \(line 1\)/ },
    { name: "a zero weight", csv: "weight,abscondBaseHazardPerMonth\n0.5,0.001\n0,0.002\n", says: /line 3, column weight: "0" is not a positive number/ },
    { name: "a negative weight", csv: "weight,abscondBaseHazardPerMonth\n-1,0.001\n", says: /line 2, column weight: "-1" is not a positive number/ },
    { name: "a text weight", csv: "weight,abscondBaseHazardPerMonth\nabc,0.001\n", says: /line 2, column weight: "abc"/ },
    { name: "an unknown column", csv: "weight,abscondBaseHazard\n1,0.001\n", says: /column "abscondBaseHazard" \(line 1\) is not a parameter \(did you mean "abscondBaseHazardPerMonth"\?\)/ },
    { name: "a flag column", csv: "weight,esdActive\n1,1\n", says: /column "esdActive" \(line 1\) is a flag/ },
    { name: "no parameter columns", csv: "generation,particle,weight,distance\n1,1,1,0.5\n", says: /no parameter columns/ },
    { name: "a value out of range", csv: "weight,abscondBaseHazardPerMonth\n0.5,0.001\n0.5,0.5\n", says: /line 3, column abscondBaseHazardPerMonth: "0\.5" is not a number in \[0\.0002, 0\.01\]/ },
    { name: "an empty value", csv: "weight,abscondBaseHazardPerMonth\n1,\n", says: /line 2, column abscondBaseHazardPerMonth: "" is not a number/ },
    { name: "a fraction for a whole-number parameter", csv: "weight,returneeReentryWindowMonths\n1,60.5\n", says: /returneeReentryWindowMonths: "60\.5" is not a whole number in \[24, 240\]/ },
    { name: "a particle twice", csv: "particle,weight,abscondBaseHazardPerMonth\n1,0.5,0.001\n1,0.5,0.002\n", says: /line 3, column particle: particle 1 is also on line 2/ },
    { name: "a column twice", csv: "weight,weight,abscondBaseHazardPerMonth\n1,1,0.001\n", says: /the column "weight" appears twice/ },
    { name: "--draws without --posterior", argv: ["--draws", "3"], says: /--draws 3 .*needs --posterior FILE/ },
    { name: "--draws and --replicates disagreeing", argv: ["--posterior", "TINY", "--draws", "3", "--replicates", "2"], says: /--draws 3 and --replicates 2 disagree/ },
    { name: "--draws 0", argv: ["--posterior", "TINY", "--draws", "0"], says: /--draws expects a whole number from 1 to 100000, got 0/ },
    { name: "--draws 1.5", argv: ["--posterior", "TINY", "--draws", "1.5"], says: /--draws expects a whole number/ },
    { name: "--per-draw without --draws", argv: ["--posterior", "TINY", "--per-draw", "2"], says: /--per-draw 2 .*needs --posterior FILE and --draws K/ },
    { name: "--per-draw without --posterior", argv: ["--per-draw", "2"], says: /--per-draw 2 .*needs --posterior FILE and --draws K/ },
    { name: "--per-draw 0", argv: ["--posterior", "TINY", "--draws", "3", "--per-draw", "0"], says: /--per-draw expects a whole number from 1 to 100000, got 0/ },
    { name: "--per-draw 0.5 with --replicates", argv: ["--posterior", "TINY", "--draws", "2", "--per-draw", "0.5", "--replicates", "3"], says: /--per-draw expects a whole number from 1 to 100000, got 0\.5/ },
    { name: "--per-draw and --replicates disagreeing", argv: ["--posterior", "TINY", "--draws", "3", "--per-draw", "2", "--replicates", "3"], says: /--draws 3 x --per-draw 2 runs 6 replicates, but --replicates says 3/ },
  ];
  it.each(cases)("$name", async (c) => {
    const slug = c.name.replace(/\W+/g, "-");
    let argv = c.argv?.map((a) => (a === "TINY" ? tiny : a)) ?? [];
    if (c.csv !== undefined || c.path !== undefined) {
      const file = c.path !== undefined ? join(tmp, c.path) : join(tmp, `${slug}.csv`);
      if (c.csv !== undefined) writeFileSync(file, c.csv);
      argv = ["--posterior", file, "--draws", "2"];
      if (c.path === undefined) expect(() => readPosterior(file)).toThrow(UserError);
    }
    const out = join(tmp, `bad-${slug}`);
    const r = await runCli("run", BASELINE, ...TINY, ...argv, "--out", out);
    expectUserError(r);
    expect(r.stderr).toMatch(c.says);
    if (c.csv !== undefined) expect(r.stderr).toContain(`${slug}.csv`);
    expect(existsSync(out), `${out} was made`).toBe(false);
  });

  it("a run already in --out loses nothing, --overwrite or not", async () => {
    const out = join(tmp, "bad-existing");
    mkdirSync(out);
    writeFileSync(join(out, "manifest.json"), "{}\n");
    writeFileSync(join(out, "timeseries.csv"), "earlier run\n");
    const before = snapshot(out);
    const bad = join(tmp, "bad-existing.csv");
    writeFileSync(bad, "weight,abscondBaseHazardPerMonth\n1,7\n");
    for (const extra of [[], ["--overwrite"]]) {
      const r = await runCli("run", BASELINE, ...TINY, "--posterior", bad, "--out", out, ...extra);
      expectUserError(r);
      expect(r.stderr).toContain("bad-existing.csv: line 2, column abscondBaseHazardPerMonth");
      expect(snapshot(out)).toEqual(before);
    }
  });
});

describe("a tiny run over a posterior (2 scenarios x 3 draws, scale 0.002, 2014-01 to 2015-12)", () => {
  const RUN = (): string[] => ["run", BASELINE, own, ...TINY, "--posterior", tiny, "--draws", "3"];
  let single: string;

  beforeAll(async () => {
    single = join(tmp, "single");
    await ok(...RUN(), "--threads", "1", "--out", single);
  });

  it("records the file, its sha256 and the draws in the manifest; the draws change the outputs", async () => {
    const m = manifestOf(single);
    const p = m.spec.posterior!;
    expect(p.file).toBe(tiny);
    expect(p.sha256).toBe(sha(readFileSync(tiny)));
    expect(p.draws).toEqual(drawIndices([0.2, 0.3, 0.5], 3, 7).map((i) => [11, 12, 13][i]));
    expect(m.spec.replicates).toBe(3);
    expect(m.tasks.map((t) => `${t.scenario}/${t.replicate}`)).toEqual(["baseline/1", "baseline/2", "baseline/3", "own/1", "own/2", "own/3"]);
    // Against the same run without --posterior: other bytes (the draws are far from the defaults).
    const plain = join(tmp, "plain");
    await ok("run", BASELINE, own, ...TINY, "--replicates", "3", "--threads", "2", "--out", plain);
    expect("posterior" in manifestOf(plain).spec).toBe(false);
    expect(readFileSync(join(plain, "timeseries.csv")).equals(readFileSync(join(single, "timeseries.csv")))).toBe(false);
    // --replicates equal to --draws is allowed, and the same run.
    const same = join(tmp, "same-replicates");
    await ok(...RUN(), "--replicates", "3", "--threads", "2", "--out", same);
    expectSameBytes(single, same);
  });

  it("writes variance.csv: each metric's and each paired effect's spread over the draws (one replicate per draw: not separable)", () => {
    const rows = csvRows(join(single, "variance.csv"));
    const own3 = rows.filter((r) => r.scenario === "own" && r.metric === "abscond_total");
    expect(own3.map((r) => r.reference)).toEqual(["", "baseline"]);
    for (const r of own3) {
      expect([r.draws, r.per_draw]).toEqual(["3", "1"]);
      expect([r.sd_between_draws, r.sd_within_draws, r.parametric_share]).toEqual(["", "", ""]);
    }
    // The effect row's mean is effects.csv's diff_mean.
    const eff = csvRows(join(single, "effects.csv")).find((r) => r.scenario === "own" && r.metric === "abscond_total")!;
    expect(Number(own3[1]!.mean)).toBeCloseTo(Number(eff.diff_mean), 6);
  });

  it("with --per-draw R, R replicates share each draw: the same K draws, each R times; variance.csv separates the spreads", async () => {
    const dir = join(tmp, "per-draw");
    await ok(...RUN(), "--per-draw", "2", "--threads", "2", "--out", dir);
    const m = manifestOf(dir);
    expect(m.spec.replicates).toBe(6);
    expect(m.spec.posterior!.perDraw).toBe(2);
    expect(m.spec.posterior!.draws).toEqual(manifestOf(single).spec.posterior!.draws.flatMap((d) => [d, d]));
    const r = csvRows(join(dir, "variance.csv")).find((x) => x.scenario === "baseline" && x.metric === "abscond_total" && x.reference === "")!;
    expect([r.draws, r.per_draw]).toEqual(["3", "2"]);
    // The draws are far apart (absconding hazards 0.0003 to 0.008): the spread between draws dominates.
    expect(Number(r.parametric_share)).toBeGreaterThan(0.9);
    expect(Number(r.sd_within_draws)).toBeGreaterThan(0);
    // And the decomposition is the one of summary.ts on the replicates' values (ANOVA).
    const s = csvRows(join(dir, "summary.csv")).find((x) => x.scenario === "baseline" && x.metric === "abscond_total")!;
    expect(Number(r.mean)).toBeCloseTo(Number(s.mean), 6);
    expect(Number(r.sd_total)).toBeCloseTo(Number(s.sd), 6);
  });

  it("gives the same bytes with 2 threads", async () => {
    const two = join(tmp, "threads2");
    await ok(...RUN(), "--threads", "2", "--out", two);
    expectSameBytes(single, two);
  });

  it("sharded and merged, gives the single run's bytes", async () => {
    const shards = [0, 1].map((k) => join(tmp, `shard${k}`));
    for (const [k, dir] of shards.entries()) await ok(...RUN(), "--threads", "2", "--shard", `${k}/2`, "--out", dir);
    for (const dir of shards) expect(manifestOf(dir).spec.posterior).toEqual(manifestOf(single).spec.posterior);
    const merged = join(tmp, "merged");
    await ok("merge", ...shards, "--out", merged, "--quiet");
    expectSameBytes(single, merged);
    expect(manifestOf(merged).spec.posterior).toEqual(manifestOf(single).spec.posterior);
    // A shard run over another posterior (here other weights, so other draws) is not the same run.
    const reweighted = join(tmp, "reweighted.csv");
    writeFileSync(reweighted, TINY_CSV.replace(",0.2,", ",0.7,").replace(",0.5,", ",0.0001,"));
    expect(specOf([BASELINE, own], { posterior: reweighted, draws: 3 }).posterior!.draws).not.toEqual(manifestOf(single).spec.posterior!.draws);
    const other = join(tmp, "shard1-other");
    await ok(...RUN().map((a) => (a === tiny ? reweighted : a)), "--threads", "2", "--shard", "1/2", "--out", other);
    const r = await runCli("merge", shards[0]!, other, "--out", join(tmp, "merged-other"), "--quiet");
    expectUserError(r);
    expect(r.stderr).toMatch(/is not a shard of the same run .*: it was made with --posterior .*reweighted\.csv .*, not --posterior .*tiny-posterior\.csv/);
    expect(existsSync(join(tmp, "merged-other"))).toBe(false);
  });

  it("interrupted and resumed, gives the single run's bytes", async () => {
    const spec = manifestOf(single).spec;
    const cut = join(tmp, "cut");
    await interruptedRun(spec, cut, 2);
    // --resume runs the recorded draws: new posterior flags are refused, not ignored.
    for (const flags of [["--posterior", tiny], ["--draws", "5"], ["--per-draw", "2"]]) {
      const refused = await runCli("run", "--resume", cut, ...flags, "--quiet");
      expectUserError(refused);
      expect(refused.stderr).toMatch(new RegExp(`${flags[0]} cannot be given with --resume: .*spec\\.posterior`));
    }
    await ok("run", "--resume", cut, "--threads", "2", "--quiet");
    expectSameBytes(single, cut);
  });

  it("reproduces from its manifest without the posterior file", async () => {
    const moved = `${tiny}.moved`;
    renameSync(tiny, moved);
    try {
      const again = join(tmp, "reproduced");
      await ok("reproduce", join(single, "manifest.json"), "--threads", "2", "--quiet", "--out", again);
      expectSameBytes(single, again);
    } finally {
      renameSync(moved, tiny);
    }
  });
});
