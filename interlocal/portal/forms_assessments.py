"""Forms for self-assessment rounds: opening one, and a member answering it; they validate input and nothing else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms

from interlocal.portal.forms import VersionedForm
from interlocal.vocab import DeliveryMode

MIN_K = 3  # the floor the assessments app enforces; the form says so before the action refuses


class RoundOpenForm(forms.Form):
    """What a coordinator chooses to open a round."""

    framework: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]  # set per request: the frameworks in use
        label="Framework",
        empty_label=None,
        help_text="What members answer: the cybersecurity review or the training needs questionnaire.",
    )
    title = forms.CharField(label="Title", max_length=200, help_text="e.g. NCSR 2026")
    year = forms.IntegerField(
        label="Year", min_value=2000, max_value=2100, help_text="Compared with other years."
    )
    deadline = forms.DateField(
        label="Deadline",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day members submit by.",
    )
    members: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        queryset=None,  # type: ignore[arg-type]  # set per request: the collaborative's current members
        label="Members asked to answer",
        widget=forms.CheckboxSelectMultiple,
        help_text=f"At least k of them; results are shown only where at least k answered (k is {MIN_K} or more).",
    )
    k = forms.IntegerField(
        label="k: the fewest members any shown result covers",
        min_value=MIN_K,
        max_value=50,
        initial=MIN_K,
        help_text=f"At least {MIN_K}. Raise it to protect members further; it can never be lowered later.",
    )
    description = forms.CharField(
        label="Instructions for members",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional; Markdown.",
    )

    def __init__(self, *args: Any, frameworks: Any, governments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = frameworks  # type: ignore[attr-defined]
        self.fields["members"].queryset = governments  # type: ignore[attr-defined]
        self.fields["framework"].label_from_instance = lambda f: f"{f.title} ({f.version})"  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        members, k = data.get("members"), data.get("k")
        if members is not None and k is not None and len(members) < k:
            self.add_error("members", f"Choose at least k = {k} members, or lower k (never below {MIN_K}).")
        deadline = data.get("deadline")
        if deadline is not None and deadline < dt.date.today():
            self.add_error("deadline", "The deadline has passed; choose a later day.")
        return data


class ReopenForm(VersionedForm):
    """Why the coordinator reopens one member's submission."""

    reason = forms.CharField(
        label="Why reopen",
        max_length=500,
        help_text="The member's staff see this, e.g. Evidence for PR.AA-01 missing.",
    )


@dataclass
class ItemFields:
    """One item's bound fields on the answer form, for the template."""

    item: Any
    answer: Any
    level: forms.BoundField
    evidence: forms.BoundField
    attachment: forms.BoundField
    remove: forms.BoundField | None
    head_count: forms.BoundField | None
    delivery: forms.BoundField | None
    version: forms.BoundField


class AnswerForm(forms.Form):
    """Every active item of a round for one member: a level, an evidence note and an optional file each.

    Training questionnaires also ask the head-count and the preferred delivery per topic. A blank level leaves
    the item unanswered; the view saves only the items whose values changed.
    """

    def __init__(
        self,
        *args: Any,
        items: Sequence[Any],
        answers: dict[int, Any],
        levels: Iterable[tuple[int, str]],
        training: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items, self.stored, self.training = list(items), answers, training
        level_choices = [("", "Not answered yet"), *((str(v), f"{v}: {name}") for v, name in levels)]
        for item in self.items:
            answer = answers.get(item.pk)
            pk = item.pk
            self.fields[f"level_{pk}"] = forms.TypedChoiceField(
                label=f"{'Need' if training else 'Level'} for {item.code}",
                choices=level_choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=str(answer.level) if answer else "",
            )
            self.fields[f"evidence_{pk}"] = forms.CharField(
                label="Evidence note" if not training else "Note",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=answer.evidence if answer else "",
            )
            self.fields[f"file_{pk}"] = forms.FileField(label="Attach a file", required=False)
            if answer and answer.file_name:
                self.fields[f"remove_{pk}"] = forms.BooleanField(
                    label=f"Remove {answer.file_name}", required=False
                )
            if training:
                self.fields[f"head_{pk}"] = forms.IntegerField(
                    label="Staff who need it",
                    min_value=0,
                    max_value=100000,
                    required=False,
                    initial=answer.head_count if answer else None,
                )
                self.fields[f"delivery_{pk}"] = forms.ChoiceField(
                    label="Preferred delivery",
                    choices=[("", "No preference"), *DeliveryMode.choices],
                    required=False,
                    initial=answer.delivery if answer else "",
                )
            self.fields[f"v_{pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, initial=answer.lock_version if answer else None
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for item in self.items:
            pk = item.pk
            if data.get(f"level_{pk}") is None and (
                data.get(f"evidence_{pk}") or data.get(f"file_{pk}") or data.get(f"head_{pk}") is not None
            ):
                if item.pk in self.stored:
                    continue  # the stored level stays; only the other fields change
                self.add_error(f"level_{pk}", f"Choose a level for {item.code} to save its note or file.")
        return data

    def rows(self) -> list[ItemFields]:
        out = []
        for item in self.items:
            pk = item.pk
            out.append(
                ItemFields(
                    item=item,
                    answer=self.stored.get(pk),
                    level=self[f"level_{pk}"],
                    evidence=self[f"evidence_{pk}"],
                    attachment=self[f"file_{pk}"],
                    remove=self[f"remove_{pk}"] if f"remove_{pk}" in self.fields else None,
                    head_count=self[f"head_{pk}"] if self.training else None,
                    delivery=self[f"delivery_{pk}"] if self.training else None,
                    version=self[f"v_{pk}"],
                )
            )
        return out

    def changes(self) -> list[dict[str, Any]]:
        """The items whose submitted values differ from the stored answer, as answer_save keyword arguments."""
        out: list[dict[str, Any]] = []
        data = self.cleaned_data
        for item in self.items:
            pk = item.pk
            answer = self.stored.get(pk)
            level = data.get(f"level_{pk}")
            if level is None:
                if answer is None:
                    continue
                level = answer.level
            upload = data.get(f"file_{pk}")
            values: dict[str, Any] = {
                "level": level,
                "evidence": data.get(f"evidence_{pk}", "") or "",
                "head_count": data.get(f"head_{pk}") if self.training else None,
                "delivery": (data.get(f"delivery_{pk}") or "") if self.training else "",
            }
            remove = bool(data.get(f"remove_{pk}"))
            same = answer is not None and all(getattr(answer, k) == v for k, v in values.items())
            if same and upload is None and not remove:
                continue
            out.append(
                {
                    "item": item,
                    **values,
                    "attachment": (upload.name, upload.read()) if upload is not None else None,
                    "remove_attachment": remove,
                    "expected_version": data.get(f"v_{pk}"),
                }
            )
        return out
