"""CSV export and all-or-nothing import of the journal.

Layout: one row per plan, UTF-8, comma-separated, a header row with the names in
:data:`CSV_COLUMNS` (any order; only :data:`REQUIRED_COLUMNS` must be present, an unknown column
is refused). Empty cell = not given.

==========================  ===========================================================
column                      content
==========================  ===========================================================
id                          plan id (integer >= 1); empty: the journal assigns one
created_at                  ISO 8601 (no zone = UTC); empty: now. Exported as UTC seconds
symbol, side                text; side ``long`` or ``short``
entry, stop                 prices (quote per base unit); the stop is required
quantity                    base units; empty: the size risking max_loss_frac * equity
targets                     ``price:share`` pairs joined by ``;`` e.g. ``110:0.5;120:0.5``
trail_distance_frac         trailing stop distance (fraction); empty: no trailing stop
trail_activation_price      price that starts the trail; empty: from the entry
thesis                      text
what_proves_me_wrong        text, required
max_loss_frac, equity       risk budget (fraction of equity), equity (quote currency)
taker_fee                   fraction; empty: 0
amendments                  JSON list of ``{"field", "old", "new", "at", "reason"}`` in
                            order (``old``/``new`` as :func:`~risk.journal.store.field_to_json`);
                            empty: none. The plan columns hold the plan AS PLANNED.
exits                       outcome fills, ``price:share;...`` with shares summing to 1
exit_reason                 target, stop, thesis_changed, liquidated or other
notes                       text
closed_at                   ISO 8601
==========================  ===========================================================

The outcome columns are all empty for an open plan; for a closed one ``exits``, ``exit_reason``
and ``closed_at`` are required. Numbers are exported with Python's shortest round-trip ``repr``,
so a file exported by :func:`export_csv`, imported and exported again is identical.

Import is all or nothing: every row is checked first; if any row is bad, :class:`ImportRefused`
(a ``ValueError``) names each bad row and field and nothing is written. Otherwise all rows are
written in one transaction. A row whose id is already in the journal is merged: identical to the
stored plan (this app's own export imported again), it is skipped and counted as already present;
different, it is a conflict that refuses the whole file and names the columns that differ.

Limits, so a file cannot exhaust memory or time: at most :data:`MAX_IMPORT_BYTES` bytes and
:data:`MAX_IMPORT_ROWS` rows, a cell of at most :data:`MAX_FIELD_CHARS` characters, amendments
JSON nested at most :data:`MAX_JSON_DEPTH` deep, ids up to 2**63 - 1.

Spreadsheet safety (OWASP "CSV Injection"): a text cell (symbol, thesis, what_proves_me_wrong,
notes) that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is exported with a
leading apostrophe, so a spreadsheet shows it as text instead of running it. Import removes it
again; an apostrophe that the text itself starts with, before one of those characters or another
apostrophe, is doubled on export, so the round trip stays exact. Numeric columns are never
escaped (a number is written as digits and a sign never leads one). Cells with a carriage return
or a line feed are quoted.

Export is atomic: the CSV is written to a temporary file beside the target, flushed to disk and
renamed over it, so a full disk or a crash leaves the previous file whole (a device or a pipe,
such as ``/dev/stdout``, is written in place: renaming over it would replace the device itself).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from risk.files import write_atomic
from risk.journal.plan import (
    MAX_PLAN_ID,
    Fill,
    Outcome,
    Plan,
    now_utc,
    outcome_problems,
    plan_problems,
)
from risk.journal.plan import normalize_time as _normalize_time
from risk.journal.store import (
    AMENDABLE,
    MAX_FIELD_CHARS,
    Amendment,
    Journal,
    PlanHistory,
    amendments_cell,
    apply_amendments,
    field_from_json,
    field_to_json,
)

CSV_COLUMNS = (
    "id",
    "created_at",
    "symbol",
    "side",
    "entry",
    "stop",
    "quantity",
    "targets",
    "trail_distance_frac",
    "trail_activation_price",
    "thesis",
    "what_proves_me_wrong",
    "max_loss_frac",
    "equity",
    "taker_fee",
    "amendments",
    "exits",
    "exit_reason",
    "notes",
    "closed_at",
)
REQUIRED_COLUMNS = (
    "symbol",
    "side",
    "entry",
    "stop",
    "targets",
    "what_proves_me_wrong",
    "max_loss_frac",
    "equity",
)
OUTCOME_COLUMNS = ("exits", "exit_reason", "notes", "closed_at")
#: Free-text columns: escaped against spreadsheet formulas on export, unescaped on import.
TEXT_COLUMNS = ("symbol", "thesis", "what_proves_me_wrong", "notes")
#: Cell starts that a spreadsheet takes for a formula (OWASP "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Largest file an import reads (bytes) and most data rows it accepts.
MAX_IMPORT_BYTES = 4 * 1024 * 1024
MAX_IMPORT_ROWS = 10_000
#: Deepest nesting of the amendments JSON (its own shape needs 3: list, object, targets list).
MAX_JSON_DEPTH = 8


@dataclass(frozen=True)
class RowProblem:
    """One bad field: ``row`` counts data rows from 1, ``line`` is the file line it starts on
    (the header is line 1); row 0 is the header itself."""

    row: int
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = "header" if self.row == 0 else f"row {self.row} (line {self.line})"
        return f"{where}, field {self.field}: {self.message}"


class ImportRefused(ValueError):
    """A CSV import refused as a whole; :attr:`problems` lists each bad row and field.

    ``str()`` is a one-line summary followed by one line per problem.
    """

    def __init__(self, source: str, problems: list[RowProblem]) -> None:
        self.source = source
        self.problems = problems
        rows = sorted({p.row for p in problems})
        self.summary = (
            f"import of {source} refused, nothing written: {len(problems)} problem(s) in "
            + (f"{len(rows)} row(s) " if rows != [0] else "")
            + "("
            + ", ".join("header" if r == 0 else f"row {r}" for r in rows)
            + ")"
        )
        super().__init__("\n".join([self.summary, *map(str, problems)]))


# --- export --------------------------------------------------------------------------------------
def _num(x: float | None) -> str:
    return "" if x is None else repr(float(x))


def _pairs(pairs: Iterable[Any]) -> str:
    return ";".join(f"{_num(p.price)}:{_num(p.share)}" for p in pairs)


def escape_cell(text: str) -> str:
    """``text`` as a spreadsheet shows it as text: a leading apostrophe before a formula start
    (and before an apostrophe that :func:`unescape_cell` would otherwise remove)."""
    if text.startswith(FORMULA_STARTS) or (
        text[:1] == "'" and text[1:2] != "" and text[1:2] in (*FORMULA_STARTS, "'")
    ):
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    """Inverse of :func:`escape_cell`: ``unescape_cell(escape_cell(t)) == t`` for every text."""
    if text[:1] == "'" and text[1:2] != "" and text[1:2] in (*FORMULA_STARTS, "'"):
        return text[1:]
    return text


def history_row(h: PlanHistory) -> dict[str, str]:
    """One plan's history as a CSV row (strings, keys :data:`CSV_COLUMNS`)."""
    p = h.planned
    o = h.outcome
    tr = p.trailing
    return {
        "id": str(p.plan_id),
        "created_at": p.created_at,
        "symbol": p.symbol,
        "side": p.side,
        "entry": _num(p.entry),
        "stop": _num(p.stop),
        "quantity": _num(p.quantity),
        "targets": _pairs(p.targets),
        "trail_distance_frac": "" if tr is None else _num(tr.distance_frac),
        "trail_activation_price": "" if tr is None else _num(tr.activation_price),
        "thesis": p.thesis,
        "what_proves_me_wrong": p.what_proves_me_wrong,
        "max_loss_frac": _num(p.max_loss_frac),
        "equity": _num(p.equity),
        "taker_fee": _num(p.taker_fee),
        "amendments": amendments_cell(h.amendments),
        "exits": "" if o is None else _pairs(o.exits),
        "exit_reason": "" if o is None else o.exit_reason,
        "notes": "" if o is None else o.notes,
        "closed_at": "" if o is None else o.closed_at,
    }


def histories_to_csv(histories: Iterable[PlanHistory]) -> str:
    """The CSV text of ``histories`` (header + one row each)."""
    lines = [",".join(CSV_COLUMNS)]
    for h in histories:
        cells = history_row(h)
        for name in TEXT_COLUMNS:
            cells[name] = escape_cell(cells[name])
        lines.append(",".join(_csv_cell(cells[c]) for c in CSV_COLUMNS))
    return "\n".join(lines) + "\n"


def _csv_cell(cell: str) -> str:
    """One cell as RFC 4180 writes it: quoted (quotes doubled) when it holds a comma, a quote, a
    line feed or a carriage return. Python's csv writer leaves a bare carriage return unquoted
    (it is not in its line terminator), which splits the row on import."""
    if any(ch in cell for ch in ',"\r\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def export_csv(journal: Journal, path: str | os.PathLike[str]) -> int:
    """Write every plan of ``journal`` to ``path`` (by id); returns the number of rows.

    Atomic (:func:`risk.files.write_atomic`): written to a temporary file in the same directory,
    flushed and fsynced, then renamed over ``path``; on any error the temporary file is removed
    and ``path`` is left as it was. A device or a pipe (``/dev/stdout``) is written in place.
    """
    histories = journal.histories()
    write_atomic(path, histories_to_csv(histories).encode("utf-8"))
    return len(histories)


# --- import --------------------------------------------------------------------------------------
def _parse_pairs(name: str, text: str) -> list[tuple[float, float]]:
    out = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        bits = part.split(":")
        if len(bits) != 2:
            raise ValueError(
                f"{name}={text!r} has {part!r}; allowed: price:share pairs joined by ';' "
                "(e.g. 110:0.5;120:0.5)"
            )
        try:
            out.append((float(bits[0]), float(bits[1])))
        except ValueError:
            raise ValueError(
                f"{name}={text!r} has the non-numeric pair {part!r}; allowed: numbers, price:share"
            ) from None
    if not out:
        raise ValueError(f"{name}={text!r} is empty; allowed: one or more price:share pairs")
    return out


def _parse_float(name: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{name}={text!r} is not a number; allowed: a finite number") from None


def _parse_id(text: str) -> int | None:
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"id={text!r} is not an integer; allowed: an integer >= 1") from None
    if not 1 <= value <= MAX_PLAN_ID:
        shown = str(value) if len(str(value)) <= 30 else str(value)[:25] + "..."
        raise ValueError(f"id={shown} is out of range; allowed: 1 <= id <= {MAX_PLAN_ID}")
    return value


def _json_depth(text: str) -> int:
    """Deepest bracket nesting of JSON text (brackets inside strings not counted)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _parse_amendments(text: str) -> list[dict[str, Any]]:
    depth = _json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise ValueError(
            f"amendments is nested {depth} levels deep; allowed: at most {MAX_JSON_DEPTH} "
            "(a list of {field, old, new, at, reason})"
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"amendments is not JSON ({exc.msg}); allowed: a JSON list") from None
    except RecursionError:
        raise ValueError(
            f"amendments is nested too deeply; allowed: at most {MAX_JSON_DEPTH} levels"
        ) from None
    keys = {"field", "old", "new", "at", "reason"}
    if not isinstance(data, list) or not all(isinstance(a, dict) and set(a) == keys for a in data):
        raise ValueError(
            "amendments is not a list of {field, old, new, at, reason}; allowed: that JSON list"
        )
    return data


def _row_history(cells: dict[str, str]) -> tuple[PlanHistory | None, list[tuple[str, str]]]:
    """Parse one row; returns the history or the list of ``(field, message)`` problems."""
    problems: list[tuple[str, str]] = []
    bad: set[str] = set()
    values: dict[str, Any] = {}

    def parse(name: str, fn: Callable[[str], Any], text: str) -> Any:
        try:
            return fn(text)
        except ValueError as exc:
            problems.append((name, str(exc)))
            bad.add(name)
            return None

    for name in REQUIRED_COLUMNS:
        if not cells.get(name, "").strip():
            problems.append((name, f"{name} is missing; allowed: a value (required)"))
            bad.add(name)

    def get(name: str) -> str:
        return cells.get(name, "").strip()

    plan_id = parse("id", _parse_id, get("id"))
    for name in ("entry", "stop", "max_loss_frac", "equity"):
        values[name] = (
            None if name in bad else parse(name, lambda t, n=name: _parse_float(n, t), get(name))
        )
    values["quantity"] = (
        parse("quantity", lambda t: _parse_float("quantity", t), get("quantity"))
        if get("quantity")
        else None
    )
    values["taker_fee"] = (
        parse("taker_fee", lambda t: _parse_float("taker_fee", t), get("taker_fee"))
        if get("taker_fee")
        else 0.0
    )
    values["targets"] = (
        None
        if "targets" in bad
        else parse("targets", lambda t: _parse_pairs("targets", t), get("targets"))
    )
    trail_d, trail_a = get("trail_distance_frac"), get("trail_activation_price")
    trailing: Any = None
    if trail_d:
        d = parse("trail_distance_frac", lambda t: _parse_float("trail_distance_frac", t), trail_d)
        a = (
            parse(
                "trail_activation_price",
                lambda t: _parse_float("trail_activation_price", t),
                trail_a,
            )
            if trail_a
            else None
        )
        trailing = None if d is None else (d, a)
        if d is None:
            bad.add("trailing")
    elif trail_a:
        problems.append(
            (
                "trail_activation_price",
                f"trail_activation_price={trail_a!r} without trail_distance_frac; "
                "allowed: give the distance too, or leave both empty",
            )
        )
        bad.add("trailing")
    values["trailing"] = trailing
    fields = SimpleNamespace(
        symbol=cells.get("symbol", ""),
        side=get("side"),
        thesis=cells.get("thesis", ""),
        what_proves_me_wrong=cells.get("what_proves_me_wrong", ""),
        created_at=get("created_at") or now_utc(),
        plan_id=plan_id,
        **values,
    )
    problems += [
        (("trail_distance_frac" if f == "trailing" else f), m)
        for f, m in plan_problems(fields)
        if f not in bad and f != "plan_id"
    ]
    if problems:
        return None, sorted(problems, key=lambda fm: _column_order(fm[0]))
    plan = Plan(**vars(fields))

    amendments: list[Amendment] = []
    text = get("amendments")
    if text:
        try:
            amendments = _check_amendments(plan, _parse_amendments(text))
        except ValueError as exc:
            return None, [("amendments", str(exc))]

    outcome = None
    if any(get(c) for c in OUTCOME_COLUMNS):
        outcome, oproblems = _row_outcome(cells)
        if oproblems:
            return None, oproblems
    return PlanHistory(
        plan, apply_amendments(plan, tuple(amendments)), tuple(amendments), outcome
    ), []


def _column_order(name: str) -> int:
    return CSV_COLUMNS.index(name) if name in CSV_COLUMNS else -1


def _check_amendments(plan: Plan, items: list[dict[str, Any]]) -> list[Amendment]:
    """Each amendment must name an amendable field, start from the value then in force, and
    leave a valid plan."""
    out = []
    current = plan
    for k, a in enumerate(items, start=1):
        name = a["field"]
        if name not in AMENDABLE:
            raise ValueError(
                f"amendment {k}: field={name!r} cannot be amended; allowed: {', '.join(AMENDABLE)}"
            )
        now = field_to_json(name, getattr(current, name))
        if a["old"] != now:
            raise ValueError(
                f"amendment {k}: old={a['old']!r} is not the value in force {now!r}; "
                "allowed: amendments in the order they were made"
            )
        if not isinstance(a["reason"], str) or not a["reason"].strip():
            raise ValueError(f"amendment {k}: reason={a['reason']!r} is empty; allowed: a text")
        try:
            at = _normalize_time("at", a["at"])
            current = apply_amendments(
                current,
                (Amendment(0, name, a["old"], a["new"], at, a["reason"]),),
            )
            field_from_json(name, a["new"])
        except (ValueError, TypeError) as exc:
            raise ValueError(f"amendment {k} ({name}): {exc}") from None
        out.append(Amendment(0, name, a["old"], a["new"], at, a["reason"]))
    return out


def _row_outcome(cells: dict[str, str]) -> tuple[Outcome | None, list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []

    def get(name: str) -> str:
        return cells.get(name, "").strip()

    for name in ("exits", "exit_reason", "closed_at"):
        if not get(name):
            problems.append(
                (name, f"{name} is missing; allowed: a value (required once a plan is closed)")
            )
    exits: Any = None
    if get("exits"):
        try:
            exits = [Fill(p, s) for p, s in _parse_pairs("exits", get("exits"))]
        except ValueError as exc:
            problems.append(("exits", str(exc)))
    if problems:
        return None, problems
    ns = SimpleNamespace(
        exits=exits,
        exit_reason=get("exit_reason"),
        notes=cells.get("notes", ""),
        closed_at=get("closed_at"),
    )
    problems = outcome_problems(ns)
    if problems:
        return None, problems
    return Outcome(**vars(ns)), []


def parse_csv(text: str, source: str = "<csv>") -> list[PlanHistory]:
    """Parse and validate a whole CSV text; raises :class:`ImportRefused` naming every bad row
    and field (nothing is returned then)."""
    return _parse(text, source)[0]


def _parse(text: str, source: str) -> tuple[list[PlanHistory], list[tuple[int, int]]]:
    """:func:`parse_csv`, also returning each history's (row, line)."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_IMPORT_BYTES:
        raise ImportRefused(source, [_too_big(size)])
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return _parse_rows(reader, source)
    except csv.Error as exc:
        line = reader.line_num + 1
        raise ImportRefused(
            source,
            [
                RowProblem(
                    max(reader.line_num - 1, 0),
                    line,
                    "row",
                    _csv_error_message(str(exc)),
                )
            ],
        ) from None


def _too_big(size: int) -> RowProblem:
    return RowProblem(
        0,
        1,
        "file",
        f"the file has {size:,} bytes or more; allowed: at most {MAX_IMPORT_BYTES:,} bytes "
        "(split it)",
    )


def _csv_error_message(text: str) -> str:
    if "field larger than field limit" in text:
        return f"a cell is longer than {MAX_FIELD_CHARS:,} characters; allowed: shorter cells"
    if "NUL" in text or "null byte" in text:
        return "the file holds NUL bytes (not a text CSV); allowed: a UTF-8 CSV"
    return f"the CSV cannot be read ({text}); allowed: comma-separated UTF-8 text"


def _parse_rows(
    reader: csv.DictReader, source: str
) -> tuple[list[PlanHistory], list[tuple[int, int]]]:
    header = reader.fieldnames
    if header is None:
        raise ImportRefused(
            source,
            [
                RowProblem(
                    0,
                    1,
                    "header",
                    "the file is empty; allowed: a header row with " + ", ".join(CSV_COLUMNS),
                )
            ],
        )
    problems: list[RowProblem] = []
    names = [h.strip() for h in header]
    for name in names:
        if name not in CSV_COLUMNS:
            problems.append(
                RowProblem(
                    0, 1, name, f"column {name!r} is not known; allowed: " + ", ".join(CSV_COLUMNS)
                )
            )
    dup = sorted({n for n in names if names.count(n) > 1})
    for name in dup:
        problems.append(RowProblem(0, 1, name, f"column {name!r} appears twice; allowed: once"))
    for name in REQUIRED_COLUMNS:
        if name not in names:
            problems.append(
                RowProblem(
                    0,
                    1,
                    name,
                    f"column {name!r} is missing; allowed: a "
                    "header with " + ", ".join(REQUIRED_COLUMNS),
                )
            )
    if problems:
        raise ImportRefused(source, problems)
    reader.fieldnames = names

    histories: list[PlanHistory] = []
    seen_ids: dict[int, int] = {}
    row_of: list[tuple[int, int]] = []
    prev_end = reader.line_num
    for k, raw in enumerate(reader, start=1):
        line = prev_end + 1
        prev_end = reader.line_num
        if None in raw or any(v is None for v in raw.values()):
            problems.append(
                RowProblem(
                    k,
                    line,
                    "row",
                    f"the row has {_width(raw)} cells; "
                    f"allowed: {len(names)} (one per header column)",
                )
            )
            continue
        if k > MAX_IMPORT_ROWS:
            raise ImportRefused(
                source,
                [
                    RowProblem(
                        k,
                        line,
                        "row",
                        f"the file has more than {MAX_IMPORT_ROWS:,} rows; allowed: at most "
                        f"{MAX_IMPORT_ROWS:,} (split it)",
                    )
                ],
            )
        cells = {
            key: (unescape_cell(value) if key in TEXT_COLUMNS else value)
            for key, value in raw.items()
        }
        history, errs = _row_history(cells)
        problems += [RowProblem(k, line, f, m) for f, m in errs]
        if history is None:
            continue
        pid = history.planned.plan_id
        if pid is not None:
            if pid in seen_ids:
                problems.append(
                    RowProblem(
                        k,
                        line,
                        "id",
                        f"id={pid} repeats row {seen_ids[pid]}; allowed: each id once",
                    )
                )
                continue
            seen_ids[pid] = k
        histories.append(history)
        row_of.append((k, line))
    if problems:
        raise ImportRefused(source, problems)
    return histories, row_of


def _width(raw: dict[Any, Any]) -> int:
    n = sum(1 for k, v in raw.items() if k is not None and v is not None)
    return n + len(raw.get(None) or [])


class ImportedIds(list[int]):
    """The ids an import wrote (a list, in file order), with :attr:`present`: the ids of rows that
    were already in the journal, identical, and so were skipped (not written twice)."""

    def __init__(self, added: Iterable[int] = (), present: Iterable[int] = ()) -> None:
        super().__init__(added)
        self.present: tuple[int, ...] = tuple(present)

    def summary(self, source: str) -> str:
        """``"Imported 2 plan(s) from f.csv; 3 already present (identical, skipped)."``"""
        text = f"Imported {len(self)} plan(s) from {source}"
        if self.present:
            text += f"; {len(self.present)} already present (identical, skipped)"
        return text + "."


def read_csv_file(path: str | os.PathLike[str]) -> str:
    """A CSV file's text, read at most :data:`MAX_IMPORT_BYTES` + 1 bytes (so ``/dev/zero`` or a
    huge file is refused at the limit instead of filling memory)."""
    p = Path(path)
    try:
        with open(p, "rb") as f:
            data = f.read(MAX_IMPORT_BYTES + 1)
    except FileNotFoundError:
        raise ValueError(f"--csv={str(p)!r} does not exist; allowed: a CSV file") from None
    except IsADirectoryError:
        raise ValueError(f"--csv={str(p)!r} is a directory; allowed: a CSV file") from None
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRefused(str(p), [_too_big(len(data))])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"--csv={str(p)!r} is not UTF-8 ({exc.reason}); allowed: UTF-8") from None


def import_csv(journal: Journal, path: str | os.PathLike[str]) -> ImportedIds:
    """Import ``path`` into ``journal``: all rows in one transaction, or nothing.

    Raises :class:`ImportRefused` (a ``ValueError``) naming each bad row and field, including ids
    already in the journal with different values. Rows identical to the stored plan are skipped
    (see :class:`ImportedIds`). Returns the new plan ids.
    """
    return import_csv_text(journal, read_csv_file(path), str(path))


def import_csv_text(journal: Journal, text: str, source: str = "<csv>") -> ImportedIds:
    """:func:`import_csv` for CSV text already read (an upload, say); ``source`` names it in
    messages."""
    histories, rows = _parse(text.removeprefix("\ufeff"), source)
    conflicts: list[RowProblem] = []
    row_of = {id(h): r for h, r in zip(histories, rows, strict=True)}

    def same(stored: PlanHistory, new: PlanHistory) -> bool:
        a, b = history_row(stored), history_row(new)
        if a == b:
            return True
        k, line = row_of[id(new)]
        differ = [c for c in CSV_COLUMNS if a[c] != b[c]]
        conflicts.append(
            RowProblem(
                k,
                line,
                "id",
                f"id={new.planned.plan_id} is already in the journal with other values "
                f"({', '.join(differ)} differ); allowed: the same plan, a new id or an empty cell",
            )
        )
        return False

    added, present = journal.merge_histories(
        histories, same=same, on_conflict=lambda: ImportRefused(source, conflicts)
    )
    return ImportedIds(added, present)
