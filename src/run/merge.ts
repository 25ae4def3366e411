// `migsim merge`: joins the shard folders of one run (`migsim run --shard K/N`) into the folder a
// single machine would have written. Every check comes first (one experiment, every shard once,
// each complete and unchanged since it finished), so a bad set of shards writes nothing. The
// CSVs are then rebuilt by copying each task's byte range from its shard in task order, and
// summary.csv (and effects.csv) are computed from the tasks' metrics: the bytes equal those of `migsim run` with the
// same scenarios and seed. Files grow as .partial and are renamed into place at the end, flushed
// to the device first (output/atomic.ts). The output folder is locked while the merge writes it
// (output/lock.ts), and a shard folder another migsim process holds is refused.

import { closeSync, constants, copyFileSync, existsSync, mkdirSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { UserError, ioError, withIoHint } from "../errors.js";
import { renameDurable, writeAllSync } from "../output/atomic.js";
import { csvHeader } from "../output/csv.js";
import { checkNotInUse } from "../output/lock.js";
import { EVENTS_DIR, eventsFile } from "../output/parquet.js";
import { type Manifest, type Shard, codeProvenance, dataFileHashes, readManifest, sha256File, writeManifest } from "../output/manifest.js";
import { validateExperimentSpec } from "../scenario/validate.js";
import { windowText } from "../scenario/window.js";
import { VERSION } from "../version.js";
import { type Checkpoint, SHARD_TASKS, outputNames, planExperiment, prepareRunDir, readCheckpoints, shardTasks, writeSummary } from "./experiment.js";

export interface MergeResult {
  dir: string;
  tasks: number;
  shards: number;
  files: string[];
}

interface ShardFolder {
  dir: string;
  manifest: Manifest;
  shard: Shard;
  tasks: Checkpoint[];
}

const describeShard = (s: Shard): string => `shard ${s.index}/${s.count}`;
const rerun = (s: { dir: string; shard: Shard }): string =>
  `delete ${s.dir} and run that shard again (migsim run ... --shard ${s.shard.index}/${s.shard.count} --out ${s.dir}, or migsim slurm --resume on its Slurm folder)`;

/** Reads one shard folder's manifest and checks it is a complete shard; touches nothing. */
function readShard(dir: string): Omit<ShardFolder, "tasks"> {
  const path = join(dir, "manifest.json");
  if (!existsSync(dir)) throw new UserError(`Shard folder ${dir} does not exist; name the folders that migsim run --shard K/N --out wrote.`);
  if (!statSync(dir).isDirectory()) throw new UserError(`${dir} is a file, not a shard folder; name the folders that migsim run --shard K/N --out wrote.`);
  if (!existsSync(path)) throw new UserError(`${path} is missing, so ${dir} is not a shard folder (or its shard never started); run it with migsim run ... --shard K/N --out ${dir}.`);
  const manifest = readManifest(path);
  validateExperimentSpec(manifest.spec, `Manifest ${path}`);
  if (!manifest.shard) throw new UserError(`${dir} holds a whole run, not a shard (its manifest has no "shard"); merge takes the folders of migsim run --shard K/N.`);
  if (manifest.complete !== true) {
    const done = (manifest.tasks ?? []).filter((t) => t.complete).length;
    throw new UserError(`${dir} (${describeShard(manifest.shard)}) is incomplete: ${done} of ${manifest.tasks?.length ?? "?"} tasks done; finish it with migsim run --resume ${dir}, then merge.`);
  }
  return { dir, manifest, shard: manifest.shard };
}

/** What differs between two shards' experiments, in words ("" when they are the same run). */
function experimentDifference(a: Manifest, b: Manifest): string {
  if (a.migsim !== b.migsim) return `made by migsim ${b.migsim}, not ${a.migsim}`;
  if (a.shard!.count !== b.shard!.count) return `split into ${b.shard!.count} shards, not ${a.shard!.count}`;
  if (JSON.stringify(a.dataFiles) !== JSON.stringify(b.dataFiles)) return "made with different input tables (data/inputs)";
  const keys = ["seed", "replicates", "scale", "until", "events", "ciTarget"] as const;
  for (const k of keys) {
    if (JSON.stringify(a.spec[k]) !== JSON.stringify(b.spec[k])) return `made with ${k} ${JSON.stringify(b.spec[k])}, not ${JSON.stringify(a.spec[k])}`;
  }
  const eventsFormat = (m: Manifest): string => `--events-format ${m.spec.eventsFormat ?? "csv"}`;
  if (eventsFormat(a) !== eventsFormat(b)) return `made with ${eventsFormat(b)}, not ${eventsFormat(a)}`;
  const names = (m: Manifest): string => m.spec.scenarios.map((s) => s.name).join(", ");
  if (names(a) !== names(b)) return `of scenarios ${names(b)}, not ${names(a)}`;
  // Their summary metrics (shard-tasks.jsonl) and effects.csv would not be those of one run.
  const windows = (m: Manifest): string => (m.spec.windows ?? []).map((w) => `--window ${windowText(w)}`).join(" ") || "no --window";
  if (windows(a) !== windows(b)) return `made with ${windows(b)}, not ${windows(a)}`;
  const breakdown = (m: Manifest): string => (m.spec.breakdown ? `--breakdown ${m.spec.breakdown.join(",")}` : "no --breakdown");
  if (breakdown(a) !== breakdown(b)) return `made with ${breakdown(b)}, not ${breakdown(a)}`;
  const reference = (m: Manifest): string => (m.spec.reference !== undefined ? `--reference ${m.spec.reference}` : "no --reference");
  if (reference(a) !== reference(b)) return `made with ${reference(b)}, not ${reference(a)}`;
  // A posterior (run --posterior) is the same whatever path named it: compare its sha256, draws and values.
  const posterior = (m: Manifest): string => JSON.stringify(m.spec.posterior ? { ...m.spec.posterior, file: null } : null);
  if (posterior(a) !== posterior(b)) {
    const what = (m: Manifest): string => (m.spec.posterior ? `--posterior ${m.spec.posterior.file} (sha256 ${m.spec.posterior.sha256.slice(0, 12)}..., draws ${m.spec.posterior.draws.slice(0, 10).join(" ")}${m.spec.posterior.draws.length > 10 ? " ..." : ""})` : "no --posterior");
    return `made with ${what(b)}, not ${what(a)}`;
  }
  // A design (run --design) likewise: its sha256, parameters and points.
  const design = (m: Manifest): string => JSON.stringify(m.spec.design ? { ...m.spec.design, file: null } : null);
  if (design(a) !== design(b)) {
    const what = (m: Manifest): string => (m.spec.design ? `--design ${m.spec.design.file} (sha256 ${m.spec.design.sha256.slice(0, 12)}..., ${m.spec.design.points.length} points of ${m.spec.design.params.length} parameters)` : "no --design");
    return `made with ${what(b)}, not ${what(a)}`;
  }
  // The same files named by other paths (relative vs absolute) are the same experiment: compare contents.
  const contents = (m: Manifest): string => JSON.stringify({
    ...m.spec,
    scenarios: m.spec.scenarios.map((s) => ({ ...s, files: s.files.map((f) => f.sha256) })),
    ...(m.spec.posterior && { posterior: { ...m.spec.posterior, file: null } }),
    ...(m.spec.design && { design: { ...m.spec.design, file: null } }),
  });
  if (contents(a) !== contents(b)) return "made from scenario files whose content differs (same names, other values)";
  return "";
}

/** Copies bytes [start, end) of one file to an open descriptor (`toPath` names it in errors). */
function copyRange(fromPath: string, start: number, end: number, toFd: number, toPath: string, buf: Buffer): void {
  const fd = openSync(fromPath, "r");
  try {
    for (let pos = start; pos < end; ) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
      if (n <= 0) throw new UserError(`${fromPath} ends at byte ${pos}, before byte ${end} its shard-tasks.jsonl expects; the shard folder is damaged: re-run that shard.`);
      try {
        writeAllSync(toFd, buf.subarray(0, n));
      } catch (e) {
        throw ioError(e, toPath);
      }
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** Bytes copied between two turns of the event loop, so a Ctrl-C is heard during a long merge. */
const COPY_BYTES_PER_TURN = 64 << 20;
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function mergeShards(dirs: readonly string[], o: { out: string; overwrite: boolean; command: string[] }): Promise<MergeResult> {
  if (dirs.length === 0) throw new UserError("Name the shard folders to merge, e.g. migsim merge out/shard-* --out out/merged.");
  // 1. Every folder is a complete shard of the same experiment, made with these input tables.
  const read = dirs.map(readShard);
  const first = read[0]!;
  for (const s of read.slice(1)) {
    const diff = experimentDifference(first.manifest, s.manifest);
    if (diff) throw new UserError(`${s.dir} is not a shard of the same run as ${first.dir}: it was ${diff}. Merge only the shards of one migsim run --shard K/N command.`);
  }
  if (first.manifest.migsim !== VERSION) throw new UserError(`The shards were made by migsim ${first.manifest.migsim}; this is ${VERSION}, whose summary.csv may differ. Merge them with migsim ${first.manifest.migsim}.`);
  const now = dataFileHashes();
  if (JSON.stringify(now) !== JSON.stringify(first.manifest.dataFiles)) throw new UserError(`Input tables in data/inputs changed since the shards ran (${first.dir}); merge them with the tables they were made from.`);

  // 2. Every shard exactly once.
  const count = first.shard.count;
  const byIndex = new Map<number, (typeof read)[number]>();
  for (const s of read) {
    const other = byIndex.get(s.shard.index);
    if (other) throw new UserError(`${other.dir} and ${s.dir} are both ${describeShard(s.shard)}; name each shard once.`);
    byIndex.set(s.shard.index, s);
  }
  const missing = Array.from({ length: count }, (_, k) => k).filter((k) => !byIndex.has(k));
  if (missing.length > 0) {
    throw new UserError(`Shard${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of ${count} ${missing.length > 1 ? "are" : "is"} missing (${read.length} of ${count} folders named); add the folder of each (migsim run ... --shard ${missing[0]}/${count}).`);
  }

  // 3. Each shard holds exactly its tasks of the plan, and its files are those it finished with.
  const spec = first.manifest.spec;
  const plan = planExperiment(spec);
  const outputs = outputNames(spec);
  const parquetEvents = spec.events && spec.eventsFormat === "parquet";
  const shards: ShardFolder[] = [];
  // Where each task's rows are: its shard and its position there (the order shardTasks gives).
  const located: { shard: ShardFolder; position: number }[] = [];
  for (let k = 0; k < count; k++) {
    const s = byIndex.get(k)!;
    // Another migsim process writing a shard (e.g. run --overwrite into it) would change it under the merge.
    checkNotInUse(s.dir);
    // Every file read below must be one the manifest vouches for.
    // With --events-format parquet, also the events file of each of its tasks (output/parquet.ts), and no other.
    const eventFiles = parquetEvents ? shardTasks(plan.tasks, s.shard).map(eventsFile) : [];
    const stray = s.manifest.outputs.find((g) => g.file.startsWith(`${EVENTS_DIR}/`) && !eventFiles.includes(g.file));
    if (stray) throw new UserError(`${join(s.dir, "manifest.json")} lists ${stray.file}, which is not the events file of any task of ${describeShard(s.shard)}; the folder is damaged: ${rerun(s)}.`);
    const unlisted = [...outputs.map((n) => `${n}.csv`), ...eventFiles, SHARD_TASKS].find((f) => !s.manifest.outputs.some((g) => g.file === f));
    if (unlisted) throw new UserError(`${join(s.dir, "manifest.json")} does not list ${unlisted} among its outputs, so ${join(s.dir, unlisted)} cannot be checked against its sha256; the folder is damaged: ${rerun(s)}.`);
    for (const f of s.manifest.outputs) {
      const path = join(s.dir, f.file);
      if (!existsSync(path)) throw new UserError(`${path} is missing from ${s.dir} (${describeShard(s.shard)}); ${rerun(s)}.`);
      if (sha256File(path) !== f.sha256) throw new UserError(`${path} changed after its shard finished (its sha256 differs from ${join(s.dir, "manifest.json")}); ${rerun(s)}.`);
    }
    const tasks = readCheckpoints(s.dir, SHARD_TASKS);
    const expected = shardTasks(plan.tasks, s.shard).map((t) => t.index);
    if (JSON.stringify(tasks.map((t) => t.task)) !== JSON.stringify(expected)) {
      throw new UserError(`${join(s.dir, SHARD_TASKS)} does not list the tasks of ${describeShard(s.shard)} (${expected.length} expected, ${tasks.length} found); the folder is damaged: ${rerun(s)}.`);
    }
    const unrecorded = parquetEvents ? tasks.findIndex((t, p) => t.events?.file !== eventFiles[p] || t.events?.sha256 !== s.manifest.outputs.find((g) => g.file === eventFiles[p])!.sha256) : -1;
    if (unrecorded >= 0) throw new UserError(`${join(s.dir, SHARD_TASKS)} does not record ${eventFiles[unrecorded]} as ${join(s.dir, "manifest.json")} does (task ${tasks[unrecorded]!.task}); the folder is damaged: ${rerun(s)}.`);
    const folder = { ...s, tasks };
    shards.push(folder);
    expected.forEach((index, position) => (located[index] = { shard: folder, position }));
  }

  // 4. Write: header, then each task's rows from its shard, in task order.
  const into = shards.find((s) => resolve(s.dir) === resolve(o.out));
  if (into) throw new UserError(`--out ${o.out} is one of the shard folders (${describeShard(into.shard)}); merge into another folder, or the shard would be replaced while it is read.`);
  const lock = prepareRunDir(o.out, o.overwrite, o.command, "merge into another --out, or pass --overwrite to replace it");
  try {
    return await writeMerged();
  } catch (e) {
    throw withIoHint(e, `The shards are unchanged: once that is fixed, run the merge again (with --overwrite, as ${o.out} now holds an unfinished merge).`);
  } finally {
    lock.release();
  }

  async function writeMerged(): Promise<MergeResult> {
    // The merge writes summary.csv, so its own code is recorded too; each shard's stays in mergedFrom.
    const code = codeProvenance();
    const manifest = (complete: boolean, outputs: Manifest["outputs"]): Manifest => ({
      ...first.manifest,
      command: o.command,
      shard: null,
      threads: first.manifest.threads,
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      git: code.git,
      dependencies: code.dependencies,
      startedAt: shards.map((s) => s.manifest.startedAt).sort()[0]!,
      finishedAt: complete ? new Date().toISOString() : null,
      complete,
      tasks: shards.flatMap((s) => s.manifest.tasks).sort((a, b) => a.index - b.index),
      outputs,
      mergedFrom: shards.map((s) => ({
        dir: s.dir, shard: s.shard, threads: s.manifest.threads, node: s.manifest.node, platform: s.manifest.platform,
        ...(s.manifest.git !== undefined && { git: s.manifest.git }), ...(s.manifest.dependencies !== undefined && { dependencies: s.manifest.dependencies }),
        startedAt: s.manifest.startedAt, finishedAt: s.manifest.finishedAt,
      })),
    });
    // Until the end the folder says it is incomplete, so a merge killed midway never looks finished.
    writeManifest(o.out, manifest(false, []));
    const partials: string[] = [];
    // Half-copied files go on any exit before the renames, a Ctrl-C's included (output/lock.ts exits from its handler).
    const dropPartials = (): void => {
      for (const p of partials) rmSync(p, { force: true });
    };
    process.on("exit", dropPartials);
    const buf = Buffer.allocUnsafe(1 << 20);
    const eventPartials: { file: string; partial: string }[] = [];
    let summaries: string[] = [];
    try {
      let sinceTurn = 0;
      for (const name of outputs) {
        const header = csvHeader(name, plan.sweepColumns, first.manifest.spec.breakdown ?? []);
        const headerBytes = Buffer.byteLength(header);
        const partial = join(o.out, `${name}.csv.partial`);
        partials.push(partial);
        let fd: number;
        try {
          fd = openSync(partial, "w");
        } catch (e) {
          throw ioError(e, partial);
        }
        try {
          try {
            writeAllSync(fd, Buffer.from(header, "utf8"));
          } catch (e) {
            throw ioError(e, partial);
          }
          for (const task of plan.tasks) {
            const { shard: s, position: p } = located[task.index]!;
            const start = p === 0 ? headerBytes : s.tasks[p - 1]!.sizes[name]!;
            const end = s.tasks[p]!.sizes[name]!;
            copyRange(join(s.dir, `${name}.csv`), start, end, fd, partial, buf);
            sinceTurn += end - start;
            if (sinceTurn >= COPY_BYTES_PER_TURN) {
              sinceTurn = 0;
              await nextTurn();
            }
          }
        } finally {
          closeSync(fd);
        }
      }
      // With --events-format parquet: each task's events file, copied from its shard (checked above) in task order.
      if (parquetEvents) {
        try {
          mkdirSync(join(o.out, EVENTS_DIR), { recursive: true });
        } catch (e) {
          throw ioError(e, join(o.out, EVENTS_DIR), "create");
        }
      }
      for (const task of parquetEvents ? plan.tasks : []) {
        const file = eventsFile(task);
        const partial = join(o.out, `${file}.partial`);
        partials.push(partial);
        eventPartials.push({ file, partial });
        try {
          copyFileSync(join(located[task.index]!.shard.dir, file), partial, constants.COPYFILE_FICLONE);
        } catch (e) {
          throw ioError(e, partial);
        }
        await nextTurn();
      }
      const metrics = plan.tasks.map((t) => located[t.index]!.shard.tasks[located[t.index]!.position]!.metrics);
      summaries = writeSummary(o.out, plan, metrics, spec.ciTarget);
    } catch (e) {
      dropPartials();
      throw e;
    } finally {
      process.off("exit", dropPartials);
    }
    const files = outputs.map((n) => join(o.out, `${n}.csv`));
    // Hashed before the renames (same bytes), so only the manifest write is left after them.
    const hashes = partials.map((p) => sha256File(p));
    outputs.forEach((_, k) => renameDurable(partials[k]!, files[k]!));
    // The events files after the CSVs (their partials follow the CSVs' in `partials`).
    eventPartials.forEach((e) => renameDurable(e.partial, join(o.out, e.file)));
    const events = eventPartials.map((e, j) => ({ file: e.file, sha256: hashes[outputs.length + j]! }));
    // summary.csv, and effects.csv when the run has a reference scenario.
    const recorded = [...files.map((f, k) => ({ file: relative(o.out, f), sha256: hashes[k]! })), ...events, ...summaries.map((f) => ({ file: relative(o.out, f), sha256: sha256File(f) }))];
    files.push(...events.map((e) => join(o.out, e.file)), ...summaries);
    writeManifest(o.out, manifest(true, recorded));
    return { dir: o.out, tasks: plan.tasks.length, shards: count, files: [...files, join(o.out, "manifest.json")] };
  }
}
