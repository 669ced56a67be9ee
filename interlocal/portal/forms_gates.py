"""Forms for a collaborative's stage gates and organizing principles; they validate input and nothing else."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.http import QueryDict

from interlocal.initiatives.gates import CONDITIONS
from interlocal.portal.forms import VersionedForm


class GateForm(VersionedForm):
    """What an initiative must have to enter one stage."""

    conditions = forms.MultipleChoiceField(
        label="Entering this stage requires",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(c.code, c.needs[0].upper() + c.needs[1:]) for c in CONDITIONS.values()],
        help_text="Tick every condition an initiative must meet. With none ticked, any initiative may enter.",
    )


class CriteriaSetForm(VersionedForm):
    """The new version's name and scoring scale."""

    name = forms.CharField(
        label="Name of this version",
        max_length=200,
        help_text="A name for the new version, e.g. Organizing principles 2026",
    )
    scale_min = forms.IntegerField(label="Lowest score", min_value=0, max_value=100)
    scale_max = forms.IntegerField(label="Highest score", min_value=1, max_value=100)
    # The version the editor started from (empty for the first), to detect one published meanwhile.
    replacing = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CriterionForm(forms.Form):
    """One criterion row: a blank row is left out, a ticked row removed."""

    name = forms.CharField(label="Criterion", max_length=120, required=False)
    weight = forms.DecimalField(
        label="Weight", min_value=Decimal(0), max_digits=6, decimal_places=2, required=False
    )
    description = forms.CharField(label="What a high score means", max_length=2000, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("DELETE"):
            return data
        if data.get("name", "").strip() and data.get("weight") is None and "weight" not in self.errors:
            self.add_error("weight", "Give this criterion a weight (0 or more).")
        if not data.get("name", "").strip() and (data.get("weight") is not None or data.get("description")):
            self.add_error("name", "Name this criterion, or tick Remove.")
        return data


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, can_delete=True)
CRITERIA_PREFIX = "criteria"


def criterion_formset(data: QueryDict | None, initial: list[dict[str, Any]]) -> Any:
    """The criteria rows; a press of "Add a row" comes back with one more empty row."""
    if data is not None and "more" in data:
        data = data.copy()
        key = f"{CRITERIA_PREFIX}-TOTAL_FORMS"
        data[key] = str(int(data.get(key) or 0) + 1)
    return CriterionFormSet(data, initial=initial, prefix=CRITERIA_PREFIX)


def criteria_rows(formset: Any) -> list[tuple[str, Decimal, str]]:
    """(name, weight, description) of each kept, non-blank row, in order."""
    return [
        (f.cleaned_data["name"].strip(), f.cleaned_data["weight"], f.cleaned_data.get("description", ""))
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("name", "").strip()
    ]
