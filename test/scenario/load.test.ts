// Scenario files: the baseline, `extends` chains, and a corpus of malformed files whose errors
// must name the file, the key path and (for YAML/JSON syntax and schema errors) the line.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { PARAM_NAMES, defaultParams } from "../../src/model/params.js";
import { MAX_SCENARIO_BYTES, SCENARIO_DEFAULTS, loadScenario, nearestKey, parseScenarioFile } from "../../src/scenario/load.js";
import { QUOTE_MAX } from "../../src/scenario/quote.js";
import { buildInputs } from "../../src/scenario/resolve.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const FIXTURES = join(ROOT, "test/fixtures");
const BASELINE = join(ROOT, "scenarios/baseline.yaml");
const bad = (f: string): string => join(FIXTURES, "bad", f);
const sha256 = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Runs fn and returns the UserError it throws (fails the test otherwise). */
function userError(fn: () => unknown): UserError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, "expected a UserError, nothing was thrown").toBeDefined();
  expect(thrown).toBeInstanceOf(UserError);
  const e = thrown as UserError;
  expect(e.exitCode).toBe(2);
  return e;
}

describe("the baseline scenario", () => {
  const s = loadScenario(BASELINE);

  it("loads with its name from the file name, a description and sources", () => {
    expect(s.name).toBe("baseline");
    expect(s.description).toMatch(/^The rules as they are/);
    expect(s.sources.length).toBeGreaterThan(0);
    expect(s.start).toBe("2014-01");
    expect(s.end).toBe("2035-12");
    expect(s.scale).toBe(1);
  });

  it("records the file with its sha256", () => {
    expect(s.files).toEqual([{ path: BASELINE, sha256: sha256(BASELINE) }]);
  });

  it("has its policy sorted by month, notes kept", () => {
    const months = s.policy.map((p) => p.from);
    expect(months).toEqual([...months].sort());
    expect(months).toEqual(["2017-11", "2018-01", "2019-04", "2020-04", "2021-05", "2022-06", "2022-09", "2023-06", "2024-06", "2024-11", "2027-04", "2027-07"]);
    expect(s.policy[0]).toEqual({ from: "2017-11", set: { ti3Available: true }, note: expect.stringMatching(/TI-3/) });
    // ESD from 2027-04, with TITP plans still starting until 2027-06 (esd-rules.md rule 8).
    expect(s.policy.at(-2)!.set).toEqual({ esdActive: true, titpTransitionalEntries: true });
    expect(s.policy.at(-1)!.set).toEqual({ titpTransitionalEntries: false });
  });

  it("has every parameter, at its default (the baseline sets none)", () => {
    expect(Object.keys(s.params).sort()).toEqual([...PARAM_NAMES].sort());
    expect(s.params).toEqual(defaultParams());
  });

  it("resolves into model inputs", () => {
    const inputs = buildInputs(s);
    expect(inputs.months).toBe(22 * 12); // 2014-01 to 2035-12
    expect(inputs.scale).toBe(1);
    expect(inputs.policy.map((p) => p.month)).toEqual([46, 48, 63, 75, 88, 101, 104, 113, 125, 130, 159, 162]);
  });

  it("parseScenarioFile does not follow extends and keeps the raw data", () => {
    const f = parseScenarioFile(join(FIXTURES, "ok/tiny.yaml"));
    expect(f.data).toEqual({ extends: "../../../scenarios/baseline.yaml" });
    expect(f.sha256).toBe(sha256(join(FIXTURES, "ok/tiny.yaml")));
  });
});

describe("extends chains", () => {
  const childPath = join(FIXTURES, "extends/sub/child.yaml");
  const middlePath = join(FIXTURES, "extends/middle.yaml");
  const rootPath = join(FIXTURES, "extends/root.yaml");
  const child = loadScenario(childPath);

  it("lists the file and its ancestors, child first, each with its sha256", () => {
    expect(child.files).toEqual([
      { path: childPath, sha256: sha256(childPath) },
      { path: middlePath, sha256: sha256(middlePath) },
      { path: rootPath, sha256: sha256(rootPath) },
    ]);
  });

  it("takes scalar fields from the nearest file that sets them", () => {
    expect(child.name).toBe("child");
    expect(child.description).toBe("The middle of the chain.");
    expect(child.sources).toEqual(["root source"]);
    expect(child.start).toBe("2017-01");
    expect(child.end).toBe("2028-12");
    expect(child.scale).toBe(0.5);
  });

  it("does not inherit the parent's name", () => {
    expect(loadScenario(middlePath).name).toBe("middle");
    expect(loadScenario(rootPath).name).toBe("root");
  });

  it("merges params key by key, the child winning, over the defaults", () => {
    expect(child.params).toEqual({
      ...defaultParams(),
      feeShareBorneByWorker: 0.5, // middle over root's 0.9
      ssw1CapMonths: 60, // root
      feeCapEnforced: true, // root
      careerPlateauJobChanges: 5, // child over middle's 4
    });
  });

  it("concatenates policies, sorted by month, the child after its ancestors at the same month", () => {
    expect(child.policy.map((p) => [p.from, p.note])).toEqual([
      ["2018-01", "child 2018"],
      ["2020-01", "root 2020"],
      ["2020-01", "child 2020"],
      ["2022-06", "middle 2022"],
      ["2025-01", "root 2025"],
    ]);
    // Applied in order, the child's setting is the one in force from 2020-01.
    const inputs = buildInputs(child);
    const at2020 = inputs.policy.filter((p) => p.month === 36 && "sswAvailable" in p.set);
    expect(at2020.at(-1)!.set.sswAvailable).toBe(false);
  });

  it("merges series point by point, the child winning", () => {
    // Year points are keyed by their first month (2017 = 2017-01).
    expect(child.series).toEqual({
      jobOpeningsRatio: { "2017-01": 1.0, "2020-01": 3.0, "2022-01": 4.0 },
      wageIndex: { "2017-01": 0.5 },
      tiEntriesPerYear: { "2019-01": 1000 },
    });
  });

  it("follows a relative extends to the real baseline", () => {
    const tiny = loadScenario(join(FIXTURES, "ok/tiny.yaml"));
    const base = loadScenario(BASELINE);
    expect(tiny.name).toBe("tiny");
    expect(tiny.files[1]).toEqual(base.files[0]);
    expect({ ...tiny, name: "baseline", files: [] }).toEqual({ ...base, files: [] });
  });
});

describe("a valid JSON scenario", () => {
  const path = join(FIXTURES, "ok/valid.json");
  const s = loadScenario(path);

  it("loads like YAML", () => {
    expect(s.name).toBe("json-ok");
    expect(s.description).toMatch(/^A valid scenario written as JSON/);
    expect(s.start).toBe("2018-01");
    expect(s.end).toBe("2020-12");
    expect(s.scale).toBe(0.5);
    expect(s.params).toEqual({ ...defaultParams(), feeShareBorneByWorker: 0.5, ssw1CapMonths: 72, feeCapEnforced: true });
    expect(s.policy).toEqual([
      { from: "2018-06", set: { sswAvailable: true } },
      { from: "2020-01", set: { ssw2AllSectors: true }, note: "later step first" },
    ]);
    expect(s.series).toEqual({ jobOpeningsRatio: { "2018-01": 1.7, "2020-06": 1.1 } });
    expect(s.files).toEqual([{ path, sha256: sha256(path) }]);
  });

  it("resolves", () => {
    const inputs = buildInputs(s);
    expect(inputs.months).toBe(36);
    expect(inputs.policy.map((p) => p.month)).toEqual([5, 24]);
    expect(inputs.series.jobOpeningsRatio[0]).toBe(1.7);
    expect(inputs.series.jobOpeningsRatio[29]).toBe(1.1); // 2020-06
  });
});

describe("scenario defaults", () => {
  it("are what an empty-but-valid file gets", () => {
    expect(SCENARIO_DEFAULTS).toEqual({ start: "2014-01", end: "2035-12", scale: 1 });
  });
});

interface BadCase {
  /** Fixture file under test/fixtures/bad/ (or a path that does not exist). */
  file: string;
  /** The key path as printed, e.g. params.ssw1CapMonth; null where the error has none. */
  path: RegExp | null;
  /** The line of the offending key or syntax error; null where no line applies. */
  line: number | null;
  /** What was expected, or the hint. */
  what: RegExp;
  /** The file the message must name, when not `file` (an error in an ancestor). */
  names?: string;
}

const BAD: BadCase[] = [
  { file: "unknown-top-key.yaml", path: /\bparamz\b/, line: 4, what: /unknown key \(did you mean "params"\?\)/ },
  { file: "param-near-miss.yaml", path: /\bparams\.ssw1CapMonth\b/, line: 4, what: /unknown key \(did you mean "ssw1CapMonths"\?\)/ },
  { file: "param-wrong-type.yaml", path: /\bparams\.feeShareBorneByWorker\b/, line: 3, what: /expected a number in \[0, 1\]/ },
  { file: "param-out-of-range.yaml", path: /\bparams\.feeShareBorneByWorker\b/, line: 3, what: /expected at most 1\b.*range \[0, 1\]/ },
  { file: "param-not-integer.yaml", path: /\bparams\.ssw1CapMonths\b/, line: 3, what: /whole number/ },
  { file: "flag-wrong-type.yaml", path: /\bparams\.sswAvailable\b/, line: 3, what: /true or false/ },
  { file: "month-13.yaml", path: /\bend\b/, line: 3, what: /YYYY-MM/ },
  { file: "month-one-digit.yaml", path: /\bpolicy\[0\]\.from\b/, line: 3, what: /YYYY-MM/ },
  { file: "end-before-start.yaml", path: /\bend\b.*\bstart\b/, line: null, what: /end \(2019-12\) is before start \(2020-01\)/ },
  { file: "policy-unknown-param.yaml", path: /\bpolicy\[1\]\.set\.esdActiv\b/, line: 7, what: /did you mean "esdActive"\?/ },
  { file: "policy-unknown-key.yaml", path: /\bpolicy\[0\]\.sett\b/, line: 4, what: /did you mean "set"\?/ },
  { file: "series-unknown-name.yaml", path: /\bseries\.jobOpeningRatio\b/, line: 3, what: /did you mean "jobOpeningsRatio"\?/ },
  { file: "series-bad-date.yaml", path: /\bseries\.jobOpeningsRatio\.2030-13\b/, line: 4, what: /YYYY or YYYY-MM/ },
  { file: "series-negative.yaml", path: /\bseries\.tiEntriesPerYear\.2030\b/, line: 4, what: /expected at least 0 \(persons\/year, 1:1\); plausible range \[0, 1000000\]/ },
  { file: "series-too-large.yaml", path: /\bseries\.tiEntriesPerYear\.2015\b/, line: 4, what: /expected at most 1000000 \(persons\/year, 1:1\); plausible range \[0, 1000000\]/ },
  { file: "series-index-zero.yaml", path: /\bseries\.yenValueIndex\.2027-12\b/, line: 5, what: /expected at least 0\.1 \(scenario shift of the yen against every origin currency, 1 = the observed rates\)/ },
  { file: "top-key-parameters.yaml", path: /\bparameters\b/, line: 2, what: /unknown key \(did you mean "params"\?\)/ },
  { file: "param-prefix.yaml", path: /\bparams\.abscondBaseHazard\b/, line: 3, what: /unknown key \(did you mean "abscondBaseHazardPerMonth"\?\)/ },
  { file: "alias-unresolved.yaml", path: null, line: 2, what: /is not valid YAML.*the alias \*nope names no anchor/ },
  { file: "alias-bomb.yaml", path: null, line: null, what: /aliases \(\*name\) expand more than 100 times/ },
  { file: "deep-nesting.yaml", path: null, line: null, what: /is not valid YAML: its lists or mappings are nested too deeply|sources/ }, // by the parser's stack, or by the schema
  { file: "extends-dev-zero.yaml", path: /dev\/zero \(extended by [^)]*extends-dev-zero\.yaml\)/, line: null, what: /is a character device, not a regular file/ },
  { file: "extends-folder.yaml", path: /ok \(extended by [^)]*extends-folder\.yaml\)/, line: null, what: /is a folder, not a regular file/ },
  { file: "bad-name.yaml", path: /\bname\b/, line: 1, what: /lower-case/ },
  { file: "scale-zero.yaml", path: /\bscale\b/, line: 2, what: /\(0, 1\]/ },
  { file: "extends-missing.yaml", path: /\bextends\b/, line: null, what: /no-such-parent\.yaml.*does not exist/ },
  { file: "extends-bad-parent.yaml", path: /\bparams\.feeShareBorneByWorker\b/, line: 3, what: /at most 1/, names: "param-out-of-range.yaml" },
  { file: "cycle-a.yaml", path: /"extends"/, line: null, what: /cycle: cycle-a\.yaml -> cycle-b\.yaml -> cycle-a\.yaml/ },
  { file: "cycle-b.yaml", path: /"extends"/, line: null, what: /cycle: cycle-b\.yaml -> cycle-a\.yaml -> cycle-b\.yaml/ },
  { file: "self-extends.yaml", path: /"extends"/, line: null, what: /cycle: self-extends\.yaml -> self-extends\.yaml/ },
  { file: "invalid-syntax.yaml", path: null, line: 4, what: /is not valid YAML/ },
  { file: "duplicate-key.yaml", path: null, line: 3, what: /is not valid YAML.*the key "start" is given twice/ },
  { file: "collection-key.yaml", path: null, line: 2, what: /a key must be a plain name or number, not a list or mapping/ },
  { file: "invalid.json", path: null, line: 4, what: /is not valid JSON/ },
  { file: "list.yaml", path: null, line: null, what: /expected a mapping of keys .* at the top level/ },
  { file: "empty.yaml", path: null, line: null, what: /expected a mapping of keys .* at the top level/ },
  { file: "scenario.txt", path: null, line: null, what: /expected a \.yaml, \.yml or \.json file/ },
  { file: "no-such-file.yaml", path: null, line: null, what: /does not exist/ },
];

describe("malformed scenario files", () => {
  it.each(BAD)("$file: a UserError naming the file, the key path and the line", ({ file, path, line, what, names }) => {
    const e = userError(() => buildInputs(loadScenario(bad(file))));
    const msg = e.message;
    expect(msg).toMatch(new RegExp(escapeRe(names ?? file)));
    if (path) expect(msg).toMatch(path);
    if (line !== null) expect(msg).toMatch(new RegExp(`\\bline ${line}\\b`));
    expect(msg).toMatch(what);
    // One paragraph, no stack trace, nothing unprintable.
    expect(msg).not.toMatch(/\n\s*\n/);
    expect(msg).not.toMatch(/ {4}at /);
    expect(msg).not.toMatch(/ZodError|\[object Object\]|line undefined|NaN/);
  });

  it("loadScenario alone already rejects each of them (no need to build inputs)", () => {
    for (const { file } of BAD) expect(() => loadScenario(bad(file)), file).toThrow(UserError);
  });

  it("names the path as the user gave it (relative stays relative)", () => {
    const rel = relative(process.cwd(), bad("param-near-miss.yaml"));
    const e = userError(() => loadScenario(rel));
    expect(e.message).toMatch(new RegExp(`^Invalid scenario ${escapeRe(rel)}: `));
  });

  it("lists at most 8 issues and counts the rest", () => {
    const e = userError(() => loadScenario(bad("many-issues.yaml")));
    expect(e.message).toMatch(/many-issues\.yaml/);
    expect(e.message).toMatch(/params\.ti3Available \(line 3\): expected true or false/);
    expect(e.message).toMatch(/params\.feeShareBorneByWorker \(line 10\)/);
    expect(e.message).not.toMatch(/feeCapYen|debtCv/);
    expect(e.message).toMatch(/; and 2 more\.$/);
  });
});

/** A folder for the files these tests write (a FIFO, a file over the cap, long keys). */
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-read-"));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe("bounded reading: only regular files of at most 1 MiB", () => {
  // Each of these would read forever (a device), block forever (a FIFO without a writer) or fail
  // with a raw EISDIR; the test's own timeout catches a read that blocks.
  it.each([
    { name: "/dev/zero", path: () => "/dev/zero", what: /is a character device, not a regular file/ },
    { name: "/dev/urandom", path: () => "/dev/urandom", what: /is a character device, not a regular file/ },
    { name: "a folder", path: () => tmp, what: /is a folder, not a regular file/ },
    {
      name: "a FIFO",
      path: () => {
        const fifo = join(tmp, "pipe.yaml");
        if (!existsSync(fifo)) execFileSync("mkfifo", [fifo]);
        return fifo;
      },
      what: /is a named pipe \(FIFO\), not a regular file/,
    },
  ])("$name is refused without reading it", ({ path, what }) => {
    if (process.platform === "win32") return; // no /dev, no mkfifo
    const p = path();
    const e = userError(() => loadScenario(p));
    expect(e.message).toContain(`Scenario file ${p} `);
    expect(e.message).toMatch(what);
  }, 5000);

  it("refuses a file one byte over the cap, naming the cap, and reads one exactly at it", () => {
    const head = "description: a large file, mostly one comment\n#";
    const atCap = join(tmp, "at-cap.yaml");
    writeFileSync(atCap, `${head}${"x".repeat(MAX_SCENARIO_BYTES - head.length - 1)}\n`);
    expect(readFileSync(atCap).length).toBe(MAX_SCENARIO_BYTES);
    expect(loadScenario(atCap).description).toBe("a large file, mostly one comment");
    const over = join(tmp, "over-cap.yaml");
    writeFileSync(over, `${head}${"x".repeat(MAX_SCENARIO_BYTES - head.length)}\n`);
    const e = userError(() => loadScenario(over));
    expect(e.message).toBe(`Scenario file ${over} is larger than 1048576 bytes (1 MiB), the most a scenario file may have.`);
  });
});

describe("errors quote at most about 200 characters of a key or value", () => {
  const long = "k".repeat(5000);

  it.each([
    { name: "an unknown top-level key", data: { [long]: 1 }, says: /unknown key/ },
    { name: "an unknown parameter", data: { params: { [long]: 1 } }, says: /params\.k+… .*unknown key/ },
    { name: "a series date", data: { series: { wageIndex: { [long]: 1 } } }, says: /series dates are YYYY or YYYY-MM.*got "k+…"/ },
    { name: "an extends target", data: { extends: `${long}.yaml` }, says: /Cannot read scenario file …k+\.yaml|does not exist/ },
    { name: "a policy key", data: { policy: [{ from: "2020-01", set: {}, [long]: 1 }] }, says: /policy\[0\]\.k+… .*unknown key/ },
  ])("$name of 5,000 characters", ({ data, says }) => {
    const file = join(tmp, "long.json");
    writeFileSync(file, JSON.stringify(data));
    const e = userError(() => loadScenario(file));
    expect(e.message).toMatch(says);
    expect(e.message).toContain("…");
    // No run of the key longer than the quote limit, and the message stays short.
    expect(e.message).not.toContain("k".repeat(QUOTE_MAX + 1));
    expect(e.message.length).toBeLessThan(file.length + 3 * QUOTE_MAX + 200);
  });
});

describe("near misses get a suggestion (edit distance)", () => {
  const TOP = ["$schema", "name", "description", "sources", "extends", "start", "end", "scale", "params", "policy", "series", "sweep"];
  it.each([
    ["parameters", TOP, "params"],
    ["paramz", TOP, "params"],
    ["Params", TOP, "params"],
    ["descripton", TOP, "description"],
    ["abscondBaseHazard", PARAM_NAMES, "abscondBaseHazardPerMonth"],
    ["ssw1CapMonth", PARAM_NAMES, "ssw1CapMonths"],
    ["foo", TOP, undefined],
    ["colour", TOP, undefined],
    ["x".repeat(5000), PARAM_NAMES, undefined],
  ] as const)("%s -> %s", (key, known, expected) => {
    expect(nearestKey(key, known)).toBe(expected);
  });
});
