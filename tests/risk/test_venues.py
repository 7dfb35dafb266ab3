"""Worked examples of the rule families added in issue 11, from each venue's own help pages.

Every expected figure is either printed on the page named in the test's docstring or evaluated
here from that page's formula (said so where it is); none is read back from the library.
"""

from __future__ import annotations

import math

import pytest

from risk import Account, Position, TierTable, bankruptcy_price, get_venue, liquidation_price
from risk.liquidation import close_fee_in_margin, initial_margin, maintenance_margin
from risk.venues import EXCHANGES, RULES

# --- Bybit, regular account ----------------------------------------------------------------------


@pytest.mark.parametrize("taker", [0.0, 0.00055, 0.00075])
def test_bybit_usdt_isolated_long_20000_50x(taker) -> None:
    """Bybit help "Liquidation Price (USDT Contract)", Example 1: 1 BTC long at 20,000 USDT, 50x,
    MMR 0.5% -> IM 400, MM 100, LP = 20,000 - (400 - 100) = 19,700. The fee to close sits in both
    IM and MM (Bybit "Initial Margin (USDT Contract)"), so it cancels and the price does not move
    with the fee; IM and MM each grow by it: 1 x 20,000 x (1 - 1/50) x taker."""
    venue = get_venue("bybit", mmr=0.005, taker_fee=taker)
    pos = Position("long", 20_000, 1, leverage=50)
    fee = 1 * 20_000 * (1 - 1 / 50) * taker
    assert liquidation_price(pos, venue) == pytest.approx(19_700, abs=1e-9)
    assert initial_margin(pos, venue) == pytest.approx(400 + fee, abs=1e-9)
    assert maintenance_margin(pos, venue, include_trigger_fee=True) == pytest.approx(100 + fee)


@pytest.mark.parametrize(
    ("side", "entry", "lev", "expected"),
    [("long", 10_000, 50, 9_850), ("short", 8_000, 40, 8_160)],
)
def test_bybit_usdt_isolated_old_page_examples(side, entry, lev, expected) -> None:
    """Bybit help "Liquidation Price (USDT Contract)" (help.bybit.com/hc/en-us/articles/
    900000181046): long 1 BTC at 10,000, 50x -> 10,000 x (1 - 2% + 0.5%) = 9,850; short 1 BTC at
    8,000, 40x -> 8,000 x (1 + 2.5% - 0.5%) = 8,160."""
    venue = get_venue("bybit", mmr=0.005, taker_fee=0.00075)
    assert liquidation_price(Position(side, entry, 1, leverage=lev), venue) == pytest.approx(
        expected, abs=1e-9
    )


def test_bybit_usdt_cross_sustainable_loss() -> None:
    """Bybit help "Liquidation Price (USDT Contract)", cross margin, Example 1: 2 BTC long at
    10,000, available balance 2,000 USDT, IM = 2 x 10,000 x 1% = 200, MM = 2 x 10,000 x 0.5% = 100,
    total sustainable loss = 2,000 + 200 - 100 = 2,100, so the price may fall 2,100 / 2 BTC. The
    cross wallet is the available balance plus the position's initial margin (2,200)."""
    venue = get_venue("bybit", mmr=0.005)
    pos = Position("long", 10_000, 2, leverage=100, margin_mode="cross")
    assert liquidation_price(pos, venue, Account(2_200)) == pytest.approx(10_000 - 2_100 / 2)


def test_bybit_inverse_cross_with_the_fee_to_close() -> None:
    """Bybit help "How to calculate Liquidation Price (Inverse Contract)" (help.bybit.com/hc/en-us/
    articles/360039261334), cross: balance 0.5 BTC, long 10,000 contracts at 8,000, MMR 0.5%,
    taker 0.075%: bankruptcy price 1.00075 x 10,000 / (10,000/8,000 + 0.5) = 5,718.57; liquidation
    price 5,739.50 (Bybit shows a long's price rounded up to the 0.5 tick). Without the fee the
    price would be 10,000 / (1.25 + 0.5 - 0.00625) = 5,734.77, 0.08% away."""
    venue = get_venue("bybit", "BTCUSD", mmr=0.005, taker_fee=0.00075)
    pos = Position("long", 8_000, 10_000, leverage=50, contract="inverse", margin_mode="cross")
    acct = Account(0.5)
    assert round(bankruptcy_price(pos, acct, venue), 2) == 5_718.57
    lp = liquidation_price(pos, venue, acct)
    assert math.ceil(lp * 2) / 2 == 5_739.50
    no_fee = liquidation_price(pos, get_venue("bybit", "BTCUSD", mmr=0.005), acct)
    assert no_fee == pytest.approx(10_000 / (1.25 + 0.5 - 0.00625), rel=1e-12)


def test_bybit_fee_to_close_in_initial_margin() -> None:
    """Bybit help "Initial Margin Calculation (USDC Perpetual & Futures)": 0.5 BTC long at 50,000,
    10x, taker 0.055% -> estimated fee to close = 0.5 x 50,000 x (1 - 1/10) x 0.055% = 12.375; a
    short uses (1 + 1/10): 0.5 x 50,000 x 1.1 x 0.055%."""
    venue = get_venue("bybit", mmr=0.005, taker_fee=0.00055)
    long_ = Position("long", 50_000, 0.5, leverage=10)
    short = Position("short", 50_000, 0.5, leverage=10)
    assert close_fee_in_margin(long_, venue) == pytest.approx(12.375, abs=1e-9)
    assert close_fee_in_margin(short, venue) == pytest.approx(0.5 * 50_000 * 1.1 * 0.00055)


# --- Bybit, Unified Trading Account --------------------------------------------------------------


@pytest.mark.parametrize("side", ["long", "short"])
@pytest.mark.parametrize("extra", [0.0, 0.03])
def test_bybit_uta_inverse_isolated_formula(side, extra) -> None:
    """Bybit help "Liquidation Price Calculation under Isolated Mode (Unified Trading Account)",
    inverse: LP(long) = size x (MMR + 1) / [size/EP + size/EP/leverage + extra/(1 + taker) + MM
    deduction]; LP(short) = size x (1 - MMR) / [size/EP - size/EP/leverage - extra/(1 - taker) - MM
    deduction]. Evaluated here for the page's position (60,000 USD of BTCUSD at 50,000, 10x, MMR
    0.5%) with taker 0.055% and extra margin added on top of the leverage's initial margin."""
    size, ep, lev, mmr, f = 60_000, 50_000, 10, 0.005, 0.00055
    venue = get_venue("bybit-uta", "BTCUSD", mmr=mmr, taker_fee=f)
    pos = Position(side, ep, size, leverage=lev, margin=size / ep / lev + extra, contract="inverse")
    if side == "long":
        expected = size * (mmr + 1) / (size / ep + size / ep / lev + extra / (1 + f))
    else:
        expected = size * (1 - mmr) / (size / ep - size / ep / lev - extra / (1 - f))
    assert liquidation_price(pos, venue) == pytest.approx(expected, rel=1e-12)


def test_bybit_uta_1x_long_has_no_liquidation_price() -> None:
    """Unified Trading Account: the maintenance margin is on the position value at the mark, so a
    1x long (margin = notional) loses its margin only at a price of 0: Bybit shows none. The
    regular account's page formula (MM at entry) gives EP x MMR instead."""
    pos = Position("long", 20_000, 1, leverage=1)
    assert math.isnan(liquidation_price(pos, get_venue("bybit-uta", taker_fee=0.00055)))
    regular = liquidation_price(pos, get_venue("bybit", taker_fee=0.00055))
    assert regular == pytest.approx(20_000 * 0.005)


def test_bybit_uta_shares_bybits_tiers() -> None:
    assert (
        get_venue("bybit-uta", "BTCUSDT").table.tiers == get_venue("bybit", "BTCUSDT").table.tiers
    )


# --- OKX and Gate ---------------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["long", "short"])
def test_okx_inverse_isolated_margin_ratio_is_one_at_the_price(side) -> None:
    """OKX "Tiered maintenance margin ratio rules", isolated coin-margined: margin ratio = (margin
    balance + PnL) / (face value x |contracts| / mark x (MMR + fee rate)); liquidation at 100%.
    100 BTC-USD contracts of 100 USD at 40,000, 20x, MMR 0.4%, fee 0.05%."""
    fv, n, ep, lev, mmr, f = 100, 100, 40_000, 20, 0.004, 0.0005
    venue = get_venue("okx", "BTCUSD", mmr=mmr, taker_fee=f)
    pos = Position(side, ep, n, leverage=lev, contract="inverse", contract_size=fv)
    lp = liquidation_price(pos, venue)
    s = 1 if side == "long" else -1
    margin = fv * n / ep / lev
    pnl = s * fv * n * (1 / ep - 1 / lp)
    ratio = (margin + pnl) / (fv * n / lp * (mmr + f))
    assert ratio == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("side", ["long", "short"])
def test_okx_inverse_fee_is_added_to_the_rate_not_multiplied(side) -> None:
    """OKX's contract pages put the liquidation fee BESIDE the maintenance margin: "Tiered
    maintenance margin ratio rules" (margin ratio 100% when "account equity is equal to or less
    than the required maintenance margin plus any applicable liquidation fees") and "Spot and
    futures mode: cross margin trading" (okx.com/help/360054225072: mgnRatio = (balance + PnL ...)
    / (maintenance margin + liquidation fees)), the fee being taker x value at the mark. So an
    isolated coin-margined long is liquidated at S (1 + MMR + fee) / (margin + S/EP), a short at
    S (1 - MMR - fee) / (S/EP - margin). The factor (1 + MMR)(1 + taker) of OKX's "Isolated margin
    mode" page (okx.com/help/iv-isolated-margin-mode) prices spot-margin positions with a
    liability, not contracts; it would move this price by the cross term MMR x taker."""
    fv, n, ep, lev, mmr, f = 100, 500, 40_000, 10, 0.005, 0.0005
    venue = get_venue("okx", "BTCUSD", mmr=mmr, taker_fee=f)
    pos = Position(side, ep, n, leverage=lev, contract="inverse", contract_size=fv)
    size, margin = fv * n, fv * n / ep / lev
    s = 1 if side == "long" else -1
    additive = size * (1 + s * (mmr + f)) / (s * margin + size / ep)
    multiplicative = size * (1 + s * mmr) * (1 + s * f) / (s * margin + size / ep)
    lp = liquidation_price(pos, venue)
    assert lp == pytest.approx(additive, rel=1e-13)
    assert abs(lp - multiplicative) > 1e-3  # the two forms differ by more than a rounding


def test_okx_inverse_cross_margin_ratio_is_one_at_the_price() -> None:
    """OKX "Spot and futures mode: cross margin trading": mgnRatio = (balance + PnL) /
    (maintenance margin + liquidation fees), liquidation at 100%; coin-margined, the maintenance is
    face value x contracts / mark x MMR and the fee face value x contracts / mark x taker. Balance
    0.3 BTC, long 500 BTC-USD contracts of 100 USD at 40,000, MMR 0.5%, taker 0.05%."""
    fv, n, ep, mmr, f, wb = 100, 500, 40_000, 0.005, 0.0005, 0.3
    venue = get_venue("okx", "BTCUSD", mmr=mmr, taker_fee=f)
    pos = Position("long", ep, n, leverage=10, contract="inverse", contract_size=fv,
                   margin_mode="cross")  # fmt: skip
    lp = liquidation_price(pos, venue, Account(wb))
    value = fv * n / lp
    ratio = (wb + fv * n * (1 / ep - 1 / lp)) / (value * mmr + value * f)
    assert ratio == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("side", ["long", "short"])
def test_gate_inverse_formula(side) -> None:
    """Gate help 27724 (as stated by Gate support): inverse liquidation price = position x EP x
    (1 +/- MMR +/- taker) / (position +/- margin x EP), long "+", short "-". 5,000 USD of BTC_USD
    at 30,000 with 0.01 BTC margin, MMR 0.5%, taker 0.075%."""
    size, ep, margin, mmr, f = 5_000, 30_000, 0.01, 0.005, 0.00075
    venue = get_venue("gate", "BTCUSD", mmr=mmr, taker_fee=f)
    pos = Position(side, ep, size, margin=margin, contract="inverse")
    s = 1 if side == "long" else -1
    expected = size * ep * (1 + s * mmr + s * f) / (size + s * margin * ep)
    assert liquidation_price(pos, venue) == pytest.approx(expected, rel=1e-12)


# --- KuCoin, Bitget, Phemex -----------------------------------------------------------------------


def test_kucoin_published_position() -> None:
    """KuCoin "Liquidation Price in Cross Margin Mode" (kucoin.com/support/35084431335065): each
    position is priced by the isolated formula of "How to Calculate Futures Liquidation Price",
    (notional - side x margin) / (size x (1 - side x MMR - side x fee)), with margin = AMR x |mark
    value|, AMR = 22.62%, taker 0.06%: ETH/USDT short 100 contracts x 0.01 at 3,800 (MMR 1%) ->
    4,610.7. (The page's BTC/USDT figure, 47,956, does not follow from its own formula:
    (620 - 620 x 22.62%) / (1 - 0.5% - 0.06%) / 0.01 = 48,245.8.)"""
    venue = get_venue("kucoin", mmr=0.01, taker_fee=0.0006)
    pos = Position("short", 3_800, 100 * 0.01, margin=0.2262 * 3_800)
    assert round(liquidation_price(pos, venue), 1) == 4_610.7


def test_bitget_tiered_maintenance_margin_with_fee() -> None:
    """Bitget "Bitget to update maintenance margin calculation for classic account futures": 3 BTC
    at mark 110,000 = 330,000 USDT; tier 1 (0-200,000) 0.40%, tier 2 0.50%, fee 0.06%: MM =
    200,000 x 0.46% + 130,000 x 0.56% = 1,648 USDT."""
    table = TierTable.from_records(
        "bitget BTCUSDT (page example)",
        [
            {"floor": 0, "cap": 200_000, "mmr": 0.004, "maintenance_amount": 0,
             "max_leverage": 125},
            {"floor": 200_000, "cap": None, "mmr": 0.005, "maintenance_amount": 200,
             "max_leverage": 100},
        ],
        source="Bitget support article 12560603841952",
        as_of="2025-11",
    )  # fmt: skip
    venue = get_venue("bitget", table=table, taker_fee=0.0006)
    pos = Position("long", 110_000, 3, leverage=10)
    assert maintenance_margin(pos, venue, include_trigger_fee=True) == pytest.approx(1_648)


@pytest.mark.parametrize("side", ["long", "short"])
def test_bitget_isolated_formula(side) -> None:
    """Bitget "Bitget futures: Estimated liquidation price": (position margin - size x EP x
    direction) / (size x (MMR + taker - direction)). 0.2 BTC at 60,000 with 1,500 USDT margin, MMR
    0.4%, taker 0.06%."""
    q, ep, m, mmr, f = 0.2, 60_000, 1_500, 0.004, 0.0006
    s = 1 if side == "long" else -1
    pos = Position(side, ep, q, margin=m)
    lp = liquidation_price(pos, get_venue("bitget", mmr=mmr, taker_fee=f))
    assert lp == pytest.approx((m - q * ep * s) / (q * (mmr + f - s)), rel=1e-12)


def test_phemex_published_example() -> None:
    """Phemex "Liquidation price for USDT-M perpetual contracts" (phemex.com/help-center/
    liq-price-for-USDTM): 500 contracts at 0.4 (OpenValue 200), 5x, MMR 1%, taker 0.06%:
    assignedPosBalance = 200/5 + (200 - 200/5) x 0.06% = 40.096; long liquidation price
    (200 - 40.096 - 0) / (0.9994 - 0.01) / 500 = 0.3232..."""
    venue = get_venue("phemex", mmr=0.01, taker_fee=0.0006)
    pos = Position("long", 0.4, 500, leverage=5)
    assert initial_margin(pos, venue) == pytest.approx(40.096, abs=1e-12)
    lp = liquidation_price(pos, venue)
    assert lp == pytest.approx((200 - 40.096) / (0.9994 - 0.01) / 500, rel=1e-12)
    assert f"{lp:.4f}" == "0.3232"


def test_phemex_short_formula() -> None:
    """Same page, short: (OpenValue + assignedPosBalance + mmAmount) / (1.0006 + MMR) / size, with
    the close fee on the short's bankruptcy value 200 + 200/5."""
    venue = get_venue("phemex", mmr=0.01, taker_fee=0.0006)
    lp = liquidation_price(Position("short", 0.4, 500, leverage=5), venue)
    balance = 200 / 5 + (200 + 200 / 5) * 0.0006
    assert lp == pytest.approx((200 + balance) / (1.0006 + 0.01) / 500, rel=1e-12)


# --- the families as data -------------------------------------------------------------------------


def test_every_family_names_its_source_and_label() -> None:
    for name in EXCHANGES:
        rules = RULES[name]
        assert rules.name == name and rules.label and rules.source
    for name in ("bybit", "bybit-uta", "okx", "gate", "kucoin", "bitget", "phemex"):
        assert RULES[name].fee_in_trigger
