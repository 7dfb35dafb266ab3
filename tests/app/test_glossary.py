"""Glossary page: every term a beginner meets has an entry with an anchor, and help icons point
to it."""

from __future__ import annotations

import re

from ui.glossary import TERMS
from ui.testing import app_test

PAGE = "pages/glossary.py"
REQUIRED = (
    "notional",
    "mark-price",
    "maintenance-margin",
    "bankruptcy-price",
    "roe",
    "funding",
    "isolated-margin",
    "cross-margin",
    "liquidation-price",
)


def test_every_required_term_has_an_entry_with_its_anchor() -> None:
    at = app_test(PAGE)
    assert not at.exception
    anchors = {h.proto.anchor for h in at.subheader}
    assert set(REQUIRED) <= anchors
    assert all(len(TERMS[a][1]) > 60 for a in REQUIRED)  # a sentence, not a label


def test_the_sidebar_and_map_help_icons_end_with_a_glossary_link() -> None:
    at = app_test("pages/liquidation_map.py")
    helps = [w.help for w in (*at.sidebar.selectbox, *at.sidebar.slider) if w.help]
    helps += [m.proto.help for m in at.metric if m.label.startswith(("Liquidation", "Bank"))]
    assert len(helps) >= 5
    for h in helps:
        links = re.findall(r"\]\(\./glossary#([\w-]+)\)", h)
        assert h.endswith("in the glossary.") and links, h
        assert set(links) <= set(TERMS)


def test_sources_on_screen_name_no_repository_and_no_missing_glyph() -> None:
    at = app_test("pages/liquidation_map.py")
    captions = " ".join(c.value for c in at.caption)
    assert "Source:" in captions
    assert "Ⓢ" not in captions and "DcaTpStrategy" not in captions
