from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "interlocal.agreements"
    label = "agreements"
