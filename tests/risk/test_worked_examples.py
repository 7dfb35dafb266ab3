"""Every worked example of docs/formulas.md sections 1-6, to the decimals given.

Each case cites its source; the expected figures are the published ones, not outputs of this code.
"""

from __future__ import annotations

import math

import pytest

from risk import Account, Position, bankruptcy_price, get_venue, liquidation_price
from risk.liquidation import maintenance_margin
from risk.margin import close_fee, open_fee, order_cost
from risk.sizing import stop_respects_buffer
from risk.tiers import shipped_table

# --- section 1: Binance USDⓈ-M -------------------------------------------------------------------


def test_binance_level3_maintenance_amount() -> None:
    # Binance FAQ: level 3 = 250,000 x (1% - 0.5%) + 50 = 1,300 (an older bracket layout; the
    # recurrence is what is checked here on the published numbers).
    assert 250_000 * (0.01 - 0.005) + 50 == pytest.approx(1_300)


@pytest.mark.parametrize(
    ("symbol", "tier", "floor", "mmr", "cum", "max_lev"),
    [
        ("BTCUSDT", 1, 0, 0.004, 0, 150),
        ("BTCUSDT", 2, 300_000, 0.005, 300, 100),
        ("BTCUSDT", 3, 800_000, 0.0065, 1_500, 75),
        ("BTCUSDT", 6, 70_000_000, 0.025, 482_000, 20),
        ("BTCUSDT", 12, 1_200_000_000, 0.50, 421_482_000, 1),
        ("ETHUSDT", 2, 300_000, 0.005, 300, 100),
        ("ETHUSDT", 6, 50_000_000, 0.025, 382_000, 20),
        ("ETHUSDT", 12, 800_000_000, 0.50, 280_507_000, 1),
        ("SOLUSDT", 2, 50_000, 0.0065, 75, 75),
    ],
)
def test_shipped_binance_brackets(symbol, tier, floor, mmr, cum, max_lev) -> None:
    # docs/formulas.md section 1 table (Binance leverage-bracket API via ccxt, 2026-03-05).
    t = shipped_table("binance", symbol).tiers[tier - 1]
    assert (t.floor, t.mmr, t.maintenance_amount, t.max_leverage) == (floor, mmr, cum, max_lev)


@pytest.mark.parametrize(
    ("symbol", "qty", "entry", "mmr", "cum", "expected"),
    [
        # Binance's own published examples, WB 1,535,443.01 (docs/formulas.md section 1/6).
        ("BTCUSDT", 109.488, 32_481.98, 0.025, 16_300, 18_778.73),
        ("ETHUSDT", 3_683.979, 1_456.84, 0.10, 135_365, 1_114.78),
    ],
)
@pytest.mark.parametrize("mode", ["isolated", "cross"])
def test_binance_published_examples(symbol, qty, entry, mmr, cum, expected, mode) -> None:
    wb = 1_535_443.01
    venue = get_venue("binance", symbol, mmr=mmr, maintenance_amount=cum)
    pos = Position("long", entry, qty, margin=wb, margin_mode=mode)
    acct = Account(wb) if mode == "cross" else None
    assert round(liquidation_price(pos, venue, acct), 2) == expected


def test_binance_cross_other_positions_shift_the_price() -> None:
    # Same example with another cross position holding TMM1 = 10,000 and UPNL1 = -5,000: by the
    # FAQ formula the numerator loses 15,000, so the LP rises by 15,000 / (Q * (1 - MMR)).
    wb, q, ep = 1_535_443.01, 109.488, 32_481.98
    venue = get_venue("binance", mmr=0.025, maintenance_amount=16_300)
    pos = Position("long", ep, q, margin=wb, margin_mode="cross")
    base = liquidation_price(pos, venue, Account(wb))
    others = Account(wb, other_maintenance=10_000, other_upnl=-5_000)
    shifted = liquidation_price(pos, venue, others)
    assert shifted - base == pytest.approx(15_000 / (q * (1 - 0.025)), rel=1e-12)


# --- section 2: Binance COIN-M -------------------------------------------------------------------


def test_binance_coin_m_maintenance_margin() -> None:
    # 100 BTCUSD contracts (100 USD each) at mark 25,000 -> notional 0.4 BTC, MM = 0.0016 BTC.
    venue = get_venue("binance", "BTCUSD", mmr=0.004)
    pos = Position("long", 25_000, 100, leverage=20, contract="inverse", contract_size=100)
    assert pos.notional == pytest.approx(0.4, abs=1e-15)
    assert maintenance_margin(pos, venue) == pytest.approx(0.0016, abs=1e-15)


# --- section 3: Bybit ----------------------------------------------------------------------------


def test_bybit_long_20000_50x() -> None:
    # 1 BTC long at 20,000, 50x, MMR 0.5% -> IM 400, MM 100, LP 19,700.
    venue = get_venue("bybit", mmr=0.005)
    pos = Position("long", 20_000, 1, leverage=50)
    assert pos.initial_margin == pytest.approx(400)
    assert maintenance_margin(pos, venue) == pytest.approx(100)
    assert liquidation_price(pos, venue) == pytest.approx(19_700, abs=1e-9)


def test_bybit_bankruptcy_fees_order_cost() -> None:
    # 1 BTC long at 10,000, 50x -> bankruptcy 9,800; taker 0.075%: open fee 7.5, close fee 7.35,
    # order cost 214.85.
    pos = Position("long", 10_000, 1, leverage=50)
    assert bankruptcy_price(pos) == pytest.approx(9_800)
    assert round(open_fee(pos, 0.00075), 2) == 7.5
    assert round(close_fee(pos, 0.00075), 2) == 7.35
    assert round(order_cost(pos, 0.00075), 2) == 214.85


def test_bybit_inverse_formulas() -> None:
    # Inverse isolated: LP(long) = contracts / (PV + IM - MM), LP(short) = contracts / (PV - IM +
    # MM), PV = contracts/EP, IM = PV/leverage, MM = PV*MMR. 10,000 USD contracts at 20,000, 20x,
    # MMR 0.5%: PV = 0.5, IM = 0.025, MM = 0.0025.
    venue = get_venue("bybit", "BTCUSD", mmr=0.005)
    kw = {"leverage": 20, "contract": "inverse", "contract_size": 1.0}
    long_ = liquidation_price(Position("long", 20_000, 10_000, **kw), venue)
    short = liquidation_price(Position("short", 20_000, 10_000, **kw), venue)
    assert long_ == pytest.approx(10_000 / (0.5 + 0.025 - 0.0025), rel=1e-12)
    assert short == pytest.approx(10_000 / (0.5 - 0.025 + 0.0025), rel=1e-12)


# --- section 5: Hyperliquid ----------------------------------------------------------------------

HYPERLIQUID_POSITIONS = [
    # asset, max leverage, side, entry, size, isolated margin, liquidation price (Hyperliquid API)
    ("SOL", 20, "long", 145.83, 0.33, 24.045107, 74.83696193),
    ("SOL", 20, "short", 163.11, 0.48, 15.650731, 190.94213618),
    ("DOGE", 20, "long", 0.13284, 360.0, 15.943218, 0.09082388),
    ("AAPL", 10, "long", 250.0, 0.5, 25.0, 210.5263157894737),
    ("GOOGL", 10, "short", 190.0, 0.5, 9.5, 199.04761904761904),
]


@pytest.mark.parametrize(
    ("asset", "max_lev", "side", "ep", "size", "margin", "expected"), HYPERLIQUID_POSITIONS
)
def test_hyperliquid_api_positions(asset, max_lev, side, ep, size, margin, expected) -> None:
    venue = get_venue("hyperliquid", asset, max_leverage=max_lev)
    lp = liquidation_price(Position(side, ep, size, margin=margin), venue)
    # The API rounds the isolated margin to 1e-6; dLP/dM = 1/(size*(1 - l*side)), so the published
    # price is only determined to half a unit of the margin's last digit times that slope. The
    # decimals given are met within that propagated rounding (plus the price's own last digit).
    l_rate = 1 / (2 * max_lev)
    sign = 1 if side == "long" else -1
    margin_digits = 1e-6 if margin != round(margin, 1) else 0.0
    tol = 0.5 * margin_digits / (size * (1 - l_rate * sign)) + 0.5 * 10 ** -(
        len(repr(expected).split(".")[1])
    )
    assert abs(lp - expected) <= tol * (1 + 1e-9)


def test_hyperliquid_shipped_tiers() -> None:
    # BTC 0-150M 40x then 20x; ETH 0-100M 25x then 15x; SOL 0-70M 20x then 10x; mmr = 1/(2*lev).
    for asset, split, lev1, lev2 in [
        ("BTC", 150e6, 40, 20),
        ("ETH", 100e6, 25, 15),
        ("SOL", 70e6, 20, 10),
    ]:
        t1, t2 = shipped_table("hyperliquid", asset).tiers
        assert (t1.max_leverage, t2.max_leverage, t2.floor) == (lev1, lev2, split)
        assert t1.mmr == pytest.approx(1 / (2 * lev1)) and t2.mmr == pytest.approx(1 / (2 * lev2))


def test_hyperliquid_symbol_aliases() -> None:
    a = get_venue("hyperliquid", "BTCUSDT").table
    b = get_venue("hyperliquid", "BTC").table
    assert a.tiers == b.tiers


# --- section 6: generic table (MMR 0.01, cum 0.01, taker 0.0006, EP 10) --------------------------

GENERIC = [
    ("binance", "short", 5, 10, 1.0, 11.89108910891089),
    ("binance", "short", 5, 8, 1.0, 9.514851485148514),
    ("binance", "short", 5, 10, 0.6, 11.897689768976898),
    ("binance", "long", 5, 10, 1.0, 8.070707070707071),
    ("binance", "long", 3, 10, 1.0, 6.723905723905723),
    ("binance", "long", 5, 10, 0.6, 8.063973063973064),
    ("gate", "short", 5, 10, 1.0, 11.87413417771621),
    ("gate", "short", 3, 10, 1.0, 13.193482419684678),
    ("gate", "long", 5, 10, 1.0, 8.085708510208207),
    ("gate", "long", 3, 10, 1.0, 6.738090425173506),
    ("okx", "short", 5, 10, 1.0, 11.87413417771621),
    ("okx", "long", 3, 10, 1.0, 6.738090425173506),
    ("bybit", "long", 10, 10, 1.0, 9.1),
    ("bybit", "short", 5, 10, 1.0, 11.9),
]


@pytest.mark.parametrize(("family", "side", "lev", "ep", "qty", "expected"), GENERIC)
def test_generic_table(family, side, lev, ep, qty, expected) -> None:
    if family == "binance":
        venue = get_venue("binance", mmr=0.01, maintenance_amount=0.01)
    elif family == "bybit":
        venue = get_venue("bybit", mmr=0.01)  # "MMR 0.01, no cum"
    else:
        venue = get_venue(family, mmr=0.01, taker_fee=0.0006)
    lp = liquidation_price(Position(side, ep, qty, leverage=lev), venue)
    assert lp == pytest.approx(expected, rel=1e-14, abs=1e-13)


def test_generic_family_equals_binance_form() -> None:
    # "generic (the user types the MMR)": the Binance trigger with the typed rate.
    a = liquidation_price(
        Position("short", 10, 1, leverage=5),
        get_venue("generic", mmr=0.01, maintenance_amount=0.01),
    )
    assert a == pytest.approx(11.89108910891089, rel=1e-14)


def test_stop_buffer_convention() -> None:
    # freqtrade: entry 10, LP 8, buffer 0.05 -> the stop must be above 8.1.
    assert stop_respects_buffer("long", 10, 8.1001, 8.0, 0.05)
    assert not stop_respects_buffer("long", 10, 8.0999, 8.0, 0.05)


def test_beginner_case_from_users_md() -> None:
    # users.md: 500 USDT at 10x controls 5,000 and is closed after exactly 9.6% on Binance's first
    # BTC tier (0.4% MMR): distance = (1/10 - 0.004)/(1 - 0.004) = 9.6386%.
    pos = Position("long", 50_000, 0.1, leverage=10)
    lp = liquidation_price(pos, get_venue("binance"))
    assert round((50_000 - lp) / 50_000 * 100, 1) == 9.6
    assert (50_000 - lp) / 50_000 == pytest.approx((0.1 - 0.004) / (1 - 0.004), rel=1e-12)


@pytest.mark.parametrize(("lev", "approx_pct"), [(10, 9.6), (50, 1.6), (125, 0.4)])
def test_teaching_distances(lev, approx_pct) -> None:
    # users.md teaching facts: at 10x about 9.6%, at 50x about 1.6%, at 125x about 0.4%.
    pos = Position("long", 60_000, 0.05, leverage=lev)
    lp = liquidation_price(pos, get_venue("binance"))
    assert math.isclose((60_000 - lp) / 60_000 * 100, approx_pct, abs_tol=0.05)
