// scripts/abscond-tenure.mjs: interns' months in Japan at absconding against MOJ's survey of the
// absconders caught in 2017 (docs/validation.md, a pattern not fitted). A tiny run (scale 0.01, 1
// replicate): the bins' shares add up to 100%, the columns 'entered in the run' and 'initial
// population' add up to 'all', and the counts add up to the abscond events that `migsim run` with
// the same seed writes for 2015-2017, so the script counts the run the fit makes.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliOk } from "../helpers/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "migsim-abscond-tenure-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const SCALE = 0.01;
const script = (...args: string[]) => spawnSync(process.execPath, ["scripts/abscond-tenure.mjs", ...args], { encoding: "utf8" });
const number = (cell: string): number => Number(cell.replace(/,/g, ""));
/** "55.4% (4,012)" -> [55.4, 4012]: the share and the national count per year. */
const cellParts = (cell: string): [number, number] => {
  const m = /^([\d.]+)% \(([\d,]+)\)$/.exec(cell);
  if (!m) throw new Error(`not a share and a count: ${cell}`);
  return [Number(m[1]), number(m[2]!)];
};

let rows: string[][] = [];
let abscondPerYear = 0;
beforeAll(async () => {
  const r = script("--scale", String(SCALE), "--replicates", "1");
  expect(r.status, r.stderr).toBe(0);
  rows = r.stdout.trim().split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| months")).map((line) => line.split("|").slice(1, -1).map((c) => c.trim()));
  await runCliOk("run", "scenarios/baseline.yaml", "--scale", String(SCALE), "--replicates", "1", "--seed", "1", "--until", "2017-12", "--quiet", "--out", join(tmp, "run"));
  const flows: Record<string, string>[] = parse(readFileSync(join(tmp, "run", "flows.csv"), "utf8"), { columns: true });
  const total = flows.filter((f) => f.event === "abscond" && f.date! >= "2015-01").reduce((a, f) => a + Number(f.national), 0);
  abscondPerYear = total / 3;
}, 300_000);

describe("scripts/abscond-tenure.mjs", () => {
  it("has the survey's bins, with the two observed figures", () => {
    expect(rows.map((r) => r[0])).toEqual(["within 1 month", "over 1 month, up to 1 year", "over 1 year, up to 2 years", "over 2 years, up to 3 years", "over 3 years"]);
    expect(rows[0]![1]).toBe("34 (1.2%)");
    expect(rows[2]![1]).toMatch(/^900\+/);
  });

  it("shares add up to 100%, and the two groups to all", () => {
    const all = rows.map((r) => cellParts(r[2]!));
    expect(all.reduce((a, [s]) => a + s, 0)).toBeCloseTo(100, 0);
    for (const r of rows) {
      const [, a] = cellParts(r[2]!);
      const parts = [r[3]!, r[4]!].map((c) => (c.startsWith("-") ? 0 : cellParts(c)[1]));
      // Each count is rounded on its own: the parts may differ from the whole by 1.
      expect(Math.abs(parts[0]! + parts[1]! - a)).toBeLessThanOrEqual(1);
    }
  });

  it("counts the abscond events of the run (migsim run, same seed), 2015-2017", () => {
    const sum = rows.reduce((a, r) => a + cellParts(r[2]!)[1], 0);
    // Five counts, each rounded to a whole person per year.
    expect(Math.abs(sum - abscondPerYear)).toBeLessThanOrEqual(3);
    expect(sum).toBeGreaterThan(0);
  });

  it("refuses bad options with one line, no stack trace", () => {
    for (const args of [["--scale", "2"], ["--replicates", "0"], ["--from", "2010"], ["--from", "2018", "--to", "2017"], ["--bogus"], ["no-such.yaml"]]) {
      const r = script(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^abscond-tenure: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
