// Vega-Lite specs rendered to SVG strings in Node by Vega's headless renderer (renderer "none": no
// canvas, no DOM) with a loader that refuses every URL, so a chart can never fetch anything. Used
// by the run report (report/) and the fit report (calibrate/fit.ts).

// Vega and Vega-Lite are imported when a chart is rendered, not when the CLI starts: loading them
// took about 0.3 s of every command's start-up, `migsim run` included.
import type { Loader } from "vega";
import type { TopLevelSpec } from "vega-lite";

/** The Vega and Vega-Lite versions the charts are rendered with (for the page's footer). */
export async function chartLibraryVersions(): Promise<{ vega: string; vegaLite: string }> {
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  return { vega: vega.version, vegaLite: vegaLite.version };
}

/** A Vega loader that refuses every load and records what was asked for: charts carry their data inline. */
function offlineLoader(vegaLoader: () => Loader, refused: string[]): Loader {
  const l = vegaLoader();
  const refuse = (uri: string): Promise<never> => {
    refused.push(String(uri));
    return Promise.reject(new Error(`migsim charts are self-contained; refusing to load ${uri}`));
  };
  l.load = refuse;
  l.sanitize = refuse;
  l.http = refuse;
  l.file = refuse;
  return l;
}

/** Renders a Vega-Lite spec to an SVG string (headless: no canvas, no network); throws if the spec asks to load anything. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [{ View, parse, loader }, { compile }] = await Promise.all([import("vega"), import("vega-lite")]);
  const refused: string[] = [];
  const view = new View(parse(compile(spec).spec), { renderer: "none", loader: offlineLoader(loader, refused) });
  try {
    const svg = await view.toSVG();
    if (refused.length > 0) throw new Error(`a chart asked to load ${refused.join(", ")}; charts must carry their data inline`);
    return svg;
  } finally {
    view.finalize();
  }
}
