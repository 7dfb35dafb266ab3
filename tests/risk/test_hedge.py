"""risk.hedge: Binance hedge mode (both legs of one symbol in one cross wallet). Expected prices
come from Binance's hedge-mode formula (FAQ "How to Calculate Liquidation Price of USDⓈ-M Futures
Contracts", Position1BOTH = 0) evaluated here by hand with the tier each leg's own notional has at
the result; the property tests check equity = both legs' maintenance at every price found."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from risk import Account, Position, TierTable, get_venue
from risk.hedge import hedge_liquidation, pair_maintenance_margin

PROPS = settings(max_examples=150, deadline=None)
BTC = get_venue("binance", "BTCUSDT")


def legs(ql, el, qs, es, lev=10.0):
    return (
        Position("long", el, ql, leverage=lev, margin_mode="cross"),
        Position("short", es, qs, leverage=lev, margin_mode="cross"),
    )


def test_net_long_pair_by_hand() -> None:
    # Long 1 @ 50,000, short 0.4 @ 52,000, cross wallet 5,000. At the result the long leg's
    # notional is ~40,713 and the short's ~16,285: both tier 1 (0.4%, cum 0), so
    # LP = (WB + cumL + cumS - L*EPL + S*EPS) / (L*MMRL + S*MMRS - L + S)
    #    = (5,000 - 50,000 + 20,800) / (0.004 + 0.0016 - 1 + 0.4) = -24,200 / -0.5944.
    h = hedge_liquidation(*legs(1, 50_000, 0.4, 52_000), BTC, Account(5_000))
    assert h.below == pytest.approx(24_200 / 0.5944, rel=1e-12)
    assert math.isnan(h.above)  # the rising root lies beyond the last tier's cap
    assert h.liquidation_price == h.below
    # margin ratio at the long entry 50,000: MM = 50,000*0.004 + 20,000*0.004 = 280 (tier 1);
    # balance = 5,000 + 0.4*(52,000 - 50,000) = 5,800.
    assert h.margin_ratio == pytest.approx(280 / 5_800)
    assert not h.already_liquidatable
    assert h.distance_frac == pytest.approx(1 - 24_200 / 0.5944 / 50_000)


def test_fully_hedged_pair_is_liquidated_by_a_rise() -> None:
    # 1 long and 1 short @ 50,000: the PnL cancels, the maintenance margin of both legs grows with
    # the price: WB + cumL + cumS = P*(MMRL + MMRS). Tier 1 (0.4%) would give 625,000, a notional
    # in tier 2 (300,000-800,000: 0.5%, cum 300), so P = (5,000 + 300 + 300) / 0.01 = 560,000,
    # whose notional is indeed tier 2.
    h = hedge_liquidation(*legs(1, 50_000, 1, 50_000), BTC, Account(5_000))
    assert h.above == pytest.approx(560_000, rel=1e-12)
    assert math.isnan(h.below)
    assert h.liquidation_price == pytest.approx(560_000)


def test_other_symbols_enter_through_tmm1_and_upnl1() -> None:
    # As the first case with TMM1 = 300 and UPNL1 = -700: numerator -24,200 - 1,000.
    h = hedge_liquidation(
        *legs(1, 50_000, 0.4, 52_000), BTC, Account(5_000, other_maintenance=300, other_upnl=-700)
    )
    assert h.below == pytest.approx(25_200 / 0.5944, rel=1e-12)


def test_inverse_pair_by_hand() -> None:
    # COIN-M, typed rate 0.5% (generic family), long 100 x 100 USD @ 25,000, short 50 x 100 USD @
    # 26,000, wallet 0.1 BTC. In u = 1/P: 0.1 + 10,000/25,000 - 5,000/26,000 - u*(10,000 - 5,000)
    # = u*(10,000 + 5,000)*0.005, so P = (5,000 + 75) / (0.5 - 5,000/26,000).
    venue = get_venue("generic", mmr=0.005)
    long_leg = Position(
        "long", 25_000, 100, leverage=10, contract="inverse", contract_size=100, margin_mode="cross"
    )
    short_leg = Position("short", 26_000, 50, leverage=10, contract="inverse", contract_size=100,
                         margin_mode="cross")  # fmt: skip
    h = hedge_liquidation(long_leg, short_leg, venue, Account(0.1))
    assert h.below == pytest.approx(5_075 / (0.5 - 5_000 / 26_000), rel=1e-12)


def test_already_liquidatable_at_the_mark() -> None:
    # Same net-long pair, mark 40,000 < LP 40,713: the account is past its liquidation price.
    h = hedge_liquidation(*legs(1, 50_000, 0.4, 52_000), BTC, Account(5_000), mark_price=40_000)
    assert h.already_liquidatable
    assert h.margin_ratio >= 1
    assert h.distance_frac == 0.0


def test_a_pair_safe_at_no_price_has_no_liquidation_price_and_is_liquidatable() -> None:
    # Long 20.5 @ 16,240 and short 20 @ 10,000 with a 53,292 wallet: equity = 0.5 P - 79,628,
    # below both legs' maintenance (>= 40.5 P x 0.4%) at every price, e.g. tier 4 (1%, cum 12,000
    # each) keeps MM above equity up to 585,557 and tier 5 (2%) beyond. The deep profile found the
    # two per-line roots (585,558 over 585,200) reported as prices; there is no safe range.
    long_leg, short_leg = legs(20.5, 16_240, 20, 10_000)
    h = hedge_liquidation(long_leg, short_leg, BTC, Account(53_292), mark_price=16_240)
    assert math.isnan(h.below) and math.isnan(h.above) and math.isnan(h.liquidation_price)
    assert h.already_liquidatable and h.distance_frac == 0.0
    for p in (10_000, 100_000, 300_000, 585_000, 586_000, 700_000, 2_000_000):
        eq, mm = _equity_minus_mm(long_leg, short_leg, 53_292, p)
        assert eq < mm


@pytest.mark.parametrize(
    ("exchange", "symbol", "why"),
    [
        ("hyperliquid", "BTC", "one net position per asset"),
        ("gate", "BTCUSDT", "Gate is modelled in isolated margin only"),
        ("kucoin", "BTCUSDT", "KuCoin is modelled in isolated margin only"),
        ("bitget", "BTCUSDT", "Bitget is modelled in isolated margin only"),
        ("phemex", "BTCUSDT", "Phemex is modelled in isolated margin only"),
    ],
)
def test_families_without_a_hedge_mode_are_refused_with_the_reason(exchange, symbol, why) -> None:
    venue = get_venue(exchange, symbol, mmr=0.005, max_leverage=50)
    with pytest.raises(ValueError, match=f"exchange='{exchange}' has no hedge-mode formula") as e:
        hedge_liquidation(*legs(1, 100, 1, 100), venue, Account(100))
    assert why in str(e.value)


def test_refusals() -> None:
    long_leg, _ = legs(1, 100, 1, 100)
    with pytest.raises(ValueError, match="one long and one short leg"):
        hedge_liquidation(long_leg, long_leg, BTC, Account(100))
    with pytest.raises(ValueError, match=r"notional=2,000,000,000\.00 of the long leg"):
        hedge_liquidation(*legs(20_000, 100_000, 1, 100, lev=1), BTC, Account(1e9))


def _equity_minus_mm(long_leg, short_leg, wallet, p):
    eq = wallet + float(long_leg.pnl(p)) + float(short_leg.pnl(p))
    mm = sum(
        float(BTC.table.maintenance_margin(leg.notional_at(p))) for leg in (long_leg, short_leg)
    )
    return eq, mm


@PROPS
@given(
    ql=st.floats(0.01, 50.0),
    qs=st.floats(0.01, 50.0),
    el=st.floats(10_000.0, 150_000.0),
    es=st.floats(10_000.0, 150_000.0),
    wallet_frac=st.floats(0.02, 1.5),
)
def test_equity_equals_both_legs_maintenance_at_each_price(ql, qs, el, es, wallet_frac) -> None:
    long_leg, short_leg = legs(ql, el, qs, es)
    wallet = wallet_frac * (ql * el + qs * es) / 10
    h = hedge_liquidation(long_leg, short_leg, BTC, Account(wallet), mark_price=el)
    for p in (h.below, h.above):
        if math.isnan(p):
            continue
        eq, mm = _equity_minus_mm(long_leg, short_leg, wallet, p)
        assert eq == pytest.approx(mm, rel=1e-9, abs=1e-9 * (ql + qs) * p)
    if not h.already_liquidatable:
        # between the two prices (or beside the one there is) the account is safe at the mark
        eq, mm = _equity_minus_mm(long_leg, short_leg, wallet, el)
        assert eq > mm
        if not math.isnan(h.below):
            eq, mm = _equity_minus_mm(long_leg, short_leg, wallet, h.below * 0.999)
            assert eq < mm
        if not math.isnan(h.above) and h.above * 1.001 * max(ql, qs) < BTC.table.max_notional:
            eq, mm = _equity_minus_mm(long_leg, short_leg, wallet, h.above * 1.001)
            assert eq < mm


# --- OKX and Bybit (issue 11) ---------------------------------------------------------------------
# OKX position tiers go by size; in cross margin the long and the short of one contract are counted
# together ("Tiered maintenance margin ratio rules": 10,000 long + 15,000 short = 25,000
# contracts). A three-tier table in base units, shaped like OKX's BTC perpetual tiers.
OKX_TABLE = TierTable.from_records(
    "okx BTC-USDT-SWAP (test table, BTC)",
    [
        {"floor": 0, "cap": 200, "mmr": 0.005, "max_leverage": 100},
        {"floor": 200, "cap": 220, "mmr": 0.01, "max_leverage": 66.66},
        {"floor": 220, "cap": None, "mmr": 0.015, "max_leverage": 50},
    ],
    source="shaped like OKX's BTC perpetual position tiers",
    as_of="test",
    boundary="cap",
    basis="size",
)
OKX = get_venue("okx", table=OKX_TABLE, taker_fee=0.0005)


def test_okx_cross_tier_counts_both_legs_together() -> None:
    # Long 150 @ 50,000 and short 60 @ 51,000 BTC: each leg alone is tier 1 (0.5%), together 210
    # BTC is tier 2 (1%), whose rate plus the 0.05% fee applies to both legs' value at the mark:
    # 400,000 + 150 (P - 50,000) - 60 (P - 51,000) = (150 + 60) P (0.01 + 0.0005)
    # -> P = (7,500,000 - 3,060,000 - 400,000) / (90 - 2.205).
    h = hedge_liquidation(*legs(150, 50_000, 60, 51_000), OKX, Account(400_000))
    assert h.below == pytest.approx(4_040_000 / 87.795, rel=1e-12)
    # with each leg's own tier (Binance's way) it would be 4,040,000 / (90 - 1.155)
    assert h.below != pytest.approx(4_040_000 / 88.845, rel=1e-6)
    # maintenance at the mark 50,000: 210 x 50,000 x 1.05% = 110,250
    assert h.maintenance_margin == pytest.approx(110_250)


def test_bybit_regular_hedge_by_hand() -> None:
    # Bybit regular account: each leg's maintenance on its value at entry (0.5%): 20,000 x 0.005 +
    # 8,400 x 0.005 = 142; each leg's fee to close at its 50x bankruptcy price, taker 0.055%:
    # 1 x 20,000 x 0.98 x 0.00055 = 10.78 and 0.4 x 21,000 x 1.02 x 0.00055 = 4.7124. Wallet
    # 1,000: 1,000 + (P - 20,000) - 0.4 (P - 21,000) = 142 + 15.4924.
    venue = get_venue("bybit", mmr=0.005, taker_fee=0.00055)
    h = hedge_liquidation(*legs(1, 20_000, 0.4, 21_000, lev=50), venue, Account(1_000))
    assert h.below == pytest.approx((157.4924 - 1_000 + 20_000 - 8_400) / 0.6, rel=1e-12)
    assert math.isnan(h.above)
    assert h.maintenance_margin == pytest.approx(157.4924)  # at entry, whatever the mark


def test_bybit_uta_hedge_by_hand() -> None:
    # Unified Trading Account: the same legs with maintenance on the value at the mark:
    # 1,000 + 0.6 P - 11,600 = (1 + 0.4) x 0.005 P + 15.4924.
    venue = get_venue("bybit-uta", mmr=0.005, taker_fee=0.00055)
    h = hedge_liquidation(*legs(1, 20_000, 0.4, 21_000, lev=50), venue, Account(1_000))
    assert h.below == pytest.approx((11_600 - 1_000 + 15.4924) / (0.6 - 0.007), rel=1e-12)


def _pair_mm_by_hand(family, long_leg, short_leg, p, taker) -> float:
    """Both legs' maintenance margin at price p as each venue defines it, written out here."""
    ql, qs = float(long_leg.qty), float(short_leg.qty)
    el, es = float(long_leg.ep), float(short_leg.ep)
    lev = float(long_leg.leverage_setting)
    if family == "okx":
        total = ql + qs
        mmr = 0.005 if total <= 200 else 0.01 if total <= 220 else 0.015
        return (ql + qs) * p * (mmr + taker)
    fees = taker * (ql * el * (1 - 1 / lev) + qs * es * (1 + 1 / lev))
    if family == "bybit":
        return (ql * el + qs * es) * 0.005 + fees
    return (ql + qs) * p * 0.005 + fees  # bybit-uta


@PROPS
@given(
    family=st.sampled_from(["okx", "bybit", "bybit-uta"]),
    ql=st.floats(1.0, 150.0),
    qs=st.floats(1.0, 150.0),
    el=st.floats(10_000.0, 150_000.0),
    es=st.floats(10_000.0, 150_000.0),
    wallet_frac=st.floats(0.05, 1.5),
)
def test_okx_and_bybit_equity_equals_maintenance_at_each_price(
    family, ql, qs, el, es, wallet_frac
) -> None:
    """At every price found the wallet plus both legs' PnL equals both legs' maintenance margin as
    the venue defines it (fee to close included), and the account is safe at the mark between."""
    venue = OKX if family == "okx" else get_venue(family, mmr=0.005, taker_fee=0.00055)
    taker = 0.0005 if family == "okx" else 0.00055
    long_leg, short_leg = legs(ql, el, qs, es, lev=20)
    wallet = wallet_frac * (ql * el + qs * es) / 20
    h = hedge_liquidation(long_leg, short_leg, venue, Account(wallet), mark_price=el)
    for p in (h.below, h.above):
        if math.isnan(p):
            continue
        eq = wallet + float(long_leg.pnl(p)) + float(short_leg.pnl(p))
        mm = _pair_mm_by_hand(family, long_leg, short_leg, p, taker)
        assert eq == pytest.approx(mm, rel=1e-9, abs=1e-9 * (ql + qs) * p)
        assert pair_maintenance_margin(long_leg, short_leg, venue, p) == pytest.approx(mm)
    if not h.already_liquidatable:
        eq = wallet + float(long_leg.pnl(el)) + float(short_leg.pnl(el))
        assert eq > _pair_mm_by_hand(family, long_leg, short_leg, el, taker)
