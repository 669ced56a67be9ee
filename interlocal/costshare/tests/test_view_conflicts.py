"""Cost-share buttons carry the version they were shown with; a stale click does nothing."""

from __future__ import annotations

from django.test import Client

from interlocal.costshare.models import Scenario
from interlocal.costshare.tests.helpers import formula_scenario
from interlocal.testkit import World


def test_it_refuses_to_adopt_a_split_recomputed_since_the_page_was_shown(world: World) -> None:
    scenario = formula_scenario(world)
    client = Client()
    client.force_login(world.coordinator)
    page = client.get(f"/costshare/scenarios/{scenario.pk}/").content.decode()
    assert f'name="lock_version" value="{scenario.lock_version}"' in page
    recompute = {"lock_version": str(scenario.lock_version)}
    assert client.post(f"/costshare/scenarios/{scenario.pk}/compute/", recompute).status_code == 302
    stale = {"method": "shapley", "lock_version": str(scenario.lock_version)}
    response = client.post(f"/costshare/scenarios/{scenario.pk}/adopt/", stale, follow=True)
    assert "Nothing was done: it was changed by" in response.content.decode()
    assert Scenario.objects.get(pk=scenario.pk).status == "computed"
