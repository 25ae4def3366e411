// The report of a run made before timeseries.csv and flows.csv had their `national` and
// `rate_per_1000_person_years` columns (derived from count): read as well as a run of today. The
// run here is today's, with those columns cut out and the manifest's sha256 updated to match.

import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRun } from "../../src/report/data.js";
import { makeTinyRun } from "./tiny-run.js";

let dir: string;
let legacy: string;
const tmp = mkdtempSync(join(tmpdir(), "migsim-legacy-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A CSV without the named columns (migsim's outputs quote no commas in these files). */
function dropColumns(text: string, drop: readonly string[]): string {
  const lines = text.split("\n");
  const keep = lines[0]!.split(",").map((c, k) => (drop.includes(c) ? -1 : k)).filter((k) => k >= 0);
  return lines.map((l) => (l === "" ? l : keep.map((k) => l.split(",")[k]).join(","))).join("\n");
}

beforeAll(async () => {
  dir = await makeTinyRun();
  legacy = join(tmp, "legacy");
  cpSync(dir, legacy, { recursive: true });
  const manifestPath = join(legacy, "manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { outputs: { file: string; sha256: string }[] };
  for (const f of ["timeseries.csv", "flows.csv"]) {
    const text = dropColumns(readFileSync(join(legacy, f), "utf8"), ["national", "rate_per_1000_person_years"]);
    writeFileSync(join(legacy, f), text);
    manifest.outputs.find((o) => o.file === f)!.sha256 = createHash("sha256").update(text).digest("hex");
  }
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
}, 120_000);

describe("a run without the national and rate columns", () => {
  it("loads with the same stocks and flows as the run it was cut from", async () => {
    expect(readFileSync(join(legacy, "flows.csv"), "utf8").split("\n")[0]!.split(",")).not.toContain("national");
    const [a, b] = [await loadRun(dir), await loadRun(legacy)];
    expect(b.series.length).toBe(a.series.length);
    b.series.forEach((s, k) => {
      expect([...s.stocks.entries()]).toEqual([...a.series[k]!.stocks.entries()]);
      expect(s.totals).toEqual(a.series[k]!.totals);
      expect(s.dates).toEqual(a.series[k]!.dates);
    });
  });
});
