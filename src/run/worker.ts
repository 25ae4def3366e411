// A simulation worker: receives tasks one after another over its lifetime (workers are started
// once per run and reused, not once per task) and returns results as transferable typed arrays.

import { parentPort } from "node:worker_threads";
import { simulate } from "../engine/simulate.js";
import type { FromWorker, ToWorker } from "./protocol.js";

const port = parentPort;
if (!port) throw new Error("run/worker.js must be started as a worker thread");

port.on("message", (msg: ToWorker) => {
  if (msg.type === "exit") {
    port.close();
    return;
  }
  const { task, inputs, collectEvents } = msg;
  try {
    let agentMonths = 0;
    const result = simulate(inputs, task.seed, {
      collectEvents,
      onMonth: (t, live) => {
        agentMonths += live;
        if (t % 12 === 11 || t === inputs.months - 1) port.postMessage({ type: "progress", taskIndex: task.index, months: t + 1, agentMonths } satisfies FromWorker);
      },
    });
    port.postMessage({ type: "result", taskIndex: task.index, result } satisfies FromWorker, [
      result.stocks.buffer as ArrayBuffer, result.flows.buffer as ArrayBuffer, result.events.buffer as ArrayBuffer, result.exitMonthsHist.buffer as ArrayBuffer, result.sieCohorts.buffer as ArrayBuffer,
    ]);
  } catch (e) {
    port.postMessage({ type: "error", taskIndex: task.index, message: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies FromWorker);
  }
});
