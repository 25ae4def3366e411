// `migsim slurm` without a cluster: the scripts it writes and its errors. Submitting and
// following jobs is tested on a real Slurm in test/slurm/.

import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectUserError, runCli, snapshot } from "../helpers/cli.js";

const SCENARIOS = ["scenarios/baseline.yaml", "scenarios/weak-yen.yaml"];
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-slurm-cli-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("migsim slurm writes a job array, a merge job and a submit script", () => {
  let out: string;
  let shards: string;
  let merge: string;
  let submit: string;
  beforeAll(async () => {
    out = join(tmp, "sweep");
    const r = await runCli("slurm", ...SCENARIOS, "--seed", "7", "--replicates", "5", "--scale", "0.01", "--until", "2030-12", "--events",
      "--shards", "4", "--time", "1:30:00", "--mem", "3G", "--cpus-per-task", "2", "--partition", "short", "--account", "proj-1", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`wrote ${join(out, "slurm/shards.sbatch")} (10 tasks in 4 shards)`);
    expect(r.stderr).toContain(`bash ${join(out, "slurm/submit.sh")}`);
    shards = readFileSync(join(out, "slurm/shards.sbatch"), "utf8");
    merge = readFileSync(join(out, "slurm/merge.sbatch"), "utf8");
    submit = readFileSync(join(out, "slurm/submit.sh"), "utf8");
  });

  it("the array has one task per shard and asks for the resources given", () => {
    for (const line of ["#SBATCH --array=0-3", "#SBATCH --cpus-per-task=2", "#SBATCH --time=1:30:00", "#SBATCH --mem=3G", "#SBATCH --partition=short",
      "#SBATCH --account=proj-1", `#SBATCH --chdir=${process.cwd()}`, `#SBATCH --output=${out}/slurm/logs/shard-%a.out`]) {
      expect(shards.split("\n")).toContain(line);
    }
    // sbatch reads #SBATCH lines only before the first command.
    const lines = shards.split("\n");
    const firstCommand = lines.findIndex((l) => l !== "" && !l.startsWith("#"));
    expect(lines.slice(firstCommand).some((l) => l.startsWith("#SBATCH"))).toBe(false);
  });

  it("each array task runs the same experiment as shard auto/4, or resumes its folder", () => {
    expect(shards).toContain("run scenarios/baseline.yaml scenarios/weak-yen.yaml --seed 7 --replicates 5 --scale 0.01 --until 2030-12 --events --ci-target 0.05 --shard auto/4 --out \"$SHARD\"");
    expect(shards).toContain(`SHARD=${out}/shards/$SLURM_ARRAY_TASK_ID`);
    expect(shards).toMatch(/run --resume "\$SHARD"/);
  });

  it("the merge job joins shards 0..3 into the output folder; submit.sh submits through migsim, which records the jobs", () => {
    expect(merge).toContain("for k in $(seq 0 3)");
    expect(merge).toContain(`merge "\${shards[@]}" --out ${out} --overwrite`);
    expect(merge).toContain("#SBATCH --cpus-per-task=1");
    expect(merge).not.toContain("--array");
    expect(submit).toContain(`slurm --resume ${out} --no-wait`);
    expect(statSync(join(out, "slurm/submit.sh")).mode & 0o111).not.toBe(0);
  });

  it("each script runs this migsim (node and bin/migsim.js), or the command in $MIGSIM, as a bash array", () => {
    for (const script of [shards, merge, submit]) {
      expect(script).toContain(`migsim=(${process.execPath} ${join(process.cwd(), "bin/migsim.js")})`);
      expect(script).toContain('read -r -a migsim <<< "$MIGSIM"');
      expect(script).toContain('exec "${migsim[@]}" ');
    }
  });

  it("job.json records the plan: shards, tasks per shard, run arguments, no submission yet", () => {
    const job = JSON.parse(readFileSync(join(out, "slurm/job.json"), "utf8"));
    expect(job.shards).toBe(4);
    expect(job.tasks).toBe(10);
    expect(job.tasksPerShard).toEqual([3, 3, 2, 2]);
    expect(job.submissions).toEqual([]);
    expect(existsSync(join(out, "slurm/logs"))).toBe(true);
  });

  it("refuses to write over it without --overwrite, and keeps it", async () => {
    const before = snapshot(out);
    const r = await runCli("slurm", ...SCENARIOS, "--shards", "2", "--out", out);
    expectUserError(r);
    expect(r.stderr).toMatch(/already holds a Slurm run.*--resume/);
    expect(snapshot(out)).toEqual(before);
  });

  it("--overwrite refuses while a shard folder is in use by a live migsim process (its lock), and keeps everything", async () => {
    const shard = join(out, "shards", "1");
    mkdirSync(shard, { recursive: true });
    // The test runner's parent: alive, on this host, and not this process.
    writeFileSync(join(shard, ".migsim.lock"), JSON.stringify({ pid: process.ppid, host: hostname(), since: "2030-01-01T00:00:00.000Z", command: `run --resume ${shard}` }));
    const before = snapshot(out);
    const r = await runCli("slurm", ...SCENARIOS, "--shards", "2", "--out", out, "--overwrite");
    expectUserError(r);
    expect(r.stderr).toContain(`${shard} is in use by migsim (pid ${process.ppid}`);
    expect(snapshot(out)).toEqual(before);
    rmSync(join(out, "shards"), { recursive: true });
  });
});

describe("migsim slurm --design", () => {
  it("each shard reads the design again; job.json records its sha256, and --resume refuses a changed design", async () => {
    const design = join(tmp, "design.csv");
    writeFileSync(design, "abscondBaseHazardPerMonth,debtCv\n0.001,0.2\n0.005,0.9\n0.009,0.5\n");
    const out = join(tmp, "design");
    const r = await runCli("slurm", "scenarios/baseline.yaml", "--replicates", "2", "--scale", "0.002", "--until", "2015-12", "--design", design, "--shards", "4", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("(6 tasks in 4 shards)");
    const shards = readFileSync(join(out, "slurm/shards.sbatch"), "utf8");
    expect(shards).toContain(`run scenarios/baseline.yaml --seed 1 --replicates 2 --scale 0.002 --until 2015-12 --ci-target 0.05 --design ${design} --shard auto/4 --out "$SHARD"`);
    const job = JSON.parse(readFileSync(join(out, "slurm/job.json"), "utf8"));
    expect(job.designFile).toEqual({ path: design, sha256: createHash("sha256").update(readFileSync(design)).digest("hex") });
    writeFileSync(design, "abscondBaseHazardPerMonth,debtCv\n0.001,0.2\n");
    const before = snapshot(out);
    const again = await runCli("slurm", "--resume", out, "--no-wait");
    expectUserError(again);
    expect(again.stderr).toContain(`Design ${design} changed (or is gone) since migsim slurm wrote ${out}`);
    expect(snapshot(out)).toEqual(before);
  });
});

describe("migsim slurm: bad flags and folders exit 2 and write nothing", () => {
  const cases: { name: string; argv: (out: string) => string[]; says: RegExp }[] = [
    { name: "no --shards", argv: (out) => ["slurm", ...SCENARIOS, "--out", out], says: /--shards expects the number of shards/ },
    { name: "--shards 0", argv: (out) => ["slurm", ...SCENARIOS, "--shards", "0", "--out", out], says: /--shards expects a whole number from 1/ },
    { name: "more shards than tasks", argv: (out) => ["slurm", ...SCENARIOS, "--replicates", "2", "--shards", "5", "--out", out], says: /--shards 5 is more than the 4 tasks/ },
    { name: "bad --time", argv: (out) => ["slurm", ...SCENARIOS, "--shards", "2", "--time", "2h", "--out", out], says: /--time expects a Slurm time limit .*"2h"/ },
    { name: "bad --mem", argv: (out) => ["slurm", ...SCENARIOS, "--shards", "2", "--mem", "lots", "--out", out], says: /--mem expects a Slurm memory size/ },
    { name: "bad --partition", argv: (out) => ["slurm", ...SCENARIOS, "--shards", "2", "--partition", "a b", "--out", out], says: /--partition expects a Slurm partition name/ },
    { name: "--cpus-per-task 0", argv: (out) => ["slurm", ...SCENARIOS, "--shards", "2", "--cpus-per-task", "0", "--out", out], says: /--cpus-per-task expects a whole number/ },
    { name: "--out with a space", argv: (out) => ["slurm", ...SCENARIOS, "--shards", "2", "--out", `${out} x`], says: /--out ".* x" contains a space, quote, backslash or %/ },
    { name: "no scenario", argv: (out) => ["slurm", "--shards", "2", "--out", out], says: /Name at least one scenario file, e\.g\. migsim slurm/ },
    { name: "missing scenario file", argv: (out) => ["slurm", "scenarios/no-such.yaml", "--shards", "2", "--out", out], says: /no-such\.yaml/ },
    { name: "bad --seed", argv: (out) => ["slurm", ...SCENARIOS, "--shards", "2", "--seed", "-1", "--out", out], says: /--seed expects a whole number/ },
    { name: "a bad design", argv: (out) => ["slurm", ...SCENARIOS, "--shards", "2", "--design", "scenarios/no-such-design.csv", "--out", out], says: /Design scenarios\/no-such-design\.csv does not exist/ },
    { name: "--resume of a folder migsim slurm did not write", argv: (out) => ["slurm", "--resume", out], says: /job\.json is missing, so .* is not a folder written by migsim slurm/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const out = join(tmp, `bad-${c.name.replace(/\W+/g, "-")}`);
      const r = await runCli(...c.argv(out));
      expectUserError(r);
      expect(r.stderr).toMatch(c.says);
      expect(existsSync(out)).toBe(false);
    });
  }

  it("calibrate --slurm with a bad --time fails before anything is written", async () => {
    const out = join(tmp, "bad-calibrate-slurm");
    const r = await runCli("calibrate", "scenarios/baseline.yaml", "--slurm", "--time", "soon", "--out", out, "--quiet");
    expectUserError(r);
    expect(r.stderr).toMatch(/--time expects a Slurm time limit/);
    expect(existsSync(out)).toBe(false);
  });

  it("--resume of a damaged job.json says so", async () => {
    const out = join(tmp, "damaged");
    mkdirSync(join(out, "slurm"), { recursive: true });
    writeFileSync(join(out, "slurm/job.json"), "{ not json");
    const r = await runCli("slurm", "--resume", out);
    expectUserError(r);
    expect(r.stderr).toMatch(/job\.json is not valid JSON/);
  });
});

describe("--resume against a scripted Slurm (sbatch, squeue and scancel stand-ins on PATH)", () => {
  // The stand-ins: squeue prints the file $FAKE_SQUEUE; scancel and sbatch log their arguments to
  // $FAKE_LOG; sbatch answers job id 200. A real Slurm is tested in test/slurm/.
  let out: string;
  let bin: string;
  const saved = { PATH: process.env.PATH, FAKE_SQUEUE: process.env.FAKE_SQUEUE, FAKE_LOG: process.env.FAKE_LOG };
  const log = (): string => (existsSync(process.env.FAKE_LOG!) ? readFileSync(process.env.FAKE_LOG!, "utf8") : "");
  beforeAll(async () => {
    bin = join(tmp, "fake-slurm");
    mkdirSync(bin, { recursive: true });
    const script = (name: string, body: string) => writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    script("squeue", 'cat "$FAKE_SQUEUE"');
    script("scancel", 'echo "scancel $*" >> "$FAKE_LOG"');
    script("sbatch", 'echo "sbatch $*" >> "$FAKE_LOG"; echo 200');
    out = join(tmp, "scripted");
    const r = await runCli("slurm", "scenarios/baseline.yaml", "--replicates", "2", "--scale", "0.002", "--until", "2015-12", "--shards", "2", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    process.env.PATH = `${bin}:${saved.PATH}`;
    process.env.FAKE_SQUEUE = join(tmp, "squeue.txt");
    process.env.FAKE_LOG = join(tmp, "slurm.log");
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  /** job.json as if the array 100 and the merge 101 had been submitted; squeue shows `queue`. */
  function submitted(queue: string): void {
    const path = join(out, "slurm/job.json");
    const job = JSON.parse(readFileSync(path, "utf8"));
    job.submissions = [{ at: "2026-11-21T00:00:00.000Z", shardsJob: "100", array: "0-1", mergeJob: "101" }];
    writeFileSync(path, JSON.stringify(job, null, 2));
    writeFileSync(process.env.FAKE_SQUEUE!, queue);
    rmSync(process.env.FAKE_LOG!, { force: true });
  }

  it("refuses while the array still has a task queued, even with the merge waiting on it", async () => {
    submitted("100_1 RUNNING None\n101 PENDING Dependency\n");
    const r = await runCli("slurm", "--resume", out, "--no-wait");
    expectUserError(r);
    expect(r.stderr).toMatch(/still queued or running \(100_1, 101\)/);
    expect(log()).toBe("");
  });

  it("refuses while another migsim process submits or follows it (the lock of OUT/slurm), submitting nothing", async () => {
    submitted("");
    const lock = join(out, "slurm", ".migsim.lock");
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: hostname(), since: "2030-01-01T00:00:00.000Z", command: `slurm --resume ${out}` }));
    try {
      const r = await runCli("slurm", "--resume", out, "--no-wait");
      expectUserError(r);
      expect(r.stderr).toContain(`${join(out, "slurm")} is in use by migsim (pid ${process.ppid}`);
      expect(log()).toBe("");
    } finally {
      rmSync(lock);
    }
  });

  it("refuses while the merge is running", async () => {
    submitted("101 RUNNING None\n");
    const r = await runCli("slurm", "--resume", out, "--no-wait");
    expectUserError(r);
    expect(r.stderr).toMatch(/still queued or running \(101\)/);
    expect(log()).toBe("");
  });

  it("cancels a merge left pending (reason Dependency) by an array that ended with shards incomplete, before Slurm marks it, and resubmits", async () => {
    submitted("101 PENDING Dependency\n");
    const r = await runCli("slurm", "--resume", out, "--no-wait");
    expect(r.code, r.stderr).toBe(0);
    const calls = log().trim().split("\n");
    expect(calls[0]).toBe("scancel 101");
    expect(calls[1]).toMatch(/^sbatch --parsable --array=0-1 .*shards\.sbatch$/);
    expect(calls[2]).toMatch(/^sbatch --parsable --dependency=afterok:200 .*merge\.sbatch$/);
    const job = JSON.parse(readFileSync(join(out, "slurm/job.json"), "utf8"));
    expect(job.submissions.map((s: { shardsJob: string }) => s.shardsJob)).toEqual(["100", "200"]);
  });
});
