"""Hedge mode: a long and a short leg of ONE symbol in one cross wallet.

Both legs move with the same mark price ``P`` and share the cross wallet, so the account is
liquidated when its equity reaches the two legs' maintenance margin as the venue defines it
(Binance FAQ "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts",
binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93, hedge-mode terms
Position1LONG/EP1LONG/MMRL/cumL and Position1SHORT/EP1SHORT/MMRS/cumS, Position1BOTH = 0; "under
cross margin, same ticker/symbol, both long and short position share the same liquidation
price"). With ``L``/``S`` the legs' quantities and ``EPL``/``EPS`` their entries:

    WB - TMM1 + UPNL1 + L*(P - EPL) - S*(P - EPS) = MM_long(P) + MM_short(P)

Binance (and generic), each leg valued on its OWN notional with its own tier:

    LP = (WB - TMM1 + UPNL1 + cumL + cumS - L*EPL + S*EPS) / (L*MMRL + S*MMRS - L + S)

which is Binance's formula with the BOTH terms at zero. COIN-M (inverse, Binance FAQ "How to
Calculate Liquidation Price of COIN-M Futures Contracts") is the same equation in coin with
``u = 1/P``: ``WB' + L*(1/EPL - u) - S*(1/EPS - u) = L*u*MMRL - cumL + S*u*MMRS - cumS`` with
``L``, ``S`` in USD (contracts x contract size).

How the other cross-capable families value the two legs (:data:`HEDGE_RULES`):

- OKX (long/short position mode, cross): "Tiered maintenance margin ratio rules"
  (okx.com/help/v-tiered-maintenance-margin-ratio-rules): in cross margin the long and the short
  positions of one contract are added together to find the tier ("10,000 long + 15,000 short =
  25,000 contracts"), and that tier's rate applies to each leg's value at the mark; the
  liquidation fee (taker rate x value) is inside the requirement as for one position:
  ``MM = (N_long(P) + N_short(P)) * (MMR_tier(L + S) + fee)``.
- Bybit (both accounts): each leg's maintenance margin as for one position (the regular account
  on the value at entry, the Unified Trading Account at the mark; Bybit "Liquidation Price (USDT
  Contract)" and "Liquidation Price Calculation under Isolated Mode (Unified Trading Account)"),
  plus each leg's estimated fee to close. Bybit publishes its cross fee to close for ONE position
  per symbol, valued at the bankruptcy price of the balance ("How to calculate Liquidation Price
  (Inverse Contract)"); a hedged pair has no such price (a fully hedged pair never goes
  bankrupt), so each leg's fee to close is valued where Bybit's initial-margin pages value it, at
  the leg's own leverage's bankruptcy price ("Initial Margin Calculation (USDC Perpetual &
  Futures)": ``Q*EP*(1 -/+ 1/leverage)*taker``). This is this project's reading, not a
  published hedge-mode formula.

Refused (:data:`HEDGE_REFUSED`), with the reason: Hyperliquid keeps one net position per asset;
Gate, KuCoin, Bitget and Phemex are modelled in isolated margin only.

Tiers: each maintenance margin is ``max_t(n*mmr_t - cum_t)`` (convex, see
:mod:`risk.liquidation`), so equity minus maintenance is the minimum of one line per PAIR of
tiers (one line per tier of the combined position on OKX; a constant for a leg valued at entry).
The safe prices are where every line is non-negative: above the largest root of the rising lines
and below the smallest root of the falling ones. A root at which a leg's notional reaches the
table's last cap is outside every tier and is reported as no price (NaN). A net-long pair has a
liquidation price below the mark, a fully hedged one above it (both legs' maintenance grows with
the price), and very large legs can have both; :class:`HedgeLiquidation` reports both sides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from risk._validate import check_positive
from risk.liquidation import close_fee_in_margin, maintenance_margin, tier_measure
from risk.positions import Account, Position
from risk.tiers import Tier
from risk.venues import Venue

#: How each family with a cross hedge mode finds the tier of a leg: "leg" (the leg's own notional,
#: Binance, Bybit) or "combined" (both legs of the contract together, OKX cross).
HEDGE_RULES: dict[str, str] = {
    "binance": "leg",
    "generic": "leg",
    "bybit": "leg",
    "bybit-uta": "leg",
    "okx": "combined",
}
#: Rule families with a hedge-mode cross formula here.
HEDGE_FAMILIES = tuple(HEDGE_RULES)
#: Why the other families are refused.
HEDGE_REFUSED: dict[str, str] = {
    "hyperliquid": "Hyperliquid keeps one net position per asset: a long and a short of one coin "
    "net out, so it has no hedge mode",
    "gate": "Gate is modelled in isolated margin only here, and hedge legs share the cross wallet",
    "kucoin": "KuCoin is modelled in isolated margin only here, not its cross allocation, and "
    "hedge legs share the cross wallet",
    "bitget": "Bitget is modelled in isolated margin only here, and hedge legs share the cross "
    "wallet",
    "phemex": "Phemex is modelled in isolated margin only here, and hedge legs share the cross "
    "wallet",
}


@dataclass(frozen=True)
class HedgeLiquidation:
    """Where a hedged pair is liquidated, and its state at ``mark_price``.

    ``below``/``above``: the liquidation price under / over the safe range (NaN: none on that
    side; both NaN and ``already_liquidatable`` when no price is safe). ``liquidation_price`` is
    the one nearer the mark. Money in the margin currency.
    """

    below: float
    above: float
    liquidation_price: float
    mark_price: float
    distance_frac: float  # |nearest LP - mark| / mark; 0 when already liquidatable; NaN: no LP
    margin_balance: float  # WB + UPNL1 + both legs' PnL at the mark
    maintenance_margin: float  # TMM1 + both legs' maintenance margin at the mark (venue's way)
    margin_ratio: float  # maintenance / margin balance (inf when the balance is not positive)
    already_liquidatable: bool  # margin ratio >= 1 at the mark


def _check_legs(long_leg: Position, short_leg: Position, venue: Venue) -> None:
    if venue.name not in HEDGE_RULES:
        why = HEDGE_REFUSED.get(venue.name, "no hedge-mode rule is modelled for it")
        raise ValueError(
            f"exchange={venue.name!r} has no hedge-mode formula here ({why}); allowed: "
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
    table = venue.table
    for leg in (long_leg, short_leg):
        if np.ndim(leg.ep) or np.ndim(leg.qty):
            raise ValueError("hedge legs take one price and quantity each; allowed: scalars")
        n = float(tier_measure(leg, table))
        if n >= table.max_notional:
            raise ValueError(
                f"{table.measure}={n:,.2f} of the {leg.side} leg is out of range; allowed: "
                f"{table.measure} < {table.max_notional:,.0f} ({table.name} tiers)"
            )
    if _combined(venue) and table.basis == "size":
        n = _combined_size(long_leg, short_leg)
        if n >= table.max_notional:
            raise ValueError(
                f"size={n:,.2f} of both legs together is out of range; allowed: size < "
                f"{table.max_notional:,.0f} ({table.name} tiers count the long and the short "
                "legs of one contract together in cross margin)"
            )


def _combined(venue: Venue) -> bool:
    return HEDGE_RULES[venue.name] == "combined"


def _combined_size(long_leg: Position, short_leg: Position) -> float:
    return abs(float(long_leg.qty)) + abs(float(short_leg.qty))


def _at_entry(venue: Venue) -> bool:
    return venue.rules.mm_valued_at == "entry"


def pair_close_fees(long_leg: Position, short_leg: Position, venue: Venue) -> float:
    """Bybit: each leg's estimated fee to close at its leverage's bankruptcy price (module
    docstring); 0 for the families that put the fee in the rate (OKX) or not at all."""
    if venue.bankruptcy_fee_rate == 0:
        return 0.0
    return sum(float(np.asarray(close_fee_in_margin(leg, venue))) for leg in (long_leg, short_leg))


def leg_tiers(
    long_leg: Position, short_leg: Position, venue: Venue, price: float
) -> tuple[Tier, Tier]:
    """The tier each leg's maintenance margin uses at ``price``: its own notional there (at its
    entry for the Bybit regular account), or, on OKX, the tier of both legs together."""
    table = venue.table

    def lookup(measure: float) -> Tier:
        return table.tiers[-1] if measure >= table.max_notional else table.tier(measure)

    if _combined(venue):
        if table.basis == "size":
            m = _combined_size(long_leg, short_leg)
        else:
            m = float(long_leg.notional_at(price)) + float(short_leg.notional_at(price))
        t = lookup(m)
        return t, t
    legs = []
    for leg in (long_leg, short_leg):
        at = leg.ep if _at_entry(venue) else price
        legs.append(lookup(float(tier_measure(leg, table, at))))
    return legs[0], legs[1]


def pair_maintenance_margin(
    long_leg: Position, short_leg: Position, venue: Venue, price: float
) -> float:
    """Both legs' maintenance margin at ``price`` as the venue defines it (module docstring),
    fee to close included where the venue includes it. Margin currency."""
    f = venue.trigger_fee
    t_l, t_s = leg_tiers(long_leg, short_leg, venue, price)
    if _combined(venue):
        n = float(long_leg.notional_at(price)) + float(short_leg.notional_at(price))
        mm = n * (t_l.mmr + f) - t_l.maintenance_amount
    elif _at_entry(venue):
        mm = sum(float(maintenance_margin(leg, venue, leg.ep)) for leg in (long_leg, short_leg))
    else:
        mm = 0.0
        for leg, t in ((long_leg, t_l), (short_leg, t_s)):
            mm += float(leg.notional_at(price)) * (t.mmr + f) - t.maintenance_amount
    return mm + pair_close_fees(long_leg, short_leg, venue)


def _safe_range(slope: np.ndarray, intercept: np.ndarray) -> tuple[float, float]:
    """Interval of ``x`` where every line ``slope*x + intercept`` is >= 0 (lo > hi: empty)."""
    up, down, flat = slope > 0, slope < 0, slope == 0
    roots = -intercept / np.where(slope == 0, 1.0, slope)
    lo = float(roots[up].max()) if up.any() else -math.inf
    hi = float(roots[down].min()) if down.any() else math.inf
    if flat.any() and (intercept[flat] < 0).any():
        return math.inf, -math.inf
    return lo, hi


def _mm_lines(
    long_leg: Position, short_leg: Position, venue: Venue
) -> tuple[np.ndarray, np.ndarray]:
    """The maintenance margin of the pair as lines ``rate*x - amount`` in ``x`` (the price, or
    ``u = 1/P`` for inverse legs, whose notional is ``S*u``), one per tier combination; the
    pair's maintenance margin is their maximum. Returns (rate, amount)."""
    table, f = venue.table, venue.trigger_fee
    a_l, a_s = (
        (float(long_leg.size_usd), float(short_leg.size_usd))
        if long_leg.is_inverse
        else (float(long_leg.qty), float(short_leg.qty))
    )
    fees = pair_close_fees(long_leg, short_leg, venue)
    if _combined(venue):
        if table.basis == "size":
            i = int(table.index(_combined_size(long_leg, short_leg)))
            mmr, cum = table.mmrs[i : i + 1], table.amounts[i : i + 1]
        else:
            mmr, cum = table.mmrs, table.amounts
        return (a_l + a_s) * (mmr + f), cum - fees
    if _at_entry(venue):
        mm = sum(float(maintenance_margin(leg, venue, leg.ep)) for leg in (long_leg, short_leg))
        return np.zeros(1), np.array([-(mm + fees)])
    if table.basis == "size":
        rates = []
        for leg in (long_leg, short_leg):
            i = int(table.index(tier_measure(leg, table)))
            rates.append((table.mmrs[i : i + 1] + f, table.amounts[i : i + 1]))
        (m_l, c_l), (m_s, c_s) = rates
    else:
        m_l = m_s = table.mmrs + f
        c_l = c_s = table.amounts
    ml, ms = np.meshgrid(m_l, m_s, indexing="ij")
    cl, cs = np.meshgrid(c_l, c_s, indexing="ij")
    return (a_l * ml + a_s * ms).ravel(), (cl + cs).ravel() - fees


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
    margin ratio and the distance are measured. See the module docstring for the formula of each
    family; a family without a hedge mode here raises ``ValueError`` naming why.
    """
    _check_legs(long_leg, short_leg, venue)
    mark = float(check_positive("mark_price", long_leg.ep if mark_price is None else mark_price))
    rate, amount = _mm_lines(long_leg, short_leg, venue)
    base = account.wallet_balance - account.other_maintenance + account.other_upnl
    e_l, e_s = float(long_leg.ep), float(short_leg.ep)
    if long_leg.is_inverse:
        a_l, a_s = float(long_leg.size_usd), float(short_leg.size_usd)
        slope = -(a_l - a_s) - rate  # in u = 1/P
        intercept = base + a_l / e_l - a_s / e_s + amount
        lo_u, hi_u = _safe_range(slope, intercept)
        empty = lo_u > hi_u
        below = 1.0 / hi_u if 0 < hi_u < math.inf else math.nan
        above = 1.0 / lo_u if lo_u > 0 else math.nan
    else:
        q_l, q_s = float(long_leg.qty), float(short_leg.qty)
        slope = q_l - q_s - rate
        intercept = base - q_l * e_l + q_s * e_s + amount
        lo, hi = _safe_range(slope, intercept)
        empty = lo > hi
        below = lo if 0 < lo < math.inf else math.nan
        above = hi if 0 < hi < math.inf else math.nan
    # A root where a leg's notional reaches the table's last cap lies outside the tiers (no
    # exchange accepts such a notional): no liquidation price on that side. With no safe price at
    # all (the wallet covers both legs' maintenance nowhere) the roots are not on the boundary of
    # a safe range either: no price, and the pair is liquidatable wherever the mark is.
    below, above = (
        p
        if not empty and not math.isnan(p) and _inside_tiers(long_leg, short_leg, venue, p)
        else math.nan
        for p in (below, above)
    )
    upnl = float(long_leg.pnl(mark)) + float(short_leg.pnl(mark))
    balance = account.wallet_balance + account.other_upnl + upnl
    mm = account.other_maintenance + pair_maintenance_margin(long_leg, short_leg, venue, mark)
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


def _inside_tiers(long_leg: Position, short_leg: Position, venue: Venue, price: float) -> bool:
    """Every notional the maintenance margin looks up at ``price`` is below the last cap."""
    table = venue.table
    if table.basis == "size" or _at_entry(venue):
        return True  # the tier does not move with the price (checked on entry)
    cap = table.max_notional
    n_l, n_s = float(long_leg.notional_at(price)), float(short_leg.notional_at(price))
    if _combined(venue):
        return n_l + n_s < cap
    return n_l < cap and n_s < cap
