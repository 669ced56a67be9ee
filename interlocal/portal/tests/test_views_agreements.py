import datetime as dt
import re

from django.test import Client

from interlocal.agreements.actions import agreement_version_create, matter_create
from interlocal.agreements.models import Adoption, AgreementVersion, LegislativeMatter, MatterAction
from interlocal.collaboratives.models import Membership
from interlocal.testkit import World
from interlocal.vocab import MembershipStatus, VersionKind


def _as(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _v2(world: World) -> AgreementVersion:
    return agreement_version_create(
        acting_user=world.coordinator,
        agreement=world.agreement,
        kind=VersionKind.RENEWAL,
        title="2024 renewal",
        parties=[world.lees_summit, world.blue_springs],
    )


def _bs_matter(world: World) -> LegislativeMatter:
    return matter_create(
        acting_user=world.admin,
        government=world.blue_springs,
        file_number="R-2024-9",
        title="Blue Springs renews",
    )


def _group(page: str, name: str) -> str:
    """The form group of one field, to check it is the one marked."""
    match = re.search(
        rf'<div class="usa-form-group[^"]*" id="group-{name}">.*?(?=<div class="usa-form-group|</form>)',
        page,
        re.S,
    )
    assert match, name
    return match.group(0)


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S)
    assert select, name
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(0))


# --- agreements ---


def test_it_lets_a_coordinator_create_an_agreement(world: World) -> None:
    url = "/collaboratives/eastern-jackson-county/agreements/new/"
    coordinator = _as(world.coordinator)
    assert coordinator.get(url).status_code == 200
    response = coordinator.post(url, {"kind": "interlocal", "title": "Radio maintenance"})
    agreement = world.collaborative.agreements.get(title="Radio maintenance")
    assert response.status_code == 302 and response["Location"] == f"/agreements/{agreement.pk}/versions/new/"


def test_it_refuses_the_agreement_form_to_members_outsiders_and_the_public(
    world: World, client: Client
) -> None:
    url = "/collaboratives/eastern-jackson-county/agreements/new/"
    assert _as(world.clerk).get(url).status_code == 403
    assert _as(world.outsider).post(url, {"kind": "mou", "title": "x"}).status_code == 403
    assert client.get(url).status_code == 302
    assert _as(world.coordinator).get("/collaboratives/nowhere/agreements/new/").status_code == 404
    assert world.collaborative.agreements.count() == 1


def test_it_marks_the_missing_title_on_the_agreement_form(world: World) -> None:
    page = _as(world.coordinator).post(
        "/collaboratives/eastern-jackson-county/agreements/new/", {"kind": "mou"}
    )
    html = page.content.decode()
    title = _group(html, "title")
    assert "usa-form-group--error" in title and 'aria-describedby="id_title-error"' in title
    assert 'id="id_title-error"' in title and "usa-form-group--error" not in _group(html, "kind")


def test_it_prefills_the_parties_of_the_previous_version_and_offers_only_members(world: World) -> None:
    html = _as(world.coordinator).get(f"/agreements/{world.agreement.pk}/versions/new/").content.decode()
    ticked = re.findall(r'<input[^>]*value="(\d+)" checked>', html)
    assert sorted(ticked) == sorted([str(world.lees_summit.pk), str(world.blue_springs.pk)])
    assert "Kansas City" not in html and "Blue Springs" in html


def test_it_adds_a_version_with_edited_parties_dates_and_documents(world: World) -> None:
    response = _as(world.coordinator).post(
        f"/agreements/{world.agreement.pk}/versions/new/",
        {
            "kind": "amendment",
            "title": "2024 amendment",
            "parties": [str(world.lees_summit.pk)],
            "effective_on": "2024-07-01",
            "term_months": "36",
            "documents": "Signed text | https://example.org/signed.pdf\nExhibit A",
        },
    )
    assert response.status_code == 302
    version = world.agreement.versions.get(number=2)
    assert [p.government for p in version.party_rows.all()] == [world.lees_summit]
    assert version.effective_on == dt.date(2024, 7, 1) and version.term_months == 36
    assert [(d.title, d.url) for d in version.documents.all()] == [
        ("Signed text", "https://example.org/signed.pdf"),
        ("Exhibit A", ""),
    ]
    page = Client().get(f"/agreements/{world.agreement.pk}/").content.decode()
    assert "waiting for\n      Lee&#x27;s Summit" in page or "Lee&#x27;s Summit" in page


def test_it_refuses_a_party_that_is_not_a_current_member(world: World) -> None:
    page = _as(world.coordinator).post(
        f"/agreements/{world.agreement.pk}/versions/new/",
        {"kind": "renewal", "title": "x", "parties": [str(world.kansas_city.pk)]},
    )
    assert "usa-form-group--error" in _group(page.content.decode(), "parties")
    assert world.agreement.versions.count() == 1


def test_it_refuses_the_version_form_to_members_and_outsiders(world: World) -> None:
    url = f"/agreements/{world.agreement.pk}/versions/new/"
    assert _as(world.clerk).get(url).status_code == 403
    assert _as(world.outsider).get(url).status_code == 403
    assert _as(world.coordinator).get("/agreements/9999/versions/new/").status_code == 404


# --- adoptions ---


def test_it_lets_a_clerk_adopt_with_their_own_matter_only(world: World) -> None:
    version = _v2(world)
    bs = _bs_matter(world)
    url = f"/agreements/versions/{version.pk}/adopt/"
    clerk = _as(world.clerk)
    options = _options(clerk.get(url).content.decode(), "matter")
    assert any("RES. NO. 21-08" in o for o in options) and not any(bs.file_number in o for o in options)
    refused = clerk.post(
        url, {"government": world.lees_summit.pk, "matter": bs.pk, "adopted_on": "2024-05-01"}
    )
    assert "usa-form-group--error" in _group(refused.content.decode(), "matter")
    response = clerk.post(
        url, {"government": world.lees_summit.pk, "matter": world.matter.pk, "adopted_on": "2024-05-01"}
    )
    assert response.status_code == 302
    adoption = Adoption.objects.get(version=version)
    assert (adoption.government, adoption.matter, adoption.adopted_on) == (
        world.lees_summit,
        world.matter,
        dt.date(2024, 5, 1),
    )
    assert clerk.get(url).status_code == 403  # recorded once


def test_it_records_a_new_matter_entered_with_the_adoption(world: World) -> None:
    version = _v2(world)
    response = _as(world.clerk).post(
        f"/agreements/versions/{version.pk}/adopt/",
        {
            "government": world.lees_summit.pk,
            "new_file_number": "RES. NO. 24-11",
            "new_type_name": "Resolution",
            "new_title": "Renewing the statement",
            "adopted_on": "2024-06-04",
        },
    )
    assert response.status_code == 302
    matter = LegislativeMatter.objects.get(file_number="RES. NO. 24-11")
    assert matter.government == world.lees_summit and matter.type_name == "Resolution"
    assert version.adoptions.get().matter == matter


def test_it_marks_the_new_matter_fields_when_neither_is_given_or_the_file_number_is_taken(
    world: World,
) -> None:
    version = _v2(world)
    url = f"/agreements/versions/{version.pk}/adopt/"
    clerk = _as(world.clerk)
    html = clerk.post(url, {"government": world.lees_summit.pk, "adopted_on": "2024-06-04"}).content.decode()
    assert "usa-form-group--error" in _group(html, "new_file_number")
    assert "usa-form-group--error" in _group(html, "new_title")
    taken = {"government": world.lees_summit.pk, "new_file_number": "RES. NO. 21-08", "new_title": "Again"}
    html = clerk.post(url, {**taken, "adopted_on": "2024-06-04"}).content.decode()
    assert "usa-form-group--error" in _group(html, "new_file_number")
    assert not version.adoptions.exists() and LegislativeMatter.objects.filter(title="Again").count() == 0


def test_it_refuses_the_adoption_form_to_coordinators_outsiders_and_the_public(
    world: World, client: Client
) -> None:
    version = _v2(world)
    url = f"/agreements/versions/{version.pk}/adopt/"
    assert _as(world.coordinator).get(url).status_code == 403  # MARC is not a party
    assert _as(world.outsider).get(url).status_code == 403
    assert client.get(url).status_code == 302
    assert _as(world.clerk).get("/agreements/versions/9999/adopt/").status_code == 404


def test_it_links_a_party_to_its_adoption_form_on_the_agreement_page(world: World) -> None:
    version = _v2(world)
    page = _as(world.clerk).get(f"/agreements/{world.agreement.pk}/").content.decode()
    assert f"/agreements/versions/{version.pk}/adopt/" in page
    assert "/adopt/" not in _as(world.outsider).get(f"/agreements/{world.agreement.pk}/").content.decode()


# --- legislation ---


def _matter_post(**changes: str) -> dict[str, str]:
    return {
        "file_number": "RES. NO. 24-12",
        "type_name": "Resolution",
        "status_name": "Passed",
        "title": "A resolution on radios",
        "body_name": "City Council",
        "intro_date": "2024-05-01",
        "sponsors": "Mayor Baird\nCouncilmember Lopez",
        "is_published": "on",
        **changes,
    }


def test_it_lets_a_clerk_enter_and_edit_their_own_councils_matter(world: World) -> None:
    clerk = _as(world.clerk)
    response = clerk.post("/governments/lees-summit/legislation/new/", _matter_post())
    matter = LegislativeMatter.objects.get(file_number="RES. NO. 24-12")
    assert response.status_code == 302 and matter.government == world.lees_summit
    assert matter.sponsors == ["Mayor Baird", "Councilmember Lopez"]
    edit = f"/legislation/{matter.pk}/edit/"
    assert "Mayor Baird\nCouncilmember Lopez" in clerk.get(edit).content.decode()
    response = clerk.post(edit, _matter_post(status_name="Adopted", lock_version=str(matter.lock_version)))
    matter.refresh_from_db()
    assert response.status_code == 302 and matter.status_name == "Adopted"


def test_it_shows_the_conflict_page_for_a_stale_matter_edit(world: World) -> None:
    clerk = _as(world.clerk)
    edit = f"/legislation/{world.matter.pk}/edit/"
    clerk.post(edit, _matter_post(file_number="RES. NO. 21-08", lock_version="0", status_name="Adopted"))
    response = clerk.post(
        edit, _matter_post(file_number="RES. NO. 21-08", lock_version="0", status_name="Tabled")
    )
    world.matter.refresh_from_db()
    assert response.status_code == 409 and world.matter.status_name == "Adopted"


def test_it_marks_a_taken_file_number_and_a_missing_title(world: World) -> None:
    html = (
        _as(world.clerk)
        .post(
            "/governments/lees-summit/legislation/new/", _matter_post(file_number="RES. NO. 21-08", title="")
        )
        .content.decode()
    )
    assert "usa-form-group--error" in _group(html, "title")
    html = (
        _as(world.clerk)
        .post("/governments/lees-summit/legislation/new/", _matter_post(file_number="RES. NO. 21-08"))
        .content.decode()
    )
    assert "usa-form-group--error" in _group(html, "file_number")


def test_it_refuses_legislation_screens_to_other_governments(world: World, client: Client) -> None:
    assert _as(world.clerk).get("/governments/blue-springs/legislation/new/").status_code == 403
    assert _as(world.coordinator).get("/governments/lees-summit/legislation/new/").status_code == 403
    assert _as(world.outsider).get(f"/legislation/{world.matter.pk}/edit/").status_code == 403
    assert client.get(f"/legislation/{world.matter.pk}/edit/").status_code == 302
    hidden = matter_create(
        acting_user=world.admin,
        government=world.blue_springs,
        file_number="D-1",
        title="Draft",
        is_published=False,
    )
    assert _as(world.clerk).get(f"/legislation/{hidden.pk}/edit/").status_code == 404


def test_it_adds_and_corrects_action_history_rows(world: World) -> None:
    clerk = _as(world.clerk)
    response = clerk.post(
        f"/legislation/{world.matter.pk}/actions/new/",
        {
            "action_date": "2021-04-13",
            "version": "1",
            "action_body_name": "City Council",
            "action_name": "adopted",
        },
    )
    assert response.status_code == 302
    row = MatterAction.objects.get(matter=world.matter)
    response = clerk.post(
        f"/legislation/actions/{row.pk}/edit/",
        {"version": "1", "action_body_name": "City Council", "passed_flag_name": "Pass", "lock_version": "0"},
    )
    row.refresh_from_db()
    assert response.status_code == 302 and row.passed_flag_name == "Pass"
    html = clerk.post(f"/legislation/{world.matter.pk}/actions/new/", {"action_name": "x"}).content.decode()
    assert "usa-form-group--error" in _group(html, "action_date")
    assert _as(world.outsider).get(f"/legislation/actions/{row.pk}/edit/").status_code == 403


# --- memberships ---


def test_it_lets_a_coordinator_propose_a_member_with_its_matter(world: World) -> None:
    kc_matter = matter_create(
        acting_user=world.outsider, government=world.kansas_city, file_number="240101", title="Joining EJC"
    )
    url = "/collaboratives/eastern-jackson-county/members/propose/"
    coordinator = _as(world.coordinator)
    page = coordinator.get(url).content.decode()
    assert "Kansas City" in _options(page, "government") and "Lee's Summit" not in _options(
        page, "government"
    )
    response = coordinator.post(
        url,
        {
            "government": world.kansas_city.pk,
            "role": "member",
            "joined_on": "2025-01-01",
            "authorising_matter": kc_matter.pk,
        },
    )
    assert response.status_code == 302
    proposal = Membership.objects.get(government=world.kansas_city)
    assert proposal.status == MembershipStatus.PROPOSED and proposal.authorising_matter == kc_matter


def test_it_marks_another_governments_matter_on_a_proposal(world: World) -> None:
    html = (
        _as(world.coordinator)
        .post(
            "/collaboratives/eastern-jackson-county/members/propose/",
            {
                "government": world.kansas_city.pk,
                "role": "member",
                "joined_on": "2025-01-01",
                "authorising_matter": world.matter.pk,
            },
        )
        .content.decode()
    )
    assert "usa-form-group--error" in _group(html, "authorising_matter")
    assert not Membership.objects.filter(government=world.kansas_city).exists()


def test_it_lets_a_coordinator_end_a_membership_with_its_matter(world: World) -> None:
    membership = Membership.objects.get(government=world.lees_summit)
    url = f"/memberships/{membership.pk}/end/"
    coordinator = _as(world.coordinator)
    html = coordinator.post(
        url, {"left_on": "2010-01-01", "lock_version": membership.lock_version}
    ).content.decode()
    assert "usa-form-group--error" in _group(html, "left_on")
    response = coordinator.post(
        url,
        {"left_on": "2025-12-31", "leave_matter": world.matter.pk, "lock_version": membership.lock_version},
    )
    membership.refresh_from_db()
    assert response.status_code == 302
    assert membership.left_on == dt.date(2025, 12, 31) and membership.leave_matter == world.matter
    stale = coordinator.post(url, {"left_on": "2026-01-31", "lock_version": "0"})
    assert stale.status_code == 409


def test_it_refuses_membership_screens_to_members_outsiders_and_the_public(
    world: World, client: Client
) -> None:
    membership = Membership.objects.get(government=world.lees_summit)
    propose = "/collaboratives/eastern-jackson-county/members/propose/"
    assert _as(world.clerk).get(propose).status_code == 403
    assert _as(world.outsider).get(propose).status_code == 403
    assert (
        _as(world.clerk).post(f"/memberships/{membership.pk}/end/", {"left_on": "2025-01-01"}).status_code
        == 403
    )
    assert client.get(f"/memberships/{membership.pk}/end/").status_code == 302
    assert _as(world.coordinator).get("/memberships/9999/end/").status_code == 404
    membership.refresh_from_db()
    assert membership.left_on is None


def test_it_lets_a_clerk_upload_an_attachment_that_readers_download(world: World, client: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = f"/legislation/{world.matter.pk}/attachments/new/"
    clerk = _as(world.clerk)
    html = clerk.post(url, {"name": "Staff report"}).content.decode()
    assert "usa-form-group--error" in _group(html, "file")
    upload = SimpleUploadedFile("staff-report.txt", b"Radios: 412 repaired.", content_type="text/plain")
    response = clerk.post(url, {"name": "Staff report", "file": upload})
    assert response.status_code == 302
    attachment = world.matter.attachments.get(name="Staff report")
    assert attachment.file_name == "staff-report.txt"
    download = client.get(f"/legislation/{world.matter.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and download.content == b"Radios: 412 repaired."
    assert _as(world.outsider).get(url).status_code == 403
    assert (
        _as(world.coordinator).post(url, {"name": "x", "url": "https://example.org/x.pdf"}).status_code == 403
    )
