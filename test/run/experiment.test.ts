// Experiments on the worker pool: common random numbers, sweeps, interruption and resume, a
// failing task. These use the compiled worker (dist/run/worker.js), which `npm test` builds.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { type ExperimentSpec, readManifest } from "../../src/output/manifest.js";
import { runExperiment } from "../../src/run/experiment.js";
import { loadScenario } from "../../src/scenario/load.js";

const BASELINE = resolve("scenarios/baseline.yaml");
const tmp = (): string => mkdtempSync(join(tmpdir(), "migsim-exp-"));

function spec(files: string[], extra: Partial<ExperimentSpec> = {}): ExperimentSpec {
  return { scenarios: files.map((f) => loadScenario(f)), seed: 7, replicates: 2, scale: 0.004, until: "2018-06", events: true, ciTarget: 0.05, ...extra };
}
const run = (s: ExperimentSpec, out: string, more: Record<string, unknown> = {}) =>
  runExperiment(s, { out, threads: 2, overwrite: false, resume: false, command: ["test"], ...more });
const read = (dir: string, f: string): string => readFileSync(join(dir, f), "utf8");

describe("common random numbers", () => {
  it("a scenario identical to the baseline but for its name gives identical rows", async () => {
    const dir = tmp();
    const copy = join(dir, "copy.yaml");
    writeFileSync(copy, `extends: ${BASELINE}\nname: copy\n`);
    const out = join(dir, "out");
    await run(spec([BASELINE, copy]), out);
    for (const f of ["timeseries.csv", "flows.csv", "events.csv"]) {
      const lines = read(out, f).trim().split("\n").slice(1);
      const base = lines.filter((l) => l.startsWith("baseline,"));
      const other = lines.filter((l) => l.startsWith("copy,")).map((l) => l.replace(/^copy,/, "baseline,"));
      expect(base.length).toBeGreaterThan(0);
      expect(other).toEqual(base);
    }
  });
});

describe("sweeps", () => {
  it("runs one task per point and replicate, with the values as columns, all points sharing seeds", async () => {
    const dir = tmp();
    const file = join(dir, "sweep.yaml");
    writeFileSync(file, `extends: ${BASELINE}\nname: sw\nsweep:\n  grid:\n    abscondBaseHazardPerMonth: [0.001, 0.002]\n    debtCv: { from: 0.2, to: 0.4, step: 0.2 }\n`);
    const out = join(dir, "out");
    const r = await run(spec([file], { events: false }), out);
    expect(r.tasks).toBe(4 * 2); // 2 x 2 grid points x 2 replicates
    const header = read(out, "timeseries.csv").split("\n")[0];
    expect(header).toBe("scenario,replicate,month,date,status,nationality,count,national,seed,point,abscondBaseHazardPerMonth,debtCv");
    const m = readManifest(join(out, "manifest.json"));
    expect(m.tasks.map((t) => [t.point, t.replicate, t.sweep.abscondBaseHazardPerMonth, t.sweep.debtCv])).toEqual([
      [0, 1, 0.001, 0.2], [0, 2, 0.001, 0.2], [1, 1, 0.001, 0.4], [1, 2, 0.001, 0.4],
      [2, 1, 0.002, 0.2], [2, 2, 0.002, 0.2], [3, 1, 0.002, 0.4], [3, 2, 0.002, 0.4],
    ]);
    // Seeds depend on the replicate only (common random numbers across points).
    expect(new Set(m.tasks.filter((t) => t.replicate === 1).map((t) => t.seed)).size).toBe(1);
    const summary = read(out, "summary.csv").trim().split("\n");
    expect(summary[0]).toMatch(/,abscondBaseHazardPerMonth,debtCv$/);
    expect(summary.filter((l) => l.includes(",abscond_total,"))).toHaveLength(4);
  });

  it("a Latin hypercube puts exactly one point in each of n strata per parameter", async () => {
    const { expandSweep } = await import("../../src/scenario/sweep.js");
    const n = 10;
    const sw = expandSweep({ latinHypercube: { n, seed: 3, params: { debtCv: [0, 1], abscondTightnessElasticity: [0, 4] } } }, "x.yaml");
    expect(sw.names).toEqual(["abscondTightnessElasticity", "debtCv"]);
    expect(sw.points).toHaveLength(n);
    const strata = (k: number, lo: number, hi: number) => sw.points.map((p) => Math.floor(((p[k]! - lo) / (hi - lo)) * n)).sort((a, b) => a - b);
    expect(strata(0, 0, 4)).toEqual([...Array(n).keys()]);
    expect(strata(1, 0, 1)).toEqual([...Array(n).keys()]);
    // The design is part of the scenario: the same seed gives the same points.
    expect(expandSweep({ latinHypercube: { n, seed: 3, params: { debtCv: [0, 1], abscondTightnessElasticity: [0, 4] } } }, "x.yaml")).toEqual(sw);
  });

  it("rejects swept values outside a parameter's range, naming the file and key", async () => {
    const { expandSweep } = await import("../../src/scenario/sweep.js");
    expect(() => expandSweep({ grid: { debtCv: [0.5, 9] } }, "bad.yaml")).toThrow(/bad\.yaml: sweep\.grid\.debtCv\[1\]: value 9 is outside/);
  });
});

describe("the manifest names the code", () => {
  it("records the git commit (or that there is none) and each runtime dependency's installed version", async () => {
    const out = join(tmp(), "out");
    await run(spec([BASELINE], { replicates: 1, events: false, until: "2014-03" }), out);
    const m = readManifest(join(out, "manifest.json"));
    // "not a git checkout" is right too, e.g. for tests run from an unpacked npm tarball.
    if (m.git !== "not a git checkout") expect(m.git).toEqual({ commit: expect.stringMatching(/^[0-9a-f]{40}$/), dirty: expect.any(Boolean) });
    const installed = (name: string): string => (JSON.parse(read(resolve("node_modules", name), "package.json")) as { version: string }).version;
    expect(m.dependencies?.seedrandom).toBe(installed("seedrandom"));
    expect(m.dependencies?.["simple-statistics"]).toBe(installed("simple-statistics"));
    const pkg = JSON.parse(read(resolve("."), "package.json")) as { dependencies: Record<string, string> };
    expect(Object.keys(m.dependencies ?? {}).sort()).toEqual(Object.keys(pkg.dependencies).sort());
  });
});

describe("interruption and resume", () => {
  it("a run stopped after some tasks keeps them, and --resume completes it to the same bytes", async () => {
    const dir = tmp();
    const s = spec([BASELINE], { replicates: 5 });
    const whole = join(dir, "whole");
    await run(s, whole);
    const cut = join(dir, "cut");
    let done = 0;
    const first = await run(s, cut, { threads: 1, onTaskDone: () => done++, shouldStop: () => done >= 2 });
    expect(first.complete).toBe(false);
    expect(first.tasksDone).toBeGreaterThanOrEqual(2);
    expect(first.tasksDone).toBeLessThan(5);
    expect(readdirSync(cut).sort()).toEqual(["checkpoints.jsonl", "events.csv.partial", "flows.csv.partial", "manifest.json", "timeseries.csv.partial"]);
    const m = readManifest(join(cut, "manifest.json"));
    expect(m.complete).toBe(false);
    expect(m.tasks.filter((t) => t.complete)).toHaveLength(first.tasksDone);
    // Simulate a crash mid-task: torn bytes after the last checkpoint must be dropped on resume.
    writeFileSync(join(cut, "timeseries.csv.partial"), "baseline,3,0,2017-01,TI,VN,1", { flag: "a" });
    const second = await runExperiment(m.spec, { out: cut, threads: 2, overwrite: false, resume: true, command: ["test"] });
    expect(second.complete).toBe(true);
    for (const f of ["timeseries.csv", "flows.csv", "events.csv", "summary.csv"]) expect(read(cut, f)).toBe(read(whole, f));
    expect(readdirSync(cut).some((f) => f.endsWith(".partial") || f === "checkpoints.jsonl")).toBe(false);
  });
});

describe("a failing task", () => {
  it("stops the run with a message naming scenario, replicate and seed, keeping completed tasks", async () => {
    const dir = tmp();
    // A worker that runs the real one but throws on the third task.
    const worker = join(dir, "failing-worker.mjs");
    const real = resolve("dist/run/worker.js");
    writeFileSync(worker, `import { parentPort } from "node:worker_threads";
const { simulate } = await import(${JSON.stringify(resolve("dist/engine/simulate.js"))});
const { formatTaskCsv } = await import(${JSON.stringify(resolve("dist/output/csv.js"))});
parentPort.on("message", (msg) => {
  if (msg.type !== "task") return;
  if (msg.task.index === 2) { parentPort.postMessage({ type: "error", taskIndex: 2, message: "Error: boom" }); return; }
  const result = simulate(msg.inputs, msg.task.seed, { collectEvents: msg.collectEvents });
  parentPort.postMessage({ type: "result", taskIndex: msg.task.index, result, csv: formatTaskCsv(msg.csv, msg.task, result) });
});
// mirrors ${real}
`);
    const out = join(dir, "out");
    const s = spec([BASELINE], { replicates: 4 });
    await expect(run(s, out, { threads: 1, workerFile: worker })).rejects.toThrow(/scenario baseline, sweep point 0, replicate 3, seed \d+: Error: boom/);
    const m = readManifest(join(out, "manifest.json"));
    expect(m.complete).toBe(false);
    expect(m.tasks.map((t) => t.complete)).toEqual([true, true, false, false]);
    const rows = read(out, "timeseries.csv.partial").trim().split("\n").slice(1);
    expect(new Set(rows.map((r) => r.split(",")[1]))).toEqual(new Set(["1", "2"]));
  });
});
