"""Reference prices and lot sizes of the symbols the app offers, and the rounding exchanges apply.

A reference price is a dated price of the symbol (``risk/data/reference_prices.json``, with its
source), not a live quote: it starts a scenario at a realistic level when the symbol changes. The
lot size is the exchange's order-quantity step (Binance ``LOT_SIZE.stepSize``): an order's
quantity must be a whole number of lots.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

from risk._validate import check_positive


@dataclass(frozen=True)
class ReferencePrice:
    symbol: str
    price: float  # quote currency
    lot_size: float | None  # base units per lot; None: not known
    as_of: str
    source: str


@cache
def reference_prices() -> dict[str, ReferencePrice]:
    """Reference prices by symbol, in file order."""
    doc = json.loads(
        resources.files("risk").joinpath("data", "reference_prices.json").read_text("utf-8")
    )
    return {
        sym: ReferencePrice(
            sym,
            float(p["price"]),
            None if p.get("lot_size") is None else float(p["lot_size"]),
            str(p.get("as_of", doc["as_of"])),
            str(p.get("source", doc["source"])),
        )
        for sym, p in doc["prices"].items()
    }


def reference_price(symbol: str) -> ReferencePrice | None:
    """The reference price of ``symbol`` (exchange spelling, e.g. ``BTCUSDT``), or ``None``."""
    return reference_prices().get(symbol.upper())


def round_down_to_lot(qty: float, lot_size: float | None) -> float:
    """The largest whole number of lots not above ``qty`` (base units): ``floor(qty / lot) *
    lot``, computed in lots so that 0.3 / 0.001 lands on 300 lots, not 299. ``lot_size`` None:
    ``qty`` unchanged. Rounding down keeps the loss at the stop within the risk budget."""
    q = float(check_positive("qty", qty)) if qty != 0 else 0.0
    if lot_size is None:
        return q
    lot = float(check_positive("lot_size", lot_size))
    lots = math.floor(q / lot + 1e-9)
    decimals = max(0, -math.floor(math.log10(lot)) + 1)
    return round(lots * lot, decimals)


def settable_leverage(max_leverage: float, tier_max_leverage: float | None = None) -> int | None:
    """The highest leverage an exchange lets you set that is not above ``max_leverage``: a whole
    number (exchanges take integer leverage settings), at most the tier's maximum. ``None`` when
    even 1x is above ``max_leverage`` (no setting works)."""
    cap = max_leverage if tier_max_leverage is None else min(max_leverage, tier_max_leverage)
    if not cap >= 1:
        return None
    if math.isinf(cap):
        return None if tier_max_leverage is None else math.floor(tier_max_leverage)
    return math.floor(cap + 1e-9)
