"""Number formatting and the plain sentences the pages show (no risk math here)."""

from __future__ import annotations

import math

from ui import format as _format


def price(x: float) -> str:
    """A price by its magnitude (see :func:`ui.format.price`); '—' when there is none."""
    return _format.price(x)


def money(x: float, quote: str = "USDT") -> str:
    """An amount in the quote currency, two decimals."""
    if x is None or not math.isfinite(x):
        return "—"
    return f"{x:,.2f} {quote}"


def num(x: float, digits: int = 2) -> str:
    """A plain amount with thousands separators: 1234.5 -> '1,234.50'."""
    if x is None or not math.isfinite(x):
        return "—"
    return f"{x:,.{digits}f}"


def pct(frac: float, digits: int = 2) -> str:
    """A fraction as a percent: 0.0964 -> '9.64%'."""
    if frac is None or not math.isfinite(frac):
        return "—"
    return f"{frac * 100:.{digits}f}%"


def lev(x: float) -> str:
    """A leverage: 10 -> '10x', 12.5 -> '12.5x'."""
    if x is None or not math.isfinite(x):
        return "—"
    return f"{x:.1f}x" if abs(x - round(x)) > 0.05 else f"{round(x)}x"


def adverse_word(side: str) -> str:
    """The move that hurts the position: a fall for a long, a rise for a short."""
    return "fall" if side == "long" else "rise"


def closes_sentence(side: str, distance_frac: float) -> str:
    """'A 9.6% fall closes this position.'"""
    if not math.isfinite(distance_frac):
        return "No price move liquidates this position: its margin covers any fall."
    return f"A {pct(distance_frac, 1)} {adverse_word(side)} closes this position."


#: Characters that make Markdown or Streamlit elements: images and links, emphasis, code, HTML,
#: tables, strikethrough, math, ``:color[...]`` and ``:material/...:`` directives.
_MARKDOWN_SPECIAL = frozenset("\\`*_[]()!<>|~$:")


def inert(value: str) -> str:
    """``value`` with every Markdown image opener (``![``) escaped, for messages that repeat what
    a visitor typed, uploaded or put in a link (``st.error``/``st.warning`` render Markdown): a
    value like ``![x](https://host/pixel.png)`` shows as typed and the browser loads nothing. The
    rest of the message keeps its Markdown (unlike :func:`plain`)."""
    return str(value).replace("![", "!\\[")


def plain(value: str) -> str:
    """Text shown literally inside Markdown (``st.table`` cells, ``st.markdown``): every Markdown
    and Streamlit directive character is backslash-escaped, so a journal note like
    ``![x](https://host/pixel.png)`` shows as typed and loads nothing; line breaks become spaces."""
    out = "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in str(value))
    return " ".join(out.splitlines()) if "\n" in out or "\r" in out else out
