"""The lesson's caches are shared by a whole class, counted, not timed (tests/app/counting_server.py
records every simulation, every read of the shipped history and every chart build with a digest
of its arguments):

- students who open "Why 50x is fragile" at the same moment on a cold server compute each result
  ONCE: concurrent identical cache misses wait for the one computation (Streamlit's per-key
  compute lock) instead of each simulating the same prices;
- a sidebar leverage move afterwards is a pure cache hit: no simulation, no read of the history,
  no chart rebuilt (the marker at the sidebar's leverage is added to the cached chart);
- on "Trailing stops" a leverage move neither simulates the paths again nor searches the stop,
  target and trailing barriers again: only the liquidation barrier, once per new leverage.

The app runs in a real Streamlit server; the students are protocol-level clients
(tools/stclient.py) that send what a browser sends.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from tools.stclient import ProtocolClient, run_in_fresh_loop

STUDENTS = 6
#: Counted with a digest of their arguments (tests/app/counting_server.py).
SIMULATIONS = ("liquidation_odds", "sample_price_paths")
HISTORY = ("history_shares",)
BUILDERS = (
    "odds_vs_leverage_chart",
    "sample_paths_chart",
    "right_but_liquidated_chart",
    "odds_heatmap",
    "truth_chart",
)


def _calls(counts: Path, names: tuple[str, ...]) -> Counter[str]:
    """``name:digest`` -> number of calls, for the counted functions in ``names``."""
    lines = [ln for ln in counts.read_text().split() if ln.split(":", 1)[0] in names]
    return Counter(lines)


def test_a_class_shares_one_computation_and_a_leverage_move_recomputes_nothing(counted_app) -> None:
    url, counts = counted_app
    everything = SIMULATIONS + HISTORY + BUILDERS

    async def scenario() -> None:
        clients = [ProtocolClient(url, timeout_s=180.0) for _ in range(STUDENTS)]
        try:
            # The whole class opens the lesson at once on a server that has computed nothing.
            loads = await asyncio.gather(*(c.open("why_50x") for c in clients))
            for s in loads:
                assert not s.exceptions, s.exceptions
            assert all("lev" in c.widget_ids for c in clients), "a student got no sidebar"
            first = _calls(counts, everything)
            sims = _calls(counts, SIMULATIONS)
            assert sum(sims.values()) >= 2, "the lesson simulated nothing: the counting is broken"
            assert _calls(counts, HISTORY), "the lesson did not read the history"
            assert _calls(counts, BUILDERS), "the lesson built no chart"
            repeated = {k: n for k, n in first.items() if n > 1}
            assert not repeated, f"computed more than once for {STUDENTS} students: {repeated}"

            # Then every student drags the sidebar leverage: nothing is computed again.
            for lev in (7, 33, 50, 88, 125):
                moves = await asyncio.gather(*(c.set_widget("lev", lev) for c in clients))
                for s in moves:
                    assert not s.exceptions, s.exceptions
            assert _calls(counts, everything) == first
        finally:
            for c in clients:
                await c.close()

    run_in_fresh_loop(scenario())  # Playwright may run a loop in this process already


def test_a_leverage_move_on_trailing_stops_only_searches_the_liquidation_barrier(
    counted_app,
) -> None:
    url, counts = counted_app
    names = ("simulate_prices", "prepare_exit_paths", "exits_at_leverage")

    def calls() -> Counter[str]:
        return Counter(ln for ln in counts.read_text().split() if ln in names)

    async def scenario() -> None:
        client = ProtocolClient(url, timeout_s=180.0)
        try:
            before = calls()
            s = await client.open("trailing_stops")
            assert not s.exceptions, s.exceptions
            opened = calls() - before
            assert opened == Counter(names), f"opening the page computed {dict(opened)}"
            for lev in (3, 7, 12):
                s = await client.set_widget("lev", lev)
                assert not s.exceptions, s.exceptions
            moved = calls() - before - opened
            assert moved == Counter({"exits_at_leverage": 3}), f"3 moves computed {dict(moved)}"
        finally:
            await client.close()

    run_in_fresh_loop(scenario())
