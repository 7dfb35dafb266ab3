"""``python tests/app/counting_server.py COUNT_FILE PORT``: the app, served by Streamlit as
``streamlit run app.py`` would, with some of the lesson's computations counted: every call of
``ui.model.liquidation_curve`` (step 1 of "Why 50x is fragile", outside every fragment) and of
``ui.model.check_guess`` (inside the guess fragment) appends its name to COUNT_FILE, one line a
call, and so does every ``ui.inputs.number`` (the bounded number fields of the sidebar and
of the pages: a whole-page rerun calls several). The simulations
(``risk.odds.liquidation_odds``, ``risk.odds.sample_price_paths``), the read of the shipped
history (``risk.calibration.history_shares``) and the lesson's chart builders append
``name:<digest of the arguments>``, so that a test can tell a repeated
computation (the same digest twice) from a new one. The trailing-stop page's three steps
(``risk.trailing.simulate_prices``, ``prepare_exit_paths``, ``exits_at_leverage``) append their
names only (their arguments are tens of megabytes of paths).

Used by tests/app/test_fragments.py and tests/app/test_shared_cache.py; not part of the app.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from streamlit.runtime.pages_manager import PagesManager  # noqa: E402
from streamlit.web import cli  # noqa: E402

import risk.calibration  # noqa: E402
import risk.odds  # noqa: E402
import risk.trailing  # noqa: E402
from ui import charts_calibration, charts_odds, inputs, model  # noqa: E402


def _counted(name: str, fn, path: str, *, digest: bool = False):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        line = name
        if digest:
            line += ":" + hashlib.sha256(pickle.dumps((args, kwargs))).hexdigest()[:16]
        with open(path, "a") as f:
            f.write(line + "\n")
        return fn(*args, **kwargs)

    return wrapper


#: (module, function names) counted with a digest of their arguments.
DIGESTED = [
    (risk.odds, ("liquidation_odds", "sample_price_paths")),
    (risk.calibration, ("history_shares",)),
    (
        charts_odds,
        (
            "odds_vs_leverage_chart",
            "sample_paths_chart",
            "right_but_liquidated_chart",
            "odds_heatmap",
        ),
    ),
    (charts_calibration, ("truth_chart",)),
]
#: risk.trailing functions counted by name only.
UNDIGESTED = ("simulate_prices", "prepare_exit_paths", "exits_at_leverage")


if __name__ == "__main__":
    count_file, port = sys.argv[1], sys.argv[2]
    # What importing ``ui`` inside the first run does (ui/__init__.py): st.navigation mode from
    # the start. Imported here, before the server, ``ui`` cannot do it itself.
    PagesManager.uses_pages_directory = False
    for name in ("liquidation_curve", "check_guess"):
        setattr(model, name, _counted(name, getattr(model, name), count_file))
    # every bounded number field (the sidebar's and the pages' own): a whole-page rerun
    inputs.number = _counted("inputs.number", inputs.number, count_file)
    for name in UNDIGESTED:
        setattr(risk.trailing, name, _counted(name, getattr(risk.trailing, name), count_file))
    for module, names in DIGESTED:
        for name in names:
            setattr(module, name, _counted(name, getattr(module, name), count_file, digest=True))
    sys.argv = [
        "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless", "true",
        "--server.port", port,
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    sys.exit(cli.main())
