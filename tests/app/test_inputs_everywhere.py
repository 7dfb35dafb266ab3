"""Input that is never stale, on the simulation pages too: a number typed out of range is named
under its field in a sentence, and every result that depends on it disappears (no metric, no
chart, no table shows the previous value as current) until an allowed value is typed."""

from __future__ import annotations

import pytest

from ui.testing import app_test

#: (page, widgets to set before, the field's key, the bad value, the field's label, a good value)
CASES = [
    ("pages/trailing_stops.py", {}, "ts_stop", 0.0, "Fixed stop (% from entry)", 2.0),
    ("pages/trailing_stops.py", {}, "ts_stop", 80.0, "Fixed stop (% from entry)", 2.0),
    ("pages/trailing_stops.py", {}, "ts_target", 150.0, "Target (% from entry)", 4.0),
    ("pages/trailing_stops.py", {}, "ts_trail", -1.0, "Trailing distance (%)", 2.0),
    ("pages/trailing_stops.py", {}, "ts_jumps", 5_000.0, "Gaps per year", 50.0),
    ("pages/trailing_stops.py", {}, "ts_gap_mean", -50.0, "Average gap (%)", -3.0),
    ("pages/trailing_stops.py", {"ts_vol": "custom"}, "ts_vol_pct", 1.0, "Volatility", 60.0),
    ("pages/trailing_stops.py", {}, "ts_seed", 2_000_000, "Random seed", 0),
    ("pages/trade_sequence.py", {}, "sq_rr", 0.0, "Reward-to-risk", 1.5),
    ("pages/trade_sequence.py", {}, "sq_small", 50.0, "Fixed small risk", 1.0),
    ("pages/trade_sequence.py", {}, "sq_lev", 1_000.0, "Fixed high leverage", 20.0),
    ("pages/trade_sequence.py", {}, "sq_margin", 0.0, "Margin posted", 25.0),
    ("pages/trade_sequence.py", {}, "sq_stop", -2.0, "Stop distance", 2.0),
    ("pages/trade_sequence.py", {}, "sq_mult", 0.5, "Stake multiplier", 2.0),
    ("pages/trade_sequence.py", {}, "sq_seed", -1, "Random seed", 0),
    ("pages/correlated_positions.py", {}, "cp_wallet", 0.0, "Wallet (USDT)", 1_000.0),
    ("pages/correlated_positions.py", {}, "cp_mmr", 20.0, "Maintenance rate (%)", 0.4),
    ("pages/correlated_positions.py", {}, "cp_notional0", 1.0, "Notional (USDT)", 10_000.0),
    ("pages/correlated_positions.py", {}, "cp_vol1", 1_000.0, "Volatility (% a year)", 60.0),
    ("pages/correlated_positions.py", {}, "cp_rho01", 1.5, "/", 0.8),
    ("pages/correlated_positions.py", {}, "cp_seed", 1e7, "Random seed", 0),
    ("pages/why_50x.py", {"w50_vol": "Custom"}, "w50_vol_pct", 0.0, "Volatility", 60.0),
    ("pages/why_50x.py", {}, "w50_seed", -5, "Random seed", 0),
]


def results(at) -> tuple[int, int, int]:
    return len(at.metric), len(at.get("plotly_chart")), len(at.dataframe)


def set_widget(at, key: str, value) -> None:
    widget = at.number_input(key=key) if isinstance(value, int | float) else at.selectbox(key=key)
    widget.set_value(value).run()


@pytest.mark.parametrize(("page", "before", "key", "bad", "label", "good"), CASES)
def test_an_out_of_range_value_is_named_and_no_result_stays(
    page, before, key, bad, label, good
) -> None:
    at = app_test(page)
    for k, v in before.items():
        set_widget(at, k, v)
    assert not at.exception and not at.error, [e.value for e in at.error]
    shown = results(at)
    assert shown[0] + shown[1] >= 2  # the page shows results before
    set_widget(at, key, bad)
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert len(errors) == 1, errors
    assert label in errors[0] and "Results are hidden" in errors[0], errors[0]
    assert at.number_input(key=key).value == bad  # what was typed stays in the field
    # every result that depended on it is gone: none shows the previous value as current
    assert results(at) == (0, 0, 0), results(at)
    assert any("appear once every field above holds an allowed value" in i.value for i in at.info)
    set_widget(at, key, good)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert results(at) == shown


def test_the_guess_out_of_range_is_named_and_cannot_be_revealed() -> None:
    at = app_test("pages/why_50x.py")
    at.number_input(key="w50_guess").set_value(150.0).run()
    assert not at.exception
    (error,) = at.error
    assert "Your guess" in error.value and "at most 100" in error.value
    assert at.button(key="w50_reveal").disabled
    assert not [m for m in at.metric if m.label == "The model's answer"]
