"""Forms for the portal's editing pages; they validate input and nothing else."""

from django import forms

from interlocal.vocab import CostBand, InitiativeStatus, InitiativeType, TimelineBand


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
    partner = forms.ChoiceField(required=False, label="Partner")

    def __init__(
        self, *args: object, topics: list[tuple[str, str]], partners: list[tuple[str, str]], **kwargs: object
    ):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["topic"].choices = [("", "Any"), *topics]  # type: ignore[attr-defined]
        self.fields["partner"].choices = [("", "Any"), *partners]  # type: ignore[attr-defined]


class GovernmentForm(forms.Form):
    """The fields a government's own staff keep up to date."""

    website = forms.URLField(required=False, assume_scheme="https")
    population = forms.IntegerField(required=False, min_value=0)
    population_year = forms.IntegerField(required=False, min_value=1790, max_value=2100)
    population_source = forms.CharField(required=False, max_length=200)
