from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "interlocal.reports"
    label = "reports"
    verbose_name = "Action plans and progress reports"
