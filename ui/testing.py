"""AppTest harness shared by tests/app and bench/bench_pages.py (not used by the app itself).

``streamlit.testing.v1.AppTest`` (1.67) resets ``PagesManager.uses_pages_directory`` before every
run; with a ``pages/`` folder beside ``app.py`` it then takes the app for an old-style multipage
app and, from the second run on, executes the page file alone, without ``app.py`` and its sidebar.
A real ``streamlit run`` sets the flag once, when ``st.navigation`` runs, and never resets it.
:func:`app_test` restores that behaviour: the reset lands on a subclass, so the flag that the
script runner reads stays ``False`` and every run goes through ``app.py`` as in the browser.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping
from pathlib import Path

import streamlit.testing.v1.app_test as _app_test_module
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
#: Every page of the app by its address ("liquidation_map", ...), in app.py's order, so a test
#: that walks every page also walks a page added there.
PAGE_NAMES: tuple[str, ...] = tuple(
    dict.fromkeys(re.findall(r'"pages/([A-Za-z0-9_]+)\.py"', APP.read_text()))
)


class _NavigationPagesManager(PagesManager):
    """Receives AppTest's per-run reset of ``uses_pages_directory``, leaving the base class's
    flag (the one the script runner reads) as ``st.navigation`` set it."""


def _install() -> None:
    # AppTest itself writes session state from the test thread, which logs "missing
    # ScriptRunContext" on every construction; that is expected here.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(
        logging.ERROR
    )
    if _app_test_module.PagesManager is not _NavigationPagesManager:
        _app_test_module.PagesManager = _NavigationPagesManager
    PagesManager.uses_pages_directory = False


def app_test(
    page: str | None = None,
    *,
    query_params: Mapping[str, str] | None = None,
    timeout: float = 120.0,
) -> AppTest:
    """Run ``app.py`` once on ``page`` (e.g. ``"pages/funding_drag.py"``; None: the default
    page), optionally with URL query parameters, and return the AppTest."""
    _install()
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    if query_params:
        at.query_params.update(query_params)
    if page is not None:
        # open the page itself, as a browser does with the page's address: the first run is that
        # page's (the link's notices compare the link with the widgets of the page it names)
        at.switch_page(page)
    at.run()
    return at


def shown_number(text: str) -> tuple[float, float]:
    """Parse a number as a page shows it ('90,361.45', '9.64%', '40.1x', '500.00 USDT', '—')
    into ``(value, half_step)``: percents come back as fractions, and ``half_step`` is half a unit
    of the last digit shown (the rounding the display allows)."""
    s = text.strip().split(" ")[0].replace(",", "")
    if s in ("—", "", "-"):
        return float("nan"), 0.0
    scale = 1.0
    if s.endswith("%"):
        s, scale = s[:-1], 0.01
    elif s.endswith("x"):
        s = s[:-1]
    decimals = len(s.split(".")[1]) if "." in s else 0
    if "e" in s.lower():
        decimals = 12
    return float(s) * scale, 0.5 * 10.0 ** (-decimals) * scale


def metric(at: AppTest, label: str) -> str:
    """The shown value of the metric whose label starts with ``label`` (exactly one must)."""
    found = [m for m in at.metric if m.label.startswith(label)]
    if len(found) != 1:
        raise AssertionError(
            f"{len(found)} metrics start with {label!r}: {[m.label for m in at.metric]}"
        )
    return found[0].value


def shows(at: AppTest, label: str, expected: float) -> None:
    """Assert that the metric ``label`` shows ``expected`` to the digits on screen (half a unit of
    the last digit shown, plus 1e-9 relative for float noise)."""
    text = metric(at, label)
    value, half_step = shown_number(text)
    tol = half_step + 1e-9 * abs(expected) + 1e-12
    assert math.isclose(value, expected, rel_tol=0, abs_tol=tol), (label, text, expected)


def chart_specs(at: AppTest) -> list[dict]:
    """The Plotly figures on the page, as the JSON dicts sent to the browser, in page order.
    Arrays that Plotly ships as base64 typed arrays come back as numpy arrays."""
    import json

    return [_decode(json.loads(el.proto.spec)) for el in at.get("plotly_chart")]


def _decode(obj: object) -> object:
    import base64

    import numpy as np

    if isinstance(obj, dict):
        if set(obj) >= {"dtype", "bdata"}:
            arr = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=np.dtype(obj["dtype"]))
            shape = obj.get("shape")
            if shape:
                dims = [int(d) for d in str(shape).split(",")] if isinstance(shape, str) else shape
                arr = arr.reshape(dims)
            return arr
        return {k: _decode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    return obj
