"""The SQLite store on a temporary file: path, schema, migrations, amendments, immutability."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from risk.journal.plan import Fill, Outcome, Plan, Target, TrailingRule
from risk.journal.store import (
    AMENDABLE,
    SCHEMA_VERSION,
    Journal,
    connect,
    default_db_path,
    schema_version,
)

#: The version-1 schema as it first shipped, frozen here on purpose: an old file must keep
#: opening even if the code's copy were edited by mistake.
V1_DDL = """
CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    symbol TEXT NOT NULL CHECK (length(trim(symbol)) > 0),
    side TEXT NOT NULL CHECK (side IN ('long', 'short')),
    entry REAL NOT NULL CHECK (entry > 0),
    stop REAL NOT NULL CHECK (stop > 0),
    quantity REAL NOT NULL CHECK (quantity > 0),
    targets TEXT NOT NULL CHECK (json_valid(targets)),
    trail_distance_frac REAL,
    trail_activation_price REAL,
    thesis TEXT NOT NULL DEFAULT '',
    what_proves_me_wrong TEXT NOT NULL CHECK (length(trim(what_proves_me_wrong)) > 0),
    max_loss_frac REAL NOT NULL CHECK (max_loss_frac > 0 AND max_loss_frac <= 1),
    equity REAL NOT NULL CHECK (equity > 0),
    taker_fee REAL NOT NULL DEFAULT 0 CHECK (taker_fee >= 0),
    CHECK ((side = 'long' AND stop < entry) OR (side = 'short' AND stop > entry))
);
CREATE TABLE outcomes (
    plan_id INTEGER PRIMARY KEY REFERENCES plans(id),
    exit_price REAL NOT NULL CHECK (exit_price > 0),
    exit_reason TEXT NOT NULL CHECK (exit_reason IN
        ('target', 'stop', 'thesis_changed', 'liquidated', 'other')),
    notes TEXT NOT NULL DEFAULT '',
    closed_at TEXT NOT NULL
);
PRAGMA user_version = 1;
"""


def make_plan(**kw) -> Plan:
    base = dict(
        symbol="BTCUSDT",
        side="long",
        entry=100.0,
        stop=95.0,
        targets=[(110.0, 0.5), (120.0, 0.5)],
        what_proves_me_wrong="a daily close below 95",
        max_loss_frac=0.01,
        equity=10_000.0,
        thesis="range breakout with volume",
        trailing=(0.03, 110.0),
        created_at="2024-05-01T12:00:00Z",
    )
    base.update(kw)
    return Plan(**base)


@pytest.fixture
def journal(tmp_path: Path):
    with Journal(tmp_path / "journal.db") as j:
        yield j


# --- where ---------------------------------------------------------------------------------------
def test_default_path_env_var_then_xdg_then_home(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("LEVERAGE_LAB_DB", str(tmp_path / "x" / "mine.db"))
    assert default_db_path() == tmp_path / "x" / "mine.db"
    monkeypatch.delenv("LEVERAGE_LAB_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_path() == tmp_path / "xdg" / "leverage-lab" / "journal.db"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/dir")  # invalid per the XDG spec: ignored
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_db_path() == tmp_path / "home" / ".local" / "share" / "leverage-lab" / (
        "journal.db"
    )
    monkeypatch.delenv("XDG_DATA_HOME")
    assert default_db_path() == tmp_path / "home" / ".local" / "share" / "leverage-lab" / (
        "journal.db"
    )


def test_journal_opens_the_env_path_and_creates_folders(monkeypatch, tmp_path) -> None:
    target = tmp_path / "a" / "b" / "j.db"
    monkeypatch.setenv("LEVERAGE_LAB_DB", str(target))
    with Journal() as j:
        j.save_plan(make_plan())
    assert target.exists()
    with sqlite3.connect(target) as raw:
        assert raw.execute("SELECT count(*) FROM plans").fetchone()[0] == 1


# --- schema --------------------------------------------------------------------------------------
def test_schema_wal_version_and_tables(journal, tmp_path) -> None:
    raw = sqlite3.connect(tmp_path / "journal.db")
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # persists in the file
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"plans", "outcomes", "amendments"} <= tables
    cols = {r[1] for r in raw.execute("PRAGMA table_info(outcomes)")}
    assert "exits" in cols and "exit_price" not in cols
    triggers = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    assert {"plans_no_update", "plans_no_delete", "plans_no_replace"} <= triggers
    assert journal.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert journal.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    raw.close()


def test_save_and_read_back(journal) -> None:
    p = make_plan()
    pid = journal.save_plan(p)
    got = journal.plan(pid)
    assert got == Plan(**{**p.__dict__, "plan_id": pid})
    assert got.targets == (Target(110.0, 0.5), Target(120.0, 0.5))
    assert got.trailing == TrailingRule(0.03, 110.0)
    assert got.quantity == 20.0  # 100 budget / 5 stop distance
    assert journal.count() == 1
    # a second plan gets the next id; an explicit id is kept, a taken one refused
    assert journal.save_plan(make_plan(symbol="ETHUSDT")) == pid + 1
    assert journal.save_plan(make_plan(plan_id=40)) == 40
    with pytest.raises(ValueError, match="plan_id=40 is taken"):
        journal.save_plan(make_plan(plan_id=40))
    assert [p.plan_id for p in journal.plans()] == [pid, pid + 1, 40]
    with pytest.raises(ValueError, match="plan_id=999 is not in the journal"):
        journal.plan(999)


def test_database_checks_refuse_a_stop_on_the_wrong_side_even_from_raw_sql(journal) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        journal.conn.execute(
            "INSERT INTO plans (created_at, symbol, side, entry, stop, quantity, targets, "
            "what_proves_me_wrong, max_loss_frac, equity) VALUES "
            "('2024-01-01', 'X', 'long', 100, 105, 1, '[[110, 1]]', 'w', 0.01, 1000)"
        )
    with pytest.raises(sqlite3.IntegrityError):  # no "what proves me wrong"
        journal.conn.execute(
            "INSERT INTO plans (created_at, symbol, side, entry, stop, quantity, targets, "
            "what_proves_me_wrong, max_loss_frac, equity) VALUES "
            "('2024-01-01', 'X', 'long', 100, 95, 1, '[[110, 1]]', '  ', 0.01, 1000)"
        )
    assert journal.count() == 0


# --- amendments and immutability -----------------------------------------------------------------
def test_amendments_keep_the_plan_as_planned(journal) -> None:
    pid = journal.save_plan(make_plan())
    a1 = journal.amend(pid, {"stop": 96.0}, "tighter stop after the retest", at="2024-05-01T13:00Z")
    a2 = journal.amend(
        pid,
        {"targets": [(115.0, 1.0)], "thesis": "one target only"},
        "volume faded",
        at="2024-05-01T14:00Z",
    )
    assert [(a.field, a.old, a.new) for a in a1] == [("stop", 95.0, 96.0)]
    assert [(a.field, a.old, a.new) for a in a2] == [
        ("targets", [[110.0, 0.5], [120.0, 0.5]], [[115.0, 1.0]]),
        ("thesis", "range breakout with volume", "one target only"),
    ]
    h = journal.history(pid)
    assert h.planned == journal.plan(pid)
    assert (h.planned.stop, h.amended.stop) == (95.0, 96.0)
    assert h.planned.targets == (Target(110.0, 0.5), Target(120.0, 0.5))
    assert h.amended.targets == (Target(115.0, 1.0),)
    assert h.amended.thesis == "one target only"
    assert [a.amended_at for a in h.amendments] == [
        "2024-05-01T13:00:00+00:00",
        "2024-05-01T14:00:00+00:00",
        "2024-05-01T14:00:00+00:00",
    ]
    assert {a.reason for a in h.amendments} == {"tighter stop after the retest", "volume faded"}
    # the plan row in the file is untouched
    row = journal.conn.execute("SELECT stop, targets FROM plans WHERE id = ?", (pid,)).fetchone()
    assert (row[0], json.loads(row[1])) == (95.0, [[110.0, 0.5], [120.0, 0.5]])


@pytest.mark.parametrize(
    ("changes", "reason", "message"),
    [
        ({"stop": 101.0}, "moved", r"stop=101 is not below the entry 100"),
        # widening the stop to 90 with the same 20 units risks 200 > budget 100
        ({"stop": 90.0}, "gave it room", r"quantity=20 loses 200 at the stop"),
        ({"side": "short"}, "flip", r"field='side' cannot be amended"),
        ({"created_at": "2020-01-01"}, "backdate", r"field='created_at' cannot be amended"),
        ({"stop": 96.0}, "  ", r"reason='  ' is empty"),
        ({"stop": 95.0}, "same", r"change nothing"),
        ({"what_proves_me_wrong": ""}, "forgot", r"what_proves_me_wrong='' is empty"),
    ],
)
def test_refused_amendments_store_nothing(journal, changes, reason, message) -> None:
    pid = journal.save_plan(make_plan())
    with pytest.raises(ValueError, match=message):
        journal.amend(pid, changes, reason)
    assert journal.history(pid).amendments == ()
    assert journal.conn.execute("SELECT count(*) FROM amendments").fetchone()[0] == 0


def test_widening_the_stop_needs_a_size_or_budget_amendment_too(journal) -> None:
    pid = journal.save_plan(make_plan())
    journal.amend(pid, {"stop": 90.0, "quantity": 10.0}, "wider stop, half the size")
    # 10 units * 10 distance = 100 = budget: accepted
    h = journal.history(pid)
    assert (h.amended.stop, h.amended.quantity) == (90.0, 10.0)
    assert h.planned.quantity == 20.0


def test_a_closed_plan_cannot_be_amended(journal) -> None:
    pid = journal.save_plan(make_plan())
    journal.record_outcome(pid, Outcome([(110, 1)], "target", closed_at="2024-05-02"))
    with pytest.raises(ValueError, match=f"plan_id={pid} is closed"):
        journal.amend(pid, {"stop": 96.0}, "too late")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE plans SET stop = 90",
        "UPDATE plans SET entry = 101, quantity = 1",
        "UPDATE plans SET targets = '[[150, 1]]'",
        "UPDATE plans SET what_proves_me_wrong = 'nothing'",
        "UPDATE plans SET thesis = 'rewritten'",
        "DELETE FROM plans",
        "UPDATE amendments SET new_value = '99'",
        "DELETE FROM amendments",
        "INSERT OR REPLACE INTO plans (id, created_at, symbol, side, entry, stop, quantity, "
        "targets, what_proves_me_wrong, max_loss_frac, equity) VALUES "
        "(1, '2024-01-01', 'X', 'long', 100, 50, 1, '[[110, 1]]', 'w', 0.01, 1000)",
    ],
)
def test_raw_sql_cannot_rewrite_a_saved_plan_or_its_history(tmp_path, sql) -> None:
    path = tmp_path / "j.db"
    with Journal(path) as j:
        pid = j.save_plan(make_plan())
        j.amend(pid, {"stop": 96.0}, "tighter")
    raw = sqlite3.connect(path)  # a plain connection, no help from the library
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute(sql)
        raw.commit()
    raw.rollback()
    raw.close()
    with Journal(path) as j:
        h = j.history(pid)
        assert h.planned == make_plan(plan_id=pid)
        assert [(a.field, a.old, a.new) for a in h.amendments] == [("stop", 95.0, 96.0)]


def test_amendable_fields_are_the_plan_fields_minus_identity() -> None:
    names = {f for f in Plan.__dataclass_fields__}
    assert set(AMENDABLE) == names - {"symbol", "side", "created_at", "plan_id"}


# --- outcomes ------------------------------------------------------------------------------------
def test_outcome_once_then_only_on_purpose(journal) -> None:
    pid = journal.save_plan(make_plan())
    o = Outcome([(110, 0.5), (96, 0.5)], "stop", notes="half at target", closed_at="2024-05-03")
    journal.record_outcome(pid, o)
    assert journal.history(pid).outcome == o
    with pytest.raises(ValueError, match="already has an outcome"):
        journal.record_outcome(pid, Outcome([(120, 1)], "target", closed_at="2024-05-03"))
    fixed = Outcome([(110, 0.5), (97, 0.5)], "stop", notes="typo fixed", closed_at="2024-05-03")
    journal.record_outcome(pid, fixed, replace=True)
    assert journal.history(pid).outcome.exits == (Fill(110.0, 0.5), Fill(97.0, 0.5))
    with pytest.raises(ValueError, match="plan_id=77 is not in the journal"):
        journal.record_outcome(77, o)


# --- migrations ----------------------------------------------------------------------------------
def _v1_file(path: Path) -> None:
    raw = sqlite3.connect(path)
    raw.executescript(V1_DDL)
    raw.execute(
        "INSERT INTO plans (id, created_at, symbol, side, entry, stop, quantity, targets, "
        "trail_distance_frac, trail_activation_price, thesis, what_proves_me_wrong, "
        "max_loss_frac, equity, taker_fee) VALUES "
        "(1, '2023-01-02T03:04:05+00:00', 'BTCUSDT', 'long', 100, 95, 20, "
        "'[[110.0, 0.5], [120.0, 0.5]]', NULL, NULL, 'old thesis', 'below 95', 0.01, 10000, 0),"
        "(2, '2023-01-03T00:00:00+00:00', 'ETHUSDT', 'short', 50, 52, 50, '[[45.0, 1.0]]', "
        "0.02, 47, '', 'reclaims 52', 0.02, 5000, 0)"
    )
    raw.execute(
        "INSERT INTO outcomes VALUES (1, 110.0, 'target', 'old note', '2023-01-05T00:00:00+00:00')"
    )
    raw.commit()
    raw.close()


def test_migration_from_version_1_keeps_every_row(tmp_path) -> None:
    path = tmp_path / "v1.db"
    _v1_file(path)
    with Journal(path) as j:
        assert schema_version(j.conn) == SCHEMA_VERSION
        h1, h2 = j.histories()
        assert h1.planned == Plan(
            symbol="BTCUSDT",
            side="long",
            entry=100,
            stop=95,
            targets=[(110, 0.5), (120, 0.5)],
            what_proves_me_wrong="below 95",
            max_loss_frac=0.01,
            equity=10_000,
            thesis="old thesis",
            quantity=20,
            created_at="2023-01-02T03:04:05+00:00",
            plan_id=1,
        )
        # the single v1 exit price became one fill of the whole position
        assert h1.outcome == Outcome(
            [(110.0, 1.0)], "target", notes="old note", closed_at="2023-01-05T00:00:00+00:00"
        )
        assert h2.planned.trailing == TrailingRule(0.02, 47.0) and h2.outcome is None
        # the upgraded file now has amendments and refuses rewrites
        j.amend(2, {"stop": 51.5}, "tighter")
        assert j.history(2).amended.stop == 51.5
        with pytest.raises(sqlite3.IntegrityError):
            j.conn.execute("UPDATE plans SET stop = 60 WHERE id = 2")
        assert j.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert j.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # opening again is a no-op
    with Journal(path) as j:
        assert j.count() == 2 and schema_version(j.conn) == SCHEMA_VERSION


def test_migration_steps_one_at_a_time(tmp_path) -> None:
    from risk.journal.store import migrate

    path = tmp_path / "v1.db"
    _v1_file(path)
    raw = sqlite3.connect(path, isolation_level=None)
    assert migrate(raw, target=2) == 2
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "amendments" in tables
    assert "exit_price" in {r[1] for r in raw.execute("PRAGMA table_info(outcomes)")}
    assert migrate(raw) == 3
    exits = raw.execute("SELECT exits FROM outcomes WHERE plan_id = 1").fetchone()[0]
    assert json.loads(exits) == [[110.0, 1.0]]
    raw.close()


def test_a_failed_migration_leaves_the_old_version(tmp_path, monkeypatch) -> None:
    from risk.journal import store

    path = tmp_path / "v1.db"
    _v1_file(path)
    broken = (*store.V2[:-1], "CREATE TRIGGER oops BEFORE UPDATE ON nowhere BEGIN SELECT 1; END")
    monkeypatch.setattr(store, "MIGRATIONS", (store.V1, broken, store.V3))
    with pytest.raises(sqlite3.OperationalError):
        Journal(path)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "amendments" not in tables  # the half-applied step was rolled back
    assert raw.execute("SELECT count(*) FROM plans").fetchone()[0] == 2
    raw.close()


def test_a_newer_file_is_refused(tmp_path) -> None:
    path = tmp_path / "future.db"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(ValueError, match=rf"schema version={SCHEMA_VERSION + 1} is newer"):
        connect(path)


def test_not_a_database_is_an_error_not_a_new_file(tmp_path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("this is not sqlite, and long enough to be read as a header " * 4)
    with pytest.raises(sqlite3.DatabaseError):
        Journal(path)
    assert path.read_text().startswith("this is not sqlite")


def test_raw_sql_replace_of_an_amendment_is_refused(tmp_path) -> None:
    path = tmp_path / "j.db"
    with Journal(path) as j:
        pid = j.save_plan(make_plan())
        (a,) = j.amend(pid, {"stop": 96.0}, "tighter")
        aid = j.conn.execute("SELECT id FROM amendments").fetchone()[0]
    raw = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute(
            "REPLACE INTO amendments VALUES (?, ?, 'stop', '95.0', '80.0', '2024-01-01', 'x')",
            (aid, pid),
        )
    raw.close()
    with Journal(path) as j:
        assert j.history(pid).amendments == (a,)
