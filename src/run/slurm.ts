// Slurm, the scheduler of most university clusters, driven through its own commands: sbatch to
// submit (with --parsable for the job id), squeue to watch, scancel to cancel. Nothing here
// simulates; the scripts call `migsim` on the compute nodes, which share the file system.

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { UserError } from "../errors.js";

/** What each job asks of the cluster (sbatch options). */
export interface SlurmResources {
  partition?: string;
  account?: string;
  /** Wall-clock limit per job, in Slurm's forms (e.g. 30, 2:00:00, 1-00:00:00). */
  time?: string;
  /** Memory per job, e.g. 4G. */
  mem?: string;
  /** Cores per job; migsim uses as many worker threads. */
  cpusPerTask: number;
}

/** The command that runs this migsim on a compute node (the same Node and the same install), as words. */
export function migsimCommand(): string[] {
  return [process.execPath, fileURLToPath(new URL("../../bin/migsim.js", import.meta.url))];
}

/**
 * The start of every job script: the #SBATCH lines (sbatch reads them only before the first
 * command), strict bash, and `migsim` as a bash array (words with spaces survive) that the
 * MIGSIM environment variable may replace, e.g. MIGSIM="node /opt/migsim/bin/migsim.js".
 */
export function scriptPreamble(comments: readonly string[], directives: readonly string[]): string[] {
  return [
    "#!/bin/bash",
    ...comments.map((c) => `# ${c}`),
    ...directives,
    "set -euo pipefail",
    `if [ -n "\${MIGSIM:-}" ]; then read -r -a migsim <<< "$MIGSIM"; else migsim=(${migsimCommand().map(shellQuote).join(" ")}); fi`,
  ];
}

/**
 * Refuses paths that #SBATCH lines cannot carry: sbatch reads the rest of the line as the value
 * (no quoting) and expands % patterns in --output.
 */
export function checkSlurmPath(path: string, what: string): void {
  if (/[\s%"'\\]/.test(path)) throw new UserError(`${what} ${JSON.stringify(path)} contains a space, quote, backslash or %, which #SBATCH lines cannot carry; use a path without them.`);
}

/** Quotes a word for bash when it needs it. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Checks the resource options; the messages name the flag. */
export function checkResources(r: SlurmResources): void {
  if (!Number.isInteger(r.cpusPerTask) || r.cpusPerTask < 1 || r.cpusPerTask > 256) throw new UserError(`--cpus-per-task expects a whole number from 1 to 256, got ${r.cpusPerTask}.`);
  if (r.time !== undefined && !/^(\d+-)?\d+(:\d+){0,2}$/.test(r.time)) throw new UserError(`--time expects a Slurm time limit such as 30 (minutes), 2:00:00 or 1-00:00:00, got "${r.time}".`);
  if (r.mem !== undefined && !/^\d+[KMGT]?$/.test(r.mem)) throw new UserError(`--mem expects a Slurm memory size such as 4000 (MB) or 4G, got "${r.mem}".`);
  for (const [flag, v] of [["partition", r.partition], ["account", r.account]] as const) {
    if (v !== undefined && !/^[\w.,-]+$/.test(v)) throw new UserError(`--${flag} expects a Slurm ${flag} name (letters, digits, - _ .), got "${v}".`);
  }
}

/** The #SBATCH lines of a job. */
export function sbatchDirectives(o: { jobName: string; array?: string; resources: SlurmResources; chdir: string; output: string }): string[] {
  const r = o.resources;
  return [
    `#SBATCH --job-name=${o.jobName}`,
    ...(o.array !== undefined ? [`#SBATCH --array=${o.array}`] : []),
    "#SBATCH --ntasks=1",
    `#SBATCH --cpus-per-task=${r.cpusPerTask}`,
    ...(r.time !== undefined ? [`#SBATCH --time=${r.time}`] : []),
    ...(r.mem !== undefined ? [`#SBATCH --mem=${r.mem}`] : []),
    ...(r.partition !== undefined ? [`#SBATCH --partition=${r.partition}`] : []),
    ...(r.account !== undefined ? [`#SBATCH --account=${r.account}`] : []),
    `#SBATCH --chdir=${o.chdir}`,
    `#SBATCH --output=${o.output}`,
  ];
}

function slurmCommand(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === "ENOENT") {
      throw new UserError(`${cmd} was not found: run this on a Slurm cluster's login node (where sbatch and squeue work), or submit the written script there yourself.`);
    }
    const why = err.stderr?.trim() || err.message.trim();
    const hint = /array/i.test(why) ? " (a cluster's MaxArraySize, 1001 by default, caps the array: `scontrol show config | grep MaxArraySize`; use fewer --shards)" : "";
    throw new UserError(`${cmd} ${args.join(" ")} failed: ${why}${hint}`);
  }
}

/** Submits a batch script; returns the job id. `args` are sbatch options before the script. */
export function sbatch(script: string, args: string[] = []): string {
  const out = slurmCommand("sbatch", ["--parsable", ...args, script]).trim();
  const id = out.split(";")[0]!; // --parsable prints "id" or "id;cluster"
  if (!/^\d+$/.test(id)) throw new UserError(`sbatch ${script} printed "${out}", expected a job id.`);
  return id;
}

export interface QueuedJob {
  /** RUNNING, PENDING, ... */
  state: string;
  /** Why it waits, e.g. DependencyNeverSatisfied, Resources, None. */
  reason: string;
}

/**
 * The jobs (array elements included) still queued or running, e.g. "12_3" -> RUNNING. squeue
 * lists no finished job, so an empty map means all of them have ended.
 */
export function queueStates(jobIds: readonly string[]): Map<string, QueuedJob> {
  const out = new Map<string, QueuedJob>();
  if (jobIds.length === 0) return out;
  // --array lists each pending array element on its own line; %i is the element's id (12_3).
  let text: string;
  try {
    text = slurmCommand("squeue", ["-h", "--array", "-o", "%i %T %r", "-j", jobIds.join(",")]);
  } catch (e) {
    // Jobs the controller has forgotten (finished longer ago than its MinJobAge) are not queued.
    if (e instanceof UserError && /Invalid job id/i.test(e.message)) return out;
    throw e;
  }
  for (const line of text.split("\n")) {
    const [id, state, reason] = line.trim().split(/\s+/);
    if (id && state) out.set(id, { state, reason: reason ?? "" });
  }
  return out;
}

/** Cancels jobs, ignoring those already gone. */
export function scancel(jobIds: readonly string[]): void {
  if (jobIds.length === 0) return;
  try {
    execFileSync("scancel", [...jobIds], { stdio: "ignore" });
  } catch {
    // already finished
  }
}

/** Milliseconds between squeue polls: 5 s (light on the controller), or MIGSIM_SLURM_POLL_MS (the tests use 250). */
function pollInterval(): number {
  const v = Number(process.env.MIGSIM_SLURM_POLL_MS);
  return Number.isFinite(v) && v >= 50 ? v : 5000;
}

/** squeue failures in a row tolerated while waiting (a busy controller times out now and then). */
const SQUEUE_RETRIES = 5;

/**
 * Polls squeue until none of the jobs is queued or running. `onPoll` sees each poll's states and
 * may return true to stop waiting early (e.g. a shard failed, so a dependent job will never run).
 * A failed squeue is retried with growing pauses; if it keeps failing, the error says that the
 * jobs run on regardless.
 */
export async function waitForJobs(jobIds: readonly string[], o: { onPoll?: (states: Map<string, QueuedJob>) => boolean | void; shouldStop?: () => boolean } = {}): Promise<"done" | "stopped"> {
  const pollMs = pollInterval();
  let failures = 0;
  for (;;) {
    let states: Map<string, QueuedJob>;
    try {
      states = queueStates(jobIds);
      failures = 0;
    } catch (e) {
      // Ctrl-C reaches squeue too (same process group): that is a stop, not a failure.
      if (o.shouldStop?.()) return "stopped";
      if (++failures > SQUEUE_RETRIES) {
        throw new UserError(`${(e as Error).message} (${SQUEUE_RETRIES + 1} times in a row). Jobs ${jobIds.join(", ")} keep running on the cluster; watch them with squeue.`);
      }
      await new Promise((r) => setTimeout(r, pollMs * 2 ** failures));
      continue;
    }
    if (o.onPoll?.(states) === true || o.shouldStop?.()) return "stopped";
    if (states.size === 0) return "done";
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
