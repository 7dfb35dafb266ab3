"""Maintenance-margin tier tables.

A tier applies to notionals ``floor <= notional < cap`` (floor inclusive). Within a tier

    maintenance margin = notional * mmr - maintenance_amount

and the maintenance amount follows the recurrence (Binance FAQ "How to Calculate Liquidation Price
of USDⓈ-M Futures Contracts"; Hyperliquid calls it ``maintenance_deduction``, Bybit "MM deduction"):

    cum_1 = 0,   cum_n = cum_{n-1} + floor_n * (mmr_n - mmr_{n-1})

which makes maintenance margin a continuous, convex, piecewise-linear function of the notional. A
table that breaks the recurrence, or whose rates fall as the notional grows, is rejected on load,
because the liquidation solver in :mod:`risk.liquidation` relies on both properties.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from risk._validate import ArrayLike, as_float_array, check_positive, check_range

#: Tolerance of the maintenance-amount recurrence check, in the table's notional unit. Published
#: amounts are exact or rounded to the cent, so a cent (plus a relative 1e-9 for float noise) is
#: enough; anything looser would let the maintenance margin jump at a tier floor, and the solver's
#: "largest per-tier root" would then no longer be the tier-at-the-liquidation-price answer.
RECURRENCE_TOL_ABS = 0.01
RECURRENCE_TOL_REL = 1e-9

#: Notional units that are a quote currency: such a table cannot size an inverse (coin-margined)
#: position, whose notional is in coin; a table in ``COIN_UNIT`` cannot size a linear one. Flat
#: tables typed by the user carry the unit "quote", meaning "the position's own margin
#: currency", and apply to both contract types.
QUOTE_UNITS = frozenset({"USDT", "USDC", "USD", "BUSD", "FDUSD"})
COIN_UNIT = "coin"

_FIELDS = "floor, cap, mmr, maintenance_amount, max_leverage"


@dataclass(frozen=True)
class Tier:
    """One maintenance bracket. Amounts are in the table's notional unit (quote currency for linear
    contracts, coin for inverse ones); rates are fractions."""

    floor: float
    cap: float  # math.inf for the last tier
    mmr: float
    maintenance_amount: float
    max_leverage: float


@dataclass(frozen=True)
class TierTable:
    """An ordered, validated list of tiers with its provenance."""

    name: str
    tiers: tuple[Tier, ...]
    source: str
    as_of: str
    notional_unit: str = "quote"

    def __post_init__(self) -> None:
        _check_tiers(self.name, self.tiers)

    @classmethod
    def flat(
        cls,
        mmr: float,
        maintenance_amount: float = 0.0,
        max_leverage: float | None = None,
        name: str = "user",
    ) -> TierTable:
        """A single tier with a user-typed rate (the "generic" model)."""
        mmr_f = float(check_range("mmr", mmr, 0.0, 1.0, hi_open=True))
        cum = float(check_range("maintenance_amount", maintenance_amount, 0.0))
        if max_leverage is None:
            max_leverage = 1.0 / mmr_f if mmr_f > 0 else 1000.0
        lev = float(check_range("max_leverage", max_leverage, 1.0))
        return cls(
            name=name,
            tiers=(Tier(0.0, math.inf, mmr_f, cum, lev),),
            source="typed by the user",
            as_of="n/a",
        )

    @classmethod
    def from_records(
        cls, name: str, records: list[dict[str, Any]], source: str, as_of: str, unit: str = "quote"
    ) -> TierTable:
        """Build from dicts with ``floor``, ``cap`` (None = no cap), ``mmr``,
        ``maintenance_amount`` and ``max_leverage`` (the JSON layout in ``risk/data``)."""
        if isinstance(records, list) and not records:
            raise ValueError(f"tiers of {name!r}=[] is empty; allowed: at least one tier")
        if not isinstance(records, list):
            raise ValueError(
                f"tiers of {name!r}={_short(records)} is not a list of tier records; allowed: a "
                f"non-empty list of objects with {_FIELDS}"
            )
        tiers = []
        for i, r in enumerate(records, start=1):
            if not isinstance(r, dict):
                raise ValueError(
                    f"tier {i} of {name!r}={_short(r)} is not an object; allowed: an object with "
                    f"{_FIELDS}"
                )
            try:
                cap = r.get("cap")
                tiers.append(
                    Tier(
                        floor=float(r["floor"]),
                        cap=math.inf if cap is None else float(cap),
                        mmr=float(r["mmr"]),
                        maintenance_amount=float(r.get("maintenance_amount", 0.0)),
                        max_leverage=float(r["max_leverage"]),
                    )
                )
            except KeyError as exc:
                raise ValueError(
                    f"tier {i} of {name!r} lacks field {exc.args[0]!r}; allowed: a record "
                    f"with {_FIELDS}"
                ) from None
            except (TypeError, ValueError):
                raise ValueError(
                    f"tier {i} of {name!r}={_short(r)} has a non-numeric field; allowed: numbers "
                    f"for {_FIELDS} (cap may be null for the last tier)"
                ) from None
        return cls(name=name, tiers=tuple(tiers), source=source, as_of=as_of, notional_unit=unit)

    # --- lookups ---------------------------------------------------------------------------
    @property
    def mmrs(self) -> np.ndarray:
        return np.array([t.mmr for t in self.tiers])

    @property
    def amounts(self) -> np.ndarray:
        return np.array([t.maintenance_amount for t in self.tiers])

    @property
    def floors(self) -> np.ndarray:
        return np.array([t.floor for t in self.tiers])

    @property
    def max_notional(self) -> float:
        return self.tiers[-1].cap

    def index(self, notional: ArrayLike) -> np.ndarray:
        """Tier index (0-based) for each notional, floor inclusive. Notionals at or above the last
        cap raise ``ValueError``."""
        n = as_float_array("notional", notional)
        check_range("notional", n, 0.0, self.max_notional, hi_open=True, why=f"{self.name} tiers")
        return np.searchsorted(self.floors, n, side="right") - 1

    def tier(self, notional: float) -> Tier:
        """The tier that applies to one notional."""
        return self.tiers[int(self.index(notional))]

    def maintenance_margin(self, notional: ArrayLike) -> np.ndarray:
        """``notional * mmr - maintenance_amount`` of the notional's own tier."""
        n = as_float_array("notional", notional)
        i = self.index(n)
        return n * self.mmrs[i] - self.amounts[i]

    def max_leverage(self, notional: ArrayLike) -> np.ndarray:
        return np.array([t.max_leverage for t in self.tiers])[self.index(notional)]


def _check_tiers(name: str, tiers: tuple[Tier, ...]) -> None:
    if not tiers:
        raise ValueError(f"tiers of {name!r} is empty; allowed: at least one tier")
    if tiers[0].floor != 0:
        raise ValueError(f"tier 1 floor of {name!r}={tiers[0].floor} is not 0; allowed: 0")
    prev: Tier | None = None
    for i, t in enumerate(tiers, start=1):
        check_range(f"tier {i} mmr of {name!r}", t.mmr, 0.0, 1.0, hi_open=True)
        check_range(f"tier {i} maintenance_amount of {name!r}", t.maintenance_amount, 0.0)
        check_range(f"tier {i} max_leverage of {name!r}", t.max_leverage, 1.0)
        if not t.cap > t.floor:
            raise ValueError(
                f"tier {i} cap of {name!r}={t.cap} is not above its floor {t.floor}; "
                "allowed: cap > floor"
            )
        if prev is not None:
            if t.floor != prev.cap:
                raise ValueError(
                    f"tier {i} floor of {name!r}={t.floor:g} does not equal tier {i - 1}'s cap "
                    f"{prev.cap:g}; allowed: contiguous tiers"
                )
            if t.mmr < prev.mmr:
                raise ValueError(
                    f"tier {i} mmr of {name!r}={t.mmr} is below tier {i - 1}'s {prev.mmr}; "
                    "allowed: rates that do not fall as the notional grows"
                )
            expected = prev.maintenance_amount + t.floor * (t.mmr - prev.mmr)
            tol = RECURRENCE_TOL_ABS + RECURRENCE_TOL_REL * abs(expected)
            if abs(t.maintenance_amount - expected) > tol:
                raise ValueError(
                    f"tier {i} maintenance_amount of {name!r}={t.maintenance_amount:,.2f} "
                    "breaks the recurrence cum_n = cum_(n-1) + floor_n*(mmr_n - mmr_(n-1)); "
                    f"allowed: {expected:,.2f}"
                )
        elif t.maintenance_amount != 0 and len(tiers) > 1:
            raise ValueError(
                f"tier 1 maintenance_amount of {name!r}={t.maintenance_amount} is not 0; allowed: 0"
            )
        prev = t


# --- shipped tables ---------------------------------------------------------------------------
#: Exchange -> data file in risk/data (linear contracts, notional in the quote currency).
SHIPPED_FILES = {
    "binance": "binance_usdm.json",
    "bybit": "bybit_linear.json",
    "hyperliquid": "hyperliquid.json",
}
#: Exchange -> data file of inverse (coin-margined) contracts, notional in coin.
SHIPPED_INVERSE_FILES = {
    "bybit": "bybit_inverse.json",
}


@cache
def _load_file(filename: str) -> dict[str, Any]:
    text = resources.files("risk").joinpath("data", filename).read_text(encoding="utf-8")
    return json.loads(text)


def _shipped_docs(exchange: str) -> list[dict[str, Any]]:
    files = [SHIPPED_FILES.get(exchange), SHIPPED_INVERSE_FILES.get(exchange)]
    return [_load_file(fn) for fn in files if fn]


def load_table_file(path: str, symbol: str | None = None) -> TierTable:
    """Load a user-supplied table: a JSON file in the layout of ``risk/data/*.json`` (an object
    with ``symbols``, optional ``source``, ``as_of`` and ``notional_unit``), or a plain list of tier
    records. Every problem (missing file, bad JSON, wrong shape) is a ``ValueError`` naming the
    file."""
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except OSError as exc:
        raise ValueError(
            f"tiers={path!r} cannot be read ({exc.strerror or exc}); allowed: a readable JSON file"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(
            f"tiers={path!r} is not valid JSON ({exc}); allowed: a JSON list of tier records or "
            "an object with 'symbols'"
        ) from None
    if isinstance(doc, list):
        return TierTable.from_records(path, doc, source=path, as_of="user")
    if not isinstance(doc, dict) or not isinstance(doc.get("symbols"), dict):
        raise ValueError(
            f"tiers={path!r} holds {_short(doc)}; allowed: a JSON list of tier records or an "
            "object whose 'symbols' maps each symbol to its list of tier records"
        )
    symbols = doc["symbols"]
    if symbol is None or symbol not in symbols:
        raise ValueError(f"symbol={symbol!r} is not in {path}; allowed: {', '.join(symbols)}")
    return TierTable.from_records(
        f"{path}:{symbol}",
        symbols[symbol],
        str(doc.get("source", path)),
        str(doc.get("as_of", "unknown")),
        unit=str(doc.get("notional_unit", "quote")),
    )


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shipped_symbols(exchange: str) -> tuple[str, ...]:
    """Symbols with a shipped tier table for an exchange (empty if none)."""
    return tuple(sym for doc in _shipped_docs(exchange) for sym in doc["symbols"])


@cache
def shipped_table(exchange: str, symbol: str) -> TierTable:
    """The shipped tier table of an exchange and symbol; ``ValueError`` when there is none."""
    docs = _shipped_docs(exchange)
    if not docs:
        raise ValueError(
            f"exchange={exchange!r} has no shipped tier table; allowed: "
            f"{', '.join(SHIPPED_FILES)} (or type the rate with mmr)"
        )
    for doc in docs:
        if symbol in doc["symbols"]:
            return TierTable.from_records(
                f"{exchange} {symbol}",
                doc["symbols"][symbol],
                source=doc["source"],
                as_of=doc["as_of"],
                unit=doc["notional_unit"],
            )
    typed = "max_leverage (or mmr)" if exchange == "hyperliquid" else "mmr"
    raise ValueError(
        f"symbol={symbol!r} has no {exchange} tier table; allowed: "
        f"{', '.join(shipped_symbols(exchange))} (or type {typed}, or pass your own tiers file)"
    )


def check_notional(table: TierTable, notional: ArrayLike) -> np.ndarray:
    """Positive notional below the table's last cap."""
    n = check_positive("notional", notional)
    check_range("notional", n, 0.0, table.max_notional, hi_open=True, why=f"{table.name} tiers")
    return n
