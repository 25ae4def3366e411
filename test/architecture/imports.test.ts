// The layers of ARCHITECTURE.md, checked on the imports of every .ts file under src/: imports flow
// cli -> run -> engine -> model, scenario and output use model types, and src/model/ is pure
// (no node:*, nothing from outside it) and free of import cycles. Imports are read with regular
// expressions, not a TypeScript parser; every line that starts an import must be read by them
// (importsOf throws otherwise), so an import written in a shape they miss fails loudly instead
// of going unchecked.

import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SRC = join(ROOT, "src");

/** `import ... from "x"`, `import type ... from "x"`, `export ... from "x"` (also over several lines). */
const FROM = /^[ \t]*(?:import|export)\b[\w$\s{},*]*?\bfrom\s*["']([^"'\n]+)["']/gm;
/** `import "x"` (for its side effects). */
const BARE = /^[ \t]*import\s*["']([^"'\n]+)["']/gm;
/** `import("x")` with a literal specifier. */
const DYNAMIC = /\bimport\s*\(\s*["']([^"'\n]+)["']\s*\)/g;
/** The start of an import statement (not `import(`, not `import.meta`): each must be one FROM or BARE read. */
const IMPORT_START = /^[ \t]*import(?=[\s{*"'])/gm;

/** The module specifiers a file imports or re-exports, in order of appearance; `file` names it in errors. */
function importsOf(text: string, file = "<text>"): string[] {
  const found: { at: number; spec: string }[] = [];
  const starts = new Set<number>();
  for (const re of [FROM, BARE]) {
    for (const m of text.matchAll(re)) {
      found.push({ at: m.index, spec: m[1]! });
      starts.add(m.index);
    }
  }
  for (const m of text.matchAll(DYNAMIC)) found.push({ at: m.index, spec: m[1]! });
  for (const m of text.matchAll(IMPORT_START)) {
    if (!starts.has(m.index)) {
      const line = text.slice(0, m.index).split("\n").length;
      throw new Error(`${file}:${line}: an import statement the regular expressions of test/architecture/imports.test.ts do not read; write it as import ... from "x" (no comments inside it) or extend them`);
    }
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.spec);
}

/** Every .ts file under a folder, as paths relative to the repository root with "/" separators. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)).split("\\").join("/"))
    .sort();
}

/** One import of a file: what it says, and the src file it names (undefined for a package or node:*). */
interface Import {
  spec: string;
  target: string | undefined;
}

/** A relative specifier's file ("./x.js" is compiled from ./x.ts), relative to the repository root. */
function targetOf(file: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  return relative(ROOT, resolve(ROOT, dirname(file), spec)).split("\\").join("/").replace(/\.js$/, ".ts");
}

const FILES = tsFiles(SRC);
const IMPORTS = new Map<string, Import[]>(
  FILES.map((f) => [f, importsOf(readFileSync(join(ROOT, f), "utf8"), f).map((spec) => ({ spec, target: targetOf(f, spec) }))]),
);

/** The layer of a src file: its folder under src/ (src/cli/commands/run.ts is in "cli"), or its own name for a file directly in src/. */
const layerOf = (file: string): string => file.slice("src/".length).split("/")[0]!.replace(/\.ts$/, "");

/** "file imports spec" for each import of a file in `from` whose target is in one of the `forbidden` layers. */
function importsAcross(from: string, forbidden: readonly string[]): string[] {
  const out: string[] = [];
  for (const [file, imports] of IMPORTS) {
    if (layerOf(file) !== from) continue;
    for (const i of imports) if (i.target !== undefined && forbidden.includes(layerOf(i.target))) out.push(`${file} imports ${i.spec}`);
  }
  return out;
}

/**
 * Cycles of a directed graph, one per back edge of a depth-first search (nodes and edges taken
 * in sorted order, so the answer is stable): each as the path round it, first node repeated at
 * the end. Empty exactly when the graph has no cycle; every node on a cycle is in some listed
 * cycle's strongly connected component, but not every elementary cycle is listed (there can be
 * exponentially many).
 */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (node: string): void => {
    state.set(node, "open");
    path.push(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      const s = state.get(next);
      if (s === "open") cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (s === undefined) visit(next);
    }
    path.pop();
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

describe("reading imports", () => {
  it("reads every shape of import and re-export, and throws on one it cannot read", () => {
    const text = [
      `import { a } from "./a.js";`,
      `import type { B } from './b.js';`,
      `import {`,
      `  c1,`,
      `  type C2,`,
      `} from "./c.js";`,
      `import * as d from "node:fs";`,
      `import e, { f } from "e";`,
      `import "./side-effect.js";`,
      `export { g } from "./g.js";`,
      `export type { H } from "./h.js";`,
      `export * from "./i.js";`,
      `const j = await import("./j.js");`,
      `// a comment that says import things from "./not-an-import.js"`,
      `export const k = { from: "./not-an-import.js" };`,
      `const url = import.meta.url;`,
    ].join("\n");
    expect(importsOf(text)).toEqual(["./a.js", "./b.js", "./c.js", "node:fs", "e", "./side-effect.js", "./g.js", "./h.js", "./i.js", "./j.js"]);
    expect(() => importsOf(`import {\n  a, // why a\n} from "./a.js";\n`, "x.ts")).toThrow(/x\.ts:1: an import statement/);
  });

  it("finds the files and imports of src/ (a known import of each kind, so the rules below are not checked on nothing)", () => {
    expect(FILES.length).toBeGreaterThan(40);
    for (const layer of ["cli", "run", "engine", "model", "scenario", "output", "report", "calibrate"]) expect(FILES.some((f) => layerOf(f) === layer), layer).toBe(true);
    expect(IMPORTS.get("src/cli/index.ts")!.map((i) => i.target)).toContain("src/run/pool.ts");
    expect(IMPORTS.get("src/run/protocol.ts")).toContainEqual({ spec: "./tasks.js", target: "src/run/tasks.ts" }); // import type
    expect(IMPORTS.get("src/engine/rng.ts")).toContainEqual({ spec: "node:crypto", target: undefined });
  });
});

describe("findCycles", () => {
  const graph = (edges: Record<string, string[]>): Map<string, string[]> => new Map(Object.entries(edges));

  it("finds none in a graph without cycles, diamonds included", () => {
    expect(findCycles(graph({ a: ["b", "c"], b: ["d"], c: ["d"], d: [] }))).toEqual([]);
  });

  it("gives the path round a cycle, entered from outside it", () => {
    expect(findCycles(graph({ x: ["a"], a: ["b"], b: ["c"], c: ["a"] }))).toEqual([["a", "b", "c", "a"]]);
  });

  it("finds a self-import, and each of two separate cycles", () => {
    expect(findCycles(graph({ a: ["a"] }))).toEqual([["a", "a"]]);
    expect(findCycles(graph({ a: ["b"], b: ["a"], c: ["d"], d: ["e"], e: ["c"] }))).toEqual([["a", "b", "a"], ["c", "d", "e", "c"]]);
  });

  it("follows edges to nodes that have no entry of their own", () => {
    expect(findCycles(graph({ a: ["b"] }))).toEqual([]);
  });
});

describe("the layers of ARCHITECTURE.md", () => {
  it("src/model/ has no import cycle", () => {
    const model = new Map<string, string[]>();
    for (const [file, imports] of IMPORTS) {
      if (layerOf(file) !== "model") continue;
      model.set(file, imports.flatMap((i) => (i.target !== undefined && layerOf(i.target) === "model" ? [i.target] : [])));
    }
    const cycles = findCycles(model);
    expect(cycles.map((c) => c.join(" -> ")), `import cycles in src/model/:\n${cycles.map((c) => `  ${c.join(" -> ")}`).join("\n")}`).toEqual([]);
  });

  it("src/model/ imports no node:* module and nothing from outside src/model/", () => {
    const outside: string[] = [];
    for (const [file, imports] of IMPORTS) {
      if (layerOf(file) !== "model") continue;
      for (const i of imports) if (i.target === undefined || layerOf(i.target) !== "model") outside.push(`${file} imports ${i.spec}`);
    }
    expect(outside).toEqual([]);
  });

  it("src/engine/ imports nothing from run, cli, output, report or calibrate", () => {
    expect(importsAcross("engine", ["run", "cli", "output", "report", "calibrate"])).toEqual([]);
  });

  it("src/output/ imports nothing from run, cli, calibrate or report", () => {
    expect(importsAcross("output", ["run", "cli", "calibrate", "report"])).toEqual([]);
  });

  it("src/calibrate/ imports nothing from report", () => {
    expect(importsAcross("calibrate", ["report"])).toEqual([]);
  });

  it("src/sensitivity/ is pure: no node:* module, nothing from the rest of src/ (the caller simulates)", () => {
    const outside: string[] = [];
    for (const [file, imports] of IMPORTS) {
      if (layerOf(file) !== "sensitivity") continue;
      for (const i of imports) if (i.spec.startsWith("node:") || (i.target !== undefined && layerOf(i.target) !== "sensitivity")) outside.push(`${file} imports ${i.spec}`);
    }
    expect(outside).toEqual([]);
  });

  it("src/run/ imports nothing from cli", () => {
    expect(importsAcross("run", ["cli"])).toEqual([]);
  });
});
