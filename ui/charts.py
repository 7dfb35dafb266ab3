"""Plotly chart builders: pure functions, numbers in, ``plotly.graph_objects.Figure`` out.

Conventions: fractions in (0.0964 = 9.64%), axes and hover text in percent; prices and money in
the quote currency. Every trace has a ``name`` that tests and the legend rely on; reference
lines and bands are traces too (not layout shapes), so their coordinates are plain data.

Speed: each figure is assembled as one list of trace dicts and one layout dict and built once by
:func:`new_figure` (``go.Figure(data=..., layout=...)``). Building it call by call
(``add_trace``, ``update_layout``, a named template) costs five to ten times more, which a page
that reruns on every slider move cannot afford. Plotly's validation of those dicts is most of
what remains (3 of the 4.7 ms of a three-trace bar chart); the figures a page caches
(:mod:`ui.figcache`) are built without it, and checked against a validated build in every test
run. Styling beyond these dicts comes from Streamlit's chart theme.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import pairwise

import numpy as np
import plotly.graph_objects as go

# Palette: one meaning per colour across pages.
BLUE = "#1f5fbf"  # exchange-exact figures
GREY = "#8a94a6"  # rules of thumb, references
RED = "#c62828"  # liquidation, danger
ORANGE = "#ef6c00"  # stops, warnings
GREEN = "#2e7d32"  # entry, safe
PURPLE = "#6a1b9a"  # bankruptcy
BAND_DAY = "rgba(239,108,0,0.12)"
BAND_HOUR = "rgba(239,108,0,0.28)"
INK = "#1b2430"  # text
SERIES = ("#1f5fbf", "#ef6c00", "#2e7d32", "#c62828", "#6a1b9a", "#00838f", "#8d6e63")

LEVERAGE_TICKS = (1, 2, 3, 5, 10, 20, 50, 100, 150)
PCT_TICKS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
#: For a short log axis (a panel of a chart): evenly spaced, half a decade apart, where the
#: 1-2-5 labels collided on a phone.
PCT_TICKS_SPARSE = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)


#: Whether :func:`new_figure` has Plotly validate the figure (per thread: every script run and
#: test starts with the default, True).
_VALIDATE: ContextVar[bool] = ContextVar("leverage_lab_validate_figures", default=True)


def new_figure(data: Sequence[Mapping], layout: Mapping) -> go.Figure:
    """``go.Figure(data=data, layout=layout)``: traces as dicts with a ``type``, the layout as a
    dict. Plotly validates them (``ValueError`` for a property it does not know or a value it
    does not accept) unless the caller is inside :func:`unvalidated`; the figure's ``to_dict``
    is the same either way for valid input."""
    return go.Figure(data=list(data), layout=dict(layout), _validate=_VALIDATE.get())


@contextmanager
def unvalidated() -> Iterator[None]:
    """Within this block (in this thread), :func:`new_figure` skips Plotly's validation: for
    figures built by a tested builder whose result is checked elsewhere (:mod:`ui.figcache`)."""
    token = _VALIDATE.set(False)
    try:
        yield
    finally:
        _VALIDATE.reset(token)


#: Room above the title for Plotly's toolbar (the modebar, about 30 px at the top right): the
#: title starts below it, so the toolbar never covers it, on a phone neither.
TOOLBAR_ROOM_PX = 34


#: Longest title line, in characters: a phone's chart is about 350 px wide, 16 px type about
#: 8.5 px a character. Plotly does not wrap titles itself; a longer line was cut at the edge.
TITLE_CHARS = 40
#: Height of one more title line, px.
TITLE_LINE_PX = 21


def wrap(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters at spaces (``<br>``); a word
    longer than ``width`` keeps its own line. Existing ``<br>`` breaks are kept."""
    out = []
    for part in text.split("<br>"):
        line = ""
        for word in part.split(" "):
            if line and len(line) + 1 + len(word) > width:
                out.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        out.append(line)
    return "<br>".join(out)


def title_margin(text: str, base: int = 60 + 34, chars: int = TITLE_CHARS) -> int:
    """Top margin for ``text`` wrapped at :data:`TITLE_CHARS`: ``base`` for one line, 1.25
    :data:`TITLE_LINE_PX` more per further line (the line itself and the pad that keeps it
    below the toolbar, :func:`title_block`)."""
    return base + round(1.25 * TITLE_LINE_PX * wrap(text, chars).count("<br>"))


def title_block(text: str, chars: int = TITLE_CHARS) -> dict:
    """A chart title at the top left, below the toolbar's row (pixels from the top of the
    figure, not a share of the plot: the same gap at every height), wrapped so that a phone
    shows it whole."""
    wrapped = wrap(text, chars)
    # Plotly raises a title of several lines by about a line per extra line, whatever its
    # anchor: the pad gives that back, so the first line still starts below the toolbar
    extra_lines = wrapped.count("<br>")
    return {
        "text": wrapped,
        "x": 0.0,
        "xanchor": "left",
        "xref": "container",
        "y": 1.0,
        "yanchor": "top",
        "yref": "container",
        "pad": {"t": TOOLBAR_ROOM_PX + TITLE_LINE_PX * extra_lines, "l": 8},
        "font": {"size": 16},
    }


#: The legend in a row along the bottom edge of the figure, under the x-axis title (Plotly
#: grows the bottom margin to hold it): a legend placed as a share of the plot's height below
#: the axis landed on the axis title once the plot got short or the legend wrapped (phones).
LEGEND = {
    "orientation": "h",
    "x": 0.0,
    "xanchor": "left",
    "y": 0.0,
    "yanchor": "bottom",
    "yref": "container",
}
#: Margins: the title's row and the toolbar's above the plot.
MARGIN = {"l": 60, "r": 20, "t": 60 + TOOLBAR_ROOM_PX, "b": 50}


def _layout(
    title: str, *, height: int = 420, title_chars: int = TITLE_CHARS, **extra: object
) -> dict:
    """The layout every chart shares, plus ``extra`` keys; ``title_chars``: the longest title
    line (shorter for a chart drawn in a column)."""
    layout = {
        "title": title_block(title, title_chars),
        "height": height,
        "margin": {**MARGIN, "t": title_margin(title, chars=title_chars)},
        "legend": dict(LEGEND),
        "hoverlabel": {"namelength": -1},
        "font": {"size": 13},
    }
    layout.update(extra)
    return layout


def _log_leverage_axis(x_lo: float, x_hi: float, title: str | None, **extra: object) -> dict:
    ticks = [t for t in LEVERAGE_TICKS if x_lo <= t <= x_hi]
    axis = {
        "type": "log",
        "tickvals": ticks,
        "ticktext": [f"{t}x" for t in ticks],
        "range": [float(np.log10(x_lo)), float(np.log10(x_hi))],
    }
    if title:
        axis["title"] = {"text": title}
    axis.update(extra)
    return axis


def _log_pct_axis(
    y_lo: float, y_hi: float, title: str, ticks_from: Sequence[float] = PCT_TICKS, **extra: object
) -> dict:
    ticks = [t for t in ticks_from if y_lo <= t <= y_hi]
    axis = {
        "type": "log",
        "title": {"text": title},
        "tickvals": ticks,
        "ticktext": [f"{t:.1%}".replace(".0%", "%") for t in ticks],
        "range": [float(np.log10(y_lo)), float(np.log10(y_hi))],
    }
    axis.update(extra)
    return axis


def joined_lines(
    xs: Sequence[np.ndarray], ys: Sequence[np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Several lines as one trace: concatenated with a NaN between them (a gap in Plotly).

    Float arrays rather than Python lists: Plotly validates a list value by value but sends an
    array as one typed block, which keeps a chart of a few thousand path points to a few
    milliseconds.
    """
    x_parts: list[np.ndarray] = []
    y_parts: list[np.ndarray] = []
    gap = np.array([np.nan])
    for x, y in zip(xs, ys, strict=True):
        if x_parts:
            x_parts.append(gap)
            y_parts.append(gap)
        x_parts.append(np.asarray(x, dtype=float).ravel())
        y_parts.append(np.asarray(y, dtype=float).ravel())
    if not x_parts:
        return np.empty(0), np.empty(0)
    return np.concatenate(x_parts), np.concatenate(y_parts)


#: Points a sample-path line keeps at most (:func:`thin_line`): a chart half a page wide has
#: a few hundred pixels for a path, and 30 paths of 150 points stay under the eye's resolution.
PATH_POINTS = 150


def hline_trace(
    name: str, x0: float, x1: float, y: float, colour: str, text: str, dash: str = "dash"
) -> dict:
    """A horizontal reference line from ``x0`` to ``x1`` at ``y`` as a plain trace dict (named in
    the legend, ``text`` on hover): a maintenance level, a wallet, a starting balance."""
    return {
        "type": "scatter",
        "x": [x0, x1],
        "y": [y, y],
        "mode": "lines",
        "name": name,
        "line": {"color": colour, "dash": dash, "width": 2},
        "hovertemplate": f"{text}<extra></extra>",
    }


def thin_line(
    x: np.ndarray, y: np.ndarray, max_points: int = PATH_POINTS
) -> tuple[np.ndarray, np.ndarray]:
    """A line of ``n`` points cut to at most ``max_points`` (min/max decimation): the first and
    the last point, and in each of ``(max_points - 2) // 2`` equal runs of the points between
    them the lowest and the highest, in time order. Every local extreme that can be seen at
    that resolution stays, so a path that touched a level (a liquidation price) still touches
    it; a line of at most ``max_points`` points comes back unchanged."""
    x = np.asarray(x).ravel()
    y = np.asarray(y).ravel()
    n = y.size
    if n <= max_points or max_points < 4:
        return x, y
    edges = np.linspace(1, n - 1, (max_points - 2) // 2 + 1).astype(int)
    idx = [0]
    for a, b in pairwise(edges):
        if b <= a:
            continue
        seg = y[a:b]
        lo, hi = a + int(np.argmin(seg)), a + int(np.argmax(seg))
        idx.extend((lo, hi) if lo <= hi else (hi, lo))
    idx.append(n - 1)
    keep = np.unique(np.asarray(idx))
    return x[keep], y[keep]


def drop_repeats(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points of a line that differ from the point before them (the first point always
    stays): a point equal to its predecessor in both ``x`` and ``y`` draws nothing, so the line
    drawn is the same. A simulated path with gaps carries two observations per step (after the
    ordinary move, after the step's jumps), equal when the step had no jump: about half of its
    points are such repeats."""
    x = np.asarray(x).ravel()
    y = np.asarray(y).ravel()
    if y.size < 2:
        return x, y
    keep = np.ones(y.size, dtype=bool)
    keep[1:] = (x[1:] != x[:-1]) | (y[1:] != y[:-1])
    return x[keep], y[keep]


def _pct_text(x: float) -> str:
    return f"{x:.2%}" if x < 0.1 else f"{x:.1%}"


def _line(
    name: str,
    x: object,
    y: object,
    colour: str,
    *,
    width: float = 2,
    dash: str | None = None,
    **extra: object,
) -> dict:
    line: dict = {"color": colour, "width": width}
    if dash:
        line["dash"] = dash
    trace = {"type": "scatter", "mode": "lines", "name": name, "x": x, "y": y, "line": line}
    trace.update(extra)
    return trace


def liquidation_distance_chart(
    leverage: np.ndarray,
    exact_frac: np.ndarray,
    naive_frac: np.ndarray,
    *,
    exchange_label: str,
    current_leverage: float | None = None,
    current_frac: float | None = None,
    move_1h_frac: float | None = None,
    move_1d_frac: float | None = None,
    vol_label: str = "",
    max_leverage: float | None = None,
    tier_changes: Sequence[tuple[float, str]] = (),
) -> go.Figure:
    """Distance to liquidation (fraction of the entry price) versus leverage, log-log.

    Traces: ``"Rule of thumb: 1/leverage"`` (``naive_frac``), ``"<exchange_label> exact"``
    (``exact_frac``; NaN gaps are leverages the exchange does not allow), ``"This position"``
    (one marker), ``"Typical 1-day move"`` and ``"Typical 1-hour move"`` (bands from the axis
    floor up to the move, over the whole leverage range), ``"Exchange maximum"`` (vertical line)
    and ``"Tier change"`` markers.
    """
    lev = np.asarray(leverage, dtype=float)
    exact = np.asarray(exact_frac, dtype=float)
    naive = np.asarray(naive_frac, dtype=float)
    finite = np.concatenate([exact[np.isfinite(exact)], naive[np.isfinite(naive)]])
    lows = [finite.min() if finite.size else 0.01]
    lows += [m for m in (move_1h_frac, move_1d_frac) if m]
    y_floor = float(10 ** np.floor(np.log10(max(min(lows) * 0.7, 1e-5))))
    y_top = 1.3
    x_lo, x_hi = float(lev.min()), float(lev.max())

    data: list[dict] = []
    for name, move, colour in (
        ("Typical 1-day move", move_1d_frac, BAND_DAY),
        ("Typical 1-hour move", move_1h_frac, BAND_HOUR),
    ):
        if move:
            label = f"{name} (1σ{', ' + vol_label if vol_label else ''}): {_pct_text(move)}"
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": name,
                    "x": [x_lo, x_hi, x_hi, x_lo, x_lo],
                    "y": [y_floor, y_floor, move, move, y_floor],
                    "fill": "toself",
                    "fillcolor": colour,
                    "line": {"width": 0},
                    "hoverinfo": "text",
                    "text": label,
                }
            )
    data.append(
        _line(
            "Rule of thumb: 1/leverage",
            lev,
            naive,
            GREY,
            dash="dash",
            hovertemplate="%{x:.0f}x: rule of thumb %{y:.2%}<extra></extra>",
        )
    )
    data.append(
        _line(
            f"{exchange_label} exact",
            lev,
            exact,
            BLUE,
            width=3,
            connectgaps=False,
            customdata=naive,
            hovertemplate=(
                "%{x:.0f}x: liquidated after a %{y:.2%} move"
                "<br>rule of thumb says %{customdata:.2%}<extra></extra>"
            ),
        )
    )
    if tier_changes:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "Tier change",
                "x": [t[0] for t in tier_changes],
                "y": [y_top * 0.8] * len(tier_changes),
                "marker": {"symbol": "triangle-down", "size": 10, "color": GREY},
                "text": [t[1] for t in tier_changes],
                "hovertemplate": "%{text}<extra></extra>",
            }
        )
    if max_leverage is not None and np.isfinite(max_leverage) and max_leverage < x_hi:
        data.append(
            _line(
                "Exchange maximum",
                [max_leverage, max_leverage],
                [y_floor, y_top],
                RED,
                width=1.5,
                dash="dot",
                hovertemplate=f"Highest leverage allowed for this size: {max_leverage:g}x"
                "<extra></extra>",
            )
        )
    if current_leverage is not None and current_frac is not None and np.isfinite(current_frac):
        data.append(position_marker_trace(current_leverage, current_frac))
    layout = _layout(
        "How far the price can move before liquidation",
        height=460,
        xaxis=_log_leverage_axis(x_lo, x_hi, "Leverage (log scale)"),
        yaxis=_log_pct_axis(
            y_floor, y_top, "Adverse move to liquidation<br>(% of entry, log scale)"
        ),
    )
    return new_figure(data, layout)


def position_marker_trace(current_leverage: float, current_frac: float) -> dict:
    """The "This position" marker of :func:`liquidation_distance_chart`, on its own so that a
    page can add it to the cached curve without rebuilding it (``ui.figcache.variant``)."""
    return {
        "type": "scatter",
        "mode": "markers+text",
        "name": "This position",
        "x": [current_leverage],
        "y": [current_frac],
        "marker": {"color": RED, "size": 13, "line": {"color": "white", "width": 2}},
        "text": [f"{current_leverage:g}x: {_pct_text(current_frac)}"],
        "textposition": "top right",
        "textfont": {"color": RED, "size": 13},
        "hovertemplate": "This position: %{x:g}x, liquidated after %{y:.2%}<extra></extra>",
    }


def price_ladder_chart(
    levels: Sequence[tuple[str, float, float, float, float]],
    *,
    quote: str = "USDT",
) -> go.Figure:
    """A price ruler: one vertical rung per level on a horizontal price axis.

    ``levels`` holds ``(name, price, move_frac, pnl, pnl_after_fees)`` tuples. Each level is a
    trace named after it whose ``x`` is ``[price, price]``; labels sit at staggered heights so
    that close prices (liquidation and bankruptcy) stay readable. The span from the entry to the
    liquidation price is shaded as ``"Room before liquidation"``.
    """
    colours = {"Entry": GREEN, "Stop": ORANGE, "Liquidation": RED, "Bankruptcy": PURPLE}
    ordered = sorted(levels, key=lambda lv: lv[1])
    by_name = {lv[0]: lv[1] for lv in levels}
    data: list[dict] = []
    annotations: list[dict] = []
    if "Entry" in by_name and "Liquidation" in by_name:
        lo, hi = sorted((by_name["Entry"], by_name["Liquidation"]))
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Room before liquidation",
                "x": [lo, hi, hi, lo, lo],
                "y": [0, 0, 1, 1, 0],
                "fill": "toself",
                "fillcolor": "rgba(31,95,191,0.07)",
                "line": {"width": 0},
                "hoverinfo": "skip",
            }
        )
    heights = np.linspace(0.92, 0.32, max(len(ordered), 2))
    for (name, price, move, pnl, net), y in zip(ordered, heights, strict=False):
        colour = colours.get(name, BLUE)
        moved = "" if name == "Entry" else f" ({move:+.2%})"
        label = (
            f"<b>{name}</b> {price:,.2f}{moved}<br>PnL {pnl:+,.2f} {quote}"
            f"<br>after fees {net:+,.2f} {quote}"
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": name,
                "x": [price, price],
                "y": [0.0, float(y)],
                "line": {"color": colour, "width": 3},
                "marker": {"size": [0, 9], "color": colour},
                "hovertemplate": label.replace("<br>", " · ") + "<extra></extra>",
            }
        )
        annotations.append(
            {
                "x": price,
                "y": float(y),
                "text": label,
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "middle",
                "xshift": 8,
                "align": "left",
                "font": {"color": colour, "size": 12},
                "bgcolor": "rgba(255,255,255,0.85)",
            }
        )
    xaxis: dict = {"title": {"text": f"Price ({quote})"}, "tickformat": ",.0f", "showgrid": True}
    if ordered:
        lo, hi = ordered[0][1], ordered[-1][1]
        span = (hi - lo) or hi * 0.01
        xaxis["range"] = [lo - 0.08 * span, hi + 0.35 * span]
    ladder_title = "Price ladder: each level and the PnL there"
    layout = _layout(
        ladder_title,
        height=330,
        showlegend=False,
        margin={"l": 30, "r": 20, "t": title_margin(ladder_title), "b": 50},
        xaxis=xaxis,
        yaxis={"visible": False, "range": [0, 1.05]},
        annotations=annotations,
    )
    return new_figure(data, layout)


def leverage_tradeoff_chart(
    leverage: np.ndarray,
    margin: np.ndarray,
    liq_distance_frac: np.ndarray,
    *,
    stop_distance_frac: float,
    max_leverage: float | None = None,
    current_leverage: float | None = None,
    current_frac: float | None = None,
    quote: str = "USDT",
) -> go.Figure:
    """Liquidation distance (top panel, log scale) and margin required (bottom panel) versus
    leverage for one fixed position size.

    Traces: ``"Liquidation distance"`` (x: leverage, y: distance fraction), ``"Stop distance"``
    (horizontal line at ``stop_distance_frac``), ``"Highest safe leverage"`` (vertical line at
    ``max_leverage``), ``"Sidebar leverage"`` (marker at ``current_leverage``,
    ``current_frac``), all on the top panel; ``"Margin required"`` on the bottom panel
    (``yaxis="y2"``).
    """
    lev = np.asarray(leverage, dtype=float)
    dist = np.asarray(liq_distance_frac, dtype=float)
    marg = np.asarray(margin, dtype=float)
    x_lo, x_hi = float(lev.min()), float(lev.max())
    finite = dist[np.isfinite(dist) & (dist > 0)]
    y_lo = float(min(finite.min() if finite.size else 0.01, stop_distance_frac) * 0.6)
    y_hi = 1.2
    data: list[dict] = [
        _line(
            "Liquidation distance",
            lev,
            dist,
            BLUE,
            width=3,
            customdata=marg,
            hovertemplate=(
                "%{x:.1f}x: liquidated after %{y:.2%}"
                f"<br>margin %{{customdata:,.2f}} {quote}<extra></extra>"
            ),
        ),
        _line(
            "Stop distance",
            [x_lo, x_hi],
            [stop_distance_frac, stop_distance_frac],
            ORANGE,
            dash="dash",
            hovertemplate=f"Stop {stop_distance_frac:.2%} from entry<extra></extra>",
        ),
    ]
    if max_leverage is not None and np.isfinite(max_leverage):
        data.append(
            _line(
                "Highest safe leverage",
                [max_leverage, max_leverage],
                [y_lo, y_hi],
                RED,
                dash="dot",
                hovertemplate="Highest leverage with liquidation beyond the stop: "
                f"{max_leverage:.1f}x<extra></extra>",
            )
        )
    data.append(
        _line(
            "Margin required",
            lev,
            marg,
            GREY,
            width=2.5,
            yaxis="y2",
            fill="tozeroy",
            fillcolor="rgba(138,148,166,0.15)",
            hovertemplate=f"%{{x:.1f}}x: post %{{y:,.2f}} {quote}<extra></extra>",
        )
    )
    layout = _layout(
        "Leverage is an output: for this size, what each leverage costs and risks",
        height=520,
        xaxis=_log_leverage_axis(x_lo, x_hi, "Leverage (log scale)", anchor="y2"),
        yaxis=_log_pct_axis(
            y_lo, y_hi, "Move to liquidation", PCT_TICKS_SPARSE, domain=[0.42, 1.0]
        ),
        yaxis2={
            "title": {"text": f"Margin ({quote})"},
            "tickformat": ",.0f",
            "rangemode": "tozero",
            "domain": [0.0, 0.36],
            "anchor": "x",
        },
    )
    if current_leverage is not None and current_frac is not None and np.isfinite(current_frac):
        data.append(sidebar_leverage_trace(current_leverage, current_frac))
    return new_figure(data, layout)


def sidebar_leverage_trace(current_leverage: float, current_frac: float) -> dict:
    """The "Sidebar leverage" marker of :func:`leverage_tradeoff_chart` (top panel), on its own
    so that a page can add it to the cached chart without rebuilding it."""
    return {
        "type": "scatter",
        "mode": "markers",
        "name": "Sidebar leverage",
        "x": [current_leverage],
        "y": [current_frac],
        "marker": {"color": INK, "size": 11, "symbol": "diamond"},
        "hovertemplate": "Sidebar leverage %{x:g}x: liquidated after %{y:.2%}<extra></extra>",
    }


def _gauge(
    value: float, top: float, title: str, subtitle: str, steps: list[dict], threshold: float
) -> go.Figure:
    trace = {
        "type": "indicator",
        "mode": "gauge+number",
        "value": value,
        "number": {"suffix": "%", "valueformat": ".1f", "font": {"color": INK}},
        "title": {"text": f"{title}<br><span style='font-size:0.8em'>{subtitle}</span>"},
        "gauge": {
            "axis": {"range": [0, top], "ticksuffix": "%"},
            "bar": {"color": BLUE},
            "steps": steps,
            "threshold": {"line": {"color": RED, "width": 3}, "thickness": 0.8, "value": threshold},
        },
    }
    return new_figure([trace], {"height": 270, "margin": {"l": 30, "r": 30, "t": 70, "b": 10}})


def utilization_gauge(utilization: float, *, danger_from: float = 0.8) -> go.Figure:
    """Margin utilization (initial margin in use / margin balance) as a gauge in percent, with the
    zone from ``danger_from`` to 100% (or the axis end, when above) marked."""
    value = float(utilization) * 100.0
    top = max(100.0, value * 1.05) if np.isfinite(value) else 100.0
    return _gauge(
        value,
        top,
        "Margin utilization",
        "initial margin in use / margin balance",
        [
            {"range": [0, danger_from * 100.0], "color": "rgba(46,125,50,0.12)"},
            {"range": [danger_from * 100.0, top], "color": "rgba(198,40,40,0.30)"},
        ],
        danger_from * 100.0,
    )


def margin_ratio_gauge(ratio: float, *, warn_from: float = 0.8) -> go.Figure:
    """Margin ratio (maintenance margin / margin balance) as a gauge in percent: liquidation at
    100% (threshold line and red zone), a warning zone from ``warn_from``. A ratio that is not
    finite (no margin balance left) is shown pinned past the liquidation line."""
    value = float(ratio) * 100.0
    shown = value if np.isfinite(value) else 150.0
    top = max(120.0, shown * 1.05)
    return _gauge(
        shown,
        top,
        "Margin ratio",
        "maintenance / margin balance · liquidation at 100%",
        [
            {"range": [0, warn_from * 100.0], "color": "rgba(46,125,50,0.12)"},
            {"range": [warn_from * 100.0, 100.0], "color": "rgba(239,108,0,0.25)"},
            {"range": [100.0, top], "color": "rgba(198,40,40,0.35)"},
        ],
        100.0,
    )


def funding_curves_chart(
    days: np.ndarray,
    frac_by_leverage: Mapping[float, np.ndarray],
    *,
    marks: Sequence[float] = (0.25, 0.5, 1.0),
) -> go.Figure:
    """Cumulative funding as a fraction of the margin versus days held, one trace per leverage
    (named ``"<lev>x"``), with dotted reference lines named ``"<mark>% of margin"``."""
    d = np.asarray(days, dtype=float)
    data: list[dict] = [
        _line(
            f"{lev:g}x",
            d,
            np.asarray(frac, dtype=float),
            SERIES[i % len(SERIES)],
            width=2.5,
            hovertemplate=f"{lev:g}x, day %{{x:.1f}}: funding = %{{y:.1%}} of margin"
            "<extra></extra>",
        )
        for i, (lev, frac) in enumerate(frac_by_leverage.items())
    ]
    data += [
        _line(
            f"{m:.0%} of margin",
            [float(d.min()), float(d.max())],
            [m, m],
            GREY,
            width=1,
            dash="dot",
            hoverinfo="skip",
            showlegend=False,
        )
        for m in marks
    ]
    layout = _layout(
        "Funding paid, as a share of the margin, by days held",
        xaxis={"title": {"text": "Days held"}},
        yaxis={"title": {"text": "Cumulative funding (% of margin)"}, "tickformat": ".0%"},
    )
    return new_figure(data, layout)


def liquidation_creep_chart(
    days: np.ndarray,
    liquidation_price: np.ndarray,
    distance_frac: np.ndarray,
    *,
    entry_price: float,
    quote: str = "USDT",
) -> go.Figure:
    """Isolated liquidation price as funding is paid out of the margin, versus days held.

    Traces: ``"Liquidation price"`` (``distance_frac``, the move from entry, in the hover) and
    ``"Entry"`` (horizontal reference). NaN prices (funding has liquidated the position) leave a
    gap."""
    d = np.asarray(days, dtype=float)
    data = [
        _line(
            "Entry",
            [float(d.min()), float(d.max())],
            [entry_price, entry_price],
            GREEN,
            dash="dash",
            hovertemplate=f"Entry {entry_price:,.2f} {quote}<extra></extra>",
        ),
        _line(
            "Liquidation price",
            d,
            np.asarray(liquidation_price, dtype=float),
            RED,
            width=3,
            customdata=np.asarray(distance_frac, dtype=float),
            hovertemplate=f"day %{{x:.1f}}: liquidation at %{{y:,.2f}} {quote}"
            " (%{customdata:.2%} from entry)<extra></extra>",
        ),
    ]
    layout = _layout(
        "Liquidation price creeping toward the entry as funding is paid",
        xaxis={"title": {"text": "Days held"}},
        yaxis={"title": {"text": f"Price ({quote})"}, "tickformat": ",.0f"},
    )
    return new_figure(data, layout)


def collapse_chart(
    isolated_loss: float,
    cross_loss: float,
    *,
    wallet_balance: float,
    isolated_liquidated: bool,
    cross_liquidated: bool,
    quote: str = "USDT",
) -> go.Figure:
    """Loss in each margin mode when one position's price collapses: one bar trace per mode
    (``"Isolated"``, ``"Cross"``) and the wallet balance as a reference line (``"Wallet"``)."""
    data: list[dict] = [
        {
            "type": "bar",
            "name": name,
            "x": [name],
            "y": [loss],
            "marker": {"color": colour},
            "text": [f"{loss:,.0f} {quote}" + (" · liquidated" if liq else "")],
            "textposition": "outside",
            "hovertemplate": f"{name}: loses %{{y:,.2f}} {quote}<extra></extra>",
        }
        for name, loss, liq, colour in (
            ("Isolated", isolated_loss, isolated_liquidated, BLUE),
            ("Cross", cross_loss, cross_liquidated, RED),
        )
    ]
    data.append(
        _line(
            "Wallet",
            ["Isolated", "Cross"],
            [wallet_balance, wallet_balance],
            GREY,
            dash="dash",
            hovertemplate=f"Wallet balance {wallet_balance:,.2f} {quote}<extra></extra>",
        )
    )
    top = max(isolated_loss, cross_loss, wallet_balance) * 1.2
    layout = _layout(
        "What the collapse costs in each margin mode",
        height=360,
        title_chars=26,  # drawn in a column beside the controls
        showlegend=False,
        bargap=0.45,
        xaxis={"title": {"text": "Margin mode"}},
        yaxis={"title": {"text": f"Loss ({quote})"}, "tickformat": ",.0f", "range": [0, top]},
    )
    return new_figure(data, layout)
