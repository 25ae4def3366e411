// The report page: one self-contained HTML file with inline CSS and inline SVG charts. It has
// no scripts, no external fonts, images or style sheets, and no links: opened from disk it loads
// nothing. Every piece of text from the run (names, descriptions, notes, values) is escaped.
// The page depends only on the run folder, data/observed/, the scenario files a scenario extends
// when they are not in the run (changes.ts; used only with the sha256 the manifest records) and
// the migsim and Vega versions (no clock), so the same run gives the same bytes.

import { basename, resolve } from "node:path";
import { PARAMS } from "../model/params.js";
import type { PolicyEntry } from "../scenario/load.js";
import { VERSION } from "../version.js";
import { type ScenarioChanges, scenarioChanges } from "./changes.js";
import { type Chart, NATIONALITY_NAMES } from "./charts.js";
import { type RunData, type SummaryRow, logScaleCi } from "./data.js";
import { type EffectLine, type GroupKind, type GroupTable, MAX_EFFECT_SERIES, type SeriesEffects, effectTables, isCountUnit } from "./effects.js";

export interface RenderedChart extends Chart {
  svg: string;
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
/** Escapes text for HTML element content and quoted attribute values. */
export const escapeHtml = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
const h = escapeHtml;

const INT = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const SIG = new Intl.NumberFormat("en-GB", { maximumSignificantDigits: 3 });
/** Whole numbers with thousands separators from 100 up; 3 significant digits below. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return "-";
  return Math.abs(x) >= 100 ? INT.format(x) : SIG.format(x);
}

const show = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

const CSS = `
:root { color-scheme: light; }
body { font: 15px/1.45 Helvetica, Arial, sans-serif; color: #222; background: #fff; margin: 0; }
main { max-width: 1120px; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .6rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
h3 { font-size: 1.08rem; margin: 1.4rem 0 .4rem; }
.lead { color: #555; margin: 0 0 1rem; }
dl.identity { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dl.identity dt { font-weight: bold; }
dl.identity dd { margin: 0; }
code, .mono { font-family: Menlo, Consolas, monospace; font-size: .86em; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #ddd; padding: .2rem .5rem; text-align: left; vertical-align: baseline; }
th { background: #f5f5f5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure.chart { margin: 1.2rem 0 2rem; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption { color: #444; font-size: .9rem; margin-top: .4rem; max-width: 60rem; }
.note { background: #fff8e1; border-left: 4px solid #f0c040; padding: .4rem .8rem; }
details { margin: .3rem 0 .8rem; }
summary { cursor: pointer; color: #333; }
footer { margin-top: 3rem; border-top: 1px solid #ddd; padding-top: .6rem; color: #666; font-size: .85rem; }
`;

function identity(run: RunData): string {
  const m = run.manifest;
  const sp = m.spec;
  const done = m.tasks.filter((t) => t.complete).length;
  const scale = sp.scale !== null ? String(sp.scale) : `each scenario's own (${sp.scenarios.map((s) => `${s.name}: ${s.scale}`).join(", ")})`;
  const rows: [string, string][] = [
    ["migsim version", m.migsim === VERSION ? m.migsim : `${m.migsim} (this report: ${VERSION})`],
    ["command", `migsim ${m.command.join(" ")}`],
    ["root seed", String(sp.seed)],
    ["replicates", String(sp.replicates)],
    ["scale", `${scale} - counts in this report are national figures: simulated agents divided by the scale`],
    ["last month", sp.until ?? "each scenario's end"],
    ["tasks", `${done} of ${m.tasks.length} complete`],
    ["started / finished", `${m.startedAt} / ${m.finishedAt ?? "-"}`],
    ["Node / platform / threads", `${m.node} / ${m.platform} / ${m.threads}`],
  ];
  const data = m.dataFiles.map((f) => `<tr><td class="mono">${h(f.file)}</td><td class="mono">${h(f.sha256)}</td></tr>`).join("");
  const outputs = m.outputs.map((f) => `<tr><td class="mono">${h(f.file)}</td><td class="mono">${h(f.sha256)}</td></tr>`).join("");
  return `<dl class="identity">${rows.map(([k, v]) => `<dt>${h(k)}</dt><dd>${k === "command" ? `<code>${h(v)}</code>` : h(v)}</dd>`).join("")}</dl>
<details><summary>Input tables (${m.dataFiles.length}) and outputs (${m.outputs.length}) with sha256</summary>
<table><thead><tr><th>file</th><th>sha256</th></tr></thead><tbody>${data}${outputs}</tbody></table></details>`;
}

/** A policy timeline as a table. */
function policyTable(steps: readonly PolicyEntry[]): string {
  return `<table><thead><tr><th>from</th><th>set</th><th>note</th></tr></thead><tbody>${steps
    .map((p) => `<tr><td class="mono">${h(p.from)}</td><td class="mono">${h(Object.entries(p.set).map(([k, v]) => `${k}: ${show(v)}`).join(", "))}</td><td>${h(p.note ?? "")}</td></tr>`)
    .join("")}</tbody></table>`;
}

const steps = (n: number): string => `${n} policy step${n === 1 ? "" : "s"}`;

/** What a scenario changes: against what, its own parameters, policy steps and series points, then what it inherits. */
function changesHtml(c: ScenarioChanges): string {
  const ref = c.reference;
  const against = ref.kind === "defaults"
    ? "It extends no other scenario file, so it changes the model's defaults"
    : ref.kind === "scenario"
      ? `It extends ${ref.name} (in this run)${ref.via.length > 0 ? ` through ${ref.via.join(", ")}` : ""}; what it changes from ${ref.name}`
      : ref.kind === "file"
        ? `It extends ${ref.path} (not in this run; read again, with the sha256 the manifest records); what it changes from it`
        : `It extends ${ref.path}, but ${ref.reason}, so what it inherits cannot be told apart from what it changes: its parameters are compared with the defaults and all its policy steps are listed as its own`;
  const refName = ref.kind === "scenario" ? ref.name : ref.kind === "file" ? basename(ref.path) : "default";
  const paramsPart = c.params.length === 0
    ? `<p>Parameters: none changed${ref.kind === "defaults" || ref.kind === "unknown" ? " from the defaults" : ""}.</p>`
    : `<table><thead><tr><th>parameter</th><th>value</th><th>${h(refName)}</th>${refName === "default" ? "" : "<th>default</th>"}<th>unit</th></tr></thead><tbody>${c.params
        .map((p) => `<tr><td class="mono">${h(p.name)}</td><td class="num">${h(show(p.value))}</td><td class="num">${h(show(p.before))}</td>${refName === "default" ? "" : `<td class="num">${h(show(p.default))}</td>`}<td>${h(PARAMS[p.name].unit)}</td></tr>`)
        .join("")}</tbody></table>`;
  const sweepPart = c.swept.params.length === 0 ? "" : `<p>Swept${c.swept.own ? "" : ` (as in ${h(ref.kind === "scenario" ? ref.name : "the file it extends")})`}: ${c.swept.params.map((p) => `<code>${h(p)}</code>`).join(", ")}, one series per sweep point (values below).</p>`;
  const policyPart = c.ownPolicy.length === 0
    ? "<p>Policy steps of its own: none.</p>"
    : `<p>Policy steps of its own (${c.ownPolicy.length}):</p>${policyTable(c.ownPolicy)}`;
  const seriesNames = Object.entries(c.series);
  const seriesPart = seriesNames.length === 0 ? "" : `<p>Series points of its own:</p><table><thead><tr><th>series</th><th>points</th></tr></thead><tbody>${seriesNames
    .map(([n, pts]) => `<tr><td class="mono">${h(n)}</td><td class="mono">${h(Object.entries(pts).map(([d, v]) => `${d}: ${v}`).join(", "))}</td></tr>`)
    .join("")}</tbody></table>`;
  const from = ref.kind === "scenario" ? ref.name : "the file it extends";
  const inherited = c.inheritedPolicy.length === 0 ? "" : `<details><summary>${h(steps(c.inheritedPolicy.length))} inherited from ${h(from)}</summary>${policyTable(c.inheritedPolicy)}</details>`;
  return `<h4>What it changes</h4>
<p>${h(against)}:</p>
${paramsPart}
${sweepPart}${policyPart}
${seriesPart}${inherited}`;
}

function scenarios(run: RunData): string {
  const sp = run.manifest.spec;
  const changes = scenarioChanges(sp);
  return sp.scenarios.map((s, k) => {
    const files = s.files.map((f) => `<tr><td class="mono">${h(f.path)}</td><td class="mono">${h(f.sha256)}</td></tr>`).join("");
    const points = run.series.filter((x) => x.scenario === s.name && Object.keys(x.sweep).length > 0);
    const sweep = points.length === 0 ? "" : `<details><summary>Sweep (${points.length} points)</summary><table><thead><tr><th>point</th><th>values</th></tr></thead><tbody>${points
      .map((p) => `<tr><td class="num">${h(p.point)}</td><td class="mono">${h(Object.entries(p.sweep).map(([k, v]) => `${k} = ${v}`).join(", "))}</td></tr>`)
      .join("")}</tbody></table></details>`;
    const sources = s.sources.length === 0 ? "" : `<p>Sources:</p><ul>${s.sources.map((x) => `<li>${h(x)}</li>`).join("")}</ul>`;
    // The scale the run simulated: --scale (the spec's) when given, else the scenario's own.
    const scale = sp.scale !== null
      ? `scale ${sp.scale} (the run's --scale${sp.scale !== s.scale ? `; the scenario file's own, ${s.scale}, was not used` : ""})`
      : `scale ${s.scale} (the scenario's own)`;
    return `<section class="scenario"><h3>${h(s.name)}</h3>
<p>${h(s.description)}</p>
<p>${h(s.start)} to ${h(s.end)}, simulated at ${h(scale)}.</p>
${sources}
<table><thead><tr><th>file</th><th>sha256</th></tr></thead><tbody>${files}</tbody></table>
${changesHtml(changes[k]!)}
${sweep}</section>`;
  }).join("\n");
}

/** What the report's intervals mean, said once on the page. */
export const INTERVALS = "Every 95% confidence interval in this report measures replicate noise only: how much the mean over this run's replicates would move with other random seeds, with replicate r of every scenario sharing its random numbers (common random numbers) and every parameter fixed at the values above; it does not include uncertainty about the parameters themselves.";
/** The same, for a run over a posterior (`migsim run --posterior`): the intervals include the parameters' uncertainty. */
export const POSTERIOR_INTERVALS = "This run is over a posterior: replicate r of every scenario ran with posterior draw r (the particles below), so every 95% confidence interval in this report spans both the parameters' uncertainty (as the posterior gives it) and replicate noise, with replicate r of every scenario sharing its draw and its random numbers; a parameter a scenario sets itself, or a policy step sets from its month, keeps that value, so the parameter values listed above are those of the calibrated point, not what each replicate ran with.";

const UNITS: Record<string, string> = {
  agents: "people (national)", share: "share", months: "months",
  "person-years": "person-years (national)", "per 1000 person-years": "per 1,000 person-years",
};
/** Units of counts: scaled to national figures, and never below zero (so a log-scale interval). */
const isCount = isCountUnit;

/** What the intervals of the effects tables and difference charts mean (INTERVALS says it of the others). */
export const EFFECT_INTERVALS = "The effects are paired differences: replicate r of each scenario against replicate r of the reference, which drew the same random numbers (common random numbers), with every parameter fixed at the values above. Each 95% confidence interval of a difference is the Student t interval of the mean of those paired differences, so it measures replicate noise only, how far the mean difference would move with other random seeds; it does not include uncertainty about the parameters themselves.";
/** The same, for a run over a posterior (`migsim run --posterior`). */
export const POSTERIOR_EFFECT_INTERVALS = "The effects are paired differences: replicate r of each scenario against replicate r of the reference, which ran with the same posterior draw and drew the same random numbers. Each 95% confidence interval of a difference is the Student t interval of the mean of those paired differences, so it spans the effect's spread over the posterior draws (the parameters' uncertainty, as the posterior gives it) as well as replicate noise.";

const SIG3 = new Intl.NumberFormat("en-GB", { maximumSignificantDigits: 3 });
/** A ratio of means, 3 significant digits ("-" where the reference's mean is 0). */
const formatRatio = (x: number): string => (Number.isFinite(x) ? SIG3.format(x) : "-");

/** A difference with its 95% CI, e.g. "-120 (-180 to -60)"; without an interval (n < 2) the difference alone. */
function formatDiff(l: EffectLine): string {
  if (!l.sameScale) return "- (scales differ)";
  const ci = Number.isFinite(l.lo) && Number.isFinite(l.hi) ? ` (${formatNumber(l.lo)} to ${formatNumber(l.hi)})` : "";
  return `${formatNumber(l.diff)}${ci}`;
}

/** The cells of one effect: scenario, reference, difference (95% CI), ratio. */
const effectCells = (l: EffectLine | undefined): string => (l === undefined
  ? '<td class="num">-</td><td class="num">-</td><td class="num">-</td><td class="num">-</td>'
  : `<td class="num">${h(formatNumber(l.scenario))}</td><td class="num">${h(formatNumber(l.reference))}</td><td class="num">${h(formatDiff(l))}</td><td class="num">${h(formatRatio(l.ratio))}</td>`);

function effectLinesTable(lines: readonly EffectLine[], scenario: string, reference: string): string {
  return `<table class="effects"><thead><tr><th>metric</th><th>what</th><th>unit</th><th>n</th><th>${h(scenario)}</th><th>${h(reference)}</th><th>difference (95% CI)</th><th>ratio</th></tr></thead>
<tbody>${lines.map((l) => `<tr><td class="mono">${h(l.metric)}</td><td>${h(l.what)}</td><td>${h(UNITS[l.unit] ?? l.unit)}</td><td class="num">${h(l.n)}</td>${effectCells(l)}</tr>`).join("\n")}</tbody></table>`;
}

const GROUP_TITLES: Record<GroupKind, string> = { nationality: "By nationality", sector: "By sector", other: "By other group" };
const GROUP_HEADS: Record<GroupKind, string> = { nationality: "nationality", sector: "sector", other: "group" };

function groupTable(e: SeriesEffects, g: GroupTable): string {
  const gm = e.groupMetrics!;
  const when = gm.window ? `${gm.window.from} to ${gm.window.to}` : "whole run";
  const rateHead = `absconding per 1,000 intern-years, ${when}`;
  const countHead = `interns who absconded, ${when} (people, national)`;
  const sub = `<th>${h(e.series.scenario)}</th><th>${h(e.reference)}</th><th>difference (95% CI)</th><th>ratio</th>`;
  const withRate = gm.rate !== undefined;
  const name = (code: string): string => (g.kind === "nationality" ? `${code} (${NATIONALITY_NAMES[code] ?? code})` : code);
  return `<h4>${h(GROUP_TITLES[g.kind])}</h4>
<table class="effects groups" data-kind="${h(g.kind)}"><thead><tr><th rowspan="2">${h(GROUP_HEADS[g.kind])}</th>${withRate ? `<th colspan="4">${h(rateHead)}</th>` : ""}<th colspan="4">${h(countHead)}</th></tr>
<tr>${withRate ? sub : ""}${sub}</tr></thead>
<tbody>${g.rows.map((r) => `<tr><td>${h(name(r.group))}</td>${withRate ? effectCells(r.rate) : ""}${effectCells(r.count)}</tr>`).join("\n")}</tbody></table>`;
}

/** One series' tables: what its policy window is, the headline rows, the other rows folded, the tables by group. */
function seriesEffectsHtml(e: SeriesEffects): string {
  const s = e.series;
  const first = s.dates[0];
  const last = s.dates[s.dates.length - 1];
  const swept = Object.keys(s.sweep).length > 0;
  const windowText = e.window
    ? `Policy window: ${e.window.from} to ${e.window.to}, from the first month ${s.scenario} differs from ${e.reference} (a policy step, a parameter or a series value) to ${e.window.to === last ? "the run's last month" : e.window.to}${swept ? "; its swept values differ from the first month too" : ""}. The first rows are the window's, the next ones the whole run's totals.`
    : e.policyStart !== undefined
      ? `${s.scenario} differs from ${e.reference} from ${e.policyStart}, but effects.csv has no metrics over ${e.policyStart} to ${last} (a run made with this migsim counts them; an older one with --window ${e.policyStart}..${last}), so the rows below are the whole run's.`
      : `${s.scenario} does not differ from ${e.reference} by a dated change within the run's months: it differs from its first month (by its parameters${swept ? " or swept values" : ""}), or not at all, so it has no policy window and the rows below are the whole run's totals.`;
  const main = e.main.length > 0 ? effectLinesTable(e.main, s.scenario, e.reference) : `<p>effects.csv has no rows of these metrics for ${h(s.label)}.</p>`;
  const other = e.other.length === 0 ? "" : `<details><summary>Other metrics of all groups (${e.other.length})</summary>${effectLinesTable(e.other, s.scenario, e.reference)}</details>`;
  const groups = e.groups.length > 0
    ? e.groups.map((g) => groupTable(e, g)).join("\n")
    : e.groupRowCount > 0
      ? `<p>effects.csv has ${h(e.groupRowCount)} rows by group for ${h(s.label)}, none of absconding; they are in effects.csv.</p>`
      : `<p>No rows by nationality or sector in effects.csv for ${h(s.label)}, so no breakdown is shown.</p>`;
  return `<section class="effect"><h3>${h(s.label)} against ${h(e.reference)}</h3>
<p>${h(windowText)}</p>
${main}
${other}
${groups}
</section>`;
}

/** The effects section's text and tables (its figures are added by renderPage). */
function effectsHtml(run: RunData): string {
  const ref = run.baseline.scenario;
  const others = run.series.filter((s) => s.scenario !== ref);
  if (others.length === 0) return `<p>The run has a single scenario (${h(run.baseline.label)}): there is nothing to compare it with.</p>`;
  const sentence = `<p id="effect-intervals">${h(run.manifest.spec.posterior ? POSTERIOR_EFFECT_INTERVALS : EFFECT_INTERVALS)}</p>`;
  if (run.effects === null) {
    return `${sentence}
<p>This run has no <code>effects.csv</code> (a run writes it when it has a scenario named baseline, or the one <code>--reference NAME</code> names, and another scenario), so there are no tables of effects; the charts below compare each scenario with ${h(run.baseline.label)}.</p>`;
  }
  const tables = effectTables(run);
  const cut = others.length > MAX_EFFECT_SERIES ? `<p class="note">The run has ${others.length} scenario and sweep-point series besides ${h(ref)}; tables are shown for the first ${MAX_EFFECT_SERIES}. effects.csv has them all.</p>` : "";
  return `${sentence}
<p>From <code>effects.csv</code>: for each scenario, its mean over the replicates, the mean of ${h(ref)} (the run's reference), the mean paired difference (scenario - ${h(ref)}) with its 95% confidence interval, and the ratio of the two means. Counts (people, person-years) are national figures, the simulated count divided by the scale; rates per 1,000 intern-years are not scaled. The policy window of a scenario runs from the first month it differs from ${h(ref)} to the run's last month, so a policy that starts in a later year is not averaged with the years before it.</p>
${cut}${tables.map(seriesEffectsHtml).join("\n")}`;
}

function summaryTable(run: RunData): string {
  const sweeping = run.sweepColumns.length > 0 || run.summary.some((r) => r.point !== 0);
  const nat = (r: SummaryRow, x: number): number => (isCount(r.unit) && r.scale > 0 ? x / r.scale : x);
  const rows = run.summary.map((r) => {
    // Counts and stocks cannot be negative: their interval is the log-scale one (data.ts,
    // logScaleCi, from summary.csv's n, mean and sd), not summary.csv's symmetric ci95_low/high.
    const { lo, hi } = isCount(r.unit) ? logScaleCi(r.n, r.mean, r.sd) : { lo: r.ci95Low, hi: r.ci95High };
    const ci = Number.isFinite(lo) && Number.isFinite(hi) ? `${formatNumber(nat(r, lo))} to ${formatNumber(nat(r, hi))}` : "-";
    const sweepCells = sweeping ? `<td class="num">${h(r.point)}</td>${run.sweepColumns.map((c) => `<td class="num">${h(r.sweep[c] ?? "")}</td>`).join("")}` : "";
    return `<tr><td>${h(r.scenario)}</td>${sweepCells}<td class="mono">${h(r.metric)}</td><td>${h(UNITS[r.unit] ?? r.unit)}</td><td class="num">${h(r.n)}</td><td class="num">${h(formatNumber(nat(r, r.mean)))}</td><td class="num">${h(ci)}</td><td>${r.enoughReplicates ? "yes" : "no"}</td></tr>`;
  });
  const sweepHead = sweeping ? `<th>point</th>${run.sweepColumns.map((c) => `<th class="mono">${h(c)}</th>`).join("")}` : "";
  const target = run.manifest.spec.ciTarget;
  return `<p>From <code>summary.csv</code>: each headline metric across replicates. Counts (unit "people") are national figures: the simulated count divided by the scale. Their 95% CI is built on the log scale (mean times or divided by exp(t x standard error / mean)), so it never goes below 0; it differs from the symmetric <code>ci95_low</code>, <code>ci95_high</code> of <code>summary.csv</code>, which this table shows for shares and months. The last column says whether <code>summary.csv</code>'s 95% CI half-width is within ${h(target * 100)}% of the mean (the run's <code>--ci-target</code>).</p>
<table class="summary"><thead><tr><th>scenario</th>${sweepHead}<th>metric</th><th>unit</th><th>n</th><th>mean</th><th>95% CI</th><th>CI within target</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table>`;
}

/** The whole page. `charts` carry their rendered SVG; `notes` explain missing or cut charts. */
/** `libraries`: the Vega and Vega-Lite versions the charts were rendered with (chartLibraryVersions). */
export function renderPage(run: RunData, charts: RenderedChart[], notes: string[], libraries: { vega: string; vegaLite: string }): string {
  const names = run.manifest.spec.scenarios.map((s) => s.name);
  const folder = basename(resolve(run.dir));
  const title = `migsim report: ${names.join(", ")}`;
  // Figures are numbered in page order: those beside the effects first.
  const effectCharts = charts.filter((c) => c.section === "effects");
  const otherCharts = charts.filter((c) => c.section !== "effects");
  const figure = (c: RenderedChart, k: number): string => `<figure class="chart" id="${h(c.id)}" aria-labelledby="${h(c.id)}-caption">
${c.svg}
<figcaption id="${h(c.id)}-caption"><strong>Figure ${k + 1}. ${h(c.title)}.</strong> ${h(c.caption)}</figcaption>
</figure>`;
  const effectFigures = effectCharts.map((c, k) => figure(c, k)).join("\n");
  const figures = otherCharts.map((c, k) => figure(c, effectCharts.length + k)).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="migsim ${h(VERSION)}">
<title>${h(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<h1>${h(title)}</h1>
<p class="lead">Run folder <code>${h(folder)}</code>: ${h(run.manifest.spec.replicates)} replicate(s) of ${h(names.length)} scenario(s), root seed ${h(run.manifest.spec.seed)}, finished ${h(run.manifest.finishedAt ?? "-")}.</p>
</header>
<section id="run"><h2>Run</h2>
${identity(run)}
</section>
<section id="scenarios"><h2>Scenarios</h2>
${scenarios(run)}
</section>
<section id="effects"><h2>Effects against ${h(run.baseline.scenario)}</h2>
${effectsHtml(run)}
${effectFigures}
</section>
<section id="charts"><h2>Charts</h2>
<p id="intervals">${h(run.manifest.spec.posterior ? POSTERIOR_INTERVALS : INTERVALS)}</p>${run.manifest.spec.posterior ? `
<p id="posterior">Posterior: <code>${h(run.manifest.spec.posterior.file)}</code> (sha256 ${h(run.manifest.spec.posterior.sha256)}); particle of each replicate: ${h(run.manifest.spec.posterior.draws.join(", "))}.</p>` : ""}
${notes.map((n) => `<p class="note">${h(n)}</p>`).join("\n")}
${figures}
</section>
<section id="summary"><h2>Summary</h2>
${summaryTable(run)}
</section>
<footer>Made by <code>migsim report</code> (migsim ${h(VERSION)}, Vega ${h(libraries.vega)}, Vega-Lite ${h(libraries.vegaLite)}) from <code>${h(folder)}/manifest.json</code>, <code>timeseries.csv</code>, <code>flows.csv</code>${run.effects === null ? " and <code>summary.csv</code>" : ", <code>summary.csv</code> and <code>effects.csv</code>"}. The page is self-contained: it loads no scripts, fonts, styles or data. Column definitions: docs/outputs.md in the migsim repository.</footer>
</main>
</body>
</html>
`;
}
