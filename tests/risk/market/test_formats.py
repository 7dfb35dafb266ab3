"""risk.market.formats: every tier-table format in the wild, each on a recorded sample.

The fixtures (tests/risk/market/fixtures, sources in each file's ``_source`` or the README there)
are the exchanges' documented example responses or recorded real data. Every expected figure is
typed in here from the exchange's page or derived by hand (recurrence, contract conversion,
liquidation formula), never read back from the loader.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from risk import Position, get_venue, liquidation_price
from risk.cli import main as cli_main
from risk.market import FORMATS, detect_format, parse_tiers
from risk.tiers import BASE_UNIT, COIN_UNIT, load_table_file, shipped_table

FIX = Path(__file__).parent / "fixtures"


def load(name: str):
    return json.loads((FIX / name).read_text(encoding="utf-8"))


def rows(table) -> list[tuple]:
    return [(t.floor, t.cap, t.mmr, t.maintenance_amount, t.max_leverage) for t in table.tiers]


# Binance BTCUSDT 2026-03-05, first three brackets, typed from docs/formulas.md section 1.
BTC_HEAD = [
    (0.0, 300_000.0, 0.004, 0.0, 150.0),
    (300_000.0, 800_000.0, 0.005, 300.0, 100.0),
    (800_000.0, 3_000_000.0, 0.0065, 1_500.0, 75.0),
]

FIXTURES = {
    "binance_fapi_v1_leverageBracket.json": "binance_usdm",
    "binance_fapi_v1_leverageBracket_symbol_doc_example.json": "binance_usdm",
    "binance_dapi_v1_leverageBracket_doc_example.json": "binance_coinm",
    "binance_dapi_v2_leverageBracket_doc_example.json": "binance_coinm",
    "ccxt_fetch_leverage_tiers_binance.json": "ccxt",
    "ccxt_fetch_market_leverage_tiers_SOL.json": "ccxt_list",
    "bybit_v5_risk_limit_BTCUSDT.json": "bybit",
    "bybit_v5_risk_limit_doc_example.json": "bybit",
    "okx_position_tiers_ETH-USDT-SWAP.json": "okx",
    "okx_position_tiers_doc_example.json": "okx",
    "gate_futures_contract_BTC_USDT_doc_example.json": "gate_contract",
    "gate_risk_limit_table_doc_example.json": "gate_tiers",
    "hyperliquid_meta_doc_example.json": "hyperliquid",
    "hyperliquid_meta_mainnet_BTC.json": "hyperliquid",
}


@pytest.mark.parametrize(("name", "fmt"), sorted(FIXTURES.items()))
def test_detect_format_of_every_fixture(name, fmt) -> None:
    assert detect_format(load(name)) == fmt


def test_every_format_has_a_fixture_and_every_fixture_a_source() -> None:
    assert set(FIXTURES.values()) | {"project"} == set(FORMATS)
    readme = (FIX / "README.md").read_text(encoding="utf-8")
    for f in sorted(FIX.iterdir()):
        if f.suffix == ".json":
            data = json.loads(f.read_text(encoding="utf-8"))
            # "_source" (the loader ignores it) or "source" (the fake exchange's replay files)
            note = data.get("_source") or data.get("source") if isinstance(data, dict) else ""
            named = len(str(note or "")) > 40
            assert named or f.name in readme, f.name
        elif f.name != "README.md":
            assert f.name in readme, f.name


# --- Binance -------------------------------------------------------------------------------------


def test_binance_usdm_bracket_list() -> None:
    tables = parse_tiers(load("binance_fapi_v1_leverageBracket.json"))
    assert set(tables) == {"BTCUSDT", "ETHUSDT", "1000BONKUSDC"}
    btc = tables["BTCUSDT"]
    assert rows(btc)[:3] == BTC_HEAD
    assert (btc.boundary, btc.notional_unit, btc.basis) == ("floor", "USDT", "notional")
    assert tables["1000BONKUSDC"].notional_unit == "USDC"
    # same recording as the shipped snapshot: the same tiers
    assert rows(btc) == rows(shipped_table("binance", "BTCUSDT"))
    assert int(btc.index(300_000.0)) == 1  # a bracket's floor is inside it


def test_binance_usdm_documented_single_symbol_example() -> None:
    tables = parse_tiers(load("binance_fapi_v1_leverageBracket_symbol_doc_example.json"))
    eth = tables["ETHUSDT"]
    assert rows(eth) == [(0.0, 10_000.0, 0.0065, 0.0, 75.0)]
    assert "Notional-and-Leverage-Brackets" in eth.source
    with pytest.raises(ValueError, match=r"allowed: 0 <= notional < 10,000"):
        eth.index(10_000.0)


@pytest.mark.parametrize(
    "name",
    [
        "binance_dapi_v1_leverageBracket_doc_example.json",
        "binance_dapi_v2_leverageBracket_doc_example.json",
    ],
)
def test_binance_coinm_brackets_are_in_coin(name) -> None:
    # Binance's example spells the floor "qtylFloor"; the pair BTCUSD (v1) and the symbol
    # BTCUSD_PERP (v2) are both the app's BTCUSD.
    table = parse_tiers(load(name))["BTCUSD"]
    assert rows(table) == [(0.0, 50.0, 0.004, 0.0, 125.0)]
    assert table.notional_unit == COIN_UNIT
    # COIN-M FAQ worked example (docs/formulas.md section 2): 100 BTCUSD contracts of 100 USD at
    # 25,000, 20x: notional 0.4 BTC (tier 1), WB = 0.02 BTC;
    # LP = S (mmr + 1)/(WB + cum + S/EP) = 10,000 x 1.004 / 0.42 = 23,904.76.
    pos = Position("long", 25_000, 100, leverage=20, contract="inverse", contract_size=100)
    lp = liquidation_price(pos, get_venue("binance", "BTCUSD", table=table))
    assert lp == pytest.approx(10_040 / 0.42, rel=1e-12)
    assert lp == pytest.approx(23_904.76, abs=0.005)


# --- ccxt ----------------------------------------------------------------------------------------


def test_ccxt_fetch_leverage_tiers_dict() -> None:
    data = load("ccxt_fetch_leverage_tiers_binance.json")
    tables = parse_tiers(data)
    assert set(tables) == {"BTCUSDT", "ETHUSDT"}
    # amounts come from info.cum; the unified tiers have none
    assert rows(tables["BTCUSDT"])[:3] == BTC_HEAD
    assert tables["ETHUSDT"].tiers[-1].maintenance_amount == 280_507_000
    assert tables["BTCUSDT"].as_of == "2026-03-05"
    # one symbol, in either notation
    assert set(parse_tiers(data, symbol="BTC/USDT:USDT")) == {"BTCUSDT"}
    assert set(parse_tiers(data, symbol="ETHUSDT")) == {"ETHUSDT"}


def test_ccxt_amounts_follow_the_recurrence_when_info_has_none() -> None:
    data = load("ccxt_fetch_leverage_tiers_binance.json")
    for t in data["BTC/USDT:USDT"]:
        t["info"] = {}
    got = rows(parse_tiers(data, symbol="BTCUSDT")["BTCUSDT"])
    # 300,000 x 0.001 = 300; 300 + 800,000 x 0.0015 = 1,500; 1,500 + 3M x 0.0035 = 12,000
    assert [r[3] for r in got[:4]] == pytest.approx([0, 300, 1_500, 12_000], abs=1e-6)


def test_ccxt_fetch_market_leverage_tiers_list() -> None:
    data = load("ccxt_fetch_market_leverage_tiers_SOL.json")
    sol = parse_tiers(data)["SOLUSDT"]
    # Binance SOLUSDT 2026-03-05: tier 2 50,000-400,000 at 0.65%, cum 75 (= 50,000 x 0.0015), 75x
    assert rows(sol)[1] == (50_000.0, 400_000.0, 0.0065, 75.0, 75.0)
    # a list without symbols is named by the symbol asked for
    for t in data:
        del t["symbol"]
    assert set(parse_tiers(data, symbol="SOLUSDT")) == {"SOLUSDT"}
    assert set(parse_tiers(data)) == {"table"}


# --- Bybit ---------------------------------------------------------------------------------------


def test_bybit_v5_risk_limit_btcusdt() -> None:
    btc = parse_tiers(load("bybit_v5_risk_limit_BTCUSDT.json"))["BTCUSDT"]
    assert len(btc.tiers) == 20 and btc.boundary == "cap" and btc.notional_unit == "USDT"
    # Bybit 'Margin Parameters': <= 2,000,000 at 0.5% and 100x; <= 2,600,000 at 0.56%, deduction
    # 1,200 (= 2,000,000 x 0.0006), 90x; last <= 80,000,000 at 4.5%, deduction 1,482,000, 14x
    assert rows(btc)[:2] == [
        (0.0, 2_000_000.0, 0.005, 0.0, 100.0),
        (2_000_000.0, 2_600_000.0, 0.0056, 1_200.0, 90.0),
    ]
    assert rows(btc)[-1] == (75_000_000.0, 80_000_000.0, 0.045, 1_482_000.0, 14.0)
    assert int(btc.index(2_000_000.0)) == 0 and int(btc.index(2_000_000.01)) == 1
    assert rows(btc) == rows(shipped_table("bybit", "BTCUSDT"))
    assert btc.as_of == "2025/2026"


def test_bybit_documented_example_in_percent() -> None:
    # The docs' example writes 0.5 (%) and 1 (%) at 100x: maxLeverage x initialMargin = 100.
    btc = parse_tiers(load("bybit_v5_risk_limit_doc_example.json"))["BTCUSD"]
    assert rows(btc) == [(0.0, 150.0, 0.005, 0.0, 100.0)]
    assert btc.notional_unit == COIN_UNIT and btc.boundary == "cap"
    assert float(btc.maintenance_margin(150.0)) == pytest.approx(0.75)  # 150 BTC x 0.5%


def test_bybit_rates_neither_fraction_nor_percent_are_refused() -> None:
    data = load("bybit_v5_risk_limit_doc_example.json")
    data["result"]["list"][0]["initialMargin"] = "0.5"  # 100x with a 50% initial margin
    with pytest.raises(ValueError, match=r"initialMargin=0.5 with maxLeverage=100 .*allowed"):
        parse_tiers(data)


# --- OKX -----------------------------------------------------------------------------------------


def test_okx_swap_tiers_count_contracts() -> None:
    data = load("okx_position_tiers_ETH-USDT-SWAP.json")
    with pytest.raises(ValueError, match=r"contract_size=None .*count contracts.*ctVal"):
        parse_tiers(data)
    eth = parse_tiers(data, contract_size=0.1)["ETHUSDT"]
    # 0-2,000 / 2,001-4,000 / 4,001-8,000 contracts of 0.1 ETH: 200 / 400 / 800 ETH
    assert rows(eth) == [
        (0.0, 200.0, 0.01, 0.0, 75.0),
        (200.0, 400.0, 0.015, 0.0, 50.0),
        (400.0, 800.0, 0.02, 0.0, 20.0),
    ]
    assert (eth.basis, eth.notional_unit, eth.boundary) == ("size", BASE_UNIT, "cap")
    # 2,000 contracts (200 ETH) are tier 1, 2,001 contracts (200.1 ETH) tier 2
    assert int(eth.index(200.0)) == 0 and int(eth.index(200.1)) == 1


def test_okx_liquidation_uses_the_tier_of_the_size() -> None:
    eth = parse_tiers(load("okx_position_tiers_ETH-USDT-SWAP.json"), contract_size=0.1)["ETHUSDT"]
    venue = get_venue("okx", "ETHUSDT", table=eth, taker_fee=0.0005)
    # Long 300 ETH (3,000 contracts: tier 2, 1.5%, 50x at most) at 3,000, 10x: WB = 90,000.
    # OKX/Gate (docs/formulas.md section 4): LP = (EP - WB/Q)/(1 - (mmr + taker))
    # = (3,000 - 300)/(1 - 0.0155) = 2,742.51; the tier is that of the size at every price.
    lp = liquidation_price(Position("long", 3_000, 300, leverage=10), venue)
    assert lp == pytest.approx(2_700 / 0.9845, rel=1e-12)
    assert lp == pytest.approx(2_742.51, abs=0.005)
    with pytest.raises(ValueError, match=r"leverage=60 .*allowed: 1 <= leverage <= 50"):
        liquidation_price(Position("long", 3_000, 300, leverage=60), venue)
    with pytest.raises(ValueError, match=r"contract='inverse'"):
        liquidation_price(
            Position("long", 3_000, 300, leverage=2, contract="inverse"),
            get_venue("binance", table=eth),
        )


def test_okx_documented_margin_example_is_in_coin() -> None:
    btc = parse_tiers(load("okx_position_tiers_doc_example.json"))["BTCUSDT"]
    assert rows(btc) == [(0.0, 50.0, 0.03, 0.0, 10.0)]
    assert btc.basis == "size"


def test_okx_inverse_family_is_refused() -> None:
    data = load("okx_position_tiers_ETH-USDT-SWAP.json")
    for t in data["data"]:
        t["uly"] = "ETH-USD"
    with pytest.raises(ValueError, match=r"instFamily='ETH-USD' is an inverse"):
        parse_tiers(data, contract_size=10)


# --- Gate ----------------------------------------------------------------------------------------


def test_gate_contract_risk_limit_steps() -> None:
    btc = parse_tiers(load("gate_futures_contract_BTC_USDT_doc_example.json"))["BTCUSDT"]
    # base 1,000,000, step 1,000,000, max 8,000,000: 8 tiers; tier k: k x 0.5%, 100/k x.
    # Deductions by the recurrence: 1M x 0.5% = 5,000; + 2M x 0.5% = 15,000; ... tier 8:
    # 0.005 x 1M x (1 + 2 + ... + 7) = 140,000.
    assert len(btc.tiers) == 8 and btc.boundary == "cap" and btc.notional_unit == "USDT"
    assert [t.cap for t in btc.tiers] == [k * 1e6 for k in range(1, 9)]
    assert [t.mmr for t in btc.tiers] == pytest.approx([0.005 * k for k in range(1, 9)])
    assert [t.max_leverage for t in btc.tiers] == pytest.approx([100 / k for k in range(1, 9)])
    assert [t.maintenance_amount for t in btc.tiers][:3] == pytest.approx([0, 5_000, 15_000])
    assert btc.tiers[-1].maintenance_amount == pytest.approx(140_000)
    # Long 10 BTC at 100,000 = 1,000,000: exactly the base risk limit, tier 1 (value <= limit).
    # Gate (docs/formulas.md section 4): LP = (EP - WB/Q)/(1 - (mmr + taker)), 50x, taker
    # 0.075%: (100,000 - 2,000)/(1 - 0.00575) = 98,566.76 (notional 985,668: tier 1).
    venue = get_venue("gate", "BTCUSDT", table=btc, taker_fee=0.00075)
    lp = liquidation_price(Position("long", 100_000, 10, leverage=50), venue)
    assert lp == pytest.approx(98_000 / 0.99425, rel=1e-12)


def test_gate_risk_limit_table_documented_example() -> None:
    data = load("gate_risk_limit_table_doc_example.json")
    table = parse_tiers(data, symbol="BTC_USDT")["BTCUSDT"]
    # Gate's published deductions, which follow the recurrence with floor = previous limit:
    # 10,000 x (0.02 - 0.015) = 50; 50 + 30,000 x 0.01 = 350; ... 48,000 + 200,000 x 0.5 = 148,000
    assert [t.maintenance_amount for t in table.tiers] == [
        0, 50, 350, 850, 4_000, 25_500, 48_000, 148_000,
    ]  # fmt: skip
    assert rows(table)[1] == (10_000.0, 30_000.0, 0.02, 50.0, 30.0)
    assert rows(table)[-1] == (200_000.0, 300_000.0, 0.95, 148_000.0, 1.0)
    assert table.boundary == "cap" and int(table.index(10_000.0)) == 0
    assert set(parse_tiers(data)) == {"table"}


def test_gate_deduction_that_breaks_the_recurrence_is_refused() -> None:
    data = load("gate_risk_limit_table_doc_example.json")
    data[2]["deduction"] = "400"
    with pytest.raises(ValueError, match=r"tier 3 maintenance_amount .*=400.00 .*allowed: 350"):
        parse_tiers(data)


# --- Hyperliquid ---------------------------------------------------------------------------------


def test_hyperliquid_documented_meta() -> None:
    tables = parse_tiers(load("hyperliquid_meta_doc_example.json"))
    # LOOM is delisted; BTC/ETH name no table: one tier at their maxLeverage (mmr = 1/(2 x 50))
    assert set(tables) == {"BTC", "ETH", "HPOS"}
    assert rows(tables["BTC"]) == [(0.0, math.inf, 0.01, 0.0, 50.0)]
    assert tables["HPOS"].tiers[0].mmr == pytest.approx(1 / 6)
    assert tables["BTC"].notional_unit == "USDC"


def test_hyperliquid_margin_table_and_small_ids() -> None:
    tables = parse_tiers(load("hyperliquid_meta_mainnet_BTC.json"))
    # 'tiered 40x': 40x from 0, 20x from 150M; mmr 1.25% / 2.5%; deduction 150M x 1.25% = 1,875,000
    assert rows(tables["BTC"]) == [
        (0.0, 150_000_000.0, 0.0125, 0.0, 40.0),
        (150_000_000.0, math.inf, 0.025, 1_875_000.0, 20.0),
    ]
    assert rows(tables["BTC"]) == rows(shipped_table("hyperliquid", "BTC"))
    assert tables["BTC"].boundary == "floor"  # a tier starts at its lower bound
    assert rows(tables["HPOS"]) == [(0.0, math.inf, 1 / 6, 0.0, 3.0)]  # table id 3 < 50: 3x
    # metaAndAssetCtxs wraps meta in a list with the asset contexts
    both = parse_tiers([load("hyperliquid_meta_mainnet_BTC.json"), [{}, {}]], symbol="BTC")
    assert rows(both["BTC"]) == rows(tables["BTC"])


# --- files, the CLI, errors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "symbol", "first"),
    [
        ("binance_fapi_v1_leverageBracket.json", "BTCUSDT", (0.0, 300_000.0, 0.004, 0.0, 150.0)),
        ("ccxt_fetch_leverage_tiers_binance.json", "BTC/USDT:USDT", BTC_HEAD[0]),
        (
            "ccxt_fetch_market_leverage_tiers_SOL.json",
            "SOLUSDT",
            (0.0, 50_000.0, 0.005, 0.0, 100.0),
        ),
        ("bybit_v5_risk_limit_BTCUSDT.json", "BTCUSDT", (0.0, 2e6, 0.005, 0.0, 100.0)),
        ("gate_futures_contract_BTC_USDT_doc_example.json", None, (0.0, 1e6, 0.005, 0.0, 100.0)),
        ("gate_risk_limit_table_doc_example.json", "BTCUSDT", (0.0, 1e4, 0.015, 0.0, 40.0)),
        ("hyperliquid_meta_mainnet_BTC.json", "BTC", (0.0, 1.5e8, 0.0125, 0.0, 40.0)),
        ("project_tiers.csv", "BTCUSDT", BTC_HEAD[0]),
    ],
)
def test_load_table_file_accepts_every_format(name, symbol, first) -> None:
    table = load_table_file(str(FIX / name), symbol)
    assert rows(table)[0] == first


def test_load_table_file_okx_with_contract_size() -> None:
    table = load_table_file(str(FIX / "okx_position_tiers_ETH-USDT-SWAP.json"), contract_size=0.1)
    assert table.tiers[0].cap == 200.0
    with pytest.raises(ValueError, match=r"okx_position_tiers_ETH-USDT-SWAP.json.*contract_size"):
        load_table_file(str(FIX / "okx_position_tiers_ETH-USDT-SWAP.json"))


def test_project_csv_last_cap_is_open() -> None:
    table = load_table_file(str(FIX / "project_tiers.csv"), "BTCUSDT")
    assert rows(table) == [*BTC_HEAD[:2], (800_000.0, math.inf, 0.0065, 1_500.0, 75.0)]


def test_a_file_with_several_symbols_needs_one(tmp_path) -> None:
    with pytest.raises(ValueError, match=r"symbol=None does not pick one table .*BTCUSDT, ETHUSDT"):
        load_table_file(str(FIX / "binance_fapi_v1_leverageBracket.json"))
    with pytest.raises(ValueError, match=r"symbol='XRPUSDT' is not in the binance_usdm data"):
        load_table_file(str(FIX / "binance_fapi_v1_leverageBracket.json"), "XRPUSDT")


def test_unknown_format_lists_the_allowed_ones(tmp_path) -> None:
    path = tmp_path / "weird.json"
    path.write_text(json.dumps({"hello": [1, 2]}), encoding="utf-8")
    with pytest.raises(ValueError) as exc:
        load_table_file(str(path), "BTCUSDT")
    msg = str(exc.value)
    assert "weird.json" in msg and "no known tier-table format" in msg
    assert "Bybit v5 GET /v5/market/risk-limit" in msg and "ccxt fetch_leverage_tiers" in msg


def test_a_non_numeric_field_is_named() -> None:
    data = load("binance_fapi_v1_leverageBracket.json")
    data[0]["brackets"][1]["maintMarginRatio"] = "half"
    with pytest.raises(
        ValueError, match=r"brackets\[2\] of BTCUSDT.maintMarginRatio='half' is not a number"
    ):
        parse_tiers(data)


def _liq(capsys, *args: str) -> dict:
    code = cli_main(["liq", *args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_cli_tiers_accepts_an_exchange_response(capsys) -> None:
    # Bybit BTCUSDT from its v5 response: long 20 BTC at 100,000 (2,000,000: tier 1, value <= risk
    # limit), 100x: LP = EP - (IM - MM)/Q = 100,000 - (20,000 - 10,000)/20 = 99,500.
    out = _liq(
        capsys, "--exchange", "bybit", "--symbol", "BTCUSDT", "--tiers",
        str(FIX / "bybit_v5_risk_limit_BTCUSDT.json"), "--side", "long", "--entry", "100000",
        "--quantity", "20", "--leverage", "100",
    )  # fmt: skip
    assert out["liquidation_price"] == pytest.approx(99_500.0, rel=1e-12)
    assert (out["mmr"], out["maintenance_amount"]) == (0.005, 0.0)
    # Binance via ccxt, symbol in ccxt notation: a tier-2 position (5 BTC at 100,000, 50x):
    # LP = (10,000 + 300 - 500,000)/(5 x (0.005 - 1)) = 98,432.16
    out = _liq(
        capsys, "--exchange", "binance", "--symbol", "BTC/USDT:USDT", "--tiers",
        str(FIX / "ccxt_fetch_leverage_tiers_binance.json"), "--side", "long", "--entry",
        "100000", "--quantity", "5", "--leverage", "50",
    )  # fmt: skip
    assert out["liquidation_price"] == pytest.approx(489_700 / 4.975, rel=1e-12)
    assert out["tiers_as_of"] == "2026-03-05"
    # OKX with the contract value: the ETH example above, from the command line
    out = _liq(
        capsys, "--exchange", "okx", "--symbol", "ETH-USDT-SWAP", "--tiers",
        str(FIX / "okx_position_tiers_ETH-USDT-SWAP.json"), "--contract-size", "0.1",
        "--side", "long", "--entry", "3000", "--quantity", "300", "--leverage", "10",
        "--taker-fee", "0.0005",
    )  # fmt: skip
    assert out["liquidation_price"] == pytest.approx(2_700 / 0.9845, rel=1e-12)
    assert out["mmr"] == 0.015
    assert out["notional_unit"] == "USDT"  # the tiers are in ETH; amounts are in the quote


def test_cli_bad_tiers_file_is_one_line(capsys, tmp_path) -> None:
    path = tmp_path / "bad.json"
    data = load("gate_risk_limit_table_doc_example.json")
    data[1]["leverage_max"] = "lots"
    path.write_text(json.dumps(data), encoding="utf-8")
    code = cli_main(
        ["liq", "--exchange", "gate", "--tiers", str(path), "--side", "long", "--entry", "100",
         "--quantity", "1", "--leverage", "2"]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "bad.json" in err and "tier 2 of risk_limit_tiers.leverage_max='lots'" in err


@settings(max_examples=200, deadline=None)
@given(
    side=st.sampled_from(["long", "short"]),
    contracts=st.integers(1, 8_000),
    lev_frac=st.floats(0, 1),
    ep=st.floats(10, 10_000),
    taker=st.sampled_from([0.0, 0.0002, 0.0005]),
)
def test_okx_size_tiers_property(side, contracts, lev_frac, ep, taker) -> None:
    # OKX ETH-USDT-SWAP tiers by contracts (1-2,000: 1%, 75x; 2,001-4,000: 1.5%, 50x; 4,001-8,000:
    # 2%, 20x), typed here; the LP is docs/formulas.md section 4 with the tier of the SIZE.
    mmr, max_lev = (
        (0.01, 75) if contracts <= 2_000 else (0.015, 50) if contracts <= 4_000 else (0.02, 20)
    )
    eth = parse_tiers(load("okx_position_tiers_ETH-USDT-SWAP.json"), contract_size=0.1)["ETHUSDT"]
    q = contracts * 0.1
    lev = 1 + lev_frac * (min(max_lev, 0.9 / (mmr + taker)) - 1)
    lp = liquidation_price(
        Position(side, ep, q, leverage=lev), get_venue("okx", table=eth, taker_fee=taker)
    )
    wb = q * ep / lev
    s = 1 if side == "long" else -1
    expected = (ep - s * wb / q) / (1 - s * (mmr + taker))
    if expected > 1e-9 * ep:
        assert lp == pytest.approx(expected, rel=1e-12)
    else:  # at 1x a long's LP is 0 up to rounding: "no liquidation price" (NaN) or ~0
        assert math.isnan(lp) or lp == pytest.approx(expected, abs=1e-9 * ep)


def test_import_risk_loads_neither_the_loaders_nor_ccxt() -> None:
    # The loaders are imported on first use of risk.market.parse_tiers (PEP 562 __getattr__), so
    # importing risk (and the shipped tables) stays light and never touches ccxt.
    code = (
        "import sys, risk; from risk.tiers import shipped_table; "
        "shipped_table('binance', 'BTCUSDT'); "
        "print(sorted(m for m in ('risk.market.formats', 'ccxt') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
