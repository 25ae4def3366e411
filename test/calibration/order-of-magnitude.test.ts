// The baseline against every observed stock and missing count of 2017-2021 (data/observed): the
// simulated national figure must be within a factor of 2 of the observed one. This is the
// "right order of magnitude" promise of docs/model.md (Calibration status), checked at scale
// 0.02, where sampling noise is a few per cent of these counts (binomial sd of a stock of 250,000
// simulated at 2% is sqrt(5,000) / 5,000 = 1.4%; of 7,000 missing a year, about 8%).
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { simulate } from "../../src/engine/simulate.js";
import { taskSeed } from "../../src/engine/rng.js";
import { EventCode, NATIONALITY_CODES, NATIONALITY_COUNT, STATUS_CODES, STATUS_COUNT } from "../../src/model/codes.js";
import { parseMonth } from "../../src/model/inputs.js";
import { loadScenario } from "../../src/scenario/load.js";
import { buildInputs } from "../../src/scenario/resolve.js";
import { FROM_SLOTS, STOCK_CELLS } from "../../src/model/observers.js";

const SCALE = 0.02;
const inputs = buildInputs(loadScenario("scenarios/baseline.yaml"), { scale: SCALE, until: "2021-12" });
const result = simulate(inputs, taskSeed(1, 1), { collectEvents: false });
const rows = (file: string): Record<string, string>[] => parse(readFileSync(`data/observed/${file}`, "utf8"), { columns: true }) as Record<string, string>[];

function simulatedStock(date: string, status: string, nationality: string): number {
  const t = parseMonth(date) - inputs.startMonthAbs;
  const st = STATUS_CODES.indexOf(status as never);
  let n = 0;
  for (let nat = 0; nat < NATIONALITY_COUNT; nat++) {
    if (nationality === "ALL" || NATIONALITY_CODES[nat] === nationality) n += result.stocks[t * STOCK_CELLS + st * NATIONALITY_COUNT + nat]!;
  }
  return n / SCALE;
}

const stockTargets = [
  ...rows("ti_stock.csv").map((r): Record<string, string> => ({ ...r, status: "TI" })),
  ...rows("ssw_stock.csv").map((r): Record<string, string> => ({ ...r, status: "SSW1" })),
  ...rows("sie_stock.csv").map((r): Record<string, string> => ({ ...r, status: "SIE" })),
]
  .filter((r) => r.date! >= "2017-01" && r.date! <= "2021-12")
  // SSW1 before 2020 is checked by targets-fit.test.ts: 2019-09 (219 holders) is below what a 2%
  // sample resolves, and 2019-12 is a known miss of the calibrated uptake ramp (docs/calibration.md).
  .filter((r) => !(r.status === "SSW1" && r.date! < "2020-01"))
  .map((r) => [`${r.status} ${r.nationality} ${r.date}`, r] as const);

describe("baseline at scale 0.02 against observed stocks, 2017-2021", () => {
  it.each(stockTargets)("%s within a factor of 2", (_, r) => {
    const sim = simulatedStock(r.date!, r.status!, r.nationality!);
    const obs = Number(r.count);
    expect(sim / obs, `simulated ${Math.round(sim)} vs observed ${obs}`).toBeGreaterThan(0.5);
    expect(sim / obs, `simulated ${Math.round(sim)} vs observed ${obs}`).toBeLessThan(2);
  });
});

describe("baseline against interns reported missing, 2017-2020", () => {
  const perEvent = FROM_SLOTS * STATUS_COUNT * NATIONALITY_COUNT;
  const byYear = new Map<number, number>();
  for (let k = 0; k < result.flows.length; k += 3) {
    if (Math.floor(result.flows[k + 1]! / perEvent) !== EventCode.abscond) continue;
    const year = Math.floor((inputs.startMonthAbs + result.flows[k]!) / 12);
    byYear.set(year, (byYear.get(year) ?? 0) + result.flows[k + 2]! / SCALE);
  }
  const targets = rows("ti_missing.csv").filter((r) => Number(r.year) >= 2017 && Number(r.year) <= 2020).map((r) => [r.year!, r] as const);
  it.each(targets)("%s within a factor of 2", (year, r) => {
    const sim = byYear.get(Number(year)) ?? 0;
    const obs = Number(r.missing);
    expect(sim / obs, `simulated ${Math.round(sim)} vs observed ${obs}`).toBeGreaterThan(0.5);
    expect(sim / obs, `simulated ${Math.round(sim)} vs observed ${obs}`).toBeLessThan(2);
  });
});
