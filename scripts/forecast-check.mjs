#!/usr/bin/env node
// The forecast check of docs/validation.md, in one command: calibrate the baseline on the targets
// that end by --through (default 2021-12) only, refine the ABC's best fit on the same targets (as
// the production calibration does, docs/calibration.md), then read the later targets (not fitted)
// off the refined fit's report and write their errors as a table.
//
//   npm run forecast-check                      # the full check (about an hour on 2 cores)
//   node scripts/forecast-check.mjs --quick     # a smoke test of the pipeline (a minute; numbers meaningless)
//
// Outputs (--out, default output/forecast-check): calibration/ (migsim calibrate's folder:
// posterior, best-fit.yaml), refine/ (migsim refine's: refine.csv, best-fit.yaml, fit.csv with
// every target), forecast.csv (one row per target after --through) and forecast.md (the table and
// summary docs/validation.md quotes).

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { lastMonthNeeded, loadTargets } from "../dist/calibrate/targets.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

const argv = yargs(hideBin(process.argv))
  .scriptName("forecast-check")
  .usage("$0 [options]: calibrate on targets through --through, forecast the rest, tabulate the errors")
  .option("through", { type: "string", default: "2021-12", describe: "Last month of the targets fitted (YYYY-MM)" })
  .option("out", { type: "string", default: "output/forecast-check", describe: "Output folder (replaced)" })
  .option("seed", { type: "number", default: 1, describe: "Root seed of the calibration" })
  .option("threads", { type: "number", default: availableParallelism(), describe: "Worker threads" })
  .option("quick", { type: "boolean", default: false, describe: "A tiny calibration: checks the pipeline, not the model" })
  .option("tabulate-only", { type: "boolean", default: false, describe: "Do not calibrate: tabulate the calibration already in OUT/calibration" })
  .strict()
  .help()
  .parseSync();

if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(argv.through)) {
  process.stderr.write(`forecast-check: --through expects a month as YYYY-MM, e.g. 2021-12, got "${argv.through}".\n`);
  process.exit(2);
}

// The production calibration's settings (docs/calibration.md), or a tiny one.
const settings = argv.quick
  ? ["--particles", "12", "--generations", "1", "--max-simulations", "40", "--scale", "0.01", "--best-of", "2", "--fit-scale", "0.01", "--fit-replicates", "2"]
  : ["--particles", "100", "--generations", "12", "--max-simulations", "9000", "--scale", "0.05"];
// The refinement's settings: the production refinement's (docs/calibration.md: the absconding
// terms, which the missing counts and shares hinge on; the interns' early return and TI-3 uptakes,
// which shape the TI stock; the pandemic's special stay; the SIE exit hazard and the SSW1
// sponsorship and launch terms), or a tiny one.
const REFINED = [
  "abscondBaseHazardPerMonth", "abscondDebtLogHrPerWageMonth", "abscondTightnessElasticity", "abscondGoalShortfallLogHr",
  "abscondFirstYearLogHr", "abscondSecondYearLogHr", "abscondMyanmarLogHr", "abscondResidualLogHrCN", "abscondResidualLogHrKH",
  "abscondResidualLogHrMM", "tiEarlyReturnHazardPerMonth", "ti3UptakeProb", "pandemicTi3UptakeProb",
  "pandemicSpecialStayOpenShare", "sieReturnHazardPerMonth", "sswEarlyProcessingProbPerMonth", "otherSponsorProb",
  "promoterSponsorProb",
];
const refineSettings = ["--params", REFINED.join(","), "--step", "0.15",
  ...(argv.quick ? ["--max-evaluations", "3", "--scale", "0.01", "--replicates", "2"] : ["--max-evaluations", "400"])];
const calibrationDir = join(argv.out, "calibration");
const refineDir = join(argv.out, "refine");
mkdirSync(argv.out, { recursive: true });
const common = ["--fit-through", argv.through, "--seed", String(argv.seed), "--threads", String(argv.threads), "--overwrite"];
const steps = [
  { what: "the calibration", dir: calibrationDir, command: [join(ROOT, "bin/migsim.js"), "calibrate", join(ROOT, "scenarios/baseline.yaml"), ...common, "--out", calibrationDir, ...settings] },
  { what: "the refinement", dir: refineDir, command: [join(ROOT, "bin/migsim.js"), "refine", join(calibrationDir, "best-fit.yaml"), ...common, "--out", refineDir, ...refineSettings] },
];
if (!argv.tabulateOnly) {
  for (const step of steps) {
    process.stderr.write(`forecast-check: node ${step.command.join(" ")}\n`);
    const run = spawnSync(process.execPath, step.command, { stdio: "inherit", cwd: ROOT });
    if (run.status !== 0) {
      process.stderr.write(`forecast-check: ${step.what} failed (exit ${run.status}); nothing written beyond ${step.dir}.\n`);
      process.exit(run.status ?? 1);
    }
  }
} else if (!existsSync(join(refineDir, "fit.csv"))) {
  process.stderr.write(`forecast-check: --tabulate-only: ${join(refineDir, "fit.csv")} does not exist (run the check without it first).\n`);
  process.exit(2);
}

const [throughYear, throughMonth] = argv.through.split("-").map(Number);
const throughAbs = throughYear * 12 + throughMonth - 1;
// The last month each target needs, as the calibration reckons it (lastMonthNeeded), by target id.
const lastMonthById = new Map(loadTargets(join(ROOT, "data/observed/targets.csv")).map((t) => [t.id, lastMonthNeeded(t)]));
const lastMonth = (row) => {
  const m = lastMonthById.get(`${row.metric} ${row.nationality} ${row.date}`);
  if (m === undefined) throw new Error(`fit.csv row ${row.metric} ${row.nationality} ${row.date} is not a target of data/observed/targets.csv`);
  return m;
};

const rows = parse(readFileSync(join(refineDir, "fit.csv"), "utf8"), { columns: true });
const simulated = (r) => r.within_tolerance !== "not simulated";
// Targets the calibration did not see: every simulated target after --through (fit.csv holds the
// calibration's weights, 0 for these, so the targets file's own weight-0 rows are included too).
const forecast = rows.filter((r) => simulated(r) && lastMonth(r) > throughAbs);
const inSample = rows.filter((r) => simulated(r) && lastMonth(r) <= throughAbs && Number(r.weight) > 0);

const pct = (x) => `${(100 * Number(x)).toFixed(1)}%`;
const errorText = (r) => (r.metric === "ti_missing_share" ? `${(100 * (Number(r.simulated_mean) - Number(r.observed))).toFixed(1)} points` : pct(r.relative_error));
const within = (list) => list.filter((r) => r.within_tolerance === "yes").length;
// Counts and stocks by their relative error; shares by their error in points (a 4-point miss on a
// 7% share is not a 56% error of the kind a stock's is).
const isShare = (r) => r.metric === "ti_missing_share";
const meanAbs = (list) => list.reduce((a, r) => a + Math.abs(Number(r.relative_error)), 0) / Math.max(1, list.length);
const meanAbsPoints = (list) => list.reduce((a, r) => a + Math.abs(Number(r.simulated_mean) - Number(r.observed)), 0) / Math.max(1, list.length);
const describeErrors = (list) => {
  const counts = list.filter((r) => !isShare(r));
  const shares = list.filter(isShare);
  return `mean absolute relative error of counts and stocks ${pct(meanAbs(counts))} (${counts.length})` +
    (shares.length > 0 ? `, of nationality shares ${(100 * meanAbsPoints(shares)).toFixed(1)} points (${shares.length})` : "");
};

const table = [
  "| target | observed | simulated (mean) | 95% CI | error | tolerance | within |",
  "|---|---|---|---|---|---|---|",
  ...forecast.map((r) => `| ${r.metric} ${r.nationality} ${r.date} | ${r.observed} | ${Number(r.simulated_mean).toPrecision(5)} | ${Number(r.ci95_low).toPrecision(4)}-${Number(r.ci95_high).toPrecision(4)} | ${errorText(r)} | ${isShare(r) ? `${Number((100 * Number(r.tolerance)).toPrecision(4))} points` : pct(r.tolerance)} | ${r.within_tolerance} |`),
];
const summary = [
  `Calibrated on the targets through ${argv.through} (seed ${argv.seed}${argv.quick ? ", QUICK: a smoke test, not a result" : ""}); forecast targets after it: ${forecast.length}.`,
  `- Forecast: ${within(forecast)} of ${forecast.length} within tolerance; ${describeErrors(forecast)}.`,
  `- In sample (fitted): ${within(inSample)} of ${inSample.length} within tolerance; ${describeErrors(inSample)}.`,
];
const md = `# Forecast check\n\n${summary.join("\n")}\n\n${table.join("\n")}\n\nCommand: \`node ${["scripts/forecast-check.mjs", ...process.argv.slice(2)].join(" ")}\`; calibration folder: \`${calibrationDir}\`, refinement: \`${refineDir}\`.\n`;

/** Atomic write: a temporary file, then a rename. */
function writeAtomic(path, text) {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
writeAtomic(join(argv.out, "forecast.md"), md);
writeAtomic(join(argv.out, "forecast.csv"), stringify(forecast, { header: true, columns: Object.keys(rows[0]) }));
process.stdout.write(`${md}\n`);
