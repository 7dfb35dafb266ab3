"""Realized volatility from OHLC candles: close-to-close, Parkinson, Garman-Klass, Rogers-Satchell
and Yang-Zhang.

Each estimator gives the variance of the log price per bar; :func:`annualize` turns it into
``vol_annual`` (a fraction, 0.54 = 54% a year) for a market that trades every day:
``sigma_annual = sqrt(var_per_bar * periods_per_year)`` with ``periods_per_year = 365 * 24 /
bar_hours`` (no 252-day convention: crypto perpetuals never close).

Arrays: every function accepts prices of shape ``(..., n_bars)``, bars along the LAST axis, and
returns one estimate per leading index (a float for one series). Prices are in any one currency;
only their logs' differences matter.

Notation for bar ``t``: ``O_t, H_t, L_t, C_t``; ``u = ln(H/O)``, ``d = ln(L/O)``, ``c = ln(C/O)``,
overnight ``o_t = ln(O_t / C_{t-1})`` (on a 24/7 market the gap between one bar's close and the
next bar's open).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from risk._validate import ArrayLike, check_range
from risk.volatility import DAYS_PER_YEAR

if TYPE_CHECKING:
    import pandas as pd

METHODS = ("close_to_close", "parkinson", "garman_klass", "rogers_satchell", "yang_zhang")
#: Yang & Zhang (2000), eq. (9): the alpha that minimizes the estimator's variance, "1.34 in
#: practice"; k = (alpha - 1) / (alpha + (n + 1) / (n - 1)).
YZ_ALPHA = 1.34


def _prices(name: str, x: ArrayLike) -> np.ndarray:
    arr = np.asarray(x, dtype=float)
    if arr.ndim == 0:
        raise ValueError(f"{name}={arr!r} is a scalar; allowed: an array of bar prices")
    bad = ~(np.isfinite(arr) & (arr > 0))
    if bad.any():
        first = arr[bad].flat[0]
        raise ValueError(f"{name} holds {first!r}; allowed: finite prices > 0")
    return arr


def _min_bars(name: str, arr: np.ndarray, n: int) -> None:
    if arr.shape[-1] < n:
        raise ValueError(
            f"{name} has {arr.shape[-1]} bars; allowed: at least {n} bars for this estimator"
        )


def _ohlc(
    open_: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    o, h, lo, c = (
        _prices(k, v) for k, v in (("open", open_), ("high", high), ("low", low), ("close", close))
    )
    if not (o.shape == h.shape == lo.shape == c.shape):
        raise ValueError(
            f"open/high/low/close shapes {o.shape}, {h.shape}, {lo.shape}, {c.shape} differ; "
            "allowed: one shape"
        )
    _min_bars("close", c, n)
    tol = 1e-12
    if np.any(h < np.maximum(o, c) * (1 - tol)):
        raise ValueError("high is below the open or the close in a bar; allowed: high >= max(O, C)")
    if np.any(lo > np.minimum(o, c) * (1 + tol)):
        raise ValueError("low is above the open or the close in a bar; allowed: low <= min(O, C)")
    return o, h, lo, c


def _out(x: np.ndarray) -> float | np.ndarray:
    return float(x) if np.ndim(x) == 0 else x


def periods_per_year(bar_hours: float) -> float:
    """Bars in a 365-day year of round-the-clock trading: ``365 * 24 / bar_hours``."""
    check_range("bar_hours", bar_hours, 0.0, 24.0 * DAYS_PER_YEAR, lo_open=True)
    return DAYS_PER_YEAR * 24.0 / float(bar_hours)


def annualize(var_per_bar: ArrayLike, bar_hours: float) -> float | np.ndarray:
    """``sqrt(var_per_bar * 365 * 24 / bar_hours)``: per-bar log variance -> ``vol_annual``."""
    v = np.asarray(var_per_bar, dtype=float)
    return _out(np.sqrt(np.maximum(v, 0.0) * periods_per_year(bar_hours)))


# --- per-bar variances ------------------------------------------------------------------------
def close_to_close_var(close: ArrayLike, *, demean: bool = True) -> float | np.ndarray:
    """Sample variance of the log returns ``r_t = ln(C_t / C_{t-1})``:
    ``sum (r_t - mean r)^2 / (n - 1)`` (``sum r_t^2 / n`` with ``demean=False``)."""
    c = _prices("close", close)
    _min_bars("close", c, 3 if demean else 2)
    r = np.diff(np.log(c), axis=-1)
    if demean:
        return _out(np.var(r, axis=-1, ddof=1))
    return _out(np.mean(r * r, axis=-1))


def parkinson_var(high: ArrayLike, low: ArrayLike) -> float | np.ndarray:
    """Parkinson (1980): ``mean[(ln H/L)^2] / (4 ln 2)``, the variance of a driftless random walk
    from each bar's high-low range. Ignores drift and the gaps between bars."""
    h, lo = _prices("high", high), _prices("low", low)
    if h.shape != lo.shape:
        raise ValueError(f"high/low shapes {h.shape}, {lo.shape} differ; allowed: one shape")
    _min_bars("high", h, 1)
    if np.any(h < lo):
        raise ValueError("high is below low in a bar; allowed: high >= low")
    hl = np.log(h / lo)
    return _out(np.mean(hl * hl, axis=-1) / (4.0 * math.log(2.0)))


def garman_klass_var(
    open_: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike
) -> float | np.ndarray:
    """Garman & Klass (1980), their "practical" estimator sigma_5-hat:
    ``mean[0.5 (ln H/L)^2 - (2 ln 2 - 1) (ln C/O)^2]``. Driftless random walk within each bar;
    the gaps between bars are ignored."""
    o, h, lo, c = _ohlc(open_, high, low, close, 1)
    hl, co = np.log(h / lo), np.log(c / o)
    return _out(np.mean(0.5 * hl * hl - (2.0 * math.log(2.0) - 1.0) * co * co, axis=-1))


def rogers_satchell_var(
    open_: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike
) -> float | np.ndarray:
    """Rogers & Satchell (1991): ``mean[u (u - c) + d (d - c)]`` with ``u = ln H/O``,
    ``d = ln L/O``, ``c = ln C/O`` (= ``ln(H/C) ln(H/O) + ln(L/C) ln(L/O)``); unbiased whatever
    the drift. Used inside Yang-Zhang."""
    o, h, lo, c = _ohlc(open_, high, low, close, 1)
    u, d, cc = np.log(h / o), np.log(lo / o), np.log(c / o)
    return _out(np.mean(u * (u - cc) + d * (d - cc), axis=-1))


def yang_zhang_k(n_bars: int) -> float:
    """Yang & Zhang (2000), eq. (9) with alpha = 1.34:
    ``k = 0.34 / (1.34 + (n + 1) / (n - 1))`` for ``n`` bars (n >= 2)."""
    n = int(check_range("n_bars", n_bars, 2.0))
    return (YZ_ALPHA - 1.0) / (YZ_ALPHA + (n + 1.0) / (n - 1.0))


def yang_zhang_var(
    open_: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike
) -> float | np.ndarray:
    """Yang & Zhang (2000), "Drift-independent volatility estimation based on high, low, open,
    and close prices", Journal of Business 73(3): ``V = V_o + k V_c + (1 - k) V_rs`` where
    ``V_o`` is the sample variance (ddof 1) of the opening gaps ``ln(O_t / C_{t-1})``, ``V_c`` that
    of the open-to-close returns ``ln(C_t / O_t)``, ``V_rs`` the Rogers-Satchell mean and ``k``
    :func:`yang_zhang_k`. The first bar only provides the previous close: ``n = bars - 1``.
    Unbiased under drift and opening jumps, with the smallest variance of the family."""
    o, h, lo, c = _ohlc(open_, high, low, close, 3)
    n = c.shape[-1] - 1
    gap = np.log(o[..., 1:] / c[..., :-1])
    oc = np.log(c[..., 1:] / o[..., 1:])
    v_o = np.var(gap, axis=-1, ddof=1)
    v_c = np.var(oc, axis=-1, ddof=1)
    v_rs = np.asarray(rogers_satchell_var(o[..., 1:], h[..., 1:], lo[..., 1:], c[..., 1:]))
    k = yang_zhang_k(n)
    return _out(v_o + k * v_c + (1.0 - k) * v_rs)


# --- annualized -------------------------------------------------------------------------------
def close_to_close_vol(close: ArrayLike, bar_hours: float) -> float | np.ndarray:
    """Annualized close-to-close volatility (the classical estimator: sample standard deviation
    of log returns, e.g. Hull, "Options, Futures and Other Derivatives", ch. 15), x sqrt(365 *
    24 / bar_hours)."""
    return annualize(close_to_close_var(close), bar_hours)


def parkinson_vol(high: ArrayLike, low: ArrayLike, bar_hours: float) -> float | np.ndarray:
    """Annualized Parkinson (1980), "The extreme value method for estimating the variance of the
    rate of return", Journal of Business 53(1): :func:`parkinson_var`."""
    return annualize(parkinson_var(high, low), bar_hours)


def garman_klass_vol(
    open_: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike, bar_hours: float
) -> float | np.ndarray:
    """Annualized Garman & Klass (1980), "On the estimation of security price volatilities from
    historical data", Journal of Business 53(1): :func:`garman_klass_var`."""
    return annualize(garman_klass_var(open_, high, low, close), bar_hours)


def yang_zhang_vol(
    open_: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike, bar_hours: float
) -> float | np.ndarray:
    """Annualized Yang & Zhang (2000), Journal of Business 73(3): :func:`yang_zhang_var`."""
    return annualize(yang_zhang_var(open_, high, low, close), bar_hours)


def bar_hours_of(index: pd.DatetimeIndex) -> float:
    """Bar length in hours: the median spacing of a candle index (gaps from missing bars do
    not move the median)."""
    if len(index) < 2:
        raise ValueError(f"candles have {len(index)} bars; allowed: at least 2 to infer bar_hours")
    steps_s = np.asarray((index[1:] - index[:-1]).total_seconds(), dtype=float)
    return float(np.median(steps_s)) / 3600.0


def realized_vol(
    candles: pd.DataFrame, method: str = "yang_zhang", bar_hours: float | None = None
) -> float:
    """``vol_annual`` of a candle DataFrame (``open, high, low, close`` columns, a DatetimeIndex
    when ``bar_hours`` is not given) with one of :data:`METHODS`."""
    from risk._validate import check_choice

    check_choice("method", method, METHODS)
    hours = bar_hours_of(candles.index) if bar_hours is None else float(bar_hours)
    o, h, lo, c = (candles[k].to_numpy(dtype=float) for k in ("open", "high", "low", "close"))
    if method == "close_to_close":
        return float(close_to_close_vol(c, hours))
    if method == "parkinson":
        return float(parkinson_vol(h, lo, hours))
    var = {
        "garman_klass": garman_klass_var,
        "rogers_satchell": rogers_satchell_var,
        "yang_zhang": yang_zhang_var,
    }[method](o, h, lo, c)
    return float(annualize(var, hours))
