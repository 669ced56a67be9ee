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
            problem = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
        try:
            result = cli_core.compute(problem, options["methods"])
        except CostShareError as exc:
            raise CommandError(f"{path}: {exc}") from None
        if options["json"]:
            keys = ("partners", "total", "allocations", "in_core", "savings")
            self.stdout.write(json.dumps({k: result[k] for k in keys}, indent=2))
        else:
            self.stdout.write(cli_core.render_text(result))
