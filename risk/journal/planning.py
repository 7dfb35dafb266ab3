"""What a plan means on an exchange: size, leverage, liquidation price and the room between the
stop and liquidation (for the Trade plan page). Storage never imports this module.

Size comes from the risk budget (:func:`risk.sizing.size_from_risk`: the loss at the stop, fees
included, is ``max_loss_frac * equity``; the same convention as
:func:`risk.journal.plan.quantity_for_risk`). Leverage is then a choice: by default the highest
leverage whose liquidation price stays beyond the stop with the safety buffer; a chosen leverage
gets its own isolated liquidation price (:func:`risk.liquidation.liquidation_price`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from risk.journal.plan import SIDES
from risk.venues import Venue


@dataclass(frozen=True)
class PlanSizing:
    """A plan's position. Money in quote currency, quantity in base units."""

    quantity: float
    notional: float
    loss_at_stop: float  # = max_loss_frac * equity (fees included)
    max_safe_leverage: float  # NaN when even 1x liquidates inside the buffer
    leverage: float  # the leverage used below (chosen, or max_safe_leverage)
    margin: float  # isolated margin at ``leverage``
    liquidation_price: float  # at ``leverage`` (NaN: none)
    stop_to_liquidation_frac: float  # see :func:`stop_to_liquidation_frac`
    account_leverage: float  # notional / equity
    stop_distance_frac: float  # |entry - stop| / entry

    @property
    def liquidation_before_stop(self) -> bool:
        """True when the price reaches the liquidation price before the stop."""
        return self.stop_to_liquidation_frac <= 0


def stop_to_liquidation_frac(side: str, stop_price: float, liq_price: float) -> float:
    """The further move, past the stop, that reaches the liquidation price, as a fraction of the
    stop price: ``(stop - LP) / stop`` for a long, ``(LP - stop) / stop`` for a short.

    Zero or negative: liquidation comes first and the stop never fills. ``inf`` when there is no
    liquidation price (NaN).
    """
    if side not in SIDES:
        raise ValueError(f"side={side!r} is not known; allowed: long, short")
    if math.isnan(liq_price):
        return math.inf
    gap = stop_price - liq_price if side == "long" else liq_price - stop_price
    return gap / stop_price


def plan_sizing(
    side: str,
    entry: float,
    stop: float,
    equity: float,
    max_loss_frac: float,
    *,
    venue: Venue,
    leverage: float | None = None,
    taker_fee: float = 0.0,
    buffer_frac: float = 0.05,
) -> PlanSizing:
    """Size the plan from its risk budget, then its margin and liquidation price at
    ``leverage`` (default: the highest safe leverage). ``ValueError`` on bad input, including a
    leverage above the tier maximum for this notional."""
    from risk.liquidation import check_position, liquidation_price  # lazily: see module doc
    from risk.positions import Position
    from risk.sizing import size_from_risk

    s = size_from_risk(
        equity,
        max_loss_frac,
        entry,
        stop,
        side=side,
        venue=venue,
        taker_fee=taker_fee,
        buffer_frac=buffer_frac,
    )
    if leverage is None:
        lev, lp, margin = s.max_leverage, s.liquidation_price, s.margin
    else:
        pos = Position(side, entry, s.quantity, leverage=leverage)
        check_position(pos, venue)
        lev = float(leverage)
        lp = float(liquidation_price(pos, venue))
        margin = s.notional / lev
    room = stop_to_liquidation_frac(side, stop, lp) if not math.isnan(lev) else float("nan")
    return PlanSizing(
        quantity=s.quantity,
        notional=s.notional,
        loss_at_stop=s.loss_at_stop,
        max_safe_leverage=s.max_leverage,
        leverage=lev,
        margin=margin,
        liquidation_price=lp,
        stop_to_liquidation_frac=room,
        account_leverage=s.account_leverage,
        stop_distance_frac=s.stop_distance_frac,
    )


def plan_levels(
    side: str,
    entry: float,
    quantity: float,
    levels: list[tuple[str, float]],
    taker_fee: float = 0.0,
) -> list[tuple[str, float, float, float, float]]:
    """``(name, price, move_frac, pnl, pnl_after_fees)`` for each named price, for the price
    ladder chart: ``move_frac = price / entry - 1``; ``pnl = s * quantity * (price - entry)``
    for the whole position; after fees subtracts ``taker_fee * quantity * (entry + price)``.
    NaN prices (no liquidation price) are left out. The entry comes first."""
    sign = 1.0 if side == "long" else -1.0
    out = [("Entry", entry, 0.0, 0.0, 0.0)]
    for name, price in levels:
        if price is None or math.isnan(price):
            continue
        pnl = sign * quantity * (price - entry)
        out.append(
            (name, price, price / entry - 1.0, pnl, pnl - taker_fee * quantity * (entry + price))
        )
    return out
