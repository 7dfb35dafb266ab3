"""Tests for risk.calibration: synthetic histories whose true odds are known.

A GBM history's own odds (closed form at its true volatility) must land inside the observed
95% intervals; on a fat-tailed history GBM must miss in the known directions (too low far from
the entry, too high close to it). Intrabar lows/highs are drawn exactly: the extreme of a
Brownian bridge between the bar's open and close (Borodin & Salminen IV.4), so the "candles"
are those of a continuously traded price.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from risk.calibration import Settings, calibrate, observed_outcomes, parse_horizon

HOURS_PER_YEAR = 24 * 365


def candles_from_returns(r: np.ndarray, bridge_var: np.ndarray | float, seed: int) -> pd.DataFrame:
    """Hourly candles from log returns ``r``; the path inside each hour is a Brownian bridge
    of variance ``bridge_var``; low = exact bridge minimum, high = exact bridge maximum (drawn
    separately: each is exact on its own, which is all a one-sided test reads)."""
    rng = np.random.default_rng(seed)
    x = np.concatenate([[0.0], np.cumsum(r)])
    v = np.broadcast_to(np.asarray(bridge_var, dtype=float), r.shape)
    lo_ = 0.5 * (r - np.sqrt(r * r + 2 * v * rng.standard_exponential(r.size)))
    hi_ = 0.5 * (r + np.sqrt(r * r + 2 * v * rng.standard_exponential(r.size)))
    opens = x[:-1]
    idx = pd.date_range("2020-01-01", periods=r.size + 1, freq="1h", tz="UTC")
    close = 100 * np.exp(x)
    low = np.concatenate([[close[0]], 100 * np.exp(opens + np.minimum(lo_, 0.0))])
    high = np.concatenate([[close[0]], 100 * np.exp(opens + np.maximum(hi_, 0.0))])
    low = np.minimum(low, close)
    high = np.maximum(high, close)
    return pd.DataFrame({"open": close, "high": high, "low": low, "close": close}, index=idx)


def test_observed_touch_by_hand() -> None:
    idx = pd.date_range("2024-01-01", periods=5, freq="1h", tz="UTC")
    c = pd.DataFrame(
        {
            "high": [100, 101, 100, 99, 100.0],
            "low": [100, 95, 99, 89, 100.0],
            "close": [100, 100, 99, 95, 100.0],
        },
        index=idx,
    )
    # 10x long, mmr 0: LP = 90% of the entry. From bar 0 (100): lows 95, 99 over 2 bars: no;
    # from bar 1 (100): 99, 89 -> liquidated, and the close 2 bars later (95) is below: wrong;
    # from bar 2 (99): LP 89.1, lows 89, 100 -> liquidated, close 100 >= 99: right but liquidated
    liq, right = observed_outcomes(c, "long", [10.0], 2, mmr=0.0)
    assert liq[:, 0].tolist() == [False, True, True]
    assert right[:, 0].tolist() == [False, False, True]


def test_gbm_history_recovers_gbm_odds_within_the_intervals() -> None:
    vol, n = 0.6, HOURS_PER_YEAR * 2
    sd = vol / math.sqrt(HOURS_PER_YEAR)
    r = np.random.default_rng(1).normal(0.0, sd, n)
    candles = candles_from_returns(r, sd * sd, seed=2)
    rep = calibrate(
        candles,
        horizons_days=(1 / 24, 1.0),
        leverage=(10.0, 20.0, 50.0, 100.0),
        models=("gbm-preset",),
        settings=Settings(preset_vol=vol, n_boot=400),
    )
    checked = 0
    for c in rep.cells:
        if c.observed > 0.002:  # a cell with a handful of touches has no useful interval
            assert c.inside("gbm-preset"), c
            checked += 1
    assert checked >= 5


def test_fat_tailed_history_shows_gbms_misses_in_the_known_directions() -> None:
    # fat tails from both sources real prices have: GARCH(1,1) volatility clusters (alpha 0.1,
    # beta 0.88) and Student-t (4 df) hourly shocks, long-run volatility 80% a year; a Brownian
    # bridge of the hour's variance inside each hour
    vol, n = 0.8, HOURS_PER_YEAR * 2
    v_long = vol**2 / HOURS_PER_YEAR
    alpha, beta = 0.1, 0.88
    rng = np.random.default_rng(3)
    z = rng.standard_t(4.0, n) * math.sqrt(0.5)
    r, s2, s = np.empty(n), np.empty(n), v_long
    for t in range(n):
        s2[t] = s
        r[t] = math.sqrt(s) * z[t]
        s = v_long * (1 - alpha - beta) + alpha * r[t] ** 2 + beta * s
    candles = candles_from_returns(r, s2, seed=4)
    rep = calibrate(
        candles,
        horizons_days=(1 / 24,),
        leverage=(20.0, 125.0),
        models=("gbm-preset",),
        settings=Settings(preset_vol=vol, n_boot=400),
    )
    # far from the entry GBM at the true long-run volatility is too low: 20x over an hour is a
    # 5-sigma move for GBM (odds below 1e-5), yet it happens
    far = rep.cell("long", 1 / 24, 20.0)
    assert far.predicted["gbm-preset"] < 1e-5 < far.observed_lo
    # close to the entry it is too high: at 125x the room is half an hourly sigma, and in calm
    # (most) hours that is less than it looks
    near = rep.cell("long", 1 / 24, 125.0)
    assert near.predicted["gbm-preset"] > near.observed_hi


def test_horizon_parsing_and_bad_input() -> None:
    assert parse_horizon("8h") == pytest.approx(1 / 3)
    assert parse_horizon("7d") == 7.0
    assert parse_horizon("30m") == pytest.approx(1 / 48)
    with pytest.raises(ValueError, match="horizon='soon'"):
        parse_horizon("soon")
    idx = pd.date_range("2024-01-01", periods=3000, freq="1h", tz="UTC")
    c = pd.DataFrame({"high": 101.0, "low": 99.0, "close": 100.0}, index=idx)
    with pytest.raises(ValueError, match="not a whole number"):
        calibrate(c, horizons_days=(1 / 48,), models=("gbm-preset",))
    with pytest.raises(ValueError, match="column 'low' is missing"):
        calibrate(c.drop(columns="low"), models=("gbm-preset",))
    with pytest.raises(ValueError, match="model='x'"):
        calibrate(c, models=("x",))


def test_a_history_too_short_for_the_burn_in_says_how_long_it_must_be() -> None:
    # 1h horizon, 60-day burn-in on hourly bars: 1,440 + 11 x 1 = 1,451 bars (ten horizons of
    # entries after the burn-in); one bar less is refused with that figure
    r = np.random.default_rng(5).normal(0.0, 0.006, 1450)
    candles = candles_from_returns(r, 0.006**2, seed=6)  # 1,451 bars
    rep = calibrate(candles, horizons_days=(1 / 24,), leverage=(50.0,), models=("gbm-preset",))
    assert rep.cells[0].n_entries == 10
    with pytest.raises(ValueError, match=r"in 1,450 bars; allowed: a history of at least 1,451 1h"):
        calibrate(candles.iloc[:-1], horizons_days=(1 / 24,), models=("gbm-preset",))
