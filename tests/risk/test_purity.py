"""risk/ is a pure library: it never imports streamlit or plotly (docs/CONVENTIONS.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import risk

PACKAGE = Path(risk.__file__).parent
FORBIDDEN = ("streamlit", "plotly")
SOURCES = sorted(PACKAGE.rglob("*.py"))


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call):
            # importlib.import_module("...") / __import__("...") with a literal name
            func = node.func
            called = getattr(func, "attr", None) or getattr(func, "id", None)
            if called in ("import_module", "__import__") and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    names.add(arg.value)
    return names


def test_sources_found() -> None:
    assert PACKAGE / "liquidation.py" in SOURCES and len(SOURCES) >= 10


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_no_ui_imports_in_source(path) -> None:
    bad = {m for m in _imported_modules(path) if m.split(".")[0] in FORBIDDEN}
    assert not bad, f"{path.name} imports {sorted(bad)}"


def test_checker_catches_ui_imports(tmp_path) -> None:
    # the check itself can fail
    f = tmp_path / "x.py"
    f.write_text("import plotly.graph_objects as go\nfrom streamlit import cache_data\n")
    assert {m.split(".")[0] for m in _imported_modules(f)} == {"plotly", "streamlit"}


def test_importing_everything_loads_no_ui_module() -> None:
    modules = sorted(
        "risk." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts)
        for p in SOURCES
        if p.name not in ("__init__.py", "__main__.py")
    )
    code = (
        "import sys, importlib\n"
        "import risk\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "from risk.cli import build_parser\n"
        "build_parser()\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=PACKAGE.parent,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
