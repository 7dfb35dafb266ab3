"""The volatility presets (risk/data/volatility.json) carry the years their data comes from,
and the ones measured on data the project ships recompute from it."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from risk.history import load_history
from risk.volatility import vol_presets


def test_every_preset_names_its_years_and_its_source() -> None:
    for p in vol_presets().values():
        assert p.years and p.source and p.as_of, p.name
        if p.years == "n/a":  # an assumption, said so in its source
            assert "Assumption" in p.source
            continue
        years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", p.years)]
        assert years, p.name
        for y in years:
            assert str(y) in p.source, (p.name, y)
        assert int(p.as_of[:4]) >= max(years), p.name


def test_btc_2017_2020_is_the_mean_of_the_yearly_figures_it_quotes() -> None:
    p = vol_presets()["BTC 2017-2020"]
    quoted = re.findall(r"\b20(?:17|18|19|20)\b[^%;]*?(\d+\.\d)%", p.source)
    yearly = [float(x) / 100 for x in quoted]
    assert len(yearly) == 4
    assert p.vol_annual == pytest.approx(float(np.mean(yearly)), abs=0.005)
    # the point: 71-93% a year in 2017-2020, against 54% in one 2025 month
    assert min(yearly) == pytest.approx(0.713) and max(yearly) == pytest.approx(0.931)
    assert vol_presets()["BTC typical"].years.startswith("2025")


@pytest.mark.parametrize(
    ("preset", "history"),
    [("BTC typical", "btc-1h-2025"), ("ETH", "eth-1h-2025")],
)
def test_presets_measured_on_shipped_candles_recompute(preset: str, history: str) -> None:
    # the same Binance perpetual hourly file (2025-03-06 to 2025-04-05) ships in risk/data/history
    r = np.diff(np.log(load_history(history)["close"].to_numpy()))
    vol = float(np.std(r, ddof=1)) * math.sqrt(24 * 365)
    assert vol_presets()[preset].vol_annual == pytest.approx(vol, abs=0.005)
    quoted = float(re.search(r"(\d+\.\d)%", vol_presets()[preset].source).group(1)) / 100
    assert quoted == pytest.approx(vol, abs=0.0005)
