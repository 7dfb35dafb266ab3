"""A classroom on this machine: N students, each a protocol-level client (tools/stclient.py:
Streamlit's own websocket protocol and protobuf messages, with the browser's message cache), open
the "Why 50x is fragile" lesson and move the sidebar leverage slider, with random (seeded) think
times between moves.

Scenarios: 30 students thinking 2-6 s between moves; 60 students dragging (0.5-2 s). Each runs
for ``LL_CLASSROOM_SECONDS`` (default 30) against three servers, started afresh for each
scenario, in this one run: the OLD configuration (Streamlit's development defaults,
``runner.postScriptGC true``, ``server.fileWatcherType auto``, 10 KB message-cache threshold),
the NEW single server (.streamlit/config.toml) and two NEW workers behind nginx
(``tools/serve.py``). All three serve the same page code, so the rows compare the serving set-up.
The teacher has opened the page once before the class joins (imports and the simulation caches
are warm); the students then join within one second.

Reported: first load and per-move latency as the student sees it (request sent to
``script_finished`` received) as p50 (``median ms``), p95 and max; errors (connection failures,
timeouts, exception boxes); the servers' resident memory growth per session (``/proc``, all
workers summed); the servers' CPU time per run (loads and moves together, all workers summed,
from /proc: what one run costs whatever else runs on the machine, so the capacity arithmetic
of docs/deploy.md does not depend on the machine being quiet). Only 127.0.0.1 is contacted.

Run alone: ``.venv/bin/python -m bench.run classroom`` (``LL_CLASSROOM_SECONDS=45`` for longer
scenarios, ``LL_CLASSROOM_ONLY=new`` for one configuration: old, new or nginx).
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from bench.bench_pages import server_cpu_s
from tools.appserver import free_port, start_streamlit, stop_process, wait_healthy
from tools.serve import cluster
from tools.stclient import ProtocolClient

PAGE = "why_50x"
KEY = "lev"
SEED = 12
#: (name, students, think time range in seconds)
SCENARIOS: list[tuple[str, int, tuple[float, float]]] = [
    ("30 students, 2-6 s", 30, (2.0, 6.0)),
    ("60 dragging, 0.5-2 s", 60, (0.5, 2.0)),
]
#: Flags that put back what the serving config turned off (Streamlit's defaults).
OLD_FLAGS = (
    "--runner.postScriptGC", "true",
    "--server.fileWatcherType", "auto",
    "--global.minCachedMessageSize", "10000",
)  # fmt: skip
TARGETS = {
    ("30 students, 2-6 s", "move"): 300.0,
    ("30 students, 2-6 s", "first load"): 2_000.0,
    ("60 dragging, 0.5-2 s", "move"): 1_000.0,
}
MB_PER_SESSION_TARGET = 5.0


def _seconds() -> float:
    return float(os.environ.get("LL_CLASSROOM_SECONDS", "30"))


@dataclass
class Tally:
    loads_ms: list[float] = field(default_factory=list)
    moves_ms: list[float] = field(default_factory=list)
    move_bytes: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def _student(url: str, rng: random.Random, think: tuple[float, float], end: float, t: Tally):
    await asyncio.sleep(rng.uniform(0.0, 1.0))  # the class joins within a second
    c = ProtocolClient(url, timeout_s=60.0)
    try:
        s = await c.open(PAGE)
        t.loads_ms.append(s.seconds * 1e3)
        t.errors.extend(s.exceptions)
        lev = 10
        while time.monotonic() + think[0] < end:
            await asyncio.sleep(rng.uniform(*think))
            if time.monotonic() >= end:
                break
            lev = rng.choice([v for v in range(2, 61) if v != lev])
            s = await c.set_widget(KEY, lev)
            t.moves_ms.append(s.seconds * 1e3)
            t.move_bytes.append(s.bytes)
            t.errors.extend(s.exceptions)
    except Exception as exc:  # a benchmark counts failures, it does not stop at the first
        t.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        try:
            await c.close()
        except Exception as exc:
            t.errors.append(f"close: {type(exc).__name__}: {exc}")


async def _class(url: str, students: int, think: tuple[float, float], seconds: float) -> Tally:
    t = Tally()
    end = time.monotonic() + seconds
    rngs = [random.Random(SEED * 1_000 + i) for i in range(students)]
    await asyncio.gather(*(_student(url, r, think, end, t) for r in rngs))
    return t


def _rss_kb(pids: list[int]) -> int:
    """Resident memory of the processes and their children, summed (kB, /proc)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total


def _cpu_s(pids: list[int]) -> float:
    """CPU seconds used so far by the processes (all their threads), summed."""
    total = 0.0
    for pid in pids:
        try:
            total += server_cpu_s(pid)
        except OSError:
            continue
    return total


@contextmanager
def _server(kind: str) -> Iterator[tuple[str, list[int]]]:
    """(base URL, pids of the Streamlit processes) for ``kind``: old, new or nginx."""
    if kind == "nginx":
        with cluster(2) as c:
            yield c.url, [w.proc.pid for w in c.workers]
        return
    port = free_port()
    proc = start_streamlit(port, extra_args=OLD_FLAGS if kind == "old" else ())
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, 90.0)
        yield url, [proc.pid]
    finally:
        stop_process(proc)


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    if len(xs) == 1:
        return xs[0]
    return statistics.quantiles(xs, n=100, method="inclusive")[int(q) - 1]


LABELS = {
    "old": "old config, 1 server",
    "new": "new config, 1 server",
    "nginx": "2 workers + nginx",
}


def rows() -> list[dict]:
    only = os.environ.get("LL_CLASSROOM_ONLY")
    kinds = [k for k in ("old", "new", "nginx") if not only or k == only]
    seconds = _seconds()
    out: list[dict] = []
    for scenario, students, think in SCENARIOS:
        for kind in kinds:
            with _server(kind) as (url, pids):
                asyncio.run(_class(url, 1, (0.5, 0.5), 2.0))  # the teacher opens it first
                base_kb = _rss_kb(pids)
                cpu0 = _cpu_s(pids)
                t = asyncio.run(_class(url, students, think, seconds))
                runs = len(t.loads_ms) + len(t.moves_ms)
                cpu_ms = (_cpu_s(pids) - cpu0) * 1e3 / runs if runs else float("nan")
                mb = (_rss_kb(pids) - base_kb) / 1024 / students
            name = f"{scenario}: {LABELS[kind]}"
            errs = f"{len(t.errors)} errors" + (f" (first: {t.errors[0][:60]})" if t.errors else "")
            for what, xs in (("first load", t.loads_ms), ("move", t.moves_ms)):
                target = TARGETS.get((scenario, what))
                p95 = _pct(xs, 95)
                note = f"p95 {p95:.0f}, max {max(xs, default=float('nan')):.0f} ms; n={len(xs)}"
                if what == "move":
                    kb = statistics.median(t.move_bytes) / 1e3 if t.move_bytes else float("nan")
                    note += f"; {kb:.1f} KB/move; {errs}; RSS {mb:+.1f} MB/session"
                    note += f"; server CPU {cpu_ms:.0f} ms/run"
                    if target is not None and p95 >= target:
                        note += "; OVER"
                    if mb >= MB_PER_SESSION_TARGET or t.errors:
                        note += "; OVER (memory or errors)"
                elif target is not None and p95 >= target:
                    note += "; OVER"
                out.append(
                    {
                        "name": f"{name}, {what}",
                        "median_ms": _pct(xs, 50),
                        "target": f"p95 < {target:.0f} ms" if target else "",
                        "note": note,
                    }
                )
    return out


def main() -> int:
    for r in rows():
        print(f"{r['name']:<55} {r['median_ms']:8.0f} ms  {r['target']:<14} {r['note']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
