// The checkpoint file is read line by line in 1 MiB chunks (run/experiment.ts fileLines), not as one
// string, so that --resume and merge of tens of thousands of tasks stay under V8's longest string.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fileLines } from "../../src/run/experiment.js";

const dir = mkdtempSync(join(tmpdir(), "migsim-lines-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("fileLines", () => {
  it("gives every line and the byte offset after it, across chunk boundaries and multi-byte characters", () => {
    // Lines of 1,000 to 400,000 bytes, with a 3-byte character, so that lines and characters straddle the 1 MiB chunks.
    const lines = Array.from({ length: 12 }, (_, k) => `${k}:${"x".repeat(1000 + ((k * 97_531) % 400_000))}\u5e74${k}`);
    const text = `${lines.join("\n")}\n`;
    const path = join(dir, "a.jsonl");
    writeFileSync(path, text);
    const got = [...fileLines(path)];
    expect(got.map((l) => l.text)).toEqual(lines);
    let end = 0;
    expect(got.map((l) => l.end)).toEqual(lines.map((l) => (end += Buffer.byteLength(l) + 1)));
    expect(got[got.length - 1]!.end).toBe(Buffer.byteLength(text));
  });

  it("gives a last line without its newline an end one byte past the file (its newline is then added back), and nothing for an empty file", () => {
    const path = join(dir, "b.jsonl");
    writeFileSync(path, "one\ntwo");
    expect([...fileLines(path)]).toEqual([{ text: "one", end: 4 }, { text: "two", end: 8 }]);
    writeFileSync(path, "");
    expect([...fileLines(path)]).toEqual([]);
  });
});
