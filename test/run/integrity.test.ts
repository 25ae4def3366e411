// What --resume trusts, it checks: each checkpoint line carries the sha256 of its task's rows in
// every partial CSV, and the root seed and spec the task ran under; --resume refuses a partial
// file changed since (naming it, the task and the line to cut), and a manifest whose seed or spec
// was edited. The checkpoint file is cut to its kept lines in one truncation, never rewritten.
// Runs on the worker pool (dist/run/worker.js: `npm run build` first).

import { createHash } from "node:crypto";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { csvHeader } from "../../src/output/csv.js";
import { type ExperimentSpec, type Manifest, readManifest, specSha256 } from "../../src/output/manifest.js";
import { type Checkpoint, readCheckpoints, runExperiment } from "../../src/run/experiment.js";
import { loadScenario } from "../../src/scenario/load.js";
import { snapshot } from "../helpers/cli.js";

const BASELINE = resolve("scenarios/baseline.yaml");
const CSVS = ["timeseries.csv", "flows.csv", "events.csv", "summary.csv"] as const;
const PARTIALS = ["timeseries", "flows", "events"] as const;

let tmp: string;
let spec: ExperimentSpec;
let reference: string;
let stopped: string;
let dirNo = 0;

const sha256 = (bytes: Buffer | string): string => createHash("sha256").update(bytes).digest("hex");
const run = (out: string, more: Record<string, unknown> = {}) => runExperiment(spec, { out, threads: 2, overwrite: false, resume: false, command: ["test"], ...more });
const resume = (out: string, more: Record<string, unknown> = {}) =>
  runExperiment(readManifest(join(out, "manifest.json")).spec, { out, threads: 2, overwrite: false, resume: true, command: ["test", "--resume"], ...more });
const refusal = (p: Promise<unknown>): Promise<Error> => p.then(() => { throw new Error("expected a refusal"); }, (e: unknown) => e as Error);

/** A copy of the run stopped after 3 (or 4) of its 5 tasks. */
function stoppedCopy(): string {
  const dir = join(tmp, `copy-${++dirNo}`);
  cpSync(stopped, dir, { recursive: true });
  return dir;
}

function expectSameAsReference(out: string): void {
  for (const f of CSVS) expect(readFileSync(join(out, f)).equals(readFileSync(join(reference, f))), `${f} differs from the uninterrupted run`).toBe(true);
  expect(readdirSync(out).filter((f) => f.includes("partial") || f === "checkpoints.jsonl" || f.startsWith(".migsim"))).toEqual([]);
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-integrity-"));
  spec = { scenarios: [loadScenario(BASELINE)], seed: 7, replicates: 5, scale: 0.004, until: "2018-06", events: true, ciTarget: 0.05 };
  reference = join(tmp, "reference");
  await run(reference);
  stopped = join(tmp, "stopped");
  let done = 0;
  const r = await run(stopped, { threads: 1, onTaskDone: () => done++, shouldStop: () => done >= 3 });
  expect(r.tasksDone).toBeGreaterThanOrEqual(3); // the tasks in flight when it stopped finish too
  expect(r.complete).toBe(false);
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe("checkpoints", () => {
  it("carry the sha256 of each task's rows in each partial CSV, the root seed and the spec's sha256", () => {
    const lines = readCheckpoints(stopped);
    expect(lines.map((c) => c.task)).toEqual([...lines.keys()]);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const n of PARTIALS) {
      const bytes = readFileSync(join(stopped, `${n}.csv.partial`));
      let start = Buffer.byteLength(csvHeader(n, []));
      for (const c of lines) {
        expect(c.digests?.[n], `${n}, task ${c.task}`).toBe(sha256(bytes.subarray(start, c.sizes[n])));
        start = c.sizes[n]!;
      }
    }
    for (const c of lines) expect([c.seed, c.spec]).toEqual([7, specSha256(readManifest(join(stopped, "manifest.json")).spec)]);
  });
});

describe("--resume refuses what changed since the checkpoints", () => {
  it("a row of a checkpointed task changed in a partial CSV: names the file, the task and the line to cut, touches nothing", async () => {
    const dir = stoppedCopy();
    const path = join(dir, "flows.csv.partial");
    const lines = readCheckpoints(dir);
    // One byte inside task 1's rows, the size unchanged (a size check alone would pass it).
    const bytes = readFileSync(path);
    const at = lines[0]!.sizes.flows! + 10;
    bytes[at] = bytes[at] === 0x31 ? 0x32 : 0x31;
    writeFileSync(path, bytes);
    const before = snapshot(dir);
    const e = await refusal(resume(dir));
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toMatch(new RegExp(`^${path} does not hold the rows checkpoints\\.jsonl recorded for task 1 \\(its line 2\\): their sha256 differs.* delete line 2 and the lines after it from ${join(dir, "checkpoints.jsonl")} \\(those tasks then run again\\), or start the run afresh`));
    expect(e.message).not.toContain("\n");
    expect(snapshot(dir)).toEqual(before);
    // Doing what it says: the tasks from line 2 on run again, to the uninterrupted bytes.
    const cp = join(dir, "checkpoints.jsonl");
    writeFileSync(cp, `${readFileSync(cp, "utf8").split("\n")[0]}\n`);
    await resume(dir);
    expectSameAsReference(dir);
  });

  it("a damaged header is refused too", async () => {
    const dir = stoppedCopy();
    const path = join(dir, "timeseries.csv.partial");
    const bytes = readFileSync(path);
    bytes[0] = 0; // a NUL where the header starts, as a crash can leave
    writeFileSync(path, bytes);
    expect((await refusal(resume(dir))).message).toMatch(new RegExp(`^${path} does not start with the header of this run's timeseries\\.csv`));
  });

  it("a manifest whose seed was edited: 'changed since the run started (seed 7 -> 8)'", async () => {
    const dir = stoppedCopy();
    const path = join(dir, "manifest.json");
    const m = JSON.parse(readFileSync(path, "utf8")) as Manifest;
    m.spec.seed = 8;
    writeFileSync(path, JSON.stringify(m, null, 2));
    const e = await refusal(resume(dir));
    expect(e.message).toMatch(new RegExp(`^${dir}'s manifest\\.json was changed since the run started \\(seed 7 -> 8\\).*Restore seed 7 in ${path} to resume`));
  });

  it("a manifest whose spec was edited otherwise (the CI target): refused; restored, it resumes", async () => {
    const dir = stoppedCopy();
    const path = join(dir, "manifest.json");
    const original = readFileSync(path, "utf8");
    const m = JSON.parse(original) as Manifest;
    m.spec.ciTarget = 0.1;
    writeFileSync(path, JSON.stringify(m, null, 2));
    expect((await refusal(resume(dir))).message).toMatch(new RegExp(`^${dir}'s manifest\\.json was changed since the run started \\(its spec`));
    writeFileSync(path, original);
    await resume(dir);
    expectSameAsReference(dir);
  });
});

describe("the checkpoint file on --resume", () => {
  it("is cut to the lines whose bytes are on disk, in place (a torn last line goes; the kept lines are byte for byte the same)", async () => {
    const dir = stoppedCopy();
    const cp = join(dir, "checkpoints.jsonl");
    const kept = readFileSync(cp);
    appendFileSync(cp, '{"task":3,"sizes":{"timese');
    // Resume and stop before any new task: what is left is the cut file.
    await resume(dir, { shouldStop: () => true });
    expect(readFileSync(cp).equals(kept)).toBe(true);
  });

  it("a last line whose newline never reached the disk gets it back, so the next line is not glued to it", async () => {
    const dir = stoppedCopy();
    const cp = join(dir, "checkpoints.jsonl");
    // Two lines kept (so tasks are left after the next one), the second without its newline.
    const before = 2;
    const lines = readFileSync(cp, "utf8").split("\n");
    writeFileSync(cp, lines.slice(0, before).join("\n"));
    let done = 0;
    await resume(dir, { threads: 1, onTaskDone: () => done++, shouldStop: () => done >= 1 });
    expect(done).toBeGreaterThanOrEqual(1);
    expect(readCheckpoints(dir).map((c) => c.task)).toEqual([...Array(before + done).keys()]);
    await resume(dir);
    expectSameAsReference(dir);
  });

  it("lines written before checkpoints had digests are still resumed (nothing to check them against)", async () => {
    const dir = stoppedCopy();
    const cp = join(dir, "checkpoints.jsonl");
    const old = readCheckpoints(dir).map(({ task, sizes, metrics }) => JSON.stringify({ task, sizes, metrics } satisfies Checkpoint));
    writeFileSync(cp, `${old.join("\n")}\n`);
    await resume(dir);
    expectSameAsReference(dir);
  });
});
