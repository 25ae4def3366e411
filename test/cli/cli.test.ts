// The command line in-process: main(argv) returns the exit code; output is captured from
// process.stdout / process.stderr. Errors a user can fix: exit code 2, one paragraph, no stack
// trace, and nothing created on disk.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { PARAMS, PARAM_NAMES } from "../../src/model/params.js";
import { type CliResult, expectUserError, runCli, snapshot } from "../helpers/cli.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const BASELINE = join(ROOT, "scenarios/baseline.yaml");
const BAD = join(ROOT, "test/fixtures/bad");
const PARAMETERS_MD = join(ROOT, "docs/parameters.md");

type Result = CliResult;
const cli = runCli;

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-cli-"));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("migsim params", () => {
  it("--format csv: a header starting name,default,unit, and one row per parameter, each with a source", async () => {
    const r = await cli("params", "--format", "csv");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout.startsWith("name,default,unit,")).toBe(true);
    const rows = parse(r.stdout, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    expect(rows).toHaveLength(PARAM_NAMES.length);
    expect(rows.map((row) => row.name)).toEqual([...PARAM_NAMES]);
    for (const row of rows) {
      expect(row.source, `source of ${row.name}`).toMatch(/\S/);
      expect(row.source_kind, `source_kind of ${row.name}`).toMatch(/^(data|derived|calibrated|assumption)$/);
      expect(row.default, `default of ${row.name}`).toBe(String(PARAMS[row.name as keyof typeof PARAMS].default));
      expect(row.unit, `unit of ${row.name}`).toMatch(/\S/);
      expect(row.description, `description of ${row.name}`).toMatch(/\S/);
    }
  });

  it("--format markdown is the committed docs/parameters.md", async () => {
    const r = await cli("params", "--format", "markdown");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Parameters\n/);
    expect(
      existsSync(PARAMETERS_MD),
      "docs/parameters.md is missing: run `node bin/migsim.js params --format markdown > docs/parameters.md`",
    ).toBe(true);
    expect(
      r.stdout === readFileSync(PARAMETERS_MD, "utf8"),
      "docs/parameters.md is stale: run `node bin/migsim.js params --format markdown > docs/parameters.md`",
    ).toBe(true);
  });

  it("--format json lists every parameter; the default table has one line per parameter", async () => {
    const json = await cli("params", "--format", "json");
    expect(json.code).toBe(0);
    expect(Object.keys(JSON.parse(json.stdout) as object)).toEqual([...PARAM_NAMES]);
    const table = await cli("params");
    expect(table.code).toBe(0);
    expect(table.stdout.trimEnd().split("\n")).toHaveLength(PARAM_NAMES.length + 2);
  });

  it("rejects an unknown format", async () => {
    expectUserError(await cli("params", "--format", "xml"));
  });
});

describe("bad flags: exit code 2, one paragraph, nothing created", () => {
  const run = (...extra: string[]): string[] => ["run", BASELINE, "--seed", "1", "--scale", "0.01", "--until", "2017-03", "--quiet", ...extra];
  const CASES: { name: string; argv: (out: string) => string[]; says: RegExp }[] = [
    { name: "unknown flag", argv: (out) => [...run("--bogus"), "--out", out], says: /Unknown argument: bogus/ },
    { name: "misspelt flag", argv: (out) => [...run("--replicate", "2"), "--out", out], says: /Unknown argument/ },
    { name: "--scale 0", argv: (out) => ["run", BASELINE, "--scale", "0", "--out", out], says: /--scale .*\(0, 1\].*got 0/ },
    { name: "--scale 2", argv: (out) => ["run", BASELINE, "--scale", "2", "--out", out], says: /--scale .*got 2/ },
    { name: "--scale abc", argv: (out) => ["run", BASELINE, "--scale", "abc", "--out", out], says: /--scale/ },
    { name: "--until 2030-13", argv: (out) => ["run", BASELINE, "--until", "2030-13", "--out", out], says: /--until .*YYYY-MM.*2030-13/ },
    { name: "--until 2030-1", argv: (out) => ["run", BASELINE, "--until", "2030-1", "--out", out], says: /--until .*YYYY-MM/ },
    { name: "--until before the start", argv: (out) => ["run", BASELINE, "--until", "2013-12", "--out", out], says: /--until 2013-12/ },
    { name: "--threads 0", argv: (out) => ["run", BASELINE, "--threads", "0", "--out", out], says: /--threads .*got 0/ },
    { name: "--replicates 1.5", argv: (out) => ["run", BASELINE, "--replicates", "1.5", "--out", out], says: /--replicates .*whole number.*1\.5/ },
    { name: "--replicates 0", argv: (out) => ["run", BASELINE, "--replicates", "0", "--out", out], says: /--replicates/ },
    { name: "--seed -1", argv: (out) => ["run", BASELINE, "--seed", "-1", "--out", out], says: /--seed/ },
    // yargs reads these silently as false and as the default: refused instead (cli/index.ts).
    { name: "--events=maybe", argv: (out) => [...run("--events=maybe"), "--out", out], says: /--events is a switch: .*got "maybe"/ },
    { name: "--threads with no value", argv: (out) => [...run(), "--out", out, "--threads"], says: /--threads needs a value/ },
    { name: "--threads followed by another flag", argv: (out) => [...run("--threads", "--events"), "--out", out], says: /--threads needs a value/ },
    { name: "--out with no value (would write into the current folder)", argv: () => [...run(), "--out"], says: /--out needs a value/ },
    { name: "missing scenario file", argv: (out) => ["run", join(ROOT, "scenarios/no-such.yaml"), "--out", out], says: /no-such\.yaml does not exist/ },
    { name: "invalid scenario file", argv: (out) => ["run", join(BAD, "param-near-miss.yaml"), "--out", out], says: /param-near-miss\.yaml.*did you mean "ssw1CapMonths"/ },
    { name: "one bad scenario among good ones", argv: (out) => ["run", BASELINE, join(BAD, "month-13.yaml"), "--out", out], says: /month-13\.yaml/ },
    { name: "two scenarios with the same name", argv: (out) => ["run", BASELINE, BASELINE, "--out", out], says: /Two scenarios are named "baseline"/ },
    { name: "run without a scenario", argv: (out) => ["run", "--out", out], says: /scenario|non-option/i },
    { name: "no command", argv: (out) => ["--out", out], says: /command/i },
    { name: "unknown command", argv: (out) => ["frobnicate", "--out", out], says: /frobnicate/ },
  ];

  it.each(CASES)("$name: exit 2 and no --out folder", async ({ argv, says }) => {
    const out = join(tmp, `absent-${Math.random().toString(36).slice(2)}`);
    const r = await cli(...argv(out));
    expectUserError(r);
    expect(r.stderr).toMatch(says);
    expect(existsSync(out), `${out} was created`).toBe(false);
  });

  it.each(CASES)("$name: an existing --out folder is left unchanged", async ({ argv }) => {
    const out = join(tmp, `present-${Math.random().toString(36).slice(2)}`);
    mkdirSync(join(out, "sub"), { recursive: true });
    writeFileSync(join(out, "notes.txt"), "mine\n");
    writeFileSync(join(out, "sub", "data.csv"), "a,b\n1,2\n");
    const before = snapshot(out);
    const r = await cli(...argv(out));
    expectUserError(r);
    expect(snapshot(out)).toEqual(before);
  });

  it("no command: the hint to see --help is given once", async () => {
    const r = await cli();
    expectUserError(r);
    expect(r.stderr.match(/--help/g) ?? []).toHaveLength(1);
  });
});

describe("an --out folder that already holds a run", () => {
  it("is refused with exit code 2, its files byte-identical", async () => {
    const out = join(tmp, "earlier-run");
    mkdirSync(out);
    const manifest = `${JSON.stringify({ migsim: "0.0.0", seed: 7, complete: true }, null, 2)}\n`;
    writeFileSync(join(out, "manifest.json"), manifest);
    writeFileSync(join(out, "timeseries.csv"), "scenario,replicate,month\nbaseline,1,0\n");
    writeFileSync(join(out, "README"), "keep me\n");
    const before = snapshot(out);
    const r = await cli("run", BASELINE, "--seed", "1", "--scale", "0.01", "--until", "2017-03", "--quiet", "--threads", "1", "--out", out);
    expectUserError(r);
    // Its manifest says complete: nothing to resume, so the hint does not offer --resume.
    expect(r.stderr).toMatch(/already holds a run .*; it is complete, so nothing is left to resume/);
    expect(r.stderr).not.toMatch(/--resume/);
    expect(r.stderr).toContain(out);
    expect(r.stderr).toMatch(/--overwrite/);
    expect(snapshot(out)).toEqual(before);
  });

  it("is refused when it holds only a manifest.json", async () => {
    const out = join(tmp, "manifest-only");
    mkdirSync(out);
    writeFileSync(join(out, "manifest.json"), "{}\n");
    const r = await cli("run", BASELINE, "--scale", "0.01", "--until", "2017-03", "--quiet", "--out", out);
    expectUserError(r);
    expect(readdirSync(out)).toEqual(["manifest.json"]);
    expect(readFileSync(join(out, "manifest.json"), "utf8")).toBe("{}\n");
  });
});

describe("migsim validate", () => {
  it("returns 0 for the baseline and says ok", async () => {
    const r = await cli("validate", BASELINE);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`ok  ${BASELINE}\n`);
    expect(r.stderr).toBe("");
  });

  it("returns 0 for the valid fixtures", async () => {
    const ok = join(ROOT, "test/fixtures/ok");
    const files = readdirSync(ok).map((f) => join(ok, f));
    const r = await cli("validate", ...files);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(files.length);
  });

  it("returns 2 for a bad fixture, naming the file and the key", async () => {
    const r = await cli("validate", join(BAD, "param-out-of-range.yaml"));
    expectUserError(r);
    expect(r.stderr).toMatch(/param-out-of-range\.yaml: params\.feeShareBorneByWorker \(line 3\): expected at most 1/);
  });

  it("checks every file and reports every bad one", async () => {
    const r = await cli("validate", join(BAD, "month-13.yaml"), BASELINE, join(BAD, "list.yaml"));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(`ok  ${BASELINE}\n`);
    expect(r.stderr).toMatch(/month-13\.yaml/);
    expect(r.stderr).toMatch(/list\.yaml/);
    expect(r.stderr.trim()).not.toMatch(/\n\s*\n/);
    expect(r.stderr).not.toContain("    at ");
  });

  it("returns 2 for a missing file", async () => {
    const r = await cli("validate", join(ROOT, "scenarios/no-such.yaml"));
    expectUserError(r);
    expect(r.stderr).toMatch(/no-such\.yaml does not exist/);
  });

  it("returns 2 for an --until-free check that fails only when inputs are built (end before start)", async () => {
    const r = await cli("validate", join(BAD, "end-before-start.yaml"));
    expectUserError(r);
    expect(r.stderr).toMatch(/end \(2019-12\) is before start \(2020-01\)/);
  });
});

describe("migsim list", () => {
  it("list scenarios prints the baseline with the first sentence of its description", async () => {
    const r = await cli("list", join(ROOT, "scenarios"));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const line = r.stdout.split("\n").find((l) => l.includes("baseline.yaml"));
    expect(line).toBeDefined();
    expect(line).toMatch(/baseline\.yaml\s+The rules as they are and as legislated: .*from 2027-04\.$/);
    expect(r.stdout).not.toMatch(/schema\.json/);
  });

  it("defaults to the scenarios folder", async () => {
    if (resolve(process.cwd()) !== ROOT) return; // the default is relative to the working directory
    const r = await cli("list");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^scenarios\/baseline\.yaml\s+The rules/m);
  });

  it("returns 2 for a folder that does not exist", async () => {
    const r = await cli("list", join(tmp, "no-such-folder"));
    expectUserError(r);
    expect(r.stderr).toMatch(/no-such-folder does not exist/);
  });

  it("returns 2 when a scenario in the folder is invalid, naming it", async () => {
    const dir = join(tmp, "list-bad");
    mkdirSync(dir);
    writeFileSync(join(dir, "good.yaml"), "description: Fine. More text.\n");
    writeFileSync(join(dir, "bad.yaml"), "description: Not fine.\nparamz: {}\n");
    const r = await cli("list", dir);
    expectUserError(r);
    expect(r.stderr).toMatch(/bad\.yaml: paramz \(line 2\): unknown key/);
  });
});
