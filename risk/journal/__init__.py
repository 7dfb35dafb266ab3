"""Trade-plan journal: exit criteria written before entry, outcomes reviewed after, in SQLite.

- :mod:`risk.journal.plan`: plans, targets, trailing rules and outcomes (frozen dataclasses and
  their validation), planned risk (1R) and realized PnL.
- :mod:`risk.journal.store`: the SQLite file (path from ``LEVERAGE_LAB_DB``), versioned schema
  and migrations, WAL, one transaction per write, append-only plans with amendments.
- :mod:`risk.journal.stats`: R multiples, win rate, expectancy, equity curve.
- :mod:`risk.journal.csvio`: CSV export and all-or-nothing import.
- :mod:`risk.journal.planning`: size, leverage and liquidation of a plan (uses risk.sizing).

Pure standard library + pandas/numpy; no UI imports.
"""

from __future__ import annotations

from risk.journal.csvio import (
    CSV_COLUMNS,
    REQUIRED_COLUMNS,
    ImportRefused,
    RowProblem,
    export_csv,
    histories_to_csv,
    import_csv,
    import_csv_text,
    parse_csv,
)
from risk.journal.plan import (
    EXIT_REASONS,
    PLANNED_EXITS,
    SIDES,
    Fill,
    Outcome,
    Plan,
    Target,
    TrailingRule,
    fills,
    loss_at_stop,
    plan_problems,
    quantity_for_risk,
    realized_pnl,
)
from risk.journal.planning import PlanSizing, plan_levels, plan_sizing, stop_to_liquidation_frac
from risk.journal.stats import (
    JournalStats,
    TradeRecord,
    equity_curve,
    journal_stats,
    r_multiple,
    trade_records,
    trade_table,
)
from risk.journal.store import (
    AMENDABLE,
    ENV_VAR,
    SCHEMA_VERSION,
    Amendment,
    Journal,
    PlanHistory,
    connect,
    default_db_path,
)

__all__ = [
    "AMENDABLE",
    "CSV_COLUMNS",
    "ENV_VAR",
    "EXIT_REASONS",
    "PLANNED_EXITS",
    "REQUIRED_COLUMNS",
    "SCHEMA_VERSION",
    "SIDES",
    "Amendment",
    "Fill",
    "ImportRefused",
    "Journal",
    "JournalStats",
    "Outcome",
    "Plan",
    "PlanHistory",
    "PlanSizing",
    "RowProblem",
    "Target",
    "TradeRecord",
    "TrailingRule",
    "connect",
    "default_db_path",
    "equity_curve",
    "export_csv",
    "fills",
    "histories_to_csv",
    "import_csv",
    "import_csv_text",
    "journal_stats",
    "loss_at_stop",
    "parse_csv",
    "plan_levels",
    "plan_problems",
    "plan_sizing",
    "quantity_for_risk",
    "r_multiple",
    "realized_pnl",
    "stop_to_liquidation_frac",
    "trade_records",
    "trade_table",
]
