"""``python -m risk entry``: average entry of several fills, run as other tools run it (one
subprocess for the contract) and in-process for the figures. Worked examples from Bybit help
"How to Calculate Average Entry Price"."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import risk
from risk.cli import main

ROOT = Path(risk.__file__).parent.parent


def run(capsys, argv: list[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code)
    out, err = capsys.readouterr()
    return code, out, err


def test_bybit_linear_example(capsys) -> None:
    # 1 BTC at 10,000 and 2 BTC at 13,000 -> 12,000; total value 36,000 USDT.
    code, out, _ = run(capsys, ["entry", "--fill", "10000:1", "--fill", "13000:2", "--json"])
    d = json.loads(out)
    assert code == 0
    assert d["average_entry_price"] == pytest.approx(12_000)
    assert d["total_quantity"] == pytest.approx(3)
    assert d["total_value"] == pytest.approx(36_000)
    assert d["contract"] == "linear"
    assert d["fills"] == [{"price": 10_000, "quantity": 1}, {"price": 13_000, "quantity": 2}]


def test_bybit_inverse_example(capsys) -> None:
    # 50 contracts at 10,000 and 50 at 15,000: 100 / 0.00833333 BTC = 12,000.
    argv = ["entry", "--contract", "inverse", "--fill", "10000:50", "--fill", "15000:50", "--json"]
    d = json.loads(run(capsys, argv)[1])
    assert d["average_entry_price"] == pytest.approx(12_000)
    assert d["total_value"] == pytest.approx(50 / 10_000 + 50 / 15_000)
    assert d["value_unit"] == "coin"


def test_table_output(capsys) -> None:
    _, out, _ = run(capsys, ["entry", "--fill", "50,000:0.5", "--fill", "51000:0.8"])
    assert out.splitlines()[-1].startswith("average entry  50,615.385")


def test_subprocess_contract() -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "risk", "entry", "--fill", "100:1", "--fill", "200:3", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert ok.returncode == 0 and ok.stderr == ""
    assert json.loads(ok.stdout)["average_entry_price"] == pytest.approx(700 / 4)
    bad = subprocess.run(
        [sys.executable, "-m", "risk", "entry", "--fill", "100:0"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and "fill quantity=0 is out of range" in bad.stderr


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["entry"], "the following arguments are required: --fill"),
        (["entry", "--fill", "100"], "fill='100' is not PRICE:QTY"),
        (["entry", "--fill", "x:1"], "fill='x:1' is not PRICE:QTY"),
        (["entry", "--fill=-5:1"], "fill price=-5 is out of range"),
        (["entry", "--fill", "5:1", "--contract", "spot"], "invalid choice"),
        (["entry", "--fill", "5:1", "--contract-size", "0"], "contract_size=0 is out of range"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv, needle) -> None:
    code, out, err = run(capsys, argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and needle in err
