// Which flags the user typed, as opposed to the values yargs filled in from defaults: `run --resume`
// must tell `--seed 1` (to check against the run's seed) from no --seed at all. buildCli records the
// arguments as typed on the parsed arguments (a symbol key, so yargs' strict mode does not see it).

const TYPED = Symbol("migsim: the arguments as typed");

/** Records `raw` (the command line as typed) on yargs' parsed arguments. */
export function recordTyped(parsed: object, raw: readonly string[]): void {
  (parsed as Record<symbol, unknown>)[TYPED] = raw;
}

/**
 * The flags typed on the command line, by their dashed name (`--ci-target 0.1` and
 * `--no-events` give "ci-target" and "events"), up to a "--". Empty when nothing was recorded.
 */
export function typedFlags(parsed: object): Set<string> {
  const raw = (parsed as Record<symbol, unknown>)[TYPED];
  const flags = new Set<string>();
  if (!Array.isArray(raw)) return flags;
  for (const token of raw as string[]) {
    if (token === "--") break;
    const m = /^--(?:no-)?([^=]+)/.exec(token);
    if (m) flags.add(m[1]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
  }
  return flags;
}
