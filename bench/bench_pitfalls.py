"""Pitfalls lab: the joint simulation of a 5-asset cross account (20,000 paths, one day at
5-minute steps = 288 steps), the correlation sweep, the exit-rule comparison and the trade
sequences, at the sizes the pages use."""

from __future__ import annotations

import statistics
import time

import numpy as np

from risk.correlated import (
    CrossPosition,
    account_liquidation_odds,
    common_correlation,
    odds_vs_correlation,
)
from risk.sequence import (
    fixed_leverage_policy,
    fixed_risk_policy,
    martingale_policy,
    simulate_sequences,
)
from risk.trailing import (
    ExitRules,
    PriceModel,
    compare_exit_rules,
    exits_at_leverage,
    prepare_exit_paths,
    simulate_prices,
)


def _median_ms(fn, repeat: int = 7) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


FIVE = [
    CrossPosition("BTC", "long", 0.54, notional=10_000.0),
    CrossPosition("ETH", "long", 0.71, notional=6_000.0),
    CrossPosition("SOL", "long", 1.14, notional=4_000.0),
    CrossPosition("LTC", "long", 1.14, notional=3_000.0),
    CrossPosition("DOGE", "long", 1.5, notional=2_000.0),
]
CORR = common_correlation(0.75, 5)


def rows() -> list[dict]:
    def joint(**kw) -> None:
        account_liquidation_odds(FIVE, 2_500.0, CORR, 1.0, paths=20_000, seed=1, **kw)

    main = _median_ms(lambda: joint(compare_uncorrelated=False))
    both = _median_ms(lambda: joint(compare_uncorrelated=True))
    plain = _median_ms(lambda: joint(compare_uncorrelated=False, antithetic=False), repeat=5)
    sweep = _median_ms(
        lambda: odds_vs_correlation(
            FIVE, 2_500.0, np.linspace(-0.2, 1.0, 11), 1.0, paths=5_000, seed=1
        ),
        repeat=3,
    )
    rules = ExitRules(0.02, 0.04, 0.02)
    gappy = PriceModel(0.6, jumps_per_year=50.0, jump_mean=-0.03, jump_std=0.03)
    exits = _median_ms(
        lambda: compare_exit_rules("long", 10, rules, gappy, 1.0, paths=5_000, seed=1), repeat=5
    )
    _, x, gap = simulate_prices(gappy, 1.0, paths=5_000, seed=1)
    prepared = prepare_exit_paths(x, gap, "long", rules)
    levs = iter(np.linspace(2.0, 125.0, 1_000))
    new_lev = _median_ms(lambda: exits_at_leverage(prepared, float(next(levs))), repeat=9)
    pols = [
        fixed_risk_policy(0.01, 1.5),
        fixed_leverage_policy(20, 0.25, 0.02, 1.5),
        martingale_policy(0.02, 1.5, 2.0, 1.0),
    ]
    seq = _median_ms(lambda: simulate_sequences(pols, 0.45, 100, paths=10_000), repeat=5)
    return [
        {
            "name": "cross account, 20,000 paths x 5 assets x 288 steps",
            "median_ms": main,
            "target": "<= 500 ms",
            "note": "account odds + each position alone; antithetic pairs, float32, 2 threads",
        },
        {
            "name": "same + uncorrelated guess on the same numbers",
            "median_ms": both,
            "target": "page",
            "ratio": both / main,
            "note": "ratio = / the row above",
        },
        {
            "name": "same, 20,000 independent paths (no antithetic)",
            "median_ms": plain,
            "target": "reference",
            "ratio": plain / main,
            "note": "ratio = / antithetic",
        },
        {
            "name": "odds vs correlation, 11 values x 5,000 paths x 288 steps",
            "median_ms": sweep,
            "target": "page",
        },
        {
            "name": "exit rules, 5,000 gappy paths x 288 steps x 3 rules",
            "median_ms": exits,
            "target": "page",
            "note": "simulation + every barrier's first crossing + the outcomes",
        },
        {
            "name": "same paths and rules, a new leverage (prepared paths)",
            "median_ms": new_lev,
            "target": "page",
            "ratio": new_lev / exits,
            "note": "what a Trailing stops leverage move computes; ratio = / the row above",
        },
        {
            "name": "trade sequences, 3 policies x 10,000 paths x 100 trades",
            "median_ms": seq,
            "target": "page",
        },
    ]


if __name__ == "__main__":
    for r in rows():
        print(r)
