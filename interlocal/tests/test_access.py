"""The permission core: object permissions agree with the scoped list queries, and facts are memoized."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from interlocal.agreements.models import Agreement, LegislativeMatter
from interlocal.agreements.queries import visible_agreements, visible_matters
from interlocal.collaboratives.actions import collaborative_create, membership_propose
from interlocal.collaboratives.models import Collaborative
from interlocal.collaboratives.queries import visible_collaboratives
from interlocal.governments.actions import government_create
from interlocal.governments.models import Government
from interlocal.governments.queries import visible_governments
from interlocal.initiatives.actions import initiative_create
from interlocal.initiatives.models import Initiative
from interlocal.initiatives.queries import visible_initiatives
from interlocal.testkit import World


def test_it_grants_view_permissions_exactly_for_what_the_lists_show(world: World) -> None:
    secret = collaborative_create(acting_user=world.coordinator, name="Secret", facilitator=world.marc)
    initiative_create(acting_user=world.coordinator, collaborative=secret, title="Hidden", is_published=True)
    membership_propose(
        acting_user=world.coordinator,
        collaborative=secret,
        government=world.kansas_city,
        joined_on=world.version.agreement.collaborative.memberships.first().joined_on,  # type: ignore[union-attr]
    )
    government_create(
        acting_user=world.admin, kind="city", name="Hidden Town", state="MO", is_published=False
    )
    checks: list[tuple[str, Any, Any]] = [
        ("collaboratives.view_collaborative", Collaborative, visible_collaboratives),
        ("initiatives.view_initiative", Initiative, visible_initiatives),
        ("agreements.view_agreement", Agreement, visible_agreements),
        ("agreements.view_legislativematter", LegislativeMatter, visible_matters),
        ("governments.view_government", Government, visible_governments),
    ]
    for user in (world.public, world.clerk, world.outsider, world.coordinator, world.admin):
        for perm, model, visible in checks:
            listed = set(visible(user).values_list("pk", flat=True))
            permitted = {o.pk for o in model.objects.all() if user.has_perm(perm, o)}
            assert permitted == listed, (user, perm)


def test_it_memoizes_the_users_facts_so_many_checks_cost_no_queries(world: World) -> None:
    initiatives = list(Initiative.objects.prefetch_related("partners").select_related("collaborative"))
    world.clerk.has_perm("initiatives.change_initiative", initiatives[0])
    with CaptureQueriesContext(connection) as queries:
        for _ in range(20):
            for initiative in initiatives:
                world.clerk.has_perm("initiatives.change_initiative", initiative)
                world.clerk.has_perm("initiatives.view_initiative", initiative)
    assert len(queries) == 0
