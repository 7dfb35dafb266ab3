"""Symbol notation, both ways: the app's exchange-style names and ccxt's unified names.

The app (and Binance, Bybit) write a perpetual as ``BTCUSDT``; ccxt writes ``BTC/USDT:USDT``
(base/quote:settle; an inverse contract settles in the base, ``BTC/USD:BTC``; a dated contract
ends in ``-YYMMDD``). OKX writes ``BTC-USDT-SWAP``, Gate ``BTC_USDT``, Binance COIN-M
``BTCUSD_PERP``, and Hyperliquid names the coin alone (``BTC``, margined in USDC). Pure string
functions, no I/O.
"""

from __future__ import annotations

import re

#: Quote currencies recognised at the end of an app symbol, longest first.
QUOTES = ("FDUSD", "USDT", "USDC", "BUSD", "USD")

_HYPERLIQUID_SUFFIX = re.compile(r"[-_/]?(USDT|USDC|USD|PERP)$")


def to_app_symbol(symbol: str, exchange: str | None = None) -> str:
    """App notation of any exchange's or ccxt's symbol, upper-case.

    ``BTC/USDT:USDT`` -> ``BTCUSDT``; ``BTC/USD:BTC`` -> ``BTCUSD``; a dated contract
    ``BTC/USDT:USDT-260327`` -> ``BTCUSDT_260327`` (Binance's own name); ``BTC-USDT-SWAP`` ->
    ``BTCUSDT``; ``BTC_USDT`` -> ``BTCUSDT``; ``BTCUSD_PERP`` -> ``BTCUSD``. On Hyperliquid the
    coin alone: ``BTC/USDC:USDC``, ``BTCUSDT`` and ``BTC-USD`` are all ``BTC``.
    """
    s = str(symbol).strip().upper()
    expiry = ""
    if "/" in s:
        base, _, rest = s.partition("/")
        quote, _, settle = rest.partition(":")
        if "-" in settle:
            expiry = "_" + settle.split("-", 1)[1]
        s = base + quote
    else:
        s = re.sub(r"-(SWAP|PERP|FUTURES)$", "", s)
        s = re.sub(r"_PERP$", "", s)
        s = s.replace("-", "").replace("_", "") if _looks_split(s) else s
    if exchange == "hyperliquid":
        return _HYPERLIQUID_SUFFIX.sub("", s)
    return s + expiry


def _looks_split(s: str) -> bool:
    """``BTC-USDT`` / ``BTC_USDT``: a separator followed by a known quote currency."""
    return bool(re.fullmatch(r"[A-Z0-9]+[-_](" + "|".join(QUOTES) + r")", s))


def split_app_symbol(symbol: str) -> tuple[str, str]:
    """(base, quote) of an app symbol; ``ValueError`` when no known quote currency ends it."""
    s = to_app_symbol(symbol)
    for q in QUOTES:
        if s.endswith(q) and len(s) > len(q):
            return s[: -len(q)], q
    raise ValueError(
        f"symbol={symbol!r} does not end in a known quote currency; allowed: a symbol such as "
        f"BTCUSDT (quote one of {', '.join(QUOTES)})"
    )


def to_ccxt_symbol(symbol: str, exchange: str | None = None, contract: str = "linear") -> str:
    """ccxt notation of an app symbol: ``BTCUSDT`` -> ``BTC/USDT:USDT``; with
    ``contract="inverse"`` ``BTCUSD`` -> ``BTC/USD:BTC``; on Hyperliquid ``BTC`` ->
    ``BTC/USDC:USDC``. A symbol already in ccxt notation comes back unchanged."""
    s = str(symbol).strip()
    if "/" in s:
        return s
    if exchange == "hyperliquid":
        coin = to_app_symbol(s, "hyperliquid")
        return f"{coin}/USDC:USDC"
    base, quote = split_app_symbol(s)
    if contract == "inverse":
        return f"{base}/{quote}:{base}"
    return f"{base}/{quote}:{quote}"
