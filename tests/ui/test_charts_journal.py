"""Journal chart builders: the figures hold the R multiples and equity the statistics give for the
same trades (worked by hand), one trace per exit reason, reference lines where they belong."""

from __future__ import annotations

import pytest

from risk.journal.plan import Fill
from risk.journal.stats import TradeRecord, equity_curve, trade_table
from ui import charts_journal


def trace(fig, name: str):
    found = [t for t in fig.data if t.name == name]
    assert len(found) == 1, [t.name for t in fig.data]
    return found[0]


def rec(pid, side, entry, qty, price, reason, day) -> TradeRecord:
    return TradeRecord(
        plan_id=pid,
        symbol="X",
        side=side,
        created_at="2024-01-01T00:00:00+00:00",
        closed_at=f"2024-01-{day:02d}T00:00:00+00:00",
        exit_reason=reason,
        entry=entry,
        quantity=qty,
        taker_fee=0.0,
        exits=(Fill(price, 1.0),),
        planned_risk=100.0,
        equity=10_000.0,
    )


# R by hand (1R = 100): #4 long 20 @ 100 -> 110: +200 = +2R; #9 -> 95: -1R;
# #2 short 50 @ 50 -> 47: +150 = +1.5R; #5 long 10 @ 200 -> 185: -150 = -1.5R (liquidated)
TRADES = [
    rec(4, "long", 100, 20, 110, "target", 1),
    rec(9, "long", 100, 20, 95, "stop", 2),
    rec(2, "short", 50, 50, 47, "thesis_changed", 3),
    rec(5, "long", 200, 10, 185, "liquidated", 4),
]


def test_r_chart_one_bar_trace_per_reason_with_the_hand_values() -> None:
    df = trade_table(TRADES)
    fig = charts_journal.r_multiple_chart(
        [f"#{i}" for i in df["plan_id"]], df["r"], df["exit_reason"]
    )
    target, stop = trace(fig, "Target"), trace(fig, "Stop")
    assert list(target.x) == ["#4"] and list(target.y) == pytest.approx([2.0])
    assert list(stop.x) == ["#9"] and list(stop.y) == pytest.approx([-1.0])
    assert list(trace(fig, "Thesis changed").y) == pytest.approx([1.5])
    liq = trace(fig, "Liquidated")
    assert list(liq.x) == ["#5"] and list(liq.y) == pytest.approx([-1.5])
    assert liq.marker.color == charts_journal.REASON_STYLE["liquidated"][1]
    assert {t.name for t in fig.data} == {
        "Target",
        "Stop",
        "Thesis changed",
        "Liquidated",
        "Planned loss (-1R)",
    }  # no empty "Other" trace
    ref = trace(fig, "Planned loss (-1R)")
    assert list(ref.y) == [-1.0, -1.0] and list(ref.x) == ["#4", "#5"]
    # bars keep the closing order on the category axis
    assert list(fig.layout.xaxis.categoryarray) == ["#4", "#9", "#2", "#5"]
    assert list(target.text) == ["+2.00R"]


def test_r_chart_refuses_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="lengths 2, 1, 1"):
        charts_journal.r_multiple_chart(["#1", "#2"], [1.0], ["target"])


def test_equity_curve_chart_by_hand() -> None:
    c = equity_curve(TRADES, start_equity=10_000)
    fig = charts_journal.equity_curve_chart(
        c["trade"], c["cum_r"], c["equity"], plan_ids=c["plan_id"], quote="USDC"
    )
    r = trace(fig, "Cumulative R")
    eq = trace(fig, "Equity")
    assert list(r.x) == [0, 1, 2, 3, 4]
    # 0, +2, +2-1 = 1, 1+1.5 = 2.5, 2.5-1.5 = 1
    assert list(r.y) == pytest.approx([0, 2, 1, 2.5, 1])
    # 10_000, +200, -100, +150, -150
    assert list(eq.y) == pytest.approx([10_000, 10_200, 10_100, 10_250, 10_100])
    assert (r.yaxis, eq.yaxis) == ("y", "y2")  # two panels
    assert list(trace(fig, "Break-even (0R)").y) == [0.0, 0.0]
    assert list(trace(fig, "Starting equity").y) == [10_000.0, 10_000.0]
    assert list(eq.customdata) == ["start", "plan #4", "plan #9", "plan #2", "plan #5"]
    assert fig.layout.yaxis2.title.text == "Equity (USDC)"


def test_empty_journal_charts_do_not_fail() -> None:
    fig = charts_journal.r_multiple_chart([], [], [])
    assert len(fig.data) == 0
    c = equity_curve([], start_equity=1_000)
    fig = charts_journal.equity_curve_chart(c["trade"], c["cum_r"], c["equity"])
    assert list(trace(fig, "Equity").y) == [1_000.0]
