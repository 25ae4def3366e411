// `migsim report <dir>`: DIR/report.html, a self-contained page with the run's charts (inline
// SVG), manifest and summary table. Prints the paths written.

import type { Argv, CommandModule } from "yargs";
import { writeReport } from "../../report/report.js";

interface ReportArgs {
  dir: string;
  exportSvg?: string;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: "report <dir>",
  describe: "Write DIR/report.html: charts, manifest and summary of a finished run as one self-contained page",
  builder: (y: Argv) =>
    y
      .positional("dir", { type: "string", demandOption: true, describe: "Folder of a complete run (the --out of migsim run)" })
      .option("export-svg", { type: "string", describe: "Also write each chart as an SVG file into this folder" }) as unknown as Argv<ReportArgs>,
  handler: async (argv) => {
    const r = await writeReport(argv.dir, argv.exportSvg !== undefined ? { exportSvg: argv.exportSvg } : {});
    for (const p of [r.html, ...r.svgs]) process.stdout.write(`${p}\n`);
  },
};
