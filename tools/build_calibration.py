"""Precompute the calibration the app shows ("Does the model tell the truth?"): every model
against the shipped BTC hourly history, both sides, four horizons, eleven leverages.

Usage: ``python -m tools.build_calibration`` (about a minute). Writes
``risk/data/calibration_btc_1h.json``; ``tests/risk/test_calibration_data.py`` checks that the
file matches what :func:`risk.calibration.calibrate` computes from the shipped history.
"""

from __future__ import annotations

import json
from pathlib import Path

from risk.calibration import MODEL_LABELS, Settings, calibrate
from risk.history import history_info, load_history

OUT = Path(__file__).resolve().parents[1] / "risk" / "data" / "calibration_btc_1h.json"
LEVERAGES = (2.0, 3.0, 5.0, 10.0, 15.0, 20.0, 25.0, 35.0, 50.0, 75.0, 100.0)
HORIZONS = (1 / 24, 8 / 24, 1.0, 7.0)


def main() -> None:
    info = history_info("btc-1h")
    s = Settings()
    rep = calibrate(
        load_history("btc-1h"),
        horizons_days=HORIZONS,
        leverage=LEVERAGES,
        sides=("long", "short"),
        settings=s,
    )
    doc = {
        "description": "Predicted against observed liquidations on the shipped BTC hourly "
        "history (risk.calibration.calibrate with the default Settings): for every entry hour "
        "after a 60-day burn-in, was the liquidation price reached within the horizon on the "
        "later hours' lows (long) or highs (short)? Each model predicts from the data before "
        "the entry only.",
        "source": f"{info.label}: {info.source}. Computed by tools/build_calibration.py.",
        "as_of": info.as_of,
        "settings": {k: getattr(s, k) for k in s.__dataclass_fields__},
        "models": {m: MODEL_LABELS[m] for m in rep.models},
        "best_model": rep.best_model(),
        "scores": [
            {"side": k[0], "horizon_days": k[1], "model": k[2], "brier": v[0], "log_loss": v[1]}
            for k, v in rep.scores.items()
        ],
        "cells": [
            {
                "side": c.side,
                "horizon_days": c.horizon_days,
                "leverage": c.leverage,
                "n_entries": c.n_entries,
                "observed": c.observed,
                "observed_lo": c.observed_lo,
                "observed_hi": c.observed_hi,
                "right_and_liquidated": c.right_and_liquidated,
                "predicted": c.predicted,
                "brier": c.brier,
            }
            for c in rep.cells
        ],
    }
    OUT.write_text(json.dumps(doc, indent=0) + "\n", encoding="utf-8")
    print(f"{OUT.name}: {len(rep.cells)} cells, best model {rep.best_model()}")


if __name__ == "__main__":
    main()
