"""Size from risk: size is the control, leverage is the result."""

from __future__ import annotations

import math

import streamlit as st

from risk import Position, distance_frac, liquidation_price
from risk.liquidation import check_position
from risk.sizing import leverage_curve, size_from_risk, stop_respects_buffer
from ui import charts, model, text
from ui.leverage_for_risk import max_leverage_block
from ui.scenario import current_resolved, quote_currency

#: Highest stop price: twice the sidebar's highest entry (a short's stop up to 99% above it).
STOP_PRICE_MAX = 2e9

st.title("Size from risk")
st.caption(
    "Rule 1: decide the most you accept to lose on this trade. Rule 2: the stop distance from the "
    "chart then fixes the size. Leverage follows: it is an output, not an input."
)

res = current_resolved()
sc = res.scenario
venue = res.venue
quote = quote_currency(venue)

c1, c2, c3, c4 = st.columns(4)
equity = c1.number_input(
    f"Account equity ({quote})",
    min_value=1.0,
    max_value=1e10,
    value=10_000.0,
    step=500.0,
    format="%.2f",
    key="eq",
    bind="query-params",
)
risk_pct = c2.number_input(
    "Maximum loss per trade (% of equity)",
    min_value=0.01,
    max_value=100.0,
    value=1.0,
    step=0.25,
    format="%.2f",
    key="risk",
    bind="query-params",
    help="Many risk guides suggest 0.5% to 2%. The loss at the stop, fees included, equals this.",
)
stop_mode = c3.segmented_control(
    "Stop given as",
    ["% from entry", "price"],
    default="% from entry",
    required=True,
    key="stop_mode",
    bind="query-params",
)
if stop_mode == "price":
    stop_price = c3.number_input(
        f"Stop price ({quote})",
        min_value=0.0,
        # a short's stop sits above an entry of up to 1e9 (the sidebar's maximum)
        max_value=STOP_PRICE_MAX,
        value=min(model.stop_from_frac(sc.side, sc.entry_price, 0.02), STOP_PRICE_MAX),
        step=100.0,
        format="%.2f",
        key="stop_px",
        bind="query-params",
    )
else:
    stop_pct = c3.number_input(
        "Stop distance (% from entry)",
        min_value=0.01,
        max_value=99.0,
        value=2.0,
        step=0.25,
        format="%.2f",
        key="stop_pct",
        bind="query-params",
    )
    stop_price = model.stop_from_frac(sc.side, sc.entry_price, stop_pct / 100.0)
buffer_pct = c4.slider(
    "Safety buffer stop → liquidation (%)",
    min_value=0,
    max_value=50,
    value=5,
    step=1,
    format="%d%%",
    key="buf",
    bind="query-params",
    help="The stop must sit at least this share of the entry-to-liquidation distance inside the "
    "liquidation price (freqtrade's default is 5%).",
)
st.caption(
    f"Entry {text.price(sc.entry_price)} {quote}, {sc.side}, {sc.symbol_label} on "
    f"{venue.table.name if venue else sc.exchange}, taker fee {text.pct(sc.taker_fee, 3)} per "
    "side (all from the sidebar). The sidebar's margin or quantity is not used here: the size "
    "comes from your risk budget."
)

if venue is None:
    st.error(res.error, icon=":material/error:")
    st.stop()

stop_check = model.check_stop(sc.side, sc.entry_price, float(stop_price), float("nan"))
if stop_check.error:
    st.error(stop_check.error, icon=":material/error:")
    st.stop()

try:
    sizing = size_from_risk(
        equity,
        risk_pct / 100.0,
        sc.entry_price,
        float(stop_price),
        side=sc.side,
        venue=venue,
        taker_fee=sc.taker_fee,
        buffer_frac=buffer_pct / 100.0,
    )
except ValueError as exc:
    st.error(
        f"These inputs cannot be sized: {exc}. Change the value it names.", icon=":material/error:"
    )
    st.stop()

m = st.columns(3) + st.columns(3)
m[0].metric("Position size (base units)", f"{sizing.quantity:.6g}", help="e.g. BTC for BTCUSDT.")
m[1].metric(f"Notional ({quote})", text.num(sizing.notional))
m[2].metric(
    "Highest safe leverage",
    text.lev(sizing.max_leverage),
    help="Highest leverage whose liquidation price stays beyond the stop with the buffer.",
)
m[3].metric(
    f"Margin to post ({quote})",
    text.num(sizing.margin),
    help="Isolated margin at the highest safe leverage.",
)
m[4].metric(
    f"Loss at the stop ({quote})",
    text.num(sizing.loss_at_stop),
    help="Price loss plus the taker fees to open and to close at the stop.",
)
m[5].metric(
    "Account leverage",
    text.lev(sizing.account_leverage),
    help="Notional / equity: the leverage that matters for the account.",
)

if math.isfinite(sizing.max_leverage):
    st.markdown(
        f"Risking **{text.pct(risk_pct / 100.0)} of {text.money(equity, quote)} "
        f"({text.money(sizing.loss_at_stop, quote)})** with a stop "
        f"{text.pct(sizing.stop_distance_frac)} away: trade **{sizing.quantity:.6g}** units "
        f"({text.money(sizing.notional, quote)}). "
        f"Any leverage up to **{text.lev(sizing.max_leverage)}** keeps the liquidation price "
        f"({text.price(sizing.liquidation_price)} at that leverage) beyond the stop. A lower "
        "leverage only posts more margin: the loss at the stop stays the same. "
        f"If the price gaps through the stop, isolated margin caps the loss at "
        f"**{text.money(sizing.gap_loss, quote)}**."
    )
    if sizing.margin > equity:
        st.error(
            f"Even at {text.lev(sizing.max_leverage)} this position needs "
            f"{text.money(sizing.margin, quote)} of margin, more than the equity "
            f"({text.money(equity, quote)}). Widen the stop or lower the risk per trade.",
            icon=":material/error:",
        )
else:
    st.error(
        "No leverage keeps the liquidation price beyond this stop with the buffer. Move the stop "
        "closer to the entry or lower the buffer.",
        icon=":material/error:",
    )

# The sidebar's leverage applied to this size.
sidebar_frac = None
try:
    at_sidebar = Position(sc.side, sc.entry_price, sizing.quantity, leverage=sc.leverage)
    check_position(at_sidebar, venue)
    lp_sidebar = float(liquidation_price(at_sidebar, venue))
    sidebar_frac = float(distance_frac(lp_sidebar, sc.entry_price))
    side_check = model.check_stop(sc.side, sc.entry_price, float(stop_price), lp_sidebar)
    buffered = bool(
        stop_respects_buffer(
            sc.side, sc.entry_price, float(stop_price), lp_sidebar, buffer_pct / 100.0
        )
    )
    if side_check.warning:
        st.warning(
            f"At the sidebar's leverage ({text.lev(sc.leverage)}) the liquidation price "
            f"({text.price(lp_sidebar)}) comes before the stop ({text.price(stop_price)}): the "
            f"exchange would close this trade first. Use {text.lev(sizing.max_leverage)} or less.",
            icon=":material/warning:",
        )
    elif not buffered:
        st.warning(
            f"At the sidebar's leverage ({text.lev(sc.leverage)}) the liquidation price "
            f"({text.price(lp_sidebar)}) sits inside the {buffer_pct}% safety buffer of the stop. "
            f"Use {text.lev(sizing.max_leverage)} or less.",
            icon=":material/warning:",
        )
    else:
        need = model.margin_at(sizing.notional, sc.leverage)
        st.success(
            f"The sidebar's leverage ({text.lev(sc.leverage)}) is safe for this stop: liquidation "
            f"at {text.price(lp_sidebar)}, margin {text.money(need, quote)}.",
            icon=":material/check_circle:",
        )
except ValueError as exc:
    st.warning(
        f"The sidebar's leverage ({text.lev(sc.leverage)}) cannot hold this size: {exc}.",
        icon=":material/warning:",
    )

curve = leverage_curve(sc.side, sc.entry_price, sizing.quantity, venue, model.leverage_grid())
st.plotly_chart(
    charts.leverage_tradeoff_chart(
        curve.leverage,
        curve.margin,
        curve.distance_frac,
        stop_distance_frac=sizing.stop_distance_frac,
        max_leverage=sizing.max_leverage,
        current_leverage=sc.leverage,
        current_frac=sidebar_frac,
        quote=quote,
    ),
    key="sr_curve",
    config={"displaylogo": False},
)
st.caption(
    "For this fixed size, more leverage only lowers the margin you post and pulls the liquidation "
    "price toward the entry. Where the blue curve crosses the dashed stop line (less the buffer) "
    "is the most leverage this trade can take."
)

max_leverage_block(sc.side, float(venue.table.tiers[0].mmr), sc.asset)
