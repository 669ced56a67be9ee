from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Run the background worker: it takes queued jobs (plan PDFs, large imports) from the database and "
        "runs them. `make run` starts one beside the server; Ctrl-C stops it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="run the queued jobs, then stop instead of waiting for more"
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds to wait between looks at an empty queue"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Interlocal worker: running queued jobs (Ctrl-C stops it).")
        call_command(
            "db_worker",
            batch=options["batch"],
            interval=options["interval"],
            reload=False,
            startup_delay=False,
            verbosity=options["verbosity"],
        )
