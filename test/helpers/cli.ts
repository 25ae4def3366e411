// Runs the CLI in-process (main(argv)) with stdout and stderr captured, for CLI tests.
import { vi } from "vitest";
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
