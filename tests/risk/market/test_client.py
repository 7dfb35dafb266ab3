"""risk.market.client: lazy ccxt, the factory pointed at another host, symbol lookup, fetches
against the local fake exchange (exchange_fixtures/binance.json, built from Binance's documented
responses)."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from pathlib import Path

import pytest

from risk.market import client
from tests.risk.market.fake_exchange import serve

ROOT = Path(__file__).resolve().parents[3]
KEYS = {client.BINANCE_KEY_ENV: "read-only-key", client.BINANCE_SECRET_ENV: "secret"}


def test_importing_risk_does_not_import_ccxt() -> None:
    code = (
        "import sys, risk, risk.market.client, risk.market.cache, risk.cli_market, risk.cli; "
        "print('ccxt' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "False"


def test_factory_points_every_api_url_at_the_given_host() -> None:
    ex = client.make_exchange("bybit", base_url="http://127.0.0.1:9")
    urls = []

    def walk(node):
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, str):
            urls.append(node)

    walk(ex.urls["api"])
    assert urls and all(
        u.startswith("http://127.0.0.1:9/") or u == "http://127.0.0.1:9" for u in urls
    )


@pytest.mark.parametrize(
    ("exchange", "ccxt_id"),
    [
        ("binance", "binanceusdm"),
        ("bybit", "bybit"),
        ("okx", "okx"),
        ("gate", "gate"),
        ("hyperliquid", "hyperliquid"),
    ],
)
def test_factory_builds_each_venue(exchange: str, ccxt_id: str) -> None:
    assert client.make_exchange(exchange, env={}).id == ccxt_id


def test_binance_key_comes_from_the_environment() -> None:
    assert not client.has_tier_access(client.make_exchange("binance", env={}), "binance")
    ex = client.make_exchange("binance", env=KEYS)
    assert ex.apiKey == "read-only-key" and client.has_tier_access(ex, "binance")
    assert "LEVERAGE_LAB_BINANCE_KEY" in client.BINANCE_KEY_MISSING
    assert "\n" not in client.BINANCE_KEY_MISSING


def test_unknown_exchange_is_refused() -> None:
    with pytest.raises(ValueError, match="exchange='kraken'"):
        client.make_exchange("kraken")


def test_interval_from_history() -> None:
    h = 3_600_000
    assert client.interval_from_history([0, 8 * h, 16 * h, 24 * h]) == 8.0
    # one missing funding does not move the median
    assert client.interval_from_history([0, 4 * h, 8 * h, 16 * h, 20 * h]) == 4.0
    assert client.interval_from_history([0]) is None


def test_requests_estimate() -> None:
    # 2 days: 2,880 one-minute bars = 3 pages of 1,000; 48 hourly bars = 1 page; + tiers
    assert client.requests_estimate(2, ["1m", "1h"]) == 5


def test_fetches_against_the_fake_exchange() -> None:
    now = int(time.time() * 1000)
    with serve("binance", now_ms=now) as fake:
        ex = client.make_exchange("binance", base_url=fake.url, env=KEYS)
        client.load_markets(ex, "binance")
        sym = client.unified_symbol(ex, "binance", "BTCUSDT")
        assert sym == "BTC/USDT:USDT"
        assert client.unified_symbol(ex, "binance", "BTC/USDT:USDT") == sym
        with pytest.raises(ValueError, match="symbol='DOGEUSDT' is not a perpetual on binance"):
            client.unified_symbol(ex, "binance", "DOGEUSDT")
        tiers = client.fetch_tiers_raw(ex, "binance", sym)[sym]
        # Binance 2026-03-05 BTCUSDT: tier 1 to 300,000 at 0.4% and 150x; tier 2 0.5%, cum 300
        assert (tiers[0]["maxNotional"], tiers[0]["maintenanceMarginRate"]) == (300_000, 0.004)
        assert tiers[0]["maxLeverage"] == 150
        assert tiers[1]["info"]["cum"] == 300.0
        now_fr = client.fetch_funding_now(ex, "binance", sym)
        # the fixture's premiumIndex: markPrice 91234.56, lastFundingRate 0.000075
        assert now_fr.mark_price == 91234.56
        assert now_fr.funding_rate_per_interval == 0.000075
        hist = client.fetch_funding_history(ex, "binance", sym, 3, now_ms=now)
        times = [t for t, _ in hist]
        assert len(hist) in (9, 10) and times == sorted(set(times))
        assert client.interval_from_history(times) == 8.0
        rows = client.fetch_candles(ex, "binance", sym, "1m", 1, now_ms=now)
        # 1 day of minutes from the aligned start: 1,440 or 1,441 bars, each once, in order,
        # walked in Binance's documented default pages of 500
        assert len(rows) in (1440, 1441)
        assert all(b[0] - a[0] == 60_000 for a, b in itertools.pairwise(rows))
        assert fake.requests.count("GET /fapi/v1/klines") >= 3
