"""The 'Why 50x is fragile' lesson in a real browser: it opens with its five charts drawn and no
exception box (the ``page`` fixture fails the test if one shows); the volatility preset, the
sidebar leverage, a guess and an upload change what is shown, to the numbers risk/ gives."""

from __future__ import annotations

import pytest

from risk.odds import liquidation_odds
from risk.volatility import typical_move_frac
from tools.appserver import BROWSER_TIMEOUT_MS, metric_text, wait_until_idle
from ui import text

pytestmark = pytest.mark.browser

#: odds by leverage, 5x paths, 50x paths, right-but-liquidated, heatmap, does-it-tell-the-truth
CHARTS = 6


def day_odds(lev: float, vol: float, model: str = "history", **kw) -> float:
    """The page's one-day odds under its default (calibrated) model or ``model`` (closed form
    for GBM; 5,000 paths, 144 steps, seed 0 else)."""
    r = liquidation_odds(
        "long", [lev], vol, 1.0, mmr=0.004, model=model, n_paths=5_000, n_steps=144, seed=0, **kw
    )
    return float(r.p_liquidation[0])


def charts_drawn(page) -> int:
    charts = page.locator('[data-testid="stPlotlyChart"]')
    return sum(charts.nth(i).locator(".main-svg").count() > 0 for i in range(charts.count()))


def wait_for_metric(page, label: str, value: str) -> None:
    page.wait_for_function(
        """([label, value]) => [...document.querySelectorAll('[data-testid="stMetric"]')].some(
            m => m.innerText.includes(label) && m.innerText.includes(value))""",
        arg=[label, value],
        timeout=BROWSER_TIMEOUT_MS,
    )
    wait_until_idle(page, 30_000)


def test_the_lesson_opens_with_its_charts(open_page) -> None:
    page = open_page("why_50x")
    assert page.locator('[data-testid="stMain"] h1').first.inner_text() == "Why 50x is fragile"
    assert charts_drawn(page) == CHARTS
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    assert metric_text(page, "Typical 1-day move") == text.pct(typical_move_frac(0.54, 1.0))
    assert metric_text(page, "50x, 1 day: all liquidations") == text.pct(day_odds(50, 0.54), 1)
    for step in ("1. The room", "4. Odds of liquidation", "8. Which price model?"):
        assert page.locator("h3", has_text=step).count() == 1


def test_the_volatility_preset_changes_the_numbers(open_page) -> None:
    page = open_page("why_50x")
    before = metric_text(page, "Typical 1-day move")
    box = page.locator('[data-testid="stSelectbox"]', has_text="Asset (annualized volatility)")
    # Scroll first: at the window's lower edge the click scrolls the page, and the scroll closes
    # the list it opened (the lesson's new Present button moved the box down to that edge).
    box.scroll_into_view_if_needed()
    box.click()
    page.locator('[role="option"]', has_text="ETH").first.click()
    eth_day = text.pct(typical_move_frac(0.71, 1.0))
    wait_for_metric(page, "Typical 1-day move", eth_day)
    assert metric_text(page, "Typical 1-day move") == eth_day != before
    assert metric_text(page, "50x, 1 day: all liquidations") == text.pct(day_odds(50, 0.71), 1)
    assert charts_drawn(page) == CHARTS
    assert "w50_vol=ETH" in page.url  # a link to this lesson with ETH


def test_the_sidebar_leverage_moves_your_odds(open_page) -> None:
    page = open_page("why_50x")
    assert metric_text(page, "Your 10x: liquidated within 1 day") == text.pct(day_odds(10, 0.54), 1)
    thumb = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]')
    thumb.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    expected = text.pct(day_odds(20, 0.54), 1)
    wait_for_metric(page, "Your 20x: liquidated within 1 day", expected)
    assert metric_text(page, "Your 20x: liquidated within 1 day") == expected
    assert "lev=20" in page.url
    # The slider reruns only the lesson's fragment (ui.leverage_scope), which redraws what shows
    # the leverage in its places further up: each once, at 20x, none left at 10x.
    main = page.locator('[data-testid="stMain"]')
    assert main.get_by_text("Scenario: Binance · BTCUSDT long").count() == 1
    assert main.get_by_text("USDT margin at 20x · liquidation").count() == 1
    assert main.get_by_text("At the sidebar's 20x it is liquidated at").count() == 1
    assert main.get_by_text("At the sidebar's 10x").count() == 0
    assert page.locator('[data-testid="stMetric"]', has_text="Your 10x").count() == 0
    assert page.locator('[data-testid="stMetric"]', has_text="Your 20x").count() == 3
    assert page.locator('[data-testid="stSlider"]', has_text="Leverage").count() == 1
    assert charts_drawn(page) == CHARTS

    # A whole-page rerun (another sidebar widget), then the slider again: still each once.
    fee = page.get_by_role("spinbutton", name="Taker fee (%)")
    fee.fill("0.04")
    fee.press("Enter")
    wait_until_idle(page, 30_000)
    thumb.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    wait_for_metric(page, "Your 25x: liquidated within 1 day", text.pct(day_odds(25, 0.54), 1))
    assert main.get_by_text("USDT margin at 25x · liquidation").count() == 1
    assert main.get_by_text("At the sidebar's 25x it is liquidated at").count() == 1
    assert page.locator('[data-testid="stMetric"]', has_text="Your ").count() == 3
    assert page.locator('[data-testid="stSlider"]', has_text="Leverage").count() == 1
    assert charts_drawn(page) == CHARTS


def test_a_link_opens_the_teacher_view_with_fat_tails(open_page) -> None:
    page = open_page(
        "why_50x", w50_teacher="true", w50_model="Fat tails (Student-t)", w50_vol="ETH"
    )
    for lev in (2, 10, 50):
        p = day_odds(lev, 0.71, model="student-t", df=3.0)
        assert metric_text(page, f"{lev}x: liquidated within a day") == text.pct(p, 2)
    assert page.locator("text=Model in use:").count() == 1
    assert charts_drawn(page) == CHARTS


def test_guess_then_reveal(open_page) -> None:
    page = open_page("why_50x")
    reveal = page.get_by_role("button", name="Reveal the answer")
    assert reveal.is_disabled()
    box = page.locator('[data-testid="stNumberInput"]', has_text="Your guess").locator("input")
    box.fill("10")
    box.press("Enter")
    wait_until_idle(page)
    reveal.click()
    expected = text.pct(day_odds(50, 0.54), 1)
    wait_for_metric(page, "The model's answer", expected)
    assert metric_text(page, "Your guess") == "10.0%"
    assert page.locator("strong", has_text="Too low.").count() == 1


def test_a_bad_upload_names_the_column_and_the_page_keeps_working(open_page) -> None:
    page = open_page("why_50x", w50_model="Your price history (CSV)")
    rows = "".join(
        f"2024-05-01T{h:02d}:{m:02d}:00,{100 + m / 10:.1f}\n"
        for h in range(5)
        for m in range(0, 60, 5)
    )
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[
            {
                "name": "prices.csv",
                "mimeType": "text/csv",
                "buffer": f"timestamp,price\n{rows}".encode(),
            }
        ]
    )
    page.wait_for_selector('[data-testid="stAlertContentError"]', timeout=BROWSER_TIMEOUT_MS)
    wait_until_idle(page, 30_000)
    error = page.locator('[data-testid="stAlertContentError"]').first.inner_text()
    assert "prices.csv cannot be used: column 'close' is missing" in error
    assert "uses normal moves (GBM)" in error
    assert charts_drawn(page) == CHARTS
    assert metric_text(page, "50x, 1 day: all liquidations") == text.pct(
        day_odds(50, 0.54, model="gbm"), 1
    )
