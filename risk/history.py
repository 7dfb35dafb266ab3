"""The price history shipped with the project (``risk/data/history/``), as candles.

``load_history("btc-1h")`` returns a ``DataFrame`` with ``open, high, low, close`` columns and
a UTC ``DatetimeIndex`` (candle open times), oldest first: the form every candle consumer takes
(:mod:`risk.conditional_vol`, :mod:`risk.calibration`). Provenance, licence and ``as_of`` of
each data set: ``risk/data/history.json`` (:func:`history_info`).
"""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

from risk._validate import check_choice

#: The two-year hourly history the calibration and the lesson use by default.
DEFAULT_HISTORY = "btc-1h"


@dataclass(frozen=True)
class HistoryInfo:
    name: str
    file: str
    label: str
    asset: str
    interval_days: float
    source: str
    licence: str
    as_of: str


@cache
def _doc() -> dict:
    return json.loads(resources.files("risk").joinpath("data", "history.json").read_text("utf-8"))


def history_names() -> tuple[str, ...]:
    return tuple(_doc()["datasets"])


def history_info(name: str = DEFAULT_HISTORY) -> HistoryInfo:
    check_choice("history", name, history_names())
    d = _doc()["datasets"][name]
    return HistoryInfo(
        name,
        d["file"],
        d["label"],
        d["asset"],
        float(d["interval_days"]),
        d["source"],
        d["licence"],
        d["as_of"],
    )


@cache
def _load(name: str) -> pd.DataFrame:
    info = history_info(name)
    raw = resources.files("risk").joinpath("data", "history", info.file).read_bytes()
    df = pd.read_csv(io.BytesIO(gzip.decompress(raw)))
    idx = pd.DatetimeIndex(
        pd.to_datetime(df.pop("timestamp"), unit="s", utc=True), name="timestamp"
    )
    df.index = idx
    return df.astype(float)


def load_history(name: str = DEFAULT_HISTORY) -> pd.DataFrame:
    """The candles of a shipped data set (a copy: callers may modify it)."""
    return _load(name).copy()
