// Task rows are assembled from cells that csv-stringify formatted once (output/csv.ts): they must
// be the bytes csv-stringify gives for the same rows, including cells that need quoting.
import { stringify } from "csv-stringify/sync";
import { describe, expect, it } from "vitest";
import type { RunResult } from "../../src/engine/simulate.js";
import { EVENT_CODES, EventCode, NATIONALITY_CODES, NATIONALITY_COUNT, NO_STATUS, STATUS_CODES, STATUS_COUNT, Status } from "../../src/model/codes.js";
import { formatMonth } from "../../src/model/inputs.js";
import { csvCell, formatTaskCsv, formatTaskRows, taskRowsText } from "../../src/output/csv.js";
import type { Task } from "../../src/run/tasks.js";
import { EVENT_LOG_WIDTH, FROM_SLOTS, STOCK_CELLS } from "../../src/model/observers.js";

const START = 2019 * 12; // 2019-01
const task: Task = { index: 3, scenarioIndex: 0, inputsIndex: 0, scenario: 'odd, "quoted" name', point: 2, replicate: 4, seed: 123456789 };
// Sweep cells: a number that is not an integer, an empty cell, text with a comma.
const extra = [task.seed, task.point, 0.1 + 0.2, "", "a,b"];

function flowIndex(event: number, from: number, to: number, nat: number): number {
  const fromSlot = from === NO_STATUS ? STATUS_COUNT : from;
  return ((event * FROM_SLOTS + fromSlot) * STATUS_COUNT + to) * NATIONALITY_COUNT + nat;
}

function result(): RunResult {
  const months = 3;
  const stocks = new Float64Array(months * STOCK_CELLS);
  stocks.forEach((_, k) => (stocks[k] = k % 5 === 0 ? 0 : k * 0.25)); // integers and fractions
  // Also the last codes: a returnee's entry from RETURNED, a move to DESIGNATED (permit), a TI -> SUBSIDIARY return.
  const flows = Float64Array.from([
    0, flowIndex(0, NO_STATUS, 0, 1), 7,
    1, flowIndex(EventCode.entry, Status.RETURNED, Status.SSW1, 4), 2,
    2, flowIndex(1, 0, 4, 0), 1.5,
    2, flowIndex(EventCode.permit, Status.PROVISIONAL, Status.DESIGNATED, 5), 1,
    2, flowIndex(EventCode.return, Status.TI, Status.SUBSIDIARY, NATIONALITY_COUNT - 1), 3,
  ]);
  const events = Int32Array.from([
    1, 42, 2, 0, NO_STATUS, 0, 0, 1, 290, 0,
    2, 43, 0, 1, 0, 4, 0, 0, 300, 20,
    2, 17, 4, EventCode.entry, Status.RETURNED, Status.SSW1, 1, 3, 400, 0,
    2, 44, 6, EventCode.return, Status.TI, Status.SUBSIDIARY, 2, 4, 350, 36,
  ]);
  return { months, stocks, flows, events, agentMonths: 0, agentsCreated: 0, agentsWithJobChange: 0, exitMonthsHist: new Float64Array(1), sieCohorts: new Float64Array(1), stocksByGroup: new Float64Array(0), flowsByGroup: new Float64Array(0), ti3Stock: new Float64Array(months) };
}

/** The rows' spec: scale 0.25, so national = 4 x count; no breakdown. */
const SPEC = { startMonthAbs: START, extra, scale: 0.25, breakdown: [] };
/** A number as the outputs write it (10 significant digits). */
const num = (x: number): string => String(Number(x.toPrecision(10)));

describe("formatTaskRows / taskRowsText", () => {
  const r = result();
  const lead = [task.scenario, task.replicate];
  const status = (s: number): string => (s === NO_STATUS ? "" : STATUS_CODES[s]!);

  it("writes timeseries rows byte for byte as csv-stringify does", () => {
    const rows: unknown[][] = [];
    for (let t = 0; t < r.months; t++) {
      for (let st = 0; st < STATUS_COUNT; st++) {
        for (let nat = 0; nat < NATIONALITY_COUNT; nat++) {
          const count = r.stocks[t * STOCK_CELLS + st * NATIONALITY_COUNT + nat]!;
          rows.push([...lead, t, formatMonth(START + t), STATUS_CODES[st], NATIONALITY_CODES[nat], count, num(count * 4), ...extra]);
        }
      }
    }
    const text = taskRowsText("timeseries", task, r, SPEC);
    expect(text).toBe(stringify(rows));
    expect(text.split("\n")[0]).toMatch(/^"odd, ""quoted"" name",4,0,2019-01,TI,/);
    expect(text.split("\n")[0]).toMatch(/,123456789,2,0\.30000000000000004,,"a,b"$/);
  });

  it("writes flows and events (with an empty from-status) as csv-stringify does", () => {
    // The rate: 12,000 x count / the from-status's stock (same nationality) at the end of the month before.
    const stock = (t: number, st: number, nat: number): number => r.stocks[t * STOCK_CELLS + st * NATIONALITY_COUNT + nat]!;
    const flows = [
      // Month 0 has no month before; entries and re-entries have no from-status in Japan.
      [...lead, 0, "2019-01", EVENT_CODES[0], "", STATUS_CODES[0], NATIONALITY_CODES[1], 7, num(28), "", ...extra],
      [...lead, 1, "2019-02", "entry", "RETURNED", "SSW1", NATIONALITY_CODES[4], 2, num(8), "", ...extra],
      [...lead, 2, "2019-03", EVENT_CODES[1], STATUS_CODES[0], STATUS_CODES[4], NATIONALITY_CODES[0], 1.5, num(6), num((12000 * 1.5) / stock(1, 0, 0)), ...extra],
      [...lead, 2, "2019-03", "permit", "PROVISIONAL", "DESIGNATED", NATIONALITY_CODES[5], 1, num(4), num(12000 / stock(1, Status.PROVISIONAL, 5)), ...extra],
      [...lead, 2, "2019-03", "return", "TI", "SUBSIDIARY", NATIONALITY_CODES[NATIONALITY_COUNT - 1], 3, num(12), num(36000 / stock(1, Status.TI, NATIONALITY_COUNT - 1)), ...extra],
    ];
    expect(stock(1, 0, 0)).toBeGreaterThan(0);
    expect(taskRowsText("flows", task, r, SPEC)).toBe(stringify(flows));
    const events = [
      [...lead, 1, "2019-02", 42, NATIONALITY_CODES[2], EVENT_CODES[0], status(NO_STATUS), STATUS_CODES[0], ...extra],
      [...lead, 2, "2019-03", 43, NATIONALITY_CODES[0], EVENT_CODES[1], status(0), STATUS_CODES[4], ...extra],
      [...lead, 2, "2019-03", 17, NATIONALITY_CODES[4], "entry", "RETURNED", "SSW1", ...extra],
      [...lead, 2, "2019-03", 44, NATIONALITY_CODES[6], "return", "TI", "SUBSIDIARY", ...extra],
    ];
    expect(taskRowsText("events", task, r, SPEC)).toBe(stringify(events));
  });

  it("formatTaskCsv encodes each named output as UTF-8, in the order named", () => {
    const spec = { ...SPEC, names: ["flows", "timeseries"] as const };
    const [flows, timeseries] = formatTaskCsv(spec, task, r);
    const decoder = new TextDecoder();
    expect(decoder.decode(flows)).toBe(taskRowsText("flows", task, r, SPEC));
    expect(decoder.decode(timeseries)).toBe(taskRowsText("timeseries", task, r, SPEC));
  });

  it("csvCell quotes what csv-stringify quotes and leaves plain text and numbers alone", () => {
    expect(csvCell("TI")).toBe("TI");
    expect(csvCell("")).toBe("");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(-0)).toBe("0");
    expect(csvCell(1e21)).toBe("1e+21");
  });
});

describe("formatTaskRows in chunks", () => {
  it("emits a long output in chunks of at most 20,000 rows whose concatenation is the whole text", () => {
    const n = 45_000; // events: 3 chunks
    const events = new Int32Array(EVENT_LOG_WIDTH * n);
    for (let k = 0; k < n; k++) events.set([k % 3, k, k % NATIONALITY_COUNT, 0, NO_STATUS, 0, 0, 1, 300, 0], EVENT_LOG_WIDTH * k);
    const r: RunResult = { ...result(), events };
    const chunks: string[] = [];
    formatTaskRows("events", task, r, SPEC, (text) => chunks.push(text));
    expect(chunks.map((c) => c.split("\n").length - 1)).toEqual([20000, 20000, 5000]);
    expect(chunks.join("")).toBe(stringify(Array.from({ length: n }, (_, k) => [task.scenario, task.replicate, k % 3, formatMonth(START + (k % 3)), k,
      NATIONALITY_CODES[k % NATIONALITY_COUNT], EVENT_CODES[0], "", STATUS_CODES[0], ...extra])));
  });
});
