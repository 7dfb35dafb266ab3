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

from collections.abc import Callable, Sequence
from typing import Any

import plotly.graph_objects as go
import streamlit as st

#: Figures kept across every page and session (each a few to a hundred KB).
MAX_FIGURES = 256


class SpecFigure(go.Figure):
    """A ``go.Figure`` whose ``to_dict`` is computed once and then returned as is (numpy arrays
    as base64 typed arrays: Plotly's own ``to_dict`` encodes them since 6.0, pinned 7.1).
    Read-only by contract: it lives in a shared cache."""

    def to_dict(self) -> dict[str, Any]:
        spec = self.__dict__.get("_ll_spec")
        if spec is None:
            spec = super().to_dict()
            self.__dict__["_ll_spec"] = spec
        return spec


@st.cache_resource(max_entries=MAX_FIGURES, show_spinner=False)
def _cached(
    _builder: Callable[..., go.Figure], name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> go.Figure:
    fig = _builder(*args, **kwargs)
    if type(fig) is go.Figure:
        fig.__class__ = SpecFigure  # the builder's own figure, not a validated copy of it
        out = fig
    else:
        out = SpecFigure(fig)
    out.to_dict()
    return out


def figure(builder: Callable[..., go.Figure], *args: Any, **kwargs: Any) -> go.Figure:
    """``builder(*args, **kwargs)``, cached on the builder's name and every argument (numpy
    arrays by content). Raises what the builder raises (errors are not cached)."""
    name = f"{builder.__module__}.{builder.__qualname__}"
    # by keyword: Streamlit looks up a positional argument's name on every call (ui.cachecall)
    return _cached(_builder=builder, name=name, args=args, kwargs=kwargs)


class _Variant(SpecFigure):
    """A cached figure with a few additions, for ``st.plotly_chart`` (which reads ``to_dict``):
    the spec is the base's spec with the additions, built without re-validating the base. The
    Plotly object graph (``data``, ``layout``, every other attribute) is built from that spec on
    first access only, so a reader sees the same figure either way."""

    def __init__(self, spec: dict[str, Any]) -> None:
        # No go.Figure.__init__: that is the validation being skipped (see _full).
        self.__dict__["_ll_spec"] = spec

    def _full(self) -> go.Figure:
        full = self.__dict__.get("_ll_full")
        if full is None:
            full = go.Figure(self.__dict__["_ll_spec"])
            self.__dict__["_ll_full"] = full
        return full

    @property
    def data(self):  # type: ignore[override]
        return self._full().data

    @property
    def layout(self):  # type: ignore[override]
        return self._full().layout

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_ll_"):
            raise AttributeError(name)
        return getattr(self._full(), name)

    def __repr__(self) -> str:
        return repr(self._full())


def _merged(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``update`` merged in recursively; only the dicts on the changed paths are
    copied (the rest, e.g. encoded arrays, is shared with the cached base)."""
    out = dict(base)
    for key, value in update.items():
        old = out.get(key)
        both = isinstance(old, dict) and isinstance(value, dict)
        out[key] = _merged(old, value) if both else value
    return out


def _trace_spec(trace: dict[str, Any]) -> dict[str, Any]:
    """``trace`` (a plain dict with a ``type``) validated by its Plotly trace class."""
    cls = getattr(go, str(trace.get("type", "scatter")).capitalize())
    return cls(trace).to_plotly_json()


def variant(
    base: go.Figure,
    *,
    traces: Sequence[dict[str, Any]] = (),
    layout: dict[str, Any] | None = None,
) -> go.Figure:
    """``base`` (a figure from :func:`figure`) with ``traces`` appended and ``layout`` merged
    into its layout, for a chart whose only per-rerun input is small (a marker at the sidebar's
    leverage, the y-range shared by two charts). The base stays cached and untouched; the
    additions are validated by Plotly (``ValueError`` for a bad property), the base is not
    validated again. Costs a shallow copy of the spec instead of a figure build."""
    spec = base.to_dict()
    out = dict(spec)
    if traces:
        out["data"] = [*spec.get("data", []), *(_trace_spec(t) for t in traces)]
    if layout:
        out["layout"] = _merged(spec.get("layout", {}), go.Layout(layout).to_plotly_json())
    return _Variant(out)
