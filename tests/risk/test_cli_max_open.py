"""``python -m risk max-open``: the largest position for a balance and leverage, and what limits
it. Expected numbers are re-derived here (Binance BTCUSDT brackets as shipped, Bybit "Order Cost"
example run backwards)."""

from __future__ import annotations

import json

import pytest

from risk.cli import main

BIN = ["max-open", "--exchange", "binance", "--entry", "50000"]


def run(capsys, argv: list[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code)
    out, err = capsys.readouterr()
    return code, out, err


def as_json(capsys, argv: list[str]) -> dict:
    code, out, err = run(capsys, [*argv, "--json"])
    assert code == 0 and err == "", err
    return json.loads(out)


def test_balance_limited_with_the_fee_to_open(capsys) -> None:
    # 1,000 USDT at 10x and a 0.05% taker fee: one BTC costs 50,000 x (0.1 + 0.0005) = 5,025, so
    # 1,000 / 5,025 = 0.19900 BTC -> 0.199 at a 0.001 step; cost 0.199 x 5,025 = 999.975.
    d = as_json(capsys, [*BIN, "--balance", "1000", "--leverage", "10", "--lot", "0.001",
                         "--taker-fee", "0.0005"])  # fmt: skip
    assert d["quantity"] == pytest.approx(0.199)
    assert d["notional"] == pytest.approx(9_950)
    assert d["initial_margin"] == pytest.approx(995)
    assert d["fees"] == pytest.approx(4.975)
    assert d["cost"] == pytest.approx(999.975)
    assert d["limited_by"] == "balance"
    assert d["balance_quantity"] == pytest.approx(1_000 / 5_025)
    assert d["fees_counted"] == "open"


def test_tier_limited_at_150x(capsys) -> None:
    # Binance BTCUSDT (2026-03 brackets) allows 150x only below a 300,000 notional: at 50,000
    # that is 5.999 BTC.
    d = as_json(capsys, [*BIN, "--balance", "100000", "--leverage", "150", "--lot", "0.001"])
    assert d["quantity"] == pytest.approx(5.999)
    assert d["limited_by"] == "tier max leverage"
    assert d["tier_notional_cap"] == 300_000
    assert d["tier_max_leverage"] == 150


def test_bybit_counts_both_fees(capsys) -> None:
    # Bybit "Order Cost": 1 BTC long at 10,000, 50x, taker 0.075% costs 214.85.
    d = as_json(capsys, ["max-open", "--exchange", "bybit", "--entry", "10000", "--balance",
                         "214.85", "--leverage", "50", "--taker-fee", "0.00075", "--lot",
                         "0.001"])  # fmt: skip
    assert d["quantity"] == pytest.approx(1.0)
    assert d["fees"] == pytest.approx(14.85)
    assert d["fees_counted"] == "open + close at bankruptcy"


def test_table_says_what_limits_it(capsys) -> None:
    code, out, _ = run(capsys, [*BIN, "--balance", "100000", "--leverage", "150", "--lot", "0.001"])
    assert code == 0
    rows = {k.strip(): v.strip() for k, v in (ln.split("  ", 1) for ln in out.splitlines())}
    assert rows["max open"] == "5.999"
    assert rows["limited by"] == "the tier table: 150x is allowed below a 300,000 USDT notional"


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        ([*BIN, "--balance", "1000", "--leverage", "151"], "leverage=151 is above every tier"),
        ([*BIN, "--balance", "-1", "--leverage", "10"], "balance=-1 is out of range"),
        ([*BIN, "--balance", "1", "--leverage", "10", "--lot", "0.001"], "does not open one lot"),
        ([*BIN, "--leverage", "10"], "the following arguments are required: --balance"),
        (
            [
                "max-open",
                "--exchange",
                "binance",
                "--contract",
                "inverse",
                "--entry",
                "1",
                "--balance",
                "1",
                "--leverage",
                "2",
            ],
            "symbol='BTCUSD' has no binance tier table",
        ),
        ([*BIN, "--balance", "1000", "--leverage", "10", "--symbol", "NOPE"], "symbol='NOPE'"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv, needle) -> None:
    code, out, err = run(capsys, argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and needle in err


def test_a_refreshed_cache_table_is_used_as_liq_uses_it(capsys, market_dir) -> None:
    """max-open prices the same table as liq: a symbol known only to the refreshed market cache
    (no shipped table) is sized from the cached brackets instead of being refused."""
    from risk.market import cache

    tiers = {
        "ZZZ/USDT:USDT": [
            {"tier": 1, "symbol": "ZZZ/USDT:USDT", "currency": "USDT", "minNotional": 0.0,
             "maxNotional": 10_000.0, "maintenanceMarginRate": 0.01, "maxLeverage": 20.0,
             "info": {}},
        ]
    }  # fmt: skip
    snap = cache.MarketSnapshot("binance", "ZZZUSDT", 2.0, 0.0001, None, 8.0, "", "2026-12-01", "t")
    cache.save_symbol("binance", "ZZZUSDT", snapshot=snap, tiers_raw=tiers, funding_history=[],
                      candles={})  # fmt: skip
    # 20x on 1,000 would open 20,000 of notional; the cached table's last cap is 10,000.
    d = as_json(capsys, ["max-open", "--exchange", "binance", "--symbol", "ZZZUSDT", "--entry", "2",
                         "--balance", "1000", "--leverage", "20"])  # fmt: skip
    assert d["notional"] <= 10_000.0 and d["notional"] == pytest.approx(10_000.0, rel=1e-6)


def test_a_leverage_above_the_table_is_refused_before_any_arithmetic(capsys) -> None:
    """Found by `make fuzz SCALE=10` (seed 20261203): 1e-200 / 1e308 underflowed to a cost of 0
    per unit and the command died of ZeroDivisionError instead of naming the leverage."""
    argv = ["max-open", "--exchange", "bybit-uta", "--side", "long", "--entry", "1e-200",
            "--balance", "27.6568", "--leverage", "1e308"]  # fmt: skip
    code, out, err = run(capsys, argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "leverage=1e+308 is above every tier" in err


def test_a_cost_per_unit_that_underflows_is_refused(capsys) -> None:
    argv = ["max-open", "--exchange", "generic", "--mmr", "0.004", "--side", "long", "--entry",
            "5e-324", "--balance", "10", "--leverage", "100"]  # fmt: skip
    code, out, err = run(capsys, argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "per unit" in err
