"""risk.market.cache: atomic writes, dates, the cache-or-shipped tier lookup, readers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path

import pytest

from risk.market import cache
from risk.tiers import shipped_table

# ccxt fetch_leverage_tiers output for Binance BTCUSDT, first three tiers of the 2026-03-05
# recording (Binance GET /fapi/v1/leverageBracket through ccxt; weekly dump
# freqtrade/exchange/binance_leverage_tiers.json, repository ymcbzrgn/HydraQuant, commit
# 2832c6b85), info trimmed to the fields ccxt reads.
CCXT_TIERS = {
    "BTC/USDT:USDT": [
        {
            "tier": 1,
            "symbol": "BTC/USDT:USDT",
            "currency": "USDT",
            "minNotional": 0.0,
            "maxNotional": 300000.0,
            "maintenanceMarginRate": 0.004,
            "maxLeverage": 150.0,
            "info": {
                "bracket": "1",
                "initialLeverage": "150",
                "notionalCap": "300000",
                "notionalFloor": "0",
                "maintMarginRatio": "0.004",
                "cum": "0.0",
            },
        },
        {
            "tier": 2,
            "symbol": "BTC/USDT:USDT",
            "currency": "USDT",
            "minNotional": 300000.0,
            "maxNotional": 800000.0,
            "maintenanceMarginRate": 0.005,
            "maxLeverage": 100.0,
            "info": {
                "bracket": "2",
                "initialLeverage": "100",
                "notionalCap": "800000",
                "notionalFloor": "300000",
                "maintMarginRatio": "0.005",
                "cum": "300.0",
            },
        },
        {
            "tier": 3,
            "symbol": "BTC/USDT:USDT",
            "currency": "USDT",
            "minNotional": 800000.0,
            "maxNotional": 3000000.0,
            "maintenanceMarginRate": 0.0065,
            "maxLeverage": 75.0,
            "info": {
                "bracket": "3",
                "initialLeverage": "75",
                "notionalCap": "3000000",
                "notionalFloor": "800000",
                "maintMarginRatio": "0.0065",
                "cum": "1500.0",
            },
        },
    ]
}


def snapshot(symbol: str = "BTCUSDT", as_of: str = "2026-12-01T10:00:00Z") -> cache.MarketSnapshot:
    return cache.MarketSnapshot(
        exchange="binance",
        symbol=symbol,
        mark_price=91234.5,
        funding_rate_per_interval=0.0001,
        next_funding_rate=None,
        funding_interval_hours=4.0,
        next_funding_time="",
        as_of=as_of,
        source="test",
    )


def save(symbol: str = "BTCUSDT", as_of: str = "2026-12-01T10:00:00Z", tiers=CCXT_TIERS) -> Path:
    return cache.save_symbol(
        "binance",
        symbol,
        snapshot=snapshot(symbol, as_of),
        tiers_raw=tiers,
        funding_history=[(1764547200000, 0.0001), (1764561600000, -0.00005)],
        candles={
            "1h": [
                [1764547200000, 100.0, 102.0, 99.0, 101.0, 5.0],
                [1764550800000, 101.0, 101.5, 100.0, 100.5, 7.0],
            ]
        },
    )


def test_default_folder_is_beside_the_journal(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("LEVERAGE_LAB_MARKET_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert cache.market_dir() == tmp_path / "leverage-lab" / "market"
    from risk.journal.store import default_db_path

    monkeypatch.delenv("LEVERAGE_LAB_DB", raising=False)
    assert default_db_path().parent == cache.market_dir().parent


def test_write_atomic_keeps_the_old_file_when_the_rename_fails(tmp_path, monkeypatch) -> None:
    path = tmp_path / "snapshot.json"
    cache.write_atomic(path, "old")
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))

    def broken_replace(src, dst):
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk gone"):
        cache.write_atomic(path, "new")
    assert path.read_text() == "old"
    assert synced, "the new content is flushed to disk before the rename"
    assert [p.name for p in tmp_path.iterdir()] == ["snapshot.json"], "no temp file left"


@pytest.mark.parametrize(
    ("as_of", "date"),
    [
        ("2026-03-05", dt.date(2026, 3, 5)),
        ("2026-12-02T01:00:00Z", dt.date(2026, 12, 2)),
        ("2024-10", dt.date(2024, 10, 1)),
        ("n/a", None),
        ("user", None),
    ],
)
def test_as_of_date(as_of: str, date) -> None:
    assert cache.as_of_date(as_of) == date


def test_staleness_is_ninety_days() -> None:
    today = dt.date(2026, 12, 2)
    assert cache.age_days("2026-03-05", today) == 272
    assert cache.is_stale("2026-03-05", today)
    assert not cache.is_stale("2026-09-03", today)  # 90 days: not yet
    assert cache.is_stale("2026-09-02", today)  # 91 days
    assert not cache.is_stale("n/a", today)


def test_readers_return_what_was_saved(market_dir) -> None:
    folder = save()
    assert folder == Path(market_dir) / "binance" / "BTCUSDT"
    snap = cache.read_snapshot("binance", "BTCUSDT")
    assert snap == snapshot()
    assert snap.funding_rate_per_8h == pytest.approx(0.0002)  # 0.01% per 4 h = 0.02% per 8 h
    candles = cache.read_candles("binance", "BTCUSDT", "1h")
    assert list(candles.columns) == ["open", "high", "low", "close", "volume"]
    assert candles["close"].tolist() == [101.0, 100.5]
    assert str(candles.index[0]) == "2025-12-01 00:00:00+00:00"
    funding = cache.read_funding_history("binance", "BTCUSDT")
    assert funding.tolist() == [0.0001, -0.00005]
    assert cache.cached_symbols("binance") == ("BTCUSDT",)
    assert cache.read_snapshot("binance", "ETHUSDT") is None
    assert cache.read_candles("binance", "BTCUSDT", "1m") is None


def test_cached_tiers_parse_to_the_exchange_numbers(market_dir) -> None:
    save()
    table = cache.cached_tier_table("binance", "BTCUSDT")
    assert [t.cap for t in table.tiers] == [300_000, 800_000, 3_000_000]
    assert [t.mmr for t in table.tiers] == [0.004, 0.005, 0.0065]
    assert [t.maintenance_amount for t in table.tiers] == [0.0, 300.0, 1500.0]
    assert table.as_of == "2026-12-01T10:00:00Z"


def test_tier_table_prefers_the_newer_of_cache_and_snapshot(market_dir) -> None:
    shipped = shipped_table("binance", "BTCUSDT")
    assert cache.tier_table("binance", "BTCUSDT") == shipped  # no cache
    save(as_of="2026-12-01T10:00:00Z")
    assert cache.tier_table("binance", "BTCUSDT").as_of == "2026-12-01T10:00:00Z"
    save(as_of="2001-01-01T00:00:00Z")  # older than any shipped snapshot
    assert cache.tier_table("binance", "BTCUSDT") == shipped


def test_a_cached_symbol_without_a_shipped_table_is_found(market_dir) -> None:
    raw = {"ZZZ/USDT:USDT": [dict(t, symbol="ZZZ/USDT:USDT") for t in CCXT_TIERS["BTC/USDT:USDT"]]}
    assert not cache.has_table("binance", "ZZZUSDT")
    save("ZZZUSDT", tiers=raw)
    assert cache.has_table("binance", "ZZZUSDT")
    assert cache.tier_table("binance", "ZZZUSDT").tiers[1].mmr == 0.005


def test_a_table_that_cannot_load_is_never_written(market_dir) -> None:
    bad = {"BTC/USDT:USDT": [dict(CCXT_TIERS["BTC/USDT:USDT"][1])]}  # starts at 300,000
    with pytest.raises(ValueError, match="floor"):
        save(tiers=bad)
    assert not (Path(market_dir) / "binance" / "BTCUSDT" / "tiers.json").exists()


def test_corrupt_cache_names_the_file(market_dir) -> None:
    save()
    path = Path(market_dir) / "binance" / "BTCUSDT" / "tiers.json"
    path.write_text("{not json")
    with pytest.raises(ValueError, match=r"tiers\.json"):
        cache.cached_tier_table("binance", "BTCUSDT")
    (path.parent / "snapshot.json").write_text(json.dumps({"exchange": "binance"}))
    assert cache.read_snapshot("binance", "BTCUSDT") is None


def test_okx_tiers_in_contracts_are_cached_with_their_contract_size(market_dir) -> None:
    """OKX's swap tiers count contracts (ETH-USDT-SWAP: 0.1 ETH each): a refresh keeps ccxt's
    contractSize beside them, so the cached table is in ETH; without it the table is refused
    before anything is written."""
    fixture = Path(__file__).parent / "fixtures" / "okx_position_tiers_ETH-USDT-SWAP.json"
    raw = json.loads(fixture.read_text(encoding="utf-8"))
    snap = dataclasses.replace(snapshot("ETHUSDT"), exchange="okx")
    kw = dict(snapshot=snap, tiers_raw=raw, funding_history=[], candles={})
    with pytest.raises(ValueError, match="contract_size"):
        cache.save_symbol("okx", "ETHUSDT", **kw)
    assert not (Path(market_dir) / "okx" / "ETHUSDT" / "tiers.json").exists()
    cache.save_symbol("okx", "ETHUSDT", contract_size=0.1, **kw)
    table = cache.cached_tier_table("okx", "ETHUSDT")
    # 0-2,000 / 2,001-4,000 / 4,001-8,000 contracts of 0.1 ETH
    assert [t.cap for t in table.tiers] == [200.0, 400.0, 800.0]
    assert [t.mmr for t in table.tiers] == [0.01, 0.015, 0.02]


def test_numpy_numbers_are_written_as_plain_digits() -> None:
    """A caller that passes numpy values (a resampled frame, say) got "np.float64(100.0)" in the
    CSV, which reads back as text."""
    import numpy as np

    cache.save_symbol(
        "binance",
        "BTCUSDT",
        snapshot=snapshot(),
        tiers_raw=CCXT_TIERS,
        funding_history=[(np.int64(1764547200000), np.float64(0.0001))],
        candles={"1h": [[np.int64(1764547200000), *np.array([100.0, 102.0, 99.0, 101.0, 5.0])]]},
    )
    folder = cache.symbol_dir("binance", "BTCUSDT")
    assert "np." not in (folder / "candles_1h.csv").read_text()
    assert "np." not in (folder / "funding.csv").read_text()
    got = cache.read_candles("binance", "BTCUSDT", "1h")
    assert got is not None and float(got["close"].iloc[0]) == 101.0
