"""A sequence of trades under different sizing policies: ruin, equity cones, drawdowns.

Each trade wins with probability ``win_rate``, independently of the others. A policy sets what a
trade does to the CURRENT equity ``E`` (everything compounds):

    win:   E <- E * (1 + k * gain_frac)
    loss:  E <- E * (1 - k * loss_frac)

``k`` is 1 for fixed policies. A martingale-like policy ("raise the stake after a loss to win it
back") multiplies ``k`` by ``after_loss_multiplier`` after each loss, capped so that
``k * loss_frac <= max_loss_frac``, and resets it to 1 after a win.

Ruin: the equity falls below ``floor_frac`` times the starting equity. Ruin is absorbing: the
trader stops (a blown account does not trade its way back). Drawdown at a trade is
``1 - E / max(E so far)``; the maximum drawdown of a path is its largest.

Every policy is run on the SAME win/loss sequences (common random numbers), so the differences
between policies are not sampling noise.

Policies (constructors below):

- :func:`fixed_risk_policy`: lose ``risk_frac`` of the equity at the stop, win
  ``reward_to_risk * risk_frac`` (Van Tharp's "percent risk" position sizing; the "rule 1" of
  the project's article: size from the loss you accept).
- :func:`fixed_leverage_policy`: post ``margin_frac`` of the equity as margin at ``leverage``
  with a stop ``stop_frac`` away and a target ``reward_to_risk * stop_frac`` away. A loss costs
  ``margin_frac * leverage * stop_frac``; if the stop lies at or beyond the liquidation price
  (:func:`risk.trailing.position_liquidation_price`) the position is liquidated first and the
  whole posted margin is lost. The win rate is taken as given: in reality a liquidation price
  inside the stop also turns some would-be winners into losses (see the odds engine), so this
  flatters high leverage.
- :func:`martingale_policy`: risk ``base_risk_frac``, multiplied after each loss.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from risk._validate import check_range
from risk.trailing import position_liquidation_price

MAX_TRADES = 2_000
MAX_PATHS = 200_000
MAX_POLICIES = 6
#: Percentiles of the equity cones.
CONE_PERCENTILES = (5.0, 25.0, 50.0, 75.0, 95.0)


@dataclass(frozen=True)
class Policy:
    """Fractions of the current equity: ``loss_frac`` lost on a losing trade, ``gain_frac``
    gained on a winning one (before the martingale factor); see the module docstring."""

    name: str
    loss_frac: float
    gain_frac: float
    after_loss_multiplier: float = 1.0
    max_loss_frac: float = 1.0
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"name={self.name!r} is empty; allowed: a policy name")
        check_range("loss_frac", self.loss_frac, 0.0, 1.0, lo_open=True)
        check_range("gain_frac", self.gain_frac, 0.0, 1_000.0, lo_open=True)
        check_range("after_loss_multiplier", self.after_loss_multiplier, 1.0, 10.0)
        check_range(
            "max_loss_frac",
            self.max_loss_frac,
            self.loss_frac,
            1.0,
            why="between the first trade's loss and the whole account",
        )


def fixed_risk_policy(
    risk_frac: float, reward_to_risk: float, name: str = "Fixed small risk"
) -> Policy:
    """Lose ``risk_frac`` of the equity on a loss, gain ``reward_to_risk * risk_frac`` on a win."""
    f = float(check_range("risk_frac", risk_frac, 0.0, 1.0, lo_open=True))
    r = float(check_range("reward_to_risk", reward_to_risk, 0.0, 100.0, lo_open=True))
    return Policy(name, f, r * f, note=f"risk {f:.1%} of equity per trade")


def fixed_leverage_policy(
    leverage: float,
    margin_frac: float,
    stop_frac: float,
    reward_to_risk: float,
    *,
    mmr: float = 0.004,
    name: str = "Fixed high leverage",
) -> Policy:
    """Post ``margin_frac`` of the equity at ``leverage`` with a stop ``stop_frac`` away.

    Loss: ``margin_frac * leverage * stop_frac``, or the whole ``margin_frac`` when the stop is
    at or beyond the liquidation distance (liquidated before the stop). Win:
    ``margin_frac * leverage * reward_to_risk * stop_frac``.
    """
    lev = float(check_range("leverage", leverage, 1.0, 200.0))
    m = float(check_range("margin_frac", margin_frac, 0.0, 1.0, lo_open=True))
    d = float(check_range("stop_frac", stop_frac, 0.0, 0.99, lo_open=True))
    r = float(check_range("reward_to_risk", reward_to_risk, 0.0, 100.0, lo_open=True))
    lp = position_liquidation_price("long", lev, mmr, 1.0)
    liq_dist = 1.0 - lp if math.isfinite(lp) else math.inf
    liquidated = d >= liq_dist
    loss = m if liquidated else min(m, m * lev * d)
    gain = m * lev * r * d
    note = f"{lev:g}x on {m:.0%} of equity, stop {d:.1%}: " + (
        f"the liquidation price ({liq_dist:.2%} away) comes before the stop, a loss is a "
        "liquidation"
        if liquidated
        else f"a loss costs {loss:.1%} of equity"
    )
    return Policy(name, loss, gain, note=note)


def martingale_policy(
    base_risk_frac: float,
    reward_to_risk: float,
    multiplier: float = 2.0,
    max_risk_frac: float = 1.0,
    name: str = "Raise after a loss",
) -> Policy:
    """Risk ``base_risk_frac``; after each loss multiply the stake by ``multiplier`` (capped at
    ``max_risk_frac`` of the equity at risk), back to the base after a win."""
    f = float(check_range("base_risk_frac", base_risk_frac, 0.0, 1.0, lo_open=True))
    r = float(check_range("reward_to_risk", reward_to_risk, 0.0, 100.0, lo_open=True))
    mult = float(check_range("multiplier", multiplier, 1.0, 10.0))
    cap = float(check_range("max_risk_frac", max_risk_frac, f, 1.0))
    return Policy(
        name,
        f,
        r * f,
        after_loss_multiplier=mult,
        max_loss_frac=cap,
        note=f"risk {f:.1%}, x{mult:g} after each loss (at most {cap:.0%})",
    )


@dataclass(frozen=True, eq=False)
class SequenceResult:
    """One policy over ``paths`` sequences of ``n_trades`` trades.

    ``cones``: ``(len(CONE_PERCENTILES), n_trades + 1)`` equity percentiles after each trade
    (column 0 = the start); ``final_equity`` and ``max_drawdown`` per path; ``ruin_trade`` the
    trade after which the path was ruined (-1: never); ``sample_equity`` the first paths.
    """

    policy: Policy
    p_ruin: float
    stderr_ruin: float
    cones: np.ndarray
    percentiles: tuple[float, ...]
    final_equity: np.ndarray
    max_drawdown: np.ndarray
    ruin_trade: np.ndarray
    sample_equity: np.ndarray
    start_equity: float
    floor_frac: float

    @property
    def median_final(self) -> float:
        return float(np.median(self.final_equity))

    @property
    def p_profit(self) -> float:
        """Share of paths that end above the starting equity."""
        return float(np.mean(self.final_equity > self.start_equity))

    @property
    def median_max_drawdown(self) -> float:
        return float(np.median(self.max_drawdown))


def _count(name: str, value: object, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name}={value!r} is not a whole number; allowed: {lo} <= {name} <= {hi}")
    return int(check_range(name, value, lo, hi))


def equity_paths(
    policy: Policy, wins: np.ndarray, *, start_equity: float = 1.0, floor_frac: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """Equity after each trade for given outcomes: ``(equity, ruin_trade)``.

    ``wins``: ``(paths, n_trades)`` booleans. ``equity`` has shape ``(paths, n_trades + 1)``;
    ``ruin_trade`` is the 1-based trade after which the equity first fell below
    ``floor_frac * start_equity`` (-1: never). After ruin the equity stays where it fell.
    """
    w = np.asarray(wins)
    if w.ndim != 2 or w.dtype != bool:
        raise ValueError(f"wins has shape {w.shape}, dtype {w.dtype}; allowed: 2-d booleans")
    e0 = float(check_range("start_equity", start_equity, 0.0, lo_open=True))
    floor = float(check_range("floor_frac", floor_frac, 0.0, 1.0, lo_open=True, hi_open=True)) * e0
    n, t = w.shape
    eq = np.empty((n, t + 1))
    eq[:, 0] = e0
    k = np.ones(n)
    k_cap = policy.max_loss_frac / policy.loss_frac
    alive = np.ones(n, dtype=bool)
    ruin = np.full(n, -1)
    e = np.full(n, e0)
    for i in range(t):
        win = w[:, i]
        factor = np.where(win, 1.0 + k * policy.gain_frac, 1.0 - k * policy.loss_frac)
        e = np.where(alive, e * factor, e)
        e = np.maximum(e, 0.0)
        newly = alive & (e < floor)
        ruin[newly] = i + 1
        alive &= ~newly
        if policy.after_loss_multiplier != 1.0:
            k = np.where(win, 1.0, np.minimum(k * policy.after_loss_multiplier, k_cap))
        eq[:, i + 1] = e
    return eq, ruin


def max_drawdown(equity: np.ndarray) -> np.ndarray:
    """Largest ``1 - E_t / max_{s <= t} E_s`` of each path (rows), a fraction in [0, 1]."""
    e = np.asarray(equity, dtype=float)
    peak = np.maximum.accumulate(e, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        dd = np.where(peak > 0, 1.0 - e / peak, 0.0)
    return dd.max(axis=-1)


def simulate_sequences(
    policies: Sequence[Policy],
    win_rate: float,
    n_trades: int,
    *,
    paths: int = 10_000,
    start_equity: float = 1_000.0,
    floor_frac: float = 0.5,
    seed: int = 0,
    sample_paths: int = 0,
) -> list[SequenceResult]:
    """Run every policy on the same ``paths`` random win/loss sequences of ``n_trades`` trades.

    ``win_rate`` is the probability that a trade wins; ``floor_frac`` the ruin floor as a
    fraction of ``start_equity``. Seeded ``numpy.random.default_rng``.
    """
    if isinstance(policies, Policy) or not isinstance(policies, Sequence):
        raise ValueError(f"policies={policies!r} is not a list; allowed: a list of Policy")
    if not 1 <= len(policies) <= MAX_POLICIES:
        raise ValueError(f"policies: got {len(policies)}; allowed: 1 to {MAX_POLICIES} policies")
    for p in policies:
        if not isinstance(p, Policy):
            raise ValueError(f"policies contains {p!r}; allowed: Policy items")
    p_win = float(check_range("win_rate", win_rate, 0.0, 1.0))
    t = _count("n_trades", n_trades, 1, MAX_TRADES)
    n = _count("paths", paths, 100, MAX_PATHS)
    sd = _count("seed", seed, 0, 2**63 - 1)
    ns = _count("sample_paths", sample_paths, 0, min(200, n))
    if n * t > 20_000_000:
        raise ValueError(f"paths x n_trades = {n * t:,} is out of range; allowed: <= 20,000,000")
    rng = np.random.default_rng(sd)
    wins = rng.random((n, t)) < p_win
    out = []
    for policy in policies:
        eq, ruin = equity_paths(policy, wins, start_equity=start_equity, floor_frac=floor_frac)
        ruined = ruin > 0
        p = float(ruined.mean())
        out.append(
            SequenceResult(
                policy=policy,
                p_ruin=p,
                stderr_ruin=math.sqrt(p * (1 - p) / n),
                cones=np.percentile(eq, CONE_PERCENTILES, axis=0),
                percentiles=CONE_PERCENTILES,
                final_equity=eq[:, -1].copy(),
                max_drawdown=max_drawdown(eq),
                ruin_trade=ruin,
                sample_equity=eq[:ns].copy(),
                start_equity=float(start_equity),
                floor_frac=float(floor_frac),
            )
        )
    return out
