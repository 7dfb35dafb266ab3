"""Margin, fees, PnL and ROI for one position.

Units: linear contracts in quote currency (USDT); inverse contracts in coin. Rates are fractions
(0.0005 = 0.05%). ``roi`` is a fraction of the isolated margin.

Sources: Binance FAQ "Margin Ratio" (margin ratio = maintenance margin / margin balance) and
"Liquidation Protocols" (360033525271); Bybit help "Order Cost" (fee to open = Q*EP*taker, fee to
close = Q*bankruptcy*taker, order cost = initial margin + both fees) and "Profit and Loss
calculations" (ROI = PnL / initial margin).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from risk._validate import ArrayLike, check_positive, check_range, scalar_or_array
from risk.liquidation import (
    _context,
    bankruptcy_price,
    check_position,
    close_fee_in_margin,
    liquidation_price,
    maintenance_margin,
)
from risk.positions import Account, Position
from risk.venues import Venue


def _fee_rate(name: str, rate: ArrayLike) -> np.ndarray:
    return check_range(name, rate, 0.0, 0.01, why="a fraction: 0.0005 = 0.05%")


def fee(position: Position, price: ArrayLike, fee_rate: ArrayLike) -> float | np.ndarray:
    """Trading fee to open or close the whole position at ``price``: ``notional(price) * rate``.

    Quote for linear (``Q * price * rate``), coin for inverse (``S / price * rate``).
    """
    p = check_positive("price", price)
    return scalar_or_array(position.notional_at(p) * _fee_rate("fee_rate", fee_rate))


def open_fee(position: Position, taker_fee: ArrayLike) -> float | np.ndarray:
    """Fee to open at the entry price (Bybit "Order Cost": ``Q * EP * taker``)."""
    return fee(position, position.ep, taker_fee)


def close_fee(
    position: Position, taker_fee: ArrayLike, price: ArrayLike | None = None
) -> float | np.ndarray:
    """Fee to close at ``price``; by default at the bankruptcy price, as Bybit reserves it in the
    order cost (``Q * bankruptcy * taker``)."""
    if price is None:
        bp = np.asarray(bankruptcy_price(position))
        none = np.isnan(bp)  # no bankruptcy price: the position closes at a zero notional
        notional = np.where(none, 0.0, position.notional_at(np.where(none, 1.0, bp)))
        return scalar_or_array(notional * _fee_rate("taker_fee", taker_fee))
    return fee(position, price, taker_fee)


def order_cost(position: Position, taker_fee: ArrayLike) -> float | np.ndarray:
    """Margin needed to open: ``initial margin + fee to open + fee to close at bankruptcy``
    (Bybit "Order Cost")."""
    return scalar_or_array(
        np.asarray(position.initial_margin)
        + np.asarray(open_fee(position, taker_fee))
        + np.asarray(close_fee(position, taker_fee))
    )


def roi(position: Position, price: ArrayLike, taker_fee: ArrayLike = 0.0) -> float | np.ndarray:
    """Return on the isolated margin if closed at ``price``:
    ``(pnl(price) - fee_open - fee_close(price)) / margin``. With ``taker_fee=0`` this is the
    exchanges' calculator ROI, ``side * (price/EP - 1) * leverage`` for linear contracts."""
    fees = np.asarray(open_fee(position, taker_fee)) + np.asarray(fee(position, price, taker_fee))
    return scalar_or_array(
        (np.asarray(position.pnl(price)) - fees) / np.asarray(position.isolated_margin)
    )


def target_price(
    position: Position, roi_target: ArrayLike, taker_fee: ArrayLike = 0.0
) -> float | np.ndarray:
    """Price at which :func:`roi` equals ``roi_target`` (fraction of margin, may be negative).

    Linear: ``side*Q*(P - EP) - Q*EP*f - Q*P*f = r*M`` gives
    ``P = (r*M/Q + EP*(side + f)) / (side - f)``; with ``f = 0``, ``P = EP + side*r*M/Q``.
    Inverse (coin): ``side*S*(1/EP - 1/P) - f*S/EP - f*S/P = r*M`` gives
    ``1/P = (side/EP - f/EP - r*M/S) / (side + f)``. NaN where no positive price exists.
    """
    r = check_range("roi_target", roi_target, -1.0)
    f = _fee_rate("taker_fee", taker_fee)
    s = position.sign
    m = np.asarray(position.isolated_margin)
    ep = position.ep
    if position.is_inverse:
        inv = (s / ep - f / ep - r * m / position.size_usd) / (s + f)
        with np.errstate(divide="ignore"):
            p = np.where(inv > 0, 1.0 / np.where(inv > 0, inv, 1.0), np.nan)
    else:
        p = (r * m / position.qty + ep * (s + f)) / (s - f)
    return scalar_or_array(np.where(p > 0, p, np.nan))


def break_even_price(
    position: Position,
    taker_fee: ArrayLike,
    funding_paid: ArrayLike = 0.0,
) -> float | np.ndarray:
    """Exit price at which PnL covers the fees to open and close (and ``funding_paid``, margin
    currency, positive = paid): :func:`target_price` with ROI ``-0`` plus funding.

    Linear, no funding: long ``EP*(1 + f)/(1 - f)``, short ``EP*(1 - f)/(1 + f)``.
    """
    fp = check_range("funding_paid", funding_paid)
    roi_needed = fp / np.asarray(position.isolated_margin)
    return target_price(position, roi_needed, taker_fee)


def margin_at_mark(
    position: Position,
    venue: Venue,
    mark_price: ArrayLike,
    account: Account | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``(maintenance, margin balance)`` at ``mark_price``, each as the venue defines it; the
    position is liquidated where they are equal (:func:`risk.liquidation.liquidation_price`).

    ``maintenance = MM + fee to close + TMM1``: MM on the value at the mark, except the Bybit
    regular account, which values it at the ENTRY whatever the mark (Bybit "Liquidation Price
    (USDT Contract)": MM = Q*EP*MMR); the fee to close as the venue's trigger counts it (OKX,
    Gate, KuCoin, Bitget, Phemex: taker x value at the mark; Bybit: taker x value at the
    bankruptcy price, which in cross comes from the wallet and the other positions' PnL, Bybit "How
    to calculate Liquidation Price (Inverse Contract)": ``Q/EP*MMR + Q*0.00075/BP``).
    ``margin balance = WB + UPNL1 + pnl(mark)``; isolated: the position's margin plus the fee to
    close Bybit and Phemex hold in it, plus its PnL. Margin currency; ``margin_mode='isolated'``
    or no ``account`` means the position's own margin backs it.
    """
    mark = check_positive("mark_price", mark_price)
    if position.margin_mode == "cross" and account is None:
        position = replace(position, margin_mode="isolated")
    wb, tmm, upnl = _context(position, account)
    at = position.ep if venue.rules.mm_valued_at == "entry" else mark
    mm = maintenance_margin(position, venue, at, include_trigger_fee=True, account=account)
    mm = np.asarray(mm) + tmm
    if position.margin_mode == "isolated":  # Bybit, Phemex: the fee to close held in the margin
        wb = wb + np.asarray(close_fee_in_margin(position, venue))
    balance = wb + upnl + np.asarray(position.pnl(mark))
    return mm, balance


def margin_ratio(
    position: Position,
    venue: Venue,
    mark_price: ArrayLike,
    account: Account | None = None,
) -> float | np.ndarray:
    """Binance's margin ratio: ``maintenance margin / margin balance``; liquidation at 1.0.

    ``maintenance = MM(mark) + TMM1`` with the fee to close as the venue's trigger counts it (the
    Bybit regular account values MM at entry); ``margin balance = WB + UPNL1 + pnl(mark)``
    (isolated: the position's margin, with the fee to close Bybit and Phemex hold in it, plus its
    PnL). The ratio is 1 exactly at :func:`risk.liquidation.liquidation_price`. Above 1 (or a
    non-positive balance) the position is already liquidatable; the ratio is then reported as
    ``inf`` when the balance is not positive.
    """
    mm, balance = margin_at_mark(position, venue, mark_price, account)
    with np.errstate(divide="ignore", invalid="ignore"):
        return scalar_or_array(
            np.where(balance > 0, mm / np.where(balance > 0, balance, 1), np.inf)
        )


@dataclass(frozen=True)
class MarginChange:
    """Result of adding (``delta_margin > 0``) or removing isolated margin."""

    position: Position
    margin: float | np.ndarray
    liquidation_price: float | np.ndarray
    effective_leverage: float | np.ndarray
    liquidation_shift: float | np.ndarray  # new LP - old LP (price units)


def adjust_margin(position: Position, venue: Venue, delta_margin: ArrayLike) -> MarginChange:
    """Add or remove isolated margin; return the new liquidation price and effective leverage.

    The liquidation formula is linear in the margin, so for the mark-valued families
    ``dLP = dM / (Q*(mmr - side))`` (formulas.md section 1): a long's LP falls by
    ``dM / (Q*(1 - mmr))``, a short's rises by ``dM / (Q*(1 + mmr))``. Removing margin is allowed
    while the remaining margin still covers the maintenance margin at entry and keeps the
    effective leverage within the tier's maximum (``margin >= notional / max_leverage``).
    """
    if position.margin_mode != "isolated":
        raise ValueError(
            f"margin_mode={position.margin_mode!r} cannot take added margin; allowed: isolated"
        )
    dm = check_range("delta_margin", delta_margin)
    old_margin = np.asarray(position.isolated_margin)
    floor = np.asarray(maintenance_margin(position, venue, position.ep, include_trigger_fee=True))
    new_margin = old_margin + dm
    bad = new_margin <= floor
    if np.any(bad):
        lowest = float(np.max(floor - old_margin))
        raise ValueError(
            f"delta_margin={float(np.min(dm)):.8g} would leave less than the maintenance margin; "
            f"allowed: delta_margin > {lowest:.8g}"
        )
    notional = np.asarray(position.notional, dtype=float)
    min_margin = notional / np.asarray(venue.table.max_leverage(notional), dtype=float)
    too_thin = new_margin < min_margin * (1 - 1e-12)
    if np.any(too_thin):
        i = np.argmax(np.broadcast_to(too_thin, np.broadcast(new_margin, min_margin).shape))
        need = np.broadcast_to(min_margin, too_thin.shape).flat[i]
        have = np.broadcast_to(old_margin, too_thin.shape).flat[i]
        cap = np.broadcast_to(notional / min_margin, too_thin.shape).flat[i]
        raise ValueError(
            f"delta_margin={float(np.broadcast_to(dm, too_thin.shape).flat[i]):.8g} would leave "
            f"less margin than the {cap:g}x tier maximum allows ({need:.8g}); allowed: "
            f"delta_margin >= {need - have:.8g}"
        )
    new_pos = replace(position, margin=new_margin)
    old_lp = np.asarray(liquidation_price(position, venue))
    new_lp = np.asarray(liquidation_price(new_pos, venue))
    return MarginChange(
        position=new_pos,
        margin=scalar_or_array(new_margin),
        liquidation_price=scalar_or_array(new_lp),
        effective_leverage=new_pos.effective_leverage,
        liquidation_shift=scalar_or_array(new_lp - old_lp),
    )


__all__ = [
    "MarginChange",
    "adjust_margin",
    "break_even_price",
    "check_position",
    "close_fee",
    "fee",
    "margin_at_mark",
    "margin_ratio",
    "open_fee",
    "order_cost",
    "roi",
    "target_price",
]
