"""``python -m risk pnl``: PnL, ROE and fees at an exit price, and the target price for an ROE.

The exchange calculators' "PnL" and "Target Price" tabs (Binance FAQ "How to Use Binance Futures
Calculator", 360036498511): ``ROE = PnL / initial margin``. With ``--json`` one JSON object with
the keys in :data:`JSON_KEYS` (those of the part asked for: ``--exit``, ``--roe`` or both).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from risk._validate import check_range
from risk.calculator import exit_outcome
from risk.margin import target_price
from risk.positions import Position
from risk.venues import EXCHANGES, RULES

EXIT_KEYS = (
    "exit_price",
    "pnl",
    "open_fee",
    "close_fee",
    "pnl_after_fees",
    "roe",
    "roe_after_fees",
    "move_frac",
)
TARGET_KEYS = ("roe_target", "target_price", "target_price_after_fees")
JSON_KEYS = ("initial_margin", "margin_currency", *EXIT_KEYS, *TARGET_KEYS)


def add_position_args(p: argparse.ArgumentParser, *, leverage_required: bool = True) -> None:
    """The position arguments shared by ``pnl`` (and the calculator-style subcommands)."""
    p.add_argument("--side", required=True, choices=("long", "short"))
    p.add_argument("--entry", required=True, type=float, help="entry price")
    p.add_argument(
        "--quantity", required=True, type=float, help="base units (linear) or contracts (inverse)"
    )
    p.add_argument("--leverage", required=leverage_required, type=float, help="leverage (>= 1)")
    add_contract_args(p)


def add_contract_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--contract", choices=("linear", "inverse"), default="linear")
    p.add_argument(
        "--contract-size",
        type=float,
        default=None,
        help="USD per inverse contract (default: the exchange's, Binance BTC 100, other 10)",
    )
    p.add_argument(
        "--exchange",
        choices=EXCHANGES,
        default="binance",
        help="only sets the default inverse contract size (default binance)",
    )
    p.add_argument("--symbol", default="BTCUSD", help="inverse symbol for the contract size")


def contract_size(args: argparse.Namespace) -> float:
    """The typed contract size, else the exchange's default for an inverse symbol, else 1."""
    if args.contract_size is not None:
        return args.contract_size
    if args.contract != "inverse":
        return 1.0
    for prefix, size in RULES[args.exchange].inverse_contract_size:
        if args.symbol.upper().startswith(prefix):
            return size
    return 1.0


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "pnl",
        help="PnL, ROE and fees at an exit price; target price for an ROE",
        description="PnL, ROE (PnL / initial margin) and fees of closing a position at an exit "
        "price, and the exit price that gives a target ROE.",
    )
    add_position_args(p)
    p.add_argument("--exit", type=float, help="exit price")
    p.add_argument("--roe", type=float, help="target ROE as a fraction (0.5 = +50%%, -0.3 = -30%%)")
    p.add_argument(
        "--taker-fee",
        type=float,
        default=0.0,
        help="taker fee fraction per side (0.0005 = 0.05%%) for the after-fee figures",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=run)


def compute(args: argparse.Namespace) -> dict[str, Any]:
    if args.exit is None and args.roe is None:
        raise ValueError(
            "--exit and --roe both missing; allowed: give --exit PRICE, --roe FRAC or both"
        )
    check_range("taker_fee", args.taker_fee, 0.0, 0.01, why="a fraction: 0.0005 = 0.05%")
    if args.roe is not None:
        check_range("roe", args.roe, -1.0, why="a fraction of the initial margin; -1 loses all")
    pos = Position(
        args.side,
        args.entry,
        args.quantity,
        leverage=args.leverage,
        contract=args.contract,
        contract_size=contract_size(args),
    )
    out: dict[str, Any] = {
        "side": args.side,
        "contract": args.contract,
        "entry": args.entry,
        "quantity": args.quantity,
        "leverage": args.leverage,
        "notional": float(pos.notional),
        "initial_margin": float(pos.initial_margin),
        "margin_currency": "coin" if pos.is_inverse else "quote",
        "taker_fee": args.taker_fee,
    }
    if args.exit is not None:
        res = exit_outcome(pos, args.exit, args.taker_fee)
        out.update({k: float(getattr(res, k)) for k in EXIT_KEYS})
    if args.roe is not None:
        gross = float(target_price(pos, args.roe))
        net = float(target_price(pos, args.roe, args.taker_fee))
        out["roe_target"] = args.roe
        out["target_price"] = None if math.isnan(gross) else gross
        out["target_price_after_fees"] = None if math.isnan(net) else net
    return out


def run(args: argparse.Namespace) -> int:
    out = compute(args)
    if args.json:
        sys.stdout.write(json.dumps(out) + "\n")
        return 0
    cur = "coin" if out["margin_currency"] == "coin" else "quote"
    rows = [
        (
            "position",
            f"{args.side} {args.quantity:g} @ {args.entry:,.8g} ({args.contract}, "
            f"{args.leverage:g}x)",
        ),
        ("initial margin", f"{out['initial_margin']:,.8g} {cur}"),
    ]
    if "pnl" in out:
        rows += [
            ("exit price", f"{out['exit_price']:,.8g} ({out['move_frac']:+.4%} from entry)"),
            ("PnL", f"{out['pnl']:+,.8g} {cur}"),
            ("ROE", f"{out['roe']:+.4%}"),
            ("fees open / close", f"{out['open_fee']:,.6g} / {out['close_fee']:,.6g} {cur}"),
            ("PnL after fees", f"{out['pnl_after_fees']:+,.8g} {cur}"),
            ("ROE after fees", f"{out['roe_after_fees']:+.4%}"),
        ]
    if "roe_target" in out:

        def price(x: float | None) -> str:
            return "none (no positive price gives it)" if x is None else f"{x:,.8g}"

        rows += [
            (f"target price for ROE {out['roe_target']:+.2%}", price(out["target_price"])),
            ("  after fees", price(out["target_price_after_fees"])),
        ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        sys.stdout.write(f"{k:<{width}}  {v}\n")
    return 0
