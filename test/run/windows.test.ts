// `migsim run --window FROM..TO` and `--reference NAME` (issue 19): flow metrics counted over a
// span of months, and effects.csv against a named scenario. Tiny runs in-process (runCli); the
// worker threads are the compiled ones in dist/ (the metrics are computed on the main thread, from
// src/). The window metrics are recomputed here from flows.csv, independently of taskMetrics.

import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readManifest } from "../../src/output/manifest.js";
import { expectUserError, runCli, snapshot, runCliOk, readCsvRecords } from "../helpers/cli.js";
import { interruptedRun } from "../helpers/interrupted.js";

const BASELINE = resolve("scenarios/baseline.yaml");
// To 2020-12, so that interns move to SSW1 (from 2019-04) in the windows too.
const TINY = ["--scale", "0.002", "--until", "2020-12", "--replicates", "2", "--seed", "11", "--quiet"];
/** A window inside the run, cutting through SSW's first year, and one over all of it (2014-01, the baseline's start, to --until). */
const PART = { from: "2016-07", to: "2020-03" };
const WHOLE = { from: "2014-01", to: "2020-12" };
const WINDOWS = ["--window", `${PART.from}..${PART.to}`, "--window", `${WHOLE.from}..${WHOLE.to}`];
const FLOWS = ["abscond", "ti_job_change", "ti_to_ssw1", "return"] as const;
const CSVS = ["timeseries.csv", "flows.csv"] as const;

let tmp: string;
/** The baseline with more abscondings and interns' transfers from the start, so that they count more than a few. */
let HAZARD: string;
/** A run of both with the two windows and --reference hazard. */
let single: string;
const RUN = (): string[] => [BASELINE, HAZARD, ...TINY, ...WINDOWS, "--reference", "hazard"];

const ok = runCliOk;

/** A CSV (no quoted commas in migsim's outputs) as its lines and its rows as records. */
const csv = readCsvRecords;
const same = (a: string, b: string, file: string): boolean => readFileSync(join(a, file)).equals(readFileSync(join(b, file)));

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-windows-"));
  HAZARD = join(tmp, "hazard.yaml");
  writeFileSync(HAZARD, `extends: ${BASELINE}\nname: hazard\nparams:\n  abscondBaseHazardPerMonth: 0.01\n  tiUnavoidableTransferHazardPerMonth: 0.01\n`);
  if (!existsSync(resolve("dist/run/worker.js"))) throw new Error("dist/ is missing: run `npm run build` before these tests (npm test does it)");
  single = join(tmp, "single");
  await ok("run", ...RUN(), "--threads", "2", "--out", single);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("--window", () => {
  it("is recorded in the manifest's spec, with the reference", () => {
    const spec = readManifest(join(single, "manifest.json")).spec;
    expect(spec.windows).toEqual([PART, WHOLE]);
    expect(spec.reference).toBe("hazard");
  });

  it("each window's metrics are the sums of flows.csv's rows in its months, replicate by replicate", () => {
    const flows = csv(join(single, "flows.csv")).rows;
    const summary = csv(join(single, "summary.csv")).rows;
    const matches: Record<(typeof FLOWS)[number], (r: Record<string, string>) => boolean> = {
      abscond: (r) => r.event === "abscond",
      ti_job_change: (r) => r.event === "job_change" && r.from === "TI",
      ti_to_ssw1: (r) => r.event === "transfer" && r.from === "TI" && r.to === "SSW1",
      return: (r) => r.event === "return",
    };
    const counted = new Set<string>();
    for (const scenario of ["baseline", "hazard"]) {
      for (const w of [PART, WHOLE]) {
        for (const flow of FLOWS) {
          const perReplicate = [1, 2].map((rep) => flows
            .filter((r) => r.scenario === scenario && Number(r.replicate) === rep && r.date! >= w.from && r.date! <= w.to && matches[flow](r))
            .reduce((a, r) => a + Number(r.count), 0));
          const row = summary.find((r) => r.scenario === scenario && r.metric === `${flow}_${w.from}_${w.to}`);
          expect(row, `${scenario} ${flow} ${w.from}..${w.to}`).toBeDefined();
          expect(row!.unit).toBe("agents");
          expect(row!.n).toBe("2");
          const [a, b] = perReplicate as [number, number];
          expect(Number(row!.mean), `${scenario} ${flow}`).toBeCloseTo((a + b) / 2, 6);
          // With two values the sample sd is |a - b| / sqrt(2): with the mean, it pins both.
          expect(Number(row!.sd), `${scenario} ${flow}`).toBeCloseTo(Math.abs(a - b) / Math.SQRT2, 6);
          if (a > 0 && b > 0) counted.add(`${flow} ${w === PART ? "part" : "whole"}`);
        }
      }
    }
    // Not vacuous: every flow happened in every window, and the job changes of SIEs (which are not counted) too.
    expect(counted.size).toBe(FLOWS.length * 2);
    expect(flows.some((r) => r.event === "job_change" && r.from !== "TI" && r.date! >= PART.from && r.date! <= PART.to)).toBe(true);
  });

  it("a window over the whole run gives the _total metrics' rows, in summary.csv and effects.csv", () => {
    for (const file of ["summary.csv", "effects.csv"]) {
      const { rows } = csv(join(single, file));
      for (const scenario of new Set(rows.map((r) => r.scenario))) {
        for (const flow of FLOWS) {
          const total = rows.find((r) => r.scenario === scenario && r.metric === `${flow}_total`);
          const whole = rows.find((r) => r.scenario === scenario && r.metric === `${flow}_${WHOLE.from}_${WHOLE.to}`);
          expect(total, `${file} ${scenario} ${flow}_total`).toBeDefined();
          expect({ ...whole, metric: "" }, `${file} ${scenario} ${flow}`).toEqual({ ...total, metric: "" });
        }
      }
    }
  });

  it("the window metrics come last, per window in the order given; ti_job_change_total follows ti_to_ssw1_total", () => {
    // Leaving out the rows by nationality and sector (`<metric>[VN]`), which follow each metric.
    const metrics = csv(join(single, "summary.csv")).rows.filter((r) => r.scenario === "baseline").map((r) => r.metric!).filter((m) => !m.includes("["));
    const labels = [PART, WHOLE].map((w) => `${w.from}_${w.to}`);
    expect(metrics.slice(-12)).toEqual(labels.flatMap((l) => [...FLOWS.map((f) => `${f}_${l}`), `ti_years_${l}`, `abscond_per_1000_ti_years_${l}`]));
    expect(metrics.indexOf("ti_job_change_total")).toBe(metrics.indexOf("ti_to_ssw1_total") + 1);
  });

  it("without --window and --reference, the outputs are those of the run without the window rows", async () => {
    const plain = join(tmp, "plain");
    await ok("run", BASELINE, HAZARD, ...TINY, "--threads", "2", "--out", plain);
    for (const f of CSVS) expect(same(plain, single, f), f).toBe(true);
    const windowed = csv(join(single, "summary.csv")).lines.filter((l) => !/,(abscond|ti_job_change|ti_to_ssw1|return|ti_years|abscond_per_1000_ti_years)_\d{4}-\d{2}_\d{4}-\d{2}(\[\w+\])?,/.test(l));
    expect(csv(join(plain, "summary.csv")).lines).toEqual(windowed);
    const spec = readManifest(join(plain, "manifest.json")).spec as unknown as Record<string, unknown>;
    expect("windows" in spec || "reference" in spec).toBe(false);
    // The default reference.
    expect(new Set(csv(join(plain, "effects.csv")).rows.map((r) => `${r.scenario} against ${r.reference}`))).toEqual(new Set(["hazard against baseline"]));
  }, 120_000);
});

describe("--reference", () => {
  it("compares every other scenario with the one it names: the reference column and the values", () => {
    const eff = csv(join(single, "effects.csv")).rows;
    const sum = csv(join(single, "summary.csv")).rows;
    expect(eff.length).toBeGreaterThan(0);
    expect(new Set(eff.map((r) => r.scenario))).toEqual(new Set(["baseline"]));
    expect(new Set(eff.map((r) => r.reference))).toEqual(new Set(["hazard"]));
    expect(eff.map((r) => r.metric)).toEqual(sum.filter((r) => r.scenario === "baseline").map((r) => r.metric));
    for (const r of eff) {
      const s = sum.find((x) => x.scenario === "baseline" && x.metric === r.metric)!;
      const h = sum.find((x) => x.scenario === "hazard" && x.metric === r.metric)!;
      if (s.n !== "2" || h.n !== "2") continue;
      expect(r.scenario_mean).toBe(s.mean);
      expect(r.reference_mean).toBe(h.mean);
      // Both means are printed to 10 significant figures, so their difference is good to about 1e-6 at 1,000.
      expect(Number(r.diff_mean), r.metric).toBeCloseTo(Number(s.mean) - Number(h.mean), 5);
    }
    // The baseline has fewer abscondings than the scenario with the higher hazard, in the window too.
    for (const m of ["abscond_total", `abscond_${PART.from}_${PART.to}`]) expect(Number(eff.find((r) => r.metric === m)!.diff_mean), m).toBeLessThan(0);
  });
});

describe("the windows and the reference are kept", () => {
  it("by --resume of an interrupted run: the same bytes as the uninterrupted one", async () => {
    const cut = join(tmp, "cut");
    const spec = readManifest(join(single, "manifest.json")).spec;
    await interruptedRun(spec, cut);
    // A --window or --reference given again is refused rather than ignored, and changes nothing.
    const before = snapshot(cut);
    for (const extra of [["--window", "2015-01..2015-06"], ["--reference", "baseline"]]) {
      const r = await runCli("run", "--resume", cut, ...extra, "--quiet");
      expectUserError(r);
      expect(r.stderr).toContain(`${extra[0]} cannot be given with --resume`);
      expect(snapshot(cut)).toEqual(before);
    }
    await ok("run", "--resume", cut, "--threads", "2", "--quiet");
    for (const f of [...CSVS, "summary.csv", "effects.csv"]) expect(same(cut, single, f), f).toBe(true);
  }, 120_000);

  it("by migsim reproduce", async () => {
    const again = join(tmp, "again");
    await ok("reproduce", join(single, "manifest.json"), "--out", again, "--quiet");
    for (const f of [...CSVS, "summary.csv", "effects.csv"]) expect(same(again, single, f), f).toBe(true);
  }, 120_000);

  it("by shards and migsim merge, which refuses a shard run with other windows or another reference", async () => {
    const shards = [0, 1].map((k) => join(tmp, `shard-${k}`));
    for (const [k, dir] of shards.entries()) await ok("run", ...RUN(), "--threads", "1", "--shard", `${k}/2`, "--out", dir);
    const merged = join(tmp, "merged");
    await ok("merge", ...shards, "--out", merged, "--quiet");
    for (const f of [...CSVS, "summary.csv", "effects.csv"]) expect(same(merged, single, f), f).toBe(true);
    expect(readManifest(join(merged, "manifest.json")).spec).toEqual(readManifest(join(single, "manifest.json")).spec);

    // Shard 1 with one window only, or without --reference (its manifest edited: its metrics are not looked at first).
    const edit = (label: string, change: (spec: Record<string, unknown>) => void): string => {
      const dir = join(tmp, `shard-1-${label}`);
      cpSync(shards[1]!, dir, { recursive: true });
      const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { spec: Record<string, unknown> };
      change(m.spec);
      writeFileSync(join(dir, "manifest.json"), JSON.stringify(m, null, 2));
      return dir;
    };
    const oneWindow = edit("one-window", (s) => void (s.windows = [PART]));
    const noReference = edit("no-reference", (s) => void delete s.reference);
    for (const [dir, says] of [
      [oneWindow, `made with --window ${PART.from}..${PART.to}, not --window ${PART.from}..${PART.to} --window ${WHOLE.from}..${WHOLE.to}`],
      [noReference, "made with no --reference, not --reference hazard"],
    ] as const) {
      const out = join(tmp, `refused-${dir.split("-").pop()}`);
      const r = await runCli("merge", shards[0]!, dir, "--out", out, "--quiet");
      expectUserError(r);
      expect(r.stderr).toContain(`${dir} is not a shard of the same run as ${shards[0]!}: it was ${says}`);
      expect(existsSync(out)).toBe(false);
    }
  }, 180_000);

  it("by migsim slurm, whose array tasks run with them", async () => {
    const out = join(tmp, "slurm");
    await ok("slurm", ...RUN(), "--shards", "2", "--out", out);
    const script = readFileSync(join(out, "slurm/shards.sbatch"), "utf8");
    expect(script).toContain(`--ci-target 0.05 --window ${PART.from}..${PART.to} --window ${WHOLE.from}..${WHOLE.to} --reference hazard --shard auto/2`);
  });
});

describe("bad --window and --reference: one paragraph naming the option, exit code 2, nothing written", () => {
  const cases: { name: string; argv: () => string[]; says: RegExp }[] = [
    { name: "not FROM..TO", argv: () => [BASELINE, ...TINY, "--window", "2014-07-2015-03"], says: /^migsim: --window expects FROM\.\.TO, the first and last month counted as YYYY-MM .* e\.g\. 2028-04\.\.2035-12; got "2014-07-2015-03"\.\n$/ },
    { name: "a month with one digit", argv: () => [BASELINE, ...TINY, "--window", "2014-7..2015-03"], says: /--window expects FROM\.\.TO.*got "2014-7\.\.2015-03"/ },
    { name: "month 13", argv: () => [BASELINE, ...TINY, "--window", "2014-13..2015-03"], says: /--window expects FROM\.\.TO.*month 01-12/ },
    { name: "FROM after TO", argv: () => [BASELINE, ...TINY, "--window", "2015-03..2014-07"], says: /^migsim: --window 2015-03\.\.2014-07: FROM \(2015-03\) is after TO \(2014-07\)/ },
    { name: "before the scenario's start", argv: () => [BASELINE, ...TINY, "--window", "2013-12..2014-06"], says: /^migsim: --window 2013-12\.\.2014-06 starts before scenario "baseline" \(.*baseline\.yaml\) does \(2014-01\); expected a window within every scenario's months, here 2014-01\.\.2020-12 \(its start to its --until\)\.\n$/ },
    { name: "after --until", argv: () => [BASELINE, ...TINY, "--window", "2020-06..2021-01"], says: /--window 2020-06\.\.2021-01 ends after scenario "baseline" .* does \(2020-12\)/ },
    { name: "a bad window after good ones", argv: () => [BASELINE, ...TINY, ...WINDOWS, "--window", "2015-01..2099-12"], says: /--window 2015-01\.\.2099-12 ends after/ },
    { name: "a window given twice", argv: () => [BASELINE, ...TINY, "--window", "2014-07..2015-03", "--window", "2014-07..2015-03"], says: /--window 2014-07\.\.2015-03 is given twice/ },
    { name: "--window without a value", argv: () => [BASELINE, ...TINY, "--window"], says: /--window needs a value/ },
    { name: "a reference that is no scenario", argv: () => [BASELINE, HAZARD, ...TINY, "--reference", "weak-yen"], says: /^migsim: --reference "weak-yen" is not a scenario of this run; expected the name of one of them \("baseline", "hazard"\)/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const out = join(tmp, `bad-${c.name.replace(/\W+/g, "-")}`);
      const r = await runCli("run", ...c.argv(), "--out", out);
      expectUserError(r);
      expect(r.stderr).toMatch(c.says);
      expect(existsSync(out)).toBe(false);
    });
  }

  it("migsim slurm refuses them too, before writing anything", async () => {
    const out = join(tmp, "bad-slurm");
    const r = await runCli("slurm", BASELINE, ...TINY, "--window", "2013-12..2014-06", "--shards", "2", "--out", out);
    expectUserError(r);
    expect(r.stderr).toMatch(/--window 2013-12\.\.2014-06 starts before scenario "baseline"/);
    expect(existsSync(out)).toBe(false);
  });
});
