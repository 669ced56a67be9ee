"""Forms for the portal's editing pages; they validate input and nothing else."""

from typing import Any

from django import forms

from interlocal.initiatives.pipeline import Move, Transition, default_target
from interlocal.vocab import CostBand, InitiativeStatus, InitiativeType, Stage, TimelineBand


class InitiativeFilterForm(forms.Form):
    """The initiative list's filters; every field optional."""

    q = forms.CharField(required=False, label="Search", max_length=200)
    topic = forms.ChoiceField(required=False, label="Topic area")
    timeline = forms.ChoiceField(
        required=False, label="Timeline", choices=[("", "Any"), *TimelineBand.choices]
    )
    cost = forms.ChoiceField(required=False, label="Cost band", choices=[("", "Any"), *CostBand.choices])
    type = forms.ChoiceField(required=False, label="Type", choices=[("", "Any"), *InitiativeType.choices])
    status = forms.ChoiceField(
        required=False, label="Status", choices=[("", "Any"), *InitiativeStatus.choices]
    )
    stage = forms.ChoiceField(required=False, label="Stage", choices=[("", "Any"), *Stage.choices])
    partner = forms.ChoiceField(required=False, label="Partner")
    collaborative = forms.ChoiceField(required=False, label="Collaborative")

    def __init__(
        self,
        *args: object,
        topics: list[tuple[str, str]],
        partners: list[tuple[str, str]],
        collaboratives: list[tuple[str, str]],
        **kwargs: object,
    ):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["topic"].choices = [("", "Any"), *topics]  # type: ignore[attr-defined]
        self.fields["partner"].choices = [("", "Any"), *partners]  # type: ignore[attr-defined]
        self.fields["collaborative"].choices = [("", "Any"), *collaboratives]  # type: ignore[attr-defined]
        if not self.data.get("collaborative"):
            # Reached from a collaborative's dashboard; otherwise the partner and text filters cover it.
            del self.fields["collaborative"]

    def applied_filters(self) -> dict[str, str]:
        """The valid filters only: an unknown value drops its own filter (and is reported), not the others."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}

    def unknown_values(self) -> list[tuple[str, str]]:
        """(label, value) of each filter whose value is not one of its choices."""
        return [(str(self.fields[name].label), str(self.data.get(name, ""))) for name in self.errors]


class VersionedForm(forms.Form):
    """An edit form that carries the version of the record the editor started from."""

    # Browsers always send it; a scripted client that leaves it out gets last-writer-wins on its own fields.
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


class GovernmentForm(VersionedForm):
    """The fields a government's own staff keep up to date."""

    website = forms.URLField(required=False, assume_scheme="https")
    population = forms.IntegerField(required=False, min_value=0)
    population_year = forms.IntegerField(required=False, min_value=1790, max_value=2100)
    population_source = forms.CharField(required=False, max_length=200)


# The stage form's option groups, in order: moving on first, undoing progress last and labelled so.
_MOVE_GROUPS = [
    ((Move.FORWARD, Move.RESUME), "Forward"),
    ((Move.HOLD, Move.WITHDRAW), "Pause or stop"),
    ((Move.BACKWARD,), "Back to an earlier stage (you will be asked to confirm)"),
    ((Move.REOPEN,), "Reopen (you will be asked to confirm)"),
]


def _move_label(move: Transition) -> str:
    label = str(Stage(move.target).label)
    if move.move == Move.RESUME:
        return f"Resume: {label}"
    if move.move == Move.WITHDRAW:
        return f"{label} (you will be asked to confirm)"
    return label


class AdvanceForm(VersionedForm):
    """Move an initiative to a stage the transition table allows, with the reason."""

    to_stage = forms.ChoiceField(
        label="Move to stage",
        widget=forms.Select(attrs={"class": "usa-select", "aria-describedby": "to-stage-hint"}),
    )
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 2, "class": "usa-textarea"}),
        max_length=2000,
        error_messages={"required": "Say why the initiative moves: a reason is required."},
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, transitions: list[Transition], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups: list[tuple[str, Any]] = []
        for kinds, heading in _MOVE_GROUPS:
            options = [(str(t.target), _move_label(t)) for t in transitions if t.move in kinds]
            if options:
                groups.append((heading, options))
        field = self.fields["to_stage"]
        assert isinstance(field, forms.ChoiceField)
        default = default_target(transitions)
        # With nothing to move on to, nothing is preselected: a browser would otherwise pick the first option.
        field.choices = groups if default else [("", "Choose a stage"), *groups]
        self.initial.setdefault("to_stage", str(default) if default else "")


class ProgressForm(forms.Form):
    """A progress report."""

    text = forms.CharField(
        label="Progress since the last report", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class MeasurementForm(forms.Form):
    """A KPI value on a date."""

    measured_on = forms.DateField(label="Date (YYYY-MM-DD)", widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.DecimalField(max_digits=14, decimal_places=2)
    note = forms.CharField(required=False, max_length=2000)


class ScoreForm(forms.Form):
    """One government's scores of an initiative, a field per criterion."""

    def __init__(
        self,
        *args: Any,
        criteria: list[Any],
        scale: tuple[int, int],
        initial_scores: dict[int, Any],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        for c in criteria:
            prior = initial_scores.get(c.pk)
            self.fields[f"c{c.pk}"] = forms.IntegerField(
                label=f"{c.name} (weight {c.weight.normalize():f})",
                min_value=scale[0],
                max_value=scale[1],
                required=False,
                initial=prior.value if prior else None,
                help_text=c.description,
            )
            self.fields[f"c{c.pk}_comment"] = forms.CharField(
                label=f"Comment on {c.name}",
                required=False,
                max_length=2000,
                initial=prior.comment if prior else "",
            )
            # The version of the score this page showed, so that a colleague's newer score is not overwritten.
            self.fields[f"c{c.pk}_version"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, initial=prior.lock_version if prior else None
            )
