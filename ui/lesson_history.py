"""Page parts of the "Why 50x is fragile" lesson that compare the odds with history: the
calibrated default model, "volatility now", "what really happened" and "Does the model tell the
truth?". Each is one function the page calls with one or two lines; the numbers come from
:mod:`risk.calibration` (the shipped history and its precomputed calibration), the chart from
:mod:`ui.charts_calibration`.

"Volatility now" (:func:`vol_now_input`) measures EWMA or GARCH on the candles of one source:
the shipped history, the market-data cache (Live data), or a price file the user uploads.

Caching: the observed shares are keyed on (side, horizon, leverages, maintenance rate) only;
the calibration table is read once from ``risk/data/calibration_btc_1h.json``.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

import numpy as np
import streamlit as st

from risk.calibration import (
    CALIBRATED_MODEL,
    MODEL_LABELS,
    HistoryShares,
    history_shares,
    shipped_calibration,
)
from risk.conditional_vol import DEFAULT_HALF_LIFE_DAYS, VolNow
from risk.conditional_vol import vol_now as measure_vol_now
from risk.vol_sources import csv_candles, history_candles, market_candles, now_history
from ui import figcache, glossary, text, words
from ui.cachecall import by_keyword
from ui.charts_calibration import truth_chart

#: The lesson's default price model: the one the calibration scores best.
DEFAULT_KIND = "history"
DEFAULT_LABEL = "Real moves, calibrated on history"
VOL_NOW = "Volatility now (EWMA or GARCH)"
#: "Volatility now": the estimators and the sources of its candles, as the page names them.
NOW_METHODS = {"EWMA": "ewma", "GARCH(1,1)": "garch"}
NOW_SHIPPED = "Shipped history (2025)"
NOW_MARKET = "Market data cache (Live)"
NOW_FILE = "Your price file (CSV)"
NOW_SOURCES = (NOW_SHIPPED, NOW_MARKET, NOW_FILE)
NOW_CSV_MAX_MB = 5
#: The models the truth chart draws, with the words a beginner reads.
TRUTH_MODELS = {
    "gbm-preset": "Normal moves at 54% (the old default)",
    "gbm-ewma": "Normal moves at the volatility of the day",
    CALIBRATED_MODEL: "Calibrated model (the default)",
}


def shipped_vol_now(asset: str, method: str = "ewma") -> tuple[float, str]:
    """``(volatility now, where it comes from)`` from the latest shipped hourly candles of the
    asset (BTC for anything but ETH)."""
    est, label = _history_vol_now(now_history(asset), method, DEFAULT_HALF_LIFE_DAYS)
    return est.vol_annual, _now_note(est, label)


def _now_note(est: VolNow, label: str) -> str:
    return f"{est.describe()}, from {label}."


@by_keyword
@st.cache_data(max_entries=8, show_spinner="Measuring the volatility now…")
def _history_vol_now(name: str, method: str, half_life_days: float) -> tuple[VolNow, str]:
    src = history_candles(name)
    return measure_vol_now(src.candles, method, half_life_days=half_life_days), src.label


@by_keyword
@st.cache_data(max_entries=8, show_spinner="Measuring the volatility now…")
def _market_vol_now(
    exchange: str, symbol: str, as_of: str, method: str, half_life_days: float
) -> tuple[VolNow, str]:
    """Keyed on the refresh's ``as_of``: a new refresh measures again."""
    src = market_candles(exchange, symbol)
    return measure_vol_now(src.candles, method, half_life_days=half_life_days), src.label


@by_keyword
@st.cache_data(max_entries=4, show_spinner="Measuring the volatility now…")
def _file_vol_now(
    sha: str, name: str, method: str, half_life_days: float, _data: bytes
) -> tuple[VolNow, str]:
    """Keyed on the file's SHA-256 (a bad or short file raises, and errors are not cached)."""
    src = csv_candles(_data, name)
    return measure_vol_now(src.candles, method, half_life_days=half_life_days), src.label


def vol_now_input(box: Any, sc: Any) -> tuple[float, str]:
    """The "Volatility now" input of step 2, in ``box`` (a column): the estimator (EWMA or
    GARCH), the source of the candles (the shipped history, the market-data cache of the Live
    toggle, or an uploaded price file) and, for a file, its uploader. Returns ``(volatility a
    year, the note naming its source)``; a source that cannot answer (nothing cached, a file
    too short for the estimator) is one ``st.error`` and the shipped history answers instead."""
    label = box.segmented_control(
        "Estimator",
        list(NOW_METHODS),
        default="EWMA",
        required=True,
        key="w50_now_method",
        bind="query-params",
        help=f"EWMA: recent moves weigh more, the weight halves every "
        f"{DEFAULT_HALF_LIFE_DAYS:g} days. GARCH(1,1): fitted by maximum likelihood; its "
        "forecast reverts to a long-run level.",
    )
    method = NOW_METHODS[str(label)]
    live = bool(getattr(sc, "market_as_of", ""))
    source = box.selectbox(
        "Candles from",
        NOW_SOURCES,
        index=NOW_SOURCES.index(NOW_MARKET if live else NOW_SHIPPED),
        key="w50_now_source",
        bind="query-params",
        help="The shipped history works offline (its latest hourly candles: March-April 2025). "
        "The market data cache holds the hourly candles of Live data's Refresh now "
        "(or `python -m risk market refresh`). Your file: a timestamp and a close column.",
    )
    hl = DEFAULT_HALF_LIFE_DAYS
    try:
        if source == NOW_MARKET:
            if not live:
                raise ValueError(
                    f"no market data is in use for {sc.exchange} {sc.symbol}: turn on Live data "
                    "in the sidebar and press Refresh now (or run python -m risk market refresh)"
                )
            est, where = _market_vol_now(sc.exchange, sc.symbol, sc.market_as_of, method, hl)
            return est.vol_annual, _now_note(est, where)
        if source == NOW_FILE:
            upload = box.file_uploader(
                "Candles for the volatility now (CSV)",
                type=["csv"],
                key="w50_now_csv",
                max_upload_size=NOW_CSV_MAX_MB,
                help="A header line, a timestamp column and a close column (or open, high, low, "
                "close), oldest first. EWMA needs 3 half-lives (9 days) of candles, GARCH 250 "
                "returns.",
            )
            if upload is not None:
                data = upload.getvalue()
                sha = hashlib.sha256(data).hexdigest()
                est, where = _file_vol_now(sha, upload.name, method, hl, data)
                return est.vol_annual, _now_note(est, where)
            box.info(
                "Upload a price file; until then: the shipped history.", icon=":material/info:"
            )
    except ValueError as exc:
        st.error(
            f"Volatility now cannot be measured there: {words.phrase(exc)}. The figure below "
            "uses the shipped history instead.",
            icon=":material/error:",
        )
    vol, note = shipped_vol_now(sc.asset, method)
    return vol, note + (
        " Turn on Live data or upload a recent price file for today's figure."
        if source == NOW_SHIPPED
        else ""
    )


def default_model_note() -> None:
    """One caption: which model is the default and why (from the shipped calibration)."""
    cal = shipped_calibration()
    scores = {
        (s["horizon_days"], s["model"]): s["brier"] for s in cal["scores"] if s["side"] == "long"
    }
    day_best, day_gbm = scores[(1.0, CALIBRATED_MODEL)], scores[(1.0, "gbm-preset")]
    st.caption(
        f"Default model: **{DEFAULT_LABEL}**: the real hourly BTC moves of 2017-2019, each "
        "divided by the volatility of its day, replayed in blocks at the volatility you choose "
        "(filtered historical simulation). Checked against every hour of that history "
        '("Does the model tell the truth?" below), it had the lowest Brier score and log loss '
        "of all the models at every "
        f"horizon from an hour to a week (one day, longs: {day_best:.3f} against "
        f"{day_gbm:.3f} for normal moves at 54%). Normal moves remain one click away: the "
        "exact formula."
    )


@by_keyword
@st.cache_data(max_entries=16, show_spinner=False)
def _shares(side: str, horizon_days: float, leverage: np.ndarray, mmr: float):
    """Every leverage of the page's grid at once: the leverage slider only reads the result
    (an array, hashed as one block of bytes: a tuple of 190 floats is hashed one by one)."""
    return history_shares(side, horizon_days, leverage, mmr=mmr)


def what_really_happened(
    side: str,
    horizon_label: str,
    horizon_days: float,
    leverage: float,
    mmr: float,
    model_p: float,
    model_label: str,
    grid: np.ndarray,
) -> None:
    """The model's odds for ``leverage`` (a point of ``grid``) next to what history did at the
    same leverage, side and horizon: the share liquidated and the share right and liquidated
    anyway."""
    try:
        h_all: HistoryShares = _shares(
            side, float(horizon_days), np.asarray(grid, dtype=float), float(mmr)
        )
    except ValueError as exc:
        st.error(f"History cannot answer this: {words.phrase(exc)}.", icon=":material/error:")
        return
    i = int(np.argmin(np.abs(h_all.leverage - leverage)))
    h = HistoryShares(
        h_all.leverage[i : i + 1],
        h_all.liquidated[i : i + 1],
        h_all.right_and_liquidated[i : i + 1],
        h_all.n_entries,
        h_all.label,
    )
    st.markdown(f"**What really happened** at {text.lev(leverage)}, {horizon_label}, {side}:")
    c = st.columns(3)
    c[0].metric(f"Model: liquidated within {horizon_label}", text.pct(model_p, 1))
    c[1].metric(
        f"History: liquidated within {horizon_label}",
        text.pct(float(h.liquidated[0]), 1),
        help="Share of all positions opened at any hour of the shipped history.",
    )
    c[2].metric(
        "History: right, and liquidated anyway",
        text.pct(float(h.right_and_liquidated[0]), 1),
        help=glossary.helped(
            "The price ended in the position's favour, but touched the liquidation price first."
        ),
    )
    st.caption(
        f"Of all {h.n_entries:,} {side}s opened at every hour of {h.label} (realized "
        "volatility 91% a year), held for "
        f"{horizon_label}: liquidated = a later hour's {'low' if side == 'long' else 'high'} "
        f"reached the liquidation price. The model figure uses {model_label}; for a "
        "like-for-like comparison pick the 'BTC 2017-2020' volatility in step 2."
    )


def _cells(side: str, horizon_days: float) -> list[dict]:
    return [
        c
        for c in shipped_calibration()["cells"]
        if c["side"] == side and math.isclose(c["horizon_days"], horizon_days)
    ]


@by_keyword
@st.cache_resource(max_entries=24, show_spinner=False)
def _truth_figure(side: str, horizon_days: float, horizon_label: str, log_y: bool):
    """The truth chart from the shipped calibration, built once per (side, horizon, scale):
    its data never changes while the app runs, and a Plotly figure is slow to validate."""
    cells = _cells(side, horizon_days)
    fig = truth_chart(
        np.array([c["leverage"] for c in cells]),
        np.array([c["observed"] for c in cells]),
        np.array([c["observed_lo"] for c in cells]),
        np.array([c["observed_hi"] for c in cells]),
        {w: np.array([c["predicted"][m] for c in cells]) for m, w in TRUTH_MODELS.items()},
        horizon_label=horizon_label,
        side=side,
        log_y=log_y,
    )
    return figcache.SpecFigure(fig)  # its wire form computed once, not copied on every rerun


def truth_section(side: str, mmr: float, horizon_label: str, horizon_days: float) -> None:
    """The section "Does the model tell the truth?": predicted against observed by leverage,
    from the shipped calibration."""
    st.subheader("Does the model tell the truth?")
    cal = shipped_calibration()
    cells = _cells(side, horizon_days)
    if not cells:
        st.info(f"No calibration for {horizon_label}.", icon=":material/info:")
        return
    st.markdown(
        "Every hour of the shipped BTC history, a position was opened at each leverage; the "
        "black diamonds are the share that was liquidated within "
        f"{horizon_label}, with its 95% interval. The lines are what each model predicted "
        "for the same positions, using only the prices before each entry."
    )
    log_y = st.toggle("Logarithmic scale (shows the rare events)", key="w50_truth_log")
    st.plotly_chart(
        _truth_figure(side, float(horizon_days), horizon_label, bool(log_y)),
        key="w50_truth",
        config={"displaylogo": False},
    )
    mid = [c for c in cells if 10 <= c["leverage"] <= 25]
    if mid:
        gbm = ", ".join(
            f"{text.lev(c['leverage'])}: {text.pct(c['predicted']['gbm-preset'], 2)} said, "
            f"{text.pct(c['observed'], 1)} happened"
            for c in mid
        )
        st.markdown(
            "**Normal moves are a lower bound at moderate leverage.** With the 54% volatility "
            f"of a calm 2025 month, over {horizon_label}: {gbm}. Real volatility changes (it "
            "was 71% to 93% a year in 2017-2020) and real moves have fat tails, so the far "
            "liquidation prices of 10x to 25x are reached far more often than the bell curve "
            "says. Close to the entry (100x over an hour) the same model says too much: most "
            "hours are calmer than the average."
        )
    best = cal["best_model"]
    st.caption(
        f"Best model on this history: {MODEL_LABELS[best]} (lowest Brier score, the mean "
        "squared gap between predicted probability and what happened). Computed at a "
        "maintenance rate of 0.40%"
        + (f" (the page's odds use {text.pct(mmr)})" if abs(mmr - 0.004) > 1e-12 else "")
        + f". Source: {cal['source']}"
    )
