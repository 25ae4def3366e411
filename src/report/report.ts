// `migsim report`: load a complete run folder, build and render the charts, and write
// DIR/report.html (and, on request, each chart as an SVG file), each atomically
// (output/atomic.ts), so a reader never sees half a page.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { writeFileAtomic } from "../output/atomic.js";
import { chartLibraryVersions, renderSvg } from "../output/svg.js";
import { buildCharts } from "./charts.js";
import { loadRun } from "./data.js";
import { type RenderedChart, renderPage } from "./html.js";

export interface ReportOptions {
  /** Also write each chart as <id>.svg into this folder (created if needed). */
  exportSvg?: string;
}

export interface ReportResult {
  html: string;
  svgs: string[];
  charts: RenderedChart[];
}

/** Builds the report of the run in `dir`; returns the paths written. */
export async function writeReport(dir: string, opts: ReportOptions = {}): Promise<ReportResult> {
  const run = await loadRun(dir);
  const { charts, notes } = buildCharts(run);
  const rendered: RenderedChart[] = [];
  for (const c of charts) rendered.push({ ...c, svg: await renderSvg(c.spec) });
  const html = join(dir, "report.html");
  writeFileAtomic(html, renderPage(run, rendered, notes, await chartLibraryVersions()));
  const svgs: string[] = [];
  if (opts.exportSvg !== undefined) {
    try {
      mkdirSync(opts.exportSvg, { recursive: true });
    } catch (e) {
      throw new UserError(`Cannot create the --export-svg folder ${opts.exportSvg}: ${(e as Error).message}.`);
    }
    for (const c of rendered) {
      const path = join(opts.exportSvg, `${c.id}.svg`);
      writeFileAtomic(path, `${c.svg}\n`);
      svgs.push(path);
    }
  }
  return { html, svgs, charts: rendered };
}
