"""Correlated positions: several leveraged positions in ONE cross-margin account."""

from __future__ import annotations

import numpy as np
import streamlit as st

from risk.correlated import (
    MAX_POSITIONS,
    AccountOdds,
    CrossPosition,
    check_correlation,
    correlation_presets,
)
from risk.volatility import vol_presets
from ui import charts_pitfalls as cp
from ui import figcache, glossary, inputs, pitfalls_sim, text, words

st.title("Correlated positions")
st.caption(
    "Three longs on BTC, ETH and SOL look like three separate bets. In one cross-margin account "
    "they share one wallet, and because they fall together the account behaves like one big "
    "position: the odds that the ACCOUNT is liquidated are far above what the trader guesses."
)

PRESETS = correlation_presets()
VOLS = vol_presets()
CUSTOM = "Custom"
DEFAULT_NOTIONALS = (10_000.0, 6_000.0, 4_000.0, 3_000.0, 2_000.0)
HORIZONS = {
    "1 hour": 1 / 24,
    "4 hours": 4 / 24,
    "12 hours": 0.5,
    "1 day": 1.0,
    "3 days": 3.0,
    "7 days": 7.0,
}
QUOTE = "USDT"
#: The library's parameter names, in the words of this page's fields (for its error messages).
FIELD_WORDS = {
    "vol_annual": "a position's volatility",
    "mmr": "the maintenance rate",
    "wallet_balance": "the wallet",
    "notional": "a position's notional",
    "horizon_days": "the horizon",
    "n_assets": "the number of positions",
}


def _apply_preset() -> None:
    """Copy the chosen preset's assets, volatilities and correlations into the widgets."""
    p = PRESETS.get(st.session_state.get("cp_preset", ""))
    if p is None:
        return
    for i, (asset, vol_name) in enumerate(zip(p.assets, p.vol_presets, strict=True)):
        st.session_state[f"cp_asset{i}"] = asset
        st.session_state[f"cp_vol{i}"] = round(VOLS[vol_name].vol_annual * 100, 1)
        for j in range(i + 1, len(p.assets)):
            st.session_state[f"cp_rho{i}{j}"] = float(p.correlation[i][j])


first_preset = next(iter(PRESETS.values()))
for i in range(MAX_POSITIONS):  # widget defaults, from the first preset where it has them
    has = i < len(first_preset.assets)
    st.session_state.setdefault(f"cp_asset{i}", first_preset.assets[i] if has else f"ALT{i}")
    vol = VOLS[first_preset.vol_presets[i]].vol_annual if has else 1.0
    st.session_state.setdefault(f"cp_vol{i}", round(vol * 100, 1))
    for j in range(i + 1, MAX_POSITIONS):
        both = j < len(first_preset.assets)
        st.session_state.setdefault(
            f"cp_rho{i}{j}", float(first_preset.correlation[i][j]) if both else 0.7
        )

c1, c2, c3, c4 = st.columns([3, 1, 1, 1])
preset = c1.selectbox(
    "Assets and correlations",
    [*PRESETS, CUSTOM],
    key="cp_preset",
    on_change=_apply_preset,
    bind="query-params",
    help="Measured presets come from Binance and Bitstamp price history (see each source "
    "below); the SOL figures are assumptions because no SOL data ships with the app.",
)
if preset == CUSTOM:
    count = inputs.number(
        "Positions",
        bounds=inputs.Bounds(2, MAX_POSITIONS, integer=True),
        container=c2,
        value=3,
        step=1,
        key="cp_count",
        bind="query-params",
    )
else:
    count = len(PRESETS[preset].assets)
wallet = inputs.number(
    f"Wallet ({QUOTE})",
    bounds=inputs.Bounds(10.0, 10_000_000.0),
    container=c3,
    value=1_000.0,
    step=100.0,
    key="cp_wallet",
    bind="query-params",
    help=glossary.helped("The cross-margin wallet that backs every position."),
)
mmr_pct = inputs.number(
    "Maintenance rate (%)",
    bounds=inputs.Bounds(0.0, 10.0),
    container=c4,
    value=0.4,
    step=0.1,
    format="%.2f",
    key="cp_mmr",
    bind="query-params",
    help=glossary.helped("Binance's first BTCUSDT tier: 0.40% of the notional at the mark price."),
)

if count is None:
    inputs.withheld("The positions and the account's odds")
    st.stop()

st.markdown("##### Positions")
specs = []
for i in range(int(count)):
    a, s, n, v = st.columns([1, 1, 1, 1])
    asset = a.text_input("Asset", key=f"cp_asset{i}", max_chars=12, bind="query-params")
    side = s.segmented_control(
        "Side",
        ["long", "short"],
        default="long",
        required=True,
        key=f"cp_side{i}",
        bind="query-params",
    )
    notional = inputs.number(
        f"Notional ({QUOTE})",
        bounds=inputs.Bounds(10.0, 10_000_000.0),
        container=n,
        value=DEFAULT_NOTIONALS[i],
        step=500.0,
        key=f"cp_notional{i}",
        bind="query-params",
    )
    vol_pct = inputs.number(
        "Volatility (% a year)",
        bounds=inputs.Bounds(5.0, 300.0),
        container=v,
        value=None,  # from session state (the preset)
        step=5.0,
        key=f"cp_vol{i}",
        bind="query-params",
    )
    specs.append(
        (
            asset.strip() or f"#{i + 1}",
            side,
            None if notional is None else float(notional),
            None if vol_pct is None else float(vol_pct) / 100,
        )
    )
names = [sp[0] for sp in specs]

with st.expander("Correlations between the assets", expanded=preset == CUSTOM):
    st.caption(
        "How much the assets' returns move together, from -1 (opposite) to 1 (in lockstep). "
        "Not every combination is possible: if A moves with B and B with C, A must move with C."
    )
    pair_cols = st.columns(3)
    matrix = np.eye(int(count))
    k = 0
    for i in range(int(count)):
        for j in range(i + 1, int(count)):
            r = inputs.number(
                f"{names[i]} / {names[j]}",
                bounds=inputs.Bounds(-1.0, 1.0),
                container=pair_cols[k % 3],
                value=None,  # from session state (the preset)
                step=0.05,
                format="%.2f",
                key=f"cp_rho{i}{j}",
                bind="query-params",
            )
            matrix[i, j] = matrix[j, i] = float("nan") if r is None else float(r)
            k += 1
    if preset != CUSTOM:
        st.caption(f"Source: {PRESETS[preset].source} (as of {PRESETS[preset].as_of}).")

h1, h2 = st.columns([2, 1])
horizon_label = h1.select_slider(
    "Horizon", list(HORIZONS), value="1 day", key="cp_horizon", bind="query-params"
)
paths = h2.segmented_control(
    "Simulated paths",
    [2_000, 5_000, 20_000],
    default=5_000,
    required=True,
    format_func=lambda n: f"{n:,}",
    key="cp_paths",
    bind="query-params",
)
with st.expander("Advanced: method and random seed"):
    st.caption(
        "Geometric Brownian motion with correlated shocks; between two checks the barrier "
        "is shifted by the Broadie-Glasserman-Kou continuity correction, so a touch between "
        "checks still counts. The random seed fixes the simulated prices: the same settings "
        "always give the same figures."
    )
    seed = inputs.number(
        "Random seed",
        bounds=inputs.Bounds(0, 1_000_000, integer=True),
        value=0,
        step=1,
        key="cp_seed",
        bind="query-params",
    )
horizon_days = HORIZONS[horizon_label]
# At most 576 checks per path: every 5 minutes up to two days, then a longer step.
step_minutes = max(5.0, 5.0 * np.ceil(horizon_days * 1440 / 576 / 5))


typed = [wallet, mmr_pct, seed, *(x for sp in specs for x in sp[2:])]
if any(v is None for v in typed) or np.isnan(matrix).any():
    inputs.withheld("The account's odds")
    st.stop()
mmr = float(mmr_pct) / 100
key_positions = tuple((a, s, n, v, mmr) for a, s, n, v in specs)
result: AccountOdds | None = None
try:
    positions = [CrossPosition(a, s, v, notional=n, mmr=mmr) for a, s, n, v in specs]
    corr = check_correlation(matrix, int(count), names)
    result = pitfalls_sim.account_odds(
        key_positions,
        float(wallet),
        tuple(map(tuple, corr.tolist())),
        horizon_days,
        float(step_minutes),
        int(paths),
        int(seed),
    )
except ValueError as exc:
    st.error(words.sentence(exc, FIELD_WORDS), icon=":material/error:")

total = sum(sp[2] for sp in specs)
if result is not None:
    worst = int(np.argmax(result.p_alone))
    m = st.columns(5)
    m[0].metric(
        "Account liquidated",
        text.pct(result.p_account, 1),
        help=f"Within {horizon_label}, with your correlations. Monte Carlo: ± "
        f"{text.pct(2 * result.stderr_account, 1)} (2 standard errors).",
    )
    m[1].metric(
        "Guess: uncorrelated",
        text.pct(result.p_uncorrelated, 1),
        help="The same account if the assets moved independently (same random numbers).",
    )
    m[2].metric(
        f"Guess: {names[worst]} alone",
        text.pct(float(result.p_alone[worst]), 1),
        help=glossary.helped(
            "The riskiest position alone, isolated, with its share of the wallet in proportion "
            "to its notional."
        ),
    )
    m[3].metric(
        "Guess: any alone, independent",
        text.pct(result.p_any_alone_independent, 1),
        help=glossary.helped(
            "1 − Π(1 − p_alone): at least one isolated position liquidated, if independent.",
        ),
    )
    m[4].metric(
        "Account leverage",
        text.lev(total / float(wallet)),
        help=glossary.helped("Total notional / wallet: what the account as a whole is levered."),
    )
    ratio = result.p_account / result.p_uncorrelated if result.p_uncorrelated > 0 else np.inf
    sentence = (
        f"about {ratio:.1f} times what it would be if they were uncorrelated"
        if np.isfinite(ratio) and ratio >= 1.05
        else "close to the uncorrelated figure"
    )
    st.markdown(
        f"Over **{horizon_label}**, this account is liquidated on "
        f"**{text.pct(result.p_account, 1)}** of the simulated paths: {sentence}. "
        f"The wallet of {text.money(float(wallet), QUOTE)} backs {text.money(total, QUOTE)} of "
        f"positions, **{text.lev(total / float(wallet))}** for the account as a whole, whatever "
        "leverage each position shows."
    )
    labels = ["Account (your correlations)", "If uncorrelated"]
    labels += [f"{n} alone" for n in names] + ["Any alone, if independent"]
    probs = [result.p_account, result.p_uncorrelated, *result.p_alone]
    probs.append(result.p_any_alone_independent)
    errs = [result.stderr_account, result.stderr_uncorrelated, *result.stderr_alone, np.nan]
    st.plotly_chart(
        figcache.figure(
            cp.probability_bars_chart,
            labels,
            probs,
            errs,
            title="The account's odds beside the trader's guesses",
        ),
        key="cp_bars",
        config={"displaylogo": False},
    )
    st.caption(
        "Each position alone, in isolated margin with its share of the wallet, can be "
        "liquidated more often than the account (its cushion is only its share), but it then "
        "loses only that share. In cross margin one liquidation takes the whole wallet, and "
        "positions that fall together use up the shared cushion together."
    )
    st.plotly_chart(
        figcache.figure(
            cp.account_paths_chart,
            result.time_hours,
            result.sample_equity,
            result.sample_liquidated_step,
            maintenance_at_entry=result.maintenance_at_entry,
            wallet_balance=result.wallet_balance,
            quote=QUOTE,
        ),
        key="cp_paths_chart",
        config={"displaylogo": False},
    )
    n = int(count)
    lo = max(-1.0 / (n - 1), -0.5)
    rhos = tuple(float(x) for x in np.round(np.linspace(lo, 1.0, 11), 4))
    curve = pitfalls_sim.odds_sweep(
        key_positions,
        float(wallet),
        rhos,
        horizon_days,
        float(step_minutes),
        min(int(paths), 5_000),
        int(seed),
    )
    off = matrix[np.triu_indices(n, 1)]
    st.plotly_chart(
        figcache.figure(
            cp.odds_vs_correlation_chart,
            curve.rho,
            curve.p_account,
            curve.stderr,
            current_rho=float(off.mean()),
            current_p=result.p_account,
        ),
        key="cp_sweep",
        config={"displaylogo": False},
    )
    st.caption(
        f"The curve gives every pair the same correlation ({min(int(paths), 5_000):,} paths, "
        "the same random numbers at every point); the star is your matrix at its average "
        "correlation. Prices follow normal moves with the volatilities above, checked every "
        f"{step_minutes:g} minutes; no fees or funding, one flat maintenance rate. The account "
        "counts as liquidated when its equity reaches the total maintenance margin."
    )
