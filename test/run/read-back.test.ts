// What a run folder's bookkeeping must look like when read back: checkpoint lines and the
// manifest's lists, each refused with a paragraph (not an internal error) when it was changed.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { readManifest } from "../../src/output/manifest.js";
import { readCheckpoints } from "../../src/run/experiment.js";

const dir = (): string => mkdtempSync(join(tmpdir(), "migsim-readback-"));
const good = (task: number): string => JSON.stringify({ task, sizes: { "timeseries.csv": 100 + task }, metrics: [] });
const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
};

describe("readCheckpoints", () => {
  it("reads the lines migsim writes", () => {
    const d = dir();
    writeFileSync(join(d, "checkpoints.jsonl"), `${good(0)}\n${good(1)}\n`);
    expect(readCheckpoints(d).map((c) => c.task)).toEqual([0, 1]);
  });

  it("drops a torn last line, also one that is valid JSON of the wrong shape", () => {
    const d = dir();
    writeFileSync(join(d, "checkpoints.jsonl"), `${good(0)}\n{"task":1,"siz`);
    expect(readCheckpoints(d).map((c) => c.task)).toEqual([0]);
    writeFileSync(join(d, "checkpoints.jsonl"), `${good(0)}\n{"task":1}\n`);
    expect(readCheckpoints(d).map((c) => c.task)).toEqual([0]);
  });

  it.each([["null"], ['{"task":0}'], ['{"task":"0","sizes":{},"metrics":[]}'], ['{"task":0,"sizes":{"a":"1"},"metrics":[]}']])(
    "refuses a line %s before the last, naming the file and the line",
    (line) => {
      const d = dir();
      writeFileSync(join(d, "checkpoints.jsonl"), `${good(0)}\n${line}\n${good(2)}\n`);
      const e = thrown(() => readCheckpoints(d));
      expect(e).toBeInstanceOf(UserError);
      expect((e as Error).message).toMatch(/checkpoints\.jsonl line 2 is not a checkpoint migsim wrote/);
    },
  );
});

describe("readManifest", () => {
  const manifest = (extra: object): string => {
    const path = join(dir(), "manifest.json");
    writeFileSync(path, JSON.stringify({ spec: { scenarios: [], seed: 1 }, ...extra }));
    return path;
  };

  it.each([
    ["outputs", { outputs: [null] }],
    ["outputs", { outputs: [{ file: "summary.csv" }] }],
    ["tasks", { tasks: null }],
    ["tasks", { tasks: [{ index: 0 }] }],
  ])("refuses a changed %s list: %j", (name, extra) => {
    const e = thrown(() => readManifest(manifest(extra)));
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).toContain(`its "${name}" is not the list migsim writes`);
  });

  it("reads one whose lists are as migsim writes them", () => {
    const m = readManifest(manifest({ outputs: [{ file: "summary.csv", sha256: "ab" }], tasks: [{ index: 0, scenario: "baseline", replicate: 1 }] }));
    expect(m.outputs).toHaveLength(1);
  });
});
