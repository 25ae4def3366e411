// From a resolved scenario to model inputs: series expansion (step / linear, held before the
// first and after the last point, YYYY vs YYYY-MM), run-option overrides, entry shares.

import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { ENTRY_KINDS, SERIES_NAMES, parseMonth } from "../../src/model/inputs.js";
import { NATIONALITY_COUNT, SECTOR_COUNT } from "../../src/model/codes.js";
import { type ResolvedScenario, loadScenario } from "../../src/scenario/load.js";
import { SERIES_INTERPOLATION, buildInputs, expandSeries, seriesPoints } from "../../src/scenario/resolve.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const FIXTURES = join(ROOT, "test/fixtures");
const BASELINE = join(ROOT, "scenarios/baseline.yaml");

const m = (s: string): number => parseMonth(s);
const arr = (a: Float64Array): number[] => Array.from(a);

describe("expandSeries", () => {
  it("step: each point holds until the next", () => {
    const out = expandSeries({ "2020-01": 1, "2020-04": 2, "2020-06": 3 }, "step", m("2020-01"), 7);
    expect(arr(out)).toEqual([1, 1, 1, 2, 2, 3, 3]);
  });

  it("linear: interpolates month by month between points", () => {
    const out = expandSeries({ "2020-01": 0, "2020-05": 4, "2020-07": 2 }, "linear", m("2020-01"), 7);
    expect(arr(out)).toEqual([0, 1, 2, 3, 4, 3, 2]);
  });

  it("linear: fractional slopes", () => {
    const out = expandSeries({ "2021-06": 1, "2023-06": 0.7809 }, "linear", m("2021-06"), 25);
    expect(out[0]).toBe(1);
    expect(out[12]).toBeCloseTo(1 - 0.2191 / 2, 12);
    expect(out[24]).toBeCloseTo(0.7809, 12);
    for (let t = 1; t < 25; t++) expect(out[t]!).toBeLessThan(out[t - 1]!);
  });

  it.each(["step", "linear"] as const)("%s: holds the first value before the first point and the last after the last", (kind) => {
    const out = expandSeries({ "2020-03": 5, "2020-05": 7 }, kind, m("2019-11"), 10);
    // 2019-11 .. 2020-02: before the first point
    expect(arr(out.subarray(0, 4))).toEqual([5, 5, 5, 5]);
    // 2020-05 .. 2020-08: at and after the last point
    expect(arr(out.subarray(6))).toEqual([7, 7, 7, 7]);
    expect(out[5]).toBe(kind === "step" ? 5 : 6); // 2020-04
  });

  it("a single point holds for the whole run", () => {
    expect(arr(expandSeries({ "2030-06": 2.5 }, "linear", m("2017-01"), 5))).toEqual([2.5, 2.5, 2.5, 2.5, 2.5]);
  });

  it("no points give zeros", () => {
    expect(arr(expandSeries({}, "step", m("2017-01"), 3))).toEqual([0, 0, 0]);
  });

  it("a YYYY date means January of that year", () => {
    const year = expandSeries({ "2018": 1, "2019": 2 }, "step", m("2018-01"), 24);
    const month = expandSeries({ "2018-01": 1, "2019-01": 2 }, "step", m("2018-01"), 24);
    expect(arr(year)).toEqual(arr(month));
    expect(year[11]).toBe(1); // 2018-12
    expect(year[12]).toBe(2); // 2019-01
    const lin = expandSeries({ "2018": 0, "2019": 12 }, "linear", m("2018-01"), 13);
    expect(arr(lin)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it("mixes YYYY and YYYY-MM points in date order, whatever the key order", () => {
    const out = expandSeries({ "2020-07": 3, "2020": 1, "2019-07": 0 }, "linear", m("2019-07"), 13);
    expect(out[0]).toBe(0);
    expect(out[6]).toBe(1); // 2020-01
    expect(out[12]).toBe(3); // 2020-07
    expect(out[9]).toBeCloseTo(2, 12); // 2020-04, half-way from 1 to 3
  });
});

describe("seriesPoints", () => {
  const base = loadScenario(BASELINE);

  it("reads the default points of every series from data/inputs/series.csv", () => {
    const p = seriesPoints(base);
    expect(Object.keys(p).sort()).toEqual([...SERIES_NAMES].sort());
    for (const name of SERIES_NAMES) expect(Object.keys(p[name]).length, name).toBeGreaterThan(0);
    expect(p.jobOpeningsRatio["2017-01"]).toBe(1.5); // "2017" in series.csv, keyed as its first month
    expect(p.yenValueIndex["2014-01"]).toBe(1); // the scenario shift: 1 in the baseline
  });

  it("puts the scenario's points over the defaults, keeping the other default points", () => {
    const s: ResolvedScenario = { ...base, series: { jobOpeningsRatio: { "2017": 9, "2040": 3 } } };
    const p = seriesPoints(s);
    expect(p.jobOpeningsRatio["2017-01"]).toBe(9);
    expect(p.jobOpeningsRatio["2040-01"]).toBe(3);
    expect(p.jobOpeningsRatio["2018-01"]).toBe(1.61);
  });

  it("every series has an interpolation", () => {
    for (const name of SERIES_NAMES) expect(["step", "linear"]).toContain(SERIES_INTERPOLATION[name]);
  });
});

describe("buildInputs", () => {
  const base = loadScenario(BASELINE);

  it("takes start, end and scale from the scenario", () => {
    const inputs = buildInputs(base);
    expect(inputs.startMonthAbs).toBe(m("2014-01"));
    expect(inputs.months).toBe(m("2035-12") - m("2014-01") + 1);
    expect(inputs.scale).toBe(1);
    for (const name of SERIES_NAMES) expect(inputs.series[name], name).toHaveLength(inputs.months);
  });

  it("--until shortens (or lengthens) the run; --scale overrides the scale", () => {
    const short = buildInputs(base, { scale: 0.01, until: "2019-12" });
    expect(short.months).toBe(72); // 2014-01 to 2019-12
    expect(short.scale).toBe(0.01);
    expect(short.startMonthAbs).toBe(m("2014-01"));
    for (const name of SERIES_NAMES) expect(short.series[name], name).toHaveLength(72);
    const long = buildInputs(base, { until: "2040-06" });
    expect(long.months).toBe(m("2040-06") - m("2014-01") + 1);
    expect(buildInputs(base, { until: "2014-01" }).months).toBe(1);
  });

  it("the series over a shorter run are the head of the full ones", () => {
    const full = buildInputs(base);
    const short = buildInputs(base, { until: "2019-12" });
    for (const name of SERIES_NAMES) expect(arr(short.series[name]), name).toEqual(arr(full.series[name].subarray(0, 72)));
  });

  it("rejects --until before the start with a UserError", () => {
    expect(() => buildInputs(base, { until: "2013-12" })).toThrow(UserError);
    expect(() => buildInputs(base, { until: "2013-12" })).toThrow(/--until 2013-12.*2014-01/);
  });

  it("does not change the scenario (params are copied)", () => {
    const s = loadScenario(BASELINE);
    const inputs = buildInputs(s, { scale: 0.5 });
    (inputs.params as Record<string, unknown>).feeCapYen = -1;
    expect(s.params.feeCapYen).not.toBe(-1);
    expect(s.scale).toBe(1);
  });

  it("gives policy steps as month indices from the start, in order", () => {
    const s: ResolvedScenario = { ...base, start: "2019-01" };
    const inputs = buildInputs(s);
    expect(inputs.policy.map((p) => p.month)).toEqual(base.policy.map((p) => m(p.from) - m("2019-01")));
    expect(inputs.policy[0]!.month).toBeLessThan(0); // a step before the start is in force from month 0
    expect(inputs.policy.map((p) => p.set)).toEqual(base.policy.map((p) => p.set));
  });

  it("expands the scenario's series with each series' interpolation", () => {
    const s: ResolvedScenario = {
      ...base,
      start: "2040-01",
      end: "2040-12",
      series: { jobOpeningsRatio: { "2040-01": 1, "2040-07": 2 }, yenValueIndex: { "2040-01": 1, "2040-07": 2 } },
    };
    const inputs = buildInputs(s);
    expect(SERIES_INTERPOLATION.jobOpeningsRatio).toBe("step");
    expect(SERIES_INTERPOLATION.yenValueIndex).toBe("linear");
    expect(inputs.series.jobOpeningsRatio[3]).toBe(1);
    expect(inputs.series.yenValueIndex[3]).toBeCloseTo(1.5, 12);
    expect(inputs.series.jobOpeningsRatio[11]).toBe(2);
    expect(inputs.series.yenValueIndex[11]).toBe(2);
  });

  it("a scenario point wins over a default point for the same month, YYYY or YYYY-MM", () => {
    // Defaults: jobOpeningsRatio has yearly points ("2014"), yenValueIndex monthly ones ("2014-01").
    const monthly = buildInputs({ ...base, series: { jobOpeningsRatio: { "2014-01": 9 } } }, { until: "2014-03" });
    expect(arr(monthly.series.jobOpeningsRatio)).toEqual([9, 9, 9]);
    const yearly = loadScenario(join(FIXTURES, "ok/series-year.yaml"));
    // Year points are keyed by their first month, so they replace a default YYYY-MM point.
    expect(yearly.series).toEqual({ yenValueIndex: { "2014-01": 0.5 } });
    const inputs = buildInputs(yearly, { until: "2014-03" });
    // It replaced the only default point (1 at 2014-01), so the shift is 0.5 throughout.
    expect(arr(inputs.series.yenValueIndex)).toEqual([0.5, 0.5, 0.5]);
  });

  it("switches the nationality mixes each January of 2015-2019 (TI, SIE from 2017), 2020 (SIE) and 2022-2023 (TI, SIE in 2022), each later mix summing to 1 per entry kind", () => {
    const inputs = buildInputs(base, { until: "2017-12" });
    // Every dated mix of entry_nationality.csv, also those after `until` (docs/model.md 6.1); a
    // month where both kinds switch is one mix.
    const januaries = ["2015-01", "2016-01", "2017-01", "2018-01", "2019-01", "2020-01", "2022-01", "2023-01"];
    expect(inputs.entryNationalityShareFrom.map((m) => m.month)).toEqual(januaries.map((d) => m(d) - m("2014-01")));
    for (const mix of inputs.entryNationalityShareFrom) {
      for (let k = 0; k < ENTRY_KINDS; k++) {
        const sum = mix.shares.subarray(k * NATIONALITY_COUNT, (k + 1) * NATIONALITY_COUNT).reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(1, 12);
      }
    }
  });

  it("normalises entry shares to 1 for each entry kind", () => {
    const inputs = buildInputs(base, { until: "2017-12" });
    expect(inputs.entryNationalityShare).toHaveLength(ENTRY_KINDS * NATIONALITY_COUNT);
    expect(inputs.entrySectorShare).toHaveLength(ENTRY_KINDS * SECTOR_COUNT);
    for (let k = 0; k < ENTRY_KINDS; k++) {
      const nat = inputs.entryNationalityShare.subarray(k * NATIONALITY_COUNT, (k + 1) * NATIONALITY_COUNT);
      const sec = inputs.entrySectorShare.subarray(k * SECTOR_COUNT, (k + 1) * SECTOR_COUNT);
      expect(nat.reduce((a, b) => a + b, 0), `nationality shares of kind ${k}`).toBeCloseTo(1, 12);
      expect(sec.reduce((a, b) => a + b, 0), `sector shares of kind ${k}`).toBeCloseTo(1, 12);
      for (const v of [...nat, ...sec]) expect(v).toBeGreaterThanOrEqual(0);
    }
  });

  it("reads a positive initial stock and per-nationality recruitment costs", () => {
    const inputs = buildInputs(base, { until: "2017-12" });
    expect(inputs.initialStock.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(inputs.debtYenByNationality).toHaveLength(NATIONALITY_COUNT);
    for (const v of inputs.borrowedShareByNationality) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  });
});
