"""The fixed-seed fuzz suite (issue 15): no surface lets an exception through, every refusal is
a sentence, a refused import writes nothing. tools/fuzz_report.py prints the same runs as a
table. Each surface runs once per session (a module fixture) and is asserted per outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz import harness


@pytest.fixture(autouse=True)
def _journal(tmp_path, monkeypatch):
    monkeypatch.setenv("LEVERAGE_LAB_DB", str(tmp_path / "journal.db"))


@pytest.mark.parametrize("surface", harness.SURFACES, ids=lambda f: f.__name__)
def test_surface_is_clean(surface) -> None:
    t = surface()
    assert t.tried > 0
    assert t.clean, (t, t.examples)


def test_every_page_has_bound_keys_collected() -> None:
    keys = harness.all_bound_keys()
    assert {"ex", "lev", "side", "entry"} <= set(keys["ui/scenario.py"])
    assert (
        "w50_seed" in keys["pages/why_50x.py"]
        and "cp_asset0" in keys["pages/correlated_positions.py"]
    )
    # keys bound in ui modules a page draws, numbered rows and pairs, the link's own parameters
    assert {"calc_exit", "calc_fills"} <= set(keys["pages/liquidation_map.py"])
    assert {"w50_now_method", "w50_now_source", "step"} <= set(keys["pages/why_50x.py"])
    assert "sr_target" in keys["pages/size_from_risk.py"]
    assert {"cp_asset4", "cp_rho01", "cp_rho34"} <= set(keys["pages/correlated_positions.py"])


def test_every_bound_key_in_the_source_is_fuzzed_on_some_page() -> None:
    """No widget bound to the link escapes the URL fuzzing: every ``bind="query-params"`` key in
    pages/ and ui/ reaches at least one page's garbage links."""
    fuzzed = set().union(*harness.all_bound_keys().values())
    sources = sorted(
        p.relative_to(harness.ROOT).as_posix()
        for d in ("ui", "pages")
        for p in Path(harness.ROOT, d).glob("*.py")
    )
    missing = {src: sorted(set(harness.bound_keys(src)) - fuzzed) for src in sources}
    assert not {src: ks for src, ks in missing.items() if ks}


def test_a_further_seed_adds_only_new_random_files() -> None:
    """``make fuzz SCALE=K`` counts each fixed case once: a further seed brings its random
    files and none of the named cases."""
    fixed = harness.fuzz_price_files(harness.SEED)
    further = harness.fuzz_price_files(harness.SEED + 1, random_only=True)
    n_random = sum(name.startswith("random") for name, _ in harness.price_corpus(harness.SEED + 1))
    assert further.tried == n_random < fixed.tried
    assert further.clean
