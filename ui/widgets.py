"""Input widgets that several pages build the same way (keyed and bounded, as pages require)."""

from __future__ import annotations

import streamlit as st

#: Upper bound of every typed price, in the quote currency.
PRICE_MAX = 1e9


def price_share_rows(
    count: int,
    *,
    price_label: str,
    share_label: str,
    price_key: str,
    share_key: str,
    price_step: float | None = None,
) -> list[tuple[float | None, float]]:
    """``count`` rows of (price, share of the position) inputs; returns ``(price, share_frac)``.

    ``price_label`` and ``share_label`` hold ``{i}`` for the row number (from 1). A price starts
    empty ("required"); the shares start evenly split, and their keys carry ``count`` so that a
    new count re-splits them instead of keeping the old percentages.
    """
    rows: list[tuple[float | None, float]] = []
    for k in range(count):
        left, right = st.columns(2)
        price = left.number_input(
            price_label.format(i=k + 1),
            min_value=0.0,
            max_value=PRICE_MAX,
            value=None,
            step=price_step,
            format="%.4f",
            placeholder="required",
            key=f"{price_key}{k}",
        )
        share_pct = right.number_input(
            share_label.format(i=k + 1),
            min_value=0.0,
            max_value=100.0,
            value=round(100.0 / count, 2),
            step=5.0,
            format="%.2f",
            key=f"{share_key}{count}_{k}",
        )
        rows.append((price, share_pct / 100.0))
    return rows
