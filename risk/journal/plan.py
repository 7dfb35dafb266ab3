"""Trade plans and their outcomes, as frozen dataclasses with the journal's validation rules.

A plan is written BEFORE entry: side, entry, stop, targets (each closing a share of the position),
an optional trailing-stop rule, the thesis, what proves it wrong, and the risk budget. Rule 3 of
the project's source article: write the exit criteria before entry, then follow them.

Units
-----
Linear contracts only: prices in quote currency per base unit, ``quantity`` in base units,
money (``equity``, PnL, risk) in quote currency. Fractions, not percents: ``max_loss_frac=0.01``
is 1% of equity, ``taker_fee=0.0005`` is 0.05%, a target ``share`` of 0.5 closes half the
position.

Planned risk (1R)
-----------------
``planned_risk = quantity * (|entry - stop| + (entry + stop) * taker_fee)``: the price loss at the
stop plus the taker fees to open at the entry and close at the stop (the stop fills as a taker,
as in :func:`risk.sizing.loss_per_unit`). A plan may not risk more than ``max_loss_frac * equity``;
:func:`quantity_for_risk` gives the size that risks exactly that.

Every check raises ``ValueError`` naming the field, the value and what is allowed;
:func:`plan_problems` lists every failing field at once (used by the CSV import).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from risk._validate import check_choice, check_positive, check_range

SIDES = ("long", "short")
EXIT_REASONS = ("target", "stop", "thesis_changed", "liquidated", "other")
#: Exit reasons that mean the plan was followed: the target or the stop closed the trade.
PLANNED_EXITS = ("target", "stop")
#: Longest text a plan or an outcome holds (thesis, what proves it wrong, notes): what the app's
#: text areas accept, so every saved plan exports to cells its own import reads back.
MAX_TEXT_CHARS = 4_000
#: Highest plan id: SQLite's largest integer (2**63 - 1).
MAX_PLAN_ID = 2**63 - 1
#: Longest symbol.
MAX_SYMBOL_CHARS = 40
#: Relative slack on share sums and on the risk budget (float round-off, not a tolerance a user
#: could exploit: 1e-9 of the budget).
_EPS = 1e-9


def now_utc() -> str:
    """The current time as the journal stores it: ISO 8601, UTC, seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def normalize_time(name: str, value: str | datetime) -> str:
    """ISO 8601 text or a ``datetime`` -> ``YYYY-MM-DDTHH:MM:SS+00:00`` (UTC, whole seconds).

    A time without a zone is read as UTC.
    """
    if isinstance(value, datetime):
        dt = value
    else:
        try:
            dt = datetime.fromisoformat(str(value).strip()[:64])
        except ValueError:
            raise ValueError(
                f"{name}={_short(value)} is not a time; allowed: ISO 8601, "
                "e.g. 2024-05-01T12:00:00Z"
            ) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(UTC).isoformat(timespec="seconds")
    except (OverflowError, ValueError):
        # year 1 at +14:00 or year 9999 at -14:00 has no UTC time in datetime's range
        raise ValueError(
            f"{name}={_short(value)} is out of range in UTC; allowed: a time between years 1 and "
            "9999 in UTC"
        ) from None


def _short(value: Any, limit: int = 60) -> str:
    """``repr`` of a value, cut to ``limit`` characters for messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 5] + "...'"


def _check_text(name: str, value: Any, limit: int = MAX_TEXT_CHARS) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name}={_short(value)} is empty; allowed: a non-empty text")
    return _check_length(name, value, limit)


def _check_length(name: str, value: str, limit: int = MAX_TEXT_CHARS) -> str:
    if len(value) > limit:
        raise ValueError(
            f"{name} has {len(value):,} characters; allowed: at most {limit:,} characters"
        )
    return value


def _finite(name: str, value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{name}={value!r} is not a number; allowed: a finite number")
    return float(check_range(name, value))


@dataclass(frozen=True)
class _PriceShare:
    """``share`` of the planned quantity at ``price``; ``_what`` names it in error messages."""

    price: float
    share: float
    _what: ClassVar[str] = "price"

    def __post_init__(self) -> None:
        price = check_positive(f"{self._what} price", self.price)
        share = check_range(f"{self._what} share", self.share, 0.0, 1.0, lo_open=True)
        object.__setattr__(self, "price", float(price))
        object.__setattr__(self, "share", float(share))


@dataclass(frozen=True)
class Target(_PriceShare):
    """A take-profit: close ``share`` of the planned quantity at ``price``."""

    _what: ClassVar[str] = "target"


@dataclass(frozen=True)
class TrailingRule:
    """A trailing stop ``distance_frac`` behind the best price since activation.

    ``activation_price``: the trail starts once the price reaches it (on the profit side of the
    entry); ``None`` means from the entry on.
    """

    distance_frac: float
    activation_price: float | None = None

    def __post_init__(self) -> None:
        d = check_range(
            "trail distance_frac", self.distance_frac, 0.0, 1.0, lo_open=True, hi_open=True
        )
        object.__setattr__(self, "distance_frac", float(d))
        if self.activation_price is not None:
            a = check_positive("trail activation_price", self.activation_price)
            object.__setattr__(self, "activation_price", float(a))


@dataclass(frozen=True)
class Fill(_PriceShare):
    """One exit: ``share`` of the planned quantity closed at ``price``."""

    _what: ClassVar[str] = "exit"


def _as_targets(value: Any) -> tuple[Target, ...]:
    out = []
    for t in value:
        out.append(t if isinstance(t, Target) else Target(*t))
    return tuple(out)


def _as_fills(value: Any) -> tuple[Fill, ...]:
    out = []
    for f in value:
        out.append(f if isinstance(f, Fill) else Fill(*f))
    return tuple(out)


def _as_trailing(value: Any) -> TrailingRule | None:
    if value is None or isinstance(value, TrailingRule):
        return value
    if isinstance(value, dict):
        return TrailingRule(**value)
    return TrailingRule(*value)


def loss_at_stop(entry: float, stop: float, quantity: float, taker_fee: float = 0.0) -> float:
    """Planned risk (1R) in quote currency:
    ``quantity * (|entry - stop| + (entry + stop) * taker_fee)``.

    Price loss from entry to stop plus a taker fee on the opening and on the closing notional
    (the fee convention of :func:`risk.sizing.loss_per_unit`).
    """
    return quantity * (abs(entry - stop) + (entry + stop) * taker_fee)


def quantity_for_risk(
    equity: float, max_loss_frac: float, entry: float, stop: float, taker_fee: float = 0.0
) -> float:
    """Base units that lose exactly ``equity * max_loss_frac`` at the stop, fees included:
    ``equity * max_loss_frac / (|entry - stop| + (entry + stop) * taker_fee)``."""
    eq = float(check_positive("equity", equity))
    frac = float(check_range("max_loss_frac", max_loss_frac, 0.0, 1.0, lo_open=True))
    e = float(check_positive("entry", entry))
    s = float(check_positive("stop", stop))
    fee = float(check_range("taker_fee", taker_fee, 0.0, 0.01))
    if e == s:
        raise ValueError(f"stop={s:g} equals the entry; allowed: a stop away from the entry")
    return eq * frac / (abs(e - s) + (e + s) * fee)


@dataclass(frozen=True)
class Plan:
    """A trade plan as written before entry.

    ``quantity`` defaults to the size that risks exactly ``max_loss_frac * equity`` at the stop
    (:func:`quantity_for_risk`). ``plan_id`` is set by the journal once saved.
    """

    symbol: str
    side: str
    entry: float
    stop: float
    targets: tuple[Target, ...]
    what_proves_me_wrong: str
    max_loss_frac: float
    equity: float
    thesis: str = ""
    trailing: TrailingRule | None = None
    quantity: float | None = None
    taker_fee: float = 0.0
    created_at: str = field(default_factory=now_utc)
    plan_id: int | None = None

    def __post_init__(self) -> None:
        problems = plan_problems(self, normalize=True)
        if problems:
            raise ValueError(problems[0][1])

    @property
    def planned_risk(self) -> float:
        """1R in quote currency (:func:`loss_at_stop`)."""
        return loss_at_stop(self.entry, self.stop, float(self.quantity), self.taker_fee)

    @property
    def sign(self) -> float:
        return 1.0 if self.side == "long" else -1.0

    @property
    def targets_share(self) -> float:
        return sum(t.share for t in self.targets)

    def reward_risk(self) -> float:
        """Planned reward in R if every target fills (fees on the exits included):
        ``sum(share * qty * (side*(target - entry) - target*fee)) - qty*entry*fee``, over 1R."""
        q = float(self.quantity)
        gain = sum(
            t.share * q * (self.sign * (t.price - self.entry) - t.price * self.taker_fee)
            for t in self.targets
        )
        return (gain - q * self.entry * self.taker_fee) / self.planned_risk


def plan_problems(plan: Any, *, normalize: bool = False) -> list[tuple[str, str]]:
    """Every failing field of ``plan`` (a :class:`Plan` or any object with its attributes) as
    ``(field, message)`` pairs, in field order; empty when the plan is valid.

    With ``normalize`` (used by :class:`Plan` itself) the checked values are written back:
    numbers as floats, targets as :class:`Target`, the time as UTC ISO text, the default size.
    """
    problems: list[tuple[str, str]] = []
    ok: dict[str, Any] = {}

    def check(name: str, fn: Callable[[], Any]) -> None:
        try:
            ok[name] = fn()
        except (ValueError, TypeError) as exc:
            msg = str(exc) if isinstance(exc, ValueError) else f"{name}: {exc}"
            problems.append((name, msg))

    g = plan.__getattribute__
    check("symbol", lambda: _check_text("symbol", g("symbol"), MAX_SYMBOL_CHARS).strip())
    check("side", lambda: check_choice("side", g("side"), SIDES))
    check("entry", lambda: float(check_positive("entry", _finite("entry", g("entry")))))
    check("stop", lambda: _check_stop(g("side"), ok.get("entry"), g("stop")))
    check("targets", lambda: _check_targets(g("side"), ok.get("entry"), g("targets")))
    check("trailing", lambda: _check_trailing(g("side"), ok.get("entry"), g("trailing")))
    check("thesis", lambda: _as_str("thesis", g("thesis")))
    check(
        "what_proves_me_wrong",
        lambda: _check_text("what_proves_me_wrong", g("what_proves_me_wrong")),
    )
    check(
        "max_loss_frac",
        lambda: float(
            check_range(
                "max_loss_frac",
                _finite("max_loss_frac", g("max_loss_frac")),
                0.0,
                1.0,
                lo_open=True,
            )
        ),
    )
    check("equity", lambda: float(check_positive("equity", _finite("equity", g("equity")))))
    check(
        "taker_fee",
        lambda: float(
            check_range(
                "taker_fee",
                _finite("taker_fee", g("taker_fee")),
                0.0,
                0.01,
                why="a fraction: 0.0005 = 0.05%",
            )
        ),
    )
    check("quantity", lambda: _check_quantity(ok, g("quantity")))
    check("created_at", lambda: normalize_time("created_at", g("created_at")))
    check("plan_id", lambda: _check_id(g("plan_id")))
    if normalize:
        for name, value in ok.items():
            object.__setattr__(plan, name, value)
    return problems


def _as_str(name: str, value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{name}={_short(value)} is not text; allowed: a text")
    return _check_length(name, value)


def _check_id(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PLAN_ID:
        raise ValueError(
            f"plan_id={_short(value)} is not a plan id; allowed: an integer from 1 to {MAX_PLAN_ID}"
        )
    return value


def _check_stop(side: Any, entry: float | None, stop: Any) -> float:
    if stop is None:
        raise ValueError("stop=None is missing; allowed: a stop price (a plan needs a stop)")
    s = float(check_positive("stop", _finite("stop", stop)))
    if entry is None or side not in SIDES:
        return s
    if side == "long" and not s < entry:
        raise ValueError(
            f"stop={s:g} is not below the entry {entry:g} of a long; allowed: 0 < stop < {entry:g}"
        )
    if side == "short" and not s > entry:
        raise ValueError(
            f"stop={s:g} is not above the entry {entry:g} of a short; allowed: stop > {entry:g}"
        )
    return s


def _check_targets(side: Any, entry: float | None, value: Any) -> tuple[Target, ...]:
    if value is None or isinstance(value, str | bytes):
        raise ValueError(
            f"targets={value!r} is not a list; allowed: one or more (price, share) pairs"
        )
    try:
        targets = _as_targets(value)
    except TypeError:
        raise ValueError(
            f"targets={value!r} is not a list of (price, share); allowed: one or more pairs"
        ) from None
    if not targets:
        raise ValueError("targets=() is empty; allowed: one or more (price, share) pairs")
    total = sum(t.share for t in targets)
    if total > 1.0 + _EPS:
        raise ValueError(
            f"targets share sum={total:g} is out of range; allowed: shares summing to <= 1"
        )
    if entry is not None and side in SIDES:
        for t in targets:
            if side == "long" and not t.price > entry:
                raise ValueError(
                    f"target price={t.price:g} is not above the entry {entry:g} of a long; "
                    f"allowed: target > {entry:g}"
                )
            if side == "short" and not t.price < entry:
                raise ValueError(
                    f"target price={t.price:g} is not below the entry {entry:g} of a short; "
                    f"allowed: 0 < target < {entry:g}"
                )
    return targets


def _check_trailing(side: Any, entry: float | None, value: Any) -> TrailingRule | None:
    rule = _as_trailing(value)
    if rule is None or rule.activation_price is None or entry is None or side not in SIDES:
        return rule
    a = rule.activation_price
    if (side == "long" and not a > entry) or (side == "short" and not a < entry):
        where = "above" if side == "long" else "below"
        raise ValueError(
            f"trail activation_price={a:g} is not {where} the entry {entry:g} of a {side}; "
            f"allowed: a price {where} {entry:g}"
        )
    return rule


def _check_quantity(ok: dict[str, Any], value: Any) -> float | None:
    needed = ("entry", "stop", "equity", "max_loss_frac", "taker_fee")
    if value is None:
        if not all(k in ok for k in needed):
            return None  # not sizable; the failing fields are reported on their own
        return quantity_for_risk(
            ok["equity"], ok["max_loss_frac"], ok["entry"], ok["stop"], ok["taker_fee"]
        )
    q = float(check_positive("quantity", _finite("quantity", value)))
    if all(k in ok for k in needed):
        risk = loss_at_stop(ok["entry"], ok["stop"], q, ok["taker_fee"])
        budget = ok["max_loss_frac"] * ok["equity"]
        if risk > budget * (1.0 + _EPS):
            qmax = quantity_for_risk(
                ok["equity"], ok["max_loss_frac"], ok["entry"], ok["stop"], ok["taker_fee"]
            )
            raise ValueError(
                f"quantity={q:g} loses {risk:g} at the stop, more than max_loss_frac * equity = "
                f"{budget:g}; allowed: 0 < quantity <= {qmax:g}"
            )
    return q


@dataclass(frozen=True)
class Outcome:
    """How a plan ended: the exit fills, the reason, notes and the closing time.

    The fills' shares must sum to 1: the whole planned quantity is closed.
    """

    exits: tuple[Fill, ...]
    exit_reason: str
    notes: str = ""
    closed_at: str = field(default_factory=now_utc)

    def __post_init__(self) -> None:
        problems = outcome_problems(self, normalize=True)
        if problems:
            raise ValueError(problems[0][1])

    def average_exit(self) -> float:
        """Share-weighted exit price."""
        return sum(f.price * f.share for f in self.exits) / sum(f.share for f in self.exits)


def outcome_problems(outcome: Any, *, normalize: bool = False) -> list[tuple[str, str]]:
    """Every failing field of an outcome as ``(field, message)`` pairs, like
    :func:`plan_problems`."""
    problems: list[tuple[str, str]] = []
    ok: dict[str, Any] = {}

    def check(name: str, fn: Callable[[], Any]) -> None:
        try:
            ok[name] = fn()
        except (ValueError, TypeError) as exc:
            problems.append((name, str(exc)))

    g = outcome.__getattribute__
    check("exits", lambda: _check_exits(g("exits")))
    check("exit_reason", lambda: check_choice("exit_reason", g("exit_reason"), EXIT_REASONS))
    check("notes", lambda: _as_str("notes", g("notes")))
    check("closed_at", lambda: normalize_time("closed_at", g("closed_at")))
    if normalize:
        for name, value in ok.items():
            object.__setattr__(outcome, name, value)
    return problems


def _check_exits(value: Any) -> tuple[Fill, ...]:
    if value is None or isinstance(value, str | bytes):
        raise ValueError(f"exits={value!r} is not a list; allowed: one or more (price, share)")
    try:
        fills = _as_fills(value)
    except TypeError:
        raise ValueError(
            f"exits={value!r} is not a list of (price, share); allowed: one or more pairs"
        ) from None
    if not fills:
        raise ValueError("exits=() is empty; allowed: one or more (price, share) pairs")
    total = sum(f.share for f in fills)
    if not math.isclose(total, 1.0, rel_tol=0.0, abs_tol=1e-9):
        raise ValueError(
            f"exits share sum={total:g} is out of range; allowed: shares summing to 1 "
            "(the whole position is closed)"
        )
    return fills


def fills(pairs: Iterable[Sequence[float]]) -> tuple[Fill, ...]:
    """``[(price, share), ...]`` -> fills (a convenience for callers and tests)."""
    return _as_fills(pairs)


def realized_pnl(
    side: str, entry: float, quantity: float, exits: Iterable[Fill], taker_fee: float = 0.0
) -> float:
    """Realized PnL in quote currency of a linear position closed by ``exits``:

    ``sum_i share_i * q * s * (P_i - entry) - fee * q * (entry + sum_i share_i * P_i)``

    with ``s`` = +1 long / -1 short: the price PnL of each fill minus a taker fee on the opening
    notional and on each closing notional (the convention of :func:`loss_at_stop`, so a full exit
    at the stop realizes exactly ``-planned_risk``).
    """
    s = 1.0 if check_choice("side", side, SIDES) == "long" else -1.0
    out = 0.0
    fee = -taker_fee * quantity * entry
    for f in exits:
        out += f.share * quantity * s * (f.price - entry)
        fee -= taker_fee * f.share * quantity * f.price
    return out + fee
