"""The journal's SQLite storage (standard-library ``sqlite3``).

Where
-----
:func:`default_db_path`: the environment variable ``LEVERAGE_LAB_DB`` when set; otherwise
``$XDG_DATA_HOME/leverage-lab/journal.db`` (``~/.local/share/leverage-lab/journal.db`` when
``XDG_DATA_HOME`` is unset; ``%APPDATA%\\leverage-lab\\journal.db`` on Windows).

How
---
- WAL mode (readers never block the writer, a crash never corrupts committed data) and a busy
  timeout of :data:`BUSY_TIMEOUT_S` seconds, so a second writer waits for the lock instead of
  failing with "database is locked".
- Every write is ONE transaction, ``BEGIN IMMEDIATE ... COMMIT`` (the write lock is taken up front,
  so two writers cannot both read and then collide on upgrade); on any error it rolls back.
- The schema is versioned with ``PRAGMA user_version`` and upgraded on open by :data:`MIGRATIONS`,
  each step in its own transaction (re-checking the version inside it, so two processes opening an
  old file at once migrate it once).

Schema history
--------------
1. ``plans`` (targets as JSON ``[[price, share], ...]``) and ``outcomes`` with ONE exit price.
2. ``amendments`` (plan_id, field, old and new value as JSON, amended_at, reason); triggers make
   ``plans`` and ``amendments`` append-only: an ``UPDATE``, ``DELETE`` or ``INSERT OR REPLACE``
   of a saved row aborts, even from raw SQL. A change to a plan is an amendment; the plan row
   keeps what was planned.
3. ``outcomes.exits``: several exit fills (JSON ``[[price, share], ...]``, shares summing to 1)
   replace the single ``exit_price`` (a version-1 exit becomes ``[[exit_price, 1.0]]``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from risk.journal.plan import (
    EXIT_REASONS,
    Fill,
    Outcome,
    Plan,
    Target,
    TrailingRule,
    normalize_time,
    now_utc,
)

ENV_VAR = "LEVERAGE_LAB_DB"
BUSY_TIMEOUT_S = 30.0
#: Longest CSV cell the import reads (Python's csv field limit). A plan's amendments are one
#: cell of the export, so :meth:`Journal.amend` refuses a change that would make it longer.
MAX_FIELD_CHARS = 131_072

_REASONS_SQL = ", ".join(f"'{r}'" for r in EXIT_REASONS)

#: Version 1, the first schema, exactly as it shipped.
V1: tuple[str, ...] = (
    """CREATE TABLE plans (
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
    )""",
    f"""CREATE TABLE outcomes (
        plan_id INTEGER PRIMARY KEY REFERENCES plans(id),
        exit_price REAL NOT NULL CHECK (exit_price > 0),
        exit_reason TEXT NOT NULL CHECK (exit_reason IN ({_REASONS_SQL})),
        notes TEXT NOT NULL DEFAULT '',
        closed_at TEXT NOT NULL
    )""",
)

#: Version 2: amendments, and the database itself refuses to rewrite a plan or its history.
V2: tuple[str, ...] = (
    """CREATE TABLE amendments (
        id INTEGER PRIMARY KEY,
        plan_id INTEGER NOT NULL REFERENCES plans(id),
        field TEXT NOT NULL,
        old_value TEXT NOT NULL CHECK (json_valid(old_value)),
        new_value TEXT NOT NULL CHECK (json_valid(new_value)),
        amended_at TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (length(trim(reason)) > 0)
    )""",
    "CREATE INDEX amendments_plan ON amendments(plan_id, id)",
    """CREATE TRIGGER plans_no_update BEFORE UPDATE ON plans BEGIN
        SELECT RAISE(ABORT, 'plans are append-only: record a change as an amendment');
    END""",
    """CREATE TRIGGER plans_no_delete BEFORE DELETE ON plans BEGIN
        SELECT RAISE(ABORT, 'plans are append-only: a saved plan cannot be deleted');
    END""",
    # INSERT OR REPLACE deletes the old row WITHOUT firing delete triggers: refuse it up front.
    """CREATE TRIGGER plans_no_replace BEFORE INSERT ON plans
        WHEN EXISTS (SELECT 1 FROM plans WHERE id = NEW.id) BEGIN
        SELECT RAISE(ABORT, 'plans are append-only: a saved plan cannot be replaced');
    END""",
    """CREATE TRIGGER amendments_no_replace BEFORE INSERT ON amendments
        WHEN EXISTS (SELECT 1 FROM amendments WHERE id = NEW.id) BEGIN
        SELECT RAISE(ABORT, 'amendments are append-only');
    END""",
    """CREATE TRIGGER amendments_no_update BEFORE UPDATE ON amendments BEGIN
        SELECT RAISE(ABORT, 'amendments are append-only');
    END""",
    """CREATE TRIGGER amendments_no_delete BEFORE DELETE ON amendments BEGIN
        SELECT RAISE(ABORT, 'amendments are append-only');
    END""",
)

#: Version 3: an outcome holds several exit fills (partial take-profits).
V3: tuple[str, ...] = (
    f"""CREATE TABLE outcomes_v3 (
        plan_id INTEGER PRIMARY KEY REFERENCES plans(id),
        exits TEXT NOT NULL CHECK (json_valid(exits) AND json_array_length(exits) > 0),
        exit_reason TEXT NOT NULL CHECK (exit_reason IN ({_REASONS_SQL})),
        notes TEXT NOT NULL DEFAULT '',
        closed_at TEXT NOT NULL
    )""",
    """INSERT INTO outcomes_v3 (plan_id, exits, exit_reason, notes, closed_at)
        SELECT plan_id, json_array(json_array(exit_price, 1.0)), exit_reason, notes, closed_at
        FROM outcomes""",
    "DROP TABLE outcomes",
    "ALTER TABLE outcomes_v3 RENAME TO outcomes",
)

#: ``MIGRATIONS[k]`` takes a database from version ``k`` to ``k + 1``.
MIGRATIONS: tuple[tuple[str, ...], ...] = (V1, V2, V3)
SCHEMA_VERSION = len(MIGRATIONS)

#: Plan fields that an amendment may change. ``symbol``, ``side`` and ``created_at`` define the
#: trade: changing them is a new plan.
AMENDABLE = (
    "entry",
    "stop",
    "quantity",
    "targets",
    "trailing",
    "thesis",
    "what_proves_me_wrong",
    "max_loss_frac",
    "equity",
    "taker_fee",
)


def default_db_path() -> Path:
    """``LEVERAGE_LAB_DB`` if set, else the per-user data directory (see the module docstring)."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    if os.name == "nt" and os.environ.get("APPDATA"):
        base = Path(os.environ["APPDATA"])
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "").strip()
        # The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "leverage-lab" / "journal.db"


@dataclass(frozen=True)
class Amendment:
    """One change to a saved plan: ``field`` went from ``old`` to ``new`` at ``amended_at``."""

    plan_id: int
    field: str
    old: Any
    new: Any
    amended_at: str
    reason: str


@dataclass(frozen=True)
class PlanHistory:
    """A plan as planned (the saved row), as amended (every amendment applied in order), the
    amendments themselves and the outcome (``None`` while the plan is open)."""

    planned: Plan
    amended: Plan
    amendments: tuple[Amendment, ...]
    outcome: Outcome | None

    @property
    def plan_id(self) -> int:
        return int(self.planned.plan_id)  # type: ignore[arg-type]


# --- value <-> JSON for amendments ---------------------------------------------------------------
def field_to_json(name: str, value: Any) -> Any:
    """A plan field's value as plain JSON data (targets as ``[[price, share], ...]``, the
    trailing rule as ``{"distance_frac": .., "activation_price": ..}`` or ``null``)."""
    if name == "targets":
        return [[t.price, t.share] for t in value]
    if name == "trailing":
        if value is None:
            return None
        return {"distance_frac": value.distance_frac, "activation_price": value.activation_price}
    return value


def field_from_json(name: str, value: Any) -> Any:
    """Inverse of :func:`field_to_json`."""
    if name == "targets":
        return tuple(Target(float(p), float(s)) for p, s in value)
    if name == "trailing":
        return None if value is None else TrailingRule(**value)
    return value


def amendments_cell(amendments: tuple[Amendment, ...] | list[Amendment]) -> str:
    """The amendments as the CSV export writes them: a JSON list of
    ``{"field", "old", "new", "at", "reason"}`` (empty text for none)."""
    items = [
        {"field": a.field, "old": a.old, "new": a.new, "at": a.amended_at, "reason": a.reason}
        for a in amendments
    ]
    return json.dumps(items, ensure_ascii=False) if items else ""


def apply_amendments(plan: Plan, amendments: Iterator[Amendment] | tuple[Amendment, ...]) -> Plan:
    """The plan with each amendment's new value applied in order (validated as a whole)."""
    changes = {a.field: field_from_json(a.field, a.new) for a in amendments}
    return dataclasses.replace(plan, **changes) if changes else plan


# --- rows <-> objects ----------------------------------------------------------------------------
_PLAN_COLUMNS = (
    "id, created_at, symbol, side, entry, stop, quantity, targets, trail_distance_frac, "
    "trail_activation_price, thesis, what_proves_me_wrong, max_loss_frac, equity, taker_fee"
)


def _plan_params(plan: Plan) -> tuple[Any, ...]:
    tr = plan.trailing
    return (
        plan.plan_id,
        plan.created_at,
        plan.symbol,
        plan.side,
        plan.entry,
        plan.stop,
        plan.quantity,
        json.dumps(field_to_json("targets", plan.targets)),
        None if tr is None else tr.distance_frac,
        None if tr is None else tr.activation_price,
        plan.thesis,
        plan.what_proves_me_wrong,
        plan.max_loss_frac,
        plan.equity,
        plan.taker_fee,
    )


def _plan_from_row(row: sqlite3.Row) -> Plan:
    trailing = (
        None
        if row["trail_distance_frac"] is None
        else TrailingRule(row["trail_distance_frac"], row["trail_activation_price"])
    )
    return Plan(
        symbol=row["symbol"],
        side=row["side"],
        entry=row["entry"],
        stop=row["stop"],
        targets=field_from_json("targets", json.loads(row["targets"])),
        what_proves_me_wrong=row["what_proves_me_wrong"],
        max_loss_frac=row["max_loss_frac"],
        equity=row["equity"],
        thesis=row["thesis"],
        trailing=trailing,
        quantity=row["quantity"],
        taker_fee=row["taker_fee"],
        created_at=row["created_at"],
        plan_id=row["id"],
    )


def _outcome_from_row(row: sqlite3.Row) -> Outcome:
    return Outcome(
        exits=tuple(Fill(float(p), float(s)) for p, s in json.loads(row["exits"])),
        exit_reason=row["exit_reason"],
        notes=row["notes"],
        closed_at=row["closed_at"],
    )


def _amendment_from_row(row: sqlite3.Row) -> Amendment:
    return Amendment(
        plan_id=row["plan_id"],
        field=row["field"],
        old=json.loads(row["old_value"]),
        new=json.loads(row["new_value"]),
        amended_at=row["amended_at"],
        reason=row["reason"],
    )


# --- connection ----------------------------------------------------------------------------------
def connect(path: str | os.PathLike[str] | None = None) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the journal; returns a connection in autocommit mode
    (``isolation_level=None``: transactions are explicit), WAL, foreign keys on, rows as
    :class:`sqlite3.Row`."""
    p = Path(path) if path is not None else default_db_path()
    if str(p) != ":memory:":
        p.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(p), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        check_identity(conn, p)  # before anything writes: WAL, tables, version
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal" and str(p) != ":memory:":
            raise sqlite3.OperationalError(f"journal_mode={mode!r}; could not switch to WAL")
        conn.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints, never corrupt
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


class NotAJournal(ValueError):
    """An SQLite file that is not a Leverage Lab journal (another program's database)."""


class NewerJournal(ValueError):
    """A journal written by a newer version of this code (a schema it does not know)."""


#: Every table, index and trigger the journal's schema creates.
OWN_OBJECTS = frozenset(
    {
        "plans",
        "outcomes",
        "outcomes_v3",
        "amendments",
        "amendments_plan",
        "plans_no_update",
        "plans_no_delete",
        "plans_no_replace",
        "amendments_no_replace",
        "amendments_no_update",
        "amendments_no_delete",
    }
)


def check_identity(conn: sqlite3.Connection, path: Path | str = "") -> int:
    """Refuse, before anything is written, a file this code must not migrate: another program's
    SQLite database (objects the journal does not create, or a version without a ``plans``
    table) raises :class:`NotAJournal`; a newer schema raises :class:`NewerJournal`. An empty
    database is a new journal. Returns the file's schema version."""
    version = schema_version(conn)
    names = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchall()
    }
    foreign = sorted(names - OWN_OBJECTS)
    if version > SCHEMA_VERSION and (not names or "plans" in names):
        raise NewerJournal(
            f"schema version={version} is newer than this code; allowed: <= {SCHEMA_VERSION}"
        )
    if foreign or (version > 0 and "plans" not in names) or (version == 0 and names):
        shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise NotAJournal(
            f"database={str(path)!r} is not a Leverage Lab journal (user_version {version}"
            + (f", tables {shown}" if foreign else "")
            + "); allowed: a journal file or a new path (the file was not changed)"
        )
    return version


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Upgrade the schema step by step to ``target``; each step is one transaction that re-reads
    the version after taking the write lock. Returns the final version. A file NEWER than this
    code raises ``ValueError`` (refusing to guess at a schema it does not know)."""
    while True:
        version = schema_version(conn)
        if version > SCHEMA_VERSION:
            raise NewerJournal(
                f"schema version={version} is newer than this code; allowed: <= {SCHEMA_VERSION}"
            )
        if version >= target:
            return version
        with _transaction(conn):
            version = schema_version(conn)
            if version >= target:
                continue
            for stmt in MIGRATIONS[version]:
                conn.execute(stmt)
            conn.execute(f"PRAGMA user_version = {version + 1}")


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``; ``ROLLBACK`` on any exception."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class Journal:
    """The trade journal on one SQLite file. Each public write method is one transaction.

    Use as a context manager (``with Journal(path) as j: ...``) or call :meth:`close`.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self.conn = connect(self.path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writes ----------------------------------------------------------------------------------
    def save_plan(self, plan: Plan) -> int:
        """Store a new plan; returns its id. A plan with a ``plan_id`` keeps it (``ValueError`` if
        that id is taken)."""
        with _transaction(self.conn):
            return self._insert_plan(plan)

    def _insert_plan(self, plan: Plan) -> int:
        if plan.plan_id is not None and self._exists(plan.plan_id):
            raise ValueError(f"plan_id={plan.plan_id} is taken; allowed: a new id or none")
        cur = self.conn.execute(
            f"INSERT INTO plans ({_PLAN_COLUMNS}) VALUES ({', '.join('?' * 15)})",
            _plan_params(plan),
        )
        return int(cur.lastrowid)  # type: ignore[arg-type]

    def amend(
        self,
        plan_id: int,
        changes: Mapping[str, Any],
        reason: str,
        *,
        at: str | None = None,
    ) -> tuple[Amendment, ...]:
        """Record changes to an open plan's pre-entry fields, one amendment per changed field.

        The plan with the changes applied must still be valid (a stop moved past the entry is
        refused). Refused: unknown or non-amendable fields, an empty ``reason``, no actual change,
        a closed plan.
        """
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"reason={reason!r} is empty; allowed: why the plan changed")
        when = normalize_time("amended_at", at) if at is not None else now_utc()
        for name in changes:
            if name not in AMENDABLE:
                raise ValueError(
                    f"field={name!r} cannot be amended; allowed: {', '.join(AMENDABLE)}"
                )
        with _transaction(self.conn):
            history = self._history(plan_id)
            if history.outcome is not None:
                raise ValueError(f"plan_id={plan_id} is closed; allowed: amend an open plan only")
            done = self._insert_amendments(history.amended, changes, reason, when)
            cell = amendments_cell((*history.amendments, *done))
            if len(cell) > MAX_FIELD_CHARS:
                raise ValueError(
                    f"plan_id={plan_id}'s amendments would take {len(cell):,} characters in the "
                    f"CSV export; allowed: at most {MAX_FIELD_CHARS:,} (save a new plan instead)"
                )
            return done

    def _insert_amendments(
        self, current: Plan, changes: Mapping[str, Any], reason: str, when: str
    ) -> tuple[Amendment, ...]:
        new_plan = dataclasses.replace(current, **dict(changes))  # validates the amended plan
        out = []
        for name in changes:
            old = field_to_json(name, getattr(current, name))
            new = field_to_json(name, getattr(new_plan, name))
            if old == new:
                continue
            a = Amendment(int(current.plan_id), name, old, new, when, reason)  # type: ignore[arg-type]
            self.conn.execute(
                "INSERT INTO amendments (plan_id, field, old_value, new_value, amended_at, reason)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (a.plan_id, a.field, json.dumps(a.old), json.dumps(a.new), a.amended_at, reason),
            )
            out.append(a)
        if not out:
            raise ValueError(
                f"changes={dict(changes)!r} change nothing; allowed: a new value for a field"
            )
        return tuple(out)

    def record_outcome(self, plan_id: int, outcome: Outcome, *, replace: bool = False) -> None:
        """Close a plan. A second outcome for the same plan is refused unless ``replace``."""
        with _transaction(self.conn):
            self._insert_outcome(plan_id, outcome, replace=replace)

    def _insert_outcome(self, plan_id: int, outcome: Outcome, *, replace: bool) -> None:
        if not self._exists(plan_id):
            raise ValueError(f"plan_id={plan_id} is not in the journal; allowed: a saved plan")
        row = self.conn.execute("SELECT 1 FROM outcomes WHERE plan_id = ?", (plan_id,)).fetchone()
        if row is not None:
            if not replace:
                raise ValueError(
                    f"plan_id={plan_id} already has an outcome; allowed: replace=True to correct it"
                )
            self.conn.execute("DELETE FROM outcomes WHERE plan_id = ?", (plan_id,))
        self.conn.execute(
            "INSERT INTO outcomes (plan_id, exits, exit_reason, notes, closed_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                plan_id,
                json.dumps([[f.price, f.share] for f in outcome.exits]),
                outcome.exit_reason,
                outcome.notes,
                outcome.closed_at,
            ),
        )

    def import_histories(
        self,
        histories: list[PlanHistory],
        on_taken: Callable[[set[int]], Exception] | None = None,
    ) -> list[int]:
        """Store whole histories (plan, amendments, outcome) in ONE transaction: all or nothing.

        Plan ids are kept when given. If any is already in the journal, nothing is stored and
        ``on_taken(taken_ids)`` is raised (default: a ``ValueError`` listing them). Returns the
        plan ids.
        """
        ids = []
        with _transaction(self.conn):
            wanted = [h.planned.plan_id for h in histories if h.planned.plan_id is not None]
            taken = {pid for pid in wanted if self._exists(pid)}
            if taken:
                if on_taken is not None:
                    raise on_taken(taken)
                raise ValueError(
                    f"plan_id={sorted(taken)} already in the journal; allowed: new ids or none"
                )
            for h in histories:
                ids.append(self._insert_history(h))
        return ids

    def merge_histories(
        self,
        histories: list[PlanHistory],
        same: Callable[[PlanHistory, PlanHistory], bool],
        on_conflict: Callable[[], Exception],
    ) -> tuple[list[int], list[int]]:
        """:meth:`import_histories`, merging by id: a history whose id is already stored is
        skipped when ``same(stored, new)`` (an export imported back), and any that is not makes
        the whole import fail with ``on_conflict()`` (nothing stored). One transaction.

        Returns ``(added ids, ids already present)``.
        """
        added: list[int] = []
        present: list[int] = []
        with _transaction(self.conn):
            fresh = []
            conflict = False
            for h in histories:
                pid = h.planned.plan_id
                if pid is not None and self._exists(pid):
                    if same(self._history(pid), h):
                        present.append(pid)
                    else:
                        conflict = True
                    continue
                fresh.append(h)
            if conflict:
                raise on_conflict()
            for h in fresh:
                added.append(self._insert_history(h))
        return added, present

    def _insert_history(self, h: PlanHistory) -> int:
        pid = self._insert_plan(h.planned)
        for a in h.amendments:
            self.conn.execute(
                "INSERT INTO amendments (plan_id, field, old_value, new_value, "
                "amended_at, reason) VALUES (?, ?, ?, ?, ?, ?)",
                (pid, a.field, json.dumps(a.old), json.dumps(a.new), a.amended_at, a.reason),
            )
        if h.outcome is not None:
            self._insert_outcome(pid, h.outcome, replace=False)
        return pid

    # --- reads -----------------------------------------------------------------------------------
    def _exists(self, plan_id: int) -> bool:
        q = "SELECT 1 FROM plans WHERE id = ?"
        return self.conn.execute(q, (plan_id,)).fetchone() is not None

    def plan(self, plan_id: int) -> Plan:
        """The plan as planned (the saved row)."""
        return self.history(plan_id).planned

    def history(self, plan_id: int) -> PlanHistory:
        """The plan as planned and as amended, its amendments and its outcome."""
        return self._history(plan_id)

    def _history(self, plan_id: int) -> PlanHistory:
        row = self.conn.execute(
            f"SELECT {_PLAN_COLUMNS} FROM plans WHERE id = ?", (plan_id,)
        ).fetchone()
        if row is None:
            raise ValueError(f"plan_id={plan_id} is not in the journal; allowed: a saved plan")
        return self._build(row, self._amendments_of((plan_id,)), self._outcomes_of((plan_id,)))

    def _amendments_of(self, ids: tuple[int, ...] | None) -> dict[int, list[Amendment]]:
        sql = "SELECT * FROM amendments"
        if ids is not None:
            sql += f" WHERE plan_id IN ({', '.join('?' * len(ids))})"
        out: dict[int, list[Amendment]] = {}
        for r in self.conn.execute(sql + " ORDER BY id", ids or ()):
            out.setdefault(r["plan_id"], []).append(_amendment_from_row(r))
        return out

    def _outcomes_of(self, ids: tuple[int, ...] | None) -> dict[int, Outcome]:
        sql = "SELECT * FROM outcomes"
        if ids is not None:
            sql += f" WHERE plan_id IN ({', '.join('?' * len(ids))})"
        return {r["plan_id"]: _outcome_from_row(r) for r in self.conn.execute(sql, ids or ())}

    @staticmethod
    def _build(
        row: sqlite3.Row, amendments: dict[int, list[Amendment]], outcomes: dict[int, Outcome]
    ) -> PlanHistory:
        planned = _plan_from_row(row)
        ams = tuple(amendments.get(row["id"], ()))
        return PlanHistory(planned, apply_amendments(planned, ams), ams, outcomes.get(row["id"]))

    def histories(self) -> list[PlanHistory]:
        """Every plan's history, by id, read in one snapshot."""
        self.conn.execute("BEGIN")
        try:
            amendments = self._amendments_of(None)
            outcomes = self._outcomes_of(None)
            rows = self.conn.execute(f"SELECT {_PLAN_COLUMNS} FROM plans ORDER BY id").fetchall()
        finally:
            self.conn.execute("COMMIT")
        return [self._build(r, amendments, outcomes) for r in rows]

    def plans(self) -> list[Plan]:
        """Every plan as planned, by id."""
        return [h.planned for h in self.histories()]

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM plans").fetchone()[0])
