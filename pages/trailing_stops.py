"""Trailing stops: a fixed stop and target versus a trailing stop and a partial take-profit,
on the same simulated paths."""

from __future__ import annotations

import numpy as np
import streamlit as st

from risk import liquidation_price
from risk.trailing import RULES, ExitComparison, position_liquidation_price
from risk.volatility import vol_presets
from ui import charts_pitfalls as cp
from ui import figcache, glossary, inputs, leverage_scope, model, text, trailing_sim, words
from ui.tables import arrow

st.title("Trailing stops")
st.caption(
    "A winning trade that turns around gives its gains back. A fixed target caps the winners, a "
    "fixed stop leaves the gain on the table when the price comes back; a trailing stop follows "
    "the best price and turns paper gains into kept gains. Here all three run on the SAME "
    "simulated prices, with gaps that can jump over a stop."
)

VOLS = vol_presets()
CUSTOM = "custom"
HORIZONS = {"4 hours": 4 / 24, "1 day": 1.0, "3 days": 3.0, "7 days": 7.0}
#: The library's parameter names, in the words of this page's fields (for its error messages).
FIELD_WORDS = {
    "stop_frac": "the fixed stop",
    "target_frac": "the target",
    "trail_frac": "the trailing distance",
    "partial_share": "the share closed at the target",
    "vol_annual": "the volatility",
    "jumps_per_year": "the gaps per year",
    "jump_mean": "the average gap",
    "horizon_days": "the horizon",
    "mmr": "the maintenance rate",
    "seed": "the random seed",
}

c1, c2, c3, c4 = st.columns(4)
stop_pct = inputs.number(
    "Fixed stop (% from entry)",
    bounds=inputs.Bounds(0.1, 50.0),
    container=c1,
    value=2.0,
    step=0.25,
    key="ts_stop",
    bind="query-params",
)
target_pct = inputs.number(
    "Target (% from entry)",
    bounds=inputs.Bounds(0.1, 99.0),
    container=c2,
    value=4.0,
    step=0.25,
    key="ts_target",
    bind="query-params",
)
trail_pct = inputs.number(
    "Trailing distance (%)",
    bounds=inputs.Bounds(0.1, 50.0),
    container=c3,
    value=2.0,
    step=0.25,
    key="ts_trail",
    bind="query-params",
    help="The trailing stop sits this far behind the best price seen so far.",
)
partial_pct = c4.slider(
    "Closed at the target (partial rule, %)",
    min_value=0,
    max_value=100,
    value=50,
    step=5,
    key="ts_partial",
    bind="query-params",
)

v1, v2, v3, v4 = st.columns(4)
vol_name = v1.selectbox(
    "Volatility",
    [*VOLS, CUSTOM],
    index=list(VOLS).index("BTC typical") if "BTC typical" in VOLS else 0,
    format_func=lambda n: n if n == CUSTOM else f"{n} ({VOLS[n].vol_annual:.0%} a year)",
    key="ts_vol",
    bind="query-params",
    help=glossary.helped("How large the simulated price's ordinary moves are.", "volatility"),
)
vol: float | None
if vol_name == CUSTOM:
    vol_pct = inputs.number(
        "Volatility (% a year)",
        bounds=inputs.Bounds(5.0, 300.0),
        container=v1,
        value=60.0,
        step=5.0,
        key="ts_vol_pct",
        bind="query-params",
    )
    vol = None if vol_pct is None else vol_pct / 100
else:
    vol = VOLS[vol_name].vol_annual
gaps_on = v2.toggle("Gaps (jumps)", value=True, key="ts_gaps", bind="query-params")
jumps = inputs.number(
    "Gaps per year",
    bounds=inputs.Bounds(0.0, 2_000.0),
    container=v3,
    value=50.0,
    step=10.0,
    key="ts_jumps",
    bind="query-params",
    disabled=not gaps_on,
)
gap_pct = inputs.number(
    "Average gap (%)",
    bounds=inputs.Bounds(-30.0, 30.0),
    container=v4,
    value=-3.0,
    step=0.5,
    key="ts_gap_mean",
    bind="query-params",
    disabled=not gaps_on,
    help="Mean log size of a gap; negative = against a long. Sizes vary around it with a "
    "standard deviation of 3%.",
)

h1, h2 = st.columns([2, 1])
horizon_label = h1.select_slider(
    "Horizon", list(HORIZONS), value="1 day", key="ts_horizon", bind="query-params"
)
paths = h2.segmented_control(
    "Simulated paths",
    [1_000, 5_000],
    default=5_000,
    required=True,
    format_func=lambda n: f"{n:,}",
    key="ts_paths",
    bind="query-params",
)
with st.expander("Advanced: method and random seed"):
    st.caption(
        "Prices follow geometric Brownian motion with Poisson-timed gaps (a Merton "
        "jump-diffusion). The random seed fixes the simulated prices: the same settings always "
        "give the same figures, and another seed shows how much they move by chance."
    )
    seed = inputs.number(
        "Random seed",
        bounds=inputs.Bounds(0, 1_000_000, integer=True),
        value=0,
        step=1,
        key="ts_seed",
        bind="query-params",
    )
horizon_days = HORIZONS[horizon_label]
step_minutes = 5.0 if horizon_days <= 1.0 else 15.0


@st.fragment
def results(slots: leverage_scope.Slots | None) -> None:
    """The outcomes at the sidebar's position: all that depends on its leverage. A fragment
    that also draws the sidebar's leverage slider (``ui.leverage_scope``), so that a move
    reruns this and not the ten inputs above it; the inputs rerun the whole page."""
    res = leverage_scope.draw(slots)
    sc = res.scenario
    result: ExitComparison | None = None
    needed = [stop_pct, target_pct, trail_pct, vol, seed] + ([jumps, gap_pct] if gaps_on else [])
    if not res.ok:
        st.error(res.error, icon=":material/error:")
    elif any(v is None for v in needed):
        inputs.withheld("The exits")
    else:
        notional = float(res.position.notional)
        tier_mmr = float(res.venue.table.tier(notional).mmr)
        side, lev = sc.side, float(sc.leverage)
        # the sidebar position's exact liquidation price (the Liquidation map's), and the one flat
        # rate that makes the simulation liquidate there
        lp = float(liquidation_price(res.position, res.venue))
        mmr = model.flat_rate_for_liquidation(side, lev, lp / sc.entry_price)
        if not 0.0 <= mmr < 0.5:
            mmr = tier_mmr
        try:
            lp_frac = position_liquidation_price(side, lev, mmr)
            st.caption(
                f"Position from the sidebar: {side} {text.lev(lev)} at "
                f"{text.price(sc.entry_price)}, "
                f"isolated, maintenance rate {text.pct(tier_mmr)} (its tier): liquidation price "
                f"**{text.price(lp)}**, after a {text.pct(abs(1 - lp_frac))} "
                f"{text.adverse_word(side)}."
            )
            if stop_pct / 100 >= abs(1 - lp_frac):
                st.warning(
                    f"The fixed stop ({text.pct(stop_pct / 100)}) lies beyond the liquidation "
                    "price "
                    f"({text.pct(abs(1 - lp_frac))} away): the exchange liquidates the position "
                    "before the stop can fill. Lower the leverage or tighten the stop.",
                    icon=":material/warning:",
                )
            result = trailing_sim.comparison(
                side,
                lev,
                mmr,
                (stop_pct / 100, target_pct / 100, trail_pct / 100, partial_pct / 100),
                (
                    float(vol),
                    float(jumps) if gaps_on else 0.0,
                    float(gap_pct) / 100 if gap_pct is not None else 0.0,
                    0.03 if gaps_on else 0.0,
                ),
                horizon_days,
                step_minutes,
                int(paths),
                int(seed),
                float(sc.entry_price),
            )
        except ValueError as exc:
            st.error(words.sentence(exc, FIELD_WORDS), icon=":material/error:")

    if result is not None:
        out = result.outcomes
        row = st.container(horizontal=True)  # one block for the four (st.columns(4) makes five)
        row.metric(
            "Winners kept: fixed",
            text.pct(out["fixed"].winners_kept, 1),
            help=f"Of the trades that were up {text.pct(result.rules.winner)} or more while open, "
            "the share closed with a profit.",
        )
        row.metric("Winners kept: trailing", text.pct(out["trailing"].winners_kept, 1))
        row.metric("Winners kept: partial", text.pct(out["partial"].winners_kept, 1))
        row.metric(
            "Liquidated before the stop",
            text.pct(out["fixed"].p_liquidated, 2),
            help=glossary.helped(
                "Fixed rule: a gap jumped over the stop AND the liquidation price in one move, "
                "so the whole margin was lost. Without gaps this cannot happen when the stop is "
                "inside the liquidation price."
            ),
        )
        rows = []
        for rule in RULES:
            o = out[rule]
            rows.append(
                {
                    "rule": cp.RULE_LABELS[rule],
                    "mean ROI": text.pct(o.mean_roi, 1),
                    "median ROI": text.pct(o.median_roi, 1),
                    "closed in profit": text.pct(o.p_profit, 1),
                    "winners kept": text.pct(o.winners_kept, 1),
                    "liquidated before the stop": text.pct(o.p_liquidated, 2),
                    "stopped out": text.pct(o.p_stopped, 1),
                    "reached the target": text.pct(o.p_target, 1),
                    "open at the horizon": text.pct(o.p_horizon, 1),
                }
            )
        st.dataframe(arrow(rows), hide_index=True, key="ts_table")
        st.plotly_chart(
            figcache.figure(cp.roi_distributions_chart, {r: out[r].roi for r in RULES}),
            key="ts_roi",
            config={"displaylogo": False},
        )
        n = result.sample_prices.shape[0]
        # the paths and the entry, stop and target lines do not move with the leverage: built
        # once per model and rules, with this leverage's liquidation line and exits added
        paths_base = figcache.figure(
            cp.exit_paths_base_chart,
            result.time_hours,
            result.sample_prices,
            entry_price=result.entry_price,
            stop_price=result.stop_price,
            target_price=result.target_price,
        )
        st.plotly_chart(
            figcache.variant(
                paths_base,
                traces=cp.exit_marker_traces(
                    result.time_hours,
                    {r: (out[r].exit_index[:n], out[r].exit_price[:n]) for r in RULES},
                    liquidation_price=result.liquidation_price,
                    partial=(out["partial"].partial_index[:n], np.full(n, result.target_price)),
                ),
            ),
            key="ts_paths_chart",
            config={"displaylogo": False},
        )
        st.caption(
            f"{result.paths:,} simulated price paths ({vol:.0%} a year)"
            + (
                f" with about {jumps:g} gaps a year (average {gap_pct:g}%, spread 3%)"
                if gaps_on and jumps > 0
                else ""
            )
            + f", observed every {step_minutes:g} minutes: the trailing stop follows the best "
            "price at those steps. A stop reached by a continuous move fills at its level; one "
            "jumped over by a gap fills at the gapped price, or not at all when the gap also "
            "crosses the liquidation price. ROI is on the margin; no fees or funding."
        )


results(leverage_scope.claim())
