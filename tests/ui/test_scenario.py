"""The shared scenario: defaults, venue resolution, and messages that say what to change."""

from __future__ import annotations

import math

import pytest

from risk import get_venue, liquidation_price
from ui.scenario import Scenario, leverage_cap, needs_typed_mmr, resolve


def test_default_is_a_500_usdt_long_at_10x_on_binance_btc() -> None:
    res = resolve(Scenario())
    assert res.ok
    assert res.position.notional == pytest.approx(5_000)
    assert res.position.initial_margin == pytest.approx(500)
    assert res.venue.table.tier(5_000).mmr == 0.004
    lp = float(liquidation_price(res.position, res.venue))
    assert math.isclose(1 - lp / 100_000, 0.0963855421686747, rel_tol=1e-12)


@pytest.mark.parametrize(
    ("exchange", "symbol", "typed"),
    [
        ("binance", "BTCUSDT", False),
        ("binance", "custom", True),
        ("bybit", "ETHUSDT", False),
        ("hyperliquid", "BTCUSDT", False),  # shipped as "BTC"
        ("okx", "BTCUSDT", True),
        ("gate", "ETHUSDT", True),
        ("generic", "BTCUSDT", True),
    ],
)
def test_typed_rate_only_where_no_table_ships(exchange, symbol, typed) -> None:
    assert needs_typed_mmr(exchange, symbol) is typed
    res = resolve(Scenario(exchange=exchange, symbol=symbol, mmr=0.005))
    assert res.ok, res.error


def test_leverage_cap_is_the_highest_tier_leverage() -> None:
    assert leverage_cap(get_venue("binance", "BTCUSDT")) == 150  # 2026 brackets: tier 1 allows 150x
    assert leverage_cap(get_venue("hyperliquid", "BTC")) == 40
    assert leverage_cap(get_venue("bybit", "ETHUSDT")) == 50
    assert leverage_cap(None) == 150


def test_typed_rate_caps_leverage_below_one_over_the_rate() -> None:
    venue = Scenario(exchange="generic", mmr=0.02).venue()
    assert leverage_cap(venue) == 49  # 1/0.02 = 50x would be liquidated at once


def test_leverage_above_the_tier_maximum_names_the_maximum_and_the_fix() -> None:
    res = resolve(Scenario(margin=2_500, leverage=120))  # 300,000 notional: tier 2, max 100x
    assert not res.ok and res.position is None
    assert "above the maximum 100x" in res.error
    assert "Lower the leverage to 100x or less, or reduce the margin" in res.error


def test_quantity_sizing_names_the_quantity() -> None:
    res = resolve(Scenario(size_by="quantity", quantity=10.0, leverage=90))  # 1,000,000: 75x
    assert not res.ok
    assert "75x" in res.error and "reduce the quantity" in res.error


def test_notional_above_the_last_tier() -> None:
    res = resolve(Scenario(size_by="quantity", quantity=20_000.0, leverage=1))
    assert not res.ok and "largest position" in res.error


def test_bad_typed_rate_is_a_message_not_an_exception() -> None:
    res = resolve(Scenario(exchange="generic", mmr=1.5))
    assert not res.ok and res.venue is None
    # named as the sidebar names it (no raw field name), with the value and the allowed range
    assert "maintenance margin rate" in res.error.lower()
    assert "150" in res.error and "at most 49" in res.error


def test_quote_currency_follows_the_table() -> None:
    from ui.scenario import quote_currency

    assert quote_currency(get_venue("hyperliquid", "BTC")) == "USDC"
    assert quote_currency(get_venue("binance", "BTCUSDT")) == "USDT"
    assert quote_currency(Scenario(exchange="okx").venue()) == "USDT"  # typed rate
    assert quote_currency(None) == "USDT"


def test_the_sidebar_lists_no_inverse_symbol() -> None:
    """Bybit ships inverse tables (BTCUSD, counted in coin) for the command line; the sidebar's
    position is linear, and picking one crashed the Liquidation map and the 50x lesson
    (`make fuzz SCALE=10`, seed 20261208)."""
    from risk.tiers import shipped_symbols, shipped_table
    from ui.scenario import symbol_options

    inverse = set(shipped_symbols("bybit", "inverse"))
    assert inverse and all(shipped_table("bybit", s).notional_unit == "coin" for s in inverse)
    assert not inverse & set(symbol_options("bybit"))
    assert set(shipped_symbols("bybit", "linear")) <= set(symbol_options("bybit"))


def test_an_inverse_symbol_in_the_sidebar_is_a_sentence_not_a_crash() -> None:
    res = resolve(Scenario(exchange="bybit", symbol="BTCUSD"))
    assert not res.ok and res.venue is None
    assert "inverse (coin-margined)" in res.error and "BTCUSDT" in res.error
