"""``python -m risk odds --vol-now ewma|garch``: the volatility now from a price CSV, the
market-data cache or the shipped history replaces ``--vol``; the odds are GBM's closed form at
that volatility (re-derived here from the reflection principle); files too short for the
estimator, conflicting options and an empty cache exit 2 with one line."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from risk.cli import main
from risk.history import load_history
from tests.risk.test_vol_sources import ewma_annual_by_hand, hourly_rows, save, write_csv

ODDS = ["odds", "--side", "long", "--leverage", "10,20,50"]


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def phi(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def gbm_p_long(lev: float, vol: float, days: float, mmr: float = 0.004) -> float:
    b = math.log((1 - 1 / lev) / (1 - mmr))
    return 2 * phi(b / (vol * math.sqrt(days / 365)))


def test_ewma_from_the_users_csv_sets_the_volatility_of_the_odds(capsys, tmp_path) -> None:
    rows = hourly_rows(500, seed=4)
    path = tmp_path / "prices.csv"
    write_csv(path, rows)
    code, out, err = run(capsys, *ODDS, "--vol-now", "ewma", "--csv", str(path), "--json")
    assert code == 0 and err == ""
    vol = ewma_annual_by_hand([r[4] for r in rows], 72.0, 24 * 365)
    for rec in json.loads(out):
        assert rec["vol_annual"] == pytest.approx(vol, rel=1e-9)
        assert rec["p_liquidation"] == pytest.approx(gbm_p_long(rec["leverage"], vol, 1.0))
        assert "from your price file" in rec["vol_source"]
    code, out, _ = run(capsys, *ODDS, "--vol-now", "ewma", "--csv", str(path))
    assert code == 0 and f"vol {vol:.0%} a year" in out
    assert "Volatility now: EWMA (half-life 3 days) of 499 1h returns" in out


def test_garch_from_the_market_cache_is_its_forecast_over_the_horizon(capsys, market_dir) -> None:
    from arch import arch_model

    rows = hourly_rows(600, seed=5)
    save("BTCUSDT", {"1h": rows})
    code, out, _ = run(
        capsys, *ODDS, "--vol-now", "garch", "--exchange", "binance", "--horizon-days", "0.5",
        "--json",
    )  # fmt: skip
    assert code == 0
    r = pd.Series([x[4] for x in rows]).pipe(lambda c: (c / c.shift()).apply(math.log)).dropna()
    res = arch_model(r.to_numpy() * 100, mean="Zero").fit(disp="off")
    var = res.forecast(horizon=12).variance.to_numpy()[-1] / 1e4
    vol = math.sqrt(var.mean() * 24 * 365)
    rec = json.loads(out)[0]
    assert rec["vol_annual"] == pytest.approx(vol, rel=1e-4)
    assert rec["p_liquidation"] == pytest.approx(gbm_p_long(10.0, vol, 0.5), rel=1e-3)
    assert "market-data cache: binance BTCUSDT 1h" in rec["vol_source"]


def test_shipped_history_is_the_default_source_and_feeds_max_leverage(capsys) -> None:
    closes = load_history("eth-1h-2025")["close"].to_numpy()
    vol = ewma_annual_by_hand(closes, 72.0, 24 * 365)
    code, out, _ = run(
        capsys, "odds", "--max-leverage-for", "0.05", "--vol-now", "ewma", "--history",
        "eth-1h-2025", "--model", "gbm", "--paths", "80000", "--json",
    )  # fmt: skip
    assert code == 0
    rec = json.loads(out)
    assert rec["vol_annual"] == pytest.approx(vol, rel=1e-9)
    assert "ETH hourly, Binance ETHUSDT perpetual" in rec["vol_source"]
    # the highest whole leverage below 5% at that volatility, by the closed form (14x: 4.6%,
    # 15x: 6.4%; 80,000 paths put 5 standard errors between 14x and the target)
    lev = max(n for n in range(2, 126) if gbm_p_long(n, vol, 1.0) < 0.05)
    assert rec["max_leverage"] == lev
    btc = ewma_annual_by_hand(load_history("btc-1h-2025")["close"].to_numpy(), 72.0, 24 * 365)
    code, out, _ = run(capsys, *ODDS, "--vol-now", "ewma")
    assert code == 0 and "BTC hourly, Binance BTCUSDT perpetual, 2025" in out
    assert f"vol {btc:.0%} a year" in out


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--vol-now", "ewma", "--csv", "SHORT"], "at least 216 for EWMA"),
        (["--vol-now", "garch", "--csv", "SHORT"], "at least 250 for a GARCH(1,1)"),
        (["--vol-now", "ewma", "--vol", "0.5"], "--vol=0.5 and --vol-now=ewma"),
        (["--vol-now", "ewma", "--exchange", "binance"], "market refresh --exchange binance"),
        (["--vol-now", "ewma", "--symbol", "BTCUSDT"], "--symbol=BTCUSDT without --exchange"),
        (["--vol", "0.5", "--history", "btc-1h"], "--history given without --vol-now"),
        (
            ["--vol-now", "ewma", "--exchange", "binance", "--history", "btc-1h"],
            "one source for --vol-now",
        ),
    ],
)
def test_bad_vol_now_input_exits_2_with_one_line(
    capsys, tmp_path, market_dir, extra: list[str], fragment: str
) -> None:
    short = tmp_path / "short.csv"
    write_csv(short, hourly_rows(200))  # 8.3 days of hours: under EWMA's 9 and GARCH's 250
    argv = [str(short) if a == "SHORT" else a for a in extra]
    code, out, err = run(capsys, *ODDS, *argv)
    assert code == 2 and out == ""
    assert fragment in err and err.count("\n") == 1
