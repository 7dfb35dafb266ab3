"""Review: record how each plan ended, compare with what was planned, and read the statistics."""

from __future__ import annotations

import math

import streamlit as st

from risk.journal.csvio import (
    MAX_IMPORT_BYTES,
    ImportRefused,
    histories_to_csv,
    import_csv_text,
)
from risk.journal.plan import EXIT_REASONS, Outcome, now_utc
from risk.journal.stats import equity_curve, journal_stats, plans_table, trade_table
from risk.journal.store import PlanHistory, default_db_path
from ui import charts_journal, figcache, text, widgets, words
from ui import format as uifmt
from ui.journal_faults import open_journal, read

MAX_EXITS = 5
REASON_LABELS = {r: charts_journal.REASON_STYLE[r][0] for r in EXIT_REASONS}
#: Plan fields as the Trade plan page names them.
FIELD_WORDS = {
    "stop": "stop",
    "entry": "entry",
    "quantity": "size",
    "max_loss_frac": "maximum loss",
    "thesis": "thesis",
    "what_proves_me_wrong": "what proves me wrong",
    "targets": "targets",
    "trailing": "trailing stop",
}


def proposed_reason(h, exits: list[tuple[float | None, float]]) -> str | None:
    """ "stop" when every typed exit is at or beyond the plan's (amended) stop, else ``None``."""
    prices = [p for p, _ in exits if p is not None]
    if not prices or len(prices) != len(exits):
        return None
    plan = h.amended
    beyond = all((p <= plan.stop) if plan.side == "long" else (p >= plan.stop) for p in prices)
    return "stop" if beyond else None


st.title("Review")
st.caption(
    "How did each trade end, and did it follow its plan? R is the realized PnL over the risk "
    "planned before entry (moving the stop later does not shrink it). Closed as planned: the "
    "target or the stop ended the trade."
)

db_path = default_db_path()


def load() -> list[PlanHistory]:
    """Every plan's history; on a storage fault the message is shown and the page goes on."""
    histories, fault = read(db_path, lambda j: j.histories(), [])
    if fault:
        st.error(f"The journal cannot be read: {fault}.", icon=":material/error:")
    return histories


def plan_label(h: PlanHistory) -> str:
    p = h.amended
    return (
        f"#{h.plan_id} {p.symbol} {p.side}, entry {text.price(p.entry)}, stop {text.price(p.stop)}"
    )


histories = load()
#: The outcome form's inputs: cleared after a record, so a second click records nothing.
if st.session_state.pop("rv_clear", False):
    for k in list(st.session_state):
        if isinstance(k, str) and k.startswith(("rv_px", "rv_sh", "rv_reason", "rv_closed")):
            del st.session_state[k]
    st.session_state.pop("rv_notes", None)

# --- record an outcome ---------------------------------------------------------------------------
st.subheader("Record an outcome")
open_plans = {h.plan_id: h for h in histories if h.outcome is None}
if not open_plans:
    st.caption("No open plans. Save one on the Trade plan page.")
else:
    pid = st.selectbox(
        "Plan", list(open_plans), format_func=lambda i: plan_label(open_plans[i]), key="rv_plan"
    )
    n_exits = st.number_input(
        "Number of exit fills", min_value=1, max_value=MAX_EXITS, value=1, step=1, key="rv_n"
    )
    exits = widgets.price_share_rows(
        int(n_exits),
        price_label="Exit {i} price",
        share_label="Exit {i}: share of the position (%)",
        price_key="rv_px",
        share_key="rv_sh",
    )
    o1, o2 = st.columns(2)
    proposed = proposed_reason(open_plans[pid], exits) if pid is not None else None
    reason = o1.selectbox(
        "Exit reason",
        list(EXIT_REASONS),
        index=None,
        placeholder="choose how the trade ended",
        format_func=REASON_LABELS.get,
        key="rv_reason",
    )
    if reason is None and proposed is not None:
        o1.caption(f"Proposed: **{REASON_LABELS[proposed]}**: the exit is at or beyond the stop.")
    closed_at = o2.text_input(
        "Closed at (e.g. 2024-05-03 10:00, in UTC; empty: now)",
        key="rv_closed",
        placeholder="2024-05-03T10:00",
        max_chars=40,
    )
    notes = st.text_area("Notes", key="rv_notes", max_chars=4000)
    if st.button("Record outcome", type="primary", key="rv_save"):
        last = st.session_state.get("rv_last_recorded")
        if last is not None and all(p is None for p, _ in exits) and reason is None:
            # the second click of a double-click, on the form the record just emptied
            st.info(
                f"Plan #{last} is recorded; the form is empty for the next outcome.",
                icon=":material/info:",
            )
        elif any(p is None for p, _ in exits):
            st.error("Not recorded: type a price for every exit fill.", icon=":material/error:")
        elif reason is None:
            hint = f" ({REASON_LABELS[proposed].lower()} is proposed)" if proposed else ""
            st.error(
                f"Not recorded: choose the exit reason{hint}: how the trade ended decides "
                "whether it closed as planned.",
                icon=":material/error:",
            )
        else:
            try:
                # share percents as typed (e.g. 33.33 x 3) are rounded to 1 by the last fill
                fills = [(float(p), s) for p, s in exits]
                total = sum(s for _, s in fills)
                if math.isclose(total, 1.0, abs_tol=0.001):
                    fills[-1] = (fills[-1][0], fills[-1][1] + 1.0 - total)
                outcome = Outcome(
                    fills, reason, notes=notes, closed_at=closed_at.strip() or now_utc()
                )
                with open_journal(db_path) as journal:
                    journal.record_outcome(pid, outcome)
            except ValueError as exc:
                st.error(f"Not recorded: {words.phrase(exc)}.", icon=":material/error:")
            else:
                st.session_state["rv_last_recorded"] = pid
                st.session_state["rv_recorded_msg"] = (
                    f"Plan #{pid} closed ({REASON_LABELS[reason].lower()})."
                )
                st.session_state["rv_clear"] = True
                st.rerun()
if "rv_recorded_msg" in st.session_state:
    st.success(st.session_state.pop("rv_recorded_msg"), icon=":material/check_circle:")

# --- the journal ---------------------------------------------------------------------------------
st.subheader("Journal")
table = plans_table(histories)
if table.empty:
    st.info(
        "No plans in the journal yet. Save one on the Trade plan page, or import a CSV below.",
        icon=":material/info:",
    )
else:
    f1, f2, f3, f4 = st.columns(4)
    status = f1.multiselect("Status", ["open", "closed"], key="rv_f_status")
    symbols = f2.multiselect("Symbol", sorted(table["symbol"].unique()), key="rv_f_sym")
    sides = f3.multiselect("Side", ["long", "short"], key="rv_f_side")
    reasons = f4.multiselect(
        "Exit reason", list(EXIT_REASONS), format_func=REASON_LABELS.get, key="rv_f_reason"
    )
    keep = table["plan_id"].notna()
    for column, chosen in (
        ("status", status),
        ("symbol", symbols),
        ("side", sides),
        ("exit_reason", reasons),
    ):
        if chosen:
            keep &= table[column].isin(chosen)
    shown = table[keep]
    st.dataframe(
        shown,
        hide_index=True,
        key="rv_table",
        column_config={
            "plan_id": st.column_config.NumberColumn("#", format="%d"),
            "created_at": "planned at",
            "stop": st.column_config.NumberColumn("stop (planned)", format="%.4f"),
            "stop_now": st.column_config.NumberColumn("stop (amended)", format="%.4f"),
            "entry": st.column_config.NumberColumn("entry", format="%.4f"),
            "avg_exit": st.column_config.NumberColumn("avg exit", format="%.4f"),
            "pnl": st.column_config.NumberColumn("PnL", format="%.2f"),
            "r": st.column_config.NumberColumn("R", format="%+.2f"),
        },
    )
    ids = set(shown["plan_id"])
    trades = trade_table([h for h in histories if h.plan_id in ids])
    stats = journal_stats(trades)

    st.subheader("Statistics")
    st.caption(f"{stats.trades} closed trade(s) among the {len(shown)} plan(s) shown.")
    m = st.columns(4) + st.columns(4)
    m[0].metric("Trades closed", f"{stats.trades}")
    m[1].metric("Win rate", text.pct(stats.win_rate, 1))
    m[2].metric("Average win", "—" if math.isnan(stats.avg_win_r) else f"{stats.avg_win_r:+.2f}R")
    m[3].metric(
        "Average loss", "—" if math.isnan(stats.avg_loss_r) else f"{stats.avg_loss_r:+.2f}R"
    )
    m[4].metric(
        "Expectancy",
        "—" if math.isnan(stats.expectancy_r) else f"{stats.expectancy_r:+.2f}R",
        help="Mean R per trade: win rate x average win + loss rate x average loss.",
    )
    m[5].metric("Liquidations", f"{stats.liquidations}")
    m[6].metric("Closed as planned", text.pct(stats.as_planned_share, 1))
    m[7].metric("Total PnL", text.num(stats.total_pnl))
    if stats.trades:
        st.plotly_chart(
            figcache.figure(
                charts_journal.r_multiple_chart,
                [f"#{i}" for i in trades["plan_id"]],
                trades["r"],
                trades["exit_reason"],
            ),
            key="rv_r_chart",
            config={"displaylogo": False},
        )
        curve = equity_curve(trades)
        st.plotly_chart(
            figcache.figure(
                charts_journal.equity_curve_chart,
                curve["trade"],
                curve["cum_r"],
                curve["equity"],
                plan_ids=curve["plan_id"],
            ),
            key="rv_equity_chart",
            config={"displaylogo": False},
        )
        st.caption(
            "Equity starts at the equity written in the first closed trade's plan and adds each "
            "trade's realized PnL, fees included."
        )

    # --- planned versus amended ------------------------------------------------------------------
    st.subheader("Planned and changed")
    by_id = {h.plan_id: h for h in histories if h.plan_id in ids}
    if not by_id:
        st.caption("No plan matches the filters above: clear one to see a plan's details.")
    else:
        pick = st.selectbox(
            "Plan", list(by_id), format_func=lambda i: plan_label(by_id[i]), key="rv_detail"
        )
        h = by_id[pick]
        p, a = h.planned, h.amended

        def fmt(field: str, value: object) -> str:
            if field == "targets":
                return ", ".join(f"{text.price(t.price)} ({t.share:.0%})" for t in value)
            if field == "trailing":
                if value is None:
                    return "none"
                start = (
                    "the entry"
                    if value.activation_price is None
                    else text.price(value.activation_price)
                )
                return f"{value.distance_frac:.2%} behind the best price, from {start}"
            if field == "max_loss_frac":
                return text.pct(value)
            if isinstance(value, float):
                return f"{value:,.8g}"
            return str(value)

        fields = [
            "entry",
            "stop",
            "quantity",
            "targets",
            "trailing",
            "max_loss_frac",
            "equity",
            "what_proves_me_wrong",
            "thesis",
        ]
        st.table(
            {
                "field": fields,
                # st.table renders Markdown: imported text is escaped to show as typed
                "as planned": [text.plain(fmt(f, getattr(p, f))) for f in fields],
                "as amended": [text.plain(fmt(f, getattr(a, f))) for f in fields],
            }
        )
        st.caption(f"Planned {uifmt.when(p.created_at)}.")
        if h.amendments:
            # imported values are escaped: shown as typed, never as Markdown (no remote images)
            st.markdown(
                "\n".join(
                    f"- {uifmt.when(am.amended_at)}: "
                    f"**{FIELD_WORDS.get(am.field, am.field)}** changed "
                    f"from {text.plain(uifmt.value(am.old))} to {text.plain(uifmt.value(am.new))} "
                    f"({text.plain(am.reason)})"
                    for am in h.amendments
                )
            )
        else:
            st.caption("No amendments: the plan was kept as written.")
        if h.outcome is not None:
            o = h.outcome
            fills = ", ".join(f"{text.price(f.price)} ({f.share:.0%})" for f in o.exits)
            st.markdown(
                f"Closed {uifmt.when(o.closed_at)} by "
                f"**{REASON_LABELS[o.exit_reason].lower()}**: {fills}."
            )
            if o.notes:
                # plain text: an imported note is never rendered as Markdown (no remote images)
                st.text(f"Notes: {o.notes}")

# --- CSV -----------------------------------------------------------------------------------------
st.subheader("CSV export and import")
st.caption(
    "One row per plan: the plan as written, its amendments (JSON) and its outcome. Import is all "
    "or nothing: a file with any bad row writes nothing and lists every bad row and field."
)
c1, c2 = st.columns(2)
c1.download_button(
    "Export CSV",
    data=histories_to_csv(histories),
    file_name="leverage-lab-journal.csv",
    mime="text/csv",
    key="rv_export",
)
upload = c2.file_uploader("Import a CSV", type=["csv"], key="rv_upload")
if upload is not None and c2.button("Import", key="rv_import"):
    try:
        if upload.size > MAX_IMPORT_BYTES:
            raise ValueError(
                f"{upload.name} has {upload.size:,} bytes; allowed: at most "
                f"{MAX_IMPORT_BYTES:,} bytes (split the file); nothing was written"
            )
        content = upload.getvalue().decode("utf-8-sig")
        with open_journal(db_path) as journal:
            added = import_csv_text(journal, content, source=upload.name)
    except ImportRefused as exc:
        st.error(
            text.inert(exc.summary + "\n\n" + "\n".join(f"- {p}" for p in exc.problems)),
            icon=":material/error:",
        )
    except UnicodeDecodeError:
        st.error(
            f"Not imported: {upload.name} is not UTF-8 text. Save it from the spreadsheet as "
            "'CSV UTF-8' and import it again.",
            icon=":material/error:",
        )
    except ValueError as exc:
        st.error(f"Not imported: {words.phrase(exc)}.", icon=":material/error:")
    else:
        # rerun so the table and statistics above include the imported plans
        st.session_state["rv_imported"] = added.summary(upload.name)
        st.rerun()
if "rv_imported" in st.session_state:
    st.success(st.session_state.pop("rv_imported"), icon=":material/check_circle:")
st.caption(
    "Plans are kept in the journal on this computer (the LEVERAGE_LAB_DB setting chooses where)."
)
