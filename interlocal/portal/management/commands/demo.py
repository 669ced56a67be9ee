from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from interlocal.demo import DEMO_PASSWORD, demo_loaded, load_demo, load_demo_boundaries


class Command(BaseCommand):
    help = (
        "Load the demonstration region (idempotent). It creates accounts with a published password, so it "
        "runs only with DEBUG=true or on the embedded SQLite database, unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="load the demo even with DEBUG off on a server database (accounts get a published password)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or settings.EMBEDDED_DATABASE or options["force"]):
            raise CommandError(
                "refusing to load the demo (accounts with the published password "
                f"{DEMO_PASSWORD!r}) on a server database with DEBUG off; use --force if you mean it"
            )
        if demo_loaded():
            self.stdout.write("Demo data is already loaded; nothing changed.")
            self.stdout.write(load_demo_boundaries())
            return
        load_demo()
        self.stdout.write(load_demo_boundaries())
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(
            f"Sign in as admin, coordinator, ls-clerk, ind-editor, bs-finance or stl-planner with password "
            f"{DEMO_PASSWORD!r} (demo only)."
        )
