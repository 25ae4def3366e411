// Returnees who come back (returnees.ts, entries.ts addSsw1Entrant): who is kept on going home
// (mayComeBack), what is kept, the re-entry window, and a returnee coming back as an SSW1 entrant
// from abroad as the same agent: same id, age, field, skill, Japanese and generator, its entry
// recorded from RETURNED. The entries stream takes the same draws whether or not a returnee comes
// back (common random numbers).

import { describe, expect, it } from "vitest";
import { simulate } from "../../src/engine/simulate.js";
import { taskSeed } from "../../src/engine/rng.js";
import { type Uniform, agentDraw } from "../../src/model/agent-rng.js";
import { EventCode, Family, NATIONALITY_COUNT, NO_STATUS, Nationality, SECTOR_COUNT, STATUS_COUNT, Sector, Status } from "../../src/model/codes.js";
import { ENTRY_KINDS } from "../../src/model/inputs.js";
import { stepMonth } from "../../src/model/month.js";
import { FROM_SLOTS, STOCK_CELLS, flowIndex } from "../../src/model/observers.js";
import { type Params } from "../../src/model/params.js";
import { RNG_WORDS } from "../../src/model/population.js";
import { createReturneePool, dropExpiredReturnees, keepReturnee, mayComeBack } from "../../src/model/returnees.js";
import type { SimState } from "../../src/model/state.js";
import { moveStatus } from "../../src/model/transitions/moves.js";
import { ssw1AtCap } from "../../src/model/transitions/ssw.js";
import { monthsInStatus } from "../../src/model/population.js";
import { loadScenario } from "../../src/scenario/load.js";
import { buildInputs } from "../../src/scenario/resolve.js";
import { type AgentInit, makeState, seeded } from "../helpers/state.js";
import { NO_HAZARDS, describeEvent, flow, loggedEvents } from "./support.js";

const VN = Nationality.VN;

/** Agent i's generator state (RNG_WORDS words). */
const rngOf = (s: SimState, i: number): number[] => Array.from(s.pop.rng.subarray(RNG_WORDS * i, RNG_WORDS * (i + 1)));

/** A generator state advanced by `steps` draws. */
function stepped(state: number[], steps: number): number[] {
  const copy = Uint32Array.from(state);
  for (let k = 0; k < steps; k++) agentDraw(copy, 0);
  return Array.from(copy);
}

describe("mayComeBack: who is kept on going home", () => {
  // Each case: the agent, the status it leaves, whether it may come back as SSW1.
  const cases: [string, AgentInit, boolean][] = [
    ["an intern leaving at TI-1's end", { tiStage: 1, monthsInStatus: 12 }, false],
    ["an early return at stage 2, before 36 months", { tiStage: 2, monthsInStatus: 35 }, false],
    ["an intern who finished TI-2 (36 months)", { tiStage: 2, monthsInStatus: 36 }, true],
    ["an intern in TI-3, before its end", { tiStage: 3, monthsInStatus: 40 }, true],
    ["an intern who finished TI-3 (60 months)", { tiStage: 3, monthsInStatus: 60 }, true],
    ["a sponsored intern waiting for SSW1", { tiStage: 4, monthsInStatus: 37 }, true],
    ["an ESD intern before its 36 months", { esd: 1, tiStage: 1, monthsInStatus: 35 }, false],
    ["an ESD intern who finished its 36 months", { esd: 1, tiStage: 1, monthsInStatus: 36 }, true],
    ["an SSW1 holder", { status: Status.SSW1, tiStage: 0, monthsInStatus: 3 }, true],
    ["an SSW1 holder at the 5-year cap", { status: Status.SSW1, tiStage: 0, monthsInStatus: 60 }, false],
    ["an SSW2 holder (would come back on SSW2, which entries do not have)", { status: Status.SSW2, tiStage: 0, monthsInStatus: 30 }, false],
    ["an SIE", { status: Status.SIE, tiStage: 0, monthsInStatus: 30 }, false],
    ["a permanent resident", { status: Status.PR, tiStage: 0, monthsInStatus: 30 }, false],
    ["an undocumented worker (formerly an intern who finished TI-2)", { status: Status.IRREGULAR, tiStage: 0, employer: -1, monthsInStatus: 40 }, false],
    ["an asylum applicant", { status: Status.ASYLUM, tiStage: 0, employer: -1 }, false],
    ["someone on provisional release", { status: Status.PROVISIONAL, tiStage: 0, employer: -1 }, false],
    ["someone on designated activities", { status: Status.DESIGNATED, tiStage: 0, employer: -1, monthsInStatus: 40 }, false],
  ];

  for (const [what, agent, back] of cases) {
    it(`${back ? "keeps" : "does not keep"} ${what}`, () => {
      const s = makeState({ params: NO_HAZARDS, agents: [agent] });
      expect(mayComeBack(s.pop, 0, s.pop.status[0]!, 0, s.params.ssw1CapMonths)).toBe(back);
      // moveStatus to RETURNED keeps exactly those.
      moveStatus(s, 0, Status.RETURNED);
      expect(s.returnees[VN]!.size).toBe(back ? 1 : 0);
    });
  }

  it("keeps no one who leaves otherwise: deported, onward, hired by a subsidiary", () => {
    const s = makeState({
      params: NO_HAZARDS,
      agents: [
        { status: Status.DETAINED, tiStage: 0, employer: -1 },
        { status: Status.PROVISIONAL, tiStage: 0, employer: -1 },
        { status: Status.SSW1, tiStage: 0 },
        { tiStage: 2, monthsInStatus: 36 },
      ],
    });
    moveStatus(s, 0, Status.DEPORTED);
    moveStatus(s, 1, Status.DEPORTED);
    moveStatus(s, 2, Status.ONWARD);
    moveStatus(s, 3, Status.SUBSIDIARY);
    expect(s.returnees.map((b) => b.size)).toEqual(new Array(NATIONALITY_COUNT).fill(0));
  });
});

describe("keepReturnee and the pool", () => {
  it("keeps id, field, age, family, skill, Japanese, ties, generator and the month, in the nationality's bucket", () => {
    const s = makeState({
      params: NO_HAZARDS,
      agents: [{ status: Status.SSW1, tiStage: 0, nationality: Nationality.PH, sector: Sector.food, employer: 2 * Sector.food, ageMonths: 333, family: Family.partner, skill: 0.61, japaneseLevel: 3, networkTies: 9 }],
    });
    s.ctx.month = 5;
    const rng = rngOf(s, 0);
    moveStatus(s, 0, Status.RETURNED);
    const b = s.returnees[Nationality.PH]!;
    expect(b.size).toBe(1);
    expect([b.id[0], b.sector[0], b.birthMonth[0], b.family[0], b.japaneseLevel[0], b.networkTies[0], b.returnedMonth[0]])
      .toEqual([s.pop.id[0], Sector.food, 0 - 333, Family.partner, 3, 9, 5]);
    expect(b.skill[0]).toBe(Math.fround(0.61));
    expect(Array.from(b.rng.subarray(0, RNG_WORDS))).toEqual(rng);
  });

  it("grows a bucket past its first capacity without losing anyone, and drops returnees who went home windowMonths or more ago", () => {
    const s = makeState({ params: NO_HAZARDS, agents: Array.from({ length: 40 }, (_, k) => ({ status: Status.SSW1, tiStage: 0, japaneseLevel: k % 6 })) });
    const pool = createReturneePool();
    for (let i = 0; i < 40; i++) keepReturnee(pool, s.pop, i, i); // agent i went home in month i
    expect(pool[VN]!.size).toBe(40);
    expect(Array.from(pool[VN]!.id.subarray(0, 40))).toEqual(Array.from(s.pop.id.subarray(0, 40)));
    // In month 50 with a window of 20: those who left in months 31..39 remain (50 - m < 20).
    dropExpiredReturnees(pool, 50, 20);
    const b = pool[VN]!;
    const kept = Array.from(b.returnedMonth.subarray(0, b.size)).sort((x, y) => x - y);
    expect(kept).toEqual([31, 32, 33, 34, 35, 36, 37, 38, 39]);
    // Rows stay whole when they move: each kept row still has its own agent's attributes.
    for (let k = 0; k < b.size; k++) {
      const i = b.returnedMonth[k]!;
      expect([b.id[k], b.japaneseLevel[k]]).toEqual([s.pop.id[i], i % 6]);
    }
  });
});

/**
 * A state with an intern (VN, construction, at a non-promoting employer) who finishes TI-2 and
 * goes home in month 0 (sponsorship 0, no TI-3, no subsidiary), and four SIEs who never move (so
 * the leaver's row is not compacted away and can be read after the month). SSW1 entrants from
 * abroad come from `entrantNationality`, in food unless they are returnees, one in each month
 * of `entryMonths`.
 */
function returneeWorld(params: Partial<Params>, entryMonths: number[], entrantNationality: number = VN, entries?: Uniform) {
  const stay: AgentInit = { status: Status.SIE, tiStage: 0, sector: Sector.professional, employer: 2 * Sector.professional, family: Family.partner | Family.partnerInJapan };
  const s = makeState({
    params: {
      ...NO_HAZARDS, sswAvailable: true, ti3Available: false, otherSponsorProb: 0, subsidiaryHireProbAtPromoter: 0,
      ssw1StockCapOn: false, ssw1ReturneeEntryShare: 1, returneeReentryWindowMonths: 120, familyAccompanimentSsw1: false, ...params,
    },
    agents: [
      {
        tiStage: 2, monthsInStatus: 36, monthsInJapan: 36, nationality: VN, sector: Sector.construction, employer: 2 * Sector.construction,
        ageMonths: 300, family: Family.partner, skill: 0.55, japaneseLevel: 3, networkTies: 7,
      },
      stay, stay, stay, stay,
    ],
    months: 12,
    ...(entries ? { streams: { entries } } : {}),
  });
  // Every entrant of every kind from `entrantNationality`, in the food sector.
  s.inputs.entryNationalityShare.fill(0);
  s.inputs.entrySectorShare.fill(0);
  for (let k = 0; k < ENTRY_KINDS; k++) {
    s.inputs.entryNationalityShare[k * NATIONALITY_COUNT + entrantNationality] = 1;
    s.inputs.entrySectorShare[k * SECTOR_COUNT + Sector.food] = 1;
  }
  for (const m of entryMonths) s.inputs.series.ssw1EntriesPerYear[m] = 12; // one a month at scale 1
  return s;
}

/** The row of the last agent added. */
const lastRow = (s: SimState): number => s.pop.size - 1;

describe("returnees coming back as SSW1 entrants from abroad", () => {
  it("with ssw1ReturneeEntryShare 1: the finished intern comes back as the same agent, its entry recorded from RETURNED", () => {
    const s = returneeWorld({}, [1]);
    const rngAtStart = rngOf(s, 0);
    stepMonth(s, 0);
    // Month 0: the intern went home through the kernel (one decision draw), and was kept.
    expect(s.pop.status[0]).toBe(Status.RETURNED);
    expect(loggedEvents(s).map(describeEvent)).toEqual(["return:TI->RETURNED"]);
    expect(s.returnees[VN]!.size).toBe(1);
    const atReturn = {
      id: s.pop.id[0], birthMonth: s.pop.birthMonth[0], sector: s.pop.sector[0], skill: s.pop.skill[0],
      japaneseLevel: s.pop.japaneseLevel[0], networkTies: s.pop.networkTies[0], family: s.pop.family[0],
    };
    const rngAtReturn = rngOf(s, 0);
    expect(rngAtReturn).toEqual(stepped(rngAtStart, 1));
    const logLength = s.obs.log!.length;

    stepMonth(s, 1);
    const i = lastRow(s);
    expect(i).toBe(5);
    expect({
      id: s.pop.id[i], birthMonth: s.pop.birthMonth[i], sector: s.pop.sector[i], skill: s.pop.skill[i],
      japaneseLevel: s.pop.japaneseLevel[i], networkTies: s.pop.networkTies[i], family: s.pop.family[i],
    }).toEqual(atReturn);
    expect(s.pop.status[i]).toBe(Status.SSW1);
    expect(s.pop.nationality[i]).toBe(VN);
    // Back in its own field (construction), not the newcomers' (food), on SSW1 pay at its new employer.
    const e = s.pop.employer[i]!;
    expect(s.employers.sector[e]).toBe(Sector.construction);
    expect(s.pop.promisedWageYenPerMonth[i]).toBeCloseTo(s.params.ssw1WageYenPerMonth * s.employers.wageLevel[e]!, 0);
    // Its generator continues: month 1's decision draw is the next of the sequence it left with.
    expect(rngOf(s, i)).toEqual(stepped(rngAtReturn, 1));
    // A new stay in Japan.
    expect(s.pop.inJapanSinceMonth[i]).toBe(1);
    expect(s.pop.statusSinceMonth[i]).toBe(1);
    const entry = loggedEvents(s, logLength);
    expect(entry).toEqual([{ month: 1, id: atReturn.id, nat: VN, event: EventCode.entry, from: Status.RETURNED, to: Status.SSW1 }]);
    expect(flow(s, EventCode.entry, Status.RETURNED, Status.SSW1, VN)).toBe(1);
    expect(flow(s, EventCode.entry, NO_STATUS, Status.SSW1, VN)).toBe(0);
    expect(s.returnees[VN]!.size).toBe(0); // came back once
  });

  it("with ssw1ReturneeEntryShare 0, no returnee comes back: the entrant is a newcomer with a new id", () => {
    const s = returneeWorld({ ssw1ReturneeEntryShare: 0 }, [1]);
    stepMonth(s, 0);
    const id = s.pop.id[0];
    stepMonth(s, 1);
    const i = lastRow(s);
    expect(s.pop.id[i]).not.toBe(id);
    expect(s.pop.id[i]).toBe(s.pop.nextId - 1);
    expect(s.pop.sector[i]).toBe(Sector.food);
    expect(loggedEvents(s).filter((e) => e.event === EventCode.entry).map(describeEvent)).toEqual(["entry:-->SSW1"]);
    expect(flow(s, EventCode.entry, Status.RETURNED, Status.SSW1, VN)).toBe(0);
    expect(s.returnees[VN]!.size).toBe(1); // still waiting
  });

  it("takes returnees of the entrant's nationality only", () => {
    const s = returneeWorld({}, [1], Nationality.CN);
    stepMonth(s, 0);
    stepMonth(s, 1);
    expect(loggedEvents(s).filter((e) => e.event === EventCode.entry).map(describeEvent)).toEqual(["entry:-->SSW1"]);
    expect(s.pop.nationality[lastRow(s)]).toBe(Nationality.CN);
    expect(s.returnees[VN]!.size).toBe(1);
  });

  it("never brings back a returnee who went home returneeReentryWindowMonths or more months ago", () => {
    const from = (entryMonth: number): number => {
      const s = returneeWorld({ returneeReentryWindowMonths: 3 }, [entryMonth]);
      for (let t = 0; t <= entryMonth; t++) stepMonth(s, t);
      const [entry] = loggedEvents(s).filter((e) => e.event === EventCode.entry);
      expect(entry!.month).toBe(entryMonth);
      return entry!.from;
    };
    expect(from(2)).toBe(Status.RETURNED); // 2 months after going home (month 0): within the window
    expect(from(3)).toBe(NO_STATUS); // 3 months: dropped at the start of the month's entries
    expect(from(7)).toBe(NO_STATUS);
  });

  it("takes the same draws from the entries stream whether or not a returnee comes back (common random numbers)", () => {
    const counted = (): Uniform & { calls: number } => {
      const base = seeded("entries");
      const f = (() => {
        f.calls++;
        return base();
      }) as Uniform & { calls: number };
      f.calls = 0;
      return f;
    };
    const runs = [0, 1].map((share) => {
      const entries = counted();
      const s = returneeWorld({ ssw1ReturneeEntryShare: share }, [1, 2, 3], VN, entries);
      for (let t = 0; t <= 3; t++) stepMonth(s, t);
      return { s, entries };
    });
    const [newcomer, returnee] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(returnee.s.pop.id.subarray(5, 8)).toContain(newcomer.s.pop.id[0]); // the returnee came back in one run only
    expect(newcomer.s.pop.id.subarray(5, 8)).not.toContain(newcomer.s.pop.id[0]);
    expect(returnee.entries.calls).toBe(newcomer.entries.calls);
    expect(returnee.entries()).toBe(newcomer.entries()); // and the stream is at the same point
    // What the entries stream gave the entrant and a returnee does not bring back is the same.
    for (let i = 5; i < 8; i++) {
      expect(returnee.s.pop.debtHomeYen[i], `row ${i}`).toBe(newcomer.s.pop.debtHomeYen[i]);
      expect(returnee.s.pop.brokerTie[i], `row ${i}`).toBe(newcomer.s.pop.brokerTie[i]);
    }
  });

  // keepReturnee runs before the exit clears the family-in-Japan flags, so it clears them itself:
  // the family went home with the agent, and an SSW1 re-entrant may not bring family.
  it("a former SSW1 holder whose family lived in Japan comes back with that family at home, as it left", () => {
    const s = returneeWorld({}, [1]);
    const all = Family.partner | Family.partnerInJapan | Family.children | Family.childrenInJapan;
    s.pop.status[0] = Status.SSW1;
    s.pop.tiStage[0] = 0;
    s.pop.family[0] = all;
    moveStatus(s, 0, Status.RETURNED);
    expect(s.pop.family[0]).toBe(Family.partner | Family.children); // the exit takes the family home
    stepMonth(s, 1);
    const i = lastRow(s);
    expect(loggedEvents(s).filter((e) => e.event === EventCode.entry).map(describeEvent)).toEqual(["entry:RETURNED->SSW1"]);
    expect(s.pop.family[i]).toBe(Family.partner | Family.children);
  });

  // rules.md allows SSW (i) for 5 years in total: a holder at the cap is not kept, and one below it
  // comes back with the months already used.
  it("an SSW1 holder who went home at the 5-year cap does not come back for a new 5 years", () => {
    const s = returneeWorld({}, [1]);
    s.pop.status[0] = Status.SSW1;
    s.pop.tiStage[0] = 0;
    s.pop.statusSinceMonth[0] = -s.params.ssw1CapMonths;
    expect(ssw1AtCap(s, 0)).toBe(true);
    moveStatus(s, 0, Status.RETURNED); // as decideSsw1 does at the cap when not moving up to SSW2
    stepMonth(s, 1);
    const i = lastRow(s);
    const cameBack = s.pop.id[i] === s.pop.id[0];
    expect(cameBack && !ssw1AtCap(s, i)).toBe(false);
  });

  it("an SSW1 holder who went home after 30 months comes back with those 30 months on SSW1 used (0 more in its entry month, like any entrant)", () => {
    const s = returneeWorld({}, [1]);
    s.pop.status[0] = Status.SSW1;
    s.pop.tiStage[0] = 0;
    s.pop.statusSinceMonth[0] = -30;
    moveStatus(s, 0, Status.RETURNED);
    stepMonth(s, 1);
    const i = lastRow(s);
    expect(s.pop.id[i]).toBe(s.pop.id[0]);
    expect(monthsInStatus(s.pop, i, 1)).toBe(30);
  });
});

describe("entries in step across ssw1ReturneeEntryShare in a baseline run (common random numbers)", () => {
  it("two runs differing only in ssw1ReturneeEntryShare (0, 1) have the same entrants per kind, nationality and month; only the share-1 run has re-entries", () => {
    // The SSW1 cap is lifted in both runs: it feeds the SSW1 stock (which returnees change) back
    // into the number of entrants, a real difference between the runs rather than a stream's. To
    // 2023-12, so that the test-route entries of 2022-2023 give the share-1 run dozens of
    // re-entries (to 2021-12 it had about ten, too few to be sure the comparison is not empty).
    const inputs = buildInputs(loadScenario("scenarios/baseline.yaml"), { scale: 0.002, until: "2023-12" });
    const results = [0, 1].map((share) =>
      simulate({ ...inputs, params: { ...inputs.params, ssw1ReturneeEntryShare: share, ssw1StockCapOn: false } }, taskSeed(3, 1), { collectEvents: false }));
    const perEvent = FROM_SLOTS * STATUS_COUNT * NATIONALITY_COUNT;
    /** Entrants by month x (to status, nationality), from abroad and re-entries alike; and re-entries. */
    const entrants = (r: (typeof results)[0]) => {
      const byMonth = new Float64Array(r.months * STOCK_CELLS);
      let reentries = 0;
      for (let k = 0; k < r.flows.length; k += 3) {
        const idx = r.flows[k + 1]!;
        if (Math.floor(idx / perEvent) !== EventCode.entry) continue;
        const cell = idx % STOCK_CELLS; // (to, nationality): flowIndex's last two factors
        byMonth[r.flows[k]! * STOCK_CELLS + cell]! += r.flows[k + 2]!;
        for (let nat = 0; nat < NATIONALITY_COUNT; nat++) if (idx === flowIndex(EventCode.entry, Status.RETURNED, Status.SSW1, nat)) reentries += r.flows[k + 2]!;
      }
      return { byMonth, reentries };
    };
    const [a, b] = results.map(entrants) as [ReturnType<typeof entrants>, ReturnType<typeof entrants>];
    expect(a.reentries).toBe(0);
    expect(b.reentries, "re-entries in the share-1 run").toBeGreaterThan(10);
    let total = 0;
    for (const v of a.byMonth) total += v;
    expect(total).toBeGreaterThan(1000);
    expect(Array.from(b.byMonth)).toEqual(Array.from(a.byMonth));
  });
});
