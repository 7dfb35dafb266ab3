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
