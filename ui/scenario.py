"""The shared scenario: one position described in the sidebar, kept across pages and in the URL.

Every widget has a stable short key that doubles as its URL query parameter
(``bind="query-params"``), so a copied link reopens the same scenario. ``app.py`` draws the
widgets on every rerun, before the page runs, so their values also survive page switches. Pages
read the scenario with :func:`current`, which falls back to the defaults when the sidebar has not
run (a page opened on its own in a test).

The default is the case a beginner reads about: a 500 USDT long on BTCUSDT at 10x (5,000
notional) on Binance's first BTC tier (maintenance rate 0.4%), which the rule of thumb says survives
a 10% fall and which Binance liquidates after a 9.64% fall.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import streamlit as st

from risk import Position, Venue, get_venue
from risk.liquidation import check_position
from risk.market import cache as market_cache
from risk.reference import reference_price
from risk.tiers import shipped_symbols
from risk.venues import EXCHANGES, RULES, normalize_symbol
from ui import format as fmt
from ui import glossary, inputs, market, words

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

#: How each rule family is named in the sidebar (the labels live with the rules, risk/venues.py).
EXCHANGE_LABELS: dict[str, str] = {name: rules.label for name, rules in RULES.items()}
#: Always offered, first: the symbols every rule family can price (with a typed rate at worst).
SYMBOLS: tuple[str, ...] = ("BTCUSDT", "ETHUSDT", "custom")
SIDES: tuple[str, ...] = ("long", "short")
SIZE_BY: tuple[str, ...] = ("margin", "quantity")
#: Highest leverage the sidebar and the charts offer (Binance's first BTC tier).
LEVERAGE_CAP = 150

#: Widget keys; each is also the URL query parameter that carries the value.
K_EXCHANGE = "ex"
K_SYMBOL = "sym"
K_MMR = "mmr"
K_SIDE = "side"
K_ENTRY = "entry"
K_SIZE_BY = "size_by"
K_MARGIN = "margin"
K_QTY = "qty"
K_LEVERAGE = "lev"
K_FEE = "fee"
K_LIVE = "live"
K_MARK = "mark"
#: The leverage slider's maximum on the previous run (not a widget).
_K_LEVERAGE_CAP = "_lev_cap"

#: The embedded default scenario (percent inputs are in percent, as typed).
DEFAULTS: dict[str, object] = {
    K_EXCHANGE: "binance",
    K_SYMBOL: "BTCUSDT",
    K_MMR: 0.5,  # percent; only used when no shipped table applies
    K_SIDE: "long",
    K_ENTRY: 100_000.0,
    K_SIZE_BY: "margin",
    K_MARGIN: 500.0,
    K_QTY: 0.05,
    K_LEVERAGE: 10,
    # Binance USDⓈ-M regular-tier taker fee, 0.05% (binance.com/en/fee/futureFee).
    K_FEE: 0.05,
    K_LIVE: False,
    # Mark price of an open position; None = not open yet, figures are from the entry.
    K_MARK: None,
}


#: What each typed sidebar field accepts, in the unit it is typed in (percent fields in percent).
#: The widgets carry no bounds of their own (see :mod:`ui.inputs`); :func:`resolve` checks the same
#: bounds, so a value out of range withholds every result instead of leaving the previous one.
BOUNDS: dict[str, inputs.Bounds] = {
    K_MMR: inputs.Bounds(0.0, 49.0),  # at 50% no leverage above 1x is left for the slider
    K_ENTRY: inputs.Bounds(0.0, 1e9, lo_open=True),
    K_MARGIN: inputs.Bounds(0.01, 1e9),
    K_QTY: inputs.Bounds(1e-8, 1e9),
    K_FEE: inputs.Bounds(0.0, 1.0),
}
#: The sidebar's name of each typed field (for the messages of :func:`resolve`).
FIELD_LABELS: dict[str, str] = {
    K_MMR: "The maintenance margin rate (%)",
    K_ENTRY: "The entry price",
    K_MARGIN: "The margin",
    K_QTY: "The quantity",
    K_FEE: "The taker fee (%)",
}
#: Alternative spellings a link may use for the exchange (the CLI's ``--exchange`` names, and
#: the sidebar's labels in any case), mapped to the sidebar's option.
EXCHANGE_ALIASES: dict[str, str] = {
    **{e: e for e in EXCHANGES},
    **{EXCHANGE_LABELS[e].lower(): e for e in EXCHANGES},
}


#: How a link's value of a sidebar key is named in a notice, and what the key accepts.
LINK_LABELS = {K_EXCHANGE: EXCHANGE_LABELS.get, K_LEVERAGE: lambda v: f"{v}x"}
LINK_RANGES = {
    K_EXCHANGE: "known exchanges: " + ", ".join(EXCHANGES),
    K_SYMBOL: "known symbols: " + ", ".join(SYMBOLS),
    K_SIDE: "long or short",
    K_SIZE_BY: "margin or quantity",
    K_LEVERAGE: "whole leverages from 1x to the exchange's maximum for the symbol",
}


@dataclass(frozen=True)
class Scenario:
    """The sidebar's inputs, in library units (fractions, not percents)."""

    exchange: str = "binance"
    symbol: str = "BTCUSDT"
    mmr: float = 0.005  # typed rate, used only when ``needs_typed_mmr``
    side: str = "long"
    entry_price: float = 100_000.0
    size_by: str = "margin"
    margin: float = 500.0
    quantity: float = 0.05
    leverage: float = 10.0
    taker_fee: float = 0.0005
    #: Live toggle on and data cached: today's funding (per 8 h), the realized volatility of the
    #: cached candles (fraction a year; None without enough candles) and the data's as_of.
    live_funding_rate_per_8h: float | None = None
    live_vol_annual: float | None = None
    live_vol_note: str = ""
    market_as_of: str = ""
    mark_price: float | None = None  # an open position's mark; None: measure from the entry

    @property
    def reference_price(self) -> float:
        """Where distances and PnL are measured: the mark when given, else the entry."""
        return self.entry_price if self.mark_price is None else self.mark_price

    @property
    def needs_typed_mmr(self) -> bool:
        """True when no shipped tier table covers the exchange and symbol."""
        return needs_typed_mmr(self.exchange, self.symbol)

    @property
    def symbol_label(self) -> str:
        return "custom symbol" if self.symbol == "custom" else self.symbol

    @property
    def asset(self) -> str:
        """Base asset used to pick a volatility preset ("BTC", "ETH" or "")."""
        return self.symbol[:3] if self.symbol in ("BTCUSDT", "ETHUSDT") else ""

    def venue(self) -> Venue:
        """The exchange's rules and tier table for the symbol (``ValueError`` if none): the
        refreshed cache when it is newer than the shipped snapshot."""
        if self.needs_typed_mmr:
            return get_venue(
                self.exchange,
                self.symbol if self.symbol != "custom" else "CUSTOM",
                mmr=self.mmr,
                max_leverage=_typed_max_leverage(self.mmr),
                taker_fee=self.taker_fee,
            )
        sym = normalize_symbol(self.exchange, self.symbol)
        table = market_cache.tier_table(RULES[self.exchange].tier_exchange, sym)
        venue = get_venue(self.exchange, self.symbol, taker_fee=self.taker_fee, table=table)
        if venue.table.notional_unit == "coin":
            # a link or a cached table can still name one (the picker lists linear symbols)
            raise ValueError(
                f"symbol={self.symbol!r} is an inverse (coin-margined) contract and the sidebar "
                "prices linear positions, margined in USDT or USDC; allowed: a linear symbol "
                "such as BTCUSDT (for inverse contracts: python -m risk liq --contract inverse)"
            )
        return venue

    def quantity_for(self) -> float:
        """Base units: typed, or ``margin * leverage / entry`` when sized by margin (the notional
        that the margin controls at the leverage setting, divided by the price)."""
        if self.size_by == "quantity":
            return self.quantity
        return self.margin * self.leverage / self.entry_price

    def position(self) -> Position:
        """The isolated position the sidebar describes (``ValueError`` on bad input)."""
        return Position(self.side, self.entry_price, self.quantity_for(), leverage=self.leverage)


@dataclass(frozen=True)
class Resolved:
    """A scenario with its venue and position, or the message that says what to change."""

    scenario: Scenario
    venue: Venue | None
    position: Position | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None


def needs_typed_mmr(exchange: str, symbol: str) -> bool:
    """Whether the user must type the maintenance rate (custom symbol, or no shipped or cached
    table)."""
    if symbol == "custom" or exchange == "generic":
        return True
    tiers_of = RULES[exchange].tier_exchange  # Bybit's two accounts share one set of tables
    return not market_cache.has_table(tiers_of, normalize_symbol(exchange, symbol))


def symbol_options(exchange: str) -> list[str]:
    """The symbol picker's list: BTCUSDT and ETHUSDT, then every other shipped or cached symbol
    of the exchange (sorted), then 'custom'."""
    first = [s for s in SYMBOLS if s != "custom"]
    taken = {normalize_symbol(exchange, s) for s in first} if exchange != "generic" else set()
    more: set[str] = set()
    if exchange != "generic":
        tiers_of = RULES[exchange].tier_exchange
        # linear only: the sidebar's position is margined in the quote currency (an inverse
        # table such as Bybit's BTCUSD counts coin; the command line prices those)
        more = set(shipped_symbols(tiers_of, "linear")) | set(market_cache.cached_symbols(tiers_of))
    return [*first, *_others(exchange, frozenset(more), frozenset(taken)), "custom"]


@functools.lru_cache(maxsize=64)
def _others(exchange: str, more: frozenset[str], taken: frozenset[str]) -> tuple[str, ...]:
    """The symbols of ``more`` not already among ``taken``, sorted: normalizing ~700 names took
    a quarter of the sidebar's time on every rerun; keyed on the set, so a market refresh that
    caches new symbols gets a new list."""
    return tuple(sorted(s for s in more if normalize_symbol(exchange, s) not in taken))


def _typed_max_leverage(mmr: float) -> float:
    """Leverage cap for a typed rate: the chart's cap, and never a leverage whose initial margin
    would not cover the maintenance rate."""
    if mmr <= 0:
        return float(LEVERAGE_CAP)
    return float(max(1.0, min(LEVERAGE_CAP, math.floor(0.999 / mmr))))


def quote_currency(venue: Venue | None) -> str:
    """The currency prices and margins are in: the tier table's unit (USDC on Hyperliquid), or
    USDT for typed rates and when there is no venue."""
    unit = venue.table.notional_unit if venue is not None else "quote"
    return "USDT" if unit == "quote" else unit


def leverage_cap(venue: Venue | None) -> int:
    """Slider maximum: the venue's highest tier leverage, at most :data:`LEVERAGE_CAP`."""
    if venue is None:
        return LEVERAGE_CAP
    top = max(t.max_leverage for t in venue.table.tiers)
    return int(max(1, min(LEVERAGE_CAP, math.floor(top))))


def resolve(scenario: Scenario, venue: Venue | None = None) -> Resolved:
    """Build the venue and position and check them; turn every ``ValueError`` into a sentence
    that says what to change."""
    typed = {
        K_ENTRY: scenario.entry_price,
        K_FEE: scenario.taker_fee * 100.0,
        **({K_MMR: scenario.mmr * 100.0} if scenario.needs_typed_mmr else {}),
        **(
            {K_MARGIN: scenario.margin}
            if scenario.size_by == "margin"
            else {K_QTY: scenario.quantity}
        ),
    }
    for key, value in typed.items():
        message = inputs.problem_sentence(FIELD_LABELS[key], value, BOUNDS[key])
        if message is not None:
            return Resolved(scenario, None, None, message.replace("you typed", "the sidebar holds"))
    try:
        venue = venue or scenario.venue()
    except ValueError as exc:
        return Resolved(
            scenario, None, None, f"The exchange settings do not work: {words.phrase(exc)}."
        )
    try:
        position = scenario.position()
    except ValueError as exc:
        return Resolved(scenario, venue, None, f"The position is not valid: {words.phrase(exc)}.")
    table = venue.table
    notional = float(position.notional)
    if notional >= table.max_notional:
        return Resolved(
            scenario,
            venue,
            None,
            f"A {notional:,.0f} notional is above the largest position {table.name} accepts "
            f"({table.max_notional:,.0f}). Reduce the margin, the quantity or the leverage.",
        )
    max_lev = float(table.max_leverage(notional))
    if scenario.leverage > max_lev + 1e-9:
        what = "the margin" if scenario.size_by == "margin" else "the quantity"
        return Resolved(
            scenario,
            venue,
            None,
            f"Leverage {scenario.leverage:g}x is above the maximum {max_lev:g}x that "
            f"{EXCHANGE_LABELS[scenario.exchange]} allows for a {notional:,.0f} "
            f"{quote_currency(venue)} position on {scenario.symbol_label}. Lower the leverage to "
            f"{max_lev:g}x or less, or reduce {what}.",
        )
    try:
        check_position(position, venue)
    except ValueError as exc:
        return Resolved(
            scenario, venue, None, f"This position cannot be opened: {words.phrase(exc)}."
        )
    return Resolved(scenario, venue, position, None)


# --- Streamlit glue ---------------------------------------------------------------------------
def _state(key: str) -> object:
    return st.session_state.get(key, DEFAULTS[key])


def current() -> Scenario:
    """The scenario in session state (defaults for anything the sidebar has not set)."""
    mmr_pct = float(_state(K_MMR))
    live = (
        market.live_data(str(_state(K_EXCHANGE)), str(_state(K_SYMBOL)))
        if bool(_state(K_LIVE))
        else None
    )
    return Scenario(
        exchange=str(_state(K_EXCHANGE)),
        symbol=str(_state(K_SYMBOL)),
        mmr=mmr_pct / 100.0,
        side=str(_state(K_SIDE)),
        entry_price=float(_state(K_ENTRY)),
        size_by=str(_state(K_SIZE_BY)),
        margin=float(_state(K_MARGIN)),
        quantity=float(_state(K_QTY)),
        leverage=float(_state(K_LEVERAGE)),
        taker_fee=float(_state(K_FEE)) / 100.0,
        live_funding_rate_per_8h=None if live is None else live.funding_rate_per_8h,
        live_vol_annual=None if live is None else live.vol_annual,
        live_vol_note="" if live is None else live.vol_note,
        market_as_of="" if live is None else live.snapshot.as_of,
        mark_price=None if _state(K_MARK) is None else float(_state(K_MARK)),
    )


def current_resolved() -> Resolved:
    """:func:`current` resolved into a venue and a position (or an error message)."""
    return resolve(current())


def sidebar(leverage_slot: Callable[[DeltaGenerator, int], None] | None = None) -> Scenario:
    """Draw the scenario widgets in the sidebar and return the scenario they describe.

    With ``leverage_slot``, the leverage slider is not drawn: an empty container takes its
    place and ``leverage_slot(container, maximum)`` is called, for a page that draws the slider
    in a fragment of its own (:mod:`ui.leverage_scope`). The scenario returned then carries the
    leverage of the session state, which a link's ``lev`` reaches only when the slider is made:
    such a page takes the leverage from ``leverage_scope.draw``, not from this."""
    sb = st.sidebar
    sb.markdown("### :material/query_stats: Leverage Lab")
    sb.caption("Exact liquidation, margin and funding math for perpetual futures.")
    sb.markdown("#### Scenario")
    _accept_link_spellings()
    sb.selectbox(
        "Exchange rules",
        EXCHANGES,
        index=EXCHANGES.index(str(DEFAULTS[K_EXCHANGE])),
        format_func=EXCHANGE_LABELS.get,
        key=K_EXCHANGE,
        bind="query-params",
        help=glossary.helped(
            "Each exchange computes the liquidation price its own way: Binance values the "
            "maintenance margin at the liquidation price, Bybit's regular account at the entry "
            "(its Unified Trading Account at the mark), and Bybit adds the fee to close at the "
            "bankruptcy price; OKX, Gate, KuCoin, Bitget and Phemex add the taker fee to close; "
            "Hyperliquid derives the rate from the maximum leverage.",
            "liquidation-price",
        ),
    )
    options = symbol_options(str(_state(K_EXCHANGE)))
    if K_SYMBOL in st.session_state and st.session_state[K_SYMBOL] not in options:
        st.session_state[K_SYMBOL] = options[0]  # the symbol is not listed on this exchange
    sb.selectbox(
        "Symbol",
        options,
        index=0,
        key=K_SYMBOL,
        bind="query-params",
        on_change=on_symbol_change,
        help=glossary.helped(
            "Type to search. Listed symbols use the exchange's published maintenance tiers "
            "(shipped, or refreshed with Refresh now); 'custom' lets you type a maintenance rate. "
            "A new symbol starts at its own reference price.",
            "maintenance-margin",
        ),
    )
    exchange = str(_state(K_EXCHANGE))
    symbol = str(_state(K_SYMBOL))
    sb.toggle(
        "Live",
        value=False,
        key=K_LIVE,
        bind="query-params",
        help=glossary.helped(
            "Use the cached market data: the mark price as the entry, today's funding rate and "
            "the realized volatility of the cached hourly candles. Off: presets only."
        ),
    )
    live = None
    if bool(_state(K_LIVE)):
        market.refresh_controls(exchange, symbol)
        live = market.live_data(exchange, symbol)
        if live is None:
            sb.caption("No market data cached for this symbol: press Refresh now.")
        else:
            stamp = (exchange, symbol, live.snapshot.as_of)
            if st.session_state.get("_live_filled") != stamp:
                st.session_state[K_ENTRY] = float(live.snapshot.mark_price)
                st.session_state["_live_filled"] = stamp
            vol = "n/a" if live.vol_annual is None else f"{live.vol_annual:.0%} a year"
            sb.caption(
                f"Live: mark {live.snapshot.mark_price:,.8g}, funding "
                f"{live.snapshot.funding_rate_per_interval:+.4%} per "
                f"{live.snapshot.funding_interval_hours:g} h, volatility {vol} "
                f"({live.vol_note})."
            )
    else:
        st.session_state.pop("_live_filled", None)
    if needs_typed_mmr(exchange, symbol):
        inputs.number(
            "Maintenance margin rate (%)",
            bounds=BOUNDS[K_MMR],
            container=sb,
            value=float(DEFAULTS[K_MMR]),
            step=0.05,
            format="%.3f",
            key=K_MMR,
            bind="query-params",
            help=glossary.helped(
                "No tier table ships for this exchange and symbol: type the rate from the "
                "exchange's contract page.",
                "maintenance-margin",
            ),
        )
    try:
        typed_ok = BOUNDS[K_MMR].problem(float(_state(K_MMR))) is None
        venue = replace(current(), leverage=1.0).venue() if typed_ok else None
    except ValueError:
        venue = None
    quote = quote_currency(venue)
    sb.segmented_control(
        "Side",
        SIDES,
        default=str(DEFAULTS[K_SIDE]),
        required=True,
        key=K_SIDE,
        bind="query-params",
    )
    inputs.number(
        f"Entry price ({quote})",
        bounds=BOUNDS[K_ENTRY],
        container=sb,
        value=float(DEFAULTS[K_ENTRY]),
        step=_price_step(float(_state(K_ENTRY))),
        format=fmt.input_format(float(_state(K_ENTRY))),
        key=K_ENTRY,
        bind="query-params",
    )
    sb.number_input(
        f"Mark price ({quote}, optional)",
        min_value=1e-6,
        max_value=1e9,
        value=None,
        step=100.0,
        format="%.2f",
        key=K_MARK,
        bind="query-params",
        placeholder="not open yet: the entry",
        help=glossary.helped(
            "For a position that is already open: the exchange's current mark price. Distance "
            "to liquidation, unrealized PnL, ROE and margin ratio are then measured from it."
        ),
    )
    sb.radio(
        "Size by",
        SIZE_BY,
        horizontal=True,
        key=K_SIZE_BY,
        bind="query-params",
        help=glossary.helped(
            "Margin: the money you post; quantity: the coins the position holds.",
            "initial-margin",
            "notional",
        ),
    )
    if str(_state(K_SIZE_BY)) == "margin":
        inputs.number(
            f"Margin ({quote})",
            bounds=BOUNDS[K_MARGIN],
            container=sb,
            value=float(DEFAULTS[K_MARGIN]),
            step=50.0,
            format="%.2f",
            key=K_MARGIN,
            bind="query-params",
        )
    else:
        inputs.number(
            "Quantity (base units)",
            bounds=BOUNDS[K_QTY],
            container=sb,
            value=float(DEFAULTS[K_QTY]),
            step=0.01,
            format="%.6f",
            key=K_QTY,
            bind="query-params",
        )
    cap = leverage_cap(venue)
    wanted = int(_state(K_LEVERAGE))
    lev = min(max(wanted, 1), cap)
    if lev != wanted:
        sb.caption(f"Leverage lowered to {cap}x, this exchange's maximum for the symbol.")
    # A new maximum makes the slider a new widget, which takes the value last set through session
    # state, not the one on screen (a slider moved after an earlier clamp then exceeded the new
    # maximum: StreamlitValueAboveMaxError, issue 15). Set it whenever the maximum changes, and
    # whenever the state lost it, so the slider's value always comes from session state (a
    # `value=` beside it made Streamlit log "created with a default value but also had its
    # value set via the Session State API" on every clamp).
    if (
        lev != wanted
        or K_LEVERAGE not in st.session_state
        or st.session_state.get(_K_LEVERAGE_CAP) != cap
    ):
        st.session_state[K_LEVERAGE] = lev
    st.session_state[_K_LEVERAGE_CAP] = cap
    if leverage_slot is None:
        leverage_slider(cap, sb)
    else:  # drawn later by the page, in its fragment (ui.leverage_scope)
        leverage_slot(sb.container(), cap)
    inputs.number(
        "Taker fee (%)",
        bounds=BOUNDS[K_FEE],
        container=sb,
        value=float(DEFAULTS[K_FEE]),
        step=0.01,
        format="%.3f",
        key=K_FEE,
        bind="query-params",
        help=glossary.helped(
            "Fee per side as a percent of the notional (Binance regular tier: 0.05%).",
            "taker-fee",
        ),
    )
    sb.caption("Every setting is in the page address: copy the link to share this scenario.")
    market.data_as_of(
        None if venue is None else venue.table.name,
        None if venue is None else venue.table.as_of,
        None if live is None else live.snapshot.as_of,
    )
    return current()


def leverage_slider(cap: int, box: DeltaGenerator) -> int:
    """The leverage slider (1x to ``cap``, its value from session state) in ``box``."""
    return box.slider(
        "Leverage",
        min_value=1,
        max_value=cap,
        step=1,
        format="%dx",
        key=K_LEVERAGE,
        bind="query-params",
        help=glossary.helped(
            "The leverage setting: margin = notional / leverage.", "leverage", "notional"
        ),
    )


def _price_step(entry: float) -> float:
    """The +/- step of the entry field: about a thousandth of the price, a power of ten."""
    if not entry > 0 or entry != entry:
        return 100.0
    return float(10.0 ** math.floor(math.log10(entry) - 3 + 1e-12)) if entry < 1e5 else 100.0


#: Pages' widgets that follow the symbol (their default depends on it): reset on a switch.
SYMBOL_FOLLOWERS: dict[str, dict[str, str]] = {
    "lm_vol": {"ETHUSDT": "ETH", "BTCUSDT": "BTC typical"},
    "w50_vol": {"ETHUSDT": "ETH", "BTCUSDT": "BTC typical"},
}


def live_mark_price(symbol: str) -> float | None:
    """Hook for the market-data Live toggle: the exchange's current mark price of ``symbol``, or
    ``None`` (the default: no live data) to use the dated reference price."""
    return None


def symbol_entry_price(symbol: str) -> float | None:
    """The entry a symbol switch starts from: the live mark when available, else the symbol's
    dated reference price (``risk/data/reference_prices.json``); ``None``: keep the entry."""
    live = live_mark_price(symbol)
    if live is not None:
        return float(live)
    ref = reference_price(symbol) if symbol != "custom" else None
    return None if ref is None else ref.price


def on_symbol_change() -> None:
    """A new symbol starts at its own price and volatility preset: keeping BTC's 100,000 entry
    and BTC's volatility for ETHUSDT would describe a trade nobody can place."""
    symbol = str(st.session_state.get(K_SYMBOL, DEFAULTS[K_SYMBOL]))
    entry = symbol_entry_price(symbol)
    if entry is not None:
        st.session_state[K_ENTRY] = entry
    for key, by_symbol in SYMBOL_FOLLOWERS.items():
        if symbol in by_symbol:
            st.session_state[key] = by_symbol[symbol]


def _accept_link_spellings() -> None:
    """A link may name the exchange as the command line does (``ex=bybit``); the widget itself
    only takes its label (``ex=Bybit``). Map such a spelling before the widget reads the URL."""
    if st.session_state.get("_link_spellings_done"):
        return  # only the link that opened the session; afterwards the widget owns the URL
    st.session_state["_link_spellings_done"] = True
    raw = st.query_params.get(K_EXCHANGE)
    if raw is None or raw in EXCHANGE_LABELS.values():
        return
    canonical = EXCHANGE_ALIASES.get(str(raw).strip().lower())
    if canonical is not None and st.session_state.get(K_EXCHANGE) != canonical:
        st.session_state[K_EXCHANGE] = canonical
