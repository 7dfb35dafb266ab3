"""The sidebar's market block: offline by default, Live from the cache, Refresh now against the
local fake exchange (tests/risk/market/fake_exchange.py), the "data as of" line and the stale
tier warning, the symbol picker listing cached symbols."""

from __future__ import annotations

import datetime as dt
import math
import time

import numpy as np
import pytest

from risk import realized_vol as rv
from risk.funding import funding_cost
from risk.market import cache
from risk.tiers import shipped_table
from tests.risk.market.fake_exchange import serve
from tests.risk.market.test_cache import CCXT_TIERS
from ui.testing import app_test, shows

HOUR_MS = 3_600_000


def write_cache(symbol: str = "BTCUSDT", tiers=CCXT_TIERS, n_bars: int = 400) -> tuple:
    """A cached BTCUSDT: mark 91,234.5, funding +0.01% per 4 h, n hourly GBM-like candles."""
    rng = np.random.default_rng(3)
    t0 = int(dt.datetime(2026, 11, 1, tzinfo=dt.UTC).timestamp() * 1000)
    closes = 90_000 * np.exp(np.cumsum(0.006 * rng.standard_normal(n_bars)))
    opens = np.concatenate([[90_000.0], closes[:-1]])
    highs = np.maximum(opens, closes) * (1 + 0.002 * rng.random(n_bars))
    lows = np.minimum(opens, closes) * (1 - 0.002 * rng.random(n_bars))
    rows = [
        [t0 + i * HOUR_MS, float(opens[i]), float(highs[i]), float(lows[i]), float(closes[i]), 1.0]
        for i in range(n_bars)
    ]
    snap = cache.MarketSnapshot(
        exchange="binance",
        symbol=symbol,
        mark_price=91234.5,
        funding_rate_per_interval=0.0001,
        next_funding_rate=None,
        funding_interval_hours=4.0,
        next_funding_time="",
        as_of="2026-12-01T10:00:00Z",
        source="test",
    )
    cache.save_symbol(
        "binance",
        symbol,
        snapshot=snap,
        tiers_raw=tiers,
        funding_history=[],
        candles={"1h": rows},
    )
    # the last 30 days of bars, as the Live toggle measures them
    keep = [r for r in rows if r[0] >= rows[-1][0] - 30 * 24 * HOUR_MS]
    return tuple(np.array([r[k] for r in keep]) for k in (1, 2, 3, 4))


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


def test_offline_default_shows_data_as_of_and_the_stale_warning(market_dir) -> None:
    at = app_test("pages/funding_drag.py")
    assert not at.exception and not at.error
    assert at.toggle(key="live").value is False
    table = shipped_table("binance", "BTCUSDT")
    line = next(c for c in captions(at) if "Data as of" in c)
    assert f"tiers binance BTCUSDT: {table.as_of}" in line
    assert "market: presets (Live off)" in line
    age = (dt.date.today() - cache.as_of_date(table.as_of)).days
    stale = [m.value for m in at.markdown if "days old" in m.value]
    assert (len(stale) == 1) == (age > 90)
    if age > 90:
        assert f"{age:,} days old" in stale[0]
    assert "live" not in at.selectbox(key="fr_preset").options


def test_live_without_cache_says_so_and_keeps_working(market_dir) -> None:
    at = app_test("pages/funding_drag.py")
    at.toggle(key="live").set_value(True).run()
    assert not at.exception and not at.error
    assert any("No market data cached" in c for c in captions(at))
    assert at.number_input(key="entry").value == 100_000.0
    assert "live" not in at.selectbox(key="fr_preset").options


def test_live_fills_entry_funding_and_volatility_from_the_cache(market_dir) -> None:
    o, h, lo, c = write_cache()
    at = app_test("pages/funding_drag.py")
    at.toggle(key="live").set_value(True).run()
    assert not at.exception and not at.error
    assert at.number_input(key="entry").value == 91234.5
    assert at.selectbox(key="fr_preset").value == "live"
    # 0.01% per 4 h = 0.02% per 8 h; the page pays it every 8 h on the sidebar's 5,000 notional
    shows(at, "Funding paid", float(funding_cost(5_000.0, 0.0002, 8.0, 30, "long")))
    line = next(x for x in captions(at) if "Data as of" in x)
    assert "market: 2026-12-01T10:00:00Z" in line
    # the cached table (as of the refresh) is the one in use, not the shipped snapshot
    assert "tiers binance BTCUSDT: 2026-12-01T10:00:00Z" in line
    expected_vol = float(rv.yang_zhang_vol(o, h, lo, c, 1.0))
    at.switch_page("pages/why_50x.py").run()
    assert not at.exception
    box = at.selectbox(key="w50_vol")
    assert box.value == "live"
    assert f"{expected_vol:.0%} a year" in box.format_func("live")
    # a user edit of the entry is kept on the next rerun
    at.number_input(key="entry").set_value(95_000.0).run()
    assert at.number_input(key="entry").value == 95_000.0


def test_symbol_picker_lists_cached_symbols_and_uses_their_tiers(market_dir) -> None:
    raw = {"ZZZ/USDT:USDT": [dict(t, symbol="ZZZ/USDT:USDT") for t in CCXT_TIERS["BTC/USDT:USDT"]]}
    write_cache("ZZZUSDT", tiers=raw)
    at = app_test("pages/liquidation_map.py")
    opts = at.selectbox(key="sym").options
    assert opts[:2] == ["BTCUSDT", "ETHUSDT"] and opts[-1] == "custom" and "ZZZUSDT" in opts
    at.selectbox(key="sym").set_value("ZZZUSDT").run()
    assert not at.exception and not at.error
    assert not [n for n in at.number_input if n.key == "mmr"], "no typed rate needed"
    assert any("tiers binance ZZZUSDT" in x for x in captions(at))


@pytest.mark.parametrize("fail", [False, True])
def test_refresh_now_against_the_fake_exchange(market_dir, monkeypatch, fail) -> None:
    now = int(time.time() * 1000)
    with serve("binance", now_ms=now, fail_on=3 if fail else None) as fake:
        monkeypatch.setenv("LEVERAGE_LAB_MARKET_URL", fake.url)
        at = app_test("pages/funding_drag.py")
        at.toggle(key="live").set_value(True).run()
        at.button(key="mk_refresh").click().run()
    assert not at.exception and not at.error
    if fail:
        (warning,) = [w.value for w in at.warning if "Refresh failed" in w.value]
        assert "funding history failed" in warning and "\n" not in warning
        assert cache.read_snapshot("binance", "BTCUSDT") is None
        assert at.number_input(key="entry").value == 100_000.0
        return
    (ok,) = [s.value for s in at.success]
    # no API key in the tests: the tiers are not fetched, and the message says why
    assert ok.startswith("Refreshed binance BTCUSDT as of ") and "API key" in ok
    snap = cache.read_snapshot("binance", "BTCUSDT")
    assert snap.mark_price == 91234.56
    assert at.number_input(key="entry").value == 91234.56
    assert at.selectbox(key="fr_preset").value == "live"
    # the fixture's lastFundingRate 0.000075 per 8 h (history spaced 8 h)
    shows(at, "Funding paid", float(funding_cost(5_000.0, 0.000075, 8.0, 30, "long")))
    assert math.isclose(snap.funding_rate_per_8h, 0.000075)
