"""``python -m risk liq``: liquidation price and margin figures for one position.

A stable contract for other tools: with ``--json`` one JSON object whose keys are listed in
:data:`JSON_KEYS` (plus extras); numbers are plain floats, "no liquidation price" is ``null``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from risk.liquidation import (
    bankruptcy_price,
    liquidation_price,
    maintenance_margin,
    tier_measure,
)
from risk.margin import break_even_price, close_fee, open_fee
from risk.market import cache as market_cache
from risk.positions import Account, Position
from risk.tiers import QUOTE_UNITS, load_table_file
from risk.venues import EXCHANGES, get_venue, normalize_symbol

#: ``maintenance_margin`` is valued at the entry price (what the position needs now), while
#: ``mmr`` and ``maintenance_amount`` are the tier AT the liquidation price (the tier the trigger
#: uses; Bybit: at entry). When the liquidation moves the notional into another tier the two differ.
JSON_KEYS = (
    "liquidation_price",
    "bankruptcy_price",
    "distance_frac",
    "initial_margin",
    "maintenance_margin",
    "mmr",
    "maintenance_amount",
    "leverage",
    "notional",
)


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "liq",
        help="liquidation price of one position",
        description="Liquidation price, bankruptcy price and margin of one perpetual position.",
    )
    p.add_argument("--exchange", required=True, choices=EXCHANGES)
    p.add_argument(
        "--symbol",
        help="tier table to use, app or ccxt notation: BTCUSDT or BTC/USDT:USDT (default BTCUSDT; "
        "BTCUSD with --contract inverse)",
    )
    p.add_argument("--contract", choices=("linear", "inverse"), default="linear")
    p.add_argument(
        "--contract-size",
        type=float,
        default=None,
        help="USD per inverse contract (default: Binance BTC 100, other 10; Bybit 1); with an "
        "OKX --tiers file, the contract value in coin (ctVal) that converts its contract counts",
    )
    p.add_argument("--side", required=True, choices=("long", "short"))
    p.add_argument("--entry", required=True, type=float, help="entry price")
    p.add_argument(
        "--quantity", required=True, type=float, help="base units (linear) or contracts (inverse)"
    )
    size = p.add_mutually_exclusive_group(required=True)
    size.add_argument("--leverage", type=float, help="leverage setting (>= 1)")
    size.add_argument(
        "--margin", type=float, help="isolated margin posted (quote; coin for inverse)"
    )
    p.add_argument("--mmr", type=float, help="maintenance margin rate, overrides the tier table")
    p.add_argument("--maintenance-amount", type=float, help="maintenance amount (with --mmr)")
    p.add_argument("--max-leverage", type=float, help="Hyperliquid's asset maximum leverage")
    p.add_argument(
        "--tiers",
        help="tier table file to use instead of the shipped one: the project's JSON/CSV, ccxt "
        "fetch_leverage_tiers output, or a raw Binance, Bybit, OKX, Gate or Hyperliquid response",
    )
    p.add_argument(
        "--taker-fee",
        type=float,
        default=0.0,
        help="taker fee fraction (0.0005 = 0.05%%); inside the trigger for okx/gate",
    )
    p.add_argument("--mode", choices=("isolated", "cross"), default="isolated")
    p.add_argument("--wallet", type=float, help="wallet balance (cross: the cross wallet)")
    p.add_argument(
        "--other-maintenance",
        type=float,
        default=0.0,
        help="maintenance margin of the other cross positions (TMM1)",
    )
    p.add_argument(
        "--other-upnl",
        type=float,
        default=0.0,
        help="unrealized PnL of the other cross positions (UPNL1)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=run)


def compute(args: argparse.Namespace) -> dict[str, Any]:
    """All figures for the parsed arguments (raises ValueError on bad input)."""
    symbol = args.symbol or ("BTCUSD" if args.contract == "inverse" else "BTCUSDT")
    sym = normalize_symbol(args.exchange, symbol)
    if args.tiers:
        table = load_table_file(args.tiers, sym, contract_size=args.contract_size)
    elif (
        args.mmr is None
        and args.max_leverage is None
        and market_cache.has_table(args.exchange, sym)
    ):
        # The refreshed cache when it is newer than the shipped snapshot (python -m risk market).
        table = market_cache.tier_table(args.exchange, sym)
    else:
        table = None
    if args.mmr is None and args.maintenance_amount is not None:
        raise ValueError(
            f"--maintenance-amount={args.maintenance_amount} without --mmr; allowed: give both"
        )
    venue = get_venue(
        args.exchange,
        sym,
        mmr=args.mmr,
        maintenance_amount=args.maintenance_amount,
        max_leverage=args.max_leverage,
        taker_fee=args.taker_fee,
        table=table,
    )
    size = args.contract_size
    if size is None:
        size = venue.default_contract_size(sym) if args.contract == "inverse" else 1.0
    if (
        args.mode == "cross"
        and args.wallet is None
        and args.other_maintenance == 0
        and (args.other_upnl == 0)
    ):
        wallet = None
    else:
        wallet = args.wallet
    pos = Position(
        args.side,
        args.entry,
        args.quantity,
        leverage=args.leverage,
        margin=args.margin,
        contract=args.contract,
        contract_size=size,
        margin_mode=args.mode,
    )
    if args.mode == "cross" and wallet is None:
        wallet = float(pos.isolated_margin)
    account = (
        Account(wallet, args.other_maintenance, args.other_upnl) if wallet is not None else None
    )
    lp = float(liquidation_price(pos, venue, account))
    bp = float(bankruptcy_price(pos, account if args.mode == "cross" else None))
    at = pos.ep if math.isnan(lp) or venue.rules.mm_valued_at == "entry" else lp
    tier = venue.table.tier(float(tier_measure(pos, venue.table, at)))
    return {
        "exchange": args.exchange,
        "symbol": sym,
        "contract": args.contract,
        "side": args.side,
        "mode": args.mode,
        "margin_currency": "coin" if pos.is_inverse else "quote",
        "notional_unit": "coin" if pos.is_inverse else _quote_unit(venue.table.notional_unit, sym),
        "liquidation_price": None if math.isnan(lp) else lp,
        "bankruptcy_price": None if math.isnan(bp) else bp,
        "distance_frac": None if math.isnan(lp) else abs(lp - args.entry) / args.entry,
        "initial_margin": float(pos.initial_margin),
        "isolated_margin": float(pos.isolated_margin),
        "maintenance_margin": float(maintenance_margin(pos, venue)),
        "mmr": tier.mmr,
        "maintenance_amount": tier.maintenance_amount,
        "tier_max_leverage": tier.max_leverage,
        "leverage": float(pos.leverage_setting),
        "effective_leverage": float(pos.effective_leverage),
        "notional": float(pos.notional),
        "taker_fee": args.taker_fee,
        "open_fee": float(open_fee(pos, args.taker_fee)),
        "close_fee_at_bankruptcy": float(close_fee(pos, args.taker_fee)),
        "break_even_price": float(break_even_price(pos, args.taker_fee)),
        "tiers": venue.table.name,
        "tiers_source": venue.table.source,
        "tiers_as_of": venue.table.as_of,
    }


def _quote_unit(table_unit: str, symbol: str) -> str:
    """The quote currency amounts are in: the table's, else the symbol's (a typed rate, or OKX's
    size-based tiers, whose unit is the base coin), else "quote"."""
    if table_unit in QUOTE_UNITS:
        return table_unit
    quote = next((q for q in sorted(QUOTE_UNITS, key=len, reverse=True) if symbol.endswith(q)), "")
    return quote or "quote"


def run(args: argparse.Namespace) -> int:
    out = compute(args)
    if args.json:
        sys.stdout.write(json.dumps(out) + "\n")
        return 0
    unit = out["notional_unit"]

    def num(x: float | None, pct: bool = False) -> str:
        if x is None:
            return "none (cannot be liquidated)"
        return f"{x:.4%}" if pct else f"{x:,.8g}"

    rows = [
        (
            "position",
            f"{out['side']} {args.quantity:g} @ {args.entry:,.8g} "
            f"({out['exchange']} {out['symbol']} {out['contract']}, {out['mode']})",
        ),
        ("leverage", f"{out['leverage']:g}x (effective {out['effective_leverage']:.4g}x)"),
        ("notional", f"{out['notional']:,.8g} {unit}"),
        ("liquidation price", num(out["liquidation_price"])),
        ("move to liquidation", num(out["distance_frac"], pct=True)),
        ("bankruptcy price", num(out["bankruptcy_price"])),
        ("initial margin", f"{out['initial_margin']:,.8g} {unit}"),
        ("maintenance margin", f"{out['maintenance_margin']:,.8g} {unit} at entry"),
        (
            "tier at liquidation",
            f"mmr {out['mmr']:.4%}, maintenance amount {out['maintenance_amount']:,.8g}",
        ),
        ("fees open / close", f"{out['open_fee']:,.6g} / {out['close_fee_at_bankruptcy']:,.6g}"),
        ("break-even price", f"{out['break_even_price']:,.8g}"),
        ("tiers", f"{out['tiers']} (as of {out['tiers_as_of']})"),
    ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        sys.stdout.write(f"{k:<{width}}  {v}\n")
    return 0
