"""``make bench``: run every ``bench/bench_*.py`` and print one table.

Each module exposes ``rows() -> list[dict]`` with ``name``, ``median_ms``, ``target`` and optional
``ratio`` and ``note``. Times are medians over repeated runs in this one process; the machine is
shared and noisy, so compare ratios measured in the same run rather than absolute times.
"""

from __future__ import annotations

import importlib
import pkgutil
import platform
import sys
import time
from pathlib import Path


def _fmt(x: object, spec: str) -> str:
    return "" if x is None else format(x, spec)


def main() -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    only = set(sys.argv[1:])
    rows: list[dict] = []
    for name in names:
        if only and name.removeprefix("bench_") not in only:
            continue
        t0 = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        for row in module.rows():
            rows.append({"suite": name.removeprefix("bench_"), **row})
        print(f"# {name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    header = ("suite", "name", "median ms", "target", "ratio", "note")
    table = [
        (
            r["suite"],
            r["name"],
            _fmt(r.get("median_ms"), ".1f"),
            str(r.get("target", "")),
            _fmt(r.get("ratio"), ".1f"),
            r.get("note", ""),
        )
        for r in rows
    ]
    widths = [
        max(len(h), *(len(t[i]) for t in table)) if table else len(h) for i, h in enumerate(header)
    ]
    print(
        f"Leverage Lab benchmarks on {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.machine()}"
    )
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for t in table:
        print("  ".join(c.ljust(w) for c, w in zip(t, widths, strict=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
