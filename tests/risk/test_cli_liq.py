"""``python -m risk liq``, run as other tools run it: a subprocess of ``sys.executable -m risk``.

Every expected number is computed here from docs/formulas.md (sections 1-5) and the 2026-03-05
Binance brackets typed in by hand (BTCUSDT tier 1: 0 <= n < 300,000, 0.4%, 150x; tier 2:
300,000 <= n < 800,000, 0.5%, cum 300, 100x; tier 4: 3M-12M 1% cum 12,000; tier 5: 12M-70M 2%
cum 132,000), not read back from the
library. All invocations run once, concurrently, in a module fixture (each costs an interpreter
start-up).
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import risk

ROOT = Path(risk.__file__).parent.parent
BASE = ["--exchange", "binance", "--side", "long", "--entry", "50000", "--quantity", "0.1"]

CALLS: dict[str, list[str]] = {
    "json": [*BASE, "--leverage", "10", "--json"],
    "table": [*BASE, "--leverage", "10"],
    "short": ["--exchange", "binance", "--side", "short", "--entry", "50000", "--quantity", "0.1",
              "--leverage", "20", "--json"],
    "one_x": [*BASE, "--leverage", "1", "--json"],
    "one_x_table": [*BASE, "--leverage", "1"],
    "margin": [*BASE, "--margin", "1000", "--json"],
    "tier_cross": ["--exchange", "binance", "--side", "long", "--entry", "50000", "--quantity",
                   "280", "--leverage", "5", "--json"],
    "inverse": ["--exchange", "binance", "--symbol", "BTCUSD", "--contract", "inverse",
                "--contract-size", "100", "--side", "long", "--entry", "25000", "--quantity", "100",
                "--leverage", "20", "--mmr", "0.004", "--json"],
    "inverse_default_size": ["--exchange", "binance", "--symbol", "BTCUSD", "--contract", "inverse",
                             "--side", "long", "--entry", "25000", "--quantity", "100",
                             "--leverage", "20", "--mmr", "0.004", "--json"],
    "bybit_inverse": ["--exchange", "bybit", "--symbol", "BTCUSD", "--contract", "inverse",
                      "--side", "short", "--entry", "20000", "--quantity", "10000", "--leverage",
                      "20", "--mmr", "0.005", "--json"],
    # Bybit inverse with neither --symbol nor --mmr: the shipped BTCUSD base tier (0.5%).
    "bybit_inverse_default": ["--exchange", "bybit", "--contract", "inverse", "--side", "long",
                              "--entry", "8000", "--quantity", "10000", "--leverage", "50",
                              "--json"],
    "cross": ["--exchange", "binance", "--side", "long", "--entry", "32481.98", "--quantity",
              "109.488", "--margin", "1535443.01", "--mmr", "0.025", "--maintenance-amount",
              "16300", "--mode", "cross", "--wallet", "1535443.01", "--other-maintenance",
              "10000", "--other-upnl", "-5000", "--json"],
    "cross_short": ["--exchange", "generic", "--side", "short", "--entry", "100", "--quantity",
                    "2", "--leverage", "10", "--mmr", "0.01", "--maintenance-amount", "0.5",
                    "--mode", "cross", "--wallet", "50", "--other-maintenance", "3",
                    "--other-upnl", "4", "--json"],
    "okx": ["--exchange", "okx", "--side", "long", "--entry", "10", "--quantity", "1",
            "--leverage", "5", "--mmr", "0.01", "--taker-fee", "0.0006", "--json"],
    "hyperliquid": ["--exchange", "hyperliquid", "--symbol", "SOL", "--max-leverage", "20",
                    "--side", "long", "--entry", "145.83", "--quantity", "0.33", "--margin",
                    "24.045107", "--json"],
    # issue 11 bugs
    # (a) 1x short whose liquidation price lies beyond Binance's last bracket cap (1.8B USDT):
    # 30,000 BTC @ 50,000 = 1.5B at entry (inside the table), ~2.28B at the liquidation price.
    "short_beyond_last_cap": ["--exchange", "binance", "--side", "short", "--entry", "50000",
                              "--quantity", "30000", "--leverage", "1", "--json"],
    # (b) inverse 1x short: no bankruptcy price, and nothing on stderr.
    "inverse_short_1x": ["--exchange", "binance", "--contract", "inverse", "--symbol", "BTCUSD",
                         "--mmr", "0.005", "--side", "short", "--entry", "50000", "--quantity",
                         "100", "--leverage", "1", "--json"],
    # (d) cross without a wallet
    "cross_without_wallet": [*BASE, "--leverage", "5", "--mode", "cross"],
    # issue 11 families, as a trader types them
    "bybit_inverse_cross_fee": ["--exchange", "bybit", "--contract", "inverse", "--side", "long",
                                "--entry", "8000", "--quantity", "10000", "--leverage", "50",
                                "--mmr", "0.005", "--taker-fee", "0.00075", "--mode", "cross",
                                "--wallet", "0.5", "--json"],
    "bybit_uta_1x_long": ["--exchange", "bybit-uta", "--side", "long", "--entry", "20000",
                          "--quantity", "1", "--leverage", "1", "--taker-fee", "0.00055",
                          "--json"],
    "bybit_fee_50x": ["--exchange", "bybit", "--side", "long", "--entry", "20000", "--quantity",
                      "1", "--leverage", "50", "--mmr", "0.005", "--taker-fee", "0.00055",
                      "--json"],
    "phemex": ["--exchange", "phemex", "--side", "long", "--entry", "0.4", "--quantity", "500",
               "--leverage", "5", "--mmr", "0.01", "--taker-fee", "0.0006", "--json"],
    # bad input
    "bad_exchange": ["--exchange", "kraken", "--side", "long", "--entry", "1", "--quantity", "1",
                     "--leverage", "2"],
    "bad_entry": [*BASE[:4], "--entry", "-5", "--quantity", "1", "--leverage", "2"],
    "nan_entry": [*BASE[:4], "--entry", "nan", "--quantity", "1", "--leverage", "2"],
    "zero_quantity": [*BASE[:6], "--quantity", "0", "--leverage", "2"],
    "too_much_leverage": [*BASE, "--leverage", "151"],
    # the done-when checks: 150x on BTCUSDT, and a position in tier 2
    "btc_150x": ["--exchange", "binance", "--symbol", "BTCUSDT", "--side", "long", "--entry",
                 "100000", "--quantity", "1", "--leverage", "150", "--json"],
    "btc_150x_table": ["--exchange", "binance", "--symbol", "BTCUSDT", "--side", "long",
                       "--entry", "100000", "--quantity", "1", "--leverage", "150"],
    "tier2": ["--exchange", "binance", "--symbol", "BTC/USDT:USDT", "--side", "long", "--entry",
              "100000", "--quantity", "5", "--leverage", "50", "--json"],
    "tier2_short": ["--exchange", "binance", "--symbol", "BTCUSDT", "--side", "short",
                    "--entry", "100000", "--quantity", "4", "--leverage", "25", "--json"],
    "leverage_and_margin": [*BASE, "--leverage", "10", "--margin", "500"],
    "missing_entry": ["--exchange", "binance", "--side", "long", "--quantity", "1",
                      "--leverage", "2"],
    "missing_size": BASE,
    "margin_above_wallet": [*BASE, "--margin", "600", "--wallet", "500"],
    "unknown_symbol": [*BASE, "--symbol", "NOPEUSDT", "--leverage", "2"],
    "bybit_cross": ["--exchange", "bybit", "--side", "long", "--entry", "100", "--quantity", "1",
                    "--leverage", "2", "--mode", "cross"],
    "bitget_inverse": ["--exchange", "bitget", "--contract", "inverse", "--side", "long", "--entry",
                    "100", "--quantity", "1", "--leverage", "2", "--mmr", "0.01"],
    "amount_without_mmr": [*BASE, "--leverage", "10", "--maintenance-amount", "50"],
    "mmr_out_of_range": [*BASE, "--leverage", "10", "--mmr", "1.5"],
    "taker_out_of_range": [*BASE, "--leverage", "10", "--taker-fee", "0.5"],
    "leverage_below_one": [*BASE, "--leverage", "0.5"],
    "missing_tiers_file": [*BASE, "--leverage", "10", "--tiers", "/nonexistent/tiers.json"],
    # no COIN-M brackets ship: an inverse Binance position needs --mmr or --tiers
    "binance_inverse_untyped": ["--exchange", "binance", "--contract", "inverse", "--side",
                                "long", "--entry", "25000", "--quantity", "100", "--leverage",
                                "5"],
    "inverse_on_usdt_table": ["--exchange", "bybit", "--symbol", "BTCUSDT", "--contract",
                              "inverse", "--side", "long", "--entry", "8000", "--quantity",
                              "10000", "--leverage", "50"],
    "linear_on_coin_table": ["--exchange", "bybit", "--symbol", "BTCUSD", "--side", "long",
                             "--entry", "8000", "--quantity", "1", "--leverage", "50"],
}  # fmt: skip


@pytest.fixture(scope="module")
def runs() -> dict[str, subprocess.CompletedProcess]:
    def one(args: list[str]) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "risk", "liq", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        done = dict(zip(CALLS, pool.map(one, CALLS.values()), strict=True))
    return done


def ok_json(runs, name: str) -> dict:
    r = runs[name]
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    return json.loads(r.stdout)


# --- --json contract -----------------------------------------------------------------------------

KEYS = {
    "liquidation_price",
    "bankruptcy_price",
    "distance_frac",
    "initial_margin",
    "maintenance_margin",
    "mmr",
    "maintenance_amount",
    "leverage",
    "notional",
}


def test_json_keys_and_values(runs) -> None:
    out = ok_json(runs, "json")
    assert KEYS <= set(out)
    # Binance BTCUSDT tier 1 (0.4%): long 0.1 @ 50,000, 10x. WB = 5,000/10 = 500;
    # LP = (500 - 5,000)/(0.1*(0.004 - 1)); BP = 50,000*(1 - 1/10) = 45,000; MM = 5,000*0.004.
    lp = (500 - 5_000) / (0.1 * (0.004 - 1))
    assert out["liquidation_price"] == pytest.approx(lp, rel=1e-12)
    assert out["bankruptcy_price"] == pytest.approx(45_000, rel=1e-12)
    assert out["distance_frac"] == pytest.approx((50_000 - lp) / 50_000, rel=1e-12)
    assert out["initial_margin"] == pytest.approx(500)
    assert out["maintenance_margin"] == pytest.approx(20)
    assert (out["mmr"], out["maintenance_amount"]) == (0.004, 0)
    assert out["leverage"] == 10
    assert out["notional"] == pytest.approx(5_000)


def test_json_short(runs) -> None:
    # short 0.1 @ 50,000, 20x: WB 250; LP = (250 + 5,000)/(0.1*(0.004 + 1)); BP = 52,500
    out = ok_json(runs, "short")
    lp = 5_250 / (0.1 * 1.004)
    assert out["liquidation_price"] == pytest.approx(lp, rel=1e-12)
    assert out["bankruptcy_price"] == pytest.approx(52_500, rel=1e-12)
    assert out["distance_frac"] == pytest.approx((lp - 50_000) / 50_000, rel=1e-12)


def test_json_null_when_no_liquidation_price(runs) -> None:
    # 1x long: LP = (5,000 - 5,000)/(...) = 0 -> none; the bankruptcy price 0 is not a price either.
    out = ok_json(runs, "one_x")
    assert out["liquidation_price"] is None
    assert out["distance_frac"] is None
    assert out["bankruptcy_price"] is None
    assert out["initial_margin"] == pytest.approx(5_000)
    assert "null" in runs["one_x"].stdout


def test_json_with_margin_instead_of_leverage(runs) -> None:
    # --margin 1,000 on 5,000 notional: effective leverage 5; LP = (1,000 - 5,000)/(0.1*(-0.996))
    out = ok_json(runs, "margin")
    assert out["leverage"] == pytest.approx(5)
    assert out["liquidation_price"] == pytest.approx(-4_000 / (0.1 * -0.996), rel=1e-12)


def test_json_tier_at_the_liquidation_price(runs) -> None:
    # 280 BTC @ 50,000 = 14,000,000 (tier 5: 2%, 132,000) at 5x, WB 2,800,000. Tier 5 would put the
    # LP notional at (14e6 - 2.8e6 - 132,000)/0.98 = 11,293,877.6 < 12M, i.e. tier 4 (1%, 12,000):
    # LP = (2,800,000 + 12,000 - 14,000,000)/(280*(0.01 - 1)), notional 11,301,010.1 (tier 4).
    out = ok_json(runs, "tier_cross")
    assert out["liquidation_price"] == pytest.approx(
        (2_800_000 + 12_000 - 14_000_000) / (280 * -0.99), rel=1e-12
    )
    assert (out["mmr"], out["maintenance_amount"]) == (0.01, 12_000)
    # maintenance margin is reported at entry: 14e6*0.02 - 132,000
    assert out["maintenance_margin"] == pytest.approx(14e6 * 0.02 - 132_000)


def test_btcusdt_at_150x_with_the_2026_brackets(runs) -> None:
    # Since 2025-08 Binance allows 150x in BTCUSDT tier 1 (0.4%, 0 <= n < 300,000). Long 1 BTC at
    # 100,000, 150x: WB = 100,000/150 = 666.67; LP = (666.67 - 100,000)/(1*(0.004 - 1))
    # = 99,732.26 (notional 99,732 still in tier 1); BP = 100,000*(1 - 1/150) = 99,333.33.
    out = ok_json(runs, "btc_150x")
    wb = 100_000 / 150
    assert out["liquidation_price"] == pytest.approx((wb - 100_000) / (0.004 - 1), rel=1e-12)
    assert out["liquidation_price"] == pytest.approx(99_732.26, abs=0.005)
    assert out["bankruptcy_price"] == pytest.approx(99_333.333, abs=0.001)
    assert (out["mmr"], out["maintenance_amount"], out["tier_max_leverage"]) == (0.004, 0, 150)
    assert out["tiers_as_of"] == "2026-03-05"
    assert "2026-03-05" in runs["btc_150x_table"].stdout


def test_a_tier_2_position_uses_half_a_percent_and_300(runs) -> None:
    # Long 5 BTC at 100,000 = 500,000 (tier 2: 0.5%, maintenance amount 300) at 50x, WB 10,000:
    # LP = (10,000 + 300 - 500,000)/(5*(0.005 - 1)) = 98,432.16; notional at the LP 492,160.80,
    # still tier 2 (300,000 <= n < 800,000). Maintenance margin at entry 500,000*0.005 - 300.
    # (ccxt notation BTC/USDT:USDT names the same table.)
    out = ok_json(runs, "tier2")
    assert out["liquidation_price"] == pytest.approx((10_000 + 300 - 500_000) / (5 * -0.995))
    assert out["liquidation_price"] == pytest.approx(98_432.16, abs=0.005)
    assert (out["mmr"], out["maintenance_amount"]) == (0.005, 300)
    assert out["maintenance_margin"] == pytest.approx(2_200)
    assert out["symbol"] == "BTCUSDT"
    # Short 4 BTC at 100,000 = 400,000 at 25x, WB 16,000: LP = (16,000 + 300 + 400,000)/(4*1.005)
    # = 103,557.21 (notional 414,228.86, tier 2).
    short = ok_json(runs, "tier2_short")
    assert short["liquidation_price"] == pytest.approx((16_000 + 300 + 400_000) / (4 * 1.005))
    assert (short["mmr"], short["maintenance_amount"]) == (0.005, 300)


def test_inverse_with_contract_size(runs) -> None:
    # formulas.md section 2: S = 100 contracts x 100 USD = 10,000; at 25,000 notional 0.4 BTC,
    # WB = 0.4/20 = 0.02 BTC, MM = 0.4 x 0.4% = 0.0016 BTC.
    # LP = (S*MMR + S)/(WB + cum + S/EP) = 10,040/0.42; BP = S/(WB + S/EP) = 10,000/0.42.
    out = ok_json(runs, "inverse")
    assert out["notional"] == pytest.approx(0.4)
    assert out["maintenance_margin"] == pytest.approx(0.0016)
    assert out["initial_margin"] == pytest.approx(0.02)
    assert out["liquidation_price"] == pytest.approx(10_040 / 0.42, rel=1e-12)
    assert out["bankruptcy_price"] == pytest.approx(10_000 / 0.42, rel=1e-12)
    assert out["margin_currency"] == "coin"
    # BTCUSD on Binance COIN-M is 100 USD a contract by default
    assert ok_json(runs, "inverse_default_size")["liquidation_price"] == pytest.approx(
        out["liquidation_price"], rel=1e-15
    )


def test_bybit_inverse_short(runs) -> None:
    # Bybit inverse: LP(short) = contracts/(PV - IM + MM), PV = 10,000/20,000 = 0.5,
    # IM = 0.5/20 = 0.025, MM = 0.5 x 0.005 = 0.0025.
    out = ok_json(runs, "bybit_inverse")
    assert out["liquidation_price"] == pytest.approx(10_000 / (0.5 - 0.025 + 0.0025), rel=1e-12)


def test_bybit_inverse_defaults_to_the_btcusd_base_tier(runs) -> None:
    # formulas.md section 3, inverse: LP(long) = contracts/(PV + IM - MM) with PV = 10,000/8,000
    # = 1.25 BTC, IM = 1.25/50 = 0.025, MM = 1.25 x 0.5% = 0.00625 (Bybit's base BTC rate).
    out = ok_json(runs, "bybit_inverse_default")
    assert out["symbol"] == "BTCUSD" and out["mmr"] == 0.005
    assert out["liquidation_price"] == pytest.approx(10_000 / (1.25 + 0.025 - 0.00625), rel=1e-12)


def test_cross_with_other_positions(runs) -> None:
    # formulas.md section 1, one-way cross:
    # LP = (WB - TMM1 + UPNL1 + cum - side*Q*EP)/(Q*MMR - side*Q)
    wb, tmm, upnl, cum, q, ep, mmr = 1_535_443.01, 10_000, -5_000, 16_300, 109.488, 32_481.98, 0.025
    out = ok_json(runs, "cross")
    expected = (wb - tmm + upnl + cum - q * ep) / (q * mmr - q)
    assert out["liquidation_price"] == pytest.approx(expected, rel=1e-12)
    # short, generic: (50 - 3 + 4 + 0.5 + 200)/(2*0.01 + 2)
    out = ok_json(runs, "cross_short")
    assert out["liquidation_price"] == pytest.approx((50 - 3 + 4 + 0.5 + 200) / 2.02, rel=1e-12)
    # cross bankruptcy: equity = 0 with the wallet and the others' PnL: EP + (WB + UPNL1)/Q
    assert out["bankruptcy_price"] == pytest.approx(100 + (50 + 4) / 2, rel=1e-12)


def test_okx_fee_inside_the_trigger(runs) -> None:
    # formulas.md section 4: LP(long) = (EP - WB/Q)/(1 - (MMR + taker)) = (10 - 2)/(1 - 0.0106)
    out = ok_json(runs, "okx")
    assert out["liquidation_price"] == pytest.approx(8 / (1 - 0.0106), rel=1e-12)


def test_hyperliquid_published_position(runs) -> None:
    # formulas.md section 5: SOL (20x) long 0.33 @ 145.83, margin 24.045107 -> 74.83696193.
    # l = 1/40; liq = price - side*(margin - Q*price*l)/Q/(1 - l)
    out = ok_json(runs, "hyperliquid")
    expected = 145.83 - (24.045107 - 0.33 * 145.83 / 40) / 0.33 / (1 - 1 / 40)
    assert out["liquidation_price"] == pytest.approx(expected, rel=1e-12)
    assert round(out["liquidation_price"], 6) == pytest.approx(74.83696193, abs=2e-6)


# --- issue 11 bugs -------------------------------------------------------------------------------


def test_short_beyond_the_last_bracket_cap_uses_the_last_bracket(runs) -> None:
    # Binance BTCUSDT bracket 12 (2026-03-05: 1.2B-1.8B, mmr 50%, cum 421,482,000) continues past
    # its cap. Short 30,000 @ 50,000 at 1x, WB = 1.5B: LP = (WB + cum + Q*EP)/(Q*(1 + mmr))
    # = (1.5e9 + 421,482,000 + 1.5e9)/(30,000*1.5), a notional of ~2.28B the user never typed.
    out = ok_json(runs, "short_beyond_last_cap")
    expected = (1.5e9 + 421_482_000 + 1.5e9) / (30_000 * 1.5)
    assert out["liquidation_price"] == pytest.approx(expected, rel=1e-12)
    assert (out["mmr"], out["maintenance_amount"]) == (0.5, 421_482_000)


def test_inverse_short_at_1x_is_quiet(runs) -> None:
    # Short inverse at 1x: margin S/EP; equity S/P never reaches S/P*mmr and the bankruptcy
    # denominator WB - S/EP is 0 -> neither price exists, and no numpy warning on stderr.
    out = ok_json(runs, "inverse_short_1x")
    assert out["liquidation_price"] is None and out["bankruptcy_price"] is None


def test_tier_max_leverage_is_the_tier_that_caps_the_leverage(runs) -> None:
    # 280 BTC @ 50,000 = 14M: Binance bracket 5 (12M-70M, 25x) caps the leverage, while the
    # liquidation price falls in bracket 4 (50x), whose rate the trigger uses.
    out = ok_json(runs, "tier_cross")
    assert out["tier_max_leverage"] == 25
    assert out["mmr"] == 0.01


def test_bybit_inverse_cross_counts_the_fee_to_close(runs) -> None:
    # Bybit "How to calculate Liquidation Price (Inverse Contract)", cross: BP = 1.00075 x 10,000 /
    # (10,000/8,000 + 0.5) = 5,718.57; LP 5,739.50 shown (a long's price rounded up to 0.5).
    out = ok_json(runs, "bybit_inverse_cross_fee")
    assert round(out["bankruptcy_price"], 2) == 5_718.57
    assert math.ceil(out["liquidation_price"] * 2) / 2 == 5_739.50


def test_bybit_uta_1x_long_shows_no_liquidation_price(runs) -> None:
    out = ok_json(runs, "bybit_uta_1x_long")
    assert out["liquidation_price"] is None


def test_bybit_margins_include_the_fee_to_close(runs) -> None:
    # Bybit "Liquidation Price (USDT Contract)": 1 BTC long at 20,000, 50x, MMR 0.5%: IM 400, MM
    # 100, LP 19,700; each margin holds the fee to close 20,000 x (1 - 1/50) x 0.055% = 10.78.
    out = ok_json(runs, "bybit_fee_50x")
    assert out["liquidation_price"] == pytest.approx(19_700, abs=1e-9)
    assert out["initial_margin"] == pytest.approx(400 + 10.78)
    assert out["maintenance_margin"] == pytest.approx(100 + 10.78)


def test_phemex_published_example(runs) -> None:
    # Phemex "Liquidation price for USDT-M perpetual contracts": assignedPosBalance 40.096,
    # LP = (200 - 40.096)/(0.9994 - 0.01)/500 = 0.3232...
    out = ok_json(runs, "phemex")
    assert out["initial_margin"] == pytest.approx(40.096)
    assert out["liquidation_price"] == pytest.approx((200 - 40.096) / 0.9894 / 500, rel=1e-12)


# --- readable table ------------------------------------------------------------------------------


def test_table_output_is_readable(runs) -> None:
    r = runs["table"]
    assert r.returncode == 0 and r.stderr == ""
    rows = dict(line.split("  ", 1) for line in r.stdout.splitlines())
    rows = {k.strip(): v.strip() for k, v in rows.items()}
    assert rows["liquidation price"] == f"{(500 - 5_000) / (0.1 * (0.004 - 1)):,.8g}"
    assert rows["bankruptcy price"] == "45,000"
    assert rows["move to liquidation"] == f"{(0.1 - 0.004) / 0.996:.4%}"
    assert rows["leverage"].startswith("10x")
    assert "binance BTCUSDT" in rows["tiers"] and "2026-03-05" in rows["tiers"]
    assert not r.stdout.lstrip().startswith("{")
    assert len(r.stdout.splitlines()) <= 20


def test_table_says_none_without_a_liquidation_price(runs) -> None:
    r = runs["one_x_table"]
    assert r.returncode == 0
    line = next(x for x in r.stdout.splitlines() if x.startswith("liquidation price"))
    assert "none" in line


# --- bad input: exit 2, one line on stderr naming the problem ------------------------------------

BAD = [
    ("bad_exchange", r"--exchange.*'kraken'"),
    ("bad_entry", r"entry_price=-5 .*allowed: 0 < entry_price"),
    ("nan_entry", r"entry_price=nan is not finite"),
    ("zero_quantity", r"quantity=0 .*allowed: 0 < quantity"),
    ("too_much_leverage", r"leverage=151 .*allowed: 1 <= leverage <= 150"),
    ("leverage_and_margin", r"--margin.*not allowed with.*--leverage"),
    ("missing_entry", r"required.*--entry"),
    ("missing_size", r"one of the arguments --leverage --margin is required"),
    ("margin_above_wallet", r"margin=600 .*allowed: 0 < margin <= 500"),
    (
        "unknown_symbol",
        r"symbol='NOPEUSDT'.*allowed: one of the \d+ shipped symbols \(BTCUSDT, ETHUSDT",
    ),
    ("bybit_cross", r"--wallet is required with --mode cross"),
    ("cross_without_wallet", r"--wallet is required with --mode cross"),
    ("bitget_inverse", r"contract='inverse' is not covered for exchange 'bitget'; allowed: linear"),
    ("amount_without_mmr", r"--maintenance-amount=50(\.0)? without --mmr"),
    ("mmr_out_of_range", r"mmr=1.5 .*allowed: 0 <= mmr < 1"),
    ("taker_out_of_range", r"taker_fee=0.5 .*allowed: 0 <= taker_fee <= 0.01"),
    ("leverage_below_one", r"leverage=0.5 .*allowed: 1 <= leverage"),
    ("missing_tiers_file", r"(?i)tiers.*/nonexistent/tiers\.json|/nonexistent/tiers\.json"),
    ("binance_inverse_untyped", r"symbol='BTCUSD' has no binance tier table.*mmr.*tiers file"),
    ("inverse_on_usdt_table", r"contract='inverse' cannot be sized with the bybit BTCUSDT tiers"),
    ("linear_on_coin_table", r"contract='linear' cannot be sized with the bybit BTCUSD tiers"),
]


@pytest.mark.parametrize(("name", "pattern"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_exits_2_with_one_line(runs, name, pattern) -> None:
    r = runs[name]
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("python -m risk liq: error: ")
    assert re.search(pattern, lines[0]), lines[0]
