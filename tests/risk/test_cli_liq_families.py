"""``python -m risk liq`` for every rule family and margin mode against the venue's own figure.

One case per family, contract and mode. ``expected`` is either a figure printed on the venue's
page (named in the comment) or that page's formula evaluated here by hand; it is never read back
from the library. The command runs in-process (``risk.cli.main``) with ``--json``.
"""

from __future__ import annotations

import json
import math

import pytest

from risk.cli import main


def liq(capsys, *args: str) -> dict:
    code = main(["liq", *args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and err == "", err
    return json.loads(out)


WB = "1535443.01"
BIN_BTC = [
    "--exchange",
    "binance",
    "--side",
    "long",
    "--entry",
    "32481.98",
    "--quantity",
    "109.488",
    "--margin",
    WB,
    "--mmr",
    "0.025",
    "--maintenance-amount",
    "16300",
]
COIN = [
    "--symbol",
    "BTCUSD",
    "--contract",
    "inverse",
    "--contract-size",
    "100",
    "--side",
    "long",
    "--entry",
    "25000",
    "--quantity",
    "100",
    "--leverage",
    "20",
    "--mmr",
    "0.004",
]
OKX_INV = [
    "--exchange",
    "okx",
    "--symbol",
    "BTCUSD",
    "--contract",
    "inverse",
    "--contract-size",
    "100",
    "--side",
    "long",
    "--entry",
    "40000",
    "--quantity",
    "500",
    "--leverage",
    "10",
    "--mmr",
    "0.005",
    "--taker-fee",
    "0.0005",
]
TEN = [
    "--side",
    "long",
    "--entry",
    "10",
    "--quantity",
    "1",
    "--leverage",
    "5",
    "--mmr",
    "0.01",
    "--taker-fee",
    "0.0006",
]
SOL = [
    "--exchange",
    "hyperliquid",
    "--symbol",
    "SOL",
    "--max-leverage",
    "20",
    "--side",
    "long",
    "--entry",
    "145.83",
    "--quantity",
    "0.33",
]

CASES = [
    # Binance FAQ "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts": BTCUSDT long
    # 109.488 @ 32,481.98, WB 1,535,443.01, MMR 2.5%, cum 16,300 -> 18,778.73 (printed).
    ("binance linear isolated", BIN_BTC, 18_778.73, 2),
    ("binance linear cross", [*BIN_BTC, "--mode", "cross", "--wallet", WB], 18_778.73, 2),
    # Binance COIN-M FAQ: LP(long) = (S*MMR + S) / (WB + cum + S/EP), S = 100 x 100 USD; isolated
    # WB = 0.4 BTC / 20; cross WB = 0.05 BTC.
    ("binance inverse isolated", ["--exchange", "binance", *COIN],
     10_000 * 1.004 / (0.02 + 0.4), None),
    ("binance inverse cross", ["--exchange", "binance", *COIN, "--mode", "cross", "--wallet",
                               "0.05"], 10_000 * 1.004 / (0.05 + 0.4), None),
    # Bybit "Liquidation Price (USDT Contract)": 1 BTC long 20,000 at 50x, MMR 0.5% -> 19,700
    # (printed; the fee to close sits in IM and MM alike).
    ("bybit linear isolated", ["--exchange", "bybit", "--side", "long", "--entry", "20000",
                               "--quantity", "1", "--leverage", "50", "--mmr", "0.005",
                               "--taker-fee", "0.00055"], 19_700, 6),
    # Same page, cross: 2 BTC long at 10,000, 100x, available 2,000 -> sustainable loss 2,100
    # (printed), i.e. 10,000 - 2,100/2; the cross wallet is 2,000 + the 200 initial margin.
    ("bybit linear cross", ["--exchange", "bybit", "--side", "long", "--entry", "10000",
                            "--quantity", "2", "--leverage", "100", "--mmr", "0.005", "--mode",
                            "cross", "--wallet", "2200"], 8_950, 6),
    # Bybit "How to calculate Liquidation Price (Inverse Contract)", isolated: contracts / (PV +
    # IM - MM) with PV = 10,000/20,000, IM = PV/20, MM = PV x 0.5%.
    ("bybit inverse isolated", ["--exchange", "bybit", "--symbol", "BTCUSD", "--contract",
                                "inverse", "--side", "long", "--entry", "20000", "--quantity",
                                "10000", "--leverage", "20", "--mmr", "0.005"],
     10_000 / (0.5 + 0.025 - 0.0025), None),
    # Same page, cross: balance 0.5 BTC, 10,000 contracts long at 8,000, taker 0.075% -> 5,739.50
    # printed (a long's price rounded up to the 0.5 tick; checked below).
    ("bybit inverse cross", ["--exchange", "bybit", "--contract", "inverse", "--side", "long",
                             "--entry", "8000", "--quantity", "10000", "--leverage", "50",
                             "--mmr", "0.005", "--taker-fee", "0.00075", "--mode", "cross",
                             "--wallet", "0.5"], 5_739.50, "tick"),
    # Bybit "Liquidation Price Calculation under Isolated Mode (Unified Trading Account)",
    # inverse long: S (MMR + 1) / (S/EP + S/EP/lev + extra/(1 + fee) + deduction), no extra.
    ("bybit-uta inverse isolated", ["--exchange", "bybit-uta", "--symbol", "BTCUSD",
                                    "--contract", "inverse", "--side", "long", "--entry",
                                    "50000", "--quantity", "60000", "--leverage", "10", "--mmr",
                                    "0.005", "--taker-fee", "0.00055"],
     60_000 * 1.005 / (1.2 + 0.12), None),
    # The same page's linear counterpart (the same equation in quote): EP (1 - 1/lev) / (1 - MMR).
    ("bybit-uta linear isolated", ["--exchange", "bybit-uta", "--side", "long", "--entry",
                                   "20000", "--quantity", "1", "--leverage", "50", "--mmr",
                                   "0.005", "--taker-fee", "0.00055"],
     20_000 * 0.98 / 0.995, None),
    # Bybit's USDT cross example (2 BTC long at 10,000, wallet 2,200) with the Unified Trading
    # Account's maintenance on the value at the mark: 2,200 + 2 (P - 10,000) = 2 P x 0.5%.
    ("bybit-uta linear cross", ["--exchange", "bybit-uta", "--side", "long", "--entry", "10000",
                                "--quantity", "2", "--leverage", "100", "--mmr", "0.005",
                                "--mode", "cross", "--wallet", "2200"], 17_800 / 1.99, None),
    # Bybit's inverse cross equation, Q (1/EP - 1/LP) = -(balance - MM - Q x 0.00075/BP), with
    # the maintenance at the mark, Q/LP x MMR: LP = Q (1 + MMR) / (Q/EP + balance - Q 0.00075/BP),
    # BP = 1.00075 Q / (Q/EP + balance).
    ("bybit-uta inverse cross", ["--exchange", "bybit-uta", "--contract", "inverse", "--side",
                                 "long", "--entry", "8000", "--quantity", "10000", "--leverage",
                                 "50", "--mmr", "0.005", "--taker-fee", "0.00075", "--mode",
                                 "cross", "--wallet", "0.5"],
     10_000 * 1.005 / (1.75 - 10_000 * 0.00075 / (1.00075 * 10_000 / 1.75)), None),
    # OKX isolated (and Gate help 27724): (EP - WB/Q) / (1 - (MMR + taker)); cross with the
    # wallet 3 in place of the isolated margin 2.
    ("okx linear isolated", ["--exchange", "okx", *TEN], 8 / (1 - 0.0106), None),
    ("okx linear cross", ["--exchange", "okx", *TEN, "--mode", "cross", "--wallet", "3"],
     7 / (1 - 0.0106), None),
    # OKX coin-margined: liquidation at (margin + PnL) = value at the mark x (MMR + fee), i.e.
    # S (1 + MMR + fee) / (margin + S/EP); margin 50,000/40,000/10 BTC isolated, 0.3 BTC cross.
    ("okx inverse isolated", OKX_INV, 50_000 * 1.0055 / (0.125 + 1.25), None),
    ("okx inverse cross", [*OKX_INV, "--mode", "cross", "--wallet", "0.3"],
     50_000 * 1.0055 / (0.3 + 1.25), None),
    # Gate help 27724: linear as OKX; inverse size x EP x (1 + MMR + taker) / (size + margin x EP).
    ("gate linear isolated", ["--exchange", "gate", *TEN], 8.085708510208207, None),
    ("gate inverse isolated", ["--exchange", "gate", "--symbol", "BTCUSD", "--contract",
                               "inverse", "--contract-size", "1", "--side", "long", "--entry",
                               "30000", "--quantity", "5000", "--margin", "0.01", "--mmr",
                               "0.005", "--taker-fee", "0.00075"],
     5_000 * 30_000 * 1.00575 / (5_000 + 0.01 * 30_000), None),
    # KuCoin "Liquidation Price in Cross Margin Mode": ETH/USDT short 100 x 0.01 at 3,800, margin
    # 22.62% of the value, MMR 1%, fee 0.06% -> 4,610.7 (printed).
    ("kucoin linear isolated", ["--exchange", "kucoin", "--side", "short", "--entry", "3800",
                                "--quantity", "1", "--margin", str(0.2262 * 3800), "--mmr",
                                "0.01", "--taker-fee", "0.0006"], 4_610.7, 1),
    # Bitget "Bitget futures: Estimated liquidation price": (margin - size EP side) / (size (MMR
    # + taker - side)); 0.2 BTC at 60,000 with 1,500 USDT.
    ("bitget linear isolated", ["--exchange", "bitget", "--side", "long", "--entry", "60000",
                                "--quantity", "0.2", "--margin", "1500", "--mmr", "0.004",
                                "--taker-fee", "0.0006"],
     (1_500 - 0.2 * 60_000) / (0.2 * (0.004 + 0.0006 - 1)), None),
    # Phemex "Liquidation price for USDT-M perpetual contracts": 500 at 0.4, 5x, MMR 1%, taker
    # 0.06% -> (200 - 40.096) / (0.9994 - 0.01) / 500 = 0.3232 (printed to 4 places).
    ("phemex linear isolated", ["--exchange", "phemex", "--side", "long", "--entry", "0.4",
                                "--quantity", "500", "--leverage", "5", "--mmr", "0.01",
                                "--taker-fee", "0.0006"], 0.3232, 4),
    # Hyperliquid API position SOL (20x) long 0.33 @ 145.83, margin 24.045107 -> 74.83696193; in
    # cross the account value stands for the margin in the docs' formula.
    ("hyperliquid linear isolated", [*SOL, "--margin", "24.045107"], 74.83696193, 5),
    ("hyperliquid linear cross", [*SOL, "--margin", "24.045107", "--mode", "cross", "--wallet",
                                  "24.045107"], 74.83696193, 5),
    # generic, the Binance forms with typed numbers: cross short 2 @ 100, wallet 50, TMM1 3,
    # UPNL1 4, MMR 1%, cum 0.5 -> (50 - 3 + 4 + 0.5 + 200) / (2 x 1.01); inverse as COIN-M above.
    ("generic linear cross", ["--exchange", "generic", "--side", "short", "--entry", "100",
                              "--quantity", "2", "--leverage", "10", "--mmr", "0.01",
                              "--maintenance-amount", "0.5", "--mode", "cross", "--wallet", "50",
                              "--other-maintenance", "3", "--other-upnl", "4"], 251.5 / 2.02, None),
    ("generic inverse isolated", ["--exchange", "generic", *COIN],
     10_000 * 1.004 / (0.02 + 0.4), None),
    ("generic inverse cross", ["--exchange", "generic", *COIN, "--mode", "cross", "--wallet",
                               "0.05"], 10_000 * 1.004 / (0.05 + 0.4), None),
    # generic with a typed rate, Binance form: short 1 @ 10 at 5x, MMR 1%, cum 0.01 -> 11.8911.
    ("generic linear isolated", ["--exchange", "generic", "--side", "short", "--entry", "10",
                                 "--quantity", "1", "--leverage", "5", "--mmr", "0.01",
                                 "--maintenance-amount", "0.01"], 11.89108910891089, None),
]  # fmt: skip


@pytest.mark.parametrize(("case", "argv", "expected", "places"), CASES, ids=[c[0] for c in CASES])
def test_every_family_and_mode_reproduces_the_venue(capsys, case, argv, expected, places) -> None:
    lp = liq(capsys, *argv)["liquidation_price"]
    assert lp is not None, case
    if places == "tick":
        assert math.ceil(lp * 2) / 2 == expected
    elif places is None:
        assert lp == pytest.approx(expected, rel=1e-12)
    else:
        assert round(lp, places) == pytest.approx(expected, abs=10.0**-places / 2)


def test_every_family_has_a_case() -> None:
    from risk.venues import RULES

    covered = {c[0].split()[0] for c in CASES}
    assert covered == set(RULES)
    for name, rules in RULES.items():
        for contract in rules.contracts:
            for mode in rules.margin_modes:
                if name == "kucoin" and contract == "inverse":
                    continue  # KuCoin's pages publish the linear (USDT) formula only
                assert f"{name} {contract} {mode}" in {c[0] for c in CASES}


def test_readme_family_table_lists_every_family_and_its_hedge_mode() -> None:
    """The README's formula-family table has one row per family, and its hedge column says "yes"
    exactly for the families risk.hedge prices (the others say why they are refused)."""
    from pathlib import Path

    import risk
    from risk.hedge import HEDGE_FAMILIES
    from risk.venues import RULES

    readme = (Path(risk.__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    rows = {}
    for line in readme.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 6:
            rows[cells[0].split()[0]] = cells
    assert set(RULES) <= set(rows)
    for name in RULES:
        hedge = rows[name][4]
        assert hedge.startswith("yes") == (name in HEDGE_FAMILIES), (name, hedge)
        assert name in HEDGE_FAMILIES or hedge.startswith("refused")
