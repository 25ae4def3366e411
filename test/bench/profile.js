// In-process timing of the simulation alone (no worker, no CSV): for `node --cpu-prof`.
// Usage: node [--cpu-prof] test/bench/profile.js [scale] [until] [scenario] [repeats]
import { loadScenario } from "../../dist/scenario/load.js";
import { buildInputs } from "../../dist/scenario/resolve.js";
import { simulate } from "../../dist/engine/simulate.js";
import { taskSeed } from "../../dist/engine/rng.js";

const [scale = "1", until = "2023-12", file = "scenarios/baseline.yaml", repeats = "1"] = process.argv.slice(2);
const inputs = buildInputs(loadScenario(file), { scale: Number(scale), until });
for (let r = 0; r < Number(repeats); r++) {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const result = simulate(inputs, taskSeed(1, 1), { collectEvents: false });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  const cpuSeconds = (c.user + c.system) / 1e6;
  process.stdout.write(`${JSON.stringify({
    seconds, cpuSeconds, agentMonths: result.agentMonths,
    agentMonthsPerSecond: Math.round(result.agentMonths / seconds), perCpuSecond: Math.round(result.agentMonths / cpuSeconds),
  })}\n`);
}
