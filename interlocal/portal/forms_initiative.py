"""Forms for an initiative's plan-page fields and its KPIs; they validate and map, nothing else."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet

from interlocal.initiatives.models import Initiative, Plan, Term
from interlocal.portal.conflict import FieldComparison
from interlocal.portal.forms import VersionedForm
from interlocal.tracking.models import Kpi
from interlocal.vocab import (
    CostBand,
    Direction,
    InitiativeStatus,
    InitiativeType,
    PartnerRole,
    TermKind,
    TimelineBand,
)

_TYPE_FLAGS = {
    InitiativeType.PROJECT: "is_project",
    InitiativeType.PARTNERSHIP: "is_partnership",
    InitiativeType.POLICY: "is_policy",
}
_TERM_LABELS = {
    "plan_goal": ("Plan goals it helps achieve", "the plan's goals"),
    TermKind.GEOGRAPHIC_SCALE: ("Applicable geographic scales", "scales"),
    TermKind.KEY_ISSUE: ("Key issues addressed", "key issues"),
    TermKind.TOPIC_AREA: ("Related planning topic areas", "topic areas"),
    TermKind.FUNDING_SOURCE: ("Potential funding sources", "funding sources"),
}
_PARTNER_LABELS = {
    PartnerRole.LEAD: "Lead partners",
    PartnerRole.SUPPORTING: "Supporting partners",
    PartnerRole.PARTICIPATING: "Participating governments",
}
# Fields copied to and from the model as they are.
_PLAIN = [
    "code",
    "title",
    "description",
    "status",
    "plan",
    "plan_position",
    "equity_considerations",
    "sustainability_considerations",
    "cost_band",
    "cost_estimate",
    "timeline_band",
    "start_on",
    "end_on",
    "tracking_implementation",
    "if_overperforming",
    "if_underperforming",
    "owner",
    "services",
    "update_every_days",
]


def _text(rows: int = 3, **kwargs: Any) -> forms.CharField:
    return forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class _Names(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(getattr(obj, "name", obj))


class _Person(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.get_username()
        return f"{name} ({obj.government})" if obj.government_id else name


class InitiativeForm(VersionedForm):
    """Every field of a plan page: text, vocabularies, partners, owner, tracking, publishing."""

    code = forms.CharField(required=False, max_length=40, help_text="The plan's code, e.g. LR.33.")
    title = forms.CharField(max_length=300)
    description = _text(5, help_text="What the initiative is. Markdown: *emphasis*, lists with -.")
    status = forms.ChoiceField(choices=InitiativeStatus.choices, label="Recommendation status")
    plan = forms.ModelChoiceField(
        queryset=Plan.objects.none(),
        required=False,
        empty_label="Not part of a plan",
        help_text="Only a plan's recommendations read as “Recommendation CODE”.",
    )
    plan_position = forms.IntegerField(
        required=False, min_value=1, label="Position in the plan", help_text="Orders previous and next."
    )
    types = forms.MultipleChoiceField(
        required=False,
        choices=InitiativeType.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Project, partnership, or policy",
    )
    equity_considerations = _text(help_text="Markdown.")
    sustainability_considerations = _text(help_text="Markdown.")
    cost_band = forms.ChoiceField(required=False, choices=[("", "Not stated"), *CostBand.choices])
    cost_estimate = forms.DecimalField(
        required=False, min_value=0, max_digits=14, decimal_places=2, label="Cost estimate ($)"
    )
    timeline_band = forms.ChoiceField(required=False, choices=[("", "Not stated"), *TimelineBand.choices])
    start_on = forms.DateField(required=False, label="Start", widget=forms.DateInput(attrs={"type": "date"}))
    end_on = forms.DateField(required=False, label="End", widget=forms.DateInput(attrs={"type": "date"}))
    tracking_implementation = _text(help_text="How implementation is tracked.")
    tracking_success = _text(
        4,
        label="Tracking success",
        help_text="One measure of success per line, e.g. Publish the Action Plan.",
    )
    if_overperforming = _text(2, label="If overperforming, what should we do?")
    if_underperforming = _text(2, label="If underperforming, what should we do?")
    owner = _Person(
        queryset=None,
        required=False,
        empty_label="No owner yet",
        label="Accountable owner",
        help_text="The one person accountable, from the staff of the collaborative's governments.",
    )
    services = forms.CharField(required=False, max_length=2000, label="Services concerned")
    update_every_days = forms.IntegerField(
        min_value=1, max_value=3650, initial=90, label="Report progress every N days"
    )
    is_published = forms.BooleanField(required=False, label="Published on the public portal")

    def __init__(
        self,
        *args: Any,
        plans: QuerySet[Plan],
        governments: QuerySet[Any],
        people: QuerySet[Any],
        may_add_terms: bool,
        may_publish: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]
        if not may_publish:
            del self.fields["is_published"]
        for kind in TermKind.values:
            label, plural = _TERM_LABELS.get(kind, (TermKind(kind).label, "terms"))
            self.fields[kind] = _Names(
                queryset=Term.objects.filter(kind=kind).order_by("name"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label=label,
            )
            if may_add_terms:
                self.fields[f"new_{kind}"] = _text(
                    2, max_length=2000, label=f"Add new {plural}", help_text="One per line."
                )
        for role, label in _PARTNER_LABELS.items():
            self.fields[role] = _Names(
                queryset=governments,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label=label,
                help_text="Only the collaborative's facilitator, current members and their departments.",
            )

    @staticmethod
    def initial_from(initiative: Initiative) -> dict[str, Any]:
        """The form's values for a stored initiative."""
        initial: dict[str, Any] = {f: getattr(initiative, f) for f in _PLAIN}
        initial["owner"] = initiative.owner_id
        initial["plan"] = initiative.plan_id
        initial["types"] = [t for t, flag in _TYPE_FLAGS.items() if getattr(initiative, flag)]
        initial["tracking_success"] = "\n".join(str(m) for m in initiative.tracking_success or [])
        initial["is_published"] = initiative.is_published
        initial["lock_version"] = initiative.lock_version
        for kind in TermKind.values:
            initial[kind] = [t.pk for t in initiative.terms_of(kind)]
        for role in _PARTNER_LABELS:
            initial[role] = [p.government_id for p in initiative.partners_of(role)]
        return initial

    def fields_for_action(self) -> dict[str, Any]:
        """The initiative's own fields, as the actions take them."""
        data = self.cleaned_data
        values = {f: data[f] for f in _PLAIN}
        for kind, flag in _TYPE_FLAGS.items():
            values[flag] = kind in data["types"]
        values["tracking_success"] = _lines(data["tracking_success"])
        if "is_published" in data:
            values["is_published"] = data["is_published"]
        return values

    def terms_for_action(self) -> dict[str, list[str]]:
        """Chosen and newly typed terms, by vocabulary."""
        data = self.cleaned_data
        return {
            kind: _unique([t.name for t in data[kind]] + _lines(data.get(f"new_{kind}", "")))
            for kind in TermKind.values
        }

    def partners_for_action(self) -> dict[str, list[Any]]:
        """Chosen governments, by partner role."""
        return {role: list(self.cleaned_data[role]) for role in _PARTNER_LABELS}

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The visible fields grouped as on a plan page."""
        groups = [
            (
                "The recommendation",
                ["code", "title", "status", "description", "plan", "plan_position", "types"],
            ),
            ("What it addresses", [n for k in TermKind.values for n in (k, f"new_{k}")]),
            ("Considerations", ["equity_considerations", "sustainability_considerations"]),
            ("Cost and timeline", ["cost_band", "cost_estimate", "timeline_band", "start_on", "end_on"]),
            ("Partners and owner", [*_PARTNER_LABELS, "owner", "services"]),
            (
                "Tracking",
                [
                    "tracking_implementation",
                    "tracking_success",
                    "if_overperforming",
                    "if_underperforming",
                    "update_every_days",
                ],
            ),
            ("Publishing", ["is_published"]),
        ]
        return [
            (heading, [self[n] for n in names if n in self.fields])
            for heading, names in groups
            if any(n in self.fields for n in names)
        ]


def _unique(names: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for name in names:
        seen.setdefault(name, None)
    return list(seen)


class KpiForm(VersionedForm):
    """A KPI's definition: what is measured, from where to where, by whom and how often."""

    name = forms.CharField(max_length=200, help_text="What is measured, e.g. Average radio repair time.")
    unit = forms.CharField(max_length=40, help_text="e.g. days, dollars, percent.")
    direction = forms.ChoiceField(choices=Direction.choices, label="Which way is better")
    baseline = forms.DecimalField(required=False, max_digits=14, decimal_places=2)
    baseline_on = forms.DateField(
        required=False, label="Baseline date", widget=forms.DateInput(attrs={"type": "date"})
    )
    target = forms.DecimalField(required=False, max_digits=14, decimal_places=2)
    target_on = forms.DateField(
        required=False,
        label="Target date",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The trajectory runs in a straight line from the baseline to the target.",
    )
    owner = _Person(
        queryset=None, required=False, empty_label="No owner", help_text="The person who enters measurements."
    )
    update_every_days = forms.IntegerField(
        min_value=1,
        max_value=3650,
        initial=90,
        label="Update every N days",
        help_text="How often a new measurement is due.",
    )

    def __init__(self, *args: Any, people: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]

    @staticmethod
    def initial_from(kpi: Kpi) -> dict[str, Any]:
        """The form's values for a stored KPI."""
        initial = {f: getattr(kpi, f) for f in KpiForm.base_fields if f != "owner"}
        initial["owner"] = kpi.owner_id
        return initial

    def fields_for_action(self) -> dict[str, Any]:
        """The KPI fields, as the actions take them."""
        return {k: v for k, v in self.cleaned_data.items() if k != "lock_version"}


def add_action_errors(form: forms.Form, error: Any) -> None:
    """Put an action's ValidationError on the fields it names, the rest above the form."""
    for field, messages in error.message_dict.items() if hasattr(error, "error_dict") else []:
        form.add_error(field if field in form.fields else None, messages)
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)


def _shown(field: Any, value: Any) -> str:
    # Both versions in the words the form uses: choice labels, names of chosen records, Yes or No.
    if isinstance(field, forms.BooleanField):
        return "Yes" if value else "No"
    if value is None or value == "" or value == []:
        return "—"
    choices: Any = getattr(field, "choices", None)
    queryset: Any = getattr(field, "queryset", None)
    if isinstance(field, forms.ModelMultipleChoiceField):
        ids = {str(getattr(v, "pk", v)) for v in value}
        return ", ".join(field.label_from_instance(o) for o in queryset if str(o.pk) in ids)
    if isinstance(field, forms.ModelChoiceField):
        obj = queryset.filter(pk=getattr(value, "pk", value)).first()
        return "—" if obj is None else str(field.label_from_instance(obj))
    if isinstance(field, forms.MultipleChoiceField):
        labels = dict(choices)
        return ", ".join(str(labels.get(v, v)) for v in value)
    if isinstance(field, forms.ChoiceField):
        return str(dict(choices).get(value, value))
    return str(value).replace("\r\n", "\n")


def compare_with_stored(form: forms.Form, stored: dict[str, Any]) -> list[FieldComparison]:
    """Each visible field of a valid form beside the stored record's value, for the conflict summary."""
    return [
        FieldComparison(
            name=bound.name,
            label=str(bound.label),
            submitted=_shown(bound.field, form.cleaned_data.get(bound.name)),
            stored=_shown(bound.field, stored.get(bound.name)),
        )
        for bound in form.visible_fields()
        if not bound.name.startswith("new_")
    ]
