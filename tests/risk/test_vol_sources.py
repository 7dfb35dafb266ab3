"""Tests for risk.vol_sources: the three places "volatility now" reads candles from (a price
CSV, the market-data cache, the shipped history), each read back against what was written."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from risk.conditional_vol import vol_now
from risk.history import load_history
from risk.market import cache
from risk.vol_sources import csv_candles, history_candles, market_candles, now_history

HOUR_MS = 3_600_000


def hourly_rows(n: int, seed: int = 1, sd: float = 0.006) -> list[list[float]]:
    rng = np.random.default_rng(seed)
    closes = 50_000 * np.exp(np.cumsum(sd * rng.standard_normal(n)))
    t0 = 1_700_000_000_000
    closes = [float(c) for c in closes]  # as ccxt returns them (the cache writes repr)
    return [[t0 + i * HOUR_MS, c, c * 1.001, c * 0.999, c, 1.0] for i, c in enumerate(closes)]


def save(symbol: str, candles: dict[str, list[list[float]]]) -> None:
    snap = cache.MarketSnapshot(
        exchange="binance",
        symbol=symbol,
        mark_price=50_000.0,
        funding_rate_per_interval=0.0001,
        next_funding_rate=None,
        funding_interval_hours=8.0,
        next_funding_time="",
        as_of="2026-12-01T10:00:00Z",
        source="test",
    )
    cache.save_symbol(
        "binance", symbol, snapshot=snap, tiers_raw=None, funding_history=[], candles=candles
    )


def write_csv(path, rows: list[list[float]]) -> None:
    """A price CSV of the rows' closes, timestamps in Unix seconds."""
    frame = pd.DataFrame({"timestamp": [r[0] // 1000 for r in rows], "close": [r[4] for r in rows]})
    frame.to_csv(path, index=False)


def ewma_annual_by_hand(closes: np.ndarray, half_life_intervals: float, per_year: float) -> float:
    r = np.diff(np.log(closes))
    lam = 0.5 ** (1 / half_life_intervals)
    s = float(np.mean(r[: math.ceil(3 * half_life_intervals)] ** 2))
    for x in r:
        s = lam * s + (1 - lam) * x * x
    return math.sqrt(s * per_year)


def test_csv_source_reads_the_closes_of_the_file(tmp_path) -> None:
    rows = hourly_rows(400)
    path = tmp_path / "btc.csv"
    write_csv(path, rows)
    src = csv_candles(path, "btc.csv")
    assert src.source == "csv" and src.label == "your price file btc.csv"
    closes = np.array([r[4] for r in rows])
    want = ewma_annual_by_hand(closes, 72.0, 24 * 365)
    assert vol_now(src.candles, "ewma").vol_annual == pytest.approx(want, rel=1e-9)


def test_market_source_prefers_hourly_candles_and_falls_back_to_minutes(market_dir) -> None:
    hourly, minutes = hourly_rows(300, seed=2), hourly_rows(300, seed=3, sd=0.001)
    minutes = [[r[0] // 60, *r[1:]] for r in minutes]  # one-minute spacing
    save("BTCUSDT", {"1h": hourly, "1m": minutes})
    src = market_candles("binance", "BTC/USDT:USDT")  # ccxt notation is the same symbol
    assert src.source == "market"
    assert "binance BTCUSDT 1h candles, refreshed 2026-12-01T10:00:00Z" in src.label
    assert src.candles["close"].tolist() == [r[4] for r in hourly]
    save("ETHUSDT", {"1m": minutes})
    src = market_candles("binance", "ETHUSDT")
    assert "1m candles" in src.label
    assert src.candles.index[1] - src.candles.index[0] == pd.Timedelta(minutes=1)


def test_market_source_without_a_cache_says_how_to_fill_it(market_dir) -> None:
    with pytest.raises(ValueError, match=r"symbol='BTCUSDT'.*python -m risk market refresh"):
        market_candles("binance", "BTCUSDT")


def test_history_source_is_the_latest_shipped_candles_of_the_asset() -> None:
    assert now_history("ETH") == "eth-1h-2025" and now_history("SOL") == "btc-1h-2025"
    src = history_candles("btc-1h-2025")
    assert src.source == "history" and "2025" in src.label
    assert src.candles["close"].equals(load_history("btc-1h-2025")["close"])
