"""`interlocal restore FILE`: load a backup into an empty, migrated database, all or nothing."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interlocal.backup import BackupError, restore


class Command(BaseCommand):
    # The system checks (URLs, admin, API schema) take seconds and say nothing about the data.
    requires_system_checks: list[str] = []
    help = (
        "Load a backup written by `interlocal backup` into an empty, migrated database of any engine, in one "
        "transaction: primary keys kept, checksum and counts verified, nothing changed on any error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """The file, and the flag that allows replacing existing records."""
        parser.add_argument("file", type=Path, help="a file written by `interlocal backup`")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete every existing record (and session) first, in the same transaction",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Restore and say what was loaded."""
        try:
            header = restore(options["file"], replace=options["replace"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        total = sum(header.counts().values())
        self.stdout.write(
            f"Restored {total} records of {len(header.tables)} tables from {options['file']} "
            f"(written by interlocal {header.app_version} on {header.engine} at {header.created_at})."
        )
