"""Print what the fixed-seed fuzz suite tried per surface and how each case ended (a Markdown
table for the closing note): ``python -m tools.fuzz_report``."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fuzz import harness


def main() -> int:
    tallies = []
    with tempfile.TemporaryDirectory() as d:
        os.environ["LEVERAGE_LAB_DB"] = str(Path(d) / "journal.db")
        start = time.perf_counter()
        for surface in harness.SURFACES:
            tallies.append(harness.run_surface(surface))
        took = time.perf_counter() - start
    print(harness.table(tallies))
    print(f"\nseed {harness.SEED}, {took:.0f} s")
    for t in tallies:
        for e in t.examples:
            print(f"- {t.surface}: {e}")
    return 0 if all(t.clean for t in tallies) else 1


if __name__ == "__main__":
    raise SystemExit(main())
