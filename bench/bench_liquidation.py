"""Core math on a chart-sized grid: the liquidation-distance curve (125 leverages) with the full
Binance tier table, scalar and vectorized."""

from __future__ import annotations

import statistics
import time

import numpy as np

from risk import Position, get_venue, liquidation_price


def _median_ms(fn, repeat: int = 30) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def rows() -> list[dict]:
    venue = get_venue("binance", "BTCUSDT")
    lev = np.geomspace(1, 125, 125)

    def vectorized() -> None:
        liquidation_price(Position("long", 50_000.0, 0.1, leverage=lev), venue)

    def loop() -> None:
        for x in lev:
            liquidation_price(Position("long", 50_000.0, 0.1, leverage=float(x)), venue)

    vec, lp = _median_ms(vectorized), _median_ms(loop)
    return [
        {"name": "LP curve, 125 leverages, vectorized", "median_ms": vec, "target": "< 5 ms"},
        {
            "name": "LP curve, 125 leverages, scalar loop",
            "median_ms": lp,
            "target": "baseline",
            "ratio": lp / vec,
            "note": "ratio = loop / vectorized",
        },
    ]


if __name__ == "__main__":
    for r in rows():
        print(r)
