from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "interlocal.portal"
    label = "portal"
