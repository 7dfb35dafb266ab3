"""Tier-table loaders for every format exchanges and ccxt produce.

:func:`parse_tiers` takes the decoded JSON of any of the formats in :data:`FORMATS` (found by
:func:`detect_format`) and returns validated :class:`risk.tiers.TierTable` objects keyed by the
app's symbol notation (``BTCUSDT``; the coin on Hyperliquid). No I/O except
:func:`read_table_file`, which reads one local file; never any network.

Per format, what the fields mean and how they are converted (sources: each exchange's API
reference, named in :data:`FORMATS`):

- Binance USDⓈ-M ``/fapi/v1/leverageBracket``: ``notionalFloor``/``notionalCap`` in the quote
  currency, ``maintMarginRatio``, ``cum`` (the maintenance amount), ``initialLeverage``. A
  bracket covers ``floor <= notional < cap``. ``notionalCoef`` (a user's bracket multiplier) is
  informational: the brackets returned are already the user's.
- Binance COIN-M ``/dapi/v1/leverageBracket`` (``pair``) and ``/dapi/v2`` (``symbol``):
  ``qtyFloor``/``qtyCap`` are the notional in coin (Binance's documentation example spells the
  floor ``qtylFloor``; both spellings are read); unit "coin".
- Bybit v5 ``/v5/market/risk-limit``: ``riskLimitValue`` is the tier's cap and a position value
  equal to it stays in the tier (``floor < value <= cap``, floor = the previous tier's limit);
  ``maintenanceMargin``/``initialMargin`` are rates, ``mmDeduction`` the maintenance amount
  (empty: derived by the recurrence). The documentation's example writes the rates in percent
  ("0.5", "1" at 100x) while live responses write fractions ("0.005", "0.01"): the loader tells
  them apart by ``maxLeverage * initialMargin``, 1 for fractions and 100 for percent. Linear
  symbols are in the quote currency, inverse ones (``BTCUSD``) in coin.
- OKX ``/api/v5/public/position-tiers``: ``minSz``/``maxSz`` count CONTRACTS for SWAP/FUTURES
  (``instFamily``/``uly`` set), so they are multiplied by the contract value (``ctVal``, coin per
  contract, from ``/public/instruments``; pass ``contract_size``) to give base units; for MARGIN
  (only ``instId`` set) they are already in coin. OKX tiers go by position SIZE, not notional,
  and the whole position uses its tier's ``mmr`` with no deduction, so the table has basis
  "size". Consecutive tiers read 0-2000, 2001-4000: a size equal to ``maxSz`` is in the tier
  (``floor < size <= cap`` with floor = the previous ``maxSz``).
- Gate ``/futures/{settle}/contracts/{contract}`` (deprecated risk-limit fields):
  ``risk_limit_base`` is the first tier's limit, each further tier adds ``risk_limit_step`` up to
  ``risk_limit_max``; tier k has maintenance rate ``k * maintenance_rate`` and maximum leverage
  ``leverage_max / k`` (initial rate ``k / leverage_max``; the same expansion as ccxt's Gate
  ``fetch_market_leverage_tiers``). Those fields carry no deduction: it is derived by the
  recurrence, which keeps maintenance margin continuous. ``risk_limit_tiers`` (the endpoint Gate
  now recommends) gives ``risk_limit``, ``maintenance_rate``, ``leverage_max`` and
  ``deduction`` per tier. A position value equal to a risk limit is within it
  (``floor < value <= cap``).
- Hyperliquid ``meta`` (also ``metaAndAssetCtxs``): ``universe[].marginTableId`` names a table
  of ``marginTables``; a table id below 50 is one tier at that leverage; an asset without an id
  uses its ``maxLeverage``. Each tier starts at ``lowerBound`` (USDC, inclusive) and has
  ``mmr = 1/(2*maxLeverage)``; the deduction follows the recurrence (Hyperliquid docs "Margin
  tiers").
- ccxt ``fetch_leverage_tiers`` (dict symbol -> tiers) and ``fetch_market_leverage_tiers`` (list)
  unified tiers: ``minNotional``, ``maxNotional``, ``maintenanceMarginRate``, ``maxLeverage``,
  ``currency`` and the raw ``info``. The amount comes from ``info`` (Binance ``cum``, Bybit
  ``mmDeduction``, Gate ``deduction``) or the recurrence; the boundary rule from the venue that
  ``info`` reveals. ccxt passes OKX's ``minSz``/``maxSz`` through as notionals although they count
  contracts: such tiers are read as OKX's (``contract_size`` needed).
- The project's own layout (``risk/data/*.json``, or a plain list of tier records).

Every problem is a ``ValueError`` naming the field, the value and what is allowed.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterable
from typing import Any

from risk.market.symbols import to_app_symbol
from risk.tiers import BASE_UNIT, COIN_UNIT, QUOTE_UNITS, TierTable, table_from_doc

#: Format name -> what it is and where it is documented.
FORMATS: dict[str, str] = {
    "project": "Leverage Lab's own layout (risk/data/*.json: an object with 'symbols', or a list "
    "of tier records with floor, cap, mmr, maintenance_amount, max_leverage)",
    "ccxt": "ccxt fetch_leverage_tiers: an object mapping each unified symbol to its list of "
    "tiers (tier, currency, minNotional, maxNotional, maintenanceMarginRate, maxLeverage, info); "
    "docs.ccxt.com 'Leverage Tier Structure'",
    "ccxt_list": "ccxt fetch_market_leverage_tiers: the list of unified tiers of one market",
    "binance_usdm": "Binance USDⓈ-M GET /fapi/v1/leverageBracket (developers.binance.com/docs/"
    "derivatives/usds-margined-futures/account/rest-api/Notional-and-Leverage-Brackets)",
    "binance_coinm": "Binance COIN-M GET /dapi/v1/leverageBracket or /dapi/v2/leverageBracket "
    "(developers.binance.com/docs/derivatives/coin-margined-futures/account/rest-api/"
    "Notional-Bracket-for-Pair)",
    "bybit": "Bybit v5 GET /v5/market/risk-limit (bybit-exchange.github.io/docs/v5/market/"
    "risk-limit)",
    "okx": "OKX GET /api/v5/public/position-tiers (www.okx.com/docs-v5/en/#public-data-rest-api-"
    "get-position-tiers)",
    "gate_contract": "Gate GET /futures/{settle}/contracts/{contract} risk-limit fields "
    "(www.gate.io/docs/developers/apiv4/#get-a-single-contract)",
    "gate_tiers": "Gate GET /futures/{settle}/risk_limit_tiers (www.gate.io/docs/developers/"
    "apiv4/#list-risk-limit-tiers)",
    "hyperliquid": "Hyperliquid info 'meta' universe and marginTables (hyperliquid.gitbook.io/"
    "hyperliquid-docs/for-developers/api/info-endpoint/perpetuals)",
}

Row = tuple[float, float | None, float, float | None, float]  # floor, cap, mmr, amount, max lev


def _allowed_formats() -> str:
    return "; ".join(f"{k}: {v.split(' (')[0]}" for k, v in FORMATS.items())


def _short(value: Any, limit: int = 70) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _num(value: Any, where: str, *, allow_empty: bool = False) -> float | None:
    """A finite number from a JSON number or numeric string; ``None`` for ``""``/null when
    ``allow_empty``."""
    if allow_empty and (value is None or value == ""):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = math.nan
    if not math.isfinite(x) or isinstance(value, bool):
        raise ValueError(f"{where}={_short(value)} is not a number; allowed: a finite number")
    return x


def _get(d: Any, key: str, where: str, *alternatives: str) -> Any:
    if not isinstance(d, dict):
        raise ValueError(f"{where}={_short(d)} is not an object; allowed: an object with {key!r}")
    for k in (key, *alternatives):
        if k in d:
            return d[k]
    names = " or ".join(repr(k) for k in (key, *alternatives))
    raise ValueError(f"{where} lacks field {names}; allowed: an object with {names}")


def _quote_unit(app_symbol: str, default: str = "quote") -> str:
    for q in sorted(QUOTE_UNITS, key=len, reverse=True):
        if app_symbol.split("_")[0].endswith(q):
            return q
    return default


# --- detection ---------------------------------------------------------------------------------


def _public(d: dict[str, Any]) -> dict[str, Any]:
    """The object without fixture annotations (keys starting with "_")."""
    return {k: v for k, v in d.items() if not str(k).startswith("_")}


def _first_item(data: Any) -> Any:
    return data[0] if isinstance(data, list) and data else None


def detect_format(data: Any) -> str:
    """Name (a key of :data:`FORMATS`) of the format of decoded JSON ``data``; ``ValueError``
    when it is none of them."""
    if isinstance(data, dict):
        d = _public(data)
        if isinstance(d.get("symbols"), dict):
            return "project"
        if "universe" in d and "marginTables" in d:
            return "hyperliquid"
        result = d.get("result")
        if isinstance(result, dict) and "list" in result:
            return "bybit"
        if "data" in d and isinstance(d["data"], list) and "code" in d:
            return "okx"
        if "brackets" in d:
            return _binance_kind(d)
        if "risk_limit_base" in d or "risk_limit_max" in d:
            return "gate_contract"
        if d and all(
            isinstance(v, list) and v and isinstance(v[0], dict) and "minNotional" in v[0]
            for v in d.values()
        ):
            return "ccxt"
    elif isinstance(data, list) and data:
        first = data[0]
        if isinstance(first, dict):
            if "brackets" in first:
                return _binance_kind(first)
            if "minNotional" in first or "maintenanceMarginRate" in first:
                return "ccxt_list"
            if "riskLimitValue" in first:
                return "bybit"
            if "minSz" in first and "maxSz" in first:
                return "okx"
            if "risk_limit" in first and "maintenance_rate" in first:
                return "gate_tiers"
            if "risk_limit_base" in first or "risk_limit_max" in first:
                return "gate_contract"
            if "floor" in first or "mmr" in first:
                return "project"
            if "universe" in first:
                return "hyperliquid"
    raise ValueError(
        f"tiers={_short(data)} is in no known tier-table format; allowed: {_allowed_formats()}"
    )


def _binance_kind(item: dict[str, Any]) -> str:
    brackets = item.get("brackets")
    first = _first_item(brackets) or {}
    if isinstance(first, dict) and (
        "qtyFloor" in first or "qtylFloor" in first or "qtyCap" in first
    ):
        return "binance_coinm"
    return "binance_usdm"


# --- per-format groups: (symbol, rows, unit, boundary, basis) ---------------------------------


class _Group:
    __slots__ = ("basis", "boundary", "rows", "symbol", "unit")

    def __init__(
        self, symbol: str, rows: list[Row], unit: str, boundary: str, basis: str = "notional"
    ) -> None:
        self.symbol, self.rows, self.unit = symbol, rows, unit
        self.boundary, self.basis = boundary, basis


def _stacked(caps_and_rest: list[tuple[float | None, float, float | None, float]]) -> list[Row]:
    """Rows from (cap, mmr, amount, max lev) in order: each floor is the previous cap."""
    rows: list[Row] = []
    floor = 0.0
    for cap, mmr, amount, lev in caps_and_rest:
        rows.append((floor, cap, mmr, amount, lev))
        floor = cap if cap is not None else math.inf
    return rows


def _binance(data: Any, coin: bool, want: Callable[[str], bool], **_: Any) -> list[_Group]:
    items = data if isinstance(data, list) else [data]
    groups = []
    for i, item in enumerate(items):
        where = f"leverageBracket[{i}]"
        raw_sym = str(_get(item, "symbol", where, "pair"))
        sym = to_app_symbol(raw_sym)
        if not want(sym):
            continue
        brackets = _get(item, "brackets", f"{where} ({raw_sym})")
        if not isinstance(brackets, list) or not brackets:
            raise ValueError(
                f"brackets of {raw_sym}={_short(brackets)} is empty; allowed: a non-empty list"
            )
        brackets = sorted(brackets, key=lambda b: _num(b.get("bracket", 0), "bracket") or 0)
        rows: list[Row] = []
        for j, b in enumerate(brackets, start=1):
            w = f"brackets[{j}] of {raw_sym}"
            if coin:
                lo = _get(b, "qtyFloor", w, "qtylFloor")
                hi = _get(b, "qtyCap", w)
            else:
                lo = _get(b, "notionalFloor", w)
                hi = _get(b, "notionalCap", w)
            rows.append(
                (
                    _num(lo, f"{w}.floor") or 0.0,
                    _num(hi, f"{w}.cap"),
                    _num(_get(b, "maintMarginRatio", w), f"{w}.maintMarginRatio") or 0.0,
                    _num(b.get("cum"), f"{w}.cum", allow_empty=True),
                    _num(_get(b, "initialLeverage", w), f"{w}.initialLeverage") or 0.0,
                )
            )
        unit = COIN_UNIT if coin else _quote_unit(sym)
        groups.append(_Group(sym, rows, unit, "floor"))
    return groups


def _bybit_rate_scale(entry: dict[str, Any], where: str) -> float:
    """1 when the rates are fractions, 0.01 when they are percent (see the module docstring)."""
    lev = _num(_get(entry, "maxLeverage", where), f"{where}.maxLeverage") or 0.0
    im = _num(_get(entry, "initialMargin", where), f"{where}.initialMargin") or 0.0
    product = lev * im
    if abs(product - 1.0) <= 0.05:
        return 1.0
    if abs(product - 100.0) <= 5.0:
        return 0.01
    raise ValueError(
        f"{where}.initialMargin={im:g} with maxLeverage={lev:g} is neither a fraction nor a "
        "percent of the initial margin; allowed: maxLeverage * initialMargin = 1 (fractions) "
        "or 100 (percent)"
    )


def _bybit(data: Any, want: Callable[[str], bool], **_: Any) -> list[_Group]:
    category = ""
    if isinstance(data, dict):
        result = _public(data).get("result", {})
        category = str(result.get("category", ""))
        entries = result.get("list")
    else:
        entries = data
    if not isinstance(entries, list) or not entries:
        raise ValueError(
            f"result.list={_short(entries)} is empty; allowed: a non-empty list of risk limits"
        )
    by_symbol: dict[str, list[dict[str, Any]]] = {}
    for i, e in enumerate(entries):
        by_symbol.setdefault(str(_get(e, "symbol", f"result.list[{i}]")), []).append(e)
    groups = []
    for raw_sym, es in by_symbol.items():
        sym = to_app_symbol(raw_sym)
        if not want(sym):
            continue
        w0 = f"risk limit 1 of {raw_sym}"
        scale = _bybit_rate_scale(es[0], w0)
        es = sorted(es, key=lambda e: _num(_get(e, "riskLimitValue", raw_sym), raw_sym) or 0.0)
        stack = []
        for j, e in enumerate(es, start=1):
            w = f"risk limit {j} of {raw_sym}"
            stack.append(
                (
                    _num(_get(e, "riskLimitValue", w), f"{w}.riskLimitValue"),
                    (_num(_get(e, "maintenanceMargin", w), f"{w}.maintenanceMargin") or 0.0)
                    * scale,
                    _num(e.get("mmDeduction"), f"{w}.mmDeduction", allow_empty=True),
                    _num(_get(e, "maxLeverage", w), f"{w}.maxLeverage") or 0.0,
                )
            )
        inverse = category == "inverse" or (
            category != "linear" and not sym.endswith(("USDT", "USDC", "PERP"))
        )
        unit = (
            COIN_UNIT if inverse else _quote_unit(sym, "USDC" if sym.endswith("PERP") else "quote")
        )
        groups.append(_Group(sym, _stacked(stack), unit, "cap"))
    return groups


def _okx_entries(data: Any) -> list[dict[str, Any]]:
    entries = _public(data).get("data") if isinstance(data, dict) else data
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"data={_short(entries)} is empty; allowed: a non-empty list of tiers")
    return entries


def _okx(
    data: Any, want: Callable[[str], bool], contract_size: float | None = None, **_: Any
) -> list[_Group]:
    entries = _okx_entries(data)
    by_family: dict[tuple[str, bool], list[dict[str, Any]]] = {}
    for i, e in enumerate(entries):
        w = f"data[{i}]"
        if not isinstance(e, dict):
            raise ValueError(f"{w}={_short(e)} is not an object; allowed: a position tier")
        family = e.get("instFamily") or e.get("uly") or ""
        derivative = bool(family)
        by_family.setdefault((str(family or e.get("instId") or ""), derivative), []).append(e)
    groups = []
    for (family, derivative), es in by_family.items():
        sym = to_app_symbol(family)
        if not want(sym):
            continue
        if family.upper().endswith("-USD"):
            raise ValueError(
                f"instFamily={family!r} is an inverse (coin-margined) OKX contract; allowed: "
                "linear families such as BTC-USDT (the OKX rule family covers linear contracts)"
            )
        if derivative:
            if contract_size is None:
                raise ValueError(
                    f"contract_size=None for OKX {family}: SWAP/FUTURES position tiers count "
                    "contracts; allowed: the contract value in coin (ctVal from "
                    "/api/v5/public/instruments, e.g. 0.01 for BTC-USDT-SWAP)"
                )
            if not (contract_size > 0 and math.isfinite(contract_size)):
                raise ValueError(
                    f"contract_size={contract_size!r} is out of range; allowed: 0 < contract_size"
                )
            scale = float(contract_size)
        else:
            scale = 1.0  # MARGIN tiers are already in coin
        es = sorted(es, key=lambda e: _num(e.get("tier", 0), f"tier of {family}") or 0.0)
        stack = []
        for j, e in enumerate(es, start=1):
            w = f"tier {j} of {family}"
            cap = _num(_get(e, "maxSz", w), f"{w}.maxSz")
            stack.append(
                (
                    None if cap is None else cap * scale,
                    _num(_get(e, "mmr", w), f"{w}.mmr") or 0.0,
                    0.0,
                    _num(_get(e, "maxLever", w), f"{w}.maxLever") or 0.0,
                )
            )
        groups.append(_Group(sym, _stacked(stack), BASE_UNIT, "cap", basis="size"))
    return groups


def _gate_contract(data: Any, want: Callable[[str], bool], **_: Any) -> list[_Group]:
    items = data if isinstance(data, list) else [_public(data)]
    groups = []
    for i, c in enumerate(items):
        name = str(_get(c, "name", f"contracts[{i}]"))
        sym = to_app_symbol(name)
        if not want(sym):
            continue
        w = f"contract {name}"
        rate = _num(_get(c, "maintenance_rate", w), f"{w}.maintenance_rate") or 0.0
        lev_max = _num(_get(c, "leverage_max", w), f"{w}.leverage_max") or 0.0
        base = _num(_get(c, "risk_limit_base", w), f"{w}.risk_limit_base") or 0.0
        step = _num(_get(c, "risk_limit_step", w), f"{w}.risk_limit_step") or 0.0
        top = _num(_get(c, "risk_limit_max", w), f"{w}.risk_limit_max") or 0.0
        if not (base > 0 and top >= base and (step > 0 or top == base)):
            raise ValueError(
                f"{w}.risk_limit_base/step/max={base:g}/{step:g}/{top:g} do not form tiers; "
                "allowed: 0 < base <= max and step > 0"
            )
        if not lev_max >= 1:
            raise ValueError(f"{w}.leverage_max={lev_max:g} is out of range; allowed: >= 1")
        stack = []
        k, cap = 1, base
        while cap <= top * (1 + 1e-12):
            stack.append((cap, k * rate, None, max(1.0, lev_max / k)))
            if step <= 0:
                break
            k, cap = k + 1, base + k * step
        inverse = str(c.get("type", "direct")) == "inverse"
        unit = COIN_UNIT if inverse else _quote_unit(sym)
        groups.append(_Group(sym, _stacked(stack), unit, "cap"))
    return groups


def _gate_tiers(data: Any, want: Callable[[str], bool], **_: Any) -> list[_Group]:
    by_contract: dict[str, list[dict[str, Any]]] = {}
    for i, t in enumerate(data):
        if not isinstance(t, dict):
            raise ValueError(
                f"risk_limit_tiers[{i}]={_short(t)} is not an object; allowed: an object with "
                "tier, risk_limit, maintenance_rate, leverage_max (and deduction)"
            )
        by_contract.setdefault(str(t.get("contract", "")), []).append(t)
    groups = []
    for contract, ts in by_contract.items():
        sym = to_app_symbol(contract) if contract else ""
        if sym and not want(sym):
            continue
        ts = sorted(ts, key=lambda t: _num(t.get("tier", 0), f"tier of {contract}") or 0.0)
        stack = []
        for j, t in enumerate(ts, start=1):
            w = f"tier {j} of {contract or 'risk_limit_tiers'}"
            stack.append(
                (
                    _num(_get(t, "risk_limit", w), f"{w}.risk_limit"),
                    _num(_get(t, "maintenance_rate", w), f"{w}.maintenance_rate") or 0.0,
                    _num(t.get("deduction"), f"{w}.deduction", allow_empty=True),
                    _num(_get(t, "leverage_max", w), f"{w}.leverage_max") or 0.0,
                )
            )
        groups.append(_Group(sym, _stacked(stack), _quote_unit(sym), "cap"))
    return groups


def _hyperliquid(data: Any, want: Callable[[str], bool], **_: Any) -> list[_Group]:
    meta = data[0] if isinstance(data, list) else _public(data)  # metaAndAssetCtxs: [meta, ctxs]
    universe = _get(meta, "universe", "meta")
    tables: dict[int, list[tuple[float, float]]] = {}
    for i, entry in enumerate(meta.get("marginTables", []) or []):
        w = f"marginTables[{i}]"
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], dict)):
            raise ValueError(f"{w}={_short(entry)} is not [id, table]; allowed: [id, {{...}}]")
        tid = int(_num(entry[0], f"{w} id") or 0)
        tiers = _get(entry[1], "marginTiers", w)
        tables[tid] = [
            (
                _num(_get(t, "lowerBound", f"{w} tier {j}"), f"{w} tier {j}.lowerBound") or 0.0,
                _num(_get(t, "maxLeverage", f"{w} tier {j}"), f"{w} tier {j}.maxLeverage") or 0.0,
            )
            for j, t in enumerate(tiers, start=1)
        ]
    groups = []
    for i, asset in enumerate(universe):
        w = f"universe[{i}]"
        name = str(_get(asset, "name", w))
        sym = to_app_symbol(name, "hyperliquid")
        if asset.get("isDelisted") or not want(sym):
            continue
        tid = asset.get("marginTableId")
        if tid is not None and int(tid) in tables:
            tiers = sorted(tables[int(tid)])
        elif tid is not None and int(tid) < 50:
            tiers = [(0.0, float(tid))]
        else:
            tiers = [(0.0, _num(_get(asset, "maxLeverage", w), f"{w}.maxLeverage") or 0.0)]
        for _lo, lev in tiers:
            if not lev >= 1:
                raise ValueError(f"maxLeverage of {name}={lev:g} is out of range; allowed: >= 1")
        rows: list[Row] = []
        for j, (lo, lev) in enumerate(tiers):
            cap = tiers[j + 1][0] if j + 1 < len(tiers) else None
            rows.append((lo, cap, 1.0 / (2.0 * lev), None, lev))
        groups.append(_Group(sym, rows, "USDC", "floor"))
    return groups


def _ccxt_unit(ccxt_symbol: str, tiers: list[dict[str, Any]]) -> str:
    if "/" in ccxt_symbol and ":" in ccxt_symbol:
        base = ccxt_symbol.split("/")[0]
        settle = ccxt_symbol.split(":")[1].split("-")[0]
        return COIN_UNIT if settle == base else settle
    currency = str(tiers[0].get("currency") or "")
    return currency if currency in QUOTE_UNITS else "quote"


def _ccxt_group(
    raw_sym: str, tiers: list[dict[str, Any]], contract_size: float | None, want: Any
) -> list[_Group]:
    if not isinstance(tiers, list) or not tiers:
        raise ValueError(f"tiers of {raw_sym}={_short(tiers)} is empty; allowed: a list of tiers")
    infos = [t.get("info") if isinstance(t, dict) else None for t in tiers]
    info0 = infos[0] if isinstance(infos[0], dict) else {}
    if "minSz" in info0 and "maxSz" in info0:  # OKX passed through: contracts, not notionals
        return _okx(infos, want=lambda s: True, contract_size=contract_size)
    boundary = "cap" if ("riskLimitValue" in info0 or "risk_limit" in info0) else "floor"
    if "risk_limit_base" in info0:
        boundary = "cap"
    amount_key = next((k for k in ("cum", "mmDeduction", "deduction") if k in info0), None)
    tiers = sorted(tiers, key=lambda t: _num(t.get("tier", 0), f"tier of {raw_sym}") or 0.0)
    rows: list[Row] = []
    for j, t in enumerate(tiers, start=1):
        w = f"tier {j} of {raw_sym}"
        info = t.get("info") if isinstance(t.get("info"), dict) else {}
        rows.append(
            (
                _num(_get(t, "minNotional", w), f"{w}.minNotional") or 0.0,
                _num(t.get("maxNotional"), f"{w}.maxNotional", allow_empty=True),
                _num(_get(t, "maintenanceMarginRate", w), f"{w}.maintenanceMarginRate") or 0.0,
                _num(info.get(amount_key), f"{w}.info.{amount_key}", allow_empty=True)
                if amount_key
                else None,
                _num(_get(t, "maxLeverage", w), f"{w}.maxLeverage") or 0.0,
            )
        )
    exchange = "hyperliquid" if str(raw_sym).endswith("/USDC:USDC") and not amount_key else None
    sym = to_app_symbol(raw_sym, exchange) if raw_sym else ""
    return [_Group(sym, rows, _ccxt_unit(raw_sym, tiers), boundary)]


def _ccxt(
    data: Any, want: Callable[[str], bool], contract_size: float | None = None, **_: Any
) -> list[_Group]:
    groups = []
    for raw_sym, tiers in _public(data).items():
        if want(to_app_symbol(raw_sym)) or want(to_app_symbol(raw_sym, "hyperliquid")):
            groups += _ccxt_group(raw_sym, tiers, contract_size, want)
    return groups


def _ccxt_list(
    data: Any, want: Callable[[str], bool], contract_size: float | None = None, **_: Any
) -> list[_Group]:
    raw_sym = str(data[0].get("symbol") or "")
    return _ccxt_group(raw_sym, data, contract_size, want)


_PARSERS: dict[str, Callable[..., list[_Group]]] = {
    "ccxt": _ccxt,
    "ccxt_list": _ccxt_list,
    "binance_usdm": lambda data, **kw: _binance(data, coin=False, **kw),
    "binance_coinm": lambda data, **kw: _binance(data, coin=True, **kw),
    "bybit": _bybit,
    "okx": _okx,
    "gate_contract": _gate_contract,
    "gate_tiers": _gate_tiers,
    "hyperliquid": _hyperliquid,
}


def _recurrence(rows: list[Row]) -> list[float]:
    """Maintenance amounts: published where given, else ``cum_n = cum_(n-1) + floor_n*(mmr_n -
    mmr_(n-1))`` from the previous tier's (published or derived) amount."""
    out: list[float] = []
    for i, (floor, _cap, mmr, amount, _lev) in enumerate(rows):
        if amount is not None:
            out.append(amount)
        elif i == 0:
            out.append(0.0)
        else:
            out.append(out[-1] + floor * (mmr - rows[i - 1][2]))
    return out


def _table(label: str, g: _Group, source: str, as_of: str) -> TierTable:
    amounts = _recurrence(g.rows) if g.basis == "notional" else [0.0] * len(g.rows)
    records = [
        {
            "floor": floor,
            "cap": None if cap is None or math.isinf(cap) else cap,
            "mmr": mmr,
            "maintenance_amount": amount,
            "max_leverage": lev,
        }
        for (floor, cap, mmr, _a, lev), amount in zip(g.rows, amounts, strict=True)
    ]
    name = f"{label} {g.symbol}".strip()
    return TierTable.from_records(
        name, records, source, as_of, unit=g.unit, boundary=g.boundary, basis=g.basis
    )


def _matcher(symbol: str | None) -> tuple[Callable[[str], bool], set[str]]:
    if symbol is None:
        return (lambda s: True), set()
    keys = {to_app_symbol(symbol), to_app_symbol(symbol, "hyperliquid")}
    return (lambda s: s in keys), keys


def parse_tiers(
    data: Any,
    *,
    symbol: str | None = None,
    source: str = "",
    as_of: str = "",
    contract_size: float | None = None,
) -> dict[str, TierTable]:
    """Tier tables from decoded JSON in any format of :data:`FORMATS`, keyed by app symbol.

    Parameters
    ----------
    data
        The decoded response (or file). Keys starting with "_" (a fixture's ``_source``) are
        ignored; ``_source``/``_as_of`` fill ``source``/``as_of`` when those are not given.
    symbol
        Keep only this symbol (app or ccxt notation, e.g. ``BTCUSDT`` or ``BTC/USDT:USDT``); it
        also names a table whose format carries no symbol (a plain list). ``ValueError`` when
        the data hold several symbols and not this one.
    source, as_of
        Provenance stored on every table (default: the format's documentation page, "unknown").
    contract_size
        OKX SWAP/FUTURES only: the contract value in coin (``ctVal``); tiers count contracts.

    Returns
    -------
    dict
        App symbol -> validated :class:`~risk.tiers.TierTable` (boundary rule, unit and basis
        set per venue, see the module docstring).
    """
    return _parse(
        data, symbol=symbol, source=source, as_of=as_of, contract_size=contract_size, label=""
    )


def _parse(
    data: Any,
    *,
    symbol: str | None,
    source: str,
    as_of: str,
    contract_size: float | None,
    label: str,
) -> dict[str, TierTable]:
    fmt = detect_format(data)
    notes = data if isinstance(data, dict) else {}
    src = source or str(notes.get("_source") or "") or FORMATS[fmt]
    date = as_of or str(notes.get("_as_of") or "") or "unknown"
    if contract_size is None and isinstance(notes.get("contract_size"), int | float):
        contract_size = float(notes["contract_size"])
    want, keys = _matcher(symbol)
    label = label or fmt
    if fmt == "project":
        return _parse_project(data, symbol, want, keys, src, date, label)
    groups = _PARSERS[fmt](data, want=want, contract_size=contract_size)
    if not groups:
        available = sorted(
            g.symbol
            for g in _PARSERS[fmt](data, want=lambda s: True, contract_size=contract_size or 1.0)
        )
        raise ValueError(f"symbol={symbol!r} is not in the {fmt} data; allowed: {_list(available)}")
    out: dict[str, TierTable] = {}
    for g in groups:
        if not g.symbol:
            g.symbol = to_app_symbol(symbol) if symbol else "table"
        out[g.symbol] = _table(label, g, src, date)
    return out


def _list(names: Iterable[str], limit: int = 12) -> str:
    names = list(names)
    head = ", ".join(names[:limit])
    return head + (f", ... ({len(names)} in all)" if len(names) > limit else "")


def _parse_project(
    data: Any,
    symbol: str | None,
    want: Callable[[str], bool],
    keys: set[str],
    source: str,
    as_of: str,
    label: str,
) -> dict[str, TierTable]:
    if isinstance(data, list):
        name = to_app_symbol(symbol) if symbol else "table"
        return {name: TierTable.from_records(label, data, source=source or label, as_of=as_of)}
    symbols = data["symbols"]
    doc = dict(data)
    doc.setdefault("source", source)
    doc.setdefault("as_of", as_of)
    chosen = [s for s in symbols if want(to_app_symbol(s)) or s in keys]
    if symbol is not None and not chosen:
        raise ValueError(f"symbol={symbol!r} is not in {label}; allowed: {_list(symbols)}")
    return {
        to_app_symbol(s): table_from_doc(doc, s, name=f"{label}:{s}") for s in (chosen or symbols)
    }


# --- files --------------------------------------------------------------------------------------

_CSV_FIELDS = ("floor", "cap", "mmr", "maintenance_amount", "max_leverage")


def _parse_csv(text: str, path: str) -> Any:
    """A CSV with a header naming floor, cap, mmr, maintenance_amount, max_leverage (and
    optionally symbol): the project layout as a document."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [f for f in _CSV_FIELDS if f not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(
            f"tiers={path!r} lacks the CSV column(s) {', '.join(missing)}; allowed: a header with "
            f"{', '.join(_CSV_FIELDS)} (and optionally symbol)"
        )
    symbols: dict[str, list[dict[str, Any]]] = {}
    for line, row in enumerate(reader, start=2):
        rec: dict[str, Any] = {}
        for f in _CSV_FIELDS:
            value = (row.get(f) or "").strip()
            if f == "cap" and value in ("", "inf", "null"):
                rec[f] = None
            else:
                rec[f] = _num(value, f"line {line} {f} of {path}")
        symbols.setdefault(to_app_symbol(row.get("symbol") or "table"), []).append(rec)
    return {"symbols": symbols}


def read_table_file(
    path: str, symbol: str | None = None, *, contract_size: float | None = None
) -> TierTable:
    """One tier table from a local JSON or CSV file in any supported format (see
    :func:`risk.tiers.load_table_file`). ``ValueError`` naming the file on every problem."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise ValueError(
            f"tiers={path!r} cannot be read ({exc.strerror or exc}); allowed: a readable JSON file"
        ) from None
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"tiers={path!r} is not UTF-8 text ({exc}); allowed: a JSON file"
        ) from None
    try:
        if path.lower().endswith(".csv"):
            doc = _parse_csv(text, path)
        else:
            try:
                doc = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValueError(
                    f"tiers={path!r} is not valid JSON ({exc}); allowed: a JSON list of tier "
                    "records, an object with 'symbols', or an exchange's tier response"
                ) from None
        tables = _parse(
            doc, symbol=symbol, source="", as_of="", contract_size=contract_size, label=path
        )
    except ValueError as exc:
        msg = str(exc)
        raise ValueError(msg if path in msg else f"tiers={path!r}: {msg}") from None
    if len(tables) > 1:
        raise ValueError(
            f"symbol={symbol!r} does not pick one table of {path}; allowed: {_list(tables)}"
        )
    return next(iter(tables.values()))
