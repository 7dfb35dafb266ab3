"""Desk, phone and projector: no metric label or value is cut, the phone opens with the sidebar
closed and a one-line scenario on top, the glossary is one click from a page, and a link in the
command line's spelling opens the same figures as the sidebar."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tools.appserver import metric_text, wait_until_idle

pytestmark = pytest.mark.browser

#: name -> (CSS viewport, device scale). The projector is 1280x720 at 150% zoom: 853x480 CSS px.
VIEWPORTS = {
    "desk": ({"width": 1440, "height": 900}, 1.0),
    "phone": ({"width": 390, "height": 844}, 3.0),
    "projector": ({"width": 853, "height": 480}, 1.5),
}
PAGES = ("liquidation_map", "size_from_risk", "margin_utilization", "funding_drag")

CUT = """() => {
    const out = [];
    for (const sel of ['[data-testid="stMetricLabel"]', '[data-testid="stMetricValue"]']) {
        for (const el of document.querySelectorAll(sel)) {
            for (const e of [el, ...el.querySelectorAll('*')]) {
                if (e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0) {
                    out.push(el.innerText.trim());
                    break;
                }
            }
        }
    }
    return out;
}"""


@pytest.fixture(params=list(VIEWPORTS))
def sized_page(request, browser, app_url) -> Iterator[tuple[str, object]]:
    viewport, scale = VIEWPORTS[request.param]
    context = browser.new_context(viewport=viewport, device_scale_factor=scale)
    page = context.new_page()
    yield request.param, page
    shown = page.locator('[data-testid="stException"]').count()
    context.close()
    assert shown == 0


@pytest.mark.parametrize("path", PAGES)
def test_no_metric_label_or_value_is_cut(sized_page, app_url, path: str) -> None:
    name, page = sized_page
    page.goto(f"{app_url}/{path}")
    wait_until_idle(page, timeout_ms=120_000)  # a shared, loaded machine
    assert page.locator('[data-testid="stMetric"]').count() >= 4
    assert page.evaluate(CUT) == [], name


def test_phone_opens_with_the_sidebar_closed_and_the_scenario_on_top(browser, app_url) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=3)
    page = context.new_page()
    page.goto(f"{app_url}/liquidation_map?lev=20")
    wait_until_idle(page, timeout_ms=120_000)  # a shared, loaded machine
    # closed: the sidebar is off screen (or zero wide), and the page starts at the left edge
    right = page.evaluate(
        "() => document.querySelector('[data-testid=\"stSidebar\"]').getBoundingClientRect().right"
    )
    assert right <= 1, right
    line = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first
    text = line.inner_text()
    assert "Scenario:" in text and "at 20x" in text
    assert metric_text(page, "Liquidation price") in text  # the same figure as the page's
    assert line.bounding_box()["y"] < 844  # on the first screen
    context.close()


def test_the_glossary_is_reachable_and_has_the_terms(open_page) -> None:
    page = open_page("glossary")
    for anchor in ("notional", "mark-price", "maintenance-margin", "bankruptcy-price", "roe"):
        assert page.locator(f'[id="{anchor}"]').count() == 1, anchor


def test_a_link_in_the_cli_spelling_opens_bybit(open_page) -> None:
    page = open_page("liquidation_map", ex="bybit", lev=25)
    caption = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first
    assert "Bybit" in caption.inner_text() and "at 25x" in caption.inner_text()
    assert page.locator('[data-testid="stAlertContentWarning"]').count() == 0


def test_a_link_value_out_of_range_is_named(page, app_url) -> None:
    page.goto(f"{app_url}/liquidation_map?lev=1000")
    wait_until_idle(page, timeout_ms=120_000)  # a shared, loaded machine
    warning = page.locator('[data-testid="stAlertContentWarning"]').first.inner_text()
    assert "lev=1000" in warning and "10x is used instead" in warning
