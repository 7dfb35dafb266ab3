"""Dashboard pages: time of a rerun after a widget change, through app.py as in the browser,
measured two ways:

- in process with Streamlit's AppTest (ui/testing.py), rows named after the case (wall time,
  median);
- over the wire (rows "wire: ..."): a real server with the serving configuration and a
  protocol-level client (tools/stclient.py) that sends the same widget changes a browser sends
  (a fragment's widget asks for that fragment's run) and keeps the browser's message cache. The
  figure is the SERVER's CPU time per rerun (the Streamlit process and all its threads, from
  /proc/<pid>/stat, over a block of ``WIRE_REPEAT`` reruns divided by their number, the median
  of ``WIRE_BLOCKS`` blocks: a block's mean is at or above the median of these right-skewed
  times, and the median block leaves out a block that a burst of other people's work on the
  shared machine slowed): the script run, serializing its elements and sending them. CPU time
  rather than wall time, so that other people's load on the shared machine counts less; the
  note gives the latency the client saw (median), the bytes a browser tab receives per rerun
  and those of the first load.
  Every page is covered by its sidebar leverage slider (a new leverage on every move), the
  heavier pages by their own widgets too.

Targets: a rerun under 40 ms on every page (median, one client); a sidebar leverage move on the
"Why 50x is fragile" lesson under 60 KB.

Each AppTest row changes one widget back and forth between two values (so every run is a real
change), runs the app once to warm up, then times ``REPEAT`` reruns and reports the median.

Run alone: ``.venv/bin/python -m bench.bench_pages`` (``LL_PAGES_WIRE_ONLY=1`` for the wire
rows only).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time

from tools.appserver import free_port, start_streamlit, stop_process, wait_healthy
from tools.stclient import ProtocolClient
from ui.testing import app_test

REPEAT = 9
WIRE_REPEAT = 20
WIRE_BLOCKS = 3
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


#: Pages measured over the wire by their sidebar leverage slider only (no AppTest case).
LEVERAGE_ONLY = [
    ("Correlated positions: leverage slider", "pages/correlated_positions.py"),
    ("Trailing stops: leverage slider", "pages/trailing_stops.py"),
    ("A sequence of trades: leverage slider", "pages/trade_sequence.py"),
    ("Trade plan: leverage slider", "pages/trade_plan.py"),
    ("Review: leverage slider", "pages/review.py"),
    ("Glossary: leverage slider", "pages/glossary.py"),
]


def server_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` and all its threads, also
    those that have ended (Streamlit runs each script run in a thread of its own), from
    ``/proc/<pid>/stat``; the kernel counts in clock ticks (10 ms)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _wire_case(
    url: str, pid: int, page: str, key: str, values: tuple
) -> tuple[float, float, float, float]:
    """(server CPU ms per rerun, median latency ms, median KB per rerun, KB of the first load)
    over the wire; the CPU time is the total of a block of ``WIRE_REPEAT`` reruns divided by
    their number (the kernel's 10 ms ticks are too coarse for one rerun), the median of
    ``WIRE_BLOCKS`` blocks. The leverage slider takes a new value every time, 21x, 22x, ...
    (neither the server's caches nor the browser have seen that page yet); the other widgets
    alternate between their two values, so from the third run on the browser holds both
    versions of every element that depends on them only."""
    c = ProtocolClient(url)
    n = WIRE_REPEAT
    try:
        first = await c.open(page.removeprefix("pages/").removesuffix(".py"))
        await c.set_widget(key, values[0])  # warm-up
        times, sizes, block_ms = [], [], []
        for b in range(WIRE_BLOCKS):
            seq = (
                list(range(21 + b * n, 21 + (b + 1) * n))
                if key == "lev"
                else [values[(i + 1) % 2] for i in range(n)]
            )
            c0 = server_cpu_s(pid)
            for v in seq:
                s = await c.set_widget(key, v)
                if s.exceptions:
                    raise RuntimeError(f"{page} showed: {s.exceptions[0]}")
                times.append(s.seconds * 1e3)
                sizes.append(s.bytes / 1e3)
            block_ms.append((server_cpu_s(pid) - c0) * 1e3 / n)
        return (
            statistics.median(block_ms),
            statistics.median(times),
            statistics.median(sizes),
            first.bytes / 1e3,
        )
    finally:
        await c.close()


def wire_rows() -> list[dict]:
    out = []
    cases = [
        *((name, page, key, values) for name, page, _kind, key, values in CASES),
        *((name, page, "lev", (20, 21)) for name, page in LEVERAGE_ONLY),
    ]
    port = free_port()
    proc = start_streamlit(port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, 90.0)
        for name, page, key, values in cases:
            ms, wall, kb, first_kb = asyncio.run(_wire_case(url, proc.pid, page, key, values))
            kb_target = PAYLOAD_TARGET_KB.get(name)
            note = f"server CPU per rerun; latency median {wall:.0f} ms; {kb:.1f} KB per rerun"
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
    finally:
        stop_process(proc)
    return out


def rows() -> list[dict]:
    if os.environ.get("LL_PAGES_WIRE_ONLY"):
        return wire_rows()
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
