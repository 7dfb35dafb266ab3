"""Chart builders of the pitfalls lab: the figures hold the numbers they were given (trace
names, coordinates, cut points), checked with small hand-made inputs and with real results from
risk/."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from risk.correlated import CrossPosition, account_liquidation_odds
from risk.sequence import fixed_risk_policy, martingale_policy, simulate_sequences
from risk.trailing import ExitRules, PriceModel, compare_exit_rules
from ui import charts_pitfalls as cp


def trace(fig, name: str):
    found = [t for t in fig.data if t.name == name]
    assert len(found) == 1, [t.name for t in fig.data]
    return found[0]


def segments(values) -> list[list[float]]:
    """Split a gap-separated trace (None or NaN between lines) back into its lines."""
    out: list[list[float]] = [[]]
    for v in values:
        if v is None or v != v:  # None or NaN: a gap
            out.append([])
        else:
            out[-1].append(v)
    return [s for s in out if s]


def test_account_paths_cut_liquidated_paths_at_the_liquidation() -> None:
    t = np.array([0.0, 1.0, 2.0, 3.0])
    eq = np.array([[100, 90, 80, 85], [100, 60, 20, 30], [100, 110, 120, 130]], dtype=float)
    fig = cp.account_paths_chart(
        t, eq, np.array([-1, 2, -1]), maintenance_at_entry=25.0, wallet_balance=100.0
    )
    alive = segments(trace(fig, "Survived").y)
    assert alive == [[100, 90, 80, 85], [100, 110, 120, 130]]
    dead = trace(fig, "Liquidated")
    assert segments(dead.y) == [[100, 60, 20]]
    assert segments(dead.x) == [[0.0, 1.0, 2.0]]
    mark = trace(fig, "Liquidation")
    assert list(mark.x) == [2.0] and list(mark.y) == [20.0]
    assert list(trace(fig, "Maintenance margin at entry").y) == [25.0, 25.0]
    assert list(trace(fig, "Wallet at entry").x) == [0.0, 3.0]


def test_account_paths_from_a_real_simulation() -> None:
    positions = [
        CrossPosition("BTC", "long", 0.8, notional=10_000.0),
        CrossPosition("ETH", "long", 1.0, notional=8_000.0),
    ]
    res = account_liquidation_odds(
        positions, 900.0, [[1, 0.8], [0.8, 1]], 1.0, paths=2_000, sample_paths=30
    )
    fig = cp.account_paths_chart(
        res.time_hours,
        res.sample_equity,
        res.sample_liquidated_step,
        maintenance_at_entry=res.maintenance_at_entry,
        wallet_balance=res.wallet_balance,
    )
    n_dead = int((res.sample_liquidated_step >= 0).sum())
    assert n_dead > 0
    assert len(segments(trace(fig, "Liquidated").y)) == n_dead
    assert len(segments(trace(fig, "Survived").y)) == 30 - n_dead
    assert trace(fig, "Survived").x[-1] == pytest.approx(24.0)


def test_probability_bars_with_whiskers() -> None:
    fig = cp.probability_bars_chart(
        ["Account", "Uncorrelated"], [0.2, 0.05], [0.01, 0.005], title="t"
    )
    bar = trace(fig, "Probability")
    assert bar.orientation == "h"  # labels one under the other: they never collide on a phone
    assert list(bar.x) == [0.2, 0.05]
    assert list(bar.error_x.array) == pytest.approx([0.02, 0.01])
    assert bar.marker.color[0] != bar.marker.color[1]
    assert list(bar.y) == ["Account<br><b>20.0%</b>", "Uncorrelated<br><b>5.0%</b>"]
    assert fig.layout.yaxis.autorange == "reversed"  # the first category at the top


def test_odds_vs_correlation_band_and_marker() -> None:
    rho = np.array([0.0, 0.5, 1.0])
    p = np.array([0.01, 0.05, 0.12])
    se = np.array([0.001, 0.002, 0.003])
    fig = cp.odds_vs_correlation_chart(rho, p, se, current_rho=0.7, current_p=0.08)
    line = trace(fig, "Account odds")
    assert list(line.x) == [0.0, 0.5, 1.0] and list(line.y) == [0.01, 0.05, 0.12]
    band = trace(fig, "Band: 2 standard errors")
    assert list(band.y) == pytest.approx([0.012, 0.054, 0.126, 0.114, 0.046, 0.008])
    star = trace(fig, "Your matrix")
    assert list(star.x) == [0.7] and list(star.y) == [0.08]
    assert "Your matrix" not in [t.name for t in cp.odds_vs_correlation_chart(rho, p, se).data]


def test_roi_histograms_share_bins_and_sum_to_one() -> None:
    roi = {
        "fixed": np.array([-0.4, -0.4, 0.8, 0.8, 0.8]),
        "trailing": np.array([-1.0, -0.2, 0.1, 0.3, 1.5]),
    }
    fig = cp.roi_distributions_chart(roi, bins=5)
    fixed = trace(fig, "Fixed stop + target")
    trailing = trace(fig, "Trailing stop")
    assert list(fixed.x) == list(trailing.x)
    assert list(fixed.x) == pytest.approx([-0.75, -0.25, 0.25, 0.75, 1.25])  # edges -1 .. 1.5
    assert list(fixed.y) == pytest.approx([0.0, 0.4, 0.0, 0.6, 0.0])
    assert list(trailing.y) == pytest.approx([0.2, 0.2, 0.4, 0.0, 0.2])  # 0.1 and 0.3 share a bin
    assert list(trace(fig, "Margin lost (-100%)").x) == [-1.0, -1.0]
    assert fig.layout.barmode == "group"


def test_exit_paths_mark_each_rule_from_a_real_comparison() -> None:
    res = compare_exit_rules(
        "long", 10, ExitRules(0.02, 0.04, 0.02), PriceModel(0.8), 1.0, paths=200, sample_paths=3
    )
    exits = {r: (o.exit_index[:3], o.exit_price[:3]) for r, o in res.outcomes.items()}
    part = res.outcomes["partial"]
    fig = cp.exit_paths_chart(
        res.time_hours,
        res.sample_prices,
        exits,
        entry_price=res.entry_price,
        stop_price=res.stop_price,
        target_price=res.target_price,
        liquidation_price=res.liquidation_price,
        partial=(part.partial_index[:3], np.full(3, res.target_price)),
    )
    assert [t.name for t in fig.data][:3] == ["Path 1", "Path 2", "Path 3"]
    assert list(trace(fig, "Fixed stop").y) == pytest.approx([98.0, 98.0])
    assert list(trace(fig, "Target").y) == pytest.approx([104.0, 104.0])
    assert trace(fig, "Liquidation price").y[0] == pytest.approx(res.liquidation_price)
    fx = trace(fig, "Exit: Fixed stop + target")
    idx = res.outcomes["fixed"].exit_index[:3]
    assert list(fx.x) == pytest.approx(res.time_hours[idx].tolist())
    assert list(fx.y) == pytest.approx(res.outcomes["fixed"].exit_price[:3].tolist())
    hit = part.partial_index[:3] >= 0
    assert len(trace(fig, "Partial take-profit").x) == int(hit.sum())


def test_exit_paths_base_holds_what_a_leverage_cannot_change() -> None:
    """The cached base: the sample paths (each drawn point once, hours as 32-bit floats) and
    the entry, stop and target; the liquidation line and the exits come from the markers, and
    the whole chart is the base followed by them."""
    gappy = PriceModel(0.8, jumps_per_year=500.0, jump_mean=-0.02, jump_std=0.02)
    res = compare_exit_rules(
        "short", 20, ExitRules(0.02, 0.04, 0.02), gappy, 1.0, paths=200, sample_paths=3
    )
    kw = dict(entry_price=res.entry_price, stop_price=res.stop_price, target_price=res.target_price)
    base = cp.exit_paths_base_chart(res.time_hours, res.sample_prices, **kw)
    assert [t.name for t in base.data] == ["Path 1", "Path 2", "Path 3", "Entry", "Fixed stop",
                                           "Target"]  # fmt: skip
    for i, row in enumerate(res.sample_prices):
        path = trace(base, f"Path {i + 1}")
        drawn = [
            p for p, _ in itertools.groupby(zip(res.time_hours.tolist(), row.tolist(), strict=True))
        ]
        assert path.x.dtype == np.float32
        assert np.array_equal(path.x, np.array([p[0] for p in drawn], dtype=np.float32))
        assert list(path.y) == [p[1] for p in drawn]
        assert len(drawn) < 0.75 * row.size  # most steps had no gap: their repeat is left out
    assert list(trace(base, "Fixed stop").y) == pytest.approx([102.0, 102.0])  # short: above

    exits = {r: (o.exit_index[:3], o.exit_price[:3]) for r, o in res.outcomes.items()}
    markers = cp.exit_marker_traces(res.time_hours, exits, liquidation_price=res.liquidation_price)
    assert [m["name"] for m in markers] == ["Liquidation price", "Exit: Fixed stop + target",
                                            "Exit: Trailing stop",
                                            "Exit: Partial take-profit, rest trails"]  # fmt: skip
    whole = cp.exit_paths_chart(
        res.time_hours, res.sample_prices, exits, liquidation_price=res.liquidation_price, **kw
    )
    names = [t.name for t in base.data] + [m["name"] for m in markers]
    assert [t.name for t in whole.data] == names
    no_liq = cp.exit_marker_traces(res.time_hours, exits, liquidation_price=float("nan"))
    assert "Liquidation price" not in [m["name"] for m in no_liq]


def test_equity_cones_from_a_real_simulation() -> None:
    res = simulate_sequences(
        [fixed_risk_policy(0.01, 1.5), martingale_policy(0.02, 1.5)], 0.45, 40, paths=1_000
    )
    cones = {r.policy.name: r.cones[[0, 2, 4]] for r in res}
    fig = cp.equity_cones_chart(np.arange(41), cones, floor=500.0, start_equity=1_000.0)
    for r in res:
        med = trace(fig, f"{r.policy.name}: median")
        assert list(med.y) == pytest.approx(r.cones[2].tolist())
        band = trace(fig, f"{r.policy.name}: 5-95%")
        assert list(band.y[:41]) == pytest.approx(r.cones[4].tolist())
        assert list(band.y[41:]) == pytest.approx(r.cones[0][::-1].tolist())
    assert list(trace(fig, "Ruin floor").y) == [500.0, 500.0]
    assert list(trace(fig, "Start").x) == [0.0, 40.0]
    log = cp.equity_cones_chart(np.arange(41), cones, floor=500.0, start_equity=1e3, log_y=True)
    assert log.layout.yaxis.type == "log"
    assert log.layout.yaxis.range[0] == pytest.approx(np.log10(50.0))
    band = trace(log, f"{res[1].policy.name}: 5-95%")
    assert min(band.y) >= 50.0  # a blown account (0) sits at the bottom of the log axis
    assert min(band.y) == 50.0 or res[1].cones[0].min() > 50.0


def test_drawdown_boxes() -> None:
    fig = cp.drawdown_chart({"A": np.array([0.1, 0.2]), "B": np.array([0.5, 0.9])})
    assert list(trace(fig, "B").y) == [0.5, 0.9]
    assert tuple(fig.layout.yaxis.range) == (0, 1)
