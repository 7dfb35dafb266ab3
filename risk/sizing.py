"""Position sizing from risk: size is the control, leverage is the result.

Rule 1: the loss at the stop, fees included, equals ``equity * risk_frac``. Rule 2: the stop
distance then fixes the size. Rule 3 (the leverage): the highest leverage whose liquidation price
still sits beyond the stop with a safety buffer.

Buffer convention (freqtrade's ``liquidation_buffer``, freqtrade docs "Leverage"; docs/formulas.md
section 6): the stop must stay at least ``buffer_frac * |entry - LP|`` inside the liquidation
price, i.e. ``|entry - stop| <= (1 - buffer_frac) * |entry - LP|``. Entry 10, LP 8, buffer 0.05:
stop > 8.1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from risk._validate import ArrayLike, check_choice, check_positive, check_range, scalar_or_array
from risk.liquidation import liquidation_price
from risk.positions import SIDES, Position
from risk.venues import Venue


@dataclass(frozen=True)
class RiskSizing:
    """Result of :func:`size_from_risk`. Money in quote currency, sizes in base units."""

    quantity: float
    notional: float
    max_leverage: float  # NaN when no leverage >= 1 keeps liquidation beyond the stop
    margin: float  # isolated margin to post at max_leverage
    liquidation_price: float  # at max_leverage (NaN: none)
    loss_at_stop: float  # price loss + fees to open and close, = equity * risk_frac
    gap_loss: float  # isolated worst case: the price gaps through the stop to liquidation
    account_leverage: float  # notional / equity
    stop_distance_frac: float


def check_stop(side: str, entry_price: float, stop_price: float) -> None:
    """A long's stop sits below the entry, a short's above; ``ValueError`` otherwise."""
    check_choice("side", side, SIDES)
    ep = float(check_positive("entry_price", entry_price))
    sp = float(check_positive("stop_price", stop_price))
    if side == "long" and not sp < ep:
        raise ValueError(
            f"stop_price={sp:g} is not below the entry {ep:g} of a long; "
            f"allowed: 0 < stop_price < {ep:g}"
        )
    if side == "short" and not sp > ep:
        raise ValueError(
            f"stop_price={sp:g} is not above the entry {ep:g} of a short; "
            f"allowed: stop_price > {ep:g}"
        )


def loss_per_unit(
    entry_price: ArrayLike, stop_price: ArrayLike, taker_fee: ArrayLike = 0.0
) -> float | np.ndarray:
    """Loss per base unit when stopped out, fees included:
    ``|entry - stop| + entry*fee + stop*fee`` (quote per base unit; the stop fills as a taker)."""
    ep = check_positive("entry_price", entry_price)
    sp = check_positive("stop_price", stop_price)
    f = check_range("taker_fee", taker_fee, 0.0, 0.01)
    return scalar_or_array(np.abs(ep - sp) + (ep + sp) * f)


def stop_respects_buffer(
    side: str, entry_price: float, stop_price: float, liq_price: ArrayLike, buffer_frac: float
) -> np.ndarray:
    """True where the stop is at least ``buffer_frac * |entry - LP|`` inside the liquidation
    price (a NaN liquidation price, i.e. none, always passes)."""
    lp = np.asarray(liq_price, dtype=float)
    room = (1.0 - buffer_frac) * np.abs(entry_price - lp)
    with np.errstate(invalid="ignore"):
        ok = np.abs(entry_price - stop_price) <= room
    return np.where(np.isnan(lp), True, ok)


def max_leverage_for_stop(
    side: str,
    entry_price: float,
    stop_price: float,
    quantity: float,
    venue: Venue,
    buffer_frac: float = 0.05,
    tol: float = 1e-9,
) -> float:
    """Highest leverage (up to the tier maximum) whose isolated liquidation price stays beyond the
    stop with the buffer. Liquidation distance falls monotonically as leverage rises, so the
    boundary is found by bisection on the exact liquidation price. NaN if even 1x fails."""
    check_stop(side, entry_price, stop_price)
    b = float(check_range("buffer_frac", buffer_frac, 0.0, 1.0, hi_open=True))
    notional = float(check_positive("quantity", quantity)) * entry_price
    hi = float(venue.table.max_leverage(notional))
    fee_mmr = venue.table.tier(notional).mmr + venue.trigger_fee
    # The margin must cover the maintenance margin at entry: leverage < 1/(mmr + fee).
    hi = min(hi, (1.0 - 1e-12) / fee_mmr) if fee_mmr > 0 else hi

    def ok(lev: float) -> bool:
        pos = Position(side, entry_price, quantity, leverage=lev)
        return bool(
            stop_respects_buffer(side, entry_price, stop_price, liquidation_price(pos, venue), b)
        )

    if ok(hi):
        return hi
    if not ok(1.0):
        return float("nan")
    lo = 1.0
    while hi - lo > tol * hi:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if ok(mid) else (lo, mid)
    return lo


def size_from_risk(
    equity: float,
    risk_frac: float,
    entry_price: float,
    stop_price: float,
    *,
    side: str,
    venue: Venue,
    taker_fee: float = 0.0,
    buffer_frac: float = 0.05,
) -> RiskSizing:
    """Size a linear position so that the loss at the stop, fees included, is
    ``equity * risk_frac``; then find the leverage.

    ``quantity = equity * risk_frac / (|entry - stop| + (entry + stop) * taker_fee)``.
    """
    eq = float(check_positive("equity", equity))
    rf = float(check_range("risk_frac", risk_frac, 0.0, 1.0, lo_open=True))
    check_stop(side, entry_price, stop_price)
    budget = eq * rf
    qty = budget / float(loss_per_unit(entry_price, stop_price, taker_fee))
    notional = qty * entry_price
    lev = max_leverage_for_stop(side, entry_price, stop_price, qty, venue, buffer_frac)
    if np.isnan(lev):
        margin = lp = float("nan")
    else:
        lp = float(liquidation_price(Position(side, entry_price, qty, leverage=lev), venue))
        margin = notional / lev
    return RiskSizing(
        quantity=qty,
        notional=notional,
        max_leverage=lev,
        margin=margin,
        liquidation_price=lp,
        loss_at_stop=qty * float(loss_per_unit(entry_price, stop_price, taker_fee)),
        gap_loss=margin,
        account_leverage=notional / eq,
        stop_distance_frac=abs(entry_price - stop_price) / entry_price,
    )


@dataclass(frozen=True)
class LeverageCurve:
    leverage: np.ndarray
    margin: np.ndarray  # isolated margin required, quote
    liquidation_price: np.ndarray
    distance_frac: np.ndarray  # |LP - entry| / entry (NaN: no liquidation price)


def leverage_curve(
    side: str, entry_price: float, quantity: float, venue: Venue, leverages: ArrayLike
) -> LeverageCurve:
    """Margin required and liquidation distance over a grid of leverages for a fixed size.
    Leverages above the tier maximum are dropped."""
    lev = check_range("leverages", leverages, 1.0)
    notional = float(check_positive("quantity", quantity)) * entry_price
    cap = float(venue.table.max_leverage(notional))
    fee_mmr = venue.table.tier(notional).mmr + venue.trigger_fee
    if fee_mmr > 0:
        cap = min(cap, (1.0 - 1e-9) / fee_mmr)
    lev = np.atleast_1d(lev)[np.atleast_1d(lev) <= cap]
    lp = np.asarray(liquidation_price(Position(side, entry_price, quantity, leverage=lev), venue))
    return LeverageCurve(
        leverage=lev,
        margin=notional / lev,
        liquidation_price=lp,
        distance_frac=np.abs(lp - entry_price) / entry_price,
    )
