"""The library's error messages in a beginner's words.

``risk/`` raises ``ValueError("entry_price=0 is out of range; allowed: 0 < entry_price <=
1,000,000,000")``: exact for a developer and for the command line, but a page that shows it as
is puts a raw parameter name in front of a trader. :func:`sentence` rewrites such a message with
the names of the page's own fields: 'The entry price is 0, but it must be above 0 and at most
1,000,000,000.' Names without a label become words ("max_risk_frac" -> "max risk frac") so no
raw snake_case name reaches the screen.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ui.text import inert

#: Names the library uses on several pages, in words (a page passes its own on top).
COMMON: dict[str, str] = {
    "entry_price": "the entry price",
    "exit_price": "the exit price",
    "stop_price": "the stop price",
    "mark_price": "the mark price",
    "liq_price": "the liquidation price",
    "quantity": "the quantity",
    "qty": "the quantity",
    "leverage": "the leverage",
    "margin": "the margin",
    "equity": "the account equity",
    "wallet_balance": "the wallet",
    "risk_frac": "the maximum loss per trade",
    "buffer_frac": "the safety buffer",
    "taker_fee": "the taker fee",
    "mmr": "the maintenance margin rate",
    "side": "the side",
    "vol_annual": "the volatility",
    "horizon_days": "the horizon",
    "rate_per_8h": "the funding rate",
    "seed": "the random seed",
    "targets": "the targets",
    "share": "the target's share",
    "entry": "the entry price",
    "stop": "the stop price",
    "target": "the target",
    "max_loss_frac": "the maximum loss per trade",
    "plan_id": "the plan number",
    "start_equity": "the starting equity",
    "planned_risk": "the planned risk",
    "exits": "the exits",
    "reason": "the reason",
    "contract_size": "the contract size",
    "lot_size": "the lot size",
    "balance": "the balance",
    "position_notional": "the position's notional",
}

#: Names whose values are fractions that the app's fields show in percent.
PERCENT: frozenset[str] = frozenset(
    {"risk_frac", "buffer_frac", "max_loss_frac", "taker_fee", "mmr", "vol_annual"}
)

_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_OUT_OF_RANGE = re.compile(
    r"^(?P<name>\w+)=(?P<value>\S+) is out of range; allowed: "
    r"(?:(?P<lo>\S+) (?P<lo_op><=|<) )?(?P=name)(?: (?P<hi_op><=|<) (?P<hi>\S+))?"
    r"(?: \((?P<why>.*)\))?$"
)
_NOT_KNOWN = re.compile(r"^(?P<name>\w+)=(?P<value>.+?) is not known; allowed: (?P<allowed>.*)$")
_NOT_NUMBER = re.compile(r"^(?P<name>\w+)=(?P<value>.+?) is not (?:a number|finite); allowed: .*$")
_ASSIGN = re.compile(r"\b(?P<name>[a-z_][a-z0-9_]*)=")


def label(name: str, labels: Mapping[str, str] | None = None) -> str:
    """The words for one library parameter: the page's label, a common one, or its parts."""
    merged = {**COMMON, **(labels or {})}
    if name in merged:
        return merged[name]
    return "the " + name.replace("_", " ")


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _range_words(lo: str | None, lo_op: str | None, hi: str | None, hi_op: str | None) -> str:
    parts = []
    if lo is not None:
        parts.append(f"{'above' if lo_op == '<' else 'at least'} {lo}")
    if hi is not None:
        parts.append(f"{'below' if hi_op == '<' else 'at most'} {hi}")
    return " and ".join(parts) or "a number"


def _as_percent(x: str | None) -> str | None:
    """'0.01' -> '1%' (a fraction the page's field shows in percent)."""
    if x is None:
        return None
    try:
        return f"{float(x.replace(',', '')) * 100:,.6g}%"
    except ValueError:
        return x


def sentence(
    exc: BaseException | str,
    labels: Mapping[str, str] | None = None,
    percent: frozenset[str] | set[str] = PERCENT,
) -> str:
    """``exc``'s message as a sentence with the page's field names; ``labels`` maps library
    parameter names to the page's words ('stop_frac' -> 'the fixed stop'); the values of the
    names in ``percent`` are fractions that the page's field shows in percent. A message repeats
    the value it refused, which a visitor may have typed or uploaded, so the sentence is made
    inert (:func:`ui.text.inert`: no Markdown image in it loads)."""
    return inert(_sentence(exc, labels, percent))


def _sentence(
    exc: BaseException | str,
    labels: Mapping[str, str] | None,
    percent: frozenset[str] | set[str],
) -> str:
    msg = str(exc).strip().rstrip(".")
    if m := _OUT_OF_RANGE.match(msg):
        name = label(m["name"], labels)
        conv = _as_percent if m["name"] in percent else (lambda x: x)
        rng = _range_words(conv(m["lo"]), m["lo_op"], conv(m["hi"]), m["hi_op"])
        why = f" ({_words(m['why'], labels)})" if m["why"] else ""
        return f"{_cap(name)} is {conv(m['value'])}, but it must be {rng}{why}."
    if m := _NOT_KNOWN.match(msg):
        name = label(m["name"], labels)
        return f"{_cap(name)} {m['value']} is not known; it must be one of: {m['allowed']}."
    if m := _NOT_NUMBER.match(msg):
        return f"{_cap(label(m['name'], labels))} must be a number."
    head, sep, allowed = msg.partition("; allowed: ")
    if sep:
        name = a[1] if (a := re.match(r"^(\w+)=", head)) else None
        rng = re.match(
            r"^(?:(?P<lo>\S+) (?P<lo_op><=|<) )?(?P<name>\w+)(?: (?P<hi_op><=|<) (?P<hi>\S+))?$",
            allowed,
        )
        if rng and rng["name"] == name and (rng["lo"] or rng["hi"]):
            conv = _as_percent if name in percent else (lambda x: x)
            words = _range_words(conv(rng["lo"]), rng["lo_op"], conv(rng["hi"]), rng["hi_op"])
            return f"{_cap(_words(head, labels))}: it must be {words}."
        return f"{_cap(_words(head, labels))}. Allowed: {_words(allowed, labels)}."
    return _cap(_words(msg, labels)) + "."


def phrase(
    exc: BaseException | str,
    labels: Mapping[str, str] | None = None,
    percent: frozenset[str] | set[str] = PERCENT,
) -> str:
    """:func:`sentence` to follow a colon inside another sentence: 'Not saved: the stop price
    105000 is not below the entry ...' (lower-case start, no final period)."""
    out = sentence(exc, labels, percent).rstrip(".")
    return out[:1].lower() + out[1:] if out[:2] != out[:2].upper() else out


def _words(msg: str, labels: Mapping[str, str] | None) -> str:
    """Replace ``name=`` by the name's words and any other snake_case name by its words."""
    out = _ASSIGN.sub(lambda m: label(m["name"], labels) + " ", msg)
    out = _SNAKE.sub(lambda m: label(m.group(0), labels), out)
    # 'a higher the volatility' -> 'a higher volatility': no article after a word that has one
    return re.sub(r"\b(the|a|an|higher|lower|larger|smaller) the ", r"\1 ", out)


def has_raw_name(message: str) -> bool:
    """Whether ``message`` still shows a raw snake_case name (``entry_price``), as a developer
    would write it."""
    return bool(_SNAKE.search(message))
