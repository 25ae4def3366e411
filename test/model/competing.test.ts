import { describe, expect, it } from "vitest";
import { chooseCompeting } from "../../src/model/transitions/competing.js";

describe("chooseCompeting", () => {
  it("stays when every hazard is 0", () => {
    expect(chooseCompeting(new Float64Array([0, 0, 0]), 3, 0)).toBe(-1);
  });
  it("leaves with probability 1 - exp(-sum h) and splits in proportion to the hazards", () => {
    const h = new Float64Array([0.1, 0.3]);
    const pAny = 1 - Math.exp(-0.4);
    expect(chooseCompeting(h, 2, pAny + 1e-9)).toBe(-1);
    expect(chooseCompeting(h, 2, pAny * 0.24)).toBe(0); // first quarter of the leaving mass
    expect(chooseCompeting(h, 2, pAny * 0.26)).toBe(1);
  });
});
