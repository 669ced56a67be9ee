from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "interlocal.tracking"
    label = "tracking"
