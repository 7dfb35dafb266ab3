"""A sequence of trades: the same edge under three sizing policies."""

from __future__ import annotations

import numpy as np
import streamlit as st

from risk.sequence import SequenceResult
from ui import charts_pitfalls as cp
from ui import figcache, inputs, pitfalls_sim, text, words

st.title("A sequence of trades")
st.caption(
    "The same trader, the same win rate, the same reward-to-risk: only the sizing differs. A "
    "small fixed risk compounds a steady gain; a large fixed stake and 'doubling up to win it "
    "back' post spectacular weeks on some paths and blow up the account on many others."
)
QUOTE = "USDT"

c1, c2, c3, c4 = st.columns(4)
win_pct = c1.slider(
    "Win rate (%)", min_value=5, max_value=95, value=45, step=1, key="sq_win", bind="query-params"
)
reward = inputs.number(
    "Reward-to-risk",
    bounds=inputs.Bounds(0.2, 10.0),
    container=c2,
    value=1.5,
    step=0.1,
    key="sq_rr",
    bind="query-params",
    help="What a winning trade makes, in units of what a losing trade loses.",
)
n_trades = c3.slider(
    "Trades", min_value=10, max_value=500, value=100, step=10, key="sq_n", bind="query-params"
)
floor_pct = c4.slider(
    "Ruin floor (% of the start)",
    min_value=5,
    max_value=95,
    value=50,
    step=5,
    key="sq_floor",
    bind="query-params",
    help="The account counts as ruined, and stops trading, below this share of its start.",
)

st.markdown("##### Policies")
p1, p2, p3 = st.columns(3)
small_pct = inputs.number(
    "Fixed small risk: % of equity lost per losing trade",
    bounds=inputs.Bounds(0.1, 10.0),
    container=p1,
    value=1.0,
    step=0.25,
    key="sq_small",
    bind="query-params",
)
lev = inputs.number(
    "Fixed high leverage: leverage",
    bounds=inputs.Bounds(1.0, 125.0),
    container=p2,
    value=20.0,
    step=1.0,
    key="sq_lev",
    bind="query-params",
)
margin_pct = inputs.number(
    "Margin posted (% of equity)",
    bounds=inputs.Bounds(1.0, 100.0),
    container=p2,
    value=25.0,
    step=5.0,
    key="sq_margin",
    bind="query-params",
)
stop_pct = inputs.number(
    "Stop distance (%)",
    bounds=inputs.Bounds(0.1, 50.0),
    container=p2,
    value=2.0,
    step=0.25,
    key="sq_stop",
    bind="query-params",
)
base_pct = inputs.number(
    "Raise after a loss: first risk (% of equity)",
    bounds=inputs.Bounds(0.1, 50.0),
    container=p3,
    value=2.0,
    step=0.5,
    key="sq_base",
    bind="query-params",
)
mult = inputs.number(
    "Stake multiplier after each loss",
    bounds=inputs.Bounds(1.0, 5.0),
    container=p3,
    value=2.0,
    step=0.25,
    key="sq_mult",
    bind="query-params",
)
cap_pct = inputs.number(
    "At most (% of equity at risk)",
    bounds=inputs.Bounds(0.1, 100.0),
    container=p3,
    value=100.0,
    step=5.0,
    key="sq_cap",
    bind="query-params",
)
s1, s3 = st.columns(2)
paths = s1.segmented_control(
    "Simulated accounts",
    [2_000, 10_000],
    default=10_000,
    required=True,
    format_func=lambda n: f"{n:,}",
    key="sq_paths",
    bind="query-params",
)
log_y = s3.toggle(
    "Log scale for equity",
    value=True,
    key="sq_log",
    bind="query-params",
    help="Shows the small-risk cone beside the wild ones; an account at zero is drawn at the "
    "bottom of the axis.",
)
with st.expander("Advanced: random seed"):
    st.caption(
        "The seed fixes the simulated wins and losses: the same settings always give the same "
        "figures, and another seed shows how much they move by chance."
    )
    seed = inputs.number(
        "Random seed",
        bounds=inputs.Bounds(0, 1_000_000, integer=True),
        value=0,
        step=1,
        key="sq_seed",
        bind="query-params",
    )
START = pitfalls_sim.START_EQUITY
#: The library's parameter names, in the words of this page's fields (for its error messages).
FIELD_WORDS = {
    "risk_frac": "the fixed small risk",
    "reward_to_risk": "the reward-to-risk",
    "leverage": "the high leverage",
    "margin_frac": "the margin posted",
    "stop_frac": "the stop distance",
    "base_risk_frac": "the first risk after a loss",
    "multiplier": "the stake multiplier",
    "max_risk_frac": "the 'at most' share of equity at risk",
    "floor_frac": "the ruin floor",
    "n_trades": "the number of trades",
}
PERCENT_WORDS = frozenset(
    {"risk_frac", "margin_frac", "stop_frac", "base_risk_frac", "max_risk_frac", "floor_frac"}
)


results: list[SequenceResult] | None = None
typed = (reward, small_pct, lev, margin_pct, stop_pct, base_pct, mult, cap_pct, seed)
if any(v is None for v in typed):
    inputs.withheld("The simulated accounts")
    st.stop()
try:
    results = pitfalls_sim.sequences(
        win_pct / 100,
        float(reward),
        int(n_trades),
        floor_pct / 100,
        small_pct / 100,
        (float(lev), margin_pct / 100, stop_pct / 100),
        (base_pct / 100, float(mult), cap_pct / 100),
        int(paths),
        int(seed),
    )
except ValueError as exc:
    st.error(words.sentence(exc, FIELD_WORDS, PERCENT_WORDS), icon=":material/error:")

if results is not None:
    edge = win_pct / 100 * float(reward) - (1 - win_pct / 100)
    kind = "a positive edge" if edge > 1e-9 else "a negative edge" if edge < -1e-9 else "no edge"
    st.caption(f"Expected result per trade: {edge:+.2f} times the amount risked ({kind}).")
    cols = st.columns(len(results))
    for col, r in zip(cols, results, strict=True):
        col.markdown(f"**{r.policy.name}**  \n{r.policy.note}")
        col.metric(f"Ruined: {r.policy.name}", text.pct(r.p_ruin, 1))
        col.metric(
            f"Median end: {r.policy.name}",
            text.money(r.median_final, QUOTE),
            delta=text.pct(r.median_final / START - 1, 1),
        )
        col.metric(f"Median worst drawdown: {r.policy.name}", text.pct(r.median_max_drawdown, 1))
    small, high = results[0], results[1]
    st.markdown(
        f"After {n_trades} trades, half the accounts with a **fixed small risk** have at least "
        f"**{text.money(small.median_final, QUOTE)}** and {text.pct(small.p_ruin, 1)} are "
        f"ruined. With the **high stake**, the best 5% reach "
        f"{text.money(float(high.cones[-1, -1]), QUOTE)}, but {text.pct(high.p_ruin, 1)} of the "
        "accounts fall through the floor and stop: a great week does not help an account that "
        "has to be rebuilt."
    )
    st.plotly_chart(
        figcache.figure(
            cp.equity_cones_chart,
            np.arange(int(n_trades) + 1),
            {r.policy.name: r.cones[[0, 2, 4]] for r in results},
            floor=START * floor_pct / 100,
            start_equity=START,
            quote=QUOTE,
            log_y=bool(log_y),
        ),
        key="sq_cones",
        config={"displaylogo": False},
    )
    st.plotly_chart(
        figcache.figure(
            cp.probability_bars_chart,
            [r.policy.name for r in results],
            [r.p_ruin for r in results],
            [r.stderr_ruin for r in results],
            title=f"Probability of ruin within {n_trades} trades",
            highlight=None,
            y_title="P(ruin)",
        ),
        key="sq_ruin",
        config={"displaylogo": False},
    )
    st.plotly_chart(
        figcache.figure(cp.drawdown_chart, {r.policy.name: r.max_drawdown for r in results}),
        key="sq_dd",
        config={"displaylogo": False},
    )
    st.caption(
        f"{int(paths):,} simulated accounts starting at {text.money(START, QUOTE)}; every policy "
        "sees the same wins and losses, each trade independent. A loss costs the policy's share "
        "of the CURRENT equity, a win pays the reward-to-risk times it. The win rate is taken "
        "as given at any leverage: in reality a liquidation price inside the stop also turns "
        "some winners into losses, which makes high leverage worse than shown."
    )
