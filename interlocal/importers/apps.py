"""The importers app: bring outside records in through the audited actions."""

from django.apps import AppConfig


class ImportersConfig(AppConfig):
    """Importers and exports of every record type."""

    name = "interlocal.importers"
    label = "importers"
    verbose_name = "Imports and exports"
