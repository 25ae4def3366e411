// The reproductions of issue 20, as spawned `node bin/migsim.js` processes (the compiled dist/:
// `npm run build` first): a second process on a run folder while a run is in progress there is
// refused with a paragraph naming the first, and the first finishes with the right bytes; a run
// killed (SIGKILL, SIGTERM, Ctrl-C) leaves a folder that --resume finishes to the same bytes.
// A run "in progress" is held still with SIGSTOP once its first task is checkpointed, so the
// second process meets it whatever the machine's load (a stopped process is alive).

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshot } from "../helpers/cli.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/migsim.js");
const LOCK = ".migsim.lock";
const CSVS = ["timeseries.csv", "flows.csv", "events.csv", "summary.csv"] as const;
/** Four tasks on one thread: a few seconds, long enough to be caught between two tasks. */
const RUN = ["run", "test/fixtures/ok/tiny.yaml", "--seed", "3", "--scale", "0.01", "--until", "2019-12", "--replicates", "4", "--threads", "1", "--events", "--quiet"];

let tmp: string;
let reference: string;
const started: ChildProcess[] = [];

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Starts migsim; `ended` resolves when it exits; `stderr()` is what it has written so far. */
function start(args: string[]): { child: ChildProcess; ended: Promise<Ended>; stderr: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  started.push(child);
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const ended = new Promise<Ended>((done, fail) => {
    child.on("error", fail);
    child.on("exit", (code, signal) => done({ code, signal, stderr }));
  });
  return { child, ended, stderr: () => stderr };
}

/** Runs migsim to the end. */
function migsim(args: string[]): Ended {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, signal: r.signal, stderr: r.stderr };
}

async function until(what: string, condition: () => boolean, timeoutMs = 90_000): Promise<void> {
  const t0 = Date.now();
  while (!condition()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sha256 = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");

/** The run in `dir` is complete and right: no lock left, no NUL byte, hashes as its manifest says, bytes as the reference run's. */
function expectFinishedRun(dir: string): void {
  expect(existsSync(join(dir, LOCK)), "the lock was left behind").toBe(false);
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { complete: boolean; outputs: { file: string; sha256: string }[] };
  expect(manifest.complete).toBe(true);
  for (const f of CSVS) {
    const bytes = readFileSync(join(dir, f));
    expect(bytes.includes(0), `${f} holds a NUL byte`).toBe(false);
    expect(sha256(bytes), `${f}'s sha256 in the manifest`).toBe(manifest.outputs.find((o) => o.file === f)?.sha256);
    expect(bytes.equals(readFileSync(join(reference, f))), `${f} differs from an uninterrupted run`).toBe(true);
  }
}

/** The paragraph that refuses a folder held by `pid`. */
const inUseBy = (dir: string, pid: number): RegExp =>
  new RegExp(`^migsim: ${dir} is in use by migsim \\(pid ${pid} on host ${hostname().replace(/[.]/g, "\\.")}, since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z, \`migsim [^\`]+\`\\); wait for it to finish, or if that process is gone, remove ${join(dir, LOCK)}\\.\\n$`);

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist/cli/index.js"))) throw new Error("dist/ is missing: run `npm run build` before these tests (npm test does it)");
  tmp = mkdtempSync(join(tmpdir(), "migsim-lock-e2e-"));
  reference = join(tmp, "reference");
  const r = migsim([...RUN, "--out", reference]);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(tmp, { recursive: true, force: true });
});

/** Starts `run --out dir` and returns once its first task is checkpointed (so it is past its start and has work left). */
async function startedRun(dir: string): Promise<ReturnType<typeof start>> {
  const first = start([...RUN, "--out", dir]);
  await until("the first task's checkpoint", () => existsSync(join(dir, "checkpoints.jsonl")) && statSync(join(dir, "checkpoints.jsonl")).size > 0);
  return first;
}

/**
 * Runs `meanwhile` while a run into `dir` is held still (SIGSTOP) after its first task, with the
 * run's pid and a snapshot of `dir`, which must be unchanged after it; then lets the run go on and
 * expects it to finish right.
 */
async function whileRunning(dir: string, meanwhile: (pid: number) => void): Promise<void> {
  const first = await startedRun(dir);
  first.child.kill("SIGSTOP");
  try {
    const before = snapshot(dir);
    meanwhile(first.child.pid!);
    expect(snapshot(dir)).toEqual(before);
  } finally {
    first.child.kill("SIGCONT");
  }
  const r = await first.ended;
  expect(r.code, r.stderr).toBe(0);
  expectFinishedRun(dir);
}

describe("a second process on a run in progress is refused", () => {
  it("`run --resume D` while `run --out D` runs: refused naming the first; the first completes with the right bytes", async () => {
    const dir = join(tmp, "resume-during-run");
    await whileRunning(dir, (pid) => {
      const second = migsim(["run", "--resume", dir, "--quiet"]);
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(inUseBy(dir, pid));
      expect(second.stderr).toContain(`\`migsim ${[...RUN, "--out", dir].join(" ")}\``);
    });
  });

  it("`run --out D --overwrite` (or a report of D) while a run is in progress in D: refused, nothing deleted; the run completes", async () => {
    const dir = join(tmp, "overwrite-during-run");
    await whileRunning(dir, (pid) => {
      const second = migsim([...RUN, "--out", dir, "--overwrite"]);
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(inUseBy(dir, pid));
      expect(migsim(["report", dir]).stderr).toMatch(inUseBy(dir, pid));
    });
  });
});

describe("a run killed part-way", () => {
  it("SIGKILL leaves its lock; of two `--resume` started together one is refused, the other takes the lock over and completes it", async () => {
    const dir = join(tmp, "killed");
    const first = await startedRun(dir);
    first.child.kill("SIGKILL");
    await first.ended;
    const stale = JSON.parse(readFileSync(join(dir, LOCK), "utf8")) as { pid: number };
    expect(stale.pid).toBe(first.child.pid);

    const a = start(["run", "--resume", dir, "--quiet"]);
    const b = start(["run", "--resume", dir, "--quiet"]);
    const [ra, rb] = await Promise.all([a.ended, b.ended]);
    const results = [{ r: ra, pid: a.child.pid! }, { r: rb, pid: b.child.pid! }];
    const winner = results.find((x) => x.r.code === 0);
    const loser = results.find((x) => x.r.code !== 0);
    expect(winner, `${ra.stderr}\n${rb.stderr}`).toBeDefined();
    expect(loser, `${ra.stderr}\n${rb.stderr}`).toBeDefined();
    expect(loser!.r.code).toBe(2);
    // Refused by the winner's lock; or, had the winner finished before the loser looked, by the
    // complete run. Only a process that holds the lock says it took it over: the loser says nothing
    // of it, even when it removed the stale lock and the winner created its own first.
    expect(loser!.r.stderr).toMatch(new RegExp(`${inUseBy(dir, winner!.pid).source}|already complete: nothing to resume`));
    expect(loser!.r.stderr).not.toMatch(/took over/);
    const tookOver = new RegExp(`^migsim: took over ${join(dir, LOCK)}: its process \\(pid ${first.child.pid} on .*\\) is gone$`, "m");
    // The winner says so when it removed the stale lock itself (the usual order), else nothing does.
    if (/took over/.test(winner!.r.stderr)) expect(winner!.r.stderr).toMatch(tookOver);
    expectFinishedRun(dir);
  });

  it("SIGTERM ends the run with 143 and removes its lock; --resume completes it to the same bytes", async () => {
    const dir = join(tmp, "terminated");
    const first = await startedRun(dir);
    first.child.kill("SIGTERM");
    const r = await first.ended;
    expect(r.code).toBe(143);
    expect(existsSync(join(dir, LOCK))).toBe(false);
    const resumed = migsim(["run", "--resume", dir, "--quiet"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).not.toMatch(/took over/);
    expectFinishedRun(dir);
  });

  it("Ctrl-C twice abandons the run with 130 and removes its lock; --resume completes it to the same bytes", async () => {
    const dir = join(tmp, "interrupted");
    const first = await startedRun(dir);
    first.child.kill("SIGINT");
    await until("the first Ctrl-C to be heard", () => /interrupted; finishing the tasks in progress/.test(first.stderr()));
    first.child.kill("SIGINT"); // a no-op if the run has already stopped by itself: 130 either way
    const r = await first.ended;
    expect(r.code).toBe(130);
    expect(existsSync(join(dir, LOCK))).toBe(false);
    const resumed = migsim(["run", "--resume", dir, "--quiet"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expectFinishedRun(dir);
  });
});
