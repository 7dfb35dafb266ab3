"""Maintenance tier tables: lookup, load-time checks, shipped data and user-supplied tables.

Figures come from docs/formulas.md section 1 (Binance USDⓈ-M BTCUSDT brackets of 2026-03-05, typed
in by hand; the maintenance-amount recurrence ``cum_n = cum_(n-1) + floor_n*(mmr_n - mmr_(n-1))``),
section 3 (Bybit BTCUSDT risk limits, value <= risk limit) and section 5 (Hyperliquid: mmr =
1/(2*max_leverage)).
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import risk
from risk import Position, TierTable, get_venue, liquidation_price, load_table_file, shipped_table
from risk.market import to_app_symbol, to_ccxt_symbol
from risk.tiers import SHIPPED_FILES, shipped_symbols

DATA = Path(risk.__file__).parent / "data"
ROOT = Path(risk.__file__).parent.parent

# Binance BTCUSDT brackets of 2026-03-05 as printed in docs/formulas.md section 1 (floor, cap, max
# lev, mmr, cum). Each cum re-derived by hand: 300,000 x 0.001 = 300; 300 + 800,000 x 0.0015 =
# 1,500; 1,500 + 3M x 0.0035 = 12,000; 12,000 + 12M x 0.01 = 132,000; ... (the recurrence).
BTC_BRACKETS = [
    (0, 300_000, 150, 0.004, 0),
    (300_000, 800_000, 100, 0.005, 300),
    (800_000, 3_000_000, 75, 0.0065, 1_500),
    (3_000_000, 12_000_000, 50, 0.01, 12_000),
    (12_000_000, 70_000_000, 25, 0.02, 132_000),
    (70_000_000, 100_000_000, 20, 0.025, 482_000),
    (100_000_000, 230_000_000, 10, 0.05, 2_982_000),
    (230_000_000, 480_000_000, 5, 0.10, 14_482_000),
    (480_000_000, 600_000_000, 4, 0.125, 26_482_000),
    (600_000_000, 800_000_000, 3, 0.15, 41_482_000),
    (800_000_000, 1_200_000_000, 2, 0.25, 121_482_000),
    (1_200_000_000, 1_800_000_000, 1, 0.50, 421_482_000),
]


def records(rows=BTC_BRACKETS) -> list[dict]:
    return [
        {"floor": f, "cap": c, "max_leverage": lv, "mmr": m, "maintenance_amount": a}
        for f, c, lv, m, a in rows
    ]


def btc() -> TierTable:
    return TierTable.from_records(
        "test BTCUSDT", records(), source="docs/formulas.md", as_of="2026-03-05"
    )


# --- lookup --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notional", "tier"),
    [
        (0.0, 1),
        (1.0, 1),
        (299_999.99, 1),
        (300_000.0, 2),  # floor inclusive
        (300_000.01, 2),
        (799_999.99, 2),
        (800_000.0, 3),
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
    n = [10_000.0, 300_000.0, 1_000_000.0]
    assert list(table.index(n)) == [0, 1, 2]
    # MM = notional*mmr - cum of the notional's own tier: 40; 1,500 - 300 = 1,200;
    # 6,500 - 1,500 = 5,000
    assert list(table.maintenance_margin(n)) == pytest.approx([40.0, 1_200.0, 5_000.0])
    assert list(table.max_leverage(n)) == [150, 100, 75]


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
    btc().index(1_799_999_999.99)  # just below the last cap is the last tier


# --- load-time checks ----------------------------------------------------------------------------


def test_recurrence_check_rejects_a_bad_amount() -> None:
    # Tier 3's amount must be 300 + 800,000 x (0.0065 - 0.005) = 1,500; 2,500 is refused, and the
    # message names the tier, the amount given and the expected one.
    rows = list(BTC_BRACKETS)
    rows[2] = (800_000, 3_000_000, 75, 0.0065, 2_500)
    with pytest.raises(ValueError) as exc:
        TierTable.from_records("bad", records(rows), "s", "a")
    msg = str(exc.value)
    assert "tier 3" in msg
    assert "maintenance_amount" in msg
    assert "2,500.00" in msg
    assert re.search(r"allowed: 1,500(\.00)?\b", msg), msg


def test_recurrence_check_expected_amount_deep_in_the_table() -> None:
    # Tier 8: 2,982,000 + 230,000,000 x (0.10 - 0.05) = 14,482,000; give 15,000,000.
    rows = list(BTC_BRACKETS)
    rows[7] = (*rows[7][:4], 15_000_000)
    with pytest.raises(ValueError, match=r"tier 8 .*allowed: 14,482,000"):
        TierTable.from_records("bad", records(rows), "s", "a")


def test_non_contiguous_tiers_are_rejected() -> None:
    rows = list(BTC_BRACKETS)
    rows[1] = (310_000, 800_000, 100, 0.005, 310)  # gap 300,000..310,000
    with pytest.raises(ValueError, match=r"tier 2 floor .*310000.*tier 1's cap 300000.*contiguous"):
        TierTable.from_records("gap", records(rows), "s", "a")


def test_falling_rates_are_rejected() -> None:
    rows = [(0, 300_000, 150, 0.004, 0), (300_000, None, 100, 0.003, 0)]
    with pytest.raises(ValueError, match=r"tier 2 mmr .*=0\.003 is below tier 1's 0\.004"):
        TierTable.from_records("falling", records(rows), "s", "a")


def test_a_table_the_loader_accepts_is_solved_at_the_tier_of_the_lp() -> None:
    # A loose recurrence check would let tier 5's amount be 132,000 x 1.009 = 133,188 instead of
    # 132,000; then the maintenance margin is no longer continuous at 12,000,000 and the solver's
    # "largest per-tier root" is no longer the tier-at-the-LP answer.
    # Long 300 BTC at 50,000 (15M, tier 5) with 3,059,050 margin:
    #   tier 4 root: (3,059,050 + 12,000 - 15,000,000)/(300*(0.01 - 1)) = 40,164.81 -> notional
    #     12,049,444, which is tier 5, not 4: not a consistent answer;
    #   tier 5 root: (3,059,050 + 133,188 - 15,000,000)/(300*(0.02 - 1)) = 40,162.46 ->
    #     notional 12,048,737, tier 5: consistent (the iteration from the entry tier stops here).
    # Either the table must be refused, or the LP must be the tier-5 root.
    rows = list(BTC_BRACKETS)
    cum5 = 132_000 * 1.009
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


#: ``as_of``: a date (2026-03-05, 2025-06) or, for an undated copy of a page, an ISO 8601 interval
#: of the period it is known to be from ("2025/2026").
AS_OF = r"\d{4}(-\d{2}){0,2}(/\d{4}(-\d{2}){0,2})?"


def raw_symbols(filename: str) -> dict[str, tuple[list[dict], str | None]]:
    """Symbol -> (tier records, own as_of) read from the raw JSON, by this test: the compact
    layout (rows in the order of "columns") and per-symbol objects ("tiers" + provenance)."""
    doc = json.loads((DATA / filename).read_text(encoding="utf-8"))
    out = {}
    for sym, entry in doc["symbols"].items():
        rows, own = (
            (entry["tiers"], entry.get("as_of")) if isinstance(entry, dict) else (entry, None)
        )
        if "columns" in doc:
            rows = [dict(zip(doc["columns"], r, strict=True)) for r in rows]
        out[sym] = (rows, own)
    return out


def test_every_shipped_file_has_source_and_as_of() -> None:
    files = sorted(DATA.glob("*.json"))
    assert {f.name for f in files} >= set(SHIPPED_FILES.values())
    for f in files:
        doc = json.loads(f.read_text(encoding="utf-8"))
        assert isinstance(doc.get("source"), str) and len(doc["source"]) > 20, f.name
        assert re.fullmatch(AS_OF, str(doc.get("as_of", ""))), f.name
        for sym, entry in doc.get("symbols", {}).items():
            if isinstance(entry, dict):
                assert len(entry["source"]) > 20 and re.fullmatch(AS_OF, entry["as_of"]), sym


@pytest.mark.parametrize("exchange", sorted(SHIPPED_FILES))
def test_shipped_tables_carry_provenance(exchange) -> None:
    for sym in shipped_symbols(exchange):
        table = shipped_table(exchange, sym)
        assert table.source and table.as_of and table.as_of != "unknown"


@pytest.mark.parametrize("exchange", sorted(SHIPPED_FILES))
def test_shipped_amounts_satisfy_the_recurrence(exchange) -> None:
    # Recomputed here from the raw JSON: cum_1 = 0, cum_n = cum_(n-1) + floor_n*(mmr_n - mmr_(n-1)),
    # to a cent (the tables are exact; the loader's own tolerance is not used). This is what makes
    # the maintenance margin continuous across every tier floor of every shipped table.
    for sym, (recs, _) in raw_symbols(SHIPPED_FILES[exchange]).items():
        cum = 0.0
        assert recs[0]["floor"] == 0 and recs[0].get("maintenance_amount", 0) == 0
        for prev, r in itertools.pairwise(recs):
            cum += r["floor"] * (r["mmr"] - prev["mmr"])
            assert abs(r["maintenance_amount"] - cum) <= 0.01, (exchange, sym, r)
            assert r["floor"] == prev["cap"], (exchange, sym, r)
            # continuity at the floor, both tiers' lines: n*mmr - cum agree to a cent
            n = r["floor"]
            left = n * prev["mmr"] - prev["maintenance_amount"]
            assert abs(left - (n * r["mmr"] - r["maintenance_amount"])) <= 0.011, (sym, n)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_maintenance_margin_is_the_upper_envelope_of_the_tier_lines(data) -> None:
    # Convexity + continuity: for any shipped table and notional, MM(n) = max_t(n*mmr_t - cum_t)
    # (the solver relies on it), computed here from the raw records.
    exchange = data.draw(st.sampled_from(sorted(SHIPPED_FILES)))
    raw = raw_symbols(SHIPPED_FILES[exchange])
    sym = data.draw(st.sampled_from(sorted(raw)))
    recs = raw[sym][0]
    top = recs[-1]["cap"] or 1e10
    n = data.draw(st.floats(0, top, exclude_max=True, allow_nan=False))
    envelope = max(n * r["mmr"] - r["maintenance_amount"] for r in recs)
    got = float(shipped_table(exchange, sym).maintenance_margin(n))
    assert got == pytest.approx(envelope, rel=1e-12, abs=0.011)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_lookup_follows_each_tables_boundary_rule(data) -> None:
    # For any shipped table and notional, the tier found contains the notional under the table's
    # rule: floor <= n < cap (Binance, Hyperliquid) or floor < n <= cap (Bybit; n = 0 is tier 1).
    exchange = data.draw(st.sampled_from(sorted(SHIPPED_FILES)))
    sym = data.draw(st.sampled_from(shipped_symbols(exchange)))
    table = shipped_table(exchange, sym)
    top = table.max_notional if math.isfinite(table.max_notional) else 1e10
    # draw tier floors themselves half of the time: the boundaries are where rules differ
    floors = [t.floor for t in table.tiers]
    n = data.draw(st.one_of(st.sampled_from(floors), st.floats(0, top, exclude_max=True)))
    t = table.tier(n)
    if table.boundary == "cap":
        assert (t.floor < n <= t.cap) or (n == 0 and t is table.tiers[0]), (sym, n, t)
    else:
        assert t.floor <= n < t.cap, (sym, n, t)


def test_shipped_binance_matches_formulas_md() -> None:
    t = shipped_table("binance", "BTCUSDT")
    got = [(x.floor, x.cap, x.max_leverage, x.mmr, x.maintenance_amount) for x in t.tiers]
    assert got == [tuple(map(float, row)) for row in BTC_BRACKETS]
    assert (t.boundary, t.notional_unit, t.as_of) == ("floor", "USDT", "2026-03-05")
    eth = shipped_table("binance", "ETHUSDT")
    # ETHUSDT differs from tier 5's cap on: floors 50M/65M/150M/320M/400M/530M/800M, cum 382,000
    # (132,000 + 50M x 0.005), 2,007,000 (+ 65M x 0.025), 9,507,000 (+ 150M x 0.05), ...
    assert [x.floor for x in eth.tiers][5:] == [50e6, 65e6, 150e6, 320e6, 400e6, 530e6, 800e6]
    assert [x.maintenance_amount for x in eth.tiers][5:] == [
        382_000, 2_007_000, 9_507_000, 17_507_000, 27_507_000, 80_507_000, 280_507_000,
    ]  # fmt: skip


def test_binance_snapshot_lists_every_usdt_and_usdc_perpetual() -> None:
    syms = shipped_symbols("binance")
    # 644 USDT- and 38 USDC-settled perpetuals in the 2026-03-05 dump (its README), no dated
    # contracts (BTCUSDT_260327) and no BTC-settled ETHBTC.
    assert len(syms) == 682 and len(set(syms)) == 682
    assert all(s.endswith(("USDT", "USDC")) and "_" not in s for s in syms)
    assert {"BTCUSDT", "ETHUSDT", "SOLUSDT", "DOGEUSDT", "XRPUSDT", "BTCUSDC"} <= set(syms)
    assert sum(s.endswith("USDC") for s in syms) == 38
    usdc = shipped_table("binance", "BTCUSDC")
    assert usdc.notional_unit == "USDC"
    assert shipped_table("binance", "DOGEUSDT").notional_unit == "USDT"


def test_shipped_symbols_accept_ccxt_notation() -> None:
    assert shipped_table("binance", "BTC/USDT:USDT") is shipped_table("binance", "BTCUSDT")
    assert shipped_table("hyperliquid", "BTC/USDC:USDC").name == "hyperliquid BTC"
    for sym in shipped_symbols("binance"):
        assert to_app_symbol(to_ccxt_symbol(sym)) == sym


SHARED_CSV = ROOT.parent / "shared" / "data" / "exchange_tiers_2026"


@pytest.mark.skipif(not SHARED_CSV.is_dir(), reason="market data beside the project not present")
def test_binance_snapshot_equals_the_recorded_brackets() -> None:
    # The shipped snapshot against the 2026-03-05 recording it was converted from, row by row.
    with open(SHARED_CSV / "binance_usdm_tiers_2026-03-05.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    expected: dict[str, list[tuple]] = {}
    for r in rows:
        base, rest = r["symbol"].split("/")
        quote, settle = rest.split(":")
        if "-" in settle or settle not in ("USDT", "USDC"):
            continue
        expected.setdefault(base + quote, []).append(
            tuple(
                float(r[k]) for k in ("floor", "cap", "mmr", "maintenance_amount", "max_leverage")
            )
        )
    assert set(expected) == set(shipped_symbols("binance"))
    for sym, tiers in expected.items():
        t = shipped_table("binance", sym)
        got = [(x.floor, x.cap, x.mmr, x.maintenance_amount, x.max_leverage) for x in t.tiers]
        assert got == tiers, sym


@pytest.mark.skipif(not SHARED_CSV.is_dir(), reason="market data beside the project not present")
def test_bybit_snapshot_equals_the_recorded_risk_limits() -> None:
    with open(SHARED_CSV / "bybit_linear_BTCUSDT_margin_parameters.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    t = shipped_table("bybit", "BTCUSDT")
    got = [(x.floor, x.cap, x.mmr, x.maintenance_amount, x.max_leverage) for x in t.tiers]
    want = [
        tuple(float(r[k]) for k in ("floor", "cap", "mmr", "maintenance_amount", "max_leverage"))
        for r in rows
    ]
    assert got == want and len(got) == 20


# --- boundary conventions ------------------------------------------------------------------------


def test_bybit_btcusdt_twenty_tiers_cap_inclusive() -> None:
    # Bybit 'Margin Parameters' BTCUSDT: <= 2,000,000 at 0.5% and 100x ... <= 80,000,000 at 4.5%
    # and 14x; a position value EQUAL to a risk limit is in that tier (value <= risk limit).
    t = shipped_table("bybit", "BTCUSDT")
    assert len(t.tiers) == 20 and t.boundary == "cap"
    assert (t.tiers[0].cap, t.tiers[0].mmr, t.tiers[0].max_leverage) == (2_000_000, 0.005, 100)
    assert (t.tiers[-1].cap, t.tiers[-1].mmr, t.tiers[-1].max_leverage) == (80_000_000, 0.045, 14)
    assert int(t.index(2_000_000.0)) == 0  # exactly the risk limit: tier 1
    assert int(t.index(2_000_000.01)) == 1
    assert int(t.index(0.0)) == 0
    assert list(t.max_leverage([2_000_000.0, 2_000_000.01])) == [100, 90]
    # Continuous at the boundary: 2,000,000 x 0.5% = 10,000 = 2,000,000 x 0.56% - 1,200
    assert float(t.maintenance_margin(2_000_000.0)) == pytest.approx(10_000.0)
    assert float(t.maintenance_margin(2_000_000.01)) == pytest.approx(10_000.0, abs=1e-3)
    # The last risk limit itself is allowed, a cent more is not
    assert float(t.maintenance_margin(80_000_000.0)) == pytest.approx(80e6 * 0.045 - 1_482_000)
    with pytest.raises(
        ValueError, match=r"allowed: 0 <= notional <= 80,000,000 .*floor < n <= cap"
    ):
        t.index(80_000_000.01)


def test_binance_floor_inclusive_at_the_tier_2_floor() -> None:
    t = shipped_table("binance", "BTCUSDT")
    assert int(t.index(300_000.0)) == 1 and int(t.index(299_999.99)) == 0
    assert list(t.max_leverage([299_999.99, 300_000.0])) == [150, 100]
    assert float(t.maintenance_margin(300_000.0)) == pytest.approx(300_000 * 0.005 - 300)


def test_bybit_liquidation_exactly_at_the_risk_limit() -> None:
    # Bybit values the maintenance margin at entry (help 'Liquidation Price (USDT Contract)'):
    # LP = EP - (IM - MM)/Q. Long 20 BTC at 100,000 = 2,000,000 = tier 1's risk limit, 100x:
    # IM = 20,000, MM = 2,000,000 x 0.5% = 10,000, LP = 100,000 - 10,000/20 = 99,500.
    venue = get_venue("bybit", "BTCUSDT")
    assert liquidation_price(Position("long", 100_000, 20, leverage=100), venue) == pytest.approx(
        99_500.0, rel=1e-12
    )
    # One cent more of position value is tier 2 (90x at most): 100x is refused.
    with pytest.raises(ValueError, match=r"leverage=100 .*allowed: 1 <= leverage <= 90"):
        liquidation_price(Position("long", 100_000.0005, 20, leverage=100), venue)
    # At 50x in tier 2: IM = 40,000.01, MM = 2,000,000.01 x 0.56% - 1,200 = 10,000.00;
    # LP = EP - (IM - MM)/Q = 100,000.0005 - 30,000.01/20 = 98,500.000
    lp = liquidation_price(Position("long", 100_000.0005, 20, leverage=50), venue)
    mm = 2_000_000.01 * 0.0056 - 1_200
    assert lp == pytest.approx(100_000.0005 - (2_000_000.01 / 50 - mm) / 20, rel=1e-12)


def test_a_cap_inclusive_table_is_solved_at_the_boundary_tier() -> None:
    # Mark-valued solver with a cap-inclusive table (Bybit/Gate convention) whose tier 1 ends
    # at 10,000: a long whose notional at the LP is exactly 10,000 must use tier 1.
    # Long 1 at 10,500 with margin m: tier 1 LP = (m - 10,500)/(0.01 - 1) = 10,000 ->
    # m = 10,500 - 9,900 = 600.
    rows = [
        {"floor": 0, "cap": 10_000, "mmr": 0.01, "maintenance_amount": 0, "max_leverage": 50},
        {"floor": 10_000, "cap": None, "mmr": 0.02, "maintenance_amount": 100, "max_leverage": 25},
    ]
    table = TierTable.from_records("cap test", rows, "s", "2026-01", boundary="cap")
    lp = liquidation_price(
        Position("long", 10_500, 1, margin=600), get_venue("binance", table=table)
    )
    assert lp == pytest.approx(10_000.0, rel=1e-12)
    assert table.tier(10_000.0).mmr == 0.01 and table.tier(10_000.01).mmr == 0.02


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
