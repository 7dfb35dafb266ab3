"""The journal's import and export under hostile or broken input (issue 15) and the merge of a
re-imported export (issue 14 point 7): every refusal is "refused, nothing written", the round
trip stays exact, a refused import leaves the journal as it was."""

from __future__ import annotations

import errno
import io
import os
import sqlite3

import pytest

from risk.cli import main
from risk.journal import csvio
from risk.journal.csvio import (
    CSV_COLUMNS,
    ImportRefused,
    escape_cell,
    export_csv,
    histories_to_csv,
    import_csv,
    import_csv_text,
    unescape_cell,
)
from risk.journal.plan import MAX_TEXT_CHARS, Outcome, Plan
from risk.journal.store import MAX_FIELD_CHARS, Journal, NewerJournal, NotAJournal


def plan(**kw) -> Plan:
    base = dict(
        symbol="BTCUSDT",
        side="long",
        entry=100.0,
        stop=95.0,
        targets=[(110.0, 1.0)],
        what_proves_me_wrong="below 95",
        max_loss_frac=0.01,
        equity=10_000.0,
        created_at="2024-01-01",
    )
    base.update(kw)
    return Plan(**base)


def row(**kw: str) -> dict[str, str]:
    base = {k: "" for k in CSV_COLUMNS}
    base.update(
        symbol="BTCUSDT",
        side="long",
        entry="100",
        stop="95",
        targets="110:1",
        what_proves_me_wrong="below 95",
        max_loss_frac="0.01",
        equity="10000",
    )
    base.update(kw)
    return base


def csv_text(rows: list[dict[str, str]]) -> str:
    import csv

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def refused_and_untouched(tmp_path, text: str) -> ImportRefused:
    with Journal(tmp_path / "j.db") as j:
        j.save_plan(plan())
        with pytest.raises(ImportRefused) as info:
            import_csv_text(j, text, "f.csv")
        assert j.count() == 1
    assert "refused, nothing written" in info.value.summary
    return info.value


# --- refusals that were tracebacks ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("cells", "field", "fragment"),
    [
        ({"id": str(2**63)}, "id", "allowed: 1 <= id <= 9223372036854775807"),
        ({"id": "9" * 400}, "id", "out of range"),
        ({"created_at": "0001-01-01T00:00:00+14:00"}, "created_at", "out of range in UTC"),
        ({"created_at": "9999-12-31T23:59:59-14:00"}, "created_at", "out of range in UTC"),
        ({"thesis": "x" * (MAX_TEXT_CHARS + 1)}, "thesis", "at most 4,000 characters"),
        ({"amendments": "[" * 5_000 + "]" * 5_000}, "amendments", "nested 5000 levels deep"),
        (
            {"exits": "100:1", "exit_reason": "stop", "closed_at": "9999-12-31T23:00-14:00"},
            "closed_at",
            "out of range",
        ),
    ],
)
def test_hostile_cells_are_refused_and_nothing_is_written(tmp_path, cells, field, fragment):
    err = refused_and_untouched(tmp_path, csv_text([row(), row(**cells)]))
    assert [(p.row, p.field) for p in err.problems] == [(2, field)], err.problems
    assert fragment in err.problems[0].message


def test_a_cell_over_the_csv_field_limit_is_refused(tmp_path) -> None:
    err = refused_and_untouched(tmp_path, csv_text([row(notes="n" * (MAX_FIELD_CHARS + 1))]))
    assert "longer than 131,072 characters" in str(err)


def test_deep_json_inside_the_field_limit_does_not_recurse(tmp_path) -> None:
    deep = "[" * 60_000 + "]" * 60_000  # RecursionError in json.loads before the guard
    err = refused_and_untouched(tmp_path, csv_text([row(amendments=deep)]))
    assert err.problems[0].field == "amendments"


def test_size_and_row_limits(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(csvio, "MAX_IMPORT_ROWS", 3)
    err = refused_and_untouched(tmp_path / "rows", csv_text([row()] * 4))
    assert "more than 3 rows" in str(err)
    monkeypatch.setattr(csvio, "MAX_IMPORT_BYTES", 1_000)
    (tmp_path / "b").mkdir()
    err = refused_and_untouched(tmp_path / "b", csv_text([row(thesis="t" * 1_000)]))
    assert "at most 1,000 bytes" in str(err)


def test_cli_stops_reading_dev_zero_at_the_limit(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(csvio, "MAX_IMPORT_BYTES", 1 << 20)
    db = tmp_path / "j.db"
    code = main(["journal", "import", "--db", str(db), "--csv", "/dev/zero"])
    err = capsys.readouterr().err
    assert code == 2
    assert "refused, nothing written" in err.splitlines()[0]
    assert "at most 1,048,576 bytes" in err
    assert not db.exists()  # the journal is not even created for a refused file


# --- exact round trip ----------------------------------------------------------------------------
TRICKY = [
    '=HYPERLINK("http://x")',
    "+1",
    "-2+3",
    "@SUM(A1)",
    "\tlead tab",
    "\rlead CR",
    "bare\rCR inside",
    "'=already",
    "''",
    "'",
    "'plain apostrophe",
    'a, "quoted" and\nnew line',
]


@pytest.mark.parametrize("text", TRICKY)
def test_escape_is_undone_exactly(text) -> None:
    assert unescape_cell(escape_cell(text)) == text


def test_formula_cells_are_escaped_and_the_round_trip_is_exact(tmp_path) -> None:
    with Journal(tmp_path / "a.db") as j:
        for t in TRICKY:
            pid = j.save_plan(plan(thesis=t, what_proves_me_wrong=t.strip() or "x", symbol="S"))
            j.record_outcome(pid, Outcome([(96.0, 1.0)], "stop", notes=t, closed_at="2024-01-02"))
        first = tmp_path / "first.csv"
        export_csv(j, first)
        stored = j.histories()
    data = first.read_bytes().decode()
    import csv

    cells = list(csv.DictReader(io.StringIO(data, newline="")))
    assert len(cells) == len(TRICKY)  # a bare CR did not split a row
    for c in cells:
        for name in ("thesis", "notes"):
            assert not c[name].startswith(("=", "+", "-", "@", "\t", "\r")), c[name]
        assert c["targets"] == "110.0:1.0" and c["entry"] == "100.0"  # numbers never escaped
    with Journal(tmp_path / "b.db") as j2:
        import_csv(j2, first)
        assert j2.histories() == stored
        second = tmp_path / "second.csv"
        export_csv(j2, second)
    assert second.read_bytes() == first.read_bytes()


# --- atomic export -------------------------------------------------------------------------------
def test_a_failed_export_leaves_the_old_file_whole(tmp_path, monkeypatch) -> None:
    out = tmp_path / "backup.csv"
    out.write_text("the previous backup\n")
    with Journal(tmp_path / "j.db") as j:
        j.save_plan(plan())

        def full(fd):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "fsync", full)
        with pytest.raises(OSError):
            export_csv(j, out)
    assert out.read_text() == "the previous backup\n"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # cleaned up


# --- merge ---------------------------------------------------------------------------------------
def test_reimporting_the_own_export_merges(tmp_path) -> None:
    with Journal(tmp_path / "j.db") as j:
        a = j.save_plan(plan())
        b = j.save_plan(plan(symbol="ETHUSDT"))
        j.amend(b, {"stop": 96.0}, "tighter", at="2024-01-02")
        j.record_outcome(a, Outcome([(110.0, 1.0)], "target", closed_at="2024-01-03"))
        text = histories_to_csv(j.histories())
        result = import_csv_text(j, text + csv_text([row(symbol="SOLUSDT")]).split("\n", 1)[1])
        assert list(result) == [3] and result.present == (a, b)
        assert "2 already present" in result.summary("f.csv")
        assert j.count() == 3
        # and again: everything present, nothing added
        again = import_csv_text(j, histories_to_csv(j.histories()))
        assert list(again) == [] and again.present == (1, 2, 3)


def test_a_conflicting_row_refuses_the_whole_file(tmp_path) -> None:
    with Journal(tmp_path / "j.db") as j:
        pid = j.save_plan(plan())
        text = histories_to_csv(j.histories()).replace("below 95", "below 94")
        text += csv_text([row(symbol="NEW")]).split("\n", 1)[1]
        with pytest.raises(ImportRefused) as info:
            import_csv_text(j, text, "f.csv")
        assert j.count() == 1
    (problem,) = info.value.problems
    assert problem.row == 1 and problem.field == "id"
    assert f"id={pid} is already in the journal with other values (what_proves_me_wrong" in str(
        problem
    )


# --- amendments stay importable ------------------------------------------------------------------
def test_amendments_that_would_not_fit_one_cell_are_refused(tmp_path) -> None:
    with Journal(tmp_path / "j.db") as j:
        pid = j.save_plan(plan())
        with pytest.raises(ValueError, match="at most 4,000 characters"):
            j.amend(pid, {"thesis": "t" * (MAX_TEXT_CHARS + 1)}, "long")
        k = 0
        with pytest.raises(ValueError, match=r"CSV export; allowed: at most 131,072"):
            while k < 100:
                j.amend(pid, {"thesis": str(k % 10) * MAX_TEXT_CHARS}, "again")
                k += 1
        assert 10 < k < 100
        out = tmp_path / "out.csv"
        export_csv(j, out)
    with Journal(tmp_path / "b.db") as j2:
        assert list(import_csv(j2, out)) == [pid]  # what was saved exports and imports back


# --- another program's database ------------------------------------------------------------------
def test_another_programs_sqlite_file_is_refused_untouched(tmp_path) -> None:
    path = tmp_path / "other.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    raw.execute("INSERT INTO users VALUES (1, 'ada')")
    raw.commit()
    raw.close()
    before = path.read_bytes()
    with pytest.raises(NotAJournal, match="not a Leverage Lab journal"):
        Journal(path)
    assert path.read_bytes() == before
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 0
    names = [r[0] for r in raw.execute("SELECT name FROM sqlite_master")]
    assert names == ["users"]
    raw.close()


def test_a_newer_journal_is_refused_before_any_write(tmp_path) -> None:
    path = tmp_path / "future.db"
    with Journal(path):
        pass
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA journal_mode = DELETE")
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    with pytest.raises(NewerJournal):
        Journal(path)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    raw.close()
