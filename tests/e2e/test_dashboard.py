"""The dashboard in a real browser: pages load, the leverage slider drives the liquidation
metric and the chart, links with query parameters reopen the scenario, no exception shows."""

from __future__ import annotations

import pytest

from risk import Position, get_venue, liquidation_price
from tools.appserver import BROWSER_TIMEOUT_MS, metric_text, wait_until_idle

pytestmark = pytest.mark.browser

PAGES = {
    "liquidation_map": "Liquidation map",
    "size_from_risk": "Size from risk",
    "margin_utilization": "Margin & utilization",
    "funding_drag": "Funding drag",
}
BTC = get_venue("binance", "BTCUSDT")


def marker_x(page) -> float:
    """x of the 'This position' marker in the first Plotly chart, read from the drawn figure."""
    return page.evaluate(
        """() => {
            const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
            const t = gd.data.find(d => d.name === 'This position');
            return t ? t.x[0] : null;
        }"""
    )


def lp_text(side: str, entry: float, lev: float, margin: float = 500.0) -> str:
    pos = Position(side, entry, margin * lev / entry, leverage=lev)
    return f"{float(liquidation_price(pos, BTC)):,.2f}"


@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_loads_with_the_shared_sidebar(open_page, path: str) -> None:
    page = open_page(path)
    assert page.locator('[data-testid="stMain"] h1').first.inner_text() == PAGES[path]
    assert page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').count() == 1
    assert page.locator('[data-testid="stMetric"]').count() >= 4
    assert page.locator('[data-testid="stPlotlyChart"] .main-svg').count() >= 1


def test_leverage_slider_moves_the_liquidation_metric_and_the_chart(open_page) -> None:
    page = open_page("liquidation_map")
    assert metric_text(page, "Liquidation price") == lp_text("long", 100_000, 10)
    assert marker_x(page) == 10
    thumb = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]')
    thumb.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        """() => {
            const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
            const t = gd && gd.data.find(d => d.name === 'This position');
            return t && t.x[0] === 20;
        }""",
        timeout=BROWSER_TIMEOUT_MS,
    )
    wait_until_idle(page)
    assert metric_text(page, "Liquidation price") == lp_text("long", 100_000, 20)
    assert metric_text(page, "Fall to liquidation") == "4.62%"
    # The new scenario is in the address bar: the link reopens it.
    assert "lev=20" in page.url


def test_a_link_with_query_parameters_reopens_the_same_scenario(open_page, browser_context) -> None:
    page = open_page("liquidation_map", lev=25, side="short", entry=60000)
    expected = lp_text("short", 60_000, 25)
    assert metric_text(page, "Liquidation price") == expected
    assert marker_x(page) == 25
    # A second tab (a new Streamlit session) opening the copied URL sees the same numbers.
    other = browser_context.new_page()
    other.goto(page.url)
    wait_until_idle(other)
    assert metric_text(other, "Liquidation price") == expected
    assert other.locator('[data-testid="stException"]').count() == 0
    other.close()


def test_scenario_follows_to_another_page(open_page) -> None:
    page = open_page("", lev=20)  # the liquidation map is the default page, at the root
    assert page.locator('[data-testid="stMain"] h1').first.inner_text() == "Liquidation map"
    page.locator('[data-testid="stTopNavSection"]', has_text="Before a trade").click()
    page.locator('[data-testid="stTopNavDropdownLink"]', has_text="Funding drag").click()
    page.wait_for_url("**/funding_drag**")
    wait_until_idle(page)
    # 500 margin at 20x is a 10,000 notional: 90 calm fundings of 0.01% cost 90 USDT.
    assert metric_text(page, "Funding paid") == "90.00"


@pytest.mark.parametrize(
    ("path", "query", "message"),
    [
        # 3,000 x 110 = 330,000: the 2026 BTCUSDT tier 2, max 100x
        ("liquidation_map", {"margin": 3000.0, "lev": 110}, "above the maximum 100x"),
        ("size_from_risk", {"stop_mode": "price", "stop_px": 101000}, "must be below the entry"),
        ("margin_utilization", {"wallet": 900}, "more than the wallet"),
    ],
)
def test_inconsistent_input_shows_a_message_not_a_traceback(
    open_page, path, query, message
) -> None:
    page = open_page(path, **query)
    alert = page.locator('[data-testid="stAlertContentError"]', has_text=message)
    assert alert.count() >= 1
    assert page.locator('[data-testid="stException"]').count() == 0
