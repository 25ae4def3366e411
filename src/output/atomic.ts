// Every file migsim writes reaches its name in one step, complete and on the device: its bytes go
// to a temporary file in the same folder, which is flushed (fsync), renamed over the name (atomic
// within one file system, so a reader sees the old file or the new one, never half of one), and
// then the folder is flushed so the rename itself survives a power cut (rename(2) alone only
// orders it in memory: "Ensuring data reaches disk", https://lwn.net/Articles/457667/).
// Writers that append to NAME.partial over a long run (csv.ts, run/merge.ts) use renameDurable at
// the end instead of writeFileAtomic.

import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { ioError } from "../errors.js";

/**
 * Writes every byte of `data` at the descriptor's position: writeSync may write fewer bytes than
 * asked (a full disk, a signal), and a short write ignored would silently drop the rest; on a
 * full disk the retry then throws ENOSPC.
 */
export function writeAllSync(fd: number, data: Uint8Array): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done);
}

/** Flushes a file's bytes and size to the device (fsync(2)); the file must exist. */
export function fsyncFile(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Flushes a folder's entries (files created or renamed in it) to the device. Where the platform
 * cannot open or flush a folder this is skipped, as PostgreSQL's fsync_fname_ext does
 * (src/backend/storage/file/fd.c): EISDIR or EACCES on open (Windows), EBADF or EINVAL on fsync
 * (file systems without directory fsync).
 */
export function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EISDIR" || code === "EACCES") return;
    throw e;
  }
  try {
    fsyncSync(fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EBADF" && code !== "EINVAL") throw e;
  } finally {
    closeSync(fd);
  }
}

/**
 * Moves a finished file (closed by its writer) to its name in the same folder, durably: its bytes
 * are flushed before the rename, so the name never points at data still in memory, and the folder
 * after it, so the rename is kept.
 */
export function renameDurable(from: string, to: string): void {
  try {
    fsyncFile(from);
    renameSync(from, to);
    fsyncDir(dirname(to));
  } catch (e) {
    // fsync is where a full disk shows on file systems that allocate late (NFS, XFS, ext4 with delalloc).
    throw ioError(e, to);
  }
}

export interface AtomicWriteOptions {
  /** Permission bits of the file (e.g. 0o755 for a script), set exactly (not masked by the umask). */
  mode?: number;
}

/**
 * Writes `data` to `path` atomically and durably (see the top of this file). The temporary file is
 * PATH.<pid>.partial: unique per process, so two processes writing the same name cannot mix their
 * bytes, and ending in .partial, which a run folder's --overwrite clears (run/experiment.ts). It
 * is removed if anything fails. A full disk, a read-only folder, missing permission or a failing
 * device is an IoError naming the file and what to do (errors.ts); anything else is rethrown as it is.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const tmp = `${path}.${process.pid}.partial`;
  try {
    const fd = openSync(tmp, "w");
    try {
      writeFileSync(fd, data); // writes every byte (it loops over short writes)
      if (options.mode !== undefined) fchmodSync(fd, options.mode);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    fsyncDir(dirname(path));
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The first error says more (a device that failed the write may fail this too).
    }
    throw ioError(e, path);
  }
}
