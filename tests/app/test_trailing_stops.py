"""Trailing-stops page: the table, metrics and charts are risk.trailing's results for the sidebar
position; a stop beyond the liquidation price gets a warning, a bad sidebar an error."""

from __future__ import annotations

import numpy as np
import pytest

from risk.trailing import RULES, ExitRules, PriceModel, compare_exit_rules
from ui import text
from ui.testing import app_test, chart_specs, metric

PAGE = "pages/trailing_stops.py"


def library(lev: float = 10.0, side: str = "long", gaps: bool = True):
    model = PriceModel(
        0.54,  # the "BTC typical" preset
        jumps_per_year=50.0 if gaps else 0.0,
        jump_mean=-0.03,
        jump_std=0.03 if gaps else 0.0,
    )
    return compare_exit_rules(
        side,
        lev,
        ExitRules(0.02, 0.04, 0.02, partial_share=0.5),
        model,
        1.0,
        mmr=0.004,
        entry_price=100_000.0,
        paths=5_000,
        seed=0,
        sample_paths=5,
    )


def test_defaults_match_the_library_on_the_same_paths() -> None:
    at = app_test(PAGE)
    assert not at.exception and not at.error and not at.warning
    res = library()
    out = res.outcomes
    assert metric(at, "Winners kept: fixed") == text.pct(out["fixed"].winners_kept, 1)
    assert metric(at, "Winners kept: trailing") == text.pct(out["trailing"].winners_kept, 1)
    assert metric(at, "Winners kept: partial") == text.pct(out["partial"].winners_kept, 1)
    assert metric(at, "Liquidated before the stop") == text.pct(out["fixed"].p_liquidated, 2)
    table = at.dataframe[0].value
    assert list(table["mean ROI"]) == [text.pct(out[r].mean_roi, 1) for r in RULES]
    # the lesson: the trailing stop keeps more of the winners than the fixed target and stop
    assert out["trailing"].winners_kept > out["fixed"].winners_kept
    roi, paths = chart_specs(at)[:2]
    bars = {t["name"]: t for t in roi["data"] if t["type"] == "bar"}
    assert len(bars) == 3
    for t in bars.values():
        assert np.isclose(np.sum(np.asarray(t["y"], dtype=float)), 1.0)
    names = [t["name"] for t in paths["data"]]
    assert names[:5] == [f"Path {i}" for i in range(1, 6)]
    fixed = next(t for t in paths["data"] if t["name"] == "Exit: Fixed stop + target")
    assert np.allclose(np.asarray(fixed["y"], dtype=float), out["fixed"].exit_price[:5])


def test_without_gaps_nobody_is_liquidated_before_the_stop() -> None:
    at = app_test(PAGE)
    at.toggle(key="ts_gaps").set_value(False).run()
    assert not at.exception and not at.error
    assert metric(at, "Liquidated before the stop") == "0.00%"
    res = library(gaps=False)
    assert metric(at, "Winners kept: trailing") == text.pct(
        res.outcomes["trailing"].winners_kept, 1
    )


def test_fifty_x_puts_the_liquidation_inside_the_stop() -> None:
    at = app_test(PAGE)
    at.slider(key="lev").set_value(50).run()
    assert not at.exception and not at.error
    assert len(at.warning) == 1 and "beyond the liquidation price" in at.warning[0].value
    res = library(lev=50.0)
    assert metric(at, "Liquidated before the stop") == text.pct(
        res.outcomes["fixed"].p_liquidated, 2
    )
    assert res.outcomes["fixed"].p_liquidated > 0.3


def test_short_and_a_bad_sidebar_position() -> None:
    at = app_test(PAGE)
    at.segmented_control(key="side").set_value("short").run()
    assert not at.exception and not at.error
    res = library(side="short")
    assert metric(at, "Winners kept: fixed") == text.pct(res.outcomes["fixed"].winners_kept, 1)
    at.number_input(key="margin").set_value(3_000.0).run()
    at.slider(key="lev").set_value(110).run()  # 3,000 x 110 = 330,000: tier 2, max 100x
    assert not at.exception
    assert len(at.error) == 1 and "above the maximum 100x" in at.error[0].value
    assert not at.metric
    assert at.title[0].value == "Trailing stops"


def test_a_new_leverage_reuses_the_simulated_prices(monkeypatch) -> None:
    """The paths depend on the market model only: moving the sidebar leverage applies the rules
    to the same paths again (the figures match the library at the new leverage), it does not
    simulate new ones."""
    import streamlit as st

    import risk.trailing

    calls = []
    real = risk.trailing.simulate_prices

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(risk.trailing, "simulate_prices", counted)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = app_test(PAGE)
    assert not at.exception and len(calls) == 1
    for lev in (5, 20, 33):
        at.slider(key="lev").set_value(lev).run()
        assert not at.exception
    assert len(calls) == 1, "a leverage move simulated the prices again"
    kept = library(lev=33.0).outcomes["trailing"].winners_kept
    assert metric(at, "Winners kept: trailing") == text.pct(kept, 1)


def test_a_leverage_move_redraws_only_the_liquidation_line_and_the_exits(monkeypatch) -> None:
    """The sample paths do not depend on the leverage: their chart is built once and a
    leverage move adds its own liquidation line and exits (which match the library at the new
    leverage) to the same cached base."""
    import streamlit as st

    from ui import charts_pitfalls as cp

    built = []
    real = cp.exit_paths_base_chart

    def counted(*args, **kwargs):
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(cp, "exit_paths_base_chart", counted)
    monkeypatch.setenv("LEVERAGE_LAB_CHECK_FIGURES", "")  # count the builds a served app makes
    st.cache_resource.clear()
    at = app_test(PAGE)
    assert not at.exception and len(built) == 1
    first = chart_specs(at)[1]
    for lev in (5, 20, 33):
        at.slider(key="lev").set_value(lev).run()
        assert not at.exception
    assert len(built) == 1, "a leverage move rebuilt the sample paths' chart"
    paths = chart_specs(at)[1]
    res = library(lev=33.0)
    liq = next(t for t in paths["data"] if t["name"] == "Liquidation price")
    assert liq["y"][0] == pytest.approx(res.liquidation_price)
    fixed = next(t for t in paths["data"] if t["name"] == "Exit: Fixed stop + target")
    assert np.allclose(np.asarray(fixed["y"], dtype=float), res.outcomes["fixed"].exit_price[:5])
    # the paths themselves are the same numbers as before the moves
    for old, new in zip(first["data"][:5], paths["data"][:5], strict=True):
        assert np.array_equal(old["y"], new["y"]) and np.array_equal(old["x"], new["x"])
    old_liq = next(t for t in first["data"] if t["name"] == "Liquidation price")
    assert old_liq["y"][0] != pytest.approx(res.liquidation_price)


def test_a_links_leverage_is_the_one_the_outcomes_and_the_scenario_line_use() -> None:
    """This page draws the sidebar's leverage slider in its outcomes fragment
    (ui.leverage_scope); a link's leverage reaches the session only when the slider is made, so
    the scenario line above the page and the outcomes are computed after it (the line said the
    default 10x while the slider said 20x)."""
    at = app_test("pages/trailing_stops.py", query_params={"lev": "20"})
    assert not at.exception
    assert at.slider(key="lev").value == 20
    (line,) = [c.value for c in at.caption if "Scenario:" in c.value]
    assert "at 20x" in line
    assert any("long 20x at" in c.value for c in at.caption)  # the outcomes' position
