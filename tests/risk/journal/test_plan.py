"""Plans and outcomes: validation messages, the default size, planned risk and realized PnL.

Expected numbers are worked by hand in the comments.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from risk.journal.plan import (
    Fill,
    Outcome,
    Plan,
    Target,
    TrailingRule,
    loss_at_stop,
    normalize_time,
    plan_problems,
    quantity_for_risk,
    realized_pnl,
)


def long_plan(**kw) -> Plan:
    base = dict(
        symbol="BTCUSDT",
        side="long",
        entry=100.0,
        stop=95.0,
        targets=[(110.0, 0.5), (120.0, 0.5)],
        what_proves_me_wrong="a daily close below 95",
        max_loss_frac=0.01,
        equity=10_000.0,
        created_at="2024-05-01T12:00:00Z",
    )
    base.update(kw)
    return Plan(**base)


def test_default_quantity_risks_the_budget() -> None:
    # budget = 0.01 * 10_000 = 100; stop distance 5 -> 100 / 5 = 20 units
    p = long_plan()
    assert p.quantity == pytest.approx(20.0, rel=1e-15)
    assert p.planned_risk == pytest.approx(100.0, rel=1e-15)
    # with a 0.05% taker fee per side: loss per unit = 5 + (100 + 95) * 0.0005 = 5.0975
    q = quantity_for_risk(10_000, 0.01, 100, 95, 0.0005)
    assert q == pytest.approx(100 / 5.0975, rel=1e-15)
    assert loss_at_stop(100, 95, q, 0.0005) == pytest.approx(100.0, rel=1e-12)


def test_short_plan_and_normalized_fields() -> None:
    # short 50 -> stop 52: budget 0.02 * 5_000 = 100, distance 2 -> 50 units
    p = Plan(
        symbol=" ETHUSDT ",
        side="short",
        entry=50,
        stop=52,
        targets=[Target(45, 1)],
        what_proves_me_wrong="reclaims 52",
        max_loss_frac=0.02,
        equity=5_000,
        trailing=(0.02, 47),
        created_at="2024-05-01T14:00:00+02:00",
    )
    assert p.quantity == pytest.approx(50.0)
    assert p.symbol == "ETHUSDT"
    assert p.targets == (Target(45.0, 1.0),)
    assert p.trailing == TrailingRule(0.02, 47.0)
    assert p.created_at == "2024-05-01T12:00:00+00:00"  # 14:00 at +02:00 is 12:00 UTC
    # reward if the target fills: 50 * (50 - 45) = 250 = 2.5R
    assert p.reward_risk() == pytest.approx(2.5)


@pytest.mark.parametrize(
    ("kw", "field", "fragments"),
    [
        ({"stop": 105.0}, "stop", ["stop=105", "below the entry 100", "allowed: 0 < stop < 100"]),
        ({"stop": None}, "stop", ["stop=None", "allowed", "needs a stop"]),
        ({"stop": 100.0}, "stop", ["stop=100", "allowed"]),
        ({"side": "short", "stop": 99.0, "targets": [(90, 1)]}, "stop", ["above the entry"]),
        ({"side": "sideways"}, "side", ["side='sideways'", "allowed: long, short"]),
        ({"targets": [(90.0, 1.0)]}, "targets", ["target price=90", "above the entry 100"]),
        (
            {"side": "short", "stop": 105.0, "targets": [(110.0, 1.0)]},
            "targets",
            ["target price=110", "below the entry 100"],
        ),
        ({"targets": [(110, 0.7), (120, 0.4)]}, "targets", ["share sum=1.1", "<= 1"]),
        ({"targets": [(110, 0.0)]}, "targets", ["target share=0", "allowed: 0 < target share"]),
        ({"targets": []}, "targets", ["targets=() is empty", "one or more"]),
        ({"targets": None}, "targets", ["targets=None", "allowed"]),
        ({"what_proves_me_wrong": "   "}, "what_proves_me_wrong", ["empty", "allowed"]),
        ({"max_loss_frac": 1.5}, "max_loss_frac", ["max_loss_frac=1.5", "<= 1"]),
        ({"max_loss_frac": 0.0}, "max_loss_frac", ["max_loss_frac=0", "0 <"]),
        ({"equity": -1.0}, "equity", ["equity=-1", "allowed"]),
        ({"entry": float("nan")}, "entry", ["entry=nan", "finite"]),
        ({"entry": "abc"}, "entry", ["entry='abc'", "not a number"]),
        ({"taker_fee": 0.05}, "taker_fee", ["taker_fee=0.05", "<= 0.01"]),
        # 21 units lose 21 * 5 = 105 > budget 100; the most allowed is 20
        ({"quantity": 21.0}, "quantity", ["quantity=21", "loses 105", "quantity <= 20"]),
        ({"trailing": (0.0, None)}, "trailing", ["distance_frac=0", "allowed"]),
        ({"trailing": (0.05, 99.0)}, "trailing", ["activation_price=99", "above the entry"]),
        ({"created_at": "yesterday"}, "created_at", ["created_at='yesterday'", "ISO 8601"]),
        ({"symbol": ""}, "symbol", ["symbol=''", "empty"]),
    ],
)
def test_bad_plans_name_field_value_and_allowed(kw, field, fragments) -> None:
    with pytest.raises(ValueError) as info:
        long_plan(**kw)
    for frag in fragments:
        assert frag in str(info.value)
    # plan_problems names that field first among the failures
    attrs = {f.name: getattr(long_plan(), f.name) for f in dataclasses.fields(Plan)}
    attrs.update(kw)
    attrs["quantity"] = kw.get("quantity")
    problems = plan_problems(type("Row", (), attrs)())
    assert problems and problems[0][0] == field


def test_plan_problems_lists_every_bad_field() -> None:
    row = type(
        "Row",
        (),
        dict(
            symbol="BTC",
            side="long",
            entry=100.0,
            stop=101.0,  # wrong side
            targets=[(90.0, 1.0)],  # wrong side
            trailing=None,
            thesis="",
            what_proves_me_wrong="",  # empty
            max_loss_frac=0.01,
            equity=0.0,  # not positive
            taker_fee=0.0,
            quantity=None,
            created_at="2024-01-01",
            plan_id=None,
        ),
    )()
    fields = [f for f, _ in plan_problems(row)]
    # no "quantity" problem: with equity bad the default size cannot be computed, and the cause
    # is already named
    assert fields == ["stop", "targets", "what_proves_me_wrong", "equity"]


def test_plans_are_frozen() -> None:
    p = long_plan()
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.stop = 90.0  # type: ignore[misc]


def test_realized_pnl_by_hand() -> None:
    # long 20 @ 100, half out at 110, half at 96, fee 0.1%:
    # price PnL 0.5*20*10 + 0.5*20*(-4) = 100 - 40 = 60
    # fees 0.001 * 20 * (100 + 0.5*110 + 0.5*96) = 0.02 * 203 = 4.06  -> 55.94
    fills = (Fill(110, 0.5), Fill(96, 0.5))
    assert realized_pnl("long", 100, 20, fills, 0.001) == pytest.approx(55.94, rel=1e-12)
    # short 50 @ 50 closed at 45: 50 * 5 = 250
    assert realized_pnl("short", 50, 50, (Fill(45, 1),)) == pytest.approx(250.0)


@given(
    side=st.sampled_from(["long", "short"]),
    entry=st.floats(1.0, 1e5),
    dist=st.floats(0.001, 0.5),
    frac=st.floats(0.001, 0.1),
    fee=st.floats(0.0, 0.001),
)
def test_full_exit_at_the_stop_is_minus_one_r(side, entry, dist, frac, fee) -> None:
    stop = entry * (1 - dist) if side == "long" else entry * (1 + dist)
    p = Plan(
        symbol="X",
        side=side,
        entry=entry,
        stop=stop,
        targets=[(entry * (1 + dist) if side == "long" else entry * (1 - dist), 1.0)],
        what_proves_me_wrong="the stop",
        max_loss_frac=frac,
        equity=10_000.0,
        taker_fee=fee,
    )
    pnl = realized_pnl(side, entry, p.quantity, (Fill(stop, 1.0),), fee)
    assert pnl / p.planned_risk == pytest.approx(-1.0, rel=1e-9)
    assert p.planned_risk == pytest.approx(frac * 10_000.0, rel=1e-9)


def test_outcome_validation() -> None:
    o = Outcome([(110, 0.5), (120, 0.5)], "target", closed_at="2024-05-02 08:00")
    assert o.exits == (Fill(110.0, 0.5), Fill(120.0, 0.5))
    assert o.closed_at == "2024-05-02T08:00:00+00:00"
    assert o.average_exit() == pytest.approx(115.0)
    with pytest.raises(ValueError, match=r"exits share sum=0.8 .*summing to 1"):
        Outcome([(110, 0.5), (120, 0.3)], "target")
    with pytest.raises(ValueError, match=r"exit_reason='panic' .*target, stop, thesis_changed"):
        Outcome([(110, 1)], "panic")
    with pytest.raises(ValueError, match=r"exit price=-1"):
        Outcome([(-1, 1)], "other")
    with pytest.raises(ValueError, match=r"exits=\(\) is empty"):
        Outcome([], "other")


def test_normalize_time() -> None:
    assert normalize_time("t", "2024-05-01T12:00:00.123Z") == "2024-05-01T12:00:00+00:00"
    assert normalize_time("t", "2024-05-01") == "2024-05-01T00:00:00+00:00"
