// Ctrl-C while a run is being finished (every task done; CSVs renamed into place, summary.csv and
// manifest.json written): the first says what is being done and the run completes; a second
// abandons it, and the folder stays resumable to the same bytes. The Ctrl-C is sent from inside
// the finish (the first durable rename), in-process, so it lands there whatever the timing;
// process.exit is stubbed to throw, as the abandon would end the test runner.

import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runCli } from "../helpers/cli.js";

/** Ctrl-C presses to send from the next durable rename. */
const presses = vi.hoisted(() => ({ count: 0 }));
vi.mock("../../src/output/atomic.js", async (importOriginal) => {
  const atomic = await importOriginal<typeof import("../../src/output/atomic.js")>();
  return {
    ...atomic,
    renameDurable: (from: string, to: string): void => {
      for (; presses.count > 0; presses.count--) process.emit("SIGINT", "SIGINT");
      atomic.renameDurable(from, to);
    },
  };
});

const RUN = ["run", resolve("scenarios/baseline.yaml"), "--seed", "4", "--replicates", "2", "--scale", "0.004", "--until", "2017-12", "--threads", "2"];
const CSVS = ["timeseries.csv", "flows.csv", "summary.csv"];
let tmp: string;
let reference: string;

class Exited extends Error {}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-finishing-"));
  reference = join(tmp, "reference");
  const r = await runCli(...RUN, "--out", reference, "--quiet");
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});
afterEach(() => {
  presses.count = 0;
  vi.restoreAllMocks();
});

describe("Ctrl-C while the run is being finished", () => {
  it("once: says what it is finishing and how to abandon it; the run completes", async () => {
    const out = join(tmp, "once");
    presses.count = 1;
    const r = await runCli(...RUN, "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("\nmigsim: finishing: renaming the CSVs into place, writing summary.csv and manifest.json; press Ctrl-C again to abandon (the run stays resumable)\n");
    for (const f of CSVS) expect(readFileSync(join(out, f)).equals(readFileSync(join(reference, f))), f).toBe(true);
  });

  it("twice: abandoned with 130 (the lock released), and --resume completes it to the same bytes", async () => {
    const out = join(tmp, "twice");
    presses.count = 2;
    const exit = vi.spyOn(process, "exit").mockImplementation(((code?: number) => {
      throw new Exited(`exit ${code}`);
    }) as typeof process.exit);
    await runCli(...RUN, "--out", out, "--quiet");
    expect(exit).toHaveBeenCalledWith(130);
    exit.mockRestore();
    expect(readdirSync(out)).not.toContain(".migsim.lock");
    expect(readdirSync(out)).toContain("checkpoints.jsonl");
    const resumed = await runCli("run", "--resume", out, "--quiet");
    expect(resumed.code, resumed.stderr).toBe(0);
    for (const f of CSVS) expect(readFileSync(join(out, f)).equals(readFileSync(join(reference, f))), f).toBe(true);
  });
});
