// scripts/gen-kernel.mjs on small fixtures (test/fixtures/gen-kernel): what it writes out, and
// the rules it refuses to break. The real kernel is checked in test/model/kernel.test.ts.

import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain-JS build script, without type declarations
import { generateKernel } from "../../scripts/gen-kernel.mjs";

const FIXTURES = join(import.meta.dirname, "../fixtures/gen-kernel");
const gen = (name: string): string => generateKernel(join(FIXTURES, `${name}.ts`), join(FIXTURES, `${name}.generated.ts`));

describe("gen-kernel", () => {
  it("writes out @inline calls with their locals renamed apart, constants as literals and hoisted reads", () => {
    const out = gen("good");
    expect(out).toContain("const y$1 = i * 3 /* STEP */;");
    expect(out).toContain("const t = y$1 + i;");
    expect(out).toContain("const rows_v = rows.v;"); // read once, before the loop
    expect(out).toContain("rows_v[i] = rows_v[i]! + 1;");
    expect(out).toContain("(t + 2 /* Kind.b */)");
    expect(out).not.toMatch(/twice\(|bump\(|plusKind\(/);
    expect(out).not.toContain("import"); // nothing left to import: all written out
  });

  it("gives what the source gives", async () => {
    const body = ts.transpileModule(gen("good"), { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText.replace(/^\s*export /m, "");
    const k = new Function(`${body}; return k;`)() as (rows: { v: Float64Array }, n: number) => number;
    const rows = { v: new Float64Array(5) };
    // Source: twice(i) = 3i + i = 4i; total = sum(4i + 2) = 4 * 10 + 10 = 50 for i < 5.
    expect(k(rows, 5)).toBe(50);
    expect(Array.from(rows.v)).toEqual([1, 1, 1, 1, 1]);
  });

  it("refuses an @inline function that returns before its last statement", () => {
    expect(() => gen("early")).toThrow(/may return only in its last statement/);
  });

  it("refuses a call with statements inside an expression", () => {
    expect(() => gen("nested")).toThrow(/must be a statement, an assignment or a const's initialiser/);
  });
});
