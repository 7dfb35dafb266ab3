"""Plotly chart builders for the "Why 50x is fragile" lesson: pure functions, numbers in (from
:mod:`risk.odds`), ``plotly.graph_objects.Figure`` out.

Same conventions as :mod:`ui.charts`: probabilities and ROI are fractions in and percent on the
axes; every trace has a ``name`` the legend and the tests rely on; reference lines are traces
(plain data), not layout shapes. Many sample paths share ONE trace, separated by ``None`` gaps,
so the legend stays short. Colours keep their meaning across pages: red = liquidation, green =
survived, grey = reference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from ui import charts
from ui.charts import GREY, INK, ORANGE, RED, SERIES, hline_trace, joined_lines, thin_line

SURVIVED_LINE = "rgba(46,125,50,0.45)"
LIQUIDATED_LINE = "rgba(198,40,40,0.85)"
WRONG_AND_LIQUIDATED = "#8a94a6"  # grey: liquidated and the price ended against the position
#: Green (0%) through amber to red (100%) for the odds heatmap.
ODDS_SCALE = [
    [0.0, "#e8f5e9"],
    [0.1, "#a5d6a7"],
    [0.3, "#ffcc80"],
    [0.6, "#ef6c00"],
    [1.0, "#b71c1c"],
]
LEVERAGE_TICKS = (1, 2, 3, 5, 10, 20, 50, 100, 150)


def _layout(title: str, *, height: int = 420, **extra: object) -> dict:
    layout: dict = {
        "title": charts.title_block(title),
        "height": height,
        "margin": {**charts.MARGIN, "t": charts.title_margin(title), "b": 60},
        "legend": dict(charts.LEGEND),
        "hoverlabel": {"namelength": -1},
        "font": {"size": 13, "color": INK},
    }
    layout.update(extra)
    return layout


def _leverage_axis(lev: np.ndarray, title: str = "Leverage") -> dict:
    lo, hi = float(np.nanmin(lev)), float(np.nanmax(lev))
    ticks = [t for t in LEVERAGE_TICKS if lo <= t <= hi] or [lo, hi]
    return {
        "type": "log",
        "title": {"text": title},
        "tickvals": ticks,
        "ticktext": [f"{t:g}x" for t in ticks],
    }


def _pct(values: np.ndarray) -> list[float | None]:
    """Fractions to percent, NaN to ``None`` (a gap in Plotly)."""
    arr = np.asarray(values, dtype=float) * 100.0
    return [None if not np.isfinite(v) else float(v) for v in arr]


def odds_vs_leverage_chart(
    leverage: np.ndarray,
    odds_by_horizon: Mapping[str, np.ndarray],
    *,
    current_leverage: float | None = None,
    title: str = "Odds of being liquidated, by leverage",
) -> go.Figure:
    """P(liquidation) versus leverage, one line per horizon.

    ``odds_by_horizon`` maps a label ("1 hour", "1 day", "1 week") to probabilities (fractions,
    one per leverage). Traces: one per label (named by it, colours in order), ``"Coin flip
    (50%)"`` (reference line) and, with ``current_leverage``, ``"Your leverage"`` (a vertical
    line).
    """
    lev = np.asarray(leverage, dtype=float)
    data: list[dict] = []
    for i, (label, odds) in enumerate(odds_by_horizon.items()):
        data.append(
            {
                "type": "scatter",
                "x": lev.tolist(),
                "y": _pct(odds),
                "mode": "lines",
                "name": label,
                "line": {"color": SERIES[i % len(SERIES)], "width": 3},
                "hovertemplate": f"{label}: %{{x:g}}x, %{{y:.1f}}% liquidated<extra></extra>",
            }
        )
    x0, x1 = float(lev.min()), float(lev.max())
    data.append(hline_trace("Coin flip (50%)", x0, x1, 50.0, GREY, "Half of the paths"))
    if current_leverage is not None:
        data.append(current_leverage_trace(current_leverage))
    layout = _layout(
        title,
        xaxis=_leverage_axis(lev),
        yaxis={"title": {"text": "Liquidated (% of paths)"}, "range": [0, 100], "ticksuffix": "%"},
    )
    return charts.new_figure(data, layout)


def current_leverage_trace(current_leverage: float) -> dict:
    """The "Your leverage" vertical line of :func:`odds_vs_leverage_chart` (0% to 100%), on its
    own so that a page can add it to the cached chart without rebuilding it
    (``ui.figcache.variant``)."""
    return {
        "type": "scatter",
        "x": [current_leverage, current_leverage],
        "y": [0.0, 100.0],
        "mode": "lines",
        "name": "Your leverage",
        "line": {"color": INK, "dash": "dot", "width": 2},
        "hovertemplate": f"Your leverage: {current_leverage:g}x<extra></extra>",
    }


def _thinned(lines: list[tuple[np.ndarray, np.ndarray]]) -> tuple[list, list]:
    """``(xs, ys)`` for :func:`ui.charts.joined_lines`, each line thinned by ``thin_line``."""
    pairs = [thin_line(x, y) for x, y in lines]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def sample_paths_chart(
    days: np.ndarray,
    prices: np.ndarray,
    liquidated_at: np.ndarray,
    *,
    liquidation_price: float,
    entry_price: float,
    leverage: float,
    stop_price: float | None = None,
    quote: str = "USDT",
) -> go.Figure:
    """Sample price paths for one leverage; the liquidated ones red, cut where they are
    liquidated.

    ``prices[p, i]`` at ``days[i]``; ``liquidated_at[p]`` is the column by which path ``p``
    touched the liquidation price (-1 = never; :class:`risk.odds.SamplePaths`). Traces:
    ``"Survived"`` (green, one trace), ``"Liquidated"`` (red, each path up to its liquidation
    column), ``"Liquidation"`` (an ``x`` at the liquidation price at that time), ``"Entry"``,
    ``"Liquidation price"`` and, with ``stop_price``, ``"Stop"`` (horizontal lines). The title
    counts the liquidated paths.
    """
    t = np.asarray(days, dtype=float)
    px = np.atleast_2d(np.asarray(prices, dtype=float))
    at = np.asarray(liquidated_at, dtype=int)
    alive = [p for p in range(px.shape[0]) if at[p] < 0]
    dead = [p for p in range(px.shape[0]) if at[p] >= 0]
    hover = f"day %{{x:.2f}}: %{{y:,.2f}} {quote}<extra></extra>"
    # Each path thinned to what the eye can tell (its extremes kept, so a touch of the
    # liquidation line stays visible); times as float32 (exact to well under a second).
    x, y = joined_lines(*_thinned([(t, px[p]) for p in alive]))
    data: list[dict] = [
        {
            "type": "scatter",
            "x": x.astype(np.float32),
            "y": y,
            "mode": "lines",
            "name": "Survived",
            "line": {"color": SURVIVED_LINE, "width": 1.2},
            "hovertemplate": hover,
        }
    ]
    x, y = joined_lines(*_thinned([(t[: at[p] + 1], px[p, : at[p] + 1]) for p in dead]))
    data.append(
        {
            "type": "scatter",
            "x": x.astype(np.float32),
            "y": y,
            "mode": "lines",
            "name": "Liquidated",
            "line": {"color": LIQUIDATED_LINE, "width": 1.6},
            "hovertemplate": hover,
        }
    )
    data.append(
        {
            "type": "scatter",
            "x": [float(t[at[p]]) for p in dead],
            "y": [float(liquidation_price)] * len(dead),
            "mode": "markers",
            "name": "Liquidation",
            "marker": {"color": RED, "symbol": "x", "size": 9},
            "hovertemplate": "Liquidated on day %{x:.2f}<extra></extra>",
        }
    )
    t0, t1 = float(t[0]), float(t[-1])
    data.append(
        hline_trace("Entry", t0, t1, entry_price, GREY, f"Entry {entry_price:,.2f} {quote}")
    )
    data.append(
        hline_trace(
            "Liquidation price",
            t0,
            t1,
            liquidation_price,
            RED,
            f"Liquidation price {liquidation_price:,.2f} {quote}",
        )
    )
    if stop_price is not None:
        data.append(
            hline_trace("Stop", t0, t1, stop_price, ORANGE, f"Stop {stop_price:,.2f} {quote}")
        )
    n = px.shape[0]
    layout = _layout(
        f"{leverage:g}x: {len(dead)} of {n} paths liquidated",
        xaxis={"title": {"text": "Days"}},
        yaxis={"title": {"text": f"Price ({quote})"}},
    )
    return charts.new_figure(data, layout)


def right_but_liquidated_chart(
    leverage: np.ndarray,
    p_liquidation: np.ndarray,
    p_right_but_liquidated: np.ndarray,
    *,
    horizon_label: str = "1 day",
) -> go.Figure:
    """How many liquidations hit traders who were RIGHT about the direction: stacked bars per
    leverage.

    Traces: ``"Liquidated although right"`` (red, ``p_right_but_liquidated``) and
    ``"Liquidated, price ended against you"`` (grey, ``p_liquidation - p_right_but_liquidated``);
    their stack is ``p_liquidation``.
    """
    lev = np.asarray(leverage, dtype=float)
    p_liq = np.asarray(p_liquidation, dtype=float)
    p_right = np.asarray(p_right_but_liquidated, dtype=float)
    labels = [f"{x:g}x" for x in lev]
    data = [
        {
            "type": "bar",
            "x": labels,
            "y": _pct(p_right),
            "name": "Liquidated although right",
            "marker": {"color": RED},
            "hovertemplate": "%{x}: %{y:.1f}% liquidated, yet the price ended in your "
            "favour<extra></extra>",
        },
        {
            "type": "bar",
            "x": labels,
            "y": _pct(np.clip(p_liq - p_right, 0.0, 1.0)),
            "name": "Liquidated, price ended against you",
            "marker": {"color": WRONG_AND_LIQUIDATED},
            "hovertemplate": "%{x}: %{y:.1f}% liquidated and wrong<extra></extra>",
        },
    ]
    layout = _layout(
        f"Right about the direction, liquidated anyway ({horizon_label})",
        barmode="stack",
        xaxis={"title": {"text": "Leverage"}, "type": "category"},
        yaxis={"title": {"text": "% of paths"}, "range": [0, 100], "ticksuffix": "%"},
    )
    return charts.new_figure(data, layout)


def odds_heatmap(
    leverage: np.ndarray,
    vol_annual: np.ndarray,
    p_liquidation: np.ndarray,
    *,
    vol_labels: Sequence[str] | None = None,
    horizon_label: str = "1 day",
) -> go.Figure:
    """Odds of liquidation over leverage (columns) x volatility (rows).

    ``p_liquidation[i, j]`` for ``vol_annual[i]`` and ``leverage[j]``. One trace,
    ``"P(liquidation)"`` (a heatmap, ``z`` in percent, 0-100 on a green-to-red scale, each cell
    labelled); rows are labelled ``vol_labels`` or the volatility in percent.
    """
    lev = np.asarray(leverage, dtype=float)
    vol = np.asarray(vol_annual, dtype=float)
    p = np.asarray(p_liquidation, dtype=float)
    if p.shape != (vol.size, lev.size):
        raise ValueError(
            f"p_liquidation has shape {p.shape}; allowed: (len(vol_annual), len(leverage)) = "
            f"({vol.size}, {lev.size})"
        )
    rows = list(vol_labels) if vol_labels is not None else [f"{v:.0%} a year" for v in vol]
    z = [_pct(row) for row in p]
    data = [
        {
            "type": "heatmap",
            "name": "P(liquidation)",
            "x": [f"{x:g}x" for x in lev],
            "y": rows,
            "z": z,
            "zmin": 0.0,
            "zmax": 100.0,
            "colorscale": ODDS_SCALE,
            "texttemplate": "%{z:.0f}%",
            "colorbar": {"title": {"text": "Liquidated"}, "ticksuffix": "%"},
            "hovertemplate": "%{x} at %{y}: %{z:.1f}% liquidated<extra></extra>",
        }
    ]
    layout = _layout(
        f"Odds of liquidation within {horizon_label}",
        xaxis={"title": {"text": "Leverage"}, "type": "category"},
        yaxis={"title": {"text": "Volatility"}, "type": "category", "automargin": True},
    )
    return charts.new_figure(data, layout)


def survival_chart(
    days: np.ndarray,
    survival: np.ndarray,
    leverage: np.ndarray,
    *,
    median_days: np.ndarray | None = None,
) -> go.Figure:
    """Share of positions still open over time, one line per leverage.

    ``survival[i, l]`` at ``days[i]`` for ``leverage[l]`` (:class:`risk.odds.OddsResult`).
    Traces: one per leverage named ``"<lev>x"``; ``"Half liquidated"`` (reference at 50%); with
    ``median_days``, ``"Median time to liquidation"`` markers at 50% (leverages whose median is
    NaN are left out).
    """
    t = np.asarray(days, dtype=float)
    surv = np.atleast_2d(np.asarray(survival, dtype=float))
    lev = np.asarray(leverage, dtype=float)
    data: list[dict] = []
    for j, x in enumerate(lev):
        data.append(
            {
                "type": "scatter",
                "x": t.tolist(),
                "y": _pct(surv[:, j]),
                "mode": "lines",
                "name": f"{x:g}x",
                "line": {"color": SERIES[j % len(SERIES)], "width": 2.5},
                "hovertemplate": f"{x:g}x: %{{y:.1f}}% still open on day %{{x:.2f}}<extra></extra>",
            }
        )
    data.append(hline_trace("Half liquidated", float(t[0]), float(t[-1]), 50.0, GREY, "50%"))
    if median_days is not None:
        med = np.asarray(median_days, dtype=float)
        ok = np.isfinite(med)
        data.append(
            {
                "type": "scatter",
                "x": med[ok].tolist(),
                "y": [50.0] * int(ok.sum()),
                "mode": "markers",
                "name": "Median time to liquidation",
                "marker": {"color": RED, "symbol": "circle", "size": 9},
                "text": [f"{x:g}x" for x in lev[ok]],
                "hovertemplate": "%{text}: half liquidated by day %{x:.2f}<extra></extra>",
            }
        )
    layout = _layout(
        "Positions still open",
        xaxis={"title": {"text": "Days"}},
        yaxis={
            "title": {"text": "Still open (% of paths)"},
            "range": [0, 100.5],
            "ticksuffix": "%",
        },
    )
    return charts.new_figure(data, layout)


def roi_distribution_chart(
    roi_by_label: Mapping[str, np.ndarray],
    *,
    bin_width: float = 0.1,
    roi_max: float = 3.0,
) -> go.Figure:
    """Distribution of the final ROI on margin (fractions; -1 = the margin is gone).

    For each label (e.g. ``"5x"``) two bar traces: ``"<label>"`` (share of paths per ROI bin
    of width ``bin_width``, surviving paths only, ROI above ``roi_max`` in the last bin) and
    ``"<label> liquidated"`` (one red bar at -100%: the share of paths liquidated). Heights are
    percent of ALL paths, so each label's bars sum to 100%.
    """
    data: list[dict] = []
    edges = np.arange(-1.0, roi_max + bin_width / 2, bin_width)
    centres = (edges[:-1] + edges[1:]) / 2
    for i, (label, roi) in enumerate(roi_by_label.items()):
        r = np.asarray(roi, dtype=float).ravel()
        n = max(r.size, 1)
        dead = r <= -1.0
        alive = np.clip(r[~dead], edges[0], edges[-1] - 1e-12)
        counts, _ = np.histogram(alive, bins=edges)
        data.append(
            {
                "type": "bar",
                "x": _pct(centres),
                "y": _pct(counts / n),
                "width": bin_width * 100.0,
                "name": label,
                "marker": {"color": SERIES[i % len(SERIES)]},
                "opacity": 0.75,
                "hovertemplate": f"{label}: ROI %{{x:.0f}}%: %{{y:.1f}}% of paths<extra></extra>",
            }
        )
        data.append(
            {
                "type": "bar",
                "x": [-100.0],
                "y": [float(dead.sum()) / n * 100.0],
                "width": bin_width * 100.0,
                "name": f"{label} liquidated",
                "marker": {"color": RED, "line": {"color": SERIES[i % len(SERIES)], "width": 2}},
                "hovertemplate": f"{label}: %{{y:.1f}}% lost the whole margin<extra></extra>",
            }
        )
    layout = _layout(
        "Final return on margin",
        barmode="overlay",
        xaxis={"title": {"text": "ROI on margin"}, "ticksuffix": "%"},
        yaxis={"title": {"text": "% of paths"}, "ticksuffix": "%"},
    )
    return charts.new_figure(data, layout)


__all__ = [
    "odds_heatmap",
    "odds_vs_leverage_chart",
    "right_but_liquidated_chart",
    "roi_distribution_chart",
    "sample_paths_chart",
    "survival_chart",
]
