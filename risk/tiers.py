"""Maintenance-margin tier tables.

Each table knows its venue's boundary rule (:data:`BOUNDARIES`): Binance, Hyperliquid (and the
project's own files) put a notional equal to a tier's floor in that tier, ``floor <= n < cap``;
Bybit's risk limits, Gate's risk limits and OKX's position tiers put a value equal to the limit in
the lower tier, ``floor < n <= cap`` ("position value <= risk limit"). It also knows what the
tiers measure (:data:`BASES`): the notional (Binance, Bybit, Gate, Hyperliquid; in the quote
currency, or in coin for inverse contracts) or the position size in base units (OKX, whose tiers
count contracts; converted with the contract value, see :mod:`risk.market.formats`). Within a tier

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

from risk._validate import ArrayLike, as_float_array, check_choice, check_positive, check_range

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
#: Unit of a size-based table (OKX): the position's quantity in base units.
BASE_UNIT = "base"

#: Boundary rule -> the interval a tier covers.
BOUNDARIES = {"floor": "floor <= n < cap", "cap": "floor < n <= cap"}
#: What the tiers are looked up by: the notional (maintenance amounts follow the recurrence) or
#: the position size in base units (OKX: the whole position uses its tier's rate, no deduction).
BASES = ("notional", "size")

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
    #: "floor" (floor <= n < cap) or "cap" (floor < n <= cap), see :data:`BOUNDARIES`.
    boundary: str = "floor"
    #: "notional" or "size" (OKX: tiers by base quantity), see :data:`BASES`.
    basis: str = "notional"

    def __post_init__(self) -> None:
        check_choice(f"boundary of {self.name!r}", self.boundary, BOUNDARIES)
        check_choice(f"basis of {self.name!r}", self.basis, BASES)
        _check_tiers(self.name, self.tiers, recurrence=self.basis == "notional")

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
        cls,
        name: str,
        records: list[dict[str, Any]] | list[list[float]],
        source: str,
        as_of: str,
        unit: str = "quote",
        *,
        boundary: str = "floor",
        basis: str = "notional",
        columns: tuple[str, ...] | list[str] | None = None,
    ) -> TierTable:
        """Build from dicts with ``floor``, ``cap`` (None = no cap), ``mmr``,
        ``maintenance_amount`` and ``max_leverage`` (the JSON layout in ``risk/data``), or from
        rows of numbers in the order of ``columns`` (the compact layout of large snapshots)."""
        if columns is not None and isinstance(records, list):
            cols = list(columns)
            records = [
                dict(zip(cols, r, strict=False)) if isinstance(r, list) else r for r in records
            ]
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
        return cls(
            name=name,
            tiers=tuple(tiers),
            source=source,
            as_of=as_of,
            notional_unit=unit,
            boundary=boundary,
            basis=basis,
        )

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
    def caps(self) -> np.ndarray:
        return np.array([t.cap for t in self.tiers])

    @property
    def max_notional(self) -> float:
        return self.tiers[-1].cap

    @property
    def measure(self) -> str:
        """What the lookups take: "notional" or "size" (base units)."""
        return "size" if self.basis == "size" else "notional"

    def check_in_range(self, notional: ArrayLike, name: str | None = None) -> np.ndarray:
        """``0 <= n < last cap`` (boundary "floor") or ``0 <= n <= last cap`` ("cap")."""
        return check_range(
            name or self.measure,
            notional,
            0.0,
            self.max_notional,
            hi_open=self.boundary == "floor" or math.isinf(self.max_notional),
            why=f"{self.name} tiers, {BOUNDARIES[self.boundary]}",
        )

    def index(self, notional: ArrayLike) -> np.ndarray:
        """Tier index (0-based) for each notional (or size, for a size-based table) under the
        table's boundary rule: ``floor <= n < cap`` or ``floor < n <= cap`` (n = 0 is always tier
        1). Values beyond the last cap raise ``ValueError``."""
        n = self.check_in_range(as_float_array(self.measure, notional))
        if self.boundary == "cap":
            return np.searchsorted(self.caps, n, side="left")
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


def _check_tiers(name: str, tiers: tuple[Tier, ...], *, recurrence: bool = True) -> None:
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
            if not recurrence:
                prev = t
                continue
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


def table_from_doc(doc: dict[str, Any], symbol: str, name: str | None = None) -> TierTable:
    """The table of ``symbol`` in a document of the ``risk/data`` layout.

    Layout: ``symbols`` maps each symbol to its tiers, either a list of tier records or, with a
    document-level ``columns`` list, a list of rows of numbers (the compact layout of the large
    Binance snapshot). A symbol may instead map to an object with ``tiers`` and its own
    ``source``/``as_of``/``notional_unit``. Document-level ``source``, ``as_of``,
    ``notional_unit`` (overridden per symbol by ``symbol_units``), ``boundary`` ("floor" or
    "cap") and ``basis`` ("notional" or "size") apply to every symbol.
    """
    entry = doc["symbols"][symbol]
    meta: dict[str, Any] = entry if isinstance(entry, dict) else {}
    records = meta.get("tiers") if isinstance(entry, dict) else entry
    unit = meta.get("notional_unit") or doc.get("symbol_units", {}).get(symbol)
    return TierTable.from_records(
        name or symbol,
        records,  # type: ignore[arg-type]
        source=str(meta.get("source", doc.get("source", "unknown"))),
        as_of=str(meta.get("as_of", doc.get("as_of", "unknown"))),
        unit=str(unit or doc.get("notional_unit", "quote")),
        boundary=str(meta.get("boundary", doc.get("boundary", "floor"))),
        basis=str(doc.get("basis", "notional")),
        columns=doc.get("columns"),
    )


def load_table_file(
    path: str, symbol: str | None = None, *, contract_size: float | None = None
) -> TierTable:
    """Load a user-supplied tier table from a JSON (or CSV) file in any supported format.

    Formats (detected from the content, see :func:`risk.market.formats.detect_format`): the
    project's own layout (``risk/data/*.json``, or a plain list of tier records); ccxt
    ``fetch_leverage_tiers`` (dict) and ``fetch_market_leverage_tiers`` (list); Binance
    ``/fapi/v1/leverageBracket`` and ``/dapi/v1/leverageBracket``; Bybit v5
    ``/market/risk-limit``; OKX ``/public/position-tiers`` (contracts: the file may carry the
    contract value as ``"contract_size"``); Gate ``/futures/{settle}/contracts/{contract}`` and
    ``/futures/{settle}/risk_limit_tiers``; Hyperliquid ``meta``; a CSV with the columns
    ``floor, cap, mmr, maintenance_amount, max_leverage`` (and optionally ``symbol``).

    ``symbol`` (app notation such as BTCUSDT, or ccxt notation such as BTC/USDT:USDT) picks the
    table when the file holds several; ``contract_size`` is OKX's contract value in coin. Every
    problem (missing file, bad JSON, wrong shape, a symbol not in the file) is a ``ValueError``
    naming the file.
    """
    from risk.market.formats import read_table_file

    return read_table_file(path, symbol, contract_size=contract_size)


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@cache
def shipped_symbols(exchange: str, contract: str | None = None) -> tuple[str, ...]:
    """Every symbol with a shipped tier table for an exchange, in app notation (BTCUSDT; the coin
    on Hyperliquid), linear first then inverse; empty if none. ``contract`` ("linear" or
    "inverse") keeps only that kind."""
    if contract not in (None, "linear", "inverse"):
        raise ValueError(f"contract={contract!r} is not known; allowed: linear, inverse")
    files = {
        None: [SHIPPED_FILES.get(exchange), SHIPPED_INVERSE_FILES.get(exchange)],
        "linear": [SHIPPED_FILES.get(exchange)],
        "inverse": [SHIPPED_INVERSE_FILES.get(exchange)],
    }[contract]
    return tuple(sym for fn in files if fn for sym in _load_file(fn)["symbols"])


def _allowed_symbols(exchange: str, limit: int = 8) -> str:
    syms = shipped_symbols(exchange)
    if len(syms) <= limit:
        return ", ".join(syms)
    common = [s for s in ("BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT") if s in syms]
    return (
        f"one of the {len(syms)} shipped symbols ({', '.join(common or syms[:limit])}, ...; "
        f"risk.tiers.shipped_symbols({exchange!r}) lists them)"
    )


def shipped_table(exchange: str, symbol: str) -> TierTable:
    """The shipped tier table of an exchange and symbol (app or ccxt notation); ``ValueError``
    when there is none. Built once per symbol, on first use."""
    from risk.market.symbols import to_app_symbol

    if not _shipped_docs(exchange):
        raise ValueError(
            f"exchange={exchange!r} has no shipped tier table; allowed: "
            f"{', '.join(SHIPPED_FILES)} (or type the rate with mmr)"
        )
    table = _shipped_table(exchange, to_app_symbol(symbol, exchange))
    if table is None:
        typed = "max_leverage (or mmr)" if exchange == "hyperliquid" else "mmr"
        raise ValueError(
            f"symbol={symbol!r} has no {exchange} tier table; allowed: "
            f"{_allowed_symbols(exchange)} (or type {typed}, or pass your own tiers file)"
        )
    return table


@cache
def _shipped_table(exchange: str, sym: str) -> TierTable | None:
    for doc in _shipped_docs(exchange):
        if sym in doc["symbols"]:
            return table_from_doc(doc, sym, name=f"{exchange} {sym}")
    return None


def check_notional(table: TierTable, notional: ArrayLike) -> np.ndarray:
    """Positive notional within the table's last cap (under its boundary rule)."""
    n = check_positive("notional", notional)
    table.check_in_range(n, "notional")
    return n
