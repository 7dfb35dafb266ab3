"""``python -m risk calibrate``: predicted liquidation odds against what a price history did.

For every entry time of the history, did a long (short) opened at that close reach its
liquidation price within the horizon on the later bars' lows (highs)? Each model predicts the
same from the data before the entry only (:mod:`risk.calibration`). Prints, per side and
horizon, the observed share with its 95% block-bootstrap interval, the share right on direction
and liquidated anyway, and each model's mean prediction (``*`` = inside the interval); then the
Brier score and log loss per model, and a reliability table. ``--json`` prints the cells.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from risk.calibration import (
    DEFAULT_HORIZONS,
    DEFAULT_LEVERAGES,
    MODEL_LABELS,
    MODELS,
    Report,
    Settings,
    calibrate,
    horizon_label,
    parse_horizon,
)
from risk.history import DEFAULT_HISTORY, history_info, history_names, load_history
from risk.paths import load_candles_csv


def _floats(text: str) -> list[float]:
    try:
        values = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of numbers"
        ) from None
    if not values:
        raise argparse.ArgumentTypeError("give at least one number")
    return values


def _names(text: str) -> list[str]:
    out = [x.strip() for x in text.split(",") if x.strip()]
    for m in out:
        if m not in MODELS:
            raise argparse.ArgumentTypeError(
                f"model {m!r} is not known; allowed: {', '.join(MODELS)}"
            )
    return out


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "calibrate",
        help="check the odds models against a price history",
        description="For every entry time of a candle history: the share of positions that "
        "reached the liquidation price within the horizon (on highs and lows), against what "
        "each model predicted from the data before the entry.",
    )
    p.add_argument(
        "--csv", help="OHLC candles (timestamp, open, high, low, close); default: shipped history"
    )
    p.add_argument(
        "--history",
        choices=history_names(),
        default=DEFAULT_HISTORY,
        help=f"shipped history when no --csv is given (default {DEFAULT_HISTORY})",
    )
    p.add_argument("--horizons", default=DEFAULT_HORIZONS, help="e.g. 1h,8h,1d,7d")
    p.add_argument(
        "--leverage",
        type=_floats,
        default=list(DEFAULT_LEVERAGES),
        help="comma-separated (default 2,3,5,10,15,20,25,50,100)",
    )
    p.add_argument("--side", choices=("long", "short", "both"), default="long")
    p.add_argument("--models", type=_names, default=list(MODELS), help=", ".join(MODELS))
    p.add_argument("--preset-vol", type=float, default=0.54, help="gbm-preset/t-preset vol")
    p.add_argument("--half-life-days", type=float, default=3.0, help="EWMA half-life (3)")
    p.add_argument("--df", type=float, default=3.0, help="Student-t degrees of freedom (3)")
    p.add_argument("--mmr", type=float, default=0.004, help="maintenance margin rate (0.004)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="print the cells as a JSON list")
    p.set_defaults(run=run)


def compute(args: argparse.Namespace) -> tuple[Report, str]:
    if args.csv:
        candles = load_candles_csv(args.csv)
        what = args.csv
    else:
        candles = load_history(args.history)
        what = history_info(args.history).label
    horizons = [parse_horizon(h) for h in args.horizons.split(",") if h.strip()]
    if not horizons:
        raise ValueError(f"--horizons={args.horizons!r} is empty; allowed: e.g. 1h,8h,1d,7d")
    sides = ("long", "short") if args.side == "both" else (args.side,)
    settings = Settings(
        preset_vol=args.preset_vol,
        half_life_days=args.half_life_days,
        df=args.df,
        mmr=args.mmr,
        seed=args.seed,
    )
    rep = calibrate(
        candles,
        horizons_days=horizons,
        leverage=args.leverage,
        sides=sides,
        models=tuple(args.models),
        settings=settings,
    )
    return rep, what


def _pct(x: float) -> str:
    return f"{x:.2%}" if x >= 0.0001 or x == 0 else f"{x:.0e}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines) + "\n"


def render(rep: Report, what: str) -> str:
    s = rep.settings
    out = [
        f"Calibration on {what}: {rep.start:%Y-%m-%d %H:%M} to {rep.end:%Y-%m-%d %H:%M} UTC, "
        f"{horizon_label(rep.interval_days)} bars, realized volatility "
        f"{rep.data_vol_annual:.0%} a year, mmr {s.mmr:.2%}.\n"
        f"Entries: every bar after a {s.burn_in_days:g}-day burn-in; every model predicts from "
        "the data before the entry only. 95% intervals: circular block bootstrap.\n"
        f"Models: "
        + "; ".join(f"{m} = {MODEL_LABELS[m]}" for m in rep.models)
        + f" (preset {s.preset_vol:.0%}, EWMA half-life {s.half_life_days:g} days, t df "
        f"{s.df:g}).\n"
    ]
    keys = sorted({(c.side, c.horizon_days) for c in rep.cells}, key=lambda k: (k[0], k[1]))
    for side, h in keys:
        cells = [c for c in rep.cells if c.side == side and c.horizon_days == h]
        out.append(f"\n{side}, horizon {horizon_label(h)} ({cells[0].n_entries:,} entries)\n")
        header = ["leverage", "liquidated", "95% interval", "right+liq", *rep.models]
        rows = []
        for c in cells:
            rows.append(
                [
                    f"{c.leverage:g}x",
                    _pct(c.observed),
                    f"{_pct(c.observed_lo)}-{_pct(c.observed_hi)}",
                    _pct(c.right_and_liquidated),
                    *[_pct(c.predicted[m]) + ("*" if c.inside(m) else " ") for m in rep.models],
                ]
            )
        out.append(_table(header, rows))
    out.append("\n* = the model's mean prediction lies inside the observed 95% interval.\n")
    out.append("\nScores over all leverages (lower is better): Brier / log loss\n")
    header = ["side", "horizon", *rep.models]
    rows = []
    for side, h in keys:
        rows.append(
            [
                side,
                horizon_label(h),
                *[
                    f"{rep.scores[(side, h, m)][0]:.4f}/{rep.scores[(side, h, m)][1]:.3f}"
                    for m in rep.models
                ],
            ]
        )
    out.append(_table(header, rows))
    out.append(
        "\nReliability (all cells): predicted-probability bin -> mean predicted / observed "
        "(entries)\n"
    )
    bins = sorted({row[0] for rows_ in rep.reliability.values() for row in rows_})
    header = ["bin from", *rep.models]
    rows = []
    for lo in bins:
        row = [_pct(lo)]
        for m in rep.models:
            hit = [r for r in rep.reliability[m] if r[0] == lo]
            row.append(f"{_pct(hit[0][1])}/{_pct(hit[0][2])} ({hit[0][3]:,})" if hit else "-")
        rows.append(row)
    out.append(_table(header, rows))
    best = rep.best_model()
    out.append(f"\nBest model by Brier score over all cells: {best} ({MODEL_LABELS[best]}).\n")
    return "".join(out)


def run(args: argparse.Namespace) -> int:
    rep, what = compute(args)
    if args.json:
        recs = [
            {
                "side": c.side,
                "horizon_days": c.horizon_days,
                "leverage": c.leverage,
                "n_entries": c.n_entries,
                "observed": c.observed,
                "observed_lo": c.observed_lo,
                "observed_hi": c.observed_hi,
                "right_and_liquidated": c.right_and_liquidated,
                "predicted": c.predicted,
                "brier": c.brier,
                "log_loss": c.log_loss,
            }
            for c in rep.cells
        ]
        sys.stdout.write(json.dumps(recs) + "\n")
        return 0
    sys.stdout.write(render(rep, what))
    return 0
