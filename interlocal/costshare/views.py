"""Cost-sharing pages: scenarios side by side, adoption, a member's bill and the savings ledger."""

from __future__ import annotations

import json
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from interlocal.conflicts import EditConflict
from interlocal.costshare import actions, queries, report
from interlocal.costshare.actions import DriverSpec, Formula
from interlocal.costshare.choices import CostModel, Method, ScenarioStatus
from interlocal.costshare.forms import AdoptForm, SavingsEntryForm, ScenarioForm
from interlocal.csvsafe import SafeCsvWriter
from interlocal.governments.models import Government
from interlocal.portal import visuals
from interlocal.portal.conflict import conflict_message, posted_version
from interlocal.portal.downloads import Field, download_response, list_download, wanted_format


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _scenario_for(s: object) -> str:
    v = getattr(s, "agreement_version", None)
    if v is not None:
        return f"{v.agreement.title}, version {v.number}"
    i = getattr(s, "initiative", None)
    return f"Initiative {i.code} {i.title}".strip() if i is not None else ""


# The scenario list's rows as its CSV/JSON download writes them; the page draws the same records.
SCENARIO_FIELDS = [
    Field("name", lambda s: s.name),
    Field("service", lambda s: s.service),
    Field("fiscal_year", lambda s: s.fiscal_year),
    Field("for", _scenario_for),
    Field("partners", lambda s: s.partner_count),
    Field("status", lambda s: s.status),
    Field("adopted_method", lambda s: s.adopted_method),
]

SAVINGS_FIELDS = [
    Field("government", lambda e: e.government.name),
    Field("fiscal_year", lambda e: e.fiscal_year),
    Field("initiative_code", lambda e: e.initiative.code),
    Field("initiative", lambda e: e.initiative.title),
    Field("recurrence", lambda e: e.recurrence),
    Field("baseline_cost", lambda e: e.baseline_cost),
    Field("projected_saving", lambda e: e.projected_saving),
    Field("actual_saving", lambda e: e.actual_saving),
    Field("evidence_url", lambda e: e.evidence_url),
    Field("certified_at", lambda e: e.certified_at),
    Field("certified_by", lambda e: str(e.certified_by) if e.certified_by_id else None),
    Field("note", lambda e: e.note),
]


@login_required
@list_download("costshare:scenarios", "A collaborative's cost-sharing scenarios", rows_in="scenarios")
def scenario_list(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The collaborative's scenarios, newest fiscal year first."""
    collaborative = queries.get_collaborative_for_scenarios(request.user, slug)
    scenarios = queries.scenarios_of(request.user, collaborative)
    if wanted_format(request):
        url = lambda s: request.build_absolute_uri(reverse("costshare:scenario", args=[s.pk]))  # noqa: E731
        fields = [Field("id", lambda s: s.pk), Field("url", url), *SCENARIO_FIELDS]
        name = f"scenarios-{collaborative.slug}"
        filters = {"collaborative": collaborative.slug}
        return download_response(request, name=name, fields=fields, rows=scenarios, filters=filters)
    context = {
        "collaborative": collaborative,
        "scenarios": scenarios,
        "can_edit": request.user.has_perm("costshare.change_scenario", collaborative),
    }
    return render(request, "costshare/scenario_list.html", context)


@login_required
def scenario_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A coordinator sets up a scenario: partners, cost model, drivers and methods."""
    collaborative = queries.get_collaborative_for_scenarios(request.user, slug)
    if not request.user.has_perm("costshare.change_scenario", collaborative):
        raise PermissionDenied("Only coordinators build scenarios.")
    form = ScenarioForm(
        request.POST or None,
        targets=queries.scenario_targets(request.user, collaborative),
        governments=queries.member_governments(collaborative),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        partners: list[Government] = [g for g, _, _ in data["partners_csv"]]
        formula = None
        if data["cost_model"] == CostModel.FORMULA:
            formula = Formula(
                driver=data["formula_driver"],
                fixed=data["fixed_cost"] or Decimal(0),
                coefficient=data["coefficient"] or Decimal(0),
                exponent=data["exponent"] if data["exponent"] is not None else Decimal(1),
                capacity=data["capacity"],
                unit_cost=data["unit_cost"] or Decimal(0),
            )
        weights = data["weights_csv"]
        drivers = [
            DriverSpec(
                name=name,
                values=values,
                weight=weights.get(name, (Decimal(0), None, ""))[0],
                periods=weights.get(name, (Decimal(0), None, ""))[1],
                label=weights.get(name, (Decimal(0), None, ""))[2],
            )
            for name, values in data["drivers_csv"].items()
        ]
        try:
            scenario = actions.scenario_create(
                acting_user=request.user,  # type: ignore[arg-type]
                name=data["name"],
                fiscal_year=data["fiscal_year"],
                service=data["service"],
                description=data["description"],
                partners=partners,
                methods=data["methods"],
                total_cost=data["total_cost"] if formula is None else None,
                standalone_costs={g: a for g, a, _ in data["partners_csv"] if a is not None},
                dedicated_costs={g: d for g, _, d in data["partners_csv"]},
                formula=formula,
                proportional_driver=data["proportional_driver"],
                drivers=drivers,
                **queries.resolve_target(request.user, collaborative, data["target"]),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"Scenario {scenario.name} was created. Compute it to compare the methods."
            )
            return redirect("costshare:scenario", pk=scenario.pk)
    return render(request, "costshare/scenario_form.html", {"collaborative": collaborative, "form": form})


@login_required
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Methods side by side with each partner's bill and saving, a chart, and adoption for coordinators."""
    scenario = queries.get_scenario_for_user(request.user, pk)
    table = report.comparison(scenario)
    can_edit = request.user.has_perm("costshare.change_scenario", scenario)
    adopt_form = None
    if table and can_edit and scenario.status == ScenarioStatus.COMPUTED:
        adopt_form = AdoptForm(methods=[(m.code, m.label) for m in table.methods])
    context = {
        "scenario": scenario,
        "table": table,
        "chart": visuals.cost_share_chart(table) if table else None,
        "can_edit": can_edit and not scenario.is_frozen,
        "adopt_form": adopt_form,
        "drivers": list(scenario.drivers.all()),
        "partners": list(scenario.partners.all()),
    }
    return render(request, "costshare/scenario_detail.html", context)


@login_required
@require_POST
def scenario_compute(request: HttpRequest, pk: int) -> HttpResponse:
    """Run the engine on the scenario's inputs."""
    scenario = queries.get_scenario_for_user(request.user, pk)
    try:
        actions.scenario_compute(
            acting_user=request.user,  # type: ignore[arg-type]
            scenario=scenario,
            expected_version=posted_version(request),
        )
        messages.success(request, "The methods were computed.")
    except EditConflict as conflict:
        messages.error(request, conflict_message(conflict))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("costshare:scenario", pk=scenario.pk)


@login_required
@require_POST
def scenario_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """Adopt one method's split of the scenario."""
    scenario = queries.get_scenario_for_user(request.user, pk)
    form = AdoptForm(request.POST, methods=Method.choices)
    if not form.is_valid():
        messages.error(request, "Choose the method to adopt.")
        return redirect("costshare:scenario", pk=scenario.pk)
    try:
        actions.scenario_adopt(
            acting_user=request.user,  # type: ignore[arg-type]
            scenario=scenario,
            method=form.cleaned_data["method"],
            expected_version=posted_version(request),
        )
        messages.success(request, f"{scenario.name} is adopted.")
    except EditConflict as conflict:
        messages.error(request, conflict_message(conflict))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("costshare:scenario", pk=scenario.pk)


@login_required
def scenario_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The scenario's results as CSV; names that look like formulas are written as text."""
    scenario = queries.get_scenario_for_user(request.user, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scenario-{scenario.pk}.csv"'
    SafeCsvWriter(response).writerows(report.csv_rows(scenario))
    return response


@login_required
def scenario_inputs(request: HttpRequest, pk: int) -> HttpResponse:
    """The exact engine inputs, to reproduce the bill with `interlocal costshare FILE`."""
    scenario = queries.get_scenario_for_user(request.user, pk)
    response = HttpResponse(
        json.dumps(scenario.inputs or {}, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="scenario-{scenario.pk}-inputs.json"'
    return response


@login_required
def my_bill(request: HttpRequest) -> HttpResponse:
    """The user's government's share and saving under each adopted scenario."""
    gov = getattr(request.user, "government_id", None)
    bills = []
    for scenario in queries.adopted_bills_for_user(request.user):
        found = report.bill_for(scenario, gov) if gov else None
        if found:
            bills.append((scenario, found[0], found[1]))
    return render(request, "costshare/my_bill.html", {"bills": bills})


@login_required
@list_download("costshare:savings", "A collaborative's savings ledger entries", rows_in="ledger.entries")
def savings_ledger(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The collaborative's savings ledger with roll-ups; editors add entries here."""
    collaborative = queries.get_collaborative_for_scenarios(request.user, slug)
    if request.method == "GET" and wanted_format(request):
        entries = queries.savings_ledger_for(request.user, collaborative).entries
        fields = [Field("id", lambda e: e.pk), *SAVINGS_FIELDS]
        name, filters = f"savings-{collaborative.slug}", {"collaborative": collaborative.slug}
        return download_response(request, name=name, fields=fields, rows=entries, filters=filters)
    initiatives, governments = queries.savings_form_choices(request.user, collaborative)
    form = SavingsEntryForm(request.POST or None, initiatives=initiatives, governments=governments)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            actions.savings_entry_create(
                acting_user=request.user,  # type: ignore[arg-type]
                initiative=queries.get_initiative_in(request.user, collaborative, data.pop("initiative")),
                government=queries.get_member_government(collaborative, data.pop("government")),
                **data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The savings entry was recorded.")
            return redirect("costshare:savings", slug=collaborative.slug)
    ledger = queries.savings_ledger_for(request.user, collaborative)
    context = {
        "collaborative": collaborative,
        "ledger": ledger,
        "rollups": [
            ("Whole collaborative", [ledger.total]),
            ("By government", ledger.by_government),
            ("By fiscal year", ledger.by_year),
        ],
        "form": form if governments and initiatives else None,
        "certifiable": {
            e.pk
            for e in ledger.entries
            if not e.is_certified and request.user.has_perm("costshare.certify_savingsentry", e)
        },
    }
    return render(request, "costshare/savings_ledger.html", context)


@login_required
@require_POST
def savings_certify(request: HttpRequest, pk: int) -> HttpResponse:
    """Certify a ledger entry's actual saving."""
    entry = queries.get_savings_entry_for_user(request.user, pk)
    try:
        actions.savings_entry_certify(
            acting_user=request.user,  # type: ignore[arg-type]
            entry=entry,
            expected_version=posted_version(request),
        )
        messages.success(request, "The saving is certified.")
    except EditConflict as conflict:
        messages.error(request, conflict_message(conflict))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("costshare:savings", slug=entry.initiative.collaborative.slug)
