"""Trade plan: the exits written before entry, sized from the risk budget, saved to the journal."""

from __future__ import annotations

import math

import streamlit as st

from risk import get_venue
from risk.journal.plan import MAX_TEXT_CHARS, Plan
from risk.journal.planning import plan_levels, plan_sizing
from risk.journal.store import default_db_path
from risk.reference import settable_leverage
from ui import charts, figcache, glossary, inputs, text, widgets, words
from ui import format as fmt
from ui.journal_faults import open_journal, read
from ui.scenario import EXCHANGE_LABELS, current_resolved, quote_currency

MAX_TARGETS = 5


def plan_fingerprint(*parts: object) -> str:
    """What a plan says, as one string: the same plan saved twice has the same fingerprint."""
    return repr(parts)


st.title("Trade plan")
st.caption(
    "Rule 3: write the exit before you enter. Where you take profit, where you are wrong and how "
    "much you accept to lose fix the size; leverage follows. A plan without a stop, or without "
    "what proves you wrong, is not saved."
)

res = current_resolved()
sc = res.scenario
quote = quote_currency(res.venue)
#: The plan's own inputs: cleared after a save, so the next plan starts empty.
FORM_KEYS = ("tp_stop", "tp_thesis", "tp_wrong", "tp_trail", "tp_trail_pct", "tp_trail_at")
if st.session_state.pop("tp_clear", False):
    for k in list(st.session_state):
        if (
            isinstance(k, str)
            and (k in FORM_KEYS or k.startswith(("tp_t", "tp_s")))
            and (k not in ("tp_sym", "tp_saved_msg"))
        ):
            del st.session_state[k]
if "tp_saved_msg" in st.session_state:
    st.success(st.session_state.pop("tp_saved_msg"), icon=":material/check_circle:")

# --- the trade -----------------------------------------------------------------------------------
# Symbol, side, entry and leverage are the sidebar's: the plan is the sidebar's position, so it
# shows the same liquidation price as every other page.
c1, c4 = st.columns([3, 1])
symbol = (
    sc.symbol
    if sc.symbol != "custom"
    else c1.text_input("Symbol (the sidebar's is custom)", value="", max_chars=30, key="tp_sym")
)
side, entry, leverage = sc.side, sc.entry_price, sc.leverage
c1.markdown(
    f"**{symbol or 'custom symbol'} {side}**, entry **{text.price(entry)} {quote}**, leverage "
    f"**{text.lev(leverage)}**: from the sidebar (change them there)."
)
stop = inputs.number(
    f"Stop ({quote})",
    bounds=inputs.Bounds(0.0, widgets.PRICE_MAX, lo_open=True),
    container=c4,
    value=None,
    step=100.0,
    format=fmt.input_format(entry),
    placeholder="required",
    key="tp_stop",
    help="Where the trade is wrong. Below the entry for a long, above it for a short.",
)

st.markdown("##### Targets")
n_targets = st.number_input(
    "Number of targets", min_value=1, max_value=MAX_TARGETS, value=1, step=1, key="tp_nt"
)
targets = widgets.price_share_rows(
    int(n_targets),
    price_label=f"Target {{i}} price ({quote})",
    share_label="Target {i}: share of the position closed (%)",
    price_key="tp_t",
    share_key="tp_s",
    price_step=100.0,
)

trailing = None
if st.checkbox("Trailing stop once in profit", key="tp_trail"):
    r1, r2 = st.columns(2)
    trail_pct = r1.number_input(
        "Trail distance (% behind the best price)",
        min_value=0.01,
        max_value=99.0,
        value=3.0,
        step=0.5,
        format="%.2f",
        key="tp_trail_pct",
    )
    activation = r2.number_input(
        f"Start trailing at ({quote}; empty: from the entry)",
        min_value=0.0,
        max_value=widgets.PRICE_MAX,
        value=None,
        step=100.0,
        format="%.4f",
        key="tp_trail_at",
    )
    trailing = (trail_pct / 100.0, activation)

thesis = st.text_area("Thesis: why this trade", key="tp_thesis", max_chars=4000)
wrong = st.text_area(
    "What proves me wrong",
    key="tp_wrong",
    max_chars=4000,
    placeholder="required: the observation that ends the trade (e.g. a daily close below 95,000)",
)

# --- risk ----------------------------------------------------------------------------------------
k1, k2 = st.columns(2)
equity = inputs.number(
    f"Account equity ({quote})",
    bounds=inputs.Bounds(1.0, 1e10),
    container=k1,
    value=10_000.0,
    step=500.0,
    format="%.2f",
    key="tp_eq",
)
risk_pct = inputs.number(
    "Maximum loss (% of equity)",
    bounds=inputs.Bounds(0.01, 100.0),
    container=k2,
    value=1.0,
    step=0.25,
    format="%.2f",
    key="tp_risk",
    help=glossary.helped(
        "The loss at the stop, taker fees included, equals this share of the equity."
    ),
)
venue, venue_note = res.venue, None
try:
    venue = get_venue(sc.exchange, symbol or sc.symbol, taker_fee=sc.taker_fee)
except ValueError:
    if venue is not None:
        venue_note = (
            f"No {EXCHANGE_LABELS[sc.exchange]} tier table ships for {symbol!r}: liquidation uses "
            f"the sidebar's table ({venue.table.name})."
        )
st.caption(
    f"Exchange rules from the sidebar: {EXCHANGE_LABELS[sc.exchange]}"
    + (f", {venue.table.name}" if venue is not None else "")
    + f"; taker fee {text.pct(sc.taker_fee, 3)} per side."
    + (f" {venue_note}" if venue_note else "")
)

# --- what risk/ computes for the plan ------------------------------------------------------------
sizing = None
if equity is None or risk_pct is None:
    inputs.withheld("The size, the leverage and the liquidation price")
elif stop is None:
    st.info("Type a stop to see the size, leverage and liquidation price of this plan.")
elif venue is None:
    st.error(res.error or "The sidebar's exchange settings do not work.", icon=":material/error:")
else:
    try:
        sizing = plan_sizing(
            side,
            float(entry),
            float(stop),
            float(equity),
            risk_pct / 100.0,
            venue=venue,
            leverage=float(leverage),
            taker_fee=sc.taker_fee,
        )
    except ValueError as exc:
        st.error(f"This plan cannot be sized: {words.phrase(exc)}.", icon=":material/error:")

if sizing is not None:
    m = st.columns(4) + st.columns(4)
    m[0].metric("Size (base units)", f"{sizing.quantity:.6g}")
    m[1].metric(f"Notional ({quote})", text.num(sizing.notional))
    m[2].metric(f"Loss at the stop ({quote})", text.num(sizing.loss_at_stop))
    m[3].metric("Account leverage", text.lev(sizing.account_leverage))
    m[4].metric("Leverage", text.lev(sizing.leverage))
    m[5].metric(f"Margin ({quote})", text.num(sizing.margin))
    m[6].metric(f"Liquidation price ({quote})", text.price(sizing.liquidation_price))
    m[7].metric(
        "Stop → liquidation buffer",
        "none"
        if math.isinf(sizing.stop_to_liquidation_frac)
        else text.pct(sizing.stop_to_liquidation_frac),
        help=glossary.helped(
            "The further move past the stop that reaches the liquidation price, as a share of "
            "the stop price. Negative: liquidation comes first."
        ),
    )
    tier_cap = (
        float(venue.table.max_leverage(sizing.notional))
        if sizing.notional < venue.table.max_notional
        else None
    )
    whole = settable_leverage(sizing.max_safe_leverage, tier_cap)
    safe = "no leverage" if whole is None else f"{whole}x"
    if sizing.liquidation_before_stop:
        st.warning(
            f"At {text.lev(sizing.leverage)} the liquidation price "
            f"({text.price(sizing.liquidation_price)}) comes before the stop "
            f"({text.price(float(stop))}): the exchange closes the trade first and the stop never "
            f"fills. Use {safe} or less.",
            icon=":material/warning:",
        )
    elif math.isfinite(sizing.max_safe_leverage) and sizing.leverage > sizing.max_safe_leverage:
        st.warning(
            f"At {text.lev(sizing.leverage)} the liquidation price sits within 5% of the "
            f"entry-to-liquidation distance beyond the stop: a small gap reaches it. Use {safe} "
            "or less.",
            icon=":material/warning:",
        )
    else:
        st.success(
            f"At {text.lev(sizing.leverage)} the stop fills before liquidation (highest safe "
            f"leverage {safe}).",
            icon=":material/check_circle:",
        )
    if sizing.margin > equity:
        st.error(
            f"This position needs {text.money(sizing.margin, quote)} of margin at "
            f"{text.lev(sizing.leverage)}, more than the equity. Raise the leverage (within the "
            "safe range), widen the stop or lower the risk.",
            icon=":material/error:",
        )
    named = [("Stop", float(stop)), ("Liquidation", sizing.liquidation_price)]
    named += [(f"Target {k + 1}", float(p)) for k, (p, _) in enumerate(targets) if p]
    st.plotly_chart(
        figcache.figure(
            charts.price_ladder_chart,
            plan_levels(side, float(entry), sizing.quantity, named, sc.taker_fee),
            quote=quote,
        ),
        key="tp_ladder",
        config={"displaylogo": False},
    )

# --- save ----------------------------------------------------------------------------------------
db_path = default_db_path()
if st.button("Save plan", type="primary", key="tp_save"):
    fingerprint = plan_fingerprint(
        symbol, side, entry, stop, targets, wrong, thesis, trailing, equity, risk_pct
    )
    last = st.session_state.get("tp_last_saved")
    missing = []
    if stop is None:
        missing.append("a stop (the price where the trade is wrong)")
    if not wrong.strip():
        missing.append('"what proves me wrong"')
    if any(p is None for p, _ in targets):
        missing.append("a price for every target")
    if last is not None and (last[1] == fingerprint or stop is None):
        # a second click on the same plan, or a click on the form the save just emptied
        st.info(
            f"Plan #{last[0]} is saved; the form is empty for the next plan.",
            icon=":material/info:",
        )
    elif equity is None or risk_pct is None:
        st.error("Not saved: fix the field marked above first.", icon=":material/error:")
    elif missing:
        listed = (
            missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
        )
        st.error(f"Not saved: a plan needs {listed}.", icon=":material/error:")
    else:
        try:
            plan = Plan(
                symbol=symbol,
                side=side,
                entry=float(entry),
                stop=float(stop),
                targets=targets,
                what_proves_me_wrong=wrong,
                max_loss_frac=risk_pct / 100.0,
                equity=float(equity),
                thesis=thesis,
                trailing=trailing,
                taker_fee=sc.taker_fee,
            )
            with open_journal(db_path) as journal:
                plan_id = journal.save_plan(plan)
        except ValueError as exc:
            st.error(f"Not saved: {words.phrase(exc)}.", icon=":material/error:")
        else:
            st.session_state["tp_last_saved"] = (plan_id, fingerprint)
            st.session_state["tp_saved_msg"] = (
                f"Saved plan #{plan_id}: {plan.side} {plan.quantity:.6g} {plan.symbol} at "
                f"{text.price(plan.entry)}, stop {text.price(plan.stop)}. Record how it ends on "
                "the Review page."
            )
            st.session_state["tp_clear"] = True
            st.rerun()
st.caption(
    "Plans are kept in the journal on this computer (the LEVERAGE_LAB_DB setting chooses where)."
)

# --- amend an open plan --------------------------------------------------------------------------
st.subheader("Change an open plan")
st.caption(
    "A saved plan is never rewritten: a change is stored as an amendment with its time and "
    "reason, and the Review page shows what was planned beside what was changed."
)
AMEND_FIELDS = {
    "stop": "Stop",
    "entry": "Entry (filled elsewhere)",
    "quantity": "Size (base units)",
    "max_loss_frac": "Maximum loss (% of equity)",
    "thesis": "Thesis",
    "what_proves_me_wrong": "What proves me wrong",
}
open_plans, fault = read(
    db_path, lambda j: [h.amended for h in j.histories() if h.outcome is None], []
)
if fault:
    st.error(f"The journal cannot be read: {fault}.", icon=":material/error:")
if not open_plans:
    st.caption("No open plans yet.")
else:
    by_id = {p.plan_id: p for p in open_plans}
    a1, a2 = st.columns(2)
    pid = a1.selectbox(
        "Plan",
        list(by_id),
        format_func=lambda i: (
            f"#{i} {by_id[i].symbol} {by_id[i].side}, entry "
            f"{text.price(by_id[i].entry)}, stop {text.price(by_id[i].stop)}"
        ),
        key="tp_am_plan",
    )
    field = a2.selectbox(
        "What changes", list(AMEND_FIELDS), format_func=AMEND_FIELDS.get, key="tp_am_field"
    )
    current = by_id[pid]
    if field in ("thesis", "what_proves_me_wrong"):
        new_value: object = st.text_area(
            f"New {AMEND_FIELDS[field].lower()}",
            value=getattr(current, field),
            key="tp_am_text",
            max_chars=MAX_TEXT_CHARS,  # what a plan holds, so its export imports back
        )
    else:
        now = getattr(current, field) * (100.0 if field == "max_loss_frac" else 1.0)
        typed = inputs.number(
            f"New value (now {now:.6g})",
            bounds=inputs.Bounds(0.0, 1e10, lo_open=True),
            value=None,
            format="%.6f",
            key="tp_am_num",
        )
        new_value = (
            None if typed is None else (typed / 100.0 if field == "max_loss_frac" else float(typed))
        )
    reason = st.text_input("Why (required)", key="tp_am_reason", max_chars=500)
    if st.button("Record the change", key="tp_am_save"):
        if new_value is None:
            st.error("Not recorded: type the new value.", icon=":material/error:")
        else:
            try:
                with open_journal(db_path) as journal:
                    done = journal.amend(pid, {field: new_value}, reason)
            except ValueError as exc:
                st.error(f"Not recorded: {words.phrase(exc)}.", icon=":material/error:")
            else:
                a = done[0]
                st.success(
                    text.inert(
                        f"Plan #{pid}: {AMEND_FIELDS[a.field].lower()} changed from "
                        f"{fmt.value(a.old)} to {fmt.value(a.new)}, recorded "
                        f"{fmt.when(a.amended_at)}."
                    ),
                    icon=":material/check_circle:",
                )
