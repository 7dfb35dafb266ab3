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

from risk._validate import check_positive
from risk.account import margin_status
from risk.calculator import parse_number_pair
from risk.hedge import hedge_liquidation, leg_tiers, pair_close_fees
from risk.liquidation import (
    bankruptcy_close_fee,
    bankruptcy_price,
    close_fee_in_margin,
    initial_margin,
    liquidation_price,
    maintenance_margin,
    tier_measure,
    trigger_tier,
)
from risk.margin import break_even_price, close_fee, open_fee
from risk.market import cache as market_cache
from risk.positions import Account, Position
from risk.tiers import QUOTE_UNITS, TierTable, load_table_file
from risk.venues import EXCHANGES, RULES, Venue, get_venue, normalize_symbol

#: ``initial_margin`` and ``maintenance_margin`` are as the venue defines them: Bybit includes the
#: estimated fee to close (at the bankruptcy price) in both, Phemex in the posted margin
#: (``close_fee_in_margin``); ``maintenance_margin_with_close_fee`` adds every family's fee to
#: close as its trigger counts it (OKX, Gate, KuCoin, Bitget, Phemex: at the mark).
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
    p.add_argument(
        "--exchange",
        required=True,
        choices=EXCHANGES,
        help="rule family: bybit is Bybit's regular account, bybit-uta its Unified Trading Account",
    )
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
        "--margin",
        type=float,
        help="isolated margin posted (quote; coin for inverse), without the fee to close that "
        "bybit and phemex hold on top of it",
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
        help="taker fee fraction (0.0005 = 0.05%%): inside the trigger at the mark for okx, "
        "gate, kucoin (its liquidation fee rate), bitget and phemex; bybit and bybit-uta add the "
        "fee to close at the bankruptcy price to initial and maintenance margin; bybit and "
        "phemex hold it in the posted margin",
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
    p.add_argument(
        "--mark",
        type=float,
        help="current mark price of the open position: distance, PnL, ROE and margin ratio "
        "from it (default: the entry)",
    )
    p.add_argument(
        "--hedge",
        metavar="QTY@ENTRY",
        help="hedge mode: the opposite leg of the same symbol in the same cross wallet, e.g. "
        "0.05@51000 (needs --mode cross and --wallet; binance, generic, bybit, bybit-uta or okx)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=run)


def venue_from_args(args: argparse.Namespace) -> tuple[str, Venue]:
    """The symbol and the venue the command-line options describe: a ``--tiers`` file, else the
    refreshed market cache when it is newer than the shipped snapshot, else the shipped table or
    the typed rate. Shared by ``liq`` and ``max-open`` so both price the same table."""
    symbol = args.symbol or ("BTCUSD" if args.contract == "inverse" else "BTCUSDT")
    sym = normalize_symbol(args.exchange, symbol)
    if args.tiers:
        table = load_table_file(args.tiers, sym, contract_size=args.contract_size)
    elif (
        args.mmr is None
        and args.max_leverage is None
        and market_cache.has_table(RULES[args.exchange].tier_exchange, sym)
    ):
        # The refreshed cache when it is newer than the shipped snapshot (python -m risk market).
        # Bybit's two accounts share one set of tables.
        table = market_cache.tier_table(RULES[args.exchange].tier_exchange, sym)
    else:
        table = None
    if args.mmr is None and args.maintenance_amount is not None:
        raise ValueError(
            f"--maintenance-amount={args.maintenance_amount} without --mmr; allowed: give both"
        )
    return sym, get_venue(
        args.exchange,
        sym,
        mmr=args.mmr,
        maintenance_amount=args.maintenance_amount,
        max_leverage=args.max_leverage,
        taker_fee=args.taker_fee,
        table=table,
    )


def compute(args: argparse.Namespace) -> dict[str, Any]:
    """All figures for the parsed arguments (raises ValueError on bad input)."""
    sym, venue = venue_from_args(args)
    size = args.contract_size
    if size is None:
        size = venue.default_contract_size(sym) if args.contract == "inverse" else 1.0
    if args.mode == "cross" and args.wallet is None:
        # A cross position is backed by the whole cross wallet; without it the price would be the
        # isolated one under a cross label.
        raise ValueError(
            "--wallet is required with --mode cross; allowed: --wallet > 0, the cross wallet "
            "balance (margin currency) that backs the position"
        )
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
    account = (
        Account(wallet, args.other_maintenance, args.other_upnl) if wallet is not None else None
    )
    lp = float(liquidation_price(pos, venue, account))
    bp = float(bankruptcy_price(pos, account if args.mode == "cross" else None, venue))
    # Bybit counts the fee to close (at the bankruptcy price) in its maintenance margin; the
    # other families add their fee in the trigger only (maintenance_margin_with_close_fee).
    bybit_mm = venue.rules.close_fee == "bankruptcy"
    mm_entry = maintenance_margin(pos, venue, include_trigger_fee=bybit_mm, account=account)
    mm_fee = maintenance_margin(pos, venue, include_trigger_fee=True, account=account)
    tier = trigger_tier(pos, venue, lp)
    # the tier that caps the leverage: that of the entry notional (or size)
    entry_tier = venue.table.tier(float(tier_measure(pos, venue.table)))
    at = pos.ep if math.isnan(lp) or venue.rules.mm_valued_at == "entry" else lp
    if args.maintenance_amount is not None:
        # the typed amount is subtracted from notional x mmr: above it, the maintenance margin
        # would be negative and the "liquidation price" beyond the bankruptcy price
        for price in (pos.ep, at):
            notional = float(pos.notional_at(price))
            if args.maintenance_amount > notional * args.mmr:
                raise ValueError(
                    f"--maintenance-amount={args.maintenance_amount:g} is above notional x mmr "
                    f"= {notional:,.8g} x {args.mmr:g} = {notional * args.mmr:,.8g} at price "
                    f"{float(price):,.8g}; allowed: a maintenance amount <= "
                    f"{notional * args.mmr:,.8g} (a maintenance margin cannot be negative)"
                )
    out = {
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
        "initial_margin": float(initial_margin(pos, venue)),
        "isolated_margin": float(pos.isolated_margin),
        "close_fee_in_margin": float(close_fee_in_margin(pos, venue)),
        "maintenance_margin": float(mm_entry),
        "maintenance_margin_with_close_fee": float(mm_fee),
        "mmr": tier.mmr,
        "maintenance_amount": tier.maintenance_amount,
        "tier_max_leverage": entry_tier.max_leverage,
        "leverage": float(pos.leverage_setting),
        "effective_leverage": float(pos.effective_leverage),
        "notional": float(pos.notional),
        "taker_fee": args.taker_fee,
        "open_fee": float(open_fee(pos, args.taker_fee)),
        "close_fee_at_bankruptcy": float(
            bankruptcy_close_fee(pos, venue, account)
            if bybit_mm
            else close_fee(pos, args.taker_fee)
        ),
        "break_even_price": float(break_even_price(pos, args.taker_fee)),
        "tiers": venue.table.name,
        "tiers_source": venue.table.source,
        "tiers_as_of": venue.table.as_of,
    }
    out.update(_at_mark(args, pos, venue, account, lp))
    if args.hedge is not None:
        out.update(_hedge(args, pos, venue, account))
    return out


def _at_mark(
    args: argparse.Namespace, pos: Position, venue: Venue, account: Account | None, lp: float
) -> dict[str, Any]:
    """Distance, PnL, ROE and margin ratio at the mark (the entry when no ``--mark``). An
    account at or beyond its maintenance margin there is ``already_liquidatable``: no move to
    liquidation remains, so ``distance_frac`` is 0 (never the distance to a price the account has
    already passed)."""
    ref = args.entry if args.mark is None else args.mark
    st = margin_status(pos, venue, ref, account if args.mode == "cross" else None)
    passed = not math.isnan(lp) and (ref - lp) * pos.sign <= 0
    liquidatable = st.already_liquidatable or passed
    if liquidatable:
        dist: float | None = 0.0
    else:
        dist = None if math.isnan(lp) else abs(lp - ref) / ref
    return {
        "mark_price": args.mark,
        "distance_from": "entry" if args.mark is None else "mark",
        "distance_frac": dist,
        "distance_from_entry_frac": None if math.isnan(lp) else abs(lp - args.entry) / args.entry,
        "unrealized_pnl": st.unrealized_pnl,
        "roe": st.roe,
        "margin_balance": st.margin_balance,
        "maintenance_margin_at_mark": st.maintenance_margin,
        "margin_ratio": None if math.isinf(st.margin_ratio) else st.margin_ratio,
        "already_liquidatable": liquidatable,
        "position_mode": "one-way",
    }


def _parse_leg(text: str) -> tuple[float, float]:
    qty, entry = parse_number_pair(text, "@", "--hedge", "QTY@ENTRY", "0.05@51000")
    check_positive("hedge quantity", qty)
    check_positive("hedge entry", entry)
    return qty, entry


def _hedge(
    args: argparse.Namespace, pos: Position, venue: Venue, account: Account | None
) -> dict[str, Any]:
    """Both legs of one symbol in one cross wallet (hedge mode on Binance, Bybit and OKX,
    :mod:`risk.hedge`; the other families are refused there with the reason)."""
    if args.mode != "cross" or args.wallet is None or account is None:
        raise ValueError(
            f"--hedge with --mode {args.mode}{'' if args.wallet else ' and no --wallet'}; "
            "allowed: --mode cross --wallet BALANCE (an isolated leg does not share the wallet)"
        )
    qty, entry = _parse_leg(args.hedge)
    other = Position(
        "short" if pos.side == "long" else "long",
        entry,
        qty,
        leverage=float(pos.leverage_setting),
        contract=pos.contract,
        contract_size=pos.contract_size,
        margin_mode="cross",
    )
    long_leg, short_leg = (pos, other) if pos.side == "long" else (other, pos)
    h = hedge_liquidation(long_leg, short_leg, venue, account, args.mark or args.entry)
    zero = Venue(venue.rules, TierTable.flat(0.0, name="no maintenance"))
    bp = hedge_liquidation(long_leg, short_leg, zero, account, args.mark or args.entry)
    lp = h.liquidation_price
    at = args.entry if math.isnan(lp) else lp
    tiers = leg_tiers(long_leg, short_leg, venue, at)
    tier, other_tier = tiers if pos.side == "long" else tiers[::-1]
    # each leg's maintenance on its own entry value, with the tier the venue gives it there
    t_long = leg_tiers(long_leg, short_leg, venue, float(long_leg.ep))[0]
    t_short = leg_tiers(long_leg, short_leg, venue, float(short_leg.ep))[1]
    mm_long = float(long_leg.notional) * t_long.mmr - t_long.maintenance_amount
    mm_short = float(short_leg.notional) * t_short.mmr - t_short.maintenance_amount
    fee_in_rate = venue.trigger_fee * (float(long_leg.notional) + float(short_leg.notional))
    mm_other = mm_short if pos.side == "long" else mm_long

    def opt(x: float) -> float | None:
        return None if math.isnan(x) else x

    return {
        "position_mode": "hedge",
        "liquidation_price": opt(lp),
        "liquidation_price_below": opt(h.below),
        "liquidation_price_above": opt(h.above),
        "bankruptcy_price": opt(bp.liquidation_price),
        "distance_frac": None if math.isnan(h.distance_frac) else h.distance_frac,
        "distance_from_entry_frac": None if math.isnan(lp) else abs(lp - args.entry) / args.entry,
        "initial_margin": float(pos.initial_margin) + float(other.initial_margin),
        "maintenance_margin": mm_long + mm_short,
        "maintenance_margin_with_close_fee": mm_long
        + mm_short
        + fee_in_rate
        + pair_close_fees(long_leg, short_leg, venue),
        "maintenance_margin_at_mark": h.maintenance_margin,
        "margin_balance": h.margin_balance,
        "margin_ratio": None if math.isinf(h.margin_ratio) else h.margin_ratio,
        "already_liquidatable": h.already_liquidatable,
        "unrealized_pnl": float(pos.pnl(h.mark_price)) + float(other.pnl(h.mark_price)),
        "roe": (float(pos.pnl(h.mark_price)) + float(other.pnl(h.mark_price)))
        / (float(pos.initial_margin) + float(other.initial_margin)),
        "mmr": tier.mmr,
        "maintenance_amount": tier.maintenance_amount,
        "tier_max_leverage": tier.max_leverage,
        "other_leg": {
            "side": other.side,
            "quantity": qty,
            "entry": entry,
            "notional": float(other.notional),
            "initial_margin": float(other.initial_margin),
            "maintenance_margin": mm_other,
            "mmr": other_tier.mmr,
            "maintenance_amount": other_tier.maintenance_amount,
        },
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
        *_hedge_rows(out),
        ("leverage", f"{out['leverage']:g}x (effective {out['effective_leverage']:.4g}x)"),
        ("notional", f"{out['notional']:,.8g} {unit}"),
        ("liquidation price", num(out["liquidation_price"])),
        *_move_rows(out, unit),
        ("bankruptcy price", num(out["bankruptcy_price"])),
        ("initial margin", f"{out['initial_margin']:,.8g} {unit}"),
        ("maintenance margin", f"{out['maintenance_margin']:,.8g} {unit} at entry"),
        (
            "with fee to close",
            f"{out['maintenance_margin_with_close_fee']:,.8g} {unit} (what the trigger compares)",
        ),
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


def _hedge_rows(out: dict[str, Any]) -> list[tuple[str, str]]:
    if out["position_mode"] != "hedge":
        return []
    o = out["other_leg"]
    rows = [("hedge leg", f"{o['side']} {o['quantity']:g} @ {o['entry']:,.8g} (same wallet)")]
    below, above = out["liquidation_price_below"], out["liquidation_price_above"]
    sides = []
    if below is not None:
        sides.append(f"the price falls to {below:,.8g}")
    if above is not None:
        sides.append(f"the price rises to {above:,.8g}")
    if not sides and out["already_liquidatable"]:
        nowhere = "at any price: the wallet covers both legs' maintenance margin at none"
        rows.append(("liquidated if", nowhere))
    else:
        none = "no price (the pair cannot be liquidated)"
        rows.append(("liquidated if", " or ".join(sides) or none))
    return rows


def _move_rows(out: dict[str, Any], unit: str) -> list[tuple[str, str]]:
    """Move to liquidation (from the mark when given), or a plain sentence when the account is
    already below its maintenance margin; PnL, ROE and margin ratio at the mark."""
    ratio = out["margin_ratio"]
    ratio_s = "infinite (no margin balance left)" if ratio is None else f"{ratio:.2%}"
    where = "mark" if out["mark_price"] is not None else "entry"
    if out["already_liquidatable"]:
        move = (
            f"none left: at the {where} the account is already at or below its maintenance "
            f"margin (margin ratio {ratio_s}), so the exchange liquidates it now"
        )
    elif out["distance_frac"] is None:
        move = "none (cannot be liquidated)"
    else:
        move = f"{out['distance_frac']:.4%}" + (" from the mark" if where == "mark" else "")
    rows = [("move to liquidation", move)]
    if out["mark_price"] is not None:
        rows += [
            ("mark price", f"{out['mark_price']:,.8g}"),
            ("unrealized PnL", f"{out['unrealized_pnl']:+,.8g} {unit}"),
            ("ROE", f"{out['roe']:+.4%}"),
        ]
    rows.append(("margin ratio", f"{ratio_s} at the {where} (liquidation at 100%)"))
    return rows
