"""The words of leveraged trading, for beginners: one definition each, on the Glossary page, and
the pointer every help icon ends with (:func:`helped`)."""

from __future__ import annotations

import functools
import re

#: anchor -> (term, definition). Definitions follow the exchanges' own help pages (Binance
#: "Leverage and Margin of USDⓈ-M Futures", Bybit "Liquidation Price", Hyperliquid docs
#: "Margining"), in plain words.
TERMS: dict[str, tuple[str, str]] = {
    "notional": (
        "Notional",
        "The full value of the position: quantity x price. A 0.05 BTC position at 100,000 USDT "
        "has a 5,000 USDT notional, whatever margin backs it. Fees and maintenance margin are "
        "shares of the notional.",
    ),
    "leverage": (
        "Leverage",
        "Notional divided by the margin you post. At 10x, 500 USDT of margin controls a 5,000 "
        "USDT position, and a 1% move changes the margin by about 10%.",
    ),
    "initial-margin": (
        "Initial margin",
        "What you post to open the position: notional / leverage.",
    ),
    "mark-price": (
        "Mark price",
        "The price the exchange uses to value open positions and to trigger liquidations. It "
        "follows an index of several spot markets, so one wild trade on the exchange does not "
        "liquidate everyone; it can differ slightly from the last traded price.",
    ),
    "maintenance-margin": (
        "Maintenance margin",
        "The part of the margin that must stay in the position. When the margin left (margin "
        "plus unrealized profit or loss) falls to it, the exchange liquidates. It is a rate of "
        "the notional that grows in tiers with the position's size.",
    ),
    "liquidation-price": (
        "Liquidation price",
        "The mark price at which the margin left equals the maintenance margin: the exchange "
        "closes the position there, whatever your stop. It comes before the bankruptcy price.",
    ),
    "bankruptcy-price": (
        "Bankruptcy price",
        "The price at which the whole margin is lost (the margin left is zero). For a long at "
        "10x it is 10% below the entry. Liquidation happens earlier, at the liquidation price.",
    ),
    "roe": (
        "ROE (return on equity)",
        "Profit or loss as a share of the margin posted, not of the notional: at 10x a 1% move "
        "is a 10% ROE. Exchanges show it beside every position.",
    ),
    "funding": (
        "Funding",
        "A payment between longs and shorts every few hours (usually every 8) that keeps the "
        "perpetual's price near the spot price. A positive rate: longs pay shorts. It is a share "
        "of the notional, so relative to your margin it grows with the leverage.",
    ),
    "isolated-margin": (
        "Isolated margin",
        "Each position has its own margin. If it is liquidated you lose that margin and nothing "
        "more; the rest of the account is untouched.",
    ),
    "cross-margin": (
        "Cross margin",
        "The whole account balance backs every position. A losing position stays open longer, "
        "but if the account's margin falls to the maintenance margin every position goes.",
    ),
    "taker-fee": (
        "Taker fee",
        "The fee for an order that trades at once (a market order, a stop): a share of the "
        "notional, paid to open and again to close.",
    ),
    "volatility": (
        "Volatility",
        "The size of a price's ordinary moves, scaled to a year. Moves grow with the square root "
        "of time: a typical day is about 1/19 of the yearly figure (the square root of 365), a "
        "typical hour about 1/94.",
    ),
}

#: The Glossary page's address, relative, so it works under any base path.
PAGE = "./glossary"


def link(anchor: str) -> str:
    """A markdown link to one term on the Glossary page."""
    term, _ = TERMS[anchor]
    return f"[{term.split(' (')[0].lower()}]({PAGE}#{anchor})"


#: anchor -> how a help text names the term (case-insensitive). "Leverage" is in nearly every
#: text, so it is linked only where a text asks for it by name.
MENTIONS: dict[str, str] = {
    "notional": r"\bnotional",
    "initial-margin": r"\binitial margin",
    "mark-price": r"\bmark price|\bthe mark\b",
    "maintenance-margin": r"\bmaintenance (?:margin|rate|tier)",
    "liquidation-price": r"\bliquidation price",
    "bankruptcy-price": r"\bbankruptcy",
    "roe": r"\bROE\b",
    "funding": r"\bfunding",
    "isolated-margin": r"\bisolated\b",
    "cross-margin": r"\bcross(?:[- ]margin| wallet)",
    "taker-fee": r"\btaker fee",
    "volatility": r"\bvolatil",
}


def mentioned(text: str) -> list[str]:
    """The anchors of the glossary terms ``text`` names, in glossary order."""
    return [a for a, pattern in MENTIONS.items() if re.search(pattern, text, flags=re.I)]


@functools.lru_cache(maxsize=2048)
def helped(text: str, *anchors: str) -> str:
    """A help text that ends with a pointer to the glossary for ``anchors`` and for every term
    the text names: '... See notional and taker fee in the glossary.' A text that names no term
    and asks for none comes back as it is. Kept per text: the sidebar and the pages ask for the
    same dozen on every rerun, each a score of regular-expression searches."""
    wanted = list(dict.fromkeys([*anchors, *mentioned(text)]))
    if not wanted:
        return text
    words = " and ".join(link(a) for a in wanted)
    return f"{text.rstrip()} See {words} in the glossary."
