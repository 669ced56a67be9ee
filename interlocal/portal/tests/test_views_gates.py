"""The stage gate and organizing-principle screens, for every role."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from interlocal.audit.models import AuditEvent
from interlocal.initiatives.actions import criteria_set_create, gate_configure
from interlocal.initiatives.models import CriteriaSet, StageGate
from interlocal.testkit import MatrixWorld, build_matrix_world

ROLES = ("public", "viewer", "member", "outsider", "other_coordinator", "coordinator", "admin")


@pytest.fixture
def mw(db: None) -> MatrixWorld:
    """Users of every role; ours is published, the pilot is not (see interlocal/testkit.py)."""
    return build_matrix_world()


def _as(mw: MatrixWorld, role: str) -> Client:
    client = Client()
    if role != "public":
        client.force_login(mw.users[role])  # type: ignore[arg-type]
    return client


def _gates(slug: str, stage: str = "") -> str:
    return f"/collaboratives/{slug}/gates/{stage + '/' if stage else ''}"


def _criteria_form(mw: MatrixWorld, rows: list[tuple[str, str]], **fields: str) -> dict[str, str]:
    current = mw.ours.criteria_sets.get(is_current=True)
    data = {
        "name": "Organizing principles 2026",
        "scale_min": "1",
        "scale_max": "5",
        "replacing": str(current.pk),
        "lock_version": str(current.lock_version),
        "criteria-TOTAL_FORMS": str(len(rows)),
        "criteria-INITIAL_FORMS": "1",
    }
    for i, (name, weight) in enumerate(rows):
        data[f"criteria-{i}-name"], data[f"criteria-{i}-weight"] = name, weight
    return data | fields


def _status(response: Any) -> str:
    if response.status_code == 302:
        return "login" if response["Location"].startswith("/accounts/login/") else "moved"
    return str(response.status_code)


# Reading: anyone who may see the collaborative; an unpublished one is a 404 to everyone outside it.
READ = {
    #                   public   viewer  member  outsider other_c  coord   admin
    "ours": dict(zip(ROLES, ["200", "200", "200", "200", "200", "200", "200"], strict=True)),
    "pilot": dict(zip(ROLES, ["404", "200", "200", "404", "404", "200", "200"], strict=True)),
}
# Changing: the collaborative's coordinators and administrators only.
EDIT = {
    "ours": dict(zip(ROLES, ["login", "403", "403", "403", "403", "200", "200"], strict=True)),
    "pilot": dict(zip(ROLES, ["login", "403", "403", "404", "404", "200", "200"], strict=True)),
}


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_gates_and_criteria_to_whoever_may_see_the_collaborative(mw: MatrixWorld, role: str) -> None:
    client = _as(mw, role)
    for column, collab in (("ours", mw.ours), ("pilot", mw.pilot)):
        for url in (_gates(collab.slug), f"/collaboratives/{collab.slug}/criteria/"):
            assert _status(client.get(url)) == READ[column][role], (url, role)
        for url in (_gates(collab.slug, "proposed"), f"/collaboratives/{collab.slug}/criteria/new/"):
            assert _status(client.get(url)) == EDIT[column][role], (url, role)


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_coordinators_and_admins_change_a_gate(mw: MatrixWorld, role: str) -> None:
    before = AuditEvent.objects.count()
    gate = StageGate.objects.get(collaborative=mw.ours, stage="proposed")
    response = _as(mw, role).post(
        _gates(mw.ours.slug, "proposed"), {"conditions": ["owner"], "lock_version": gate.lock_version}
    )
    gate.refresh_from_db()
    if role in ("coordinator", "admin"):
        assert _status(response) == "moved" and gate.conditions == ["owner"]
    else:
        assert _status(response) == EDIT["ours"][role]
        assert gate.conditions == ["description"] and AuditEvent.objects.count() == before


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_coordinators_and_admins_publish_criteria(mw: MatrixWorld, role: str) -> None:
    data = _criteria_form(mw, [("Cost", "2"), ("Equity", "1")])
    response = _as(mw, role).post(f"/collaboratives/{mw.ours.slug}/criteria/new/", data)
    current = mw.ours.criteria_sets.get(is_current=True)
    if role in ("coordinator", "admin"):
        assert _status(response) == "moved"
        assert (current.version, [c.name for c in current.criteria.all()]) == (2, ["Cost", "Equity"])
    else:
        assert _status(response) == EDIT["ours"][role]
        assert current.version == 1


def test_it_lists_each_stage_with_its_gate_and_whether_it_is_the_default(mw: MatrixWorld) -> None:
    page = _as(mw, "viewer").get(_gates(mw.ours.slug)).content.decode()
    proposed = page[page.index('id="gate-proposed"') :]
    assert "A description</li></ul>" in proposed[: proposed.index("</tr>")]
    assert "This collaborative (the default asks for a description; a lead partner" in proposed
    approved = page[page.index('id="gate-approved"') :]
    assert "An agreement version in force" in approved[: approved.index("</tr>")]
    assert "Default" in approved[: approved.index("</tr>")]
    assert 'id="gate-idea"' not in page and "Change<span" not in page  # a viewer has no change links
    assert "Change<span" in _as(mw, "coordinator").get(_gates(mw.ours.slug)).content.decode()


def test_it_offers_every_known_condition_with_its_label_and_ticks_the_current_ones(mw: MatrixWorld) -> None:
    page = _as(mw, "coordinator").get(_gates(mw.ours.slug, "implementing")).content.decode()
    for label in ("A description", "A lead partner", "An accountable owner", "At least one KPI measurement"):
        assert label in page
    assert 'value="owner" checked' in page and 'value="description">' in page
    assert 'name="lock_version" value="0"' in page  # never set here before: the default's version


def test_it_sets_a_gate_for_the_first_time_and_audits_the_change_from_the_default(mw: MatrixWorld) -> None:
    client = _as(mw, "coordinator")
    response = client.post(
        _gates(mw.ours.slug, "implementing"), {"conditions": ["owner", "kpi_baseline"], "lock_version": "0"}
    )
    assert _status(response) == "moved"
    gate = StageGate.objects.get(collaborative=mw.ours, stage="implementing")
    assert (gate.conditions, gate.lock_version) == (["owner", "kpi_baseline"], 1)
    event = AuditEvent.objects.filter(verb="gate_configure").latest("id")
    assert event.changes["conditions"] == [["owner"], ["owner", "kpi_baseline"]]
    assert "At least one KPI with a baseline" in client.get(_gates(mw.ours.slug)).content.decode()


def test_it_marks_an_unknown_condition_on_the_field(mw: MatrixWorld) -> None:
    response = _as(mw, "coordinator").post(
        _gates(mw.ours.slug, "proposed"), {"conditions": ["magic"], "lock_version": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'usa-form-group usa-form-group--error" id="group-conditions"' in page
    assert 'aria-describedby="conditions-hint conditions-error"' in page
    assert 'id="conditions-error" role="alert">Select a valid choice. magic is not one of' in page
    assert StageGate.objects.get(collaborative=mw.ours, stage="proposed").conditions == ["description"]


def test_it_answers_404_for_a_stage_without_a_gate(mw: MatrixWorld) -> None:
    client = _as(mw, "coordinator")
    assert client.get(_gates(mw.ours.slug, "idea")).status_code == 404
    assert client.get(_gates(mw.ours.slug, "bogus")).status_code == 404


def test_it_shows_the_conflict_page_for_a_stale_gate_edit_and_applies_it_on_top(mw: MatrixWorld) -> None:
    url = _gates(mw.ours.slug, "proposed")
    gate_configure(
        acting_user=mw.users["admin"],  # type: ignore[arg-type]
        collaborative=mw.ours,
        stage="proposed",
        conditions=["description", "lead"],
        expected_version=1,
    )
    client = _as(mw, "coordinator")
    response = client.post(url, {"conditions": ["owner"], "lock_version": "1"})
    page = response.content.decode()
    assert response.status_code == 409
    assert 'id="edit-conflict"' in page and "You started from version 1 of this gate; version 2" in page
    stored = page[page.index('class="conflict-stored"') :]
    assert stored.startswith('class="conflict-stored">a description<br>a lead partner</td>')
    assert 'name="lock_version" value="2"' in page and 'value="owner" checked' in page
    assert page.count("(gate configure)</li>") == 1  # only the change made since version 1
    assert StageGate.objects.get(collaborative=mw.ours, stage="proposed").conditions == [
        "description",
        "lead",
    ]
    assert _status(client.post(url, {"conditions": ["owner"], "lock_version": "2"})) == "moved"
    assert StageGate.objects.get(collaborative=mw.ours, stage="proposed").conditions == ["owner"]


def test_it_shows_the_current_criteria_with_weights_shares_and_earlier_versions(mw: MatrixWorld) -> None:
    criteria_set_create(
        acting_user=mw.users["coordinator"],  # type: ignore[arg-type]
        collaborative=mw.ours,
        name="Principles 2026",
        criteria=[("Cost", Decimal(3), "Saves money"), ("Equity", Decimal(1), "")],
    )
    page = _as(mw, "public").get(f"/collaboratives/{mw.ours.slug}/criteria/").content.decode()
    assert "Current: Principles 2026 (version 2)" in page
    assert '<th scope="row" data-label="Criterion">Cost</th><td data-label="Weight">3</td>' in page
    assert '<td data-label="Share">75%</td>' in page and '<td data-label="Share">25%</td>' in page
    assert "2025 criteria (version 1)" in page and "<strong>Cost</strong>: weight 1. Saves money" in page
    assert "Publish a new version" not in page and "/ranking/" not in page  # the public is not shown scores
    coordinator = _as(mw, "coordinator").get(f"/collaboratives/{mw.ours.slug}/criteria/").content.decode()
    assert "Publish a new version" in coordinator and "freeze the ranking" in coordinator


def test_it_prefills_the_new_version_from_the_current_one(mw: MatrixWorld) -> None:
    page = _as(mw, "coordinator").get(f"/collaboratives/{mw.ours.slug}/criteria/new/").content.decode()
    assert 'name="criteria-0-name" id="id_criteria-0-name" value="Cost"' in page
    assert 'name="criteria-0-weight" id="id_criteria-0-weight" value="1"' in page
    assert 'name="criteria-2-name"' in page  # two empty rows to add criteria
    assert f'name="replacing" value="{mw.criteria.pk}"' in page


def test_it_publishes_a_version_that_renames_removes_and_adds_criteria(mw: MatrixWorld) -> None:
    client = _as(mw, "coordinator")
    url = f"/collaboratives/{mw.ours.slug}/criteria/new/"
    client.post(url, _criteria_form(mw, [("Cost", "1"), ("Equity", "1"), ("Speed", "2")]))
    data = _criteria_form(mw, [("Savings", "2"), ("Equity", "1"), ("Speed", "2"), ("Reach", "1.5")])
    data |= {"criteria-INITIAL_FORMS": "3", "criteria-2-DELETE": "on"}
    assert _status(client.post(url, data)) == "moved"
    current = mw.ours.criteria_sets.get(is_current=True)
    assert current.version == 3
    assert [(c.name, c.weight) for c in current.criteria.all()] == [
        ("Savings", Decimal(2)),
        ("Equity", Decimal(1)),
        ("Reach", Decimal("1.5")),
    ]
    assert [c.name for c in CriteriaSet.objects.get(collaborative=mw.ours, version=2).criteria.all()] == [
        "Cost",
        "Equity",
        "Speed",
    ]


def test_it_adds_an_empty_row_without_publishing(mw: MatrixWorld) -> None:
    data = _criteria_form(mw, [("Cost", "1"), ("", ""), ("", "")], more="1")
    page = _as(mw, "coordinator").post(f"/collaboratives/{mw.ours.slug}/criteria/new/", data).content.decode()
    assert 'name="criteria-3-name"' in page and 'name="criteria-4-name"' not in page
    assert mw.ours.criteria_sets.count() == 1


@pytest.mark.parametrize(
    ("rows", "fields", "marked", "message"),
    [
        ([("Cost", "-1")], {}, "criteria-0-weight", "greater than or equal to 0"),
        ([("Cost", "abc")], {}, "criteria-0-weight", "Enter a number."),
        ([("Cost", "")], {}, "criteria-0-weight", "Give this criterion a weight"),
        ([("", "2")], {}, "criteria-0-name", "Name this criterion, or tick Remove."),
        ([("Cost", "1")], {"scale_max": "1"}, "scale_max", "The highest score must be above the lowest (1)."),
        ([("Cost", "1")], {"name": ""}, "name", "This field is required."),
    ],
)
def test_it_marks_a_refused_criteria_field(
    mw: MatrixWorld, rows: list[tuple[str, str]], fields: dict[str, str], marked: str, message: str
) -> None:
    response = _as(mw, "coordinator").post(
        f"/collaboratives/{mw.ours.slug}/criteria/new/", _criteria_form(mw, rows, **fields)
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Nothing was published" in page
    assert f'id="id_{marked}-error" role="alert">' in page and message in page
    assert f'aria-describedby="id_{marked}-error" aria-invalid="true"' in page or (
        f'aria-describedby="id_{marked}-hint id_{marked}-error" aria-invalid="true"' in page
    )
    assert mw.ours.criteria_sets.count() == 1


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("Cost", "0"), ("Equity", "0")], "Criterion weights must be non-negative and not all zero."),
        ([("Cost", "1"), ("cost", "2")], "Two criteria have the same name: Cost, cost."),
        ([("", "")], "A criteria set needs at least one criterion."),
    ],
)
def test_it_marks_refused_criteria_as_a_whole(
    mw: MatrixWorld, rows: list[tuple[str, str]], message: str
) -> None:
    data = _criteria_form(mw, rows, **{"criteria-INITIAL_FORMS": "0"})
    page = _as(mw, "coordinator").post(f"/collaboratives/{mw.ours.slug}/criteria/new/", data).content.decode()
    assert 'class="usa-form-group usa-form-group--error" id="criteria-group"' in page
    assert 'aria-describedby="criteria-hint criteria-error"' in page
    assert f'id="criteria-error" role="alert">{message}' in page
    assert mw.ours.criteria_sets.count() == 1


def test_it_shows_the_conflict_page_when_a_version_was_published_meanwhile(mw: MatrixWorld) -> None:
    stale = _criteria_form(mw, [("Cost", "1"), ("Equity", "2")])
    criteria_set_create(
        acting_user=mw.users["admin"],  # type: ignore[arg-type]
        collaborative=mw.ours,
        name="Published meanwhile",
        criteria=[("Cost", Decimal(1), ""), ("Reach", Decimal(1), "")],
    )
    client = _as(mw, "coordinator")
    response = client.post(f"/collaboratives/{mw.ours.slug}/criteria/new/", stale)
    page = response.content.decode()
    assert response.status_code == 409 and 'id="edit-conflict"' in page
    assert "You started from 2025 criteria (v1) as it was at change 0; Published meanwhile (v2)" in page
    assert 'class="conflict-stored">Cost: weight 1<br>Reach: weight 1</td>' in page
    history = page[page.index('id="conflict-history"') :]
    history = history[: history.index("</ul>")]
    assert (
        history.count("<li>") == 1
        and "<strong>admin</strong>" in history
        and "(criteria set create)" in history
    )
    assert 'class="conflict-submitted">Cost: weight 1<br>Equity: weight 2</td>' in page
    current = mw.ours.criteria_sets.get(is_current=True)
    assert current.name == "Published meanwhile"
    assert f'name="replacing" value="{current.pk}"' in page and 'value="Equity"' in page
    again = stale | {"replacing": str(current.pk), "lock_version": str(current.lock_version)}
    assert _status(client.post(f"/collaboratives/{mw.ours.slug}/criteria/new/", again)) == "moved"
    assert mw.ours.criteria_sets.get(is_current=True).version == 3


def test_it_links_the_rules_from_the_collaborative_and_ranking_pages(mw: MatrixWorld) -> None:
    for role in ("viewer", "coordinator"):
        client = _as(mw, role)
        for url in (f"/collaboratives/{mw.ours.slug}/", f"/collaboratives/{mw.ours.slug}/ranking/"):
            page = client.get(url).content.decode()
            assert f'href="/collaboratives/{mw.ours.slug}/gates/"' in page, (role, url)
            assert f'href="/collaboratives/{mw.ours.slug}/criteria/"' in page, (role, url)
    coordinator = _as(mw, "coordinator").get(f"/collaboratives/{mw.ours.slug}/").content.decode()
    assert "publish a new version here" in coordinator
    assert (
        "publish a new version here"
        not in _as(mw, "viewer").get(f"/collaboratives/{mw.ours.slug}/").content.decode()
    )
