// Runs the CLI in-process (main(argv)) with stdout and stderr captured, for CLI tests.
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, vi } from "vitest";
import { main } from "../../src/cli/index.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(...argv: string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const capture = (append: (s: string) => void) => (chunk: unknown, ...rest: unknown[]): boolean => {
    append(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
    (rest.find((r) => typeof r === "function") as (() => void) | undefined)?.();
    return true;
  };
  const out = vi.spyOn(process.stdout, "write").mockImplementation(capture((s) => (stdout += s)) as typeof process.stdout.write);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(capture((s) => (stderr += s)) as typeof process.stderr.write);
  const exitCode = process.exitCode;
  try {
    return { code: await main(argv), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = exitCode;
  }
}

/** A user error: exit code 2, nothing on stdout, one paragraph on stderr without a stack trace. */
export function expectUserError(r: CliResult): void {
  expect(r.code, `stderr: ${r.stderr}`).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(/^migsim: \S/);
  expect(r.stderr.endsWith("\n")).toBe(true);
  expect(r.stderr.trim()).not.toMatch(/\n\s*\n/);
  expect(r.stderr).not.toContain("    at ");
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/internal error/);
}

/** Every file under dir with its bytes (relative path -> contents). */
export function snapshot(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return files;
}

/** runCli, expecting exit code 0 (the command and its stderr in the failure message). */
export async function runCliOk(...argv: string[]): Promise<CliResult> {
  const r = await runCli(...argv);
  expect(r.code, `migsim ${argv.join(" ")}:\n${r.stderr}`).toBe(0);
  return r;
}

/** A CSV migsim wrote (no quoted commas in these outputs): its header, its lines, and its rows as records. */
export function readCsvRecords(path: string): { header: string[]; lines: string[]; rows: Record<string, string>[] } {
  const lines = readFileSync(path, "utf8").trim().split("\n");
  const header = lines[0]!.split(",");
  return { header, lines, rows: lines.slice(1).map((l) => Object.fromEntries(l.split(",").map((v, k) => [header[k]!, v]))) };
}
