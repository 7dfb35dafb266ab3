"""Dashboard pages: median time of a rerun after a widget change, through app.py as in the
browser (Streamlit AppTest, ui/testing.py). Target: under 100 ms per page (300 ms for the
"Why 50x is fragile" lesson, see ``PAGE_TARGET_MS``).

Each row changes one widget back and forth between two values (so every run is a real change),
runs the app once to warm up, then times ``REPEAT`` reruns and reports the median. The time covers
app.py (navigation and the scenario sidebar), the page's calls into risk/, building the Plotly
figures and serializing every element; it excludes the browser's drawing.

Run alone: ``.venv/bin/python -m bench.bench_pages``.
"""

from __future__ import annotations

import statistics
import time

from ui.testing import app_test

REPEAT = 9
TARGET_MS = 100.0
#: Pages with a target of their own: the 50x lesson draws five charts (two of 30 simulated price
#: paths) and reads nine cached odds results on every rerun.
PAGE_TARGET_MS = {"pages/why_50x.py": 300.0}

#: (row name, page, widget kind, key, two values to alternate)
CASES: list[tuple[str, str, str, str, tuple]] = [
    ("Liquidation map: leverage slider", "pages/liquidation_map.py", "slider", "lev", (20, 21)),
    (
        "Liquidation map: volatility preset",
        "pages/liquidation_map.py",
        "selectbox",
        "lm_vol",
        ("ETH", "BTC calm"),
    ),
    ("Size from risk: leverage slider", "pages/size_from_risk.py", "slider", "lev", (20, 21)),
    (
        "Size from risk: stop distance",
        "pages/size_from_risk.py",
        "number_input",
        "stop_pct",
        (1.5, 2.5),
    ),
    (
        "Margin & utilization: wallet",
        "pages/margin_utilization.py",
        "number_input",
        "wallet",
        (2_500.0, 3_000.0),
    ),
    (
        "Margin & utilization: add margin",
        "pages/margin_utilization.py",
        "slider",
        "add_margin",
        (50.0, 200.0),
    ),
    ("Funding drag: leverage slider", "pages/funding_drag.py", "slider", "lev", (20, 21)),
    ("Funding drag: holding days", "pages/funding_drag.py", "slider", "fr_days", (60, 90)),
    ("Why 50x: leverage slider", "pages/why_50x.py", "slider", "lev", (20, 21)),
    (
        "Why 50x: volatility preset",
        "pages/why_50x.py",
        "selectbox",
        "w50_vol",
        ("ETH", "BTC calm"),
    ),
    ("Why 50x: guess", "pages/why_50x.py", "number_input", "w50_guess", (10.0, 20.0)),
    ("Why 50x: teacher mode", "pages/why_50x.py", "toggle", "w50_teacher", (True, False)),
]


def _median_rerun_ms(page: str, kind: str, key: str, values: tuple) -> float:
    at = app_test(page)
    widget = getattr(at, kind)
    widget(key=key).set_value(values[0])
    at.run()  # warm-up: caches, imports, first figures
    times = []
    for i in range(REPEAT):
        getattr(at, kind)(key=key).set_value(values[(i + 1) % 2])
        t0 = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - t0) * 1e3)
        if at.exception:
            raise RuntimeError(f"{page} raised: {at.exception[0].value}")
    return statistics.median(times)


def rows() -> list[dict]:
    out = []
    for name, page, kind, key, values in CASES:
        ms = _median_rerun_ms(page, kind, key, values)
        target = PAGE_TARGET_MS.get(page, TARGET_MS)
        out.append(
            {
                "name": name,
                "median_ms": ms,
                "target": f"< {target:.0f} ms",
                "note": f"median of {REPEAT} reruns" + ("" if ms < target else "; OVER"),
            }
        )
    return out


def main() -> int:
    for r in rows():
        print(f"{r['name']:<40} {r['median_ms']:7.1f} ms  {r['target']:<9} {r['note']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
