#!/usr/bin/env node
// What the TI-2 continuation shifts are derived from (docs/calibration.md, 'TI-2 survival by
// nationality'): the interns in TI-2 at a year end over those in TI-1 at the two year ends before,
// by nationality, in e-Stat's stocks (data/observed/ti_by_nationality_2013_2016.csv) and in the
// model. Interns who entered in year y-1 or y-2 are in TI-1 at the end of their entry year and, if
// they went on to TI-2 and neither absconded nor went home, in TI-2 at the end of year y; so the
// ratio is the chance of going on to TI-2 times the chance of staying that long. 2015 and 2016 only:
// the model starts in 2014, so it has no TI-1 count at the end of 2012. The run is the fit's: the
// replicate means at --scale (default 0.1) over --replicates (default 5), seeded as `migsim run
// --seed 1`. The rest ('OTHER') includes Thailand, listed apart in e-Stat's table.
//
//   npm run build && node scripts/ti-survival.mjs [scenario.yaml] [--scale 0.1] [--replicates 5]

import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { NATIONALITY_CODES, Status } from "../dist/model/codes.js";
import { taskSeed } from "../dist/engine/rng.js";
import { advanceMonth, initSimulation } from "../dist/engine/simulate.js";
import { loadScenario } from "../dist/scenario/load.js";
import { buildInputs } from "../dist/scenario/resolve.js";
import { parseFitRunArgs } from "./fit-run-args.mjs";

const { scenarioFile, scale, replicates, seed, fail } = parseFitRunArgs("ti-survival");
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const FILE = "data/observed/ti_by_nationality_2013_2016.csv";
const YEARS = [2015, 2016];

// e-Stat: each stock row gives the TI total and, in its note, the TI-1 holders.
const observed = {}; // `${year},${nat}` -> { ti1, ti2 }
for (const r of parse(readFileSync(join(ROOT, FILE), "utf8"), { columns: true })) {
  if (r.kind !== "stock" || !r.date.endsWith("-12")) continue;
  const m = /TI-1 \(1号イ\+1号ロ\) = (\d+)/.exec(r.note);
  if (!m) fail(`${FILE}: the note of ${r.date} ${r.nationality} does not give the TI-1 holders ('TI-1 (1号イ+1号ロ) = N').`);
  const ti1 = Number(m[1]);
  const key = `${r.date.slice(0, 4)},${r.nationality}`;
  if (observed[key]) fail(`${FILE}: two stock rows for ${r.date} ${r.nationality}.`);
  observed[key] = { ti1, ti2: Number(r.count) - ti1 };
}
const OWN = ["VN", "CN", "ID", "PH", "MM", "KH"];
for (const year of [2012, 2013, 2014, 2015, 2016]) {
  for (const nat of [...OWN, "ALL"]) if (!observed[`${year},${nat}`]) fail(`${FILE}: no stock row for ${year}-12 ${nat}.`);
}
for (const year of [2012, 2013, 2014, 2015, 2016]) {
  const all = observed[`${year},ALL`];
  const rest = { ti1: all.ti1, ti2: all.ti2 };
  for (const nat of OWN) {
    rest.ti1 -= observed[`${year},${nat}`].ti1;
    rest.ti2 -= observed[`${year},${nat}`].ti2;
  }
  observed[`${year},OTHER`] = rest;
}
// NaN where no TI-1 holders (a small nationality at a small --scale): printed as n/a.
const ratio = (get, year, nat) => {
  const entered = get(year - 1, nat).ti1 + get(year - 2, nat).ti1;
  return entered > 0 ? get(year, nat).ti2 / entered : NaN;
};
const fmt = (x, signed = false) => (Number.isFinite(x) ? `${signed && x >= 0 ? "+" : ""}${x.toFixed(3)}` : "n/a");

let inputs;
try {
  inputs = buildInputs(loadScenario(scenarioFile), { scale, until: "2016-12" });
} catch (e) {
  fail(e.message);
}
if (inputs.startMonthAbs !== 2014 * 12) fail(`${scenarioFile}: the scenario must start in 2014-01 (the counts are the model's TI-1 interns at the ends of 2013 and 2014).`);
const simulated = {}; // `${year},${nat}` -> { ti1, ti2 }, summed over replicates
const count = (s, year) => {
  for (const nat of NATIONALITY_CODES) simulated[`${year},${nat}`] ??= { ti1: 0, ti2: 0 };
  const pop = s.pop;
  for (let i = 0; i < pop.size; i++) {
    if (pop.status[i] !== Status.TI) continue;
    const c = simulated[`${year},${NATIONALITY_CODES[pop.nationality[i]]}`];
    if (pop.tiStage[i] === 1) c.ti1++;
    else if (pop.tiStage[i] === 2) c.ti2++;
  }
};
for (let r = 1; r <= replicates; r++) {
  const s = initSimulation(inputs, taskSeed(seed, r), false);
  count(s, 2013); // the initial stock, at the end of 2013
  for (let t = 0; t < 36; t++) {
    advanceMonth(s, t);
    if (t % 12 === 11) count(s, 2014 + (t - 11) / 12);
  }
}
const sim = (year, nat) => simulated[`${year},${nat}`];
const obs = (year, nat) => observed[`${year},${nat}`];

process.stdout.write("| nationality | observed 2015 | observed 2016 | simulated 2015 | simulated 2016 | difference (mean of the two years) |\n|---|---|---|---|---|---|\n");
for (const nat of [...OWN, "OTHER", "ALL"]) {
  const simOf = nat === "ALL"
    ? (year) => { let ti1 = 0, ti2 = 0; for (const n of NATIONALITY_CODES) { ti1 += sim(year, n).ti1; ti2 += sim(year, n).ti2; } return { ti1, ti2 }; }
    : (year) => sim(year, nat);
  const o = YEARS.map((y) => ratio(obs, y, nat));
  const x = YEARS.map((y) => ratio(simOf, y, nat));
  const diff = (x[0] + x[1]) / 2 - (o[0] + o[1]) / 2;
  process.stdout.write(`| ${nat} | ${fmt(o[0])} | ${fmt(o[1])} | ${fmt(x[0])} | ${fmt(x[1])} | ${fmt(diff, true)} |\n`);
}
