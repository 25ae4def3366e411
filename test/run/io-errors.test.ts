// Disk and permission faults during a run, a merge, a report and a reproduction: an IoError (exit
// code 3, one paragraph naming the file and what to do, never "internal error"), nothing left
// half-written outside the run's own bookkeeping, and a run that --resume then finishes to the
// bytes of an uninterrupted one. Faults are injected into node:fs as the source modules see it
// (a write cut short then ENOSPC, a failing fsync, an EIO on the checkpoint); where mount is
// permitted (root), a real 200 KiB tmpfs fills up too. The workers are dist/'s (`npm run build`).

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { IoError } from "../../src/errors.js";
import { type ExperimentSpec, readManifest } from "../../src/output/manifest.js";
import { runExperiment } from "../../src/run/experiment.js";
import { loadScenario } from "../../src/scenario/load.js";
import { type CliResult, runCli, snapshot } from "../helpers/cli.js";

type Fault = { code: string; after: number; shortFirst?: boolean; match?: RegExp } | null;
/**
 * Armed faults: the `after`-th next call (0: the next one) of each function fails with `code`
 * (openSync: of a path that `match`es). `shortWrites`: every write of more than one byte writes
 * only half of it, as write(2) may.
 */
const faults = vi.hoisted(() => ({
  writeSync: null as Fault, fsyncSync: null as Fault, appendFileSync: null as Fault, writeFileSync: null as Fault, openSync: null as Fault, shortWrites: false,
}));
type Armed = Exclude<keyof typeof faults, "shortWrites">;

vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  /** True when this call is the armed one (and disarms it). */
  const strikes = (name: Armed): string | null => {
    const f = faults[name];
    if (!f || f.after-- > 0) return null;
    faults[name] = null;
    return f.code;
  };
  const fail = (code: string, syscall: string): Error => Object.assign(new Error(`${code}: simulated, ${syscall}`), { code, syscall });
  return {
    ...fs,
    // A full disk as write(2) shows it: the call that meets the end writes what fits and returns a
    // short count; the next call fails. `shortFirst` makes the striking call the short one.
    writeSync: ((fd: number, buf: Uint8Array, offset?: number, length?: number, position?: number | null) => {
      const f = faults.writeSync;
      if (f?.shortFirst && f.after === 0 && typeof length === "number" && length > 1) {
        f.shortFirst = false;
        return fs.writeSync(fd, buf, offset, Math.floor(length / 2), position);
      }
      const code = strikes("writeSync");
      if (code) throw fail(code, "write");
      if (faults.shortWrites && typeof length === "number" && length > 1) length = Math.floor(length / 2);
      return (fs.writeSync as (...a: unknown[]) => number)(fd, buf, offset, length, position);
    }) as typeof fs.writeSync,
    openSync: ((path: string, ...rest: unknown[]) => {
      if (faults.openSync?.match?.test(String(path))) {
        const code = strikes("openSync");
        if (code) throw fail(code, "open");
      }
      return (fs.openSync as (...a: unknown[]) => number)(path, ...rest);
    }) as typeof fs.openSync,
    fsyncSync: (fd: number): void => {
      const code = strikes("fsyncSync");
      if (code) throw fail(code, "fsync");
      fs.fsyncSync(fd);
    },
    appendFileSync: ((...args: Parameters<typeof fs.appendFileSync>) => {
      const code = strikes("appendFileSync");
      if (code) throw fail(code, "write");
      fs.appendFileSync(...args);
    }) as typeof fs.appendFileSync,
    writeFileSync: ((...args: Parameters<typeof fs.writeFileSync>) => {
      const code = strikes("writeFileSync");
      if (code) throw fail(code, "write");
      fs.writeFileSync(...args);
    }) as typeof fs.writeFileSync,
  };
});

const BASELINE = resolve("scenarios/baseline.yaml");
const CSVS = ["timeseries.csv", "flows.csv", "events.csv", "summary.csv"] as const;
/** The same experiment as SPEC, on the command line. */
const RUN_ARGS = ["run", BASELINE, "--seed", "7", "--replicates", "4", "--scale", "0.004", "--until", "2018-06", "--events", "--threads", "2", "--quiet"];

let tmp: string;
let spec: ExperimentSpec;
let reference: string;
const fresh = (name: string): string => join(tmp, name);

/** Runs SPEC into `out`, arming a fault once `armAfter` tasks are done; returns the error it threw. */
async function failingRun(out: string, arm: () => void, armAfter = 2, more: Record<string, unknown> = {}): Promise<unknown> {
  let done = 0;
  return runExperiment(spec, {
    out, threads: 2, overwrite: false, resume: false, command: ["test"],
    onTaskDone: () => {
      if (++done === armAfter) arm();
    },
    ...more,
  }).then(() => null, (e: unknown) => e);
}

const resume = (out: string) => runExperiment(readManifest(join(out, "manifest.json")).spec, { out, threads: 2, overwrite: false, resume: true, command: ["test", "--resume"] });

/** Only the run's own bookkeeping: its partial CSVs, checkpoints and manifest (no temporary file, no lock). */
function expectResumableFolder(out: string): void {
  expect(readdirSync(out).sort()).toEqual(["checkpoints.jsonl", "events.csv.partial", "flows.csv.partial", "manifest.json", "timeseries.csv.partial"]);
}

function expectSameAsReference(out: string): void {
  for (const f of CSVS) expect(readFileSync(join(out, f)).equals(readFileSync(join(reference, f))), `${f} differs from the uninterrupted run`).toBe(true);
  expect(readdirSync(out).filter((f) => f.includes("partial") || f.startsWith(".migsim"))).toEqual([]);
}

/** An I/O error as the CLI prints it: exit code 3, one paragraph, no stack trace, not "internal error". */
function expectIoError(r: CliResult, says: (string | RegExp)[]): void {
  expect(r.code, r.stderr).toBe(3);
  expect(r.stderr).toMatch(/^migsim: \S/);
  expect(r.stderr.trim()).not.toContain("\n");
  expect(r.stderr).not.toMatch(/internal error|^\s+at /m);
  for (const s of says) typeof s === "string" ? expect(r.stderr).toContain(s) : expect(r.stderr).toMatch(s);
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-io-"));
  spec = { scenarios: [loadScenario(BASELINE)], seed: 7, replicates: 4, scale: 0.004, until: "2018-06", events: true, ciTarget: 0.05 };
  reference = fresh("reference");
  await runExperiment(spec, { out: reference, threads: 2, overwrite: false, resume: false, command: ["test"] });
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});
afterEach(() => {
  for (const k of ["writeSync", "fsyncSync", "appendFileSync", "writeFileSync", "openSync"] as const) faults[k] = null;
  faults.shortWrites = false;
  vi.restoreAllMocks();
});

describe("a run", () => {
  it("a disk that fills while a task's rows are written: IoError naming the file; resumable to the same bytes", async () => {
    const out = fresh("full-rows");
    const e = await failingRun(out, () => (faults.writeSync = { code: "ENOSPC", after: 0, shortFirst: true }));
    expect(e).toBeInstanceOf(IoError);
    expect((e as IoError).exitCode).toBe(3);
    expect((e as IoError).message).toBe(
      `Cannot write ${join(out, "timeseries.csv.partial")}: the device is full (ENOSPC); free space on the device that holds ${out} (or write to another folder). The run in ${out} keeps its completed tasks: once that is fixed, continue it with migsim run --resume ${out}.`,
    );
    expectResumableFolder(out);
    const m = readManifest(join(out, "manifest.json"));
    expect(m.tasks.map((t) => t.complete)).toEqual([true, true, false, false]);
    const r = await resume(out);
    expect(r.complete).toBe(true);
    expectSameAsReference(out);
  });

  it("a fault on the checkpoint itself (EIO): IoError naming checkpoints.jsonl; resumable to the same bytes", async () => {
    const out = fresh("eio-checkpoint");
    const e = await failingRun(out, () => (faults.appendFileSync = { code: "EIO", after: 0 }));
    expect(e).toBeInstanceOf(IoError);
    expect((e as Error).message).toMatch(new RegExp(`^Cannot write ${join(out, "checkpoints.jsonl")}: the device reported an input/output error \\(EIO\\); check the device that holds ${out} \\(dmesg\\).* continue it with migsim run --resume ${out}\\.$`));
    expectResumableFolder(out);
    await resume(out);
    expectSameAsReference(out);
  });

  it("a full disk while the finished files are flushed (one CSV already renamed): resumable to the same bytes", async () => {
    const out = fresh("full-finish");
    // Every task done: fsync of timeseries (1), of the folder after its rename (2), then of flows (3) fails.
    const e = await failingRun(out, () => undefined, 99, { onFinishing: () => (faults.fsyncSync = { code: "ENOSPC", after: 2 }) });
    expect(e).toBeInstanceOf(IoError);
    expect((e as Error).message).toContain(`Cannot write ${join(out, "flows.csv")}: the device is full (ENOSPC)`);
    expect(readdirSync(out)).toContain("timeseries.csv");
    expect(readManifest(join(out, "manifest.json")).complete).toBe(false);
    await resume(out);
    expectSameAsReference(out);
  });

  it("on the command line: exit code 3 and one paragraph (run, then reproduce)", async () => {
    const out = fresh("cli-run");
    faults.writeSync = { code: "ENOSPC", after: 10 }; // some way into the run: the headers and a few tasks' rows (about 4 writes a task)
    expectIoError(await runCli(...RUN_ARGS, "--out", out), [`Cannot write ${out}`, "(ENOSPC)", `migsim run --resume ${out}`]);
    const again = fresh("cli-reproduce");
    faults.writeSync = { code: "ENOSPC", after: 10 };
    expectIoError(await runCli("reproduce", join(reference, "manifest.json"), "--out", again, "--quiet", "--threads", "2"), [`Cannot write ${again}`, `migsim run --resume ${again}`]);
    for (const dir of [out, again]) {
      expectResumableFolder(dir);
      const resumed = await runCli("run", "--resume", dir, "--quiet");
      expect(resumed.code, resumed.stderr).toBe(0);
      expectSameAsReference(dir);
    }
  });

  it("a folder where no file may be created (EACCES on the lock, the first file): exit code 3, nothing written", async () => {
    const out = fresh("no-permission");
    mkdirSync(out);
    faults.openSync = { code: "EACCES", after: 0, match: /\.migsim\.lock$/ };
    const r = await runCli(...RUN_ARGS, "--out", out);
    expectIoError(r, [`Cannot write ${join(out, ".migsim.lock")}: permission denied (EACCES); check the permissions of ${out}`]);
    expect(r.stderr).not.toContain("--resume");
    expect(readdirSync(out)).toEqual([]);
  });
});

describe("merge and report", () => {
  let shards: string[];
  beforeAll(async () => {
    shards = [0, 1].map((k) => fresh(`shard-${k}`));
    for (const [k, dir] of shards.entries()) {
      await runExperiment(spec, { out: dir, threads: 2, overwrite: false, resume: false, shard: { index: k, count: 2 }, command: ["test"] });
    }
  });

  it("merge on a full disk: exit code 3, no partial file left, shards unchanged; merged again, the bytes of one run", async () => {
    const out = fresh("merged");
    const before = shards.map((d) => [...snapshot(d)].map(([f, b]) => [f, createHash("sha256").update(b).digest("hex")]));
    faults.writeSync = { code: "ENOSPC", after: 5, shortFirst: true };
    const r = await runCli("merge", ...shards, "--out", out, "--quiet");
    expectIoError(r, [`Cannot write ${join(out, "timeseries.csv.partial")}: the device is full (ENOSPC)`, "The shards are unchanged", "run the merge again (with --overwrite"]);
    expect(readdirSync(out)).toEqual(["manifest.json"]);
    expect(shards.map((d) => [...snapshot(d)].map(([f, b]) => [f, createHash("sha256").update(b).digest("hex")]))).toEqual(before);
    const again = await runCli("merge", ...shards, "--out", out, "--overwrite", "--quiet");
    expect(again.code, again.stderr).toBe(0);
    expectSameAsReference(out);
  });

  it("merge copies every byte when writes come back short (copyRange loops, as csv.ts does)", async () => {
    const out = fresh("merged-short-writes");
    faults.shortWrites = true;
    const r = await runCli("merge", ...shards, "--out", out, "--quiet");
    faults.shortWrites = false;
    expect(r.code, r.stderr).toBe(0);
    expectSameAsReference(out);
  });

  it("report on a read-only folder (EROFS on report.html): exit code 3 naming report.html; nothing left behind", async () => {
    const before = snapshot(reference);
    faults.writeFileSync = { code: "EROFS", after: 0 };
    const r = await runCli("report", reference);
    expectIoError(r, [`Cannot write ${join(reference, "report.html")}: the file system is read-only (EROFS)`, "make the report again"]);
    expect(snapshot(reference)).toEqual(before);
  });
});

/** Mounts a tmpfs of `size` at `dir`; false where mounting is not permitted (not root, a container without CAP_SYS_ADMIN). */
function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("a real full disk (a 200 KiB tmpfs; skipped where mount is not permitted)", () => {
  const mnt = join(tmpdir(), `migsim-tmpfs-${process.pid}`);
  let mounted = false;
  beforeAll(() => {
    mkdirSync(mnt, { recursive: true });
    mounted = mountTmpfs(mnt, "200k");
  });
  afterAll(() => {
    if (mounted) execFileSync("umount", [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });

  it("ENOSPC: exit code 3 naming the file; after the disk grows, --resume finishes with the same bytes", async (ctx) => {
    if (!mounted) ctx.skip();
    const out = join(mnt, "run");
    const r = await runCli(...RUN_ARGS, "--out", out);
    expectIoError(r, [`Cannot write ${out}`, "the device is full (ENOSPC)", `migsim run --resume ${out}`]);
    expect(readdirSync(out).filter((f) => /\.\d+\.partial$/.test(f) || f.startsWith(".migsim"))).toEqual([]);
    execFileSync("mount", ["-o", "remount,size=64m", mnt]);
    const resumed = await runCli("run", "--resume", out, "--quiet");
    expect(resumed.code, resumed.stderr).toBe(0);
    expectSameAsReference(out);
  });
});
