"""`make serve`: two Streamlit workers behind nginx, in Chromium.

Each browser stays on its worker (the page, its scripts and its websocket: the worker the
sidebar names is the one nginx reports for every request), a session survives the OTHER
worker being killed, and a session whose own worker is killed reconnects to the survivor and
works there (a new session: Streamlit keeps state per process). Everything on 127.0.0.1.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest

from tools.appserver import BROWSER_TIMEOUT_MS, wait_until_idle
from tools.serve import Cluster, cluster

pytestmark = pytest.mark.browser

WORKER_LABEL = '[data-testid="stSidebar"] [data-testid="stCaptionContainer"]'


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    db = tmp_path_factory.mktemp("journal") / "journal.sqlite3"
    # nginx missing: cluster() raises FileNotFoundError (`make test` installs it: make nginx).
    with cluster(2, env={"LEVERAGE_LAB_DB": str(db)}) as c:
        yield c


def _upstream(url: str, cookie: str) -> str:
    req = urllib.request.Request(f"{url}/_stcore/health", headers={"Cookie": cookie})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.headers["X-Upstream"]


def _cookie_for_each_worker(c: Cluster) -> dict[str, str]:
    """An affinity cookie value that nginx maps to each worker (the mapping is a hash of the
    cookie, so it is found by asking)."""
    found: dict[str, str] = {}
    for i in range(200):
        value = f"student{i}"
        found.setdefault(_upstream(c.url, f"ll_worker={value}"), value)
        if len(found) == len(c.workers):
            return found
    raise AssertionError(f"200 cookies all went to {sorted(found)}")


def _worker_shown(page) -> str:
    texts = page.locator(WORKER_LABEL).all_inner_texts()
    shown = [t for t in texts if t.startswith("Served by worker")]
    assert shown, f"no worker label in the sidebar: {texts}"
    return shown[0].removeprefix("Served by worker").strip()


def _move_leverage(page, presses: int, expect_lev: int) -> None:
    thumb = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]')
    thumb.focus()
    for _ in range(presses):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        f"() => location.search.includes('lev={expect_lev}')", timeout=BROWSER_TIMEOUT_MS
    )
    wait_until_idle(page, 30_000)


def test_sessions_stay_on_their_worker_and_survive_a_dead_worker(two_workers, browser) -> None:
    c = two_workers
    by_address = {w.address: w for w in c.workers}
    cookies = _cookie_for_each_worker(c)
    sessions = []
    for address, value in cookies.items():
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.add_cookies([{"name": "ll_worker", "value": value, "url": c.url}])
        page = context.new_page()
        seen: list[str] = []
        sockets: list[object] = []
        page.on("response", lambda r, seen=seen: seen.append(r.headers.get("x-upstream", "")))
        page.on("websocket", lambda ws, sockets=sockets: sockets.append(ws))
        first = page.goto(f"{c.url}/liquidation_map")
        wait_until_idle(page, 60_000)
        assert first is not None and first.headers["x-upstream"] == address
        # The websocket session runs on the worker the cookie picked: the sidebar names it.
        assert _worker_shown(page) == str(by_address[address].index)
        sessions.append((context, page, by_address[address], seen, sockets))

    try:
        (_, page_a, worker_a, seen_a, _), (_, page_b, worker_b, seen_b, sockets_b) = sessions
        assert worker_a is not worker_b
        # Every HTTP request of each browser went to its own worker (nginx's header).
        assert set(seen_a) == {worker_a.address}, seen_a
        assert set(seen_b) == {worker_b.address}, seen_b

        # Kill B's worker. A's session is untouched: it reruns on its worker as before.
        worker_b.kill()
        _move_leverage(page_a, 2, 12)
        assert _worker_shown(page_a) == str(worker_a.index)
        assert page_a.locator('[data-testid="stException"]').count() == 0

        # B's browser reconnects through nginx to the survivor (a second websocket), and its
        # next rerun runs there, in a new session that works.
        for _ in range(120):
            if len(sockets_b) >= 2:
                break
            page_b.wait_for_timeout(500)
        assert len(sockets_b) >= 2, "B's browser did not reconnect"
        page_b.wait_for_timeout(1_000)
        _move_leverage(page_b, 3, 13)
        page_b.wait_for_function(
            """(label) => [...document.querySelectorAll('[data-testid="stSidebar"] '
                + '[data-testid="stCaptionContainer"]')].some(e => e.innerText.trim() === label)""",
            arg=f"Served by worker {worker_a.index}",
            timeout=BROWSER_TIMEOUT_MS,
        )
        assert _worker_shown(page_b) == str(worker_a.index)
        assert page_b.locator('[data-testid="stException"]').count() == 0
    finally:
        for context, *_ in sessions:
            context.close()
