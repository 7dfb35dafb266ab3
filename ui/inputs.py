"""Number inputs that never leave a stale result on screen.

Streamlit's ``number_input`` keeps its last valid value when the typed one lies outside
``min_value``/``max_value``: the field turns red ("Press Enter to apply") while every result still
shows the old number as if it were current. :func:`number` therefore gives the widget no bounds
of its own and checks the typed value itself (with :func:`risk._validate.check_range`, the same
check the library uses): a value outside the range comes back as ``None`` with an error right
under the field, and the page withholds every result that depends on it
(:func:`withheld` says so in one sentence).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import streamlit as st

from risk._validate import check_range
from ui import format as fmt


@dataclass(frozen=True)
class Bounds:
    """Allowed values of one input, in the unit the field is typed in."""

    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False  # True: ``lo`` itself is not allowed (a price must be above 0)
    integer: bool = False

    def problem(self, value: float) -> str | None:
        """``None`` when ``value`` is allowed, else the rule it breaks as a phrase."""
        try:
            check_range("value", value, self.lo, self.hi, lo_open=self.lo_open)
        except ValueError:
            return self.rule()
        if self.integer and value != int(value):
            return "must be a whole number"
        return None

    def rule(self) -> str:
        """'must be above 0 and at most 1,000,000,000' and the like."""
        parts = []
        if self.lo is not None:
            parts.append(f"{'above' if self.lo_open else 'at least'} {_num(self.lo)}")
        if self.hi is not None:
            parts.append(f"at most {_num(self.hi)}")
        return "must be " + " and ".join(parts) if parts else "must be a number"


def _num(x: float) -> str:
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    return fmt.price(x) if abs(x) < 1 else f"{x:,g}"


def problem_sentence(label: str, value: float, bounds: Bounds) -> str | None:
    """The error shown under a field, or ``None`` when the value is allowed:
    'Entry price (USDT) must be above 0; you typed -1. Results are hidden until you change it.'"""
    if value is None:
        return None
    if not math.isfinite(value):
        return f"{label} must be a number. Results are hidden until you change it."
    rule = bounds.problem(value)
    if rule is None:
        return None
    typed = _num(value) if abs(value) >= 1 or value == 0 else fmt.price(value)
    return f"{label} {rule}; you typed {typed}. Results are hidden until you change it."


def number(
    label: str,
    *,
    bounds: Bounds,
    key: str,
    value: float | None,
    container: Any = None,
    **kwargs: Any,
) -> float | None:
    """A keyed ``number_input`` checked against ``bounds``: the value, or ``None`` when the field
    is empty or out of range (then an error is shown right under it). ``kwargs`` go to
    ``number_input`` (step, format, help, bind, placeholder...); ``min_value``/``max_value`` are
    not accepted: the bounds are checked here, so the value typed is never silently replaced."""
    where = container if container is not None else st
    if key in st.session_state:
        # The state already holds the value (the widget's own, or one a page set, as the symbol
        # switch sets the entry): passing `value` too makes Streamlit log "created with a default
        # value but also had its value set via the Session State API". "min" means "none given".
        if bounds.integer:
            kwargs.setdefault("step", 1)
        return _checked(label, where.number_input(label, value="min", key=key, **kwargs), bounds,
                        where)  # fmt: skip
    if bounds.integer:
        typed = where.number_input(label, value=value, key=key, **kwargs)
    else:
        typed = where.number_input(
            label, value=None if value is None else float(value), key=key, **kwargs
        )
    return _checked(label, typed, bounds, where)


def _checked(label: str, typed: float | None, bounds: Bounds, where: Any) -> float | None:
    if typed is None:
        return None
    message = problem_sentence(label, float(typed), bounds)
    if message is not None:
        where.error(message, icon=":material/error:")
        return None
    return typed


def withheld(what: str = "The results") -> None:
    """Say that results are hidden because an input above is out of range."""
    st.info(
        f"{what} appear once every field above holds an allowed value (see the message under "
        "the field).",
        icon=":material/info:",
    )
