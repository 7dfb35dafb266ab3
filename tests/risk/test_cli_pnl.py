"""``python -m risk pnl``: PnL/ROE at an exit and the target price for an ROE. Expected numbers
come from the Binance calculator's formulas (FAQ "How to Use Binance Futures Calculator",
360036498511) evaluated here, not from the library."""

from __future__ import annotations

import json

import pytest

from risk.cli import main

BASE = ["pnl", "--side", "long", "--entry", "50000", "--quantity", "0.1", "--leverage", "10"]


def run(capsys, argv: list[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code)
    out, err = capsys.readouterr()
    return code, out, err


def as_json(capsys, argv: list[str]) -> dict:
    code, out, err = run(capsys, [*argv, "--json"])
    assert code == 0 and err == ""
    return json.loads(out)


def test_linear_exit_with_fees(capsys) -> None:
    # PnL = (55,000 - 50,000) x 0.1 = 500; IM = 5,000/10 = 500; ROE 100%. Fees 0.05%: 2.5 + 2.75.
    d = as_json(capsys, [*BASE, "--exit", "55000", "--taker-fee", "0.0005"])
    assert d["pnl"] == pytest.approx(500)
    assert d["initial_margin"] == pytest.approx(500)
    assert d["roe"] == pytest.approx(1.0)
    assert d["open_fee"] == pytest.approx(2.5) and d["close_fee"] == pytest.approx(2.75)
    assert d["pnl_after_fees"] == pytest.approx(494.75)
    assert d["roe_after_fees"] == pytest.approx(494.75 / 500)
    assert d["margin_currency"] == "quote"
    assert "target_price" not in d


def test_binance_target_price_formulas(capsys) -> None:
    # Long target = EP x (ROE / leverage + 1); short target = EP x (1 - ROE / leverage).
    d = as_json(capsys, [*BASE, "--roe", "0.5"])
    assert d["target_price"] == pytest.approx(50_000 * (0.5 / 10 + 1), rel=1e-12)
    short = ["pnl", "--side", "short", "--entry", "50000", "--quantity", "0.1", "--leverage", "10"]
    d = as_json(capsys, [*short, "--roe", "0.5"])
    assert d["target_price"] == pytest.approx(50_000 * (1 - 0.5 / 10), rel=1e-12)
    # after fees f: side*Q*(P - EP) - Q*EP*f - Q*P*f = r*M -> long P = (r*M/Q + EP*(1+f))/(1-f)
    d = as_json(capsys, [*BASE, "--roe", "0.5", "--taker-fee", "0.0005"])
    assert d["target_price_after_fees"] == pytest.approx(
        (0.5 * 500 / 0.1 + 50_000 * 1.0005) / 0.9995, rel=1e-12
    )


def test_inverse_exit_and_target(capsys) -> None:
    # COIN-M: 100 contracts x 100 USD (default BTC size) short @ 25,000, 20x; exit 24,000.
    # PnL = -10,000 x (1/25,000 - 1/24,000) BTC; ROE = side x (1 - EP/exit) x leverage;
    # target for ROE 1: side x EP / (side - ROE/leverage) = -25,000 / (-1 - 0.05).
    argv = ["pnl", "--side", "short", "--entry", "25000", "--quantity", "100", "--leverage", "20",
            "--contract", "inverse", "--exit", "24000", "--roe", "1"]  # fmt: skip
    d = as_json(capsys, argv)
    assert d["pnl"] == pytest.approx(-10_000 * (1 / 25_000 - 1 / 24_000), rel=1e-12)
    assert d["roe"] == pytest.approx(-(1 - 25_000 / 24_000) * 20, rel=1e-12)
    assert d["target_price"] == pytest.approx(-25_000 / (-1 - 1 / 20), rel=1e-12)
    assert d["margin_currency"] == "coin"
    assert d["initial_margin"] == pytest.approx(10_000 / 25_000 / 20)


def test_unreachable_target_is_null(capsys) -> None:
    # A long inverse position's ROE is capped at the leverage (exit -> infinity): ROE 30 at 20x
    # has no price.
    argv = ["pnl", "--side", "long", "--entry", "25000", "--quantity", "100", "--leverage", "20",
            "--contract", "inverse", "--roe", "30"]  # fmt: skip
    assert as_json(capsys, argv)["target_price"] is None


def test_table_output(capsys) -> None:
    code, out, _ = run(capsys, [*BASE, "--exit", "45000", "--roe", "-0.5"])
    assert code == 0
    rows = {k.strip(): v.strip() for k, v in (ln.split("  ", 1) for ln in out.splitlines())}
    assert rows["PnL"] == "-500 quote"
    assert rows["ROE"] == "-100.0000%"
    assert rows["target price for ROE -50.00%"] == "47,500"


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (BASE, "--exit and --roe both missing"),
        ([*BASE, "--exit", "0"], "exit_price=0 is out of range"),
        ([*BASE, "--roe", "-2"], "roe=-2 is out of range; allowed: -1 <= roe"),
        ([*BASE, "--exit", "100", "--taker-fee", "0.5"], "taker_fee=0.5 is out of range"),
        (
            [
                "pnl",
                "--side",
                "long",
                "--entry",
                "1",
                "--quantity",
                "1",
                "--leverage",
                "0.5",
                "--exit",
                "2",
            ],
            "leverage=0.5 is out of range",
        ),
        ([*BASE, "--exit", "abc"], "invalid float value"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv, needle) -> None:
    code, out, err = run(capsys, argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and needle in err
