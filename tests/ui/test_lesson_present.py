"""The presentation mode's pure parts: which step a link opens, what each step shows, that no
step up to the guess quotes an odds of liquidation, and the rooms and moves re-derived by hand
(Binance's isolated-margin formula without fees, square-root-of-time moves)."""

from __future__ import annotations

import math
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from risk.odds import liquidation_odds
from ui import lesson_present as lp
from ui import model, text

MMR = 0.004
VOL = 0.54
GRID = model.odds_leverage_grid(MMR)


def results_gbm(side: str = "long", vol: float = VOL) -> dict:
    return {
        label: liquidation_odds(side, GRID, vol, days, mmr=MMR, model="gbm", n_steps=steps)
        for label, (days, steps) in {"1 hour": (1 / 24, 60), "1 day": (1.0, 144)}.items()
    }


@pytest.fixture(scope="module")
def facts() -> lp.LessonFacts:
    return lp.lesson_facts(
        side="long",
        market="BTC typical",
        vol_annual=VOL,
        model_label="Normal moves (GBM)",
        mmr=MMR,
        results=results_gbm(),
    )


def phi(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2))


def gbm_touch(barrier_log: float, vol: float, days: float) -> float:
    """P(a driftless GBM's log price touches -barrier by ``days``): reflection principle,
    2 * N(-b / (sigma sqrt t)) (the drift -sigma^2/2 of the log is left in by risk/; the
    tolerance below covers it)."""
    s = vol * math.sqrt(days / 365)
    return 2 * phi(-barrier_log / s)


@pytest.mark.parametrize(
    ("raw", "step"),
    [(None, 1), ("", 1), ("1", 1), ("3", 3), (" 9 ", 9), ("4.0", 4)],
)
def test_a_step_the_lesson_has_opens_without_a_notice(raw, step) -> None:
    assert lp.parse_step(raw) == lp.StepChoice(step, None)


@pytest.mark.parametrize("raw", ["0", "10", "99", "-1", "2.5", "abc", "inf", "nan", "1e400"])
def test_a_step_it_does_not_have_opens_step_1_and_says_so(raw) -> None:
    choice = lp.parse_step(raw)
    assert choice.step == 1
    assert choice.notice is not None
    assert f"step={raw}" in choice.notice and f"from 1 to {len(lp.STEPS)}" in choice.notice


@given(st.text(max_size=30))
def test_any_step_value_gives_a_step_of_the_lesson(raw: str) -> None:
    choice = lp.parse_step(raw)
    assert 1 <= choice.step <= len(lp.STEPS)
    assert (choice.notice is None) == (not raw.strip() or _whole_in_range(raw))


def _whole_in_range(raw: str) -> bool:
    try:
        x = float(raw)
    except ValueError:
        return False
    return math.isfinite(x) and x == int(x) and 1 <= x <= len(lp.STEPS)


@pytest.mark.parametrize(("raw", "on"), [("1", True), ("true", True), ("On", True), ("0", False),
                                         ("", False), (None, False), ("no", False)])  # fmt: skip
def test_present_turns_the_mode_on(raw, on) -> None:
    assert lp.presenting(raw) is on


def test_the_step_link_keeps_the_settings_and_names_the_step() -> None:
    link = lp.step_link("http://class.local:8501/why_50x?old=1", {"w50_vol": "ETH", "step": "2"}, 5)
    parts = urlsplit(link)
    assert parts.path == "/why_50x" and "old" not in parts.query
    assert parse_qs(parts.query) == {"w50_vol": ["ETH"], "present": ["1"], "step": ["5"]}


def test_the_steps_are_numbered_in_order_and_the_guess_comes_before_the_answer() -> None:
    assert [s.number for s in lp.STEPS] == list(range(1, len(lp.STEPS) + 1))
    assert lp.STEPS[lp.GUESS_STEP - 1].name == "guess"
    assert lp.ANSWER_STEP == lp.GUESS_STEP + 1
    assert lp.STEPS[lp.ANSWER_STEP - 1].name == "answer"


def test_rooms_and_moves_match_the_formulas(facts) -> None:
    # isolated long, no fees: LP = EP (1 - 1/L) / (1 - mmr) (Binance's liquidation formula)
    for lev, naive, room in facts.rooms:
        assert naive == pytest.approx(1 / lev)
        assert room == pytest.approx(1 - (1 - 1 / lev) / (1 - MMR), rel=1e-9)
    assert [lev for lev, _, _ in facts.rooms] == [2.0, 5.0, 10.0, 20.0, 50.0, 100.0]
    assert facts.high_room == pytest.approx(1 - 0.98 / 0.996)
    assert facts.move_1h == pytest.approx(VOL * math.sqrt(1 / 24 / 365))
    assert facts.move_1d == pytest.approx(VOL * math.sqrt(1 / 365))
    # one typical move reaches the room after t = 8760 h * (room / vol)^2: 7.8 hours
    assert facts.reach_hours == pytest.approx(8760 * (facts.high_room / VOL) ** 2)
    assert f"{facts.reach_hours:.1f}" == "7.8"


def test_the_answer_is_the_day_odds_at_50x(facts) -> None:
    b = -math.log(1 - facts.high_room)
    assert facts.day_odds[50.0] == pytest.approx(gbm_touch(b, VOL, 1.0), abs=0.01)
    assert facts.day_odds[2.0] < facts.day_odds[10.0] < facts.day_odds[50.0]


def test_a_rate_that_forbids_50x_drops_it_from_the_rooms_and_the_answer() -> None:
    grid = model.odds_leverage_grid(0.03)  # 1 / 0.03 = 33x at most
    res = {"1 day": liquidation_odds("long", grid, VOL, 1.0, mmr=0.03, model="gbm")}
    f = lp.lesson_facts(side="long", market="m", vol_annual=VOL, model_label="GBM", mmr=0.03,
                        results=res)  # fmt: skip
    assert 50.0 not in [lev for lev, _, _ in f.rooms] and f.high_room is None
    assert 50.0 not in f.day_odds
    view = lp.step_view(lp.ANSWER_STEP, f)
    assert "not possible" in view.lines[0]
    assert "not possible" in " ".join(lp.step_view(2, f).lines)


def test_no_step_up_to_the_guess_shows_an_odds_and_the_next_one_does(facts) -> None:
    for step in range(1, lp.GUESS_STEP + 1):
        view = lp.step_view(step, facts)
        assert not view.reveals_answer and view.chart is None
        assert not lp.answer_on_screen(view, facts), step
        assert "liquidated within" not in " ".join(label for label, _ in view.metrics)
    guess = lp.step_view(lp.GUESS_STEP, facts)
    assert guess.asks_guess and "how many are liquidated" in guess.lines[0]
    answer = lp.step_view(lp.ANSWER_STEP, facts)
    assert answer.reveals_answer and lp.answer_on_screen(answer, facts)
    assert (f"{text.lev(50)}: liquidated within a day", text.pct(facts.day_odds[50.0], 1)) in (
        answer.metrics
    )


def test_the_answer_step_compares_the_guess(facts) -> None:
    answer = facts.day_odds[50.0]
    low = lp.step_view(lp.ANSWER_STEP, facts, guess_frac=0.05)
    assert ("Your guess", "5.0%") in low.metrics
    assert "**Too low.**" in low.lines[1] and f"{answer / 0.05:.1f} times" in low.lines[1]
    right = lp.step_view(lp.ANSWER_STEP, facts, guess_frac=answer)
    assert "**About right.**" in right.lines[1]
    high = lp.step_view(lp.ANSWER_STEP, facts, guess_frac=0.99)
    assert "**Too high.**" in high.lines[1]


def test_every_step_has_a_view_and_an_out_of_range_one_is_refused(facts) -> None:
    charts = [lp.step_view(s.number, facts).chart for s in lp.STEPS]
    assert charts == [None, None, None, None, "odds", "paths", "right", "heatmap", None]
    for bad in (0, len(lp.STEPS) + 1):
        with pytest.raises(ValueError, match="step"):
            lp.step_view(bad, facts)


def test_chart_figures_draw_what_the_data_holds(facts) -> None:
    res = results_gbm()
    charts = lp.LessonCharts(
        grid=GRID,
        odds_by_horizon={k: r.p_liquidation for k, r in res.items()},
        right=res["1 day"],
    )
    (odds,) = lp.chart_figures("odds", charts)
    assert [t.name for t in odds.data][:2] == ["1 hour", "1 day"]
    np.testing.assert_allclose(
        odds.data[1].y, np.asarray(res["1 day"].p_liquidation) * 100, equal_nan=True
    )
    assert len(lp.chart_figures("right", charts)) == 1
    assert lp.chart_figures("paths", charts) == []  # no paths given
    assert lp.chart_figures("heatmap", charts) == []
    assert lp.chart_figures(None, charts) == []
