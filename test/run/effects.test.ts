// effects.csv: each scenario against the baseline, paired by replicate (common random numbers).
// Tiny runs in-process (runCli); the worker threads are the compiled ones in dist/. The paired
// differences are recomputed here from timeseries.csv (stocks) and flows.csv (event totals),
// independently of the metrics the run computed.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readManifest, sha256File } from "../../src/output/manifest.js";
import { EFFECTS_COLUMNS, effectRow } from "../../src/output/summary.js";
import { runCli, runCliOk, readCsvRecords } from "../helpers/cli.js";

const BASELINE = resolve("scenarios/baseline.yaml");
const WEAK_YEN = resolve("scenarios/weak-yen.yaml");
const TINY = ["--scale", "0.002", "--until", "2015-12", "--replicates", "3", "--seed", "11", "--quiet"];

let tmp: string;
/** The baseline with a higher abscond hazard from the start: unlike scenarios/, it differs before 2016. */
let HAZARD: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-effects-"));
  HAZARD = join(tmp, "hazard.yaml");
  writeFileSync(HAZARD, `extends: ${BASELINE}\nname: hazard\nparams:\n  abscondBaseHazardPerMonth: 0.01\n`);
  if (!existsSync(resolve("dist/run/worker.js"))) throw new Error("dist/ is missing: run `npm run build` before these tests (npm test does it)");
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ok = runCliOk;

/** A CSV (no quoted commas in migsim's outputs) as header and rows of records. */
const csv = readCsvRecords;

const meanOf = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("effects.csv", () => {
  let single: string;
  beforeAll(async () => {
    single = join(tmp, "single");
    await ok("run", BASELINE, WEAK_YEN, HAZARD, ...TINY, "--threads", "2", "--out", single);
  }, 120_000);

  it("is written beside summary.csv and listed in the manifest with its sha256", () => {
    const path = join(single, "effects.csv");
    expect(existsSync(path)).toBe(true);
    const m = readManifest(join(single, "manifest.json"));
    const files = m.outputs.map((o) => o.file);
    expect(files.indexOf("effects.csv")).toBe(files.indexOf("summary.csv") + 1);
    expect(m.outputs.find((o) => o.file === "effects.csv")!.sha256).toBe(sha256File(path));
    const { header } = csv(path);
    expect(header).toEqual([...EFFECTS_COLUMNS]);
  });

  it("has a row per metric of summary.csv for the other scenario, none for the reference", () => {
    const eff = csv(join(single, "effects.csv")).rows;
    const sum = csv(join(single, "summary.csv")).rows;
    expect(eff.filter((r) => r.scenario === "baseline")).toHaveLength(0);
    expect(new Set(eff.map((r) => r.reference))).toEqual(new Set(["baseline"]));
    // The scenarios in the order of the run, each with summary.csv's metrics in its order.
    expect(eff.map((r) => `${r.scenario} ${r.metric}`)).toEqual(sum.filter((r) => r.scenario !== "baseline").map((r) => `${r.scenario} ${r.metric}`));
    for (const r of eff) {
      const s = sum.find((x) => x.scenario === r.scenario && x.metric === r.metric)!;
      const b = sum.find((x) => x.scenario === "baseline" && x.metric === r.metric)!;
      if (s.n !== "3" || b.n !== "3") continue; // a metric undefined in some replicate pairs fewer
      expect(r.n).toBe("3");
      expect(r.scenario_mean).toBe(s.mean);
      expect(r.reference_mean).toBe(b.mean);
      expect(Number(r.diff_mean)).toBeCloseTo(Number(s.mean) - Number(b.mean), 6);
      expect(r.scale).toBe(s.scale);
    }
  });

  it("diff_mean is the mean of per-replicate differences recomputed from timeseries.csv and flows.csv", () => {
    const eff = csv(join(single, "effects.csv")).rows;
    const ts = csv(join(single, "timeseries.csv")).rows;
    const flows = csv(join(single, "flows.csv")).rows;
    const last = ts.reduce((a, r) => (r.date! > a ? r.date! : a), "");
    const value = (scenario: string, replicate: number, metric: string): number => {
      const stock = /^stock_(.+)_(\d{4}-\d{2})$/.exec(metric);
      if (stock) {
        return ts.filter((r) => r.scenario === scenario && Number(r.replicate) === replicate && r.status === stock[1] && r.date === stock[2]).reduce((a, r) => a + Number(r.count), 0);
      }
      const event = metric.replace(/_total$/, "");
      return flows.filter((r) => r.scenario === scenario && Number(r.replicate) === replicate && r.event === event).reduce((a, r) => a + Number(r.count), 0);
    };
    const checked = [`stock_TI_${last}`, `stock_SSW1_${last}`, "abscond_total", "return_total"];
    for (const scenario of ["weak-yen", "hazard"]) {
      for (const metric of checked) {
        const row = eff.find((r) => r.scenario === scenario && r.metric === metric);
        expect(row, `${scenario} ${metric}`).toBeDefined();
        const diffs = [1, 2, 3].map((k) => value(scenario, k, metric) - value("baseline", k, metric));
        expect(Number(row!.diff_mean), `${scenario} ${metric}`).toBeCloseTo(meanOf(diffs), 6);
        expect(Number(row!.scenario_mean), `${scenario} ${metric}`).toBeCloseTo(meanOf([1, 2, 3].map((k) => value(scenario, k, metric))), 6);
        expect(Number(row!.reference_mean), `${scenario} ${metric}`).toBeCloseTo(meanOf([1, 2, 3].map((k) => value("baseline", k, metric))), 6);
      }
    }
    // weak-yen changes nothing before 2026, so under common random numbers it equals the baseline
    // exactly; the higher hazard moves abscondings, so the comparison is not vacuous.
    expect(eff.filter((r) => r.scenario === "weak-yen").every((r) => r.diff_mean === "0" && r.diff_sd === "0")).toBe(true);
    expect(Number(eff.find((r) => r.scenario === "hazard" && r.metric === "abscond_total")!.diff_mean)).toBeGreaterThan(0);
  });

  it("is not written with the reference alone, nor without a reference", async () => {
    const short = TINY.map((a) => (a === "3" ? "2" : a));
    for (const [label, files] of [["alone", [BASELINE]], ["no-reference", [WEAK_YEN]]] as const) {
      const out = join(tmp, label);
      await ok("run", ...files, ...short, "--out", out);
      expect(existsSync(join(out, "summary.csv")), label).toBe(true);
      expect(existsSync(join(out, "effects.csv")), label).toBe(false);
      expect(readManifest(join(out, "manifest.json")).outputs.map((o) => o.file), label).not.toContain("effects.csv");
    }
  }, 120_000);

  it("merging 2 shards gives the bytes of a single run's effects.csv and lists it in the manifest", async () => {
    const shards = [0, 1].map((k) => join(tmp, `shard-${k}`));
    for (const [k, dir] of shards.entries()) await ok("run", BASELINE, WEAK_YEN, HAZARD, ...TINY, "--threads", "1", "--shard", `${k}/2`, "--out", dir);
    for (const dir of shards) expect(existsSync(join(dir, "effects.csv"))).toBe(false);
    const merged = join(tmp, "merged");
    await ok("merge", ...shards, "--out", merged, "--quiet");
    for (const f of ["effects.csv", "summary.csv", "timeseries.csv"]) {
      expect(readFileSync(join(merged, f)).equals(readFileSync(join(single, f))), f).toBe(true);
    }
    const m = readManifest(join(merged, "manifest.json"));
    expect(m.outputs.find((o) => o.file === "effects.csv")!.sha256).toBe(sha256File(join(single, "effects.csv")));
  }, 120_000);
});

describe("effectRow", () => {
  it("pairs replicates, skipping a pair with a missing value, and leaves the ratio empty against 0", () => {
    const row = effectRow({ scenario: "s", point: 0, reference: "baseline", scale: 0.5, metric: "m", unit: "agents", values: [NaN, 12, 14, 19, 7], referenceValues: [NaN, 10, 11, 15, NaN] });
    const [, , , , , n, sm, rm, dm, sd, lo, hi, ratio] = row as number[];
    expect(n).toBe(3);
    expect(sm).toBe(15);
    expect(rm).toBe(12);
    expect(dm).toBe(3); // differences 2, 3, 4
    expect(sd).toBe(1);
    // t(0.975, 2) = 4.302652729749462 (scipy 1.17.1, t.ppf); the CI bounds are written to 10 significant digits.
    expect(hi! - dm!).toBeCloseTo((4.302652729749462 * 1) / Math.sqrt(3), 8);
    expect(dm! - lo!).toBeCloseTo((4.302652729749462 * 1) / Math.sqrt(3), 8);
    expect(ratio).toBeCloseTo(1.25, 9);
    const zero = effectRow({ scenario: "s", point: 0, reference: "baseline", scale: 1, metric: "m", unit: "agents", values: [1, 2], referenceValues: [0, 0] });
    expect(zero[12]).toBe("");
  });
});
