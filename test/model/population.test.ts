import { describe, expect, it } from "vitest";
import { STOCK_CELLS, countStocks, createObservers } from "../../src/model/observers.js";
import { NATIONALITY_COUNT, Status } from "../../src/model/codes.js";
import {
  AGENT_FIELDS, addAgent, countLive, createPopulation, ensureCapacity, fieldWidth, getAgent, removeExited,
} from "../../src/model/population.js";
import type { Population } from "../../src/model/population.js";

/** A population of n agents whose every field holds a value derived from the row. */
function filled(n: number, capacity = n): Population {
  const pop = createPopulation(capacity);
  for (let k = 0; k < n; k++) {
    const i = addAgent(pop, 0);
    pop.status[i] = k % 7;
    pop.tiStage[i] = k % 7 === Status.TI ? 1 + (k % 3) : 0;
    pop.esd[i] = k % 2;
    pop.nationality[i] = k % NATIONALITY_COUNT;
    pop.sector[i] = k % 6;
    pop.employer[i] = k % 5 === 0 ? -1 : k;
    pop.birthMonth[i] = -300 - k;
    pop.inJapanSinceMonth[i] = -k;
    pop.statusSinceMonth[i] = -(k % 40);
    pop.employerSinceMonth[i] = -(k % 30);
    pop.workStatusMonthsBanked[i] = k % 20;
    pop.workStatusSinceMonth[i] = -(k % 25);
    pop.promisedWageYenPerMonth[i] = 180000 + k;
    pop.debtHomeYen[i] = 1000 * k;
    pop.savingsYen[i] = 2000 * k;
    pop.remittedYen[i] = 3000 * k;
    pop.family[i] = k % 16;
    pop.skill[i] = (k % 10) / 10;
    pop.japaneseLevel[i] = k % 6;
    pop.jobChanges[i] = k % 4;
    pop.brokerTie[i] = k % 2;
    pop.networkTies[i] = k % 21;
    for (let w = 0; w < 4; w++) pop.rng[4 * i + w] = 1000 * k + w;
  }
  return pop;
}

const rows = (pop: Population): Record<string, number>[] => Array.from({ length: pop.size }, (_, i) => getAgent(pop, i));

describe("createPopulation and addAgent", () => {
  it("has room for at least 16 agents and starts empty", () => {
    const pop = createPopulation(3);
    expect(pop.capacity).toBe(16);
    expect(pop.size).toBe(0);
    for (const f of AGENT_FIELDS) expect(pop[f].length).toBe(16 * fieldWidth(f));
  });

  it("appends zeroed rows with fresh ids, no employer and time spans starting in the given month, also in rows freed by compaction", () => {
    const pop = createPopulation(4);
    const first = addAgent(pop, 0);
    const second = addAgent(pop, 0);
    pop.debtHomeYen[first] = 99;
    pop.status[first] = Status.RETURNED; // leaves; its row is reclaimed below
    pop.debtHomeYen[second] = 42;
    pop.status[second] = Status.SIE;
    removeExited(pop);
    expect(pop.size).toBe(1);
    const a = addAgent(pop, 7); // row 1, last held by `second` before compaction moved it to row 0
    expect(a).toBe(1);
    expect(pop.id[a]).toBe(2);
    expect(pop.nextId).toBe(3);
    const r = getAgent(pop, a);
    for (const [f, v] of Object.entries(r)) {
      if (f === "id") continue;
      const startsNow = ["birthMonth", "inJapanSinceMonth", "statusSinceMonth", "employerSinceMonth", "workStatusSinceMonth"].includes(f);
      expect(v, f).toBe(f === "employer" ? -1 : startsNow ? 7 : 0);
    }
  });
});

describe("ensureCapacity", () => {
  it("does nothing when there is room", () => {
    const pop = filled(10, 16);
    const before = pop.debtHomeYen;
    ensureCapacity(pop, 6);
    expect(pop.capacity).toBe(16);
    expect(pop.debtHomeYen).toBe(before);
  });

  it("doubles the capacity as often as needed and preserves every field of every live row", () => {
    const pop = filled(16, 16);
    const before = rows(pop);
    ensureCapacity(pop, 50);
    expect(pop.capacity).toBe(128);
    expect(pop.size).toBe(16);
    expect(rows(pop)).toEqual(before);
    for (const f of AGENT_FIELDS) {
      expect(pop[f].length, f).toBe(128 * fieldWidth(f));
      expect(pop[f].constructor, f).toBe(createPopulation(1)[f].constructor);
    }
    // New rows can be added up to the capacity, and ids continue.
    for (let k = 0; k < 50; k++) addAgent(pop, 0);
    expect(pop.size).toBe(66);
    expect(pop.id[65]).toBe(65);
    expect(rows(pop).slice(0, 16)).toEqual(before);
  });

  it("keeps removeExited working after growth", () => {
    const pop = filled(16, 16);
    ensureCapacity(pop, 100);
    for (let k = 0; k < 100; k++) {
      const i = addAgent(pop, 0);
      pop.status[i] = k % 2 === 0 ? Status.RETURNED : Status.SIE;
    }
    removeExited(pop);
    expect(pop.size).toBe(16 + 50);
    for (let i = 0; i < pop.size; i++) expect(pop.status[i]! < Status.RETURNED).toBe(true);
  });
});

describe("removeExited", () => {
  it("removes exit rows and keeps the order and data of the others", () => {
    const pop = filled(30);
    const exitRows = [0, 3, 4, 17, 29];
    const exitStatus = [Status.RETURNED, Status.ONWARD, Status.DEPORTED, Status.RETURNED, Status.RETURNED];
    exitRows.forEach((r, k) => { pop.status[r] = exitStatus[k]!; });
    const before = rows(pop);
    removeExited(pop);
    expect(pop.size).toBe(25);
    expect(rows(pop)).toEqual(before.filter((_, r) => !exitRows.includes(r)));
    // Ids stay strictly increasing: order is kept.
    for (let i = 1; i < pop.size; i++) expect(pop.id[i]!).toBeGreaterThan(pop.id[i - 1]!);
  });

  it("leaves the stocks unchanged: exits are counted when they happen, not when rows are reclaimed", () => {
    const pop = filled(30);
    for (const r of [2, 9, 11]) pop.status[r] = Status.ONWARD;
    const obs = createObservers(1, false);
    countStocks(obs, pop, 0);
    const before = Array.from(obs.stocks);
    expect(countLive(pop)).toBe(27);
    removeExited(pop);
    countStocks(obs, pop, 0);
    expect(Array.from(obs.stocks)).toEqual(before);
    expect(countLive(pop)).toBe(27);
    expect(pop.size).toBe(27);
  });

  it("changes nothing when nobody left", () => {
    const pop = filled(12);
    const before = rows(pop);
    const data = pop.debtHomeYen;
    removeExited(pop);
    expect(pop.size).toBe(12);
    expect(rows(pop)).toEqual(before);
    expect(pop.debtHomeYen).toBe(data);
  });

  it("empties the population when everybody left, and never reuses ids", () => {
    const pop = filled(9);
    for (let i = 0; i < 9; i++) pop.status[i] = Status.ONWARD;
    removeExited(pop);
    expect(pop.size).toBe(0);
    expect(countLive(pop)).toBe(0);
    expect(pop.nextId).toBe(9);
    expect(pop.id[addAgent(pop, 0)]).toBe(9);
  });
});

describe("countStocks", () => {
  it("counts the agents in Japan by status x nationality: leavers' rows not yet reclaimed are not counted", () => {
    const pop = filled(21);
    pop.status[5] = Status.RETURNED; // a leaver whose row is not reclaimed yet: in the observers' exits only
    const obs = createObservers(1, false);
    obs.stocks.fill(123);
    countStocks(obs, pop, 4);
    const expected = new Float64Array(STOCK_CELLS);
    for (let i = 0; i < pop.size; i++) if (i !== 5) expected[pop.status[i]! * NATIONALITY_COUNT + pop.nationality[i]!]! += 1;
    expect(Array.from(obs.stocks)).toEqual(Array.from(expected));
    expect(obs.stocks.reduce((a, b) => a + b, 0)).toBe(20);
    expect(obs.stocksMonth).toBe(4);
  });
});
