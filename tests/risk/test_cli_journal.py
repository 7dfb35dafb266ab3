"""``python -m risk journal {export,import}``: exit codes, stdout, stderr, nothing written on a
refused import."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

import risk
from risk.cli import main
from risk.journal.csvio import CSV_COLUMNS
from risk.journal.plan import Outcome, Plan
from risk.journal.store import Journal

ROOT = Path(risk.__file__).resolve().parent.parent


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def plan(**kw) -> Plan:
    base = dict(
        symbol="BTCUSDT",
        side="long",
        entry=100.0,
        stop=95.0,
        targets=[(110.0, 0.5), (120.0, 0.5)],
        what_proves_me_wrong="below 95",
        max_loss_frac=0.01,
        equity=10_000.0,
        created_at="2024-05-01T12:00:00Z",
    )
    base.update(kw)
    return Plan(**base)


def good_row(**kw: str) -> dict[str, str]:
    r = dict.fromkeys(CSV_COLUMNS, "")
    r.update(
        symbol="ETHUSDT",
        side="short",
        entry="50",
        stop="52",
        targets="45:1",
        what_proves_me_wrong="reclaims 52",
        max_loss_frac="0.02",
        equity="5000",
    )
    r.update(kw)
    return r


def csv_file(path: Path, rows: list[dict[str, str]]) -> Path:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_export_then_import_into_another_db(capsys, tmp_path) -> None:
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    with Journal(a) as j:
        pid = j.save_plan(plan())
        j.amend(pid, {"stop": 96.0}, "tighter")
        j.record_outcome(pid, Outcome([(110, 1)], "target", closed_at="2024-05-02"))
        j.save_plan(plan(symbol="SOLUSDT"))
    out_csv = tmp_path / "out.csv"
    code, out, err = run(capsys, "journal", "export", "--db", str(a), "--csv", str(out_csv))
    assert (code, err) == (0, "")
    assert out.startswith("exported 2 plan(s)")
    code, out, err = run(capsys, "journal", "import", "--db", str(b), "--csv", str(out_csv))
    assert (code, err) == (0, "")
    assert out.startswith("imported 2 plan(s)")
    with Journal(b) as j:
        h = j.history(pid)
        assert (h.planned.stop, h.amended.stop, h.outcome.exit_reason) == (95.0, 96.0, "target")
        assert j.count() == 2
    again = tmp_path / "again.csv"
    assert run(capsys, "journal", "export", "--db", str(b), "--csv", str(again))[0] == 0
    assert again.read_bytes() == out_csv.read_bytes()


def test_refused_import_exits_2_names_each_row_and_writes_nothing(capsys, tmp_path) -> None:
    db = tmp_path / "j.db"
    with Journal(db) as j:
        j.save_plan(plan())
    src = csv_file(
        tmp_path / "in.csv",
        [
            good_row(),
            good_row(stop=""),  # row 2: missing stop
            good_row(stop="49"),  # row 3: a short's stop below the entry
            good_row(),
            good_row(entry="fifty", side="sideways"),  # row 5: two bad fields
        ],
    )
    code, out, err = run(capsys, "journal", "import", "--db", str(db), "--csv", str(src))
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines[0].startswith("python -m risk journal import: error: import of ")
    assert "refused, nothing written: 4 problem(s) in 3 row(s) (row 2, row 3, row 5)" in lines[0]
    assert lines[1:] == [
        "  row 2 (line 3), field stop: stop is missing; allowed: a value (required)",
        "  row 3 (line 4), field stop: stop=49 is not above the entry 50 of a short; "
        "allowed: stop > 50",
        "  row 5 (line 6), field side: side='sideways' is not known; allowed: long, short",
        "  row 5 (line 6), field entry: entry='fifty' is not a number; allowed: a finite number",
    ]
    with Journal(db) as j:
        assert [p.symbol for p in j.plans()] == ["BTCUSDT"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["import", "--csv", "{tmp}/missing.csv"], "does not exist"),
        (["export", "--csv", "{tmp}/no/such/dir/out.csv"], "No such file or directory"),
        # (import reads and checks the CSV before opening the journal; export opens it first)
        (["export", "--db", "{tmp}/notdb.txt", "--csv", "{tmp}/out.csv"], "--db="),
    ],
)
def test_other_errors_exit_2_with_one_line(capsys, tmp_path, monkeypatch, args, fragment) -> None:
    monkeypatch.setenv("LEVERAGE_LAB_DB", str(tmp_path / "env.db"))
    (tmp_path / "notdb.txt").write_text("not a database, just text " * 10)
    code, out, err = run(capsys, "journal", *[a.format(tmp=tmp_path) for a in args])
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("python -m risk journal: error: ")
    assert fragment in err


def test_db_defaults_to_the_env_var(capsys, tmp_path, monkeypatch) -> None:
    db = tmp_path / "env.db"
    monkeypatch.setenv("LEVERAGE_LAB_DB", str(db))
    with Journal(db) as j:
        j.save_plan(plan())
    out_csv = tmp_path / "o.csv"
    code, out, _ = run(capsys, "journal", "export", "--csv", str(out_csv))
    assert code == 0 and str(db) in out
    assert len(out_csv.read_text().splitlines()) == 2  # header + the plan


def test_usage_errors(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["journal"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["journal", "import", "--db", "x.db"])  # --csv is required
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--csv" in err and len(err.splitlines()) == 2  # one line per failed call


def test_module_runs_as_a_subprocess(tmp_path) -> None:
    src = csv_file(tmp_path / "in.csv", [good_row(), good_row(side="up")])
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LEVERAGE_LAB_DB": str(tmp_path / "j.db")}
    cmd = [sys.executable, "-m", "risk", "journal", "import", "--csv", str(src)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines()[1] == (
        "  row 2 (line 3), field side: side='up' is not known; allowed: long, short"
    )
    csv_file(src, [good_row(), good_row(symbol="XRP")])
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("imported 2 plan(s)")
