"""``python -m risk odds``: odds of liquidation for a grid of leverages.

A stable contract for other tools: with ``--json`` a JSON list, one object per leverage in the
order given, with the keys in :data:`JSON_KEYS` (plus ``p_stop_first`` and
``p_gap_through_stop`` with ``--stop-frac``, and ``stderr`` (of ``p_liquidation``),
``stderr_right_but_liquidated`` and ``stderr_stop_first`` for Monte Carlo, and ``vol_annual``
and ``vol_source`` with ``--vol-now``). Probabilities are fractions; "not applicable" (no median
because under half the paths are liquidated, no liquidation price) is ``null``.

``--vol-now ewma|garch`` replaces ``--vol`` by the volatility now, measured on candles from one
source (:mod:`risk.vol_sources`): ``--exchange``/``--symbol`` (the market-data cache of
``python -m risk market refresh``), ``--history NAME`` (a shipped data set), or ``--csv FILE``
(the user's price file; with ``--model bootstrap`` the same file also gives the moves). Without
a source: the latest shipped BTC hourly candles. GARCH's figure is its mean forecast over the
horizon (it reverts to its long-run level); EWMA's forecast is flat.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from risk.calibration import MaxLeverage, max_leverage_for
from risk.conditional_vol import DEFAULT_HALF_LIFE_DAYS, VOL_NOW_METHODS, VolNow, vol_now
from risk.history import history_names
from risk.odds import ODDS_MODELS, OddsResult, liquidation_odds, price_model
from risk.paths import load_price_csv
from risk.vol_sources import (
    SourcedCandles,
    csv_candles,
    history_candles,
    market_candles,
    now_history,
)

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
    p.add_argument(
        "--vol-now",
        choices=VOL_NOW_METHODS,
        help="instead of --vol: the volatility now, EWMA or GARCH(1,1), from the candles of "
        "--exchange/--symbol (market cache), --history NAME or --csv FILE (default: the latest "
        "shipped BTC hourly candles)",
    )
    p.add_argument(
        "--half-life-days",
        type=float,
        default=DEFAULT_HALF_LIFE_DAYS,
        help=f"EWMA half-life for --vol-now ewma (default {DEFAULT_HALF_LIFE_DAYS:g})",
    )
    p.add_argument("--exchange", help="with --vol-now: read the market-data cache of this exchange")
    p.add_argument("--symbol", help="with --exchange: the cached symbol (default BTCUSDT)")
    p.add_argument(
        "--history", choices=history_names(), help="with --vol-now: a shipped candle history"
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
    p.add_argument(
        "--csv", help="price CSV (timestamp, close): the bootstrap's moves, or --vol-now's source"
    )
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


def vol_now_candles(args: argparse.Namespace) -> SourcedCandles:
    """The candles ``--vol-now`` measures: one of ``--exchange``, ``--history``, ``--csv``."""
    market = getattr(args, "exchange", None) is not None
    history = getattr(args, "history", None)
    if getattr(args, "symbol", None) is not None and not market:
        raise ValueError(f"--symbol={args.symbol} without --exchange; allowed: give both")
    if market and history is not None:
        raise ValueError(
            f"--exchange={args.exchange} and --history={history} both given; allowed: one "
            "source for --vol-now"
        )
    if market:
        return market_candles(args.exchange, args.symbol or "BTCUSDT")
    if history is not None:
        return history_candles(history)
    if args.csv:
        return csv_candles(args.csv)
    return history_candles(now_history("BTC"))


def resolve_vol_now(args: argparse.Namespace) -> tuple[VolNow, str] | None:
    """With ``--vol-now``: measure it, set ``args.vol`` to it and return it with its source's
    label; None without ``--vol-now`` (and ``ValueError`` for a source given without it)."""
    method = getattr(args, "vol_now", None)
    if method is None:
        for opt in ("exchange", "symbol", "history"):
            if getattr(args, opt, None) is not None:
                raise ValueError(
                    f"--{opt} given without --vol-now; allowed: only as --vol-now's source"
                )
        return None
    if args.vol is not None:
        raise ValueError(
            f"--vol={args.vol} and --vol-now={method} both given; allowed: one of them"
        )
    src = vol_now_candles(args)
    horizon = args.horizon_days if method == "garch" else None
    est = vol_now(src.candles, method, half_life_days=args.half_life_days, horizon_days=horizon)
    args.vol = est.vol_annual
    return est, src.label


def _vol_now_line(measured: tuple[VolNow, str] | None) -> str:
    if measured is None:
        return ""
    est, label = measured
    return f"Volatility now: {est.describe()}, from {label}.\n"


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
    elif args.csv and getattr(args, "vol_now", None) is None:
        raise ValueError(
            f"--csv given with --model {args.model}; allowed: only with bootstrap or --vol-now"
        )
    if args.vol is None and args.model != "bootstrap":
        raise ValueError(
            f"--vol is missing; allowed: 0 < vol <= 20 (or --vol-now) for model {args.model}"
        )
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


def run_max_leverage(args: argparse.Namespace, measured: tuple[VolNow, str] | None) -> int:
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
        if measured is not None:
            rec["vol_source"] = f"{measured[0].describe()}, from {measured[1]}"
        sys.stdout.write(json.dumps(rec) + "\n")
        return 0
    what = f"{r.side}, horizon {_horizon_text(r.horizon_days)}, vol {r.vol_annual:.0%} a year"
    sys.stdout.write(f"{what}, mmr {args.mmr:.2%}, model {kind}\n" + _vol_now_line(measured))
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
    measured = resolve_vol_now(args)
    if args.max_leverage_for is not None:
        return run_max_leverage(args, measured)
    res = compute(args)
    recs = res.records()
    if measured is not None:
        source = f"{measured[0].describe()}, from {measured[1]}"
        recs = [{**r, "vol_annual": measured[0].vol_annual, "vol_source": source} for r in recs]
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
        f"{args.mmr:.2%} ({how})\n" + _vol_now_line(measured)
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
