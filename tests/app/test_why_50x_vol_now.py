"""'Why 50x is fragile', step 2, "Volatility now": EWMA or GARCH(1,1) measured on the candles
of the shipped history, the market-data cache (Live data) or a price file the user uploads;
the figure's caption names the source; a file too short for the estimator, or the cache chosen
with Live off, is one st.error and the shipped history answers instead. Every volatility is
re-derived here (EWMA by hand, GARCH by arch's own forecast) and read back through the page's
"Typical 1-day move" (volatility x sqrt(1/365))."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd

from risk.history import load_history
from tests.risk.test_vol_sources import ewma_annual_by_hand, hourly_rows, save, write_csv
from ui import lesson_history as lh
from ui.testing import app_test, shows

PAGE = "pages/why_50x.py"
DAY = math.sqrt(1 / 365)
HOURS_PER_YEAR = 24 * 365


def now_page():
    at = app_test(PAGE, query_params={"w50_model": "Normal moves (GBM)"})
    at.selectbox(key="w50_vol").set_value(lh.VOL_NOW).run()
    return at


def clean(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def source_caption(at) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Volatility "))


def garch_now(closes: np.ndarray) -> float:
    from arch import arch_model

    r = np.diff(np.log(closes)) * 100
    var = arch_model(r, mean="Zero").fit(disp="off").forecast(horizon=1).variance
    return math.sqrt(float(var.to_numpy()[-1, 0]) / 1e4 * HOURS_PER_YEAR)


def csv_bytes(rows) -> bytes:
    buf = io.StringIO()
    write_csv(buf, rows)
    return buf.getvalue().encode()


def test_shipped_history_by_default_with_ewma_or_garch() -> None:
    at = now_page()
    clean(at)
    closes = load_history("btc-1h-2025")["close"].to_numpy()
    vol = ewma_annual_by_hand(closes, 72.0, HOURS_PER_YEAR)
    shows(at, "Typical 1-day move", vol * DAY)
    cap = source_caption(at)
    assert "EWMA (half-life 3 days) of 718 1h returns" in cap
    assert "from the shipped history: BTC hourly, Binance BTCUSDT perpetual" in cap
    at.segmented_control(key="w50_now_method").set_value("GARCH(1,1)").run()
    clean(at)
    shows(at, "Typical 1-day move", garch_now(closes) * DAY)
    assert "GARCH(1,1) of 718 1h returns" in source_caption(at)


def test_the_users_price_file_and_a_file_too_short() -> None:
    at = now_page()
    at.selectbox(key="w50_now_source").set_value(lh.NOW_FILE).run()
    clean(at)
    rows = hourly_rows(400, seed=8)
    at.file_uploader(key="w50_now_csv").set_value(("mine.csv", csv_bytes(rows), "text/csv")).run()
    clean(at)
    vol = ewma_annual_by_hand([r[4] for r in rows], 72.0, HOURS_PER_YEAR)
    shows(at, "Typical 1-day move", vol * DAY)
    assert "from your price file mine.csv" in source_caption(at)
    # 100 hours: under EWMA's 3 half-lives (216 hourly returns)
    short = csv_bytes(hourly_rows(101, seed=9))
    at.file_uploader(key="w50_now_csv").set_value(("short.csv", short, "text/csv")).run()
    assert not at.exception
    (err,) = at.error
    assert "candles have 100 returns" in err.value and "at least 216 for EWMA" in err.value
    shipped = ewma_annual_by_hand(load_history("btc-1h-2025")["close"].to_numpy(), 72.0, 8760)
    shows(at, "Typical 1-day move", shipped * DAY)  # the page keeps working on the shipped one


def test_the_market_cache_of_live_data(market_dir) -> None:
    at = now_page()
    at.selectbox(key="w50_now_source").set_value(lh.NOW_MARKET).run()
    (err,) = at.error  # Live is off: nothing from the cache
    assert "turn on Live data" in err.value
    rows = hourly_rows(500, seed=10)
    save("BTCUSDT", {"1h": rows})
    at.toggle(key="live").set_value(True).run()
    # Live puts its realized volatility first; the user picks the volatility now again
    at.selectbox(key="w50_vol").set_value(lh.VOL_NOW).run()
    at.selectbox(key="w50_now_source").set_value(lh.NOW_MARKET).run()
    clean(at)
    vol = ewma_annual_by_hand([r[4] for r in rows], 72.0, HOURS_PER_YEAR)
    shows(at, "Typical 1-day move", vol * DAY)
    cap = source_caption(at)
    assert "from the market-data cache: binance BTCUSDT 1h candles" in cap
    assert pd.Timestamp(rows[-1][0], unit="ms").strftime("%Y-%m-%d %H:%M") in cap
