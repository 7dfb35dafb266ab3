"""Chart-data helpers: stop checks, position tables, funding grids."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ui import model
from ui.scenario import Scenario


class TestCheckStop:
    def test_long_stop_above_entry_is_an_error(self) -> None:
        c = model.check_stop("long", 100.0, 101.0, 90.0)
        assert not c.usable and "below the entry" in c.error

    def test_short_stop_below_entry_is_an_error(self) -> None:
        c = model.check_stop("short", 100.0, 99.0, 110.0)
        assert not c.usable and "above the entry" in c.error

    def test_stop_beyond_liquidation_warns(self) -> None:
        assert model.check_stop("long", 100.0, 89.0, 90.0).warning
        assert model.check_stop("short", 100.0, 111.0, 110.0).warning

    def test_good_stop_passes(self) -> None:
        c = model.check_stop("long", 100.0, 95.0, 90.0)
        assert c.usable and c.warning is None
        assert model.check_stop("long", 100.0, 95.0, float("nan")).warning is None


@pytest.mark.parametrize(("side", "expected"), [("long", 98.0), ("short", 102.0)])
def test_stop_from_frac(side, expected) -> None:
    assert model.stop_from_frac(side, 100.0, 0.02) == pytest.approx(expected)


ROW = {
    "symbol": "BTCUSDT",
    "side": "long",
    "entry": 100_000.0,
    "mark": 99_000.0,
    "quantity": 0.05,
    "leverage": 10.0,
    "mode": "isolated",
}


class TestBuildHoldings:
    def test_good_rows(self) -> None:
        rows = [
            ROW,
            {
                **ROW,
                "symbol": "ETHUSDT",
                "entry": 3_000.0,
                "mark": 3_100.0,
                "quantity": 2.0,
                "mode": "cross",
            },
        ]
        holdings, problems = model.build_holdings(rows, Scenario())
        assert problems == []
        assert [h.symbol for h in holdings] == ["BTCUSDT", "ETHUSDT"]
        assert holdings[1].position.margin_mode == "cross"
        assert holdings[1].venue.table.name.endswith("ETHUSDT")

    def test_each_bad_row_is_named_and_left_out(self) -> None:
        rows = [
            ROW,
            {**ROW, "quantity": None},
            {**ROW, "leverage": 151.0},
            {**ROW, "side": "sideways"},
            {**ROW, "quantity": 3.0, "leverage": 120.0},  # 300,000 notional: tier 2, 100x
        ]
        holdings, problems = model.build_holdings(rows, Scenario())
        assert len(holdings) == 1
        assert problems[0] == "Row 2 (BTCUSDT): fill in quantity."
        assert problems[1].startswith("Row 3 (BTCUSDT): leverage 151x is above the 150x")
        assert problems[2].startswith("Row 4 (BTCUSDT): the side 'sideways' is not known")
        assert "above the 100x maximum" in problems[3]

    def test_cross_on_an_isolated_only_exchange_says_what_to_change(self) -> None:
        _, problems = model.build_holdings([{**ROW, "mode": "cross"}], Scenario(exchange="phemex"))
        assert problems == [
            "Row 1 (BTCUSDT): phemex publishes a liquidation formula for isolated margin only. "
            "Set the mode to isolated or pick another exchange in the sidebar."
        ]

    def test_unposted_wallet(self) -> None:
        holdings, _ = model.build_holdings([ROW, ROW], Scenario())
        assert model.posted_margin(holdings) == pytest.approx(1_000)
        assert model.unposted_wallet(1_500, holdings) == pytest.approx(500)
        assert model.unposted_wallet(800, holdings) == 0.0


def test_first_missing_day() -> None:
    days = np.array([0.0, 1.0, 2.0, 3.0])
    assert model.first_missing_day(days, np.array([1.0, 2.0, np.nan, np.nan])) == 2.0
    assert math.isinf(model.first_missing_day(days, np.ones(4)))


def test_tier_changes_for_a_margin_sized_position() -> None:
    from risk import get_venue

    changes = model.tier_changes(Scenario(margin=5_000), get_venue("binance", "BTCUSDT"))
    # 5,000 margin reaches 300,000 (2026 tier 2) at 60x and 800,000 (tier 3) only at 160x, beyond
    # the chart's 150x.
    assert [c[0] for c in changes] == [60.0]
    assert "Tier 2" in changes[0][1] and "100x" in changes[0][1]
    assert model.tier_changes(Scenario(size_by="quantity"), get_venue("binance")) == []


class TestWhy50xHelpers:
    def test_odds_grid_stops_below_one_over_mmr(self) -> None:
        g = model.odds_leverage_grid(0.004)
        assert g[0] == 1.0 and g[-1] == 150.0 and set(range(1, 151)) <= set(g.tolist())
        g = model.odds_leverage_grid(0.02)  # 50x: initial margin 2% = maintenance, refused
        assert g.max() < 50.0 and 49.0 in g.tolist()
        assert model.odds_leverage_grid(0.0)[-1] == 150.0
        assert np.all(np.diff(g) > 0)

    def test_at_leverage_is_exact_on_the_grid_and_log_linear_between(self) -> None:
        grid = np.array([1.0, 2.0, 4.0, 8.0])
        values = np.array([0.1, 0.2, 0.3, 0.7])
        assert model.at_leverage(grid, values, 4.0) == 0.3
        # halfway in log between 2 and 4 is sqrt(8)
        assert model.at_leverage(grid, values, math.sqrt(8.0)) == pytest.approx(0.25)
        assert math.isnan(model.at_leverage(grid, values, 9.0))
        out = model.at_leverage(grid, values, np.array([1.0, 8.0]))
        assert out.tolist() == [0.1, 0.7]

    def test_moves_in_distance(self) -> None:
        assert model.moves_in_distance(0.016, 0.032) == pytest.approx(0.5)

    @pytest.mark.parametrize(
        ("p", "expected"),
        [(0.5, 2), (0.26, 4), (1.0, 1), (0.9, 1), (0.0, None), (1e-6, None), (1 / 36_000, 36_000)],
    )
    def test_one_in(self, p, expected) -> None:
        assert model.one_in(p) == expected

    def test_check_guess(self) -> None:
        low = model.check_guess(0.05, 0.25)
        assert low.verdict == "too low"
        assert low.diff_frac == pytest.approx(0.20) and low.ratio == pytest.approx(5.0)
        assert model.check_guess(0.5, 0.25).verdict == "too high"
        assert model.check_guess(0.22, 0.25).verdict == "about right"  # within 20% of 25%
        assert model.check_guess(0.01, 0.02).verdict == "about right"  # within 2 points
        assert model.check_guess(0.0, 0.3).ratio == float("inf")


@pytest.mark.parametrize("exchange", ["binance", "bybit", "hyperliquid"])
@pytest.mark.parametrize(("side", "lev", "margin"), [("long", 10, 500.0), ("short", 20, 700.0)])
def test_the_flat_rate_lands_the_simple_liquidation_on_the_exchanges_price(
    exchange, side, lev, margin
) -> None:
    from risk import Position, get_venue, liquidation_price
    from risk.trailing import position_liquidation_price

    pos = Position(side, 100_000.0, margin * lev / 100_000.0, leverage=lev)
    exact = float(liquidation_price(pos, get_venue(exchange, "BTCUSDT", taker_fee=0.0005)))
    m = model.flat_rate_for_liquidation(side, lev, exact / 100_000.0)
    assert 0.0 <= m < 0.5
    # the library's flat-rate price (a generic venue) with that rate is the exchange's price
    assert position_liquidation_price(side, lev, m, 100_000.0) == pytest.approx(exact, rel=1e-12)


def test_the_flat_rate_is_nan_without_a_liquidation_price() -> None:
    assert np.isnan(model.flat_rate_for_liquidation("long", 1.0, float("nan")))
