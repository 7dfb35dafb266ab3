"""Chart figures built once per set of inputs and served to every rerun and every session.

A page that reruns on every slider move used to rebuild each Plotly figure (validating every
property, ~5-10 ms a chart) and have ``st.plotly_chart`` copy and encode it again (~4 ms). With
:func:`figure` a chart is built once for its inputs, by its pure builder in ``ui/``, and its
wire form (the plain dict, numpy arrays already encoded as Plotly's base64 typed arrays) is
computed once too; a rerun whose inputs did not change costs a hash of the inputs and one JSON
dump of a ready dict, and Streamlit's message cache then sends the browser a hash reference
instead of the chart.

``st.cache_resource`` rather than ``st.cache_data``: cache_data returns a copy by unpickling,
and unpickling a ``go.Figure`` re-validates it, which is the cost being avoided. The figure is
shared by every session, so nothing may change it after it is built: pages only pass it to
``st.plotly_chart``, which reads it (``to_dict``). Bounded by ``max_entries``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
import streamlit as st
from _plotly_utils.utils import convert_to_base64

#: Figures kept across every page and session (each a few to a hundred KB).
MAX_FIGURES = 256


class SpecFigure(go.Figure):
    """A ``go.Figure`` whose ``to_dict`` is computed once and then returned as is (with numpy
    arrays already as base64 typed arrays, as ``plotly.io.to_json`` would write them). Read-only
    by contract: it lives in a shared cache."""

    def to_dict(self) -> dict[str, Any]:
        spec = self.__dict__.get("_ll_spec")
        if spec is None:
            spec = super().to_dict()
            convert_to_base64(spec)
            self.__dict__["_ll_spec"] = spec
        return spec


@st.cache_resource(max_entries=MAX_FIGURES, show_spinner=False)
def _cached(_builder: Callable[..., go.Figure], name: str, *args: Any, **kwargs: Any) -> go.Figure:
    fig = _builder(*args, **kwargs)
    out = SpecFigure(fig)
    out.to_dict()
    return out


def figure(builder: Callable[..., go.Figure], *args: Any, **kwargs: Any) -> go.Figure:
    """``builder(*args, **kwargs)``, cached on the builder's name and every argument (numpy
    arrays by content). Raises what the builder raises (errors are not cached)."""
    name = f"{builder.__module__}.{builder.__qualname__}"
    return _cached(builder, name, *args, **kwargs)
