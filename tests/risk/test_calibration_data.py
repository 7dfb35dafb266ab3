"""The precomputed calibration the app shows (risk/data/calibration_btc_1h.json) matches what
the library computes from the shipped history: the observed shares recomputed, the GBM
predictions by the closed form, and the calibrated default is the file's best model."""

from __future__ import annotations

import numpy as np
import pytest

from risk.calibration import CALIBRATED_MODEL, history_shares, shipped_calibration
from risk.odds import gbm_hit_probability, liquidation_barriers


def test_shipped_calibration_is_documented_and_names_the_default() -> None:
    cal = shipped_calibration()
    assert cal["source"] and cal["as_of"]
    assert cal["best_model"] == CALIBRATED_MODEL
    # the default wins at every horizon, both sides (the claim the page makes)
    for side in ("long", "short"):
        for h in (1 / 24, 1 / 3, 1.0, 7.0):
            brier = {
                s["model"]: s["brier"]
                for s in cal["scores"]
                if s["side"] == side and s["horizon_days"] == pytest.approx(h)
            }
            assert brier[CALIBRATED_MODEL] < brier["gbm-preset"], (side, h)


@pytest.mark.parametrize(("side", "horizon"), [("long", 1.0), ("short", 1 / 24), ("long", 7.0)])
def test_observed_shares_and_gbm_predictions_recompute(side: str, horizon: float) -> None:
    cal = shipped_calibration()
    cells = [
        c for c in cal["cells"] if c["side"] == side and c["horizon_days"] == pytest.approx(horizon)
    ]
    lev = [c["leverage"] for c in cells]
    h = history_shares(side, horizon, lev, mmr=cal["settings"]["mmr"])
    np.testing.assert_allclose([c["observed"] for c in cells], h.liquidated, rtol=1e-12)
    np.testing.assert_allclose(
        [c["right_and_liquidated"] for c in cells], h.right_and_liquidated, rtol=1e-12
    )
    assert all(c["n_entries"] == h.n_entries for c in cells)
    _, b = liquidation_barriers(side, lev, cal["settings"]["mmr"])
    gbm = gbm_hit_probability(b, horizon / 365, cal["settings"]["preset_vol"])
    np.testing.assert_allclose([c["predicted"]["gbm-preset"] for c in cells], gbm, rtol=1e-9)
    for c in cells:
        assert c["observed_lo"] <= c["observed"] <= c["observed_hi"]
