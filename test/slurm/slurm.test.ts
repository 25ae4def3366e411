// On a real Slurm: a sweep as a 4-shard job array merged to the bytes of a local run; a shard
// killed midway and completed by --resume; a calibration whose batches run as job arrays, to the
// same posterior as locally. Needs a running Slurm whose jobs see this folder: .ci/run starts a
// one-node cluster (.ci/slurm-up.sh) and runs this file with MIGSIM_SLURM_TESTS=1; elsewhere it
// is skipped. The CLI runs as a child process, as on a login node (the jobs run dist/).

import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ON_SLURM = process.env.MIGSIM_SLURM_TESTS === "1";
const ROOT = new URL("../../", import.meta.url).pathname;
const BIN = join(ROOT, "bin/migsim.js");
// The controller polls squeue every 250 ms instead of 1 s, to keep the tests short.
const ENV = { ...process.env, MIGSIM_SLURM_POLL_MS: "250" };
const SCENARIOS = ["scenarios/baseline.yaml", "scenarios/weak-yen.yaml"];
const OUTPUTS = ["timeseries.csv", "flows.csv", "events.csv", "summary.csv"];

interface Result {
  code: number;
  stderr: string;
}

function migsim(...args: string[]): Result {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env: ENV, encoding: "utf8", timeout: 240_000 });
  return { code: r.status ?? -1, stderr: r.stderr };
}

const queued = (jobId: string): string => execFileSync("squeue", ["-h", "-j", jobId], { encoding: "utf8" }).trim();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lines = (path: string): number => (existsSync(path) ? readFileSync(path, "utf8").split("\n").filter((l) => l.trim() !== "").length : 0);

function expectSameOutputs(a: string, b: string, files = OUTPUTS): void {
  for (const f of files) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), `${f} differs between ${a} and ${b}`).toBe(true);
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-slurm-"));
  chmodSync(tmp, 0o755);
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!ON_SLURM)("a sweep as a Slurm job array", () => {
  it("Slurm is up (sinfo lists an idle or mixed node)", () => {
    expect(execFileSync("sinfo", ["-h", "-o", "%T"], { encoding: "utf8" })).toMatch(/idle|mix|alloc/);
  });

  it("4 shards submitted, merged by the dependent job, give the bytes of a local run", () => {
    const opts = ["--seed", "5", "--replicates", "4", "--scale", "0.003", "--until", "2020-12", "--events"];
    const local = join(tmp, "sweep-local");
    const viaSlurm = join(tmp, "sweep-slurm");
    expect(migsim("run", ...SCENARIOS, ...opts, "--out", local, "--threads", "2", "--quiet").code).toBe(0);

    const r = migsim("slurm", ...SCENARIOS, ...opts, "--shards", "4", "--out", viaSlurm, "--time", "10:00", "--submit");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/submitted shards as job \d+ \(--array=0-3\) and the merge as job \d+/);
    expect(r.stderr).toMatch(/8 tasks in 4 shards merged into/);
    const script = readFileSync(join(viaSlurm, "slurm/shards.sbatch"), "utf8");
    expect(script).toContain("#SBATCH --array=0-3");
    expect(script).toContain("--shard auto/4");
    expect(readFileSync(join(viaSlurm, "slurm/merge.sbatch"), "utf8")).toContain("merge");

    expectSameOutputs(local, viaSlurm);
    const manifest = JSON.parse(readFileSync(join(viaSlurm, "manifest.json"), "utf8"));
    expect(manifest.complete).toBe(true);
    expect(manifest.shard).toBeNull();
    expect(manifest.mergedFrom.map((s: { shard: { index: number } }) => s.shard.index)).toEqual([0, 1, 2, 3]);
    expect(manifest.tasks.map((t: { index: number }) => t.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Each shard ran its own tasks: shard 1 holds tasks 1 and 5.
    const shard1 = JSON.parse(readFileSync(join(viaSlurm, "shards/1/manifest.json"), "utf8"));
    expect(shard1.tasks.map((t: { index: number }) => t.index)).toEqual([1, 5]);

    const again = migsim("slurm", "--resume", viaSlurm);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already complete \(merged\): nothing to resume/);
  }, 240_000);

  it("a shard killed midway makes the submission fail with a pointer to --resume, which completes the run to the same bytes", async () => {
    // 12 tasks of about 3 s each in 4 shards of 3: shard 1 is cancelled after its first task.
    const opts = ["--seed", "9", "--replicates", "6", "--scale", "0.03", "--until", "2030-12"];
    const out = join(tmp, "killed");
    const child: ChildProcess = spawn(process.execPath, [BIN, "slurm", ...SCENARIOS, ...opts, "--shards", "4", "--out", out, "--submit"], { cwd: ROOT, env: ENV });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? -1)));

    const shard1 = join(out, "shards/1");
    const deadline = Date.now() + 180_000;
    while (!(lines(join(shard1, "checkpoints.jsonl")) >= 1) && Date.now() < deadline) await sleep(100);
    expect(existsSync(join(shard1, "shard-tasks.jsonl")), "shard 1 finished before it could be killed").toBe(false);
    const job = JSON.parse(readFileSync(join(out, "slurm/job.json"), "utf8"));
    const { shardsJob, mergeJob } = job.submissions[0];
    execFileSync("scancel", [`${shardsJob}_1`]);

    const code = await exited;
    expect(code, stderr).toBe(1);
    expect(stderr).toMatch(/shard 1 of 4 did not complete/);
    expect(stderr).toContain(`migsim slurm --resume ${out}`);
    expect(queued(mergeJob)).toBe(""); // the merge, which would wait forever, was cancelled
    expect(existsSync(join(out, "timeseries.csv"))).toBe(false);
    const killed = JSON.parse(readFileSync(join(shard1, "manifest.json"), "utf8"));
    expect(killed.complete).toBe(false);
    const doneBefore = lines(join(shard1, "checkpoints.jsonl"));
    expect(doneBefore).toBeGreaterThanOrEqual(1);
    expect(doneBefore).toBeLessThan(3);

    const resumed = migsim("slurm", "--resume", out);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resubmitted shard 1 of 4 as job \d+ \(--array=1\)/);
    expect(resumed.stderr).toMatch(/12 tasks in 4 shards merged into/);
    // Shard 1 continued from its checkpoint instead of starting again.
    expect(readFileSync(join(out, "slurm/logs/shard-1.out"), "utf8")).toMatch(new RegExp(`resuming .*shards/1: ${doneBefore} of 3 tasks already done`));
    const job2 = JSON.parse(readFileSync(join(out, "slurm/job.json"), "utf8"));
    expect(job2.submissions.map((s: { array: string }) => s.array)).toEqual(["0-3", "1"]);

    const local = join(tmp, "killed-local");
    expect(migsim("run", ...SCENARIOS, ...opts, "--out", local, "--threads", "2", "--quiet").code).toBe(0);
    expectSameOutputs(local, out, ["timeseries.csv", "flows.csv", "summary.csv"]);
  }, 300_000);
});

describe.skipIf(!ON_SLURM)("submitted without waiting (submit.sh)", () => {
  it("a shard killed with nobody watching strands the merge; --resume cancels it, resubmits the shard and merges to the same bytes", async () => {
    const opts = ["--seed", "11", "--replicates", "6", "--scale", "0.03", "--until", "2030-12"];
    const out = join(tmp, "unwatched");
    expect(migsim("slurm", ...SCENARIOS, ...opts, "--shards", "4", "--out", out, "--quiet").code).toBe(0);
    // submit.sh goes through migsim slurm --resume --no-wait: it returns at once and records the jobs.
    const submitted = spawnSync("bash", [join(out, "slurm/submit.sh")], { cwd: ROOT, env: ENV, encoding: "utf8" });
    expect(submitted.status, submitted.stderr).toBe(0);
    const { shardsJob, mergeJob } = JSON.parse(readFileSync(join(out, "slurm/job.json"), "utf8")).submissions[0];
    expect(shardsJob).toMatch(/^\d+$/);

    const shard1 = join(out, "shards/1");
    const deadline = Date.now() + 180_000;
    while (!(lines(join(shard1, "checkpoints.jsonl")) >= 1) && Date.now() < deadline) await sleep(100);
    expect(existsSync(join(shard1, "shard-tasks.jsonl")), "shard 1 finished before it could be killed").toBe(false);
    execFileSync("scancel", [`${shardsJob}_1`]);
    // The array ends; the merge, held by afterok, waits for ever.
    while (execFileSync("squeue", ["-h", "-j", shardsJob], { encoding: "utf8" }).trim() !== "" && Date.now() < deadline) await sleep(250);
    // Slurm marks it DependencyNeverSatisfied at its next scheduling pass; --resume must not wait for that.
    expect(execFileSync("squeue", ["-h", "-o", "%T", "-j", mergeJob], { encoding: "utf8" }).trim()).toBe("PENDING");

    const resumed = migsim("slurm", "--resume", out);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resubmitted shard 1 of 4 as job \d+ \(--array=1\)/);
    expect(queued(mergeJob)).toBe("");
    const local = join(tmp, "unwatched-local");
    expect(migsim("run", ...SCENARIOS, ...opts, "--out", local, "--threads", "2", "--quiet").code).toBe(0);
    expectSameOutputs(local, out, ["timeseries.csv", "flows.csv", "summary.csv"]);
  }, 300_000);
});

describe.skipIf(!ON_SLURM)("a calibration whose batches are Slurm job arrays", () => {
  it("gives the posterior, particles, generations, fit and best fit of a local calibration with the same seed", () => {
    const args = ["calibrate", "scenarios/baseline.yaml", "--scale", "0.002", "--particles", "4", "--generations", "1", "--best-of", "1",
      "--fit-scale", "0.002", "--fit-replicates", "2", "--params", "abscondBaseHazardPerMonth", "--seed", "3"];
    const local = join(tmp, "cal", "local");
    const viaSlurm = join(tmp, "cal", "slurm");
    expect(migsim(...args, "--out", local, "--threads", "2", "--quiet").code).toBe(0);
    const r = migsim(...args, "--out", viaSlurm, "--slurm", "--shards", "3");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/generation 1, candidates 1-4: job \d+/);
    // Every batch went through Slurm: one folder per batch, each with its array tasks' values.
    const batch1 = join(viaSlurm, "slurm/batch-001");
    expect(["values-0.json", "values-1.json", "values-2.json"].every((f) => existsSync(join(batch1, f)))).toBe(true);
    expectSameOutputs(local, viaSlurm, ["posterior.csv", "particles.csv", "generations.csv", "fit.csv", "best-fit.yaml"]);
  }, 240_000);
});
