// Shards and merge: `migsim run --shard K/N` runs every N-th task of the plan into a folder of its
// own, and `migsim merge` joins the shards of one run into the bytes a single machine writes.
// parseShard and shardTasks as units; the CLI in-process (runCli) for runs, merges and their
// errors; runExperiment directly to interrupt a shard and resume it. Tiny runs (scale 0.002, to
// 2016-12); the worker threads are the compiled ones in dist/ (`npm test` builds them).

import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parseShard } from "../../src/cli/commands/run.js";
import { UserError } from "../../src/errors.js";
import { type ExperimentSpec, type Manifest, readManifest, sha256File } from "../../src/output/manifest.js";
import { SHARD_TASKS, runExperiment, shardTasks } from "../../src/run/experiment.js";
import { loadScenario } from "../../src/scenario/load.js";
import { expectUserError, runCli, snapshot, runCliOk } from "../helpers/cli.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const BASELINE = join(ROOT, "scenarios/baseline.yaml");
const WEAK_YEN = join(ROOT, "scenarios/weak-yen.yaml");

const CSVS = ["timeseries.csv", "flows.csv", "events.csv"] as const;
// baseline is among the scenarios, so the run has effects.csv too.
const WITH_SUMMARY = [...CSVS, "summary.csv", "effects.csv"] as const;
/** The options that define the experiment's bytes (threads and --out are added per run). */
const TINY = ["--scale", "0.002", "--until", "2016-12", "--replicates", "2", "--seed", "5", "--events", "--quiet"];

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-shard-"));
  if (!existsSync(join(ROOT, "dist/run/worker.js"))) throw new Error("dist/ is missing: run `npm run build` before these tests (npm test does it)");
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

const bytes = (dir: string, file: string): Buffer => readFileSync(join(dir, file));
const manifestOf = (dir: string): Manifest => readManifest(join(dir, "manifest.json"));
/** Every file under dir with the sha256 of its bytes (cheaper to compare than the bytes). */
const digest = (dir: string): Record<string, string> =>
  Object.fromEntries([...snapshot(dir)].map(([f, b]) => [f, createHash("sha256").update(b).digest("hex")]));

const ok = runCliOk;

/** Expects every file to have the same bytes in both folders. */
function expectSameBytes(a: string, b: string, files: readonly string[]): void {
  for (const f of files) {
    const x = bytes(a, f);
    expect(x.length, `${f} is empty in ${a}`).toBeGreaterThan(0);
    expect(x.equals(bytes(b, f)), `${f} differs between ${a} and ${b}`).toBe(true);
  }
}

/** A merge that must fail: exit 2, one paragraph naming `names`, and no --out folder made. */
async function expectMergeRefused(dirs: string[], label: string, names: (string | RegExp)[]): Promise<string> {
  const out = join(tmp, `refused-${label}`);
  const r = await runCli("merge", ...dirs, "--out", out, "--quiet");
  expectUserError(r);
  for (const n of names) {
    if (typeof n === "string") expect(r.stderr).toContain(n);
    else expect(r.stderr).toMatch(n);
  }
  expect(existsSync(out), `merge made ${out} although it failed`).toBe(false);
  return r.stderr;
}

describe("parseShard", () => {
  const userError = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      return (e as Error).message;
    }
    throw new Error("expected a UserError");
  };

  it("reads K/N, K counted from 0, ignoring the environment", () => {
    expect(parseShard("0/4", {})).toEqual({ index: 0, count: 4 });
    expect(parseShard("3/4", {})).toEqual({ index: 3, count: 4 });
    expect(parseShard("0/1", {})).toEqual({ index: 0, count: 1 });
    expect(parseShard(" 2/7 ", {})).toEqual({ index: 2, count: 7 });
    expect(parseShard("1/4", { SLURM_ARRAY_TASK_ID: "3", JOB_COMPLETION_INDEX: "2" })).toEqual({ index: 1, count: 4 });
  });

  it("auto/N takes K from SLURM_ARRAY_TASK_ID, else JOB_COMPLETION_INDEX, preferring Slurm's", () => {
    expect(parseShard("auto/4", { SLURM_ARRAY_TASK_ID: "2" })).toEqual({ index: 2, count: 4 });
    expect(parseShard("auto/4", { SLURM_ARRAY_TASK_ID: "0" })).toEqual({ index: 0, count: 4 });
    expect(parseShard("auto/4", { JOB_COMPLETION_INDEX: "3" })).toEqual({ index: 3, count: 4 });
    expect(parseShard("auto/4", { SLURM_ARRAY_TASK_ID: "1", JOB_COMPLETION_INDEX: "3" })).toEqual({ index: 1, count: 4 });
  });

  it("auto/N defaults to process.env", () => {
    vi.stubEnv("SLURM_ARRAY_TASK_ID", "5");
    expect(parseShard("auto/6")).toEqual({ index: 5, count: 6 });
  });

  it("refuses K >= N, naming the flag and the range", () => {
    for (const text of ["4/4", "5/4", "1/1"]) {
      const msg = userError(() => parseShard(text, {}));
      expect(msg).toContain("--shard");
      expect(msg).toContain(text);
      expect(msg).toMatch(/below N|0 to \d/);
    }
  });

  it("refuses malformed values, quoting them", () => {
    for (const text of ["1-4", "a/4", "0/0", "1/", "/4", "-1/4", "1.5/4", "1/4/2", "", "auto", "auto/0", "0/x"]) {
      const msg = userError(() => parseShard(text, { SLURM_ARRAY_TASK_ID: "0" }));
      expect(msg, text).toContain("--shard");
      expect(msg, text).toContain(`"${text}"`);
      expect(msg, text).toMatch(/expects K\/N/);
    }
  });

  it("auto/N without either variable says which variables it reads", () => {
    const msg = userError(() => parseShard("auto/4", {}));
    expect(msg).toContain("--shard auto/4");
    expect(msg).toContain("SLURM_ARRAY_TASK_ID");
    expect(msg).toContain("JOB_COMPLETION_INDEX");
  });

  it("auto/N with the variable out of range or not a number names the variable and its value", () => {
    let msg = userError(() => parseShard("auto/4", { SLURM_ARRAY_TASK_ID: "4" }));
    expect(msg).toContain("--shard auto/4");
    expect(msg).toContain("SLURM_ARRAY_TASK_ID is 4");
    expect(msg).toContain("0 to 3");
    msg = userError(() => parseShard("auto/2", { JOB_COMPLETION_INDEX: "7" }));
    expect(msg).toContain("--shard auto/2");
    expect(msg).toContain("JOB_COMPLETION_INDEX is 7");
    msg = userError(() => parseShard("auto/4", { SLURM_ARRAY_TASK_ID: "x1" }));
    expect(msg).toContain("--shard auto/4");
    expect(msg).toContain('SLURM_ARRAY_TASK_ID is "x1"');
    msg = userError(() => parseShard("auto/4", { SLURM_ARRAY_TASK_ID: "-1" }));
    expect(msg).toContain('SLURM_ARRAY_TASK_ID is "-1"');
  });

  it("names the flag it was given", () => {
    expect(userError(() => parseShard("9/3", {}, "--shards"))).toMatch(/^--shards 9\/3/);
  });
});

describe("shardTasks", () => {
  const tasks = (n: number) => Array.from({ length: n }, (_, index) => ({ index, name: `t${index}` }));

  it("the N shards partition the tasks: each task exactly once, every N-th from the K-th, in order", () => {
    for (const t of [0, 1, 2, 5, 8, 13]) {
      for (const count of [1, 2, 3, 4, 7, 20]) {
        const all = tasks(t);
        const shards = Array.from({ length: count }, (_, index) => shardTasks(all, { index, count }));
        const seen = shards.flat().map((x) => x.index).sort((a, b) => a - b);
        expect(seen, `${t} tasks, ${count} shards`).toEqual(all.map((x) => x.index));
        shards.forEach((s, k) => {
          expect(s.every((x) => x.index % count === k)).toBe(true);
          expect(s.map((x) => x.index)).toEqual([...s.map((x) => x.index)].sort((a, b) => a - b));
        });
        // Balanced: sizes differ by at most one, the lower shards getting the extra tasks.
        const sizes = shards.map((s) => s.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
      }
    }
  });

  it("with more shards than tasks, the extra shards are empty", () => {
    const all = tasks(3);
    expect(shardTasks(all, { index: 0, count: 5 }).map((x) => x.index)).toEqual([0]);
    expect(shardTasks(all, { index: 2, count: 5 }).map((x) => x.index)).toEqual([2]);
    expect(shardTasks(all, { index: 3, count: 5 })).toEqual([]);
    expect(shardTasks(all, { index: 4, count: 5 })).toEqual([]);
  });

  it("keeps the task objects, and without a shard returns all tasks as a new array", () => {
    const all = tasks(6);
    expect(shardTasks(all, { index: 1, count: 3 })).toEqual([all[1], all[4]]);
    expect(shardTasks(all, { index: 1, count: 3 })[0]).toBe(all[1]);
    for (const none of [null, undefined]) {
      const r = shardTasks(all, none);
      expect(r).toEqual(all);
      expect(r).not.toBe(all);
    }
  });
});

describe("shards of a run merged (2 scenarios + a 2-point sweep, x 2 replicates: 8 tasks, 3 shards)", () => {
  const T = 8;
  let scenarios: string[];
  let whole: string;
  const shard: string[] = [];

  beforeAll(async () => {
    const sweep = join(tmp, "sweep.yaml");
    writeFileSync(sweep, `extends: ${BASELINE}\nname: sw\nsweep:\n  grid:\n    abscondBaseHazardPerMonth: [0.001, 0.002]\n`);
    scenarios = [BASELINE, WEAK_YEN, sweep];
    whole = join(tmp, "whole");
    await ok("run", ...scenarios, ...TINY, "--threads", "2", "--out", whole);
    for (const k of [0, 1, 2]) {
      shard[k] = join(tmp, `shard-${k}`);
      if (k === 1) {
        // auto/N as a Slurm job array sets it (JOB_COMPLETION_INDEX is ignored when both are set).
        vi.stubEnv("SLURM_ARRAY_TASK_ID", "1");
        vi.stubEnv("JOB_COMPLETION_INDEX", "0");
        await ok("run", ...scenarios, ...TINY, "--threads", "1", "--shard", "auto/3", "--out", shard[k]!);
        vi.unstubAllEnvs();
      } else {
        await ok("run", ...scenarios, ...TINY, "--threads", "1", "--shard", `${k}/3`, "--out", shard[k]!);
      }
    }
  });

  it("a whole run has 8 tasks (the plan the shards split)", () => {
    const m = manifestOf(whole);
    expect(m.shard).toBeNull();
    expect(m.tasks.map((t) => t.index)).toEqual([...Array(T).keys()]);
  });

  it("a finished shard folder holds its CSVs, shard-tasks.jsonl and a manifest with its shard and tasks, and no summary.csv", () => {
    for (const k of [0, 1, 2]) {
      const dir = shard[k]!;
      expect([...snapshot(dir).keys()].sort()).toEqual(["events.csv", "flows.csv", "manifest.json", SHARD_TASKS, "timeseries.csv"]);
      const m = manifestOf(dir);
      expect(m.shard).toEqual({ index: k, count: 3 });
      expect(m.complete).toBe(true);
      const expected = [...Array(T).keys()].filter((i) => i % 3 === k);
      expect(m.tasks.map((t) => t.index)).toEqual(expected);
      expect(m.tasks.every((t) => t.complete)).toBe(true);
      // The shard's tasks are those of the whole run (same scenario, point, replicate and seed).
      const all = manifestOf(whole).tasks;
      expect(m.tasks).toEqual(expected.map((i) => all[i]));
      // Each output's sha256 is recorded, shard-tasks.jsonl included.
      expect(m.outputs.map((o) => o.file).sort()).toEqual(["events.csv", "flows.csv", SHARD_TASKS, "timeseries.csv"]);
      for (const o of m.outputs) expect(sha256File(join(dir, o.file))).toBe(o.sha256);
      // One line per task, in task order.
      const lines = readFileSync(join(dir, SHARD_TASKS), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { task: number });
      expect(lines.map((l) => l.task)).toEqual(expected);
      // Its rows are those tasks' rows of the whole run (the header, then a subset of the lines).
      const wholeLines = new Set(readFileSync(join(whole, "timeseries.csv"), "utf8").split("\n"));
      const mine = readFileSync(join(dir, "timeseries.csv"), "utf8").split("\n");
      expect(mine[0]).toBe(readFileSync(join(whole, "timeseries.csv"), "utf8").split("\n")[0]);
      expect(mine.every((l) => wholeLines.has(l))).toBe(true);
    }
  });

  it("merged, every CSV is byte-identical to the whole run, and the manifest is a complete whole run", async () => {
    const merged = join(tmp, "merged");
    const r = await ok("merge", ...shard, "--out", merged);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`migsim: merged 3 shards (${T} tasks) into ${merged}\n`);
    expectSameBytes(whole, merged, WITH_SUMMARY);
    expect([...snapshot(merged).keys()].sort()).toEqual(["effects.csv", "events.csv", "flows.csv", "manifest.json", "summary.csv", "timeseries.csv"]);

    const m = manifestOf(merged);
    const w = manifestOf(whole);
    expect(m.shard).toBeNull();
    expect(m.complete).toBe(true);
    expect(m.finishedAt).toEqual(expect.any(String));
    expect(m.spec).toEqual(w.spec);
    expect(m.tasks.map((t) => t.index)).toEqual([...Array(T).keys()]);
    expect(m.tasks).toEqual(w.tasks);
    expect(m.tasks.every((t) => t.complete)).toBe(true);
    expect(m.outputs.map((o) => o.file).sort()).toEqual(["effects.csv", "events.csv", "flows.csv", "summary.csv", "timeseries.csv"]);
    for (const o of m.outputs) expect(o.sha256).toBe(sha256File(join(merged, o.file)));
    expect(m.mergedFrom).toHaveLength(3);
    expect(m.mergedFrom!.map((s) => s.shard)).toEqual([0, 1, 2].map((index) => ({ index, count: 3 })));
    expect(m.mergedFrom!.map((s) => s.dir)).toEqual(shard);
    m.mergedFrom!.forEach((s, k) => {
      const sm = manifestOf(shard[k]!);
      expect(s.threads).toBe(1);
      expect(s.startedAt).toBe(sm.startedAt);
      expect(s.finishedAt).toBe(sm.finishedAt);
    });
    // The earliest shard start is the run's start.
    expect(m.startedAt).toBe(shard.map((d) => manifestOf(d).startedAt).sort()[0]);
    // The shards are left as they were.
    for (const d of shard) expect(manifestOf(d).complete).toBe(true);
  });

  it("the shards named in another order merge to the same bytes", async () => {
    const merged = join(tmp, "merged-reordered");
    await ok("merge", shard[2]!, shard[0]!, shard[1]!, "--out", merged, "--quiet");
    expectSameBytes(whole, merged, WITH_SUMMARY);
    expect(manifestOf(merged).mergedFrom!.map((s) => s.shard.index)).toEqual([0, 1, 2]);
  });

  it("a shard's bytes do not depend on --threads", async () => {
    const two = join(tmp, "shard-0-threads2");
    await ok("run", ...scenarios, ...TINY, "--threads", "2", "--shard", "0/3", "--out", two);
    expectSameBytes(shard[0]!, two, [...CSVS, SHARD_TASKS]);
    expect(manifestOf(two).threads).toBe(2);
  });

  it("migsim reproduce of a shard's manifest reproduces that shard", async () => {
    const again = join(tmp, "shard-1-reproduced");
    await ok("reproduce", join(shard[1]!, "manifest.json"), "--out", again, "--threads", "2", "--quiet");
    const m = manifestOf(again);
    expect(m.shard).toEqual({ index: 1, count: 3 });
    expect(m.tasks).toEqual(manifestOf(shard[1]!).tasks);
    expectSameBytes(shard[1]!, again, [...CSVS, SHARD_TASKS]);
    expect(existsSync(join(again, "summary.csv"))).toBe(false);
    expect(existsSync(join(again, "effects.csv"))).toBe(false);
  });

  it("a shard that crashed while finishing (shard-tasks.jsonl written, manifest not yet complete) resumes without re-running a task", async () => {
    const crashed = join(tmp, "shard-2-crashed-finishing");
    cpSync(shard[2]!, crashed, { recursive: true });
    const m = JSON.parse(readFileSync(join(crashed, "manifest.json"), "utf8")) as Manifest;
    m.complete = false;
    writeFileSync(join(crashed, "manifest.json"), JSON.stringify(m, null, 2));
    const r = await ok("run", "--resume", crashed, "--threads", "1");
    // All of its tasks were already checkpointed: none runs again.
    expect(r.stderr).toContain(`resuming ${crashed}: 2 of 2 tasks already done`);
    expect(manifestOf(crashed).complete).toBe(true);
    expectSameBytes(shard[2]!, crashed, [...CSVS, SHARD_TASKS]);
    const merged = join(tmp, "merged-after-crash");
    await ok("merge", shard[0]!, shard[1]!, crashed, "--out", merged, "--quiet");
    expectSameBytes(whole, merged, WITH_SUMMARY);
  });

  it("migsim report refuses a shard folder, pointing to merge", async () => {
    const r = await runCli("report", shard[0]!);
    expectUserError(r);
    expect(r.stderr).toContain(shard[0]!);
    expect(r.stderr).toContain("shard 0/3");
    expect(r.stderr).toContain("migsim merge");
    expect(existsSync(join(shard[0]!, "report.html"))).toBe(false);
  });

  describe("merge refuses, naming the folder or shard, and writes nothing", () => {
    it("a missing shard", async () => {
      await expectMergeRefused([shard[0]!, shard[2]!], "missing", [/Shard 1 of 3 is missing/, "--shard 1/3"]);
      await expectMergeRefused([shard[1]!], "missing-two", [/Shards 0, 2 of 3 are missing/]);
    });

    it("a duplicated shard (the same folder twice, or a copy of it)", async () => {
      const copy = join(tmp, "shard-1-copy");
      cpSync(shard[1]!, copy, { recursive: true });
      await expectMergeRefused([shard[0]!, shard[1]!, shard[2]!, copy], "duplicate", [shard[1]!, copy, "shard 1/3"]);
      await expectMergeRefused([shard[0]!, shard[1]!, shard[1]!, shard[2]!], "same-twice", [`${shard[1]!} and ${shard[1]!} are both shard 1/3`]);
    });

    it("a shard of another run (another seed; another shard count)", async () => {
      const foreign = join(tmp, "shard-2-seed6");
      const argv = [...TINY];
      argv[argv.indexOf("--seed") + 1] = "6";
      await ok("run", ...scenarios, ...argv, "--threads", "1", "--shard", "2/3", "--out", foreign);
      await expectMergeRefused([shard[0]!, shard[1]!, foreign], "foreign", [foreign, shard[0]!, /seed 6, not 5/]);
      // Whichever comes first, the other is named.
      await expectMergeRefused([foreign, shard[0]!, shard[1]!], "foreign-first", [foreign, shard[0]!, /seed 5, not 6/]);
      // A shard of the same experiment split another way.
      const other = join(tmp, "shard-0-of-2");
      cpSync(shard[0]!, other, { recursive: true });
      const m = JSON.parse(readFileSync(join(other, "manifest.json"), "utf8")) as Manifest;
      m.shard = { index: 0, count: 2 };
      writeFileSync(join(other, "manifest.json"), JSON.stringify(m, null, 2));
      await expectMergeRefused([shard[1]!, other], "other-count", [other, /2 shards, not 3/]);
    });

    it("a whole run, or a folder that is no run at all", async () => {
      await expectMergeRefused([shard[0]!, shard[1]!, whole], "whole", [whole, /whole run, not a shard/]);
      const empty = join(tmp, "not-a-run");
      mkdirSync(empty);
      await expectMergeRefused([shard[0]!, empty], "empty", [join(empty, "manifest.json"), /not a shard folder/]);
    });

    it("an incomplete shard, pointing to --resume", async () => {
      const cut = join(tmp, "shard-2-incomplete");
      cpSync(shard[2]!, cut, { recursive: true });
      const m = JSON.parse(readFileSync(join(cut, "manifest.json"), "utf8")) as Manifest;
      m.complete = false;
      m.tasks[m.tasks.length - 1]!.complete = false;
      writeFileSync(join(cut, "manifest.json"), JSON.stringify(m, null, 2));
      await expectMergeRefused([shard[0]!, shard[1]!, cut], "incomplete", [cut, "shard 2/3", /incomplete: 1 of 2 tasks done/, `--resume ${cut}`]);
    });

    it("a shard whose CSV changed after it finished (sha256)", async () => {
      for (const f of ["flows.csv", "events.csv", SHARD_TASKS]) {
        const bad = join(tmp, `shard-2-tampered-${f}`);
        cpSync(shard[2]!, bad, { recursive: true });
        writeFileSync(join(bad, f), "\n", { flag: "a" });
        await expectMergeRefused([shard[0]!, shard[1]!, bad], `tampered-${f}`, [join(bad, f), /changed after its shard finished/, /sha256/]);
      }
      // A CSV deleted from the shard.
      const gone = join(tmp, "shard-2-no-timeseries");
      cpSync(shard[2]!, gone, { recursive: true });
      rmSync(join(gone, "timeseries.csv"));
      await expectMergeRefused([shard[0]!, shard[1]!, gone], "deleted", [join(gone, "timeseries.csv"), /is missing/]);
    });

    it("a shard whose manifest does not vouch for a file merge reads (no sha256 listed)", async () => {
      const bad = join(tmp, "shard-2-unlisted");
      cpSync(shard[2]!, bad, { recursive: true });
      const m = JSON.parse(readFileSync(join(bad, "manifest.json"), "utf8")) as Manifest;
      m.outputs = m.outputs.filter((o) => o.file !== "events.csv");
      writeFileSync(join(bad, "manifest.json"), JSON.stringify(m, null, 2));
      await expectMergeRefused([shard[0]!, shard[1]!, bad], "unlisted", [join(bad, "manifest.json"), /does not list events\.csv among its outputs/]);
    });

    it("a shard folder another live migsim process holds (its lock), naming the process", async () => {
      const held = join(tmp, "shard-2-held");
      cpSync(shard[2]!, held, { recursive: true });
      // The test runner's parent: a live process on this host that is not this one.
      writeFileSync(join(held, ".migsim.lock"), JSON.stringify({ pid: process.ppid, host: hostname(), since: "2030-01-01T00:00:00.000Z", command: `run --overwrite --out ${held}` }));
      await expectMergeRefused([shard[0]!, shard[1]!, held], "held", [`${held} is in use by migsim (pid ${process.ppid}`, join(held, ".migsim.lock")]);
    });

    it("a folder that does not exist, or a file named instead of a folder", async () => {
      const nowhere = join(tmp, "no-such-shard");
      await expectMergeRefused([shard[0]!, nowhere, shard[2]!], "nowhere", [nowhere, /does not exist/]);
      const file = join(shard[1]!, "manifest.json");
      await expectMergeRefused([shard[0]!, file, shard[2]!], "file", [file, /is a file, not a shard folder/]);
    });

    it("an --out that already holds a run, without --overwrite (kept as it was); with --overwrite it is replaced", async () => {
      const out = join(tmp, "out-taken");
      cpSync(shard[0]!, out, { recursive: true });
      writeFileSync(join(out, "notes.txt"), "mine");
      const before = digest(out);
      const r = await runCli("merge", ...shard, "--out", out, "--quiet");
      expectUserError(r);
      expect(r.stderr).toContain(out);
      expect(r.stderr).toMatch(/already holds a run/);
      expect(r.stderr).toContain("--overwrite");
      expect(digest(out)).toEqual(before);

      await ok("merge", ...shard, "--out", out, "--overwrite", "--quiet");
      expectSameBytes(whole, out, WITH_SUMMARY);
      // The earlier run's files went (shard-tasks.jsonl), the rest of the folder stayed.
      expect([...snapshot(out).keys()].sort()).toEqual(["effects.csv", "events.csv", "flows.csv", "manifest.json", "notes.txt", "summary.csv", "timeseries.csv"]);
      expect(readFileSync(join(out, "notes.txt"), "utf8")).toBe("mine");
    });

    it("no folders at all is a usage error", async () => {
      const out = join(tmp, "refused-none");
      const r = await runCli("merge", "--out", out);
      expectUserError(r);
      expect(existsSync(out)).toBe(false);
    });

    // KNOWN BUG (c9066fb): mergeShards checks --out only with checkOutputDir, so with --overwrite
    // an --out that is one of the shards is cleared (clearRunFiles) before its rows are copied:
    // the shard's files are deleted and the merge dies with "internal error: ENOENT ... open
    // .../timeseries.csv" (exit 1). Remove `.fails` once merge refuses it.
    it("an --out that is one of the shards, even with --overwrite (the shard is kept)", async () => {
      const mine = join(tmp, "shard-0-as-out");
      cpSync(shard[0]!, mine, { recursive: true });
      const before = digest(mine);
      const r = await runCli("merge", mine, shard[1]!, shard[2]!, "--out", mine, "--overwrite", "--quiet");
      expect(digest(mine)).toEqual(before);
      expectUserError(r);
      expect(r.stderr).toContain(mine);
    });
  });

  // KNOWN BUG (c9066fb, also in runExperiment before it): output names in manifest.json are
  // f.slice(out.length + 1), so an --out written with a trailing slash ("dir/") records
  // "imeseries.csv", "lows.csv", "hard-tasks.jsonl"; merge then refuses the shard ("... /imeseries.csv
  // is missing"), and a merge with --out "dir/" records wrong names too. Remove `.fails` once fixed.
  it("an --out given with a trailing slash (shard run and merge) records the real file names", async () => {
    const slash = join(tmp, "shard-0-slash");
    await ok("run", ...scenarios, ...TINY, "--threads", "1", "--shard", "0/3", "--out", `${slash}/`);
    expect(manifestOf(slash).outputs.map((o) => o.file).sort()).toEqual(["events.csv", "flows.csv", SHARD_TASKS, "timeseries.csv"]);
    const merged = join(tmp, "merged-slash");
    await ok("merge", slash, shard[1]!, shard[2]!, "--out", `${merged}/`, "--quiet");
    expectSameBytes(whole, merged, WITH_SUMMARY);
    expect(manifestOf(merged).outputs.map((o) => o.file).sort()).toEqual(["effects.csv", "events.csv", "flows.csv", "summary.csv", "timeseries.csv"]);
  });
});

describe("more shards than tasks", () => {
  // KNOWN BUG (c9066fb): a shard with no tasks never writes checkpoints.jsonl, so runExperiment's
  // renameSync(checkpoints.jsonl -> shard-tasks.jsonl) throws ENOENT: `migsim run ... --shard 2/3`
  // of a 2-task run exits 1 with "internal error: ENOENT ... rename .../checkpoints.jsonl" and
  // leaves an incomplete manifest, so the shards cannot be merged. Remove `.fails` once fixed.
  it("an empty shard finishes, and the merge still matches the whole run", async () => {
    const argv = ["run", BASELINE, ...TINY, "--threads", "1"];
    const whole = join(tmp, "small-whole");
    await ok(...argv, "--out", whole);
    expect(manifestOf(whole).tasks).toHaveLength(2);
    const dirs = [0, 1, 2].map((k) => join(tmp, `small-shard-${k}`));
    for (const [k, d] of dirs.entries()) await ok(...argv, "--shard", `${k}/3`, "--out", d);
    const empty = manifestOf(dirs[2]!);
    expect(empty.complete).toBe(true);
    expect(empty.tasks).toEqual([]);
    // Only the header in each CSV.
    for (const f of CSVS) expect(readFileSync(join(dirs[2]!, f), "utf8").split("\n").filter(Boolean)).toHaveLength(1);
    const merged = join(tmp, "small-merged");
    await ok("merge", ...dirs, "--out", merged, "--quiet");
    // One scenario (the baseline alone): no effects.csv.
    expectSameBytes(whole, merged, [...CSVS, "summary.csv"]);
    expect(existsSync(join(merged, "effects.csv"))).toBe(false);
    expect(manifestOf(merged).tasks.map((t) => t.index)).toEqual([0, 1]);
  });
});

describe("an interrupted shard, resumed", () => {
  const spec = (): ExperimentSpec => ({
    scenarios: [BASELINE, WEAK_YEN].map((f) => loadScenario(f)),
    seed: 3, replicates: 3, scale: 0.002, until: "2016-12", events: true, ciTarget: 0.05,
  });
  const opts = (out: string, more: Record<string, unknown> = {}) => ({ out, threads: 1, overwrite: false, resume: false, command: ["test"], ...more });
  const shard = { index: 0, count: 2 }; // tasks 0, 2, 4 of 6

  it("continues from its checkpoints to the bytes of an uninterrupted shard (runExperiment and migsim run --resume)", async () => {
    const s = spec();
    const full = join(tmp, "resume-full");
    const r0 = await runExperiment(s, opts(full, { shard }));
    expect(r0.complete).toBe(true);
    expect(r0.tasks).toBe(3);

    const cut = join(tmp, "resume-cut");
    let done = 0;
    const r1 = await runExperiment(s, opts(cut, { shard, onTaskDone: () => done++, shouldStop: () => done >= 1 }));
    expect(r1.complete).toBe(false);
    expect(r1.tasksDone).toBeGreaterThanOrEqual(1);
    expect(r1.tasksDone).toBeLessThan(3);
    const m = manifestOf(cut);
    expect(m.complete).toBe(false);
    expect(m.shard).toEqual(shard);
    expect(m.tasks.map((t) => t.index)).toEqual([0, 2, 4]);
    expect(m.tasks.filter((t) => t.complete)).toHaveLength(r1.tasksDone);
    expect(existsSync(join(cut, SHARD_TASKS))).toBe(false);
    // An interrupted shard cannot be merged yet.
    await expectMergeRefused([cut, full], "interrupted", [cut, /incomplete/, `--resume ${cut}`]);

    // It must be resumed as the shard it is.
    const copyA = join(tmp, "resume-cut-a");
    const copyB = join(tmp, "resume-cut-b");
    cpSync(cut, copyA, { recursive: true });
    cpSync(cut, copyB, { recursive: true });
    await expect(runExperiment(s, opts(copyA, { resume: true, shard: { index: 1, count: 2 } }))).rejects.toThrow(/is shard 0\/2; resume it as it was started/);
    await expect(runExperiment(s, opts(copyA, { resume: true, shard: null }))).rejects.toThrow(/is shard 0\/2; resume it as it was started/);
    // Torn bytes after the last checkpoint are dropped.
    writeFileSync(join(copyA, "flows.csv.partial"), "baseline,2,0,2014-01,ent", { flag: "a" });

    let skipped = -1;
    const ran: number[] = [];
    const r2 = await runExperiment(m.spec, opts(copyA, {
      resume: true, shard, threads: 2, onStart: (_t: unknown, _i: unknown, already: number) => (skipped = already), onTaskDone: (t: { index: number }) => ran.push(t.index),
    }));
    expect(r2.complete).toBe(true);
    // Only the tasks not done before are run again.
    expect(skipped).toBe(r1.tasksDone);
    expect(ran.sort((a, b) => a - b)).toEqual([0, 2, 4].slice(r1.tasksDone));
    expectSameBytes(full, copyA, [...CSVS, SHARD_TASKS]);
    expect(manifestOf(copyA).complete).toBe(true);
    expect(manifestOf(copyA).startedAt).toBe(m.startedAt);

    // The CLI takes the shard from the manifest.
    const r = await ok("run", "--resume", copyB, "--threads", "2", "--quiet");
    expect(r.stdout).toBe("");
    expectSameBytes(full, copyB, [...CSVS, SHARD_TASKS]);
    const mb = manifestOf(copyB);
    expect(mb.shard).toEqual(shard);
    expect(mb.complete).toBe(true);
    expect(existsSync(join(copyB, "summary.csv"))).toBe(false);
    expect(existsSync(join(copyB, "checkpoints.jsonl"))).toBe(false);

    // A complete shard is not resumed again.
    const again = await runCli("run", "--resume", copyB, "--quiet");
    expectUserError(again);
    expect(again.stderr).toMatch(/already complete/);

    // And the resumed shard merges with the other half into the whole run.
    const other = join(tmp, "resume-other");
    const whole = join(tmp, "resume-whole");
    await runExperiment(s, opts(other, { shard: { index: 1, count: 2 } }));
    await runExperiment(s, opts(whole, { threads: 2 }));
    const merged = join(tmp, "resume-merged");
    await ok("merge", copyB, other, "--out", merged, "--quiet");
    expectSameBytes(whole, merged, WITH_SUMMARY);
  });
});
