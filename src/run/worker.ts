// A simulation worker: receives tasks one after another over its lifetime (workers are started
// once per run and reused, not once per task) and returns results as transferable typed arrays,
// with the task's CSV rows already formatted when the run writes CSV (formatting on the main
// thread would serialise it: with many small tasks it took longer than the simulations).

import { parentPort } from "node:worker_threads";
import { simulate } from "../engine/simulate.js";
import { formatTaskCsv } from "../output/csv.js";
import type { FromWorker, ToWorker } from "./protocol.js";

const port = parentPort;
if (!port) throw new Error("run/worker.js must be started as a worker thread");

port.on("message", (msg: ToWorker) => {
  if (msg.type === "exit") {
    port.close();
    return;
  }
  const { task, inputs, collectEvents, csv } = msg;
  try {
    let agentMonths = 0;
    const result = simulate(inputs, task.seed, {
      collectEvents,
      onMonth: (t, live) => {
        agentMonths += live;
        if (t % 12 === 11 || t === inputs.months - 1) port.postMessage({ type: "progress", taskIndex: task.index, months: t + 1, agentMonths } satisfies FromWorker);
      },
    });
    const rows = csv ? formatTaskCsv(csv, task, result) : undefined;
    port.postMessage({ type: "result", taskIndex: task.index, result, ...(rows && { csv: rows }) } satisfies FromWorker, [
      result.stocks.buffer as ArrayBuffer, result.flows.buffer as ArrayBuffer, result.stocksByGroup.buffer as ArrayBuffer, result.flowsByGroup.buffer as ArrayBuffer, result.events.buffer as ArrayBuffer, result.exitMonthsHist.buffer as ArrayBuffer, result.sieCohorts.buffer as ArrayBuffer, result.ti3Stock.buffer as ArrayBuffer,
      ...(rows ?? []).map((b) => b.buffer as ArrayBuffer),
    ]);
  } catch (e) {
    port.postMessage({ type: "error", taskIndex: task.index, message: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies FromWorker);
  }
});
