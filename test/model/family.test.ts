import { describe, expect, it } from "vitest";
import { Family, Status } from "../../src/model/codes.js";
import { type Params, defaultParams } from "../../src/model/params.js";
import { probFromHazard } from "../../src/model/transitions/competing.js";
import { createFamilyTable, familyDrawDue, familyDrawDueThisMonth, mayBringFamily, updateFamilyTable } from "../../src/model/transitions/family.js";
import { makeState } from "../helpers/state.js";
import { counting, familyEach } from "./support.js";

const D = defaultParams();
const AT_ORIGIN = Family.partner | Family.children;
const ALL_IN_JAPAN = AT_ORIGIN | Family.partnerInJapan | Family.childrenInJapan;
const IN_JAPAN = [Status.TI, Status.SSW1, Status.SSW2, Status.SIE, Status.IRREGULAR, Status.ASYLUM, Status.PR];

function familyOf(status: number, family: number, params: Partial<Params> = {}, life: number[] = [0]) {
  const stream = counting(life);
  const s = makeState({ agents: [{ status, tiStage: status === Status.TI ? 1 : 0, family }], params });
  familyEach(s, stream);
  return { family: s.pop.family[0]!, draws: stream.calls };
}

describe("family life: family joining", () => {
  it("lets family at origin join only SSW2, SIE and PR holders (SSW1 not by default)", () => {
    for (const st of IN_JAPAN) {
      const joins = st === Status.SSW2 || st === Status.SIE || st === Status.PR;
      expect(familyOf(st, AT_ORIGIN).family, `status ${st}`).toBe(joins ? ALL_IN_JAPAN : AT_ORIGIN);
    }
  });

  it("lets family join SSW1 holders only with familyAccompanimentSsw1", () => {
    expect(familyOf(Status.SSW1, AT_ORIGIN, { familyAccompanimentSsw1: false }).family).toBe(AT_ORIGIN);
    expect(familyOf(Status.SSW1, AT_ORIGIN, { familyAccompanimentSsw1: true }).family).toBe(ALL_IN_JAPAN);
    // The flag does not open accompaniment to interns or irregular stayers.
    for (const st of [Status.TI, Status.IRREGULAR, Status.ASYLUM]) {
      expect(familyOf(st, AT_ORIGIN, { familyAccompanimentSsw1: true }).family, `status ${st}`).toBe(AT_ORIGIN);
    }
  });

  it("brings the partner alone when there are no children", () => {
    expect(familyOf(Status.SIE, Family.partner).family).toBe(Family.partner | Family.partnerInJapan);
  });

  it("brings children still at origin when the partner is already in Japan", () => {
    expect(familyOf(Status.SIE, AT_ORIGIN | Family.partnerInJapan).family).toBe(ALL_IN_JAPAN);
  });

  it("joins with probability 1 - exp(-familyJoinHazardPerMonth)", () => {
    const p = probFromHazard(D.familyJoinHazardPerMonth);
    expect(familyOf(Status.PR, AT_ORIGIN, {}, [p - 1e-9]).family).toBe(ALL_IN_JAPAN);
    expect(familyOf(Status.PR, AT_ORIGIN, {}, [p]).family).toBe(AT_ORIGIN);
    expect(familyOf(Status.PR, AT_ORIGIN, { familyJoinHazardPerMonth: 0 }, [0]).family).toBe(AT_ORIGIN);
  });

  it("takes a draw only when a join is possible", () => {
    expect(familyOf(Status.TI, AT_ORIGIN).draws).toBe(0);
    expect(familyOf(Status.SIE, ALL_IN_JAPAN).draws).toBe(0);
    expect(familyOf(Status.SIE, AT_ORIGIN).draws).toBe(1);
  });
});

describe("family life: partnerships", () => {
  it("forms a partnership, with a partner in Japan, for a single agent with probability 1 - exp(-partnerFormationHazardPerMonth)", () => {
    const p = probFromHazard(D.partnerFormationHazardPerMonth);
    for (const st of IN_JAPAN) {
      const formed = familyOf(st, 0, {}, [p - 1e-9]);
      // A partnership formed while in Japan is with someone in Japan (family.ts).
      expect(formed.family, `status ${st}`).toBe(Family.partner | Family.partnerInJapan);
      expect(formed.draws).toBe(1);
      expect(familyOf(st, 0, {}, [p]).family).toBe(0);
    }
  });

  it("takes one draw for a single agent and none for family that is all in Japan", () => {
    const r = familyOf(Status.SIE, 0, { partnerFormationHazardPerMonth: 50 }, [0, 0]);
    expect(r.family).toBe(Family.partner | Family.partnerInJapan);
    expect(r.draws).toBe(1);
    expect(familyOf(Status.SIE, r.family, {}, [0]).draws).toBe(0);
  });
});

describe("familyDrawDueThisMonth", () => {
  it("is familyDrawDue for every family byte and status, with and without SSW1 accompaniment", () => {
    const table = createFamilyTable();
    for (const familyAccompanimentSsw1 of [false, true]) {
      const p = { ...D, familyAccompanimentSsw1 };
      updateFamilyTable(table, p);
      for (const st of IN_JAPAN) {
        for (let f = 0; f < 256; f++) expect(familyDrawDueThisMonth(table, st, f), `status ${st}, flags ${f}`).toBe(familyDrawDue(f, mayBringFamily(st, p)));
      }
      // The flag opens accompaniment, and so the join draw, to SSW1 holders with family at origin.
      expect(familyDrawDueThisMonth(table, Status.SSW1, AT_ORIGIN)).toBe(familyAccompanimentSsw1);
    }
    // A single agent always draws; a partnered one with family at origin only where it may bring them.
    expect(familyDrawDue(0, false)).toBe(true);
    expect(familyDrawDue(Family.partner, false)).toBe(false);
    expect(familyDrawDue(Family.partner, true)).toBe(true);
    expect(familyDrawDue(Family.partner | Family.partnerInJapan, true)).toBe(false);
  });
});
