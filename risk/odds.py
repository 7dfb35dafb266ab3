"""Odds of touching the liquidation price: closed forms for geometric Brownian motion.

Model and notation (docs/formulas.md section 8)
-----------------------------------------------
The log price relative to entry is ``X_t = ln(P_t / EP) = mu*t + sigma*W_t`` with ``t`` in years:

- ``mu`` (``drift_annual``) is the **drift of the log price per year**: the expected log return
  over one year (0.1 = the log price rises by 0.1 a year on average; the median price grows by
  ``exp(0.1)``). It is NOT the arithmetic return; for GBM the expected price grows at
  ``mu + sigma^2/2``.
- ``sigma`` (``vol_annual``) is the annualized volatility of log returns (0.6 = 60%).
- ``b = ln(LP/EP) < 0`` is the liquidation barrier of a long in log space. A short is liquidated
  when the price RISES to its LP: we work with ``-X`` (drift ``-mu``) and ``b = -ln(LP/EP)``, so
  every formula below is written for a barrier below the start.

The engine
----------
:func:`liquidation_odds` answers a whole grid of leverages at once, in closed form (GBM) or by
Monte Carlo (:mod:`risk.paths`: GBM, Student-t, jumps, bootstrap). One set of simulated paths
serves every leverage: each path's running minimum decides every barrier, so the path minima are
sorted once and each barrier is one binary search (``np.searchsorted``); the survival curve does
the same at ``n_times`` checkpoints. Definitions of the outputs are on :class:`OddsResult`.

Liquidation prices come from :func:`risk.liquidation.liquidation_price` with the generic venue
(one flat maintenance rate ``mmr``, no maintenance amount, no fee) and an isolated linear
position; with a flat rate the position's size does not matter, so ``LP/EP`` depends on the side,
the leverage and ``mmr`` only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from risk import paths as _paths
from risk._validate import ArrayLike, check_choice, check_range, scalar_or_array
from risk.liquidation import liquidation_price
from risk.paths import MIN_VOL_ANNUAL, PathSet, PriceModel, load_price_csv
from risk.positions import Position
from risk.venues import get_venue

_SQRT2 = math.sqrt(2.0)
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_erfc = np.frompyfunc(math.erfc, 1, 1)


def _norm_cdf(x: np.ndarray) -> np.ndarray:
    """Standard normal CDF ``Phi(x) = erfc(-x/sqrt 2)/2`` (``math.erfc`` keeps the relative
    precision in the far left tail, where ``1 + erf`` would cancel)."""
    x = np.asarray(x, dtype=float)
    return 0.5 * np.asarray(_erfc(-x / _SQRT2), dtype=float)


def _log_norm_cdf(x: np.ndarray) -> np.ndarray:
    """``ln Phi(x)``, finite for any finite ``x``.

    Above -20: ``ln`` of :func:`_norm_cdf`. Below: the asymptotic (Mills ratio) expansion
    ``Phi(x) = phi(x)/|x| * sum_k (-1)^k (2k-1)!! / x^(2k)``, ten terms, whose truncation error at
    ``x = -20`` is below 1e-17 relative.
    """
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    far = x < -20.0
    near = ~far
    with np.errstate(divide="ignore"):
        out[near] = np.log(_norm_cdf(x[near]))
    if far.any():
        xf = x[far]
        inv2 = 1.0 / (xf * xf)
        series = np.ones_like(xf)
        term = np.ones_like(xf)
        for k in range(1, 11):
            term = -term * (2 * k - 1) * inv2
            series += term
        out[far] = -0.5 * xf * xf - np.log(-xf) - _LOG_SQRT_2PI + np.log(series)
    return out


def _exp_times_cdf(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``exp(a) * Phi(y)`` without overflow: direct where ``a <= 50``, in log space beyond (the
    product is a probability, so it never overflows although ``exp(a)`` alone may)."""
    a, y = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(y, dtype=float))
    out = np.empty(a.shape, dtype=float)
    small = a <= 50.0
    out[small] = np.exp(a[small]) * _norm_cdf(y[small])
    big = ~small
    if big.any():
        out[big] = np.exp(a[big] + _log_norm_cdf(y[big]))
    return out


def _check_gbm(
    barrier_log: ArrayLike, horizon_years: ArrayLike, vol_annual: ArrayLike, drift_annual: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    b = check_range("barrier_log", barrier_log, hi=0.0, hi_open=True, why="ln(LP/EP) below entry")
    t = check_range("horizon_years", horizon_years, 0.0, lo_open=True)
    s = check_range("vol_annual", vol_annual, MIN_VOL_ANNUAL, 20.0, why="0.6 = 60% a year")
    m = check_range("drift_annual", drift_annual, -20.0, 20.0, why="log-price drift per year")
    return b, t, s, m


def gbm_hit_probability(
    barrier_log: ArrayLike,
    horizon_years: ArrayLike,
    vol_annual: ArrayLike,
    drift_annual: ArrayLike = 0.0,
) -> float | np.ndarray:
    """Probability that ``X_t = mu*t + sigma*W_t`` touches ``b`` by ``T``: ``P(min_[0,T] X <= b)``.

    First-passage law of Brownian motion with drift (reflection principle plus Girsanov;
    formulas.md section 8, e.g. Borodin & Salminen, Handbook of Brownian Motion, 1.1.4)::

        P = Phi((b - mu T)/(sigma sqrt T)) + exp(2 mu b / sigma^2) * Phi((b + mu T)/(sigma sqrt T))

    which for ``mu = 0`` is ``2 Phi(b/(sigma sqrt T))``.

    Parameters
    ----------
    barrier_log : float or array
        ``b = ln(LP/EP) < 0`` (a fraction in log space; -0.1 is a 9.5% fall).
    horizon_years : float or array
        ``T`` in years (> 0); one day is ``1/365``.
    vol_annual : float or array
        ``sigma``, annualized volatility of log returns, in (0, 20].
    drift_annual : float or array
        ``mu``, drift of the log price per year (expected log return per year), in [-20, 20].

    Returns
    -------
    float or numpy.ndarray
        Probability in [0, 1]; inputs broadcast, scalars in give a float out.
    """
    b, t, s, m = _check_gbm(barrier_log, horizon_years, vol_annual, drift_annual)
    sd = s * np.sqrt(t)
    p = _norm_cdf((b - m * t) / sd) + _exp_times_cdf(2.0 * m * b / (s * s), (b + m * t) / sd)
    return scalar_or_array(np.clip(p, 0.0, 1.0))


def gbm_right_but_liquidated_probability(
    barrier_log: ArrayLike,
    horizon_years: ArrayLike,
    vol_annual: ArrayLike,
    drift_annual: ArrayLike = 0.0,
) -> float | np.ndarray:
    """Probability that ``X`` touches ``b < 0`` by ``T`` AND ends at or above the start,
    ``P(min_[0,T] X <= b, X_T >= 0)``: right about the direction, yet liquidated on the way.

    Reflection at the barrier maps paths that touched ``b`` and end above 0 onto paths that end
    below ``2b``; with drift the Girsanov factor ``exp(2 mu b/sigma^2)`` enters (Borodin &
    Salminen 1.1.8)::

        P = exp(2 mu b / sigma^2) * Phi((2b + mu T)/(sigma sqrt T))

    For ``mu = 0`` this is formulas.md section 8's ``Phi(2b/(sigma sqrt T))``. Units and ranges
    as in :func:`gbm_hit_probability`.
    """
    b, t, s, m = _check_gbm(barrier_log, horizon_years, vol_annual, drift_annual)
    p = _exp_times_cdf(2.0 * m * b / (s * s), (2.0 * b + m * t) / (s * np.sqrt(t)))
    return scalar_or_array(np.clip(p, 0.0, 1.0))


def gbm_median_hit_time_years(
    barrier_log: ArrayLike,
    horizon_years: ArrayLike,
    vol_annual: ArrayLike,
    drift_annual: ArrayLike = 0.0,
) -> float | np.ndarray:
    """Median first-passage time to ``b`` over all paths, in years; NaN when fewer than half the
    paths touch ``b`` by ``T`` (the median lies beyond the horizon).

    It solves ``P(min_[0,t] X <= b) = 1/2`` (:func:`gbm_hit_probability` is non-decreasing in
    ``t``). For ``mu = 0`` the reflection principle gives ``2 Phi(b/(sigma sqrt t)) = 1/2``, so
    ``t = (b / (sigma * z_0.25))^2`` with ``z_0.25 = Phi^-1(0.25)``; with drift, bisection in
    ``log t`` to 1e-12 relative.
    """
    b, t, s, m = _check_gbm(barrier_log, horizon_years, vol_annual, drift_annual)
    b, t, s, m = np.broadcast_arrays(b, t, s, m)
    p_end = np.asarray(gbm_hit_probability(b, t, s, m))
    lo = np.full(b.shape, -60.0)  # log t
    hi = np.log(t)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        above = np.asarray(gbm_hit_probability(b, np.exp(mid), s, m)) >= 0.5
        hi = np.where(above, mid, hi)
        lo = np.where(above, lo, mid)
        if np.all(hi - lo < 1e-13):
            break
    out = np.where(p_end >= 0.5, np.exp(hi), np.nan)
    return scalar_or_array(out)


__all__ = [
    "N_TIMES",
    "OddsResult",
    "PathSet",
    "PriceModel",
    "first_passage_steps",
    "gbm_hit_probability",
    "gbm_median_hit_time_years",
    "gbm_right_but_liquidated_probability",
    "highest_leverage_below",
    "liquidation_barriers",
    "liquidation_odds",
    "load_price_csv",
    "odds_closed_form",
    "odds_from_paths",
    "odds_monte_carlo",
    "price_model",
    "sample_price_paths",
    "stop_barrier_log",
]

# --------------------------------------------------------------------------------------------
# The engine: a grid of leverages, closed form or Monte Carlo
# --------------------------------------------------------------------------------------------

METHODS = ("closed-form", "monte-carlo")
#: Model names :func:`price_model` and :func:`liquidation_odds` accept: the simulation models
#: of :mod:`risk.paths` plus ``"history"``, the calibrated one.
ODDS_MODELS = (*_paths.MODELS, "history")
SIDES = ("long", "short")
#: Default number of survival-curve checkpoints (plus the start).
N_TIMES = 96


def liquidation_barriers(
    side: str, leverage: ArrayLike, mmr: float = 0.004
) -> tuple[np.ndarray, np.ndarray]:
    """``(LP/EP, b)`` for each leverage: the liquidation price as a fraction of entry and the
    barrier in the adverse log coordinate, ``b = side * ln(LP/EP) < 0``.

    Uses :func:`risk.liquidation.liquidation_price` on ``get_venue("generic", mmr=mmr)`` with an
    isolated linear ``Position(side, 100, 1, leverage=leverage)``. A leverage with no
    liquidation price (a 1x long: LP would be 0 or below) gets ``LP/EP = NaN`` and ``b = -inf``
    (never liquidated). Raises ``ValueError`` for a leverage the rate does not allow
    (``1/leverage <= mmr``).
    """
    check_choice("side", side, SIDES)
    lev = check_range("leverage", np.atleast_1d(leverage), 1.0)
    if lev.ndim != 1:
        raise ValueError(f"leverage has shape {lev.shape}; allowed: a number or a 1-D list")
    check_range("mmr", mmr, 0.0, 0.5, hi_open=True, why="0.004 = 0.4%")
    if 0 < mmr < 1e-6:
        raise ValueError(f"mmr={mmr!r} is out of range; allowed: 0 or 1e-6 <= mmr < 0.5")
    if mmr > 0:
        check_range(
            "leverage",
            lev,
            1.0,
            1.0 / mmr,
            hi_open=True,
            why=f"at 1/mmr = {1.0 / mmr:g}x the margin would not cover maintenance at entry",
        )
    venue = get_venue("generic", mmr=float(mmr))
    entry = 100.0
    lp = np.atleast_1d(
        np.asarray(liquidation_price(Position(side, entry, 1.0, leverage=lev), venue), dtype=float)
    )
    ratio = lp / entry
    sign = 1.0 if side == "long" else -1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        b = np.where(np.isfinite(ratio), sign * np.log(ratio), -np.inf)
    return ratio, b


def stop_barrier_log(side: str, stop_frac: float) -> float:
    """The stop in the adverse log coordinate: a long's stop at ``EP*(1 - stop_frac)`` is
    ``ln(1 - stop_frac)``, a short's at ``EP*(1 + stop_frac)`` is ``-ln(1 + stop_frac)``."""
    check_choice("side", side, SIDES)
    f = float(
        check_range(
            "stop_frac", stop_frac, 0.0, 1.0, lo_open=True, hi_open=True, why="0.01 = 1% from entry"
        )
    )
    return math.log1p(-f) if side == "long" else -math.log1p(f)


@dataclass(frozen=True)
class OddsResult:
    """Liquidation odds for a grid of leverages (arrays have one entry per leverage, in the
    order given).

    Attributes
    ----------
    p_liquidation
        P(the price touches the liquidation price by the horizon).
    p_right_but_liquidated
        P(touched the liquidation price AND the price at the horizon is at or beyond the entry in
        the position's favour: at/above for a long, at/below for a short).
    p_stop_first
        With a stop ``stop_frac`` from entry: P(the stop fills before liquidation, by the
        horizon). The stop fills when the price reaches it while still short of the LP; a stop at
        or beyond the LP never fills first (0). For continuous paths this is P(touch the stop);
        it is lower only when a gap (jump model) or the coarse view of uncorrected discrete
        monitoring carries the price over the stop and the LP at once. ``None`` without a stop.
    p_gap_through_stop
        P(the price first reached the stop level by jumping to or beyond the LP): liquidated
        although the stop was nearer. NaN where the stop is not nearer than the LP; ``None``
        without a stop.
    median_days_to_liquidation
        Median over ALL paths of the time to liquidation, in days; NaN when fewer than half are
        liquidated by the horizon.
    survival_days, survival
        ``survival[i, l]`` = P(not liquidated by ``survival_days[i]``); ``survival_days[0] = 0``.
    roi
        Monte Carlo only, shape ``(n_leverage, n_paths)``: ROI on the initial margin at the
        horizon of the position held without a stop, ``leverage * side * (P_T/EP - 1)``
        (linear contract, no fees or funding); a liquidated path loses the margin, ROI = -1.
    stderr_*
        Monte Carlo binomial standard errors ``sqrt(p (1-p) / n_paths)``; ``None`` for the
        closed form.
    """

    side: str
    method: str
    model: str
    leverage: np.ndarray
    lp_over_entry: np.ndarray
    barrier_log: np.ndarray
    horizon_days: float
    p_liquidation: np.ndarray
    p_right_but_liquidated: np.ndarray
    median_days_to_liquidation: np.ndarray
    survival_days: np.ndarray
    survival: np.ndarray
    stop_frac: float | None = None
    p_stop_first: np.ndarray | None = None
    p_gap_through_stop: np.ndarray | None = None
    roi: np.ndarray | None = field(default=None, repr=False)
    stderr_liquidation: np.ndarray | None = None
    stderr_right_but_liquidated: np.ndarray | None = None
    stderr_stop_first: np.ndarray | None = None
    n_paths: int | None = None
    n_steps: int | None = None
    seed: int | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def distance_frac(self) -> np.ndarray:
        """``|LP/EP - 1|``: the move from entry that liquidates (NaN: no LP)."""
        return np.abs(self.lp_over_entry - 1.0)

    def records(self) -> list[dict[str, Any]]:
        """One plain dict per leverage (floats; NaN becomes ``None``), the CLI's JSON objects."""

        def num(x: Any) -> float | None:
            x = float(x)
            return x if math.isfinite(x) else None

        out = []
        for i, lev in enumerate(self.leverage):
            rec: dict[str, Any] = {
                "leverage": float(lev),
                "liquidation_price_frac": num(self.lp_over_entry[i]),
                "distance_frac": num(self.distance_frac[i]),
                "p_liquidation": float(self.p_liquidation[i]),
                "p_right_but_liquidated": float(self.p_right_but_liquidated[i]),
                "median_days_to_liquidation": num(self.median_days_to_liquidation[i]),
            }
            if self.p_stop_first is not None and self.p_gap_through_stop is not None:
                rec["p_stop_first"] = float(self.p_stop_first[i])
                rec["p_gap_through_stop"] = num(self.p_gap_through_stop[i])
            if self.stderr_liquidation is not None:
                rec["stderr"] = float(self.stderr_liquidation[i])
                assert self.stderr_right_but_liquidated is not None
                rec["stderr_right_but_liquidated"] = float(self.stderr_right_but_liquidated[i])
                if self.stderr_stop_first is not None:
                    rec["stderr_stop_first"] = float(self.stderr_stop_first[i])
            out.append(rec)
        return out


def _check_horizon(horizon_days: float) -> float:
    return float(
        check_range("horizon_days", horizon_days, 1 / 1440, 90.0, why="one minute to 90 days")
    )


def _time_grid(horizon_days: float, n_times: int) -> np.ndarray:
    n = int(check_range("n_times", n_times, 1, 10_000))
    return np.linspace(0.0, horizon_days, n + 1)


def odds_closed_form(
    side: str,
    leverage: ArrayLike,
    vol_annual: float,
    horizon_days: float,
    *,
    mmr: float = 0.004,
    drift_annual: float = 0.0,
    stop_frac: float | None = None,
    n_times: int = N_TIMES,
) -> OddsResult:
    """Exact odds under GBM (continuous monitoring) from the closed forms above.

    ``drift_annual`` is the log-price drift per year; a short sees ``-drift_annual`` in its
    adverse coordinate. The stop under GBM fills first whenever it is nearer than the LP and is
    touched (continuous paths cannot skip it): ``p_stop_first = P(touch the stop)``,
    ``p_gap_through_stop = 0``. Survival and median from :func:`gbm_hit_probability` and
    :func:`gbm_median_hit_time_years`.
    """
    h = _check_horizon(horizon_days)
    ratio, b = liquidation_barriers(side, leverage, mmr)
    lev = np.atleast_1d(np.asarray(leverage, dtype=float))
    sign = 1.0 if side == "long" else -1.0
    mu = sign * float(check_range("drift_annual", drift_annual, -20.0, 20.0))
    vol = float(check_range("vol_annual", vol_annual, MIN_VOL_ANNUAL, 20.0, why="0.6 = 60%"))
    t_years = h / _paths.DAYS_PER_YEAR
    finite = np.isfinite(b)
    bf = np.where(finite, b, -1.0)

    def masked(values: Any) -> np.ndarray:
        return np.where(finite, np.asarray(values, dtype=float), 0.0)

    p_liq = masked(gbm_hit_probability(bf, t_years, vol, mu))
    p_right = masked(gbm_right_but_liquidated_probability(bf, t_years, vol, mu))
    med = (
        np.where(finite, np.asarray(gbm_median_hit_time_years(bf, t_years, vol, mu)), np.nan)
        * _paths.DAYS_PER_YEAR
    )
    days = _time_grid(h, n_times)
    surv = np.ones((days.size, b.size))
    surv[1:] = 1.0 - masked(
        gbm_hit_probability(bf[None, :], days[1:, None] / _paths.DAYS_PER_YEAR, vol, mu)
    )
    p_stop = p_gap = None
    if stop_frac is not None:
        s_log = stop_barrier_log(side, stop_frac)
        nearer = s_log > b
        p_s = float(gbm_hit_probability(s_log, t_years, vol, mu))
        p_stop = np.where(nearer, p_s, 0.0)
        p_gap = np.where(nearer, 0.0, np.nan)
    return OddsResult(
        side=side,
        method="closed-form",
        model="gbm",
        leverage=lev,
        lp_over_entry=ratio,
        barrier_log=b,
        horizon_days=h,
        p_liquidation=p_liq,
        p_right_but_liquidated=p_right,
        median_days_to_liquidation=med,
        survival_days=days,
        survival=surv,
        stop_frac=stop_frac,
        p_stop_first=p_stop,
        p_gap_through_stop=p_gap,
        params={"vol_annual": vol, "drift_annual": float(drift_annual), "mmr": float(mmr)},
    )


def first_passage_steps(paths: PathSet, barrier_log: float) -> np.ndarray:
    """Per path, the index of the first step whose low is at or below ``barrier_log`` (after the
    BGK shift, if any); -1 for paths that never get there. Needs ``paths.running``: the running
    minimum is monotone, so all paths are bisected together (``log2(n_steps)`` gathers)."""
    if not paths.running:
        raise ValueError("paths.running=False; allowed: paths simulated with running=True")
    b = float(barrier_log) + paths.barrier_shift
    low = paths.low
    n = paths.n_paths
    cols = np.arange(n)
    hit = low[-1] <= b
    lo = np.zeros(n, dtype=np.int64)  # first index with low <= b lies in [lo, hi]
    hi = np.full(n, paths.n_steps - 1, dtype=np.int64)
    while True:
        open_ = lo < hi
        if not open_.any():
            break
        mid = (lo + hi) // 2
        below = low[mid, cols] <= b
        hi = np.where(open_ & below, mid, hi)
        lo = np.where(open_ & ~below, mid + 1, lo)
    return np.where(hit, lo, -1)


def _checkpoints(n_steps: int, n_times: int) -> np.ndarray:
    """Step indices (0-based) of the survival checkpoints: ``n_times`` evenly spread step ends,
    always including the last."""
    n = min(int(check_range("n_times", n_times, 1, 10_000)), n_steps)
    return np.unique(np.round(np.linspace(0, n_steps, n + 1)[1:]).astype(np.int64) - 1)


def _crossed_counts(low: np.ndarray, steps: np.ndarray, b_eff: np.ndarray) -> np.ndarray:
    """``counts[i, l]`` = number of paths whose running low at step ``steps[i]`` is at or below
    ``b_eff[l]``: sort the checkpoint's lows once, one binary search per barrier."""
    barriers = b_eff.astype(np.float32)

    def one(group: np.ndarray) -> np.ndarray:
        return np.stack([np.searchsorted(np.sort(low[k]), barriers, "right") for k in group])

    groups = [g for g in np.array_split(steps, 2) if g.size]
    return np.concatenate(_paths.map_threads(one, groups))


def _norm_cdf_fast(x: np.ndarray) -> np.ndarray:
    """Standard normal CDF through the Chebyshev fit of ``erfc`` in Press et al., *Numerical
    Recipes* (2nd ed., 6.2, ``erfcc``): relative error below 1.2e-7 everywhere, all numpy (the
    exact :func:`_norm_cdf` calls ``math.erfc`` once per element)."""
    z = np.abs(x) / _SQRT2
    t = 1.0 / (1.0 + 0.5 * z)
    poly = (
        -z * z
        - 1.26551223
        + t
        * (
            1.00002368
            + t
            * (
                0.37409196
                + t
                * (
                    0.09678418
                    + t
                    * (
                        -0.18628806
                        + t
                        * (
                            0.27886807
                            + t
                            * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))
                        )
                    )
                )
            )
        )
    )
    half_erfc = 0.5 * t * np.exp(poly)  # Phi(-|x|)
    return np.where(x < 0, half_erfc, 1.0 - half_erfc)


def _bridge_crossed_by(
    x0: np.ndarray, x1: np.ndarray, b: float, var: float, u: float
) -> np.ndarray:
    """P(a Brownian bridge from ``x0 > b`` to ``x1`` with total variance ``var`` has touched
    ``b`` by the fraction ``u`` of its duration), per path (arrays broadcast).

    At ``u`` the bridge is ``N(m, v)`` with ``m = x0 + u (x1 - x0)``, ``v = u (1 - u) var``;
    given its value ``z`` there, the part before is a bridge from ``x0`` to ``z`` of variance
    ``u var``, which touched ``b`` with probability 1 (``z <= b``) or
    ``exp(-k (z - b))``, ``k = 2 (x0 - b) / (u var)`` (formulas.md section 8's crossing
    probability). Integrating over ``z``::

        P = Phi((b - m)/sqrt v) + exp(-k (m - b) + k^2 v / 2) Phi((m - b - k v)/sqrt v)
    """
    if np.ndim(u) == 0 and float(u) >= 1.0:  # the whole step: the bridge crossing probability
        k = 2.0 * (x0 - b) / var
        return np.where(x1 <= b, 1.0, np.exp(-k * np.maximum(x1 - b, 0.0)))
    v = u * (1.0 - u) * var  # u in (0, 1): v > 0
    m = x0 + u * (x1 - x0)
    k = 2.0 * (x0 - b) / (u * var)
    sv = np.sqrt(v)
    a = -k * (m - b) + 0.5 * k * k * v
    y = (m - b - k * v) / sv
    # exp(a) Phi(y) without overflow: Phi(y) ~ phi(y)/|y| where a is large
    second = np.exp(np.minimum(a, 50.0)) * _norm_cdf_fast(y)
    big = a > 50.0
    if big.any():
        second[big] = _exp_phi_tail(a[big], y[big])
    return np.clip(_norm_cdf_fast((b - m) / sv) + second, 0.0, 1.0)


def _exp_phi_tail(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``exp(a) Phi(y)`` for large ``a`` (then ``y`` is very negative): the Mills-ratio
    asymptote ``exp(a - y^2/2) / (|y| sqrt(2 pi)) (1 - 1/y^2 + 3/y^4)``."""
    yy = np.minimum(y, -1.0)
    inv2 = 1.0 / (yy * yy)
    with np.errstate(over="ignore"):
        return np.exp(a - 0.5 * yy * yy - _LOG_SQRT_2PI) / -yy * (1.0 - inv2 + 3.0 * inv2 * inv2)


def _median_days(
    paths: PathSet,
    steps: np.ndarray,
    counts: np.ndarray,
    b_eff: np.ndarray,
) -> np.ndarray:
    """Median time to liquidation (days) per barrier from the running lows.

    The checkpoint counts bracket the first step where at least half the paths are at or below
    the barrier; a bisection over the steps in between finds it exactly. Inside that step:

    - inside the FIRST step, for bridge-monitored paths without jumps: every path is a
      Brownian bridge from the entry to its first simulated step end, whose probability of
      having touched the barrier by any time inside the step is exact
      (:func:`_bridge_crossed_by`); the median solves ``sum of those probabilities / n = 1/2``
      by bisection (the Rao-Blackwellized estimate). There the crossing rate is far from
      uniform (``2 Phi(b / sigma sqrt t)`` from a common start), and the linear interpolation
      from zero used before put a 2-hour median at 14 hours;
    - in a later step (where the crossed count grows smoothly), with BGK/none monitoring, or
      with jumps: linear interpolation on the crossed count.
    """
    low, dt_days = paths.low, paths.dt_days
    n = low.shape[1]
    half = 0.5 * n
    out = np.full(b_eff.size, np.nan)
    b32 = b_eff.astype(np.float32)
    exact = paths.correction == "bridge" and paths.jump_cells is None and paths.step_var > 0
    first: list[int] = []
    for l_idx in np.flatnonzero(counts[-1] >= half):
        i = int(np.argmax(counts[:, l_idx] >= half))
        lo = int(steps[i - 1]) + 1 if i else 0  # first step that can be the answer
        hi = int(steps[i])
        bl = b32[l_idx]
        while lo < hi:
            mid = (lo + hi) // 2
            if np.count_nonzero(low[mid] <= bl) >= half:
                hi = mid
            else:
                lo = mid + 1
        before = low[lo - 1] <= bl if lo else np.zeros(n, dtype=bool)
        c_before = int(np.count_nonzero(before))
        if exact and lo == 0:
            first.append(l_idx)  # solved together below
            continue
        c_now = np.count_nonzero(low[lo] <= bl)
        frac = (half - c_before) / (c_now - c_before) if c_now > c_before else 1.0
        out[l_idx] = (lo + frac) * dt_days
    if first:
        idx = np.asarray(first)
        out[idx] = _first_step_median_frac(paths.y[0], b_eff[idx], paths.step_var) * dt_days
    return out


#: Quantiles of the first step's end values that stand for all paths in the in-step median
#: (midpoints of equal-probability bins: a midpoint rule in probability space, whose error on
#: the smooth crossing probability is far below the Monte Carlo error of a median from a few
#: thousand paths, ``sqrt(0.25 / n)``); keeps 160 barriers at tens of ms.
_FIRST_STEP_QUANTILES = 128


def _first_step_median_frac(y_end: np.ndarray, b: np.ndarray, step_var: float) -> np.ndarray:
    """For each barrier ``b`` (adverse log, < 0), the fraction ``u`` of the first step at which
    the mean over paths of P(touched by ``u``) (:func:`_bridge_crossed_by`, bridges from the
    entry to each path's step end) reaches 1/2; 1 where even the step end falls short (sampling
    noise). All barriers are bisected together over the end values' quantiles."""
    x1 = np.asarray(y_end, dtype=float)
    if x1.size > _FIRST_STEP_QUANTILES:
        x1 = np.quantile(x1, (np.arange(_FIRST_STEP_QUANTILES) + 0.5) / _FIRST_STEP_QUANTILES)
    x1 = x1[None, :]
    bb = np.asarray(b, dtype=float)[:, None]
    short = np.mean(_bridge_crossed_by(0.0, x1, bb, step_var, 1.0), axis=1) < 0.5
    lo = np.zeros(bb.shape[0])
    hi = np.ones(bb.shape[0])
    for _ in range(20):  # 1e-6 of the step
        u = 0.5 * (lo + hi)
        reached = np.mean(_bridge_crossed_by(0.0, x1, bb, step_var, u[:, None]), axis=1) >= 0.5
        hi = np.where(reached, u, hi)
        lo = np.where(reached, lo, u)
    return np.where(short, 1.0, 0.5 * (lo + hi))


def _binomial_se(p: np.ndarray, n: int) -> np.ndarray:
    return np.sqrt(p * (1.0 - p) / n)


def odds_from_paths(
    paths: PathSet,
    leverage: ArrayLike,
    *,
    mmr: float = 0.004,
    stop_frac: float | None = None,
    n_times: int = N_TIMES,
    keep_roi: bool = True,
    params: dict[str, Any] | None = None,
) -> OddsResult:
    """Every output of :class:`OddsResult` for a grid of leverages from one simulated path set
    (``paths.running`` must be True).

    Cost: one sort of the path minima (plus one of the minima of the paths that end in the
    money), a binary search per barrier; ``n_times`` sorted checkpoints for the survival curve;
    one vectorized bisection for the stop. Nothing loops over leverages times paths except the
    ROI matrix, which is the output itself.
    """
    if not paths.running:
        raise ValueError("paths.running=False; allowed: paths simulated with running=True")
    ratio, b = liquidation_barriers(paths.side, leverage, mmr)
    lev = np.atleast_1d(np.asarray(leverage, dtype=float))
    n = paths.n_paths
    shift = paths.barrier_shift
    b_eff = b + shift
    b32 = b_eff.astype(np.float32)  # compare in the paths' precision
    final_min = paths.low[-1]
    y_end = paths.y[-1]

    sorted_min = np.sort(final_min)
    n_liq = np.searchsorted(sorted_min, b32, "right")
    p_liq = n_liq / n
    right = y_end >= 0
    n_right = np.searchsorted(np.sort(final_min[right]), b32, "right")
    p_right = n_right / n

    steps = _checkpoints(paths.n_steps, n_times)
    counts = _crossed_counts(paths.low, steps, b_eff)
    days = np.concatenate([[0.0], (steps + 1) * paths.dt_days])
    surv = np.ones((days.size, b.size))
    surv[1:] = 1.0 - counts / n
    med = _median_days(paths, steps, counts, b_eff)

    p_stop = p_gap = se_stop = None
    if stop_frac is not None:
        s_log = stop_barrier_log(paths.side, stop_frac)
        s_eff = np.float32(s_log + shift)
        hit = final_min <= s_eff
        landing = _stop_landing(paths, s_eff, hit)
        landing.sort()
        n_hit = landing.size
        beyond = np.searchsorted(landing, b32, "right")  # landed at or beyond the LP
        nearer = s_log > b
        p_stop = np.where(nearer, (n_hit - beyond) / n, 0.0)
        p_gap = np.where(nearer, beyond / n, np.nan)
        se_stop = _binomial_se(p_stop, n)

    roi = None
    if keep_roi:
        sign = np.float32(paths.sign)
        per_unit = sign * np.expm1(sign * y_end)  # (P_T/EP - 1) * side, float32
        roi = lev.astype(np.float32)[:, None] * per_unit[None, :]
        roi[final_min[None, :] <= b32[:, None]] = -1.0

    return OddsResult(
        side=paths.side,
        method="monte-carlo",
        model=paths.model,
        leverage=lev,
        lp_over_entry=ratio,
        barrier_log=b,
        horizon_days=paths.horizon_days,
        p_liquidation=p_liq,
        p_right_but_liquidated=p_right,
        median_days_to_liquidation=med,
        survival_days=days,
        survival=surv,
        stop_frac=stop_frac,
        p_stop_first=p_stop,
        p_gap_through_stop=p_gap,
        roi=roi,
        stderr_liquidation=_binomial_se(p_liq, n),
        stderr_right_but_liquidated=_binomial_se(p_right, n),
        stderr_stop_first=se_stop,
        n_paths=n,
        n_steps=paths.n_steps,
        seed=paths.seed,
        params=dict(params or {}, mmr=float(mmr), correction=paths.correction),
    )


def _stop_landing(paths: PathSet, s_eff: np.float32, hit: np.ndarray) -> np.ndarray:
    """Where each path that reached the stop level was when it first got there (only the paths
    in ``hit``).

    Continuous part of a step (bridge): exactly at the stop. A step end seen without a bridge
    (``"bgk"``/``"none"``): the first monitored value at or below the stop. A bridged jump step
    whose continuous part stayed above the stop: the value after the jump (a gap).
    """
    cols = np.flatnonzero(hit)
    if paths.correction == "bridge" and paths.jump_cells is None:
        return np.full(cols.size, s_eff, dtype=np.float32)
    k = first_passage_steps(paths, float(s_eff) - paths.barrier_shift)[cols]
    if paths.correction != "bridge":
        return paths.y[k, cols]
    assert paths.jump_cells is not None and paths.jump_cont_low is not None
    landing = np.full(cols.size, s_eff, dtype=np.float32)
    flat = k * paths.n_paths + cols
    pos = np.searchsorted(paths.jump_cells, flat)
    pos_ok = np.minimum(pos, paths.jump_cells.size - 1)
    is_jump = (pos < paths.jump_cells.size) & (paths.jump_cells[pos_ok] == flat)
    gapped = is_jump & (paths.jump_cont_low[pos_ok] > s_eff)
    landing[gapped] = paths.y[k[gapped], cols[gapped]]
    return landing


def price_model(
    model: str,
    vol_annual: float | None,
    *,
    drift_annual: float = 0.0,
    df: float = 3.0,
    jump_rate_per_year: float = 12.0,
    jump_mean_log: float = 0.0,
    jump_std_log: float = 0.04,
    closes: pd.Series | pd.DataFrame | np.ndarray | None = None,
    interval_days: float | None = None,
    block_len: int = 24,
) -> PriceModel:
    """Build a :class:`risk.paths.PriceModel` by name (``"gbm"``, ``"student-t"``, ``"jump"``,
    ``"bootstrap"``, ``"history"``); see :mod:`risk.paths` for each model's parameters.
    ``"history"`` is the calibrated model (:func:`risk.calibration.calibrated_model`: the
    shipped BTC history's EWMA-filtered moves at ``vol_annual``). ``vol_annual`` may be None
    only for the bootstrap (the data's own volatility)."""
    check_choice("model", model, ODDS_MODELS)
    if model == "history":
        from risk.calibration import calibrated_model  # calibration imports this module

        if vol_annual is None:
            raise ValueError("vol_annual=None for model 'history'; allowed: 0 < vol_annual <= 20")
        return calibrated_model(vol_annual)
    if model == "bootstrap":
        if closes is None:
            raise ValueError("closes=None for model 'bootstrap'; allowed: a price series (CSV)")
        return _paths.bootstrap(
            closes,
            interval_days=interval_days,
            vol_annual=vol_annual,
            drift_annual=drift_annual,
            block_len=block_len,
        )
    if vol_annual is None:
        raise ValueError(f"vol_annual=None for model {model!r}; allowed: 0 < vol_annual <= 20")
    if model == "gbm":
        return _paths.gbm(vol_annual, drift_annual)
    if model == "student-t":
        return _paths.student_t(vol_annual, drift_annual, df)
    return _paths.jump_diffusion(
        vol_annual, drift_annual, jump_rate_per_year, jump_mean_log, jump_std_log
    )


def odds_monte_carlo(
    side: str,
    leverage: ArrayLike,
    model: PriceModel,
    horizon_days: float,
    *,
    mmr: float = 0.004,
    stop_frac: float | None = None,
    n_paths: int = 20_000,
    n_steps: int = 288,
    seed: int | None = None,
    correction: str = "bridge",
    n_times: int = N_TIMES,
    keep_roi: bool = True,
) -> OddsResult:
    """Simulate ``model`` (:func:`risk.paths.simulate_paths`) and read every output for the
    whole leverage grid off the one path set (:func:`odds_from_paths`)."""
    liquidation_barriers(side, leverage, mmr)  # fail on bad input before simulating
    if stop_frac is not None:
        stop_barrier_log(side, stop_frac)
    paths = _paths.simulate_paths(
        model,
        side,
        horizon_days,
        n_paths=n_paths,
        n_steps=n_steps,
        seed=seed,
        correction=correction,
    )
    params = {"vol_annual": model.vol_annual, "drift_annual": model.drift_annual}
    return odds_from_paths(
        paths,
        leverage,
        mmr=mmr,
        stop_frac=stop_frac,
        n_times=n_times,
        keep_roi=keep_roi,
        params=params,
    )


def liquidation_odds(
    side: str,
    leverage: ArrayLike,
    vol_annual: float | None,
    horizon_days: float,
    *,
    mmr: float = 0.004,
    drift_annual: float = 0.0,
    stop_frac: float | None = None,
    model: str = "gbm",
    method: str | None = None,
    df: float = 3.0,
    jump_rate_per_year: float = 12.0,
    jump_mean_log: float = 0.0,
    jump_std_log: float = 0.04,
    closes: pd.Series | pd.DataFrame | np.ndarray | None = None,
    interval_days: float | None = None,
    block_len: int = 24,
    n_paths: int = 20_000,
    n_steps: int = 288,
    seed: int | None = None,
    correction: str = "bridge",
    n_times: int = N_TIMES,
    keep_roi: bool = True,
) -> OddsResult:
    """Liquidation odds for a grid of leverages: the one call a page or the CLI needs.

    ``method`` defaults to ``"closed-form"`` for ``model="gbm"`` and ``"monte-carlo"``
    otherwise; the closed form exists for GBM only (``ValueError`` otherwise). ``vol_annual``
    is annualized (0.6 = 60%); ``drift_annual`` the log-price drift per year; ``horizon_days``
    from one minute (1/1440) to 90; ``stop_frac`` a stop's distance from entry (0.01 = 1%).
    Model parameters: :mod:`risk.paths`. Monte Carlo settings: ``n_paths``, ``n_steps``,
    ``seed``, ``correction`` (``"bridge"``, ``"bgk"``, ``"none"``).
    """
    check_choice("model", model, ODDS_MODELS)
    method = method or ("closed-form" if model == "gbm" else "monte-carlo")
    check_choice("method", method, METHODS)
    if method == "closed-form":
        if model != "gbm":
            raise ValueError(
                f"method='closed-form' with model={model!r}; allowed: the closed form exists "
                "for model 'gbm' only, use method 'monte-carlo'"
            )
        if vol_annual is None:
            raise ValueError("vol_annual=None; allowed: 0 < vol_annual <= 20")
        return odds_closed_form(
            side,
            leverage,
            vol_annual,
            horizon_days,
            mmr=mmr,
            drift_annual=drift_annual,
            stop_frac=stop_frac,
            n_times=n_times,
        )
    pm = price_model(
        model,
        vol_annual,
        drift_annual=drift_annual,
        df=df,
        jump_rate_per_year=jump_rate_per_year,
        jump_mean_log=jump_mean_log,
        jump_std_log=jump_std_log,
        closes=closes,
        interval_days=interval_days,
        block_len=block_len,
    )
    return odds_monte_carlo(
        side,
        leverage,
        pm,
        horizon_days,
        mmr=mmr,
        stop_frac=stop_frac,
        n_paths=n_paths,
        n_steps=n_steps,
        seed=seed,
        correction=correction,
        n_times=n_times,
        keep_roi=keep_roi,
    )


@dataclass(frozen=True)
class SamplePaths:
    """A few simulated price paths for a chart, with where each leverage liquidates them.

    ``prices[p, i]`` is path ``p`` at ``days[i]`` (``days[0] = 0``, ``prices[:, 0]`` = entry).
    ``liquidation_price[l]`` is leverage ``leverage[l]``'s LP (NaN: none) and
    ``liquidated_at[l, p]`` the first column ``i`` by which path ``p`` has touched it (the
    crossing happened during the step that ends at ``days[i]``; with the bridge correction the
    step's end price may already be back above the LP), -1 if never.
    """

    side: str
    days: np.ndarray
    prices: np.ndarray
    leverage: np.ndarray
    liquidation_price: np.ndarray
    liquidated_at: np.ndarray
    entry_price: float


def sample_price_paths(
    model: PriceModel,
    side: str,
    horizon_days: float,
    leverage: ArrayLike,
    *,
    n_paths: int = 30,
    n_steps: int = 288,
    seed: int | None = None,
    mmr: float = 0.004,
    entry_price: float = 100.0,
    correction: str = "bridge",
) -> SamplePaths:
    """Simulate ``n_paths`` paths of ``model`` and mark, for every leverage, which of them are
    liquidated and when (:class:`SamplePaths`). The same paths serve every leverage, so a chart
    of 5x beside 50x shows the same market twice."""
    ratio, b = liquidation_barriers(side, leverage, mmr)
    ep = float(check_range("entry_price", entry_price, 0.0, lo_open=True))
    paths = _paths.simulate_paths(
        model,
        side,
        horizon_days,
        n_paths=n_paths,
        n_steps=n_steps,
        seed=seed,
        correction=correction,
    )
    hit = np.stack(
        [
            np.where(k >= 0, k + 1, -1)
            for k in (
                first_passage_steps(paths, float(bl))
                if np.isfinite(bl)
                else np.full(paths.n_paths, -1)
                for bl in b
            )
        ]
    )
    return SamplePaths(
        side=side,
        days=paths.times_days,
        prices=paths.prices(ep),
        leverage=np.atleast_1d(np.asarray(leverage, dtype=float)),
        liquidation_price=ratio * ep,
        liquidated_at=hit,
        entry_price=ep,
    )


def highest_leverage_below(leverage: ArrayLike, p_liquidation: ArrayLike, target: float) -> float:
    """The highest leverage of a sorted grid whose odds, and the odds of every lower leverage
    of the grid, stay BELOW ``target`` (a probability in (0, 1)); NaN when even the lowest does
    not. Odds rise with leverage, but Monte Carlo noise can make them wiggle: the first
    leverage at or above the target ends the search."""
    t = float(check_range("target", target, 0.0, 1.0, lo_open=True, hi_open=True))
    lev = np.asarray(leverage, dtype=float)
    p = np.asarray(p_liquidation, dtype=float)
    if lev.shape != p.shape or lev.ndim != 1:
        raise ValueError("leverage and p_liquidation must be 1-D arrays of the same length")
    over = np.flatnonzero(p >= t)
    if over.size == 0:
        return float(lev[-1])
    return float(lev[over[0] - 1]) if over[0] > 0 else float("nan")
