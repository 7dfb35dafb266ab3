"""Do the odds tell the truth? Predicted liquidation odds against what prices really did.

For every entry time ``i`` of a candle history (entry at bar ``i``'s close ``c_i``) and every
horizon of ``h`` bars, a position is **liquidated** when a later bar's low (a long) or high (a
short) reaches its liquidation price within bars ``i+1 .. i+h``:
``min(low[i+1..i+h]) <= c_i * LP/EP`` for a long, ``max(high) >= c_i * LP/EP`` for a short, with
``LP/EP`` from :func:`risk.odds.liquidation_barriers` (flat maintenance rate ``mmr``). It is
**right and liquidated anyway** when, in addition, the close at the horizon is at or beyond the
entry in its favour. Running minima and maxima come from ``sliding_window_view`` (one pass per
horizon, no Python loop over entries).

Each model predicts the same events from the data BEFORE the entry only:

- ``gbm-preset``: geometric Brownian motion at a fixed preset volatility (the app's old default);
- ``gbm-ewma``: GBM at the EWMA "volatility now" (:func:`risk.conditional_vol.ewma_variance`);
- ``gbm-garch``: GBM at the GARCH(1,1) forecast of the horizon's volatility, the parameters
  refitted every ``garch_refit_days`` on all data up to then;
- ``t-preset`` / ``t-ewma``: Student-t hourly innovations (:func:`risk.paths.student_t`, fat
  tails defined per hour) at the preset / the EWMA volatility;
- ``fhs``: filtered historical simulation: block bootstrap of the past returns divided by their
  EWMA volatility (refitted every ``garch_refit_days``), rescaled to the EWMA volatility now.

The simulated models are scale families: with no drift, a path's running minimum scales with
the volatility. One standardized set of path minima per horizon (and refit) therefore serves
every entry: ``P(liquidated) = P(M <= b * v0 / vol_i)`` is one binary search per entry and
leverage.

Scores: the observed frequency with a 95% interval from a circular block bootstrap of the entry
times (Politis & Romano 1992; blocks of ``max(2 h, 1 week)`` bars, because windows of
overlapping horizons and volatility clusters make neighbouring entries dependent); per model the
mean prediction, the Brier score ``mean((p - y)^2)`` and the log loss
``-mean(y ln p + (1-y) ln(1-p))`` with ``p`` clipped to ``[1e-6, 1 - 1e-6]`` (a Monte Carlo
zero is "below 1 in a million", not impossible); and a reliability table (entries binned by
predicted probability: mean prediction against observed frequency).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from risk import paths as _paths
from risk._validate import ArrayLike, check_choice, check_range
from risk.conditional_vol import (
    DEFAULT_HALF_LIFE_DAYS,
    annualize_vol,
    candle_returns,
    ewma_variance,
    fit_garch,
    garch_variance,
)
from risk.odds import gbm_hit_probability, liquidation_barriers

MODELS = ("gbm-preset", "gbm-ewma", "gbm-garch", "t-preset", "t-ewma", "fhs")
MODEL_LABELS = {
    "gbm-preset": "Normal moves, preset volatility",
    "gbm-ewma": "Normal moves, volatility now (EWMA)",
    "gbm-garch": "Normal moves, GARCH volatility",
    "t-preset": "Fat tails (hourly Student-t), preset volatility",
    "t-ewma": "Fat tails (hourly Student-t), volatility now (EWMA)",
    "fhs": "Filtered history (bootstrap of past moves), volatility now",
}
SIDES = ("long", "short")
DEFAULT_LEVERAGES = (2.0, 3.0, 5.0, 10.0, 15.0, 20.0, 25.0, 50.0, 100.0)
DEFAULT_HORIZONS = "1h,8h,1d,7d"
RELIABILITY_EDGES = (0.0, 0.001, 0.01, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0)
P_CLIP = 1e-6
_V0 = 1.0  # volatility of the standardized simulations (annual)


def parse_horizon(text: str) -> float:
    """``"1h"``, ``"8h"``, ``"1d"``, ``"7d"``, ``"30m"`` (or a bare number of days) in days."""
    t = str(text).strip().lower()
    units = {"m": 1 / 1440, "h": 1 / 24, "d": 1.0, "w": 7.0}
    try:
        if t and t[-1] in units:
            return float(t[:-1]) * units[t[-1]]
        return float(t)
    except ValueError:
        raise ValueError(
            f"horizon={text!r} is not a duration; allowed: a number with m, h, d or w "
            "(30m, 1h, 8h, 1d, 7d)"
        ) from None


def horizon_label(days: float) -> str:
    if days >= 1 and abs(days - round(days)) < 1e-9:
        return f"{round(days)}d"
    hours = days * 24
    if abs(hours - round(hours)) < 1e-9:
        return f"{round(hours)}h"
    return f"{days * 1440:g}m"


@dataclass(frozen=True)
class Settings:
    """Model settings of a calibration run (see module docs); volatilities annualized."""

    preset_vol: float = 0.54
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS
    df: float = 3.0
    burn_in_days: float = 60.0
    garch_refit_days: float = 60.0
    fhs_block_len: int = 24
    n_paths: int = 40_000
    n_boot: int = 1000
    seed: int = 0
    mmr: float = 0.004


def _candles(candles: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    if not isinstance(candles, pd.DataFrame):
        raise ValueError("candles must be a DataFrame; allowed: OHLC candles with timestamps")
    cols = {str(c).strip().lower(): c for c in candles.columns}
    missing = [c for c in ("high", "low", "close") if c not in cols]
    if missing:
        raise ValueError(
            f"column {missing[0]!r} is missing (columns: "
            f"{', '.join(map(str, candles.columns))}); allowed: candles with high, low and close"
        )
    df = pd.DataFrame({k: candles[cols[k]].to_numpy(dtype=float) for k in ("high", "low", "close")})
    df.index = candles.index
    _, iv = candle_returns(df)
    steps = np.diff(df.index.asi8)
    if steps.size and (steps.min() <= 0):
        raise ValueError("candles: timestamps must increase strictly; allowed: oldest first")
    return df, iv


def observed_outcomes(
    candles: pd.DataFrame,
    side: str,
    leverage: ArrayLike,
    horizon_bars: int,
    mmr: float = 0.004,
) -> tuple[np.ndarray, np.ndarray]:
    """``(liquidated, right_and_liquidated)``: boolean arrays of shape ``(n - h, L)`` for the
    entries at bars ``0 .. n-h-1`` (module docs for the definitions)."""
    check_choice("side", side, SIDES)
    h = int(check_range("horizon_bars", horizon_bars, 1, 1e7))
    df, _ = _candles(candles)
    close = df["close"].to_numpy()
    if close.size <= h:
        raise ValueError(
            f"candles have {close.size} rows; allowed: more than the horizon ({h} bars)"
        )
    ratio, _ = liquidation_barriers(side, leverage, mmr)
    c0 = close[: close.size - h]
    c_end = close[h:]
    if side == "long":
        window = np.lib.stride_tricks.sliding_window_view(df["low"].to_numpy()[1:], h).min(axis=1)
        liq = (window / c0)[:, None] <= ratio[None, :]
        right = c_end >= c0
    else:
        window = np.lib.stride_tricks.sliding_window_view(df["high"].to_numpy()[1:], h).max(axis=1)
        liq = (window / c0)[:, None] >= ratio[None, :]
        right = c_end <= c0
    liq &= np.isfinite(ratio)[None, :]
    return liq, liq & right[:, None]


def _standard_minima(model: _paths.PriceModel, side: str, horizon_days: float, n: int, seed: int):
    """Sorted running minima (adverse log coordinate) of ``n`` paths of ``model`` over the
    horizon, hourly steps (or finer for a sub-hour horizon), bridge-monitored."""
    steps = max(1, round(horizon_days * 24))
    if horizon_days < 1 / 24:
        steps = max(1, round(horizon_days * 1440))
    n = min(n, _paths.MAX_CELLS // steps)
    p = _paths.simulate_paths(model, side, horizon_days, n_paths=n, n_steps=steps, seed=seed)
    return np.sort(p.low[-1].astype(float))


def _scale_family_p(minima: np.ndarray, b: np.ndarray, vol: np.ndarray) -> np.ndarray:
    """``P(M * vol / V0 <= b)`` for each entry's volatility (rows) and barrier (columns)."""
    z = b[None, :] * (_V0 / vol[:, None])
    return np.searchsorted(minima, z.ravel(), "right").reshape(z.shape) / minima.size


def _fhs_model(resid: np.ndarray, iv: float, block_len: int) -> _paths.PriceModel:
    """Bootstrap model of standardized residuals, scaled to ``_V0`` a year."""
    z = resid - resid.mean()
    z = z / z.std() * (_V0 * math.sqrt(iv / _paths.DAYS_PER_YEAR))
    return _paths.PriceModel(
        "bootstrap", _V0, 0.0, returns=z, interval_days=iv, block_len=block_len
    )


@dataclass(frozen=True)
class Cell:
    """One (side, horizon, leverage): observed frequencies and each model's mean prediction."""

    side: str
    horizon_days: float
    leverage: float
    n_entries: int
    observed: float
    observed_lo: float
    observed_hi: float
    right_and_liquidated: float
    predicted: dict[str, float]
    brier: dict[str, float]
    log_loss: dict[str, float]

    def inside(self, model: str) -> bool:
        """Is the model's mean prediction inside the observed 95% interval?"""
        return self.observed_lo <= self.predicted[model] <= self.observed_hi


@dataclass(frozen=True)
class Report:
    """A calibration run: cells, scores per (side, horizon, model), reliability per model."""

    cells: list[Cell]
    scores: dict[tuple[str, float, str], tuple[float, float]]  # -> (brier, log loss)
    reliability: dict[str, list[tuple[float, float, float, int]]]  # lo, mean p, observed, count
    models: tuple[str, ...]
    settings: Settings
    start: pd.Timestamp
    end: pd.Timestamp
    interval_days: float
    data_vol_annual: float
    extra: dict = field(default_factory=dict)

    def best_model(self, leverages: tuple[float, float] | None = None) -> str:
        """The model with the lowest Brier score summed over the cells (within the leverage
        range, when given): Brier is a proper score that does not explode on a rare miss."""
        tot = dict.fromkeys(self.models, 0.0)
        for c in self.cells:
            if leverages and not leverages[0] <= c.leverage <= leverages[1]:
                continue
            for m in self.models:
                tot[m] += c.brier[m]
        return min(tot, key=tot.get)

    def cell(self, side: str, horizon_days: float, leverage: float) -> Cell:
        for c in self.cells:
            if (
                c.side == side
                and abs(c.horizon_days - horizon_days) < 1e-9
                and c.leverage == leverage
            ):
                return c
        raise KeyError((side, horizon_days, leverage))


def _block_bootstrap_means(
    y: np.ndarray, block: int, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    """Circular block bootstrap of the column means of ``y`` (shape ``(n, L)``):
    ``(n_boot, L)`` replicate means."""
    n = y.shape[0]
    block = max(1, min(block, n))
    n_blocks = -(-n // block)
    ext = np.concatenate([y, y[:block]], axis=0).astype(float)
    csum = np.concatenate([np.zeros((1, y.shape[1])), np.cumsum(ext, axis=0)])
    starts = rng.integers(0, n, size=(n_boot, n_blocks))
    sums = (csum[starts + block] - csum[starts]).sum(axis=1)
    return sums / (n_blocks * block)


def calibrate(
    candles: pd.DataFrame,
    *,
    horizons_days: ArrayLike = (1 / 24, 8 / 24, 1.0, 7.0),
    leverage: ArrayLike = DEFAULT_LEVERAGES,
    sides: tuple[str, ...] = ("long",),
    models: tuple[str, ...] = MODELS,
    settings: Settings | None = None,
) -> Report:
    """Predicted against observed liquidations on a candle history (see module docs).

    ``candles``: OHLC DataFrame with a regular UTC ``DatetimeIndex``; each horizon must be a
    whole number of bars. Raises ``ValueError`` for bad input (a horizon shorter than a bar or
    longer than the history after the burn-in, an unknown model or side).
    """
    s = settings or Settings()
    for m in models:
        check_choice("model", m, MODELS)
    for sd in sides:
        check_choice("side", sd, SIDES)
    df, iv = _candles(candles)
    lev = np.atleast_1d(np.asarray(leverage, dtype=float))
    liquidation_barriers("long", lev, s.mmr)  # validate the leverages once
    r = np.diff(np.log(df["close"].to_numpy()))
    n_bars = r.size + 1
    burn = round(s.burn_in_days / iv)
    hl = s.half_life_days / iv
    var_ewma = ewma_variance(r, hl)  # var_ewma[i]: forecast for r[i] from r[:i]; entry at bar i
    vol_ewma = annualize_vol(var_ewma[:n_bars], iv)
    rng = np.random.default_rng(s.seed)

    # GARCH refits and FHS residual sets: every garch_refit_days, on the data before
    refit = max(1, round(s.garch_refit_days / iv))
    refit_starts = list(range(burn, n_bars, refit))
    garch_var = np.full(n_bars, np.nan)
    garch_fits = []
    if "gbm-garch" in models:
        for t0 in refit_starts:
            t1 = min(t0 + refit, n_bars)
            fit = fit_garch(r[:t0], iv)
            v = garch_variance(r[: t1 - 1], fit.omega, fit.alpha, fit.beta, fit.mu)
            garch_var[t0:t1] = v[t0:t1]
            garch_fits.append(fit)

    cells: list[Cell] = []
    scores: dict[tuple[str, float, str], tuple[float, float]] = {}
    rel_p: dict[str, list[np.ndarray]] = {m: [] for m in models}
    rel_y: list[np.ndarray] = []
    for h_days in np.atleast_1d(np.asarray(horizons_days, dtype=float)):
        hb = h_days / iv
        if abs(hb - round(hb)) > 1e-6 or round(hb) < 1:
            raise ValueError(
                f"horizon={horizon_label(h_days)} is not a whole number of the data's "
                f"{horizon_label(iv)} bars; allowed: multiples of {horizon_label(iv)}"
            )
        hb = round(hb)
        if n_bars - hb - burn < 10 * hb:
            need = burn + 11 * hb
            raise ValueError(
                f"horizon={horizon_label(h_days)} leaves too few entries after the "
                f"{s.burn_in_days:g}-day burn-in in {n_bars:,} bars; allowed: a history of at "
                f"least {need:,} {horizon_label(iv)} bars ({need * iv:.4g} days: the burn-in "
                "and ten horizons of entries), or a shorter horizon"
            )
        t_years = h_days / _paths.DAYS_PER_YEAR
        for side in sides:
            liq, right = observed_outcomes(df, side, lev, hb, s.mmr)
            liq, right = liq[burn:], right[burn:]
            entries = np.arange(burn, burn + liq.shape[0])
            _, b = liquidation_barriers(side, lev, s.mmr)
            finite = np.isfinite(b)
            bf = np.where(finite, b, -1.0)
            preds: dict[str, np.ndarray] = {}

            def gbm(vol: np.ndarray, bf=bf, finite=finite, t_years=t_years) -> np.ndarray:
                p = np.asarray(gbm_hit_probability(bf[None, :], t_years, vol[:, None]))
                return np.where(finite[None, :], p, 0.0)

            if "gbm-preset" in models:
                preds["gbm-preset"] = np.broadcast_to(
                    gbm(np.array([s.preset_vol])), liq.shape
                ).copy()
            if "gbm-ewma" in models:
                preds["gbm-ewma"] = gbm(vol_ewma[entries])
            if "gbm-garch" in models:
                out = np.empty(liq.shape)
                for j, t0 in enumerate(refit_starts):
                    sel = (entries >= t0) & (entries < t0 + refit)
                    if not sel.any():
                        continue
                    f = garch_fits[j]
                    vols = f.horizon_vol_annual(h_days, next_variance=garch_var[entries[sel]])
                    out[sel] = gbm(np.atleast_1d(vols))
                preds["gbm-garch"] = out
            if "t-preset" in models or "t-ewma" in models:
                mins = _standard_minima(
                    _paths.student_t(_V0, 0.0, s.df), side, h_days, s.n_paths, s.seed + 1
                )
                if "t-preset" in models:
                    p = _scale_family_p(mins, bf, np.array([s.preset_vol]))
                    preds["t-preset"] = np.broadcast_to(p, liq.shape).copy()
                if "t-ewma" in models:
                    preds["t-ewma"] = _scale_family_p(mins, bf, vol_ewma[entries])
            if "fhs" in models:
                out = np.empty(liq.shape)
                resid_all = r / np.sqrt(var_ewma[: r.size])
                for j, t0 in enumerate(refit_starts):
                    sel = (entries >= t0) & (entries < t0 + refit)
                    if not sel.any():
                        continue
                    model = _fhs_model(resid_all[:t0], iv, s.fhs_block_len)
                    mins = _standard_minima(model, side, h_days, s.n_paths // 2, s.seed + 2 + j)
                    out[sel] = _scale_family_p(mins, bf, vol_ewma[entries[sel]])
                preds["fhs"] = out
            for m in preds:
                preds[m] = np.where(finite[None, :], preds[m], 0.0)

            y = liq.astype(float)
            block = max(2 * hb, round(7 / iv))
            boot = _block_bootstrap_means(y, block, s.n_boot, rng)
            lo, hi = np.quantile(boot, [0.025, 0.975], axis=0)
            for li, L in enumerate(lev):
                pr, br, ll = {}, {}, {}
                for m, p in preds.items():
                    pc = np.clip(p[:, li], P_CLIP, 1 - P_CLIP)
                    pr[m] = float(p[:, li].mean())
                    br[m] = float(np.mean((p[:, li] - y[:, li]) ** 2))
                    ll[m] = float(-np.mean(y[:, li] * np.log(pc) + (1 - y[:, li]) * np.log1p(-pc)))
                cells.append(
                    Cell(
                        side,
                        float(h_days),
                        float(L),
                        int(y.shape[0]),
                        float(y[:, li].mean()),
                        float(lo[li]),
                        float(hi[li]),
                        float(right[:, li].mean()),
                        pr,
                        br,
                        ll,
                    )
                )
            for m, p in preds.items():
                pc = np.clip(p, P_CLIP, 1 - P_CLIP)
                scores[(side, float(h_days), m)] = (
                    float(np.mean((p - y) ** 2)),
                    float(-np.mean(y * np.log(pc) + (1 - y) * np.log1p(-pc))),
                )
                rel_p[m].append(p.ravel())
            rel_y.append(y.ravel())

    reliability: dict[str, list[tuple[float, float, float, int]]] = {}
    if rel_y:
        yy = np.concatenate(rel_y)
        edges = np.asarray(RELIABILITY_EDGES)
        for m in models:
            pp = np.concatenate(rel_p[m])
            k = np.clip(np.searchsorted(edges, pp, "right") - 1, 0, edges.size - 2)
            rows = []
            for j in range(edges.size - 1):
                sel = k == j
                cnt = int(sel.sum())
                if cnt:
                    rows.append(
                        (float(edges[j]), float(pp[sel].mean()), float(yy[sel].mean()), cnt)
                    )
            reliability[m] = rows
    return Report(
        cells=cells,
        scores=scores,
        reliability=reliability,
        models=tuple(models),
        settings=s,
        start=df.index[0],
        end=df.index[-1],
        interval_days=iv,
        data_vol_annual=float(np.std(r, ddof=1) * math.sqrt(_paths.DAYS_PER_YEAR / iv)),
        extra={"garch": garch_fits[-1] if garch_fits else None},
    )


# --------------------------------------------------------------------------------------------
# The calibrated model for the app and the CLI
# --------------------------------------------------------------------------------------------
#: The model the calibration on the shipped BTC hourly history scores best (lowest Brier score
#: and log loss at every horizon from 1 hour to 7 days; ``python -m risk calibrate``), and so
#: the app's default: filtered historical simulation.
CALIBRATED_MODEL = "fhs"


@cache
def _standardized_residuals(history: str, half_life_days: float) -> tuple[np.ndarray, float]:
    from risk.history import load_history

    r, iv = candle_returns(load_history(history))
    var = ewma_variance(r, half_life_days / iv)
    z = r / np.sqrt(var[: r.size])
    burn = min(r.size - 2, round(30 / iv))  # the EWMA's warm start is not a forecast
    return z[burn:], iv


def calibrated_model(
    vol_annual: float,
    *,
    history: str = "btc-1h",
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    block_len: int = 24,
) -> _paths.PriceModel:
    """The calibrated price model at ``vol_annual``: a block bootstrap (``block_len`` bars) of
    the shipped history's returns divided by their EWMA volatility (filtered historical
    simulation, Barone-Adesi, Giannopoulos & Vosper 1999), rescaled to ``vol_annual``. It keeps
    the real shape of the moves (fat tails, skew, short-term clustering) and takes the level
    of volatility from the caller: a preset, or "volatility now"."""
    vol = float(check_range("vol_annual", vol_annual, 0.0, 20.0, lo_open=True, why="0.6 = 60%"))
    z, iv = _standardized_residuals(history, float(half_life_days))
    z = z - z.mean()
    scaled = z / z.std() * (vol * math.sqrt(iv / _paths.DAYS_PER_YEAR))
    return _paths.PriceModel(
        "bootstrap", vol, 0.0, returns=scaled, interval_days=iv, block_len=block_len
    )


@dataclass(frozen=True)
class MaxLeverage:
    """The highest whole-number leverage whose odds of liquidation over the horizon stay below
    ``target`` (NaN when even 1x does not: a 1x short can be liquidated), with the odds at it
    and at the next whole leverage, and the whole curve (``leverage``, ``p``, ``stderr``)."""

    target: float
    side: str
    horizon_days: float
    vol_annual: float
    max_leverage: float
    p_at_max: float
    p_next: float
    leverage: np.ndarray
    p: np.ndarray
    stderr: np.ndarray


def max_leverage_for(
    target: float,
    side: str,
    horizon_days: float,
    vol_annual: float,
    *,
    mmr: float = 0.004,
    model: _paths.PriceModel | None = None,
    max_leverage: float = 125.0,
    n_paths: int = 20_000,
    seed: int = 0,
) -> MaxLeverage:
    """Highest whole leverage ``L`` with ``P(liquidated within horizon_days) < target`` under
    ``model`` (default: :func:`calibrated_model` at ``vol_annual``), searched over 1x ..
    ``min(max_leverage, below 1/mmr)`` on one set of simulated paths
    (:func:`risk.odds.highest_leverage_below`). ``target`` is a probability (0.05 = 5%)."""
    from risk.odds import highest_leverage_below, odds_monte_carlo

    t = float(check_range("target", target, 0.0, 1.0, lo_open=True, hi_open=True, why="0.05"))
    check_choice("side", side, SIDES)
    top = float(check_range("max_leverage", max_leverage, 1.0, 1000.0))
    if mmr > 0:
        top = min(top, math.ceil(1.0 / mmr) - 1.0)
    grid = np.arange(1.0, math.floor(top) + 1.0)
    m = calibrated_model(vol_annual) if model is None else model
    steps = max(1, round(float(horizon_days) * 24))
    res = odds_monte_carlo(
        side,
        grid,
        m,
        horizon_days,
        mmr=mmr,
        n_paths=n_paths,
        n_steps=steps,
        seed=seed,
        keep_roi=False,
        n_times=1,
    )
    best = highest_leverage_below(grid, res.p_liquidation, t)
    at = float("nan") if not math.isfinite(best) else float(res.p_liquidation[int(best) - 1])
    nxt_i = 0 if not math.isfinite(best) else int(best)
    nxt = float(res.p_liquidation[nxt_i]) if nxt_i < grid.size else float("nan")
    assert res.stderr_liquidation is not None
    return MaxLeverage(
        t,
        side,
        float(horizon_days),
        float(m.vol_annual),
        best,
        at,
        nxt,
        grid,
        res.p_liquidation,
        res.stderr_liquidation,
    )


@cache
def shipped_calibration() -> dict:
    """The precomputed calibration on the shipped BTC hourly history
    (``risk/data/calibration_btc_1h.json``, written by ``tools/build_calibration.py``)."""
    import json
    from importlib import resources

    text = resources.files("risk").joinpath("data", "calibration_btc_1h.json").read_text("utf-8")
    return json.loads(text)


@dataclass(frozen=True)
class HistoryShares:
    """Of all positions opened at any bar of a shipped history (after the burn-in): the share
    liquidated within the horizon and the share right on direction and liquidated anyway, per
    leverage; ``n_entries`` positions each."""

    leverage: np.ndarray
    liquidated: np.ndarray
    right_and_liquidated: np.ndarray
    n_entries: int
    label: str


def history_shares(
    side: str,
    horizon_days: float,
    leverage: ArrayLike,
    *,
    mmr: float = 0.004,
    history: str = "btc-1h",
    burn_in_days: float = 60.0,
) -> HistoryShares:
    """What really happened (:func:`observed_outcomes`) on a shipped history, with the same
    entries as the calibration (every bar after ``burn_in_days``)."""
    from risk.history import history_info, load_history

    candles = load_history(history)
    iv = history_info(history).interval_days
    hb = round(float(horizon_days) / iv)
    if hb < 1 or abs(hb * iv - float(horizon_days)) > 1e-9:
        raise ValueError(
            f"horizon_days={horizon_days:g} is not a whole number of the history's bars "
            f"({iv:g} days); allowed: multiples of {iv:g}"
        )
    liq, right = observed_outcomes(candles, side, leverage, hb, mmr)
    burn = round(burn_in_days / iv)
    liq, right = liq[burn:], right[burn:]
    return HistoryShares(
        np.atleast_1d(np.asarray(leverage, dtype=float)),
        liq.mean(axis=0),
        right.mean(axis=0),
        int(liq.shape[0]),
        history_info(history).label,
    )
