// scripts/fuzz.mjs (npm run fuzz): its options, that a seed always gives the same mutations,
// its verdicts on made-up child results and output folders, and one real case end to end. The
// fuzzing itself runs in CI (.ci/run) and by `npm run fuzz`, not here.

import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain-JS script, without type declarations
import * as fuzz from "../../scripts/fuzz.mjs";

interface FuzzFile { name: string; content?: string | Buffer; fifo?: boolean }
interface FuzzCase { k: number; base: string; category: string; mutation: string; entry: string; files: FuzzFile[]; flags: { scale: string | null; until: string }; flagMutated: boolean }
interface Reason { cause: string; detail: string }

const lib = fuzz.loadLibrary();
const P = fuzz.loadParams();
const tmp = mkdtempSync(join(tmpdir(), "migsim-fuzz-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const gen = (seed: number, k: number): FuzzCase => fuzz.generateCase(seed, k, lib, P, join(tmp, `case-${k}`)) as FuzzCase;
const fingerprint = (c: FuzzCase): string => {
  const h = createHash("sha256").update(`${c.category}|${c.mutation}|${c.entry}|${JSON.stringify(c.flags)}`);
  for (const f of c.files) h.update(`|${f.name}|${f.fifo ? "fifo" : ""}|`).update(f.content ?? "");
  return h.digest("hex");
};
const child = (o: Partial<{ code: number | null; signal: string | null; timedOut: boolean; memKilled: boolean; stderr: string; stdout: string }>) => {
  const r = { code: 0, signal: null, timedOut: false, memKilled: false, stderr: "", stdout: "", ms: 100, peakMb: 50, ...o };
  return { ...r, stderrLen: r.stderr.length, stdoutLen: r.stdout.length };
};
const causes = (reasons: Reason[]): string[] => reasons.map((r) => r.cause);

describe("fuzz options", () => {
  it("defaults to seed 1 and 300 cases, 40 with --quick", () => {
    expect(fuzz.parseOptions([])).toMatchObject({ seed: 1, count: 300, timeoutMs: 20000, jobs: 2 });
    expect(fuzz.parseOptions(["--quick", "--seed", "7"])).toMatchObject({ seed: 7, count: 40 });
    expect(fuzz.parseOptions(["--only=3,9"]).only).toEqual([3, 9]);
    expect(() => fuzz.parseOptions(["--count", "-1"])).toThrow(/--count/);
    expect(() => fuzz.parseOptions(["--frobnicate"])).toThrow(/unknown option/);
  });
});

describe("fuzz cases", () => {
  const first = Array.from({ length: 300 }, (_, i) => gen(1, i + 1));

  it("are the same for the same seed, whatever the order they are made in", () => {
    const again = [250, 3, 120, 1, 77].map((k) => fingerprint(gen(1, k)));
    expect(again).toEqual([250, 3, 120, 1, 77].map((k) => fingerprint(first[k - 1]!)));
    const other = first.slice(0, 20).map((c) => fingerprint(gen(2, c.k)));
    expect(other.filter((f, i) => f === fingerprint(first[i]!)).length).toBeLessThan(5);
  });

  it("cover every kind of mutation, each with a file to validate and a month to run to", () => {
    expect(new Set(first.map((c) => c.category))).toEqual(
      new Set(["param", "validParams", "policy", "dates", "flags", "sweep", "series", "deleteKey", "text", "extends", "misc", "parent", "combo", "control"]),
    );
    for (const c of first) {
      expect(c.files[0]!.name).toBe(c.entry);
      if (!c.flagMutated) expect(c.flags.until).toMatch(/^\d{4}-(0[1-9]|1[0-2])$/);
    }
  });
});

describe("fuzz verdicts", () => {
  it("accept a refusal in one paragraph and a clean success", () => {
    expect(fuzz.judgeProcess("validate", child({ code: 2, stderr: "migsim: Invalid scenario x.yaml: start: expected a month.\n" }), 1024)).toEqual([]);
    expect(fuzz.judgeProcess("run", child({ code: 0 }), 1024)).toEqual([]);
  });

  it("fail a hang, a crash, an internal error, a stack trace and a message of many paragraphs", () => {
    expect(causes(fuzz.judgeProcess("run", child({ code: null, signal: "SIGKILL", timedOut: true }), 1024))).toEqual(["run: hang"]);
    expect(causes(fuzz.judgeProcess("run", child({ code: null, signal: "SIGABRT", stderr: "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n" }), 1024))).toEqual(["run: memory"]);
    expect(causes(fuzz.judgeProcess("validate", child({ code: 1, stderr: "migsim: internal error: boom\n(set MIGSIM_DEBUG=1 for the stack trace)\n" }), 1024))).toEqual(["validate: exit code 1", "validate: internal error"]);
    expect(causes(fuzz.judgeProcess("run", child({ code: 2, stderr: "migsim: bad\n    at f (x.js:1:1)\n" }), 1024))).toEqual(["run: stack trace", "run: message of more than one paragraph"]);
    expect(causes(fuzz.judgeProcess("run", child({ code: 2, stderr: "migsim: bad scenario.\nAnd another paragraph.\n" }), 1024))).toEqual(["run: message of more than one paragraph"]);
    expect(causes(fuzz.judgeProcess("run", child({ code: 2, stderr: `migsim: ${"k".repeat(5000)}: unknown key\n` }), 1024))).toEqual(["run: error message too long"]);
    expect(causes(fuzz.judgeProcess("run", child({ code: 2, stderr: "" }), 1024))).toEqual(["run: refused without a message"]);
  });

  it("read a run's CSVs for NaN, negative counts, zero agents and the wrong horizon", async () => {
    const dir = join(tmp, "outputs");
    const write = (timeseries: string[], summaryMean = "12"): void => {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      const mk = (f: string, text: string): void => writeFileSync(join(dir, f), text);
      mk("manifest.json", JSON.stringify({ complete: true }));
      mk("timeseries.csv", ["scenario,replicate,month,date,status,nationality,count,seed,point", ...timeseries, ""].join("\n"));
      mk("flows.csv", "scenario,replicate,month,date,event,from,to,nationality,count,seed,point\ns,1,0,2014-01,entry,,TI,VN,3,9,0\n");
      mk("summary.csv", `scenario,point,metric,unit,n,mean\ns,0,abscond_total,agents,1,${summaryMean}\n`);
    };
    const sound = ["s,1,0,2014-01,TI,VN,5,9,0", "s,1,0,2014-01,RETURNED,VN,0,9,0", "s,1,1,2014-02,TI,VN,4,9,0", "s,1,1,2014-02,RETURNED,VN,1,9,0"];
    write(sound);
    expect(await fuzz.checkOutputs(dir, "2014-02")).toEqual([]);
    expect(causes(await fuzz.checkOutputs(dir, "2014-06"))).toEqual(["outputs: wrong horizon"]);
    write(["s,1,0,2014-01,TI,VN,NaN,9,0", "s,1,0,2014-01,SSW1,VN,0,9,0", "s,1,1,2014-02,TI,VN,-1,9,0", "s,1,1,2014-02,SIE,VN,2.5,9,0"]);
    expect(causes(await fuzz.checkOutputs(dir, "2014-02"))).toEqual(["outputs: NaN or Infinity count", "outputs: negative count", "outputs: count not a whole number", "outputs: zero agents"]);
    write(["s,1,0,2014-01,TI,VN,5,9,0", "s,1,0,2014-01,RETURNED,VN,3,9,0", "s,1,1,2014-02,TI,VN,4,9,0", "s,1,1,2014-02,RETURNED,VN,1,9,0"], "NaN");
    expect(causes(await fuzz.checkOutputs(dir, "2014-02"))).toEqual(["outputs: cumulative exits decrease", "outputs: NaN or Infinity in summary"]);
  });

  it("pass the unchanged baseline end to end (validate, a tiny run, its outputs)", async () => {
    const c: FuzzCase = { k: 0, base: "baseline", category: "control", mutation: "unchanged", entry: "baseline.yaml", files: [{ name: "baseline.yaml", content: lib.find((b: { name: string }) => b.name === "baseline").text }], flags: { scale: "0.002", until: "2014-12" }, flagMutated: false };
    const rec = await fuzz.runCase(c, join(tmp, "control"), { timeoutMs: 60000, memMb: 1024 });
    expect(rec.reasons).toEqual([]);
    expect(rec.validate.code).toBe(0);
    expect(rec.run.code).toBe(0);
  });
});

