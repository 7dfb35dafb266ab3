"""Tests for risk.odds: closed forms re-derived independently with math.erfc, Monte Carlo against
them, model comparisons, property tests."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from risk.odds import (
    first_passage_steps,
    gbm_hit_probability,
    gbm_median_hit_time_years,
    gbm_right_but_liquidated_probability,
    liquidation_barriers,
    liquidation_odds,
    odds_closed_form,
    odds_from_paths,
    odds_monte_carlo,
    stop_barrier_log,
)
from risk.paths import gbm, jump_diffusion, simulate_paths, student_t


def phi(x: float) -> float:
    """Standard normal CDF from math.erfc, written out here independently of the library."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def hit_ref(b: float, t: float, s: float, m: float = 0.0) -> float:
    """formulas.md section 8, first passage with drift, term by term."""
    sd = s * math.sqrt(t)
    return phi((b - m * t) / sd) + math.exp(2.0 * m * b / s**2) * phi((b + m * t) / sd)


CASES = [
    (b, t, s, m)
    for b in (-0.003, -0.02, -0.0953, -0.4)
    for t in (1 / 365 / 24, 1 / 365, 7 / 365, 90 / 365)
    for s in (0.2, 0.6, 1.5)
    for m in (-0.8, 0.0, 0.3)
]


@pytest.mark.parametrize(("b", "t", "s", "m"), CASES)
def test_hit_probability_matches_formulas_md(b: float, t: float, s: float, m: float) -> None:
    assert gbm_hit_probability(b, t, s, m) == pytest.approx(hit_ref(b, t, s, m), abs=1e-12)


@pytest.mark.parametrize(("b", "t", "s"), [(b, t, s) for b, t, s, m in CASES if m == 0.0])
def test_zero_drift_is_reflection_principle(b: float, t: float, s: float) -> None:
    assert gbm_hit_probability(b, t, s) == pytest.approx(
        2.0 * phi(b / (s * math.sqrt(t))), abs=1e-12
    )
    assert gbm_right_but_liquidated_probability(b, t, s) == pytest.approx(
        phi(2.0 * b / (s * math.sqrt(t))), abs=1e-12
    )


# ---------------------------------------------------------------------------------------------
# more closed-form checks
# ---------------------------------------------------------------------------------------------
Z25 = -0.6744897501960817  # Phi^-1(0.25), tabulated


def rbl_ref(b: float, t: float, s: float, m: float = 0.0) -> float:
    """P(min <= b, X_T >= 0): joint law of (min, end) of drifted Brownian motion by reflection,
    P(min <= b, X_T in dx) = exp(2 m b / s^2) * density of N(2b + m t, s^2 t) at x (x >= b)."""
    return math.exp(2.0 * m * b / s**2) * phi((2.0 * b + m * t) / (s * math.sqrt(t)))


@pytest.mark.parametrize("m", [1e-7, -1e-7, 1e-10])
@pytest.mark.parametrize("b", [-0.01, -0.1])
def test_drift_formula_tends_to_reflection_as_drift_vanishes(m: float, b: float) -> None:
    t, s = 1 / 365, 0.6
    assert gbm_hit_probability(b, t, s, m) == pytest.approx(
        2.0 * phi(b / (s * math.sqrt(t))), abs=1e-6
    )
    assert gbm_right_but_liquidated_probability(b, t, s, m) == pytest.approx(
        phi(2.0 * b / (s * math.sqrt(t))), abs=1e-6
    )


@pytest.mark.parametrize(("b", "t", "s", "m"), CASES[::5])
def test_right_but_liquidated_with_drift_and_bounded_by_hit(
    b: float, t: float, s: float, m: float
) -> None:
    p_r = gbm_right_but_liquidated_probability(b, t, s, m)
    assert p_r == pytest.approx(rbl_ref(b, t, s, m), abs=1e-12)
    assert p_r <= gbm_hit_probability(b, t, s, m)


@pytest.mark.parametrize(
    ("b", "t", "s", "m"),
    [(-0.5, 0.1, 0.1, -1.0), (-0.5, 0.05, 0.1, -1.0), (-0.3, 0.02, 0.08, -2.0)],
)
def test_overflowing_girsanov_factor_is_handled_in_log_space(
    b: float, t: float, s: float, m: float
) -> None:
    # exp(2 m b / s^2) = e^100 or more: computed in log space (and, below -20, the Mills-ratio
    # series for ln Phi); Python's floats still hold the direct product, so compare with it.
    a = 2.0 * m * b / s**2
    assert a > 50.0
    direct = math.exp(a) * phi((b + m * t) / (s * math.sqrt(t)))
    got = gbm_hit_probability(b, t, s, m) - phi((b - m * t) / (s * math.sqrt(t)))
    assert got == pytest.approx(direct, rel=1e-9)


def test_extreme_drift_toward_barrier_is_certain_and_finite() -> None:
    p = gbm_hit_probability(np.array([-3.0, -1.0]), 1.0, 0.05, -5.0)
    assert np.all(np.isfinite(p)) and np.allclose(p, 1.0, atol=1e-12)


def test_scalar_in_float_out_and_array_agree() -> None:
    bs = np.array([-0.01, -0.05, -0.2])
    arr = gbm_hit_probability(bs, 1 / 365, 0.6, 0.1)
    assert isinstance(gbm_hit_probability(-0.05, 1 / 365, 0.6, 0.1), float)
    assert [gbm_hit_probability(float(b), 1 / 365, 0.6, 0.1) for b in bs] == list(arr)


def test_median_time_solves_half_and_matches_zero_drift_closed_form() -> None:
    b, t, s = -0.02, 30 / 365, 0.6
    med = gbm_median_hit_time_years(b, t, s)
    assert med == pytest.approx((b / (s * Z25)) ** 2, rel=1e-10)
    for m in (-0.5, 0.5):
        med_m = gbm_median_hit_time_years(b, t, s, m)
        assert hit_ref(b, med_m, s, m) == pytest.approx(0.5, abs=1e-10)
    assert math.isnan(gbm_median_hit_time_years(-0.3, 1 / 365, 0.6))  # under half by T


@pytest.mark.parametrize(
    ("name", "kwargs", "fragment"),
    [
        ("barrier", {"barrier_log": 0.01}, "barrier_log=0.01"),
        ("vol", {"vol_annual": 0.0}, "vol_annual=0"),
        ("horizon", {"horizon_years": -1.0}, "horizon_years=-1"),
        ("nan", {"drift_annual": float("nan")}, "drift_annual=nan"),
    ],
)
def test_closed_form_rejects_bad_input(name: str, kwargs: dict, fragment: str) -> None:
    args = {"barrier_log": -0.05, "horizon_years": 1 / 365, "vol_annual": 0.6} | kwargs
    with pytest.raises(ValueError, match=re.escape(fragment)):
        gbm_hit_probability(**args)


# ---------------------------------------------------------------------------------------------
# liquidation prices of the grid
# ---------------------------------------------------------------------------------------------
def lp_ratio_ref(side: str, lev: float, mmr: float) -> float:
    """Isolated linear, flat rate, no maintenance amount (formulas.md section 6): equity
    Q*EP/L + s*Q*(LP - EP) = mmr*Q*LP  =>  LP/EP = (1 - s/L)/(1 - s*mmr)."""
    s = 1.0 if side == "long" else -1.0
    return (1.0 - s / lev) / (1.0 - s * mmr)


@pytest.mark.parametrize("side", ["long", "short"])
@pytest.mark.parametrize("mmr", [0.0, 0.004, 0.02])
def test_barriers_from_liquidation_price(side: str, mmr: float) -> None:
    lev = np.array([2.0, 5.0, 10.0, 20.0, 33.3, 45.0])
    ratio, b = liquidation_barriers(side, lev, mmr)
    ref = np.array([lp_ratio_ref(side, x, mmr) for x in lev])
    np.testing.assert_allclose(ratio, ref, rtol=1e-12)
    s = 1.0 if side == "long" else -1.0
    np.testing.assert_allclose(b, s * np.log(ref), rtol=1e-12)
    assert np.all(b < 0) and np.all(np.diff(b) > 0)  # nearer the start as leverage rises


def test_one_x_long_has_no_liquidation_price_and_zero_odds() -> None:
    ratio, b = liquidation_barriers("long", [1.0, 2.0], 0.0)
    assert math.isnan(ratio[0]) and b[0] == -math.inf
    cf = odds_closed_form("long", [1.0, 2.0], 3.0, 90.0, mmr=0.0)
    mc = liquidation_odds(
        "long",
        [1.0, 2.0],
        3.0,
        90.0,
        mmr=0.0,
        method="monte-carlo",
        n_paths=2000,
        n_steps=50,
        seed=1,
    )
    assert cf.p_liquidation[0] == 0.0 and mc.p_liquidation[0] == 0.0
    assert cf.records()[0]["liquidation_price_frac"] is None


def test_leverage_beyond_one_over_mmr_is_refused() -> None:
    with pytest.raises(ValueError, match=r"leverage=250 .*leverage < 250"):
        liquidation_barriers("long", [10, 250], 0.004)


def test_stop_barrier() -> None:
    assert stop_barrier_log("long", 0.01) == pytest.approx(math.log(0.99), abs=1e-15)
    assert stop_barrier_log("short", 0.01) == pytest.approx(-math.log(1.01), abs=1e-15)
    with pytest.raises(ValueError, match="stop_frac=1"):
        stop_barrier_log("long", 1.0)


@pytest.mark.parametrize("side", ["long", "short"])
def test_closed_form_grid_uses_side_adjusted_drift(side: str) -> None:
    lev = [5.0, 20.0, 50.0, 100.0]
    mu, vol, days = 0.8, 0.9, 2.0
    res = odds_closed_form(side, lev, vol, days, mmr=0.005, drift_annual=mu)
    s = 1.0 if side == "long" else -1.0
    for i, x in enumerate(lev):
        b = s * math.log(lp_ratio_ref(side, x, 0.005))
        # a short's adverse coordinate is -ln(P/EP): its drift is -mu
        assert res.p_liquidation[i] == pytest.approx(hit_ref(b, days / 365, vol, s * mu), abs=1e-12)
        assert res.p_right_but_liquidated[i] == pytest.approx(
            rbl_ref(b, days / 365, vol, s * mu), abs=1e-12
        )
    assert np.all(res.survival[0] == 1.0)
    np.testing.assert_allclose(res.survival[-1], 1.0 - res.p_liquidation, atol=1e-12)


# ---------------------------------------------------------------------------------------------
# Monte Carlo against the closed forms (288 steps per day, bridge correction on)
# ---------------------------------------------------------------------------------------------
MC_CASES = [
    # side, vol, horizon_days, drift, leverages, seed
    ("long", 0.6, 1.0, 0.0, [10.0, 20.0, 50.0, 100.0], 11),
    ("short", 0.6, 1.0, 0.0, [10.0, 20.0, 50.0, 100.0], 12),
    ("long", 1.2, 1 / 24, 0.0, [20.0, 50.0, 100.0, 150.0], 13),
    ("long", 0.4, 3.0, 2.0, [10.0, 20.0, 50.0], 14),
    ("short", 0.8, 0.5, -3.0, [10.0, 25.0, 60.0], 15),
]


def _se(p: np.ndarray, n: int) -> np.ndarray:
    """Standard error of a proportion from the TRUE (closed-form) probability."""
    return np.sqrt(p * (1.0 - p) / n)


@pytest.mark.parametrize(("side", "vol", "days", "mu", "lev", "seed"), MC_CASES)
def test_monte_carlo_matches_closed_form_within_3_se(
    side: str, vol: float, days: float, mu: float, lev: list[float], seed: int
) -> None:
    n_steps = max(1, round(288 * days))
    n_paths = min(20_000, 12_000_000 // n_steps)  # the simulator's memory cap
    cf = odds_closed_form(side, lev, vol, days, drift_annual=mu, n_times=8)
    mc = liquidation_odds(
        side,
        lev,
        vol,
        days,
        drift_annual=mu,
        method="monte-carlo",
        n_paths=n_paths,
        n_steps=n_steps,
        seed=seed,
        n_times=8,
        keep_roi=False,
    )
    n = mc.n_paths
    assert mc.n_steps == n_steps
    for name in ("p_liquidation", "p_right_but_liquidated"):
        want, got = getattr(cf, name), getattr(mc, name)
        assert np.all(np.abs(got - want) <= 3 * _se(want, n) + 1e-12), (name, got, want)
    # the survival curve at the Monte Carlo checkpoints (step ends)
    s = 1.0 if side == "long" else -1.0
    _, b = liquidation_barriers(side, lev)
    want = np.array(
        [
            [1.0 - hit_ref(bl, d / 365, vol, s * mu) if d > 0 else 1.0 for bl in b]
            for d in mc.survival_days
        ]
    )
    assert np.all(np.abs(mc.survival - want) <= 3 * _se(want, n) + 1e-12)


def test_monte_carlo_median_time_matches_closed_form() -> None:
    lev = [50.0, 100.0]
    vol, days = 0.6, 1.0
    mc = liquidation_odds(
        "long",
        lev,
        vol,
        days,
        method="monte-carlo",
        n_paths=20_000,
        n_steps=288,
        seed=5,
        keep_roi=False,
    )
    _, b = liquidation_barriers("long", lev)
    for i in range(2):
        med = gbm_median_hit_time_years(b[i], days / 365, vol)
        h = 1e-6 * med
        density = (hit_ref(b[i], med + h, vol) - hit_ref(b[i], med - h, vol)) / (2 * h)
        # standard error of a sample quantile: sqrt(p(1-p)/n) / density
        se_days = math.sqrt(0.25 / mc.n_paths) / density * 365
        got = mc.median_days_to_liquidation[i]
        assert abs(got - med * 365) <= 3 * se_days + days / 288, (got, med * 365, se_days)


@pytest.mark.parametrize("n_steps", [1, 4])
def test_median_time_inside_the_first_step_is_unbiased(n_steps: int) -> None:
    # 100x long at 60%: the closed-form median is about 2 hours, inside the first step of 24 or
    # 6 hours. Interpolating the crossed count linearly from the start put it near 14 hours (the
    # crossing rate in the first step is 2 Phi(b / sigma sqrt t), far from uniform).
    vol, days = 0.6, 1.0
    mc = liquidation_odds(
        "long",
        [100.0],
        vol,
        days,
        method="monte-carlo",
        n_paths=20_000,
        n_steps=n_steps,
        seed=9,
        keep_roi=False,
    )
    _, b = liquidation_barriers("long", [100.0])
    med = gbm_median_hit_time_years(b[0], days / 365, vol)
    h = 1e-6 * med
    density = (hit_ref(b[0], med + h, vol) - hit_ref(b[0], med - h, vol)) / (2 * h)
    se_days = math.sqrt(0.25 / mc.n_paths) / density * 365
    assert med * 365 < days / n_steps  # the median is inside the first step
    assert abs(mc.median_days_to_liquidation[0] - med * 365) <= 4 * se_days


@pytest.mark.parametrize("side", ["long", "short"])
def test_without_correction_discrete_monitoring_is_biased_low(side: str) -> None:
    lev = [20.0, 50.0, 100.0]
    cf = odds_closed_form(side, lev, 0.6, 1.0)
    kw = {"method": "monte-carlo", "n_paths": 20_000, "n_steps": 288, "seed": 7, "keep_roi": False}
    raw = liquidation_odds(side, lev, 0.6, 1.0, correction="none", **kw)
    bridge = liquidation_odds(side, lev, 0.6, 1.0, correction="bridge", **kw)
    bgk = liquidation_odds(side, lev, 0.6, 1.0, correction="bgk", **kw)
    se = _se(cf.p_liquidation, 20_000)
    # the same random numbers: the uncorrected count sees only the step ends
    assert np.all(raw.p_liquidation <= bridge.p_liquidation)
    assert np.all(raw.p_liquidation[1:] < cf.p_liquidation[1:] - 3 * se[1:])
    assert np.all(np.abs(bridge.p_liquidation - cf.p_liquidation) <= 3 * se)
    assert np.all(np.abs(bgk.p_liquidation - cf.p_liquidation) <= 3 * se)


def test_stop_under_gbm_fills_whenever_touched_and_never_when_beyond_lp() -> None:
    lev = [5.0, 20.0, 50.0, 100.0]  # LP beyond the 1% stop except at 100x (0.6%)
    cf = odds_closed_form("long", lev, 0.6, 1.0, stop_frac=0.01)
    mc = liquidation_odds(
        "long",
        lev,
        0.6,
        1.0,
        stop_frac=0.01,
        method="monte-carlo",
        n_paths=20_000,
        n_steps=288,
        seed=3,
        keep_roi=False,
    )
    p_touch = hit_ref(math.log(0.99), 1 / 365, 0.6)
    np.testing.assert_allclose(cf.p_stop_first, [p_touch] * 3 + [0.0], atol=1e-12)
    assert np.all(np.abs(mc.p_stop_first[:3] - p_touch) <= 3 * _se(np.array(p_touch), 20_000))
    assert mc.p_stop_first[3] == 0.0 and math.isnan(mc.p_gap_through_stop[3])
    assert np.all(mc.p_gap_through_stop[:3] == 0.0)  # continuous paths cannot skip the stop


# ---------------------------------------------------------------------------------------------
# one path set, every leverage: compare with a step-by-step loop over leverages
# ---------------------------------------------------------------------------------------------
def _loop_reference(paths_steps, lev, mmr, stop_frac, checkpoints):
    """Every output by walking each path step by step for each leverage (no sorting, no
    searching): what the engine must reproduce exactly on the same paths."""
    ps = paths_steps
    n, k = ps.n_paths, ps.n_steps
    _, b = liquidation_barriers(ps.side, lev, mmr)
    b32 = (b + ps.barrier_shift).astype(np.float32)
    cells = (
        {}
        if ps.jump_cells is None
        else dict(zip(ps.jump_cells.tolist(), ps.jump_cont_low.tolist(), strict=True))
    )
    out = {"p_liq": [], "p_right": [], "surv": [], "median": [], "stop": [], "gap": []}
    s32 = np.float32(stop_barrier_log(ps.side, stop_frac) + ps.barrier_shift)
    # the stop: where did each path first get to the stop level?
    landing = []
    for p in range(n):
        for step in range(k):
            if ps.low[step, p] <= s32:
                flat = step * n + p
                gapped = flat in cells and cells[flat] > s32
                if ps.correction != "bridge" or gapped:
                    landing.append(ps.y[step, p])
                else:
                    landing.append(s32)
                break
    landing = np.array(landing, dtype=np.float32)
    for j in range(len(lev)):
        first = np.full(n, -1)
        for step in range(k):
            new = (first < 0) & (ps.low[step] <= b32[j])
            first[new] = step
        liq = first >= 0
        out["p_liq"].append(liq.mean())
        out["p_right"].append((liq & (ps.y[-1] >= 0)).mean())
        out["surv"].append(
            [1.0] + [1.0 - ((first >= 0) & (first <= c)).mean() for c in checkpoints]
        )
        counts = [((first >= 0) & (first <= step)).sum() for step in range(k)]
        med = math.nan
        for step in range(k):
            if counts[step] >= n / 2:
                before = counts[step - 1] if step else 0
                med = (step + (n / 2 - before) / (counts[step] - before)) * ps.dt_days
                break
        out["median"].append(med)
        nearer = stop_barrier_log(ps.side, stop_frac) > b[j]
        out["stop"].append((landing > b32[j]).sum() / n if nearer else 0.0)
        out["gap"].append((landing <= b32[j]).sum() / n if nearer else math.nan)
    return out


@pytest.mark.parametrize(
    ("model", "side", "correction"),
    [
        (jump_diffusion(0.9, 0.0, jump_rate_per_year=400.0, jump_std_log=0.03), "long", "bridge"),
        (jump_diffusion(0.9, 0.5, jump_rate_per_year=400.0, jump_std_log=0.03), "short", "bridge"),
        (student_t(0.9, 0.0, df=3.0), "long", "none"),
        (gbm(0.9, -1.0), "short", "bgk"),
    ],
)
def test_engine_equals_step_by_step_loop_on_the_same_paths(model, side, correction) -> None:
    lev = [3.0, 10.0, 25.0, 40.0, 60.0, 100.0]
    kw = {"n_paths": 1500, "n_steps": 48, "seed": 99, "correction": correction}
    steps = simulate_paths(model, side, 2.0, running=False, **kw)
    running = simulate_paths(model, side, 2.0, running=True, **kw)
    np.testing.assert_array_equal(steps.y, running.y)  # same draws either way
    res = odds_from_paths(running, lev, stop_frac=0.012, n_times=12)
    checkpoints = (np.arange(1, 13) * 4) - 1
    ref = _loop_reference(steps, lev, 0.004, 0.012, checkpoints)
    np.testing.assert_allclose(res.survival_days[1:], (checkpoints + 1) * steps.dt_days)
    np.testing.assert_array_equal(res.p_liquidation, ref["p_liq"])
    np.testing.assert_array_equal(res.p_right_but_liquidated, ref["p_right"])
    np.testing.assert_allclose(res.survival.T, ref["surv"], atol=1e-15)
    np.testing.assert_allclose(res.median_days_to_liquidation, ref["median"], rtol=1e-12)
    np.testing.assert_allclose(res.p_stop_first, ref["stop"], atol=1e-15)
    np.testing.assert_allclose(res.p_gap_through_stop, ref["gap"], atol=1e-15)
    if model.kind == "jump":
        assert np.nanmax(res.p_gap_through_stop) > 0  # the case is exercised
    # partition: every path that reached the stop level either filled it or gapped past the LP
    nearer = ~np.isnan(res.p_gap_through_stop)
    total = res.p_stop_first[nearer] + res.p_gap_through_stop[nearer]
    assert np.allclose(total, total[0])


def test_roi_distribution() -> None:
    lev = np.array([2.0, 10.0, 50.0])
    vol, days = 0.6, 1.0
    res = liquidation_odds(
        "long", lev, vol, days, method="monte-carlo", n_paths=20_000, n_steps=288, seed=8
    )
    roi = res.roi
    assert roi.shape == (3, 20_000)
    # a liquidated path loses its margin; the share of -1 is the liquidation probability
    np.testing.assert_array_equal((roi == -1.0).mean(axis=1), res.p_liquidation)
    assert np.all(roi >= -1.0)
    # 2x is never liquidated in a day: E[ROI] = 2 * (E[P_T/EP] - 1) = 2 * (exp(vol^2 T/2) - 1)
    t = days / 365
    want = 2.0 * math.expm1(0.5 * vol**2 * t)
    se = 2.0 * math.sqrt(math.expm1(vol**2 * t)) * math.exp(0.5 * vol**2 * t) / math.sqrt(20_000)
    assert res.p_liquidation[0] == 0.0
    assert abs(roi[0].mean() - want) <= 3 * se
    # surviving paths scale with leverage
    alive = roi[2] > -1.0
    np.testing.assert_allclose(roi[2][alive], 25.0 * roi[0][alive], rtol=1e-5)


def test_short_roi_is_positive_when_price_falls() -> None:
    res = liquidation_odds(
        "short", [3.0], 0.6, 1.0, method="monte-carlo", n_paths=2000, n_steps=24, seed=2
    )
    paths = simulate_paths(gbm(0.6), "short", 1.0, n_paths=2000, n_steps=24, seed=2)
    price_ratio = np.exp(-paths.y[-1].astype(float))  # short: y = -ln(P/EP)
    np.testing.assert_allclose(res.roi[0], 3.0 * (1.0 - price_ratio), rtol=1e-5, atol=1e-7)


# ---------------------------------------------------------------------------------------------
# fat tails and gaps at high leverage, same variance as GBM
# ---------------------------------------------------------------------------------------------
def test_fat_tails_and_jumps_raise_the_odds_of_a_far_liquidation_price() -> None:
    """20x-30x over one hour at 60% vol: the LP (3.3%-4.7% away) is 5-7 hourly standard
    deviations out, where GBM gives odds of 1e-13 to 3e-6. Student-t (df 3) and jump paths with
    the SAME variance give orders of magnitude more. (Nearer the entry the reverse holds:
    same-variance fat tails put more mass in small moves, so GBM is NOT conservative there.)"""
    lev = [20.0, 25.0, 30.0]
    h = 1 / 24
    cf = odds_closed_form("long", lev, 0.6, h)
    assert np.all(cf.p_liquidation < 1e-5)
    kw = {"n_paths": 200_000, "n_steps": 12, "seed": 21, "keep_roi": False}
    t = liquidation_odds("long", lev, 0.6, h, model="student-t", df=3.0, **kw)
    j = liquidation_odds("long", lev, 0.6, h, model="jump", **kw)  # 12 jumps/yr, sd 4%
    g = liquidation_odds("long", lev, 0.6, h, method="monte-carlo", **kw)
    for fat in (t, j):
        se = fat.stderr_liquidation
        assert np.all(fat.p_liquidation > cf.p_liquidation + 3 * se)
        assert np.all(fat.p_liquidation > g.p_liquidation)


@pytest.mark.parametrize(
    "model", [student_t(0.6, 0.0, 3.0), jump_diffusion(0.6, 0.0, 200.0, -0.01, 0.02)]
)
def test_fat_tailed_models_have_the_stated_variance_and_drift(model) -> None:
    paths = simulate_paths(model, "long", 30.0, n_paths=20_000, n_steps=30, seed=4)
    end = paths.y[-1].astype(float)
    t = 30 / 365
    assert end.var() == pytest.approx(0.36 * t, rel=0.06)
    assert abs(end.mean()) <= 3 * math.sqrt(0.36 * t / 20_000)


# ---------------------------------------------------------------------------------------------
# reproducibility and API agreement
# ---------------------------------------------------------------------------------------------
def test_seeded_runs_repeat_exactly_across_chunks() -> None:
    kw = {"method": "monte-carlo", "n_paths": 25_000, "n_steps": 20, "seed": 123, "stop_frac": 0.02}
    a = liquidation_odds("long", [10, 50], 0.6, 1.0, **kw)
    b = liquidation_odds("long", [10, 50], 0.6, 1.0, **kw)
    c = liquidation_odds("long", [10, 50], 0.6, 1.0, **(kw | {"seed": 124}))
    np.testing.assert_array_equal(a.roi, b.roi)
    np.testing.assert_array_equal(a.survival, b.survival)
    assert not np.array_equal(a.roi, c.roi)


def test_one_leverage_equals_its_entry_in_a_grid() -> None:
    kw = {"method": "monte-carlo", "n_paths": 3000, "n_steps": 30, "seed": 9, "stop_frac": 0.01}
    grid = liquidation_odds("short", [5.0, 20.0, 60.0], 0.8, 2.0, **kw)
    one = liquidation_odds("short", 20.0, 0.8, 2.0, **kw)
    for name in (
        "p_liquidation",
        "p_right_but_liquidated",
        "median_days_to_liquidation",
        "p_stop_first",
    ):
        np.testing.assert_array_equal(getattr(one, name), getattr(grid, name)[1:2])
    np.testing.assert_array_equal(one.survival[:, 0], grid.survival[:, 1])
    cf_one = odds_closed_form("short", 20.0, 0.8, 2.0)
    cf_grid = odds_closed_form("short", [5.0, 20.0, 60.0], 0.8, 2.0)
    assert cf_one.p_liquidation[0] == cf_grid.p_liquidation[1]


def test_first_passage_steps_matches_argmax() -> None:
    paths = simulate_paths(gbm(0.9), "long", 1.0, n_paths=2000, n_steps=64, seed=1)
    for b in (-0.005, -0.02, -0.05):
        below = paths.low <= np.float32(b)
        want = np.where(below.any(axis=0), below.argmax(axis=0), -1)
        np.testing.assert_array_equal(first_passage_steps(paths, b), want)


def test_monte_carlo_is_the_default_except_for_gbm_and_closed_form_is_gbm_only() -> None:
    assert liquidation_odds("long", [10], 0.6, 1.0).method == "closed-form"
    res = liquidation_odds(
        "long", [10], 0.6, 1.0, model="student-t", n_paths=500, n_steps=10, seed=1
    )
    assert res.method == "monte-carlo" and res.model == "student-t"
    with pytest.raises(ValueError, match=r"closed-form.*'gbm' only"):
        liquidation_odds("long", [10], 0.6, 1.0, model="jump", method="closed-form")


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"horizon_days": 91.0}, "horizon_days=91"),
        ({"horizon_days": 0.0001}, "horizon_days=0.0001"),
        ({"vol_annual": -0.1}, "vol_annual=-0.1"),
        ({"model": "student-t", "df": 2.0}, "df=2"),
        ({"model": "levy"}, "model='levy'"),
        ({"model": "bootstrap"}, "closes=None"),
        ({"side": "flat"}, "side='flat'"),
        ({"leverage": [0.5]}, "leverage=0.5"),
        ({"stop_frac": 1.5}, "stop_frac=1.5"),
        ({"method": "monte-carlo", "n_paths": 5}, "n_paths=5"),
        ({"method": "monte-carlo", "correction": "magic"}, "correction='magic'"),
        ({"mmr": -0.1}, "mmr=-0.1"),
        ({"mmr": 1e-300}, "mmr=1e-300"),
    ],
)
def test_engine_rejects_bad_input_naming_the_parameter(kwargs: dict, fragment: str) -> None:
    args = {"side": "long", "leverage": [10.0], "vol_annual": 0.6, "horizon_days": 1.0} | kwargs
    with pytest.raises(ValueError, match=re.escape(fragment)):
        liquidation_odds(**args)


def test_odds_monte_carlo_takes_a_model_object() -> None:
    res = odds_monte_carlo("long", [20, 50], gbm(0.6), 1.0, n_paths=1000, n_steps=24, seed=1)
    assert res.model == "gbm" and res.n_paths == 1000 and res.roi.shape == (2, 1000)


def test_records_for_json() -> None:
    cf = odds_closed_form("long", [5.0, 100.0], 0.6, 1.0, stop_frac=0.01)
    recs = cf.records()
    assert recs[0]["median_days_to_liquidation"] is None  # under half liquidated
    assert recs[1]["median_days_to_liquidation"] == pytest.approx(cf.median_days_to_liquidation[1])
    assert recs[1]["p_gap_through_stop"] is None  # 100x: the LP is nearer than the 1% stop
    assert "stderr" not in recs[0]


# ---------------------------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------------------------
PROP = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROP
@given(
    side=st.sampled_from(["long", "short"]),
    vol=st.floats(0.05, 3.0),
    days=st.floats(1 / 1440, 90.0),
    mu=st.floats(-2.0, 2.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_monte_carlo_odds_rise_with_leverage_and_survival_falls_with_time(
    side: str, vol: float, days: float, mu: float, seed: int
) -> None:
    lev = np.array([1.5, 3.0, 7.0, 15.0, 40.0, 120.0])
    res = liquidation_odds(
        side,
        lev,
        vol,
        days,
        drift_annual=mu,
        method="monte-carlo",
        n_paths=400,
        n_steps=16,
        seed=seed,
        n_times=8,
        stop_frac=0.02,
    )
    assert np.all(np.diff(res.p_liquidation) >= 0)
    assert np.all(res.p_right_but_liquidated <= res.p_liquidation)
    assert np.all(np.diff(res.survival, axis=0) <= 0)
    np.testing.assert_allclose(res.survival[-1], 1.0 - res.p_liquidation, atol=1e-12)
    med = res.median_days_to_liquidation
    assert np.all(np.isnan(med) == (res.p_liquidation < 0.5))
    ok = ~np.isnan(med)
    assert np.all((med[ok] > 0) & (med[ok] <= days + 1e-12))
    assert np.all(np.diff(med[ok]) <= 1e-12)  # nearer LP, sooner


@PROP
@given(
    b=st.floats(-1.0, -1e-4),
    t1=st.floats(1e-5, 0.25),
    t2=st.floats(1e-5, 0.25),
    v1=st.floats(0.02, 3.0),
    v2=st.floats(0.02, 3.0),
    mu=st.floats(-3.0, 3.0),
)
def test_closed_form_monotone_in_horizon_vol_and_leverage(b, t1, t2, v1, v2, mu) -> None:
    t_lo, t_hi = sorted((t1, t2))
    v_lo, v_hi = sorted((v1, v2))
    p = gbm_hit_probability
    assert p(b, t_lo, v1, mu) <= p(b, t_hi, v1, mu) + 1e-12  # by definition, any drift
    assert p(b, t1, v_lo) <= p(b, t1, v_hi) + 1e-12  # zero drift
    assert p(b, t1, v_lo, abs(mu)) <= p(b, t1, v_hi, abs(mu)) + 1e-12  # drift away
    assert p(b, t1, v1, mu) <= p(b / 2, t1, v1, mu) + 1e-12  # nearer barrier
    assert 0.0 <= gbm_right_but_liquidated_probability(b, t1, v1, mu) <= p(b, t1, v1, mu) + 1e-15


@PROP
@given(
    side=st.sampled_from(["long", "short"]),
    vol=st.floats(0.05, 3.0),
    d1=st.floats(1 / 1440, 90.0),
    d2=st.floats(1 / 1440, 90.0),
    mmr=st.one_of(st.just(0.0), st.floats(1e-6, 0.02)),
)
def test_closed_form_grid_odds_rise_with_leverage_horizon_and_vol(side, vol, d1, d2, mmr) -> None:
    lev = [2.0, 5.0, 10.0, 25.0, 45.0]
    lo, hi = sorted((d1, d2))
    a = odds_closed_form(side, lev, vol, lo, mmr=mmr, n_times=4)
    b = odds_closed_form(side, lev, vol, hi, mmr=mmr, n_times=4)
    c = odds_closed_form(side, lev, vol * 1.5, lo, mmr=mmr, n_times=4)
    assert np.all(np.diff(a.p_liquidation) >= -1e-15)
    assert np.all(a.p_liquidation <= b.p_liquidation + 1e-12)
    assert np.all(a.p_liquidation <= c.p_liquidation + 1e-12)
    assert np.all(np.diff(a.survival, axis=0) <= 1e-12)
