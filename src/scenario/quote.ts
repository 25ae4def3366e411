// User input quoted in error messages, cut to a readable length: a message names the file, the
// key and what was expected, and a 5,000-character key or value must not turn it into a page.

/** Characters of a key or value an error message quotes before it cuts with an ellipsis. */
export const QUOTE_MAX = 200;

/**
 * At most `max` characters of `text` (an ellipsis marks a cut), control characters escaped so the
 * message stays one line.
 */
export function clip(text: string, max = QUOTE_MAX): string {
  // A cut between the two halves of a surrogate pair would leave half a character.
  const cut = text.length > max ? `${text.slice(0, max).replace(/[\uD800-\uDBFF]$/, "")}…` : text;
  // Control characters, line and paragraph separators and bidirectional overrides are shown as
  // escapes: printed raw, they break the message's line or reorder what a terminal shows.
  return cut.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) =>
    c < "\u0020" ? JSON.stringify(c).slice(1, -1) : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** `value` in double quotes, clipped (see clip). */
export function quote(value: unknown, max = QUOTE_MAX): string {
  return `"${clip(String(value), max)}"`;
}

/** A path cut from the front (the file's name is at its end), like clip. */
export function clipPath(path: string, max = QUOTE_MAX): string {
  return path.length > max ? `…${clip(path.slice(-max).replace(/^[\uDC00-\uDFFF]/, ""))}` : clip(path);
}
