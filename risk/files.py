"""Writing a file so that a crash or a full disk never leaves half of it: ``write_atomic``.

Used by the journal's CSV export (a path the user names) and the market-data cache (files under
the project's own cache folder).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def _umask() -> int:
    """The process's umask, read without changing it where Linux shows it (``os.umask`` sets it,
    for a moment, for every thread of the process)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike[str], data: bytes, *, make_parents: bool = False) -> None:
    """Put ``data`` at ``path``: all of it, or (on any error) nothing changed.

    A regular file (new or existing) is replaced in one rename: the bytes go to a temporary file
    in the same folder, are flushed and fsynced, then ``os.replace`` puts it over ``path`` and the
    folder is fsynced, so a crash or ENOSPC leaves the old file or the new one, never half. The
    new file keeps the old one's permission bits (a new file gets ``0o666`` less the umask, as a
    shell redirect would), and a symbolic link is followed: the file it points at is replaced,
    the link stays.

    A character device or a named pipe (``/dev/stdout``, ``/dev/null``, a FIFO another program
    reads) cannot be replaced by renaming: renaming over it would swap the device node itself for
    a regular file (as root, ``/dev/null`` for everyone). It is opened and written in place; there
    is nothing to make atomic there.

    Parameters
    ----------
    path : str or path-like
        Where to write.
    data : bytes
        The whole content.
    make_parents : bool
        Create missing parent folders first.

    Raises
    ------
    IsADirectoryError
        ``path`` is a folder.
    ValueError
        ``path`` is a block device or a socket (writing a CSV there is never what was meant).
    OSError
        Whatever the system refused (no such folder, permission, disk full); the old file is
        left as it was and no temporary file remains.
    """
    target = Path(os.path.realpath(path))
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(21, "Is a directory", str(path))
    if st is not None and (stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
        with open(target, "wb") as f:
            f.write(data)
        return
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise ValueError(
            f"path={os.fspath(path)!r} is a block device or a socket; allowed: a regular file "
            "(new or existing), a character device such as /dev/stdout, or a named pipe"
        )
    mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask()
    if make_parents:
        target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:  # name the path the caller gave, not the temporary file's
        raise type(exc)(exc.errno, exc.strerror, os.fspath(path)) from None
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), mode)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    try:  # make the rename itself durable
        dfd = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)
