"""Presentation mode of the "Why 50x is fragile" lesson: one step per screen, for a projector.

Pure functions decide what each step shows, so tests can check them without a browser:

- :func:`presenting` and :func:`parse_step` read the link (``?present=1&step=3``); a step the
  lesson does not have gives step 1 and a sentence naming what was asked for.
- :func:`lesson_facts` turns the page's results (odds per horizon, the volatility, the
  maintenance rate) into the few numbers the steps quote.
- :func:`step_view` is one screen: its title, sentences, big numbers and which chart it draws.
  The guess is asked on :data:`GUESS_STEP`, and no step up to it quotes an odds of liquidation;
  the answer comes on the next step (``reveals_answer``).
- :func:`chart_figures` builds a step's charts from :class:`LessonCharts` with the lesson's own
  builders (``ui.charts_odds``), for the screen and for the printed handout (``ui.handout``).

The page (``pages/why_50x.py``) draws the screen with :func:`render`; the step lives in the
link, so a copied address opens students on the same step.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import numpy as np
import plotly.graph_objects as go

from risk import distance_frac
from risk.odds import OddsResult, SamplePaths, liquidation_barriers
from risk.volatility import hours_to_typical_move, typical_move_frac
from ui import charts_odds as co
from ui import model, text

#: The query parameters of the mode (``ui.notices.PAGE_PARAMS`` leaves them to the page).
PRESENT_PARAM = "present"
STEP_PARAM = "step"
ON_VALUES = frozenset({"1", "true", "yes", "on"})

HIGH = 50.0
LOW = 5.0
ROOM_LEVERAGES = (2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
ANSWER_LEVERAGES = (2.0, 10.0, 50.0)


@dataclass(frozen=True)
class Step:
    """One screen of the lesson: its number (1-based, the one in the link), a short name (file
    names of the handout) and its title."""

    number: int
    name: str
    title: str


STEPS: tuple[Step, ...] = (
    Step(1, "room", "The room shrinks like 1 / leverage"),
    Step(2, "moves", "A normal hour and a normal day"),
    Step(3, "guess", "Guess first"),
    Step(4, "answer", "The answer"),
    Step(5, "odds", "Odds of liquidation: an hour, a day, a week"),
    Step(6, "paths", "The same market at 5x and at 50x"),
    Step(7, "right", "Right about the direction, liquidated anyway"),
    Step(8, "heatmap", "Leverage x volatility"),
    Step(9, "takeaway", "What to remember"),
)
GUESS_STEP = 3
ANSWER_STEP = 4


def presenting(raw: str | None) -> bool:
    """Whether the link's ``present`` value turns the mode on ('1', 'true', 'yes', 'on')."""
    return raw is not None and raw.strip().lower() in ON_VALUES


@dataclass(frozen=True)
class StepChoice:
    """The step to show and, when the link asked for one that does not exist, why not."""

    step: int
    notice: str | None = None


def parse_step(raw: str | None, n_steps: int = len(STEPS)) -> StepChoice:
    """The step a link asks for: ``None`` or '' is step 1; a whole number from 1 to ``n_steps``
    is that step; anything else is step 1 with a notice naming the value and the range."""
    if raw is None or not raw.strip():
        return StepChoice(1)
    s = raw.strip()
    try:
        number = float(s)
    except ValueError:
        number = math.nan
    if math.isfinite(number) and number == int(number) and 1 <= number <= n_steps:
        return StepChoice(int(number))
    shown = s if len(s) <= 20 else s[:17] + "..."
    return StepChoice(
        1,
        text.inert(
            f"The link asks for step={shown}, which this lesson does not have (steps go from 1 "
            f"to {n_steps}): it opens on step 1."
        ),
    )


def step_query(params: Mapping[str, str], step: int) -> dict[str, str]:
    """The link's parameters with the mode on and ``step`` set (everything else kept)."""
    out = {k: v for k, v in params.items() if k not in (PRESENT_PARAM, STEP_PARAM)}
    out[PRESENT_PARAM] = "1"
    out[STEP_PARAM] = str(step)
    return out


def step_link(base_url: str, params: Mapping[str, str], step: int) -> str:
    """The address that opens the lesson on ``step`` with the same settings."""
    return f"{base_url.split('?')[0]}?{urlencode(step_query(params, step))}"


@dataclass(frozen=True)
class LessonFacts:
    """The numbers the steps quote (fractions, not percents).

    ``rooms``: (leverage, 1 / leverage, exact room at ``mmr``) for :data:`ROOM_LEVERAGES` the
    rate allows; ``high_room`` the room at 50x (None: not possible at this rate);
    ``reach_hours`` the hours after which one typical move is as large as that room;
    ``day_odds``: leverage -> P(liquidated within a day) for :data:`ANSWER_LEVERAGES` (missing
    when not computed or not possible); ``horizon_odds_high`` / ``right_high``: at 50x over
    ``horizon``, all liquidations / those of traders right about the direction.
    """

    side: str
    market: str
    vol_annual: float
    model_label: str
    mmr: float
    rooms: tuple[tuple[float, float, float], ...]
    move_1h: float
    move_1d: float
    high_room: float | None
    reach_hours: float | None
    day_odds: Mapping[float, float]
    horizon: str
    horizon_odds_high: float | None
    right_high: float | None


def _allowed(leverages: Sequence[float], mmr: float) -> list[float]:
    return [lev for lev in leverages if mmr <= 0 or lev < 1.0 / mmr]


def _at(result: OddsResult | None, values: np.ndarray | None, lev: float) -> float | None:
    if result is None or values is None or lev not in result.leverage:
        return None
    return float(model.at_leverage(result.leverage, values, lev))


def lesson_facts(
    *,
    side: str,
    market: str,
    vol_annual: float,
    model_label: str,
    mmr: float,
    results: Mapping[str, OddsResult],
    horizon: str = "1 day",
) -> LessonFacts:
    """The steps' numbers from the lesson's odds (``results``: horizon label -> odds over the
    page's leverage grid) and its settings. Rooms: ``1 - LP/EP`` (long) or ``LP/EP - 1``
    (short) with one maintenance rate ``mmr`` (:func:`risk.odds.liquidation_barriers`, the
    barrier the odds use); moves: :func:`risk.volatility.typical_move_frac`."""
    levs = _allowed(ROOM_LEVERAGES, mmr)
    ratios, _ = liquidation_barriers(side, levs, mmr) if levs else (np.array([]), None)
    rooms = tuple(
        (lev, 1.0 / lev, float(distance_frac(r, 1.0))) for lev, r in zip(levs, ratios, strict=True)
    )
    high_room = next((room for lev, _, room in rooms if lev == HIGH), None)
    reach = float(hours_to_typical_move(high_room, vol_annual)) if high_room else None
    day = results.get("1 day")
    day_odds = {}
    for lev in ANSWER_LEVERAGES:
        p = _at(day, day.p_liquidation if day is not None else None, lev)
        if p is not None:
            day_odds[lev] = p
    hr = results.get(horizon)
    return LessonFacts(
        side=side,
        market=market,
        vol_annual=float(vol_annual),
        model_label=model_label,
        mmr=float(mmr),
        rooms=rooms,
        move_1h=float(typical_move_frac(vol_annual, 1 / 24)),
        move_1d=float(typical_move_frac(vol_annual, 1.0)),
        high_room=high_room,
        reach_hours=reach,
        day_odds=day_odds,
        horizon=horizon,
        horizon_odds_high=_at(hr, hr.p_liquidation if hr is not None else None, HIGH),
        right_high=_at(hr, hr.p_right_but_liquidated if hr is not None else None, HIGH),
    )


@dataclass(frozen=True)
class StepView:
    """What one screen shows: ``lines`` are Markdown sentences (``**bold**`` only),
    ``metrics`` (label, value) pairs drawn as big numbers, ``chart`` the kind of chart
    (:func:`chart_figures`) or None. ``asks_guess``: the screen holds the guess box;
    ``reveals_answer``: it quotes the answer to the guess."""

    step: int
    title: str
    lines: tuple[str, ...]
    metrics: tuple[tuple[str, str], ...] = ()
    chart: str | None = None
    asks_guess: bool = False
    reveals_answer: bool = False


def _reach_words(hours: float) -> str:
    return f"{hours:.1f} hours" if hours < 48 else f"{hours / 24:.1f} days"


def guess_question(f: LessonFacts) -> str:
    """The question of the guess step."""
    return (
        f"Out of 100 traders who open a **{text.lev(HIGH)} {f.side}** on {f.market} "
        f"({f.vol_annual:.0%} a year) and hold it for **one day**, how many are liquidated "
        "before the day is out?"
    )


def guess_verdict(guess_frac: float, answer_frac: float) -> str:
    """The sentence that compares a guess with the model's answer (fractions)."""
    check = model.check_guess(guess_frac, answer_frac)
    if check.verdict == "about right":
        return "**About right.** Your intuition matches the model."
    if check.verdict == "too low":
        times = f", {check.ratio:.1f} times your guess" if guess_frac > 0 else ""
        return (
            f"**Too low.** The model says {text.pct(answer_frac, 1)}{times}. Small moves are far "
            "more frequent than large ones, and at this leverage a small move is enough."
        )
    return (
        f"**Too high.** The model says {text.pct(answer_frac, 1)}: high, but not a coin flip "
        "every day."
    )


def how_often(p: float) -> str:
    """'1 day in 12', 'almost every day' or 'practically never'."""
    n = model.one_in(p)
    if n is None:
        return "practically never"
    return "almost every day" if n == 1 else f"1 day in {n:,}"


def step_view(step: int, f: LessonFacts, guess_frac: float | None = None) -> StepView:
    """The screen of ``step`` (1 to ``len(STEPS)``; ``ValueError`` otherwise). ``guess_frac``:
    the class's guess (a fraction), compared with the answer on :data:`ANSWER_STEP`."""
    if not 1 <= step <= len(STEPS):
        raise ValueError(f"step={step!r} is out of range; allowed: 1 to {len(STEPS)}")
    title = f"{step}. {STEPS[step - 1].title}"
    fall = text.adverse_word(f.side)
    no_high = f"{text.lev(HIGH)} is not possible at a maintenance rate of {text.pct(f.mmr)}."
    name = STEPS[step - 1].name
    if name == "room":
        return StepView(
            step,
            title,
            (
                f"A {f.side} is closed by the exchange after a {fall} of about **1 / leverage**. "
                "Double the leverage and the room halves.",
                f"Exactly a little less: the maintenance margin ({text.pct(f.mmr)}) must stay "
                "in the position.",
            ),
            tuple((f"Room at {text.lev(lev)}", text.pct(room, 2)) for lev, _, room in f.rooms),
        )
    if name == "moves":
        lines = ["Prices move every hour, for no reason at all."]
        if f.high_room is not None and f.reach_hours is not None:
            lines.append(
                f"At {text.lev(HIGH)} the whole room is **{text.pct(f.high_room)}**: "
                f"{model.moves_in_distance(f.high_room, f.move_1h):.1f} times an ordinary "
                "hour's move. Moves grow with the square root of time, so an ordinary move is "
                f"that large after about **{_reach_words(f.reach_hours)}**."
            )
            lines.append(
                "One ordinary day's move is bigger than the whole room."
                if f.move_1d >= f.high_room
                else "An ordinary day stays inside it; a few in a row in the same direction do not."
            )
        else:
            lines.append(no_high)
        return StepView(
            step,
            title,
            tuple(lines),
            (
                ("Typical 1-hour move", text.pct(f.move_1h)),
                ("Typical 1-day move", text.pct(f.move_1d)),
                (f"Room at {text.lev(HIGH)}", text.pct(f.high_room)),
            ),
        )
    if name == "guess":
        return StepView(
            step,
            title,
            (
                guess_question(f),
                "Write your guess down. The next step shows the answer.",
            ),
            asks_guess=True,
        )
    if name == "answer":
        answer = f.day_odds.get(HIGH)
        if answer is None:
            return StepView(step, title, (no_high,), reveals_answer=True)
        lines = [
            f"**{text.pct(answer, 1)}** of {text.lev(HIGH)} {f.side}s on {f.market} are "
            f"liquidated within one day: {how_often(answer)}. Model: {f.model_label}."
        ]
        metrics: list[tuple[str, str]] = []
        if guess_frac is not None:
            metrics.append(("Your guess", text.pct(guess_frac, 1)))
            lines.append(guess_verdict(guess_frac, answer))
        metrics += [
            (f"{text.lev(lev)}: liquidated within a day", text.pct(f.day_odds[lev], 1))
            for lev in sorted(f.day_odds, reverse=True)
        ]
        return StepView(step, title, tuple(lines), tuple(metrics), reveals_answer=True)
    if name == "odds":
        return StepView(
            step,
            title,
            (
                "The same market, every leverage. Each line is the share of simulated traders "
                "liquidated within that time.",
                "Risk does not grow in proportion to the leverage: the odds jump once the room "
                "falls below an ordinary move.",
            ),
            chart="odds",
        )
    if name == "paths":
        return StepView(
            step,
            title,
            (
                f"The SAME simulated prices over {f.horizon}, on the same scale. Red: "
                "liquidated, cut where the price reached the liquidation price.",
                "The market did the same thing; only the leverage differs.",
            ),
            chart="paths",
        )
    if name == "right":
        metrics = ()
        if f.horizon_odds_high is not None and f.right_high is not None:
            metrics = (
                (
                    f"{text.lev(HIGH)}, {f.horizon}: all liquidations",
                    text.pct(f.horizon_odds_high, 1),
                ),
                (
                    f"{text.lev(HIGH)}, {f.horizon}: liquidated although right",
                    text.pct(f.right_high, 1),
                ),
            )
        return StepView(
            step,
            title,
            (
                f"A trader can be right (the price ends {f.horizon} in their favour) and still "
                f"lose the whole margin: a {'dip' if f.side == 'long' else 'spike'} on the way "
                "touched the liquidation price first.",
            ),
            metrics,
            chart="right",
        )
    if name == "heatmap":
        return StepView(
            step,
            title,
            (
                "Calm BTC forgives more than a memecoin, but at high leverage every asset is "
                "fragile.",
                f"Same model ({f.model_label}) and horizon ({f.horizon}) in every cell.",
            ),
            chart="heatmap",
        )
    lines = []
    if f.high_room is not None:
        lines.append(
            f"At {text.lev(HIGH)} the room is {text.pct(f.high_room)}; an ordinary day moves "
            f"{text.pct(f.move_1d)}."
        )
    for lev in sorted(f.day_odds, reverse=True):
        lines.append(
            f"{text.lev(lev)}: {text.pct(f.day_odds[lev], 1)} liquidated within a day "
            f"({how_often(f.day_odds[lev])})."
        )
    lines.append(
        "More leverage is not more opportunity: it is a closer liquidation. Size the position "
        "from the loss you accept, and let the leverage follow."
    )
    return StepView(step, title, tuple(lines))


def answer_on_screen(view: StepView, f: LessonFacts) -> bool:
    """Whether ``view`` quotes any of the day's odds (the answer or its neighbours) in its
    sentences or numbers."""
    shown = " ".join(view.lines) + " " + " ".join(v for _, v in view.metrics)
    return any(text.pct(p, d) in shown for p in f.day_odds.values() for d in (1, 2))


@dataclass(frozen=True)
class LessonCharts:
    """What the chart steps draw. ``grid`` and ``odds_by_horizon`` (horizon -> P(liquidation)
    per leverage of the grid); ``horizon`` and its odds (``right``: the horizon's odds result);
    ``paths`` the sample paths (5x and 50x); ``heat``: (leverages, row volatilities,
    P matrix, row labels). A part left None is not drawn."""

    grid: np.ndarray
    odds_by_horizon: Mapping[str, np.ndarray]
    current_leverage: float | None = None
    horizon: str = "1 day"
    right: OddsResult | None = None
    paths: SamplePaths | None = None
    quote: str = "USDT"
    heat: tuple[np.ndarray, np.ndarray, np.ndarray, Sequence[str]] | None = None


BAR_LEVERAGES = (2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
Builder = Callable[..., go.Figure]


def _direct(builder: Builder, *args: object, **kwargs: object) -> go.Figure:
    return builder(*args, **kwargs)


def chart_figures(
    kind: str | None, charts: LessonCharts, build: Callable[..., go.Figure] = _direct
) -> list[go.Figure]:
    """The figures of a chart step (``kind`` from :class:`StepView`), built with ``build``
    (the page passes ``ui.figcache.figure``; default: call the builder). Empty when the data
    for it is missing."""
    if kind == "odds" and charts.odds_by_horizon:
        return [
            build(
                co.odds_vs_leverage_chart,
                charts.grid,
                dict(charts.odds_by_horizon),
                current_leverage=charts.current_leverage,
            )
        ]
    if kind == "paths" and charts.paths is not None:
        sp = charts.paths
        shared_y = model.shared_price_range(sp.prices, sp.liquidation_price, sp.entry_price)
        return [
            model.with_y_range(
                build(
                    co.sample_paths_chart,
                    sp.days,
                    sp.prices,
                    sp.liquidated_at[i],
                    liquidation_price=float(sp.liquidation_price[i]),
                    entry_price=sp.entry_price,
                    leverage=float(sp.leverage[i]),
                    quote=charts.quote,
                ),
                shared_y,
            )
            for i in range(len(sp.leverage))
        ]
    if kind == "right" and charts.right is not None:
        hr = charts.right
        bars = np.asarray([lev for lev in BAR_LEVERAGES if lev in hr.leverage])
        return [
            build(
                co.right_but_liquidated_chart,
                bars,
                model.at_leverage(hr.leverage, hr.p_liquidation, bars),
                model.at_leverage(hr.leverage, hr.p_right_but_liquidated, bars),
                horizon_label=charts.horizon,
            )
        ]
    if kind == "heatmap" and charts.heat is not None:
        lev, vols, p, labels = charts.heat
        return [
            build(
                co.odds_heatmap,
                lev,
                vols,
                p,
                vol_labels=list(labels),
                horizon_label=charts.horizon,
            )
        ]
    return []
