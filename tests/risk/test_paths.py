"""Tests for risk.paths: the CSV loader's messages, the bootstrap, the price models' parameters.

Every bad file is built here and each message is checked for the column and row it must name
(row 1 = the first line after the header).
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from risk.odds import liquidation_odds, odds_closed_form
from risk.paths import (
    bootstrap,
    bootstrap_step_count,
    gbm,
    jump_diffusion,
    load_price_csv,
    log_returns,
    simulate_paths,
    student_t,
)

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def csv_bytes(rows: list[tuple], header: str = "timestamp,close") -> bytes:
    lines = [header] + [",".join(str(v) for v in r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def good_rows(n: int = 60) -> list[tuple]:
    start = pd.Timestamp("2024-03-01 00:00")
    return [(str(start + pd.Timedelta(minutes=5 * i)), 100.0 + 0.1 * i) for i in range(n)]


# ---------------------------------------------------------------------------------------------
# load_price_csv
# ---------------------------------------------------------------------------------------------
def test_reads_timestamp_close() -> None:
    s = load_price_csv(csv_bytes(good_rows()))
    assert len(s) == 60 and s.name == "close" and s.index.name == "timestamp"
    assert s.iloc[3] == pytest.approx(100.3)
    assert s.index[1] - s.index[0] == pd.Timedelta(minutes=5)
    assert str(s.index.tz) == "UTC"


def test_reads_ohlc_with_unix_milliseconds_from_a_path_and_a_text_file(tmp_path: Path) -> None:
    t0 = 1_700_000_000_000
    rows = [(t0 + 3_600_000 * i, 10 + i, 11 + i, 9 + i, 10.5 + i, 123) for i in range(60)]
    data = csv_bytes(rows, "Open_Time,Open,High,Low,Close,Volume")
    path = tmp_path / "ohlc.csv"
    path.write_bytes(data)
    from_path = load_price_csv(path)
    from_text = load_price_csv(io.StringIO(data.decode()))
    pd.testing.assert_series_equal(from_path, from_text)
    assert from_path.iloc[0] == 10.5
    assert from_path.index[0] == pd.Timestamp(t0, unit="ms", tz="UTC")


@pytest.mark.parametrize(
    ("make", "fragments"),
    [
        (
            lambda: csv_bytes([(1, 2)] * 60, "date_x,close"),
            ["column 'timestamp' is missing", "date_x"],
        ),
        (lambda: csv_bytes(good_rows(), "timestamp,price"), ["column 'close' is missing", "price"]),
        (
            lambda: csv_bytes(
                [*good_rows()[:10], ("2024-03-01 00:50:00", "n/a"), *good_rows()[11:]]
            ),
            ["column 'close'", "row 11", "'n/a'", "not a number"],
        ),
        (
            lambda: csv_bytes([*good_rows()[:4], ("2024-03-01 00:20:00", ""), *good_rows()[5:]]),
            ["column 'close'", "row 5", "not a number"],
        ),
        (
            lambda: csv_bytes([*good_rows()[:7], ("2024-03-01 00:35:00", "-3"), *good_rows()[8:]]),
            ["column 'close'", "row 8", "'-3'", "not a positive price"],
        ),
        (
            lambda: csv_bytes([*good_rows()[:7], ("2024-03-01 00:35:00", "0"), *good_rows()[8:]]),
            ["column 'close'", "row 8", "not a positive price"],
        ),
        (
            lambda: csv_bytes([*good_rows()[:20], good_rows()[19], *good_rows()[21:]]),
            ["column 'timestamp'", "row 21", "repeats", "row 20"],
        ),
        (
            lambda: csv_bytes([*good_rows()[:30], good_rows()[2], *good_rows()[31:]]),
            ["column 'timestamp'", "row 31", "earlier than", "row 30"],
        ),
        (
            lambda: csv_bytes([*good_rows()[:12], ("next tuesday", 101.0), *good_rows()[13:]]),
            ["column 'timestamp'", "row 13", "'next tuesday'", "not a timestamp"],
        ),
        (lambda: csv_bytes(good_rows(12)), ["12 rows", "at least 50"]),
        (lambda: b"", ["not a readable CSV"]),
    ],
)
def test_bad_files_name_the_column_and_row(make, fragments: list[str]) -> None:
    with pytest.raises(ValueError) as err:
        load_price_csv(make())
    msg = str(err.value)
    for fragment in fragments:
        assert fragment in msg, (fragment, msg)


def test_bad_ohlc_column_is_named() -> None:
    rows = [(f"2024-01-{1 + i // 24:02d} {i % 24:02d}:00", 1, 2, 1, 1.5) for i in range(60)]
    rows[17] = (rows[17][0], 1, "abc", 1, 1.5)
    with pytest.raises(ValueError, match=r"column 'High', row 18 .*'abc' is not a number"):
        load_price_csv(csv_bytes(rows, "time,Open,High,Low,Close"))


def test_too_large_file_is_refused_before_parsing(tmp_path: Path) -> None:
    data = csv_bytes(good_rows(500))
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    with pytest.raises(ValueError, match=rf"file size={len(data):,} bytes is too large"):
        load_price_csv(path, max_bytes=1000)
    with pytest.raises(ValueError, match="larger than 1,000 bytes"):
        load_price_csv(io.BytesIO(data), max_bytes=1000)
    with pytest.raises(ValueError, match="cannot be read"):
        load_price_csv(tmp_path / "missing.csv")


# ---------------------------------------------------------------------------------------------
# bootstrap
# ---------------------------------------------------------------------------------------------
def gbm_closes(n: int, vol: float, interval_days: float, seed: int) -> pd.Series:
    """A synthetic 5-minute GBM price series (independent of the library's simulator)."""
    rng = np.random.default_rng(seed)
    r = rng.normal(0.0, vol * math.sqrt(interval_days / 365), size=n - 1)
    idx = pd.date_range("2024-01-01", periods=n, freq=pd.Timedelta(days=interval_days))
    return pd.Series(100.0 * np.exp(np.concatenate([[0.0], np.cumsum(r)])), index=idx)


def test_bootstrap_keeps_the_data_volatility_and_infers_the_spacing() -> None:
    closes = gbm_closes(20_000, 0.6, 1 / 288, seed=1)
    r = np.diff(np.log(closes.to_numpy()))
    model = bootstrap(closes)
    assert model.interval_days == pytest.approx(1 / 288)
    assert model.vol_annual == pytest.approx(np.std(r, ddof=1) * math.sqrt(288 * 365), rel=1e-12)
    assert abs(model.returns.mean()) < 1e-15  # demeaned
    doubled = bootstrap(closes, vol_annual=2 * model.vol_annual)
    np.testing.assert_allclose(doubled.returns, 2 * model.returns, rtol=1e-12)


def test_bootstrap_of_gbm_data_gives_gbm_odds() -> None:
    closes = gbm_closes(30_000, 0.6, 1 / 288, seed=2)
    lev = [20.0, 50.0, 100.0]
    res = liquidation_odds(
        "long",
        lev,
        None,
        1.0,
        model="bootstrap",
        closes=closes,
        n_paths=20_000,
        n_steps=288,
        seed=3,
        keep_roi=False,
    )
    cf = odds_closed_form("long", lev, bootstrap(closes).vol_annual, 1.0)
    # resampled returns are not independent draws of the true law: a loose band
    assert np.all(np.abs(res.p_liquidation - cf.p_liquidation) < 0.03)


def test_bootstrap_reproduces_with_a_seed() -> None:
    closes = gbm_closes(3_000, 0.8, 1 / 24, seed=4)
    kw = {"model": "bootstrap", "closes": closes, "n_paths": 2000, "n_steps": 48, "stop_frac": 0.02}
    a = liquidation_odds("short", [10, 30], None, 2.0, seed=5, **kw)
    b = liquidation_odds("short", [10, 30], None, 2.0, seed=5, **kw)
    c = liquidation_odds("short", [10, 30], None, 2.0, seed=6, **kw)
    np.testing.assert_array_equal(a.roi, b.roi)
    np.testing.assert_array_equal(a.p_stop_first, b.p_stop_first)
    assert not np.array_equal(a.roi, c.roi)


def test_bootstrap_paths_are_blocks_of_consecutive_data_returns() -> None:
    closes = gbm_closes(500, 0.8, 1 / 24, seed=7)
    model = bootstrap(closes, block_len=6)
    paths = simulate_paths(model, "long", 2.0, n_paths=50, n_steps=48, seed=1, correction="none")
    steps = np.diff(np.vstack([np.zeros((1, 50)), paths.y.astype(float)]), axis=0)
    data = model.returns
    for p in range(5):
        for blk in range(8):
            chunk = steps[6 * blk : 6 * blk + 6, p]
            # find the block in the data: consecutive returns, in order (circular: a block
            # that runs past the last return continues with the first)
            start = int(np.argmin(np.abs(data - chunk[0])))
            want = np.take(data, np.arange(start, start + 6), mode="wrap")
            np.testing.assert_allclose(chunk, want, atol=1e-6)


def test_bootstrap_step_is_a_whole_number_of_data_intervals() -> None:
    model = bootstrap(gbm_closes(2_000, 0.5, 1 / 288, seed=8))
    assert bootstrap_step_count(model, 1.0, 96) == (96, 3)  # 15-minute steps of 5-minute data
    assert bootstrap_step_count(model, 1.0, 1000) == (288, 1)  # cannot be finer than the data
    with pytest.raises(ValueError, match=r"horizon_days=0\.001 is shorter"):
        simulate_paths(model, "long", 0.001, n_paths=100, n_steps=10)


def test_bootstrap_needs_timestamps_or_a_spacing() -> None:
    with pytest.raises(ValueError, match="interval_days=None"):
        bootstrap(np.linspace(100, 110, 100))
    assert (
        bootstrap(
            np.linspace(100, 110, 100) + np.sin(np.arange(100)), interval_days=1.0
        ).interval_days
        == 1.0
    )
    with pytest.raises(ValueError, match="column 'close' is missing"):
        log_returns(pd.DataFrame({"price": [1.0, 2.0, 3.0]}))


@pytest.mark.skipif(not DATA.exists(), reason="market data beside the project not present")
def test_real_btc_5m_candles_through_csv_and_bootstrap(tmp_path: Path) -> None:
    src = DATA / "binance_usdm_perp_2025" / "BTC_USDT_USDT-5m-futures.feather"
    if not src.exists():
        pytest.skip("BTC 5m candles not present")
    df = pd.read_feather(src)
    path = tmp_path / "btc.csv"
    df.to_csv(path, index=False)
    closes = load_price_csv(path)
    assert len(closes) == len(df)
    model = bootstrap(closes)
    assert model.interval_days == pytest.approx(5 / 1440)
    r = np.diff(np.log(df["close"].to_numpy()))
    assert model.vol_annual == pytest.approx(np.std(r, ddof=1) * math.sqrt(288 * 365), rel=1e-9)
    res = liquidation_odds(
        "long",
        [10, 50, 100],
        None,
        1.0,
        model="bootstrap",
        closes=closes,
        n_paths=5000,
        n_steps=288,
        seed=1,
        keep_roi=False,
    )
    assert np.all(np.diff(res.p_liquidation) >= 0) and res.p_liquidation[-1] > 0.3


# ---------------------------------------------------------------------------------------------
# models
# ---------------------------------------------------------------------------------------------
def test_jump_model_compensation() -> None:
    m = jump_diffusion(0.6, 0.2, jump_rate_per_year=10.0, jump_mean_log=-0.05, jump_std_log=0.1)
    assert m.diffusion_vol_annual == pytest.approx(math.sqrt(0.36 - 10 * (0.0025 + 0.01)))
    assert m.diffusion_drift_annual == pytest.approx(0.2 + 10 * 0.05)
    with pytest.raises(ValueError, match="jump_rate_per_year=40"):
        jump_diffusion(0.6, 0.0, jump_rate_per_year=40.0, jump_std_log=0.1)


def test_jumps_arrive_at_the_stated_rate_and_gap_the_path() -> None:
    m = jump_diffusion(0.9, 0.0, jump_rate_per_year=365.0, jump_std_log=0.02)
    paths = simulate_paths(m, "long", 10.0, n_paths=4000, n_steps=20, seed=3)
    count = paths.jump_cells.size  # cells with at least one jump
    lam = 365.0 * 10.0 / 365 / 20  # per cell
    want = 4000 * 20 * (1 - math.exp(-lam))
    assert abs(count - want) < 4 * math.sqrt(want)
    k, p = np.divmod(paths.jump_cells, paths.n_paths)
    # the continuous part of a jump step stays between its start and the bridge; the step's
    # low is the lower of that and the post-jump value
    assert np.all(paths.jump_cont_low <= np.where(k > 0, paths.y[k - 1, p], 0.0) + 1e-7)


def test_student_t_needs_finite_variance() -> None:
    with pytest.raises(ValueError, match=r"df=2 .*df > 2"):
        student_t(0.6, 0.0, df=2.0)


def test_prices_are_path_major_and_start_at_entry() -> None:
    paths = simulate_paths(gbm(0.6), "short", 1.0, n_paths=30, n_steps=10, seed=1)
    prices = paths.prices(100.0, paths=slice(0, 3))
    assert prices.shape == (3, 11) and np.all(prices[:, 0] == 100.0)
    np.testing.assert_allclose(prices[:, 1:], 100.0 * np.exp(-paths.y[:, :3].T.astype(float)))


def test_bootstrap_uses_every_return_as_a_start_and_wraps_at_the_end() -> None:
    # 30 distinguishable daily returns (i + 1) * 1e-3, blocks of 8 one-day steps: before the
    # fix the last 7 returns could never start a path (with 30 daily closes a 1-day horizon
    # used only the oldest returns)
    r = (np.arange(30) + 1) * 1e-3
    idx = pd.date_range("2024-01-01", periods=31, freq="1D")
    closes = pd.Series(100 * np.exp(np.concatenate([[0.0], np.cumsum(r)])), index=idx)
    model = bootstrap(closes, block_len=8)
    paths = simulate_paths(
        model, "long", 8.0, n_paths=30_000, n_steps=8, seed=11, correction="none"
    )
    first = paths.y[0].astype(float)
    which = np.rint((first + r.mean()) / 1e-3).astype(int) - 1  # undo the demeaning
    counts = np.bincount(which, minlength=30)
    assert counts.size == 30 and np.all(counts > 0)
    # uniform over the 30 starts: each count within 5 binomial sd of 1000
    assert np.all(np.abs(counts - 1000) < 5 * math.sqrt(30_000 / 30 * (29 / 30)))
    # a block that starts at the last return continues with the first
    last = which == 29
    second = np.rint((paths.y[1, last] - paths.y[0, last] + r.mean()) / 1e-3).astype(int) - 1
    assert last.any() and np.all(second == 0)


def _excess_kurtosis_and_se(y: np.ndarray, batches: int = 20) -> tuple[float, float]:
    def kurt(x: np.ndarray) -> float:
        x = x - x.mean()
        return float(np.mean(x**4) / np.mean(x**2) ** 2 - 3.0)

    per_batch = [kurt(b) for b in np.array_split(y, batches)]
    return kurt(y), float(np.std(per_batch, ddof=1) / math.sqrt(batches))


@pytest.mark.parametrize(("hours", "steps"), [(1.0, (1, 6, 60)), (6.0, (1, 6, 72))])
def test_student_t_kurtosis_at_the_horizon_does_not_depend_on_the_step_count(
    hours: float, steps: tuple[int, ...]
) -> None:
    # hourly innovations: a t with 10 df has excess kurtosis 6 / (10 - 4) = 1 per hour, and a
    # sum of h independent hours 1 / h. Before the fix the tails were per STEP, so 60 steps
    # over an hour gave about 1 / 60.
    model = student_t(0.6, 0.0, df=10.0)
    want = 1.0 / hours
    seen = []
    for i, k in enumerate(steps):
        p = simulate_paths(model, "long", hours / 24, n_paths=100_000, n_steps=k, seed=20 + i)
        kurt, se = _excess_kurtosis_and_se(p.y[-1].astype(float))
        assert abs(kurt - want) < 4 * se + 0.02, (k, kurt, se)
        seen.append((kurt, se))
    (k0, s0), (k1, s1) = seen[0], seen[-1]
    assert abs(k0 - k1) < 4 * math.hypot(s0, s1)
    # and the variance is still GBM's
    assert float(np.std(p.y[-1])) == pytest.approx(0.6 * math.sqrt(hours / 24 / 365), rel=0.01)
