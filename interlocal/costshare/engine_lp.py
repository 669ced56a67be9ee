"""Nucleolus, prenucleolus and least core by sequential LPs (HiGHS) with constraint generation and a Kohlberg certificate."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import highspy
import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linprog

from .engine_games import CostShareError, FloatArray, Game, TableGame, subset_sums

# Largest group the LP methods tabulate; above this a full 2^n scan per LP round is too slow and too big.
MAX_LP_PARTNERS = 24


@dataclass(frozen=True, eq=False)
class KohlbergCertificate:
    """Evidence that an allocation is the (pre)nucleolus: balanced tight collections and complete level sets."""

    levels: tuple[float, ...]
    collections: tuple[tuple[int, ...], ...]
    weights: tuple[dict[int, float], ...]
    balanced: tuple[bool, ...]
    spans_all: bool
    level_sets_ok: bool
    max_residual: float

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return all(self.balanced) and self.spans_all and self.level_sets_ok


@dataclass(frozen=True, eq=False)
class NucleolusResult:
    """The (pre)nucleolus shares, savings levels per stage, and the optimality certificate."""

    shares: FloatArray
    domain: str
    certificate: KohlbergCertificate
    lp_solves: int

    @property
    def min_savings(self) -> float:
        """The smallest saving c(S) - x(S) over proper coalitions (negative: the core is empty)."""
        return self.certificate.levels[0] if self.certificate.levels else 0.0


@dataclass(frozen=True, eq=False)
class LeastCoreResult:
    """Least core: epsilon (the relaxation c(S)+eps needed for a core) and a point in it (the prenucleolus)."""

    epsilon: float
    core_empty: bool
    shares: FloatArray
    nucleolus: NucleolusResult


def _bits(masks: NDArray[np.int64], n: int) -> FloatArray:
    return ((masks[:, None] >> np.arange(n, dtype=np.int64)) & 1).astype(np.float64)


def _orth_rows(rows: FloatArray) -> FloatArray:
    """Orthonormal basis (as rows) of the row space."""
    if rows.shape[0] == 0:
        return rows
    _u, s, vt = np.linalg.svd(rows, full_matrices=False)
    rank = int((s > 1e-9 * max(1.0, s[0])).sum())
    return np.asarray(vt[:rank], dtype=np.float64)


def _residuals(masks: NDArray[np.int64], basis: FloatArray, n: int) -> FloatArray:
    a = _bits(masks, n)
    if basis.shape[0]:
        a = a - (a @ basis.T) @ basis
    return np.asarray(np.abs(a).max(axis=1) if a.size else np.zeros(len(masks)), dtype=np.float64)


def _highs() -> Any:
    """A quiet HiGHS instance for one nucleolus computation (not shared: callers may run in threads)."""
    # highspy.Highs prints a banner on stdout when constructed, which would corrupt `--json` output; its base
    # class is the same solver without the Python callbacks. scipy's linprog wraps the same HiGHS but costs
    # about 1.5 ms of input checking per call, more than solving these small LPs.
    solver = highspy._Highs()  # type: ignore[attr-defined]
    solver.setOptionValue("output_flag", False)
    # Presolve only pays off on large LPs; ours have tens of rows.
    solver.setOptionValue("presolve", "off")
    # Costs are in units of the largest one, so a cent of a $1e6 game is 1e-8: HiGHS's default 1e-7
    # feasibility tolerance would move the stage levels by several cents.
    solver.setOptionValue("primal_feasibility_tolerance", 1e-10)
    solver.setOptionValue("dual_feasibility_tolerance", 1e-10)
    return solver


def _solve_stage(
    solver: Any,
    n: int,
    work: list[int],
    fixed: list[tuple[int, float]],
    costs: FloatArray,
    upper: FloatArray | None,
) -> tuple[FloatArray, float, FloatArray, FloatArray, FloatArray]:
    """max t s.t. x(S)+t <= c(S) on the working set, fixed savings, efficiency; returns x, t and duals."""
    full = (1 << n) - 1
    wm = np.array(work, dtype=np.int64)
    em = np.array([full] + [m for m, _ in fixed], dtype=np.int64)
    rows = np.hstack(
        [_bits(np.concatenate([wm, em]), n), np.r_[np.ones(len(wm)), np.zeros(len(em))][:, None]]
    )
    b_eq = costs[em] - np.array([0.0] + [lv for _, lv in fixed])
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_ = n + 1
    lp.num_row_ = rows.shape[0]
    lp.col_cost_ = np.r_[np.zeros(n), -1.0]
    lp.col_lower_ = np.full(n + 1, -inf)
    lp.col_upper_ = np.r_[np.full(n, inf) if upper is None else upper, inf]
    lp.row_lower_ = np.r_[np.full(len(wm), -inf), b_eq]
    lp.row_upper_ = np.r_[costs[wm], b_eq]
    cols = rows.T
    nonzero = cols != 0
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.r_[0, np.cumsum(nonzero.sum(axis=1))].astype(np.int32)
    lp.a_matrix_.index_ = np.nonzero(nonzero)[1].astype(np.int32)
    lp.a_matrix_.value_ = cols[nonzero]
    solver.clearModel()
    solver.passModel(lp)
    solver.run()
    status = solver.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise CostShareError(f"the nucleolus LP failed: {solver.modelStatusToString(status)}")
    sol = solver.getSolution()
    x = np.asarray(sol.col_value, dtype=np.float64)
    # HiGHS duals are d(objective)/d(bound): <= 0 on the binding "<=" rows of a minimisation.
    row_dual = np.asarray(sol.row_dual, dtype=np.float64)
    lam = -row_dual[: len(wm)]
    mu = row_dual[len(wm) :]
    nu = np.zeros(n, dtype=np.float64)
    if upper is not None:
        col_dual = np.asarray(sol.col_dual, dtype=np.float64)
        at_upper = np.array(
            [st == highspy.HighsBasisStatus.kUpper for st in solver.getBasis().col_status[:n]], dtype=bool
        )
        nu[at_upper] = -col_dual[:n][at_upper]
    return x[:n], float(x[n]), lam, mu, nu


def sequential_nucleolus(game: Game, domain: str = "imputation") -> NucleolusResult:
    """Nucleolus (domain 'imputation': nobody pays above stand-alone) or prenucleolus ('preimputation')."""
    if domain not in ("imputation", "preimputation"):
        raise CostShareError(f"unknown nucleolus domain {domain!r}")
    n = game.n
    if n > MAX_LP_PARTNERS:
        raise CostShareError(f"the nucleolus supports at most {MAX_LP_PARTNERS} partners, got {n}")
    table = game.table() if not isinstance(game, TableGame) else game
    raw = np.asarray(table.costs)
    full = (1 << n) - 1
    total = float(raw[full])
    single = raw[[1 << i for i in range(n)]]
    if domain == "imputation" and single.sum() < total - 1e-9 * max(abs(total), float(np.abs(single).max())):
        raise CostShareError(
            "stand-alone costs sum to less than the grand coalition's cost: costs are not subadditive, "
            "so no allocation keeps every partner at or below stand-alone cost; use the prenucleolus"
        )
    if n == 1:
        cert = KohlbergCertificate((), (), (), (), True, True, 0.0)
        return NucleolusResult(np.array([total]), domain, cert, 0)
    # HiGHS tolerances are absolute (about 1e-7), so the LPs are solved with costs in units of the largest
    # cost: a $1e10 budget with cents is then as well-conditioned as a $1 one. Results are scaled back.
    peak = float(np.abs(raw).max())
    scale = peak if peak > 0 else 1.0
    res = _nucleolus_normalised(raw / scale, n, domain)
    cert = replace(res.certificate, levels=tuple(v * scale for v in res.certificate.levels))
    return NucleolusResult(res.shares * scale, domain, cert, res.lp_solves)


def _nucleolus_normalised(costs: FloatArray, n: int, domain: str) -> NucleolusResult:
    """Sequential LPs on a cost table whose largest entry is 1 in absolute value."""
    full = (1 << n) - 1
    total = float(costs[full])
    upper = costs[[1 << i for i in range(n)]] if domain == "imputation" else None
    tol = 1e-9
    solver = _highs()
    # Start from the cheapest non-trivial guess so the first rounds already hold the binding coalitions.
    x0 = np.full(n, total / n)
    sv = costs - subset_sums(x0)
    sv[0] = sv[full] = np.inf
    seed = [1 << i for i in range(n)] + [full ^ (1 << i) for i in range(n)]
    k_add = max(2 * n, 8)
    lowest = np.argpartition(sv, min(k_add, len(sv) - 1))[:k_add]
    work = list(dict.fromkeys(seed + [int(m) for m in lowest if 0 < m < full]))
    fixed: list[tuple[int, float]] = []
    fixed_set: set[int] = set()
    basis = _orth_rows(np.ones((1, n)))
    stages: list[tuple[float, list[int], FloatArray, dict[int, float], FloatArray, float]] = []
    solves = 0
    x = x0
    while basis.shape[0] < n:
        while True:
            x, t, lam, mu, nu = _solve_stage(solver, n, work, fixed, costs, upper)
            solves += 1
            sv = costs - subset_sums(x)
            sv[0] = sv[full] = np.inf
            if fixed:
                sv[np.array(list(fixed_set), dtype=np.int64)] = np.inf
            viol = np.flatnonzero(sv < t - tol)
            if viol.size == 0:
                break
            added = _pick_outside_span(viol, sv, basis, n, k_add, set(work))
            if not added:
                break
            work.extend(added)
        pos = lam > 1e-9
        newly = [work[i] for i in np.flatnonzero(pos)]
        if not newly:
            raise CostShareError("the nucleolus LP returned no binding coalition; the game may be malformed")
        mu_map = {m: float(mu[1 + j]) for j, (m, _) in enumerate(fixed)}
        stages.append((t, newly, lam[pos], mu_map, nu, float(mu[0])))
        for m in newly:
            fixed.append((m, t))
            fixed_set.add(m)
        basis = _orth_rows(np.vstack([basis, _bits(np.array(newly, dtype=np.int64), n)]))
        if basis.shape[0] >= n:
            break
        keep = np.array([m for m in work if m not in fixed_set], dtype=np.int64)
        if keep.size:
            res = _residuals(keep, basis, n)
            work = [int(m) for m, r in zip(keep, res, strict=True) if r > 1e-7]
        else:
            work = []
        if not work:
            work = _refill(costs, x, basis, n, k_add, fixed_set)
    # The unique point is pinned down by the fixed equalities; solving them directly removes LP round-off.
    em = np.array([full] + [m for m, _ in fixed], dtype=np.int64)
    rhs = costs[em] - np.array([0.0] + [lv for _, lv in fixed])
    x = np.linalg.lstsq(_bits(em, n), rhs, rcond=None)[0]
    cert = _certificate(costs, x, n, stages, domain, upper, tol)
    return NucleolusResult(np.asarray(x, dtype=np.float64), domain, cert, solves)


def _pick_outside_span(
    viol: NDArray[np.int64], sv: FloatArray, basis: FloatArray, n: int, k: int, present: set[int]
) -> list[int]:
    """The k most violated coalitions that are not already determined by the fixed ones."""
    order = viol[np.argsort(sv[viol], kind="stable")]
    picked: list[int] = []
    start = 0
    batch = max(4 * k, 64)
    while start < len(order) and len(picked) < k:
        chunk = order[start : start + batch]
        res = _residuals(chunk, basis, n)
        for m, r in zip(chunk, res, strict=True):
            mi = int(m)
            if r > 1e-7 and mi not in present:
                picked.append(mi)
                if len(picked) >= k:
                    break
        start += batch
        batch *= 4
    return picked


def _refill(
    costs: FloatArray, x: FloatArray, basis: FloatArray, n: int, k: int, fixed_set: set[int]
) -> list[int]:
    full = (1 << n) - 1
    sv = costs - subset_sums(x)
    sv[0] = sv[full] = np.inf
    cand = np.flatnonzero(np.isfinite(sv))
    return _pick_outside_span(cand, sv, basis, n, k, fixed_set)


def _certificate(
    costs: FloatArray,
    x: FloatArray,
    n: int,
    stages: list[tuple[float, list[int], FloatArray, dict[int, float], FloatArray, float]],
    domain: str,
    upper: FloatArray | None,
    tol: float,
) -> KohlbergCertificate:
    """Combine the stage duals into positive balancing weights and check level sets of x against them."""
    full = (1 << n) - 1
    levels = tuple(s[0] for s in stages)
    collections = tuple(tuple(s[1]) for s in stages)
    weights_out: list[dict[int, float]] = []
    balanced: list[bool] = []
    max_res = 0.0
    for k in range(len(stages)):
        coef = [0.0] * (k + 1)
        coef[k] = 1.0
        for j in range(k - 1, -1, -1):
            need = 0.0
            for m, lam in zip(stages[j][1], stages[j][2], strict=True):
                owed = sum(coef[lv] * stages[lv][3].get(m, 0.0) for lv in range(j + 1, k + 1))
                need = max(need, owed / lam)
            coef[j] = 2.0 * need + 1e-3
        w: dict[int, float] = {}
        nu = np.zeros(n)
        alpha = 0.0
        for j in range(k + 1):
            for m, lam in zip(stages[j][1], stages[j][2], strict=True):
                w[m] = w.get(m, 0.0) + coef[j] * lam
            nu += coef[j] * stages[j][4]
            alpha += coef[j] * stages[j][5]
        for lv in range(1, k + 1):
            for m, val in stages[lv][3].items():
                w[m] = w.get(m, 0.0) - coef[lv] * val
        ok = alpha > 0
        if ok:
            vec = np.zeros(n)
            for m, val in w.items():
                vec += (val / alpha) * _bits(np.array([m], dtype=np.int64), n)[0]
            vec += nu / alpha
            res = float(np.abs(vec - 1.0).max())
            max_res = max(max_res, res)
            ok = res < 1e-6 and all(val > 0 for val in w.values()) and bool(np.all(nu >= -1e-9))
            w = {m: val / alpha for m, val in w.items()}
        if not ok:
            ok, w = balancing_weights([m for c in collections[: k + 1] for m in c], n, upper, x, tol)
        weights_out.append(w)
        balanced.append(ok)
    rows = np.vstack([np.ones((1, n))] + [_bits(np.array(c, dtype=np.int64), n) for c in collections])
    spans_all = _orth_rows(rows).shape[0] == n
    sv = costs - subset_sums(x)
    sv[0] = sv[full] = np.inf
    level_ok = True
    if levels:
        slack = 1e-6 * max(1.0, max(abs(v) for v in levels)) + 1e3 * tol
        tight_ok = all(abs(sv[m] - levels[j]) <= slack for j, c in enumerate(collections) for m in c)
        below = np.flatnonzero(sv < levels[-1] - 1e3 * tol)
        level_ok = tight_ok
        if below.size and level_ok:
            lv_arr = np.array(levels)
            k_of = np.searchsorted(lv_arr, sv[below] + 1e3 * tol, side="right")
            if np.any(k_of == 0):
                level_ok = False
            else:
                for k in np.unique(k_of):
                    basis = _orth_rows(rows[: 1 + sum(len(c) for c in collections[:k])])
                    resid = _residuals(below[k_of == k], basis, n)
                    if np.any(resid > 1e-6):
                        level_ok = False
                        break
    return KohlbergCertificate(
        levels, collections, tuple(weights_out), tuple(balanced), spans_all, level_ok, max_res
    )


def balancing_weights(
    masks: list[int], n: int, upper: FloatArray | None = None, x: FloatArray | None = None, tol: float = 1e-9
) -> tuple[bool, dict[int, float]]:
    """Positive weights w_S with sum w_S 1_S = 1_N (singletons at their stand-alone bound may get weight >= 0)."""
    if not masks:
        return False, {}
    ms = np.array(sorted(set(masks)), dtype=np.int64)
    a = _bits(ms, n).T
    extra = []
    if upper is not None and x is not None:
        extra = [i for i in range(n) if x[i] >= upper[i] - 1e3 * tol]
    cols = [a] + ([np.eye(n)[:, extra]] if extra else [])
    a_eq = np.hstack([*cols, -np.ones((n, 1))])
    nvar = a_eq.shape[1]
    bounds = [(1.0, None)] * len(ms) + [(0.0, None)] * len(extra) + [(0.0, None)]
    res = linprog(np.zeros(nvar), A_eq=a_eq, b_eq=np.zeros(n), bounds=bounds, method="highs")
    if res.status != 0 or res.x[-1] <= 0:
        return False, {}
    alpha = float(res.x[-1])
    return True, {int(m): float(v) / alpha for m, v in zip(ms, res.x[: len(ms)], strict=True)}


def least_core(game: Game) -> LeastCoreResult:
    """Least core epsilon and the prenucleolus as its most central point."""
    nuc = sequential_nucleolus(game, "preimputation")
    eps = -nuc.min_savings
    scale = max(1.0, abs(game.total))
    return LeastCoreResult(eps, eps > 1e-9 * scale, nuc.shares, nuc)
