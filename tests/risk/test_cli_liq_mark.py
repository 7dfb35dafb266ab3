"""``python -m risk liq`` with ``--mark`` (an open position), the already-liquidatable state and
``--hedge`` (Binance hedge mode). Expected numbers are re-derived here from the Binance formulas
(FAQ "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts", "Margin Ratio")."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from risk.cli import build_parser, main
from risk.cli_liq import compute

BASE = ["liq", "--exchange", "binance", "--side", "long", "--entry", "50000", "--quantity", "0.1",
        "--leverage", "10"]  # fmt: skip
LP = (500 - 5_000) / (0.1 * (0.004 - 1))  # 45,180.72: Binance tier 1, isolated long
# generic 1% rate, long 2 @ 100 at 10x in cross: wallet 50, other positions TMM1 30, UPNL1 -25.
# At the entry: margin balance 50 - 25 = 25, maintenance 2 x 100 x 0.01 + 30 = 32 -> ratio 128%.
UNDER = ["liq", "--exchange", "generic", "--mmr", "0.01", "--side", "long", "--entry", "100",
         "--quantity", "2", "--leverage", "10", "--mode", "cross", "--wallet", "50",
         "--other-maintenance", "30", "--other-upnl", "-25"]  # fmt: skip
HEDGE = ["liq", "--exchange", "binance", "--side", "long", "--entry", "50000", "--quantity", "1",
         "--leverage", "10", "--mode", "cross", "--wallet", "5000",
         "--hedge", "0.4@52000"]  # fmt: skip


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


def table(capsys, argv: list[str]) -> dict[str, str]:
    code, out, err = run(capsys, argv)
    assert code == 0 and err == "", err
    return {k.strip(): v.strip() for k, v in (ln.split("  ", 1) for ln in out.splitlines())}


def test_figures_from_the_mark(capsys) -> None:
    # mark 47,000: distance (47,000 - LP)/47,000; PnL 0.1 x -3,000 = -300; ROE -300/500;
    # margin balance 200; maintenance 4,700 x 0.004 = 18.8; ratio 18.8 / 200.
    d = as_json(capsys, [*BASE, "--mark", "47000"])
    assert d["liquidation_price"] == pytest.approx(LP, rel=1e-12)
    assert d["distance_from"] == "mark"
    assert d["distance_frac"] == pytest.approx((47_000 - LP) / 47_000, rel=1e-12)
    assert d["distance_from_entry_frac"] == pytest.approx((50_000 - LP) / 50_000, rel=1e-12)
    assert d["unrealized_pnl"] == pytest.approx(-300)
    assert d["roe"] == pytest.approx(-0.6)
    assert d["margin_balance"] == pytest.approx(200)
    assert d["margin_ratio"] == pytest.approx(18.8 / 200)
    assert d["already_liquidatable"] is False


def test_without_a_mark_everything_is_from_the_entry(capsys) -> None:
    d = as_json(capsys, BASE)
    assert d["mark_price"] is None and d["distance_from"] == "entry"
    assert d["distance_frac"] == pytest.approx((50_000 - LP) / 50_000, rel=1e-12)
    assert d["unrealized_pnl"] == 0 and d["roe"] == 0
    assert d["margin_ratio"] == pytest.approx(20 / 500)


def test_a_mark_past_the_liquidation_price_is_already_liquidatable(capsys) -> None:
    d = as_json(capsys, [*BASE, "--mark", "45100"])
    assert d["already_liquidatable"] is True
    assert d["distance_frac"] == 0.0
    # balance 500 - 490 = 10, maintenance 4,510 x 0.004 = 18.04 -> ratio 1.804
    assert d["margin_ratio"] == pytest.approx(18.04 / 10)
    assert as_json(capsys, [*BASE, "--mark", "45000"])["margin_ratio"] is None  # balance gone


def test_cross_account_already_below_maintenance(capsys) -> None:
    d = as_json(capsys, UNDER)
    assert d["already_liquidatable"] is True
    assert d["margin_ratio"] == pytest.approx(32 / 25)
    assert d["margin_balance"] == pytest.approx(25)
    assert d["distance_frac"] == 0.0
    rows = table(capsys, UNDER)
    move = rows["move to liquidation"]
    assert "already at or below its maintenance margin" in move and "128.00%" in move
    assert "%" not in move.split("(")[0]  # no "x% move" before the explanation


def test_cross_account_just_above_maintenance_still_has_a_move(capsys) -> None:
    # Wallet 58: balance 33 > 32; LP = (58 - 30 - 25 + 0 - 200)/(2 x (0.01 - 1)) = 99.4949.
    argv = [*UNDER[:-6], "--wallet", "58", "--other-maintenance", "30", "--other-upnl", "-25"]
    d = as_json(capsys, argv)
    assert d["already_liquidatable"] is False
    lp = (58 - 30 - 25 - 200) / (2 * (0.01 - 1))
    assert d["liquidation_price"] == pytest.approx(lp, rel=1e-12)
    assert d["distance_frac"] == pytest.approx((100 - lp) / 100, rel=1e-12)


def test_hedge_mode_by_hand(capsys) -> None:
    # Binance hedge-mode formula, both legs tier 1 at the result:
    # (5,000 - 50,000 + 0.4 x 52,000) / (0.004 + 0.4 x 0.004 - 1 + 0.4) = -24,200 / -0.5944;
    # bankruptcy: rates 0 -> -24,200 / -0.6.
    d = as_json(capsys, HEDGE)
    assert d["position_mode"] == "hedge"
    assert d["liquidation_price"] == pytest.approx(24_200 / 0.5944, rel=1e-12)
    assert d["liquidation_price_below"] == d["liquidation_price"]
    assert d["liquidation_price_above"] is None
    assert d["bankruptcy_price"] == pytest.approx(24_200 / 0.6, rel=1e-12)
    # initial margin of both legs at 10x: 5,000 + 2,080; maintenance at entry (tier 1, 0.4%):
    # 50,000 x 0.004 = 200, short 20,800 x 0.004 = 83.2.
    assert d["initial_margin"] == pytest.approx(7_080)
    assert d["maintenance_margin"] == pytest.approx(283.2)
    assert d["other_leg"]["side"] == "short" and d["other_leg"]["notional"] == pytest.approx(20_800)
    assert d["mmr"] == 0.004 and d["already_liquidatable"] is False
    rows = table(capsys, HEDGE)
    assert rows["hedge leg"] == "short 0.4 @ 52,000 (same wallet)"
    assert rows["liquidated if"] == f"the price falls to {24_200 / 0.5944:,.8g}"


def test_fully_hedged_pair_is_liquidated_by_a_rise(capsys) -> None:
    argv = [*HEDGE[:-1], "1@50000"]
    d = as_json(capsys, argv)
    # tier 2 (0.5%, cum 300) at the result: (5,000 + 300 + 300) / (0.005 + 0.005)
    assert d["liquidation_price_above"] == pytest.approx(5_600 / 0.01, rel=1e-12)
    assert d["liquidation_price_below"] is None


def test_hedge_pair_safe_at_no_price_says_so(capsys) -> None:
    # risk.hedge: long 20.5 @ 16,240, short 20 @ 10,000, wallet 53,292: equity 0.5 P - 79,628 is
    # below both legs' maintenance at every price; no price is printed as a liquidation price.
    argv = ["liq", "--exchange", "binance", "--side", "long", "--entry", "16240", "--quantity",
            "20.5", "--leverage", "10", "--mode", "cross", "--wallet", "53292", "--hedge",
            "20@10000"]  # fmt: skip
    d = as_json(capsys, argv)
    assert d["liquidation_price"] is None and d["already_liquidatable"] is True
    assert d["distance_frac"] == 0.0
    rows = table(capsys, argv)
    assert rows["liquidated if"].startswith("at any price")
    assert rows["move to liquidation"].startswith("none left")


def test_bybit_hedge_mode_by_hand(capsys) -> None:
    # Bybit regular account (risk.hedge): each leg's maintenance on its entry value, 0.5%: 100 +
    # 42; each leg's fee to close at its 50x bankruptcy price, taker 0.055%: 10.78 + 4.7124.
    # 1,000 + (P - 20,000) - 0.4 (P - 21,000) = 157.4924.
    argv = ["liq", "--exchange", "bybit", "--mmr", "0.005", "--taker-fee", "0.00055", "--side",
            "long", "--entry", "20000", "--quantity", "1", "--leverage", "50", "--mode", "cross",
            "--wallet", "1000", "--hedge", "0.4@21000"]  # fmt: skip
    d = as_json(capsys, argv)
    assert d["position_mode"] == "hedge"
    assert d["liquidation_price"] == pytest.approx((157.4924 - 1_000 + 11_600) / 0.6, rel=1e-12)
    assert d["maintenance_margin"] == pytest.approx(142)
    assert d["maintenance_margin_with_close_fee"] == pytest.approx(157.4924)


def test_okx_hedge_mode_by_hand(capsys) -> None:
    # OKX, typed 0.4% and fee 0.05% inside the rate, on both legs' value at the price:
    # 5,000 + (P - 50,000) - 0.4 (P - 52,000) = 1.4 P x 0.0045.
    argv = ["liq", "--exchange", "okx", "--mmr", "0.004", "--taker-fee", "0.0005", "--side",
            "long", "--entry", "50000", "--quantity", "1", "--leverage", "10", "--mode", "cross",
            "--wallet", "5000", "--hedge", "0.4@52000"]  # fmt: skip
    d = as_json(capsys, argv)
    assert d["liquidation_price"] == pytest.approx(24_200 / (0.6 - 0.0063), rel=1e-12)


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        ([*BASE, "--mark", "0"], "mark_price=0 is out of range"),
        ([*BASE, "--mark", "nan"], "mark_price=nan is not finite"),
        ([*BASE, "--hedge", "1@50000"], "--hedge with --mode isolated"),
        ([*HEDGE[:-1], "0.4"], "--hedge='0.4' is not QTY@ENTRY"),
        ([*HEDGE[:-1], "0@50000"], "hedge quantity=0 is out of range"),
        (
            [
                "liq",
                "--exchange",
                "hyperliquid",
                "--symbol",
                "BTC",
                "--side",
                "long",
                "--entry",
                "50000",
                "--quantity",
                "0.1",
                "--leverage",
                "10",
                "--mode",
                "cross",
                "--wallet",
                "5000",
                "--hedge",
                "0.1@50000",
            ],
            "exchange='hyperliquid' has no hedge-mode formula",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv, needle) -> None:
    code, out, err = run(capsys, argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and needle in err


@settings(max_examples=120, deadline=None)
@given(
    side=st.sampled_from(["long", "short"]),
    leverage=st.integers(1, 50),
    wallet_mult=st.floats(1.0, 5.0),
    tmm=st.floats(0.0, 400.0),
    upnl=st.floats(-600.0, 300.0),
    mark_frac=st.one_of(st.none(), st.floats(0.8, 1.2)),
)
def test_cross_never_shows_a_move_for_an_account_below_maintenance(
    side, leverage, wallet_mult, tmm, upnl, mark_frac
) -> None:
    # generic 1% rate, 2 units @ 100 (notional 200); the wallet covers the initial margin.
    wallet = 200 / leverage * wallet_mult
    argv = [
        "--exchange",
        "generic",
        "--mmr",
        "0.01",
        "--side",
        side,
        "--entry",
        "100",
        "--quantity",
        "2",
        "--leverage",
        str(leverage),
        "--mode",
        "cross",
        f"--wallet={wallet!r}",
        f"--other-maintenance={tmm!r}",
        f"--other-upnl={upnl!r}",
    ]  # fmt: skip  (= form: argparse reads "-2e-45" as a flag)
    if mark_frac is not None:
        argv.append(f"--mark={100 * mark_frac!r}")
    args = build_parser().parse_args(["liq", *argv])
    d = compute(args)
    ref = 100 if mark_frac is None else 100 * mark_frac
    s = 1 if side == "long" else -1
    # independent: equity and maintenance at the reference price (Binance "Margin Ratio")
    equity = wallet + upnl + s * 2 * (ref - 100)
    maint = 2 * ref * 0.01 + tmm
    below = equity <= maint
    assert d["already_liquidatable"] is below or math.isclose(equity, maint, rel_tol=1e-9)
    if d["already_liquidatable"]:
        assert d["distance_frac"] == 0.0
    elif d["liquidation_price"] is not None:
        lp = d["liquidation_price"]
        assert (ref - lp) * s > 0  # the liquidation price lies ahead, on the losing side
        assert d["distance_frac"] == pytest.approx(abs(lp - ref) / ref, rel=1e-12)
