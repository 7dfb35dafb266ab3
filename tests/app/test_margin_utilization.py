"""Margin & utilization page: metrics and gauges equal risk.account for the same positions; bad
rows and over-committed wallets get messages."""

from __future__ import annotations

import math

from risk import Position, get_venue, liquidation_price
from risk.account import Holding, account_state, collapse_comparison
from risk.margin import adjust_margin
from ui import hedge
from ui.testing import app_test, chart_specs, metric, shows

PAGE = "pages/margin_utilization.py"


def default_holdings() -> list[Holding]:
    btc = get_venue("binance", "BTCUSDT", taker_fee=0.0005)
    eth = get_venue("binance", "ETHUSDT", taker_fee=0.0005)
    return [
        Holding("BTCUSDT", Position("long", 100_000, 0.05, leverage=10), 97_000, btc),
        Holding(
            "ETHUSDT", Position("long", 3_500, 1.5, leverage=20, margin_mode="cross"), 3_300, eth
        ),
        Holding(
            "BTCUSDT", Position("short", 98_000, 0.02, leverage=5, margin_mode="cross"), 97_000, btc
        ),
    ]


def gauge_values(at) -> list[float]:
    return [
        spec["data"][0]["value"]
        for spec in chart_specs(at)
        if spec["data"] and spec["data"][0].get("type") == "indicator"
    ]


def test_defaults_equal_the_account_model() -> None:
    at = app_test(PAGE)
    assert not at.exception and not at.error
    state = account_state(2_000, default_holdings())
    # Independent sums at the marks: PnL -150 - 300 + 20; initial margin 485 + 247.5 + 388.
    shows(at, "Margin balance", 1_570.0)
    shows(at, "Initial margin in use", 1_120.5)
    shows(at, "Maintenance margin", state.maintenance_margin)
    shows(at, "Available", 1_570.0 - 1_120.5)
    util, ratio = gauge_values(at)
    assert math.isclose(util, 100 * 1_120.5 / 1_570.0, rel_tol=1e-12)
    assert math.isclose(ratio, 100 * state.margin_ratio, rel_tol=1e-12)


def test_wallet_change_moves_the_gauges() -> None:
    at = app_test(PAGE)
    at.number_input(key="wallet").set_value(5_000.0).run()
    assert not at.exception and not at.error
    state = account_state(5_000, default_holdings())
    shows(at, "Margin balance", state.margin_balance)
    util, ratio = gauge_values(at)
    assert math.isclose(util, 100 * state.utilization, rel_tol=1e-12)
    assert math.isclose(ratio, 100 * state.margin_ratio, rel_tol=1e-12)


def test_high_utilization_warns() -> None:
    at = app_test(PAGE)
    at.number_input(key="wallet").set_value(1_300.0).run()
    assert not at.exception and not at.error
    assert any("of the margin balance is in use" in w.value for w in at.warning)


def test_margin_above_the_wallet_says_what_to_change() -> None:
    at = app_test(PAGE)
    at.number_input(key="wallet").set_value(1_000.0).run()  # posted: 500 + 262.5 + 392
    assert not at.exception
    assert len(at.error) == 1
    assert "more than the wallet" in at.error[0].value
    assert "Raise the wallet balance" in at.error[0].value


def test_edited_row_is_used_and_a_bad_row_is_named() -> None:
    at = app_test(PAGE)
    at.slider(key="lev").set_value(5).run()  # position 1 is the sidebar's
    at.session_state["positions"] = {
        "edited_rows": {1: {"leverage": 151.0}},  # position 3; BTCUSDT tier 1: 150x
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and at.error[0].value.startswith("Row 3 (BTCUSDT)")
    h = default_holdings()
    # sized by margin in the sidebar: 500 at 5x is 0.025 BTC
    h[0] = Holding("BTCUSDT", Position("long", 100_000, 0.025, leverage=5), 97_000, h[0].venue)
    state = account_state(2_000, h[:2])  # row 3 left out, the rest still works
    shows(at, "Initial margin in use", state.initial_margin)
    shows(at, "Margin balance", state.margin_balance)


def test_add_margin_equals_adjust_margin() -> None:
    at = app_test(PAGE)
    at.slider(key="add_margin").set_value(300.0).run()
    assert not at.exception and not at.error
    h = default_holdings()[0]
    change = adjust_margin(h.position, h.venue, 300.0)
    shows(at, "New liq. price", float(change.liquidation_price))
    shows(at, "Effective leverage", float(change.effective_leverage))
    shows(at, "Margin posted", 800.0)
    # formulas.md section 1: a long's LP falls by dM / (Q (1 - mmr)).
    shows(at, "New liq. price", 100_000 * 0.9 / 0.996 - 300 / (0.05 * (1 - 0.004)))


def test_collapse_equals_the_account_model() -> None:
    at = app_test(PAGE)
    at.slider(key="collapse_pct").set_value(60).run()  # position 1: the sidebar's long
    assert not at.exception and not at.error
    out = collapse_comparison(2_000, default_holdings(), 0, 0.60)
    shows(at, "Isolated loses", out.isolated_loss)
    shows(at, "Cross loses", out.cross_loss)
    shows(at, "Isolated loses", 500.0 - 150.0)  # liquidated: the margin left at the mark
    bars = [t for t in chart_specs(at)[-1]["data"] if t["type"] == "bar"]
    assert {b["name"]: b["y"][0] for b in bars} == {
        "Isolated": out.isolated_loss,
        "Cross": out.cross_loss,
    }


# --- hedge mode block (issue 11) ---------------------------------------------------------------
def hedge_open(at):
    """The page with its hedge-mode expander opened (as a click does: the page reruns)."""
    at.session_state[hedge.OPEN_KEY] = True
    return at.run()


def test_hedge_block_is_computed_only_while_open(monkeypatch) -> None:
    """Closed (the default), the block costs nothing: no hedge valuation, none of its inputs;
    opened, it is there; a sidebar leverage move values it again only while it is open."""
    calls = []
    real = hedge.hedge_liquidation

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hedge, "hedge_liquidation", counted)
    at = app_test(PAGE)
    assert not at.exception and not at.error
    at.slider(key="lev").set_value(12).run()
    assert calls == [] and not any(w.key == "hedge_mark" for w in at.number_input)
    assert [e.label for e in at.expander if "Hedge mode" in e.label]  # offered, closed
    hedge_open(at)
    assert len(calls) == 1 and metric(at, "Hedge margin ratio")
    at.slider(key="lev").set_value(15).run()
    assert len(calls) == 2 and metric(at, "Hedge margin ratio")


def test_hedge_block_defaults_by_hand() -> None:
    # Long 0.1 @ 100,000 and short 0.05 @ 102,000 at 10x in the 2,000 wallet, Binance BTCUSDT:
    # both legs stay in tier 1 (0.4%) -> below = (2,000 - 10,000 + 5,100) /
    # (0.1 x 0.004 + 0.05 x 0.004 - 0.1 + 0.05); no price above within the tiers. Margin ratio at
    # the mark 100,000: (40 + 20) / (2,000 + 0.05 x 2,000).
    at = hedge_open(app_test(PAGE))
    assert not at.exception and not at.error
    shows(at, "Hedge liq. price below", -2_900 / (0.0006 - 0.05))
    assert metric(at, "Hedge liq. price above") == "—"
    shows(at, "Hedge margin ratio", 60 / 2_100)


def test_fully_hedged_pair_is_liquidated_above() -> None:
    # 0.1 long and 0.1 short @ 100,000: P = 2,000 / (0.1 x 0.004 x 2) = 2,500,000, where each
    # leg's notional (250,000) is still tier 1 (0.4% below 300,000).
    at = hedge_open(app_test(PAGE))
    at.number_input(key="hedge_short_qty").set_value(0.1).run()
    at.number_input(key="hedge_short_ep").set_value(100_000.0).run()
    assert not at.exception and not at.error
    shows(at, "Hedge liq. price above", 2_000 / 0.0008)
    assert metric(at, "Hedge liq. price below") == "—"


def test_hedge_mark_past_the_price_is_already_liquidatable() -> None:
    at = hedge_open(app_test(PAGE))
    at.number_input(key="hedge_mark").set_value(50_000.0).run()
    assert not at.exception
    assert any("liquidates them now" in e.value for e in at.error)


def test_hedge_block_on_an_exchange_without_hedge_formula() -> None:
    at = hedge_open(app_test(PAGE))
    at.selectbox(key="ex").set_value("gate").run()  # Gate: isolated only here
    assert not at.exception
    assert any(
        "Gate has no hedge-mode formula here: Gate is modelled in isolated margin only" in i.value
        for i in at.info
    )


def test_hedge_block_on_okx_counts_both_legs_for_the_tier() -> None:
    at = hedge_open(app_test(PAGE))
    at.selectbox(key="ex").set_value("okx").run()
    assert not at.exception and not at.error
    assert not any("no hedge-mode formula" in i.value for i in at.info)
    assert any("OKX counts both legs together" in c.value for c in at.caption)


def test_a_position_already_past_its_isolated_liquidation_is_named_not_a_negative_loss() -> None:
    # ETH long 20x from 3,500: isolated it would be liquidated near 3,334, above its 3,300 mark.
    at = app_test(PAGE)
    at.selectbox(key="collapse_pick").set_value(1).run()
    assert not at.exception
    iso = next(m for m in at.metric if m.label.startswith("Isolated loses"))
    assert iso.value == "already liquidated"
    assert all(not m.value.startswith("-") for m in at.metric if "loses" in m.label)
    out = collapse_comparison(2_000, default_holdings(), 1, 0.30)
    shows(at, "Cross loses", out.cross_loss)
    bars = [t for t in chart_specs(at)[-1]["data"] if t["type"] == "bar"]
    assert {b["name"]: b["y"][0] for b in bars}["Isolated"] == 3_500 * 1.5 / 20


def test_an_isolated_row_past_its_liquidation_is_refused_with_a_sentence() -> None:
    at = app_test(PAGE)
    at.number_input(key="mu_mark").set_value(-15.0).run()  # 85,000: below the 90,361 LP
    assert not at.exception
    assert any(e.value.startswith("Row 1") and "already past" in e.value for e in at.error), [
        e.value for e in at.error
    ]


def test_position_one_is_the_sidebar_position() -> None:
    at = app_test(PAGE)
    at.slider(key="lev").set_value(50).run()
    at.number_input(key="mu_mark").set_value(0.0).run()
    # 500 margin at 50x: 0.25 BTC; the map's exact liquidation price for it
    pos = Position("long", 100_000, 0.25, leverage=50)
    lp = float(liquidation_price(pos, get_venue("binance", "BTCUSDT")))
    table = at.dataframe[1].value  # [0] is the editor of the other positions
    assert math.isclose(float(table["liq. price if isolated"][0]), lp, rel_tol=1e-12)


def test_the_other_positions_are_in_the_link() -> None:
    link = "ETHUSDT_s_2000_1990_2_10_i"
    at = app_test(PAGE, query_params={"pos": link})
    assert not at.exception and not at.error
    table = at.dataframe[1].value
    assert list(table["symbol"]) == ["BTCUSDT", "ETHUSDT"]
    assert list(table["side"]) == ["long", "short"]
    assert float(table["mark"][1]) == 1_990.0


def test_an_unreadable_positions_link_is_named() -> None:
    at = app_test(PAGE, query_params={"pos": "ETHUSDT_x_1"})
    assert any("pos parameter cannot be read" in w.value for w in at.warning)
    assert len(at.dataframe[1].value) == 3  # the sidebar's and the two default others


def test_an_account_below_maintenance_is_already_liquidatable_in_a_sentence() -> None:
    # Wallet 1,200; the sidebar's long 0.05 BTC from 100,000 in cross, marked 18% lower (82,000):
    # PnL -900, the others -300 + 20, so the margin balance is 1,200 - 1,180 = 20. Maintenance at
    # the marks (Binance tier 1, 0.4%): (0.05 x 82,000 + 1.5 x 3,300 + 0.02 x 97,000) x 0.004 =
    # 10,990 x 0.004 = 43.96.
    # Margin ratio 43.96 / 20 = 219.8% >= 100%: no move to liquidation remains.
    at = app_test(PAGE)
    at.segmented_control(key="mu_mode").set_value("cross").run()
    at.number_input(key="wallet").set_value(1_200.0).run()
    at.number_input(key="mu_mark").set_value(-18.0).run()
    assert not at.exception
    shows(at, "Margin balance", 20.0)
    shows(at, "Maintenance margin", 43.96)
    sentences = [e.value for e in at.error if "already at or below its maintenance" in e.value]
    assert len(sentences) == 1
    assert sentences[0].startswith("The margin ratio is 219.8%: the account's equity is already")
    assert "liquidating its cross positions now" in sentences[0]
    _, ratio = gauge_values(at)
    assert math.isclose(ratio, 100 * 43.96 / 20, rel_tol=1e-9)


def test_an_account_just_above_maintenance_has_no_liquidation_sentence() -> None:
    # The same with the mark 17% lower: balance 70, maintenance (0.05 x 83,000 + 6,890) x 0.004 =
    # 44.16 -> ratio 63%: not yet liquidatable.
    at = app_test(PAGE)
    at.segmented_control(key="mu_mode").set_value("cross").run()
    at.number_input(key="wallet").set_value(1_200.0).run()
    at.number_input(key="mu_mark").set_value(-17.0).run()
    assert not at.exception
    shows(at, "Margin balance", 70.0)
    assert not any("already at or below its maintenance" in e.value for e in at.error)


def test_hedge_block_on_bybit_by_hand() -> None:
    # Bybit regular account, the block's default legs at the sidebar's 10x and taker 0.05%, wallet
    # 2,000: maintenance on each leg's entry value (tier 1, 0.5%) 50 + 25.5; fees to close at each
    # leg's 10x bankruptcy price 0.1 x 100,000 x 0.9 x 0.05% + 0.05 x 102,000 x 1.1 x 0.05% =
    # 4.5 + 2.805. 2,000 + 0.1 (P - 100,000) - 0.05 (P - 102,000) = 82.805 -> P = 2,982.805 / 0.05.
    at = hedge_open(app_test(PAGE))
    at.selectbox(key="ex").set_value("bybit").run()
    assert not at.exception and not at.error
    shows(at, "Hedge liq. price below", 2_982.805 / 0.05)
    assert any("valued at its entry, plus its fee to close" in c.value for c in at.caption)
