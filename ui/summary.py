"""The one-line scenario at the top of every page: with the sidebar collapsed (a phone, a
projector) it still says which position the page shows, and its liquidation price, which every
page derives from the same sidebar position."""

from __future__ import annotations

from risk import liquidation_price
from ui import text
from ui.scenario import EXCHANGE_LABELS, Resolved, current_resolved, quote_currency


def summary_line(res: Resolved) -> str:
    """'Binance · BTCUSDT long · entry 100,000.00 · 500.00 USDT margin at 10x · liquidation
    90,361.45' (or what to fix in the sidebar)."""
    sc = res.scenario
    quote = quote_currency(res.venue)
    size = (
        f"{text.money(sc.margin, quote)} margin"
        if sc.size_by == "margin"
        else f"{sc.quantity:g} units"
    )
    head = (
        f"{EXCHANGE_LABELS.get(sc.exchange, sc.exchange)} · {sc.symbol_label} {sc.side} · entry "
        f"{text.price(sc.entry_price)} · {size} at {text.lev(sc.leverage)}"
    )
    if not res.ok or res.position is None or res.venue is None:
        return f"{head} · fix the scenario in the sidebar"
    lp = float(liquidation_price(res.position, res.venue))
    return f"{head} · liquidation {text.price(lp)}"


def render(box, res: Resolved | None = None) -> None:
    """Write the line for ``res`` (default: the current scenario) into ``box`` (a container
    above the page)."""
    box.caption(f":material/tune: Scenario: {summary_line(res or current_resolved())}")
