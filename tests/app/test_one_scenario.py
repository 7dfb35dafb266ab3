"""One scenario everywhere: every page that shows the sidebar position's liquidation price shows
the Liquidation map's figure for it, whatever the exchange, side, leverage and size in the
sidebar. The map itself is anchored on the library (risk.liquidation_price for the same
position), so a page that kept its own leverage, rate or formula fails here.

Not listed: A sequence of trades and Correlated positions simulate their own accounts (a policy's
stake, a cross wallet of several assets), not the sidebar's position."""

from __future__ import annotations

import math

import pytest

from risk import Position, get_venue, liquidation_price
from ui import text
from ui.testing import app_test, chart_specs, metric, shown_number

#: (exchange, side, leverage, margin): the default, and ones that change every input the
#: liquidation price depends on (Bybit's maintenance at the entry, a short, a bigger tier-1 size)
SCENARIOS = [
    ("binance", "long", 10, 500.0),
    ("bybit", "short", 20, 700.0),
    ("binance", "short", 50, 800.0),
    ("hyperliquid", "long", 25, 300.0),
]


def set_sidebar(at, exchange: str, side: str, lev: int, margin: float):
    at.selectbox(key="ex").set_value(exchange).run()
    at.segmented_control(key="side").set_value(side).run()
    at.slider(key="lev").set_value(lev).run()
    at.number_input(key="margin").set_value(margin).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at) -> list[str]:
    """Every sentence on the page except the one-line scenario summary (shared by all pages)."""
    els = [*at.caption, *at.markdown, *at.success, *at.info, *at.warning]
    return [e.value for e in els if "Scenario:" not in e.value]


@pytest.fixture(scope="module", params=SCENARIOS, ids=lambda s: f"{s[0]}-{s[1]}-{s[2]}x")
def scenario(request):
    exchange, side, lev, margin = request.param
    at = set_sidebar(app_test("pages/liquidation_map.py"), *request.param)
    shown = metric(at, "Liquidation price")
    venue = get_venue(exchange, "BTCUSDT", taker_fee=0.0005)
    pos = Position(side, 100_000.0, margin * lev / 100_000.0, leverage=lev)
    assert shown == text.price(float(liquidation_price(pos, venue)))  # the map is the library's
    return request.param, shown


def test_margin_utilization_first_row(scenario) -> None:
    params, shown = scenario
    at = set_sidebar(app_test("pages/margin_utilization.py"), *params)
    at.number_input(key="mu_mark").set_value(0.0).run()  # a mark the 50x rows survive
    assert not at.error, [e.value for e in at.error]
    (table,) = [d.value for d in at.dataframe if "liq. price if isolated" in d.value.columns]
    first = table.iloc[0]
    value, half = shown_number(shown)
    assert first["side"] == params[1]
    assert math.isclose(float(first["liq. price if isolated"]), value, abs_tol=half)


def test_trade_plan_start(scenario) -> None:
    params, shown = scenario
    at = set_sidebar(app_test("pages/trade_plan.py"), *params)
    long = params[1] == "long"
    at.number_input(key="tp_stop").set_value(99_000.0 if long else 101_000.0)
    at.number_input(key="tp_t0").set_value(103_000.0 if long else 97_000.0)
    at.text_area(key="tp_wrong").input("the level breaks").run()
    assert metric(at, "Liquidation price") == shown


def test_size_from_risk(scenario) -> None:
    params, shown = scenario
    at = set_sidebar(app_test("pages/size_from_risk.py"), *params)
    at.number_input(key="stop_pct").set_value(0.5).run()  # inside every scenario's liquidation
    assert any(shown in t for t in texts(at)), texts(at)


@pytest.mark.parametrize("page", ["why_50x", "trailing_stops", "funding_drag"])
def test_the_lessons_and_funding(scenario, page) -> None:
    params, shown = scenario
    at = set_sidebar(app_test(f"pages/{page}.py"), *params)
    assert any(shown in t for t in texts(at)), (page, texts(at))


def test_the_funding_creep_starts_at_the_maps_price(scenario) -> None:
    params, shown = scenario
    at = set_sidebar(app_test("pages/funding_drag.py"), *params)
    creep = next(c for c in chart_specs(at) if "creep" in str(c["layout"]).lower())
    value, half = shown_number(shown)
    (line,) = [t for t in creep["data"] if t["name"] == "Liquidation price"]
    assert math.isclose(float(line["y"][0]), value, abs_tol=half)


def test_the_calculators_defaults_follow_the_sidebar_until_typed() -> None:
    """An exit 5% from the entry follows a new entry (the old one left the first entry's exit
    on screen, and a link, carrying only what differs from the default, opened other
    figures); a typed exit stays."""
    at = app_test("pages/liquidation_map.py")
    assert at.number_input(key="calc_exit").value == 105_000.0
    at.number_input(key="entry").set_value(95_000.0).run()
    assert at.number_input(key="calc_exit").value == 99_750.0
    at.number_input(key="calc_exit").set_value(97_000.0).run()
    at.number_input(key="entry").set_value(90_000.0).run()
    assert at.number_input(key="calc_exit").value == 97_000.0


def test_a_link_choice_with_thousands_separators_is_honoured() -> None:
    from ui.notices import check_link

    assert check_link({"sq_paths": ["2,000"]}, {"sq_paths": 2000}) == []
    assert check_link({"sq_paths": ["3,000"]}, {"sq_paths": 2000}) != []
