"""`interlocal backup FILE`: every record to one engine-independent file."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interlocal.backup import BackupError, backup


class Command(BaseCommand):
    # The system checks (URLs, admin, API schema) take seconds and say nothing about the data.
    requires_system_checks: list[str] = []
    help = (
        "Write every record (accounts and audit log included; sessions excluded) to FILE, a gzip'd JSON-lines "
        "file read from one consistent snapshot. Restore it on any engine with `interlocal restore FILE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """The file to write."""
        parser.add_argument("file", type=Path, help="where to write the backup (replaced only once complete)")

    def handle(self, *args: Any, **options: Any) -> None:
        """Write the backup and say what it holds."""
        try:
            header = backup(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        total = sum(header.counts().values())
        self.stdout.write(
            f"Backed up {total} records of {len(header.tables)} tables to {options['file']} "
            f"(sha256 {header.sha256[:16]}...)."
        )
