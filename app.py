"""Leverage Lab: the entry point (`streamlit run app.py`).

Declares every page with its section and draws the shared scenario in the sidebar; pages that
other work adds later are included only once their file exists, so the app runs at every stage.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from ui import layout, leverage_scope, notices, scenario, summary, urlguard

ROOT = Path(__file__).resolve().parent

#: (section, file, title, icon, url path). A page whose file is missing is left out.
PAGES: list[tuple[str, str, str, str, str]] = [
    (
        "Before a trade",
        "pages/liquidation_map.py",
        "Liquidation map",
        ":material/troubleshoot:",
        "liquidation_map",
    ),
    (
        "Before a trade",
        "pages/size_from_risk.py",
        "Size from risk",
        ":material/straighten:",
        "size_from_risk",
    ),
    (
        "Before a trade",
        "pages/margin_utilization.py",
        "Margin & utilization",
        ":material/speed:",
        "margin_utilization",
    ),
    (
        "Before a trade",
        "pages/funding_drag.py",
        "Funding drag",
        ":material/schedule:",
        "funding_drag",
    ),
    ("Learn", "pages/why_50x.py", "Why 50x is fragile", ":material/school:", "why_50x"),
    (
        "Learn",
        "pages/correlated_positions.py",
        "Correlated positions",
        ":material/hub:",
        "correlated_positions",
    ),
    (
        "Learn",
        "pages/trailing_stops.py",
        "Trailing stops",
        ":material/trending_up:",
        "trailing_stops",
    ),
    (
        "Learn",
        "pages/trade_sequence.py",
        "A sequence of trades",
        ":material/casino:",
        "trade_sequence",
    ),
    ("Journal", "pages/trade_plan.py", "Trade plan", ":material/edit_note:", "trade_plan"),
    ("Journal", "pages/review.py", "Review", ":material/fact_check:", "review"),
    ("Help", "pages/glossary.py", "Glossary", ":material/menu_book:", "glossary"),
]


def navigation_pages() -> dict[str, list[st.Page]]:
    """Sections with the pages whose files exist. The first page is the default, served at the
    app root; a hidden alias keeps its own path working too (``/liquidation_map?lev=20``), which
    Streamlit would otherwise answer with "Page not found"."""
    sections: dict[str, list[st.Page]] = {}
    first = True
    for section, path, title, icon, url_path in PAGES:
        if not (ROOT / path).is_file():
            continue
        pages = sections.setdefault(section, [])
        if first:
            # The default page reserves its own path name, so the alias needs the real one.
            pages.append(st.Page(path, title=title, icon=icon, url_path="home", default=True))
            pages.append(
                st.Page(path, title=title, icon=icon, url_path=url_path, visibility="hidden")
            )
        else:
            pages.append(st.Page(path, title=title, icon=icon, url_path=url_path))
        first = False
    return sections


st.set_page_config(
    page_title="Leverage Lab",
    page_icon=str(ROOT / "ui" / "assets" / "icon.png"),  # served by the app, no font CDN
    layout="wide",
    initial_sidebar_state="auto",  # collapsed on a phone, open on a desk or a projector
)
# The pages are built once a session (resolving each page's path on every rerun cost 0.8 ms);
# a session's reruns run one at a time, so its st.Page objects are never used by two at once.
if "_nav_pages" not in st.session_state:
    st.session_state["_nav_pages"] = navigation_pages()
current_page = st.navigation(st.session_state["_nav_pages"], position="top")
# before any widget reads the link: unusable values are dropped and named in a notice
dropped = urlguard.sanitize()
notices.remember_link(exclude=set(dropped))
layout.apply()
top = st.container()  # the link's notices and the one-line scenario, above every page
summary_box = top.container()
# a page of leverage_scope.PAGES draws the leverage slider and this line in a fragment of its own
leverage_slot = leverage_scope.begin(current_page.url_path, summary_box)
scenario.sidebar(leverage_slot)
if worker := os.environ.get("LEVERAGE_LAB_WORKER"):  # set by `make serve` (tools/serve.py)
    st.sidebar.caption(f"Served by worker {worker}")
if leverage_slot is None:
    summary.render(summary_box)
checked = notices.ready()
if checked:
    notices.render(top)
current_page.run()
leverage_scope.draw_pending()  # a page of leverage_scope.PAGES that stopped before its fragment
if not checked:
    notices.check_once(scenario.LINK_LABELS, scenario.LINK_RANGES)
    notices.render(top)
