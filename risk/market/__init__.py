"""Market data: tier tables in every format exchanges and ccxt produce, and symbol notation.

A clean boundary: this package turns exchange data into the frozen dataclasses the math already
accepts (:class:`risk.tiers.TierTable`). Nothing here does network I/O, and nothing imported at
package level imports ccxt (a live refresh, where present, imports it lazily).
"""

from __future__ import annotations

from risk.market.formats import FORMATS, detect_format, parse_tiers
from risk.market.symbols import split_app_symbol, to_app_symbol, to_ccxt_symbol

__all__ = [
    "FORMATS",
    "detect_format",
    "parse_tiers",
    "split_app_symbol",
    "to_app_symbol",
    "to_ccxt_symbol",
]
