"""Tests for risk.conditional_vol: EWMA by hand, GARCH(1,1) against the arch documentation's
published S&P 500 fit, the filter against arch's own conditional volatility, the horizon
forecast against the k-step recursion summed term by term."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from risk.conditional_vol import (
    annualize_vol,
    ewma_variance,
    ewma_vol_annual,
    fit_garch,
    garch_horizon_variance,
    garch_variance,
    half_life_lambda,
)


def test_ewma_by_hand_on_three_returns() -> None:
    # H = 1 interval -> lam = 0.5; start 1e-4:
    # s1 = .5e-4 + .5 * 0.01^2 = 1e-4; s2 = .5e-4 + .5 * 4e-4 = 2.5e-4;
    # s3 = 1.25e-4 + .5 * 9e-4 = 5.75e-4
    out = ewma_variance([0.01, -0.02, 0.03], 1.0, init_variance=1e-4)
    np.testing.assert_allclose(out, [1e-4, 1e-4, 2.5e-4, 5.75e-4], rtol=1e-12)


def test_ewma_default_start_is_mean_square_of_the_first_returns() -> None:
    r = [0.02, 0.0, 0.01, 0.05]
    out = ewma_variance(r, 1.0)  # first ceil(3 * 1) = 3 returns: (4 + 0 + 1)e-4 / 3
    assert out[0] == pytest.approx(5e-4 / 3)
    assert out[1] == pytest.approx(0.5 * 5e-4 / 3 + 0.5 * 4e-4)


def test_riskmetrics_lambda_094_is_a_half_life_of_11_2_days() -> None:
    h = math.log(0.5) / math.log(0.94)
    assert h == pytest.approx(11.2, abs=0.01)
    assert half_life_lambda(h) == pytest.approx(0.94, rel=1e-12)


def test_ewma_vol_now_of_hourly_candles_with_a_known_volatility() -> None:
    # 60 days of hourly GBM at 80% a year: the 3-day EWMA sees about 80%
    rng = np.random.default_rng(3)
    n = 24 * 60
    sd = 0.8 / math.sqrt(365 * 24)
    idx = pd.date_range("2024-01-01", periods=n + 1, freq="1h", tz="UTC")
    closes = pd.Series(100 * np.exp(np.concatenate([[0], np.cumsum(rng.normal(0, sd, n))])), idx)
    # 3-day half-life: about 72 * 2 / ln 2 effective returns, relative error ~ 1/sqrt(104)
    assert ewma_vol_annual(closes) == pytest.approx(0.8, rel=0.2)
    df = pd.DataFrame({"open": closes, "close": closes})
    assert ewma_vol_annual(df) == ewma_vol_annual(closes)


def test_annualize_hourly_variance() -> None:
    assert float(annualize_vol(0.01**2, 1 / 24)) == pytest.approx(0.01 * math.sqrt(8760))


def sp500_returns() -> pd.Series:
    sp500 = pytest.importorskip("arch.data.sp500")
    return sp500.load()["Adj Close"].pct_change().dropna()


def test_garch_matches_the_arch_documentation_sp500_fit() -> None:
    # Published in arch's "ARCH Modeling" guide (bashtage/arch, examples/
    # univariate_volatility_modeling.ipynb, "Constant Mean - GARCH Model Results"): S&P 500
    # daily returns in percent 1999-2018, mu 0.0564, omega 0.0175, alpha[1] 0.1022,
    # beta[1] 0.8852. Our wrapper takes fractions, so omega is 0.0175e-4 and mu 0.0564e-2.
    fit = fit_garch(sp500_returns().to_numpy(), 1.0, mean="constant")
    assert fit.mu == pytest.approx(0.0564e-2, abs=0.00005e-2)
    assert fit.omega == pytest.approx(0.0175e-4, abs=0.00005e-4)
    assert fit.alpha == pytest.approx(0.1022, abs=0.00005)
    assert fit.beta == pytest.approx(0.8852, abs=0.00005)


def test_filter_equals_arch_conditional_volatility() -> None:
    from arch import arch_model

    r = sp500_returns().to_numpy()[:2000] * 100
    res = arch_model(r, mean="Zero").fit(disp="off")
    p = res.params
    sig2 = np.asarray(res.conditional_volatility) ** 2
    ours = garch_variance(r, p["omega"], p["alpha[1]"], p["beta[1]"], init_variance=sig2[0])
    np.testing.assert_allclose(ours[: r.size], sig2, rtol=1e-10)


def test_garch_recovers_the_parameters_of_a_simulated_series() -> None:
    rng = np.random.default_rng(7)
    omega, alpha, beta = 2e-6, 0.08, 0.9
    n = 20_000
    s2 = omega / (1 - alpha - beta)
    r = np.empty(n)
    for t in range(n):
        r[t] = math.sqrt(s2) * rng.standard_normal()
        s2 = omega + alpha * r[t] ** 2 + beta * s2
    fit = fit_garch(r, 1 / 24)
    assert fit.alpha == pytest.approx(alpha, abs=0.015)
    assert fit.beta == pytest.approx(beta, abs=0.02)
    assert fit.long_run_variance == pytest.approx(omega / (1 - alpha - beta), rel=0.15)
    # the next-interval forecast is the recursion one step past the last return
    v = fit.filter(r, init_variance=fit.long_run_variance)
    assert v.shape == (n + 1,)


def test_horizon_variance_is_the_sum_of_k_step_forecasts() -> None:
    omega, alpha, beta, s1 = 1e-6, 0.1, 0.85, 4e-5
    v = omega / (1 - alpha - beta)
    by_terms = sum(v + (alpha + beta) ** (k - 1) * (s1 - v) for k in range(1, 25))
    assert garch_horizon_variance(s1, 24, omega, alpha, beta) == pytest.approx(by_terms)
    assert garch_horizon_variance(s1, 24, omega, 0.1, 0.9) == pytest.approx(24 * s1)


def test_bad_input_names_the_parameter() -> None:
    with pytest.raises(ValueError, match="half_life_intervals"):
        ewma_variance([0.1, 0.2], 0.0)
    with pytest.raises(ValueError, match="returns has 5 values"):
        fit_garch([0.01] * 5, 1.0)
    with pytest.raises(ValueError, match="mean="):
        fit_garch([0.01] * 50, 1.0, mean="ar")


# --- vol_now: "volatility now" from candles ---------------------------------------------------
def _daily_closes(r: list[float]) -> pd.Series:
    idx = pd.date_range("2024-01-01", periods=len(r) + 1, freq="1D", tz="UTC")
    return pd.Series(100 * np.exp(np.concatenate([[0.0], np.cumsum(r)])), index=idx)


def test_vol_now_ewma_by_hand_on_daily_closes() -> None:
    from risk.conditional_vol import vol_now

    # half-life 1 day on daily returns: lam = 0.5, start = mean square of the first 3 returns
    r = [0.02, -0.01, 0.03, 0.0, -0.04]
    s = (0.02**2 + 0.01**2 + 0.03**2) / 3
    for x in r:
        s = 0.5 * s + 0.5 * x * x
    est = vol_now(_daily_closes(r), "ewma", half_life_days=1.0)
    assert est.vol_annual == pytest.approx(math.sqrt(s * 365), rel=1e-9)
    assert est.n_returns == 5 and est.interval_days == pytest.approx(1.0)
    assert "EWMA (half-life 1 day) of 5 1d returns, 2024-01-01 00:00 to 2024-01-06" in (
        est.describe()
    )


def _hourly_gbm(n_returns: int, vol: float = 0.8, seed: int = 5) -> pd.Series:
    rng = np.random.default_rng(seed)
    sd = vol / math.sqrt(365 * 24)
    idx = pd.date_range("2024-01-01", periods=n_returns + 1, freq="1h", tz="UTC")
    x = np.concatenate([[0.0], np.cumsum(rng.normal(0, sd, n_returns))])
    return pd.Series(100 * np.exp(x), index=idx)


def test_vol_now_refuses_files_too_short_for_the_estimator() -> None:
    from risk.conditional_vol import vol_now

    # EWMA, 3-day half-life on hourly candles: 3 half-lives = 216 returns
    assert vol_now(_hourly_gbm(216), "ewma").n_returns == 216
    with pytest.raises(ValueError, match=r"candles have 215 returns .*at least 216 for EWMA"):
        vol_now(_hourly_gbm(215), "ewma")
    # a 1-day half-life needs only 72
    assert vol_now(_hourly_gbm(72), "ewma", half_life_days=1.0).n_returns == 72
    # GARCH(1,1): 250 returns
    with pytest.raises(ValueError, match=r"candles have 249 returns .*at least 250 for a GARCH"):
        vol_now(_hourly_gbm(249), "garch")
    with pytest.raises(ValueError, match="method='vol'"):
        vol_now(_hourly_gbm(300), "vol")


def test_vol_now_garch_is_archs_own_forecast() -> None:
    from arch import arch_model

    from risk.conditional_vol import vol_now

    # a clustered series (GARCH alpha .1, beta .85): arch's forecast of the next hour and its
    # mean over the next 24 hours, annualized, independently of our recursion
    rng = np.random.default_rng(9)
    n, s2 = 3000, 1e-4
    r = np.empty(n)
    for t in range(n):
        r[t] = math.sqrt(s2) * rng.standard_normal()
        s2 = 5e-6 + 0.1 * r[t] ** 2 + 0.85 * s2
    idx = pd.date_range("2024-01-01", periods=n + 1, freq="1h", tz="UTC")
    closes = pd.Series(100 * np.exp(np.concatenate([[0.0], np.cumsum(r)])), index=idx)
    res = arch_model(np.diff(np.log(closes.to_numpy())) * 100, mean="Zero").fit(disp="off")
    var = res.forecast(horizon=24).variance.to_numpy()[-1] / 1e4  # fraction^2 per hour
    est = vol_now(closes, "garch")
    assert est.vol_annual == pytest.approx(math.sqrt(var[0] * 24 * 365), rel=1e-4)
    day = vol_now(closes, "garch", horizon_days=1.0)
    assert day.vol_annual == pytest.approx(math.sqrt(var.mean() * 24 * 365), rel=1e-4)
    assert "GARCH(1,1) of 3,000 1h returns" in day.describe()
    assert "mean forecast over 1 day;" in day.describe()
