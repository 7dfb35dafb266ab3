"""Every ``ValueError`` path of the core modules (risk/_validate, positions, tiers, venues,
liquidation, margin, sizing, funding, account) names the parameter, the offending value and what is
allowed (docs/CONVENTIONS.md). Enumerated from ``grep -n "raise ValueError\\|check_" risk/*.py``.

Each case asserts the whole shape ``<name>=<value> ... allowed: <range>`` rather than just that
something was raised. The CLI's own path (``--maintenance-amount`` without ``--mmr``) is in
test_cli_liq.py. One path is unreachable and so has no test: ``collapse_comparison``'s "leaves no
positive price" (``collapse_frac`` is already limited to (0, 1), so the shocked price is positive).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from risk import Account, Position, TierTable, get_venue, liquidation_price, load_table_file
from risk._validate import as_float_array, check_choice, check_positive, check_range
from risk.account import Holding, account_state, collapse_comparison
from risk.funding import (
    annualized_funding,
    break_even_move_frac,
    days_to_consume,
    funding_cost,
    funding_count,
    funding_frac_of_margin,
    liquidation_price_path,
    rate_for_interval,
)
from risk.margin import (
    adjust_margin,
    break_even_price,
    close_fee,
    fee,
    margin_ratio,
    open_fee,
    roi,
    target_price,
)
from risk.sizing import (
    check_stop,
    leverage_curve,
    loss_per_unit,
    max_leverage_for_stop,
    size_from_risk,
)
from risk.tiers import check_notional, shipped_table

NAN, INF = math.nan, math.inf


def pos(**kw) -> Position:
    args = {"side": "long", "entry_price": 100.0, "quantity": 1.0, "leverage": 2.0}
    args.update(kw)
    return Position(**args)


def binance():
    return get_venue("binance")


def holding(**kw) -> Holding:
    args = {"symbol": "BTCUSDT", "position": pos(), "mark_price": 100.0, "venue": binance()}
    args.update(kw)
    return Holding(**args)


def rec(floor, cap, mmr, cum, lev) -> dict:
    return {"floor": floor, "cap": cap, "mmr": mmr, "maintenance_amount": cum, "max_leverage": lev}


def table(*rows) -> TierTable:
    return TierTable.from_records("t", [rec(*r) for r in rows], "s", "a")


# (call, regex the message must match). The regexes spell out name=value and the allowed range.
CASES = [
    # --- _validate helpers ----------------------------------------------------------------------
    pytest.param(
        lambda: as_float_array("x", "abc"),
        r"^x='abc' is not a number; allowed: a finite number$",
        id="not-a-number",
    ),
    pytest.param(
        lambda: as_float_array("x", [1.0, NAN]),
        r"^x=nan is not finite; allowed: a finite number$",
        id="nan-in-array",
    ),
    pytest.param(
        lambda: check_range("x", 5, 0, 1),
        r"^x=5 is out of range; allowed: 0 <= x <= 1$",
        id="range-closed",
    ),
    pytest.param(
        lambda: check_range("x", 1, 0, 1, lo_open=True, hi_open=True),
        r"^x=1 is out of range; allowed: 0 < x < 1$",
        id="range-open",
    ),
    pytest.param(
        lambda: check_positive("x", -0.5),
        r"^x=-0.5 is out of range; allowed: 0 < x$",
        id="positive",
    ),
    pytest.param(
        lambda: check_choice("x", "c", ["a", "b"]),
        r"^x='c' is not known; allowed: a, b$",
        id="choice",
    ),
    # --- positions --------------------------------------------------------------------------------
    pytest.param(
        lambda: pos(side="buy"), r"^side='buy' is not known; allowed: long, short$", id="side"
    ),
    pytest.param(
        lambda: pos(contract="quanto"),
        r"^contract='quanto' is not known; allowed: linear, inverse$",
        id="contract",
    ),
    pytest.param(
        lambda: pos(margin_mode="portfolio"),
        r"^margin_mode='portfolio' is not known; allowed: isolated, cross$",
        id="margin-mode",
    ),
    pytest.param(
        lambda: pos(entry_price=0),
        r"^entry_price=0 is out of range; allowed: 0 < entry_price$",
        id="entry-zero",
    ),
    pytest.param(
        lambda: pos(entry_price=-5),
        r"^entry_price=-5 is out of range; allowed: 0 < entry_price$",
        id="entry-negative",
    ),
    pytest.param(
        lambda: pos(entry_price=NAN),
        r"^entry_price=nan is not finite; allowed: a finite number$",
        id="entry-nan",
    ),
    pytest.param(
        lambda: pos(entry_price=INF),
        r"^entry_price=inf is not finite; allowed: a finite number$",
        id="entry-inf",
    ),
    pytest.param(
        lambda: pos(entry_price="abc"),
        r"^entry_price='abc' is not a number; allowed: a finite number$",
        id="entry-text",
    ),
    pytest.param(
        lambda: pos(entry_price=np.array([1.0, -2.0])),
        r"^entry_price=-2 is out of range; allowed: 0 < entry_price$",
        id="entry-array",
    ),
    pytest.param(
        lambda: pos(quantity=0),
        r"^quantity=0 is out of range; allowed: 0 < quantity$",
        id="quantity-zero",
    ),
    pytest.param(
        lambda: pos(quantity=-INF),
        r"^quantity=-inf is not finite; allowed: a finite number$",
        id="quantity-inf",
    ),
    pytest.param(
        lambda: pos(contract_size=0),
        r"^contract_size=0 is out of range; allowed: 0 < contract_size$",
        id="contract-size",
    ),
    pytest.param(
        lambda: pos(leverage=None),
        r"^leverage=None and margin=None; allowed: give leverage \(>= 1\) or margin \(> 0\)$",
        id="no-size",
    ),
    pytest.param(
        lambda: pos(leverage=0.5),
        r"^leverage=0.5 is out of range; allowed: 1 <= leverage$",
        id="leverage-below-1",
    ),
    pytest.param(
        lambda: pos(leverage=NAN),
        r"^leverage=nan is not finite; allowed: a finite number$",
        id="leverage-nan",
    ),
    pytest.param(
        lambda: pos(leverage=None, margin=0),
        r"^margin=0 is out of range; allowed: 0 < margin$",
        id="margin-zero",
    ),
    pytest.param(
        lambda: pos().pnl(0), r"^price=0 is out of range; allowed: 0 < price$", id="pnl-price"
    ),
    pytest.param(
        lambda: Account(0),
        r"^wallet_balance=0 is out of range; allowed: 0 < wallet_balance$",
        id="wallet",
    ),
    pytest.param(
        lambda: Account(10, other_maintenance=-1),
        r"^other_maintenance=-1 is out of range; allowed: 0 <= other_maintenance$",
        id="other-maintenance",
    ),
    pytest.param(
        lambda: Account(10, other_upnl=NAN),
        r"^other_upnl=nan is not finite; allowed: a finite number$",
        id="other-upnl",
    ),
    # --- tiers ------------------------------------------------------------------------------------
    pytest.param(
        lambda: TierTable.flat(1.0),
        r"^mmr=1 is out of range; allowed: 0 <= mmr < 1$",
        id="flat-mmr-high",
    ),
    pytest.param(
        lambda: TierTable.flat(-0.01),
        r"^mmr=-0.01 is out of range; allowed: 0 <= mmr < 1$",
        id="flat-mmr-negative",
    ),
    pytest.param(
        lambda: TierTable.flat(0.01, -1),
        r"^maintenance_amount=-1 is out of range; allowed: 0 <= maintenance_amount$",
        id="flat-cum",
    ),
    pytest.param(
        lambda: TierTable.flat(0.01, 0, 0.5),
        r"^max_leverage=0.5 is out of range; allowed: 1 <= max_leverage$",
        id="flat-max-leverage",
    ),
    pytest.param(
        lambda: TierTable.from_records("t", [], "s", "a"),
        r"^tiers of 't'=\[\] is empty; allowed: at least one tier$",
        id="records-empty",
    ),
    pytest.param(
        lambda: TierTable.from_records(
            "t", [{"floor": 0, "cap": None, "max_leverage": 5}], "s", "a"
        ),
        r"^tier 1 of 't' lacks field 'mmr'; "
        r"allowed: a record with floor, cap, mmr, maintenance_amount, max_leverage$",
        id="records-missing-field",
    ),
    pytest.param(
        lambda: TierTable("t", (), "s", "a"),
        r"^tiers of 't' is empty; allowed: at least one tier$",
        id="tiers-empty",
    ),
    pytest.param(
        lambda: table((5, None, 0.01, 0, 5)),
        r"^tier 1 floor of 't'=5.0 is not 0; allowed: 0$",
        id="first-floor",
    ),
    pytest.param(
        lambda: table((0, None, 1.5, 0, 5)),
        r"^tier 1 mmr of 't'=1.5 is out of range; allowed: 0 <= tier 1 mmr of 't' < 1$",
        id="tier-mmr",
    ),
    pytest.param(
        lambda: table((0, None, 0.01, -3, 5)),
        r"^tier 1 maintenance_amount of 't'=-3 is out of range; allowed: 0 <= ",
        id="tier-cum-negative",
    ),
    pytest.param(
        lambda: table((0, None, 0.01, 0, 0)),
        r"^tier 1 max_leverage of 't'=0 is out of range; allowed: 1 <= ",
        id="tier-max-leverage",
    ),
    pytest.param(
        lambda: table((0, 0, 0.01, 0, 5)),
        r"^tier 1 cap of 't'=0.0 is not above its floor 0.0; allowed: cap > floor$",
        id="cap-not-above-floor",
    ),
    pytest.param(
        lambda: table((0, 10, 0.01, 0, 5), (20, None, 0.02, 0.2, 5)),
        r"^tier 2 floor of 't'=20 does not equal tier 1's cap 10; allowed: contiguous tiers$",
        id="non-contiguous",
    ),
    pytest.param(
        lambda: table((0, 10, 0.02, 0, 5), (10, None, 0.01, 0, 5)),
        r"^tier 2 mmr of 't'=0.01 is below tier 1's 0.02; allowed: rates that do not fall",
        id="falling-rate",
    ),
    pytest.param(
        lambda: table((0, 10, 0.01, 0, 5), (10, None, 0.02, 5, 5)),
        r"^tier 2 maintenance_amount of 't'=5.00 breaks the recurrence .*; allowed: 0.10$",
        id="recurrence",
    ),
    pytest.param(
        lambda: table((0, 10, 0.01, 1, 5), (10, None, 0.02, 1.1, 5)),
        r"^tier 1 maintenance_amount of 't'=1.0 is not 0; allowed: 0$",
        id="first-cum",
    ),
    pytest.param(
        lambda: binance().table.index(-1),
        r"^notional=-1 is out of range; "
        r"allowed: 0 <= notional < 1,800,000,000 \(binance BTCUSDT tiers, floor <= n < cap\)$",
        id="index-negative",
    ),
    pytest.param(
        lambda: binance().table.maintenance_margin(2e9),
        r"^notional=2,000,000,000 is out of range; allowed: 0 <= notional < 1,800,000,000",
        id="index-beyond-cap",
    ),
    pytest.param(
        lambda: check_notional(binance().table, 0),
        r"^notional=0 is out of range; allowed: 0 < notional$",
        id="check-notional",
    ),
    pytest.param(
        lambda: shipped_table("okx", "BTCUSDT"),
        r"^exchange='okx' has no shipped tier table; allowed: binance, bybit, hyperliquid",
        id="no-shipped-table",
    ),
    pytest.param(
        lambda: shipped_table("binance", "NOPEUSDT"),
        r"^symbol='NOPEUSDT' has no binance tier table; allowed: one of the 682 shipped symbols "
        r"\(BTCUSDT, ETHUSDT, SOLUSDT, XRPUSDT, DOGEUSDT, \.\.\.; "
        r"risk\.tiers\.shipped_symbols\('binance'\) lists them\)",
        id="unknown-symbol",
    ),
    # --- venues -----------------------------------------------------------------------------------
    pytest.param(
        lambda: get_venue("kraken"),
        r"^exchange='kraken' is not known; allowed: binance, bybit, bybit-uta, okx, gate, kucoin, "
        r"bitget, phemex, hyperliquid, generic$",
        id="unknown-exchange",
    ),
    pytest.param(
        lambda: get_venue("binance", "NOPEUSDT"),
        r"^symbol='NOPEUSDT' has no binance tier table; allowed: one of the 682 shipped symbols",
        id="venue-unknown-symbol",
    ),
    pytest.param(
        lambda: get_venue("hyperliquid", "NOPE"),
        r"^symbol='NOPE' has no hyperliquid tier table; allowed: one of the 39 shipped symbols",
        id="venue-unknown-asset",
    ),
    pytest.param(
        lambda: get_venue("generic"),
        r"^mmr=None for exchange 'generic'; allowed: 0 <= mmr < 1",
        id="generic-without-mmr",
    ),
    pytest.param(
        lambda: get_venue("binance", maintenance_amount=5),
        r"^maintenance_amount=5 without mmr; allowed: give it together with mmr$",
        id="amount-without-mmr",
    ),
    pytest.param(
        lambda: get_venue("hyperliquid", "BTC", max_leverage=0.5),
        r"^max_leverage=0.5 is out of range; allowed: 1 <= max_leverage$",
        id="hl-max-leverage",
    ),
    pytest.param(
        lambda: get_venue("generic", mmr=1.2),
        r"^mmr=1.2 is out of range; allowed: 0 <= mmr < 1$",
        id="venue-mmr",
    ),
    pytest.param(
        lambda: get_venue("okx", mmr=0.01, taker_fee=0.02),
        r"^taker_fee=0.02 is out of range; "
        r"allowed: 0 <= taker_fee <= 0.01 \(a fraction: 0.0005 = 0.05%\)$",
        id="taker-high",
    ),
    pytest.param(
        lambda: get_venue("okx", mmr=0.01, taker_fee=-0.001),
        r"^taker_fee=-0.001 is out of range; allowed: 0 <= taker_fee <= 0.01",
        id="taker-negative",
    ),
    pytest.param(
        lambda: get_venue("okx", mmr=0.01, taker_fee=NAN),
        r"^taker_fee=nan is not finite; allowed: a finite number$",
        id="taker-nan",
    ),
    pytest.param(
        lambda: get_venue("gate", mmr=0.995, taker_fee=0.006),
        r"^taker_fee=0.006 is out of range; "
        r"allowed: 0 <= taker_fee < 0.005 \(mmr \+ taker fee must stay below 1\)$",
        id="taker-plus-mmr",
    ),
    # --- liquidation.check_position ---------------------------------------------------------------
    pytest.param(
        lambda: liquidation_price(pos(contract="inverse"), get_venue("bitget", mmr=0.01)),
        r"^contract='inverse' is not covered for exchange 'bitget'; allowed: linear$",
        id="contract-not-covered",
    ),
    pytest.param(
        lambda: liquidation_price(pos(contract="inverse"), get_venue("hyperliquid", "BTC")),
        r"^contract='inverse' is not covered for exchange 'hyperliquid'; allowed: linear$",
        id="hl-inverse",
    ),
    pytest.param(
        lambda: liquidation_price(
            pos(margin_mode="cross"), get_venue("phemex", mmr=0.01), Account(100)
        ),
        r"^margin_mode='cross' is not covered for exchange 'phemex'; allowed: isolated$",
        id="mode-not-covered",
    ),
    pytest.param(
        lambda: liquidation_price(pos(margin_mode="cross"), get_venue("binance", mmr=0.01)),
        r"^account=None for margin_mode='cross'; allowed: an Account with the cross "
        r"wallet_balance",
        id="cross-without-account",
    ),
    pytest.param(
        lambda: liquidation_price(pos(margin_mode="cross"), get_venue("gate", mmr=0.01)),
        r"^margin_mode='cross' is not covered for exchange 'gate'; allowed: isolated$",
        id="gate-cross",
    ),
    pytest.param(
        lambda: liquidation_price(pos(entry_price=100_000, quantity=20_000, leverage=1), binance()),
        r"^notional=2,000,000,000 is out of range; "
        r"allowed: 0 <= notional < 1,800,000,000 \(binance BTCUSDT tiers, floor <= n < cap\)$",
        id="notional-beyond-table",
    ),
    pytest.param(
        lambda: liquidation_price(pos(leverage=151), binance()),
        r"^leverage=151 is above the maximum for a 100.00 USDT position on binance BTCUSDT; "
        r"allowed: 1 <= leverage <= 150$",
        id="leverage-above-max",
    ),
    pytest.param(
        lambda: liquidation_price(pos(entry_price=50_000, quantity=6, leverage=101), binance()),
        r"^leverage=101 .*300,000.00 USDT.*allowed: 1 <= leverage <= 100$",
        id="leverage-above-tier2-max",
    ),
    pytest.param(
        lambda: liquidation_price(pos(leverage=np.array([5.0, 151.0])), binance()),
        r"^leverage=151 .*allowed: 1 <= leverage <= 150$",
        id="leverage-array-above-max",
    ),
    pytest.param(
        lambda: liquidation_price(pos(leverage=41), get_venue("hyperliquid", "BTC")),
        r"^leverage=41 .*allowed: 1 <= leverage <= 40$",
        id="hl-leverage-above-max",
    ),
    pytest.param(
        lambda: liquidation_price(pos(leverage=None, margin=0.5), binance()),
        r"^leverage=200 .*allowed: 1 <= leverage <= 150$",
        id="margin-implies-leverage-above-max",
    ),
    pytest.param(
        lambda: liquidation_price(pos(leverage=None, margin=60), binance(), Account(50)),
        r"^margin=60 is out of range; "
        r"allowed: 0 < margin <= 50 \(isolated margin cannot exceed the wallet balance\)$",
        id="margin-above-wallet",
    ),
    pytest.param(
        lambda: liquidation_price(pos(margin_mode="cross"), binance(), Account(10)),
        r"^initial_margin=50 is out of range; allowed: 0 < initial_margin <= 10",
        id="cross-initial-margin-above-wallet",
    ),
    pytest.param(
        lambda: liquidation_price(
            pos(leverage=None, margin=0.3), get_venue("generic", mmr=0.004, max_leverage=1000)
        ),
        r"^margin=0.3 does not cover the maintenance margin 0.4 at entry .*allowed: margin > 0.4",
        id="margin-below-maintenance",
    ),
    pytest.param(
        lambda: liquidation_price(pos(leverage=95), get_venue("okx", mmr=0.01, taker_fee=0.001)),
        # margin 100/95 = 1.0526; MM + fee at entry = 100 x (0.01 + 0.001) = 1.1
        r"^margin=1.0526316 does not cover the maintenance margin 1.1 at entry "
        r".*allowed: margin > 1.1",
        id="okx-margin-below-mm-plus-fee",
    ),
    # --- margin -----------------------------------------------------------------------------------
    pytest.param(
        lambda: fee(pos(), 100, 0.02),
        r"^fee_rate=0.02 is out of range; allowed: 0 <= fee_rate <= 0.01",
        id="fee-rate",
    ),
    pytest.param(
        lambda: fee(pos(), -1, 0.001),
        r"^price=-1 is out of range; allowed: 0 < price$",
        id="fee-price",
    ),
    pytest.param(
        lambda: open_fee(pos(), -0.001),
        r"^fee_rate=-0.001 is out of range; allowed: 0 <= fee_rate <= 0.01",
        id="open-fee",
    ),
    pytest.param(
        lambda: close_fee(pos(), 0.5),
        r"^taker_fee=0.5 is out of range; allowed: 0 <= taker_fee <= 0.01",
        id="close-fee",
    ),
    pytest.param(
        lambda: roi(pos(), 0, 0.001),
        r"^price=0 is out of range; allowed: 0 < price$",
        id="roi-price",
    ),
    pytest.param(
        lambda: target_price(pos(), -1.5),
        r"^roi_target=-1.5 is out of range; allowed: -1 <= roi_target$",
        id="roi-target",
    ),
    pytest.param(
        lambda: target_price(pos(), 0.5, 0.03),
        r"^taker_fee=0.03 is out of range; allowed: 0 <= taker_fee <= 0.01",
        id="target-taker",
    ),
    pytest.param(
        lambda: break_even_price(pos(), 0.001, funding_paid=INF),
        r"^funding_paid=inf is not finite; allowed: a finite number$",
        id="funding-paid",
    ),
    pytest.param(
        lambda: margin_ratio(pos(), binance(), 0),
        r"^mark_price=0 is out of range; allowed: 0 < mark_price$",
        id="mark-price",
    ),
    pytest.param(
        lambda: adjust_margin(pos(margin_mode="cross"), binance(), 10),
        r"^margin_mode='cross' cannot take added margin; allowed: isolated$",
        id="adjust-cross",
    ),
    pytest.param(
        lambda: adjust_margin(pos(), binance(), NAN),
        r"^delta_margin=nan is not finite; allowed: a finite number$",
        id="delta-nan",
    ),
    pytest.param(
        lambda: adjust_margin(pos(), binance(), -49.8),
        r"^delta_margin=-49.8 would leave less than the maintenance margin; "
        r"allowed: delta_margin > -49.6$",
        id="delta-too-negative",
    ),
    # --- sizing -----------------------------------------------------------------------------------
    pytest.param(
        lambda: check_stop("up", 100, 90),
        r"^side='up' is not known; allowed: long, short$",
        id="stop-side",
    ),
    pytest.param(
        lambda: check_stop("long", 100, 105),
        r"^stop_price=105 is not below the entry 100 of a long; allowed: 0 < stop_price < 100$",
        id="stop-long",
    ),
    pytest.param(
        lambda: check_stop("short", 100, 100),
        r"^stop_price=100 is not above the entry 100 of a short; allowed: stop_price > 100$",
        id="stop-short",
    ),
    pytest.param(
        lambda: check_stop("long", 0, 1),
        r"^entry_price=0 is out of range; allowed: 0 < entry_price$",
        id="stop-entry",
    ),
    pytest.param(
        lambda: check_stop("long", 100, -1),
        r"^stop_price=-1 is out of range; allowed: 0 < stop_price$",
        id="stop-price",
    ),
    pytest.param(
        lambda: loss_per_unit(100, 90, 0.05),
        r"^taker_fee=0.05 is out of range; allowed: 0 <= taker_fee <= 0.01$",
        id="loss-taker",
    ),
    pytest.param(
        lambda: loss_per_unit(NAN, 90), r"^entry_price=nan is not finite", id="loss-entry"
    ),
    pytest.param(
        lambda: max_leverage_for_stop("long", 100, 90, 1, binance(), 1.0),
        r"^buffer_frac=1 is out of range; allowed: 0 <= buffer_frac < 1$",
        id="buffer",
    ),
    pytest.param(
        lambda: max_leverage_for_stop("long", 100, 90, 0, binance()),
        r"^quantity=0 is out of range; allowed: 0 < quantity$",
        id="stop-quantity",
    ),
    pytest.param(
        lambda: size_from_risk(0, 0.01, 100, 90, side="long", venue=binance()),
        r"^equity=0 is out of range; allowed: 0 < equity$",
        id="equity",
    ),
    pytest.param(
        lambda: size_from_risk(1_000, 0, 100, 90, side="long", venue=binance()),
        r"^risk_frac=0 is out of range; allowed: 0 < risk_frac <= 1$",
        id="risk-zero",
    ),
    pytest.param(
        lambda: size_from_risk(1_000, 1.5, 100, 90, side="long", venue=binance()),
        r"^risk_frac=1.5 is out of range; allowed: 0 < risk_frac <= 1$",
        id="risk-high",
    ),
    pytest.param(
        lambda: leverage_curve("long", 100, 1, binance(), [0.5, 2]),
        r"^leverages=0.5 is out of range; allowed: 1 <= leverages$",
        id="curve-leverages",
    ),
    pytest.param(
        lambda: leverage_curve("long", 100, -1, binance(), [2]),
        r"^quantity=-1 is out of range; allowed: 0 < quantity$",
        id="curve-quantity",
    ),
    # --- funding ----------------------------------------------------------------------------------
    pytest.param(
        lambda: funding_cost(100, 0.05, 8, 1),
        r"^rate_per_interval=0.05 is out of range; allowed: -0.04 <= rate_per_interval <= 0.04",
        id="rate",
    ),
    pytest.param(
        lambda: annualized_funding(-0.1, 8),
        r"^rate_per_interval=-0.1 is out of range; allowed: -0.04 <= rate_per_interval <= 0.04",
        id="rate-negative",
    ),
    pytest.param(
        lambda: funding_count(1, 0),
        r"^interval_hours=0 is out of range; allowed: 0 < interval_hours <= 24$",
        id="interval-zero",
    ),
    pytest.param(
        lambda: rate_for_interval(0.0001, 25),
        r"^interval_hours=25 is out of range; allowed: 0 < interval_hours <= 24$",
        id="interval-high",
    ),
    pytest.param(
        lambda: funding_count(4_000, 8),
        r"^days=4000 is out of range; allowed: 0 <= days <= 3650$",
        id="days-high",
    ),
    pytest.param(
        lambda: funding_count(-1, 8),
        r"^days=-1 is out of range; allowed: 0 <= days <= 3650$",
        id="days-negative",
    ),
    pytest.param(
        lambda: funding_cost(100, 0.0001, 8, 1, side="flat"),
        r"^side='flat' is not known; allowed: long, short$",
        id="funding-side",
    ),
    pytest.param(
        lambda: funding_cost(0, 0.0001, 8, 1),
        r"^notional=0 is out of range; allowed: 0 < notional$",
        id="funding-notional",
    ),
    pytest.param(
        lambda: funding_frac_of_margin(0.5, 0.0001, 8, 1),
        r"^leverage=0.5 is out of range; allowed: 1 <= leverage$",
        id="funding-leverage",
    ),
    pytest.param(
        lambda: days_to_consume(0, 10, 0.0001, 8),
        r"^frac_of_margin=0 is out of range; allowed: 0 < frac_of_margin$",
        id="frac-of-margin",
    ),
    pytest.param(
        lambda: days_to_consume(0.5, 0.9, 0.0001, 8),
        r"^leverage=0.9 is out of range; allowed: 1 <= leverage$",
        id="consume-leverage",
    ),
    pytest.param(
        lambda: days_to_consume(0.5, 5, 0.0001, 8, side="x"),
        r"^side='x' is not known; allowed: long, short$",
        id="consume-side",
    ),
    pytest.param(
        lambda: break_even_move_frac(0.02, 0.0001, 8, 1),
        r"^taker_fee=0.02 is out of range; allowed: 0 <= taker_fee <= 0.01$",
        id="move-taker",
    ),
    pytest.param(
        lambda: liquidation_price_path(pos(margin_mode="cross"), binance(), 0.0001, 8, 1),
        r"^margin_mode='cross', contract='linear'; allowed: an isolated linear position$",
        id="path-cross",
    ),
    # --- account ----------------------------------------------------------------------------------
    pytest.param(
        lambda: holding(mark_price=0),
        r"^mark_price=0 is out of range; allowed: 0 < mark_price$",
        id="holding-mark",
    ),
    pytest.param(
        lambda: holding(position=pos(contract="inverse")),
        r"^contract='inverse' in a multi-position account; allowed: linear$",
        id="holding-inverse",
    ),
    pytest.param(
        lambda: account_state(0, [holding()]),
        r"^wallet_balance=0 is out of range; allowed: 0 < wallet_balance$",
        id="account-wallet",
    ),
    pytest.param(
        lambda: account_state(100, []),
        r"^holdings=\[\] is empty; allowed: at least one position$",
        id="account-empty",
    ),
    pytest.param(
        lambda: account_state(10, [holding()]),
        r"^margin=50.00 posted across positions exceeds the wallet; "
        r"allowed: total margin <= wallet_balance=10.00$",
        id="account-posted",
    ),
    pytest.param(
        lambda: collapse_comparison(100, [holding()], 3, 0.5),
        r"^index=3 is out of range; allowed: 0 <= index < 1$",
        id="collapse-index",
    ),
    pytest.param(
        lambda: collapse_comparison(100, [holding()], 0, 1.0),
        r"^collapse_frac=1 is out of range; allowed: 0 < collapse_frac < 1$",
        id="collapse-frac",
    ),
]


@pytest.mark.parametrize(("call", "pattern"), CASES)
def test_value_error_names_parameter_value_and_range(call, pattern) -> None:
    with pytest.raises(ValueError, match=pattern):
        call()


# --- user tier files: every bad file is a ValueError with the same shape -------------------------


def test_tier_record_with_a_non_numeric_field(tmp_path) -> None:
    # The message names the tier and the record, but says nothing about what is allowed.
    with pytest.raises(ValueError) as exc:
        table((0, None, "x", 0, 5))
    msg = str(exc.value)
    assert msg.startswith("tier 1 of 't'=") and "'mmr': 'x'" in msg
    assert "allowed:" in msg, msg


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("42", id="a-number"),
        pytest.param('"BTCUSDT"', id="a-string"),
        pytest.param("[[0, null, 0.01, 0, 125]]", id="list-of-lists"),
        pytest.param(
            '{"symbols": {"BTCUSDT": [[0, null, 0.01, 0, 125]]}}', id="symbol-list-of-lists"
        ),
    ],
)  # fmt: skip
def test_user_tier_file_of_the_wrong_shape_is_a_value_error(tmp_path, content) -> None:
    # A JSON file that parses but is not a list of tier records (or a document with "symbols")
    # must be refused with a ValueError naming the file/tiers, not an AttributeError.
    path = tmp_path / "tiers.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=r"tier|tiers|symbols"):
        load_table_file(str(path), "BTCUSDT")


def test_user_tier_file_with_malformed_json_names_the_file(tmp_path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"symbols": ', encoding="utf-8")
    with pytest.raises(ValueError) as exc:
        load_table_file(str(path), "BTCUSDT")
    assert "broken.json" in str(exc.value)


def test_a_good_user_file_still_loads(tmp_path) -> None:
    path = tmp_path / "ok.json"
    path.write_text(json.dumps([rec(0, None, 0.01, 0, 50)]), encoding="utf-8")
    assert load_table_file(str(path)).tiers[0].mmr == 0.01
