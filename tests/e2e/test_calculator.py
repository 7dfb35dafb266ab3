"""The Liquidation map in a real browser: a typed mark price gives the distance to liquidation
from the mark, and the calculator tabs show what ``python -m risk pnl`` and ``python -m risk
max-open`` print for the same inputs (the sidebar's default position: Binance BTCUSDT long, entry
100,000, 500 USDT margin at 10x = 0.05 BTC, taker 0.05%)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tools.appserver import metric_text, wait_until_idle

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
WAIT_MS = 120_000
POSITION = ["--exchange", "binance", "--side", "long", "--entry", "100000", "--leverage", "10",
            "--taker-fee", "0.0005"]  # fmt: skip


def cli(*args: str) -> dict:
    r = subprocess.run(
        [sys.executable, "-m", "risk", *args, "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert r.returncode == 0 and r.stderr == "", r.stderr
    return json.loads(r.stdout)


def test_mark_price_and_calculator_tabs_match_the_command_line(page, app_url) -> None:
    # Generous waits: this checks figures, not speed, and the first run of a fresh server on a
    # shared 2-core machine can take well over the fixtures' default 20 s.
    page.goto(f"{app_url}/liquidation_map")
    wait_until_idle(page, timeout_ms=WAIT_MS)
    mark = page.locator('[data-testid="stSidebar"] input[aria-label^="Mark price"]')
    mark.fill("97000")
    mark.press("Enter")
    page.wait_for_selector('text="Move to liquidation from the mark"', timeout=WAIT_MS)
    wait_until_idle(page, timeout_ms=WAIT_MS)

    # Binance tier 1 (0.4%): LP = (500 - 5,000) / (0.05 x (0.004 - 1)) = 90,361.45, i.e. 6.84%
    # below the 97,000 mark.
    liq = cli("liq", *POSITION, "--quantity", "0.05", "--mark", "97000")
    assert liq["distance_from"] == "mark"
    by_hand = (97_000 - 4_500 / 0.0498) / 97_000
    assert liq["distance_frac"] == pytest.approx(by_hand, rel=1e-12)
    shown = metric_text(page, "Move to liquidation from the mark")
    assert shown == f"{liq['distance_frac'] * 100:.2f}%" == "6.84%"

    # PnL / ROE tab (the first): exit 105,000 -> PnL 250, fees 2.5 + 2.625, ROE after fees
    # 244.875 / 500.
    pnl = cli("pnl", *POSITION, "--quantity", "0.05", "--exit", "105000")
    assert pnl["roe_after_fees"] == pytest.approx(244.875 / 500, rel=1e-12)
    assert metric_text(page, "ROE after fees") == f"{pnl['roe_after_fees'] * 100:.2f}%"
    assert metric_text(page, "PnL at exit") == f"{pnl['pnl']:,.2f}" == "250.00"

    # Max open tab: 500 = Q x 100,000 / 10 + Q x 100,000 x 0.05% -> Q = 0.04975, 0.049 in
    # 0.001 lots; limited by the balance.
    page.get_by_role("tab", name="Max open").click()
    page.wait_for_selector('text="Max open (quantity)"', state="visible", timeout=WAIT_MS)
    wait_until_idle(page, timeout_ms=WAIT_MS)
    out = cli("max-open", *POSITION, "--balance", "500", "--lot", "0.001")
    assert out["quantity"] == pytest.approx(0.049, abs=1e-12) and out["limited_by"] == "balance"
    assert metric_text(page, "Max open (quantity)") == f"{out['quantity']:,.6g}" == "0.049"
