// `migsim calibrate --slurm`: each batch of candidate runs (an ABC-SMC batch, or the best-fit
// replicates) becomes a Slurm job array while the controller (this process) waits between them.
// A batch is written to OUT/slurm/batch-NNN/batch.json; array task K runs `migsim candidates
// batch.json --shard auto/M`, i.e. candidates K, K+M, ... on its node, and writes their target
// values to values-K.json. The values are the same numbers the local pool would give (same code,
// inputs and seeds; JSON keeps every double exactly), so the posterior is identical to a local
// calibration with the same seed.

import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { UserError } from "../errors.js";
import { writeFileAtomic } from "../output/atomic.js";
import { dataFileHashes, sha256File, type Shard } from "../output/manifest.js";
import { shardTasks } from "../run/experiment.js";
import { type SlurmResources, sbatch, sbatchDirectives, scancel, scriptPreamble, shellQuote, waitForJobs } from "../run/slurm.js";
import type { ResolvedScenario } from "../scenario/load.js";
import { VERSION } from "../version.js";
import { type CandidateBatch, type PoolHooks, type SimulateBatch, simulateCandidates } from "./calibrate.js";
import { loadTargets } from "./targets.js";

/** batch.json: a batch with everything a node needs to run it and check it runs the same thing. */
interface BatchFile {
  migsim: string;
  label: string;
  scenario: ResolvedScenario;
  targetsFile: string;
  targetsSha256: string;
  dataFiles: { file: string; sha256: string }[];
  scale: number;
  names: string[];
  thetas: number[][];
  seeds: number[];
  shards: number;
}

/** values-K.json: target values of shard K's candidates (non-finite numbers as strings: JSON has none). */
interface ValuesFile {
  shard: Shard;
  candidates: number[];
  values: (number | string)[][];
}

const encode = (v: number): number | string => (Number.isFinite(v) ? v : String(v));
const decode = (v: number | string): number => (typeof v === "number" ? v : Number(v));

function readJson<T>(path: string, what: string): T {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch (e) {
    throw new UserError(`${path} cannot be read as ${what}: ${(e as Error).message}.`);
  }
}

export interface SlurmBatchOptions {
  /** The calibration's output folder; batches go to OUT/slurm/. */
  out: string;
  scenario: ResolvedScenario;
  targetsFile: string;
  resources: SlurmResources;
  /** Array tasks per batch (fewer when a batch has fewer candidates). */
  shards: number;
  /** Called at each poll of a batch's job: the batch's label and a line of progress. */
  onStatus?: (label: string, line: string) => void;
}

/** A SimulateBatch that runs each batch as a Slurm job array and waits for it. */
export function slurmSimulator(o: SlurmBatchOptions): SimulateBatch {
  const root = resolve(o.out, "slurm");
  const targetsFile = resolve(o.targetsFile);
  const targetsSha256 = sha256File(targetsFile);
  const dataFiles = dataFileHashes();
  let count = 0;
  return async (batch: CandidateBatch): Promise<Float64Array[]> => {
    // The first batch comes after runCalibration checked the out folder (prepareOutDir): it is ours to write.
    if (count === 0) rmSync(root, { recursive: true, force: true });
    count++;
    const dir = join(root, `batch-${String(count).padStart(3, "0")}`);
    mkdirSync(join(dir, "logs"), { recursive: true });
    const shards = Math.min(o.shards, batch.seeds.length);
    const file: BatchFile = {
      migsim: VERSION, label: batch.label, scenario: o.scenario, targetsFile, targetsSha256, dataFiles, scale: batch.scale,
      names: [...batch.names], thetas: batch.thetas.map((t) => Array.from(t)), seeds: [...batch.seeds], shards,
    };
    writeFileAtomic(join(dir, "batch.json"), `${JSON.stringify(file)}\n`);
    const script = [
      ...scriptPreamble(
        [`migsim ${VERSION}: calibration batch ${count} (${batch.label}), ${batch.seeds.length} candidate runs in ${shards} array tasks (written by migsim calibrate --slurm).`],
        sbatchDirectives({ jobName: `migsim-calibrate-${count}`, array: `0-${shards - 1}`, resources: o.resources, chdir: dir, output: "logs/shard-%a.out" }),
      ),
      `exec "\${migsim[@]}" candidates ${shellQuote(join(dir, "batch.json"))} --shard auto/${shards} --threads "\${SLURM_CPUS_PER_TASK:-1}"`,
      "",
    ].join("\n");
    writeFileAtomic(join(dir, "batch.sbatch"), script);
    const job = sbatch(join(dir, "batch.sbatch"));
    const valuesPath = (k: number): string => join(dir, `values-${k}.json`);
    // Ctrl-C cancels the batch's job (nobody would read its results) and stops the calibration.
    let interrupted = false;
    const onSigint = (): void => {
      interrupted = true;
    };
    process.on("SIGINT", onSigint);
    try {
      await waitForJobs([job], {
        shouldStop: () => interrupted,
        onPoll: (states) => {
          const done = Array.from({ length: shards }, (_, k) => existsSync(valuesPath(k))).filter(Boolean).length;
          o.onStatus?.(batch.label, `migsim: ${batch.label}: job ${job}, ${done}/${shards} array tasks done, ${states.size} queued or running`);
        },
      });
    } finally {
      process.off("SIGINT", onSigint);
    }
    if (interrupted) {
      scancel([job]);
      throw new UserError(`Interrupted: cancelled Slurm job ${job} (${batch.label}). The calibration wrote nothing but ${root}; run it again (with --overwrite) to start over from its seed.`);
    }
    const out: Float64Array[] = new Array(batch.seeds.length);
    const failed: number[] = [];
    for (let k = 0; k < shards; k++) {
      if (!existsSync(valuesPath(k))) {
        failed.push(k);
        continue;
      }
      const v = readJson<ValuesFile>(valuesPath(k), "candidate values");
      v.candidates.forEach((c, j) => (out[c] = Float64Array.from(v.values[j]!, decode)));
    }
    if (failed.length > 0) {
      throw new UserError(`Slurm job ${job} (${batch.label}): array task${failed.length > 1 ? "s" : ""} ${failed.join(", ")} wrote no results (log: ${join(dir, "logs", `shard-${failed[0]}.out`)}). The calibration stopped and wrote nothing but ${root}; fix the cause and run the command again with --overwrite (it starts over from its seed).`);
    }
    return out;
  };
}

/** `migsim candidates batch.json --shard K/M`: runs shard K's candidates of a batch on this node. */
export async function runCandidateShard(batchPath: string, shard: Shard, hooks: PoolHooks): Promise<string> {
  const b = readJson<BatchFile>(batchPath, "a calibration batch (batch.json)");
  if (b.migsim !== VERSION) throw new UserError(`${batchPath} was written by migsim ${b.migsim}; this node runs ${VERSION}. Install the same version on the cluster's nodes.`);
  if (shard.count !== b.shards) throw new UserError(`${batchPath} is split into ${b.shards} array tasks, not ${shard.count}.`);
  if (!existsSync(b.targetsFile) || sha256File(b.targetsFile) !== b.targetsSha256) throw new UserError(`The targets file ${b.targetsFile} is missing on this node or changed since the batch was written.`);
  if (JSON.stringify(dataFileHashes()) !== JSON.stringify(b.dataFiles)) throw new UserError("The input tables (data/inputs) on this node differ from the controller's; install the same migsim on every node.");
  const targets = loadTargets(b.targetsFile);
  const candidates = shardTasks(b.seeds.map((_, k) => ({ index: k })), shard).map((t) => t.index);
  const values = await simulateCandidates(b.scenario, targets, { scale: b.scale, names: b.names, thetas: b.thetas, seeds: b.seeds, label: b.label }, hooks, candidates);
  const file: ValuesFile = { shard, candidates, values: values.map((v) => Array.from(v, encode)) };
  const path = join(resolve(batchPath, ".."), `values-${shard.index}.json`);
  writeFileAtomic(path, `${JSON.stringify(file)}\n`);
  return path;
}
