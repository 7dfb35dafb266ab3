"""Funding-drag page: metrics and curves equal risk.funding for the same input."""

from __future__ import annotations

import math

import numpy as np

from risk import Position, get_venue
from risk.funding import (
    annualized_funding,
    break_even_move_frac,
    funding_cost,
    funding_frac_of_margin,
    liquidation_price_path,
)
from ui.testing import app_test, chart_specs, metric, shown_number, shows

PAGE = "pages/funding_drag.py"


def check(at, rate: float, interval: float, days: int, side: str = "long", lev: float = 10):
    shows(at, "Funding paid", float(funding_cost(5_000.0, rate, interval, days, side)))
    shows(at, "Share of the margin", float(funding_frac_of_margin(lev, rate, interval, days, side)))
    shows(at, "Break-even move", float(break_even_move_frac(0.0005, rate, interval, days, side)))
    simple, compound = annualized_funding(rate, interval)
    shows(at, "Annualized (simple)", float(simple))
    shows(at, "Annualized (compound)", float(compound))


def test_defaults_calm_funding_for_thirty_days() -> None:
    at = app_test(PAGE)
    assert not at.exception and not at.error
    check(at, 0.0001, 8.0, 30)
    # Independent: 90 fundings of 0.01% on 5,000 = 45 USDT = 9% of the 500 margin.
    shows(at, "Funding paid", 45.0)
    shows(at, "Share of the margin", 0.09)


def test_preset_interval_and_days_follow_the_widgets() -> None:
    at = app_test(PAGE)
    at.selectbox(key="fr_preset").set_value("hot (+0.05%/8h)").run()
    at.segmented_control(key="fr_int").set_value(1).run()
    at.slider(key="fr_days").set_value(12).run()
    assert not at.exception and not at.error
    # Paid hourly at 1/8 of the 8-hour rate.
    check(at, 0.0005 / 8, 1.0, 12)


def test_custom_negative_rate_for_a_short_pays_the_short() -> None:
    at = app_test(PAGE)
    at.segmented_control(key="side").set_value("short").run()
    at.selectbox(key="fr_preset").set_value("custom").run()
    at.number_input(key="fr_rate").set_value(-0.02).run()
    assert not at.exception and not at.error
    check(at, -0.0002, 8.0, 30, side="short")
    assert shown_number(metric(at, "Funding paid"))[0] > 0  # shorts pay when negative


def test_curves_equal_funding_frac_of_margin_per_leverage() -> None:
    at = app_test(PAGE)
    at.multiselect(key="fr_levs").set_value([3, 50]).run()
    assert not at.exception
    spec = chart_specs(at)[0]
    traces = {t["name"]: t for t in spec["data"]}
    assert {"3x", "50x"} <= set(traces)
    assert "2x" not in traces
    for lev in (3, 50):
        t = traces[f"{lev}x"]
        x = np.asarray(t["x"], dtype=float)
        expected = funding_frac_of_margin(float(lev), 0.0001, 8.0, x, "long")
        np.testing.assert_allclose(np.asarray(t["y"], dtype=float), expected, rtol=1e-12)
    # 50x over 30 days: 50 x 0.01% x 90 = 45% of the margin.
    assert math.isclose(traces["50x"]["y"][-1], 0.45, rel_tol=1e-12)


def test_liquidation_creep_equals_the_path_from_risk() -> None:
    at = app_test(PAGE)
    at.selectbox(key="fr_preset").set_value("extreme (+0.1%/8h)").run()
    at.slider(key="fr_days").set_value(90).run()
    spec = chart_specs(at)[1]
    lp_trace = next(t for t in spec["data"] if t["name"] == "Liquidation price")
    x = np.asarray(lp_trace["x"], dtype=float)
    pos = Position("long", 100_000, 0.05, leverage=10)
    expected = liquidation_price_path(
        pos, get_venue("binance", "BTCUSDT", taker_fee=0.0005), 0.001, 8.0, x
    )
    y = np.asarray([np.nan if v is None else v for v in lp_trace["y"]], dtype=float)
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    # 0.1% of 5,000 per 8 h = 5 USDT: the 480 USDT above the 20 USDT maintenance margin last
    # 96 fundings (32 days); on day 32 the margin reaches the maintenance margin.
    assert any("Funding alone eats" in w.value and "32.0 days" in w.value for w in at.warning)


def test_no_leverage_selected_keeps_the_page_working() -> None:
    at = app_test(PAGE)
    at.multiselect(key="fr_levs").set_value([]).run()
    assert not at.exception
    assert any("Pick at least one leverage" in i.value for i in at.info)
    assert metric(at, "Share of the margin")


def test_invalid_scenario_shows_the_error_and_the_curves() -> None:
    at = app_test(PAGE)
    # 3,000 x 120 = 360,000: the 2026 BTCUSDT tier 2 (300,000 <= n < 800,000), max 100x
    at.number_input(key="margin").set_value(3_000.0).run()
    at.slider(key="lev").set_value(120).run()
    assert not at.exception
    assert len(at.error) == 1 and "above the maximum" in at.error[0].value
    assert len(chart_specs(at)) == 1  # the per-leverage curves still draw


def test_a_rate_out_of_range_withholds_every_figure() -> None:
    at = app_test("pages/funding_drag.py")
    at.selectbox(key="fr_preset").set_value("custom").run()
    assert [m for m in at.metric if m.label.startswith("Funding paid")]
    at.number_input(key="fr_rate").set_value(5.0).run()
    assert not at.exception
    assert at.number_input(key="fr_rate").value == 5.0
    assert any("at most 1" in e.value and "you typed 5" in e.value for e in at.error)
    assert not at.metric and not at.get("plotly_chart")
