// Employers' pay codes and agents' copies of them (model/pay-codes.ts): a cache that accrual reads.
import { describe, expect, it } from "vitest";
import { Status } from "../../src/model/codes.js";
import {
  PAY_OVERTIME, PAY_PROMOTER, PAY_UNDERPAY_SHIFT, createEmployerPayCodes, employerPayCode, setEmployer, updateEmployerPayCodes, updatePayCodes,
} from "../../src/model/pay-codes.js";
import { makeEmployers, makeState } from "../helpers/state.js";

describe("updateEmployerPayCodes", () => {
  it("gives each employer its overtime and promoter flags and the index of its exact underpayment share", () => {
    const e = makeEmployers([{ underpayShare: 0.15, offersOvertime: 1 }, { underpayShare: 0, offersOvertime: 0, promoter: 1 }, { underpayShare: -0 }, { underpayShare: 0.3 }]);
    const codes = createEmployerPayCodes();
    expect(updateEmployerPayCodes(e, codes)).toBe(true);
    for (let k = 0; k < e.count; k++) {
      const code = codes.code[k]!;
      expect(Object.is(codes.underpay[code >> PAY_UNDERPAY_SHIFT], e.underpayShare[k])).toBe(true);
      expect((code & PAY_OVERTIME) !== 0).toBe(e.offersOvertime[k] === 1);
      expect((code & PAY_PROMOTER) !== 0).toBe(e.promoter[k] === 1);
    }
  });

  it("rebuilds the codes when any employer's trait changes, also in the last, partial word of the flags", () => {
    const e = makeEmployers([{}, {}, {}]);
    expect(e.count % 4).not.toBe(0);
    const codes = createEmployerPayCodes();
    updateEmployerPayCodes(e, codes);
    for (const k of [0, 5, e.count - 1]) {
      e.promoter[k] = 1 - e.promoter[k]!;
      updateEmployerPayCodes(e, codes);
      expect((codes.code[k]! & PAY_PROMOTER) !== 0, `promoter ${k}`).toBe(e.promoter[k] === 1);
      e.offersOvertime[k] = 1 - e.offersOvertime[k]!;
      updateEmployerPayCodes(e, codes);
      expect((codes.code[k]! & PAY_OVERTIME) !== 0, `overtime ${k}`).toBe(e.offersOvertime[k] === 1);
      e.underpayShare[k] = 0.25;
      updateEmployerPayCodes(e, codes);
      expect(codes.underpay[codes.code[k]! >> PAY_UNDERPAY_SHIFT], `underpay ${k}`).toBe(0.25);
    }
  });

  it("keeps code 0 for no underpayment, overtime or promotion, the code of an agent without an employer", () => {
    const e = makeEmployers([{ underpayShare: 0.2, offersOvertime: 1 }, { underpayShare: 0.1, promoter: 1 }, { underpayShare: 0, offersOvertime: 0, promoter: 0 }]);
    const codes = createEmployerPayCodes();
    updateEmployerPayCodes(e, codes);
    expect(Object.is(codes.underpay[0], 0)).toBe(true); // though the first employer's share is 0.2
    expect(codes.code[2]).toBe(0);
    expect(codes.code[0]).not.toBe(0);
    expect(employerPayCode(codes, -1)).toBe(0);
    expect(employerPayCode(codes, 1)).toBe(codes.code[1]);
  });

  it("indexes 63 distinct shares besides +0, and no more", () => {
    const shares = (n: number) => makeEmployers(Array.from({ length: n }, (_, k) => ({ underpayShare: (k + 1) / 100 })));
    expect(updateEmployerPayCodes(shares(63), createEmployerPayCodes())).toBe(true);
    expect(() => updateEmployerPayCodes(shares(64), createEmployerPayCodes())).toThrow(/more than 63 distinct underpayment shares/);
    // With +0 among them, 64 distinct values fit.
    const withZero = makeEmployers([{ underpayShare: 0 }, ...Array.from({ length: 63 }, (_, k) => ({ underpayShare: (k + 1) / 100 }))]);
    expect(updateEmployerPayCodes(withZero, createEmployerPayCodes())).toBe(true);
  });

  it("rebuilds only when a trait changed, and says so", () => {
    const e = makeEmployers([{ underpayShare: 0.2 }, {}]);
    const codes = createEmployerPayCodes();
    expect(updateEmployerPayCodes(e, codes)).toBe(true);
    expect(updateEmployerPayCodes(e, codes)).toBe(false);
    expect(codes.builds).toBe(1);
    e.underpayShare[1] = 0.2;
    expect(updateEmployerPayCodes(e, codes)).toBe(true);
    expect(codes.builds).toBe(2);
  });
});

describe("updatePayCodes", () => {
  it("refreshes every agent's copy after a rebuild, and setEmployer keeps a copy current", () => {
    const employers = makeEmployers([{}, { underpayShare: 0.1, promoter: 1 }]);
    const s = makeState({ agents: [{ employer: 0 }, { employer: 1 }, { status: Status.IRREGULAR, tiStage: 0, employer: -1 }], employers });
    const copies = (): number[] => [0, 1, 2].map((i) => s.pop.employerPayCode[i]!);
    expect(copies()).toEqual([employerPayCode(s.payCodes, 0), employerPayCode(s.payCodes, 1), 0]);
    expect(copies()[1]).not.toBe(0);
    employers.promoter[0] = 1; // a policy turns employer 0 into a promoter
    updatePayCodes(s.payCodes, s.employers, s.pop);
    expect(copies()).toEqual([employerPayCode(s.payCodes, 0), employerPayCode(s.payCodes, 1), 0]);
    expect(copies()[0]! & PAY_PROMOTER).toBe(PAY_PROMOTER);
    setEmployer(s.pop, s.payCodes, 2, 1);
    expect(s.pop.employer[2]).toBe(1);
    expect(s.pop.employerPayCode[2]).toBe(employerPayCode(s.payCodes, 1));
  });
});
