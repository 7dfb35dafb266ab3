"""Input checks shared by the library: every failure is a ``ValueError`` that names the parameter,
the offending value and what is allowed."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

ArrayLike = Any  # float | numpy.ndarray | pandas.Series


def _first_bad(arr: np.ndarray, bad: np.ndarray) -> float:
    return float(arr[bad].flat[0]) if arr.ndim else float(arr)


def as_float_array(name: str, value: ArrayLike) -> np.ndarray:
    """Convert to a float array; reject non-numeric and non-finite values."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={value!r} is not a number; allowed: a finite number") from None
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(f"{name}={_first_bad(arr, bad)!r} is not finite; allowed: a finite number")
    return arr


def check_range(
    name: str,
    value: ArrayLike,
    lo: float | None = None,
    hi: float | None = None,
    *,
    lo_open: bool = False,
    hi_open: bool = False,
    why: str = "",
) -> np.ndarray:
    """Return ``value`` as a float array after checking ``lo <= value <= hi`` (or open bounds).

    The error names the parameter, the first offending value and the allowed range.
    """
    arr = as_float_array(name, value)
    bad = np.zeros(arr.shape, dtype=bool)
    if lo is not None:
        bad |= (arr <= lo) if lo_open else (arr < lo)
    if hi is not None:
        bad |= (arr >= hi) if hi_open else (arr > hi)
    if bad.any():
        left = "" if lo is None else f"{_fmt(lo)} {'<' if lo_open else '<='} "
        right = "" if hi is None else f" {'<' if hi_open else '<='} {_fmt(hi)}"
        suffix = f" ({why})" if why else ""
        raise ValueError(
            f"{name}={_fmt(_first_bad(arr, bad))} is out of range; "
            f"allowed: {left}{name}{right}{suffix}"
        )
    return arr


def check_positive(name: str, value: ArrayLike) -> np.ndarray:
    """Finite and strictly positive."""
    return check_range(name, value, 0.0, lo_open=True)


def check_choice(name: str, value: Any, allowed: Iterable[str]) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not known; allowed: {', '.join(map(str, allowed))}")
    return value


def _fmt(x: float) -> str:
    if isinstance(x, float) and math.isfinite(x) and x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}" if abs(x) >= 10_000 else str(int(x))
    return f"{x:.10g}"


def scalar_or_array(arr: np.ndarray) -> float | np.ndarray:
    """Scalars stay scalars: a 0-d result comes back as a Python float."""
    arr = np.asarray(arr, dtype=float)
    return float(arr) if arr.ndim == 0 else arr
