"""Statistics of closed trades, in R multiples and in account currency.

Definitions
-----------
- 1R, the planned risk, is the loss at the stop of the plan AS PLANNED, before any amendment:
  ``quantity * (|entry - stop| + (entry + stop) * taker_fee)`` (:func:`risk.journal.plan.
  loss_at_stop`). Moving a stop after saving therefore cannot shrink a loss measured in R.
- Realized PnL uses the plan AS AMENDED (the entry, quantity and fee actually traded) and the
  outcome's fills (:func:`risk.journal.plan.realized_pnl`, quote currency, fees included).
- ``R = realized PnL / planned risk``. A trade closed in full at its stop, unamended, is -1R.
- A win has R > 0, a loss R < 0; a trade at exactly 0R counts in the total but is neither.
- Win rate = wins / trades. Average win and average loss are the mean R of wins and of losses
  (NaN when there are none). Expectancy = mean R over all trades, which equals
  ``win_rate * avg_win + loss_rate * avg_loss``.
- Closed as planned: exit reason ``target`` or ``stop`` (the plan's own exits), as a share of
  the trades.
- Equity curve: trades in closing order (ties by plan id); cumulative R, and
  ``start_equity + cumulative PnL`` in account currency.

The functions take the table of :func:`trade_table` (a DataFrame, one row per closed trade) or a
list of :class:`TradeRecord`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from risk.journal.plan import PLANNED_EXITS, Fill, realized_pnl
from risk.journal.store import PlanHistory

TABLE_COLUMNS = (
    "plan_id",
    "symbol",
    "side",
    "created_at",
    "closed_at",
    "exit_reason",
    "equity",
    "planned_risk",
    "pnl",
    "r",
    "amendments",
)


@dataclass(frozen=True)
class TradeRecord:
    """One closed trade, reduced to what the statistics need (money in quote currency)."""

    plan_id: int
    symbol: str
    side: str
    created_at: str
    closed_at: str
    exit_reason: str
    entry: float  # as amended
    quantity: float  # as amended, base units
    taker_fee: float  # as amended
    exits: tuple[Fill, ...]
    planned_risk: float  # 1R, from the plan as planned
    equity: float  # account equity written in the plan as planned
    amendments: int = 0

    @property
    def pnl(self) -> float:
        return realized_pnl(self.side, self.entry, self.quantity, self.exits, self.taker_fee)

    @property
    def r(self) -> float:
        return r_multiple(self.pnl, self.planned_risk)


def r_multiple(pnl: float, planned_risk: float) -> float:
    """``pnl / planned_risk`` (both in quote currency)."""
    if not planned_risk > 0:
        raise ValueError(f"planned_risk={planned_risk!r} is out of range; allowed: > 0")
    return pnl / planned_risk


def trade_records(histories: Iterable[PlanHistory]) -> list[TradeRecord]:
    """The closed plans among ``histories`` as trade records (open plans are skipped)."""
    out = []
    for h in histories:
        if h.outcome is None:
            continue
        out.append(
            TradeRecord(
                plan_id=h.plan_id,
                symbol=h.planned.symbol,
                side=h.planned.side,
                created_at=h.planned.created_at,
                closed_at=h.outcome.closed_at,
                exit_reason=h.outcome.exit_reason,
                entry=h.amended.entry,
                quantity=float(h.amended.quantity),  # type: ignore[arg-type]
                taker_fee=h.amended.taker_fee,
                exits=h.outcome.exits,
                planned_risk=h.planned.planned_risk,
                equity=h.planned.equity,
                amendments=len(h.amendments),
            )
        )
    return out


def trade_table(records: Sequence[TradeRecord] | Iterable[PlanHistory]) -> pd.DataFrame:
    """One row per closed trade (columns :data:`TABLE_COLUMNS`), in closing order."""
    recs = list(records)
    if recs and isinstance(recs[0], PlanHistory):
        recs = trade_records(recs)  # type: ignore[arg-type]
    rows = [
        {
            "plan_id": t.plan_id,
            "symbol": t.symbol,
            "side": t.side,
            "created_at": t.created_at,
            "closed_at": t.closed_at,
            "exit_reason": t.exit_reason,
            "equity": t.equity,
            "planned_risk": t.planned_risk,
            "pnl": t.pnl,
            "r": t.r,
            "amendments": t.amendments,
        }
        for t in recs
    ]
    df = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    if len(df):
        df = df.sort_values(["closed_at", "plan_id"], kind="stable").reset_index(drop=True)
    return df


def _table(x: pd.DataFrame | Sequence[TradeRecord]) -> pd.DataFrame:
    return x if isinstance(x, pd.DataFrame) else trade_table(x)


@dataclass(frozen=True)
class JournalStats:
    """Summary of closed trades (R in multiples of the planned risk, money in quote currency)."""

    trades: int
    wins: int
    losses: int
    win_rate: float  # wins / trades (NaN with no trades)
    avg_win_r: float  # mean R of wins (NaN with none)
    avg_loss_r: float  # mean R of losses, negative (NaN with none)
    expectancy_r: float  # mean R per trade
    total_r: float
    total_pnl: float
    liquidations: int
    as_planned_share: float  # share of trades closed by target or stop


def journal_stats(trades: pd.DataFrame | Sequence[TradeRecord]) -> JournalStats:
    """Win rate, average win and loss in R, expectancy, liquidations and the share of trades
    closed as planned (definitions in the module docstring)."""
    df = _table(trades)
    r = df["r"].to_numpy(dtype=float)
    n = len(r)
    wins, losses = r[r > 0], r[r < 0]
    nan = float("nan")
    return JournalStats(
        trades=n,
        wins=len(wins),
        losses=len(losses),
        win_rate=len(wins) / n if n else nan,
        avg_win_r=float(wins.mean()) if len(wins) else nan,
        avg_loss_r=float(losses.mean()) if len(losses) else nan,
        expectancy_r=float(r.mean()) if n else nan,
        total_r=float(r.sum()),
        total_pnl=float(df["pnl"].to_numpy(dtype=float).sum()),
        liquidations=int((df["exit_reason"] == "liquidated").sum()),
        as_planned_share=float(df["exit_reason"].isin(PLANNED_EXITS).mean()) if n else nan,
    )


def equity_curve(
    trades: pd.DataFrame | Sequence[TradeRecord], start_equity: float | None = None
) -> pd.DataFrame:
    """Cumulative R and account equity after each trade, with a starting row (trade 0).

    Columns: ``trade`` (0, 1, ...), ``plan_id`` (0 for the start), ``closed_at``, ``r``,
    ``cum_r``, ``pnl``, ``cum_pnl``, ``equity = start_equity + cum_pnl``. ``start_equity``
    defaults to the equity written in the first closed trade's plan (NaN with no trades).
    """
    df = _table(trades)
    if len(df):
        df = df.sort_values(["closed_at", "plan_id"], kind="stable")
    if start_equity is None:
        start = float(df["equity"].iloc[0]) if len(df) else float("nan")
    else:
        start = float(start_equity)
        if not math.isfinite(start):
            raise ValueError(f"start_equity={start_equity!r} is not finite; allowed: a number")
    r = np.concatenate([[0.0], df["r"].to_numpy(dtype=float)])
    pnl = np.concatenate([[0.0], df["pnl"].to_numpy(dtype=float)])
    return pd.DataFrame(
        {
            "trade": np.arange(len(r)),
            "plan_id": np.concatenate([[0], df["plan_id"].to_numpy(dtype=np.int64)]),
            "closed_at": [None, *df["closed_at"].tolist()],
            "r": r,
            "cum_r": np.cumsum(r),
            "pnl": pnl,
            "cum_pnl": np.cumsum(pnl),
            "equity": start + np.cumsum(pnl),
        }
    )


PLANS_COLUMNS = (
    "plan_id",
    "created_at",
    "symbol",
    "side",
    "status",
    "entry",
    "stop",
    "stop_now",
    "targets",
    "quantity",
    "amendments",
    "exit_reason",
    "avg_exit",
    "closed_at",
    "pnl",
    "r",
)


def plans_table(histories: Iterable[PlanHistory]) -> pd.DataFrame:
    """One row per plan, open or closed, by id (columns :data:`PLANS_COLUMNS`).

    ``entry`` and ``stop`` are as planned, ``stop_now`` as amended; ``targets`` reads
    ``"110 (50%), 120 (50%)"`` (as planned); ``avg_exit`` is the share-weighted exit price.
    PnL and R follow the module's definitions; NaN while the plan is open.
    """
    rows = []
    for h in histories:
        p, o = h.planned, h.outcome
        rec = trade_records([h])
        rows.append(
            {
                "plan_id": h.plan_id,
                "created_at": p.created_at,
                "symbol": p.symbol,
                "side": p.side,
                "status": "open" if o is None else "closed",
                "entry": p.entry,
                "stop": p.stop,
                "stop_now": h.amended.stop,
                "targets": ", ".join(f"{t.price:,.10g} ({t.share:.0%})" for t in p.targets),
                "quantity": float(p.quantity),  # type: ignore[arg-type]
                "amendments": len(h.amendments),
                "exit_reason": None if o is None else o.exit_reason,
                "avg_exit": float("nan") if o is None else o.average_exit(),
                "closed_at": None if o is None else o.closed_at,
                "pnl": rec[0].pnl if rec else float("nan"),
                "r": rec[0].r if rec else float("nan"),
            }
        )
    return pd.DataFrame(rows, columns=list(PLANS_COLUMNS))
