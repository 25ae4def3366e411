// One validation for every entry point (issue 20): validateScenarios is what `validate` and every
// run call; validateExperimentSpec checks a manifest's spec (--resume, reproduce, merge) like
// scenario files, and counts the tasks before any list of them is made.

import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { type ResolvedScenario, loadScenario } from "../../src/scenario/load.js";
import { MAX_TASKS, validateExperimentSpec, validateScenarios } from "../../src/scenario/validate.js";
import { parseWindow } from "../../src/scenario/window.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BASELINE = join(ROOT, "scenarios/baseline.yaml");
const BAD = join(ROOT, "test/fixtures/bad");
const base = loadScenario(BASELINE);
/** The people of data/inputs/initial_stock.csv, summed here independently of the code under test. */
const PEOPLE = (parse(readFileSync(join(ROOT, "data/inputs/initial_stock.csv")), { columns: true }) as { count: string }[]).reduce((a, r) => a + Number(r.count), 0);

const thrown = (fn: () => unknown): UserError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error("expected a UserError, nothing was thrown");
};

describe("validateScenarios: what loads but cannot run", () => {
  // Every one of these passes the schema (loadScenario) and, before issue 20, `migsim validate`.
  it.each([
    { file: "sweep-out-of-range.yaml", error: /sweep\.grid\.feeShareBorneByWorker\[1\]: value 2 is outside feeShareBorneByWorker's plausible range \[0, 1\]/ },
    { file: "sweep-from-above-to.yaml", error: /sweep\.grid\.feeShareBorneByWorker: the range is empty \(from 0\.9 is above to 0\.1\)/ },
    { file: "sweep-too-many-points.yaml", error: /sweep: 151 x 1001 = 151151 points, more than the 100000/ },
    { file: "sweep-tiny-step.yaml", error: /steps of 1e-12 is 1000000000001 values, more than the 100000 points a sweep may have; use a larger step/ },
    { file: "sweep-lhs-min-equals-max.yaml", error: /sweep\.latinHypercube\.params\.debtCv: expected \[min, max\] with max > min, got \[0\.5, 0\.5\]/ },
    { file: "sweep-grid-and-lhs.yaml", error: /sweep: debtCv appears in both grid and latinHypercube/ },
    { file: "scale-below-one-agent.yaml", error: /: scale 1e-320 simulates .* agents at the start .*fewer than one; the smallest scale that simulates at least one agent is 0\.0000037\.$/ },
  ])("$file", ({ file, error }) => {
    const s = loadScenario(join(BAD, file));
    const e = thrown(() => validateScenarios([s]));
    expect(e.message).toMatch(new RegExp(`^Scenario ${join(BAD, file).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `));
    expect(e.message).toMatch(error);
  });

  it("passes the library's baseline", () => {
    expect(() => validateScenarios([base])).not.toThrow();
  });
});

describe("a scale that simulates fewer than one agent", () => {
  const smallest = 0.0000037;

  it("the smallest scale it names simulates at least one agent, and the next smaller value does not", () => {
    expect(smallest * PEOPLE).toBeGreaterThanOrEqual(1);
    expect(0.0000036 * PEOPLE).toBeLessThan(1);
    expect(() => validateScenarios([base], { scale: smallest })).not.toThrow();
    expect(() => validateScenarios([{ ...base, scale: smallest }])).not.toThrow();
    expect(() => validateScenarios([base], { scale: 0.0000036 })).toThrow(/smallest scale that simulates at least one agent is 0\.0000037\./);
  });

  it("names --scale when the flag set it, the scenario's scale otherwise", () => {
    expect(thrown(() => validateScenarios([base], { scale: 1e-12 })).message).toBe(
      `--scale 1e-12 simulates ${(1e-12 * PEOPLE).toPrecision(2)} agents at the start (${PEOPLE} people in data/inputs/initial_stock.csv x the scale), fewer than one; the smallest scale that simulates at least one agent is ${smallest}.`,
    );
    expect(thrown(() => validateScenarios([{ ...base, scale: 1e-9 }])).message).toMatch(new RegExp(`^Scenario ${BASELINE.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: scale 1e-9 simulates`));
    // The flag overrides the scenario: a tiny scenario scale with a workable --scale runs.
    expect(() => validateScenarios([{ ...base, scale: 1e-9 }], { scale: 0.01 })).not.toThrow();
  });
});

describe("the task count is checked before any task list is built", () => {
  const swept = (name: string, n: number): ResolvedScenario => ({ ...base, name, sweep: { latinHypercube: { n, params: { debtCv: [0, 1] } } } });

  it.each([
    { name: "replicates alone", scenarios: [base], replicates: MAX_TASKS + 1, tasks: MAX_TASKS + 1 },
    { name: "sweep points x replicates", scenarios: [swept("a", 11)], replicates: 100_000, tasks: 1_100_000 },
    { name: "over several scenarios", scenarios: [swept("a", 6), swept("b", 5)], replicates: 100_000, tasks: 1_100_000 },
    { name: "a billion replicates", scenarios: [base], replicates: 1e9, tasks: 1e9 },
  ])("$name: refused at $tasks tasks", ({ scenarios, replicates, tasks }) => {
    const t0 = performance.now();
    const e = thrown(() => validateScenarios(scenarios, { replicates }));
    expect(e.message).toMatch(new RegExp(`^the run would have ${tasks} tasks \\(.*\\), more than the ${MAX_TASKS} a run may have`));
    // Counting, not listing: a billion tasks are refused as fast as a million.
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it("accepts exactly the cap", () => {
    expect(() => validateScenarios([swept("a", 10)], { replicates: MAX_TASKS / 10 })).not.toThrow();
  });
});

describe("other checks across scenarios and options", () => {
  it.each([
    { name: "two scenarios with one name", run: () => validateScenarios([base, base]), error: /^Two scenarios are named "baseline": give one a different 'name:'/ },
    { name: "--until before the start", run: () => validateScenarios([base], { until: "2013-12" }), error: /--until 2013-12: must not be before the scenario's start \(2014-01\)/ },
    { name: "end before start", run: () => validateScenarios([{ ...base, end: "2013-01" }]), error: /baseline\.yaml: end \(2013-01\) is before start \(2014-01\)/ },
  ])("$name", ({ run, error }) => {
    expect(thrown(run).message).toMatch(error);
  });
});

/** The spec of a run of the baseline, as manifest.json holds it (JSON, not objects shared with the code). */
const goodSpec = (): Record<string, unknown> & { scenarios: Record<string, unknown>[] } =>
  JSON.parse(JSON.stringify({ scenarios: [base], seed: 1, replicates: 2, scale: 0.01, until: null, events: false, ciTarget: 0.05 })) as never;

describe("validateExperimentSpec: a manifest's spec is checked like scenario files", () => {
  const M = "Manifest out/manifest.json";

  it("accepts the spec of a run of the library's baseline", () => {
    expect(() => validateExperimentSpec(goodSpec(), M)).not.toThrow();
  });

  type Spec = ReturnType<typeof goodSpec>;
  type Scenario = Record<string, unknown> & { params: Record<string, unknown> };
  const first = (s: Spec): Scenario => s.scenarios[0] as Scenario;
  it.each<{ name: string; change: (s: Spec) => void; error: RegExp }>([
    { name: "no scenarios", change: (s) => void (s.scenarios = []), error: /does not hold a valid experiment: spec\.scenarios: expected at least one scenario\./ },
    { name: "scenarios not a list", change: (s) => void ((s as Record<string, unknown>).scenarios = "baseline"), error: /spec\.scenarios: expected a list of scenarios/ },
    { name: "no params block", change: (s) => void delete (first(s) as Partial<Scenario>).params, error: /spec\.scenarios\[0\]\.params: missing\./ },
    { name: "a parameter missing", change: (s) => void delete first(s).params.debtCv, error: /spec\.scenarios\[0\]\.params\.debtCv: missing\./ },
    { name: "debtCv -5", change: (s) => void (first(s).params.debtCv = -5), error: /spec\.scenarios\[0\]\.params\.debtCv: expected at least 0 \(ratio\); plausible range \[0, 1\.5\]/ },
    { name: "an unknown parameter, near a known one", change: (s) => void (first(s).params.debtCV = 1), error: /spec\.scenarios\[0\]\.params\.debtCV: unknown key \(did you mean "debtCv"\?\)/ },
    { name: "a series of 1e15", change: (s) => void (first(s).series = { tiEntriesPerYear: { "2015-01": 1e15 } }), error: /spec\.scenarios\[0\]\.series\.tiEntriesPerYear\.2015-01: expected at most 1000000/ },
    { name: "a policy step off the calendar", change: (s) => void ((first(s).policy as { from: string }[])[0]!.from = "2020-13"), error: /spec\.scenarios\[0\]\.policy\[0\]\.from: expected a month as YYYY-MM/ },
    { name: "replicates 1e9", change: (s) => void (s.replicates = 1e9), error: /spec\.replicates: expected a whole number from 1 to 100000\./ },
    { name: "seed -1", change: (s) => void (s.seed = -1), error: /spec\.seed: expected a whole number from 0 to 4294967295/ },
    { name: "events missing", change: (s) => void delete s.events, error: /spec\.events: expected true or false/ },
    { name: "ciTarget 2", change: (s) => void (s.ciTarget = 2), error: /spec\.ciTarget: expected a share in \(0, 1\)/ },
    { name: "until not a month", change: (s) => void (s.until = "soon"), error: /spec\.until: expected a month as YYYY-MM/ },
    { name: "a sweep value out of range", change: (s) => void (first(s).sweep = { grid: { debtCv: [0.5, 9] } }), error: /^Manifest out\/manifest\.json: spec\.scenarios\[0\] \("baseline"\): sweep\.grid\.debtCv\[1\]: value 9 is outside/ },
    { name: "a sweep step of 1e-12", change: (s) => void (first(s).sweep = { grid: { debtCv: { from: 0, to: 1, step: 1e-12 } } }), error: /spec\.scenarios\[0\] \("baseline"\): sweep\.grid\.debtCv: .* use a larger step/ },
    { name: "a scale of 1e-300", change: (s) => void (s.scale = 1e-300), error: /^Manifest out\/manifest\.json: spec\.scale 1e-300 simulates .* the smallest scale that simulates at least one agent is 0\.0000037\./ },
    { name: "end before start", change: (s) => void (first(s).end = "2013-01"), error: /spec\.scenarios\[0\] \("baseline"\): end \(2013-01\) is before start/ },
    { name: "two scenarios of one name", change: (s) => void s.scenarios.push(s.scenarios[0]!), error: /^Manifest out\/manifest\.json: Two scenarios are named "baseline"/ },
    { name: "windows not a list", change: (s) => void (s.windows = "2014-01..2014-12"), error: /spec\.windows: expected a list of windows/ },
    { name: "an empty list of windows", change: (s) => void (s.windows = []), error: /spec\.windows: expected at least one window/ },
    { name: "a window off the calendar", change: (s) => void (s.windows = [{ from: "2014-13", to: "2015-01" }]), error: /spec\.windows\[0\]\.from: expected a month as YYYY-MM/ },
    { name: "a window with FROM after TO", change: (s) => void (s.windows = [{ from: "2015-02", to: "2015-01" }]), error: /^Manifest out\/manifest\.json: spec\.windows\[0\] \(2015-02\.\.2015-01\): FROM \(2015-02\) is after TO \(2015-01\)/ },
    { name: "a window outside the scenario's months", change: (s) => void (s.windows = [{ from: "2014-01", to: "2014-12" }, { from: "2013-06", to: "2014-12" }]), error: /^Manifest out\/manifest\.json: spec\.windows\[1\] \(2013-06\.\.2014-12\) starts before spec\.scenarios\[0\] \("baseline"\) does \(2014-01\)/ },
    { name: "a reference that is no scenario", change: (s) => void (s.reference = "weak-yen"), error: /^Manifest out\/manifest\.json: spec\.reference "weak-yen" is not a scenario of this run; expected the name of one of them \("baseline"\)/ },
    { name: "an empty reference", change: (s) => void (s.reference = ""), error: /spec\.reference: expected a scenario's name/ },
    {
      name: "more tasks than the cap",
      change: (s) => {
        s.replicates = 100_000;
        first(s).sweep = { grid: { debtCv: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1] } };
      },
      error: /^Manifest out\/manifest\.json: the run would have 1100000 tasks/,
    },
  ])("$name is refused in one paragraph naming the manifest and the field", ({ change, error }) => {
    const spec = goodSpec();
    change(spec);
    const e = thrown(() => validateExperimentSpec(spec, M));
    expect(e.message).toMatch(/^Manifest out\/manifest\.json[: ]/);
    expect(e.message).toMatch(error);
    expect(e.message).not.toMatch(/\n/);
  });

  it("accepts windows within the scenario's months and a reference that names a scenario", () => {
    const spec = goodSpec();
    spec.windows = [{ from: "2014-01", to: base.end }, { from: "2028-04", to: "2028-04" }];
    spec.reference = "baseline";
    expect(() => validateExperimentSpec(spec, M)).not.toThrow();
  });

  it("quotes at most about 200 characters of a 5,000-character key", () => {
    const spec = goodSpec();
    first(spec).params["k".repeat(5000)] = 1;
    const e = thrown(() => validateExperimentSpec(spec, M));
    expect(e.message).toMatch(/params\.k+…: unknown key/);
    expect(e.message.length).toBeLessThan(400);
  });
});

describe("--window and --reference, as a run checks them (validateScenarios)", () => {
  const other = { ...base, name: "other", start: "2016-01" };
  it.each<{ name: string; o: Parameters<typeof validateScenarios>[1]; error: RegExp }>([
    { name: "FROM after TO", o: { windows: [{ from: "2020-01", to: "2019-12" }] }, error: /^--window 2020-01\.\.2019-12: FROM \(2020-01\) is after TO \(2019-12\); expected FROM\.\.TO with FROM no later than TO, e\.g\. 2019-12\.\.2020-01\.$/ },
    { name: "the same window twice", o: { windows: [{ from: "2020-01", to: "2020-12" }, { from: "2020-01", to: "2020-12" }] }, error: /^--window 2020-01\.\.2020-12 is given twice/ },
    { name: "before a scenario's start (the later start of two)", o: { windows: [{ from: "2015-01", to: "2016-12" }] }, error: /^--window 2015-01\.\.2016-12 starts before scenario "other" \(.*baseline\.yaml\) does \(2016-01\); expected a window within every scenario's months, here 2016-01\.\.\d{4}-\d{2} \(its start to its end\)\.$/ },
    { name: "after --until", o: { until: "2018-06", windows: [{ from: "2016-01", to: "2018-07" }] }, error: /^--window 2016-01\.\.2018-07 ends after scenario "baseline" \(.*\) does \(2018-06\); .*here 2014-01\.\.2018-06 \(its start to its --until\)\.$/ },
    { name: "a reference that is no scenario", o: { reference: "weak-yen" }, error: /^--reference "weak-yen" is not a scenario of this run; expected the name of one of them \("baseline", "other"\), the scenario effects\.csv compares the others with\.$/ },
  ])("$name is refused, naming the option", ({ o, error }) => {
    expect(thrown(() => validateScenarios([base, other], o)).message).toMatch(error);
  });

  it("passes windows within every scenario's months, overlapping or of one month, and a reference among the scenarios", () => {
    expect(() => validateScenarios([base, other], { until: "2018-06", reference: "other", windows: [{ from: "2016-01", to: "2018-06" }, { from: "2017-03", to: "2017-03" }] })).not.toThrow();
  });
});

describe("parseWindow", () => {
  it("reads FROM..TO", () => {
    expect(parseWindow("2028-04..2035-12")).toEqual({ from: "2028-04", to: "2035-12" });
    expect(parseWindow(" 2028-04..2028-04 ")).toEqual({ from: "2028-04", to: "2028-04" });
  });
  it.each(["2028-4..2035-12", "2028-04-2035-12", "2028-04...2035-12", "2028-04..", "2028-13..2029-01", "1899-12..2030-01", "", "2028-04..2035-12x"])("refuses %j, quoting it and saying what is expected", (text) => {
    const e = thrown(() => parseWindow(text));
    expect(e.message).toBe(`--window expects FROM..TO, the first and last month counted as YYYY-MM (both included, year 1900-2199, month 01-12), e.g. 2028-04..2035-12; got "${text}".`);
  });
});
