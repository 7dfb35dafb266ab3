"""Funding drag: what holding a perpetual costs while you wait, as a share of the margin."""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from risk import distance_frac
from risk.funding import (
    annualized_funding,
    break_even_move_frac,
    days_to_consume,
    funding_cost,
    funding_frac_of_margin,
    funding_presets,
    liquidation_price_path,
    rate_for_interval,
)
from ui import charts, figcache, glossary, inputs, model, text
from ui.scenario import current_resolved, quote_currency
from ui.tables import arrow

st.title("Funding drag")
st.caption(
    "Longs and shorts pay each other funding every interval. Over a long hold it eats the gains, "
    "and relative to your margin it grows with the leverage."
)

res = current_resolved()
sc, venue, position = res.scenario, res.venue, res.position
quote = quote_currency(venue)
presets = funding_presets()
CUSTOM = "custom"

c1, c2, c3, c4 = st.columns([2, 1, 1, 2])
LIVE = "live"
live_rate = sc.live_funding_rate_per_8h
if live_rate is not None and st.session_state.get("fr_live_as_of") != sc.market_as_of:
    st.session_state["fr_preset"] = LIVE  # fresh live data: start from it (the user may switch)
    st.session_state["fr_live_as_of"] = sc.market_as_of
preset = c1.selectbox(
    "Funding rate",
    [LIVE, *presets, CUSTOM] if live_rate is not None else [*presets, CUSTOM],
    format_func=lambda o: (
        f"live ({text.pct(live_rate, 4)}/8h, as of {sc.market_as_of[:16]})" if o == LIVE else o
    ),
    key="fr_preset",
    bind="query-params",
    help="Positive: longs pay shorts. Presets are per 8 hours; 'live' is the exchange's current "
    "rate from the market cache (sidebar: Live), restated per 8 hours.",
)
if preset == LIVE and live_rate is not None:
    rate_8h = float(live_rate)
elif preset == CUSTOM:
    rate_8h_pct = inputs.number(
        "Rate per 8 h (%)",
        bounds=inputs.Bounds(-1.0, 1.0),
        container=c1,
        value=0.01,
        step=0.005,
        format="%.4f",
        key="fr_rate",
        bind="query-params",
    )
    if rate_8h_pct is None:
        inputs.withheld("The funding figures")
        st.stop()
    rate_8h = rate_8h_pct / 100.0
else:
    rate_8h = presets[preset]
interval = c2.segmented_control(
    "Interval",
    [1, 4, 8],
    default=8,
    required=True,
    format_func=lambda h: f"{h}h",
    key="fr_int",
    bind="query-params",
    help="Binance and Bybit pay every 8 h (some symbols 4 h or 1 h); Hyperliquid every hour at "
    "1/8 of the 8-hour rate.",
)
days = c3.slider(
    "Holding days", min_value=1, max_value=365, value=30, key="fr_days", bind="query-params"
)
leverages = c4.multiselect(
    "Leverages to compare",
    [1, 2, 3, 5, 10, 20, 25, 50, 75, 100, 125],
    default=[2, 5, 10, 20, 50],
    format_func=lambda v: f"{v}x",
    key="fr_levs",
    bind="query-params",
)

rate = float(rate_for_interval(rate_8h, float(interval)))
simple, compound = annualized_funding(rate, float(interval))
st.caption(
    f"{text.pct(rate, 4)} every {interval} h (the same daily cost as {text.pct(rate_8h, 4)} per "
    f"8 h). Sidebar position: {sc.side}, {text.lev(sc.leverage)}, taker fee "
    f"{text.pct(sc.taker_fee, 3)}."
)

if not res.ok:
    st.error(res.error, icon=":material/error:")
else:
    paid = float(funding_cost(float(position.notional), rate, float(interval), days, sc.side))
    frac = float(funding_frac_of_margin(sc.leverage, rate, float(interval), days, sc.side))
    be = float(break_even_move_frac(sc.taker_fee, rate, float(interval), days, sc.side))
    m = st.columns(5)
    m[0].metric(
        f"Funding paid ({quote})",
        text.num(paid),
        help=f"Over {days} days. Positive: paid; negative: received.",
    )
    m[1].metric("Share of the margin", text.pct(frac, 1))
    m[2].metric(
        "Break-even move",
        text.pct(be),
        help=glossary.helped(
            "Favourable move needed to cover the fees to open and close and the funding."
        ),
    )
    m[3].metric(
        "Annualized (simple)",
        text.pct(float(simple), 1),
        help=glossary.helped("Rate x fundings per year: what exchanges quote."),
    )
    m[4].metric(
        "Annualized (compound)",
        text.pct(float(compound), 1),
        help=glossary.helped(
            "(1 + rate)^fundings − 1: what a holder who keeps re-levering pays.",
        ),
    )
    who = "pays" if paid > 0 else "receives"
    st.markdown(
        f"Held {days} days, this {sc.side} {who} **{text.money(abs(paid), quote)}** of funding: "
        f"**{text.pct(abs(frac), 1)} of its margin**. It needs a "
        f"**{text.pct(be)}** move in its favour just to break even after fees and funding."
    )

# --- chart: % of margin by days per leverage -------------------------------------------------
if leverages:
    grid = model.funding_days_grid(days, float(interval))
    curves = {
        float(lv): np.asarray(
            funding_frac_of_margin(float(lv), rate, float(interval), grid, sc.side)
        )
        for lv in sorted(leverages)
    }
    st.plotly_chart(
        figcache.figure(charts.funding_curves_chart, grid, curves),
        key="fd_curves",
        config={"displaylogo": False},
    )
    rows = []
    for lv in sorted(leverages):
        row = {"leverage": f"{lv}x"}
        for share in (0.25, 0.5, 1.0):
            d = float(days_to_consume(share, float(lv), rate, float(interval), sc.side))
            row[f"days to {share:.0%} of margin"] = f"{d:,.1f}" if math.isfinite(d) else "never"
        rows.append(row)
    st.dataframe(arrow(rows), hide_index=True)
    st.caption(
        "Days until funding alone takes that share of the initial margin (the price held "
        "at the entry). 'never': this side receives funding at this rate."
    )
else:
    st.info("Pick at least one leverage to draw the curves.")

# --- chart: liquidation price creeping -------------------------------------------------------
if res.ok:
    grid = model.funding_days_grid(days, float(interval))
    lp = np.asarray(liquidation_price_path(position, venue, rate, float(interval), grid))
    st.plotly_chart(
        figcache.figure(
            charts.liquidation_creep_chart,
            grid,
            lp,
            np.asarray(distance_frac(lp, sc.entry_price)),
            entry_price=sc.entry_price,
            quote=quote,
        ),
        key="fd_creep",
        config={"displaylogo": False},
    )
    dead_day = model.first_missing_day(grid, lp)
    if math.isfinite(dead_day):
        st.warning(
            f"Funding alone eats this position's margin down to the maintenance margin after "
            f"about {dead_day:,.1f} days: the exchange liquidates it even if the price never "
            "moves.",
            icon=":material/warning:",
        )
    st.caption(
        f"Isolated margin pays the funding, so the liquidation price creeps from "
        f"{text.price(float(lp[0]))} today toward the entry a little at every funding time."
    )
