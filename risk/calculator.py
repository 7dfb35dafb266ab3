"""The exchange calculators' other tabs: PnL/ROE at an exit price, the largest position a balance
opens ("Max Open"), and the average entry of several fills ("Open Price").

Units: linear contracts in quote currency (USDT) with quantities in base units; inverse contracts
in coin with quantities in contracts of ``contract_size`` USD. Rates are fractions.

Sources: Binance FAQ "How to Use Binance Futures Calculator" (360036498511: PnL, ROE = PnL /
initial margin, target price, Max Open, Open Price tabs) and "How to Calculate Cost Required to
Open a Position in Perpetual Futures Contracts" (87fa7ee33b574f7084d42bd2ce2e463b: cost = initial
margin + open loss, no fee); Bybit help "Order Cost" (initial margin + fee to open + fee to close
at the bankruptcy price) and "How to Calculate Average Entry Price" (000001113).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from risk._validate import ArrayLike, check_positive, check_range, scalar_or_array
from risk.margin import fee, open_fee, order_cost
from risk.positions import CONTRACTS, Position
from risk.tiers import TierTable


# --- Average entry ("Open Price" tab) ---------------------------------------------------------
def average_entry_price(
    prices: ArrayLike, quantities: ArrayLike, contract: str = "linear"
) -> float | np.ndarray:
    """Average entry price of several fills of one position (fills along the last axis).

    Linear (quantity-weighted): ``EP = sum(q_i * p_i) / sum(q_i)``, ``q`` in base units.
    Inverse (contract-weighted harmonic): ``EP = sum(c_i) / sum(c_i / p_i)``, ``c`` in contracts
    (the coin value of each fill, ``c_i / p_i``, is what adds up). Bybit help "How to Calculate
    Average Entry Price": linear 1 @ 10,000 + 2 @ 13,000 = 12,000; inverse 50 @ 10,000 +
    50 @ 15,000 = 12,000.
    """
    if contract not in CONTRACTS:
        raise ValueError(f"contract={contract!r} is not known; allowed: {', '.join(CONTRACTS)}")
    p = np.atleast_1d(check_positive("price", prices))
    q = np.atleast_1d(check_positive("quantity", quantities))
    if p.shape[-1] == 0 or q.shape[-1] == 0:
        raise ValueError("fills=[] is empty; allowed: at least one fill (price and quantity)")
    try:
        p, q = np.broadcast_arrays(p, q)
    except ValueError:
        raise ValueError(
            f"prices (shape {p.shape}) and quantities (shape {q.shape}) do not match; allowed: "
            "one quantity per price"
        ) from None
    if contract == "inverse":
        return scalar_or_array(q.sum(axis=-1) / (q / p).sum(axis=-1))
    return scalar_or_array((q * p).sum(axis=-1) / q.sum(axis=-1))


def parse_number_pair(
    text: str, sep: str, name: str, shape: str, example: str
) -> tuple[float, float]:
    """``"A<sep>B"`` -> ``(a, b)``, two numbers (thousands commas allowed); ``ValueError`` naming
    ``name`` and the expected ``shape`` (e.g. ``"PRICE:QTY"``) otherwise. Positivity is checked by
    the caller, with each number's own name."""
    a_s, found, b_s = text.partition(sep)
    try:
        if not found:
            raise ValueError
        return float(a_s.replace(",", "")), float(b_s.replace(",", ""))
    except ValueError:
        raise ValueError(
            f"{name}={text!r} is not {shape}; allowed: two positive numbers such as {example}"
        ) from None


def parse_fill(text: str) -> tuple[float, float]:
    """``"PRICE:QTY"`` -> ``(price, quantity)``; ``ValueError`` naming the fill otherwise."""
    price, qty = parse_number_pair(text, ":", "fill", "PRICE:QTY", "50000:0.1")
    check_positive("fill price", price)
    check_positive("fill quantity", qty)
    return price, qty


# --- PnL / ROE at an exit ("PnL" and "Target Price" tabs) -----------------------------------
@dataclass(frozen=True)
class ExitOutcome:
    """Closing a position at ``exit_price``. Margin currency (quote for linear, coin for
    inverse); ``roe`` and ``roe_after_fees`` are fractions of the initial margin."""

    exit_price: float
    pnl: float  # side * Q * (exit - EP); inverse side * S * (1/EP - 1/exit)
    open_fee: float  # notional(EP) * taker
    close_fee: float  # notional(exit) * taker
    pnl_after_fees: float  # pnl - open_fee - close_fee
    initial_margin: float  # notional(EP) / leverage
    roe: float  # pnl / initial margin (the calculators' ROE)
    roe_after_fees: float  # pnl_after_fees / initial margin
    move_frac: float  # (exit - EP) / EP, signed


def exit_outcome(position: Position, exit_price: float, taker_fee: float = 0.0) -> ExitOutcome:
    """PnL, fees and ROE of closing ``position`` at ``exit_price``.

    ``ROE = PnL / initial margin = side * (exit/EP - 1) * leverage`` for linear contracts and
    ``side * (1 - EP/exit) * leverage`` for inverse (Binance FAQ 360036498511); the after-fee
    ROE subtracts the taker fee to open at EP and to close at the exit (:func:`risk.margin.roi`).
    """
    p = float(check_positive("exit_price", exit_price))
    im = float(position.initial_margin)
    pnl = float(position.pnl(p))
    fo = float(open_fee(position, taker_fee))
    fc = float(fee(position, p, taker_fee))
    ep = float(position.ep)
    return ExitOutcome(
        exit_price=p,
        pnl=pnl,
        open_fee=fo,
        close_fee=fc,
        pnl_after_fees=pnl - fo - fc,
        initial_margin=im,
        roe=pnl / im,
        roe_after_fees=(pnl - fo - fc) / im,
        move_frac=(p - ep) / ep,
    )


# --- Max Open -----------------------------------------------------------------------------------
#: What can bind the largest position: the balance (margin and fees), the tier table's
#: notional ceiling for the leverage (the last tier whose maximum leverage allows it), or the
#: table's last cap (no tier accepts a larger notional at any leverage).
LIMITS = ("balance", "tier max leverage", "last cap")


@dataclass(frozen=True)
class MaxOpen:
    """The largest position a balance opens at a leverage. Quote for linear, coin for inverse
    (``notional``, ``initial_margin``, ``fees``, ``cost``); ``quantity`` in base units or
    contracts."""

    quantity: float
    notional: float  # at the entry price
    initial_margin: float  # notional / leverage
    fees: float  # fee to open (+ fee to close at bankruptcy when included)
    cost: float  # initial_margin + fees <= balance
    limited_by: str  # one of LIMITS
    balance_quantity: float  # what the balance alone would open (before the lot)
    tier_notional_cap: float  # ceiling of the leverage in the tier table (notional, or size)
    tier_max_leverage: float  # maximum leverage of the tier the position lands in


def notional_cap_for_leverage(table: TierTable, leverage: float) -> tuple[float, str]:
    """Tier ceiling at ``leverage`` (notional, or base quantity for a size-based table; exclusive
    or inclusive by the table's boundary rule): the cap of the last tier whose maximum
    leverage is at least ``leverage`` (tiers' maximum leverage does not rise with the notional),
    and which limit that is (``"last cap"`` when it is the table's last tier).

    ``ValueError`` when even the first tier does not allow the leverage.
    """
    lev = float(check_range("leverage", leverage, 1.0))
    ok = [i for i, t in enumerate(table.tiers) if t.max_leverage * (1 + 1e-12) >= lev]
    if not ok:
        top = table.tiers[0].max_leverage
        raise ValueError(
            f"leverage={lev:g} is above every tier of {table.name}; allowed: 1 <= leverage <= "
            f"{top:g}"
        )
    last = ok[-1]
    kind = "last cap" if last == len(table.tiers) - 1 else "tier max leverage"
    return table.tiers[last].cap, kind


def max_open(
    balance: float,
    entry_price: float,
    leverage: float,
    table: TierTable,
    *,
    side: str = "long",
    taker_fee: float = 0.0,
    close_fee_at_bankruptcy: bool = False,
    lot_size: float | None = None,
    contract: str = "linear",
    contract_size: float = 1.0,
) -> MaxOpen:
    """Largest quantity that ``balance`` opens at ``entry_price`` and ``leverage``.

    Cost per unit of quantity, with ``n`` the notional of one unit (``EP`` linear, quote;
    ``contract_size/EP`` inverse, coin) and ``f`` the taker fee:

        cost(Q) = Q * n * (1/L + f)                  (initial margin + fee to open)
                + Q * n_bankruptcy * f               (fee to close; Bybit "Order Cost" only)

    where the bankruptcy notional per unit is ``n * (1 - side/L)`` linear and
    ``n * (1 + side/L)`` inverse (:func:`risk.margin.order_cost` of one unit). The balance
    limit is ``balance / cost(1)``; the tier limit is the largest quantity whose notional stays
    below :func:`notional_cap_for_leverage`. The result is the smaller, rounded down to
    ``lot_size`` (strictly below the cap). Binance's
    "Cost Required to Open a Position" counts the initial margin only (plus open loss for an
    order through the mark, not modelled): use ``taker_fee=0`` for its figure.
    """
    bal = float(check_positive("balance", balance))
    ep = float(check_positive("entry_price", entry_price))
    lev = float(check_range("leverage", leverage, 1.0))
    f = float(check_range("taker_fee", taker_fee, 0.0, 0.01, why="a fraction: 0.0005 = 0.05%"))
    if contract not in CONTRACTS:
        raise ValueError(f"contract={contract!r} is not known; allowed: {', '.join(CONTRACTS)}")
    if side not in ("long", "short"):
        raise ValueError(f"side={side!r} is not known; allowed: long, short")
    cs = float(check_positive("contract_size", contract_size))
    lot = None if lot_size is None else float(check_positive("lot_size", lot_size))
    cap, cap_kind = notional_cap_for_leverage(table, lev)  # refuses a leverage above the table
    one = Position(side, ep, 1.0, leverage=lev, contract=contract, contract_size=cs)
    unit = float(one.notional)  # notional of one unit of quantity
    if close_fee_at_bankruptcy:
        per_unit = float(order_cost(one, f))
    else:
        per_unit = unit / lev + float(open_fee(one, f))
    if not (math.isfinite(per_unit) and per_unit > 0):
        raise ValueError(
            f"entry_price={ep:g} at leverage={lev:g} costs {per_unit:g} per unit, which cannot "
            "size a position; allowed: an entry and leverage whose margin per unit is a "
            "positive number"
        )
    q_bal = bal / per_unit
    # Tiers measure the notional, or the base quantity for a size-based table (OKX); the cap is
    # exclusive under the "floor" boundary (Binance: floor <= n < cap), inclusive under "cap"
    # (Bybit: n <= risk limit).
    measure = 1.0 if table.basis == "size" else unit  # tier measure of one unit of quantity
    inclusive = table.boundary == "cap"

    def beyond(q: float) -> bool:
        return q * measure > cap if inclusive else q * measure >= cap

    q_cap = cap / measure
    if q_bal < q_cap:
        q, limited = q_bal, "balance"
    else:
        q, limited = q_cap, cap_kind
    if lot is not None:
        # Whole lots; a quantity whose cost equals the balance up to float rounding (1e-12
        # relative) fits.
        k = math.floor(q / lot * (1 + 1e-12))
        while k > 0 and (beyond(k * lot) or k * lot * per_unit > bal * (1 + 1e-12)):
            k -= 1
        q = k * lot
    elif limited != "balance" and beyond(q):
        q = math.nextafter(q_cap, 0.0)
    if q <= 0:
        raise ValueError(
            f"balance={bal:g} does not open one lot ({lot:g}) at leverage {lev:g}; allowed: "
            f"balance >= {per_unit * (lot or 0):.8g}"
        )
    notional = q * unit
    im = notional / lev
    fees = q * (per_unit - unit / lev)
    tier = table.tier(q * measure)
    return MaxOpen(
        quantity=q,
        notional=notional,
        initial_margin=im,
        fees=fees,
        cost=q * per_unit,
        limited_by=limited,
        balance_quantity=q_bal,
        tier_notional_cap=cap,
        tier_max_leverage=tier.max_leverage,
    )


__all__ = [
    "LIMITS",
    "ExitOutcome",
    "MaxOpen",
    "average_entry_price",
    "exit_outcome",
    "max_open",
    "notional_cap_for_leverage",
    "parse_fill",
]
