"""The lesson's presentation mode through AppTest: the link's step opens, Next and Previous move
it (and the link), no element on the guess step or before it shows the answer (the one-day odds
at 50x, re-derived with risk/ under the page's settings), the answer step compares the class's
guess, a step the lesson does not have is named in a notice, and the lesson's settings in the
link hold in the mode (no "not a setting of this page" notice)."""

from __future__ import annotations

import numpy as np
import pytest

from risk.odds import liquidation_odds
from risk.volatility import typical_move_frac
from ui import lesson_present as lp
from ui import text
from ui.testing import app_test, chart_specs, metric

PAGE = "pages/why_50x.py"


def present(step: str | None = "1", **params: str):
    q = {"present": "1", **params}
    if step is not None:
        q["step"] = step
    return app_test(PAGE, query_params=q)


def day_odds_50x(vol: float = 0.54) -> float:
    """The page's default: the calibrated model, 5,000 paths, 144 steps, seed 0, 0.4%."""
    r = liquidation_odds(
        "long", [50.0], vol, 1.0, mmr=0.004, model="history", n_paths=5_000, n_steps=144, seed=0
    )
    return float(r.p_liquidation[0])


def everything_shown(at) -> str:
    """Every text the main area and the sidebar would draw (markdown, metrics, headers,
    captions, alerts, widget labels)."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "header", "subheader", "title", "warning", "info",
                 "error", "success"):  # fmt: skip
        parts += [str(e.value) for e in at.get(kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [str(w.label) for w in at.button] + [str(w.label) for w in at.number_input]
    return "\n".join(parts)


def header(at) -> str:
    return at.header[0].value


def test_the_link_opens_its_step() -> None:
    at = present("5")
    assert not at.exception
    assert header(at) == "5. Odds of liquidation: an hour, a day, a week"
    assert len(at.get("plotly_chart")) == 1
    assert at.button(key="present_prev").disabled is False


def test_next_and_previous_move_the_step_and_the_link() -> None:
    at = present("1")
    assert header(at).startswith("1. The room")
    assert at.button(key="present_prev").disabled
    at.button(key="present_next").click().run()
    assert header(at).startswith("2. A normal hour")
    assert at.query_params["step"] == "2" and at.query_params["present"] == "1"
    assert metric(at, "Typical 1-day move") == text.pct(typical_move_frac(0.54, 1.0))
    at.button(key="present_next").click().run()
    at.button(key="present_prev").click().run()
    assert header(at).startswith("2.") and at.query_params["step"] == "2"


def test_the_last_step_has_no_next() -> None:
    at = present(str(len(lp.STEPS)))
    assert header(at).startswith(f"{len(lp.STEPS)}. What to remember")
    assert at.button(key="present_next").disabled


def test_the_guess_comes_before_any_answer() -> None:
    answer = text.pct(day_odds_50x(), 1)
    for step in range(1, lp.GUESS_STEP + 1):
        at = present(str(step))
        assert not at.exception
        shown = everything_shown(at)
        assert answer not in shown, step
        assert "liquidated within a day" not in shown.replace("% liquidated within a day", "")
    assert at.number_input(key="present_guess").value is None  # the guess step has the box
    at.number_input(key="present_guess").set_value(5.0).run()
    assert answer not in everything_shown(at)  # typing a guess reveals nothing
    at.button(key="present_next").click().run()
    assert header(at) == "4. The answer"
    assert metric(at, "50x: liquidated within a day") == answer
    assert metric(at, "Your guess") == "5.0%"
    assert any("**Too low.**" in m.value for m in at.markdown)
    at.button(key="present_prev").click().run()  # back to the guess: it is still there
    assert header(at) == "3. Guess first"
    assert at.number_input(key="present_guess").value == 5.0
    assert not at.warning and not at.exception


def test_the_answer_step_without_a_guess_shows_the_answer_only() -> None:
    at = present(str(lp.ANSWER_STEP))
    assert metric(at, "50x: liquidated within a day") == text.pct(day_odds_50x(), 1)
    assert not [m for m in at.metric if m.label == "Your guess"]


@pytest.mark.parametrize("raw", ["99", "0", "two", "2.5"])
def test_a_step_the_lesson_does_not_have_is_named(raw: str) -> None:
    at = present(raw)
    assert not at.exception
    notices = [w.value for w in at.warning if "step=" in w.value]
    assert notices == [
        f"The link asks for step={raw}, which this lesson does not have (steps go from 1 to "
        f"{len(lp.STEPS)}): it opens on step 1."
    ]
    assert header(at).startswith("1. The room")


def test_the_lessons_settings_in_the_link_hold() -> None:
    at = present("2", w50_vol="ETH", w50_teacher="true", w50_horizon="1 week")
    assert not at.exception
    assert metric(at, "Typical 1-day move") == text.pct(typical_move_frac(0.71, 1.0))
    assert not [w for w in at.warning if "could not be followed" in w.value]
    at = present("7", w50_horizon="1 week")
    assert metric(at, "50x, 1 week: all liquidations")


def test_a_setting_the_link_cannot_have_is_named_in_the_mode_too() -> None:
    at = present("2", w50_vol="Moon coin")
    assert not at.exception
    (notice,) = [w.value for w in at.warning if "could not be followed" in w.value]
    assert "w50_vol=Moon coin" in notice
    assert metric(at, "Typical 1-day move") == text.pct(typical_move_frac(0.54, 1.0))


def test_the_scrolling_lesson_opens_the_presentation_and_comes_back() -> None:
    at = app_test(PAGE)
    assert at.subheader[0].value.startswith("1.")  # the whole lesson, step after step
    at.button(key="w50_present").click().run()
    assert at.query_params["present"] == "1" and at.query_params["step"] == "1"
    assert header(at).startswith("1. The room")
    at.button(key="present_exit").click().run()
    assert "present" not in at.query_params
    assert at.get("subheader") and not at.get("header")


def test_the_heatmap_step_shows_the_lessons_odds() -> None:
    """Step 8's heatmap at 50x for the default volatility (54% a year, the day's horizon) is the
    one-day odds at 50x by risk/ itself (the chart's z is in percent)."""
    at = present("8")
    assert not at.exception
    (spec,) = chart_specs(at)
    (heat,) = [t for t in spec["data"] if t["type"] == "heatmap"]
    row = next(i for i, label in enumerate(heat["y"]) if "(54%)" in label)
    col = heat["x"].index("50x")
    z_pct = float(np.asarray(heat["z"])[row][col])
    assert z_pct == pytest.approx(100 * day_odds_50x(), abs=1e-9)


def test_the_links_leverage_is_the_one_marked() -> None:
    """The lesson draws the sidebar's leverage slider itself (ui.leverage_scope); a link's
    leverage reaches the session only when the slider is made, so in the presentation it is made
    before the odds chart marks 'Your leverage' (it was marked at the default 10x)."""
    at = present("5", lev="20")
    assert not at.exception
    (spec,) = chart_specs(at)
    (yours,) = [t for t in spec["data"] if t.get("name") == "Your leverage"]
    assert list(yours["x"]) == [20.0, 20.0]
    assert at.slider(key="lev").value == 20
