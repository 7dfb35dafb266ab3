"""AppTest harness shared by tests/app and bench/bench_pages.py (not used by the app itself).

``streamlit.testing.v1.AppTest`` (1.67) resets ``PagesManager.uses_pages_directory`` before every
run; with a ``pages/`` folder beside ``app.py`` it then takes the app for an old-style multipage
app and, from the second run on, executes the page file alone, without ``app.py`` and its sidebar.
A real ``streamlit run`` sets the flag once, when ``st.navigation`` runs, and never resets it.
:func:`app_test` restores that behaviour: the reset lands on a subclass, so the flag that the
script runner reads stays ``False`` and every run goes through ``app.py`` as in the browser.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import streamlit.testing.v1.app_test as _app_test_module
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"


class _NavigationPagesManager(PagesManager):
    """Receives AppTest's per-run reset of ``uses_pages_directory``, leaving the base class's
    flag (the one the script runner reads) as ``st.navigation`` set it."""


def _install() -> None:
    if _app_test_module.PagesManager is not _NavigationPagesManager:
        _app_test_module.PagesManager = _NavigationPagesManager
    PagesManager.uses_pages_directory = False


def app_test(
    page: str | None = None,
    *,
    query_params: Mapping[str, str] | None = None,
    timeout: float = 30.0,
) -> AppTest:
    """Run ``app.py`` once (optionally with URL query parameters) and switch to ``page``
    (e.g. ``"pages/funding_drag.py"``), run again, and return the AppTest."""
    _install()
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    if query_params:
        at.query_params.update(query_params)
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at
