"""Scoped reads of rounds and answers, and the ONLY way to aggregate them.

A member's answers leave this module only through `answers_for_user` / `member_report`, for that member's
staff and the collaborative's coordinators (and site administrators). Everything else is an aggregate, built
here by `analysis` over a member set that `confidentiality` has accepted:

- a closed round's aggregates cover its fixed member set (the members submitted when it closed);
- an open round's aggregates are provisional and shown to its coordinators only (who read the answers anyway);
- a filter of the member set must keep at least k members and leave out none or at least k;
- every member set shown for a round is recorded (AggregateRelease), and a set that differs from a recorded
  one by fewer than k members is refused, so no two published figures subtract to fewer than k members;
- every cell, mean or count covers at least k members, or is None.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from interlocal import access
from interlocal.assessments import analysis, confidentiality
from interlocal.assessments.confidentiality import AggregateRefused
from interlocal.assessments.models import (
    AggregateRelease,
    Answer,
    Framework,
    FrameworkNode,
    Round,
    RoundMember,
)
from interlocal.vocab import FrameworkKind, NodeKind, RoundMemberStatus, RoundStatus

__all__ = [
    "AggregateRefused",
    "MemberReport",
    "RoundSummary",
    "TrainingSummary",
    "aggregate_member_ids",
    "answers_for_user",
    "assessment_reminders",
    "common_gaps",
    "compute_summary",
    "frameworks",
    "gap_items_mean",
    "get_answer_for_user",
    "get_round_for_user",
    "get_round_member_for_user",
    "member_report",
    "own_round_member",
    "round_progress",
    "round_summary",
    "rounds_for_user",
    "training_summary",
    "year_over_year",
]


# --- scoped reads ---------------------------------------------------------------------------------------


def frameworks(kind: str | None = None) -> QuerySet[Framework]:
    """Frameworks (public data: ids, titles and scales), optionally of one kind."""
    qs = Framework.objects.select_related("scale")
    return qs.filter(kind=kind) if kind else qs


def framework_items(framework: Framework, *, include_withdrawn: bool = False) -> list[FrameworkNode]:
    """The framework's items in order, with their category and function loaded."""
    qs = framework.nodes.filter(kind=NodeKind.ITEM).select_related("parent__parent")
    if not include_withdrawn:
        qs = qs.filter(withdrawn=False)
    return list(qs.order_by("position", "id"))


def rounds_for_user(user: Any) -> QuerySet[Round]:
    """Rounds of the collaboratives the user belongs to or coordinates (all for site administrators)."""
    qs = Round.objects.select_related("collaborative", "framework__scale")
    if access.is_admin(user):
        return qs
    ids = access.member_collaborative_ids(user) | access.coordinated_collaborative_ids(user)
    return qs.filter(collaborative_id__in=ids)


def get_round_for_user(user: Any, pk: int) -> Round:
    """One round the user may see, or 404 whether missing or hidden."""
    rnd = get_object_or_404(rounds_for_user(user), pk=pk)
    if not user.has_perm("assessments.view_round", rnd):
        raise Http404("No such round.")
    return rnd


def get_round_member_for_user(user: Any, pk: int) -> RoundMember:
    """A member's place in a round, for its own staff and the coordinators only; 404 for anyone else."""
    member = get_object_or_404(
        RoundMember.objects.select_related("round__collaborative", "round__framework__scale", "government"),
        pk=pk,
    )
    if not user.has_perm("assessments.view_roundmember", member):
        raise Http404("No such round member.")
    return member


def own_round_member(user: Any, rnd: Round) -> RoundMember | None:
    """The user's own government's place in the round, if it is asked to answer."""
    gov = getattr(user, "government_id", None)
    if gov is None:
        return None
    return rnd.members.select_related("government").filter(government_id=gov).first()


def answers_for_user(user: Any, round_member: RoundMember) -> dict[int, Answer]:
    """The member's answers by item id, for its own staff and the coordinators; PermissionDenied otherwise."""
    if not user.has_perm("assessments.view_roundmember", round_member):
        raise PermissionDenied("A member's answers are its own staff's and the coordinators' only.")
    return {a.item_id: a for a in round_member.answers.defer("content").select_related("item")}


@dataclass(frozen=True)
class ProgressRow:
    """A member's progress: status and how many items it answered (no levels)."""

    member: RoundMember
    answered: int
    total: int


def round_progress(user: Any, rnd: Round) -> list[ProgressRow]:
    """Progress per member (status and count answered) for the collaborative's members and coordinators."""
    if not user.has_perm("assessments.view_round", rnd):
        raise PermissionDenied("You may not see this round.")
    total = rnd.framework.nodes.filter(kind=NodeKind.ITEM, withdrawn=False).count()
    members = rnd.members.select_related("government").annotate(
        answered=Count("answers", filter=Q(answers__item__withdrawn=False))
    )
    return [ProgressRow(m, m.answered, total) for m in members]  # type: ignore[attr-defined]


# --- the aggregation layer ----------------------------------------------------------------------------


def _insider(user: Any, rnd: Round) -> bool:
    return bool(user is not None and user.has_perm("assessments.change_round", rnd))


def aggregate_member_ids(rnd: Round) -> frozenset[int]:
    """The round's member set for aggregates: fixed at close; while open, the members submitted so far."""
    if rnd.status == RoundStatus.CLOSED:
        qs = rnd.members.filter(in_aggregate=True)
    else:
        qs = rnd.members.filter(status=RoundMemberStatus.SUBMITTED)
    return frozenset(qs.values_list("government_id", flat=True))


def _released_sets(rnd: Round) -> list[frozenset[int]]:
    return [r.members for r in AggregateRelease.objects.filter(round=rnd)]


def _record_release(rnd: Round, members: frozenset[int], purpose: str) -> None:
    key = confidentiality.set_key(members)
    if AggregateRelease.objects.filter(round=rnd, key=key).exists():
        return
    try:
        with transaction.atomic():
            AggregateRelease.objects.create(
                round=rnd, key=key, government_ids=sorted(members), purpose=purpose[:200]
            )
    except IntegrityError:  # recorded meanwhile by a concurrent reader: the same set, nothing to do
        pass


def _member_set(
    user: Any, rnd: Round, members: Iterable[int] | None, purpose: str
) -> tuple[frozenset[int], bool]:
    """Check the reader may see aggregates of the round over this member set; return it and whether provisional.

    Raises PermissionDenied for a reader who may not see the round's aggregates, AggregateRefused for a set
    that could reveal a member.
    """
    if user is not None and not user.has_perm("assessments.view_aggregates", rnd):
        raise PermissionDenied("You may not see this round's aggregates.")
    full = aggregate_member_ids(rnd)
    chosen = full if members is None else frozenset(members)
    if rnd.status != RoundStatus.CLOSED:
        # Answers still move: a figure over a growing set would differ by one member from the last one.
        if user is not None and not _insider(user, rnd):
            raise AggregateRefused("The round is open: its aggregates are shown once it closes.")
        confidentiality.check_subset(chosen, full, rnd.k)
        return chosen, True
    confidentiality.check_subset(chosen, full, rnd.k)
    confidentiality.check_release(chosen, _released_sets(rnd), rnd.k)
    _record_release(rnd, chosen, purpose)
    return chosen, False


@dataclass
class _Data:
    items: list[FrameworkNode]
    government_ids: list[int]
    levels: analysis.Matrix
    categories: list[FrameworkNode]
    item_category: np.ndarray[Any, Any]
    functions: list[FrameworkNode]
    category_function: np.ndarray[Any, Any]
    item_function: np.ndarray[Any, Any]


def _structure(
    items: list[FrameworkNode],
) -> tuple[list[FrameworkNode], list[int], list[FrameworkNode], list[int]]:
    categories: list[FrameworkNode] = []
    functions: list[FrameworkNode] = []
    cat_index: dict[int, int] = {}
    fn_index: dict[int, int] = {}
    item_category: list[int] = []
    category_function: list[int] = []
    for item in items:
        cat = item.parent if item.parent is not None else item
        if cat.pk not in cat_index:
            cat_index[cat.pk] = len(categories)
            categories.append(cat)
            fn = cat.parent if cat.parent is not None else cat
            if fn.pk not in fn_index:
                fn_index[fn.pk] = len(functions)
                functions.append(fn)
            category_function.append(fn_index[fn.pk])
        item_category.append(cat_index[cat.pk])
    return categories, item_category, functions, category_function


def _load(rnd: Round, government_ids: Iterable[int], field: str = "level") -> _Data:
    items = framework_items(rnd.framework)
    govs = sorted(government_ids)
    col = {it.pk: j for j, it in enumerate(items)}
    row = {g: i for i, g in enumerate(govs)}
    levels = np.full((len(govs), len(items)), np.nan)
    rows = Answer.objects.filter(round_member__round=rnd, round_member__government_id__in=govs).values_list(
        "round_member__government_id", "item_id", field
    )
    for gov, item_id, value in rows:
        j = col.get(item_id)
        if j is not None and value is not None:
            levels[row[gov], j] = float(value)
    categories, item_category, functions, category_function = _structure(items)
    ic = np.asarray(item_category, dtype=np.intp)
    cf = np.asarray(category_function, dtype=np.intp)
    return _Data(items, govs, levels, categories, ic, functions, cf, cf[ic] if len(ic) else ic)


@dataclass(frozen=True)
class GroupRow:
    """A category or function with its aggregate (None: fewer than k members)."""

    code: str
    title: str
    n: int
    mean: float | None
    counts: list[int | None] = field(default_factory=list)


@dataclass(frozen=True)
class GapRow:
    """A common gap: item, how many members are below target, of how many, mean level and mean shortfall."""

    code: str
    title: str
    category: str
    below: int
    n: int
    mean: float
    mean_shortfall: float


@dataclass(frozen=True)
class ItemRow:
    """An item's aggregate (None: fewer than k members answered it)."""

    code: str
    title: str
    category: str
    n: int
    mean: float | None
    below: int | None


@dataclass(frozen=True)
class RoundSummary:
    """The collaborative's anonymised picture of a round; every figure covers at least k members."""

    round_id: int
    k: int
    n_members: int
    provisional: bool
    target: int | None
    levels: list[tuple[int, str]]
    categories: list[GroupRow]
    functions: list[GroupRow]
    items: list[ItemRow]
    gaps: list[GapRow]
    engine_version: str = analysis.ENGINE_VERSION

    def as_json(self) -> dict[str, Any]:
        """The summary as plain JSON data."""
        return asdict(self)


def _levels(rnd: Round) -> list[tuple[int, str]]:
    return [(lv.value, lv.name) for lv in rnd.framework.scale.levels.all()]


def _summary(rnd: Round, members: frozenset[int], provisional: bool) -> RoundSummary:
    k = rnd.k
    confidentiality.check_count(len(members), k, "this round's aggregate")
    data = _load(rnd, members)
    scale = rnd.framework.scale
    levels = _levels(rnd)
    values = [v for v, _ in levels]
    target = scale.target_value
    hm = analysis.heat_map(data.levels, data.item_category, len(data.categories), values, k)
    fm = analysis.heat_map(data.levels, data.item_function, len(data.functions), values, k)
    stats = analysis.item_stats(data.levels, float(target) if target is not None else np.inf, k)
    gaps = analysis.common_gaps(data.levels, float(target), k) if target is not None else []
    cat_of = {i: data.categories[int(c)].code for i, c in enumerate(data.item_category)}
    return RoundSummary(
        round_id=rnd.pk,
        k=k,
        n_members=len(members),
        provisional=provisional,
        target=target,
        levels=levels,
        categories=[
            GroupRow(c.code, c.title, hm.n[i], hm.mean[i], hm.counts[i])
            for i, c in enumerate(data.categories)
        ],
        functions=[
            GroupRow(f.code, f.title, fm.n[i], fm.mean[i], fm.counts[i]) for i, f in enumerate(data.functions)
        ],
        items=[
            ItemRow(
                data.items[s.item].code,
                data.items[s.item].title,
                cat_of[s.item],
                s.n,
                s.mean,
                s.below if target is not None else None,
            )
            for s in stats
        ],
        gaps=[
            GapRow(
                data.items[g.item].code,
                data.items[g.item].title,
                cat_of[g.item],
                g.below,
                g.n,
                g.mean,
                g.mean_shortfall,
            )
            for g in gaps
        ],
    )


def round_summary(user: Any, rnd: Round, *, members: Iterable[int] | None = None) -> RoundSummary:
    """The round's heat map, item aggregates and common gaps, over its member set (or an accepted filter of it).

    Raises PermissionDenied for a reader outside the collaborative, AggregateRefused when the set is too small
    or could be subtracted from one already shown.
    """
    chosen, provisional = _member_set(user, rnd, members, "round summary")
    return _summary(rnd, chosen, provisional)


def common_gaps(user: Any, rnd: Round) -> list[GapRow]:
    """The round's common gaps, ranked (members below target, then mean shortfall)."""
    return round_summary(user, rnd).gaps


def compute_summary(rnd: Round) -> tuple[dict[str, Any], str]:
    """The stored summary of a closed round (over its fixed set), or {} when fewer than k members submitted."""
    members = aggregate_member_ids(rnd)
    if len(members) < rnd.k:
        return {}, analysis.ENGINE_VERSION
    _record_release(rnd, members, "closing summary")
    return _summary(rnd, members, False).as_json(), analysis.ENGINE_VERSION


def gap_items_mean(user: Any, rnd: Round, codes: Sequence[str]) -> float:
    """The round's members' mean level on the given items, over the round's fixed member set (k-guarded)."""
    chosen, _ = _member_set(user, rnd, None, "gap baseline")
    data = _load(rnd, chosen)
    cols = [j for j, it in enumerate(data.items) if it.code in set(codes)]
    if len(cols) != len(set(codes)):
        raise Http404("An item is not part of the round's framework.")
    block = data.levels[:, cols]
    answered = ~np.isnan(block)
    if (answered.any(axis=1)).sum() < rnd.k or (answered.sum(axis=0) < rnd.k).any():
        raise AggregateRefused(f"Fewer than k = {rnd.k} members answered these items.")
    return float(np.nanmean(block))


# --- one member's report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberGroupRow:
    """The member's own score on a category or function, its shortfall, and the peers' mean (k-guarded)."""

    code: str
    title: str
    score: float | None
    shortfall: float | None
    peer_mean: float | None
    change: float | None = None


@dataclass(frozen=True)
class MemberItemRow:
    """The member's own answer to an item, with the peers' mean (k-guarded)."""

    code: str
    title: str
    category: str
    level: int | None
    below_target: bool
    peer_mean: float | None


@dataclass(frozen=True)
class MemberReport:
    """One member's results: its own levels and scores, beside k-guarded peer figures and its percentile."""

    round_member_id: int
    government: str
    target: int | None
    overall: float | None
    percentile: float | None
    categories: list[MemberGroupRow]
    functions: list[MemberGroupRow]
    items: list[MemberItemRow]
    previous_round_id: int | None
    peers_shown: bool
    engine_version: str = analysis.ENGINE_VERSION


def previous_round(rnd: Round) -> Round | None:
    """The latest earlier closed round of the same framework key in the same collaborative."""
    return (
        Round.objects.filter(
            collaborative_id=rnd.collaborative_id,
            framework__key=rnd.framework.key,
            status=RoundStatus.CLOSED,
            year__lt=rnd.year,
        )
        .order_by("-year", "-id")
        .first()
    )


def member_report(user: Any, round_member: RoundMember) -> MemberReport:
    """The member's own report (its staff and the coordinators only); peer figures appear only when allowed."""
    if not user.has_perm("assessments.view_roundmember", round_member):
        raise PermissionDenied("A member's results are its own staff's and the coordinators' only.")
    rnd = round_member.round
    target = rnd.framework.scale.target_value
    own = _load(rnd, [round_member.government_id])
    row = own.levels[0]
    cats = analysis.scores_against_target(row, own.item_category, len(own.categories), float(target or 0))
    fns = analysis.scores_against_target(row, own.item_function, len(own.functions), float(target or 0))
    peers: RoundSummary | None = None
    percentile: float | None = None
    members = aggregate_member_ids(rnd)
    if rnd.status == RoundStatus.CLOSED and len(members) >= rnd.k:
        peers = _summary(rnd, members, False)
        _record_release(rnd, members, "member report")
        if round_member.government_id in members:
            everyone = _load(rnd, members)
            pct = analysis.percentiles(analysis.overall_scores(everyone.levels))
            percentile = float(pct[everyone.government_ids.index(round_member.government_id)])
    prev = previous_round(rnd)
    prev_scores: dict[str, float | None] = {}
    if prev is not None:
        prev_member = prev.members.filter(government_id=round_member.government_id).first()
        if prev_member is not None:
            before = _load(prev, [round_member.government_id])
            bc = analysis.member_scores(before.levels, before.item_category, len(before.categories))[0]
            prev_scores = {
                c.code: (None if np.isnan(v) else float(v))
                for c, v in zip(before.categories, bc, strict=True)
            }
    peer_cat = {g.code: g.mean for g in peers.categories} if peers else {}
    peer_fn = {g.code: g.mean for g in peers.functions} if peers else {}
    peer_item = {i.code: i.mean for i in peers.items} if peers else {}
    cat_rows = []
    for c, s in zip(own.categories, cats, strict=True):
        before_score = prev_scores.get(c.code)
        delta = None if s.score is None or before_score is None else s.score - before_score
        cat_rows.append(MemberGroupRow(c.code, c.title, s.score, s.shortfall, peer_cat.get(c.code), delta))
    overall = analysis.overall_scores(own.levels)[0]
    return MemberReport(
        round_member_id=round_member.pk,
        government=str(round_member.government),
        target=target,
        overall=None if np.isnan(overall) else float(overall),
        percentile=percentile,
        categories=cat_rows,
        functions=[
            MemberGroupRow(f.code, f.title, s.score, s.shortfall, peer_fn.get(f.code))
            for f, s in zip(own.functions, fns, strict=True)
        ],
        items=[
            MemberItemRow(
                it.code,
                it.title,
                own.categories[int(own.item_category[j])].code,
                None if np.isnan(row[j]) else int(row[j]),
                target is not None and not np.isnan(row[j]) and row[j] < target,
                peer_item.get(it.code),
            )
            for j, it in enumerate(own.items)
        ],
        previous_round_id=prev.pk if prev else None,
        peers_shown=peers is not None,
    )


@dataclass(frozen=True)
class ChangeRow:
    """A category's aggregate mean in two rounds and the change (None where either is not shown)."""

    code: str
    title: str
    before: float | None
    after: float | None
    change: float | None


def year_over_year(user: Any, rnd: Round, earlier: Round | None = None) -> list[ChangeRow]:
    """The change of each category's mean from an earlier round (default: the previous one) to this one."""
    earlier = earlier or previous_round(rnd)
    if earlier is None:
        return []
    if earlier.collaborative_id != rnd.collaborative_id:
        raise AggregateRefused("Rounds of different collaboratives are not compared.")
    now = round_summary(user, rnd)
    before = round_summary(user, earlier)
    before_by = {c.code: c.mean for c in before.categories}
    return [
        ChangeRow(
            c.code,
            c.title,
            before_by.get(c.code),
            c.mean,
            analysis.change([before_by.get(c.code)], [c.mean])[0],
        )
        for c in now.categories
    ]


# --- training and safety needs ----------------------------------------------------------------------


@dataclass(frozen=True)
class TopicRow:
    """A topic's joint need: members counted, mean need, total head-count and the joint delivery."""

    code: str
    title: str
    n: int
    mean_need: float | None
    head_count: int | None
    sessions: int | None
    cost: float | None
    separate_sessions: int | None
    separate_cost: float | None
    delivery: dict[str, int | None]


@dataclass(frozen=True)
class TrainingSummary:
    """The training round's joint needs and the cheapest joint delivery (each figure over at least k members)."""

    round_id: int
    k: int
    n_members: int
    provisional: bool
    capacity: int
    cost_per_session: float
    topics: list[TopicRow]
    engine_version: str = analysis.ENGINE_VERSION

    @property
    def total_cost(self) -> float:
        """What the joint sessions cost together."""
        return sum(t.cost or 0.0 for t in self.topics)

    @property
    def separate_total_cost(self) -> float:
        """What the members' own sessions would cost together."""
        return sum(t.separate_cost or 0.0 for t in self.topics)


def training_summary(
    user: Any, rnd: Round, *, capacity: int = 25, cost_per_session: float = 1500.0
) -> TrainingSummary:
    """Head-count per topic and the cheapest joint delivery (one session when it fits, else ceil(n / capacity))."""
    from interlocal.vocab import DeliveryMode

    if rnd.framework.kind != FrameworkKind.TRAINING:
        raise Http404("Not a training round.")
    chosen, provisional = _member_set(user, rnd, None, "training summary")
    confidentiality.check_count(len(chosen), rnd.k, "this round's aggregate")
    needs = _load(rnd, chosen, "level")
    heads = _load(rnd, chosen, "head_count")
    plan = analysis.training_plan(heads.levels, capacity, cost_per_session)
    stats = analysis.item_stats(needs.levels, np.inf, rnd.k)
    modes: dict[int, dict[str, int]] = {}
    for item_id, mode in (
        Answer.objects.filter(round_member__round=rnd, round_member__government_id__in=chosen)
        .exclude(delivery="")
        .values_list("item_id", "delivery")
    ):
        modes.setdefault(item_id, {}).setdefault(mode, 0)
        modes[item_id][mode] += 1
    topics = []
    for j, it in enumerate(needs.items):
        ok = stats[j].mean is not None
        p = plan[j]
        counted = modes.get(it.pk, {})
        topics.append(
            TopicRow(
                it.code,
                it.title,
                stats[j].n,
                stats[j].mean,
                p.head_count if ok else None,
                p.sessions if ok else None,
                p.cost if ok else None,
                p.separate_sessions if ok else None,
                p.separate_cost if ok else None,
                {
                    m: (c if c == 0 or c >= rnd.k else None) if ok else None
                    for m in DeliveryMode.values
                    for c in [counted.get(m, 0)]
                },
            )
        )
    return TrainingSummary(rnd.pk, rnd.k, len(chosen), provisional, capacity, cost_per_session, topics)


# --- reminders (ride the tracking digest) -------------------------------------------------------------

REMINDER_HORIZON_DAYS = 30


def assessment_reminders(person: Any, today: Any) -> list[tuple[RoundMember, Any]]:
    """Open rounds' members that have not submitted, due within 30 days or overdue, with the deadline.

    A member editor is reminded of its own government's answers; a coordinator of every member of the rounds
    of their collaboratives.
    """
    import datetime as dt

    if not getattr(person, "is_active", False) or getattr(person, "government_id", None) is None:
        return []
    scope = Q(pk__in=[])
    coordinated = access.coordinated_collaborative_ids(person)
    if coordinated:
        scope |= Q(round__collaborative_id__in=coordinated)
    if person.has_perm("tracking.receive_liaison_digest"):
        scope |= Q(government_id=person.government_id)
    members = (
        RoundMember.objects.filter(scope, round__status=RoundStatus.OPEN)
        .exclude(status=RoundMemberStatus.SUBMITTED)
        .filter(round__deadline__lte=today + dt.timedelta(days=REMINDER_HORIZON_DAYS))
        .select_related("round", "government")
        .order_by("round__deadline", "round__title", "government__name")
    )
    return [(m, m.round.deadline) for m in members]


def get_answer_for_user(user: Any, pk: int) -> Answer:
    """One answer (with its file), for its member's staff and the coordinators only; 404 for anyone else."""
    answer = get_object_or_404(
        Answer.objects.select_related(
            "round_member__round__collaborative", "round_member__government", "item"
        ),
        pk=pk,
    )
    if not user.has_perm("assessments.view_roundmember", answer.round_member):
        raise Http404("No such answer.")
    return answer
