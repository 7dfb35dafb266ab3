"""Why 50x is fragile: the distance to liquidation shrinks like 1 / leverage while the market's
ordinary moves stay the same size. Distances, typical moves, odds by leverage and horizon,
sample paths, "right but liquidated", a leverage x volatility heatmap, a teacher view and a
guess to check one's intuition; four price models, one of them a bootstrap of the user's CSV.

Caching (``ui.lesson_odds``): the odds, the sample paths and the charts built from them are
cached on the price model's parameters (model, volatility, fat-tail and jump settings, the CSV's
SHA-256), the side, the horizon, the maintenance rate and the simulation settings, shared by
every session. The leverage slider, the guess and the teacher toggle only read the cached
results: the odds of every leverage come from one set of paths, and the sidebar's leverage is a
marker added to the cached odds chart.

Reruns: the teacher view (its toggle), the guess (its box and button) and steps 5 to 7 (the
horizon) are fragments (``st.fragment``): their widgets rerun only the fragment, not the page.
The sidebar's leverage slider is drawn by the steps-5-to-7 fragment too (``ui.leverage_scope``):
a move reruns that fragment, which also redraws, in their places further up, what shows the
leverage (the scenario line, an error, step 1's sentence, step 4's marker and odds).
The charts come from ``ui.figcache``: built once per set of inputs and shared, so a rerun that
changes nothing in a chart does not rebuild or re-encode it, and the browser gets a reference.

Presentation mode (``?present=1&step=3``, the "Present this lesson" button): one step per
screen for a projector, drawn by ``ui.lesson_screen`` from ``ui.lesson_present``'s pure step
views, with the same cached results; the sidebar (which then also holds the lesson's settings
widgets, so the link's settings hold) is hidden, and the page stops after the step. Its
handout (``ui.handout``, kaleido + chromium) is the same steps as printable pages.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import streamlit as st

from risk import distance_frac, liquidation_price
from risk.odds import (
    OddsResult,
    liquidation_barriers,
)
from risk.volatility import hours_to_typical_move, typical_move_frac, vol_presets
from ui import charts_odds as co
from ui import (
    figcache,
    glossary,
    handout,
    inputs,
    lesson_screen,
    leverage_scope,
    model,
    notices,
    text,
    words,
)
from ui import format as uifmt
from ui import lesson_history as lh
from ui import lesson_present as lp
from ui.lesson_odds import (
    PATH_LEVERAGES,
    SAMPLE_PATHS,
    Spec,
    build_model,
    heat_chart,
    heat_odds,
    odds_by_horizon,
    odds_chart,
    paths_for,
    read_prices,
    right_chart,
    sample_path_figures,
)
from ui.scenario import (
    EXCHANGE_LABELS,
    LINK_LABELS,
    LINK_RANGES,
    Resolved,
    current_resolved,
    quote_currency,
)
from ui.tables import arrow

VOLS = vol_presets()
CUSTOM = "Custom"
LOW, HIGH = PATH_LEVERAGES  # the lesson's leverage (50x) and its sensible counterpart (5x)
TEACHER_LEVERAGES = (2.0, 10.0, 50.0)
TABLE_LEVERAGES = (2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
BAR_LEVERAGES = (2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
HEAT_LEVERAGES = (2.0, 3.0, 5.0, 10.0, 20.0, 50.0, 100.0, 125.0)
#: label -> (days, simulation steps): a check every minute, every 10 minutes, every hour.
HORIZONS: dict[str, tuple[float, int]] = {
    "1 hour": (1 / 24, 60),
    "1 day": (1.0, 144),
    "1 week": (7.0, 168),
}
STEP_WORDS = {"1 hour": "minute", "1 day": "10 minutes", "1 week": "hour"}
END_WORDS = {"1 hour": "the hour", "1 day": "the day", "1 week": "the week"}
MODELS = {
    lh.DEFAULT_KIND: lh.DEFAULT_LABEL,  # the calibrated model, the default (lesson_history)
    "gbm": "Normal moves (GBM)",
    "student-t": "Fat tails (Student-t)",
    "jump": "Sudden gaps (jumps)",
    "bootstrap": "Your price history (CSV)",
}
MODEL_KINDS = {label: kind for kind, label in MODELS.items()}  # the label is in the page's link
DEFAULT_MMR = 0.004  # Binance's first BTCUSDT tier, when the sidebar's exchange cannot be built
CSV_MAX_MB = 5
SOURCES_KEY = "w50_sources_open"  # True in the session state while step 2's sources are open

st.title("Why 50x is fragile")
# presentation mode (?present=1&step=3): one step per screen, drawn by ui.lesson_screen below
present = lp.presenting(st.query_params.get(lp.PRESENT_PARAM))
present_top = st.container()  # the link's notices on the presentation's first run
if not present:
    st.caption(
        "More leverage is not more opportunity: it is a closer liquidation. The room a position "
        "has shrinks like 1 / leverage, while the market's ordinary moves stay the same size. "
        "Read top to bottom; every number is computed from the model below, nothing is quoted."
    )
    st.button(
        "Present this lesson: one step per screen",
        key="w50_present",
        icon=":material/co_present:",
        on_click=lesson_screen.enter_presentation,
        help="For a projector: large type, no sidebar, the guess before the answer, and a "
        "link that opens students on the same step.",
    )
res = current_resolved()
sc = res.scenario
venue = res.venue
quote = quote_currency(venue)
side = sc.side
fall = text.adverse_word(side)
lev_error = st.container()  # the position at the sidebar's leverage cannot be opened: why
mmr = float(venue.table.tiers[0].mmr) if venue is not None else DEFAULT_MMR
if venue is None:
    mmr_source = "Binance's first BTCUSDT tier (the sidebar's exchange settings do not work)"
elif sc.needs_typed_mmr:
    mmr_source = "the rate typed in the sidebar"
else:
    mmr_source = f"{EXCHANGE_LABELS[sc.exchange]}'s first tier for {venue.table.name}"
try:
    model.liquidation_ratio(side, 1.0, mmr)
except ValueError as exc:
    st.error(
        "The maintenance rate from the sidebar cannot be used for the odds: "
        f"{words.phrase(exc)}. They use "
        f"{text.pct(DEFAULT_MMR)} until you change it.",
        icon=":material/error:",
    )
    mmr, mmr_source = DEFAULT_MMR, "Binance's first BTCUSDT tier (the sidebar's rate fails)"
grid = model.odds_leverage_grid(mmr)
high_ok = HIGH in grid
if not high_ok:
    st.error(
        f"{text.lev(HIGH)} cannot be opened with a maintenance rate of {text.pct(mmr)}: the "
        "margin would not even cover maintenance at entry. Lower the maintenance rate in the "
        f"sidebar to see the {text.lev(HIGH)} figures; the other leverages are below.",
        icon=":material/error:",
    )
NO_HIGH = f"Not shown: {text.lev(HIGH)} is not possible at this maintenance rate (see the top)."

teacher_box = st.container()  # the teacher toggle and view (a fragment, drawn further down)
s1, s2, s3, s4, s567, s8 = (st.container() for _ in range(6))
if present:  # the lesson's settings still come from the link, out of sight with the sidebar
    s2 = s8 = st.sidebar.container()


# --- 2. widgets: the volatility ---------------------------------------------------------------
names = list(VOLS)
default_vol = "ETH" if sc.asset == "ETH" else "BTC typical"
LIVE = "live"
live_vol = sc.live_vol_annual
if live_vol is not None:  # Live on and candles cached: the realized volatility comes first
    names, default_vol = [LIVE, *names], LIVE
    if st.session_state.get("w50_live_as_of") != sc.market_as_of:
        st.session_state["w50_vol"] = LIVE  # fresh live data: start from it (the user may switch)
        st.session_state["w50_live_as_of"] = sc.market_as_of
with s2:
    st.subheader("2. A normal hour and a normal day")
    st.markdown(
        "Prices move every hour, for no reason at all. How big is an ordinary move, next to the "
        f"room a {text.lev(HIGH)} position has?"
    )
    v1, v2 = st.columns([2, 1])
    vol_name = v1.selectbox(
        "Asset (annualized volatility)",
        [*names, lh.VOL_NOW, CUSTOM],
        index=names.index(default_vol),
        format_func=lambda n: f"live: realized {live_vol:.0%} a year" if n == LIVE else n,
        key="w50_vol",
        bind="query-params",
        help=glossary.helped(
            "Volatility is the size of the price's ordinary moves, scaled to a year."
        ),
    )
    if vol_name == CUSTOM:
        vol_pct = inputs.number(
            "Volatility (% a year)",
            bounds=inputs.Bounds(5.0, 300.0),
            container=v2,
            value=60.0,
            step=5.0,
            key="w50_vol_pct",
            bind="query-params",
        )
        chosen_vol = None if vol_pct is None else vol_pct / 100
    elif vol_name == LIVE and live_vol is not None:
        chosen_vol = float(live_vol)
    elif vol_name == lh.VOL_NOW:
        chosen_vol, now_source = lh.vol_now_input(v2, sc)
    else:
        chosen_vol = VOLS[vol_name].vol_annual

# --- 8. widgets: the price model --------------------------------------------------------------
closes: pd.Series | None = None
csv_sha: str | None = None
with s8:
    st.subheader("8. Which price model?")
    st.markdown(
        "Everything above uses the model chosen here. **Normal moves** (the bell curve) have "
        "an exact formula. Real prices have **fat tails** (big moves are more "
        "frequent than the bell curve says) and **gaps** (the price jumps over levels). Or "
        "upload **your own price history**: the simulation replays blocks of its real moves."
    )
    m1, m2, m3 = st.columns(3)
    kind = MODEL_KINDS[
        m1.selectbox("Price model", list(MODEL_KINDS), key="w50_model", bind="query-params")
    ]
    df, jumps, jump_mean, jump_std = 3.0, 0.0, 0.0, 0.0
    typed: list[float | None] = [chosen_vol]
    own_vol = False
    if kind == "student-t":
        df = float(
            m2.slider(
                "Tail thickness (degrees of freedom)",
                min_value=2.5,
                max_value=30.0,
                value=3.0,
                step=0.5,
                key="w50_df",
                bind="query-params",
                help="Lower = fatter tails: more of the moves are very small or very large. "
                "30 is close to normal moves.",
            )
        )
    elif kind == "jump":
        jumps = inputs.number(
            "Gaps per year",
            bounds=inputs.Bounds(0.0, 365.0),
            container=m2,
            value=12.0,
            step=1.0,
            key="w50_jumps",
            bind="query-params",
        )
        jump_mean = inputs.number(
            "Average gap (%)",
            bounds=inputs.Bounds(-20.0, 20.0),
            container=m3,
            value=0.0,
            step=0.5,
            key="w50_jump_mean",
            bind="query-params",
            help="Negative = gaps down on average.",
        )
        jump_std = inputs.number(
            "Gap size spread (%)",
            bounds=inputs.Bounds(0.5, 30.0),
            container=m3,
            value=4.0,
            step=0.5,
            key="w50_jump_std",
            bind="query-params",
            help=glossary.helped(
                "How large a typical gap is, up or down. The gaps take their share of the "
                "volatility: the total stays at the asset's volatility."
            ),
        )
        typed += [jumps, jump_mean, jump_std]
        if None not in typed:
            jump_mean, jump_std = jump_mean / 100, jump_std / 100
    elif kind == "bootstrap":
        upload = m2.file_uploader(
            "Price history (CSV)",
            type=["csv"],
            key="w50_csv",
            max_upload_size=CSV_MAX_MB,
            help="A header line, a timestamp column (timestamp, time, date, datetime, open_time "
            "or ts; ISO dates or Unix seconds/milliseconds) and a close column, or open, high, "
            "low, close. Oldest first, at least 50 rows, at most 5 MB.",
        )
        own_vol = m3.toggle(
            "Use the file's own volatility",
            value=True,
            key="w50_own_vol",
            bind="query-params",
            help=glossary.helped(
                "Off: the file's moves are rescaled to the volatility chosen in step 2."
            ),
        )
        if upload is None:
            st.info(
                "Upload a CSV with a timestamp and a close column. Until then the page uses "
                "normal moves (GBM).",
                icon=":material/upload_file:",
            )
        else:
            data = upload.getvalue()
            csv_sha = hashlib.sha256(data).hexdigest()
            try:
                closes = read_prices(csv_sha, data)
            except ValueError as exc:
                st.error(
                    f"{upload.name} cannot be used: {words.phrase(exc)}. Fix the file and "
                    "upload it again; "
                    "until then the page uses normal moves (GBM).",
                    icon=":material/error:",
                )
    with st.expander("Advanced: simulation settings and methods"):
        st.caption(
            "Methods: with normal moves the odds use the exact first-passage formula of "
            "geometric Brownian motion (reflection principle); the other models simulate the "
            "paths and follow the price between two checks with a Brownian bridge. The random "
            "seed fixes the simulated prices, so the same settings always give the same figures."
        )
        p1, p2 = st.columns(2)
        n_paths = int(
            p1.segmented_control(
                "Simulated paths",
                [2_000, 5_000, 10_000],
                default=5_000,
                required=True,
                format_func=lambda n: f"{n:,}",
                key="w50_paths",
                bind="query-params",
                help="More paths: smaller Monte Carlo error, slower. Normal moves need no "
                "simulation for the odds (exact formula).",
            )
        )
        seed = inputs.number(
            "Random seed",
            bounds=inputs.Bounds(0, 1_000_000, integer=True),
            container=p2,
            value=0,
            step=1,
            key="w50_seed",
            bind="query-params",
        )
        typed.append(seed)

    if None in typed:
        # a typed value is out of range: no figure of the old value stays on screen, and the
        # widgets drawn further down (in fragments) keep their values for the next run
        for key in ("w50_teacher", "w50_guess", "w50_horizon"):
            if key in st.session_state:
                st.session_state[key] = st.session_state[key]
        inputs.withheld("The odds, the paths and the heatmap")
        leverage_scope.draw_pending()
        st.stop()
    seed = int(seed)

    gbm_spec: Spec = ("gbm", float(chosen_vol), 3.0, 0.0, 0.0, 0.0, None)
    spec: Spec = gbm_spec
    if kind == "student-t":
        spec = ("student-t", float(chosen_vol), df, 0.0, 0.0, 0.0, None)
    elif kind == "jump":
        spec = ("jump", float(chosen_vol), 3.0, jumps, float(jump_mean), float(jump_std), None)
    elif kind == lh.DEFAULT_KIND:
        spec = (kind, float(chosen_vol), 3.0, 0.0, 0.0, 0.0, None)
    elif kind == "bootstrap" and closes is not None:
        spec = ("bootstrap", None if own_vol else float(chosen_vol), 3.0, 0.0, 0.0, 0.0, csv_sha)
    if spec[0] != "bootstrap":
        closes = None
    try:
        built = build_model(spec, closes)
    except ValueError as exc:
        st.error(
            f"These settings do not work: {words.phrase(exc)}. The page uses normal moves "
            "(GBM) until you "
            "change them.",
            icon=":material/error:",
        )
        spec, closes = gbm_spec, None
        built = build_model(spec, None)
    vol = float(built.vol_annual)
    if spec[0] == "bootstrap" and own_vol:
        market = "Your price history"
    else:
        market = {CUSTOM: "Custom volatility", LIVE: "Live realized volatility"}.get(
            vol_name, vol_name
        )
    if spec[0] == "bootstrap":
        assert closes is not None
        st.caption(
            f"Your file: {len(closes):,} closes from {closes.index[0]:%Y-%m-%d %H:%M} to "
            f"{closes.index[-1]:%Y-%m-%d %H:%M} UTC. "
            + (
                f"Its volatility, used here, is {vol:.0%} a year."
                if own_vol
                else f"Its moves are rescaled to {vol:.0%} a year."
            )
        )
    st.caption(
        f"Model in use: **{MODELS[spec[0]]}**. "
        + (
            "The odds come from an exact formula; the sample paths are simulated."
            if spec[0] == "gbm"
            else f"The odds come from {n_paths:,} simulated paths, the same paths for every "
            "leverage."
        )
        + " No drift, fees or funding."
    )
    lh.default_model_note()

# --- computations (cached on the model's parameters only) -------------------------------------
horizons = tuple((label, days, steps) for label, (days, steps) in HORIZONS.items())
results: dict[str, OddsResult] = {}
problems: dict[str, str] = {}
for label, r in odds_by_horizon(spec, side, mmr, n_paths, seed, horizons, closes).items():
    if isinstance(r, str):
        problems[label] = r
    else:
        results[label] = r
day = results.get("1 day")


def odds_at(result: OddsResult, leverage: float) -> float:
    return float(model.at_leverage(result.leverage, result.p_liquidation, leverage))


def how_often(p: float) -> str:
    n = model.one_in(p)
    if n is None:
        return "practically never"
    return "almost every day" if n == 1 else f"1 day in {n:,}"


def missing(label: str) -> None:
    st.error(
        problems.get(label, f"{label}: no result.")
        + " Change the model or the settings in step 8.",
        icon=":material/error:",
    )


# --- presentation mode: one step per screen (ui.lesson_screen), nothing else ------------------
def heat_data(horizon: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]] | None:
    """Step 7's heatmap (leverages, row volatilities, odds, row labels), or None."""
    h_days, h_steps = HORIZONS[horizon]
    rows: list[tuple[str, float | None]] = [
        (f"{n} ({p.vol_annual:.0%})", p.vol_annual) for n, p in VOLS.items()
    ]
    if vol_name in (CUSTOM, LIVE):
        rows.append(
            (f"{'Custom' if vol_name == CUSTOM else 'Live'} ({chosen_vol:.0%})", chosen_vol)
        )
    if spec[0] == "bootstrap" and spec[1] is None:
        rows.append((f"Your file ({vol:.0%})", None))
    rows.sort(key=lambda row: vol if row[1] is None else row[1])
    heat_lev = np.asarray([lev for lev in HEAT_LEVERAGES if lev in grid])
    cells = heat_odds(
        spec,
        tuple(v for _, v in rows),
        side,
        h_days,
        h_steps,
        mmr,
        n_paths,
        seed,
        heat_lev,
        closes,
    )
    heat, labels, row_vols = [], [], []
    for (row_label, row_vol), row in zip(rows, cells, strict=True):
        if isinstance(row, str):  # this row cannot be computed: left out, as on the lesson
            continue
        heat.append(row)
        labels.append(row_label)
        row_vols.append(vol if row_vol is None else row_vol)
    if not heat or not heat_lev.size:
        return None
    return heat_lev, np.asarray(row_vols), np.vstack(heat), labels


def lesson_charts(kinds: set[str], horizon: str) -> lp.LessonCharts:
    """The data of the chart steps in ``kinds`` (the others are left out)."""
    h_days, h_steps = HORIZONS[horizon]
    sp = None
    if "paths" in kinds and high_ok:
        try:
            sp = paths_for(spec, side, h_days, h_steps, mmr, seed, float(sc.entry_price), closes)
        except ValueError:
            sp = None
    return lp.LessonCharts(
        grid=grid,
        odds_by_horizon={label: r.p_liquidation for label, r in results.items()},
        current_leverage=sc.leverage if sc.leverage <= grid[-1] else None,
        horizon=horizon,
        right=results.get(horizon),
        paths=sp,
        quote=quote,
        heat=heat_data(horizon) if "heatmap" in kinds else None,
    )


if present:
    # the leverage slider before anything shows the leverage: a presentation link's leverage
    # reaches the session state when the slider is made (ui.leverage_scope)
    sc = (leverage_scope.draw_pending() or current_resolved()).scenario
    with st.sidebar:  # hidden: kept so that the link's settings hold and come back on leaving
        p_horizon = st.select_slider(
            "How long the position stays open (steps 6 and 7)",
            list(HORIZONS),
            value="1 day",
            key="w50_horizon",
            bind="query-params",
        )
        st.toggle("Teacher mode", value=False, key="w50_teacher", bind="query-params")
    facts = lp.lesson_facts(
        side=side,
        market=market,
        vol_annual=vol,
        model_label=MODELS[spec[0]],
        mmr=mmr,
        results=results,
        horizon=p_horizon,
    )
    lesson_screen.render(
        lp.parse_step(st.query_params.get(lp.STEP_PARAM)),
        facts,
        lambda kind: lp.chart_figures(kind, lesson_charts({kind}, p_horizon), figcache.figure),
        link_params={k: st.query_params.get(k) for k in st.query_params},
        handout=(
            lambda: handout.zip_pages(
                handout.render_pages(facts, lesson_charts({"paths", "heatmap"}, p_horizon))
            )
        )
        if handout.available()
        else None,
    )
    if not notices.ready():  # app.py checks the link after the page, which stops here
        notices.check_once(LINK_LABELS, LINK_RANGES)
        notices.render(present_top)
    st.stop()


# --- teacher view (a fragment: the toggle reruns only this) ---------------------------------
@st.fragment
def teacher_view(day: OddsResult | None, market: str, vol: float, model_name: str) -> None:
    teacher = st.toggle(
        "Teacher mode: 2x, 10x and 50x side by side",
        value=False,
        key="w50_teacher",
        bind="query-params",
        help="Big numbers for a projector: odds of liquidation within a day, the distance to "
        "liquidation and how often that happens.",
    )
    if not teacher:
        return
    st.subheader("Side by side: 2x, 10x and 50x, one day")
    if day is None:
        missing("1 day")
    else:
        levs = [lev for lev in TEACHER_LEVERAGES if lev in grid]
        ratios, _ = liquidation_barriers(side, levs, mmr)
        cols = st.columns(len(TEACHER_LEVERAGES))
        for col, lev, lp_ratio in zip(cols, levs, ratios, strict=False):
            p = odds_at(day, lev)
            col.metric(f"{text.lev(lev)}: liquidated within a day", text.pct(p, 2))
            col.metric(
                f"{text.lev(lev)}: distance to liquidation",
                text.pct(float(distance_frac(lp_ratio, 1.0)), 2),
            )
            col.metric(f"{text.lev(lev)}: how often", how_often(p))
        if not high_ok:
            st.info(NO_HIGH, icon=":material/info:")
        st.caption(
            f"{market}, {vol:.0%} a year; model: {model_name}. A {side} opened "
            "each morning and closed the next morning. "
            "'How often': if you opened such a position every day, about one in that many "
            "would be liquidated before the day is out."
        )
    st.divider()


with teacher_box:
    teacher_view(day, market, vol, MODELS[spec[0]])

# --- 1. distance ------------------------------------------------------------------------------
s1_leverage = None
with s1:
    st.subheader("1. The room shrinks like 1 / leverage")
    st.markdown(
        f"A position is closed by the exchange after a {fall} of about **1 / leverage**. "
        "Double the leverage and the room halves. The exact figure is a little smaller: the "
        "maintenance margin must stay in the position."
    )
    if venue is None:
        st.info("Fix the exchange settings in the sidebar to see the exact distances.")
    else:
        curve = model.liquidation_curve(sc, venue, np.asarray(TABLE_LEVERAGES))
        exchange = EXCHANGE_LABELS[sc.exchange]
        st.dataframe(
            arrow(
                [
                    {
                        "leverage": text.lev(lev),
                        "rule of thumb: 1 / leverage": text.pct(naive, 1),
                        f"exact on {exchange}": text.pct(exact, 2)
                        if allowed
                        else "not allowed at this size",
                    }
                    for lev, naive, exact, allowed in zip(
                        curve.leverage,
                        curve.naive_frac,
                        curve.exact_frac,
                        curve.allowed,
                        strict=True,
                    )
                ]
            ),
            hide_index=True,
            key="w50_distances",
        )
        s1_leverage = st.container()  # its sentence names the sidebar's leverage

# --- 2. normal moves --------------------------------------------------------------------------
with s2:
    move_1h = float(typical_move_frac(vol, 1 / 24))
    move_1d = float(typical_move_frac(vol, 1.0))
    high_dist = float("nan")
    if high_ok:
        high_dist = float(distance_frac(model.liquidation_ratio(side, HIGH, mmr), 1.0))
    c = st.columns(3)
    c[0].metric(
        "Typical 1-hour move",
        text.pct(move_1h),
        help="One standard deviation: about two hours in three move less than this, one in "
        "three more.",
    )
    c[1].metric("Typical 1-day move", text.pct(move_1d), help="One standard deviation.")
    c[2].metric(
        f"Distance at {text.lev(HIGH)}",
        text.pct(high_dist),
        help=glossary.helped(
            f"The {fall} that liquidates a {text.lev(HIGH)} {side} at a maintenance rate of "
            f"{text.pct(mmr)}."
        ),
    )
    if high_ok:
        hours = model.moves_in_distance(high_dist, move_1h)
        # square root of time: a typical move reaches the room after (room / hourly move)^2 hours
        reach_h = float(hours_to_typical_move(high_dist, vol))
        reach = f"**{reach_h:.1f} hours**" if reach_h < 48 else f"**{reach_h / 24:.1f} days**"
        st.markdown(
            f"At {text.lev(HIGH)} the whole room is **{text.pct(high_dist)}**, "
            f"{hours:.1f} times an ordinary hour's move. Moves grow with the square root of "
            f"time, so an ordinary move is that large after about {reach}. "
            + (
                "One ordinary day's move is bigger than the whole room."
                if move_1d >= high_dist
                else "An ordinary day stays inside it; a few in a row in the same direction do not."
            )
        )
    else:
        st.info(NO_HIGH, icon=":material/info:")
    if spec[0] == "bootstrap" and own_vol:
        source = "measured on your price file (step 8)."
    elif vol_name == CUSTOM:
        source = "your own figure."
    elif vol_name == LIVE:
        source = f"{sc.live_vol_note}, market data as of {sc.market_as_of}."
    elif vol_name == lh.VOL_NOW:
        source = now_source
    else:
        p = VOLS[vol_name]
        source = f"{uifmt.source(p.source)} (as of {p.as_of})."
    st.caption(
        f"Volatility {vol:.0%} a year. Source: {source} A typical move over a time t is the "
        "volatility x √(t / 365 days)."
    )
    # drawn only while open (a rerun on opening): few readers open it, every rerun paid its table
    sources = st.expander(
        "Where the volatility figures come from", key=SOURCES_KEY, on_change="rerun"
    )
    if sources.open:
        sources.dataframe(
            arrow(
                [
                    {
                        "preset": p.name,
                        "volatility a year": f"{p.vol_annual:.0%}",
                        "years": p.years,
                        "source": uifmt.source(p.source),
                    }
                    for p in VOLS.values()
                ]
            ),
            hide_index=True,
            key="w50_sources",
        )

# --- 3. guess first ---------------------------------------------------------------------------


def _reveal() -> None:
    st.session_state["w50_revealed"] = st.session_state.get("w50_guess")


@st.fragment
def guess_first(day: OddsResult | None, market: str, vol: float) -> None:
    """Step 3 (a fragment: typing a guess or revealing reruns only this)."""
    st.subheader("3. Guess first")
    st.markdown(
        f"Out of 100 traders who open a **{text.lev(HIGH)} {side}** on {market} "
        f"({vol:.0%} a year) and hold it for **one day**, how many are liquidated before the "
        "day is out?"
    )
    g1, g2 = st.columns([2, 1], vertical_alignment="bottom")
    guess = inputs.number(
        "Your guess (% liquidated within a day)",
        bounds=inputs.Bounds(0.0, 100.0),
        container=g1,
        value=None,
        step=1.0,
        key="w50_guess",
        placeholder="type a number from 0 to 100",
    )
    g2.button(
        "Reveal the answer",
        key="w50_reveal",
        on_click=_reveal,
        disabled=guess is None,
        type="primary",
    )
    if guess is not None and st.session_state.get("w50_revealed") == guess:
        if day is None:
            missing("1 day")
        elif not high_ok:
            st.info(NO_HIGH, icon=":material/info:")
        else:
            answer = odds_at(day, HIGH)
            check = model.check_guess(guess / 100, answer)
            r1, r2 = st.columns(2)
            r1.metric("Your guess", text.pct(guess / 100, 1))
            r2.metric(
                "The model's answer",
                text.pct(answer, 1),
                delta=f"{check.diff_frac * 100:+.1f} points",
                delta_color="off",
            )
            if check.verdict == "about right":
                verdict = "**About right.** Your intuition matches the model."
            elif check.verdict == "too low":
                times = f", {check.ratio:.1f} times your guess" if guess > 0 else ""
                verdict = (
                    f"**Too low.** The model says {text.pct(answer, 1)}{times}. Small moves are "
                    "far more frequent than large ones, and at this leverage a small move is "
                    "enough."
                )
            else:
                verdict = (
                    f"**Too high.** The model says {text.pct(answer, 1)}: high, but not a "
                    "coin flip every day."
                )
            st.markdown(verdict)
    else:
        st.caption("The answer stays hidden until you press the button. The steps below show it.")


with s3:
    guess_first(day, market, vol)

# --- 4. odds versus leverage ------------------------------------------------------------------
with s4:
    st.subheader("4. Odds of liquidation: an hour, a day, a week")
    st.markdown(
        "The same market, every leverage. Each line is the share of simulated traders "
        "liquidated within that time."
    )
    s4_leverage = st.container()  # the chart with the sidebar's leverage marked, its odds
    for label in problems:
        missing(label)
    st.caption(
        "Risk does not grow in proportion to the leverage: small adverse moves are far more "
        "frequent than large ones, so the odds jump once the room falls below an ordinary move."
    )


# --- what the sidebar's leverage changes (drawn by the fragment below, with the slider) --------
def leverage_parts(now: Resolved) -> None:
    """The error of a position that cannot be opened, step 1's sentence and step 4's chart
    marker and odds, at the sidebar's leverage (``now``), into their containers further up the
    page."""
    lev = float(now.scenario.leverage)
    if not now.ok:
        lev_error.error(now.error, icon=":material/error:")
    if s1_leverage is not None and venue is not None:
        sized = (
            f"a {text.money(sc.margin, quote)} margin"
            if sc.size_by == "margin"
            else f"a quantity of {sc.quantity:g}"
        )
        yours = (
            f" At the sidebar's {text.lev(lev)} it is liquidated at "
            f"**{text.price(float(liquidation_price(now.position, venue)))}**."
            if now.ok
            else ""
        )
        s1_leverage.caption(
            f"{side.capitalize()} with {sized} on {venue.table.name} (tiers as of "
            f"{venue.table.as_of}), from the sidebar.{yours} The odds below use one maintenance "
            f"rate for every leverage: {text.pct(mmr)}, {mmr_source}."
        )
    if results:
        odds_fig = odds_chart(spec, side, mmr, n_paths, seed, horizons, closes)
        if lev <= grid[-1]:  # the sidebar's leverage: a marker on the cached chart
            odds_fig = figcache.variant(odds_fig, traces=[co.current_leverage_trace(lev)])
        s4_leverage.plotly_chart(odds_fig, key="w50_odds", config={"displaylogo": False})
        row = s4_leverage.container(horizontal=True)
        for label, r in results.items():
            row.metric(
                f"Your {text.lev(lev)}: liquidated within {label}",
                text.pct(odds_at(r, lev), 1),
                help=glossary.helped(
                    "At the sidebar's leverage. '—': that leverage is not possible at this "
                    "maintenance rate."
                ),
            )


# --- 5 to 7: one horizon (a fragment: the horizon slider, and the sidebar's leverage slider
# drawn here by ui.leverage_scope, rerun only steps 5 to 7 and what shows the leverage) --------
@st.fragment
def horizon_steps(
    slots: leverage_scope.Slots | None,
    spec: Spec,
    closes: pd.Series | None,
    n_paths: int,
    seed: int,
    vol: float,
    vol_name: str,
    chosen_vol: float,
) -> None:
    """The sidebar's leverage slider and what it changes (:func:`leverage_parts`), then steps 5
    (sample paths), 6 (right but liquidated) and 7 (heatmap) for the horizon chosen in step 5."""
    res_now = leverage_scope.draw(slots, res)
    leverage_parts(res_now)
    st.subheader(f"5. The same market at {text.lev(LOW)} and at {text.lev(HIGH)}")
    horizon = st.select_slider(
        "How long the position stays open (steps 5 to 7)",
        list(HORIZONS),
        value="1 day",
        key="w50_horizon",
        bind="query-params",
    )
    h_days, h_steps = HORIZONS[horizon]
    path_figs = None
    if not high_ok:
        st.info(NO_HIGH, icon=":material/info:")
    else:
        try:
            path_figs = sample_path_figures(
                spec, side, h_days, h_steps, mmr, seed, float(sc.entry_price), quote, closes
            )
        except ValueError as exc:
            st.error(
                f"{words.sentence(exc)} Choose another horizon or model.", icon=":material/error:"
            )
    if path_figs is not None:
        left, right = st.columns(2)
        for col, fig, key in zip(
            (left, right), path_figs, ("w50_paths_low", "w50_paths_high"), strict=True
        ):
            col.plotly_chart(fig, key=key, config={"displaylogo": False})
        st.caption(
            f"{SAMPLE_PATHS} simulated {side}s over {horizon}, the SAME prices in both charts. "
            "Red: liquidated, cut where the price reached the liquidation price. The market "
            f"did the same thing; only the leverage differs. Prices checked every "
            f"{STEP_WORDS[horizon]} and followed in between."
        )

    # --- 6. right but liquidated ------------------------------------------------------------------
    st.subheader("6. Right about the direction, liquidated anyway")
    st.markdown(
        f"A trader can be right (the price ends {END_WORDS[horizon]} in their favour) and still "
        f"lose the whole margin: a {'dip' if side == 'long' else 'spike'} on the way touched the "
        "liquidation price first."
    )
    hr = results.get(horizon)
    if hr is None:
        missing(horizon)
    else:
        bars = tuple(float(L) for L in BAR_LEVERAGES if L in grid)
        st.plotly_chart(
            right_chart(spec, side, mmr, n_paths, seed, horizons, horizon, bars, closes),
            key="w50_right",
            config={"displaylogo": False},
        )
        if high_ok:
            c = st.columns(2)
            c[0].metric(
                f"{text.lev(HIGH)}, {horizon}: all liquidations",
                text.pct(odds_at(hr, HIGH), 1),
            )
            c[1].metric(
                f"{text.lev(HIGH)}, {horizon}: liquidated although right",
                text.pct(float(model.at_leverage(hr.leverage, hr.p_right_but_liquidated, HIGH)), 1),
                help="The price at the end was at or beyond the entry in the position's favour.",
            )
        lev_now = (
            float(res_now.scenario.leverage) if res_now.scenario.leverage in hr.leverage else HIGH
        )
        if lev_now in hr.leverage:
            p_now = float(model.at_leverage(hr.leverage, hr.p_liquidation, lev_now))
            lh.what_really_happened(
                side, horizon, h_days, lev_now, mmr, p_now, MODELS[spec[0]], hr.leverage
            )

    # --- 7. heatmap -------------------------------------------------------------------------------
    st.subheader("7. Leverage x volatility")
    st.markdown(
        "Calm BTC forgives more than a memecoin, but at high leverage every asset is fragile."
    )
    rows: list[tuple[str, float | None]] = [
        (f"{n} ({p.vol_annual:.0%})", p.vol_annual) for n, p in VOLS.items()
    ]
    if vol_name in (CUSTOM, LIVE):
        label = "Custom" if vol_name == CUSTOM else "Live"
        rows.append((f"{label} ({chosen_vol:.0%})", float(chosen_vol)))
    if spec[0] == "bootstrap" and spec[1] is None:
        rows.append((f"Your file ({vol:.0%})", None))
    rows.sort(key=lambda row: vol if row[1] is None else row[1])  # calmest at the bottom
    heat_lev = tuple(float(lev) for lev in HEAT_LEVERAGES if lev in grid)
    heat_fig, left_out = heat_chart(
        spec, tuple(rows), vol, side, h_days, h_steps, mmr, n_paths, seed, heat_lev, horizon, closes
    )
    if heat_fig is not None:
        st.plotly_chart(heat_fig, key="w50_heatmap", config={"displaylogo": False})
    for note in left_out:
        st.warning(f"Left out of the heatmap: {note}.", icon=":material/warning:")
    st.caption(f"Same model ({MODELS[spec[0]]}) and horizon ({horizon}) for every cell.")

    # --- does the model tell the truth? (predicted vs observed on the shipped history) --------
    lh.truth_section(side, mmr, horizon, h_days)


with s567:
    horizon_steps(
        leverage_scope.claim(), spec, closes, n_paths, seed, vol, vol_name, float(chosen_vol)
    )
