"""``make handout``: the printable handout of the "Why 50x is fragile" lesson, one page per step.

Run: ``.venv/bin/python -m tools.handout [--out DIR] [--format png|pdf] [--vol PRESET]
[--side long|short] [--horizon "1 day"]``. Default: build/handout/step-01-room.png ... for the
lesson's defaults (a long, BTC's typical volatility, the calibrated model, Binance's first
BTCUSDT maintenance tier, 5,000 paths, seed 0), the same figures the page shows. Pages are
drawn by kaleido with Debian's chromium (``ui.handout``); nothing is fetched from the network.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import numpy as np

from risk.odds import liquidation_odds, price_model, sample_price_paths
from risk.volatility import vol_presets
from ui import handout, model
from ui import lesson_present as lp

ROOT = Path(__file__).resolve().parents[1]
#: The page's settings (pages/why_50x.py): label -> (days, steps), paths, seed, models.
HORIZONS = {"1 hour": (1 / 24, 60), "1 day": (1.0, 144), "1 week": (7.0, 168)}
N_PATHS, SEED, SAMPLE_PATHS, N_TIMES = 5_000, 0, 30, 12
MMR = 0.004  # Binance's first BTCUSDT tier, the page's default maintenance rate
ENTRY = 100_000.0
HEAT_LEVERAGES = (2.0, 3.0, 5.0, 10.0, 20.0, 50.0, 100.0, 125.0)
MODEL, MODEL_LABEL = "history", "Real moves, calibrated on history"


def _odds(side: str, vol: float, horizon: str, grid: np.ndarray):
    days, steps = HORIZONS[horizon]
    return liquidation_odds(
        side, grid, vol, days, mmr=MMR, model=MODEL, df=3.0, jump_rate_per_year=0.0,
        jump_mean_log=0.0, jump_std_log=0.0, n_paths=N_PATHS, n_steps=steps, seed=SEED,
        n_times=N_TIMES, keep_roi=False,
    )  # fmt: skip


def default_lesson(
    vol_name: str = "BTC typical", side: str = "long", horizon: str = "1 day"
) -> tuple[lp.LessonFacts, lp.LessonCharts]:
    """The lesson's facts and chart data for a volatility preset, computed with risk/ as the
    page does with its default settings."""
    presets = vol_presets()
    if vol_name not in presets:
        raise ValueError(f"vol={vol_name!r} is not a preset; allowed: {', '.join(presets)}")
    if horizon not in HORIZONS:
        raise ValueError(f"horizon={horizon!r}; allowed: {', '.join(HORIZONS)}")
    vol = presets[vol_name].vol_annual
    grid = model.odds_leverage_grid(MMR)
    results = {label: _odds(side, vol, label, grid) for label in HORIZONS}
    days, steps = HORIZONS[horizon]
    paths = sample_price_paths(
        price_model(MODEL, vol, df=3.0, jump_rate_per_year=0.0, jump_mean_log=0.0,
                    jump_std_log=0.0),
        side, days, (lp.LOW, lp.HIGH), n_paths=SAMPLE_PATHS, n_steps=steps, seed=SEED,
        mmr=MMR, entry_price=ENTRY,
    )  # fmt: skip
    heat_lev = np.asarray([lev for lev in HEAT_LEVERAGES if lev in grid])
    rows = sorted(presets.values(), key=lambda p: p.vol_annual)
    heat = np.vstack(
        [
            model.at_leverage(r.leverage, r.p_liquidation, heat_lev)
            for r in (_odds(side, p.vol_annual, horizon, grid) for p in rows)
        ]
    )
    labels = [f"{p.name} ({p.vol_annual:.0%})" for p in rows]
    facts = lp.lesson_facts(
        side=side, market=vol_name, vol_annual=vol, model_label=MODEL_LABEL, mmr=MMR,
        results=results, horizon=horizon,
    )  # fmt: skip
    charts = lp.LessonCharts(
        grid=grid,
        odds_by_horizon={label: r.p_liquidation for label, r in results.items()},
        horizon=horizon,
        right=results[horizon],
        paths=paths,
        heat=(heat_lev, np.asarray([p.vol_annual for p in rows]), heat, labels),
    )
    return facts, charts


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.handout", description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "handout")
    ap.add_argument("--format", choices=handout.FORMATS, default="png")
    ap.add_argument("--vol", default="BTC typical", help="a volatility preset of the lesson")
    ap.add_argument("--side", choices=("long", "short"), default="long")
    ap.add_argument("--horizon", choices=list(HORIZONS), default="1 day")
    args = ap.parse_args(argv)
    # the chart builders' modules import Streamlit's caches, which warn without a running app
    logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)
    try:
        facts, charts = default_lesson(args.vol, args.side, args.horizon)
    except ValueError as exc:
        print(f"handout: {exc}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in handout.render_pages(facts, charts, args.format):
        target = args.out / name
        target.write_bytes(data)
        print(f"{target} {len(data):,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
