"""Plan sizing on a venue, re-derived by hand for a flat maintenance rate.

Isolated linear long, flat rate ``m``, no maintenance amount, no fee in the trigger (Binance-style
``generic`` rules): equity at the liquidation price equals its maintenance margin,
``M + q (LP - E) = m q LP``, so ``LP = (q E - M) / (q (1 - m))``.
"""

from __future__ import annotations

import math

import pytest

from risk import get_venue
from risk.journal.plan import quantity_for_risk
from risk.journal.planning import plan_levels, plan_sizing, stop_to_liquidation_frac

MMR = 0.005
FLAT = get_venue("generic", "X", mmr=MMR)


def test_chosen_leverage_by_hand() -> None:
    # long 100 -> stop 95, 1% of 10_000: q = 100 / 5 = 20, notional 2_000
    # 10x: margin 200, LP = (2_000 - 200) / (20 * 0.995) = 1_800 / 19.9
    s = plan_sizing("long", 100, 95, 10_000, 0.01, venue=FLAT, leverage=10)
    lp = 1_800 / 19.9
    assert s.quantity == pytest.approx(20.0) and s.notional == pytest.approx(2_000.0)
    assert s.margin == pytest.approx(200.0) and s.leverage == 10.0
    assert s.liquidation_price == pytest.approx(lp, rel=1e-12)
    assert s.stop_to_liquidation_frac == pytest.approx((95 - lp) / 95, rel=1e-12)  # ~4.8%
    assert not s.liquidation_before_stop
    assert s.account_leverage == pytest.approx(0.2)  # 2_000 / 10_000
    assert s.stop_distance_frac == pytest.approx(0.05)
    assert s.loss_at_stop == pytest.approx(100.0)


def test_leverage_that_liquidates_before_the_stop() -> None:
    # 50x: margin 40, LP = 1_960 / 19.9 = 98.49..., above the 95 stop of a long
    s = plan_sizing("long", 100, 95, 10_000, 0.01, venue=FLAT, leverage=50)
    assert s.liquidation_price == pytest.approx(1_960 / 19.9, rel=1e-12)
    assert s.stop_to_liquidation_frac == pytest.approx((95 - 1_960 / 19.9) / 95, rel=1e-12)
    assert s.liquidation_before_stop


def test_default_leverage_is_the_highest_safe_one() -> None:
    # buffer 5%: |E - S| <= 0.95 |E - LP|  ->  LP = 100 - 5 / 0.95 at the boundary
    # LP(L) = 100 (1 - 1/L) / 0.995  ->  L = 1 / (1 - 0.995 LP / 100) = 17.43...
    lp_edge = 100 - 5 / 0.95
    lev = 1 / (1 - (1 - MMR) * lp_edge / 100)
    s = plan_sizing("long", 100, 95, 10_000, 0.01, venue=FLAT)
    assert s.max_safe_leverage == pytest.approx(lev, rel=1e-7)
    assert s.leverage == s.max_safe_leverage
    assert s.liquidation_price == pytest.approx(lp_edge, rel=1e-7)
    # the buffer is 5% of the entry-to-LP distance: (95 - LP) = 0.05 * (100 - LP)
    assert s.stop_to_liquidation_frac == pytest.approx(0.05 * (100 - lp_edge) / 95, rel=1e-6)


def test_short_with_fees_matches_the_journal_size() -> None:
    # size_from_risk and the journal's default size use the same fee convention
    s = plan_sizing("short", 50, 52, 5_000, 0.02, venue=FLAT, leverage=5, taker_fee=0.0005)
    assert s.quantity == pytest.approx(quantity_for_risk(5_000, 0.02, 50, 52, 0.0005), rel=1e-12)
    # short LP root: (M + q E) / (q (1 + m)), M = q E / 5
    q = s.quantity
    assert s.liquidation_price == pytest.approx((q * 50 / 5 + q * 50) / (q * (1 + MMR)))
    assert s.stop_to_liquidation_frac == pytest.approx((s.liquidation_price - 52) / 52)


def test_bad_inputs_raise() -> None:
    with pytest.raises(ValueError, match="stop_price=105 is not below the entry"):
        plan_sizing("long", 100, 105, 10_000, 0.01, venue=FLAT)
    with pytest.raises(ValueError, match="leverage"):
        plan_sizing("long", 100, 95, 10_000, 0.01, venue=FLAT, leverage=0.5)
    with pytest.raises(ValueError, match="side='up'"):
        stop_to_liquidation_frac("up", 95, 90)


def test_stop_to_liquidation_without_a_liquidation_price() -> None:
    assert stop_to_liquidation_frac("long", 95, math.nan) == math.inf
    assert stop_to_liquidation_frac("short", 105, 110) == pytest.approx(5 / 105)


def test_plan_levels_by_hand() -> None:
    # long 20 @ 100, fee 0.1%: at 110 PnL 200, after fees 200 - 0.001 * 20 * 210 = 195.8
    levels = plan_levels(
        "long", 100, 20, [("Stop", 95), ("Target 1", 110), ("Liquidation", math.nan)], 0.001
    )
    assert [lv[0] for lv in levels] == ["Entry", "Stop", "Target 1"]
    _name, price, move, pnl, net = levels[2]
    assert (price, move, pnl) == (110, pytest.approx(0.1), pytest.approx(200.0))
    assert net == pytest.approx(195.8)
    assert levels[1][3] == pytest.approx(-100.0)  # 20 * (95 - 100)
