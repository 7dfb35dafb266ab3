"""Chart builders: the figures hold the numbers risk/ computes for the same input (trace names,
x/y values, marker positions, zone bounds), checked against independent derivations where a
closed form exists."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from risk import Position, bankruptcy_price, distance_frac, get_venue, liquidation_price
from risk.account import Holding, account_state
from risk.funding import funding_frac_of_margin, liquidation_price_path
from risk.sizing import leverage_curve, size_from_risk
from risk.volatility import typical_move_frac
from ui import charts, model
from ui.scenario import Scenario

BINANCE_BTC = get_venue("binance", "BTCUSDT")


def trace(fig, name: str):
    found = [t for t in fig.data if t.name == name]
    assert len(found) == 1, [t.name for t in fig.data]
    return found[0]


def liq_fig(sc: Scenario, venue=BINANCE_BTC, vol: float = 0.54):
    curve = model.liquidation_curve(sc, venue)
    pos = sc.position()
    cur = float(distance_frac(liquidation_price(pos, venue), sc.entry_price))
    return curve, charts.liquidation_distance_chart(
        curve.leverage,
        curve.exact_frac,
        curve.naive_frac,
        exchange_label="Binance",
        current_leverage=sc.leverage,
        current_frac=cur,
        move_1h_frac=float(typical_move_frac(vol, 1 / 24)),
        move_1d_frac=float(typical_move_frac(vol, 1.0)),
        max_leverage=curve.max_allowed_leverage,
        tier_changes=model.tier_changes(sc, venue),
    )


class TestLiquidationDistanceChart:
    def test_exact_curve_is_binance_tier_one_for_a_long(self) -> None:
        _, fig = liq_fig(Scenario())
        t = trace(fig, "Binance exact")
        x, y = np.asarray(t.x), np.asarray(t.y, dtype=float)
        ok = np.isfinite(y)
        # Independent: tier 1 (mmr 0.4%) isolated long, LP = EP (1 - 1/L) / (1 - mmr).
        np.testing.assert_allclose(y[ok], 1 - (1 - 1 / x[ok]) / (1 - 0.004), rtol=1e-12)
        assert math.isclose(y[x == 10][0], 0.0963855421686747, rel_tol=1e-12)

    def test_exact_curve_for_a_short_equals_risk(self) -> None:
        sc = Scenario(side="short")
        _, fig = liq_fig(sc)
        t = trace(fig, "Binance exact")
        x, y = np.asarray(t.x), np.asarray(t.y, dtype=float)
        ok = np.isfinite(y)
        pos = Position("short", 100_000, 500 * x[ok] / 100_000, leverage=x[ok])
        np.testing.assert_allclose(
            y[ok], distance_frac(liquidation_price(pos, BINANCE_BTC), 100_000), rtol=1e-12
        )
        # Independent: tier 1 (0.4%), LP = EP (1 + 1/L) / (1 + mmr). With 500 of margin the
        # notional is 500 L <= 62,500 and a short's liquidation notional stays below 300,000, the
        # top of the 2026 BTCUSDT tier 1, at every leverage of the chart.
        np.testing.assert_allclose(y[ok], (1 + 1 / x[ok]) / 1.004 - 1, rtol=1e-12)
        assert math.isclose(y[x == 100][0], 1.01 / 1.004 - 1, rel_tol=1e-12)

    def test_naive_line_is_one_over_leverage_on_a_log_axis_from_1x_to_150x(self) -> None:
        _, fig = liq_fig(Scenario())
        t = trace(fig, "Rule of thumb: 1/leverage")
        x = np.asarray(t.x)
        np.testing.assert_array_equal(np.asarray(t.y), 1.0 / x)
        assert x.min() == 1 and x.max() == 150
        assert set(range(1, 126)) <= set(x.tolist())
        assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
        assert fig.layout.xaxis.title.text.startswith("Leverage")

    def test_tier_maximum_cuts_the_curve_for_this_margin(self) -> None:
        # 3,000 margin: 100x is a 300,000 notional, the floor of the 2026 BTCUSDT tier 2 (floor
        # inclusive), whose maximum is 100x.
        _, fig = liq_fig(Scenario(margin=3_000))
        t = trace(fig, "Binance exact")
        x, y = np.asarray(t.x), np.asarray(t.y, dtype=float)
        assert np.isnan(y[x == 1]).all()  # a 1x long has no liquidation price (LP = 0)
        assert np.isfinite(y[(x > 1) & (x <= 100)]).all()
        assert np.isnan(y[x > 100]).all()
        assert list(trace(fig, "Exchange maximum").x) == [100, 100]
        tier = trace(fig, "Tier change")
        assert list(tier.x) == [100.0]
        # At exactly 100x the tier-2 rate (0.5%, amount 300) applies at entry, but the
        # liquidation price's notional is below 300,000 (tier 1 again), so the tier-1 root is the
        # answer: LP = EP (1 - 1/100) / (1 - 0.004).
        assert math.isclose(y[x == 100][0], 1 - 0.99 / 0.996, rel_tol=1e-12)

    def test_quantity_sized_curve_keeps_the_notional(self) -> None:
        sc = Scenario(size_by="quantity", quantity=4.0)  # 400,000 notional: tier 2, max 100x
        curve, fig = liq_fig(sc)
        assert np.all(curve.notional == 400_000)
        t = trace(fig, "Binance exact")
        x, y = np.asarray(t.x), np.asarray(t.y, dtype=float)
        ok = np.isfinite(y)
        pos = Position("long", 100_000, 4.0, leverage=x[ok])
        np.testing.assert_allclose(
            y[ok], distance_frac(liquidation_price(pos, BINANCE_BTC), 100_000), rtol=1e-12
        )
        assert x[ok].max() == 100
        assert not [tr for tr in fig.data if tr.name == "Tier change"]

    def test_current_position_marker(self) -> None:
        _, fig = liq_fig(Scenario(leverage=25))
        t = trace(fig, "This position")
        assert list(t.x) == [25]
        assert math.isclose(t.y[0], 1 - (1 - 1 / 25) / 0.996, rel_tol=1e-12)

    def test_volatility_bands_reach_the_typical_moves(self) -> None:
        _, fig = liq_fig(Scenario(), vol=0.71)
        day = trace(fig, "Typical 1-day move")
        hour = trace(fig, "Typical 1-hour move")
        # sigma * sqrt(t / 365), t in days.
        assert math.isclose(max(day.y), 0.71 * math.sqrt(1 / 365), rel_tol=1e-12)
        assert math.isclose(max(hour.y), 0.71 * math.sqrt(1 / 24 / 365), rel_tol=1e-12)
        assert min(day.x) == 1 and max(day.x) == 150
        assert day.fill == "toself"
        floor = 10 ** fig.layout.yaxis.range[0]
        assert math.isclose(min(day.y), floor, rel_tol=1e-12)

    def test_leverage_at_distance_finds_the_crossing(self) -> None:
        curve = model.liquidation_curve(Scenario(), BINANCE_BTC)
        d = 0.0283
        lev = model.leverage_at_distance(curve, d)
        # Independent: solve 1 - (1 - 1/L)/(1 - mmr) = d for L.
        exact = 1 / (1 - (1 - d) * 0.996)
        assert math.isclose(lev, exact, rel_tol=1e-3)
        assert math.isnan(model.leverage_at_distance(curve, 1e-5))


class TestPriceLadder:
    def levels(self, stop=None):
        pos = Position("long", 100_000, 0.05, leverage=10)
        venue = get_venue("binance", "BTCUSDT", taker_fee=0.0005)
        lv = model.price_levels(pos, venue, stop)
        return (
            pos,
            venue,
            lv,
            charts.price_ladder_chart(
                [(x.name, x.price, x.move_frac, x.pnl, x.pnl_after_fees) for x in lv]
            ),
        )

    def test_rungs_sit_at_the_risk_prices(self) -> None:
        pos, venue, _, fig = self.levels()
        assert list(trace(fig, "Entry").x) == [100_000, 100_000]
        lp = float(liquidation_price(pos, venue))
        assert list(trace(fig, "Liquidation").x) == [lp, lp]
        assert list(trace(fig, "Bankruptcy").x) == [90_000.0, 90_000.0]  # EP (1 - 1/L)
        assert float(bankruptcy_price(pos)) == 90_000.0
        assert not [t for t in fig.data if t.name == "Stop"]

    def test_pnl_at_each_level_with_and_without_fees(self) -> None:
        _, _, lv, fig = self.levels(stop=95_000.0)
        by = {x.name: x for x in lv}
        assert by["Stop"].pnl == pytest.approx(0.05 * (95_000 - 100_000))
        # Fees: 0.05% of the notional to open (at 100,000) and to close (at 95,000).
        assert by["Stop"].pnl_after_fees == pytest.approx(-250 - 2.5 - 2.375)
        assert by["Bankruptcy"].pnl == pytest.approx(-500)
        assert by["Stop"].move_frac == pytest.approx(-0.05)
        assert list(trace(fig, "Stop").x) == [95_000.0, 95_000.0]
        labels = " ".join(a.text for a in fig.layout.annotations)
        assert "PnL -250.00 USDT" in labels and "-5.00%" in labels

    def test_room_band_spans_entry_to_liquidation(self) -> None:
        pos, venue, _, fig = self.levels()
        band = trace(fig, "Room before liquidation")
        lp = float(liquidation_price(pos, venue))
        assert min(band.x) == lp and max(band.x) == 100_000


class TestLeverageTradeoff:
    def test_traces_equal_the_sizing_model(self) -> None:
        venue = get_venue("binance", "BTCUSDT", taker_fee=0.0005)
        s = size_from_risk(
            10_000, 0.01, 100_000, 98_000, side="long", venue=venue, taker_fee=0.0005
        )
        curve = leverage_curve("long", 100_000, s.quantity, venue, model.leverage_grid())
        fig = charts.leverage_tradeoff_chart(
            curve.leverage,
            curve.margin,
            curve.distance_frac,
            stop_distance_frac=s.stop_distance_frac,
            max_leverage=s.max_leverage,
        )
        dist = trace(fig, "Liquidation distance")
        np.testing.assert_array_equal(np.asarray(dist.x), curve.leverage)
        np.testing.assert_array_equal(np.asarray(dist.y), curve.distance_frac)
        marg = trace(fig, "Margin required")
        np.testing.assert_allclose(np.asarray(marg.y), s.notional / np.asarray(marg.x))
        assert marg.yaxis == "y2"
        assert list(trace(fig, "Stop distance").y) == [0.02, 0.02]
        safe = trace(fig, "Highest safe leverage")
        assert list(safe.x) == [s.max_leverage, s.max_leverage]
        # Meaning of the boundary: |entry - stop| = (1 - buffer) |entry - LP| at that leverage.
        lp = float(
            liquidation_price(Position("long", 100_000, s.quantity, leverage=s.max_leverage), venue)
        )
        assert math.isclose(2_000, 0.95 * (100_000 - lp), rel_tol=1e-6)


class TestGauges:
    def test_utilization_gauge_marks_the_80_percent_zone(self) -> None:
        fig = charts.utilization_gauge(0.714)
        ind = fig.data[0]
        assert ind.value == pytest.approx(71.4)
        steps = [tuple(s.range) for s in ind.gauge.steps]
        assert steps == [(0, 80.0), (80.0, 100.0)]
        assert ind.gauge.threshold.value == 80.0

    def test_utilization_above_100_widens_the_axis(self) -> None:
        ind = charts.utilization_gauge(1.5).data[0]
        assert ind.gauge.axis.range[1] >= 150
        assert ind.gauge.steps[-1].range[1] == ind.gauge.axis.range[1]

    def test_margin_ratio_gauge_liquidates_at_100(self) -> None:
        btc = get_venue("binance", "BTCUSDT")
        h = [Holding("BTCUSDT", Position("long", 100_000, 0.05, leverage=10), 92_000, btc)]
        state = account_state(600, h)
        ind = charts.margin_ratio_gauge(state.margin_ratio).data[0]
        # maintenance 0.05 x 92,000 x 0.4% = 18.4; balance 600 - 400 = 200.
        assert ind.value == pytest.approx(100 * 18.4 / 200)
        assert ind.gauge.threshold.value == 100.0
        assert ind.gauge.steps[-1].range[0] == 100.0

    def test_margin_ratio_without_balance_is_pinned_past_liquidation(self) -> None:
        ind = charts.margin_ratio_gauge(float("inf")).data[0]
        assert ind.value > 100


class TestFundingCharts:
    def test_curves_per_leverage(self) -> None:
        days = model.funding_days_grid(30, 8.0)
        curves = {
            lv: np.asarray(funding_frac_of_margin(lv, 0.0001, 8.0, days)) for lv in (5.0, 50.0)
        }
        fig = charts.funding_curves_chart(days, curves)
        t = trace(fig, "50x")
        np.testing.assert_array_equal(np.asarray(t.x), days)
        # Independent: 50 x 0.01% per funding, 3 fundings a day.
        np.testing.assert_allclose(np.asarray(t.y), 50 * 0.0001 * np.floor(days * 3 + 1e-9))
        for mark in ("25%", "50%", "100%"):
            ref = trace(fig, f"{mark} of margin")
            assert ref.y[0] == ref.y[1] == float(mark[:-1]) / 100

    def test_funding_grid_hits_every_funding_time(self) -> None:
        grid = model.funding_days_grid(2, 8.0)
        np.testing.assert_allclose(grid, np.arange(7) / 3)
        assert model.funding_days_grid(2.5, 24.0)[-1] == 2.5

    def test_liquidation_creep(self) -> None:
        pos = Position("long", 100_000, 0.05, leverage=10)
        days = model.funding_days_grid(10, 8.0)
        lp = np.asarray(liquidation_price_path(pos, BINANCE_BTC, 0.0005, 8.0, days))
        fig = charts.liquidation_creep_chart(days, lp, np.abs(lp - 1e5) / 1e5, entry_price=100_000)
        t = trace(fig, "Liquidation price")
        # Independent: margin after k fundings = 500 - 5,000 x 0.05% x k; tier-1 long LP =
        # (Q EP - M) / (Q (1 - mmr)).
        k = np.floor(days * 3 + 1e-9)
        expected = (5_000 - (500 - 2.5 * k)) / (0.05 * 0.996)
        np.testing.assert_allclose(np.asarray(t.y), expected, rtol=1e-12)
        assert list(trace(fig, "Entry").y) == [100_000, 100_000]


def test_collapse_chart_bars() -> None:
    fig = charts.collapse_chart(
        350.0, 1_455.0, wallet_balance=2_000.0, isolated_liquidated=True, cross_liquidated=False
    )
    assert list(trace(fig, "Isolated").y) == [350.0]
    assert list(trace(fig, "Cross").y) == [1_455.0]
    assert "liquidated" in trace(fig, "Isolated").text[0]
    assert list(trace(fig, "Wallet").y) == [2_000.0, 2_000.0]


# --- thin_line: min/max decimation of sample paths ---------------------------------------------
def test_thin_line_keeps_ends_extremes_and_order() -> None:
    rng = np.random.default_rng(7)
    x = np.arange(1_000, dtype=float)
    y = 100.0 + np.cumsum(rng.normal(size=1_000))
    tx, ty = charts.thin_line(x, y, 150)
    assert tx.size <= 150
    assert tx[0] == x[0] and tx[-1] == x[-1]
    assert np.all(np.diff(tx) > 0)  # time order, no duplicates
    np.testing.assert_array_equal(ty, y[tx.astype(int)])  # real points, not averages
    assert ty.min() == y.min() and ty.max() == y.max()
    # Each of the 74 runs of ~13 points between the ends keeps its own low and high.
    edges = np.linspace(1, 999, 75).astype(int)
    for a, b in itertools.pairwise(edges):
        kept = ty[(tx >= a) & (tx < b)]
        assert kept.min() == y[a:b].min() and kept.max() == y[a:b].max()


def test_thin_line_touch_of_a_level_stays_visible() -> None:
    # A path that dips below the line at exactly one point of 2,000.
    x = np.linspace(0.0, 1.0, 2_000)
    y = np.full(2_000, 100.0)
    y[1234] = 90.0
    _, ty = charts.thin_line(x, y, 100)
    assert ty.min() == 90.0


def test_thin_line_short_line_unchanged() -> None:
    x, y = np.arange(10.0), np.arange(10.0) ** 2
    tx, ty = charts.thin_line(x, y, 150)
    np.testing.assert_array_equal(tx, x)
    np.testing.assert_array_equal(ty, y)


# --- drop_repeats: a simulated path's repeated observations ----------------------------------
def test_drop_repeats_leaves_out_only_points_equal_to_the_one_before() -> None:
    # a step of (t, p) pairs: repeats at 1 and 4 (same time and price), a gap at t=2 (same
    # time, new price) and a flat price at new times (same price, new time) stay
    x = np.array([0.0, 0.0, 1.0, 2.0, 2.0, 2.0, 3.0, 4.0])
    y = np.array([5.0, 5.0, 6.0, 6.0, 4.0, 4.0, 4.0, 4.0])
    kx, ky = charts.drop_repeats(x, y)
    np.testing.assert_array_equal(kx, [0.0, 1.0, 2.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(ky, [5.0, 6.0, 6.0, 4.0, 4.0, 4.0])


def test_drop_repeats_draws_the_same_line_as_a_real_simulated_path() -> None:
    from risk.trailing import PriceModel, simulate_prices

    t, x, gap = simulate_prices(
        PriceModel(0.8, jumps_per_year=2_000.0, jump_mean=-0.01, jump_std=0.01), 1.0, paths=3
    )
    steps = (t.size - 1) // 2  # with jumps: two observations a step
    for row, gaps in zip(x, gap, strict=True):
        kx, ky = charts.drop_repeats(t, row)
        # the polyline drawn: the observations with runs of equal points collapsed to one
        drawn = [
            point for point, _ in itertools.groupby(zip(t.tolist(), row.tolist(), strict=True))
        ]
        assert list(zip(kx.tolist(), ky.tolist(), strict=True)) == drawn
        # the entry, one point a step, and one more for each step with a gap
        assert kx.size == 1 + steps + int(np.count_nonzero(gaps))
        assert 0 < np.count_nonzero(gaps) < steps  # the example has gaps, and not everywhere
