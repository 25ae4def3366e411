// `migsim report <dir>`: DIR/report.html, a self-contained page with the run's charts (inline
// SVG), manifest and summary table. Prints the paths written.

import { statSync } from "node:fs";
import { join } from "node:path";
import type { Argv, CommandModule } from "yargs";
import { withIoHint } from "../../errors.js";
import { lockFolder } from "../../output/lock.js";
import { writeReport } from "../../report/report.js";

const isFolder = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;

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
      .option("export-svg", {
        type: "string",
        describe: "Also write each chart as an SVG file: into DIR/svg when given alone, or into the folder named (a relative path is relative to the current folder, as usual); the files written are printed",
      }) as unknown as Argv<ReportArgs>,
  handler: async (argv) => {
    // report.html goes into the run folder: not while another migsim process writes there (e.g. run --overwrite).
    // A folder that is not there is left to writeReport, whose message says what was expected.
    const lock = isFolder(argv.dir) ? lockFolder(argv.dir, process.argv.slice(2)) : null;
    try {
      // --export-svg alone (yargs: "") means the run folder's svg/, beside report.html.
      const exportSvg = argv.exportSvg === undefined ? undefined : argv.exportSvg === "" ? join(argv.dir, "svg") : argv.exportSvg;
      const r = await writeReport(argv.dir, exportSvg !== undefined ? { exportSvg } : {});
      for (const p of [r.html, ...r.svgs]) process.stdout.write(`${p}\n`);
    } catch (e) {
      throw withIoHint(e, "The run's files are unchanged: once that is fixed, make the report again.");
    } finally {
      lock?.release();
    }
  },
};
