"""The journal pages' storage faults as sentences that say what to do (never a traceback).

:func:`open_journal` is :class:`risk.journal.store.Journal` for a page: opening it and every
call on it turn a storage fault (not a journal, a newer schema, a truncated or corrupt file, a
directory, read-only, locked past the busy timeout, disk full) into :class:`StorageFault`, a
``ValueError`` whose text reads after "Not saved: " or on its own. The pages already show a
``ValueError`` with ``st.error``; reads use :func:`read` to get a value or the message.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from risk.journal.store import BUSY_TIMEOUT_S, ENV_VAR, Journal, NewerJournal, NotAJournal

T = TypeVar("T")
#: What a fault can be raised as.
FAULTS: tuple[type[BaseException], ...] = (sqlite3.Error, OSError, NotAJournal, NewerJournal)
_ELSEWHERE = f"or set {ENV_VAR} to another file"


class StorageFault(ValueError):
    """A storage fault of the journal file, as a sentence with what to do."""


def message(exc: BaseException, path: str | os.PathLike[str]) -> str:
    """The sentence for one fault (no trailing period; pages add their own)."""
    where = f"the journal file {str(path)!r}"
    text = str(exc).lower()
    if isinstance(exc, NotAJournal):
        return (
            f"{where} belongs to another program (it is not a Leverage Lab journal) and was left "
            f"untouched; choose a journal file {_ELSEWHERE}"
        )
    if isinstance(exc, NewerJournal):
        return (
            f"{where} was written by a newer version of Leverage Lab; update the app to open it "
            f"{_ELSEWHERE}"
        )
    if isinstance(exc, OSError):
        code = exc.errno
        if code == errno.ENOSPC:
            return f"the disk holding {where} is full; free some space and try again"
        if code in (errno.EACCES, errno.EPERM, errno.EROFS):
            return f"{where} cannot be written (read-only); check its permissions {_ELSEWHERE}"
        if code == errno.EISDIR:
            return f"{where} is a directory; point {ENV_VAR} at a file inside it"
        return f"{where} cannot be used ({exc.strerror or exc}); check the path {_ELSEWHERE}"
    if "locked" in text or "busy" in text:
        return (
            f"{where} is busy: another program kept it locked for more than "
            f"{BUSY_TIMEOUT_S:g} seconds; close the other window or program and try again"
        )
    if "full" in text:
        return f"the disk holding {where} is full; free some space and try again"
    if "readonly" in text or "read-only" in text:
        return f"{where} is read-only; check its permissions {_ELSEWHERE}"
    if "not a database" in text:
        return (
            f"{where} is not a database (another kind of file); nothing was changed in it; "
            f"choose your journal {_ELSEWHERE}"
        )
    if "malformed" in text or "corrupt" in text or "disk i/o" in text:
        return (
            f"{where} is damaged (truncated or corrupt); restore it from a backup or a CSV export "
            f"{_ELSEWHERE}"
        )
    if "unable to open" in text:
        is_dir = Path(path).is_dir()
        what = "is a directory" if is_dir else "cannot be opened"
        return f"{where} {what}; check the path and its folder's permissions {_ELSEWHERE}"
    return f"{where} cannot be used ({exc}); {_ELSEWHERE.removeprefix('or ')}"


def _guard(path: str | os.PathLike[str], fn: Callable[[], T]) -> T:
    try:
        return fn()
    except FAULTS as exc:
        raise StorageFault(message(exc, path)) from exc


class open_journal:  # lower case: used like the class it wraps, ``with open_journal(p) as j``
    """:class:`Journal` whose faults are :class:`StorageFault` (see the module docstring)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._path = path
        self._journal = _guard(path, lambda: Journal(path))

    def __enter__(self) -> open_journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self._journal.close()

    def close(self) -> None:
        self._journal.close()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._journal, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            return _guard(self._path, lambda: attr(*args, **kwargs))

        return call


def read(path: str | os.PathLike[str], fn: Callable[[Any], T], default: T) -> tuple[T, str | None]:
    """``fn(journal)`` on the journal at ``path`` when the file exists (``default`` when it does
    not: reading never creates one), or ``(default, message)`` on a storage fault."""
    if not Path(path).exists():
        return default, None
    try:
        with open_journal(path) as journal:
            return fn(journal), None
    except StorageFault as exc:
        return default, str(exc)
