import getpass
from typing import Any

from django.contrib.auth.management.commands import createsuperuser
from django.db import transaction

from interlocal.governments.actions import person_record_creation
from interlocal.governments.models import Person


class Command(createsuperuser.Command):
    help = "Create a site administrator; the new account is audited."

    def handle(self, *args: Any, **options: Any) -> None:
        # Django's command saves the account itself; the audit event commits with it or not at all.
        with transaction.atomic():
            known = set(Person.objects.values_list("pk", flat=True))
            super().handle(*args, **options)
            for person in Person.objects.exclude(pk__in=known):
                person_record_creation(
                    acting_user=None,
                    person=person,
                    note=f"createsuperuser command, run by operating-system user {getpass.getuser()}.",
                )
