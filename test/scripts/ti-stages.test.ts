// scripts/ti-stages.mjs: interns by stage against ISA's counts (docs/validation.md, a pattern not
// fitted). A tiny run (scale 0.005, 1 replicate): the table has a row per observed figure with its
// observed value, and the simulated stages of a date add up to the TI stock that `migsim run` with
// the same seed writes for that month, so the script counts the run the fit makes.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliOk } from "../helpers/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "migsim-ti-stages-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const SCALE = 0.005;
const script = (...args: string[]) => spawnSync(process.execPath, ["scripts/ti-stages.mjs", ...args], { encoding: "utf8" });
const observed: Record<string, string>[] = parse(readFileSync("data/observed/ti_stage_stock.csv", "utf8"), { columns: true });
const number = (cell: string): number => Number(cell.replace(/,/g, ""));

let table: string[][] = [];
let tiStock = new Map<string, number>();
beforeAll(async () => {
  const r = script("--scale", String(SCALE), "--replicates", "1");
  expect(r.status, r.stderr).toBe(0);
  table = r.stdout.trim().split("\n").slice(2).map((line) => line.split("|").slice(1, -1).map((c) => c.trim()));
  await runCliOk("run", "scenarios/baseline.yaml", "--scale", String(SCALE), "--replicates", "1", "--seed", "1", "--until", "2023-12", "--quiet", "--out", join(tmp, "run"));
  const rows: Record<string, string>[] = parse(readFileSync(join(tmp, "run", "timeseries.csv"), "utf8"), { columns: true });
  tiStock = new Map();
  for (const row of rows) if (row.status === "TI") tiStock.set(row.date!, (tiStock.get(row.date!) ?? 0) + Number(row.national));
}, 300_000);

describe("scripts/ti-stages.mjs", () => {
  it("has a row per observed figure, with its observed value", () => {
    expect(table.map((r) => [r[0], r[1], number(r[2]!)])).toEqual(observed.map((o) => [o.date, `TI-${o.stage}`, Number(o.count)]));
  });

  it("the simulated stages of a date add up to the run's TI stock that month (2022-12: all three stages observed)", () => {
    const stages = table.filter((r) => r[0] === "2022-12").map((r) => number(r[3]!));
    expect(stages).toHaveLength(3);
    expect(stages.reduce((a, b) => a + b, 0)).toBe(tiStock.get("2022-12"));
  });

  it("refuses bad options with one line, no stack trace", () => {
    for (const args of [["--scale", "2"], ["--replicates", "0"], ["--bogus"], ["no-such.yaml"]]) {
      const r = script(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^ti-stages: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
