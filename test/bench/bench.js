// `npm run bench`: speed and memory of the engine on this machine, written to
// docs/benchmark.json and into the README between the bench markers.
//  1. the baseline at scale 1 over its first 120 months (from its start, 2014-01, to 2023-12),
//     one thread (agent-months per second, including start-up and CSV writing; peak RSS; bytes
//     per agent ever created);
//  2. 4 replicates at scale 0.25 over the same 120 months with 1 and with 2 threads (speed-up);
//  3. a sweep of 500 tasks (peak RSS stays bounded: results stream to disk in task order).
// Agent-months = agents in Japan at the end of each month, summed over months.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { loadScenario } from "../../dist/scenario/load.js";
import { formatMonth, parseMonth } from "../../dist/model/inputs.js";

const root = new URL("../../", import.meta.url).pathname;
const quick = process.argv.includes("--quick");
const tmp = mkdtempSync(join(tmpdir(), "migsim-bench-"));

function measure(label, threads, replicates, scale, until, files) {
  const out = join(tmp, label);
  process.stderr.write(`bench: ${label} (threads ${threads}, replicates ${replicates}, scale ${scale}, until ${until}) ... `);
  const text = execFileSync(process.execPath, [join(root, "test/bench/run-one.js"), out, String(threads), String(replicates), String(scale), until, ...files], { cwd: root, encoding: "utf8", maxBuffer: 1 << 24 });
  rmSync(out, { recursive: true, force: true });
  const r = JSON.parse(text.trim().split("\n").pop());
  process.stderr.write(`${r.seconds.toFixed(1)} s, ${(r.agentMonthsPerSecond / 1e6).toFixed(2)}M agent-months/s, peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB\n`);
  return r;
}

const baseline = join(root, "scenarios/baseline.yaml");
// The run is 120 months from the baseline's start, whatever that start is.
const MONTHS = 120;
const until = formatMonth(parseMonth(loadScenario(baseline).start) + MONTHS - 1);
const single = measure(`scale1-${MONTHS}months`, 1, 1, quick ? 0.1 : 1, until, [baseline]);
const one = measure("4reps-1thread", 1, 4, quick ? 0.05 : 0.25, until, [baseline]);
const two = measure("4reps-2threads", 2, 4, quick ? 0.05 : 0.25, until, [baseline]);

// 500 tasks: a 5-value grid x 100 replicates at a small scale and horizon.
const sweepFile = join(tmp, "sweep500.yaml");
writeFileSync(sweepFile, `extends: ${baseline}\nname: sweep500\nsweep:\n  grid:\n    abscondBaseHazardPerMonth: [0.0008, 0.001, 0.0012, 0.0014, 0.0016]\n`);
const sweep = measure("sweep-500-tasks", 2, quick ? 4 : 100, 0.002, "2021-12", [sweepFile]);

const results = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, availableParallelism: availableParallelism(), model: cpus()[0]?.model ?? "", node: process.version },
  quick,
  singleThread: {
    scale: quick ? 0.1 : 1, months: MONTHS, until,
    agentMonthsPerSecond: Math.round(single.agentMonthsPerSecond),
    seconds: Number(single.seconds.toFixed(2)),
    peakRssMiB: Math.round(single.peakRssBytes / 2 ** 20),
    agentsCreated: single.agentsCreated,
    bytesPerAgentCreated: Math.round(single.peakRssBytes / single.agentsCreated),
  },
  replicates: {
    replicates: 4, scale: quick ? 0.05 : 0.25, months: MONTHS, until,
    oneThreadSeconds: Number(one.seconds.toFixed(2)),
    twoThreadsSeconds: Number(two.seconds.toFixed(2)),
    speedup: Number((one.seconds / two.seconds).toFixed(2)),
  },
  sweep: { tasks: sweep.tasks, threads: 2, seconds: Number(sweep.seconds.toFixed(2)), peakRssMiB: Math.round(sweep.peakRssBytes / 2 ** 20) },
};
rmSync(tmp, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
if (!quick) {
  writeFileSync(join(root, "docs/benchmark.json"), `${JSON.stringify(results, null, 2)}\n`);
  const readmePath = join(root, "README.md");
  const readme = readFileSync(readmePath, "utf8");
  const s = results.singleThread;
  const table = [
    "<!-- bench:start (written by npm run bench) -->",
    `Measured by \`npm run bench\` on ${results.date.slice(0, 10)} (${results.machine.cpus} cores, Node ${results.machine.node}; figures in [docs/benchmark.json](docs/benchmark.json)):`,
    "",
    "| measure | value |",
    "|---|---|",
    `| baseline, scale 1, ${MONTHS} months (to ${until}), 1 thread | ${(s.agentMonthsPerSecond / 1e6).toFixed(1)} M agent-months/s (${s.seconds} s, start-up and CSV included) |`,
    `| peak memory of that run | ${s.peakRssMiB} MiB = ${s.bytesPerAgentCreated} bytes per agent ever created (${s.agentsCreated.toLocaleString("en")} agents) |`,
    `| 4 replicates at scale 0.25, ${MONTHS} months: 1 vs 2 threads | ${results.replicates.oneThreadSeconds} s vs ${results.replicates.twoThreadsSeconds} s: ${results.replicates.speedup}x |`,
    `| sweep of ${results.sweep.tasks} tasks, 2 threads | ${results.sweep.seconds} s, peak memory ${results.sweep.peakRssMiB} MiB |`,
    "<!-- bench:end -->",
  ].join("\n");
  const re = /<!-- bench:start[\s\S]*?<!-- bench:end -->/;
  if (re.test(readme)) writeFileSync(readmePath, readme.replace(re, table));
}
