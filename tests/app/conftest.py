"""Fixtures of the tests that count what a real Streamlit server computes (fragments, the shared
cache): ``counted_app`` starts tests/app/counting_server.py on a free 127.0.0.1 port, cold (a new
process per test module), with its journal in a temporary folder, and yields ``(url, counts)``:
the counts file lists one name per counted computation."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tools.appserver import ROOT, free_port, wait_healthy

SERVER = Path(__file__).with_name("counting_server.py")


@pytest.fixture(scope="module")
def counted_app(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("counted")
    counts = tmp / "counts.txt"
    counts.touch()
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(SERVER), str(counts), str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        # no second, validated build of each figure (tests/conftest.py): the counts are of the
        # builds a served app makes
        env={
            **os.environ,
            "LEVERAGE_LAB_DB": str(tmp / "journal.sqlite3"),
            "LEVERAGE_LAB_CHECK_FIGURES": "",
        },
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, 90.0)
        yield url, counts
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
