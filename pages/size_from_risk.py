"""Size from risk: size is the control, leverage is the result."""

from __future__ import annotations

import math

import streamlit as st

from risk import Position, distance_frac, liquidation_price
from risk.liquidation import check_position
from risk.reference import reference_price, round_down_to_lot, settable_leverage
from risk.sizing import leverage_curve, loss_per_unit, size_from_risk, stop_respects_buffer
from ui import charts, figcache, glossary, inputs, model, text, words
from ui import format as fmt
from ui.leverage_for_risk import max_leverage_block
from ui.scenario import EXCHANGE_LABELS, current_resolved, quote_currency

VERDICT_BOX = {"error": st.error, "warning": st.warning, "success": st.success}
VERDICT_ICON = {
    "error": ":material/error:",
    "warning": ":material/warning:",
    "success": ":material/check_circle:",
}

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
equity = inputs.number(
    f"Account equity ({quote})",
    bounds=inputs.Bounds(1.0, 1e10),
    container=c1,
    value=10_000.0,
    step=500.0,
    format="%.2f",
    key="eq",
    bind="query-params",
)
risk_pct = inputs.number(
    "Maximum loss per trade (% of equity)",
    bounds=inputs.Bounds(0.01, 100.0),
    container=c2,
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
    stop_price = inputs.number(
        f"Stop price ({quote})",
        bounds=inputs.Bounds(0.0, STOP_PRICE_MAX, lo_open=True),
        container=c3,
        # a short's stop sits above an entry of up to 1e9 (the sidebar's maximum)
        value=min(model.stop_from_frac(sc.side, sc.entry_price, 0.02), STOP_PRICE_MAX),
        step=100.0,
        format=fmt.input_format(sc.entry_price),
        key="stop_px",
        bind="query-params",
    )
else:
    stop_pct = inputs.number(
        "Stop distance (% from entry)",
        bounds=inputs.Bounds(0.01, 99.0),
        container=c3,
        value=2.0,
        step=0.25,
        format="%.2f",
        key="stop_pct",
        bind="query-params",
    )
    stop_price = (
        None
        if stop_pct is None
        else model.stop_from_frac(sc.side, sc.entry_price, stop_pct / 100.0)
    )
buffer_pct = c4.slider(
    "Safety buffer stop → liquidation (%)",
    min_value=0,
    max_value=50,
    value=5,
    step=1,
    format="%d%%",
    key="buf",
    bind="query-params",
    help=glossary.helped(
        "The stop must sit at least this share of the entry-to-liquidation distance inside the "
        "liquidation price (freqtrade's default is 5%)."
    ),
)
st.caption(
    f"Entry {text.price(sc.entry_price)} {quote}, {sc.side}, {sc.symbol_label} on "
    f"{fmt.plain(venue.table.name) if venue else sc.exchange}, taker fee "
    f"{text.pct(sc.taker_fee, 3)} per "
    "side (all from the sidebar). The sidebar's margin or quantity is not used here: the size "
    "comes from your risk budget."
)

if venue is None:
    st.error(res.error, icon=":material/error:")
    st.stop()
if equity is None or risk_pct is None or stop_price is None:
    inputs.withheld("The size, the leverage and the margin")
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
        f"These inputs cannot be sized: {words.phrase(exc)}. Change the value it names.",
        icon=":material/error:",
    )
    st.stop()

tier_max = (
    float(venue.table.max_leverage(sizing.notional))
    if sizing.notional < venue.table.max_notional
    else float("nan")
)
settable = settable_leverage(sizing.max_leverage, tier_max) if tier_max == tier_max else None
margin_settable = model.margin_at(sizing.notional, settable) if settable else float("nan")
m = st.columns(3) + st.columns(3)
m[0].metric("Position size (base units)", f"{sizing.quantity:.6g}", help="e.g. BTC for BTCUSDT.")
m[1].metric(f"Notional ({quote})", text.num(sizing.notional))
m[2].metric(
    "Highest safe leverage",
    "none" if settable is None else f"{settable}x",
    help=glossary.helped(
        "Highest whole leverage (what the exchange lets you set, within the tier's maximum) "
        "whose liquidation price stays beyond the stop with the buffer."
    ),
)
m[3].metric(
    f"Margin to post ({quote})",
    text.num(margin_settable),
    help=glossary.helped("Isolated margin at the highest safe leverage."),
)
m[4].metric(
    f"Loss at the stop ({quote})",
    text.num(sizing.loss_at_stop),
    help=glossary.helped("Price loss plus the taker fees to open and to close at the stop."),
)
m[5].metric(
    "Account leverage",
    text.lev(sizing.account_leverage),
    help=glossary.helped("Notional / equity: the leverage that matters for the account."),
)

if settable is not None:
    st.markdown(
        f"Risking **{text.pct(risk_pct / 100.0)} of {text.money(equity, quote)} "
        f"({text.money(sizing.loss_at_stop, quote)})** with a stop "
        f"{text.pct(sizing.stop_distance_frac)} away: trade **{sizing.quantity:.6g}** units "
        f"({text.money(sizing.notional, quote)}). "
        f"Any leverage up to **{settable}x** keeps the liquidation price beyond the stop. A lower "
        "leverage only posts more margin: the loss at the stop stays the same. "
        f"If the price gaps through the stop, isolated margin caps the loss at "
        f"**{text.money(sizing.gap_loss, quote)}**."
    )
    ref = reference_price(sc.symbol) if sc.exchange == "binance" else None
    if ref is not None and ref.lot_size:
        lots = round_down_to_lot(sizing.quantity, ref.lot_size)
        per_unit = float(loss_per_unit(sc.entry_price, float(stop_price), sc.taker_fee))
        st.caption(
            f"Orders on {EXCHANGE_LABELS[sc.exchange]} come in lots of {ref.lot_size:g} "
            f"{sc.symbol_label}: the order is **{lots:g}** units"
            + (
                f" (loss at the stop {text.money(lots * per_unit, quote)}, within the budget)."
                if lots > 0
                else ", below one lot: raise the risk or move the stop closer."
            )
        )

# --- one verdict for this trade: the first thing that is wrong, else that it is fine ---------
sidebar_frac = None
lp_sidebar = float("nan")
sidebar_problem = None
try:
    at_sidebar = Position(sc.side, sc.entry_price, sizing.quantity, leverage=sc.leverage)
    check_position(at_sidebar, venue)
    lp_sidebar = float(liquidation_price(at_sidebar, venue))
    sidebar_frac = float(distance_frac(lp_sidebar, sc.entry_price))
except ValueError as exc:
    sidebar_problem = words.phrase(exc)
verdict = model.sizing_verdict(
    settable=settable,
    margin_at_settable=margin_settable,
    equity=float(equity),
    sidebar_leverage=sc.leverage,
    sidebar_problem=sidebar_problem,
    liquidation_before_stop=bool(
        model.check_stop(sc.side, sc.entry_price, float(stop_price), lp_sidebar).warning
    ),
    inside_buffer=not bool(
        stop_respects_buffer(
            sc.side, sc.entry_price, float(stop_price), lp_sidebar, buffer_pct / 100.0
        )
    ),
    margin_at_sidebar=model.margin_at(sizing.notional, sc.leverage),
    lp_sidebar=lp_sidebar,
    stop_price=float(stop_price),
    buffer_pct=buffer_pct,
    quote=quote,
)
VERDICT_BOX[verdict.level](verdict.message, icon=VERDICT_ICON[verdict.level])

curve = leverage_curve(sc.side, sc.entry_price, sizing.quantity, venue, model.leverage_grid())
tradeoff = figcache.figure(  # built once per size; the sidebar's leverage is a marker on it
    charts.leverage_tradeoff_chart,
    curve.leverage,
    curve.margin,
    curve.distance_frac,
    stop_distance_frac=sizing.stop_distance_frac,
    max_leverage=float(settable) if settable else sizing.max_leverage,
    quote=quote,
)
if sidebar_frac is not None and math.isfinite(sidebar_frac):
    tradeoff = figcache.variant(
        tradeoff, traces=[charts.sidebar_leverage_trace(sc.leverage, sidebar_frac)]
    )
st.plotly_chart(
    tradeoff,
    key="sr_curve",
    config={"displaylogo": False},
)
st.caption(
    "For this fixed size, more leverage only lowers the margin you post and pulls the liquidation "
    "price toward the entry. Where the blue curve crosses the dashed stop line (less the buffer) "
    "is the most leverage this trade can take."
)

max_leverage_block(sc.side, float(venue.table.tiers[0].mmr), sc.asset)
