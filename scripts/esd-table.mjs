#!/usr/bin/env node
// The 2027 library's table in docs/scenarios.md, regenerated from a finished run of the library
// (the command is in docs/scenarios.md, 'Employment for Skill Development, 2027'), never typed:
//
//   node scripts/esd-table.mjs output/esd-2027 [--doc docs/scenarios.md | --print]
//
// Reads the run's effects.csv (each scenario against `no-reform`, paired by replicate) and
// summary.csv, and writes two tables, effects by 2030 and by 2035, between the markers
// <!-- esd-2027-table:start --> and <!-- esd-2027-table:end --> of the document (atomically).
// Counts are national (divided by the run's scale).

import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";

const REFERENCE = "no-reform";
const POLICY_START = "2027-04";
const HORIZONS = ["2030-12", "2035-12"];
const START = "<!-- esd-2027-table:start -->";
const END = "<!-- esd-2027-table:end -->";
/** Rows in this order; each scenario's file name in scenarios/esd-2027/. */
const SCENARIOS = [
  ["esd-as-enacted", "ESD as enacted"],
  ["esd-1-year", "1-year restriction in every field"],
  ["esd-2-year", "2-year restriction in every field"],
  ["esd-fee-cap-unenforced", "fee cap unenforced"],
  ["esd-tighter-caps", "field caps 25% tighter"],
  ["esd-stricter-japanese", "A2 Japanese for a transfer"],
];
/** Columns: a heading and the metric for a horizon (flows over the window from the policy start, stocks at the horizon). */
const COLUMNS = [
  ["absconding", (h) => `abscond_${POLICY_START}_${h}`],
  ["absconding per 1,000 intern-years", (h) => `abscond_per_1000_ti_years_${POLICY_START}_${h}`, "rate"],
  ["interns' legal transfers", (h) => `ti_job_change_${POLICY_START}_${h}`],
  ["TI -> SSW1", (h) => `ti_to_ssw1_${POLICY_START}_${h}`],
  ["returns", (h) => `return_${POLICY_START}_${h}`],
  ["TI stock", (h) => `stock_TI_${h}`],
  ["SSW1 stock", (h) => `stock_SSW1_${h}`],
];

function fail(message) {
  process.stderr.write(`esd-table: ${message}\n`);
  process.exit(2);
}

function readCsv(dir, name) {
  const path = join(dir, name);
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    fail(`${path} is missing: run the 2027 library first (docs/scenarios.md gives the command, with --reference ${REFERENCE} and the windows).`);
  }
  return parse(text, { columns: true, skip_empty_lines: true });
}

/** A count at national scale (scale 1 for a rate), to 3 significant figures, with thousands separators. */
function national(x, scale) {
  const v = x / scale;
  if (!Number.isFinite(v)) return "n/a";
  const rounded = Number(v.toPrecision(3));
  return (rounded < 0 ? "\u2212" : "") + Math.abs(rounded).toLocaleString("en-US");
}

function signed(x, scale) {
  const s = national(x, scale);
  return x > 0 ? `+${s}` : s;
}

function tables(dir) {
  const effects = readCsv(dir, "effects.csv");
  const summary = readCsv(dir, "summary.csv");
  const effect = new Map(effects.filter((r) => r.reference === REFERENCE && r.point === "0").map((r) => [`${r.scenario}|${r.metric}`, r]));
  const level = new Map(summary.filter((r) => r.point === "0").map((r) => [`${r.scenario}|${r.metric}`, r]));
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  const spec = manifest.spec ?? {};
  const out = [];
  out.push(
    `From \`${dir}\`: ${spec.replicates ?? "?"} replicates at scale ${spec.scale ?? "?"}, seed ${spec.seed ?? "?"}; ` +
      `migsim ${manifest.migsim?.version ?? manifest.migsim ?? "?"}${manifest.git?.commit ? `, commit ${manifest.git.commit.slice(0, 7)}${manifest.git.dirty ? " (with uncommitted changes)" : ""}` : ""}. ` +
      `Each cell: the mean paired difference from no reform (TITP continues), as a national count (absconding per 1,000 intern-years: a rate), ` +
      `and its 95% interval across replicates ` +
      `(replicate noise under common random numbers at the calibrated point, not parameter uncertainty). ` +
      `Flows are counted from ${POLICY_START} to the horizon; stocks at the horizon.`,
    "",
  );
  for (const h of HORIZONS) {
    out.push(`**By ${h}**`, "");
    out.push(`| scenario | ${COLUMNS.map(([c]) => c).join(" | ")} |`);
    out.push(`|---|${COLUMNS.map(() => "---:").join("|")}|`);
    const ref = COLUMNS.map(([, m, kind]) => {
      const r = level.get(`${REFERENCE}|${m(h)}`);
      if (r === undefined) fail(`summary.csv has no ${m(h)} for ${REFERENCE}: run with --window ${POLICY_START}..${h} --reference ${REFERENCE}.`);
      return national(Number(r.mean), kind === "rate" ? 1 : Number(r.scale));
    });
    out.push(`| no reform (level) | ${ref.join(" | ")} |`);
    for (const [name, label] of SCENARIOS) {
      const cells = COLUMNS.map(([, m, kind]) => {
        const r = effect.get(`${name}|${m(h)}`);
        if (r === undefined) fail(`effects.csv has no ${m(h)} for ${name} against ${REFERENCE}.`);
        const scale = kind === "rate" ? 1 : Number(r.scale);
        return `${signed(Number(r.diff_mean), scale)} (${national(Number(r.diff_ci95_low), scale)} to ${national(Number(r.diff_ci95_high), scale)})`;
      });
      out.push(`| ${label} | ${cells.join(" | ")} |`);
    }
    out.push("");
  }
  return out.join("\n");
}

const args = process.argv.slice(2);
if (args.length === 0 || args[0].startsWith("-")) fail("usage: node scripts/esd-table.mjs RUN_DIR [--doc docs/scenarios.md | --print]");
const dir = args[0];
const text = tables(dir);
if (args.includes("--print")) {
  process.stdout.write(`${text}\n`);
} else {
  const docIndex = args.indexOf("--doc");
  const doc = docIndex >= 0 ? args[docIndex + 1] : "docs/scenarios.md";
  const old = readFileSync(doc, "utf8");
  const a = old.indexOf(START);
  const b = old.indexOf(END);
  if (a < 0 || b < a) fail(`${doc} has no ${START} ... ${END} markers to write the table between.`);
  const next = `${old.slice(0, a + START.length)}\n${text}\n${old.slice(b)}`;
  writeFileSync(`${doc}.partial`, next);
  renameSync(`${doc}.partial`, doc);
  process.stdout.write(`esd-table: wrote the 2027 table into ${doc}\n`);
}
