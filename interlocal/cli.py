"""The `interlocal` console command: the one entry point, equivalent to manage.py."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command such as `interlocal serve` or `interlocal demo`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interlocal.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "interlocal"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
