"""The sidebar's market-data block: the Live toggle, the Refresh button and the "data as of" line.

Offline by default: with Live off nothing is read but the tier table in use; with Live on the
scenario takes the cached mark price, funding rate and realized volatility
(:func:`risk.market.cache.live_inputs`). Only the "Refresh now" button touches the network (the
same code as ``python -m risk market refresh``); a failure is one ``st.warning``, never a
traceback. ``LEVERAGE_LAB_MARKET_URL`` sends the button's requests to another host (a proxy, or the
test suite's fake exchange on 127.0.0.1).
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from risk.market import cache as market_cache
from risk.venues import normalize_symbol
from ui import glossary
from ui.cachecall import by_keyword

URL_ENV = "LEVERAGE_LAB_MARKET_URL"
#: What the button fetches: a month of hourly candles (enough for the realized volatility and
#: quick: a few requests) and the funding history of the same month.
REFRESH_DAYS = 30
REFRESH_TIMEFRAMES = ["1h"]
REFRESHABLE = ("binance", "bybit", "okx", "gate", "hyperliquid")


def _stamp(exchange: str, symbol: str) -> tuple[int, ...] | None:
    folder = market_cache.symbol_dir(exchange, symbol)
    stamps = []
    for name in ("snapshot.json", "candles_1h.csv", "candles_1m.csv"):
        try:
            stamps.append((Path(folder) / name).stat().st_mtime_ns)
        except OSError:
            stamps.append(0)
    return None if stamps[0] == 0 else tuple(stamps)


@by_keyword
@st.cache_data(max_entries=16, show_spinner=False)
def _live_cached(
    exchange: str, symbol: str, stamp: tuple[int, ...], folder: str
) -> market_cache.LiveInputs | None:
    return market_cache.live_inputs(exchange, symbol)


def live_data(exchange: str, symbol: str) -> market_cache.LiveInputs | None:
    """The cached live inputs of a scenario's exchange and symbol (None if nothing is cached)."""
    if exchange not in REFRESHABLE or symbol == "custom":
        return None
    sym = normalize_symbol(exchange, symbol)
    stamp = _stamp(exchange, sym)
    if stamp is None:
        return None
    return _live_cached(exchange, sym, stamp, str(market_cache.market_dir()))


def refresh_now(exchange: str, symbol: str) -> tuple[bool, str]:
    """Fetch and cache one symbol; ``(ok, one-line message)``."""
    from risk.market import client, refresh

    try:
        got = refresh.fetch(
            exchange,
            [symbol],
            days=REFRESH_DAYS,
            timeframes=REFRESH_TIMEFRAMES,
            api_url=os.environ.get(URL_ENV) or None,
        )
        refresh.save(got)
    except (client.MarketDataError, ValueError, ImportError, OSError) as exc:
        return False, f"Refresh failed, the cached data is unchanged: {exc}"
    snap = got.symbols[0].snapshot
    note = f" {got.notes[0]}." if got.notes else ""
    return True, f"Refreshed {exchange} {snap.symbol} as of {snap.as_of}.{note}"


def refresh_controls(exchange: str, symbol: str) -> None:
    """The "Refresh now" button and what it reports (under the Live toggle)."""
    sb = st.sidebar
    can = exchange in REFRESHABLE and symbol != "custom"
    if sb.button(
        "Refresh now",
        key="mk_refresh",
        icon=":material/refresh:",
        disabled=not can,
        help=glossary.helped(
            "Fetch today's tiers, mark price, funding and a month of hourly candles from the "
            "exchange (network). Nothing is fetched unless you press it."
        ),
    ):
        with st.spinner("Fetching market data..."):
            ok, msg = refresh_now(exchange, symbol)
        st.session_state["mk_msg"] = (ok, msg)
    shown = st.session_state.get("mk_msg")
    if shown:
        ok, msg = shown
        (sb.success if ok else sb.warning)(msg, icon=":material/cloud_sync:")


def data_as_of(table_name: str | None, table_as_of: str | None, live_as_of: str | None) -> None:
    """The "data as of" line, and a warning when the tier table is older than 90 days."""
    sb = st.sidebar
    parts = []
    if table_name:
        parts.append(f"tiers {table_name}: {table_as_of}")
    parts.append(f"market: {live_as_of}" if live_as_of else "market: presets (Live off)")
    sb.caption(":material/schedule: Data as of " + "; ".join(parts))
    if table_as_of and market_cache.is_stale(table_as_of):
        age = market_cache.age_days(table_as_of)
        sb.markdown(
            f":orange[:material/warning: The tier table is {age:,} days old "
            f"(as of {table_as_of}). Exchanges revise their tiers: press Refresh now or run "
            "`python -m risk market refresh`.]"
        )
