"""Forms of the cost-sharing pages: they parse and validate input; the actions decide and write."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from interlocal.costshare.choices import CostModel, Method, Recurrence
from interlocal.governments.models import Government

PARTNERS_HELP = "One line per partner: name, stand-alone cost (total model), dedicated cost (formula model)."
DRIVERS_HELP = "One line per value: driver, partner, period, value, e.g. calls,Raytown,2024Q1,5210."
WEIGHTS_HELP = (
    "One line per driver: driver, hybrid weight (weights sum to 1), periods to average (empty for the latest), "
    "label."
)


def _rows(text: str, field: str) -> list[list[str]]:
    rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]
    if rows and rows[0] and rows[0][0].lower() in {"partner", "driver", "name"}:
        rows = rows[1:]
    return rows


def _decimal(value: str, what: str) -> Decimal:
    try:
        out = Decimal(value.replace(",", "").replace("$", ""))
    except InvalidOperation:
        raise forms.ValidationError(f"{what}: {value!r} is not a number.") from None
    if not out.is_finite():
        raise forms.ValidationError(f"{what}: {value!r} is not a number.")
    return out


class ScenarioForm(forms.Form):
    """A new scenario with its partners, cost model and drivers."""

    name = forms.CharField(max_length=200, help_text="e.g. FY2025 dispatch, 60/40 hybrid")
    service = forms.CharField(
        required=False,
        max_length=200,
        help_text="e.g. 911 dispatch. A version keeps one adopted split per service and fiscal year.",
    )
    fiscal_year = forms.IntegerField(min_value=1900, max_value=2200)
    target = forms.ChoiceField(label="Agreement version or initiative")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    cost_model = forms.ChoiceField(
        choices=CostModel.choices, widget=forms.RadioSelect, initial=CostModel.TOTAL
    )
    total_cost = forms.DecimalField(required=False, max_digits=14, decimal_places=2, min_value=0)
    fixed_cost = forms.DecimalField(required=False, max_digits=14, decimal_places=2, min_value=0)
    coefficient = forms.DecimalField(required=False, max_digits=20, decimal_places=6, min_value=0)
    exponent = forms.DecimalField(required=False, max_digits=8, decimal_places=4, min_value=0)
    capacity = forms.DecimalField(required=False, max_digits=18, decimal_places=4, min_value=0)
    unit_cost = forms.DecimalField(required=False, max_digits=14, decimal_places=2, min_value=0)
    formula_driver = forms.CharField(required=False, max_length=60, help_text="The driver the formula sums.")
    proportional_driver = forms.CharField(
        required=False, max_length=60, help_text="Driver for the proportional method (optional)."
    )
    methods = forms.MultipleChoiceField(
        choices=Method.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=["equal", "proportional", "scrb", "shapley", "nucleolus"],
    )
    partners_csv = forms.CharField(
        label="Partners", widget=forms.Textarea(attrs={"rows": 6}), help_text=PARTNERS_HELP
    )
    drivers_csv = forms.CharField(
        label="Driver values",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=DRIVERS_HELP,
    )
    weights_csv = forms.CharField(
        label="Drivers", required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text=WEIGHTS_HELP
    )

    def __init__(
        self, *args: Any, targets: Sequence[tuple[str, str]], governments: Sequence[Government], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", "Choose one"), *targets]  # type: ignore[attr-defined]
        self.governments = {g.name.lower(): g for g in governments} | {g.slug: g for g in governments}

    def _government(self, name: str) -> Government:
        gov = self.governments.get(name.lower()) or self.governments.get(name)
        if gov is None:
            raise forms.ValidationError(f"{name!r} is not a member of this collaborative.")
        return gov

    def clean_partners_csv(self) -> list[tuple[Government, Decimal | None, Decimal]]:
        out = []
        for row in _rows(self.cleaned_data["partners_csv"], "partners"):
            gov = self._government(row[0])
            alone = _decimal(row[1], f"{row[0]} stand-alone cost") if len(row) > 1 and row[1] else None
            dedicated = (
                _decimal(row[2], f"{row[0]} dedicated cost") if len(row) > 2 and row[2] else Decimal(0)
            )
            out.append((gov, alone, dedicated))
        if not out:
            raise forms.ValidationError("List at least one partner.")
        return out

    def clean_drivers_csv(self) -> dict[str, dict[Government, dict[str, Decimal]]]:
        out: dict[str, dict[Government, dict[str, Decimal]]] = {}
        for n, row in enumerate(_rows(self.cleaned_data["drivers_csv"], "drivers"), start=1):
            if len(row) != 4:
                raise forms.ValidationError(f"Line {n}: give driver, partner, period and value.")
            driver, partner, period, value = row
            out.setdefault(driver, {}).setdefault(self._government(partner), {})[period] = _decimal(
                value, f"Line {n}"
            )
        return out

    def clean_weights_csv(self) -> dict[str, tuple[Decimal, int | None, str]]:
        out = {}
        for n, row in enumerate(_rows(self.cleaned_data["weights_csv"], "weights"), start=1):
            weight = _decimal(row[1], f"Line {n} weight") if len(row) > 1 and row[1] else Decimal(0)
            periods = None
            if len(row) > 2 and row[2]:
                if not row[2].isdigit() or int(row[2]) < 1:
                    raise forms.ValidationError(f"Line {n}: periods must be a whole number from 1.")
                periods = int(row[2])
            out[row[0]] = (weight, periods, row[3] if len(row) > 3 else "")
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unknown = set(data.get("weights_csv", {})) - set(data.get("drivers_csv", {}))
        if unknown:
            self.add_error("weights_csv", f"No values given for driver {sorted(unknown)[0]!r}.")
        return data


class AdoptForm(forms.Form):
    """Which computed method to adopt."""

    method = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(self, *args: Any, methods: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = list(methods)  # type: ignore[attr-defined]


class SavingsEntryForm(forms.Form):
    """A ledger entry."""

    initiative = forms.TypedChoiceField(coerce=int)
    government = forms.TypedChoiceField(coerce=int)
    fiscal_year = forms.IntegerField(min_value=1900, max_value=2200)
    recurrence = forms.ChoiceField(choices=Recurrence.choices)
    baseline_cost = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    projected_saving = forms.DecimalField(max_digits=14, decimal_places=2)
    actual_saving = forms.DecimalField(max_digits=14, decimal_places=2, required=False)
    evidence_url = forms.URLField(required=False, max_length=500, assume_scheme="https")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self,
        *args: Any,
        initiatives: Sequence[tuple[int, str]],
        governments: Sequence[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["initiative"].choices = list(initiatives)  # type: ignore[attr-defined]
        self.fields["government"].choices = list(governments)  # type: ignore[attr-defined]
