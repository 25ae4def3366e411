// `migsim run <scenarios...> --design design.csv` (issue 18): one sweep point per row of an
// externally made design (SALib, EMA Workbench, pyABC), every scenario running every point.
// - reading: values, column order, flags, point numbers in row order; the spec records them;
// - where the values go: over the scenario's params, under its policy steps (a warning says so),
//   and a scenario with a sweep: of its own is refused;
// - bad files and flags: exit 2, one paragraph naming the file, line and column, nothing written;
// - a tiny run (scale 0.002, 2014-01 to 2015-12, 3 points x 2 replicates): one summary row per point
//   and metric with the design's values as columns, the same bytes as the equivalent sweep, with
//   1 and 2 threads, sharded and merged, interrupted and resumed, and reproduced without the file.
// The CLI runs in-process (runCli); its worker threads are the compiled ones in dist/, which only
// simulate the inputs this (source) main thread hands them.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { experimentSpec } from "../../src/cli/commands/run.js";
import { UserError } from "../../src/errors.js";
import { type Manifest, readManifest, specSha256 } from "../../src/output/manifest.js";
import { planExperiment } from "../../src/run/experiment.js";
import { variedParamWarnings, readDesign } from "../../src/scenario/design.js";
import { validateExperimentSpec } from "../../src/scenario/validate.js";
import { expectUserError, runCli, snapshot, runCliOk } from "../helpers/cli.js";
import { interruptedRun } from "../helpers/interrupted.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const BASELINE = join(ROOT, "scenarios/baseline.yaml");

/** The options that define the tiny run's bytes (threads, --out and the design are added per run). */
const TINY = ["--scale", "0.002", "--until", "2015-12", "--seed", "7", "--replicates", "2", "--quiet"];
const CSVS = ["timeseries.csv", "flows.csv", "summary.csv"] as const;

/** Three points of two parameters, columns not in alphabetical order, rows not sorted. */
const DESIGN_CSV = "debtCv,abscondBaseHazardPerMonth\n0.2,0.001\n0.9,0.009\n0.5,0.005\n";
const POINTS = [[0.2, 0.001], [0.9, 0.009], [0.5, 0.005]];

let tmp: string;
let design: string;
/** A scenario that sets a design parameter in params: and another in a policy step. */
let own: string;
/** A scenario with a sweep of its own. */
let swept: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-design-"));
  if (!existsSync(join(ROOT, "dist/run/worker.js"))) throw new Error("dist/ is missing: run `npm run build` before these tests (npm test does it)");
  design = join(tmp, "design.csv");
  writeFileSync(design, DESIGN_CSV);
  own = join(tmp, "own.yaml");
  writeFileSync(own, [
    `extends: ${BASELINE}`,
    "name: own",
    "params: { debtCv: 1.2, apprehensionHazardPerMonth: 0.05 }",
    "policy:",
    "  - from: 2015-06",
    "    set: { abscondBaseHazardPerMonth: 0.0003 }",
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
const lines = (dir: string, f: string): string[] => readFileSync(join(dir, f), "utf8").trim().split("\n");
function expectSameBytes(a: string, b: string, files: readonly string[] = CSVS): void {
  for (const f of files) {
    const x = readFileSync(join(a, f));
    expect(x.length, `${f} is empty in ${a}`).toBeGreaterThan(0);
    expect(x.equals(readFileSync(join(b, f))), `${f} differs between ${a} and ${b}`).toBe(true);
  }
}
/** The spec `migsim run` would make of these arguments (flags as yargs passes them). */
function specOf(files: string[], o: { design?: string; replicates?: number } = {}) {
  return experimentSpec({ scenarios: files, seed: 7, scale: 0.002, until: "2015-12", events: false, ciTarget: 0.05, replicates: 2, ...o });
}

describe("reading a design", () => {
  it("keeps the file's columns and rows in order, with its sha256", () => {
    const d = readDesign(design);
    expect(d).toEqual({ file: design, sha256: sha(readFileSync(design)), params: ["debtCv", "abscondBaseHazardPerMonth"], points: POINTS });
  });

  it("reads SALib's and pandas' numbers, a byte-order mark, CRLF, blank lines and flags (0, 1, true, false)", () => {
    const file = join(tmp, "formats.csv");
    writeFileSync(file, "\uFEFFabscondBaseHazardPerMonth,esdActive,returneeReentryWindowMonths\r\n1e-3,1,24\r\n\r\n0.0050000000000000001,False,240\r\n.002,TRUE,120.0\r\n");
    const d = readDesign(file);
    expect(d.params).toEqual(["abscondBaseHazardPerMonth", "esdActive", "returneeReentryWindowMonths"]);
    expect(d.points).toEqual([[0.001, 1, 24], [0.005, 0, 240], [0.002, 1, 120]]);
  });
});

describe("where the values go", () => {
  it("every scenario runs every point, in row order, over its own params; its policy steps still apply from their months", () => {
    const spec = specOf([BASELINE, own], { design });
    expect(spec.design).toEqual({ file: design, sha256: sha(readFileSync(design)), params: ["debtCv", "abscondBaseHazardPerMonth"], points: POINTS });
    const plan = planExperiment(spec);
    expect(plan.sweepColumns).toEqual(["debtCv", "abscondBaseHazardPerMonth"]);
    expect(plan.tasks.map((t) => `${t.scenario}/${t.point}/${t.replicate}`)).toEqual([
      "baseline/0/1", "baseline/0/2", "baseline/1/1", "baseline/1/2", "baseline/2/1", "baseline/2/2",
      "own/0/1", "own/0/2", "own/1/1", "own/1/2", "own/2/1", "own/2/2",
    ]);
    // Common random numbers: replicate r of every point and scenario has the same seed.
    for (const r of [1, 2]) expect(new Set(plan.tasks.filter((t) => t.replicate === r).map((t) => t.seed)).size).toBe(1);
    for (const t of plan.tasks) {
      const inputs = plan.inputs[t.inputsIndex]!;
      expect(inputs.params.debtCv).toBe(POINTS[t.point]![0]); // over own's params: { debtCv: 1.2 }
      expect(inputs.params.abscondBaseHazardPerMonth).toBe(POINTS[t.point]![1]);
      // Parameters the design does not set keep the scenario's values.
      expect(inputs.params.apprehensionHazardPerMonth).toBe(t.scenario === "own" ? 0.05 : spec.scenarios[0]!.params.apprehensionHazardPerMonth);
      // own's step still sets abscondBaseHazardPerMonth from 2015-06 (month 17), over the design's value.
      if (t.scenario === "own") expect(inputs.policy).toContainEqual({ month: 17, set: { abscondBaseHazardPerMonth: 0.0003 } });
    }
  });

  it("a flag's 0 and 1 are false and true", () => {
    const file = join(tmp, "flag.csv");
    writeFileSync(file, "feeCapEnforced\n0\n1\n");
    const plan = planExperiment(specOf([BASELINE], { design: file }));
    expect(plan.inputs.map((i) => i.params.feeCapEnforced)).toEqual([false, true]);
  });

  it("a policy step that sets a design parameter is warned of", () => {
    const spec = specOf([BASELINE, own], { design });
    expect(variedParamWarnings(spec.scenarios, spec.design)).toEqual([
      `own's policy step from 2015-06 sets abscondBaseHazardPerMonth, which ${design} varies: the varied values hold until 2015-06, and from then on every point runs with the step's value.`,
    ]);
    const early = join(tmp, "early.yaml");
    writeFileSync(early, `extends: ${BASELINE}\nname: early\npolicy:\n  - from: 2014-01\n    set: { debtCv: 0.1 }\n`);
    expect(variedParamWarnings(specOf([early], { design }).scenarios, readDesign(design))[0]).toMatch(/^early's policy step from 2014-01, at or before its start \(2014-01\), sets debtCv, .*change nothing in early\.$/);
    expect(variedParamWarnings(specOf([BASELINE]).scenarios, undefined)).toEqual([]);
    // A scenario's own sweep of a parameter a policy step sets: the same warning (a helper's read of
    // the ESD library found a sweep of esdWaitMonthsLongFields over esd-1-year silently inert).
    const swept = join(tmp, "swept-and-set.yaml");
    writeFileSync(swept, `extends: ${join(ROOT, "scenarios/esd-2027/esd-1-year.yaml")}\nname: swept\nsweep:\n  grid: { esdWaitMonthsLongFields: [12, 24] }\n`);
    expect(variedParamWarnings(specOf([swept]).scenarios, undefined)).toEqual([
      "swept's policy step from 2027-04 sets esdWaitMonthsLongFields, which its sweep varies: the varied values hold until 2027-04, and from then on every point runs with the step's value.",
    ]);
  });

  it("without --design the spec and the plan are as before", () => {
    const spec = specOf([BASELINE]);
    expect("design" in spec).toBe(false);
    expect(planExperiment(spec).sweepColumns).toEqual([]);
    expect(specSha256(spec)).toBe(specSha256({ ...spec }));
  });

  it("a manifest's design is checked like the rest of its spec", () => {
    const spec = specOf([BASELINE, own], { design });
    expect(() => validateExperimentSpec(spec, "Manifest m.json")).not.toThrow();
    const bad = (edit: (d: NonNullable<typeof spec.design>) => void): string => {
      const copy = structuredClone(spec);
      edit(copy.design!);
      try {
        validateExperimentSpec(copy, "Manifest m.json");
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return (e as Error).message;
      }
      throw new Error("accepted");
    };
    expect(bad((d) => (d.points[1]![1] = 5))).toMatch(/^Manifest m\.json does not hold a valid experiment: spec\.design\.points\[1\]\[1\]: abscondBaseHazardPerMonth: value 5 is outside abscondBaseHazardPerMonth's plausible range \[0\.0002, 0\.01\] \(1\/month\)\.$/);
    expect(bad((d) => d.points[0]!.pop())).toMatch(/spec\.design\.points\[0\]: expected 2 values, one per parameter/);
    expect(bad((d) => d.params.push("debtCv"))).toMatch(/spec\.design\.params\[2\]: debtCv is given twice/);
    expect(bad((d) => ((d as { params: string[] }).params[0] = "nope"))).toMatch(/spec\.design\.params\[0\]/);
    expect(bad((d) => (d.points = []))).toMatch(/spec\.design\.points: expected at least one design point/);
    // A scenario with a sweep cannot take a design, from a manifest either.
    const withSweep = specOf([swept]);
    expect(() => validateExperimentSpec({ ...withSweep, design: spec.design }, "Manifest m.json")).toThrow(/^Manifest m\.json: spec\.scenarios\[0\] \("swept"\): sweep: .*spec\.design gives every scenario/);
  });
});

describe("bad files and flags: exit 2, one paragraph, nothing written", () => {
  const cases: { name: string; csv?: string; path?: string; argv?: string[]; says: RegExp }[] = [
    { name: "a missing file", path: "nope.csv", says: /^migsim: Design .*nope\.csv does not exist; --design expects a CSV file/ },
    { name: "a folder", path: ".", says: /Design .* is a folder/ },
    { name: "an empty file", csv: "", says: /is empty; --design expects a CSV file with a header of parameter names/ },
    { name: "blank lines only", csv: "\n\n", says: /is empty/ },
    { name: "a header only", csv: "debtCv,abscondBaseHazardPerMonth\n", says: /has a header but no design points/ },
    { name: "ragged lines", csv: "debtCv,abscondBaseHazardPerMonth\n0.2,0.001\n0.5\n", says: /is not a valid CSV \(line 3\)/ },
    { name: "a text cell", csv: "debtCv,abscondBaseHazardPerMonth\n0.2,0.001\n0.5,abc\n", says: /: line 3 \(point 1\), column abscondBaseHazardPerMonth: "abc" is not a number; expected a number in \[0\.0002, 0\.01\] \(1\/month\)\./ },
    { name: "an empty cell", csv: "debtCv,abscondBaseHazardPerMonth\n,0.001\n", says: /: line 2 \(point 0\), column debtCv: "" is not a number/ },
    { name: "NaN", csv: "debtCv\nnan\n", says: /line 2 \(point 0\), column debtCv: "nan" is not a number/ },
    { name: "an unknown column", csv: "debtCv,abscondBaseHazard\n0.2,0.001\n", says: /column "abscondBaseHazard" \(line 1\) is not a parameter \(did you mean "abscondBaseHazardPerMonth"\?\)/ },
    { name: "pandas' index column", csv: ",debtCv\n0,0.2\n1,0.3\n", says: /column 1 of the header \(line 1\) has no name \(pandas writes its row index so: write the design with to_csv\(path, index=False\)\)/ },
    { name: "a column twice", csv: "debtCv,debtCv\n0.2,0.3\n", says: /the column "debtCv" appears twice in the header \(line 1\)/ },
    { name: "a value out of range", csv: "debtCv,abscondBaseHazardPerMonth\n0.2,0.001\n0.5,0.5\n", says: /line 3 \(point 1\), column abscondBaseHazardPerMonth: value 0\.5 is outside abscondBaseHazardPerMonth's plausible range \[0\.0002, 0\.01\] \(1\/month\); expected a number in/ },
    { name: "a fraction for a whole-number parameter", csv: "returneeReentryWindowMonths\n60.5\n", says: /line 2 \(point 0\), column returneeReentryWindowMonths: returneeReentryWindowMonths takes whole numbers, got 60\.5; expected a whole number in \[24, 240\]/ },
    { name: "a flag's 2", csv: "feeCapEnforced\n2\n", says: /column feeCapEnforced: feeCapEnforced is a flag \(on\/off\), which takes 0 or 1 \(or false or true\), got 2/ },
    { name: "a flag's yes", csv: "feeCapEnforced\nyes\n", says: /column feeCapEnforced: "yes" is not 0, 1, false or true/ },
    { name: "a scenario with a sweep", csv: DESIGN_CSV, argv: ["SWEPT"], says: /^migsim: Scenario .*swept\.yaml: sweep: the scenario \(or a file it extends\) sweeps parameters, and --design .*a-scenario-with-a-sweep\.csv gives every scenario of the run its points; use one or the other/ },
    { name: "--resume with --design", argv: ["--resume", "RESUME", "--design", "DESIGN"], says: /--design cannot be given with --resume: the run in .* runs the design points its manifest\.json records \(spec\.design\)/ },
  ];
  it.each(cases)("$name", async (c) => {
    const slug = c.name.replace(/\W+/g, "-");
    const out = join(tmp, `bad-${slug}`);
    let argv: string[] = [];
    if (c.csv !== undefined || c.path !== undefined) {
      const file = c.path !== undefined ? join(tmp, c.path) : join(tmp, `${slug}.csv`);
      if (c.csv !== undefined) writeFileSync(file, c.csv);
      argv = ["--design", file];
      if (c.csv !== undefined && !c.argv) expect(() => readDesign(file)).toThrow(UserError);
    }
    const scenarios = c.argv?.includes("SWEPT") ? [swept] : [BASELINE];
    const extra = (c.argv ?? []).filter((a) => a !== "SWEPT").map((a) => (a === "RESUME" ? out : a === "DESIGN" ? design : a));
    const r = await runCli("run", ...scenarios, ...TINY, ...argv, ...extra, "--out", out);
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
    writeFileSync(bad, "debtCv\n0.2\n7\n");
    for (const extra of [[], ["--overwrite"]]) {
      const r = await runCli("run", BASELINE, ...TINY, "--design", bad, "--out", out, ...extra);
      expectUserError(r);
      expect(r.stderr).toContain("bad-existing.csv: line 3 (point 1), column debtCv");
      expect(snapshot(out)).toEqual(before);
    }
  });
});

describe("a tiny run with a design (2 scenarios x 3 points x 2 replicates, scale 0.002, 2014-01 to 2015-12)", () => {
  const RUN = (): string[] => ["run", BASELINE, own, ...TINY, "--design", design];
  let single: string;

  beforeAll(async () => {
    single = join(tmp, "single");
    await ok(...RUN(), "--threads", "1", "--out", single);
  });

  it("writes one summary row per scenario, point and metric, with the design's values as columns in the file's order", () => {
    const summary = lines(single, "summary.csv");
    expect(summary[0]).toMatch(/,scale,debtCv,abscondBaseHazardPerMonth$/);
    const abscond = summary.filter((l) => l.split(",")[2] === "abscond_total").map((l) => l.split(","));
    expect(abscond.map((c) => [c[0], c[1], ...c.slice(-2)])).toEqual([
      ["baseline", "0", "0.2", "0.001"], ["baseline", "1", "0.9", "0.009"], ["baseline", "2", "0.5", "0.005"],
      ["own", "0", "0.2", "0.001"], ["own", "1", "0.9", "0.009"], ["own", "2", "0.5", "0.005"],
    ]);
    // Each point ran with its own values: absconding grows with the hazard the design gives it.
    const mean = (scenario: string, point: number): number => Number(abscond.find((c) => c[0] === scenario && c[1] === String(point))![5]);
    expect(mean("baseline", 0)).toBeLessThan(mean("baseline", 2));
    expect(mean("baseline", 2)).toBeLessThan(mean("baseline", 1));
    // The rows of every output name the point and its values.
    expect(lines(single, "timeseries.csv")[0]).toBe("scenario,replicate,month,date,status,nationality,count,national,seed,point,debtCv,abscondBaseHazardPerMonth");
    expect(lines(single, "flows.csv").slice(1).every((l) => /,(0,0\.2,0\.001|1,0\.9,0\.009|2,0\.5,0\.005)$/.test(l))).toBe(true);
    // effects.csv pairs point p of own with point p of the baseline.
    const effects = lines(single, "effects.csv");
    expect(effects[0]).toMatch(/,debtCv,abscondBaseHazardPerMonth$/);
    expect(effects.filter((l) => l.includes(",abscond_total,")).map((l) => l.split(",").slice(0, 2).concat(l.split(",").slice(-2)))).toEqual([
      ["own", "0", "0.2", "0.001"], ["own", "1", "0.9", "0.009"], ["own", "2", "0.5", "0.005"],
    ]);
  });

  it("records the file, its sha256 and the points in the manifest, and each task's values", () => {
    const m = manifestOf(single);
    expect(m.spec.design).toEqual({ file: design, sha256: sha(readFileSync(design)), params: ["debtCv", "abscondBaseHazardPerMonth"], points: POINTS });
    expect(m.spec.scenarios.every((s) => s.sweep === undefined)).toBe(true);
    expect(m.tasks.map((t) => [t.scenario, t.point, t.replicate, t.sweep.debtCv, t.sweep.abscondBaseHazardPerMonth])).toEqual(
      ["baseline", "own"].flatMap((s) => POINTS.flatMap(([d, a], p) => [1, 2].map((r) => [s, p, r, d, a]))),
    );
    expect(new Set(m.tasks.filter((t) => t.replicate === 1).map((t) => t.seed)).size).toBe(1);
  });

  it("gives the bytes of the same points as a sweep: in a scenario", async () => {
    const one = join(tmp, "one.csv");
    writeFileSync(one, "abscondBaseHazardPerMonth\n0.001\n0.009\n0.005\n");
    const gridded = join(tmp, "gridded.yaml");
    writeFileSync(gridded, `extends: ${BASELINE}\nname: baseline\nsweep:\n  grid: { abscondBaseHazardPerMonth: [0.001, 0.009, 0.005] }\n`);
    const [a, b] = [join(tmp, "as-design"), join(tmp, "as-sweep")];
    await ok("run", BASELINE, ...TINY, "--design", one, "--threads", "2", "--out", a);
    await ok("run", gridded, ...TINY, "--threads", "2", "--out", b);
    expectSameBytes(a, b);
  });

  it("gives the same bytes with 2 threads", async () => {
    const two = join(tmp, "threads2");
    await ok(...RUN(), "--threads", "2", "--out", two);
    expectSameBytes(single, two, [...CSVS, "effects.csv"]);
  });

  it("sharded and merged, gives the single run's bytes; a shard of another design is refused", async () => {
    const shards = [0, 1, 2].map((k) => join(tmp, `shard${k}`));
    for (const [k, dir] of shards.entries()) await ok(...RUN(), "--threads", "2", "--shard", `${k}/3`, "--out", dir);
    for (const dir of shards) expect(manifestOf(dir).spec.design).toEqual(manifestOf(single).spec.design);
    const merged = join(tmp, "merged");
    await ok("merge", ...shards, "--out", merged, "--quiet");
    expectSameBytes(single, merged, [...CSVS, "effects.csv"]);
    expect(manifestOf(merged).spec.design).toEqual(manifestOf(single).spec.design);
    // The same design named by another path is the same run; another design is not.
    const copy = join(tmp, "copy-of-design.csv");
    writeFileSync(copy, DESIGN_CSV);
    const renamed = join(tmp, "shard2-renamed");
    await ok(...RUN().map((a) => (a === design ? copy : a)), "--threads", "2", "--shard", "2/3", "--out", renamed);
    await ok("merge", shards[0]!, shards[1]!, renamed, "--out", join(tmp, "merged-renamed"), "--quiet");
    expectSameBytes(single, join(tmp, "merged-renamed"));
    const other = join(tmp, "other-design.csv");
    writeFileSync(other, DESIGN_CSV.replace("0.9,", "0.8,"));
    const otherShard = join(tmp, "shard2-other");
    await ok(...RUN().map((a) => (a === design ? other : a)), "--threads", "2", "--shard", "2/3", "--out", otherShard);
    const r = await runCli("merge", shards[0]!, shards[1]!, otherShard, "--out", join(tmp, "merged-other"), "--quiet");
    expectUserError(r);
    expect(r.stderr).toMatch(/is not a shard of the same run .*: it was made with --design .*other-design\.csv \(sha256 [0-9a-f]{12}\.\.\., 3 points of 2 parameters\), not --design .*design\.csv/);
    expect(existsSync(join(tmp, "merged-other"))).toBe(false);
  });

  it("interrupted and resumed, gives the single run's bytes", async () => {
    const spec = manifestOf(single).spec;
    const cut = join(tmp, "cut");
    await interruptedRun(spec, cut, 5);
    await ok("run", "--resume", cut, "--threads", "2", "--quiet");
    expectSameBytes(single, cut, [...CSVS, "effects.csv"]);
  });

  it("reproduces from its manifest without the design file", async () => {
    const moved = `${design}.moved`;
    renameSync(design, moved);
    try {
      const again = join(tmp, "reproduced");
      await ok("reproduce", join(single, "manifest.json"), "--threads", "2", "--quiet", "--out", again);
      expectSameBytes(single, again, [...CSVS, "effects.csv"]);
    } finally {
      renameSync(moved, design);
    }
  });
});
