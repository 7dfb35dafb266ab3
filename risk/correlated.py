"""Correlated positions in one cross-margin account: the odds that the ACCOUNT is liquidated.

Model
-----
Each position ``i`` holds ``N_i`` quote currency of notional at entry (``quantity * entry``), side
``s_i`` (+1 long, -1 short), maintenance rate ``m_i`` (a fraction of the notional at the mark).
Log prices follow a joint Brownian motion (geometric Brownian motion for the prices):

    x_i(t) = mu_i t + sigma_i W_i(t),   corr(dW_i, dW_j) = C_ij

with ``mu_i`` the drift of the LOG price (``drift_annual``, default 0) and ``sigma_i`` the
annualized volatility (``vol_annual``). Correlated increments are ``Z @ L.T`` with ``L L^T = C``:
the Cholesky factor, or for a positive semi-definite but singular matrix (a correlation of 1, the
same asset twice) a semi-definite Cholesky factor that drops the zero pivots
(:func:`correlation_factor`).

Cross account (Binance "Liquidation Protocols": margin ratio = maintenance margin / margin
balance, liquidation when it reaches 100%):

    equity(t)      = WB + sum_i s_i N_i (exp(x_i(t)) - 1)        (wallet + unrealized PnL)
    maintenance(t) = sum_i m_i N_i exp(x_i(t))                    (valued at the mark)
    liquidated     <=>  equity(t) <= maintenance(t) at some t in [0, T]

Monitoring
----------
Prices are simulated at fixed steps (default 5 minutes). ``monitoring="discrete"`` checks the rule
only at those steps: what a bot that looks every 5 minutes would see, and it misses crossings
between steps. ``monitoring="continuous"`` (the default; exchanges watch the mark price all the
time) applies the Broadie-Glasserman-Kou continuity correction (Broadie, Glasserman and Kou 1997,
Mathematical Finance 7(4)): a Brownian motion with volatility ``v`` monitored every ``dt`` hits a
barrier about as often as the continuously monitored one hits a barrier moved
``0.5826 v sqrt(dt)`` farther away, so the discretely checked rule is moved the same distance
closer. For the account the monitored quantity is the surplus ``S = equity - maintenance``, whose
local volatility is ``sqrt(g^T Sigma g)`` with ``g_i = dS/dx_i = N_i (s_i - m_i) exp(x_i)`` and
``Sigma = diag(sigma) C diag(sigma)``; the account is counted liquidated at the first step with
``S <= 0.5826 sqrt(g^T Sigma g dt)``. For one position (or perfectly correlated equal-volatility
positions) this is exactly BGK's shift of the log barrier by ``0.5826 sigma sqrt(dt)``.

Sampling
--------
Normals are drawn in float32, in chunks of steps (nothing larger than a chunk is held), from one
seeded ``numpy.random.default_rng`` stream per block of 5,000 paths spawned from the seed (so
results do not depend on how many threads run the blocks). By default half of each block's paths
mirror the other half (antithetic variates: negated normals); standard errors are computed from
the mirrored pairs' means, which are independent.

The trader's naive guesses (see :class:`AccountOdds`): each position alone, isolated, with its
share of the wallet in proportion to its notional; and the same account if the assets were
uncorrelated (identity correlation on the SAME random numbers).

No fees, funding or maintenance tiers (one flat rate per position); the whole account is counted
lost at the first liquidation (Binance liquidates cross positions until the ratio is restored, so
the real loss can be smaller, but the account's exposure is gone either way).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from risk._validate import check_choice, check_positive, check_range
from risk.liquidation import liquidation_price
from risk.positions import SIDES, Position
from risk.venues import get_venue
from risk.volatility import DAYS_PER_YEAR

#: Broadie-Glasserman-Kou constant ``-zeta(1/2) / sqrt(2 pi)``.
BGK_BETA = 0.5825971579390106
MONITORING = ("continuous", "discrete")
MIN_POSITIONS, MAX_POSITIONS = 2, 5
MAX_PATHS = 500_000
MAX_STEPS = 20_000
MAX_HORIZON_DAYS = 30.0
#: Paths per random stream. Fixed, so results depend on the seed only, not on the thread count.
_BLOCK_PATHS = 5_000
#: About this many float32 numbers per chunk of steps (fits in the cache).
_CHUNK_ELEMENTS = 1 << 17
_WORKERS = max(1, min(2, os.cpu_count() or 1))
#: Tolerances of the correlation-matrix checks.
_SYM_TOL = 1e-9
_PSD_TOL = 1e-10


@dataclass(frozen=True)
class CrossPosition:
    """One position of a cross-margin account (linear contract, quote-margined).

    Give ``notional`` (quote currency at entry) or ``quantity`` (base units) with ``entry_price``.
    ``mmr`` is the maintenance margin rate (a fraction of the notional at the mark: 0.004 is
    Binance's first BTCUSDT tier), ``vol_annual`` the annualized volatility of the asset's log
    returns and ``drift_annual`` the annual drift of its log price.
    """

    asset: str
    side: str
    vol_annual: float
    notional: float | None = None
    quantity: float | None = None
    entry_price: float | None = None
    mmr: float = 0.004
    drift_annual: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.asset, str) or not self.asset.strip():
            raise ValueError(f"asset={self.asset!r} is empty; allowed: a name such as 'BTC'")
        check_choice("side", self.side, SIDES)
        check_range("vol_annual", self.vol_annual, 0.0, 20.0, lo_open=True)
        check_range("mmr", self.mmr, 0.0, 0.5, hi_open=True)
        check_range("drift_annual", self.drift_annual, -10.0, 10.0)
        if self.notional is not None:
            if self.quantity is not None or self.entry_price is not None:
                raise ValueError(
                    f"notional={self.notional!r} with quantity={self.quantity!r}, "
                    f"entry_price={self.entry_price!r}; allowed: notional alone, or quantity and "
                    "entry_price"
                )
            check_positive("notional", self.notional)
        else:
            if self.quantity is None or self.entry_price is None:
                raise ValueError(
                    f"notional=None, quantity={self.quantity!r}, entry_price="
                    f"{self.entry_price!r}; allowed: give notional, or both quantity and "
                    "entry_price"
                )
            check_positive("quantity", self.quantity)
            check_positive("entry_price", self.entry_price)

    @property
    def sign(self) -> float:
        return SIDES[self.side]

    @property
    def notional_quote(self) -> float:
        """Notional at entry in quote currency: ``notional`` or ``quantity * entry_price``."""
        if self.notional is not None:
            return float(self.notional)
        return float(self.quantity) * float(self.entry_price)  # type: ignore[arg-type]


# --- correlation matrices -------------------------------------------------------------------
def check_correlation(
    correlation: object, n_assets: int | None = None, names: Sequence[str] | None = None
) -> np.ndarray:
    """Return ``correlation`` as a float matrix after checking it is a correlation matrix.

    Square (``n_assets`` x ``n_assets`` when given), finite, entries in [-1, 1], unit diagonal,
    symmetric, positive semi-definite (smallest eigenvalue >= -1e-10). The ``ValueError`` says
    what to fix, naming the entry (``correlation[0][2]``, with asset names when ``names`` is
    given); for a matrix that is not positive semi-definite, the entry whose change raises the
    smallest eigenvalue fastest (``2 v_i v_j`` for the eigenvector ``v``) and which way to move
    it.
    """
    try:
        c = np.array(correlation, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"correlation={correlation!r} is not a matrix of numbers; allowed: a square table "
            "of numbers between -1 and 1"
        ) from None
    if c.ndim != 2 or c.shape[0] != c.shape[1]:
        shape = " x ".join(map(str, c.shape)) or "a single number"
        raise ValueError(
            f"correlation has shape {shape}; allowed: a square matrix (one row and one column "
            "per position)"
        )
    n = c.shape[0]
    if n_assets is not None and n != n_assets:
        raise ValueError(
            f"correlation is {n}x{n} but there are {n_assets} positions; allowed: a "
            f"{n_assets}x{n_assets} matrix"
        )

    def label(i: int, j: int) -> str:
        where = f"correlation[{i}][{j}]"
        if names is not None and len(names) == n:
            where += f" ({names[i]}/{names[j]})"
        return where

    bad = ~np.isfinite(c)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(f"{label(i, j)}={float(c[i, j])} is not finite; allowed: -1 <= value <= 1")
    bad = np.abs(c) > 1.0 + _SYM_TOL
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(f"{label(i, j)}={c[i, j]:g} is out of range; allowed: -1 <= value <= 1")
    diag_bad = np.abs(np.diag(c) - 1.0) > _SYM_TOL
    if diag_bad.any():
        i = int(np.argmax(diag_bad))
        raise ValueError(
            f"{label(i, i)}={c[i, i]:g} is on the diagonal; allowed: 1 (an asset is perfectly "
            "correlated with itself)"
        )
    asym = np.abs(c - c.T) > _SYM_TOL
    if asym.any():
        i, j = np.argwhere(asym)[0]
        raise ValueError(
            f"{label(i, j)}={c[i, j]:g} but {label(j, i)}={c[j, i]:g}; allowed: equal values "
            "(a correlation matrix is symmetric)"
        )
    c = np.clip((c + c.T) / 2.0, -1.0, 1.0)
    eig, vec = np.linalg.eigh(c)
    if eig[0] < -_PSD_TOL:
        # d(lambda_min)/d(C_ij) = 2 v_i v_j: the pair with the largest |v_i v_j| moves the
        # smallest eigenvalue most, in the direction of the sign of v_i v_j.
        v = vec[:, 0]
        infl = np.triu(np.outer(v, v), 1)
        i, j = np.unravel_index(np.argmax(np.abs(infl)), infl.shape)
        way = "raise" if infl[i, j] > 0 else "lower"
        raise ValueError(
            f"correlation is not positive semi-definite: smallest eigenvalue {eig[0]:.2g}; no set "
            f"of assets can have these correlations together. {way.capitalize()} "
            f"{label(int(i), int(j))}={c[i, j]:g} first (it matters most), or bring the pairs "
            "closer to each other: if A moves with B and B with C, A must move with C too"
        )
    return c


def common_correlation(rho: float, n_assets: int) -> np.ndarray:
    """The matrix with every off-diagonal entry equal to ``rho``.

    It is a correlation matrix for ``-1/(n_assets - 1) <= rho <= 1`` (eigenvalues
    ``1 + (n - 1) rho`` and ``1 - rho``).
    """
    n = int(check_range("n_assets", n_assets, 1, MAX_POSITIONS))
    lo = -1.0 / (n - 1) if n > 1 else -1.0
    r = float(check_range("rho", rho, lo, 1.0, why=f"a valid common correlation for {n} assets"))
    return (1.0 - r) * np.eye(n) + r * np.ones((n, n))


def correlation_factor(correlation: object) -> np.ndarray:
    """Lower-triangular ``L`` with ``L @ L.T == correlation``.

    The Cholesky factor of a positive-definite matrix; for a positive semi-definite singular one
    (a correlation of exactly 1) the semi-definite Cholesky factor: a zero pivot gives a zero
    column. This keeps ``L`` continuous in the correlations, so runs on the same random numbers
    with nearby matrices stay comparable (common random numbers). Should rounding defeat it,
    falls back to the eigen-decomposition ``V sqrt(max(lambda, 0))``.
    """
    c = check_correlation(correlation)
    n = c.shape[0]
    try:
        return np.linalg.cholesky(c)
    except np.linalg.LinAlgError:
        pass
    lo = np.zeros((n, n))
    for j in range(n):
        d = c[j, j] - lo[j, :j] @ lo[j, :j]
        lo[j, j] = math.sqrt(max(d, 0.0))
        if lo[j, j] > 1e-7:
            lo[j + 1 :, j] = (c[j + 1 :, j] - lo[j + 1 :, :j] @ lo[j, :j]) / lo[j, j]
    if np.abs(lo @ lo.T - c).max() > 1e-8:
        w, v = np.linalg.eigh(c)
        return v * np.sqrt(np.clip(w, 0.0, None))
    return lo


@dataclass(frozen=True)
class CorrelationPreset:
    name: str
    assets: tuple[str, ...]
    vol_presets: tuple[str, ...]
    correlation: tuple[tuple[float, ...], ...]
    source: str
    as_of: str

    @property
    def matrix(self) -> np.ndarray:
        return np.array(self.correlation, dtype=float)


@cache
def _correlation_doc() -> dict:
    text = resources.files("risk").joinpath("data", "correlations.json").read_text("utf-8")
    return json.loads(text)


def correlation_presets() -> dict[str, CorrelationPreset]:
    """Asset sets with a correlation matrix and suggested volatility presets, by name; each with
    its source (``risk/data/correlations.json``; SOL figures there are assumptions)."""
    out = {}
    for name, p in _correlation_doc()["presets"].items():
        c = check_correlation(p["correlation"], names=p["assets"])
        out[name] = CorrelationPreset(
            name,
            tuple(p["assets"]),
            tuple(p["vol_presets"]),
            tuple(tuple(float(x) for x in row) for row in c),
            p["source"],
            p["as_of"],
        )
    return out


def measured_correlations() -> list[dict]:
    """Every pair figure in ``risk/data/correlations.json`` (``measured`` False = assumption)."""
    return [dict(p) for p in _correlation_doc()["pairs"]]


# --- simulation -----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Legs:
    sign: np.ndarray
    notional: np.ndarray
    mmr: np.ndarray
    vol: np.ndarray
    drift: np.ndarray


def _legs(positions: Sequence[CrossPosition]) -> _Legs:
    if isinstance(positions, CrossPosition) or not isinstance(positions, Sequence):
        raise ValueError(
            f"positions={positions!r} is not a list; allowed: a list of {MIN_POSITIONS} to "
            f"{MAX_POSITIONS} CrossPosition"
        )
    n = len(positions)
    if not MIN_POSITIONS <= n <= MAX_POSITIONS:
        raise ValueError(
            f"positions: got {n}; allowed: {MIN_POSITIONS} to {MAX_POSITIONS} positions"
        )
    for p in positions:
        if not isinstance(p, CrossPosition):
            raise ValueError(f"positions contains {p!r}; allowed: CrossPosition items")
    return _Legs(
        np.array([p.sign for p in positions]),
        np.array([p.notional_quote for p in positions]),
        np.array([p.mmr for p in positions], dtype=float),
        np.array([p.vol_annual for p in positions], dtype=float),
        np.array([p.drift_annual for p in positions], dtype=float),
    )


@dataclass(frozen=True)
class _Grid:
    steps: int
    dt_years: float
    horizon_days: float


def _grid(horizon_days: float, step_minutes: float) -> _Grid:
    h = float(check_range("horizon_days", horizon_days, 0.0, MAX_HORIZON_DAYS, lo_open=True))
    sm = float(check_range("step_minutes", step_minutes, 0.1, 1440.0))
    steps = max(1, round(h * 1440.0 / sm))
    if steps > MAX_STEPS:
        raise ValueError(
            f"steps={steps} (horizon_days={h:g} at step_minutes={sm:g}) is out of range; allowed: "
            f"steps <= {MAX_STEPS}, i.e. a longer step or a shorter horizon"
        )
    return _Grid(steps, h / DAYS_PER_YEAR / steps, h)


def _count(name: str, value: object, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name}={value!r} is not a whole number; allowed: {lo} <= {name} <= {hi}")
    return int(check_range(name, value, lo, hi))


def _blocks(paths: int) -> list[int]:
    full, rest = divmod(paths, _BLOCK_PATHS)
    return [_BLOCK_PATHS] * full + ([rest] if rest else [])


def _run_blocks(paths: int, seed: int, fn: Callable[[np.random.Generator, int, int], object]):
    """Run ``fn(rng, block_index, n_paths)`` over fixed blocks of paths, one random stream per
    block spawned from ``seed``, on up to two threads (numpy releases the GIL in its loops)."""
    sizes = _blocks(paths)
    streams = np.random.SeedSequence(seed).spawn(len(sizes))

    def one(b: int):
        return fn(np.random.default_rng(streams[b]), b, sizes[b])

    if _WORKERS == 1 or len(sizes) == 1:
        return [one(b) for b in range(len(sizes))]
    with ThreadPoolExecutor(max_workers=_WORKERS) as ex:
        return list(ex.map(one, range(len(sizes))))


def _log_path_chunks(
    rng: np.random.Generator,
    n: int,
    steps: int,
    loadings: Sequence[np.ndarray],
    drift_step: np.ndarray,
    antithetic: bool = True,
) -> Iterator[tuple[int, list[np.ndarray]]]:
    """Yield ``(first_step, [X for each loading])``: log prices, float32, asset-major shape
    ``(k, chunk, n)``, for steps ``first_step .. first_step + chunk - 1`` (step 1 = the end of
    the first interval), one array per loading matrix ``B`` (increment of asset ``i`` =
    ``sum_j B_ij Z_j + drift_step_i``), all on the same normals ``Z``.

    With ``antithetic`` the paths ``h .. n-1`` (``h = ceil(n/2)``) use the negated normals of
    paths ``0 .. n-h-1``: half the random numbers, and each pair's two paths are mirror images
    (:func:`_pair_means` turns them into independent samples for standard errors).

    Plain numpy loops rather than BLAS: the matrices are at most 5x5, and OpenBLAS's own threads
    would fight the two worker threads.
    """
    k = len(drift_step)
    h = (n + 1) // 2 if antithetic else n
    m_pairs = n - h
    chunk = max(1, min(steps, _CHUNK_ELEMENTS // max(1, n * k)))
    zbuf = np.empty(k * chunk * h, dtype=np.float32)
    tmp = np.empty((chunk, h), dtype=np.float32)
    last = [np.zeros((k, n), dtype=np.float32) for _ in loadings]
    mats = [np.asarray(b, dtype=np.float32) for b in loadings]
    mu = drift_step.astype(np.float32)
    done = 0
    while done < steps:
        c = min(chunk, steps - done)
        zc = zbuf[: k * c * h].reshape(k, c, h)
        rng.standard_normal(out=zc, dtype=np.float32)
        t = tmp[:c]
        out = []
        for f, m in enumerate(mats):
            x = np.empty((k, c, n), dtype=np.float32)
            xf = x[:, :, :h]  # the fresh paths; the mirrors are filled below
            for i in range(k):
                cols = [j for j in range(k) if m[i, j] != 0.0]
                if not cols:
                    xf[i] = 0.0
                for r, j in enumerate(cols):
                    if r == 0:
                        np.multiply(zc[j], m[i, j], out=xf[i])
                    else:
                        np.multiply(zc[j], m[i, j], out=t)
                        xf[i] += t
            if m_pairs:
                np.negative(x[:, :, :m_pairs], out=x[:, :, h:])
            for i in range(k):
                if mu[i] != 0.0:
                    x[i] += mu[i]
            # Running sum along the steps, row by row (np.cumsum along an outer axis is ~20x
            # slower here).
            x[:, 0] += last[f]
            for j in range(1, c):
                x[:, j] += x[:, j - 1]
            last[f] = x[:, -1].copy()
            out.append(x)
        yield done + 1, out
        done += c


def _pair_means(indicator: np.ndarray, n: int, antithetic: bool) -> np.ndarray:
    """Independent samples from one block's per-path values (last axis = paths): the path
    itself, or with ``antithetic`` the mean of each mirrored pair (an unpaired middle path of an
    odd block counts alone)."""
    v = np.asarray(indicator, dtype=float)
    if not antithetic:
        return v
    h = (n + 1) // 2
    m = n - h
    return np.concatenate([(v[..., :m] + v[..., h:]) / 2.0, v[..., m:h]], axis=-1)


def _estimate(per_block: list[np.ndarray], antithetic: bool) -> tuple[np.ndarray, np.ndarray]:
    """Mean over all paths and its standard error, from per-block values (last axis = paths).

    Independent paths: ``sqrt(p (1 - p) / n)``-like sample standard error; antithetic: the
    standard error of the mean of the pair means (pairs of mirrored paths are independent of
    each other, not within)."""
    values = np.concatenate(per_block, axis=-1).astype(float)
    samples = np.concatenate([_pair_means(v, v.shape[-1], antithetic) for v in per_block], axis=-1)
    p = values.mean(axis=-1)
    m = samples.shape[-1]
    se = samples.std(axis=-1, ddof=1) / math.sqrt(m) if m > 1 else np.full_like(p, np.nan)
    return p, se


def _loadings(legs: _Legs, factor: np.ndarray, dt: float) -> np.ndarray:
    """``B = diag(sigma) L sqrt(dt)``: increment of asset ``i`` is ``sum_j B_ij Z_j``."""
    return legs.vol[:, None] * factor * math.sqrt(dt)


@dataclass(frozen=True, eq=False)
class _BlockResult:
    hit_step: list[np.ndarray]  # per factor: first liquidation step, steps + 1 when none
    xmin: np.ndarray  # (k, n) running minimum of each log price (first factor)
    xmax: np.ndarray
    sample_equity: np.ndarray | None  # (steps + 1, sample)
    sample_maintenance: np.ndarray | None


def _weighted_sum(e: np.ndarray, w: np.ndarray, out: np.ndarray, tmp: np.ndarray) -> np.ndarray:
    """``out = sum_i w_i e[i]`` over the leading (asset) axis, in place."""
    np.multiply(e[0], w[0], out=out)
    for i in range(1, len(w)):
        np.multiply(e[i], w[i], out=tmp)
        out += tmp
    return out


def _simulate(
    legs: _Legs,
    wallet: float,
    factors: Sequence[np.ndarray],
    grid: _Grid,
    paths: int,
    seed: int,
    monitoring: str,
    sample_paths: int,
    antithetic: bool,
) -> list[_BlockResult]:
    dt = grid.dt_years
    steps = grid.steps
    k = len(legs.sign)
    sn = legs.sign * legs.notional
    c0 = np.float32(wallet - sn.sum())
    a = legs.notional * (legs.sign - legs.mmr)  # dS/dx_i = a_i exp(x_i)
    a32 = a.astype(np.float32)
    loadings = [_loadings(legs, f, dt) for f in factors]
    # BGK threshold beta * sqrt(v dt), v = g^T Sigma g = e^T Q e with Q = diag(a) Sigma diag(a),
    # compared in squares (S <= 0 or S^2 <= beta^2 dt v). Since |C_ij| <= 1,
    # sqrt(v) <= sum_i |a_i| sigma_i e_i: only paths under that cheap bound need the exact v.
    quads = [np.outer(a, a) * np.outer(legs.vol, legs.vol) * (f @ f.T) for f in factors]
    bound_w = (BGK_BETA * math.sqrt(dt) * np.abs(a) * legs.vol).astype(np.float32)
    beta2dt = BGK_BETA**2 * dt
    continuous = monitoring == "continuous"
    drift_step = legs.drift * dt
    mm_w = legs.mmr * legs.notional

    def block(rng: np.random.Generator, b: int, n: int) -> _BlockResult:
        hit = [np.full(n, steps + 1, dtype=np.int64) for _ in factors]
        xmin = np.zeros((k, n), dtype=np.float32)
        xmax = np.zeros((k, n), dtype=np.float32)
        ns = min(sample_paths, n) if b == 0 else 0
        s_eq = s_mm = None
        if ns:
            s_eq = np.empty((steps + 1, ns))
            s_mm = np.empty((steps + 1, ns))
            s_eq[0] = wallet
            s_mm[0] = float(mm_w.sum())
        surplus_buf = bound_buf = tmp_buf = None
        chunks = _log_path_chunks(rng, n, steps, loadings, drift_step, antithetic)
        for first, xs in chunks:
            c = xs[0].shape[1]
            if surplus_buf is None:
                surplus_buf, bound_buf, tmp_buf = (
                    np.empty((c, n), dtype=np.float32) for _ in range(3)
                )
            surplus, bound, tmp = surplus_buf[:c], bound_buf[:c], tmp_buf[:c]
            for f, x in enumerate(xs):
                if f == 0:
                    np.minimum(xmin, x.min(axis=1), out=xmin)
                    np.maximum(xmax, x.max(axis=1), out=xmax)
                e = np.exp(x, out=x)
                if f == 0 and ns:
                    ex = e[:, :, :ns].astype(float)
                    s_eq[first : first + c] = wallet - sn.sum() + np.tensordot(sn, ex, 1)
                    s_mm[first : first + c] = np.tensordot(mm_w, ex, 1)
                _weighted_sum(e, a32, surplus, tmp)
                surplus += c0
                if continuous:
                    _weighted_sum(e, bound_w, bound, tmp)
                    near = np.flatnonzero(surplus <= bound)
                    trig = np.zeros(c * n, dtype=bool)
                    if near.size:
                        en = e.reshape(k, c * n)[:, near].astype(float)
                        v = np.einsum("in,ij,jn->n", en, quads[f], en)
                        sv = surplus.reshape(-1)[near].astype(float)
                        trig[near] = (sv <= 0) | (sv * sv <= beta2dt * v)
                    trig = trig.reshape(c, n)
                else:
                    trig = surplus <= 0
                any_hit = trig.any(axis=0)
                if any_hit.any():
                    idx = np.flatnonzero(any_hit)
                    step = first + np.argmax(trig[:, idx], axis=0)
                    hit[f][idx] = np.minimum(hit[f][idx], step)
        return _BlockResult(hit, xmin, xmax, s_eq, s_mm)

    return _run_blocks(paths, seed, block)


def _alone_barriers(legs: _Legs, wallet: float) -> np.ndarray:
    """Log barrier of each position alone, isolated, with margin ``wallet * N_i / sum N``.

    From :func:`risk.liquidation.liquidation_price` (Binance-style trigger with a flat rate).
    ``-inf`` (long) / ``+inf`` (short) when there is no liquidation price, ``0`` when the share
    does not cover the maintenance margin at entry (liquidated at once).
    """
    share = wallet * legs.notional / legs.notional.sum()
    out = np.empty(len(share))
    for i in range(len(share)):
        s = legs.sign[i]
        if share[i] <= legs.mmr[i] * legs.notional[i]:
            out[i] = 0.0
            continue
        pos = Position(
            "long" if s > 0 else "short",
            entry_price=1.0,
            quantity=float(legs.notional[i]),
            margin=float(share[i]),
        )
        lp = float(liquidation_price(pos, get_venue("generic", mmr=float(legs.mmr[i]))))
        out[i] = math.log(lp) if math.isfinite(lp) else -s * math.inf
    return out


@dataclass(frozen=True, eq=False)
class AccountOdds:
    """Result of :func:`account_liquidation_odds`. Probabilities are fractions of the simulated
    paths; ``stderr_*`` are their Monte Carlo standard errors (from the independent samples: the
    paths, or the means of mirrored pairs with antithetic sampling).

    Attributes
    ----------
    p_account
        P(the cross account is liquidated within the horizon), with the given correlation.
    p_uncorrelated
        The same account, the same random numbers, but uncorrelated assets (identity matrix): what
        a trader who treats the positions as independent would expect. NaN when not computed.
    p_alone
        Per position: P(that position, alone in ISOLATED margin with its share of the wallet in
        proportion to its notional, is liquidated), on the same simulated prices and with the
        same monitoring.
    p_any_alone_independent
        ``1 - prod(1 - p_alone)``: P(at least one of those isolated positions is liquidated) if
        they were independent.
    liquidated_by_step
        Fraction of accounts liquidated by each step (``steps + 1`` values, step 0 = entry).
    time_hours
        Time of each step in hours.
    sample_equity, sample_maintenance
        ``(sample_paths, steps + 1)`` account equity and maintenance margin of the first paths
        (quote currency; independent paths, never mirror pairs); ``sample_liquidated_step``
        their liquidation step (-1: none).
    """

    p_account: float
    stderr_account: float
    p_uncorrelated: float
    stderr_uncorrelated: float
    p_alone: np.ndarray
    stderr_alone: np.ndarray
    p_any_alone_independent: float
    liquidated_by_step: np.ndarray
    time_hours: np.ndarray
    sample_equity: np.ndarray
    sample_maintenance: np.ndarray
    sample_liquidated_step: np.ndarray
    assets: tuple[str, ...]
    paths: int
    steps: int
    monitoring: str
    wallet_balance: float
    maintenance_at_entry: float


def _check_common(
    positions: Sequence[CrossPosition],
    wallet_balance: float,
    horizon_days: float,
    paths: int,
    step_minutes: float,
    seed: int,
    monitoring: str,
) -> tuple[_Legs, float, _Grid, int, int]:
    legs = _legs(positions)
    wallet = float(check_positive("wallet_balance", wallet_balance))
    mm0 = float(legs.mmr @ legs.notional)
    if wallet <= mm0:
        raise ValueError(
            f"wallet_balance={wallet:g} does not cover the maintenance margin {mm0:g} at entry "
            f"(the account would be liquidated at once); allowed: wallet_balance > {mm0:g}, or "
            "smaller positions"
        )
    grid = _grid(horizon_days, step_minutes)
    n = _count("paths", paths, 100, MAX_PATHS)
    sd = _count("seed", seed, 0, 2**63 - 1)
    check_choice("monitoring", monitoring, MONITORING)
    return legs, wallet, grid, n, sd


def account_liquidation_odds(
    positions: Sequence[CrossPosition],
    wallet_balance: float,
    correlation: object,
    horizon_days: float,
    *,
    paths: int = 20_000,
    step_minutes: float = 5.0,
    seed: int = 0,
    monitoring: str = "continuous",
    compare_uncorrelated: bool = True,
    sample_paths: int = 0,
    antithetic: bool = True,
) -> AccountOdds:
    """P(the cross-margin account is liquidated within ``horizon_days``), by joint simulation.

    See the module docstring for the model, the liquidation rule and the monitoring correction.
    ``wallet_balance`` is the cross wallet in quote currency; ``correlation`` the correlation
    matrix of the assets' log returns (checked by :func:`check_correlation`). ``paths`` price
    paths of ``horizon_days * 1440 / step_minutes`` steps; with ``antithetic`` (default) half of
    them mirror the other half (negated normals), which halves the random numbers drawn and
    never loses precision for positions on the same side. Reproducible for a given ``seed``; the
    same seed gives the same random numbers for any matrix, so two calls that differ only in
    ``correlation`` use common random numbers.
    """
    legs, wallet, grid, n, sd = _check_common(
        positions, wallet_balance, horizon_days, paths, step_minutes, seed, monitoring
    )
    names = [p.asset for p in positions]
    c = check_correlation(correlation, len(positions), names)
    ns = _count("sample_paths", sample_paths, 0, min(200, n // 2))
    factors = [correlation_factor(c)]
    if compare_uncorrelated:
        factors.append(np.eye(len(positions)))
    blocks = _simulate(legs, wallet, factors, grid, n, sd, monitoring, ns, antithetic)

    liq = [np.stack(b.hit_step) <= grid.steps for b in blocks]  # (factors, n_b) per block
    p_liq, se_liq = _estimate(liq, antithetic)
    bar = _alone_barriers(legs, wallet)
    shift = BGK_BETA * legs.vol * math.sqrt(grid.dt_years) if monitoring == "continuous" else 0.0
    thr = bar + legs.sign * shift  # moved toward the start (long: up, short: down)
    long_thr = np.where(bar == 0.0, np.inf, thr)[:, None]
    short_thr = np.where(bar == 0.0, -np.inf, thr)[:, None]
    alone = [
        np.where(legs.sign[:, None] > 0, b.xmin <= long_thr, b.xmax >= short_thr) for b in blocks
    ]  # (k, n_b) per block
    p_alone, se_alone = _estimate(alone, antithetic)
    hits0 = np.concatenate([b.hit_step[0] for b in blocks])
    counts = np.bincount(np.minimum(hits0, grid.steps + 1), minlength=grid.steps + 2)
    by_step = np.cumsum(counts[: grid.steps + 1]) / n
    first = blocks[0]
    if ns:
        s_eq = first.sample_equity.T.copy()
        s_mm = first.sample_maintenance.T.copy()
        s_hit = first.hit_step[0][:ns]
        s_hit = np.where(s_hit <= grid.steps, s_hit, -1)
    else:
        s_eq = s_mm = np.empty((0, grid.steps + 1))
        s_hit = np.empty(0, dtype=np.int64)
    return AccountOdds(
        p_account=float(p_liq[0]),
        stderr_account=float(se_liq[0]),
        p_uncorrelated=float(p_liq[1]) if compare_uncorrelated else math.nan,
        stderr_uncorrelated=float(se_liq[1]) if compare_uncorrelated else math.nan,
        p_alone=p_alone,
        stderr_alone=se_alone,
        p_any_alone_independent=float(1.0 - np.prod(1.0 - p_alone)),
        liquidated_by_step=by_step,
        time_hours=np.arange(grid.steps + 1) * grid.horizon_days * 24.0 / grid.steps,
        sample_equity=s_eq,
        sample_maintenance=s_mm,
        sample_liquidated_step=s_hit,
        assets=tuple(names),
        paths=n,
        steps=grid.steps,
        monitoring=monitoring,
        wallet_balance=wallet,
        maintenance_at_entry=float(legs.mmr @ legs.notional),
    )


@dataclass(frozen=True, eq=False)
class OddsCurve:
    """P(account liquidated) for each common correlation ``rho`` (same random numbers)."""

    rho: np.ndarray
    p_account: np.ndarray
    stderr: np.ndarray
    paths: int


def odds_vs_correlation(
    positions: Sequence[CrossPosition],
    wallet_balance: float,
    rhos: Sequence[float],
    horizon_days: float,
    *,
    paths: int = 10_000,
    step_minutes: float = 5.0,
    seed: int = 0,
    monitoring: str = "continuous",
    antithetic: bool = True,
) -> OddsCurve:
    """Account odds versus a common correlation: every pair of assets gets the same ``rho``.

    One set of random numbers serves every ``rho`` (common random numbers), so the curve is
    smooth and differences between its points are mostly not sampling noise. Each ``rho`` must
    make a valid matrix: ``-1/(n-1) <= rho <= 1`` for ``n`` positions; 1 to 21 values.
    """
    legs, wallet, grid, n, sd = _check_common(
        positions, wallet_balance, horizon_days, paths, step_minutes, seed, monitoring
    )
    r = np.atleast_1d(np.asarray(check_range("rhos", rhos, -1.0, 1.0), dtype=float))
    if r.ndim != 1 or not 1 <= r.size <= 21:
        raise ValueError(f"rhos has {r.size} values; allowed: 1 to 21 values")
    factors = [correlation_factor(common_correlation(x, len(positions))) for x in r]
    blocks = _simulate(legs, wallet, factors, grid, n, sd, monitoring, 0, antithetic)
    p, se = _estimate([np.stack(b.hit_step) <= grid.steps for b in blocks], antithetic)
    return OddsCurve(r, p, se, n)


def simulate_log_prices(
    vol_annual: Sequence[float],
    correlation: object,
    horizon_days: float,
    *,
    paths: int = 1_000,
    step_minutes: float = 5.0,
    seed: int = 0,
    drift_annual: Sequence[float] | None = None,
    antithetic: bool = True,
) -> np.ndarray:
    """Joint log-price paths ``x(t) = ln(P_t / P_0)``, shape ``(paths, steps + 1, assets)``.

    The very random numbers and construction :func:`account_liquidation_odds` uses for the same
    ``seed``, ``paths``, grid and ``antithetic`` (float32 internally). For charts and checks; at
    most 2,000,000 path-steps.
    """
    vol = np.atleast_1d(check_range("vol_annual", vol_annual, 0.0, 20.0, lo_open=True))
    k = vol.size
    c = check_correlation(correlation, k)
    grid = _grid(horizon_days, step_minutes)
    n = _count("paths", paths, 1, MAX_PATHS)
    sd = _count("seed", seed, 0, 2**63 - 1)
    if n * (grid.steps + 1) > 2_000_000:
        raise ValueError(
            f"paths x steps = {n * (grid.steps + 1)} is out of range; allowed: <= 2,000,000"
        )
    mu = np.zeros(k)
    if drift_annual is not None:
        mu = np.broadcast_to(check_range("drift_annual", drift_annual, -10.0, 10.0), (k,))
    legs = _Legs(np.ones(k), np.ones(k), np.zeros(k), vol, mu)
    load = _loadings(legs, correlation_factor(c), grid.dt_years)

    def block(rng: np.random.Generator, b: int, nb: int) -> np.ndarray:
        out = np.zeros((nb, grid.steps + 1, k))
        chunks = _log_path_chunks(
            rng, nb, grid.steps, [load], legs.drift * grid.dt_years, antithetic
        )
        for first, (x,) in chunks:
            out[:, first : first + x.shape[1], :] = x.transpose(2, 1, 0)
        return out

    return np.concatenate(_run_blocks(n, sd, block))
