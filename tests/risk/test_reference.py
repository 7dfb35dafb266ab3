"""Reference prices, lot rounding and settable leverages."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from risk.reference import reference_price, reference_prices, round_down_to_lot, settable_leverage
from risk.volatility import hours_to_typical_move, typical_move_frac


def test_every_reference_price_is_dated_and_sourced() -> None:
    assert {"BTCUSDT", "ETHUSDT"} <= set(reference_prices())
    for ref in reference_prices().values():
        assert ref.price > 0 and ref.as_of and ref.source
    assert reference_price("ethusdt").price < reference_price("BTCUSDT").price
    assert reference_price("NOPE") is None


@pytest.mark.parametrize(
    ("qty", "lot", "expected"),
    [(0.3, 0.001, 0.3), (0.0129, 0.001, 0.012), (1.0, None, 1.0), (0.0009, 0.001, 0.0), (7, 5, 5)],
)
def test_round_down_to_lot(qty, lot, expected) -> None:
    assert round_down_to_lot(qty, lot) == expected


@given(st.floats(0.001, 1e6), st.sampled_from([0.001, 0.01, 0.1, 1.0]))
def test_rounded_size_is_whole_lots_and_never_more(qty: float, lot: float) -> None:
    r = round_down_to_lot(qty, lot)
    assert r <= qty + 1e-9 * qty
    assert qty - r < lot * (1 + 1e-6)
    assert math.isclose(r / lot, round(r / lot), abs_tol=1e-6)


@pytest.mark.parametrize(
    ("max_lev", "tier", "expected"),
    [(40.1, 125, 40), (40.0, 125, 40), (200.0, 125, 125), (float("inf"), 50, 50), (0.9, 125, None)],
)
def test_settable_leverage_is_a_whole_number_within_the_tier(max_lev, tier, expected) -> None:
    assert settable_leverage(max_lev, tier) == expected


def test_hours_to_typical_move_inverts_square_root_of_time() -> None:
    # At 54% a year one hour's typical move is 0.54 * sqrt(1 / 8760); twice that takes 4 hours.
    one_hour = float(typical_move_frac(0.54, 1 / 24))
    assert math.isclose(hours_to_typical_move(one_hour, 0.54), 1.0)
    assert math.isclose(hours_to_typical_move(2 * one_hour, 0.54), 4.0)
