"""Chart builders for the journal pages: pure functions, numbers in, ``go.Figure`` out.

R is the realized PnL in multiples of the risk planned before entry (risk/journal/stats.py);
money is in the account currency. Conventions as in ``ui/charts.py``: every trace has a ``name``,
reference lines are traces, each figure is one trace list and one layout dict.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui.charts import BLUE, GREEN, GREY, INK, ORANGE, RED, _layout, new_figure

#: One colour and legend label per exit reason (risk.journal.plan.EXIT_REASONS).
REASON_STYLE: dict[str, tuple[str, str]] = {
    "target": ("Target", GREEN),
    "stop": ("Stop", ORANGE),
    "thesis_changed": ("Thesis changed", BLUE),
    "liquidated": ("Liquidated", RED),
    "other": ("Other", GREY),
}


def r_multiple_chart(
    labels: Sequence[str], r: Sequence[float], exit_reasons: Sequence[str]
) -> go.Figure:
    """One bar per closed trade (in closing order) at its R multiple, one trace per exit reason
    (named after it, e.g. ``"Target"``) so the colour says how the trade ended. A dashed
    ``"Planned loss (-1R)"`` line marks the loss the plan accepted: a bar below it lost more than
    planned (a moved stop, a gap, a liquidation)."""
    labels = [str(x) for x in labels]
    rs = np.asarray(r, dtype=float)
    reasons = list(exit_reasons)
    if not (len(labels) == len(rs) == len(reasons)):
        raise ValueError(
            f"labels, r and exit_reasons have lengths {len(labels)}, {len(rs)}, {len(reasons)}; "
            "allowed: equal lengths"
        )
    data: list[dict] = []
    for reason, (name, colour) in REASON_STYLE.items():
        idx = [k for k, x in enumerate(reasons) if x == reason]
        if not idx:
            continue
        data.append(
            {
                "type": "bar",
                "name": name,
                "x": [labels[k] for k in idx],
                "y": [float(rs[k]) for k in idx],
                "marker": {"color": colour},
                "text": [f"{rs[k]:+.2f}R" for k in idx],
                "textposition": "outside",
                "hovertemplate": "%{x}: %{y:+.2f}R<extra>" + name + "</extra>",
            }
        )
    if labels:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Planned loss (-1R)",
                "x": [labels[0], labels[-1]],
                "y": [-1.0, -1.0],
                "line": {"color": INK, "dash": "dash", "width": 1.5},
                "hoverinfo": "skip",
            }
        )
    top = float(np.nanmax(np.abs(rs))) if len(rs) else 1.0
    layout = _layout(
        "R multiple of each trade",
        height=360,
        xaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": labels,
            "title": {"text": "Trade (plan #, in closing order)"},
        },
        yaxis={
            "title": {"text": "R (realized PnL / planned risk)"},
            "zeroline": True,
            "range": [-1.25 * max(top, 1.0), 1.25 * max(top, 1.0)],
        },
        barmode="overlay",
    )
    return new_figure(data, layout)


def equity_curve_chart(
    trade: Sequence[int],
    cum_r: Sequence[float],
    equity: Sequence[float],
    *,
    plan_ids: Sequence[int] | None = None,
    quote: str = "USDT",
) -> go.Figure:
    """Two stacked panels over the trade number (0 = before the first trade): the cumulative R
    (top, trace ``"Cumulative R"``, with a ``"Break-even (0R)"`` line) and the account equity
    (bottom, trace ``"Equity"``, with a ``"Starting equity"`` line)."""
    x = [int(t) for t in trade]
    cr = np.asarray(cum_r, dtype=float)
    eq = np.asarray(equity, dtype=float)
    if not (len(x) == len(cr) == len(eq)):
        raise ValueError(
            f"trade, cum_r and equity have lengths {len(x)}, {len(cr)}, {len(eq)}; "
            "allowed: equal lengths"
        )
    ids = list(plan_ids) if plan_ids is not None else [None] * len(x)
    hover = ["start" if (k == 0 or p in (None, 0)) else f"plan #{p}" for k, p in enumerate(ids)]
    data: list[dict] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Cumulative R",
            "x": x,
            "y": cr.tolist(),
            "customdata": hover,
            "line": {"color": BLUE, "width": 2.5},
            "hovertemplate": "after trade %{x} (%{customdata}): %{y:+.2f}R<extra></extra>",
            "xaxis": "x",
            "yaxis": "y",
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Equity",
            "x": x,
            "y": eq.tolist(),
            "customdata": hover,
            "line": {"color": GREEN, "width": 2.5},
            "hovertemplate": "after trade %{x} (%{customdata}): %{y:,.2f} "
            + quote
            + "<extra></extra>",
            "xaxis": "x",
            "yaxis": "y2",
        },
    ]
    if x:
        data += [
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Break-even (0R)",
                "x": [x[0], x[-1]],
                "y": [0.0, 0.0],
                "line": {"color": GREY, "dash": "dot", "width": 1},
                "hoverinfo": "skip",
                "xaxis": "x",
                "yaxis": "y",
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Starting equity",
                "x": [x[0], x[-1]],
                "y": [float(eq[0]), float(eq[0])],
                "line": {"color": GREY, "dash": "dot", "width": 1},
                "hoverinfo": "skip",
                "xaxis": "x",
                "yaxis": "y2",
            },
        ]
    layout = _layout(
        "Equity curve: in R and in account currency",
        height=480,
        xaxis={
            "anchor": "y2",
            "title": {"text": "Trades closed"},
            "dtick": 1 if len(x) <= 30 else None,
            "rangemode": "tozero",
        },
        yaxis={"domain": [0.56, 1.0], "title": {"text": "Cumulative R"}},
        yaxis2={
            "domain": [0.0, 0.44],
            "title": {"text": f"Equity ({quote})"},
            "tickformat": ",.0f",
        },
    )
    return new_figure(data, layout)
