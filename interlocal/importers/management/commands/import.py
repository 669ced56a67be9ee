"""`interlocal import <source> <file-or-url>`: bring records in through the audited actions."""

from __future__ import annotations

import tempfile
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interlocal.governments.models import Person
from interlocal.importers.base import run_import
from interlocal.importers.sources import SOURCES
from interlocal.importers.uploads import purge_expired, upload_dir

MAX_DOWNLOAD = 200 * 1024 * 1024


def acting_user(username: str | None) -> Person:
    """The --as user, or the only superuser when there is exactly one."""
    if username:
        person = Person.objects.filter(username=username, is_active=True).first()
        if person is None:
            raise CommandError(f"--as: no active user {username!r}")
        return person
    supers = list(Person.objects.filter(is_superuser=True, is_active=True)[:2])
    if len(supers) != 1:
        raise CommandError(
            f"--as USERNAME is needed: there are {'no' if not supers else 'several'} superusers to default to"
        )
    return supers[0]


def fetch(url: str, directory: str) -> Path:
    """Download a URL into the directory, refusing anything larger than MAX_DOWNLOAD."""
    name = Path(urlparse(url).path).name or "download"
    target = Path(directory) / name
    with urllib.request.urlopen(url, timeout=60) as response, target.open("wb") as out:
        size = 0
        while chunk := response.read(1 << 16):
            size += len(chunk)
            if size > MAX_DOWNLOAD:
                raise CommandError(f"{url}: larger than {MAX_DOWNLOAD // (1024 * 1024)} MB")
            out.write(chunk)
    return target


class Command(BaseCommand):
    help = "Import records from a file or URL. Sources: " + ", ".join(SOURCES)

    def add_arguments(self, parser: CommandParser) -> None:
        """One sub-command per source, each with its own options."""
        parser.add_argument(
            "--purge-expired",
            action="store_true",
            help="delete previewed uploads under var/imports/ older than INTERLOCAL_IMPORT_TTL_HOURS, and stop",
        )
        sub = parser.add_subparsers(dest="source", title="sources", metavar="SOURCE")
        for name, cls in SOURCES.items():
            source_parser = sub.add_parser(name, help=cls.help, description=cls.help)
            source_parser.add_argument("file", help="path or http(s) URL of the input")
            source_parser.add_argument(
                "--dry-run", action="store_true", help="show what would change and change nothing"
            )
            source_parser.add_argument(
                "--as", dest="as_user", help="username to act as (default: the only superuser)"
            )
            for option in cls.options:
                source_parser.add_argument(
                    option.flag,
                    dest=option.dest,
                    help=option.help + (" (required)" if option.required else ""),
                )

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the import and print its report; exit non-zero when anything was rejected."""
        if options["purge_expired"]:
            removed = purge_expired()
            self.stdout.write(f"Deleted {removed} expired upload(s) from {upload_dir()}.")
            return
        if not options.get("source"):
            raise CommandError(f"name a SOURCE: {', '.join(SOURCES)}")
        cls = SOURCES[options["source"]]
        user = acting_user(options.get("as_user"))
        source = cls(acting_user=user, **{o.dest: options.get(o.dest) for o in cls.options})
        target = str(options["file"])
        with tempfile.TemporaryDirectory() as tmp:
            if target.startswith(("http://", "https://")):
                path = fetch(target, tmp)
                # A fetched page's relative links resolve against its own address.
                if any(o.dest == "base_url" for o in cls.options) and not source.values.get("base_url"):
                    source.values["base_url"] = target
            else:
                path = Path(target)
                if not path.is_file():
                    raise CommandError(f"{target}: no such file")
            report = run_import(source, path, dry_run=options["dry_run"], label=target)
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"{report.problem_count} problem(s); nothing was changed", returncode=1)
