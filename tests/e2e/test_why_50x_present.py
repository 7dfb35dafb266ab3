"""The lesson's presentation mode in a real browser, on a projector: 1280x720 at 150% zoom
(853x480 CSS px, device scale 1.5) and a 1280x720 CSS viewport at device scale 1.5. Next,
Previous and the keys (arrows, PageUp/PageDown) move the step and the link; the sidebar is
hidden; the guess step shows no answer; the address of a step opens that step in a fresh page;
no text is cut (scrollWidth against clientWidth) on any step."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from risk.odds import liquidation_odds
from tools.appserver import wait_until_idle
from ui import lesson_present as lp
from ui import text

pytestmark = pytest.mark.browser

PROJECTORS = {
    "projector-150%": ({"width": 853, "height": 480}, 1.5),
    "1280x720@1.5": ({"width": 1280, "height": 720}, 1.5),
}
#: Texts that must wrap, never be cut: headings, sentences, numbers, button labels, the link.
CUT = """() => {
    const sel = ['[data-testid="stMetricLabel"]', '[data-testid="stMetricValue"]',
                 '[data-testid="stMain"] h1', '[data-testid="stMain"] h2',
                 '[data-testid="stMain"] [data-testid="stMarkdownContainer"] p',
                 '[data-testid="stMain"] button', '[data-testid="stCaptionContainer"]'];
    const out = [];
    for (const el of document.querySelectorAll(sel.join(','))) {
        for (const e of [el, ...el.querySelectorAll('*')]) {
            if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1) {
                out.push(el.innerText.trim().slice(0, 60));
                break;
            }
        }
    }
    const main = document.querySelector('[data-testid="stMain"]');
    if (main.scrollWidth > main.clientWidth + 1) out.push('the page scrolls sideways');
    return out;
}"""


def answer_text() -> str:
    r = liquidation_odds(
        "long", [50.0], 0.54, 1.0, mmr=0.004, model="history", n_paths=5_000, n_steps=144, seed=0
    )
    return text.pct(float(r.p_liquidation[0]), 1)


@pytest.fixture
def projector(browser) -> Iterator[object]:
    viewport, scale = PROJECTORS["projector-150%"]
    context = browser.new_context(viewport=viewport, device_scale_factor=scale)
    page = context.new_page()
    yield page
    shown = page.locator('[data-testid="stException"]').count()
    context.close()
    assert shown == 0, "a Streamlit exception box was on the page"


def step_heading(page) -> str:
    return page.locator('[data-testid="stMain"] h2').first.inner_text().strip()


def wait_for_step(page, n: int) -> None:
    page.wait_for_function(
        """(n) => { const h = document.querySelector('[data-testid="stMain"] h2');
                     return h && h.innerText.trim().startsWith(n + '.'); }""",
        arg=n,
        timeout=60_000,
    )
    wait_until_idle(page, 60_000)


def test_buttons_and_keys_move_the_step_and_the_guess_shows_no_answer(projector, app_url) -> None:
    page = projector
    page.goto(f"{app_url}/why_50x?present=1&step=1")
    wait_until_idle(page, 120_000)
    assert step_heading(page).startswith("1. The room")
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert page.get_by_role("button", name="Previous").is_disabled()
    page.get_by_role("button", name="Next").click()
    wait_for_step(page, 2)
    assert "step=2" in page.url
    page.locator('[data-testid="stMain"] h2').first.click()  # focus the page, not a field
    page.keyboard.press("ArrowRight")
    wait_for_step(page, 3)
    assert "step=3" in page.url
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "how many are liquidated" in main
    assert answer_text() not in main and "liquidated within a day:" not in main
    page.keyboard.press("PageDown")
    wait_for_step(page, 4)
    assert answer_text() in page.locator('[data-testid="stMain"]').inner_text()
    page.keyboard.press("PageUp")
    wait_for_step(page, 3)
    page.keyboard.press("ArrowLeft")
    wait_for_step(page, 2)
    page.get_by_role("button", name="Previous").click()
    wait_for_step(page, 1)
    assert "step=1" in page.url


def test_the_step_link_opens_the_same_step_in_a_fresh_page(projector, browser, app_url) -> None:
    page = projector
    page.goto(f"{app_url}/why_50x?present=1&step=4&w50_vol=ETH")
    wait_until_idle(page, 120_000)
    page.get_by_role("button", name="Next").click()
    wait_for_step(page, 5)
    link = page.locator("p.ll-step-link a").get_attribute("href")
    assert link is not None and "step=5" in link and "w50_vol=ETH" in link
    heading = step_heading(page)
    student = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=3)
    try:
        fresh = student.new_page()
        fresh.goto(link if link.startswith("http") else f"{app_url}/why_50x{link}")
        wait_until_idle(fresh, 120_000)
        assert step_heading(fresh) == heading
        assert fresh.locator('[data-testid="stPlotlyChart"]').count() == 1
        assert fresh.locator('[data-testid="stException"]').count() == 0
    finally:
        student.close()


@pytest.mark.parametrize("name", list(PROJECTORS))
def test_no_text_is_cut_on_any_step(browser, app_url, name: str) -> None:
    viewport, scale = PROJECTORS[name]
    context = browser.new_context(viewport=viewport, device_scale_factor=scale)
    page = context.new_page()
    try:
        cut = {}
        for step in lp.STEPS:
            page.goto(f"{app_url}/why_50x?present=1&step={step.number}")
            wait_for_step(page, step.number)
            assert page.locator('[data-testid="stException"]').count() == 0, step.number
            found = page.evaluate(CUT)
            if found:
                cut[step.number] = found
        assert cut == {}, name
    finally:
        context.close()
