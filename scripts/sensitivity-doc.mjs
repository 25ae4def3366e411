#!/usr/bin/env node
// The tables of docs/sensitivity.md, written from finished runs (never typed):
//
//   node scripts/sensitivity-doc.mjs [--doc docs/sensitivity.md] [--scenarios-doc docs/scenarios.md] | --print
//
// For each library scenario's headline effect: which parameters decide it (a `migsim sensitivity`
// Morris screen, output/sensitivity-<name>/sensitivity.csv, over the parameters' documented
// ranges), how far it moves over those ranges (the design points' paired effects, runs/effects.csv),
// and its interval over the calibration's posterior (variance.csv of a `migsim run --posterior
// --per-draw` run), with the flag when its sign flips within the posterior. The commands that make
// each folder are in docs/sensitivity.md. Writes between <!-- sensitivity:start --> and
// <!-- sensitivity:end --> (atomically), and docs/scenarios.md's table of every library effect
// over the posterior between <!-- posterior-effects:start --> and <!-- posterior-effects:end -->.

import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";

const START = "<!-- sensitivity:start -->";
const END = "<!-- sensitivity:end -->";
const LIBRARY_POSTERIOR = "output/sensitivity-library-posterior";
const ESD_POSTERIOR = "output/sensitivity-esd-posterior";
/** Each headline effect: its scenario, the Morris folder, the metric, and the posterior run and reference it is read from. */
const EFFECTS = [
  { label: "ESD as enacted against no reform: absconding per 1,000 intern-years, 2027-04 to 2035", name: "esd", scenario: "esd-as-enacted", reference: "no-reform", metric: "abscond_per_1000_ti_years_2027-04_2035-12", posterior: ESD_POSTERIOR, rate: true },
  { label: "ESD as enacted against no reform: absconding, 2027-04 to 2035", name: "esd", scenario: "esd-as-enacted", reference: "no-reform", metric: "abscond_2027-04_2035-12", posterior: ESD_POSTERIOR },
  { label: "ESD as enacted against no reform: TI -> SSW1, 2027-04 to 2035", name: "esd", scenario: "esd-as-enacted", reference: "no-reform", metric: "ti_to_ssw1_2027-04_2035-12", posterior: ESD_POSTERIOR },
  { label: "employer-pays: absconding, 2027-04 to 2035", name: "employer-pays", scenario: "employer-pays", reference: "baseline", metric: "abscond_2027-04_2035-12", posterior: LIBRARY_POSTERIOR },
  { label: "weak-yen: absconding, 2026-01 to 2035", name: "weak-yen", scenario: "weak-yen", reference: "baseline", metric: "abscond_2026-01_2035-12", posterior: LIBRARY_POSTERIOR },
  { label: "weak-yen: returns, 2026-01 to 2035", name: "weak-yen", scenario: "weak-yen", reference: "baseline", metric: "return_2026-01_2035-12", posterior: LIBRARY_POSTERIOR },
  { label: "labour-shortage-deepens: absconding, 2026-01 to 2035", name: "labour-shortage-deepens", scenario: "labour-shortage-deepens", reference: "baseline", metric: "abscond_2026-01_2035-12", posterior: LIBRARY_POSTERIOR },
  { label: "sme-promotion: TI -> SSW1, 2026-04 to 2035", name: "sme-promotion", scenario: "sme-promotion", reference: "baseline", metric: "ti_to_ssw1_2026-04_2035-12", posterior: LIBRARY_POSTERIOR },
  { label: "fee-cap-enforced: absconding, 2022-01 to 2035 (all nationalities)", name: "fee-cap-enforced", scenario: "fee-cap-enforced", reference: "baseline", metric: "abscond_2022-01_2035-12", posterior: LIBRARY_POSTERIOR },
  { label: "family-accompaniment: returns, 2027-04 to 2035", name: "family-accompaniment", scenario: "family-accompaniment", reference: "baseline", metric: "return_2027-04_2035-12", posterior: LIBRARY_POSTERIOR },
  { label: "strict-enforcement: undocumented stock, 2030-12", name: "strict-enforcement", scenario: "strict-enforcement", reference: "baseline", metric: "stock_IRREGULAR_2030-12", posterior: LIBRARY_POSTERIOR },
  { label: "local-subsidies: TI stock, 2030-12", name: "local-subsidies", scenario: "local-subsidies", reference: "baseline", metric: "stock_TI_2030-12", posterior: LIBRARY_POSTERIOR },
];
const TOP = 5;
/** docs/scenarios.md's table of every library effect over the posterior: scenario, reference, metric, words. */
const POSTERIOR_TABLE = [
  [LIBRARY_POSTERIOR, "no-reform", "baseline", "ti_job_change_2027-04_2035-12", "interns' job changes, 2027-04 to 2035"],
  [LIBRARY_POSTERIOR, "no-reform", "baseline", "abscond_2027-04_2035-12", "absconding, 2027-04 to 2035"],
  [LIBRARY_POSTERIOR, "no-reform", "baseline", "ti_to_ssw1_2027-04_2035-12", "TI -> SSW1, 2027-04 to 2035"],
  [LIBRARY_POSTERIOR, "employer-pays", "baseline", "abscond_2027-04_2035-12", "absconding, 2027-04 to 2035"],
  [LIBRARY_POSTERIOR, "fee-cap-enforced", "baseline", "abscond_2022-01_2035-12", "absconding, 2022-01 to 2035 (all nationalities)"],
  [LIBRARY_POSTERIOR, "weak-yen", "baseline", "abscond_2026-01_2035-12", "absconding, 2026-01 to 2035"],
  [LIBRARY_POSTERIOR, "weak-yen", "baseline", "return_2026-01_2035-12", "returns, 2026-01 to 2035"],
  [LIBRARY_POSTERIOR, "sme-promotion", "baseline", "ti_to_ssw1_2026-04_2035-12", "TI -> SSW1, 2026-04 to 2035"],
  [LIBRARY_POSTERIOR, "family-accompaniment", "baseline", "return_2027-04_2035-12", "returns, 2027-04 to 2035"],
  [LIBRARY_POSTERIOR, "labour-shortage-deepens", "baseline", "abscond_2026-01_2035-12", "absconding, 2026-01 to 2035"],
  [LIBRARY_POSTERIOR, "strict-enforcement", "baseline", "stock_IRREGULAR_2030-12", "undocumented stock, 2030-12"],
  [LIBRARY_POSTERIOR, "local-subsidies", "baseline", "stock_TI_2030-12", "TI stock, 2030-12"],
  [ESD_POSTERIOR, "esd-as-enacted", "no-reform", "abscond_per_1000_ti_years_2027-04_2035-12", "absconding per 1,000 intern-years, 2027-04 to 2035"],
  [ESD_POSTERIOR, "esd-1-year", "no-reform", "abscond_per_1000_ti_years_2027-04_2035-12", "absconding per 1,000 intern-years, 2027-04 to 2035"],
  [ESD_POSTERIOR, "esd-2-year", "no-reform", "abscond_per_1000_ti_years_2027-04_2035-12", "absconding per 1,000 intern-years, 2027-04 to 2035"],
  [ESD_POSTERIOR, "esd-fee-cap-unenforced", "no-reform", "abscond_per_1000_ti_years_2027-04_2035-12", "absconding per 1,000 intern-years, 2027-04 to 2035"],
  [ESD_POSTERIOR, "esd-tighter-caps", "no-reform", "abscond_per_1000_ti_years_2027-04_2035-12", "absconding per 1,000 intern-years, 2027-04 to 2035"],
  [ESD_POSTERIOR, "esd-stricter-japanese", "no-reform", "abscond_per_1000_ti_years_2027-04_2035-12", "absconding per 1,000 intern-years, 2027-04 to 2035"],
  [ESD_POSTERIOR, "esd-as-enacted", "no-reform", "ti_to_ssw1_2027-04_2035-12", "TI -> SSW1, 2027-04 to 2035"],
];
const POSTERIOR_START = "<!-- posterior-effects:start -->";
const POSTERIOR_END = "<!-- posterior-effects:end -->";

/** The table of every library effect over the posterior (docs/scenarios.md). */
function posteriorTable() {
  const out = [
    "| scenario | against | effect | mean over the posterior | draw means, 5th to 95th percentile | parametric share | sign flips |",
    "|---|---|---|---:|---:|---:|---|",
  ];
  for (const [dir, scenario, reference, metric, words] of POSTERIOR_TABLE) {
    const v = rows(join(dir, "variance.csv")).find((r) => r.scenario === scenario && r.reference === reference && r.metric === metric);
    if (!v) fail(`${dir}/variance.csv has no row for ${scenario} against ${reference}, ${metric}.`);
    // Counts (agents, person-years) are simulated: divide by the scale; rates and shares are not.
    const scale = v.unit === "agents" || v.unit === "person-years" ? Number(v.scale) : 1;
    out.push(`| ${scenario} | ${reference} | ${words} | ${num(v.mean, scale)} | ${num(v.draw_p05, scale)} to ${num(v.draw_p95, scale)} | ${Math.round(100 * Number(v.parametric_share))}% | ${v.sign_varies === "true" ? "**yes**" : "no"} |`);
  }
  return out.join("\n");
}

/** Replaces the text between `start` and `end` in `doc` (atomically). */
function writeBetween(doc, start, end, text) {
  const old = readFileSync(doc, "utf8");
  const a = old.indexOf(start);
  const b = old.indexOf(end);
  if (a < 0 || b < a) fail(`${doc} has no ${start} ... ${end} markers to write between.`);
  writeFileSync(`${doc}.partial`, `${old.slice(0, a + start.length)}\n${text}\n${old.slice(b)}`);
  renameSync(`${doc}.partial`, doc);
  process.stdout.write(`sensitivity-doc: wrote into ${doc}\n`);
}

function fail(message) {
  process.stderr.write(`sensitivity-doc: ${message}\n`);
  process.exit(2);
}

function rows(path) {
  if (!existsSync(path)) fail(`${path} is missing: make it with the commands in docs/sensitivity.md first.`);
  return parse(readFileSync(path, "utf8"), { columns: true, skip_empty_lines: true });
}

/** 3 significant figures; counts at national scale when `scale` is given. */
function num(x, scale = 1) {
  const v = Number(x) / scale;
  if (!Number.isFinite(v)) return "n/a";
  const r = Number(v.toPrecision(3));
  return (r < 0 ? "\u2212" : "") + Math.abs(r).toLocaleString("en-US");
}

/** How a screen's parameters vary, in words. */
function onPosterior(plan) {
  const post = plan.params.filter((p) => p.range === "posterior").length;
  return post === 0 ? "each parameter over its documented range" : post === plan.params.length ? "each over its marginal posterior" : `${post} calibrated ${post === 1 ? "one" : "ones"} over ${post === 1 ? "its marginal posterior" : "their marginal posteriors"}, the other ${plan.params.length - post} over their documented ranges`;
}

function section(e) {
  const dir = `output/sensitivity-${e.name}`;
  const plan = JSON.parse(readFileSync(join(dir, "sensitivity.json"), "utf8"));
  const indices = rows(join(dir, "sensitivity.csv")).filter((r) => r.metric === e.metric);
  if (indices.length === 0) fail(`${dir}/sensitivity.csv has no rows for ${e.metric}.`);
  const scale = e.rate ? 1 : Number(plan.scale);
  // The design points' paired effects: how often the sign differs from the mean's over the ranges.
  const points = rows(join(dir, "runs", "effects.csv")).filter((r) => r.metric === e.metric).map((r) => Number(r.diff_mean));
  const mean = points.reduce((a, b) => a + b, 0) / points.length;
  const opposite = points.filter((v) => Math.sign(v) === -Math.sign(mean) && v !== 0).length;
  const v = rows(join(e.posterior, "variance.csv")).find((r) => r.scenario === e.scenario && r.reference === e.reference && r.metric === e.metric);
  if (!v) fail(`${e.posterior}/variance.csv has no row for ${e.scenario} against ${e.reference}, ${e.metric}.`);
  const pscale = e.rate ? 1 : Number(v.scale);
  const top = [...indices].sort((a, b) => Number(b.mu_star) - Number(a.mu_star)).slice(0, TOP);
  const out = [];
  out.push(`### ${e.label}`, "");
  out.push(
    `Over the posterior (${v.draws} draws x ${v.per_draw} replicates, \`${e.posterior}\`): mean ${num(v.mean, pscale)}, ` +
      `draw means ${num(v.draw_p05, pscale)} to ${num(v.draw_p95, pscale)} (5th to 95th percentile), ` +
      `${Math.round(100 * Number(v.parametric_share))}% of the variance between draws. ` +
      (v.sign_varies === "true" ? "**The sign flips within the posterior.**" : "The sign holds within the posterior.") +
      ` Over the screen (Morris, ${plan.params.length} parameters, ${plan.n} trajectories of ${plan.params.length + 1} points, \`${dir}\`; ` +
      `${onPosterior(plan)}): mean ${num(mean, scale)}, the sign opposite at ${opposite} of ${points.length} points` +
      (opposite > 0 ? " (**the sign flips within the screen**)." : "."),
    "",
  );
  out.push("| parameter | mu* | 95% interval | mu | sigma |", "|---|---:|---:|---:|---:|");
  for (const r of top) out.push(`| \`${r.param}\` | ${num(r.mu_star, scale)} | ${num(r.mu_star_ci95_low, scale)} to ${num(r.mu_star_ci95_high, scale)} | ${num(r.mu, scale)} | ${num(r.sigma, scale)} |`);
  out.push("");
  return out.join("\n");
}

const args = process.argv.slice(2);
const text = [
  `Counts are national (simulated / scale); rates per 1,000 intern-years. mu* is the mean absolute change of the effect when one parameter moves across its whole range, or, for a calibrated parameter screened over the posterior, between the outer of four equal-probability bins of its marginal (Morris units: per range), mu its signed mean, sigma its spread (non-linearity or interactions). Top ${TOP} parameters by mu* of each screen.`,
  "",
  ...EFFECTS.map(section),
].join("\n");
if (args.includes("--print")) {
  process.stdout.write(`${text}\n\n${posteriorTable()}\n`);
} else {
  // Both texts first, so a missing folder leaves both documents as they were.
  const table = posteriorTable();
  const k = args.indexOf("--doc");
  writeBetween(k >= 0 ? args[k + 1] : "docs/sensitivity.md", START, END, text);
  const j = args.indexOf("--scenarios-doc");
  writeBetween(j >= 0 ? args[j + 1] : "docs/scenarios.md", POSTERIOR_START, POSTERIOR_END, table);
}
