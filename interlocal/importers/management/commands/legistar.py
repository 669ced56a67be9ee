"""`interlocal legistar sync`: follow a government's Legistar client through its Web API."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from interlocal.governments.models import Government
from interlocal.importers.actions import legistar_sync_configure, legistar_sync_run
from interlocal.importers.legistar_client import LegistarError
from interlocal.importers.legistar_sync import SyncOutcome, due_syncs
from interlocal.importers.models import LegistarSync

# The import command's --as rule (its module name is a keyword, hence importlib).
acting_user = importlib.import_module("interlocal.importers.management.commands.import").acting_user


CLIENT_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


def parse_since(value: str) -> dt.datetime:
    """A --since date or date-time; naive values are UTC."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since: not a date or date-time (YYYY-MM-DD[THH:MM]): {value!r}") from None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed


class Command(BaseCommand):
    help = (
        "Sync legislation from a Legistar Web API: `interlocal legistar sync --client C --government SLUG`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """The `sync` sub-command and its options."""
        sub = parser.add_subparsers(dest="action", title="actions", metavar="ACTION")
        sync = sub.add_parser("sync", help="pull new and changed records; resume an interrupted run")
        sync.add_argument("--client", help="Legistar client name, e.g. nyc or metro")
        sync.add_argument("--government", help="slug of the government the client's records belong to")
        sync.add_argument("--since", help="only records modified after this date (YYYY-MM-DD[THH:MM], UTC)")
        sync.add_argument(
            "--base-url",
            help="Web API base URL, kept on the sync (default: the public one, or INTERLOCAL_LEGISTAR_BASE_URL)",
        )
        sync.add_argument("--all", action="store_true", help="run every enabled sync that is due (for cron)")
        sync.add_argument("--page-size", type=int, help="$top of each page (default 1000, Legistar's cap)")
        sync.add_argument("--as", dest="as_user", help="username to act as (default: the only superuser)")
        sync.add_argument("--enable", action="store_true", help="also turn on the scheduled sync")
        sync.add_argument("--interval", type=int, help="minutes between scheduled runs (with --enable)")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run one sync or every due one; exit non-zero when any failed."""
        if options.get("action") != "sync":
            raise CommandError("name an action: sync")
        user = acting_user(options.get("as_user"))
        since = parse_since(options["since"]) if options.get("since") else None
        page_size = options.get("page_size")
        if page_size is not None and page_size < 1:
            raise CommandError("--page-size must be positive")
        run_options: dict[str, Any] = {"page_size": page_size}
        if options["all"]:
            if options.get("client") or options.get("government") or options.get("base_url"):
                raise CommandError(
                    "--all runs every due sync as set up; leave out --client, --government, --base-url"
                )
            syncs = due_syncs(timezone.now())
            if not syncs:
                self.stdout.write("No Legistar sync is due.")
            failed = sum(not self._run(user, sync, since, run_options).ok for sync in syncs)
            if failed:
                raise CommandError(f"{failed} of {len(syncs)} sync(s) failed", returncode=1)
            return
        client, slug = options.get("client"), options.get("government")
        if not client or not slug:
            raise CommandError("--client and --government are required (or --all)")
        government = Government.objects.filter(slug=slug).first()
        if government is None:
            raise CommandError(f"--government: no government with slug {slug!r}")
        if not CLIENT_NAME.match(client):
            raise CommandError(f"--client: not a Legistar client name (letters, digits, - and _): {client!r}")
        sync = legistar_sync_configure(
            acting_user=user,
            government=government,
            client=client,
            base_url=options.get("base_url"),
            enabled=True if options["enable"] else None,
            interval_minutes=options.get("interval"),
        )
        outcome = self._run(user, sync, since, run_options, quiet_failure=True)
        if not outcome.ok:
            raise CommandError(outcome.error, returncode=1)

    def _run(
        self, user: Any, sync: LegistarSync, since: Any, options: dict[str, Any], quiet_failure: bool = False
    ) -> SyncOutcome:
        """Run one sync and print its line; with quiet_failure the caller reports the failure (one line)."""
        label = f"{sync.government.slug}/{sync.client}"
        try:
            outcome: SyncOutcome = legistar_sync_run(acting_user=user, sync=sync, since=since, **options)
        except LegistarError as exc:
            # A bad base URL, or another run holding the sync: found before any request.
            outcome = SyncOutcome(
                ok=False, counts=Counter(), requests=0, retries=0, resumed=False, error=str(exc)
            )
        except KeyboardInterrupt:
            raise CommandError(
                f"{label}: interrupted; `interlocal legistar sync` resumes at the next page"
            ) from None
        if outcome.ok:
            self.stdout.write(f"{label}: {outcome.summary()}")
        elif quiet_failure:
            outcome.error = f"{label}: {outcome.error}"
        else:
            self.stderr.write(f"{label}: {outcome.summary()}")
        return outcome
