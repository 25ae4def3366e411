// One migsim process at a time in a folder. A process that writes into a run folder (run, run
// --resume, merge, reproduce, report, slurm) first creates DIR/.migsim.lock with an exclusive
// create (open O_EXCL: of two processes, exactly one succeeds), holding who it is: pid, host,
// start time and command. Another process is then refused with a paragraph naming the holder. The
// lock is removed when its holder ends: on return, on error, on SIGINT/SIGTERM and at exit
// (a synchronous 'exit' handler). Only SIGKILL or a power cut leaves it behind: a lock whose process
// is gone from this host is taken over, and the takeover is said on stderr; a lock from another
// host cannot be checked and is refused (its message says how to remove it), except that
// `migsim slurm --resume` clears the shard locks of Slurm jobs of its run once none is queued or
// running (clearLock). A takeover or clearing happens under a guard file created exclusively
// (.migsim.lock.takeover), so two processes cannot both remove a stale lock and one of them a
// fresh lock created meanwhile; a process releasing its own lock removes it only if it still
// holds its own text.
//
// A process's own lock is re-entrant (the CLI holds a folder's lock while it reads its manifest,
// then runExperiment takes it again): it is removed when the last holder releases it.

import { closeSync, openSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { UserError, ioError } from "../errors.js";
import { writeAllSync } from "./atomic.js";

export const LOCK_FILE = ".migsim.lock";

/** What a lock file says of the process that holds the folder. */
export interface LockHolder {
  pid: number;
  host: string;
  /** When the holder took the lock (ISO 8601). */
  since: string;
  /** The holder's command line, without `migsim`. */
  command: string;
  /** SLURM_JOB_ID of the holder, when it ran as a Slurm job. */
  slurmJobId?: string;
}

export interface FolderLock {
  readonly path: string;
  /** Gives the lock up (removes the file when this was its last holder in this process). */
  release(): void;
}

interface Held {
  text: string;
  holders: number;
}

/** Locks this process holds, by the lock file's absolute path. */
const held = new Map<string, Held>();

/** Removes every lock this process still holds: at exit, whatever the exit (synchronously: 'exit' handlers cannot wait). */
function releaseAll(): void {
  for (const [path, h] of held) removeOwn(path, h.text);
  held.clear();
}

/**
 * Signals whose default action ends the process without running 'exit' handlers, with the exit
 * code a shell gives them. Not SIGHUP: a listener would undo `nohup` (Node replaces an ignored
 * signal's disposition), and a lock left by a hang-up is taken over on this host anyway.
 */
const SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;
const onSignal = (signal: keyof typeof SIGNALS) => (): void => {
  // Another listener (e.g. a run's Ctrl-C handling, cli/commands/run.ts) decides what the signal
  // does; alone, this one does what the default would, after removing the locks.
  if (process.listenerCount(signal) > 1) return;
  releaseAll();
  process.exit(SIGNALS[signal]);
};
const signalHandlers = Object.fromEntries(Object.keys(SIGNALS).map((s) => [s, onSignal(s as keyof typeof SIGNALS)])) as Record<keyof typeof SIGNALS, () => void>;

function listen(on: boolean): void {
  const method = on ? "on" : "off";
  process[method]("exit", releaseAll);
  for (const [signal, handler] of Object.entries(signalHandlers)) process[method](signal, handler);
}

function parseHolder(text: string): LockHolder | null {
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    if (typeof h.pid === "number" && typeof h.host === "string" && typeof h.since === "string" && typeof h.command === "string") return h as LockHolder;
  } catch {
    // an empty or torn file: its writer died between creating and writing it, or is writing it now
  }
  return null;
}

/** True when the holder's process is known to be gone: on this host, with no process of its pid. */
function holderIsGone(h: LockHolder): boolean {
  if (h.host !== hostname()) return false;
  // Our own pid in a lock this process does not hold (callers check `held` first): an earlier
  // process that had the same pid, as happens in containers, whose pids start again from 1.
  if (h.pid === process.pid) return true;
  try {
    process.kill(h.pid, 0); // signal 0: only checks that the process exists
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH"; // EPERM: it exists, run by another user
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw ioError(e, path, "read");
  }
}

/**
 * Removes this process's own lock at `path` if it still holds `text`. Between the read and the
 * unlink no other process replaces it: only a takeover could, and a live holder is not taken over.
 */
function removeOwn(path: string, text: string): void {
  try {
    if (readFileSync(path, "utf8") === text) unlinkSync(path);
  } catch {
    // gone already, or the folder is gone
  }
}

/** How long a takeover guard may stand before it is taken for one left by a process killed mid-takeover. */
const GUARD_STALE_MS = 10_000;

/**
 * Removes the lock at `path` if it still holds `text` (read as stale by the caller), under the
 * takeover guard: returns false when another process is taking it over, or it changed.
 */
function removeStale(path: string, text: string): boolean {
  const guard = `${path}.takeover`;
  let fd: number;
  try {
    fd = openSync(guard, "wx");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw ioError(e, guard);
    try {
      if (Date.now() - statSync(guard).mtimeMs > GUARD_STALE_MS) unlinkSync(guard);
    } catch {
      // released meanwhile
    }
    return false;
  }
  try {
    // Under the guard the lock can change only by its holder releasing it (it is gone) or by a
    // new lock created after it was removed: neither can slip between this read and the unlink.
    if (readText(path) !== text) return false;
    unlinkSync(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw e;
  } finally {
    closeSync(fd);
    try {
      unlinkSync(guard);
    } catch {
      // nothing to clean
    }
  }
}

/** The paragraph that refuses a folder in use. */
function inUse(dir: string, path: string, h: LockHolder | null): UserError {
  const who = h ? `migsim (pid ${h.pid} on host ${h.host}, since ${h.since}, \`migsim ${h.command}\`)` : `another migsim (its lock file cannot be read)`;
  return new UserError(`${dir} is in use by ${who}; wait for it to finish, or if that process is gone, remove ${path}.`);
}

/** Waits `ms` milliseconds without returning to the event loop (a lock being written is a matter of microseconds). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Takes the lock of folder `dir` (which must exist) for this process, or throws a UserError
 * naming its holder. `command`: this process's arguments (without `migsim`), for the message
 * another process will show. `warn` says, on one line, that a stale lock was taken over.
 */
export function lockFolder(dir: string, command: readonly string[], warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): FolderLock {
  const path = resolve(join(dir, LOCK_FILE));
  const mine = held.get(path);
  if (mine) {
    mine.holders++;
    return handle(path, mine);
  }
  const slurmJobId = process.env.SLURM_JOB_ID;
  const text = `${JSON.stringify({
    pid: process.pid, host: hostname(), since: new Date().toISOString(), command: command.join(" "), ...(slurmJobId ? { slurmJobId } : {}),
  } satisfies LockHolder)}\n`;
  // The dead holder whose stale lock this process removed: said once this process holds the lock
  // (another process may create its lock between the removal and this one's: then it says nothing).
  let removed: LockHolder | null = null;
  for (let attempt = 0; attempt < 20; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") throw new UserError(`${dir} does not exist or is not a folder; name the folder of a migsim run (its --out).`);
      if (code !== "EEXIST") throw ioError(e, path);
      const found = readText(path);
      if (found === null) continue; // released meanwhile: try again
      const holder = parseHolder(found);
      if (!holder) {
        pause(50); // its writer may be between creating and writing it
        if (attempt < 5) continue;
        throw inUse(dir, path, null);
      }
      if (!holderIsGone(holder)) throw inUse(dir, path, holder);
      if (removeStale(path, found)) removed = holder;
      else pause(20); // another process is taking it over: see what it leaves
      continue;
    }
    try {
      writeAllSync(fd, Buffer.from(text, "utf8"));
    } catch (e) {
      closeSync(fd);
      unlinkSync(path);
      throw ioError(e, path);
    }
    closeSync(fd);
    if (removed) warn(`migsim: took over ${path}: its process (pid ${removed.pid} on ${removed.host}, since ${removed.since}) is gone`);
    if (held.size === 0) listen(true);
    const h: Held = { text, holders: 1 };
    held.set(path, h);
    return handle(path, h);
  }
  throw new UserError(`Cannot lock ${dir}: ${path} keeps changing (other migsim processes are starting on it); try again when they have started.`);
}

function handle(path: string, h: Held): FolderLock {
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      if (--h.holders > 0) return;
      held.delete(path);
      removeOwn(path, h.text);
      if (held.size === 0) listen(false);
    },
  };
}

/** Refuses a folder that a live process holds (for folders read, not written: merge's shards). */
export function checkNotInUse(dir: string): void {
  const path = resolve(join(dir, LOCK_FILE));
  if (held.has(path)) return;
  const found = readText(path);
  if (found === null) return;
  const holder = parseHolder(found);
  if (!holder || !holderIsGone(holder)) throw inUse(dir, path, holder);
}

/**
 * Removes the lock of folder `dir` if its holder is one `gone` says has ended (for locks this host
 * cannot check: a Slurm job's on another node). Says so with `warn`; returns whether it did.
 */
export function clearLock(dir: string, gone: (h: LockHolder) => boolean, warn: (line: string) => void): boolean {
  const path = resolve(join(dir, LOCK_FILE));
  const found = readText(path);
  if (found === null) return false;
  const holder = parseHolder(found);
  if (!holder || !gone(holder) || !removeStale(path, found)) return false;
  warn(`migsim: removed ${path}: its holder (pid ${holder.pid} on ${holder.host}${holder.slurmJobId ? `, Slurm job ${holder.slurmJobId}` : ""}) has ended`);
  return true;
}
