from django.apps import AppConfig


class CollaborativesConfig(AppConfig):
    name = "interlocal.collaboratives"
    label = "collaboratives"
