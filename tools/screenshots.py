"""``make screenshots``: start the app, open every page in Debian's chromium and save
docs/screenshots/<page>.png (the top of each page on a 1280x800 desk), plus the lesson's
presentation mode on a projector (why_50x_present.png, 1280x720) and a page on a phone
(phone_liquidation_map.png, 390x844 at device scale 2).

Run: ``.venv/bin/python -m tools.screenshots [url_path ...]`` (default: every page whose file
exists, in the order app.py declares them, and the two extra shots). The app gets a temporary
journal filled from docs/examples/journal_example.csv, so the Review page shows statistics and
never the user's plans. Each PNG is reduced to a palette of 32 colours (Pillow, which Streamlit
brings), so the README's images stay a few hundred KB in all.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import sync_playwright

from risk.journal.csvio import import_csv
from risk.journal.store import Journal
from tools.appserver import ROOT, launch_chromium, streamlit_server, wait_until_idle

OUT = ROOT / "docs" / "screenshots"
EXAMPLE_JOURNAL = ROOT / "docs" / "examples" / "journal_example.csv"
WIDTH, HEIGHT = 1280, 800
COLOURS = 32


@dataclass(frozen=True)
class Shot:
    """One screenshot: the file name, the address (path and query), the CSS viewport and the
    device scale."""

    name: str
    address: str
    width: int = WIDTH
    height: int = HEIGHT
    scale: float = 1.0


#: Beyond one desk shot per page: the presentation mode on a projector (the 5x and 50x step)
#: and the first page on a phone.
EXTRA = (
    Shot("why_50x_present", "why_50x?present=1&step=6", 1280, 720, 1.0),
    Shot("phone_liquidation_map", "liquidation_map", 390, 844, 2.0),
)


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


def shots(wanted: list[str]) -> list[Shot]:
    """A desk shot of each page in ``wanted``, then the extra shots (all of them when
    ``wanted`` is every page, else those of the pages asked for)."""
    out = [Shot(path, path) for path in wanted]
    every = set(wanted) == set(page_paths())
    return out + [x for x in EXTRA if every or x.address.split("?")[0] in wanted]


def optimize_png(path: Path, colours: int = COLOURS) -> None:
    """Rewrite ``path`` with a palette of ``colours`` colours (no dithering: flat UI colours
    stay flat), compressed as much as Pillow can."""
    from PIL import Image

    with Image.open(path) as img:
        small = img.convert("RGB").quantize(
            colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    small.save(path, optimize=True)


def main(argv: list[str]) -> int:
    wanted = argv or page_paths()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "journal.sqlite3"
        with Journal(db) as journal:
            import_csv(journal, EXAMPLE_JOURNAL)
        shoot(shots(wanted), {"LEVERAGE_LAB_DB": str(db)})
    return 0


def shoot(todo: list[Shot], env: dict[str, str]) -> None:
    with streamlit_server(env=env) as url, sync_playwright() as pw:
        browser = launch_chromium(pw)
        for shot in todo:
            context = browser.new_context(
                viewport={"width": shot.width, "height": shot.height},
                device_scale_factor=shot.scale,
            )
            page = context.new_page()
            page.goto(f"{url}/{shot.address}")
            wait_until_idle(page, timeout_ms=120_000)
            page.wait_for_timeout(800)  # let Plotly finish resizing
            target = OUT / f"{shot.name}.png"
            page.screenshot(path=str(target))
            context.close()
            optimize_png(target)
            print(f"{target.relative_to(ROOT)} {target.stat().st_size / 1024:.0f} KB")
        browser.close()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
