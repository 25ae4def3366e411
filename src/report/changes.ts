// What each scenario of a run changes, for the report: its own parameter overrides, its own
// policy steps apart from those it inherits, and its own series points. A scenario's manifest
// entry is resolved (its file and every file it extends, merged), so what is its own is found by
// comparing it with what it extends, resolved the same way:
// - a scenario that extends no file changes the model's defaults: parameters that differ from
//   them, and all its policy steps and series points;
// - a scenario that extends files another scenario of the run consists of (the same files, by
//   sha256, in the same order) changes that scenario: the nearest such ancestor is used, so a
//   scenario extending baseline.yaml in a run of baseline.yaml is compared with baseline;
// - otherwise the files it extends are read again from the paths the manifest records, and used
//   only if each still has the sha256 the manifest records (so they are the files the run used);
// - otherwise its own changes cannot be told apart from the inherited ones, and the report says so.

import { resolve } from "node:path";
import { PARAMS, PARAM_NAMES, type ParamName } from "../model/params.js";
import type { ExperimentSpec } from "../output/manifest.js";
import { type PolicyEntry, type ResolvedScenario, loadScenario } from "../scenario/load.js";

/** What a scenario's own changes are measured against. */
export type ChangeReference =
  /** It extends no file: the model's defaults (no policy steps, no series overrides). */
  | { kind: "defaults" }
  /** Another scenario of this run, whose files are the ones it extends (`via`: files in between, which count as its own). */
  | { kind: "scenario"; name: string; via: string[] }
  /** The file it extends, read again (not in this run), with the sha256 the manifest records. */
  | { kind: "file"; path: string }
  /** The file it extends could not be read as the run used it: nothing can be called inherited. */
  | { kind: "unknown"; path: string; reason: string };

export interface ParamChange {
  name: ParamName;
  value: number | boolean;
  /** The value in the reference (the default when the reference is the defaults or unknown). */
  before: number | boolean;
  default: number | boolean;
}

export interface ScenarioChanges {
  scenario: string;
  reference: ChangeReference;
  params: ParamChange[];
  /** Policy steps of its own (for "unknown", all of them), in timeline order. */
  ownPolicy: PolicyEntry[];
  /** Policy steps it inherits from the reference, in timeline order. */
  inheritedPolicy: PolicyEntry[];
  /** Series points it sets that the reference does not (series -> date -> value). */
  series: Record<string, Record<string, number>>;
  /** The parameters it sweeps, and whether the sweep is its own or the reference's ([] without a sweep). */
  swept: { params: string[]; own: boolean };
}

const shas = (s: ResolvedScenario): string[] => s.files.map((f) => f.sha256);
const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, k) => x === b[k]);

/** The resolved scenario `s` extends, and how it was found. */
function findReference(s: ResolvedScenario, all: readonly ResolvedScenario[]): { reference: ChangeReference; resolved?: ResolvedScenario } {
  if (s.files.length <= 1) return { reference: { kind: "defaults" } };
  const chain = shas(s);
  // The nearest ancestor that is a scenario of this run.
  for (let j = 1; j < chain.length; j++) {
    const parent = all.find((t) => t !== s && sameList(shas(t), chain.slice(j)));
    if (parent) return { reference: { kind: "scenario", name: parent.name, via: s.files.slice(1, j).map((f) => f.path) }, resolved: parent };
  }
  // The file it extends, read again from the path the manifest records.
  const path = s.files[1]!.path;
  try {
    const parent = loadScenario(resolve(path));
    if (sameList(shas(parent), chain.slice(1))) return { reference: { kind: "file", path }, resolved: parent };
    return { reference: { kind: "unknown", path, reason: "it (or a file it extends) has changed since the run: its sha256 is not the one the manifest records" } };
  } catch {
    return { reference: { kind: "unknown", path, reason: "it cannot be read from here (moved, deleted, or the path is relative to the folder the run was started from)" } };
  }
}

const stepKey = (p: PolicyEntry): string => JSON.stringify([p.from, Object.entries(p.set), p.note ?? null]);

/** What each scenario of a run's spec changes (in the spec's order). */
export function scenarioChanges(spec: ExperimentSpec): ScenarioChanges[] {
  return spec.scenarios.map((s) => {
    const { reference, resolved } = findReference(s, spec.scenarios);
    const before = (k: ParamName): number | boolean => (resolved ? resolved.params[k] : PARAMS[k].default);
    const params = PARAM_NAMES.filter((k) => k in s.params && s.params[k] !== before(k))
      .map((k) => ({ name: k, value: s.params[k], before: before(k), default: PARAMS[k].default }));
    // The reference's steps are among the scenario's (a child's steps are added to its parent's);
    // take each out once, so a step the scenario repeats word for word still counts once as its own.
    const inheritedLeft = new Map<string, number>();
    for (const p of resolved?.policy ?? []) inheritedLeft.set(stepKey(p), (inheritedLeft.get(stepKey(p)) ?? 0) + 1);
    const ownPolicy: PolicyEntry[] = [];
    const inheritedPolicy: PolicyEntry[] = [];
    for (const p of s.policy) {
      const left = inheritedLeft.get(stepKey(p)) ?? 0;
      if (left > 0) {
        inheritedLeft.set(stepKey(p), left - 1);
        inheritedPolicy.push(p);
      } else ownPolicy.push(p);
    }
    const series: Record<string, Record<string, number>> = {};
    for (const [name, points] of Object.entries(s.series)) {
      const ref = (resolved?.series as Record<string, Record<string, number>> | undefined)?.[name] ?? {};
      const own = Object.entries(points ?? {}).filter(([d, v]) => ref[d] !== v);
      if (own.length > 0) series[name] = Object.fromEntries(own);
    }
    const sweepParams = s.sweep ? [...Object.keys(s.sweep.grid ?? {}), ...Object.keys(s.sweep.latinHypercube?.params ?? {})] : [];
    const swept = { params: sweepParams, own: sweepParams.length > 0 && JSON.stringify(s.sweep) !== JSON.stringify(resolved?.sweep) };
    return { scenario: s.name, reference, params, ownPolicy, inheritedPolicy, series, swept };
  });
}
