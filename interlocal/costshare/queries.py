"""Scoped reads of scenarios and the savings ledger; a read is 404 whether missing or hidden."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from interlocal import access
from interlocal.agreements.models import AgreementVersion
from interlocal.collaboratives.models import Collaborative
from interlocal.collaboratives.queries import get_collaborative_for_user
from interlocal.costshare.choices import ScenarioStatus
from interlocal.costshare.models import DriverValue, SavingsEntry, Scenario, ScenarioDriver, ScenarioPartner


def visible_scenarios(user: Any) -> QuerySet[Scenario]:
    """Scenarios of the collaboratives the user belongs to (all of them for administrators)."""
    qs = Scenario.objects.select_related(
        "collaborative", "agreement_version__agreement", "initiative", "adopted_by"
    )
    if access.is_admin(user):
        return qs
    return qs.filter(collaborative_id__in=access.member_collaborative_ids(user))


def get_scenario_for_user(user: Any, pk: int) -> Scenario:
    """One scenario with its partners and drivers, or 404 whether missing or hidden."""
    drivers = ScenarioDriver.objects.prefetch_related(
        Prefetch("values", queryset=DriverValue.objects.select_related("government").order_by("period"))
    )
    qs = visible_scenarios(user).prefetch_related(
        Prefetch("partners", queryset=ScenarioPartner.objects.select_related("government")),
        Prefetch("drivers", queryset=drivers),
    )
    return get_object_or_404(qs, pk=pk)


def get_collaborative_for_scenarios(user: Any, slug: str) -> Collaborative:
    """The collaborative whose scenarios or ledger the user may read, or 404."""
    collaborative = get_collaborative_for_user(user, slug)
    if not user.has_perm("costshare.view_scenario", collaborative):
        raise Http404("No such collaborative.")
    return collaborative


def scenarios_of(user: Any, collaborative: Collaborative) -> QuerySet[Scenario]:
    """The collaborative's scenarios with what a list row shows."""
    return (
        visible_scenarios(user)
        .filter(collaborative=collaborative)
        .annotate(partner_count=Count("partners"))
        .order_by("-fiscal_year", "name", "id")
    )


def adopted_scenarios_for_version(version: AgreementVersion) -> list[Scenario]:
    """The version's adopted splits, one per service and fiscal year, latest year first (public)."""
    return list(
        Scenario.objects.filter(agreement_version=version, status=ScenarioStatus.ADOPTED)
        .select_related("adopted_by")
        .order_by("-fiscal_year", "service", "id")
    )


def adopted_bills_for_user(user: Any) -> list[Scenario]:
    """Adopted scenarios in which the user's government is billed."""
    gov = getattr(user, "government_id", None) if user.is_authenticated else None
    if gov is None:
        return []
    return list(
        visible_scenarios(user)
        .filter(status=ScenarioStatus.ADOPTED, partners__government_id=gov)
        .order_by("-fiscal_year", "name")
    )


@dataclass
class Rollup:
    """Sums of the ledger for one group: baseline, projected and actual savings."""

    label: str
    baseline: Decimal = Decimal(0)
    projected: Decimal = Decimal(0)
    actual: Decimal | None = None  # None until some entry reports an actual saving
    certified: Decimal = Decimal(0)
    entries: int = 0

    @property
    def actual_vs_projected(self) -> Decimal | None:
        """Actual as a percentage of projected; None while no actual is known (not 0%)."""
        if self.actual is None or not self.projected:
            return None
        return (100 * self.actual / self.projected).quantize(Decimal("0.1"))


@dataclass
class Ledger:
    """The savings ledger of one collaborative with its roll-ups."""

    entries: list[SavingsEntry]
    total: Rollup
    by_government: list[Rollup] = field(default_factory=list)
    by_year: list[Rollup] = field(default_factory=list)


def _rollups(qs: QuerySet[SavingsEntry], key: str, label: str) -> list[Rollup]:
    rows = (
        qs.values(key, label)
        .annotate(
            baseline=Sum("baseline_cost"),
            projected=Sum("projected_saving"),
            actual=Sum("actual_saving"),
            certified=Sum("actual_saving", filter=Q(certified_at__isnull=False)),
            n=Count("id"),
        )
        .order_by(label)
    )
    return [
        Rollup(
            str(r[label]),
            r["baseline"] or Decimal(0),
            r["projected"] or Decimal(0),
            r["actual"],
            r["certified"] or Decimal(0),
            r["n"],
        )
        for r in rows
    ]


def savings_ledger_for(user: Any, collaborative: Collaborative) -> Ledger:
    """Entries of the collaborative's initiatives, with roll-ups by government and by year."""
    qs = SavingsEntry.objects.filter(initiative__collaborative=collaborative)
    if not user.has_perm("costshare.view_scenario", collaborative):
        qs = qs.none()
    entries = list(
        qs.select_related("initiative__collaborative", "government", "certified_by").order_by(
            "-fiscal_year", "government__name", "initiative__code", "id"
        )
    )
    agg = qs.aggregate(
        baseline=Sum("baseline_cost"),
        projected=Sum("projected_saving"),
        actual=Sum("actual_saving"),
        certified=Sum("actual_saving", filter=Q(certified_at__isnull=False)),
        n=Count("id"),
    )
    total = Rollup(
        f"All of {collaborative.name}",
        agg["baseline"] or Decimal(0),
        agg["projected"] or Decimal(0),
        agg["actual"],
        agg["certified"] or Decimal(0),
        agg["n"],
    )
    return Ledger(
        entries=entries,
        total=total,
        by_government=_rollups(qs, "government_id", "government__name"),
        by_year=list(reversed(_rollups(qs, "fiscal_year", "fiscal_year"))),
    )


def get_savings_entry_for_user(user: Any, pk: int) -> SavingsEntry:
    """One ledger entry of a collaborative the user belongs to, or 404."""
    qs = SavingsEntry.objects.select_related("initiative__collaborative", "government")
    if not access.is_admin(user):
        qs = qs.filter(initiative__collaborative_id__in=access.member_collaborative_ids(user))
    return get_object_or_404(qs, pk=pk)


def scenario_targets(user: Any, collaborative: Collaborative) -> list[tuple[str, str]]:
    """Agreement versions and initiatives of the collaborative a scenario may be for, as form choices."""
    from interlocal.agreements.queries import visible_agreements
    from interlocal.initiatives.queries import visible_initiatives

    versions = AgreementVersion.objects.filter(
        agreement__in=visible_agreements(user).filter(collaborative=collaborative)
    ).select_related("agreement")
    initiatives = visible_initiatives(user).filter(collaborative=collaborative).order_by("code", "title")
    return [(f"version:{v.pk}", f"{v.agreement.title}, version {v.number}: {v.title}") for v in versions] + [
        (f"initiative:{i.pk}", f"Initiative {i.code} {i.title}".replace("  ", " ")) for i in initiatives
    ]


def resolve_target(user: Any, collaborative: Collaborative, target: str) -> dict[str, Any]:
    """The agreement_version= or initiative= keyword a form's target choice names (already validated)."""
    from interlocal.agreements.queries import visible_agreements
    from interlocal.initiatives.queries import visible_initiatives

    kind, _, pk = target.partition(":")
    if kind == "version":
        version = get_object_or_404(
            AgreementVersion.objects.select_related("agreement__collaborative"),
            pk=int(pk),
            agreement__in=visible_agreements(user).filter(collaborative=collaborative),
        )
        return {"agreement_version": version}
    initiative = get_object_or_404(
        visible_initiatives(user).select_related("collaborative"), pk=int(pk), collaborative=collaborative
    )
    return {"initiative": initiative}


def member_governments(collaborative: Collaborative) -> list[Any]:
    """Governments currently belonging to the collaborative."""
    from interlocal.collaboratives.models import Membership
    from interlocal.governments.models import Government

    current = Membership.objects.filter(access.current_memberships(), collaborative=collaborative)
    return list(Government.objects.filter(pk__in=current.values("government_id")).order_by("name"))


def savings_form_choices(
    user: Any, collaborative: Collaborative
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Initiatives of the collaborative and the governments the user may record savings for."""
    from interlocal.initiatives.queries import visible_initiatives

    initiatives = [
        (i.pk, f"{i.code} {i.title}".strip())
        for i in visible_initiatives(user).filter(collaborative=collaborative).order_by("code", "title")
    ]
    from interlocal.initiatives.models import Initiative

    probe = Initiative(collaborative=collaborative)
    governments = [
        (g.pk, g.name)
        for g in member_governments(collaborative)
        if user.has_perm("costshare.add_savingsentry", SavingsEntry(initiative=probe, government=g))
    ]
    return initiatives, governments


def get_initiative_in(user: Any, collaborative: Collaborative, pk: int) -> Any:
    """A visible initiative of the collaborative, or 404."""
    from interlocal.initiatives.queries import visible_initiatives

    return get_object_or_404(
        visible_initiatives(user).select_related("collaborative"), pk=pk, collaborative=collaborative
    )


def get_member_government(collaborative: Collaborative, pk: int) -> Any:
    """A current member government of the collaborative, or 404."""
    for gov in member_governments(collaborative):
        if gov.pk == pk:
            return gov
    raise Http404("No such member.")


def savings_by_year(user: Any, collaborative: Collaborative) -> list[Rollup]:
    """Projected and certified savings of the collaborative's initiatives per fiscal year, oldest first.

    One query; empty for a user who may not see the collaborative's costs.
    """
    if not user.has_perm("costshare.view_scenario", collaborative):
        return []
    return _rollups(
        SavingsEntry.objects.filter(initiative__collaborative=collaborative), "fiscal_year", "fiscal_year"
    )
