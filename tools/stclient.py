"""A Streamlit client at the protocol level: what a browser tab sends and receives, without the
browser.

It speaks the app's own websocket protocol (``/_stcore/stream``, sub-protocol ``streamlit``)
through Streamlit's protobuf messages: a ``BackMsg`` with ``rerun_script`` (a ``ClientState``:
page, query string, widget states) asks for a run; the server answers with ``ForwardMsg``
frames (``new_session``, one ``delta`` per element, ..., ``script_finished``). Like the browser
it remembers the hash of every message the server marks ``cacheable`` and reports them in the
next ``ClientState.cached_message_hashes``, so an element that did not change comes back as a
short ``ref_hash`` reference, exactly as a real tab sees it; the byte counts are therefore
what goes over the wire to a browser.

Used by the classroom benchmark (bench/bench_classroom.py) and the payload rows of
bench/bench_pages.py. The websocket client is the ``websockets`` package, which Streamlit itself
installs; only 127.0.0.1 is ever contacted by the benchmarks.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

T = TypeVar("T")

#: ``ForwardMsg.script_finished`` values that end a run (a rerun that is superseded ends with
#: FINISHED_EARLY_FOR_RERUN and the next run follows).
_DONE = {
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}


def run_in_fresh_loop(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coro)`` in a thread of its own, so it works when the calling thread already
    runs an event loop (Playwright's sync API keeps one running for the whole test session:
    a test that ran after a browser test in the same process got "asyncio.run() cannot be
    called from a running event loop"). Exceptions reach the caller as they were raised."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="stclient") as pool:
        return pool.submit(asyncio.run, coro).result()


@dataclass
class RunStats:
    """One run as the client saw it: wall time from request to ``script_finished``, bytes and
    frames received, the elements sent in full and those sent as a cache reference, and the
    exceptions the page showed (``st.exception`` elements, i.e. a traceback box)."""

    seconds: float
    bytes: int
    frames: int
    full_elements: int
    ref_elements: int
    exceptions: list[str] = field(default_factory=list)
    status: int = -1


class ProtocolClient:
    """One browser tab: ``await open(page)``, then ``await set_widget(key, value)`` per move.

    ``widget ids`` are learnt from the deltas (``$$ID-<hash>-<key>``): a widget is addressed by
    its user key. Values are kept and re-sent with every later run, as the browser does.
    """

    def __init__(self, base_url: str, *, timeout_s: float = 60.0) -> None:
        self.ws_url = base_url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.timeout_s = timeout_s
        self.page_name = ""
        self.query_string = ""
        self.cached: set[str] = set()
        self.widget_ids: dict[str, str] = {}  # user key -> element id
        self.widget_types: dict[str, str] = {}  # user key -> element type ("slider", ...)
        self.widget_fragments: dict[str, str] = {}  # user key -> fragment id ("" = none)
        self.widget_options: dict[str, list[str]] = {}  # user key -> options as shown
        self.states: dict[str, WidgetState] = {}  # element id -> last value sent
        self.session_id = ""
        self._ws: websockets.ClientConnection | None = None

    async def connect(self) -> None:
        self._ws = await websockets.connect(
            self.ws_url,
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=self.timeout_s,
            ping_interval=None,
            compression=None,
        )

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    async def open(self, page: str = "", query_string: str = "") -> RunStats:
        """Connect (if needed) and run ``page`` (its URL path, e.g. ``"why_50x"``)."""
        if self._ws is None:
            await self.connect()
        self.page_name, self.query_string = page, query_string
        return await self._run()

    async def set_widget(self, key: str, value: object = True) -> RunStats:
        """Set the widget with user key ``key`` to ``value`` (a button: press it) and wait for
        the rerun, which is the widget's fragment only when it sits in one."""
        wid = self.widget_ids.get(key)
        if wid is None:
            known = sorted(self.widget_ids)
            raise KeyError(f"no widget with key {key!r} on the page (known: {known})")
        kind = self.widget_types[key]
        state = WidgetState(id=wid)
        if kind == "slider" and isinstance(value, str):  # st.select_slider: its option
            state.string_array_value.data[:] = [value]
        elif kind == "slider":
            state.double_array_value.data[:] = [float(value)]  # type: ignore[arg-type]
        elif kind == "number_input":
            state.double_value = float(value)  # type: ignore[arg-type]
        elif kind == "checkbox":  # st.checkbox and st.toggle
            state.bool_value = bool(value)
        elif kind == "button":
            state.trigger_value = True
        elif kind in ("selectbox", "radio"):
            options = self.widget_options.get(key, [])
            if str(value) not in options:
                raise ValueError(f"{value!r} is not an option of {key!r}: {options}")
            state.string_value = str(value)
        else:
            raise TypeError(f"widget {key!r} is a {kind}, which this client cannot set")
        trigger = [state] if kind == "button" else []
        if not trigger:
            self.states[wid] = state
        return await self._run(fragment_id=self.widget_fragments.get(key, ""), extra=trigger)

    async def _run(self, fragment_id: str = "", extra: list[WidgetState] | None = None) -> RunStats:
        assert self._ws is not None
        cs = ClientState(
            query_string=self.query_string,
            page_name=self.page_name,
            cached_message_hashes=sorted(self.cached),
            fragment_id=fragment_id,
        )
        cs.widget_states.widgets.extend([*self.states.values(), *(extra or [])])
        t0 = time.perf_counter()
        await self._ws.send(BackMsg(rerun_script=cs).SerializeToString())
        n_bytes = frames = full = refs = 0
        exceptions: list[str] = []
        status = -1
        async with asyncio.timeout(self.timeout_s):
            while True:
                raw = await self._ws.recv()
                n_bytes += len(raw)
                frames += 1
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                kind = msg.WhichOneof("type")
                if msg.metadata.cacheable and msg.hash:
                    self.cached.add(msg.hash)
                if kind == "ref_hash":
                    refs += 1
                elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                    full += 1
                    self._learn(msg, exceptions)
                elif kind == "new_session":
                    self.session_id = msg.new_session.initialize.session_id or self.session_id
                elif kind == "script_finished":
                    status = msg.script_finished
                    if status in _DONE:
                        break
        return RunStats(
            seconds=time.perf_counter() - t0,
            bytes=n_bytes,
            frames=frames,
            full_elements=full,
            ref_elements=refs,
            exceptions=exceptions,
            status=status,
        )

    def _learn(self, msg: ForwardMsg, exceptions: list[str]) -> None:
        el = msg.delta.new_element
        which = el.WhichOneof("type")
        if which == "exception":
            exceptions.append(f"{el.exception.type}: {el.exception.message}")
            return
        if which is None:
            return
        inner = getattr(el, which)
        wid = getattr(inner, "id", "")
        if isinstance(wid, str) and wid.startswith("$$ID-"):
            key = wid.split("-", 2)[2]
            if key and key != "None":
                self.widget_ids[key] = wid
                self.widget_types[key] = which
                self.widget_fragments[key] = msg.delta.fragment_id
                self.widget_options[key] = list(getattr(inner, "options", []))


async def one_session(base_url: str, page: str, key: str, values: list[object]) -> list[RunStats]:
    """Open ``page`` and set ``key`` to each of ``values`` in turn; the runs' stats (the first
    is the page load)."""
    c = ProtocolClient(base_url)
    try:
        out = [await c.open(page)]
        for v in values:
            out.append(await c.set_widget(key, v))
        return out
    finally:
        await c.close()
