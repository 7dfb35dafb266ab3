"""The simulations of the "Why 50x is fragile" lesson, cached on the price model's parameters
only (never on a leverage): the odds of every leverage from one set of paths, the heatmap's rows,
and the two sample-path charts.

They live here rather than in the page because a page file runs again on every rerun, and each
``st.cache_data`` decorator there rebuilt its function key (hashing the function's source) on
every run. Everything is shared by every session: a class on the same defaults triggers one
simulation, and Streamlit's per-key compute lock makes concurrent identical misses wait for that
one instead of simulating in parallel.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from risk import odds as risk_odds  # looked up at call time (tests count the calls)
from risk.odds import OddsResult, PriceModel, SamplePaths
from ui import charts_odds as co
from ui import figcache, model, words
from ui.cachecall import by_keyword

#: The page's two leverages for the sample paths: the sensible one and the lesson's.
PATH_LEVERAGES = (5.0, 50.0)
SAMPLE_PATHS = 30
N_TIMES = 12  # survival checkpoints kept in the cached results (the page does not chart them)

#: (model, vol_annual or None for the file's own, df, jumps a year, jump mean, jump std, CSV
#: SHA-256): everything that decides the simulated prices, and nothing else.
Spec = tuple[str, float | None, float, float, float, float, str | None]


def model_args(spec: Spec, closes: pd.Series | None) -> dict:
    """The keyword arguments of :func:`risk.odds.price_model` (and of ``liquidation_odds``) that
    ``spec`` stands for."""
    kind, vol, df, jumps, jump_mean, jump_std, _ = spec
    return {
        "model": kind,
        "vol_annual": vol,
        "df": df,
        "jump_rate_per_year": jumps,
        "jump_mean_log": jump_mean,
        "jump_std_log": jump_std,
        "closes": closes,
    }


def build_model(spec: Spec, closes: pd.Series | None) -> PriceModel:
    """The price model ``spec`` stands for (``ValueError`` for settings it refuses). Without a
    CSV the model is decided by ``spec`` alone and is kept (a frozen dataclass, read only): the
    page builds it on every rerun, and building the calibrated default took 1.6 ms."""
    if closes is None:
        return _model_of(spec)
    return risk_odds.price_model(**model_args(spec, closes))


@functools.lru_cache(maxsize=64)
def _model_of(spec: Spec) -> PriceModel:
    return risk_odds.price_model(**model_args(spec, None))


@by_keyword
@st.cache_data(max_entries=4, show_spinner=False)
def read_prices(sha: str, _data: bytes) -> pd.Series:
    """Keyed on the file's SHA-256 (a bad file raises, and errors are not cached)."""
    return risk_odds.load_price_csv(_data)


@by_keyword
@st.cache_data(max_entries=48, show_spinner="Simulating prices…")
def odds_for(
    spec: Spec,
    side: str,
    horizon_days: float,
    n_steps: int,
    mmr: float,
    n_paths: int,
    seed: int,
    _closes: pd.Series | None,
) -> OddsResult:
    """Odds for every leverage of the grid from one set of paths (closed form for GBM); keyed
    on the model's parameters only, never on a leverage."""
    return risk_odds.liquidation_odds(
        side,
        model.odds_leverage_grid(mmr),
        horizon_days=horizon_days,
        mmr=mmr,
        **model_args(spec, _closes),
        n_paths=n_paths,
        n_steps=n_steps,
        seed=seed,
        n_times=N_TIMES,
        keep_roi=False,
    )


@by_keyword
@st.cache_data(max_entries=24, show_spinner=False)
def heat_odds(
    spec: Spec,
    row_vols: tuple[float | None, ...],
    side: str,
    horizon_days: float,
    n_steps: int,
    mmr: float,
    n_paths: int,
    seed: int,
    heat_lev: np.ndarray,
    _closes: pd.Series | None,
) -> list[np.ndarray | str]:
    """The heatmap's rows: for each volatility of ``row_vols`` (None: the file's own) the odds
    at ``heat_lev`` from :func:`odds_for`, or why that row cannot be computed. One cache lookup
    per rerun instead of one per row."""
    out: list[np.ndarray | str] = []
    for row_vol in row_vols:
        row_spec: Spec = (spec[0], row_vol, *spec[2:])
        try:
            r = odds_for(row_spec, side, horizon_days, n_steps, mmr, n_paths, seed, _closes)
        except ValueError as exc:
            out.append(words.phrase(exc))
            continue
        out.append(np.asarray(model.at_leverage(r.leverage, r.p_liquidation, heat_lev)))
    return out


@by_keyword
@st.cache_data(max_entries=24, show_spinner=False)
def paths_for(
    spec: Spec,
    side: str,
    horizon_days: float,
    n_steps: int,
    mmr: float,
    seed: int,
    entry_price: float,
    _closes: pd.Series | None,
) -> SamplePaths:
    """A few paths for the charts, marked for 5x and 50x (the same paths for both)."""
    return risk_odds.sample_price_paths(
        build_model(spec, _closes),
        side,
        horizon_days,
        PATH_LEVERAGES,
        n_paths=SAMPLE_PATHS,
        n_steps=n_steps,
        seed=seed,
        mmr=mmr,
        entry_price=entry_price,
    )


@by_keyword
@st.cache_resource(max_entries=24, show_spinner=False)
def sample_path_figures(
    spec: Spec,
    side: str,
    horizon_days: float,
    n_steps: int,
    mmr: float,
    seed: int,
    entry_price: float,
    quote: str,
    _closes: pd.Series | None,
) -> tuple[go.Figure, go.Figure]:
    """The 5x and the 50x sample-path charts on one y-axis (the same prices must look the same
    in both), keyed on the scalars that decide them: a rerun gets the same two shared, read-only
    figures without unpickling the paths or hashing their arrays."""
    sp = paths_for(spec, side, horizon_days, n_steps, mmr, seed, entry_price, _closes)
    shared_y = model.shared_price_range(sp.prices, sp.liquidation_price, sp.entry_price)
    figs = [
        figcache.variant(
            figcache.figure(
                co.sample_paths_chart,
                sp.days,
                sp.prices,
                sp.liquidated_at[i],
                liquidation_price=float(sp.liquidation_price[i]),
                entry_price=sp.entry_price,
                leverage=float(sp.leverage[i]),
                quote=quote,
            ),
            layout={"yaxis": {"range": shared_y, "autorange": False}},
        )
        for i in range(2)
    ]
    return figs[0], figs[1]


#: ((label, days, simulation steps), ...): the horizons of the page, in order.
Horizons = tuple[tuple[str, float, int], ...]


@by_keyword
@st.cache_resource(max_entries=48, show_spinner="Simulating prices…")
def odds_by_horizon(
    spec: Spec,
    side: str,
    mmr: float,
    n_paths: int,
    seed: int,
    horizons: Horizons,
    _closes: pd.Series | None,
) -> dict[str, OddsResult | str]:
    """:func:`odds_for` at every horizon, or why a horizon cannot be computed (a sentence):
    one lookup per rerun. Shared and read-only (cache_resource: no copy per rerun)."""
    out: dict[str, OddsResult | str] = {}
    for label, days, steps in horizons:
        try:
            out[label] = odds_for(spec, side, days, steps, mmr, n_paths, seed, _closes)
        except ValueError as exc:
            out[label] = f"{label}: {words.phrase(exc)}."
    return out


def _results(by_horizon: dict[str, OddsResult | str]) -> dict[str, OddsResult]:
    return {k: r for k, r in by_horizon.items() if not isinstance(r, str)}


@by_keyword
@st.cache_resource(max_entries=48, show_spinner=False)
def odds_chart(
    spec: Spec,
    side: str,
    mmr: float,
    n_paths: int,
    seed: int,
    horizons: Horizons,
    _closes: pd.Series | None,
) -> go.Figure:
    """Step 4's chart (odds by leverage, one line per horizon), without the sidebar's leverage
    (a marker the page adds: ``ui.figcache.variant``)."""
    results = _results(odds_by_horizon(spec, side, mmr, n_paths, seed, horizons, _closes))
    return figcache.figure(
        co.odds_vs_leverage_chart,
        model.odds_leverage_grid(mmr),
        {label: r.p_liquidation for label, r in results.items()},
    )


@by_keyword
@st.cache_resource(max_entries=48, show_spinner=False)
def right_chart(
    spec: Spec,
    side: str,
    mmr: float,
    n_paths: int,
    seed: int,
    horizons: Horizons,
    horizon_label: str,
    bars: tuple[float, ...],
    _closes: pd.Series | None,
) -> go.Figure:
    """Step 6's chart (liquidated although right, by leverage) at ``horizon_label``; that
    horizon must have a result."""
    hr = _results(odds_by_horizon(spec, side, mmr, n_paths, seed, horizons, _closes))[horizon_label]
    lev = np.asarray(bars, dtype=float)
    return figcache.figure(
        co.right_but_liquidated_chart,
        lev,
        model.at_leverage(hr.leverage, hr.p_liquidation, lev),
        model.at_leverage(hr.leverage, hr.p_right_but_liquidated, lev),
        horizon_label=horizon_label,
    )


@by_keyword
@st.cache_resource(max_entries=48, show_spinner=False)
def heat_chart(
    spec: Spec,
    rows: tuple[tuple[str, float | None], ...],
    file_vol: float,
    side: str,
    horizon_days: float,
    n_steps: int,
    mmr: float,
    n_paths: int,
    seed: int,
    heat_lev: tuple[float, ...],
    horizon_label: str,
    _closes: pd.Series | None,
) -> tuple[go.Figure | None, tuple[str, ...]]:
    """Step 7's heatmap over ``rows`` ((label, volatility or None for the file's own, which is
    ``file_vol``), calmest last) and the rows left out with why; no figure when no row or no
    leverage is left."""
    lev = np.asarray(heat_lev, dtype=float)
    cells = heat_odds(
        spec,
        tuple(v for _, v in rows),
        side,
        horizon_days,
        n_steps,
        mmr,
        n_paths,
        seed,
        lev,
        _closes,
    )
    heat, labels, row_vols, left_out = [], [], [], []
    for (row_label, row_vol), row in zip(rows, cells, strict=True):
        if isinstance(row, str):
            left_out.append(f"{row_label}: {row}")
            continue
        heat.append(row)
        labels.append(row_label)
        row_vols.append(file_vol if row_vol is None else row_vol)
    fig = None
    if heat and lev.size:
        fig = figcache.figure(
            co.odds_heatmap,
            lev,
            np.asarray(row_vols),
            np.vstack(heat),
            vol_labels=labels,
            horizon_label=horizon_label,
        )
    return fig, tuple(left_out)
