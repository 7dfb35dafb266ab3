"""``make screenshots``: start the app, open every page in Debian's chromium and save
docs/screenshots/<page>.png (full page, 1400 px wide).

Run: ``.venv/bin/python -m tools.screenshots [url_path ...]`` (default: every page whose file
exists, in the order app.py declares them). The app gets a temporary journal filled from
docs/examples/journal_example.csv, so the Review page shows statistics and never the user's plans.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from risk.journal.csvio import import_csv
from risk.journal.store import Journal
from tools.appserver import ROOT, launch_chromium, streamlit_server, wait_until_idle

OUT = ROOT / "docs" / "screenshots"
EXAMPLE_JOURNAL = ROOT / "docs" / "examples" / "journal_example.csv"
WIDTH = 1400


def page_paths() -> list[str]:
    """URL paths of the pages that exist, from app.py's PAGES list (read without running
    Streamlit)."""
    import ast

    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "PAGES":
            pages = ast.literal_eval(node.value)
            return [p[4] for p in pages if (ROOT / p[1]).is_file()]
    raise RuntimeError("app.py has no PAGES list")


def main(argv: list[str]) -> int:
    wanted = argv or page_paths()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "journal.sqlite3"
        with Journal(db) as journal:
            import_csv(journal, EXAMPLE_JOURNAL)
        shoot(wanted, {"LEVERAGE_LAB_DB": str(db)})
    return 0


def shoot(wanted: list[str], env: dict[str, str]) -> None:
    with streamlit_server(env=env) as url, sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": WIDTH, "height": 900})
        for path in wanted:
            page.set_viewport_size({"width": WIDTH, "height": 900})
            page.goto(f"{url}/{path}")
            wait_until_idle(page, timeout_ms=60_000)
            # The main area scrolls inside its own container: grow the window to its height.
            height = page.evaluate(
                "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight"
            )
            page.set_viewport_size({"width": WIDTH, "height": max(900, int(height) + 40)})
            wait_until_idle(page, timeout_ms=60_000)
            page.wait_for_timeout(800)  # let Plotly finish resizing
            target = OUT / f"{path}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target.relative_to(ROOT))
        browser.close()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
