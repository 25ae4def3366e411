#!/usr/bin/env node
// `npm run fuzz`: mutates the library scenarios (scenarios/*.yaml) and runs each mutant through
// `migsim validate` and a tiny `migsim run` as child processes, with a time limit and a memory
// cap. A case fails on a crash, a hang, a stack trace or internal error, an exit code other than
// 0, 2 or 3, an error message longer than one paragraph, validate and run disagreeing, a refused
// run leaving files behind, or a run whose outputs hold NaN, Infinity, negative or fractional
// counts, zero agents or the wrong months (issue 20).
//
//   node scripts/fuzz.mjs [--seed N] [--count N] [--quick] [--only K[,K...]] [--out DIR]
//                         [--timeout-ms MS] [--jobs J] [--mem-mb MB] [--list] [--keep]
//
// Case K of seed S is generated from its own generator (seedrandom "migsim-fuzz/S/K"), so the
// same seed gives the same mutations in the same order whatever --count, --jobs or --only.
// Writes DIR/report.json (every case) and DIR/cases/case-K/ (the files of each failing case and
// the commands that reproduce it). Exit code 0 if no case failed, 1 otherwise, 2 on bad options.

import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseCsv } from "csv-parse";
import seedrandom from "seedrandom";
import YAML from "yaml";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(REPO, "bin", "migsim.js");
const SCENARIOS = join(REPO, "scenarios");
const BASELINE = join(SCENARIOS, "baseline.yaml");

const SCALE = "0.002";
const HORIZON_MONTHS = 12;
const MAX_STDERR = 1000;
const IN_JAPAN = new Set(["TI", "SSW1", "SSW2", "SIE", "IRREGULAR", "ASYLUM", "PR", "DETAINED", "PROVISIONAL", "DESIGNATED"]);
const EXITS = new Set(["RETURNED", "ONWARD", "DEPORTED", "SUBSIDIARY"]);
const SERIES = ["jobOpeningsRatio", "yenValueIndex", "wageIndex", "tiEntriesPerYear", "ssw1EntriesPerYear", "sieEntriesPerYear", "ssw1StockCap", "underpayingEmployerIndex"];

// ---------------------------------------------------------------------------------------------
// Options

const USAGE = `usage: node scripts/fuzz.mjs [--seed N] [--count N] [--quick] [--only K[,K...]] [--out DIR]
                             [--timeout-ms MS] [--jobs J] [--mem-mb MB] [--list] [--keep]
  --seed N        root seed of the mutations (default 1)
  --count N       number of cases (default 300; --quick: 40)
  --quick         the short CI version (40 cases)
  --only K,...    run only these case numbers (as generated for --seed)
  --out DIR       report folder (default output/fuzz)
  --timeout-ms MS time limit of each child process (default 20000)
  --jobs J        child processes at a time (default 2)
  --mem-mb MB     V8 heap cap of each child (--max-old-space-size; default 1024); a child whose
                  resident memory passes MB + 512 is killed and the case fails
  --list          print the cases' mutations without running them
  --keep          keep the temporary folder of every case`;

export function parseOptions(argv) {
  const o = { seed: 1, count: null, out: join("output", "fuzz"), timeoutMs: 20000, jobs: 2, memMb: 1024, quick: false, only: null, list: false, keep: false };
  const num = (flag, v, min) => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min) throw new Error(`${flag} expects a whole number >= ${min}, got ${v ?? "nothing"}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case "--seed": o.seed = num(flag, value(), 0); break;
      case "--count": o.count = num(flag, value(), 1); break;
      case "--out": o.out = value(); if (!o.out) throw new Error("--out expects a folder"); break;
      case "--timeout-ms": o.timeoutMs = num(flag, value(), 100); break;
      case "--jobs": o.jobs = num(flag, value(), 1); break;
      case "--mem-mb": o.memMb = num(flag, value(), 64); break;
      case "--quick": o.quick = true; break;
      case "--list": o.list = true; break;
      case "--keep": o.keep = true; break;
      case "--only": {
        const v = value() ?? "";
        o.only = v.split(",").map((s) => num(flag, s.trim(), 1));
        break;
      }
      case "--help": case "-h": o.help = true; break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  if (o.count === null) o.count = o.quick ? 40 : 300;
  return o;
}

// ---------------------------------------------------------------------------------------------
// The library: scenario files and parameter specs

/** The library scenarios (name, text, parsed object with `extends` made absolute), by name. */
export function loadLibrary() {
  const files = readdirSync(SCENARIOS).filter((f) => f.endsWith(".yaml")).sort();
  return files.map((f) => {
    const path = join(SCENARIOS, f);
    const text = readFileSync(path, "utf8");
    const obj = YAML.parse(text);
    if (typeof obj.extends === "string") obj.extends = resolve(SCENARIOS, obj.extends);
    const absText = text.replace(/^extends:\s*(\S+)\s*$/m, (_, p) => `extends: ${resolve(SCENARIOS, p)}`);
    return { name: f.replace(/\.yaml$/, ""), file: f, text: absText, obj };
  });
}

/** Parameter specs as `migsim params --format json` gives them (default, unit, range, integer). */
export function loadParams() {
  const out = execFileSync(process.execPath, [BIN, "params", "--format", "json"], { cwd: REPO, encoding: "utf8", maxBuffer: 64 << 20 });
  const specs = JSON.parse(out);
  const names = Object.keys(specs).sort();
  return { specs, names, numeric: names.filter((n) => Array.isArray(specs[n].range)), flags: names.filter((n) => !Array.isArray(specs[n].range)) };
}

// ---------------------------------------------------------------------------------------------
// Random helpers (one generator per case)

function makeRng(seed, k) {
  const u = seedrandom.alea(`migsim-fuzz/${seed}/${k}`);
  const r = {
    u,
    int: (n) => Math.floor(u() * n),
    between: (a, b) => a + Math.floor(u() * (b - a + 1)),
    pick: (arr) => arr[Math.floor(u() * arr.length)],
    chance: (p) => u() < p,
    weighted: (pairs) => {
      const total = pairs.reduce((s, [, w]) => s + w, 0);
      let x = u() * total;
      for (const [v, w] of pairs) if ((x -= w) < 0) return v;
      return pairs[pairs.length - 1][0];
    },
    bytes: (n) => {
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = Math.floor(u() * 256);
      return b;
    },
  };
  return r;
}

const clone = (x) => structuredClone(x);
const isMonth = (s) => typeof s === "string" && /^\d{4}-(0[1-9]|1[0-2])$/.test(s);
const monthAbs = (s) => Number(s.slice(0, 4)) * 12 + Number(s.slice(5, 7)) - 1;
const monthText = (abs) => `${String(Math.floor(abs / 12)).padStart(4, "0")}-${String((abs % 12) + 1).padStart(2, "0")}`;
const show = (v) => {
  if (typeof v === "number") return Number.isNaN(v) ? "NaN" : String(v);
  if (typeof v === "string") return v.length > 40 ? `"${v.slice(0, 12)}..." (${v.length} chars)` : JSON.stringify(v);
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 40)}... (${s.length} chars)` : s;
};

// ---------------------------------------------------------------------------------------------
// Values

/** A value for a numeric parameter: in range (corners included), out of range, or of a wrong type. */
function numericValue(r, spec) {
  const [lo, hi] = spec.range;
  const kind = r.weighted([["in", 4], ["out", 4], ["type", 2]]);
  if (kind === "in") {
    const x = r.pick([lo, hi, (lo + hi) / 2, lo + (hi - lo) * r.u(), lo + (hi - lo) * 1e-9, hi - (hi - lo) * 1e-9]);
    return spec.integer ? Math.round(x) : x;
  }
  if (kind === "out") {
    return r.pick([
      lo - Math.max(1, Math.abs(lo)), hi + Math.max(1, Math.abs(hi)), -1, 0, -0, 1e15, -1e15, 1e308, 1e-320, 5e-324,
      NaN, Infinity, -Infinity, 2 ** 53 + 1, hi * (1 + 1e-12) + 1e-300, lo - 1e-12, spec.integer ? lo + 0.5 : hi * 2 + 1,
    ]);
  }
  return r.pick(["0.5", "NaN", "Infinity", "", "1e3", "x".repeat(r.pick([10, 5000, 200000])), [1, 2], [], { a: 1 }, null, true, false, "${HOME}"]);
}

function flagValue(r) {
  return r.pick([true, false, 1, 0, "true", "yes", "on", null, [true], { x: true }, "x".repeat(5000)]);
}

function paramValue(r, P, name) {
  return Array.isArray(P.specs[name].range) ? numericValue(r, P.specs[name]) : flagValue(r);
}

function badMonth(r) {
  return r.pick(["2027-13", "2027-00", "27-04", "2027-4", "2027-04-01", 2027, 202704, "", null, "0000-01", "9999-12", "1900-01",
    "2027/04", " 2027-04", "2027-04 ", "２０２７-04", "2027-04\n", true, [2027, 4], { y: 2027 }, "-001-01", "x".repeat(5000)]);
}

function weirdSeriesValue(r) {
  return r.pick([1e15, 1e300, 1e12, 1e9, 1e7, 2e6, -1, -1e-9, -1e15, NaN, Infinity, -Infinity, 0, 1e-320, "1.5", null, [1], { a: 1 }, true]);
}

// ---------------------------------------------------------------------------------------------
// Mutations of a scenario object. Each returns a short description.

function randomParam(r, P, numericOnly = false) {
  return r.pick(numericOnly ? P.numeric : P.names);
}

function mutParam(r, doc, P) {
  const name = r.chance(0.06) ? r.pick(["fooBar", "debtcv", "abscondBaseHazard", "__proto__", "constructor", "x".repeat(5000)]) : randomParam(r, P);
  const v = P.specs[name] ? paramValue(r, P, name) : r.pick([0.5, true, "x"]);
  if (r.chance(0.08)) {
    doc.params = r.pick([[name, v], "params", 42, null]);
    return `params replaced by ${show(doc.params)}`;
  }
  doc.params = doc.params && typeof doc.params === "object" && !Array.isArray(doc.params) ? doc.params : {};
  if (name === "__proto__" || name === "constructor") Object.defineProperty(doc.params, name, { value: v, enumerable: true, writable: true, configurable: true });
  else doc.params[name] = v;
  return `params.${name.length > 40 ? `${name.slice(0, 8)}...(${name.length} chars)` : name} = ${show(v)}`;
}

/** Several numeric parameters at once set to values inside their ranges (corners included). */
function mutValidParams(r, doc, P) {
  const n = r.between(1, 10);
  const parts = [];
  doc.params = doc.params ?? {};
  for (let i = 0; i < n; i++) {
    if (r.chance(0.15)) {
      const f = r.pick(P.flags);
      doc.params[f] = r.chance(0.5);
      parts.push(`${f}=${doc.params[f]}`);
      continue;
    }
    const name = r.pick(P.numeric);
    const [lo, hi] = P.specs[name].range;
    let x = r.pick([lo, hi, lo + (hi - lo) * r.u(), lo + (hi - lo) * r.u()]);
    x = P.specs[name].integer ? Math.round(x) : Number(x.toPrecision(6));
    doc.params[name] = x;
    parts.push(`${name}=${x}`);
  }
  return `in-range params ${parts.join(", ")}`;
}

function mutPolicy(r, doc, P, start) {
  doc.policy = Array.isArray(doc.policy) ? doc.policy : [];
  const variant = r.int(10);
  const validFrom = start ? monthText(monthAbs(start) + r.int(HORIZON_MONTHS)) : "2014-06";
  const someParam = () => randomParam(r, P);
  switch (variant) {
    case 0: {
      const from = badMonth(r);
      const p = someParam();
      doc.policy.push({ from, set: { [p]: P.specs[p].default } });
      return `policy step from ${show(from)}`;
    }
    case 1: {
      if (doc.policy.length === 0) doc.policy.push({ from: validFrom, set: { ti3Available: true } });
      const k = r.int(doc.policy.length);
      const from = badMonth(r);
      doc.policy[k] = { ...doc.policy[k], from };
      return `policy[${k}].from = ${show(from)}`;
    }
    case 2: {
      const name = r.pick(["fooBar", "debtcv", "sswavailable", "ti3available", "params", "x".repeat(5000)]);
      doc.policy.push({ from: validFrom, set: { [name]: true } });
      return `policy step sets unknown parameter ${show(name)}`;
    }
    case 3: {
      const p = someParam();
      const v = paramValue(r, P, p);
      doc.policy.push({ from: validFrom, set: { [p]: v } });
      return `policy step ${validFrom} sets ${p} = ${show(v)}`;
    }
    case 4: {
      const step = r.pick([{ from: validFrom }, { set: { ti3Available: true } }, { from: validFrom, set: {} }, { from: validFrom, set: [] },
        { from: validFrom, set: null }, { from: validFrom, set: { ti3Available: true }, note: 42 }, { from: validFrom, set: { ti3Available: true }, extra: 1 },
        "2027-04", null, [], 42]);
      doc.policy.push(step);
      return `policy step ${show(step)}`;
    }
    case 5: {
      doc.policy = r.pick([{ from: validFrom, set: { ti3Available: true } }, null, "none", 42, {}]);
      return `policy = ${show(doc.policy)}`;
    }
    case 6: {
      // Many steps, each valid: a long timeline must still be quick.
      const n = r.pick([1000, 20000]);
      const p = r.pick(P.numeric);
      const [lo, hi] = P.specs[p].range;
      const steps = [];
      for (let i = 0; i < n; i++) {
        const x = lo + ((hi - lo) * i) / n;
        steps.push(`{ from: "${monthText(monthAbs(start ?? "2014-01") + (i % 240))}", set: { ${p}: ${P.specs[p].integer ? Math.round(x) : x} } }`);
      }
      doc.policy = raw(`[ ${[...doc.policy.map((st) => JSON.stringify(st)), ...steps].join(", ")} ]`);
      return `${n} valid policy steps on ${p}`;
    }
    case 7: {
      // Conflicting steps in the same month, and a step before the start.
      const p = r.pick(P.numeric);
      const [lo, hi] = P.specs[p].range;
      const before = start ? monthText(monthAbs(start) - r.pick([1, 12, 1200])) : "2000-01";
      doc.policy.push({ from: validFrom, set: { [p]: lo } }, { from: validFrom, set: { [p]: hi } }, { from: before, set: { [p]: hi } });
      return `conflicting policy steps on ${p} in ${validFrom} and one at ${before}`;
    }
    case 8: {
      const from = r.pick(["9999-12", "2999-01", "2036-01", "0000-01", "1000-06"]);
      const p = someParam();
      doc.policy.push({ from, set: { [p]: P.specs[p].default } });
      return `policy step far away: ${from}`;
    }
    default: {
      if (doc.policy.length === 0) doc.policy.push({ from: validFrom, set: { ti3Available: true } });
      const k = r.int(doc.policy.length);
      const p = someParam();
      const v = paramValue(r, P, p);
      doc.policy[k] = { ...doc.policy[k], set: { ...(doc.policy[k]?.set ?? {}), [p]: v } };
      return `policy[${k}].set.${p} = ${show(v)}`;
    }
  }
}

function mutDates(r, doc) {
  const variant = r.int(6);
  if (variant === 0) {
    const v = badMonth(r);
    doc.start = v;
    return `start = ${show(v)}`;
  }
  if (variant === 1) {
    const v = badMonth(r);
    doc.end = v;
    return `end = ${show(v)}`;
  }
  if (variant === 2) {
    const s = r.pick(["2030-01", "2020-06", "2014-02"]);
    const e = r.pick(["2020-12", "2014-01", "2013-12", "2020-05"]);
    doc.start = s;
    doc.end = e;
    return `start ${s}, end ${e} (end before start?)`;
  }
  if (variant === 3) {
    const s = r.pick(["2014-01", "2020-06", "2035-12", "1900-01", "0000-01", "0001-01", "2200-01", "9999-01"]);
    doc.start = s;
    doc.end = s;
    return `start = end = ${s}`;
  }
  if (variant === 4) {
    const e = r.pick(["2999-12", "9999-12", "2100-12", "5000-01"]);
    doc.end = e;
    return `end far in the future: ${e}`;
  }
  const s = r.pick(["1900-01", "2000-01", "2040-01", "2500-01", "0000-01"]);
  doc.start = s;
  if (r.chance(0.5)) doc.end = monthText(monthAbs(s) + r.pick([0, 11, 240]));
  return `start = ${s}${doc.end ? `, end = ${doc.end}` : ""}`;
}

function mutSweep(r, doc, P) {
  const p = r.pick(P.numeric);
  const spec = P.specs[p];
  const [lo, hi] = spec.range;
  const q = r.pick(P.numeric.filter((n) => n !== p));
  const variant = r.int(16);
  let sweep;
  let what;
  switch (variant) {
    case 0:
      sweep = { grid: { [p]: [lo, r.pick([lo - Math.max(1, Math.abs(lo)), hi * 10 + 1, -1e15, 1e15])] } };
      what = `grid ${p} with an out-of-range value`;
      break;
    case 1: {
      const names = r.pick([[p, q], [p, q, r.pick(P.numeric)], P.numeric.slice(0, 6)]);
      sweep = { grid: Object.fromEntries(names.map((n) => [n, { from: P.specs[n].range[0], to: P.specs[n].range[1], step: (P.specs[n].range[1] - P.specs[n].range[0]) / r.pick([99, 999]) || 1 }])) };
      what = `huge grid over ${names.length} parameters`;
      break;
    }
    case 2:
      sweep = { grid: { [p]: { from: lo, to: hi, step: r.pick([1e-12, 1e-300, 5e-324, (hi - lo) / 1e7]) } } };
      what = `grid ${p} with a tiny step ${sweep.grid[p].step}`;
      break;
    case 3:
      sweep = { grid: { [p]: { from: hi, to: lo, step: (hi - lo) / 4 || 1 } } };
      what = `grid ${p} from > to`;
      break;
    case 4:
      sweep = { grid: { [p]: { from: lo, to: hi, step: r.pick([0, -1, NaN, Infinity, "0.1", null]) } } };
      what = `grid ${p} with step ${show(sweep.grid[p].step)}`;
      break;
    case 5:
      sweep = { latinHypercube: { n: r.between(2, 4), seed: 1, params: { [p]: [lo, lo] } } };
      what = `hypercube ${p} with min == max`;
      break;
    case 6:
      sweep = { latinHypercube: { n: r.between(2, 4), params: { [p]: [hi, lo] } } };
      what = `hypercube ${p} with min > max`;
      break;
    case 7: {
      const n = r.pick([0, -1, 1.5, 100001, 1e15, NaN, "3", null]);
      sweep = { latinHypercube: { n, params: { [p]: [lo, hi] } } };
      what = `hypercube n = ${show(n)}`;
      break;
    }
    case 8:
      sweep = { grid: { [p]: [lo, hi] }, latinHypercube: { n: 2, params: { [p]: [lo, hi] } } };
      what = `${p} in both grid and hypercube`;
      break;
    case 9:
      sweep = { latinHypercube: { n: 2, params: { [p]: [lo - Math.max(1, Math.abs(lo)), hi] } } };
      what = `hypercube ${p} below its range`;
      break;
    case 10:
      sweep = { grid: { [r.pick(P.flags)]: [0, 1] } };
      what = "grid over a flag";
      break;
    case 11:
      sweep = r.pick([null, [], "grid", 42, {}, { grid: {} }, { grid: [] }, { latinHypercube: { n: 2, params: {} } }, { grid: { fooBar: [1] } }, { grid: { [p]: [] } }]);
      what = `sweep = ${show(sweep)}`;
      break;
    case 12:
      sweep = { grid: { [p]: [lo, r.pick([NaN, Infinity, "0.5", null, [1]])] } };
      what = `grid ${p} with a non-number value`;
      break;
    case 13:
      sweep = { latinHypercube: { n: 2, seed: r.pick([-1, 1.5, 1e300, "x", 2 ** 53]), params: { [p]: [lo, hi] } } };
      what = `hypercube seed ${show(sweep.latinHypercube.seed)}`;
      break;
    default: {
      // Valid small sweeps: every point must run and give sound outputs.
      if (r.chance(0.5)) {
        const vals = spec.integer ? [lo, hi] : [lo, hi, Number((lo + (hi - lo) * r.u()).toPrecision(6))];
        sweep = { grid: { [p]: vals } };
        what = `valid grid ${p} = ${JSON.stringify(vals)}`;
      } else {
        sweep = { latinHypercube: { n: r.between(2, 3), seed: r.int(100), params: { [p]: [lo, hi], [q]: P.specs[q].range } } };
        what = `valid hypercube over ${p}, ${q}`;
      }
    }
  }
  doc.sweep = sweep;
  return `sweep: ${what}`;
}

function mutSeries(r, doc, start) {
  const name = r.chance(0.08) ? r.pick(["fooSeries", "jobopeningsratio", "x".repeat(5000)]) : r.pick(SERIES);
  const variant = r.int(6);
  const year = (start ?? "2014-01").slice(0, 4);
  doc.series = doc.series && typeof doc.series === "object" && !Array.isArray(doc.series) ? doc.series : {};
  if (variant <= 2) {
    const v = weirdSeriesValue(r);
    const date = r.pick([year, (start ?? "2014-01"), year, "2030"]);
    doc.series[name] = { ...(doc.series[name] ?? {}), [date]: v };
    return `series.${name.slice(0, 40)}["${date}"] = ${show(v)}`;
  }
  if (variant === 3) {
    const date = r.pick(["2030-13", "30", "2030-1", "1900", "0000", "9999-12", "2030-01-01", "", "abc", "-2030", " 2030"]);
    doc.series[name] = { [date]: 1 };
    return `series.${name.slice(0, 40)} date "${date}"`;
  }
  if (variant === 4) {
    doc.series[name] = r.pick([[1, 2], 1.5, null, "x", { [year]: { a: 1 } }]);
    return `series.${name.slice(0, 40)} = ${show(doc.series[name])}`;
  }
  // Many points, written as one flow mapping (YAML.stringify is slow on big maps): 1,000 valid
  // months, or 95,000 short distinct keys (under 1 MiB; "k" first so none reads as a number), where a reader that checks for
  // duplicate keys pair by pair takes minutes.
  const n = r.pick([1000, 95000]);
  const pts = [];
  for (let i = 0; i < n; i++) pts.push(n > 1000 ? `k${i.toString(36)}: 1` : `"${monthText(monthAbs(start ?? "2014-01") + i)}": ${(i % 7) + 0.5}`);
  doc.series[name] = raw(`{ ${pts.join(", ")} }`);
  return n > 1000 ? `series.${name.slice(0, 40)} with ${n} short keys (${Math.round(pts.join(", ").length / 1024)} KiB)` : `series.${name.slice(0, 40)} with ${n} monthly points`;
}

function allPaths(x, prefix = []) {
  const out = [];
  if (x && typeof x === "object") {
    for (const k of Object.keys(x)) {
      const key = Array.isArray(x) ? Number(k) : k;
      out.push([...prefix, key]);
      out.push(...allPaths(x[k], [...prefix, key]));
    }
  }
  return out;
}

function mutDeleteKey(r, doc) {
  const paths = allPaths(doc);
  if (paths.length === 0) return "nothing to delete";
  const p = r.pick(paths);
  let parent = doc;
  for (const k of p.slice(0, -1)) parent = parent[k];
  const last = p[p.length - 1];
  if (Array.isArray(parent)) parent.splice(last, 1);
  else delete parent[last];
  return `delete ${p.map((k) => (typeof k === "number" ? `[${k}]` : `.${k}`)).join("").replace(/^\./, "")}`;
}

function mutMisc(r, doc) {
  const variant = r.int(6);
  if (variant === 0) {
    doc.name = r.pick(["Bad Name", "", "a".repeat(5000), "../../etc", "UPPER", "-x", 123, null, "baseline", "con", "a/b"]);
    return `name = ${show(doc.name)}`;
  }
  if (variant === 1) {
    doc.description = r.pick(["", 123, "d".repeat(1 << 20), ["a"], null]);
    return `description = ${show(doc.description)}`;
  }
  if (variant === 2) {
    doc.sources = r.pick(["str", [1, 2], [], Array.from({ length: 10000 }, (_, i) => `s${i}`), null, [{ a: 1 }]]);
    return `sources = ${show(doc.sources)}`;
  }
  if (variant === 3) {
    doc.scale = r.pick([0, -1, 2, 1e-320, NaN, "0.5", Infinity, 1, 1e-9, 1e-6, null]);
    return `scale = ${show(doc.scale)}`;
  }
  if (variant === 4) {
    const key = r.pick(["parms", "Start", "extend", "policies", "sweeps", "Params", "", "x".repeat(5000), "__proto__"]);
    if (key === "__proto__") Object.defineProperty(doc, key, { value: { a: 1 }, enumerable: true, writable: true, configurable: true });
    else doc[key] = r.pick([1, "x", { a: 1 }]);
    return `unknown top-level key ${show(key)}`;
  }
  doc.$schema = r.pick([123, "x".repeat(100000), null, ["a"]]);
  return `$schema = ${show(doc.$schema)}`;
}

// ---------------------------------------------------------------------------------------------
// Text-level mutations: the file's bytes, not its object

/** The text without the top-level key `key` and its block (the indented lines under it). */
function dropTopKey(text, key) {
  return text.replace(new RegExp(`^${key}:.*\\n(?:[ \\t].*\\n|\\n)*`, "m"), "");
}

function textMutation(r, base) {
  const text = base.text;
  const variant = r.int(22);
  switch (variant) {
    case 0: return { text: `${text}\nname: *nope\n`, what: "alias to a missing anchor (*nope)" };
    case 1: {
      const levels = r.pick([6, 9, 12]);
      let bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
      for (let i = 1; i < levels; i++) bomb += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(", ")}]\n`;
      return { text: `${bomb}description: *a${levels - 1}\n`, what: `alias bomb (${levels} levels of 9)` };
    }
    case 2: {
      const n = r.pick([5000, 100000]);
      const where = r.pick(["top", "params", "series", "policy"]);
      const key = "k".repeat(n);
      // Explicit keys (? key): an implicit YAML key may not pass 1024 characters.
      const add = where === "top" ? `? ${key}\n: 1\n` : where === "params" ? `params:\n  ? ${key}\n  : 1\n` : where === "series" ? `series:\n  ? ${key}\n  : { "2020": 1 }\n` : `policy:\n  - from: 2020-01\n    set:\n      ? ${key}\n      : 1\n`;
      return { text: `${where === "top" ? text : dropTopKey(text, where)}\n${add}`, what: `a ${n}-character key under ${where}` };
    }
    case 3: {
      const n = r.pick([1000, 10000, 100000]);
      return { text: `${dropTopKey(text, "sources")}\nsources: ${"[".repeat(n)}${"]".repeat(n)}\n`, what: `${n} nested flow lists` };
    }
    case 4: {
      const n = r.pick([500, 3000]);
      let s = "sources:\n";
      for (let i = 1; i <= n; i++) s += `${" ".repeat(i)}- \n`;
      return { text: `${dropTopKey(text, "sources")}\n${s}`, what: `${n} nested block lists` };
    }
    case 5: return { text: r.bytes(r.pick([1, 64, 4096, 100000])), what: "binary garbage" };
    case 6: {
      const buf = Buffer.from(text);
      const at = r.int(buf.length);
      return { text: Buffer.concat([buf.subarray(0, at), r.bytes(r.between(1, 64)), buf.subarray(at)]), what: `binary garbage inserted at byte ${at}` };
    }
    case 7: return { text: r.pick(["", " ", "\n\n", "# only a comment\n", "---\n", "~\n", "null\n", "[]\n", "42\n", '"str"\n', "- a\n- b\n", "{}\n"]), what: "empty or non-mapping document" };
    case 8: return { text: `${text}\n---\ndescription: second\n`, what: "two YAML documents" };
    case 9: {
      const at = r.int(text.length);
      return { text: text.slice(0, at), what: `truncated at character ${at}` };
    }
    case 10: return { text: `${text}\nstart: 2014-01\nstart: 2015-01\n`, what: "duplicate key" };
    case 11: return { text: text.replace(/^( +)/gm, (m) => "\t".repeat(m.length)), what: "tab indentation" };
    case 12: return { text: `\uFEFF${text.replace(/\n/g, "\r\n")}`, what: "BOM and CRLF line ends" };
    case 13: return { text: Buffer.concat([Buffer.from(dropTopKey(text, "description")), Buffer.from("\ndescription: caf"), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from("\n")]), what: "invalid UTF-8 in a value" };
    case 14: {
      const tag = r.pick(["!!binary aGVsbG8=", "!!js/function 'function(){}'", "!!set { a, b }", "!!timestamp 2014-01-01", "!!float .nan", "!!int 0x10", "!!str", "!custom 1", "!!omap [ a: 1 ]"]);
      return { text: `${text.replace(/^start:.*$/m, "")}\nstart: ${tag}\n`, what: `YAML tag: start: ${tag}` };
    }
    case 15: return { text: `${text}\nscale: 1e400\n`, what: "number literal beyond double range (scale: 1e400)" };
    case 16: return { text: `${text}\n? [a, b]\n: 1\n`, what: "complex (sequence) key" };
    case 17: return { text: `${text}\n<<: { scale: 0.5 }\n`, what: "merge key <<" };
    case 18: {
      const mb = r.pick([5, 20]);
      return { text: `${dropTopKey(text, "description")}\ndescription: ${"x".repeat(mb << 20)}\n`, what: `a ${mb} MB description` };
    }
    case 19: return { text: `${dropTopKey(dropTopKey(text, "params"), "sources")}\nparams: &p { debtCv: 0.5 }\nsources: *p\n`, what: "anchor reused under another key" };
    case 20: {
      const ch = r.pick(["\u0000", "\u0007", "\u001b[2J", "\u202e", "\uD800", "\u2028"]);
      const where = r.pick(["description", "key"]);
      const t = where === "key" ? `${text}\n"pa${ch.replace(/\u001b/g, "\\e").replace(/\u0000/g, "\\0").replace(/\u0007/g, "\\a")}rams": 1\n` : `${dropTopKey(text, "description")}\ndescription: "x${ch}y"\n`;
      return { text: t, what: `control or odd character U+${ch.charCodeAt(0).toString(16).padStart(4, "0")} in ${where === "key" ? "a top-level key" : "description"}` };
    }
    default: {
      const n = r.pick([10000, 200000]);
      return { text: `${dropTopKey(text, "sources")}\nsources:\n${Array.from({ length: n }, (_, i) => `  - s${i}`).join("\n")}\n`, what: `${n} sources` };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Cases

/** The first month of a scenario object (following `extends` through the given files, then disk). */
function startOf(obj, files, dir, depth = 0) {
  if (!obj || typeof obj !== "object" || depth > 8) return "2014-01";
  if (isMonth(obj.start)) return obj.start;
  if (obj.start !== undefined) return null; // invalid: validate should refuse it
  if (typeof obj.extends !== "string") return "2014-01";
  const target = resolve(dir, obj.extends);
  const inCase = files.find((f) => join(dir, f.name) === target);
  try {
    if (inCase?.fifo) return null;
    // Only regular files of a sane size: the target may be /dev/zero, a pipe or a folder.
    if (!inCase && !(statSync(target).isFile() && statSync(target).size < 64 << 20)) return null;
    if (inCase?.doc) return startOf(inCase.doc, files, dirname(target), depth + 1);
    const text = inCase ? String(inCase.content) : readFileSync(target, "utf8");
    return startOf(YAML.parse(text, { logLevel: "silent" }), files, dirname(target), depth + 1);
  } catch {
    return null;
  }
}

const OBJECT_OPS = ["param", "validParams", "policy", "dates", "sweep", "series", "deleteKey", "misc"];

function applyObjectOp(op, r, doc, P) {
  const start = isMonth(doc.start) ? doc.start : "2014-01";
  switch (op) {
    case "param": return mutParam(r, doc, P);
    case "validParams": return mutValidParams(r, doc, P);
    case "policy": return mutPolicy(r, doc, P, start);
    case "dates": return mutDates(r, doc);
    case "sweep": return mutSweep(r, doc, P);
    case "series": return mutSeries(r, doc, start);
    case "deleteKey": return mutDeleteKey(r, doc);
    default: return mutMisc(r, doc);
  }
}

/** Big parts of a document, kept out of YAML.stringify (slow on big maps) as placeholders. */
const RAW = new Map();
function raw(text) {
  const token = `__raw_${RAW.size}__`;
  RAW.set(token, text);
  return token;
}

function dump(obj) {
  let text = YAML.stringify(obj, { lineWidth: 0, aliasDuplicateObjects: false });
  for (const [token, t] of RAW) text = text.replace(token, () => t);
  return text;
}

/**
 * Case k of seed `seed`: the files to write into the case folder (the first is the scenario
 * named on the command line), a description of the mutation and the run's flags. `dir` is the
 * folder the files will be in (extends paths in them may point into it).
 */
export function generateCase(seed, k, lib, P, dir) {
  const r = makeRng(seed, k);
  RAW.clear();
  const category = r.weighted([
    ["param", 12], ["validParams", 10], ["policy", 12], ["dates", 8], ["flags", 5], ["sweep", 16], ["series", 10], ["deleteKey", 7],
    ["text", 14], ["extends", 9], ["misc", 6], ["parent", 5], ["combo", 7], ["control", 2],
  ]);
  const base = r.pick(lib);
  const entry = `${base.name}.yaml`;
  const files = [];
  const flags = { scale: SCALE, until: null };
  let what;
  let flagMutated = false;

  if (OBJECT_OPS.includes(category)) {
    const doc = clone(base.obj);
    what = applyObjectOp(category, r, doc, P);
    files.push({ name: entry, content: dump(doc), doc });
    if (category === "misc" && typeof doc.scale === "number" && doc.scale > 0 && doc.scale <= 0.01) flags.scale = null; // the scenario's own scale
  } else if (category === "combo") {
    const doc = clone(base.obj);
    const n = r.between(2, 3);
    const parts = [];
    for (let i = 0; i < n; i++) parts.push(applyObjectOp(r.pick(OBJECT_OPS), r, doc, P));
    what = `combo: ${parts.join(" + ")}`;
    files.push({ name: entry, content: dump(doc), doc });
  } else if (category === "control") {
    what = "unchanged";
    files.push({ name: entry, content: base.text });
  } else if (category === "flags") {
    files.push({ name: entry, content: base.text });
    flagMutated = true;
    if (r.chance(0.5)) {
      flags.until = r.pick(["2014-13", "abc", "2013-12", "2014-01", "2016-12", "2040-12", "", "2014-1", "-1", "1e3", "0000-01", "99999-12"]);
      what = `run --until ${JSON.stringify(flags.until)}`;
    } else {
      flags.scale = r.pick(["1e-9", "1e-6", "0", "-1", "2", "NaN", "abc", "1e-320", "Infinity", "0x1"]);
      what = `run --scale ${flags.scale}`;
    }
  } else if (category === "text") {
    const t = textMutation(r, base);
    what = `text: ${t.what}`;
    files.push({ name: entry, content: t.text });
  } else if (category === "extends") {
    const doc = clone(base.obj);
    const variant = r.int(14);
    const targets = ["/dev/zero", "/dev/null", "/dev/urandom", SCENARIOS, ".", "", "nope.yaml", "/nonexistent/x.yaml", "a\u0000b.yaml", `${"d".repeat(5000)}.yaml`, 42, ["baseline.yaml"], null];
    if (variant < targets.length) {
      doc.extends = targets[variant];
      what = `extends: ${show(doc.extends)}`;
    } else {
      doc.extends = "pipe.yaml";
      files.push({ name: "pipe.yaml", fifo: true });
      what = "extends: a named pipe (FIFO) nobody writes to";
    }
    files.unshift({ name: entry, content: dump(doc) });
    if (r.chance(0.25) && typeof doc.extends === "string" && variant > 5) {
      // Also through a parent: the child is fine, its parent points to the bad target.
      const child = { description: "child of a bad parent", extends: "parent.yaml" };
      files[0] = { ...files[0], name: "parent.yaml" };
      files.unshift({ name: "child.yaml", content: dump(child) });
      what = `via parent: ${what}`;
    }
    if (r.chance(0.15)) {
      const cyc = r.pick(["self", "pair"]);
      const d2 = clone(base.obj);
      if (cyc === "self") {
        d2.extends = entry;
        files.length = 0;
        files.push({ name: entry, content: dump(d2) });
        what = "extends: itself (cycle)";
      } else {
        d2.extends = "b.yaml";
        files.length = 0;
        files.push({ name: entry, content: dump(d2) }, { name: "b.yaml", content: dump({ description: "b", extends: entry }) });
        what = "extends: a two-file cycle";
      }
    }
  } else {
    // parent: a copy of the baseline mutated, extended by another library scenario.
    const children = lib.filter((b) => b.name !== "baseline");
    const child = clone(r.pick(children).obj);
    const parent = clone(lib.find((b) => b.name === "baseline").obj);
    const op = r.pick(OBJECT_OPS);
    what = `parent baseline.yaml: ${applyObjectOp(op, r, parent, P)}`;
    child.extends = "baseline.yaml";
    files.push({ name: `child-${k}.yaml`, content: dump(child), doc: child }, { name: "baseline.yaml", content: dump(parent), doc: parent });
  }

  const entryName = files[0].name;
  if (!flagMutated || flags.until === null) {
    let start = null;
    try {
      start = startOf(files[0].doc ?? YAML.parse(String(files[0].content), { logLevel: "silent" }), files, dir);
    } catch {
      start = null;
    }
    const s = start ?? "2014-01";
    const last = monthAbs(s) + HORIZON_MONTHS - 1;
    flags.until = last > 9999 * 12 + 11 ? "9999-12" : monthText(last);
  }
  return { k, base: base.name, category, mutation: what, entry: entryName, files, flags, flagMutated };
}

// ---------------------------------------------------------------------------------------------
// Child processes

function readProc(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Runs `node --max-old-space-size=MB bin/migsim.js ...args` with a time limit and an RSS cap. */
export function runChild(args, { timeoutMs, memMb, cwd = REPO }) {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(process.execPath, [`--max-old-space-size=${memMb}`, BIN, ...args], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_OPTIONS: "", MIGSIM_DEBUG: "", FORCE_COLOR: "0" },
    });
    const cap = 1 << 20;
    let stdout = "";
    let stderr = "";
    let stdoutLen = 0;
    let stderrLen = 0;
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d) => { stdoutLen += d.length; if (stdout.length < cap) stdout += d; });
    child.stderr.on("data", (d) => { stderrLen += d.length; if (stderr.length < cap) stderr += d; });
    let timedOut = false;
    let memKilled = false;
    let peakMb = 0;
    const rssCap = memMb + 512;
    const poll = setInterval(() => {
      const hwm = readProc(child.pid, "VmHWM");
      if (hwm !== null) peakMb = Math.max(peakMb, hwm);
      const rss = readProc(child.pid, "VmRSS");
      if (rss !== null && rss > rssCap && !memKilled) {
        memKilled = true;
        child.kill("SIGKILL");
      }
    }, 100);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      done({ code, signal, timedOut, memKilled, peakMb: Math.round(peakMb), ms: Date.now() - started, stdout, stderr, stdoutLen, stderrLen });
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      clearInterval(poll);
      done({ code: null, signal: null, timedOut: false, memKilled: false, peakMb: 0, ms: Date.now() - started, stdout, stderr: `spawn failed: ${e.message}`, stdoutLen, stderrLen });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Verdicts

const firstLine = (s) => (s.split("\n").find((l) => l.trim() !== "") ?? "").trim();

/** Why a child's ending is wrong (empty if it is fine). */
export function judgeProcess(label, res, memMb) {
  const why = [];
  const heapOom = /heap out of memory|Reached heap limit|Allocation failed|FATAL ERROR/i.test(res.stderr);
  if (res.timedOut) why.push({ cause: `${label}: hang`, detail: `killed after ${res.ms} ms` });
  else if (res.memKilled) why.push({ cause: `${label}: memory`, detail: `resident memory over ${memMb + 512} MB` });
  else if (heapOom) why.push({ cause: `${label}: memory`, detail: `V8 heap exhausted (cap ${memMb} MB): ${firstLine(res.stderr.replace(/^\s*<--- Last few GCs --->[\s\S]*?(?=FATAL)/m, "")).slice(0, 120)}` });
  else if (res.signal) why.push({ cause: `${label}: killed by ${res.signal}`, detail: firstLine(res.stderr).slice(0, 200) });
  else if (![0, 2, 3].includes(res.code)) why.push({ cause: `${label}: exit code ${res.code}`, detail: firstLine(res.stderr).slice(0, 200) });
  if (why.length === 0 || !/hang|memory/.test(why[0].cause)) {
    const internal = /internal error: ?(.*)/.exec(res.stderr);
    if (internal) why.push({ cause: `${label}: internal error`, detail: internal[1].slice(0, 200) });
    if (/^\s+at .+/m.test(res.stderr)) why.push({ cause: `${label}: stack trace`, detail: (/^\s+at .+/m.exec(res.stderr)?.[0] ?? "").trim().slice(0, 120) });
    if (res.stderrLen > MAX_STDERR) why.push({ cause: `${label}: error message too long`, detail: `${res.stderrLen} characters on stderr (an error is one paragraph, at most ${MAX_STDERR})` });
    if ((res.code === 2 || res.code === 3) && res.stderr.trim() === "") why.push({ cause: `${label}: refused without a message`, detail: `exit ${res.code}, empty stderr` });
    if ((res.code === 2 || res.code === 3) && res.stderr.trim().includes("\n")) why.push({ cause: `${label}: message of more than one paragraph`, detail: JSON.stringify(res.stderr.trim().slice(0, 160)) });
    if (/\(node:\d+\) \w*Warning/.test(res.stderr)) why.push({ cause: `${label}: Node warning on stderr`, detail: (/\(node:\d+\) .*/.exec(res.stderr)?.[0] ?? "").slice(0, 200) });
    // eslint-disable-next-line no-control-regex
    const ctrl = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.exec(res.stderr);
    if (ctrl) why.push({ cause: `${label}: raw control character in the message`, detail: `U+${ctrl[0].charCodeAt(0).toString(16).padStart(4, "0")} in: ${JSON.stringify(firstLine(res.stderr).slice(0, 160))}` });
    if (res.code === 2 && res.stderr.trim() !== "" && !/^migsim: /.test(res.stderr)) why.push({ cause: `${label}: message not from migsim`, detail: firstLine(res.stderr).slice(0, 200) });
  }
  return why;
}

async function* csvRows(path) {
  const parser = createReadStream(path).pipe(parseCsv({ columns: true, relax_column_count: false }));
  for await (const row of parser) yield row;
}

const BAD_CELL = /^(NaN|-?Infinity|undefined|null)$/i;

/** Why a finished run's folder is wrong (empty if its outputs are sound). */
export async function checkOutputs(dir, until) {
  const why = [];
  const add = (cause, detail) => { if (why.length < 12) why.push({ cause: `outputs: ${cause}`, detail }); };
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return [{ cause: "outputs: no output folder", detail: `run exited 0 without creating ${dir}` }];
  }
  for (const f of ["manifest.json", "timeseries.csv", "flows.csv", "summary.csv"]) if (!entries.includes(f)) add("file missing", f);
  const stray = entries.filter((f) => f.endsWith(".partial") || f === "checkpoints.jsonl");
  if (stray.length) add("stray files after a complete run", stray.join(", "));
  if (entries.includes("manifest.json")) {
    try {
      const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
      if (m.complete !== true) add("manifest not complete", `complete: ${m.complete}`);
    } catch (e) {
      add("manifest unreadable", e.message);
    }
  }
  try {
    if (entries.includes("timeseries.csv")) {
      const inJapan = new Map(); // group -> total agents in Japan over all months
      const lastExit = new Map(); // group|status|nat -> last cumulative count
      const firstDate = new Map(); // group -> date of month 0
      const lastMonth = new Map();
      let bad = 0;
      for await (const row of csvRows(join(dir, "timeseries.csv"))) {
        const g = `${row.scenario} replicate ${row.replicate} point ${row.point}`;
        const month = Number(row.month);
        if (!/^\d+$/.test(row.month ?? "")) { if (bad++ < 3) add("bad month index", `timeseries.csv ${g}: month "${row.month}"`); continue; }
        if (month === 0 && !firstDate.has(g)) firstDate.set(g, row.date);
        if (isMonth(firstDate.get(g)) && isMonth(row.date) && monthAbs(row.date) !== monthAbs(firstDate.get(g)) + month) {
          if (bad++ < 3) add("date does not match month index", `timeseries.csv ${g}: month ${month} is dated ${row.date}, month 0 ${firstDate.get(g)}`);
        }
        lastMonth.set(g, Math.max(lastMonth.get(g) ?? -1, month));
        if (!inJapan.has(g)) inJapan.set(g, 0);
        const c = row.count;
        if (!/^\d+$/.test(c ?? "")) {
          if (bad++ < 3) add(BAD_CELL.test(c) ? "NaN or Infinity count" : Number(c) < 0 ? "negative count" : "count not a whole number", `timeseries.csv ${g} ${row.date} ${row.status} ${row.nationality}: count "${c}"`);
          continue;
        }
        const n = Number(c);
        if (IN_JAPAN.has(row.status)) inJapan.set(g, (inJapan.get(g) ?? 0) + n);
        else if (EXITS.has(row.status)) {
          const key = `${g}|${row.status}|${row.nationality}`;
          if (n < (lastExit.get(key) ?? 0) && bad++ < 3) add("cumulative exits decrease", `timeseries.csv ${g} ${row.date} ${row.status} ${row.nationality}: ${n} after ${lastExit.get(key)}`);
          lastExit.set(key, n);
        } else if (bad++ < 3) add("unknown status", `timeseries.csv: "${row.status}"`);
      }
      if (inJapan.size === 0) add("no rows", "timeseries.csv has no rows");
      for (const [g, n] of inJapan) if (n === 0) add("zero agents", `timeseries.csv ${g}: no agent in Japan in any month`);
      if (isMonth(until)) {
        for (const [g, d0] of firstDate) {
          if (!isMonth(d0)) { add("bad date", `timeseries.csv ${g}: month 0 dated "${d0}"`); continue; }
          const want = monthAbs(until) - monthAbs(d0);
          if (lastMonth.get(g) !== want) add("wrong horizon", `timeseries.csv ${g}: last month index ${lastMonth.get(g)}, expected ${want} (${d0} to --until ${until})`);
        }
      }
    }
    if (entries.includes("flows.csv")) {
      let bad = 0;
      for await (const row of csvRows(join(dir, "flows.csv"))) {
        if (!/^[1-9]\d*$/.test(row.count ?? "") && bad++ < 3) add(BAD_CELL.test(row.count) ? "NaN or Infinity count" : Number(row.count) < 0 ? "negative count" : "flow count not a positive whole number", `flows.csv ${row.scenario} ${row.date} ${row.event} ${row.from}->${row.to} ${row.nationality}: count "${row.count}"`);
      }
    }
    if (entries.includes("summary.csv")) {
      let bad = 0;
      for await (const row of csvRows(join(dir, "summary.csv"))) {
        for (const [col, v] of Object.entries(row)) {
          if (BAD_CELL.test(v) && bad++ < 3) add("NaN or Infinity in summary", `summary.csv ${row.scenario} ${row.metric} ${col} = ${v}`);
        }
        const mean = Number(row.mean);
        if (row.mean !== "" && Number.isFinite(mean)) {
          if (mean < 0 && bad++ < 3) add("negative metric", `summary.csv ${row.scenario} ${row.metric} mean ${row.mean} (${row.unit})`);
          if (row.unit === "share" && mean > 1 && bad++ < 3) add("share above 1", `summary.csv ${row.scenario} ${row.metric} mean ${row.mean}`);
        }
      }
    }
  } catch (e) {
    add("unreadable CSV", e.message.slice(0, 200));
  }
  return why;
}

function listTree(dir) {
  try {
    return readdirSync(dir, { recursive: true }).map(String);
  } catch {
    return null;
  }
}

/** Runs one case in `caseDir` and returns its record (verdict, reasons, both processes). */
export async function runCase(c, caseDir, o) {
  mkdirSync(caseDir, { recursive: true });
  for (const f of c.files) {
    const p = join(caseDir, f.name);
    if (f.fifo) {
      const made = spawnSync("mkfifo", [p]);
      if (made.status !== 0) writeFileSync(p, ""); // no mkfifo: an empty file instead
    } else writeFileSync(p, f.content);
  }
  const entry = join(caseDir, c.entry);
  const lim = { timeoutMs: o.timeoutMs, memMb: o.memMb };
  const reasons = [];
  const validate = await runChild(["validate", entry], lim);
  reasons.push(...judgeProcess("validate", validate, o.memMb));
  if (validate.code === 0 && !/^ok /m.test(validate.stdout)) reasons.push({ cause: "validate: exit 0 without 'ok'", detail: firstLine(validate.stdout).slice(0, 200) });
  let run = null;
  const out = join(caseDir, "out");
  const runArgs = ["run", entry, ...(c.flags.scale !== null ? ["--scale", c.flags.scale] : []), "--replicates", "1", "--until", c.flags.until, "--seed", "1", "--threads", "1", "--out", out, "--quiet"];
  if (!validate.timedOut && !validate.memKilled) {
    run = await runChild(runArgs, lim);
    reasons.push(...judgeProcess("run", run, o.memMb));
    const refused = run.code === 2 || run.code === 3;
    if (validate.code === 0 && run.code === 2 && !c.flagMutated) {
      reasons.push({ cause: "validate says ok, run refuses", detail: firstLine(run.stderr).slice(0, 200) });
    }
    if (validate.code === 2 && run.code === 0) reasons.push({ cause: "validate refuses, run accepts", detail: firstLine(validate.stderr).slice(0, 200) });
    if (refused && !run.timedOut) {
      const left = listTree(out);
      if (left !== null) {
        const partial = left.filter((f) => f.endsWith(".partial"));
        reasons.push(partial.length
          ? { cause: "refused run left *.partial files", detail: partial.join(", ") }
          : { cause: "refused run left an output folder", detail: left.length ? left.slice(0, 6).join(", ") : "(empty folder)" });
      }
    }
    if (run.code === 0 && !run.timedOut && !run.memKilled) reasons.push(...(await checkOutputs(out, c.flags.until)));
  }
  const brief = (res) => res && { code: res.code, signal: res.signal, timedOut: res.timedOut, memKilled: res.memKilled, ms: res.ms, peakMb: res.peakMb, stderrChars: res.stderrLen, stderr: res.stderr.slice(0, 300) };
  return {
    case: c.k,
    base: c.base,
    category: c.category,
    mutation: c.mutation,
    files: c.files.map((f) => f.name),
    runArgs: runArgs.map((a) => (a.startsWith(caseDir) ? a.replace(caseDir, "CASE") : a)),
    validate: brief(validate),
    run: brief(run),
    verdict: reasons.length ? "fail" : "ok",
    reasons: reasons.map((x) => `${x.cause}: ${x.detail}`),
    causes: [...new Set(reasons.map((x) => x.cause))],
  };
}

// ---------------------------------------------------------------------------------------------
// Main

function saveFailingCase(c, rec, outDir, seed) {
  const dir = join(outDir, "cases", `case-${c.k}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const f of c.files) {
    if (f.fifo) writeFileSync(join(dir, `${f.name}.FIFO.txt`), `${f.name} is a named pipe: mkfifo ${f.name}\n`);
    else writeFileSync(join(dir, f.name), f.content);
  }
  const entry = join(dir, c.entry);
  const runArgs = rec.runArgs.map((a) => a.replace("CASE", dir));
  writeFileSync(join(dir, "README.txt"), [
    `fuzz case ${c.k} (seed ${seed}), from scenarios/${c.base}.yaml: ${c.mutation}`,
    "",
    ...rec.reasons.map((x) => `  - ${x}`),
    "",
    "reproduce:",
    `  node scripts/fuzz.mjs --seed ${seed} --only ${c.k}`,
    `  node bin/migsim.js validate ${entry}`,
    `  node bin/migsim.js ${runArgs.map((a) => (/[^\w./:=-]/.test(a) || a === "" ? JSON.stringify(a) : a)).join(" ")}`,
    "",
  ].join("\n"));
  return dir;
}

async function main() {
  let o;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`fuzz: ${e.message}\n${USAGE}\n`);
    return 2;
  }
  if (o.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!existsSync(join(REPO, "dist", "cli", "index.js"))) {
    process.stderr.write("fuzz: dist/ is missing; run npm run build first (npm run fuzz does).\n");
    return 2;
  }
  const lib = loadLibrary();
  const P = loadParams();
  const ks = o.only ?? Array.from({ length: o.count }, (_, i) => i + 1);
  const tmp = mkdtempSync(join(tmpdir(), "migsim-fuzz-"));
  const cases = ks.map((k) => generateCase(o.seed, k, lib, P, join(tmp, `case-${k}`)));
  if (o.list) {
    for (const c of cases) process.stdout.write(`#${c.k} [${c.base}] ${c.mutation}\n`);
    rmSync(tmp, { recursive: true, force: true });
    return 0;
  }
  const outDir = resolve(o.out);
  mkdirSync(outDir, { recursive: true });
  if (!o.only) rmSync(join(outDir, "cases"), { recursive: true, force: true });
  const started = Date.now();
  process.stderr.write(`fuzz: seed ${o.seed}, ${cases.length} cases, ${o.jobs} at a time, ${o.timeoutMs} ms and ${o.memMb} MB heap each (temporary files in ${tmp})\n`);

  const records = new Array(cases.length);
  let printed = 0;
  let failed = 0;
  const flush = () => {
    while (printed < cases.length && records[printed]) {
      const rec = records[printed];
      const c = cases[printed];
      if (rec.verdict === "fail") {
        process.stdout.write(`FAIL #${c.k} [${c.base}] ${c.mutation}\n${rec.reasons.map((x) => `    ${x}\n`).join("")}    rerun: node scripts/fuzz.mjs --seed ${o.seed} --only ${c.k}   (files in ${rec.saved})\n`);
      }
      printed++;
    }
  };
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      const c = cases[i];
      const caseDir = join(tmp, `case-${c.k}`);
      let rec;
      try {
        rec = await runCase(c, caseDir, o);
      } catch (e) {
        rec = { case: c.k, base: c.base, category: c.category, mutation: c.mutation, verdict: "fail", reasons: [`fuzzer error: ${e.message}`], causes: ["fuzzer error"] };
      }
      if (rec.verdict === "fail") {
        failed++;
        rec.saved = saveFailingCase(c, rec, outDir, o.seed);
      }
      if (!o.keep) rmSync(caseDir, { recursive: true, force: true });
      records[i] = rec;
      done++;
      if (process.stderr.isTTY) process.stderr.write(`\rfuzz: ${done}/${cases.length} cases, ${failed} failed `);
      flush();
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.jobs, cases.length) }, worker));
  if (process.stderr.isTTY) process.stderr.write("\n");
  flush();
  if (!o.keep) rmSync(tmp, { recursive: true, force: true });

  const seconds = Math.round((Date.now() - started) / 100) / 10;
  const byCause = {};
  for (const rec of records) for (const cause of rec.causes) (byCause[cause] ??= []).push(rec.case);
  const report = {
    seed: o.seed,
    count: cases.length,
    only: o.only,
    failed,
    seconds,
    timeoutMs: o.timeoutMs,
    memMb: o.memMb,
    node: process.version,
    causes: Object.fromEntries(Object.entries(byCause).sort((a, b) => b[1].length - a[1].length)),
    cases: records,
  };
  const reportFile = join(outDir, o.only ? `report-only-${o.only.join("-")}.json` : "report.json");
  writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  if (failed > 0) {
    process.stdout.write("causes:\n");
    for (const [cause, ks2] of Object.entries(report.causes)) process.stdout.write(`  ${String(ks2.length).padStart(4)}  ${cause}  (cases ${ks2.slice(0, 12).join(", ")}${ks2.length > 12 ? ", ..." : ""})\n`);
  }
  process.stdout.write(`fuzz: ${cases.length} cases, ${failed} failed (seed ${o.seed}, ${seconds} s; report ${reportFile})\n`);
  return failed > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then((code) => process.exit(code), (e) => {
    process.stderr.write(`fuzz: ${e.stack ?? e}\n`);
    process.exit(2);
  });
}
