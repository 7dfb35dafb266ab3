"""Liquidation map: how far the price can move before this position is closed."""

from __future__ import annotations

import math

import streamlit as st

from risk import bankruptcy_price, distance_frac, liquidation_price, maintenance_margin
from risk.volatility import typical_move_frac, vol_presets
from ui import calculator, charts, figcache, glossary, inputs, model, text
from ui import format as fmt
from ui.scenario import EXCHANGE_LABELS, current_resolved, quote_currency
from ui.tables import arrow

st.title("Liquidation map")
st.caption(
    "Start with the exit: find the move that destroys the position first, then choose size and "
    "leverage. Figures use the exchange's own formula and maintenance tiers."
)

res = current_resolved()
sc = res.scenario
venue, position = res.venue, res.position
quote = quote_currency(venue)

if not res.ok:
    st.error(res.error, icon=":material/error:")

lp = float("nan")
if position is not None and venue is not None:
    lp = float(liquidation_price(position, venue))
    dist = float(distance_frac(lp, sc.entry_price))
    naive = model.naive_distance_frac(sc.leverage)
    bp = float(bankruptcy_price(position))
    mm = float(maintenance_margin(position, venue))
    c = st.columns(3) + st.columns(3)
    c[0].metric(
        f"Liquidation price ({quote})",
        text.price(lp),
        help=glossary.helped(
            "Mark price at which the exchange closes the position.",
            "liquidation-price",
            "mark-price",
        ),
    )
    c[1].metric(
        f"{text.adverse_word(sc.side).capitalize()} to liquidation",
        text.pct(dist),
        help=glossary.helped(
            "Exact move from the entry price to the liquidation price, with this exchange's "
            "maintenance tiers."
        ),
    )
    c[2].metric(
        f"Rule of thumb: 1 / {text.lev(sc.leverage)}",
        text.pct(naive, 1),
        help=glossary.helped(
            "What '1 / leverage' promises. The exact figure is smaller: the maintenance margin "
            "must stay in the position."
        ),
    )
    c[3].metric(
        f"Bankruptcy price ({quote})",
        text.price(bp),
        help=glossary.helped("Price at which the margin is gone.", "bankruptcy-price"),
    )
    c[4].metric(
        f"Initial margin ({quote})",
        text.num(float(position.initial_margin)),
        help=glossary.helped("Notional / leverage: what you post.", "initial-margin"),
    )
    c[5].metric(
        f"Maintenance margin ({quote})",
        text.num(mm),
        help=glossary.helped(
            "What must stay in the position; below it the exchange liquidates.",
            "maintenance-margin",
        ),
    )
    st.markdown(
        f"**{text.closes_sentence(sc.side, dist)}** The rule of thumb "
        f"(1 / {text.lev(sc.leverage)}) says {text.pct(naive, 1)}; "
        f"{EXCHANGE_LABELS[sc.exchange]} closes it after "
        f"{text.pct(dist)}, because the maintenance margin "
        f"({text.money(mm, quote)}) must stay in the position. Notional "
        f"{text.money(float(position.notional), quote)}, quantity {float(position.qty):.6g}."
    )
calculator.mark_block(res)

# --- chart 1: distance versus leverage -------------------------------------------------------
presets = vol_presets()
names = list(presets)
default_vol = "ETH" if sc.asset == "ETH" else "BTC typical"
left, right = st.columns([3, 1])
with right:
    vol_name = st.selectbox(
        "Volatility preset",
        names,
        index=names.index(default_vol),
        key="lm_vol",
        bind="query-params",
        help=glossary.helped(
            "Annualized volatility used for the typical 1-hour and 1-day move (one standard "
            "deviation)."
        ),
    )
    preset = presets[vol_name]
    move_1h = float(typical_move_frac(preset.vol_annual, 1.0 / 24.0))
    move_1d = float(typical_move_frac(preset.vol_annual, 1.0))
    st.metric("Typical 1-hour move", text.pct(move_1h))
    st.metric("Typical 1-day move", text.pct(move_1d))
    st.caption(
        f"{vol_name}: {preset.vol_annual:.0%} a year. Source: {fmt.source(preset.source)} "
        f"(as of {preset.as_of})."
    )

with left:
    if venue is not None:
        curve = model.liquidation_curve(sc, venue)
        reach_day = model.leverage_at_distance(curve, move_1d)
        # the curve does not depend on the sidebar's leverage: built once, the position is a
        # marker added to the cached figure
        fig = figcache.figure(
            charts.liquidation_distance_chart,
            curve.leverage,
            curve.exact_frac,
            curve.naive_frac,
            exchange_label=EXCHANGE_LABELS[sc.exchange],
            move_1h_frac=move_1h,
            move_1d_frac=move_1d,
            vol_label=f"{vol_name} {preset.vol_annual:.0%}/yr",
            max_leverage=curve.max_allowed_leverage,
            tier_changes=model.tier_changes(sc, venue),
        )
        current_frac = float(distance_frac(lp, sc.entry_price)) if position is not None else None
        if current_frac is not None and math.isfinite(current_frac):
            fig = figcache.variant(
                fig, traces=[charts.position_marker_trace(sc.leverage, current_frac)]
            )
        st.plotly_chart(fig, key="lm_curve", config={"displaylogo": False})
        sized = (
            f"a fixed margin of {text.money(sc.margin, quote)}"
            if sc.size_by == "margin"
            else f"a fixed quantity of {sc.quantity:g}"
        )
        note = (
            f" From about {text.lev(reach_day)} up, one ordinary day ({text.pct(move_1d)}) "
            "is enough to reach liquidation."
            if reach_day == reach_day
            else ""
        )
        st.caption(
            f"Curve for {sized} on {fmt.plain(venue.table.name)} "
            f"(tiers as of {venue.table.as_of}). "
            f"Shaded: one standard deviation of the price over an hour and over a day.{note}"
        )
    else:
        st.info("Fix the exchange settings in the sidebar to draw the curve.")

# --- chart 2: price ladder -------------------------------------------------------------------
st.subheader("Price ladder")
stop = inputs.number(
    f"Stop price ({quote}, optional)",
    bounds=inputs.Bounds(0.0, 1e9, lo_open=True),
    value=None,
    step=100.0,
    format=fmt.input_format(sc.entry_price),
    key="stop",
    bind="query-params",
    placeholder="no stop",
    help=glossary.helped(
        "Where you would close the position yourself. It must sit between the entry and the "
        "liquidation price to protect you."
    ),
)
if position is not None and venue is not None:
    stop_ok = None
    if stop:
        check = model.check_stop(sc.side, sc.entry_price, float(stop), lp)
        if check.error:
            st.error(check.error, icon=":material/error:")
        else:
            stop_ok = float(stop)
        if check.warning:
            st.warning(check.warning, icon=":material/warning:")
    levels = model.price_levels(position, venue, stop_ok)
    st.plotly_chart(
        figcache.figure(
            charts.price_ladder_chart,
            [(lv.name, lv.price, lv.move_frac, lv.pnl, lv.pnl_after_fees) for lv in levels],
            quote=quote,
        ),
        key="lm_ladder",
        config={"displaylogo": False},
    )
    st.caption(
        f"PnL after fees subtracts the taker fee ({text.pct(sc.taker_fee, 3)}) to open and to "
        "close at that price. At liquidation the exchange takes over the position, so expect to "
        f"lose the whole margin ({text.money(float(position.isolated_margin), quote)}), not only "
        "the PnL shown."
    )
else:
    st.info("The ladder appears once the scenario in the sidebar is valid.")

if venue is not None:
    with st.expander("Maintenance tiers used"):
        st.dataframe(
            arrow(
                [
                    {
                        "tier": i,
                        f"notional from ({quote})": t.floor,
                        f"notional below ({quote})": t.cap,
                        "maintenance rate": f"{t.mmr:.2%}",
                        "maintenance amount": t.maintenance_amount,
                        "max leverage": f"{t.max_leverage:g}x",
                    }
                    for i, t in enumerate(venue.table.tiers, start=1)
                ]
            ),
            hide_index=True,
        )
        st.caption(
            f"Source: {fmt.source(venue.table.source)} (as of {venue.table.as_of}). Rules: "
            f"{fmt.source(venue.rules.source)}."
        )

calculator.render(res)
