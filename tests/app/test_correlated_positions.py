"""Correlated-positions page: the metrics and charts are risk.correlated's results for the same
input; bad matrices and wallets get a message and the page keeps working."""

from __future__ import annotations

import numpy as np

from risk.correlated import CrossPosition, account_liquidation_odds, correlation_presets
from risk.volatility import vol_presets
from ui.testing import app_test, chart_specs, shows

PAGE = "pages/correlated_positions.py"
NOTIONALS = (10_000.0, 6_000.0, 4_000.0, 3_000.0, 2_000.0)


def library(preset_name: str, wallet: float = 1_000.0, horizon_days: float = 1.0, paths=5_000):
    p = correlation_presets()[preset_name]
    vols = vol_presets()
    positions = [
        CrossPosition(a, "long", round(vols[v].vol_annual * 100, 1) / 100, notional=n, mmr=0.004)
        for a, v, n in zip(p.assets, p.vol_presets, NOTIONALS, strict=False)
    ]
    return account_liquidation_odds(
        positions, wallet, p.matrix, horizon_days, paths=paths, seed=0, sample_paths=40
    )


def check(at, res) -> None:
    shows(at, "Account liquidated", res.p_account)
    shows(at, "Guess: uncorrelated", res.p_uncorrelated)
    worst = int(np.argmax(res.p_alone))
    shows(at, f"Guess: {res.assets[worst]} alone", float(res.p_alone[worst]))
    shows(at, "Guess: any alone, independent", res.p_any_alone_independent)


def test_defaults_btc_eth_measured_preset() -> None:
    at = app_test(PAGE)
    assert not at.exception and not at.error
    first = next(iter(correlation_presets()))
    res = library(first)
    check(at, res)
    # The lesson: correlated longs in one account are liquidated far more often than the
    # uncorrelated guess says.
    assert res.p_account > 2 * res.p_uncorrelated
    assert at.metric[4].value == "16x"  # 16,000 of positions on a 1,000 wallet
    bars = chart_specs(at)[0]["data"][0]
    shown = np.asarray(bars["x"], dtype=float)
    assert shown[0] == res.p_account and shown[1] == res.p_uncorrelated
    assert np.allclose(shown[2:4], res.p_alone)


def test_three_asset_preset_and_longer_horizon() -> None:
    at = app_test(PAGE)
    name = "BTC + ETH + SOL (SOL figures assumed)"
    at.selectbox(key="cp_preset").set_value(name).run()
    at.select_slider(key="cp_horizon").set_value("3 days").run()
    assert not at.exception and not at.error
    assert [t.value for t in at.text_input][:3] == ["BTC", "ETH", "SOL"]
    p = correlation_presets()[name]
    vols = vol_presets()
    positions = [
        CrossPosition(a, "long", round(vols[v].vol_annual * 100, 1) / 100, notional=n, mmr=0.004)
        for a, v, n in zip(p.assets, p.vol_presets, NOTIONALS, strict=False)
    ]
    # 3 days are checked every 10 minutes (at most 576 checks per path).
    res = account_liquidation_odds(
        positions, 1_000.0, p.matrix, 3.0, paths=5_000, step_minutes=10.0, sample_paths=40
    )
    check(at, res)
    specs = chart_specs(at)
    sweep = next(t for t in specs[2]["data"] if t["name"] == "Account odds")
    x = np.asarray(sweep["x"], dtype=float)
    assert len(x) == 11 and x[0] == -0.5 and x[-1] == 1.0


def test_impossible_correlations_get_a_message_and_the_page_keeps_working() -> None:
    at = app_test(PAGE)
    at.selectbox(key="cp_preset").set_value("BTC + ETH + SOL (SOL figures assumed)").run()
    at.number_input(key="cp_rho02").set_value(-0.9).run()
    assert not at.exception
    assert len(at.error) == 1
    assert "not positive semi-definite" in at.error[0].value
    assert "(BTC/SOL)" in at.error[0].value or "(BTC/ETH)" in at.error[0].value
    assert not at.metric
    assert at.title[0].value == "Correlated positions"
    # Fix it and the numbers come back.
    at.number_input(key="cp_rho02").set_value(0.75).run()
    assert not at.error and len(at.metric) == 5


def test_wallet_below_the_maintenance_margin() -> None:
    at = app_test(PAGE)
    at.number_input(key="cp_wallet").set_value(50.0).run()
    assert not at.exception
    assert any("does not cover the maintenance margin 64" in e.value for e in at.error)


def test_custom_four_positions_with_a_short_hedge() -> None:
    at = app_test(PAGE)
    at.selectbox(key="cp_preset").set_value("Custom").run()
    at.number_input(key="cp_count").set_value(4).run()
    assert not at.exception and not at.error
    assert len(at.text_input) == 4
    # 4 positions: 6 pairs
    assert len([n for n in at.number_input if n.key.startswith("cp_rho")]) == 6
    at.segmented_control(key="cp_side1").set_value("short").run()
    assert not at.exception and not at.error
    assert len(at.metric) == 5


def test_seed_changes_the_paths_not_the_model() -> None:
    at = app_test(PAGE)
    at.number_input(key="cp_seed").set_value(7).run()
    assert not at.exception and not at.error
    first_preset = next(iter(correlation_presets()))
    p = correlation_presets()[first_preset]
    vols = vol_presets()
    positions = [
        CrossPosition(a, "long", round(vols[v].vol_annual * 100, 1) / 100, notional=n, mmr=0.004)
        for a, v, n in zip(p.assets, p.vol_presets, NOTIONALS, strict=False)
    ]
    res = account_liquidation_odds(positions, 1_000.0, p.matrix, 1.0, paths=5_000, seed=7)
    shows(at, "Account liquidated", res.p_account)
