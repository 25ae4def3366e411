// `migsim slurm`: a run as a Slurm job array. The folder OUT gets
//   OUT/slurm/shards.sbatch  the job array: task K runs `migsim run ... --shard auto/N` into
//                            OUT/shards/K (or resumes it there, if a killed task left it half done)
//   OUT/slurm/merge.sbatch   `migsim merge` of the N shard folders into OUT itself
//   OUT/slurm/submit.sh      submits both, the merge with --dependency=afterok on the array
//   OUT/slurm/job.json       what was written and every submission (read by --resume)
//   OUT/slurm/logs/          one log per shard (shard-K.out) and merge.out
// and, once the merge job has run, the same files a single-machine `migsim run` writes.
// The process that writes, submits and follows a Slurm run holds the lock of OUT/slurm (not of
// OUT, which the merge job locks while it writes the merged run; output/lock.ts), so two of
// them cannot submit the same shards twice.

import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { UserError, ioError } from "../errors.js";
import { writeFileAtomic } from "../output/atomic.js";
import { type FolderLock, checkNotInUse, clearLock, lockFolder } from "../output/lock.js";
import { type ExperimentSpec, readManifest, sha256File } from "../output/manifest.js";
import { windowText } from "../scenario/window.js";
import { VERSION } from "../version.js";
import { SHARD_TASKS, checkOutputDir, clearRunFiles, planExperiment, readCheckpoints, shardTasks } from "./experiment.js";
import { type SlurmResources, checkSlurmPath, queueStates, sbatch, sbatchDirectives, scancel, scriptPreamble, shellQuote, waitForJobs } from "./slurm.js";

export const JOB_FILE = join("slurm", "job.json");

export interface Submission {
  at: string;
  /** Job id of the array (null when every shard was already complete and only the merge was submitted). */
  shardsJob: string | null;
  /** The shards submitted, as sbatch --array takes them. */
  array: string;
  /** Job id of the merge (null only if submitting it failed). */
  mergeJob: string | null;
}

export interface SlurmJob {
  migsim: string;
  createdAt: string;
  /** The output folder as named on the command line, relative to `chdir` unless absolute. */
  out: string;
  /** Working directory of every job (the folder migsim slurm was run from). */
  chdir: string;
  shards: number;
  tasks: number;
  tasksPerShard: number[];
  /** Arguments of `migsim run` that define the experiment (without --shard, --out, --threads). */
  runArgs: string[];
  resources: SlurmResources;
  /** The scenario files (and the files they extend) with their sha256: shards started later must run the same. */
  scenarioFiles: { path: string; sha256: string }[];
  /** `--design FILE` with its sha256 (the shards read it again); absent without --design. */
  designFile?: { path: string; sha256: string };
  submissions: Submission[];
}

/** The output folder of a job, absolute. */
const outDir = (job: SlurmJob): string => resolve(job.chdir, job.out);

/** The `migsim run` arguments that reproduce the experiment's options. */
export function runArgsOf(files: readonly string[], spec: ExperimentSpec): string[] {
  return [
    ...files,
    "--seed", String(spec.seed),
    "--replicates", String(spec.replicates),
    ...(spec.scale !== null ? ["--scale", String(spec.scale)] : []),
    ...(spec.until !== null ? ["--until", spec.until] : []),
    ...(spec.events ? ["--events"] : []),
    ...(spec.eventsFormat !== undefined ? ["--events-format", spec.eventsFormat] : []),
    "--ci-target", String(spec.ciTarget),
    ...(spec.windows ?? []).flatMap((w) => ["--window", windowText(w)]),
    ...(spec.reference !== undefined ? ["--reference", spec.reference] : []),
    ...(spec.breakdown !== undefined ? ["--breakdown", spec.breakdown.join(",")] : []),
    ...(spec.design !== undefined ? ["--design", spec.design.file] : []),
  ];
}

function shardsScript(job: SlurmJob, name: string): string {
  const out = shellQuote(job.out);
  return [
    ...scriptPreamble(
      [
        `migsim ${VERSION}: ${job.tasks} tasks in ${job.shards} shards, one Slurm array task per shard (written by migsim slurm).`,
        `Shard K runs every ${job.shards}th task from the Kth into ${job.out}/shards/K; a shard that was`,
        "killed part-way continues from its last finished task when it runs again.",
      ],
      sbatchDirectives({ jobName: `migsim-${name}`, array: `0-${job.shards - 1}`, resources: job.resources, chdir: job.chdir, output: `${job.out}/slurm/logs/shard-%a.out` }),
    ),
    `SHARD=${out}/shards/$SLURM_ARRAY_TASK_ID`,
    "THREADS=${SLURM_CPUS_PER_TASK:-1}",
    // The manifest's top-level "complete" (2-space indent; the tasks' own are deeper).
    `if grep -qs '^  "complete": true' "$SHARD/manifest.json"; then echo "migsim: $SHARD is already complete"; exit 0; fi`,
    `if [ -s "$SHARD/manifest.json" ]; then exec "\${migsim[@]}" run --resume "$SHARD" --threads "$THREADS"; fi`,
    `exec "\${migsim[@]}" run ${job.runArgs.map(shellQuote).join(" ")} --shard auto/${job.shards} --out "$SHARD" --threads "$THREADS"`,
    "",
  ].join("\n");
}

function mergeScript(job: SlurmJob, name: string): string {
  const out = shellQuote(job.out);
  return [
    ...scriptPreamble(
      [`migsim ${VERSION}: joins the ${job.shards} shards into ${job.out}, byte-identical to a single-machine run (written by migsim slurm).`],
      sbatchDirectives({ jobName: `migsim-${name}-merge`, resources: { ...job.resources, cpusPerTask: 1 }, chdir: job.chdir, output: `${job.out}/slurm/logs/merge.out` }),
    ),
    "shards=()",
    `for k in $(seq 0 ${job.shards - 1}); do shards+=(${out}/shards/$k); done`,
    `exec "\${migsim[@]}" merge "\${shards[@]}" --out ${out} --overwrite`,
    "",
  ].join("\n");
}

/** submit.sh goes through migsim, so every submission is recorded in job.json (--resume and --overwrite check them). */
function submitScript(job: SlurmJob): string {
  return [
    ...scriptPreamble(
      [
        "Submits the shards not yet complete (all, the first time) as a job array, then the merge with",
        "--dependency=afterok on it, records both in slurm/job.json and returns; `migsim slurm --resume`",
        "does the same and waits with progress.",
      ],
      [],
    ),
    `cd ${shellQuote(job.chdir)}`,
    `exec "\${migsim[@]}" slurm --resume ${shellQuote(job.out)} --no-wait`,
    "",
  ].join("\n");
}

function saveJob(job: SlurmJob): void {
  writeFileAtomic(join(outDir(job), JOB_FILE), `${JSON.stringify(job, null, 2)}\n`);
}

/**
 * Writes OUT/slurm/ for the experiment; returns the job description and the lock of OUT/slurm,
 * which the caller releases when it no longer submits or follows. Validation first: nothing is
 * written on error.
 */
export function writeSlurmRun(spec: ExperimentSpec, o: { files: string[]; out: string; shards: number; resources: SlurmResources; overwrite: boolean; command: readonly string[] }): { job: SlurmJob; lock: FolderLock } {
  const plan = planExperiment(spec);
  if (o.shards > plan.tasks.length) {
    throw new UserError(`--shards ${o.shards} is more than the ${plan.tasks.length} tasks of this run (scenarios x sweep points x replicates); use at most ${plan.tasks.length}.`);
  }
  const chdir = process.cwd();
  checkSlurmPath(chdir, "The working folder");
  checkSlurmPath(o.out, "--out");
  const refuseTaken = (): void => {
    if (existsSync(join(o.out, JOB_FILE)) && !o.overwrite) {
      throw new UserError(`${o.out} already holds a Slurm run (${join(o.out, JOB_FILE)}); continue it with migsim slurm --resume ${o.out}, choose another --out, or pass --overwrite to replace it.`);
    }
  };
  refuseTaken();
  if (existsSync(join(o.out, JOB_FILE))) refuseWhileQueued(readSlurmJob(o.out), o.out, "replace it");
  checkOutputDir(o.out, o.overwrite);
  const job: SlurmJob = {
    migsim: VERSION,
    createdAt: new Date().toISOString(),
    out: isAbsolute(o.out) ? o.out : o.out.replace(/\/+$/, ""),
    chdir,
    shards: o.shards,
    tasks: plan.tasks.length,
    tasksPerShard: Array.from({ length: o.shards }, (_, k) => shardTasks(plan.tasks, { index: k, count: o.shards }).length),
    runArgs: runArgsOf(o.files, spec),
    resources: o.resources,
    scenarioFiles: spec.scenarios.flatMap((s) => s.files),
    ...(spec.design && { designFile: { path: spec.design.file, sha256: spec.design.sha256 } }),
    submissions: [],
  };
  try {
    mkdirSync(join(o.out, "slurm", "logs"), { recursive: true });
  } catch (e) {
    const io = ioError(e, join(o.out, "slurm"), "create");
    if (io !== e) throw io;
    throw new UserError(`Cannot create ${join(o.out, "slurm")}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (expected a folder that can be created and written).`);
  }
  const lock = lockFolder(join(o.out, "slurm"), o.command);
  try {
    // OUT itself only while its files are replaced: a merge (job or command) there is refused meanwhile.
    const outLock = lockFolder(o.out, o.command);
    try {
      refuseTaken(); // again, under the locks: another migsim slurm may have written it meanwhile
      if (o.overwrite) {
        const shards = join(o.out, "shards");
        // A shard still running here (a job, or migsim run --shard by hand) would write into what is deleted.
        if (existsSync(shards)) for (const k of readdirSync(shards)) checkNotInUse(join(shards, k));
        rmSync(shards, { recursive: true, force: true });
        rmSync(join(o.out, "slurm", "logs"), { recursive: true, force: true });
        mkdirSync(join(o.out, "slurm", "logs"), { recursive: true });
        clearRunFiles(o.out);
      }
    } finally {
      outLock.release();
    }
    const name = spec.scenarios.map((s) => s.name).join("+").replace(/[^\w.+-]/g, "_").slice(0, 40);
    writeFileAtomic(join(o.out, "slurm", "shards.sbatch"), shardsScript(job, name), { mode: 0o755 });
    writeFileAtomic(join(o.out, "slurm", "merge.sbatch"), mergeScript(job, name), { mode: 0o755 });
    writeFileAtomic(join(o.out, "slurm", "submit.sh"), submitScript(job), { mode: 0o755 });
    saveJob(job);
  } catch (e) {
    lock.release();
    throw e;
  }
  return { job, lock };
}

/** Reads OUT/slurm/job.json. */
export function readSlurmJob(out: string): SlurmJob {
  const path = join(out, JOB_FILE);
  if (!existsSync(path)) throw new UserError(`${path} is missing, so ${out} is not a folder written by migsim slurm; write one with migsim slurm SCENARIO.yaml --shards N --out ${out}.`);
  let job: SlurmJob;
  try {
    job = JSON.parse(readFileSync(path, "utf8")) as SlurmJob;
  } catch (e) {
    throw new UserError(`${path} is not valid JSON: ${(e as Error).message}.`);
  }
  if (!job || typeof job.shards !== "number" || !Array.isArray(job.runArgs)) throw new UserError(`${path}: expected the job file migsim slurm writes (shards, runArgs).`);
  return job;
}

export interface SlurmProgress {
  tasks: number;
  tasksDone: number;
  shards: number;
  shardsComplete: number;
  running: number;
  pending: number;
}

/** Which shards are complete, and how many tasks are done, from the shard folders on disk. */
export function shardProgress(job: SlurmJob): { complete: boolean[]; tasksDone: number } {
  const complete: boolean[] = [];
  let tasksDone = 0;
  for (let k = 0; k < job.shards; k++) {
    const dir = join(outDir(job), "shards", String(k));
    const done = existsSync(join(dir, SHARD_TASKS)) && existsSync(join(dir, "manifest.json")) && readManifest(join(dir, "manifest.json")).complete === true;
    complete.push(done);
    tasksDone += done ? job.tasksPerShard[k]! : readCheckpoints(dir).length;
  }
  return { complete, tasksDone };
}

/** True when OUT holds the merged, complete run. */
export function mergedComplete(job: SlurmJob): boolean {
  const path = join(outDir(job), "manifest.json");
  if (!existsSync(path)) return false;
  const m = readManifest(path);
  return m.complete === true && !m.shard;
}

/** Submits the given shards (all by default) and the merge after them; records the submission. */
export function submitSlurmRun(job: SlurmJob, shards?: readonly number[]): Submission {
  const dir = join(outDir(job), "slurm");
  const list = shards ?? Array.from({ length: job.shards }, (_, k) => k);
  const array = list.length === job.shards ? `0-${job.shards - 1}` : list.join(",");
  const shardsJob = list.length > 0 ? sbatch(join(dir, "shards.sbatch"), [`--array=${array}`]) : null;
  // Recorded at once: if the merge cannot be submitted, --resume still knows these shards are running.
  const s: Submission = { at: new Date().toISOString(), shardsJob, array: list.length > 0 ? array : "", mergeJob: null };
  job.submissions.push(s);
  saveJob(job);
  try {
    s.mergeJob = sbatch(join(dir, "merge.sbatch"), shardsJob ? [`--dependency=afterok:${shardsJob}`] : []);
  } catch (e) {
    if (shardsJob) scancel([shardsJob]); // shards nobody would merge
    throw e;
  }
  saveJob(job);
  return s;
}

/** Refuses to touch a Slurm run while jobs it submitted are queued or running (they write into it). */
function refuseWhileQueued(job: SlurmJob, out: string, action: string): void {
  const ids = job.submissions.flatMap((s) => [s.shardsJob, s.mergeJob]).filter((x): x is string => x !== null);
  if (ids.length === 0) return;
  const queued = queueStates(ids);
  // A merge held by afterok after a shard failed never runs (unless the cluster kills such jobs): cancel it.
  // Stranded: a merge still PENDING that Slurm marks DependencyNeverSatisfied or, before its next
  // scheduling pass marks it, whose array has left the queue with a shard incomplete (the shard
  // folders are read only then).
  const arrayQueued = (shardsJob: string) => [...queued.keys()].some((id) => id === shardsJob || id.startsWith(`${shardsJob}_`));
  let incomplete: boolean | undefined;
  const anyIncomplete = (): boolean => (incomplete ??= shardProgress(job).complete.some((c) => !c));
  const stuck = job.submissions
    .filter((s) => s.mergeJob !== null && queued.get(s.mergeJob)?.state === "PENDING")
    .filter((s) => queued.get(s.mergeJob!)!.reason === "DependencyNeverSatisfied" || (s.shardsJob !== null && !arrayQueued(s.shardsJob) && anyIncomplete()))
    .map((s) => s.mergeJob!);
  scancel(stuck);
  for (const id of stuck) queued.delete(id);
  if (queued.size > 0) {
    throw new UserError(`Jobs of ${out} are still queued or running (${[...queued.keys()].slice(0, 5).join(", ")}${queued.size > 5 ? ", ..." : ""}); wait for them (squeue -j ${ids.join(",")}) or cancel them (scancel), then ${action}.`);
  }
}

/**
 * What `migsim slurm --resume` submits: the shards not complete (their tasks continue from their
 * last checkpoint) and the merge. Refuses while an earlier submission is still queued or running,
 * or while another process holds OUT/slurm. Returns that lock, which the caller releases.
 */
export function resumeSlurmRun(out: string, command: readonly string[]): { job: SlurmJob; submission: Submission; resubmitted: number[]; lock: FolderLock } {
  readSlurmJob(out); // its message, before the lock's, when OUT is not a Slurm run
  const lock = lockFolder(join(out, "slurm"), command);
  try {
    return { ...resumeLocked(out), lock };
  } catch (e) {
    lock.release();
    throw e;
  }
}

function resumeLocked(out: string): { job: SlurmJob; submission: Submission; resubmitted: number[] } {
  const job = readSlurmJob(out); // again, under the lock: the last process to hold it may have changed it
  if (job.migsim !== VERSION) throw new UserError(`${out} was written by migsim ${job.migsim}; this is ${VERSION}, whose shards would not merge with the old ones. Start afresh with migsim slurm ... --overwrite.`);
  if (mergedComplete(job)) throw new UserError(`The run in ${out} is already complete (merged): nothing to resume.`);
  refuseWhileQueued(job, out, "resume");
  const changed = (job.scenarioFiles ?? []).filter((f) => !existsSync(resolve(job.chdir, f.path)) || sha256File(resolve(job.chdir, f.path)) !== f.sha256);
  if (changed.length > 0) {
    throw new UserError(`Scenario file ${changed[0]!.path} changed (or is gone) since migsim slurm wrote ${out}: shards run now would not merge with those already run. Restore it, or start afresh with migsim slurm ... --overwrite.`);
  }
  const design = job.designFile;
  if (design && (!existsSync(resolve(job.chdir, design.path)) || sha256File(resolve(job.chdir, design.path)) !== design.sha256)) {
    throw new UserError(`Design ${design.path} changed (or is gone) since migsim slurm wrote ${out}: shards run now would not merge with those already run. Restore it, or start afresh with migsim slurm ... --overwrite.`);
  }
  const { complete } = shardProgress(job);
  const resubmitted = complete.flatMap((c, k) => (c ? [] : [k]));
  // No job of this run is queued or running (refuseWhileQueued), so a shard's lock left by a Slurm
  // job (killed, or its node lost) has no live holder, though its host cannot be checked from here.
  for (const k of resubmitted) clearLock(join(out, "shards", String(k)), (h) => h.slurmJobId !== undefined, (line) => process.stderr.write(`${line}\n`));
  const submission = submitSlurmRun(job, resubmitted);
  return { job, submission, resubmitted };
}

/**
 * Waits for a submission: progress from the shard folders at each poll. When the array has
 * ended with a shard incomplete, the merge (held by afterok) would wait forever: it is cancelled.
 */
export async function waitSlurmRun(job: SlurmJob, s: Submission, o: { onProgress?: (p: SlurmProgress) => void; shouldStop?: () => boolean } = {}): Promise<{ complete: boolean; failedShards: number[]; stopped: boolean }> {
  let failedShards: number[] = [];
  const ids = [s.shardsJob, s.mergeJob].filter((x): x is string => x !== null);
  const mergeJob = s.mergeJob;
  const result = await waitForJobs(ids, {
    ...(o.shouldStop && { shouldStop: o.shouldStop }),
    onPoll: (states) => {
      const { complete, tasksDone } = shardProgress(job);
      const arrayIds = [...states.keys()].filter((id) => s.shardsJob !== null && (id === s.shardsJob || id.startsWith(`${s.shardsJob}_`)));
      const running = arrayIds.filter((id) => states.get(id)!.state === "RUNNING").length;
      o.onProgress?.({ tasks: job.tasks, tasksDone, shards: job.shards, shardsComplete: complete.filter(Boolean).length, running, pending: arrayIds.length - running });
      if (arrayIds.length === 0 && complete.some((c) => !c)) {
        failedShards = complete.flatMap((c, k) => (c ? [] : [k]));
        if (mergeJob) scancel([mergeJob]);
        return true;
      }
      return false;
    },
  });
  return { complete: mergedComplete(job), failedShards, stopped: result === "stopped" && failedShards.length === 0 };
}
