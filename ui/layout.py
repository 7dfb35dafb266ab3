"""Layout rules for phones and projectors that Streamlit's theme options do not cover.

Streamlit cuts a metric's label and value with an ellipsis when the column is narrow
("practica...", "1,570..."): on a phone or a projector at 150% most labels were cut. The rules
below let labels and values wrap onto a second line instead, so nothing is hidden.
"""

from __future__ import annotations

import streamlit as st

CSS = """
<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: anywhere;
}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: anywhere;
}
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
</style>
"""


def apply() -> None:
    """Add the rules to the page (call once per run, from ``app.py``)."""
    st.html(CSS)


#: The lesson's presentation mode: no sidebar (nor its toggle), large type, the step counter
#: and the student link wrapping instead of widening the page.
PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapseButton"] {
  display: none !important;
}
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li {
  font-size: 1.45rem; line-height: 1.45;
}
[data-testid="stHeader"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1.2rem !important; padding-bottom: 2rem; }
[data-testid="stMain"] h1 { font-size: 1.1rem !important; padding: 0 !important; font-weight: 600; }
[data-testid="stMain"] h2 { font-size: 2.3rem !important; padding-top: 0.2rem !important; }
[data-testid="stMetricLabel"] p { font-size: 1.2rem !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
  font-size: 2.6rem !important; line-height: 1.2 !important; font-weight: 600;
}
[data-testid="stMain"] [data-testid="stCaptionContainer"] p { font-size: 1.05rem; }
[data-testid="stMain"] button p { white-space: normal !important; overflow-wrap: anywhere; }
p.ll-step-count { text-align: center; font-size: 1.2rem !important; margin: 0; }
p.ll-step-link, p.ll-step-link * { font-size: 1.05rem !important; overflow-wrap: anywhere; }
p.ll-step-link code { white-space: normal; word-break: break-all; }
@media (max-width: 640px) {  /* a student's phone: large, not projector-large */
  [data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
  [data-testid="stMain"] [data-testid="stMarkdownContainer"] li { font-size: 1.1rem; }
  [data-testid="stMain"] h2 { font-size: 1.6rem !important; }
  [data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: 1.9rem !important; }
}
</style>
"""


def apply_presentation() -> None:
    """Add the presentation rules to the page (on the presentation's runs only)."""
    st.html(PRESENT_CSS)
