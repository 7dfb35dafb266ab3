"""Leverage Lab's risk library: exact liquidation, margin, funding and odds math for perpetual
futures. Pure Python + numpy/pandas; no UI imports."""

from __future__ import annotations

from risk.liquidation import (
    bankruptcy_price,
    check_position,
    distance_frac,
    equity,
    liquidation_price,
    maintenance_margin,
)
from risk.positions import Account, Position
from risk.tiers import Tier, TierTable, load_table_file, shipped_table
from risk.venues import EXCHANGES, RULES, Venue, get_venue

__all__ = [
    "EXCHANGES",
    "RULES",
    "Account",
    "Position",
    "Tier",
    "TierTable",
    "Venue",
    "bankruptcy_price",
    "check_position",
    "distance_frac",
    "equity",
    "get_venue",
    "liquidation_price",
    "load_table_file",
    "maintenance_margin",
    "shipped_table",
]
