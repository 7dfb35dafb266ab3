"""Review page under the inputs that crashed it (issue 15): filters that match no plan, storage
faults, another program's SQLite file, notes that are Markdown."""

from __future__ import annotations

import pytest

from risk.journal.plan import Plan
from risk.journal.store import Journal
from ui.testing import app_test

PAGE = "pages/review.py"


def plan(symbol: str = "BTCUSDT") -> Plan:
    return Plan(
        symbol=symbol,
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
