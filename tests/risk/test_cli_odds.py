"""``python -m risk odds``: JSON contract, table, and exit status 2 with one stderr line.

Most calls go through ``risk.cli.main`` in-process; one runs the real module in a subprocess the
way other tools do. Expected numbers are re-derived here from formulas.md sections 6 and 8.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import risk
from risk.cli import main

ROOT = Path(risk.__file__).parent.parent
BASE = ["odds", "--side", "long", "--leverage", "5,10,20,50,100", "--vol", "0.6"]


def phi(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_closed_form_matches_reflection_principle(capsys) -> None:
    code, out, err = run(capsys, *BASE, "--horizon-days", "1", "--json")
    assert code == 0 and err == ""
    recs = json.loads(out)
    assert [r["leverage"] for r in recs] == [5, 10, 20, 50, 100]
    for r in recs:
        lev = r["leverage"]
        ratio = (1 - 1 / lev) / (1 - 0.004)  # generic flat-rate LP, isolated long
        b = math.log(ratio)
        sd = 0.6 * math.sqrt(1 / 365)
        assert r["liquidation_price_frac"] == pytest.approx(ratio, rel=1e-12)
        assert r["p_liquidation"] == pytest.approx(2 * phi(b / sd), abs=1e-12)
        assert r["p_right_but_liquidated"] == pytest.approx(phi(2 * b / sd), abs=1e-12)
        assert "stderr" not in r and "p_stop_first" not in r
        if r["p_liquidation"] < 0.5:
            assert r["median_days_to_liquidation"] is None
        else:  # 2 Phi(b / (sigma sqrt t)) = 1/2
            t = (b / (0.6 * -0.6744897501960817)) ** 2 * 365
            assert r["median_days_to_liquidation"] == pytest.approx(t, rel=1e-9)


def test_json_monte_carlo_has_stderr_and_stop(capsys) -> None:
    code, out, _ = run(
        capsys,
        *BASE,
        "--method",
        "monte-carlo",
        "--paths",
        "4000",
        "--steps",
        "96",
        "--seed",
        "3",
        "--stop-frac",
        "0.01",
        "--json",
    )
    assert code == 0
    recs = json.loads(out)
    for r in recs:
        assert {
            "leverage",
            "p_liquidation",
            "p_right_but_liquidated",
            "p_stop_first",
            "median_days_to_liquidation",
            "stderr",
        } <= set(r)
        p = r["p_liquidation"]
        assert r["stderr"] == pytest.approx(math.sqrt(p * (1 - p) / 4000), rel=1e-12)
    assert recs[-1]["p_stop_first"] == 0.0  # 100x: the LP (0.6%) is nearer than the 1% stop
    assert recs[0]["p_stop_first"] > 0.5
    _, again, _ = run(
        capsys,
        *BASE,
        "--method",
        "monte-carlo",
        "--paths",
        "4000",
        "--steps",
        "96",
        "--seed",
        "3",
        "--stop-frac",
        "0.01",
        "--json",
    )
    assert again == out  # seeded


def test_short_and_drift(capsys) -> None:
    code, out, _ = run(
        capsys,
        "odds",
        "--side",
        "short",
        "--leverage",
        "20",
        "--vol",
        "0.8",
        "--horizon-days",
        "7",
        "--drift",
        "-0.5",
        "--mmr",
        "0.01",
        "--json",
    )
    assert code == 0
    r = json.loads(out)[0]
    ratio = (1 + 1 / 20) / (1 + 0.01)
    b, t, s, mu = -math.log(ratio), 7 / 365, 0.8, 0.5  # the short's adverse drift is -(-0.5)
    want = phi((b - mu * t) / (s * math.sqrt(t))) + math.exp(2 * mu * b / s**2) * phi(
        (b + mu * t) / (s * math.sqrt(t))
    )
    assert r["p_liquidation"] == pytest.approx(want, abs=1e-12)


def test_table_has_a_row_per_leverage(capsys) -> None:
    code, out, _ = run(capsys, *BASE, "--stop-frac", "0.02")
    assert code == 0
    lines = out.strip().splitlines()
    assert "closed form" in lines[0] and "P(stop 2.00% first)" in lines[1]
    assert [ln.split()[0] for ln in lines[2:]] == ["5x", "10x", "20x", "50x", "100x"]


def test_bootstrap_from_csv(tmp_path: Path, capsys) -> None:
    idx = pd.date_range("2024-01-01", periods=400, freq="h")
    price = [100 * (1 + 0.01 * math.sin(i / 3) + 0.0005 * i) for i in range(400)]
    path = tmp_path / "p.csv"
    pd.DataFrame({"timestamp": idx, "close": price}).to_csv(path, index=False)
    code, out, _ = run(
        capsys,
        "odds",
        "--side",
        "long",
        "--leverage",
        "10,50",
        "--model",
        "bootstrap",
        "--csv",
        str(path),
        "--paths",
        "500",
        "--seed",
        "1",
        "--json",
    )
    assert code == 0
    recs = json.loads(out)
    assert len(recs) == 2 and "stderr" in recs[0]


def bad_csv(tmp_path: Path) -> str:
    path = tmp_path / "bad.csv"
    rows = [f"2024-01-01 {h:02d}:00,{100 + h}" for h in range(24)] * 3
    path.write_text("timestamp,close\n" + "\n".join(rows) + "\n")
    return str(path)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ([*BASE, "--model", "student-t", "--method", "closed-form"], "'gbm' only"),
        ([*BASE, "--model", "jump", "--method", "closed-form"], "'gbm' only"),
        (["odds", "--side", "long", "--leverage", "5,300", "--vol", "0.6"], "leverage=300"),
        (["odds", "--side", "long", "--leverage", "5,x", "--vol", "0.6"], "--leverage"),
        (["odds", "--side", "long", "--leverage", "5"], "--vol is missing"),
        ([*BASE, "--horizon-days", "120"], "horizon_days=120"),
        ([*BASE, "--vol", "-1"], "vol_annual=-1"),
        ([*BASE, "--model", "student-t", "--df", "1.5"], "df=1.5"),
        ([*BASE, "--model", "bootstrap"], "--csv is missing"),
        ([*BASE, "--csv", "x.csv"], "only with bootstrap"),
        ([*BASE, "--side", "sideways"], "--side"),
        ([*BASE, "--paths", "5", "--method", "monte-carlo"], "n_paths=5"),
        ([*BASE, "--stop-frac", "2"], "stop_frac=2"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, args: list[str], fragment: str) -> None:
    try:
        code = main(args)
    except SystemExit as exc:  # argparse errors
        code = exc.code
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and fragment in err, err


def test_bad_csv_names_the_row(tmp_path: Path, capsys) -> None:
    code, _, err = run(
        capsys,
        "odds",
        "--side",
        "long",
        "--leverage",
        "10",
        "--model",
        "bootstrap",
        "--csv",
        bad_csv(tmp_path),
    )
    assert code == 2 and err.count("\n") == 1
    assert "column 'timestamp', row 25" in err and "earlier than" in err


def test_subprocess_json_contract() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "risk",
            "odds",
            "--side",
            "long",
            "--leverage",
            "10,50",
            "--vol",
            "0.6",
            "--model",
            "jump",
            "--paths",
            "2000",
            "--steps",
            "48",
            "--seed",
            "2",
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    recs = json.loads(proc.stdout)
    assert [r["leverage"] for r in recs] == [10, 50]
    assert all(0 <= r["p_liquidation"] <= 1 and r["stderr"] >= 0 for r in recs)
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "risk",
            "odds",
            "--side",
            "long",
            "--leverage",
            "10",
            "--vol",
            "0.6",
            "--model",
            "bootstrap",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and "--csv" in bad.stderr


@pytest.mark.parametrize(
    ("horizon_days", "words"),
    [
        ("1", "horizon 1 day,"),
        ("7", "horizon 7 days,"),
        ("0.25", "horizon 6 hours,"),
        (str(1 / 24), "horizon 1 hour,"),
        (str(15 / 1440), "horizon 15 minutes,"),
    ],
)
def test_table_names_the_horizon_in_words(capsys, horizon_days: str, words: str) -> None:
    code, out, _ = run(capsys, "odds", "--side", "long", "--leverage", "50", "--vol", "0.6",
                       "--horizon-days", horizon_days)  # fmt: skip
    assert code == 0
    assert words in out.splitlines()[0]


def test_a_reader_that_stops_early_is_not_a_traceback() -> None:
    # `python -m risk odds ... | head -1`: the pipe closes before the table is written.
    proc = subprocess.Popen(
        [sys.executable, "-m", "risk", "odds", "--side", "long", "--vol", "0.6", "--leverage",
         ",".join(str(x) for x in range(1, 126))],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in err


def test_max_leverage_for_matches_the_closed_form_under_gbm(capsys) -> None:
    from risk.odds import gbm_hit_probability, liquidation_barriers

    code = main(["odds", "--max-leverage-for", "0.05", "--model", "gbm", "--vol", "0.8", "--json"])
    rec = json.loads(capsys.readouterr().out)
    assert code == 0 and rec["side"] == "long" and rec["model"] == "gbm"
    lev = rec["max_leverage"]
    _, b = liquidation_barriers("long", [lev, lev + 1])
    exact = gbm_hit_probability(b, 1 / 365, 0.8)
    se = (0.05 * 0.95 / 20_000) ** 0.5
    assert exact[0] < 0.05 + 3 * se and exact[1] > 0.05 - 3 * se
    assert lev == int(lev)


def test_max_leverage_for_defaults_to_the_calibrated_model_and_lower_targets_cut_it(capsys):
    main(["odds", "--max-leverage-for", "0.05", "--json"])
    five = json.loads(capsys.readouterr().out)
    main(["odds", "--max-leverage-for", "0.01", "--json"])
    one = json.loads(capsys.readouterr().out)
    assert five["model"] == one["model"] == "history"
    assert one["max_leverage"] < five["max_leverage"]
    assert one["p_at_max"] < 0.01 <= one["p_next"]


def test_odds_without_side_or_leverage_still_fails_cleanly(capsys) -> None:
    assert main(["odds", "--leverage", "10", "--vol", "0.5"]) == 2
    assert "--side is missing" in capsys.readouterr().err
    assert main(["odds", "--max-leverage-for", "1.5"]) == 2
    assert "target=1.5" in capsys.readouterr().err


def test_the_history_model_gives_odds_like_the_library(capsys) -> None:
    from risk.odds import liquidation_odds

    code = main(
        [
            "odds",
            "--side",
            "long",
            "--leverage",
            "10,50",
            "--vol",
            "0.6",
            "--model",
            "history",
            "--seed",
            "3",
            "--paths",
            "5000",
            "--json",
        ]
    )
    recs = json.loads(capsys.readouterr().out)
    want = liquidation_odds(
        "long", [10, 50], 0.6, 1.0, model="history", seed=3, n_paths=5000, keep_roi=False
    )
    assert code == 0
    assert [r["p_liquidation"] for r in recs] == pytest.approx(list(want.p_liquidation))
