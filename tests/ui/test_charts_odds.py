"""Chart builders of the odds lesson: the figures hold the numbers they were given (trace names,
coordinates, cut points, colours), checked with small hand-made inputs and with real results
from risk.odds."""

from __future__ import annotations

import numpy as np
import pytest

from risk.odds import liquidation_odds, odds_closed_form, sample_price_paths
from risk.paths import gbm
from ui import charts_odds as co
from ui.charts import GREY, RED


def trace(fig, name: str):
    found = [t for t in fig.data if t.name == name]
    assert len(found) == 1, [t.name for t in fig.data]
    return found[0]


def segments(values) -> list[list[float]]:
    """Split a gap-separated trace (None or NaN between lines) back into its lines."""
    out: list[list[float]] = [[]]
    for v in values:
        if v is None or v != v:  # None or NaN: a gap
            out.append([])
        else:
            out[-1].append(v)
    return [s for s in out if s]


def is_red(colour: str) -> bool:
    """RED (#c62828) as hex or rgba(198,40,40,...)."""
    c = colour.replace(" ", "").lower()
    return c == RED.lower() or c.startswith("rgba(198,40,40")


def test_sample_paths_cut_liquidated_paths_and_colour_them_red() -> None:
    days = np.array([0.0, 0.5, 1.0, 1.5])
    prices = np.array([[100, 101, 99, 102], [100, 96, 94, 97], [100, 99, 95, 93]], dtype=float)
    fig = co.sample_paths_chart(
        days,
        prices,
        np.array([-1, 2, 3]),
        liquidation_price=95.0,
        entry_price=100.0,
        leverage=20.0,
        stop_price=97.0,
    )
    assert [t.name for t in fig.data] == [
        "Survived",
        "Liquidated",
        "Liquidation",
        "Entry",
        "Liquidation price",
        "Stop",
    ]
    assert segments(trace(fig, "Survived").y) == [[100, 101, 99, 102]]
    assert segments(trace(fig, "Liquidated").y) == [[100, 96, 94], [100, 99, 95, 93]]
    assert segments(trace(fig, "Liquidated").x) == [[0.0, 0.5, 1.0], [0.0, 0.5, 1.0, 1.5]]
    marks = trace(fig, "Liquidation")
    assert list(marks.x) == [1.0, 1.5] and list(marks.y) == [95.0, 95.0]
    assert is_red(trace(fig, "Liquidated").line.color) and is_red(marks.marker.color)
    assert not is_red(trace(fig, "Survived").line.color)
    assert list(trace(fig, "Liquidation price").y) == [95.0, 95.0]
    assert list(trace(fig, "Stop").y) == [97.0, 97.0]
    assert fig.layout.title.text == "20x: 2 of 3 paths liquidated"


def test_sample_paths_from_the_engine_5x_beside_50x() -> None:
    s = sample_price_paths(gbm(0.8), "long", 1.0, [5.0, 50.0], n_paths=40, n_steps=96, seed=4)
    figs = [
        co.sample_paths_chart(
            s.days,
            s.prices,
            s.liquidated_at[j],
            liquidation_price=s.liquidation_price[j],
            entry_price=100.0,
            leverage=s.leverage[j],
        )
        for j in range(2)
    ]
    for j, fig in enumerate(figs):
        dead = int((s.liquidated_at[j] >= 0).sum())
        assert len(segments(trace(fig, "Liquidated").y)) == dead
        assert len(segments(trace(fig, "Survived").y)) == 40 - dead
        assert fig.layout.title.text.startswith(f"{s.leverage[j]:g}x: {dead} of 40")
    # the same market: 50x liquidates every path 5x does, and more
    assert np.all((s.liquidated_at[0] >= 0) <= (s.liquidated_at[1] >= 0))
    assert (s.liquidated_at[1] >= 0).sum() > (s.liquidated_at[0] >= 0).sum()
    # each red path ends at the first column where its price had reached the LP (or the
    # bridge says it dipped there during the step)
    lp = s.liquidation_price[1]
    for p in np.flatnonzero(s.liquidated_at[1] >= 0):
        i = s.liquidated_at[1, p]
        assert np.all(s.prices[p, :i] > lp)


def test_odds_vs_leverage_lines_in_percent() -> None:
    lev = np.array([5.0, 10.0, 50.0, 100.0])
    odds = {"1 hour": np.array([0.0, 0.01, 0.2, 0.5]), "1 day": np.array([0.0, 0.1, 0.6, 0.85])}
    fig = co.odds_vs_leverage_chart(lev, odds, current_leverage=20.0)
    assert list(trace(fig, "1 hour").y) == [0.0, 1.0, 20.0, 50.0]
    assert list(trace(fig, "1 day").x) == [5.0, 10.0, 50.0, 100.0]
    assert list(trace(fig, "Coin flip (50%)").y) == [50.0, 50.0]
    assert list(trace(fig, "Your leverage").x) == [20.0, 20.0]
    assert fig.layout.xaxis.type == "log"


def test_right_but_liquidated_bars_stack_to_the_liquidation_odds() -> None:
    res = odds_closed_form("long", [10.0, 50.0, 100.0], 0.6, 1.0)
    fig = co.right_but_liquidated_chart(res.leverage, res.p_liquidation, res.p_right_but_liquidated)
    right = np.array(trace(fig, "Liquidated although right").y)
    wrong = np.array(trace(fig, "Liquidated, price ended against you").y)
    np.testing.assert_allclose(right + wrong, 100 * res.p_liquidation, rtol=1e-12)
    np.testing.assert_allclose(right, 100 * res.p_right_but_liquidated, rtol=1e-12)
    assert trace(fig, "Liquidated although right").marker.color == RED
    assert list(trace(fig, "Liquidated although right").x) == ["10x", "50x", "100x"]
    assert fig.layout.barmode == "stack"


def test_heatmap_cells_and_shape_check() -> None:
    lev = np.array([5.0, 20.0, 100.0])
    vol = np.array([0.4, 1.0])
    p = np.array([[0.0, 0.05, 0.7], [0.001, 0.4, 0.9]])
    fig = co.odds_heatmap(lev, vol, p, vol_labels=["BTC calm", "Memecoin"])
    hm = trace(fig, "P(liquidation)")
    assert list(hm.x) == ["5x", "20x", "100x"] and list(hm.y) == ["BTC calm", "Memecoin"]
    np.testing.assert_allclose(np.array(hm.z, dtype=float), 100 * p)
    assert hm.zmin == 0 and hm.zmax == 100
    with pytest.raises(ValueError, match=r"shape \(3, 2\)"):
        co.odds_heatmap(lev, vol, p.T)


def test_survival_chart_lines_and_medians() -> None:
    res = liquidation_odds("long", [20.0, 50.0, 100.0], 0.6, 1.0, n_times=24)
    fig = co.survival_chart(
        res.survival_days, res.survival, res.leverage, median_days=res.median_days_to_liquidation
    )
    for j, name in enumerate(["20x", "50x", "100x"]):
        np.testing.assert_allclose(trace(fig, name).y, 100 * res.survival[:, j])
        np.testing.assert_allclose(trace(fig, name).x, res.survival_days)
    med = trace(fig, "Median time to liquidation")
    # 20x: under half are liquidated in a day, so no marker
    assert list(med.text) == ["50x", "100x"]
    np.testing.assert_allclose(med.x, res.median_days_to_liquidation[1:])
    assert list(med.y) == [50.0, 50.0]
    assert trace(fig, "Half liquidated").line.color == GREY


def test_roi_distribution_sums_to_all_paths_and_liquidated_bar_is_red() -> None:
    roi = {"5x": np.array([-1.0, 0.05, 0.12, -0.3, 5.0]), "50x": np.array([-1.0, -1.0, 2.0])}
    fig = co.roi_distribution_chart(roi, bin_width=0.1, roi_max=3.0)
    for label, r in roi.items():
        bars = np.array(trace(fig, label).y)
        dead = trace(fig, f"{label} liquidated")
        assert bars.sum() + dead.y[0] == pytest.approx(100.0)
        assert dead.y[0] == pytest.approx(100.0 * np.mean(r <= -1.0))
        assert list(dead.x) == [-100.0] and dead.marker.color == RED
    bars5 = np.array(trace(fig, "5x").y)
    x5 = np.array(trace(fig, "5x").x)
    # 0.05 and 0.12 fall in the bins centred on 5% and 15%; 5.0 is clipped into the last bin
    assert bars5[np.argmin(abs(x5 - 5.0))] == pytest.approx(20.0)
    assert bars5[np.argmin(abs(x5 - 15.0))] == pytest.approx(20.0)
    assert bars5[-1] == pytest.approx(20.0)


def test_roi_chart_from_the_engine() -> None:
    res = liquidation_odds(
        "long", [5.0, 50.0], 0.6, 1.0, method="monte-carlo", n_paths=2000, n_steps=48, seed=1
    )
    fig = co.roi_distribution_chart({"5x": res.roi[0], "50x": res.roi[1]})
    assert trace(fig, "50x liquidated").y[0] == pytest.approx(100 * res.p_liquidation[1])
