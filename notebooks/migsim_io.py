"""Shared helpers for the migsim analysis notebooks (pandas + matplotlib, nothing else).

Which run is analysed:

* ``MIGSIM_OUTPUT`` (environment variable) names the run folder. A relative path is tried
  against the current directory first, then against the repository root.
* Otherwise: the newest folder directly under ``<repo>/output/`` whose ``manifest.json`` says
  ``"complete": true`` (newest by the manifest's ``finishedAt``, then by modification time).

Typical use in a notebook::

    import migsim_io as mio
    run = mio.load_run()          # finds, checks and describes the run
    ts = run.timeseries()         # timeseries.csv + columns variant, year, scale
    nat = mio.national(ts)        # counts / scale = national figures

Conventions (see docs/outputs.md for the columns):

* A *variant* is a scenario, or ``scenario#point`` when the scenario sweeps parameters. The
  notebooks compare variants; ``run.variants`` keeps the command-line order.
* Counts are simulated agents; ``national()`` divides them by the scale of their scenario
  (``spec.scale``, or the scenario's own ``scale`` when ``spec.scale`` is null).
* Replicates of different scenarios share their seeds (common random numbers), so they are
  paired on ``seed``.
* Events come from ``events.csv``, or from the ``events/`` folder of Parquet files of a run made
  with ``--events --events-format parquet``, which ``run.events()`` reads with pandas and pyarrow
  (when pyarrow is installed; Debian 12 does not package it: ``pip install pyarrow``).
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
IN_JAPAN = ["TI", "SSW1", "SSW2", "SIE", "IRREGULAR", "ASYLUM", "PR", "DETAINED", "PROVISIONAL", "DESIGNATED"]
EXITS = ["RETURNED", "ONWARD", "DEPORTED", "SUBSIDIARY"]
STATUSES = IN_JAPAN + EXITS
NATIONALITIES = ["VN", "CN", "ID", "PH", "MM", "KH", "OTHER"]
STATUS_EVENTS = ["entry", "abscond", "transfer", "return", "onward", "deport", "asylum", "detain", "release", "permit"]

STATUS_COLORS = {
    "TI": "#1f77b4", "SSW1": "#ff7f0e", "SSW2": "#d62728", "SIE": "#2ca02c",
    "IRREGULAR": "#7f7f7f", "ASYLUM": "#9467bd", "PR": "#8c564b",
    "DETAINED": "#393b79", "PROVISIONAL": "#637939", "DESIGNATED": "#8c6d31",
    "RETURNED": "#bcbd22", "ONWARD": "#17becf", "DEPORTED": "#e377c2", "SUBSIDIARY": "#843c39",
}
NAT_COLORS = dict(zip(NATIONALITIES, ["#d62728", "#1f77b4", "#2ca02c", "#9467bd",
                                      "#ff7f0e", "#8c564b", "#7f7f7f"]))


class RunNotFound(RuntimeError):
    """No usable run folder."""


# --------------------------------------------------------------------------- finding the run

def _manifest(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return None


def find_run(path: str | os.PathLike | None = None) -> Path:
    """The run folder: ``path``, else ``$MIGSIM_OUTPUT``, else the newest complete run."""
    given = path if path is not None else os.environ.get("MIGSIM_OUTPUT") or None
    if given is not None:
        p = Path(given).expanduser()
        candidates = [p] if p.is_absolute() else [Path.cwd() / p, REPO / p]
        for c in candidates:
            if (c / "manifest.json").is_file():
                return c.resolve()
        raise RunNotFound(
            f"MIGSIM_OUTPUT={given!r}: no manifest.json in {' or '.join(str(c) for c in candidates)}. "
            "Point it at a folder written by `migsim run`.")
    out = REPO / "output"
    runs = []
    for d in sorted(out.iterdir()) if out.is_dir() else []:
        m = _manifest(d) if d.is_dir() else None
        if m and m.get("complete") is True:
            runs.append((str(m.get("finishedAt") or ""), d.stat().st_mtime, d))
    if not runs:
        raise RunNotFound(
            f"No complete run under {out} and MIGSIM_OUTPUT is not set. Make one, e.g.\n"
            "  node bin/migsim.js run scenarios/baseline.yaml --replicates 3 --scale 0.01 --events\n"
            "or set MIGSIM_OUTPUT to a run folder.")
    return max(runs)[2].resolve()


def load_run(path: str | os.PathLike | None = None, quiet: bool = False) -> "Run":
    """Find the run (see ``find_run``), check it and print a one-paragraph description."""
    run = Run(find_run(path))
    if not quiet:
        run.describe()
    return run


# --------------------------------------------------------------------------- the run

class Run:
    """One output folder: its manifest and lazily loaded, cached CSVs."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.manifest = _manifest(self.path)
        if self.manifest is None:
            raise RunNotFound(f"{self.path}/manifest.json is missing or not JSON")
        if self.manifest.get("complete") is not True:
            raise RunNotFound(
                f"{self.path} is an incomplete run (manifest complete: false): finish it with "
                f"`node bin/migsim.js run --resume {self.path}` first.")
        if not (self.path / "timeseries.csv").is_file():
            raise RunNotFound(f"{self.path}/timeseries.csv is missing")
        spec = self.manifest["spec"]
        self.spec = spec
        self.scenarios = [s["name"] for s in spec["scenarios"]]
        self.scales = {s["name"]: float(spec["scale"] if spec.get("scale") is not None else s["scale"])
                       for s in spec["scenarios"]}
        tasks = self.manifest.get("tasks", [])
        self.replicates = int(spec.get("replicates") or 1)
        # variants in command-line order; scenario#point when a scenario has several points
        points: dict[str, list[int]] = {}
        self.sweep_values: dict[str, dict] = {}
        for t in tasks:
            pts = points.setdefault(t["scenario"], [])
            if t["point"] not in pts:
                pts.append(t["point"])
        self._multi = {s for s, p in points.items() if len(p) > 1}
        self.variants = []
        for s in self.scenarios:
            for p in points.get(s, [0]):
                v = self.variant_name(s, p)
                self.variants.append(v)
                self.sweep_values[v] = next((t.get("sweep") or {} for t in tasks
                                             if t["scenario"] == s and t["point"] == p), {})
        self.variant_scales = {self.variant_name(t["scenario"], t["point"]): self.scales[t["scenario"]]
                               for t in tasks}
        self.replicate_ids = sorted({int(t["replicate"]) for t in tasks}) or [1]
        # one row per task: variant, scenario, point, replicate, seed
        self.tasks = pd.DataFrame([{"variant": self.variant_name(t["scenario"], t["point"]),
                                    "scenario": t["scenario"], "point": t["point"],
                                    "replicate": int(t["replicate"]), "seed": int(t["seed"])} for t in tasks])
        self.baseline = "baseline" if "baseline" in self.variants else self.variants[0]
        # events.csv, or with --events-format parquet the events/ folder (one file per task, in task
        # order in the manifest's outputs).
        self.events_files = [self.path / o["file"] for o in self.manifest.get("outputs", [])
                             if str(o.get("file", "")).startswith("events/") and str(o["file"]).endswith(".parquet")]
        self.events_format = ("csv" if (self.path / "events.csv").is_file()
                              else "parquet" if self.events_files else None)
        self.has_events = self.events_format is not None
        # Why events() returned None, in words (for the notebooks to print).
        self.events_note = ("" if self.has_events else
                            "this run was made without --events, so it has no events.csv or events/ folder")
        self._cache: dict[str, pd.DataFrame] = {}

    def variant_name(self, scenario: str, point: int) -> str:
        return f"{scenario}#{point}" if scenario in self._multi else scenario

    def describe(self) -> None:
        """Print what was run: folder, scenarios, replicates, scale, months, events."""
        print(f"Run:        {self.path}")
        print(f"Command:    migsim {' '.join(self.manifest.get('command', []))}")
        print(f"Finished:   {self.manifest.get('finishedAt')}   (migsim {self.manifest.get('migsim')})")
        print(f"Variants:   {', '.join(self.variants)}   (baseline for comparisons: {self.baseline})")
        for v, sw in self.sweep_values.items():
            if sw:
                print(f"            {v}: {sw}")
        print(f"Replicates: {self.replicates} per variant, root seed {self.spec.get('seed')}")
        print("Scale:      " + ", ".join(f"{s} {x:g} (1 agent = {1 / x:,.0f} people)"
                                         for s, x in self.scales.items()))
        print("Events:     " + ("events.csv" if self.events_format == "csv" else
                                 f"events/ ({len(self.events_files)} Parquet files; reading them needs pyarrow: "
                                 f"{'installed' if have_pyarrow() else 'not installed'})" if self.events_format == "parquet" else
                                 "no (run without --events)"))
        print(f"Python:     {sys.executable} {sys.version.split()[0]}, pandas {pd.__version__}")

    # ---- loaders
    def _read(self, name: str, **kw) -> pd.DataFrame:
        # keep_default_na=False: an empty `from` stays "" rather than NaN
        df = pd.read_csv(self.path / name, keep_default_na=False, **kw)
        for c in ("count", "month", "replicate", "point", "seed"):
            if c in df.columns:
                df[c] = pd.to_numeric(df[c])
        return df

    def _decorate(self, df: pd.DataFrame) -> pd.DataFrame:
        df["variant"] = [self.variant_name(s, p) for s, p in zip(df["scenario"], df["point"])] \
            if self._multi else df["scenario"]
        df["scale"] = df["scenario"].map(self.scales)
        if "date" in df.columns:
            df["year"] = df["date"].str.slice(0, 4).astype(int)
        return df

    def timeseries(self) -> pd.DataFrame:
        """timeseries.csv (end-of-month stocks, cumulative exits) + variant, year, scale."""
        if "ts" not in self._cache:
            self._cache["ts"] = self._decorate(self._read("timeseries.csv"))
        return self._cache["ts"]

    def flows(self) -> pd.DataFrame:
        """flows.csv (events per month, non-zero cells; `from` is "" for entries)."""
        if "flows" not in self._cache:
            self._cache["flows"] = self._decorate(self._read("flows.csv"))
        return self._cache["flows"]

    def summary(self) -> pd.DataFrame:
        """summary.csv, with a `variant` column; sd/CI are NaN when n = 1."""
        if "summary" not in self._cache:
            df = pd.read_csv(self.path / "summary.csv")
            df["variant"] = [self.variant_name(s, p) for s, p in zip(df["scenario"], df["point"])]
            self._cache["summary"] = df
        return self._cache["summary"]

    def events(self, max_replicates: int | None = None, chunksize: int = 2_000_000) -> pd.DataFrame | None:
        """The run's events (events.csv, or the events/ Parquet files), or None when it has none
        (``events_note`` then says why: no --events, or Parquet events without pyarrow).

        Read in chunks with compact dtypes; ``max_replicates`` keeps only replicates 1..N of each
        variant (events.csv grows with the scale: about 11 M rows per task at scale 1). Parquet
        events have the same columns (``from`` is "" for an entry from abroad, as in the CSV) and
        also ``sector``, ``region``, ``size`` ("" without an employer), ``age_years`` and
        ``months_in_japan``."""
        if not self.has_events:
            return None
        if self.events_format == "parquet":
            return self._events_parquet(max_replicates)
        cols = ["scenario", "replicate", "month", "agent", "nationality", "event", "from", "to", "seed", "point"]
        dtypes = {"scenario": "category", "replicate": "int32", "month": "int32", "agent": "int64",
                  "nationality": "category", "event": "category", "from": "category",
                  "to": "category", "seed": "int64", "point": "int32"}
        parts = []
        for chunk in pd.read_csv(self.path / "events.csv", usecols=cols, dtype=dtypes,
                                 keep_default_na=False, chunksize=chunksize):
            if max_replicates is not None:
                chunk = chunk[chunk["replicate"] <= max_replicates]
            parts.append(chunk)
        df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
        for c in ("scenario", "nationality", "event", "from", "to"):
            df[c] = df[c].astype(str)
        df = self._decorate(df)
        return df

    def _events_parquet(self, max_replicates: int | None) -> pd.DataFrame | None:
        """The events/ folder, file by file in task order (so rows are in events.csv's order)."""
        if not have_pyarrow():
            self.events_note = (
                f"the events of this run are Parquet files ({self.path / 'events'}), and reading them needs "
                f"pyarrow, which this Python ({sys.executable}) does not have: install it (pip install pyarrow) "
                "or re-run with --events-format csv (the default)")
            return None
        text = ["scenario", "nationality", "event", "from", "to", "sector", "region", "size"]
        cols = ["scenario", "replicate", "month", "agent", "nationality", "event", "from", "to", "seed", "point",
                "sector", "region", "size", "age_years", "months_in_japan"]
        parts = []
        for f in self.events_files:
            rep = re.search(r"-r(\d+)\.parquet$", f.name)
            if max_replicates is not None and rep and int(rep.group(1)) > max_replicates:
                continue
            parts.append(pd.read_parquet(f, engine="pyarrow", columns=cols))
        df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
        # As the CSV reader gives them: text ("" for null: an entry's `from`, no employer), compact ints.
        for c in text:
            df[c] = df[c].astype(object).where(df[c].notna(), "").astype(str)
        for c, t in {"replicate": "int32", "month": "int32", "agent": "int64", "seed": "int64", "point": "int32",
                     "age_years": "int32", "months_in_japan": "int32"}.items():
            df[c] = df[c].astype(t)
        return self._decorate(df)

    # ---- facts about the months covered
    def months(self) -> pd.DataFrame:
        """One row per date of the run: date, month index, year, end-of-month timestamp."""
        ts = self.timeseries()
        d = ts[["date", "month", "year"]].drop_duplicates("date").sort_values("month").reset_index(drop=True)
        d["t"] = to_time(d["date"])
        return d

    def complete_years(self) -> list[int]:
        """Calendar years with all 12 months simulated (annual counts only make sense for them)."""
        n = self.months().groupby("year")["date"].nunique()
        return sorted(n[n == 12].index)


# --------------------------------------------------------------------------- helpers

def have_pyarrow() -> bool:
    """Whether pyarrow can be imported (pandas reads Parquet with it)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def to_time(dates: pd.Series) -> pd.Series:
    """'YYYY-MM' -> Timestamp at the end of that month (stocks are end-of-month)."""
    uniq = pd.Series(pd.unique(dates))
    stamps = pd.to_datetime(uniq, format="%Y-%m") + pd.offsets.MonthEnd(0)
    return dates.map(dict(zip(uniq, stamps)))


def national(df: pd.DataFrame, col: str = "count") -> pd.DataFrame:
    """Copy of ``df`` with ``col`` divided by the ``scale`` column (agents -> people)."""
    out = df.copy()
    out[col] = out[col] / out["scale"]
    return out


def band_label(n: int) -> str:
    """Name of the band drawn by ``band`` for n replicates."""
    return "5-95% of replicates" if n >= 20 else "min-max of replicates"


def band(df: pd.DataFrame, keys: list[str], value: str = "count") -> pd.DataFrame:
    """Across replicates: mean, lo, hi, n of ``value`` for each ``keys`` group.

    ``df`` must hold one row per replicate and group (sum over other columns first).
    The band is min-max with fewer than 20 replicates, else the 5th-95th percentiles."""
    g = df.groupby(keys, sort=False)[value]
    out = g.agg(["mean", "min", "max", "count"]).rename(columns={"count": "n"})
    if out["n"].max() >= 20:
        out["lo"], out["hi"] = g.quantile(0.05), g.quantile(0.95)
    else:
        out["lo"], out["hi"] = out["min"], out["max"]
    return out.drop(columns=["min", "max"]).reset_index()


def fill_grid(df: pd.DataFrame, keys: dict[str, list], value: str = "count") -> pd.DataFrame:
    """Reindex ``df`` (indexed by the columns in ``keys``) to the full grid, zeros for missing.

    flows.csv only lists non-zero cells, so a year without abscondings must be added as 0
    before averaging over replicates."""
    idx = pd.MultiIndex.from_product(list(keys.values()), names=list(keys.keys()))
    return df.set_index(list(keys.keys()))[value].reindex(idx, fill_value=0).reset_index()


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta function I_x(a, b) (continued fraction, Numerical Recipes 6.4)."""
    if x <= 0 or x >= 1:
        return 0.0 if x <= 0 else 1.0
    if x > (a + 1) / (a + b + 2):
        return 1 - _betainc(b, a, 1 - x)
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)) / a
    tiny = 1e-300
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    f = d
    for m in range(1, 300):
        for num in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                    -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1 + num * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + num / c
            c = c if abs(c) > tiny else tiny
            f *= c * d
        if abs(c * d - 1) < 1e-14:
            break
    return front * f


def t975(df: float) -> float:
    """0.975 quantile of Student's t with ``df`` degrees of freedom (any real df > 0; NaN otherwise).

    Solves P(T > t) = 0.025, i.e. I_{df/(df+t^2)}(df/2, 1/2) = 0.05, by bisection (no scipy needed)."""
    if df is None or not df > 0 or math.isnan(df):
        return math.nan
    if math.isinf(df):
        return 1.959963984540054
    lo, hi = 0.0, 1e4
    for _ in range(200):
        mid = (lo + hi) / 2
        if _betainc(df / 2, 0.5, df / (df + mid * mid)) > 0.05:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def mean_ci(values) -> tuple[float, float, float, int]:
    """Mean and 95% Student-t confidence interval of ``values``: (mean, low, high, n)."""
    s = pd.Series(values, dtype=float).dropna()
    n = len(s)
    if n == 0:
        return (math.nan, math.nan, math.nan, 0)
    m = s.mean()
    if n < 2:
        return (m, math.nan, math.nan, n)
    h = t975(n - 1) * s.std(ddof=1) / math.sqrt(n)
    return (m, m - h, m + h, n)


def observed_dir() -> Path:
    """data/observed, found relative to the current directory (a notebook's folder or the
    repository root) or to this file."""
    for base in (Path.cwd(), Path.cwd().parent, REPO):
        d = base / "data" / "observed"
        if d.is_dir():
            return d.resolve()
    raise FileNotFoundError("data/observed not found next to the notebooks or at the repository root")


def read_observed(name: str) -> pd.DataFrame:
    """One observed table (e.g. 'ti_stock.csv'), with a `t` timestamp column when it has dates."""
    df = pd.read_csv(observed_dir() / name)
    if "date" in df.columns:
        df["t"] = to_time(df["date"])
    return df


def setup_plots() -> None:
    """Shared matplotlib defaults (readable in an executed notebook and in HTML exports)."""
    import matplotlib.pyplot as plt
    plt.rcParams.update({
        "figure.figsize": (11, 5), "figure.dpi": 90, "axes.grid": True, "grid.alpha": 0.3,
        "axes.spines.top": False, "axes.spines.right": False, "legend.fontsize": 8,
        "axes.titlesize": 11, "figure.titlesize": 13,
    })
    pd.set_option("display.width", 160)
    pd.set_option("display.max_columns", 30)


def variant_colors(variants: list[str], baseline: str | None = None) -> dict:
    """A fixed colour per variant: black for ``baseline``, matplotlib's tab10 cycle for the others."""
    import matplotlib.pyplot as plt
    others = [v for v in variants if v != baseline]
    colors = {v: plt.cm.tab10(i % 10) for i, v in enumerate(others)}
    if baseline is not None:
        colors[baseline] = "black"
    return colors


def draw_order(variants: list[str], baseline: str | None = None) -> list[str]:
    """Variants with the baseline last, so that it is drawn on top (dashed) of identical lines."""
    return [v for v in variants if v != baseline] + ([baseline] if baseline in variants else [])


def line_style(variant: str, baseline: str | None = None) -> dict:
    """Keyword arguments for ax.plot: the baseline dashed, the others solid."""
    return {"ls": "--", "lw": 1.8} if variant == baseline else {"ls": "-", "lw": 1.6}


def fmt_table(df: pd.DataFrame, digits: int = 0) -> pd.DataFrame:
    """Numbers as strings with thousands separators, for display."""
    return df.apply(lambda col: col.map(lambda x: "" if pd.isna(x) else f"{x:,.{digits}f}"))


def thousands_axis(ax, axis: str = "y") -> None:
    """Format an axis with thousands separators (1,000,000)."""
    import matplotlib.ticker as mticker
    fmt = mticker.FuncFormatter(lambda x, _: f"{x:,.0f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def year_axis(ax) -> None:
    """Whole calendar years on the x axis (no 2017.5)."""
    import matplotlib.ticker as mticker
    ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
