"""Page parts of the "Why 50x is fragile" lesson that compare the odds with history: the
calibrated default model, "volatility now", "what really happened" and "Does the model tell the
truth?". Each is one function the page calls with one or two lines; the numbers come from
:mod:`risk.calibration` (the shipped history and its precomputed calibration), the chart from
:mod:`ui.charts_calibration`.

Caching: the observed shares are keyed on (side, horizon, leverages, maintenance rate) only;
the calibration table is read once from ``risk/data/calibration_btc_1h.json``.
"""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from risk.calibration import (
    CALIBRATED_MODEL,
    MODEL_LABELS,
    HistoryShares,
    history_shares,
    shipped_calibration,
)
from risk.conditional_vol import DEFAULT_HALF_LIFE_DAYS, ewma_vol_annual
from risk.history import history_info, load_history
from ui import text
from ui.charts_calibration import truth_chart

#: The lesson's default price model: the one the calibration scores best.
DEFAULT_KIND = "history"
DEFAULT_LABEL = "Real moves, calibrated on history"
VOL_NOW = "Volatility now (EWMA)"
#: Latest shipped hourly candles per asset, for "volatility now".
NOW_HISTORY = {"BTC": "btc-1h-2025", "ETH": "eth-1h-2025"}
#: The models the truth chart draws, with the words a beginner reads.
TRUTH_MODELS = {
    "gbm-preset": "Normal moves at 54% (the old default)",
    "gbm-ewma": "Normal moves at the volatility of the day",
    CALIBRATED_MODEL: "Calibrated model (the default)",
}


def vol_now(asset: str) -> tuple[float, str]:
    """``(volatility now, where it comes from)``: the EWMA (3-day half-life) forecast at the
    end of the latest shipped hourly candles of the asset (BTC for anything but ETH)."""
    name = NOW_HISTORY.get(asset, NOW_HISTORY["BTC"])
    return _vol_now(name)


@st.cache_data(max_entries=4, show_spinner=False)
def _vol_now(name: str) -> tuple[float, str]:
    candles = load_history(name)
    info = history_info(name)
    vol = ewma_vol_annual(candles, DEFAULT_HALF_LIFE_DAYS)
    return vol, (
        f"EWMA volatility (half-life {DEFAULT_HALF_LIFE_DAYS:g} days) at the last candle of "
        f"{info.label}, {candles.index[-1]:%Y-%m-%d %H:%M} UTC: {vol:.0%} a year. Upload "
        "recent candles in step 8 for today's figure."
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


@st.cache_data(max_entries=16, show_spinner=False)
def _shares(side: str, horizon_days: float, leverage: tuple[float, ...], mmr: float):
    """Every leverage of the page's grid at once: the leverage slider only reads the result."""
    return history_shares(side, horizon_days, list(leverage), mmr=mmr)


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
            side, float(horizon_days), tuple(float(x) for x in grid), float(mmr)
        )
    except ValueError as exc:
        st.error(f"History cannot answer this: {exc}.", icon=":material/error:")
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
        help="The price ended in the position's favour, but touched the liquidation price first.",
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


@st.cache_resource(max_entries=24, show_spinner=False)
def _truth_figure(side: str, horizon_days: float, horizon_label: str, log_y: bool):
    """The truth chart from the shipped calibration, built once per (side, horizon, scale):
    its data never changes while the app runs, and a Plotly figure is slow to validate."""
    cells = _cells(side, horizon_days)
    return truth_chart(
        np.array([c["leverage"] for c in cells]),
        np.array([c["observed"] for c in cells]),
        np.array([c["observed_lo"] for c in cells]),
        np.array([c["observed_hi"] for c in cells]),
        {w: np.array([c["predicted"][m] for c in cells]) for m, w in TRUTH_MODELS.items()},
        horizon_label=horizon_label,
        side=side,
        log_y=log_y,
    )


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
