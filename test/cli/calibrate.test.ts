// `migsim fit` and `migsim calibrate` on the command line (in-process, test/helpers/cli.ts; the
// simulations run on worker threads from dist/, so run `npm run build` first - `npm test` does).
// Errors a user can fix: exit code 2, one paragraph naming the flag or file, no stack trace, and
// nothing written to --out. A tiny calibration end to end: the same results with 1 and 2 threads.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseCsv } from "csv-parse/sync";
import { parse as parseYaml } from "yaml";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { loadTargets, targetInRun } from "../../src/calibrate/targets.js";
import { loadScenario } from "../../src/scenario/load.js";
import { buildInputs } from "../../src/scenario/resolve.js";
import { type CliResult, expectUserError, runCli, snapshot } from "../helpers/cli.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const BASELINE = join(ROOT, "scenarios/baseline.yaml");
const TARGETS = join(ROOT, "data/observed/targets.csv");

let tmp: string;
let outNo = 0;
const freshOut = (tag: string): string => join(tmp, `${tag}-${++outNo}`);
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-calibrate-cli-"));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("fit and calibrate: bad flags and files exit 2 and write nothing", () => {
  // Good values of every flag; a case replaces one of them (yargs would turn a repeated flag into an array).
  const flags = (defaults: Record<string, string>, out: string, changes: Record<string, string>): string[] =>
    Object.entries({ ...defaults, ...changes, out }).flatMap(([k, v]) => [`--${k}`, v]);
  const FIT: Record<string, string> = { scale: "0.002", replicates: "1", threads: "1" };
  const CALIBRATE: Record<string, string> = {
    scale: "0.002", particles: "4", generations: "1", "best-of": "1", "fit-scale": "0.002", "fit-replicates": "1",
    params: "abscondBaseHazardPerMonth", threads: "1",
  };
  const fit = (out: string, changes: Record<string, string> = {}, scenario = BASELINE): string[] => ["fit", scenario, "--quiet", ...flags(FIT, out, changes)];
  const calibrate = (out: string, changes: Record<string, string> = {}): string[] => ["calibrate", BASELINE, "--quiet", ...flags(CALIBRATE, out, changes)];
  const missingScenario = join(ROOT, "scenarios/no-such-scenario.yaml");
  const missingTargets = join(ROOT, "data/observed/no-such-targets.csv");
  const CASES: { name: string; argv: (out: string) => string[]; says: RegExp }[] = [
    { name: "fit: missing scenario file", argv: (out) => fit(out, {}, missingScenario), says: /no-such-scenario\.yaml does not exist/ },
    { name: "fit: missing targets file", argv: (out) => fit(out, { targets: missingTargets }), says: /Targets file .*no-such-targets\.csv does not exist/ },
    { name: "fit: --replicates 0", argv: (out) => fit(out, { replicates: "0" }), says: /--replicates expects a whole number from 1 .*got 0/ },
    { name: "fit: --scale 2", argv: (out) => fit(out, { scale: "2" }), says: /--scale expects a number in \(0, 1\].*got 2/ },
    { name: "calibrate: --params unknownParam", argv: (out) => calibrate(out, { params: "unknownParam" }), says: /--params: unknown parameter\(s\) unknownParam/ },
    { name: "calibrate: --params with one unknown among known", argv: (out) => calibrate(out, { params: "abscondBaseHazardPerMonth,abscondBaseHazard" }), says: /--params: unknown parameter\(s\) abscondBaseHazard \(/ },
    { name: "calibrate: --params ti3Available (a flag)", argv: (out) => calibrate(out, { params: "ti3Available" }), says: /--params: ti3Available is a flag/ },
    { name: "calibrate: --quantile 1", argv: (out) => calibrate(out, { quantile: "1" }), says: /--quantile expects a number in \(0, 1\).*got 1/ },
    { name: "calibrate: --particles 1", argv: (out) => calibrate(out, { particles: "1" }), says: /--particles expects a whole number from 2 .*got 1/ },
    { name: "calibrate: --metrics with an unknown metric", argv: (out) => calibrate(out, { metrics: "ti_missing,ssw_stock" }), says: /--metrics: ssw_stock is not a target metric; expected some of ti_stock/ },
    { name: "calibrate: --metrics given twice", argv: (out) => [...calibrate(out, { metrics: "ti_missing" }), "--metrics", "ti_stock"], says: /--metrics was given 2 times; give it once, with the names separated by commas/ },
    { name: "calibrate: --metrics empty", argv: (out) => calibrate(out, { metrics: "," }), says: /--metrics: name at least one target metric/ },
    { name: "calibrate: --fit-through not a month", argv: (out) => calibrate(out, { "fit-through": "2021" }), says: /--fit-through expects a month as YYYY-MM, e.g. 2021-12, got "2021"/ },
    { name: "calibrate: --fit-through before every target", argv: (out) => calibrate(out, { "fit-through": "2010-01" }), says: /--fit-through 2010-01: no weighted target ends by then, so there is nothing to fit/ },
    { name: "calibrate: missing targets file", argv: (out) => calibrate(out, { targets: missingTargets }), says: /no-such-targets\.csv does not exist/ },
  ];

  it("the good values alone are accepted: fit runs and writes its report (each case fails for its own flag)", async () => {
    // calibrate's good values are the end-to-end run's below.
    const out = freshOut("fit-ok");
    const r = await runCli(...fit(out));
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["fit.csv", "fit.svg", "manifest.json"]);
    // Like a run's manifest, it names the code (the checkout's commit, or that there is none) and its dependencies.
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { git: unknown; dependencies: Record<string, string | null> };
    if (manifest.git !== "not a git checkout") expect(manifest.git).toEqual({ commit: expect.stringMatching(/^[0-9a-f]{40}$/), dirty: expect.any(Boolean) });
    expect(manifest.dependencies.seedrandom).toBe((JSON.parse(readFileSync(join(ROOT, "node_modules/seedrandom/package.json"), "utf8")) as { version: string }).version);
    const rows = parseCsv(readFileSync(join(out, "fit.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(loadTargets(TARGETS).length);
  }, 30_000);

  it.each(CASES)("$name: exit 2, says so, no --out folder created", async ({ argv, says }) => {
    const out = freshOut("absent");
    const r = await runCli(...argv(out));
    expectUserError(r);
    expect(r.stderr).toMatch(says);
    expect(existsSync(out), `${out} was created`).toBe(false);
  });

  it.each(CASES)("$name: an existing --out folder is left unchanged", async ({ argv }) => {
    const out = freshOut("present");
    mkdirSync(out);
    writeFileSync(join(out, "notes.txt"), "mine\n");
    const before = snapshot(out);
    const r = await runCli(...argv(out));
    expectUserError(r);
    expect(snapshot(out)).toEqual(before);
  });
});

describe("a tiny calibration end to end", () => {
  const FILES = ["posterior.csv", "particles.csv", "generations.csv", "fit.csv", "best-fit.yaml"];
  // Both runs write to folders at the same depth, so best-fit.yaml's relative `extends` is the same.
  const argv = (out: string, threads: number, ...extra: string[]): string[] => [
    "calibrate", "scenarios/baseline.yaml", "--scale", "0.002", "--particles", "4", "--generations", "1", "--best-of", "1",
    "--fit-scale", "0.002", "--fit-replicates", "2", "--params", "abscondBaseHazardPerMonth", "--threads", String(threads), "--quiet",
    "--out", out, ...extra,
  ];
  let one: string;
  let two: string;
  let first: CliResult;
  let second: CliResult;

  beforeAll(async () => {
    one = join(tmp, "e2e", "threads-1");
    two = join(tmp, "e2e", "threads-2");
    first = await runCli(...argv(one, 1));
    second = await runCli(...argv(two, 2));
  }, 60_000);

  it("both runs succeed quietly and write every file", () => {
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(first.stderr).toBe("");
    for (const f of [...FILES, "fit.svg", "manifest.json"]) {
      expect(existsSync(join(one, f)), f).toBe(true);
      expect(existsSync(join(two, f)), f).toBe(true);
    }
    // No partial files are left behind.
    expect(readdirSync(one).filter((f) => f.endsWith(".partial"))).toEqual([]);
  });

  it("1 and 2 threads give byte-identical posterior, particles, generations, fit and best fit", () => {
    for (const f of FILES) expect(readFileSync(join(two, f)).equals(readFileSync(join(one, f))), f).toBe(true);
  });

  it("the files are consistent: one generation after the prior, 4 particles each", () => {
    const read = (f: string) => parseCsv(readFileSync(join(one, f), "utf8"), { columns: true }) as Record<string, string>[];
    const generations = read("generations.csv");
    expect(generations.map((g) => g.generation)).toEqual(["0", "1"]);
    expect(generations[0]!.epsilon).toBe(""); // the prior sample has no tolerance
    expect(Number(generations[1]!.epsilon)).toBeGreaterThan(0);
    const particles = read("particles.csv");
    expect(particles).toHaveLength(8);
    const posterior = read("posterior.csv");
    expect(posterior).toEqual(particles.filter((p) => p.generation === "1"));
    let weights = 0;
    for (const p of posterior) {
      const v = Number(p.abscondBaseHazardPerMonth);
      // Inside the prior: PARAMS range [0.0002, 0.01].
      expect(v).toBeGreaterThanOrEqual(0.0002);
      expect(v).toBeLessThanOrEqual(0.01);
      expect(Number(p.distance)).toBeLessThanOrEqual(Number(generations[1]!.epsilon));
      weights += Number(p.weight);
    }
    expect(weights).toBeCloseTo(1, 12);
  });

  it("fit.csv has one row per target of data/observed/targets.csv, in order", () => {
    const targets = loadTargets(TARGETS);
    const rows = parseCsv(readFileSync(join(one, "fit.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(targets.length);
    // Targets before the run's start (2014-01) or after its end are reported as not simulated.
    const inputs = buildInputs(loadScenario(BASELINE), { scale: 0.002, until: "2023-12" });
    rows.forEach((row, k) => {
      const t = targets[k]!;
      expect([row.metric, row.nationality, row.date], `row ${k + 1}`).toEqual([t.metric, t.nationality, t.date]);
      expect(row.replicates).toBe("2");
      const covered = targetInRun(t, inputs.startMonthAbs, inputs.months);
      expect(row.within_tolerance === "not simulated", t.id).toBe(!covered);
    });
    expect(rows.some((r) => r.within_tolerance === "not simulated")).toBe(true); // ti_missing 2011-2013
  });

  it("best-fit.yaml loads as a scenario with the best particle's value, rounded to 4 significant digits", () => {
    const file = join(one, "best-fit.yaml");
    const doc = parseYaml(readFileSync(file, "utf8")) as { params: Record<string, number>; extends: string; name: string };
    expect(Object.keys(doc.params)).toEqual(["abscondBaseHazardPerMonth"]);
    const value = doc.params.abscondBaseHazardPerMonth!;
    const scenario = loadScenario(file);
    expect(scenario.params.abscondBaseHazardPerMonth).toBe(value);
    expect(scenario.name).toBe("baseline-calibrated");
    // It extends the baseline: everything else is the baseline's.
    const baseline = loadScenario(BASELINE);
    expect({ ...scenario.params, abscondBaseHazardPerMonth: 0 }).toEqual({ ...baseline.params, abscondBaseHazardPerMonth: 0 });
    expect(scenario.policy).toEqual(baseline.policy);
    expect(resolve(dirname(file), doc.extends)).toBe(BASELINE);
    // With --best-of 1 the best fit is the posterior particle nearest the data (lowest distance).
    const posterior = parseCsv(readFileSync(join(one, "posterior.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    const nearest = [...posterior].sort((a, b) => Number(a.distance) - Number(b.distance))[0]!;
    expect(value).toBe(Number(Number(nearest.abscondBaseHazardPerMonth).toPrecision(4)));
  });

  it("running again into the same --out without --overwrite exits 2 and changes nothing", async () => {
    const before = snapshot(one);
    const r = await runCli(...argv(one, 1));
    expectUserError(r);
    expect(r.stderr).toContain(one);
    expect(r.stderr).toMatch(/already holds results/);
    expect(r.stderr).toMatch(/--overwrite/);
    expect(snapshot(one)).toEqual(before);
  }, 30_000);
});
