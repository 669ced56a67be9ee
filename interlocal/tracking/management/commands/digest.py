import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from interlocal.governments.models import Person
from interlocal.tracking.digest import render_digest
from interlocal.tracking.queries import digest_for


class Command(BaseCommand):
    help = "E-mail each person one digest of their overdue items and upcoming agreement deadlines (for cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the digests instead of sending them."
        )
        parser.add_argument(
            "--today", help="Pretend today is this date (YYYY-MM-DD), to preview a future digest."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(f"--today {options['today']!r} is not a date like 2026-11-22") from None
        sent = 0
        people = Person.objects.filter(is_active=True, government__isnull=False).order_by("username")
        for person in people:
            digest = digest_for(person, today)
            if not digest:
                continue
            subject, body = render_digest(person, digest, today)
            if options["dry_run"]:
                self.stdout.write(
                    f"To: {person.email or '(no e-mail address)'} ({person.username})\nSubject: {subject}\n\n{body}\n"
                )
            elif person.email:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
            else:
                self.stderr.write(f"{person.username} has overdue items but no e-mail address.")
                continue
            sent += 1
        verb = "would be sent" if options["dry_run"] else "sent"
        self.stdout.write(f"{sent} digest{'s' if sent != 1 else ''} {verb}.")
