import datetime as dt

import pytest
from django.http import Http404

from interlocal.assessments import actions, queries
from interlocal.assessments.models import Round
from interlocal.assessments.tests.helpers import answer_all, build_assess_world, member_of, open_round
from interlocal.testkit import World
from interlocal.tracking.digest import render_digest
from interlocal.tracking.queries import digest_for


def test_it_reminds_editors_and_coordinators_of_answers_not_yet_submitted(world: World) -> None:
    aw = build_assess_world(world)
    rnd = open_round(aw, year=2025)
    answer_all(aw, rnd, world.blue_springs, {})
    near = rnd.deadline - dt.timedelta(days=10)
    mine = digest_for(world.clerk, near)
    assert [(m.government.name, due) for m, due in mine.assessments] == [("Lee's Summit", rnd.deadline)]
    _subject, body = render_digest(world.clerk, mine, near)
    assert "Self-assessments to submit:" in body and "NCSR 2025: Lee's Summit" in body
    everyone = digest_for(world.coordinator, near)
    assert len(everyone.assessments) == 4  # Blue Springs submitted
    assert digest_for(world.clerk, rnd.deadline - dt.timedelta(days=60)).assessments == []
    assert digest_for(world.outsider, near).assessments == []


def test_it_serves_an_answers_file_to_its_member_and_the_coordinators_only(world: World) -> None:
    aw = build_assess_world(world)
    rnd = open_round(aw)
    item = actions.active_items(aw.csf)[0]
    answer = actions.answer_save(
        acting_user=world.clerk,
        round_member=member_of(rnd, world.lees_summit),
        item=item,
        level=4,
        attachment=("policy.pdf", b"%PDF-1.4"),
    )
    for reader in (world.clerk, aw.viewer, world.coordinator):
        assert bytes(queries.get_answer_for_user(reader, answer.pk).content) == b"%PDF-1.4"
    for intruder in (aw.editors[world.blue_springs.pk], world.outsider, world.public):
        with pytest.raises(Http404):
            queries.get_answer_for_user(intruder, answer.pk)


def test_it_loads_demo_rounds_with_common_gaps_and_one_turned_into_an_initiative(db: None) -> None:
    from interlocal.demo import load_demo

    load_demo()
    ncsr = {r.year: r for r in Round.objects.filter(title__startswith="NCSR")}
    assert set(ncsr) == {2024, 2025}
    for rnd in ncsr.values():
        assert "invented" in rnd.description
        assert len(rnd.summary["gaps"]) >= 3 and rnd.summary["n_members"] == 5
    link = ncsr[2024].gap_initiatives.get()
    assert link.initiative.stage == "exploring" and link.initiative.kpis.get().baseline == link.baseline
    assert Round.objects.filter(framework__kind="training", status="closed").exists()
