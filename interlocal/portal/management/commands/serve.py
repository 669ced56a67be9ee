from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Interlocal on http://127.0.0.1:8000 (a laptop server; use gunicorn behind a proxy in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "addrport", nargs="?", default="127.0.0.1:8000", help="Address and port to listen on."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # A laptop database behind the code would answer every page with a 500; bring it up to date first.
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Interlocal is at http://{options['addrport']}/ (Ctrl-C stops it).")
        call_command("runserver", options["addrport"], use_reloader=False)
