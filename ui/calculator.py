"""The exchange calculator's tabs on the Liquidation map, and the "at the mark" block.

Driven by the sidebar position (:class:`ui.scenario.Resolved`); every figure comes from
``risk/`` (:mod:`risk.calculator`, :mod:`risk.margin`, :func:`risk.account.margin_status`). A page
calls :func:`mark_block` and :func:`render` once each; nothing else of the page changes.
"""

from __future__ import annotations

import math

import streamlit as st

from risk import liquidation_price
from risk.account import margin_status
from risk.calculator import average_entry_price, exit_outcome, max_open, parse_fill
from risk.margin import target_price
from ui import glossary, text, words
from ui.scenario import Resolved, quote_currency

#: Families whose order cost includes the fee to close at the bankruptcy price (Bybit "Order
#: Cost"); the others count the fee to open.
CLOSE_FEE_IN_COST = ("bybit",)
TABS = ("PnL / ROE", "Target price", "Max open", "Average entry")

_LIMIT_SENTENCE = {
    "balance": "the balance: initial margin plus fees use all of it",
    "tier max leverage": "the tiers: {lev} is allowed only below a {cap} notional",
    "last cap": "the tier table's last cap ({cap}): no tier accepts a larger notional",
}


def mark_block(res: Resolved) -> None:
    """Distance to liquidation, unrealized PnL, ROE and margin ratio from the sidebar's mark
    price (nothing when no mark is given); a plain sentence when the position is already at or
    beyond its maintenance margin there."""
    sc, position, venue = res.scenario, res.position, res.venue
    if sc.mark_price is None or position is None or venue is None:
        return
    quote = quote_currency(venue)
    mark = sc.mark_price
    status = margin_status(position, venue, mark)
    lp = float(liquidation_price(position, venue))
    passed = math.isfinite(lp) and (mark - lp) * position.sign <= 0
    st.markdown(f"**At the mark price {text.price(mark)}** (the position is open)")
    c = st.columns(4)
    if status.already_liquidatable or passed:
        c[0].metric("Move to liquidation from the mark", "none left")
        st.error(
            f"At the mark price {text.price(mark)} the position is already at or beyond its "
            f"liquidation price ({text.price(lp)}): the margin no longer covers the maintenance "
            "margin, so the exchange liquidates it now.",
            icon=":material/error:",
        )
    else:
        dist = abs(lp - mark) / mark if math.isfinite(lp) else float("nan")
        c[0].metric(
            "Move to liquidation from the mark",
            text.pct(dist),
            help=glossary.helped("Exact move from the mark price to the liquidation price."),
        )
    c[1].metric(f"Unrealized PnL ({quote})", text.num(status.unrealized_pnl))
    c[2].metric(
        "ROE at the mark",
        text.pct(status.roe),
        help=glossary.helped("Unrealized PnL / initial margin."),
    )
    c[3].metric(
        "Margin ratio",
        text.pct(status.margin_ratio) if math.isfinite(status.margin_ratio) else "over 100%",
        help=glossary.helped(
            "Maintenance margin / margin balance at the mark; the exchange liquidates at 100%."
        ),
    )


def render(res: Resolved) -> None:
    """The calculator tabs, below the page's main content."""
    st.subheader("Calculator")
    sc, position, venue = res.scenario, res.position, res.venue
    if position is None or venue is None:
        st.info("The calculator appears once the scenario in the sidebar is valid.")
        return
    quote = quote_currency(venue)
    st.caption(
        f"For the sidebar position: {sc.side} {float(position.qty):.6g} at "
        f"{text.price(sc.entry_price)}, {text.lev(sc.leverage)}, taker fee "
        f"{text.pct(sc.taker_fee, 3)} per side."
    )
    tabs = st.tabs(list(TABS))
    with tabs[0]:
        _pnl_tab(res, quote)
    with tabs[1]:
        _target_tab(res, quote)
    with tabs[2]:
        _max_open_tab(res, quote)
    with tabs[3]:
        _entry_tab(res, quote)


def _follow(key: str, default: object) -> None:
    """A field whose default comes from the sidebar (an exit 5% from the entry) follows the
    sidebar until the user types in it: otherwise a new entry left the old exit on screen, and
    the page's link (which carries only what differs from the default) opened other figures."""
    mark = f"_{key}_default"
    old = st.session_state.get(mark)
    if old is not None and old != default and st.session_state.get(key) == old:
        st.session_state[key] = default
    st.session_state[mark] = default


def _pnl_tab(res: Resolved, quote: str) -> None:
    sc, position = res.scenario, res.position
    up = 1.05 if sc.side == "long" else 0.95
    _follow("calc_exit", round(sc.entry_price * up, 2))
    exit_price = st.number_input(
        f"Exit price ({quote})",
        min_value=1e-6,
        max_value=1e9,
        value=round(sc.entry_price * up, 2),
        step=100.0,
        format="%.2f",
        key="calc_exit",
        bind="query-params",  # in the link: a student sees the same figures
    )
    out = exit_outcome(position, float(exit_price), sc.taker_fee)
    c = st.columns(4)
    c[0].metric(
        f"PnL at exit ({quote})", text.num(out.pnl), help="side x quantity x (exit - entry)"
    )
    c[1].metric(
        "ROE at exit", text.pct(out.roe), help=glossary.helped("PnL / initial margin, before fees.")
    )
    c[2].metric(
        f"Fees open + close ({quote})",
        text.num(out.open_fee + out.close_fee),
        help=glossary.helped("Taker fee on the notional at the entry and at the exit."),
    )
    c[3].metric("ROE after fees", text.pct(out.roe_after_fees))
    st.caption(
        f"A {text.pct(out.move_frac)} move to {text.price(out.exit_price)} makes "
        f"{text.money(out.pnl, quote)} ({text.money(out.pnl_after_fees, quote)} after fees) on "
        f"{text.money(out.initial_margin, quote)} of initial margin."
    )


def _target_tab(res: Resolved, quote: str) -> None:
    sc, position = res.scenario, res.position
    roe_pct = st.number_input(
        "Target ROE (%)",
        min_value=-100.0,
        max_value=100_000.0,
        value=50.0,
        step=10.0,
        format="%.2f",
        key="calc_roe",
        bind="query-params",  # in the link: a student sees the same figures
        help=glossary.helped(
            "Return on the initial margin; negative for a loss (-100% = the whole margin)."
        ),
    )
    gross = float(target_price(position, roe_pct / 100.0))
    net = float(target_price(position, roe_pct / 100.0, sc.taker_fee))
    c = st.columns(2)
    c[0].metric(f"Target price before fees ({quote})", text.price(gross))
    c[1].metric(f"Target price after fees ({quote})", text.price(net))
    if not math.isfinite(gross):
        st.info("No positive price gives this ROE for this position.")


def _max_open_tab(res: Resolved, quote: str) -> None:
    sc, venue = res.scenario, res.venue
    _follow("calc_balance", float(round(sc.margin, 2)))
    balance = st.number_input(
        f"Available balance ({quote})",
        min_value=0.01,
        max_value=1e10,
        value=float(round(sc.margin, 2)),
        step=100.0,
        format="%.2f",
        key="calc_balance",
        bind="query-params",  # in the link: a student sees the same figures
    )
    lot = st.number_input(
        "Quantity step (lot)",
        min_value=1e-8,
        max_value=1e6,
        value=0.001,
        step=0.001,
        format="%.6g",
        key="calc_lot",
        bind="query-params",  # in the link: a student sees the same figures
        help="The exchange's order step for the symbol (0.001 BTC on Binance BTCUSDT).",
    )
    try:
        out = max_open(
            float(balance),
            sc.entry_price,
            sc.leverage,
            venue.table,
            side=sc.side,
            taker_fee=sc.taker_fee,
            close_fee_at_bankruptcy=sc.exchange in CLOSE_FEE_IN_COST,
            lot_size=float(lot),
        )
    except ValueError as exc:
        st.error(
            f"Cannot compute the largest position: {words.phrase(exc)}.", icon=":material/error:"
        )
        return
    c = st.columns(3)
    c[0].metric("Max open (quantity)", f"{out.quantity:,.6g}")
    c[1].metric(f"Notional ({quote})", text.num(out.notional))
    c[2].metric(
        f"Cost ({quote})", text.num(out.cost), help=glossary.helped("Initial margin + fees.")
    )
    why = _LIMIT_SENTENCE[out.limited_by].format(
        lev=text.lev(sc.leverage), cap=text.money(out.tier_notional_cap, quote)
    )
    st.caption(
        f"At {text.lev(sc.leverage)} and {text.price(sc.entry_price)}, the limit is {why}. Fees "
        f"counted: {'open and close at bankruptcy' if sc.exchange in CLOSE_FEE_IN_COST else 'open'}"
        f" ({text.money(out.fees, quote)})."
    )


def _entry_tab(res: Resolved, quote: str) -> None:
    sc = res.scenario
    step = 0.98 if sc.side == "long" else 1.02
    default = f"{sc.entry_price:.2f}:0.01\n{sc.entry_price * step:.2f}:0.02"
    _follow("calc_fills", default)
    typed = st.text_area(
        "Fills, one PRICE:QUANTITY per line",
        value=default,
        height=100,
        key="calc_fills",
        bind="query-params",  # in the link: a student sees the same figures
        help="Each fill of the position: its price and its quantity in base units, e.g. "
        "98000:0.02 (as `python -m risk entry --fill 98000:0.02`).",
    )
    lines = [ln.strip() for ln in typed.splitlines() if ln.strip()]
    if not lines:
        st.info("Type at least one fill (price:quantity).")
        return
    try:
        fills = [parse_fill(ln) for ln in lines]
    except ValueError as exc:
        st.error(f"A fill is not valid: {words.phrase(exc)}.", icon=":material/error:")
        return
    avg = float(average_entry_price([p for p, _ in fills], [q for _, q in fills]))
    c = st.columns(2)
    c[0].metric(f"Average entry ({quote})", text.price(avg), help="Quantity-weighted mean.")
    c[1].metric("Total quantity", f"{sum(q for _, q in fills):,.6g}")
