"""The rules every published aggregate of a round obeys (pure: no Django).

1. An aggregate covers at least k members (k >= 3, per round; it may be raised, never lowered).
2. A round's aggregates are over one fixed member set; any other set must differ from every set already
   released by at least k members (or not at all), so no two aggregates can be subtracted to isolate fewer
   than k members ("all but one" differencing).
3. A filter that narrows a member set below k is refused, as is a cell of a table counting fewer than k.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

MIN_K = 3


class AggregateRefused(Exception):
    """An aggregate was asked for that could reveal a member's answer; nothing was computed."""


def check_k(k: int) -> int:
    """The k to use: at least MIN_K."""
    if k < MIN_K:
        raise AggregateRefused(f"k must be at least {MIN_K}, not {k}.")
    return k


def check_count(n: int, k: int, what: str = "this aggregate") -> None:
    """Refuse an aggregate over fewer than k members."""
    check_k(k)
    if n < k:
        raise AggregateRefused(f"{what} covers {n} member(s); at least {k} are needed to show it.")


def set_key(members: Iterable[int]) -> str:
    """A stable digest of a member set (to record it in the release ledger)."""
    ids = ",".join(str(i) for i in sorted(set(members)))
    return hashlib.sha256(ids.encode()).hexdigest()[:64]


def check_release(members: frozenset[int], released: Iterable[frozenset[int]], k: int) -> None:
    """Refuse a member set that differs from an already released one by 1..k-1 members (differencing)."""
    check_count(len(members), k, "the member set")
    for other in released:
        gap = len(members ^ other)
        if 0 < gap < k:
            raise AggregateRefused(
                f"Refused: this member set differs from one already shown by {gap} member(s); "
                f"two aggregates must differ by at least {k} members or a member's answer could be "
                "worked out by subtracting them."
            )


def check_subset(subset: frozenset[int], full: frozenset[int], k: int) -> None:
    """Refuse a filter of the round's member set that keeps fewer than k members or drops fewer than k."""
    if not subset <= full:
        raise AggregateRefused("The filter names governments that are not counted in this round.")
    check_count(len(subset), k, "the filtered member set")
    dropped = len(full - subset)
    if 0 < dropped < k:
        raise AggregateRefused(
            f"Refused: the filter leaves out {dropped} member(s) of the round; comparing it with the "
            f"whole round would reveal them. Leave out none or at least {k}."
        )


def suppress_counts(counts: list[int], k: int) -> list[int | None]:
    """A row of counts with every count below k (but above 0) hidden as None."""
    return [c if c == 0 or c >= k else None for c in counts]
