"""Trade-sequence page: metrics and cones are risk.sequence's results for the same input; a bad
policy gets a message and the page keeps working."""

from __future__ import annotations

import math

import numpy as np

from risk.sequence import (
    fixed_leverage_policy,
    fixed_risk_policy,
    martingale_policy,
    simulate_sequences,
)
from ui import text
from ui.testing import app_test, chart_specs, metric

PAGE = "pages/trade_sequence.py"


def exact_ruin(f: float, reward: float, p: float, n: int, floor: float) -> float:
    """After w wins and k losses the equity is (1 - f)^k (1 + reward f)^w in any order."""
    alive, ruined = {0: 1.0}, 0.0
    for t in range(1, n + 1):
        nxt: dict[int, float] = {}
        for k, q in alive.items():
            nxt[k] = nxt.get(k, 0.0) + q * p
            nxt[k + 1] = nxt.get(k + 1, 0.0) + q * (1 - p)
        alive = {}
        for k, q in nxt.items():
            if (1 - f) ** k * (1 + reward * f) ** (t - k) < floor:
                ruined += q
            else:
                alive[k] = q
    return ruined


def library(win=0.45, reward=1.5, n=100, floor=0.5, paths=10_000):
    pols = [
        fixed_risk_policy(0.01, reward),
        fixed_leverage_policy(20.0, 0.25, 0.02, reward),
        martingale_policy(0.02, reward, 2.0, 1.0),
    ]
    return simulate_sequences(pols, win, n, paths=paths, start_equity=1_000.0, floor_frac=floor)


def test_defaults_match_the_library() -> None:
    at = app_test(PAGE)
    assert not at.exception and not at.error
    res = library()
    for r in res:
        name = r.policy.name
        assert metric(at, f"Ruined: {name}") == text.pct(r.p_ruin, 1)
        assert metric(at, f"Median end: {name}") == text.money(r.median_final, "USDT")
        assert metric(at, f"Median worst drawdown: {name}") == text.pct(r.median_max_drawdown, 1)
    # Independent: risking 1% with a 50% floor, the exact ruin probability (a recursion over
    # the number of losses) is far below the 0.05% that would show as 0.1%.
    assert metric(at, "Ruined: Fixed small risk") == "0.0%"
    assert exact_ruin(0.01, 1.5, 0.45, 100, 0.5) < 0.0005
    cones = chart_specs(at)[0]
    med = next(t for t in cones["data"] if t["name"] == "Fixed small risk: median")
    assert np.allclose(np.asarray(med["y"], dtype=float), res[0].cones[2])


def test_no_edge_and_fewer_trades() -> None:
    at = app_test(PAGE)
    at.slider(key="sq_win").set_value(40).run()
    at.number_input(key="sq_rr").set_value(1.5).run()
    at.slider(key="sq_n").set_value(50).run()
    at.segmented_control(key="sq_paths").set_value(2_000).run()
    assert not at.exception and not at.error
    res = library(win=0.40, n=50, paths=2_000)
    for r in res:
        assert metric(at, f"Ruined: {r.policy.name}") == text.pct(r.p_ruin, 1)
    assert any("no edge" in c.value for c in at.caption)


def test_cap_below_the_first_stake_is_an_error_and_the_page_keeps_working() -> None:
    at = app_test(PAGE)
    at.number_input(key="sq_cap").set_value(1.0).run()
    assert not at.exception
    (error,) = at.error
    # the field's own words and unit, never the library's parameter name or fraction
    assert "'at most' share of equity at risk is 1%" in error.value, error.value
    assert "at least 2%" in error.value and "max_risk_frac" not in error.value
    assert not at.metric
    at.number_input(key="sq_cap").set_value(50.0).run()
    assert not at.error and len(at.metric) == 9


def test_log_scale_toggle() -> None:
    at = app_test(PAGE)
    assert chart_specs(at)[0]["layout"]["yaxis"]["type"] == "log"
    at.toggle(key="sq_log").set_value(False).run()
    assert not at.exception
    assert chart_specs(at)[0]["layout"]["yaxis"].get("type") in (None, "-", "linear")
    assert math.isfinite(float(chart_specs(at)[1]["data"][0]["x"][0]))
