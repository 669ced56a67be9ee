"""Scoped reads for the portal's cross-record pages: the collaborative dashboard and the search."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import CharField, Model, Prefetch, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast
from django.urls import reverse

from interlocal.agreements.models import Adoption, AgreementParty, AgreementVersion
from interlocal.agreements.queries import visible_agreements, visible_matters
from interlocal.audit.queries import activity_for_user
from interlocal.collaboratives.models import Collaborative
from interlocal.collaboratives.queries import visible_collaboratives
from interlocal.governments.queries import visible_governments
from interlocal.initiatives.models import CriteriaSet, Initiative, InitiativePartner
from interlocal.initiatives.queries import current_criteria_set, visible_initiatives
from interlocal.tracking import trajectory
from interlocal.tracking.queries import (
    DEADLINE_HORIZON,
    LIVE_STAGES,
    KpiRow,
    deadlines,
    initiative_progress,
    kpi_rows_from,
    kpis_prefetch,
)
from interlocal.vocab import Stage

KPI_STATUSES = [
    ("on_track", "On track"),
    ("underperforming", "Underperforming"),
    ("overperforming", "Overperforming"),
    ("no_data", "No measurement yet"),
]


@dataclass(frozen=True)
class AwaitingAdoption:
    """A version not yet in force, with the parties that have not adopted it."""

    version: AgreementVersion
    waiting: list[Any]
    late: bool


@dataclass
class Dashboard:
    """Everything the collaborative page shows about the work in progress."""

    pipeline: list[tuple[str, str, list[Initiative]]]
    progress: list[tuple[Initiative, Decimal | None]]
    overall_progress: Decimal | None
    progress_explanation: str
    kpi_counts: list[tuple[str, str, int]]
    kpis_overdue: int
    in_force: list[AgreementVersion]
    awaiting: list[AwaitingAdoption]
    deadlines: list[tuple[dt.date, str, str, str]]
    activity: list[Any]
    criteria_set: CriteriaSet | None
    initiatives: list[Initiative] = field(default_factory=list)

    @property
    def has_criteria(self) -> bool:
        """Whether the collaborative ranks its initiatives under organizing principles."""
        return self.criteria_set is not None


def collaborative_dashboard(user: Any, collaborative: Collaborative, today: dt.date) -> Dashboard:
    """The dashboard of one collaborative as the user may see it, in a constant number of queries."""
    initiatives = list(
        visible_initiatives(user)
        .filter(collaborative=collaborative)
        .select_related("owner")
        .prefetch_related(kpis_prefetch())
        .order_by("code", "title")
    )
    by_stage: dict[str, list[Initiative]] = {s: [] for s in Stage.values}
    for i in initiatives:
        by_stage[i.stage].append(i)
    rows_of = {i.pk: kpi_rows_from(list(i.kpis.all()), today) for i in initiatives}
    progress = [(i, initiative_progress(rows_of[i.pk])[0]) for i in initiatives if rows_of[i.pk]]
    # Initiatives count equally in the collaborative's roll-up, whatever their number of measures.
    overall, explanation = trajectory.roll_up([(p, Decimal(1)) for _, p in progress])
    all_rows = [r for rows in rows_of.values() for r in rows]
    statuses = Counter(r.assessment.status for r in all_rows)
    versions = _versions(user, collaborative)
    return Dashboard(
        pipeline=[(value, Stage(value).label, by_stage[value]) for value in Stage.values],
        progress=progress,
        overall_progress=overall,
        progress_explanation=explanation,
        kpi_counts=[(key, label, statuses[key]) for key, label in KPI_STATUSES],
        kpis_overdue=sum(1 for r in all_rows if r.overdue),
        in_force=[v for v in versions if v.in_force_on(today)],
        awaiting=_awaiting(versions, today),
        deadlines=_deadlines(versions, initiatives, all_rows, today),
        activity=list(activity_for_user(user, collaborative_id=collaborative.pk, limit=15)),
        criteria_set=current_criteria_set(collaborative.pk),
        initiatives=initiatives,
    )


def _versions(user: Any, collaborative: Collaborative) -> list[AgreementVersion]:
    return list(
        AgreementVersion.objects.filter(
            agreement__in=visible_agreements(user).filter(collaborative=collaborative)
        )
        .select_related("agreement")
        .prefetch_related(
            Prefetch("party_rows", queryset=AgreementParty.objects.select_related("government")),
            Prefetch("adoptions", queryset=Adoption.objects.only("id", "version_id", "government_id")),
        )
        .order_by("agreement__title", "number")
    )


def _awaiting(versions: list[AgreementVersion], today: dt.date) -> list[AwaitingAdoption]:
    found = []
    for v in versions:
        # Every party has adopted (the version may still wait for its effective date).
        if v.in_force_from is not None:
            continue
        adopted = {a.government_id for a in v.adoptions.all()}
        waiting = [p.government for p in v.party_rows.all() if p.government_id not in adopted]
        if waiting:
            late = v.adoption_due_on is not None and v.adoption_due_on < today
            found.append(AwaitingAdoption(v, waiting, late))
    return found


def _deadlines(
    versions: list[AgreementVersion],
    initiatives: list[Initiative],
    rows: list[KpiRow],
    today: dt.date,
) -> list[tuple[dt.date, str, str, str]]:
    """Agreement deadlines, measurements and progress reports due: (date, what, record, its page)."""
    found: list[tuple[dt.date, str, str, str]] = []
    pks = [v.pk for v in versions]
    for day, what, v in deadlines(AgreementVersion.objects.filter(pk__in=pks), today):
        found.append((day, what, str(v), reverse("portal:agreement", args=[v.agreement_id])))
    horizon = today + DEADLINE_HORIZON
    for r in rows:
        if (
            r.next_due_on is not None
            and r.next_due_on <= horizon
            and r.kpi.initiative.stage != Stage.WITHDRAWN
        ):
            what = "measurement overdue" if r.overdue else "measurement due"
            found.append(
                (r.next_due_on, what, r.kpi.name, reverse("portal:initiative", args=[r.kpi.initiative_id]))
            )
    for i in initiatives:
        since = i.last_progress_at or i.stage_changed_at
        if i.stage in LIVE_STAGES and since is not None:
            due = since.date() + dt.timedelta(days=i.update_every_days)
            if due <= horizon:
                what = "progress report overdue" if due < today else "progress report due"
                found.append((due, what, str(i), reverse("portal:initiative", args=[i.pk])))
    return sorted(found, key=lambda d: (d[0], d[1], d[2]))[:12]


# --- Search across record types ------------------------------------------------------------------

SEARCH_LIMIT = 20
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


def search_words(q: str) -> list[str]:
    """The query split into words, apostrophes made straight, punctuation at the edges dropped."""
    words = [w.strip('.,;:!?"()[]') for w in q.translate(_APOSTROPHES).split()]
    return [w for w in words if w]


def _variants(word: str) -> list[str]:
    # Without stemming, a plural or possessive still finds the singular ("radios" -> "radio").
    found = {word, word.replace("'", "\u2019")}
    for suffix in ("'s", "es", "s"):
        if word.lower().endswith(suffix) and len(word) - len(suffix) >= 3:
            found.add(word[: -len(suffix)])
            break
    return sorted(found)


def _word_filter(words: list[str], fields: list[str]) -> Q:
    """Every word (or a variant) in one of the fields: the fallback where there is no full-text search."""
    match = Q()
    for word in words:
        any_field = Q()
        for variant in _variants(word):
            for name in fields:
                any_field |= Q(**{f"{name}__icontains": variant})
        match &= any_field
    return match


def _full_text(qs: QuerySet[Any], fields: list[str], q: str) -> QuerySet[Any]:
    """PostgreSQL full-text match with English stemming, as a subquery of primary keys."""
    from django.contrib.postgres.search import SearchQuery, SearchVector

    vector = SearchVector(*[Cast(f, TextField()) for f in fields], config="english")
    query = SearchQuery(q.translate(_APOSTROPHES), config="english", search_type="websearch")
    return qs.model._default_manager.annotate(_search=vector).filter(_search=query).values("pk")


def _matching(qs: QuerySet[Any], q: str, fields: list[str], names: list[str] | None = None) -> QuerySet[Any]:
    """Records whose text fields match the words; names (e.g. partners) match word by word everywhere."""
    words = search_words(q)
    if not words:
        return qs.none()
    # Related names join one row per partner: match by primary key so that no record repeats.
    found = Q(
        pk__in=qs.model._default_manager.filter(_word_filter(words, fields + (names or []))).values("pk")
    )
    if connection.vendor == "postgresql":
        found |= Q(pk__in=_full_text(qs, fields, q))
    return qs.filter(found)


@dataclass
class SearchResults:
    """What one search found, by record type."""

    q: str
    groups: list[tuple[str, str, list[Model], int]]

    @property
    def total(self) -> int:
        """Records found, all types together."""
        return sum(n for _, _, _, n in self.groups)


INITIATIVE_FIELDS = [
    "code",
    "title",
    "description",
    "services",
    "tracking_implementation",
    "tracking_success",
    "if_overperforming",
    "if_underperforming",
]


def search_for_user(user: Any, q: str) -> SearchResults:
    """Initiatives, agreements, legislation, governments and collaboratives matching the query."""
    partners = InitiativePartner.objects.select_related("government").order_by("role", "position", "id")
    sources: list[tuple[str, str, QuerySet[Any]]] = [
        (
            "initiatives",
            "Initiatives",
            _matching(
                visible_initiatives(user),
                q,
                INITIATIVE_FIELDS,
                ["partners__government__name", "collaborative__name"],
            )
            .select_related("collaborative")
            .prefetch_related(Prefetch("partners", queryset=partners))
            .order_by("code", "title"),
        ),
        (
            "agreements",
            "Agreements",
            _matching(
                visible_agreements(user),
                q,
                ["title", "summary"],
                ["versions__title", "versions__performance_standards", "collaborative__name"],
            ).order_by("title"),
        ),
        (
            "legislation",
            "Legislation",
            _matching(
                visible_matters(user), q, ["file_number", "name", "title", "text"], ["government__name"]
            ).order_by("-intro_date", "file_number"),
        ),
        (
            "governments",
            "Governments",
            _matching(visible_governments(user), q, ["name", "county_name", "geoid"]).order_by("name"),
        ),
        (
            "collaboratives",
            "Collaboratives",
            _matching(visible_collaboratives(user), q, ["name", "purpose"], ["facilitator__name"]).order_by(
                "name"
            ),
        ),
    ]
    groups = []
    for key, label, qs in sources:
        found = list(qs[: SEARCH_LIMIT + 1])
        count = len(found) if len(found) <= SEARCH_LIMIT else qs.count()
        groups.append((key, label, found[:SEARCH_LIMIT], count))
    return SearchResults(q, groups)


# --- Where an activity event points --------------------------------------------------------------

# A changed record's own page: (model label, lookup of the page's key from the record, URL name).
_EVENT_TARGETS: dict[str, tuple[str, str]] = {
    "initiatives.initiative": ("pk", "portal:initiative"),
    "initiatives.progressnote": ("initiative_id", "portal:initiative"),
    "initiatives.stagetransition": ("initiative_id", "portal:initiative"),
    "tracking.kpi": ("initiative_id", "portal:initiative"),
    "tracking.measurement": ("kpi__initiative_id", "portal:initiative"),
    "tracking.responsetrigger": ("kpi__initiative_id", "portal:initiative"),
    "agreements.agreement": ("pk", "portal:agreement"),
    "agreements.agreementversion": ("agreement_id", "portal:agreement"),
    "agreements.agreementparty": ("version__agreement_id", "portal:agreement"),
    "agreements.adoption": ("version__agreement_id", "portal:agreement"),
    "agreements.legislativematter": ("pk", "portal:matter"),
    "governments.government": ("slug", "portal:government"),
    "collaboratives.collaborative": ("slug", "portal:collaborative"),
}


def event_urls(events: list[Any]) -> dict[int, str]:
    """Each event's link: the changed record's own page, else its collaborative's; at most one query."""
    from django.apps import apps

    wanted: dict[str, set[str]] = {}
    for e in events:
        if e.model in _EVENT_TARGETS and e.object_id.isdigit():
            wanted.setdefault(e.model, set()).add(e.object_id)
    keys: dict[tuple[str, str], str] = {}
    for label in [label for label in wanted if _EVENT_TARGETS[label][0] == "pk"]:
        keys.update({(label, i): i for i in wanted.pop(label)})
    # The other records' page keys come from one UNION, whatever the mix of record types.
    parts = [
        apps.get_model(label)
        ._default_manager.filter(pk__in=ids)
        .order_by()
        .annotate(
            _label=Value(label, output_field=CharField()),
            _ident=Cast("pk", CharField()),
            _key=Cast(_EVENT_TARGETS[label][0], CharField()),
        )
        .values_list("_label", "_ident", "_key")
        for label, ids in sorted(wanted.items())
    ]
    if parts:
        for label, ident, key in parts[0].union(*parts[1:], all=True):
            keys[(label, ident)] = key
    urls = {}
    for e in events:
        key = keys.get((e.model, e.object_id))
        if key is not None:
            urls[e.pk] = reverse(_EVENT_TARGETS[e.model][1], args=[key])
        elif e.collaborative_id is not None:
            urls[e.pk] = reverse("portal:collaborative", args=[e.collaborative.slug]) + "#activity"
        else:
            urls[e.pk] = reverse("portal:home")
    return urls
