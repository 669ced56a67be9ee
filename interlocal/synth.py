"""Synthetic state-scale data for load tests: governments, collaboratives, initiatives, agreements, legislation.

Everything is seeded, so the same sizes and seed give the same records. Large record types go in through the
bulk helpers (interlocal.bulk) and the bulk actions, each record with its own audit event
(audit_records_bulk); the few agreements go through the ordinary actions.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from interlocal import access
from interlocal.agreements import actions as agreement_actions
from interlocal.agreements.models import LegislativeMatter, MatterAction
from interlocal.audit.actions import audit_records_bulk, snapshot
from interlocal.bulk import insert_objects, insert_rows
from interlocal.collaboratives import actions as collaborative_actions
from interlocal.collaboratives.models import Collaborative, Membership
from interlocal.governments.models import Government, Person
from interlocal.initiatives import actions as initiative_actions
from interlocal.initiatives.models import Initiative, InitiativePartner, Term
from interlocal.tracking.models import Kpi, Measurement
from interlocal.vocab import (
    AgreementKind,
    CostBand,
    Direction,
    GovernmentKind,
    InitiativeStatus,
    MembershipRole,
    MembershipStatus,
    PartnerRole,
    Role,
    TermKind,
    TimelineBand,
    VersionKind,
)

STATES = ["MO", "KS", "IL", "IA", "NE", "OK", "AR", "KY", "TN"]
_PREFIXES = [
    "Oak",
    "Maple",
    "Cedar",
    "River",
    "Lake",
    "Spring",
    "Fair",
    "Green",
    "Pleasant",
    "Mount",
    "Clear",
    "Elm",
    "Pine",
    "Rock",
    "Sun",
    "Willow",
    "Ash",
    "Bright",
    "Stone",
    "Glen",
]
_SUFFIXES = [
    "ville",
    "ton",
    "field",
    "wood",
    "port",
    "dale",
    "view",
    "brook",
    "ford",
    "ridge",
    "haven",
    "burg",
    "land",
    "mont",
    "crest",
]
_SERVICES = [
    "911 dispatch",
    "radio maintenance",
    "HR back office",
    "IT help desk",
    "cybersecurity",
    "firefighter training",
    "recycling",
    "fleet maintenance",
    "building inspection",
    "stormwater management",
    "animal control",
    "public health nursing",
    "procurement",
    "payroll",
    "GIS mapping",
    "snow removal",
    "street sweeping",
    "code enforcement",
]
_VERBS = ["Share", "Consolidate", "Jointly procure", "Coordinate", "Pool", "Regionalise", "Study sharing"]
TERMS = {
    TermKind.TOPIC_AREA: [
        "Public Safety",
        "Transportation",
        "Environment",
        "Economic Development",
        "Health",
        "Housing",
        "Government Operations",
        "Parks and Recreation",
    ],
    TermKind.GEOGRAPHIC_SCALE: ["Municipal", "County", "Regional", "Statewide"],
    TermKind.KEY_ISSUE: ["Cost savings", "Service quality", "Equity", "Resilience", "Workforce"],
    TermKind.FUNDING_SOURCE: ["General fund", "State grant", "Federal grant", "Sales tax", "User fees"],
}
_ACTION_STEPS = [
    ("Introduced", ""),
    ("Referred to committee", ""),
    ("Recommended for approval", "Pass"),
    ("Adopted", "Pass"),
]
_COUNCILLORS = [
    "Alvarez",
    "Brooks",
    "Chen",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Jackson",
    "Kowalski",
    "Lopez",
    "Meyer",
    "Nguyen",
    "Owens",
    "Patel",
]
CHUNK = 5000
START = dt.date(2015, 1, 1)


class SynthRefused(Exception):
    """The database already holds records; synthetic data loads only into an empty one."""


@dataclass
class SynthCounts:
    """How many records of each kind were made."""

    governments: int = 0
    collaboratives: int = 0
    memberships: int = 0
    people: int = 0
    initiatives: int = 0
    partners: int = 0
    agreements: int = 0
    matters: int = 0
    actions: int = 0
    kpis: int = 0
    measurements: int = 0
    usernames: dict[str, str] = field(default_factory=dict)


def existing_records() -> dict[str, int]:
    """Record types that already hold rows (synth refuses to load over them)."""
    counts = {
        "governments": Government.objects.count(),
        "collaboratives": Collaborative.objects.count(),
        "initiatives": Initiative.objects.count(),
        "legislative matters": LegislativeMatter.objects.count(),
    }
    return {k: v for k, v in counts.items() if v}


def _day(rng: random.Random, start: dt.date = START, span: int = 3650) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(span))


def _bulk(
    acting_user: Person,
    verb: str,
    objects: Sequence[Any],
    fields: list[str],
    *,
    collaborative: Any = None,
    government: Any = None,
    public: list[bool] | None = None,
) -> list[Any]:
    """Insert objects of one model with one audit event each, as the importers do."""
    created = insert_objects(list(objects))
    audit_records_bulk(
        acting_user=acting_user,
        verb=verb,
        objects=created,
        changes=[snapshot(o, fields) for o in created],
        collaborative=collaborative,
        government=government,
        public=public,
    )
    return created


@transaction.atomic
def synth_generate(
    *,
    acting_user: Person,
    governments: int,
    initiatives: int,
    matters: int,
    seed: int = 8,
    password: str = "",
    progress: Callable[[str], None] = lambda _: None,
) -> SynthCounts:
    """Load a seeded synthetic state into an empty database; refuses a database that holds records."""
    access.require(
        acting_user, "portal.load_synthetic_data", None, "Only an administrator loads synthetic data."
    )
    found = existing_records()
    if found:
        listed = ", ".join(f"{n} {k}" for k, n in found.items())
        raise SynthRefused(
            f"The database already holds {listed}; synth loads only into an empty database "
            "(point DATABASE_URL at a new one and run `interlocal migrate` first)."
        )
    if governments < 6:
        raise ValueError("--governments must be at least 6 (a county, two councils and their members).")
    rng = random.Random(seed)
    counts = SynthCounts()
    govs, councils, cities = _governments(acting_user, rng, governments)
    counts.governments = len(govs)
    progress(f"{len(govs)} governments")
    collabs, members = _collaboratives(acting_user, rng, councils, cities)
    counts.collaboratives = len(collabs)
    counts.memberships = Membership.objects.count()
    people = _people(acting_user, collabs, members, password)
    counts.people = len(people)
    counts.usernames = {p.username: p.role for p in people}
    coordinators = {p.government_id: p for p in people if p.role == Role.COORDINATOR}
    progress(f"{len(collabs)} collaboratives, {counts.memberships} memberships, {len(people)} people")
    matters_by_gov = _matters(acting_user, rng, govs, matters, counts)
    progress(f"{counts.matters} legislative matters with {counts.actions} actions")
    made = _initiatives(acting_user, rng, collabs, members, coordinators, initiatives, counts)
    progress(f"{counts.initiatives} initiatives with {counts.partners} partners")
    _kpis(acting_user, rng, made, coordinators, counts)
    progress(f"{counts.kpis} KPIs with {counts.measurements} measurements")
    _agreements(acting_user, rng, collabs, members, made, matters_by_gov, counts)
    progress(f"{counts.agreements} agreements")
    return counts


def _governments(
    acting_user: Person, rng: random.Random, total: int
) -> tuple[list[Government], list[Government], list[Government]]:
    n_counties = max(1, total // 25)
    n_councils = max(2, min(40, total // 50))
    n_cities = total - n_counties - n_councils
    rows: list[Government] = []
    for i in range(n_counties):
        state = STATES[i % len(STATES)]
        name = f"{rng.choice(_PREFIXES)}{rng.choice(_SUFFIXES)} County"
        rows.append(
            Government(
                kind=GovernmentKind.COUNTY,
                name=name,
                slug=f"{slugify(name)}-{i + 1}",
                state=state,
                county_name=name,
                geoid=f"99{i:03d}",
                population=rng.randrange(20_000, 900_000),
                population_year=2020,
                population_source="Synthetic",
            )
        )
    counties = _bulk(acting_user, "government_create", rows, ["kind", "name", "slug", "state"])
    rows = []
    for i in range(n_councils):
        name = f"{rng.choice(_PREFIXES)} Regional Council {i + 1}"
        rows.append(
            Government(
                kind=GovernmentKind.REGIONAL_COUNCIL,
                name=name,
                slug=slugify(name),
                state=counties[i % len(counties)].state,
            )
        )
    councils = _bulk(acting_user, "government_create", rows, ["kind", "name", "slug", "state"])
    rows = []
    for i in range(n_cities):
        county = counties[i % len(counties)]
        name = f"{rng.choice(_PREFIXES)}{rng.choice(_SUFFIXES)}"
        rows.append(
            Government(
                kind=GovernmentKind.CITY,
                name=name,
                slug=f"{slugify(name)}-{i + 1}",
                state=county.state,
                county_name=county.name,
                parent_id=county.pk,
                geoid=f"98{i:07d}",
                population=rng.randrange(800, 250_000),
                population_year=2020,
                population_source="Synthetic",
                website=f"https://{slugify(name)}-{i + 1}.example.gov",
                is_published=rng.random() > 0.02,
            )
        )
    cities = _bulk(acting_user, "government_create", rows, ["kind", "name", "slug", "state", "parent"])
    return [*counties, *councils, *cities], councils, cities


def _collaboratives(
    acting_user: Person, rng: random.Random, councils: list[Government], cities: list[Government]
) -> tuple[list[Collaborative], dict[int, list[Government]]]:
    collabs: list[Collaborative] = []
    members: dict[int, list[Government]] = {}
    for k, council in enumerate(councils):
        service = _SERVICES[k % len(_SERVICES)]
        collab = collaborative_actions.collaborative_create(
            acting_user=acting_user,
            name=f"{council.name.replace('Regional Council', 'Shared Services')} ({service})",
            slug=f"collaborative-{k + 1}",
            short_name=f"C{k + 1:02d}",
            purpose=f"Member governments explore sharing {service} and other back-office services.",
            facilitator=council,
            formed_on=_day(rng, span=1500),
            # One in eight is still being organised and not yet public.
            is_published=k % 8 != 7,
        )
        formed = collab.formed_on or START
        chosen = rng.sample(cities, min(len(cities), rng.randint(8, 30)))
        rows = [
            Membership(
                collaborative=collab,
                government=council,
                role=MembershipRole.FACILITATOR,
                joined_on=formed,
                status=MembershipStatus.ACCEPTED,
            )
        ]
        for gov in chosen:
            joined = _day(rng, start=formed, span=1500)
            left = joined + dt.timedelta(days=rng.randrange(200, 1500)) if rng.random() < 0.1 else None
            # Synthetic members have consented, as if each had accepted its proposal.
            rows.append(
                Membership(
                    collaborative=collab,
                    government=gov,
                    joined_on=joined,
                    left_on=left,
                    status=MembershipStatus.ACCEPTED,
                )
            )
        _bulk(
            acting_user,
            "membership_accept",
            rows,
            ["government", "role", "joined_on", "status"],
            collaborative=collab,
        )
        # Only current members can be named as parties or partners.
        today = access.today()
        members[collab.pk] = [
            m.government
            for m in rows[1:]
            if m.joined_on <= today and (m.left_on is None or m.left_on >= today)
        ]
        collabs.append(collab)
    return collabs, members


def _people(
    acting_user: Person, collabs: list[Collaborative], members: dict[int, list[Government]], password: str
) -> list[Person]:
    # One hash for everyone: hashing a password per account would take most of the run.
    hashed = make_password(password or None)
    rows = []
    for k, collab in enumerate(collabs):
        staff = [
            (f"coordinator-{k + 1}", collab.facilitator, Role.COORDINATOR),
            (f"editor-{k + 1}", members[collab.pk][0], Role.MEMBER_EDITOR),
            (f"viewer-{k + 1}", members[collab.pk][-1], Role.VIEWER),
        ]
        for username, gov, role in staff:
            rows.append(
                Person(
                    username=username,
                    government=gov,
                    role=role,
                    password=hashed,
                    is_staff=role != Role.VIEWER,
                    first_name=username.split("-")[0].title(),
                    last_name=str(k + 1),
                    email=f"{username}@example.gov",
                    date_joined=timezone.now(),
                )
            )
    return _bulk(acting_user, "person_create", rows, ["username", "government", "role"])


def _matters(
    acting_user: Person, rng: random.Random, govs: list[Government], total: int, counts: SynthCounts
) -> dict[int, list[LegislativeMatter]]:
    by_gov: dict[int, list[LegislativeMatter]] = {}
    per_gov = [total // len(govs) + (1 if i < total % len(govs) else 0) for i in range(len(govs))]
    batch: list[tuple[Government, list[LegislativeMatter]]] = []
    pending, serial = 0, 100000
    for gov, n in zip(govs, per_gov, strict=True):
        rows = []
        for j in range(n):
            intro = _day(rng)
            passed = intro + dt.timedelta(days=rng.randrange(14, 90)) if rng.random() < 0.8 else None
            kind = "Resolution" if j % 3 else "Ordinance"
            service = rng.choice(_SERVICES)
            rows.append(
                LegislativeMatter(
                    government=gov,
                    client=gov.slug[:80],
                    matter_id=serial + j,
                    file_number=f"{'RES' if kind == 'Resolution' else 'ORD'}. NO. {intro:%y}-{j + 1:04d}",
                    name=f"{service.title()} agreement",
                    type_name=kind,
                    status_name="Passed" if passed else "In Committee",
                    title=f"A {kind.lower()} of {gov.name} authorising participation in shared {service}.",
                    body_name="City Council",
                    intro_date=intro,
                    agenda_date=intro + dt.timedelta(days=7),
                    passed_date=passed,
                    enactment_number=f"{intro:%Y}-{j + 1}" if passed else "",
                    version="1",
                    sponsors=rng.sample(_COUNCILLORS, 2),
                    indexes=[service],
                    text=f"WHEREAS the {gov.name} may cooperate with other governments to provide {service}; "
                    "NOW, THEREFORE, BE IT RESOLVED that the City Manager is authorised to sign the agreement.",
                    is_published=rng.random() > 0.05,
                )
            )
        serial += n
        by_gov[gov.pk] = rows
        batch.append((gov, rows))
        pending += len(rows)
        if pending >= CHUNK:
            _flush_matters(acting_user, rng, batch, counts)
            batch, pending = [], 0
    _flush_matters(acting_user, rng, batch, counts)
    return by_gov


def _flush_matters(
    acting_user: Person,
    rng: random.Random,
    batch: list[tuple[Government, list[LegislativeMatter]]],
    counts: SynthCounts,
) -> None:
    every = [m for _, rows in batch for m in rows]
    if not every:
        return
    insert_objects(every)
    for gov, rows in batch:
        audit_records_bulk(
            acting_user=acting_user,
            verb="matter_create",
            objects=list(rows),
            changes=[snapshot(m, ["file_number", "title", "type_name", "intro_date"]) for m in rows],
            government=gov,
            public=[m.is_published for m in rows],
        )
    actions = []
    for m in every:
        steps = _ACTION_STEPS if m.passed_date else _ACTION_STEPS[: rng.randint(1, 2)]
        assert m.intro_date is not None
        for n, (name, flag) in enumerate(steps):
            when = (
                m.passed_date
                if name == "Adopted" and m.passed_date
                else m.intro_date + dt.timedelta(days=7 * n)
            )
            actions.append(
                MatterAction(
                    matter=m,
                    action_date=when,
                    version="1",
                    action_body_name="City Council",
                    action_name=name,
                    passed_flag_name=flag,
                    tally="7:0" if flag else "",
                    sequence=0,
                    mover_name=rng.choice(_COUNCILLORS) if flag else "",
                    seconder_name=rng.choice(_COUNCILLORS) if flag else "",
                )
            )
    _bulk(
        acting_user,
        "matter_action_add",
        actions,
        ["action_date", "version", "action_body_name", "action_name"],
    )
    counts.matters += len(every)
    counts.actions += len(actions)


def _initiatives(
    acting_user: Person,
    rng: random.Random,
    collabs: list[Collaborative],
    members: dict[int, list[Government]],
    coordinators: dict[int | None, Person],
    total: int,
    counts: SynthCounts,
) -> list[Initiative]:
    terms = {
        kind: [initiative_actions.term_ensure(acting_user=acting_user, kind=kind, name=n) for n in names]
        for kind, names in TERMS.items()
    }
    made: list[Initiative] = []
    for k, collab in enumerate(collabs):
        n = total // len(collabs) + (1 if k < total % len(collabs) else 0)
        if not n:
            continue
        plan = initiative_actions.plan_create(
            acting_user=acting_user,
            collaborative=collab,
            name=f"{collab.short_name} work plan",
            slug=f"{collab.slug}-plan",
            adopted_on=collab.formed_on,
        )
        owner = coordinators.get(collab.facilitator_id)
        rows = []
        for j in range(n):
            service = rng.choice(_SERVICES)
            estimate = Decimal(rng.randrange(20_000, 50_000_000)).quantize(Decimal("1000"))
            start = _day(rng, start=dt.date(2020, 1, 1), span=2500)
            rows.append(
                {
                    "plan": plan,
                    "plan_position": j + 1,
                    "code": f"{collab.short_name}.{j + 1}",
                    "title": f"{rng.choice(_VERBS)} {service}",
                    "description": f"Member governments would {service} together to cut duplicated cost "
                    f"and improve service. Recommendation {j + 1} of the {plan.name}.",
                    "status": rng.choice(InitiativeStatus.values),
                    "is_project": rng.random() < 0.4,
                    "is_partnership": rng.random() < 0.7,
                    "is_policy": rng.random() < 0.2,
                    "equity_considerations": "Smaller members pay by population so no one is priced out.",
                    "sustainability_considerations": "Fewer duplicate vehicles and facilities.",
                    "cost_band": CostBand.LOW
                    if estimate < 1_000_000
                    else CostBand.MEDIUM
                    if estimate < 10_000_000
                    else CostBand.HIGH,
                    "cost_estimate": estimate,
                    "timeline_band": rng.choice(TimelineBand.values),
                    "start_on": start,
                    "end_on": start + dt.timedelta(days=rng.randrange(365, 3650)),
                    "tracking_implementation": "The coordinator reports progress each quarter.",
                    "tracking_success": [f"Cost per resident for {service} falls."],
                    "owner": owner if rng.random() < 0.3 else None,
                    "is_published": collab.is_published and rng.random() < 0.85,
                }
            )
        created = initiative_actions.initiative_bulk_create(
            acting_user=acting_user, collaborative=collab, rows=rows
        )
        _partners_and_terms(acting_user, rng, collab, created, members[collab.pk], terms, counts)
        made.extend(created)
    counts.initiatives = len(made)
    return made


def _partners_and_terms(
    acting_user: Person,
    rng: random.Random,
    collab: Collaborative,
    created: list[Initiative],
    pool: list[Government],
    terms: dict[TermKind, list[Term]],
    counts: SynthCounts,
) -> None:
    partners: list[InitiativePartner] = []
    partner_diffs: list[dict[str, Any]] = []
    links: list[tuple[int, int]] = []
    term_diffs: list[dict[str, Any]] = []
    for initiative in created:
        chosen = rng.sample(pool, min(len(pool), rng.randint(1, 6)))
        roles = [PartnerRole.LEAD] + [
            rng.choice([PartnerRole.SUPPORTING, PartnerRole.PARTICIPATING]) for _ in chosen[1:]
        ]
        rows = [
            InitiativePartner(initiative_id=initiative.pk, government_id=g.pk, role=r, position=p)
            for p, (g, r) in enumerate(zip(chosen, roles, strict=True))
        ]
        partners.extend(rows)
        partner_diffs.append(
            {"partners": ([], sorted(f"{r}:{g.name}" for g, r in zip(chosen, roles, strict=True)))}
        )
        picked = [
            rng.choice(terms[TermKind.TOPIC_AREA]),
            rng.choice(terms[TermKind.GEOGRAPHIC_SCALE]),
            *rng.sample(terms[TermKind.KEY_ISSUE], 2),
            rng.choice(terms[TermKind.FUNDING_SOURCE]),
        ]
        links.extend((initiative.pk, t.pk) for t in set(picked))
        term_diffs.append({"terms": ([], sorted({t.name for t in picked}))})
    insert_objects(partners)
    counts.partners += len(partners)
    insert_rows(Initiative.terms.through, ["initiative_id", "term_id"], links)
    public = [i.is_published for i in created]
    for verb, diffs in (("initiative_set_partners", partner_diffs), ("initiative_set_terms", term_diffs)):
        audit_records_bulk(
            acting_user=acting_user,
            verb=verb,
            objects=list(created),
            changes=diffs,
            collaborative=collab,
            public=public,
        )


def _kpis(
    acting_user: Person,
    rng: random.Random,
    made: list[Initiative],
    coordinators: dict[int | None, Person],
    counts: SynthCounts,
) -> None:
    kpis = []
    for initiative in made:
        if rng.random() >= 0.1:
            continue
        baseline_on = _day(rng, start=dt.date(2021, 1, 1), span=800)
        baseline = Decimal(rng.randrange(10, 500))
        kpis.append(
            Kpi(
                initiative=initiative,
                name="Cost per call" if rng.random() < 0.5 else "Average response days",
                unit="dollars",
                direction=Direction.LOWER,
                baseline=baseline,
                baseline_on=baseline_on,
                target=(baseline * Decimal("0.8")).quantize(Decimal("0.01")),
                target_on=baseline_on + dt.timedelta(days=1095),
                owner=coordinators.get(initiative.collaborative.facilitator_id),
            )
        )
    fields = ["name", "unit", "direction", "baseline", "baseline_on", "target", "target_on", "owner"]
    _bulk(acting_user, "kpi_create", kpis, fields)
    measurements = []
    for kpi in kpis:
        assert kpi.baseline is not None and kpi.baseline_on is not None
        for q in range(1, rng.randint(1, 5)):
            measurements.append(
                Measurement(
                    kpi=kpi,
                    measured_on=kpi.baseline_on + dt.timedelta(days=90 * q),
                    value=(kpi.baseline * Decimal(rng.uniform(0.75, 1.05))).quantize(Decimal("0.01")),
                    entered_by=kpi.owner or acting_user,
                    entered_at=timezone.now(),
                )
            )
    _bulk(acting_user, "measurement_record", measurements, ["kpi", "measured_on", "value"])
    counts.kpis, counts.measurements = len(kpis), len(measurements)


def _agreements(
    acting_user: Person,
    rng: random.Random,
    collabs: list[Collaborative],
    members: dict[int, list[Government]],
    made: list[Initiative],
    matters_by_gov: dict[int, list[LegislativeMatter]],
    counts: SynthCounts,
) -> None:
    by_collab: dict[int, list[Initiative]] = {}
    for i in made:
        by_collab.setdefault(i.collaborative_id, []).append(i)
    kinds = [AgreementKind.STATEMENT_OF_PURPOSE, AgreementKind.INTERLOCAL, AgreementKind.MOU]
    for collab in collabs:
        for n, kind in enumerate(kinds):
            agreement = agreement_actions.agreement_create(
                acting_user=acting_user,
                collaborative=collab,
                kind=kind,
                title=f"{collab.short_name} {AgreementKind(kind).label} {n + 1}",
                summary="The parties share the service's cost by population and calls for service.",
                is_published=collab.is_published and n != 2,
            )
            linked = by_collab.get(collab.pk, [])[n * 3 : n * 3 + 3]
            if linked:
                agreement_actions.agreement_link_initiatives(
                    acting_user=acting_user, agreement=agreement, initiatives=linked
                )
            parties = members[collab.pk][: rng.randint(2, 8)]
            effective = _day(rng, start=dt.date(2019, 1, 1), span=1500)
            version = agreement_actions.agreement_version_create(
                acting_user=acting_user,
                agreement=agreement,
                kind=VersionKind.ORIGINAL,
                title=f"{effective.year} text",
                parties=parties,
                effective_on=effective,
                term_months=60,
                renewal_on=effective + dt.timedelta(days=1826),
            )
            # Most parties have adopted; the last sometimes has not, so some versions are not yet in force.
            adopting = parties if rng.random() < 0.6 else parties[:-1]
            for gov in adopting:
                passed = [m for m in matters_by_gov.get(gov.pk, []) if m.passed_date]
                if not passed:
                    continue
                agreement_actions.agreement_adopt(
                    acting_user=acting_user,
                    version=version,
                    government=gov,
                    matter=passed[0],
                    adopted_on=passed[0].passed_date or effective,
                )
            counts.agreements += 1
