"""Separate processes on one journal file: concurrent writers lose nothing, a writer that must
wait for the lock waits instead of failing, and a writer killed with SIGKILL inside a transaction
leaves a readable file with every committed plan and none of the uncommitted ones.

The writers run ``journal_child.py`` in fresh interpreters (real processes, real file locks).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import risk
from risk.journal.plan import Plan
from risk.journal.store import Journal

ROOT = Path(risk.__file__).resolve().parent.parent
CHILD = Path(__file__).with_name("journal_child.py")

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")


def child(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, str(CHILD), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(path: Path, proc: subprocess.Popen, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"child exited early: {proc.communicate()}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("child never became ready")
        time.sleep(0.01)


def test_two_processes_writing_at_once_lose_nothing(tmp_path) -> None:
    db, go = tmp_path / "j.db", tmp_path / "go"
    Journal(db).close()  # create and migrate first, so both children start writing at once
    n = 60
    procs = [child("write", str(db), str(n), tag, str(go)) for tag in ("AAA", "BBB")]
    time.sleep(0.5)  # let both interpreters start and wait on the go file
    go.touch()
    for p in procs:
        _out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    with Journal(db) as j:
        counts = dict(
            j.conn.execute("SELECT symbol, count(*) FROM plans GROUP BY symbol").fetchall()
        )
        assert counts == {"AAA": n, "BBB": n}
        # each writer's plans are all there, in its own order (entries 100..159)
        for tag in ("AAA", "BBB"):
            entries = [
                r[0]
                for r in j.conn.execute(
                    "SELECT entry FROM plans WHERE symbol = ? ORDER BY id", (tag,)
                )
            ]
            assert entries == [100.0 + k for k in range(n)]
        assert j.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_blocked_writer_waits_for_the_lock_instead_of_failing(tmp_path) -> None:
    db, go = tmp_path / "j.db", tmp_path / "go"
    go.touch()
    with Journal(db) as j:
        j.conn.execute("BEGIN IMMEDIATE")  # hold the write lock
        j.conn.execute(
            "INSERT INTO plans (created_at, symbol, side, entry, stop, quantity, targets, "
            "what_proves_me_wrong, max_loss_frac, equity) VALUES "
            "('2024-01-01T00:00:00+00:00', 'PARENT', 'long', 100, 90, 1, '[[110, 1]]', 'w', "
            "0.01, 10000)"
        )
        p = child("write", str(db), "3", "CHILD", str(go))
        time.sleep(1.5)  # the child starts, opens the file and blocks on the lock
        assert p.poll() is None, p.communicate()
        j.conn.execute("COMMIT")
        _out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        symbols = [r[0] for r in j.conn.execute("SELECT symbol FROM plans ORDER BY id")]
    assert symbols == ["PARENT", "CHILD", "CHILD", "CHILD"]  # the child wrote after the parent


def test_writer_killed_inside_a_transaction_loses_only_the_uncommitted(tmp_path) -> None:
    db, ready = tmp_path / "j.db", tmp_path / "ready"
    n = 25
    p = child("hold", str(db), str(n), str(ready))
    try:
        wait_for(ready, p)
        wal = Path(f"{db}-wal")
        # the open transaction's pages spilled into the WAL: 3000 rows of ~250 bytes
        assert wal.stat().st_size > 300_000
        os.kill(p.pid, signal.SIGKILL)
        p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == -signal.SIGKILL
    with Journal(db) as j:
        assert j.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert j.count() == n
        assert (
            j.conn.execute("SELECT count(*) FROM plans WHERE symbol = 'UNCOMMITTED'").fetchone()[0]
            == 0
        )
        plans = j.plans()
        assert [pl.entry for pl in plans] == [100.0 + k for k in range(n)]
        assert all(pl.symbol == "COMMITTED" for pl in plans)
        # the lock died with the process: the file takes new writes at once
        pid = j.save_plan(
            Plan(
                symbol="AFTER",
                side="short",
                entry=10,
                stop=11,
                targets=[(8, 1)],
                what_proves_me_wrong="above 11",
                max_loss_frac=0.01,
                equity=1000,
            )
        )
        assert j.plan(pid).symbol == "AFTER" and j.count() == n + 1
    # and a plain sqlite3 connection agrees
    raw = sqlite3.connect(db)
    assert raw.execute("SELECT count(*) FROM plans").fetchone()[0] == n + 1
    raw.close()
