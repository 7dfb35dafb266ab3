"""Print what the fixed-seed fuzz suite tried per surface and how each case ended (a Markdown
table for the closing note): ``python -m tools.fuzz_report [--scale K]``.

``--scale 1`` (the default) runs exactly what ``make test`` runs (tests/fuzz). ``--scale K``
runs K times as many page interaction sequences, crafted links and CLI vectors, and the file
corpora from K seeds (seed, seed + 1, ...): the same checks on more cases, for a deeper look
than the test budget allows (``make fuzz SCALE=10``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fuzz import harness


def merged(tallies: list[harness.Tally]) -> harness.Tally:
    """One tally that adds up several runs of the same surface."""
    out = harness.Tally(tallies[0].surface)
    for t in tallies:
        for name in ("tried", "accepted", "refused", "crashes", "hangs", "unclear", "rows_lost"):
            setattr(out, name, getattr(out, name) + getattr(t, name))
        out.seconds += t.seconds
        out.examples += t.examples[: max(0, 5 - len(out.examples))]
    return out


def surfaces(scale: int) -> list[tuple[str, list]]:
    """Per surface, the calls that make up ``scale`` times the test suite's budget."""
    seeds = [harness.SEED + k for k in range(scale)]
    return [
        ("pages", [lambda s=s: harness.fuzz_pages(seed=s) for s in seeds]),
        ("url", [lambda s=s: harness.fuzz_url_keys(seed=s) for s in seeds]),
        # the fixed cases once, then each further seed's random files
        ("journal", [lambda s=s: harness.fuzz_journal_files(s, s != harness.SEED) for s in seeds]),
        ("price", [lambda s=s: harness.fuzz_price_files(s, s != harness.SEED) for s in seeds]),
        ("cli", [lambda s=s: harness.fuzz_cli(seed=s) for s in seeds]),
        ("storage", [harness.fuzz_storage_faults]),  # a fixed list of faults: one run
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.fuzz_report")
    parser.add_argument("--scale", type=int, default=1, help="K times the suite's cases (1-100)")
    args = parser.parse_args(argv)
    if not 1 <= args.scale <= 100:
        parser.error(f"--scale={args.scale} is out of range; allowed: 1 <= scale <= 100")
    tallies = []
    with tempfile.TemporaryDirectory() as d:
        os.environ["LEVERAGE_LAB_DB"] = str(Path(d) / "journal.db")
        start = time.perf_counter()
        for _, calls in surfaces(args.scale):
            tallies.append(merged([harness.run_surface(c) for c in calls]))
        took = time.perf_counter() - start
    print(harness.table(tallies))
    seeds = f"seeds {harness.SEED}..{harness.SEED + args.scale - 1}" if args.scale > 1 else ""
    print(f"\n{seeds or f'seed {harness.SEED}'}, scale {args.scale}, {took:.0f} s")
    for t in tallies:
        for e in t.examples:
            print(f"- {t.surface}: {e}")
    return 0 if all(t.clean for t in tallies) else 1


if __name__ == "__main__":
    raise SystemExit(main())
