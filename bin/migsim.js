#!/usr/bin/env node
// Entry point of the `migsim` command: runs the compiled CLI in dist/ (built by `npm install`).
import { existsSync } from "node:fs";

const cli = new URL("../dist/cli/index.js", import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write("migsim: dist/ is missing: run `npm install` (or `npm run build`) in the migsim folder first.\n");
  process.exit(2);
}
const { main, exitQuietlyOnClosedPipes } = await import(cli.href);
// `migsim schema | head`: exit quietly (0) when the reader closes stdout.
exitQuietlyOnClosedPipes?.();
process.exitCode = await main(process.argv.slice(2));
