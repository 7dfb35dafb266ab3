"""Exchange connectivity through ccxt: one factory and the fetches the market cache needs.

ccxt is imported inside :func:`make_exchange` only, so ``import risk`` and ``import risk.market``
stay fast and the app runs with no network and without loading ccxt at all. Every fetch goes
through ccxt's unified methods (``fetch_leverage_tiers``, ``fetch_funding_rate``,
``fetch_funding_rate_history``, ``fetch_ohlcv``), except Hyperliquid's tier tables, which ccxt does
not expose: they are the ``marginTables`` of the venue's public ``info`` ``meta`` request.

Failures (network down, exchange refusing, a 5xx answer) surface as :class:`MarketDataError`
with one line that says what failed; the caller decides what to keep.

Binance's leverage-bracket endpoint (``GET /fapi/v1/leverageBracket``) is signed: it needs a
read-only API key, read from ``LEVERAGE_LAB_BINANCE_KEY`` and ``LEVERAGE_LAB_BINANCE_SECRET``. The
other venues publish their tiers on public endpoints.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from risk._validate import check_choice, check_range

#: Our exchange name -> ccxt class and the market types to load (one type keeps load_markets to
#: the perpetuals we need instead of every spot, option and future market).
CCXT_IDS: dict[str, str] = {
    "binance": "binanceusdm",
    "bybit": "bybit",
    "okx": "okx",
    "gate": "gate",
    "hyperliquid": "hyperliquid",
}
MARKET_TYPES: dict[str, list[str]] = {
    "binance": ["linear"],
    "bybit": ["linear"],
    "okx": ["swap"],
    "gate": ["swap"],
    "hyperliquid": ["swap"],
}
#: Funding interval when neither the exchange nor the funding history says (Binance, Bybit, OKX
#: and Gate default to 8 h; Hyperliquid pays every hour).
DEFAULT_INTERVAL_HOURS: dict[str, float] = {
    "binance": 8.0,
    "bybit": 8.0,
    "okx": 8.0,
    "gate": 8.0,
    "hyperliquid": 1.0,
}
TIMEFRAMES: dict[str, int] = {"1m": 60_000, "1h": 3_600_000}
MAX_DAYS = 90
BINANCE_KEY_ENV = "LEVERAGE_LAB_BINANCE_KEY"
BINANCE_SECRET_ENV = "LEVERAGE_LAB_BINANCE_SECRET"
BINANCE_KEY_MISSING = (
    f"binance: leverage brackets need a read-only API key in {BINANCE_KEY_ENV} and "
    f"{BINANCE_SECRET_ENV}; tiers not refreshed (the shipped snapshot stays in use)"
)


class MarketDataError(RuntimeError):
    """The network or the exchange refused a request; the message is one line."""


@dataclass(frozen=True)
class FundingNow:
    """The current funding state of one perpetual, as the exchange reports it.

    ``funding_rate_per_interval`` and ``next_funding_rate`` are fractions per funding interval
    (0.0001 = 0.01%); ``mark_price`` is in the quote currency; times are ms since the epoch.
    """

    mark_price: float
    funding_rate_per_interval: float
    next_funding_rate: float | None
    funding_interval_hours: float | None
    next_funding_time_ms: int | None


def _rebase_urls(node: Any, base_url: str) -> Any:
    """Every ``scheme://host`` in ccxt's ``urls['api']`` tree replaced by ``base_url`` (paths
    kept), so a test server on 127.0.0.1 answers what the exchange would."""
    if isinstance(node, dict):
        return {k: _rebase_urls(v, base_url) for k, v in node.items()}
    if isinstance(node, str) and "://" in node:
        parts = urlsplit(node)
        return base_url.rstrip("/") + parts.path
    return node


def make_exchange(
    exchange: str,
    *,
    base_url: str | None = None,
    timeout_ms: int = 15_000,
    env: dict[str, str] | None = None,
) -> Any:
    """A ccxt exchange for one venue's USDⓈ-margined perpetuals.

    Parameters
    ----------
    exchange : one of :data:`CCXT_IDS` (``binance`` means Binance USDⓈ-M futures).
    base_url : when given, every API base URL points at this host instead (a local fake exchange).
    timeout_ms : per-request timeout.
    env : where to read the Binance API key (default ``os.environ``).
    """
    check_choice("exchange", exchange, CCXT_IDS)
    check_range("timeout_ms", timeout_ms, 1, 600_000)
    import ccxt  # lazy: only a refresh pays for it

    env = os.environ if env is None else env
    config: dict[str, Any] = {
        "timeout": int(timeout_ms),
        "enableRateLimit": base_url is None,
        "options": {
            "fetchMarkets": {"types": list(MARKET_TYPES[exchange])},
            "fetchCurrencies": False,
        },
    }
    if exchange == "binance" and env.get(BINANCE_KEY_ENV) and env.get(BINANCE_SECRET_ENV):
        config["apiKey"] = env[BINANCE_KEY_ENV]
        config["secret"] = env[BINANCE_SECRET_ENV]
    client = getattr(ccxt, CCXT_IDS[exchange])(config)
    if base_url is not None:
        client.urls["api"] = _rebase_urls(client.urls["api"], base_url)
    return client


def has_tier_access(client: Any, exchange: str) -> bool:
    """Whether the tiers can be fetched (Binance: only with an API key)."""
    return exchange != "binance" or bool(getattr(client, "apiKey", ""))


def _call(what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run one ccxt call; turn its failures into a one-line :class:`MarketDataError`."""
    import ccxt

    try:
        return fn(*args, **kwargs)
    except ccxt.BaseError as exc:
        first = " ".join(str(exc).split())[:200]
        raise MarketDataError(f"{what} failed ({type(exc).__name__}: {first})") from None
    except OSError as exc:
        raise MarketDataError(f"{what} failed ({type(exc).__name__}: {exc})") from None


def load_markets(client: Any, exchange: str) -> dict[str, Any]:
    return _call(f"{exchange}: loading markets", client.load_markets)


def unified_symbol(client: Any, exchange: str, symbol: str) -> str:
    """ccxt's unified symbol (``BTC/USDT:USDT``) for the venue's own id (``BTCUSDT``,
    ``BTC-USDT-SWAP``, ``BTC_USDT``), a Hyperliquid coin (``BTC``), our ``BTCUSDT`` spelling, or a
    unified symbol; ``ValueError`` when the venue lists no such perpetual."""
    markets = client.markets or {}
    if symbol in markets:
        return symbol
    swaps = [m for m in markets.values() if m.get("swap")]
    flat = symbol.upper().replace("-", "").replace("_", "").removesuffix("SWAP")
    for m in swaps:
        if m.get("id") == symbol or f"{m.get('base')}{m.get('quote')}" == flat:
            return str(m["symbol"])
    if exchange == "hyperliquid":
        for m in swaps:
            if m.get("base") == flat:
                return str(m["symbol"])
    ids = sorted(str(m.get("id")) for m in swaps)
    raise ValueError(
        f"symbol={symbol!r} is not a perpetual on {exchange}; allowed: "
        f"{', '.join(ids[:20])}{' ...' if len(ids) > 20 else ''}"
    )


def contract_size(client: Any, symbol: str) -> float | None:
    """Base units per contract of a ccxt market (``contractSize``; None when ccxt has none):
    OKX's position tiers count contracts, so their table needs it to become base units."""
    try:
        size = client.market(symbol).get("contractSize")
    except Exception:  # a market ccxt has not loaded: the tier parser then says what is missing
        return None
    return float(size) if isinstance(size, int | float) and size > 0 else None


def fetch_tiers_raw(client: Any, exchange: str, symbol: str) -> Any:
    """The tier table as the source returns it: ccxt's ``fetch_leverage_tiers`` dict for one
    symbol (``fetch_market_leverage_tiers`` list on OKX), Hyperliquid's raw ``meta`` answer."""
    if exchange == "hyperliquid":
        return _call("hyperliquid: meta", client.publicPostInfo, {"type": "meta"})
    if client.has.get("fetchLeverageTiers") is True:
        return _call(f"{exchange}: leverage tiers", client.fetch_leverage_tiers, [symbol])
    return _call(f"{exchange}: leverage tiers", client.fetch_market_leverage_tiers, symbol)


def _interval_hours(value: Any) -> float | None:
    if value is None:
        return None
    text = str(value).strip().lower()
    try:
        return float(text[:-1]) if text.endswith("h") else float(text)
    except ValueError:
        return None


def fetch_funding_now(client: Any, exchange: str, symbol: str) -> FundingNow:
    """Mark price, current and next funding rate and the interval (None if unknown)."""
    fr = _call(f"{exchange}: funding rate", client.fetch_funding_rate, symbol)
    mark = fr.get("markPrice")
    if mark is None:
        ticker = _call(f"{exchange}: ticker", client.fetch_ticker, symbol)
        mark = ticker.get("markPrice") or ticker.get("last")
    if mark is None or fr.get("fundingRate") is None:
        raise MarketDataError(f"{exchange}: no mark price or funding rate for {symbol}")
    nxt = fr.get("nextFundingTimestamp") or fr.get("fundingTimestamp")
    nxt_rate = fr.get("nextFundingRate")
    return FundingNow(
        mark_price=float(mark),
        funding_rate_per_interval=float(fr["fundingRate"]),
        next_funding_rate=None if nxt_rate is None else float(nxt_rate),
        funding_interval_hours=_interval_hours(fr.get("interval")),
        next_funding_time_ms=None if nxt is None else int(nxt),
    )


def interval_from_history(timestamps_ms: list[int]) -> float | None:
    """Funding interval in hours: the median spacing of consecutive funding times."""
    if len(timestamps_ms) < 2:
        return None
    gaps = [b - a for a, b in itertools.pairwise(timestamps_ms) if b > a]
    if not gaps:
        return None
    gaps.sort()
    mid = len(gaps) // 2
    median = gaps[mid] if len(gaps) % 2 else (gaps[mid - 1] + gaps[mid]) / 2
    return round(median / 3_600_000, 6)


def _paginate(
    what: str,
    fetch: Callable[[int], list[Any]],
    since_ms: int,
    until_ms: int,
    step_ms: int,
    key: Callable[[Any], int],
    progress: Callable[[int], None] | None,
) -> list[Any]:
    """Call ``fetch(since)`` forward in time until ``until_ms``; rows de-duplicated by ``key``."""
    rows: dict[int, Any] = {}
    since = since_ms
    while since < until_ms:
        page = fetch(since)
        if progress is not None:
            progress(1)
        if not page:
            break
        for row in page:
            t = key(row)
            if since_ms <= t < until_ms:
                rows[t] = row
        last = max(key(r) for r in page)
        if last + step_ms <= since:
            break
        since = last + step_ms
    return [rows[t] for t in sorted(rows)]


def fetch_funding_history(
    client: Any,
    exchange: str,
    symbol: str,
    days: float,
    *,
    now_ms: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[tuple[int, float]]:
    """``(timestamp_ms, rate per interval)`` of the fundings in the last ``days``."""
    check_range("days", days, 0.0, MAX_DAYS, lo_open=True)
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    since = now_ms - int(days * 86_400_000)

    def page(s: int) -> list[Any]:
        return _call(
            f"{exchange}: funding history",
            client.fetch_funding_rate_history,
            symbol,
            s,
            None,
        )

    got = _paginate("funding", page, since, now_ms, 1, lambda r: int(r["timestamp"]), progress)
    return [(int(r["timestamp"]), float(r["fundingRate"])) for r in got]


def fetch_candles(
    client: Any,
    exchange: str,
    symbol: str,
    timeframe: str,
    days: float,
    *,
    now_ms: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[list[float]]:
    """OHLCV rows ``[timestamp_ms, open, high, low, close, volume]`` of the last ``days``,
    paginated (an exchange returns a few hundred to a thousand bars per request)."""
    check_choice("timeframe", timeframe, TIMEFRAMES)
    check_range("days", days, 0.0, MAX_DAYS, lo_open=True)
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    step = TIMEFRAMES[timeframe]
    since = now_ms - int(days * 86_400_000)
    since -= since % step

    def page(s: int) -> list[Any]:
        return _call(
            f"{exchange}: {timeframe} candles", client.fetch_ohlcv, symbol, timeframe, s, None
        )

    return _paginate("candles", page, since, now_ms, step, lambda r: int(r[0]), progress)


def requests_estimate(days: float, timeframes: list[str], per_page: int = 1000) -> int:
    """Pages a refresh of one symbol needs (for the progress bar's total)."""
    pages = sum(-(-int(days * 86_400_000 / TIMEFRAMES[tf]) // per_page) for tf in timeframes)
    return pages + 1
