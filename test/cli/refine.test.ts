// `migsim refine` on the command line (in-process, test/helpers/cli.ts; the simulations run on
// worker threads from dist/, so run `npm run build` first - `npm test` does). Errors a user can
// fix: exit code 2, one paragraph naming the flag or file, and nothing written to --out. A tiny
// refine end to end: the same files with 1 and 2 threads, consistent with each other, and a
// best-fit.yaml that `migsim fit` reproduces the reported distance from.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseCsv } from "csv-parse/sync";
import { parse as parseYaml } from "yaml";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { PARAMS } from "../../src/model/params.js";
import { loadScenario } from "../../src/scenario/load.js";
import { type CliResult, expectUserError, runCli, snapshot } from "../helpers/cli.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const BASELINE = join(ROOT, "scenarios/baseline.yaml");

let tmp: string;
let outNo = 0;
const freshOut = (tag: string): string => join(tmp, `${tag}-${++outNo}`);
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-refine-cli-"));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

type Row = Record<string, string>;
const readCsv = (file: string): Row[] => parseCsv(readFileSync(file, "utf8"), { columns: true }) as Row[];
const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8"));

describe("refine: bad flags and files exit 2 and write nothing", () => {
  // Good values of every flag; a case replaces one of them (yargs would turn a repeated flag into an array).
  const GOOD: Record<string, string> = { scale: "0.002", replicates: "1", threads: "1", params: "abscondBaseHazardPerMonth", "max-evaluations": "2" };
  const refine = (out: string, changes: Record<string, string> = {}, scenario = BASELINE): string[] => [
    "refine", scenario, "--quiet", ...Object.entries({ ...GOOD, ...changes, out }).flatMap(([k, v]) => [`--${k}`, v]),
  ];
  const CASES: { name: string; argv: (out: string) => string[]; says: RegExp }[] = [
    { name: "--max-evaluations 0", argv: (out) => refine(out, { "max-evaluations": "0" }), says: /--max-evaluations expects a whole number from 1 .*got 0/ },
    { name: "--max-evaluations 2.5", argv: (out) => refine(out, { "max-evaluations": "2.5" }), says: /--max-evaluations expects a whole number from 1 .*got 2\.5/ },
    { name: "--step 0", argv: (out) => refine(out, { step: "0" }), says: /--step expects a number in \(0, 1\].*got 0/ },
    { name: "--step 2", argv: (out) => refine(out, { step: "2" }), says: /--step expects a number in \(0, 1\].*got 2/ },
    { name: "--scale 2", argv: (out) => refine(out, { scale: "2" }), says: /--scale expects a number in \(0, 1\].*got 2/ },
    { name: "--replicates 0", argv: (out) => refine(out, { replicates: "0" }), says: /--replicates expects a whole number from 1 .*got 0/ },
    { name: "--params unknownName", argv: (out) => refine(out, { params: "unknownName" }), says: /--params: unknown parameter\(s\) unknownName \(/ },
    { name: "--params with one unknown among known", argv: (out) => refine(out, { params: "abscondBaseHazardPerMonth,unknownName" }), says: /--params: unknown parameter\(s\) unknownName \(/ },
    { name: "--params naming one parameter twice", argv: (out) => refine(out, { params: "abscondBaseHazardPerMonth,abscondBaseHazardPerMonth" }), says: /--params names abscondBaseHazardPerMonth more than once/ },
    { name: "--params ti3Available (a flag)", argv: (out) => refine(out, { params: "ti3Available" }), says: /--params: ti3Available is a flag/ },
    { name: "--metrics with an unknown metric", argv: (out) => refine(out, { metrics: "ssw_stock" }), says: /--metrics: ssw_stock is not a target metric/ },
    { name: "--fit-through 2021 (not a month)", argv: (out) => refine(out, { "fit-through": "2021" }), says: /--fit-through expects a month as YYYY-MM, e.g. 2021-12, got "2021"/ },
    { name: "missing scenario file", argv: (out) => refine(out, {}, join(ROOT, "scenarios/no-such-scenario.yaml")), says: /no-such-scenario\.yaml does not exist/ },
  ];

  it("the good values alone are accepted: refine runs and writes its files (so each case fails for its own flag)", async () => {
    const out = freshOut("refine-ok");
    const r = await runCli(...refine(out));
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["best-fit.yaml", "fit.csv", "fit.svg", "manifest.json", "refine.csv"]);
    expect(readCsv(join(out, "refine.csv"))).toHaveLength(2);
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

describe("a tiny refine end to end", () => {
  const PARAM_NAMES = ["abscondBaseHazardPerMonth", "abscondTightnessElasticity"] as const;
  const EVALUATIONS = 6;
  const IDENTICAL = ["refine.csv", "best-fit.yaml", "fit.csv", "fit.svg"];
  // Both runs write to folders at the same depth, so best-fit.yaml's relative `extends` is the same.
  const argv = (out: string, threads: number): string[] => [
    "refine", "scenarios/baseline.yaml", "--scale", "0.002", "--replicates", "2", "--params", PARAM_NAMES.join(","),
    "--max-evaluations", String(EVALUATIONS), "--threads", String(threads), "--quiet", "--out", out,
  ];
  const baseline = loadScenario(BASELINE);
  /** As refine writes values: 4 significant digits. */
  const round4 = (v: number): number => Number(v.toPrecision(4));
  let one: string;
  let two: string;
  let first: CliResult;
  let second: CliResult;
  let rows: Row[];
  let manifest: {
    kind: string;
    params: string[];
    fit: { scale: number; replicates: number; distance: number; startDistance: number };
    refine: { evaluations: number; stop: string; maxEvaluations: number; step: number; logScale: string[] };
    start: Record<string, number>;
    best: Record<string, number>;
  };

  beforeAll(async () => {
    one = join(tmp, "e2e", "threads-1");
    two = join(tmp, "e2e", "threads-2");
    first = await runCli(...argv(one, 1));
    second = await runCli(...argv(two, 2));
    if (first.code === 0) {
      rows = readCsv(join(one, "refine.csv"));
      manifest = readJson(join(one, "manifest.json"));
    }
  }, 60_000);

  it("both runs succeed quietly and write every file, and nothing else", () => {
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(first.stderr).toBe("");
    expect(second.stderr).toBe("");
    const files = ["best-fit.yaml", "fit.csv", "fit.svg", "manifest.json", "refine.csv"];
    expect(readdirSync(one).sort()).toEqual(files);
    expect(readdirSync(two).sort()).toEqual(files);
  });

  it("1 and 2 threads give byte-identical refine.csv, best-fit.yaml, fit.csv and fit.svg", () => {
    for (const f of IDENTICAL) expect(readFileSync(join(two, f)).equals(readFileSync(join(one, f))), f).toBe(true);
  });

  it("refine.csv has a row per evaluation: the budget unless the search converged", () => {
    expect(Object.keys(rows[0]!)).toEqual(["evaluation", "distance", "targets_within", ...PARAM_NAMES]);
    expect(rows.map((r) => r.evaluation)).toEqual(rows.map((_, k) => String(k + 1)));
    expect(manifest.refine.evaluations).toBe(rows.length);
    if (manifest.refine.stop === "evaluations") expect(rows).toHaveLength(EVALUATIONS);
    else {
      expect(manifest.refine.stop).toBe("converged");
      expect(rows.length).toBeLessThan(EVALUATIONS);
    }
    for (const r of rows) {
      expect(Number(r.distance), `evaluation ${r.evaluation}`).toBeGreaterThan(0);
      expect(Number.isInteger(Number(r.targets_within)), `evaluation ${r.evaluation}`).toBe(true);
      for (const n of PARAM_NAMES) {
        const v = Number(r[n]);
        const [lo, hi] = PARAMS[n].range;
        expect(v, `${n}, evaluation ${r.evaluation}`).toBeGreaterThanOrEqual(lo);
        expect(v, `${n}, evaluation ${r.evaluation}`).toBeLessThanOrEqual(hi);
        expect(v, `${n}, evaluation ${r.evaluation}: rounded to 4 significant digits`).toBe(round4(v));
      }
    }
  });

  it("the first evaluation is the baseline's values; the next two each move one parameter by --step (0.1) of its range", () => {
    expect(manifest.refine.logScale).toEqual(["abscondBaseHazardPerMonth"]);
    for (const n of PARAM_NAMES) expect(Number(rows[0]![n]), n).toBe(round4(baseline.params[n]));
    expect(Number(rows[0]!.distance)).toBe(manifest.fit.startDistance);
    expect(manifest.start).toEqual(Object.fromEntries(PARAM_NAMES.map((n) => [n, baseline.params[n]])));
    // The initial simplex (nelder-mead.ts): vertex i moves parameter i by step x (hi - lo), or,
    // for a positive range spanning a factor of 10 or more (the base hazard, 0.0002 to 0.01), by
    // step x log(hi / lo) in its logarithm.
    PARAM_NAMES.forEach((n, i) => {
      const [lo, hi] = PARAMS[n].range;
      const moved = (v: number): number => (lo > 0 && hi / lo >= 10 ? v * (hi / lo) ** 0.1 : v + 0.1 * (hi - lo));
      const want = Object.fromEntries(PARAM_NAMES.map((m) => [m, round4(m === n ? moved(baseline.params[m]) : baseline.params[m])]));
      expect(Object.fromEntries(PARAM_NAMES.map((m) => [m, Number(rows[1 + i]![m])])), `evaluation ${2 + i}`).toEqual(want);
    });
  });

  it("best-fit.yaml and the manifest hold the evaluation with the least distance", () => {
    const least = Math.min(...rows.map((r) => Number(r.distance)));
    const bestRow = rows.find((r) => Number(r.distance) === least)!;
    const bestValues = Object.fromEntries(PARAM_NAMES.map((n) => [n, Number(bestRow[n])]));
    const doc = parseYaml(readFileSync(join(one, "best-fit.yaml"), "utf8")) as { params: Record<string, number> };
    expect(doc.params).toEqual(bestValues);
    expect(manifest.best).toEqual(bestValues);
    expect(manifest.fit.distance).toBe(least);
    expect(manifest.fit.distance).toBeLessThanOrEqual(manifest.fit.startDistance);
    expect(manifest.kind).toBe("refine");
    expect(manifest.params).toEqual([...PARAM_NAMES]);
    expect(manifest.fit.scale).toBe(0.002);
    expect(manifest.fit.replicates).toBe(2);
    expect(manifest.refine.maxEvaluations).toBe(EVALUATIONS);
    expect(manifest.refine.step).toBe(0.1);
    // fit.csv is the best evaluation's fit: its weighted targets within tolerance are that row's count.
    const fit = readCsv(join(one, "fit.csv"));
    expect(fit.length).toBeGreaterThan(0);
    expect(fit.every((r) => r.replicates === "2")).toBe(true);
    expect(fit.filter((r) => Number(r.weight) > 0 && r.within_tolerance === "yes").length).toBe(Number(bestRow.targets_within));
  });

  it("best-fit.yaml loads as a scenario named <scenario>-refined that extends the baseline with the best values", () => {
    const file = join(one, "best-fit.yaml");
    const doc = parseYaml(readFileSync(file, "utf8")) as { params: Record<string, number>; extends: string; name: string };
    expect(Object.keys(doc.params)).toEqual([...PARAM_NAMES]);
    expect(resolve(dirname(file), doc.extends)).toBe(BASELINE);
    const scenario = loadScenario(file);
    expect(scenario.name).toBe("baseline-refined");
    for (const n of PARAM_NAMES) expect(scenario.params[n], n).toBe(doc.params[n]);
    // Everything else is the baseline's.
    const blank = Object.fromEntries(PARAM_NAMES.map((n) => [n, 0]));
    expect({ ...scenario.params, ...blank }).toEqual({ ...baseline.params, ...blank });
    expect(scenario.policy).toEqual(baseline.policy);
    expect(scenario.start).toBe(baseline.start);
  });

  it("migsim fit on best-fit.yaml reproduces the distance refine reports, and the same fit.csv", async () => {
    const out = join(tmp, "e2e", "fit-of-best");
    const r = await runCli("fit", join(one, "best-fit.yaml"), "--scale", "0.002", "--replicates", "2", "--threads", "1", "--quiet", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    const fitManifest = readJson(join(out, "manifest.json")) as { kind: string; distance: number };
    expect(fitManifest.kind).toBe("fit");
    expect(fitManifest.distance).toBe(manifest.fit.distance);
    expect(readFileSync(join(out, "fit.csv")).equals(readFileSync(join(one, "fit.csv")))).toBe(true);
  }, 30_000);

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

describe("refine from a poor start improves on it", () => {
  // The baseline with the absconding hazard 5 times its default: far from the data, so a few
  // evaluations find a nearer value, and the best fit is not the start (which, from the baseline
  // above, it may be: there the best fit holding the start could not tell "least distance" from "first row").
  const PARAM = "abscondBaseHazardPerMonth";
  let dir: string;
  let scenarioFile: string;
  let out: string;
  let result: CliResult;

  beforeAll(async () => {
    dir = join(tmp, "poor");
    mkdirSync(dir, { recursive: true });
    scenarioFile = join(dir, "poor-start.yaml");
    writeFileSync(scenarioFile, `name: poor-start\nextends: ${BASELINE}\nparams:\n  ${PARAM}: 0.003\n`);
    out = join(dir, "refined");
    result = await runCli("refine", scenarioFile, "--scale", "0.002", "--replicates", "1", "--params", PARAM, "--max-evaluations", "5", "--threads", "1", "--quiet", "--out", out);
  }, 30_000);

  it("the least distance is below the start's, at a value other than the start, and best-fit.yaml holds it", () => {
    expect(result.code, result.stderr).toBe(0);
    const rows = readCsv(join(out, "refine.csv"));
    expect(rows).toHaveLength(5);
    expect(Number(rows[0]![PARAM])).toBe(0.003);
    // One parameter: the second vertex moves the start by --step (0.1) of its range [0.0002, 0.01]
    // on the log scale (a factor of 50 ** 0.1).
    expect(Number(rows[1]![PARAM])).toBe(Number((0.003 * 50 ** 0.1).toPrecision(4)));
    const manifest = readJson(join(out, "manifest.json"));
    const least = Math.min(...rows.map((r) => Number(r.distance)));
    const bestRow = rows.find((r) => Number(r.distance) === least)!;
    expect(bestRow.evaluation).not.toBe("1");
    expect(Number(bestRow[PARAM])).not.toBe(0.003);
    expect(manifest.fit.startDistance).toBe(Number(rows[0]!.distance));
    expect(manifest.fit.distance).toBe(least);
    expect(manifest.fit.distance).toBeLessThan(manifest.fit.startDistance);
    expect(manifest.best).toEqual({ [PARAM]: Number(bestRow[PARAM]) });
    const file = join(out, "best-fit.yaml");
    const doc = parseYaml(readFileSync(file, "utf8")) as { params: Record<string, number>; extends: string };
    expect(doc.params).toEqual({ [PARAM]: Number(bestRow[PARAM]) });
    // It extends the refined scenario (not the baseline), and its value overrides the start's.
    expect(resolve(dirname(file), doc.extends)).toBe(scenarioFile);
    const scenario = loadScenario(file);
    expect(scenario.name).toBe("poor-start-refined");
    expect(scenario.params[PARAM]).toBe(Number(bestRow[PARAM]));
  });
});
