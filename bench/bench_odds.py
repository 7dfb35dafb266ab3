"""Liquidation-odds engine: 20,000 paths x 288 steps (one day at 5-minute steps) x 125 leverage
levels (1x to 125x), EVERY output (P(liquidation), P(right but liquidated), P(stop first) and
P(gap through the stop) for a 1% stop, the survival curve at 96 checkpoints, the median time to
liquidation, the ROI of every path at every leverage), against two baselines on the same paths
(same seed; per-step lows instead of running lows), both of which loop over the leverage levels:

- "per path, step by step" (the issue's straightforward baseline): for each leverage, for each
  path, walk the steps in Python until the LP is reached, noting whether the stop came first;
  the outputs follow from those first-passage steps. It would take minutes at full size, so it is
  timed on the first ``PY_PATHS`` paths (all 125 leverages, all steps) and scaled linearly in the
  number of paths (its cost is linear in paths), plus the full-size simulation.
- "numpy per step", a much stronger baseline: for each leverage, for each of the 288 steps,
  one vectorized check of all 20,000 paths. Full size, in the same run.

Ratios are baseline / engine medians from the same process.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from risk.odds import (
    liquidation_barriers,
    liquidation_odds,
    odds_closed_form,
    odds_from_paths,
    stop_barrier_log,
)
from risk.paths import gbm, simulate_paths

N_PATHS, N_STEPS, N_TIMES = 20_000, 288, 96
LEVERAGE = np.arange(1.0, 126.0)  # 125 levels
VOL, HORIZON_DAYS, STOP = 0.6, 1.0, 0.01


def _median_ms(fn, repeat: int) -> float:
    times = []
    for i in range(repeat):
        t0 = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def engine(seed: int):
    return liquidation_odds(
        "long",
        LEVERAGE,
        VOL,
        HORIZON_DAYS,
        method="monte-carlo",
        n_paths=N_PATHS,
        n_steps=N_STEPS,
        seed=seed,
        stop_frac=STOP,
        n_times=N_TIMES,
        keep_roi=True,
    )


def baseline(seed: int) -> dict[str, np.ndarray]:
    """Every output by looping over leverages and steps (see the module docstring)."""
    paths = simulate_paths(
        gbm(VOL), "long", HORIZON_DAYS, n_paths=N_PATHS, n_steps=N_STEPS, seed=seed, running=False
    )
    _, b = liquidation_barriers("long", LEVERAGE)
    b32 = b.astype(np.float32)
    s32 = np.float32(stop_barrier_log("long", STOP))
    low, y_end = paths.low, paths.y[-1]
    n = N_PATHS
    checkpoints = np.unique(np.round(np.linspace(0, N_STEPS, N_TIMES + 1)[1:]).astype(int) - 1)
    out = {k: np.zeros(LEVERAGE.size) for k in ("p_liq", "p_right", "p_stop", "median")}
    out["survival"] = np.ones((checkpoints.size + 1, LEVERAGE.size))
    out["roi"] = np.empty((LEVERAGE.size, n), dtype=np.float32)
    for j, lev in enumerate(LEVERAGE):
        first = np.full(n, N_STEPS)  # first step at or below the LP; N_STEPS = never
        stopped = np.zeros(n, dtype=bool)
        alive = np.ones(n, dtype=bool)
        for k in range(N_STEPS):
            # the stop fills at a step whose low reaches it while the position is still open
            # (continuous bridged paths reach a nearer stop before the LP)
            if s32 > b32[j]:
                stopped |= alive & ~stopped & (low[k] <= s32)
            hit = alive & (low[k] <= b32[j])
            first[hit] = k
            alive &= ~hit
        liq = first < N_STEPS
        out["p_liq"][j] = liq.mean()
        out["p_right"][j] = (liq & (y_end >= 0)).mean()
        out["p_stop"][j] = stopped.mean()
        for i, c in enumerate(checkpoints):
            out["survival"][i + 1, j] = 1.0 - (first <= c).mean()
        ordered = np.sort(first)
        out["median"][j] = (ordered[n // 2] + 1) * paths.dt_days if liq.mean() >= 0.5 else np.nan
        roi = np.float32(lev) * np.expm1(y_end)
        roi[liq] = -1.0
        out["roi"][j] = roi
    return out


PY_PATHS = 200


def baseline_python(seed: int) -> dict[str, list]:
    """The literal baseline on the first ``PY_PATHS`` paths: Python loops over leverages, paths
    and steps, stopping each walk at liquidation."""
    paths = simulate_paths(
        gbm(VOL), "long", HORIZON_DAYS, n_paths=N_PATHS, n_steps=N_STEPS, seed=seed, running=False
    )
    _, b = liquidation_barriers("long", LEVERAGE)
    stop = float(np.float32(stop_barrier_log("long", STOP)))
    lows = paths.low[:, :PY_PATHS].T.tolist()  # per path, its step lows
    ends = paths.y[-1, :PY_PATHS].tolist()
    out: dict[str, list] = {"p_liq": [], "p_right": [], "p_stop": [], "first": []}
    for j in range(LEVERAGE.size):
        lp = float(np.float32(b[j]))
        firsts, n_right, n_stop = [], 0, 0
        for p in range(PY_PATHS):
            first, stopped = N_STEPS, False
            for k, low in enumerate(lows[p]):
                if not stopped and stop > lp and low <= stop:
                    stopped = True
                if low <= lp:
                    first = k
                    break
            firsts.append(first)
            n_stop += stopped
            n_right += first < N_STEPS and ends[p] >= 0
        out["first"].append(firsts)
        out["p_liq"].append(sum(f < N_STEPS for f in firsts) / PY_PATHS)
        out["p_right"].append(n_right / PY_PATHS)
        out["p_stop"].append(n_stop / PY_PATHS)
    return out


def rows() -> list[dict]:
    engine(0)  # warm up (thread pool, imports)
    eng = _median_ms(engine, repeat=7)
    base = _median_ms(baseline, repeat=2)
    py_part = _median_ms(baseline_python, repeat=1)
    # the two halves of the engine, timed separately within the same runs
    sim_t, out_t = [], []
    for seed in range(7):
        t0 = time.perf_counter()
        ps = simulate_paths(
            gbm(VOL), "long", HORIZON_DAYS, n_paths=N_PATHS, n_steps=N_STEPS, seed=seed
        )
        t1 = time.perf_counter()
        odds_from_paths(ps, LEVERAGE, stop_frac=STOP, n_times=N_TIMES, keep_roi=True)
        t2 = time.perf_counter()
        sim_t.append((t1 - t0) * 1e3)
        out_t.append((t2 - t1) * 1e3)
        del ps
    sim, outs = statistics.median(sim_t), statistics.median(out_t)
    cf = _median_ms(
        lambda s: odds_closed_form(
            "long", LEVERAGE, VOL, HORIZON_DAYS, stop_frac=STOP, n_times=N_TIMES
        ),
        repeat=7,
    )
    # the baseline computes the same numbers: check, so the ratio compares like with like
    res, ref = engine(1), baseline(1)
    same = (
        np.array_equal(res.p_liquidation, ref["p_liq"])
        and np.array_equal(res.p_right_but_liquidated, ref["p_right"])
        and np.array_equal(res.p_stop_first, ref["p_stop"])
        and np.allclose(res.survival, ref["survival"], atol=1e-12)
    )
    # the Python baseline's time includes one full-size simulation; scale only the loops
    py = sim + (py_part - sim) * N_PATHS / PY_PATHS
    py_ref = baseline_python(1)
    sub = odds_from_paths(
        simulate_paths(
            gbm(VOL), "long", HORIZON_DAYS, n_paths=N_PATHS, n_steps=N_STEPS, seed=1
        ).subset(PY_PATHS),
        LEVERAGE,
        stop_frac=STOP,
        n_times=N_TIMES,
        keep_roi=False,
    )
    same_py = (
        np.array_equal(sub.p_liquidation, py_ref["p_liq"])
        and np.array_equal(sub.p_right_but_liquidated, py_ref["p_right"])
        and np.array_equal(sub.p_stop_first, py_ref["p_stop"])
    )
    size = f"{N_PATHS:,} paths x {N_STEPS} steps x {LEVERAGE.size} leverages"
    return [
        {
            "name": f"odds engine, every output, {size}",
            "median_ms": eng,
            "target": "<= 150 ms",
            "note": "median of 7 runs, seeds 0-6",
        },
        {
            "name": "  part 1: simulating the paths (bridge minima)",
            "median_ms": sim,
            "target": "",
            "note": "float32, time-major, 2 threads; parts timed in separate runs",
        },
        {
            "name": "  part 2: every output for 125 leverages from the paths",
            "median_ms": outs,
            "target": "",
            "note": "sorted minima + searchsorted, 96 sorted checkpoints, ROI matrix",
        },
        {
            "name": "baseline: leverages x paths x steps, Python loops",
            "median_ms": py,
            "target": "ratio >= 20x",
            "ratio": py / eng,
            "note": f"loops timed on {PY_PATHS} of {N_PATHS:,} paths and scaled "
            f"x{N_PATHS // PY_PATHS}, plus the full simulation; outputs on those paths "
            + ("identical" if same_py else "DIFFER"),
        },
        {
            "name": "stronger baseline: leverages x steps, numpy over all paths",
            "median_ms": base,
            "target": "(not the issue's)",
            "ratio": base / eng,
            "note": "full size, median of 2 runs; outputs " + ("identical" if same else "DIFFER"),
        },
        {
            "name": f"closed form (GBM), {LEVERAGE.size} leverages, {N_TIMES} survival times",
            "median_ms": cf,
            "target": "",
            "note": "exact, continuous monitoring",
        },
    ]


if __name__ == "__main__":
    for r in rows():
        print(r)
