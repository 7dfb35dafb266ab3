"""Where "volatility now" reads its candles: the user's price CSV, the market-data cache, or the
history the project ships.

Each loader returns :class:`SourcedCandles`: candles (a ``DataFrame`` with ``close``, or a
``Series`` of closes, UTC ``DatetimeIndex``, oldest first) that
:func:`risk.conditional_vol.vol_now` takes, with a label that says where they come from. The
loaders only read; whether a file is long enough for EWMA or GARCH is decided by ``vol_now``
(a clear ``ValueError`` naming how many returns it has and how many it needs).

- **csv**: :func:`risk.paths.load_price_csv` (a timestamp and a close column, or OHLC), the same
  reader as the bootstrap's upload, with the method's own minimum instead of the bootstrap's 50
  rows;
- **market**: the hourly candles cached by ``python -m risk market refresh`` or the app's
  "Refresh now" (1-minute candles when no hourly ones are cached), :mod:`risk.market.cache`;
- **history**: a shipped data set, :func:`risk.history.load_history` (by default the latest
  hourly candles of the asset, March-April 2025).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from risk._validate import check_choice

SOURCES = ("csv", "market", "history")
#: The latest shipped hourly candles per asset: the offline "volatility now".
NOW_HISTORY = {"BTC": "btc-1h-2025", "ETH": "eth-1h-2025"}
#: Cached timeframes, in order of preference (hourly first: 1-minute returns carry
#: microstructure noise and intraday seasonality that a 3-day EWMA does not need).
MARKET_TIMEFRAMES = ("1h", "1m")


@dataclass(frozen=True)
class SourcedCandles:
    """Candles and where they come from (``source`` is one of :data:`SOURCES`)."""

    candles: pd.DataFrame | pd.Series
    source: str
    label: str


def csv_candles(file_or_path: object, name: str | None = None) -> SourcedCandles:
    """The closes of a price CSV (path, bytes or an open file; ``name`` for the label)."""
    from risk.paths import load_price_csv

    closes = load_price_csv(file_or_path, min_rows=3)
    shown = name if name is not None else str(file_or_path)
    return SourcedCandles(closes, "csv", f"your price file {shown}")


def market_candles(exchange: str, symbol: str) -> SourcedCandles:
    """The cached candles of ``exchange``/``symbol`` (hourly, else 1-minute); ``ValueError``
    when nothing is cached."""
    from risk.market import cache
    from risk.venues import normalize_symbol

    sym = normalize_symbol(exchange, symbol)
    for tf in MARKET_TIMEFRAMES:
        candles = cache.read_candles(exchange, sym, tf)
        if candles is not None and not candles.empty:
            snap = cache.read_snapshot(exchange, sym)
            when = f", refreshed {snap.as_of}" if snap is not None else ""
            return SourcedCandles(
                candles, "market", f"the market-data cache: {exchange} {sym} {tf} candles{when}"
            )
    raise ValueError(
        f"symbol={sym!r}: no {exchange} candles in the market-data cache "
        f"({cache.market_dir()}); allowed: a symbol fetched first with "
        f"`python -m risk market refresh --exchange {exchange} --symbols {sym}`"
    )


def history_candles(name: str) -> SourcedCandles:
    """A shipped data set (:func:`risk.history.history_names`)."""
    from risk.history import history_info, load_history

    info = history_info(name)
    return SourcedCandles(load_history(name), "history", f"the shipped history: {info.label}")


def now_history(asset: str) -> str:
    """The shipped data set that stands for "now" for ``asset`` (BTC for anything but ETH)."""
    return NOW_HISTORY.get(asset, NOW_HISTORY["BTC"])


def check_source(source: str) -> str:
    return check_choice("source", source, SOURCES)
