"""The sidebar's leverage slider after its maximum changes (issue 15): the slider is a new widget
then, and it must not take a stale value above the new maximum."""

from __future__ import annotations

import pytest

from ui.testing import app_test

SEQUENCES = [
    # the fuzz suite's finds: a typed maintenance rate lowers the maximum, the slider is moved,
    # a higher rate lowers it again
    [("ex", "okx"), ("mmr", 20.6), ("lev", 2), ("mmr", 49.0)],
    [("ex", "hyperliquid"), ("ex", "okx"), ("lev", 2), ("mmr", 49.0)],
    [("ex", "hyperliquid"), ("ex", "okx"), ("mmr", 49.0), ("mmr", 20.6), ("lev", 3), ("mmr", 49.0)],
]
KIND = {"ex": "selectbox", "mmr": "number_input", "lev": "slider"}


@pytest.mark.parametrize("steps", SEQUENCES)
def test_the_leverage_slider_follows_a_lower_maximum(steps) -> None:
    at = app_test("pages/liquidation_map.py")
    for key, value in steps:
        getattr(at, KIND[key])(key=key).set_value(value).run()
        assert not at.exception, (key, value, [e.value for e in at.exception])
    # 49% typed: 0.999 / 0.49 -> at most 2x
    assert at.slider(key="lev").value <= 2
    assert not [w.value for w in at.warning if "Session State" in w.value]


@pytest.mark.parametrize("page", ["pages/liquidation_map.py", "pages/why_50x.py"])
def test_a_link_to_an_inverse_symbol_opens_without_a_traceback(page) -> None:
    at = app_test(page, query_params={"ex": "bybit", "sym": "BTCUSD"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.slider(key="lev").value >= 1
