"""Words for beginners on every page: no error or warning shows a library parameter's raw name
(``entry_price``, ``max_risk_frac``), and the random seed and the names of the numerical methods
sit behind an expander labelled "Advanced", not in the lesson's text."""

from __future__ import annotations

import re

import pytest

from ui.testing import PAGE_NAMES, app_test

PAGES = PAGE_NAMES
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
#: what a beginner should not have to read: the seed and the methods' names
ADVANCED = re.compile(
    r"random seed|\bseed\b|Broadie|Glasserman|reflection principle|Brownian|Yang-Zhang|Merton"
    r"|continuity correction|GARCH",
    re.I,
)

#: (page, number inputs to set, then whether a library error must show): inputs that the
#: library refuses with a message naming its parameter
REFUSED = [
    ("trade_plan", {"tp_stop": 105_000.0, "tp_t0": 110_000.0}, True),
    ("trade_plan", {"tp_stop": 95_000.0, "tp_t0": 90_000.0}, False),
    ("trade_sequence", {"sq_cap": 1.0}, True),
    ("trade_sequence", {"sq_base": 50.0, "sq_cap": 10.0}, True),
    ("size_from_risk", {"risk": 100.0, "stop_pct": 0.01}, False),
    ("trailing_stops", {"ts_stop": 50.0, "ts_target": 0.1}, False),
    ("margin_utilization", {"wallet": 1.0}, False),
]


def shown_alerts(at) -> list[str]:
    return [e.value for e in (*at.error, *at.warning)]


@pytest.mark.parametrize(("page", "values", "refused"), REFUSED)
def test_no_error_or_warning_shows_a_raw_parameter_name(page, values, refused) -> None:
    at = app_test(f"pages/{page}.py")
    for key, value in values.items():
        at.number_input(key=key).set_value(value)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    alerts = shown_alerts(at)
    if refused:
        assert alerts, "the library refuses these inputs: a message must say so"
    raw = {a: SNAKE.findall(a) for a in alerts if SNAKE.search(a)}
    assert not raw, raw


def visible(node, inside_advanced: bool, out: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """(text, inside an 'Advanced' expander) for every value and label on the page."""
    label = getattr(node, "label", None)
    if type(node).__name__ == "Expander" and isinstance(label, str):
        inside_advanced = inside_advanced or label.startswith("Advanced")
    for attr in ("value", "label", "body"):
        text = getattr(node, attr, None) if attr != "value" or hasattr(node, "proto") else None
        try:
            if isinstance(text, str) and text:
                out.append((text, inside_advanced))
        except Exception:
            pass
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            visible(child, inside_advanced, out)
    return out


@pytest.mark.parametrize("page", PAGES)
def test_seeds_and_method_names_only_behind_advanced(page) -> None:
    at = app_test(f"pages/{page}.py")
    assert not at.exception
    texts = visible(at._tree, False, [])
    outside = [t[:100] for t, adv in texts if not adv and ADVANCED.search(t)]
    assert not outside, outside


@pytest.mark.parametrize(
    "page", ["why_50x", "correlated_positions", "trailing_stops", "trade_sequence"]
)
def test_the_simulations_keep_their_seed_in_the_advanced_expander(page) -> None:
    at = app_test(f"pages/{page}.py")
    texts = visible(at._tree, False, [])
    assert any(adv and t == "Random seed" for t, adv in texts)
