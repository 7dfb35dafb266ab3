"""Volatility presets and the typical move they imply.

A preset is an annualized volatility ``vol_annual`` (a fraction: 0.54 = 54%), each with its
source in ``risk/data/volatility.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from risk._validate import ArrayLike, check_positive, check_range, scalar_or_array

DAYS_PER_YEAR = 365.0  # crypto trades every day


@dataclass(frozen=True)
class VolPreset:
    name: str
    vol_annual: float
    source: str
    as_of: str
    years: str = ""  # the years the data comes from, e.g. "2017-2020"


@cache
def vol_presets() -> dict[str, VolPreset]:
    """Presets by name, in file order."""
    doc = json.loads(resources.files("risk").joinpath("data", "volatility.json").read_text("utf-8"))
    return {
        name: VolPreset(name, float(p["vol_annual"]), p["source"], p["as_of"], p.get("years", ""))
        for name, p in doc["presets"].items()
    }


def typical_move_frac(vol_annual: ArrayLike, horizon_days: ArrayLike) -> float | np.ndarray:
    """One standard deviation of the log return over ``horizon_days``:
    ``vol_annual * sqrt(horizon_days / 365)`` (square-root-of-time scaling of a random walk).

    A fraction of the price, e.g. 0.54 annualized gives 0.0283 for one day and 0.0058 for an hour.
    """
    v = check_range("vol_annual", vol_annual, 0.0, 20.0)
    t = check_positive("horizon_days", horizon_days)
    return scalar_or_array(v * np.sqrt(t / DAYS_PER_YEAR))


def hours_to_typical_move(move_frac: ArrayLike, vol_annual: ArrayLike) -> float | np.ndarray:
    """Hours over which one typical move (one standard deviation) reaches ``move_frac``: the
    inverse of :func:`typical_move_frac`, ``t = 365 * 24 * (move / vol_annual)^2`` (square root of
    time: twice the distance takes four times as long, not twice). E.g. a 1.61% room at 54% a year
    is one typical move over 7.8 hours."""
    m = check_positive("move_frac", move_frac)
    v = check_range("vol_annual", vol_annual, 0.0, 20.0, lo_open=True)
    return scalar_or_array(DAYS_PER_YEAR * 24.0 * (m / v) ** 2)
