"""Review page on a temporary journal (LEVERAGE_LAB_DB): statistics and charts equal the values
worked by hand, filters narrow them, an outcome recorded on the page lands in the journal, bad
outcomes are refused, the planned and amended plan are shown side by side."""

from __future__ import annotations

import pytest

from risk.journal.plan import Fill, Outcome, Plan
from risk.journal.store import Journal
from ui.testing import app_test, chart_specs, metric

PAGE = "pages/review.py"


def plan(side="long", entry=100.0, stop=95.0, target=110.0, equity=10_000.0, frac=0.01) -> Plan:
    return Plan(
        symbol="BTCUSDT" if side == "long" else "ETHUSDT",
        side=side,
        entry=entry,
        stop=stop,
        targets=[(target, 1.0)],
        what_proves_me_wrong="the stop",
        max_loss_frac=frac,
        equity=equity,
        created_at="2024-01-01",
    )


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "journal.db"
    monkeypatch.setenv("LEVERAGE_LAB_DB", str(path))
    return path


@pytest.fixture
def five_trades(db):
    """Five closed trades, 1R = 100 each, and one open plan (#6).

    #1 long 20 @ 100 -> 110 target          +200  +2R
    #2 long 20 @ 100 -> 95 stop             -100  -1R
    #3 short 50 @ 50 -> 47 / 48 half each   +125  +1.25R (thesis changed)
    #4 long 10 @ 200 -> 185 liquidated      -150  -1.5R
    #5 long 20 @ 100 -> 100 other              0   0R
    """
    with Journal(db) as j:
        closes = [
            (plan(), [(110, 1.0)], "target"),
            (plan(), [(95, 1.0)], "stop"),
            (plan("short", 50, 52, 45, 5_000, 0.02), [(47, 0.5), (48, 0.5)], "thesis_changed"),
            (plan(entry=200, stop=190, target=220), [(185, 1.0)], "liquidated"),
            (plan(), [(100, 1.0)], "other"),
        ]
        for day, (p, exits, reason) in enumerate(closes, start=1):
            pid = j.save_plan(p)
            j.record_outcome(pid, Outcome(exits, reason, closed_at=f"2024-01-0{day}"))
        j.save_plan(plan())
    return db


def r_shown(at, label: str) -> float:
    s = metric(at, label)
    assert s.endswith("R"), s
    return float(s[:-1])


def test_no_journal_yet_is_a_message_and_creates_nothing(db) -> None:
    at = app_test(PAGE)
    assert not at.exception and not at.error
    assert at.title[0].value == "Review"
    assert "No plans in the journal yet" in at.info[0].value
    assert not at.metric
    assert not db.exists()


def test_statistics_and_charts_by_hand(five_trades) -> None:
    at = app_test(PAGE)
    assert not at.exception and not at.error
    assert metric(at, "Trades closed") == "5"
    assert metric(at, "Win rate") == "40.0%"  # 2 wins of 5
    assert r_shown(at, "Average win") == pytest.approx((2 + 1.25) / 2, abs=0.005 + 1e-9)
    assert r_shown(at, "Average loss") == pytest.approx((-1 - 1.5) / 2, abs=0.005)
    assert r_shown(at, "Expectancy") == pytest.approx(0.75 / 5, abs=0.005)
    assert metric(at, "Liquidations") == "1"
    assert metric(at, "Closed as planned") == "40.0%"  # target + stop of 5
    assert metric(at, "Total PnL") == "75.00"  # 200 - 100 + 125 - 150 + 0
    r_chart, eq_chart = chart_specs(at)
    bars = {t["name"]: t for t in r_chart["data"]}
    assert bars["Liquidated"]["x"] == ["#4"] and list(bars["Liquidated"]["y"]) == [-1.5]
    assert list(bars["Thesis changed"]["y"]) == [1.25]
    eq = next(t for t in eq_chart["data"] if t["name"] == "Equity")
    # starts at the first trade's plan equity, 10,000, then +200 -100 +125 -150 +0
    assert list(eq["y"]) == pytest.approx([10_000, 10_200, 10_100, 10_225, 10_075, 10_075])


def test_filters_narrow_table_and_statistics(five_trades) -> None:
    at = app_test(PAGE)
    at.multiselect(key="rv_f_reason").set_value(["liquidated"]).run()
    assert not at.exception
    assert metric(at, "Trades closed") == "1"
    assert r_shown(at, "Expectancy") == pytest.approx(-1.5)
    assert at.dataframe[0].value["plan_id"].tolist() == [4]
    at.multiselect(key="rv_f_reason").set_value([])
    at.multiselect(key="rv_f_status").set_value(["open"]).run()
    assert metric(at, "Trades closed") == "0" and metric(at, "Expectancy") == "—"
    assert at.dataframe[0].value["plan_id"].tolist() == [6]
    at.multiselect(key="rv_f_status").set_value([])
    at.multiselect(key="rv_f_side").set_value(["short"]).run()
    assert at.dataframe[0].value["plan_id"].tolist() == [3]
    assert r_shown(at, "Expectancy") == pytest.approx(1.25)


def test_recording_an_outcome(five_trades) -> None:
    at = app_test(PAGE)
    assert at.selectbox(key="rv_plan").value == 6  # the only open plan
    at.number_input(key="rv_n").set_value(2).run()
    at.number_input(key="rv_px0").set_value(110.0)
    at.number_input(key="rv_px1").set_value(96.0)
    at.selectbox(key="rv_reason").set_value("stop")
    at.text_input(key="rv_closed").input("2024-01-09T10:00")
    at.text_area(key="rv_notes").input("half at the target, rest stopped")
    at.button(key="rv_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Plan #6 closed" in at.success[0].value
    with Journal(five_trades) as j:
        o = j.history(6).outcome
    assert o.exits == (Fill(110.0, 0.5), Fill(96.0, 0.5))
    assert (o.exit_reason, o.closed_at) == ("stop", "2024-01-09T10:00:00+00:00")
    assert o.notes == "half at the target, rest stopped"
    # the statistics on the same run include it: 20 * (0.5 * 10 - 0.5 * 4) = 60 -> +0.6R
    assert metric(at, "Trades closed") == "6"
    assert metric(at, "Total PnL") == "135.00"


@pytest.mark.parametrize(
    ("second_share", "price", "message"),
    [
        (30.0, 96.0, "exits share the sum 0.8"),
        (50.0, None, "type a price for every exit fill"),
    ],
)
def test_bad_outcomes_are_refused(five_trades, second_share, price, message) -> None:
    at = app_test(PAGE)
    at.number_input(key="rv_n").set_value(2).run()
    at.number_input(key="rv_px0").set_value(110.0)
    if price is not None:
        at.number_input(key="rv_px1").set_value(price)
    at.number_input(key="rv_sh2_1").set_value(second_share)
    at.selectbox(key="rv_reason").set_value("target")
    at.button(key="rv_save").click().run()
    assert not at.exception
    assert len(at.error) == 1 and message in at.error[0].value
    with Journal(five_trades) as j:
        assert j.history(6).outcome is None


def test_planned_and_amended_side_by_side(db) -> None:
    with Journal(db) as j:
        pid = j.save_plan(plan())
        j.amend(pid, {"stop": 90.0, "quantity": 10.0}, "gave it room", at="2024-01-02T00:00Z")
    at = app_test(PAGE)
    assert not at.exception and not at.error
    assert at.selectbox(key="rv_detail").value == pid
    table = at.table[0].value.set_index("field")
    assert table.loc["stop", "as planned"] == "95" and table.loc["stop", "as amended"] == "90"
    assert table.loc["quantity", "as planned"] == "20"
    assert table.loc["quantity", "as amended"] == "10"
    assert table.loc["entry", "as planned"] == table.loc["entry", "as amended"] == "100"
    lines = [m.value for m in at.markdown if "gave it room" in m.value]
    assert lines and "**stop** changed from 95 to 90" in lines[0]
    assert "2 Jan 2024, 00:00 UTC" in lines[0]  # a date a person reads, not an ISO timestamp


def test_export_button_is_there_with_every_plan(five_trades) -> None:
    at = app_test(PAGE)
    (button,) = at.get("download_button")
    assert button.proto.label == "Export CSV"
    assert len(at.dataframe[0].value) == 6


def test_three_default_fills_of_33_33_percent_close_the_whole_position(five_trades) -> None:
    at = app_test(PAGE)
    at.number_input(key="rv_n").set_value(3).run()
    for k, price in enumerate((110.0, 105.0, 96.0)):
        at.number_input(key=f"rv_px{k}").set_value(price)
    at.selectbox(key="rv_reason").set_value("target")
    at.button(key="rv_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with Journal(five_trades) as j:
        o = j.history(6).outcome
    assert [f.price for f in o.exits] == [110.0, 105.0, 96.0]
    assert [f.share for f in o.exits][:2] == [0.3333, 0.3333]
    assert sum(f.share for f in o.exits) == pytest.approx(1.0, abs=1e-12)


def test_the_exit_reason_has_no_default_and_stop_is_proposed_beyond_the_stop(five_trades) -> None:
    at = app_test(PAGE)
    assert at.selectbox(key="rv_reason").value is None
    at.number_input(key="rv_px0").set_value(94.0).run()  # plan 6: long, stop 95
    assert any("Proposed: **Stop**" in c.value for c in at.caption)
    at.button(key="rv_save").click().run()
    assert len(at.error) == 1 and "choose the exit reason" in at.error[0].value
    assert "stop is proposed" in at.error[0].value
    with Journal(five_trades) as j:
        assert j.history(6).outcome is None


def test_a_second_record_click_does_not_close_the_next_plan(five_trades) -> None:
    with Journal(five_trades) as j:
        seventh = j.save_plan(plan())
    at = app_test(PAGE)
    at.selectbox(key="rv_plan").set_value(6)
    at.number_input(key="rv_px0").set_value(110.0)
    at.selectbox(key="rv_reason").set_value("target")
    at.button(key="rv_save").click().run()
    assert "Plan #6 closed" in at.success[0].value
    assert at.number_input(key="rv_px0").value is None
    assert at.selectbox(key="rv_reason").value is None
    at.button(key="rv_save").click().run()  # the double-click's second click
    assert any("Plan #6 is recorded" in i.value for i in at.info)
    with Journal(five_trades) as j:
        assert j.history(seventh).outcome is None
