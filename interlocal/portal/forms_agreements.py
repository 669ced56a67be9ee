"""Forms for the agreement, legislation and membership work screens; they validate input and nothing else."""

from __future__ import annotations

from typing import Any

from django import forms

from interlocal.portal.forms import VersionedForm
from interlocal.vocab import AgreementKind, MembershipRole, VersionKind

_DATE = forms.DateInput(attrs={"type": "date"})


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class LinesField(forms.CharField):
    """One entry per line of a text box (sponsors, indexes)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, widget=forms.Textarea(attrs={"rows": 3}), **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return _lines(super().to_python(value) or "")


class DocumentsField(forms.CharField):
    """Documents as lines of "title | address"; the address may be left out."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="One per line: title | https://address (the address may be left out).",
            **kwargs,
        )

    def to_python(self, value: Any) -> list[tuple[str, str]]:  # type: ignore[override]
        docs = []
        url_field = forms.URLField(assume_scheme="https")
        for line in _lines(super().to_python(value) or ""):
            title, _, url = (part.strip() for part in line.partition("|"))
            if not title:
                raise forms.ValidationError(f"A document needs a title before the |: {line!r}.")
            docs.append((title, url_field.clean(url) if url else ""))
        return docs


class AgreementForm(forms.Form):
    """A new agreement of a collaborative."""

    kind = forms.ChoiceField(choices=AgreementKind.choices)
    title = forms.CharField(max_length=300)
    summary = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="What it commits the parties to."
    )
    is_published = forms.BooleanField(required=False, label="Show on the public portal")


class VersionForm(forms.Form):
    """A new version of an agreement, with the parties who must adopt it."""

    kind = forms.ChoiceField(choices=VersionKind.choices, label="Why this version")
    title = forms.CharField(max_length=300)
    parties = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        help_text="Current members only; those of the previous version are ticked.",
    )
    effective_on = forms.DateField(required=False, widget=_DATE, label="Effective date")
    term_months = forms.IntegerField(required=False, min_value=1, max_value=600, label="Term (months)")
    renewal_on = forms.DateField(required=False, widget=_DATE, label="Renewal due")
    adoption_due_on = forms.DateField(required=False, widget=_DATE, label="Every party to adopt by")
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}), label="Text")
    documents = DocumentsField()

    def __init__(self, *args: Any, members: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parties"].choices = members  # type: ignore[attr-defined]


class AdoptionForm(forms.Form):
    """A council's adoption: one of its own matters, or a new one entered here, and the vote date."""

    government = forms.ChoiceField(label="Council")
    matter = forms.ChoiceField(
        required=False,
        label="Adopted by",
        help_text="One of your council's matters; or leave this empty and enter the new matter below.",
    )
    new_file_number = forms.CharField(required=False, max_length=80, label="New matter: file #")
    new_type_name = forms.CharField(required=False, max_length=80, label="New matter: type")
    new_title = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="New matter: title"
    )
    adopted_on = forms.DateField(
        widget=_DATE,
        label="Date of the council's vote",
        error_messages={"required": "Enter the date of the council's vote."},
    )

    def __init__(
        self, *args: Any, governments: list[tuple[str, str]], matters: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["government"].choices = governments  # type: ignore[attr-defined]
        self.fields["matter"].choices = [("", "— enter a new matter below —"), *matters]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new = [data.get("new_file_number"), data.get("new_title")]
        if data.get("matter") and any(new):
            self.add_error("matter", "Choose a matter or enter a new one, not both.")
        elif not data.get("matter"):
            if not data.get("new_file_number"):
                self.add_error("new_file_number", "Enter the new matter's file number, or choose a matter.")
            if not data.get("new_title"):
                self.add_error("new_title", "Enter the new matter's title, or choose a matter.")
        return data


class MatterForm(VersionedForm):
    """A legislative matter with Legistar's fields."""

    file_number = forms.CharField(max_length=80, label="File #")
    type_name = forms.CharField(max_length=80, required=False, label="Type", help_text="e.g. Resolution")
    status_name = forms.CharField(max_length=80, required=False, label="Status", help_text="e.g. Passed")
    title = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    name = forms.CharField(max_length=300, required=False)
    body_name = forms.CharField(max_length=200, required=False, label="In control (body)")
    intro_date = forms.DateField(required=False, widget=_DATE, label="File created")
    agenda_date = forms.DateField(required=False, widget=_DATE, label="On agenda")
    passed_date = forms.DateField(required=False, widget=_DATE, label="Final action")
    enactment_number = forms.CharField(max_length=80, required=False, label="Enactment #")
    version = forms.CharField(max_length=20, required=False, label="Version")
    sponsors = LinesField(help_text="One per line.")
    indexes = LinesField(help_text="One per line.")
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 8}))
    is_published = forms.BooleanField(required=False, label="Show on the public portal")


class MatterActionForm(forms.Form):
    """A row of a matter's action history."""

    action_date = forms.DateField(widget=_DATE, label="Date")
    version = forms.CharField(max_length=20, required=False, label="Version")
    action_body_name = forms.CharField(max_length=200, required=False, label="Action by")
    action_name = forms.CharField(max_length=200, label="Action", help_text="e.g. adopted")
    passed_flag_name = forms.CharField(max_length=40, required=False, label="Result", help_text="e.g. Pass")
    tally = forms.CharField(max_length=40, required=False, help_text="e.g. 8:0")
    mover_name = forms.CharField(max_length=200, required=False, label="Mover")
    seconder_name = forms.CharField(max_length=200, required=False, label="Seconder")


class MatterActionEditForm(VersionedForm):
    """The correctable fields of an action-history row (its date and action stand as recorded)."""

    version = forms.CharField(max_length=20, required=False, label="Version")
    action_body_name = forms.CharField(max_length=200, required=False, label="Action by")
    passed_flag_name = forms.CharField(max_length=40, required=False, label="Result")
    tally = forms.CharField(max_length=40, required=False)
    mover_name = forms.CharField(max_length=200, required=False, label="Mover")
    seconder_name = forms.CharField(max_length=200, required=False, label="Seconder")


class MembershipProposeForm(forms.Form):
    """A coordinator's proposal that a government join."""

    government = forms.ChoiceField()
    role = forms.ChoiceField(choices=MembershipRole.choices, initial=MembershipRole.MEMBER)
    joined_on = forms.DateField(widget=_DATE, label="Joins on")
    authorising_matter = forms.ChoiceField(
        required=False, label="Authorised by", help_text="The joining council's matter, if any."
    )

    def __init__(
        self, *args: Any, governments: list[tuple[str, str]], matters: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["government"].choices = governments  # type: ignore[attr-defined]
        self.fields["authorising_matter"].choices = [("", "None"), *matters]  # type: ignore[attr-defined]


class MembershipEndForm(VersionedForm):
    """The last day of a membership and the council matter authorising it."""

    left_on = forms.DateField(widget=_DATE, label="Last day of membership")
    leave_matter = forms.ChoiceField(
        required=False, label="Authorised by", help_text="The leaving council's matter, if any."
    )

    # The conflict page builds this form without choices; it only shows the submitted values.
    def __init__(self, *args: Any, matters: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leave_matter"].choices = [("", "None"), *(matters or [])]  # type: ignore[attr-defined]


class MatterAttachmentForm(forms.Form):
    """A document attached to a matter: an uploaded file, a link, or both."""

    name = forms.CharField(max_length=300, help_text="What the document is, e.g. Staff report.")
    file = forms.FileField(
        required=False, help_text="The document itself; readers download it from the matter page."
    )
    url = forms.URLField(required=False, assume_scheme="https", max_length=500, label="Link (optional)")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not data.get("url") and "file" not in self.errors:
            self.add_error("file", "Choose a file to upload, or give a link.")
        return data


class PartyExpectForm(VersionedForm):
    """The council matter the coordinator expects to adopt a version for one party (the explicit link)."""

    expected_file_number = forms.CharField(
        required=False,
        max_length=80,
        label="Expected file number",
        help_text="As the council's Legistar shows it, e.g. RES. NO. 24-11. Leave empty to remove the link.",
    )
