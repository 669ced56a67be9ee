from django.apps import AppConfig


class LegislationConfig(AppConfig):
    name = "interlocal.legislation"
    label = "legislation"
    verbose_name = "Legistar records"
