"""Hypothesis settings profiles shared by the whole suite.

- ``ci`` (what ``make test`` selects, and the default here): derandomized, so every run draws
  the same examples and a suite that passes once passes every time; the example budget each test
  names (or 100) is fixed; no deadline and no timing health check, since the machine is shared
  and noisy; no example database (a clean clone behaves like any other run); a failure prints
  the blob that reproduces it.
- ``deep`` (``make test-deep``): random seeds and ten times each test's budget (at least 1,000),
  for hunting counter-examples before they reach CI. Found ones become ``@example`` cases.
- ``dev``: Hypothesis' own defaults with no deadline, for exploring locally.

Select one with ``pytest --hypothesis-profile=NAME`` or the ``HYPOTHESIS_PROFILE`` variable.

Session-wide guards for every test (below the profiles):

- No network beyond 127.0.0.1: ``socket.socket.connect``/``connect_ex`` and
  ``socket.getaddrinfo`` refuse any address that is not loopback (or a Unix socket) in the test
  process. A refused attempt raises :class:`NetworkGuardError` AND is recorded, and the session
  fails at the end even if the code under test swallowed the error (ccxt and our CLI turn network
  errors into messages). Subprocesses (``python -m risk``, the Streamlit server of the browser
  tests) get no guard of their own; tests point them at 127.0.0.1 or give them no URL at all.
- ``LEVERAGE_LAB_CHECK_FIGURES`` is set for the whole run, inherited by subprocesses: every
  figure cached by ``ui.figcache`` is also built with Plotly's validation and compared
  (``ui.figcache.FigureCheckError`` on a difference).
- The market cache (``LEVERAGE_LAB_MARKET_DIR``) points at an empty temporary folder for the
  whole run, inherited by subprocesses, so a developer's own ``market refresh`` never changes what
  a test sees; tests that need a cache set their own folder.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

#: How much the deep profile multiplies each test's own ``max_examples``.
DEEP_FACTOR = 10
DEEP_MIN_EXAMPLES = 1_000

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=100,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep",
    derandomize=False,
    max_examples=DEEP_MIN_EXAMPLES,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
    phases=list(Phase),
)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(config, items) -> None:
    """Under the deep profile, scale the budget a test fixed with its own ``@settings`` too
    (an explicit ``max_examples`` would otherwise win over the profile's)."""
    if settings.get_current_profile_name() != "deep":
        return
    for item in items:
        fn = getattr(item, "obj", None)
        own = getattr(fn, "_hypothesis_internal_use_settings", None)
        if own is None or not hasattr(fn, "hypothesis"):
            continue
        budget = max(DEEP_MIN_EXAMPLES, own.max_examples * DEEP_FACTOR)
        fn._hypothesis_internal_use_settings = settings(
            own, max_examples=budget, derandomize=False, database=settings.default.database
        )


# --- network guard and market cache -----------------------------------------------------------
_REAL_CONNECT = socket.socket.connect
_REAL_CONNECT_EX = socket.socket.connect_ex
_REAL_GETADDRINFO = socket.getaddrinfo
VIOLATIONS: list[str] = []


class NetworkGuardError(OSError):
    """A test tried to reach a host that is not 127.0.0.1."""


def is_loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(address: Any, family: int) -> None:
    if family == getattr(socket, "AF_UNIX", object()):
        return
    host = address[0] if isinstance(address, tuple) else address
    if not is_loopback(host):
        VIOLATIONS.append(repr(address))
        raise NetworkGuardError(f"test tried to connect to {address!r}; only 127.0.0.1 allowed")


def _connect(self: socket.socket, address: Any) -> None:
    _check(address, self.family)
    return _REAL_CONNECT(self, address)


def _connect_ex(self: socket.socket, address: Any) -> int:
    _check(address, self.family)
    return _REAL_CONNECT_EX(self, address)


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if not is_loopback(host):
        VIOLATIONS.append(f"getaddrinfo({host!r})")
        raise NetworkGuardError(f"test tried to resolve {host!r}; only 127.0.0.1 allowed")
    return _REAL_GETADDRINFO(host, *args, **kwargs)


def install_guard() -> None:
    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _getaddrinfo  # type: ignore[assignment]


install_guard()

_MARKET_DIR = tempfile.mkdtemp(prefix="leverage-lab-market-")
os.environ["LEVERAGE_LAB_MARKET_DIR"] = _MARKET_DIR
for _var in ("LEVERAGE_LAB_BINANCE_KEY", "LEVERAGE_LAB_BINANCE_SECRET"):
    os.environ.pop(_var, None)
# Every figure a page caches is built without Plotly's validation when served; in the tests
# (and the servers the browser tests start) it is built validated too and must be the same.
os.environ["LEVERAGE_LAB_CHECK_FIGURES"] = "1"


@pytest.fixture
def market_dir(tmp_path, monkeypatch) -> Iterator[str]:
    """A fresh, empty market cache folder for one test (also for its subprocesses)."""
    path = tmp_path / "market"
    monkeypatch.setenv("LEVERAGE_LAB_MARKET_DIR", str(path))
    yield str(path)


@pytest.fixture
def network_violations() -> list[str]:
    """The guard's record of refused connections (the guard's own test inspects and clears it)."""
    return VIOLATIONS


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_MARKET_DIR, ignore_errors=True)
    if VIOLATIONS:
        session.config.get_terminal_writer().line(
            "network guard: tests tried to reach " + ", ".join(VIOLATIONS), red=True
        )
        session.exitstatus = 1
