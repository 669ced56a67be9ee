from django.apps import AppConfig


class GovernmentsConfig(AppConfig):
    name = "interlocal.governments"
    label = "governments"
