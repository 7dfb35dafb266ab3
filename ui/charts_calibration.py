"""Chart builder of "Does the model tell the truth?": predicted against observed liquidation
odds by leverage (pure function: numbers from :mod:`risk.calibration` in, Figure out).

Same conventions as :mod:`ui.charts_odds`: fractions in, percent on the axis, every trace named
(the legend and the tests rely on the names). What happened is black markers with their 95%
interval as error bars; each model is a line.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from ui.charts import INK, SERIES, new_figure
from ui.charts_odds import _layout, _leverage_axis, _pct

OBSERVED = "What really happened"


def truth_chart(
    leverage: np.ndarray,
    observed: np.ndarray,
    observed_lo: np.ndarray,
    observed_hi: np.ndarray,
    predicted: Mapping[str, np.ndarray],
    *,
    horizon_label: str,
    side: str,
    log_y: bool = False,
) -> go.Figure:
    """Share of positions liquidated within ``horizon_label``, by leverage: observed (markers,
    95% interval as asymmetric error bars) and each model's mean prediction (one line each,
    named by the keys of ``predicted``). ``log_y`` shows the far-from-entry misses, where a
    model says 0.01% and history says 5%."""
    lev = np.asarray(leverage, dtype=float)
    obs = np.asarray(observed, dtype=float)
    lo = np.asarray(observed_lo, dtype=float)
    hi = np.asarray(observed_hi, dtype=float)
    traces = []
    for i, (name, p) in enumerate(predicted.items()):
        traces.append(
            go.Scatter(
                x=lev,
                y=_pct(np.asarray(p, dtype=float)),
                name=name,
                mode="lines+markers",
                line={"color": SERIES[i % len(SERIES)], "width": 2},
                marker={"size": 5},
                hovertemplate="%{x:g}x: %{y:.2f}%<extra>" + name + "</extra>",
            )
        )
    traces.append(
        go.Scatter(
            x=lev,
            y=_pct(obs),
            name=OBSERVED,
            mode="markers",
            marker={"color": INK, "size": 9, "symbol": "diamond"},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": _pct(hi - obs),
                "arrayminus": _pct(obs - lo),
                "color": INK,
                "thickness": 1.2,
            },
            hovertemplate="%{x:g}x: %{y:.2f}% (95% interval shown)<extra>" + OBSERVED + "</extra>",
        )
    )
    yaxis: dict = {"title": {"text": f"Liquidated within {horizon_label} (%)"}}
    if log_y:
        yaxis["type"] = "log"
    layout = _layout(f"Predicted and real: {side}s held {horizon_label}", height=440)
    # the layout goes into the constructor: validating it there is several times faster than
    # fig.update_layout(**layout) (measured ~5 ms against ~60 ms on this machine)
    return new_figure(traces, {**layout, "xaxis": _leverage_axis(lev), "yaxis": yaxis})
