"""``python -m risk entry``: average entry price of several fills (``--fill PRICE:QTY`` repeated).

Linear contracts weight by quantity; inverse contracts take the contract-weighted harmonic mean
(Bybit help "How to Calculate Average Entry Price"). With ``--json`` one object with
:data:`JSON_KEYS`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from risk._validate import check_positive
from risk.calculator import average_entry_price, parse_fill

JSON_KEYS = ("average_entry_price", "total_quantity", "total_value", "fills", "contract")


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "entry",
        help="average entry price of several fills",
        description="Average entry price of several fills of one position.",
    )
    p.add_argument(
        "--fill",
        action="append",
        required=True,
        metavar="PRICE:QTY",
        help="one fill: price and quantity (base units linear, contracts inverse); repeat it",
    )
    p.add_argument("--contract", choices=("linear", "inverse"), default="linear")
    p.add_argument(
        "--contract-size",
        type=float,
        default=1.0,
        help="USD per inverse contract, for the total value in coin (default 1, as Bybit)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=run)


def compute(args: argparse.Namespace) -> dict[str, Any]:
    fills = [parse_fill(f) for f in args.fill]
    prices = [p for p, _ in fills]
    qtys = [q for _, q in fills]
    avg = float(average_entry_price(prices, qtys, args.contract))
    inverse = args.contract == "inverse"
    size = float(check_positive("contract_size", args.contract_size))
    if inverse:
        value = sum(q * size / p for p, q in fills)  # coin
    else:
        value = sum(q * p for p, q in fills)  # quote
    return {
        "average_entry_price": avg,
        "total_quantity": sum(qtys),
        "total_value": value,
        "value_unit": "coin" if inverse else "quote",
        "fills": [{"price": p, "quantity": q} for p, q in fills],
        "contract": args.contract,
    }


def run(args: argparse.Namespace) -> int:
    out = compute(args)
    if args.json:
        sys.stdout.write(json.dumps(out) + "\n")
        return 0
    for f in out["fills"]:
        sys.stdout.write(f"fill  {f['quantity']:>14,.8g} @ {f['price']:,.8g}\n")
    weight = "contract-weighted harmonic" if args.contract == "inverse" else "quantity-weighted"
    sys.stdout.write(
        f"average entry  {out['average_entry_price']:,.8g} ({args.contract}, {weight}; "
        f"total {out['total_quantity']:,.8g})\n"
    )
    return 0
