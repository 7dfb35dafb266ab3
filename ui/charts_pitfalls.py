"""Plotly chart builders for the pitfalls lab pages (correlated positions, trailing stops, a
sequence of trades): pure functions, numbers in, ``plotly.graph_objects.Figure`` out.

Same conventions as :mod:`ui.charts`: probabilities and ROI are fractions in and percent on the
axes; every trace has a ``name`` that the legend and the tests rely on; reference lines are
traces. Many sample paths share ONE trace, separated by ``None`` gaps, so the legend stays short.
Each figure is built as in :mod:`ui.charts`: one list of trace dicts and one layout dict, made
into a figure once by :func:`ui.charts.new_figure` (``add_trace``/``update_layout`` and a named
template cost several times more on every rerun of the page).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from ui import charts
from ui.charts import (
    BLUE,
    GREEN,
    GREY,
    INK,
    ORANGE,
    RED,
    SERIES,
    drop_repeats,
    hline_trace,
    joined_lines,
    wrap,
)

SAFE_LINE = "rgba(46,125,50,0.35)"
LIQ_LINE = "rgba(198,40,40,0.75)"
RULE_COLOURS = {"fixed": ORANGE, "trailing": BLUE, "partial": "#00838f"}
RULE_LABELS = {
    "fixed": "Fixed stop + target",
    "trailing": "Trailing stop",
    "partial": "Partial take-profit, rest trails",
}
RULE_SYMBOLS = {"fixed": "square", "trailing": "triangle-down", "partial": "diamond"}
#: Marker sizes, largest first, so rules that exit at the same point stay visible together.
RULE_SIZES = {"fixed": 15, "trailing": 11, "partial": 8}


def _figure(
    traces: list[dict], title: str, *, height: int = 420, xaxis=None, yaxis=None, **extra
) -> go.Figure:
    """The figure of ``traces`` (dicts with a ``type``) under the shared layout
    (:func:`ui.charts._layout`, text in :data:`INK`), validated once."""
    layout = charts._layout(title, height=height, **extra)
    layout["font"] = {"size": 13, "color": INK}
    layout["xaxis"] = dict(xaxis or {})
    layout["yaxis"] = dict(yaxis or {})
    return charts.new_figure(traces, layout)


def _title(text: str) -> dict:
    return {"text": text}


# --- correlated positions ---------------------------------------------------------------------
def account_paths_chart(
    time_hours: np.ndarray,
    equity: np.ndarray,
    liquidated_step: np.ndarray,
    *,
    maintenance_at_entry: float,
    wallet_balance: float,
    quote: str = "USDT",
) -> go.Figure:
    """Sample account equity paths; the liquidated ones red and cut at the liquidation.

    Traces: ``"Survived"`` (green, one trace), ``"Liquidated"`` (red, each path up to its
    liquidation step), ``"Liquidation"`` (markers at those points), ``"Maintenance margin at
    entry"`` and ``"Wallet at entry"`` (horizontal lines). ``liquidated_step`` is -1 for none.
    """
    t = np.asarray(time_hours, dtype=float)
    eq = np.atleast_2d(np.asarray(equity, dtype=float))
    liq = np.asarray(liquidated_step, dtype=int)
    alive = [i for i in range(eq.shape[0]) if liq[i] < 0]
    dead = [i for i in range(eq.shape[0]) if liq[i] >= 0]
    traces: list[dict] = []
    x, y = joined_lines([t] * len(alive), [eq[i] for i in alive])
    traces.append(
        dict(
            type="scatter",
            x=x,
            y=y,
            mode="lines",
            name="Survived",
            line={"color": SAFE_LINE, "width": 1.2},
            hovertemplate=f"%{{x:.1f}} h: equity %{{y:,.0f}} {quote}<extra></extra>",
        )
    )
    x, y = joined_lines([t[: liq[i] + 1] for i in dead], [eq[i, : liq[i] + 1] for i in dead])
    traces.append(
        dict(
            type="scatter",
            x=x,
            y=y,
            mode="lines",
            name="Liquidated",
            line={"color": LIQ_LINE, "width": 1.6},
            hovertemplate=f"%{{x:.1f}} h: equity %{{y:,.0f}} {quote}<extra></extra>",
        )
    )
    traces.append(
        dict(
            type="scatter",
            x=[t[liq[i]] for i in dead],
            y=[eq[i, liq[i]] for i in dead],
            mode="markers",
            name="Liquidation",
            marker={"color": RED, "symbol": "x", "size": 9},
            hovertemplate="Liquidated after %{x:.1f} h<extra></extra>",
        )
    )
    t0, t1 = (float(t[0]), float(t[-1])) if t.size else (0.0, 1.0)
    traces.append(
        hline_trace(
            "Maintenance margin at entry",
            t0,
            t1,
            maintenance_at_entry,
            RED,
            f"Maintenance margin at entry: {maintenance_at_entry:,.0f} {quote}",
        )
    )
    traces.append(
        hline_trace(
            "Wallet at entry",
            t0,
            t1,
            wallet_balance,
            GREY,
            f"Wallet at entry: {wallet_balance:,.0f} {quote}",
            dash="dot",
        )
    )
    return _figure(
        traces,
        "One account, several positions: sample equity paths",
        xaxis={"title": _title("Hours after entry")},
        yaxis={"title": _title(f"Account equity ({quote})"), "tickformat": ",.0f"},
    )


def probability_bars_chart(
    labels: Sequence[str],
    probability: Sequence[float],
    stderr: Sequence[float] | None = None,
    *,
    title: str,
    highlight: int | None = 0,
    y_title: str = "Probability",
) -> go.Figure:
    """Bars of probabilities (fractions) with +-2 standard-error whiskers, drawn across
    (horizontal): the categories' labels sit one under the other on the left, so six of them
    fit a phone's width without colliding, as they did side by side.

    One trace, ``"Probability"`` (``x``: the probabilities; ``y``: the labels, first at the
    top); the bar at ``highlight`` is red, the others grey. Each label carries its value
    (``"Account<br>4.6%"``), so no text collides with the whiskers.
    """
    p = np.asarray(probability, dtype=float)
    colours = [RED if i == highlight else GREY for i in range(p.size)]
    err = None
    if stderr is not None:
        se = np.nan_to_num(np.asarray(stderr, dtype=float))
        err = {"type": "data", "array": (2 * se).tolist(), "visible": True, "color": INK}
    bar = dict(
        type="bar",
        x=p.tolist(),
        y=[f"{wrap(lab, 18)}<br><b>{v:.1%}</b>" for lab, v in zip(labels, p, strict=True)],
        orientation="h",
        name="Probability",
        marker={"color": colours},
        error_x=err,
        hovertemplate="%{x:.2%}<extra></extra>",
    )
    if err is None:
        del bar["error_x"]
    traces = [bar]
    top = float(np.nanmax(p)) if p.size else 0.0
    return _figure(
        traces,
        title,
        xaxis={
            "title": _title(y_title),
            "tickformat": ".0%",
            "range": [0, max(0.05, min(1.0, top * 1.25))],
        },
        yaxis={"autorange": "reversed", "automargin": True},
    )


def odds_vs_correlation_chart(
    rho: np.ndarray,
    p_account: np.ndarray,
    stderr: np.ndarray,
    *,
    current_rho: float | None = None,
    current_p: float | None = None,
) -> go.Figure:
    """P(account liquidated) versus a common correlation between every pair of assets.

    Traces: ``"Band: 2 standard errors"`` (filled), ``"Account odds"`` (line with markers),
    ``"Your matrix"`` (one marker at the average off-diagonal correlation, when given).
    """
    r = np.asarray(rho, dtype=float)
    p = np.asarray(p_account, dtype=float)
    se = np.nan_to_num(np.asarray(stderr, dtype=float))
    lo = np.clip(p - 2 * se, 0, 1)
    hi = np.clip(p + 2 * se, 0, 1)
    traces: list[dict] = []
    traces.append(
        dict(
            type="scatter",
            x=np.concatenate([r, r[::-1]]).tolist(),
            y=np.concatenate([hi, lo[::-1]]).tolist(),
            fill="toself",
            fillcolor="rgba(31,95,191,0.15)",
            line={"width": 0},
            name="Band: 2 standard errors",
            hoverinfo="skip",
        )
    )
    traces.append(
        dict(
            type="scatter",
            x=r.tolist(),
            y=p.tolist(),
            mode="lines+markers",
            name="Account odds",
            line={"color": BLUE, "width": 3},
            hovertemplate="correlation %{x:.2f}: %{y:.2%}<extra></extra>",
        )
    )
    if current_rho is not None and current_p is not None:
        traces.append(
            dict(
                type="scatter",
                x=[current_rho],
                y=[current_p],
                mode="markers",
                name="Your matrix",
                marker={"color": RED, "size": 13, "symbol": "star"},
                hovertemplate="your positions (average correlation %{x:.2f}): %{y:.2%}"
                "<extra></extra>",
            )
        )
    return _figure(
        traces,
        "The same positions, more or less correlated",
        xaxis={
            "title": _title("Correlation between every pair of assets"),
            "range": [float(r.min()), float(r.max())],
        },
        yaxis={
            "title": _title("P(account liquidated)"),
            "tickformat": ".0%",
            "rangemode": "tozero",
        },
    )


# --- trailing stops ---------------------------------------------------------------------------
def roi_distributions_chart(roi_by_rule: Mapping[str, np.ndarray], *, bins: int = 30) -> go.Figure:
    """ROI on the margin per exit rule, side by side: one bar per rule in each ROI bin.

    Bins are shared by every rule (``bins`` equal widths from the lowest to the highest ROI).
    One ``go.Bar`` per rule, named by :data:`RULE_LABELS` (or the key), with ``x`` the bin
    centres and ``y`` the share of that rule's paths in the bin (each rule's shares sum to 1);
    ``customdata`` holds the bin edges. Plus ``"Margin lost (-100%)"``, a vertical line.
    """
    values = [np.asarray(v, dtype=float) for v in roi_by_rule.values()]
    allv = np.concatenate(values) if values else np.zeros(1)
    lo, hi = float(allv.min()), float(allv.max())
    if hi - lo < 1e-9:
        lo, hi = lo - 0.05, hi + 0.05
    edges = np.linspace(lo, hi, bins + 1)
    centres = (edges[:-1] + edges[1:]) / 2
    # numpy arrays rather than lists: Plotly validates an array at once (a list item by item)
    # and sends it as a typed array
    bin_edges = np.column_stack([edges[:-1], edges[1:]])
    traces: list[dict] = []
    for rule, v in zip(roi_by_rule, values, strict=True):
        counts, _ = np.histogram(v, bins=edges)
        share = counts / max(1, v.size)
        traces.append(
            dict(
                type="bar",
                x=centres,
                y=share,
                name=RULE_LABELS.get(rule, rule),
                marker={"color": RULE_COLOURS.get(rule, GREY)},
                customdata=bin_edges,
                hovertemplate="ROI %{customdata[0]:.0%} to %{customdata[1]:.0%}: "
                "%{y:.1%} of paths<extra></extra>",
            )
        )
    top = max((float(np.max(t["y"], initial=0.0)) for t in traces), default=0.1)
    if lo <= -1.0 <= hi:
        traces.append(
            dict(
                type="scatter",
                x=[-1.0, -1.0],
                y=[0.0, top * 1.05],
                mode="lines",
                name="Margin lost (-100%)",
                line={"color": RED, "dash": "dot", "width": 1.5},
                hovertemplate="ROI -100%: the whole margin<extra></extra>",
            )
        )
    return _figure(
        traces,
        "Return on margin by exit rule, same price paths",
        height=440,
        barmode="group",
        bargap=0.15,
        xaxis={"title": _title("ROI on margin"), "tickformat": ".0%"},
        yaxis={"title": _title("Share of paths"), "tickformat": ".0%"},
    )


def exit_paths_base_chart(
    time_hours: np.ndarray,
    prices: np.ndarray,
    *,
    entry_price: float,
    stop_price: float,
    target_price: float,
) -> go.Figure:
    """The part of :func:`exit_paths_chart` that does not depend on the leverage: the sample
    paths and the entry, stop and target lines (a page caches it per price model and rules and
    adds :func:`exit_marker_traces` for each leverage).

    Traces: ``"Path 1"``... (one per path; a point equal to the one before it is left out,
    :func:`ui.charts.drop_repeats`, so the line drawn is the same with about half the points;
    hours sent as 32-bit floats), then ``"Entry"``, ``"Fixed stop"``, ``"Target"``.
    """
    t = np.asarray(time_hours, dtype=float)
    px = np.atleast_2d(np.asarray(prices, dtype=float))
    traces: list[dict] = []
    for i in range(px.shape[0]):
        x, y = drop_repeats(t, px[i])
        traces.append(
            dict(
                type="scatter",
                x=x.astype(np.float32),
                y=y,
                mode="lines",
                name=f"Path {i + 1}",
                line={"color": SERIES[i % len(SERIES)], "width": 1.4},
                opacity=0.55,
                hovertemplate="%{x:.1f} h: %{y:,.2f}<extra></extra>",
            )
        )
    t0, t1 = _span(t)
    for name, level, colour, dash in (
        ("Entry", entry_price, GREEN, "solid"),
        ("Fixed stop", stop_price, ORANGE, "dash"),
        ("Target", target_price, GREEN, "dash"),
    ):
        if level is not None and np.isfinite(level):
            traces.append(hline_trace(name, t0, t1, level, colour, f"{name}: {level:,.2f}", dash))
    return _figure(
        traces,
        "Sample paths and where each rule got out",
        height=460,
        xaxis={"title": _title("Hours after entry")},
        yaxis={"title": _title("Price"), "tickformat": ",.2f"},
    )


def _span(t: np.ndarray) -> tuple[float, float]:
    return (float(t[0]), float(t[-1])) if t.size else (0.0, 1.0)


def exit_marker_traces(
    time_hours: np.ndarray,
    exits: Mapping[str, tuple[np.ndarray, np.ndarray]],
    *,
    liquidation_price: float,
    partial: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[dict]:
    """What a leverage changes on :func:`exit_paths_base_chart`, as plain trace dicts:
    ``"Liquidation price"`` (a horizontal line, left out when not finite), per rule
    ``"Exit: <label>"`` markers at ``(time_hours[index], price)`` (``exits[rule] = (index per
    path, fill price per path)``) and ``"Partial take-profit"`` markers when ``partial`` is
    given (index -1 = none)."""
    t = np.asarray(time_hours, dtype=float)
    traces: list[dict] = []
    if liquidation_price is not None and np.isfinite(liquidation_price):
        t0, t1 = _span(t)
        text = f"Liquidation price: {liquidation_price:,.2f}"
        traces.append(hline_trace("Liquidation price", t0, t1, liquidation_price, RED, text, "dot"))
    for rule, (idx, price) in exits.items():
        ii = np.asarray(idx, dtype=int)
        traces.append(
            dict(
                type="scatter",
                x=t[ii].tolist(),
                y=np.asarray(price, dtype=float).tolist(),
                mode="markers",
                name=f"Exit: {RULE_LABELS.get(rule, rule)}",
                marker={
                    "color": RULE_COLOURS.get(rule, GREY),
                    "symbol": RULE_SYMBOLS.get(rule, "circle"),
                    "size": RULE_SIZES.get(rule, 10),
                    "line": {"color": "white", "width": 1},
                },
                hovertemplate=f"{RULE_LABELS.get(rule, rule)}: exit at %{{y:,.2f}} after "
                "%{x:.1f} h<extra></extra>",
            )
        )
    if partial is not None:
        pi = np.asarray(partial[0], dtype=int)
        pp = np.asarray(partial[1], dtype=float)
        keep = pi >= 0
        traces.append(
            dict(
                type="scatter",
                x=t[pi[keep]].tolist(),
                y=pp[keep].tolist(),
                mode="markers",
                name="Partial take-profit",
                marker={"color": GREEN, "symbol": "star", "size": 12},
                hovertemplate="Part closed at the target, %{x:.1f} h<extra></extra>",
            )
        )
    return traces


def exit_paths_chart(
    time_hours: np.ndarray,
    prices: np.ndarray,
    exits: Mapping[str, tuple[np.ndarray, np.ndarray]],
    *,
    entry_price: float,
    stop_price: float,
    target_price: float,
    liquidation_price: float,
    partial: tuple[np.ndarray, np.ndarray] | None = None,
) -> go.Figure:
    """A few sample price paths with each rule's exit marked: :func:`exit_paths_base_chart`
    with :func:`exit_marker_traces` added (the same figure a page assembles from the cached
    base and the markers of its leverage)."""
    fig = exit_paths_base_chart(
        time_hours,
        prices,
        entry_price=entry_price,
        stop_price=stop_price,
        target_price=target_price,
    )
    fig.add_traces(
        exit_marker_traces(time_hours, exits, liquidation_price=liquidation_price, partial=partial)
    )
    return fig


# --- a sequence of trades ---------------------------------------------------------------------
def equity_cones_chart(
    trades: np.ndarray,
    cones: Mapping[str, np.ndarray],
    *,
    floor: float,
    start_equity: float,
    quote: str = "USDT",
    log_y: bool = False,
) -> go.Figure:
    """Median and 5th-95th percentile equity after each trade, one colour per policy.

    ``cones[name]`` has rows (5th, median, 95th percentile). Traces per policy:
    ``"<name>: 5-95%"`` (filled band) and ``"<name>: median"``; then ``"Ruin floor"`` and
    ``"Start"`` lines. ``log_y`` uses a log axis whose bottom is a tenth of the floor; equity
    below it (a blown account at 0) is drawn at the bottom.
    """
    x = np.asarray(trades, dtype=float)
    bottom = 0.1 * floor if floor > 0 else 1e-3 * start_equity
    traces: list[dict] = []
    top = max(floor, start_equity)
    for i, (name, cone) in enumerate(cones.items()):
        c = np.asarray(cone, dtype=float)
        top = max(top, float(np.nanmax(c)))
        if log_y:
            c = np.maximum(c, bottom)
        colour = SERIES[i % len(SERIES)]
        rgb = tuple(int(colour[k : k + 2], 16) for k in (1, 3, 5))
        traces.append(
            dict(
                type="scatter",
                x=np.concatenate([x, x[::-1]]),
                y=np.concatenate([c[-1], c[0][::-1]]),
                fill="toself",
                fillcolor=f"rgba({rgb[0]},{rgb[1]},{rgb[2]},0.15)",
                line={"width": 0},
                name=f"{name}: 5-95%",
                legendgroup=name,
                hoverinfo="skip",
            )
        )
        traces.append(
            dict(
                type="scatter",
                x=x,
                y=c[len(c) // 2],
                mode="lines",
                name=f"{name}: median",
                legendgroup=name,
                line={"color": colour, "width": 3},
                hovertemplate=f"{name}, trade %{{x}}: median %{{y:,.0f}} {quote}<extra></extra>",
            )
        )
    x0, x1 = (float(x[0]), float(x[-1])) if x.size else (0.0, 1.0)
    traces.append(hline_trace("Ruin floor", x0, x1, floor, RED, f"Ruin floor {floor:,.0f}", "dot"))
    traces.append(hline_trace("Start", x0, x1, start_equity, GREY, f"Start {start_equity:,.0f}"))
    if log_y:
        yaxis = {
            "title": _title(f"Equity ({quote}, log scale)"),
            "type": "log",
            "tickformat": ",.0f",
            "dtick": 1,  # powers of ten: 1-2-5 labels collided on a phone's shorter plot
            "range": [float(np.log10(bottom)), float(np.log10(top * 1.3))],
        }
    else:
        yaxis = {"title": _title(f"Equity ({quote})"), "tickformat": ",.0f", "rangemode": "tozero"}
    return _figure(
        traces,
        "Equity after each trade: median and 5th-95th percentile",
        height=460,
        xaxis={"title": _title("Trade number")},
        yaxis=yaxis,
    )


def drawdown_chart(max_drawdown: Mapping[str, np.ndarray]) -> go.Figure:
    """Distribution of the maximum drawdown per policy (box plots, one per policy, named by the
    policy)."""
    traces: list[dict] = []
    for i, (name, dd) in enumerate(max_drawdown.items()):
        traces.append(
            dict(
                type="box",
                y=np.asarray(dd, dtype=float),
                name=name,
                x0=wrap(name, 12),  # the category's label, wrapped (the name stays whole)
                marker={"color": SERIES[i % len(SERIES)]},
                boxpoints=False,
                hoverinfo="y",
            )
        )
    return _figure(
        traces,
        "Largest fall from a peak (maximum drawdown)",
        height=380,
        yaxis={"title": _title("Maximum drawdown"), "tickformat": ".0%", "range": [0, 1]},
    )
