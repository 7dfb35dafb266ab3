"""Inputs that gave NaN, nonsense or extra stderr lines from the command line (issue 15): each is
now exit 2 with exactly one line on stderr, or a refusal of the price file naming the row."""

from __future__ import annotations

import math

import numpy as np
import pytest

from risk.cli import main
from risk.paths import MAX_FILE_VOL_ANNUAL, load_price_csv


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_refusal(code: int, out: str, err: str, fragment: str) -> None:
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1, err
    assert fragment in err


def test_a_vanishing_volatility_is_refused_not_nan(capsys) -> None:
    res = run(capsys, "odds", "--side", "long", "--leverage", "10", "--vol", "1e-200", "--json")
    one_line_refusal(*res, "vol_annual=1e-200 is out of range; allowed: 0.0001 <= vol_annual")


def test_the_lowest_volatility_still_gives_numbers(capsys) -> None:
    code, out, err = run(capsys, "odds", "--side", "long", "--leverage", "10", "--vol", "1e-4")
    assert code == 0 and err == "" and "nan" not in out.lower()


def test_a_maintenance_amount_above_notional_times_mmr_is_refused(capsys) -> None:
    base = ["liq", "--exchange", "generic", "--side", "long", "--entry", "100", "--quantity", "1"]
    res = run(capsys, *base, "--leverage", "10", "--mmr", "0.01", "--maintenance-amount", "5")
    one_line_refusal(*res, "--maintenance-amount=5 is above notional x mmr = 100 x 0.01 = 1")
    # within it: a liquidation price between the entry and the bankruptcy price
    code, out, err = run(
        capsys, *base, "--leverage", "10", "--mmr", "0.01", "--maintenance-amount", "0.5", "--json"
    )
    assert code == 0 and err == ""
    import json

    lp = json.loads(out)["liquidation_price"]
    assert 90 < lp < 100  # bankruptcy at 90


def test_numpy_and_pandas_warnings_never_join_the_error_line(capsys, monkeypatch) -> None:
    import warnings

    from risk import cli_odds

    def noisy(args):
        np.log(np.zeros(3))  # numpy: RuntimeWarning divide by zero
        warnings.warn("a parser hint", UserWarning, stacklevel=1)  # a pandas-style warning
        raise ValueError("vol_annual=1 is out of range; allowed: something")

    monkeypatch.setattr(cli_odds, "compute", noisy)
    with warnings.catch_warnings():
        warnings.simplefilter("always")  # as a plain `python -m risk` would show them
        res = run(capsys, "odds", "--side", "long", "--leverage", "10", "--vol", "1")
    one_line_refusal(*res, "vol_annual=1 is out of range")


# --- price files ---------------------------------------------------------------------------------
def price_csv(closes, highs=None, lows=None) -> bytes:
    lines = ["timestamp,open,high,low,close"]
    for k, c in enumerate(closes):
        h = highs[k] if highs is not None else c * 1.001
        lo = lows[k] if lows is not None else c * 0.999
        lines.append(f"{1_700_000_000 + 3600 * k},{c},{h},{lo},{c}")
    return ("\n".join(lines) + "\n").encode()


def calm(n: int = 60) -> list[float]:
    rng = np.random.default_rng(7)
    return list(100 * np.exp(np.cumsum(rng.normal(0, 0.005, n))))


def test_a_calm_file_loads() -> None:
    s = load_price_csv(price_csv(calm()))
    assert len(s) == 60 and math.isfinite(float(s.iloc[-1]))


def test_an_ohlc_row_with_high_below_low_is_refused() -> None:
    closes = calm()
    highs = [c * 1.001 for c in closes]
    lows = [c * 0.999 for c in closes]
    highs[9], lows[9] = closes[9] * 0.99, closes[9] * 1.01
    with pytest.raises(ValueError, match=r"column 'high', row 10 \(line 11 of the file\): high"):
        load_price_csv(price_csv(closes, highs, lows))


def test_an_absurd_volatility_is_refused() -> None:
    wild = [100.0 if k % 2 else 1_000.0 for k in range(60)]  # x10 every hour
    with pytest.raises(ValueError, match=r"a year .* allowed: at most 500% a year"):
        load_price_csv(price_csv(wild))
    assert MAX_FILE_VOL_ANNUAL == 5.0


def test_the_cli_refuses_an_absurd_price_file_in_one_line(capsys, tmp_path) -> None:
    path = tmp_path / "wild.csv"
    path.write_bytes(price_csv([100.0 if k % 2 else 1_000.0 for k in range(60)]))
    res = run(
        capsys, "odds", "--side", "long", "--leverage", "10", "--model", "bootstrap",
        "--csv", str(path),
    )  # fmt: skip
    one_line_refusal(*res, "allowed: at most 500% a year")


def test_a_call_loads_only_its_own_subcommand() -> None:
    """``liq`` does not import the simulation stack (pandas, risk.calibration): each CLI call in
    a script or a test costs one interpreter start, and the odds modules doubled it."""
    import subprocess
    import sys

    probe = (
        "import sys; from risk.cli import main; "
        "code = main(['liq', '--exchange', 'generic', '--side', 'long', '--entry', '100', "
        "'--quantity', '1', '--leverage', '10', '--mmr', '0.01', '--json']); "
        "print(code, sorted(m for m in ('pandas', 'risk.calibration', 'risk.odds') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "0 []"


def test_help_without_a_subcommand_lists_every_subcommand(capsys) -> None:
    from risk.cli import SUBCOMMANDS

    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert all(name in out for name in SUBCOMMANDS)
