// The project's input tables (data/inputs/*.csv, each row with its source), read once.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { UserError } from "../errors.js";

/** data/ at the package root (the same depth from src/ and dist/). */
export const DATA_DIR = fileURLToPath(new URL("../../data/", import.meta.url));

export type Row = Record<string, string>;

export function readTable(name: string): Row[] {
  const path = `${DATA_DIR}inputs/${name}`;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new UserError(`Input table ${path} is missing: the installation is incomplete (data/ ships with migsim).`);
  }
  return parse(text, { columns: true, skip_empty_lines: true }) as Row[];
}

export function num(row: Row, col: string, table: string): number {
  const v = Number(row[col]);
  if (row[col] === undefined || row[col] === "" || !Number.isFinite(v)) {
    throw new UserError(`Input table data/inputs/${table}: column ${col} must be a number, got "${row[col] ?? ""}".`);
  }
  return v;
}
