#!/usr/bin/env node
// A pattern the calibration does not fit (docs/validation.md, 'Patterns not used in fitting'):
// the interns by stage (TI-1, TI-2, TI-3) at year ends, against ISA's counts by status
// (data/observed/ti_stage_stock.csv). The run is the fit's: the replicate means at --scale
// (default 0.1) over --replicates (default 5), seeded as `migsim run --seed 1`, scaled to national
// counts. Interns waiting for their change to SSW1 count in the stage they finished (TI-2 or TI-3
// is not known then: counted as TI-2).
//
//   npm run build && node scripts/ti-stages.mjs [scenario.yaml] [--scale 0.1] [--replicates 5]

import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Status } from "../dist/model/codes.js";
import { taskSeed } from "../dist/engine/rng.js";
import { advanceMonth, initSimulation } from "../dist/engine/simulate.js";
import { loadScenario } from "../dist/scenario/load.js";
import { buildInputs } from "../dist/scenario/resolve.js";
import { parseFitRunArgs } from "./fit-run-args.mjs";

const { scenarioFile, scale, replicates, seed, fail } = parseFitRunArgs("ti-stages");
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const observed = parse(readFileSync(join(ROOT, "data/observed/ti_stage_stock.csv"), "utf8"), { columns: true });

let inputs;
try {
  inputs = buildInputs(loadScenario(scenarioFile), { scale, until: "2023-12" });
} catch (e) {
  fail(e.message);
}
const [y0, m0] = [inputs.startMonthAbs / 12 | 0, inputs.startMonthAbs % 12];
const monthOf = (date) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 - (y0 * 12 + m0);
// Dates before the scenario's start (or after 2023-12) are not in the run: said, not shown as 0.
const allDates = [...new Set(observed.map((r) => r.date))].sort();
const dates = allDates.filter((d) => monthOf(d) >= 0 && monthOf(d) < inputs.months);
const outside = allDates.filter((d) => !dates.includes(d));
if (outside.length > 0) process.stderr.write(`ti-stages: ${outside.join(", ")} outside the run (from ${formatStart()}), left out\n`);
function formatStart() {
  return `${y0}-${String(m0 + 1).padStart(2, "0")}`;
}
const last = Math.max(...dates.map(monthOf));
// sums[date][stage 1..3]
const sums = Object.fromEntries(dates.map((d) => [d, [0, 0, 0, 0]]));
for (let r = 1; r <= replicates; r++) {
  const s = initSimulation(inputs, taskSeed(seed, r), false);
  for (let t = 0; t <= last; t++) {
    advanceMonth(s, t);
    for (const d of dates) {
      if (monthOf(d) !== t) continue;
      for (let i = 0; i < s.pop.size; i++) {
        if (s.pop.status[i] !== Status.TI) continue;
        const stage = s.pop.tiStage[i];
        sums[d][stage >= 1 && stage <= 3 ? stage : 2] += 1;
      }
    }
  }
}
process.stdout.write("| date | stage | observed | simulated (national) | error | observed share of interns | simulated share |\n|---|---|---|---|---|---|---|\n");
for (const d of dates) {
  const sim = sums[d].map((v) => v / replicates / scale);
  const simTotal = sim[1] + sim[2] + sim[3];
  const rows = observed.filter((r) => r.date === d);
  const obsTotal = rows.reduce((a, r) => a + Number(r.count), 0);
  for (const r of rows) {
    const stage = Number(r.stage);
    const o = Number(r.count);
    const x = sim[stage];
    process.stdout.write(`| ${d} | TI-${stage} | ${o.toLocaleString("en")} | ${Math.round(x).toLocaleString("en")} | ${((x / o - 1) * 100).toFixed(0)}% | ${((o / obsTotal) * 100).toFixed(1)}% | ${((x / simTotal) * 100).toFixed(1)}% |\n`);
  }
}
