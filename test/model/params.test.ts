// Every parameter carries its default, unit, plausible range and a source that resolves in
// docs/references.md, so `migsim params` and docs/parameters.md trace each one.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PARAMS, PARAM_NAMES, type ParamSpec } from "../../src/model/params.js";

const references = readFileSync("docs/references.md", "utf8");

describe("PARAMS", () => {
  it.each(PARAM_NAMES)("%s has a unit, a description and a sourced provenance", (name) => {
    const spec: ParamSpec = PARAMS[name];
    expect(spec.unit.length).toBeGreaterThan(0);
    expect(spec.description.length).toBeGreaterThan(10);
    expect(["data", "derived", "calibrated", "assumption"]).toContain(spec.source.kind);
    expect(spec.source.note.length).toBeGreaterThan(5);
    expect(references).toContain(`\`${spec.source.ref}\``);
  });

  it.each(PARAM_NAMES.filter((n) => "range" in PARAMS[n]))("%s has its default inside its plausible range", (name) => {
    const spec = PARAMS[name] as Extract<ParamSpec, { range: readonly [number, number] }>;
    const [lo, hi] = spec.range;
    expect(lo).toBeLessThanOrEqual(hi);
    expect(spec.default).toBeGreaterThanOrEqual(lo);
    expect(spec.default).toBeLessThanOrEqual(hi);
    if (spec.integer) expect(Number.isInteger(spec.default)).toBe(true);
  });
});
