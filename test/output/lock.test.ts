// output/lock.ts: one process at a time in a folder. In-process for the lock's own rules (a
// holder that is alive, gone, on another host, unreadable; re-entrance; release); spawned Node
// processes (the compiled dist/, so `npm run build` first) for what happens when the holder
// exits without releasing: process.exit, an uncaught error, SIGTERM.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { LOCK_FILE, type LockHolder, checkNotInUse, clearLock, lockFolder } from "../../src/output/lock.js";
import { checkOutputDir, prepareRunDir } from "../../src/run/experiment.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const DIST_LOCK = join(ROOT, "dist/output/lock.js");

let tmp: string;
const freshDir = (): string => mkdtempSync(join(tmp, "dir-"));
const holderOf = (dir: string): LockHolder => JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")) as LockHolder;
const writeHolder = (dir: string, h: Partial<LockHolder>): void =>
  writeFileSync(join(dir, LOCK_FILE), `${JSON.stringify({ pid: 1, host: hostname(), since: "2030-01-02T03:04:05.000Z", command: "run x.yaml --out elsewhere", ...h })}\n`);
const thrown = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
};

/** A process that stays alive until killed (its pid is a live holder on this host). */
function sleeper(): { pid: number; stop: () => void } {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 600000)"], { stdio: "ignore" });
  return { pid: child.pid!, stop: () => child.kill("SIGKILL") };
}

/** The pid of a process that has exited (so kill(pid, 0) says ESRCH, unless the pid is reused at once). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-lock-"));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe("lockFolder", () => {
  it("writes who holds the folder (pid, host, start time, command) and removes the file on release", () => {
    const dir = freshDir();
    const before = Date.now();
    const lock = lockFolder(dir, ["run", "a.yaml", "--out", dir]);
    const h = holderOf(dir);
    expect(h).toMatchObject({ pid: process.pid, host: hostname(), command: `run a.yaml --out ${dir}` });
    expect(Date.parse(h.since)).toBeGreaterThanOrEqual(before - 1000);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses a folder a live process holds, naming it, and leaves its lock alone", () => {
    const dir = freshDir();
    const other = sleeper();
    try {
      writeHolder(dir, { pid: other.pid });
      const before = readFileSync(join(dir, LOCK_FILE), "utf8");
      const e = thrown(() => lockFolder(dir, ["run"]));
      expect(e).toBeInstanceOf(UserError);
      expect(e.message).toBe(
        `${dir} is in use by migsim (pid ${other.pid} on host ${hostname()}, since 2030-01-02T03:04:05.000Z, \`migsim run x.yaml --out elsewhere\`); wait for it to finish, or if that process is gone, remove ${join(dir, LOCK_FILE)}.`,
      );
      expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(before);
      expect(() => checkNotInUse(dir)).toThrow(/is in use by migsim/);
    } finally {
      other.stop();
    }
  });

  it("takes over the lock of a process gone from this host, saying so on one line", () => {
    const dir = freshDir();
    const gone = deadPid();
    writeHolder(dir, { pid: gone });
    expect(() => checkNotInUse(dir)).not.toThrow();
    const said: string[] = [];
    const lock = lockFolder(dir, ["run", "--resume", dir], (line) => said.push(line));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(new RegExp(`^migsim: took over .*${LOCK_FILE}: its process \\(pid ${gone} on ${hostname()}, since 2030-01-02T03:04:05.000Z\\) is gone$`));
    expect(holderOf(dir).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it("refuses a lock from another host even if the pid means nothing here, and an unreadable lock", () => {
    const dir = freshDir();
    writeHolder(dir, { pid: deadPid(), host: "node-17.cluster" });
    expect(thrown(() => lockFolder(dir, ["run"])).message).toMatch(/is in use by migsim \(pid \d+ on host node-17\.cluster/);
    writeFileSync(join(dir, LOCK_FILE), "");
    const e = thrown(() => lockFolder(dir, ["run"]));
    expect(e.message).toBe(`${dir} is in use by another migsim (its lock file cannot be read); wait for it to finish, or if that process is gone, remove ${join(dir, LOCK_FILE)}.`);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe("");
  });

  it("a lock with this process's pid that this process does not hold is an earlier process's (pids repeat in containers)", () => {
    const dir = freshDir();
    writeHolder(dir, { pid: process.pid });
    const said: string[] = [];
    lockFolder(dir, ["run"], (line) => said.push(line)).release();
    expect(said).toHaveLength(1);
  });

  it("is re-entrant within a process: the file goes with the last release", () => {
    const dir = freshDir();
    const outer = lockFolder(dir, ["run", "--resume", dir]);
    const inner = lockFolder(dir, ["run", "--resume", dir]);
    inner.release();
    inner.release(); // a second release of the same handle changes nothing
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    outer.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it("release leaves a lock that is no longer this process's (one that replaced it)", () => {
    const dir = freshDir();
    const lock = lockFolder(dir, ["run"]);
    writeHolder(dir, { pid: 4242 });
    lock.release();
    expect(holderOf(dir).pid).toBe(4242);
  });

  it("a folder that does not exist is named, and nothing is created", () => {
    const dir = join(freshDir(), "missing");
    expect(thrown(() => lockFolder(dir, ["run"])).message).toMatch(/missing does not exist/);
    expect(existsSync(dir)).toBe(false);
  });
});

describe("a run folder and its lock", () => {
  it("a folder holding only a lock (a run that never wrote anything) does not look like a run", () => {
    const dir = freshDir();
    writeHolder(dir, { pid: deadPid() });
    expect(() => checkOutputDir(dir, false)).not.toThrow();
  });

  it("--overwrite of a folder another live process holds is refused, and its files are kept", () => {
    const dir = freshDir();
    writeFileSync(join(dir, "timeseries.csv.partial"), "rows\n");
    writeFileSync(join(dir, "manifest.json"), "{}\n");
    const other = sleeper();
    try {
      writeHolder(dir, { pid: other.pid });
      expect(() => prepareRunDir(dir, true, ["run", "--overwrite"])).toThrow(/is in use by migsim/);
      expect(readdirSync(dir).sort()).toEqual([LOCK_FILE, "manifest.json", "timeseries.csv.partial"]);
    } finally {
      other.stop();
    }
  });

  it("prepareRunDir returns the lock: the folder is held until it is released", () => {
    const dir = join(freshDir(), "new");
    const lock = prepareRunDir(dir, false, ["run"]);
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("a holder that ends without releasing (spawned)", () => {
  /** Runs `code` in a Node process with `lockFolder` imported from dist/; returns how it ended. */
  const holder = (dir: string, code: string) =>
    new Promise<{ code: number | null; signal: string | null; stderr: string }>((done, fail) => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", `import { lockFolder } from ${JSON.stringify(DIST_LOCK)};\nconst dir = ${JSON.stringify(dir)};\n${code}`], { stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      child.stdout.on("data", () => {
        // "locked" printed: the lock is held now
        if (code.includes("SIGTERM-me")) child.kill("SIGTERM");
      });
      child.on("error", fail);
      child.on("exit", (c, signal) => done({ code: c, signal, stderr }));
    });

  beforeAll(() => {
    if (!existsSync(DIST_LOCK)) throw new Error("dist/ is missing: run `npm run build` before these tests (npm test does it)");
  });

  it("process.exit: the lock is removed by the exit handler", async () => {
    const dir = freshDir();
    const r = await holder(dir, `lockFolder(dir, ["test"]); process.exit(5);`);
    expect(r.code).toBe(5);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("an uncaught error: the lock is removed", async () => {
    const dir = freshDir();
    const r = await holder(dir, `lockFolder(dir, ["test"]); throw new Error("boom");`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("boom");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("SIGTERM: the lock is removed and the process ends with 143, as a shell reports it", async () => {
    const dir = freshDir();
    const r = await holder(dir, `lockFolder(dir, ["test"]); process.stdout.write("locked\\n"); setTimeout(() => {}, 600000); // SIGTERM-me`);
    expect(r.code).toBe(143);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("many processes taking over stale locks at once (spawned)", () => {
  it("never lets two processes hold a folder, and each one gets it in turn", async () => {
    const dir = freshDir();
    // A pid that is gone: a process that has ended (pids are not reused within seconds here).
    const deadPid = spawnSync(process.execPath, ["-e", ""]).pid!;
    const stale = JSON.stringify({ pid: deadPid, host: hostname(), since: new Date(0).toISOString(), command: "crashed" });
    // Each process, for 1.5 s: take the lock, check for 5 ms that the file is still its own, release,
    // and now and then leave a stale lock behind as a crashed holder would.
    const code = `
      import { lockFolder } from ${JSON.stringify(DIST_LOCK)};
      import { openSync, writeSync, closeSync, readFileSync } from "node:fs";
      const dir = ${JSON.stringify(dir)}, path = dir + "/${LOCK_FILE}";
      let held = 0, broken = 0;
      const end = Date.now() + 1500;
      while (Date.now() < end) {
        let lock;
        try { lock = lockFolder(dir, ["stress"], () => {}); } catch { continue; }
        held++;
        const mine = readFileSync(path, "utf8");
        const until = Date.now() + 5;
        while (Date.now() < until) { let now = null; try { now = readFileSync(path, "utf8"); } catch {} if (now !== mine) { broken++; break; } }
        lock.release();
        if (Math.random() < 0.5) { try { const fd = openSync(path, "wx"); writeSync(fd, ${JSON.stringify(stale)}); closeSync(fd); } catch {} }
      }
      process.stdout.write(JSON.stringify({ held, broken }));`;
    const runs = await Promise.all(Array.from({ length: 4 }, () => new Promise<{ held: number; broken: number }>((done, fail) => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      child.on("error", fail);
      child.on("exit", () => done(JSON.parse(out) as { held: number; broken: number }));
    })));
    expect(runs.map((r) => r.broken)).toEqual([0, 0, 0, 0]);
    for (const r of runs) expect(r.held).toBeGreaterThan(0);
  });
});

describe("clearLock", () => {
  it("removes a lock whose holder the caller knows has ended (a Slurm job on another node), and only such a lock", () => {
    const dir = freshDir();
    writeHolder(dir, { pid: 1, host: "node-7", since: new Date().toISOString(), command: "run --shard auto/4", slurmJobId: "123_2" });
    const lines: string[] = [];
    expect(clearLock(dir, (h) => h.slurmJobId !== undefined, (l) => lines.push(l))).toBe(true);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(lines[0]).toMatch(/removed .*\.migsim\.lock: its holder \(pid 1 on node-7, Slurm job 123_2\) has ended/);
    writeHolder(dir, { pid: 1, host: "node-7", since: new Date().toISOString(), command: "run" }); // not a Slurm job
    expect(clearLock(dir, (h) => h.slurmJobId !== undefined, () => {})).toBe(false);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
  });
});
