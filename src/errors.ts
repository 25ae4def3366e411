// Errors a user can act on (bad scenario, flag, file): printed as one paragraph, no stack trace,
// exit code 2. A disk or permission fault (full disk, read-only file system, no permission, a
// failing device) is an IoError: the same one paragraph, naming the file and what to do, with
// exit code 3, so scripts can tell "fix the command" from "fix the machine". Anything else is a
// bug and is reported as an internal error (exit code 1).

import { dirname } from "node:path";

export class UserError extends Error {
  readonly exitCode: number = 2;
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}

/** What each I/O error code means for the user, and what to do about it (`folder`: where the file is). */
const IO_FAULTS: Record<string, { what: string; todo: (folder: string) => string }> = {
  ENOSPC: { what: "the device is full", todo: (folder) => `free space on the device that holds ${folder} (or write to another folder)` },
  EDQUOT: { what: "your disk quota is used up", todo: (folder) => `free space in your quota on the device that holds ${folder} (or write to another folder)` },
  EROFS: { what: "the file system is read-only", todo: (folder) => `${folder} cannot be written: write to a folder on a writable file system` },
  EACCES: { what: "permission denied", todo: (folder) => `check the permissions of ${folder} (ls -ld ${folder}), or write to another folder` },
  EPERM: { what: "operation not permitted", todo: (folder) => `check the permissions of ${folder} (ls -ld ${folder}), or write to another folder` },
  EIO: { what: "the device reported an input/output error", todo: (folder) => `check the device that holds ${folder} (dmesg); if it is failing, write to another folder` },
};

/** A file could not be read or written because of the disk or the permissions: exit code 3. */
export class IoError extends UserError {
  override readonly exitCode: number = 3;
  constructor(message: string, readonly code: string, readonly path: string) {
    super(message);
    this.name = "IoError";
  }

  /** The same error with one more sentence (what the caller's command leaves behind, how to continue). */
  withHint(hint: string): IoError {
    return new IoError(`${this.message} ${hint}`, this.code, this.path);
  }
}

/**
 * `e` as an IoError naming `path` when its code is a disk or permission fault (ENOSPC, EDQUOT,
 * EROFS, EACCES, EPERM, EIO); any other error is returned as it is. `verb`: what was being done.
 */
export function ioError(e: unknown, path: string, verb: "write" | "read" | "create" = "write"): unknown {
  if (e instanceof UserError) return e;
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const fault = code === undefined ? undefined : IO_FAULTS[code];
  if (!fault) return e;
  return new IoError(`Cannot ${verb} ${path}: ${fault.what} (${code}); ${fault.todo(dirname(path))}.`, code!, path);
}

/** Adds `hint` to an IoError (other errors pass through unchanged). */
export function withIoHint(e: unknown, hint: string): unknown {
  return e instanceof IoError ? e.withHint(hint) : e;
}
