"""``make serve WORKERS=N``: N Streamlit workers behind nginx, in the foreground.

Each worker is ``streamlit run app.py`` on its own 127.0.0.1 port (the project's serving config,
.streamlit/config.toml) with ``LEVERAGE_LAB_WORKER`` set to its number (the sidebar names it).
nginx (Debian's package) is generated from deploy/nginx.conf.template into a fresh run directory
(its config, pid file, logs and temp paths) and runs as a child process (``daemon off``): no
system nginx service is needed. It keeps every browser on one worker (a cookie picks the
worker), upgrades the websocket, does not buffer, and takes a worker that fails out of the
rotation. While serving, every worker's ``/_stcore/health`` is probed every few seconds and a
worker that stops answering is restarted (its browsers reconnect to a new session).

Also a context manager, :func:`cluster`, for the browser test and the classroom benchmark.

    python -m tools.serve --workers 2 --host 127.0.0.1 --port 8501
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tools.appserver import (
    ROOT,
    _healthy,
    free_port,
    start_streamlit,
    stop_process,
    wait_healthy,
)
from tools.stclient import ProtocolClient

TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@dataclass
class Worker:
    """One Streamlit process: its number (1..N), port and process."""

    index: int
    port: int
    proc: subprocess.Popen
    env: dict[str, str]
    extra_args: tuple[str, ...]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def address(self) -> str:
        """As nginx writes it in ``$upstream_addr``."""
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = start_streamlit(self.port, self.env, self.extra_args, self.log)

    def warm(self, timeout_s: float = 90.0) -> None:
        """Wait until healthy, then open the app once, directly on the worker, before any
        browser is sent to it. A fresh Streamlit process decides on its first run whether the
        app is an old-style ``pages/`` app; ui/__init__.py corrects that on the first run
        (st.navigation mode, then a rerun), but visitors who arrive together with that first
        run would get their page without the sidebar. The first run also imports the libraries
        and fills the caches, so the first student does not wait for them."""
        wait_healthy(self.url, self.proc, timeout_s)
        # In a thread of its own: the caller may already run an event loop (Playwright's).
        errors: list[BaseException] = []

        def run() -> None:
            try:
                asyncio.run(_open_once(self.url, timeout_s))
            except BaseException as exc:  # handed to the caller below
                errors.append(exc)

        t = threading.Thread(target=run, name=f"warm-worker-{self.index}")
        t.start()
        t.join()
        if errors:
            raise RuntimeError(f"worker {self.index} did not serve the app: {errors[0]!r}")

    def kill(self) -> None:
        """SIGKILL, as a crash would (no clean shutdown)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


async def _open_once(url: str, timeout_s: float) -> None:
    c = ProtocolClient(url, timeout_s=timeout_s)
    try:
        await c.open("")
    finally:
        await c.close()


@dataclass
class Cluster:
    url: str
    workers: list[Worker]
    nginx: subprocess.Popen
    run_dir: Path


def nginx_config(run_dir: Path, listen: str, ports: Sequence[int]) -> str:
    """deploy/nginx.conf.template with the run directory, the listen address and one
    ``server`` line per worker port."""
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in ports
    )
    return string.Template(TEMPLATE.read_text()).safe_substitute(
        RUN_DIR=str(run_dir), LISTEN=listen, UPSTREAM_SERVERS=servers
    )


@contextmanager
def cluster(
    workers: int = 2,
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    env: dict[str, str] | None = None,
    extra_args: Sequence[str] = (),
    timeout_s: float = 90.0,
) -> Iterator[Cluster]:
    """Start ``workers`` Streamlit processes and nginx in front of them on ``host:port`` (a free
    port by default); yield the cluster; stop everything and remove the run directory."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if not Path(NGINX).exists():
        raise FileNotFoundError("nginx is not installed: run `make nginx` (Debian's package)")
    run_dir = Path(tempfile.mkdtemp(prefix="leverage-lab-serve-"))
    port = port or free_port()
    started: list[Worker] = []
    proc = None
    try:
        for i in range(1, workers + 1):
            w_env = {**(env or {}), "LEVERAGE_LAB_WORKER": str(i)}
            w_port = free_port()
            w_log = run_dir / f"worker{i}.log"
            w = Worker(
                i,
                w_port,
                start_streamlit(w_port, w_env, extra_args, w_log),
                w_env,
                tuple(extra_args),
                w_log,
            )
            started.append(w)
        for w in started:
            w.warm(timeout_s)
        conf = run_dir / "nginx.conf"
        conf.write_text(nginx_config(run_dir, f"{host}:{port}", [w.port for w in started]))
        proc = subprocess.Popen(
            [NGINX, "-p", str(run_dir), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # nginx writes its errors to error.log in run_dir
            start_new_session=True,
        )
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}"
        wait_healthy(url, proc, timeout_s)
        yield Cluster(url, started, proc, run_dir)
    finally:
        if proc is not None:
            stop_process(proc)
        for w in started:
            stop_process(w.proc)
        shutil.rmtree(run_dir, ignore_errors=True)


def supervise(c: Cluster, every_s: float = 5.0, misses: int = 3) -> None:
    """Until interrupted: probe every worker's /_stcore/health; restart one that has exited or
    missed ``misses`` probes in a row."""
    missed = {w.index: 0 for w in c.workers}
    while c.nginx.poll() is None:
        time.sleep(every_s)
        for w in c.workers:
            ok = w.proc.poll() is None and _healthy(w.url)
            missed[w.index] = 0 if ok else missed[w.index] + 1
            if missed[w.index] >= misses or w.proc.poll() is not None:
                print(f"worker {w.index} ({w.address}) is down: restarting it", file=sys.stderr)
                stop_process(w.proc)
                w.start()
                try:
                    w.warm()
                except (RuntimeError, TimeoutError, OSError) as exc:
                    print(f"worker {w.index} did not come back: {exc}", file=sys.stderr)
                missed[w.index] = 0


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.serve", description=__doc__.split("\n")[0])
    p.add_argument("--workers", type=int, default=2, help="Streamlit processes (default 2)")
    p.add_argument("--host", default="127.0.0.1", help="address nginx listens on")
    p.add_argument("--port", type=int, default=8501, help="port nginx listens on")
    args = p.parse_args(argv)
    try:
        with cluster(args.workers, host=args.host, port=args.port) as c:
            print(
                f"Leverage Lab: {args.workers} workers behind nginx on http://{args.host}:"
                f"{args.port} (logs in {c.run_dir}); Ctrl+C stops everything.",
                file=sys.stderr,
            )
            supervise(c)
    except KeyboardInterrupt:
        return 0
    except (ValueError, FileNotFoundError, RuntimeError, TimeoutError) as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 2
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the workers and nginx like Ctrl+C


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupt)
    raise SystemExit(main())
