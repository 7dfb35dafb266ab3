"""``python -m risk odds``: odds of liquidation for a grid of leverages.

A stable contract for other tools: with ``--json`` a JSON list, one object per leverage in the
order given, with the keys in :data:`JSON_KEYS` (plus ``p_stop_first`` and
``p_gap_through_stop`` with ``--stop-frac``, and ``stderr`` (of ``p_liquidation``),
``stderr_right_but_liquidated`` and ``stderr_stop_first`` for Monte Carlo). Probabilities are
fractions; "not applicable" (no median because under half the paths are liquidated, no
liquidation price) is ``null``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from risk.calibration import MaxLeverage, max_leverage_for
from risk.odds import ODDS_MODELS, OddsResult, liquidation_odds, price_model
from risk.paths import load_price_csv

JSON_KEYS = (
    "leverage",
    "liquidation_price_frac",
    "distance_frac",
    "p_liquidation",
    "p_right_but_liquidated",
    "median_days_to_liquidation",
)


def _leverage_list(text: str) -> list[float]:
    try:
        values = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of numbers (e.g. 5,10,20)"
        ) from None
    if not values:
        raise argparse.ArgumentTypeError("give at least one leverage (e.g. 5,10,20)")
    return values


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "odds",
        help="odds of liquidation for a grid of leverages",
        description="Odds that the price touches the liquidation price within a horizon, for "
        "several leverages at once (generic venue with one maintenance rate).",
    )
    p.add_argument(
        "--side", choices=("long", "short"), help="required, except with --max-leverage-for (long)"
    )
    p.add_argument(
        "--leverage",
        type=_leverage_list,
        help="comma-separated, e.g. 5,10,20,50; required except with --max-leverage-for",
    )
    p.add_argument(
        "--vol",
        type=float,
        help="annualized volatility as a fraction (0.6 = 60%%); required except for bootstrap",
    )
    p.add_argument("--horizon-days", type=float, default=1.0, help="1/1440 (a minute) to 90")
    p.add_argument("--mmr", type=float, default=0.004, help="maintenance margin rate (0.004)")
    p.add_argument(
        "--drift", type=float, default=0.0, help="log-price drift per year (0.1 = +10%% a year)"
    )
    p.add_argument("--stop-frac", type=float, help="stop distance from entry (0.01 = 1%%)")
    p.add_argument(
        "--model",
        choices=ODDS_MODELS,
        default=None,
        help="default gbm; with --max-leverage-for: history, the calibrated model (the one the "
        "calibration on the shipped BTC history scores best: filtered history at --vol)",
    )
    p.add_argument(
        "--max-leverage-for",
        type=float,
        metavar="P",
        help="print the highest whole leverage whose odds of liquidation over the horizon stay "
        "below P (0.05 = 5%%); --vol defaults to 0.54",
    )
    p.add_argument("--df", type=float, default=3.0, help="Student-t degrees of freedom (> 2)")
    p.add_argument("--jump-rate", type=float, default=12.0, help="jumps per year (jump model)")
    p.add_argument("--jump-mean", type=float, default=0.0, help="mean log jump size")
    p.add_argument("--jump-std", type=float, default=0.04, help="std of the log jump size")
    p.add_argument("--csv", help="price CSV (timestamp, close) for the bootstrap model")
    p.add_argument("--block-len", type=int, default=24, help="bootstrap block length in steps")
    p.add_argument(
        "--method",
        choices=("closed-form", "monte-carlo"),
        help="default: closed-form for gbm, monte-carlo otherwise",
    )
    p.add_argument("--paths", type=int, default=20_000, help="Monte Carlo paths (20000)")
    p.add_argument("--steps", type=int, default=288, help="Monte Carlo steps over the horizon")
    p.add_argument("--seed", type=int, default=None, help="random seed (reproducible runs)")
    p.add_argument(
        "--correction",
        choices=("bridge", "bgk", "none"),
        default="bridge",
        help="crossings between steps: exact Brownian bridge (default), BGK shift, none",
    )
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(run=run)


def compute(args: argparse.Namespace) -> OddsResult:
    """The odds for the parsed arguments (raises ValueError on bad input)."""
    if args.side is None:
        raise ValueError("--side is missing; allowed: long or short")
    if args.leverage is None:
        raise ValueError("--leverage is missing; allowed: a comma-separated list (5,10,20)")
    if args.model is None:
        args.model = "gbm"
    closes = None
    if args.model == "bootstrap":
        if not args.csv:
            raise ValueError("--csv is missing; allowed: the bootstrap model needs a price CSV")
        closes = load_price_csv(args.csv)
    elif args.csv:
        raise ValueError(f"--csv given with --model {args.model}; allowed: only with bootstrap")
    if args.vol is None and args.model != "bootstrap":
        raise ValueError(f"--vol is missing; allowed: 0 < vol <= 20 for model {args.model}")
    return liquidation_odds(
        args.side,
        args.leverage,
        args.vol,
        args.horizon_days,
        mmr=args.mmr,
        drift_annual=args.drift,
        stop_frac=args.stop_frac,
        model=args.model,
        method=args.method,
        df=args.df,
        jump_rate_per_year=args.jump_rate,
        jump_mean_log=args.jump_mean,
        jump_std_log=args.jump_std,
        closes=closes,
        block_len=args.block_len,
        n_paths=args.paths,
        n_steps=args.steps,
        seed=args.seed,
        correction=args.correction,
        keep_roi=False,
    )


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.2%}"


def _days(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x * 24:.1f} h" if x < 1 else f"{x:.2f} d"


def _horizon_text(days: float) -> str:
    """``1 day``, ``7 days``, ``1 hour``, ``15 minutes``: the horizon in the unit a reader uses."""
    for unit, size in (("day", 1.0), ("hour", 1.0 / 24.0), ("minute", 1.0 / 1440.0)):
        count = days / size
        if count >= 1.0 - 1e-9:
            return f"{count:.4g} {unit}{'' if abs(count - 1.0) < 1e-9 else 's'}"
    return f"{days * 86_400:.4g} seconds"


def max_leverage(args: argparse.Namespace) -> MaxLeverage:
    """``--max-leverage-for``: the search of :func:`risk.calibration.max_leverage_for`."""
    side = args.side or "long"
    vol = 0.54 if args.vol is None else args.vol
    kind = args.model or "history"
    model = None
    if kind != "history":
        closes = load_price_csv(args.csv) if kind == "bootstrap" and args.csv else None
        model = price_model(
            kind,
            None if kind == "bootstrap" and args.vol is None else vol,
            drift_annual=args.drift,
            df=args.df,
            jump_rate_per_year=args.jump_rate,
            jump_mean_log=args.jump_mean,
            jump_std_log=args.jump_std,
            closes=closes,
            block_len=args.block_len,
        )
    return max_leverage_for(
        args.max_leverage_for,
        side,
        args.horizon_days,
        vol,
        mmr=args.mmr,
        model=model,
        n_paths=args.paths,
        seed=0 if args.seed is None else args.seed,
    )


def run_max_leverage(args: argparse.Namespace) -> int:
    r = max_leverage(args)
    kind = args.model or "history"
    if args.json:
        rec = {
            "target": r.target,
            "side": r.side,
            "horizon_days": r.horizon_days,
            "vol_annual": r.vol_annual,
            "model": kind,
            "max_leverage": r.max_leverage if math.isfinite(r.max_leverage) else None,
            "p_at_max": r.p_at_max if math.isfinite(r.p_at_max) else None,
            "p_next": r.p_next if math.isfinite(r.p_next) else None,
        }
        sys.stdout.write(json.dumps(rec) + "\n")
        return 0
    what = f"{r.side}, horizon {_horizon_text(r.horizon_days)}, vol {r.vol_annual:.0%} a year"
    sys.stdout.write(f"{what}, mmr {args.mmr:.2%}, model {kind}\n")
    if not math.isfinite(r.max_leverage):
        sys.stdout.write(
            f"No whole leverage keeps the odds of liquidation below {r.target:.2%} "
            f"(1x: {r.p_next:.2%}).\n"
        )
        return 0
    nxt = f"; at {r.max_leverage + 1:g}x: {r.p_next:.2%}" if math.isfinite(r.p_next) else ""
    sys.stdout.write(
        f"Highest whole leverage with P(liquidation) below {r.target:.2%}: "
        f"{r.max_leverage:g}x (P = {r.p_at_max:.2%}{nxt}; Monte Carlo, {args.paths:,} paths)\n"
    )
    return 0


def run(args: argparse.Namespace) -> int:
    if args.max_leverage_for is not None:
        return run_max_leverage(args)
    res = compute(args)
    recs = res.records()
    if args.json:
        sys.stdout.write(json.dumps(recs) + "\n")
        return 0
    mc = res.method == "monte-carlo"
    how = (
        f"{res.model}, Monte Carlo {res.n_paths:,} paths x {res.n_steps} steps"
        if mc
        else "gbm, closed form"
    )
    vol = res.params.get("vol_annual")
    sys.stdout.write(
        f"{res.side}, horizon {_horizon_text(res.horizon_days)}, vol {vol:.0%} a year, mmr "
        f"{args.mmr:.2%} ({how})\n"
    )
    header = ["leverage", "move to LP", "P(liq)", "P(right, liq)", "median to liq"]
    if res.p_stop_first is not None:
        header.append(f"P(stop {args.stop_frac:.2%} first)")
    if mc:
        header.append("+/- (1 se)")
    rows = []
    for r in recs:
        row = [
            f"{r['leverage']:g}x",
            _pct(r["distance_frac"]),
            _pct(r["p_liquidation"]),
            _pct(r["p_right_but_liquidated"]),
            _days(r["median_days_to_liquidation"]),
        ]
        if res.p_stop_first is not None:
            row.append(_pct(r["p_stop_first"]))
        if mc:
            row.append(_pct(r["stderr"]))
        rows.append(row)
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    sys.stdout.write("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)) + "\n")
    for row in rows:
        sys.stdout.write("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) + "\n")
    return 0
