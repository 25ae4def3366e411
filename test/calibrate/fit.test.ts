// The fit report's chart (fit.svg): each panel's time axis labels whole years, each once, however
// few years its targets span.
import { describe, expect, it } from "vitest";
import { type FitRow, fitChartSpec } from "../../src/calibrate/fit.js";
import { type Target, loadTargets } from "../../src/calibrate/targets.js";
import { renderSvg } from "../../src/output/svg.js";

const ALL = loadTargets("data/observed/targets.csv");

/** A row per target with the observed value as the simulated mean. */
const rows = (targets: readonly Target[]): FitRow[] => targets.map((t) => ({
  target: t, values: [t.observed], mean: t.observed, low: t.observed * 0.9, high: t.observed * 1.1, min: t.observed, max: t.observed, within: "yes",
}));

/** Each x axis of the SVG: its tick labels, in order. */
function xAxisLabels(svg: string): string[][] {
  const axes: string[][] = [];
  for (const m of svg.matchAll(/aria-label="X-axis[^"]*"/g)) {
    const from = svg.indexOf("role-axis-label", m.index);
    const to = svg.indexOf("</g>", from);
    axes.push([...svg.slice(from, to).matchAll(/>([^<]*)<\/text>/g)].map((t) => t[1]!));
  }
  return axes;
}

describe("fit.svg's time axes", () => {
  const CASES: { name: string; targets: () => Target[] }[] = [
    { name: "every target (2014 to 2023)", targets: () => ALL },
    { name: "stocks of two Decembers a year apart", targets: () => ALL.filter((t) => t.metric === "ti_stock" && (t.date === "2014-12" || t.date === "2015-12")) },
    { name: "one stock date", targets: () => ALL.filter((t) => t.metric === "ti_stock" && t.date === "2019-12") },
    { name: "yearly counts of two years", targets: () => ALL.filter((t) => t.metric === "ti_missing" && (t.date === "2019" || t.date === "2020")) },
  ];

  it.each(CASES)("$name: whole years, none repeated", async ({ targets }) => {
    const picked = targets();
    expect(picked.length).toBeGreaterThan(0);
    const axes = xAxisLabels(await renderSvg(fitChartSpec(rows(picked), "fit")));
    expect(axes.length).toBeGreaterThan(0);
    for (const labels of axes) {
      expect(labels.length, "an axis without labels").toBeGreaterThan(0);
      for (const l of labels) expect(l).toMatch(/^\d{4}$/);
      expect(new Set(labels).size, `repeated years: ${labels.join(" ")}`).toBe(labels.length);
    }
  });
});
