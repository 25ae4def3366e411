// `migsim diff <a> <b>`: how two scenarios differ once resolved (parameters, policy timeline,
// series points, dates, scale, sweep).

import type { Argv, CommandModule } from "yargs";
import { PARAM_NAMES } from "../../model/params.js";
import { type ResolvedScenario, loadScenario } from "../../scenario/load.js";

const show = (v: unknown): string => (v === undefined ? "-" : typeof v === "string" ? v : JSON.stringify(v));

/** Differences as rows of (what, in a, in b). */
export function diffScenarios(a: ResolvedScenario, b: ResolvedScenario): [string, string, string][] {
  const rows: [string, string, string][] = [];
  for (const k of ["start", "end", "scale"] as const) if (a[k] !== b[k]) rows.push([k, show(a[k]), show(b[k])]);
  for (const k of PARAM_NAMES) if (a.params[k] !== b.params[k]) rows.push([`params.${k}`, show(a.params[k]), show(b.params[k])]);
  // Policy: compare the value in force after each dated step, per parameter.
  const steps = (s: ResolvedScenario): Map<string, unknown> => {
    const m = new Map<string, unknown>();
    for (const p of s.policy) for (const [k, v] of Object.entries(p.set)) m.set(`policy ${p.from} ${k}`, v);
    return m;
  };
  const pa = steps(a);
  const pb = steps(b);
  for (const key of [...new Set([...pa.keys(), ...pb.keys()])].sort()) {
    if (pa.get(key) !== pb.get(key)) rows.push([key, show(pa.get(key)), show(pb.get(key))]);
  }
  const names = [...new Set([...Object.keys(a.series), ...Object.keys(b.series)])].sort();
  for (const n of names) {
    const sa = (a.series as Record<string, Record<string, number>>)[n] ?? {};
    const sb = (b.series as Record<string, Record<string, number>>)[n] ?? {};
    for (const d of [...new Set([...Object.keys(sa), ...Object.keys(sb)])].sort()) {
      if (sa[d] !== sb[d]) rows.push([`series.${n} ${d}`, show(sa[d]), show(sb[d])]);
    }
  }
  if (JSON.stringify(a.sweep) !== JSON.stringify(b.sweep)) rows.push(["sweep", show(a.sweep), show(b.sweep)]);
  return rows;
}

export const diffCommand: CommandModule<object, { a: string; b: string }> = {
  command: "diff <a> <b>",
  describe: "Show how two scenarios differ once resolved (parameters, policy, series)",
  builder: (y: Argv) =>
    y.positional("a", { type: "string", demandOption: true }).positional("b", { type: "string", demandOption: true }) as unknown as Argv<{ a: string; b: string }>,
  handler: (argv) => {
    const a = loadScenario(argv.a);
    const b = loadScenario(argv.b);
    const rows = diffScenarios(a, b);
    if (rows.length === 0) {
      process.stdout.write(`${a.name} and ${b.name} resolve to the same parameters, policy and series.\n`);
      return;
    }
    const header: [string, string, string] = ["", a.name, b.name];
    const w = [0, 1, 2].map((k) => Math.max(...[header, ...rows].map((r) => r[k]!.length)));
    for (const r of [header, ...rows]) process.stdout.write(`${r.map((c, k) => c.padEnd(w[k]!)).join("  ").trimEnd()}\n`);
  },
};
