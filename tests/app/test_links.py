"""Crafted links (issue 15): a link value no widget can use opens the page on its defaults with a
notice naming the key and the value, never a traceback. The guard is ui/urlguard.py, run by
app.py before any widget."""

from __future__ import annotations

import pytest

from ui import urlguard
from ui.testing import app_test

# (page, key, value): each crashed its page with a traceback on every rerun before the guard.
CRAFTED = [
    ("pages/why_50x.py", "w50_seed", "inf"),
    ("pages/why_50x.py", "w50_seed", "-inf"),
    ("pages/correlated_positions.py", "cp_seed", "inf"),
    ("pages/trade_sequence.py", "sq_seed", "-inf"),
    ("pages/trailing_stops.py", "ts_seed", "inf"),
    ("pages/why_50x.py", "w50_paths", ""),
    ("pages/correlated_positions.py", "cp_paths", ""),
    ("pages/trade_sequence.py", "sq_paths", ""),
    ("pages/trailing_stops.py", "ts_paths", ""),
    ("pages/liquidation_map.py", "side", ""),
    ("pages/funding_drag.py", "fr_int", ""),
    ("pages/trade_plan.py", "side", ""),
]


@pytest.mark.parametrize(("page", "key", "value"), CRAFTED)
def test_a_crafted_link_opens_the_page_on_defaults_with_a_notice(page, key, value) -> None:
    at = app_test(query_params={key: value})  # the link opened: app.py's first run
    assert not at.exception, [e.value for e in at.exception]
    notices = [w.value for w in at.warning]
    assert any(f"`{key}=" in n and repr(value) in n for n in notices), notices
    assert key not in at.query_params
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value


def test_the_sidebar_side_falls_back_to_long() -> None:
    at = app_test("pages/trade_plan.py", query_params={"side": ""})
    assert not at.exception
    assert at.segmented_control(key="side").value == "long"


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("inf", "finite"),
        ("-Infinity", "finite"),
        ("NaN", "finite"),
        ("1e400", "finite"),
        ("a\x00b", "control"),
        ("x" * (urlguard.MAX_VALUE_CHARS + 1), "characters long"),
    ],
)
def test_unusable_values_are_named(value, why) -> None:
    assert why in urlguard.problem(value)


@pytest.mark.parametrize("value", ["10", "-3.5", "1e9", "long", "BTCUSDT", "1.2.3", "0"])
def test_usable_values_pass(value) -> None:
    assert urlguard.problem(value) is None


def test_streamlit_embed_keys_are_left_alone() -> None:
    assert urlguard.problems({"embed": "", "lev": ["10", ""]}) == {"lev": ("", "it is empty")}


@pytest.mark.parametrize(("page", "key", "value"), CRAFTED)
def test_a_crafted_link_to_the_page_itself_opens_it_on_defaults(page, key, value) -> None:
    """The same links opened on their own page: that page's first run gets the link."""
    at = app_test(page, query_params={key: value})
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"`{key}=" in w.value for w in at.warning), [w.value for w in at.warning]
    assert at.title[0].value


# A Markdown image in a link: rendered, the visitor's browser would fetch it (a tracking pixel).
PIXEL = "![x](http://127.0.0.1:9/pixel.png)"


@pytest.mark.parametrize(
    ("key", "marker"),
    [
        ("x", "not a setting of this page"),  # a key the page does not have
        ("ex", "ex="),  # a value the widget refuses (an unknown exchange), repeated in the notice
    ],
)
def test_a_link_notice_shows_an_image_in_the_link_as_text(key, marker) -> None:
    at = app_test("pages/liquidation_map.py", query_params={key: PIXEL})
    assert not at.exception, [e.value for e in at.exception]
    notices = [w.value for w in at.warning if marker in w.value]
    assert notices, [w.value for w in at.warning]
    assert not any("![" in n for n in notices), notices


def test_an_unusable_value_cannot_end_the_notices_code_span() -> None:
    """A value too long to use is shown shortened inside a code span; a backtick in it would end
    the span and let the image after it render."""
    value = "`" + PIXEL + "x" * urlguard.MAX_VALUE_CHARS
    at = app_test("pages/liquidation_map.py", query_params={"lm_vol": value})
    assert not at.exception, [e.value for e in at.exception]
    notices = [w.value for w in at.warning if "lm_vol=" in w.value]
    assert len(notices) == 1, [w.value for w in at.warning]
    assert notices[0].count("`") == 2, notices
