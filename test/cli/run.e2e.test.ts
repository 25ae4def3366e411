// End to end: `node bin/migsim.js run ...` as a child process (the compiled dist/, worker
// threads included: run `npm run build` first). Tiny runs: scale 0.01, 2014-01 to 2019-12.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PARAM_NAMES } from "../../src/model/params.js";
import { loadScenario } from "../../src/scenario/load.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const BIN = join(ROOT, "bin/migsim.js");
const TINY_REL = "test/fixtures/ok/tiny.yaml";
const BASELINE = join(ROOT, "scenarios/baseline.yaml");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

const CSVS = ["timeseries.csv", "flows.csv", "events.csv"] as const;
const LEADING = {
  "timeseries.csv": "scenario,replicate,month,date,status,nationality,count",
  "flows.csv": "scenario,replicate,month,date,event,from,to,nationality,count",
  "events.csv": "scenario,replicate,month,date,agent,nationality,event,from,to",
} as const;

const sha256 = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");

let tmp: string;
const outDir = (name: string): string => join(tmp, name);

/** Runs the CLI in the package root; fails the calling test with its stderr on a non-zero exit. */
function migsim(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function runOk(name: string, extra: string[], scenario = TINY_REL): string {
  const out = outDir(name);
  const r = migsim(["run", scenario, "--scale", "0.01", "--until", "2019-12", "--events", "--out", out, "--quiet", ...extra]);
  expect(r.status, `migsim ${extra.join(" ")} failed:\n${r.stderr}`).toBe(0);
  return out;
}

const bytes = (dir: string, file: string): Buffer => readFileSync(join(dir, file));

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-e2e-"));
  if (!existsSync(join(ROOT, "dist/cli/index.js")) || !existsSync(join(ROOT, "dist/run/worker.js"))) {
    throw new Error("dist/ is missing: run `npm run build` before these tests (npm test does it)");
  }
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

interface ManifestScenario {
  name: string;
  files: { path: string; sha256: string }[];
  params: Record<string, unknown>;
  start: string;
  end: string;
}
type Json = Record<string, unknown>;

/**
 * The run settings of a manifest: the manifest itself, or its `spec` where the settings needed
 * to repeat the run are grouped (both layouts have been used).
 */
const settings = (m: Json): Json => ({ ...m, ...((m.spec as Json | undefined) ?? {}) });

describe("migsim run (spawned)", () => {
  let out: string;
  let manifest: Json;
  let spec: Json;

  beforeAll(() => {
    const r = migsim(["run", TINY_REL, "--seed", "1", "--scale", "0.01", "--until", "2019-12", "--events", "--out", outDir("first"), "--quiet"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe(""); // --quiet
    out = outDir("first");
    manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as Json;
    spec = settings(manifest);
  });

  it("writes the three CSVs and the manifest, and no partial files", () => {
    const files = readdirSync(out).sort();
    expect(files).toEqual(expect.arrayContaining(["events.csv", "flows.csv", "manifest.json", "timeseries.csv"]));
    expect(files.filter((f) => /partial|\.tmp$|~$/.test(f))).toEqual([]);
    for (const f of files) expect(f, "only CSVs and the manifest").toMatch(/\.csv$|^manifest\.json$/);
    for (const f of CSVS) expect(statSync(join(out, f)).size, f).toBeGreaterThan(0);
  });

  it.each(CSVS)("%s has the exact leading columns and rows of the run", (file) => {
    const text = readFileSync(join(out, file), "utf8");
    const header = text.slice(0, text.indexOf("\n"));
    expect(header === LEADING[file] || header.startsWith(`${LEADING[file]},`), header).toBe(true);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(0);
    const months = new Set<string>();
    for (const row of rows) {
      expect(row.scenario).toBe("tiny");
      expect(row.replicate).toBe("1");
      months.add(row.date!);
    }
    expect([...months].every((d) => /^201[4-9]-(0[1-9]|1[0-2])$/.test(d))).toBe(true);
    if (file === "timeseries.csv") {
      expect(months.size).toBe(72); // 2014-01 to 2019-12
      expect(rows[0]!.month).toBe("0");
      expect(rows[0]!.date).toBe("2014-01");
      expect(rows.at(-1)!.month).toBe("71");
      expect(rows.at(-1)!.date).toBe("2019-12");
      for (const row of rows) expect(Number(row.count)).toBeGreaterThanOrEqual(0);
    }
  });

  it("writes a complete manifest: version, seed, scale, Node version, start and end time", () => {
    expect(manifest.migsim).toBe(VERSION);
    expect(spec.seed).toBe(1);
    expect(spec.replicates).toBe(1);
    expect(spec.scale).toBe(0.01);
    expect(spec.until).toBe("2019-12");
    expect(spec.events).toBe(true);
    expect(manifest.complete).toBe(true);
    expect(manifest.node).toBe(process.version);
    expect(manifest.command).toEqual(expect.arrayContaining(["run", TINY_REL, "--seed", "1"]));
    const started = Date.parse(manifest.startedAt as string);
    const finished = Date.parse(manifest.finishedAt as string);
    expect(Number.isNaN(started)).toBe(false);
    expect(Number.isNaN(finished)).toBe(false);
    expect(finished).toBeGreaterThanOrEqual(started);
    const tasks = manifest.tasks as Json[];
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ scenario: "tiny", replicate: 1, seed: expect.any(Number), complete: true });
  });

  it("records the scenario files with their sha256 and the resolved parameters", () => {
    const scenarios = spec.scenarios as ManifestScenario[];
    expect(scenarios).toHaveLength(1);
    const s = scenarios[0]!;
    expect(s.name).toBe("tiny");
    expect(s.files.map((f) => resolve(ROOT, f.path))).toEqual([join(ROOT, TINY_REL), BASELINE]);
    for (const f of s.files) expect(f.sha256, f.path).toBe(sha256(resolve(ROOT, f.path)));
    expect(Object.keys(s.params).sort()).toEqual([...PARAM_NAMES].sort());
    expect(s.params).toEqual(loadScenario(join(ROOT, TINY_REL)).params);
    expect(s.start).toBe("2014-01");
  });

  it("lists every output with its sha256", () => {
    const outputs = manifest.outputs as { file: string; sha256: string }[];
    expect(outputs.map((o) => o.file)).toEqual(expect.arrayContaining([...CSVS]));
    for (const o of outputs) expect(o.sha256, o.file).toBe(sha256(join(out, o.file)));
  });

  it("the same command into another folder gives byte-identical CSVs", () => {
    const again = runOk("again", ["--seed", "1"]);
    for (const f of CSVS) expect(bytes(again, f).equals(bytes(out, f)), f).toBe(true);
  });

  it("a different seed gives different bytes", () => {
    const other = runOk("seed2", ["--seed", "2"]);
    for (const f of CSVS) expect(bytes(other, f).equals(bytes(out, f)), f).toBe(false);
  });

  it("--threads 1 and --threads 2 give byte-identical outputs with 2 replicates", () => {
    const one = runOk("threads1", ["--seed", "1", "--replicates", "2", "--threads", "1"]);
    const two = runOk("threads2", ["--seed", "1", "--replicates", "2", "--threads", "2"]);
    for (const f of CSVS) expect(bytes(one, f).equals(bytes(two, f)), f).toBe(true);
    // Both replicates are there, in order, and replicate 1 is the single-replicate run.
    const text = readFileSync(join(one, "timeseries.csv"), "utf8");
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    const reps = rows.map((r) => r.replicate);
    expect(reps.indexOf("2")).toBeGreaterThan(0);
    expect(reps.slice(reps.indexOf("2")).every((r) => r === "2")).toBe(true);
    const single = readFileSync(join(out, "timeseries.csv"), "utf8");
    expect(text.startsWith(single)).toBe(true);
    const m = JSON.parse(readFileSync(join(one, "manifest.json"), "utf8")) as { tasks: { replicate: number; complete: boolean }[] };
    expect(m.tasks.map((t) => [t.replicate, t.complete])).toEqual([[1, true], [2, true]]);
  });

  it("reproduce re-runs a manifest to the same bytes, summary.csv included", () => {
    const first = runOk("to-reproduce", ["--seed", "3", "--replicates", "2", "--threads", "2"]);
    const again = outDir("reproduced");
    const r = migsim(["reproduce", join(first, "manifest.json"), "--out", again, "--quiet", "--threads", "1"]);
    expect(r.status, r.stderr).toBe(0);
    for (const f of [...CSVS, "summary.csv"]) expect(bytes(again, f).equals(bytes(first, f)), f).toBe(true);
  });
});
