"""``python -m risk``: the command line."""

from __future__ import annotations

from risk.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
