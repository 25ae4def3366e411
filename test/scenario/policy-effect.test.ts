// Policy steps that cannot take effect are warned about (scenario/policy-effect.ts): a step after
// the run's last month, and a step after the start setting a parameter read only at set-up. The
// list of set-up-only parameters is checked against the model: each is read when the employers are
// drawn, and none is read in the months of a run (so a policy step could never change it).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { advanceMonth, initSimulation } from "../../src/engine/simulate.js";
import { SECTOR_COUNT } from "../../src/model/codes.js";
import { createEmployers } from "../../src/model/employers.js";
import { type ParamName, type Params, defaultParams } from "../../src/model/params.js";
import { loadScenario } from "../../src/scenario/load.js";
import { SETUP_ONLY_PARAMS, policyWarnings } from "../../src/scenario/policy-effect.js";
import { buildInputs } from "../../src/scenario/resolve.js";
import { seeded } from "../helpers/state.js";

const SETUP_ONLY = Object.keys(SETUP_ONLY_PARAMS) as ParamName[];

/** Every read of `p`'s parameters from now on goes into `read` (the object itself, so every reference to it counts). */
function recordReads(p: Params, read: Set<string>): void {
  const o = p as unknown as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    let v = o[k];
    Object.defineProperty(o, k, { get: () => (read.add(k), v), set: (x: unknown) => void (v = x), enumerable: true, configurable: true });
  }
}

describe("SETUP_ONLY_PARAMS, against the model", () => {
  it("each is read when the employers are drawn", () => {
    const p = defaultParams();
    const read = new Set<string>();
    recordReads(p, read);
    createEmployers(p, new Float64Array(SECTOR_COUNT).fill(1000), seeded("setup"));
    for (const k of SETUP_ONLY) expect(read.has(k), `${k} is not read by createEmployers`).toBe(true);
  });

  it("none is read in the months of the baseline run (ESD and SSW on, no local subsidy), so a dated step could not change it", () => {
    const inputs = buildInputs(loadScenario("scenarios/baseline.yaml"), { scale: 0.002 });
    expect(inputs.params.localSubsidyYenPerInternYear).toBe(0); // the one monthly reading that `alsoMonthly` names
    const s = initSimulation(inputs, 1, false);
    const read = new Set<string>();
    recordReads(s.params, read);
    for (let t = 0; t < inputs.months; t++) advanceMonth(s, t);
    expect(read.size, "the recording saw no reads at all").toBeGreaterThan(20);
    expect(SETUP_ONLY.filter((k) => read.has(k)), "read monthly: take it out of SETUP_ONLY_PARAMS (or say how in alsoMonthly)").toEqual([]);
  });
});

describe("policyWarnings", () => {
  const sc = (policy: { from: string; set: Record<string, number | boolean> }[], name = "mine") => ({ name, start: "2014-01", end: "2035-12", policy });

  it("says nothing of steps that take effect", () => {
    expect(policyWarnings([sc([{ from: "2028-04", set: { debtCv: 0.5 } }, { from: "2014-01", set: { workersPerEmployer: 10 } }, { from: "2013-01", set: { smeShare: 0.5 } }])])).toEqual([]);
  });

  it("warns once per scenario of steps after the end, naming them and the end", () => {
    const w = policyWarnings([sc([{ from: "2036-01", set: { debtCv: 0.5 } }, { from: "2040-01", set: { debtCv: 0.6 } }]), sc([], "other")]);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^mine: its policy steps from 2036-01, 2040-01 come after the run's last month \(2035-12, the scenario's end\), so they take no effect\.$/);
  });

  it("counts --until as the last month", () => {
    const w = policyWarnings([sc([{ from: "2028-04", set: { debtCv: 0.5 } }])], "2027-12");
    expect(w).toEqual([expect.stringMatching(/policy step from 2028-04 comes after the run's last month \(2027-12, --until\)/)]);
  });

  it("with --until, steps shared with the reference are background: only the scenario's own are warned of", () => {
    const shared = [{ from: "2019-04", set: { sswAvailable: true } }];
    const w = policyWarnings([sc([...shared, { from: "2028-04", set: { debtCv: 0.5 } }]), sc(shared, "baseline")], "2017-12", shared);
    expect(w).toEqual([expect.stringMatching(/^mine: its policy step from 2028-04 comes after the run's last month \(2017-12, --until\)/)]);
    // A later --until than the scenario's end: the run goes on, and steps up to it take effect.
    expect(policyWarnings([sc([{ from: "2036-06", set: { debtCv: 0.5 } }])], "2036-12")).toEqual([]);
  });

  it("warns of a dated step setting a set-up-only parameter, naming it", () => {
    const w = policyWarnings([sc([{ from: "2028-04", set: { workersPerEmployer: 10, debtCv: 0.5 } }])]);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/policy step from 2028-04 sets workersPerEmployer, which is read only when the run is set up: .*the step changes nothing; to change .*, set it in params:/);
  });

  it("the library scenarios, as they are, pass without a warning", () => {
    const files = readdirSync("scenarios", { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".yaml")).map((f) => join("scenarios", f));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(policyWarnings([loadScenario(f)]), f).toEqual([]);
  });
});
