"""Realized-volatility estimators against independent computations.

1. Hand-computed short series: each formula re-derived here with ``math`` in plain loops.
2. Synthetic geometric Brownian motion: fine steps aggregated to OHLC bars, true sigma known.
   Each estimator must land within 4 standard errors of the truth, plus, for the range-based
   ones, the known shortfall of a high/low read off a discrete path (Broadie, Glasserman & Kou
   1997: the discrete maximum of a random walk sits about 0.5826 sigma sqrt(dt) below the
   continuous one), which makes their bias at most ~0.73/sqrt(steps per bar) relative.
3. Yang-Zhang's k from the paper's eq. (9) with alpha = 1.34, and its point: with opening gaps
   it recovers the TOTAL variance where Parkinson and Garman-Klass miss the gaps.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from risk import realized_vol as rv

LN2 = math.log(2.0)


# --- 1. hand-computed -------------------------------------------------------------------------
def test_close_to_close_by_hand() -> None:
    closes = [100.0, 110.0, 99.0, 103.95]
    r = [math.log(closes[i + 1] / closes[i]) for i in range(3)]
    mean = sum(r) / 3
    var = sum((x - mean) ** 2 for x in r) / 2
    assert rv.close_to_close_var(closes) == pytest.approx(var, rel=1e-12)
    # hourly bars: 8,760 a year
    assert rv.close_to_close_vol(closes, 1.0) == pytest.approx(math.sqrt(var * 8760), rel=1e-12)
    assert rv.close_to_close_var(closes, demean=False) == pytest.approx(
        sum(x * x for x in r) / 3, rel=1e-12
    )


def test_parkinson_by_hand() -> None:
    # ln(H/L) = 0.02 and 0.04 exactly
    high = [100.0 * math.exp(0.02), 50.0 * math.exp(0.04)]
    low = [100.0, 50.0]
    expected = (0.02**2 + 0.04**2) / 2 / (4 * LN2)
    assert rv.parkinson_var(high, low) == pytest.approx(expected, rel=1e-12)
    # daily bars annualize by 365
    assert rv.parkinson_vol(high, low, 24.0) == pytest.approx(math.sqrt(expected * 365), rel=1e-12)


def test_garman_klass_and_rogers_satchell_by_hand() -> None:
    o, h, lo, c = [100.0, 101.0], [103.0, 104.0], [99.0, 100.5], [101.0, 100.8]
    gk = (
        sum(
            0.5 * math.log(h[i] / lo[i]) ** 2 - (2 * LN2 - 1) * math.log(c[i] / o[i]) ** 2
            for i in range(2)
        )
        / 2
    )
    rs = (
        sum(
            math.log(h[i] / c[i]) * math.log(h[i] / o[i])
            + math.log(lo[i] / c[i]) * math.log(lo[i] / o[i])
            for i in range(2)
        )
        / 2
    )
    assert rv.garman_klass_var(o, h, lo, c) == pytest.approx(gk, rel=1e-12)
    assert rv.rogers_satchell_var(o, h, lo, c) == pytest.approx(rs, rel=1e-12)


def test_yang_zhang_by_hand() -> None:
    o = [100.0, 100.5, 102.0, 101.0]
    h = [101.0, 102.5, 103.0, 101.5]
    lo = [99.5, 100.0, 100.8, 99.0]
    c = [100.2, 101.9, 101.1, 99.4]
    n = 3
    gaps = [math.log(o[i] / c[i - 1]) for i in range(1, 4)]
    oc = [math.log(c[i] / o[i]) for i in range(1, 4)]

    def svar(x: list[float]) -> float:
        m = sum(x) / len(x)
        return sum((v - m) ** 2 for v in x) / (len(x) - 1)

    rs = (
        sum(
            math.log(h[i] / c[i]) * math.log(h[i] / o[i])
            + math.log(lo[i] / c[i]) * math.log(lo[i] / o[i])
            for i in range(1, 4)
        )
        / n
    )
    k = 0.34 / (1.34 + (n + 1) / (n - 1))  # = 0.34 / 3.34
    expected = svar(gaps) + k * svar(oc) + (1 - k) * rs
    assert rv.yang_zhang_var(o, h, lo, c) == pytest.approx(expected, rel=1e-12)


def test_yang_zhang_k_as_in_the_paper() -> None:
    # eq. (9): k = (alpha - 1) / (alpha + (n+1)/(n-1)), alpha = 1.34
    assert rv.yang_zhang_k(2) == pytest.approx(0.34 / 4.34, rel=1e-15)
    assert rv.yang_zhang_k(21) == pytest.approx(0.34 / (1.34 + 22 / 20), rel=1e-15)
    assert rv.yang_zhang_k(10**9) == pytest.approx(0.34 / 2.34, rel=1e-8)


# --- 2. synthetic GBM -------------------------------------------------------------------------
def gbm_bars(
    sigma_annual: float,
    bar_hours: float,
    n_bars: int,
    steps: int,
    seed: int,
    *,
    gap_sigma_per_bar: float = 0.0,
    drift_annual: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """OHLC bars of a GBM simulated in ``steps`` fine steps per bar; with ``gap_sigma_per_bar``
    each bar opens away from the previous close by a normal log gap."""
    rng = np.random.default_rng(seed)
    dt = bar_hours / (365 * 24) / steps
    inc = sigma_annual * math.sqrt(dt) * rng.standard_normal((n_bars, steps))
    inc += (drift_annual - 0.5 * sigma_annual**2) * dt
    gaps = gap_sigma_per_bar * rng.standard_normal(n_bars)
    # log price within each bar relative to its open, open included as step 0
    within = np.concatenate([np.zeros((n_bars, 1)), np.cumsum(inc, axis=1)], axis=1)
    open_log = np.empty(n_bars)
    level = math.log(100_000.0)
    for i in range(n_bars):
        level += gaps[i]
        open_log[i] = level
        level += within[i, -1]
    paths = open_log[:, None] + within
    return (
        np.exp(paths[:, 0]),
        np.exp(paths.max(axis=1)),
        np.exp(paths.min(axis=1)),
        np.exp(paths[:, -1]),
    )


SIGMA = 0.6
N_BARS = 4000
STEPS = 1000
# relative standard error of sigma-hat (delta method: se(var)/var / 2) for N bars, by the
# estimators' variance efficiencies relative to close-to-close (Garman & Klass 1980: Parkinson
# 5.2, GK 7.4; close-to-close 1).
SE_CC = 1 / math.sqrt(2 * N_BARS)
SE_RANGE = SE_CC / math.sqrt(5.2)
DISCRETE_BIAS = 2 * 0.5826 / math.sqrt(8 / math.pi) / math.sqrt(STEPS)


@pytest.fixture(scope="module")
def bars() -> tuple[np.ndarray, ...]:
    return gbm_bars(SIGMA, 1.0, N_BARS, STEPS, seed=20261202)


def test_gbm_close_to_close_recovers_sigma(bars) -> None:
    _, _, _, c = bars
    assert rv.close_to_close_vol(c, 1.0) == pytest.approx(SIGMA, abs=4 * SE_CC * SIGMA)


@pytest.mark.parametrize("method", ["parkinson", "garman_klass", "rogers_satchell", "yang_zhang"])
def test_gbm_range_estimators_recover_sigma(bars, method: str) -> None:
    o, h, lo, c = bars
    if method == "parkinson":
        var = rv.parkinson_var(h, lo)
    else:
        var = getattr(rv, f"{method}_var")(o, h, lo, c)
    est = float(rv.annualize(var, 1.0))
    # a discrete path's range is short by at most ~DISCRETE_BIAS; never long
    assert SIGMA * (1 - DISCRETE_BIAS - 4 * SE_CC) < est < SIGMA * (1 + 4 * SE_CC)


def test_range_estimators_are_more_efficient_than_close_to_close() -> None:
    # 200 short samples of 50 bars: the spread of Parkinson's estimates is well below close-to-
    # close's (efficiency 5.2 -> sd ratio ~0.44; asserted < 0.7).
    _, h, lo, c = gbm_bars(SIGMA, 1.0, 200 * 50, 200, seed=7)
    shape = (200, 50)
    cc = rv.close_to_close_vol(c.reshape(shape), 1.0)
    pk = rv.parkinson_vol(h.reshape(shape), lo.reshape(shape), 1.0)
    assert cc.shape == pk.shape == (200,)
    assert np.std(pk) < 0.7 * np.std(cc)


def test_yang_zhang_counts_the_opening_gaps_that_parkinson_misses() -> None:
    # intraday sigma 0.6 a year on hourly bars plus a gap of sd g per bar: total variance per
    # bar = 0.36/8760 + g^2. Yang-Zhang sees it all; Parkinson and Garman-Klass see only the bar.
    g = 0.6 / math.sqrt(8760)  # gaps as large as the bar's own moves: total sigma = 0.6 sqrt 2
    o, h, lo, c = gbm_bars(SIGMA, 1.0, N_BARS, 300, seed=11, gap_sigma_per_bar=g)
    total = math.sqrt(SIGMA**2 + g**2 * 8760)
    bias = 2 * 0.5826 / math.sqrt(8 / math.pi) / math.sqrt(300)
    yz = rv.yang_zhang_vol(o, h, lo, c, 1.0)
    assert total * (1 - bias - 4 * SE_CC) < yz < total * (1 + 4 * SE_CC)
    assert rv.parkinson_vol(h, lo, 1.0) < 0.8 * total
    assert rv.garman_klass_vol(o, h, lo, c, 1.0) < 0.8 * total


def test_yang_zhang_is_drift_independent() -> None:
    # a drift of 300% a year over 1-hour bars: Rogers-Satchell and YZ stay near sigma
    o, h, lo, c = gbm_bars(SIGMA, 1.0, N_BARS, STEPS, seed=5, drift_annual=3.0)
    yz = rv.yang_zhang_vol(o, h, lo, c, 1.0)
    assert SIGMA * (1 - DISCRETE_BIAS - 4 * SE_CC) < yz < SIGMA * (1 + 4 * SE_CC)


# --- DataFrame entry point and errors ---------------------------------------------------------
def test_realized_vol_infers_the_bar_length(bars) -> None:
    o, h, lo, c = bars
    idx = pd.date_range("2026-09-01", periods=N_BARS, freq="1h", tz="UTC")
    df = pd.DataFrame({"open": o, "high": h, "low": lo, "close": c}, index=idx)
    assert rv.bar_hours_of(idx) == 1.0
    assert rv.realized_vol(df, "close_to_close") == pytest.approx(
        float(rv.close_to_close_vol(c, 1.0)), rel=1e-12
    )
    # the same bars read as 1-minute bars annualize sqrt(60) higher
    df.index = pd.date_range("2026-09-01", periods=N_BARS, freq="1min", tz="UTC")
    assert rv.realized_vol(df, "yang_zhang") == pytest.approx(
        float(rv.yang_zhang_vol(o, h, lo, c, 1.0)) * math.sqrt(60), rel=1e-12
    )


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda: rv.close_to_close_var([100.0, 101.0]), "at least 3 bars"),
        (lambda: rv.close_to_close_var([100.0, -1.0, 3.0]), "finite prices > 0"),
        (lambda: rv.parkinson_var([100.0], [101.0]), "high >= low"),
        (lambda: rv.garman_klass_var([100.0], [100.5], [99.0], [101.0]), "high >= max(O, C)"),
        (lambda: rv.annualize(1e-4, 0.0), "bar_hours=0"),
        (lambda: rv.yang_zhang_k(1), "n_bars=1"),
        (lambda: rv.realized_vol(pd.DataFrame(), "ewma"), "method='ewma'"),
    ],
)
def test_bad_input_names_parameter(call, needle: str) -> None:
    with pytest.raises(ValueError) as info:
        call()
    assert needle in str(info.value)
