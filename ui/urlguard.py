"""One guard for every URL-bound widget: unusable link values are dropped before any widget reads
them, and each one is named in a notice.

Widgets created with ``bind="query-params"`` seed their value from the link on the first run
(Streamlit's ``QueryParams.get_initial_value``). Streamlit itself refuses a value of the wrong
type, but lets through values that then break the widget or the page on every rerun: an empty
``?side=`` becomes ``None`` for a required control, ``?w50_seed=inf`` reaches ``int()``, an empty
``?w50_paths=`` reaches arithmetic. :func:`sanitize` runs in ``app.py`` before the sidebar and the
page, so no widget ever sees such a value: the page opens on its defaults and says which part of
the link was not used.

The rules need no list of widgets (pages add bound widgets all the time): a value is unusable if
it is empty, not a finite number where it looks like one (``inf``, ``-inf``, ``nan``, ``1e400``),
longer than :data:`MAX_VALUE_CHARS` or holds control characters. The remaining wrong values
(an unknown option, a number out of the widget's range) are Streamlit's to refuse and fall back
to the default, which it does without a traceback.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping

import streamlit as st

#: Longest query value a widget may receive (the longest legitimate one, a positions table in
#: a compact encoding, is a few hundred characters).
MAX_VALUE_CHARS = 2_000
#: Streamlit's own keys (embedding options), never ours to judge.
RESERVED = frozenset({"embed", "embed_options"})

_NUMBERISH = re.compile(r"^\s*[+-]?(inf(inity)?|nan|[0-9.]+(e[+-]?[0-9]+)?)\s*$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def problem(value: str) -> str | None:
    """Why one query value cannot seed a widget, or ``None`` when it may (pure, for tests)."""
    if not value.strip():
        return "it is empty"
    if len(value) > MAX_VALUE_CHARS:
        return f"it is {len(value):,} characters long (at most {MAX_VALUE_CHARS:,})"
    if _CONTROL.search(value):
        return "it holds control characters"
    if _NUMBERISH.match(value):
        try:
            number = float(value)
        except ValueError:
            return None  # "1.2.3": not a number at all; the widget refuses it by type
        if not math.isfinite(number):
            return "it is not a finite number"
    return None


def problems(params: Mapping[str, str | Iterable[str]]) -> dict[str, tuple[str, str]]:
    """``{key: (value, why)}`` for every unusable value in ``params`` (a list value is judged by
    each of its items; the first bad one is reported)."""
    out: dict[str, tuple[str, str]] = {}
    for key, raw in params.items():
        if key.lower() in RESERVED:
            continue
        values = [raw] if isinstance(raw, str) else list(raw)
        for v in values or [""]:
            why = problem(str(v))
            if why is not None:
                out[key] = (str(v), why)
                break
    return out


def _drop(key: str) -> None:
    """Remove ``key`` from the link and from the values widgets are seeded with. Streamlit keeps
    the link as it was when the session opened (``_initial_query_params``) for seeding, so the
    current params alone are not enough."""
    try:
        del st.query_params[key]
    except Exception:  # bound to a widget already, or gone: the seed below is what matters
        pass
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return
    with ctx.session_state.query_params() as qp:
        initial = getattr(qp, "_initial_query_params", None)
        if isinstance(initial, dict):
            initial.pop(key, None)
        remove = getattr(qp, "remove_param", None)
        if callable(remove):
            remove(key)


def _shown(value: str) -> str:
    """The value as shown inside the notice's code span: shortened, and without backticks, which
    would end the span and let the rest render as Markdown (an image from a link)."""
    text = value if len(value) <= 40 else value[:37] + "..."
    return repr(text).replace("`", "'")


def sanitize() -> dict[str, tuple[str, str]]:
    """Drop every unusable value from the link and warn about each one (call it before any
    widget is created). Returns what was dropped."""
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    bad = problems(params)
    for key, (value, why) in bad.items():
        _drop(key)
        shown_key = key.replace("`", "'")
        st.warning(
            f"The link's setting `{shown_key}={_shown(value)}` was not used because {why}; "
            "the page shows its default instead.",
            icon=":material/link_off:",
        )
    return bad
