"""One way to write a price on screen, by its magnitude (no risk math here).

A price keeps enough significant digits to tell two nearby prices apart, never uses scientific
notation and never rounds a small coin's price to 0.00: 100,000.00, 2,527.4823, 0.0000123.
"""

from __future__ import annotations

import math
import re

#: Significant digits kept for prices below 1 (0.000012345678 -> 0.000012345678 at 8).
SIGNIFICANT = 8


def price_decimals(x: float, significant: int = SIGNIFICANT) -> int:
    """Decimals that show a price of this magnitude: 2 from 1,000 up, 4 from 1 up, and below 1
    enough to keep ``significant`` significant digits (0.0000123 -> 12 at 8 digits)."""
    a = abs(float(x))
    if a >= 1000 or a == 0:
        return 2
    if a >= 1:
        return 4
    leading_zeros = -math.floor(math.log10(a)) - 1
    return min(20, leading_zeros + significant)


def price(x: float | None, significant: int = SIGNIFICANT) -> str:
    """A price with thousands separators and magnitude-dependent decimals; '—' for none.

    Below 1 the trailing zeros are dropped (at least two decimals stay): 0.0000123 -> '0.0000123',
    0.5 -> '0.50'. Never scientific notation.
    """
    if x is None or not math.isfinite(x):
        return "—"
    d = price_decimals(x, significant)
    s = f"{x:,.{d}f}"
    if abs(x) < 1 and d > 2:
        s = s.rstrip("0")
        whole, _, frac = s.partition(".")
        s = f"{whole}.{frac.ljust(2, '0')}"
    return s


def input_format(x: float | None, significant: int = SIGNIFICANT) -> str:
    """The printf format of a number input that holds a price like ``x`` ('%.2f' for BTC,
    '%.12f' for a coin at 0.0000123), so that the field never shows 0.00 for a real price."""
    if x is None or not math.isfinite(x) or x <= 0:
        return "%.2f"
    return f"%.{price_decimals(x, significant)}f"


def plain(name: str) -> str:
    """A name as the UI writes it: Binance's 'USDⓈ-M' as 'USDS-M' (the circled S is missing from
    many fonts and renders as a box)."""
    return name.replace("USDⓈ", "USDS")


def when(iso: str | None) -> str:
    """An ISO 8601 time as a person writes it: '2024-05-03T10:00:00+00:00' -> '3 May 2024,
    10:00 UTC' (times without a zone are UTC, as the journal stores them). Unreadable text is
    returned as it is."""
    from datetime import UTC, datetime

    if not iso:
        return "—"
    try:
        t = datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except ValueError:
        return str(iso)
    if t.tzinfo is not None:
        t = t.astimezone(UTC)
    return f"{t.day} {t:%b %Y, %H:%M} UTC"


def value(x: object) -> str:
    """A journal value as text: numbers with separators and up to 8 significant digits, text in
    quotes, nothing as '—'."""
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int | float):
        return f"{x:,.8g}"
    return f"“{x}”"


_REPO_NOTE = re.compile(r"\s*\([^()]*\b[\w.-]+/[\w.-]+\b[^()]*\)")


def source(text: str) -> str:
    """A data source as a reader wants it: who published the figures and when, without the
    repository it was copied from (kept in the data file for provenance) and with the glyph of
    :func:`plain`. 'Binance USDⓈ-M BTCUSDT perpetual, 1-hour closes (typhonun/DcaTpStrategy,
    MIT): 53.7%' -> 'Binance USDS-M BTCUSDT perpetual, 1-hour closes: 53.7%'."""
    return plain(_REPO_NOTE.sub("", text))
