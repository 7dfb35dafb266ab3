"""risk.funding: the drag of funding on a leveraged position (formulas.md section 7)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from risk import Position, get_venue
from risk.funding import (
    annualized_funding,
    break_even_move_frac,
    days_to_consume,
    funding_cost,
    funding_count,
    funding_frac_of_margin,
    funding_presets,
    liquidation_price_path,
    rate_for_interval,
)


def test_fifty_x_calm_rate_costs_one_and_a_half_percent_of_margin_a_day() -> None:
    # formulas.md section 7: "at 50x, 0.01%/8h costs 1.5% of the margin per day":
    # 3 fundings x 0.01% of a notional that is 50 x the margin = 1.5%.
    assert funding_frac_of_margin(50, 0.0001, 8, 1) == pytest.approx(0.015, rel=1e-12)
    # Hyperliquid pays 1/8 of the 8-h rate every hour: the same 1.5% a day.
    hourly = rate_for_interval(0.0001, 1)
    assert hourly == pytest.approx(0.0000125, rel=1e-12)
    assert funding_frac_of_margin(50, hourly, 1, 1) == pytest.approx(0.015, rel=1e-12)
    # the short receives it
    assert funding_frac_of_margin(50, 0.0001, 8, 1, side="short") == pytest.approx(-0.015)


def test_funding_count_and_cost() -> None:
    assert funding_count(1, 8) == 3
    assert funding_count(0.99, 8) == 2  # 23.76 h: the third funding has not happened yet
    assert funding_count(7, 1) == 168
    # 50,000 USDT notional, +0.05%/8h, 10 days (30 fundings): 50,000 x 0.0005 x 30 = 750 paid
    assert funding_cost(50_000, 0.0005, 8, 10) == pytest.approx(750)
    assert funding_cost(50_000, 0.0005, 8, 10, side="short") == pytest.approx(-750)
    # negative rate: shorts pay
    assert funding_cost(50_000, -0.0001, 8, 10, side="short") == pytest.approx(150)


def test_days_to_consume() -> None:
    # 50x at 0.01%/8h: each funding takes 0.5% of the margin -> 200 fundings = 66.67 days for all
    # of it; 10x: 0.1% each -> half the margin in 500 fundings = 166.67 days.
    assert days_to_consume(1.0, 50, 0.0001, 8) == pytest.approx(200 * 8 / 24, rel=1e-12)
    assert days_to_consume(0.5, 10, 0.0001, 8) == pytest.approx(500 * 8 / 24, rel=1e-12)
    # a part of a funding still needs the whole funding: 0.7% at 0.5% per funding -> 2 fundings
    assert days_to_consume(0.007, 50, 0.0001, 8) == pytest.approx(2 * 8 / 24, rel=1e-12)
    # the receiving side never loses margin to funding
    assert days_to_consume(1.0, 50, 0.0001, 8, side="short") == math.inf
    assert days_to_consume(1.0, 50, 0.0, 8) == math.inf


def test_annualized_simple_and_compound() -> None:
    # 0.01% per 8 h: 1,095 fundings a year -> 10.95% simple; (1.0001)^1095 - 1 compound.
    simple, compound = annualized_funding(0.0001, 8)
    assert simple == pytest.approx(0.1095, rel=1e-12)
    assert compound == pytest.approx(1.0001**1095 - 1, rel=1e-12)
    assert compound > simple
    # exp(1095 * ln(1.0001)) = exp(0.1094945) -> 11.571%
    assert compound == pytest.approx(0.11571, abs=1e-5)
    # hourly at 1/8 the rate: the same simple figure
    assert annualized_funding(0.0000125, 1)[0] == pytest.approx(0.1095, rel=1e-12)


def test_break_even_move_with_fees_and_funding() -> None:
    # Long, taker 0.05%, 0.01%/8h for 10 days (30 fundings -> c = 0.3% of the notional):
    # Q(P - EP) = Q*EP*f + Q*P*f + c*Q*EP -> P/EP = (1 + f + c)/(1 - f).
    f, c = 0.0005, 0.003
    got = break_even_move_frac(f, 0.0001, 8, 10)
    assert got == pytest.approx((1 + f + c) / (1 - f) - 1, rel=1e-12)
    # short receives funding: -Q(P - EP) = fees - c*Q*EP -> P/EP = (1 - f + c)/(1 + f)
    got = break_even_move_frac(f, 0.0001, 8, 10, side="short")
    assert got == pytest.approx(1 - (1 - f + c) / (1 + f), rel=1e-12)


def test_presets_are_fractions_per_8h() -> None:
    presets = funding_presets()
    assert presets["calm (+0.01%/8h)"] == 0.0001
    assert all(-0.004 < v < 0.004 for v in presets.values())


# --- the liquidation price creeps toward the mark ------------------------------------------------


def test_lp_creeps_toward_the_mark_then_funding_liquidates() -> None:
    # Long 1 @ 100, 50x on Binance tier 1 (mmr 0.4%): margin 2, MM at entry 0.4. 0.01%/8h costs
    # 0.01 per funding, so after n fundings LP = (2 - 0.01 n - 100)/(0.004 - 1); funding alone
    # liquidates at margin 0.4, i.e. after 160 fundings = 53.33 days.
    venue = get_venue("binance")
    pos = Position("long", 100, 1, leverage=50)
    days = np.arange(0, 60, 1 / 3)  # every funding time
    lp = liquidation_price_path(pos, venue, 0.0001, 8, days)
    n = np.floor(days * 3 + 1e-9)
    alive = n < 160
    expected = (2 - 0.01 * n - 100) / (0.004 - 1)
    np.testing.assert_allclose(lp[alive], expected[alive], rtol=1e-9)
    assert np.all(np.isnan(lp[~alive]))
    assert np.all(np.diff(lp[alive]) > 0)  # strictly toward the mark (100)
    assert np.all(lp[alive] < 100)


@pytest.mark.parametrize(("side", "rate"), [("long", 0.0005), ("short", -0.0005)])
def test_lp_path_is_monotone_for_the_paying_side(side, rate) -> None:
    venue = get_venue("binance", "ETHUSDT")
    pos = Position(side, 3_000, 2, leverage=20)
    days = np.linspace(0, 40, 241)
    lp = liquidation_price_path(pos, venue, rate, 8, days)
    live = lp[~np.isnan(lp)]
    step = np.diff(live)
    # toward the mark: a long's LP rises, a short's falls, never overshooting the entry
    assert np.all(step >= 0) if side == "long" else np.all(step <= 0)
    assert np.all(live < 3_000) if side == "long" else np.all(live > 3_000)
    # once NaN, NaN for good
    dead = np.isnan(lp)
    assert dead.any() and np.all(dead[np.argmax(dead) :])


def test_receiving_side_lp_moves_away() -> None:
    venue = get_venue("binance")
    pos = Position("short", 100, 1, leverage=20)
    lp = liquidation_price_path(pos, venue, 0.0001, 8, np.array([0.0, 10.0, 20.0]))
    assert lp[0] < lp[1] < lp[2]


def test_lp_path_refuses_cross_and_inverse() -> None:
    venue = get_venue("generic", mmr=0.01)
    cross = Position("long", 100, 1, leverage=5, margin_mode="cross")
    with pytest.raises(ValueError, match=r"margin_mode='cross'.*allowed: an isolated linear"):
        liquidation_price_path(cross, venue, 0.0001, 8, 1)
    inv = Position("long", 100, 1, leverage=5, contract="inverse")
    with pytest.raises(ValueError, match=r"contract='inverse'.*allowed: an isolated linear"):
        liquidation_price_path(inv, venue, 0.0001, 8, 1)
