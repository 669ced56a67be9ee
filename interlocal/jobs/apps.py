from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "interlocal.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
