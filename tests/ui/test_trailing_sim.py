"""ui.trailing_sim: the Trailing stops page's three cached layers give what the library gives
in one call, share the paths between leverages, and hand out read-only results (they are
shared by every session)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import streamlit as st

import risk.trailing
from risk.trailing import RULES, ExitRules, PriceModel, compare_exit_rules
from ui import trailing_sim

MODEL = (0.8, 200.0, -0.02, 0.02)  # volatility, gaps a year, mean and spread of the log gap
RULES_T = (0.02, 0.04, 0.02, 0.5)


def cached(leverage: float, side: str = "long"):
    return trailing_sim.comparison(side, leverage, 0.004, RULES_T, MODEL, 1.0, 15.0, 400, 7, 5e4)


def direct(leverage: float, side: str = "long"):
    return compare_exit_rules(
        side,
        leverage,
        ExitRules(0.02, 0.04, 0.02, partial_share=0.5),
        PriceModel(0.8, jumps_per_year=200.0, jump_mean=-0.02, jump_std=0.02),
        1.0,
        mmr=0.004,
        entry_price=5e4,
        paths=400,
        step_minutes=15.0,
        seed=7,
        sample_paths=trailing_sim.SAMPLE_PATHS,
    )


@pytest.fixture(autouse=True)
def _fresh() -> None:
    st.cache_resource.clear()


@pytest.mark.parametrize(("leverage", "side"), [(3.0, "long"), (40.0, "long"), (25.0, "short")])
def test_the_cached_layers_give_the_librarys_result(leverage: float, side: str) -> None:
    got, want = cached(leverage, side), direct(leverage, side)
    assert got.liquidation_price == pytest.approx(want.liquidation_price)
    np.testing.assert_array_equal(got.sample_prices, want.sample_prices)
    for rule in RULES:
        np.testing.assert_array_equal(got.outcomes[rule].roi, want.outcomes[rule].roi)
        np.testing.assert_array_equal(got.outcomes[rule].exit_index, want.outcomes[rule].exit_index)


def test_leverages_share_the_paths_and_the_barriers(monkeypatch) -> None:
    calls: list[str] = []
    for name in ("simulate_prices", "prepare_exit_paths", "exits_at_leverage"):
        real = getattr(risk.trailing, name)

        def counted(*a, _real=real, _name=name, **k):
            calls.append(_name)
            return _real(*a, **k)

        monkeypatch.setattr(risk.trailing, name, counted)
    for lev in (2.0, 10.0, 50.0, 10.0):
        cached(lev)
    assert calls.count("simulate_prices") == 1
    assert calls.count("prepare_exit_paths") == 1
    assert calls.count("exits_at_leverage") == 3  # 10x the second time is a cache hit


def test_shared_results_cannot_be_changed_by_a_reader() -> None:
    res = cached(10.0)
    arrays = [res.sample_prices]
    for o in res.outcomes.values():
        arrays += [getattr(o, f.name) for f in dataclasses.fields(o)]
    arrays = [a for a in arrays if isinstance(a, np.ndarray)]
    assert len(arrays) >= 1 + 3 * 7
    for a in arrays:
        with pytest.raises(ValueError, match="read-only"):
            a[...] = 0
    t, x, gap = trailing_sim.simulated_prices(MODEL, 1.0, 15.0, 400, 7)
    for a in (t, x, gap):
        assert not a.flags.writeable
