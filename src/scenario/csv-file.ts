// Reading a CSV file a user names on the command line (a --posterior or a --design): the checks and
// error messages both share, so each reader only checks its own columns and cells.

import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { UserError } from "../errors.js";
import { clip } from "./quote.js";

/** A CSV record with the line it ends on (csv-parse's info). */
export type CsvRecord = { record: string[]; info: { lines: number } };

/**
 * The file's sha256 and its records (empty lines skipped, a BOM dropped), or a one-paragraph
 * UserError: `label` names the file ("Posterior FILE"), `hint` says what is expected (after a
 * missing file, a folder or another kind of file), `maxBytes` caps its size, `kind` names it in the
 * size error and `rows` says what one line after the header holds.
 */
export function readCsvFile(file: string, o: { label: string; hint: string; maxBytes: number; kind: string; rows: string }): { sha256: string; records: CsvRecord[] } {
  const { label, hint } = o;
  let buf: Buffer;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new UserError(`${label} is a folder; ${hint}.`);
    if (!st.isFile()) throw new UserError(`${label} is not a regular file; ${hint}.`);
    if (st.size > o.maxBytes) throw new UserError(`${label} is larger than ${o.maxBytes} bytes (${o.maxBytes / (1 << 20)} MiB), the most a ${o.kind} file may have.`);
    buf = readFileSync(file);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new UserError(`${label} does not exist; ${hint}.`);
    throw new UserError(`Cannot read ${label.charAt(0).toLowerCase()}${label.slice(1)}: ${code ?? (e as Error).message}.`);
  }
  const sha256 = createHash("sha256").update(buf).digest("hex");
  try {
    return { sha256, records: parse(buf.toString("utf8"), { info: true, skip_empty_lines: true, bom: true }) as unknown as CsvRecord[] };
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw new UserError(`${label} is not a valid CSV${line ? ` (line ${line})` : ""}: ${clip((e as Error).message.split("\n")[0]!)}; expected a header, then ${o.rows} per line with as many cells as the header.`);
  }
}
