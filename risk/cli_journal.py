"""``python -m risk journal {export,import}``: the trade journal's CSV export and import.

- ``export --db PATH --csv OUT``: every plan (as planned, with its amendments and outcome) to
  ``OUT``; prints the row count on stdout.
- ``import --db PATH --csv IN``: all or nothing. A file with any bad row writes nothing and exits
  2; stderr starts with one summary line, then one line per bad row and field.

``--db`` defaults to ``LEVERAGE_LAB_DB`` or the per-user default
(:func:`risk.journal.store.default_db_path`). The CSV layout is documented in
:mod:`risk.journal.csvio`.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from typing import Any

from risk.journal.csvio import (
    ImportRefused,
    export_csv,
    import_csv_text,
    parse_csv,
    read_csv_file,
)
from risk.journal.store import Journal


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "journal",
        help="trade journal: CSV export and import",
        description="Export the trade journal to CSV, or import a CSV into it (all or nothing).",
    )
    actions = p.add_subparsers(dest="action", required=True, parser_class=type(p))
    for name, helptext, csv_help in (
        ("export", "write every plan to a CSV file", "CSV file to write"),
        ("import", "read plans from a CSV file (all or nothing)", "CSV file to read"),
    ):
        a = actions.add_parser(name, help=helptext, description=helptext)
        a.add_argument(
            "--db",
            default=None,
            help="journal database (default: $LEVERAGE_LAB_DB or the per-user data directory)",
        )
        a.add_argument("--csv", required=True, help=csv_help)
        a.set_defaults(run=run)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except sqlite3.Error as exc:
        raise ValueError(f"--db={args.db!r}: {exc}; allowed: a journal database file") from None
    except OSError as exc:
        name = exc.filename if exc.filename is not None else args.csv
        raise ValueError(f"{name!r}: {exc.strerror}; allowed: a readable/writable path") from None


def _run(args: argparse.Namespace) -> int:
    if args.action == "export":
        with Journal(args.db) as journal:
            n = export_csv(journal, args.csv)
            sys.stdout.write(f"exported {n} plan(s) from {journal.path} to {args.csv}\n")
        return 0
    try:
        # read (bounded) and check the whole file before the journal is even opened, so a
        # refused file creates or changes nothing
        text = read_csv_file(args.csv)
        parse_csv(text, args.csv)
        with Journal(args.db) as journal:
            ids = import_csv_text(journal, text, args.csv)
            where = journal.path
    except ImportRefused as exc:
        sys.stderr.write(f"python -m risk journal import: error: {exc.summary}\n")
        for problem in exc.problems:
            sys.stderr.write(f"  {problem}\n")
        return 2
    line = f"imported {len(ids)} plan(s) from {args.csv} into {where}"
    if ids.present:
        line += f"; {len(ids.present)} already present (identical, skipped)"
    sys.stdout.write(line + "\n")
    return 0
