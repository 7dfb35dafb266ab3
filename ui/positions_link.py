"""The Margin page's positions table in the page address, compactly.

One row is ``SYMBOL_side_entry_mark_quantity_leverage_mode`` with side ``l``/``s`` and mode
``i``/``c``; rows are joined by ``~``
(``ETHUSDT_l_3500_3300_1.5_20_c~BTCUSDT_s_98000_97000_0.02_5_c``): a few dozen characters a
position, all of them safe in a URL.
"""

from __future__ import annotations

import math

_SIDES = {"l": "long", "s": "short"}
_MODES = {"i": "isolated", "c": "cross"}
MAX_ROWS = 50


def _num(x: object) -> str:
    v = float(x)  # type: ignore[arg-type]
    return f"{v:.10g}"


def encode(rows: list[dict]) -> str:
    """The rows as one string; rows with an empty cell are left out (they are not positions)."""
    out = []
    for r in rows:
        try:
            vals = [r[c] for c in ("entry", "mark", "quantity", "leverage")]
            if any(v is None or not math.isfinite(float(v)) for v in vals):
                continue
            side = {v: k for k, v in _SIDES.items()}[str(r["side"])]
            mode = {v: k for k, v in _MODES.items()}[str(r["mode"])]
        except (KeyError, TypeError, ValueError):
            continue
        symbol = str(r.get("symbol") or "")
        if not symbol:
            continue
        out.append("_".join([symbol, side, *map(_num, vals), mode]))
    return "~".join(out)


def decode(text: str | None, default: list[dict]) -> tuple[list[dict], str | None]:
    """``(rows, problem)``: the rows ``text`` describes, or ``default`` and a sentence naming
    what in the link could not be read."""
    if text is None:
        return [dict(r) for r in default], None
    if text == "":
        return [], None
    rows = []
    parts = text.split("~")
    if len(parts) > MAX_ROWS:
        return [dict(r) for r in default], (
            f"The link's pos parameter lists {len(parts)} positions, more than the {MAX_ROWS} this "
            "page takes: the default positions are shown instead."
        )
    for i, part in enumerate(parts, start=2):
        f = part.split("_")
        try:
            if len(f) != 7:
                raise ValueError
            entry, mark, qty, lev = (float(x) for x in f[2:6])
            if not all(math.isfinite(v) for v in (entry, mark, qty, lev)):
                raise ValueError
            rows.append(
                {
                    "symbol": f[0].upper(),
                    "side": _SIDES[f[1]],
                    "entry": entry,
                    "mark": mark,
                    "quantity": qty,
                    "leverage": lev,
                    "mode": _MODES[f[6]],
                }
            )
        except (KeyError, ValueError):
            shown = part if len(part) <= 60 else part[:57] + "..."
            return [dict(r) for r in default], (
                f"The link's pos parameter cannot be read at position {i} ({shown!r}; expected "
                "symbol_side_entry_mark_quantity_leverage_mode, e.g. "
                "ETHUSDT_l_3500_3300_1.5_20_c): the default positions are shown instead."
            )
    return rows, None
