"""Liquidation and bankruptcy prices per exchange rule family.

Notation (docs/formulas.md): ``s`` = +1 long / -1 short, ``Q`` quantity (base units),
``S = contracts * contract_size`` (USD, inverse), ``EP`` entry price, ``WB`` wallet balance
(isolated: the position's isolated margin), ``TMM1``/``UPNL1`` maintenance margin and unrealized
PnL of the other cross positions, ``mmr``/``cum`` the tier's rate and maintenance amount, ``f`` the
taker fee where the family puts it inside the trigger (OKX/Gate; 0 otherwise).

Maintenance margin valued at the mark (Binance, OKX/Gate, Hyperliquid, generic) solves
``WB - TMM1 + UPNL1 + s*Q*(LP - EP) = Q*LP*(mmr + f) - cum``:

    linear:   LP = (WB - TMM1 + UPNL1 + cum - s*Q*EP) / (Q*(mmr + f - s))
    inverse:  LP = S*(mmr + f + s) / (WB - TMM1 + UPNL1 + cum + s*S/EP)

(Binance FAQ b3c689c1f50a44cabb3a84e663b81d93 and its COIN-M counterpart; Gate help 27724 for the
fee; Hyperliquid "Liquidations", where mmr = 1/(2*max_leverage) and cum = maintenance_deduction.)

Tiers: the rate that applies is the tier of the notional AT the liquidation price (each table's
boundary rule decides a notional exactly at a cap: Binance ``floor <= n < cap``, Bybit ``floor <
n <= cap``; see :mod:`risk.tiers`). Because the
maintenance amounts follow their recurrence, maintenance margin is ``max_t(n*mmr_t - cum_t)``, a
continuous convex function of the notional. Equity minus maintenance is then the minimum of one
monotone line per tier, so the fixed point of "recompute with the tier of the notional at the
liquidation price until the tier is stable" is the largest per-tier root for a long and the
smallest for a short. We compute every tier's root at once and take it; this is exact, needs no
iteration cap and vectorizes over curves (tests check that the tier at the result is the tier
used).

OKX's position tiers go by size, not notional (table basis "size"): the tier is that of the
quantity, the same at every price, and its rate applies to the whole notional.

Maintenance margin valued at entry (Bybit "Liquidation Price (USDT Contract)"):

    linear:   LP = EP - s*(WB - MM_entry)/Q,  MM_entry = Q*EP*mmr - cum
    inverse:  LP = s*S / (WB + s*S/EP - MM_entry),  MM_entry = (S/EP)*mmr - cum   (coin)

Bankruptcy price: equity = 0, i.e. ``LP`` with mmr = f = cum = 0 and TMM1 = 0.

A formula result that is not a positive price means "no liquidation price" and comes back as NaN
(Binance shows "--").
"""

from __future__ import annotations

import math

import numpy as np

from risk._validate import ArrayLike, check_range, scalar_or_array
from risk.positions import Account, Position
from risk.tiers import COIN_UNIT, QUOTE_UNITS, Tier, TierTable
from risk.venues import Venue


def _context(position: Position, account: Account | None) -> tuple[np.ndarray, float, float]:
    """(WB, TMM1, UPNL1) for the position's margin mode."""
    if position.margin_mode == "cross":
        if account is None:
            wb = np.asarray(position.isolated_margin, dtype=float)
            return wb, 0.0, 0.0
        return (
            np.asarray(account.wallet_balance, dtype=float),
            float(account.other_maintenance),
            float(account.other_upnl),
        )
    return np.asarray(position.isolated_margin, dtype=float), 0.0, 0.0


def check_position(position: Position, venue: Venue, account: Account | None = None) -> None:
    """Raise ``ValueError`` when the venue's formula does not cover the position, the leverage
    exceeds the tier maximum, the margin exceeds the wallet, or an isolated position would be
    liquidated at entry."""
    rules = venue.rules
    if position.contract not in rules.contracts:
        raise ValueError(
            f"contract={position.contract!r} is not covered for exchange {rules.name!r}; "
            f"allowed: {', '.join(rules.contracts)}"
        )
    if position.margin_mode not in rules.margin_modes:
        raise ValueError(
            f"margin_mode={position.margin_mode!r} is not covered for exchange {rules.name!r}; "
            f"allowed: {', '.join(rules.margin_modes)}"
        )
    table = venue.table
    if position.is_inverse and table.notional_unit in QUOTE_UNITS:
        raise ValueError(
            f"contract='inverse' cannot be sized with the {table.name} tiers, whose floors are in "
            f"{table.notional_unit} while an inverse position's notional is in coin; allowed: a "
            "coin-margined tier table (an inverse symbol such as BTCUSD, or a tiers file) or a "
            "typed rate (mmr)"
        )
    if not position.is_inverse and table.notional_unit == COIN_UNIT:
        raise ValueError(
            f"contract='linear' cannot be sized with the {table.name} tiers, whose floors are in "
            "coin while a linear position's notional is in the quote currency; allowed: a linear "
            "symbol such as BTCUSDT, or a typed rate (mmr)"
        )
    if table.basis == "size" and position.is_inverse:
        raise ValueError(
            f"contract='inverse' cannot be sized with the {table.name} tiers, which go by "
            "position size in base units; allowed: a linear position, or a coin-margined table"
        )
    notional = np.asarray(tier_measure(position, table), dtype=float)
    table.check_in_range(notional)
    max_lev = table.max_leverage(notional)
    lev = np.asarray(position.leverage_setting, dtype=float)
    too_high = lev > max_lev * (1 + 1e-12)
    if too_high.any():
        i = np.argmax(np.broadcast_to(too_high, np.broadcast(lev, max_lev).shape))
        lev_b = np.broadcast_to(lev, too_high.shape).flat[i]
        max_b = np.broadcast_to(max_lev, too_high.shape).flat[i]
        n_b = np.broadcast_to(notional, too_high.shape).flat[i]
        raise ValueError(
            f"leverage={lev_b:g} is above the maximum for a {n_b:,.2f} {table.notional_unit} "
            f"position on {table.name}; allowed: 1 <= leverage <= {max_b:g}"
        )
    if account is not None:
        isolated = position.margin_mode == "isolated"
        check_range(
            "margin" if isolated else "initial_margin",
            position.isolated_margin if isolated else position.initial_margin,
            0.0,
            account.wallet_balance,
            lo_open=True,
            why=f"{'isolated' if isolated else 'initial'} margin cannot exceed the wallet balance",
        )
    if position.margin_mode == "isolated":
        mm_entry = maintenance_margin(position, venue, position.ep, include_trigger_fee=True)
        margin = np.asarray(position.isolated_margin, dtype=float)
        bad = margin <= mm_entry
        if np.any(bad):
            i = np.argmax(np.broadcast_to(bad, np.broadcast(margin, mm_entry).shape))
            m = np.broadcast_to(mm_entry, bad.shape).flat[i]
            g = np.broadcast_to(margin, bad.shape).flat[i]
            raise ValueError(
                f"margin={g:.8g} does not cover the maintenance margin {m:.8g} at entry (the "
                f"position would be liquidated at once); allowed: margin > {m:.8g}, i.e. a lower "
                "leverage"
            )


def tier_measure(
    position: Position, table: TierTable, price: ArrayLike | None = None
) -> np.ndarray:
    """What the table's tiers are looked up by: the notional at ``price`` (default: entry), or,
    for a size-based table (OKX position tiers), the quantity in base units, whatever the
    price."""
    if table.basis == "size":
        return np.abs(np.asarray(position.qty, dtype=float))
    p = position.ep if price is None else np.asarray(price, dtype=float)
    return np.asarray(position.notional_at(p), dtype=float)


def maintenance_margin(
    position: Position,
    venue: Venue,
    price: ArrayLike | None = None,
    *,
    include_trigger_fee: bool = False,
) -> float | np.ndarray:
    """Maintenance margin ``notional(price) * mmr - cum`` with the tier of that notional.

    Margin currency (quote for linear, coin for inverse). ``price`` defaults to the entry price.
    Bybit values it at entry whatever the mark; pass ``price=position.ep`` for that. With
    ``include_trigger_fee`` the OKX/Gate taker fee to close is added (``notional * f``).
    """
    p = position.ep if price is None else np.asarray(price, dtype=float)
    n = np.asarray(position.notional_at(p), dtype=float)
    table = venue.table
    i = table.index(tier_measure(position, table, p))
    mm = n * table.mmrs[i] - table.amounts[i]
    if include_trigger_fee:
        mm = mm + n * venue.trigger_fee
    return scalar_or_array(mm)


def equity(
    position: Position, price: ArrayLike, account: Account | None = None
) -> float | np.ndarray:
    """Margin balance that backs the position at ``price``: ``WB + UPNL1 + pnl(price)``."""
    wb, _, upnl = _context(position, account)
    return scalar_or_array(wb + upnl + np.asarray(position.pnl(price)))


def liquidation_price(
    position: Position, venue: Venue, account: Account | None = None
) -> float | np.ndarray:
    """Mark price at which the exchange liquidates ``position`` (NaN: none).

    See the module docstring for the formulas and their sources. ``account`` carries the cross
    wallet and the other positions' TMM1/UPNL1; in isolated mode it only bounds the margin.
    """
    check_position(position, venue, account)
    wb, tmm, upnl = _context(position, account)
    return _broadcast(_liquidation_price(position, venue, wb, tmm, upnl), position, wb)


def _liquidation_price(
    position: Position, venue: Venue, wb: np.ndarray, tmm: float, upnl: float
) -> float | np.ndarray:
    s = position.sign
    ep = position.ep
    f = venue.trigger_fee
    table = venue.table
    if venue.rules.mm_valued_at == "entry":
        mm_e = np.asarray(maintenance_margin(position, venue, ep, include_trigger_fee=True))
        if position.is_inverse:
            size = position.size_usd
            lp = s * size / (wb - tmm + upnl + s * size / ep - mm_e)
        else:
            lp = ep - s * (wb - tmm + upnl - mm_e) / position.qty
        return _positive_or_nan(lp)

    # One root per tier along a trailing axis; long takes the largest, short the smallest price.
    # A size-based table (OKX) has one candidate: the tier of the quantity, fixed by the size.
    if table.basis == "size":
        i = table.index(tier_measure(position, table))[..., None]
        mmr, cum = table.mmrs[i] + f, table.amounts[i]
    else:
        mmr, cum = table.mmrs + f, table.amounts
    base = (wb - tmm + upnl)[..., None]
    if position.is_inverse:
        size = position.size_usd[..., None]
        u = (base + cum + s * size / ep[..., None]) / (size * (mmr + s))
        u = u.min(axis=-1) if s > 0 else u.max(axis=-1)
        with np.errstate(divide="ignore"):
            lp = np.where(u > 0, 1.0 / np.where(u > 0, u, 1.0), np.nan)
    else:
        q = position.qty[..., None]
        roots = (base + cum - s * q * ep[..., None]) / (q * (mmr - s))
        lp = roots.max(axis=-1) if s > 0 else roots.min(axis=-1)
    return _positive_or_nan(lp)


def bankruptcy_price(position: Position, account: Account | None = None) -> float | np.ndarray:
    """Price at which the margin backing the position is exhausted (equity = 0); NaN if none.

    Linear ``BP = EP - s*(WB + UPNL1)/Q``; inverse ``BP = s*S/(WB + UPNL1 + s*S/EP)``. Isolated
    with ``WB = Q*EP/leverage`` this is Bybit's ``EP*(1 - s/leverage)`` (Bybit help "Bankruptcy
    Price").
    """
    wb, _, upnl = _context(position, account)
    s = position.sign
    if position.is_inverse:
        size = position.size_usd
        with np.errstate(divide="ignore", invalid="ignore"):  # 1x short: denominator 0, no BP
            bp = _positive_or_nan(s * size / (wb + upnl + s * size / position.ep))
    else:
        bp = _positive_or_nan(position.ep - s * (wb + upnl) / position.qty)
    return _broadcast(bp, position, wb)


def trigger_tier(position: Position, venue: Venue, lp: float) -> Tier:
    """The tier whose rate the trigger uses for one scalar position: the tier of the notional at
    the liquidation price ``lp`` (at the entry for families that value maintenance at entry, or
    when there is no liquidation price). Beyond the last tier's cap the last tier's line
    continues: a short's liquidation price may sit above the table although its entry notional is
    inside it."""
    at = position.ep if math.isnan(lp) or venue.rules.mm_valued_at == "entry" else lp
    table = venue.table
    notional = float(np.asarray(tier_measure(position, table, at)))
    if notional >= table.max_notional:
        return table.tiers[-1]
    return table.tier(notional)


def distance_frac(price: ArrayLike, entry_price: ArrayLike) -> float | np.ndarray:
    """``|price - entry| / entry``: the fractional move from entry to ``price`` (NaN stays NaN)."""
    p = np.asarray(price, dtype=float)
    e = np.asarray(entry_price, dtype=float)
    return scalar_or_array(np.abs(p - e) / e)


def _broadcast(result: float | np.ndarray, position: Position, wb: np.ndarray):
    """Give a price one value per point of every array the position or wallet holds, even where
    the formula does not use that array (a leverage grid in cross mode, say)."""
    shape = np.broadcast_shapes(
        np.shape(result), np.shape(wb), *map(np.shape, position._arr.values())
    )
    return scalar_or_array(np.broadcast_to(np.asarray(result, dtype=float), shape).copy())


def _positive_or_nan(x: np.ndarray) -> float | np.ndarray:
    x = np.asarray(x, dtype=float)
    with np.errstate(invalid="ignore"):
        return scalar_or_array(np.where(np.isfinite(x) & (x > 0), x, np.nan))
