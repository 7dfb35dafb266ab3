"""Maintenance tier tables: lookup, load-time checks, shipped data and user-supplied tables.

Figures come from shared/reference/formulas.md section 1 (Binance USDⓈ-M BTCUSDT brackets, the
maintenance-amount recurrence ``cum_n = cum_(n-1) + floor_n*(mmr_n - mmr_(n-1))``) and section 5
(Hyperliquid: mmr = 1/(2*max_leverage)).
"""

from __future__ import annotations

import itertools
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

import risk
from risk import Position, TierTable, get_venue, liquidation_price, load_table_file, shipped_table
from risk.tiers import SHIPPED_FILES, shipped_symbols

DATA = Path(risk.__file__).parent / "data"
ROOT = Path(risk.__file__).parent.parent

# Binance BTCUSDT brackets as printed in formulas.md section 1 (floor, cap, max lev, mmr, cum).
BTC_BRACKETS = [
    (0, 50_000, 125, 0.004, 0),
    (50_000, 600_000, 100, 0.005, 50),
    (600_000, 3_000_000, 75, 0.0065, 950),
    (3_000_000, 12_000_000, 50, 0.01, 11_450),
    (12_000_000, 70_000_000, 25, 0.02, 131_450),
    (70_000_000, 100_000_000, 20, 0.025, 481_450),
    (100_000_000, 230_000_000, 10, 0.05, 2_981_450),
    (230_000_000, 480_000_000, 5, 0.10, 14_481_450),
    (480_000_000, 600_000_000, 4, 0.125, 26_481_450),
    (600_000_000, 800_000_000, 3, 0.15, 41_481_450),
    (800_000_000, 1_200_000_000, 2, 0.25, 121_481_450),
    (1_200_000_000, 1_800_000_000, 1, 0.50, 421_481_450),
]


def records(rows=BTC_BRACKETS) -> list[dict]:
    return [
        {"floor": f, "cap": c, "max_leverage": lv, "mmr": m, "maintenance_amount": a}
        for f, c, lv, m, a in rows
    ]


def btc() -> TierTable:
    return TierTable.from_records("test BTCUSDT", records(), source="formulas.md", as_of="2024-10")


# --- lookup --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notional", "tier"),
    [
        (0.0, 1),
        (1.0, 1),
        (49_999.99, 1),
        (50_000.0, 2),  # floor inclusive
        (50_000.01, 2),
        (599_999.99, 2),
        (600_000.0, 3),
        (12_000_000.0, 5),
        (1_200_000_000.0, 12),
        (1_799_999_999.0, 12),
    ],
)
def test_lookup_is_floor_inclusive(notional, tier) -> None:
    table = btc()
    assert int(table.index(notional)) == tier - 1
    t = table.tier(notional)
    assert (t.floor, t.mmr) == (BTC_BRACKETS[tier - 1][0], BTC_BRACKETS[tier - 1][3])


def test_lookup_vectorized_and_maintenance_margin() -> None:
    table = btc()
    n = [10_000.0, 50_000.0, 1_000_000.0]
    assert list(table.index(n)) == [0, 1, 2]
    # MM = notional*mmr - cum of the notional's own tier: 40; 250 - 50 = 200; 6,500 - 950 = 5,550
    assert list(table.maintenance_margin(n)) == pytest.approx([40.0, 200.0, 5_550.0])
    assert list(table.max_leverage(n)) == [125, 100, 75]


def test_maintenance_margin_is_continuous_at_every_floor() -> None:
    # The recurrence makes notional*mmr - cum continuous: at each floor both neighbouring tiers
    # give the same amount.
    table = btc()
    for lower, upper in itertools.pairwise(BTC_BRACKETS):
        floor = upper[0]
        below = floor * lower[3] - lower[4]
        assert float(table.maintenance_margin(floor)) == pytest.approx(below, rel=1e-12)


def test_notional_at_or_above_the_last_cap_is_refused() -> None:
    with pytest.raises(
        ValueError, match=r"notional=1,800,000,000 .*allowed: 0 <= notional < 1,800,000,000"
    ):
        btc().index(1_800_000_000.0)


# --- load-time checks ----------------------------------------------------------------------------


def test_recurrence_check_rejects_a_bad_amount() -> None:
    # Tier 3's amount must be 50 + 600,000 x (0.0065 - 0.005) = 950; 1,950 is refused, and the
    # message names the tier, the amount given and the expected one.
    rows = list(BTC_BRACKETS)
    rows[2] = (600_000, 3_000_000, 75, 0.0065, 1_950)
    with pytest.raises(ValueError) as exc:
        TierTable.from_records("bad", records(rows), "s", "a")
    msg = str(exc.value)
    assert "tier 3" in msg
    assert "maintenance_amount" in msg
    assert "1,950.00" in msg
    assert re.search(r"allowed: 950(\.00)?\b", msg), msg


def test_recurrence_check_expected_amount_deep_in_the_table() -> None:
    # Tier 8: 2,981,450 + 230,000,000 x (0.10 - 0.05) = 14,481,450; give 15,000,000.
    rows = list(BTC_BRACKETS)
    rows[7] = (*rows[7][:4], 15_000_000)
    with pytest.raises(ValueError, match=r"tier 8 .*allowed: 14,481,450"):
        TierTable.from_records("bad", records(rows), "s", "a")


def test_non_contiguous_tiers_are_rejected() -> None:
    rows = list(BTC_BRACKETS)
    rows[1] = (60_000, 600_000, 100, 0.005, 60)  # gap 50,000..60,000
    with pytest.raises(ValueError, match=r"tier 2 floor .*60000.*tier 1's cap 50000.*contiguous"):
        TierTable.from_records("gap", records(rows), "s", "a")


def test_falling_rates_are_rejected() -> None:
    rows = [(0, 50_000, 125, 0.004, 0), (50_000, None, 100, 0.003, 0)]
    with pytest.raises(ValueError, match=r"tier 2 mmr .*=0\.003 is below tier 1's 0\.004"):
        TierTable.from_records("falling", records(rows), "s", "a")


def test_a_table_the_loader_accepts_is_solved_at_the_tier_of_the_lp() -> None:
    # RECURRENCE_TOL lets a tier's amount differ from the recurrence by up to 1%. Tier 5 of
    # BTCUSDT with 131,450 x 1.009 = 132,633.05 instead of 131,450 is accepted, but then the
    # maintenance margin is no longer continuous at 12,000,000 and the solver's "largest per-tier
    # root" is no longer the tier-at-the-LP answer.
    # Long 300 BTC at 50,000 (15M, tier 5) with 3,059,050 margin:
    #   tier 4 root: (3,059,050 + 11,450 - 15,000,000)/(300*(0.01 - 1)) = 40,166.67 -> notional
    #     12,050,000, which is tier 5, not 4: not a consistent answer;
    #   tier 5 root: (3,059,050 + 132,633.05 - 15,000,000)/(300*(0.02 - 1)) = 40,164.343 ->
    #     notional 12,049,303, tier 5: consistent (the iteration from the entry tier stops here).
    # Either the table must be refused, or the LP must be the tier-5 root.
    rows = list(BTC_BRACKETS)
    cum5 = 131_450 * 1.009
    rows[4] = (*rows[4][:4], cum5)
    try:
        table = TierTable.from_records("loose", records(rows), "s", "a")
    except ValueError:
        return  # refusing such a table is a correct outcome
    lp = liquidation_price(
        Position("long", 50_000, 300, margin=3_059_050), get_venue("binance", table=table)
    )
    tier = table.tier(300 * lp)
    equity = 3_059_050 + 300 * (lp - 50_000)
    assert equity == pytest.approx(300 * lp * tier.mmr - tier.maintenance_amount, rel=1e-9)
    assert lp == pytest.approx((3_059_050 + cum5 - 15_000_000) / (300 * (0.02 - 1)), rel=1e-12)


# --- shipped tables ------------------------------------------------------------------------------


def test_every_shipped_file_has_source_and_as_of() -> None:
    files = sorted(DATA.glob("*.json"))
    assert {f.name for f in files} >= set(SHIPPED_FILES.values())
    for f in files:
        doc = json.loads(f.read_text(encoding="utf-8"))
        assert isinstance(doc.get("source"), str) and len(doc["source"]) > 20, f.name
        assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", str(doc.get("as_of", ""))), f.name


@pytest.mark.parametrize("exchange", sorted(SHIPPED_FILES))
def test_shipped_tables_carry_provenance(exchange) -> None:
    for sym in shipped_symbols(exchange):
        table = shipped_table(exchange, sym)
        assert table.source and table.as_of and table.as_of != "unknown"


@pytest.mark.parametrize("exchange", sorted(SHIPPED_FILES))
def test_shipped_amounts_satisfy_the_recurrence(exchange) -> None:
    # Recomputed here from the raw JSON: cum_1 = 0, cum_n = cum_(n-1) + floor_n*(mmr_n - mmr_(n-1)),
    # to a cent (the tables are exact; the loader's own tolerance is not used).
    doc = json.loads((DATA / SHIPPED_FILES[exchange]).read_text(encoding="utf-8"))
    for sym, recs in doc["symbols"].items():
        cum = 0.0
        assert recs[0]["floor"] == 0 and recs[0].get("maintenance_amount", 0) == 0
        for prev, r in itertools.pairwise(recs):
            cum += r["floor"] * (r["mmr"] - prev["mmr"])
            assert abs(r["maintenance_amount"] - cum) <= 0.01, (exchange, sym, r)
            assert r["floor"] == prev["cap"], (exchange, sym, r)


def test_shipped_binance_matches_formulas_md() -> None:
    t = shipped_table("binance", "BTCUSDT")
    got = [(x.floor, x.cap, x.max_leverage, x.mmr, x.maintenance_amount) for x in t.tiers]
    assert got == [tuple(map(float, row)) for row in BTC_BRACKETS]
    eth = shipped_table("binance", "ETHUSDT")
    # ETHUSDT differs from tier 6 on: floors 50M/65M/150M/320M/400M/530M/800M, cum 381,450 ...
    assert [x.floor for x in eth.tiers][5:] == [50e6, 65e6, 150e6, 320e6, 400e6, 530e6, 800e6]
    assert [x.maintenance_amount for x in eth.tiers][5:] == [
        381_450, 2_006_450, 9_506_450, 17_506_450, 27_506_450, 80_506_450, 280_506_450,
    ]  # fmt: skip


def test_shipped_hyperliquid_rate_is_half_the_initial_margin() -> None:
    for sym in shipped_symbols("hyperliquid"):
        for t in shipped_table("hyperliquid", sym).tiers:
            assert t.mmr == pytest.approx(1 / (2 * t.max_leverage), rel=1e-15)


# --- user-supplied tables ------------------------------------------------------------------------

USER_ROWS = [
    # floor, cap, max lev, mmr, cum (a made-up 3-tier table; amounts by the recurrence:
    # 10,000*(0.02 - 0.01) = 100; 100 + 100,000*(0.05 - 0.02) = 3,100)
    (0, 10_000, 50, 0.01, 0),
    (10_000, 100_000, 20, 0.02, 100),
    (100_000, None, 10, 0.05, 3_100),
]


@pytest.fixture
def user_file(tmp_path) -> Path:
    path = tmp_path / "my_tiers.json"
    doc = {
        "source": "my exchange's risk-limit page",
        "as_of": "2025-01",
        "notional_unit": "USDT",
        "symbols": {"XYZUSDT": records(USER_ROWS)},
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _user_lp(side: str, ep: float, q: float, lev: float) -> float:
    """formulas.md section 1 with the tier of the notional at the LP, searched by hand."""
    s = 1 if side == "long" else -1
    wb = q * ep / lev
    for _, cap, _, mmr, cum in USER_ROWS:
        lp = (wb + cum - s * q * ep) / (q * (mmr - s))
        floor = {0.01: 0, 0.02: 10_000, 0.05: 100_000}[mmr]
        if floor <= q * lp < (cap or math.inf):
            return lp
    raise AssertionError("no consistent tier")


def test_user_table_from_json_file_is_used_by_liquidation_price(user_file) -> None:
    table = load_table_file(str(user_file), "XYZUSDT")
    assert table.source == "my exchange's risk-limit page" and table.as_of == "2025-01"
    assert [t.maintenance_amount for t in table.tiers] == [0, 100, 3_100]
    venue = get_venue("binance", "XYZUSDT", table=table)
    # Long 12 at 10,000 (120,000, tier 3) at 5x: tier 3 gives notional
    # (24,000 + 3,100 - 120,000)/(0.05 - 1) = 97,789.47 < 100,000 -> tier 2:
    # (24,000 + 100 - 120,000)/(0.02 - 1) = 97,857.14 (tier 2, stable).
    lp = liquidation_price(Position("long", 10_000, 12, leverage=5), venue)
    assert lp * 12 == pytest.approx((24_000 + 100 - 120_000) / (0.02 - 1), rel=1e-12)
    assert lp == pytest.approx(_user_lp("long", 10_000, 12, 5), rel=1e-12)
    short = liquidation_price(Position("short", 10_000, 0.9, leverage=10), venue)
    assert short == pytest.approx(_user_lp("short", 10_000, 0.9, 10), rel=1e-12)


def test_user_table_as_a_plain_list(tmp_path) -> None:
    path = tmp_path / "list.json"
    path.write_text(json.dumps(records(USER_ROWS)), encoding="utf-8")
    table = load_table_file(str(path))
    assert [t.mmr for t in table.tiers] == [0.01, 0.02, 0.05]


def test_user_table_with_a_bad_recurrence_is_refused(tmp_path) -> None:
    rows = list(USER_ROWS)
    rows[2] = (100_000, None, 10, 0.05, 4_000)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(records(rows)), encoding="utf-8")
    with pytest.raises(ValueError, match=r"tier 3 .*allowed: 3,100"):
        load_table_file(str(path))


def test_user_table_symbol_missing(user_file) -> None:
    with pytest.raises(ValueError, match=r"symbol='ABC'.*allowed: XYZUSDT"):
        load_table_file(str(user_file), "ABC")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "risk", "liq", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_user_table_used_by_the_cli(user_file) -> None:
    out = _cli(
        "--exchange", "binance", "--symbol", "XYZUSDT", "--tiers", str(user_file),
        "--side", "long", "--entry", "10000", "--quantity", "12", "--leverage", "5", "--json",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["liquidation_price"] == pytest.approx(_user_lp("long", 10_000, 12, 5), rel=1e-12)
    # the tier at the liquidation price is tier 2 of the user's table
    assert (doc["mmr"], doc["maintenance_amount"]) == (0.02, 100)
    assert doc["tiers_source"] == "my exchange's risk-limit page"


def test_cli_refuses_a_user_table_with_a_bad_recurrence(tmp_path) -> None:
    rows = list(USER_ROWS)
    rows[1] = (10_000, 100_000, 20, 0.02, 500)
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps({"source": "x", "as_of": "2025-01", "symbols": {"XYZUSDT": records(rows)}}),
        encoding="utf-8",
    )
    out = _cli(
        "--exchange", "binance", "--symbol", "XYZUSDT", "--tiers", str(path),
        "--side", "long", "--entry", "100", "--quantity", "1", "--leverage", "5",
    )  # fmt: skip
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "tier 2" in lines[0] and "allowed: 100" in lines[0]
