"""Simulated log-price paths for the liquidation-odds engine (:mod:`risk.odds`).

Coordinates and units
---------------------
Paths are stored in the position's ADVERSE coordinate ``y = side * ln(P / EP)`` (side = +1 long,
-1 short), so for either side liquidation is ``y <= b`` with ``b < 0``. Time runs over
``n_steps`` equal steps of ``dt = horizon_days / n_steps`` days; ``y[:, k]`` is the value at the
END of step ``k`` (the start, ``y = 0``, is not stored).

Every model is parametrized by the same two numbers:

- ``vol_annual``: annualized standard deviation of log returns (0.6 = 60%). For every model the
  variance of a step is ``vol_annual^2 * dt_years``: Student-t innovations are rescaled to unit
  variance, and the jump model's jumps take their share out of the diffusion.
- ``drift_annual`` (``mu``): drift of the LOG price per year, i.e. ``E[ln(P_T/EP)] = mu*T`` for
  every model (the jump model's diffusion drift is reduced by the jumps' mean). Not the arithmetic
  return: for GBM the expected price grows at ``mu + vol^2/2``.

Monitoring between steps (``correction``)
-----------------------------------------
``"bridge"`` (default): inside each step the price moves continuously like a Brownian bridge
between the two simulated end points with the model's diffusion variance, and the bridge's
minimum is sampled EXACTLY from its law (the minimum of a bridge from 0 to ``d`` over variance
``v`` is ``(d - sqrt(d^2 + 2 v E))/2`` with ``E ~ Exp(1)``; Borodin & Salminen, Handbook of
Brownian Motion, IV.4; equivalent to the per-step crossing probability
``exp(-2 (x_i - b)(x_(i+1) - b)/(sigma^2 dt))`` of formulas.md section 8, inverted). One draw per
step serves every barrier at once, and for GBM the result has the law of continuous monitoring
whatever the number of steps. ``"bgk"``: discrete monitoring with the Broadie-Glasserman-Kou
(1997) correction. BGK show that a discretely monitored barrier ``b`` behaves like a continuously
monitored one shifted AWAY from the start, ``b - 0.5826 sigma sqrt(dt)`` in log space (the
direction formulas.md section 8 states). We want the converse, continuous odds from a discrete
path, so the barrier the step ends are compared with is moved TOWARD the start by the same
amount, ``b + 0.5826 sigma sqrt(dt)`` (``barrier_shift``, added to every barrier). ``"none"``: the
price is only seen at the step ends, which misses crossings between them (biased low).

Gaps: only the jump model has them. A jump happens at the END of its step, after that step's
continuous part; the price jumps over every level in between. Student-t and bootstrap steps are
bridged like Gaussian ones (their fat tails sit in the step ends, not in gaps). The Student-t
tails are defined per HOUR (:data:`TAIL_INTERVAL_DAYS`), not per step, so the odds do not change
with ``n_steps``; the bootstrap is circular, so every return of the data can start a block.

Reproducibility: paths are produced in chunks of at most :data:`CHUNK_PATHS` paths, each with its
own ``np.random.default_rng`` seeded from ``np.random.SeedSequence(seed).spawn(n_chunks)``; the
chunks run on a small thread pool (numpy releases the GIL), so results depend on
``(seed, n_paths, model, horizon, n_steps)`` only, not on the machine.
"""

from __future__ import annotations

import io
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from risk._validate import check_choice, check_range

DAYS_PER_YEAR = 365.0
MODELS = ("gbm", "student-t", "jump", "bootstrap")
CORRECTIONS = ("bridge", "bgk", "none")
#: Broadie, Glasserman & Kou (1997), Mathematical Finance 7(4): -zeta(1/2)/sqrt(2 pi).
BGK_BETA = 0.5826
#: Paths per chunk (one random stream and one thread task per chunk).
CHUNK_PATHS = 10_000
MAX_PATHS = 200_000
MAX_STEPS = 5_000
MAX_CELLS = 12_000_000  # n_paths * n_steps: ~46 MB per float32 array
#: The Student-t model's innovation interval: one hour, the frequency its ``df`` describes
#: (real hourly BTC returns have an excess kurtosis of about 16, a t with 3 to 4 df).
TAIL_INTERVAL_DAYS = 1.0 / 24.0
_POOL = ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)))


@dataclass(frozen=True)
class PriceModel:
    """A price model for the simulation; build one with :func:`gbm`, :func:`student_t`,
    :func:`jump_diffusion` or :func:`bootstrap`.

    ``returns`` (bootstrap only) holds the data's log returns, one per ``interval_days``.
    """

    kind: str
    vol_annual: float
    drift_annual: float = 0.0
    df: float | None = None
    jump_rate_per_year: float = 0.0
    jump_mean_log: float = 0.0
    jump_std_log: float = 0.0
    returns: np.ndarray | None = field(default=None, repr=False, compare=False)
    interval_days: float | None = None
    block_len: int = 24

    @property
    def diffusion_vol_annual(self) -> float:
        """Volatility of the continuous part: ``sqrt(vol^2 - rate*(jump_mean^2 + jump_std^2))``
        for the jump model, ``vol_annual`` otherwise."""
        var = self.vol_annual**2 - self.jump_rate_per_year * (
            self.jump_mean_log**2 + self.jump_std_log**2
        )
        return math.sqrt(max(var, 0.0))

    @property
    def diffusion_drift_annual(self) -> float:
        """Drift of the continuous part, ``mu - rate * jump_mean`` (jumps carry the rest)."""
        return self.drift_annual - self.jump_rate_per_year * self.jump_mean_log


def _vol(vol_annual: float) -> float:
    return float(check_range("vol_annual", vol_annual, MIN_VOL_ANNUAL, 20.0, why="0.6 = 60%"))


def _drift(drift_annual: float) -> float:
    return float(check_range("drift_annual", drift_annual, -20.0, 20.0, why="log drift per year"))


def gbm(vol_annual: float, drift_annual: float = 0.0) -> PriceModel:
    """Geometric Brownian motion: Gaussian log returns, ``vol_annual`` and log drift
    ``drift_annual`` per year."""
    return PriceModel("gbm", _vol(vol_annual), _drift(drift_annual))


def student_t(vol_annual: float, drift_annual: float = 0.0, df: float = 3.0) -> PriceModel:
    """Fat tails defined at a FIXED data frequency, so they do not depend on the step count:
    every hour's log return (:data:`TAIL_INTERVAL_DAYS`) is
    ``mu*h + vol*sqrt(h) * T_df * sqrt((df-2)/df)`` with ``T_df`` Student-t (unit variance,
    ``df > 2``), independent from hour to hour.

    Simulation steps shorter than an hour split each hour's return along a Brownian bridge
    (the hour's end is fat-tailed, the path inside it Gaussian given its ends); steps longer
    than an hour add up ``round(dt / 1 h)`` such hourly returns. A 1-hour return therefore has
    the kurtosis of ``T_df`` whether the hour is simulated in 1 step or 60, and a 1-day return
    the kurtosis of a sum of 24 of them. Smaller ``df`` = fatter tails; ``df -> inf`` is GBM."""
    d = float(check_range("df", df, 2.0, 1000.0, lo_open=True, why="finite variance needs df > 2"))
    return PriceModel("student-t", _vol(vol_annual), _drift(drift_annual), df=d)


def jump_diffusion(
    vol_annual: float,
    drift_annual: float = 0.0,
    jump_rate_per_year: float = 12.0,
    jump_mean_log: float = 0.0,
    jump_std_log: float = 0.04,
) -> PriceModel:
    """Merton-style gaps: Poisson jumps at ``jump_rate_per_year`` with normal log sizes
    ``N(jump_mean_log, jump_std_log^2)``, on top of a Brownian diffusion.

    Compensated so the totals match the other models: variance per year
    ``sigma_d^2 + rate*(jump_mean^2 + jump_std^2) = vol_annual^2`` and log drift per year
    ``mu_d + rate*jump_mean = drift_annual``. Raises ``ValueError`` when the jumps alone carry
    more variance than ``vol_annual^2``.
    """
    m = PriceModel(
        "jump",
        _vol(vol_annual),
        _drift(drift_annual),
        jump_rate_per_year=float(check_range("jump_rate_per_year", jump_rate_per_year, 0.0, 1e5)),
        jump_mean_log=float(check_range("jump_mean_log", jump_mean_log, -2.0, 2.0)),
        jump_std_log=float(check_range("jump_std_log", jump_std_log, 0.0, 2.0)),
    )
    jump_var = m.jump_rate_per_year * (m.jump_mean_log**2 + m.jump_std_log**2)
    if jump_var >= m.vol_annual**2:
        raise ValueError(
            f"jump_rate_per_year={m.jump_rate_per_year:g} with jump sizes "
            f"N({m.jump_mean_log:g}, {m.jump_std_log:g}^2) gives a jump variance of "
            f"{jump_var:.4g} a year; allowed: below vol_annual^2 = {m.vol_annual**2:.4g} "
            "(fewer or smaller jumps, or a higher vol_annual)"
        )
    return m


def log_returns(closes: pd.Series | pd.DataFrame | np.ndarray) -> np.ndarray:
    """Log returns ``ln(close_i / close_(i-1))`` of a price series (a Series, an array, or a
    DataFrame with a ``close`` column)."""
    if isinstance(closes, pd.DataFrame):
        cols = {str(c).strip().lower(): c for c in closes.columns}
        if "close" not in cols:
            raise ValueError(
                f"column 'close' is missing (columns: {', '.join(map(str, closes.columns))}); "
                "allowed: a DataFrame with a close column"
            )
        closes = closes[cols["close"]]
    arr = np.asarray(closes, dtype=float)
    check_range("close", arr, 0.0, lo_open=True, why="prices must be positive")
    if arr.ndim != 1 or arr.size < 3:
        raise ValueError(f"closes has {arr.size} values; allowed: a 1-D series of at least 3")
    return np.diff(np.log(arr))


def _infer_interval_days(closes: pd.Series | pd.DataFrame) -> float | None:
    idx = closes.index
    if isinstance(idx, pd.DatetimeIndex) and len(idx) >= 2:
        seconds = np.diff(idx.as_unit("ns").asi8) / 1e9  # int64 ns: fast even when tz-aware
        return float(np.median(seconds)) / 86_400.0
    return None


def bootstrap(
    closes: pd.Series | pd.DataFrame | np.ndarray,
    *,
    interval_days: float | None = None,
    vol_annual: float | None = None,
    drift_annual: float = 0.0,
    block_len: int = 24,
) -> PriceModel:
    """Block bootstrap of a user's price series (Kunsch 1989 moving blocks): each simulated path
    is a chain of ``block_len`` consecutive historical returns (in simulation steps), with block
    starts drawn uniformly, which keeps volatility clusters inside a block.

    ``closes``: closes in time order (e.g. :func:`load_price_csv`'s result); ``interval_days``:
    their spacing, inferred from a ``DatetimeIndex`` when not given. The returns are demeaned and
    ``drift_annual`` (log drift per year) added back: a short sample's mean return is noise.
    ``vol_annual=None`` keeps the data's own volatility; a number rescales the returns to it.
    """
    r = log_returns(closes)
    if interval_days is None and isinstance(closes, pd.Series | pd.DataFrame):
        interval_days = _infer_interval_days(closes)
    if interval_days is None:
        raise ValueError(
            "interval_days=None and the closes carry no timestamps; allowed: the spacing of "
            "the closes in days (1/288 for 5-minute bars)"
        )
    iv = float(check_range("interval_days", interval_days, 0.0, 31.0, lo_open=True))
    blk = int(check_range("block_len", block_len, 1, 10_000))
    data_vol = float(np.std(r, ddof=1)) * math.sqrt(DAYS_PER_YEAR / iv)
    if not data_vol > 0:
        raise ValueError("closes never change; allowed: a series whose price moves")
    vol = data_vol if vol_annual is None else _vol(vol_annual)
    scaled = (r - r.mean()) * (vol / data_vol)
    return PriceModel(
        "bootstrap",
        vol,
        _drift(drift_annual),
        returns=scaled,
        interval_days=iv,
        block_len=blk,
    )


TIMESTAMP_COLUMNS = ("timestamp", "time", "date", "datetime", "open_time", "ts")
PRICE_COLUMNS = ("open", "high", "low", "close")
#: Highest annualized volatility a price file may show (500% a year). Real markets stay far below
#: (BTC about 50-80%, small coins rarely above 200%); more means wrong rows, units or columns, and
#: the odds drawn from it would be nonsense (P(liq) 100%).
MAX_FILE_VOL_ANNUAL = 5.0
#: Lowest volatility the models take (0.01% a year): below it the closed forms divide by
#: vol**2 and overflow (``--vol 1e-200`` printed NaN); no traded market is that quiet.
MIN_VOL_ANNUAL = 1e-4


def _read_limited(file_or_path: object, max_bytes: int) -> bytes:
    """The file's bytes, refusing more than ``max_bytes`` before reading it all."""
    if isinstance(file_or_path, bytes | bytearray):
        data = bytes(file_or_path)
    elif isinstance(file_or_path, str | os.PathLike):
        try:
            size = os.path.getsize(file_or_path)
            if size > max_bytes:
                raise ValueError(
                    f"file size={size:,} bytes is too large; allowed: at most {max_bytes:,} bytes"
                )
            with open(file_or_path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise ValueError(
                f"file={str(file_or_path)!r} cannot be read ({exc.strerror}); allowed: an "
                "existing, readable CSV file"
            ) from None
    elif hasattr(file_or_path, "read"):
        raw = file_or_path.read(max_bytes + 1)
        data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    else:
        raise ValueError(
            f"file_or_path={type(file_or_path).__name__} is not readable; allowed: a path, "
            "bytes or an open file"
        )
    if len(data) > max_bytes:
        raise ValueError(
            f"file is larger than {max_bytes:,} bytes (too large); allowed: at most "
            f"{max_bytes:,} bytes"
        )
    return data


def _row(i: int) -> str:
    """Data row ``i`` (0-based) as people count it: row 1 is the line after the header."""
    return f"row {i + 1} (line {i + 2} of the file)"


def _parse_timestamps(col: pd.Series, name: str) -> pd.DatetimeIndex:
    numeric = pd.to_numeric(col, errors="coerce")
    if numeric.notna().all():
        v = numeric.to_numpy(dtype=float)
        big = float(np.nanmax(np.abs(v))) if v.size else 0.0
        unit = "us" if big > 1e14 else "ms" if big > 1e11 else "s"
        ts = pd.to_datetime(v, unit=unit, utc=True, errors="coerce")
    else:
        text = col.astype("string").str.strip()
        ts = pd.to_datetime(text, utc=True, errors="coerce")
        if ts.isna().any():  # mixed formats: try each value on its own
            ts = pd.to_datetime(text, utc=True, errors="coerce", format="mixed")
    ts = pd.DatetimeIndex(ts)
    bad = np.flatnonzero(ts.isna())
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"column {name!r}, {_row(i)}: {col.iloc[i]!r} is not a timestamp; allowed: "
            "ISO dates (2024-05-01 13:00) or Unix seconds/milliseconds"
        )
    return ts


def load_candles_csv(
    file_or_path: object,
    *,
    max_bytes: int = 20_000_000,
    min_rows: int = 50,
) -> pd.DataFrame:
    """Read an OHLC CSV as candles: a DataFrame with ``high``, ``low`` and ``close`` (and
    ``open`` when present) indexed by UTC timestamps, with every check of
    :func:`load_price_csv`; ``high`` and ``low`` are required (``ValueError`` naming the
    missing column)."""
    return _read_prices(file_or_path, max_bytes, min_rows, need=("high", "low", "close"))


def load_price_csv(
    file_or_path: object,
    *,
    max_bytes: int = 5_000_000,
    min_rows: int = 50,
) -> pd.Series:
    """Read a price CSV for the bootstrap model: closes indexed by UTC timestamps.

    The file needs a header with a timestamp column (``timestamp``, ``time``, ``date``,
    ``datetime``, ``open_time`` or ``ts``; ISO dates or Unix seconds/milliseconds) and a
    ``close`` column; ``open``/``high``/``low`` are checked too when present (OHLC). Names are
    matched case-insensitively. Every problem raises ``ValueError`` naming the column and, for a
    bad value, the row (row 1 = the first line after the header): missing columns, non-numeric
    or non-positive prices, timestamps that are unreadable, repeated or out of order, fewer than
    ``min_rows`` rows, more than ``max_bytes`` bytes, an OHLC row whose high is below its low
    (or below its open or close, or a low above them), a volatility of the closes above
    :data:`MAX_FILE_VOL_ANNUAL` a year (annualized from the median time step).

    Parameters
    ----------
    file_or_path : str, os.PathLike, bytes or file-like
        A path, the file's bytes, or an open (binary or text) file such as an upload.

    Returns
    -------
    pandas.Series
        Float closes named ``close`` with a ``DatetimeIndex`` named ``timestamp``.
    """
    frame = _read_prices(file_or_path, max_bytes, min_rows, need=("close",))
    return frame["close"]


def _read_prices(
    file_or_path: object, max_bytes: int, min_rows: int, need: tuple[str, ...]
) -> pd.DataFrame:
    max_b = int(check_range("max_bytes", max_bytes, 1, 1e9))
    min_r = int(check_range("min_rows", min_rows, 3, 1e8))
    data = _read_limited(file_or_path, max_b)
    try:
        df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(
            f"file is not a readable CSV ({first}); allowed: comma-separated text "
            "with a header line"
        ) from None
    names = {str(c).strip().lower(): c for c in df.columns}
    found = ", ".join(map(str, df.columns)) or "none"
    ts_name = next((names[c] for c in TIMESTAMP_COLUMNS if c in names), None)
    if ts_name is None:
        raise ValueError(
            f"column 'timestamp' is missing (columns found: {found}); allowed: one of "
            f"{', '.join(TIMESTAMP_COLUMNS)}"
        )
    for key in need:
        if key not in names:
            what = (
                "a close column, optionally with open, high, low"
                if key == "close"
                else ("open, high, low, close candles")
            )
            raise ValueError(f"column {key!r} is missing (columns found: {found}); allowed: {what}")
    if len(df) < min_r:
        raise ValueError(f"the file has {len(df)} rows; allowed: at least {min_r} rows")
    columns: dict[str, np.ndarray] = {}
    for key in PRICE_COLUMNS:
        if key not in names:
            continue
        name = names[key]
        raw = df[name]
        values = pd.to_numeric(raw.str.strip(), errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            i = int(bad[0])
            raise ValueError(
                f"column {str(name)!r}, {_row(i)}: {raw.iloc[i]!r} is not a number; allowed: a "
                "positive price"
            )
        bad = np.flatnonzero(values <= 0)
        if bad.size:
            i = int(bad[0])
            raise ValueError(
                f"column {str(name)!r}, {_row(i)}: {raw.iloc[i]!r} is not a positive price; "
                "allowed: price > 0"
            )
        columns[key] = values
    _check_ohlc_order(columns, df, names)
    ts = _parse_timestamps(df[ts_name], str(ts_name))
    step = np.diff(ts.asi8)
    bad = np.flatnonzero(step <= 0)
    if bad.size:
        i = int(bad[0]) + 1
        what = "repeats" if step[i - 1] == 0 else "is earlier than"
        raise ValueError(
            f"column {str(ts_name)!r}, {_row(i)}: {df[ts_name].iloc[i]!r} {what} the timestamp "
            f"of {_row(i - 1).split(' (')[0]}; allowed: strictly increasing timestamps, oldest "
            "first, no duplicates"
        )
    _check_file_volatility(columns["close"], ts)
    return pd.DataFrame(columns, index=ts.rename("timestamp"))


def _check_ohlc_order(columns: dict[str, np.ndarray], df: pd.DataFrame, names: dict) -> None:
    """Each OHLC row must satisfy ``low <= open, close <= high`` (where those columns exist)."""
    hi, lo = columns.get("high"), columns.get("low")
    checks = []
    if hi is not None and lo is not None:
        checks.append(("high", "low", hi < lo, "is below its low"))
    for other in ("open", "close"):
        v = columns.get(other)
        if v is None:
            continue
        if hi is not None:
            checks.append(("high", other, hi < v, f"is below its {other}"))
        if lo is not None:
            checks.append(("low", other, lo > v, f"is above its {other}"))
    for key, other, bad, what in checks:
        rows = np.flatnonzero(bad)
        if rows.size:
            i = int(rows[0])
            raise ValueError(
                f"column {str(names[key])!r}, {_row(i)}: {key} {df[names[key]].iloc[i]!r} {what} "
                f"{df[names[other]].iloc[i]!r}; allowed: low <= open, close <= high"
            )


def _check_file_volatility(closes: np.ndarray, ts: pd.DatetimeIndex) -> None:
    """Refuse closes whose annualized volatility exceeds :data:`MAX_FILE_VOL_ANNUAL`."""
    if closes.size < 3:
        return
    steps = np.asarray((ts[1:] - ts[:-1]) / pd.Timedelta(days=1), dtype=float)
    with np.errstate(all="ignore"):
        r = np.diff(np.log(closes))
        step_days = float(np.median(steps))
        vol = float(np.std(r)) * math.sqrt(365.0 / step_days) if step_days > 0 else math.inf
    if not math.isfinite(vol) or vol > MAX_FILE_VOL_ANNUAL:
        shown = "inf" if not math.isfinite(vol) else f"{vol:.0%}"
        raise ValueError(
            f"the closes move {shown} a year (annualized from a median step of "
            f"{step_days * 1440:.4g} minutes); allowed: at most {MAX_FILE_VOL_ANNUAL:.0%} a year "
            "(check the rows, the price column and the timestamps' units)"
        )


@dataclass(frozen=True)
class PathSet:
    """Simulated paths in the adverse coordinate ``y = side * ln(P/EP)`` (see module docs).

    Attributes
    ----------
    y : (n_steps, n_paths) float32, TIME-MAJOR
        ``y[k, p]``: path ``p`` at the end of step ``k``.
    low : (n_steps, n_paths) float32, time-major
        Lowest value reached up to the end of each step (``running=True``) or within each step
        (``running=False``): the bridge minimum for ``correction="bridge"``, the step end otherwise.
    barrier_shift : float
        Added to every barrier (log) before comparing with ``low``: ``+0.5826 sigma sqrt(dt)``
        for ``"bgk"`` (toward the start), else 0.
    jump_cells, jump_cont_low
        ``"bridge"`` jump model only: sorted flat indices into ``y`` (``k * n_paths + p``) of
        the steps that end with a jump, and the lowest value of those steps' continuous part
        (before the jump); a level crossed there only by the jump was gapped over.
    """

    side: str
    model: str
    correction: str
    horizon_days: float
    y: np.ndarray
    low: np.ndarray
    running: bool
    barrier_shift: float
    seed: int | None
    jump_cells: np.ndarray | None = None
    jump_cont_low: np.ndarray | None = None
    #: Variance of one step's continuous part (log^2): the Brownian bridge's variance.
    step_var: float = 0.0

    @property
    def n_paths(self) -> int:
        return int(self.y.shape[1])

    @property
    def n_steps(self) -> int:
        return int(self.y.shape[0])

    @property
    def dt_days(self) -> float:
        return self.horizon_days / self.n_steps

    @property
    def times_days(self) -> np.ndarray:
        """Times of the start and the ``n_steps`` step ends, in days: shape ``(n_steps + 1,)``."""
        return np.linspace(0.0, self.horizon_days, self.n_steps + 1)

    @property
    def sign(self) -> float:
        return 1.0 if self.side == "long" else -1.0

    def subset(self, paths: int | np.ndarray) -> PathSet:
        """The first ``paths`` paths (an int) or the paths at the given indices, as a new
        :class:`PathSet` (copies; jump bookkeeping re-indexed)."""
        n = self.n_paths
        idx = np.arange(min(int(paths), n)) if np.ndim(paths) == 0 else np.asarray(paths)
        cells = cont = None
        if self.jump_cells is not None and self.jump_cont_low is not None:
            k, p = np.divmod(self.jump_cells, n)
            new_index = np.full(n, -1, dtype=np.int64)
            new_index[idx] = np.arange(idx.size)
            keep = new_index[p] >= 0
            cells = k[keep] * idx.size + new_index[p[keep]]
            order = np.argsort(cells, kind="stable")
            cells, cont = cells[order], self.jump_cont_low[keep][order]
        return replace(
            self,
            y=np.ascontiguousarray(self.y[:, idx]),
            low=np.ascontiguousarray(self.low[:, idx]),
            jump_cells=cells,
            jump_cont_low=cont,
        )

    def prices(self, entry_price: float, paths: slice | np.ndarray | None = None) -> np.ndarray:
        """Prices ``EP * exp(side * y)`` of the chosen paths, starting at the entry:
        PATH-major, shape ``(n_chosen, n_steps + 1)``."""
        y = (self.y if paths is None else self.y[:, paths]).T.astype(float)
        full = np.concatenate([np.zeros((y.shape[0], 1)), y], axis=1)
        return float(entry_price) * np.exp(self.sign * full)


def bootstrap_step_count(model: PriceModel, horizon_days: float, n_steps: int) -> tuple[int, int]:
    """``(steps, k)`` for the bootstrap: a simulation step is ``k`` of the data's intervals
    (``k = round(dt / interval)``, at least 1), so ``steps = round(horizon / (k * interval))``."""
    assert model.interval_days is not None
    dt = horizon_days / n_steps
    k = max(1, round(dt / model.interval_days))
    steps = max(1, round(horizon_days / (k * model.interval_days)))
    return steps, k


def _check_sim(horizon_days: float, n_paths: int, n_steps: int) -> tuple[float, int, int]:
    h = float(
        check_range("horizon_days", horizon_days, 1 / 1440, 90.0, why="one minute to 90 days")
    )
    n = int(check_range("n_paths", n_paths, 10, MAX_PATHS))
    k = int(check_range("n_steps", n_steps, 1, MAX_STEPS))
    if n * k > MAX_CELLS:
        raise ValueError(
            f"n_paths * n_steps = {n * k:,}; allowed: at most {MAX_CELLS:,} (memory), fewer "
            "paths or steps"
        )
    return h, n, k


class _StepSource:
    """Draws each step's continuous log increment (adverse coordinate) for one chunk of paths,
    one step at a time, in a fixed order from the chunk's own generator."""

    def __init__(
        self,
        rng: np.random.Generator,
        model: PriceModel,
        n: int,
        sign: float,
        dt_years: float,
        boot_k: int,
    ) -> None:
        self.rng, self.model, self.n, self.sign = rng, model, n, sign
        self.sd = np.float32(sign * model.diffusion_vol_annual * math.sqrt(dt_years))
        if model.kind == "bootstrap":
            self.sd = np.float32(sign)
            self.mu_dt = np.float32(sign * model.drift_annual * dt_years)
        else:
            self.mu_dt = np.float32(sign * model.diffusion_drift_annual * dt_years)
        self.t_scale = 0.0
        if model.kind == "student-t":
            df = float(model.df or 3.0)
            dt_days = dt_years * DAYS_PER_YEAR
            unit = math.sqrt((df - 2.0) / df)  # T_df * unit has variance 1
            if dt_days <= TAIL_INTERVAL_DAYS * (1 + 1e-9):
                # q steps share one hourly t draw, split along a Brownian bridge
                self.t_sub = max(1, round(TAIL_INTERVAL_DAYS / dt_days))
                self.t_sum = 1
                self.t_scale = float(self.sd) * math.sqrt(self.t_sub) * unit
            else:
                # each step adds t_sum hourly t draws, scaled to the step's variance
                self.t_sub = 1
                self.t_sum = max(1, round(dt_days / TAIL_INTERVAL_DAYS))
                self.t_scale = float(self.sd) * unit / math.sqrt(self.t_sum)
            self.t_block = np.empty((0, n), dtype=np.float32)
        if model.kind == "bootstrap":
            assert model.returns is not None
            r = model.returns
            # circular (Politis & Romano 1992): the series wraps, so every return can start a
            # step or a block, and a block running past the end continues at the start
            wrapped = np.concatenate([r, r[: boot_k - 1]])
            csum = np.concatenate([[0.0], np.cumsum(wrapped)])
            self.agg = (csum[boot_k:] - csum[:-boot_k]).astype(np.float32)  # len(r) sums
            self.boot_k = boot_k
            self.blk = max(1, model.block_len)
            self.starts = np.empty(0, dtype=np.int64)
        self.jump_lam = model.jump_rate_per_year * dt_years if model.kind == "jump" else 0.0

    def fill(self, k: int, out: np.ndarray) -> None:
        """Write step ``k``'s continuous increments into ``out`` (shape ``(n,)``)."""
        kind = self.model.kind
        if kind == "bootstrap":
            off = k % self.blk
            if off == 0:  # a new block starts for every path, anywhere in the series
                self.starts = self.rng.integers(0, len(self.agg), size=self.n)
            idx = (self.starts + off * self.boot_k) % len(self.agg)
            np.take(self.agg, idx, out=out)
        elif kind == "student-t":
            df = float(self.model.df or 3.0)
            q = self.t_sub
            if q == 1:
                draws = self.rng.standard_t(df, size=(self.t_sum, self.n)).sum(axis=0)
                np.multiply(draws, self.t_scale, out=out, casting="unsafe")
            else:
                j = k % q
                if j == 0:  # a new hour: its t-distributed total, bridged over q steps
                    g = self.rng.standard_normal((q, self.n), dtype=np.float32) * self.sd
                    total = self.rng.standard_t(df, size=self.n) * self.t_scale
                    g += (total.astype(np.float32) - g.sum(axis=0)) / np.float32(q)
                    self.t_block = g
                out[...] = self.t_block[j]
        else:
            self.rng.standard_normal(out=out, dtype=np.float32)
            out *= self.sd
        if self.mu_dt:
            out += self.mu_dt

    def jumps(self) -> tuple[np.ndarray, np.ndarray]:
        """This step's jumps: (path indices, log sizes in the adverse coordinate). Poisson
        superposition: the count over the chunk is Poisson(rate * dt * n), each jump falls on a
        uniformly drawn path (two jumps on one path in one step add up)."""
        count = self.rng.poisson(self.jump_lam * self.n)
        where = self.rng.integers(0, self.n, size=count)
        sizes = self.rng.normal(self.model.jump_mean_log, self.model.jump_std_log, size=count)
        return where, (sizes * self.sign).astype(np.float32)


def _simulate_chunk(
    seed_seq: np.random.SeedSequence,
    model: PriceModel,
    y: np.ndarray,
    low: np.ndarray,
    sign: float,
    dt_years: float,
    correction: str,
    running: bool,
    boot_k: int,
    step_var: float,
    col0: int,
    n_total: int,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Fill the time-major blocks ``y`` and ``low`` (shape ``(n_steps, n)``) step by step: each
    step's work is a few vector operations over the chunk's paths, which stay in cache."""
    rng = np.random.default_rng(seed_seq)
    n_steps, n = y.shape
    src = _StepSource(rng, model, n, sign, dt_years, boot_k)
    bridge = correction == "bridge"
    two_v = np.float32(2.0 * step_var)
    half = np.float32(0.5)
    tmp = np.empty(n, dtype=np.float32)
    zero = np.zeros(n, dtype=np.float32)
    jump_cells: list[np.ndarray] = []
    jump_cont: list[np.ndarray] = []
    prev_y = zero
    for k in range(n_steps):
        yk, lk = y[k], low[k]
        src.fill(k, yk)  # continuous increment of step k
        if bridge:
            rng.standard_exponential(out=lk, dtype=np.float32)
            lk *= two_v
            np.multiply(yk, yk, out=tmp)
            lk += tmp
            np.sqrt(lk, out=lk)
            np.subtract(yk, lk, out=lk)
            lk *= half
            lk += prev_y  # lowest point of the step's continuous part
        where = None
        if src.jump_lam:
            where, sizes = src.jumps()
            np.add.at(yk, where, sizes)
        yk += prev_y
        if bridge:
            if where is not None and where.size:
                where = np.unique(where)
                cont = lk[where]
                jump_cells.append(k * n_total + col0 + where)
                jump_cont.append(cont)
                lk[where] = np.minimum(cont, yk[where])
        else:
            lk[...] = yk
        if running and k:
            np.minimum(lk, low[k - 1], out=lk)
        prev_y = yk
    if not jump_cells:
        return None, None
    return np.concatenate(jump_cells), np.concatenate(jump_cont)


def map_threads(fn, items: list) -> list:
    """``[fn(x) for x in items]`` on the shared thread pool (numpy releases the GIL)."""
    if len(items) <= 1:
        return [fn(x) for x in items]
    return list(_POOL.map(fn, items))


def run_chunks(fn, n_paths: int) -> list:
    """Run ``fn(start, stop, index)`` over the row chunks on the thread pool, in chunk order."""
    bounds = [
        (i, min(n_paths, i + CHUNK_PATHS), j) for j, i in enumerate(range(0, n_paths, CHUNK_PATHS))
    ]
    if len(bounds) == 1:
        return [fn(*bounds[0])]
    return list(_POOL.map(lambda b: fn(*b), bounds))


def simulate_paths(
    model: PriceModel,
    side: str,
    horizon_days: float,
    *,
    n_paths: int = 20_000,
    n_steps: int = 288,
    seed: int | None = None,
    correction: str = "bridge",
    running: bool = True,
) -> PathSet:
    """Simulate ``n_paths`` paths of ``model`` over ``horizon_days`` in ``n_steps`` steps.

    Parameters
    ----------
    model : PriceModel
        From :func:`gbm`, :func:`student_t`, :func:`jump_diffusion` or :func:`bootstrap`.
    side : {"long", "short"}
        Sets the adverse coordinate ``y = side * ln(P/EP)``.
    horizon_days : float
        1 minute (1/1440) to 90 days.
    n_paths, n_steps : int
        For the bootstrap the step is a whole number of the data's intervals, so the number of
        steps can differ from ``n_steps`` (:func:`bootstrap_step_count`).
    seed : int or None
        Reproducible for a given seed (see module docs); None draws fresh entropy.
    correction : {"bridge", "bgk", "none"}
        How crossings between the step ends are accounted for (module docs).
    running : bool
        ``low`` holds the running minimum (True) or each step's own minimum (False).
    """
    check_choice("side", side, ("long", "short"))
    check_choice("correction", correction, CORRECTIONS)
    check_choice("model", model.kind, MODELS)
    h, n, k = _check_sim(horizon_days, n_paths, n_steps)
    boot_k = 1
    if model.kind == "bootstrap":
        assert model.interval_days is not None and model.returns is not None
        if h < model.interval_days:
            raise ValueError(
                f"horizon_days={h:g} is shorter than the data's spacing "
                f"({model.interval_days:g} days); allowed: horizon_days >= "
                f"{model.interval_days:g}"
            )
        k, boot_k = bootstrap_step_count(model, h, k)
        if len(model.returns) < 2 * boot_k:
            raise ValueError(
                f"the price series has {len(model.returns)} returns but one simulation step "
                f"needs {boot_k} of them; allowed: a longer series or more steps"
            )
    sign = 1.0 if side == "long" else -1.0
    dt_years = h / k / DAYS_PER_YEAR
    step_var = model.diffusion_vol_annual**2 * dt_years
    if model.kind == "bootstrap":
        step_var = model.vol_annual**2 * dt_years
    # time-major storage; chunk j owns the columns [start, stop): each step's row segment is
    # contiguous, so every per-step operation runs over contiguous memory
    y = np.empty((k, n), dtype=np.float32)
    low = np.empty((k, n), dtype=np.float32)
    children = np.random.SeedSequence(seed).spawn(-(-n // CHUNK_PATHS))

    def one(start: int, stop: int, j: int) -> tuple:
        return _simulate_chunk(
            children[j],
            model,
            y[:, start:stop],
            low[:, start:stop],
            sign,
            dt_years,
            correction,
            running,
            boot_k,
            step_var,
            start,
            n,
        )

    parts = run_chunks(one, n)
    cells = cont = None
    if any(c is not None for c, _ in parts):
        cells = np.concatenate([c for c, _ in parts if c is not None])
        cont = np.concatenate([v for _, v in parts if v is not None])
        order = np.argsort(cells, kind="stable")
        cells, cont = cells[order], cont[order]
    shift = BGK_BETA * model.diffusion_vol_annual * math.sqrt(dt_years)
    return PathSet(
        side=side,
        model=model.kind,
        correction=correction,
        horizon_days=h,
        y=y,
        low=low,
        running=running,
        barrier_shift=shift if correction == "bgk" else 0.0,
        step_var=float(step_var),
        seed=seed,
        jump_cells=cells,
        jump_cont_low=cont,
    )
