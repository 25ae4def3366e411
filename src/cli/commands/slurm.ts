// `migsim slurm <scenario files...> [run options] --shards N`: writes a Slurm job array of N shards
// and a merge job after it (src/run/slurm-run.ts); --submit submits them and waits with progress;
// --resume DIR resubmits only the shards not complete, then the merge.

import cliProgress from "cli-progress";
import { join } from "node:path";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { UserError } from "../../errors.js";
import { type SlurmResources, checkResources } from "../../run/slurm.js";
import { type SlurmJob, type SlurmProgress, type Submission, resumeSlurmRun, submitSlurmRun, waitSlurmRun, writeSlurmRun } from "../../run/slurm-run.js";
import { type ExperimentArgs, defaultOutDir, experimentOptions, experimentSpec, quietOption } from "./run.js";

interface SlurmArgs extends ExperimentArgs {
  shards?: number;
  partition?: string;
  account?: string;
  time?: string;
  mem?: string;
  cpusPerTask: number;
  out?: string;
  overwrite: boolean;
  submit: boolean;
  resume?: string;
  wait: boolean;
  quiet: boolean;
}

/** The sbatch resource options (shared with calibrate --slurm). */
export function slurmResourceOptions<T>(y: Argv<T>) {
  return y
    .option("partition", { type: "string", describe: "Slurm partition (sbatch --partition; default: the cluster's)" })
    .option("account", { type: "string", describe: "Slurm account to charge (sbatch --account)" })
    .option("time", { type: "string", describe: "Time limit per job, e.g. 2:00:00 (sbatch --time; default: the partition's)" })
    .option("mem", { type: "string", describe: "Memory per job, e.g. 4G (sbatch --mem; default: the partition's)" })
    .option("cpus-per-task", { type: "number", default: 1, describe: "Cores per job; each job runs as many worker threads" });
}

export function resourcesOf(a: { partition?: string; account?: string; time?: string; mem?: string; cpusPerTask: number }): SlurmResources {
  const r: SlurmResources = {
    cpusPerTask: a.cpusPerTask,
    ...(a.partition !== undefined && { partition: a.partition }),
    ...(a.account !== undefined && { account: a.account }),
    ...(a.time !== undefined && { time: String(a.time) }),
    ...(a.mem !== undefined && { mem: String(a.mem) }),
  };
  checkResources(r);
  return r;
}

/** Progress of a Slurm run: a bar on a terminal, a line per change (at most every 10 s) otherwise. */
function slurmProgress(quiet: boolean) {
  const mode = quiet ? "quiet" : process.stderr.isTTY ? "bar" : "lines";
  let bar: cliProgress.SingleBar | null = null;
  let last = "";
  let lastAt = 0;
  const describe = (p: SlurmProgress): string => `shards ${p.shardsComplete}/${p.shards} complete, ${p.running} running, ${p.pending} queued`;
  return {
    update(p: SlurmProgress): void {
      if (mode === "quiet") return;
      if (mode === "bar") {
        if (!bar) {
          bar = new cliProgress.SingleBar({ format: "{bar} {value}/{total} tasks | {shards}", stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
          bar.start(p.tasks, 0, { shards: "" });
        }
        bar.update(p.tasksDone, { shards: describe(p) });
        return;
      }
      const line = `migsim: ${p.tasksDone}/${p.tasks} tasks done; ${describe(p)}`;
      if (line !== last && Date.now() - lastAt > 10_000) {
        process.stderr.write(`${line}\n`);
        last = line;
        lastAt = Date.now();
      }
    },
    stop(): void {
      bar?.stop();
    },
  };
}

/** Waits for a submission with progress; sets the exit code from the outcome. */
async function waitWithProgress(job: SlurmJob, s: Submission, quiet: boolean): Promise<void> {
  const out = job.out;
  const progress = slurmProgress(quiet);
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
  };
  process.on("SIGINT", onSigint);
  try {
    const r = await waitSlurmRun(job, s, { onProgress: (p) => progress.update(p), shouldStop: () => interrupted });
    progress.stop();
    if (r.complete) {
      if (!quiet) process.stderr.write(`migsim: ${job.tasks} tasks in ${job.shards} shards merged into ${out}\n`);
      return;
    }
    if (r.stopped) {
      process.stderr.write(`migsim: stopped waiting; jobs ${[s.shardsJob, s.mergeJob].filter(Boolean).join(", ")} keep running on the cluster (squeue to watch; migsim slurm --resume ${out} once they have ended, to finish what they did not).\n`);
      process.exitCode = 130;
      return;
    }
    const logs = join(out, "slurm", "logs");
    if (r.failedShards.length > 0) {
      process.stderr.write(`migsim: shard${r.failedShards.length > 1 ? "s" : ""} ${r.failedShards.join(", ")} of ${job.shards} did not complete (logs: ${join(logs, `shard-${r.failedShards[0]}.out`)}${r.failedShards.length > 1 ? " ..." : ""}); the merge was cancelled. Completed tasks are kept: continue with migsim slurm --resume ${out}\n`);
    } else {
      process.stderr.write(`migsim: every shard completed but the merge did not (log: ${join(logs, "merge.out")}); run migsim slurm --resume ${out} to submit it again.\n`);
    }
    process.exitCode = 1;
  } finally {
    progress.stop();
    process.off("SIGINT", onSigint);
  }
}

export const slurmCommand: CommandModule<object, SlurmArgs> = {
  command: "slurm [scenarios..]",
  describe: "Write (and with --submit, submit and follow) a Slurm job array that runs the scenarios in N shards, then merges them byte-identical to a single-machine run",
  builder: (y: Argv) =>
    slurmResourceOptions(experimentOptions(y))
      .option("shards", { type: "number", describe: "Number of shards (array tasks); each runs every N-th task" })
      .option("out", { type: "string", describe: "Output folder: the merged run, with slurm/ (scripts, logs) and shards/ inside (default: a new folder under output/)" })
      .option("overwrite", { type: "boolean", default: false, describe: "Replace an earlier run or Slurm run in --out" })
      .option("submit", { type: "boolean", default: false, describe: "Submit the job array and the merge, print the job ids and wait for them with progress" })
      .option("resume", { type: "string", describe: "Submit the shards of this folder that are missing or incomplete (they continue from their last finished task), then the merge; waits like --submit" })
      .option("wait", { type: "boolean", default: true, describe: "With --submit or --resume: wait for the jobs with progress (--no-wait: submit, record and return)" })
      .option("quiet", quietOption) as unknown as Argv<SlurmArgs>,
  handler: async (a: ArgumentsCamelCase<SlurmArgs>) => {
    const command = process.argv.slice(2);
    if (a.resume !== undefined) {
      const { job, submission, resubmitted, lock } = resumeSlurmRun(a.resume, command);
      try {
        if (!a.quiet) {
          process.stderr.write(resubmitted.length > 0
            ? `migsim: resubmitted shard${resubmitted.length > 1 ? "s" : ""} ${resubmitted.join(", ")} of ${job.shards} as job ${submission.shardsJob} (--array=${submission.array}); merge job ${submission.mergeJob}\n`
            : `migsim: every shard is complete; submitted the merge as job ${submission.mergeJob}\n`);
        }
        if (a.wait) await waitWithProgress(job, submission, a.quiet);
      } finally {
        lock.release();
      }
      return;
    }
    const spec = experimentSpec(a, "slurm");
    if (a.shards === undefined) throw new UserError("--shards expects the number of shards (array tasks), e.g. --shards 8; or use --resume DIR to continue a Slurm run.");
    // Slurm's MaxArraySize is 1001 unless the cluster raised it; 10000 keeps the merge's argument list small.
    if (!Number.isInteger(a.shards) || a.shards < 1 || a.shards > 10_000) throw new UserError(`--shards expects a whole number from 1 to 10000, got ${a.shards}.`);
    const resources = resourcesOf(a);
    const out = a.out ?? defaultOutDir([...spec.scenarios.map((s) => s.name), "slurm"]);
    const { job, lock } = writeSlurmRun(spec, { files: a.scenarios!, out, shards: a.shards, resources, overwrite: a.overwrite, command });
    try {
      const dir = join(out, "slurm");
      if (!a.submit) {
        if (!a.quiet) {
          process.stderr.write(`migsim: wrote ${join(dir, "shards.sbatch")} (${job.tasks} tasks in ${job.shards} shards) and ${join(dir, "merge.sbatch")}.\n`
            + `Submit with: migsim slurm --resume ${out}   (waits, with progress; or: bash ${join(dir, "submit.sh")}, which returns at once)\n`);
        }
        return;
      }
      const submission = submitSlurmRun(job);
      if (!a.quiet) process.stderr.write(`migsim: submitted shards as job ${submission.shardsJob} (--array=${submission.array}) and the merge as job ${submission.mergeJob} (after every shard succeeded)\n`);
      if (a.wait) await waitWithProgress(job, submission, a.quiet);
    } finally {
      lock.release();
    }
  },
};
