"""A local fake exchange: a threaded HTTP server on 127.0.0.1 that answers ccxt's requests with
recorded responses (``exchange_fixtures/<exchange>.json``, each naming its source).

A fixture maps ``"METHOD /path"`` (``"POST /info type=meta"`` for Hyperliquid's body-routed API)
to the JSON body to answer. Candle and funding-history routes are recorded as one documented row
and replayed as a series: the server repeats the row's shape at each bar time the request asks
for (``startTime``/``limit``), with prices on a deterministic walk, so ccxt's pagination has real
pages to walk. ``fail_on`` makes the N-th request (1-based) fail: ``"500"`` answers HTTP 500,
``"drop"`` closes the connection without an answer (a network cut mid-refresh).
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent / "exchange_fixtures"
MINUTE_MS = 60_000
INTERVAL_MS = {"1m": MINUTE_MS, "1h": 60 * MINUTE_MS}


def load_fixture(exchange: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{exchange}.json").read_text(encoding="utf-8"))


def _price(t_ms: int) -> float:
    """A deterministic, positive price path (two slow sines around 100,000)."""
    h = t_ms / 3_600_000
    return 100_000.0 * (1 + 0.02 * math.sin(h / 7.0) + 0.01 * math.sin(h / 0.9))


def binance_klines(query: dict[str, str], template: list[Any]) -> list[list[Any]]:
    """Binance ``GET /fapi/v1/klines`` rows from ``startTime`` on, ``limit`` of them (default 500,
    as documented), in the recorded row's layout (strings for prices, ints for times)."""
    step = INTERVAL_MS[query["interval"]]
    start = int(query.get("startTime", 0))
    start -= start % step
    end = int(query.get("endTime", 2**62))
    limit = min(int(query.get("limit", 500)), 1500)
    rows = []
    t = start
    while len(rows) < limit and t <= end and t < _NOW_MS[0]:
        o, c = _price(t), _price(t + step)
        hi, lo = max(o, c) * 1.0005, min(o, c) * 0.9995
        row = list(template)
        row[0], row[6] = t, t + step - 1
        row[1:5] = [f"{o:.2f}", f"{hi:.2f}", f"{lo:.2f}", f"{c:.2f}"]
        rows.append(row)
        t += step
    return rows


def binance_funding(query: dict[str, str], template: dict[str, Any]) -> list[dict[str, Any]]:
    """Binance ``GET /fapi/v1/fundingRate`` rows every 8 h from ``startTime``, ``limit`` of them
    (default 100, as documented)."""
    step = 8 * 60 * MINUTE_MS
    start = int(query.get("startTime", 0))
    start += (-start) % step
    limit = min(int(query.get("limit", 100)), 1000)
    rows = []
    t = start
    while len(rows) < limit and t < _NOW_MS[0]:
        row = dict(template)
        row["fundingTime"] = t
        rows.append(row)
        t += step
    return rows


#: "now" of the fake exchange (ms); the test sets it so that generated series end there.
_NOW_MS = [2**62]
GENERATORS = {"binance_klines": binance_klines, "binance_funding": binance_funding}


class FakeExchange:
    def __init__(self, exchange: str, fail_on: int | None = None, failure: str = "500") -> None:
        doc = load_fixture(exchange)
        self.routes: dict[str, Any] = doc["routes"]
        self.fail_on = fail_on
        self.failure = failure
        self.requests: list[str] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep the test output quiet
                pass

            def _answer(self, method: str) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                key = f"{method} {parts.path}"
                if method == "POST":
                    n = int(self.headers.get("Content-Length") or 0)
                    body = json.loads(self.rfile.read(n) or b"{}")
                    if isinstance(body, dict) and "type" in body:
                        key += f" type={body['type']}"
                with fake.lock:
                    fake.requests.append(key)
                    count = len(fake.requests)
                if fake.fail_on is not None and count >= fake.fail_on:
                    if fake.failure == "drop":
                        self.close_connection = True
                        self.connection.shutdown(2)
                        return
                    self._send(500, {"code": -1001, "msg": "Internal error; unable to process"})
                    return
                route = fake.routes.get(key)
                if route is None:
                    self._send(404, {"code": -1121, "msg": f"no fixture for {key}"})
                    return
                if isinstance(route, dict) and "generator" in route:
                    out = GENERATORS[route["generator"]](query, route["row"])
                else:
                    out = route
                self._send(200, out)

            def _send(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._answer("GET")

            def do_POST(self) -> None:
                self._answer("POST")

        return Handler


@contextmanager
def serve(
    exchange: str, *, fail_on: int | None = None, failure: str = "500", now_ms: int | None = None
) -> Iterator[FakeExchange]:
    """Run the fake exchange in a background thread for the ``with`` block."""
    fake = FakeExchange(exchange, fail_on=fail_on, failure=failure)
    if now_ms is not None:
        _NOW_MS[0] = now_ms
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()
        thread.join(5)
