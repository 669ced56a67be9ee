"""Stage gates: named conditions an initiative must meet to enter a stage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from interlocal.vocab_core import Stage


@dataclass(frozen=True)
class Facts:
    """What the gates look at, gathered from the database once per check."""

    has_description: bool
    has_lead: bool
    has_participants: bool
    has_cost_estimate: bool
    has_owner: bool
    has_agreement_in_force: bool
    has_kpi_with_baseline: bool
    has_measurement: bool


@dataclass(frozen=True)
class Condition:
    """One gate condition: a code, what it asks for in words, and its test."""

    code: str
    needs: str
    test: Callable[[Facts], bool]


CONDITIONS: dict[str, Condition] = {
    c.code: c
    for c in [
        Condition("description", "a description", lambda f: f.has_description),
        Condition("lead", "a lead partner", lambda f: f.has_lead),
        Condition("participants", "participating governments", lambda f: f.has_participants),
        Condition("cost_estimate", "a cost estimate", lambda f: f.has_cost_estimate),
        Condition("owner", "an accountable owner", lambda f: f.has_owner),
        Condition(
            "agreement_in_force",
            "an agreement version in force (adopted by every party)",
            lambda f: f.has_agreement_in_force,
        ),
        Condition("kpi_baseline", "at least one KPI with a baseline", lambda f: f.has_kpi_with_baseline),
        Condition("measurement", "at least one KPI measurement", lambda f: f.has_measurement),
    ]
}

DEFAULT_GATES: dict[str, list[str]] = {
    Stage.PROPOSED: ["description", "lead", "participants", "cost_estimate"],
    Stage.APPROVED: ["agreement_in_force"],
    Stage.IMPLEMENTING: ["owner"],
    Stage.OPERATING: ["kpi_baseline"],
    Stage.EVALUATED: ["measurement"],
}


def unknown_codes(codes: list[str]) -> list[str]:
    """Codes that name no condition."""
    return [c for c in codes if c not in CONDITIONS]


def unmet(codes: list[str], facts: Facts) -> list[Condition]:
    """The conditions among codes that the facts do not satisfy."""
    return [CONDITIONS[c] for c in codes if not CONDITIONS[c].test(facts)]
