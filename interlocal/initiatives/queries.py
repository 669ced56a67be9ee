"""Scoped reads of initiatives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from interlocal import access
from interlocal.collaboratives.models import Collaborative
from interlocal.governments.models import Government, Person
from interlocal.initiatives import pipeline
from interlocal.initiatives.models import Initiative, InitiativePartner, Term
from interlocal.vocab import InitiativeType, MembershipRole, PartnerRole, Stage, TermKind

if TYPE_CHECKING:
    from interlocal.initiatives.gates import Condition, Facts
    from interlocal.initiatives.models import CriteriaSet, Score
    from interlocal.initiatives.pipeline import Transition


def visible_initiatives(user: Any) -> QuerySet[Initiative]:
    """Published initiatives of published collaboratives, plus everything in the user's collaboratives."""
    qs = Initiative.objects.all()
    if access.is_admin(user):
        return qs
    public = Q(is_published=True, collaborative__is_published=True)
    return qs.filter(public | Q(collaborative_id__in=access.member_collaborative_ids(user)))


def _with_related(qs: QuerySet[Initiative]) -> QuerySet[Initiative]:
    partners = InitiativePartner.objects.select_related("government").order_by("role", "position", "id")
    return qs.select_related("collaborative", "plan", "owner").prefetch_related(
        "terms", Prefetch("partners", queryset=partners)
    )


@dataclass(frozen=True)
class InitiativeFilters:
    """What the initiative list is filtered by; empty strings mean no filter."""

    q: str = ""
    topic: str = ""
    timeline: str = ""
    cost: str = ""
    type: str = ""
    status: str = ""
    stage: str = ""
    partner: str = ""
    collaborative: str = ""


def list_initiatives_for_user(user: Any, filters: InitiativeFilters) -> QuerySet[Initiative]:
    """Initiatives the user may see, filtered, with everything a list row shows."""
    qs = visible_initiatives(user)
    if filters.q:
        words = Q()
        for word in filters.q.split():
            words &= Q(title__icontains=word) | Q(description__icontains=word) | Q(code__icontains=word)
        qs = qs.filter(words)
    # Multi-valued filters are subqueries, not joins, so no DISTINCT over every column is needed.
    if filters.topic:
        qs = qs.filter(
            pk__in=Initiative.terms.through.objects.filter(term__slug=filters.topic).values("initiative_id")
        )
    if filters.timeline:
        qs = qs.filter(timeline_band=filters.timeline)
    if filters.cost:
        qs = qs.filter(cost_band=filters.cost)
    if filters.type in InitiativeType.values:
        qs = qs.filter(**{f"is_{filters.type}": True})
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.partner:
        qs = qs.filter(
            pk__in=InitiativePartner.objects.filter(government__slug=filters.partner).values("initiative_id")
        )
    if filters.collaborative:
        qs = qs.filter(collaborative__slug=filters.collaborative)
    return _for_list(qs).order_by("collaborative__name", "plan_position", "code", "title", "pk")


# The columns a list row (portal and API) shows: the long texts stay in the database, so sorting a state's
# initiatives for one page moves narrow rows.
_LIST_FIELDS = [
    "collaborative__name",
    "collaborative__slug",
    "plan_id",
    "plan_position",
    "code",
    "title",
    "status",
    "stage",
    "is_project",
    "is_partnership",
    "is_policy",
    "cost_band",
    "cost_estimate",
    "timeline_band",
    "is_published",
]


def _for_list(qs: QuerySet[Initiative]) -> QuerySet[Initiative]:
    partners = (
        InitiativePartner.objects.select_related("government")
        .only("initiative_id", "role", "position", "government__name", "government__slug")
        .order_by("role", "position", "id")
    )
    return (
        qs.select_related("collaborative")
        .only(*_LIST_FIELDS)
        .prefetch_related(Prefetch("partners", queryset=partners))
    )


def get_initiative_for_user(user: Any, pk: int) -> Initiative:
    """Return one initiative with its partners and terms, or 404 whether missing or hidden."""
    return get_object_or_404(_with_related(visible_initiatives(user)), pk=pk)


def neighbours_in_plan(user: Any, initiative: Initiative) -> tuple[Initiative | None, Initiative | None]:
    """Return the visible previous and next recommendations in the initiative's plan."""
    if initiative.plan_id is None or initiative.plan_position is None:
        return None, None
    same_plan = visible_initiatives(user).filter(plan_id=initiative.plan_id)
    previous = same_plan.filter(plan_position__lt=initiative.plan_position).order_by("-plan_position").first()
    following = same_plan.filter(plan_position__gt=initiative.plan_position).order_by("plan_position").first()
    return previous, following


def partner_governments(collaborative: Any, initiative: Initiative | None = None) -> QuerySet[Government]:
    """Governments offered as partners: the facilitator, current members, their departments, and current partners."""
    # Imported plan pages name outside agencies as partners; an edit must be able to keep them.
    ids = access.current_member_ids(collaborative)
    offered = Q(pk__in=ids) | Q(parent_id__in=ids)
    if initiative is not None:
        offered |= Q(initiative_roles__initiative=initiative)
    return Government.objects.filter(offered).distinct().order_by("name")


def owner_candidates(collaborative: Any, current_owner_id: int | None = None) -> QuerySet[Person]:
    """People who may own an initiative or KPI: active staff of the collaborative's governments, or its owner now."""
    ids = access.current_member_ids(collaborative)
    offered = Q(is_active=True) & (Q(government_id__in=ids) | Q(government__parent_id__in=ids))
    if current_owner_id is not None:
        offered |= Q(pk=current_owner_id)
    return Person.objects.filter(offered).order_by("last_name", "first_name", "username")


def collaboratives_to_add_to(user: Any) -> list[Collaborative]:
    """Collaboratives the user may add initiatives to."""
    candidates = Collaborative.objects.order_by("name")
    if not access.is_admin(user):
        candidates = candidates.filter(pk__in=access.member_collaborative_ids(user))
    return [c for c in candidates if user.has_perm("initiatives.add_initiative", c)]


def partners_in_use(user: Any) -> QuerySet[Any]:
    """Visible governments that are partners of some initiative, for the partner filter."""
    from interlocal.governments.queries import visible_governments

    named = InitiativePartner.objects.filter(government_id=OuterRef("pk"))
    return visible_governments(user).filter(Exists(named)).order_by("name")


def partner_choices(user: Any) -> list[tuple[str, str]]:
    """(slug, name) of partners_in_use, remembered until the next write for everyone with the same scope."""
    from interlocal.pagecache import remember

    found = partners_in_use(user)
    return remember(f"partner-choices:{found.query}", lambda: [(g.slug, g.name) for g in found])


def topic_choices() -> list[tuple[str, str]]:
    """(slug, name) of the topic areas, remembered until the next write."""
    from interlocal.pagecache import remember

    return remember("topic-choices", lambda: [(t.slug, t.name) for t in terms_in_use(TermKind.TOPIC_AREA)])


def terms_in_use(kind: str) -> QuerySet[Term]:
    """Terms of one vocabulary, for filter menus."""
    return Term.objects.filter(kind=kind).order_by("name")


# --- Pipeline gates --------------------------------------------------------------------------------


def gate_codes(initiative: Initiative, stage: str) -> list[str]:
    """The conditions for entering a stage: the collaborative's own gate, else the default."""
    from interlocal.initiatives.gates import DEFAULT_GATES
    from interlocal.initiatives.models import StageGate

    gate = StageGate.objects.filter(collaborative_id=initiative.collaborative_id, stage=stage).first()
    return list(gate.conditions) if gate is not None else list(DEFAULT_GATES.get(stage, []))


def gate_facts(initiative: Initiative) -> Facts:
    """Gather what the gates look at for one initiative."""
    from interlocal.agreements.models import AgreementVersion
    from interlocal.initiatives.gates import Facts
    from interlocal.tracking.models import Kpi, Measurement

    # Prefetched partners when the page has them; the three existence checks travel in one query.
    roles = {p.role for p in initiative.partners.all()}
    found = (
        Initiative.objects.filter(pk=initiative.pk)
        .annotate(
            agreement_in_force=Exists(
                AgreementVersion.objects.filter(
                    agreement__initiatives=OuterRef("pk"), in_force_at__isnull=False
                )
            ),
            kpi_with_baseline=Exists(
                Kpi.objects.filter(
                    initiative=OuterRef("pk"), baseline__isnull=False, baseline_on__isnull=False
                )
            ),
            measurement=Exists(Measurement.objects.filter(kpi__initiative=OuterRef("pk"))),
        )
        .values("agreement_in_force", "kpi_with_baseline", "measurement")
        .get()
    )
    return Facts(
        has_description=bool(initiative.description.strip()),
        has_lead=PartnerRole.LEAD in roles,
        has_participants=PartnerRole.PARTICIPATING in roles,
        has_cost_estimate=initiative.cost_estimate is not None,
        has_owner=initiative.owner_id is not None,
        has_agreement_in_force=found["agreement_in_force"],
        has_kpi_with_baseline=found["kpi_with_baseline"],
        has_measurement=found["measurement"],
    )


def unmet_by_stage(initiative: Initiative, stages: list[str]) -> dict[str, list[Condition]]:
    """What each stage still needs, with one query for the gates and the facts gathered once."""
    from interlocal.initiatives.gates import DEFAULT_GATES, unmet
    from interlocal.initiatives.models import StageGate

    own = dict(
        StageGate.objects.filter(collaborative_id=initiative.collaborative_id, stage__in=stages).values_list(
            "stage", "conditions"
        )
    )
    codes = {s: list(own[s]) if s in own else list(DEFAULT_GATES.get(s, [])) for s in stages}
    facts = gate_facts(initiative) if any(codes.values()) else None
    return {s: unmet(c, facts) if c and facts is not None else [] for s, c in codes.items()}


def unmet_conditions(initiative: Initiative, stage: str) -> list[Condition]:
    """The gate conditions the initiative does not yet meet for a stage."""
    from interlocal.initiatives.gates import unmet

    codes = gate_codes(initiative, stage)
    return unmet(codes, gate_facts(initiative)) if codes else []


# The stages a forward move enters, each with a gate: every pipeline stage after idea (on hold and withdrawn
# have none of their own).
GATED_STAGES: tuple[str, ...] = tuple(str(s) for s in pipeline.ORDER[1:])


@dataclass(frozen=True)
class GateRow:
    """A stage's gate in one collaborative: what entering it requires, and whether that is the default."""

    stage: str
    codes: list[str]
    default_codes: list[str]
    is_default: bool  # the collaborative has not set this gate
    lock_version: int  # of the collaborative's gate; 0 before it is first set

    @property
    def label(self) -> str:
        """The stage's name."""
        return str(Stage(self.stage).label)

    @property
    def conditions(self) -> list[Condition]:
        """What entering the stage requires, in words."""
        from interlocal.initiatives.gates import CONDITIONS

        return [CONDITIONS[c] for c in self.codes if c in CONDITIONS]

    @property
    def default_conditions(self) -> list[Condition]:
        """What the default gate requires."""
        from interlocal.initiatives.gates import CONDITIONS

        return [CONDITIONS[c] for c in self.default_codes]


def collaborative_gates(collaborative_id: int) -> list[GateRow]:
    """Every gated stage's gate for a collaborative, in pipeline order, in one query."""
    from interlocal.initiatives.gates import DEFAULT_GATES
    from interlocal.initiatives.models import StageGate

    own = {g.stage: g for g in StageGate.objects.filter(collaborative_id=collaborative_id)}
    rows = []
    for stage in GATED_STAGES:
        gate, default = own.get(stage), list(DEFAULT_GATES.get(stage, []))
        rows.append(
            GateRow(
                stage=stage,
                codes=list(gate.conditions) if gate is not None else default,
                default_codes=default,
                is_default=gate is None,
                lock_version=gate.lock_version if gate is not None else 0,
            )
        )
    return rows


def get_gate_row(collaborative_id: int, stage: str) -> GateRow:
    """One gated stage's gate, or 404 for a stage that has no gate."""
    for row in collaborative_gates(collaborative_id):
        if row.stage == stage:
            return row
    raise Http404("No such stage gate.")


def stage_left(initiative: Initiative) -> str | None:
    """The last pipeline stage the initiative left (what on hold resumes to, or withdrawn reopens)."""
    from interlocal.initiatives import pipeline

    history = initiative.transitions.order_by("at", "id").values_list("from_stage", "to_stage")
    return pipeline.stage_left([(str(a), str(b)) for a, b in history])


def allowed_transitions(initiative: Initiative) -> list[Transition]:
    """The moves the transition table allows from the initiative's stage."""
    from interlocal.initiatives import pipeline

    return pipeline.transitions(initiative.stage, stage_left(initiative))


def missing_for(initiative: Initiative, moves: list[Transition]) -> list[list[tuple[str, list[str]]]]:
    """For each move: each stage it passes through whose gate is unmet, with what that stage needs."""
    stages = list(dict.fromkeys(str(s) for move in moves for s in move.gated))
    unmet = unmet_by_stage(initiative, stages) if stages else {}
    return [[(str(s), [c.needs for c in unmet[s]]) for s in move.gated if unmet[s]] for move in moves]


# --- Organizing principles -------------------------------------------------------------------------


@dataclass(frozen=True)
class RankedInitiative:
    """A ranking row with its initiative."""

    initiative: Initiative
    rank: int
    score: float | None
    spread: float | None
    governments_scored: int
    missing: int


def current_criteria_set(collaborative_id: int) -> CriteriaSet | None:
    """The collaborative's current criteria, with criteria prefetched."""
    from interlocal.initiatives.models import CriteriaSet

    return (
        CriteriaSet.objects.filter(collaborative_id=collaborative_id, is_current=True)
        .prefetch_related("criteria")
        .first()
    )


def compute_ranking(criteria_set: CriteriaSet) -> list[RankedInitiative]:
    """Rank the collaborative's live initiatives from its members' scores under one criteria version."""
    import numpy as np

    from interlocal.initiatives import scoring
    from interlocal.initiatives.models import Score

    collab = criteria_set.collaborative
    criteria = list(criteria_set.criteria.all())
    # Members are expected to score (their gaps count as missing); the facilitator and supporting partners may
    # score too, and once they have, their scores count like anyone's.
    current = collab.members_on(timezone.localdate())
    scored = set(
        Score.objects.filter(criterion__criteria_set=criteria_set).values_list("government_id", flat=True)
    )
    members = sorted(
        {m.government_id for m in current if m.role == MembershipRole.MEMBER or m.government_id in scored}
    )
    initiatives = list(
        Initiative.objects.filter(collaborative=collab)
        .exclude(stage=Stage.WITHDRAWN)
        .order_by("code", "title")
    )
    scores = np.full((len(initiatives), len(members), len(criteria)), np.nan)
    i_index = {i.pk: n for n, i in enumerate(initiatives)}
    g_index = {g: n for n, g in enumerate(members)}
    c_index = {c.pk: n for n, c in enumerate(criteria)}
    for s in Score.objects.filter(criterion__criteria_set=criteria_set).values(
        "initiative_id", "government_id", "criterion_id", "value"
    ):
        if s["initiative_id"] in i_index and s["government_id"] in g_index:
            scores[i_index[s["initiative_id"]], g_index[s["government_id"]], c_index[s["criterion_id"]]] = s[
                "value"
            ]
    if not initiatives or not criteria:
        return []
    rows = scoring.rank(
        [i.pk for i in initiatives],
        [float(c.weight) for c in criteria],
        scores,
        (criteria_set.scale_min, criteria_set.scale_max),
    )
    by_pk = {i.pk: i for i in initiatives}
    return [
        RankedInitiative(by_pk[r.initiative], r.rank, r.score, r.spread, r.governments_scored, r.missing)
        for r in rows
    ]


def may_see_all_scores(user: Any, criteria_set: CriteriaSet) -> bool:
    """Coordinators always see every score; members only when the coordinator has not hidden them."""
    return bool(user.has_perm("initiatives.view_all_scores", criteria_set))


def visible_scores(user: Any, criteria_set: CriteriaSet) -> QuerySet[Score]:
    """Scores under a criteria version that the user may see."""
    from interlocal.initiatives.models import Score

    qs = Score.objects.filter(criterion__criteria_set=criteria_set).select_related(
        "criterion", "government", "initiative"
    )
    if may_see_all_scores(user, criteria_set):
        return qs
    own = getattr(user, "government_id", None) if user.is_authenticated else None
    return qs.filter(government_id=own) if own else qs.none()


def get_criteria_set_for_user(user: Any, collaborative_slug: str) -> CriteriaSet:
    """The current criteria of a collaborative the user may see, or 404."""
    from interlocal.collaboratives.queries import visible_collaboratives

    collab = get_object_or_404(visible_collaboratives(user), slug=collaborative_slug)
    criteria_set = current_criteria_set(collab.pk)
    if criteria_set is None:
        raise Http404("This collaborative has no criteria yet.")
    return criteria_set


def criteria_history(collaborative_id: int) -> list[CriteriaSet]:
    """Every version of a collaborative's criteria, newest first, with their criteria."""
    from interlocal.initiatives.models import CriteriaSet

    return list(
        CriteriaSet.objects.filter(collaborative_id=collaborative_id)
        .prefetch_related("criteria")
        .order_by("-version")
    )


def get_criteria_version(collaborative_id: int, pk: int | None) -> CriteriaSet | None:
    """One version of a collaborative's criteria by id; None when it names none of them."""
    from interlocal.initiatives.models import CriteriaSet

    return CriteriaSet.objects.filter(collaborative_id=collaborative_id, pk=pk).first() if pk else None
