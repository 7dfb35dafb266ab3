"""``python -m risk calibrate`` on the shipped BTC history (the issue's done-when), its table,
its errors; the shipped history's integrity; the calibrated model."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from risk.calibration import CALIBRATED_MODEL, calibrated_model
from risk.cli import main
from risk.history import history_info, history_names, load_history
from risk.odds import highest_leverage_below


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_default_model_is_inside_the_interval_and_beats_gbm_preset_on_btc(capsys) -> None:
    code, out, _ = run(
        capsys,
        "calibrate",
        "--horizons",
        "1d",
        "--leverage",
        "10,15,20,25",
        "--models",
        f"gbm-preset,{CALIBRATED_MODEL}",
        "--json",
    )
    assert code == 0
    cells = json.loads(out)
    assert [c["leverage"] for c in cells] == [10, 15, 20, 25]
    for c in cells:
        p = c["predicted"][CALIBRATED_MODEL]
        assert c["observed_lo"] <= p <= c["observed_hi"], c
        assert c["brier"][CALIBRATED_MODEL] < c["brier"]["gbm-preset"], c
        # the old default is far below what happened (the issue: 0.03% shown at 10x, ~6% real)
        assert c["predicted"]["gbm-preset"] < c["observed_lo"]
        assert c["right_and_liquidated"] <= c["observed"]


def test_table_names_every_model_and_the_best(capsys) -> None:
    code, out, _ = run(
        capsys,
        "calibrate",
        "--horizons",
        "8h",
        "--leverage",
        "20,50",
        "--models",
        "gbm-preset,gbm-ewma,t-ewma",
    )
    assert code == 0
    assert "long, horizon 8h" in out and "95% interval" in out and "right+liq" in out
    assert "Brier / log loss" in out and "Reliability" in out
    assert "Best model by Brier score" in out
    assert "Coinbase BTC-USD" in out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--horizons", "soon"], "horizon='soon'"),
        (["--horizons", "30m"], "not a whole number"),
        (["--leverage", "300"], "leverage=300"),
        (["--csv", "/nonexistent/file.csv"], "cannot be read"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv: list[str], fragment: str) -> None:
    code, out, err = run(capsys, "calibrate", "--models", "gbm-preset", *argv)
    assert code == 2 and out == ""
    assert fragment in err and err.count("\n") == 1


def test_shipped_history_is_complete_and_documented() -> None:
    btc = load_history("btc-1h")
    step = np.diff(btc.index.asi8)
    assert len(btc) == 20_111 and np.all(step == step[0])
    assert btc.index[0].year == 2017 and btc.index[-1].year == 2019
    assert (btc["low"] <= btc[["open", "close"]].min(axis=1)).all()
    assert (btc["high"] >= btc[["open", "close"]].max(axis=1)).all()
    for name in history_names():
        info = history_info(name)
        assert info.source and info.licence and info.as_of
        assert len(load_history(name)) > 100


def test_calibrated_model_keeps_the_volatility_and_the_fat_tails() -> None:
    m = calibrated_model(0.6)
    r = m.returns
    assert m.kind == "bootstrap" and m.interval_days == pytest.approx(1 / 24)
    assert float(np.std(r)) * math.sqrt(24 * 365) == pytest.approx(0.6, rel=1e-9)
    z = (r - r.mean()) / r.std()
    assert float(np.mean(z**4)) - 3 > 1.0  # fatter than normal after the EWMA filter


def test_highest_leverage_below() -> None:
    lev = np.array([1.0, 2.0, 3.0, 4.0])
    assert highest_leverage_below(lev, [0.0, 0.01, 0.06, 0.2], 0.05) == 2.0
    assert highest_leverage_below(lev, [0.0, 0.01, 0.06, 0.02], 0.05) == 2.0  # noise after
    assert math.isnan(highest_leverage_below(lev, [0.1, 0.2, 0.3, 0.4], 0.05))
    assert highest_leverage_below(lev, [0.0, 0.0, 0.0, 0.0], 0.05) == 4.0
    with pytest.raises(ValueError, match=r"target=1\.5"):
        highest_leverage_below(lev, [0.0] * 4, 1.5)
