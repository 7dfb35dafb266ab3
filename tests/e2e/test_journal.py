"""The journal in a real browser: a plan typed on the Trade plan page is saved (and refused
without a stop), then found on the Review page.

The app runs in its own server here, started with LEVERAGE_LAB_DB pointing at a temporary file
this module reads back (the session-wide server of conftest.py has its own temporary journal).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from risk.journal.store import Journal
from tools.appserver import BROWSER_TIMEOUT_MS, streamlit_server, wait_until_idle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def journal_app(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    db = tmp_path_factory.mktemp("journal") / "journal.db"
    with streamlit_server(env={"LEVERAGE_LAB_DB": str(db)}) as url:
        yield url, db


def go(page, url: str) -> None:
    page.goto(url)
    wait_until_idle(page)


def type_into(page, label: str, value: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(value)
    box.press("Tab")  # commit the value: Streamlit reruns on blur
    wait_until_idle(page)


def click_and_wait_for(page, button: str, kind: str, text: str) -> str:
    """Click ``button``, wait for an alert of ``kind`` (Error, Success) containing ``text``
    (the click's rerun may start after a first idle check) and return that alert's text."""
    page.get_by_role("button", name=button).click()
    alert = page.locator(f'[data-testid="stAlertContent{kind}"]', has_text=text)
    alert.first.wait_for(timeout=BROWSER_TIMEOUT_MS)
    wait_until_idle(page)
    return alert.first.inner_text()


def test_a_saved_plan_shows_on_the_review_page(page, journal_app) -> None:
    url, db = journal_app
    go(page, f"{url}/trade_plan")
    assert page.locator('[data-testid="stMain"] h1').first.inner_text() == "Trade plan"

    # without a stop the plan is refused
    msg = click_and_wait_for(page, "Save plan", "Error", "a plan needs a stop")
    assert "Not saved" in msg
    assert not db.exists()

    type_into(page, "Stop (USDT)", "95000")
    type_into(page, "Target 1 price (USDT)", "110000")
    type_into(page, "What proves me wrong", "daily close below 95,000")
    assert page.locator('[data-testid="stMetric"]').count() == 8
    msg = click_and_wait_for(page, "Save plan", "Success", "Saved plan #1")
    assert "long 0.0196175 BTCUSDT at 100,000.00, stop 95,000.00" in msg
    with Journal(db) as j:
        (plan,) = j.plans()
    assert (plan.symbol, plan.side, plan.entry, plan.stop) == ("BTCUSDT", "long", 1e5, 95_000)
    assert plan.what_proves_me_wrong == "daily close below 95,000"

    go(page, f"{url}/review")
    assert page.locator('[data-testid="stMain"] h1').first.inner_text() == "Review"
    main = page.locator('[data-testid="stMain"]')
    label = "#1 BTCUSDT long, entry 100,000.00, stop 95,000.00"
    # the open plan is offered for its outcome, and picked for the planned/changed view
    chosen = [
        box.locator("input").first.input_value()
        for box in main.locator('[data-testid="stSelectbox"]').all()
        if box.inner_text().strip() == "Plan"
    ]
    assert chosen == [label, label]
    table = main.locator('[data-testid="stTable"]').inner_text()
    assert "daily close below 95,000" in table and "110,000.00 (100%)" in table
