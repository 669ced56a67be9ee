"""Shapley value: exact from a table, exact for summed-integer-driver formulas, Monte Carlo otherwise."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.fft as sfft
from numpy.typing import NDArray

from .engine_games import CostShareError, FloatArray, FormulaGame, Game, TableGame, popcount

# Largest summed driver (after dividing by the gcd) the exact formula method accepts; FFTs are 2x this long.
MAX_DRIVER_SUM = 20_000_000
# The exact formula method keeps about ten arrays of FFT length; above this it gives way to Monte Carlo.
EXACT_MEMORY_BUDGET = 1 << 30
# Nodes times FFT length above which the exact method would take minutes; Monte Carlo is used instead.
EXACT_WORK_BUDGET = 2_000_000_000


@dataclass(frozen=True, eq=False)
class ShapleyResult:
    """Shapley shares, how they were computed, and for Monte Carlo the confidence half-widths."""

    shares: FloatArray
    method: str
    ci_halfwidth: FloatArray | None = None
    confidence: float | None = None
    samples: int | None = None


def shapley_weights(n: int) -> FloatArray:
    """w[s] = s!(n-1-s)!/n!, the Shapley weight of each coalition of size s that a partner joins."""
    return np.array([1.0 / (n * math.comb(n - 1, s)) for s in range(n)])


def shapley_from_table(costs: FloatArray, n: int) -> FloatArray:
    """Exact Shapley value from a bitmask-indexed cost table in about 3*2^n flops and O(2^(n/2)) extra memory."""
    size = 1 << n
    if costs.shape != (size,):
        raise CostShareError(f"table for {n} partners must have {size} entries")
    if n == 0:
        return np.zeros(0)
    w = shapley_weights(n)
    # phi_i = sum_{T ∋ i} g(T) - B with g(T) = (w(|T|-1) + w(|T|)) c(T); B follows from efficiency.
    gw = np.zeros(n + 1)
    gw[1:] += w
    gw[:n] += w
    kb = min(n, max(n // 2, min(n, 14)))
    k = 1 << kb
    nchunks = size >> kb
    local_pc = popcount(np.arange(k, dtype=np.int64))
    high_pc = popcount(np.arange(nchunks, dtype=np.int64))
    weight_rows = [gw[local_pc + b] for b in range(n - kb + 1)]
    acc = np.zeros(k)
    chunk_sums = np.empty(nchunks)
    tmp = np.empty(k)
    for j in range(nchunks):
        np.multiply(costs[j * k : (j + 1) * k], weight_rows[high_pc[j]], out=tmp)
        acc += tmp
        chunk_sums[j] = tmp.sum()
    raw = np.empty(n)
    # Summing over "masks containing bit i" for every i by halving: 2x the array length in total.
    for arr, offset, bits in ((acc, 0, kb), (chunk_sums, kb, n - kb)):
        for i in reversed(range(bits)):
            h = 1 << i
            raw[offset + i] = arr[h : 2 * h].sum()
            arr[:h] += arr[h : 2 * h]
    base = (raw.sum() - costs[size - 1]) / n
    return raw - base


def _gauss_pairs(n: int) -> tuple[FloatArray, FloatArray]:
    """Gauss-Legendre nodes below 1/2 on [0, 1] (mirrored at 1-t) exact for polynomials of degree n-1."""
    m = max(2, (n + 1) // 2)
    m += m % 2  # an even count keeps t = 1/2, where the series below stops converging, off the grid
    x, wq = np.polynomial.legendre.leggauss(m)
    t = (x + 1) / 2
    wt = wq / 2
    low = t < 0.5
    return t[low], wt[low]


def shapley_summed_drivers(h: FloatArray, drivers: NDArray[np.int64]) -> FloatArray:
    """Exact Shapley value of c(S) = h(D(S)) for integer drivers; h[D] given for D = 0..sum(drivers).

    Uses the multilinear extension phi_i = ∫ E[h(D_t + d_i) - h(D_t)] dt with Gauss-Legendre nodes
    (exact, the integrand is a polynomial of degree n-1), the distribution of D_t by FFT of its
    log generating function, and leave-one-out by a convergent alternating series.
    """
    n = len(drivers)
    total = int(drivers.sum())
    if h.shape != (total + 1,):
        raise CostShareError("h must be tabulated for every driver sum 0..total")
    if n == 0 or total == 0:
        return np.zeros(n)
    # Additive trend removed first: its Shapley value is exact and the remainder is smaller, so FFT error is too.
    slope = (h[total] - h[0]) / total
    resid = h - h[0] - slope * np.arange(total + 1)
    vals, inverse, counts = np.unique(drivers, return_inverse=True, return_counts=True)
    length = sfft.next_fast_len(2 * total + 2, real=True)
    h_fwd = np.zeros(length)
    h_fwd[: total + 1] = resid
    h_rev = np.zeros(length)
    h_rev[: total + 1] = resid[::-1]
    spec_fwd = sfft.rfft(h_fwd)
    spec_rev = sfft.rfft(h_rev)
    del h_fwd, h_rev
    nodes, qweights = _gauss_pairs(n)
    r_max = float(nodes.max() / (1 - nodes.max()))
    # Terms of the series with r^k below 1e-19 are dropped: that is below double rounding of the result.
    k_cap = math.ceil(-44.0 / math.log(r_max)) + 1
    pos = vals > 0
    pvals = vals[pos]
    kcount = np.minimum(total // np.maximum(pvals, 1) + 1, k_cap)
    owner = np.repeat(np.arange(len(pvals)), kcount)
    kk = np.arange(int(kcount.sum())) - np.repeat(np.cumsum(kcount) - kcount, kcount)
    # Sorted by k, the terms a node needs (r^k above the cut-off) are a prefix: small r uses few of them.
    order = np.argsort(kk, kind="stable")
    owner, kk = owner[order], kk[order]
    k_starts = np.searchsorted(kk, np.arange(k_cap + 1))
    lo_idx = np.minimum(kk * pvals[owner], total + 1)
    hi_idx = np.minimum((kk + 1) * pvals[owner], total + 1)
    phi_val = np.zeros(len(pvals))
    prod = np.empty_like(spec_fwd)
    for t, wt in zip(nodes, qweights, strict=True):
        r = t / (1 - t)
        pmax = max(1, math.ceil(-44.0 / math.log(r)))
        p = np.arange(1, pmax + 1)
        coef = (-1.0) ** (p + 1) * np.power(r, p) / p
        idx = np.outer(vals, p) % length
        wts = np.outer(counts.astype(np.float64), coef)
        spec = sfft.rfft(np.bincount(idx.ravel(), wts.ravel(), minlength=length), overwrite_x=True)
        spec += n * math.log1p(-t)
        np.conjugate(spec, out=spec)
        np.exp(spec, out=spec)
        # Index total + 1 stands for "past the end", where the extended h is zero.
        corr_fwd = sfft.irfft(np.multiply(spec, spec_fwd, out=prod), length, overwrite_x=True)
        corr_fwd[total + 1] = 0.0
        corr_rev = sfft.irfft(np.multiply(spec, spec_rev, out=prod), length, overwrite_x=True)
        corr_rev[total + 1] = 0.0
        end = int(k_starts[min(pmax + 1, k_cap)])
        signs = np.power(-r, np.arange(min(pmax + 1, k_cap)))[kk[:end]]
        lo, hi, own = lo_idx[:end], hi_idx[:end], owner[:end]
        f_low = np.bincount(own, signs * (corr_fwd[hi] - corr_fwd[lo]), minlength=len(pvals))
        f_high = np.bincount(own, signs * (corr_rev[hi] - corr_rev[lo]), minlength=len(pvals))
        phi_val += wt * (f_low - f_high) / (1 - t)
    out = slope * drivers.astype(np.float64)
    per_val = np.zeros(len(vals))
    per_val[pos] = phi_val
    out += per_val[inverse]
    return out


def shapley_formula_exact(game: FormulaGame) -> FloatArray | None:
    """Exact Shapley value of a formula game with whole-number drivers, or None if drivers are not whole."""
    ints = game.integer_drivers()
    if ints is None:
        return None
    di, g = ints
    total = int(di.sum())
    if total > MAX_DRIVER_SUM:
        return None
    length = sfft.next_fast_len(2 * total + 2, real=True)
    nodes = len(_gauss_pairs(game.n)[0])
    if 10 * 8 * length > EXACT_MEMORY_BUDGET or nodes * length > EXACT_WORK_BUDGET:
        return None
    h = game.variable(np.arange(total + 1, dtype=np.float64) * g)
    phi = shapley_summed_drivers(h, di)
    return phi + game.fixed / game.n + game.dedicated


def shapley_monte_carlo(
    game: Game, samples: int = 20_000, seed: int = 0, confidence: float = 0.95
) -> ShapleyResult:
    """Shapley estimate from random partner orders (antithetic pairs) with per-partner confidence half-widths."""
    from scipy.stats import norm

    n = game.n
    if samples < 2:
        raise CostShareError("Monte Carlo Shapley needs at least 2 samples")
    rng = np.random.default_rng(seed)
    pairs = (samples + 1) // 2
    total = np.zeros(n)
    total_sq = np.zeros(n)
    done = 0
    batch = max(1, min(pairs, 2_000_000 // max(n, 1)))
    while done < pairs:
        b = min(batch, pairs - done)
        orders = np.argsort(rng.random((b, n)), axis=1)
        pair_marg = np.zeros((b, n))
        for ords in (orders, orders[:, ::-1]):
            marg = _order_marginals(game, ords)
            rows = np.repeat(np.arange(b), n)
            contrib = np.zeros((b, n))
            contrib[rows, ords.ravel()] = marg.ravel()
            pair_marg += contrib / 2
        total += pair_marg.sum(axis=0)
        total_sq += (pair_marg**2).sum(axis=0)
        done += b
    mean = total / pairs
    var = np.maximum(total_sq / pairs - mean**2, 0.0) * pairs / max(pairs - 1, 1)
    z = float(norm.ppf(0.5 + confidence / 2))
    half = z * np.sqrt(var / pairs)
    # Efficiency holds for every sampled order, so the estimate already sums to c(N) up to rounding.
    return ShapleyResult(mean, "monte_carlo", half, confidence, 2 * pairs)


def _order_marginals(game: Game, orders: NDArray[np.int64]) -> FloatArray:
    """Marginal cost of each position in each order."""
    b, n = orders.shape
    if isinstance(game, FormulaGame):
        dcum = np.cumsum(game.drivers[orders], axis=1)
        cost = game.fixed + game.variable(dcum)
        prev = np.concatenate([np.zeros((b, 1)), cost[:, :-1]], axis=1)
        return np.asarray(cost - prev + game.dedicated[orders], dtype=np.float64)
    masks = np.cumsum(np.left_shift(np.int64(1), orders.astype(np.int64)), axis=1)
    cost = game.costs_of(masks.ravel()).reshape(b, n)
    prev = np.concatenate([np.zeros((b, 1)), cost[:, :-1]], axis=1)
    return np.asarray(cost - prev, dtype=np.float64)


def shapley(
    game: Game, *, samples: int = 20_000, seed: int = 0, confidence: float = 0.95, exact_table_limit: int = 22
) -> ShapleyResult:
    """Shapley value: exact where possible (table, or whole-number summed drivers), else Monte Carlo."""
    if isinstance(game, TableGame):
        return ShapleyResult(shapley_from_table(np.asarray(game.costs), game.n), "exact_table")
    if isinstance(game, FormulaGame):
        phi = shapley_formula_exact(game)
        if phi is not None:
            return ShapleyResult(phi, "exact_driver_sum")
        if game.n <= exact_table_limit:
            return ShapleyResult(shapley_from_table(np.asarray(game.table().costs), game.n), "exact_table")
    return shapley_monte_carlo(game, samples=samples, seed=seed, confidence=confidence)
