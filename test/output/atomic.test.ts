// output/atomic.ts: the bytes land under the name and nothing else is left in the folder; a
// failure leaves the earlier file as it was and no temporary file; a full disk is a UserError
// naming the file, other errors pass through. A full disk is simulated by making fsync fail
// (the tests may run as root, for whom no permission error can be provoked).

import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { IoError, UserError } from "../../src/errors.js";
import { fsyncDir, fsyncFile, renameDurable, writeFileAtomic } from "../../src/output/atomic.js";

/** Set `code` to make every fsync throw an error with that code. */
const failFsync = vi.hoisted(() => ({ code: undefined as string | undefined }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return {
    ...fs,
    fsyncSync: (fd: number): void => {
      if (failFsync.code !== undefined) throw Object.assign(new Error(`${failFsync.code}: simulated, fsync`), { code: failFsync.code });
      fs.fsyncSync(fd);
    },
  };
});

let tmp: string;
let dirNo = 0;
const freshDir = (): string => {
  const dir = join(tmp, String(++dirNo));
  mkdirSync(dir);
  return dir;
};
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-atomic-"));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});
afterEach(() => {
  failFsync.code = undefined;
});

describe("writeFileAtomic", () => {
  it("writes the exact bytes of a string or a byte array, and leaves nothing else in the folder", () => {
    const dir = freshDir();
    writeFileAtomic(join(dir, "a.txt"), "Tōkyō, 東京\n");
    writeFileAtomic(join(dir, "b.bin"), Uint8Array.from([0, 255, 10, 13]));
    writeFileAtomic(join(dir, "empty"), "");
    expect(readFileSync(join(dir, "a.txt"), "utf8")).toBe("Tōkyō, 東京\n");
    expect([...readFileSync(join(dir, "b.bin"))]).toEqual([0, 255, 10, 13]);
    expect(statSync(join(dir, "empty")).size).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["a.txt", "b.bin", "empty"]);
  });

  it("replaces an existing file, with the permission bits asked for", () => {
    const dir = freshDir();
    const path = join(dir, "run.sh");
    writeFileSync(path, "old", { mode: 0o644 });
    writeFileAtomic(path, "#!/bin/sh\n", { mode: 0o755 });
    expect(readFileSync(path, "utf8")).toBe("#!/bin/sh\n");
    expect(statSync(path).mode & 0o777).toBe(0o755);
  });

  it("a full disk is an IoError (exit code 3) naming the file and what to do; the earlier file is kept and no temporary file is left", () => {
    const dir = freshDir();
    const path = join(dir, "manifest.json");
    writeFileSync(path, "earlier");
    failFsync.code = "ENOSPC";
    let error: unknown;
    try {
      writeFileAtomic(path, "later");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IoError);
    expect((error as IoError).exitCode).toBe(3);
    expect((error as IoError).message).toBe(`Cannot write ${path}: the device is full (ENOSPC); free space on the device that holds ${dir} (or write to another folder).`);
    expect(readFileSync(path, "utf8")).toBe("earlier");
    expect(readdirSync(dir)).toEqual(["manifest.json"]);
  });

  it.each([
    ["EROFS", /the file system is read-only \(EROFS\); .* cannot be written: write to a folder on a writable file system\.$/],
    ["EACCES", /permission denied \(EACCES\); check the permissions of .* \(ls -ld .*\), or write to another folder\.$/],
    ["EIO", /input\/output error \(EIO\); check the device that holds .* \(dmesg\)/],
    ["EDQUOT", /your disk quota is used up \(EDQUOT\)/],
  ])("%s is an IoError saying what to do", (code, says) => {
    const dir = freshDir();
    failFsync.code = code;
    expect(() => writeFileAtomic(join(dir, "a.txt"), "x")).toThrow(says);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("other errors pass through as they are: a missing folder, a folder in the file's place", () => {
    const dir = freshDir();
    const missing = join(dir, "no-such-folder", "x.txt");
    expect(() => writeFileAtomic(missing, "x")).toThrow(expect.objectContaining({ code: "ENOENT" }));
    mkdirSync(join(dir, "taken"));
    writeFileSync(join(dir, "taken", "inside"), "");
    let error: unknown;
    try {
      writeFileAtomic(join(dir, "taken"), "x");
    } catch (e) {
      error = e;
    }
    expect(error).not.toBeInstanceOf(UserError);
    expect((error as NodeJS.ErrnoException).code).toMatch(/^(EISDIR|ENOTEMPTY|EEXIST)$/);
    expect(readdirSync(dir)).toEqual(["taken"]); // no temporary file left beside it
  });
});

describe("renameDurable, fsyncFile, fsyncDir", () => {
  it("moves a finished file to its name, bytes unchanged", () => {
    const dir = freshDir();
    writeFileSync(join(dir, "timeseries.csv.partial"), "a,b\n1,2\n");
    renameDurable(join(dir, "timeseries.csv.partial"), join(dir, "timeseries.csv"));
    expect(readdirSync(dir)).toEqual(["timeseries.csv"]);
    expect(readFileSync(join(dir, "timeseries.csv"), "utf8")).toBe("a,b\n1,2\n");
  });

  it("fsyncFile needs the file to exist; fsyncDir flushes a folder", () => {
    const dir = freshDir();
    expect(() => fsyncFile(join(dir, "missing"))).toThrow(expect.objectContaining({ code: "ENOENT" }));
    expect(() => fsyncDir(dir)).not.toThrow();
  });

  it("fsyncDir skips folders whose file system cannot flush them (EINVAL), and reports other errors", () => {
    const dir = freshDir();
    failFsync.code = "EINVAL";
    expect(() => fsyncDir(dir)).not.toThrow();
    failFsync.code = "EIO";
    expect(() => fsyncDir(dir)).toThrow(expect.objectContaining({ code: "EIO" }));
  });
});
