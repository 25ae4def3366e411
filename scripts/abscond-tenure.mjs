#!/usr/bin/env node
// A pattern the calibration does not fit (docs/validation.md, 'Patterns not used in fitting'):
// how long interns had been in Japan when they absconded. MOJ's survey of the absconders caught in
// 2017 (about 2,870; NHK 2018-11-16, docs/evidence-absconding.md section 1) found the modal time
// from entry to disappearance 'more than 1 year, up to 2 years' (900 and more, about 31-32%), and
// only 34 (1.2%) gone within the first month. The survey counts absconders caught in 2017, who
// absconded in 2017 or before; the model's absconders of --from to --to (default 2015-2017) stand
// in for them. Months in Japan at absconding come from the event log (EVENT_FIELD.monthsInJapan),
// for interns who entered on or after the run's start (the initial population's entry months are
// drawn, not observed) and for those before it, reported apart.
//
//   npm run build && node scripts/abscond-tenure.mjs [scenario.yaml] [--scale 0.1] [--replicates 5] [--seed 1] [--from 2015] [--to 2017]

import { EventCode } from "../dist/model/codes.js";
import { EVENT_FIELD, EVENT_LOG_WIDTH } from "../dist/model/observers.js";
import { taskSeed } from "../dist/engine/rng.js";
import { simulate } from "../dist/engine/simulate.js";
import { loadScenario } from "../dist/scenario/load.js";
import { buildInputs } from "../dist/scenario/resolve.js";
import { parseFitRunArgs } from "./fit-run-args.mjs";

const { values, scenarioFile, scale, replicates, seed, fail } = parseFitRunArgs(
  "abscond-tenure",
  { from: { type: "string", default: "2015" }, to: { type: "string", default: "2017" } },
  "[--from 2015] [--to 2017]",
);
const fromYear = Number(values.from);
const toYear = Number(values.to);
if (!/^\d{4}$/.test(values.from) || !/^\d{4}$/.test(values.to) || toYear < fromYear) fail(`--from ${values.from} --to ${values.to}: expected two years, the first not after the second (e.g. --from 2015 --to 2017).`);

let inputs;
try {
  inputs = buildInputs(loadScenario(scenarioFile), { scale, until: `${toYear}-12` });
} catch (e) {
  fail(e.message);
}
const startYear = Math.floor(inputs.startMonthAbs / 12);
const startMonth = inputs.startMonthAbs % 12;
if (fromYear < startYear) fail(`--from ${fromYear}: before the scenario's start (${startYear}-${String(startMonth + 1).padStart(2, "0")}).`);
const firstMonth = (fromYear - startYear) * 12 - startMonth;

// Bins of months in Japan at absconding, as the survey's: within 1 month, then by year.
const BINS = [
  // The model's months are whole: an absconder in the month after its entry month (m = 1) left 0-2
  // months after arriving, so this bin counts up to a month more than the survey's.
  { label: "within 1 month", test: (m) => m <= 1 },
  { label: "over 1 month, up to 1 year", test: (m) => m > 1 && m <= 12 },
  { label: "over 1 year, up to 2 years", test: (m) => m > 12 && m <= 24 },
  { label: "over 2 years, up to 3 years", test: (m) => m > 24 && m <= 36 },
  { label: "over 3 years", test: (m) => m > 36 },
];
const OBSERVED = { "within 1 month": "34 (1.2%)", "over 1 year, up to 2 years": "900+ (about 31-32%, the mode)" };
const counts = { run: BINS.map(() => 0), initial: BINS.map(() => 0) };
for (let r = 1; r <= replicates; r++) {
  const result = simulate(inputs, taskSeed(seed, r), { collectEvents: true });
  const log = result.events;
  for (let k = 0; k < log.length; k += EVENT_LOG_WIDTH) {
    if (log[k + EVENT_FIELD.event] !== EventCode.abscond || log[k + EVENT_FIELD.month] < firstMonth) continue;
    const month = log[k + EVENT_FIELD.month];
    const inJapan = log[k + EVENT_FIELD.monthsInJapan];
    // Entered before the run's first month: one of the initial population.
    const who = month - inJapan < 0 ? "initial" : "run";
    counts[who][BINS.findIndex((b) => b.test(inJapan))] += 1;
  }
}
const total = (c) => c.reduce((a, b) => a + b, 0);
const share = (c, j) => (total(c) > 0 ? `${((100 * c[j]) / total(c)).toFixed(1)}%` : "-");
process.stdout.write(`Absconders of ${fromYear}-${toYear} by months in Japan (${replicates} replicates at scale ${scale}, seed ${seed}; national counts per year in brackets)\n\n`);
process.stdout.write("| months in Japan at absconding | observed (caught in 2017) | model: all | model: entered in the run | model: initial population |\n|---|---|---|---|---|\n");
const years = toYear - fromYear + 1;
const all = counts.run.map((v, j) => v + counts.initial[j]);
const perYear = (c, j) => Math.round(c[j] / replicates / scale / years).toLocaleString("en");
BINS.forEach((b, j) => {
  process.stdout.write(`| ${b.label} | ${OBSERVED[b.label] ?? "-"} | ${share(all, j)} (${perYear(all, j)}) | ${share(counts.run, j)} (${perYear(counts.run, j)}) | ${share(counts.initial, j)} (${perYear(counts.initial, j)}) |\n`);
});
