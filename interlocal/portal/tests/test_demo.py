from io import StringIO

from django.core.management import call_command
from django.test import Client

from interlocal.agreements.models import AgreementVersion
from interlocal.audit.models import AuditEvent
from interlocal.initiatives.models import Initiative
from interlocal.vocab import TermKind


def test_it_loads_the_demo_once(db: None) -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    counts = (Initiative.objects.count(), AuditEvent.objects.count())
    call_command("demo", stdout=out)
    assert (Initiative.objects.count(), AuditEvent.objects.count()) == counts
    assert "already loaded" in out.getvalue()


def test_it_serves_the_seed_facts(db: None, client: Client) -> None:
    call_command("demo", stdout=StringIO())
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


def test_it_gives_lr33_the_terms_seed_000_marks(db: None) -> None:
    call_command("demo", stdout=StringIO())
    lr33 = Initiative.objects.get(code="LR.33")
    assert {k: sorted(t.name for t in lr33.terms_of(k)) for k in TermKind.values} == {
        TermKind.PLAN_GOAL: ["Complete Communities", "Inclusive Economies", "Leading the Region"],
        TermKind.GEOGRAPHIC_SCALE: ["Countywide"],
        TermKind.KEY_ISSUE: ["Infrastructure Cost-burden", "Social & Environmental Resilience"],
        TermKind.TOPIC_AREA: ["Economic Development", "Transportation & Infrastructure"],
        TermKind.FUNDING_SOURCE: ["General operating revenue"],
    }
