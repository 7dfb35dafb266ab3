"""A separate writer process for the journal's concurrency tests (run as a script, not collected).

``write DB N TAG GO``: wait until the file GO exists, then save N plans (one transaction each)
with symbol TAG.
``hold DB N READY``: save N plans, then open a transaction, insert many uncommitted plans with a
tiny page cache (so uncommitted pages spill into the WAL file), create READY and sleep until
killed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from risk.journal.plan import Plan
from risk.journal.store import Journal


def plan(symbol: str, k: int) -> Plan:
    return Plan(
        symbol=symbol,
        side="long",
        entry=100.0 + k,
        stop=90.0 + k,
        targets=((120.0 + k, 1.0),),
        what_proves_me_wrong=f"plan {k} of {symbol} fails below the stop",
        max_loss_frac=0.01,
        equity=10_000.0,
        created_at="2024-05-01T00:00:00Z",
    )


def main(argv: list[str]) -> int:
    mode, db, n, arg = argv[0], argv[1], int(argv[2]), argv[3]
    if mode == "write":
        go = Path(argv[4])
        deadline = time.monotonic() + 30
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.002)
        with Journal(db) as j:
            for k in range(n):
                j.save_plan(plan(arg, k))
        return 0
    if mode == "hold":
        ready = Path(arg)
        with Journal(db) as j:
            for k in range(n):
                j.save_plan(plan("COMMITTED", k))
            j.conn.execute("PRAGMA cache_size = 2")  # two pages: uncommitted pages spill to WAL
            j.conn.execute("BEGIN IMMEDIATE")
            row = (
                "INSERT INTO plans (created_at, symbol, side, entry, stop, quantity, targets, "
                "what_proves_me_wrong, max_loss_frac, equity) VALUES "
                "('2024-05-01T00:00:00+00:00', 'UNCOMMITTED', 'long', 100, 90, 10, '[[120, 1]]', "
                "?, 0.01, 10000)"
            )
            for k in range(3000):
                j.conn.execute(row, ("x" * 200 + str(k),))
            ready.write_text("inside the transaction")
            time.sleep(120)
        return 1
    raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
