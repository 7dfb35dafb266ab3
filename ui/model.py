"""Chart data for the pages: calls into ``risk/`` and arranges the results as arrays.

No formula lives here beyond the definitions the scenario already uses (notional = margin x
leverage when the position is sized by margin, the naive rule of thumb ``1 / leverage``); every
price, margin and distance comes from ``risk/``. Kept free of Streamlit so tests and benchmarks can
call it directly.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

import numpy as np

from risk import Position, Venue, bankruptcy_price, distance_frac, liquidation_price
from risk.account import AccountState, Holding
from risk.liquidation import check_position, maintenance_margin
from risk.margin import fee, open_fee
from risk.odds import liquidation_barriers
from ui import text, words
from ui.scenario import LEVERAGE_CAP, Scenario


def leverage_grid(lo: float = 1.0, hi: float = LEVERAGE_CAP, n: int = 241) -> np.ndarray:
    """Log-spaced leverages from ``lo`` to ``hi`` plus every whole leverage, sorted and unique."""
    whole = np.arange(np.ceil(lo), np.floor(hi) + 1)
    return np.unique(np.concatenate([np.geomspace(lo, hi, n), whole]))


@dataclass(frozen=True)
class LiquidationCurve:
    """Liquidation distance versus leverage for one scenario.

    ``exact_frac`` is NaN where the exchange does not allow the leverage for the notional it
    implies (the tier's maximum) or where the formula gives no liquidation price.
    """

    leverage: np.ndarray
    exact_frac: np.ndarray
    naive_frac: np.ndarray
    allowed: np.ndarray
    notional: np.ndarray

    @property
    def max_allowed_leverage(self) -> float:
        """Highest leverage on the grid the exchange allows for this scenario (NaN: none)."""
        lev = self.leverage[self.allowed]
        return float(lev.max()) if lev.size else float("nan")


def liquidation_curve(
    scenario: Scenario, venue: Venue, leverage: np.ndarray | None = None
) -> LiquidationCurve:
    """Exchange-exact and naive liquidation distance over a leverage grid.

    Sized by margin, the margin stays fixed and the notional grows with the leverage (so the tier
    can change along the curve); sized by quantity, the notional stays fixed and the margin
    shrinks. Leverages above the tier maximum for their notional are masked.
    """
    lev = leverage_grid() if leverage is None else np.asarray(leverage, dtype=float)
    entry = scenario.entry_price
    if scenario.size_by == "margin":
        qty = scenario.margin * lev / entry
    else:
        qty = np.full_like(lev, scenario.quantity)
    notional = qty * entry
    table = venue.table
    allowed = notional < table.max_notional
    max_lev = np.full_like(lev, np.nan)
    max_lev[allowed] = table.max_leverage(notional[allowed])
    allowed &= lev <= max_lev * (1 + 1e-12)
    exact = np.full_like(lev, np.nan)
    if allowed.any():
        pos = Position(scenario.side, entry, qty[allowed], leverage=lev[allowed])
        # Keep only leverages whose initial margin covers the maintenance margin at entry.
        mm = np.asarray(maintenance_margin(pos, venue, include_trigger_fee=True))
        covered = np.asarray(pos.isolated_margin) > mm
        idx = np.flatnonzero(allowed)
        allowed[idx[~covered]] = False
        if covered.any():
            pos = Position(scenario.side, entry, qty[allowed], leverage=lev[allowed])
            exact[allowed] = distance_frac(liquidation_price(pos, venue), entry)
    return LiquidationCurve(
        leverage=lev,
        exact_frac=exact,
        naive_frac=1.0 / lev,
        allowed=allowed,
        notional=notional,
    )


def leverage_at_distance(curve: LiquidationCurve, distance: float) -> float:
    """Lowest leverage on the curve whose liquidation distance is at or below ``distance``
    (linear interpolation in log-log space); NaN when the curve never gets that close."""
    ok = curve.allowed & np.isfinite(curve.exact_frac)
    lev, d = curve.leverage[ok], curve.exact_frac[ok]
    if lev.size == 0 or d.min() > distance:
        return float("nan")
    if d[0] <= distance:
        return float(lev[0])
    i = int(np.argmax(d <= distance))
    x0, x1 = np.log(lev[i - 1]), np.log(lev[i])
    y0, y1 = np.log(d[i - 1]), np.log(d[i])
    t = (np.log(distance) - y0) / (y1 - y0)
    return float(np.exp(x0 + t * (x1 - x0)))


@dataclass(frozen=True)
class Level:
    """One rung of the price ladder."""

    name: str
    price: float
    move_frac: float  # signed move from entry, fraction
    pnl: float  # mark-to-market PnL at the price, quote
    pnl_after_fees: float  # minus the fee to open and the fee to close at the price


def price_levels(position: Position, venue: Venue, stop_price: float | None = None) -> list[Level]:
    """Entry, optional stop, liquidation and bankruptcy prices with the PnL at each, highest
    price first. Levels with no price (NaN) are left out."""
    entry = float(position.ep)
    prices: list[tuple[str, float]] = [("Entry", entry)]
    if stop_price is not None:
        prices.append(("Stop", float(stop_price)))
    prices.append(("Liquidation", float(liquidation_price(position, venue))))
    prices.append(("Bankruptcy", float(bankruptcy_price(position))))
    out = []
    opening = float(open_fee(position, venue.taker_fee))
    for name, p in prices:
        if not np.isfinite(p):
            continue
        pnl = float(position.pnl(p))
        closing = float(fee(position, p, venue.taker_fee))
        out.append(Level(name, p, (p - entry) / entry, pnl, pnl - opening - closing))
    return sorted(out, key=lambda lv: -lv.price)


def tier_changes(
    scenario: Scenario, venue: Venue, hi: float = LEVERAGE_CAP
) -> list[tuple[float, str]]:
    """Leverages at which a margin-sized position's notional (margin x leverage) enters the next
    tier, with a label; empty when sized by quantity (the notional does not move with leverage)."""
    if scenario.size_by != "margin":
        return []
    out = []
    for i, t in enumerate(venue.table.tiers[1:], start=2):
        at = t.floor / scenario.margin
        if 1.0 < at <= hi:
            out.append(
                (
                    float(at),
                    f"Tier {i} from {at:.0f}x: notional ≥ {t.floor:,.0f}, maintenance rate "
                    f"{t.mmr:.2%}, maximum {t.max_leverage:g}x",
                )
            )
    return out


def naive_distance_frac(leverage: float) -> float:
    """The rule of thumb: a position at ``leverage`` survives a ``1 / leverage`` adverse move."""
    return 1.0 / leverage


@dataclass(frozen=True)
class StopCheck:
    """What is wrong with a stop, as sentences (``None`` when nothing is)."""

    error: str | None = None
    warning: str | None = None

    @property
    def usable(self) -> bool:
        return self.error is None


def check_stop(side: str, entry_price: float, stop_price: float, liq_price: float) -> StopCheck:
    """A stop must sit on the losing side of the entry (below for a long, above for a short);
    when the liquidation price comes before it, the stop never fills."""
    long = side == "long"
    if (stop_price >= entry_price) if long else (stop_price <= entry_price):
        return StopCheck(
            error=f"A stop for a {side} must be {'below' if long else 'above'} the entry price "
            f"({entry_price:,.2f}); you typed {stop_price:,.2f}. Move the stop to the other side "
            "of the entry, or clear it."
        )
    beyond = (stop_price <= liq_price) if long else (stop_price >= liq_price)
    if np.isfinite(liq_price) and beyond:
        return StopCheck(
            warning=f"The liquidation price ({liq_price:,.2f}) comes before your stop "
            f"({stop_price:,.2f}): the exchange closes the position first and the stop never "
            "fills. Lower the leverage or move the stop closer to the entry."
        )
    return StopCheck()


def stop_from_frac(side: str, entry_price: float, stop_frac: float) -> float:
    """Stop price ``stop_frac`` away from the entry on the losing side: below for a long
    (``entry * (1 - frac)``), above for a short (``entry * (1 + frac)``)."""
    return entry_price * (1.0 - stop_frac) if side == "long" else entry_price * (1.0 + stop_frac)


def margin_at(notional: float, leverage: float) -> float:
    """Isolated margin of a leverage setting: ``notional / leverage``."""
    return notional / leverage


#: Share of the equity (or margin balance) in use as margin above which the pages warn: one
#: ordinary adverse move then leaves no room (the Margin page's utilization gauge turns red here).
MARGIN_SHARE_WARN = 0.8


def past_liquidation(holding: Holding, isolated_liquidation_price: float) -> bool:
    """Whether the holding's mark is already at or beyond its isolated liquidation price (below
    it for a long, above for a short): a state the exchange would already have closed."""
    lp = float(isolated_liquidation_price)
    if not np.isfinite(lp):
        return False
    return (holding.mark_price - lp) * holding.position.sign <= 0


#: Columns of the positions table on the margin page, in order.
POSITION_COLUMNS = ("symbol", "side", "entry", "mark", "quantity", "leverage", "mode")


def build_holdings(rows: list[dict], scenario: Scenario) -> tuple[list[Holding], list[str]]:
    """Turn table rows into holdings on the scenario's exchange; every bad row becomes one
    message that names the row and what to change (the row is then left out)."""
    holdings: list[Holding] = []
    problems: list[str] = []
    for i, row in enumerate(rows, start=1):
        missing = [c for c in POSITION_COLUMNS if _blank(row.get(c))]
        label = f"Row {i}" + ("" if _blank(row.get("symbol")) else f" ({row['symbol']})")
        if missing:
            problems.append(f"{label}: fill in {', '.join(missing)}.")
            continue
        try:
            sc = replace(scenario, symbol=str(row["symbol"]), leverage=float(row["leverage"]))
            venue = sc.venue()
            pos = Position(
                str(row["side"]),
                float(row["entry"]),
                float(row["quantity"]),
                leverage=float(row["leverage"]),
                margin_mode=str(row["mode"]),
            )
            notional = float(pos.notional)
            if notional < venue.table.max_notional:
                cap = float(venue.table.max_leverage(notional))
                if float(row["leverage"]) > cap + 1e-9:
                    problems.append(
                        f"{label}: leverage {float(row['leverage']):g}x is above the "
                        f"{cap:g}x maximum for a {notional:,.0f} notional. Lower the leverage "
                        "or the quantity."
                    )
                    continue
            if pos.margin_mode not in venue.rules.margin_modes:
                problems.append(
                    f"{label}: {venue.name} publishes a liquidation formula for "
                    f"{' and '.join(venue.rules.margin_modes)} margin only. Set the mode to "
                    f"{venue.rules.margin_modes[0]} or pick another exchange in the sidebar."
                )
                continue
            check_position(pos, venue)
            holding = Holding(str(row["symbol"]), pos, float(row["mark"]), venue)
            if pos.margin_mode == "isolated":
                lp = float(liquidation_price(pos, venue))
                if past_liquidation(holding, lp):
                    problems.append(
                        f"{label}: the mark {float(row['mark']):,.2f} is already past this "
                        f"isolated position's liquidation price ({lp:,.2f}): the exchange would "
                        "have closed it. Move the mark back toward the entry or lower the "
                        "leverage."
                    )
                    continue
            holdings.append(holding)
        except ValueError as exc:
            problems.append(f"{label}: {words.phrase(exc)}.")
    return holdings, problems


def _blank(x: object) -> bool:
    if x is None:
        return True
    if isinstance(x, float) and not np.isfinite(x):
        return True
    return isinstance(x, str) and not x.strip()


def posted_margin(holdings: list[Holding]) -> float:
    """Margin the positions take from the wallet (each position's margin, summed)."""
    return float(sum(float(h.position.isolated_margin) for h in holdings))


def unposted_wallet(wallet_balance: float, holdings: list[Holding]) -> float:
    """Wallet not yet posted as margin (never negative): what can still be added to a position."""
    return max(0.0, wallet_balance - posted_margin(holdings))


def available_margin(state: AccountState) -> float:
    """Margin balance not tied up as initial margin (negative when over-committed)."""
    return state.margin_balance - state.initial_margin


def funding_days_grid(days: float, interval_hours: float, max_points: int = 2000) -> np.ndarray:
    """Days from 0 to ``days`` at every funding time (so the step curve has its exact corners),
    thinned to at most ``max_points`` points."""
    step = interval_hours / 24.0
    n = int(np.floor(days / step + 1e-9))
    grid = np.arange(n + 1) * step
    if grid.size > max_points:
        grid = grid[:: int(np.ceil(grid.size / max_points))]
    if grid[-1] < days:
        grid = np.append(grid, days)
    return grid


def first_missing_day(days: np.ndarray, liquidation_price: np.ndarray) -> float:
    """First day on the grid where the liquidation-price path has no price (funding has eaten the
    margin down to the maintenance margin); ``inf`` when it never happens."""
    gone = np.isnan(np.asarray(liquidation_price, dtype=float)) & (np.asarray(days) > 0)
    return float(np.asarray(days)[np.argmax(gone)]) if gone.any() else float("inf")


# --- "Why 50x is fragile" lesson ------------------------------------------------------------
def odds_leverage_grid(mmr: float, hi: float = LEVERAGE_CAP, n: int = 41) -> np.ndarray:
    """Leverages for the odds charts: :func:`leverage_grid` from 1x to ``hi`` (every whole
    leverage plus ``n`` log-spaced points), keeping only those below ``1 / mmr``. At or above it
    the initial margin ``1 / leverage`` does not cover the maintenance rate at entry, and
    :func:`risk.odds.liquidation_barriers` refuses the leverage."""
    grid = leverage_grid(1.0, hi, n)
    return grid[grid < 1.0 / mmr] if mmr > 0 else grid


@functools.lru_cache(maxsize=512)
def liquidation_ratio(side: str, leverage: float, mmr: float) -> float:
    """LP/EP of one ``leverage`` at the maintenance rate ``mmr``:
    :func:`risk.odds.liquidation_barriers` for a single leverage (``ValueError`` for what it
    refuses), kept for the few the lesson asks for on every rerun (0.7 ms a call otherwise)."""
    ratio, _ = liquidation_barriers(side, float(leverage), float(mmr))
    return float(ratio[0])


def at_leverage(
    grid: np.ndarray, values: np.ndarray, leverage: float | np.ndarray
) -> float | np.ndarray:
    """``values`` (one per leverage of the sorted ``grid``) read at ``leverage``: exactly the
    grid's value at a grid point, linear in log leverage between points, NaN outside the grid."""
    g = np.log(np.asarray(grid, dtype=float))
    x = np.log(np.asarray(leverage, dtype=float))
    out = np.interp(x, g, np.asarray(values, dtype=float), left=np.nan, right=np.nan)
    return float(out) if np.ndim(out) == 0 else out


def moves_in_distance(distance_frac: float, move_frac: float) -> float:
    """How many typical moves fit into the distance to liquidation: ``distance / move`` (both
    fractions of the price; 0.016 / 0.028 = 0.57, the room is about half an ordinary day)."""
    return distance_frac / move_frac


def one_in(p: float, most: float = 36_500.0) -> int | None:
    """``p`` as "about 1 in N": ``N = round(1 / p)``, at least 1. ``None`` when ``p`` is 0 or
    ``1 / p`` exceeds ``most`` (by default 100 years of days: "practically never")."""
    if not p > 0 or 1.0 / p > most:
        return None
    return max(1, round(1.0 / p))


@dataclass(frozen=True)
class GuessCheck:
    """A guess of a probability against the model's answer (fractions).

    ``verdict`` is ``"about right"`` when the guess is within ``max(abs_tol, rel_tol * answer)``
    of the answer, else ``"too low"`` or ``"too high"``; ``diff_frac = answer - guess``;
    ``ratio = answer / guess`` (``inf`` for a guess of 0).
    """

    verdict: str
    diff_frac: float
    ratio: float


def check_guess(
    guess_frac: float, answer_frac: float, abs_tol: float = 0.02, rel_tol: float = 0.2
) -> GuessCheck:
    """Compare a student's guess with the answer (see :class:`GuessCheck`)."""
    diff = answer_frac - guess_frac
    ratio = answer_frac / guess_frac if guess_frac > 0 else float("inf")
    if abs(diff) <= max(abs_tol, rel_tol * answer_frac):
        return GuessCheck("about right", diff, ratio)
    return GuessCheck("too low" if diff > 0 else "too high", diff, ratio)


@dataclass(frozen=True)
class Verdict:
    """One answer to "can I take this trade like this?": ``level`` is ``"error"``,
    ``"warning"`` or ``"success"``, ``message`` the sentence that says why and what to change."""

    level: str
    message: str


def sizing_verdict(
    *,
    settable: int | None,
    margin_at_settable: float,
    equity: float,
    sidebar_leverage: float,
    sidebar_problem: str | None,
    liquidation_before_stop: bool,
    inside_buffer: bool,
    margin_at_sidebar: float,
    lp_sidebar: float,
    stop_price: float,
    buffer_pct: float,
    quote: str,
    share_warn: float = MARGIN_SHARE_WARN,
) -> Verdict:
    """The Size-from-risk page's single verdict: the first problem in the order a trader must
    fix them (no leverage works; the size needs more margin than the equity at the highest
    leverage; the sidebar's leverage liquidates before the stop, or inside the buffer, or needs
    more margin than the equity, or ties up more than ``share_warn`` of it), else that the
    sidebar's leverage is safe. Never a green and a red for the same trade."""
    if settable is None:
        return Verdict(
            "error",
            "No leverage the exchange lets you set keeps the liquidation price beyond this stop "
            "with the buffer. Move the stop closer to the entry or lower the buffer.",
        )
    if margin_at_settable > equity:
        return Verdict(
            "error",
            f"Even at {settable}x this position needs {text.money(margin_at_settable, quote)} of "
            f"margin, more than the equity ({text.money(equity, quote)}). Widen the stop or lower "
            "the risk per trade.",
        )
    lev = text.lev(sidebar_leverage)
    use = f"Use {settable}x or less."
    if sidebar_problem:
        return Verdict(
            "warning", f"The sidebar's leverage ({lev}) cannot hold this size: {sidebar_problem}."
        )
    if liquidation_before_stop:
        return Verdict(
            "warning",
            f"At the sidebar's leverage ({lev}) the liquidation price ({text.price(lp_sidebar)}) "
            f"comes before the stop ({text.price(stop_price)}): the exchange would close this "
            f"trade first. {use}",
        )
    if inside_buffer:
        return Verdict(
            "warning",
            f"At the sidebar's leverage ({lev}) the liquidation price ({text.price(lp_sidebar)}) "
            f"sits inside the {buffer_pct:g}% safety buffer of the stop. {use}",
        )
    share = margin_at_sidebar / equity
    if margin_at_sidebar > equity:
        return Verdict(
            "error",
            f"At the sidebar's leverage ({lev}) this size needs "
            f"{text.money(margin_at_sidebar, quote)} of margin, more than the equity "
            f"({text.money(equity, quote)}). Raise the leverage (up to {settable}x), widen the "
            "stop or lower the risk per trade.",
        )
    if share > share_warn:
        return Verdict(
            "warning",
            f"At the sidebar's leverage ({lev}) the margin "
            f"({text.money(margin_at_sidebar, quote)}) is {text.pct(share, 0)} of the equity, "
            f"above {text.pct(share_warn, 0)}: one "
            "ordinary adverse move on another position leaves no room. Widen the stop or lower "
            "the risk per trade.",
        )
    return Verdict(
        "success",
        f"The sidebar's leverage ({lev}) is safe for this stop: liquidation at "
        f"{text.price(lp_sidebar)}, margin {text.money(margin_at_sidebar, quote)} "
        f"({text.pct(share, 0)} of the equity).",
    )


def shared_price_range(
    prices: np.ndarray, liquidation_prices: np.ndarray, entry_price: float, pad_frac: float = 0.05
) -> list[float]:
    """``[low, high]`` of a y-axis that holds every sample price, every liquidation line and the
    entry, padded by ``pad_frac`` of the span: one axis for the 5x and the 50x chart."""
    values = np.concatenate(
        [np.ravel(np.asarray(prices, dtype=float)), np.ravel(liquidation_prices), [entry_price]]
    )
    values = values[np.isfinite(values)]
    lo, hi = float(values.min()), float(values.max())
    pad = (hi - lo) * pad_frac or abs(hi) * pad_frac
    return [lo - pad, hi + pad]


def with_y_range(fig, y_range: list[float]):
    """A copy of the (possibly cached and shared) figure ``fig`` with its y-axis fixed to
    ``y_range``; the cached figure itself is left as it was (the presentation mode's 5x and
    50x path charts share one axis this way)."""
    import plotly.graph_objects as go

    return go.Figure(fig).update_yaxes(range=y_range, autorange=False)


def flat_rate_for_liquidation(side: str, leverage: float, liquidation_ratio: float) -> float:
    """The flat maintenance rate ``m`` whose simple isolated liquidation price (initial margin
    ``1 / leverage``, no maintenance amount, no fee) lands on ``liquidation_ratio`` (the exact
    liquidation price / entry), so a simulation with one flat rate liquidates where the exchange
    does: long ``r = (1 - 1/L) / (1 - m)`` gives ``m = 1 - (1 - 1/L) / r``; short
    ``r = (1 + 1/L) / (1 + m)`` gives ``m = (1 + 1/L) / r - 1``. NaN when ``r`` is not positive
    and finite."""
    r = float(liquidation_ratio)
    if not (r > 0 and np.isfinite(r)):
        return float("nan")
    inv = 1.0 / float(leverage)
    return 1.0 - (1.0 - inv) / r if side == "long" else (1.0 + inv) / r - 1.0
