"""ui.figcache: a chart is built once per set of inputs (arrays by content), its wire form holds
the builder's numbers (numpy arrays as base64 typed arrays), and a variant adds to a cached
figure without changing it."""

from __future__ import annotations

import base64
import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from ui import charts, figcache

CALLS: list[tuple] = []


def line_chart(x: np.ndarray, y: np.ndarray, *, title: str = "t") -> go.Figure:
    """A builder that records its calls."""
    CALLS.append((x.tolist(), y.tolist(), title))
    return go.Figure(
        data=[{"type": "scatter", "x": x, "y": y, "name": "line"}],
        layout={"title": {"text": title}},
    )


@pytest.fixture(autouse=True)
def _fresh() -> None:
    figcache._cached.clear()
    CALLS.clear()


def decoded(typed: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(typed["bdata"]), dtype=np.dtype(typed["dtype"]))


def test_built_once_per_inputs_and_arrays_keyed_by_content(monkeypatch) -> None:
    monkeypatch.setenv(figcache.CHECK_ENV, "")  # as served: no second, validated build
    x, y = np.arange(5.0), np.arange(5.0) ** 2
    a = figcache.figure(line_chart, x, y)
    b = figcache.figure(line_chart, x.copy(), y.copy())  # new arrays, same numbers
    assert b is a and len(CALLS) == 1
    y2 = y.copy()
    y2[3] = -1.0
    c = figcache.figure(line_chart, x, y2)  # one number differs
    d = figcache.figure(line_chart, x, y, title="other")  # a keyword differs
    assert len(CALLS) == 3 and c is not a and d is not a
    assert d.layout.title.text == "other"


def test_wire_form_holds_the_builders_numbers_as_typed_arrays() -> None:
    x = np.linspace(0.0, 1.0, 7)
    y = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0])
    fig = figcache.figure(line_chart, x, y)
    spec = fig.to_dict()
    trace = spec["data"][0]
    # arrays travel as base64 typed arrays (Plotly's own encoding), not as JSON number lists
    assert set(trace["x"]) >= {"dtype", "bdata"} and set(trace["y"]) >= {"dtype", "bdata"}
    np.testing.assert_array_equal(decoded(trace["x"]), x)
    np.testing.assert_array_equal(decoded(trace["y"]), y)
    assert fig.to_dict() is spec  # computed once
    # what st.plotly_chart sends is that spec
    sent = json.loads(pio.to_json(fig, validate=False))
    np.testing.assert_array_equal(decoded(sent["data"][0]["y"]), y)


def test_a_builders_error_is_raised_and_not_cached(monkeypatch) -> None:
    monkeypatch.setenv(figcache.CHECK_ENV, "")

    def failing(n: int) -> go.Figure:
        CALLS.append(n)
        raise ValueError(f"n={n} is out of range")

    for _ in range(2):
        with pytest.raises(ValueError, match="n=3"):
            figcache.figure(failing, 3)
    assert CALLS == [3, 3]


def test_variant_adds_to_a_cached_figure_and_leaves_it_unchanged() -> None:
    base = figcache.figure(line_chart, np.arange(3.0), np.array([1.0, 2.0, 3.0]))
    before = json.dumps(base.to_dict(), sort_keys=True)
    marker = {"type": "scatter", "x": [1.0], "y": [2.0], "mode": "markers", "name": "you"}
    v = figcache.variant(base, traces=[marker], layout={"yaxis": {"range": [0, 10]}})
    spec = v.to_dict()
    assert [t.get("name") for t in spec["data"]] == ["line", "you"]
    assert spec["layout"]["yaxis"]["range"] == [0, 10]
    assert spec["layout"]["title"]["text"] == "t"  # the base's layout is kept
    assert json.dumps(base.to_dict(), sort_keys=True) == before  # the cached base is untouched
    # a reader of the Plotly object sees the same figure as the spec says
    assert [t.name for t in v.data] == ["line", "you"]
    assert list(v.layout.yaxis.range) == [0, 10]


def bad_property_chart(n: int) -> go.Figure:
    """A builder with a property Plotly does not know (``colour``)."""
    CALLS.append(n)
    return charts.new_figure([{"type": "scatter", "x": [n], "y": [n], "colour": "red"}], {})


def named_scale_chart(n: int) -> go.Figure:
    """A builder whose validated figure differs from the unvalidated one: Plotly's validation
    spells a named colour scale out as its list of colours."""
    return charts.new_figure([{"type": "heatmap", "z": [[0, n]], "colorscale": "Viridis"}], {})


def test_the_suite_runs_with_the_figure_check_on() -> None:
    # tests/conftest.py sets it for the whole run (and the servers the browser tests start)
    assert figcache._checking()


def test_new_figure_validates_except_inside_unvalidated() -> None:
    trace = {"type": "scatter", "x": [1], "y": [1], "colour": "red"}
    with pytest.raises(ValueError, match="colour"):
        charts.new_figure([trace], {})
    with charts.unvalidated():
        fig = charts.new_figure([trace], {"height": 300})
    assert fig.to_dict()["data"][0]["colour"] == "red"  # passed through as given
    assert fig.to_dict()["layout"]["height"] == 300
    with pytest.raises(ValueError, match="colour"):  # the block ended: validated again
        charts.new_figure([trace], {})


def test_cached_figures_are_built_unvalidated_and_checked_when_asked(monkeypatch) -> None:
    monkeypatch.setenv(figcache.CHECK_ENV, "1")
    with pytest.raises(ValueError, match="colour"):  # the validated build refuses it
        figcache.figure(bad_property_chart, 1)
    with pytest.raises(figcache.FigureCheckError, match="named_scale_chart"):
        figcache.figure(named_scale_chart, 1)
    ok = figcache.figure(line_chart, np.arange(3.0), np.arange(3.0))
    assert [t["name"] for t in ok.to_dict()["data"]] == ["line"]
    monkeypatch.setenv(figcache.CHECK_ENV, "0")  # as served: one build, not validated
    CALLS.clear()
    fig = figcache.figure(bad_property_chart, 2)
    assert CALLS == [2] and fig.to_dict()["data"][0]["colour"] == "red"


def test_variant_refuses_a_bad_property_when_checking(monkeypatch) -> None:
    base = figcache.figure(line_chart, np.arange(3.0), np.arange(3.0))
    bad = {"type": "scatter", "x": [1], "y": [1], "colour": "red"}
    monkeypatch.setenv(figcache.CHECK_ENV, "1")
    with pytest.raises(ValueError, match="colour"):
        figcache.variant(base, traces=[bad])
    with pytest.raises(ValueError, match="bogus"):
        figcache.variant(base, layout={"bogus": 1})
    with pytest.raises(figcache.FigureCheckError, match="variant"):
        figcache.variant(base, traces=[{"type": "heatmap", "z": [[0, 1]], "colorscale": "Viridis"}])
    monkeypatch.setenv(figcache.CHECK_ENV, "")
    assert figcache.variant(base, traces=[bad]).to_dict()["data"][1]["colour"] == "red"
