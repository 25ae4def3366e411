// How much the common random numbers buy in scenario comparisons: for a few of the library's
// checks (test/scenario/library.test.ts), the spread of the difference scenario - baseline over
// replicates when both runs of a replicate use the same task seed (paired, as migsim does) and
// when the scenario uses another root seed (unpaired, independent runs). The ratio of their
// variances is how many more replicates unpaired runs need for the same precision: the price of
// an engine whose draws would not stay paired (docs/performance.md, 'Open').
// Usage: node test/bench/crn.js [replicates=10] [scale=0.005]; prints one line per check.
import { mean, sampleStandardDeviation } from "simple-statistics";
import { simulate } from "../../dist/engine/simulate.js";
import { taskSeed } from "../../dist/engine/rng.js";
import { EventCode, NATIONALITY_COUNT, NO_STATUS, STATUS_COUNT, Status } from "../../dist/model/codes.js";
import { parseMonth } from "../../dist/model/inputs.js";
import { loadScenario } from "../../dist/scenario/load.js";
import { buildInputs } from "../../dist/scenario/resolve.js";
import { FLOW_CELLS, flowIndex } from "../../dist/model/observers.js";

const scenarios = new URL("../../scenarios/", import.meta.url).pathname;
const [replicates = "10", scaleText = "0.005"] = process.argv.slice(2);
const R = Number(replicates);
const scale = Number(scaleText);
const until = "2031-12";
const start = parseMonth(loadScenario(scenarios + "baseline.yaml").start);
const statuses = Array.from({ length: STATUS_COUNT }, (_, k) => k);

/** Events `event` from statuses `from` (all if not given) in months [since, end of run]. */
function events(event, since, from) {
  const mask = new Uint8Array(FLOW_CELLS);
  for (const f of from ?? [...statuses, NO_STATUS]) {
    for (const to of statuses) for (let nat = 0; nat < NATIONALITY_COUNT; nat++) mask[flowIndex(event, f, to, nat)] = 1;
  }
  const first = parseMonth(since) - start;
  return (r) => {
    let n = 0;
    for (let j = 0; j < r.flows.length; j += 3) if (r.flows[j] >= first && mask[r.flows[j + 1]] === 1) n += r.flows[j + 2];
    return n;
  };
}

const runs = new Map();
function run(file, rootSeed, r) {
  const key = `${file}|${rootSeed}|${r}`;
  if (!runs.has(key)) runs.set(key, simulate(buildInputs(loadScenario(scenarios + file), { scale, until }), taskSeed(rootSeed, r), { collectEvents: false }));
  return runs.get(key);
}

const checks = [
  ["employer-pays.yaml", "abscond events from 2027-04", events(EventCode.abscond, "2027-04")],
  ["weak-yen.yaml", "returns of SSW1, SSW2, SIE from 2026-01", events(EventCode.return, "2026-01", [Status.SSW1, Status.SSW2, Status.SIE])],
  ["labour-shortage-deepens.yaml", "abscond events from 2026-01", events(EventCode.abscond, "2026-01")],
  ["strict-enforcement.yaml", "deportations from 2026-04", events(EventCode.deport, "2026-04")],
];
process.stdout.write(`scale ${scale}, ${R} replicates, to ${until}; baseline at root seed 1, the scenario at root seed 1 (paired) and 2 (unpaired)\n`);
for (const [file, outcome, metric] of checks) {
  const base = [];
  const paired = [];
  const unpaired = [];
  for (let r = 0; r < R; r++) {
    const b = metric(run("baseline.yaml", 1, r));
    base.push(b);
    paired.push(metric(run(file, 1, r)) - b);
    unpaired.push(metric(run(file, 2, r)) - b);
  }
  const sdPaired = sampleStandardDeviation(paired);
  const sdUnpaired = sampleStandardDeviation(unpaired);
  process.stdout.write(`${file}: ${outcome}: baseline ${mean(base).toFixed(0)}; difference paired ${mean(paired).toFixed(1)} (sd ${sdPaired.toFixed(1)}), ` +
    `unpaired ${mean(unpaired).toFixed(1)} (sd ${sdUnpaired.toFixed(1)}); variance ratio ${((sdUnpaired / sdPaired) ** 2).toFixed(1)}\n`);
}
