"""``python -m risk max-open``: the largest position a balance opens at a leverage.

The calculators' "Max Open" tab: the quantity is limited by the balance (initial margin plus
fees), by the tier table's notional ceiling for the leverage, or by the table's last cap; the
output says which (:data:`risk.calculator.LIMITS`). Bybit reserves the fee to open and the fee to
close at the bankruptcy price (help "Order Cost"); the other families count the fee to open when
a taker fee is given (Binance's own cost formula counts the initial margin only: use the default
``--taker-fee 0`` for its figure). With ``--json`` one object with :data:`JSON_KEYS`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from risk.calculator import max_open
from risk.cli_liq import venue_from_args
from risk.tiers import QUOTE_UNITS
from risk.venues import EXCHANGES

JSON_KEYS = (
    "quantity",
    "notional",
    "initial_margin",
    "fees",
    "cost",
    "limited_by",
    "balance_quantity",
    "tier_notional_cap",
    "tier_max_leverage",
)
#: Families whose order cost includes the fee to close at the bankruptcy price.
CLOSE_FEE_IN_COST = ("bybit",)


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "max-open",
        help="largest quantity a balance opens at a leverage",
        description="Largest position a balance opens at a leverage, with the tier table's "
        "caps, and what limits it.",
    )
    p.add_argument("--exchange", required=True, choices=EXCHANGES)
    p.add_argument(
        "--symbol", help="tier table to use (default BTCUSDT; BTCUSD with --contract inverse)"
    )
    p.add_argument("--contract", choices=("linear", "inverse"), default="linear")
    p.add_argument(
        "--contract-size",
        type=float,
        default=None,
        help="USD per inverse contract (default: Binance BTC 100, other 10; Bybit 1)",
    )
    p.add_argument("--side", choices=("long", "short"), default="long")
    p.add_argument("--entry", required=True, type=float, help="entry (order) price")
    p.add_argument(
        "--balance", required=True, type=float, help="available balance (quote; coin for inverse)"
    )
    p.add_argument("--leverage", required=True, type=float, help="leverage setting (>= 1)")
    p.add_argument(
        "--lot", type=float, help="quantity step (e.g. 0.001 BTC); the result is a multiple of it"
    )
    p.add_argument("--taker-fee", type=float, default=0.0, help="taker fee fraction (0.0005)")
    p.add_argument("--mmr", type=float, help="maintenance margin rate (one flat tier)")
    p.add_argument("--maintenance-amount", type=float, help="maintenance amount (with --mmr)")
    p.add_argument("--max-leverage", type=float, help="maximum leverage of a typed rate")
    p.add_argument("--tiers", help="JSON tier table to use instead of the shipped one")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=run)


def compute(args: argparse.Namespace) -> dict[str, Any]:
    sym, venue = venue_from_args(args)
    unit = venue.table.notional_unit
    if args.contract == "inverse" and unit in QUOTE_UNITS:
        raise ValueError(
            f"contract='inverse' cannot be sized with the {venue.table.name} tiers (in {unit}); "
            "allowed: an inverse symbol such as BTCUSD, a tiers file in coin, or --mmr"
        )
    size = args.contract_size
    if size is None:
        size = venue.default_contract_size(sym) if args.contract == "inverse" else 1.0
    close_fee = args.exchange in CLOSE_FEE_IN_COST
    res = max_open(
        args.balance,
        args.entry,
        args.leverage,
        venue.table,
        side=args.side,
        taker_fee=args.taker_fee,
        close_fee_at_bankruptcy=close_fee,
        lot_size=args.lot,
        contract=args.contract,
        contract_size=size,
    )
    out: dict[str, Any] = {k: getattr(res, k) for k in JSON_KEYS}
    out.update(
        {
            "exchange": args.exchange,
            "symbol": sym,
            "contract": args.contract,
            "side": args.side,
            "entry": args.entry,
            "balance": args.balance,
            "leverage": args.leverage,
            "taker_fee": args.taker_fee,
            "fees_counted": "open + close at bankruptcy" if close_fee else "open",
            "notional_unit": "coin" if args.contract == "inverse" else _unit(unit),
            "tiers": venue.table.name,
            "tiers_as_of": venue.table.as_of,
        }
    )
    return out


def _unit(table_unit: str) -> str:
    return table_unit if table_unit in QUOTE_UNITS else "quote"


_WHY = {
    "balance": "the balance (margin + fees)",
    "tier max leverage": "the tier table: {lev:g}x is allowed below a {cap:,.8g} {unit} notional",
    "last cap": "the tier table's last cap ({cap:,.8g} {unit}): no tier accepts more",
}


def run(args: argparse.Namespace) -> int:
    out = compute(args)
    if args.json:
        sys.stdout.write(json.dumps(out) + "\n")
        return 0
    unit = out["notional_unit"]
    why = _WHY[out["limited_by"]].format(
        lev=out["leverage"], cap=out["tier_notional_cap"], unit=unit
    )
    rows = [
        (
            "order",
            f"{out['side']} at {out['entry']:,.8g}, {out['leverage']:g}x, balance "
            f"{out['balance']:,.8g} ({out['exchange']} {out['symbol']} {out['contract']})",
        ),
        ("max open", f"{out['quantity']:,.8g}"),
        ("notional", f"{out['notional']:,.8g} {unit}"),
        ("initial margin", f"{out['initial_margin']:,.8g} {unit}"),
        ("fees", f"{out['fees']:,.6g} {unit} ({out['fees_counted']})"),
        ("cost", f"{out['cost']:,.8g} {unit}"),
        ("limited by", why),
        ("tiers", f"{out['tiers']} (as of {out['tiers_as_of']})"),
    ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        sys.stdout.write(f"{k:<{width}}  {v}\n")
    return 0
