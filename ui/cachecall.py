"""Cheaper cache lookups: call a ``st.cache_data`` / ``st.cache_resource`` function by keyword.

Every lookup of a cached function builds its key from the arguments. For each POSITIONAL
argument Streamlit (1.5x) asks ``inspect.signature`` for the parameter's name (to leave out the
``_``-prefixed ones), on every call; keyword arguments carry their name. Measured on this
machine, a lookup with the lesson heatmap's twelve arguments: 0.52 ms positional, 0.18 ms by
keyword (the same key, the same entry). The lesson looks up seven such functions per rerun and
every chart goes through one (:mod:`ui.figcache`), on every rerun of every session.

:func:`by_keyword` goes outside the cache decorator and turns a positional call into a keyword
call with the parameter names read once, when the module is imported. Nothing else changes: the
same arguments are hashed (``_``-prefixed ones are still left out), ``clear()`` still clears.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def by_keyword(cached: F) -> F:
    """``cached`` (a function decorated with ``st.cache_data`` or ``st.cache_resource``),
    called with every argument by keyword. Its parameters must be plain positional-or-keyword
    ones (no ``*args``/``**kwargs``), which is what makes the rewrite exact; ``TypeError``
    otherwise."""
    params = list(inspect.signature(cached).parameters.values())
    if any(p.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD for p in params):
        raise TypeError(f"{cached.__qualname__}: only positional-or-keyword parameters")
    names = tuple(p.name for p in params)

    @functools.wraps(cached)
    def call(*args: Any, **kwargs: Any) -> Any:
        if len(args) > len(names):
            raise TypeError(
                f"{cached.__qualname__}() takes {len(names)} arguments, {len(args)} given"
            )
        return cached(**dict(zip(names, args, strict=False)), **kwargs)

    call.clear = cached.clear  # type: ignore[attr-defined]
    return call  # type: ignore[return-value]
