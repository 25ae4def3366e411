// The small faults a new user hit (issue 19), each with its test: a closed pipe, --resume with
// options that disagree with the run, fit and calibrate away from the package folder, policy steps
// that cannot take effect, --seed abc, the hints around a complete run, reproduce DIR, near misses,
// the fit's reported-only targets, --export-svg's folder, and the line that points to the report.
// Spawned tests run the compiled dist/ (`npm run build` first); the others run main() in-process
// (its worker threads come from dist/ too).

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FitRow } from "../../src/calibrate/fit.js";
import { loadTargets } from "../../src/calibrate/targets.js";
import { fitLine } from "../../src/cli/commands/calibrate.js";
import { flagValueProblem, unknownFlagHint } from "../../src/cli/index.js";
import type { ExperimentSpec } from "../../src/output/manifest.js";
import { loadScenario } from "../../src/scenario/load.js";
import { expectUserError, runCli, snapshot } from "../helpers/cli.js";
import { interruptedRun } from "../helpers/interrupted.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/migsim.js");
const BASELINE = join(ROOT, "scenarios/baseline.yaml");
const TINY = join(ROOT, "test/fixtures/ok/tiny.yaml");
const BAD = join(ROOT, "test/fixtures/bad");

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-first-use-"));
  if (!existsSync(join(ROOT, "dist/cli/index.js"))) throw new Error("dist/ is missing: run `npm run build` before these tests (npm test does it)");
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** `migsim ARGS` as a child process in `cwd` (the package root by default). */
function migsim(args: string[], cwd = ROOT): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 120_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const exited = (child: ChildProcess): Promise<number | null> => new Promise((done) => child.on("close", (code) => done(code)));

describe("1. a reader that closes the pipe early (migsim schema | head)", () => {
  const COMMANDS = [["schema"], ["diff", BASELINE, join(ROOT, "scenarios/weak-yen.yaml")], ["params"], ["params", "--format", "csv"], ["list"], ["validate", BASELINE]];

  it.each(COMMANDS)("migsim %s: exit 0, no stack trace", async (...args) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    // The reader goes away before the command writes: every write of it meets a closed pipe (EPIPE).
    child.stdout!.destroy();
    expect(await exited(child)).toBe(0);
    expect(stderr).toBe("");
  });

  it("a failing command keeps its own exit code when its reader goes away (validate of a bad file: 2)", async () => {
    const bad = join(tmp, "bad-params.yaml");
    writeFileSync(bad, `extends: ${BASELINE}\nparameters: { feeShareBorneByWorker: 0.5 }\n`);
    const child = spawn(process.execPath, [BIN, "validate", BASELINE, bad], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout!.destroy();
    expect(await exited(child)).toBe(2);
    expect(stderr).toContain("parameters");
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("the output is whole while the reader reads it all", () => {
    const r = migsim(["schema"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty("$schema");
  });
});

/** The tiny scenario (the baseline, named tiny) at scale 0.002 to 2015-12, 4 replicates, seed 7, stopped after the first task. */
async function interruptedTinyRun(name: string): Promise<string> {
  const out = join(tmp, name);
  const spec: ExperimentSpec = { scenarios: [loadScenario(TINY)], seed: 7, replicates: 4, scale: 0.002, until: "2015-12", events: false, ciTarget: 0.05 };
  await interruptedRun(spec, out);
  return out;
}

describe("2. --resume with options that disagree with the run's manifest", () => {
  let cut: string;
  beforeAll(async () => {
    cut = await interruptedTinyRun("cut");
  });

  const CASES: { name: string; extra: string[]; says: RegExp }[] = [
    { name: "--scale", extra: ["--scale", "0.5"], says: /--scale 0\.5 differs from the run in .*cut, whose manifest\.json records scale 0\.002: .*nothing was run or written\. Leave --scale out to resume it/ },
    // Typed, the default value counts as given: the run's seed is 7.
    { name: "--seed 1 (the default, typed)", extra: ["--seed", "1"], says: /--seed 1 differs .*records seed 7/ },
    { name: "--replicates", extra: ["--replicates", "3"], says: /--replicates 3 differs .*records 4 replicates/ },
    { name: "--until", extra: ["--until", "2016-12"], says: /--until 2016-12 differs .*records until 2015-12/ },
    { name: "--events", extra: ["--events"], says: /--events differs .*records no events\.csv/ },
    { name: "--ci-target", extra: ["--ci-target", "0.1"], says: /--ci-target 0\.1 differs .*records CI target 0\.05/ },
    { name: "--shard", extra: ["--shard", "0/2"], says: /--shard 0\/2 differs .*records a whole run, not a shard/ },
    { name: "another --out", extra: ["--out", "elsewhere"], says: /--out elsewhere differs/ },
    { name: "another scenario", extra: [join(ROOT, "scenarios/weak-yen.yaml")], says: /the scenario files .*weak-yen\.yaml differ from .*records scenarios tiny .*Leave the scenario files out/ },
    { name: "two at once", extra: ["--scale", "0.5", "--seed", "3"], says: /--seed 3 and --scale 0\.5 differ .*records seed 7 and scale 0\.002: .*Leave them out/ },
    { name: "--overwrite", extra: ["--overwrite"], says: /--overwrite cannot be given with --resume/ },
  ];

  it.each(CASES)("$name: refused in one paragraph, the folder unchanged", async ({ extra, says }) => {
    const before = snapshot(cut);
    const r = await runCli("run", "--resume", cut, "--quiet", ...extra);
    expectUserError(r);
    expect(r.stderr).toMatch(says);
    expect(snapshot(cut)).toEqual(before);
  });

  it("the options it was started with are allowed, and the run completes", async () => {
    const r = await runCli("run", TINY, "--resume", cut, "--seed", "7", "--replicates", "4", "--scale", "0.002", "--until", "2015-12", "--no-events", "--out", cut, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(readFileSync(join(cut, "manifest.json"), "utf8")) as { complete: boolean }).complete).toBe(true);
  });
});

describe("4. fit and calibrate from another folder", () => {
  it("fit finds the package's targets from any folder; the manifest names them", () => {
    const cwd = join(tmp, "elsewhere-fit");
    mkdirSync(cwd);
    const r = migsim(["fit", BASELINE, "--scale", "0.002", "--replicates", "1", "--threads", "1", "--quiet", "--out", "fit"], cwd);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(cwd, "fit", "fit.csv"))).toBe(true);
    expect(JSON.parse(readFileSync(join(cwd, "fit", "manifest.json"), "utf8")).targetsFile).toBe(join(ROOT, "data/observed/targets.csv"));
  });

  it("calibrate too", () => {
    const cwd = join(tmp, "elsewhere-calibrate");
    mkdirSync(cwd);
    const r = migsim(["calibrate", BASELINE, "--scale", "0.002", "--particles", "2", "--generations", "0", "--best-of", "1", "--fit-scale", "0.002", "--fit-replicates", "1",
      "--params", "abscondBaseHazardPerMonth", "--threads", "1", "--quiet", "--out", "cal"], cwd);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(cwd, "cal", "posterior.csv"))).toBe(true);
  });

  it("a --targets path given is relative to the current folder", () => {
    const cwd = join(tmp, "own-targets");
    mkdirSync(cwd);
    copyFileSync(join(ROOT, "data/observed/targets.csv"), join(cwd, "mine.csv"));
    const r = migsim(["fit", BASELINE, "--targets", "mine.csv", "--scale", "0.002", "--replicates", "1", "--threads", "1", "--quiet", "--out", "fit"], cwd);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, "fit", "manifest.json"), "utf8")).targetsFile).toBe("mine.csv");
    const missing = migsim(["fit", BASELINE, "--targets", "data/observed/targets.csv", "--quiet", "--out", "nope"], cwd);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/Targets file data\/observed\/targets\.csv does not exist/);
  });
});

describe("5, 12. a run says which policy steps cannot take effect, and points to the report", () => {
  let out: string;
  let r: ReturnType<typeof migsim>;
  let late: string;
  beforeAll(() => {
    late = join(tmp, "late.yaml");
    writeFileSync(late, [`extends: ${BASELINE}`, "name: late", "policy:", "  - from: 2040-01", "    set: { debtCv: 0.5 }", "  - from: 2015-06", "    set: { workersPerEmployer: 10 }", ""].join("\n"));
    out = join(tmp, "done");
    r = migsim(["run", TINY, late, "--scale", "0.002", "--until", "2015-12", "--threads", "1", "--out", out]);
  });

  it("warns once, for the scenario whose own steps cannot take effect, on stderr; the run succeeds", () => {
    expect(r.status, r.stderr).toBe(0);
    const warnings = r.stderr.split("\n").filter((l) => l.includes("warning"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^migsim: warning: late: its policy step from 2040-01 comes after the run's last month \(2015-12, --until\), so it takes no effect; its policy step from 2015-06 sets workersPerEmployer, which is read only when the run is set up/);
  });

  it("the baseline's own steps after --until are not warned of (tiny is the baseline)", () => {
    expect(r.stderr).not.toMatch(/warning: tiny/);
  });

  it("validate warns too, exit 0", () => {
    const v = migsim(["validate", late]);
    expect(v.status).toBe(0);
    expect(v.stdout).toBe(`ok  ${late}\n`);
    expect(v.stderr).toMatch(/^migsim: warning: .*late\.yaml: late: its policy step from 2040-01 comes after the run's last month \(2035-12, the scenario's end\)/);
  });

  it("the last line names the folder and the next command; --quiet prints nothing", () => {
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[lines.length - 1]).toBe(`migsim: next: npx migsim report ${out}   (charts, effects and summary in ${join(out, "report.html")})`);
    const quiet = migsim(["run", TINY, "--scale", "0.002", "--until", "2014-03", "--threads", "1", "--quiet", "--out", join(tmp, "quiet")]);
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).toBe("");
  });

  it("7. --out of a complete run: the hint does not offer --resume", async () => {
    const again = await runCli("run", TINY, "--scale", "0.002", "--until", "2015-12", "--quiet", "--out", out);
    expectUserError(again);
    expect(again.stderr).toMatch(/already holds a run .*; it is complete, so nothing is left to resume: choose another --out, or pass --overwrite to replace it \(migsim report .*done makes its report\)/);
    expect(again.stderr).not.toMatch(/--resume/);
  });

  it("7. --resume of a complete run says it is complete, nothing to do", async () => {
    const again = await runCli("run", "--resume", out, "--quiet");
    expectUserError(again);
    expect(again.stderr).toMatch(/is already complete: nothing to resume; its results are in .*done \(migsim report .*done makes its report\)/);
  });

  it("8. reproduce takes the run folder as well as its manifest.json, to the same bytes", async () => {
    const byDir = await runCli("reproduce", out, "--out", join(tmp, "again-dir"), "--threads", "1", "--quiet");
    expect(byDir.code, byDir.stderr).toBe(0);
    const byFile = await runCli("reproduce", join(out, "manifest.json"), "--out", join(tmp, "again-file"), "--threads", "1", "--quiet");
    expect(byFile.code, byFile.stderr).toBe(0);
    for (const f of ["timeseries.csv", "flows.csv", "summary.csv"]) {
      expect(readFileSync(join(tmp, "again-dir", f)).equals(readFileSync(join(out, f))), f).toBe(true);
      expect(readFileSync(join(tmp, "again-file", f)).equals(readFileSync(join(out, f))), f).toBe(true);
    }
  });

  it("8. a folder without a manifest: one paragraph naming it", async () => {
    const empty = join(tmp, "empty");
    mkdirSync(empty);
    const r2 = await runCli("reproduce", empty);
    expectUserError(r2);
    expect(r2.stderr).toMatch(/Manifest .*empty\/manifest\.json does not exist/);
  });

  it("11. report --export-svg alone writes into the run folder's svg/", async () => {
    const rep = await runCli("report", out, "--export-svg");
    expect(rep.code, rep.stderr).toBe(0);
    const svgs = readdirSync(join(out, "svg"));
    expect(svgs.length).toBeGreaterThan(0);
    expect(rep.stdout).toContain(join(out, "svg", svgs[0]!));
  });

  it("11. report --export-svg PATH: a relative path is relative to the current folder", () => {
    const cwd = join(tmp, "charts-here");
    mkdirSync(cwd);
    const rep = migsim(["report", out, "--export-svg", "charts"], cwd);
    expect(rep.status, rep.stderr).toBe(0);
    expect(readdirSync(join(cwd, "charts")).filter((f) => f.endsWith(".svg")).length).toBeGreaterThan(0);
  });
});

describe("6. a flag that expects a number, given text", () => {
  const CASES = [
    ["run", BASELINE, "--seed", "abc"],
    ["run", BASELINE, "--replicates", "abc"],
    ["run", BASELINE, "--threads=abc"],
    ["fit", BASELINE, "--seed", "abc"],
    ["calibrate", BASELINE, "--particles", "many"],
  ];
  it.each(CASES)("migsim %s %s %s %s: names the text, not NaN", async (...argv) => {
    const out = join(tmp, `nan-${argv.join("-").replace(/\W/g, "")}`);
    const r = await runCli(...argv, "--out", out);
    expectUserError(r);
    expect(r.stderr).toMatch(/expects .*got "(abc|many)"/);
    expect(r.stderr).not.toMatch(/NaN/);
    expect(existsSync(out)).toBe(false);
  });

  it("flagValueProblem: numbers pass, text does not", () => {
    const options = { boolean: [], number: ["threads"], string: ["seed"] };
    expect(flagValueProblem(["--threads", "2"], options)).toBeNull();
    expect(flagValueProblem(["--threads=1e1"], options)).toBeNull();
    expect(flagValueProblem(["--threads", "two"], options)).toBe(`--threads expects a number, got "two"`);
    expect(flagValueProblem(["--seed", "abc"], options)).toBeNull(); // a text flag: the command checks it
  });
});

describe("9. near misses get a did you mean", () => {
  it("a misspelt flag", async () => {
    for (const [typo, meant] of [["--sead", "--seed"], ["--replicate", "--replicates"], ["--scael", "--scale"]] as const) {
      const r = await runCli("run", BASELINE, typo, "1", "--out", join(tmp, "never"));
      expectUserError(r);
      expect(r.stderr).toContain(`did you mean ${meant}?`);
    }
    expect(unknownFlagHint("Unknown argument: frobnicate", ["seed", "scale"])).toBe("");
  });

  it("a parameter name and a top-level key in a scenario file", async () => {
    const prefix = await runCli("validate", join(BAD, "param-prefix.yaml"));
    expectUserError(prefix);
    expect(prefix.stderr).toMatch(/params\.abscondBaseHazard \(line 3\): unknown key \(did you mean "abscondBaseHazardPerMonth"\?\)/);
    const top = await runCli("validate", join(BAD, "top-key-parameters.yaml"));
    expectUserError(top);
    expect(top.stderr).toMatch(/parameters \(line 2\): unknown key \(did you mean "params"\?\)/);
  });

  it("calibrate --params", async () => {
    const r = await runCli("calibrate", BASELINE, "--params", "abscondBaseHazard,debtCV", "--out", join(tmp, "never"));
    expectUserError(r);
    expect(r.stderr).toMatch(/did you mean "abscondBaseHazardPerMonth" for abscondBaseHazard, "debtCv" for debtCV\?/);
  });
});

describe("10. the fit's line mentions the reported-only targets that miss", () => {
  const targets = loadTargets(join(ROOT, "data/observed/targets.csv"));
  const row = (k: number, within: string, off = 1): FitRow => {
    const t = targets[k]!;
    return { target: t, values: [t.observed * off], mean: t.observed * off, low: NaN, high: NaN, min: NaN, max: NaN, within };
  };
  const fitted = targets.findIndex((t) => t.weight > 0);
  const reported = targets.map((t, k) => (t.weight === 0 ? k : -1)).filter((k) => k >= 0);

  it("N of N fitted, and K reported-only, M of which miss (named)", () => {
    expect(reported.length).toBeGreaterThanOrEqual(2);
    const line = fitLine([row(fitted, "yes"), row(reported[0]!, "no", 2), row(reported[1]!, "yes")]);
    expect(line).toBe(`1 of 1 fitted targets within tolerance; and 2 reported-only targets (weight 0, not fitted), 1 of which misses: ${targets[reported[0]!]!.id} (100%)`);
  });

  it("without reported-only targets, as before", () => {
    expect(fitLine([row(fitted, "yes")])).toBe("1 of 1 fitted targets within tolerance");
  });
});
