from django.apps import AppConfig


class CostshareConfig(AppConfig):
    name = "interlocal.costshare"
    label = "costshare"
    verbose_name = "Cost sharing"
