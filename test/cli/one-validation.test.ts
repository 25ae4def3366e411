// One validation for every entry point (issue 20), through the command line: `validate` refuses
// exactly what `run` refuses, with the same paragraph; a manifest whose spec is damaged is
// refused by `reproduce`, `run --resume` and `merge` before anything is written (and before a
// task list of a billion replicates is built).

import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { expectUserError, runCli as cli, snapshot } from "../helpers/cli.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BASELINE = join(ROOT, "scenarios/baseline.yaml");
const BAD = join(ROOT, "test/fixtures/bad");

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-onevalidation-"));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});
const absent = (name: string): string => join(tmp, `absent-${name}-${Math.random().toString(36).slice(2)}`);

describe("validate refuses what run refuses, in the same words", () => {
  // Every fixture of test/fixtures/bad: schema errors, unreadable files, and the scenarios that
  // pass the schema but cannot run (sweeps, scale), which validate once said ok to.
  const files = readdirSync(BAD).sort();

  it.each(files)("%s", async (file) => {
    const path = join(BAD, file);
    const v = await cli("validate", path);
    expectUserError(v);
    const out = absent("run");
    const r = await cli("run", path, "--quiet", "--threads", "1", "--out", out);
    expectUserError(r);
    expect(r.stderr).toBe(v.stderr);
    expect(existsSync(out), `${out} was created`).toBe(false);
  });
});

describe("flags: what was given and what is expected; nothing created", () => {
  it.each([
    { name: "--seed abc", argv: ["--seed", "abc"], says: /^migsim: --seed expects a whole number from 0 to 4294967295, got "abc"\.\n$/ },
    { name: "--seed 1.5", argv: ["--seed", "1.5"], says: /--seed expects a whole number .*, got "1\.5"\./ },
    { name: "--seed ''", argv: ["--seed", ""], says: /--seed expects a whole number .*, got ""\./ },
    { name: "--seed 4294967296", argv: ["--seed", "4294967296"], says: /--seed expects a whole number .*, got "4294967296"\./ },
    { name: "--scale 1e-12", argv: ["--scale", "1e-12"], says: /^migsim: --scale 1e-12 simulates 2\.7e-7 agents at the start \(.*\), fewer than one; the smallest scale that simulates at least one agent is 0\.0000037\.\n$/ },
  ])("$name", async ({ argv, says }) => {
    const out = absent("flag");
    const r = await cli("run", BASELINE, "--quiet", "--until", "2014-02", ...argv, "--out", out);
    expectUserError(r);
    expect(r.stderr).toMatch(says);
    expect(existsSync(out)).toBe(false);
  });

  it("a seed typed in another notation of a whole number still runs (as --seed did when it was a number)", async () => {
    const out = absent("seed");
    const r = await cli("run", BASELINE, "--quiet", "--threads", "1", "--scale", "0.002", "--until", "2014-02", "--seed", "1e3", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { spec: { seed: unknown } }).spec.seed).toBe(1000);
  });
});

describe("a manifest whose spec is damaged: refused by reproduce, run --resume and merge", () => {
  let run: string;
  beforeAll(async () => {
    run = join(tmp, "run");
    const r = await cli("run", BASELINE, "--quiet", "--threads", "1", "--scale", "0.002", "--until", "2014-02", "--out", run);
    expect(r.code, r.stderr).toBe(0);
  });

  type Spec = Record<string, unknown> & { scenarios: (Record<string, unknown> & { params: Record<string, unknown> })[] };
  const CASES: { name: string; change: (s: Spec) => void; says: RegExp }[] = [
    { name: "no scenarios", change: (s) => void (s.scenarios = []), says: /spec\.scenarios: expected at least one scenario/ },
    { name: "no params block", change: (s) => void delete (s.scenarios[0] as Partial<Spec["scenarios"][0]>).params, says: /spec\.scenarios\[0\]\.params: missing/ },
    { name: "debtCv -5", change: (s) => void (s.scenarios[0]!.params.debtCv = -5), says: /spec\.scenarios\[0\]\.params\.debtCv: expected at least 0/ },
    { name: "replicates 1e9", change: (s) => void (s.replicates = 1e9), says: /spec\.replicates: expected a whole number from 1 to 100000/ },
    { name: "a series value of 1e15", change: (s) => void (s.scenarios[0]!.series = { tiEntriesPerYear: { "2015-01": 1e15 } }), says: /spec\.scenarios\[0\]\.series\.tiEntriesPerYear\.2015-01: expected at most 1000000/ },
    { name: "a sweep step of 1e-12", change: (s) => void (s.scenarios[0]!.sweep = { grid: { debtCv: { from: 0, to: 1, step: 1e-12 } } }), says: /sweep\.grid\.debtCv: .*use a larger step/ },
    { name: "a scale of 1e-300", change: (s) => void (s.scale = 1e-300), says: /spec\.scale 1e-300 simulates .* fewer than one/ },
  ];

  /** A copy of the run folder with its manifest's spec changed. */
  function damaged(name: string, change: (s: Spec) => void): string {
    const dir = join(tmp, `damaged-${name.replace(/\W+/g, "-")}-${Math.random().toString(36).slice(2)}`);
    cpSync(run, dir, { recursive: true });
    const path = join(dir, "manifest.json");
    const m = JSON.parse(readFileSync(path, "utf8")) as { spec: Spec };
    change(m.spec);
    writeFileSync(path, `${JSON.stringify(m, null, 2)}\n`);
    return dir;
  }

  // reproduce and merge must not create their --out; run --resume must leave the folder as it was.
  const ENTRY_POINTS = [
    { command: "reproduce", argv: (dir: string, out: string) => ["reproduce", join(dir, "manifest.json"), "--quiet", "--threads", "1", "--out", out] },
    { command: "merge", argv: (dir: string, out: string) => ["merge", dir, "--quiet", "--out", out] },
  ];
  it.each(ENTRY_POINTS.flatMap((e) => CASES.map((c) => ({ ...e, ...c }))))("$command: $name", async ({ argv, name, change, says }) => {
    const dir = damaged(name, change);
    const out = absent("out");
    const r = await cli(...argv(dir, out));
    expectUserError(r);
    expect(r.stderr).toContain(join(dir, "manifest.json"));
    expect(r.stderr).toMatch(says);
    expect(existsSync(out)).toBe(false);
  });

  it.each(CASES)("run --resume: $name", async ({ name, change, says }) => {
    const dir = damaged(name, change);
    const before = snapshot(dir);
    const r = await cli("run", "--resume", dir, "--quiet", "--threads", "1");
    expectUserError(r);
    expect(r.stderr).toContain(join(dir, "manifest.json"));
    expect(r.stderr).toMatch(says);
    expect(snapshot(dir)).toEqual(before);
  });

  it("the undamaged manifest reproduces (the checks refuse only the damage)", async () => {
    const out = absent("reproduce-ok");
    const r = await cli("reproduce", join(run, "manifest.json"), "--quiet", "--threads", "1", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(out, "timeseries.csv"))).toEqual(readFileSync(join(run, "timeseries.csv")));
  });
});
