"""Leverage Lab's Streamlit layer: the shared scenario, chart data and pure Plotly builders.

Importing this package also makes sure every run goes through ``app.py``. Streamlit decides, for
the first session of a server process, whether the app is an old-style multipage app by looking
for a ``pages/`` folder beside the entry point, and keeps that decision until ``st.navigation``
runs. A shared link that opens a page of a freshly started server (``/liquidation_map?lev=20``)
would then run ``pages/liquidation_map.py`` alone: no sidebar, no page config, a page list built
from file names. :func:`_leave_pages_directory_mode` switches the process to ``st.navigation``
mode at once and reruns, so that first visitor gets the real app, on the same page and URL.
"""

from __future__ import annotations


def _leave_pages_directory_mode() -> None:
    from streamlit.runtime.pages_manager import PagesManager

    if not PagesManager.uses_pages_directory:
        return
    PagesManager.uses_pages_directory = False
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is not None:
        import streamlit as st

        st.rerun()


_leave_pages_directory_mode()
