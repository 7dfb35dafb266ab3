"""risk.sizing: size from risk, the stop buffer and the highest leverage that keeps liquidation
beyond the stop. The buffer convention is freqtrade's (formulas.md section 6)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from risk import Position, get_venue, liquidation_price
from risk.sizing import (
    leverage_curve,
    loss_per_unit,
    max_leverage_for_stop,
    size_from_risk,
    stop_respects_buffer,
)

PROPS = settings(max_examples=100, deadline=None)


def _respects(ep: float, stop: float, lp: float, buffer: float) -> bool:
    """The buffer rule written out: |entry - stop| <= (1 - buffer) * |entry - LP|; no LP passes."""
    return math.isnan(lp) or abs(ep - stop) <= (1 - buffer) * abs(ep - lp)


# --- the buffer ----------------------------------------------------------------------------------


def test_freqtrade_buffer_example() -> None:
    # entry 10, LP 8, buffer 0.05: the stop must keep 0.05 x 2 = 0.1 away from the LP -> above 8.1.
    assert stop_respects_buffer("long", 10, 8.1 + 1e-9, 8, 0.05)
    assert not stop_respects_buffer("long", 10, 8.1 - 1e-9, 8, 0.05)
    assert not stop_respects_buffer("long", 10, 8.05, 8, 0.05)
    # mirrored for a short: entry 10, LP 12 -> the stop must be below 11.9
    assert stop_respects_buffer("short", 10, 11.9 - 1e-9, 12, 0.05)
    assert not stop_respects_buffer("short", 10, 11.9 + 1e-9, 12, 0.05)


def test_no_liquidation_price_always_respects_the_buffer() -> None:
    assert stop_respects_buffer("long", 10, 1, float("nan"), 0.05)


def test_buffer_is_vectorized_over_liquidation_prices() -> None:
    out = stop_respects_buffer("long", 10, 9, np.array([8.0, 9.5, np.nan]), 0.05)
    assert list(out) == [True, False, True]


# --- loss at the stop ----------------------------------------------------------------------------


def test_loss_per_unit_by_hand() -> None:
    # |100 - 95| + (100 + 95) x 0.0005 = 5.0975 per unit
    assert loss_per_unit(100, 95, 0.0005) == pytest.approx(5.0975, rel=1e-14)


@PROPS
@given(
    side=st.sampled_from(["long", "short"]),
    equity=st.floats(100, 1e7),
    risk_frac=st.floats(0.001, 0.1),
    ep=st.floats(0.01, 200_000),
    dist=st.floats(0.002, 0.5),
    taker=st.sampled_from([0.0, 0.0002, 0.0005, 0.001]),
)
def test_loss_at_stop_equals_equity_times_risk(side, equity, risk_frac, ep, dist, taker) -> None:
    stop = ep * (1 - dist) if side == "long" else ep * (1 + dist)
    venue = get_venue("generic", mmr=0.005)
    r = size_from_risk(
        equity, risk_frac, ep, stop, side=side, venue=venue, taker_fee=taker, buffer_frac=0.05
    )
    # price loss plus a taker fee on the way in and on the way out, from first principles
    q = r.quantity
    loss = q * abs(ep - stop) + q * ep * taker + q * stop * taker
    assert loss == pytest.approx(equity * risk_frac, rel=1e-12)
    assert r.loss_at_stop == pytest.approx(equity * risk_frac, rel=1e-12)
    assert r.notional == pytest.approx(q * ep, rel=1e-14)
    assert r.account_leverage == pytest.approx(q * ep / equity, rel=1e-14)
    assert r.stop_distance_frac == pytest.approx(dist, rel=1e-9)
    if not math.isnan(r.max_leverage):
        assert r.margin == pytest.approx(q * ep / r.max_leverage, rel=1e-12)
        assert r.gap_loss == pytest.approx(r.margin, rel=1e-12)


# --- the highest leverage ------------------------------------------------------------------------


def test_max_leverage_closed_form_binance_tier1() -> None:
    # Long at 100, stop 95 (d = 5%), buffer 5%, Binance BTCUSDT tier 1 (mmr 0.4%, cum 0).
    # EP - LP = EP (1/L - mmr)/(1 - mmr); require d = (1 - b)(1/L - mmr)/(1 - mmr)
    # -> 1/L = mmr + d (1 - mmr)/(1 - b) = 0.004 + 0.05 x 0.996/0.95 -> L = 17.7239...
    lev = max_leverage_for_stop("long", 100, 95, 1, get_venue("binance"), 0.05)
    assert lev == pytest.approx(1 / (0.004 + 0.05 * 0.996 / 0.95), rel=1e-7)


def test_max_leverage_capped_at_the_tier_maximum() -> None:
    # Stop 0.2% below entry. At 150x (the 2026 tier-1 maximum of BTCUSDT) the LP is
    # (1/150 - 0.004)/0.996 = 0.2677% below entry, and 0.2% <= 0.95 x 0.2677% = 0.2544%: the
    # tier maximum binds.
    lev = max_leverage_for_stop("long", 100, 99.8, 1, get_venue("binance"), 0.05)
    assert lev == 150


@PROPS
@given(
    family=st.sampled_from(["binance", "bybit", "okx", "hyperliquid", "generic"]),
    side=st.sampled_from(["long", "short"]),
    ep=st.floats(0.01, 200_000),
    notional=st.floats(10, 5e7),
    dist=st.floats(0.001, 0.6),
    buffer=st.floats(0.0, 0.5),
)
@example(family="bybit", side="long", ep=1.0, notional=10.0, dist=0.5, buffer=0.5)
def test_max_leverage_is_the_boundary(family, side, ep, notional, dist, buffer) -> None:
    venue = {
        "binance": get_venue("binance", "BTCUSDT"),
        "bybit": get_venue("bybit", "BTCUSDT"),
        "okx": get_venue("okx", mmr=0.01, taker_fee=0.0005),
        "hyperliquid": get_venue("hyperliquid", "ETH"),
        "generic": get_venue("generic", mmr=0.02, maintenance_amount=1.0),
    }[family]
    assume(side == "long" or dist < 0.95)
    stop = ep * (1 - dist) if side == "long" else ep * (1 + dist)
    q = notional / ep
    lev = max_leverage_for_stop(side, ep, stop, q, venue, buffer)
    if math.isnan(lev):
        # even 1x puts the LP inside the buffer: a short, or a long where the maintenance margin is
        # valued at the entry (Bybit: a 1x long's LP is EP * MMR above zero, issue 15)
        lp1 = liquidation_price(Position(side, ep, q, leverage=1.0), venue)
        assert not _respects(ep, stop, lp1, buffer)
        return
    assert lev >= 1
    lp = liquidation_price(Position(side, ep, q, leverage=lev), venue)
    assert _respects(ep, stop, lp, buffer)
    tier_max = float(venue.table.max_leverage(q * ep))
    t = venue.table.tier(q * ep)
    margin_cap = 1 / (t.mmr + venue.trigger_fee)  # margin must exceed the MM at entry
    if lev >= min(tier_max, margin_cap) * (1 - 1e-9):
        return  # capped: nothing higher is allowed
    higher = lev * (1 + 1e-6)
    lp_hi = liquidation_price(Position(side, ep, q, leverage=higher), venue)
    assert not _respects(ep, stop, lp_hi, buffer)


def test_stop_on_the_wrong_side_raises() -> None:
    venue = get_venue("binance")
    with pytest.raises(ValueError, match=r"stop_price=105 is not below the entry 100 of a long"):
        max_leverage_for_stop("long", 100, 105, 1, venue)
    with pytest.raises(ValueError, match=r"stop_price=95 is not above the entry 100 of a short"):
        size_from_risk(1_000, 0.01, 100, 95, side="short", venue=venue)
    with pytest.raises(ValueError, match=r"allowed: 0 < stop_price < 100"):
        size_from_risk(1_000, 0.01, 100, 100, side="long", venue=venue)


def test_size_from_risk_worked_example() -> None:
    # 10,000 USDT equity, 1% risk, long at 50,000, stop 49,000, no fee: Q = 100/1,000 = 0.1 BTC,
    # notional 5,000 (account leverage 0.5). Binance tier 1: 1/L = 0.004 + 0.02 x 0.996/0.95
    # -> L = 40.8...; margin 5,000/L.
    r = size_from_risk(10_000, 0.01, 50_000, 49_000, side="long", venue=get_venue("binance"))
    assert r.quantity == pytest.approx(0.1, rel=1e-14)
    assert r.account_leverage == pytest.approx(0.5)
    lev = 1 / (0.004 + 0.02 * 0.996 / 0.95)
    assert r.max_leverage == pytest.approx(lev, rel=1e-7)
    assert r.margin == pytest.approx(5_000 / lev, rel=1e-7)
    # at that leverage the stop distance is exactly (1 - 0.05) of the LP distance
    assert (50_000 - 49_000) == pytest.approx(0.95 * (50_000 - r.liquidation_price), rel=1e-7)


def test_leverage_curve() -> None:
    venue = get_venue("binance")
    curve = leverage_curve("long", 100, 1, venue, np.array([1, 2, 10, 125, 200]))
    assert list(curve.leverage) == [1, 2, 10, 125]  # 200 > the tier maximum is dropped
    assert list(curve.margin) == pytest.approx([100, 50, 10, 0.8])
    expected = [(100 / lv - 100) / (0.004 - 1) for lv in (2, 10, 125)]
    assert math.isnan(curve.liquidation_price[0])  # 1x: no liquidation price
    assert list(curve.liquidation_price[1:]) == pytest.approx(expected, rel=1e-12)
    assert list(curve.distance_frac[1:]) == pytest.approx(
        [abs(x - 100) / 100 for x in expected], rel=1e-12
    )
