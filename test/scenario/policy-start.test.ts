// policyStart (scenario/policy-start.ts, issue 19): the first month two resolved scenarios differ,
// by the parameters in force (params and policy steps) or by a series as the run expands it. Hand-
// built scenarios (temp YAML files extending the baseline, or objects), the library's, and an
// independent oracle: the first month whose inputs, as buildInputs gives them to the engine, differ.

import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { formatMonth } from "../../src/model/inputs.js";
import { defaultParams } from "../../src/model/params.js";
import { type ResolvedScenario, loadScenario } from "../../src/scenario/load.js";
import { type PolicyParts, policyStart } from "../../src/scenario/policy-start.js";
import { buildInputs } from "../../src/scenario/resolve.js";

const BASELINE = resolve("scenarios/baseline.yaml");
let tmp: string;
let baseline: ResolvedScenario;
let n = 0;

/** A scenario extending the baseline with `body` (YAML after the `extends:` line). */
function variant(body: string): ResolvedScenario {
  const path = join(tmp, `v${n++}.yaml`);
  writeFileSync(path, `extends: ${BASELINE}\n${body}\n`);
  return loadScenario(path);
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-policy-start-"));
  baseline = loadScenario(BASELINE);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * The oracle: the first month (YYYY-MM) in which the two scenarios' inputs differ, month by month as
 * the engine sees them (engine/simulate.ts: steps at or before month 0 apply at the start, the others
 * in their month, in list order), over the months both run; undefined if none.
 */
function firstDifferingInput(a: ResolvedScenario, b: ResolvedScenario): string | undefined {
  const ia = buildInputs(a);
  const ib = buildInputs(b);
  const first = Math.max(ia.startMonthAbs, ib.startMonthAbs);
  const last = Math.min(ia.startMonthAbs + ia.months - 1, ib.startMonthAbs + ib.months - 1);
  const inForce = (i: typeof ia, abs: number): Record<string, unknown> => {
    const p: Record<string, unknown> = { ...i.params };
    const t = abs - i.startMonthAbs;
    for (const step of i.policy) if (step.month <= t) Object.assign(p, step.set);
    return p;
  };
  for (let m = first; m <= last; m++) {
    const pa = inForce(ia, m);
    const pb = inForce(ib, m);
    if (Object.keys(pa).some((k) => pa[k] !== pb[k])) return formatMonth(m);
    for (const name of Object.keys(ia.series) as (keyof typeof ia.series)[]) {
      if (ia.series[name][m - ia.startMonthAbs] !== ib.series[name][m - ib.startMonthAbs]) return formatMonth(m);
    }
  }
  return undefined;
}

describe("policyStart: parameters", () => {
  it("a policy step that changes a value: its month (either way round)", () => {
    const s = variant("policy:\n  - from: 2018-04\n    set: { abscondBaseHazardPerMonth: 0.01 }");
    expect(policyStart(s, baseline)).toBe("2018-04");
    expect(policyStart(baseline, s)).toBe("2018-04");
  });

  it("a step that sets the value already in force (by the params, or by an earlier step of the reference): no difference", () => {
    const same = baseline.params.abscondBaseHazardPerMonth;
    expect(policyStart(variant(`policy:\n  - from: 2018-04\n    set: { abscondBaseHazardPerMonth: ${same} }`), baseline)).toBeUndefined();
    // ti3Available is true from the baseline's 2017-11 step.
    expect(policyStart(variant("policy:\n  - from: 2018-04\n    set: { ti3Available: true }"), baseline)).toBeUndefined();
    // ...but the same value before the reference's step is a difference.
    expect(policyStart(variant("policy:\n  - from: 2017-06\n    set: { ti3Available: true }"), baseline)).toBe("2017-06");
  });

  it("a step in the same month as a reference step, overriding it (the child's step wins there)", () => {
    expect(policyStart(variant("policy:\n  - from: 2019-04\n    set: { sswAvailable: false }"), baseline)).toBe("2019-04");
  });

  it("a step that is undone later still starts at its month; two steps: the earlier", () => {
    const s = variant("policy:\n  - from: 2020-03\n    set: { abscondBaseHazardPerMonth: 0.01 }\n  - from: 2019-02\n    set: { feeShareBorneByWorker: 0.5 }\n  - from: 2019-05\n    set: { feeShareBorneByWorker: 1 }");
    expect(policyStart(s, baseline)).toBe("2019-02");
  });

  it("different params from the outset: the start", () => {
    expect(policyStart(variant("params:\n  abscondBaseHazardPerMonth: 0.01"), baseline)).toBe("2014-01");
    // A step dated before the start is in force from the start.
    expect(policyStart(variant("policy:\n  - from: 2010-01\n    set: { abscondBaseHazardPerMonth: 0.01 }"), baseline)).toBe("2014-01");
  });
});

describe("policyStart: series", () => {
  it("a new point of a step series (jobOpeningsRatio): its month", () => {
    expect(policyStart(variant('series:\n  jobOpeningsRatio:\n    "2020-06": 2'), baseline)).toBe("2020-06");
  });

  it("a point of a step series that repeats the value in force: no difference", () => {
    // series.csv has jobOpeningsRatio 1.18 for 2020 (held through 2020-12).
    const points = readFileSync("data/inputs/series.csv", "utf8").split("\n").filter((l) => l.startsWith("jobOpeningsRatio,2020,"));
    expect(points).toHaveLength(1);
    const v = points[0]!.split(",")[2]!;
    expect(policyStart(variant(`series:\n  jobOpeningsRatio:\n    "2020-06": ${v}`), baseline)).toBeUndefined();
  });

  it("a point of a linear series (yenValueIndex): the month after the last equal point, before the point that differs", () => {
    // 1 in 2018-01 (as the baseline), 0.8 in 2019-01: interpolated values differ from 2018-02.
    expect(policyStart(variant('series:\n  yenValueIndex:\n    "2018-01": 1\n    "2019-01": 0.8'), baseline)).toBe("2018-02");
  });

  it("a parameter and a series: whichever differs first", () => {
    const s = variant('params: {}\npolicy:\n  - from: 2021-01\n    set: { abscondBaseHazardPerMonth: 0.01 }\nseries:\n  jobOpeningsRatio:\n    "2020-06": 2');
    expect(policyStart(s, baseline)).toBe("2020-06");
    const t = variant('policy:\n  - from: 2019-01\n    set: { abscondBaseHazardPerMonth: 0.01 }\nseries:\n  jobOpeningsRatio:\n    "2020-06": 2');
    expect(policyStart(t, baseline)).toBe("2019-01");
  });
});

describe("policyStart: periods", () => {
  it("identical scenarios: undefined", () => {
    expect(policyStart(baseline, baseline)).toBeUndefined();
    expect(policyStart(variant("name: copy"), baseline)).toBeUndefined();
  });

  it("a later start: nothing differs, or a step before it is in force from it", () => {
    expect(policyStart(variant("start: 2016-01"), baseline)).toBeUndefined();
    expect(policyStart(variant("start: 2019-01\npolicy:\n  - from: 2017-06\n    set: { abscondBaseHazardPerMonth: 0.01 }"), baseline)).toBe("2019-01");
    expect(policyStart(variant("start: 2016-01\npolicy:\n  - from: 2018-04\n    set: { abscondBaseHazardPerMonth: 0.01 }"), baseline)).toBe("2018-04");
  });

  it("an earlier end: a step after it is no difference", () => {
    expect(policyStart(variant("end: 2018-12\npolicy:\n  - from: 2019-04\n    set: { abscondBaseHazardPerMonth: 0.01 }"), baseline)).toBeUndefined();
    expect(policyStart(variant("end: 2018-12\npolicy:\n  - from: 2018-12\n    set: { abscondBaseHazardPerMonth: 0.01 }"), baseline)).toBe("2018-12");
    expect(policyStart(variant('end: 2018-12\nseries:\n  jobOpeningsRatio:\n    "2019-06": 2'), baseline)).toBeUndefined();
  });

  it("hand-built objects, steps unsorted; periods that do not overlap: undefined", () => {
    const params = defaultParams();
    const ref: PolicyParts = { start: "2014-01", end: "2020-12", params, policy: [], series: {} };
    const s: PolicyParts = {
      ...ref,
      policy: [
        { from: "2019-01", set: { abscondBaseHazardPerMonth: 0.02 } },
        { from: "2016-05", set: { abscondBaseHazardPerMonth: 0.01 } },
      ],
    };
    expect(policyStart(s, ref)).toBe("2016-05");
    // Later steps of a month override earlier ones (as the engine applies them): back to the default.
    const undone: PolicyParts = { ...ref, policy: [{ from: "2016-05", set: { abscondBaseHazardPerMonth: 0.01 } }, { from: "2016-05", set: { abscondBaseHazardPerMonth: params.abscondBaseHazardPerMonth } }] };
    expect(policyStart(undone, ref)).toBeUndefined();
    expect(policyStart({ ...s, start: "2021-01", end: "2025-12" }, ref)).toBeUndefined();
    expect(policyStart({ ...ref, params: { ...params, debtCv: params.debtCv + 0.1 } }, ref)).toBe("2014-01");
    expect(policyStart({ ...ref, series: { wageIndex: { "2017-03": 1.5 } } }, ref)).toBe("2017-03");
  });
});

describe("policyStart: the library", () => {
  it("employer-pays against the baseline: the month of its first own policy step", () => {
    const file = parse(readFileSync("scenarios/employer-pays.yaml", "utf8")) as { policy: { from: string }[] };
    const own = file.policy.map((p) => String(p.from)).sort()[0]!;
    expect(own).toMatch(/^\d{4}-\d{2}$/);
    expect(policyStart(loadScenario("scenarios/employer-pays.yaml"), baseline)).toBe(own);
  });

  it("weak-yen against the baseline: the month after its linear decline's first point", () => {
    expect(policyStart(loadScenario("scenarios/weak-yen.yaml"), baseline)).toBe("2026-02");
  });

  it("every library scenario against the baseline: the first month its inputs differ (the oracle)", () => {
    const files = [
      ...readdirSync("scenarios").filter((f) => f.endsWith(".yaml")).map((f) => join("scenarios", f)),
      ...readdirSync("scenarios/esd-2027").filter((f) => f.endsWith(".yaml")).map((f) => join("scenarios/esd-2027", f)),
    ];
    expect(files.length).toBeGreaterThan(8);
    let dated = 0;
    for (const f of files) {
      const s = loadScenario(f);
      const expected = firstDifferingInput(s, baseline);
      expect(policyStart(s, baseline), f).toBe(expected);
      if (expected !== undefined && expected > baseline.start) dated++;
    }
    expect(dated).toBeGreaterThan(5);
  });

  it("the hand-built variants agree with the oracle too", () => {
    for (const body of [
      "policy:\n  - from: 2018-04\n    set: { abscondBaseHazardPerMonth: 0.01 }",
      'series:\n  yenValueIndex:\n    "2018-01": 1\n    "2019-01": 0.8',
      'series:\n  jobOpeningsRatio:\n    "2020-06": 2',
      "start: 2019-01\npolicy:\n  - from: 2017-06\n    set: { abscondBaseHazardPerMonth: 0.01 }",
      "policy:\n  - from: 2019-04\n    set: { sswAvailable: false }",
      "policy:\n  - from: 2018-04\n    set: { ti3Available: true }",
    ]) {
      const s = variant(body);
      expect(policyStart(s, baseline), body).toBe(firstDifferingInput(s, baseline));
    }
  });
});
