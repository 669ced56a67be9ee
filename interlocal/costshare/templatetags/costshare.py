"""`{% adopted_split version %}`: the adopted cost splits of an agreement version, for the public page."""

from typing import Any

from django import template

from interlocal.costshare import queries, report

register = template.Library()


@register.inclusion_tag("costshare/_adopted_split.html", takes_context=True)
def adopted_split(context: dict[str, Any], version: Any) -> dict[str, Any]:
    """Each adopted split of the version (one per service and fiscal year) under its adopted method."""
    splits = [
        (scenario, report.comparison(scenario, only=scenario.adopted_method))
        for scenario in queries.adopted_scenarios_for_version(version)
    ]
    request = context.get("request")
    # Members may follow the link to the full scenario; the public sees only the adopted split.
    linked = bool(
        splits
        and request
        and request.user.has_perm("costshare.view_scenario", version.agreement.collaborative)
    )
    return {"splits": splits, "linked": linked}
