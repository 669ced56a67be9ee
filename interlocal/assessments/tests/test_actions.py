import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interlocal.assessments import actions
from interlocal.assessments.models import Answer
from interlocal.assessments.tests.helpers import answer_all, build_assess_world, member_of, open_round
from interlocal.audit.models import AuditEvent
from interlocal.testkit import World
from interlocal.vocab import RoundMemberStatus, RoundStatus


@pytest.fixture
def aw(world: World):  # type: ignore[no-untyped-def]
    return build_assess_world(world)


def test_it_builds_csf_2_0_with_the_ncsr_scale_and_the_training_questionnaire(aw) -> None:  # type: ignore[no-untyped-def]
    csf = aw.csf
    assert csf.nodes.filter(kind="function").count() == 6
    assert csf.nodes.filter(kind="category").count() == 22
    assert csf.nodes.filter(kind="item", withdrawn=False).count() == 106
    assert [(lv.value, lv.name) for lv in csf.scale.levels.all()][:1] == [(1, "Not Performed")]
    assert csf.scale.levels.count() == 7 and csf.scale.target_value == 5
    assert aw.training.nodes.filter(kind="item").count() >= 10
    # Loading again changes nothing.
    before = AuditEvent.objects.count()
    actions.builtin_frameworks_ensure(acting_user=aw.world.coordinator)
    assert AuditEvent.objects.count() == before


def test_it_opens_a_round_only_for_coordinators_with_at_least_k_current_members(aw) -> None:  # type: ignore[no-untyped-def]
    w = aw.world
    with pytest.raises(PermissionDenied):
        actions.round_open(
            acting_user=w.clerk, collaborative=w.collaborative, framework=aw.csf, title="x", year=2025,
            deadline=dt.date(2025, 12, 31), members=aw.cities,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="at least 3"):
        actions.round_open(
            acting_user=w.coordinator, collaborative=w.collaborative, framework=aw.csf, title="x", year=2025,
            deadline=dt.date(2025, 12, 31), members=aw.cities, k=2,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="Kansas City"):
        actions.round_open(
            acting_user=w.coordinator, collaborative=w.collaborative, framework=aw.csf, title="x", year=2025,
            deadline=dt.date(2025, 12, 31), members=[*aw.cities, w.kansas_city],
        )  # fmt: skip
    with pytest.raises(ValidationError, match="at least k = 3"):
        actions.round_open(
            acting_user=w.coordinator, collaborative=w.collaborative, framework=aw.csf, title="x", year=2025,
            deadline=dt.date(2025, 12, 31), members=aw.cities[:2],
        )  # fmt: skip
    rnd = open_round(aw)
    assert rnd.members.count() == 5 and rnd.status == RoundStatus.OPEN


def test_it_lets_only_the_members_own_editors_save_answers(aw) -> None:  # type: ignore[no-untyped-def]
    w = aw.world
    rnd = open_round(aw)
    ls = member_of(rnd, w.lees_summit)
    item = actions.active_items(aw.csf)[0]
    for intruder in (w.coordinator, w.outsider, aw.editors[w.blue_springs.pk], aw.viewer):
        with pytest.raises(PermissionDenied):
            actions.answer_save(acting_user=intruder, round_member=ls, item=item, level=3)
    answer = actions.answer_save(
        acting_user=w.clerk,
        round_member=ls,
        item=item,
        level=3,
        evidence="Policy 12",
        attachment=("p.txt", b"hi"),
    )
    assert answer.level == 3 and bytes(answer.content) == b"hi"
    ls.refresh_from_db()
    assert ls.status == RoundMemberStatus.DRAFT
    with pytest.raises(ValidationError, match="not a level"):
        actions.answer_save(acting_user=w.clerk, round_member=ls, item=item, level=9)
    # The event is Lee's Summit's own, not in the collaborative's feed.
    event = AuditEvent.objects.get(verb="answer_save")
    assert event.collaborative_id is None and event.government_id == w.lees_summit.pk and not event.is_public
    assert "3" not in event.object_repr


def test_it_submits_only_complete_answers_and_reopens_on_the_coordinators_word(aw) -> None:  # type: ignore[no-untyped-def]
    w = aw.world
    rnd = open_round(aw)
    ls = member_of(rnd, w.lees_summit)
    item = actions.active_items(aw.csf)[0]
    actions.answer_save(acting_user=w.clerk, round_member=ls, item=item, level=3)
    ls.refresh_from_db()
    with pytest.raises(ValidationError, match="Answer every item"):
        actions.round_member_submit(acting_user=w.clerk, round_member=ls)
    ls = answer_all(aw, rnd, w.lees_summit, {})
    assert ls.status == RoundMemberStatus.SUBMITTED and ls.submitted_by == w.clerk
    with pytest.raises(ValidationError, match="submitted"):
        actions.answer_save(acting_user=w.clerk, round_member=ls, item=item, level=4)
    with pytest.raises(PermissionDenied):
        actions.round_member_reopen(acting_user=w.clerk, round_member=ls, reason="typo")
    actions.round_member_reopen(acting_user=w.coordinator, round_member=ls, reason="Check PR.AT-01")
    ls.refresh_from_db()
    assert ls.status == RoundMemberStatus.REOPENED
    actions.answer_save(acting_user=w.clerk, round_member=ls, item=item, level=4)
    assert Answer.objects.get(round_member=ls, item=item).level == 4


def test_it_closes_a_round_with_the_submitted_members_as_its_fixed_set(aw) -> None:  # type: ignore[no-untyped-def]
    w = aw.world
    rnd = open_round(aw)
    for gov in aw.cities[:4]:
        answer_all(aw, rnd, gov, {})
    with pytest.raises(PermissionDenied):
        actions.round_close(acting_user=w.clerk, round=rnd)
    rnd = actions.round_close(acting_user=w.coordinator, round=rnd)
    assert rnd.status == RoundStatus.CLOSED
    assert rnd.members.filter(in_aggregate=True).count() == 4
    assert rnd.summary["n_members"] == 4 and rnd.engine_version
    ls = member_of(rnd, w.lees_summit)
    with pytest.raises(ValidationError, match="closed"):
        actions.round_member_reopen(acting_user=w.coordinator, round_member=ls, reason="late")


def test_it_raises_k_but_never_lowers_it(aw) -> None:  # type: ignore[no-untyped-def]
    w = aw.world
    rnd = open_round(aw)
    with pytest.raises(PermissionDenied):
        actions.round_raise_k(acting_user=w.clerk, round=rnd, k=4)
    rnd = actions.round_raise_k(acting_user=w.coordinator, round=rnd, k=4)
    assert rnd.k == 4
    with pytest.raises(ValidationError, match="only be raised"):
        actions.round_raise_k(acting_user=w.coordinator, round=rnd, k=3)


def test_it_lets_coordinators_add_rename_and_withdraw_training_topics(aw) -> None:  # type: ignore[no-untyped-def]
    w = aw.world
    section = aw.training.nodes.get(code="SAF")
    with pytest.raises(PermissionDenied):
        actions.topic_add(
            acting_user=w.clerk, framework=aw.training, code="SAF-99", title="x", parent=section
        )
    topic = actions.topic_add(
        acting_user=w.coordinator, framework=aw.training, code="SAF-06", title="Trenching", parent=section
    )
    topic = actions.topic_rename(acting_user=w.coordinator, node=topic, title="Trenching and excavation")
    assert topic.title == "Trenching and excavation"
    topic = actions.topic_withdraw(acting_user=w.coordinator, node=topic, note="Covered by GTI's course")
    assert topic.withdrawn and topic not in actions.active_items(aw.training)
    # The built-in loader leaves the edited questionnaire alone.
    actions.builtin_frameworks_ensure(acting_user=w.coordinator)
    topic.refresh_from_db()
    assert topic.withdrawn and topic.title == "Trenching and excavation"
