"""Shipped tier snapshots: reading the largest one (Binance USDⓈ-M, every USDT/USDC perpetual) from
disk, listing its symbols for the sidebar, and building one symbol's table."""

from __future__ import annotations

import statistics
import time
from importlib import resources

from risk import tiers


def _median_ms(fn, repeat: int = 20) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def _largest() -> tuple[str, str]:
    """(exchange, file) of the largest shipped snapshot."""
    data = resources.files("risk").joinpath("data")
    sizes = {ex: data.joinpath(fn).stat().st_size for ex, fn in tiers.SHIPPED_FILES.items()}
    ex = max(sizes, key=sizes.get)
    return ex, tiers.SHIPPED_FILES[ex]


def _cold() -> None:
    tiers._load_file.cache_clear()
    tiers._shipped_table.cache_clear()
    tiers.shipped_symbols.cache_clear()


def rows() -> list[dict]:
    exchange, filename = _largest()

    def load_and_list() -> None:
        _cold()
        tiers.shipped_symbols(exchange)

    def load_and_lookup() -> None:
        _cold()
        tiers.shipped_table(exchange, "BTCUSDT")

    def lookup_warm() -> None:
        tiers._shipped_table.cache_clear()  # the file stays parsed; the table is rebuilt
        tiers.shipped_table(exchange, "ETHUSDT")

    listed = _median_ms(load_and_list)
    cold = _median_ms(load_and_lookup)
    warm = _median_ms(lookup_warm, repeat=200)
    _cold()
    n = len(tiers.shipped_symbols(exchange))
    return [
        {
            "name": f"load {filename} + list its {n} symbols",
            "median_ms": listed,
            "target": "< 50 ms",
        },
        {
            "name": f"load {filename} + one symbol's table (BTCUSDT)",
            "median_ms": cold,
            "target": "< 50 ms",
        },
        {
            "name": "one symbol's table, file already parsed (ETHUSDT)",
            "median_ms": warm,
            "target": "< 1 ms",
            "ratio": cold / warm if warm else None,
            "note": "ratio: cold load / warm lookup",
        },
    ]


if __name__ == "__main__":
    for r in rows():
        print(r)
