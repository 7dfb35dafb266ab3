"""Fixed-seed fuzzing of every surface (issue 15): the pages' widgets, every URL-bound key, bad
journal and price files, random command lines and the journal's storage faults.

Each ``fuzz_*`` function tries a fixed number of cases from a fixed seed and returns a
:class:`Tally`; ``tests/fuzz/test_fuzz.py`` asserts on it and ``tools/fuzz_report.py`` prints the
table. A case is a *crash* when an exception escapes (a traceback on a page, anything but exit 0/2
from the CLI), a *hang* when it exceeds its time limit, *unclear* when a refusal is not a
sentence (no ``st.error``/``st.warning``; more than one stderr line), and rows are *lost* when a
refused import changed the journal.
"""

from __future__ import annotations

import ast
import contextlib
import io
import itertools
import os
import random
import sqlite3
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1.element_tree import Selectbox

from ui.testing import PAGE_NAMES, ROOT, app_test

SEED = 20_261_202
#: Every page, from app.py's list (so a page added there is fuzzed too).
PAGES: tuple[str, ...] = tuple(f"pages/{name}.py" for name in PAGE_NAMES)
#: Per AppTest run: longer means a hang.
RUN_TIMEOUT_S = 60.0


@dataclass
class Tally:
    """What one surface's fuzzing tried and how each case ended."""

    surface: str
    tried: int = 0
    accepted: int = 0
    refused: int = 0  # refused with a sentence (st.error/st.warning, or one stderr line)
    crashes: int = 0
    hangs: int = 0
    unclear: int = 0  # a refusal that was not a sentence
    rows_lost: int = 0
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)

    def bad(self, kind: str, what: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.examples) < 5:
            self.examples.append(f"{kind}: {what}")

    @property
    def clean(self) -> bool:
        return not (self.crashes or self.hangs or self.unclear or self.rows_lost)


# --- URL-bound keys, collected from the source --------------------------------------------------
#: How far an f-string key's placeholders are expanded (``f"cp_rho{i}{j}"``: every pair of 0..5;
#: the pages have at most 5 numbered rows, so one key beyond the last is tried too).
FSTRING_RANGE = 6


def bound_keys(path: str | Path) -> list[str]:
    """The ``key`` of every widget call with ``bind="query-params"`` in a source file; an f-string
    key (``f"cp_asset{i}"``) is expanded for every placeholder over 0..``FSTRING_RANGE``-1."""
    tree = ast.parse(Path(ROOT, path).read_text())
    keys: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        bind = kw.get("bind")
        if not (isinstance(bind, ast.Constant) and bind.value == "query-params"):
            continue
        key = kw.get("key")
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            keys.append(key.value)
        elif isinstance(key, ast.Name):  # a module constant such as K_LEVERAGE
            for n in ast.walk(tree):
                if (
                    isinstance(n, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == key.id for t in n.targets)
                    and isinstance(n.value, ast.Constant)
                ):
                    keys.append(str(n.value.value))
        elif isinstance(key, ast.JoinedStr):
            holes = sum(not isinstance(v, ast.Constant) for v in key.values)
            for combo in itertools.product(range(FSTRING_RANGE), repeat=holes):
                fill = iter(combo)
                keys.append(
                    "".join(
                        str(v.value) if isinstance(v, ast.Constant) else str(next(fill))
                        for v in key.values
                    )
                )
    return sorted(set(keys))


def ui_modules(path: str | Path) -> set[str]:
    """The ``ui/*.py`` files that ``path`` imports, directly or through other ``ui`` modules
    (``from ui import calculator``, ``from ui.calculator import x``, ``import ui.calculator``)."""
    seen: set[str] = set()
    todo = [str(path)]
    while todo:
        tree = ast.parse(Path(ROOT, todo.pop()).read_text())
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module == "ui":
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ui."):
                names = [node.module.split(".")[1]]
            elif isinstance(node, ast.Import):
                names = [a.name.split(".")[1] for a in node.names if a.name.startswith("ui.")]
            for name in names:
                f = f"ui/{name}.py"
                if f not in seen and Path(ROOT, f).is_file():
                    seen.add(f)
                    todo.append(f)
    return seen


#: Parameters a page reads from the link itself, not through a widget (ui.notices.PAGE_PARAMS).
PAGE_PARAMS: tuple[str, ...] = ("pos", "present", "step")


def all_bound_keys() -> dict[str, list[str]]:
    """``{"ui/scenario.py": the sidebar's keys, page: that page's keys}``, a page's keys being
    those bound in the page and in every ``ui`` module it imports (the calculator on the
    Liquidation map, say), plus the parameters pages read from the link directly."""
    out = {"ui/scenario.py": bound_keys("ui/scenario.py")}
    for page in PAGES:
        keys = set(bound_keys(page)).union(*(bound_keys(m) for m in ui_modules(page)))
        out[page] = sorted(keys.union(PAGE_PARAMS) - set(out["ui/scenario.py"]))
    return out


GARBAGE = (
    "",
    " ",
    "inf",
    "-inf",
    "nan",
    "1e400",
    "-1e400",
    "0",
    "-1",
    "1e308",
    "-0",
    "9" * 40,
    "abc",
    "%00",
    "\x00",
    "long,short",
    "🙂",
    "x" * 3_000,
    "1.5.5",
    "true",
    "[]",
    "{}",
)


# --- pages ---------------------------------------------------------------------------------------
def _page_problem(at) -> str | None:
    if at.exception:
        return "; ".join(str(e.value)[:120] for e in at.exception)
    return None


class _SelectByLabel(Selectbox):
    """A selectbox that sends the label the user clicked, as the browser does. AppTest's own
    ``select_index`` passes the label through the page's ``format_func``, which expects an
    option (an exchange key, say) and not its label."""

    _label: str = ""

    @property
    def _widget_state(self) -> WidgetState:
        ws = WidgetState()
        ws.id = self.id
        ws.string_value = self._label
        return ws


def _choose_label(w: Selectbox, index: int) -> None:
    w.__class__ = _SelectByLabel
    w._label = w.options[index]


def _random_interaction(at, rng: random.Random) -> str | None:
    """Change one random widget to a random allowed value; returns what was done."""
    pools = []
    for kind in ("number_input", "slider", "selectbox", "segmented_control", "radio",
                 "multiselect", "checkbox", "toggle", "select_slider", "text_input"):  # fmt: skip
        with contextlib.suppress(Exception):
            pools += [(kind, w) for w in getattr(at, kind) if getattr(w, "key", None)]
    if not pools:
        return None
    kind, w = rng.choice(pools)
    try:
        if kind == "number_input":
            lo = w.min if w.min is not None else -1e6
            hi = w.max if w.max is not None else 1e6
            v = rng.choice([lo, hi, lo + (hi - lo) * rng.random(), (lo + hi) / 2])
            if isinstance(w.step, int) or isinstance(lo, int):
                v = round(v)
            w.set_value(v)
        elif kind == "slider":
            lo, hi = w.min, w.max
            if isinstance(lo, int) and isinstance(hi, int):
                w.set_value(rng.choice([lo, hi, rng.randint(lo, hi)]))
            elif isinstance(lo, float) and isinstance(hi, float):
                step = float(w.step or (hi - lo) / 100)
                k = rng.randint(0, max(0, round((hi - lo) / step)))
                w.set_value(rng.choice([lo, hi, min(hi, round(lo + k * step, 10))]))
            else:
                return None
        elif kind == "selectbox":
            if not w.options:
                return None
            _choose_label(w, rng.randrange(len(w.options)))
        elif kind in ("radio", "select_slider"):
            w.set_value(rng.choice(list(w.options)) if w.options else None)
        elif kind == "segmented_control":
            if not w.options:
                return None
            w.set_value(rng.choice(list(w.options)))
        elif kind == "multiselect":
            opts = list(w.options)
            w.set_value(rng.sample(opts, rng.randint(0, len(opts))) if opts else [])
        elif kind in ("checkbox", "toggle"):
            w.set_value(not w.value)
        elif kind == "text_input":
            w.input(rng.choice(["", "x", "=1+1", "![i](http://127.0.0.1:9/p.png)", "BTC"]))
    except Exception:  # the option labels differ from values, say: skip this one
        return None
    try:
        at.run()
    except RuntimeError:
        raise  # AppTest's timeout: a hang
    except Exception:
        # AppTest could not serialize the value it was given (a label where it wants an option
        # value): a limit of the harness, not of the page; the caller moves to the next page
        return "harness"
    return f"{kind} {w.key}"


def fuzz_pages(steps: int = 8, sequences: int = 2, seed: int = SEED) -> Tally:
    """Random widget interactions on every page (on an empty temporary journal)."""
    t = Tally("pages (widget interactions)")
    rng = random.Random(seed)
    for page in PAGES:
        for _ in range(sequences):
            try:
                at = app_test(page, timeout=RUN_TIMEOUT_S)
            except RuntimeError as exc:
                t.tried += 1
                t.bad("hangs", f"{page}: {exc}")
                continue
            for _ in range(steps):
                try:
                    what = _random_interaction(at, rng)
                except RuntimeError as exc:  # AppTest's timeout
                    t.tried += 1
                    t.bad("hangs", f"{page}: {exc}")
                    break
                if what is None:
                    continue
                if what == "harness":
                    break  # AppTest's state is unusable: next page
                t.tried += 1
                problem = _page_problem(at)
                if problem:
                    t.bad("crashes", f"{page} after {what}: {problem}")
                elif at.error or at.warning:
                    t.refused += 1
                else:
                    t.accepted += 1
    return t


def fuzz_url_keys(links_per_page: int = 4, seed: int = SEED) -> Tally:
    """Garbage for every URL-bound key: each link sets all of a page's keys and the sidebar's."""
    t = Tally("URL keys (garbage values)")
    rng = random.Random(seed)
    keys = all_bound_keys()
    sidebar = keys.get("ui/scenario.py", [])
    for page in PAGES:
        for _ in range(links_per_page):
            params = {k: rng.choice(GARBAGE) for k in (*sidebar, *keys.get(page, []))}
            t.tried += len(params)
            try:
                at = app_test(page, query_params=params, timeout=RUN_TIMEOUT_S)
            except RuntimeError as exc:
                t.bad("hangs", f"{page}: {exc}")
                continue
            problem = _page_problem(at)
            if problem:
                t.crashes += len(params) - 1
                t.bad("crashes", f"{page} {params}: {problem}")
            else:
                t.refused += len(params)  # each one honoured, refused by type or named
    return t


# --- journal files -------------------------------------------------------------------------------
HEADER = (
    "id,created_at,symbol,side,entry,stop,quantity,targets,trail_distance_frac,"
    "trail_activation_price,thesis,what_proves_me_wrong,max_loss_frac,equity,taker_fee,"
    "amendments,exits,exit_reason,notes,closed_at"
)
GOOD = ",,BTCUSDT,long,100,95,,110:1,,,,below 95,0.01,10000,,,,,,"


def journal_corpus(seed: int = SEED) -> list[tuple[str, str]]:
    """``(name, text)`` of bad journal CSVs (each must be refused)."""
    rng = random.Random(seed)
    g = GOOD.split(",")

    def with_cell(col: int, value: str) -> str:
        cells = list(g)
        cells[col] = value
        return HEADER + "\n" + GOOD + "\n" + ",".join(cells) + "\n"

    corpus = [
        ("empty", ""),
        ("header only, unknown column", "colour\n"),
        ("binary", "\x00\x01\x02" * 50),
        ("id 2**63", with_cell(0, str(2**63))),
        ("id huge", with_cell(0, "9" * 500)),
        ("id negative", with_cell(0, "-5")),
        ("date year 0", with_cell(1, "0000-01-01")),
        ("date out of UTC range", with_cell(1, "0001-01-01T00:00+14:00")),
        ("date far future", with_cell(1, "9999-12-31T23:59-14:00")),
        ("entry inf", with_cell(4, "inf")),
        ("entry 1e400", with_cell(4, "1e400")),
        ("entry nan", with_cell(4, "nan")),
        ("stop above a long entry", with_cell(5, "101")),
        ("targets garbage", with_cell(7, ";;:;:")),
        ("targets huge", with_cell(7, ";".join(["110:0.001"] * 5_000))),
        ("thesis too long", with_cell(10, "t" * 5_000)),
        ("cell over the csv limit", with_cell(18, "n" * 140_000)),
        ("nested amendments", with_cell(15, '"' + "[" * 20_000 + "]" * 20_000 + '"')),
        ("amendments not a list", with_cell(15, '"{""a"": 1}"')),
        ("exit without reason", with_cell(16, "100:1")),
        ("unterminated quote", HEADER + "\n" + GOOD + '\n"abc,' + GOOD + "\n"),
        ("too many cells", HEADER + "\n" + GOOD + ",extra\n"),
        ("duplicate id", HEADER + "\n7" + GOOD + "\n7" + GOOD + "\n"),
    ]
    for k in range(40):  # random bytes in random cells of a good row
        cells = list(g)
        col = rng.randrange(len(cells))
        cells[col] = "".join(chr(rng.choice([0, 9, 13, 34, 44, 61, 0x7F, 0xFF, 0x2028]))
                             for _ in range(rng.randint(1, 6)))  # fmt: skip
        corpus.append((f"random cell {k}", HEADER + "\n" + ",".join(cells) + "\nbad row\n"))
    return corpus


def fuzz_journal_files(seed: int = SEED, random_only: bool = False) -> Tally:
    """Every corpus file imported into a journal holding one plan: refused, nothing written
    (``random_only``: only the seed's random files, not the fixed cases again)."""
    from risk.journal.csvio import import_csv_text
    from risk.journal.plan import Plan
    from risk.journal.store import Journal

    t = Tally("journal files (bad CSV)")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "j.db"
        with Journal(path) as j:
            j.save_plan(Plan("BTCUSDT", "long", 100, 95, [(110, 1)], "below 95", 0.01, 10_000))
            before = j.histories()
            for name, text in journal_corpus(seed):
                if random_only and not name.startswith("random"):
                    continue
                t.tried += 1
                try:
                    import_csv_text(j, text, name)
                except ValueError as exc:
                    if "refused, nothing written" in str(exc) or "allowed" in str(exc):
                        t.refused += 1
                    else:
                        t.bad("unclear", f"{name}: {str(exc)[:100]}")
                except Exception as exc:
                    t.bad("crashes", f"{name}: {type(exc).__name__}: {str(exc)[:100]}")
                else:
                    t.bad("unclear", f"{name}: accepted")
                now = j.histories()
                if now != before:
                    t.rows_lost += abs(len(now) - len(before)) or 1
                    before = now
    return t


# --- price files ---------------------------------------------------------------------------------
def price_corpus(seed: int = SEED) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)

    def rows(n=60, f=lambda k, c: f"{1_700_000_000 + 3600 * k},{c},{c * 1.01},{c * 0.99},{c}"):
        c = 100.0
        out = ["timestamp,open,high,low,close"]
        for k in range(n):
            c *= 1 + rng.uniform(-0.01, 0.01)
            out.append(f(k, c))
        return ("\n".join(out) + "\n").encode()

    return [
        ("empty", b""),
        ("no header", b"1,2\n3,4\n"),
        ("binary", bytes(range(256)) * 20),
        ("no close", b"timestamp,price\n" + b"1,2\n" * 60),
        ("too few rows", rows(10)),
        (
            "high below low",
            rows(f=lambda k, c: f"{1_700_000_000 + 3600 * k},{c},{c * 0.9},{c},{c}"),
        ),
        ("negative price", rows(f=lambda k, c: f"{1_700_000_000 + 3600 * k},{c},{c},{c},{-c}")),
        ("nan close", rows(f=lambda k, c: f"{1_700_000_000 + 3600 * k},{c},{c},{c},nan")),
        ("inf close", rows(f=lambda k, c: f"{1_700_000_000 + 3600 * k},{c},{c},{c},inf")),
        (
            "absurd volatility",
            rows(f=lambda k, c: f"{1_700_000_000 + 60 * k},1,1e6,1,{10 ** (k % 2 * 5)}"),
        ),
        ("repeated time", rows(f=lambda k, c: f"1700000000,{c},{c},{c},{c}")),
        ("time backwards", rows(f=lambda k, c: f"{1_800_000_000 - 60 * k},{c},{c},{c},{c}")),
        ("bad timestamp", rows(f=lambda k, c: f"yesterday,{c},{c},{c},{c}")),
        ("too large", b"timestamp,close\n" + b"1,1\n" * 2_000_000),
        ("ragged", rows() + b"1,2,3,4,5,6,7\n"),
        *_price_mutants(rows, rng, 45),
    ]


#: What a corrupted price file's cell becomes: each makes the file unusable.
BAD_PRICE_CELLS = (
    "",
    "nan",
    "inf",
    "-1",
    "0",
    "abc",
    "1e400",
    "1,5",
    '"',
    "\x00",
    "-inf",
    "1e-400",
)


def _price_mutants(rows, rng: random.Random, n: int) -> list[tuple[str, bytes]]:
    """``n`` good files with one cell of one row replaced by a value no price file may hold
    (a missing, negative, zero, infinite or non-numeric price, or a stray quote or comma)."""
    out = []
    for k in range(n):
        lines = rows().decode().splitlines()
        r = rng.randrange(1, len(lines))
        cells = lines[r].split(",")
        col = rng.randrange(1, len(cells))  # a price column (the timestamp has its own cases)
        cells[col] = rng.choice(BAD_PRICE_CELLS)
        lines[r] = ",".join(cells)
        out.append(
            (f"random bad cell {k} (row {r}, column {col})", ("\n".join(lines) + "\n").encode())
        )
    return out


def fuzz_price_files(seed: int = SEED, random_only: bool = False) -> Tally:
    """Every corpus file through the price-file reader: refused in a sentence naming the rule."""
    from risk.paths import load_price_csv

    t = Tally("price files (bad CSV)")
    for name, data in price_corpus(seed):
        if random_only and not name.startswith("random"):
            continue
        t.tried += 1
        try:
            load_price_csv(data)
        except ValueError as exc:
            msg = str(exc)
            if "allowed" in msg and "\n" not in msg:
                t.refused += 1
            else:
                t.bad("unclear", f"{name}: {msg[:100]}")
        except Exception as exc:
            t.bad("crashes", f"{name}: {type(exc).__name__}: {str(exc)[:100]}")
        else:
            t.bad("unclear", f"{name}: accepted")
    return t


# --- command line --------------------------------------------------------------------------------
#: Every --exchange spelling of the command line, and one it does not know.
EXCHANGES = ("binance", "bybit", "bybit-uta", "okx", "gate", "kucoin", "bitget", "phemex",
             "hyperliquid", "generic", "x")  # fmt: skip
NUMBERS = ("0", "-1", "1e-200", "1e308", "inf", "nan", "abc", "", "0.5", "10", "125", "1e9")


def cli_vectors(n: int, seed: int = SEED) -> list[list[str]]:
    rng = random.Random(seed)

    def num() -> str:
        return rng.choice(NUMBERS) if rng.random() < 0.5 else f"{rng.uniform(-1, 200):.6g}"

    out = []
    for _ in range(n):
        sub = rng.choice(["liq", "liq", "odds", "journal", "pnl", "max-open", "entry", "bogus"])
        exchange = rng.choice(EXCHANGES)
        if sub == "pnl":
            argv = ["pnl", "--exchange", exchange, "--side", rng.choice(["long", "short"]),
                    "--entry", num(), "--quantity", num(), "--leverage", num()]  # fmt: skip
            argv += rng.choice([["--exit", num()], ["--roe", num()], []])
            if rng.random() < 0.3:
                argv += ["--contract", "inverse", "--contract-size", num()]
            if rng.random() < 0.3:
                argv += ["--taker-fee", num()]
        elif sub == "max-open":
            argv = ["max-open", "--exchange", exchange, "--side", rng.choice(["long", "short"]),
                    "--entry", num(), "--balance", num(), "--leverage", num()]  # fmt: skip
            for opt in ("--lot", "--taker-fee", "--mmr", "--max-leverage"):
                if rng.random() < 0.3:
                    argv += [opt, num()]
            if rng.random() < 0.2:
                argv += ["--contract", "inverse"]
        elif sub == "entry":
            argv = ["entry"]
            for _ in range(rng.randint(0, 4)):
                argv += ["--fill", rng.choice([f"{num()}:{num()}", num(), f"{num()}@{num()}", ""])]
            if rng.random() < 0.3:
                argv += ["--contract", "inverse", "--contract-size", num()]
        elif sub == "liq":
            argv = ["liq", "--exchange", exchange,
                    "--side", rng.choice(["long", "short"]), "--entry", num(),
                    "--quantity", num(), "--leverage", num()]  # fmt: skip
            for opt in ("--mmr", "--maintenance-amount", "--taker-fee", "--contract-size"):
                if rng.random() < 0.3:
                    argv += [opt, num()]
            if rng.random() < 0.2:
                argv += ["--contract", "inverse"]
            if rng.random() < 0.2:
                argv += ["--mode", "cross", "--wallet", num()]
            if rng.random() < 0.2:
                argv += ["--mark", num()]
            if rng.random() < 0.1:
                argv += ["--hedge", rng.choice([f"{num()}@{num()}", num(), "@", ""])]
            if rng.random() < 0.5:
                argv.append("--json")
        elif sub == "odds":
            argv = ["odds", "--side", rng.choice(["long", "short"]), "--leverage",
                    ",".join(num() for _ in range(rng.randint(1, 3))), "--vol", num(),
                    "--horizon-days", num()]  # fmt: skip
            if rng.random() < 0.3:
                argv += [
                    "--model",
                    rng.choice(["gbm", "student_t", "jump"]),
                    "--paths",
                    rng.choice(["100", "0", "-5", "1e3"]),
                    "--steps",
                    "8",
                ]
            for opt in ("--mmr", "--drift", "--stop-frac"):
                if rng.random() < 0.3:
                    argv += [opt, num()]
            if rng.random() < 0.5:
                argv.append("--json")
        elif sub == "journal":
            argv = ["journal", rng.choice(["import", "export"]), "--csv",
                    rng.choice(["/dev/null", "/nonexistent/x.csv", "/"])]  # fmt: skip
        else:
            argv = [rng.choice(["bogus", "--help-me", ""])]
        out.append(argv)
    return out


def _strict_json(text: str) -> bool:
    """Whether ``text`` is JSON without NaN/Infinity (which strict parsers reject)."""
    import json

    def refuse(constant: str) -> None:
        raise ValueError(constant)

    try:
        json.loads(text, parse_constant=refuse)
    except ValueError:
        return False
    return True


def fuzz_cli(n: int = 1_000, seed: int = SEED) -> Tally:
    """Random argument vectors through ``risk.cli.main``: exit 0, or exit 2 with ONE stderr line
    (the journal import's refusal: a summary line then one line per problem)."""
    from risk.cli import main

    t = Tally("CLI vectors")
    with tempfile.TemporaryDirectory() as d:
        db = str(Path(d) / "cli.db")
        # the vectors' /dev/null, reached through a link: an export that renamed a file over the
        # path it was given would replace the link, never the machine's /dev/null
        null = Path(d) / "null"
        null.symlink_to(os.devnull)
        for argv in cli_vectors(n, seed):
            if argv[0] == "journal":
                argv = [str(null) if a == "/dev/null" else a for a in argv] + ["--db", db]
            t.tried += 1
            out, err = io.StringIO(), io.StringIO()
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    code = main(argv)
            except SystemExit as exc:  # argparse usage errors
                code = exc.code
            except Exception as exc:
                t.bad("crashes", f"{argv}: {type(exc).__name__}: {str(exc)[:100]}")
                continue
            lines = err.getvalue().splitlines()
            if code == 0:
                if "--json" in argv and not _strict_json(out.getvalue()):
                    t.bad("unclear", f"{argv}: NaN or Infinity in the JSON")
                else:
                    t.accepted += 1
            elif code == 2 and (
                len(lines) == 1 or (lines and "refused, nothing written" in lines[0])
            ):
                t.refused += 1
            else:
                t.bad("unclear", f"{argv}: exit {code}, stderr {lines[:3]}")
        if not null.is_symlink() or not stat.S_ISCHR(os.stat(null).st_mode):
            t.bad("unclear", "an export replaced the link to /dev/null instead of writing to it")
    return t


# --- storage faults ------------------------------------------------------------------------------
def _fault_files(d: Path) -> list[tuple[str, Callable[[Path], None]]]:
    from risk.journal.plan import Plan
    from risk.journal.store import Journal

    def journal(p: Path) -> None:
        with Journal(p) as j:
            j.save_plan(Plan("BTCUSDT", "long", 100, 95, [(110, 1)], "below 95", 0.01, 10_000))
        raw = sqlite3.connect(p)
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.execute("PRAGMA journal_mode = DELETE")
        raw.close()

    def text(p: Path) -> None:
        p.write_text("not a database " * 40)

    def newer(p: Path) -> None:
        journal(p)
        raw = sqlite3.connect(p)
        raw.execute("PRAGMA user_version = 42")
        raw.close()

    def truncated(p: Path) -> None:
        journal(p)
        p.write_bytes(p.read_bytes()[:1500])

    def corrupt(p: Path) -> None:
        journal(p)
        b = bytearray(p.read_bytes())
        b[200:] = b"\xee" * (len(b) - 200)
        p.write_bytes(bytes(b))

    def directory(p: Path) -> None:
        p.mkdir()

    def foreign(p: Path) -> None:
        raw = sqlite3.connect(p)
        raw.execute("CREATE TABLE t (x)")
        raw.close()

    return [
        ("not a journal", text),
        ("newer schema", newer),
        ("truncated", truncated),
        ("corrupt", corrupt),
        ("a directory", directory),
        ("another program's db", foreign),
    ]


SQL_ERRORS = (
    "attempt to write a readonly database",
    "database is locked",
    "database or disk is full",
)


def fuzz_storage_faults() -> Tally:
    """Each fault through the pages' journal access (ui/journal_faults.py): a sentence."""
    from risk.journal.plan import Plan
    from risk.journal.store import Journal
    from ui.journal_faults import StorageFault, open_journal, read

    t = Tally("storage faults")
    with tempfile.TemporaryDirectory() as d:
        for k, (name, make) in enumerate(_fault_files(Path(d))):
            p = Path(d) / f"f{k}.db"
            make(p)
            t.tried += 1
            try:
                _, msg = read(p, lambda j: j.histories(), [])
            except Exception as exc:
                t.bad("crashes", f"{name}: {type(exc).__name__}: {exc}")
                continue
            if msg and "LEVERAGE_LAB_DB" in msg:
                t.refused += 1
            else:
                t.bad("unclear", f"{name}: {msg!r}")
        p = Path(d) / "ok.db"
        with Journal(p):
            pass
        for raw in SQL_ERRORS:
            t.tried += 1
            orig = Journal.save_plan

            def fail(self, *a, _raw=raw, **kw):
                raise sqlite3.OperationalError(_raw)

            Journal.save_plan = fail  # type: ignore[method-assign]
            try:
                with open_journal(p) as j:
                    j.save_plan(Plan("X", "long", 100, 95, [(110, 1)], "w", 0.01, 1_000))
            except StorageFault:
                t.refused += 1
            except Exception as exc:
                t.bad("crashes", f"{raw}: {type(exc).__name__}")
            else:
                t.bad("unclear", f"{raw}: no error")
            finally:
                Journal.save_plan = orig  # type: ignore[method-assign]
    return t


SURFACES: tuple[Callable[[], Tally], ...] = (
    fuzz_pages,
    fuzz_url_keys,
    fuzz_journal_files,
    fuzz_price_files,
    fuzz_cli,
    fuzz_storage_faults,
)


def run_surface(surface: Callable[[], Tally]) -> Tally:
    """``surface()`` with its wall time recorded."""
    import time

    start = time.perf_counter()
    t = surface()
    t.seconds = time.perf_counter() - start
    return t


def table(tallies: list[Tally]) -> str:
    """The closing note's table (Markdown)."""
    head = (
        "| surface | tried | accepted | clean refusals | crashes | hangs | unclear | rows lost "
        "| seconds |"
    )
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for t in tallies:
        lines.append(
            f"| {t.surface} | {t.tried} | {t.accepted} | {t.refused} | {t.crashes} | {t.hangs} "
            f"| {t.unclear} | {t.rows_lost} | {t.seconds:.1f} |"
        )
    return "\n".join(lines)
