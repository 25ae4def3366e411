#!/usr/bin/env node
// Which parameters does a calibration identify? For each parameter of a posterior.csv (migsim
// calibrate), its weighted mean, sd and 90% interval against its uniform prior (the `range` of
// src/model/params.ts): the ratio of the posterior sd to the prior's (range / sqrt(12)) says how
// much the targets narrowed it. The table is in Markdown, for docs/calibration.md.
//
//   node scripts/posterior-summary.mjs data/calibration/posterior.csv

import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { PARAMS } from "../dist/model/params.js";

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: node scripts/posterior-summary.mjs <posterior.csv>\n");
  process.exit(2);
}
const rows = parse(readFileSync(file, "utf8"), { columns: true });
if (rows.length === 0) {
  process.stderr.write(`posterior-summary: ${file} has no particles.\n`);
  process.exit(2);
}
const names = Object.keys(rows[0]).filter((c) => !["generation", "particle", "weight", "distance"].includes(c));
const unknown = names.filter((n) => !(n in PARAMS));
if (unknown.length > 0) {
  process.stderr.write(`posterior-summary: ${file}: column(s) ${unknown.join(", ")} are not parameters of this migsim.\n`);
  process.exit(2);
}
const w = rows.map((r) => Number(r.weight));
const wSum = w.reduce((a, b) => a + b, 0);

/** The weighted quantile q of values v (weights w), by the cumulative weight. */
function quantile(v, q) {
  const order = v.map((x, k) => [x, w[k]]).sort((a, b) => a[0] - b[0]);
  let c = 0;
  for (const [x, wk] of order) {
    c += wk / wSum;
    if (c >= q) return x;
  }
  return order[order.length - 1][0];
}

const fmt = (x) => Number(x.toPrecision(4));
// Thresholds for the verdict: posterior sd under half the prior's = identified; over 0.8 = not.
const verdict = (ratio) => (ratio < 0.5 ? "identified" : ratio < 0.8 ? "weakly" : "not identified");
const lines = [
  "| parameter | prior range | posterior mean | sd | 90% interval | sd / prior sd | |",
  "|---|---|---|---|---|---|---|",
];
for (const n of names) {
  const v = rows.map((r) => Number(r[n]));
  const mean = v.reduce((a, x, k) => a + (w[k] * x), 0) / wSum;
  const sd = Math.sqrt(v.reduce((a, x, k) => a + w[k] * (x - mean) ** 2, 0) / wSum);
  const [lo, hi] = PARAMS[n].range;
  const ratio = sd / ((hi - lo) / Math.sqrt(12));
  lines.push(`| \`${n}\` | ${lo} - ${hi} | ${fmt(mean)} | ${fmt(sd)} | ${fmt(quantile(v, 0.05))} - ${fmt(quantile(v, 0.95))} | ${ratio.toFixed(2)} | ${verdict(ratio)} |`);
}
const ess = wSum ** 2 / w.reduce((a, x) => a + x * x, 0);
process.stdout.write(`${rows.length} particles (effective sample size ${ess.toFixed(1)}), generation ${rows[0].generation}.\n\n${lines.join("\n")}\n`);
