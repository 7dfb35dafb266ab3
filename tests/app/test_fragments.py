"""Fragment boundaries of the "Why 50x is fragile" lesson, counted, not timed: a widget inside a
fragment (the guess, the reveal button, the horizon, the teacher toggle, and the sidebar's
leverage slider, which the lesson draws in its steps-5-to-7 fragment: ui.leverage_scope) reruns
that fragment and nothing else of the page; any other sidebar widget reruns the whole page. On
a page that does not take the slider, the leverage reruns the whole page.

The app runs in a real Streamlit server (AppTest always reruns the whole script) with two
computations counted (tests/app/counting_server.py): ``liquidation_curve`` (step 1, outside
every fragment) and ``check_guess`` (inside the guess fragment). A protocol-level client
(tools/stclient.py) sends what a browser sends, including the fragment id of the widget.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tools.stclient import ProtocolClient, run_in_fresh_loop

FRAGMENT_DONE = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY


def _count(counts: Path, name: str) -> int:
    return counts.read_text().split().count(name)


def test_fragment_widgets_rerun_only_their_fragment(counted_app) -> None:
    url, counts = counted_app

    async def scenario() -> None:
        c = ProtocolClient(url, timeout_s=120.0)
        try:
            await c.open("why_50x")
            curve = _count(counts, "liquidation_curve")
            assert curve >= 1, "the page's step 1 did not run on the first load"
            assert c.widget_fragments["w50_guess"] != ""
            # the leverage slider sits in the sidebar but belongs to the steps-5-to-7 fragment
            assert c.widget_fragments["lev"] == c.widget_fragments["w50_horizon"] != ""
            assert c.widget_fragments["fee"] == ""  # the rest of the sidebar is in none

            s = await c.set_widget("w50_guess", 30.0)
            assert s.status == FRAGMENT_DONE and not s.exceptions
            s = await c.set_widget("w50_reveal")
            assert s.status == FRAGMENT_DONE and not s.exceptions
            assert _count(counts, "check_guess") == 1  # the fragment itself did run
            s = await c.set_widget("w50_horizon", "1 week")
            assert s.status == FRAGMENT_DONE and not s.exceptions
            s = await c.set_widget("w50_teacher", True)
            assert s.status == FRAGMENT_DONE and not s.exceptions
            # None of the four reran step 1.
            assert _count(counts, "liquidation_curve") == curve

            # The leverage: its fragment only, twice (a rerun of a fragment that writes outside
            # itself works again after the first).
            for lev in (20, 35):
                s = await c.set_widget("lev", lev)
                assert s.status == FRAGMENT_DONE and not s.exceptions
            assert _count(counts, "liquidation_curve") == curve

            # Another sidebar widget is outside every fragment: the whole page reruns, step 1 too.
            s = await c.set_widget("fee", 0.04)
            assert s.status == ForwardMsg.FINISHED_SUCCESSFULLY and not s.exceptions
            assert _count(counts, "liquidation_curve") == curve + 1
            # and the leverage slider is drawn again by the fragment, in the same place
            s = await c.set_widget("lev", 12)
            assert s.status == FRAGMENT_DONE and not s.exceptions
            assert _count(counts, "liquidation_curve") == curve + 1
        finally:
            await c.close()

    run_in_fresh_loop(scenario())


def test_on_other_pages_the_leverage_reruns_the_whole_page(counted_app) -> None:
    """Only the pages of ui.leverage_scope.PAGES take the slider into a fragment; elsewhere it is
    an ordinary widget (their charts depend on the leverage throughout)."""
    url, _ = counted_app

    async def scenario() -> None:
        c = ProtocolClient(url, timeout_s=120.0)
        try:
            await c.open("liquidation_map")
            assert c.widget_fragments["lev"] == ""
            s = await c.set_widget("lev", 20)
            assert s.status == ForwardMsg.FINISHED_SUCCESSFULLY and not s.exceptions
        finally:
            await c.close()

    run_in_fresh_loop(scenario())


def test_trailing_stops_leverage_reruns_only_the_outcomes(counted_app) -> None:
    """The trailing-stop page takes the slider into its outcomes fragment: a move searches the
    exits at the new leverage and builds none of the ten inputs above nor the sidebar's fields
    (counted: ``ui.inputs.number``); one of those inputs reruns the whole page."""
    url, counts = counted_app

    async def scenario() -> None:
        c = ProtocolClient(url, timeout_s=120.0)
        try:
            # the counts are the server's (other tests use it too): differences only
            fields0, exits0 = _count(counts, "inputs.number"), _count(counts, "exits_at_leverage")
            await c.open("trailing_stops")
            fields = _count(counts, "inputs.number")
            exits = _count(counts, "exits_at_leverage")
            per_run = fields - fields0
            assert per_run >= 5  # the page's own fields and the sidebar's, on the first load
            assert exits >= exits0
            assert c.widget_fragments["lev"] != "" and c.widget_fragments["ts_stop"] == ""
            for lev in (41, 43):  # leverages no other test asks this page for
                s = await c.set_widget("lev", lev)
                assert s.status == FRAGMENT_DONE and not s.exceptions
            assert _count(counts, "exits_at_leverage") == exits + 2  # a new leverage each
            assert _count(counts, "inputs.number") == fields  # nothing outside the fragment

            s = await c.set_widget("ts_stop", 1.5)
            assert s.status == ForwardMsg.FINISHED_SUCCESSFULLY and not s.exceptions
            assert _count(counts, "inputs.number") == fields + per_run
        finally:
            await c.close()

    run_in_fresh_loop(scenario())


def test_the_protocol_client_runs_beside_a_running_event_loop() -> None:
    """In `make test` a process may run this file after a browser test, whose Playwright keeps an
    event loop running: the scenario above then failed with "asyncio.run() cannot be called
    from a running event loop". ``run_in_fresh_loop`` works there too. (The check runs in a
    thread of its own, since this very thread may hold Playwright's loop.)"""
    import asyncio
    import threading

    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    async def inside_a_loop() -> int:
        refused = answer()
        with pytest.raises(RuntimeError, match="running event loop"):
            asyncio.run(refused)  # what the test did before
        refused.close()
        return run_in_fresh_loop(answer())

    box: dict[str, object] = {}
    t = threading.Thread(target=lambda: box.update(v=asyncio.run(inside_a_loop())))
    t.start()
    t.join()
    assert box.get("v") == 42
