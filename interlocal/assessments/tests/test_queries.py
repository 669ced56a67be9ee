from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from interlocal.assessments import actions, queries
from interlocal.assessments.models import AggregateRelease
from interlocal.assessments.queries import AggregateRefused
from interlocal.assessments.tests.helpers import (
    answer_all,
    build_assess_world,
    closed_round,
    member_of,
    open_round,
)
from interlocal.audit.queries import activity_for_user
from interlocal.testkit import World
from interlocal.tracking.models import Kpi
from interlocal.vocab import PartnerRole, Stage

# The five cities in name order: Blue Springs, Grandview, Independence, Lee's Summit, Raytown.
# PR.AT-01: all five below target 5; PR.AT-02: four; RS.MA-01: three; DE.CM-01: one (no gap).
ANSWERS = [
    {"PR.AT-01": 2, "PR.AT-02": 3, "RS.MA-01": 4, "DE.CM-01": 2},
    {"PR.AT-01": 3, "PR.AT-02": 4, "RS.MA-01": 3},
    {"PR.AT-01": 4, "PR.AT-02": 4, "RS.MA-01": 2},
    {"PR.AT-01": 3, "PR.AT-02": 5},
    {"PR.AT-01": 4, "PR.AT-02": 2, "RS.MA-01": 6},
]


@pytest.fixture
def aw(world: World):  # type: ignore[no-untyped-def]
    return build_assess_world(world)


def test_it_shows_a_members_answers_to_its_own_staff_and_the_coordinators_only(aw) -> None:  # type: ignore[no-untyped-def]
    w = aw.world
    rnd = closed_round(aw, ANSWERS)
    ls = member_of(rnd, w.lees_summit)
    for reader in (w.clerk, aw.viewer, w.coordinator, w.admin):
        assert queries.get_round_member_for_user(reader, ls.pk) == ls
        assert len(queries.answers_for_user(reader, ls)) == 106
        assert queries.member_report(reader, ls).government == "Lee's Summit"
    for intruder in (aw.editors[w.blue_springs.pk], w.outsider, w.public):
        with pytest.raises(Http404):
            queries.get_round_member_for_user(intruder, ls.pk)
        with pytest.raises(PermissionDenied):
            queries.answers_for_user(intruder, ls)
        with pytest.raises(PermissionDenied):
            queries.member_report(intruder, ls)


def test_it_keeps_answers_out_of_the_collaboratives_feed_and_other_governments_feeds(aw) -> None:  # type: ignore[no-untyped-def]
    w = aw.world
    closed_round(aw, ANSWERS)
    bs_editor = aw.editors[w.blue_springs.pk]
    feed = activity_for_user(bs_editor, collaborative_id=w.collaborative.pk, limit=500)
    assert not [e for e in feed if e.verb in ("answer_save", "answers_save")]
    theirs = activity_for_user(bs_editor, government_id=w.lees_summit.pk, limit=500)
    assert not [e for e in theirs if e.model.startswith("assessments.")]
    own = activity_for_user(w.clerk, government_id=w.lees_summit.pk, limit=500)
    assert [e for e in own if e.verb == "answers_save"]


def test_it_shows_aggregates_only_over_the_closed_rounds_fixed_set_of_at_least_k(aw) -> None:  # type: ignore[no-untyped-def]
    w = aw.world
    rnd = open_round(aw)
    for gov, levels in zip(aw.cities[:3], ANSWERS, strict=False):
        answer_all(aw, rnd, gov, levels)
    # Open: members see nothing; the coordinator sees a provisional picture.
    with pytest.raises(AggregateRefused, match="open"):
        queries.round_summary(w.clerk, rnd)
    assert queries.round_summary(w.coordinator, rnd).provisional
    with pytest.raises(PermissionDenied):
        queries.round_summary(w.outsider, rnd)
    rnd = actions.round_raise_k(acting_user=w.coordinator, round=rnd, k=4)
    rnd = actions.round_close(acting_user=w.coordinator, round=rnd)
    assert rnd.summary == {}
    # Three members submitted, k = 4: no aggregate at all.
    for reader in (w.clerk, w.coordinator):
        with pytest.raises(AggregateRefused, match="at least 4"):
            queries.round_summary(reader, rnd)


def test_it_refuses_an_all_but_one_aggregate_and_records_every_set_it_shows(aw) -> None:  # type: ignore[no-untyped-def]
    w = aw.world
    rnd = closed_round(aw, ANSWERS)
    everyone = {g.pk for g in aw.cities}
    summary = queries.round_summary(w.clerk, rnd)
    assert summary.n_members == 5 and not summary.provisional
    assert [sorted(r.members) for r in AggregateRelease.objects.filter(round=rnd)] == [sorted(everyone)]
    for reader in (w.clerk, w.coordinator):
        with pytest.raises(AggregateRefused, match="leaves out 1"):
            queries.round_summary(reader, rnd, members=everyone - {w.lees_summit.pk})
        with pytest.raises(AggregateRefused):
            queries.round_summary(reader, rnd, members={w.lees_summit.pk, w.blue_springs.pk})
    # A set that differs from one already shown by fewer than k members is refused, however it is asked for.
    AggregateRelease.objects.create(round=rnd, key="earlier", government_ids=sorted(everyone)[:4])
    with pytest.raises(AggregateRefused, match="differs from one already shown by 1"):
        queries.round_summary(w.clerk, rnd)


def test_it_reports_common_gaps_ranked_and_a_members_own_results(aw) -> None:  # type: ignore[no-untyped-def]
    w = aw.world
    rnd = closed_round(aw, ANSWERS)
    gaps = queries.common_gaps(w.clerk, rnd)
    assert [(g.code, g.below, g.n) for g in gaps] == [
        ("PR.AT-01", 5, 5),
        ("PR.AT-02", 4, 5),
        ("RS.MA-01", 3, 5),
    ]
    assert gaps[0].mean == pytest.approx(3.2)
    assert rnd.summary["gaps"][0]["code"] == "PR.AT-01"
    report = queries.member_report(w.clerk, member_of(rnd, w.lees_summit))
    pr_at = next(c for c in report.categories if c.code == "PR.AT")
    assert pr_at.score == pytest.approx(4.0) and pr_at.shortfall == pytest.approx(1.0)
    assert pr_at.peer_mean == pytest.approx((2.5 + 3.5 + 4 + 4 + 3) / 5)
    item = next(i for i in report.items if i.code == "PR.AT-01")
    assert item.level == 3 and item.below_target and item.peer_mean == pytest.approx(3.2)
    assert report.percentile is not None and 0 <= report.percentile <= 100


def test_it_compares_a_round_with_the_previous_year(aw) -> None:  # type: ignore[no-untyped-def]
    w = aw.world
    closed_round(aw, ANSWERS, year=2024)
    better = [{**a, "PR.AT-01": 5} for a in ANSWERS]
    rnd = closed_round(aw, better, year=2025)
    rows = {r.code: r for r in queries.year_over_year(w.clerk, rnd)}
    # PR.AT-01 rose from a mean of 3.2 to 5; PR.AT (two items) by half that.
    assert rows["PR.AT"].change == pytest.approx((5 - 3.2) / 2)
    assert rows["GV.OC"].change == pytest.approx(0)
    report = queries.member_report(w.clerk, member_of(rnd, w.lees_summit))
    assert next(c for c in report.categories if c.code == "PR.AT").change == pytest.approx(1.0)


def test_it_turns_a_common_gap_into_an_exploring_initiative_with_partners_and_a_kpi_baseline(aw) -> None:  # type: ignore[no-untyped-def]
    w = aw.world
    rnd = closed_round(aw, ANSWERS)
    with pytest.raises(PermissionDenied):
        actions.common_gap_to_initiative(acting_user=w.clerk, round=rnd, items=["PR.AT-02"])
    link = actions.common_gap_to_initiative(acting_user=w.coordinator, round=rnd, items=["PR.AT-02"])
    initiative = link.initiative
    assert initiative.stage == Stage.EXPLORING and initiative.collaborative == w.collaborative
    partners = {p.government.name for p in initiative.partners.all() if p.role == PartnerRole.PARTICIPATING}
    assert partners == {"Blue Springs", "Grandview", "Independence", "Raytown"}  # Lee's Summit is at 5
    assert "PR.AT-02" in initiative.description and "4 of 5 members below target" in initiative.description
    kpi = Kpi.objects.get(initiative=initiative)
    # The baseline: the round's members' mean level on PR.AT-02, (3 + 4 + 4 + 5 + 2) / 5.
    assert kpi.baseline == Decimal("3.60") == link.baseline and kpi.target == Decimal(5)
    assert "PR.AT-02" in kpi.name
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Not common gaps"):
        actions.common_gap_to_initiative(acting_user=w.coordinator, round=rnd, items=["DE.CM-01"])


def test_it_sums_training_needs_and_plans_joint_sessions(aw) -> None:  # type: ignore[no-untyped-def]
    w = aw.world
    rnd = actions.round_open(
        acting_user=w.coordinator, collaborative=w.collaborative, framework=aw.training, title="GTI 2025",
        year=2025, deadline=rnd_deadline(), members=aw.cities,
    )  # fmt: skip
    codes = [i.code for i in actions.active_items(aw.training)]
    for n, gov in enumerate(aw.cities):
        answer_all(aw, rnd, gov, {c: 2 for c in codes}, head_counts={c: 4 + n for c in codes})
    rnd = actions.round_close(acting_user=w.coordinator, round=rnd)
    summary = queries.training_summary(w.clerk, rnd, capacity=25, cost_per_session=1000.0)
    topic = summary.topics[0]
    # 4 + 5 + 6 + 7 + 8 = 30 people: two joint sessions instead of five separate ones.
    assert (topic.head_count, topic.sessions, topic.separate_sessions, topic.cost) == (30, 2, 5, 2000.0)
    assert summary.total_cost < summary.separate_total_cost


def rnd_deadline():  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.date(2025, 12, 31)
