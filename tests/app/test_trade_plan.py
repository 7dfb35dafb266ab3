"""Trade plan page on a temporary journal (LEVERAGE_LAB_DB): the figures equal risk/ for the same
plan, a plan without a stop or without "what proves me wrong" is refused and nothing is written,
a saved plan is in the journal as typed, an amendment leaves the plan row untouched."""

from __future__ import annotations

import math
import re

import pytest

from risk import Position, get_venue, liquidation_price
from risk.journal.plan import Plan, Target
from risk.journal.store import Journal
from ui.testing import app_test, metric, shown_number, shows

PAGE = "pages/trade_plan.py"
BTC = get_venue("binance", "BTCUSDT", taker_fee=0.0005)  # the sidebar's defaults
FEE = 0.0005


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "journal.db"
    monkeypatch.setenv("LEVERAGE_LAB_DB", str(path))
    return path


def fill(at, *, stop=95_000.0, target=110_000.0, wrong="daily close below 95,000"):
    if stop is not None:
        at.number_input(key="tp_stop").set_value(stop)
    if target is not None:
        at.number_input(key="tp_t0").set_value(target)
    if wrong is not None:
        at.text_area(key="tp_wrong").input(wrong)
    return at.run()


def test_without_a_stop_nothing_is_sized_and_saving_is_refused(db) -> None:
    at = app_test(PAGE)
    assert not at.exception and not at.error
    assert at.title[0].value == "Trade plan"
    assert not at.metric and "Type a stop" in at.info[0].value
    fill(at, stop=None)
    at.button(key="tp_save").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Not saved: a plan needs a stop (the price where the trade is wrong)."
    ]
    assert not at.success
    assert not db.exists()  # nothing written, not even an empty file


def test_without_what_proves_me_wrong_saving_is_refused(db) -> None:
    at = fill(app_test(PAGE), wrong="   ")
    at.button(key="tp_save").click().run()
    assert [e.value for e in at.error] == ['Not saved: a plan needs "what proves me wrong".']
    assert not db.exists()


def test_a_stop_on_the_wrong_side_is_a_message(db) -> None:
    at = fill(app_test(PAGE), stop=101_000.0)
    assert not at.exception and not at.metric
    assert "the stop price 101000 is not below the entry 100000" in at.error[0].value
    at.button(key="tp_save").click().run()
    assert any(
        "Not saved: the stop price 101000 is not below the entry" in e.value for e in at.error
    )
    assert not db.exists()


def test_figures_are_risk_for_the_same_plan() -> None:
    at = fill(app_test(PAGE))
    assert not at.exception and not at.error
    # 1% of 10,000 = 100 at risk; loss per BTC = 5,000 + (100,000 + 95,000) * 0.05% = 5,097.5
    q = 100 / 5_097.5
    assert math.isclose(shown_number(metric(at, "Size"))[0], q, rel_tol=5e-6)
    shows(at, "Notional", q * 100_000)
    shows(at, "Loss at the stop", 100.0)
    shows(at, "Margin", q * 100_000 / 10)  # the sidebar's 10x
    lp = float(liquidation_price(Position("long", 100_000, q, leverage=10), BTC))
    shows(at, "Liquidation price", lp)
    shows(at, "Stop → liquidation buffer", (95_000 - lp) / 95_000)
    assert metric(at, "Leverage") == "10x"
    assert any("stop fills before liquidation" in s.value for s in at.success)
    assert len(at.get("plotly_chart")) == 1


def test_liquidation_before_the_stop_warns() -> None:
    at = fill(app_test(PAGE))
    at.slider(key="lev").set_value(50).run()  # the sidebar's leverage is the plan's
    assert not at.exception and not at.error
    q = 100 / 5_097.5
    lp = float(liquidation_price(Position("long", 100_000, q, leverage=50), BTC))
    assert lp > 95_000  # by the Binance formula, 50x liquidates inside a 5% stop
    (warning,) = at.warning
    assert "comes before the stop" in warning.value
    assert f"{lp:,.2f}" in warning.value
    assert metric(at, "Stop → liquidation buffer").startswith("-")


def test_saved_plan_is_in_the_journal_as_typed(db) -> None:
    at = app_test(PAGE)
    at.selectbox(key="sym").set_value("ETHUSDT").run()  # symbol, side and entry: the sidebar's
    at.segmented_control(key="side").set_value("short")
    at.number_input(key="entry").set_value(3_000.0)
    at.number_input(key="tp_nt").set_value(2).run()
    at.number_input(key="tp_s2_0").set_value(60.0)
    at.number_input(key="tp_t1").set_value(2_500.0)
    at.number_input(key="tp_s2_1").set_value(40.0)
    at.checkbox(key="tp_trail").check().run()
    at.number_input(key="tp_trail_pct").set_value(2.0)
    at.text_area(key="tp_thesis").input("rejected at the range high")
    at.number_input(key="tp_risk").set_value(0.5)
    fill(at, stop=3_150.0, target=2_800.0, wrong="4h close above 3,150")
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.button(key="tp_save").click().run()
    assert not at.exception and not at.error
    assert "Saved plan #1" in at.success[-1].value
    with Journal(db) as j:
        (p,) = j.plans()
    # 0.5% of 10,000 = 50; loss per ETH = 150 + (3,000 + 3,150) * 0.05% = 153.075
    assert p == Plan(
        symbol="ETHUSDT",
        side="short",
        entry=3_000,
        stop=3_150,
        targets=[Target(2_800, 0.6), Target(2_500, 0.4)],
        what_proves_me_wrong="4h close above 3,150",
        max_loss_frac=0.005,
        equity=10_000,
        thesis="rejected at the range high",
        trailing=(0.02, None),
        quantity=p.quantity,
        taker_fee=FEE,
        created_at=p.created_at,
        plan_id=1,
    )
    assert p.quantity == pytest.approx(50 / 153.075, rel=1e-12)


def test_targets_over_100_percent_are_refused(db) -> None:
    at = app_test(PAGE)
    at.number_input(key="tp_nt").set_value(2).run()
    at.number_input(key="tp_s2_0").set_value(70.0)
    at.number_input(key="tp_s2_1").set_value(50.0)
    at.number_input(key="tp_t1").set_value(120_000.0)
    fill(at)
    at.button(key="tp_save").click().run()
    assert any("targets share the sum 1.2" in e.value for e in at.error)
    assert not db.exists()


def test_an_amendment_keeps_the_plan_row(db) -> None:
    with Journal(db) as j:
        pid = j.save_plan(
            Plan(
                symbol="BTCUSDT",
                side="long",
                entry=100_000,
                stop=95_000,
                targets=[(110_000, 1.0)],
                what_proves_me_wrong="below 95k",
                max_loss_frac=0.01,
                equity=10_000,
            )
        )
    at = app_test(PAGE)
    assert at.selectbox(key="tp_am_plan").value == pid
    at.selectbox(key="tp_am_field").set_value("stop").run()
    at.number_input(key="tp_am_num").set_value(97_000.0)
    at.button(key="tp_am_save").click().run()
    assert [e.value for e in at.error] == [
        "Not recorded: the reason '' is empty. Allowed: why the plan changed."
    ]
    at.text_input(key="tp_am_reason").input("tighter after the retest")
    at.button(key="tp_am_save").click().run()
    assert not at.exception and not at.error
    assert "stop changed from 95,000 to 97,000" in at.success[-1].value
    assert re.search(r"recorded \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC", at.success[-1].value)
    with Journal(db) as j:
        h = j.history(pid)
    assert (h.planned.stop, h.amended.stop) == (95_000.0, 97_000.0)
    assert h.amendments[0].reason == "tighter after the retest"


def test_changing_the_number_of_targets_splits_the_shares_evenly(db) -> None:
    at = app_test(PAGE)
    at.number_input(key="tp_nt").set_value(2).run()
    at.number_input(key="tp_t1").set_value(120_000.0)
    fill(at)
    at.button(key="tp_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with Journal(db) as j:
        (p,) = j.plans()
    assert p.targets == (Target(110_000.0, 0.5), Target(120_000.0, 0.5))


def test_the_plan_is_the_sidebar_position_with_the_maps_liquidation_price() -> None:
    at = fill(app_test(PAGE))
    at.slider(key="lev").set_value(20).run()
    q = 100 / 5_097.5
    shows(
        at,
        "Liquidation price",
        float(liquidation_price(Position("long", 100_000, q, leverage=20), BTC)),
    )
    assert not [s for s in at.slider if s.key == "tp_lev"]  # no second leverage control


def test_a_double_click_on_save_stores_one_plan_and_the_form_clears(db) -> None:
    at = fill(app_test(PAGE))
    at.button(key="tp_save").click().run()
    assert "Saved plan #1" in at.success[0].value
    assert at.number_input(key="tp_stop").value is None  # the form is empty again
    assert at.text_area(key="tp_wrong").value == ""
    at.button(key="tp_save").click().run()  # the second click of a double-click
    assert not at.error
    assert any("Plan #1 is saved" in i.value for i in at.info)
    with Journal(db) as j:
        assert len(j.plans()) == 1


def test_the_same_plan_submitted_again_is_not_saved_twice(db) -> None:
    at = fill(app_test(PAGE))
    at.button(key="tp_save").click().run()
    fill(at)  # the very same plan typed again
    at.button(key="tp_save").click().run()
    with Journal(db) as j:
        assert len(j.plans()) == 1
    assert any("Plan #1 is saved" in i.value for i in at.info)


def test_no_journal_file_path_on_screen(db) -> None:
    at = app_test(PAGE)
    assert str(db) not in " ".join(c.value for c in at.caption)
