"""The "Size from risk" page's block "Highest leverage for a chosen risk": for a target
probability of liquidation over a horizon, the highest whole leverage that stays below it under
the calibrated model (:func:`risk.calibration.max_leverage_for`). One call from the page.

Cached on (target, side, horizon, volatility, maintenance rate) only.
"""

from __future__ import annotations

import math

import streamlit as st

from risk.calibration import MaxLeverage, max_leverage_for
from risk.volatility import vol_presets
from ui import text, words
from ui.cachecall import by_keyword

TARGETS = {"1%": 0.01, "5%": 0.05}
HORIZONS = {"1 hour": 1 / 24, "1 day": 1.0, "1 week": 7.0}
N_PATHS = 10_000


@by_keyword
@st.cache_data(max_entries=32, show_spinner="Simulating prices…")
def _search(target: float, side: str, horizon_days: float, vol: float, mmr: float) -> MaxLeverage:
    return max_leverage_for(target, side, horizon_days, vol, mmr=mmr, n_paths=N_PATHS, seed=0)


def max_leverage_block(side: str, mmr: float, asset: str) -> None:
    """Widgets and answer: the highest whole leverage below a chosen risk of liquidation."""
    st.subheader("Highest leverage for a chosen risk")
    presets = vol_presets()
    names = list(presets)
    c1, c2, c3 = st.columns(3)
    target_label = c1.segmented_control(
        "Chance of liquidation at most",
        list(TARGETS),
        default="1%",
        required=True,
        key="sr_target",
        bind="query-params",
    )
    horizon = c2.segmented_control(
        "Over", list(HORIZONS), default="1 day", required=True, key="sr_horizon"
    )
    default = "ETH" if asset == "ETH" else "BTC typical"
    vol_name = c3.selectbox(
        "Volatility",
        names,
        index=names.index(default),
        key="sr_vol",
        format_func=lambda n: f"{n} ({presets[n].vol_annual:.0%}, {presets[n].years})",
    )
    vol = presets[vol_name].vol_annual
    target = TARGETS[str(target_label)]
    try:
        r = _search(target, side, HORIZONS[str(horizon)], vol, float(mmr))
    except ValueError as exc:
        st.error(f"This cannot be computed: {words.phrase(exc)}.", icon=":material/error:")
        return
    if not math.isfinite(r.max_leverage):
        st.warning(
            f"Even 1x has a {text.pct(r.p_next, 1)} chance of liquidation over {horizon}: no "
            f"leverage keeps it below {target_label}.",
            icon=":material/warning:",
        )
        return
    st.metric(
        f"Highest leverage with under {target_label} chance of liquidation within {horizon}",
        text.lev(r.max_leverage),
        help="Whole leverages only; the next one up crosses the line.",
    )
    nxt = (
        f" At {text.lev(r.max_leverage + 1)} it is {text.pct(r.p_next, 2)}."
        if math.isfinite(r.p_next)
        else ""
    )
    st.caption(
        f"{side.capitalize()}, {vol_name} volatility {vol:.0%} a year ({presets[vol_name].years}), "
        f"maintenance rate {text.pct(mmr)}: at {text.lev(r.max_leverage)} the odds are "
        f"{text.pct(r.p_at_max, 2)}.{nxt} Model: the calibrated one (real BTC moves of "
        f"2017-2019 at this volatility; see 'Does the model tell the truth?' on the Why 50x "
        f"page), {N_PATHS:,} simulated paths. This is about the liquidation price only: the "
        "stop above still decides the loss you planned."
    )
