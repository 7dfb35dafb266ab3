"""Dashboard pages: median time of a rerun after a widget change, through app.py as in the
browser, measured two ways:

- in process with Streamlit's AppTest (ui/testing.py), rows named after the case;
- over the wire (rows "wire: ..."): a real server with the serving configuration and a
  protocol-level client (tools/stclient.py) that sends the same widget changes a browser sends
  (a fragment's widget asks for that fragment's run) and keeps the browser's message cache, so
  the time is the server's run plus the local socket, and the bytes are what a browser tab
  receives per rerun. The note also gives the bytes of the first load.

Targets: a rerun under 40 ms on every page (median, one client); a sidebar leverage move on the
"Why 50x is fragile" lesson under 60 KB.

Each row changes one widget back and forth between two values (so every run is a real change),
runs the app once to warm up, then times ``REPEAT`` reruns and reports the median. The time covers
app.py (navigation and the scenario sidebar), the page's calls into risk/, building the Plotly
figures and serializing every element; it excludes the browser's drawing.

Run alone: ``.venv/bin/python -m bench.bench_pages``.
"""

from __future__ import annotations

import asyncio
import statistics
import time

from tools.appserver import streamlit_server
from tools.stclient import ProtocolClient
from ui.testing import app_test

REPEAT = 9
TARGET_MS = 40.0
PAGE_TARGET_MS: dict[str, float] = {}
#: Bytes a browser may receive for one rerun, by case name.
PAYLOAD_TARGET_KB = {"Why 50x: leverage slider": 60.0}

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


async def _wire_case(url: str, page: str, key: str, values: tuple) -> tuple[float, float, float]:
    """(median ms, median KB per rerun, KB of the first load) over the wire. The leverage
    slider takes a new value every time (the browser has not seen that page yet); the other
    widgets alternate between their two values, so from the third run on the browser holds
    both versions of every element that depends on them only."""
    c = ProtocolClient(url)
    seq = (
        list(range(21, 22 + REPEAT))
        if key == "lev"
        else [values[(i + 1) % 2] for i in range(REPEAT)]
    )
    try:
        first = await c.open(page.removeprefix("pages/").removesuffix(".py"))
        await c.set_widget(key, values[0])  # warm-up
        times, sizes = [], []
        for v in seq:
            s = await c.set_widget(key, v)
            if s.exceptions:
                raise RuntimeError(f"{page} showed: {s.exceptions[0]}")
            times.append(s.seconds * 1e3)
            sizes.append(s.bytes / 1e3)
        return statistics.median(times), statistics.median(sizes), first.bytes / 1e3
    finally:
        await c.close()


def wire_rows() -> list[dict]:
    out = []
    with streamlit_server() as url:
        for name, page, _kind, key, values in CASES:
            ms, kb, first_kb = asyncio.run(_wire_case(url, page, key, values))
            kb_target = PAYLOAD_TARGET_KB.get(name)
            note = f"{kb:.1f} KB per rerun"
            if kb_target is not None:
                note += f" (target < {kb_target:.0f} KB{'' if kb < kb_target else '; OVER'})"
            note += f"; first load {first_kb:.0f} KB"
            if ms >= TARGET_MS:
                note += "; OVER"
            out.append(
                {
                    "name": f"wire: {name}",
                    "median_ms": ms,
                    "target": f"< {TARGET_MS:.0f} ms",
                    "note": note,
                }
            )
    return out


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
                "note": f"median of {REPEAT} reruns (AppTest)" + ("" if ms < target else "; OVER"),
            }
        )
    return out + wire_rows()


def main() -> int:
    for r in rows():
        print(f"{r['name']:<40} {r['median_ms']:7.1f} ms  {r['target']:<9} {r['note']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
