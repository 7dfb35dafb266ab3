"""Funding drag on a perpetual position.

``funding payment = notional (at mark) * funding rate``, paid by longs to shorts when the rate is
positive, once per interval (Binance/Bybit every 8 h, some symbols 4 h or 1 h; Hyperliquid hourly).
Source: Binance "Introduction to Binance Futures Funding Rates"; Hyperliquid docs "Funding";
docs/formulas.md section 7. Relative to margin the drag scales with leverage: at 50x, 0.01%/8h
costs 1.5% of the margin per day.

Conventions: rates are fractions per funding interval (``rate_per_interval``); the price is held
at the entry, so the notional is constant; a position opened just after a funding time pays
``floor(days * 24 / interval_hours)`` fundings by ``days``. Amounts are positive when PAID.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from importlib import resources

import numpy as np

from risk._validate import ArrayLike, check_choice, check_positive, check_range, scalar_or_array
from risk.liquidation import liquidation_price, maintenance_margin
from risk.positions import SIDES, Position
from risk.venues import Venue

INTERVALS_HOURS = (1.0, 4.0, 8.0)
HOURS_PER_YEAR = 365.0 * 24.0


@cache
def funding_presets() -> dict[str, float]:
    """Preset name -> rate per 8 h (see ``risk/data/funding.json`` for sources)."""
    doc = json.loads(resources.files("risk").joinpath("data", "funding.json").read_text("utf-8"))
    return {k: float(v["rate_per_8h"]) for k, v in doc["presets"].items()}


def _rate(rate_per_interval: ArrayLike) -> np.ndarray:
    return check_range(
        "rate_per_interval",
        rate_per_interval,
        -0.04,
        0.04,
        why="a fraction per interval; exchanges cap it far below 4%",
    )


def _interval(interval_hours: ArrayLike) -> np.ndarray:
    return check_range("interval_hours", interval_hours, 0.0, 24.0, lo_open=True)


def rate_for_interval(rate_per_8h: ArrayLike, interval_hours: ArrayLike) -> float | np.ndarray:
    """The same daily cost paid more often: ``rate_per_8h * interval_hours / 8``
    (Hyperliquid pays 1/8 of the 8-hour rate every hour)."""
    return scalar_or_array(_rate(rate_per_8h) * _interval(interval_hours) / 8.0)


def funding_count(days: ArrayLike, interval_hours: ArrayLike) -> float | np.ndarray:
    """Number of funding payments in ``days``: ``floor(days * 24 / interval_hours)``."""
    d = check_range("days", days, 0.0, 3650.0)
    return scalar_or_array(np.floor(d * 24.0 / _interval(interval_hours) + 1e-9))


def funding_cost(
    notional: ArrayLike,
    rate_per_interval: ArrayLike,
    interval_hours: ArrayLike,
    days: ArrayLike,
    side: str = "long",
) -> float | np.ndarray:
    """Funding paid over ``days``: ``side * notional * rate * count`` (negative = received).
    Units of the notional (quote for linear contracts)."""
    s = SIDES[check_choice("side", side, SIDES)]
    n = check_positive("notional", notional)
    return scalar_or_array(
        s * n * _rate(rate_per_interval) * np.asarray(funding_count(days, interval_hours))
    )


def funding_frac_of_margin(
    leverage: ArrayLike,
    rate_per_interval: ArrayLike,
    interval_hours: ArrayLike,
    days: ArrayLike,
    side: str = "long",
) -> float | np.ndarray:
    """Funding paid as a fraction of the initial margin: ``side * leverage * rate * count``
    (the notional is ``leverage`` times the margin)."""
    lev = check_range("leverage", leverage, 1.0)
    return scalar_or_array(
        lev * np.asarray(funding_cost(1.0, rate_per_interval, interval_hours, days, side))
    )


def days_to_consume(
    frac_of_margin: ArrayLike,
    leverage: ArrayLike,
    rate_per_interval: ArrayLike,
    interval_hours: ArrayLike,
    side: str = "long",
) -> float | np.ndarray:
    """Days until funding alone has taken ``frac_of_margin`` of the initial margin:
    ``ceil(frac / (leverage * rate)) * interval_hours / 24``; ``inf`` when the side receives
    funding (or the rate is 0)."""
    fr = check_range("frac_of_margin", frac_of_margin, 0.0, lo_open=True)
    lev = check_range("leverage", leverage, 1.0)
    s = SIDES[check_choice("side", side, SIDES)]
    per = s * lev * _rate(rate_per_interval)
    with np.errstate(divide="ignore", invalid="ignore"):
        count = np.where(per > 0, np.ceil(fr / np.where(per > 0, per, 1.0) - 1e-9), np.inf)
    return scalar_or_array(count * _interval(interval_hours) / 24.0)


def break_even_move_frac(
    taker_fee: ArrayLike,
    rate_per_interval: ArrayLike,
    interval_hours: ArrayLike,
    days: ArrayLike,
    side: str = "long",
) -> float | np.ndarray:
    """Favourable price move (fraction of entry) needed to break even after the taker fees to
    open and close and the funding paid over ``days``.

    Linear: long ``(1 + f + c)/(1 - f) - 1``, short ``1 - (1 - f - c)/(1 + f)`` where
    ``c = side * rate * count`` is the funding paid as a fraction of the notional at entry.
    """
    f = check_range("taker_fee", taker_fee, 0.0, 0.01)
    c = np.asarray(funding_cost(1.0, rate_per_interval, interval_hours, days, side))
    if side == "long":
        return scalar_or_array((1.0 + f + c) / (1.0 - f) - 1.0)
    return scalar_or_array(1.0 - (1.0 - f - c) / (1.0 + f))


def liquidation_price_path(
    position: Position,
    venue: Venue,
    rate_per_interval: float,
    interval_hours: float,
    days: ArrayLike,
) -> float | np.ndarray:
    """Isolated liquidation price after ``days`` of funding paid out of the position's margin
    (formulas.md section 7: the liquidation price creeps toward the mark).

    ``margin(days) = margin - side * notional * rate * count(days)``; NaN once funding has eaten
    the margin down to the maintenance margin (funding alone liquidates the position).
    """
    if position.margin_mode != "isolated" or position.is_inverse:
        raise ValueError(
            f"margin_mode={position.margin_mode!r}, contract={position.contract!r}; allowed: "
            "an isolated linear position"
        )
    paid = np.asarray(
        funding_cost(position.notional, rate_per_interval, interval_hours, days, position.side)
    )
    margin = float(position.isolated_margin) - paid
    mm = float(maintenance_margin(position, venue, position.ep, include_trigger_fee=True))
    alive = margin > mm
    safe = np.where(alive, margin, float(position.isolated_margin))
    lp = np.asarray(liquidation_price(replace(position, margin=safe), venue))
    return scalar_or_array(np.where(alive, lp, np.nan))


def annualized_funding(
    rate_per_interval: ArrayLike, interval_hours: ArrayLike
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Annualized funding on the notional: ``(simple, compound)``.

    ``simple = rate * n`` and ``compound = (1 + rate)^n - 1`` with ``n = 8760 / interval_hours``
    fundings a year. The simple figure is what exchanges quote; the compound one is what a carry
    trade that reinvests would earn (or a holder who keeps re-levering would pay).
    """
    r = _rate(rate_per_interval)
    n = HOURS_PER_YEAR / _interval(interval_hours)
    return scalar_or_array(r * n), scalar_or_array(np.expm1(n * np.log1p(r)))
