// Citable runs (issue 19): LICENSE and CITATION.cff agree with package.json, and codeProvenance
// (output/manifest.ts) names the commit of a checkout, says "not a git checkout" elsewhere, and
// reads the dependency versions that are installed. Repositories for the git cases are made in
// temporary folders; they are skipped where git is not installed.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOT_A_GIT_CHECKOUT, codeProvenance } from "../../src/output/manifest.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const read = (file: string): string => readFileSync(join(ROOT, file), "utf8");
const pkg = JSON.parse(read("package.json")) as { version: string; license: string; dependencies: Record<string, string> };

describe("LICENSE", () => {
  it("is the MIT licence of the migsim contributors, as package.json says", () => {
    const text = read("LICENSE");
    expect(pkg.license).toBe("MIT");
    expect(text.split("\n")[0]).toBe("MIT License");
    expect(text).toContain("Copyright (c) 2026 The migsim contributors");
    expect(text).toContain("Permission is hereby granted, free of charge");
    expect(text).toContain('THE SOFTWARE IS PROVIDED "AS IS"');
  });
});

describe("CITATION.cff", () => {
  const cff = parseYaml(read("CITATION.cff")) as Record<string, unknown>;

  it("is CFF 1.2.0 with the required keys", () => {
    expect(cff["cff-version"]).toBe("1.2.0");
    for (const key of ["message", "title"]) expect(typeof cff[key], key).toBe("string");
    expect(cff.authors).toEqual([{ name: "The migsim contributors" }]);
  });

  it("gives package.json's version and licence, and the release date as a date", () => {
    expect(cff.version).toBe(pkg.version);
    expect(cff.license).toBe(pkg.license);
    expect(cff.type).toBe("software");
    expect(cff["date-released"]).toBe("2026-12-07");
    expect(Array.isArray(cff.keywords) && cff.keywords.length > 0).toBe(true);
  });

  it("takes its abstract from the README's first paragraph, and names no repository the README does not", () => {
    expect(cff.abstract).toMatch(/^An open agent-based model of the careers of migrant workers in Japan/);
    expect(cff.abstract).toMatch(/published statistic/);
    expect(/https?:\/\//.test(read("README.md"))).toBe(false);
    expect(cff["repository-code"]).toBeUndefined();
  });
});

const hasGit = ((): boolean => {
  try {
    execFileSync("git", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("codeProvenance", () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), "migsim-provenance-"));
  });
  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
  });
  const git = (cwd: string, ...args: string[]): string =>
    execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false", ...args], { cwd, encoding: "utf8" }).trim();

  it('says "not a git checkout" for a folder outside any git repository, and does not throw', () => {
    const dir = mkdtempSync(join(tmpdir(), "migsim-no-git-"));
    try {
      expect(codeProvenance(dir).git).toBe(NOT_A_GIT_CHECKOUT);
      // No package.json there either: no dependencies to name.
      expect(codeProvenance(dir).dependencies).toEqual({});
      expect(codeProvenance(join(dir, "missing")).git).toBe(NOT_A_GIT_CHECKOUT);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names the package's own checkout: its HEAD, and whether tracked files changed", () => {
    const { git: state } = codeProvenance(ROOT);
    if (state === NOT_A_GIT_CHECKOUT) return; // e.g. run from an npm tarball
    expect(state.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(typeof state.dirty).toBe("boolean");
    if (hasGit) expect(state.commit).toBe(git(ROOT, "rev-parse", "HEAD"));
  });

  it.skipIf(!hasGit)("a committed checkout is clean until a tracked file changes; an untracked file does not count", () => {
    const repo = join(tmp, "repo");
    mkdirSync(repo);
    git(repo, "init", "-q");
    writeFileSync(join(repo, "package.json"), "{}\n");
    expect(codeProvenance(repo).git).toBe(NOT_A_GIT_CHECKOUT); // no commit yet
    git(repo, "add", "package.json");
    git(repo, "commit", "-q", "-m", "first");
    const head = git(repo, "rev-parse", "HEAD");
    writeFileSync(join(repo, "notes.txt"), "untracked\n");
    expect(codeProvenance(repo).git).toEqual({ commit: head, dirty: false });
    writeFileSync(join(repo, "package.json"), '{"name": "x"}\n');
    expect(codeProvenance(repo).git).toEqual({ commit: head, dirty: true });
  });

  it.skipIf(!hasGit)("a package inside another project's repository but not tracked by it (node_modules) is not a checkout", () => {
    const project = join(tmp, "project");
    mkdirSync(project);
    git(project, "init", "-q");
    writeFileSync(join(project, ".gitignore"), "node_modules/\n");
    git(project, "add", ".gitignore");
    git(project, "commit", "-q", "-m", "project");
    const installed = join(project, "node_modules", "migsim");
    mkdirSync(installed, { recursive: true });
    writeFileSync(join(installed, "package.json"), "{}\n");
    expect(codeProvenance(installed).git).toBe(NOT_A_GIT_CHECKOUT);
  });

  it("reads each runtime dependency's installed version from node_modules", () => {
    const { dependencies } = codeProvenance(ROOT);
    expect(Object.keys(dependencies).sort()).toEqual(Object.keys(pkg.dependencies).sort());
    for (const name of ["seedrandom", "simple-statistics", "csv-stringify", "yaml"]) {
      expect(dependencies[name], name).toBe((JSON.parse(read(`node_modules/${name}/package.json`)) as { version: string }).version);
    }
  });

  it("resolves dependencies from the root upwards, as Node does, and gives null for one not installed", () => {
    const app = join(tmp, "app");
    mkdirSync(join(tmp, "node_modules", "shared"), { recursive: true });
    writeFileSync(join(tmp, "node_modules", "shared", "package.json"), '{"version": "1.2.3"}\n');
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), '{"dependencies": {"shared": "^1", "absent": "^2"}}\n');
    expect(codeProvenance(app).dependencies).toEqual({ absent: null, shared: "1.2.3" });
  });
});
