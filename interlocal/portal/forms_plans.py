"""Forms for action plans: the draft's details and initiatives, its sections, publishing and updates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from interlocal.portal.forms import VersionedForm
from interlocal.vocab import Stage, TimelineBand


class PlanStartForm(forms.Form):
    """What a coordinator gives to start a plan."""

    title = forms.CharField(
        label="Title", max_length=200, help_text="e.g. Shared Services Plan 2026\u20132030"
    )
    start_year = forms.IntegerField(label="First year", min_value=1900, max_value=2200)
    end_year = forms.IntegerField(label="Last year", min_value=1900, max_value=2200)
    source_plan: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]  # set per request: the collaborative's plans
        label="Plan of recommendations it carries out",
        required=False,
        help_text="Optional, e.g. a county comprehensive plan.",
    )

    def __init__(self, *args: Any, source_plans: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source_plan"].queryset = source_plans  # type: ignore[attr-defined]
        this_year = timezone.localdate().year
        self.fields["start_year"].initial = this_year + 1
        self.fields["end_year"].initial = this_year + 5


class PlanEditForm(PlanStartForm, VersionedForm):
    """The draft's details, the initiatives chosen one by one, and the filter that adds more."""

    summary = forms.CharField(
        label="Summary",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Shown first; Markdown.",
    )
    initiatives: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        queryset=None,  # type: ignore[arg-type]  # set per request: the collaborative's initiatives
        label="Initiatives chosen",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only published initiatives appear in a published version.",
    )
    filter_stages = forms.MultipleChoiceField(
        label="Also include every initiative in these stages",
        choices=Stage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    filter_timeline_bands = forms.MultipleChoiceField(
        label="…with these timeline bands",
        choices=TimelineBand.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Every filter you tick must match; none ticked adds nothing.",
    )
    filter_topics = forms.MultipleChoiceField(
        label="…with one of these topic areas",
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, initiatives: Any, topics: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["initiatives"].queryset = initiatives  # type: ignore[attr-defined]
        self.fields["filter_topics"].choices = topics  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start is not None and end is not None and end < start:
            self.add_error("end_year", "The last year must not be before the first.")
        return data


class SectionForm(VersionedForm):
    """A section's heading and text."""

    title = forms.CharField(label="Heading", max_length=200)
    body = forms.CharField(
        label="Text",
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown: blank lines between paragraphs, - for lists.",
    )


class PublishForm(forms.Form):
    """A sentence on what the new version brings."""

    note = forms.CharField(
        label="What is new in this version",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional; shown under the title.",
    )


class UpdateForm(forms.Form):
    """A dated update on a published version."""

    on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label="Headline", max_length=200)
    changed = forms.CharField(
        label="What changed",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Markdown.",
    )
    learned = forms.CharField(
        label="What was learned",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional; Markdown.",
    )
