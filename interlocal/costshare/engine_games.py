"""Cost models for shared services: coalition cost tables and summed-driver formulas."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

# Beyond this many partners a full coalition table no longer fits comfortably in memory.
MAX_TABLE_PARTNERS = 26
# A formula game beyond this many partners is not a shared public service any more, and every method's work grows.
MAX_FORMULA_PARTNERS = 2000
# Largest amount (cost, driver, dedicated cost) accepted: ten times the largest budget the engine is tested
# at ($1e12); float64 still resolves a fifth of a cent at this size, and no longer does much above it.
MAX_AMOUNT = 1e13


class CostShareError(ValueError):
    """Raised for input that would otherwise give a silently wrong number."""


def popcount(masks: NDArray[np.int64]) -> NDArray[np.int64]:
    """Number of set bits of each mask."""
    m = masks.astype(np.uint64)
    m = m - ((m >> np.uint64(1)) & np.uint64(0x5555555555555555))
    m = (m & np.uint64(0x3333333333333333)) + ((m >> np.uint64(2)) & np.uint64(0x3333333333333333))
    m = (m + (m >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return ((m * np.uint64(0x0101010101010101)) >> np.uint64(56)).astype(np.int64)


def subset_sums(values: FloatArray) -> FloatArray:
    """Sum of `values` over the members of every mask 0..2^n-1 (2^n additions)."""
    n = len(values)
    out = np.empty(1 << n, dtype=np.float64)
    out[0] = 0.0
    for i in range(n):
        h = 1 << i
        np.add(out[:h], values[i], out=out[h : 2 * h])
    return out


def mask_members(mask: int, n: int) -> tuple[int, ...]:
    """Indices of the partners in a coalition mask."""
    return tuple(i for i in range(n) if (mask >> i) & 1)


def _check_partners(partners: Sequence[str]) -> tuple[str, ...]:
    names = tuple(partners)
    if not names:
        raise CostShareError("a cost-sharing problem needs at least one partner")
    seen: set[str] = set()
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise CostShareError(f"partner names must be non-empty strings, got {_short(name)}")
        if "+" in name:
            raise CostShareError(
                f"partner name {_short(name)} must not contain '+' (it joins coalition names)"
            )
        if name in seen:
            raise CostShareError(f"partner {_short(name)} is listed twice")
        seen.add(name)
    return names


def _number(value: Any, what: str) -> float:
    """Convert one input to a finite float of at most MAX_AMOUNT in size, or raise naming `what`."""
    if isinstance(value, (bool, str, bytes)) or value is None:
        raise CostShareError(f"{what} must be a number, got {_short(value)}")
    if isinstance(value, int) and abs(value) > MAX_AMOUNT:
        # Checked before float(): a 400-digit integer would overflow it.
        raise CostShareError(f"{what} is too large (more than {MAX_AMOUNT:.0e})")
    try:
        out = float(value)
    except (TypeError, ValueError, OverflowError):
        raise CostShareError(f"{what} must be a number, got {_short(value)}") from None
    if not math.isfinite(out):
        raise CostShareError(f"{what} must be a finite number, got {_short(value)}")
    if abs(out) > MAX_AMOUNT:
        raise CostShareError(f"{what} is too large (more than {MAX_AMOUNT:.0e})")
    return out


def _short(value: Any) -> str:
    """repr() of an input value cut to one short line (a value may be a huge or deeply nested structure)."""
    try:
        text = repr(value) if not isinstance(value, (list, dict)) else type(value).__name__
    except (RecursionError, ValueError):
        text = type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."


def per_partner(
    partners: Sequence[str], values: Mapping[str, Any] | Sequence[Any] | FloatArray, what: str
) -> FloatArray:
    """Read one finite non-negative number per partner from a mapping or a sequence."""
    n = len(partners)
    out = np.empty(n, dtype=np.float64)
    if isinstance(values, Mapping):
        unknown = sorted(set(values) - set(partners))
        if unknown:
            raise CostShareError(f"{what} names unknown partner {unknown[0]!r}")
        for i, name in enumerate(partners):
            if name not in values:
                raise CostShareError(f"{what} is missing for partner {name!r}")
            out[i] = _number(values[name], f"{what} of partner {name!r}")
    else:
        seq = list(values)
        if len(seq) != n:
            raise CostShareError(f"{what} has {len(seq)} values for {n} partners")
        for i, name in enumerate(partners):
            out[i] = _number(seq[i], f"{what} of partner {name!r}")
    for i, name in enumerate(partners):
        if out[i] < 0:
            raise CostShareError(f"{what} of partner {name!r} is negative ({out[i]:g})")
    return out


class Game:
    """Common interface of cost games: c(S) for coalitions given as bitmasks."""

    partners: tuple[str, ...]

    @property
    def n(self) -> int:
        """Number of partners."""
        return len(self.partners)

    def cost(self, mask: int) -> float:
        """Cost of one coalition."""
        raise NotImplementedError

    def costs_of(self, masks: NDArray[np.int64]) -> FloatArray:
        """Costs of many coalitions."""
        raise NotImplementedError

    def table(self) -> TableGame:
        """The full coalition table (only for small groups)."""
        raise NotImplementedError

    @property
    def grand_mask(self) -> int:
        """Bitmask of the grand coalition."""
        return (1 << self.n) - 1

    @property
    def total(self) -> float:
        """Cost of the grand coalition, the amount to share."""
        return self.cost(self.grand_mask)

    def standalone(self) -> FloatArray:
        """Each partner's stand-alone cost c({i})."""
        return self.costs_of(np.array([1 << i for i in range(self.n)], dtype=np.int64))

    def without_each(self) -> FloatArray:
        """c(N \\ {i}) for each partner."""
        full = self.grand_mask
        return self.costs_of(np.array([full ^ (1 << i) for i in range(self.n)], dtype=np.int64))

    def coalition_name(self, mask: int) -> str:
        """Human-readable name of a coalition ('A+B')."""
        return "+".join(self.partners[i] for i in mask_members(mask, self.n)) or "(empty)"

    def mask_of(self, names: Iterable[str]) -> int:
        """Bitmask of the named partners."""
        index = {p: i for i, p in enumerate(self.partners)}
        mask = 0
        for name in names:
            if name not in index:
                raise CostShareError(f"unknown partner {name!r}")
            mask |= 1 << index[name]
        return mask


@dataclass(frozen=True, eq=False)
class TableGame(Game):
    """A cost game given by one cost per coalition, indexed by bitmask (index 0 is the empty coalition)."""

    partners: tuple[str, ...]
    costs: FloatArray

    def __post_init__(self) -> None:
        names = _check_partners(self.partners)
        object.__setattr__(self, "partners", names)
        n = len(names)
        if n > MAX_TABLE_PARTNERS:
            raise CostShareError(f"a coalition table supports at most {MAX_TABLE_PARTNERS} partners, got {n}")
        arr = np.asarray(self.costs)
        if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
            raise CostShareError("coalition costs must be numbers")
        arr = np.ascontiguousarray(arr, dtype=np.float64)
        if arr.shape != (1 << n,):
            raise CostShareError(
                f"a table for {n} partners needs {1 << n} entries (mask 0 = empty), got {arr.shape}"
            )
        bad = np.flatnonzero(~np.isfinite(arr))
        if bad.size:
            raise CostShareError(
                f"cost of coalition {self.coalition_name(int(bad[0]))} is not a finite number"
            )
        big = np.flatnonzero(np.abs(arr) > MAX_AMOUNT)
        if big.size:
            raise CostShareError(
                f"cost of coalition {self.coalition_name(int(big[0]))} is too large (more than {MAX_AMOUNT:.0e})"
            )
        neg = np.flatnonzero(arr < 0)
        if neg.size:
            raise CostShareError(f"cost of coalition {self.coalition_name(int(neg[0]))} is negative")
        if arr[0] != 0.0:
            raise CostShareError("the empty coalition must cost 0")
        if arr is self.costs and arr.flags.writeable:
            arr = arr.copy()
        arr.setflags(write=False)
        object.__setattr__(self, "costs", arr)

    @classmethod
    def from_named(cls, partners: Sequence[str], costs: Mapping[str, Any]) -> TableGame:
        """Build from {'A': 10, 'A+B': 17, ...}: every non-empty coalition, members in any order."""
        names = _check_partners(partners)
        n = len(names)
        if n > 20:
            raise CostShareError(f"a named cost table supports at most 20 partners, got {n}; use a formula")
        index = {p: i for i, p in enumerate(names)}
        arr = np.full(1 << n, np.nan)
        arr[0] = 0.0
        for key, value in costs.items():
            members = [m.strip() for m in str(key).split("+")]
            mask = 0
            for m in members:
                if m not in index:
                    raise CostShareError(f"coalition {key!r} names unknown partner {m!r}")
                if (mask >> index[m]) & 1:
                    raise CostShareError(f"coalition {key!r} names partner {m!r} twice")
                mask |= 1 << index[m]
            if not np.isnan(arr[mask]):
                raise CostShareError(f"coalition {key!r} is given twice")
            arr[mask] = _number(value, f"cost of coalition {key!r}")
        missing = np.flatnonzero(np.isnan(arr))
        if missing.size:
            first = "+".join(names[i] for i in mask_members(int(missing[0]), n))
            raise CostShareError(f"cost table is missing coalition {first!r} ({missing.size} missing in all)")
        return cls(names, arr)

    def cost(self, mask: int) -> float:
        """Cost of one coalition."""
        return float(self.costs[mask])

    def costs_of(self, masks: NDArray[np.int64]) -> FloatArray:
        """Costs of many coalitions."""
        return np.asarray(self.costs[np.asarray(masks, dtype=np.int64)], dtype=np.float64)

    def table(self) -> TableGame:
        """The table itself."""
        return self


@dataclass(frozen=True, eq=False)
class FormulaGame(Game):
    """c(S) = fixed + coefficient*D^exponent + ceil(D/capacity)*unit_cost + sum of members' dedicated costs.

    D is the coalition's summed driver (for example calls for service); the empty coalition costs 0.
    """

    partners: tuple[str, ...]
    drivers: FloatArray
    fixed: float = 0.0
    coefficient: float = 0.0
    exponent: float = 1.0
    capacity: float | None = None
    unit_cost: float = 0.0
    dedicated: FloatArray = field(default_factory=lambda: np.zeros(0))

    def __post_init__(self) -> None:
        names = _check_partners(self.partners)
        object.__setattr__(self, "partners", names)
        d = per_partner(names, self.drivers, "driver")
        ded_in = self.dedicated
        ded = np.zeros(len(names)) if len(ded_in) == 0 else per_partner(names, ded_in, "dedicated cost")
        for arr in (d, ded):
            arr.setflags(write=False)
        object.__setattr__(self, "drivers", d)
        object.__setattr__(self, "dedicated", ded)
        for what in ("fixed", "coefficient", "exponent", "unit_cost"):
            object.__setattr__(self, what, _number(getattr(self, what), f"model {what}"))
        if self.fixed < 0 or self.coefficient < 0 or self.unit_cost < 0:
            raise CostShareError("model fixed, coefficient and unit_cost must not be negative")
        if self.exponent <= 0:
            raise CostShareError(f"model exponent must be positive, got {self.exponent:g}")
        if self.capacity is not None:
            cap = _number(self.capacity, "model capacity")
            if cap <= 0:
                raise CostShareError(f"model capacity must be positive, got {cap:g}")
            object.__setattr__(self, "capacity", cap)
        elif self.unit_cost > 0:
            raise CostShareError("model unit_cost needs a capacity (drivers served per unit)")
        if len(names) > MAX_FORMULA_PARTNERS:
            raise CostShareError(
                f"a formula supports at most {MAX_FORMULA_PARTNERS} partners, got {len(names)}"
            )
        if float(d.sum()) > MAX_AMOUNT:
            raise CostShareError(f"drivers sum to more than {MAX_AMOUNT:.0e}")
        # Every term grows with the coalition, so the grand coalition is the largest cost: bound it once.
        with np.errstate(over="ignore", invalid="ignore"):
            top = self.total
        if not math.isfinite(top) or top > MAX_AMOUNT:
            raise CostShareError(
                f"the formula's cost for all partners together is more than {MAX_AMOUNT:.0e}"
            )

    def variable(self, total_driver: FloatArray | float) -> FloatArray:
        """Driver-dependent part h(D) (0 at D = 0), vectorised."""
        dd = np.asarray(total_driver, dtype=np.float64)
        out = self.coefficient * np.power(dd, self.exponent)
        if self.capacity is not None and self.unit_cost:
            # Relative slack stops 3*0.1/0.1 style rounding from buying a phantom extra unit.
            units = np.ceil(dd / self.capacity * (1 - 1e-12) - 1e-12)
            out = out + self.unit_cost * np.maximum(units, 0.0)
        return np.asarray(out, dtype=np.float64)

    def cost(self, mask: int) -> float:
        """Cost of one coalition (any number of partners)."""
        members = list(mask_members(mask, self.n))
        if not members:
            return 0.0
        dsum = float(self.drivers[members].sum())
        return float(self.fixed + self.variable(dsum) + self.dedicated[members].sum())

    @property
    def total(self) -> float:
        """Cost of the grand coalition."""
        return float(self.fixed + self.variable(float(self.drivers.sum())) + self.dedicated.sum())

    def standalone(self) -> FloatArray:
        """Each partner's stand-alone cost c({i})."""
        return np.asarray(self.fixed + self.variable(self.drivers) + self.dedicated, dtype=np.float64)

    def without_each(self) -> FloatArray:
        """c(N \\ {i}) for each partner."""
        if self.n == 1:
            return np.zeros(1)
        rest = self.variable(self.drivers.sum() - self.drivers)
        return np.asarray(self.fixed + rest + (self.dedicated.sum() - self.dedicated), dtype=np.float64)

    def costs_of(self, masks: NDArray[np.int64]) -> FloatArray:
        """Costs of many coalitions given as int64 masks (at most 62 partners)."""
        if self.n > 62:
            raise CostShareError("bitmask look-ups support at most 62 partners")
        masks = np.asarray(masks, dtype=np.int64)
        dsum = np.zeros(masks.shape)
        ded = np.zeros(masks.shape)
        for i in range(self.n):
            bit = ((masks >> i) & 1).astype(bool)
            dsum[bit] += self.drivers[i]
            ded[bit] += self.dedicated[i]
        return np.where(masks != 0, self.fixed + self.variable(dsum) + ded, 0.0)

    def table(self) -> TableGame:
        """The full coalition table (only for small groups)."""
        if self.n > MAX_TABLE_PARTNERS:
            raise CostShareError(f"cannot tabulate {self.n} partners (at most {MAX_TABLE_PARTNERS})")
        dsum = subset_sums(self.drivers)
        costs = self.variable(dsum)
        costs += subset_sums(self.dedicated)
        costs += self.fixed
        costs[0] = 0.0
        return TableGame(self.partners, costs)

    def integer_drivers(self) -> tuple[NDArray[np.int64], int] | None:
        """Drivers as integers divided by their gcd, and the gcd, if they are whole numbers."""
        d = self.drivers
        if not np.all(d == np.round(d)) or d.max(initial=0.0) > 2**40:
            return None
        di = d.astype(np.int64)
        g = int(np.gcd.reduce(di)) if di.any() else 1
        return di // g, g
