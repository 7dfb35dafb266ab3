"""Fixed stop and target versus a trailing stop (and a partial take-profit), on the SAME paths.

One isolated position (side, leverage, maintenance rate) and three exit rules:

- ``fixed``: a stop ``stop_frac`` below the entry (long; above for a short) and a target
  ``target_frac`` above it; whichever comes first closes everything.
- ``trailing``: a stop ``trail_frac`` below the best price seen so far (long; above the lowest
  for a short). It only ever moves in the trade's favour; no target.
- ``partial``: the fixed stop until the target; at the target ``partial_share`` of the position
  is closed, the rest trails at ``trail_frac`` from the best price (never looser than the fixed
  stop).

Anything still open at the horizon is closed at the last price.

Fills, gaps and liquidation
---------------------------
Prices are observed at fixed steps (default 5 minutes): the trailing stop follows the best price
at those steps and the rules are checked there. Within a step the log price moves by a Brownian
increment (continuous: it passes through every level on the way) and then, with a jump model, by
a jump (a gap: it skips the levels in between). Each step therefore gives two observations, the
price before the jump and after it. When a rule's level is crossed:

- by the continuous part, the stop order fills at its level; if the liquidation price lies
  between the entry and the stop (a stop beyond the liquidation price), the position is
  liquidated instead, since the price reached it first;
- by a gap, a stop fills at the gapped price (slippage), unless the gap also crossed the
  liquidation price: the position is liquidated before the stop could act and the whole margin
  is lost (ROI -1; Binance's liquidation FAQ: the remaining margin goes to the insurance fund);
- a target is a resting limit order: it fills at the target.

ROI is on the margin: closing a share ``q`` at price ``P`` adds ``q * L * s * (P/EP - 1)``
(``L`` the leverage, ``s`` +1 long / -1 short); a liquidation adds ``-q``. No fees or funding.
The liquidation price is :func:`risk.liquidation.liquidation_price` for an isolated position
with the leverage's initial margin and one flat maintenance rate ("generic" venue).

Price model: log price ``x(t) = drift t + vol W(t) + sum of jumps``, jumps arriving as a Poisson
process (``jumps_per_year``) with normal log sizes (``jump_mean``, ``jump_std``): Merton (1976),
"Option pricing when underlying stock returns are discontinuous", J. Financial Economics 3.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from risk._validate import check_choice, check_positive, check_range
from risk.liquidation import liquidation_price
from risk.positions import SIDES, Position
from risk.venues import get_venue
from risk.volatility import DAYS_PER_YEAR

RULES = ("fixed", "trailing", "partial")
#: Exit reasons, as codes in :attr:`RuleOutcome.reason`.
REASONS = ("horizon", "stop", "target", "liquidated")
HORIZON, STOP, TARGET, LIQUIDATED = range(4)
MAX_PATHS = 100_000
MAX_STEPS = 20_000
MAX_HORIZON_DAYS = 90.0
MAX_LEVERAGE = 200.0
_BLOCK_PATHS = 2_000
#: Observations per span of :attr:`ExitPaths.span_min` (24 spans for a day of 5-minute steps).
_SPAN = 24


@dataclass(frozen=True)
class ExitRules:
    """Distances as fractions of the entry price (0.02 = 2%); ``partial_share`` a fraction of
    the position. ``winner_frac`` (default: ``stop_frac``, "1R") is the paper gain that makes a
    trade count as a winner for :attr:`RuleOutcome.winners_kept`."""

    stop_frac: float
    target_frac: float
    trail_frac: float
    partial_share: float = 0.5
    winner_frac: float | None = None

    def __post_init__(self) -> None:
        check_range("stop_frac", self.stop_frac, 0.0, 0.99, lo_open=True)
        check_range("target_frac", self.target_frac, 0.0, 10.0, lo_open=True)
        check_range("trail_frac", self.trail_frac, 0.0, 0.99, lo_open=True)
        check_range("partial_share", self.partial_share, 0.0, 1.0)
        if self.winner_frac is not None:
            check_range("winner_frac", self.winner_frac, 0.0, 10.0, lo_open=True)

    @property
    def winner(self) -> float:
        return self.stop_frac if self.winner_frac is None else float(self.winner_frac)


@dataclass(frozen=True)
class PriceModel:
    """Annualized volatility and drift of the log price; jumps per year with normal log sizes
    (mean ``jump_mean``, standard deviation ``jump_std``; e.g. -0.05 and 0.03 for gaps of about
    -5%). ``jumps_per_year=0`` is plain geometric Brownian motion."""

    vol_annual: float
    drift_annual: float = 0.0
    jumps_per_year: float = 0.0
    jump_mean: float = 0.0
    jump_std: float = 0.0

    def __post_init__(self) -> None:
        check_range("vol_annual", self.vol_annual, 0.0, 20.0)
        check_range("drift_annual", self.drift_annual, -10.0, 10.0)
        check_range("jumps_per_year", self.jumps_per_year, 0.0, 10_000.0)
        check_range("jump_mean", self.jump_mean, -2.0, 2.0)
        check_range("jump_std", self.jump_std, 0.0, 2.0)
        if self.vol_annual == 0.0 and self.jumps_per_year == 0.0:
            raise ValueError(
                "vol_annual=0 and jumps_per_year=0; allowed: vol_annual > 0 or jumps (a price "
                "that never moves needs no exit rule)"
            )


@dataclass(frozen=True, eq=False)
class RuleOutcome:
    """One rule's result on every path.

    ``roi`` is the return on the margin (fraction; -1 = the margin is lost); ``exit_index`` the
    observation at which the position was (finally) closed; ``exit_price`` the fill (price units
    of ``entry_price``; the liquidation price when liquidated); ``reason`` a code of
    :data:`REASONS`; ``partial_index`` the observation of the partial take-profit (-1: none;
    only for ``partial``); ``best_gain_frac`` the best paper move in the trade's favour while it
    was open (fraction of the entry); ``gap_exit`` whether the exit observation came by a gap.
    """

    rule: str
    roi: np.ndarray
    exit_index: np.ndarray
    exit_price: np.ndarray
    reason: np.ndarray
    partial_index: np.ndarray
    best_gain_frac: np.ndarray
    gap_exit: np.ndarray
    winner_frac: float

    @property
    def mean_roi(self) -> float:
        return float(self.roi.mean())

    @property
    def median_roi(self) -> float:
        return float(np.median(self.roi))

    @property
    def p_profit(self) -> float:
        """Share of paths closed with ROI > 0."""
        return float(np.mean(self.roi > 0))

    @property
    def winners_kept(self) -> float:
        """Of the trades that showed a paper gain of at least ``winner_frac`` while open, the
        share closed with a profit (NaN when there is none)."""
        w = self.best_gain_frac >= self.winner_frac * (1 - 1e-12)
        return float(np.mean(self.roi[w] > 0)) if w.any() else math.nan

    @property
    def p_liquidated(self) -> float:
        """Share of paths liquidated while the rule's stop was in place. With the stop inside
        the liquidation price this only happens when a gap jumps over both."""
        return float(np.mean(self.reason == LIQUIDATED))

    @property
    def p_liquidated_by_gap(self) -> float:
        return float(np.mean((self.reason == LIQUIDATED) & self.gap_exit))

    @property
    def p_stopped(self) -> float:
        return float(np.mean(self.reason == STOP))

    @property
    def p_target(self) -> float:
        """Share of paths that reached the target (``partial``: the partial take-profit)."""
        if self.rule == "partial":
            return float(np.mean(self.partial_index >= 0))
        return float(np.mean(self.reason == TARGET))

    @property
    def p_horizon(self) -> float:
        return float(np.mean(self.reason == HORIZON))

    def summary(self) -> dict[str, float | str]:
        return {
            "rule": self.rule,
            "mean_roi": self.mean_roi,
            "median_roi": self.median_roi,
            "p_profit": self.p_profit,
            "winners_kept": self.winners_kept,
            "p_liquidated": self.p_liquidated,
            "p_liquidated_by_gap": self.p_liquidated_by_gap,
            "p_stopped": self.p_stopped,
            "p_target": self.p_target,
            "p_horizon": self.p_horizon,
        }


def position_liquidation_price(side: str, leverage: float, mmr: float, entry_price: float = 1.0):
    """Liquidation price of an isolated linear position with the leverage's initial margin and
    a flat maintenance rate, via :func:`risk.liquidation.liquidation_price` ("generic" venue).
    NaN when there is none (a long at 1x with no maintenance rate)."""
    check_choice("side", side, SIDES)
    lev = float(check_range("leverage", leverage, 1.0, MAX_LEVERAGE))
    ep = float(check_positive("entry_price", entry_price))
    m = float(check_range("mmr", mmr, 0.0, 0.5, hi_open=True))
    pos = Position(side, entry_price=ep, quantity=1.0, leverage=lev)
    return float(liquidation_price(pos, get_venue("generic", mmr=m)))


def _first(mask: np.ndarray) -> np.ndarray:
    """Index of the first True along the last axis; the length when none."""
    m = mask.shape[-1]
    return np.where(mask.any(axis=-1), np.argmax(mask, axis=-1), m)


def _first_after_entry(mask: np.ndarray) -> np.ndarray:
    """:func:`_first` of ``mask`` over observations 1.. (observation 0 is the entry, where no
    rule acts), as an index into the full row; the row length when none."""
    return _first(mask) + 1


@dataclass(frozen=True, eq=False)
class ExitPaths:
    """Paths made ready for the three rules: everything that depends on the paths, the side and
    the rules but not on the leverage, whose only part in the rules is the liquidation barrier.
    Built by :func:`prepare_exit_paths`; :func:`exits_at_leverage` then costs one search of the
    liquidation barrier per leverage.

    ``log_prices`` and ``gap`` are the given paths (read, never changed); ``best`` the best
    favourable log move so far, ``s * max(s * log_prices)`` up to each observation (in favour
    coordinates ``u = s * log_prices``); ``first_stop``, ``first_target``, ``first_trail`` the
    first observation after the entry that crosses the fixed stop, the target, the trailing stop
    (the row length: never); ``first_rest`` the first crossing of the trailing stop after the
    target was reached (the rest of a partial take-profit).
    """

    log_prices: np.ndarray
    gap: np.ndarray
    side: str
    rules: ExitRules
    best: np.ndarray
    first_stop: np.ndarray
    first_target: np.ndarray
    first_trail: np.ndarray
    first_rest: np.ndarray
    #: Per path and span of ``_SPAN`` observations after the entry (1..24, 25..48, ...; the
    #: last may be shorter), the lowest favourable log move ``min(s * log_prices)`` in it: the
    #: liquidation barrier is first crossed in the first span whose lowest move reaches it, so
    #: :func:`exits_at_leverage` looks at that span's observations only, on the paths that
    #: reach the barrier at all.
    span_min: np.ndarray

    @property
    def sign(self) -> int:
        return SIDES[self.side]

    @property
    def stop_level(self) -> float:
        """The fixed stop in favour coordinates (log, < 0)."""
        s = self.sign
        return s * math.log(1.0 - s * self.rules.stop_frac)

    @property
    def target_level(self) -> float:
        """The target in favour coordinates (log, > 0)."""
        s = self.sign
        return s * math.log(1.0 + s * self.rules.target_frac)

    @property
    def trail_offset(self) -> float:
        """The trailing stop's level minus the best so far, in favour coordinates (log, < 0)."""
        s = self.sign
        return s * math.log(1.0 - s * self.rules.trail_frac)


def prepare_exit_paths(
    log_prices: np.ndarray, gap: np.ndarray | None, side: str, rules: ExitRules
) -> ExitPaths:
    """Validate the paths and find every barrier's first crossing except the liquidation
    price's (see :class:`ExitPaths`; the arguments as for :func:`apply_exit_rules`)."""
    x = np.asarray(log_prices, dtype=float)
    if x.ndim != 2 or x.shape[1] < 2:
        raise ValueError(f"log_prices has shape {x.shape}; allowed: (paths, observations >= 2)")
    if not np.all(np.isfinite(x)):
        raise ValueError("log_prices contains a value that is not finite; allowed: finite numbers")
    if np.any(x[:, 0] != 0.0):
        raise ValueError(
            f"log_prices[:, 0] holds {x[np.flatnonzero(x[:, 0] != 0)[0], 0]:g}; allowed: 0 "
            "(observation 0 is the entry)"
        )
    g = np.zeros(x.shape, dtype=bool) if gap is None else np.asarray(gap, dtype=bool)
    if g.shape != x.shape:
        raise ValueError(f"gap has shape {g.shape}; allowed: {x.shape} like log_prices")
    check_choice("side", side, SIDES)
    s = SIDES[side]
    if s < 0 and rules.target_frac >= 1.0:
        raise ValueError(
            f"target_frac={rules.target_frac:g} is out of range for a short; allowed: "
            "0 < target_frac < 1 (a price cannot fall 100% or more)"
        )
    n, m = x.shape
    best = np.empty((n, m))
    first = {k: np.empty(n, dtype=np.int64) for k in ("stop", "target", "trail", "rest")}
    span_starts = np.arange(0, m - 1, _SPAN)  # into the observations after the entry
    span_min = np.empty((n, span_starts.size))
    shell = ExitPaths(x, g, side, rules, best, *first.values(), span_min)
    u_stop, u_tgt, d_trail = shell.stop_level, shell.target_level, shell.trail_offset
    cols = np.arange(m)
    # in blocks of paths, so that the temporaries stay small for long horizons
    for a in range(0, n, _BLOCK_PATHS):
        b = slice(a, a + _BLOCK_PATHS)
        u = s * x[b]  # favour coordinates: up is profit for both sides
        np.maximum.accumulate(u, axis=1, out=best[b])
        trail_level = best[b] + d_trail
        first["stop"][b] = _first_after_entry(u[:, 1:] <= u_stop)
        first["target"][b] = f_tgt = _first_after_entry(u[:, 1:] >= u_tgt)
        crossed = u <= trail_level
        first["trail"][b] = _first_after_entry(crossed[:, 1:])
        # after the target (rows that never reach it: never)
        crossed &= cols[None, :] > f_tgt[:, None]
        first["rest"][b] = _first(crossed)
        span_min[b] = np.minimum.reduceat(u[:, 1:], span_starts, axis=1)
    return shell


def exits_at_leverage(
    paths: ExitPaths, leverage: float, *, mmr: float = 0.004, entry_price: float = 1.0
) -> dict[str, RuleOutcome]:
    """The three rules' outcomes on prepared paths for one leverage (see the module docstring
    for the fills). A rule's exit is the earliest first crossing of its barriers (liquidation,
    stop, target); only the exit observation is then looked at: which barrier, a gap or not,
    the fill."""
    s = paths.sign
    lev = float(check_range("leverage", leverage, 1.0, MAX_LEVERAGE))
    lp = position_liquidation_price(paths.side, lev, mmr, 1.0)
    ep = float(check_positive("entry_price", entry_price))
    x, g, best, rules = paths.log_prices, paths.gap, paths.best, paths.rules
    u_liq = s * math.log(lp) if math.isfinite(lp) else -math.inf
    u_stop, u_tgt, d_trail = paths.stop_level, paths.target_level, paths.trail_offset
    n, m = x.shape
    rows = np.arange(n)
    # The first observation with s * x <= u_liq: in the first span whose lowest move reaches
    # u_liq (no earlier observation does), on the paths where one does (the others: m); compared
    # as x <= u_liq or x >= -u_liq, negation being exact.
    f_liq = np.full(n, m)
    reach = paths.span_min <= u_liq
    hit = np.flatnonzero(reach.any(axis=1))
    if hit.size:
        start = 1 + _SPAN * np.argmax(reach[hit], axis=1)
        # the last span may be shorter: its columns past the row's end repeat the last
        # observation, which come after it and so never come first
        xs = x[hit[:, None], np.minimum(start[:, None] + np.arange(_SPAN), m - 1)]
        f_liq[hit] = start + np.argmax(xs <= u_liq if s > 0 else xs >= -u_liq, axis=1)

    def roi_of(u_fill: np.ndarray) -> np.ndarray:
        return lev * s * (np.exp(s * u_fill) - 1.0)

    def close(idx: np.ndarray, level_at, target: float | None):
        """The exit at observation ``idx`` (m: none, closed at the horizon); ``level_at(j)`` is
        the stop's level at observation ``j`` of every row. Returns (index, u_fill, reason,
        gap_at_exit)."""
        ended = idx < m
        j = np.minimum(idx, m - 1)
        gj = g[rows, j] & ended
        uj = s * x[rows, j]
        lvl = level_at(j)
        is_tgt = ended & (uj >= target) if target is not None else np.zeros(n, dtype=bool)
        is_liq_obs = ended & (uj <= u_liq) & ~is_tgt
        # A continuous crossing meets the nearer barrier first (the higher one in u).
        liq_first = np.where(gj, is_liq_obs, is_liq_obs & (u_liq >= lvl))
        liq_first &= ~is_tgt
        reason = np.full(n, HORIZON)
        reason[ended] = STOP
        reason[is_tgt] = TARGET
        reason[liq_first] = LIQUIDATED
        u_fill = np.where(ended, np.where(gj, uj, lvl), s * x[:, -1])
        u_fill = np.where(is_tgt, target if target is not None else 0.0, u_fill)
        u_fill = np.where(liq_first, u_liq, u_fill)
        return np.where(ended, idx, m - 1), u_fill, reason, gj

    def outcome(rule: str, idx, u_fill, reason, gj, roi, partial_idx) -> RuleOutcome:
        best_open = best[rows, idx]
        return RuleOutcome(
            rule=rule,
            roi=roi,
            exit_index=idx,
            exit_price=ep * np.exp(s * u_fill),
            reason=reason,
            partial_index=partial_idx,
            best_gain_frac=s * (np.exp(s * best_open) - 1.0),
            gap_exit=gj,
            winner_frac=rules.winner,
        )

    def fixed_level(j: np.ndarray) -> np.ndarray:
        return np.full(n, u_stop)

    def trailing_level(j: np.ndarray) -> np.ndarray:
        return best[rows, j] + d_trail

    def rest_level(j: np.ndarray) -> np.ndarray:
        return np.maximum(best[rows, j] + d_trail, u_stop)

    none = np.full(n, -1)
    out: dict[str, RuleOutcome] = {}
    f_liq_stop = np.minimum(f_liq, paths.first_stop)
    i_f, u_f, r_f, g_f = close(np.minimum(f_liq_stop, paths.first_target), fixed_level, u_tgt)
    roi_f = np.where(r_f == LIQUIDATED, -1.0, roi_of(u_f))
    out["fixed"] = outcome("fixed", i_f, u_f, r_f, g_f, roi_f, none)

    i_t, u_t, r_t, g_t = close(np.minimum(f_liq, paths.first_trail), trailing_level, None)
    roi_t = np.where(r_t == LIQUIDATED, -1.0, roi_of(u_t))
    out["trailing"] = outcome("trailing", i_t, u_t, r_t, g_t, roi_t, none)

    # Partial: phase 1 is the fixed rule; after a target fill at i_f the rest trails, never
    # looser than the fixed stop. Up to i_f neither the liquidation barrier nor the fixed stop
    # was crossed, so their first crossings are also their first after i_f.
    q = rules.partial_share
    hit_tgt = r_f == TARGET
    i_r, u_r, r_r, g_r = close(
        np.where(hit_tgt, np.minimum(f_liq_stop, paths.first_rest), m), rest_level, None
    )
    roi_rest = np.where(r_r == LIQUIDATED, -1.0, roi_of(u_r))
    roi_p = np.where(hit_tgt, q * roi_of(np.full(n, u_tgt)) + (1 - q) * roi_rest, roi_f)
    out["partial"] = outcome(
        "partial",
        np.where(hit_tgt, i_r, i_f),
        np.where(hit_tgt, u_r, u_f),
        np.where(hit_tgt, r_r, r_f),
        np.where(hit_tgt, g_r, g_f),
        roi_p,
        np.where(hit_tgt, i_f, -1),
    )
    return out


def apply_exit_rules(
    log_prices: np.ndarray,
    gap: np.ndarray | None,
    side: str,
    leverage: float,
    rules: ExitRules,
    *,
    mmr: float = 0.004,
    entry_price: float = 1.0,
) -> dict[str, RuleOutcome]:
    """Apply the three rules to given paths.

    ``log_prices``: ``(paths, observations)`` of ``ln(P / entry)``, observation 0 the entry
    (must be 0). ``gap``: same shape, True where an observation was reached by a gap (a jump);
    None = no gaps. See the module docstring for the fills. The same as
    :func:`exits_at_leverage` on :func:`prepare_exit_paths`, which a page that tries many
    leverages on the same paths and rules calls once.
    """
    check_choice("side", side, SIDES)
    check_range("leverage", leverage, 1.0, MAX_LEVERAGE)
    paths = prepare_exit_paths(log_prices, gap, side, rules)
    return exits_at_leverage(paths, leverage, mmr=mmr, entry_price=entry_price)


def simulate_prices(
    model: PriceModel,
    horizon_days: float,
    *,
    paths: int = 5_000,
    step_minutes: float = 5.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log-price paths with gaps: ``(time_hours, log_prices, gap)``.

    ``log_prices`` has shape ``(paths, 2 * steps + 1)``: the entry, then for each step the price
    after the Brownian increment and the price after the step's jumps (the same value when the
    step has none); ``gap`` marks observations reached by a jump. Without jumps the second
    observation of each step is left out: shape ``(paths, steps + 1)``. Jumps per step are
    Poisson with mean ``jumps_per_year * dt``; their total log size given ``k`` jumps is
    ``N(k jump_mean, k jump_std^2)``. Seeded ``numpy.random.default_rng``.
    """
    h = float(check_range("horizon_days", horizon_days, 0.0, MAX_HORIZON_DAYS, lo_open=True))
    sm = float(check_range("step_minutes", step_minutes, 0.1, 1440.0))
    n = _count("paths", paths, 1, MAX_PATHS)
    sd = _count("seed", seed, 0, 2**63 - 1)
    steps = max(1, round(h * 1440.0 / sm))
    if steps > MAX_STEPS:
        raise ValueError(
            f"steps={steps} (horizon_days={h:g} at step_minutes={sm:g}) is out of range; "
            f"allowed: steps <= {MAX_STEPS}"
        )
    jumps = model.jumps_per_year > 0
    per = 2 if jumps else 1
    if n * (per * steps + 1) > 20_000_000:
        raise ValueError(
            f"paths x observations = {n * (per * steps + 1):,} is out of range; allowed: <= "
            "20,000,000 (fewer paths, a longer step or a shorter horizon)"
        )
    dt = h / DAYS_PER_YEAR / steps
    rng = np.random.default_rng(sd)
    diff = model.drift_annual * dt + model.vol_annual * math.sqrt(dt) * rng.standard_normal(
        (n, steps)
    )
    x = np.zeros((n, per * steps + 1))
    gap = np.zeros(x.shape, dtype=bool)
    if jumps:
        count = rng.poisson(model.jumps_per_year * dt, size=(n, steps))
        size = count * model.jump_mean + np.sqrt(count) * model.jump_std * rng.standard_normal(
            (n, steps)
        )
        inc = np.empty((n, 2 * steps))
        inc[:, 0::2] = diff
        inc[:, 1::2] = size
        np.cumsum(inc, axis=1, out=x[:, 1:])
        gap[:, 2::2] = count > 0
        t = np.repeat(np.arange(1, steps + 1), 2) * h * 24.0 / steps
    else:
        np.cumsum(diff, axis=1, out=x[:, 1:])
        t = np.arange(1, steps + 1) * h * 24.0 / steps
    return np.concatenate([[0.0], t]), x, gap


def _count(name: str, value: object, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name}={value!r} is not a whole number; allowed: {lo} <= {name} <= {hi}")
    return int(check_range(name, value, lo, hi))


@dataclass(frozen=True, eq=False)
class ExitComparison:
    """Result of :func:`compare_exit_rules`: each rule's outcome on the same paths, and the
    first ``sample_paths`` paths (prices in ``entry_price`` units) for charts."""

    outcomes: dict[str, RuleOutcome]
    time_hours: np.ndarray
    sample_prices: np.ndarray
    entry_price: float
    liquidation_price: float
    stop_price: float
    target_price: float
    rules: ExitRules
    side: str
    leverage: float
    paths: int

    def summary(self) -> list[dict[str, float | str]]:
        return [o.summary() for o in self.outcomes.values()]


def compare_exit_rules(
    side: str,
    leverage: float,
    rules: ExitRules,
    model: PriceModel,
    horizon_days: float,
    *,
    mmr: float = 0.004,
    entry_price: float = 100.0,
    paths: int = 5_000,
    step_minutes: float = 5.0,
    seed: int = 0,
    sample_paths: int = 0,
) -> ExitComparison:
    """Simulate ``paths`` price paths (:func:`simulate_prices`) and apply the three rules
    (:func:`apply_exit_rules`) to the same paths. ``entry_price`` only scales the prices shown.
    """
    check_choice("side", side, SIDES)
    lev = float(check_range("leverage", leverage, 1.0, MAX_LEVERAGE))
    position_liquidation_price(side, lev, mmr, 1.0)  # validates the margin at entry
    _count("sample_paths", sample_paths, 0, 200)
    prices = simulate_prices(model, horizon_days, paths=paths, step_minutes=step_minutes, seed=seed)
    return compare_on_prices(
        prices, side, lev, rules, mmr=mmr, entry_price=entry_price, sample_paths=sample_paths
    )


def compare_on_prices(
    prices: tuple[np.ndarray, np.ndarray, np.ndarray],
    side: str,
    leverage: float,
    rules: ExitRules,
    *,
    mmr: float = 0.004,
    entry_price: float = 100.0,
    sample_paths: int = 0,
) -> ExitComparison:
    """:func:`compare_exit_rules` on paths already simulated: ``prices`` is what
    :func:`simulate_prices` returned (``(time_hours, log_prices, gap)``; read, never changed).
    The paths do not depend on the position or the rules, so a page can simulate them once and
    try every leverage and rule on the same paths."""
    check_choice("side", side, SIDES)
    lev = float(check_range("leverage", leverage, 1.0, MAX_LEVERAGE))
    position_liquidation_price(side, lev, mmr, 1.0)  # validates the margin at entry
    _count("sample_paths", sample_paths, 0, 200)
    t, x, gap = prices
    return compare_on_prepared(
        t,
        prepare_exit_paths(x, gap, side, rules),
        lev,
        mmr=mmr,
        entry_price=entry_price,
        sample_paths=sample_paths,
    )


def compare_on_prepared(
    time_hours: np.ndarray,
    paths: ExitPaths,
    leverage: float,
    *,
    mmr: float = 0.004,
    entry_price: float = 100.0,
    sample_paths: int = 0,
) -> ExitComparison:
    """:func:`compare_on_prices` on paths prepared for a side and rules
    (:func:`prepare_exit_paths`): what a new leverage costs when the paths and the rules stay
    the same. ``time_hours`` as :func:`simulate_prices` returned it."""
    lev = float(check_range("leverage", leverage, 1.0, MAX_LEVERAGE))
    lp = position_liquidation_price(paths.side, lev, mmr, 1.0)  # validates the margin at entry
    ns = min(_count("sample_paths", sample_paths, 0, 200), paths.log_prices.shape[0])
    outcomes = exits_at_leverage(paths, lev, mmr=mmr, entry_price=entry_price)
    s, rules = paths.sign, paths.rules
    return ExitComparison(
        outcomes=outcomes,
        time_hours=time_hours,
        sample_prices=entry_price * np.exp(paths.log_prices[:ns]),
        entry_price=float(entry_price),
        liquidation_price=entry_price * lp,
        stop_price=entry_price * (1.0 - s * rules.stop_frac),
        target_price=entry_price * (1.0 + s * rules.target_frac),
        rules=rules,
        side=paths.side,
        leverage=lev,
        paths=paths.log_prices.shape[0],
    )
