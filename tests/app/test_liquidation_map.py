"""Liquidation map page: the numbers it shows equal what risk/ returns for the same input, and
inconsistent input gives a message instead of a traceback."""

from __future__ import annotations

import math

import pytest

from risk import Position, bankruptcy_price, distance_frac, get_venue, liquidation_price
from risk.liquidation import maintenance_margin
from risk.reference import reference_price
from risk.volatility import typical_move_frac, vol_presets
from ui.testing import app_test, metric, shows

PAGE = "pages/liquidation_map.py"
ETH_REF = reference_price("ETHUSDT").price


def check_position_metrics(at, position: Position, venue, side_word: str = "Fall") -> None:
    lp = float(liquidation_price(position, venue))
    shows(at, "Liquidation price", lp)
    shows(at, f"{side_word} to liquidation", float(distance_frac(lp, float(position.ep))))
    shows(at, "Bankruptcy price", float(bankruptcy_price(position)))
    shows(at, "Initial margin", float(position.initial_margin))
    shows(at, "Maintenance margin", float(maintenance_margin(position, venue)))


def test_default_is_the_beginners_case_with_the_exact_figure_beside_the_rule_of_thumb() -> None:
    at = app_test(PAGE)
    assert not at.exception
    # Independent re-derivation for Binance's first BTC tier (mmr 0.4%, no maintenance amount),
    # isolated long: LP = EP (1 - 1/L) / (1 - mmr), so the fall is 1 - 0.9/0.996 = 9.6386%.
    assert metric(at, "Fall to liquidation") == "9.64%"
    assert metric(at, "Rule of thumb") == "10.0%"
    shows(at, "Liquidation price", 100_000 * 0.9 / 0.996)
    shows(at, "Bankruptcy price", 90_000.0)
    shows(at, "Initial margin", 500.0)
    shows(at, "Maintenance margin", 5_000 * 0.004)
    assert any("A 9.6% fall closes this position." in md.value for md in at.markdown)


@pytest.mark.parametrize(
    ("changes", "position", "venue_args", "side_word"),
    [
        ({"lev": 50}, Position("long", 100_000, 0.25, leverage=50), ("binance",), "Fall"),
        ({"side": "short"}, Position("short", 100_000, 0.05, leverage=10), ("binance",), "Rise"),
        (
            {"entry": 60_000.0},
            Position("long", 60_000, 500 * 10 / 60_000, leverage=10),
            ("binance",),
            "Fall",
        ),
        ({"margin": 8_000.0}, Position("long", 100_000, 0.8, leverage=10), ("binance",), "Fall"),
        ({"ex": "bybit"}, Position("long", 100_000, 0.05, leverage=10), ("bybit",), "Fall"),
        (
            {"ex": "hyperliquid"},
            Position("long", 100_000, 0.05, leverage=10),
            ("hyperliquid",),
            "Fall",
        ),
        (
            {"sym": "ETHUSDT", "lev": 20},  # the switch starts at ETH's reference price
            Position("long", ETH_REF, 500 * 20 / ETH_REF, leverage=20),
            ("binance", "ETHUSDT"),
            "Fall",
        ),
        (
            {"size_by": "quantity"},
            Position("long", 100_000, 0.05, leverage=10),
            ("binance",),
            "Fall",
        ),
    ],
)
def test_numbers_follow_each_sidebar_widget(changes, position, venue_args, side_word) -> None:
    at = app_test(PAGE)
    kinds = {
        "lev": "slider",
        "side": "segmented_control",
        "entry": "number_input",
        "margin": "number_input",
        "ex": "selectbox",
        "sym": "selectbox",
        "size_by": "radio",
    }
    for key, value in changes.items():
        getattr(at, kinds[key])(key=key).set_value(value)
    at.run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    venue = get_venue(*venue_args, taker_fee=0.0005)
    check_position_metrics(at, position, venue, side_word)


def test_quantity_sizing_crosses_into_the_second_tier() -> None:
    # 4 BTC at 100,000 is a 400,000 notional: 2026 Binance tier 2 (mmr 0.5%, amount 300).
    at = app_test(PAGE)
    at.radio(key="size_by").set_value("quantity").run()
    at.number_input(key="qty").set_value(4.0).run()
    assert not at.exception
    pos = Position("long", 100_000, 4.0, leverage=10)
    venue = get_venue("binance", "BTCUSDT")
    check_position_metrics(at, pos, venue)
    # Independent: equity at LP = mm at LP in tier 2 -> 40,000 + 4 (LP - 100,000) = 0.02 LP - 300,
    # LP = 359,700 / 3.98 = 90,376.88 (notional 361,507.5: still tier 2).
    shows(at, "Liquidation price", (400_000 - 40_000 - 300) / (4 * (1 - 0.005)))


def test_okx_uses_the_typed_rate_and_puts_the_fee_in_the_trigger() -> None:
    at = app_test(PAGE)
    at.selectbox(key="ex").set_value("okx").run()
    at.number_input(key="mmr").set_value(0.4).run()
    assert not at.exception and not at.error
    # Gate/OKX formula (formulas.md section 4): LP = (EP - WB/Q) / (1 - (mmr + taker)).
    shows(at, "Liquidation price", (100_000 - 500 / 0.05) / (1 - (0.004 + 0.0005)))


def test_volatility_preset_sets_the_typical_moves() -> None:
    at = app_test(PAGE)
    at.selectbox(key="lm_vol").set_value("ETH").run()
    vol = vol_presets()["ETH"].vol_annual
    shows(at, "Typical 1-hour move", float(typical_move_frac(vol, 1 / 24)))
    shows(at, "Typical 1-day move", vol * math.sqrt(1 / 365))


def test_leverage_above_the_tier_maximum_says_what_to_change_and_the_rest_still_works() -> None:
    at = app_test(PAGE)
    at.number_input(key="margin").set_value(3_000.0).run()
    at.slider(key="lev").set_value(110).run()  # 3,000 x 110 = 330,000: tier 2, max 100x
    assert not at.exception
    assert len(at.error) == 1
    assert "above the maximum 100x" in at.error[0].value
    assert "Lower the leverage to 100x" in at.error[0].value
    # The volatility panel and the curve still render.
    assert metric(at, "Typical 1-day move")
    assert len(at.get("plotly_chart")) == 1


def test_stop_on_the_wrong_side_is_refused_and_the_ladder_still_draws() -> None:
    at = app_test(PAGE)
    at.number_input(key="stop").set_value(105_000.0).run()
    assert not at.exception
    assert any("must be below the entry" in e.value for e in at.error)
    assert len(at.get("plotly_chart")) == 2


def test_stop_beyond_liquidation_warns() -> None:
    at = app_test(PAGE)
    at.number_input(key="stop").set_value(85_000.0).run()
    assert not at.exception and not at.error
    assert any("comes before your stop" in w.value for w in at.warning)


def test_a_link_with_query_parameters_reopens_the_scenario() -> None:
    at = app_test(PAGE, query_params={"lev": "25", "side": "short", "entry": "60000"})
    assert not at.exception
    assert at.slider(key="lev").value == 25
    pos = Position("short", 60_000, 500 * 25 / 60_000, leverage=25)
    check_position_metrics(at, pos, get_venue("binance", "BTCUSDT"), "Rise")


# --- calculator tabs and the mark price (issue 11) --------------------------------------------
def test_calculator_tabs_for_the_default_position() -> None:
    # Long 0.05 BTC @ 100,000, 10x, IM 500, taker 0.05%. Exit 105,000 (default +5%): PnL 250,
    # ROE 50%, fees 2.5 + 2.625; after fees (250 - 5.125)/500. Target for ROE 50%:
    # 100,000 x (1 + 0.5/10) = 105,000; after fees (0.5 x 500/0.05 + 100,000 x 1.0005)/0.9995.
    # Max open with 500: one BTC costs 100,000 x (0.1 + 0.0005) = 10,050 -> 0.049 at 0.001 steps.
    # Average entry of 0.01 @ 100,000 and 0.02 @ 98,000: 2,960 / 0.03.
    at = app_test(PAGE)
    assert not at.exception and not at.error
    assert [t.label for t in at.tabs] == ["PnL / ROE", "Target price", "Max open", "Average entry"]
    shows(at, "PnL at exit", 250.0)
    shows(at, "ROE at exit", 0.5)
    shows(at, "Fees open + close", 5.125)
    shows(at, "ROE after fees", (250 - 5.125) / 500)
    shows(at, "Target price before fees", 105_000.0)
    shows(at, "Target price after fees", (0.5 * 500 / 0.05 + 100_000 * 1.0005) / 0.9995)
    shows(at, "Max open", 0.049)
    shows(at, "Cost", 0.049 * 10_050)
    shows(at, "Average entry", 2_960 / 0.03)


def test_calculator_follows_its_inputs() -> None:
    at = app_test(PAGE)
    at.number_input(key="calc_exit").set_value(90_000.0).run()
    shows(at, "PnL at exit", -500.0)
    shows(at, "ROE at exit", -1.0)
    at.number_input(key="calc_roe").set_value(-50.0).run()
    shows(at, "Target price before fees", 95_000.0)
    # 50x (25,000 notional, tier 1) and a 1,000,000 balance: 50x is allowed up to tier 4's
    # 12,000,000 cap -> 119.999 BTC at 100,000, limited by the tiers.
    at.slider(key="lev").set_value(50).run()
    at.number_input(key="calc_balance").set_value(1_000_000.0).run()
    assert not at.exception and not at.error
    shows(at, "Max open", 119.999)
    assert any("12,000,000.00 USDT notional" in c.value for c in at.caption)


def test_mark_price_measures_from_the_mark() -> None:
    # mark 95,000: LP = 100,000 x 0.9/0.996; move (95,000 - LP)/95,000; PnL 0.05 x -5,000 = -250;
    # ROE -50%; margin ratio = 4,750 x 0.004 / (500 - 250).
    at = app_test(PAGE, query_params={"mark": "95000"})
    assert not at.exception and not at.error
    lp = 100_000 * 0.9 / 0.996
    shows(at, "Move to liquidation from the mark", (95_000 - lp) / 95_000)
    shows(at, "Unrealized PnL", -250.0)
    shows(at, "ROE at the mark", -0.5)
    shows(at, "Margin ratio", 19 / 250)


def test_mark_past_the_liquidation_price_says_so() -> None:
    at = app_test(PAGE, query_params={"mark": "90000"})  # below LP 90,361.45
    assert not at.exception
    assert metric(at, "Move to liquidation from the mark") == "none left"
    assert any("already at or beyond its liquidation price" in e.value for e in at.error)
    # the rest of the page keeps working
    assert metric(at, "Fall to liquidation") == "9.64%"


def test_average_entry_tab_reads_typed_fills_and_names_a_bad_one() -> None:
    # Bybit help "How to Calculate Average Entry Price": 1 @ 10,000 and 2 @ 13,000 -> 12,000.
    at = app_test(PAGE)
    at.text_area(key="calc_fills").set_value("10000:1\n13,000:2").run()
    assert not at.exception and not at.error
    shows(at, "Average entry", 12_000.0)
    shows(at, "Total quantity", 3.0)
    at.text_area(key="calc_fills").set_value("10000:1\n13000").run()
    assert not at.exception
    assert any("the fill '13000' is not PRICE:QTY" in e.value for e in at.error)
    assert metric(at, "Fall to liquidation") == "9.64%"  # the rest of the page still works


def test_symbol_switch_starts_at_that_symbols_price_and_volatility() -> None:
    at = app_test(PAGE)
    at.selectbox(key="sym").set_value("ETHUSDT").run()
    assert not at.exception
    assert at.number_input(key="entry").value == ETH_REF
    assert 1_000 < ETH_REF < 10_000  # a price of ETH, not BTC's 100,000
    assert at.selectbox(key="lm_vol").value == "ETH"


def test_the_volatility_preset_is_in_the_link() -> None:
    at = app_test(query_params={"lm_vol": "ETH"})  # the map is the home page
    assert at.selectbox(key="lm_vol").value == "ETH"
    vol = vol_presets()["ETH"].vol_annual
    shows(at, "Typical 1-day move", vol * math.sqrt(1 / 365))


@pytest.mark.parametrize(("key", "value"), [("entry", -1.0), ("entry", 0.0), ("margin", 0.0)])
def test_an_out_of_range_input_never_leaves_the_previous_result(key, value) -> None:
    at = app_test(PAGE)
    assert metric(at, "Liquidation price")  # a result is on screen before the change
    at.number_input(key=key).set_value(value).run()
    assert not at.exception
    # the value typed is kept (not silently replaced by the last valid one) ...
    assert at.number_input(key=key).value == value
    # ... named in an error under the field, and no result of the old value stays on screen
    assert any("you typed" in e.value for e in at.sidebar.error)
    assert not [m for m in at.metric if m.label.startswith("Liquidation price")]
    assert any("fix the scenario" in c.value for c in at.caption)


def test_fee_above_one_percent_is_refused_not_replaced() -> None:
    at = app_test(PAGE)
    at.number_input(key="fee").set_value(5.0).run()
    assert any("taker fee" in e.value.lower() and "at most 1" in e.value for e in at.error)
    assert not [m for m in at.metric if m.label.startswith("Liquidation price")]


def test_a_link_value_that_cannot_be_used_is_named_in_a_notice() -> None:
    at = app_test(PAGE, query_params={"lev": "1000", "nonsense": "3"})
    notes = " ".join(w.value for w in at.warning)
    assert "lev=1000" in notes and "10x is used instead" in notes
    assert "nonsense=3" in notes
    assert at.slider(key="lev").value == 10


def test_a_link_in_the_command_lines_spelling_is_followed() -> None:
    at = app_test(PAGE, query_params={"ex": "bybit"})
    assert at.selectbox(key="ex").value == "bybit"
    assert not at.warning
    check_position_metrics(at, Position("long", 100_000, 0.05, leverage=10), get_venue("bybit"))
