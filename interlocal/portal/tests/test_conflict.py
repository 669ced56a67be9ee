"""The second editor of a record gets a conflict page (portal) or a clear error (admin), never an overwrite."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from interlocal.audit.models import AuditEvent
from interlocal.governments.models import Government
from interlocal.initiatives.models import Initiative
from interlocal.portal.tests.formdata import initiative_post
from interlocal.testkit import World


def _as(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _form(initiative: Initiative, version: int, **values: str) -> dict[str, Any]:
    return {**initiative_post(initiative, **values), "lock_version": str(version)}


def test_it_shows_the_second_initiative_editor_both_versions(world: World) -> None:
    url = f"/initiatives/{world.initiative.pk}/edit/"
    page = _as(world.clerk).get(url).content.decode()
    version = int(re.search(r'name="lock_version" value="(\d+)"', page).group(1))  # type: ignore[union-attr]
    first = _as(world.coordinator).post(
        url, _form(world.initiative, version, description="Shared radio shop", services="Radios")
    )
    assert first.status_code == 302
    second = _as(world.clerk).post(
        url, _form(world.initiative, version, description="Mobile repair van", services="Radios")
    )
    assert second.status_code == 409
    body = second.content.decode()
    assert "Someone else changed" in body and "Your changes were not saved" in body
    # Field by field: theirs as submitted beside the stored one, and who changed it.
    row = re.search(r'data-field="description">(.*?)</tr>', body, re.S).group(1)  # type: ignore[union-attr]
    assert "Mobile repair van" in row and "Shared radio shop" in row and "differs" in row
    assert "differs" not in re.search(r'data-field="services">(.*?)</tr>', body, re.S).group(1)  # type: ignore[union-attr]
    assert "coordinator" in body and "initiative update: description" in body
    assert Initiative.objects.get(pk=world.initiative.pk).description == "Shared radio shop"
    # The re-apply form holds their values on top of the stored version.
    assert f'name="lock_version" value="{version + 1}"' in body
    assert "Mobile repair van</textarea>" in body
    again = _as(world.clerk).post(url, _form(world.initiative, version + 1, description="Mobile repair van"))
    assert again.status_code == 302
    stored = Initiative.objects.get(pk=world.initiative.pk)
    assert (stored.description, stored.lock_version) == ("Mobile repair van", version + 2)


def test_it_refuses_a_stale_government_edit_with_a_conflict_page(world: World) -> None:
    url = "/governments/lees-summit/edit/"
    start = Government.objects.get(pk=world.lees_summit.pk).lock_version
    assert _as(world.clerk).post(url, {"population": "101108", "lock_version": start}).status_code == 302
    response = _as(world.clerk).post(url, {"population": "5", "lock_version": start})
    assert response.status_code == 409
    body = response.content.decode()
    row = re.search(r'data-field="population">(.*?)</tr>', body, re.S).group(1)  # type: ignore[union-attr]
    assert "101108" in row and ">5<" in row
    assert Government.objects.get(pk=world.lees_summit.pk).population == 101108


def _admin_form(government: Government, version: int, **changes: str) -> dict[str, str]:
    data = {
        "kind": government.kind,
        "name": government.name,
        "slug": government.slug,
        "state": government.state,
        "website": "",
        "county_name": "",
        "parent": "",
        "land_area_m2": "",
        "ocd_division_id": "",
        "geoid": "",
        "population": "",
        "population_year": "",
        "population_source": "",
        "is_published": "on",
        "_lock_version": str(version),
    }
    return {**data, **changes}


def test_it_refuses_a_stale_admin_save_with_a_clear_error(world: World) -> None:
    url = f"/admin/governments/government/{world.lees_summit.pk}/change/"
    page = _as(world.clerk).get(url).content.decode()
    version = int(re.search(r'name="_lock_version" value="(\d+)"', page).group(1))  # type: ignore[union-attr]
    gov = world.lees_summit
    assert _as(world.clerk).post(url, _admin_form(gov, version, population="101108")).status_code == 302
    response = _as(world.clerk).post(url, _admin_form(gov, version, website="https://example.gov"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "was changed by clerk" in body and "Nothing was saved" in body
    stored = Government.objects.get(pk=gov.pk)
    assert (stored.population, stored.website, stored.lock_version) == (101108, "", version + 1)
    assert AuditEvent.objects.filter(verb="government_update_admin").count() == 1


def test_it_refuses_a_stale_admin_inline_row(world: World) -> None:
    collab = world.collaborative
    membership = collab.memberships.get(government=world.blue_springs)
    url = f"/admin/collaboratives/collaborative/{collab.pk}/change/"
    ids = list(
        collab.memberships.order_by("id").values_list("id", "government_id", "joined_on", "lock_version")
    )
    data = {
        "name": collab.name,
        "slug": collab.slug,
        "short_name": "",
        "purpose": "",
        "facilitator": str(world.marc.pk),
        "formed_on": "",
        "is_published": "on",
        "_lock_version": "0",
        "memberships-TOTAL_FORMS": str(len(ids)),
        "memberships-INITIAL_FORMS": str(len(ids)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, (pk, gov, joined, seen) in enumerate(ids):
        data |= {
            f"memberships-{i}-id": str(pk),
            f"memberships-{i}-collaborative": str(collab.pk),
            f"memberships-{i}-government": str(gov),
            f"memberships-{i}-role": "member",
            f"memberships-{i}-joined_on": str(joined),
            f"memberships-{i}-left_on": "",
            f"memberships-{i}-authorising_matter": "",
            f"memberships-{i}-lock_version_seen": str(seen),
        }
    index = [row[0] for row in ids].index(membership.pk)
    first = dict(data, **{f"memberships-{index}-left_on": "2024-01-01"})
    assert _as(world.admin).post(url, first).status_code == 302
    collab.refresh_from_db()
    stale = dict(
        data, **{f"memberships-{index}-left_on": "2025-06-30", "_lock_version": str(collab.lock_version)}
    )
    response = _as(world.admin).post(url, stale)
    assert response.status_code == 200 and "Nothing was saved" in response.content.decode()
    membership.refresh_from_db()
    assert (str(membership.left_on), membership.lock_version) == ("2024-01-01", ids[index][3] + 1)


def test_it_refuses_a_stage_move_made_from_a_stale_page(world: World) -> None:
    url = f"/initiatives/{world.initiative.pk}/"
    page = _as(world.clerk).get(url).content.decode()
    version = int(re.search(r'name="lock_version" value="(\d+)"', page).group(1))  # type: ignore[union-attr]
    move = {"to_stage": "exploring", "reason": "Talks began", "lock_version": str(version)}
    assert _as(world.coordinator).post(url + "advance/", move).status_code == 302
    stale = dict(move, to_stage="proposed", reason="Skip ahead")
    response = _as(world.clerk).post(url + "advance/", stale, follow=True)
    assert "Nothing was done: it was changed by" in response.content.decode()
    assert Initiative.objects.get(pk=world.initiative.pk).stage == "exploring"


def test_it_keeps_a_colleagues_newer_score_and_offers_to_replace_it(world: World) -> None:
    from decimal import Decimal

    from interlocal.initiatives.actions import criteria_set_create, score_record
    from interlocal.initiatives.models import Score

    criteria = criteria_set_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        name="2025",
        criteria=[("Savings", Decimal(1), "")],
    )
    criterion = criteria.criteria.get()
    score_record(
        acting_user=world.clerk,
        initiative=world.initiative,
        criterion=criterion,
        government=world.lees_summit,
        value=3,
    )
    url = f"/initiatives/{world.initiative.pk}/score/"
    page = _as(world.clerk).get(url).content.decode()
    assert f'name="c{criterion.pk}_version" value="0"' in page
    mine = {f"c{criterion.pk}": "4", f"c{criterion.pk}_comment": "", f"c{criterion.pk}_version": "0"}
    assert _as(world.clerk).post(url, mine).status_code == 302
    stale = dict(mine, **{f"c{criterion.pk}": "5"})
    response = _as(world.clerk).post(url, stale)
    body = response.content.decode()
    assert response.status_code == 200 and "The stored score is 4; yours is 5" in body
    assert Score.objects.get(criterion=criterion).value == 4
    assert f'name="c{criterion.pk}_version" value="1"' in body
    assert _as(world.clerk).post(url, dict(stale, **{f"c{criterion.pk}_version": "1"})).status_code == 302
    assert Score.objects.get(criterion=criterion).value == 5


def test_it_refuses_hiding_scores_from_a_stale_ranking_page(world: World) -> None:
    from decimal import Decimal

    from interlocal.initiatives.actions import criteria_set_create
    from interlocal.initiatives.models import CriteriaSet

    criteria = criteria_set_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        name="2025",
        criteria=[("Savings", Decimal(1), "")],
    )
    url = f"/collaboratives/{world.collaborative.slug}/ranking/"
    assert 'name="lock_version" value="0"' in _as(world.coordinator).get(url).content.decode()
    assert _as(world.coordinator).post(url + "act/", {"do": "hide", "lock_version": "0"}).status_code == 302
    response = _as(world.coordinator).post(url + "act/", {"do": "reveal", "lock_version": "0"}, follow=True)
    assert "Nothing was done: it was changed by" in response.content.decode()
    assert CriteriaSet.objects.get(pk=criteria.pk).scores_hidden is True
