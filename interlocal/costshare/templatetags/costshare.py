"""`{% adopted_split version %}`: the adopted cost split of an agreement version, for the public page."""

from typing import Any

from django import template

from interlocal.costshare import queries, report

register = template.Library()


@register.inclusion_tag("costshare/_adopted_split.html", takes_context=True)
def adopted_split(context: dict[str, Any], version: Any) -> dict[str, Any]:
    """The split of the version's adopted scenario under its adopted method (nothing if none)."""
    scenario = queries.adopted_scenario_for_version(version)
    table = report.comparison(scenario, only=scenario.adopted_method) if scenario else None
    request = context.get("request")
    # Members may follow the link to the full scenario; the public sees only the adopted split.
    linked = bool(
        scenario
        and request
        and request.user.has_perm("costshare.view_scenario", version.agreement.collaborative)
    )
    return {"scenario": scenario, "table": table, "linked": linked}
