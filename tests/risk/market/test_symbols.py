"""risk.market.symbols: the app's symbol notation and ccxt's, both ways."""

from __future__ import annotations

import pytest

from risk.market import split_app_symbol, to_app_symbol, to_ccxt_symbol
from risk.venues import normalize_symbol


@pytest.mark.parametrize(
    ("given", "exchange", "app"),
    [
        ("BTC/USDT:USDT", None, "BTCUSDT"),
        ("1000BONK/USDC:USDC", None, "1000BONKUSDC"),
        ("BTC/USD:BTC", None, "BTCUSD"),
        ("BTC/USDT:USDT-260327", None, "BTCUSDT_260327"),  # Binance's name of the dated contract
        ("BTC-USDT-SWAP", None, "BTCUSDT"),  # OKX
        ("ETH-USDT", None, "ETHUSDT"),  # OKX instrument family
        ("BTC_USDT", None, "BTCUSDT"),  # Gate
        ("BTCUSD_PERP", None, "BTCUSD"),  # Binance COIN-M
        (" btcusdt ", None, "BTCUSDT"),
        ("BTC/USDC:USDC", "hyperliquid", "BTC"),
        ("BTCUSDT", "hyperliquid", "BTC"),
        ("BTC-USD", "hyperliquid", "BTC"),
        ("kPEPE", "hyperliquid", "KPEPE"),
    ],
)
def test_to_app_symbol(given, exchange, app) -> None:
    assert to_app_symbol(given, exchange) == app
    assert normalize_symbol(exchange or "binance", given) == app


@pytest.mark.parametrize(
    ("app", "exchange", "contract", "ccxt"),
    [
        ("BTCUSDT", None, "linear", "BTC/USDT:USDT"),
        ("1000BONKUSDC", "binance", "linear", "1000BONK/USDC:USDC"),
        ("BTCUSD", "bybit", "inverse", "BTC/USD:BTC"),
        ("ETH", "hyperliquid", "linear", "ETH/USDC:USDC"),
        ("ETH/USDT:USDT", None, "linear", "ETH/USDT:USDT"),  # already ccxt: unchanged
    ],
)
def test_to_ccxt_symbol(app, exchange, contract, ccxt) -> None:
    assert to_ccxt_symbol(app, exchange, contract) == ccxt
    assert to_app_symbol(ccxt, exchange) == to_app_symbol(app, exchange)


def test_split_needs_a_known_quote() -> None:
    assert split_app_symbol("FDUSDUSDT") == ("FDUSD", "USDT")
    assert split_app_symbol("ETHFDUSD") == ("ETH", "FDUSD")
    with pytest.raises(ValueError, match=r"symbol='BTCEUR' does not end in a known quote"):
        to_ccxt_symbol("BTCEUR")
