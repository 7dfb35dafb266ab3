"""The simulations of the "Trailing stops" page, cached in three layers so that a leverage move
only searches the liquidation barrier: the price paths (per market model), where each path first
crosses the stop, the target and the trailing stop (per side and rules), and the outcome at one
leverage.

They live here rather than in the page because a page file runs again on every rerun, and each
cache decorator there rebuilt its function key (reading and hashing the function's source) on
every run. Everything is shared by every session and read-only (``st.cache_resource``: no copy
per rerun; the arrays are marked read-only so that a page cannot change what another session
reads). The library is looked up at call time (``trailing.simulate_prices``), so tests can count
its calls.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import streamlit as st

from risk import trailing  # looked up at call time (tests count the calls)
from risk.trailing import ExitComparison, ExitPaths, ExitRules, PriceModel
from ui.cachecall import by_keyword

#: Sample paths drawn on the page's chart.
SAMPLE_PATHS = 5

#: (volatility a year, gaps a year, mean log gap, spread of the log gap): the market model.
Model = tuple[float, float, float, float]
#: (stop, target, trailing distance, share closed at the target), fractions.
Rules = tuple[float, float, float, float]


def _read_only(*arrays: np.ndarray) -> None:
    for a in arrays:
        if isinstance(a, np.ndarray):
            a.setflags(write=False)


@by_keyword
@st.cache_resource(max_entries=3, show_spinner="Simulating prices…")
def simulated_prices(
    model: Model, horizon_days: float, step_minutes: float, paths: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The price paths, which depend on neither the position nor the rules: a new leverage or
    rule reuses them (up to about 60 MB each, hence only 3 kept)."""
    vol, jumps, jump_mean, jump_std = model
    out = trailing.simulate_prices(
        PriceModel(vol, jumps_per_year=jumps, jump_mean=jump_mean, jump_std=jump_std),
        horizon_days,
        paths=paths,
        step_minutes=step_minutes,
        seed=seed,
    )
    _read_only(*out)
    return out


@by_keyword
@st.cache_resource(max_entries=2, show_spinner="Simulating the exits…")
def prepared_paths(
    side: str,
    rules: Rules,
    model: Model,
    horizon_days: float,
    step_minutes: float,
    paths: int,
    seed: int,
) -> ExitPaths:
    """Where each path first crosses the stop, the target and the trailing stop: depends on
    the paths, the side and the rules, not on the leverage (about as large as the paths,
    hence only 2 kept)."""
    stop, target, trail, share = rules
    _, x, gap = simulated_prices(model, horizon_days, step_minutes, paths, seed)
    out = trailing.prepare_exit_paths(
        x, gap, side, ExitRules(stop, target, trail, partial_share=share)
    )
    _read_only(out.best, out.span_min)
    return out


@by_keyword
@st.cache_resource(max_entries=24, show_spinner=False)  # ~5 ms: a spinner costs more than that
def comparison(
    side: str,
    leverage: float,
    mmr: float,
    rules: Rules,
    model: Model,
    horizon_days: float,
    step_minutes: float,
    paths: int,
    seed: int,
    entry_price: float,
) -> ExitComparison:
    """Every rule's outcome at one leverage on the cached paths (a few hundred KB each)."""
    out = trailing.compare_on_prepared(
        simulated_prices(model, horizon_days, step_minutes, paths, seed)[0],
        prepared_paths(side, rules, model, horizon_days, step_minutes, paths, seed),
        leverage,
        mmr=mmr,
        entry_price=entry_price,
        sample_paths=SAMPLE_PATHS,
    )
    _read_only(out.sample_prices)
    for o in out.outcomes.values():
        _read_only(*(getattr(o, f.name) for f in dataclasses.fields(o)))
    return out
