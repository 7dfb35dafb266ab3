"""Journal statistics against values worked by hand (arithmetic in the comments)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from risk.journal.plan import Fill, Outcome, Plan
from risk.journal.stats import (
    TradeRecord,
    equity_curve,
    journal_stats,
    r_multiple,
    trade_records,
    trade_table,
)
from risk.journal.store import Journal


def rec(pid, side, entry, qty, exits, reason, closed, risk=100.0, fee=0.0) -> TradeRecord:
    return TradeRecord(
        plan_id=pid,
        symbol="X",
        side=side,
        created_at="2024-01-01T00:00:00+00:00",
        closed_at=closed,
        exit_reason=reason,
        entry=entry,
        quantity=qty,
        taker_fee=fee,
        exits=tuple(Fill(p, s) for p, s in exits),
        planned_risk=risk,
        equity=10_000.0,
    )


# Five trades, each planned to risk 100 (1% of 10_000), given out of closing order:
#  id  trade                                               PnL                        R
#  1   long 20 @ 100 -> 110 (target)                       20 * 10 = 200              2.0
#  2   long 20 @ 100 -> 95 (stop)                          20 * -5 = -100            -1.0
#  3   short 50 @ 50 -> half 47, half 48 (thesis_changed)  25*3 + 25*2 = 125         1.25
#  4   long 10 @ 200 -> 185 (liquidated)                   10 * -15 = -150           -1.5
#  5   long 20 @ 100 -> 100 (other)                        0                          0.0
TRADES = [
    rec(3, "short", 50, 50, [(47, 0.5), (48, 0.5)], "thesis_changed", "2024-01-03T00:00:00+00:00"),
    rec(1, "long", 100, 20, [(110, 1.0)], "target", "2024-01-01T00:00:00+00:00"),
    rec(5, "long", 100, 20, [(100, 1.0)], "other", "2024-01-05T00:00:00+00:00"),
    rec(2, "long", 100, 20, [(95, 1.0)], "stop", "2024-01-02T00:00:00+00:00"),
    rec(4, "long", 200, 10, [(185, 1.0)], "liquidated", "2024-01-04T00:00:00+00:00"),
]


def test_trade_table_r_and_pnl_by_hand() -> None:
    df = trade_table(TRADES)
    assert df["plan_id"].tolist() == [1, 2, 3, 4, 5]  # closing order
    assert df["pnl"].tolist() == pytest.approx([200, -100, 125, -150, 0])
    assert df["r"].tolist() == pytest.approx([2.0, -1.0, 1.25, -1.5, 0.0])


def test_summary_by_hand() -> None:
    s = journal_stats(TRADES)
    assert (s.trades, s.wins, s.losses) == (5, 2, 2)  # trade 5 at 0R is neither
    assert s.win_rate == pytest.approx(2 / 5)
    assert s.avg_win_r == pytest.approx((2.0 + 1.25) / 2)  # 1.625
    assert s.avg_loss_r == pytest.approx((-1.0 - 1.5) / 2)  # -1.25
    # expectancy = (2 - 1 + 1.25 - 1.5 + 0) / 5 = 0.75 / 5 = 0.15
    #            = 0.4 * 1.625 + 0.4 * (-1.25) = 0.65 - 0.5
    assert s.expectancy_r == pytest.approx(0.15)
    assert s.total_r == pytest.approx(0.75)
    assert s.total_pnl == pytest.approx(75.0)  # 200 - 100 + 125 - 150 + 0
    assert s.liquidations == 1
    assert s.as_planned_share == pytest.approx(2 / 5)  # trade 1 (target) and 2 (stop)
    # the same figures from the DataFrame
    assert journal_stats(trade_table(TRADES)) == s


def test_equity_curve_by_hand() -> None:
    c = equity_curve(TRADES, start_equity=10_000)
    assert c["trade"].tolist() == [0, 1, 2, 3, 4, 5]
    assert c["plan_id"].tolist() == [0, 1, 2, 3, 4, 5]
    # cumulative R: 0, 2, 2-1=1, 1+1.25=2.25, 2.25-1.5=0.75, 0.75
    assert c["cum_r"].tolist() == pytest.approx([0, 2, 1, 2.25, 0.75, 0.75])
    # equity: 10_000, +200, -100, +125, -150, +0
    assert c["equity"].tolist() == pytest.approx([10_000, 10_200, 10_100, 10_225, 10_075, 10_075])
    # default start: the equity written in the first trade's plan
    assert equity_curve(TRADES)["equity"].iloc[0] == 10_000.0
    assert equity_curve(TRADES, start_equity=500)["equity"].iloc[-1] == pytest.approx(575.0)


def test_fees_enter_pnl_and_r() -> None:
    # long 19 @ 100, stop 95, fee 0.1%: 1R = 19 * (5 + 195 * 0.001) = 19 * 5.195 = 98.705
    # exit all at 110: 19 * 10 - 0.001 * 19 * (100 + 110) = 190 - 3.99 = 186.01
    t = rec(1, "long", 100, 19, [(110, 1.0)], "target", "2024-01-01", risk=98.705, fee=0.001)
    assert t.pnl == pytest.approx(186.01)
    assert t.r == pytest.approx(186.01 / 98.705)


def test_empty_journal() -> None:
    s = journal_stats([])
    assert s.trades == 0 and s.liquidations == 0 and s.total_pnl == 0
    assert all(math.isnan(x) for x in (s.win_rate, s.avg_win_r, s.avg_loss_r, s.expectancy_r))
    c = equity_curve([], start_equity=1_000)
    assert c["equity"].tolist() == [1_000.0]
    assert list(trade_table([]).columns) == list(trade_table(TRADES).columns)


def test_r_multiple_refuses_zero_risk() -> None:
    assert r_multiple(50, 25) == 2.0
    with pytest.raises(ValueError, match="planned_risk=0 is out of range"):
        r_multiple(50, 0)


def test_r_is_measured_against_the_risk_as_planned(tmp_path) -> None:
    """Widening a stop after saving does not shrink the loss in R."""
    with Journal(tmp_path / "j.db") as j:
        plan = Plan(
            symbol="BTCUSDT",
            side="long",
            entry=100,
            stop=95,
            targets=[(110, 1.0)],
            what_proves_me_wrong="below 95",
            max_loss_frac=0.01,
            equity=10_000,
        )  # 20 units, 1R = 100
        a = j.save_plan(plan)
        j.amend(a, {"stop": 90, "max_loss_frac": 0.02}, "gave it room")
        j.record_outcome(a, Outcome([(90, 1.0)], "stop", closed_at="2024-02-01"))
        # filled higher: entry 101 with 16 units (16 * 6 = 96 <= 100)
        b = j.save_plan(plan)
        j.amend(b, {"entry": 101, "quantity": 16}, "filled 1 higher, cut the size")
        j.record_outcome(b, Outcome([(111, 1.0)], "target", closed_at="2024-02-02"))
        c = j.save_plan(plan)  # still open: not a trade yet
        df = trade_table(j.histories())
    # a: 20 units from 100 to 90 = -200 against the planned 100 -> -2R (not -1R)
    # b: 16 units from 101 to 111 = +160 -> 1.6R
    assert df["plan_id"].tolist() == [a, b]
    assert df["pnl"].tolist() == pytest.approx([-200.0, 160.0])
    assert df["r"].tolist() == pytest.approx([-2.0, 1.6])
    assert df["amendments"].tolist() == [2, 2]
    assert c not in df["plan_id"].tolist()


@given(
    rs=st.lists(
        st.floats(-5, 10, allow_nan=False).map(lambda x: round(x, 3)), min_size=1, max_size=30
    )
)
def test_expectancy_identity_and_curve_end(rs) -> None:
    df = pd.DataFrame(
        {
            "plan_id": range(1, len(rs) + 1),
            "closed_at": [f"2024-01-01T00:00:{k:02d}+00:00" for k in range(len(rs))],
            "exit_reason": "other",
            "equity": 1_000.0,
            "r": rs,
            "pnl": [10.0 * r for r in rs],
        }
    )
    s = journal_stats(df)
    wins = [r for r in rs if r > 0]
    losses = [r for r in rs if r < 0]
    parts = len(wins) / len(rs) * (np.mean(wins) if wins else 0) + len(losses) / len(rs) * (
        np.mean(losses) if losses else 0
    )
    assert s.expectancy_r == pytest.approx(parts, abs=1e-9)
    c = equity_curve(df)
    assert c["cum_r"].iloc[-1] == pytest.approx(sum(rs), abs=1e-9)
    assert c["equity"].iloc[-1] == pytest.approx(1_000 + 10 * sum(rs), abs=1e-6)


def test_trade_records_skip_open_plans(tmp_path) -> None:
    with Journal(tmp_path / "j.db") as j:
        p = Plan(
            symbol="ETH",
            side="short",
            entry=50,
            stop=52,
            targets=[(45, 1)],
            what_proves_me_wrong="reclaims 52",
            max_loss_frac=0.02,
            equity=5_000,
        )
        j.save_plan(p)
        pid = j.save_plan(p)
        j.record_outcome(pid, Outcome([(45, 1)], "target", closed_at="2024-03-01"))
        (t,) = trade_records(j.histories())
    # 1R = 0.02 * 5_000 = 100 = 50 units * 2; profit 50 * 5 = 250 -> 2.5R
    assert (t.plan_id, t.planned_risk, t.pnl, t.r) == (pid, pytest.approx(100.0), 250.0, 2.5)


def test_plans_table_lists_open_and_closed(tmp_path) -> None:
    from risk.journal.stats import plans_table

    with Journal(tmp_path / "j.db") as j:
        p = Plan(
            symbol="BTC",
            side="long",
            entry=100,
            stop=95,
            targets=[(110, 0.5), (120, 0.25)],
            what_proves_me_wrong="below 95",
            max_loss_frac=0.01,
            equity=10_000,
        )
        a = j.save_plan(p)
        b = j.save_plan(p)
        j.amend(b, {"stop": 97}, "tighter")
        j.record_outcome(b, Outcome([(110, 0.5), (97, 0.5)], "stop", closed_at="2024-01-01"))
        df = plans_table(j.histories())
    assert df["plan_id"].tolist() == [a, b]
    assert df["status"].tolist() == ["open", "closed"]
    assert df["stop"].tolist() == [95.0, 95.0] and df["stop_now"].tolist() == [95.0, 97.0]
    assert df["targets"].iloc[0] == "110 (50%), 120 (25%)"
    assert df["amendments"].tolist() == [0, 1]
    # b: 20 units, half at 110 (+100), half at 97 (-30) = +70 -> 0.7R; avg exit 103.5
    assert df["pnl"].iloc[1] == pytest.approx(70.0) and df["r"].iloc[1] == pytest.approx(0.7)
    assert df["avg_exit"].iloc[1] == pytest.approx(103.5)
    assert math.isnan(df["r"].iloc[0]) and pd.isna(df["exit_reason"].iloc[0])
