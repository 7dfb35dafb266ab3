"""ui.words: the library's own refusals, raised by calling it with bad values, come out as
sentences in the fields' words, with no raw parameter name and the numbers kept."""

from __future__ import annotations

import pytest

from risk import Position, get_venue
from risk.journal.planning import plan_sizing
from risk.sequence import fixed_risk_policy, martingale_policy
from risk.sizing import size_from_risk
from risk.trailing import PriceModel
from ui import words

BTC = get_venue("binance", "BTCUSDT")


def refusal(call) -> str:
    with pytest.raises(ValueError) as info:
        call()
    return str(info.value)


CASES = [
    (lambda: Position("long", 0.0, 0.05, leverage=10), "The entry price", "0"),
    (lambda: Position("long", 100_000.0, -1.0, leverage=10), "The quantity", "-1"),
    (
        lambda: size_from_risk(10_000, 2.0, 100_000, 98_000, side="long", venue=BTC),
        "The maximum loss per trade is 200%",
        "100%",
    ),
    (
        lambda: plan_sizing("long", 100_000, 105_000, 10_000, 0.01, venue=BTC, leverage=10),
        "The stop",
        "105000",
    ),
    (lambda: fixed_risk_policy(0.0, 1.5), "The maximum loss per trade is 0%", "100%"),
    (lambda: martingale_policy(0.02, 1.5, 2.0, 0.01), "The max risk frac is 0.01", "0.02"),
    (lambda: PriceModel(50.0), "The volatility is 5,000%", "2,000%"),
]


@pytest.mark.parametrize(("call", "start", "number"), CASES)
def test_library_refusals_become_sentences(call, start, number) -> None:
    raw = refusal(call)
    assert "=" in raw  # the library's message names a parameter as code does
    out = words.sentence(raw)
    assert out.startswith(start), out
    assert number in out and out.endswith(".")
    assert not words.has_raw_name(out), out


def test_a_pages_labels_and_percent_fields_win() -> None:
    raw = refusal(lambda: martingale_policy(0.02, 1.5, 2.0, 0.01))
    out = words.sentence(raw, {"max_risk_frac": "the cap"}, {"max_risk_frac"})
    assert out == "The cap is 1%, but it must be at least 2% and at most 100%."


def test_phrase_follows_a_colon() -> None:
    raw = refusal(lambda: Position("long", 0.0, 0.05, leverage=10))
    assert f"Not saved: {words.phrase(raw)}." == (
        "Not saved: the entry price is 0, but it must be above 0."
    )


def test_a_choice_and_a_message_without_a_name() -> None:
    raw = refusal(lambda: Position("up", 100_000.0, 0.05, leverage=10))
    assert words.sentence(raw) == "The side 'up' is not known; it must be one of: long, short."
    assert words.sentence("the file is empty") == "The file is empty."


def test_a_refused_value_that_is_a_markdown_image_stays_text() -> None:
    """The page's sentence repeats the refused value; an image in it must not render (load)."""
    out = words.sentence(ValueError("entry='![x](http://127.0.0.1:9/p.png)' is not a number"))
    assert "![" not in out
    assert "http://127.0.0.1:9/p.png" in out  # shown as typed, only made inert
