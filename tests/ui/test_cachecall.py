"""ui.cachecall.by_keyword: a cached function called by keyword finds the same entries as when
called positionally, leaves ``_``-prefixed arguments out of the key, still clears, and the cost
it removes (Streamlit's per-call signature lookup for positional arguments) is gone."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
import streamlit as st

from ui.cachecall import by_keyword

CALLS: list[tuple] = []


@by_keyword
@st.cache_data(max_entries=8, show_spinner=False)
def scaled(values: np.ndarray, factor: float, label: str, _note: object) -> np.ndarray:
    CALLS.append((factor, label))
    return values * factor


@pytest.fixture(autouse=True)
def _fresh() -> None:
    scaled.clear()
    CALLS.clear()


def test_positional_and_keyword_calls_share_one_entry_per_key() -> None:
    v = np.arange(4.0)
    first = scaled(v, 2.0, "a", object())
    np.testing.assert_array_equal(first, [0.0, 2.0, 4.0, 6.0])
    scaled(v.copy(), 2.0, label="a", _note="ignored")  # same key: values by content
    scaled(values=v, factor=2.0, label="a", _note=None)
    assert CALLS == [(2.0, "a")]
    scaled(v, 3.0, "a", None)
    scaled(v, 2.0, "b", None)
    assert CALLS == [(2.0, "a"), (3.0, "a"), (2.0, "b")]
    scaled.clear()
    scaled(v, 2.0, "a", None)
    assert len(CALLS) == 4


def test_wrong_calls_fail_as_python_would() -> None:
    with pytest.raises(TypeError, match="takes 4 arguments, 5 given"):
        scaled(np.zeros(1), 1.0, "a", None, "extra")
    with pytest.raises(TypeError, match="multiple values"):
        scaled(np.zeros(1), 1.0, "a", None, label="b")
    assert inspect.signature(scaled) == inspect.signature(scaled.__wrapped__)


def test_only_plain_parameters_are_accepted() -> None:
    def varargs(a: int, *rest: int) -> int:
        return a

    with pytest.raises(TypeError, match="only positional-or-keyword"):
        by_keyword(st.cache_data(varargs))


def test_streamlit_asks_for_no_signature_on_a_keyword_call(monkeypatch) -> None:
    """What by_keyword is for: Streamlit's key builder reads a positional argument's name from
    the function's signature on every call; by keyword it needs none."""
    from streamlit import type_util

    asked: list[object] = []
    real = type_util.get_func_parameters

    def counted(func):
        asked.append(func)
        return real(func)

    monkeypatch.setattr(type_util, "get_func_parameters", counted)
    v = np.arange(3.0)
    scaled(v, 2.0, "a", None)
    scaled(v, 2.0, "a", None)
    assert asked == []
    scaled.__wrapped__(v, 2.0, "a", None)  # the cached function called positionally
    assert len(asked) == 4
