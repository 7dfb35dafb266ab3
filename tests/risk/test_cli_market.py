"""``python -m risk market`` against the local fake exchange (tests/risk/market/fake_exchange.py,
ccxt pointed at 127.0.0.1), and ``liq`` reading what it cached.

The refresh runs in this process (so the network guard of tests/conftest.py watches it); ``liq``
runs as a subprocess, as other tools run it, reading the cache folder from the environment.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from risk.cli import main
from tests.risk.market.fake_exchange import serve

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"LEVERAGE_LAB_BINANCE_KEY": "read-only-key", "LEVERAGE_LAB_BINANCE_SECRET": "secret"}
REFRESH = ["market", "refresh", "--exchange", "binance", "--symbols", "BTCUSDT", "--days", "2"]
# Binance's tier 2 of BTCUSDT (2026-03-05 brackets, the fixture's leverageBracket answer):
# 300,000 <= notional < 800,000 at 0.5% with maintenance amount 300.
LIQ_TIER2 = [
    "liq",
    "--exchange",
    "binance",
    "--symbol",
    "BTCUSDT",
    "--side",
    "long",
    "--entry",
    "100000",
    "--quantity",
    "4",
    "--leverage",
    "10",
    "--json",
]


def liq(args: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "risk", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return json.loads(out.stdout)


def refresh(url: str, capsys, extra: list[str] = ()) -> tuple[int, str, str]:
    code = main([*REFRESH, "--api-url", url, *extra])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def keys(monkeypatch) -> None:
    for k, v in KEYS.items():
        monkeypatch.setenv(k, v)


def cache_files(market_dir: str) -> dict[str, bytes]:
    root = Path(market_dir)
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_refresh_writes_the_cache_and_liq_uses_it(market_dir, keys, capsys) -> None:
    with serve("binance", now_ms=int(time.time() * 1000)) as fake:
        code, out, err = refresh(fake.url, capsys)
    assert code == 0, err
    assert err == ""
    assert out.startswith("binance BTCUSDT: mark 91,234.56, funding 0.0075% per 8 h")
    files = cache_files(market_dir)
    assert set(files) == {
        f"binance/BTCUSDT/{n}"
        for n in ("snapshot.json", "tiers.json", "funding.csv", "candles_1m.csv", "candles_1h.csv")
    }
    snap = json.loads(files["binance/BTCUSDT/snapshot.json"])
    assert snap["mark_price"] == 91234.56 and snap["funding_interval_hours"] == 8.0
    # 2 days of hourly candles: 48 (49 with the aligned first bar)
    assert files["binance/BTCUSDT/candles_1h.csv"].count(b"\n") - 1 in (48, 49)
    got = liq(LIQ_TIER2)
    assert got["tiers_as_of"] == snap["as_of"]  # the cache, not the shipped snapshot
    assert (got["mmr"], got["maintenance_amount"]) == (0.005, 300.0)
    # Binance (FAQ formula): LP = (WB - TMM1 + UPNL1 + cum - side*Q*EP) / (Q*MMR - side*Q)
    wb, q, ep = 40_000.0, 4.0, 100_000.0
    expected = (wb + 300.0 - q * ep) / (q * 0.005 - q)
    assert got["liquidation_price"] == pytest.approx(expected, rel=1e-12)

    show = main(["market", "show"])
    out, _ = capsys.readouterr()
    assert show == 0 and f"as of {snap['as_of']}" in out and "BTCUSDT" in out


@pytest.mark.parametrize("failure", ["500", "drop"])
def test_interrupted_refresh_leaves_the_old_cache(market_dir, keys, capsys, failure) -> None:
    now = int(time.time() * 1000)
    with serve("binance", now_ms=now) as fake:
        assert refresh(fake.url, capsys)[0] == 0
    before = cache_files(market_dir)
    # the 3rd request (after markets and tiers: the funding rate) fails
    with serve("binance", now_ms=now, fail_on=3, failure=failure) as fake:
        code, out, err = refresh(fake.url, capsys)
        assert len(fake.requests) == 3, "nothing is asked after the failure"
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("the cache was not changed\n")
    assert err.startswith("python -m risk market refresh: error: binance: funding rate failed")
    assert cache_files(market_dir) == before
    assert (
        liq(LIQ_TIER2)["tiers_as_of"]
        == json.loads(before["binance/BTCUSDT/snapshot.json"])["as_of"]
    )


def test_refused_connection_is_one_line(market_dir, capsys) -> None:
    # nothing listens on port 9 (discard) of 127.0.0.1: the connection is refused
    code, out, err = refresh("http://127.0.0.1:9", capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "loading markets failed" in err
    assert cache_files(market_dir) == {}


def test_binance_without_a_key_says_so_and_keeps_the_shipped_tiers(market_dir, capsys) -> None:
    with serve("binance", now_ms=int(time.time() * 1000)) as fake:
        code, out, err = refresh(fake.url, capsys, ["--timeframes", "1h"])
        assert "GET /fapi/v1/leverageBracket" not in fake.requests
    assert code == 0
    assert err.strip().splitlines() == [
        "binance: leverage brackets need a read-only API key in LEVERAGE_LAB_BINANCE_KEY and "
        "LEVERAGE_LAB_BINANCE_SECRET; tiers not refreshed (the shipped snapshot stays in use)"
    ]
    assert "tiers kept" in out
    assert not (Path(market_dir) / "binance" / "BTCUSDT" / "tiers.json").exists()
    assert not (Path(market_dir) / "binance" / "BTCUSDT" / "candles_1m.csv").exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--days", "91"], "--days=91"),
        (["--days", "0"], "--days=0"),
        (["--timeframes", "5m"], "--timeframes='5m'"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(market_dir, capsys, args, needle) -> None:
    code = main([*REFRESH, "--api-url", "http://127.0.0.1:9", *args])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and needle in err


def test_cli_works_with_no_cache_and_no_network(market_dir) -> None:
    # no cache folder at all, no URL: liq uses the shipped snapshot; show says nothing is cached
    got = liq(LIQ_TIER2)
    assert got["tiers_as_of"] != "" and got["mmr"] > 0
    out = subprocess.run(
        [sys.executable, "-m", "risk", "market", "show"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert out.stdout.startswith("no market data cached in ")


def test_progress_bar_draws_on_a_terminal_only() -> None:
    import io

    from risk.cli_market import Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, pipe = Tty(), io.StringIO()
    for stream in (tty, pipe):
        bar = Progress(4, stream, width=8)
        bar.step(1, "BTCUSDT 1m candles")
        bar.step(1)
        bar.clear()
    assert pipe.getvalue() == ""
    frames = tty.getvalue().split("\r")
    assert frames[1].startswith("[##      ]  25% BTCUSDT 1m candles")
    assert frames[2].startswith("[####    ]  50% BTCUSDT 1m candles")
    assert tty.getvalue().endswith("\r\x1b[K")
