// Turns a resolved scenario plus run options into the model's inputs: month-by-month series,
// the policy timeline in month indices, and the initial and entry tables from data/inputs.

import { UserError } from "../errors.js";
import { NATIONALITY_CODES, NATIONALITY_COUNT, SECTOR_CODES, STATUS_CODES, isExit } from "../model/codes.js";
import { ENTRY_KINDS, type ModelInputs, type MonthlySeries, SERIES_NAMES, type SeriesName, formatMonth, parseMonth } from "../model/inputs.js";
import { type Row, num, readTable } from "./data.js";
import { type ResolvedScenario, normaliseSeriesDates } from "./load.js";

/** How a series fills the months between its points. */
export const SERIES_INTERPOLATION: Record<SeriesName, "step" | "linear"> = {
  jobOpeningsRatio: "step",
  yenValueIndex: "linear",
  wageIndex: "step",
  tiEntriesPerYear: "step",
  ssw1EntriesPerYear: "step",
  sieEntriesPerYear: "step",
  studentStock: "step",
  studentToSieSharePerYear: "step",
  ssw1StockCap: "step",
  underpayingEmployerIndex: "step",
};

export interface RunOptions {
  /** Overrides the scenario's scale. */
  scale?: number;
  /** Overrides the scenario's end month (YYYY-MM). */
  until?: string;
}

const ENTRY_KIND_CODES = ["TI", "SSW1", "SIE", "SIE_STUDENT"] as const;

function indexOf(codes: readonly string[], value: string | undefined, what: string, table: string): number {
  const k = value === undefined ? -1 : codes.indexOf(value);
  if (k < 0) throw new UserError(`Input table data/inputs/${table}: unknown ${what} "${value ?? ""}", expected one of ${codes.join(", ")}.`);
  return k;
}

const monthOfDate = (d: string): number => (d.length === 4 ? Number(d) * 12 : parseMonth(d));

/** Default series points (data/inputs/series.csv) with the scenario's points over them. */
export function seriesPoints(scenario: ResolvedScenario): Record<SeriesName, Record<string, number>> {
  const out = Object.fromEntries(SERIES_NAMES.map((k) => [k, {}])) as Record<SeriesName, Record<string, number>>;
  for (const row of readTable("series.csv")) {
    const name = row.series as SeriesName;
    if (!SERIES_NAMES.includes(name)) throw new UserError(`Input table data/inputs/series.csv: unknown series "${row.series}".`);
    Object.assign(out[name], normaliseSeriesDates({ [row.date!]: num(row, "value", "series.csv") }));
  }
  for (const name of SERIES_NAMES) Object.assign(out[name], normaliseSeriesDates(scenario.series[name] ?? {}));
  return out;
}

/** Expands dated points to one value per month from startAbs for `months` months. */
export function expandSeries(points: Record<string, number>, kind: "step" | "linear", startAbs: number, months: number): Float64Array {
  const pts = Object.entries(points).map(([d, v]) => [monthOfDate(d), v] as const).sort((a, b) => a[0] - b[0]);
  const out = new Float64Array(months);
  if (pts.length === 0) return out;
  for (let t = 0; t < months; t++) {
    const m = startAbs + t;
    let k = 0;
    while (k < pts.length && pts[k]![0] <= m) k++;
    // pts[k - 1] is the last point at or before m; pts[k] the first after.
    const before = pts[k - 1];
    const after = pts[k];
    if (!before) out[t] = after![1];
    else if (!after || kind === "step") out[t] = before[1];
    else out[t] = before[1] + ((after[1] - before[1]) * (m - before[0])) / (after[0] - before[0]);
  }
  return out;
}

function normaliseRows(shares: Float64Array, rows: number, cols: number, table: string): void {
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += shares[r * cols + c]!;
    if (sum <= 0) throw new UserError(`Input table data/inputs/${table}: shares of ${ENTRY_KIND_CODES[r]} sum to 0.`);
    for (let c = 0; c < cols; c++) shares[r * cols + c] = shares[r * cols + c]! / sum;
  }
}

/** An entry-kind x category table of shares, each kind's row normalised to 1. */
function readEntryShares(table: string, column: string, codes: readonly string[]): Float64Array {
  const shares = new Float64Array(ENTRY_KINDS * codes.length);
  for (const row of readTable(table)) {
    const k = indexOf(ENTRY_KIND_CODES, row.kind, "entry kind", table);
    const c = indexOf(codes, row[column], column, table);
    shares[k * codes.length + c] = num(row, "share", table);
  }
  normaliseRows(shares, ENTRY_KINDS, codes.length, table);
  return shares;
}

/**
 * The nationality mixes of entrants (entry_nationality.csv): rows with an empty `from` hold from
 * the beginning; rows with `from` YYYY-MM replace the mix of the kinds they list from that month
 * on (other kinds keep theirs). Returns the mix in force at startAbs and the later ones.
 */
function readNationalityMixes(startAbs: number): { atStart: Float64Array; later: { month: number; shares: Float64Array }[] } {
  const table = "entry_nationality.csv";
  const nats = NATIONALITY_CODES.length;
  const byMonth = new Map<number, Row[]>();
  for (const row of readTable(table) as Row[]) {
    let month = -Infinity;
    if ((row.from ?? "") !== "") {
      try {
        month = parseMonth(row.from!);
      } catch {
        throw new UserError(`Input table data/inputs/${table}: from "${row.from}" is not a month (expected YYYY-MM, or empty for the first mix).`);
      }
    }
    byMonth.set(month, [...(byMonth.get(month) ?? []), row]);
  }
  const months = [...byMonth.keys()].sort((a, b) => a - b);
  if (months[0] !== -Infinity) throw new UserError(`Input table data/inputs/${table}: no rows with an empty 'from' (the mix that holds from the beginning).`);
  const mixes: { month: number; shares: Float64Array }[] = [];
  let prev = new Float64Array(ENTRY_KINDS * nats);
  for (const month of months) {
    const shares = prev.slice();
    const rows = byMonth.get(month)!;
    const kinds = new Set(rows.map((r) => indexOf(ENTRY_KIND_CODES, r.kind, "entry kind", table)));
    for (const k of kinds) shares.fill(0, k * nats, (k + 1) * nats);
    for (const r of rows) shares[indexOf(ENTRY_KIND_CODES, r.kind, "entry kind", table) * nats + indexOf(NATIONALITY_CODES, r.nationality, "nationality", table)] = num(r, "share", table);
    normaliseRows(shares, ENTRY_KINDS, nats, table);
    mixes.push({ month, shares });
    prev = shares;
  }
  const atStart = [...mixes].reverse().find((m) => m.month <= startAbs)!.shares;
  const later = mixes.filter((m) => m.month > startAbs).map((m) => ({ month: m.month - startAbs, shares: m.shares }));
  return { atStart, later };
}

/** Each nationality's home currency (OTHER: the geometric mean of the six indexes, an assumption). */
const CURRENCY_OF_NATIONALITY: Partial<Record<(typeof NATIONALITY_CODES)[number], string>> = {
  VN: "VND", CN: "CNY", ID: "IDR", PH: "PHP", MM: "MMK", KH: "KHR",
};
/** Years whose mean rate is each currency's reference (index 1); a currency lacking some of them (MMK: no rates for 2021-2022) takes the mean of those it has. */
const FX_REFERENCE_YEARS = [2017, 2021] as const;

/**
 * The yen's value in each home currency for each month of the run, over its 2017-2021 mean, from
 * the annual averages of exchange_rates_annual.csv placed at each year's July (linear between
 * them, held outside them).
 */
function readYenValueByNationality(startAbs: number, months: number): Float64Array {
  const table = "exchange_rates_annual.csv";
  const points = new Map<string, [number, number][]>();
  for (const row of readTable(table) as Row[]) {
    const year = num(row, "year", table);
    if (!Number.isInteger(year)) throw new UserError(`Input table data/inputs/${table}: year "${row.year}" is not a whole year.`);
    const v = num(row, "per_jpy", table);
    if (!(v > 0)) throw new UserError(`Input table data/inputs/${table}: per_jpy "${row.per_jpy}" of ${row.currency} ${year} is not a positive rate.`);
    const list = points.get(row.currency ?? "") ?? [];
    list.push([year * 12 + 6, v]);
    points.set(row.currency ?? "", list);
  }
  const out = new Float64Array(months * NATIONALITY_COUNT);
  const other = NATIONALITY_CODES.indexOf("OTHER");
  NATIONALITY_CODES.forEach((code, nat) => {
    const currency = CURRENCY_OF_NATIONALITY[code];
    if (currency === undefined) return;
    const list = (points.get(currency) ?? []).sort((a, b) => a[0] - b[0]);
    const ref = list.filter(([m]) => m >= FX_REFERENCE_YEARS[0] * 12 && m < (FX_REFERENCE_YEARS[1] + 1) * 12).map(([, v]) => v);
    if (ref.length === 0) {
      throw new UserError(`Input table data/inputs/${table}: no ${currency} rate for ${FX_REFERENCE_YEARS.join("-")}, the reference years of the yen's value (expected a row per year and currency).`);
    }
    const refRate = ref.reduce((a, b) => a + b, 0) / ref.length;
    const monthly = expandSeries(Object.fromEntries(list.map(([m, v]) => [formatMonth(m), v / refRate])), "linear", startAbs, months);
    for (let t = 0; t < months; t++) out[t * NATIONALITY_COUNT + nat] = monthly[t]!;
  });
  for (let t = 0; t < months; t++) {
    let logSum = 0;
    for (let nat = 0; nat < NATIONALITY_COUNT; nat++) if (nat !== other) logSum += Math.log(out[t * NATIONALITY_COUNT + nat]!);
    out[t * NATIONALITY_COUNT + other] = Math.exp(logSum / (NATIONALITY_COUNT - 1));
  }
  return out;
}

export function buildInputs(scenario: ResolvedScenario, options: RunOptions = {}): ModelInputs {
  const startAbs = parseMonth(scenario.start);
  const endAbs = parseMonth(options.until ?? scenario.end);
  if (endAbs < startAbs) {
    throw new UserError(`--until ${options.until}: must not be before the scenario's start (${scenario.start}).`);
  }
  const months = endAbs - startAbs + 1;
  const points = seriesPoints(scenario);
  const series = Object.fromEntries(
    SERIES_NAMES.map((k) => [k, expandSeries(points[k], SERIES_INTERPOLATION[k], startAbs, months)]),
  ) as unknown as MonthlySeries;

  const initialStock = new Float64Array(STATUS_CODES.length * NATIONALITY_COUNT);
  for (const row of readTable("initial_stock.csv")) {
    const st = indexOf(STATUS_CODES, row.status, "status", "initial_stock.csv");
    if (isExit(st)) throw new UserError(`Input table data/inputs/initial_stock.csv: ${row.status} is an exit, not a stock.`);
    const nat = indexOf(NATIONALITY_CODES, row.nationality, "nationality", "initial_stock.csv");
    initialStock[st * NATIONALITY_COUNT + nat] = num(row, "count", "initial_stock.csv");
  }
  const nationalityMixes = readNationalityMixes(startAbs);
  const entrySectorShare = readEntryShares("entry_sector.csv", "sector", SECTOR_CODES);
  const debtYenByNationality = new Float64Array(NATIONALITY_COUNT);
  const borrowedShareByNationality = new Float64Array(NATIONALITY_COUNT);
  const feeYenByNationality = new Float64Array(NATIONALITY_COUNT);
  for (const row of readTable("recruitment_costs.csv") as Row[]) {
    const nat = indexOf(NATIONALITY_CODES, row.nationality, "nationality", "recruitment_costs.csv");
    debtYenByNationality[nat] = num(row, "debt_yen", "recruitment_costs.csv");
    borrowedShareByNationality[nat] = num(row, "borrowed_share", "recruitment_costs.csv");
    feeYenByNationality[nat] = num(row, "fee_yen", "recruitment_costs.csv");
  }
  return {
    startMonthAbs: startAbs,
    months,
    scale: options.scale ?? scenario.scale,
    params: { ...scenario.params },
    policy: scenario.policy.map((p) => ({ month: parseMonth(p.from) - startAbs, set: { ...p.set } })),
    series,
    initialStock,
    entryNationalityShare: nationalityMixes.atStart,
    entryNationalityShareFrom: nationalityMixes.later,
    entrySectorShare,
    debtYenByNationality,
    borrowedShareByNationality,
    feeYenByNationality,
    yenValueByNationality: readYenValueByNationality(startAbs, months),
  };
}
