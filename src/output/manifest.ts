// manifest.json: everything needed to know and repeat a run: version, the experiment spec
// (resolved scenarios, seed, replicates, scale, until, events, windows, reference, and the draws of
// a posterior and the points of a design when the run has them), scenario
// files and input tables with their sha256, Node version, the git commit and dependency versions
// the code ran from, times, which tasks completed and each output's sha256. Written atomically
// (atomic.ts).

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { UserError } from "../errors.js";
import type { BreakdownDim } from "../model/codes.js";
import type { Design } from "../scenario/design.js";
import type { ResolvedScenario } from "../scenario/load.js";
import type { PosteriorDraws } from "../scenario/posterior.js";
import type { MonthWindow } from "../scenario/window.js";
import { DATA_DIR } from "../scenario/data.js";
import { PACKAGE_ROOT } from "../version.js";
import { writeFileAtomic } from "./atomic.js";

/** What determines the bytes of a run's outputs (with the package version and data/inputs). */
export interface ExperimentSpec {
  scenarios: ResolvedScenario[];
  seed: number;
  replicates: number;
  scale: number | null;
  until: string | null;
  events: boolean;
  /**
   * `--events-format parquet` (with events): each task's events as events/*.parquet
   * (output/parquet.ts) instead of events.csv. Absent for CSV, so such a spec is as before.
   */
  eventsFormat?: "parquet";
  ciTarget: number;
  /**
   * `--window FROM..TO` (repeatable): summary.csv also counts flows over these months
   * (output/summary.ts taskMetrics). Absent without --window, so such a spec is as before.
   */
  windows?: MonthWindow[];
  /** `--reference NAME`: the scenario effects.csv compares the others with; absent: REFERENCE_SCENARIO. */
  reference?: string;
  /** `--breakdown`: timeseries.csv and flows.csv also split by these (output/csv.ts). Absent without, so such a spec is as before. */
  breakdown?: BreakdownDim[];
  /**
   * `migsim run --posterior`: the file, its sha256, the particle drawn for each replicate and the
   * drawn particles' values (run/posterior.ts). Absent without --posterior, so such a spec, its
   * sha256 and the manifest are as before.
   */
  posterior?: PosteriorDraws;
  /**
   * `migsim run --design FILE`: the file, its sha256, its parameters and every design point's
   * values (scenario/design.ts). Every scenario runs every point, as it would a sweep's (the
   * scenarios have no sweep of their own). Absent without --design, so such a spec is as before.
   */
  design?: Design;
}

/** Shard `index` (0-based) of `count`: the run's tasks whose index is index mod count. */
export interface Shard {
  index: number;
  count: number;
}

export interface ManifestTask {
  /** Position in the whole run (rows are written in this order). */
  index: number;
  scenario: string;
  point: number;
  sweep: Record<string, number>;
  replicate: number;
  seed: number;
  complete: boolean;
}

export interface Manifest {
  migsim: string;
  command: string[];
  spec: ExperimentSpec;
  /** Set when the folder holds one shard of the run (`migsim run --shard`); null for a whole run. */
  shard: Shard | null;
  dataFiles: { file: string; sha256: string }[];
  threads: number;
  node: string;
  platform: string;
  /** The code the run came from (codeProvenance); absent in manifests written before migsim recorded it. */
  git?: GitState;
  dependencies?: Record<string, string | null>;
  startedAt: string;
  finishedAt: string | null;
  complete: boolean;
  tasks: ManifestTask[];
  outputs: { file: string; sha256: string }[];
  /** A run joined from shards by `migsim merge`: where each shard ran. */
  mergedFrom?: { dir: string; shard: Shard; threads: number; node: string; platform: string; git?: GitState; dependencies?: Record<string, string | null>; startedAt: string; finishedAt: string | null }[];
  streams: { derivation: string; purposes: readonly string[] };
}

export const NOT_A_GIT_CHECKOUT = "not a git checkout";

/** The commit of the checkout the code runs from, and whether tracked files differ from it. */
export type GitState = { commit: string; dirty: boolean } | typeof NOT_A_GIT_CHECKOUT;

/** What a citation of a run needs beyond the migsim version, which a checkout between releases does not pin. */
export interface CodeProvenance {
  git: GitState;
  /** Installed version of each runtime dependency in package.json (null when not installed). */
  dependencies: Record<string, string | null>;
}

/** Long enough for `git status` on a cold disk; a hung git must not hold up the run. */
const GIT_TIMEOUT_MS = 5000;

function gitState(root: string): GitState {
  // --no-optional-locks: `git status` would otherwise refresh the index, writing into the checkout.
  const git = (...args: string[]): string =>
    execFileSync("git", ["--no-optional-locks", ...args], { cwd: root, timeout: GIT_TIMEOUT_MS, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  try {
    // Installed under another project's node_modules, git would answer for that project: the
    // checkout counts only if it tracks this package's own package.json.
    git("ls-files", "--error-unmatch", "--", "package.json");
    const commit = git("rev-parse", "--verify", "HEAD");
    // Untracked files are left out (as `git describe --dirty` does): code in one runs only if a
    // tracked file imports it, and that file then shows as changed.
    const dirty = git("status", "--porcelain", "--untracked-files=no") !== "";
    return { commit, dirty };
  } catch {
    // No git, no repository, no commit yet, or too slow: the run goes on without the commit.
    return NOT_A_GIT_CHECKOUT;
  }
}

/** Each runtime dependency's version from its own package.json, found where Node resolves it from `root`. */
function dependencyVersions(root: string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  let names: string[];
  try {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    names = Object.keys(pkg.dependencies ?? {}).sort();
  } catch {
    return out;
  }
  // The node_modules folders Node searches from root, nearest first. Not require.resolve of
  // "x/package.json": a package's "exports" need not expose that file.
  const folders = createRequire(join(root, "package.json")).resolve.paths("x") ?? [];
  for (const name of names) {
    out[name] = null;
    const folder = folders.find((f) => existsSync(join(f, name, "package.json")));
    if (folder === undefined) continue;
    try {
      const version = (JSON.parse(readFileSync(join(folder, name, "package.json"), "utf8")) as { version?: unknown }).version;
      if (typeof version === "string") out[name] = version;
    } catch {
      // an unreadable package.json stays null
    }
  }
  return out;
}

/**
 * The git state of the package at `root` and the versions of its runtime dependencies, which
 * change output bytes too (summary.csv's quantiles are simple-statistics', its cells
 * csv-stringify's, the streams seedrandom's). Never throws: a manifest records what it can.
 * Runs git, so call it once per manifest.
 */
export function codeProvenance(root: string = PACKAGE_ROOT): CodeProvenance {
  return { git: gitState(root), dependencies: dependencyVersions(root) };
}

/**
 * sha256 of each byte range [bounds[k], bounds[k + 1]) of a file, read once in 1 MiB pieces
 * (outputs can exceed what one Buffer holds). A range past the end of the file hashes what is there.
 */
export function sha256Ranges(path: string, bounds: readonly number[]): string[] {
  const out: string[] = [];
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, "r");
  try {
    for (let k = 0; k + 1 < bounds.length; k++) {
      const hash = createHash("sha256");
      const end = bounds[k + 1]!;
      for (let pos = bounds[k]!, n; pos < end && (n = readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos)) > 0; pos += n) hash.update(buf.subarray(0, n));
      out.push(hash.digest("hex"));
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

/** sha256 of a whole file. */
export function sha256File(path: string): string {
  return sha256Ranges(path, [0, Infinity])[0]!;
}

/** sha256 of an experiment spec as the manifest holds it: what a run's checkpoints were made under. */
export function specSha256(spec: ExperimentSpec): string {
  return createHash("sha256").update(JSON.stringify(spec)).digest("hex");
}

/** The input tables a run read, with their hashes. */
export function dataFileHashes(): { file: string; sha256: string }[] {
  const dir = join(DATA_DIR, "inputs");
  return readdirSync(dir).filter((f) => f.endsWith(".csv")).sort().map((f) => ({ file: `data/inputs/${f}`, sha256: sha256File(join(dir, f)) }));
}

export function writeManifest(dir: string, manifest: Manifest): string {
  const path = join(dir, "manifest.json");
  writeFileAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`);
  return path;
}

export function readManifest(path: string): Manifest {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new UserError(`Manifest ${path} does not exist or cannot be read.`);
  }
  let m: Manifest;
  try {
    m = JSON.parse(text) as Manifest;
  } catch (e) {
    throw new UserError(`Manifest ${path} is not valid JSON: ${(e as Error).message}.`);
  }
  if (!m || typeof m !== "object" || !m.spec || !Array.isArray(m.spec.scenarios) || typeof m.spec.seed !== "number") {
    throw new UserError(`Manifest ${path}: expected a migsim manifest with a "spec" (scenarios, seed, replicates).`);
  }
  // The lists that report, merge and --resume read entry by entry: each entry as migsim writes it.
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
  const badOutput = (m as { outputs?: unknown }).outputs !== undefined &&
    (!Array.isArray(m.outputs) || m.outputs.some((o) => !isObject(o) || typeof o.file !== "string" || typeof o.sha256 !== "string"));
  const badTask = (m as { tasks?: unknown }).tasks !== undefined &&
    (!Array.isArray(m.tasks) || m.tasks.some((x) => !isObject(x) || typeof x.index !== "number" || typeof x.scenario !== "string" || typeof x.replicate !== "number"));
  if (badOutput || badTask) {
    throw new UserError(`Manifest ${path}: its "${badOutput ? "outputs" : "tasks"}" is not the list migsim writes (${badOutput ? "file and sha256 of each output" : "index, scenario and replicate of each task"}); the manifest was changed: re-create the run (migsim reproduce) or restore it.`);
  }
  return m;
}
