// `migsim sensitivity` (issue 18) before any run: bad flags are refused in one paragraph with exit
// code 2 and nothing written; `--design-only` writes the plan and the design (the same bytes from
// the same seed) and prints the commands that run and finish it; an existing analysis is kept
// unless --overwrite. In-process (runCli) and without simulating, so no dist/ is needed. The run
// and the analysis of a real design are in sensitivity.e2e.test.ts.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calibratedParams } from "../../src/calibrate/calibrate.js";
import { readDesign } from "../../src/scenario/design.js";
import { expectUserError, runCli } from "../helpers/cli.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BASELINE = join(ROOT, "scenarios/baseline.yaml");
const POSTERIOR = join(ROOT, "data/calibration/posterior.csv");

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-sens-cli-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const TWO = ["--params", "abscondBaseHazardPerMonth,debtCv", "--metrics", "abscond_total"];

describe("refused before anything is written (exit 2, one paragraph)", () => {
  const cases: [string, string[], RegExp][] = [
    ["no scenario", ["--method", "morris", ...TWO], /Name a scenario file/],
    ["three scenarios", [BASELINE, BASELINE, BASELINE, "--method", "morris", ...TWO], /3 scenario files were given; name one or two/],
    ["--method missing", [BASELINE, ...TWO], /--method is missing: give --method morris .* or --method sobol/],
    ["an unknown method", [BASELINE, "--method", "fast", ...TWO], /--method expects morris or sobol, got "fast"/],
    ["--params missing", [BASELINE, "--method", "morris", "--metrics", "abscond_total"], /--params is missing/],
    ["an unknown parameter", [BASELINE, "--method", "morris", "--params", "debtCV", "--metrics", "abscond_total"], /--params: "debtCV" is not a parameter \(did you mean "debtCv"\?\)/],
    ["a flag parameter", [BASELINE, "--method", "sobol", "--params", "debtCv,esdActive", "--metrics", "abscond_total"], /--params: esdActive is a flag/],
    ["--metrics missing", [BASELINE, "--method", "morris", "--params", "debtCv"], /--metrics is missing/],
    ["an unknown metric", [BASELINE, "--method", "morris", "--params", "debtCv", "--metrics", "abscond_totl"], /--metrics: "abscond_totl" is not a metric of summary.csv .*did you mean "abscond_total"/],
    ["a stock at a month not reported", [BASELINE, "--method", "morris", "--params", "debtCv", "--metrics", "stock_TI_2031-12", "--until", "2035-12"], /"stock_TI_2031-12" is not a metric/],
    ["a stock after --until", [BASELINE, "--method", "morris", "--params", "debtCv", "--metrics", "stock_TI_2020-12", "--until", "2015-12"], /"stock_TI_2020-12" is not a metric .*2015-12/],
    ["a window metric without its window", [BASELINE, "--method", "morris", "--params", "debtCv", "--metrics", "abscond_2015-01_2015-12"], /needs its --window/],
    ["Morris n = 1", [BASELINE, "--method", "morris", ...TWO, "--n", "1"], /--n expects the number of Morris trajectories, a whole number from 2/],
    ["Sobol n = 7", [BASELINE, "--method", "sobol", ...TWO, "--n", "7"], /--n expects the number of Sobol base rows, a whole number from 8/],
    ["odd --levels", [BASELINE, "--method", "morris", ...TWO, "--levels", "5"], /--levels expects .* an even whole number/],
    ["--levels with Sobol", [BASELINE, "--method", "sobol", ...TWO, "--levels", "4"], /--method sobol .* takes no --levels/],
    ["a negative --bootstrap", [BASELINE, "--method", "morris", ...TWO, "--bootstrap", "-1"], /--bootstrap expects/],
    ["a bad --scale", [BASELINE, "--method", "morris", ...TWO, "--scale", "2"], /--scale expects a share/],
    ["a bad --seed", [BASELINE, "--method", "morris", ...TWO, "--seed", "x"], /--seed expects a whole number/],
    ["--until before the start", [BASELINE, "--method", "morris", ...TWO, "--until", "2010-01"], /--until 2010-01: must not be before/],
    ["a window outside the run", [BASELINE, "--method", "morris", ...TWO, "--until", "2015-12", "--window", "2015-01..2016-06"], /--window 2015-01..2016-06 ends after/],
    ["a posterior without any of the parameters", [BASELINE, "--method", "morris", "--params", "debtCv", "--metrics", "abscond_total", "--posterior", POSTERIOR], /holds none of the --params \(debtCv\)/],
    ["a missing scenario file", [join(ROOT, "test/fixtures/ok/no-such-scenario.yaml"), "--method", "morris", ...TWO], /no-such-scenario.yaml/],
    ["too many points", [BASELINE, "--method", "sobol", ...TWO, "--n", "30000"], /more than the 100000 a design may have/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const out = join(tmp, `refused-${what.replace(/\W+/g, "-")}`);
      const r = await runCli("sensitivity", ...args, "--out", out, "--quiet");
      expectUserError(r);
      expect(r.stderr).toMatch(message);
      expect(existsSync(out), `${out} was created`).toBe(false);
    });
  }

  it("a scenario that sweeps parameters of its own (the run's rule for designs)", async () => {
    const swept = join(tmp, "swept.yaml");
    writeFileSync(swept, `extends: ${BASELINE}\nname: swept\nsweep:\n  grid:\n    debtCv: [0.3, 0.6]\n`);
    const out = join(tmp, "refused-swept");
    const r = await runCli("sensitivity", swept, "--method", "morris", ...TWO, "--out", out);
    expectUserError(r);
    expect(r.stderr).toMatch(/sweep: the scenario .* sweeps parameters/);
    expect(existsSync(out)).toBe(false);
  });
});

describe("--design-only", () => {
  it("writes sensitivity.json and design.csv (the same bytes from the same seed) and prints the commands that run and finish it", async () => {
    const out = join(tmp, "plan-a");
    const args = ["sensitivity", BASELINE, "--method", "sobol", ...TWO, "--n", "8", "--seed", "9", "--until", "2015-12", "--window", "2015-01..2015-12", "--design-only"];
    const r = await runCli(...args, "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Sobol, 8 base rows of 4 points (2 parameters), 32 points x 1 replicate(s) x 1 scenario(s) = 32 model runs`);
    expect(r.stdout).toContain(`migsim slurm ${BASELINE} --design ${join(out, "design.csv")} --out ${join(out, "runs")} --seed 9 --replicates 1 --scale 0.01 --until 2015-12 --window 2015-01..2015-12 --shards 10 --submit`);
    expect(r.stdout).toContain(`migsim run ${BASELINE} --design ${join(out, "design.csv")} --out ${join(out, "runs")}`);
    expect(r.stdout).toContain(`migsim sensitivity --analyse ${out}`);
    const plan = JSON.parse(readFileSync(join(out, "sensitivity.json"), "utf8"));
    expect(plan).toMatchObject({ method: "sobol", n: 8, levels: null, points: 32, seed: 9, bootstrap: 1000, metrics: ["abscond_total"], replicates: 1, scale: 0.01, until: "2015-12", windows: ["2015-01..2015-12"], posterior: null });
    expect(plan.params.map((p: { name: string }) => p.name)).toEqual(["abscondBaseHazardPerMonth", "debtCv"]);
    const design = readDesign(join(out, "design.csv"));
    expect(design.params).toEqual(["abscondBaseHazardPerMonth", "debtCv"]);
    expect(design.points).toHaveLength(32);
    expect(design.sha256).toBe(plan.design.sha256);
    // Same seed, another folder: the same design; another seed: another.
    const again = join(tmp, "plan-b");
    expect((await runCli(...args, "--out", again)).code).toBe(0);
    expect(readFileSync(join(again, "design.csv")).equals(readFileSync(join(out, "design.csv")))).toBe(true);
    const other = join(tmp, "plan-c");
    expect((await runCli(...args.map((x) => (x === "9" ? "10" : x)), "--out", other)).code).toBe(0);
    expect(readFileSync(join(other, "design.csv")).equals(readFileSync(join(out, "design.csv")))).toBe(false);
    // Analysing before the runs: what to run.
    const early = await runCli("sensitivity", "--analyse", out);
    expectUserError(early);
    expect(early.stderr).toMatch(/holds no run of the design yet .*migsim run /);
  });

  it("keeps an earlier analysis unless --overwrite", async () => {
    const out = join(tmp, "plan-keep");
    const args = ["sensitivity", BASELINE, "--method", "morris", ...TWO, "--n", "2", "--design-only", "--out", out];
    expect((await runCli(...args)).code).toBe(0);
    const before = readFileSync(join(out, "sensitivity.json"));
    const r = await runCli(...args.map((x) => (x === "2" ? "3" : x)));
    expectUserError(r);
    expect(r.stderr).toMatch(/already holds a sensitivity analysis \(.*sensitivity.json.*\); .* --overwrite/);
    expect(readFileSync(join(out, "sensitivity.json")).equals(before)).toBe(true);
    const o = await runCli(...args.map((x) => (x === "2" ? "3" : x)), "--overwrite");
    expect(o.code, o.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, "sensitivity.json"), "utf8")).n).toBe(3);
  });

  it("calibrated over the posterior: every calibrated parameter, over the posterior's marginals, said to lose the correlations", async () => {
    const out = join(tmp, "plan-posterior");
    const r = await runCli("sensitivity", BASELINE, "--method", "morris", "--params", "calibrated", "--metrics", "abscond_total", "--posterior", POSTERIOR, "--design-only", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/correlations are not kept/);
    const plan = JSON.parse(readFileSync(join(out, "sensitivity.json"), "utf8"));
    expect(plan.params.map((p: { name: string }) => p.name)).toEqual(calibratedParams());
    expect(plan.params.every((p: { range: unknown }) => p.range === "posterior")).toBe(true);
    expect(plan.posterior.note).toMatch(/correlations are not kept/);
    expect(plan.points).toBe(10 * (calibratedParams().length + 1));
    expect(readDesign(join(out, "design.csv")).points).toHaveLength(plan.points);
  });

  it("warns when a scenario sets a varied parameter in its params: (the design's value replaces it)", async () => {
    const own = join(tmp, "own.yaml");
    writeFileSync(own, `extends: ${BASELINE}\nname: own\nparams: { debtCv: 0.9 }\n`);
    mkdirSync(join(tmp, "w"), { recursive: true });
    const r = await runCli("sensitivity", BASELINE, own, "--method", "morris", ...TWO, "--design-only", "--out", join(tmp, "w", "own"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: scenario own sets debtCv in its params:, which the design varies: .* the effect of own leaves out its own change of it/);
    expect(r.stdout).toContain("--reference baseline");
    // A policy step that sets a varied parameter: the run's warning, said at once with --design-only.
    const step = await runCli("sensitivity", BASELINE, join(ROOT, "scenarios/employer-pays.yaml"), "--method", "morris", "--params", "feeShareBorneByWorker", "--metrics", "abscond_total", "--design-only", "--out", join(tmp, "w", "step"));
    expect(step.code, step.stderr).toBe(0);
    expect(step.stderr).toMatch(/warning: employer-pays's policy step from 2027-04 sets feeShareBorneByWorker/);
  });
});
