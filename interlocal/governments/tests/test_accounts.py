import json
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils import timezone

from interlocal.audit.models import AuditEvent
from interlocal.demo import DEMO_PASSWORD
from interlocal.governments import actions
from interlocal.governments.models import Person
from interlocal.governments.signin import client_address
from interlocal.testkit import PASSWORD, World
from interlocal.vocab import Role

GOOD_PASSWORD = "tulip-harbor-mineral-42"


def _admin_client(user: Person) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sign_in(client: Client, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password, "next": "/me/"})


# Sign-in throttling


def test_it_locks_a_username_after_too_many_failures_even_with_the_right_password(
    world: World, settings: Any
) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "clerk", "wrong-password-guess").status_code == 200
    assert _sign_in(client, "clerk", "wrong-password-guess").status_code == 429
    response = _sign_in(client, "clerk", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in locked" in page and "ask a site administrator to unlock" in page
    assert "_auth_user_id" not in client.session
    # Keyed on username and address: the clerk at another address, and others here, still sign in.
    assert _sign_in(Client(REMOTE_ADDR="203.0.113.8"), "clerk", PASSWORD).status_code == 302
    assert _sign_in(client, "coordinator", PASSWORD).status_code == 302


def test_it_audits_the_lockout_once_and_shows_it_to_administrators(world: World, settings: Any) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        _sign_in(client, "clerk", "wrong-password-guess")
    events = AuditEvent.objects.filter(verb="person_lockout", object_id=str(world.clerk.pk))
    assert events.count() == 1
    assert "203.0.113.7" in events.get().note
    listing = _admin_client(world.admin).get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "203.0.113.7" in listing.content.decode()
    assert _admin_client(world.coordinator).get("/admin/axes/accessattempt/").status_code == 403
    _sign_in(Client(REMOTE_ADDR="203.0.113.9"), "coordinator", PASSWORD)
    sign_ins = _admin_client(world.admin).get("/admin/axes/accesslog/")
    assert sign_ins.status_code == 200 and "203.0.113.9" in sign_ins.content.decode()


def test_it_lets_an_administrator_unlock_and_audits_it(world: World, settings: Any) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "clerk", "wrong-password-guess")
    with pytest.raises(PermissionDenied):
        actions.person_unlock(acting_user=world.coordinator, person=world.clerk)
    response = _admin_client(world.admin).post(
        "/admin/governments/person/", {"action": "unlock", "_selected_action": [world.clerk.pk]}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="clerk").exists()
    assert AuditEvent.objects.filter(verb="person_unlock", actor=world.admin).count() == 1
    assert _sign_in(client, "clerk", PASSWORD).status_code == 302


def test_it_takes_the_client_address_from_exactly_the_trusted_proxies(settings: Any) -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4, 10.0.0.9"
    )
    settings.REVERSE_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.2"
    settings.REVERSE_PROXY_COUNT = 1
    assert client_address(request) == "10.0.0.9"
    settings.REVERSE_PROXY_COUNT = 2
    assert client_address(request) == "198.51.100.4"
    settings.REVERSE_PROXY_COUNT = 5
    assert client_address(request) == "10.0.0.2"


# Password rules


@pytest.mark.parametrize(
    "password",
    ["ls-clerk1", "ls-clerk12345", "ls-clerk-2024", "password1234", "123456789012345", "short-pw1"],
)
def test_it_rejects_weak_passwords(db: None, password: str) -> None:
    person = Person(username="ls-clerk", first_name="Pat", last_name="Clerk", email="ls-clerk@cityofls.net")
    with pytest.raises(ValidationError):
        validate_password(password, person)


def test_it_accepts_the_demo_and_test_passwords(db: None) -> None:
    for username in ["admin", "coordinator", "ls-clerk", "ind-editor", "bs-finance", "stl-planner"]:
        validate_password(DEMO_PASSWORD, Person(username=username))
    for username in ["admin", "coordinator", "clerk", "outsider"]:
        validate_password(PASSWORD, Person(username=username))


# Account and privilege changes


def _person_form(person: Person, **changes: Any) -> dict[str, Any]:
    joined = timezone.localtime(person.date_joined)
    data: dict[str, Any] = {
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "is_active": "on",
        # date_joined has a callable default, so the admin posts its initial value alongside, as a browser does.
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "initial-date_joined_0": joined.strftime("%Y-%m-%d"),
        "initial-date_joined_1": joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
        "government": person.government_id or "",
        "role": person.role,
        "title": person.title,
        "groups": [],
        "user_permissions": [],
    }
    if person.is_staff:
        data["is_staff"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def test_it_audits_making_someone_superuser_in_the_admin(world: World) -> None:
    url = f"/admin/governments/person/{world.clerk.pk}/change/"
    response = _admin_client(world.admin).post(url, _person_form(world.clerk, is_superuser="on"))
    assert response.status_code == 302, response.content.decode()[:3000]
    world.clerk.refresh_from_db()
    assert world.clerk.is_superuser
    event = AuditEvent.objects.filter(verb="person_update").latest("id")
    assert event.actor == world.admin
    assert event.changes == {"is_superuser": [False, True]}


def test_it_audits_role_government_active_staff_groups_and_permissions(world: World) -> None:
    group = actions.group_save(acting_user=world.admin, group=Group(), name="Auditors")
    permission = Permission.objects.get(codename="view_auditevent")
    form = _person_form(
        world.clerk,
        role=Role.COORDINATOR,
        government=world.marc.pk,
        is_active=False,
        is_staff=False,
        groups=[group.pk],
        user_permissions=[permission.pk],
    )
    url = f"/admin/governments/person/{world.clerk.pk}/change/"
    assert _admin_client(world.admin).post(url, form).status_code == 302
    update = AuditEvent.objects.filter(verb="person_update").latest("id")
    assert update.changes == {
        "role": ["member_editor", "coordinator"],
        "government": ["Lee's Summit", "MARC"],
        "is_active": [True, False],
        "is_staff": [True, False],
    }
    access_event = AuditEvent.objects.filter(verb="person_set_access").latest("id")
    assert access_event.changes == {"groups": [[], ["Auditors"]], "user_permissions": [[], [str(permission)]]}


def test_it_refuses_account_changes_by_anyone_but_an_administrator(world: World) -> None:
    with pytest.raises(PermissionDenied):
        actions.person_update(acting_user=world.coordinator, person=world.clerk, is_superuser=True)
    with pytest.raises(PermissionDenied):
        actions.person_set_password(acting_user=world.coordinator, person=world.clerk, password=GOOD_PASSWORD)
    world.clerk.refresh_from_db()
    assert not world.clerk.is_superuser and world.clerk.check_password(PASSWORD)


def test_it_audits_a_person_added_in_the_admin(world: World) -> None:
    response = _admin_client(world.admin).post(
        "/admin/governments/person/add/",
        {
            "username": "rt-clerk",
            "usable_password": "true",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    person = Person.objects.get(username="rt-clerk")
    assert person.check_password(GOOD_PASSWORD)
    event = AuditEvent.objects.get(verb="person_create", object_id=str(person.pk))
    assert event.actor == world.admin and event.changes["is_superuser"] == [None, False]
    assert GOOD_PASSWORD not in json.dumps(event.changes)


def test_it_audits_an_admin_password_change_without_the_password(world: World) -> None:
    url = f"/admin/governments/person/{world.clerk.pk}/password/"
    client = _admin_client(world.admin)
    weak = client.post(url, {"password1": "ls-clerk1", "password2": "ls-clerk1", "usable_password": "true"})
    assert weak.status_code == 200 and not AuditEvent.objects.filter(verb="person_set_password").exists()
    response = client.post(
        url, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD, "usable_password": "true"}
    )
    assert response.status_code == 302
    world.clerk.refresh_from_db()
    assert world.clerk.check_password(GOOD_PASSWORD)
    event = AuditEvent.objects.get(verb="person_set_password")
    assert event.actor == world.admin and event.changes == {"password": ["(hidden)", "(changed)"]}
    assert GOOD_PASSWORD not in json.dumps(event.changes) + event.note


def test_it_audits_the_changepassword_command(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getpass", lambda prompt="": GOOD_PASSWORD)
    call_command("changepassword", "clerk", stdout=None)
    world.clerk.refresh_from_db()
    assert world.clerk.check_password(GOOD_PASSWORD)
    event = AuditEvent.objects.get(verb="person_set_password")
    assert event.actor is None and "changepassword command" in event.note
    assert GOOD_PASSWORD not in json.dumps(event.changes) + event.note


def test_it_audits_the_createsuperuser_command(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", GOOD_PASSWORD)
    call_command("createsuperuser", interactive=False, username="root", email="root@example.gov", verbosity=0)
    person = Person.objects.get(username="root")
    event = AuditEvent.objects.get(verb="person_create", object_id=str(person.pk))
    assert event.changes["is_superuser"] == [None, True] and "createsuperuser command" in event.note


def test_it_audits_group_changes_in_the_admin_and_never_deletes_them(world: World) -> None:
    client = _admin_client(world.admin)
    permission = Permission.objects.get(codename="view_auditevent")
    response = client.post("/admin/auth/group/add/", {"name": "Auditors", "permissions": [permission.pk]})
    assert response.status_code == 302
    group = Group.objects.get(name="Auditors")
    assert list(group.permissions.all()) == [permission]
    created = AuditEvent.objects.get(verb="group_create")
    assert created.actor == world.admin
    assert created.changes == {"name": [None, "Auditors"], "permissions": [[], [str(permission)]]}
    response = client.post(
        f"/admin/auth/group/{group.pk}/change/", {"name": "Log readers", "permissions": []}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.get(verb="group_update").changes == {
        "name": ["Auditors", "Log readers"],
        "permissions": [[str(permission)], []],
    }
    assert client.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Group.objects.filter(pk=group.pk).exists()


def test_it_refuses_every_delete_in_the_admin_even_for_a_superuser(world: World) -> None:
    request = RequestFactory().get("/admin/")
    request.user = world.admin
    assert admin.site._registry, "no admin registered"
    for model, model_admin in admin.site._registry.items():
        assert not model_admin.has_delete_permission(request), model
        assert "delete_selected" not in model_admin.get_actions(request), model
        for inline in model_admin.get_inline_instances(request):
            assert not (inline.can_delete and inline.has_delete_permission(request)), (model, inline)
