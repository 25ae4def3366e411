// Quoting user input in errors: at most QUOTE_MAX characters, an ellipsis where cut, one line.

import { describe, expect, it } from "vitest";
import { QUOTE_MAX, clip, clipPath, quote } from "../../src/scenario/quote.js";

describe("clip and quote", () => {
  it.each([
    { name: "short text unchanged", input: "params", clipped: "params" },
    { name: "exactly the limit unchanged", input: "a".repeat(QUOTE_MAX), clipped: "a".repeat(QUOTE_MAX) },
    { name: "one over the limit cut with an ellipsis", input: "a".repeat(QUOTE_MAX + 1), clipped: `${"a".repeat(QUOTE_MAX)}…` },
    { name: "5,000 characters cut to the limit", input: "k".repeat(5000), clipped: `${"k".repeat(QUOTE_MAX)}…` },
    { name: "a newline escaped (the message stays one line)", input: "a\nb\tc", clipped: "a\\nb\\tc" },
    { name: "line separators, C1 controls and bidi overrides escaped", input: "pa\u2028r\u0085a\u202em", clipped: "pa\\u2028r\\u0085a\\u202em" },
    { name: "no half of a surrogate pair at the cut", input: `${"a".repeat(QUOTE_MAX - 1)}😀`, clipped: `${"a".repeat(QUOTE_MAX - 1)}…` },
  ])("$name", ({ input, clipped }) => {
    expect(clip(input)).toBe(clipped);
    expect(quote(input)).toBe(`"${clipped}"`);
  });

  it("quote takes any value", () => {
    expect(quote(12)).toBe('"12"');
    expect(quote(["1", "2"])).toBe('"1,2"');
  });

  it("clipPath keeps the end of a path, where the file's name is", () => {
    expect(clipPath("scenarios/baseline.yaml")).toBe("scenarios/baseline.yaml");
    const long = `${"d/".repeat(300)}file.yaml`;
    expect(clipPath(long)).toBe(`…${long.slice(-QUOTE_MAX)}`);
    expect(clipPath(long).endsWith("/file.yaml")).toBe(true);
  });
});
