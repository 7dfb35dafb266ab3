"""Start ``streamlit run app.py`` on a free local port and drive it with Debian's chromium.

Shared by the browser tests (tests/e2e/conftest.py) and ``make screenshots``
(tools/screenshots.py). Only 127.0.0.1 is used; usage statistics are off.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


def start_streamlit(
    port: int,
    env: dict[str, str] | None = None,
    extra_args: Sequence[str] = (),
    log: Path | None = None,
) -> subprocess.Popen:
    """``streamlit run app.py`` on 127.0.0.1:``port`` in its own process group (the project's
    .streamlit/config.toml applies; ``extra_args`` are more ``--section.option value`` flags,
    which override it). Output goes to ``log`` (default: discarded)."""
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        *extra_args,
    ]  # fmt: skip
    out = open(log, "ab") if log is not None else open(os.devnull, "wb")
    try:
        return subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **(env or {})},
        )
    finally:
        out.close()  # the child keeps its own descriptor


def wait_healthy(url: str, proc: subprocess.Popen | None = None, timeout_s: float = 60.0) -> None:
    """Wait until ``url``/_stcore/health answers 200 (``RuntimeError`` if ``proc`` exits first,
    ``TimeoutError`` after ``timeout_s``)."""
    deadline = time.monotonic() + timeout_s
    while not _healthy(url):
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{proc.args[:4]} exited with status {proc.returncode}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer within {timeout_s} s")
        time.sleep(0.2)


def stop_process(proc: subprocess.Popen, timeout_s: float = 10.0) -> None:
    """SIGTERM the process group ``proc`` leads, SIGKILL it if it is still there after
    ``timeout_s``."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@contextmanager
def streamlit_server(
    port: int | None = None,
    timeout_s: float = 60.0,
    env: dict[str, str] | None = None,
    extra_args: Sequence[str] = (),
) -> Iterator[str]:
    """Run the app in a subprocess for the duration of the block; yield its base URL.

    ``env`` adds to (or overrides) this process's environment for the server, e.g.
    ``LEVERAGE_LAB_DB`` pointing at a temporary journal so tests never touch the user's;
    ``extra_args`` are more Streamlit flags (the classroom benchmark's old configuration).
    """
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start_streamlit(port, env, extra_args)
    try:
        wait_healthy(url, proc, timeout_s)
        yield url
    finally:
        stop_process(proc)


#: How long a browser test waits for the app (ms). Generous on purpose: a run passes in a few
#: seconds on a quiet machine, and a shared 2-core machine under load (other sessions, xdist) can
#: be ten times slower; a short wait turns that load into a failing suite, a long one costs nothing
#: when the test passes.
BROWSER_TIMEOUT_MS = 90_000


def launch_chromium(playwright):  # playwright's types are optional
    """Debian's chromium, headless, through Playwright's sync API."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def wait_until_idle(page, timeout_ms: float = BROWSER_TIMEOUT_MS) -> None:
    """Wait until the app has rendered and finished its current run: script not running, no
    loading placeholders (widgets load their code lazily), every Plotly chart drawn."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout_ms)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
            const loading = '[data-testid="stSkeleton"], [data-testid="stSkeletonElement"]';
            if (document.querySelector(loading)) return false;
            const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
            for (const c of charts) { if (!c.querySelector('.main-svg')) return false; }
            return true;
        }""",
        timeout=timeout_ms,
    )


def metric_text(page, label: str) -> str:  # a Playwright Page
    """The value an ``st.metric`` labelled ``label`` shows (the first one, if several)."""
    box = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)
    )
    return box.locator('[data-testid="stMetricValue"]').first.inner_text().strip()
