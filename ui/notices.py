"""Say what a shared link asked for and did not get.

Streamlit drops a bound URL parameter it cannot use (``?lev=1000`` on a slider that stops at
125, ``?ex=kraken``) and shows the default instead, without a word: a student opening the
teacher's link then sees another scenario and does not know it. :func:`remember_link` keeps the
parameters of the link that opened the session; :func:`check_link` compares each with what the
widget of that key ended up holding and turns every difference into a sentence naming the key,
the value and what is used instead; :func:`render` shows them at the top of the page until
dismissed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import streamlit as st

from ui.text import inert

_OPENED = "_link_opened"
_NOTICES = "_link_notices"
_DISMISSED = "_link_notices_dismissed"

#: Parameters that a page reads from ``st.query_params`` itself (not a widget's key); the page
#: reports its own problems with them.
PAGE_PARAMS: set[str] = {"pos", "step", "present"}


def remember_link(exclude: set[str] | None = None) -> None:
    """Keep the parameters of the link that opened this session (call before any widget);
    ``exclude``: keys already reported and dropped (:func:`ui.urlguard.sanitize`)."""
    if _OPENED not in st.session_state:
        st.session_state[_OPENED] = {
            k: st.query_params.get_all(k) for k in st.query_params if k not in (exclude or set())
        }


def _honoured(raw: str, value: object, label: Callable[[object], str] | None) -> bool:
    if isinstance(value, bool):
        return raw.strip().lower() == str(value).lower()
    if isinstance(value, int | float):
        try:
            # a choice shown with thousands separators ("2,000") is written so in the link
            number = float(raw.replace(",", ""))
            return math.isclose(number, float(value), rel_tol=1e-12, abs_tol=1e-12)
        except ValueError:
            return False
    if value is None:
        return raw == ""
    if isinstance(value, list | tuple):
        return True  # several values: Streamlit keeps the ones it can use
    shown = {str(value)} | ({str(label(value))} if label is not None else set())
    return raw in shown or raw.strip().lower() in {x.lower() for x in shown}


def check_link(
    opened: Mapping[str, list[str]],
    state: Mapping[str, object],
    labels: Mapping[str, Callable[[object], str]] | None = None,
    ranges: Mapping[str, str] | None = None,
    page_params: set[str] = PAGE_PARAMS,
) -> list[str]:
    """One sentence per parameter of ``opened`` that ``state`` (the widgets' values after the
    run) does not hold: 'The link asks for lev=1000, which cannot be used (leverage goes from 1x
    to the exchange's maximum): 10x is used instead.'"""
    labels = labels or {}
    ranges = ranges or {}
    out = []
    for key, raws in opened.items():
        if key in page_params or key.startswith("_") or not raws:
            continue
        raw = raws[-1]
        if key not in state:
            out.append(
                inert(f"The link's {key}={raw} is not a setting of this page, so it was left out.")
            )
            continue
        value = state[key]
        label = labels.get(key)
        if _honoured(raw, value, label):
            continue
        if label is not None:
            used = label(value)
        elif value is None:
            used = "an empty field"
        else:
            used = f"{value:g}" if isinstance(value, float) else str(value)
        why = f" ({ranges[key]})" if key in ranges else ""
        out.append(
            inert(
                f"The link asks for {key}={raw}, which cannot be used{why}: {used} is used instead."
            )
        )
    return out


def check_once(
    labels: Mapping[str, Callable[[object], str]] | None = None,
    ranges: Mapping[str, str] | None = None,
) -> None:
    """After the page has run once: compare the opening link with the widgets (once a session)."""
    if _NOTICES in st.session_state or _OPENED not in st.session_state:
        return
    state = {k: st.session_state[k] for k in st.session_state if isinstance(k, str)}
    st.session_state[_NOTICES] = check_link(st.session_state[_OPENED], state, labels, ranges)


def ready() -> bool:
    """Whether the opening link has been checked (on the session's first complete run)."""
    return _NOTICES in st.session_state


def _dismiss() -> None:
    st.session_state[_DISMISSED] = True


def render(box) -> None:
    """Show the link's notices in ``box`` (a container at the top of the page)."""
    notices = st.session_state.get(_NOTICES) or []
    if not notices or st.session_state.get(_DISMISSED):
        return
    with box:
        st.warning(
            "This link could not be followed exactly.\n\n" + "\n".join(f"- {n}" for n in notices),
            icon=":material/link_off:",
        )
        st.button("Dismiss", key="_link_dismiss", on_click=_dismiss)
