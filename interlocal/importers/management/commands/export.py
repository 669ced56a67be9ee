"""`interlocal export <record-type> --format csv|json|ocd`: every record type to standard output."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interlocal.agreements.models import LegislativeMatter, MatterAction
from interlocal.importers import exports
from interlocal.importers.sources.spreadsheet import RECORD_TYPES, template_csv
from interlocal.legislation.models import Event


class Command(BaseCommand):
    help = "Export a record type to standard output as CSV, JSON or (matters, actions) Open Civic Data JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        """The record type and the format."""
        names = list(exports.record_types())
        parser.add_argument("record_type", choices=names, metavar="RECORD_TYPE", help=", ".join(names))
        parser.add_argument("--format", choices=["csv", "json", "ocd"], default="csv")
        parser.add_argument(
            "--template",
            action="store_true",
            help=f"print the import template (header and example row) of {', '.join(RECORD_TYPES)}",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Stream the rows out."""
        name = options["record_type"]
        model = exports.record_types()[name]
        if options["template"]:
            if name not in RECORD_TYPES:
                raise CommandError(f"no import template for {name}; templates: {', '.join(RECORD_TYPES)}")
            self.stdout.write(template_csv(name), ending="")
            return
        fmt = options["format"]
        if fmt == "csv":
            exports.write_csv(model, self.stdout)
        elif fmt == "json":
            exports.write_json_array(exports.rows(model), self.stdout)
        else:
            if model not in (LegislativeMatter, MatterAction, Event):
                raise CommandError("--format ocd covers legislative-matters, matter-actions and events only")
            exports.write_json_array(exports.ocd_items(model), self.stdout)
