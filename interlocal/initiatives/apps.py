from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "interlocal.initiatives"
    label = "initiatives"
