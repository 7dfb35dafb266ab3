"""The pitfalls lab pages in a real browser: each opens under its title with its charts drawn and
no exception box (the ``page`` fixture fails the test if one shows); a link with query
parameters reopens a scenario."""

from __future__ import annotations

import pytest

from tools.appserver import metric_text

pytestmark = pytest.mark.browser

PAGES = {
    "correlated_positions": ("Correlated positions", 3),
    "trailing_stops": ("Trailing stops", 2),
    "trade_sequence": ("A sequence of trades", 3),
}


@pytest.mark.parametrize("path", list(PAGES))
def test_each_pitfalls_page_opens_with_its_charts(open_page, path: str) -> None:
    title, charts = PAGES[path]
    page = open_page(path)
    assert page.locator('[data-testid="stMain"] h1').first.inner_text() == title
    assert page.locator('[data-testid="stPlotlyChart"] .main-svg').count() >= charts
    assert page.locator('[data-testid="stMetric"]').count() >= 4
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0


def test_a_link_reopens_a_trade_sequence_scenario(open_page) -> None:
    page = open_page("trade_sequence", sq_win=60, sq_n=50)
    assert "sq_win=60" in page.url
    assert page.locator('[data-testid="stMetric"]').count() == 9
    assert metric_text(page, "Ruined: Fixed small risk") == "0.0%"


def test_impossible_correlations_show_a_message_not_a_traceback(open_page) -> None:
    page = open_page(
        "correlated_positions",
        cp_preset="BTC + ETH + SOL (SOL figures assumed)",
        cp_rho02=-0.9,
    )
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 1
    assert "not positive semi-definite" in errors.first.inner_text()
