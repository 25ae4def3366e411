// The policy scenario library (scenarios/, docs/scenarios.md):
// (a) every scenario file loads, resolves and runs a year at a tiny scale, and the library files
//     follow the conventions of the README ('Writing a scenario');
// (b) each policy scenario moves the outcome its mechanism implies, relative to the baseline,
//     under common random numbers (the same task seed for both runs of a replicate). These check
//     that the mechanisms work as written, not that the policies work so in Japan: each check's
//     direction follows from the signs the model gives its terms, and where a sign is an
//     assumption (a prior that excludes the other sign, or a fixed parameter), the check's
//     comment says which.
//
// Statistics: for replicates r = 0..R-1 both runs use taskSeed(ROOT_SEED, r); d_r is the
// scenario's metric minus the baseline's. An increase is asserted as mean(d) > K * sd(d) / sqrt(R),
// a decrease as mean(d) < -K * sd(d) / sqrt(R), with K = 3: with R = 5 (4 degrees of freedom) a
// paired t above 3 has a one-sided p of about 0.02 if the scenario had no effect. The seeds are
// fixed, so the outcome is deterministic; the bar makes a pass mean a clear effect, not luck.
// Scale and R are chosen per check from pilot runs so that the expected t is well above K.
//
// No assertion that every replicate's difference has the expected sign: none of these effects is
// deterministic in sign. Each agent draws from its own generator (src/model/agent-rng.ts), so an
// agent gets the same draws in both runs for as long as its own history is the same; the paired
// differences then come from agents the policy reaches and those they displace, and are far less
// noisy than unpaired ones (employer pays at scale 0.02: paired sd 3.3 against 24.9 between
// replicates of the baseline).
//
// Three scenarios are checked at scale 0.01 (SMALL_EFFECTS below): employer-pays and
// fee-cap-enforced lower absconding (-7% and -17% with ESD's fee cap in the baseline from 2027,
// which already takes most of the debt they remove; -23% and -24% before it: the size hangs on the
// unidentified debt and shortfall terms), family-accompaniment lowers SSW1 returns by about 4% at
// a stated return hazard.

import { readFileSync, readdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { mean, sampleStandardDeviation } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { type RunResult, simulate } from "../../src/engine/simulate.js";
import { taskSeed } from "../../src/engine/rng.js";
import { EventCode, NATIONALITY_COUNT, NO_STATUS, Nationality, STATUS_COUNT, Status } from "../../src/model/codes.js";
import { formatMonth, parseMonth } from "../../src/model/inputs.js";
import { loadScenario } from "../../src/scenario/load.js";
import { buildInputs } from "../../src/scenario/resolve.js";
import { FLOW_CELLS, STOCK_CELLS, flowIndex } from "../../src/model/observers.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const SCENARIOS = join(ROOT, "scenarios");
const SCHEMA_LINE = "# yaml-language-server: $schema=./scenario.schema.json";

const FILES = readdirSync(SCENARIOS)
  .filter((f) => /\.(ya?ml|json)$/.test(f) && f !== "scenario.schema.json")
  .sort();
const LIBRARY = FILES.filter((f) => f !== "baseline.yaml");

// ---------------------------------------------------------------------------------------------
// (a) Every file loads, resolves and runs.

describe("every scenario file", () => {
  it("the library holds the baseline and the policy scenarios", () => {
    expect(FILES).toContain("baseline.yaml");
    for (const f of POLICY_SCENARIOS) expect(FILES).toContain(f);
  });

  it.each(FILES)("%s loads, resolves with buildInputs and runs 12 months at scale 0.002", (file) => {
    const scenario = loadScenario(join(SCENARIOS, file));
    const until = formatMonth(parseMonth(scenario.start) + 11);
    const inputs = buildInputs(scenario, { scale: 0.002, until });
    expect(inputs.months).toBe(12);
    const result = simulate(inputs, taskSeed(1, 0), { collectEvents: false });
    expect(result.months).toBe(12);
    expect(result.stocks.length).toBe(12 * STOCK_CELLS);
    for (const v of result.stocks) expect(Number.isFinite(v) && v >= 0).toBe(true);
    expect(stock(result, 11, [Status.TI, Status.SSW1, Status.SSW2, Status.SIE, Status.IRREGULAR, Status.ASYLUM, Status.PR]))
      .toBeGreaterThan(0);
  });

  it.each(LIBRARY)("%s follows the library conventions (schema line, extends the baseline, description, sources)", (file) => {
    const path = join(SCENARIOS, file);
    if (!file.endsWith(".json")) expect(readFileSync(path, "utf8").split("\n")[0]).toBe(SCHEMA_LINE);
    const scenario = loadScenario(path);
    // The extends chain ends at the baseline (directly or through another library scenario).
    expect(basename(scenario.files[scenario.files.length - 1]!.path)).toBe("baseline.yaml");
    expect(scenario.files.length).toBeGreaterThan(1);
    const baseline = loadScenario(join(SCENARIOS, "baseline.yaml"));
    expect(scenario.description).not.toBe(baseline.description);
    expect(scenario.description.split(/(?<=\.)\s/)[0]!.length).toBeGreaterThan(20);
    expect(scenario.sources).not.toEqual(baseline.sources);
    expect(scenario.sources.length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// (b) Policy scenarios against the baseline.

/** Default settings of a check: about 0.3-0.5 s per run under vitest; 35 runs in all. */
const FAST: Settings = { scale: 0.005, until: "2031-12", replicates: 5 };
const ROOT_SEED = 1;
/** Standard errors the mean paired difference must clear (see the header). */
const K = 3;

const START = parseMonth(loadScenario(join(SCENARIOS, "baseline.yaml")).start);
/** Month index in a run from YYYY-MM (every library scenario starts with the baseline). */
const at = (month: string): number => parseMonth(month) - START;

const ALL_STATUSES = Array.from({ length: STATUS_COUNT }, (_, k) => k);
const ALL_NATIONALITIES = Array.from({ length: NATIONALITY_COUNT }, (_, k) => k);

interface FlowSelection {
  event: EventCode;
  /** Statuses before the event (NO_STATUS for entries); all if left out. */
  from?: readonly number[];
  to?: readonly number[];
  nationality?: readonly number[];
}

/** The flow cells of a selection, as a mask over flow indices (decoded with flowIndex). */
function flowMask(sel: FlowSelection): Uint8Array {
  const mask = new Uint8Array(FLOW_CELLS);
  for (const from of sel.from ?? [...ALL_STATUSES, NO_STATUS]) {
    for (const to of sel.to ?? ALL_STATUSES) {
      for (const nat of sel.nationality ?? ALL_NATIONALITIES) mask[flowIndex(sel.event, from, to, nat)] = 1;
    }
  }
  return mask;
}

/** Events of a selection in months [since, end of run]. */
function events(sel: FlowSelection, since: string): (r: RunResult) => number {
  const mask = flowMask(sel);
  const first = at(since);
  return (r) => {
    let n = 0;
    const f = r.flows;
    for (let j = 0; j < f.length; j += 3) if (f[j]! >= first && mask[f[j + 1]!] === 1) n += f[j + 2]!;
    return n;
  };
}

/** Agents in the given statuses at the end of month index t (all nationalities). */
function stock(r: RunResult, t: number, statuses: readonly number[]): number {
  let n = 0;
  for (const st of statuses) {
    for (let nat = 0; nat < NATIONALITY_COUNT; nat++) n += r.stocks[t * STOCK_CELLS + st * NATIONALITY_COUNT + nat]!;
  }
  return n;
}

const endStock = (statuses: readonly number[]) => (r: RunResult): number => stock(r, r.months - 1, statuses);

interface Settings {
  scale: number;
  until: string;
  replicates: number;
  /** Parameters set in both runs (baseline and scenario), where a check needs a stated value of one. */
  params?: Record<string, number>;
}

const runs = new Map<string, RunResult>();

/** Replicate r of a scenario file, run once per settings and kept for the other checks. */
function run(file: string, r: number, settings: Settings): RunResult {
  const key = `${file}|${settings.scale}|${settings.until}|${r}|${JSON.stringify(settings.params ?? {})}`;
  let result = runs.get(key);
  if (!result) {
    const inputs = buildInputs(loadScenario(join(SCENARIOS, file)), { scale: settings.scale, until: settings.until });
    inputs.params = { ...inputs.params, ...settings.params };
    result = simulate(inputs, taskSeed(ROOT_SEED, r), { collectEvents: false });
    runs.set(key, result);
  }
  return result;
}

interface Check {
  scenario: string;
  outcome: string;
  direction: "increase" | "decrease";
  metric: (r: RunResult) => number;
  /** FAST unless given. */
  settings?: Settings;
}

/** Paired differences scenario - baseline and the assertion of the header. */
function checkEffect(c: Check): void {
  const settings = c.settings ?? FAST;
  const d: number[] = [];
  const base: number[] = [];
  for (let r = 0; r < settings.replicates; r++) {
    const b = c.metric(run("baseline.yaml", r, settings));
    base.push(b);
    d.push(c.metric(run(c.scenario, r, settings)) - b);
  }
  const m = mean(d);
  const se = sampleStandardDeviation(d) / Math.sqrt(d.length);
  const summary = `${c.scenario}: ${c.outcome}: baseline mean ${mean(base).toFixed(1)}, ` +
    `mean difference ${m.toFixed(1)} (se ${se.toFixed(1)}, t ${(m / se).toFixed(1)}), differences [${d.join(", ")}]`;
  console.info(summary);
  if (c.direction === "increase") expect(m, summary).toBeGreaterThan(K * se);
  else expect(m, summary).toBeLessThan(-K * se);
}

/** Checks at the fast settings (expected |t| of 5 or more). Outcomes count from the policy's first month. */
const FAST_CHECKS: Check[] = [
  {
    // Baseline: interns entering from 2027-04 are ESD trainees, who may change employer after
    // 1-2 years and move to SSW1 at completion by the SSW(i) tests; under TITP only
    // 'unavoidable' transfers and employer sponsorship.
    scenario: "no-reform.yaml", outcome: "TI job changes from 2027-04", direction: "decrease",
    metric: events({ event: EventCode.job_change, from: [Status.TI] }, "2027-04"),
  },
  {
    scenario: "no-reform.yaml", outcome: "TI -> SSW1 transfers from 2027-04", direction: "decrease",
    metric: events({ event: EventCode.transfer, from: [Status.TI], to: [Status.SSW1] }, "2027-04"),
  },
  {
    // returnYenElasticity -1 (assumption from a survey's stated reasons, Mynavi 2024): a weaker
    // yen raises return hazards; it also delays target earners' goals, which works the other way.
    scenario: "weak-yen.yaml", outcome: "returns of SSW1, SSW2 and SIE from 2026-01", direction: "increase",
    metric: events({ event: EventCode.return, from: [Status.SSW1, Status.SSW2, Status.SIE] }, "2026-01"),
  },
  {
    // No direct yen effect (abscondYenElasticity 0). A weaker yen raises an intern's projected
    // shortfall against its goal and the yen value of its home-currency debt; both terms raise
    // absconding because their coefficients are non-negative by assumption (priors [0, 3] and
    // [0, 0.3]); their sizes are calibrated. The mechanism, not an observed fact.
    scenario: "weak-yen.yaml", outcome: "abscond events from 2026-01", direction: "increase",
    metric: events({ event: EventCode.abscond }, "2026-01"),
  },
  {
    // More promoting SMEs: promoterSponsorProb instead of otherSponsorProb at TI completion. The
    // direction is the assumption of seed 001 (promoters sponsor more than other employers), which
    // the calibration does not identify: its best fit has other employers sponsoring more (0.44
    // against 0.30), and there the scenario lowers transfers (docs/scenarios.md). So the mechanism
    // is checked at stated values with promoters ahead, as seed 001 describes them.
    scenario: "sme-promotion.yaml", outcome: "TI -> SSW1 transfers from 2026-04 (promoterSponsorProb 0.6, otherSponsorProb 0.2)", direction: "increase",
    metric: events({ event: EventCode.transfer, from: [Status.TI], to: [Status.SSW1] }, "2026-04"),
    settings: { ...FAST, params: { promoterSponsorProb: 0.6, otherSponsorProb: 0.2 } },
  },
  {
    // abscondTightnessElasticity (calibrated, not identified; its prior [0, 4] allows only a
    // non-negative effect, an assumption after Sano 2012) and jobChangeTightnessElasticity 1.
    scenario: "labour-shortage-deepens.yaml", outcome: "abscond events from 2026-01", direction: "increase",
    metric: events({ event: EventCode.abscond }, "2026-01"),
  },
  {
    scenario: "labour-shortage-deepens.yaml", outcome: "job changes from 2026-01", direction: "increase",
    metric: events({ event: EventCode.job_change }, "2026-01"),
  },
  {
    scenario: "strict-enforcement.yaml", outcome: "deportations from 2026-04", direction: "increase",
    metric: events({ event: EventCode.deport }, "2026-04"),
  },
  {
    // Holds by construction: absconding does not respond to enforcement (no deterrence channel).
    scenario: "strict-enforcement.yaml", outcome: "IRREGULAR stock at the end", direction: "decrease",
    metric: endStock([Status.IRREGULAR]),
  },
  {
    // Subsidised interns hired by rural SMEs on top of the regular inflow.
    scenario: "local-subsidies.yaml", outcome: "TI entries from 2026-04", direction: "increase",
    metric: events({ event: EventCode.entry, from: [NO_STATUS], to: [Status.TI] }, "2026-04"),
  },
];

/**
 * Effects that were 4-17% at the previous best fit, checked at a larger scale: about 0.6 s per
 * run, 30 runs. Each agent draws from its own generator (src/model/agent-rng.ts), so paired
 * differences stay small: measured at scale 0.01, R = 5 (this file's own output, the second joint
 * calibration of 2026-12-07): employer pays d = -147.8 (se 2.8, t -53.1), fee cap on Vietnamese
 * absconding -173.2 (se 4.6, t -37.4), family accompaniment at sswReturnHazardPerMonth 0.017
 * -204.0 (se 18.0, t -11.3). The fee checks' direction follows from the priors of the debt and
 * shortfall terms, which allow only non-negative effects (an assumption: seed 003 on debt).
 */
const SMALL_EFFECTS: Settings = { scale: 0.01, until: "2031-12", replicates: 5 };
const SMALL_EFFECT_CHECKS: Check[] = [
  {
    // Family joins SSW1 holders: no return premium of family at origin, the staying effect of
    // family in Japan. Family acts on the return hazard, which the targets do not identify
    // (best fit 0.0114 a month, posterior 90% interval 0.0007-0.030, docs/calibration.md); the
    // check tests the mechanism at a stated value, 0.017 a month, in both runs.
    scenario: "family-accompaniment.yaml", outcome: "SSW1 returns from 2027-04 (sswReturnHazardPerMonth 0.017)", direction: "decrease",
    metric: events({ event: EventCode.return, from: [Status.SSW1] }, "2027-04"),
    settings: { ...SMALL_EFFECTS, params: { sswReturnHazardPerMonth: 0.017 } },
  },
  {
    // Debts are repaid within about 5 months, so the debt term acts on a small part of a stay.
    scenario: "employer-pays.yaml", outcome: "abscond events from 2027-04", direction: "decrease",
    metric: events({ event: EventCode.abscond }, "2027-04"),
    settings: SMALL_EFFECTS,
  },
  {
    scenario: "fee-cap-enforced.yaml", outcome: "Vietnamese abscond events from 2022-01", direction: "decrease",
    metric: events({ event: EventCode.abscond, nationality: [Nationality.VN] }, "2022-01"),
    settings: SMALL_EFFECTS,
  },
];

const POLICY_SCENARIOS = [...new Set([...FAST_CHECKS, ...SMALL_EFFECT_CHECKS].map((c) => c.scenario))];

const title = (c: Check): string => {
  const s = c.settings ?? FAST;
  return `${c.scenario}: ${c.outcome} ${c.direction === "increase" ? "rise" : "fall"} (scale ${s.scale}, to ${s.until}, R ${s.replicates})`;
};

describe(`policy scenarios against the baseline (K = ${K})`, () => {
  it.each(FAST_CHECKS.map((c) => [title(c), c] as const))("%s", (_, c) => checkEffect(c));
});

describe(`small policy effects against the baseline (K = ${K})`, () => {
  it.each(SMALL_EFFECT_CHECKS.map((c) => [title(c), c] as const))("%s", (_, c) => checkEffect(c), 120_000);
});
