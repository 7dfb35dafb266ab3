"""Calibration and conditional volatility on the shipped BTC hourly history (20,111 bars,
2017-07 to 2019-10):

- the full ``python -m risk calibrate`` run (long, 1h/8h/1d/7d, nine leverages, all six models
  incl. 13 GARCH refits and 13 filtered-history simulations per horizon), target under 30 s.
  It runs ``REPEAT_CALIBRATE`` times (a long run: the median of few); ``arch`` is imported
  before timing (its first import costs seconds and is not the calibration's work);
- the EWMA variance of all 20,110 returns (target under 10 ms);
- one GARCH(1,1) maximum-likelihood fit on all of them (``arch``; target under 1 s);
- "volatility now" as the Why 50x page and ``odds --vol-now`` measure it on a month of hourly
  candles (the market cache's size, the shipped 2025 month): EWMA and GARCH(1,1).

Run alone: ``.venv/bin/python -m bench.run calibration``.
"""

from __future__ import annotations

import statistics
import time

from risk.calibration import calibrate
from risk.conditional_vol import candle_returns, ewma_variance, fit_garch, vol_now
from risk.history import load_history

REPEAT_CALIBRATE = 2
REPEAT_FIT = 5


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def rows() -> list[dict]:
    import arch  # noqa: F401  (import cost kept out of the timings)

    candles = load_history("btc-1h")
    r, iv = candle_returns(candles)
    cal = _median_ms(lambda: calibrate(candles), REPEAT_CALIBRATE)
    ewma = _median_ms(lambda: ewma_variance(r, 3.0 / iv), REPEAT_FIT * 4)
    garch = _median_ms(lambda: fit_garch(r, iv), REPEAT_FIT)
    month = load_history("btc-1h-2025")
    now_ewma = _median_ms(lambda: vol_now(month, "ewma"), REPEAT_FIT * 4)
    now_garch = _median_ms(lambda: vol_now(month, "garch"), REPEAT_FIT)
    return [
        {
            "name": "calibrate: shipped BTC 1h, 4 horizons x 9 leverages x 6 models",
            "median_ms": cal,
            "target": "< 30000",
            "note": f"{len(candles):,} bars; median of {REPEAT_CALIBRATE}",
        },
        {
            "name": "EWMA variance, 20,110 hourly returns",
            "median_ms": ewma,
            "target": "< 10",
        },
        {
            "name": "GARCH(1,1) ML fit (arch), 20,110 hourly returns",
            "median_ms": garch,
            "target": "< 1000",
            "ratio": garch / ewma,
            "note": "ratio: GARCH fit / EWMA",
        },
        {
            "name": "vol now, EWMA, a month of hourly candles (718 returns)",
            "median_ms": now_ewma,
            "target": "< 10",
        },
        {
            "name": "vol now, GARCH(1,1), a month of hourly candles (718 returns)",
            "median_ms": now_garch,
            "target": "< 1000",
            "ratio": now_garch / now_ewma,
            "note": "ratio: GARCH / EWMA",
        },
    ]


if __name__ == "__main__":
    for row in rows():
        print(row)
