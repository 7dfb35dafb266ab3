"""Market data: tier tables in every format exchanges and ccxt produce, and symbol notation.

A clean boundary: this package turns exchange data into the frozen dataclasses the math already
accepts (:class:`risk.tiers.TierTable`). Nothing here does network I/O, and nothing imported at
package level imports ccxt (a live refresh, where present, imports it lazily). The loaders in
:mod:`risk.market.formats` are imported on first use, so ``import risk`` stays light.
"""

from __future__ import annotations

from typing import Any

from risk.market.symbols import split_app_symbol, to_app_symbol, to_ccxt_symbol

_LAZY = {"FORMATS", "detect_format", "parse_tiers"}

__all__ = [
    "FORMATS",
    "detect_format",
    "parse_tiers",
    "split_app_symbol",
    "to_app_symbol",
    "to_ccxt_symbol",
]


def __getattr__(name: str) -> Any:
    """``FORMATS``, ``detect_format`` and ``parse_tiers`` from :mod:`risk.market.formats`, loaded
    on first access (PEP 562)."""
    if name in _LAZY:
        from risk.market import formats

        return getattr(formats, name)
    raise AttributeError(f"module 'risk.market' has no attribute {name!r}")
