"""The simulations of two pitfalls-lab pages, "Correlated positions" and "A sequence of trades",
cached on their model's parameters only.

They live here rather than in the pages because a page file runs again on every rerun, and each
cache decorator there rebuilt its function key (reading and hashing the function's source) on
every run. ``st.cache_data``: each session gets its own copy of a result. The library is looked
up at call time, so tests can count its calls.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from risk import correlated, sequence  # looked up at call time (tests count the calls)
from risk.correlated import AccountOdds, CrossPosition, OddsCurve
from risk.sequence import SequenceResult
from ui.cachecall import by_keyword

#: Sample account paths drawn on the Correlated positions page.
ACCOUNT_SAMPLE_PATHS = 40
#: Equity every simulated account of "A sequence of trades" starts with (quote currency).
START_EQUITY = 1_000.0

#: (asset, side, notional, volatility a year, maintenance rate) per position.
PositionSpec = tuple[str, str, float, float, float]


def _positions(specs: tuple[PositionSpec, ...]) -> list[CrossPosition]:
    return [CrossPosition(a, s, v, notional=n, mmr=m) for a, s, n, v, m in specs]


@by_keyword
@st.cache_data(max_entries=24, show_spinner="Simulating the account…")
def account_odds(
    positions: tuple[PositionSpec, ...],
    wallet: float,
    correlation: tuple[tuple[float, ...], ...],
    horizon_days: float,
    step_minutes: float,
    paths: int,
    seed: int,
) -> AccountOdds:
    """:func:`risk.correlated.account_liquidation_odds` of one cross-margin account."""
    return correlated.account_liquidation_odds(
        _positions(positions),
        wallet,
        np.array(correlation),
        horizon_days,
        paths=paths,
        step_minutes=step_minutes,
        seed=seed,
        sample_paths=ACCOUNT_SAMPLE_PATHS,
    )


@by_keyword
@st.cache_data(max_entries=24, show_spinner="Sweeping the correlation…")
def odds_sweep(
    positions: tuple[PositionSpec, ...],
    wallet: float,
    rhos: tuple[float, ...],
    horizon_days: float,
    step_minutes: float,
    paths: int,
    seed: int,
) -> OddsCurve:
    """:func:`risk.correlated.odds_vs_correlation` of the same account."""
    return correlated.odds_vs_correlation(
        _positions(positions),
        wallet,
        rhos,
        horizon_days,
        paths=paths,
        step_minutes=step_minutes,
        seed=seed,
    )


@by_keyword
@st.cache_data(max_entries=24, show_spinner="Simulating the trade sequences…")
def sequences(
    win_rate: float,
    reward: float,
    n_trades: int,
    floor_frac: float,
    small: float,
    high: tuple[float, float, float],
    martingale: tuple[float, float, float],
    paths: int,
    seed: int,
) -> list[SequenceResult]:
    """The three sizing policies of the page on the same trades
    (:func:`risk.sequence.simulate_sequences`): fixed risk ``small``, fixed leverage ``high``
    (leverage, margin share, stop), martingale ``martingale`` (base risk, multiplier, cap)."""
    policies = [
        sequence.fixed_risk_policy(small, reward),
        sequence.fixed_leverage_policy(high[0], high[1], high[2], reward),
        sequence.martingale_policy(martingale[0], reward, martingale[1], martingale[2]),
    ]
    return sequence.simulate_sequences(
        policies,
        win_rate,
        n_trades,
        paths=paths,
        start_equity=START_EQUITY,
        floor_frac=floor_frac,
        seed=seed,
    )
