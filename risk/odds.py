"""Odds of touching the liquidation price: closed forms for geometric Brownian motion.

Model and notation (shared/reference/formulas.md section 8)
-----------------------------------------------------------
The log price relative to entry is ``X_t = ln(P_t / EP) = mu*t + sigma*W_t`` with ``t`` in years:

- ``mu`` (``drift_annual``) is the **drift of the log price per year**: the expected log return
  over one year (0.1 = the log price rises by 0.1 a year on average; the median price grows by
  ``exp(0.1)``). It is NOT the arithmetic return; for GBM the expected price grows at
  ``mu + sigma^2/2``.
- ``sigma`` (``vol_annual``) is the annualized volatility of log returns (0.6 = 60%).
- ``b = ln(LP/EP) < 0`` is the liquidation barrier of a long in log space. A short is liquidated
  when the price RISES to its LP: we work with ``-X`` (drift ``-mu``) and ``b = -ln(LP/EP)``, so
  every formula below is written for a barrier below the start.
"""

from __future__ import annotations

import math

import numpy as np

from risk._validate import ArrayLike, check_range, scalar_or_array

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
    s = check_range("vol_annual", vol_annual, 0.0, 20.0, lo_open=True, why="0.6 = 60% a year")
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
