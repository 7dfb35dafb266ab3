"""The calibration chart holds the numbers it was given: one line per model, the observed
markers with their interval as asymmetric error bars, percent on the axis."""

from __future__ import annotations

import numpy as np
import pytest

from ui.charts_calibration import OBSERVED, truth_chart


def test_truth_chart_carries_observed_intervals_and_each_model() -> None:
    lev = np.array([5.0, 10.0, 20.0])
    obs = np.array([0.01, 0.06, 0.22])
    lo = obs - np.array([0.005, 0.02, 0.04])
    hi = obs + np.array([0.01, 0.03, 0.05])
    fig = truth_chart(
        lev,
        obs,
        lo,
        hi,
        {"GBM": np.array([0.0, 0.0003, 0.09]), "Calibrated": np.array([0.005, 0.05, 0.2])},
        horizon_label="1 day",
        side="long",
    )
    names = [t.name for t in fig.data]
    assert names == ["GBM", "Calibrated", OBSERVED]
    o = fig.data[2]
    assert list(o.x) == [5.0, 10.0, 20.0]
    assert list(o.y) == pytest.approx([1.0, 6.0, 22.0])
    assert list(o.error_y.array) == pytest.approx([1.0, 3.0, 5.0])
    assert list(o.error_y.arrayminus) == pytest.approx([0.5, 2.0, 4.0])
    assert list(fig.data[0].y) == pytest.approx([0.0, 0.03, 9.0])
    assert fig.layout.xaxis.type == "log"
    assert "1 day" in fig.layout.yaxis.title.text and "long" in fig.layout.title.text
    assert (
        truth_chart(lev, obs, lo, hi, {}, horizon_label="1 day", side="long", log_y=True)["layout"][
            "yaxis"
        ]["type"]
        == "log"
    )
