"""Prices on screen: magnitude-dependent digits, never scientific notation, never 0.00."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui import format as fmt
from ui import text


@pytest.mark.parametrize(
    ("x", "shown"),
    [
        (100_000.0, "100,000.00"),
        (90_361.4457, "90,361.45"),
        (2_527.48232946, "2,527.48"),
        (3.14159265, "3.1416"),
        (0.5, "0.50"),
        (0.0000123, "0.0000123"),
        (0.000012345678912, "0.000012345679"),
        (-0.0000123, "-0.0000123"),
        (float("nan"), "—"),
        (None, "—"),
    ],
)
def test_prices_by_magnitude(x, shown) -> None:
    assert fmt.price(x) == shown


def test_text_price_is_the_same_function() -> None:
    assert text.price(0.0000123) == "0.0000123"


@given(st.floats(min_value=1e-12, max_value=1e12, allow_nan=False))
def test_never_scientific_and_round_trips_to_eight_significant_digits(x: float) -> None:
    s = fmt.price(x)
    assert "e" not in s.lower()
    back = float(s.replace(",", ""))
    # 2 decimals from 1,000 up, 4 from 1 up, 8 significant digits below 1
    tol = 0.005 if x >= 1000 else 0.00005 if x >= 1 else 10 ** (math.floor(math.log10(x)) - 7)
    assert abs(back - x) <= tol + 4 * math.ulp(x)


def test_input_format_keeps_a_small_coin_visible() -> None:
    assert fmt.input_format(100_000.0) == "%.2f"
    assert fmt.input_format(0.0000123) == "%.12f"
    assert (fmt.input_format(0.0000123) % 0.0000123).rstrip("0") == "0.0000123"


def test_plain_names_drop_the_circled_s() -> None:
    assert fmt.plain("Binance USDⓈ-M BTCUSDT") == "Binance USDS-M BTCUSDT"


def test_sources_drop_the_repository_and_the_glyph() -> None:
    s = (
        "Binance USDⓈ-M BTCUSDT perpetual, 1-hour closes 2025-03-06 to 2025-04-05 "
        "(typhonun/DcaTpStrategy, MIT): 53.7%"
    )
    assert fmt.source(s) == (
        "Binance USDS-M BTCUSDT perpetual, 1-hour closes 2025-03-06 to 2025-04-05: 53.7%"
    )
    assert fmt.source("Binance FAQ (binance.com)") == "Binance FAQ (binance.com)"


def test_times_in_words() -> None:
    assert fmt.when("2024-01-02T00:00:00+00:00") == "2 Jan 2024, 00:00 UTC"
    assert fmt.when("2024-05-03T12:30:00+02:00") == "3 May 2024, 10:30 UTC"
    assert fmt.when("not a time") == "not a time"
