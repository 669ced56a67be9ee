"""`interlocal costshare FILE`: split a shared cost by several methods from a JSON problem file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interlocal.costshare import cli_core
from interlocal.costshare.engine import METHODS, CostShareError


class Command(BaseCommand):
    help = "Split a shared cost among partners by several methods and check each split is fair (in the core)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON problem file (see --help-schema).")
        parser.add_argument(
            "--method",
            action="append",
            choices=METHODS,
            dest="methods",
            help=f"A method to run; repeat for several (default: {', '.join(cli_core.DEFAULT_METHODS)}).",
        )
        parser.add_argument(
            "--core-check",
            choices=cli_core.CORE_CHECK_MODES,
            default="auto",
            help="Check each split against every group of partners: always (refused if it would not fit in "
            "memory), never, or auto (only when cheap; the default).",
        )
        parser.add_argument("--json", action="store_true", help="Print the results as a JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: cannot read it ({exc})") from None
        try:
            problem = cli_core.load_problem(text)
            result = cli_core.compute(problem, options["methods"], options["core_check"])
        except CostShareError as exc:
            raise CommandError(f"{path}: {exc}") from None
        if options["json"]:
            keys = ("partners", "total", "allocations", "in_core", "savings")
            self.stdout.write(json.dumps({k: result[k] for k in keys}, indent=2))
        else:
            self.stdout.write(cli_core.render_text(result))
