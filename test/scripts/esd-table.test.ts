// scripts/esd-table.mjs: the 2027 library's table in docs/scenarios.md is written from a run, not
// typed. A tiny run of the library (scale 0.002, 2 replicates), then the script: its cells are
// effects.csv's and summary.csv's numbers at national scale, it writes only between its markers,
// and it refuses a run without the windows or the reference it needs.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const LIBRARY = readdirSync("scenarios/esd-2027").filter((f) => f.endsWith(".yaml")).sort().map((f) => join("scenarios/esd-2027", f));
const tmp = mkdtempSync(join(tmpdir(), "migsim-esd-table-"));
const run = join(tmp, "run");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const script = (...args: string[]) => spawnSync(process.execPath, ["scripts/esd-table.mjs", ...args], { encoding: "utf8" });
const rows = (file: string): Record<string, string>[] => parse(readFileSync(join(run, file), "utf8"), { columns: true });
/** As the script prints a national count: 3 significant figures, thousands separators, a true minus sign. */
const fmt = (x: number): string => {
  const r = Number(x.toPrecision(3));
  return (r < 0 ? "\u2212" : "") + Math.abs(r).toLocaleString("en-US");
};

beforeAll(async () => {
  const r = await runCli("run", ...LIBRARY, "--scale", "0.002", "--replicates", "2", "--seed", "1", "--quiet",
    "--window", "2027-04..2030-12", "--window", "2027-04..2035-12", "--reference", "no-reform", "--out", run);
  expect(r.code, r.stderr).toBe(0);
}, 300_000);

describe("scripts/esd-table.mjs", () => {
  it("the library has the seven files the table expects", () => {
    expect(LIBRARY.map((f) => f.split("/").pop())).toEqual([
      "esd-1-year.yaml", "esd-2-year.yaml", "esd-as-enacted.yaml", "esd-fee-cap-unenforced.yaml",
      "esd-stricter-japanese.yaml", "esd-tighter-caps.yaml", "no-reform.yaml",
    ]);
  });

  it("prints effects.csv's paired differences and summary.csv's reference levels at national scale", () => {
    const out = script(run, "--print");
    expect(out.status, out.stderr).toBe(0);
    const effects = rows("effects.csv");
    const summary = rows("summary.csv");
    const lines = out.stdout.split("\n");
    for (const horizon of ["2030-12", "2035-12"]) {
      const start = lines.indexOf(`**By ${horizon}**`);
      expect(start).toBeGreaterThan(-1);
      const table = lines.slice(start + 2, start + 11);
      const cells = (label: string): string[] => table.find((l) => l.startsWith(`| ${label} |`))!.split(" | ").slice(1);
      const e = effects.find((r) => r.scenario === "esd-as-enacted" && r.metric === `abscond_2027-04_${horizon}`)!;
      expect(e.reference).toBe("no-reform");
      const scale = Number(e.scale);
      expect(cells("ESD as enacted")[0]).toBe(
        `${Number(e.diff_mean) > 0 ? "+" : ""}${fmt(Number(e.diff_mean) / scale)} (${fmt(Number(e.diff_ci95_low) / scale)} to ${fmt(Number(e.diff_ci95_high) / scale)})`,
      );
      // The rate is not scaled.
      const rate = effects.find((r) => r.scenario === "esd-tighter-caps" && r.metric === `abscond_per_1000_ti_years_2027-04_${horizon}`)!;
      expect(cells("field caps 25% tighter")[1]!.startsWith(`${Number(rate.diff_mean) > 0 ? "+" : ""}${fmt(Number(rate.diff_mean))} (`)).toBe(true);
      const level = summary.find((r) => r.scenario === "no-reform" && r.metric === `stock_SSW1_${horizon}`)!;
      expect(cells("no reform (level)").at(-1)!.replace(/ \|$/, "")).toBe(fmt(Number(level.mean) / Number(level.scale)));
    }
  });

  it("writes between its markers and leaves the rest of the document as it was", () => {
    const doc = join(tmp, "doc.md");
    const before = "# Title\n\ntext before\n\n<!-- esd-2027-table:start -->\nold table\n<!-- esd-2027-table:end -->\n\ntext after\n";
    writeFileSync(doc, before);
    const out = script(run, "--doc", doc);
    expect(out.status, out.stderr).toBe(0);
    const after = readFileSync(doc, "utf8");
    expect(after.startsWith("# Title\n\ntext before\n\n<!-- esd-2027-table:start -->\n")).toBe(true);
    expect(after.endsWith("<!-- esd-2027-table:end -->\n\ntext after\n")).toBe(true);
    expect(after).not.toContain("old table");
    expect(after).toContain("| ESD as enacted |");
    // The same run gives the same bytes.
    script(run, "--doc", doc);
    expect(readFileSync(doc, "utf8")).toBe(after);
  });

  it("refuses a document without markers and a run without the windows, in one line, changing nothing", () => {
    const doc = join(tmp, "plain.md");
    writeFileSync(doc, "no markers\n");
    const noMarkers = script(run, "--doc", doc);
    expect(noMarkers.status).toBe(2);
    expect(noMarkers.stderr).toMatch(/^esd-table: .*no <!-- esd-2027-table:start -->/);
    expect(readFileSync(doc, "utf8")).toBe("no markers\n");
    const missing = script(join(tmp, "nowhere"), "--print");
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^esd-table: .*effects\.csv is missing/);
    expect(missing.stderr).not.toContain("    at ");
  });
});
