"""Tests for risk.trailing: worked examples computed by hand, invariants with hypothesis, the
fixed rule against the gambler's-ruin law of Brownian motion, and the gap model."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from risk.trailing import (
    HORIZON,
    LIQUIDATED,
    STOP,
    TARGET,
    ExitRules,
    PriceModel,
    apply_exit_rules,
    compare_exit_rules,
    exits_at_leverage,
    position_liquidation_price,
    prepare_exit_paths,
    simulate_prices,
)

RULES = ExitRules(stop_frac=0.02, target_frac=0.04, trail_frac=0.02, partial_share=0.5)
# 10x isolated, flat 0.4% maintenance, entry 1: Binance's linear formula with cum = 0,
# LP = (WB - s Q EP) / (Q (mmr - s)) with WB = 0.1.
LP_LONG_10X = 0.9 / 0.996
LP_SHORT_10X = 1.1 / 1.004


def run(prices, gaps=(), side="long", rules=RULES, lev=10.0):
    x = np.log(np.array([prices], dtype=float))
    g = np.zeros_like(x, dtype=bool)
    for i in gaps:
        g[0, i] = True
    out = apply_exit_rules(x, g, side, lev, rules)
    return {k: (float(v.roi[0]), float(v.exit_price[0]), int(v.reason[0])) for k, v in out.items()}


@pytest.mark.parametrize("side", ["long", "short"])
def test_prepared_paths_find_each_barrier_by_hand(side) -> None:
    # Log moves in the trade's favour (+ln P for a long, -ln P for a short). Stop 2%: -ln 1.02 =
    # -0.0198 (short) to ln 0.98 = -0.0202 (long); target 2.5%: 0.0247 to 0.0253; trail 1%: the
    # best minus 0.00995 to 0.01005. Row 0: the trailing stop is crossed at observation 2
    # (-0.005 <= 0.01 - 0.00995), the target at 3 (0.03), after it the trailing stop not at 4
    # (0.0201 > 0.03 - 0.00995 = 0.02005) but at 5 (-0.03), where the fixed stop is crossed too.
    # Row 1 drifts up 0.001 a step and crosses nothing (7 = the row length: never).
    favour = np.array(
        [[0, 0.01, -0.005, 0.03, 0.0201, -0.03, 0.0], [0, 0.001, 0.002, 0.003, 0.004, 0.005, 0.006]]
    )
    sign = 1 if side == "long" else -1
    rules = ExitRules(stop_frac=0.02, target_frac=0.025, trail_frac=0.01)
    p = prepare_exit_paths(sign * favour, None, side, rules)
    assert p.first_trail.tolist() == [2, 7]
    assert p.first_target.tolist() == [3, 7]
    assert p.first_rest.tolist() == [5, 7]
    assert p.first_stop.tolist() == [5, 7]
    assert p.best[0].tolist() == pytest.approx([0, 0.01, 0.01, 0.03, 0.03, 0.03, 0.03])
    # the lowest move after the entry, per span of 24 observations (one span here)
    assert p.span_min.shape == (2, 1)
    assert p.span_min.ravel().tolist() == pytest.approx([-0.03, 0.001])


@pytest.mark.parametrize("side", ["long", "short"])
@pytest.mark.parametrize("observations", [577, 500, 25, 2])
def test_liquidation_is_the_first_crossing_found_by_a_plain_scan(side, observations) -> None:
    """The span search finds the same first crossing of the liquidation price as scanning every
    observation, on rows of whole and ragged spans (577 = entry + 24 spans of 24; 500 ends in a
    short span; 2 = one observation), at leverages where few, some and nearly all paths cross.
    Stop and target are out of reach, so the fixed rule's exit is that crossing."""
    _, x, gap = simulate_prices(
        PriceModel(1.0, jumps_per_year=300, jump_mean=-0.02, jump_std=0.03), 1.0, paths=400, seed=9
    )
    x, gap = x[:, :observations], gap[:, :observations]
    if side == "short":
        x = -x  # the same paths mirrored: the short's adverse moves are the long's
    far = ExitRules(stop_frac=0.9, target_frac=0.9, trail_frac=0.9)
    p = prepare_exit_paths(x, gap, side, far)
    s = 1 if side == "long" else -1
    crossed_share = []
    for lev in (2.0, 10.0, 25.0, 60.0, 125.0, 200.0):
        lp = position_liquidation_price(side, lev, 0.004, 1.0)
        crossed = x[:, 1:] <= math.log(lp) if s > 0 else x[:, 1:] >= math.log(lp)
        scan = np.where(crossed.any(axis=1), crossed.argmax(axis=1) + 1, observations - 1)
        fixed = exits_at_leverage(p, lev)["fixed"]
        assert fixed.exit_index.tolist() == scan.tolist(), lev
        assert np.array_equal(fixed.reason == LIQUIDATED, crossed.any(axis=1)), lev
        crossed_share.append(float(crossed.any(axis=1).mean()))
    if observations >= 500:
        assert crossed_share[0] < 0.05 < crossed_share[2] < 0.9 < crossed_share[-1], crossed_share


@pytest.mark.parametrize("side", ["long", "short"])
def test_a_path_that_only_touches_the_liquidation_price_is_liquidated(side) -> None:
    # 10x with the stop and target out of reach: the path's one low point is exactly the
    # liquidation price (ln LP in favour coordinates), which counts as crossing it
    s = 1 if side == "long" else -1
    u_liq = s * math.log(LP_LONG_10X if side == "long" else LP_SHORT_10X)
    far = ExitRules(stop_frac=0.5, target_frac=0.9, trail_frac=0.5)
    p = prepare_exit_paths(s * np.array([[0.0, 0.01, u_liq, 0.01]]), None, side, far)
    assert p.span_min[0, 0] == u_liq
    out = exits_at_leverage(p, 10.0)
    assert out["fixed"].reason.tolist() == [LIQUIDATED] and out["fixed"].exit_index.tolist() == [2]


def test_prepared_paths_serve_every_leverage() -> None:
    """One preparation, many leverages: the same outcomes as applying the rules afresh at each
    leverage (the preparation must not keep anything that depends on the leverage)."""
    _, x, gap = simulate_prices(
        PriceModel(1.2, jumps_per_year=400, jump_mean=-0.02, jump_std=0.02), 1.0, paths=300, seed=4
    )
    p = prepare_exit_paths(x, gap, "long", RULES)
    for lev in (1.0, 8.0, 30.0, 49.0, 125.0):
        once = exits_at_leverage(p, lev)
        fresh = apply_exit_rules(x, gap, "long", lev, RULES)
        for rule in once:
            for field in ("roi", "exit_index", "reason", "partial_index", "gap_exit"):
                assert np.array_equal(getattr(once[rule], field), getattr(fresh[rule], field))
    # and the leverages differ: the liquidations grow with it
    liq = [exits_at_leverage(p, lev)["fixed"].p_liquidated for lev in (8.0, 125.0)]
    assert liq[0] < liq[1]


def test_liquidation_price_is_binance_linear_formula() -> None:
    assert position_liquidation_price("long", 10, 0.004) == pytest.approx(LP_LONG_10X)
    assert position_liquidation_price("short", 10, 0.004) == pytest.approx(LP_SHORT_10X)


def test_target_then_pullback() -> None:
    r = run([1.0, 1.01, 1.03, 1.045, 1.02])
    assert r["fixed"] == pytest.approx((10 * 0.04, 1.04, TARGET))
    level = 1.045 * 0.98  # 2% under the best price
    assert r["trailing"] == pytest.approx((10 * (level - 1), level, STOP))
    assert r["partial"] == pytest.approx((0.5 * 0.4 + 0.5 * 10 * (level - 1), level, STOP))


def test_gap_through_stop_and_liquidation_loses_the_margin() -> None:
    r = run([1.0, 0.99, 0.99, 0.85], gaps=[3])
    for rule in ("fixed", "trailing", "partial"):
        assert r[rule] == pytest.approx((-1.0, LP_LONG_10X, LIQUIDATED))


def test_gap_through_the_stop_only_fills_at_the_gapped_price() -> None:
    r = run([1.0, 0.99, 0.95], gaps=[2])
    assert r["fixed"] == pytest.approx((10 * -0.05, 0.95, STOP))


def test_continuous_fall_meets_the_stop_first() -> None:
    r = run([1.0, 0.99, 0.99, 0.85])  # same prices as the gap example, no gap
    assert r["fixed"] == pytest.approx((10 * -0.02, 0.98, STOP))
    assert r["trailing"] == pytest.approx((10 * -0.02, 0.98, STOP))


def test_stop_beyond_the_liquidation_price_never_fills() -> None:
    wide = ExitRules(stop_frac=0.15, target_frac=0.3, trail_frac=0.15)
    r = run([1.0, 0.95, 0.88], rules=wide)
    assert r["fixed"] == pytest.approx((-1.0, LP_LONG_10X, LIQUIDATED))


def test_open_at_the_horizon_closes_at_the_last_price() -> None:
    r = run([1.0, 1.01, 1.005])
    assert r["fixed"] == pytest.approx((10 * 0.005, 1.005, HORIZON))


def test_short_mirror() -> None:
    r = run([1.0, 0.99, 0.95], side="short")
    assert r["fixed"] == pytest.approx((10 * 0.04, 0.96, TARGET))
    level = 0.95 * 1.02
    r = run([1.0, 0.99, 0.95, 0.975], side="short")
    assert r["trailing"] == pytest.approx((10 * (1 - level), level, STOP))
    r = run([1.0, 1.01, 1.15], gaps=[2], side="short")
    assert r["fixed"] == pytest.approx((-1.0, LP_SHORT_10X, LIQUIDATED))
    r = run([1.0, 1.01, 1.15], side="short")
    assert r["fixed"] == pytest.approx((-10 * 0.02, 1.02, STOP))


# --- invariants ---------------------------------------------------------------------------------
steps = st.lists(st.floats(0.0, 0.03), min_size=1, max_size=60)


@settings(max_examples=200, deadline=None)
@given(
    side=st.sampled_from(["long", "short"]),
    moves=steps,
    gap_seed=st.integers(0, 2**32 - 1),
    stop=st.floats(0.005, 0.08),
    target=st.floats(0.005, 0.5),
    trail=st.floats(0.005, 0.08),
    lev=st.floats(1.0, 12.0),
)
def test_trailing_stop_never_exits_below_the_fixed_stop_when_the_price_only_moves_our_way(
    side, moves, gap_seed, stop, target, trail, lev
) -> None:
    s = 1.0 if side == "long" else -1.0
    x = s * np.concatenate([[0.0], np.cumsum(moves)])[None, :]
    gaps = np.random.default_rng(gap_seed).random(x.shape) < 0.3
    gaps[:, 0] = False
    rules = ExitRules(stop, min(target, 0.9), trail)
    out = apply_exit_rules(x, gaps, side, lev, rules)
    stop_price = 1.0 - s * stop
    for rule, o in out.items():
        # the fill is never worse than the fixed stop, and nothing is lost
        assert s * (o.exit_price[0] - stop_price) >= -1e-12, rule
        assert o.roi[0] >= -1e-12, rule
        assert o.reason[0] != LIQUIDATED, rule
    assert out["trailing"].reason[0] == HORIZON  # a path that never falls back never trails out


@settings(max_examples=200, deadline=None)
@given(
    side=st.sampled_from(["long", "short"]),
    moves=st.lists(st.floats(-0.03, 0.03), min_size=1, max_size=60),
    trail=st.floats(0.005, 0.05),
)
def test_trailing_stop_only_tightens(side, moves, trail) -> None:
    """Without gaps, a trailing exit fills at least at entry * (1 - trail) (long) and at the
    level under the best price seen; the loss never exceeds the trail distance times leverage."""
    s = 1.0 if side == "long" else -1.0
    x = np.concatenate([[0.0], np.cumsum(moves)])[None, :]
    o = apply_exit_rules(x, None, side, 5.0, ExitRules(0.1, 0.5, trail))["trailing"]
    price = np.exp(x[0, : o.exit_index[0] + 1])
    best = price.max() if s > 0 else price.min()
    if o.reason[0] == STOP:
        assert o.exit_price[0] == pytest.approx(best * (1 - s * trail))
    assert s * (o.exit_price[0] - (1 - s * trail)) >= -1e-12
    assert o.roi[0] >= -5.0 * trail * (1 + 1e-9)


# --- simulations ---------------------------------------------------------------------------------
def test_fixed_rule_hits_the_target_as_often_as_brownian_motion_says() -> None:
    """Driftless log price: P(reach +a before -b) = b / (a + b) (gambler's ruin for Brownian
    motion). Checked every 5 minutes, both barriers act about 0.5826 sigma sqrt(dt) farther out
    (Broadie, Glasserman and Kou 1997)."""
    vol, step_minutes, n = 0.6, 5.0, 6_000
    res = compare_exit_rules(
        "long", 5, RULES, PriceModel(vol), 7.0, paths=n, step_minutes=step_minutes, seed=1
    )
    o = res.outcomes["fixed"]
    a, b = math.log(1.04), -math.log(0.98)
    shift = 0.5826 * vol * math.sqrt(step_minutes / 1440 / 365)
    ref = (b + shift) / (a + b + 2 * shift)
    assert o.p_horizon < 0.005
    assert abs(o.p_target - ref) <= 3 * math.sqrt(ref * (1 - ref) / n) + o.p_horizon


def test_without_gaps_nobody_is_liquidated_before_the_stop() -> None:
    res = compare_exit_rules("long", 20, RULES, PriceModel(1.0), 2.0, paths=2_000, seed=3)
    assert all(o.p_liquidated == 0.0 for o in res.outcomes.values())
    assert res.outcomes["fixed"].p_stopped > 0.3


def test_gaps_liquidate_some_positions_before_the_stop_can_act() -> None:
    gappy = PriceModel(0.6, jumps_per_year=200.0, jump_mean=-0.04, jump_std=0.03)
    res = compare_exit_rules("long", 20, RULES, gappy, 2.0, paths=4_000, seed=3)
    fixed = res.outcomes["fixed"]
    assert fixed.p_liquidated > 0.01
    assert fixed.p_liquidated == fixed.p_liquidated_by_gap
    assert np.all(fixed.roi >= -1.0)
    # A short gains from the same downward gaps: never liquidated by them.
    short = compare_exit_rules("short", 20, RULES, gappy, 2.0, paths=4_000, seed=3)
    assert short.outcomes["fixed"].p_liquidated < fixed.p_liquidated


def test_gap_model_frequency_and_diffusion_scale() -> None:
    lam, vol, days, n = 2_000.0, 0.5, 1.0, 4_000
    t, x, gap = simulate_prices(
        PriceModel(vol, jumps_per_year=lam, jump_mean=-0.01, jump_std=0.0),
        days,
        paths=n,
        seed=8,
    )
    steps = 288
    dt = days / 365 / steps
    assert x.shape == (n, 2 * steps + 1) and t.shape == (2 * steps + 1,)
    p_step = 1 - math.exp(-lam * dt)
    share = gap[:, 2::2].mean()
    assert abs(share - p_step) <= 4 * math.sqrt(p_step * (1 - p_step) / (n * steps))
    diffusion = x[:, 1::2] - x[:, 0:-1:2]
    assert diffusion.std() == pytest.approx(vol * math.sqrt(dt), rel=0.01)
    jumps = x[:, 2::2] - x[:, 1::2]
    assert np.all(jumps[~gap[:, 2::2]] == 0.0)
    count = jumps[gap[:, 2::2]] / -0.01  # k jumps of exactly -1% each (jump_std = 0)
    assert np.allclose(count, np.round(count), atol=1e-9) and np.all(np.round(count) >= 1)


def test_same_paths_for_every_rule_and_reproducible() -> None:
    args = ("long", 10, RULES, PriceModel(0.8), 1.0)
    a = compare_exit_rules(*args, paths=500, seed=5, sample_paths=4)
    b = compare_exit_rules(*args, paths=500, seed=5, sample_paths=4)
    assert np.array_equal(a.outcomes["trailing"].roi, b.outcomes["trailing"].roi)
    assert a.sample_prices.shape == (4, 289)
    # The partial rule is the fixed rule until the target: identical where no target was hit.
    f, p = a.outcomes["fixed"], a.outcomes["partial"]
    no_target = f.reason != TARGET
    assert np.array_equal(f.roi[no_target], p.roi[no_target])


# --- validation ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ExitRules(0.0, 0.04, 0.02), r"stop_frac=0 is out of range"),
        (lambda: ExitRules(0.02, 0.04, 1.2), r"trail_frac=1.2 is out of range"),
        (lambda: ExitRules(0.02, 0.04, 0.02, partial_share=1.5), r"partial_share=1.5"),
        (lambda: PriceModel(-0.1), r"vol_annual=-0.1 is out of range"),
        (lambda: PriceModel(0.0), r"vol_annual=0 and jumps_per_year=0"),
        (lambda: PriceModel(0.5, jump_std=-1), r"jump_std=-1 is out of range"),
        (
            lambda: compare_exit_rules("long", 500, RULES, PriceModel(0.5), 1.0),
            r"leverage=500 is out of range",
        ),
        (
            lambda: compare_exit_rules("sideways", 5, RULES, PriceModel(0.5), 1.0),
            r"side='sideways' is not known",
        ),
        (
            lambda: compare_exit_rules("long", 5, RULES, PriceModel(0.5), 1.0, paths=10.5),
            r"paths=10.5 is not a whole number",
        ),
        (
            lambda: compare_exit_rules("long", 5, RULES, PriceModel(0.5), 100.0),
            r"horizon_days=100 is out of range",
        ),
        (
            lambda: compare_exit_rules(
                "short", 5, ExitRules(0.02, 1.5, 0.02), PriceModel(0.5), 1.0, paths=10
            ),
            r"target_frac=1.5 is out of range for a short",
        ),
        (
            lambda: apply_exit_rules(np.array([[0.1, 0.2]]), None, "long", 5, RULES),
            r"observation 0 is the entry",
        ),
        (
            lambda: apply_exit_rules(np.zeros((2, 3)), np.zeros((2, 2)), "long", 5, RULES),
            r"gap has shape \(2, 2\)",
        ),
    ],
)
def test_bad_inputs(make, message) -> None:
    with pytest.raises(ValueError, match=message):
        make()
