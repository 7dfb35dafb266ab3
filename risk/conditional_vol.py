"""Conditional volatility: how volatile the market is NOW, from candles.

Two estimators of the variance of the next return given the returns so far:

- **EWMA** (RiskMetrics, J.P. Morgan/Reuters, *RiskMetrics Technical Document*, 4th ed. 1996,
  section 5.2.1): ``s2[t] = lam * s2[t-1] + (1 - lam) * r[t-1]^2`` with zero mean. The decay is
  given by its half-life ``H`` (in intervals): ``lam = 2^(-1/H)``, so a return's weight halves
  every ``H`` intervals. RiskMetrics' daily ``lam = 0.94`` is a half-life of 11.2 days; the
  default here, 3 days, follows crypto's faster regime changes.
- **GARCH(1,1)** (Bollerslev 1986, *J. Econometrics* 31): ``s2[t] = omega + alpha * e[t-1]^2 +
  beta * s2[t-1]`` with ``e = r - mu``, fitted by Gaussian maximum likelihood with the ``arch``
  package (K. Sheppard, github.com/bashtage/arch), the field's reference implementation. Its
  ``k``-step forecast reverts to the long-run variance ``V = omega / (1 - alpha - beta)``:
  ``E[s2[t+k]] = V + (alpha + beta)^(k-1) * (s2[t+1] - V)``.

Units: returns are log returns per interval (fractions); variances are per interval
(fraction^2); ``*_vol_annual`` figures are annualized standard deviations,
``sqrt(variance * 365 / interval_days)`` (crypto trades every day).

Candles: a ``pandas.DataFrame`` with a ``close`` column (``open``/``high``/``low``/``volume``
optional) and a UTC ``DatetimeIndex`` at a regular spacing, as returned by the market-data
cache or :func:`risk.history.load_history`; a ``Series`` of closes works too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from risk._validate import ArrayLike, as_float_array, check_choice, check_range

DAYS_PER_YEAR = 365.0
#: Default EWMA half-life in days ("a few days": recent enough to see a regime change, long
#: enough not to chase one hour's spike).
DEFAULT_HALF_LIFE_DAYS = 3.0
#: Scale of the returns handed to the optimizer (percent): ``arch`` converges best when the
#: variance is of order 1 and warns otherwise.
_FIT_SCALE = 100.0


def _returns(returns: ArrayLike, min_size: int = 2) -> np.ndarray:
    r = as_float_array("returns", returns)
    if r.ndim != 1 or r.size < min_size:
        raise ValueError(
            f"returns has {r.size} values; allowed: a 1-D series of at least {min_size}"
        )
    return r


def interval_days_of(index: pd.Index) -> float:
    """Median spacing of a ``DatetimeIndex`` in days (``ValueError`` without timestamps)."""
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 2:
        raise ValueError(
            "candles have no DatetimeIndex; allowed: candles indexed by UTC timestamps"
        )
    seconds = np.diff(index.as_unit("ns").asi8) / 1e9  # int64 nanoseconds, tz-aware or not
    return float(np.median(seconds)) / 86_400.0


def candle_returns(candles: pd.DataFrame | pd.Series) -> tuple[np.ndarray, float]:
    """``(log returns of the closes, interval_days)`` of candles (see module docs)."""
    if isinstance(candles, pd.DataFrame):
        cols = {str(c).strip().lower(): c for c in candles.columns}
        if "close" not in cols:
            raise ValueError(
                f"column 'close' is missing (columns: {', '.join(map(str, candles.columns))}); "
                "allowed: candles with a close column"
            )
        closes = candles[cols["close"]]
    else:
        closes = candles
    c = check_range("close", np.asarray(closes, dtype=float), 0.0, lo_open=True)
    if c.size < 3:
        raise ValueError(f"candles have {c.size} rows; allowed: at least 3")
    return np.diff(np.log(c)), interval_days_of(closes.index)


def half_life_lambda(half_life_intervals: float) -> float:
    """EWMA decay ``lam = 2^(-1/H)`` for a half-life of ``H`` intervals (``H > 0``)."""
    h = float(check_range("half_life_intervals", half_life_intervals, 0.0, 1e7, lo_open=True))
    return 2.0 ** (-1.0 / h)


def ewma_variance(
    returns: ArrayLike, half_life_intervals: float, init_variance: float | None = None
) -> np.ndarray:
    """RiskMetrics EWMA variance forecasts, per interval.

    ``out[t]`` is the forecast of ``r[t]``'s variance from ``r[0..t-1]`` only:
    ``out[0] = init_variance`` and ``out[t] = lam * out[t-1] + (1 - lam) * r[t-1]^2`` with
    ``lam = 2^(-1/H)``; ``out[n]`` (one more than the returns) is the forecast for the next,
    unseen return: the "volatility now". ``init_variance=None`` starts from the mean of
    ``r^2`` over the first ``min(n, ceil(3 H))`` returns (a warm start; callers that need
    strictly out-of-sample forecasts skip that burn-in).

    Parameters
    ----------
    returns : array
        Log returns per interval (fractions), oldest first.
    half_life_intervals : float
        Half-life ``H`` in intervals (72 for 3 days of hourly returns).
    init_variance : float, optional
        Variance (fraction^2 per interval) before the first return.

    Returns
    -------
    numpy.ndarray
        Shape ``(n + 1,)``, variances per interval.
    """
    r = _returns(returns, 1)
    lam = half_life_lambda(half_life_intervals)
    if init_variance is None:
        k = min(r.size, math.ceil(3 * float(half_life_intervals)))
        v0 = float(np.mean(r[:k] ** 2))
    else:
        v0 = float(check_range("init_variance", init_variance, 0.0))
    # s2[t] = lam s2[t-1] + (1-lam) r[t-1]^2 is pandas' ewm(alpha=1-lam, adjust=False) of the
    # sequence (v0, r0^2, r1^2, ...): y0 = x0, y_t = (1-alpha) y_(t-1) + alpha x_t.
    seq = np.concatenate([[v0], r * r])
    return pd.Series(seq).ewm(alpha=1.0 - lam, adjust=False).mean().to_numpy()


def annualize_vol(variance_per_interval: ArrayLike, interval_days: float) -> np.ndarray:
    """``sqrt(variance * 365 / interval_days)``: a per-interval variance as annual volatility."""
    iv = float(check_range("interval_days", interval_days, 0.0, 31.0, lo_open=True))
    return np.sqrt(np.asarray(variance_per_interval, dtype=float) * DAYS_PER_YEAR / iv)


def ewma_vol_annual(
    candles: pd.DataFrame | pd.Series, half_life_days: float = DEFAULT_HALF_LIFE_DAYS
) -> float:
    """ "Volatility now": the EWMA forecast of the next interval's variance from the candles'
    closes (half-life ``half_life_days``), annualized (0.6 = 60% a year)."""
    r, iv = candle_returns(candles)
    hl = float(check_range("half_life_days", half_life_days, 0.0, 3650.0, lo_open=True))
    return float(annualize_vol(ewma_variance(r, hl / iv)[-1], iv))


@dataclass(frozen=True)
class GarchFit:
    """A fitted GARCH(1,1): ``s2[t] = omega + alpha * (r[t-1] - mu)^2 + beta * s2[t-1]``.

    ``omega``, ``mu`` and the variances are in the units of the returns (fraction^2 and
    fraction per interval); ``next_variance`` is the forecast for the interval after the
    last return; ``loglik`` the Gaussian log-likelihood of the returns (fraction units).
    """

    omega: float
    alpha: float
    beta: float
    mu: float
    interval_days: float
    next_variance: float
    loglik: float
    n_obs: int

    @property
    def persistence(self) -> float:
        """``alpha + beta``: how slowly a shock to the variance fades (below 1)."""
        return self.alpha + self.beta

    @property
    def long_run_variance(self) -> float:
        """``V = omega / (1 - alpha - beta)`` per interval (inf when persistence >= 1)."""
        p = self.persistence
        return self.omega / (1.0 - p) if p < 1.0 else math.inf

    @property
    def vol_now_annual(self) -> float:
        return float(annualize_vol(self.next_variance, self.interval_days))

    @property
    def long_run_vol_annual(self) -> float:
        return float(annualize_vol(self.long_run_variance, self.interval_days))

    def filter(self, returns: ArrayLike, init_variance: float | None = None) -> np.ndarray:
        """Run these parameters over (possibly new) returns: :func:`garch_variance`."""
        v0 = self.next_variance if init_variance is None else init_variance
        return garch_variance(returns, self.omega, self.alpha, self.beta, self.mu, v0)

    def horizon_vol_annual(
        self, horizon_days: float, next_variance: ArrayLike | None = None
    ) -> float | np.ndarray:
        """Annualized volatility of the return over the next ``horizon_days``:
        ``sqrt(sum_(k=1..m) E[s2[t+k]] / m)`` annualized, with ``m = horizon / interval``
        intervals, from :func:`garch_horizon_variance`. ``next_variance`` (array) forecasts
        from other starting points (e.g. every entry time of a calibration)."""
        m = horizon_days / self.interval_days
        s1 = self.next_variance if next_variance is None else next_variance
        total = garch_horizon_variance(s1, m, self.omega, self.alpha, self.beta)
        out = annualize_vol(np.asarray(total) / m, self.interval_days)
        return float(out) if np.ndim(out) == 0 else out


def garch_variance(
    returns: ArrayLike,
    omega: float,
    alpha: float,
    beta: float,
    mu: float = 0.0,
    init_variance: float | None = None,
) -> np.ndarray:
    """GARCH(1,1) conditional variances, shape ``(n + 1,)``: ``out[0] = init_variance``
    (default: the long-run variance ``omega / (1 - alpha - beta)`` when finite, else the sample
    variance), ``out[t] = omega + alpha (r[t-1] - mu)^2 + beta out[t-1]``; ``out[n]`` is the
    forecast for the next return. Only ``r[0..t-1]`` enter ``out[t]``. A plain loop over Python
    floats (a few ms per 20,000 returns)."""
    r = _returns(returns, 1)
    a = float(check_range("alpha", alpha, 0.0, 1.0))
    b = float(check_range("beta", beta, 0.0, 1.0))
    w = float(check_range("omega", omega, 0.0, lo_open=True))
    if init_variance is None:
        init_variance = w / (1.0 - a - b) if a + b < 1.0 else float(np.var(r))
    e2 = ((r - float(mu)) ** 2).tolist()
    out = [float(init_variance)]
    s = out[0]
    for x in e2:
        s = w + a * x + b * s
        out.append(s)
    return np.asarray(out)


def garch_horizon_variance(
    next_variance: ArrayLike, m: float, omega: float, alpha: float, beta: float
) -> float | np.ndarray:
    """Expected variance of the sum of the next ``m`` returns (``m`` may be fractional),
    ``sum_(k=1..m) E[s2[t+k]] = m V + (s2[t+1] - V) (1 - phi^m) / (1 - phi)``, with
    ``phi = alpha + beta < 1`` and ``V = omega / (1 - phi)``; ``m * s2[t+1]`` at ``phi = 1``."""
    s1 = np.asarray(next_variance, dtype=float)
    mm = float(check_range("m", m, 0.0, lo_open=True))
    phi = float(alpha) + float(beta)
    if phi >= 1.0 - 1e-12:
        out = mm * s1
    else:
        v = float(omega) / (1.0 - phi)
        out = mm * v + (s1 - v) * (1.0 - phi**mm) / (1.0 - phi)
    return float(out) if out.ndim == 0 else out


def fit_garch(returns: ArrayLike, interval_days: float, *, mean: str = "zero") -> GarchFit:
    """Fit a GARCH(1,1) with Gaussian innovations by maximum likelihood (``arch``).

    ``returns`` are per-interval returns (fractions; log returns for prices); ``mean`` is
    ``"zero"`` (the default: an hourly mean is noise) or ``"constant"`` (``mu`` estimated).
    The optimizer works on percent returns (x100); the fit is reported back in fractions.
    Raises ``ValueError`` when the optimizer does not converge.
    """
    check_choice("mean", mean, ("zero", "constant"))
    r = _returns(returns, 30)
    iv = float(check_range("interval_days", interval_days, 0.0, 31.0, lo_open=True))
    from arch import arch_model  # imported on first use: arch pulls in scipy (~1 s)

    am = arch_model(r * _FIT_SCALE, mean="Zero" if mean == "zero" else "Constant", p=1, q=1)
    res = am.fit(disp="off", show_warning=False)
    if res.convergence_flag != 0:
        raise ValueError(
            f"returns: the GARCH(1,1) likelihood did not converge (flag "
            f"{res.convergence_flag}); allowed: a longer series of non-constant returns"
        )
    p = res.params
    s2 = _FIT_SCALE**2
    mu = float(p["mu"]) / _FIT_SCALE if "mu" in p else 0.0
    omega, alpha, beta = float(p["omega"]) / s2, float(p["alpha[1]"]), float(p["beta[1]"])
    last_sigma2 = float(res.conditional_volatility[-1]) ** 2 / s2
    nxt = omega + alpha * (float(r[-1]) - mu) ** 2 + beta * last_sigma2
    # log-likelihood in fraction units: each observation's density scales by 1/_FIT_SCALE
    loglik = float(res.loglikelihood) + r.size * math.log(_FIT_SCALE)
    return GarchFit(omega, alpha, beta, mu, iv, nxt, loglik, int(r.size))


def garch_vol_annual(candles: pd.DataFrame | pd.Series) -> GarchFit:
    """:func:`fit_garch` on the candles' log returns (see module docs for the candles)."""
    r, iv = candle_returns(candles)
    return fit_garch(r, iv)


# --- "volatility now" from candles ------------------------------------------------------------
VOL_NOW_METHODS = ("ewma", "garch")
VOL_NOW_LABELS = {"ewma": "EWMA", "garch": "GARCH(1,1)"}
#: EWMA needs this many half-lives of returns: the weight left on the starting value is then
#: ``2^-3 = 1/8`` (and the warm start itself averages the first three half-lives).
EWMA_MIN_HALF_LIVES = 3.0
#: GARCH(1,1) needs a few hundred returns before the likelihood pins ``alpha`` and ``beta`` down
#: (a year of daily returns, ten days of hourly ones); fewer is refused, not fitted.
GARCH_MIN_RETURNS = 250


def spacing_label(interval_days: float) -> str:
    """``"1h"``, ``"1d"``, ``"5m"``: a candle spacing as traders write it."""
    minutes = interval_days * 1440.0
    if minutes >= 1440.0 - 1e-6 and abs(interval_days - round(interval_days)) < 1e-6:
        return f"{round(interval_days)}d"
    if minutes >= 60.0 - 1e-6 and abs(minutes / 60.0 - round(minutes / 60.0)) < 1e-6:
        return f"{round(minutes / 60.0)}h"
    return f"{minutes:.4g}m"


@dataclass(frozen=True)
class VolNow:
    """A "volatility now" estimate and what it was measured on.

    ``vol_annual``: the forecast (fraction a year) of the next interval's volatility, or, with
    ``horizon_days``, GARCH's mean over that horizon (EWMA's forecast is flat); ``start`` /
    ``end``: the first and last candle used; ``long_run_vol_annual``: GARCH's long-run level
    (None for EWMA, or when the fit has no finite long run).
    """

    vol_annual: float
    method: str
    n_returns: int
    interval_days: float
    start: pd.Timestamp
    end: pd.Timestamp
    half_life_days: float | None = None
    horizon_days: float | None = None
    long_run_vol_annual: float | None = None

    def describe(self) -> str:
        """One line for a caption or a terminal, e.g. "EWMA (half-life 3 days) of 719 1h
        returns, 2025-03-06 11:00 to 2025-04-05 09:00 UTC: 48% a year"."""
        how = VOL_NOW_LABELS[self.method]
        if self.half_life_days is not None:
            plural = "" if self.half_life_days == 1 else "s"
            how += f" (half-life {self.half_life_days:g} day{plural})"
        span = f"{self.start:%Y-%m-%d %H:%M} to {self.end:%Y-%m-%d %H:%M} UTC"
        what = (
            f"{how} of {self.n_returns:,} {spacing_label(self.interval_days)} returns, {span}: "
            f"{self.vol_annual:.0%} a year"
        )
        if self.method == "garch":
            when = (
                "next-interval forecast"
                if self.horizon_days is None
                else f"mean forecast over {self.horizon_days:g} "
                f"day{'' if self.horizon_days == 1 else 's'}"
            )
            what += f" ({when}"
            if self.long_run_vol_annual is not None:
                what += f"; long-run level {self.long_run_vol_annual:.0%}"
            what += ")"
        return what


def vol_now(
    candles: pd.DataFrame | pd.Series,
    method: str = "ewma",
    *,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    horizon_days: float | None = None,
) -> VolNow:
    """ "Volatility now" from candles (any of the user's CSV, the market-data cache, the shipped
    history: see :func:`risk.vol_sources.load_candles`): :func:`ewma_vol_annual` or a
    :func:`fit_garch` forecast.

    Parameters
    ----------
    candles : DataFrame or Series
        Candles with a ``close`` column (or closes) and a ``DatetimeIndex``, oldest first.
    method : {"ewma", "garch"}
    half_life_days : float
        EWMA half-life in days (ignored by GARCH).
    horizon_days : float, optional
        GARCH only: the mean forecast over this horizon instead of the next interval's.

    Raises
    ------
    ValueError
        A file too short for the method: EWMA needs :data:`EWMA_MIN_HALF_LIVES` half-lives of
        returns, GARCH :data:`GARCH_MIN_RETURNS` returns; or a GARCH fit that does not converge.
    """
    check_choice("method", method, VOL_NOW_METHODS)
    r, iv = candle_returns(candles)
    index = candles.index
    start, end = index[0], index[-1]
    span = f"{(end - start).total_seconds() / 86_400:.3g} days of {spacing_label(iv)} candles"
    if method == "ewma":
        hl = float(check_range("half_life_days", half_life_days, 0.0, 3650.0, lo_open=True))
        need = math.ceil(EWMA_MIN_HALF_LIVES * hl / iv)
        if r.size < need:
            raise ValueError(
                f"candles have {r.size:,} returns ({span}); allowed: at least {need:,} for EWMA "
                f"with a {hl:g}-day half-life ({EWMA_MIN_HALF_LIVES:g} half-lives, "
                f"{EWMA_MIN_HALF_LIVES * hl:g} days)"
            )
        var = float(ewma_variance(r, hl / iv)[-1])
        return VolNow(float(annualize_vol(var, iv)), method, int(r.size), iv, start, end, hl)
    if r.size < GARCH_MIN_RETURNS:
        raise ValueError(
            f"candles have {r.size:,} returns ({span}); allowed: at least "
            f"{GARCH_MIN_RETURNS} for a GARCH(1,1) fit ({GARCH_MIN_RETURNS * iv:.3g} days of "
            f"{spacing_label(iv)} candles)"
        )
    fit = fit_garch(r, iv)
    if horizon_days is None:
        vol = fit.vol_now_annual
    else:
        h = float(check_range("horizon_days", horizon_days, 0.0, 3650.0, lo_open=True))
        vol = float(fit.horizon_vol_annual(h))
    lr = fit.long_run_vol_annual
    return VolNow(
        float(vol),
        method,
        int(r.size),
        iv,
        start,
        end,
        None,
        horizon_days,
        lr if math.isfinite(lr) else None,
    )
