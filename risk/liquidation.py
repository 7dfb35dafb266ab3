"""Liquidation and bankruptcy prices per exchange rule family.

Notation (docs/formulas.md): ``s`` = +1 long / -1 short, ``Q`` quantity (base units),
``S = contracts * contract_size`` (USD, inverse), ``EP`` entry price, ``WB`` wallet balance
(isolated: the position's isolated margin), ``TMM1``/``UPNL1`` maintenance margin and unrealized
PnL of the other cross positions, ``mmr``/``cum`` the tier's rate and maintenance amount, ``f``
the taker fee where the family puts it inside the trigger at the mark (OKX, Gate, KuCoin, Bitget,
Phemex; 0 otherwise). ``N(P)`` is the notional at price ``P``: ``Q*P`` (quote) or ``S/P`` (coin).

Every family solves one equation, ``backing + pnl(LP) = maintenance(LP)``, where the backing is
the isolated margin (plus the estimated fee to close held in it, Bybit and Phemex) or, in cross,
``WB - TMM1 + UPNL1``.

Maintenance margin valued at the mark (Binance, Bybit UTA, OKX, Gate, KuCoin, Bitget, Phemex,
Hyperliquid, generic) solves ``B + s*Q*(LP - EP) = Q*LP*(mmr + f) - (cum - C)``:

    linear:   LP = (B + cum - C - s*Q*EP) / (Q*(mmr + f - s))
    inverse:  LP = S*(mmr + f + s) / (B + cum - C + s*S/EP)

(Binance FAQ "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts",
binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93, and its COIN-M counterpart; Gate help
"Liquidation price / bankruptcy price", gate.io/help/futures/futures/27724, linear
``(EP -/+ margin/size)/(1 -/+ (mmr + taker))`` and inverse ``size*EP*(1 +/- mmr +/- taker)/(size
+/- margin*EP)``; OKX "Tiered maintenance margin ratio rules", isolated ratio (margin + PnL) /
(notional at the mark * (mmr + fee)); KuCoin "How to Calculate Futures Liquidation Price",
kucoin.com/support/26694703491737; Bitget "Bitget futures: Estimated liquidation price",
bitget.com/support/articles/12560603808759, ``(margin - size*EP*side)/(size*(mmr + taker -
side))``; Phemex "Liquidation price for USDT-M perpetual contracts", phemex.com/help-center/
liq-price-for-USDTM, ``(OpenValue - assignedPosBalance - mmAmount)/(1 - taker - mmr)/size`` for a
long; Hyperliquid "Liquidations", where mmr = 1/(2*max_leverage) and cum = maintenance_deduction.)

Bybit (both accounts) adds the estimated fee to close at the bankruptcy price, ``C = f*N(BP)``, to
the maintenance margin, and holds the fee to close at the leverage's bankruptcy price,
``f*N(EP*(1 - s/leverage))``, in the initial margin (Bybit "Initial Margin (USDT Contract)":
"the initial amount shown here includes the expected taker fee to close the position";
"Initial Margin Calculation (USDC Perpetual & Futures)": fee to close = size * EP * (1 - 1/lev) *
taker for a long, (1 + 1/lev) for a short). The bankruptcy price is where the equity just covers
that fee, ``B + pnl(BP) = f*N(BP)`` (Bybit "How to calculate Liquidation Price (Inverse Contract)",
help.bybit.com/hc/en-us/articles/360039261334, cross: ``BP = 1.00075*contracts/(contracts/EP +
balance)``):

    linear:   N(BP) = (Q*EP - s*B) / (1 - s*f)        inverse:  N(BP) = (S/EP + s*B) / (1 + s*f)

For a position sized by leverage alone the two fees are equal and cancel in the trigger; with
margin added on top they do not, which gives the Unified Trading Account page's ``Extra Margin
Added / (1 + Taker Fee Rate)`` (inverse long) exactly.

- Bybit Unified Trading Account ("Liquidation Price Calculation under Isolated Mode (Unified
  Trading Account)", bybit.com/en/help-center/article/Liquidation-Price-Calculation-under-Isolated-
  Mode-Unified-Trading-Account): maintenance on the position value at the mark, i.e. the mark
  formulas above with ``C``; inverse long ``LP = S*(mmr + 1)/(S/EP + S/EP/lev + extra/(1 + f) +
  deduction)``, short ``LP = S*(1 - mmr)/(S/EP - S/EP/lev - extra/(1 - f) - deduction)``; linear by
  the same equation, ``LP = (Q*EP*(1 - s/lev) - s*extra/(1 - s*f) - s*deduction)/(Q*(1 - s*mmr))``,
  so a 1x long has no liquidation price.
- Bybit regular account ("Liquidation Price (USDT Contract)": ``LP = EP -/+ (IM - MM)/size -/+
  extra/size``, MM on the position value at entry; inverse ``LP = contracts/(PV +/- (IM - MM))``;
  cross: equity = wallet + PnL against the maintenance margin at entry plus the fee to close at the
  cross bankruptcy price, the inverse cross page's
  ``Q*(1/EP - 1/LP) = -(balance - Q/EP*MMR - Q*0.00075/BP)``):

    linear:   LP = EP - s*(B - MM_entry)/Q,  MM_entry = Q*EP*mmr - cum + C
    inverse:  LP = s*S / (B + s*S/EP - MM_entry),  MM_entry = (S/EP)*mmr - cum + C   (coin)

Tiers: the rate that applies is the tier of the notional AT the liquidation price (at entry for
the Bybit regular account; each table's boundary rule decides a notional exactly at a cap: Binance
``floor <= n < cap``, Bybit ``floor < n <= cap``, see :mod:`risk.tiers`). Because the
maintenance amounts follow their recurrence, maintenance
margin is ``max_t(n*mmr_t - cum_t)``, a continuous convex function of the notional (a constant
``C`` keeps it so). Equity minus maintenance is then the minimum of one monotone line per tier, so
the fixed point of "recompute with the tier of the notional at the liquidation price until the
tier is stable" is the largest per-tier root for a long and the smallest for a short. We compute
every tier's root at once and take it; this is exact, needs no iteration cap and vectorizes over
curves (tests check that the tier at the result is the tier used).

OKX's position tiers go by size, not notional (table basis "size"): the tier is that of the
quantity, the same at every price, and its rate applies to the whole notional.

Bankruptcy price: equity = 0 (Bybit: equity = fee to close), i.e. ``LP`` with mmr = f = cum = 0
and TMM1 = 0.

A formula result that is not a positive price means "no liquidation price" and comes back as NaN
(Binance shows "--").

Not modelled: portfolio margin, partial liquidation ladders (OKX, Bitget and Bybit reduce large
positions tier by tier before closing them), insurance-fund and liquidation-clearance fees, and
the price rounding to the tick that the exchanges display (Bybit rounds a long's price up and a
short's down to the tick).
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


def _bankrupt_notional(position: Position, backing: ArrayLike, fee_rate: float) -> np.ndarray:
    """Notional at the price where ``backing + pnl`` equals ``fee_rate * notional`` (``fee_rate=0``:
    the plain bankruptcy price); 0 where no such positive price exists.

    Linear ``(Q*EP - s*B)/(1 - s*f)`` (quote); inverse ``(S/EP + s*B)/(1 + s*f)`` (coin).
    """
    s = position.sign
    b = np.asarray(backing, dtype=float)
    if position.is_inverse:
        n = (position.size_usd / position.ep + s * b) / (1.0 + s * fee_rate)
    else:
        n = (position.qty * position.ep - s * b) / (1.0 - s * fee_rate)
    return np.maximum(n, 0.0)


def close_fee_in_margin(position: Position, venue: Venue) -> float | np.ndarray:
    """Estimated fee to close that the venue holds in the posted margin (Bybit, Phemex; else 0).

    ``taker * N(BP_lev)``, the notional at the bankruptcy price of the leverage's own initial
    margin: linear ``Q*EP*(1 - s/leverage)*taker`` (Bybit "Initial Margin Calculation (USDC
    Perpetual & Futures)"; Phemex "close fee = bankruptcy Value * takerfeerate"), inverse
    ``(S/EP)*(1 + s/leverage)*taker`` (coin). Margin currency.
    """
    f = venue.margin_fee_rate
    n = _bankrupt_notional(position, position.initial_margin, 0.0)
    return scalar_or_array(n * f)


def backing(position: Position, venue: Venue, account: Account | None = None) -> float | np.ndarray:
    """Margin that backs the position in the trigger, margin currency: the isolated margin plus
    the fee to close held in it (:func:`close_fee_in_margin`), or in cross ``WB - TMM1 + UPNL1``."""
    wb, tmm, upnl = _context(position, account)
    if position.margin_mode == "cross" and account is not None:
        return scalar_or_array(wb - tmm + upnl)
    return scalar_or_array(wb + np.asarray(close_fee_in_margin(position, venue)))


def bankruptcy_close_fee(
    position: Position, venue: Venue, account: Account | None = None
) -> float | np.ndarray:
    """Bybit's estimated fee to close at the bankruptcy price, ``taker * N(BP)``, that its
    maintenance margin includes; 0 for the other families. ``BP`` is where the equity just covers
    that fee (module docstring); in cross the equity is ``WB + UPNL1 + pnl``."""
    f = venue.bankruptcy_fee_rate
    if f == 0:
        return scalar_or_array(np.zeros(np.shape(position.ep)))
    wb, _, upnl = _context(position, account)
    if position.margin_mode == "cross" and account is not None:
        b = wb + upnl
    else:
        b = np.asarray(backing(position, venue, account))
    return scalar_or_array(f * _bankrupt_notional(position, b, f))


def initial_margin(position: Position, venue: Venue) -> float | np.ndarray:
    """Initial margin as the venue reports it: ``notional / leverage`` plus, for Bybit and Phemex,
    the estimated fee to close at the leverage's bankruptcy price (Bybit "Initial Margin (USDT
    Contract)"). Margin currency."""
    return scalar_or_array(
        np.asarray(position.initial_margin) + np.asarray(close_fee_in_margin(position, venue))
    )


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
        margin = np.asarray(backing(position, venue), dtype=float)
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
    account: Account | None = None,
) -> float | np.ndarray:
    """Maintenance margin ``notional(price) * mmr - cum`` with the tier of that notional.

    Margin currency (quote for linear, coin for inverse). ``price`` defaults to the entry price.
    The Bybit regular account values it at entry whatever the mark; pass ``price=position.ep`` for
    that. With ``include_trigger_fee`` the fee to close is added as the venue's trigger counts it:
    ``notional(price) * f`` (OKX, Gate, KuCoin, Bitget, Phemex) or Bybit's fee to close at the
    bankruptcy price (:func:`bankruptcy_close_fee`; ``account`` is the cross context). This is the
    maintenance margin "as the venue defines it" that equity is compared against.
    """
    p = position.ep if price is None else np.asarray(price, dtype=float)
    n = np.asarray(position.notional_at(p), dtype=float)
    table = venue.table
    # Beyond the last tier's cap the last tier's line continues (a short's LP may lie there).
    m = np.asarray(tier_measure(position, table, p), dtype=float)
    beyond = m > table.max_notional if table.boundary == "cap" else m >= table.max_notional
    i = np.where(beyond, len(table.tiers) - 1, table.index(np.where(beyond, 0.0, m)))
    mm = n * table.mmrs[i] - table.amounts[i]
    if include_trigger_fee:
        mm = mm + n * venue.trigger_fee + np.asarray(bankruptcy_close_fee(position, venue, account))
    return scalar_or_array(mm)


def equity(
    position: Position,
    price: ArrayLike,
    account: Account | None = None,
    venue: Venue | None = None,
) -> float | np.ndarray:
    """Margin balance that backs the position at ``price``: ``WB + UPNL1 + pnl(price)``; with a
    ``venue`` that holds the fee to close in the margin (Bybit, Phemex) an isolated position's
    balance includes that fee."""
    wb, _, upnl = _context(position, account)
    if venue is not None and position.margin_mode == "isolated":
        wb = wb + np.asarray(close_fee_in_margin(position, venue))
    return scalar_or_array(wb + upnl + np.asarray(position.pnl(price)))


def liquidation_price(
    position: Position, venue: Venue, account: Account | None = None
) -> float | np.ndarray:
    """Mark price at which the exchange liquidates ``position`` (NaN: none).

    See the module docstring for the formulas and their sources. ``account`` carries the cross
    wallet and the other positions' TMM1/UPNL1; in isolated mode it only bounds the margin.
    """
    check_position(position, venue, account)
    if position.margin_mode == "cross" and account is None:
        # Without the wallet the price would be the isolated one under a cross label.
        raise ValueError(
            "account=None for margin_mode='cross'; allowed: an Account with the cross "
            "wallet_balance (and the other positions' maintenance and PnL)"
        )
    wb, _, _ = _context(position, account)
    return _broadcast(_liquidation_price(position, venue, account), position, wb)


def _liquidation_price(
    position: Position, venue: Venue, account: Account | None
) -> float | np.ndarray:
    s = position.sign
    ep = position.ep
    f = venue.trigger_fee
    table = venue.table
    b = np.asarray(backing(position, venue, account), dtype=float)
    if venue.rules.mm_valued_at == "entry":
        mm_e = np.asarray(
            maintenance_margin(position, venue, ep, include_trigger_fee=True, account=account)
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            if position.is_inverse:
                size = position.size_usd
                lp = s * size / (b + s * size / ep - mm_e)
            else:
                lp = ep - s * (b - mm_e) / position.qty
        return _positive_or_nan(lp)

    # One root per tier along a trailing axis; long takes the largest, short the smallest price.
    # A size-based table (OKX) has one candidate: the tier of the quantity, fixed by the size.
    # Bybit's fee to close at the bankruptcy price is a constant inside every tier's line.
    c = np.asarray(bankruptcy_close_fee(position, venue, account), dtype=float)[..., None]
    if table.basis == "size":
        i = table.index(tier_measure(position, table))[..., None]
        mmr, cum = table.mmrs[i] + f, table.amounts[i] - c
    else:
        mmr, cum = table.mmrs + f, table.amounts - c
    base = b[..., None]
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


def bankruptcy_price(
    position: Position, account: Account | None = None, venue: Venue | None = None
) -> float | np.ndarray:
    """Price at which the margin backing the position is exhausted (equity = 0); NaN if none.

    Linear ``BP = EP - s*(WB + UPNL1)/Q``; inverse ``BP = s*S/(WB + UPNL1 + s*S/EP)``. Isolated
    with ``WB = Q*EP/leverage`` this is Bybit's ``EP*(1 - s/leverage)`` (Bybit help "What is
    Bankruptcy Price?"). With a Bybit ``venue`` and a taker fee the bankruptcy price is where the
    equity just covers the fee to close there (cross: ``1.00075*contracts/(contracts/EP +
    balance)`` on Bybit's inverse page), which for an isolated position sized by leverage alone is
    the same ``EP*(1 - s/leverage)``.
    """
    wb, _, upnl = _context(position, account)
    s = position.sign
    if venue is not None and venue.bankruptcy_fee_rate > 0:
        f = venue.bankruptcy_fee_rate
        if position.margin_mode == "cross" and account is not None:
            b = wb + upnl
        else:
            b = np.asarray(backing(position, venue, account))
        n = _bankrupt_notional(position, b, f)
        with np.errstate(divide="ignore", invalid="ignore"):
            price = position.size_usd / n if position.is_inverse else n / position.qty
        return _broadcast(_positive_or_nan(np.where(n > 0, price, np.nan)), position, wb)
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
