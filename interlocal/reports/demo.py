"""Demonstration action plans: Eastern Jackson County's 2026-2030 shared-services plan (v1 and one update) and
St. Louis County's plan carrying out LR.32-LR.34 of its comprehensive plan (seed 000). The plans' text is invented
for the demonstration and says so; the initiatives, partners and agreements are the demo's records.

Call `load_plans_demo(...)` from `interlocal.demo.load_demo`; it does nothing for a plan already there.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from interlocal.collaboratives.models import Collaborative
from interlocal.governments.models import Person
from interlocal.initiatives import actions as initiatives
from interlocal.initiatives.models import Initiative, Plan
from interlocal.reports import actions
from interlocal.reports.models import ActionPlan
from interlocal.vocab import TimelineBand

INVENTED = "Demonstration text: invented for the demo, not an official plan."
EJC_TITLE = "Eastern Jackson County Shared Services Plan 2026\u20132030"
STL_TITLE = "St. Louis County Shared Services Action Plan 2026\u20132030"

EJC_SUMMARY = (
    "The five cities of Eastern Jackson County will share the services where working together lowers cost or "
    "raises quality: radio maintenance, cybersecurity, risk management and training, recycling and, later, back-"
    "office operations. This plan schedules each initiative, names who leads it, and reports savings as projected "
    "and as certified by each city's finance officer. " + INVENTED
)
EJC_SECTIONS = [
    (
        "Why a shared-services plan",
        'The 2021 Statement of Common Purpose asked the cities to "renew and expand" their collaboration. '
        "This plan turns that commitment into a schedule the councils can follow and the public can check.\n\n"
        + INVENTED,
    ),
    (
        "How the plan is governed",
        "- The city managers meet monthly as the steering committee, with MARC as facilitator.\n"
        "- Each initiative has one lead city and an accountable owner.\n"
        "- An initiative moves stage only by the steering committee's decision, recorded with its reason.",
    ),
    (
        "How progress is reported",
        "Each KPI is measured on its schedule and compared with a straight line from baseline to target. "
        "Savings are entered as projected and certified once the year's books close. The plan is updated "
        "with dated notes; a new version is published when initiatives are added or dropped.",
    ),
]
STL_SUMMARY = (
    'Recommendation LR.33 of the St. Louis County Comprehensive Plan asks the County to "Develop a 5-year Action '
    'Plan for shared services", measured by "Publish the Action Plan" and, when it goes well, "Publish updates '
    'and educate". This action plan schedules LR.33 with its neighbouring recommendations LR.32 and LR.34. '
    + INVENTED
)


def load_plans_demo(
    *,
    coordinator: Person,
    planner: Person,
    collaborative: Collaborative,
    stl_collaborative: Collaborative,
) -> list[ActionPlan]:
    """Both demonstration plans, published; idempotent."""
    made = []
    if not ActionPlan.objects.filter(collaborative=collaborative, title=EJC_TITLE).exists():
        made.append(_eastern_jackson(coordinator, collaborative))
    if not ActionPlan.objects.filter(collaborative=stl_collaborative, title=STL_TITLE).exists():
        made.append(_st_louis(planner, stl_collaborative))
    return made


def _eastern_jackson(coordinator: Person, collaborative: Collaborative) -> ActionPlan:
    ejc = {i.code: i for i in Initiative.objects.filter(collaborative=collaborative, is_published=True)}
    # The radio agreement's draft takes effect on 1 January 2027 for 36 months (invented, like the agreement).
    if "EJC-1" in ejc and ejc["EJC-1"].start_on is None:
        initiatives.initiative_update(
            acting_user=coordinator,
            initiative=ejc["EJC-1"],
            start_on=dt.date(2027, 1, 1),
            end_on=dt.date(2029, 12, 31),
        )
    plan = actions.action_plan_create(
        acting_user=coordinator,
        collaborative=collaborative,
        title=EJC_TITLE,
        start_year=2026,
        end_year=2030,
        summary=EJC_SUMMARY,
    )
    actions.action_plan_update(
        acting_user=coordinator,
        plan=plan,
        initiatives=[ejc[c] for c in ("EJC-3", "EJC-4", "EJC-1", "EJC-5", "EJC-2") if c in ejc],
    )
    for title, body in EJC_SECTIONS:
        actions.plan_section_add(acting_user=coordinator, plan=plan, title=title, body=body)
    version = actions.action_plan_publish(
        acting_user=coordinator, plan=plan, note="Adopted by the steering committee. " + INVENTED
    )
    actions.plan_update_add(
        acting_user=coordinator,
        version=version,
        on=timezone.localdate() - dt.timedelta(days=20),
        title="Radio maintenance agreement adopted by Blue Springs",
        changed="Blue Springs' council adopted the radio equipment maintenance agreement; Lee's Summit and Raytown "
        "have it on their agendas. The GTI supervisory training passed 100 supervisors. " + INVENTED,
        learned="Councils adopt faster when the cost split is shown per city with last year's invoices beside it; "
        "we now attach the cost-share scenario to every agreement sent for adoption.",
    )
    return plan


def _st_louis(planner: Person, collaborative: Collaborative) -> ActionPlan:
    source = Plan.objects.filter(collaborative=collaborative, slug="stl-county-plan").first()
    recs = {
        i.code: i
        for i in Initiative.objects.filter(collaborative=collaborative, code__in=["LR.32", "LR.33", "LR.34"])
    }
    lr33 = recs.get("LR.33")
    if lr33 is not None and not lr33.timeline_band:
        # A 5-year plan is near-term ("within 5 years"); seed 000's page does not mark the band it selected.
        initiatives.initiative_update(acting_user=planner, initiative=lr33, timeline_band=TimelineBand.NEAR)
    plan = actions.action_plan_create(
        acting_user=planner,
        collaborative=collaborative,
        title=STL_TITLE,
        start_year=2026,
        end_year=2030,
        summary=STL_SUMMARY,
        source_plan=source,
    )
    actions.action_plan_update(
        acting_user=planner,
        plan=plan,
        initiatives=[recs[c] for c in ("LR.32", "LR.33", "LR.34") if c in recs],
    )
    actions.plan_section_add(
        acting_user=planner,
        plan=plan,
        title="Task force oversight",
        body="A consultant completes the plan with the County Task Force's oversight (LR.33, tracking "
        "implementation). " + INVENTED,
    )
    actions.action_plan_publish(acting_user=planner, plan=plan)
    return plan
