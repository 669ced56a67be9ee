import datetime as dt
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from interlocal.agreements.models import AgreementVersion, LegislativeMatter
from interlocal.agreements.queries import overdue_adoptions
from interlocal.audit.models import AuditEvent
from interlocal.demo import RES_21_08_TEXT
from interlocal.governments.models import Person
from interlocal.importers.parsers.legistar_detail import parse_legislation_text
from interlocal.initiatives.models import Initiative
from interlocal.vocab import TermKind

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"


def test_it_loads_the_demo_once(db: None) -> None:
    out = StringIO()
    call_command("demo", "--force", stdout=out)
    counts = (Initiative.objects.count(), AuditEvent.objects.count())
    call_command("demo", "--force", stdout=out)
    assert (Initiative.objects.count(), AuditEvent.objects.count()) == counts
    assert "already loaded" in out.getvalue()


def test_it_serves_the_seed_facts(db: None, client: Client) -> None:
    call_command("demo", "--force", stdout=StringIO())
    lr33 = Initiative.objects.get(code="LR.33")
    page = client.get(f"/initiatives/{lr33.pk}/").content.decode()
    for text in [
        "Recommendation LR.33",
        "New",
        "St. Louis County Department of Planning",
        "General operating revenue",
        "Hire consultant to complete plan",
        "Publish the Action Plan.",
        "Publish updates and educate.",
        "LR.32",
        "LR.34",
        "Not Project",
        "Not Partnership",
        "demonstration",
    ]:
        assert text in page, text
    home = client.get("/").content.decode()
    assert "Demonstration data" in home
    collab = client.get("/collaboratives/eastern-jackson-county/").content.decode()
    for city in ["Independence", "Blue Springs", "Grandview", "Raytown", "Mid-America Regional Council"]:
        assert city in collab
    v2 = AgreementVersion.objects.get(title="Statement of Common Purpose (2021)")
    assert v2.is_in_force and v2.parties.count() == 5


def test_it_refuses_the_demo_on_a_server_database_with_debug_off(db: None, settings: Any) -> None:
    settings.DEBUG, settings.EMBEDDED_DATABASE = False, False
    with pytest.raises(CommandError, match="refusing to load the demo"):
        call_command("demo", stdout=StringIO())
    assert not Person.objects.exists()
    settings.DEBUG = True
    call_command("demo", stdout=StringIO())
    assert Person.objects.filter(username="admin").exists()


def test_it_loads_the_demo_unforced_on_the_embedded_database(db: None, settings: Any) -> None:
    # What `make run` does on a fresh clone: DEBUG off, no DATABASE_URL.
    settings.DEBUG, settings.EMBEDDED_DATABASE = False, True
    out = StringIO()
    call_command("demo", stdout=out)
    assert "Demo data loaded." in out.getvalue()


def test_it_exits_non_zero_with_one_line_when_refusing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'server.sqlite3'}", INTERLOCAL_VAR_DIR=str(tmp_path))
    command = [sys.executable, "-m", "interlocal.cli", "demo"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "refusing to load the demo" in result.stderr


def test_it_dates_the_demo_agreement_versions_from_their_records(db: None, client: Client) -> None:
    call_command("demo", "--force", stdout=StringIO())
    v1 = AgreementVersion.objects.get(title="Statement of Purpose (2018)")
    v2 = AgreementVersion.objects.get(title="Statement of Common Purpose (2021)")
    # v1: effective 9/1/2018 after the last vote (8/29/2018); v2: Raytown's vote on 5/4/2021, its effective date.
    assert v1.in_force_from == dt.date(2018, 9, 1)
    assert v2.in_force_from == dt.date(2021, 5, 4)
    assert (v1.superseded_by, v1.superseded_on) == (v2, dt.date(2021, 5, 4))
    assert v2.superseded_by is None and v2.is_in_force and not v1.is_in_force
    page = client.get(f"/agreements/{v1.agreement_id}/").content.decode()
    assert 'Superseded by <a href="#version-2">v2</a> on 5/4/2021; in force from 9/1/2018.' in page
    assert "In force since 5/4/2021: every party has adopted it." in page


def test_it_shows_both_adopted_splits_of_the_demo_version(db: None, client: Client) -> None:
    call_command("demo", "--force", stdout=StringIO())
    v2 = AgreementVersion.objects.get(title="Statement of Common Purpose (2021)")
    adopted = v2.costshare_scenarios.filter(status="adopted").order_by("fiscal_year")
    assert [(s.service, s.fiscal_year) for s in adopted] == [
        ("911 dispatch", 2026),
        ("Radio maintenance", 2027),
    ]
    page = client.get(f"/agreements/{v2.agreement_id}/").content.decode()
    assert "Adopted cost split for 911 dispatch, fiscal year 2026" in page
    assert "Adopted cost split for Radio maintenance, fiscal year 2027" in page


def test_it_names_the_parties_late_to_adopt_the_demo_radio_agreement(db: None, client: Client) -> None:
    call_command("demo", "--force", stdout=StringIO())
    radio = AgreementVersion.objects.get(title="Cooperative agreement (draft 2026)")
    [late] = overdue_adoptions(AgreementVersion.objects.all(), timezone.localdate())
    assert late.version == radio and [g.name for g in late.missing] == ["Lee's Summit", "Raytown"]
    page = client.get(f"/agreements/{radio.agreement_id}/").content.decode()
    assert "waiting for Lee&#x27;s Summit, Raytown to adopt." in page and "Adoption overdue since" in page


def test_it_gives_lr33_the_terms_seed_000_marks(db: None) -> None:
    call_command("demo", "--force", stdout=StringIO())
    lr33 = Initiative.objects.get(code="LR.33")
    assert {k: sorted(t.name for t in lr33.terms_of(k)) for k in TermKind.values} == {
        TermKind.PLAN_GOAL: ["Complete Communities", "Inclusive Economies", "Leading the Region"],
        TermKind.GEOGRAPHIC_SCALE: ["Countywide"],
        TermKind.KEY_ISSUE: ["Infrastructure Cost-burden", "Social & Environmental Resilience"],
        TermKind.TOPIC_AREA: ["Economic Development", "Transportation & Infrastructure"],
        TermKind.FUNDING_SOURCE: ["General operating revenue"],
    }


def test_it_keeps_res_21_08s_text_and_makes_its_attachments_downloadable(db: None, client: Client) -> None:
    call_command("demo", "--force", stdout=StringIO())
    matter = LegislativeMatter.objects.get(file_number="RES. NO. 21-08")
    page = client.get(f"/legislation/{matter.pk}/").content.decode()
    assert "<h3>Background</h3>" in page and "<h3>Impact/Analysis</h3>" in page
    assert "Regional 911 System" in page
    attachments = list(matter.attachments.all())
    assert [a.name for a in attachments] == ["Resolution", "Statement of Common Purpose"]
    for attachment in attachments:
        url = f"/legislation/{matter.pk}/attachments/{attachment.pk}/"
        assert url in page
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert "GENERATED FOR THE INTERLOCAL DEMONSTRATION" in body and "RES. NO. 21-08" in body
    assert "not the document attached in Legistar" in page


def test_it_gives_res_21_08_the_text_the_importer_reads_from_seed_001() -> None:
    seed = SHARED / "seeds" / "001_00bf90cbba7d7d2b.txt"
    if not seed.is_file():
        pytest.skip("../shared is absent: real-world fixtures are not in a fresh clone")
    assert parse_legislation_text(seed.read_text(encoding="utf-8")).value.text == RES_21_08_TEXT


def test_it_matches_what_importing_seed_000_would_give_lr33(db: None) -> None:
    seed = SHARED / "seeds" / "000_e4373412cf413f25.txt"
    if not seed.is_file():
        pytest.skip("../shared is absent: real-world fixtures are not in a fresh clone")
    call_command("demo", "--force", stdout=StringIO())
    out = StringIO()
    args = ["--as", "stl-planner", "--collaborative", "st-louis-county", "--plan", "stl-county-plan"]
    call_command("import", "plan-page", str(seed), *args, stdout=out)
    assert "unchanged: initiative LR.33\n" in out.getvalue()


def test_it_shows_res_21_08s_illustrative_meeting_and_roll_call(db: None, client: Client) -> None:
    from interlocal.legislation.models import Event

    call_command("demo", "--force", stdout=StringIO())
    matter = LegislativeMatter.objects.get(file_number="RES. NO. 21-08")
    meeting = Event.objects.get(client="leessummit", date=dt.date(2021, 4, 13))
    assert "Illustrative" in meeting.comment
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'href="/legislation/{matter.pk}/"' in page and "Illustrative" in page
    history = client.get(f"/legislation/{matter.pk}/").content.decode()
    assert "Roll call" in history[history.index('id="history"') :]
