// scripts/gen-kernel.mjs on small fixtures (test/fixtures/gen-kernel): what it writes out, and
// the rules it refuses to break. The real kernel is checked in test/model/kernel.test.ts.

import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain-JS build script, without type declarations
import { generateKernel } from "../../scripts/gen-kernel.mjs";

import { k as sourceKernel } from "../fixtures/gen-kernel/good.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/gen-kernel");
const gen = (name: string): string => generateKernel(join(FIXTURES, `${name}.ts`), join(FIXTURES, `${name}.generated.ts`));

describe("gen-kernel", () => {
  it("writes out @inline calls with their locals renamed apart, constants as literals and hoisted reads", () => {
    const out = gen("good");
    expect(out).toContain("const y$1 = i * 3 /* STEP */;");
    expect(out).toContain("const t = y$1 + i;");
    expect(out).toContain("const rows$v = rows.v;"); // read once, before the loop
    expect(out).toContain("rows$v[i] = rows$v[i]! + 1;");
    expect(out).toContain("(t + 2 /* Kind.b */)");
    expect(out).not.toMatch(/twice\(|bump\(|plusKind\(/);
    expect(out).not.toContain("import"); // nothing left to import: all written out
  });

  it("gives what the source gives", () => {
    const body = ts.transpileModule(gen("good"), { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText.replace(/^\s*export /m, "");
    const generated = new Function(`${body}; return k;`)() as typeof sourceKernel;
    const a = { v: new Float64Array([0, 1, 2, 3, 4]) };
    const b = { v: new Float64Array([0, 1, 2, 3, 4]) };
    expect(generated(a, 5)).toBe(sourceKernel(b, 5));
    expect(Array.from(a.v)).toEqual(Array.from(b.v));
  });

  it("refuses an @inline function that returns before its last statement", () => {
    expect(() => gen("early")).toThrow(/may return only in its last statement/);
  });

  it("refuses a call with statements inside an expression", () => {
    expect(() => gen("nested")).toThrow(/must be a statement, an assignment or a const's initialiser/);
  });

  it.each([
    ["assign", /may not assign to its parameter x/],
    ["destructure", /may not destructure/],
    ["write-root", /a field of a hoisted root \(rows\) is written in the loop/],
    ["hidden", /HIDDEN .* is used by an @inline function but is not exported/],
    ["capture", /names another module's helper, which the kernel declares as a local/],
  ])("refuses %s", (name, message) => {
    expect(() => gen(name)).toThrow(message);
  });
});
