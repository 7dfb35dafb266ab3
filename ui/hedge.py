"""Hedge mode block for the Margin & utilization page: a long and a short leg of one symbol in
the cross wallet, liquidated together (:mod:`risk.hedge`). The page calls :func:`render` once.

The block sits in an expander, closed at first, that reruns the page when opened or closed:
while it is closed nothing of it is computed or sent (five inputs, three metrics and the hedge
valuation, a tenth of the page's time per rerun), since most visitors of the page never open it.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from risk import Account, Position
from risk.hedge import HEDGE_FAMILIES, HEDGE_REFUSED, HEDGE_RULES, hedge_liquidation
from ui import glossary, text, words
from ui.scenario import EXCHANGE_LABELS, Scenario, quote_currency

_HOW = {
    "binance": "each leg's maintenance margin is valued on its own notional and tier",
    "generic": "each leg's maintenance margin is valued on its own notional at the typed rate",
    "okx": "OKX counts both legs together for the tier and adds the fee to its rate",
    "bybit": "each leg's maintenance margin is valued at its entry, plus its fee to close",
    "bybit-uta": "each leg's maintenance margin is valued at the mark, plus its fee to close",
}
assert set(_HOW) == set(HEDGE_RULES)


#: The expander's key: True in the session state while the block is open.
OPEN_KEY = "mu_hedge"


def render(wallet_balance: float, scenario: Scenario) -> None:
    """Two legs typed here, the wallet from the page, exchange, symbol and leverage from the
    sidebar; the liquidation prices below and above, and the margin ratio at the mark. Inside
    an expander (key ``mu_hedge``), drawn only while it is open."""
    box = st.expander(
        "Hedge mode: a long and a short of one symbol",
        key=OPEN_KEY,
        on_change="rerun",
        icon=":material/balance:",
    )
    if box.open:
        with box:
            _render(wallet_balance, scenario)


def _render(wallet_balance: float, scenario: Scenario) -> None:
    if scenario.exchange not in HEDGE_FAMILIES:
        why = HEDGE_REFUSED.get(scenario.exchange, "no hedge-mode rule is modelled for it")
        names = ", ".join(EXCHANGE_LABELS[e] for e in HEDGE_FAMILIES)
        st.info(
            f"{EXCHANGE_LABELS[scenario.exchange]} has no hedge-mode formula here: {why}. "
            f"Pick one of {names} in the sidebar."
        )
        return
    try:
        venue = replace(scenario, leverage=1.0).venue()
    except ValueError as exc:
        st.error(
            f"The exchange settings do not work: {words.phrase(exc)}.", icon=":material/error:"
        )
        return
    quote = quote_currency(venue)
    c = st.columns(5)
    long_qty = c[0].number_input(
        "Long quantity", 1e-8, 1e6, 0.1, step=0.01, format="%.6g", key="hedge_long_qty"
    )
    long_entry = c[1].number_input(
        f"Long entry ({quote})",
        1e-6,
        1e9,
        100_000.0,
        step=100.0,
        format="%.2f",
        key="hedge_long_ep",
    )
    short_qty = c[2].number_input(
        "Short quantity", 1e-8, 1e6, 0.05, step=0.01, format="%.6g", key="hedge_short_qty"
    )
    short_entry = c[3].number_input(
        f"Short entry ({quote})", 1e-6, 1e9, 102_000.0, step=100.0, format="%.2f",
        key="hedge_short_ep",
    )  # fmt: skip
    mark = c[4].number_input(
        f"Mark ({quote})", 1e-6, 1e9, 100_000.0, step=100.0, format="%.2f", key="hedge_mark"
    )
    try:
        lev = scenario.leverage
        long_leg = Position("long", long_entry, long_qty, leverage=lev, margin_mode="cross")
        short_leg = Position("short", short_entry, short_qty, leverage=lev, margin_mode="cross")
        h = hedge_liquidation(long_leg, short_leg, venue, Account(wallet_balance), mark)
    except ValueError as exc:
        st.error(f"These legs cannot be valued: {words.phrase(exc)}.", icon=":material/error:")
        return
    k = st.columns(3)
    k[0].metric(f"Hedge liq. price below ({quote})", text.price(h.below))
    k[1].metric(f"Hedge liq. price above ({quote})", text.price(h.above))
    k[2].metric(
        "Hedge margin ratio",
        text.pct(h.margin_ratio) if h.margin_ratio < float("inf") else "over 100%",
        help=glossary.helped(
            "Both legs' maintenance margin / (wallet + both legs' PnL) at the mark."
        ),
    )
    if h.already_liquidatable:
        st.error(
            f"At the mark {text.price(mark)} the wallet ({text.money(wallet_balance, quote)}) no "
            "longer covers both legs' maintenance margin: the exchange liquidates them now.",
            icon=":material/error:",
        )
    else:
        st.caption(
            f"Both legs share one liquidation price per side: {_HOW[scenario.exchange]}; the "
            f"wallet and both legs' PnL back them (hedge mode, cross). "
            f"{text.pct(h.distance_frac)} from the mark to the nearer one."
        )
