// End to end (issue 18): `migsim sensitivity` on the baseline with 2 parameters, Morris n = 2,
// scale 0.002, --until 2015-12: the plan, the design, the runs of the design (`migsim run
// --design`, in DIR/runs) and the indices (sensitivity.csv, sensitivity.svg); the same bytes again
// with another thread count, from `--analyse`, and from `--design-only` + `migsim run` + `--analyse`.
//
// NEEDS A CURRENT dist/ (`npm run build`; `npm test` does it):
// - "in-process": the CLI runs from source (runCli), but its worker threads are the compiled ones
//   in dist/run/worker.js, which must match the source's protocol;
// - "spawned": `node bin/migsim.js sensitivity ...`, all of it from dist/ (dist/cli/commands/
//   sensitivity.js must exist, i.e. dist/ built since the command was added).

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readManifest } from "../../src/output/manifest.js";
import { readDesign } from "../../src/scenario/design.js";
import { runCli } from "../helpers/cli.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/migsim.js");
const BASELINE = join(ROOT, "scenarios/baseline.yaml");

/** The analysis: everything but --out, --threads and --quiet. */
const ANALYSIS = [
  BASELINE, "--method", "morris", "--params", "abscondBaseHazardPerMonth,debtCv", "--metrics", "abscond_total,stock_TI_2015-12",
  "--n", "2", "--scale", "0.002", "--until", "2015-12", "--seed", "3", "--bootstrap", "200",
];

let tmp: string;
/** The folder of the first in-process analysis, which the others are compared with. */
let first: string;
const bytes = (dir: string, file: string): Buffer => readFileSync(join(dir, file));

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-sens-e2e-"));
  first = join(tmp, "a");
  if (!existsSync(join(ROOT, "dist/run/worker.js"))) throw new Error("dist/ is missing: run `npm run build` before these tests (npm test does it)");
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("migsim sensitivity, in-process (worker threads from dist/)", () => {
  it("plans, runs and analyses: sensitivity.json, design.csv, runs/, sensitivity.csv and sensitivity.svg", async () => {
    const r = await runCli("sensitivity", ...ANALYSIS, "--threads", "2", "--out", first);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("Morris, 2 trajectories of 3 points (2 parameters): 6 points x 1 replicate(s) x 1 scenario(s) = 6 model runs");
    for (const f of ["sensitivity.json", "design.csv", "sensitivity.csv", "sensitivity.svg", "runs/manifest.json", "runs/summary.csv"]) expect(existsSync(join(first, f)), f).toBe(true);
    const plan = JSON.parse(readFileSync(join(first, "sensitivity.json"), "utf8"));
    // The runs are the design's: the run's manifest records design.csv's bytes and points.
    const m = readManifest(join(first, "runs/manifest.json"));
    expect(m.complete).toBe(true);
    expect(m.spec.design!.sha256).toBe(plan.design.sha256);
    expect(m.spec.design!.points).toEqual(readDesign(join(first, "design.csv")).points);
    expect([m.spec.scale, m.spec.until, m.spec.seed, m.spec.replicates]).toEqual([0.002, "2015-12", 3, 1]);
    expect(m.tasks).toHaveLength(6);
    const rows = parse(bytes(first, "sensitivity.csv"), { columns: true }) as Record<string, string>[];
    expect(rows.map((x) => [x.method, x.metric, x.param, x.points, x.replicates])).toEqual([
      ["morris", "abscond_total", "abscondBaseHazardPerMonth", "6", "1"],
      ["morris", "abscond_total", "debtCv", "6", "1"],
      ["morris", "stock_TI_2015-12", "abscondBaseHazardPerMonth", "6", "1"],
      ["morris", "stock_TI_2015-12", "debtCv", "6", "1"],
    ]);
    // A higher absconding hazard: more absconding, fewer interns left; and it matters more than debtCv's spread.
    expect(Number(rows[0]!.mu)).toBeGreaterThan(0);
    expect(Number(rows[2]!.mu)).toBeLessThan(0);
    expect(Number(rows[0]!.mu_star)).toBeGreaterThan(Number(rows[1]!.mu_star));
    for (const x of rows) for (const c of ["mu", "mu_star", "sigma", "mu_star_ci95_low", "mu_star_ci95_high", "output_mean", "output_sd"]) expect(Number.isFinite(Number(x[c])) && x[c] !== "", `${x.param} ${c}`).toBe(true);
    expect(r.stdout).toMatch(/^Morris \(2 trajectories, 4 levels\): 6 points x 1 replicate\(s\) x 1 scenario\(s\); output: baseline \(summary.csv mean\)\n\nabscond_total: .*\n\s+parameter\s+mu\*/);
    expect(bytes(first, "sensitivity.svg").toString("utf8")).toMatch(/^<svg/);
  });

  it("gives the same bytes with another thread count, and again from --analyse", async () => {
    const again = join(tmp, "b");
    const r = await runCli("sensitivity", ...ANALYSIS, "--threads", "1", "--quiet", "--out", again);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ["sensitivity.json", "design.csv", "runs/summary.csv", "sensitivity.csv", "sensitivity.svg"]) expect(bytes(again, f).equals(bytes(first, f)), f).toBe(true);
    const a = await runCli("sensitivity", "--analyse", again, "--quiet");
    expect(a.code, a.stderr).toBe(0);
    expect(bytes(again, "sensitivity.csv").equals(bytes(first, "sensitivity.csv"))).toBe(true);
  });

  it("--design-only, then the printed migsim run, then --analyse: the same sensitivity.csv", async () => {
    const dir = join(tmp, "c");
    const plan = await runCli("sensitivity", ...ANALYSIS, "--design-only", "--out", dir);
    expect(plan.code, plan.stderr).toBe(0);
    const line = plan.stdout.split("\n").find((l) => l.trim().startsWith("migsim run "))!;
    const run = await runCli(...line.trim().split(" ").slice(1), "--quiet", "--threads", "2");
    expect(run.code, run.stderr).toBe(0);
    const a = await runCli("sensitivity", "--analyse", dir);
    expect(a.code, a.stderr).toBe(0);
    expect(bytes(dir, "sensitivity.csv").equals(bytes(first, "sensitivity.csv"))).toBe(true);
  });
});

describe("migsim sensitivity, spawned (all of it from dist/: needs `npm run build` after the command was added)", () => {
  it("node bin/migsim.js sensitivity ... writes the same sensitivity.csv", () => {
    if (!existsSync(join(ROOT, "dist/cli/commands/sensitivity.js"))) throw new Error("dist/ predates migsim sensitivity: run `npm run build` before this test (npm test does it)");
    const dir = join(tmp, "spawned");
    const r = spawnSync(process.execPath, [BIN, "sensitivity", ...ANALYSIS, "--threads", "2", "--quiet", "--out", dir], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Morris \(2 trajectories/);
    expect(bytes(dir, "sensitivity.csv").equals(bytes(first, "sensitivity.csv"))).toBe(true);
  });
});
