// Progress of a run: a bar on a terminal (cli-progress), plain periodic lines otherwise, nothing
// with --quiet. Shows tasks done, agent-months per second and the time left.

import cliProgress from "cli-progress";
import type { ModelInputs } from "../model/inputs.js";
import type { Task } from "../run/tasks.js";

export interface Progress {
  start(tasks: readonly Task[], inputs: readonly ModelInputs[]): void;
  update(taskIndex: number, months: number, agentMonths: number): void;
  taskDone(taskIndex: number): void;
  stop(): void;
}

const fmtRate = (r: number): string => (r >= 1e6 ? `${(r / 1e6).toFixed(1)}M` : r >= 1e3 ? `${(r / 1e3).toFixed(0)}k` : r.toFixed(0));

export function createProgress(mode: "bar" | "lines" | "quiet", stream: NodeJS.WriteStream = process.stderr): Progress {
  let totalMonths = 0;
  let tasksTotal = 0;
  let tasksDone = 0;
  // Running totals over tasks (each task reports cumulative months and agent-months).
  const monthsByTask = new Map<number, number>();
  const agentMonthsByTask = new Map<number, number>();
  let monthsSum = 0;
  let agentMonthsSum = 0;
  let t0 = 0;
  let lastLine = 0;
  let bar: cliProgress.SingleBar | null = null;
  const monthsDone = (): number => monthsSum;
  const rate = (): number => {
    const secs = (Date.now() - t0) / 1000;
    return secs > 0 ? agentMonthsSum / secs : 0;
  };
  const line = (): void => {
    const m = monthsDone();
    const secs = (Date.now() - t0) / 1000;
    const eta = m > 0 ? (secs * (totalMonths - m)) / m : NaN;
    stream.write(`migsim: ${tasksDone}/${tasksTotal} tasks, ${((100 * m) / totalMonths).toFixed(0)}% of months, ${fmtRate(rate())} agent-months/s, ${Number.isFinite(eta) ? `${eta.toFixed(0)}s left` : "estimating"}\n`);
  };
  return {
    start(tasks, inputs) {
      if (mode === "quiet") return;
      t0 = Date.now();
      tasksTotal = tasks.length;
      totalMonths = tasks.reduce((a, t) => a + inputs[t.inputsIndex]!.months, 0);
      if (mode === "bar") {
        bar = new cliProgress.SingleBar(
          { format: "{bar} {percentage}% | tasks {tasks} | {rate} agent-months/s | ETA {eta_formatted}", stream, hideCursor: true, etaBuffer: 50 },
          cliProgress.Presets.shades_classic,
        );
        bar.start(totalMonths, 0, { tasks: `0/${tasksTotal}`, rate: "0" });
      } else {
        lastLine = Date.now();
      }
    },
    update(taskIndex, months, agentMonths) {
      if (mode === "quiet") return;
      monthsSum += months - (monthsByTask.get(taskIndex) ?? 0);
      agentMonthsSum += agentMonths - (agentMonthsByTask.get(taskIndex) ?? 0);
      monthsByTask.set(taskIndex, months);
      agentMonthsByTask.set(taskIndex, agentMonths);
      if (bar) bar.update(monthsDone(), { tasks: `${tasksDone}/${tasksTotal}`, rate: fmtRate(rate()) });
      else if (Date.now() - lastLine > 10_000) {
        lastLine = Date.now();
        line();
      }
    },
    taskDone() {
      if (mode === "quiet") return;
      tasksDone++;
      if (bar) bar.update(monthsDone(), { tasks: `${tasksDone}/${tasksTotal}`, rate: fmtRate(rate()) });
      else line();
    },
    stop() {
      bar?.stop();
    },
  };
}
