"""Positions and accounts as frozen dataclasses.

Units
-----
- ``quantity``: base units (BTC) for a linear contract; number of contracts for an inverse one.
- ``contract_size``: USD per contract (inverse only; Binance COIN-M BTCUSD = 100, Bybit = 1).
- ``margin``: isolated margin in the margin currency: quote (USDT) for linear, coin for inverse.
- ``notional``: quote currency for linear (``quantity * price``); coin for inverse
  (``quantity * contract_size / price``).

Numeric fields accept numpy arrays so one ``Position`` can describe a whole curve (a grid of
leverages, say); every derived quantity broadcasts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from risk._validate import (
    ArrayLike,
    check_choice,
    check_positive,
    check_range,
    scalar_or_array,
)

SIDES = {"long": 1.0, "short": -1.0}
CONTRACTS = ("linear", "inverse")
MARGIN_MODES = ("isolated", "cross")


@dataclass(frozen=True)
class Position:
    """One perpetual-futures position.

    Give ``leverage`` (the leverage setting; isolated margin = notional / leverage) or ``margin``
    (the isolated margin actually posted), or both when margin was added on top of the leverage's
    initial margin.
    """

    side: str
    entry_price: ArrayLike
    quantity: ArrayLike
    leverage: ArrayLike | None = None
    margin: ArrayLike | None = None
    contract: str = "linear"
    contract_size: float = 1.0
    margin_mode: str = "isolated"
    _arr: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_choice("side", self.side, SIDES)
        check_choice("contract", self.contract, CONTRACTS)
        check_choice("margin_mode", self.margin_mode, MARGIN_MODES)
        a = self._arr
        a["entry_price"] = check_positive("entry_price", self.entry_price)
        a["quantity"] = check_positive("quantity", self.quantity)
        a["contract_size"] = check_positive("contract_size", self.contract_size)
        if self.leverage is None and self.margin is None:
            raise ValueError(
                "leverage=None and margin=None; allowed: give leverage (>= 1) or margin (> 0)"
            )
        if self.leverage is not None:
            a["leverage"] = check_range("leverage", self.leverage, 1.0)
        if self.margin is not None:
            a["margin"] = check_positive("margin", self.margin)

    # --- derived quantities -----------------------------------------------------------------
    @property
    def sign(self) -> float:
        """+1 for long, -1 for short."""
        return SIDES[self.side]

    @property
    def is_inverse(self) -> bool:
        return self.contract == "inverse"

    @property
    def ep(self) -> np.ndarray:
        return self._arr["entry_price"]

    @property
    def qty(self) -> np.ndarray:
        return self._arr["quantity"]

    @property
    def size_usd(self) -> np.ndarray:
        """Inverse contracts' face value in USD (``quantity * contract_size``)."""
        return self.qty * self._arr["contract_size"]

    def notional_at(self, price: ArrayLike) -> np.ndarray:
        """Position value at ``price``: quote units (linear) or coin (inverse)."""
        p = np.asarray(price, dtype=float)
        if self.is_inverse:
            return self.size_usd / p
        return self.qty * p

    @property
    def notional(self) -> float | np.ndarray:
        """Notional at the entry price."""
        return scalar_or_array(self.notional_at(self.ep))

    @property
    def initial_margin(self) -> float | np.ndarray:
        """Initial margin of the leverage setting, ``notional / leverage`` (or the margin posted
        when no leverage is given)."""
        if "leverage" in self._arr:
            return scalar_or_array(self.notional_at(self.ep) / self._arr["leverage"])
        return scalar_or_array(self._arr["margin"])

    @property
    def isolated_margin(self) -> float | np.ndarray:
        """Margin posted to the position: ``margin`` when given, else the initial margin."""
        if "margin" in self._arr:
            return scalar_or_array(self._arr["margin"])
        return self.initial_margin

    @property
    def leverage_setting(self) -> float | np.ndarray:
        """The leverage setting (the effective leverage when only margin was given)."""
        if "leverage" in self._arr:
            return scalar_or_array(self._arr["leverage"])
        return self.effective_leverage

    @property
    def effective_leverage(self) -> float | np.ndarray:
        """``notional / isolated margin`` at the entry price."""
        return scalar_or_array(self.notional_at(self.ep) / np.asarray(self.isolated_margin))

    def pnl(self, price: ArrayLike) -> float | np.ndarray:
        """Unrealized PnL at ``price``.

        Linear: ``side * quantity * (price - entry)`` in quote. Inverse:
        ``side * contracts * contract_size * (1/entry - 1/price)`` in coin.
        """
        p = check_positive("price", price)
        if self.is_inverse:
            return scalar_or_array(self.sign * self.size_usd * (1.0 / self.ep - 1.0 / p))
        return scalar_or_array(self.sign * self.qty * (p - self.ep))


@dataclass(frozen=True)
class Account:
    """The cross-margin context of a position.

    ``wallet_balance`` is the cross wallet (margin currency). ``other_maintenance`` (TMM1) and
    ``other_upnl`` (UPNL1) are the maintenance margin and unrealized PnL of every OTHER cross
    position, valued at their mark prices (Binance FAQ notation). In isolated mode only
    ``wallet_balance`` matters: the isolated margin cannot exceed it.
    """

    wallet_balance: float
    other_maintenance: float = 0.0
    other_upnl: float = 0.0

    def __post_init__(self) -> None:
        check_positive("wallet_balance", self.wallet_balance)
        check_range("other_maintenance", self.other_maintenance, 0.0)
        check_range("other_upnl", self.other_upnl)
