"""Tests for risk.correlated: the account odds against closed forms and independent
re-computations, the correlation checks, the presets against the shared market data."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import risk.correlated as rc
from risk.correlated import (
    CrossPosition,
    account_liquidation_odds,
    check_correlation,
    common_correlation,
    correlation_factor,
    correlation_presets,
    measured_correlations,
    odds_vs_correlation,
    simulate_log_prices,
)
from risk.odds import gbm_hit_probability

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"  # ../shared beside the project
DAY = 1.0 / 365.0


def combined_barrier(notionals, mmrs, wallet, side):
    """Log barrier of ONE isolated position holding every notional, with the wallet as its margin
    and the notional-weighted maintenance rate. Written out from the liquidation condition
    ``W + s N (e^x - 1) = m N e^x`` (formulas.md section 1 with cum = 0)."""
    n = float(sum(notionals))
    m = float(np.dot(notionals, mmrs)) / n
    if side == "long":
        return math.log((n - wallet) / (n * (1.0 - m)))
    return math.log((n + wallet) / (n * (1.0 + m)))


def closed_form(barrier, horizon_years, vol, drift, side):
    """P(touch) for a long's lower barrier, or a short's upper one via the mirror X -> -X."""
    if side == "long":
        return gbm_hit_probability(barrier, horizon_years, vol, drift)
    return gbm_hit_probability(-barrier, horizon_years, vol, -drift)


# --- the combined-position identity (correlation 1, equal volatilities) -----------------------
CASES = [
    # side, notionals, mmrs, wallet, vol, drift, horizon_days
    ("long", (10_000.0, 6_000.0, 4_000.0), (0.004, 0.01, 0.005), 1_000.0, 0.6, 0.0, 1.0),
    ("long", (8_000.0, 8_000.0), (0.004, 0.004), 900.0, 0.8, 0.5, 0.5),
    ("short", (5_000.0, 3_000.0, 2_000.0, 2_000.0), (0.005,) * 4, 900.0, 0.7, -0.3, 1.0),
]


@pytest.mark.parametrize(("side", "notionals", "mmrs", "wallet", "vol", "drift", "days"), CASES)
def test_correlation_one_equals_one_combined_position(
    side, notionals, mmrs, wallet, vol, drift, days
) -> None:
    positions = [
        CrossPosition(f"A{i}", side, vol, notional=n, mmr=m, drift_annual=drift)
        for i, (n, m) in enumerate(zip(notionals, mmrs, strict=True))
    ]
    k = len(positions)
    res = account_liquidation_odds(
        positions,
        wallet,
        np.ones((k, k)),
        days,
        paths=60_000,
        seed=11,
        compare_uncorrelated=False,
    )
    ref = closed_form(combined_barrier(notionals, mmrs, wallet, side), days * DAY, vol, drift, side)
    assert 0.02 < ref < 0.5  # a case where the comparison has teeth
    assert abs(res.p_account - ref) <= 3.0 * res.stderr_account


def test_discrete_monitoring_matches_a_discretely_checked_reference() -> None:
    """Monitoring only at the 288 steps: compare with an independent single-asset simulation
    checked at the same steps (plain numpy, independent samples)."""
    notionals, mmrs, wallet, vol = (10_000.0, 10_000.0), (0.004, 0.004), 1_000.0, 0.6
    positions = [CrossPosition(f"A{i}", "long", vol, notional=n) for i, n in enumerate(notionals)]
    res = account_liquidation_odds(
        positions,
        wallet,
        np.ones((2, 2)),
        1.0,
        paths=40_000,
        seed=5,
        monitoring="discrete",
        compare_uncorrelated=False,
    )
    b = combined_barrier(notionals, mmrs, wallet, "long")
    rng = np.random.default_rng(123)
    n_ref, steps = 40_000, 288
    dx = rng.standard_normal((n_ref, steps)) * vol * math.sqrt(DAY / steps)
    hit = (np.cumsum(dx, axis=1) <= b).any(axis=1)
    p_ref = hit.mean()
    se = math.hypot(res.stderr_account, math.sqrt(p_ref * (1 - p_ref) / n_ref))
    assert abs(res.p_account - p_ref) <= 3.0 * se
    # ... and discrete monitoring misses crossings: clearly below the continuous closed form.
    assert res.p_account < closed_form(b, DAY, vol, 0.0, "long") - 3.0 * res.stderr_account


def test_each_position_alone_matches_its_isolated_closed_form() -> None:
    vols = (0.5, 0.9, 1.2)
    notionals = (6_000.0, 3_000.0, 3_000.0)
    wallet = 1_000.0
    sides = ("long", "short", "long")
    positions = [
        CrossPosition(f"A{i}", s, v, notional=n, mmr=0.005)
        for i, (s, v, n) in enumerate(zip(sides, vols, notionals, strict=True))
    ]
    corr = [[1.0, 0.3, 0.5], [0.3, 1.0, 0.2], [0.5, 0.2, 1.0]]
    res = account_liquidation_odds(positions, wallet, corr, 1.0, paths=40_000, seed=2)
    for i in range(3):
        share = wallet * notionals[i] / sum(notionals)
        b = combined_barrier((notionals[i],), (0.005,), share, sides[i])
        ref = closed_form(b, DAY, vols[i], 0.0, sides[i])
        assert abs(res.p_alone[i] - ref) <= 3.0 * res.stderr_alone[i] + 1e-4, i
    assert res.p_any_alone_independent == pytest.approx(1 - np.prod(1 - res.p_alone))


# --- the simulated paths --------------------------------------------------------------------
def test_simulated_returns_have_the_input_correlation_and_volatility() -> None:
    corr = np.array(
        [[1.0, 0.8, 0.3, -0.2], [0.8, 1.0, 0.5, 0.0], [0.3, 0.5, 1.0, 0.4], [-0.2, 0.0, 0.4, 1.0]]
    )
    vols = np.array([0.5, 0.7, 1.1, 0.3])
    x = simulate_log_prices(vols, corr, 1.0, paths=2_000, seed=9)
    assert x.shape == (2_000, 289, 4)
    assert np.all(x[:, 0] == 0.0)
    dx = np.diff(x, axis=1).reshape(-1, 4)
    # Antithetic pairs repeat each cross product, so the effective sample size is half.
    n_eff = dx.shape[0] / 2
    sample = np.corrcoef(dx.T)
    se = (1 - corr**2) / math.sqrt(n_eff) + 1e-9
    assert np.all(np.abs(sample - corr) <= 4 * se)
    vol_hat = dx.std(axis=0) * math.sqrt(365 * 288)
    assert np.allclose(vol_hat, vols, rtol=4 / math.sqrt(2 * n_eff))


def test_account_rule_is_equity_at_or_below_maintenance_on_the_simulated_prices() -> None:
    """The sample paths of the account simulation are the paths simulate_log_prices gives for
    the same seed; on them, recompute equity, maintenance and the first liquidation step with
    the plain formulas (discrete monitoring)."""
    vols = (0.6, 0.9)
    notionals = (9_000.0, 6_000.0)
    mmrs = (0.004, 0.01)
    sides = (1.0, -1.0)
    wallet = 350.0
    corr = [[1.0, 0.4], [0.4, 1.0]]
    positions = [
        CrossPosition("BTC", "long", vols[0], notional=notionals[0], mmr=mmrs[0]),
        CrossPosition("ETH", "short", vols[1], notional=notionals[1], mmr=mmrs[1]),
    ]
    res = account_liquidation_odds(
        positions, wallet, corr, 1.0, paths=400, seed=4, monitoring="discrete", sample_paths=60
    )
    x = simulate_log_prices(vols, corr, 1.0, paths=400, seed=4)[:60]
    price = np.exp(x)
    equity = wallet + sum(sides[i] * notionals[i] * (price[..., i] - 1) for i in range(2))
    maint = sum(mmrs[i] * notionals[i] * price[..., i] for i in range(2))
    # float32 paths: about 1e-7 of the 15,000 notional
    assert np.allclose(res.sample_equity, equity, rtol=0, atol=0.01)
    assert np.allclose(res.sample_maintenance, maint, rtol=0, atol=0.01)
    below = equity <= maint
    first = np.where(below.any(axis=1), np.argmax(below, axis=1), -1)
    assert (first >= 0).sum() >= 5  # the example liquidates some paths
    margin = np.abs(equity - maint).min(axis=1)
    clear = margin > 0.05  # float32 paths: skip near-ties
    assert np.array_equal(res.sample_liquidated_step[clear], first[clear])


def test_uncorrelated_guess_is_the_identity_matrix_on_the_same_numbers() -> None:
    positions = [
        CrossPosition("BTC", "long", 0.54, notional=10_000.0),
        CrossPosition("ETH", "long", 0.71, notional=6_000.0),
    ]
    res = account_liquidation_odds(positions, 1_200.0, [[1, 0.82], [0.82, 1]], 1.0, paths=8_000)
    ind = account_liquidation_odds(positions, 1_200.0, np.eye(2), 1.0, paths=8_000)
    assert res.p_uncorrelated == ind.p_account
    assert res.p_account > res.p_uncorrelated + 3 * res.stderr_account


def test_results_do_not_depend_on_the_thread_count(monkeypatch) -> None:
    positions = [
        CrossPosition("BTC", "long", 0.6, notional=10_000.0),
        CrossPosition("ETH", "long", 0.8, notional=8_000.0),
    ]
    args = (positions, 1_000.0, [[1, 0.7], [0.7, 1]], 0.5)
    monkeypatch.setattr(rc, "_WORKERS", 1)
    one = account_liquidation_odds(*args, paths=12_000, seed=3)
    monkeypatch.setattr(rc, "_WORKERS", 2)
    two = account_liquidation_odds(*args, paths=12_000, seed=3)
    other = account_liquidation_odds(*args, paths=12_000, seed=4)
    assert one.p_account == two.p_account
    assert np.array_equal(one.p_alone, two.p_alone)
    assert other.p_account != one.p_account


# --- lowering correlation never raises the odds (same-side positions) -------------------------
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    side=st.sampled_from(["long", "short"]),
    vols=st.lists(st.floats(0.3, 1.5), min_size=2, max_size=4),
    lev=st.floats(8.0, 40.0),
    weights=st.lists(st.floats(0.2, 1.0), min_size=4, max_size=4),
)
def test_lower_correlation_never_raises_same_side_odds(side, vols, lev, weights) -> None:
    k = len(vols)
    total = 10_000.0
    w = np.array(weights[:k]) / sum(weights[:k])
    positions = [
        CrossPosition(f"A{i}", side, v, notional=float(total * w[i])) for i, v in enumerate(vols)
    ]
    lo = -1.0 / (k - 1) if k > 1 else -1.0
    rhos = np.linspace(max(lo, -0.3), 1.0, 6)
    curve = odds_vs_correlation(positions, total / lev, rhos, 0.5, paths=4_000, seed=1)
    p, se = curve.p_account, curve.stderr
    tol = 3.0 * np.hypot(se[:-1], se[1:]) + 1.0 / curve.paths
    assert np.all(np.diff(p) >= -tol), (p, se)


def test_odds_rise_with_correlation_by_much_more_than_the_noise() -> None:
    positions = [
        CrossPosition("BTC", "long", 0.54, notional=10_000.0),
        CrossPosition("ETH", "long", 0.71, notional=6_000.0),
        CrossPosition("SOL", "long", 1.14, notional=4_000.0),
    ]
    curve = odds_vs_correlation(positions, 1_500.0, [0.0, 0.5, 1.0], 1.0, paths=8_000)
    assert np.all(np.diff(curve.p_account) > 3 * curve.stderr[1:])


# --- correlation matrices ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        (
            [[1, 0.5, 1.2], [0.5, 1, 0.3], [1.2, 0.3, 1]],
            r"correlation\[0\]\[2\]=1.2 is out of range",
        ),
        ([[1, 0.5], [0.4, 1]], r"correlation\[0\]\[1\]=0.5 but correlation\[1\]\[0\]=0.4"),
        ([[1, 0.5], [0.5, 0.9]], r"correlation\[1\]\[1\]=0.9 is on the diagonal; allowed: 1"),
        ([[1, 0.5, 0.2], [0.5, 1, 0.3]], r"shape 2 x 3; allowed: a square matrix"),
        ([[1, float("nan")], [float("nan"), 1]], r"correlation\[0\]\[1\]=nan is not finite"),
        ([[1, "a"], ["a", 1]], r"is not a matrix of numbers"),
        (
            [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]],
            r"not positive semi-definite: smallest eigenvalue -0.\d+.*(Raise|Lower) correlation",
        ),
    ],
)
def test_bad_matrices_say_what_to_fix(matrix, message) -> None:
    with pytest.raises(ValueError, match=message):
        check_correlation(matrix)


def test_matrix_size_must_match_the_positions_and_names_appear() -> None:
    with pytest.raises(ValueError, match=r"correlation is 2x2 but there are 3 positions"):
        check_correlation(np.eye(2), 3)
    with pytest.raises(ValueError, match=r"correlation\[0\]\[1\] \(BTC/ETH\)=1.5"):
        check_correlation([[1, 1.5], [1.5, 1]], names=["BTC", "ETH"])


def test_not_psd_message_names_the_smallest_eigenvalue() -> None:
    bad = [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]
    smallest = float(np.linalg.eigvalsh(np.array(bad)).min())
    with pytest.raises(ValueError, match=f"smallest eigenvalue {smallest:.2g}"):
        check_correlation(bad)


@pytest.mark.parametrize(
    ("matrix", "advice"),
    [
        # BTC~ETH and ETH~SOL high, BTC~SOL strongly negative: the negative one must go up.
        ([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]], None),
        ([[1, 0.95, 0.95], [0.95, 1, 0.95], [0.95, 0.95, 1]], None),  # valid: no error
        # Two pairs at 0.95 around one at -0.2: lowering a 0.95 pair helps most (first order).
        (
            [[1, 0.95, -0.2], [0.95, 1, 0.95], [-0.2, 0.95, 1]],
            r"Lower correlation\[(0\]\[1|1\]\[2)\]=0.95",
        ),
        ([[1, -0.9, -0.9], [-0.9, 1, -0.9], [-0.9, -0.9, 1]], r"Raise correlation"),
    ],
)
def test_not_psd_advice_points_at_the_entry_to_move(matrix, advice) -> None:
    c = np.array(matrix, dtype=float)
    if np.linalg.eigvalsh(c).min() >= 0:
        assert np.array_equal(check_correlation(c), c)
        return
    with pytest.raises(ValueError) as err:
        check_correlation(c)
    msg = str(err.value)
    if advice is not None:
        assert re.search(advice, msg), msg
    # Following the advice a little raises the smallest eigenvalue.
    i, j = (int(x) for x in re.search(r"correlation\[(\d)\]\[(\d)\]", msg).groups())
    step = 0.05 if "Raise" in msg else -0.05
    moved = c.copy()
    moved[i, j] += step
    moved[j, i] += step
    assert np.linalg.eigvalsh(moved).min() > np.linalg.eigvalsh(c).min()


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 5),
    rank=st.integers(1, 5),
    seed=st.integers(0, 10_000),
)
def test_factor_reproduces_any_valid_matrix_including_singular_ones(n, rank, seed) -> None:
    rng = np.random.default_rng(seed)
    v = rng.standard_normal((n, min(rank, n)))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    c = v @ v.T
    np.fill_diagonal(c, 1.0)
    lo = correlation_factor(c)
    assert np.allclose(lo @ lo.T, c, atol=1e-8)


def test_factor_of_perfect_correlation_uses_one_shock() -> None:
    lo = correlation_factor(np.ones((3, 3)))
    assert np.allclose(lo, [[1, 0, 0], [1, 0, 0], [1, 0, 0]])


def test_common_correlation_bounds() -> None:
    c = common_correlation(-0.25, 5)
    assert np.allclose(np.linalg.eigvalsh(c).min(), 0.0, atol=1e-12)  # the lowest valid value
    with pytest.raises(ValueError, match=r"rho=-0.3 is out of range; allowed: -0.25 <= rho <= 1"):
        common_correlation(-0.3, 5)


# --- presets -----------------------------------------------------------------------------------
def test_presets_are_valid_and_sourced() -> None:
    presets = correlation_presets()
    assert len(presets) >= 3
    for p in presets.values():
        assert p.source and p.as_of
        assert len(p.assets) == len(p.vol_presets) == p.matrix.shape[0]
        if "SOL" in p.assets:
            assert "assum" in p.source.lower()
    from risk.volatility import vol_presets

    known = vol_presets()
    assert all(v in known for p in presets.values() for v in p.vol_presets)


def test_every_sol_figure_is_labelled_an_assumption() -> None:
    for pair in measured_correlations():
        assert pair["source"] and pair["as_of"]
        if "SOL" in pair["assets"]:
            assert pair["measured"] is False
            assert pair["source"].startswith("Assumption")


def _returns(tf: str):
    pd = pytest.importorskip("pandas")
    folder = DATA / "binance_usdm_perp_2025"
    paths = [folder / f"{a}_USDT_USDT-{tf}-futures.feather" for a in ("BTC", "ETH")]
    if not all(p.is_file() for p in paths):
        pytest.skip("shared market data not available")
    pytest.importorskip("pyarrow")
    closes = [pd.read_feather(p).set_index("date")["close"] for p in paths]
    both = pd.concat(closes, axis=1, join="inner")
    return np.log(both).diff().dropna()


@pytest.mark.parametrize("tf", ["5m", "1h", "1m"])
def test_btc_eth_figures_match_the_shared_data(tf: str) -> None:
    r = _returns(tf)
    measured = float(np.corrcoef(r.to_numpy().T)[0, 1])
    stored = [
        p for p in measured_correlations() if p["assets"] == ["BTC", "ETH"] and p["interval"] == tf
    ]
    assert len(stored) == 1
    assert stored[0]["correlation"] == pytest.approx(measured, abs=0.005)
    assert stored[0]["returns"] == len(r)


# --- validation -------------------------------------------------------------------------------
def _two() -> list[CrossPosition]:
    return [
        CrossPosition("BTC", "long", 0.6, notional=10_000.0),
        CrossPosition("ETH", "long", 0.8, notional=8_000.0),
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"side": "up"}, r"side='up' is not known; allowed: long, short"),
        ({"vol_annual": 0.0}, r"vol_annual=0 is out of range"),
        ({"vol_annual": 25.0}, r"vol_annual=25 is out of range"),
        ({"mmr": 0.6}, r"mmr=0.6 is out of range"),
        ({"notional": -5.0}, r"notional=-5 is out of range"),
        ({"notional": None}, r"give notional, or both quantity and entry_price"),
        ({"quantity": 1.0, "entry_price": 10.0}, r"allowed: notional alone"),
        ({"asset": " "}, r"asset=' ' is empty"),
    ],
)
def test_bad_positions(kwargs, message) -> None:
    args = {"asset": "BTC", "side": "long", "vol_annual": 0.6, "notional": 1_000.0, **kwargs}
    with pytest.raises(ValueError, match=message):
        CrossPosition(**args)


def test_quantity_and_entry_give_the_notional() -> None:
    assert CrossPosition("BTC", "long", 0.6, quantity=0.2, entry_price=50_000.0).notional_quote == (
        pytest.approx(10_000.0)
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"positions": "one"}, r"allowed: 2 to 5 positions"),
        ({"positions": 1}, r"is not a list"),
        ({"positions": [1, 2]}, r"allowed: CrossPosition items"),
        ({"wallet_balance": -1.0}, r"wallet_balance=-1 is out of range"),
        ({"wallet_balance": 50.0}, r"does not cover the maintenance margin 72 at entry"),
        ({"horizon_days": 0.0}, r"horizon_days=0 is out of range"),
        ({"horizon_days": 31.0}, r"horizon_days=31 is out of range"),
        ({"paths": 50}, r"paths=50 is out of range; allowed: 100 <= paths"),
        ({"paths": 1000.5}, r"paths=1000.5 is not a whole number"),
        ({"monitoring": "hourly"}, r"monitoring='hourly' is not known"),
        ({"step_minutes": 0.5, "horizon_days": 20.0}, r"steps=57600 .* is out of range"),
        ({"correlation": np.eye(3)}, r"correlation is 3x3 but there are 2 positions"),
    ],
)
def test_bad_account_inputs(change, message) -> None:
    args = {
        "positions": _two(),
        "wallet_balance": 1_000.0,
        "correlation": np.eye(2),
        "horizon_days": 1.0,
        "paths": 200,
    }
    if change.get("positions") == "one":
        change = {"positions": _two()[:1]}
    args.update(change)
    pos = args.pop("positions")
    with pytest.raises(ValueError, match=message):
        account_liquidation_odds(pos, **args)


def test_six_positions_are_too_many() -> None:
    six = [CrossPosition(f"A{i}", "long", 0.5, notional=100.0) for i in range(6)]
    with pytest.raises(ValueError, match=r"positions: got 6; allowed: 2 to 5 positions"):
        account_liquidation_odds(six, 1_000.0, np.eye(6), 1.0, paths=200)


def test_bad_correlation_grids() -> None:
    with pytest.raises(ValueError, match=r"rhos has 22 values; allowed: 1 to 21"):
        odds_vs_correlation(_two(), 1_000.0, np.linspace(0, 1, 22), 1.0, paths=200)
    with pytest.raises(ValueError, match=r"rhos=1.5 is out of range"):
        odds_vs_correlation(_two(), 1_000.0, [0.5, 1.5], 1.0, paths=200)
    three = [*_two(), CrossPosition("SOL", "long", 1.0, notional=1_000.0)]
    with pytest.raises(ValueError, match=r"rho=-0.6 is out of range; allowed: -0.5 <= rho"):
        odds_vs_correlation(three, 1_000.0, [-0.6], 1.0, paths=200)
