"""Every help icon that uses a word of the glossary points to its entry: a beginner who meets
'notional', 'mark price' or 'maintenance margin' in a tooltip is one click from the definition.
The terms are found here with this file's own patterns, not the app's, so a help text the app
forgot to point (or a term its patterns miss) fails."""

from __future__ import annotations

import re

import pytest

from ui.glossary import TERMS
from ui.testing import PAGE_NAMES, app_test

PAGES = [p for p in PAGE_NAMES if p != "glossary"]  # the glossary page explains the terms
#: anchor -> how a beginner meets the term in a sentence
WORDS = {
    "notional": r"notional",
    "mark-price": r"mark price",
    "maintenance-margin": r"maintenance (margin|rate)",
    "bankruptcy-price": r"bankruptcy price",
    "roe": r"\bROE\b",
    "liquidation-price": r"liquidation price",
    "initial-margin": r"initial margin",
    "funding": r"funding",
    "isolated-margin": r"isolated",
    "cross-margin": r"cross[- ]margin|cross wallet",
    "taker-fee": r"taker fee",
    "volatility": r"volatility",
}
LINK = re.compile(r"\[[^\]]*\]\(\./glossary#([\w-]+)\)")


def help_texts(node, out: list[str]) -> list[str]:
    """The help text of every element under ``node`` (widgets, metrics, in the sidebar too)."""
    proto = getattr(node, "proto", None)
    text = getattr(proto, "help", None) if proto is not None else None
    if isinstance(text, str) and text:
        out.append(text)
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            help_texts(child, out)
    return out


def unpointed(text: str) -> list[str]:
    linked = set(LINK.findall(text))
    plain = LINK.sub("", text)
    return [
        a for a, pattern in WORDS.items() if re.search(pattern, plain, re.I) and a not in linked
    ]


def test_the_patterns_find_what_they_should() -> None:
    assert unpointed("Taker fee on the notional.") == ["notional", "taker-fee"]
    assert unpointed("See [notional](./glossary#notional) in the glossary.") == []
    assert set(WORDS) <= set(TERMS)


@pytest.mark.parametrize("page", PAGES)
def test_every_help_text_with_a_glossary_word_points_to_it(page) -> None:
    at = app_test(f"pages/{page}.py")
    if page == "size_from_risk":
        at.segmented_control(key="stop_mode").set_value("price").run()
    assert not at.exception
    texts = list(dict.fromkeys(help_texts(at._tree, [])))
    assert len(texts) >= 5, texts  # the sidebar's alone
    missing = {t[:80]: unpointed(t) for t in texts if unpointed(t)}
    assert not missing, missing
    for t in texts:
        assert set(LINK.findall(t)) <= set(TERMS), t  # every pointer lands on an entry
