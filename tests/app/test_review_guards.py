"""Review page under the inputs that crashed it (issue 15): filters that match no plan, storage
faults, another program's SQLite file, notes that are Markdown."""

from __future__ import annotations

import sqlite3

import pytest

from risk.journal.plan import Outcome, Plan
from risk.journal.store import Journal
from ui.testing import app_test

PAGE = "pages/review.py"


def plan(symbol: str = "BTCUSDT", thesis: str = "") -> Plan:
    return Plan(
        symbol=symbol,
        thesis=thesis,
        side="long",
        entry=100.0,
        stop=95.0,
        targets=[(110.0, 1.0)],
        what_proves_me_wrong="the stop",
        max_loss_frac=0.01,
        equity=10_000.0,
        created_at="2024-01-01",
    )


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "journal.db"
    monkeypatch.setenv("LEVERAGE_LAB_DB", str(path))
    return path


def test_filters_that_match_no_plan_leave_the_rest_of_the_page_working(db) -> None:
    with Journal(db) as j:
        j.save_plan(plan())  # open: the "closed" filter matches nothing
    at = app_test(PAGE)
    at.multiselect(key="rv_f_status").set_value(["closed"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("No plan matches the filters" in c.value for c in at.caption)
    # the export/import section below still draws
    assert at.get("download_button")
    assert any(h.value == "CSV export and import" for h in at.subheader)


# --- storage faults: a sentence with what to do on both journal pages ----------------------------
JOURNAL_PAGES = ["pages/review.py", "pages/trade_plan.py"]


def _journal_with_a_plan(path) -> None:
    with Journal(path) as j:
        j.save_plan(plan())
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.execute("PRAGMA journal_mode = DELETE")
    raw.close()


def _not_a_journal(path) -> None:
    path.write_text("symbol,side\nBTCUSDT,long\n" * 20)


def _newer(path) -> None:
    _journal_with_a_plan(path)
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()


def _truncated(path) -> None:
    _journal_with_a_plan(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _corrupt(path) -> None:
    _journal_with_a_plan(path)
    data = bytearray(path.read_bytes())
    data[100:] = b"\xff" * (len(data) - 100)
    path.write_bytes(bytes(data))


def _directory(path) -> None:
    path.mkdir()


def _foreign(path) -> None:
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
    raw.close()


FILE_FAULTS = {
    "not a journal": (_not_a_journal, "not a database"),
    "newer schema": (_newer, "newer version"),
    "truncated": (_truncated, "damaged"),
    "corrupt": (_corrupt, "damaged"),
    "a directory": (_directory, "directory"),
    "another program's database": (_foreign, "another program"),
}


@pytest.mark.parametrize("page", JOURNAL_PAGES)
@pytest.mark.parametrize("fault", list(FILE_FAULTS))
def test_a_broken_journal_file_is_a_message_not_a_traceback(db, page, fault) -> None:
    make, fragment = FILE_FAULTS[fault]
    make(db)
    at = app_test(page)
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert any(fragment in e and "LEVERAGE_LAB_DB" in e for e in errors), errors
    assert at.title[0].value  # the rest of the page drew


# faults a test cannot make with a file (root ignores permissions; no tiny disk): raised where
# SQLite raises them
SQL_FAULTS = {
    "read-only": ("attempt to write a readonly database", "read-only"),
    "locked": ("database is locked", "busy"),
    "disk full": ("database or disk is full", "full"),
}


@pytest.mark.parametrize("fault", list(SQL_FAULTS))
def test_a_write_fault_on_save_is_a_message(db, monkeypatch, fault) -> None:
    raw, fragment = SQL_FAULTS[fault]

    def fail(self, *a, **k):
        raise sqlite3.OperationalError(raw)

    monkeypatch.setattr(Journal, "save_plan", fail)
    at = app_test("pages/trade_plan.py")
    at.number_input(key="tp_stop").set_value(95_000.0)
    at.number_input(key="tp_t0").set_value(110_000.0)
    at.text_area(key="tp_wrong").input("a close below 95k")
    at.run()
    at.button(key="tp_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert any(e.startswith("Not saved: ") and fragment in e for e in errors), errors


@pytest.mark.parametrize("fault", list(SQL_FAULTS))
def test_a_read_fault_on_review_is_a_message(db, monkeypatch, fault) -> None:
    raw, fragment = SQL_FAULTS[fault]
    _journal_with_a_plan(db)

    def fail(self, *a, **k):
        raise sqlite3.OperationalError(raw)

    monkeypatch.setattr(Journal, "histories", fail)
    at = app_test(PAGE)
    assert not at.exception, [e.value for e in at.exception]
    assert any(fragment in e.value for e in at.error), [e.value for e in at.error]
    assert any(h.value == "CSV export and import" for h in at.subheader)


def test_review_leaves_another_programs_database_untouched(db) -> None:
    _foreign(db)
    before = db.read_bytes()
    at = app_test(PAGE)
    assert not at.exception
    assert db.read_bytes() == before
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert [r[0] for r in raw.execute("SELECT name FROM sqlite_master")] == ["users"]
    raw.close()


def test_imported_notes_and_texts_are_not_rendered_as_markdown(db) -> None:
    pixel = "![seen](http://127.0.0.1:9/pixel.png)"
    with Journal(db) as j:
        pid = j.save_plan(plan(thesis=pixel))
        j.amend(pid, {"thesis": pixel + " again"}, f"because {pixel}", at="2024-01-02")
        j.record_outcome(pid, Outcome([(96.0, 1.0)], "stop", notes=pixel, closed_at="2024-01-03"))
    at = app_test(PAGE)
    assert not at.exception
    markdown = [m.value for m in at.markdown]
    assert markdown and not any("![seen](" in m for m in markdown), markdown
    tables = at.table[0].value.to_string()
    assert "![seen](" not in tables
    assert any(pixel in t.value for t in at.text)  # the note itself, as typed
