// The report page and the `migsim report` command, on a tiny run made here: at least four inline
// SVG charts, the run's identity and summary, escaped text, nothing that could load from the
// network, atomic and repeatable writes, and one-paragraph errors with exit code 2.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "../../src/cli/index.js";
import { PARAMS } from "../../src/model/params.js";
import { buildCharts } from "../../src/report/charts.js";
import { loadRun } from "../../src/report/data.js";
import { INTERVALS, POSTERIOR_INTERVALS, escapeHtml, renderPage } from "../../src/report/html.js";
import { writeReport } from "../../src/report/report.js";
import { TEST_DESCRIPTION, TEST_SCENARIO, TINY_SCALE, makeTinyRun } from "./tiny-run.js";
import { type CliResult, runCli } from "../helpers/cli.js";

/** Every reference in a page that a browser could follow or load, other than SVG/XML namespace URIs. */
function networkReferences(html: string): string[] {
  const found: string[] = [];
  const withoutNamespaces = html.replace(/\bxmlns(:\w+)?="[^"]*"/g, "");
  for (const re of [
    /https?:\/\/[^\s"'<>)]*/gi, // any absolute web URL
    /(?<![\w-])\/\/[a-z0-9.-]+\.[a-z]{2,}/gi, // protocol-relative URL
    /<(script|link|img|iframe|object|embed|audio|video|source|track|base|form|meta\s+http-equiv)\b[^>]*>/gi,
    /\s(src|href|srcset|action|poster|data|xlink:href|background)\s*=/gi,
    /url\s*\(/gi,
    /@import/gi,
    /@font-face/gi,
  ]) {
    for (const m of withoutNamespaces.matchAll(re)) found.push(m[0]);
  }
  return found;
}

type Result = CliResult;
const cli = runCli;

let dir: string;
let html: string;

beforeAll(async () => {
  dir = await makeTinyRun();
  const r = await writeReport(dir);
  html = readFileSync(r.html, "utf8");
}, 120_000);

describe("report.html", () => {
  it("holds at least four inline SVG charts, each in a figure with a caption", () => {
    const svgs = html.match(/<svg\b/g) ?? [];
    expect(svgs.length).toBeGreaterThanOrEqual(4);
    const figures = html.match(/<figure class="chart" id="[a-z-]+"[^>]*>\s*<svg\b/g) ?? [];
    expect(figures.length).toBe(svgs.length);
    expect((html.match(/<figcaption/g) ?? []).length).toBe(svgs.length);
    for (const id of ["stocks-by-status", "abscond-by-nationality", "ti-transfers-returns", "ti-transfers-vs-abscond", "scenarios-vs-baseline", "ti-stock-observed"]) {
      expect(html).toContain(`id="${id}"`);
    }
    expect(html).toContain(`>${TEST_SCENARIO}<`); // a legend entry
  });

  it("references nothing on the network and has no scripts", () => {
    expect(networkReferences(html)).toEqual([]);
    expect(html).not.toMatch(/<script/i);
    // The detector does find what it is for.
    for (const bad of ['<img src="x.png">', '<a href="#top">', "<p>see https://e.org</p>", "<style>@import 'y.css'</style>", "<style>b{background:url(x.png)}</style>",
      '<link rel="stylesheet" href="a.css">', '<script src="a.js"></script>', "<svg><image xlink:href='//cdn.e.org/a.png'/></svg>"]) {
      expect(networkReferences(bad), bad).not.toEqual([]);
    }
    expect(networkReferences('<svg xmlns="http://www.w3.org/2000/svg"></svg>')).toEqual([]);
  });

  it("shows the run's identity, scenarios, parameters and summary table", () => {
    const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { migsim: string; spec: { scenarios: { files: { sha256: string }[] }[] } };
    expect(html).toMatch(/<title>migsim report: baseline, risky<\/title>/);
    expect(html).toContain(`<dt>migsim version</dt><dd>${m.migsim}</dd>`);
    expect(html).toContain("<dt>root seed</dt><dd>7</dd>");
    // The footer names the chart libraries' versions (loaded when the charts are rendered).
    expect(html).toMatch(/Vega \d+\.\d+\.\d+, Vega-Lite \d+\.\d+\.\d+\)/);
    expect(html).toContain("<dt>replicates</dt><dd>2</dd>");
    expect(html).toMatch(/<dt>scale<\/dt><dd>0\.004 /);
    for (const s of m.spec.scenarios) for (const f of s.files) expect(html).toContain(f.sha256);
    // What each scenario changes: risky's own parameters, its value beside the baseline's and
    // the default (the table prints numbers as they are).
    const d = PARAMS.abscondBaseHazardPerMonth.default;
    expect(html).toContain(`<td class="mono">abscondBaseHazardPerMonth</td><td class="num">0.003</td><td class="num">${d}</td><td class="num">${d}</td>`);
    expect(html).toMatch(/<td class="mono">feeShareBorneByWorker<\/td><td class="num">0\.1<\/td><td class="num">1<\/td><td class="num">1<\/td>/);
    // Summary: one table row per summary.csv row, with a 95% CI in national figures.
    const summaryRows = readFileSync(join(dir, "summary.csv"), "utf8").trim().split("\n").length - 1;
    const table = html.slice(html.indexOf('<table class="summary">'));
    expect((table.match(/<tr><td>(baseline|risky)<\/td>/g) ?? []).length).toBe(summaryRows);
    expect(table).toMatch(/<td class="mono">abscond_total<\/td><td>people \(national\)<\/td><td class="num">2<\/td><td class="num">[\d,]+<\/td><td class="num">[\d,.]+ to [\d,.]+<\/td>/);
    expect(html).toMatch(/<footer>[^]*migsim[^]*<\/footer>/);
  });

  it("shows the scale the run simulated, not the scenario file's", () => {
    // The run is at --scale 0.004; the scenario files say 1 (issue 19: "scale 1" for a run at 0.05).
    const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { spec: { scale: number; scenarios: { scale: number }[] } };
    expect(m.spec.scale).toBe(TINY_SCALE);
    expect(m.spec.scenarios.map((s) => s.scale)).toEqual([1, 1]);
    const sections = html.split('<section class="scenario">').slice(1);
    expect(sections).toHaveLength(2);
    for (const s of sections) expect(s).toContain(`simulated at scale ${TINY_SCALE} (the run&#39;s --scale`);
    expect(html).not.toMatch(/\bscale 1(?![\d,.]?\d)/);
  });

  it("describes each scenario by what it changes, its own policy steps apart from the inherited ones", () => {
    const [base, risky] = html.split('<section class="scenario">').slice(1) as [string, string];
    expect(html).not.toContain("All parameters at their defaults");
    // The baseline extends nothing: its policy steps are its own.
    const steps = (html.match(/<td class="mono">2017-11<\/td>/g) ?? []).length;
    expect(steps).toBe(2); // once as the baseline's own, once among risky's inherited steps
    expect(base).toContain("It extends no other scenario file, so it changes the model&#39;s defaults");
    expect(base).toMatch(/Policy steps of its own \(\d+\):/);
    expect(base).toContain("Parameters: none changed from the defaults.");
    // risky extends the baseline, which is in the run: its parameters are its own, no policy step is.
    expect(risky).toContain("It extends baseline (in this run); what it changes from baseline");
    expect(risky).toContain("Policy steps of its own: none.");
    expect(risky).toMatch(/<details><summary>\d+ policy steps inherited from baseline<\/summary>/);
  });

  it("says once what the intervals mean", () => {
    expect(html.split(escapeHtml(INTERVALS))).toHaveLength(2);
    expect(INTERVALS).toMatch(/replicate noise/);
    expect(INTERVALS).toMatch(/common random numbers/);
    expect(INTERVALS).toMatch(/parameter[^.]*fixed/);
    expect(INTERVALS).toMatch(/not include uncertainty about the parameters/);
  });

  it("prints no negative lower bound for a count's 95% CI", () => {
    // summary.csv's own symmetric interval goes below 0 for some counts of this run (2 replicates,
    // small counts), so the check below could fail.
    const rows = readFileSync(join(dir, "summary.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(","));
    expect(rows.filter((r) => r[3] === "agents" && Number(r[7]) < 0).length).toBeGreaterThan(0);
    const table = html.slice(html.indexOf('<table class="summary">'));
    const people = [...table.matchAll(/<td>people \(national\)<\/td><td class="num">\d+<\/td><td class="num">[^<]*<\/td><td class="num">([^<]*)<\/td>/g)].map((m) => m[1]!);
    expect(people.length).toBeGreaterThan(10);
    for (const ci of people) expect(ci).toMatch(/^(-|[\d,.]+ to [\d,.]+)$/);
  });

  it("a run over a posterior says its intervals include the parameters' uncertainty, and names the draws", async () => {
    expect(html).not.toContain(escapeHtml(POSTERIOR_INTERVALS));
    const run = await loadRun(dir);
    run.manifest.spec.posterior = { file: "data/calibration/posterior.csv", sha256: "ab".repeat(32), draws: [7, 3], params: [], particles: [], ownParams: [] };
    const page = renderPage(run, [], [], { vega: "6", vegaLite: "6" });
    expect(page).toContain(escapeHtml(POSTERIOR_INTERVALS));
    expect(page).not.toContain(escapeHtml(INTERVALS));
    expect(page).toMatch(/particle of each replicate: 7, 3/);
    expect(POSTERIOR_INTERVALS).toMatch(/parameters&#39;|parameters'/);
  });

  it("escapes text from the run", async () => {
    expect(html).toContain(escapeHtml(TEST_DESCRIPTION));
    expect(html).not.toContain(TEST_DESCRIPTION);
    expect(escapeHtml(`<a href="x">&'`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    const run = await loadRun(dir);
    run.manifest.spec.scenarios[0]!.description = "</p><script>alert(1)</script>";
    run.manifest.spec.scenarios[0]!.policy[0]!.note = '<img src="https://e.org/x.png">';
    const page = renderPage(run, [], [], { vega: "6", vegaLite: "6" });
    expect(page).not.toMatch(/<script|<img/);
    expect(page).toContain("&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("is written atomically and the same run gives the same bytes", async () => {
    expect(readdirSync(dir).filter((f) => f.includes(".tmp") || f.startsWith("report.html."))).toEqual([]);
    await writeReport(dir);
    expect(readFileSync(join(dir, "report.html"), "utf8")).toBe(html);
  });
});

describe("migsim report", () => {
  it("writes DIR/report.html and prints its path; --export-svg writes each chart", async () => {
    const svgDir = join(dir, "..", "svg");
    const r = await cli("report", dir, "--export-svg", svgDir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const paths = r.stdout.trim().split("\n");
    expect(paths[0]).toBe(join(dir, "report.html"));
    expect(paths.slice(1)).toEqual(buildCharts(await loadRun(dir)).charts.map((c) => join(svgDir, `${c.id}.svg`)));
    for (const p of paths.slice(1)) {
      const svg = readFileSync(p, "utf8");
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(networkReferences(svg)).toEqual([]);
    }
  });

  it("a missing folder, a folder without a run, a missing CSV: exit code 2 and one paragraph naming it", async () => {
    for (const [target, pattern] of [
      [join(dir, "nope"), /^migsim: Run folder \S*nope does not exist/],
      [join(dir, ".."), /manifest\.json is missing/],
    ] as const) {
      const r = await cli("report", target);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr.trim()).not.toMatch(/\n/);
      expect(r.stderr).not.toContain("    at ");
    }
    expect(existsSync(join(dir, "..", "report.html"))).toBe(false);
    const r = await cli("report");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^migsim: .*--help/);
  });

  it("is listed in the help", async () => {
    const help = await buildCli([]).getHelp();
    expect(help).toMatch(/migsim report <dir>/);
  });
});

