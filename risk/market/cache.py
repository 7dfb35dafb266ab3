"""The dated market cache: what ``python -m risk market refresh`` fetched, read back offline.

Where: ``LEVERAGE_LAB_MARKET_DIR`` if set, else ``market/`` in the per-user data directory beside
the journal (``$XDG_DATA_HOME/leverage-lab/market``, ``~/.local/share/leverage-lab/market`` when
``XDG_DATA_HOME`` is unset, ``%APPDATA%\\leverage-lab\\market`` on Windows). One folder per exchange
and symbol::

    <dir>/<exchange>/<SYMBOL>/snapshot.json    mark price, funding now, as_of, source
                              tiers.json       the tier table as the source returned it (raw)
                              funding.csv      timestamp_ms, rate per interval
                              candles_1h.csv   timestamp_ms, open, high, low, close, volume
                              candles_1m.csv

Every file is written whole to a temporary file in the same folder, flushed to disk (fsync) and
renamed over the old one (``os.replace``, atomic on POSIX and Windows), so a refresh that is
interrupted leaves each file either as it was or complete: the previous cache stays readable.

Readers return plain frozen dataclasses and DataFrames that the math accepts. The tier table is
kept raw (ccxt's ``fetch_leverage_tiers`` output; Hyperliquid's ``meta``) and parsed on read,
so a better parser improves old caches too. :func:`tier_table` is THE lookup the app and the CLI
use: the cached table when it is at least as new as the shipped snapshot, else the shipped one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from risk import files
from risk.tiers import TierTable, shipped_symbols, shipped_table

if TYPE_CHECKING:
    import pandas as pd

ENV_VAR = "LEVERAGE_LAB_MARKET_DIR"
#: A tier table older than this is flagged in the app (exchanges revise tiers every few months).
STALE_AFTER_DAYS = 90
CANDLE_COLUMNS = ("timestamp_ms", "open", "high", "low", "close", "volume")


def market_dir() -> Path:
    """``LEVERAGE_LAB_MARKET_DIR`` if set, else ``leverage-lab/market`` in the user's data
    directory (the journal's folder)."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    if os.name == "nt" and os.environ.get("APPDATA"):
        base = Path(os.environ["APPDATA"])
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "").strip()
        # The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "leverage-lab" / "market"


def symbol_dir(exchange: str, symbol: str) -> Path:
    return market_dir() / exchange / symbol


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` so that a crash leaves the old file or the new one,
    never half: :func:`risk.files.write_atomic`, creating the folder first."""
    files.write_atomic(path, text.encode("utf-8"), make_parents=True)


# --- dates ------------------------------------------------------------------------------------
def as_of_date(as_of: str) -> dt.date | None:
    """The date of an ``as_of`` text: ``2026-03-05``, ``2026-12-02T01:00:00Z`` or ``2024-10``
    (a month counts from its first day); None when it carries no date (``n/a``, ``user``)."""
    text = str(as_of).strip()
    for fmt, n in (("%Y-%m-%d", 10), ("%Y-%m", 7)):
        try:
            return dt.datetime.strptime(text[:n], fmt).date()
        except ValueError:
            continue
    return None


def age_days(as_of: str, today: dt.date | None = None) -> int | None:
    """Whole days from ``as_of`` to ``today`` (UTC today by default); None without a date."""
    d = as_of_date(as_of)
    if d is None:
        return None
    today = today or dt.datetime.now(dt.UTC).date()
    return (today - d).days


def is_stale(as_of: str, today: dt.date | None = None) -> bool:
    """True when the data is older than :data:`STALE_AFTER_DAYS`."""
    age = age_days(as_of, today)
    return age is not None and age > STALE_AFTER_DAYS


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- records ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class MarketSnapshot:
    """Today's market for one perpetual, as cached.

    ``mark_price`` in the quote currency; ``funding_rate_per_interval`` (the rate the exchange
    shows now, applied at the next funding time) and ``next_funding_rate`` (None when the
    exchange does not publish one) are fractions per ``funding_interval_hours``.
    """

    exchange: str
    symbol: str
    mark_price: float
    funding_rate_per_interval: float
    next_funding_rate: float | None
    funding_interval_hours: float
    next_funding_time: str
    as_of: str
    source: str

    @property
    def funding_rate_per_8h(self) -> float:
        """The same daily cost quoted per 8 h: ``rate * 8 / interval_hours``."""
        return self.funding_rate_per_interval * 8.0 / self.funding_interval_hours


def save_symbol(
    exchange: str,
    symbol: str,
    *,
    snapshot: MarketSnapshot,
    tiers_raw: Any | None,
    funding_history: list[tuple[int, float]],
    candles: dict[str, list[list[float]]],
    contract_size: float | None = None,
) -> Path:
    """Write one symbol's refresh (each file atomically); returns its folder. ``tiers_raw=None``
    keeps the tier table cached before (Binance without an API key). ``contract_size``: base
    units per contract, kept beside tiers that count contracts (OKX swaps) so they can be read."""
    folder = symbol_dir(exchange, symbol)
    if tiers_raw is not None:
        doc = {
            "exchange": exchange,
            "symbol": symbol,
            "source": snapshot.source,
            "as_of": snapshot.as_of,
            "raw": tiers_raw,
        }
        if contract_size is not None:
            doc["contract_size"] = float(contract_size)
        _parse(exchange, symbol, doc, folder / "tiers.json")  # refuse a table that cannot load
        write_atomic(folder / "tiers.json", json.dumps(doc))
    # repr(float(x)): exact round trip, and plain digits for numpy floats too (their own repr is
    # "np.float64(...)", which reads back as text)
    fund = "timestamp_ms,rate_per_interval\n" + "".join(
        f"{int(t)},{float(r)!r}\n" for t, r in funding_history
    )
    write_atomic(folder / "funding.csv", fund)
    for tf, rows in candles.items():
        text = ",".join(CANDLE_COLUMNS) + "\n"
        text += "".join(
            f"{int(r[0])},{float(r[1])!r},{float(r[2])!r},{float(r[3])!r},{float(r[4])!r},"
            f"{float(r[5] or 0.0)!r}\n"
            for r in rows
        )
        write_atomic(folder / f"candles_{tf}.csv", text)
    write_atomic(folder / "snapshot.json", json.dumps(asdict(snapshot), indent=1))
    return folder


def cached_symbols(exchange: str) -> tuple[str, ...]:
    """Symbols with a cached snapshot for an exchange, sorted."""
    root = market_dir() / exchange
    if not root.is_dir():
        return ()
    return tuple(sorted(p.name for p in root.iterdir() if (p / "snapshot.json").is_file()))


def read_snapshot(exchange: str, symbol: str) -> MarketSnapshot | None:
    """The cached snapshot, or None when there is none (or it cannot be read)."""
    path = symbol_dir(exchange, symbol) / "snapshot.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        snap = MarketSnapshot(**doc)
    except (OSError, ValueError, TypeError):
        return None
    ok = math.isfinite(snap.mark_price) and snap.mark_price > 0 and snap.funding_interval_hours > 0
    return snap if ok else None


def read_candles(exchange: str, symbol: str, timeframe: str) -> pd.DataFrame | None:
    """Cached candles: a DataFrame indexed by UTC time with ``open, high, low, close, volume``
    (quote currency per base unit; volume in base units), oldest first; None if not cached."""
    import pandas as pd

    path = symbol_dir(exchange, symbol) / f"candles_{timeframe}.csv"
    if not path.is_file():
        return None
    df = pd.read_csv(path)
    df.index = pd.to_datetime(df.pop("timestamp_ms"), unit="ms", utc=True)
    return df


def read_funding_history(exchange: str, symbol: str) -> pd.Series | None:
    """Cached funding history: rate per interval (fraction) indexed by UTC funding time."""
    import pandas as pd

    path = symbol_dir(exchange, symbol) / "funding.csv"
    if not path.is_file():
        return None
    df = pd.read_csv(path)
    return pd.Series(
        df["rate_per_interval"].to_numpy(),
        index=pd.to_datetime(df["timestamp_ms"], unit="ms", utc=True),
        name="rate_per_interval",
    )


# --- tier tables ------------------------------------------------------------------------------
def _parse(exchange: str, symbol: str, doc: dict[str, Any], path: Path) -> TierTable:
    """The TierTable of a cached raw answer (``ValueError`` naming the file otherwise)."""
    from risk.market.formats import parse_tiers

    raw = doc["raw"]
    source, as_of = str(doc.get("source", path)), str(doc.get("as_of", "unknown"))
    size = doc.get("contract_size")
    tables = parse_tiers(
        raw,
        symbol=symbol,
        source=source,
        as_of=as_of,
        contract_size=float(size) if isinstance(size, int | float) else None,
    )
    if len(tables) != 1:
        raise ValueError(
            f"tiers={str(path)!r} holds {len(tables)} tables for symbol={symbol!r}; allowed: one"
        )
    # named like the shipped table it stands in for; its as_of tells them apart
    return dataclasses.replace(next(iter(tables.values())), name=f"{exchange} {symbol}")


#: Parsed tables by (path, mtime, size): the app asks for the table several times a rerun.
_PARSED: dict[tuple[str, int, int], TierTable] = {}


def cached_tier_table(exchange: str, symbol: str) -> TierTable | None:
    """The cached tier table of a symbol, or None when none is cached."""
    path = symbol_dir(exchange, symbol) / "tiers.json"
    try:
        st = path.stat()
        key = (str(path), st.st_mtime_ns, st.st_size)
        if key in _PARSED:
            return _PARSED[key]
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError:
        return None
    except ValueError:
        raise ValueError(
            f"tiers={str(path)!r} is not valid JSON; allowed: a file written by "
            "`python -m risk market refresh` (run it again)"
        ) from None
    table = _parse(exchange, symbol, doc, path)
    if len(_PARSED) > 64:
        _PARSED.clear()
    _PARSED[key] = table
    return table


def _newer_or_equal(a: str, b: str) -> bool:
    da, db = as_of_date(a), as_of_date(b)
    return da is not None and (db is None or da >= db)


def tier_table(exchange: str, symbol: str) -> TierTable:
    """The tier table to use: the cached one when it is at least as new as the shipped snapshot
    (or nothing ships for the symbol), else the shipped one. ``ValueError`` when neither exists
    (the message of :func:`risk.tiers.shipped_table`, which lists the allowed symbols)."""
    cached = cached_tier_table(exchange, symbol)
    if cached is not None and symbol not in shipped_symbols(exchange):
        return cached
    shipped = shipped_table(exchange, symbol)
    if cached is not None and _newer_or_equal(cached.as_of, shipped.as_of):
        return cached
    return shipped


def has_table(exchange: str, symbol: str) -> bool:
    """Whether :func:`tier_table` finds a table (shipped or cached)."""
    return (
        symbol in shipped_symbols(exchange)
        or (symbol_dir(exchange, symbol) / "tiers.json").is_file()
    )


# --- what the app's Live toggle uses ----------------------------------------------------------
#: Realized volatility of the Live toggle: Yang-Zhang (2000) on the cached 1-hour candles of the
#: last LIVE_VOL_DAYS days (1-minute candles when no hourly ones are cached).
LIVE_VOL_METHOD = "yang_zhang"
LIVE_VOL_DAYS = 30
LIVE_VOL_MIN_BARS = 24


@dataclass(frozen=True)
class LiveInputs:
    """The cached market numbers the app's scenario takes when Live is on.

    ``funding_rate_per_8h``: the current rate restated per 8 h (fraction); ``vol_annual``:
    realized volatility (fraction a year) or None without enough candles; ``vol_note`` says how
    it was measured."""

    snapshot: MarketSnapshot
    funding_rate_per_8h: float
    vol_annual: float | None
    vol_note: str


def live_inputs(exchange: str, symbol: str) -> LiveInputs | None:
    """Mark price, funding and realized volatility from the cache; None when nothing is cached."""
    from risk.realized_vol import realized_vol

    snap = read_snapshot(exchange, symbol)
    if snap is None:
        return None
    vol, note = None, "no candles cached"
    for tf in ("1h", "1m"):
        candles = read_candles(exchange, symbol, tf)
        if candles is None or candles.empty:
            continue
        window = candles[candles.index >= candles.index[-1] - _days(LIVE_VOL_DAYS)]
        if len(window) < LIVE_VOL_MIN_BARS:
            note = f"only {len(window)} {tf} candles cached (need {LIVE_VOL_MIN_BARS})"
            continue
        try:
            vol = realized_vol(window, LIVE_VOL_METHOD)
        except ValueError as exc:
            note = f"cached {tf} candles unusable ({exc})"
            continue
        span = (window.index[-1] - window.index[0]).total_seconds() / 86_400
        note = f"Yang-Zhang realized volatility of {len(window):,} {tf} candles ({span:.1f} days)"
        break
    return LiveInputs(snap, snap.funding_rate_per_8h, vol, note)


def _days(n: float) -> pd.Timedelta:
    import pandas as pd

    return pd.Timedelta(days=n)
