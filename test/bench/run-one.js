// One measured run in a fresh process (so peak RSS is this run's own): the whole experiment as
// `migsim run` does it (worker start-up, simulation, CSV writing), timed from start to finish.
// Usage: node run-one.js <out> <threads> <replicates> <scale> <until> <scenario...>; prints JSON.
import { loadScenario } from "../../dist/scenario/load.js";
import { runExperiment } from "../../dist/run/experiment.js";

const [out, threads, replicates, scale, until, ...files] = process.argv.slice(2);
const t0 = process.hrtime.bigint();
const spec = {
  scenarios: files.map((f) => loadScenario(f)),
  seed: 1,
  replicates: Number(replicates),
  scale: Number(scale),
  until: until === "-" ? null : until,
  events: false,
  ciTarget: 0.05,
};
let agentsCreated = 0;
const r = await runExperiment(spec, {
  out, threads: Number(threads), overwrite: true, resume: false, command: ["bench"],
  onTaskDone: (_task, result) => { agentsCreated += result.agentsCreated; },
});
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
process.stdout.write(`${JSON.stringify({
  seconds, agentMonths: r.agentMonths, agentsCreated, tasks: r.tasks,
  agentMonthsPerSecond: r.agentMonths / seconds,
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
})}\n`);
