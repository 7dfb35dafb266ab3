"""'Why 50x is fragile' page: every number it shows equals what risk/ returns for the same input
(re-derived here with risk/, and the GBM figures by hand from the reflection principle); bad CSV
files and impossible settings give a message naming what to change while the rest of the page
keeps working; the simulations are cached on the price model's parameters only.

The page's simulation settings, which the re-derivations repeat: 5,000 paths, seed 0, 60 steps
for one hour, 144 for one day, 168 for one week; Binance's first BTCUSDT tier (0.4%) as the one
maintenance rate of the odds.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import streamlit as st

import risk.odds
import risk.paths
from risk import Position, distance_frac, get_venue, liquidation_price
from risk.odds import liquidation_odds, load_price_csv, price_model, sample_price_paths
from risk.volatility import typical_move_frac, vol_presets
from ui import format as uifmt
from ui import model, text
from ui.scenario import needs_typed_mmr
from ui.testing import app_test, chart_specs, metric, shows

PAGE = "pages/why_50x.py"
MMR = 0.004
HORIZONS = {"1 hour": (1 / 24, 60), "1 day": (1.0, 144), "1 week": (7.0, 168)}
BTC = 0.54  # the "BTC typical" preset, the page's default
HEAT = (2.0, 3.0, 5.0, 10.0, 20.0, 50.0, 100.0, 125.0)
SIGMA_DAY = BTC * math.sqrt(1 / 365)
LABELS = {
    "history": "Real moves, calibrated on history",
    "gbm": "Normal moves (GBM)",
    "student-t": "Fat tails (Student-t)",
    "jump": "Sudden gaps (jumps)",
    "bootstrap": "Your price history (CSV)",
}


def gbm_page():
    """The page on normal moves (GBM), whose odds have closed forms to check by hand; the
    default model (the calibrated one) has its own test below."""
    return app_test(PAGE, query_params={"w50_model": LABELS["gbm"]})


def phi(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2))


def odds(
    lev=(50.0,),
    horizon: str = "1 day",
    vol: float | None = BTC,
    side: str = "long",
    kind: str = "gbm",
    **kw,
):
    days, steps = HORIZONS[horizon]
    return liquidation_odds(
        side,
        list(lev),
        vol,
        days,
        mmr=MMR,
        model=kind,
        n_paths=5_000,
        n_steps=steps,
        seed=0,
        keep_roi=False,
        **kw,
    )


def check_odds(at, horizon: str = "1 day", lev: float = 10.0, **kw) -> None:
    """Step 4's 'your leverage' metrics and step 6's 50x metrics against risk/."""
    for label in HORIZONS:
        r = odds([lev], label, **kw)
        shows(at, f"Your {text.lev(lev)}: liquidated within {label}", float(r.p_liquidation[0]))
    r = odds([50.0], horizon, **kw)
    shows(at, f"50x, {horizon}: all liquidations", float(r.p_liquidation[0]))
    shows(at, f"50x, {horizon}: liquidated although right", float(r.p_right_but_liquidated[0]))


def clean(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_defaults_equal_the_library_and_the_closed_forms_by_hand() -> None:
    at = gbm_page()
    clean(at)
    assert not at.warning
    assert at.title[0].value == "Why 50x is fragile"
    # Step 1: Binance's exact distance for a 500 USDT margin at each leverage, beside 1/L.
    btc = get_venue("binance", "BTCUSDT", taker_fee=0.0005)
    table = at.dataframe[0].value
    levs = [2.0, 5.0, 10.0, 20.0, 50.0, 100.0]
    assert list(table["leverage"]) == [text.lev(x) for x in levs]
    assert list(table["rule of thumb: 1 / leverage"]) == [text.pct(1 / x, 1) for x in levs]
    exact = [
        distance_frac(
            float(liquidation_price(Position("long", 1e5, 500 * x / 1e5, leverage=x), btc)), 1e5
        )
        for x in levs
    ]
    assert list(table["exact on Binance"]) == [text.pct(d, 2) for d in exact]
    # Independent: Binance tier 1 (mmr 0.4%): LP/EP = (1 - 1/L) / (1 - mmr), 9.64% at 10x.
    assert table["exact on Binance"][2] == "9.64%"
    # Step 2: one standard deviation over an hour and a day; the 50x distance by hand.
    shows(at, "Typical 1-hour move", BTC * math.sqrt(1 / 24 / 365))
    shows(at, "Typical 1-day move", SIGMA_DAY)
    shows(at, "Distance at 50x", 1 - 0.98 / 0.996)
    # Step 6 by hand: P(touch) = 2 Phi(b / sigma sqrt T), P(touch and end above) = Phi(2b / ...).
    b = math.log(0.98 / 0.996)
    shows(at, "50x, 1 day: all liquidations", 2 * phi(b / SIGMA_DAY))
    shows(at, "50x, 1 day: liquidated although right", phi(2 * b / SIGMA_DAY))
    check_odds(at)
    # Nothing revealed before the student guesses; no teacher panel.
    assert not [m for m in at.metric if m.label in ("Your guess", "The model's answer")]
    assert not [m for m in at.metric if m.label.startswith("2x:")]


def test_charts_carry_the_library_numbers() -> None:
    at = gbm_page()
    clean(at)
    odds_fig, low, high, right, heat, _truth = chart_specs(at)
    grid = model.odds_leverage_grid(MMR)
    lines = {t["name"]: t for t in odds_fig["data"]}
    for label in HORIZONS:
        expected = odds(grid, label).p_liquidation * 100
        assert np.allclose(np.asarray(lines[label]["x"], dtype=float), grid)
        assert np.allclose(np.asarray(lines[label]["y"], dtype=float), expected, atol=1e-12)
    assert lines["Your leverage"]["x"] == [10.0, 10.0]
    # Step 5: the same 30 paths for 5x and 50x.
    sp = sample_price_paths(
        price_model("gbm", BTC), "long", 1.0, [5, 50], n_paths=30, n_steps=144, seed=0,
        mmr=MMR, entry_price=100_000.0,
    )  # fmt: skip
    for fig, i in ((low, 0), (high, 1)):
        dead = int(np.sum(sp.liquidated_at[i] >= 0))
        assert (
            fig["layout"]["title"]["text"] == f"{sp.leverage[i]:g}x: {dead} of 30 paths liquidated"
        )
        lp = next(t for t in fig["data"] if t["name"] == "Liquidation price")
        assert np.allclose(lp["y"], sp.liquidation_price[i])
    # The lesson: the same market liquidates more paths at 50x than at 5x.
    assert np.sum(sp.liquidated_at[1] >= 0) > np.sum(sp.liquidated_at[0] >= 0)
    # Step 6: stacked bars, red = right but liquidated.
    bars = [2.0, 5.0, 10.0, 20.0, 50.0, 100.0]
    r = odds(bars)
    red, grey = right["data"]
    assert np.allclose(np.asarray(red["y"], dtype=float), r.p_right_but_liquidated * 100)
    assert np.allclose(
        np.asarray(grey["y"], dtype=float), (r.p_liquidation - r.p_right_but_liquidated) * 100
    )
    # Step 7: one row per preset, calmest first (at the bottom).
    z = np.asarray(heat["data"][0]["z"], dtype=float)
    presets = sorted(vol_presets().values(), key=lambda p: p.vol_annual)
    assert heat["data"][0]["y"] == [f"{p.name} ({p.vol_annual:.0%})" for p in presets]
    for row, p in zip(z, presets, strict=True):
        assert np.allclose(row, odds(HEAT, vol=p.vol_annual).p_liquidation * 100)
    # The lesson: higher volatility, higher odds at every leverage.
    assert np.all(np.diff(z, axis=0) >= 0)


@pytest.mark.parametrize("name", list(vol_presets()))
def test_each_volatility_preset(name: str) -> None:
    at = gbm_page()
    at.selectbox(key="w50_vol").set_value(name).run()
    clean(at)
    vol = vol_presets()[name].vol_annual
    shows(at, "Typical 1-hour move", float(typical_move_frac(vol, 1 / 24)))
    shows(at, "Typical 1-day move", float(typical_move_frac(vol, 1.0)))
    check_odds(at, vol=vol)
    # the source as a reader gets it: the publisher and the dates, not the repository
    assert any(uifmt.source(vol_presets()[name].source) in c.value for c in at.caption)
    assert not any("DcaTpStrategy" in c.value for c in at.caption)


def test_custom_volatility_adds_a_heatmap_row() -> None:
    at = gbm_page()
    at.selectbox(key="w50_vol").set_value("Custom").run()
    at.number_input(key="w50_vol_pct").set_value(120.0).run()
    clean(at)
    shows(at, "Typical 1-day move", 1.2 * math.sqrt(1 / 365))
    check_odds(at, vol=1.2)
    heat = chart_specs(at)[4]["data"][0]
    row = heat["y"].index("Custom (120%)")
    assert heat["y"][row + 1] == "Memecoin (150%)"  # sorted by volatility
    expected = odds(HEAT, vol=1.2).p_liquidation * 100
    assert np.allclose(np.asarray(heat["z"][row], dtype=float), expected)


@pytest.mark.parametrize(
    ("kind", "widgets", "params"),
    [
        ("student-t", {}, {"df": 3.0}),
        ("student-t", {"w50_df": 8.0}, {"df": 8.0}),
        ("jump", {}, {"jump_rate_per_year": 12.0, "jump_std_log": 0.04}),
        (
            "jump",
            {"w50_jumps": 50.0, "w50_jump_mean": -2.0},
            {"jump_rate_per_year": 50.0, "jump_mean_log": -0.02, "jump_std_log": 0.04},
        ),
    ],
)
def test_fat_tails_and_jumps_equal_the_engine(kind, widgets, params) -> None:
    at = gbm_page()
    at.selectbox(key="w50_model").set_value(LABELS[kind]).run()
    for key, value in widgets.items():
        kinds = {"w50_df": "slider"}
        getattr(at, kinds.get(key, "number_input"))(key=key).set_value(value)
    at.run()
    clean(at)
    check_odds(at, kind=kind, **params)
    assert any("5,000 simulated paths" in c.value for c in at.caption)
    assert not [c for c in at.caption if "seed 0" in c.value and "Methods" not in c.value]


def test_a_jump_model_heavier_than_the_volatility_falls_back_to_gbm() -> None:
    at = gbm_page()
    at.selectbox(key="w50_model").set_value(LABELS["jump"]).run()
    at.number_input(key="w50_jump_std").set_value(30.0).run()  # 12 x 0.3^2 > 0.54^2
    assert not at.exception
    assert len(at.error) == 1
    assert "the jump rate per year 12" in at.error[0].value
    assert "uses normal moves (GBM)" in at.error[0].value
    check_odds(at)  # the closed form again
    assert len(at.get("plotly_chart")) == 6  # five lesson charts + the truth chart


@pytest.mark.parametrize("horizon", ["1 hour", "1 week"])
def test_horizon_drives_steps_5_to_7(horizon: str) -> None:
    at = gbm_page()
    at.select_slider(key="w50_horizon").set_value(horizon).run()
    clean(at)
    check_odds(at, horizon=horizon)
    days, steps = HORIZONS[horizon]
    sp = sample_price_paths(
        price_model("gbm", BTC), "long", days, [5, 50], n_paths=30, n_steps=steps, seed=0,
        mmr=MMR, entry_price=100_000.0,
    )  # fmt: skip
    high = chart_specs(at)[2]
    dead = int(np.sum(sp.liquidated_at[1] >= 0))
    assert high["layout"]["title"]["text"] == f"50x: {dead} of 30 paths liquidated"
    heat = chart_specs(at)[4]
    assert heat["layout"]["title"]["text"] == f"Odds of liquidation within {horizon}"
    z = np.asarray(heat["data"][0]["z"], dtype=float)
    assert heat["data"][0]["y"][1] == "BTC typical (54%)"
    assert np.allclose(z[1], odds(HEAT, horizon).p_liquidation * 100)


@pytest.mark.parametrize("lev", [3, 25, 50, 100])
def test_sidebar_leverage_moves_the_marker_and_its_odds(lev: int) -> None:
    at = gbm_page()
    at.slider(key="lev").set_value(lev).run()
    clean(at)
    check_odds(at, lev=float(lev))
    line = next(t for t in chart_specs(at)[0]["data"] if t["name"] == "Your leverage")
    assert line["x"] == [lev, lev]


@pytest.mark.parametrize(
    ("kind", "key", "value"),
    [
        ("selectbox", "ex", "bybit"),
        ("selectbox", "ex", "okx"),
        ("selectbox", "ex", "hyperliquid"),
        ("selectbox", "ex", "generic"),
        ("selectbox", "sym", "ETHUSDT"),
        ("selectbox", "sym", "custom"),
        ("number_input", "entry", 2_500.0),
        ("radio", "size_by", "quantity"),
        ("number_input", "margin", 25_000.0),
        ("slider", "lev", 75),
    ],
)
def test_survives_each_sidebar_change(kind: str, key: str, value) -> None:
    at = gbm_page()
    getattr(at, kind)(key=key).set_value(value)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Why 50x is fragile"
    assert len(at.get("plotly_chart")) == 6  # five lesson charts + the truth chart
    # the odds use the venue's first-tier rate, whatever the size or the leverage
    venue = at.selectbox(key="ex").value
    symbol = at.selectbox(key="sym").value
    if not needs_typed_mmr(venue, symbol):
        mmr = get_venue(venue, symbol).table.tiers[0].mmr
    else:
        mmr = 0.005  # the sidebar's default typed rate
    # a switch to ETHUSDT also switches the lesson to ETH's volatility preset
    vol = vol_presets()["ETH"].vol_annual if symbol == "ETHUSDT" else BTC
    r = liquidation_odds("long", [50.0], vol, 1.0, mmr=mmr)
    shows(at, "50x, 1 day: all liquidations", float(r.p_liquidation[0]))


def test_short_side() -> None:
    at = gbm_page()
    at.segmented_control(key="side").set_value("short").run()
    clean(at)
    check_odds(at, side="short")
    # Independent: a short at 50x is liquidated by a rise to (1 + 1/50) / (1 + mmr).
    shows(at, "Distance at 50x", 1.02 / 1.004 - 1)


def test_the_volatility_sources_are_drawn_only_while_open() -> None:
    """Step 2's sources table sits in an expander that reruns the page when opened, so that a
    rerun with it closed (nearly all of them) does not build the table."""
    at = gbm_page()

    def sources() -> list:
        return [d for d in at.dataframe if "preset" in d.value.columns]

    assert len(at.dataframe) == 1 and not sources()  # step 1's distances only
    at.session_state["w50_sources_open"] = True
    at.run()
    (table,) = sources()
    presets = vol_presets()
    assert list(table.value["preset"]) == [p.name for p in presets.values()]
    assert list(table.value["source"]) == [uifmt.source(p.source) for p in presets.values()]
    assert list(table.value["volatility a year"]) == [
        f"{p.vol_annual:.0%}" for p in presets.values()
    ]


def test_a_bad_sidebar_position_says_so_and_the_lesson_still_works() -> None:
    at = gbm_page()
    at.number_input(key="margin").set_value(3_000.0).run()
    at.slider(key="lev").set_value(110).run()  # 3,000 x 110 = 330,000: tier 2, max 100x
    assert not at.exception
    assert len(at.error) == 1 and "above the maximum 100x" in at.error[0].value
    assert len(at.get("plotly_chart")) == 6  # five lesson charts + the truth chart
    shows(at, "Typical 1-day move", SIGMA_DAY)
    check_odds(at, lev=110.0)


def test_a_typed_rate_too_high_for_50x_explains_and_keeps_the_rest() -> None:
    at = gbm_page()
    at.selectbox(key="ex").set_value("generic").run()
    at.number_input(key="mmr").set_value(2.5).run()  # 1 / 0.025 = 40x at most
    at.toggle(key="w50_teacher").set_value(True).run()
    assert not at.exception
    assert len(at.error) == 1
    assert at.error[0].value.startswith("50x cannot be opened with a maintenance rate of 2.50%")
    assert "Lower the maintenance rate in the sidebar" in at.error[0].value
    assert metric(at, "Distance at 50x") == "—"
    assert not [m for m in at.metric if m.label.startswith("50x")]
    r = liquidation_odds("long", [2.0, 10.0], BTC, 1.0, mmr=0.025)
    shows(at, "10x: liquidated within a day", float(r.p_liquidation[1]))
    # Independent: LP/EP = (1 - 1/L) / (1 - mmr) = 0.9 / 0.975 at 10x.
    shows(at, "10x: distance to liquidation", 1 - 0.9 / 0.975)
    r = liquidation_odds("long", [10.0], BTC, 1.0, mmr=0.025)
    shows(at, "Your 10x: liquidated within 1 day", float(r.p_liquidation[0]))
    # odds chart, right-but-liquidated and heatmap still draw; grids stop below 40x
    specs = chart_specs(at)
    assert len(specs) == 4  # with the truth chart (section 9)
    assert max(specs[0]["data"][0]["x"]) < 40


def test_the_highest_typed_rate_leaves_2x_and_no_traceback() -> None:
    # ui/scenario.py caps the typed rate at 49%: at 50% the leverage slider was left with
    # 1x..1x and Streamlit raised StreamlitInvalidMinMaxError on every page.
    at = gbm_page()
    at.selectbox(key="ex").set_value("generic").run()
    at.number_input(key="mmr").set_value(50.0).run()
    assert not at.exception, [e.value for e in at.exception]
    at.number_input(key="mmr").set_value(49.0).run()
    assert not at.exception
    assert at.slider(key="lev").max == 2
    assert len(at.error) == 1 and "50x cannot be opened" in at.error[0].value
    r = liquidation_odds("long", [2.0], BTC, 1.0, mmr=0.49)
    shows(at, "Your 2x: liquidated within 1 day", float(r.p_liquidation[0]))


def test_teacher_mode_puts_2x_10x_50x_side_by_side() -> None:
    at = gbm_page()
    at.toggle(key="w50_teacher").set_value(True).run()
    clean(at)
    r = odds([2.0, 10.0, 50.0])
    for i, lev in enumerate(("2x", "10x", "50x")):
        p = float(r.p_liquidation[i])
        shows(at, f"{lev}: liquidated within a day", p)
        shows(at, f"{lev}: distance to liquidation", float(r.distance_frac[i]))
        n = model.one_in(p)
        expected = "practically never" if n is None else f"1 day in {n:,}"
        assert metric(at, f"{lev}: how often") == expected
    # By hand: at 50x about 57% a day, so about one day in two; 2x practically never.
    assert metric(at, "50x: how often") == "1 day in 2"
    assert metric(at, "2x: how often") == "practically never"
    at.toggle(key="w50_teacher").set_value(False).run()
    assert not [m for m in at.metric if m.label.startswith("2x:")]


def test_guess_first_then_reveal() -> None:
    at = gbm_page()
    assert at.button(key="w50_reveal").disabled  # nothing to reveal without a guess
    at.number_input(key="w50_guess").set_value(10.0).run()
    assert not [m for m in at.metric if m.label == "The model's answer"]
    at.button(key="w50_reveal").click().run()
    clean(at)
    answer = float(odds().p_liquidation[0])
    assert metric(at, "Your guess") == "10.0%"
    shows(at, "The model's answer", answer)
    assert any("**Too low.**" in md.value for md in at.markdown)
    # A new guess hides the answer until the button is pressed again.
    at.number_input(key="w50_guess").set_value(90.0).run()
    assert not [m for m in at.metric if m.label == "The model's answer"]
    at.button(key="w50_reveal").click().run()
    assert any("**Too high.**" in md.value for md in at.markdown)
    # The revealed answer follows the market settings.
    at.selectbox(key="w50_vol").set_value("ETH").run()
    shows(at, "The model's answer", float(odds(vol=0.71).p_liquidation[0]))
    check = model.check_guess(0.9, float(odds(vol=0.71).p_liquidation[0]))
    word = {"about right": "About right", "too low": "Too low", "too high": "Too high"}
    assert any(f"**{word[check.verdict]}.**" in md.value for md in at.markdown)


# --- CSV uploads --------------------------------------------------------------------------------


def csv_lines(n: int = 500, minutes: int = 5, seed: int = 1) -> list[str]:
    rng = np.random.default_rng(seed)
    px = 100 * np.exp(np.cumsum(rng.normal(0, 0.003, n)))
    ts = pd.date_range("2024-05-01", periods=n, freq=f"{minutes}min")
    return ["timestamp,close"] + [f"{t.isoformat()},{p:.4f}" for t, p in zip(ts, px, strict=True)]


def as_bytes(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def upload(at, data: bytes, name: str = "prices.csv"):
    at.selectbox(key="w50_model").set_value(LABELS["bootstrap"]).run()
    at.file_uploader(key="w50_csv").set_value((name, data, "text/csv")).run()
    return at


def bad_file(kind: str) -> bytes:
    lines = csv_lines()
    if kind == "missing close":
        lines[0] = "timestamp,price"
    elif kind == "non-numeric price":
        lines[7] = lines[7].split(",")[0] + ",abc"
    elif kind == "non-positive price":
        lines[9] = lines[9].split(",")[0] + ",0"
    elif kind == "unsorted timestamps":
        lines[11], lines[12] = lines[12], lines[11]
    elif kind == "duplicate timestamps":
        lines[21] = lines[20].split(",")[0] + "," + lines[21].split(",")[1]
    elif kind == "too few rows":
        lines = lines[:11]
    elif kind == "bad high in OHLC":
        lines = ["timestamp,open,high,low,close"] + [
            f"{ln.split(',')[0]},100,101,99,{ln.split(',')[1]}" for ln in lines[1:]
        ]
        lines[3] = lines[3].replace(",101,", ",-1,")
    elif kind == "too large":
        return b"timestamp,close\n" + b"2024-05-01T00:00:00,100.0\n" * 200_000
    return as_bytes(lines)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("missing close", ["column 'close' is missing", "timestamp, price"]),
        ("non-numeric price", ["column 'close', row 7 (line 8", "'abc' is not a number"]),
        ("non-positive price", ["column 'close', row 9 (line 10", "not a positive price"]),
        ("unsorted timestamps", ["column 'timestamp', row 12 (line 13", "is earlier than"]),
        ("duplicate timestamps", ["column 'timestamp', row 21 (line 22", "repeats"]),
        ("too few rows", ["the file has 10 rows", "at least 50 rows"]),
        ("bad high in OHLC", ["column 'high', row 3 (line 4", "not a positive price"]),
        ("too large", ["too large", "5,000,000 bytes"]),
    ],
)
def test_a_bad_csv_names_the_problem_and_the_page_falls_back_to_gbm(kind, expected) -> None:
    at = upload(gbm_page(), bad_file(kind))
    assert not at.exception
    assert len(at.error) == 1, [e.value for e in at.error]
    message = at.error[0].value
    assert message.startswith("prices.csv cannot be used:")
    for part in expected:
        assert part in message, (part, message)
    assert "uses normal moves (GBM)" in message
    # The rest of the page works, on the closed form.
    assert len(at.get("plotly_chart")) == 6  # five lesson charts + the truth chart
    shows(at, "Typical 1-day move", SIGMA_DAY)
    check_odds(at)
    assert any("Model in use: **Normal moves (GBM)**" in c.value for c in at.caption)


def test_a_good_csv_is_bootstrapped_with_its_own_volatility() -> None:
    data = as_bytes(csv_lines())
    at = upload(gbm_page(), data)
    clean(at)
    closes = load_price_csv(data)
    # The file's volatility by hand: 5-minute log returns, 288 a day, 365 days.
    r = np.diff(np.log(closes.to_numpy()))
    own = float(np.std(r, ddof=1) * math.sqrt(365 * 288))
    shows(at, "Typical 1-day move", own * math.sqrt(1 / 365))
    file_note = next(c.value for c in at.caption if c.value.startswith("Your file:"))
    assert "500 closes from 2024-05-01 00:00 to 2024-05-02 17:35 UTC" in file_note
    assert f"Its volatility, used here, is {own:.0%} a year." in file_note
    assert any("Model in use: **Your price history (CSV)**" in c.value for c in at.caption)
    check_odds(at, vol=None, kind="bootstrap", closes=closes)
    heat = chart_specs(at)[4]["data"][0]
    row = heat["y"].index(f"Your file ({own:.0%})")
    expected = odds(HEAT, vol=None, kind="bootstrap", closes=closes).p_liquidation * 100
    assert np.allclose(np.asarray(heat["z"][row], dtype=float), expected)
    # Rescaled to the chosen preset instead.
    at.toggle(key="w50_own_vol").set_value(False).run()
    clean(at)
    shows(at, "Typical 1-day move", SIGMA_DAY)
    check_odds(at, vol=BTC, kind="bootstrap", closes=closes)


def test_daily_closes_cannot_answer_one_hour_and_say_so() -> None:
    data = as_bytes(csv_lines(n=120, minutes=1440))
    at = upload(gbm_page(), data)
    assert not at.exception
    assert len(at.error) == 1
    assert at.error[0].value.startswith("1 hour: the horizon 0.0416667 is shorter than the data")
    closes = load_price_csv(data)
    r = odds([50.0], "1 week", vol=None, kind="bootstrap", closes=closes)
    at.select_slider(key="w50_horizon").set_value("1 week").run()
    shows(at, "50x, 1 week: all liquidations", float(r.p_liquidation[0]))
    odds_fig = chart_specs(at)[0]
    assert [t["name"] for t in odds_fig["data"]][:2] == ["1 day", "1 week"]


# --- caching ------------------------------------------------------------------------------------


def test_simulations_are_cached_on_the_model_parameters_only(monkeypatch) -> None:
    calls = {"simulate": 0, "odds": 0}
    real_simulate, real_odds = risk.paths.simulate_paths, risk.odds.liquidation_odds

    def simulate(*args, **kwargs):
        calls["simulate"] += 1
        return real_simulate(*args, **kwargs)

    def count_odds(*args, **kwargs):
        calls["odds"] += 1
        return real_odds(*args, **kwargs)

    monkeypatch.setattr(risk.paths, "simulate_paths", simulate)
    monkeypatch.setattr(risk.odds, "liquidation_odds", count_odds)
    st.cache_data.clear()
    st.cache_resource.clear()  # the sample-path figures hold their paths
    at = gbm_page()
    clean(at)
    # GBM: 3 horizons + the heatmap's 6 other preset rows in closed form; only the sample
    # paths are simulated.
    assert calls == {"simulate": 1, "odds": 9}
    at.selectbox(key="w50_model").set_value(LABELS["student-t"]).run()
    clean(at)
    # Student-t: the same 9 results, each from its own simulation, plus the sample paths.
    assert calls == {"simulate": 1 + 10, "odds": 9 + 9}
    before = dict(calls)
    at.slider(key="lev").set_value(25).run()
    at.number_input(key="w50_guess").set_value(30.0).run()
    at.button(key="w50_reveal").click().run()
    at.toggle(key="w50_teacher").set_value(True).run()
    clean(at)
    assert calls == before, "a leverage, a guess or the teacher view simulated again"
    # A new volatility is a new model: one hour and one week are new (one day was a heatmap row)
    at.selectbox(key="w50_vol").set_value("ETH").run()
    assert calls["odds"] == before["odds"] + 2
    assert calls["simulate"] == before["simulate"] + 3  # and new sample paths
    # Going back is a cache hit.
    after = dict(calls)
    at.selectbox(key="w50_vol").set_value("BTC typical").run()
    assert calls == after
    # and the cached results are the right ones (this re-derivation simulates too: last)
    check_odds(at, lev=25.0, kind="student-t", df=3.0)


# --- the calibrated default, what really happened, does the model tell the truth ---------------


def test_default_is_the_calibrated_model_next_to_what_really_happened() -> None:
    from risk.calibration import history_shares, shipped_calibration

    at = app_test(PAGE)
    clean(at)
    assert any("Model in use: **Real moves, calibrated on history**" in c.value for c in at.caption)
    assert any(
        "Default model: **Real moves, calibrated on history**" in c.value for c in at.caption
    )
    # the odds are the engine's for the calibrated model at the preset volatility
    r = odds([50.0], "1 day", kind="history")
    shows(at, "50x, 1 day: all liquidations", float(r.p_liquidation[0]))
    # what really happened at the sidebar's 10x, one day, long: all hours of the shipped history
    h = history_shares("long", 1.0, [10.0], mmr=MMR)
    shows(at, "History: liquidated within 1 day", float(h.liquidated[0]))
    shows(at, "History: right, and liquidated anyway", float(h.right_and_liquidated[0]))
    shows(
        at, "Model: liquidated within 1 day", float(odds([10.0], kind="history").p_liquidation[0])
    )
    # section 9: the truth chart carries the shipped calibration's observed shares
    truth = chart_specs(at)[-1]
    obs = next(t for t in truth["data"] if t["name"] == "What really happened")
    cells = [
        c for c in shipped_calibration()["cells"] if c["side"] == "long" and c["horizon_days"] == 1
    ]
    assert obs["y"] == pytest.approx([100 * c["observed"] for c in cells])
    assert any("lower bound at moderate leverage" in m.value for m in at.markdown)


def test_volatility_now_comes_from_the_latest_shipped_candles() -> None:
    from risk.conditional_vol import ewma_vol_annual
    from risk.history import load_history

    at = gbm_page()
    at.selectbox(key="w50_vol").set_value("Volatility now (EWMA or GARCH)").run()
    clean(at)
    vol = ewma_vol_annual(load_history("btc-1h-2025"))
    shows(at, "Typical 1-day move", vol * math.sqrt(1 / 365))
    assert any("EWMA (half-life 3 days) of 718 1h returns" in c.value for c in at.caption)


def test_the_room_in_hours_uses_the_square_root_of_time() -> None:
    # 50x long, maintenance 0.4%: LP / EP = 0.98 / 0.996, a 1.6064% fall. At 54% a year one
    # typical move is that large after 8,760 x (0.016064 / 0.54)^2 = 7.75 hours, not the
    # 0.016064 / 0.00577 = 2.8 "ordinary hours" a linear reading gives.
    at = app_test(PAGE)
    dist = 1 - 0.98 / 0.996
    hours = 8_760 * (dist / 0.54) ** 2
    text = " ".join(m.value for m in at.markdown)
    assert f"after about **{hours:.1f} hours**" in text
    assert "ordinary hours" not in text


def test_method_names_and_the_seed_sit_behind_the_advanced_expander() -> None:
    at = app_test(PAGE)
    (advanced,) = [e for e in at.expander if e.label.startswith("Advanced")]
    inside = " ".join(c.value for c in advanced.caption)
    assert "reflection principle" in inside
    assert advanced.number_input(key="w50_seed") is not None
    outside = [c.value for c in at.caption if c.value not in inside]
    assert not [c for c in outside if "reflection principle" in c or "Brownian bridge" in c]


def test_the_5x_and_50x_paths_share_one_y_axis() -> None:
    at = app_test(PAGE)
    ranges = [
        s["layout"]["yaxis"]["range"]
        for s in chart_specs(at)
        if "yaxis" in s["layout"]
        and s["layout"]["yaxis"].get("range")
        and s["layout"]["yaxis"].get("autorange") is False
    ]
    assert len(ranges) == 2 and ranges[0] == ranges[1]
