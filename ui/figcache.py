"""Chart figures built once per set of inputs and served to every rerun and every session.

A page that reruns on every slider move used to rebuild each Plotly figure (validating every
property, ~5-10 ms a chart) and have ``st.plotly_chart`` copy and encode it again (~4 ms). With
:func:`figure` a chart is built once for its inputs, by its pure builder in ``ui/``, and its
wire form (the plain dict, numpy arrays already encoded as Plotly's base64 typed arrays) is
computed once too; a rerun whose inputs did not change costs a hash of the inputs and one JSON
dump of a ready dict, and Streamlit's message cache then sends the browser a hash reference
instead of the chart.

A cached figure is built without Plotly's validation (:func:`ui.charts.unvalidated`), which is
most of a build's time; that a builder's figure is the same validated or not is checked
whenever ``LEVERAGE_LAB_CHECK_FIGURES`` is set (the test suite sets it, for every page's AppTest
and browser test): each figure is then built both ways, and a difference, or a property Plotly
refuses, raises.

``st.cache_resource`` rather than ``st.cache_data``: cache_data returns a copy by unpickling,
and unpickling a ``go.Figure`` re-validates it, which is the cost being avoided. The figure is
shared by every session, so nothing may change it after it is built: pages only pass it to
``st.plotly_chart``, which reads it (``to_dict``). Bounded by ``max_entries``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from ui import charts

#: Figures kept across every page and session (each a few to a hundred KB).
MAX_FIGURES = 256
#: Set (to anything but "" or "0") to build every cached figure validated too and compare.
CHECK_ENV = "LEVERAGE_LAB_CHECK_FIGURES"


class FigureCheckError(AssertionError):
    """A figure built without validation differs from the validated build of the same call."""


def _checking() -> bool:
    return os.environ.get(CHECK_ENV, "") not in ("", "0")


def _same_as_validated(fast: dict[str, Any], build: Callable[[], Any], what: str) -> None:
    """Raise :class:`FigureCheckError` unless ``build()`` (validated this time; Plotly raises
    ``ValueError`` for what it refuses) has the wire form ``fast``."""
    slow = build()
    slow = slow.to_dict() if isinstance(slow, go.Figure) else slow
    # as the browser reads them: the same keys and values, in any order; an empty object is no
    # object (validation drops it, plotly.js ignores it)
    a = _pruned(json.loads(pio.to_json(fast, validate=False)))
    b = _pruned(json.loads(pio.to_json(slow, validate=False)))
    if a != b:
        where = _first_difference(a, b, "")
        raise FigureCheckError(
            f"{what}: the unvalidated figure differs from the validated one at {where}"
        )


def _pruned(value: Any) -> Any:
    """``value`` without its empty objects, at any depth."""
    if isinstance(value, dict):
        out = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v != {}}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


def _first_difference(a: Any, b: Any, path: str) -> str:
    """Where two JSON values first differ: ``path: a != b`` (short reprs)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b or a[k] != b[k]:
                return _first_difference(a.get(k), b.get(k), f"{path}/{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
    return f"{path or '/'}: {repr(a)[:60]} != {repr(b)[:60]}"


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
    with charts.unvalidated():
        fig = _builder(*args, **kwargs)
    if type(fig) is go.Figure:
        fig.__class__ = SpecFigure  # the builder's own figure, not a validated copy of it
        out = fig
    else:
        out = SpecFigure(fig)
    spec = out.to_dict()
    if _checking():
        _same_as_validated(spec, lambda: _builder(*args, **kwargs), name)
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


def _trace_spec(trace: dict[str, Any], *, validate: bool) -> dict[str, Any]:
    """``trace`` (a plain dict with a ``type``) made a trace of its Plotly class, validated or
    not."""
    cls = getattr(go, str(trace.get("type", "scatter")).capitalize())
    return cls(trace, _validate=validate).to_plotly_json()


def _additions(
    traces: Sequence[dict[str, Any]], layout: dict[str, Any] | None, *, validate: bool
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    specs = [_trace_spec(t, validate=validate) for t in traces]
    return specs, (go.Layout(layout, _validate=validate).to_plotly_json() if layout else {})


def variant(
    base: go.Figure,
    *,
    traces: Sequence[dict[str, Any]] = (),
    layout: dict[str, Any] | None = None,
) -> go.Figure:
    """``base`` (a figure from :func:`figure`) with ``traces`` appended and ``layout`` merged
    into its layout, for a chart whose only per-rerun input is small (a marker at the sidebar's
    leverage, the y-range shared by two charts). The base stays cached and untouched; neither
    it nor the additions are validated (checked as for :func:`figure` when
    ``LEVERAGE_LAB_CHECK_FIGURES`` is set: then Plotly's ``ValueError`` for a bad property).
    Costs a shallow copy of the spec instead of a figure build."""
    spec = base.to_dict()
    added, layout_spec = _additions(traces, layout, validate=False)
    if _checking():
        _same_as_validated(
            {"data": added, "layout": layout_spec},
            lambda: dict(
                zip(("data", "layout"), _additions(traces, layout, validate=True), strict=True)
            ),
            "figcache.variant",
        )
    out = dict(spec)
    if traces:
        out["data"] = [*spec.get("data", []), *added]
    if layout:
        out["layout"] = _merged(spec.get("layout", {}), layout_spec)
    return _Variant(out)
