from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "interlocal.api"
    label = "api"
