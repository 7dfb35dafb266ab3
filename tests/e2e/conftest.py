"""Browser fixtures shared by every end-to-end test.

``app_url`` (session): ``streamlit run app.py`` on a free 127.0.0.1 port, headless, no usage
statistics, its journal (``LEVERAGE_LAB_DB``) in a temporary folder, never the user's.
``browser`` (session): Debian's chromium through Playwright's sync API. ``page``
(per test): a fresh page in a shared browser context; after the test it fails if a Streamlit
exception box (``data-testid="stException"``) is on screen. ``open_page(path, **query)``: go
to a page of the app and wait until its run has finished and its charts are drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urlencode

import pytest

from tools.appserver import BROWSER_TIMEOUT_MS, launch_chromium, streamlit_server, wait_until_idle

sync_api = pytest.importorskip("playwright.sync_api")
sync_api.expect.set_options(timeout=BROWSER_TIMEOUT_MS)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("journal") / "journal.sqlite3"
    with streamlit_server(env={"LEVERAGE_LAB_DB": str(db)}) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as pw:
        b = launch_chromium(pw)
        yield b
        b.close()


@pytest.fixture(scope="session")
def browser_context(browser) -> Iterator[object]:
    """One context for the whole run, so the app's scripts are fetched once (Streamlit keeps its
    state per page connection, not per cookie, so tests stay independent)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context
    context.close()


@pytest.fixture
def page(browser_context) -> Iterator[object]:
    p = browser_context.new_page()
    p.set_default_timeout(BROWSER_TIMEOUT_MS)  # clicks, fills and locators on a loaded machine
    yield p
    shown = p.locator('[data-testid="stException"]').count()
    p.close()
    assert shown == 0, "a Streamlit exception box was on the page"


@pytest.fixture
def open_page(page, app_url: str) -> Callable[..., object]:
    def _open(path: str = "", **query: object) -> object:
        qs = f"?{urlencode(query)}" if query else ""
        page.goto(f"{app_url}/{path}{qs}")
        wait_until_idle(page)
        return page

    return _open
