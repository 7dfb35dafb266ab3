"""Tests for risk.sequence: ruin against exact calculations (a recursion over the number of
losses; enumeration of every win/loss sequence), hand-worked equity paths, drawdowns."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from risk.sequence import (
    Policy,
    equity_paths,
    fixed_leverage_policy,
    fixed_risk_policy,
    martingale_policy,
    max_drawdown,
    simulate_sequences,
)


def exact_ruin_fixed_fraction(f, reward, p, n, floor):
    """P(equity < floor at some trade) for risk fraction f: after w wins and l losses the
    equity is (1 - f)^l (1 + reward f)^w whatever the order, so the state is the number of
    losses so far; ruined states absorb their probability."""
    alive = {0: 1.0}  # losses -> probability, among paths not yet ruined
    ruined = 0.0
    for t in range(1, n + 1):
        nxt: dict[int, float] = {}
        for losses, prob in alive.items():
            nxt[losses] = nxt.get(losses, 0.0) + prob * p
            nxt[losses + 1] = nxt.get(losses + 1, 0.0) + prob * (1 - p)
        alive = {}
        for losses, prob in nxt.items():
            equity = (1 - f) ** losses * (1 + reward * f) ** (t - losses)
            if equity < floor:
                ruined += prob
            else:
                alive[losses] = prob
    return ruined


def exact_ruin_by_enumeration(loss, gain, mult, cap, p, n, floor):
    """Every one of the 2^n win/loss sequences, walked one trade at a time."""
    total = 0.0
    for seq in itertools.product((True, False), repeat=n):
        e, k = 1.0, 1.0
        for win in seq:
            if win:
                e *= 1 + k * gain
                k = 1.0
            else:
                e *= 1 - k * loss
                k = min(k * mult, cap / loss)
            if e < floor:
                wins = sum(seq)
                total += p**wins * (1 - p) ** (n - wins)
                break
    return total


@pytest.mark.parametrize(
    ("f", "reward", "p", "n", "floor"),
    [(0.1, 1.5, 0.45, 60, 0.5), (0.05, 2.0, 0.35, 120, 0.7), (0.2, 1.0, 0.5, 40, 0.3)],
)
def test_fixed_fraction_ruin_matches_the_exact_recursion(f, reward, p, n, floor) -> None:
    exact = exact_ruin_fixed_fraction(f, reward, p, n, floor)
    assert 0.05 < exact < 0.95
    (res,) = simulate_sequences(
        [fixed_risk_policy(f, reward)], p, n, paths=20_000, floor_frac=floor, seed=7
    )
    assert abs(res.p_ruin - exact) <= 3 * math.sqrt(exact * (1 - exact) / 20_000)


def test_martingale_ruin_matches_enumeration_of_every_sequence() -> None:
    pol = martingale_policy(0.05, 1.0, multiplier=2.0, max_risk_frac=0.6)
    exact = exact_ruin_by_enumeration(0.05, 0.05, 2.0, 0.6, 0.5, 14, 0.5)
    assert 0.02 < exact < 0.9
    (res,) = simulate_sequences([pol], 0.5, 14, paths=40_000, floor_frac=0.5, seed=3)
    assert abs(res.p_ruin - exact) <= 3 * math.sqrt(exact * (1 - exact) / 40_000)


def test_worked_equity_paths() -> None:
    wins = np.array([[True, False, False]])
    eq, ruin = equity_paths(fixed_risk_policy(0.1, 2.0), wins, start_equity=1.0, floor_frac=0.5)
    assert eq[0] == pytest.approx([1.0, 1.2, 1.08, 0.972])
    assert ruin[0] == -1
    # Double after each loss, win it back: 0.9, then 0.9 * (1 - 0.2) = 0.72, then a win at
    # stake 0.4: 0.72 * 1.4 = 1.008.
    m = martingale_policy(0.1, 1.0, multiplier=2.0)
    eq, _ = equity_paths(m, np.array([[False, False, True, False]]), floor_frac=0.1)
    assert eq[0] == pytest.approx([1.0, 0.9, 0.72, 1.008, 0.9072])


def test_ruin_is_absorbing_and_dated() -> None:
    pol = Policy("big", loss_frac=0.5, gain_frac=0.5)
    eq, ruin = equity_paths(pol, np.array([[False, False, True, True]]), floor_frac=0.3)
    # 0.5, then 0.25 < 0.3: ruined after trade 2, no more trading
    assert ruin[0] == 2
    assert eq[0] == pytest.approx([1.0, 0.5, 0.25, 0.25, 0.25])


def test_martingale_stake_is_capped() -> None:
    m = martingale_policy(0.2, 1.0, multiplier=3.0, max_risk_frac=0.5)
    eq, _ = equity_paths(m, np.array([[False, False, False]]), floor_frac=0.01)
    # stakes 0.2, then min(0.6, 0.5) = 0.5, then 0.5 again
    assert eq[0] == pytest.approx([1.0, 0.8, 0.4, 0.2])


def test_fixed_leverage_losses() -> None:
    calm = fixed_leverage_policy(20, 0.25, 0.02, 1.5)
    assert calm.loss_frac == pytest.approx(0.25 * 20 * 0.02)  # 10% of equity
    assert calm.gain_frac == pytest.approx(0.25 * 20 * 1.5 * 0.02)
    # 50x: liquidation (1 - 0.98/0.996) about 1.6% away, before a 2.5% stop
    wild = fixed_leverage_policy(50, 0.5, 0.025, 1.5)
    assert wild.loss_frac == pytest.approx(0.5)
    assert "liquidat" in wild.note


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0.01, 100.0), min_size=1, max_size=40))
def test_max_drawdown_matches_a_plain_loop(values) -> None:
    peak, worst = values[0], 0.0
    for v in values:
        peak = max(peak, v)
        worst = max(worst, 1 - v / peak)
    assert max_drawdown(np.array([values]))[0] == pytest.approx(worst, abs=1e-12)


def test_policies_share_the_same_sequences_and_cones_are_ordered() -> None:
    a = fixed_risk_policy(0.02, 1.5)
    same = Policy("copy", a.loss_frac, a.gain_frac)
    res = simulate_sequences([a, same], 0.5, 50, paths=2_000, sample_paths=3)
    assert np.array_equal(res[0].final_equity, res[1].final_equity)
    cones = res[0].cones
    assert cones.shape == (5, 51)
    assert np.all(np.diff(cones, axis=0) >= 0)
    assert np.all(cones[:, 0] == 1_000.0)
    assert res[0].sample_equity.shape == (3, 51)


def test_fixed_small_risk_is_ruined_less_than_raising_after_losses() -> None:
    res = simulate_sequences(
        [fixed_risk_policy(0.01, 1.5), martingale_policy(0.02, 1.5, 2.0, 1.0)],
        0.45,
        100,
        paths=5_000,
    )
    assert res[0].p_ruin < 0.01 < 0.3 < res[1].p_ruin


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: simulate_sequences([fixed_risk_policy(0.01, 1)], 1.2, 10), r"win_rate=1.2"),
        (lambda: simulate_sequences([fixed_risk_policy(0.01, 1)], 0.5, 0), r"n_trades=0"),
        (
            lambda: simulate_sequences([fixed_risk_policy(0.01, 1)], 0.5, 10, paths=99.0),
            r"paths=99.0 is not a whole number",
        ),
        (
            lambda: simulate_sequences([fixed_risk_policy(0.01, 1)], 0.5, 10, floor_frac=1.0),
            r"floor_frac=1 is out of range",
        ),
        (lambda: simulate_sequences([], 0.5, 10), r"policies: got 0; allowed: 1 to 6"),
        (lambda: simulate_sequences(["x"], 0.5, 10), r"allowed: Policy items"),
        (lambda: fixed_risk_policy(0.0, 1.0), r"risk_frac=0 is out of range"),
        (lambda: fixed_risk_policy(0.01, -1.0), r"reward_to_risk=-1 is out of range"),
        (lambda: Policy("x", 1.5, 0.1), r"loss_frac=1.5 is out of range"),
        (lambda: Policy("x", 0.2, 0.1, max_loss_frac=0.1), r"max_loss_frac=0.1 is out of range"),
        (lambda: martingale_policy(0.05, 1.0, multiplier=0.5), r"multiplier=0.5 is out of range"),
        (lambda: fixed_leverage_policy(500, 0.1, 0.01, 1.0), r"leverage=500 is out of range"),
    ],
)
def test_bad_inputs(call, message) -> None:
    with pytest.raises(ValueError, match=message):
        call()
