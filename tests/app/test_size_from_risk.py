"""Size-from-risk page: outputs equal risk.sizing for the same input; wrong-side stops and
leverages that liquidate before the stop get a message."""

from __future__ import annotations

import math

import pytest

from risk import get_venue
from risk.sizing import size_from_risk
from ui.testing import app_test, metric, shown_number, shows

PAGE = "pages/size_from_risk.py"


def check_sizing(at, sizing) -> None:
    # Position size is shown with 6 significant digits.
    assert math.isclose(shown_number(metric(at, "Position size"))[0], sizing.quantity, rel_tol=5e-6)
    shows(at, "Notional", sizing.notional)
    # what an exchange lets you set: a whole leverage, at most the tier's maximum
    tier_max = get_venue("binance", "BTCUSDT").table.max_leverage(sizing.notional)
    settable = min(math.floor(sizing.max_leverage), math.floor(tier_max))
    assert metric(at, "Highest safe leverage") == f"{settable}x"
    shows(at, "Margin to post", sizing.notional / settable)
    shows(at, "Loss at the stop", sizing.loss_at_stop)
    shows(at, "Account leverage", sizing.account_leverage)


def test_defaults_size_a_one_percent_risk_with_a_two_percent_stop() -> None:
    at = app_test(PAGE)
    assert not at.exception and not at.error
    venue = get_venue("binance", "BTCUSDT", taker_fee=0.0005)
    sizing = size_from_risk(
        10_000, 0.01, 100_000, 98_000, side="long", venue=venue, taker_fee=0.0005, buffer_frac=0.05
    )
    check_sizing(at, sizing)
    # Independent: 100 USDT at risk / (2,000 price loss + (100,000 + 98,000) x 0.05% fees).
    assert math.isclose(
        shown_number(metric(at, "Position size"))[0], 100 / (2_000 + 99), rel_tol=5e-6
    )
    shows(at, "Loss at the stop", 100.0)
    assert any("is safe for this stop" in s.value for s in at.success)


@pytest.mark.parametrize(
    ("widget", "key", "value", "kwargs"),
    [
        ("number_input", "eq", 50_000.0, {"equity": 50_000}),
        ("number_input", "risk", 2.5, {"risk_frac": 0.025}),
        ("number_input", "stop_pct", 5.0, {"stop_price": 95_000}),
        ("slider", "buf", 20, {"buffer_frac": 0.20}),
    ],
)
def test_outputs_follow_each_page_widget(widget, key, value, kwargs) -> None:
    at = app_test(PAGE)
    getattr(at, widget)(key=key).set_value(value).run()
    assert not at.exception and not at.error
    args = {"equity": 10_000, "risk_frac": 0.01, "stop_price": 98_000, "buffer_frac": 0.05}
    args.update(kwargs)
    venue = get_venue("binance", "BTCUSDT", taker_fee=0.0005)
    sizing = size_from_risk(
        args["equity"],
        args["risk_frac"],
        100_000,
        args["stop_price"],
        side="long",
        venue=venue,
        taker_fee=0.0005,
        buffer_frac=args["buffer_frac"],
    )
    check_sizing(at, sizing)


def test_stop_as_a_price_for_a_short() -> None:
    at = app_test(PAGE)
    at.segmented_control(key="side").set_value("short").run()
    at.segmented_control(key="stop_mode").set_value("price").run()
    at.number_input(key="stop_px").set_value(103_000.0).run()
    assert not at.exception and not at.error
    venue = get_venue("binance", "BTCUSDT", taker_fee=0.0005)
    check_sizing(
        at,
        size_from_risk(
            10_000,
            0.01,
            100_000,
            103_000,
            side="short",
            venue=venue,
            taker_fee=0.0005,
            buffer_frac=0.05,
        ),
    )


def test_stop_on_the_wrong_side_says_what_to_change() -> None:
    at = app_test(PAGE)
    at.segmented_control(key="stop_mode").set_value("price").run()
    at.number_input(key="stop_px").set_value(101_000.0).run()
    assert not at.exception
    assert len(at.error) == 1 and "must be below the entry" in at.error[0].value
    assert not at.metric  # nothing sized from a wrong stop


def test_sidebar_leverage_that_liquidates_before_the_stop_warns() -> None:
    at = app_test(PAGE)
    at.slider(key="lev").set_value(75).run()
    assert not at.exception and not at.error
    assert any("comes before the stop" in w.value for w in at.warning)
    assert metric(at, "Highest safe leverage") == "{}x".format(
        math.floor(
            size_from_risk(
                10_000,
                0.01,
                100_000,
                98_000,
                side="long",
                venue=get_venue("binance", "BTCUSDT", taker_fee=0.0005),
                taker_fee=0.0005,
            ).max_leverage
        )
    )


def test_sidebar_leverage_inside_the_buffer_warns() -> None:
    at = app_test(PAGE)
    at.slider(key="buf").set_value(50).run()
    at.slider(key="lev").set_value(30).run()  # liquidation ~3.0% away: beyond 2%, inside buffer
    assert not at.exception
    assert any("safety buffer" in w.value for w in at.warning)


def test_margin_above_equity_is_an_error() -> None:
    # 50% of 100 USDT with a 0.05% stop: loss per BTC = 50 + (100,000 + 99,950) x 0.05% = 149.98,
    # so 0.333 BTC (33,339 notional). Even at Binance's 150x (2026 BTCUSDT tier 1) that needs
    # ~222 USDT of margin.
    at = app_test(PAGE)
    at.number_input(key="eq").set_value(100.0).run()
    at.number_input(key="risk").set_value(50.0).run()
    at.number_input(key="stop_pct").set_value(0.05).run()
    assert not at.exception
    assert len(at.error) == 1 and "more than the equity" in at.error[0].value
    assert metric(at, "Highest safe leverage") == "150x"  # Binance's BTCUSDT tier 1 maximum
    shows(at, "Margin to post", 50 / (50 + 199_950 * 0.0005) * 100_000 / 150)


def test_a_short_near_the_highest_entry_keeps_its_default_stop_in_range() -> None:
    # issue 15: entry 1e9 / 1.02 and above put the default short stop (entry + 2%) above the stop
    # input's maximum of 1e9, and the page crashed with StreamlitValueAboveMaxError.
    at = app_test(PAGE, query_params={"side": "short", "entry": "990000000"})
    at.segmented_control(key="stop_mode").set_value("price").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.number_input(key="stop_px").value == pytest.approx(990_000_000 * 1.02)


def test_highest_leverage_for_a_chosen_risk_equals_the_calibrated_search() -> None:
    from risk.calibration import max_leverage_for

    at = app_test(PAGE)
    assert not at.exception and not at.error
    # defaults: 1% over one day, BTC typical (54%), Binance's first BTCUSDT tier (0.4%)
    r = max_leverage_for(0.01, "long", 1.0, 0.54, mmr=0.004, n_paths=10_000, seed=0)
    shows(at, "Highest leverage with under 1% chance", r.max_leverage)
    assert r.p_at_max < 0.01 <= r.p_next
    at.segmented_control(key="sr_target").set_value("5%").run()
    r5 = max_leverage_for(0.05, "long", 1.0, 0.54, mmr=0.004, n_paths=10_000, seed=0)
    shows(at, "Highest leverage with under 5% chance", r5.max_leverage)
    assert r5.max_leverage > r.max_leverage
    # a calmer market allows more, a wilder one less
    at.selectbox(key="sr_vol").set_value("Memecoin").run()
    wild = max_leverage_for(0.05, "long", 1.0, 1.5, mmr=0.004, n_paths=10_000, seed=0)
    shows(at, "Highest leverage with under 5% chance", wild.max_leverage)
    assert wild.max_leverage < r5.max_leverage


def test_one_verdict_per_case_never_a_red_beside_a_green() -> None:
    at = app_test(PAGE)
    at.number_input(key="eq").set_value(100.0).run()
    at.number_input(key="risk").set_value(50.0).run()
    at.number_input(key="stop_pct").set_value(0.05).run()
    assert len(at.error) == 1 and not at.success and not at.warning


def test_a_tiny_stop_that_ties_up_most_of_the_account_warns_instead_of_a_green_tick() -> None:
    # 1% of 10,000 with a 0.01% stop: 100 / (10 + 199,990 x 0.05%) = 0.9091 BTC, 90,913 notional;
    # at the sidebar's 10x that is 9,091 of margin, 91% of the equity (the issue's case).
    at = app_test(PAGE)
    at.number_input(key="stop_pct").set_value(0.01).run()
    assert not at.exception and not at.success and not at.error
    assert len(at.warning) == 1 and "of the equity" in at.warning[0].value
    assert "91%" in at.warning[0].value


def test_an_out_of_range_input_withholds_the_size() -> None:
    at = app_test(PAGE)
    assert metric(at, "Position size")
    at.number_input(key="risk").set_value(0.0).run()
    assert not at.exception
    assert at.number_input(key="risk").value == 0.0
    assert any("you typed 0" in e.value for e in at.error)
    assert not at.metric and not at.success


def test_suggested_leverage_is_a_whole_number_an_exchange_accepts() -> None:
    at = app_test(PAGE)
    at.slider(key="lev").set_value(75).run()
    best = size_from_risk(
        10_000,
        0.01,
        100_000,
        98_000,
        side="long",
        venue=get_venue("binance", "BTCUSDT", taker_fee=0.0005),
        taker_fee=0.0005,
        buffer_frac=0.05,
    ).max_leverage
    assert best != math.floor(best)  # the exact bound is fractional ...
    warned = " ".join(w.value for w in at.warning)
    assert f"Use {math.floor(best)}x or less." in warned  # ... the advice is a setting
