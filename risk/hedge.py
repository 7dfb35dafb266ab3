"""Binance hedge mode: a long and a short leg of ONE symbol in one cross wallet.

Both legs move with the same mark price ``P`` and share the cross wallet, so the account is
liquidated when its equity reaches the two legs' maintenance margin, each valued on its OWN
notional with its own tier (Binance FAQ "How to Calculate Liquidation Price of USDⓈ-M Futures
Contracts", binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93, hedge-mode terms
Position1LONG/EP1LONG/MMRL/cumL and Position1SHORT/EP1SHORT/MMRS/cumS, Position1BOTH = 0; "under
cross margin, same ticker/symbol, both long and short position share the same liquidation
price"). With ``L``/``S`` the legs' quantities and ``EPL``/``EPS`` their entries:

    WB - TMM1 + UPNL1 + L*(P - EPL) - S*(P - EPS) = (L*P*MMRL - cumL) + (S*P*MMRS - cumS)

    LP = (WB - TMM1 + UPNL1 + cumL + cumS - L*EPL + S*EPS) / (L*MMRL + S*MMRS - L + S)

which is Binance's formula with the BOTH terms at zero. COIN-M (inverse, Binance FAQ "How to
Calculate Liquidation Price of COIN-M Futures Contracts") is the same equation in coin with
``u = 1/P``: ``WB' + L*(1/EPL - u) - S*(1/EPS - u) = L*u*MMRL - cumL + S*u*MMRS - cumS`` with
``L``, ``S`` in USD (contracts x contract size).

Tiers: each leg's maintenance margin is ``max_t(n*mmr_t - cum_t)`` (convex, see
:mod:`risk.liquidation`), so equity minus maintenance is the minimum of one line per PAIR of
tiers. The safe prices are where every line is non-negative: above the largest root of the
rising lines and below the smallest root of the falling ones. A root at which a leg's notional
reaches the table's last cap is outside every tier and is reported as no price (NaN). A net-long
pair has a liquidation price below the mark, a fully hedged one above it (both legs' maintenance
grows with the price), and very large legs can have both; :class:`HedgeLiquidation` reports
both sides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from risk._validate import check_positive
from risk.liquidation import maintenance_margin
from risk.positions import Account, Position
from risk.venues import Venue

#: Rule families with a published hedge-mode cross formula of this form.
HEDGE_FAMILIES = ("binance", "generic")


@dataclass(frozen=True)
class HedgeLiquidation:
    """Where a hedged pair is liquidated, and its state at ``mark_price``.

    ``below``/``above``: the liquidation price under / over the safe range (NaN: none on that
    side). ``liquidation_price`` is the one nearer the mark. Money in the margin currency.
    """

    below: float
    above: float
    liquidation_price: float
    mark_price: float
    distance_frac: float  # |nearest LP - mark| / mark; 0 when already liquidatable; NaN: no LP
    margin_balance: float  # WB + UPNL1 + both legs' PnL at the mark
    maintenance_margin: float  # TMM1 + both legs' maintenance margin at the mark
    margin_ratio: float  # maintenance / margin balance (inf when the balance is not positive)
    already_liquidatable: bool  # margin ratio >= 1 at the mark


def _check_legs(long_leg: Position, short_leg: Position, venue: Venue) -> None:
    if venue.name not in HEDGE_FAMILIES:
        raise ValueError(
            f"exchange={venue.name!r} has no hedge-mode formula here; allowed: "
            f"{', '.join(HEDGE_FAMILIES)}"
        )
    if long_leg.side != "long" or short_leg.side != "short":
        raise ValueError(
            f"legs=({long_leg.side}, {short_leg.side}); allowed: one long and one short leg"
        )
    if long_leg.contract != short_leg.contract:
        raise ValueError(
            f"contract={short_leg.contract!r} for the short leg and {long_leg.contract!r} for the "
            "long leg; allowed: both legs of one symbol, one contract type"
        )
    for leg in (long_leg, short_leg):
        if np.ndim(leg.ep) or np.ndim(leg.qty):
            raise ValueError("hedge legs take one price and quantity each; allowed: scalars")
        n = float(leg.notional)
        if n >= venue.table.max_notional:
            raise ValueError(
                f"notional={n:,.2f} of the {leg.side} leg is out of range; allowed: notional < "
                f"{venue.table.max_notional:,.0f} ({venue.table.name} tiers)"
            )


def _safe_range(slope: np.ndarray, intercept: np.ndarray) -> tuple[float, float]:
    """Interval of ``x`` where every line ``slope*x + intercept`` is >= 0 (lo > hi: empty)."""
    up, down, flat = slope > 0, slope < 0, slope == 0
    roots = -intercept / np.where(slope == 0, 1.0, slope)
    lo = float(roots[up].max()) if up.any() else -math.inf
    hi = float(roots[down].min()) if down.any() else math.inf
    if flat.any() and (intercept[flat] < 0).any():
        return math.inf, -math.inf
    return lo, hi


def hedge_liquidation(
    long_leg: Position,
    short_leg: Position,
    venue: Venue,
    account: Account,
    mark_price: float | None = None,
) -> HedgeLiquidation:
    """Liquidation prices of a long and a short leg of one symbol in one cross wallet.

    ``account.wallet_balance`` is the cross wallet; ``other_maintenance``/``other_upnl`` the
    other symbols' TMM1/UPNL1. ``mark_price`` (default: the long leg's entry) is where the
    margin ratio and the distance are measured. See the module docstring for the formula.
    """
    _check_legs(long_leg, short_leg, venue)
    mark = float(check_positive("mark_price", long_leg.ep if mark_price is None else mark_price))
    table, f = venue.table, venue.trigger_fee
    mmr, cum = table.mmrs + f, table.amounts
    m_l, m_s = np.meshgrid(mmr, mmr, indexing="ij")
    c = cum[:, None] + cum[None, :]
    base = account.wallet_balance - account.other_maintenance + account.other_upnl
    if long_leg.is_inverse:
        a_l, a_s = float(long_leg.size_usd), float(short_leg.size_usd)
        e_l, e_s = float(long_leg.ep), float(short_leg.ep)
        slope = -(a_l - a_s) - a_l * m_l - a_s * m_s  # in u = 1/P
        intercept = base + a_l / e_l - a_s / e_s + c
        lo_u, hi_u = _safe_range(slope.ravel(), intercept.ravel())
        empty = lo_u > hi_u
        below = 1.0 / hi_u if 0 < hi_u < math.inf else math.nan
        above = 1.0 / lo_u if lo_u > 0 else math.nan
    else:
        q_l, q_s = float(long_leg.qty), float(short_leg.qty)
        e_l, e_s = float(long_leg.ep), float(short_leg.ep)
        slope = q_l - q_s - q_l * m_l - q_s * m_s
        intercept = base - q_l * e_l + q_s * e_s + c
        lo, hi = _safe_range(slope.ravel(), intercept.ravel())
        empty = lo > hi
        below = lo if 0 < lo < math.inf else math.nan
        above = hi if 0 < hi < math.inf else math.nan
    # A root where a leg's notional reaches the table's last cap lies outside the tiers (no
    # exchange accepts such a notional): no liquidation price on that side.
    cap = table.max_notional
    legs = (long_leg, short_leg)
    below, above = (
        p
        if not math.isnan(p) and all(float(leg.notional_at(p)) < cap for leg in legs)
        else math.nan
        for p in (below, above)
    )
    upnl = float(long_leg.pnl(mark)) + float(short_leg.pnl(mark))
    balance = account.wallet_balance + account.other_upnl + upnl
    mm = account.other_maintenance + sum(
        float(maintenance_margin(leg, venue, mark, include_trigger_fee=True)) for leg in legs
    )
    ratio = mm / balance if balance > 0 else math.inf
    liquidatable = bool(empty or ratio >= 1.0)
    candidates = [p for p in (below, above) if not math.isnan(p)]
    nearest = min(candidates, key=lambda p: abs(p - mark)) if candidates else math.nan
    if liquidatable:
        dist = 0.0
    else:
        dist = abs(nearest - mark) / mark if candidates else math.nan
    return HedgeLiquidation(
        below=below,
        above=above,
        liquidation_price=nearest,
        mark_price=mark,
        distance_frac=dist,
        margin_balance=balance,
        maintenance_margin=mm,
        margin_ratio=ratio,
        already_liquidatable=liquidatable,
    )
