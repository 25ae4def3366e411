// Reads scenario files (YAML or JSON), validates them against the schema and resolves
// `extends` chains. Every error names the file, the key path (with the line where the YAML
// parser gives one) and what was expected.

import { createHash } from "node:crypto";
import { type Stats, closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { basename, dirname, extname, isAbsolute, relative, resolve } from "node:path";
import { type Document, LineCounter, isMap, isScalar, isSeq, parseDocument, visit } from "yaml";
import type { z } from "zod";
import { UserError } from "../errors.js";
import { type ParamName, type Params, PARAM_NAMES, defaultParams } from "../model/params.js";
import { SERIES_NAMES, type SeriesName } from "../model/inputs.js";
import { clip, clipPath, quote } from "./quote.js";
import { type DeclaredMetric, type ScenarioFile, scenarioSchema, type sweepSchema } from "./schema.js";

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
  /** Windows FROM..TO its files declare (`windows:`), ancestors' first, each once; absent when none. */
  windows?: string[];
  /** Metrics its files declare (`metrics:`), ancestors' first; a file's metric replaces an ancestor's of the same name. Absent when none. */
  metrics?: DeclaredMetric[];
}

/** Defaults of the scenario fields a file may leave out. */
export const SCENARIO_DEFAULTS = { start: "2014-01", end: "2035-12", scale: 1 } as const;

interface ParsedFile {
  path: string;
  sha256: string;
  data: ScenarioFile;
}

/**
 * Largest scenario file read: the library's files are a few KiB, and a cap keeps a wrong path (a
 * log, a data dump) from being read whole.
 */
export const MAX_SCENARIO_BYTES = 1 << 20;
/**
 * Most alias expansions (`*name`) a scenario file may make (the yaml package's maxAliasCount): a
 * scenario needs few, and nested aliases grow exponentially (the "billion laughs" file).
 */
export const MAX_YAML_ALIASES = 100;

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
  "": ["$schema", "name", "description", "sources", "extends", "start", "end", "scale", "params", "policy", "series", "sweep", "windows", "metrics"],
  sweep: ["grid", "latinHypercube"],
  grid: PARAM_NAMES,
  latinHypercube: ["n", "seed", "params"],
  params: PARAM_NAMES,
  set: PARAM_NAMES,
  series: SERIES_NAMES,
  policyStep: ["from", "set", "note"],
};

/**
 * The known key nearest to `key`, if it is a near miss: at most 40% of the longer name's
 * characters edited (at least 2), so `paramz` and `parameters` find `params` and
 * `abscondBaseHazard` finds `abscondBaseHazardPerMonth`, while unrelated keys get no guess.
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const limit = Math.max(2, Math.floor(0.4 * Math.max(key.length, k.length)));
    // The distance is at least the difference in length: a long key costs no quadratic work.
    if (Math.abs(key.length - k.length) > limit) continue;
    const dist = levenshtein(key.toLowerCase(), k.toLowerCase());
    if (dist <= limit && dist < bestD) [best, bestD] = [k, dist];
  }
  return best;
}

function suggest(key: string, path: readonly PropertyKey[]): string {
  const last = path.length === 0 ? "" : String(path[path.length - 1]);
  const known = typeof path[path.length - 1] === "number" ? KNOWN_KEYS.policyStep! : KNOWN_KEYS[last] ?? [];
  const best = nearestKey(key, known);
  return best ? ` (did you mean "${best}"?)` : "";
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "(top level)" : path.map((p) => (typeof p === "number" ? `[${p}]` : clip(String(p)))).join(".").replace(/\.\[/g, "[");
}

/** Schema issues as one paragraph: `prefix`, then up to 8 issues, each with its key path (and line, where lineOf gives one). */
export function formatIssues(prefix: string, issues: z.core.$ZodIssue[], lineOf: (path: readonly PropertyKey[]) => number | undefined = () => undefined): string {
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
  return `${prefix}: ${lines.join("; ")}${more}.`;
}

/** "2017" and "2017-01" are the same point: key every point by YYYY-MM so a later one replaces it. */
export function normaliseSeriesDates(points: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(points).map(([d, v]) => [d.length === 4 ? `${d}-01` : d, v]));
}

/** A scenario file that does not exist (told apart so an `extends:` can name the file that names it). */
class MissingFileError extends UserError {}

/** What a file that is not a regular file is, in words. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return "a folder";
  if (st.isFIFO()) return "a named pipe (FIFO)";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/**
 * The text of a scenario file, refused unless it is a regular file of at most MAX_SCENARIO_BYTES.
 * `label` names it in errors. The file is opened non-blocking and checked on its descriptor
 * (fstat), so a FIFO is refused instead of waiting for a writer, and a file swapped after the
 * check is not the one read.
 */
function readScenarioText(path: string, label: string): string {
  let fd: number;
  try {
    // O_NONBLOCK (absent on Windows, where FIFOs are not files) changes nothing for a regular file.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new MissingFileError(`${label} does not exist.`);
    if (code === "EISDIR") throw new UserError(`${label} is a folder, not a regular file; name a .yaml, .yml or .json file.`);
    throw new UserError(`Cannot read ${label.charAt(0).toLowerCase()}${label.slice(1)}: ${code ?? (e as Error).message}.`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UserError(`${label} is ${kindOf(st)}, not a regular file; name a .yaml, .yml or .json file.`);
    const tooBig = (): UserError => new UserError(`${label} is larger than ${MAX_SCENARIO_BYTES} bytes (1 MiB), the most a scenario file may have.`);
    if (st.size > MAX_SCENARIO_BYTES) throw tooBig();
    // One byte more than the cap, to notice a file that grew since fstat.
    const buf = Buffer.allocUnsafe(MAX_SCENARIO_BYTES + 1);
    let n = 0;
    for (let got; n < buf.length && (got = readSync(fd, buf, n, buf.length - n, null)) > 0; ) n += got;
    if (n > MAX_SCENARIO_BYTES) throw tooBig();
    return buf.toString("utf8", 0, n);
  } finally {
    closeSync(fd);
  }
}

/** The line of the first alias `*name` in a document (for an alias without its anchor). */
function lineOfAlias(doc: Document, name: string, lineCounter: LineCounter): number | undefined {
  let line: number | undefined;
  visit(doc, {
    Alias(_, node) {
      if (node.source !== name || !node.range) return undefined;
      line = lineCounter.linePos(node.range[0]).line;
      return visit.BREAK;
    },
  });
  return line;
}

/**
 * Reads and validates one file, without following `extends`. `extendedBy` names the file whose
 * `extends:` led here, for errors in reading it.
 */
/** Refuses a key that is not a plain value (a list or mapping as a key) and a key given twice in one mapping. */
function checkKeys(doc: Document, label: string, language: string, lineCounter: LineCounter): void {
  let problem: string | undefined;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key;
        const at = (node: unknown): string => {
          const range = (node as { range?: [number, number, number] } | null)?.range;
          return range ? ` (line ${lineCounter.linePos(range[0]).line})` : "";
        };
        if (key !== null && !isScalar(key)) {
          problem = `${label} is not valid ${language}${at(key)}: a key must be a plain name or number, not a list or mapping.`;
          return visit.BREAK;
        }
        const name = String(isScalar(key) ? key.value : key);
        if (seen.has(name)) {
          problem = `${label} is not valid ${language}${at(key)}: the key ${quote(name)} is given twice in one mapping.`;
          return visit.BREAK;
        }
        seen.add(name);
      }
      return undefined;
    },
  });
  if (problem !== undefined) throw new UserError(problem);
}

export function parseScenarioFile(path: string, extendedBy?: string): ParsedFile {
  const label = `Scenario file ${clipPath(path)}${extendedBy ? ` (extended by ${clipPath(extendedBy)})` : ""}`;
  const text = readScenarioText(path, label);
  const sha256 = createHash("sha256").update(text).digest("hex");
  const ext = extname(path).toLowerCase();
  if (![".yaml", ".yml", ".json"].includes(ext)) {
    throw new UserError(`${label}: expected a .yaml, .yml or .json file.`);
  }
  const language = ext === ".json" ? "JSON" : "YAML";
  const lineCounter = new LineCounter();
  // Duplicate keys are found below with a set: the parser's own check compares every pair of keys,
  // and a file of 95,000 keys took minutes. logLevel "error": no warnings on the console.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, logLevel: "error" });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    // The parser reports nesting beyond its stack by the JavaScript error's name, at wherever the
    // stack ran out (which depends on the stack, so no position is given).
    if (/call stack/i.test(err.message)) throw new UserError(`${label} is not valid ${language}: its lists or mappings are nested too deeply.`);
    const pos = lineCounter.linePos(err.pos[0]);
    throw new UserError(`${label} is not valid ${language}${pos ? ` (line ${pos.line}, column ${pos.col})` : ""}: ${clip(err.message.split("\n")[0]!)}.`);
  }
  checkKeys(doc, label, language, lineCounter);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (e) {
    // The yaml package throws a ReferenceError for an alias without its anchor and for one
    // expanded more than maxAliasCount times.
    const message = (e as Error).message;
    const unresolved = /^Unresolved alias[^:]*: (.*)$/.exec(message);
    if (unresolved) {
      const line = lineOfAlias(doc, unresolved[1]!, lineCounter);
      throw new UserError(`${label} is not valid YAML${line ? ` (line ${line})` : ""}: the alias *${clip(unresolved[1]!)} names no anchor (&${clip(unresolved[1]!)}) set before it.`);
    }
    if (/alias count/i.test(message)) {
      throw new UserError(`${label}: its aliases (*name) expand more than ${MAX_YAML_ALIASES} times, as in an alias bomb; write the values out instead.`);
    }
    throw new UserError(`${label} is not valid ${language}: ${clip(message)}.`);
  }
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
  if (!parsed.success) throw new UserError(formatIssues(`Invalid scenario ${path}`, parsed.error.issues, lineOf));
  return { path, sha256, data: parsed.data };
}

/** Refuses an end month before the start month (both YYYY-MM); `where` starts the message. */
export function checkPeriod(where: string, start: string, end: string): void {
  if (start > end) throw new UserError(`${where}: end (${end}) is before start (${start}).`);
}

/** Loads a scenario, following `extends` to the root, and resolves it over the defaults. */
export function loadScenario(path: string): ResolvedScenario {
  return loadScenarioLayers(path).scenario;
}

/**
 * loadScenario, and the parameters the files (the file and those it extends) set in `params:`
 * themselves, sorted: what a layer under the files (a posterior draw, `migsim run --posterior`)
 * must leave as they are. Policy steps are not counted: they apply from their month over
 * whatever the parameters were before it.
 */
export function loadScenarioLayers(path: string): { scenario: ResolvedScenario; paramsSet: ParamName[] } {
  const chain: ParsedFile[] = [];
  const seen: string[] = [];
  let current: string | undefined = resolve(path);
  while (current !== undefined) {
    if (seen.includes(current)) {
      throw new UserError(`Scenario ${path}: "extends" forms a cycle: ${[...seen, current].map((f) => clip(basename(f))).join(" -> ")}.`);
    }
    seen.push(current);
    let file: ParsedFile;
    try {
      // Files are named as the user gave them; the files they extend in the same style (relative
      // to the working folder when the user gave a relative path), so manifests of runs started
      // with relative paths carry no machine-specific absolute paths.
      const shown = current === resolve(path) ? path : isAbsolute(path) ? current : relative(process.cwd(), current);
      file = parseScenarioFile(shown, chain[chain.length - 1]?.path);
    } catch (e) {
      if (e instanceof MissingFileError && chain.length > 0) {
        const child = chain[chain.length - 1]!;
        throw new UserError(`Scenario ${child.path}: extends: the file ${quote(child.data.extends)} (resolved to ${clipPath(current)}) does not exist.`);
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
  const paramsSet = new Set<ParamName>();
  const windows: string[] = [];
  const metrics: DeclaredMetric[] = [];
  for (const f of [...chain].reverse()) {
    const d = f.data;
    for (const w of d.windows ?? []) if (!windows.includes(w)) windows.push(w);
    const own = (d.metrics ?? []).map((m) => m.name);
    const twice = own.find((n, k) => own.indexOf(n) !== k);
    if (twice !== undefined) throw new UserError(`Scenario file ${f.path}: metrics: ${quote(twice)} is declared twice; give each metric one entry (a file extending it may redefine it).`);
    for (const m of d.metrics ?? []) {
      const k = metrics.findIndex((x) => x.name === m.name);
      if (k >= 0) metrics[k] = m;
      else metrics.push(m);
    }
    if (d.sweep) sweep = d.sweep;
    if (d.start) start = d.start;
    if (d.end) end = d.end;
    if (d.scale !== undefined) scale = d.scale;
    if (d.description) description = d.description;
    if (d.sources) sources = d.sources;
    Object.assign(params, d.params ?? {});
    for (const k of Object.keys(d.params ?? {})) paramsSet.add(k as ParamName);
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
  checkPeriod(`Scenario ${top.path}`, start, end);
  // Stable sort: at equal months, later entries (children) win.
  policy.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const scenario: ResolvedScenario = {
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
    ...(windows.length > 0 && { windows }),
    ...(metrics.length > 0 && { metrics }),
  };
  return { scenario, paramsSet: [...paramsSet].sort() };
}
