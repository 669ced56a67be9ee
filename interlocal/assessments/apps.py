from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "interlocal.assessments"
    label = "assessments"
    verbose_name = "Joint self-assessments"
