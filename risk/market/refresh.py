"""One refresh: fetch everything for some symbols of one exchange, then write it to the cache.

:func:`fetch` only reads from the network and keeps the results in memory; :func:`save` writes
them (each file atomically). The CLI (``python -m risk market refresh``) and the app's "Refresh
now" button both call the two in that order, so a failure in :func:`fetch` (a
:class:`~risk.market.client.MarketDataError`) leaves the previous cache exactly as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from risk._validate import check_range
from risk.market import cache, client
from risk.venues import normalize_symbol

DEFAULT_SYMBOLS: dict[str, list[str]] = {"hyperliquid": ["BTC", "ETH"]}


@dataclass(frozen=True)
class Fetched:
    """One symbol's refresh, in memory (``tiers_raw`` None: tiers not fetched)."""

    symbol: str
    snapshot: cache.MarketSnapshot
    tiers_raw: Any
    #: base units per contract (ccxt's market ``contractSize``); OKX's tiers count contracts
    contract_size: float | None
    funding_history: list[tuple[int, float]]
    candles: dict[str, list[list[float]]]


@dataclass(frozen=True)
class Refresh:
    exchange: str
    symbols: list[Fetched]
    notes: list[str] = field(default_factory=list)


def default_symbols(exchange: str) -> list[str]:
    return list(DEFAULT_SYMBOLS.get(exchange, ["BTCUSDT", "ETHUSDT"]))


def _iso(ms: int | None) -> str:
    if ms is None:
        return ""
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isoformat().replace("+00:00", "Z")


def fetch(
    exchange: str,
    symbols: list[str],
    *,
    days: float,
    timeframes: list[str],
    api_url: str | None = None,
    timeout_s: float = 15.0,
    step: Callable[[int, str | None], None] | None = None,
) -> Refresh:
    """Fetch tiers, funding (now and ``days`` of history) and candles for each symbol.

    ``step(n, label)`` is called after each request (a progress bar). Raises
    :class:`~risk.market.client.MarketDataError` when the network or the exchange refuses,
    ``ValueError`` on bad arguments or an unlisted symbol, ``ImportError`` without ccxt."""
    check_range("--days", days, 0.0, client.MAX_DAYS, lo_open=True)
    check_range("--timeout", timeout_s, 0.0, 600.0, lo_open=True)
    for tf in timeframes:
        if tf not in client.TIMEFRAMES:
            raise ValueError(
                f"--timeframes={','.join(timeframes)!r} is not a list of candle sizes; "
                f"allowed: {', '.join(client.TIMEFRAMES)} (comma-separated)"
            )
    tick = step or (lambda n, label: None)
    ex = client.make_exchange(exchange, base_url=api_url, timeout_ms=int(timeout_s * 1000))
    tick(0, f"{exchange}: markets")
    client.load_markets(ex, exchange)
    tick(1, None)
    notes = [] if client.has_tier_access(ex, exchange) else [client.BINANCE_KEY_MISSING]
    source = f"{exchange} API via ccxt {getattr(ex, 'version', '')}".strip()
    source += f" at {api_url}" if api_url else ""
    out = []
    for raw_sym in symbols:
        sym = normalize_symbol(exchange, raw_sym)
        unified = client.unified_symbol(ex, exchange, sym)
        as_of = cache.now_iso()
        tick(0, f"{sym} tiers")
        tiers_raw = None if notes else client.fetch_tiers_raw(ex, exchange, unified)
        tick(1, f"{sym} funding")
        now = client.fetch_funding_now(ex, exchange, unified)
        history = client.fetch_funding_history(
            ex, exchange, unified, days, progress=lambda n: tick(n, None)
        )
        candles = {}
        for tf in timeframes:
            tick(0, f"{sym} {tf} candles")
            candles[tf] = client.fetch_candles(
                ex, exchange, unified, tf, days, progress=lambda n: tick(n, None)
            )
        interval = (
            now.funding_interval_hours
            or client.interval_from_history([t for t, _ in history])
            or client.DEFAULT_INTERVAL_HOURS[exchange]
        )
        snap = cache.MarketSnapshot(
            exchange=exchange,
            symbol=sym,
            mark_price=now.mark_price,
            funding_rate_per_interval=now.funding_rate_per_interval,
            next_funding_rate=now.next_funding_rate,
            funding_interval_hours=float(interval),
            next_funding_time=_iso(now.next_funding_time_ms),
            as_of=as_of,
            source=source,
        )
        out.append(
            Fetched(sym, snap, tiers_raw, client.contract_size(ex, unified), history, candles)
        )
    return Refresh(exchange, out, notes)


def save(refresh: Refresh) -> list[Path]:
    """Write every fetched symbol to the cache; returns their folders."""
    return [
        cache.save_symbol(
            refresh.exchange,
            f.symbol,
            snapshot=f.snapshot,
            tiers_raw=f.tiers_raw,
            funding_history=f.funding_history,
            candles=f.candles,
            contract_size=f.contract_size,
        )
        for f in refresh.symbols
    ]
