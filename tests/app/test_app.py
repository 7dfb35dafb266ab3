"""Every dashboard page runs without an exception on the defaults and after each sidebar widget
changes, through app.py as in the browser (see ui/testing.py for the AppTest harness)."""

from __future__ import annotations

import pytest

from ui.testing import app_test

PAGES = [
    "pages/liquidation_map.py",
    "pages/size_from_risk.py",
    "pages/margin_utilization.py",
    "pages/funding_drag.py",
]

# (widget kind, key, new value): one change of each sidebar widget.
SIDEBAR_CHANGES = [
    ("selectbox", "ex", "bybit"),
    ("selectbox", "ex", "okx"),
    ("selectbox", "ex", "gate"),
    ("selectbox", "ex", "hyperliquid"),
    ("selectbox", "ex", "generic"),
    ("selectbox", "sym", "ETHUSDT"),
    ("selectbox", "sym", "custom"),
    ("segmented_control", "side", "short"),
    ("number_input", "entry", 2_500.0),
    ("radio", "size_by", "quantity"),
    ("number_input", "margin", 25_000.0),
    ("slider", "lev", 75),
    ("number_input", "fee", 0.1),
]


def _set(at, kind: str, key: str, value) -> None:
    getattr(at, kind)(key=key).set_value(value)


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_on_defaults(page: str) -> None:
    at = app_test(page)
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value  # the page itself rendered, not only the sidebar
    assert at.slider(key="lev").value == 10  # the shared sidebar came with it


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("kind", "key", "value"), SIDEBAR_CHANGES)
def test_page_survives_each_sidebar_change(page: str, kind: str, key: str, value) -> None:
    at = app_test(page)
    _set(at, kind, key, value)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert getattr(at, kind)(key=key).value == value
    assert at.title[0].value


def test_navigation_lists_the_sections() -> None:
    at = app_test()
    assert not at.exception
    # The default page is the liquidation map.
    assert at.title[0].value == "Liquidation map"


def test_scenario_survives_a_page_switch() -> None:
    at = app_test("pages/liquidation_map.py")
    at.slider(key="lev").set_value(33)
    at.segmented_control(key="side").set_value("short")
    at.run()
    at.switch_page("pages/funding_drag.py").run()
    assert at.title[0].value == "Funding drag"
    assert at.slider(key="lev").value == 33
    assert at.segmented_control(key="side").value == "short"
