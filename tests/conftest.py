"""Hypothesis settings profiles shared by the whole suite.

- ``ci`` (what ``make test`` selects, and the default here): derandomized, so every run draws
  the same examples and a suite that passes once passes every time; the example budget each test
  names (or 100) is fixed; no deadline and no timing health check, since the machine is shared
  and noisy; no example database (a clean clone behaves like any other run); a failure prints
  the blob that reproduces it.
- ``deep`` (``make test-deep``): random seeds and ten times each test's budget (at least 1,000),
  for hunting counter-examples before they reach CI. Found ones become ``@example`` cases.
- ``dev``: Hypothesis' own defaults with no deadline, for exploring locally.

Select one with ``pytest --hypothesis-profile=NAME`` or the ``HYPOTHESIS_PROFILE`` variable.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

#: How much the deep profile multiplies each test's own ``max_examples``.
DEEP_FACTOR = 10
DEEP_MIN_EXAMPLES = 1_000

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=100,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep",
    derandomize=False,
    max_examples=DEEP_MIN_EXAMPLES,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
    phases=list(Phase),
)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(config, items) -> None:
    """Under the deep profile, scale the budget a test fixed with its own ``@settings`` too
    (an explicit ``max_examples`` would otherwise win over the profile's)."""
    if settings.get_current_profile_name() != "deep":
        return
    for item in items:
        fn = getattr(item, "obj", None)
        own = getattr(fn, "_hypothesis_internal_use_settings", None)
        if own is None or not hasattr(fn, "hypothesis"):
            continue
        budget = max(DEEP_MIN_EXAMPLES, own.max_examples * DEEP_FACTOR)
        fn._hypothesis_internal_use_settings = settings(
            own, max_examples=budget, derandomize=False, database=settings.default.database
        )
