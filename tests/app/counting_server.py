"""``python tests/app/counting_server.py COUNT_FILE PORT``: the app, served by Streamlit as
``streamlit run app.py`` would, with two of the lesson's computations counted: every call of
``ui.model.liquidation_curve`` (step 1 of "Why 50x is fragile", outside every fragment) and of
``ui.model.check_guess`` (inside the guess fragment) appends its name to COUNT_FILE.

Used by tests/app/test_fragments.py; not part of the app.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from streamlit.runtime.pages_manager import PagesManager  # noqa: E402
from streamlit.web import cli  # noqa: E402

from ui import model  # noqa: E402


def _counted(name: str, fn, path: str):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with open(path, "a") as f:
            f.write(name + "\n")
        return fn(*args, **kwargs)

    return wrapper


if __name__ == "__main__":
    count_file, port = sys.argv[1], sys.argv[2]
    # What importing ``ui`` inside the first run does (ui/__init__.py): st.navigation mode from
    # the start. Imported here, before the server, ``ui`` cannot do it itself.
    PagesManager.uses_pages_directory = False
    for name in ("liquidation_curve", "check_guess"):
        setattr(model, name, _counted(name, getattr(model, name), count_file))
    sys.argv = [
        "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless", "true",
        "--server.port", port,
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    sys.exit(cli.main())
