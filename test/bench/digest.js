// A digest of one whole simulation, for checking that a change meant to be byte-identical (a
// faster screen, a refactor) is: sha256 over every field of the RunResult of the baseline, seed 1,
// events collected. Run it before and after the change and compare the lines.
// Usage: node test/bench/digest.js [scale] [until] [scenario]; prints "<sha256> <agent-months>".
import { createHash } from "node:crypto";
import { loadScenario } from "../../dist/scenario/load.js";
import { buildInputs } from "../../dist/scenario/resolve.js";
import { simulate } from "../../dist/engine/simulate.js";
import { taskSeed } from "../../dist/engine/rng.js";

const [scale = "0.05", until = "2035-12", file = "scenarios/baseline.yaml"] = process.argv.slice(2);
const inputs = buildInputs(loadScenario(file), { scale: Number(scale), until });
const result = simulate(inputs, taskSeed(1, 1), { collectEvents: true });
const hash = createHash("sha256");
for (const [key, value] of Object.entries(result).sort(([a], [b]) => a.localeCompare(b))) {
  hash.update(key);
  if (ArrayBuffer.isView(value)) hash.update(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  else hash.update(JSON.stringify(value, (_k, x) => (ArrayBuffer.isView(x) ? Array.from(x) : x)) ?? "undefined");
}
process.stdout.write(`${hash.digest("hex")} ${result.agentMonths}\n`);
