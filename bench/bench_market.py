"""Import cost of the market-data layer, and the realized volatility of 90 days of minutes.

Import times are fresh interpreters (``sys.executable -c ...``), run in turn, median of N, minus
a bare interpreter's start-up measured in the same run. ``import risk`` must not load ccxt: the
market layer (``risk.market.client``, ``risk.market.cache``, ``risk.cli_market``) imports it
lazily, so importing it on top of ``risk`` must stay within 50 ms of ``import risk`` alone;
ccxt's own import (paid only by a refresh) is reported separately.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
N = 9


def _run_ms(code: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return (time.perf_counter() - t0) * 1e3


def _interleaved_ms(codes: dict[str, str], n: int = N) -> dict[str, float]:
    """Median wall time of each snippet in a fresh interpreter, the snippets run in turn (round
    robin) so that the machine's load drifts over all of them alike."""
    times: dict[str, list[float]] = {k: [] for k in codes}
    for _ in range(n):
        for k, code in codes.items():
            times[k].append(_run_ms(code))
    return {k: statistics.median(v) for k, v in times.items()}


def _median_ms(fn, repeat: int = 15) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def rows() -> list[dict]:
    from risk import realized_vol as rv

    t = _interleaved_ms(
        {
            "bare": "pass",
            "risk": "import risk",
            "market": "import sys, risk, risk.market.client, risk.market.cache, "
            "risk.market.refresh, risk.cli_market; assert 'ccxt' not in sys.modules",
        }
    )
    bare = t["bare"]
    risk_only, market = t["risk"] - bare, t["market"] - bare
    ccxt_ms = statistics.median(_run_ms("import ccxt") for _ in range(3)) - bare

    n = 90 * 24 * 60  # 90 days of 1-minute bars
    rng = np.random.default_rng(0)
    c = 1e5 * np.exp(np.cumsum(1e-3 * rng.standard_normal(n)))
    o = np.concatenate([[1e5], c[:-1]])
    h, lo = np.maximum(o, c) * 1.0005, np.minimum(o, c) * 0.9995
    yz = _median_ms(lambda: rv.yang_zhang_vol(o, h, lo, c, 1 / 60))
    cc = _median_ms(lambda: rv.close_to_close_vol(c, 1 / 60))
    return [
        {
            "name": "import risk (minus bare python)",
            "median_ms": risk_only,
            "target": "baseline",
            "note": f"bare python {bare:.0f} ms; N={N}",
        },
        {
            "name": "import risk + risk.market layer, no ccxt",
            "median_ms": market,
            "target": "<= baseline + 50 ms",
            "ratio": market / risk_only if risk_only > 0 else None,
            "note": f"+{market - risk_only:.1f} ms over import risk",
        },
        {
            "name": "import ccxt (refresh only)",
            "median_ms": ccxt_ms,
            "target": "paid by refresh",
            "note": "never imported by the app offline",
        },
        {
            "name": "Yang-Zhang vol, 90 d of 1m bars",
            "median_ms": yz,
            "target": "< 250 ms",
            "ratio": yz / cc,
            "note": f"{n:,} bars; ratio vs close-to-close {cc:.1f} ms",
        },
    ]
