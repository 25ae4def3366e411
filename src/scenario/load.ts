// Reads scenario files (YAML or JSON), validates them against the schema and resolves
// `extends` chains. Every error names the file, the key path (with the line where the YAML
// parser gives one) and what was expected.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, dirname, extname, isAbsolute, relative, resolve } from "node:path";
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from "yaml";
import type { z } from "zod";
import { UserError } from "../errors.js";
import { type ParamName, type Params, PARAM_NAMES, defaultParams } from "../model/params.js";
import { SERIES_NAMES, type SeriesName } from "../model/inputs.js";
import { type ScenarioFile, scenarioSchema, type sweepSchema } from "./schema.js";

export type SweepSpec = z.infer<typeof sweepSchema>;

export interface PolicyEntry {
  from: string;
  set: Partial<Record<ParamName, number | boolean>>;
  note?: string;
}

export interface ResolvedScenario {
  name: string;
  description: string;
  sources: string[];
  /** The file and the files it extends, child first, with their sha256. */
  files: { path: string; sha256: string }[];
  start: string;
  end: string;
  scale: number;
  params: Params;
  policy: PolicyEntry[];
  series: Partial<Record<SeriesName, Record<string, number>>>;
  /** The sweep of the nearest file that declares one. */
  sweep?: SweepSpec;
}

/** Defaults of the scenario fields a file may leave out. */
export const SCENARIO_DEFAULTS = { start: "2014-01", end: "2035-12", scale: 1 } as const;

interface ParsedFile {
  path: string;
  sha256: string;
  data: ScenarioFile;
}

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length]!;
}

const KNOWN_KEYS: Record<string, readonly string[]> = {
  "": ["$schema", "name", "description", "sources", "extends", "start", "end", "scale", "params", "policy", "series", "sweep"],
  sweep: ["grid", "latinHypercube"],
  grid: PARAM_NAMES,
  latinHypercube: ["n", "seed", "params"],
  params: PARAM_NAMES,
  set: PARAM_NAMES,
  series: SERIES_NAMES,
  policyStep: ["from", "set", "note"],
};

function suggest(key: string, path: readonly PropertyKey[]): string {
  const last = path.length === 0 ? "" : String(path[path.length - 1]);
  const known = typeof path[path.length - 1] === "number" ? KNOWN_KEYS.policyStep! : KNOWN_KEYS[last] ?? [];
  let best = "";
  let bestD = Infinity;
  for (const k of known) {
    const dist = levenshtein(key.toLowerCase(), k.toLowerCase());
    if (dist < bestD) [best, bestD] = [k, dist];
  }
  return best && bestD <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean "${best}"?)` : "";
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "(top level)" : path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))).join(".").replace(/\.\[/g, "[");
}

function formatIssues(file: string, issues: z.core.$ZodIssue[], lineOf: (path: readonly PropertyKey[]) => number | undefined): string {
  const lines = issues.slice(0, 8).map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) => {
        const full = [...issue.path, k];
        const line = lineOf(full);
        return `${formatPath(full)}${line ? ` (line ${line})` : ""}: unknown key${suggest(k, issue.path)}`;
      }).join("; ");
    }
    const line = lineOf(issue.path);
    return `${formatPath(issue.path)}${line ? ` (line ${line})` : ""}: ${issue.message}`;
  });
  const more = issues.length > 8 ? `; and ${issues.length - 8} more` : "";
  return `Invalid scenario ${file}: ${lines.join("; ")}${more}.`;
}

/** "2017" and "2017-01" are the same point: key every point by YYYY-MM so a later one replaces it. */
export function normaliseSeriesDates(points: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(points).map(([d, v]) => [d.length === 4 ? `${d}-01` : d, v]));
}

/** Reads and validates one file, without following `extends`. */
export function parseScenarioFile(path: string): ParsedFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      code === "ENOENT" ? `Scenario file ${path} does not exist.` : `Cannot read scenario file ${path}: ${(e as Error).message}.`,
    );
  }
  const sha256 = createHash("sha256").update(text).digest("hex");
  const ext = extname(path).toLowerCase();
  if (![".yaml", ".yml", ".json"].includes(ext)) {
    throw new UserError(`Scenario file ${path}: expected a .yaml, .yml or .json file.`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const pos = lineCounter.linePos(err.pos[0]);
    throw new UserError(`Scenario file ${path} is not valid ${ext === ".json" ? "JSON" : "YAML"}${pos ? ` (line ${pos.line}, column ${pos.col})` : ""}: ${err.message.split("\n")[0]}.`);
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new UserError(`Scenario file ${path}: expected a mapping of keys (description, params, policy, ...) at the top level.`);
  }
  const lineOf = (p: readonly PropertyKey[]): number | undefined => {
    // The line of the key (for a map entry) or of the item (for a list entry) at path p.
    if (p.length === 0) return undefined;
    const parent = p.length === 1 ? doc.contents : doc.getIn(p.slice(0, -1) as unknown[], true);
    const last = p[p.length - 1];
    let range: [number, number, number] | null | undefined;
    if (isMap(parent)) {
      const pair = parent.items.find((it) => isScalar(it.key) && String(it.key.value) === String(last));
      range = pair && isScalar(pair.key) ? pair.key.range : undefined;
    } else if (isSeq(parent) && typeof last === "number") {
      const item = parent.items[last] as { range?: [number, number, number] } | undefined;
      range = item?.range;
    }
    if (range) return lineCounter.linePos(range[0]).line;
    return lineOf(p.slice(0, -1));
  };
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) throw new UserError(formatIssues(path, parsed.error.issues, lineOf));
  return { path, sha256, data: parsed.data };
}

/** Loads a scenario, following `extends` to the root, and resolves it over the defaults. */
export function loadScenario(path: string): ResolvedScenario {
  const chain: ParsedFile[] = [];
  const seen: string[] = [];
  let current: string | undefined = resolve(path);
  while (current !== undefined) {
    if (seen.includes(current)) {
      throw new UserError(`Scenario ${path}: "extends" forms a cycle: ${[...seen, current].map((f) => basename(f)).join(" -> ")}.`);
    }
    seen.push(current);
    let file: ParsedFile;
    try {
      // Files are named as the user gave them; the files they extend in the same style (relative
      // to the working folder when the user gave a relative path), so manifests of runs started
      // with relative paths carry no machine-specific absolute paths.
      const shown = current === resolve(path) ? path : isAbsolute(path) ? current : relative(process.cwd(), current);
      file = parseScenarioFile(shown);
    } catch (e) {
      if (e instanceof UserError && chain.length > 0 && /does not exist/.test(e.message)) {
        const child = chain[chain.length - 1]!;
        throw new UserError(`Scenario ${child.path}: extends: the file ${child.data.extends} (resolved to ${current}) does not exist.`);
      }
      throw e;
    }
    chain.push(file);
    current = file.data.extends === undefined ? undefined : resolve(dirname(current), file.data.extends);
  }

  // Apply from the root ancestor down to the file itself.
  const params = defaultParams() as Record<string, number | boolean>;
  const policy: PolicyEntry[] = [];
  const series: Partial<Record<SeriesName, Record<string, number>>> = {};
  let start: string = SCENARIO_DEFAULTS.start;
  let end: string = SCENARIO_DEFAULTS.end;
  let scale: number = SCENARIO_DEFAULTS.scale;
  let description = "";
  let sources: string[] = [];
  let sweep: SweepSpec | undefined;
  for (const f of [...chain].reverse()) {
    const d = f.data;
    if (d.sweep) sweep = d.sweep;
    if (d.start) start = d.start;
    if (d.end) end = d.end;
    if (d.scale !== undefined) scale = d.scale;
    if (d.description) description = d.description;
    if (d.sources) sources = d.sources;
    Object.assign(params, d.params ?? {});
    for (const step of d.policy ?? []) {
      const entry: PolicyEntry = { from: step.from, set: step.set as PolicyEntry["set"] };
      if (step.note !== undefined) entry.note = step.note;
      policy.push(entry);
    }
    for (const [k, points] of Object.entries(d.series ?? {})) {
      if (points) series[k as SeriesName] = { ...(series[k as SeriesName] ?? {}), ...normaliseSeriesDates(points) };
    }
  }
  const top = chain[0]!;
  if (start > end) throw new UserError(`Scenario ${top.path}: end (${end}) is before start (${start}).`);
  // Stable sort: at equal months, later entries (children) win.
  policy.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  return {
    name: top.data.name ?? basename(top.path, extname(top.path)),
    description,
    sources,
    files: chain.map((f) => ({ path: f.path, sha256: f.sha256 })),
    start,
    end,
    scale,
    params: params as Params,
    policy,
    series,
    ...(sweep && { sweep }),
  };
}
