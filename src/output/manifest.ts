// manifest.json: everything needed to know and repeat a run (version, seeds, scenario files
// with their sha256, resolved parameters, Node version, times, which tasks completed).
// Written atomically (temporary file, then rename).

import { createHash } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ResolvedScenario } from "../scenario/load.js";
import type { Task } from "../run/tasks.js";

export interface Manifest {
  migsim: string;
  command: string[];
  seed: number;
  replicates: number;
  scale: number;
  until: string | null;
  events: boolean;
  threads: number;
  node: string;
  platform: string;
  startedAt: string;
  finishedAt: string | null;
  complete: boolean;
  scenarios: (ResolvedScenario & { inputsFile?: undefined })[];
  tasks: (Omit<Task, "index" | "scenarioIndex"> & { complete: boolean })[];
  outputs: { file: string; sha256: string }[];
  streams: { derivation: string; purposes: readonly string[] };
}

export function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

export function writeManifest(dir: string, manifest: Manifest): string {
  const path = join(dir, "manifest.json");
  const tmp = `${path}.partial`;
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(tmp, path);
  return path;
}
