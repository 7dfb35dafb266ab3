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
import sys
from typing import Any

from risk.odds import OddsResult, liquidation_odds
from risk.paths import MODELS, load_price_csv

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
    p.add_argument("--side", required=True, choices=("long", "short"))
    p.add_argument(
        "--leverage", required=True, type=_leverage_list, help="comma-separated, e.g. 5,10,20,50"
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
    p.add_argument("--model", choices=MODELS, default="gbm")
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


def run(args: argparse.Namespace) -> int:
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
