"""``python -m risk market``: refresh and show the dated market cache.

``market refresh`` fetches, through ccxt, each symbol's tier table, mark price, funding rate (now,
next, interval), funding history and OHLCV candles, and writes them to the cache
(:mod:`risk.market.cache`). Everything is fetched first and written only when every request
succeeded, each file atomically, so a refresh that the network or the exchange interrupts exits 2
with one line on stderr and leaves the previous cache as it was. ``market show`` lists the cache.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

REFRESH_EXCHANGES = ("binance", "bybit", "okx", "gate", "hyperliquid")
DEFAULT_DAYS = 30


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "market",
        help="refresh or show the cached market data (network only on refresh)",
        description="Refresh or show the dated market cache used by liq and the app.",
    )
    msub = p.add_subparsers(dest="market_command", required=True, parser_class=type(p))
    r = msub.add_parser(
        "refresh",
        help="fetch tiers, mark price, funding and candles from the exchange",
        description="Fetch tiers, mark price, funding (now and history) and OHLCV candles "
        "through ccxt and write them to the cache. Binance's tiers need a read-only API key "
        "in LEVERAGE_LAB_BINANCE_KEY / LEVERAGE_LAB_BINANCE_SECRET.",
    )
    r.add_argument("--exchange", required=True, choices=REFRESH_EXCHANGES)
    r.add_argument(
        "--symbols", nargs="+", help="exchange symbols (default BTCUSDT ETHUSDT; BTC ETH on hl)"
    )
    r.add_argument(
        "--days", type=float, default=DEFAULT_DAYS, help="history to fetch, 0 < days <= 90"
    )
    r.add_argument("--timeframes", default="1m,1h", help="candle sizes, from 1m,1h")
    r.add_argument(
        "--api-url",
        help="send every request to this host instead of the exchange's (a proxy, a test server)",
    )
    r.add_argument("--timeout", type=float, default=15.0, help="seconds per request")
    r.set_defaults(run=run)
    s = msub.add_parser("show", help="list what is cached, with its date")
    s.add_argument("--exchange", choices=REFRESH_EXCHANGES, help="only this exchange")
    s.set_defaults(run=run)


class Progress:
    """A one-line progress bar on stderr (drawn only on a terminal, so logs and pipes get no
    carriage-return noise)."""

    def __init__(self, total: int, stream: TextIO, width: int = 30) -> None:
        self.total, self.done, self.stream, self.width = max(total, 1), 0, stream, width
        self.label = ""
        self.on = bool(getattr(stream, "isatty", lambda: False)())

    def step(self, n: int = 1, label: str | None = None) -> None:
        """Count ``n`` more requests done; ``label`` (if given) names the one running."""
        self.done += n
        self.label = label if label is not None else self.label
        if self.on:
            frac = min(self.done / self.total, 1.0)
            bar = "#" * int(frac * self.width)
            self.stream.write(f"\r[{bar:<{self.width}}] {frac:4.0%} {self.label[:40]:<40}")
            self.stream.flush()

    def clear(self) -> None:
        if self.on:
            self.stream.write("\r\033[K")
            self.stream.flush()


def refresh(args: argparse.Namespace, err: TextIO | None = None) -> int:
    err = sys.stderr if err is None else err
    from risk.market import client, refresh

    tfs = [t.strip() for t in args.timeframes.split(",") if t.strip()]
    if not tfs:
        raise ValueError(f"--timeframes={args.timeframes!r} is empty; allowed: 1m, 1h")
    symbols = args.symbols or refresh.default_symbols(args.exchange)
    pages = (
        client.requests_estimate(
            min(max(args.days, 0.0), client.MAX_DAYS), [t for t in tfs if t in client.TIMEFRAMES]
        )
        + 2
    )
    bar = Progress(1 + pages * len(symbols), err)
    try:
        got = refresh.fetch(
            args.exchange,
            symbols,
            days=args.days,
            timeframes=tfs,
            api_url=args.api_url,
            timeout_s=args.timeout,
            step=bar.step,
        )
    except client.MarketDataError as exc:
        bar.clear()
        err.write(f"python -m risk market refresh: error: {exc}; the cache was not changed\n")
        return 2
    except ImportError as exc:
        bar.clear()
        err.write(f"python -m risk market refresh: error: ccxt is not installed ({exc})\n")
        return 2
    except KeyboardInterrupt:
        bar.clear()
        err.write("python -m risk market refresh: interrupted; the cache was not changed\n")
        return 2
    finally:
        bar.clear()
    for note in got.notes:
        err.write(note + "\n")
    for f, folder in zip(got.symbols, refresh.save(got), strict=True):
        snap = f.snapshot
        counts = ", ".join(f"{len(v)} {k} candles" for k, v in f.candles.items())
        tiers = "tiers kept" if f.tiers_raw is None else "tiers"
        sys.stdout.write(
            f"{got.exchange} {f.symbol}: mark {snap.mark_price:,.8g}, funding "
            f"{snap.funding_rate_per_interval:.4%} per {snap.funding_interval_hours:g} h, "
            f"{len(f.funding_history)} fundings, {counts}, {tiers}; "
            f"as of {snap.as_of} -> {folder}\n"
        )
    return 0


def show(args: argparse.Namespace) -> int:
    from risk.market import cache

    exchanges = [args.exchange] if args.exchange else list(REFRESH_EXCHANGES)
    rows = []
    for ex in exchanges:
        for sym in cache.cached_symbols(ex):
            snap = cache.read_snapshot(ex, sym)
            if snap is None:
                continue
            has_tiers = (cache.symbol_dir(ex, sym) / "tiers.json").is_file()
            rows.append(
                f"{ex:<12} {sym:<14} as of {snap.as_of}  mark {snap.mark_price:,.8g}  funding "
                f"{snap.funding_rate_per_interval:.4%}/{snap.funding_interval_hours:g}h"
                f"{'' if has_tiers else '  (no tiers)'}"
            )
    if not rows:
        sys.stdout.write(
            f"no market data cached in {cache.market_dir()} "
            "(run: python -m risk market refresh --exchange ...)\n"
        )
        return 0
    sys.stdout.write(f"market cache: {cache.market_dir()}\n" + "\n".join(rows) + "\n")
    return 0


def run(args: argparse.Namespace) -> int:
    return refresh(args) if args.market_command == "refresh" else show(args)
