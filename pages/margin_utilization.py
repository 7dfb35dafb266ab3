"""Margin & utilization: several positions in one account, the gauges, and isolated vs cross."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from risk.account import account_state, collapse_comparison
from risk.margin import adjust_margin
from ui import charts, figcache, glossary, hedge, inputs, model, positions_link, text, words
from ui.scenario import (
    EXCHANGE_LABELS,
    LEVERAGE_CAP,
    SIDES,
    current,
    current_resolved,
    quote_currency,
)

st.title("Margin & utilization")
st.caption(
    "Running near 80% of the available margin is gambling with extra steps. Cross margin keeps a "
    "loser open longer with the whole balance; isolated margin loses at most the position's own "
    "margin."
)

sc = current()
res = current_resolved()
quote = quote_currency(res.venue)
DEFAULT_OTHERS = [
    {
        "symbol": "ETHUSDT",
        "side": "long",
        "entry": 3_500.0,
        "mark": 3_300.0,
        "quantity": 1.5,
        "leverage": 20.0,
        "mode": "cross",
    },
    {
        "symbol": "BTCUSDT",
        "side": "short",
        "entry": 98_000.0,
        "mark": 97_000.0,
        "quantity": 0.02,
        "leverage": 5.0,
        "mode": "cross",
    },
]
# The other positions come from the link that opened the session (``pos``, compact), else the
# defaults; read once, so the table's own edits are never applied twice.
if "mu_rows0" not in st.session_state:
    rows0, link_problem = positions_link.decode(st.query_params.get("pos"), DEFAULT_OTHERS)
    st.session_state["mu_rows0"] = rows0
    st.session_state["mu_link_problem"] = link_problem
if st.session_state.get("mu_link_problem"):
    st.warning(st.session_state["mu_link_problem"], icon=":material/link_off:")

left, right = st.columns([1, 3])
wallet = inputs.number(
    f"Wallet balance ({quote})",
    bounds=inputs.Bounds(1.0, 1e10),
    container=left,
    value=2_000.0,
    step=100.0,
    format="%.2f",
    key="wallet",
    bind="query-params",
    help=glossary.helped("The cross wallet: it funds every position's margin."),
)
left.caption(f"Exchange rules from the sidebar: {EXCHANGE_LABELS[sc.exchange]}.")
with right:
    st.markdown(
        f"**Position 1 is the sidebar's:** {sc.symbol_label} {sc.side}, entry "
        f"{text.price(sc.entry_price)}, {text.lev(sc.leverage)}"
        + (f", quantity {float(res.position.qty):.6g}" if res.position is not None else "")
        + " (change it in the sidebar)."
    )
    r1, r2 = st.columns(2)
    mark_move = inputs.number(
        "Its mark price: move from the entry (%)",
        bounds=inputs.Bounds(-99.0, 1_000.0),
        container=r1,
        value=-3.0,
        step=0.5,
        format="%.2f",
        key="mu_mark",
        bind="query-params",
        help="Where the price is now, relative to the sidebar's entry: -3 is 3% below it.",
    )
    first_mode = r2.segmented_control(
        "Its margin mode",
        ["isolated", "cross"],
        default="isolated",
        required=True,
        key="mu_mode",
        bind="query-params",
    )
    st.caption("Other positions in the account (add, edit or delete rows):")
    table = st.data_editor(
        pd.DataFrame(st.session_state["mu_rows0"], columns=list(model.POSITION_COLUMNS)),
        key="positions",
        num_rows="dynamic",
        hide_index=True,
        column_config={
            "symbol": st.column_config.SelectboxColumn(
                "Symbol", options=["BTCUSDT", "ETHUSDT"], required=True
            ),
            "side": st.column_config.SelectboxColumn("Side", options=list(SIDES), required=True),
            "entry": st.column_config.NumberColumn("Entry", min_value=0.0, format="localized"),
            "mark": st.column_config.NumberColumn("Mark", min_value=0.0, format="localized"),
            "quantity": st.column_config.NumberColumn("Quantity", min_value=0.0, format="%.6g"),
            "leverage": st.column_config.NumberColumn(
                "Leverage", min_value=1.0, max_value=float(LEVERAGE_CAP), format="%.0fx"
            ),
            "mode": st.column_config.SelectboxColumn(
                "Mode", options=["isolated", "cross"], required=True
            ),
        },
    )
others = table.to_dict("records")
encoded = positions_link.encode(others)
if encoded != positions_link.encode(DEFAULT_OTHERS):
    st.query_params["pos"] = encoded
elif "pos" in st.query_params:
    del st.query_params["pos"]

if wallet is None or mark_move is None:
    inputs.withheld("The account's figures")
    st.stop()
if res.position is None:
    st.error(f"Position 1 (the sidebar's): {res.error}", icon=":material/error:")
    st.stop()
first = {
    "symbol": sc.symbol,
    "side": sc.side,
    "entry": sc.entry_price,
    "mark": sc.entry_price * (1.0 + mark_move / 100.0),
    "quantity": float(res.position.qty),
    "leverage": sc.leverage,
    "mode": first_mode,
}
holdings, problems = model.build_holdings([first, *others], sc)
for p in problems:
    st.error(p, icon=":material/error:")
if not holdings:
    st.info("Add at least one complete position to see the gauges.")
    st.stop()

try:
    state = account_state(wallet, holdings)
except ValueError as exc:
    posted = model.posted_margin(holdings)
    st.error(
        f"The positions post {text.money(posted, quote)} of margin, more than the wallet "
        f"({text.money(wallet, quote)}). Raise the wallet balance, lower the quantities or raise "
        f"the leverage. ({words.phrase(exc)})",
        icon=":material/error:",
    )
    st.stop()

m = st.columns(4)
m[0].metric(
    f"Margin balance ({quote})",
    text.num(state.margin_balance),
    help="Wallet plus the unrealized PnL of every position.",
)
m[1].metric(f"Initial margin in use ({quote})", text.num(state.initial_margin))
m[2].metric(f"Maintenance margin ({quote})", text.num(state.maintenance_margin))
m[3].metric(
    f"Available ({quote})",
    text.num(model.available_margin(state)),
    help=glossary.helped("Margin balance not tied up as initial margin."),
)

g1, g2 = st.columns(2)
g1.plotly_chart(
    figcache.figure(charts.utilization_gauge, state.utilization),
    key="mu_util",
    config={"displaylogo": False},
)
g2.plotly_chart(
    figcache.figure(charts.margin_ratio_gauge, state.margin_ratio),
    key="mu_ratio",
    config={"displaylogo": False},
)
if state.already_liquidatable:
    shown = "infinite" if state.margin_ratio == float("inf") else text.pct(state.margin_ratio, 1)
    st.error(
        f"The margin ratio is {shown}: the account's equity is already at or below its "
        "maintenance margin, so the exchange is liquidating its cross positions now. No further "
        "move is needed; add funds or close positions.",
        icon=":material/error:",
    )
elif state.utilization >= model.MARGIN_SHARE_WARN:
    st.warning(
        f"{text.pct(state.utilization, 1)} of the margin balance is in use: one ordinary adverse "
        "move leaves no room. Close or shrink a position before adding one.",
        icon=":material/warning:",
    )

st.subheader("Liquidation prices: cross versus isolated")
st.dataframe(
    pd.DataFrame(
        [
            {
                "symbol": h.symbol,
                "side": h.position.side,
                "mode": h.position.margin_mode,
                "mark": h.mark_price,
                "liq. price if isolated": iso,
                "liq. price if cross": cross,
                "in use": cross if h.position.margin_mode == "cross" else iso,
            }
            for h, iso, cross in zip(
                holdings,
                state.isolated_liquidation_prices,
                state.cross_liquidation_prices,
                strict=True,
            )
        ]
    ),
    hide_index=True,
    column_config={
        c: st.column_config.NumberColumn(format="localized")
        for c in ("mark", "liq. price if isolated", "liq. price if cross", "in use")
    },
)
st.caption(
    "Cross: the whole wallet backs each position, together with the other positions' PnL and "
    "maintenance margin. An empty cell means no price liquidates the position (or the exchange "
    "publishes no cross formula)."
)

labels = [
    f"{i + 1}. {h.symbol} {h.position.side} ({h.position.margin_mode})"
    for i, h in enumerate(holdings)
]
a, b = st.columns(2)
with a:
    st.subheader("Add margin")
    iso_idx = [i for i, h in enumerate(holdings) if h.position.margin_mode == "isolated"]
    if not iso_idx:
        st.info("No isolated position: in cross mode the whole wallet already backs each one.")
    else:
        pick = st.selectbox(
            "Isolated position", iso_idx, format_func=labels.__getitem__, key="add_pick"
        )
        h = holdings[pick]
        room = model.unposted_wallet(wallet, holdings)
        add = st.slider(
            f"Margin to add ({quote})",
            min_value=0.0,
            max_value=float(max(room, 1.0)),
            value=float(min(100.0, room)),
            step=max(1.0, round(room / 100.0, 0)),
            key="add_margin",
            help="Limited to the wallet not already posted as margin.",
        )
        if add > room:
            st.error(
                f"Only {text.money(room, quote)} of the wallet is not posted yet. Lower the "
                "amount or raise the wallet balance.",
                icon=":material/error:",
            )
        else:
            change = adjust_margin(h.position, h.venue, add)
            k = st.columns(3)
            k[0].metric(
                f"New liq. price ({quote})",
                text.price(float(change.liquidation_price)),
                delta=f"{float(change.liquidation_shift):+,.2f}",
                delta_color="off",
                delta_arrow="off",
            )
            k[1].metric(
                "Effective leverage",
                text.lev(float(change.effective_leverage)),
                delta=f"from {text.lev(float(h.position.leverage_setting))}",
                delta_color="off",
                delta_arrow="off",
            )
            k[2].metric(f"Margin posted ({quote})", text.num(float(change.margin)))
            st.caption(
                f"Adding {text.money(add, quote)} moves the liquidation price from "
                f"{text.price(state.isolated_liquidation_prices[pick])} to "
                f"{text.price(float(change.liquidation_price))}: the position now survives a "
                "larger move."
            )
with b:
    st.subheader("If one price collapses")
    pick_c = st.selectbox(
        "Position", range(len(holdings)), format_func=labels.__getitem__, key="collapse_pick"
    )
    drop = st.slider(
        "Adverse move (%)",
        min_value=1,
        max_value=95,
        value=30,
        step=1,
        format="%d%%",
        key="collapse_pct",
    )
    out = collapse_comparison(wallet, holdings, pick_c, drop / 100.0)
    past = model.past_liquidation(holdings[pick_c], state.isolated_liquidation_prices[pick_c])
    k = st.columns(2)
    k[0].metric(
        f"Isolated loses ({quote})",
        "already liquidated" if past else text.num(out.isolated_loss),
        delta="its mark is past the isolated liquidation price"
        if past
        else ("position liquidated" if out.isolated_liquidated else "position survives"),
        delta_color="off",
        delta_arrow="off",
    )
    k[1].metric(
        f"Cross loses ({quote})",
        text.num(out.cross_loss),
        delta="account liquidated" if out.cross_liquidated else "account survives",
        delta_color="off",
        delta_arrow="off",
    )
    st.plotly_chart(
        figcache.figure(
            charts.collapse_chart,
            # already past its isolated liquidation: isolated, its whole margin was lost
            float(holdings[pick_c].position.isolated_margin) if past else out.isolated_loss,
            out.cross_loss,
            wallet_balance=wallet,
            isolated_liquidated=out.isolated_liquidated or past,
            cross_liquidated=out.cross_liquidated,
            quote=quote,
        ),
        key="mu_collapse",
        config={"displaylogo": False},
    )
    st.caption(
        f"Price of {holdings[pick_c].symbol} after the move: "
        f"{text.price(out.shock_price)} (other positions unchanged)."
    )

hedge.render(wallet, sc)
